//! `permanence migrate`: brings the database's schema up to date.

use std::io::Write;

use anyhow::Context;
use permanence_store::Location;

pub(crate) fn run(db: &Location, out: &mut dyn Write) -> anyhow::Result<()> {
    let (before, after) = db
        .migrate()
        .with_context(|| format!("cannot migrate the database {db}"))?;
    if before == after {
        writeln!(
            out,
            "The database {db} is up to date (schema version {after}); nothing to do."
        )?;
    } else {
        writeln!(
            out,
            "Migrated the database {db} from schema version {before} to {after}."
        )?;
    }
    Ok(())
}
