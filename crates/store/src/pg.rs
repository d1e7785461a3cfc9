//! The PostgreSQL backend, for a council's deployment: many staff, several server
//! processes sharing one database, a managed server with its own backups.
//!
//! The schema is SQLite's in PostgreSQL's terms, with its own migrations
//! (`migrations/postgres/`), recorded one row per migration in `schema_migration`.
//! Writers serialise on one transaction-scoped advisory lock ([`WRITE_LOCK`]), as
//! SQLite's writers do on its file lock: so an edit's check of the current version and
//! its write are one step, and one evaluation's alerts are never applied over another's,
//! whichever process runs them. Readers never wait for writers.
//!
//! With `sslmode=require` in the URL the connection is encrypted with TLS and the
//! server's certificate verified (its name, and a chain to the public roots or to the
//! certificates in the file `PGSSLROOTCERT` names, as a managed server's CA is given);
//! without it (or with `sslmode=disable`) it is not encrypted, for a server on the same
//! machine or private network.
//!
//! A connection that fails (the server restarting, the network dropping) is replaced
//! on the next call; a statement that fails because the connection was lost is tried
//! once more on a new connection, and otherwise reported as
//! [`StoreError::Unavailable`], which the web application answers with "try again".

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use permanence_domain::Date;
use permanence_rules::Finding;
use permanence_ssda903::{RawReturn, RawRow, Table};
use permanence_tracker::{Kind, RawRecord};
use postgres::{Client, GenericClient, NoTls, Row, Transaction};

use crate::alerts::{
    ALERT_COLUMNS, AlertUpdate, CLOSED_DETAIL, EVALUATION_RUN_COLUMNS, OPEN_ALERTS, opened_detail,
    parse_text,
};
use crate::{
    Accounts, Alert, AlertActivity, AlertEvent, Alerts, AuditEntry, AuditFilter, AuditPage,
    Backend, DataVersion, EvaluationRun, NewImport, NewRun, NewTrackerImport, NewUser, Saved,
    Session, Store, StoreError, StoredTable, TrackerVersion, User, edit_audit, import_audit, now,
    plan_evaluation, raw_record, returns_from, version,
};

/// The migrations, in order.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/postgres/0001_returns.sql"),
    include_str!("../migrations/postgres/0002_tracker.sql"),
    include_str!("../migrations/postgres/0003_accounts.sql"),
    include_str!("../migrations/postgres/0004_alerts.sql"),
];

/// The advisory lock every writing transaction holds (an arbitrary constant: "PERM").
const WRITE_LOCK: i64 = 0x5045_524d;

/// The advisory lock migrations hold, so that servers starting together migrate once.
const MIGRATION_LOCK: i64 = 0x5045_524e;

/// A PostgreSQL database.
pub struct PostgresStore {
    config: postgres::Config,
    /// How to make TLS connections, when the URL requires them.
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    /// The connection, made again when lost (`None` until then).
    client: RefCell<Option<Client>>,
}

