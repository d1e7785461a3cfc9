-- The tracker's own records, one row per version of a record (see SQLite's 0002): a
-- record is never overwritten or deleted; a correction inserts a new version and
-- points the old one at it (superseded_by). Ids are given by the writer, which holds
-- the store's write lock, so that the old version can point at the new one first.
CREATE TABLE tracker_record (
    id            BIGINT PRIMARY KEY,
    batch_id      BIGINT NOT NULL REFERENCES import_batch(id),
    kind          TEXT NOT NULL,
    record_key    TEXT NOT NULL,
    child         TEXT,
    fields        TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    reason        TEXT NOT NULL,
    source_file   TEXT NOT NULL,
    source_line   BIGINT NOT NULL,
    superseded_by BIGINT REFERENCES tracker_record(id) DEFERRABLE INITIALLY DEFERRED
);

CREATE UNIQUE INDEX tracker_record_current
    ON tracker_record(kind, record_key) WHERE superseded_by IS NULL;

CREATE INDEX tracker_record_child ON tracker_record(child, kind);

CREATE INDEX tracker_record_versions ON tracker_record(kind, record_key, id);

CREATE TRIGGER tracker_record_no_delete BEFORE DELETE ON tracker_record
    FOR EACH ROW EXECUTE FUNCTION
    permanence_refuse('tracker records are never deleted: a correction supersedes them');
CREATE TRIGGER tracker_record_no_truncate BEFORE TRUNCATE ON tracker_record
    FOR EACH STATEMENT EXECUTE FUNCTION
    permanence_refuse('tracker records are never deleted: a correction supersedes them');

-- The only change ever made to a version is to mark the current version superseded.
CREATE TRIGGER tracker_record_only_superseded BEFORE UPDATE ON tracker_record
    FOR EACH ROW
    WHEN (OLD.superseded_by IS NOT NULL
        OR NEW.superseded_by IS NULL
        OR NEW.id IS DISTINCT FROM OLD.id
        OR NEW.batch_id IS DISTINCT FROM OLD.batch_id
        OR NEW.kind IS DISTINCT FROM OLD.kind
        OR NEW.record_key IS DISTINCT FROM OLD.record_key
        OR NEW.child IS DISTINCT FROM OLD.child
        OR NEW.fields IS DISTINCT FROM OLD.fields
        OR NEW.recorded_at IS DISTINCT FROM OLD.recorded_at
        OR NEW.recorded_by IS DISTINCT FROM OLD.recorded_by
        OR NEW.reason IS DISTINCT FROM OLD.reason
        OR NEW.source_file IS DISTINCT FROM OLD.source_file
        OR NEW.source_line IS DISTINCT FROM OLD.source_line)
    EXECUTE FUNCTION
    permanence_refuse('tracker records are never changed: a correction supersedes them');
