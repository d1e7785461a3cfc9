//! Persistence for Permanence behind a narrow interface ([`Store`]), so that the domain
//! never sees SQL and a PostgreSQL backend can sit beside the embedded SQLite one.
//!
//! What is stored for the 903 return is the return itself, normalised: one row per data
//! row, grouped by collection year and table. Journeys are derived from it by the pure
//! merge in `permanence_ssda903::merge`, so the data as received is never lost.
//!
//! The tracker's own records are stored the same way: one row per version of a record,
//! holding the record's canonical values as read from its template
//! ([`permanence_tracker::RawRecord`]); a correction supersedes the current version and
//! both are kept. [`load_tracker`] and [`load_child_tracker`] turn the current versions
//! into the domain's records by the same code an import uses.

mod accounts;
mod alerts;
mod database;
mod pg;
mod sqlite;
#[cfg(test)]
mod suite;

use std::collections::{BTreeMap, BTreeSet};

use permanence_domain::tracker::{ChildTracker, Organisation};
use permanence_domain::{CollectionYear, Journey};
use permanence_ssda903::{RawReturn, RawTable};
use permanence_tracker::{Kind, RawRecord, Tracker, build_tracker};

pub use accounts::{Accounts, NewUser, Session, User};
pub use alerts::{
    Alert, AlertActivity, AlertEvent, Alerts, EvaluationPlan, EvaluationRun, NewRun,
    plan_evaluation,
};
pub use database::{Backend, Database, Location};
pub use pg::PostgresStore;
pub use sqlite::SqliteStore;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The SQLite database could not be opened, read or written.
    #[error("database error: {0}")]
    Database(rusqlite::Error),
    /// The PostgreSQL database refused a statement (or the sign-in).
    #[error("database error: {}", pg::describe(.0))]
    Postgres(postgres::Error),
    /// The database cannot be reached or is busy for now (the server is down or
    /// restarting, the network failed, or another process holds the SQLite file's
    /// lock for longer than the wait): trying again later may succeed.
    #[error("the database is not available: {0}")]
    Unavailable(String),
    /// A PostgreSQL database whose schema is older than this program's: it must be
    /// migrated (`permanence migrate`) before the program can read it.
    #[error(
        "the database is at schema version {found}, older than this program's ({known}): run `permanence migrate`"
    )]
    TooOld {
        /// The database's version.
        found: i64,
        /// The newest this program knows.
        known: i64,
    },
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
    /// The backend cannot do what was asked (and says what to do instead).
    #[error("{0}")]
    Unsupported(String),
    /// What was to be created exists already.
    #[error("{0}")]
    Exists(String),
    /// Stored data that this program cannot read back.
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// A record was changed by someone else since the editor read it: its current
    /// version is not the one the edit was based on (nothing was written).
    #[error(
        "the record has changed since it was read: its current version is {current:?}, not {base:?}"
    )]
    Conflict {
        /// The version the edit was based on (`None`: the record was not to exist).
        base: Option<i64>,
        /// The record's current version (`None`: it does not exist).
        current: Option<i64>,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> StoreError {
        match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Unavailable(error.to_string())
            }
            _ => StoreError::Database(error),
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(error: postgres::Error) -> StoreError {
        if pg::connection_lost(&error) {
            StoreError::Unavailable(pg::describe(&error))
        } else {
            StoreError::Postgres(error)
        }
    }
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

/// A tracker import to record: the new and corrected records, with who and where from.
#[derive(Debug, Clone)]
pub struct NewTrackerImport<'a> {
    /// Who ran it.
    pub recorded_by: &'a str,
    /// The paths given.
    pub source: &'a str,
    /// A readable summary of the import.
    pub summary: &'a str,
    /// The records to store, each with why it was recorded. A record whose kind and key
    /// are stored supersedes the current version; one identical to the current version
    /// is passed over.
    pub records: Vec<(&'a RawRecord, &'a str)>,
}

/// One stored version of a tracker record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerVersion {
    /// The version's id (versions of one record are in id order).
    pub id: i64,
    /// The record's values; its `file` and `line` are where this version was read from.
    pub record: RawRecord,
    /// When it was recorded, as an RFC 3339 timestamp.
    pub recorded_at: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// Why.
    pub reason: String,
    /// The version that superseded it, if any (`None` for the current version).
    pub superseded_by: Option<i64>,
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

/// Which audit log entries to select: every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Entries about this child only.
    pub child: Option<String>,
    /// Entries by this actor only (the username, in any case).
    pub actor: Option<String>,
    /// Entries on or after this day (UTC).
    pub from: Option<permanence_domain::Date>,
    /// Entries on or before this day (UTC).
    pub to: Option<permanence_domain::Date>,
}