impl PostgresStore {
    /// Connects to the database a `postgres://` URL names, without looking at its schema.
    pub fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let config: postgres::Config = url.parse().map_err(|e| {
            StoreError::Unavailable(format!("the PostgreSQL URL is not valid: {e}"))
        })?;
        let tls = match config.get_ssl_mode() {
            postgres::config::SslMode::Require => Some(tls()?),
            _ => None,
        };
        let store = PostgresStore {
            config,
            tls,
            client: RefCell::new(None),
        };
        store.with(|_| Ok(()))?;
        Ok(store)
    }

    /// Connects to the database a URL names if it has been migrated at least once
    /// (`None` for an empty database).
    pub(crate) fn connect_existing(url: &str) -> Result<Option<PostgresStore>, StoreError> {
        let store = PostgresStore::connect(url)?;
        Ok((store.schema_version()? > 0).then_some(store))
    }

    /// Runs `work` with the connection, connecting first if there is none or it was
    /// lost; work that fails because the connection was lost is tried once more on a
    /// new one (a transaction that failed so was rolled back by the server).
    pub(crate) fn with<T>(
        &self,
        mut work: impl FnMut(&mut Client) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        outside_async(|| {
            let mut slot = self.client.borrow_mut();
            let mut tried = false;
            loop {
                if slot.as_ref().is_none_or(Client::is_closed) {
                    *slot = None;
                    *slot = Some(match &self.tls {
                        Some(tls) => self.config.connect(tls.clone())?,
                        None => self.config.connect(NoTls)?,
                    });
                }
                let client = slot.as_mut().expect("connected above");
                match work(client) {
                    Err(StoreError::Unavailable(message)) => {
                        *slot = None;
                        if tried {
                            return Err(StoreError::Unavailable(message));
                        }
                        tried = true;
                    }
                    result => return result,
                }
            }
        })
    }

    /// Runs `work` in a transaction holding the write lock, and commits.
    fn write<T>(
        &mut self,
        mut work: impl FnMut(&mut Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.with(|client| {
            let mut transaction = client.transaction()?;
            transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
            let result = work(&mut transaction)?;
            transaction.commit()?;
            Ok(result)
        })
    }

    /// How many migrations have been applied (0 for an empty database).
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.with(version_of)
    }

    /// Applies the migrations not yet applied, each in its own transaction with the
    /// record of it, while holding the migration lock; refuses a database newer than
    /// this program.
    pub fn migrate(&self) -> Result<(), StoreError> {
        self.with(|client| {
            let mut transaction = client.transaction()?;
            transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
            transaction.batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migration (
                     version    BIGINT PRIMARY KEY,
                     applied_at TEXT NOT NULL
                 )",
            )?;
            let found = version_of(&mut transaction)?;
            let known = MIGRATIONS.len() as i64;
            if found > known {
                return Err(StoreError::TooNew { found, known });
            }
            for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
                transaction.batch_execute(sql)?;
                transaction.execute(
                    "INSERT INTO schema_migration (version, applied_at) VALUES ($1, $2)",
                    &[&(index as i64 + 1), &now()],
                )?;
            }
            transaction.commit()?;
            Ok(())
        })
    }

    /// Refuses a database that is not at this program's schema version.
    pub(crate) fn check_version(&self) -> Result<(), StoreError> {
        let found = self.schema_version()?;
        let known = MIGRATIONS.len() as i64;
        match found.cmp(&known) {
            std::cmp::Ordering::Less => Err(StoreError::TooOld { found, known }),
            std::cmp::Ordering::Greater => Err(StoreError::TooNew { found, known }),
            std::cmp::Ordering::Equal => Ok(()),
        }
    }

    /// Makes every transaction of this connection read-only (for checking an import
    /// before anything is written).
    pub(crate) fn read_only(&self) -> Result<(), StoreError> {
        self.with(|client| {
            client.batch_execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")?;
            Ok(())
        })
    }

    /// The rows a query gives.
    fn rows(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        self.with(|client| Ok(client.query(sql, params)?))
    }

    fn tracker_records(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<RawRecord>, StoreError> {
        self.rows(sql, params)?
            .iter()
            .map(|row| {
                raw_record(
                    &row.try_get::<_, String>(0)?,
                    &row.try_get::<_, String>(1)?,
                    row.try_get(2)?,
                    row.try_get(3)?,
                )
            })
            .collect()
    }

    fn versions(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<TrackerVersion>, StoreError> {
        self.rows(sql, params)?
            .iter()
            .map(|row| {
                version((
                    row.try_get(0)?,
                    (
                        row.try_get(1)?,
                        row.try_get(2)?,
                        row.try_get(3)?,
                        row.try_get(4)?,
                    ),
                    row.try_get(5)?,
                    row.try_get(6)?,
                    row.try_get(7)?,
                    row.try_get(8)?,
                ))
            })
            .collect()
    }

    fn load(&self, child: Option<&str>) -> Result<Vec<RawReturn>, StoreError> {
        let tables = self.rows(
            "SELECT id, collection_year, table_name, file FROM return_table
             WHERE superseded_by IS NULL ORDER BY collection_year, id",
            &[],
        )?;
        let rows = self.rows(
            "SELECT r.return_table_id, r.line, r.fields FROM return_row r
             JOIN return_table t ON t.id = r.return_table_id
             WHERE t.superseded_by IS NULL AND ($1::text IS NULL OR r.child = $1)
             ORDER BY r.return_table_id, r.line",
            &[&child],
        )?;
        let mut by_table: HashMap<i64, Vec<RawRow>> = HashMap::new();
        for row in &rows {
            let line: i64 = row.try_get(1)?;
            by_table
                .entry(row.try_get(0)?)
                .or_default()
                .push(RawRow::from_joined(line as u64, row.try_get(2)?));
        }
        tables
            .iter()
            .map(|row| {
                let id: i64 = row.try_get(0)?;
                Ok(StoredTable {
                    year: row.try_get(1)?,
                    name: row.try_get(2)?,
                    file: row.try_get(3)?,
                    rows: by_table.remove(&id).unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()
            .and_then(returns_from)
    }
}

/// Closing the connection waits on the client's own runtime too, so it is done as the
/// calls are, wherever the store is dropped.
impl Drop for PostgresStore {
    fn drop(&mut self) {
        if let Some(client) = self.client.get_mut().take() {
            outside_async(|| drop(client));
        }
    }
}

/// TLS that verifies the server's certificate against the public roots and the
/// certificates in `PGSSLROOTCERT`, if set.
fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect, StoreError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(file) = std::env::var_os("PGSSLROOTCERT") {
        let shown = Path::new(&file).display().to_string();
        let certificates = CertificateDer::pem_file_iter(&file)
            .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
            .map_err(|e| {
                StoreError::Unavailable(format!("cannot read the certificates in {shown}: {e}"))
            })?;
        for certificate in certificates {
            roots.add(certificate).map_err(|e| {
                StoreError::Unavailable(format!("a certificate in {shown} is not usable: {e}"))
            })?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(
        rustls::crypto::ring::default_provider().into(),
    )
    .with_safe_default_protocol_versions()
    .map_err(|e| StoreError::Unavailable(format!("TLS: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Runs blocking work (the PostgreSQL client waits on its own runtime) so that it may
/// be called from a task of the web server's multi-threaded runtime as from any thread.
fn outside_async<T>(work: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(work)
        }
        _ => work(),
    }
}

/// Whether an error is the connection's rather than the statement's: the connection
/// closed or could not be made (an I/O error), or the server refused it or is shutting
/// down (SQLSTATE classes 08 and 57). Worth trying again later.
pub(crate) fn connection_lost(error: &postgres::Error) -> bool {
    if error.is_closed() {
        return true;
    }
    if let Some(code) = error.code() {
        return matches!(&code.code()[..2], "08" | "57");
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if cause.is::<std::io::Error>() {
            return true;
        }
        source = cause.source();
    }
    false
}

/// An error with its causes, which say why (the server's message, a connection refused,
/// a certificate not trusted, ...).
pub(crate) fn describe(error: &postgres::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    message
}

fn version_of(client: &mut impl GenericClient) -> Result<i64, StoreError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_migration') IS NOT NULL", &[])?
        .try_get(0)?;
    if !exists {
        return Ok(0);
    }
    Ok(client
        .query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migration",
            &[],
        )?
        .try_get(0)?)
}

impl Backend for PostgresStore {
    fn schema_version(&self) -> Result<i64, StoreError> {
        PostgresStore::schema_version(self)
    }

    fn known_version(&self) -> i64 {
        MIGRATIONS.len() as i64
    }

    fn backup_to(&self, _out: &Path) -> Result<(), StoreError> {
        Err(StoreError::Unsupported(
            "a PostgreSQL database is backed up with the server's own tools: pg_dump \
             (see docs/operations.md)"
                .to_string(),
        ))
    }
}

fn audit_entry(row: &Row) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        at: row.try_get(0)?,
        actor: row.try_get(1)?,
        action: row.try_get(2)?,
        child: row.try_get(3)?,
        detail: row.try_get(4)?,
    })
}

impl Store for PostgresStore {
    fn data_version(&self) -> Result<DataVersion, StoreError> {
        let rows = self.rows(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM import_batch),
                    (SELECT COALESCE(MAX(id), 0) FROM tracker_record)",
            &[],
        )?;
        let row = rows
            .first()
            .ok_or_else(|| StoreError::Corrupt("no row for the data version".into()))?;
        Ok(DataVersion {
            import: row.try_get(0)?,
            tracker: row.try_get(1)?,
        })
    }

    fn current_returns(&self) -> Result<Vec<RawReturn>, StoreError> {
        self.load(None)
    }

    fn child_returns(&self, child: &str) -> Result<Vec<RawReturn>, StoreError> {
        self.load(Some(child))
    }

    fn save_import(&mut self, import: &NewImport<'_>) -> Result<i64, StoreError> {
        self.write(|transaction| {
            let batch: i64 = transaction
                .query_one(
                    "INSERT INTO import_batch (kind, imported_at, imported_by, source, summary)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[
                        &import.kind,
                        &now(),
                        &import.imported_by,
                        &import.source,
                        &import.summary,
                    ],
                )?
                .try_get(0)?;
            for (year, table) in &import.tables {
                let year = i64::from(year.0);
                let previous: Option<i64> = transaction
                    .query_opt(
                        "SELECT id FROM return_table
                         WHERE collection_year = $1 AND table_name = $2 AND superseded_by IS NULL",
                        &[&year, &table.table.name()],
                    )?
                    .map(|row| row.try_get(0))
                    .transpose()?;
                // The old table points at itself while the new one is added (one
                // current table per year and name at every moment), then at the new one.
                if let Some(previous) = previous {
                    transaction.execute(
                        "UPDATE return_table SET superseded_by = id WHERE id = $1",
                        &[&previous],
                    )?;
                }
                let table_id: i64 = transaction
                    .query_one(
                        "INSERT INTO return_table (batch_id, collection_year, table_name, file)
                         VALUES ($1, $2, $3, $4) RETURNING id",
                        &[&batch, &year, &table.table.name(), &table.file],
                    )?
                    .try_get(0)?;
                if let Some(previous) = previous {
                    transaction.execute(
                        "UPDATE return_table SET superseded_by = $1 WHERE id = $2",
                        &[&table_id, &previous],
                    )?;
                }
                let lines: Vec<i64> = table.rows.iter().map(|r| r.line as i64).collect();
                let children: Vec<&str> = table.rows.iter().map(|r| r.child()).collect();
                let fields: Vec<&str> = table.rows.iter().map(|r| r.joined()).collect();
                transaction.execute(
                    "INSERT INTO return_row (return_table_id, line, child, fields)
                     SELECT $1::bigint, * FROM unnest($2::bigint[], $3::text[], $4::text[])",
                    &[&table_id, &lines, &children, &fields],
                )?;
            }
            Ok(batch)
        })
    }

    fn audit(
        &mut self,
        actor: &str,
        action: &str,
        child: Option<&str>,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.with(|client| {
            client.execute(
                "INSERT INTO audit_log (at, actor, action, child, detail)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&now(), &actor, &action, &child, &detail],
            )?;
            Ok(())
        })
    }

    fn audit_log(&self, child: Option<&str>) -> Result<Vec<AuditEntry>, StoreError> {
        self.rows(
            "SELECT at, actor, action, child, detail FROM audit_log
             WHERE $1::text IS NULL OR child = $1 ORDER BY id DESC",
            &[&child],
        )?
        .iter()
        .map(audit_entry)
        .collect()
    }

    fn audit_search(
        &self,
        filter: &AuditFilter,
        offset: usize,
        limit: Option<usize>,
    ) -> Result<AuditPage, StoreError> {
        let (from, before) = filter.bounds()?;
        const WHERE: &str = "WHERE ($1::text IS NULL OR child = $1)
               AND ($2::text IS NULL OR lower(actor) = lower($2))
               AND ($3::text IS NULL OR at >= $3)
               AND ($4::text IS NULL OR at < $4)";
        let total: i64 = self
            .rows(
                &format!("SELECT count(*) FROM audit_log {WHERE}"),
                &[&filter.child, &filter.actor, &from, &before],
            )?
            .first()
            .map(|row| row.try_get(0))
            .transpose()?
            .unwrap_or(0);
        let limit = limit.map(|l| l as i64);
        let entries = self
            .rows(
                &format!(
                    "SELECT at, actor, action, child, detail FROM audit_log {WHERE}
                     ORDER BY id DESC LIMIT $5 OFFSET $6"
                ),
                &[
                    &filter.child,
                    &filter.actor,
                    &from,
                    &before,
                    &limit,
                    &(offset as i64),
                ],
            )?
            .iter()
            .map(audit_entry)
            .collect::<Result<_, _>>()?;
        Ok(AuditPage {
            entries,
            total: total as usize,
        })
    }

    fn known_children(&self) -> Result<BTreeSet<String>, StoreError> {
        self.rows(
            "SELECT DISTINCT r.child FROM return_row r
             JOIN return_table t ON t.id = r.return_table_id
             WHERE t.superseded_by IS NULL AND t.table_name = $1",
            &[&Table::Header.name()],
        )?
        .iter()
        .map(|row| Ok(row.try_get(0)?))
        .collect()
    }

    fn current_tracker_records(&self) -> Result<Vec<RawRecord>, StoreError> {
        self.tracker_records(
            "SELECT kind, source_file, source_line, fields FROM tracker_record
             WHERE superseded_by IS NULL ORDER BY kind, id",
            &[],
        )
    }

    fn child_tracker_records(&self, child: &str) -> Result<Vec<RawRecord>, StoreError> {
        self.tracker_records(
            "SELECT kind, source_file, source_line, fields FROM tracker_record
             WHERE superseded_by IS NULL AND (child = $1 OR child IS NULL) ORDER BY kind, id",
            &[&child],
        )
    }

    fn tracker_versions(&self, child: &str) -> Result<Vec<TrackerVersion>, StoreError> {
        self.versions(
            "SELECT id, kind, source_file, source_line, fields, recorded_at, recorded_by,
                    reason, superseded_by
             FROM tracker_record WHERE child = $1 ORDER BY kind, record_key, id",
            &[&child],
        )
    }

    fn save_tracker_import(&mut self, import: &NewTrackerImport<'_>) -> Result<i64, StoreError> {
        self.write(|transaction| {
            let at = now();
            let batch = new_batch(
                transaction,
                &at,
                import.recorded_by,
                import.source,
                import.summary,
            )?;
            let saved =
                insert_versions(transaction, batch, &at, import.recorded_by, &import.records)?;
            for (child, detail) in import_audit(import, &saved) {
                transaction.execute(
                    "INSERT INTO audit_log (at, actor, action, child, detail)
                     VALUES ($1, $2, 'import_tracker', $3, $4)",
                    &[&at, &import.recorded_by, &child, &detail],
                )?;
            }
            Ok(batch)
        })
    }

    fn tracker_record_versions(
        &self,
        kind: Kind,
        key: &str,
    ) -> Result<Vec<TrackerVersion>, StoreError> {
        self.versions(
            "SELECT id, kind, source_file, source_line, fields, recorded_at, recorded_by,
                    reason, superseded_by
             FROM tracker_record WHERE kind = $1 AND record_key = $2 ORDER BY id",
            &[&kind.name(), &key],
        )
    }

    fn save_tracker_edit(
        &mut self,
        record: &RawRecord,
        recorded_by: &str,
        reason: &str,
        base: Option<i64>,
    ) -> Result<i64, StoreError> {
        self.write(|transaction| {
            let at = now();
            let current: Option<i64> = transaction
                .query_opt(
                    "SELECT id FROM tracker_record
                     WHERE kind = $1 AND record_key = $2 AND superseded_by IS NULL",
                    &[&record.kind.name(), &record.key()],
                )?
                .map(|row| row.try_get(0))
                .transpose()?;
            if current != base {
                return Err(StoreError::Conflict { base, current });
            }
            let batch = new_batch(
                transaction,
                &at,
                recorded_by,
                &record.file,
                &format!("{} {}", record.kind.name(), record.key_text()),
            )?;
            let saved = insert_versions(transaction, batch, &at, recorded_by, &[(record, reason)])?;
            let Some(saved) = saved.into_iter().next().flatten() else {
                // The same as the current version: nothing to record.
                return current.ok_or_else(|| StoreError::Corrupt("no version was saved".into()));
            };
            let (action, detail) = edit_audit(record, reason, &saved);
            transaction.execute(
                "INSERT INTO audit_log (at, actor, action, child, detail)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&at, &recorded_by, &action, &record.child(), &detail],
            )?;
            Ok(saved.id)
        })
    }
}

/// Starts a batch of tracker records and gives its id.
fn new_batch(
    transaction: &mut Transaction<'_>,
    at: &str,
    recorded_by: &str,
    source: &str,
    summary: &str,
) -> Result<i64, StoreError> {
    Ok(transaction
        .query_one(
            "INSERT INTO import_batch (kind, imported_at, imported_by, source, summary)
             VALUES ('tracker', $1, $2, $3, $4) RETURNING id",
            &[&at, &recorded_by, &source, &summary],
        )?
        .try_get(0)?)
}

/// Stores each record as a new version in `batch`, superseding the current version of
/// its kind and key (kept), in three statements whatever the number of records: the
/// current versions of the kinds concerned are read, the superseded ones marked, the
/// new ones inserted (a record given twice is superseded by its second version as it
/// is inserted). A record identical to its current version is passed over. Called
/// holding the write lock, which makes the ids safe to give here.
fn insert_versions(
    transaction: &mut Transaction<'_>,
    batch: i64,
    at: &str,
    recorded_by: &str,
    records: &[(&RawRecord, &str)],
) -> Result<Vec<Option<Saved>>, StoreError> {
    let mut next_id: i64 = transaction
        .query_one("SELECT coalesce(max(id), 0) + 1 FROM tracker_record", &[])?
        .try_get(0)?;
    let kinds: Vec<&str> = records
        .iter()
        .map(|(r, _)| r.kind.name())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // (kind, key) -> (current version, its values, whether stored before this batch).
    let mut current: HashMap<(String, String), (i64, String, bool)> = HashMap::new();
    for row in transaction.query(
        "SELECT kind, record_key, id, fields FROM tracker_record
         WHERE superseded_by IS NULL AND kind = ANY($1)",
        &[&kinds],
    )? {
        current.insert(
            (row.try_get(0)?, row.try_get(1)?),
            (row.try_get(2)?, row.try_get(3)?, true),
        );
    }
    let mut supersede: Vec<(i64, i64)> = Vec::new();
    let mut new: Vec<(i64, &RawRecord, &str, String)> = Vec::new();
    let mut superseded_in_batch: HashMap<i64, i64> = HashMap::new();
    let mut saved = Vec::with_capacity(records.len());
    for (record, reason) in records {
        let key = (record.kind.name().to_string(), record.key());
        let previous = current.get(&key).cloned();
        if let Some((_, fields, _)) = &previous
            && fields == record.joined()
        {
            saved.push(None);
            continue;
        }
        let id = next_id;
        next_id += 1;
        match &previous {
            Some((old, _, true)) => supersede.push((*old, id)),
            Some((old, _, false)) => {
                superseded_in_batch.insert(*old, id);
            }
            None => {}
        }
        new.push((id, record, reason, key.1.clone()));
        current.insert(key, (id, record.joined().to_string(), false));
        saved.push(Some(Saved {
            id,
            superseded: previous.map(|(old, _, _)| old),
        }));
    }
    let (old, by): (Vec<i64>, Vec<i64>) = supersede.into_iter().unzip();
    transaction.execute(
        "UPDATE tracker_record t SET superseded_by = s.by
         FROM unnest($1::bigint[], $2::bigint[]) AS s(old, by) WHERE t.id = s.old",
        &[&old, &by],
    )?;
    let ids: Vec<i64> = new.iter().map(|(id, ..)| *id).collect();
    let kinds: Vec<&str> = new.iter().map(|(_, r, ..)| r.kind.name()).collect();
    let keys: Vec<&str> = new.iter().map(|(.., key)| key.as_str()).collect();
    let children: Vec<Option<&str>> = new.iter().map(|(_, r, ..)| r.child()).collect();
    let fields: Vec<&str> = new.iter().map(|(_, r, ..)| r.joined()).collect();
    let reasons: Vec<&str> = new.iter().map(|(_, _, reason, _)| *reason).collect();
    let files: Vec<&str> = new.iter().map(|(_, r, ..)| r.file.as_str()).collect();
    let lines: Vec<i64> = new.iter().map(|(_, r, ..)| r.line as i64).collect();
    let superseded_by: Vec<Option<i64>> = ids
        .iter()
        .map(|id| superseded_in_batch.get(id).copied())
        .collect();
    transaction.execute(
        "INSERT INTO tracker_record (id, batch_id, kind, record_key, child, fields, recorded_at,
             recorded_by, reason, source_file, source_line, superseded_by)
         SELECT n.id, $2, n.kind, n.record_key, n.child, n.fields, $3, $4, n.reason, n.file,
             n.line, n.superseded_by
         FROM unnest($1::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
             $10::text[], $11::bigint[], $12::bigint[])
             AS n(id, kind, record_key, child, fields, reason, file, line, superseded_by)",
        &[
            &ids,
            &batch,
            &at,
            &recorded_by,
            &kinds,
            &keys,
            &children,
            &fields,
            &reasons,
            &files,
            &lines,
            &superseded_by,
        ],
    )?;
    Ok(saved)
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.staff_id, u.password_hash, u.disabled, u.created_at";

fn user_row(row: &Row, offset: usize) -> Result<User, StoreError> {
    Ok(User {
        id: row.try_get(offset)?,
        username: row.try_get(offset + 1)?,
        display_name: row.try_get(offset + 2)?,
        role: row.try_get(offset + 3)?,
        staff_id: row.try_get(offset + 4)?,
        password_hash: row.try_get(offset + 5)?,
        disabled: row.try_get(offset + 6)?,
        created_at: row.try_get(offset + 7)?,
    })
}

impl PostgresStore {
    /// Changes a user (by username, any case) and ends their sessions, in one step.
    fn change_user(
        &mut self,
        sql: &str,
        username: &str,
        value: &(dyn postgres::types::ToSql + Sync),
    ) -> Result<bool, StoreError> {
        self.with(|client| {
            let mut transaction = client.transaction()?;
            let changed = transaction.execute(sql, &[&username, value])?;
            transaction.execute(
                "DELETE FROM app_session
                 WHERE user_id IN (SELECT id FROM app_user WHERE lower(username) = lower($1))",
                &[&username],
            )?;
            transaction.commit()?;
            Ok(changed == 1)
        })
    }
}

impl Accounts for PostgresStore {
    fn add_user(&mut self, user: &NewUser<'_>) -> Result<i64, StoreError> {
        if self.user_by_username(user.username)?.is_some() {
            return Err(StoreError::Exists(format!(
                "a user named '{}' already exists",
                user.username
            )));
        }
        let id = self.rows(
            "INSERT INTO app_user (username, display_name, role, staff_id, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                &user.username,
                &user.display_name,
                &user.role,
                &user.staff_id,
                &user.password_hash,
                &now(),
            ],
        )?;
        Ok(id
            .first()
            .ok_or_else(|| StoreError::Corrupt("no user was added".into()))?
            .try_get(0)?)
    }

    fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        self.rows(
            &format!("SELECT {USER_COLUMNS} FROM app_user u WHERE lower(u.username) = lower($1)"),
            &[&username],
        )?
        .first()
        .map(|row| user_row(row, 0))
        .transpose()
    }

    fn users(&self) -> Result<Vec<User>, StoreError> {
        self.rows(
            &format!("SELECT {USER_COLUMNS} FROM app_user u ORDER BY lower(u.username)"),
            &[],
        )?
        .iter()
        .map(|row| user_row(row, 0))
        .collect()
    }

    fn set_disabled(&mut self, username: &str, disabled: bool) -> Result<bool, StoreError> {
        self.change_user(
            "UPDATE app_user SET disabled = $2 WHERE lower(username) = lower($1)",
            username,
            &disabled,
        )
    }

    fn set_password_hash(&mut self, username: &str, hash: &str) -> Result<bool, StoreError> {
        self.change_user(
            "UPDATE app_user SET password_hash = $2 WHERE lower(username) = lower($1)",
            username,
            &hash,
        )
    }

    fn create_session(&mut self, session: &Session) -> Result<(), StoreError> {
        self.with(|client| {
            client.execute(
                "INSERT INTO app_session (token_hash, user_id, csrf_token, created_at,
                     last_seen_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &session.token_hash,
                    &session.user_id,
                    &session.csrf_token,
                    &session.created_at,
                    &session.last_seen_at,
                    &session.expires_at,
                ],
            )?;
            Ok(())
        })
    }

    fn session(&self, token_hash: &str) -> Result<Option<(Session, User)>, StoreError> {
        self.rows(
            &format!(
                "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at,
                        s.expires_at, {USER_COLUMNS}
                 FROM app_session s JOIN app_user u ON u.id = s.user_id
                 WHERE s.token_hash = $1"
            ),
            &[&token_hash],
        )?
        .first()
        .map(|row| {
            Ok((
                Session {
                    token_hash: row.try_get(0)?,
                    user_id: row.try_get(1)?,
                    csrf_token: row.try_get(2)?,
                    created_at: row.try_get(3)?,
                    last_seen_at: row.try_get(4)?,
                    expires_at: row.try_get(5)?,
                },
                user_row(row, 6)?,
            ))
        })
        .transpose()
    }

    fn touch_session(&mut self, token_hash: &str, at: i64) -> Result<(), StoreError> {
        self.with(|client| {
            client.execute(
                "UPDATE app_session SET last_seen_at = $2 WHERE token_hash = $1",
                &[&token_hash, &at],
            )?;
            Ok(())
        })
    }

    fn delete_session(&mut self, token_hash: &str) -> Result<(), StoreError> {
        self.with(|client| {
            client.execute(
                "DELETE FROM app_session WHERE token_hash = $1",
                &[&token_hash],
            )?;
            Ok(())
        })
    }

    fn delete_stale_sessions(&mut self, now: i64, idle_before: i64) -> Result<usize, StoreError> {
        self.with(|client| {
            Ok(client.execute(
                "DELETE FROM app_session WHERE expires_at <= $1 OR last_seen_at < $2",
                &[&now, &idle_before],
            )? as usize)
        })
    }
}

