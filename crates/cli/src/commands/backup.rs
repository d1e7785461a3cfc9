//! `permanence backup --out FILE`: a consistent copy of the database taken while the
//! server runs.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use permanence_store::Location;

pub(crate) fn run(db: &Location, out_file: &Path, out: &mut dyn Write) -> anyhow::Result<()> {
    anyhow::ensure!(
        !out_file.exists(),
        "{} already exists: give a new file for the backup (a backup never overwrites)",
        out_file.display()
    );
    let store = db
        .open_read_only()
        .with_context(|| format!("cannot open the database {}", db))?
        .with_context(|| format!("there is no database at {}", db))?;
    store
        .backup_to(out_file)
        .with_context(|| format!("cannot back up {} to {}", db, out_file.display()))?;
    let bytes = std::fs::metadata(out_file)?.len();
    writeln!(
        out,
        "Backed up {} to {} ({:.1} MB), a consistent snapshot that passes SQLite's integrity check.",
        db,
        out_file.display(),
        bytes as f64 / 1_000_000.0
    )?;
    writeln!(
        out,
        "To restore: stop the server, move the database file and any -wal and -shm files beside it away, copy the backup in its place, start the server."
    )?;
    Ok(())
}
