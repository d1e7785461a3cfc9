//! `permanence demo` (built without serving) and `permanence evaluate`: the demo gives
//! one account per role linked to the synthetic staff, and evaluating records alerts
//! that a second evaluation on the same records leaves alone.

use super::{Workspace, permanence, stderr, stdout};

#[test]
fn the_demo_prints_a_login_per_role_and_evaluating_twice_changes_nothing() {
    let work = Workspace::new();
    let dir = work.path("demo");
    let demo = permanence(
        &work.db(),
        &[
            "demo",
            "--children",
            "150",
            "--dir",
            dir.to_str().unwrap(),
            "--no-serve",
        ],
    );
    assert!(demo.status.success(), "{}", stderr(&demo));
    let printed = stdout(&demo);
    assert!(printed.contains("Demo accounts"), "{printed}");
    let db = dir.join("permanence.db");
    let accounts = stdout(&permanence(&db, &["users", "list"]));
    // Listed by username, which is the role's code.
    let roles: Vec<&str> = accounts
        .lines()
        .map(|line| line.split('\t').nth(2).unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            "administrator",
            "fostering_adoption_worker",
            "head_of_service",
            "iro",
            "iro_manager",
            "performance_analyst",
            "service_manager",
            "social_worker",
            "team_manager",
        ]
    );
    for line in accounts.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        // Every account's username and password are printed; practice roles have staff.
        assert!(printed.contains(fields[0]), "{line}");
        if fields[2] != "administrator" {
            assert_ne!(fields[3], "-", "{line}");
        }
    }

    let first = permanence(&db, &["evaluate"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let first = stdout(&first);
    assert!(first.starts_with("Evaluated 150 children on "), "{first}");
    assert!(!first.contains("Alerts: 0 opened"), "{first}");
    let second = stdout(&permanence(&db, &["evaluate"]));
    assert!(
        second.contains(
            "Alerts: 0 opened, 0 changed (escalated, acknowledged or now overdue), 0 closed;"
        ),
        "{second}"
    );
}

#[test]
fn evaluating_with_no_database_says_what_to_do() {
    let work = Workspace::new();
    let output = permanence(&work.db(), &["evaluate"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("import the 903 return first"));
}
