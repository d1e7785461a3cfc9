//! One module per command; shared helpers for loading what the database holds.

mod alerts;
mod backup;
mod child_tracker;
mod children;
mod demo;
mod evaluate;
mod exports;
mod forecast;
mod import;
mod migrate;
mod policy;
mod report;
mod serve;
mod summary;
mod synth;
mod tracker;
mod users;

use anyhow::Context;
use permanence_domain::{Date, Journey};
use permanence_store::{Database, Location, Store};

use crate::cli::{
    Cli, Command, ExportCommand, ImportCommand, PolicyCommand, ReportCommand, UsersCommand,
};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Demo(args) => demo::run(&args, cli.policy.as_deref(), &mut out),
        Command::Import(ImportCommand::Ssda903(args)) => import::run(&cli.db, &args, &mut out),
        Command::Import(ImportCommand::Tracker(args)) => tracker::import(&cli.db, &args, &mut out),
        Command::Export(ExportCommand::Tracker(args)) => tracker::export(&cli.db, &args, &mut out),
        Command::Export(ExportCommand::AnnexA(args)) => exports::annex_a(&cli.db, &args, &mut out),
        Command::Export(ExportCommand::Deidentified(args)) => {
            exports::deidentified(&cli.db, &args, &mut out)
        }
        Command::Import(ImportCommand::AnnexA(args)) => {
            exports::import_annex_a(&cli.db, &args, &mut out)
        }
        Command::Children(args) => children::list(&cli.db, &args, &mut out),
        Command::Child(args) => children::show(&cli.db, &args, &mut out),
        Command::Evaluate => evaluate::run(&cli.db, cli.policy.as_deref(), &mut out),
        Command::Alerts(args) => alerts::run(&cli.db, cli.policy.as_deref(), &args, &mut out),
        Command::Report(ReportCommand::Monthly { month, output }) => {
            report::run(&cli.db, cli.policy.as_deref(), month, &output, &mut out)
        }
        Command::Report(ReportCommand::Quarterly { quarter, output }) => {
            report::run(&cli.db, cli.policy.as_deref(), quarter, &output, &mut out)
        }
        Command::Backup(args) => backup::run(&cli.db, &args.out, &mut out),
        Command::Migrate => migrate::run(&cli.db, &mut out),
        Command::Policy(PolicyCommand::Show) => policy::show(cli.policy.as_deref(), &mut out),
        Command::Policy(PolicyCommand::Init { out: path, force }) => {
            policy::init(&path, force, &mut out)
        }
        Command::Policy(PolicyCommand::Rules) => policy::rules(cli.policy.as_deref(), &mut out),
        Command::Forecast(args) => forecast::run(&cli.db, cli.policy.as_deref(), &args, &mut out),
        Command::Synth(args) => synth::run(&args, &mut out),
        Command::Serve(args) => serve::run(&cli.db, cli.policy.as_deref(), &args, &mut out),
        Command::Users(UsersCommand::Add(args)) => users::add(&cli.db, &args, &mut out),
        Command::Users(UsersCommand::List) => users::list(&cli.db, &mut out),
        Command::Users(UsersCommand::Disable { username }) => {
            users::disable(&cli.db, &username, &mut out)
        }
        Command::Users(UsersCommand::ResetPassword {
            username,
            password_stdin,
        }) => users::reset_password(&cli.db, &username, password_stdin, &mut out),
    }
}

/// Today's date in the council's time zone (England).
pub(crate) fn today() -> Date {
    let zone = jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned_datetime(zone).date()
}

/// Opens an existing database, with a clear error when there is none yet.
pub(crate) fn open_store(db: &Location) -> anyhow::Result<Database> {
    db.open_existing()
        .with_context(|| format!("cannot open the database {}", db))?
        .with_context(|| {
            format!(
                "there is no database at {}: import the 903 return first (permanence import 903 PATH), \
                 or give --db (or PERMANENCE_DB)",
                db
            )
        })
}

/// Every child's journey, from the returns the store holds.
pub(crate) fn load_journeys(store: &dyn Store) -> anyhow::Result<Vec<Journey>> {
    Ok(permanence_store::load_journeys(store)?)
}

/// Every finding on `as_of` for `journeys`, with the tracker's records when the
/// database holds any (see [`permanence_rules::evaluate_borough`]).
pub(crate) fn evaluate(
    store: &dyn Store,
    journeys: &[Journey],
    policy: &permanence_rules::Policy,
    as_of: Date,
) -> anyhow::Result<Vec<permanence_rules::Finding>> {
    let (organisation, trackers) = permanence_store::load_tracker(store)?;
    Ok(permanence_rules::evaluate_borough(
        journeys,
        &trackers,
        &organisation,
        policy,
        &policy.calendar(),
        as_of,
    ))
}

/// Who is running the command, for the audit log.
pub(crate) fn actor() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .map(|user| format!("{user} (command line)"))
        .unwrap_or_else(|_| "command line".to_string())
}

/// The paths a user gave, as text for messages and the import log.
pub(crate) fn paths_text(paths: &[std::path::PathBuf], separator: &str) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(separator)
}
