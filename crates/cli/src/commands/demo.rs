//! `permanence demo`: a synthetic borough, imported through the real import into a
//! fresh database, and a summary of it.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use permanence_domain::CollectionYear;
use permanence_store::SqliteStore;
use permanence_synth::SynthConfig;

use super::{load_journeys, summary::population_summary, today};
use crate::cli::{DemoArgs, ImportArgs};

/// Marks a folder as the demo's own, so that rebuilding it never deletes anything else.
const MARKER: &str = ".permanence-demo";

/// Years of history the demo holds.
const DEMO_YEARS: i16 = 6;

pub(crate) fn run(args: &DemoArgs, out: &mut dyn Write) -> anyhow::Result<()> {
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
    permanence_synth::write_borough(&config, &returns)?;
    super::import::run(
        &db,
        &ImportArgs {
            paths: vec![returns],
            year: None,
            dry_run: false,
        },
        out,
    )?;
    let store = SqliteStore::open(&db)?;
    let journeys = load_journeys(&store)?;
    writeln!(out)?;
    write!(out, "{}", population_summary(&journeys, today))?;
    writeln!(out)?;
    writeln!(out, "The demo database is {}. Try:", db.display())?;
    writeln!(
        out,
        "  PERMANENCE_DB={} cargo run --release -- children --looked-after",
        db.display()
    )?;
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
