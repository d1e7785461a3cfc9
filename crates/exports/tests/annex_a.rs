//! Annex A over a synthetic borough: the workbook's sheets, headings and cells as the
//! format says, its round trip through the import (nothing to change), bootstrapping an
//! empty tracker from it, and workbooks the import must refuse, each with its sheet, row
//! and column.

mod common;

use std::collections::BTreeSet;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use permanence_domain::tracker::AllocationRole;
use permanence_exports::annex_a::annex_a_from_store;
use permanence_exports::annex_a_import::{plan_bootstrap, read_workbook};
use permanence_exports::format::{LIST_8, LIST_9, LIST_10, LISTS, Value};
use permanence_exports::workbook::{annex_a_xlsx, write_annex_a_csv};
use permanence_exports::{AnnexA, AnnexAOptions};
use permanence_store::{NewTrackerImport, SqliteStore, Store, load_tracker};
use permanence_tracker::Change;
use rust_xlsxwriter::Workbook;

use common::AS_OF;

fn options() -> AnnexAOptions {
    AnnexAOptions {
        as_of: AS_OF,
        produced_on: AS_OF,
        council: None,
        districts: None,
    }
}

fn annex(store: &SqliteStore) -> AnnexA {
    annex_a_from_store(store, &options()).unwrap()
}

#[test]
fn the_workbook_has_a_cover_and_one_sheet_per_list_with_the_format_s_headings_and_date_cells() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::borough(dir.path(), 150, 3, true);
    let store = SqliteStore::open(&db).unwrap();
    let annex = annex(&store);
    for number in [8, 9, 10] {
        assert!(
            !annex.list(number).unwrap().rows.is_empty(),
            "list {number} has rows"
        );
    }
    let bytes = annex_a_xlsx(&annex).unwrap();
    let mut workbook = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        vec!["Cover", "List 8", "List 9", "List 10"]
    );
    let cover = workbook.worksheet_range("Cover").unwrap();
    let cover_text: Vec<String> = cover
        .rows()
        .flat_map(|row| row.iter().map(|c| c.to_string()))
        .collect();
    let cover_text = cover_text.join("\n");
    assert!(
        cover_text.contains("Lists 1 to 7: not produced"),
        "{cover_text}"
    );
    assert!(cover_text.contains("children-in-need data"));
    assert!(cover_text.contains("List 11 (adopters): not produced"));
    assert!(cover_text.contains("Does the Child have a Disability"));
    for list in LISTS {
        let range = workbook.worksheet_range(list.sheet).unwrap();
        let headings: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let expected: Vec<&str> = list.columns.iter().map(|c| c.name).collect();
        assert_eq!(headings, expected, "{}", list.sheet);
        let rows = &annex.list(list.number).unwrap().rows;
        assert_eq!(range.height(), rows.len() + 1);
        // Every "blank allowed: no" column is filled, except where the cover sheet says.
        for (i, column) in list.columns.iter().enumerate() {
            let blanks = rows.iter().filter(|row| row[i].is_blank()).count();
            if !column.blank_allowed {
                let explained = matches!(
                    column.name,
                    "Placement Provider"
                        | "Placement postcode"
                        | "Placement Location"
                        | "LA of Placement"
                        | "LA in Touch"
                );
                assert!(
                    blanks == 0 || explained,
                    "{} {} has {blanks} blank(s)",
                    list.sheet,
                    column.name
                );
            }
        }
    }
    // Dates are date cells shown dd/mm/yyyy; coded values are the format's labels.
    let range = workbook.worksheet_range("List 8").unwrap();
    let started = LIST_8.position("Date Started to be Looked After").unwrap();
    let cell = range.get((1, started)).unwrap();
    assert!(matches!(cell, Data::DateTime(_)), "{cell:?}");
    let placement = LIST_8.position("Placement Type").unwrap();
    for row in range.rows().skip(1) {
        let label = row[placement].to_string();
        assert!(
            permanence_exports::format::PLACEMENT_TYPE.contains(&label.as_str()),
            "{label}"
        );
    }

    // The CSV files hold the same rows.
    let csv_dir = dir.path().join("csv");
    let files = write_annex_a_csv(&annex, &csv_dir).unwrap();
    assert_eq!(
        files,
        vec![
            "cover.csv",
            "list_8_children_in_care.csv",
            "list_9_care_leavers.csv",
            "list_10_adoption.csv"
        ]
    );
    let mut reader = csv::Reader::from_path(csv_dir.join(LIST_8.file)).unwrap();
    assert_eq!(reader.headers().unwrap().len(), 34);
    let first = reader.records().next().unwrap().unwrap();
    let rows = &annex.list(8).unwrap().rows;
    assert_eq!(first.get(started).unwrap(), rows[0][started].to_text());
    assert_eq!(first.get(started).unwrap().len(), 10);
}

