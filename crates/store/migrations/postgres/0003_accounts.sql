-- Accounts for the web application (see SQLite's 0003): users and their sessions,
-- passwords only as Argon2id hashes, sessions only by the SHA-256 of their token.
-- Usernames are unique in any case. Times are Unix seconds.
CREATE TABLE app_user (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN (
                      'social_worker', 'team_manager', 'service_manager', 'head_of_service',
                      'iro', 'iro_manager', 'fostering_adoption_worker',
                      'performance_analyst', 'administrator')),
    staff_id      TEXT,
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TEXT NOT NULL
);

CREATE UNIQUE INDEX app_user_username ON app_user(lower(username));

CREATE TABLE app_session (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES app_user(id),
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

CREATE INDEX app_session_user ON app_session(user_id);
