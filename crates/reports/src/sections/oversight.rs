//! Section 6, oversight: reviews, visits and supervision on time, management decisions
//! overdue, IRO challenges, the alerts' activity by team, and panels.

use std::collections::BTreeMap;

use permanence_domain::Date;
use permanence_domain::tracker::{ActivityKind, AllocationRole, ChallengeStage};

use super::rules_table;
use crate::{Cell, Records, Scope, Section, Table};

/// Section 6.
pub(crate) fn section(scope: &Scope<'_>) -> Section {
    Section {
        number: 6,
        id: "oversight",
        title: "Oversight",
        intro: "Whether reviews, visits and supervision happen on time and management decisions \
                are carried out; IRO challenges; what happened to the alerts in the period, by \
                team; and panels."
            .to_string(),
        charts: Vec::new(),
        tables: vec![
            activity_in_period(scope),
            timeliness(scope),
            decisions_overdue(scope),
            challenges(scope),
            alerts_by_team(scope),
            panels(scope),
        ],
    }
}

/// Reviews, visits and supervision held in the period.
fn activity_in_period(scope: &Scope<'_>) -> Table {
    let in_period = |date: Date| date >= scope.start && date <= scope.as_of;
    let mut reviews = Vec::new();
    for journey in &scope.records.journeys {
        let held = journey
            .record
            .reviews
            .iter()
            .filter(|r| in_period(r.review));
        reviews.extend(held.map(|_| journey.child().to_string()));
    }
    let mut visits = Vec::new();
    let mut iro_contacts = Vec::new();
    for (child, tracker) in &scope.records.trackers {
        for activity in tracker.activities.iter().filter(|a| in_period(a.date)) {
            match activity.kind {
                ActivityKind::Visit => visits.push(child.clone()),
                ActivityKind::IroContact => iro_contacts.push(child.clone()),
                _ => {}
            }
        }
    }
    let sessions = scope
        .records
        .organisation
        .supervision
        .iter()
        .filter(|s| in_period(s.date))
        .count();
    let mut table = Table::new(
        "held_in_period",
        "Reviews, visits and supervision held in the period",
        &["What", "Held", "Children"],
    );
    for (what, children) in [
        ("Looked-after reviews", reviews),
        ("Social worker visits", visits),
        ("IRO visits or contacts", iro_contacts),
    ] {
        let count = children.len();
        let cell = Cell::events(count, children);
        let distinct = cell.children.as_ref().map_or(0, Vec::len);
        table.push(vec![Cell::text(what), cell, Cell::number(distinct)]);
    }
    table.push(vec![
        Cell::text("Supervision sessions"),
        Cell::number(sessions),
        Cell::text(""),
    ]);
    table
}

/// The rules about reviews, visits, supervision and decisions on the as-of date.
fn timeliness(scope: &Scope<'_>) -> Table {
    rules_table(
        scope,
        "on_time_at_period_end",
        "Reviews, visits and supervision on time: the drift rules on the last day of the period",
        &[
            "REV-01", "REV-02", "REV-03", "REV-05", "VIS-01", "VIS-02", "VIS-03", "VIS-04",
            "VIS-05", "VIS-06", "SUP-01", "SUP-02", "IRO-01", "IRO-02",
        ],
    )
}

