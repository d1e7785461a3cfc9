//! Alerts over time: each evaluation of the borough is recorded, and the drift engine's
//! findings become alerts that open, change (escalate, are acknowledged by a management
//! decision, become overdue) and close, with every change kept as the alert's trail.
//!
//! [`plan_evaluation`] works out what an evaluation changes, as a pure function of the
//! open alerts and the findings, so that running it twice on the same records changes
//! nothing; [`Alerts::record_evaluation`] applies the plan in one transaction.

use std::collections::HashMap;

use permanence_domain::Date;
use permanence_domain::date::format_dmy;
use permanence_rules::{Finding, Role, Status};
use rusqlite::{OptionalExtension, Row, params};

use crate::StoreError;
use crate::now;
use crate::sqlite::SqliteStore;

/// An alert: one rule firing for one child, from the day an evaluation first found it
/// until the day one found it no longer fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The alert's id.
    pub id: i64,
    /// The rule's id, e.g. `REV-01`.
    pub rule: String,
    /// The child's 903 CHILD id.
    pub child: String,
    /// What it is about, when the rule can find several things about one child.
    pub subject: Option<String>,
    /// The rule's title.
    pub title: String,
    /// The evaluation date on which it opened.
    pub opened_on: Date,
    /// The evaluation date on which it closed, if it has.
    pub closed_on: Option<Date>,
    /// Its status at the latest evaluation.
    pub status: Status,
    /// Its due date at the latest evaluation.
    pub due: Option<Date>,
    /// The owner's role.
    pub owner_role: Role,
    /// The owner's staff id, when known.
    pub owner: Option<String>,
    /// The role it has escalated to (the owner's role until it escalates).
    pub escalated_to_role: Role,
    /// The staff id it has escalated to, when known.
    pub escalated_to: Option<String>,
    /// The management decision recorded for it, if any.
    pub decision: Option<String>,
    /// That decision's due date.
    pub decision_due: Option<Date>,
    /// The evidence at the latest evaluation.
    pub evidence: String,
}

impl Alert {
    /// Whether it is still open.
    pub fn is_open(&self) -> bool {
        self.closed_on.is_none()
    }
}

/// One change in an alert's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertEvent {
    /// The alert.
    pub alert: i64,
    /// The evaluation that saw it.
    pub run: i64,
    /// That evaluation's date.
    pub on_day: Date,
    /// `opened`, `escalated`, `decision`, `status` or `closed`.
    pub kind: String,
    /// What happened, in plain English.
    pub detail: String,
}

impl AlertEvent {
    /// Whether the event moved the alert up the escalation ladder (an `escalated` event
    /// also records an alert coming back to its owner when a decision holds it).
    pub fn is_escalation(&self) -> bool {
        self.kind == "escalated" && self.detail.starts_with(ESCALATED_TO)
    }
}

/// How an escalation up the ladder begins its detail (see [`AlertEvent::is_escalation`]).
const ESCALATED_TO: &str = "Escalated to ";

/// An event in an alert's life with the rule and child the alert is about: what
/// reports count (alerts opened, escalated, acknowledged and closed in a period).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertActivity {
    /// The event.
    pub event: AlertEvent,
    /// The alert's rule.
    pub rule: String,
    /// The alert's child.
    pub child: String,
}

/// One evaluation of the borough, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationRun {
    /// The run's id.
    pub id: i64,
    /// When it started and finished (RFC 3339, UTC).
    pub started_at: String,
    /// When it finished.
    pub finished_at: String,
    /// The evaluation date.
    pub as_of: Date,
    /// What started it: `start-up`, `schedule`, `change`, `command line`.
    pub trigger: String,
    /// Who (a username, or `system`).
    pub actor: String,
    /// Children evaluated.
    pub children: usize,
    /// Findings.
    pub findings: usize,
    /// Alerts opened.
    pub opened: usize,
    /// Open alerts that changed (escalated, acknowledged, status or due date).
    pub changed: usize,
    /// Alerts closed.
    pub closed: usize,
}

/// An evaluation to record.
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    /// When it started (RFC 3339).
    pub started_at: &'a str,
    /// The evaluation date.
    pub as_of: Date,
    /// What started it.
    pub trigger: &'a str,
    /// Who.
    pub actor: &'a str,
    /// Children evaluated.
    pub children: usize,
}

