//! The written returns import cleanly through the 903 reader: every year reads, parses
//! and merges with no problems, and the merged records hold what the returns show.

use std::collections::BTreeMap;

use permanence_domain::CollectionYear;
use permanence_ssda903::merge::merge_returns;
use permanence_ssda903::parse::parse_return;
use permanence_ssda903::read::read_paths;
use permanence_synth::{SynthConfig, generate, write_returns};

#[test]
fn written_returns_import_without_problems() {
    let config = SynthConfig {
        children: 1_500,
        seed: 11,
        first_year: CollectionYear(2017),
        last_year: CollectionYear(2027),
    };
    let children = generate(&config);
    let dir = tempfile::tempdir().unwrap();
    write_returns(&config, &children, dir.path()).unwrap();

    let read = read_paths(&[dir.path().to_path_buf()], None).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(read.returns.len(), config.years().count());
    let parsed: Vec<_> = read
        .returns
        .iter()
        .map(|raw| parse_return(raw, None).unwrap_or_else(|p| panic!("{}: {p:?}", raw.year)))
        .collect();
    let merged = merge_returns(parsed).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(merged.children.len(), config.children);

    // Every episode the returns show comes back, with its final DEC as at the last
    // 31 March.
    let first_day = config.first_year.start();
    let generated: BTreeMap<&str, _> = children.iter().map(|c| (c.child.as_str(), c)).collect();
    for child in &merged.children {
        let original = generated[child.child.as_str()];
        let shown: Vec<_> = original
            .episodes
            .iter()
            .filter(|e| e.dec.is_none_or(|dec| dec >= first_day))
            .map(|e| (e.decom, e.dec, e.rne, e.ls, e.place, e.rec))
            .collect();
        let read: Vec<_> = child
            .episodes
            .iter()
            .map(|e| (e.decom, e.dec, e.rne, e.ls, e.place, e.rec))
            .collect();
        assert_eq!(read, shown, "{}", child.child);
        assert_eq!(child.header.dob, original.header.dob);
    }
}

#[test]
fn a_part_year_extract_holds_nothing_after_its_date() {
    let config = SynthConfig {
        children: 1_500,
        seed: 5,
        first_year: CollectionYear(2022),
        last_year: CollectionYear(2027),
    };
    let as_at = permanence_domain::Date::constant(2026, 11, 26);
    let dir = tempfile::tempdir().unwrap();
    let summaries = permanence_synth::write_borough_as_at(&config, as_at, dir.path()).unwrap();
    let last = summaries.last().unwrap();
    assert!(last.children() > 300);
    assert_eq!(last.rows(permanence_ssda903::Table::Oc2), Some(0));

    // The returns, without the tracker's files (read by the tracker's own import).
    let years: Vec<_> = config
        .years()
        .map(|year| dir.path().join(permanence_synth::year_folder(year)))
        .collect();
    assert!(dir.path().join(permanence_synth::TRACKER_FOLDER).is_dir());
    let read = read_paths(&years, None).unwrap_or_else(|p| panic!("{p:?}"));
    let parsed: Vec<_> = read
        .returns
        .iter()
        .map(|raw| {
            // The reader refuses dates after the day of the import.
            parse_return(raw, Some(as_at)).unwrap_or_else(|p| panic!("{}: {p:?}", raw.year))
        })
        .collect();
    let merged = merge_returns(parsed).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(merged.children.len(), config.children);
}

#[test]
fn written_tracker_files_import_without_problems() {
    // Through the tracker's own import: every row reads, and every id it names (children
    // in the 903 data, staff, teams, panels, sessions, cases) resolves.
    let config = SynthConfig {
        children: 1_000,
        seed: 8,
        first_year: CollectionYear(2021),
        last_year: CollectionYear(2026),
    };
    let as_at = permanence_domain::Date::constant(2025, 10, 2);
    let dir = tempfile::tempdir().unwrap();
    permanence_synth::write_borough_as_at(&config, as_at, dir.path()).unwrap();
    let children: std::collections::BTreeSet<String> =
        permanence_synth::generate_as_at(&config, as_at)
            .into_iter()
            .map(|c| c.child)
            .collect();
    let tracker = dir.path().join(permanence_synth::TRACKER_FOLDER);
    let (outcome, changes) =
        permanence_tracker::check_paths(&[tracker], Some(as_at), &[], &children)
            .unwrap_or_else(|p| panic!("{p:?}"));
    assert!(outcome.records.len() > 10_000, "{}", outcome.records.len());
    assert!(
        changes
            .iter()
            .all(|c| *c == permanence_tracker::Change::New)
    );
}