/// Management decisions due on or before the as-of date and not done by then.
fn decisions_overdue(scope: &Scope<'_>) -> Table {
    let records: &Records = scope.records;
    let mut table = Table::new(
        "management_decisions_overdue",
        "Management decisions overdue at the end of the period",
        &[
            "Where the decision was made",
            "Overdue",
            "Children",
            "Made in the period",
            "Completed in the period",
        ],
    )
    .with_note(
        "A decision is overdue when its due date has passed and it is not recorded as done.",
    );
    let mut by_source: BTreeMap<&str, (usize, Vec<String>, usize, usize)> = BTreeMap::new();
    let all = records
        .trackers
        .values()
        .flat_map(|t| t.decisions.iter())
        .chain(records.organisation.decisions.iter());
    for decision in all {
        let entry = by_source.entry(decision.source.label()).or_default();
        if decision.due.is_some_and(|due| due < scope.as_of) && decision.completed.is_none() {
            entry.0 += 1;
            if let Some(child) = &decision.child {
                entry.1.push(child.clone());
            }
        }
        if decision.made >= scope.start {
            entry.2 += 1;
        }
        if decision.completed.is_some_and(|c| c >= scope.start) {
            entry.3 += 1;
        }
    }
    for (source, (overdue, children, made, completed)) in by_source {
        let distinct = Cell::children(children.clone());
        table.push(vec![
            Cell::text(source),
            Cell::events(overdue, children),
            Cell::number(distinct.children.map_or(0, |c| c.len())),
            Cell::number(made),
            Cell::number(completed),
        ]);
    }
    table
}

/// IRO challenges opened and resolved in the period, and open at its end by stage.
fn challenges(scope: &Scope<'_>) -> Table {
    let mut opened = Vec::new();
    let mut resolved = Vec::new();
    let mut open: BTreeMap<Option<ChallengeStage>, Vec<String>> = BTreeMap::new();
    for (child, tracker) in &scope.records.trackers {
        for (challenge, steps) in &tracker.challenges {
            if challenge.raised >= scope.start {
                opened.push(child.clone());
            }
            match challenge.resolved {
                Some(date) if date >= scope.start => resolved.push(child.clone()),
                Some(_) => {}
                None => {
                    let stage = steps.iter().map(|s| s.stage).max();
                    open.entry(stage).or_default().push(child.clone());
                }
            }
        }
    }
    let mut table = Table::new(
        "iro_challenges",
        "IRO challenges",
        &["Challenges", "Number", "Children"],
    )
    .with_note("Open challenges by the furthest stage of the dispute-resolution process reached.");
    let mut push = |label: String, children: Vec<String>| {
        let count = children.len();
        let cell = Cell::events(count, children);
        let distinct = cell.children.as_ref().map_or(0, Vec::len);
        table.push(vec![Cell::text(label), cell, Cell::number(distinct)]);
    };
    push("Opened in the period".into(), opened);
    push("Resolved in the period".into(), resolved);
    for (stage, children) in open {
        let stage = stage.map_or("no stage recorded", |s| s.label());
        push(format!("Open at the end of the period: {stage}"), children);
    }
    table
}

/// The team a child's alert belongs to on a day: the team of the child's allocated
/// social worker that day.
fn team_of(records: &Records, child: &str, date: Date) -> String {
    let tracker = records.tracker(child);
    let Some(allocation) = tracker.allocated_on(AllocationRole::SocialWorker, date) else {
        return "No social worker allocated".to_string();
    };
    let team = allocation.team.clone().or_else(|| {
        records
            .organisation
            .person(&allocation.person)
            .and_then(|p| p.team.clone())
    });
    match team {
        Some(id) => records
            .organisation
            .teams
            .iter()
            .find(|t| t.id == id)
            .map_or(id, |t| t.name.clone()),
        None => "No team recorded".to_string(),
    }
}

/// The alerts' activity in the period by team: opened, acknowledged with a management
/// decision, escalated up the ladder, closed.
fn alerts_by_team(scope: &Scope<'_>) -> Table {
    #[derive(Default)]
    struct Counts {
        opened: Vec<String>,
        acknowledged: Vec<String>,
        escalated: Vec<String>,
        closed: Vec<String>,
    }
    let mut teams: BTreeMap<String, Counts> = BTreeMap::new();
    for activity in &scope.records.alert_activity {
        let day = activity.event.on_day;
        if day < scope.start || day > scope.as_of {
            continue;
        }
        let counts = teams
            .entry(team_of(scope.records, &activity.child, day))
            .or_default();
        let child = activity.child.clone();
        match activity.event.kind.as_str() {
            "opened" => counts.opened.push(child),
            "decision" => counts.acknowledged.push(child),
            "closed" => counts.closed.push(child),
            _ if activity.event.is_escalation() => counts.escalated.push(child),
            _ => {}
        }
    }
    let mut table = Table::new(
        "alerts_by_team",
        "Alerts in the period, by team",
        &[
            "Team",
            "Opened",
            "Acknowledged with a decision",
            "Escalated",
            "Closed",
        ],
    )
    .with_note(
        "From the daily evaluations dated in the period. The team is the team of the child's \
         allocated social worker on the day. Escalated: each step up the management line.",
    );
    for (team, counts) in teams {
        let cell = |children: Vec<String>| Cell::events(children.len(), children);
        table.push(vec![
            Cell::text(team),
            cell(counts.opened),
            cell(counts.acknowledged),
            cell(counts.escalated),
            cell(counts.closed),
        ]);
    }
    table
}