/// What an evaluation does to the alerts.
#[derive(Debug, Default)]
pub struct EvaluationPlan<'f> {
    /// Findings with no open alert: each opens one.
    pub open: Vec<&'f Finding>,
    /// Open alerts whose finding differs.
    pub update: Vec<AlertUpdate<'f>>,
    /// Open alerts whose rule no longer fires for the child.
    pub close: Vec<i64>,
}

/// An open alert to bring up to date with its finding.
#[derive(Debug)]
pub struct AlertUpdate<'f> {
    /// The alert.
    pub alert: i64,
    /// Its finding in this evaluation.
    pub finding: &'f Finding,
    /// The events to record, as (kind, detail): none when only the evidence changed.
    pub events: Vec<(&'static str, String)>,
}

/// Plans an evaluation: which alerts open, change and close, given the open alerts and
/// the evaluation's findings.
pub fn plan_evaluation<'f>(open: &[Alert], findings: &'f [Finding]) -> EvaluationPlan<'f> {
    let key = |f: &'f Finding| (f.rule, f.child.as_str(), f.subject.as_deref().unwrap_or(""));
    let mut by_key: HashMap<(&str, &str, &str), &'f Finding> =
        findings.iter().map(|f| (key(f), f)).collect();
    let mut plan = EvaluationPlan::default();
    for alert in open {
        let subject = alert.subject.as_deref().unwrap_or("");
        match by_key.remove(&(alert.rule.as_str(), alert.child.as_str(), subject)) {
            None => plan.close.push(alert.id),
            Some(finding) => {
                if !same(alert, finding) {
                    plan.update.push(AlertUpdate {
                        alert: alert.id,
                        finding,
                        events: events(alert, finding),
                    });
                }
            }
        }
    }
    // In the findings' own order (most overdue first), so ids follow it.
    plan.open = findings
        .iter()
        .filter(|f| by_key.remove(&key(f)).is_some())
        .collect();
    plan
}

/// Whether the stored alert already says everything the finding says.
fn same(alert: &Alert, finding: &Finding) -> bool {
    alert.status == finding.status
        && alert.due == finding.due
        && alert.owner_role == finding.owner_role
        && alert.owner == finding.owner
        && alert.escalated_to_role == finding.escalated_to
        && alert.escalated_to == finding.escalated_to_person
        && alert.decision.as_deref() == finding.decision.as_ref().map(|d| d.id.as_str())
        && alert.decision_due == finding.decision.as_ref().map(|d| d.due)
        && alert.evidence == finding.evidence_text()
}

/// Who a finding is with, e.g. "team manager (Tara Mason, TM1)".
fn with_whom(role: Role, person: Option<&str>, name: Option<&str>) -> String {
    let role = role.label().to_lowercase();
    match (name, person) {
        (Some(name), Some(person)) => format!("{role} ({name}, {person})"),
        (None, Some(person)) => format!("{role} ({person})"),
        _ => role,
    }
}

/// The events that record how the finding differs from the stored alert.
fn events(alert: &Alert, finding: &Finding) -> Vec<(&'static str, String)> {
    let mut events = Vec::new();
    let decision = finding.decision.as_ref();
    if alert.decision.as_deref() != decision.map(|d| d.id.as_str())
        || alert.decision_due != decision.map(|d| d.due)
    {
        events.push((
            "decision",
            match decision {
                Some(d) => format!(
                    "Management decision {} recorded: escalation held until {}",
                    d.id,
                    format_dmy(d.due)
                ),
                None => "The management decision no longer applies".to_string(),
            },
        ));
    }
    if alert.escalated_to_role != finding.escalated_to
        || alert.escalated_to != finding.escalated_to_person
    {
        let whom = with_whom(
            finding.escalated_to,
            finding.escalated_to_person.as_deref(),
            finding.escalated_to_name.as_deref(),
        );
        events.push((
            "escalated",
            if finding.escalated_to == finding.owner_role {
                format!("Now with {whom}")
            } else {
                format!("{ESCALATED_TO}{whom}")
            },
        ));
    }
    if alert.status != finding.status || alert.due != finding.due {
        events.push(("status", status_text(finding)));
    }
    if alert.owner_role != finding.owner_role || alert.owner != finding.owner {
        events.push((
            "status",
            format!(
                "Owner now {}",
                with_whom(
                    finding.owner_role,
                    finding.owner.as_deref(),
                    finding.owner_name.as_deref()
                )
            ),
        ));
    }
    events
}

