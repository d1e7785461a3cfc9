//! The embedded SQLite backend.

use std::collections::BTreeSet;
use std::path::Path;

use permanence_ssda903::{RawReturn, RawRow, Table};
use permanence_tracker::{Kind, RawRecord};
use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};

use crate::{
    AuditEntry, AuditFilter, AuditPage, DataVersion, NewImport, NewTrackerImport, Saved, Store,
    StoreError, StoredTable, TrackerRow, TrackerVersion, VersionRow, edit_audit, import_audit, now,
    raw_record, returns_from, version,
};

/// The migrations, in order; the database's `user_version` is how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/sqlite/0001_returns.sql"),
    include_str!("../migrations/sqlite/0002_tracker.sql"),
    include_str!("../migrations/sqlite/0003_accounts.sql"),
    include_str!("../migrations/sqlite/0004_alerts.sql"),
];

/// The schema version from which tracker records are stored.
const TRACKER_VERSION: i64 = 2;

/// A SQLite database file.
pub struct SqliteStore {
    connection: Connection,
}

impl SqliteStore {
    /// Opens the database at `path`, creating it if needed, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let connection = Connection::open(path)?;
        Self::prepare(connection)
    }

    /// Opens the database at `path` only if it exists (never creates a file).
    pub fn open_existing(path: &Path) -> Result<Option<SqliteStore>, StoreError> {
        if !path.exists() {
            return Ok(None);
        }
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Self::prepare(connection).map(Some)
    }

    /// Opens the database at `path` for reading only, if it exists: never creates,
    /// migrates or otherwise changes the file (for checking an import before anything
    /// is written). A database from before the tracker's records reads as holding none.
    pub fn open_read_only(path: &Path) -> Result<Option<SqliteStore>, StoreError> {
        if !path.exists() {
            return Ok(None);
        }
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        let store = SqliteStore { connection };
        let version = store.schema_version()?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew {
                found: version,
                known,
            });
        }
        Ok(Some(store))
    }

    /// Sets the database up for a server, which many requests use at once: write-ahead
    /// logging (readers never wait for a writer) with `synchronous = NORMAL` (a commit
    /// waits for the log, not for every page to reach the disk: a power cut may lose the
    /// latest commits, a crash of the program cannot). The journal mode stays with the
    /// file; the synchronous setting is this connection's.
    pub fn for_server(&self) -> Result<(), StoreError> {
        self.connection
            .pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        self.connection
            .pragma_update(None, "synchronous", "NORMAL")?;
        Ok(())
    }

    /// Writes a consistent copy of the whole database to `out`, a file that must not
    /// exist yet, while the server and others go on reading and writing it: SQLite's
    /// `VACUUM INTO` reads one snapshot (a single read transaction) and writes it
    /// compacted. The copy is then checked (`PRAGMA integrity_check`). Works on a store
    /// opened read-only.
    pub fn backup_to(&self, out: &Path) -> Result<(), StoreError> {
        let target = out.to_str().ok_or_else(|| {
            StoreError::Corrupt(format!("{} is not a path SQLite can write", out.display()))
        })?;
        self.connection.execute("VACUUM INTO ?1", [target])?;
        let copy = Connection::open_with_flags(out, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let check: String = copy.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
        if check != "ok" {
            return Err(StoreError::Corrupt(format!(
                "the backup {} fails its integrity check: {check}",
                out.display()
            )));
        }
        Ok(())
    }

    /// A database in memory, for tests.
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        Self::prepare(Connection::open_in_memory()?)
    }

    fn prepare(connection: Connection) -> Result<SqliteStore, StoreError> {
        connection.busy_timeout(std::time::Duration::from_secs(10))?;
        connection.pragma_update(None, "foreign_keys", true)?;
        let mut store = SqliteStore { connection };
        store.migrate()?;
        Ok(store)
    }

    /// The schema version (the number of migrations applied).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .connection
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let version = self.schema_version()?;
        let known = MIGRATIONS.len() as i64;
        if version > known {
            return Err(StoreError::TooNew {
                found: version,
                known,
            });
        }
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let transaction = self.connection.transaction()?;
            transaction.execute_batch(sql)?;
            transaction.pragma_update(None, "user_version", index as i64 + 1)?;
            transaction.commit()?;
        }
        Ok(())
    }

    /// Whether the schema holds tracker records (a database opened read-only may be older).
    fn has_tracker(&self) -> Result<bool, StoreError> {
        Ok(self.schema_version()? >= TRACKER_VERSION)
    }

    /// The connection, for the other modules of this backend.
    pub(crate) fn connection(&self) -> &Connection {
        &self.connection
    }

    /// The connection, for writing.
    pub(crate) fn connection_mut(&mut self) -> &mut Connection {
        &mut self.connection
    }

    fn tracker_records(
        &self,
        sql: &str,
        child: Option<&str>,
    ) -> Result<Vec<RawRecord>, StoreError> {
        if !self.has_tracker()? {
            return Ok(Vec::new());
        }
        let mut statement = self.connection.prepare(sql)?;
        let rows = match child {
            None => statement
                .query_map([], tracker_row)?
                .collect::<Result<Vec<_>, _>>()?,
            Some(child) => statement
                .query_map([child], tracker_row)?
                .collect::<Result<Vec<_>, _>>()?,
        };
        rows.into_iter()
            .map(|(kind, file, line, fields)| raw_record(&kind, &file, line, fields))
            .collect()
    }

    fn load(&self, child: Option<&str>) -> Result<Vec<RawReturn>, StoreError> {
        let mut tables = self.connection.prepare(
            "SELECT id, collection_year, table_name, file FROM return_table
             WHERE superseded_by IS NULL ORDER BY collection_year, id",
        )?;
        let mut rows_all = self.connection.prepare(
            "SELECT line, fields FROM return_row WHERE return_table_id = ?1 ORDER BY line",
        )?;
        let mut rows_child = self.connection.prepare(
            "SELECT line, fields FROM return_row WHERE return_table_id = ?1 AND child = ?2 ORDER BY line",
        )?;
        let listed = tables.query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
            ))
        })?;
        let map_row = |row: &rusqlite::Row<'_>| -> rusqlite::Result<RawRow> {
            Ok(RawRow::from_joined(
                row.get::<_, i64>(0)? as u64,
                row.get(1)?,
            ))
        };
        let mut stored = Vec::new();
        for entry in listed {
            let (id, year, name, file) = entry?;
            let rows: Vec<RawRow> = match child {
                None => rows_all
                    .query_map([id], map_row)?
                    .collect::<Result<_, _>>()?,
                Some(child) => rows_child
                    .query_map(params![id, child], map_row)?
                    .collect::<Result<_, _>>()?,
            };
            stored.push(StoredTable {
                year,
                name,
                file,
                rows,
            });
        }
        returns_from(stored)
    }
}