/// Panel decisions in the period by panel, and children presented to more than one
/// panel on the same question (PNL-01).
fn panels(scope: &Scope<'_>) -> Table {
    let mut by_panel: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (child, tracker) in &scope.records.trackers {
        for decision in &tracker.panel_decisions {
            if decision.date >= scope.start {
                let name = scope
                    .records
                    .organisation
                    .panels
                    .iter()
                    .find(|p| p.id == decision.panel)
                    .map_or(decision.panel.clone(), |p| p.name.clone());
                by_panel.entry(name).or_default().push(child.clone());
            }
        }
    }
    let mut table = Table::new(
        "panel_decisions",
        "Panel decisions in the period",
        &["Panel", "Decisions", "Children"],
    );
    for (panel, children) in by_panel {
        let count = children.len();
        let cell = Cell::events(count, children);
        let distinct = cell.children.as_ref().map_or(0, Vec::len);
        table.push(vec![Cell::text(panel), cell, Cell::number(distinct)]);
    }
    let overlapping: Vec<String> = scope
        .findings
        .iter()
        .filter(|f| f.rule == "PNL-01")
        .map(|f| f.child.clone())
        .collect();
    table.push(vec![
        Cell::text("Overlapping panels (PNL-01) open at the end of the period"),
        Cell::events(overlapping.len(), overlapping.clone()),
        Cell::children(overlapping),
    ]);
    table
}

#[cfg(test)]
mod tests {
    use permanence_domain::tracker::{
        Allocation, ChallengeCategory, ChallengeStep, ChildTracker, IroChallenge, Team,
    };
    use permanence_store::{AlertActivity, AlertEvent};

    use super::*;
    use crate::sections::test_cohort::*;

    fn event(child: &str, on: Date, kind: &str, detail: &str) -> AlertActivity {
        AlertActivity {
            event: AlertEvent {
                alert: 1,
                run: 1,
                on_day: on,
                kind: kind.into(),
                detail: detail.into(),
            },
            rule: "REV-01".into(),
            child: child.into(),
        }
    }

    fn allocated(child: &str, team: &str, start: Date, end: Option<Date>) -> Allocation {
        Allocation {
            child: child.into(),
            role: AllocationRole::SocialWorker,
            person: format!("SW-{team}"),
            team: Some(team.into()),
            start,
            end,
        }
    }

