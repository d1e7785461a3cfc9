//! The `permanence` binary end to end, as a user runs it: import, list, show, and the
//! guarantee that a refused import leaves the database exactly as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

// Submodules live in tests/cli/, which Cargo does not build as test binaries of their own.
#[path = "cli/backup.rs"]
mod backup;
#[path = "cli/demo.rs"]
mod demo;
#[path = "cli/exports.rs"]
mod exports;
#[path = "cli/forecast.rs"]
mod forecast;
#[path = "cli/report.rs"]
mod report;
#[path = "cli/resilience.rs"]
mod resilience;
#[path = "cli/tracker.rs"]
mod tracker;
#[path = "cli/users.rs"]
mod users;

fn permanence(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_permanence"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("PERMANENCE_DB")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        Workspace {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("test.db")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn synth(&self, children: usize, years: &str) -> PathBuf {
        let out = self.path("903");
        let output = permanence(
            &self.db(),
            &[
                "synth",
                "--children",
                &children.to_string(),
                "--seed",
                "7",
                "--years",
                years,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        out
    }

    fn import(&self, path: &Path) -> Output {
        permanence(&self.db(), &["import", "903", path.to_str().unwrap()])
    }
}

#[test]
fn a_synthetic_borough_imports_with_no_errors_and_lists_its_children() {
    let ws = Workspace::new();
    let returns = ws.synth(300, "2021-2026");
    let output = ws.import(&returns);
    assert!(
        output.status.success(),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(stdout(&output).contains("Imported"), "{}", stdout(&output));

    let output = permanence(
        &ws.db(),
        &["children", "--as-of", "2026-03-31", "--format", "json"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let children: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let children = children.as_array().unwrap();
    assert!(!children.is_empty());
    for key in [
        "child",
        "looked_after",
        "age",
        "legal_status",
        "placement_type",
        "placement_provider",
        "days_in_care",
        "placements_last_12_months",
    ] {
        assert!(
            children[0].get(key).is_some(),
            "missing {key} in {}",
            children[0]
        );
    }
    let looked_after = children
        .iter()
        .filter(|c| c["looked_after"] == true)
        .count();
    assert!(looked_after > 0);

    // One child's chronology, and the view is audited.
    let id = children.iter().find(|c| c["looked_after"] == true).unwrap()["child"]
        .as_str()
        .unwrap()
        .to_string();
    let output = permanence(&ws.db(), &["child", &id, "--as-of", "2026-03-31"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains(&format!("Child {id}")), "{text}");
    assert!(text.contains("== Period of care 1"), "{text}");
    let output = permanence(&ws.db(), &["child", &id, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["child"], id.as_str());
    assert!(json["placements"].as_array().is_some_and(|p| !p.is_empty()));
}

#[test]
fn importing_the_same_files_again_changes_nothing() {
    let ws = Workspace::new();
    let returns = ws.synth(100, "2024-2026");
    assert!(ws.import(&returns).status.success());
    let before = std::fs::read(ws.db()).unwrap();
    let output = ws.import(&returns);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Nothing changed"),
        "{}",
        stdout(&output)
    );
    assert_eq!(std::fs::read(ws.db()).unwrap(), before);
}

#[test]
fn a_refused_import_leaves_the_database_byte_for_byte_unchanged() {
    let ws = Workspace::new();
    let returns = ws.synth(100, "2024-2026");
    assert!(ws.import(&returns).status.success());
    let before = std::fs::read(ws.db()).unwrap();

    // A later return with one bad code among good rows.
    let bad = ws.path("bad/2026_27");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("header.csv"),
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nZ1,M,01/01/2015,WBRI,,,\n",
    )
    .unwrap();
    std::fs::write(
        bad.join("episodes.csv"),
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
         Z1,01/06/2026,S,C2,N1,Q9,PR1,,,,RM9 4AB,RM10 7XY,1234567\n",
    )
    .unwrap();
    let output = ws.import(&bad);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("nothing was imported"), "{message}");
    assert!(
        message.contains("episodes.csv, line 2, column PLACE: 'Q9' is not a PLACE code"),
        "{message}"
    );
    assert_eq!(std::fs::read(ws.db()).unwrap(), before);
}

#[test]
fn a_refused_import_into_no_database_creates_none() {
    let ws = Workspace::new();
    std::fs::create_dir_all(ws.path("x/2025_26")).unwrap();
    std::fs::write(ws.path("x/2025_26/header.csv"), "").unwrap();
    let output = ws.import(&ws.path("x"));
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("the file is empty"),
        "{}",
        stderr(&output)
    );
    assert!(!ws.db().exists());
}

#[test]
fn a_dry_run_writes_nothing() {
    let ws = Workspace::new();
    let returns = ws.synth(50, "2025-2026");
    let output = permanence(
        &ws.db(),
        &["import", "903", returns.to_str().unwrap(), "--dry-run"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("Dry run"), "{}", stdout(&output));
    assert!(!ws.db().exists());
}

#[test]
fn commands_on_a_missing_database_say_what_to_do() {
    let ws = Workspace::new();
    let output = permanence(&ws.db(), &["children"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("import the 903 return first"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_unknown_child_is_a_clear_error() {
    let ws = Workspace::new();
    let returns = ws.synth(50, "2025-2026");
    assert!(ws.import(&returns).status.success());
    let output = permanence(&ws.db(), &["child", "NOBODY"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("no child with id 'NOBODY'"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_same_seed_writes_byte_identical_files() {
    let ws = Workspace::new();
    let write = |out: &str| {
        let out = ws.path(out);
        let output = permanence(
            &ws.db(),
            &[
                "synth",
                "--children",
                "200",
                "--seed",
                "11",
                "--years",
                "2024-2026",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        out
    };
    let (a, b) = (write("a"), write("b"));
    for year in ["2023_24", "2024_25", "2025_26"] {
        for entry in std::fs::read_dir(a.join(year)).unwrap() {
            let name = entry.unwrap().file_name();
            let left = std::fs::read(a.join(year).join(&name)).unwrap();
            let right = std::fs::read(b.join(year).join(&name)).unwrap();
            assert!(
                left == right,
                "{year}/{name:?} differs between runs with the same seed"
            );
        }
    }
}

#[test]
fn a_killed_import_leaves_the_database_as_it_was_or_as_it_would_be() {
    let ws = Workspace::new();
    let big = ws.path("big");
    let output = permanence(
        &ws.db(),
        &[
            "synth",
            "--children",
            "20000",
            "--seed",
            "7",
            "--years",
            "2021-2026",
            "--out",
            big.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let mut years: Vec<PathBuf> = std::fs::read_dir(&big)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    years.sort();
    assert!(ws.import(&years[0]).status.success());
    let listing = || {
        permanence(
            &ws.db(),
            &["children", "--format", "csv", "--as-of", "2026-03-31"],
        )
    };
    let before = listing();
    assert!(before.status.success());
    for delay_ms in [100, 400, 900, 1500] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_permanence"))
            .arg("--db")
            .arg(ws.db())
            .args(["import", "903", big.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let after = listing();
        assert!(
            after.status.success(),
            "the database must still open: {}",
            stderr(&after)
        );
        if after.stdout != before.stdout {
            // The import finished before the kill: then it must be complete.
            let again = ws.import(&big);
            assert!(
                stdout(&again).contains("Nothing changed"),
                "a partial import was left behind"
            );
            return;
        }
    }
}

#[test]
fn alerts_list_findings_with_their_evidence() {
    let ws = Workspace::new();
    let returns = ws.synth(400, "2022-2026");
    assert!(ws.import(&returns).status.success());
    let output = permanence(
        &ws.db(),
        &["alerts", "--as-of", "2026-03-31", "--format", "json"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = findings.as_array().unwrap();
    assert!(
        !findings.is_empty(),
        "a borough of 400 children has some drift"
    );
    for key in [
        "rule",
        "child",
        "status",
        "due",
        "days_overdue",
        "owner_role",
        "title",
        "evidence",
    ] {
        assert!(
            findings[0].get(key).is_some(),
            "missing {key} in {}",
            findings[0]
        );
    }
    // Most overdue first.
    let overdue: Vec<i64> = findings
        .iter()
        .map(|f| f["days_overdue"].as_i64().unwrap())
        .collect();
    assert!(overdue.windows(2).all(|w| w[0] >= w[1]), "{overdue:?}");

    // One rule, one child.
    let rule = findings[0]["rule"].as_str().unwrap();
    let child = findings[0]["child"].as_str().unwrap();
    let output = permanence(
        &ws.db(),
        &[
            "alerts",
            "--as-of",
            "2026-03-31",
            "--rule",
            rule,
            "--child",
            child,
            "--format",
            "csv",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with(
            "rule,child,status,due,days_overdue,owner_role,owner,owner_name,escalated_to,escalated_to_person,escalated_to_name,title,evidence\n"
        ),
        "{text}"
    );
    assert!(
        text.lines()
            .skip(1)
            .all(|l| l.starts_with(&format!("{rule},{child},"))),
        "{text}"
    );

    let output = permanence(&ws.db(), &["alerts", "--rule", "NOPE-1"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("'NOPE-1' is not a rule id; expected one of: REV-01"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_policy_file_is_written_read_and_checked() {
    let ws = Workspace::new();
    let file = ws.path("permanence.toml");
    let output = permanence(
        &ws.db(),
        &["policy", "init", "--out", file.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let output = permanence(
        &ws.db(),
        &["--policy", file.to_str().unwrap(), "policy", "show"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("PERM-04"), "{}", stdout(&output));
    // It refuses to overwrite.
    let output = permanence(
        &ws.db(),
        &["policy", "init", "--out", file.to_str().unwrap()],
    );
    assert!(!output.status.success());

    std::fs::write(&file, "[rules.PERM-04]\nunder_age = -3\nmystery = 1\n").unwrap();
    let output = permanence(
        &ws.db(),
        &["--policy", file.to_str().unwrap(), "policy", "show"],
    );
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("the policy file is not valid"),
        "{message}"
    );
    assert!(message.contains("rules.PERM-04"), "{message}");
}
