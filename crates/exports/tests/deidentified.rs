//! The de-identified export over a synthetic borough: no direct identifier survives
//! anywhere in its bytes, two exports with the same key link up, and a different key
//! gives unrelated pseudonyms.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use permanence_domain::date::format_dmy;
use permanence_exports::deidentified::{MANIFEST, deidentified_from_store};
use permanence_exports::{DeidentifiedExport, PseudonymKey};
use permanence_store::{Alerts, NewRun, SqliteStore, Store, load_journeys, load_tracker};

use common::AS_OF;

fn key(seed: &str) -> PseudonymKey {
    PseudonymKey::from_text(&format!("{seed}-{}", "0123456789abcdef".repeat(3))).unwrap()
}

/// The borough with an evaluation recorded, so that there are alerts to export.
fn evaluated_borough(dir: &std::path::Path) -> SqliteStore {
    let db = common::borough(dir, 150, 21, true);
    let mut store = SqliteStore::open(&db).unwrap();
    let journeys = load_journeys(&store).unwrap();
    let (organisation, trackers) = load_tracker(&store).unwrap();
    let policy = permanence_rules::Policy::default();
    let findings = permanence_rules::evaluate_borough(
        &journeys,
        &trackers,
        &organisation,
        &policy,
        &policy.calendar(),
        AS_OF,
    );
    store
        .record_evaluation(
            &NewRun {
                started_at: "2025-11-30T09:00:00Z",
                as_of: AS_OF,
                trigger: "test",
                actor: "test",
                children: journeys.len(),
            },
            &findings,
        )
        .unwrap();
    store
}

fn bytes_of(export: &DeidentifiedExport) -> Vec<(String, String)> {
    export
        .contents()
        .into_iter()
        .map(|(name, bytes)| (name.to_string(), String::from_utf8(bytes).unwrap()))
        .collect()
}