#[test]
fn an_exported_workbook_reads_back_and_changes_nothing_in_the_tracker_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::borough(dir.path(), 120, 5, true);
    let store = SqliteStore::open(&db).unwrap();
    let annex = annex(&store);
    let bytes = annex_a_xlsx(&annex).unwrap();
    let children = store.known_children().unwrap();
    let workbook = read_workbook(&bytes, &children).unwrap();
    for list in LISTS {
        let read = workbook.list(list.number).unwrap();
        let rows: Vec<Vec<Value>> = read.rows.iter().map(|r| r.values.clone()).collect();
        assert_eq!(
            rows,
            annex.list(list.number).unwrap().rows,
            "{}",
            list.sheet
        );
        assert_eq!(read.rows[0].row, 2);
    }
    let stored = store.current_tracker_records().unwrap();
    let bootstrap =
        plan_bootstrap(workbook, "annex-a.xlsx", AS_OF, AS_OF, &stored, &children).unwrap();
    let changed: Vec<String> = bootstrap
        .records
        .iter()
        .zip(&bootstrap.changes)
        .filter(|(_, c)| **c != Change::Unchanged)
        .map(|(r, _)| format!("{:?} {}", r.kind, r.joined()))
        .collect();
    assert!(changed.is_empty(), "{changed:#?}");
    assert!(bootstrap.counts.already_recorded > 0);
}

#[test]
fn a_workbook_bootstraps_allocations_plans_staff_and_teams_into_an_empty_tracker() {
    // The workbook comes from a borough with a tracker; the import goes into the same
    // 903 data with no tracker records.
    let source = tempfile::tempdir().unwrap();
    let source_db = common::borough(source.path(), 100, 9, true);
    let source_store = SqliteStore::open(&source_db).unwrap();
    let annex = annex(&source_store);
    let bytes = annex_a_xlsx(&annex).unwrap();

    let target = tempfile::tempdir().unwrap();
    let target_db = common::borough(target.path(), 100, 9, false);
    let mut store = SqliteStore::open(&target_db).unwrap();
    assert!(store.current_tracker_records().unwrap().is_empty());
    let children = store.known_children().unwrap();
    let workbook = read_workbook(&bytes, &children).unwrap();
    let bootstrap = plan_bootstrap(workbook, "annex-a.xlsx", AS_OF, AS_OF, &[], &children).unwrap();
    let counts = &bootstrap.counts;
    assert!(
        counts.people_added > 0 && counts.teams_added > 0,
        "{counts:?}"
    );
    assert!(counts.social_workers > 0 && counts.plans > 0, "{counts:?}");
    assert!(bootstrap.changes.iter().all(|c| *c == Change::New));
    store
        .save_tracker_import(&NewTrackerImport {
            recorded_by: "test",
            source: "annex-a.xlsx",
            summary: "bootstrap",
            records: bootstrap
                .records
                .iter()
                .map(|r| (r, "bootstrapped from Annex A"))
                .collect(),
        })
        .unwrap();
    let (organisation, trackers) = load_tracker(&store).unwrap();
    // Every child still looked after with a worker and a plan on List 8 now has both.
    let list = annex.list(8).unwrap();
    let column = |name| LIST_8.position(name).unwrap();
    let mut checked = 0;
    for row in &list.rows {
        if !row[column("Date Ceased to be Looked After")].is_blank() {
            continue;
        }
        let child = row[0].to_text();
        let worker = row[column("Allocated Worker")].to_text();
        let tracker = &trackers[&child];
        if worker != "Unallocated" {
            let allocation = tracker
                .allocated_on(AllocationRole::SocialWorker, AS_OF)
                .unwrap();
            assert_eq!(
                organisation.person(&allocation.person).unwrap().name,
                worker
            );
        }
        let plan = row[column("What is the permanence plan for this child?")].to_text();
        if !plan.is_empty() && plan != "g) other" {
            let in_force = tracker.plan_on(AS_OF).unwrap();
            assert_eq!(
                permanence_exports::format::permanence_plan(in_force.primary),
                plan
            );
        }
        checked += 1;
    }
    assert!(checked > 10);
    // Importing the same workbook again changes nothing.
    let stored = store.current_tracker_records().unwrap();
    let again = plan_bootstrap(
        read_workbook(&bytes, &children).unwrap(),
        "annex-a.xlsx",
        AS_OF,
        AS_OF,
        &stored,
        &children,
    )
    .unwrap();
    assert!(
        again.changes.iter().all(|c| *c == Change::Unchanged),
        "{:?}",
        again.counts
    );
    assert_eq!(again.counts.people_added, 0);
}

