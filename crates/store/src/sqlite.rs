//! The embedded SQLite backend.

use std::path::Path;

use permanence_domain::CollectionYear;
use permanence_ssda903::{RawReturn, RawRow, RawTable, Table};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::{AuditEntry, NewImport, Store, StoreError};

/// The migrations, in order; the database's `user_version` is how many have run.
const MIGRATIONS: &[&str] = &[include_str!("../migrations/sqlite/0001_returns.sql")];

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
        let mut returns: Vec<RawReturn> = Vec::new();
        let listed = tables.query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
            ))
        })?;
        for entry in listed {
            let (id, year, table_name, file) = entry?;
            let table = Table::ALL
                .into_iter()
                .find(|t| t.name() == table_name)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown table name {table_name}")))?;
            let map_row = |row: &rusqlite::Row<'_>| -> rusqlite::Result<RawRow> {
                Ok(RawRow::from_joined(
                    row.get::<_, i64>(0)? as u64,
                    row.get(1)?,
                ))
            };
            let rows: Vec<RawRow> = match child {
                None => rows_all
                    .query_map([id], map_row)?
                    .collect::<Result<_, _>>()?,
                Some(child) => rows_child
                    .query_map(params![id, child], map_row)?
                    .collect::<Result<_, _>>()?,
            };
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
}

impl Store for SqliteStore {
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
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn saves_and_loads_returns() {
        let mut store = SqliteStore::in_memory().unwrap();
        let h = header("2025_26/header.csv", "C1");
        store
            .save_import(&NewImport {
                kind: "903",
                imported_by: "test",
                source: "x",
                summary: "",
                tables: vec![(CollectionYear(2026), &h)],
            })
            .unwrap();
        let returns = store.current_returns().unwrap();
        assert_eq!(
            returns,
            vec![RawReturn {
                year: CollectionYear(2026),
                tables: vec![h.clone()]
            }]
        );
        assert_eq!(store.child_returns("C1").unwrap(), returns);
        assert!(
            store.child_returns("C2").unwrap()[0].tables[0]
                .rows
                .is_empty()
        );
    }

    #[test]
    fn a_later_import_supersedes_and_keeps_the_earlier() {
        let mut store = SqliteStore::in_memory().unwrap();
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
        let kept: i64 = store
            .connection
            .query_row(
                "SELECT count(*) FROM return_table WHERE superseded_by IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kept, 1);
    }

    #[test]
    fn the_audit_log_cannot_be_altered() {
        let mut store = SqliteStore::in_memory().unwrap();
        store.audit("worker", "view_child", Some("C1"), "").unwrap();
        assert_eq!(store.audit_log(Some("C1")).unwrap().len(), 1);
        assert!(
            store
                .connection
                .execute("DELETE FROM audit_log", [])
                .is_err()
        );
        assert!(
            store
                .connection
                .execute("UPDATE audit_log SET actor = 'x'", [])
                .is_err()
        );
    }

    #[test]
    fn migrations_are_recorded() {
        let store = SqliteStore::in_memory().unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    }
}
