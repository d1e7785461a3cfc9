-- Accounts for the web application: users, and their sessions.
--
-- A user's role is one of the roles of the access rules (docs/access.md); the staff id,
-- when given, links the account to a person in the tracker's staff register (people),
-- which is how "my alerts" are found. Passwords are kept only as Argon2id hashes in
-- PHC string form. Sessions are kept by the SHA-256 of their token, never the token
-- itself, so a copy of the database cannot be used to sign in. Times are Unix seconds.

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN (
                      'social_worker', 'team_manager', 'service_manager', 'head_of_service',
                      'iro', 'iro_manager', 'fostering_adoption_worker',
                      'performance_analyst', 'administrator')),
    staff_id      TEXT,
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    TEXT NOT NULL
);

CREATE TABLE app_session (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES app_user(id),
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX app_session_user ON app_session(user_id);
