//! The checks that need more than one row: every id a record names must exist (a child
//! in the 903 data; staff, teams, panels, challenges, cases and sessions in the
//! database or in the same import, whatever the order of the files), and dates must
//! not come before the record they belong to. Also says what each imported record does
//! to what is stored: new, a correction, or unchanged.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use permanence_domain::Date;
use permanence_domain::date::parse_dmy;
use permanence_ssda903::{Problem, Problems};

use crate::read::{
    LIST_SEPARATOR, RawRecord, ReadOutcome, Refusal, read_files_partly, read_paths_partly,
};
use crate::template::{ColumnKind, Item, Kind, Target};

/// What an imported record does to the stored records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Change {
    /// No stored record has its key: it is added.
    New,
    /// A stored record has its key with other values: the new version supersedes it
    /// (the old one is kept).
    Corrects,
    /// The stored record is the same: nothing to do.
    Unchanged,
}

/// Checks `new` (an import, already read and checked row by row) against `stored` (the
/// current stored records) and `children` (the children in the 903 data), and says
/// what each new record does, in the order given. Every problem is reported.
pub fn plan_import(
    new: &[RawRecord],
    stored: &[RawRecord],
    children: &BTreeSet<String>,
) -> Result<Vec<Change>, Problems> {
    let mut problems = Problems::default();
    let changes = plan(new, stored, children, &[], &mut problems);
    problems.into_result(changes)
}

/// Reads the files in `paths` ([`crate::read::read_paths`]) and checks them with
/// [`plan_import`], reporting every problem of both steps in one go: the rows that read
/// cleanly are checked against the rest even when other rows are refused (an id in a
/// refused row or file is not reported again as unknown).
pub fn check_paths(
    paths: &[PathBuf],
    not_after: Option<Date>,
    stored: &[RawRecord],
    children: &BTreeSet<String>,
) -> Result<(ReadOutcome, Vec<Change>), Problems> {
    checked(read_paths_partly(paths, not_after), stored, children)
}

/// Like [`check_paths`], for files already in memory, each given as its name (as
/// problems should name it) and its bytes ([`crate::read::read_files_partly`]).
pub fn check_files<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    not_after: Option<Date>,
    stored: &[RawRecord],
    children: &BTreeSet<String>,
) -> Result<(ReadOutcome, Vec<Change>), Problems> {
    checked(read_files_partly(files, not_after), stored, children)
}

/// What was read, planned against the stored records: every problem of both steps.
fn checked(
    (outcome, mut problems): (ReadOutcome, Problems),
    stored: &[RawRecord],
    children: &BTreeSet<String>,
) -> Result<(ReadOutcome, Vec<Change>), Problems> {
    let changes = plan(
        &outcome.records,
        stored,
        children,
        &outcome.refused,
        &mut problems,
    );
    problems.into_result((outcome, changes))
}

