//! `permanence demo`: a synthetic borough (903 returns, and tracker records when the
//! generator writes them under `903/tracker/`), imported through the real imports into
//! a fresh database, and a summary of it.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use permanence_domain::CollectionYear;
use permanence_store::SqliteStore;
use permanence_synth::SynthConfig;

use std::collections::BTreeMap;

use permanence_domain::date::format_dmy;
use permanence_rules::Status;

use super::{load_journeys, summary::population_summary, today};
use crate::cli::{DemoArgs, ImportArgs, ImportTrackerArgs};
use crate::output::{Cell, TextTable};

/// Marks a folder as the demo's own, so that rebuilding it never deletes anything else.
const MARKER: &str = ".permanence-demo";

/// Years of history the demo holds.
const DEMO_YEARS: i16 = 6;

pub(crate) fn run(
    args: &DemoArgs,
    policy: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let policy = super::policy::load(policy)?;
    prepare_folder(&args.dir)?;
    let today = today();
    let last_year = CollectionYear::containing(today);
    let first_year = CollectionYear(last_year.0 - (DEMO_YEARS - 1));
    let returns = args.dir.join("903");
    let db = args.dir.join("permanence.db");
    writeln!(
        out,
        "Building a synthetic borough: {} fictional children, {first_year} to {last_year} ...",
        args.children
    )?;
    let config = SynthConfig {
        children: args.children,
        seed: args.seed,
        first_year,
        last_year,
    };
    permanence_synth::write_borough_as_at(&config, today, &returns)?;
    super::import::run(
        &db,
        &ImportArgs {
            paths: vec![returns.clone()],
            year: None,
            dry_run: false,
        },
        out,
    )?;
    // The synthetic tracker records, through the same import as a council's.
    let tracker = returns.join("tracker");
    if tracker.is_dir() {
        writeln!(out)?;
        super::tracker::import(
            &db,
            &ImportTrackerArgs {
                paths: vec![tracker],
                dry_run: false,
                reason: Some("synthetic demo data".to_string()),
            },
            out,
        )?;
    }
    let store = SqliteStore::open(&db)?;
    let journeys = load_journeys(&store)?;
    writeln!(out)?;
    write!(out, "{}", population_summary(&journeys, today))?;
    let findings = super::evaluate(&store, &journeys, &policy, today)?;
    let mut by_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for finding in &findings {
        let counts = by_rule.entry(finding.rule).or_default();
        match finding.status {
            Status::Overdue => counts.0 += 1,
            _ => counts.1 += 1,
        }
    }
    let mut table = TextTable::new(
        ["Drift rule", "What", "Overdue", "Due soon or to check"]
            .map(String::from)
            .to_vec(),
    );
    for (rule, (overdue, other)) in by_rule {
        let title = permanence_rules::find_rule(rule)
            .map(|r| r.info().title)
            .unwrap_or_default();
        table.push(vec![
            Cell::text(rule),
            Cell::text(title),
            Cell::number(overdue),
            Cell::number(other),
        ]);
    }
    writeln!(
        out,
        "\nDrift found on {}:\n{}",
        format_dmy(today),
        table.render()
    )?;
    writeln!(out)?;
    writeln!(out, "The demo database is {}. Try:", db.display())?;
    writeln!(out, "  export PERMANENCE_DB={}", db.display())?;
    writeln!(out, "  cargo run --release -- alerts")?;
    writeln!(out, "  cargo run --release -- children --looked-after")?;
    if let Some(finding) = findings.first() {
        writeln!(out, "  cargo run --release -- child {}", finding.child)?;
    }
    Ok(())
}

/// Empties the demo folder, or creates it; refuses a folder that is not the demo's.
fn prepare_folder(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let is_demo = dir.join(MARKER).exists();
        let is_empty = std::fs::read_dir(dir)?.next().is_none();
        if !is_demo && !is_empty {
            bail!(
                "{} already exists and is not a demo folder; choose another with --dir",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot empty {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(
        dir.join(MARKER),
        "Built by `permanence demo`; rebuilt on every run.\n",
    )?;
    Ok(())
}