impl AuditFilter {
    /// The days as bounds on the entries' times: at or after the first, before the one
    /// after the last. Times are RFC 3339 in UTC, so they compare as text with these.
    fn bounds(&self) -> Result<(Option<String>, Option<String>), StoreError> {
        let before = self
            .to
            .map(|to| to.tomorrow())
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("date out of range: {e}")))?;
        Ok((
            self.from.map(|d| d.to_string()),
            before.map(|d| d.to_string()),
        ))
    }
}

/// One page of the audit log and how many entries the filter selects in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditPage {
    /// The entries, newest first.
    pub entries: Vec<AuditEntry>,
    /// How many entries the filter selects, on every page.
    pub total: usize,
}

/// How far the records the borough is built from have got: the newest import and the
/// newest version of a tracker record. Each grows with every import and every record
/// added or corrected, by any process; a server compares the version with the one its
/// borough was loaded at to see changes made elsewhere.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DataVersion {
    /// The id of the newest import (903 return, tracker, Annex A), 0 before any.
    pub import: i64,
    /// The id of the newest tracker record version, 0 before any.
    pub tracker: i64,
}

/// The narrow interface every backend implements.
pub trait Store {
    /// How far the stored records have got (see [`DataVersion`]).
    fn data_version(&self) -> Result<DataVersion, StoreError>;
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
    /// The audit log entries the filter selects, newest first: `limit` of them after
    /// skipping `offset` (every one from `offset` when `limit` is None), with the total.
    fn audit_search(
        &self,
        filter: &AuditFilter,
        offset: usize,
        limit: Option<usize>,
    ) -> Result<AuditPage, StoreError>;
    /// The ids of the children in the current 903 returns (their Header tables).
    fn known_children(&self) -> Result<BTreeSet<String>, StoreError>;
    /// The current version of every tracker record, by kind and then in the order stored.
    fn current_tracker_records(&self) -> Result<Vec<RawRecord>, StoreError>;
    /// The current version of every tracker record naming this child in its CHILD
    /// column, and of every record with no child (staff, teams, panels, sessions,
    /// challenge stages, pre-proceedings meetings, hearings, decisions about no child).
    fn child_tracker_records(&self, child: &str) -> Result<Vec<RawRecord>, StoreError>;
    /// Every version, current and superseded, of the tracker records naming this child
    /// in their CHILD column, by kind, key and age.
    fn tracker_versions(&self, child: &str) -> Result<Vec<TrackerVersion>, StoreError>;
    /// Records a tracker import atomically: every record, or nothing. Each new version
    /// supersedes the current version of its kind and key, which is kept. The audit log
    /// records the import for every child whose records it changes.
    fn save_tracker_import(&mut self, import: &NewTrackerImport<'_>) -> Result<i64, StoreError>;
    /// Every version, current and superseded, of one tracker record (kind and key, as
    /// [`RawRecord::key`] gives it), oldest first; empty when there is no such record.
    fn tracker_record_versions(
        &self,
        kind: Kind,
        key: &str,
    ) -> Result<Vec<TrackerVersion>, StoreError>;
    /// Records one record added or corrected by hand (the web application's forms)
    /// atomically, as an import records its records: a new version that supersedes the
    /// current one of its kind and key, which is kept, with who and why, and an audit
    /// entry (`add_record` or `change_record`, naming the child). `base` is the version
    /// the change was made from (`None`: the record is new); when the current version
    /// is another (someone else changed or added the record meanwhile), nothing is
    /// written and the answer is [`StoreError::Conflict`]. Gives the id of the new
    /// version, or of the current one when the record is the same as it.
    fn save_tracker_edit(
        &mut self,
        record: &RawRecord,
        recorded_by: &str,
        reason: &str,
        base: Option<i64>,
    ) -> Result<i64, StoreError>;
}

/// Every child's journey, from the current returns the store holds (the same parse and
/// merge as an import). The stored returns were checked when imported, so a problem
/// here means the stored data is damaged.
pub fn load_journeys(store: &(impl Store + ?Sized)) -> Result<Vec<Journey>, StoreError> {
    let returns = store.current_returns()?;
    let outcome = permanence_ssda903::build_records(&returns, None).map_err(|problems| {
        StoreError::Corrupt(format!(
            "the stored returns no longer merge cleanly:\n{problems}"
        ))
    })?;
    Ok(outcome.children.into_iter().map(Journey::new).collect())
}

/// Every current tracker record, as the domain's organisation and each child's records
/// (sorted as [`ChildTracker`] documents; supervision sessions attached to every child
/// discussed). Only children with a record have an entry.
pub fn load_tracker(store: &(impl Store + ?Sized)) -> Result<Tracker, StoreError> {
    let records = store.current_tracker_records()?;
    build_tracker(&records)
        .map_err(|problems| StoreError::Corrupt(format!("tracker records: {problems}")))
}

/// One child's current tracker records, with the organisation (staff, teams, panels,
/// and every supervision session and decision about no child) to read them with.
pub fn load_child_tracker(
    store: &(impl Store + ?Sized),
    child: &str,
) -> Result<(Organisation, ChildTracker), StoreError> {
    let records = store.child_tracker_records(child)?;
    let (organisation, mut children): (Organisation, BTreeMap<_, _>) = build_tracker(&records)
        .map_err(|problems| StoreError::Corrupt(format!("tracker records: {problems}")))?;
    Ok((organisation, children.remove(child).unwrap_or_default()))
}

/// One version written by a tracker import or edit.
pub(crate) struct Saved {
    /// The new version's id.
    pub(crate) id: i64,
    /// The version it superseded, if the record was stored.
    pub(crate) superseded: Option<i64>,
}

/// The audit log's entries for a tracker import, one per child whose records it
/// changed (and one for records about no child): the child and the detail. `saved`
/// holds each record's new version, `None` where it was the same as the current one.
pub(crate) fn import_audit<'a>(
    import: &NewTrackerImport<'a>,
    saved: &[Option<Saved>],
) -> Vec<(Option<&'a str>, String)> {
    // (records, corrections) per child.
    let mut changed: BTreeMap<Option<&str>, (usize, usize)> = BTreeMap::new();
    for ((record, _), saved) in import.records.iter().zip(saved) {
        if let Some(saved) = saved {
            let counts = changed.entry(record.child()).or_default();
            counts.0 += 1;
            if saved.superseded.is_some() {
                counts.1 += 1;
            }
        }
    }
    changed
        .into_iter()
        .map(|(child, (records, corrections))| {
            (
                child,
                format!(
                    "{records} tracker record(s) recorded, {corrections} of them correction(s), from {}",
                    import.source
                ),
            )
        })
        .collect()
}

