-- Alerts: the drift engine's findings as the people responsible see them over time
-- (see SQLite's 0004). Evaluating twice on the same records changes nothing but the
-- run's own record. Dates are ISO (yyyy-mm-dd); timestamps RFC 3339 in UTC.
CREATE TABLE evaluation_run (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    as_of       TEXT NOT NULL,
    trigger     TEXT NOT NULL,
    actor       TEXT NOT NULL,
    children    BIGINT NOT NULL,
    findings    BIGINT NOT NULL,
    opened      BIGINT NOT NULL,
    changed     BIGINT NOT NULL,
    closed      BIGINT NOT NULL
);

CREATE TABLE alert (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule              TEXT NOT NULL,
    child             TEXT NOT NULL,
    subject           TEXT NOT NULL DEFAULT '',
    title             TEXT NOT NULL,
    opened_on         TEXT NOT NULL,
    closed_on         TEXT,
    status            TEXT NOT NULL,
    due               TEXT,
    owner_role        TEXT NOT NULL,
    owner             TEXT,
    escalated_to_role TEXT NOT NULL,
    escalated_to      TEXT,
    decision          TEXT,
    decision_due      TEXT,
    evidence          TEXT NOT NULL
);

CREATE UNIQUE INDEX alert_open ON alert(rule, child, subject) WHERE closed_on IS NULL;
CREATE INDEX alert_child ON alert(child, id);
CREATE INDEX alert_owner ON alert(owner) WHERE closed_on IS NULL;
CREATE INDEX alert_escalated_to ON alert(escalated_to) WHERE closed_on IS NULL;

CREATE TABLE alert_event (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id BIGINT NOT NULL REFERENCES alert(id),
    run_id   BIGINT NOT NULL REFERENCES evaluation_run(id),
    on_day   TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('opened', 'escalated', 'decision', 'status', 'closed')),
    detail   TEXT NOT NULL
);

CREATE INDEX alert_event_alert ON alert_event(alert_id, id);
CREATE INDEX alert_event_day ON alert_event(on_day);

CREATE TRIGGER alert_no_delete BEFORE DELETE ON alert
    FOR EACH ROW EXECUTE FUNCTION permanence_refuse('alerts are never deleted: they close');
CREATE TRIGGER alert_no_truncate BEFORE TRUNCATE ON alert
    FOR EACH STATEMENT EXECUTE FUNCTION permanence_refuse('alerts are never deleted: they close');

CREATE TRIGGER alert_closed_stays_closed BEFORE UPDATE ON alert
    FOR EACH ROW
    WHEN (OLD.closed_on IS NOT NULL
        OR NEW.id IS DISTINCT FROM OLD.id
        OR NEW.rule IS DISTINCT FROM OLD.rule
        OR NEW.child IS DISTINCT FROM OLD.child
        OR NEW.subject IS DISTINCT FROM OLD.subject
        OR NEW.opened_on IS DISTINCT FROM OLD.opened_on)
    EXECUTE FUNCTION permanence_refuse(
        'a closed alert, and which rule, child and day an alert opened, are never changed');

CREATE TRIGGER alert_event_append_only BEFORE UPDATE OR DELETE ON alert_event
    FOR EACH ROW EXECUTE FUNCTION permanence_refuse('the alert trail is append-only');
CREATE TRIGGER alert_event_no_truncate BEFORE TRUNCATE ON alert_event
    FOR EACH STATEMENT EXECUTE FUNCTION permanence_refuse('the alert trail is append-only');

CREATE TRIGGER evaluation_run_append_only BEFORE UPDATE OR DELETE ON evaluation_run
    FOR EACH ROW EXECUTE FUNCTION permanence_refuse('evaluation runs are append-only');
CREATE TRIGGER evaluation_run_no_truncate BEFORE TRUNCATE ON evaluation_run
    FOR EACH STATEMENT EXECUTE FUNCTION permanence_refuse('evaluation runs are append-only');
