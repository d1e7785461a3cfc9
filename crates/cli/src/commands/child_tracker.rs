//! The tracker's records in `permanence child ID`: who the child is allocated to, the
//! permanence plan and its history, decisions (open ones first), IRO challenges with
//! their stage, meetings, family finding, life-story work, panels, proceedings, the
//! latest activity of each kind and staying put; as text and as JSON.

use std::collections::BTreeMap;

use permanence_domain::Date;
use permanence_domain::date::{days_between, format_dmy};
use permanence_domain::tracker::*;
use permanence_store::TrackerVersion;
use serde::Serialize;

/// What the view needs: the organisation (for names), the child's records and every
/// version of them (for corrections).
pub(crate) struct ChildRecords<'a> {
    pub organisation: &'a Organisation,
    pub tracker: &'a ChildTracker,
    pub versions: &'a [TrackerVersion],
    pub as_of: Date,
}

impl ChildRecords<'_> {
    fn name(&self, id: &str) -> String {
        match self.organisation.person(id) {
            Some(person) => format!("{} ({id})", person.name),
            None => id.to_string(),
        }
    }

    fn team(&self, id: &str) -> String {
        match self.organisation.teams.iter().find(|t| t.id == id) {
            Some(team) => team.name.clone(),
            None => id.to_string(),
        }
    }

    fn panel(&self, id: &str) -> String {
        match self.organisation.panels.iter().find(|p| p.id == id) {
            Some(panel) => panel.name.clone(),
            None => id.to_string(),
        }
    }

    fn is_empty(&self) -> bool {
        self.tracker == &ChildTracker::default()
    }

    /// Decisions, open ones first (soonest due first, undated last), then completed
    /// ones, latest first.
    fn decisions_in_order(&self) -> Vec<&Decision> {
        let mut decisions: Vec<&Decision> = self.tracker.decisions.iter().collect();
        decisions.sort_by(|a, b| match (a.completed, b.completed) {
            (None, None) => (a.due.is_none(), a.due, a.made).cmp(&(b.due.is_none(), b.due, b.made)),
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => y.cmp(&x),
        });
        decisions
    }

    /// The latest activity of each kind, on or before the date.
    fn latest_activities(&self) -> Vec<&Activity> {
        let mut latest: BTreeMap<ActivityKind, &Activity> = BTreeMap::new();
        for activity in self
            .tracker
            .activities
            .iter()
            .filter(|a| a.date <= self.as_of)
        {
            latest.insert(activity.kind, activity);
        }
        latest.into_values().collect()
    }

    /// Corrections: versions superseded by a later one, with what superseded them.
    fn corrections(&self) -> Vec<Correction<'_>> {
        self.versions
            .iter()
            .filter_map(|old| {
                let new = self
                    .versions
                    .iter()
                    .find(|v| Some(v.id) == old.superseded_by)?;
                Some(Correction {
                    kind: old.record.kind.name(),
                    record: old.record.key_text(),
                    recorded_at: &new.recorded_at,
                    recorded_by: &new.recorded_by,
                    reason: &new.reason,
                    before: changed_values(&old.record, &new.record, true),
                    after: changed_values(&old.record, &new.record, false),
                })
            })
            .collect()
    }
}

/// A correction of one of the child's records.
#[derive(Debug, Serialize)]
struct Correction<'a> {
    kind: &'static str,
    record: String,
    recorded_at: &'a str,
    recorded_by: &'a str,
    reason: &'a str,
    before: BTreeMap<&'static str, String>,
    after: BTreeMap<&'static str, String>,
}

fn changed_values(
    old: &permanence_tracker::RawRecord,
    new: &permanence_tracker::RawRecord,
    before: bool,
) -> BTreeMap<&'static str, String> {
    old.template()
        .columns
        .iter()
        .zip(old.fields().zip(new.fields()))
        .filter(|(_, (a, b))| a != b)
        .map(|(column, (a, b))| (column.name, if before { a } else { b }.to_string()))
        .collect()
}

fn options(options: &[PermanenceOption]) -> String {
    options
        .iter()
        .map(|o| o.label())
        .collect::<Vec<_>>()
        .join(", ")
}

fn date_or(date: Option<Date>, none: &str) -> String {
    date.map(format_dmy).unwrap_or_else(|| none.to_string())
}

fn plan_text(plan: &PermanencePlan) -> String {
    let mut parts = vec![format!("primary {}", plan.primary.label())];
    if !plan.parallel.is_empty() {
        parts.push(format!("parallel {}", options(&plan.parallel)));
    }
    parts.push(match plan.contingency {
        Some(c) => format!("contingency {}", c.label()),
        None => "no contingency plan".to_string(),
    });
    parts.join("; ")
}

