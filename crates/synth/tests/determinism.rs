//! The same seed always gives byte-identical returns and tracker files; different seeds
//! give different boroughs; the tracker leaves the returns as they were.

use std::collections::BTreeMap;
use std::path::Path;

use permanence_domain::{CollectionYear, Date};
use permanence_synth::{
    SynthConfig, TRACKER_FOLDER, generate, generate_as_at, generate_tracker, write_borough,
    write_borough_as_at, write_returns,
};

fn config(seed: u64) -> SynthConfig {
    SynthConfig {
        children: 1_500,
        seed,
        first_year: CollectionYear(2022),
        last_year: CollectionYear(2026),
    }
}

/// Every file under `dir` (one level of folders), by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for folder in std::fs::read_dir(dir).unwrap() {
        let folder = folder.unwrap().path();
        for file in std::fs::read_dir(&folder).unwrap() {
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
    let returns = one
        .keys()
        .filter(|name| !name.starts_with(TRACKER_FOLDER))
        .count();
    assert_eq!(returns, 5 * 10 + 3, "{:?}", one.keys().collect::<Vec<_>>());
    assert!(one.contains_key("2025_26/sw_episodes.csv"));
    assert!(one.contains_key("2021_22/episodes.csv"));
    for template in [
        "people.csv",
        "permanence_plans.csv",
        "activities.csv",
        "decisions.csv",
    ] {
        let name = format!("{TRACKER_FOLDER}/{template}");
        assert!(one.get(&name).is_some_and(|f| f.len() > 1_000), "{name}");
    }
    assert_eq!(one.len(), two.len());
    for (name, bytes) in &one {
        assert!(two[name] == *bytes, "{name} differs between two runs");
    }
}

#[test]
fn the_tracker_leaves_the_returns_byte_identical() {
    // The returns written with the tracker are those written without it.
    let (with, without) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let config = config(5);
    write_borough(&config, with.path()).unwrap();
    write_returns(&config, &generate(&config), without.path()).unwrap();
    let (with, without) = (files(with.path()), files(without.path()));
    for (name, bytes) in &without {
        assert!(with[name] == *bytes, "{name} differs");
    }
    assert!(with.len() > without.len());

    // The same for a part-year extract.
    let as_at = Date::constant(2025, 11, 14);
    let (with, without) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write_borough_as_at(&config, as_at, with.path()).unwrap();
    write_returns(&config, &generate_as_at(&config, as_at), without.path()).unwrap();
    let (with, without) = (files(with.path()), files(without.path()));
    for (name, bytes) in &without {
        assert!(with[name] == *bytes, "{name} differs");
    }
}

#[test]
fn the_same_seed_gives_the_same_tracker_records() {
    let config = config(9);
    let as_at = Date::constant(2026, 1, 20);
    let children = generate_as_at(&config, as_at);
    let one = generate_tracker(&config, as_at, &children);
    let two = generate_tracker(&config, as_at, &children);
    assert_eq!(one, two);
    // A different seed draws other records for the same children.
    let other = generate_tracker(&SynthConfig { seed: 10, ..config }, as_at, &children);
    assert_ne!(one.1, other.1);
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