/// A workbook with the three lists' headings (as `rename` changes them) and `rows` of
/// List 8 (column name, value) over a valid row for `child`.
fn workbook_with(
    child: &str,
    rename: &[(&str, &str)],
    cells: &[(&str, &str)],
    leave_out: Option<u8>,
) -> Vec<u8> {
    let mut workbook = Workbook::new();
    for list in [&LIST_8, &LIST_9, &LIST_10] {
        if leave_out == Some(list.number) {
            continue;
        }
        let sheet = workbook.add_worksheet();
        sheet.set_name(list.sheet).unwrap();
        for (i, column) in list.columns.iter().enumerate() {
            let heading = rename
                .iter()
                .find(|(from, _)| *from == column.name && list.number == 8)
                .map_or(column.name, |(_, to)| *to);
            sheet.write_string(0, i as u16, heading).unwrap();
        }
        if list.number != 8 {
            continue;
        }
        for (i, column) in list.columns.iter().enumerate() {
            let value = cells
                .iter()
                .find(|(name, _)| *name == column.name)
                .map(|(_, v)| v.to_string())
                .unwrap_or_else(|| match column.name {
                    "Child Unique ID" => child.to_string(),
                    "Gender" => "b) Female".into(),
                    "Ethnicity" => "a) WBRI".into(),
                    "Date Started to be Looked After" => "01/02/2024".into(),
                    "Placement Type" => "f) U6: Foster placement - not FFA".into(),
                    "Allocated Worker" => "Sam Okafor".into(),
                    "Allocated Team" => "Children in Care 1".into(),
                    _ => String::new(),
                });
            sheet.write_string(1, i as u16, &value).unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}

fn problems(bytes: &[u8], children: &BTreeSet<String>) -> Vec<String> {
    read_workbook(bytes, children)
        .unwrap_err()
        .0
        .iter()
        .map(|p| p.to_string())
        .collect()
}

#[test]
fn bad_workbooks_are_refused_with_sheet_row_and_column() {
    let children: BTreeSet<String> = ["C1".to_string()].into();
    // A good one reads.
    let good = workbook_with("C1", &[], &[], None);
    let read = read_workbook(&good, &children).unwrap();
    assert_eq!(read.list(8).unwrap().rows.len(), 1);

    assert_eq!(
        problems(&workbook_with("C1", &[], &[], Some(9)), &children),
        vec![format!(
            "the workbook: no sheet holds List 9 (care leavers): a list's sheet is recognised by \
             the headings in its first row, which must include {}; the workbook's sheets are \
             'List 8', 'List 10'",
            LIST_9
                .columns
                .iter()
                .map(|c| format!("'{}'", c.name))
                .collect::<Vec<_>>()
                .join(", ")
        )]
    );
    assert_eq!(
        problems(
            &workbook_with("C1", &[("Allocated Worker", "Allocated Wrker")], &[], None),
            &children
        ),
        vec![
            "sheet 'List 8', row 1: the sheet's headings are List 8's (children in care (looked \
             after)), but none is 'Allocated Worker': a column is missing or its heading has been \
             changed"
                .to_string(),
            "sheet 'List 8', row 1, column AH: the heading 'Allocated Wrker' is not one of List \
             8's headings"
                .to_string(),
        ]
    );
    assert_eq!(
        problems(
            &workbook_with("C1", &[], &[("Placement Type", "U6 fostering")], None),
            &children
        ),
        vec![format!(
            "sheet 'List 8', row 2, column W (Placement Type): 'U6 fostering' is not one of the \
             labels of 'Placement Type'; expected one of: {}",
            permanence_exports::format::PLACEMENT_TYPE.join("; ")
        )]
    );
    assert_eq!(
        problems(
            &workbook_with(
                "C1",
                &[],
                &[("Date Started to be Looked After", "31/02/2024")],
                None
            ),
            &children
        ),
        vec![
            "sheet 'List 8', row 2, column H (Date Started to be Looked After): '31/02/2024' is \
             not a date; expected dd/mm/yyyy"
                .to_string()
        ]
    );
    assert_eq!(
        problems(&workbook_with("C9", &[], &[], None), &children),
        vec![
            "sheet 'List 8', row 2, column A (Child Unique ID): child 'C9' is not in the 903 data \
             held in the database; check the id, or import the 903 return that holds the child \
             first"
                .to_string()
        ]
    );
    // Headings match in any case, and by the tools' patterns.
    let relaxed = workbook_with(
        "C1",
        &[("Child Unique ID", "CHILD ID"), ("Gender", "gender")],
        &[("Gender", "B) FEMALE")],
        None,
    );
    let read = read_workbook(&relaxed, &children).unwrap();
    assert_eq!(
        read.list(8).unwrap().rows[0].values[1],
        Value::Text("b) Female".into())
    );
    // Not a spreadsheet at all.
    let text = problems(b"not a workbook", &children);
    assert_eq!(text.len(), 1);
    assert!(
        text[0].starts_with("the workbook: cannot be read as a spreadsheet"),
        "{text:?}"
    );
}