/// The audit log's action and detail for a record added or corrected by hand.
pub(crate) fn edit_audit(
    record: &RawRecord,
    reason: &str,
    saved: &Saved,
) -> (&'static str, String) {
    let action = if saved.superseded.is_some() {
        "change_record"
    } else {
        "add_record"
    };
    let detail = format!(
        "{} ({}), version {}: {reason}",
        record.kind.name(),
        record.key_text(),
        saved.id
    );
    (action, detail)
}

/// A stored record's kind, source file, line and joined values.
pub(crate) type TrackerRow = (String, String, i64, String);

/// A version's columns: id, (kind, file, line, fields), when, by whom, why, superseded by.
pub(crate) type VersionRow = (i64, TrackerRow, String, String, String, Option<i64>);

/// A version's columns as a [`TrackerVersion`], its record checked against its template.
pub(crate) fn version(
    (id, (kind, file, line, fields), recorded_at, recorded_by, reason, superseded_by): VersionRow,
) -> Result<TrackerVersion, StoreError> {
    Ok(TrackerVersion {
        id,
        record: raw_record(&kind, &file, line, fields)?,
        recorded_at,
        recorded_by,
        reason,
        superseded_by,
    })
}

/// A stored record back as a [`RawRecord`], checked against its template.
pub(crate) fn raw_record(
    kind: &str,
    file: &str,
    line: i64,
    fields: String,
) -> Result<RawRecord, StoreError> {
    let kind = Kind::from_name(kind)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown tracker record kind {kind}")))?;
    let record = RawRecord::from_joined(kind, file, line as u64, fields);
    if !record.is_well_formed() {
        return Err(StoreError::Corrupt(format!(
            "a {kind} record from {file} line {line} has the wrong number of values"
        )));
    }
    Ok(record)
}

/// Now, as an RFC 3339 timestamp in UTC (how times are stored).
pub(crate) fn now() -> String {
    jiff::Timestamp::now().to_string()
}

/// One current table of a return as stored: its collection year, table name, file and
/// the rows asked for.
pub(crate) struct StoredTable {
    pub(crate) year: i64,
    pub(crate) name: String,
    pub(crate) file: String,
    pub(crate) rows: Vec<permanence_ssda903::RawRow>,
}

/// The stored tables, in order of year, as the returns they make up: each table's kind
/// read back from its name and its rows checked against its columns.
pub(crate) fn returns_from(tables: Vec<StoredTable>) -> Result<Vec<RawReturn>, StoreError> {
    let mut returns: Vec<RawReturn> = Vec::new();
    for StoredTable {
        year,
        name,
        file,
        rows,
    } in tables
    {
        let table = permanence_ssda903::Table::ALL
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown table name {name}")))?;
        if let Some(bad) = rows
            .iter()
            .find(|r| r.fields().count() != table.columns().len())
        {
            return Err(StoreError::Corrupt(format!(
                "{file} line {} has the wrong number of fields",
                bad.line
            )));
        }
        let year = CollectionYear(year as i16);
        let raw_table = RawTable { table, file, rows };
        match returns.last_mut() {
            Some(last) if last.year == year => last.tables.push(raw_table),
            _ => returns.push(RawReturn {
                year,
                tables: vec![raw_table],
            }),
        }
    }
    for raw in &mut returns {
        raw.tables.sort_by_key(|t| t.table);
    }
    Ok(returns)
}
