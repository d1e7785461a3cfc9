//! The store's test suite runs on both backends: [`both!`] makes each test twice, once
//! on a SQLite file and once on PostgreSQL. The PostgreSQL tests need a server: set
//! `PERMANENCE_TEST_POSTGRES` to a URL of a database the tests may create schemas in
//! (`.ci/postgres` makes one and prints it). Without it they say they were skipped and
//! pass, unless `PERMANENCE_REQUIRE_POSTGRES` is set (as CI sets it), when they fail.
//! Each PostgreSQL test works in a schema of its own, dropped afterwards.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{Backend, Location, PostgresStore, SqliteStore};

/// A store under test, with what a test needs beyond the [`Backend`] interface: plain
/// SQL (to check what the interface must refuse), and more connections to the same
/// database.
pub(crate) struct TestStore {
    store: Box<dyn Backend>,
    target: Target,
}

enum Target {
    Sqlite(tempfile::TempDir),
    Postgres { url: String, schema: String },
}

/// How many PostgreSQL schemas this process has made (for their names).
static SCHEMAS: AtomicUsize = AtomicUsize::new(0);

impl TestStore {
    /// A new SQLite database in a temporary folder.
    pub(crate) fn sqlite() -> TestStore {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("test.db")).unwrap();
        TestStore {
            store: Box::new(store),
            target: Target::Sqlite(dir),
        }
    }

    /// A new, migrated PostgreSQL schema, or `None` (having said so) when no server is
    /// configured.
    pub(crate) fn postgres(test: &str) -> Option<TestStore> {
        let Ok(base) = std::env::var("PERMANENCE_TEST_POSTGRES") else {
            assert!(
                std::env::var_os("PERMANENCE_REQUIRE_POSTGRES").is_none(),
                "PERMANENCE_REQUIRE_POSTGRES is set but PERMANENCE_TEST_POSTGRES is not"
            );
            eprintln!("skipped {test} on PostgreSQL: PERMANENCE_TEST_POSTGRES is not set");
            return None;
        };
        let schema = format!(
            "test_{}_{}",
            std::process::id(),
            SCHEMAS.fetch_add(1, Ordering::Relaxed)
        );
        let admin = PostgresStore::connect(&base).unwrap();
        admin
            .with(|client| {
                client.batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
                ))?;
                Ok(())
            })
            .unwrap();
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
        let store = Location::Postgres(url.clone()).open().unwrap();
        Some(TestStore {
            store,
            target: Target::Postgres { url, schema },
        })
    }

    /// Where the database is.
    pub(crate) fn location(&self) -> Location {
        match &self.target {
            Target::Sqlite(dir) => Location::Sqlite(dir.path().join("test.db")),
            Target::Postgres { url, .. } => Location::Postgres(url.clone()),
        }
    }

    /// Another connection to the same database.
    pub(crate) fn another(&self) -> Box<dyn Backend> {
        self.location().open_existing().unwrap().unwrap()
    }

    /// Runs plain SQL on the database, giving the number of rows changed.
    pub(crate) fn raw(&self, sql: &str) -> Result<u64, crate::StoreError> {
        match &self.target {
            Target::Sqlite(dir) => {
                let connection = rusqlite::Connection::open(dir.path().join("test.db"))?;
                Ok(connection.execute(sql, [])? as u64)
            }
            Target::Postgres { url, .. } => {
                let store = PostgresStore::connect(url)?;
                store.with(|client| Ok(client.execute(sql, &[])?))
            }
        }
    }

    /// The number a `SELECT count(*) ...` gives.
    pub(crate) fn count(&self, sql: &str) -> i64 {
        match &self.target {
            Target::Sqlite(dir) => rusqlite::Connection::open(dir.path().join("test.db"))
                .unwrap()
                .query_row(sql, [], |row| row.get(0))
                .unwrap(),
            Target::Postgres { url, .. } => PostgresStore::connect(url)
                .unwrap()
                .with(|client| Ok(client.query_one(sql, &[])?.get(0)))
                .unwrap(),
        }
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Target::Postgres { schema, .. } = &self.target
            && let Ok(base) = std::env::var("PERMANENCE_TEST_POSTGRES")
            && let Ok(admin) = PostgresStore::connect(&base)
        {
            let _ = admin.with(|client| {
                client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))?;
                Ok(())
            });
        }
    }
}

