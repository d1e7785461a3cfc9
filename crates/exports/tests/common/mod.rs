//! What the exports' tests share: a small synthetic borough imported into a fresh
//! database as the command line imports it (the 903 returns, then the tracker records).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use permanence_domain::{CollectionYear, Date};
use permanence_store::{NewImport, NewTrackerImport, SqliteStore, Store};
use permanence_synth::SynthConfig;

/// The day the borough is extracted, and the exports' as-of date.
pub const AS_OF: Date = Date::constant(2025, 11, 30);

/// Writes a synthetic borough of `children` into `dir` and imports it into
/// `dir/permanence.db`; with `tracker` false, only its 903 returns.
pub fn borough(dir: &Path, children: usize, seed: u64, tracker: bool) -> PathBuf {
    let last_year = CollectionYear::containing(AS_OF);
    let config = SynthConfig {
        children,
        seed,
        first_year: CollectionYear(last_year.0 - 2),
        last_year,
    };
    let returns = dir.join("903");
    permanence_synth::write_borough_as_at(&config, AS_OF, &returns).unwrap();
    let years: Vec<PathBuf> = std::fs::read_dir(&returns)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir() && !path.ends_with("tracker"))
        .collect();
    let read = permanence_ssda903::read::read_paths(&years, None).unwrap();
    let db = dir.join("permanence.db");
    let mut store = SqliteStore::open(&db).unwrap();
    store
        .save_import(&NewImport {
            kind: "903",
            imported_by: "test",
            source: "synthetic",
            summary: "test borough",
            tables: read
                .returns
                .iter()
                .flat_map(|r| r.tables.iter().map(move |t| (r.year, t)))
                .collect(),
        })
        .unwrap();
    if tracker {
        let children = store.known_children().unwrap();
        let (tracker, _) = permanence_tracker::check_paths(
            &[returns.join("tracker")],
            Some(AS_OF),
            &[],
            &children,
        )
        .unwrap();
        store
            .save_tracker_import(&NewTrackerImport {
                recorded_by: "test",
                source: "synthetic",
                summary: "test borough",
                records: tracker.records.iter().map(|r| (r, "synthetic")).collect(),
            })
            .unwrap();
    }
    db
}
