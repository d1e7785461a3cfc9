//! One module per command; shared helpers for loading what the database holds.

mod alerts;
mod child_tracker;
mod children;
mod demo;
mod import;
mod policy;
mod summary;
mod synth;
mod tracker;

use std::path::Path;

use anyhow::Context;
use permanence_domain::{Date, Journey};
use permanence_store::{SqliteStore, Store};

use crate::cli::{Cli, Command, ExportCommand, ImportCommand, PolicyCommand};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Demo(args) => demo::run(&args, cli.policy.as_deref(), &mut out),
        Command::Import(ImportCommand::Ssda903(args)) => import::run(&cli.db, &args, &mut out),
        Command::Import(ImportCommand::Tracker(args)) => tracker::import(&cli.db, &args, &mut out),
        Command::Export(ExportCommand::Tracker(args)) => tracker::export(&cli.db, &args, &mut out),
        Command::Children(args) => children::list(&cli.db, &args, &mut out),
        Command::Child(args) => children::show(&cli.db, &args, &mut out),
        Command::Alerts(args) => alerts::run(&cli.db, cli.policy.as_deref(), &args, &mut out),
        Command::Policy(PolicyCommand::Show) => policy::show(cli.policy.as_deref(), &mut out),
        Command::Policy(PolicyCommand::Init { out: path, force }) => {
            policy::init(&path, force, &mut out)
        }
        Command::Policy(PolicyCommand::Rules) => policy::rules(cli.policy.as_deref(), &mut out),
        Command::Synth(args) => synth::run(&args, &mut out),
    }
}

/// Today's date in the council's time zone (England).
pub(crate) fn today() -> Date {
    let zone = jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned_datetime(zone).date()
}

/// Opens an existing database, with a clear error when there is none yet.
pub(crate) fn open_store(db: &Path) -> anyhow::Result<SqliteStore> {
    SqliteStore::open_existing(db)
        .with_context(|| format!("cannot open the database {}", db.display()))?
        .with_context(|| {
            format!(
                "there is no database at {}: import the 903 return first (permanence import 903 PATH), \
                 or give --db (or PERMANENCE_DB)",
                db.display()
            )
        })
}

/// Every child's journey, from the returns the store holds.
pub(crate) fn load_journeys(store: &dyn Store) -> anyhow::Result<Vec<Journey>> {
    let returns = store.current_returns()?;
    let outcome = permanence_ssda903::build_records(&returns, None).map_err(|problems| {
        anyhow::anyhow!("the stored returns no longer merge cleanly:\n{problems}")
    })?;
    Ok(outcome.children.into_iter().map(Journey::new).collect())
}

/// Every finding on `as_of` for `journeys`, with the tracker's records when the
/// database holds any. A council that has not loaded tracker records yet is checked on
/// the 903 return alone (the rules that need tracker records are skipped), rather than
/// being told that every child lacks every record.
pub(crate) fn evaluate(
    store: &dyn Store,
    journeys: &[Journey],
    policy: &permanence_rules::Policy,
    as_of: Date,
) -> anyhow::Result<Vec<permanence_rules::Finding>> {
    let calendar = policy.calendar();
    let (organisation, trackers) = permanence_store::load_tracker(store)?;
    let no_records = organisation == Default::default() && trackers.is_empty();
    Ok(if no_records {
        permanence_rules::evaluate_all(journeys, policy, &calendar, as_of)
    } else {
        permanence_rules::evaluate_all_with(
            journeys,
            &trackers,
            &organisation,
            policy,
            &calendar,
            as_of,
        )
    })
}

/// Who is running the command, for the audit log.
pub(crate) fn actor() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .map(|user| format!("{user} (command line)"))
        .unwrap_or_else(|_| "command line".to_string())
}
