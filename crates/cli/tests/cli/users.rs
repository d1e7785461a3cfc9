//! `permanence users`: accounts made, listed, disabled and given new passwords, with the
//! password read from standard input and never printed.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use super::{permanence, stderr, stdout};

fn with_stdin(db: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_permanence"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("PERMANENCE_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command refused before it reads the password closes its input early: the
    // refusal is what the test checks, so a broken pipe here is not a failure.
    let written = child.stdin.take().unwrap().write_all(input.as_bytes());
    if let Err(error) = written {
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
    }
    child.wait_with_output().unwrap()
}

#[test]
fn accounts_are_added_listed_disabled_and_reset_without_showing_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("permanence.db");
    let secret = "a very secret password";
    let add = [
        "users",
        "add",
        "jward",
        "--name",
        "Joy Ward",
        "--role",
        "team_manager",
        "--staff-id",
        "S0001",
        "--password-stdin",
    ];
    let added = with_stdin(&db, &add, &format!("{secret}\n"));
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(!stdout(&added).contains(secret) && !stderr(&added).contains(secret));

    // The same username again, a short password and an unknown role are refused.
    assert!(
        !with_stdin(&db, &add, &format!("{secret}\n"))
            .status
            .success()
    );
    let short = with_stdin(
        &db,
        &[
            "users",
            "add",
            "x",
            "--name",
            "X",
            "--role",
            "iro",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(stderr(&short).contains("12 characters"));
    let role = with_stdin(
        &db,
        &[
            "users",
            "add",
            "y",
            "--name",
            "Y",
            "--role",
            "root",
            "--password-stdin",
        ],
        &format!("{secret}\n"),
    );
    assert!(stderr(&role).contains("is not a role"));

    let list = stdout(&permanence(&db, &["users", "list"]));
    assert_eq!(list, "jward\tJoy Ward\tteam_manager\tS0001\tactive\n");
    assert!(!list.contains("argon2"));

    let reset = with_stdin(
        &db,
        &["users", "reset-password", "jward", "--password-stdin"],
        "another long password\n",
    );
    assert!(reset.status.success(), "{}", stderr(&reset));
    assert!(
        permanence(&db, &["users", "disable", "jward"])
            .status
            .success()
    );
    assert!(stdout(&permanence(&db, &["users", "list"])).contains("disabled"));
    assert!(
        !permanence(&db, &["users", "disable", "nobody"])
            .status
            .success()
    );
}
