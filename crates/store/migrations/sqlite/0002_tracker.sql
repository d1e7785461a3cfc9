-- The tracker's own records (staff, allocations, plans, meetings, decisions, challenges,
-- panels, activity, proceedings, ...), one row per version of a record. A record is
-- identified by its kind (the template's name) and its key (the template's key
-- columns' values). A record is never overwritten or deleted: a correction inserts a
-- new version and points the old one at it (superseded_by), so both are kept with who
-- recorded each, when, why and from which file.
CREATE TABLE tracker_record (
    id            INTEGER PRIMARY KEY,
    batch_id      INTEGER NOT NULL REFERENCES import_batch(id),
    kind          TEXT NOT NULL,
    record_key    TEXT NOT NULL,
    child         TEXT,
    fields        TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    reason        TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    source_line   INTEGER NOT NULL,
    -- Deferred, so that the old version can point at the new one before it is inserted
    -- in the same transaction (one current version per key at every moment).
    superseded_by INTEGER REFERENCES tracker_record(id) DEFERRABLE INITIALLY DEFERRED
);

CREATE UNIQUE INDEX tracker_record_current
    ON tracker_record(kind, record_key) WHERE superseded_by IS NULL;

CREATE INDEX tracker_record_child ON tracker_record(child, kind);

CREATE INDEX tracker_record_versions ON tracker_record(kind, record_key, id);

-- A version is never deleted, and the only change ever made to one is to mark the
-- current version superseded.
CREATE TRIGGER tracker_record_no_delete BEFORE DELETE ON tracker_record
BEGIN
    SELECT RAISE(ABORT, 'tracker records are never deleted: a correction supersedes them');
END;

CREATE TRIGGER tracker_record_only_superseded BEFORE UPDATE ON tracker_record
WHEN OLD.superseded_by IS NOT NULL
    OR NEW.superseded_by IS NULL
    OR NEW.id IS NOT OLD.id
    OR NEW.batch_id IS NOT OLD.batch_id
    OR NEW.kind IS NOT OLD.kind
    OR NEW.record_key IS NOT OLD.record_key
    OR NEW.child IS NOT OLD.child
    OR NEW.fields IS NOT OLD.fields
    OR NEW.recorded_at IS NOT OLD.recorded_at
    OR NEW.recorded_by IS NOT OLD.recorded_by
    OR NEW.reason IS NOT OLD.reason
    OR NEW.source_file IS NOT OLD.source_file
    OR NEW.source_line IS NOT OLD.source_line
BEGIN
    SELECT RAISE(ABORT, 'tracker records are never changed: a correction supersedes them');
END;