fn date(row: &Row, index: usize) -> Result<Date, StoreError> {
    parse_text(row.try_get::<_, String>(index)?)
}

fn optional_date(row: &Row, index: usize) -> Result<Option<Date>, StoreError> {
    row.try_get::<_, Option<String>>(index)?
        .map(parse_text)
        .transpose()
}

fn alert_row(row: &Row) -> Result<Alert, StoreError> {
    Ok(Alert {
        id: row.try_get(0)?,
        rule: row.try_get(1)?,
        child: row.try_get(2)?,
        subject: row.try_get(3)?,
        title: row.try_get(4)?,
        opened_on: date(row, 5)?,
        closed_on: optional_date(row, 6)?,
        status: parse_text(row.try_get::<_, String>(7)?)?,
        due: optional_date(row, 8)?,
        owner_role: parse_text(row.try_get::<_, String>(9)?)?,
        owner: row.try_get(10)?,
        escalated_to_role: parse_text(row.try_get::<_, String>(11)?)?,
        escalated_to: row.try_get(12)?,
        decision: row.try_get(13)?,
        decision_due: optional_date(row, 14)?,
        evidence: row.try_get(15)?,
    })
}

fn event_row(row: &Row) -> Result<AlertEvent, StoreError> {
    Ok(AlertEvent {
        alert: row.try_get(0)?,
        run: row.try_get(1)?,
        on_day: date(row, 2)?,
        kind: row.try_get(3)?,
        detail: row.try_get(4)?,
    })
}

