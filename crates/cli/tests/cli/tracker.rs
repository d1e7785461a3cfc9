//! `permanence import tracker`, `export tracker` and the tracker in `child`, end to
//! end: all or nothing, byte-identical re-imports, corrections kept with their reason,
//! and exports that import back unchanged.

use std::path::{Path, PathBuf};

use super::{Workspace, permanence, stderr, stdout};

/// Two looked-after children of a small synthetic borough, imported.
fn borough(ws: &Workspace) -> (String, String) {
    let returns = ws.synth(80, "2025-2026");
    let output = ws.import(&returns);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = permanence(
        &ws.db(),
        &[
            "children",
            "--looked-after",
            "--as-of",
            "2026-03-31",
            "--format",
            "json",
        ],
    );
    let children: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let ids: Vec<String> = children
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["child"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() >= 2);
    (ids[0].clone(), ids[1].clone())
}

/// Tracker files for two children: every template with at least one row (the rest
/// header-only), with people and teams at the end of the folder's order.
fn write_tracker_files(dir: &Path, a: &str, b: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let files = [
        ("zz_people.csv", "ID,NAME,ROLE,TEAM,MANAGER,START,END\n\
            SW1,Sam Okafor,social_worker,T1,TM1,01/01/2020,\n\
            TM1,Priya Shah,team_manager,T1,HOS1,,\n\
            HOS1,Alex Brown,head_of_service,,,,\n\
            IRO1,Jo Reid,iro,,,,\n".to_string()),
        ("zz_teams.csv", "ID,NAME,SERVICE,MANAGER\nT1,Children in Care 1,Children's social care,TM1\n".to_string()),
        ("allocations.csv", format!("CHILD,ROLE,WORKER,TEAM,START,END\n\
            {a},social_worker,SW1,T1,01/02/2025,\n{a},iro,IRO1,,01/02/2025,\n{b},social_worker,SW1,T1,01/03/2025,\n")),
        ("plans.csv", format!("CHILD,DECIDED,FORUM,PRIMARY,PARALLEL,CONTINGENCY,TARGET,ACHIEVED,ACHIEVED_BY\n\
            {a},01/10/2024,review,return_home,,,,,\n\
            {a},14/03/2025,permanence_planning_meeting,return_home,connected_carers;special_guardianship,long_term_fostering,14/09/2025,,\n")),
        ("meetings.csv", format!("CHILD,KIND,DATE,CHAIR,OUTCOME,NEXT\n{a},permanence_planning_meeting,14/03/2025,TM1,\"Parallel plan agreed, viability of aunt\",13/06/2025\n")),
        ("family_finding.csv", format!("CHILD,ROUTE,START,PROFILES,LINKS,EXPRESSIONS_OF_INTEREST,MATCHES,STATUS,END,END_REASON,FOSTERING_FOR_ADOPTION_CONSIDERED\n{a},long_term_fostering,01/05/2025,2,,1,,active,,,\n")),
        ("siblings.csv", format!("CHILD,SIBLINGS,DATE,CONCLUSION\n{a},{b};Baby Smith,20/04/2025,together\n")),
        ("life_story.csv", format!("CHILD,STARTED,SESSIONS,LAST_SESSION,BOOK_FIRST_STAGE,BOOK_COMPLETED,LATER_LIFE_LETTER\n{a},01/06/2025,4,20/08/2025,,,\n")),
        ("sessions.csv", format!("ID,DATE,SUPERVISOR,SUPERVISEE,CHILDREN\nS1,10/03/2025,TM1,SW1,{a};{b}\nS2,10/04/2025,TM1,SW1,\n")),
        ("decisions.csv", format!("ID,CHILD,SOURCE,SOURCE_REF,MADE,MADE_BY,DECISION,OWNER,DUE,COMPLETED\n\
            D1,{a},supervision,S1,10/03/2025,TM1,Refer maternal aunt for viability assessment,SW1,24/03/2025,\n\
            D2,{a},review,,10/01/2025,IRO1,Start life-story work,SW1,24/01/2025,20/01/2025\n\
            D3,,other,,10/04/2025,HOS1,Audit all plans in the team,TM1,10/06/2025,\n")),
        ("challenges.csv", format!("ID,CHILD,IRO,RAISED,CATEGORY,RESOLVED,CAFCASS_REFERRAL\nX1,{a},IRO1,02/04/2025,drift_and_delay,,\n")),
        ("steps.csv", "CHALLENGE,STAGE,STARTED,RESPONSE_DUE,RESPONDED,RESPONSE\nX1,informal,02/04/2025,09/04/2025,08/04/2025,Will refer\nX1,team_manager,09/04/2025,23/04/2025,,\n".to_string()),
        ("panels.csv", "ID,NAME,REMIT,CHAIR,QUESTIONS\nPERM,Permanence panel,Agrees permanence plans,HOS1,permanence_plan;long_term_fostering_match\n".to_string()),
        ("panel_decisions.csv", format!("CHILD,PANEL,DATE,QUESTION,DECISION,CONDITIONS\n{a},PERM,28/04/2025,permanence_plan,Endorsed,\n")),
        ("activities.csv", format!("CHILD,KIND,DATE,BY,SEEN_ALONE\n{a},visit,03/03/2025,SW1,Y\n{a},visit,03/04/2025,SW1,N\n{b},pep_review,03/04/2025,,\n")),
        ("pre_proceedings.csv", format!("ID,CHILD,LEGAL_GATEWAY_MEETING,LETTER_BEFORE_PROCEEDINGS,OUTCOME,ENDED\nPP1,{b},06/01/2025,13/01/2025,issued,10/02/2025\n")),
        ("pre_proceedings_meetings.csv", "PRE_PROCEEDINGS,KIND,DATE\nPP1,meeting,27/01/2025\n".to_string()),
        ("care_proceedings.csv", format!("ID,CHILD,ISSUED,CONCLUDED,ORDER\nCP1,{b},10/02/2025,,\n")),
        ("hearings.csv", "PROCEEDINGS,KIND,DATE,EXTENSION_WEEKS\nCP1,case_management,25/02/2025,\nCP1,extension,01/08/2025,8\n".to_string()),
        ("staying_put.csv", format!("CHILD,DECIDED,DECISION,START,END\n{b},12/01/2025,not_agreed,,\n")),
        ("names.csv", format!("CHILD,NAME,RESTRICTED_TO,RESTRICTION_REASON\n{a},Robin Example,SW1;TM1,Child of a member of staff\n{b},\"Sam Sample, junior\",,\n")),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn import_tracker(db: &Path, paths: &[&Path], extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", "tracker"];
    args.extend(paths.iter().map(|p| p.to_str().unwrap()));
    args.extend(extra);
    permanence(db, &args)
}

fn export(db: &Path, out: &Path) -> std::process::Output {
    permanence(db, &["export", "tracker", "--out", out.to_str().unwrap()])
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn tracker_records_import_show_in_the_child_and_round_trip_through_an_export() {
    let ws = Workspace::new();
    let (a, b) = borough(&ws);
    let tracker = ws.path("tracker");
    write_tracker_files(&tracker, &a, &b);
    let output = import_tracker(&ws.db(), &[&tracker], &[]);
    assert!(
        output.status.success(),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("Imported 35 record(s)"),
        "{}",
        stdout(&output)
    );

    // The child shows its records, and the view is audited.
    let output = permanence(&ws.db(), &["child", &a, "--as-of", "2026-03-31"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for expected in [
        "Permanence work (tracker records)",
        "social worker Sam Okafor (SW1) since 01/02/2025, team Children in Care 1",
        "Permanence plan (decided 14/03/2025 at permanence planning meeting): primary Return home; parallel Connected carers (kinship), Special guardianship; contingency Long-term fostering; target 14/09/2025 passed",
        "Plan history:",
        "D1 [OPEN, due 24/03/2025",
        "IRO challenge X1 raised 02/04/2025 by Jo Reid (IRO1): Drift and delay; at stage formal: team manager",
        "Panel Permanence panel (PERM) 28/04/2025",
        "14/03/2025    Permanence plan decided",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    // Open decisions come before completed ones.
    assert!(
        text.find("D1 [OPEN").unwrap() < text.find("D2 [done").unwrap(),
        "{text}"
    );
    let output = permanence(
        &ws.db(),
        &["child", &b, "--format", "json", "--as-of", "2026-03-31"],
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["tracker"]["allocated"][0]["name"], "Sam Okafor");
    assert_eq!(json["tracker"]["records"]["proceedings"][0][0]["id"], "CP1");
    assert_eq!(
        json["tracker"]["records"]["details"]["name"],
        "Sam Sample, junior"
    );
    assert_eq!(
        json["tracker"]["records"]["proceedings"][0][1][1]["extension_weeks"],
        8
    );
    let output = permanence(&ws.db(), &["child", &a, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["tracker"]["plan"]["primary"], "return_home");
    assert_eq!(json["tracker"]["open_decisions"][0]["id"], "D1");

    // The same files again change nothing, to the byte.
    let before = std::fs::read(ws.db()).unwrap();
    let output = import_tracker(&ws.db(), &[&tracker], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Nothing changed"),
        "{}",
        stdout(&output)
    );
    assert_eq!(std::fs::read(ws.db()).unwrap(), before);

    // The export imports back unchanged into the same database ...
    let exported = ws.path("export");
    let output = export(&ws.db(), &exported);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Wrote 35 tracker record(s)"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        files_of(&exported).len(),
        permanence_tracker::Kind::ALL.len(),
        "one file per template"
    );
    let before = std::fs::read(ws.db()).unwrap();
    let output = import_tracker(&ws.db(), &[&exported], &[]);
    assert!(
        stdout(&output).contains("Nothing changed"),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(std::fs::read(ws.db()).unwrap(), before);

    // ... and into a fresh database with the same 903 data, giving equal records.
    let fresh = ws.path("fresh.db");
    let output = permanence(&fresh, &["import", "903", ws.path("903").to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = import_tracker(&fresh, &[&exported], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let again = ws.path("export-again");
    assert!(export(&fresh, &again).status.success());
    assert_eq!(files_of(&again), files_of(&exported));
    let view = |db: &Path| {
        let output = permanence(
            db,
            &["child", &a, "--format", "json", "--as-of", "2026-03-31"],
        );
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        json["tracker"]["records"].clone()
    };
    assert_eq!(view(&fresh), view(&ws.db()));
}

#[test]
fn a_correction_supersedes_the_record_and_keeps_the_old_one_with_its_reason() {
    let ws = Workspace::new();
    let (a, b) = borough(&ws);
    let tracker = ws.path("tracker");
    write_tracker_files(&tracker, &a, &b);
    assert!(import_tracker(&ws.db(), &[&tracker], &[]).status.success());
    let challenges = tracker.join("challenges.csv");
    let text = std::fs::read_to_string(&challenges).unwrap();
    std::fs::write(
        &challenges,
        text.replace("drift_and_delay,,", "drift_and_delay,30/04/2025,"),
    )
    .unwrap();
    let output = import_tracker(
        &ws.db(),
        &[&tracker],
        &["--reason", "resolved at the team manager stage"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("0 new, 1 correction(s)"),
        "{}",
        stdout(&output)
    );
    let output = permanence(&ws.db(), &["child", &a, "--as-of", "2026-03-31"]);
    let text = stdout(&output);
    assert!(text.contains("IRO challenge X1 raised 02/04/2025 by Jo Reid (IRO1): Drift and delay; resolved 30/04/2025"), "{text}");
    assert!(
        text.contains("iro_challenges ID X1: RESOLVED '' → '30/04/2025'"),
        "{text}"
    );
    assert!(
        text.contains("resolved at the team manager stage"),
        "{text}"
    );
    let output = permanence(&ws.db(), &["child", &a, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let corrections = json["tracker"]["corrections"].as_array().unwrap();
    assert_eq!(corrections.len(), 1);
    assert_eq!(corrections[0]["before"]["RESOLVED"], "");
    assert_eq!(corrections[0]["after"]["RESOLVED"], "30/04/2025");
}

#[test]
fn a_refused_tracker_import_reports_every_problem_and_leaves_the_database_byte_for_byte_unchanged()
{
    let ws = Workspace::new();
    let (a, b) = borough(&ws);
    let tracker = ws.path("tracker");
    write_tracker_files(&tracker, &a, &b);
    assert!(import_tracker(&ws.db(), &[&tracker], &[]).status.success());
    let before = std::fs::read(ws.db()).unwrap();

    // Good new rows beside bad ones: nothing of it is imported.
    let bad = ws.path("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("plans.csv"),
        format!(
            "CHILD,DECIDED,FORUM,PRIMARY,PARALLEL,CONTINGENCY,TARGET,ACHIEVED,ACHIEVED_BY\n\
             {b},01/01/2025,review,adoption,,,,,\n\
             {b},02/01/2025,review,adopton,,,,,\n\
             NOBODY1,01/01/2025,review,adoption,,,,,\n"
        ),
    )
    .unwrap();
    std::fs::write(
        bad.join("meetings.csv"),
        format!(
            "CHILD,KIND,DATE,CHAIR,OUTCOME,NEXT\n{b},permanence_planning_meeting,01/01/2099,,,\n"
        ),
    )
    .unwrap();
    std::fs::write(
        bad.join("decisions.csv"),
        format!("ID,CHILD,SOURCE,SOURCE_REF,MADE,MADE_BY,DECISION,OWNER,DUE,COMPLETED\nD9,{b},review,,10/03/2025,TM1,Do it,,,\n"),
    )
    .unwrap();
    std::fs::write(
        bad.join("allocations.csv"),
        format!(
            "CHILD,ROLE,WORKER,TEAM,START,END\n{b},iro,IRO1,,01/02/2025,01/01/2025\n\
             {b},personal_adviser,GHOST,,01/02/2025,\n"
        ),
    )
    .unwrap();
    std::fs::write(bad.join("empty.csv"), "").unwrap();
    let output = import_tracker(&ws.db(), &[&bad], &[]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("nothing was imported"), "{message}");
    for expected in [
        "plans.csv, line 3, column PRIMARY: 'adopton' is not a permanence option code; expected one of: return_home,",
        "plans.csv, line 4, column CHILD: child 'NOBODY1' is not in the 903 data",
        "meetings.csv, line 2, column DATE: 01/01/2099 is in the future",
        "decisions.csv, line 2, column OWNER: is blank but a value is required",
        "allocations.csv, line 2, column END: 01/01/2025 is before START (01/02/2025)",
        "allocations.csv, line 3, column WORKER: person 'GHOST' is not in people.csv",
        "empty.csv: the file is empty",
    ] {
        assert!(
            message.contains(expected),
            "missing {expected:?} in\n{message}"
        );
    }
    assert_eq!(std::fs::read(ws.db()).unwrap(), before);

    // A dry run of good files writes nothing either.
    let more = ws.path("more");
    std::fs::create_dir_all(&more).unwrap();
    std::fs::write(
        more.join("activities.csv"),
        format!("CHILD,KIND,DATE,BY,SEEN_ALONE\n{b},visit,01/06/2025,SW1,Y\n"),
    )
    .unwrap();
    let output = import_tracker(&ws.db(), &[&more], &["--dry-run"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Dry run: every file is valid (1 new record(s)"),
        "{}",
        stdout(&output)
    );
    assert_eq!(std::fs::read(ws.db()).unwrap(), before);
}

#[test]
fn a_refused_tracker_import_into_no_database_creates_none() {
    let ws = Workspace::new();
    let tracker = ws.path("tracker");
    write_tracker_files(&tracker, "C1", "C2");
    let output = import_tracker(&ws.db(), &[&tracker], &[]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("import the 903 return first"),
        "{}",
        stderr(&output)
    );
    assert!(!ws.db().exists());
    let output = import_tracker(
        &ws.db(),
        &[
            &tracker.join("zz_people.csv"),
            &tracker.join("zz_teams.csv"),
        ],
        &["--dry-run"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!ws.db().exists());
}

#[test]
fn the_903_import_of_a_folder_leaves_out_its_tracker_folder() {
    let ws = Workspace::new();
    let returns = ws.synth(40, "2025-2026");
    write_tracker_files(&returns.join("tracker"), "C1", "C2");
    let output = ws.import(&returns);
    assert!(
        output.status.success(),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("Left out"), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("permanence import tracker"),
        "{}",
        stdout(&output)
    );
}