#[test]
fn no_direct_identifier_survives_anywhere_in_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let store = evaluated_borough(dir.path());
    let export = deidentified_from_store(&store, &key("council"), AS_OF).unwrap();
    let files = bytes_of(&export);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "children.csv",
            "periods_of_care.csv",
            "episodes.csv",
            "placements.csv",
            "legal_statuses.csv",
            "reviews.csv",
            "missing.csv",
            "permanence_plans.csv",
            "alerts.csv",
            MANIFEST
        ]
    );
    for (name, text) in &files {
        if name != MANIFEST {
            assert!(text.lines().count() > 1, "{name} has rows");
        }
    }

    let journeys = load_journeys(&store).unwrap();
    let (organisation, trackers) = load_tracker(&store).unwrap();
    let mut identifiers: BTreeSet<String> = BTreeSet::new();
    for journey in &journeys {
        identifiers.insert(journey.child().to_string());
        if let Some(upn) = &journey.record.header.upn
            && upn.len() > 4
        {
            identifiers.insert(upn.clone());
        }
        for episode in &journey.record.episodes {
            for postcode in [&episode.home_post, &episode.pl_post].into_iter().flatten() {
                // Full postcodes only: a district alone is what the export keeps.
                if postcode.trim().contains(' ') {
                    identifiers.insert(postcode.clone());
                    identifiers.insert(postcode.replace(' ', ""));
                }
            }
        }
    }
    for tracker in trackers.values() {
        if let Some(details) = &tracker.details {
            identifiers.insert(details.name.clone());
        }
    }
    for person in &organisation.people {
        identifiers.insert(person.name.clone());
        identifiers.insert(person.id.clone());
    }
    for team in &organisation.teams {
        identifiers.insert(team.name.clone());
    }
    assert!(identifiers.len() > 200, "{}", identifiers.len());
    for (name, text) in &files {
        for identifier in &identifiers {
            assert!(
                !text.contains(identifier.as_str()),
                "{name} holds the identifier '{identifier}'"
            );
        }
    }

    // No full date of birth: in any form, in any row about the child, unless the date is
    // also one of the child's own event dates (a baby who came into care on the day of
    // birth), which the export keeps as an event.
    let key = key("council");
    let by_pseudonym: BTreeMap<String, &permanence_domain::Journey> = journeys
        .iter()
        .map(|j| (key.pseudonym(j.child()), j))
        .collect();
    let mut checked = 0;
    for (name, text) in &files {
        if name == MANIFEST {
            continue;
        }
        for line in text.lines().skip(1) {
            let pseudonym = line.split(',').next().unwrap();
            let journey = by_pseudonym[pseudonym];
            let dob = journey.record.header.dob;
            let events: BTreeSet<_> = journey
                .record
                .episodes
                .iter()
                .flat_map(|e| [Some(e.decom), e.dec])
                .chain(journey.record.reviews.iter().map(|r| Some(r.review)))
                .chain(
                    journey
                        .record
                        .missing
                        .iter()
                        .flat_map(|m| [Some(m.mis_start), m.mis_end]),
                )
                .flatten()
                .collect();
            if events.contains(&dob) {
                continue;
            }
            for form in [dob.to_string(), format_dmy(dob)] {
                assert!(
                    !line.contains(&form),
                    "{name}: {line} holds the date of birth"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
    // Birth month and year are there instead.
    let children = &files[0].1;
    assert!(children.lines().next().unwrap().contains("birth_month"));

    // The manifest describes every file and what was removed.
    let manifest: serde_json::Value = serde_json::from_str(&files.last().unwrap().1).unwrap();
    assert_eq!(manifest["files"].as_array().unwrap().len(), 9);
    assert!(manifest["removed"].to_string().contains("Children's names"));
    assert!(manifest["reduced"].to_string().contains("month and year"));
    assert_eq!(manifest["pseudonym"]["key_check"], key.check_value());
}

#[test]
fn exports_with_the_same_key_link_up_and_a_different_key_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let store = evaluated_borough(dir.path());
    let first = deidentified_from_store(&store, &key("council"), AS_OF).unwrap();
    let second = deidentified_from_store(&store, &key("council"), AS_OF).unwrap();
    let other = deidentified_from_store(&store, &key("another council"), AS_OF).unwrap();
    let pseudonyms = |export: &DeidentifiedExport| -> BTreeSet<String> {
        export.files[0]
            .rows
            .iter()
            .map(|row| row[0].clone())
            .collect()
    };
    assert_eq!(first, second);
    let (a, c) = (pseudonyms(&first), pseudonyms(&other));
    assert_eq!(a.len(), c.len());
    assert!(a.is_disjoint(&c));
    // Every file's pseudonyms link to children.csv.
    for file in &first.files {
        for row in &file.rows {
            assert!(a.contains(&row[0]), "{}: {}", file.name, row[0]);
        }
    }
    assert_ne!(
        first.manifest.pseudonym.key_check,
        other.manifest.pseudonym.key_check
    );
}

#[test]
fn restricted_records_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = evaluated_borough(dir.path());
    // Restrict one more record, to be sure there is one.
    let (organisation, trackers) = load_tracker(&store).unwrap();
    let child = trackers
        .iter()
        .find(|(_, t)| t.details.as_ref().is_some_and(|d| !d.is_restricted()))
        .map(|(child, _)| child.clone())
        .unwrap();
    let staff = organisation.people[0].id.clone();
    let record = permanence_tracker::RawRecord::new(
        permanence_tracker::Kind::ChildDetails,
        "test",
        2,
        &[
            child.as_str(),
            "Robin Example",
            staff.as_str(),
            "Child of a member of staff",
        ],
    );
    store
        .save_tracker_import(&permanence_store::NewTrackerImport {
            recorded_by: "test",
            source: "test",
            summary: "a restriction",
            records: vec![(&record, "test")],
        })
        .unwrap();
    let (_, trackers) = load_tracker(&store).unwrap();
    let restricted: Vec<&String> = trackers
        .iter()
        .filter(|(_, t)| t.details.as_ref().is_some_and(|d| d.is_restricted()))
        .map(|(child, _)| child)
        .collect();
    assert!(
        !restricted.is_empty(),
        "the synthetic borough restricts some records"
    );
    let key = key("council");
    let export = deidentified_from_store(&store, &key, AS_OF).unwrap();
    let journeys = store.known_children().unwrap().len();
    assert_eq!(export.manifest.children, journeys - restricted.len());
    for child in restricted {
        let pseudonym = key.pseudonym(child);
        for (_, text) in export.contents() {
            assert!(!String::from_utf8(text).unwrap().contains(&pseudonym));
        }
    }
}