    /// Alerts in October 2026 by team, worked by hand: A's social worker was in team
    /// North until 15/10, then South. Events: opened 1/10 (North), escalated 10/10
    /// (North), a return to the owner 12/10 (not an escalation), a decision 20/10
    /// (South), closed 31/10 (South), and one opened 1/11 (after the period). B has no
    /// social worker: opened 5/10.
    #[test]
    fn alerts_by_team_worked_by_hand() {
        let mut records = borough(
            vec![
                record("A", d(2016, 1, 1), vec![in_care(d(2026, 1, 1), None)]),
                record("B", d(2016, 1, 1), vec![in_care(d(2026, 1, 1), None)]),
            ],
            vec![(
                "A",
                ChildTracker {
                    allocations: vec![
                        allocated("A", "N", d(2026, 1, 1), Some(d(2026, 10, 16))),
                        allocated("A", "S", d(2026, 10, 16), None),
                    ],
                    ..ChildTracker::default()
                },
            )],
        );
        records.organisation.teams = vec![
            Team {
                id: "N".into(),
                name: "North".into(),
                service: None,
                manager: None,
            },
            Team {
                id: "S".into(),
                name: "South".into(),
                service: None,
                manager: None,
            },
        ];
        records.alert_activity = vec![
            event("A", d(2026, 10, 1), "opened", "Opened"),
            event(
                "A",
                d(2026, 10, 10),
                "escalated",
                "Escalated to team manager",
            ),
            event("A", d(2026, 10, 12), "escalated", "Now with social worker"),
            event(
                "A",
                d(2026, 10, 20),
                "decision",
                "Management decision D1 recorded",
            ),
            event("A", d(2026, 10, 31), "closed", "Closed"),
            event("A", d(2026, 11, 1), "opened", "Opened"),
            event("B", d(2026, 10, 5), "opened", "Opened"),
        ];
        let report = report(&records, "2026-10");
        assert_eq!(
            row(&report, "alerts_by_team", "North")[1..],
            ["1", "0", "1", "0"].map(String::from)
        );
        assert_eq!(
            row(&report, "alerts_by_team", "South")[1..],
            ["0", "1", "0", "1"].map(String::from)
        );
        assert_eq!(
            row(&report, "alerts_by_team", "No social worker allocated")[1..],
            ["1", "0", "0", "0"].map(String::from)
        );
    }

    /// IRO challenges, worked by hand: C1 raised 1/9 and resolved 5/10 (resolved in
    /// the period); C2 raised 2/10, open at the service-manager stage (opened in the
    /// period); C3 raised 1/10 and resolved 1/11 (after the period: open on 31/10, at
    /// the informal stage).
    #[test]
    fn iro_challenges_worked_by_hand() {
        let challenge =
            |id: &str, raised: Date, resolved: Option<Date>, stages: &[ChallengeStage]| {
                (
                    IroChallenge {
                        id: id.into(),
                        child: "A".into(),
                        iro: "IRO1".into(),
                        raised,
                        category: ChallengeCategory::DriftAndDelay,
                        resolved,
                        cafcass_referral: None,
                    },
                    stages
                        .iter()
                        .map(|stage| ChallengeStep {
                            challenge: id.into(),
                            stage: *stage,
                            started: raised,
                            response_due: raised,
                            responded: None,
                            response: None,
                        })
                        .collect(),
                )
            };
        let records = borough(
            vec![record(
                "A",
                d(2016, 1, 1),
                vec![in_care(d(2026, 1, 1), None)],
            )],
            vec![(
                "A",
                ChildTracker {
                    challenges: vec![
                        challenge(
                            "C1",
                            d(2026, 9, 1),
                            Some(d(2026, 10, 5)),
                            &[ChallengeStage::Informal],
                        ),
                        challenge(
                            "C2",
                            d(2026, 10, 2),
                            None,
                            &[ChallengeStage::Informal, ChallengeStage::ServiceManager],
                        ),
                        challenge(
                            "C3",
                            d(2026, 10, 1),
                            Some(d(2026, 11, 1)),
                            &[ChallengeStage::Informal],
                        ),
                    ],
                    ..ChildTracker::default()
                },
            )],
        );
        let report = report(&records, "2026-10");
        assert_eq!(
            row(&report, "iro_challenges", "Opened in the period")[1],
            "2"
        );
        assert_eq!(
            row(&report, "iro_challenges", "Resolved in the period")[1],
            "1"
        );
        assert_eq!(
            row(
                &report,
                "iro_challenges",
                "Open at the end of the period: Formal: service manager"
            )[1],
            "1"
        );
        assert_eq!(
            row(
                &report,
                "iro_challenges",
                "Open at the end of the period: Informal (social worker and team manager)"
            )[1],
            "1"
        );
    }
}
