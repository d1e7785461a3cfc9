//! The same seed always gives byte-identical returns; different seeds give different
//! boroughs.

use std::collections::BTreeMap;
use std::path::Path;

use permanence_domain::CollectionYear;
use permanence_synth::{SynthConfig, generate, write_borough};

fn config(seed: u64) -> SynthConfig {
    SynthConfig {
        children: 1_500,
        seed,
        first_year: CollectionYear(2022),
        last_year: CollectionYear(2026),
    }
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for year in std::fs::read_dir(dir).unwrap() {
        let year = year.unwrap().path();
        for file in std::fs::read_dir(&year).unwrap() {
            let file = file.unwrap().path();
            let name = file.strip_prefix(dir).unwrap().display().to_string();
            files.insert(name, std::fs::read(&file).unwrap());
        }
    }
    files
}

#[test]
fn the_same_seed_gives_byte_identical_files() {
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write_borough(&config(42), one.path()).unwrap();
    write_borough(&config(42), two.path()).unwrap();
    let (one, two) = (files(one.path()), files(two.path()));
    assert_eq!(
        one.len(),
        5 * 10 + 3,
        "{:?}",
        one.keys().collect::<Vec<_>>()
    );
    assert!(one.contains_key("2025_26/sw_episodes.csv"));
    assert!(one.contains_key("2021_22/episodes.csv"));
    for (name, bytes) in &one {
        assert!(two[name] == *bytes, "{name} differs between two runs");
    }
}

#[test]
fn the_same_seed_gives_the_same_records() {
    assert_eq!(generate(&config(7)), generate(&config(7)));
}

#[test]
fn different_seeds_give_different_boroughs() {
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write_borough(&config(1), one.path()).unwrap();
    write_borough(&config(2), two.path()).unwrap();
    let (one, two) = (files(one.path()), files(two.path()));
    let episodes = "2025_26/episodes.csv";
    assert_ne!(one[episodes], two[episodes]);
    assert_ne!(one["2025_26/header.csv"], two["2025_26/header.csv"]);
}
