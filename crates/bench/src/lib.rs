//! Shared set-up for the benchmarks: synthetic boroughs at the sizes the issues name,
//! in memory for the engine's benchmarks and imported into a database for the web
//! application's load benchmark (the `load` binary), with the load driver's latency
//! histogram ([`latency`]) and memory sampling ([`memory`]).

pub mod latency;
pub mod memory;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use permanence_store::{Location, NewImport, NewTrackerImport};

use permanence_domain::record::ChildId;
use permanence_domain::tracker::{ChildTracker, Organisation};
use permanence_domain::{CollectionYear, Date, Journey};
use permanence_synth::SynthConfig;

/// A borough the size of the demo: 2,000 children over six collection years.
pub const BOROUGH: SynthConfig = SynthConfig {
    children: 2_000,
    seed: 1,
    first_year: CollectionYear(2021),
    last_year: CollectionYear(2026),
};

/// A national-scale history: 100,000 children over ten collection years.
pub const NATIONAL: SynthConfig = SynthConfig {
    children: 100_000,
    seed: 1,
    first_year: CollectionYear(2017),
    last_year: CollectionYear(2026),
};

/// The evaluation date used by the benchmarks: the end of the last collection year.
pub fn as_of(config: &SynthConfig) -> Date {
    config.last_year.end()
}

/// A synthetic borough as the drift engine sees it: journeys and the tracker's records.
pub struct Borough {
    /// Every child's journey.
    pub journeys: Vec<Journey>,
    /// Staff, teams, panels, supervision.
    pub organisation: Organisation,
    /// Each child's tracker records.
    pub trackers: BTreeMap<ChildId, ChildTracker>,
}

/// Generates a borough as at the end of its last collection year.
pub fn borough(config: &SynthConfig) -> Borough {
    let children = permanence_synth::generate(config);
    let (organisation, trackers) =
        permanence_synth::generate_tracker(config, as_of(config), &children);
    Borough {
        journeys: children.into_iter().map(Journey::new).collect(),
        organisation,
        trackers,
    }
}

/// Writes a synthetic borough's 903 returns and tracker records as at `as_of` into
/// `dir`, and imports them into the database `db` as the command line's imports do: the
/// 903 returns (leaving out the tracker folder), then the tracker's records, checked
/// against them. The database is created if it is a SQLite file that does not exist,
/// and migrated; it must hold no 903 data, tracker records or accounts yet (a new
/// SQLite file, or a new PostgreSQL database), so that every run starts alike.
pub fn import_borough(
    config: &SynthConfig,
    as_of: Date,
    dir: &Path,
    db: &Location,
) -> anyhow::Result<()> {
    let returns = dir.join("903");
    permanence_synth::write_borough_as_at(config, as_of, &returns)
        .context("cannot write the synthetic borough")?;
    let mut years = Vec::new();
    for entry in std::fs::read_dir(&returns)? {
        let path = entry?.path();
        if path.is_dir() && !path.ends_with("tracker") {
            years.push(path);
        }
    }
    let read = permanence_ssda903::read::read_paths(&years, None).map_err(|p| anyhow!("{p}"))?;
    permanence_ssda903::build_records(&read.returns, Some(as_of)).map_err(|p| anyhow!("{p}"))?;
    let mut store = db
        .open()
        .with_context(|| format!("cannot open the database {db}"))?;
    if !store.known_children()?.is_empty()
        || !store.current_tracker_records()?.is_empty()
        || !store.users()?.is_empty()
    {
        bail!(
            "the database {db} is not empty: the load driver needs a new one (for PostgreSQL, \
             drop and create the database, or `DROP SCHEMA public CASCADE; CREATE SCHEMA public`)"
        );
    }
    store.save_import(&NewImport {
        kind: "903",
        imported_by: "bench",
        source: "synthetic",
        summary: "load benchmark borough",
        tables: read
            .returns
            .iter()
            .flat_map(|r| r.tables.iter().map(move |t| (r.year, t)))
            .collect(),
    })?;
    let children = store.known_children()?;
    let (tracker, _changes) =
        permanence_tracker::check_paths(&[returns.join("tracker")], Some(as_of), &[], &children)
            .map_err(|p| anyhow!("{p}"))?;
    store.save_tracker_import(&NewTrackerImport {
        recorded_by: "bench",
        source: "synthetic",
        summary: "load benchmark borough",
        records: tracker.records.iter().map(|r| (r, "synthetic")).collect(),
    })?;
    Ok(())
}