impl Deref for TestStore {
    type Target = dyn Backend;

    fn deref(&self) -> &(dyn Backend + 'static) {
        &*self.store
    }
}

impl DerefMut for TestStore {
    fn deref_mut(&mut self) -> &mut (dyn Backend + 'static) {
        &mut *self.store
    }
}

/// Makes a test of the store twice, as a module of the test's name with a `sqlite` and
/// a `postgres` test: `both! { fn name(store) { ... } }`, where `store` is a
/// [`TestStore`] (usable as a `dyn Backend`). The body sees the enclosing module's items.
macro_rules! both {
    ($(#[$meta:meta])* fn $name:ident($store:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[allow(unused_mut)]
            fn the_test(mut $store: $crate::suite::TestStore) $body

            #[test]
            fn sqlite() {
                the_test($crate::suite::TestStore::sqlite());
            }

            #[test]
            fn postgres() {
                if let Some(store) =
                    $crate::suite::TestStore::postgres(module_path!())
                {
                    the_test(store);
                }
            }
        }
    };
    ($($(#[$meta:meta])* fn $name:ident($store:ident) $body:block)+) => {
        $(both! { $(#[$meta])* fn $name($store) $body })+
    };
}

pub(crate) use both;

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::sync::atomic::AtomicBool;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::StoreError;

    /// A TCP relay to the PostgreSQL server that can be cut (every connection dropped,
    /// new ones refused) and restored, as a server restart or a network failure would.
    struct Relay {
        port: u16,
        down: Arc<AtomicBool>,
        live: Arc<Mutex<Vec<TcpStream>>>,
    }

    impl Relay {
        fn start(upstream: String) -> Relay {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            let down = Arc::new(AtomicBool::new(false));
            let live: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
            let (cut, kept) = (down.clone(), live.clone());
            std::thread::spawn(move || {
                for client in listener.incoming().flatten() {
                    if cut.load(Ordering::SeqCst) {
                        continue;
                    }
                    let Ok(server) = TcpStream::connect(&upstream) else {
                        continue;
                    };
                    let mut kept = kept.lock().unwrap();
                    for (mut from, mut to) in [
                        (client.try_clone().unwrap(), server.try_clone().unwrap()),
                        (server.try_clone().unwrap(), client.try_clone().unwrap()),
                    ] {
                        std::thread::spawn(move || {
                            let _ = std::io::copy(&mut from, &mut to);
                            let _ = to.flush();
                            let _ = to.shutdown(Shutdown::Both);
                        });
                    }
                    kept.extend([client, server]);
                }
            });
            Relay { port, down, live }
        }

        fn cut(&self) {
            self.down.store(true, Ordering::SeqCst);
            for stream in self.live.lock().unwrap().drain(..) {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }

        fn restore(&self) {
            self.down.store(false, Ordering::SeqCst);
        }
    }

    /// The database out of reach is reported as unavailable (which the web application
    /// answers with "try again"), and the store reconnects by itself when it is back.
    #[test]
    fn a_database_out_of_reach_is_unavailable_and_then_recovers() {
        let Some(store) = TestStore::postgres(module_path!()) else {
            return;
        };
        let Location::Postgres(url) = store.location() else {
            unreachable!()
        };
        let config: postgres::Config = url.parse().unwrap();
        let host = match &config.get_hosts()[0] {
            postgres::config::Host::Tcp(host) => host.clone(),
            #[allow(unreachable_patterns)]
            _ => return eprintln!("skipped: the test server is not reached over TCP"),
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let relay = Relay::start(format!("{host}:{port}"));
        // The same URL with the relay's address in place of the server's.
        let (scheme, rest) = url.split_once("://").unwrap();
        let (credentials, tail) = rest.split_once('@').unwrap();
        let path = &tail[tail.find('/').unwrap()..];
        let relayed = format!("{scheme}://{credentials}@127.0.0.1:{}{path}", relay.port);
        let mut db = Location::Postgres(relayed)
            .open_existing()
            .unwrap()
            .unwrap();

        db.audit("worker", "view_child", Some("C1"), "before")
            .unwrap();
        relay.cut();
        match db.audit("worker", "view_child", Some("C1"), "while cut") {
            Err(StoreError::Unavailable(_)) => {}
            other => panic!("expected the database to be unavailable, got {other:?}"),
        }
        assert!(matches!(
            db.audit_log(None),
            Err(StoreError::Unavailable(_))
        ));
        relay.restore();
        db.audit("worker", "view_child", Some("C1"), "after")
            .unwrap();
        let details: Vec<String> = db
            .audit_log(None)
            .unwrap()
            .into_iter()
            .map(|e| e.detail)
            .collect();
        assert_eq!(details, ["after", "before"]);
    }

    /// `sslmode=require` never falls back to an unencrypted connection, and a server
    /// whose certificate does not chain to a trusted root is refused, saying why.
    #[test]
    fn a_connection_that_requires_tls_is_encrypted_and_verified_or_refused() {
        let Some(store) = TestStore::postgres(module_path!()) else {
            return;
        };
        if std::env::var_os("PGSSLROOTCERT").is_some() {
            return eprintln!("skipped: PGSSLROOTCERT is set, so the server may be trusted");
        }
        let Location::Postgres(url) = store.location() else {
            unreachable!()
        };
        let error = Location::Postgres(format!("{url}&sslmode=require"))
            .open_existing()
            .err();
        // A server with TLS on and a certificate of its own (Debian's default) fails
        // the verification; one without TLS cannot give an encrypted connection.
        match &error {
            Some(StoreError::Unavailable(message))
                if message.contains("certificate") || message.contains("TLS") => {}
            other => panic!("expected a refusal for want of TLS, got {other:?}"),
        }
    }

    /// The web server opens, uses and drops stores on its runtime's worker threads.
    #[test]
    fn a_postgres_store_is_used_and_dropped_on_the_servers_runtime() {
        let Some(store) = TestStore::postgres(module_path!()) else {
            return;
        };
        let location = store.location();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        runtime.block_on(async move {
            let mut db = location.open_existing().unwrap().unwrap();
            db.audit("worker", "view_child", Some("C1"), "").unwrap();
            assert_eq!(db.audit_log(None).unwrap().len(), 1);
            drop(db);
        });
    }

    #[test]
    fn a_postgres_database_that_is_empty_behind_or_ahead_is_told_apart() {
        let Some(store) = TestStore::postgres(module_path!()) else {
            return;
        };
        let location = store.location();
        assert_eq!(location.migrate().unwrap(), (4, 4));
        // Read-only connections refuse every write.
        let mut reader = location.open_read_only().unwrap().unwrap();
        assert!(reader.audit("x", "view_child", None, "").is_err());
        // A database newer than this program is refused, whichever way it is opened.
        store
            .raw("INSERT INTO schema_migration (version, applied_at) VALUES (99, 'later')")
            .unwrap();
        for error in [
            location.open().err(),
            location.open_existing().err(),
            location.open_read_only().err(),
        ] {
            assert!(
                matches!(
                    error,
                    Some(StoreError::TooNew {
                        found: 99,
                        known: 4
                    })
                ),
                "{error:?}"
            );
        }
        store.raw("DROP TABLE schema_migration").unwrap();
        // Without the record of migrations, the database reads as empty: nothing to open.
        assert!(location.open_existing().unwrap().is_none());
        assert!(location.open_read_only().unwrap().is_none());
    }
}