/// The detail of an alert's `opened` event.
pub(crate) fn opened_detail(finding: &Finding) -> String {
    let whom = with_whom(
        finding.escalated_to,
        finding.escalated_to_person.as_deref(),
        finding.escalated_to_name.as_deref(),
    );
    format!("Opened: {}; with {whom}", status_text(finding))
}

/// The detail of an alert's `closed` event.
pub(crate) const CLOSED_DETAIL: &str = "Closed: the rule no longer fires";

fn status_text(finding: &Finding) -> String {
    let due = finding
        .due
        .map(|d| format!(", due {}", format_dmy(d)))
        .unwrap_or_default();
    match finding.status {
        Status::Overdue => format!("Overdue{due}"),
        Status::DueSoon => format!("Due soon{due}"),
        Status::CannotDecide => "The records do not say enough to decide".to_string(),
    }
}

/// The alerts and evaluation runs a store keeps.
pub trait Alerts {
    /// Records an evaluation and applies its findings to the alerts in one transaction:
    /// opens, updates and closes as [`plan_evaluation`] says, with the trail. Returns
    /// the run as recorded.
    fn record_evaluation(
        &mut self,
        run: &NewRun<'_>,
        findings: &[Finding],
    ) -> Result<EvaluationRun, StoreError>;
    /// Every open alert, by id.
    fn open_alerts(&self) -> Result<Vec<Alert>, StoreError>;
    /// The open alerts a member of staff owns or that have escalated to them, by due
    /// date (undated last).
    fn open_alerts_for(&self, staff_id: &str) -> Result<Vec<Alert>, StoreError>;
    /// A child's alerts, open and closed, newest first.
    fn child_alerts(&self, child: &str) -> Result<Vec<Alert>, StoreError>;
    /// One alert.
    fn alert(&self, id: i64) -> Result<Option<Alert>, StoreError>;
    /// An alert's trail, oldest first.
    fn alert_events(&self, alert: i64) -> Result<Vec<AlertEvent>, StoreError>;
    /// The latest evaluation runs, newest first.
    fn evaluation_runs(&self, limit: usize) -> Result<Vec<EvaluationRun>, StoreError>;
    /// Every alert event of evaluations dated `from` to `to` (both included), in the
    /// order they happened.
    fn alert_activity(&self, from: Date, to: Date) -> Result<Vec<AlertActivity>, StoreError>;
}

/// The open alerts, by id (a `WHERE` clause with its `ORDER BY`).
pub(crate) const OPEN_ALERTS: &str = "closed_on IS NULL ORDER BY id";

pub(crate) const ALERT_COLUMNS: &str = "id, rule, child, NULLIF(subject, ''), title, opened_on, closed_on, status, due, \
     owner_role, owner, escalated_to_role, escalated_to, decision, decision_due, evidence";

/// An evaluation run's columns, in the order [`EvaluationRun`]'s fields are read.
pub(crate) const EVALUATION_RUN_COLUMNS: &str = "id, started_at, finished_at, as_of, trigger, actor, children, findings, \
     opened, changed, closed";

/// A stored text read back as the value it was written from (a date, a status, a role),
/// for backends whose rows are not SQLite's.
pub(crate) fn parse_text<T>(text: String) -> Result<T, StoreError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e: T::Err| {
        StoreError::Corrupt(format!("the stored value {text:?} cannot be read: {e}"))
    })
}