impl crate::Backend for SqliteStore {
    fn schema_version(&self) -> Result<i64, StoreError> {
        SqliteStore::schema_version(self)
    }

    fn known_version(&self) -> i64 {
        MIGRATIONS.len() as i64
    }

    fn backup_to(&self, out: &Path) -> Result<(), StoreError> {
        SqliteStore::backup_to(self, out)
    }

    fn for_server(&self) -> Result<(), StoreError> {
        SqliteStore::for_server(self)
    }
}

impl Store for SqliteStore {
    fn data_version(&self) -> Result<DataVersion, StoreError> {
        let import = self.connection.query_row(
            "SELECT COALESCE(MAX(id), 0) FROM import_batch",
            [],
            |row| row.get(0),
        )?;
        let tracker = if self.has_tracker()? {
            self.connection.query_row(
                "SELECT COALESCE(MAX(id), 0) FROM tracker_record",
                [],
                |row| row.get(0),
            )?
        } else {
            0
        };
        Ok(DataVersion { import, tracker })
    }

    fn current_returns(&self) -> Result<Vec<RawReturn>, StoreError> {
        self.load(None)
    }

    fn child_returns(&self, child: &str) -> Result<Vec<RawReturn>, StoreError> {
        self.load(Some(child))
    }

    fn save_import(&mut self, import: &NewImport<'_>) -> Result<i64, StoreError> {
        let transaction = self.connection.transaction()?;
        transaction.execute(
            "INSERT INTO import_batch (kind, imported_at, imported_by, source, summary)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                import.kind,
                now(),
                import.imported_by,
                import.source,
                import.summary
            ],
        )?;
        let batch = transaction.last_insert_rowid();
        {
            let mut current = transaction.prepare(
                "SELECT id FROM return_table
                 WHERE collection_year = ?1 AND table_name = ?2 AND superseded_by IS NULL",
            )?;
            let mut supersede =
                transaction.prepare("UPDATE return_table SET superseded_by = ?1 WHERE id = ?2")?;
            let mut insert_table = transaction.prepare(
                "INSERT INTO return_table (batch_id, collection_year, table_name, file) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut insert_row = transaction.prepare(
                "INSERT INTO return_row (return_table_id, line, child, fields) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (year, table) in &import.tables {
                let previous: Option<i64> = current
                    .query_row(params![year.0, table.table.name()], |row| row.get(0))
                    .optional()?;
                // The new table must exist before the old one can point to it; the
                // unique index on current tables is satisfied by superseding first
                // with a placeholder of the same transaction.
                if let Some(previous) = previous {
                    supersede.execute(params![previous, previous])?;
                }
                insert_table.execute(params![batch, year.0, table.table.name(), table.file])?;
                let table_id = transaction.last_insert_rowid();
                if let Some(previous) = previous {
                    supersede.execute(params![table_id, previous])?;
                }
                for row in &table.rows {
                    insert_row.execute(params![
                        table_id,
                        row.line as i64,
                        row.child(),
                        row.joined()
                    ])?;
                }
            }
        }
        transaction.commit()?;
        Ok(batch)
    }

    fn audit(
        &mut self,
        actor: &str,
        action: &str,
        child: Option<&str>,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.connection.execute(
            "INSERT INTO audit_log (at, actor, action, child, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![now(), actor, action, child, detail],
        )?;
        Ok(())
    }

    fn audit_log(&self, child: Option<&str>) -> Result<Vec<AuditEntry>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT at, actor, action, child, detail FROM audit_log
             WHERE ?1 IS NULL OR child = ?1 ORDER BY id DESC",
        )?;
        let entries = statement
            .query_map([child], |row| {
                Ok(AuditEntry {
                    at: row.get(0)?,
                    actor: row.get(1)?,
                    action: row.get(2)?,
                    child: row.get(3)?,
                    detail: row.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(entries)
    }

    fn audit_search(
        &self,
        filter: &AuditFilter,
        offset: usize,
        limit: Option<usize>,
    ) -> Result<AuditPage, StoreError> {
        let (from, before) = filter.bounds()?;
        const WHERE: &str = "WHERE (?1 IS NULL OR child = ?1)
               AND (?2 IS NULL OR actor = ?2 COLLATE NOCASE)
               AND (?3 IS NULL OR at >= ?3)
               AND (?4 IS NULL OR at < ?4)";
        let conditions = params![filter.child, filter.actor, from, before];
        let total: i64 = self.connection.query_row(
            &format!("SELECT count(*) FROM audit_log {WHERE}"),
            conditions,
            |row| row.get(0),
        )?;
        // SQLite reads a negative LIMIT as no limit.
        let limit = limit.map_or(-1, |l| l as i64);
        let mut statement = self.connection.prepare(&format!(
            "SELECT at, actor, action, child, detail FROM audit_log {WHERE}
             ORDER BY id DESC LIMIT ?5 OFFSET ?6"
        ))?;
        let entries = statement
            .query_map(
                params![
                    filter.child,
                    filter.actor,
                    from,
                    before,
                    limit,
                    offset as i64
                ],
                |row| {
                    Ok(AuditEntry {
                        at: row.get(0)?,
                        actor: row.get(1)?,
                        action: row.get(2)?,
                        child: row.get(3)?,
                        detail: row.get(4)?,
                    })
                },
            )?
            .collect::<Result<_, _>>()?;
        Ok(AuditPage {
            entries,
            total: total as usize,
        })
    }

    fn known_children(&self) -> Result<BTreeSet<String>, StoreError> {
        let mut statement = self.connection.prepare(
            "SELECT DISTINCT r.child FROM return_row r
             JOIN return_table t ON t.id = r.return_table_id
             WHERE t.superseded_by IS NULL AND t.table_name = ?1",
        )?;
        let children = statement
            .query_map([Table::Header.name()], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(children)
    }

    fn current_tracker_records(&self) -> Result<Vec<RawRecord>, StoreError> {
        self.tracker_records(
            "SELECT kind, source_file, source_line, fields FROM tracker_record
             WHERE superseded_by IS NULL ORDER BY kind, id",
            None,
        )
    }

    fn child_tracker_records(&self, child: &str) -> Result<Vec<RawRecord>, StoreError> {
        self.tracker_records(
            "SELECT kind, source_file, source_line, fields FROM tracker_record
             WHERE superseded_by IS NULL AND (child = ?1 OR child IS NULL) ORDER BY kind, id",
            Some(child),
        )
    }

    fn tracker_versions(&self, child: &str) -> Result<Vec<TrackerVersion>, StoreError> {
        if !self.has_tracker()? {
            return Ok(Vec::new());
        }
        let mut statement = self.connection.prepare(
            "SELECT id, kind, source_file, source_line, fields, recorded_at, recorded_by,
                    reason, superseded_by
             FROM tracker_record WHERE child = ?1 ORDER BY kind, record_key, id",
        )?;
        let rows = statement
            .query_map([child], version_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(version).collect()
    }

    fn save_tracker_import(&mut self, import: &NewTrackerImport<'_>) -> Result<i64, StoreError> {
        let at = now();
        let transaction = self.connection.transaction()?;
        let batch = new_batch(
            &transaction,
            &at,
            import.recorded_by,
            import.source,
            import.summary,
        )?;
        let saved = insert_versions(
            &transaction,
            batch,
            &at,
            import.recorded_by,
            &import.records,
        )?;
        {
            let mut audit = transaction.prepare(
                "INSERT INTO audit_log (at, actor, action, child, detail)
                 VALUES (?1, ?2, 'import_tracker', ?3, ?4)",
            )?;
            for (child, detail) in import_audit(import, &saved) {
                audit.execute(params![at, import.recorded_by, child, detail])?;
            }
        }
        transaction.commit()?;
        Ok(batch)
    }

    fn tracker_record_versions(
        &self,
        kind: Kind,
        key: &str,
    ) -> Result<Vec<TrackerVersion>, StoreError> {
        if !self.has_tracker()? {
            return Ok(Vec::new());
        }
        let mut statement = self.connection.prepare(
            "SELECT id, kind, source_file, source_line, fields, recorded_at, recorded_by,
                    reason, superseded_by
             FROM tracker_record WHERE kind = ?1 AND record_key = ?2 ORDER BY id",
        )?;
        let rows = statement
            .query_map(params![kind.name(), key], version_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(version).collect()
    }

    fn save_tracker_edit(
        &mut self,
        record: &RawRecord,
        recorded_by: &str,
        reason: &str,
        base: Option<i64>,
    ) -> Result<i64, StoreError> {
        let at = now();
        // Immediate: the check of the current version and the write are one step, even
        // against another process writing the same file.
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let key = record.key();
        let current: Option<i64> = transaction
            .query_row(
                "SELECT id FROM tracker_record
                 WHERE kind = ?1 AND record_key = ?2 AND superseded_by IS NULL",
                params![record.kind.name(), key],
                |row| row.get(0),
            )
            .optional()?;
        if current != base {
            return Err(StoreError::Conflict { base, current });
        }
        let batch = new_batch(
            &transaction,
            &at,
            recorded_by,
            &record.file,
            &format!("{} {}", record.kind.name(), record.key_text()),
        )?;
        let saved = insert_versions(&transaction, batch, &at, recorded_by, &[(record, reason)])?;
        let Some(saved) = saved.into_iter().next().flatten() else {
            // The same as the current version: nothing to record.
            return current.ok_or_else(|| StoreError::Corrupt("no version was saved".into()));
        };
        let (action, detail) = edit_audit(record, reason, &saved);
        transaction.execute(
            "INSERT INTO audit_log (at, actor, action, child, detail)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![at, recorded_by, action, record.child(), detail],
        )?;
        transaction.commit()?;
        Ok(saved.id)
    }
}

/// Starts a batch of tracker records (an import, or one change by hand) and gives its id.
fn new_batch(
    transaction: &Transaction<'_>,
    at: &str,
    recorded_by: &str,
    source: &str,
    summary: &str,
) -> Result<i64, StoreError> {
    transaction.execute(
        "INSERT INTO import_batch (kind, imported_at, imported_by, source, summary)
         VALUES ('tracker', ?1, ?2, ?3, ?4)",
        params![at, recorded_by, source, summary],
    )?;
    Ok(transaction.last_insert_rowid())
}

/// Stores each record with its reason as a new version in `batch`, superseding the
/// current version of its kind and key (kept). A record identical to its current
/// version is passed over (`None` in its place).
fn insert_versions(
    transaction: &Transaction<'_>,
    batch: i64,
    at: &str,
    recorded_by: &str,
    records: &[(&RawRecord, &str)],
) -> Result<Vec<Option<Saved>>, StoreError> {
    let mut next_id: i64 = transaction.query_row(
        "SELECT coalesce(max(id), 0) + 1 FROM tracker_record",
        [],
        |row| row.get(0),
    )?;
    let mut current = transaction.prepare(
        "SELECT id, fields FROM tracker_record
         WHERE kind = ?1 AND record_key = ?2 AND superseded_by IS NULL",
    )?;
    let mut supersede =
        transaction.prepare("UPDATE tracker_record SET superseded_by = ?1 WHERE id = ?2")?;
    let mut insert = transaction.prepare(
        "INSERT INTO tracker_record (id, batch_id, kind, record_key, child, fields,
             recorded_at, recorded_by, reason, source_file, source_line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut saved = Vec::with_capacity(records.len());
    for (record, reason) in records {
        let key = record.key();
        let previous: Option<(i64, String)> = current
            .query_row(params![record.kind.name(), key], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        if let Some((_, fields)) = &previous
            && fields == record.joined()
        {
            saved.push(None);
            continue;
        }
        // The old version points at the new one first (the reference is checked at
        // commit), so that one version of the key is current at every moment.
        if let Some((previous, _)) = previous {
            supersede.execute(params![next_id, previous])?;
        }
        insert.execute(params![
            next_id,
            batch,
            record.kind.name(),
            key,
            record.child(),
            record.joined(),
            at,
            recorded_by,
            reason,
            record.file,
            record.line as i64
        ])?;
        saved.push(Some(Saved {
            id: next_id,
            superseded: previous.map(|(id, _)| id),
        }));
        next_id += 1;
    }
    Ok(saved)
}

fn tracker_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<TrackerRow> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

fn version_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<VersionRow> {
    Ok((
        row.get(0)?,
        (row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?),
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Backend;
    use crate::suite::both;
    use permanence_domain::CollectionYear;
    use permanence_ssda903::RawTable;

    fn table(table: Table, file: &str, rows: &[(u64, &[&str])]) -> RawTable {
        RawTable {
            table,
            file: file.to_string(),
            rows: rows
                .iter()
                .map(|(line, fields)| RawRow::new(*line, fields))
                .collect(),
        }
    }

    fn header(file: &str, child: &str) -> RawTable {
        table(
            Table::Header,
            file,
            &[(2, &[child, "M", "01/01/2015", "WBRI", "", "", ""])],
        )
    }

    /// Imports a 903 return of one Header row, this child's.
    fn import_header(store: &mut dyn Backend, child: &str) {
        let h = header("2025_26/header.csv", child);
        store
            .save_import(&NewImport {
                kind: "903",
                imported_by: "test",
                source: "x",
                summary: "",
                tables: vec![(CollectionYear(2026), &h)],
            })
            .unwrap();
    }

    /// A backup taken while another connection keeps writing is a consistent snapshot:
    /// it passes its integrity check, holds every write committed before it began and
    /// no more than were committed when it ended, and opens as a store.
    #[test]
    fn a_backup_taken_while_writes_go_on_is_consistent() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("live.db");
        let mut store = SqliteStore::open(&db).unwrap();
        store.for_server().unwrap();
        for i in 0..50 {
            store
                .audit("test", "view_child", Some("C1"), &i.to_string())
                .unwrap();
        }
        let count = |store: &SqliteStore| store.audit_log(None).unwrap().len();
        let writer = {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut writer = SqliteStore::open_existing(&db).unwrap().unwrap();
                writer.for_server().unwrap();
                for i in 0..400 {
                    writer
                        .audit("writer", "view_child", Some("C2"), &i.to_string())
                        .unwrap();
                }
            })
        };
        let reader = SqliteStore::open_read_only(&db).unwrap().unwrap();
        let mut counts = Vec::new();
        for n in 0..5 {
            let before = count(&reader);
            let out = dir.path().join(format!("backup-{n}.db"));
            reader.backup_to(&out).unwrap();
            let after = count(&reader);
            let copy = SqliteStore::open_read_only(&out).unwrap().unwrap();
            let copied = count(&copy);
            assert!(
                before <= copied && copied <= after,
                "{before} <= {copied} <= {after}"
            );
            counts.push(copied);
        }
        writer.join().unwrap();
        assert!(counts.iter().all(|c| *c >= 50));
        // A backup never overwrites a file.
        let error = reader
            .backup_to(&dir.path().join("backup-0.db"))
            .unwrap_err();
        assert!(
            error.to_string().contains("output file already exists"),
            "{error}"
        );
    }

    both! {
    fn saves_and_loads_returns(store) {
        import_header(&mut *store, "C1");
        let returns = store.current_returns().unwrap();
        assert_eq!(
            returns,
            vec![RawReturn {
                year: CollectionYear(2026),
                tables: vec![header("2025_26/header.csv", "C1")]
            }]
        );
        assert_eq!(store.child_returns("C1").unwrap(), returns);
        assert!(
            store.child_returns("C2").unwrap()[0].tables[0]
                .rows
                .is_empty()
        );
    }
    }

    both! {
    fn a_later_import_supersedes_and_keeps_the_earlier(store) {
        let first = header("a/header.csv", "C1");
        let second = header("b/header.csv", "C2");
        for t in [&first, &second] {
            store
                .save_import(&NewImport {
                    kind: "903",
                    imported_by: "test",
                    source: "x",
                    summary: "",
                    tables: vec![(CollectionYear(2026), t)],
                })
                .unwrap();
        }
        let returns = store.current_returns().unwrap();
        assert_eq!(returns[0].tables, vec![second]);
        let kept = store.count("SELECT count(*) FROM return_table WHERE superseded_by IS NOT NULL");
        assert_eq!(kept, 1);
    }
    }

    both! {
    fn the_audit_log_cannot_be_altered(store) {
        store.audit("worker", "view_child", Some("C1"), "").unwrap();
        assert_eq!(store.audit_log(Some("C1")).unwrap().len(), 1);
        assert!(
            store.raw("DELETE FROM audit_log")
                .is_err()
        );
        assert!(
            store.raw("UPDATE audit_log SET actor = 'x'")
                .is_err()
        );
    }
    }

    both! {
    fn the_audit_log_is_searched_by_child_actor_and_day_and_paged(store) {
        let at = |at: &str, actor: &str, child: Option<&str>| {
            let child = child.map_or("NULL".to_string(), |c| format!("'{c}'"));
            store
                .raw(&format!(
                    "INSERT INTO audit_log (at, actor, action, child, detail)
                     VALUES ('{at}', '{actor}', 'view_child', {child}, '')"
                ))
                .unwrap();
        };
        at("2025-03-01T23:59:59Z", "worker", Some("C1"));
        at("2025-03-02T00:00:00Z", "Manager", Some("C1"));
        at("2025-03-02T12:00:00Z", "worker", Some("C2"));
        at("2025-03-03T00:00:00Z", "worker", None);
        let search = |filter: AuditFilter, offset, limit| {
            store
                .audit_search(&filter, offset, limit)
                .unwrap()
                .entries
                .iter()
                .map(|e| e.at[..19].to_string())
                .collect::<Vec<_>>()
        };
        let day = |s: &str| s.parse::<permanence_domain::Date>().unwrap();
        assert_eq!(search(AuditFilter::default(), 0, None).len(), 4);
        // Newest first.
        assert_eq!(
            search(AuditFilter::default(), 0, Some(2)),
            ["2025-03-03T00:00:00", "2025-03-02T12:00:00"]
        );
        assert_eq!(
            search(AuditFilter::default(), 3, Some(2)),
            ["2025-03-01T23:59:59"]
        );
        let c1 = AuditFilter {
            child: Some("C1".into()),
            ..AuditFilter::default()
        };
        assert_eq!(search(c1, 0, None).len(), 2);
        let manager = AuditFilter {
            actor: Some("manager".into()),
            ..AuditFilter::default()
        };
        assert_eq!(search(manager, 0, None), ["2025-03-02T00:00:00"]);
        // Both ends of the range are whole days, included.
        let second = AuditFilter {
            from: Some(day("2025-03-02")),
            to: Some(day("2025-03-02")),
            ..AuditFilter::default()
        };
        assert_eq!(
            search(second.clone(), 0, None),
            ["2025-03-02T12:00:00", "2025-03-02T00:00:00"]
        );
        let page = store.audit_search(&second, 1, Some(1)).unwrap();
        assert_eq!((page.entries.len(), page.total), (1, 2));
    }
    }

    fn plan(decided: &str, primary: &str, file: &str) -> RawRecord {
        RawRecord::new(
            Kind::PermanencePlan,
            file,
            2,
            &["C1", decided, "review", primary, "", "", "", "", ""],
        )
    }

    fn person(id: &str) -> RawRecord {
        RawRecord::new(
            Kind::Person,
            "people.csv",
            2,
            &[id, "A Worker", "social_worker", "", "", "", ""],
        )
    }

    fn save(store: &mut dyn Backend, records: &[&RawRecord], reason: &str) {
        store
            .save_tracker_import(&NewTrackerImport {
                recorded_by: "tester",
                source: "tracker/",
                summary: "",
                records: records.iter().map(|r| (*r, reason)).collect(),
            })
            .unwrap();
    }

    both! {
    fn a_corrected_tracker_record_supersedes_and_keeps_the_old_version(store) {
        let first = plan("01/02/2025", "return_home", "a/plans.csv");
        let other = plan("01/06/2025", "adoption", "a/plans.csv");
        save(&mut *store,
            &[&first, &other, &person("SW1")],
            "imported from a/",
        );
        assert_eq!(store.current_tracker_records().unwrap().len(), 3);

        let corrected = plan("01/02/2025", "connected_carers", "b/plans.csv");
        save(&mut *store, &[&corrected, &other], "wrong primary plan");
        let current = store.current_tracker_records().unwrap();
        assert_eq!(current.len(), 3);
        assert!(current.contains(&corrected));
        assert!(!current.contains(&first));

        let versions = store.tracker_versions("C1").unwrap();
        assert_eq!(
            versions.len(),
            3,
            "both versions of the corrected plan, and the other"
        );
        let old = versions.iter().find(|v| v.record == first).unwrap();
        let new = versions.iter().find(|v| v.record == corrected).unwrap();
        assert_eq!(old.superseded_by, Some(new.id));
        assert_eq!(old.reason, "imported from a/");
        assert_eq!(new.reason, "wrong primary plan");
        assert_eq!(new.superseded_by, None);
        assert_eq!(new.recorded_by, "tester");
        // The unchanged plan was passed over: one version only.
        assert_eq!(versions.iter().filter(|v| v.record == other).count(), 1);
        // The audit log names the child for both imports.
        assert_eq!(
            store
                .audit_log(Some("C1"))
                .unwrap()
                .iter()
                .filter(|e| e.action == "import_tracker")
                .count(),
            2
        );
    }
    }

    both! {
    fn an_identical_tracker_record_changes_nothing(store) {
        let record = plan("01/02/2025", "return_home", "a/plans.csv");
        save(&mut *store, &[&record], "first");
        let before = store.count("SELECT count(*) FROM tracker_record");
        save(&mut *store,
            &[&plan("01/02/2025", "return_home", "b/plans.csv")],
            "again",
        );
        assert_eq!(store.count("SELECT count(*) FROM tracker_record"), before);
        assert_eq!(
            store.count("SELECT count(*) FROM tracker_record WHERE superseded_by IS NOT NULL"
            ),
            0
        );
    }
    }

    both! {
    fn tracker_records_cannot_be_deleted_or_altered(store) {
        save(&mut *store, &[&person("SW1")], "first");
        assert!(
            store.raw("DELETE FROM tracker_record")
                .is_err()
        );
        assert!(
            store.raw("UPDATE tracker_record SET fields = 'x'")
                .is_err()
        );
        assert!(
            store.raw("UPDATE tracker_record SET reason = 'x', superseded_by = id")
                .is_err()
        );
    }
    }

    both! {
    fn tracker_records_load_as_the_domain_types(store) {
        save(&mut *store,
            &[
                &plan("01/06/2025", "adoption", "p.csv"),
                &plan("01/02/2025", "return_home", "p.csv"),
                &person("SW1"),
            ],
            "r",
        );
        let (organisation, children) = crate::load_tracker(&*store).unwrap();
        assert_eq!(organisation.people[0].id, "SW1");
        let plans: Vec<_> = children["C1"]
            .plans
            .iter()
            .map(|p| p.primary.code())
            .collect();
        assert_eq!(plans, ["return_home", "adoption"], "in decision order");
        let (organisation, child) = crate::load_child_tracker(&*store, "C1").unwrap();
        assert_eq!(organisation.people.len(), 1);
        assert_eq!(child.plans.len(), 2);
        let (_, nobody) = crate::load_child_tracker(&*store, "C2").unwrap();
        assert!(nobody.plans.is_empty());
    }
    }

    both! {
    fn known_children_are_those_in_the_current_headers(store) {
        import_header(&mut *store, "C1");
        assert_eq!(
            store
                .known_children()
                .unwrap()
                .into_iter()
                .collect::<Vec<_>>(),
            ["C1"]
        );
    }
    }

    both! {
    fn the_data_version_grows_with_every_import_and_edit(store) {
        let empty = store.data_version().unwrap();
        assert_eq!(empty, DataVersion::default());
        import_header(&mut *store, "C1");
        let imported = store.data_version().unwrap();
        assert!(imported.import > 0);
        assert_eq!(imported.tracker, 0);
        store
            .save_tracker_edit(&person("SW1"), "sw", "added", None)
            .unwrap();
        let edited = store.data_version().unwrap();
        assert!(edited.import >= imported.import);
        assert!(edited.tracker > 0);
        // Reading changes nothing; a record the same as the current one is no change.
        store.current_tracker_records().unwrap();
        store
            .save_tracker_edit(&person("SW1"), "sw", "again", None)
            .ok();
        assert_eq!(store.data_version().unwrap(), edited);
    }
    }

    #[test]
    fn opening_read_only_never_creates_or_migrates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        assert!(SqliteStore::open_read_only(&path).unwrap().is_none());
        assert!(!path.exists());
        // A database from before the tracker: version 1.
        {
            let connection = Connection::open(&path).unwrap();
            connection.execute_batch(MIGRATIONS[0]).unwrap();
            connection.pragma_update(None, "user_version", 1).unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let store = SqliteStore::open_read_only(&path).unwrap().unwrap();
        assert!(store.current_tracker_records().unwrap().is_empty());
        assert!(store.known_children().unwrap().is_empty());
        drop(store);
        assert_eq!(std::fs::read(&path).unwrap(), before);
        // Opening for writing brings it up to date.
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    }

    fn current_id(store: &dyn Backend, record: &RawRecord) -> Option<i64> {
        store
            .tracker_record_versions(record.kind, &record.key())
            .unwrap()
            .iter()
            .find(|v| v.superseded_by.is_none())
            .map(|v| v.id)
    }

    both! {
    fn an_edit_adds_or_supersedes_the_version_it_was_based_on_and_is_audited(store) {
        let first = plan("01/02/2025", "return_home", "web");
        let added = store
            .save_tracker_edit(&first, "worker", "Recorded in the web application", None)
            .unwrap();
        assert_eq!(current_id(&*store, &first), Some(added));

        let corrected = plan("01/02/2025", "adoption", "web");
        let changed = store
            .save_tracker_edit(&corrected, "manager", "wrong plan", Some(added))
            .unwrap();
        let versions = store
            .tracker_record_versions(Kind::PermanencePlan, &first.key())
            .unwrap();
        assert_eq!(
            versions.iter().map(|v| v.id).collect::<Vec<_>>(),
            [added, changed]
        );
        assert_eq!(versions[0].record, first);
        assert_eq!(versions[0].superseded_by, Some(changed));
        assert_eq!(versions[1].record, corrected);
        assert_eq!(versions[1].reason, "wrong plan");
        assert_eq!(versions[1].recorded_by, "manager");
        assert_eq!(store.tracker_versions("C1").unwrap(), versions);

        let log = store.audit_log(Some("C1")).unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["change_record", "add_record"], "newest first");
        assert!(log[0].detail.contains("permanence_plans"));
        assert!(log[0].detail.contains("DECIDED 01/02/2025"));
        assert!(log[0].detail.contains("wrong plan"));

        // The same values again: nothing new, the current version's id.
        assert_eq!(
            store
                .save_tracker_edit(&corrected, "manager", "again", Some(changed))
                .unwrap(),
            changed
        );
        assert_eq!(store.count("SELECT count(*) FROM tracker_record"), 2);
        // Records with no child are audited with none.
        let id = store
            .save_tracker_edit(&person("SW1"), "admin", "new starter", None)
            .unwrap();
        assert_eq!(current_id(&*store, &person("SW1")), Some(id));
        assert_eq!(store.audit_log(None).unwrap()[0].child, None);
    }
    }

    both! {
    fn an_edit_based_on_an_old_version_is_refused_and_writes_nothing(store) {
        let first = plan("01/02/2025", "return_home", "web");
        let base = store.save_tracker_edit(&first, "a", "r", None).unwrap();
        let theirs = plan("01/02/2025", "adoption", "web");
        let current = store
            .save_tracker_edit(&theirs, "b", "theirs", Some(base))
            .unwrap();
        let before = (
            store.count("SELECT count(*) FROM tracker_record"),
            store.count("SELECT count(*) FROM audit_log"),
            store.count("SELECT count(*) FROM import_batch"),
        );
        let mine = plan("01/02/2025", "connected_carers", "web");
        match store.save_tracker_edit(&mine, "a", "mine", Some(base)) {
            Err(StoreError::Conflict {
                base: Some(b),
                current: Some(c),
            }) => assert_eq!((b, c), (base, current)),
            other => panic!("expected a conflict, got {other:?}"),
        }
        // Adding a record whose key is stored is a conflict too.
        assert!(matches!(
            store.save_tracker_edit(&mine, "a", "mine", None),
            Err(StoreError::Conflict {
                base: None,
                current: Some(_)
            })
        ));
        // Correcting a record that does not exist is one.
        assert!(matches!(
            store.save_tracker_edit(&person("SW9"), "a", "r", Some(base)),
            Err(StoreError::Conflict {
                base: Some(_),
                current: None
            })
        ));
        assert_eq!(
            (
                store.count("SELECT count(*) FROM tracker_record"),
                store.count("SELECT count(*) FROM audit_log"),
                store.count("SELECT count(*) FROM import_batch"),
            ),
            before
        );
        // Based on the version now current, it saves over it.
        let saved = store
            .save_tracker_edit(&mine, "a", "mine", Some(current))
            .unwrap();
        assert_eq!(current_id(&*store, &mine), Some(saved));
    }
    }

    both! {
    /// Writers in several connections at once (requests of several server processes,
    /// an import beside the server) never lose an update, and two changes of one
    /// record made from the same version cannot both win: the others are told.
    fn concurrent_writers_never_lose_an_update(store) {
        let writers: Vec<_> = (0..4)
            .map(|t| {
                let mut db = store.another();
                std::thread::spawn(move || {
                    for i in 0..25 {
                        let record = person(&format!("SW{t}-{i}"));
                        db.save_tracker_edit(&record, "writer", "new starter", None)
                            .unwrap();
                        db.audit("writer", "view_child", Some("C1"), "").unwrap();
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        assert_eq!(store.count("SELECT count(*) FROM tracker_record"), 100);
        assert_eq!(
            store.count("SELECT count(*) FROM audit_log WHERE action = 'view_child'"),
            100
        );

        let base = store
            .save_tracker_edit(&plan("01/02/2025", "return_home", "web"), "a", "r", None)
            .unwrap();
        let racing: Vec<_> = ["adoption", "connected_carers", "special_guardianship"]
            .into_iter()
            .map(|primary| {
                let mut db = store.another();
                std::thread::spawn(move || {
                    db.save_tracker_edit(&plan("01/02/2025", primary, "web"), "w", "r", Some(base))
                })
            })
            .collect();
        let results: Vec<_> = racing.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
        assert!(results.iter().all(|r| matches!(
            r,
            Ok(_) | Err(StoreError::Conflict { base: Some(_), current: Some(_) })
        )));
        assert_eq!(
            store
                .tracker_record_versions(Kind::PermanencePlan, &plan("01/02/2025", "x", "web").key())
                .unwrap()
                .len(),
            2
        );
    }
    }

    both! {
    fn migrations_are_recorded(store) {
        assert_eq!(store.schema_version().unwrap(), store.known_version());
    }
    }
}