fn plan(
    new: &[RawRecord],
    stored: &[RawRecord],
    children: &BTreeSet<String>,
    refused: &[Refusal],
    problems: &mut Problems,
) -> Vec<Change> {
    let stored_by_key: HashMap<(Kind, String), &RawRecord> =
        stored.iter().map(|r| ((r.kind, r.key()), r)).collect();
    let changes: Vec<Change> = new
        .iter()
        .map(
            |record| match stored_by_key.get(&(record.kind, record.key())) {
                None => Change::New,
                Some(old) if old.joined() == record.joined() => Change::Unchanged,
                Some(_) => Change::Corrects,
            },
        )
        .collect();

    // The current version of every record with an ID, after this import.
    let mut by_id: HashMap<(Kind, &str), &RawRecord> = HashMap::new();
    for record in stored.iter().chain(new) {
        if record.template().key == ["ID"] {
            by_id.insert((record.kind, record.field("ID")), record);
        }
    }
    let imported_kinds: HashSet<Kind> = new
        .iter()
        .map(|r| r.kind)
        .chain(refused.iter().filter_map(|r| match r {
            Refusal::Id(kind, _) | Refusal::Kind(kind) => Some(*kind),
            Refusal::Everything => None,
        }))
        .collect();
    let everything_refused = refused.contains(&Refusal::Everything);
    let refused_ids: HashSet<(Kind, &str)> = refused
        .iter()
        .filter_map(|r| match r {
            Refusal::Id(kind, id) => Some((*kind, id.as_str())),
            _ => None,
        })
        .collect();
    let mut check = |record: &RawRecord, column: &str, target: Target, id: &str| {
        if id.is_empty() {
            return;
        }
        let known = match target.kind() {
            None => children.contains(id),
            Some(kind) => {
                by_id.contains_key(&(kind, id))
                    // Perhaps in a refused row or file: reported there already.
                    || everything_refused
                    || refused.contains(&Refusal::Kind(kind))
                    || refused_ids.contains(&(kind, id))
            }
        };
        if known {
            return;
        }
        let message = match target.kind() {
            None if children.is_empty() => format!(
                "child '{id}' is not in the 903 data: the database holds no 903 return yet; \
                 import the 903 return first (permanence import 903 PATH)"
            ),
            None => format!(
                "child '{id}' is not in the 903 data held in the database; check the id, or \
                 import the 903 return that holds the child first"
            ),
            Some(kind) => format!(
                "{} '{id}' is not in {} (neither in the database nor in this import{}); add \
                 it there, or correct the id",
                target.noun(),
                kind.file_name(),
                if imported_kinds.contains(&kind) {
                    ""
                } else {
                    ", which has no such file"
                }
            ),
        };
        problems.push(Problem::field(&record.file, record.line, column, message));
    };
    for record in new {
        let template = record.template();
        for (column, value) in template.columns.iter().zip(record.fields()) {
            match column.kind {
                ColumnKind::Ref(target) => check(record, column.name, target, value),
                ColumnKind::List(Item::Ref(target)) => {
                    for id in value.split(LIST_SEPARATOR) {
                        check(record, column.name, target, id);
                    }
                }
                _ => {}
            }
        }
        if record.kind == Kind::Decision {
            let target = match record.field("SOURCE") {
                "supervision" => Some(Target::Session),
                "panel" => Some(Target::Panel),
                _ => None,
            };
            if let Some(target) = target {
                check(record, "SOURCE_REF", target, record.field("SOURCE_REF"));
            }
        }
    }

    // Dates that must not come before the record they belong to.
    let parents: [(Kind, &str, &str, Kind, &str); 3] = [
        (
            Kind::ChallengeStep,
            "CHALLENGE",
            "STARTED",
            Kind::IroChallenge,
            "RAISED",
        ),
        (
            Kind::PreProceedingsMeeting,
            "PRE_PROCEEDINGS",
            "DATE",
            Kind::PreProceedings,
            "LEGAL_GATEWAY_MEETING",
        ),
        (
            Kind::Hearing,
            "PROCEEDINGS",
            "DATE",
            Kind::CareProceedings,
            "ISSUED",
        ),
    ];
    for record in new {
        for (kind, reference, column, parent_kind, parent_column) in parents {
            if record.kind != kind {
                continue;
            }
            let Some(parent) = by_id.get(&(parent_kind, record.field(reference))) else {
                continue;
            };
            let (Ok(date), Ok(parent_date)) = (
                parse_dmy(record.field(column)),
                parse_dmy(parent.field(parent_column)),
            ) else {
                continue;
            };
            if date < parent_date {
                problems.push(Problem::field(
                    &record.file,
                    record.line,
                    column,
                    format!(
                        "{} is before {} {}'s {parent_column} ({}, {} line {})",
                        record.field(column),
                        reference.to_lowercase().replace('_', "-"),
                        record.field(reference),
                        parent.field(parent_column),
                        parent.file,
                        parent.line
                    ),
                ));
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, manager: &str) -> RawRecord {
        RawRecord::new(
            Kind::Person,
            "people.csv",
            2,
            &[id, "Name", "social_worker", "", manager, "", ""],
        )
    }

    #[test]
    fn references_resolve_against_the_store_and_the_import_together() {
        let stored = vec![person("TM1", "")];
        let new = vec![person("SW1", "TM1"), person("SW2", "SW1")];
        assert_eq!(
            plan_import(&new, &stored, &BTreeSet::new()).unwrap(),
            vec![Change::New, Change::New]
        );
        let problems =
            plan_import(&[person("SW3", "NOBODY")], &stored, &BTreeSet::new()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(
            problems.0[0]
                .message
                .contains("person 'NOBODY' is not in people.csv")
        );
    }

    #[test]
    fn files_in_memory_are_checked_as_files_on_disk_are() {
        let dir = tempfile::tempdir().unwrap();
        let people = "ID,NAME,ROLE,TEAM,MANAGER,START,END\nSW1,Sam Okafor,social_worker,,TM1,,\n";
        let plans = "CHILD,DECIDED,FORUM,PRIMARY,PARALLEL,CONTINGENCY,TARGET,ACHIEVED,ACHIEVED_BY\n\
                     C1,1/2/2025,review,adoption,,,,,\nC1,1/3/2025,review,nonsense,,,,,\n\
                     C9,1/2/2025,review,adoption,,,,,\n";
        let files = [("people.csv", people), ("permanence_plans.csv", plans)];
        let mut paths = Vec::new();
        let mut names = Vec::new();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            names.push(path.display().to_string());
            paths.push(path);
        }
        let children: BTreeSet<String> = ["C1".to_string()].into();
        let on_disk = check_paths(&paths, None, &[], &children).unwrap_err();
        let in_memory = check_files(
            names
                .iter()
                .zip(files)
                .map(|(name, (_, text))| (name.as_str(), text.as_bytes())),
            None,
            &[],
            &children,
        )
        .unwrap_err();
        assert_eq!(on_disk, in_memory);
        // The unknown manager, the unknown child and the code.
        assert_eq!(in_memory.len(), 3, "{in_memory}");

        let people = format!("{people}TM1,Alex Example,team_manager,,,,\n");
        let (read, changes) =
            check_files([("people.csv", people.as_bytes())], None, &[], &children).unwrap();
        assert_eq!(read.records.len(), 2);
        assert_eq!(changes, [Change::New, Change::New]);
    }

    /// Reads one `child_details.csv` and checks it against `stored` and children C1, C2.
    fn child_details(text: &str, stored: &[RawRecord]) -> Result<Vec<Change>, Problems> {
        let mut problems = Problems::default();
        let records = crate::read::read_bytes(
            "child_details.csv",
            text.as_bytes(),
            None,
            &mut permanence_ssda903::read::Normalisation::default(),
            &mut problems,
            &mut Vec::new(),
        );
        let (kind, records) = records.expect("the file is recognised");
        assert_eq!(kind, Kind::ChildDetails);
        let children: BTreeSet<String> = ["C1", "C2"].map(String::from).into();
        let changes = plan(&records, stored, &children, &[], &mut problems);
        problems.into_result(changes)
    }

    const DETAILS_HEADER: &str = "CHILD,NAME,RESTRICTED_TO,RESTRICTION_REASON\n";

    #[test]
    fn child_details_name_a_child_and_restrict_it_to_known_staff() {
        let stored = vec![person("SW1", ""), person("TM1", "")];
        let text = format!(
            "{DETAILS_HEADER}C1,Robin Example,,\nC2,Sam Sample, SW1 ; TM1 ,Child of a member of staff\n"
        );
        assert_eq!(
            child_details(&text, &stored).unwrap(),
            vec![Change::New, Change::New]
        );
        // Held in canonical form, and typed as the domain's details.
        let mut problems = Problems::default();
        let (_, records) = crate::read::read_bytes(
            "child_details.csv",
            text.as_bytes(),
            None,
            &mut permanence_ssda903::read::Normalisation::default(),
            &mut problems,
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!(records[1].field("RESTRICTED_TO"), "SW1;TM1");
        let (_, children) = crate::build_tracker(&records).unwrap();
        let details = children["C2"].details.as_ref().unwrap();
        assert_eq!(details.name, "Sam Sample");
        assert_eq!(details.restricted_to, ["SW1", "TM1"]);
        assert!(details.visible_to(Some("TM1")) && !details.visible_to(Some("SW2")));
        assert!(!children["C1"].details.as_ref().unwrap().is_restricted());
    }

    #[test]
    fn a_restriction_needs_its_reason_and_a_reason_its_restriction() {
        let stored = vec![person("SW1", "")];
        let problems = child_details(&format!("{DETAILS_HEADER}C1,Robin Example,SW1,\n"), &stored)
            .unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems.0[0].column.as_deref(), Some("RESTRICTION_REASON"));
        assert!(
            problems.0[0]
                .message
                .contains("is blank but RESTRICTED_TO is given")
        );
        let problems = child_details(
            &format!("{DETAILS_HEADER}C1,Robin Example,,High-profile case\n"),
            &stored,
        )
        .unwrap_err();
        assert_eq!(problems.0[0].column.as_deref(), Some("RESTRICTED_TO"));
        let problems = child_details(&format!("{DETAILS_HEADER}C1,,,\n"), &stored).unwrap_err();
        assert_eq!(problems.0[0].column.as_deref(), Some("NAME"));
    }

    #[test]
    fn a_restriction_to_someone_not_in_people_is_refused() {
        let stored = vec![person("SW1", "")];
        let problems = child_details(
            &format!("{DETAILS_HEADER}C1,Robin Example,SW1;NOBODY,Child of a member of staff\n"),
            &stored,
        )
        .unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems.0[0].column.as_deref(), Some("RESTRICTED_TO"));
        assert!(
            problems.0[0]
                .message
                .contains("person 'NOBODY' is not in people.csv")
        );
        // And the child must be in the 903 data.
        let problems =
            child_details(&format!("{DETAILS_HEADER}C9,Robin Example,,\n"), &stored).unwrap_err();
        assert!(
            problems.0[0]
                .message
                .contains("child 'C9' is not in the 903 data")
        );
    }

    #[test]
    fn a_stored_record_with_the_same_key_is_unchanged_or_corrected() {
        let stored = vec![person("SW1", "")];
        let same = person("SW1", "");
        let corrected = RawRecord::new(
            Kind::Person,
            "people.csv",
            2,
            &["SW1", "Other Name", "social_worker", "", "", "", ""],
        );
        assert_eq!(
            plan_import(&[same], &stored, &BTreeSet::new()).unwrap(),
            vec![Change::Unchanged]
        );
        assert_eq!(
            plan_import(&[corrected], &stored, &BTreeSet::new()).unwrap(),
            vec![Change::Corrects]
        );
    }
}