/// Text lines for the child's tracker records.
pub(crate) fn text(view: &ChildRecords<'_>) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    let t = view.tracker;
    let as_of = view.as_of;
    line(String::new());
    line("Permanence work (tracker records)".to_string());
    if view.is_empty() {
        line("  No tracker records for this child.".to_string());
        return out;
    }
    // Allocations.
    let mut allocated = Vec::new();
    for role in AllocationRole::ALL {
        if let Some(a) = t.allocated_on(*role, as_of) {
            allocated.push(format!(
                "{} {} since {}{}",
                role.label().to_lowercase(),
                view.name(&a.person),
                format_dmy(a.start),
                a.team
                    .as_deref()
                    .map(|team| format!(", team {}", view.team(team)))
                    .unwrap_or_default()
            ));
        }
    }
    line(format!(
        "  Allocated on {}: {}",
        format_dmy(as_of),
        if allocated.is_empty() {
            "nobody".to_string()
        } else {
            allocated.join("; ")
        }
    ));
    // The plan and its history.
    match t.plan_on(as_of) {
        Some(plan) => {
            let target = match (plan.achieved, plan.target) {
                (Some(achieved), _) => format!(
                    "; permanence achieved on {}{}",
                    format_dmy(achieved),
                    plan.achieved_by
                        .map(|by| format!(" by {}", by.label()))
                        .unwrap_or_default()
                ),
                (None, Some(target)) if target < as_of => format!(
                    "; target {} passed {} days ago",
                    format_dmy(target),
                    days_between(target, as_of)
                ),
                (None, Some(target)) => format!("; target {}", format_dmy(target)),
                (None, None) => "; no target date".to_string(),
            };
            line(format!(
                "  Permanence plan (decided {} at {}): {}{target}",
                format_dmy(plan.decided),
                plan.forum.label().to_lowercase(),
                plan_text(plan)
            ));
        }
        None => line(format!(
            "  Permanence plan: none recorded by {}",
            format_dmy(as_of)
        )),
    }
    if t.plans.len() > 1 || t.plans.first().is_some_and(|p| p.decided > as_of) {
        line("    Plan history:".to_string());
        for plan in t.plans.iter().rev() {
            line(format!(
                "      {}  {} ({})",
                format_dmy(plan.decided),
                plan_text(plan),
                plan.forum.label().to_lowercase()
            ));
        }
    }
    let corrections = view.corrections();
    if !corrections.is_empty() {
        line("  Corrections (every version is kept):".to_string());
        for c in &corrections {
            let changes: Vec<String> = c
                .before
                .iter()
                .map(|(column, before)| {
                    format!(
                        "{column} '{}' → '{}'",
                        before,
                        c.after.get(column).map(String::as_str).unwrap_or("")
                    )
                })
                .collect();
            line(format!(
                "    {} {}: {} (by {} at {}: {})",
                c.kind,
                c.record,
                changes.join(", "),
                c.recorded_by,
                c.recorded_at,
                c.reason
            ));
        }
    }
    // Decisions.
    if !t.decisions.is_empty() {
        line("  Decisions (open first):".to_string());
        for d in view.decisions_in_order() {
            let status = match (d.completed, d.due) {
                (Some(done), _) => format!("done {}", format_dmy(done)),
                (None, Some(due)) if due < as_of => {
                    format!(
                        "OPEN, due {} ({} days overdue)",
                        format_dmy(due),
                        days_between(due, as_of)
                    )
                }
                (None, Some(due)) => format!("open, due {}", format_dmy(due)),
                (None, None) => "OPEN, no due date".to_string(),
            };
            line(format!(
                "    {} [{status}] {}: {} (owner {}; made {} by {}, {})",
                d.id,
                d.source.label(),
                d.text,
                view.name(&d.owner),
                format_dmy(d.made),
                view.name(&d.made_by),
                d.source_ref.as_deref().unwrap_or("no reference")
            ));
        }
    }
    // IRO challenges.
    for (challenge, steps) in &t.challenges {
        let stage = match (challenge.resolved, steps.last()) {
            (Some(resolved), _) => format!("resolved {}", format_dmy(resolved)),
            (None, Some(step)) => format!(
                "at stage {} since {}, response due {}{}",
                step.stage.label().to_lowercase(),
                format_dmy(step.started),
                format_dmy(step.response_due),
                match step.responded {
                    Some(responded) => format!(", responded {}", format_dmy(responded)),
                    None if step.response_due < as_of => format!(
                        ", no response ({} days overdue)",
                        days_between(step.response_due, as_of)
                    ),
                    None => ", no response yet".to_string(),
                }
            ),
            (None, None) => "open, no stage recorded".to_string(),
        };
        line(format!(
            "  IRO challenge {} raised {} by {}: {}; {stage}{}",
            challenge.id,
            format_dmy(challenge.raised),
            view.name(&challenge.iro),
            challenge.category.label(),
            challenge
                .cafcass_referral
                .map(|d| format!("; referred to Cafcass {}", format_dmy(d)))
                .unwrap_or_default()
        ));
    }
    for m in &t.meetings {
        line(format!(
            "  {} {}{}: {}{}",
            m.kind.label(),
            format_dmy(m.date),
            m.chair
                .as_deref()
                .map(|c| format!(" chaired by {}", view.name(c)))
                .unwrap_or_default(),
            if m.outcome.is_empty() {
                "no outcome recorded"
            } else {
                &m.outcome
            },
            m.next
                .map(|n| format!("; next {}", format_dmy(n)))
                .unwrap_or_default()
        ));
    }
    for f in &t.family_finding {
        line(format!(
            "  Family finding ({}) from {}: {}{}; {} profile(s), {} link(s), {} expression(s) of interest, {} match(es){}",
            f.route.label().to_lowercase(),
            format_dmy(f.start),
            f.status.label().to_lowercase(),
            f.end
                .map(|e| format!(
                    " {}{}",
                    format_dmy(e),
                    f.end_reason
                        .as_deref()
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                ))
                .unwrap_or_default(),
            f.profiles,
            f.links,
            f.expressions_of_interest,
            f.matches,
            f.fostering_for_adoption_considered
                .map(|d| format!("; fostering for adoption considered {}", format_dmy(d)))
                .unwrap_or_default()
        ));
    }
    for s in &t.sibling_assessments {
        line(format!(
            "  Together-and-apart assessment {} with {}: {}",
            format_dmy(s.date),
            s.siblings.join(", "),
            s.conclusion.label().to_lowercase()
        ));
    }
    match &t.life_story {
        Some(l) => line(format!(
            "  Life-story work: started {}; {} session(s), latest {}; book first stage {}; book completed {}; later-life letter {}",
            date_or(l.started, "no"),
            l.sessions,
            date_or(l.last_session, "none"),
            date_or(l.book_first_stage, "not given"),
            date_or(l.book_completed, "not given"),
            date_or(l.later_life_letter, "not given")
        )),
        None => line("  Life-story work: none recorded".to_string()),
    }
    for d in &t.panel_decisions {
        line(format!(
            "  Panel {} ({}) {}: {}: {}{}",
            view.panel(&d.panel),
            d.panel,
            format_dmy(d.date),
            d.question.label(),
            d.decision,
            d.conditions
                .as_deref()
                .map(|c| format!(" (conditions: {c})"))
                .unwrap_or_default()
        ));
    }
    for (case, meetings) in &t.pre_proceedings {
        line(format!(
            "  Pre-proceedings {} from legal gateway meeting {}: letter before proceedings {}; {} meeting(s)/review(s){}; {}",
            case.id,
            format_dmy(case.legal_gateway_meeting),
            date_or(case.letter_before_proceedings, "not sent"),
            meetings.len(),
            meetings
                .last()
                .map(|m| format!(", latest {}", format_dmy(m.date)))
                .unwrap_or_default(),
            match (case.outcome, case.ended) {
                (Some(outcome), Some(ended)) =>
                    format!("{} {}", outcome.label().to_lowercase(), format_dmy(ended)),
                _ => format!(
                    "open for {} weeks",
                    days_between(case.legal_gateway_meeting, as_of) / 7
                ),
            }
        ));
    }
    for (case, hearings) in &t.proceedings {
        let extensions: u32 = hearings
            .iter()
            .filter_map(|h| h.extension_weeks)
            .map(u32::from)
            .sum();
        line(format!(
            "  Care proceedings {} issued {}: {}{}",
            case.id,
            format_dmy(case.issued),
            match (case.concluded, case.order) {
                (Some(concluded), order) => format!(
                    "concluded {} in week {}{}",
                    format_dmy(concluded),
                    days_between(case.issued, concluded) / 7 + 1,
                    order
                        .map(|o| format!(", {}", o.label().to_lowercase()))
                        .unwrap_or_default()
                ),
                (None, _) => format!(
                    "open, week {} of 26",
                    days_between(case.issued, as_of) / 7 + 1
                ),
            },
            if extensions > 0 {
                format!("; extensions of {extensions} week(s) granted")
            } else {
                String::new()
            }
        ));
        for h in hearings {
            line(format!("    {}  {}", format_dmy(h.date), h.kind.label()));
        }
    }
    let latest = view.latest_activities();
    if !latest.is_empty() {
        line(format!("  Latest activity by {}:", format_dmy(as_of)));
        for a in latest {
            line(format!(
                "    {}  {}{}{}",
                format_dmy(a.date),
                a.kind.label(),
                a.by.as_deref()
                    .map(|by| format!(" by {}", view.name(by)))
                    .unwrap_or_default(),
                match a.seen_alone {
                    Some(true) => ", seen alone",
                    Some(false) => ", not seen alone",
                    None => "",
                }
            ));
        }
    }
    for s in &t.staying_put {
        line(format!(
            "  Staying put decided {}: {}{}",
            format_dmy(s.decided),
            s.decision.label().to_lowercase(),
            s.start
                .map(|start| format!(
                    ", from {}{}",
                    format_dmy(start),
                    s.end
                        .map(|e| format!(" to {}", format_dmy(e)))
                        .unwrap_or_default()
                ))
                .unwrap_or_default()
        ));
    }
    if !t.supervision.is_empty() {
        let last = t.supervision.last().expect("not empty");
        line(format!(
            "  Discussed in {} supervision session(s), latest {} ({} supervising {})",
            t.supervision.len(),
            format_dmy(last.date),
            view.name(&last.supervisor),
            view.name(&last.supervisee)
        ));
    }
    out
}