/// A stored text read back as the value it was written from (a date, a status, a role).
fn parsed<T>(text: String) -> Result<T, rusqlite::Error>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    text.parse().map_err(|e: T::Err| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn date(text: String) -> Result<Date, rusqlite::Error> {
    parsed(text)
}

fn optional_date(text: Option<String>) -> Result<Option<Date>, rusqlite::Error> {
    text.map(date).transpose()
}

fn alert_row(row: &Row<'_>) -> Result<Alert, rusqlite::Error> {
    Ok(Alert {
        id: row.get(0)?,
        rule: row.get(1)?,
        child: row.get(2)?,
        subject: row.get(3)?,
        title: row.get(4)?,
        opened_on: date(row.get(5)?)?,
        closed_on: optional_date(row.get(6)?)?,
        status: parsed(row.get(7)?)?,
        due: optional_date(row.get(8)?)?,
        owner_role: parsed(row.get(9)?)?,
        owner: row.get(10)?,
        escalated_to_role: parsed(row.get(11)?)?,
        escalated_to: row.get(12)?,
        decision: row.get(13)?,
        decision_due: optional_date(row.get(14)?)?,
        evidence: row.get(15)?,
    })
}

/// The alerts a `WHERE` clause (with its `ORDER BY`) selects.
fn alerts_where(
    connection: &rusqlite::Connection,
    clause: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Alert>, StoreError> {
    let mut statement =
        connection.prepare(&format!("SELECT {ALERT_COLUMNS} FROM alert WHERE {clause}"))?;
    let alerts = statement
        .query_map(params, alert_row)?
        .collect::<Result<_, _>>()?;
    Ok(alerts)
}

fn event_row(row: &Row<'_>) -> Result<AlertEvent, rusqlite::Error> {
    Ok(AlertEvent {
        alert: row.get(0)?,
        run: row.get(1)?,
        on_day: date(row.get(2)?)?,
        kind: row.get(3)?,
        detail: row.get(4)?,
    })
}

fn run_row(row: &Row<'_>) -> Result<EvaluationRun, rusqlite::Error> {
    let count = |i| row.get::<_, i64>(i).map(|n| n as usize);
    Ok(EvaluationRun {
        id: row.get(0)?,
        started_at: row.get(1)?,
        finished_at: row.get(2)?,
        as_of: date(row.get(3)?)?,
        trigger: row.get(4)?,
        actor: row.get(5)?,
        children: count(6)?,
        findings: count(7)?,
        opened: count(8)?,
        changed: count(9)?,
        closed: count(10)?,
    })
}

impl Alerts for SqliteStore {
    fn record_evaluation(
        &mut self,
        run: &NewRun<'_>,
        findings: &[Finding],
    ) -> Result<EvaluationRun, StoreError> {
        // Immediate, and the open alerts read inside: another process's evaluation is
        // applied before this one plans, never over it.
        let transaction = self
            .connection_mut()
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let open = alerts_where(&transaction, OPEN_ALERTS, [])?;
        let plan = plan_evaluation(&open, findings);
        let as_of = run.as_of.to_string();
        let finished_at = now();
        transaction.execute(
            "INSERT INTO evaluation_run (started_at, finished_at, as_of, trigger, actor, children,
                 findings, opened, changed, closed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                run.started_at,
                finished_at,
                as_of,
                run.trigger,
                run.actor,
                run.children as i64,
                findings.len() as i64,
                plan.open.len() as i64,
                plan.update.iter().filter(|u| !u.events.is_empty()).count() as i64,
                plan.close.len() as i64,
            ],
        )?;
        let run_id = transaction.last_insert_rowid();
        {
            let mut event = transaction.prepare(
                "INSERT INTO alert_event (alert_id, run_id, on_day, kind, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut insert = transaction.prepare(
                "INSERT INTO alert (rule, child, subject, title, opened_on, status, due, owner_role,
                     owner, escalated_to_role, escalated_to, decision, decision_due, evidence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?;
            let mut update = transaction.prepare(
                "UPDATE alert SET status = ?2, due = ?3, owner_role = ?4, owner = ?5,
                     escalated_to_role = ?6, escalated_to = ?7, decision = ?8, decision_due = ?9,
                     evidence = ?10
                 WHERE id = ?1",
            )?;
            let mut close = transaction.prepare("UPDATE alert SET closed_on = ?2 WHERE id = ?1")?;
            for finding in &plan.open {
                let decision = finding.decision.as_ref();
                insert.execute(params![
                    finding.rule,
                    finding.child,
                    finding.subject.as_deref().unwrap_or(""),
                    finding.title,
                    as_of,
                    finding.status.as_str(),
                    finding.due.map(|d| d.to_string()),
                    finding.owner_role.as_str(),
                    finding.owner,
                    finding.escalated_to.as_str(),
                    finding.escalated_to_person,
                    decision.map(|d| d.id.as_str()),
                    decision.map(|d| d.due.to_string()),
                    finding.evidence_text(),
                ])?;
                let id = transaction.last_insert_rowid();
                event.execute(params![id, run_id, as_of, "opened", opened_detail(finding)])?;
            }
            for AlertUpdate {
                alert: id,
                finding,
                events,
            } in &plan.update
            {
                let decision = finding.decision.as_ref();
                update.execute(params![
                    id,
                    finding.status.as_str(),
                    finding.due.map(|d| d.to_string()),
                    finding.owner_role.as_str(),
                    finding.owner,
                    finding.escalated_to.as_str(),
                    finding.escalated_to_person,
                    decision.map(|d| d.id.as_str()),
                    decision.map(|d| d.due.to_string()),
                    finding.evidence_text(),
                ])?;
                for (kind, detail) in events {
                    event.execute(params![id, run_id, as_of, kind, detail])?;
                }
            }
            for id in &plan.close {
                close.execute(params![id, as_of])?;
                event.execute(params![id, run_id, as_of, "closed", CLOSED_DETAIL])?;
            }
        }
        let recorded = transaction.query_row(
            &format!("SELECT {EVALUATION_RUN_COLUMNS} FROM evaluation_run WHERE id = ?1"),
            [run_id],
            run_row,
        )?;
        transaction.commit()?;
        Ok(recorded)
    }

    fn open_alerts(&self) -> Result<Vec<Alert>, StoreError> {
        alerts_where(self.connection(), OPEN_ALERTS, [])
    }

    fn open_alerts_for(&self, staff_id: &str) -> Result<Vec<Alert>, StoreError> {
        alerts_where(
            self.connection(),
            "closed_on IS NULL AND (owner = ?1 OR escalated_to = ?1)
             ORDER BY due IS NULL, due, child, rule, id",
            [staff_id],
        )
    }

    fn child_alerts(&self, child: &str) -> Result<Vec<Alert>, StoreError> {
        alerts_where(self.connection(), "child = ?1 ORDER BY id DESC", [child])
    }

    fn alert(&self, id: i64) -> Result<Option<Alert>, StoreError> {
        Ok(self
            .connection()
            .query_row(
                &format!("SELECT {ALERT_COLUMNS} FROM alert WHERE id = ?1"),
                [id],
                alert_row,
            )
            .optional()?)
    }

    fn alert_events(&self, alert: i64) -> Result<Vec<AlertEvent>, StoreError> {
        let mut statement = self.connection().prepare(
            "SELECT alert_id, run_id, on_day, kind, detail FROM alert_event
             WHERE alert_id = ?1 ORDER BY id",
        )?;
        let events = statement
            .query_map([alert], event_row)?
            .collect::<Result<_, _>>()?;
        Ok(events)
    }

    fn alert_activity(&self, from: Date, to: Date) -> Result<Vec<AlertActivity>, StoreError> {
        let mut statement = self.connection().prepare(
            "SELECT e.alert_id, e.run_id, e.on_day, e.kind, e.detail, a.rule, a.child
             FROM alert_event e JOIN alert a ON a.id = e.alert_id
             WHERE e.on_day BETWEEN ?1 AND ?2 ORDER BY e.id",
        )?;
        let activity = statement
            .query_map([from.to_string(), to.to_string()], |row| {
                Ok(AlertActivity {
                    event: event_row(row)?,
                    rule: row.get(5)?,
                    child: row.get(6)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(activity)
    }

    fn evaluation_runs(&self, limit: usize) -> Result<Vec<EvaluationRun>, StoreError> {
        let mut statement = self.connection().prepare(&format!(
            "SELECT {EVALUATION_RUN_COLUMNS} FROM evaluation_run ORDER BY id DESC LIMIT ?1"
        ))?;
        let runs = statement
            .query_map([limit as i64], run_row)?
            .collect::<Result<_, _>>()?;
        Ok(runs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Backend;
    use crate::suite::both;
    use permanence_rules::AlertDecision;

    fn d(year: i16, month: i8, day: i8) -> Date {
        Date::constant(year, month, day)
    }

    fn finding(rule: &'static str, child: &str, escalated_to: Role) -> Finding {
        Finding {
            rule,
            child: child.into(),
            status: Status::Overdue,
            due: Some(d(2026, 1, 21)),
            days_overdue: 3,
            owner_role: Role::SocialWorker,
            owner: Some("SW1".into()),
            owner_name: Some("Sam Okafor".into()),
            escalated_to,
            escalated_to_person: Some(
                if escalated_to == Role::SocialWorker {
                    "SW1"
                } else {
                    "TM1"
                }
                .into(),
            ),
            escalated_to_name: None,
            title: "A review is overdue",
            evidence: Vec::new(),
            decision: None,
            subject: None,
        }
    }

    fn run(store: &mut dyn Backend, as_of: Date, findings: &[Finding]) -> EvaluationRun {
        store
            .record_evaluation(
                &NewRun {
                    started_at: &now(),
                    as_of,
                    trigger: "test",
                    actor: "tester",
                    children: 2,
                },
                findings,
            )
            .unwrap()
    }

    both! {
    fn an_evaluation_opens_escalates_acknowledges_and_closes_alerts_with_a_trail(store) {
        let first = vec![
            finding("REV-01", "C1", Role::SocialWorker),
            finding("VIS-01", "C2", Role::SocialWorker),
        ];
        let recorded = run(&mut *store, d(2026, 1, 22), &first);
        assert_eq!(
            (recorded.opened, recorded.changed, recorded.closed),
            (2, 0, 0)
        );
        assert_eq!(recorded.findings, 2);
        // The same findings again: nothing changes but the run's own record.
        let again = run(&mut *store, d(2026, 1, 22), &first);
        assert_eq!((again.opened, again.changed, again.closed), (0, 0, 0));
        assert_eq!(store.open_alerts().unwrap().len(), 2);
        // REV-01 escalates to the team manager; VIS-01 no longer fires.
        let mut escalated = finding("REV-01", "C1", Role::TeamManager);
        let changed = run(&mut *store, d(2026, 1, 29), std::slice::from_ref(&escalated));
        // The team manager now holds it; the social worker still owns it.
        let held = store.open_alerts_for("TM1").unwrap();
        assert_eq!((held.len(), held[0].rule.as_str()), (1, "REV-01"));
        assert_eq!(store.open_alerts_for("SW1").unwrap().len(), 1);
        assert_eq!((changed.opened, changed.changed, changed.closed), (0, 1, 1));
        // A manager's decision holds it.
        escalated.decision = Some(AlertDecision {
            id: "D1".into(),
            due: d(2026, 2, 6),
            holding: true,
        });
        run(&mut *store, d(2026, 1, 30), std::slice::from_ref(&escalated));
        // It stops firing.
        let closed = run(&mut *store, d(2026, 2, 2), &[]);
        assert_eq!(closed.closed, 1);
        assert!(store.open_alerts().unwrap().is_empty());
        assert!(store.open_alerts_for("TM1").unwrap().is_empty());

        let alerts = store.child_alerts("C1").unwrap();
        assert_eq!(alerts.len(), 1);
        let alert = &alerts[0];
        assert_eq!(alert.opened_on, d(2026, 1, 22));
        assert_eq!(alert.closed_on, Some(d(2026, 2, 2)));
        assert_eq!(alert.escalated_to_role, Role::TeamManager);
        assert_eq!(alert.decision.as_deref(), Some("D1"));
        let trail: Vec<(String, Date, String)> = store
            .alert_events(alert.id)
            .unwrap()
            .into_iter()
            .map(|e| (e.kind, e.on_day, e.detail))
            .collect();
        assert_eq!(
            trail,
            vec![
                (
                    "opened".into(),
                    d(2026, 1, 22),
                    "Opened: Overdue, due 21/01/2026; with social worker (SW1)".into()
                ),
                (
                    "escalated".into(),
                    d(2026, 1, 29),
                    "Escalated to team manager (TM1)".into()
                ),
                (
                    "decision".into(),
                    d(2026, 1, 30),
                    "Management decision D1 recorded: escalation held until 06/02/2026".into()
                ),
                (
                    "closed".into(),
                    d(2026, 2, 2),
                    "Closed: the rule no longer fires".into()
                ),
            ]
        );
        // The rule firing again later opens a new alert; the closed one stays as it was.
        run(&mut *store, d(2026, 3, 2), &first[..1]);
        let alerts = store.child_alerts("C1").unwrap();
        assert_eq!(alerts.len(), 2);
        assert!(alerts[0].is_open() && !alerts[1].is_open());
        assert_eq!(store.evaluation_runs(10).unwrap().len(), 6);
        assert_eq!(store.evaluation_runs(10).unwrap()[0].as_of, d(2026, 3, 2));
    }
    }

    both! {
    fn a_rule_finding_several_things_about_a_child_has_an_alert_for_each(store) {
        let d1 = finding("SUP-02", "C1", Role::SocialWorker).about("D1");
        let d2 = finding("SUP-02", "C1", Role::SocialWorker).about("D2");
        let opened = run(&mut *store, d(2026, 1, 22), &[d1.clone(), d2]);
        assert_eq!(opened.opened, 2);
        // D2 is done: its alert closes, D1's stays open.
        let next = run(&mut *store, d(2026, 1, 23), &[d1]);
        assert_eq!((next.opened, next.changed, next.closed), (0, 0, 1));
        let open = store.open_alerts().unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].subject.as_deref(), Some("D1"));
    }
    }

    both! {
    fn the_trail_and_the_runs_cannot_be_rewritten(store) {
        run(&mut *store,
            d(2026, 1, 22),
            &[finding("REV-01", "C1", Role::SocialWorker)],
        );
        run(&mut *store, d(2026, 1, 23), &[]);
        for sql in [
            "DELETE FROM alert",
            "UPDATE alert SET status = 'due_soon'",
            "UPDATE alert_event SET detail = 'x'",
            "DELETE FROM alert_event",
            "UPDATE evaluation_run SET actor = 'x'",
            "DELETE FROM evaluation_run",
        ] {
            assert!(store.raw(sql).is_err(), "{sql}");
        }
    }
    }

    both! {
    /// Evaluations of the same records running at once in several connections (two
    /// server processes, or the server and `permanence evaluate` from cron) open each
    /// alert once: each plans from what the one before it recorded.
    fn evaluations_running_at_once_open_each_alert_once(store) {
        let findings = vec![
            finding("REV-01", "C1", Role::SocialWorker),
            finding("REV-01", "C2", Role::TeamManager),
        ];
        let runs: Vec<EvaluationRun> = (0..3)
            .map(|_| {
                let mut db = store.another();
                let findings = findings.clone();
                std::thread::spawn(move || run(&mut *db, d(2026, 1, 22), &findings))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|thread| thread.join().unwrap())
            .collect();
        assert_eq!(runs.iter().map(|r| r.opened).sum::<usize>(), 2);
        assert_eq!(runs.iter().map(|r| r.changed + r.closed).sum::<usize>(), 0);
        assert_eq!(store.open_alerts().unwrap().len(), 2);
        assert_eq!(store.count("SELECT count(*) FROM alert_event"), 2);
    }
    }

    #[test]
    fn only_the_evidence_changing_updates_quietly() {
        let open = vec![Alert {
            id: 7,
            rule: "REV-01".into(),
            child: "C1".into(),
            subject: None,
            title: "t".into(),
            opened_on: d(2026, 1, 22),
            closed_on: None,
            status: Status::Overdue,
            due: Some(d(2026, 1, 21)),
            owner_role: Role::SocialWorker,
            owner: Some("SW1".into()),
            escalated_to_role: Role::SocialWorker,
            escalated_to: Some("SW1".into()),
            decision: None,
            decision_due: None,
            evidence: "old".into(),
        }];
        let findings = [finding("REV-01", "C1", Role::SocialWorker)];
        let plan = plan_evaluation(&open, &findings);
        assert!(plan.open.is_empty() && plan.close.is_empty());
        assert_eq!(plan.update.len(), 1);
        assert!(plan.update[0].events.is_empty());
    }
}
