//! `permanence backup`: a copy that restores to the same borough, and refusals.

use super::{Workspace, permanence, stderr, stdout};

#[test]
fn a_backup_restores_to_the_same_borough() {
    let ws = Workspace::new();
    let returns = ws.synth(60, "2025-2026");
    assert!(ws.import(&returns).status.success());
    let backup = ws.path("backup.db");
    let output = permanence(&ws.db(), &["backup", "--out", backup.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("integrity check"),
        "{}",
        stdout(&output)
    );
    // Restore: the copy in place of a database, and the borough reads the same.
    let restored = ws.path("restored.db");
    std::fs::copy(&backup, &restored).unwrap();
    let list = |db: &std::path::Path| {
        let output = permanence(
            db,
            &["children", "--as-of", "2026-03-31", "--format", "json"],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    assert_eq!(list(&ws.db()), list(&restored));
    // A backup never overwrites, and there must be a database.
    let output = permanence(&ws.db(), &["backup", "--out", backup.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("already exists"),
        "{}",
        stderr(&output)
    );
    let output = permanence(
        &ws.path("missing.db"),
        &["backup", "--out", ws.path("other.db").to_str().unwrap()],
    );
    assert!(
        stderr(&output).contains("there is no database"),
        "{}",
        stderr(&output)
    );
}