/// Dated tracker events for the chronology: (date, order within the day, text).
pub(crate) fn events(view: &ChildRecords<'_>) -> Vec<(Date, u8, String)> {
    let t = view.tracker;
    let mut events = Vec::new();
    for plan in &t.plans {
        events.push((
            plan.decided,
            1,
            format!(
                "Permanence plan decided ({}): {}",
                plan.forum.label().to_lowercase(),
                plan_text(plan)
            ),
        ));
        if let Some(achieved) = plan.achieved {
            events.push((achieved, 1, "Permanence achieved".to_string()));
        }
    }
    for m in &t.meetings {
        events.push((m.date, 1, m.kind.label().to_string()));
    }
    for d in &t.panel_decisions {
        events.push((
            d.date,
            1,
            format!("{}: {}", view.panel(&d.panel), d.question.label()),
        ));
    }
    for (c, _) in &t.challenges {
        events.push((
            c.raised,
            1,
            format!("IRO challenge raised: {}", c.category.label()),
        ));
        if let Some(resolved) = c.resolved {
            events.push((resolved, 1, "IRO challenge resolved".to_string()));
        }
    }
    for (case, _) in &t.pre_proceedings {
        events.push((
            case.legal_gateway_meeting,
            1,
            "Legal gateway meeting: pre-proceedings begin".to_string(),
        ));
        if let (Some(ended), Some(outcome)) = (case.ended, case.outcome) {
            events.push((
                ended,
                1,
                format!("Pre-proceedings ended: {}", outcome.label().to_lowercase()),
            ));
        }
    }
    for (case, _) in &t.proceedings {
        events.push((case.issued, 1, "Care proceedings issued".to_string()));
        if let Some(concluded) = case.concluded {
            events.push((
                concluded,
                1,
                format!(
                    "Care proceedings concluded{}",
                    case.order
                        .map(|o| format!(": {}", o.label().to_lowercase()))
                        .unwrap_or_default()
                ),
            ));
        }
    }
    events
}

/// The child's tracker records as JSON: the records themselves, and the facts the text
/// view states (allocations and plan in force, open decisions, latest activity,
/// corrections).
pub(crate) fn json(view: &ChildRecords<'_>) -> serde_json::Value {
    let t = view.tracker;
    let allocations: Vec<serde_json::Value> = AllocationRole::ALL
        .iter()
        .filter_map(|role| t.allocated_on(*role, view.as_of))
        .map(|a| {
            serde_json::json!({
                "role": a.role,
                "person": a.person,
                "name": view.organisation.person(&a.person).map(|p| p.name.as_str()),
                "team": a.team,
                "start": a.start,
            })
        })
        .collect();
    let open_decisions: Vec<&Decision> = view
        .decisions_in_order()
        .into_iter()
        .filter(|d| d.completed.is_none())
        .collect();
    serde_json::json!({
        "allocated": allocations,
        "plan": t.plan_on(view.as_of),
        "open_decisions": open_decisions,
        "latest_activity": view.latest_activities(),
        "corrections": view.corrections(),
        "records": t,
    })
}
