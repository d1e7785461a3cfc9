//! A process killed while it writes leaves the database as it was before or as it is
//! after, never between: the import and the evaluation are each one transaction, which
//! SQLite rolls back from its journal when the database is next opened.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use permanence_store::{Alerts, SqliteStore, Store};

use super::{Workspace, permanence, stderr};

/// Starts the command and kills it (SIGKILL: no chance to tidy up) as soon as it is in
/// the middle of writing, seen by the database's rollback journal appearing. Gives
/// whether it was killed so; false when it finished first.
fn kill_while_writing(db: &Path, args: &[&str]) -> bool {
    let journal = db.with_extension("db-journal");
    let mut child = Command::new(env!("CARGO_BIN_EXE_permanence"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("PERMANENCE_DB")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if journal.exists() {
            child.kill().unwrap();
            child.wait().unwrap();
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    panic!("the command took longer than two minutes");
}

/// A copy of the database as a crash left it (with its journal), to look at without
/// touching the original.
fn snapshot(ws: &Workspace, db: &Path, name: &str) -> std::path::PathBuf {
    let copy = ws.path(&format!("{name}.db"));
    std::fs::copy(db, &copy).unwrap();
    let journal = db.with_extension("db-journal");
    if journal.exists() {
        std::fs::copy(&journal, copy.with_extension("db-journal")).unwrap();
    }
    copy
}

/// What the database holds, for comparing states: the returns, the tracker records, the
/// runs, the alerts and their trails.
fn state(db: &Path) -> String {
    let store = SqliteStore::open_existing(db).unwrap().unwrap();
    let alerts = store.open_alerts().unwrap();
    let trail: usize = alerts
        .iter()
        .map(|a| store.alert_events(a.id).unwrap().len())
        .sum();
    format!(
        "{} returns, {} tracker records, {} runs, {} open alerts, {trail} events, {:?}",
        store.current_returns().unwrap().len(),
        store.current_tracker_records().unwrap().len(),
        store.evaluation_runs(usize::MAX >> 1).unwrap().len(),
        alerts.len(),
        store.current_returns().unwrap()
    )
}

#[test]
fn a_process_killed_mid_import_or_mid_evaluation_leaves_the_database_before_or_after() {
    let ws = Workspace::new();
    let returns = ws.synth(1500, "2021-2026");
    let db = ws.db();

    // Killed mid-import: as it was (here: holding nothing), and the import then runs.
    let output = permanence(&db, &["migrate"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let empty = state(&db);
    assert!(
        kill_while_writing(&db, &["import", "903", returns.to_str().unwrap()]),
        "the import finished before it could be killed while writing"
    );
    assert_eq!(state(&snapshot(&ws, &db, "killed-import")), empty);
    // The next import, straight after the crash, finds the database as it was.
    let output = ws.import(&returns);
    assert!(output.status.success(), "{}", stderr(&output));
    let imported = state(&db);
    assert_ne!(imported, empty);

    // Killed mid-import of the tracker's records: the same.
    let tracker = returns.join("tracker");
    let tracker = tracker.to_str().unwrap();
    assert!(kill_while_writing(&db, &["import", "tracker", tracker]));
    assert_eq!(state(&snapshot(&ws, &db, "killed-tracker")), imported);
    let output = permanence(&db, &["import", "tracker", tracker]);
    assert!(output.status.success(), "{}", stderr(&output));
    let before = state(&db);

    // Killed mid-evaluation, on copies of the same database: each copy is left as it
    // was, or as a whole evaluation leaves it.
    let after = {
        let copy = ws.path("complete.db");
        std::fs::copy(&db, &copy).unwrap();
        let output = permanence(&copy, &["evaluate"]);
        assert!(output.status.success(), "{}", stderr(&output));
        state(&copy)
    };
    assert_ne!(after, before);
    let mut caught = 0;
    for attempt in 0..5 {
        let copy = ws.path(&format!("attempt-{attempt}.db"));
        std::fs::copy(&db, &copy).unwrap();
        if kill_while_writing(&copy, &["evaluate"]) {
            caught += 1;
        }
        // Looked at as the server, the next user of the database, opens it.
        let left = state(&copy);
        assert!(left == before || left == after, "attempt {attempt}: {left}");
    }
    assert!(caught > 0, "no evaluation was caught while writing");
}
