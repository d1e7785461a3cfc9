-- The SSDA903 returns as received, normalised, one row per data row. A table of a
-- year's return is never overwritten: a later import of the same table and year
-- supersedes it and both are kept, with who imported each and when. (The same schema
-- as SQLite's migrations, in PostgreSQL's terms; times and dates are kept as text in
-- the same forms, RFC 3339 in UTC and yyyy-mm-dd, so both backends read them alike.)

-- Refuses the change a trigger guards against, with the trigger's message.
CREATE FUNCTION permanence_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TABLE import_batch (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    source      TEXT NOT NULL,
    summary     TEXT NOT NULL
);

CREATE TABLE return_table (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id        BIGINT NOT NULL REFERENCES import_batch(id),
    collection_year BIGINT NOT NULL,
    table_name      TEXT NOT NULL,
    file            TEXT NOT NULL,
    superseded_by   BIGINT REFERENCES return_table(id)
);

CREATE UNIQUE INDEX return_table_current
    ON return_table(collection_year, table_name) WHERE superseded_by IS NULL;

CREATE TABLE return_row (
    return_table_id BIGINT NOT NULL REFERENCES return_table(id),
    line            BIGINT NOT NULL,
    child           TEXT NOT NULL,
    fields          TEXT NOT NULL,
    PRIMARY KEY (return_table_id, line)
);

CREATE INDEX return_row_child ON return_row(child);

-- Who viewed or changed which child's record, and when. Append-only.
CREATE TABLE audit_log (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    child  TEXT,
    detail TEXT NOT NULL
);

CREATE INDEX audit_log_child ON audit_log(child);
CREATE INDEX audit_log_actor ON audit_log(lower(actor));

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION permanence_refuse('the audit log cannot be changed');
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION permanence_refuse('the audit log cannot be changed');
