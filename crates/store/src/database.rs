//! Choosing a backend and opening it: a SQLite file (the embedded default) or a
//! PostgreSQL server (for a council's deployment shared by many staff and by several
//! server processes). Everything above the store sees a [`Database`] and nothing else.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::{Accounts, Alerts, PostgresStore, SqliteStore, Store, StoreError};

/// Everything a backend does: the records ([`Store`]), the web application's accounts
/// ([`Accounts`]) and the alerts ([`Alerts`]), with what differs between backends.
pub trait Backend: Store + Accounts + Alerts + Send {
    /// How many of this backend's migrations have been applied.
    fn schema_version(&self) -> Result<i64, StoreError>;
    /// How many migrations this program knows for this backend.
    fn known_version(&self) -> i64;
    /// Writes a consistent copy of the whole database to `out`, a file that must not
    /// exist yet, while others go on reading and writing it.
    fn backup_to(&self, out: &Path) -> Result<(), StoreError>;
    /// Sets the connection up for a server that many requests use at once.
    fn for_server(&self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// An open database of either backend.
pub type Database = Box<dyn Backend>;

/// Where the database is: a SQLite file, or a PostgreSQL connection string
/// (`postgres://user:password@host:port/database`, or `postgresql://...`).
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL server and database.
    Postgres(String),
}

impl Location {
    /// Reads a `--db` value: a `postgres://` or `postgresql://` URL names a PostgreSQL
    /// database, anything else a SQLite file.
    pub fn parse(text: &str) -> Location {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Location::Postgres(text.to_string())
        } else {
            Location::Sqlite(PathBuf::from(text))
        }
    }

    /// Opens the database, creating it (a SQLite file) if needed, and brings its schema
    /// up to date.
    pub fn open(&self) -> Result<Database, StoreError> {
        Ok(match self {
            Location::Sqlite(path) => Box::new(SqliteStore::open(path)?),
            Location::Postgres(url) => {
                let store = PostgresStore::connect(url)?;
                store.migrate()?;
                Box::new(store)
            }
        })
    }

    /// Opens the database, bringing its schema up to date, only if it exists: a SQLite
    /// file that is there (never created); a PostgreSQL database that has been migrated
    /// at least once (`permanence migrate`, or an import).
    pub fn open_existing(&self) -> Result<Option<Database>, StoreError> {
        Ok(match self {
            Location::Sqlite(path) => SqliteStore::open_existing(path)?.map(boxed),
            Location::Postgres(url) => PostgresStore::connect_existing(url)?
                .map(|store| store.migrate().map(|()| boxed(store)))
                .transpose()?,
        })
    }

    /// Opens the database for reading only, if it exists: never creates, migrates or
    /// otherwise changes it (for checking an import before anything is written).
    pub fn open_read_only(&self) -> Result<Option<Database>, StoreError> {
        Ok(match self {
            Location::Sqlite(path) => SqliteStore::open_read_only(path)?.map(boxed),
            Location::Postgres(url) => PostgresStore::connect_existing(url)?
                .map(|store| {
                    store.check_version()?;
                    store.read_only()?;
                    Ok::<_, StoreError>(boxed(store))
                })
                .transpose()?,
        })
    }

    /// Brings the database's schema up to date (creating a SQLite file if needed) and
    /// gives its schema version before and after.
    pub fn migrate(&self) -> Result<(i64, i64), StoreError> {
        match self {
            Location::Sqlite(path) => {
                let before = match SqliteStore::open_read_only(path)? {
                    Some(store) => store.schema_version()?,
                    None => 0,
                };
                Ok((before, SqliteStore::open(path)?.schema_version()?))
            }
            Location::Postgres(url) => {
                let store = PostgresStore::connect(url)?;
                let before = store.schema_version()?;
                store.migrate()?;
                Ok((before, store.schema_version()?))
            }
        }
    }

    /// The SQLite file's path (`None` for PostgreSQL).
    pub fn file(&self) -> Option<&Path> {
        match self {
            Location::Sqlite(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }
}

fn boxed(store: impl Backend + 'static) -> Database {
    Box::new(store)
}

/// The file's path, or the PostgreSQL server and database without the password, for
/// messages and logs.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "{}", path.display()),
            Location::Postgres(url) => f.write_str(&redacted(url)),
        }
    }
}

/// As [`Display`](fmt::Display): never shows a password.
impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Location({self})")
    }
}

/// A PostgreSQL URL with its password, and any `password=` parameter, replaced.
fn redacted(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{credentials}@{host}"),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_string(),
                })
                .collect::<Vec<_>>()
                .join("&");
            format!("{path}?{query}")
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_names_postgres_and_anything_else_a_file() {
        assert!(matches!(
            Location::parse("postgres://u@h/db"),
            Location::Postgres(_)
        ));
        assert!(matches!(
            Location::parse("postgresql://u@h/db"),
            Location::Postgres(_)
        ));
        assert_eq!(
            Location::parse("postgres.db"),
            Location::Sqlite(PathBuf::from("postgres.db"))
        );
    }

    #[test]
    fn passwords_never_show() {
        for (url, shown) in [
            (
                "postgres://permanence:s3cret@db.example:5432/permanence",
                "postgres://permanence:***@db.example:5432/permanence",
            ),
            (
                "postgresql://u:p%40ss@h/db?sslmode=require&password=other",
                "postgresql://u:***@h/db?sslmode=require&password=***",
            ),
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("postgres://h", "postgres://h"),
            ("postgres://u:pw@h", "postgres://u:***@h"),
        ] {
            let location = Location::parse(url);
            assert_eq!(location.to_string(), shown);
            assert!(!format!("{location:?}").contains("s3cret"));
        }
    }
}
