//! Accounts for the web application: users (with their role, staff id and password
//! hash) and sessions (by the hash of their token). Passwords are hashed and tokens
//! made by the web layer; this module only keeps them.

use rusqlite::{OptionalExtension, params};

use crate::StoreError;
use crate::now;
use crate::sqlite::SqliteStore;

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The account's id.
    pub id: i64,
    /// The name signed in with (compared without regard to case).
    pub username: String,
    /// The name shown on pages.
    pub display_name: String,
    /// The role's code, e.g. `social_worker` (see the web layer's access rules).
    pub role: String,
    /// The person in the tracker's staff register this account is, if any.
    pub staff_id: Option<String>,
    /// The Argon2id hash of the password, in PHC string form.
    pub password_hash: String,
    /// Whether the account may no longer sign in.
    pub disabled: bool,
    /// When the account was created, as an RFC 3339 timestamp.
    pub created_at: String,
}

/// A user account to create.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// The name signed in with.
    pub username: &'a str,
    /// The name shown on pages.
    pub display_name: &'a str,
    /// The role's code.
    pub role: &'a str,
    /// The person in the staff register, if any.
    pub staff_id: Option<&'a str>,
    /// The Argon2id hash of the password.
    pub password_hash: &'a str,
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The SHA-256 of the session's token, in hex.
    pub token_hash: String,
    /// The user signed in.
    pub user_id: i64,
    /// The token every form of the session must carry.
    pub csrf_token: String,
    /// When it began (Unix seconds).
    pub created_at: i64,
    /// When it was last used (Unix seconds).
    pub last_seen_at: i64,
    /// When it ends whatever its use (Unix seconds).
    pub expires_at: i64,
}

/// Keeping accounts and sessions.
pub trait Accounts {
    /// Creates a user; refused with [`StoreError::Exists`] when the username is taken.
    fn add_user(&mut self, user: &NewUser<'_>) -> Result<i64, StoreError>;
    /// The user with this username (any case).
    fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError>;
    /// Every user, by username.
    fn users(&self) -> Result<Vec<User>, StoreError>;
    /// Disables (or enables) a user and ends their sessions; false if there is no such user.
    fn set_disabled(&mut self, username: &str, disabled: bool) -> Result<bool, StoreError>;
    /// Replaces a user's password hash and ends their sessions; false if there is no such user.
    fn set_password_hash(&mut self, username: &str, hash: &str) -> Result<bool, StoreError>;
    /// Starts a session.
    fn create_session(&mut self, session: &Session) -> Result<(), StoreError>;
    /// The session with this token hash and its user, if both exist.
    fn session(&self, token_hash: &str) -> Result<Option<(Session, User)>, StoreError>;
    /// Records that a session was used at `at`.
    fn touch_session(&mut self, token_hash: &str, at: i64) -> Result<(), StoreError>;
    /// Ends a session.
    fn delete_session(&mut self, token_hash: &str) -> Result<(), StoreError>;
    /// Ends every session that expired (by `expires_at`) or was idle since before
    /// `idle_before`.
    fn delete_stale_sessions(&mut self, now: i64, idle_before: i64) -> Result<usize, StoreError>;
}

const USER_COLUMNS: &str =
    "id, username, display_name, role, staff_id, password_hash, disabled, created_at";

fn user_row(row: &rusqlite::Row<'_>, offset: usize) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(offset)?,
        username: row.get(offset + 1)?,
        display_name: row.get(offset + 2)?,
        role: row.get(offset + 3)?,
        staff_id: row.get(offset + 4)?,
        password_hash: row.get(offset + 5)?,
        disabled: row.get(offset + 6)?,
        created_at: row.get(offset + 7)?,
    })
}

