-- The SSDA903 returns as received, normalised, one row per data row. A table of a
-- year's return is never overwritten: a later import of the same table and year
-- supersedes it and both are kept, with who imported each and when.
CREATE TABLE import_batch (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    source      TEXT NOT NULL,
    summary     TEXT NOT NULL
);

CREATE TABLE return_table (
    id              INTEGER PRIMARY KEY,
    batch_id        INTEGER NOT NULL REFERENCES import_batch(id),
    collection_year INTEGER NOT NULL,
    table_name      TEXT NOT NULL,
    file            TEXT NOT NULL,
    superseded_by   INTEGER REFERENCES return_table(id)
);

CREATE UNIQUE INDEX return_table_current
    ON return_table(collection_year, table_name) WHERE superseded_by IS NULL;

CREATE TABLE return_row (
    return_table_id INTEGER NOT NULL REFERENCES return_table(id),
    line            INTEGER NOT NULL,
    child           TEXT NOT NULL,
    fields          TEXT NOT NULL,
    PRIMARY KEY (return_table_id, line)
) WITHOUT ROWID;

CREATE INDEX return_row_child ON return_row(child);

-- Who viewed or changed which child's record, and when. Append-only.
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    child  TEXT,
    detail TEXT NOT NULL
);

CREATE INDEX audit_log_child ON audit_log(child);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log cannot be changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log cannot be changed');
END;
