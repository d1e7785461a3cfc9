//! `permanence export annex-a`, `export deidentified` and `import annex-a`, end to end:
//! the workbook's sheets, the CSV files, the audit log, bootstrapping a tracker from a
//! workbook (and re-importing it changing nothing), workbooks refused with their sheet,
//! row and column (the database untouched), and the pseudonym key.

use std::path::Path;
use std::process::{Command, Output};

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use permanence_store::{SqliteStore, Store};
use rust_xlsxwriter::Workbook;

use super::{Workspace, permanence, stderr, stdout};

const AS_OF: &str = "2026-03-31";

/// A borough of 903 returns and tracker records, imported (`tracker`: its tracker too).
fn borough(ws: &Workspace, tracker: bool) -> std::path::PathBuf {
    let returns = ws.synth(120, "2025-2026");
    let output = ws.import(&returns);
    assert!(output.status.success(), "{}", stderr(&output));
    if tracker {
        let output = permanence(
            &ws.db(),
            &[
                "import",
                "tracker",
                returns.join("tracker").to_str().unwrap(),
            ],
        );
        assert!(output.status.success(), "{}", stderr(&output));
    }
    returns
}

fn export_annex_a(db: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["export", "annex-a", "--as-of", AS_OF];
    args.extend(extra);
    permanence(db, &args)
}

fn audit_actions(db: &Path) -> Vec<(String, String)> {
    SqliteStore::open(db)
        .unwrap()
        .audit_log(None)
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.detail))
        .collect()
}

#[test]
fn annex_a_is_written_as_a_workbook_and_csv_files_and_audited() {
    let ws = Workspace::new();
    borough(&ws, true);
    let workbook_path = ws.path("annex-a.xlsx");
    let csv = ws.path("annex-a-csv");
    let output = export_annex_a(
        &ws.db(),
        &[
            "--out",
            workbook_path.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
            "--council",
            "Example Borough",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("Annex A as at 31/03/2026 (six-month window from 30/09/2025)"),
        "{text}"
    );
    assert!(
        text.contains("Lists 1 to 7 and 11 are not produced"),
        "{text}"
    );

    let bytes = std::fs::read(&workbook_path).unwrap();
    let mut workbook = open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        vec!["Cover", "List 8", "List 9", "List 10"]
    );
    let list_8 = workbook.worksheet_range("List 8").unwrap();
    assert_eq!(
        list_8.get((0, 0)),
        Some(&Data::String("Child Unique ID".into()))
    );
    assert!(list_8.height() > 10);
    assert!(matches!(list_8.get((1, 7)), Some(Data::DateTime(_))));
    let mut names: Vec<String> = std::fs::read_dir(&csv)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "cover.csv",
            "list_10_adoption.csv",
            "list_8_children_in_care.csv",
            "list_9_care_leavers.csv"
        ]
    );
    let audit = audit_actions(&ws.db());
    let (_, detail) = audit
        .iter()
        .find(|(action, _)| action == "export_annex_a")
        .expect("the export is audited");
    assert!(
        detail.starts_with("Annex A as at 31/03/2026: List 8 "),
        "{detail}"
    );

    // Somewhere to write is required.
    let output = export_annex_a(&ws.db(), &[]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--out"), "{}", stderr(&output));
}

