//! Every kind of bad tracker input is refused with a located problem (file, line,
//! column, the value found and what was expected), good input in any tidy-able form is
//! accepted, and what is written reads back as the same records.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use permanence_domain::Date;
use permanence_domain::tracker::*;
use permanence_ssda903::{Problem, Problems};
use permanence_tracker::read::read_paths;
use permanence_tracker::{Change, Kind, RawRecord, build_tracker, plan_import, write_tracker};

/// The day of the imports in these tests.
const TODAY: Date = Date::constant(2026, 1, 15);

const PEOPLE: &str = "ID,NAME,ROLE,TEAM,MANAGER,START,END\n\
                      SW1,Sam Okafor,social_worker,T1,TM1,,\n\
                      TM1,Priya Shah,team_manager,T1,,,\n\
                      IRO1,Jo Reid,iro,,,,\n";
const TEAMS: &str = "ID,NAME,SERVICE,MANAGER\nT1,Children in Care 1,,TM1\n";

struct Import {
    dir: tempfile::TempDir,
}

impl Import {
    fn new(files: &[(&str, &str)]) -> Import {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Import { dir }
    }

    fn bytes(files: &[(&str, &[u8])]) -> Import {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in files {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        Import { dir }
    }

    fn paths(&self) -> Vec<PathBuf> {
        vec![self.dir.path().to_path_buf()]
    }

    fn read(&self) -> Result<Vec<RawRecord>, Problems> {
        read_paths(&self.paths(), Some(TODAY)).map(|outcome| outcome.records)
    }

    /// Reads and checks against `stored`, with children C1 and C2 in the 903 data.
    fn check_with(&self, stored: &[RawRecord]) -> Result<Vec<Change>, Problems> {
        let records = self.read()?;
        let children: BTreeSet<String> = ["C1", "C2"].map(String::from).into();
        plan_import(&records, stored, &children)
    }

    fn check(&self) -> Result<Vec<Change>, Problems> {
        self.check_with(&[])
    }
}

/// The one problem expected: in `file`, at `line` and `column`, containing `text`.
#[track_caller]
fn assert_problem(
    result: Result<Vec<Change>, Problems>,
    file: &str,
    line: Option<u64>,
    column: Option<&str>,
    text: &str,
) {
    let problems = result.expect_err("the import must be refused");
    let found = problems.0.iter().any(|p: &Problem| {
        p.file.ends_with(file)
            && p.line == line
            && p.column.as_deref() == column
            && p.message.contains(text)
    });
    assert!(
        found,
        "expected {file} line {line:?} column {column:?}: '{text}'; got:\n{problems}"
    );
}

fn plans(rows: &str) -> String {
    format!("CHILD,DECIDED,FORUM,PRIMARY,PARALLEL,CONTINGENCY,TARGET,ACHIEVED,ACHIEVED_BY\n{rows}")
}

#[test]
fn good_files_import_in_any_order_with_people_in_the_same_import() {
    // Allocations sort before people by name: order of files must not matter.
    let import = Import::new(&[
        (
            "a_allocations.csv",
            "CHILD,ROLE,WORKER,TEAM,START,END\nC1,social_worker,SW1,T1,01/02/2025,\n",
        ),
        ("z/people.csv", PEOPLE),
        ("teams.csv", TEAMS),
    ]);
    assert_eq!(import.check().unwrap(), vec![Change::New; 5]);
}

#[test]
fn an_unknown_code_lists_the_allowed_values() {
    let import = Import::new(&[("plans.csv", &plans("C1,01/02/2025,review,adopton,,,,,\n"))]);
    assert_problem(
        import.check(),
        "plans.csv",
        Some(2),
        Some("PRIMARY"),
        "'adopton' is not a permanence option code; expected one of: return_home, connected_carers, \
         special_guardianship, child_arrangements_order, adoption,",
    );
    let import = Import::new(&[(
        "plans.csv",
        &plans("C1,01/02/2025,review,adoption,long_term_fostering;kinship,,,,\n"),
    )]);
    assert_problem(
        import.check(),
        "plans.csv",
        Some(2),
        Some("PARALLEL"),
        "'kinship' is not a permanence option code; expected codes separated by ';' from: return_home",
    );
}

#[test]
fn unreadable_and_impossible_dates_are_refused() {
    let import = Import::new(&[(
        "plans.csv",
        &plans("C1,2025-02-01,review,adoption,,,,,\nC2,31/02/2025,review,adoption,,,,,\n"),
    )]);
    let result = import.check();
    assert_problem(
        result.clone(),
        "plans.csv",
        Some(2),
        Some("DECIDED"),
        "'2025-02-01' is not a date; expected dd/mm/yyyy",
    );
    assert_problem(
        result,
        "plans.csv",
        Some(3),
        Some("DECIDED"),
        "'31/02/2025' is not a real date (no such day)",
    );
}

#[test]
fn a_meeting_held_tomorrow_is_refused_but_a_next_meeting_may_be_ahead() {
    let header = "CHILD,KIND,DATE,CHAIR,OUTCOME,NEXT\n";
    let import = Import::new(&[(
        "meetings.csv",
        &format!("{header}C1,permanence_planning_meeting,16/01/2026,,,\n"),
    )]);
    assert_problem(
        import.check(),
        "meetings.csv",
        Some(2),
        Some("DATE"),
        "16/01/2026 is in the future (after 15/01/2026, the date of this import)",
    );
    let import = Import::new(&[(
        "meetings.csv",
        &format!("{header}C1,permanence_planning_meeting,15/01/2026,,Agreed,15/04/2026\n"),
    )]);
    assert_eq!(import.check().unwrap(), vec![Change::New]);
    // Targets and due dates may be ahead too.
    let import = Import::new(&[(
        "plans.csv",
        &plans("C1,01/02/2025,review,adoption,,,01/02/2027,,\n"),
    )]);
    assert!(import.check().is_ok());
}

#[test]
fn an_end_before_its_start_is_refused() {
    let import = Import::new(&[
        ("people.csv", PEOPLE),
        ("teams.csv", TEAMS),
        (
            "allocations.csv",
            "CHILD,ROLE,WORKER,TEAM,START,END\nC1,social_worker,SW1,,01/02/2025,31/01/2025\n",
        ),
    ]);
    assert_problem(
        import.check(),
        "allocations.csv",
        Some(2),
        Some("END"),
        "31/01/2025 is before START (01/02/2025)",
    );
    let import = Import::new(&[(
        "plans.csv",
        &plans("C1,01/02/2025,review,adoption,,,,01/01/2025,adoption\n"),
    )]);
    assert_problem(
        import.check(),
        "plans.csv",
        Some(2),
        Some("ACHIEVED"),
        "is before DECIDED",
    );
}

#[test]
fn a_decision_without_an_owner_is_refused() {
    let import = Import::new(&[
        ("people.csv", PEOPLE),
        (
            "decisions.csv",
            "ID,CHILD,SOURCE,SOURCE_REF,MADE,MADE_BY,DECISION,OWNER,DUE,COMPLETED\n\
             D1,C1,review,,01/12/2025,IRO1,Arrange a permanence planning meeting,,01/02/2026,\n",
        ),
    ]);
    assert_problem(
        import.check(),
        "decisions.csv",
        Some(2),
        Some("OWNER"),
        "is blank but a value is required: who must carry it out (staff id); every decision needs an owner",
    );
}

#[test]
fn a_child_not_in_the_903_data_is_an_error_not_a_silent_drop() {
    let import = Import::new(&[(
        "plans.csv",
        &plans("C1,01/02/2025,review,adoption,,,,,\nC9,01/02/2025,review,adoption,,,,,\n"),
    )]);
    assert_problem(
        import.check(),
        "plans.csv",
        Some(3),
        Some("CHILD"),
        "child 'C9' is not in the 903 data held in the database",
    );
    // With no 903 data at all, the message says to import it first.
    let records = import.read().unwrap();
    let problems = plan_import(&records, &[], &BTreeSet::new()).unwrap_err();
    assert!(
        problems.0[0]
            .message
            .contains("import the 903 return first"),
        "{problems}"
    );
    // Children in a list are checked too.
    let import = Import::new(&[
        ("people.csv", PEOPLE),
        (
            "sessions.csv",
            "ID,DATE,SUPERVISOR,SUPERVISEE,CHILDREN\nS1,01/12/2025,TM1,SW1,C1;C7\n",
        ),
    ]);
    assert_problem(
        import.check(),
        "sessions.csv",
        Some(2),
        Some("CHILDREN"),
        "child 'C7' is not in the 903 data",
    );
}

#[test]
fn a_person_not_in_people_is_an_error_unless_stored() {
    let activities = "CHILD,KIND,DATE,BY,SEEN_ALONE\nC1,visit,01/12/2025,SW1,Y\n";
    let import = Import::new(&[("activities.csv", activities)]);
    assert_problem(
        import.check(),
        "activities.csv",
        Some(2),
        Some("BY"),
        "person 'SW1' is not in people.csv (neither in the database nor in this import, which has no such file)",
    );
    let stored = vec![RawRecord::new(
        Kind::Person,
        "db",
        2,
        &["SW1", "Sam", "social_worker", "", "", "", ""],
    )];
    assert_eq!(import.check_with(&stored).unwrap(), vec![Change::New]);
}

#[test]
fn references_to_unknown_challenges_panels_and_cases_are_refused() {
    let import = Import::new(&[
        ("people.csv", PEOPLE),
        (
            "steps.csv",
            "CHALLENGE,STAGE,STARTED,RESPONSE_DUE,RESPONDED,RESPONSE\nX1,informal,01/12/2025,08/12/2025,,\n",
        ),
        (
            "panel_decisions.csv",
            "CHILD,PANEL,DATE,QUESTION,DECISION,CONDITIONS\nC1,NOPANEL,01/12/2025,permanence_plan,Agreed,\n",
        ),
        (
            "ppm.csv",
            "PRE_PROCEEDINGS,KIND,DATE\nPP9,meeting,01/12/2025\n",
        ),
        (
            "hearings.csv",
            "PROCEEDINGS,KIND,DATE,EXTENSION_WEEKS\nCP9,final,01/12/2025,\n",
        ),
        (
            "decisions.csv",
            "ID,CHILD,SOURCE,SOURCE_REF,MADE,MADE_BY,DECISION,OWNER,DUE,COMPLETED\n\
             D1,C1,supervision,S404,01/12/2025,TM1,Visit weekly,SW1,,\n",
        ),
    ]);
    let result = import.check();
    for (file, column, text) in [
        (
            "steps.csv",
            "CHALLENGE",
            "IRO challenge 'X1' is not in iro_challenges.csv",
        ),
        (
            "panel_decisions.csv",
            "PANEL",
            "panel 'NOPANEL' is not in panels.csv",
        ),
        (
            "ppm.csv",
            "PRE_PROCEEDINGS",
            "pre-proceedings case 'PP9' is not in pre_proceedings.csv",
        ),
        (
            "hearings.csv",
            "PROCEEDINGS",
            "care proceedings case 'CP9' is not in care_proceedings.csv",
        ),
        (
            "decisions.csv",
            "SOURCE_REF",
            "supervision session 'S404' is not in supervision_sessions.csv",
        ),
    ] {
        assert_problem(result.clone(), file, Some(2), Some(column), text);
    }
}

#[test]
fn a_stage_before_its_challenge_was_raised_is_refused() {
    let import = Import::new(&[
        ("people.csv", PEOPLE),
        (
            "challenges.csv",
            "ID,CHILD,IRO,RAISED,CATEGORY,RESOLVED,CAFCASS_REFERRAL\nX1,C1,IRO1,01/12/2025,drift_and_delay,,\n",
        ),
        (
            "steps.csv",
            "CHALLENGE,STAGE,STARTED,RESPONSE_DUE,RESPONDED,RESPONSE\nX1,informal,30/11/2025,08/12/2025,,\n",
        ),
    ]);
    assert_problem(
        import.check(),
        "steps.csv",
        Some(2),
        Some("STARTED"),
        "30/11/2025 is before challenge X1's RAISED (01/12/2025",
    );
}

#[test]
fn a_key_repeated_within_an_import_is_refused() {
    let import = Import::new(&[
        (
            "a.csv",
            &plans("C1,01/02/2025,review,adoption,,,,,\nC1,01/02/2025,review,adoption,,,,,\n"),
        ),
        ("b.csv", &plans("C1,1/2/2025,review,return_home,,,,,\n")),
    ]);
    let result = import.check();
    assert_problem(
        result.clone(),
        "a.csv",
        Some(3),
        None,
        "duplicates line 2 exactly",
    );
    assert_problem(
        result,
        "b.csv",
        Some(2),
        None,
        "has the same CHILD C1, DECIDED 01/02/2025 as",
    );
}

#[test]
fn empty_and_header_only_files() {
    let import = Import::new(&[("plans.csv", " \n")]);
    assert_problem(import.check(), "plans.csv", None, None, "the file is empty");
    // A header row alone is a template with nothing in it.
    let import = Import::new(&[("plans.csv", &plans(""))]);
    assert_eq!(import.check().unwrap(), vec![]);
}

#[test]
fn text_that_is_not_utf8_is_refused_with_its_position() {
    let import = Import::bytes(&[(
        "meetings.csv",
        b"CHILD,KIND,DATE,CHAIR,OUTCOME,NEXT\nC1,family_group_conference,01/12/2025,,Caf\xe9 meeting,\n",
    )]);
    assert_problem(
        import.check(),
        "meetings.csv",
        Some(2),
        Some("OUTCOME"),
        "contains bytes that are not UTF-8 text (byte 0xE9 at position 4); save the file as UTF-8",
    );
}

#[test]
fn byte_order_marks_windows_line_endings_spaces_and_case_are_tidied() {
    let import = Import::bytes(&[(
        "plans.csv",
        b"\xEF\xBB\xBFchild , decided,Forum,PRIMARY,PARALLEL,CONTINGENCY,TARGET,ACHIEVED,ACHIEVED_BY\r\n\
          C1 , 1/2/2025 ,REVIEW, Adoption ,Long_Term_Fostering ; ,,,,\r\n",
    )]);
    let outcome = read_paths(&import.paths(), Some(TODAY)).unwrap();
    assert_eq!(
        outcome.records[0].fields().collect::<Vec<_>>(),
        [
            "C1",
            "01/02/2025",
            "review",
            "adoption",
            "long_term_fostering",
            "",
            "",
            "",
            ""
        ]
    );
    let n = outcome.normalisation;
    assert_eq!((n.byte_order_marks, n.windows_line_endings), (1, 1));
    assert!(n.trimmed_values >= 3 && n.lower_case_codes >= 3, "{n:?}");
}

#[test]
fn missing_and_extra_columns_are_named() {
    let import = Import::new(&[(
        "plans.csv",
        "CHILD,DECIDED,FORUM,PRIMARY,PARALLEL,CONTINGENCY,TARGET,ACHIEVED,NOTES\n",
    )]);
    assert_problem(
        import.check(),
        "plans.csv",
        Some(1),
        None,
        "looks like the permanence_plans template but has missing column ACHIEVED_BY and \
         unexpected column NOTES; expected exactly: CHILD, DECIDED,",
    );
    let import = Import::new(&[("x.csv", "NAME,ADDRESS\n")]);
    assert_problem(
        import.check(),
        "x.csv",
        Some(1),
        None,
        "no tracker template has these columns (NAME, ADDRESS); expected the columns of one of: people, teams,",
    );
    let import = Import::new(&[(
        "episodes.csv",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n",
    )]);
    assert_problem(
        import.check(),
        "episodes.csv",
        Some(1),
        None,
        "it looks like the 903 Episodes table: import it with `permanence import 903`",
    );
}

#[test]
fn a_short_row_and_bad_numbers_flags_and_lists_are_refused() {
    let import = Import::new(&[
        ("people.csv", PEOPLE),
        (
            "activities.csv",
            "CHILD,KIND,DATE,BY,SEEN_ALONE\nC1,visit,01/12/2025\nC1,visit,02/12/2025,SW1,maybe\n\
             C1,pep_review,03/12/2025,,Y\n",
        ),
        (
            "family_finding.csv",
            "CHILD,ROUTE,START,PROFILES,LINKS,EXPRESSIONS_OF_INTEREST,MATCHES,STATUS,END,END_REASON,FOSTERING_FOR_ADOPTION_CONSIDERED\n\
             C1,adoption,01/06/2025,two,,,,active,,,\n",
        ),
        (
            "panels.csv",
            "ID,NAME,REMIT,CHAIR,QUESTIONS\nP1,Panel,Remit,,adoption_match;adoption_match\n",
        ),
        (
            "hearings.csv",
            "PROCEEDINGS,KIND,DATE,EXTENSION_WEEKS\nCP1,extension,01/12/2025,\nCP1,final,02/12/2025,4\nCP1,other,03/12/2025,9\n",
        ),
        (
            "proceedings.csv",
            "ID,CHILD,ISSUED,CONCLUDED,ORDER\nCP1,C1,01/06/2025,,\n",
        ),
    ]);
    let result = import.check();
    for (file, line, column, text) in [
        (
            "activities.csv",
            2,
            None,
            "has 3 fields but the header has 5 columns (is the line cut short?)",
        ),
        (
            "activities.csv",
            3,
            Some("SEEN_ALONE"),
            "'maybe' is not allowed; expected Y or N",
        ),
        (
            "activities.csv",
            4,
            Some("SEEN_ALONE"),
            "applies only to visits",
        ),
        (
            "family_finding.csv",
            2,
            Some("PROFILES"),
            "'two' is not allowed; expected a whole number from 0 to",
        ),
        (
            "panels.csv",
            2,
            Some("QUESTIONS"),
            "'adoption_match' is listed twice",
        ),
        (
            "hearings.csv",
            2,
            Some("EXTENSION_WEEKS"),
            "is blank but KIND is extension",
        ),
        (
            "hearings.csv",
            3,
            Some("EXTENSION_WEEKS"),
            "applies only to extensions",
        ),
        (
            "hearings.csv",
            4,
            Some("EXTENSION_WEEKS"),
            "'9' is not allowed; expected a whole number from 0 to 8",
        ),
    ] {
        assert_problem(result.clone(), file, Some(line), column, text);
    }
}

#[test]
fn pairs_given_together_and_plans_that_repeat_themselves() {
    let import = Import::new(&[(
        "plans.csv",
        &plans(
            "C1,01/02/2025,review,adoption,,,,01/06/2025,\n\
             C2,01/02/2025,review,adoption,adoption,adoption,,,\n",
        ),
    )]);
    let result = import.check();
    assert_problem(
        result.clone(),
        "plans.csv",
        Some(2),
        Some("ACHIEVED_BY"),
        "is blank but ACHIEVED is given; give both ACHIEVED and ACHIEVED_BY, or neither",
    );
    assert_problem(
        result.clone(),
        "plans.csv",
        Some(3),
        Some("PARALLEL"),
        "repeats the primary plan",
    );
    assert_problem(
        result,
        "plans.csv",
        Some(3),
        Some("CONTINGENCY"),
        "is the primary plan",
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let import = Import::new(&[
        (
            "a.csv",
            &plans("C1,xx,review,adoption,,,,,\nC2,01/01/2025,nowhere,adoption,,,,,\n"),
        ),
        ("b.csv", ""),
    ]);
    let problems = import.check().unwrap_err();
    assert_eq!(problems.len(), 3, "{problems}");
}

#[test]
fn references_are_checked_even_when_other_rows_are_refused_and_each_mistake_is_reported_once() {
    let import = Import::new(&[
        (
            "people.csv",
            "ID,NAME,ROLE,TEAM,MANAGER,START,END\nSW1,Sam,wizard,,,,\n",
        ),
        (
            "allocations.csv",
            "CHILD,ROLE,WORKER,TEAM,START,END\n\
             C1,social_worker,SW1,,01/02/2025,\n\
             C9,social_worker,SW1,,01/02/2025,\n\
             C2,iro,NOBODY,,01/02/2025,\n",
        ),
    ]);
    let children: BTreeSet<String> = ["C1", "C2"].map(String::from).into();
    let problems =
        permanence_tracker::check_paths(&import.paths(), Some(TODAY), &[], &children).unwrap_err();
    let found: Vec<(String, Option<u64>, Option<String>)> = problems
        .0
        .iter()
        .map(|p| {
            (
                p.file.rsplit('/').next().unwrap().to_string(),
                p.line,
                p.column.clone(),
            )
        })
        .collect();
    let expected = [
        ("allocations.csv", 3, "CHILD"),
        ("allocations.csv", 4, "WORKER"),
        ("people.csv", 2, "ROLE"),
    ]
    .map(|(f, l, c)| (f.to_string(), Some(l), Some(c.to_string())));
    assert_eq!(found, expected, "{problems}");
    // A file refused whole (here: no template) hides no reference problem to children.
    let import = Import::new(&[
        ("mystery.csv", "A,B,C\n"),
        (
            "activities.csv",
            "CHILD,KIND,DATE,BY,SEEN_ALONE\nC9,visit,01/12/2025,SW1,Y\n",
        ),
    ]);
    let problems =
        permanence_tracker::check_paths(&import.paths(), Some(TODAY), &[], &children).unwrap_err();
    assert_eq!(problems.len(), 2, "{problems}");
    assert!(
        problems.0.iter().any(|p| p.message.contains("child 'C9'")),
        "{problems}"
    );
}

/// A borough's worth of every kind of record, built as domain values.
fn sample() -> (Organisation, BTreeMap<String, ChildTracker>) {
    let d = |y, m, day| Date::constant(y, m, day);
    let person = |id: &str, role, manager: Option<&str>| Person {
        id: id.into(),
        name: format!("Name, {id}"),
        role,
        team: Some("T1".into()),
        manager: manager.map(String::from),
        start: Some(d(2020, 1, 1)),
        end: None,
    };
    let session = SupervisionSession {
        id: "S1".into(),
        date: d(2025, 3, 1),
        supervisor: "TM1".into(),
        supervisee: "SW1".into(),
        children: vec!["C1".into(), "C2".into()],
    };
    let organisation = Organisation {
        people: vec![
            person("SW1", StaffRole::SocialWorker, Some("TM1")),
            person("TM1", StaffRole::TeamManager, None),
        ],
        teams: vec![Team {
            id: "T1".into(),
            name: "Children in Care 1".into(),
            service: Some("Children's social care".into()),
            manager: Some("TM1".into()),
        }],
        panels: vec![Panel {
            id: "P1".into(),
            name: "Permanence panel".into(),
            remit: "Plans, \"matches\" and more".into(),
            chair: None,
            questions: vec![PanelQuestion::PermanencePlan, PanelQuestion::AdoptionMatch],
        }],
        supervision: vec![
            SupervisionSession {
                id: "S0".into(),
                date: d(2025, 2, 1),
                supervisor: "TM1".into(),
                supervisee: "SW1".into(),
                children: vec![],
            },
            session.clone(),
        ],
        decisions: vec![Decision {
            id: "D0".into(),
            child: None,
            source: DecisionSource::Other,
            source_ref: None,
            made: d(2025, 1, 1),
            made_by: "TM1".into(),
            text: "Team to review all plans,\nline two".into(),
            owner: "SW1".into(),
            due: Some(d(2027, 1, 1)),
            completed: None,
        }],
        fostering: FosteringRegister {
            households: vec![FosteringHousehold {
                id: "FH1".into(),
                name: "Ada and Ben Cole".into(),
                household_type: HouseholdType::InHouse,
                status: HouseholdStatus::Approved,
                postcode_district: "SE15".into(),
                in_borough: true,
                languages: vec!["English".into(), "Yoruba".into()],
                ethnicity: vec!["BAFR".into()],
                religion: Some("Christian".into()),
                skills: vec![ComplexNeed::Trauma, ComplexNeed::Disability],
                approved: Some(d(2022, 5, 12)),
                supervising_worker: Some("SW1".into()),
                vacancy_reason: None,
            }],
            terms: vec![
                TermsOfApproval {
                    household: "FH1".into(),
                    from: d(2022, 5, 12),
                    reason: TermsReason::Approval,
                    age_min: 0,
                    age_max: 11,
                    children: 2,
                    placement_types: vec![FosteringPlacementType::ShortTerm],
                },
                TermsOfApproval {
                    household: "FH1".into(),
                    from: d(2023, 5, 1),
                    reason: TermsReason::Review,
                    age_min: 0,
                    age_max: 18,
                    children: 3,
                    placement_types: vec![
                        FosteringPlacementType::LongTerm,
                        FosteringPlacementType::ShortTerm,
                    ],
                },
            ],
            placements: vec![HouseholdPlacement {
                child: "C1".into(),
                household: "FH1".into(),
                start: d(2025, 3, 3),
                end: None,
                placement_type: FosteringPlacementType::LongTerm,
                exemption: Some(false),
            }],
            recruitment: vec![RecruitmentEnquiry {
                id: "ENQ1".into(),
                enquiry: d(2021, 9, 1),
                stage_one: Some(d(2021, 10, 1)),
                stage_two: Some(d(2021, 12, 1)),
                panel: Some(d(2022, 5, 1)),
                approved: Some(d(2022, 5, 12)),
                outcome: RecruitmentOutcome::Approved,
                ended: Some(d(2022, 5, 12)),
                household: Some("FH1".into()),
            }],
        },
    };
    let c1 = ChildTracker {
        details: Some(ChildDetails {
            child: "C1".into(),
            name: "Robin \"Bobbie\" Example, junior".into(),
            restricted_to: vec!["TM1".into(), "SW1".into()],
            restriction_reason: Some("Child of a member of staff".into()),
        }),
        allocations: vec![Allocation {
            child: "C1".into(),
            role: AllocationRole::SocialWorker,
            person: "SW1".into(),
            team: Some("T1".into()),
            start: d(2024, 1, 1),
            end: None,
        }],
        plans: vec![
            PermanencePlan {
                child: "C1".into(),
                decided: d(2024, 11, 1),
                forum: Forum::Review,
                primary: PermanenceOption::ReturnHome,
                parallel: vec![],
                contingency: None,
                target: None,
                achieved: None,
                achieved_by: None,
            },
            PermanencePlan {
                child: "C1".into(),
                decided: d(2025, 2, 1),
                forum: Forum::PermanencePlanningMeeting,
                primary: PermanenceOption::ReturnHome,
                parallel: vec![
                    PermanenceOption::SpecialGuardianship,
                    PermanenceOption::ConnectedCarers,
                ],
                contingency: Some(PermanenceOption::Adoption),
                target: Some(d(2026, 8, 1)),
                achieved: None,
                achieved_by: None,
            },
        ],
        meetings: vec![Meeting {
            child: "C1".into(),
            kind: MeetingKind::FamilyGroupConference,
            date: d(2025, 1, 20),
            chair: None,
            outcome: String::new(),
            next: None,
        }],
        family_finding: vec![FamilyFinding {
            child: "C1".into(),
            route: FamilyFindingRoute::Adoption,
            start: d(2025, 3, 1),
            profiles: 0,
            links: 3,
            expressions_of_interest: 1,
            matches: 0,
            status: FamilyFindingStatus::Ended,
            end: Some(d(2025, 6, 1)),
            end_reason: Some("Returned home".into()),
            fostering_for_adoption_considered: Some(d(2025, 3, 1)),
        }],
        sibling_assessments: vec![SiblingAssessment {
            child: "C1".into(),
            siblings: vec!["C2".into(), "Baby Smith".into()],
            date: d(2025, 2, 2),
            conclusion: SiblingConclusion::SomeTogether,
        }],
        life_story: Some(LifeStoryWork {
            child: "C1".into(),
            started: Some(d(2025, 1, 1)),
            sessions: 3,
            last_session: Some(d(2025, 4, 1)),
            book_first_stage: None,
            book_completed: None,
            later_life_letter: None,
        }),
        decisions: vec![Decision {
            id: "D1".into(),
            child: Some("C1".into()),
            source: DecisionSource::Supervision,
            source_ref: Some("S1".into()),
            made: d(2025, 3, 1),
            made_by: "TM1".into(),
            text: "Viability assessment".into(),
            owner: "SW1".into(),
            due: Some(d(2025, 4, 1)),
            completed: Some(d(2025, 3, 28)),
        }],
        challenges: vec![(
            IroChallenge {
                id: "X1".into(),
                child: "C1".into(),
                iro: "SW1".into(),
                raised: d(2025, 5, 1),
                category: ChallengeCategory::DriftAndDelay,
                resolved: None,
                cafcass_referral: None,
            },
            vec![
                ChallengeStep {
                    challenge: "X1".into(),
                    stage: ChallengeStage::Informal,
                    started: d(2025, 5, 1),
                    response_due: d(2025, 5, 8),
                    responded: Some(d(2025, 5, 9)),
                    response: Some("Not agreed".into()),
                },
                ChallengeStep {
                    challenge: "X1".into(),
                    stage: ChallengeStage::TeamManager,
                    started: d(2025, 5, 10),
                    response_due: d(2025, 5, 20),
                    responded: None,
                    response: None,
                },
            ],
        )],
        panel_decisions: vec![PanelDecision {
            child: "C1".into(),
            panel: "P1".into(),
            date: d(2025, 2, 10),
            question: PanelQuestion::PermanencePlan,
            decision: "Endorsed".into(),
            conditions: None,
        }],
        activities: vec![
            Activity {
                child: "C1".into(),
                kind: ActivityKind::Visit,
                date: d(2025, 1, 5),
                by: Some("SW1".into()),
                seen_alone: Some(false),
            },
            Activity {
                child: "C1".into(),
                kind: ActivityKind::PepReview,
                date: d(2025, 1, 5),
                by: None,
                seen_alone: None,
            },
        ],
        pre_proceedings: vec![(
            PreProceedings {
                id: "PP1".into(),
                child: "C1".into(),
                legal_gateway_meeting: d(2024, 6, 1),
                letter_before_proceedings: Some(d(2024, 6, 8)),
                outcome: Some(PreProceedingsOutcome::Issued),
                ended: Some(d(2024, 10, 1)),
            },
            vec![PreProceedingsMeeting {
                pre_proceedings: "PP1".into(),
                kind: PreProceedingsMeetingKind::Meeting,
                date: d(2024, 6, 20),
            }],
        )],
        proceedings: vec![(
            CareProceedings {
                id: "CP1".into(),
                child: "C1".into(),
                issued: d(2024, 10, 1),
                concluded: Some(d(2025, 6, 1)),
                order: Some(CourtOrder::SpecialGuardianshipOrder),
            },
            vec![
                Hearing {
                    proceedings: "CP1".into(),
                    kind: HearingKind::CaseManagement,
                    date: d(2024, 10, 15),
                    extension_weeks: None,
                },
                Hearing {
                    proceedings: "CP1".into(),
                    kind: HearingKind::Extension,
                    date: d(2025, 3, 30),
                    extension_weeks: Some(8),
                },
            ],
        )],
        staying_put: vec![StayingPut {
            child: "C1".into(),
            decided: d(2025, 1, 1),
            decision: StayingPutDecision::Agreed,
            start: Some(d(2025, 2, 1)),
            end: None,
        }],
        supervision: vec![session.clone()],
        placement_needs: Some(PlacementNeeds {
            child: "C1".into(),
            assessed: d(2025, 2, 1),
            placement_type: FosteringPlacementType::LongTerm,
            needs: vec![ComplexNeed::Trauma],
            languages: vec!["English".into()],
            religion: None,
            school_district: Some("SE15".into()),
            family_district: Some("SE22".into()),
        }),
    };
    let c2 = ChildTracker {
        supervision: vec![session],
        ..ChildTracker::default()
    };
    (
        organisation,
        BTreeMap::from([("C1".to_string(), c1), ("C2".to_string(), c2)]),
    )
}

#[test]
fn what_is_written_reads_back_as_the_same_records() {
    let (organisation, children) = sample();
    let dir = tempfile::tempdir().unwrap();
    write_tracker(dir.path(), &organisation, &children).unwrap();
    let outcome = read_paths(&[dir.path().to_path_buf()], Some(TODAY)).unwrap();
    assert_eq!(
        outcome.files.len(),
        Kind::ALL.len(),
        "one file per template"
    );
    assert!(
        !outcome.normalisation.any(),
        "written files need no tidying"
    );
    let known: BTreeSet<String> = ["C1", "C2"].map(String::from).into();
    assert!(
        plan_import(&outcome.records, &[], &known)
            .unwrap()
            .iter()
            .all(|c| *c == Change::New)
    );
    let (organisation_back, children_back) = build_tracker(&outcome.records).unwrap();
    assert_eq!(organisation_back, organisation);
    assert_eq!(children_back, children);
    // Imported over themselves, nothing changes.
    assert!(
        plan_import(&outcome.records, &outcome.records, &known)
            .unwrap()
            .iter()
            .all(|c| *c == Change::Unchanged)
    );
}

#[test]
fn writing_is_deterministic_with_sorted_rows_and_unix_line_endings() {
    let (organisation, mut children) = sample();
    let a = tempfile::tempdir().unwrap();
    write_tracker(a.path(), &organisation, &children).unwrap();
    // The same records in another order write the same bytes.
    children.get_mut("C1").unwrap().plans.reverse();
    children.get_mut("C1").unwrap().activities.reverse();
    let b = tempfile::tempdir().unwrap();
    write_tracker(b.path(), &organisation, &children).unwrap();
    for kind in Kind::ALL {
        let left = std::fs::read(a.path().join(kind.file_name())).unwrap();
        let right = std::fs::read(b.path().join(kind.file_name())).unwrap();
        assert_eq!(left, right, "{kind}");
        assert!(!left.contains(&b'\r'), "{kind}");
    }
    let plans = std::fs::read_to_string(a.path().join("permanence_plans.csv")).unwrap();
    assert_eq!(
        plans,
        "CHILD,DECIDED,FORUM,PRIMARY,PARALLEL,CONTINGENCY,TARGET,ACHIEVED,ACHIEVED_BY\n\
         C1,01/11/2024,review,return_home,,,,,\n\
         C1,01/02/2025,permanence_planning_meeting,return_home,special_guardianship;connected_carers,adoption,01/08/2026,,\n"
    );
}

const HOUSEHOLDS: &str = "ID,NAME,TYPE,STATUS,POSTCODE_DISTRICT,IN_BOROUGH,LANGUAGES,ETHNICITY,RELIGION,SKILLS,APPROVED,SUPERVISING_WORKER,VACANCY_REASON\n\
                          FH1,Ada and Ben Cole,in_house,approved,SE15,Y,English,WBRI,,trauma,12/05/2022,SW1,\n";

#[test]
fn the_foster_carer_register_imports_with_its_terms_and_children() {
    let import = Import::new(&[
        ("people.csv", PEOPLE),
        ("teams.csv", TEAMS),
        ("households.csv", HOUSEHOLDS),
        (
            "terms.csv",
            "HOUSEHOLD,FROM,REASON,AGE_MIN,AGE_MAX,CHILDREN,PLACEMENT_TYPES\n\
             FH1,12/05/2022,approval,0,11,2,short_term;long_term\n",
        ),
        (
            "placements.csv",
            "CHILD,HOUSEHOLD,START,END,PLACEMENT_TYPE,EXEMPTION\n\
             C1,FH1,03/03/2025,,short_term,\n",
        ),
    ]);
    let changes = import.check().unwrap();
    assert_eq!(changes.len(), 7);
    let (organisation, _) = build_tracker(&import.read().unwrap()).unwrap();
    assert_eq!(organisation.fostering.households.len(), 1);
    assert_eq!(organisation.fostering.placements[0].household, "FH1");
}

#[test]
fn impossible_approval_ranges_and_negative_capacity_are_refused_where_they_are() {
    let import = Import::new(&[
        ("people.csv", PEOPLE),
        ("teams.csv", TEAMS),
        ("households.csv", HOUSEHOLDS),
        (
            "terms.csv",
            "HOUSEHOLD,FROM,REASON,AGE_MIN,AGE_MAX,CHILDREN,PLACEMENT_TYPES\n\
             FH1,12/05/2022,approval,12,4,2,short_term\n\
             FH1,12/05/2023,review,0,4,-1,short_term\n\
             FH1,12/05/2024,review,0,4,0,short_term\n",
        ),
    ]);
    let problems = import.check().expect_err("refused");
    let at = |line: u64, column: &str, text: &str| {
        assert!(
            problems.0.iter().any(|p| p.file.ends_with("terms.csv")
                && p.line == Some(line)
                && p.column.as_deref() == Some(column)
                && p.message.contains(text)),
            "line {line} {column}: {problems:#?}"
        );
    };
    at(2, "AGE_MIN", "12 is above AGE_MAX (4)");
    at(
        3,
        "CHILDREN",
        "'-1' is not allowed; expected a whole number from 0 to 10",
    );
    at(4, "CHILDREN", "is 0");
    assert_eq!(problems.0.len(), 3, "{problems:#?}");
}

#[test]
fn a_child_placed_with_a_household_that_does_not_exist_is_refused() {
    let import = Import::new(&[
        ("households.csv", HOUSEHOLDS.replace(",SW1,", ",,").as_str()),
        (
            "placements.csv",
            "CHILD,HOUSEHOLD,START,END,PLACEMENT_TYPE,EXEMPTION\n\
             C1,FH1,03/03/2025,,short_term,\n\
             C2,FH9,03/03/2025,,short_term,\n",
        ),
    ]);
    assert_problem(
        import.check(),
        "placements.csv",
        Some(3),
        Some("HOUSEHOLD"),
        "fostering household 'FH9' is not in fostering_households.csv",
    );
}

#[test]
fn recruitment_outcomes_need_their_dates() {
    let import = Import::new(&[(
        "enquiries.csv",
        "ID,ENQUIRY,STAGE_ONE,STAGE_TWO,PANEL,APPROVED,OUTCOME,ENDED,HOUSEHOLD\n\
         E1,06/01/2025,01/01/2025,,,,in_progress,,\n\
         E2,06/01/2025,,,,,withdrew,,\n",
    )]);
    let problems = import.check().expect_err("refused");
    assert!(
        problems
            .0
            .iter()
            .any(|p| p.line == Some(2) && p.column.as_deref() == Some("STAGE_ONE"))
    );
    assert!(
        problems
            .0
            .iter()
            .any(|p| p.line == Some(3) && p.column.as_deref() == Some("ENDED"))
    );
}
