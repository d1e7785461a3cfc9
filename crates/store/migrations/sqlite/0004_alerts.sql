-- Alerts: the drift engine's findings as the people responsible see them over time.
--
-- Each evaluation (at start-up, on the server's schedule, after every change to a
-- child's records, or from `permanence evaluate`) is recorded in evaluation_run. It
-- opens an alert for every finding without an open alert of the same rule and child,
-- updates the open alerts whose escalation, status, due date or decision changed, and
-- closes the open alerts whose rule no longer fires. Every such change is an
-- alert_event, so an alert's trail (opened, escalated to whom, acknowledged by which
-- management decision, closed) is kept. Evaluating twice on the same records changes
-- nothing but the run's own record.
--
-- Dates are ISO (yyyy-mm-dd); timestamps RFC 3339 in UTC.

CREATE TABLE evaluation_run (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    as_of       TEXT NOT NULL,
    trigger     TEXT NOT NULL,
    actor       TEXT NOT NULL,
    children    INTEGER NOT NULL,
    findings    INTEGER NOT NULL,
    opened      INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    closed      INTEGER NOT NULL
);

CREATE TABLE alert (
    id                INTEGER PRIMARY KEY,
    rule              TEXT NOT NULL,
    child             TEXT NOT NULL,
    -- What it is about when a rule finds several things about one child (a decision's
    -- or a case's id, say); empty otherwise.
    subject           TEXT NOT NULL DEFAULT '',
    title             TEXT NOT NULL,
    opened_on         TEXT NOT NULL,
    closed_on         TEXT,
    -- The latest evaluation's view of it.
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

-- At most one open alert per rule, child and subject.
CREATE UNIQUE INDEX alert_open ON alert(rule, child, subject) WHERE closed_on IS NULL;

CREATE INDEX alert_child ON alert(child, id);

-- "My alerts": the open alerts a person owns or holds by escalation.
CREATE INDEX alert_owner ON alert(owner) WHERE closed_on IS NULL;
CREATE INDEX alert_escalated_to ON alert(escalated_to) WHERE closed_on IS NULL;

CREATE TABLE alert_event (
    id       INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alert(id),
    run_id   INTEGER NOT NULL REFERENCES evaluation_run(id),
    on_day   TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('opened', 'escalated', 'decision', 'status', 'closed')),
    detail   TEXT NOT NULL
);

CREATE INDEX alert_event_alert ON alert_event(alert_id, id);

-- The trail and the runs are only ever appended to; an alert is never deleted.
CREATE TRIGGER alert_no_delete BEFORE DELETE ON alert
BEGIN
    SELECT RAISE(ABORT, 'alerts are never deleted: they close');
END;

-- Which rule, which child and when it opened never change; a closed alert never changes.
CREATE TRIGGER alert_closed_stays_closed BEFORE UPDATE ON alert
WHEN OLD.closed_on IS NOT NULL
    OR NEW.id IS NOT OLD.id
    OR NEW.rule IS NOT OLD.rule
    OR NEW.child IS NOT OLD.child
    OR NEW.subject IS NOT OLD.subject
    OR NEW.opened_on IS NOT OLD.opened_on
BEGIN
    SELECT RAISE(ABORT, 'a closed alert, and which rule, child and day an alert opened, are never changed');
END;

CREATE TRIGGER alert_event_no_update BEFORE UPDATE ON alert_event
BEGIN
    SELECT RAISE(ABORT, 'the alert trail is append-only');
END;

CREATE TRIGGER alert_event_no_delete BEFORE DELETE ON alert_event
BEGIN
    SELECT RAISE(ABORT, 'the alert trail is append-only');
END;

CREATE TRIGGER evaluation_run_no_update BEFORE UPDATE ON evaluation_run
BEGIN
    SELECT RAISE(ABORT, 'evaluation runs are append-only');
END;

CREATE TRIGGER evaluation_run_no_delete BEFORE DELETE ON evaluation_run
BEGIN
    SELECT RAISE(ABORT, 'evaluation runs are append-only');
END;