impl Accounts for SqliteStore {
    fn add_user(&mut self, user: &NewUser<'_>) -> Result<i64, StoreError> {
        if self.user_by_username(user.username)?.is_some() {
            return Err(StoreError::Exists(format!(
                "a user named '{}' already exists",
                user.username
            )));
        }
        self.connection().execute(
            "INSERT INTO app_user (username, display_name, role, staff_id, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                user.username,
                user.display_name,
                user.role,
                user.staff_id,
                user.password_hash,
                now()
            ],
        )?;
        Ok(self.connection().last_insert_rowid())
    }

    fn user_by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        Ok(self
            .connection()
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM app_user WHERE username = ?1"),
                [username],
                |row| user_row(row, 0),
            )
            .optional()?)
    }

    fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut statement = self.connection().prepare(&format!(
            "SELECT {USER_COLUMNS} FROM app_user ORDER BY username"
        ))?;
        let users = statement
            .query_map([], |row| user_row(row, 0))?
            .collect::<Result<_, _>>()?;
        Ok(users)
    }

    fn set_disabled(&mut self, username: &str, disabled: bool) -> Result<bool, StoreError> {
        let transaction = self.connection_mut().transaction()?;
        let changed = transaction.execute(
            "UPDATE app_user SET disabled = ?2 WHERE username = ?1",
            params![username, disabled],
        )?;
        transaction.execute(
            "DELETE FROM app_session WHERE user_id IN (SELECT id FROM app_user WHERE username = ?1)",
            [username],
        )?;
        transaction.commit()?;
        Ok(changed == 1)
    }

    fn set_password_hash(&mut self, username: &str, hash: &str) -> Result<bool, StoreError> {
        let transaction = self.connection_mut().transaction()?;
        let changed = transaction.execute(
            "UPDATE app_user SET password_hash = ?2 WHERE username = ?1",
            params![username, hash],
        )?;
        transaction.execute(
            "DELETE FROM app_session WHERE user_id IN (SELECT id FROM app_user WHERE username = ?1)",
            [username],
        )?;
        transaction.commit()?;
        Ok(changed == 1)
    }

    fn create_session(&mut self, session: &Session) -> Result<(), StoreError> {
        self.connection().execute(
            "INSERT INTO app_session (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                session.token_hash,
                session.user_id,
                session.csrf_token,
                session.created_at,
                session.last_seen_at,
                session.expires_at
            ],
        )?;
        Ok(())
    }

    fn session(&self, token_hash: &str) -> Result<Option<(Session, User)>, StoreError> {
        let columns: Vec<String> = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect();
        Ok(self
            .connection()
            .query_row(
                &format!(
                    "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at,
                            s.expires_at, {}
                     FROM app_session s JOIN app_user u ON u.id = s.user_id
                     WHERE s.token_hash = ?1",
                    columns.join(", ")
                ),
                [token_hash],
                |row| {
                    Ok((
                        Session {
                            token_hash: row.get(0)?,
                            user_id: row.get(1)?,
                            csrf_token: row.get(2)?,
                            created_at: row.get(3)?,
                            last_seen_at: row.get(4)?,
                            expires_at: row.get(5)?,
                        },
                        user_row(row, 6)?,
                    ))
                },
            )
            .optional()?)
    }

    fn touch_session(&mut self, token_hash: &str, at: i64) -> Result<(), StoreError> {
        self.connection().execute(
            "UPDATE app_session SET last_seen_at = ?2 WHERE token_hash = ?1",
            params![token_hash, at],
        )?;
        Ok(())
    }

    fn delete_session(&mut self, token_hash: &str) -> Result<(), StoreError> {
        self.connection().execute(
            "DELETE FROM app_session WHERE token_hash = ?1",
            [token_hash],
        )?;
        Ok(())
    }

    fn delete_stale_sessions(&mut self, now: i64, idle_before: i64) -> Result<usize, StoreError> {
        Ok(self.connection().execute(
            "DELETE FROM app_session WHERE expires_at <= ?1 OR last_seen_at < ?2",
            params![now, idle_before],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Backend;
    use crate::suite::both;

    fn add_user(store: &mut dyn Backend) {
        store
            .add_user(&NewUser {
                username: "jward",
                display_name: "Joy Ward",
                role: "team_manager",
                staff_id: Some("S001"),
                password_hash: "$argon2id$stub-for-storage-test",
            })
            .unwrap();
    }

    fn session(user_id: i64) -> Session {
        Session {
            token_hash: "abc".into(),
            user_id,
            csrf_token: "csrf".into(),
            created_at: 100,
            last_seen_at: 100,
            expires_at: 1000,
        }
    }

    both! {
    fn users_are_kept_and_names_are_unique_in_any_case(store) {
        add_user(&mut *store);
        let user = store.user_by_username("JWARD").unwrap().unwrap();
        assert_eq!(user.display_name, "Joy Ward");
        assert_eq!(user.staff_id.as_deref(), Some("S001"));
        assert!(!user.disabled);
        let again = store.add_user(&NewUser {
            username: "JWard",
            display_name: "Someone else",
            role: "iro",
            staff_id: None,
            password_hash: "x",
        });
        assert!(matches!(again, Err(StoreError::Exists(_))));
        assert_eq!(store.users().unwrap().len(), 1);
    }
    }

    both! {
    fn an_unknown_role_is_refused(store) {
        let result = store.add_user(&NewUser {
            username: "x",
            display_name: "X",
            role: "superuser",
            staff_id: None,
            password_hash: "x",
        });
        assert!(result.is_err());
    }
    }

    both! {
    fn disabling_or_a_new_password_ends_sessions(store) {
        add_user(&mut *store);
        let id = store.user_by_username("jward").unwrap().unwrap().id;
        store.create_session(&session(id)).unwrap();
        assert!(store.session("abc").unwrap().is_some());
        assert!(store.set_password_hash("jward", "new").unwrap());
        assert!(store.session("abc").unwrap().is_none());
        store.create_session(&session(id)).unwrap();
        assert!(store.set_disabled("jward", true).unwrap());
        assert!(store.session("abc").unwrap().is_none());
        assert!(store.user_by_username("jward").unwrap().unwrap().disabled);
        assert!(!store.set_disabled("nobody", true).unwrap());
    }
    }

    both! {
    fn stale_sessions_are_removed(store) {
        add_user(&mut *store);
        let id = store.user_by_username("jward").unwrap().unwrap().id;
        store.create_session(&session(id)).unwrap();
        store.touch_session("abc", 500).unwrap();
        assert_eq!(store.session("abc").unwrap().unwrap().0.last_seen_at, 500);
        assert_eq!(store.delete_stale_sessions(600, 400).unwrap(), 0);
        assert_eq!(store.delete_stale_sessions(600, 501).unwrap(), 1);
    }
    }
}
