//! Persistence for Permanence behind a narrow interface ([`Store`]), so that the domain
//! never sees SQL and a PostgreSQL backend can sit beside the embedded SQLite one.
//!
//! What is stored for the 903 return is the return itself, normalised: one row per data
//! row, grouped by collection year and table. Journeys are derived from it by the pure
//! merge in `permanence_ssda903::merge`, so the data as received is never lost.

mod sqlite;

use permanence_domain::CollectionYear;
use permanence_ssda903::{RawReturn, RawTable};

pub use sqlite::SqliteStore;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened, read or written.
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    /// The database was written by a newer version of Permanence.
    #[error(
        "the database is at schema version {found}, newer than this program knows ({known}); upgrade Permanence"
    )]
    TooNew {
        /// The database's version.
        found: i64,
        /// The newest this program knows.
        known: i64,
    },
    /// Stored data that this program cannot read back.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
}

/// One import to record: the tables it replaces or adds, with who and where from.
#[derive(Debug, Clone)]
pub struct NewImport<'a> {
    /// What was imported, e.g. `903`.
    pub kind: &'a str,
    /// Who ran it.
    pub imported_by: &'a str,
    /// The paths given.
    pub source: &'a str,
    /// A readable summary of the import.
    pub summary: &'a str,
    /// The tables to store, each superseding the current table of its year and kind.
    pub tables: Vec<(CollectionYear, &'a RawTable)>,
}

/// An entry for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When, as an RFC 3339 timestamp.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What, e.g. `view_child`, `import_903`.
    pub action: String,
    /// The child concerned, if one.
    pub child: Option<String>,
    /// Details.
    pub detail: String,
}

/// The narrow interface every backend implements.
pub trait Store {
    /// The current (not superseded) tables of every collection year.
    fn current_returns(&self) -> Result<Vec<RawReturn>, StoreError>;
    /// The current tables of every year, holding only one child's rows.
    fn child_returns(&self, child: &str) -> Result<Vec<RawReturn>, StoreError>;
    /// Records an import atomically: all of its tables, or nothing.
    fn save_import(&mut self, import: &NewImport<'_>) -> Result<i64, StoreError>;
    /// Appends to the audit log.
    fn audit(
        &mut self,
        actor: &str,
        action: &str,
        child: Option<&str>,
        detail: &str,
    ) -> Result<(), StoreError>;
    /// The audit log, newest first, optionally for one child.
    fn audit_log(&self, child: Option<&str>) -> Result<Vec<AuditEntry>, StoreError>;
}