fn run_row(row: &Row) -> Result<EvaluationRun, StoreError> {
    let count = |i| row.try_get::<_, i64>(i).map(|n| n as usize);
    Ok(EvaluationRun {
        id: row.try_get(0)?,
        started_at: row.try_get(1)?,
        finished_at: row.try_get(2)?,
        as_of: date(row, 3)?,
        trigger: row.try_get(4)?,
        actor: row.try_get(5)?,
        children: count(6)?,
        findings: count(7)?,
        opened: count(8)?,
        changed: count(9)?,
        closed: count(10)?,
    })
}

impl PostgresStore {
    fn alerts_where(
        &self,
        clause: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Alert>, StoreError> {
        self.rows(
            &format!("SELECT {ALERT_COLUMNS} FROM alert WHERE {clause}"),
            params,
        )?
        .iter()
        .map(alert_row)
        .collect()
    }
}

impl Alerts for PostgresStore {
    fn record_evaluation(
        &mut self,
        run: &NewRun<'_>,
        findings: &[Finding],
    ) -> Result<EvaluationRun, StoreError> {
        self.write(|transaction| {
            // Read under the write lock: another process's evaluation is applied
            // before this one plans, never over it.
            let open = transaction
                .query(
                    &format!("SELECT {ALERT_COLUMNS} FROM alert WHERE {OPEN_ALERTS}"),
                    &[],
                )?
                .iter()
                .map(alert_row)
                .collect::<Result<Vec<_>, _>>()?;
            let plan = plan_evaluation(&open, findings);
            let as_of = run.as_of.to_string();
            let run_id: i64 = transaction
                .query_one(
                    "INSERT INTO evaluation_run (started_at, finished_at, as_of, trigger, actor,
                         children, findings, opened, changed, closed)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    &[
                        &run.started_at,
                        &now(),
                        &as_of,
                        &run.trigger,
                        &run.actor,
                        &(run.children as i64),
                        &(findings.len() as i64),
                        &(plan.open.len() as i64),
                        &(plan.update.iter().filter(|u| !u.events.is_empty()).count() as i64),
                        &(plan.close.len() as i64),
                    ],
                )?
                .try_get(0)?;
            let event = transaction.prepare(
                "INSERT INTO alert_event (alert_id, run_id, on_day, kind, detail)
                 VALUES ($1, $2, $3, $4, $5)",
            )?;
            let insert = transaction.prepare(
                "INSERT INTO alert (rule, child, subject, title, opened_on, status, due,
                     owner_role, owner, escalated_to_role, escalated_to, decision, decision_due,
                     evidence)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                 RETURNING id",
            )?;
            let update = transaction.prepare(
                "UPDATE alert SET status = $2, due = $3, owner_role = $4, owner = $5,
                     escalated_to_role = $6, escalated_to = $7, decision = $8, decision_due = $9,
                     evidence = $10
                 WHERE id = $1",
            )?;
            for finding in &plan.open {
                let decision = finding.decision.as_ref();
                let id: i64 = transaction
                    .query_one(
                        &insert,
                        &[
                            &finding.rule,
                            &finding.child,
                            &finding.subject.as_deref().unwrap_or(""),
                            &finding.title,
                            &as_of,
                            &finding.status.as_str(),
                            &finding.due.map(|d| d.to_string()),
                            &finding.owner_role.as_str(),
                            &finding.owner,
                            &finding.escalated_to.as_str(),
                            &finding.escalated_to_person,
                            &decision.map(|d| d.id.as_str()),
                            &decision.map(|d| d.due.to_string()),
                            &finding.evidence_text(),
                        ],
                    )?
                    .try_get(0)?;
                transaction.execute(
                    &event,
                    &[&id, &run_id, &as_of, &"opened", &opened_detail(finding)],
                )?;
            }
            for AlertUpdate {
                alert: id,
                finding,
                events,
            } in &plan.update
            {
                let decision = finding.decision.as_ref();
                transaction.execute(
                    &update,
                    &[
                        id,
                        &finding.status.as_str(),
                        &finding.due.map(|d| d.to_string()),
                        &finding.owner_role.as_str(),
                        &finding.owner,
                        &finding.escalated_to.as_str(),
                        &finding.escalated_to_person,
                        &decision.map(|d| d.id.as_str()),
                        &decision.map(|d| d.due.to_string()),
                        &finding.evidence_text(),
                    ],
                )?;
                for (kind, detail) in events {
                    transaction.execute(&event, &[id, &run_id, &as_of, kind, detail])?;
                }
            }
            for id in &plan.close {
                transaction.execute(
                    "UPDATE alert SET closed_on = $2 WHERE id = $1",
                    &[id, &as_of],
                )?;
                transaction.execute(&event, &[id, &run_id, &as_of, &"closed", &CLOSED_DETAIL])?;
            }
            run_row(&transaction.query_one(
                &format!("SELECT {EVALUATION_RUN_COLUMNS} FROM evaluation_run WHERE id = $1"),
                &[&run_id],
            )?)
        })
    }

    fn open_alerts(&self) -> Result<Vec<Alert>, StoreError> {
        self.alerts_where(OPEN_ALERTS, &[])
    }

    fn open_alerts_for(&self, staff_id: &str) -> Result<Vec<Alert>, StoreError> {
        self.alerts_where(
            "closed_on IS NULL AND (owner = $1 OR escalated_to = $1)
             ORDER BY due IS NULL, due, child, rule, id",
            &[&staff_id],
        )
    }

    fn child_alerts(&self, child: &str) -> Result<Vec<Alert>, StoreError> {
        self.alerts_where("child = $1 ORDER BY id DESC", &[&child])
    }

    fn alert(&self, id: i64) -> Result<Option<Alert>, StoreError> {
        Ok(self.alerts_where("id = $1", &[&id])?.pop())
    }

    fn alert_events(&self, alert: i64) -> Result<Vec<AlertEvent>, StoreError> {
        self.rows(
            "SELECT alert_id, run_id, on_day, kind, detail FROM alert_event
             WHERE alert_id = $1 ORDER BY id",
            &[&alert],
        )?
        .iter()
        .map(event_row)
        .collect()
    }

    fn alert_activity(&self, from: Date, to: Date) -> Result<Vec<AlertActivity>, StoreError> {
        self.rows(
            "SELECT e.alert_id, e.run_id, e.on_day, e.kind, e.detail, a.rule, a.child
             FROM alert_event e JOIN alert a ON a.id = e.alert_id
             WHERE e.on_day BETWEEN $1 AND $2 ORDER BY e.id",
            &[&from.to_string(), &to.to_string()],
        )?
        .iter()
        .map(|row| {
            Ok(AlertActivity {
                event: event_row(row)?,
                rule: row.try_get(5)?,
                child: row.try_get(6)?,
            })
        })
        .collect()
    }

    fn evaluation_runs(&self, limit: usize) -> Result<Vec<EvaluationRun>, StoreError> {
        self.rows(
            &format!(
                "SELECT {EVALUATION_RUN_COLUMNS} FROM evaluation_run ORDER BY id DESC LIMIT $1"
            ),
            &[&(limit as i64)],
        )?
        .iter()
        .map(run_row)
        .collect()
    }
}