#[test]
fn a_workbook_bootstraps_a_tracker_and_importing_it_again_changes_nothing() {
    // The workbook comes from a borough with a tracker ...
    let source = Workspace::new();
    borough(&source, true);
    let workbook = source.path("annex-a.xlsx");
    let output = export_annex_a(&source.db(), &["--out", workbook.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    // ... and goes into the same 903 data with no tracker records.
    let ws = Workspace::new();
    borough(&ws, false);
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "annex-a",
            workbook.to_str().unwrap(),
            "--as-of",
            AS_OF,
        ];
        args.extend(extra);
        permanence(&ws.db(), &args)
    };
    let before = std::fs::read(ws.db()).unwrap();
    let output = import(&["--dry-run"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Dry run: the workbook is valid"),
        "{}",
        stdout(&output)
    );
    assert_eq!(std::fs::read(ws.db()).unwrap(), before);

    let output = import(&[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Staff added to the register"), "{text}");
    assert!(text.contains("Imported "), "{text}");
    assert!(stderr(&output).contains("Reading the Annex A workbook"));
    let store = SqliteStore::open(&ws.db()).unwrap();
    let records = store.current_tracker_records().unwrap();
    let kinds: std::collections::BTreeSet<&str> = records.iter().map(|r| r.kind.name()).collect();
    assert_eq!(
        kinds,
        ["allocations", "people", "permanence_plans", "teams"].into()
    );
    // Recorded and audited like any tracker import.
    assert!(
        audit_actions(&ws.db())
            .iter()
            .any(|(action, _)| action.contains("import")),
        "{:?}",
        audit_actions(&ws.db())
    );
    drop(store);

    let before = std::fs::read(ws.db()).unwrap();
    let output = import(&[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Nothing changed"),
        "{}",
        stdout(&output)
    );
    assert_eq!(std::fs::read(ws.db()).unwrap(), before);
}

/// A workbook with Lists 8, 9 and 10's headings (List 8's changed by `rename`; `leave_out`
/// a list) and one List 8 row for `child`, with `cells` over sensible values.
fn workbook(
    path: &Path,
    child: &str,
    rename: &[(&str, &str)],
    cells: &[(&str, &str)],
    leave_out: Option<u8>,
) {
    use permanence_exports::format::LISTS;
    let mut workbook = Workbook::new();
    let cover = workbook.add_worksheet();
    cover.set_name("Cover").unwrap();
    cover.write_string(0, 0, "Annex A").unwrap();
    for list in LISTS {
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
            if list.number != 8 {
                continue;
            }
            let value = cells
                .iter()
                .find(|(name, _)| *name == column.name)
                .map(|(_, v)| v.to_string())
                .unwrap_or_else(|| match column.name {
                    "Child Unique ID" => child.to_string(),
                    "Gender" => "a) Male".into(),
                    "Ethnicity" => "a) WBRI".into(),
                    "What is the permanence plan for this child?" => {
                        "f) Long-term fostering".into()
                    }
                    "Allocated Worker" => "Sam Okafor".into(),
                    "Allocated Team" => "Children in Care 1".into(),
                    _ => String::new(),
                });
            if column.name == "Date Started to be Looked After" && value.is_empty() {
                let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 4, 1).unwrap();
                let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
                sheet
                    .write_datetime_with_format(1, i as u16, &date, &format)
                    .unwrap();
            } else {
                sheet.write_string(1, i as u16, &value).unwrap();
            }
        }
    }
    workbook.save(path).unwrap();
}

#[test]
fn bad_workbooks_are_refused_with_sheet_row_and_column_and_change_nothing() {
    let ws = Workspace::new();
    borough(&ws, false);
    let child = SqliteStore::open(&ws.db())
        .unwrap()
        .known_children()
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let before = std::fs::read(ws.db()).unwrap();
    let path = ws.path("bad.xlsx");
    let name = path.display().to_string();
    let refused = |expected: &str| {
        let output = permanence(&ws.db(), &["import", "annex-a", &name]);
        assert!(!output.status.success(), "{}", stdout(&output));
        let message = stderr(&output);
        assert!(
            message.contains(&format!("Error: nothing was imported.\n{name}: ")),
            "{message}"
        );
        assert!(
            message.contains(expected),
            "expected:\n{expected}\nin:\n{message}"
        );
        assert_eq!(std::fs::read(ws.db()).unwrap(), before);
    };

    // A good one imports (into a copy, so the checks below start from the same database).
    workbook(&path, &child, &[], &[], None);
    let copy = ws.path("copy.db");
    std::fs::copy(ws.db(), &copy).unwrap();
    let output = permanence(&copy, &["import", "annex-a", &name]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Imported 4 record(s)"),
        "{}",
        stdout(&output)
    );

    workbook(&path, &child, &[], &[], Some(10));
    refused(
        "1 problem found:\n  the workbook: no sheet holds List 10 (children with an adoption \
         decision): a list's sheet is recognised by the headings in its first row, which must \
         include 'Child Unique ID', 'Family identifier',",
    );
    refused("the workbook's sheets are 'Cover', 'List 8', 'List 9'\n");

    workbook(&path, &child, &[("Allocated Team", "Team")], &[], None);
    refused(
        "2 problems found:\n  sheet 'List 8', row 1: the sheet's headings are List 8's (children \
         in care (looked after)), but none is 'Allocated Team': a column is missing or its \
         heading has been changed\n  sheet 'List 8', row 1, column AG: the heading 'Team' is not \
         one of List 8's headings\n",
    );

    workbook(&path, &child, &[], &[("Gender", "Boy")], None);
    refused(
        "1 problem found:\n  sheet 'List 8', row 2, column B (Gender): 'Boy' is not one of the \
         labels of 'Gender'; expected one of: b) Female; a) Male; c) Not stated/recorded; d) \
         Neither\n",
    );

    workbook(
        &path,
        &child,
        &[],
        &[("Date of Last Dental Check", "sometime in May")],
        None,
    );
    refused(
        "1 problem found:\n  sheet 'List 8', row 2, column R (Date of Last Dental Check): \
         'sometime in May' is not a date; expected dd/mm/yyyy\n",
    );

    workbook(&path, "NOT-A-CHILD", &[], &[], None);
    refused(
        "1 problem found:\n  sheet 'List 8', row 2, column A (Child Unique ID): child \
         'NOT-A-CHILD' is not in the 903 data held in the database; check the id, or import the \
         903 return that holds the child first\n",
    );
}

fn run_with_key(db: &Path, args: &[&str], key: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_permanence"));
    command
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("PERMANENCE_DB")
        .env_remove("PERMANENCE_EXPORT_KEY");
    if let Some(key) = key {
        command.env("PERMANENCE_EXPORT_KEY", key);
    }
    command.output().expect("the binary runs")
}

#[test]
fn the_deidentified_export_needs_a_key_never_shows_it_and_links_up_with_the_same_key() {
    let ws = Workspace::new();
    borough(&ws, true);
    let out = ws.path("de");
    let args = ["export", "deidentified", "--out", out.to_str().unwrap()];
    let output = run_with_key(&ws.db(), &args, None);
    assert!(!output.status.success());
    assert!(stderr(&output).contains(
        "no pseudonym key: give --key-file FILE, set PERMANENCE_EXPORT_KEY, or put it in the \
         file export.key beside the database"
    ));
    assert!(!out.exists());
    let output = run_with_key(&ws.db(), &args, Some("too short"));
    assert!(
        stderr(&output).contains("must be at least 32"),
        "{}",
        stderr(&output)
    );

    let key = "a council secret that nobody else knows, 0123456789";
    let output = run_with_key(&ws.db(), &args, Some(key));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Wrote a de-identified export of"), "{text}");
    assert!(!text.contains(key) && !stderr(&output).contains(key));
    let first = std::fs::read(out.join("children.csv")).unwrap();
    assert!(out.join("manifest.json").exists());

    // The same key in a file: the same pseudonyms.
    let key_file = ws.path("export.key");
    std::fs::write(&key_file, format!("{key}\n")).unwrap();
    let again = ws.path("de-again");
    let output = permanence(
        &ws.db(),
        &[
            "export",
            "deidentified",
            "--out",
            again.to_str().unwrap(),
            "--key-file",
            key_file.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(std::fs::read(again.join("children.csv")).unwrap(), first);

    // Another council's key: no pseudonym in common.
    let other = ws.path("de-other");
    let output = run_with_key(
        &ws.db(),
        &["export", "deidentified", "--out", other.to_str().unwrap()],
        Some("another council's secret, quite different, 98765"),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let pseudonyms = |bytes: &[u8]| -> std::collections::BTreeSet<String> {
        String::from_utf8_lossy(bytes)
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect()
    };
    let other = std::fs::read(other.join("children.csv")).unwrap();
    assert!(pseudonyms(&first).is_disjoint(&pseudonyms(&other)));

    let audit = audit_actions(&ws.db());
    let exports: Vec<&String> = audit
        .iter()
        .filter(|(action, _)| action == "export_deidentified")
        .map(|(_, detail)| detail)
        .collect();
    assert_eq!(exports.len(), 3, "{audit:?}");
    assert!(exports.iter().all(|d| !d.contains(key)));
}
