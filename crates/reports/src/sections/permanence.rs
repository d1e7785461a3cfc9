//! Section 2, permanence planning: plans by the second review, permanence planning
//! meetings, parallel and contingency plans, young children in children's homes, time
//! to permanence by route, family finding, and plans past their target date.

use std::collections::BTreeMap;

use permanence_domain::codes::Code;
use permanence_domain::date::days_between;
use permanence_domain::tracker::{
    FamilyFindingRoute, MeetingKind, PermanenceOption, PermanencePlan,
};
use permanence_domain::{Date, Journey};

use super::rules_table;
use crate::cohort::looked_after_at;
use crate::{Cell, Records, Scope, Section, Table};

/// Section 2.
pub(crate) fn section(scope: &Scope<'_>) -> Section {
    Section {
        number: 2,
        id: "permanence",
        title: "Permanence planning",
        intro: "Whether children have a permanence plan by their second review, with a parallel \
                or contingency plan where the primary plan may not succeed, and how long \
                permanence and family finding take."
            .to_string(),
        charts: Vec::new(),
        tables: vec![
            second_review(scope),
            meetings(scope),
            planning_rules(scope),
            fallback_plans(scope),
            young_children_in_homes(scope),
            time_to_permanence(scope),
            family_finding(scope),
            past_target(scope),
        ],
    }
}

/// The plan in force on `date` in the period of care that began on `since`.
fn plan_on<'r>(
    records: &'r Records,
    child: &str,
    since: Date,
    date: Date,
) -> Option<&'r PermanencePlan> {
    records
        .tracker(child)
        .plan_on(date)
        .filter(|plan| plan.decided >= since)
}

fn plan_text(plan: Option<&PermanencePlan>) -> String {
    plan.map_or("No plan recorded".to_string(), |p| {
        p.primary.label().to_string()
    })
}

/// Children whose second review in a period of care was held in the period, and
/// whether a permanence plan had been decided in that period of care by the review.
fn second_review(scope: &Scope<'_>) -> Table {
    let mut held = Vec::new();
    let mut with_plan = Vec::new();
    for journey in &scope.records.journeys {
        for period in &journey.periods {
            let reviews: Vec<Date> = journey
                .record
                .reviews
                .iter()
                .map(|r| r.review)
                .filter(|date| *date >= period.start && period.end.is_none_or(|end| *date <= end))
                .collect();
            let Some(second) = reviews.get(1).copied() else {
                continue;
            };
            if second < scope.start || second > scope.as_of {
                continue;
            }
            held.push(journey.child().to_string());
            if plan_on(scope.records, journey.child(), period.start, second).is_some() {
                with_plan.push(journey.child().to_string());
            }
        }
    }
    let without: Vec<String> = held
        .iter()
        .filter(|c| !with_plan.contains(c))
        .cloned()
        .collect();
    let mut table = Table::new(
        "permanence_plan_by_second_review",
        "Permanence plan by the second review",
        &["Measure", "Children"],
    )
    .with_note(
        "Children whose second looked-after review of their current period of care was held \
         in the period, and whether a permanence plan had been recorded in that period of care \
         on or before the day of the review (Children Act 1989 Guidance Vol 2).",
    );
    table.push(vec![
        Cell::text("Second review held in the period"),
        Cell::children(held.clone()),
    ]);
    table.push(vec![
        Cell::text("With a permanence plan by the second review"),
        Cell::percent(with_plan, held.len()),
    ]);
    table.push(vec![
        Cell::text("Without a permanence plan at the second review"),
        Cell::children(without),
    ]);
    table
}

/// Permanence planning meetings held in the period.
fn meetings(scope: &Scope<'_>) -> Table {
    let children: Vec<String> = scope
        .records
        .trackers
        .iter()
        .flat_map(|(child, tracker)| {
            tracker
                .meetings
                .iter()
                .filter(|m| m.kind == MeetingKind::PermanencePlanningMeeting)
                .filter(|m| m.date >= scope.start && m.date <= scope.as_of)
                .map(move |_| child.clone())
        })
        .collect();
    let mut table = Table::new(
        "permanence_planning_meetings",
        "Permanence planning meetings held in the period",
        &["Meetings", "Children"],
    );
    let count = children.len();
    let cell = Cell::events(count, children);
    let distinct = cell.children.as_ref().map_or(0, Vec::len);
    table.push(vec![cell, Cell::number(distinct)]);
    table
}

/// The permanence-planning rules on the as-of date.
fn planning_rules(scope: &Scope<'_>) -> Table {
    rules_table(
        scope,
        "permanence_planning_timeliness",
        "Permanence planning on time: the drift rules on the last day of the period",
        &[
            "PERM-01", "PERM-02", "PERM-03", "PERM-04", "PERM-05", "PERM-06", "PERM-07",
        ],
    )
}

/// Where a parallel or contingency plan is required (PERM-02: the primary plan may not
/// succeed, or care proceedings are open), whether there is one.
fn fallback_plans(scope: &Scope<'_>) -> Table {
    let mut required = Vec::new();
    let mut with = Vec::new();
    for journey in &scope.records.journeys {
        let Some(period) = journey
            .period_on(scope.as_of)
            .filter(|_| looked_after_at(journey, scope.as_of))
        else {
            continue;
        };
        let Some(plan) = plan_on(scope.records, journey.child(), period.start, scope.as_of) else {
            continue;
        };
        if plan.achieved.is_some() {
            continue;
        }
        let proceedings_open = scope
            .records
            .tracker(journey.child())
            .proceedings
            .iter()
            .any(|(p, _)| p.concluded.is_none());
        if plan.primary.needs_a_fallback() || proceedings_open {
            required.push(journey.child().to_string());
            if plan.has_fallback() {
                with.push(journey.child().to_string());
            }
        }
    }
    let without: Vec<String> = required
        .iter()
        .filter(|c| !with.contains(c))
        .cloned()
        .collect();
    let mut table = Table::new(
        "parallel_and_contingency_plans",
        "Parallel or contingency plans where one is required",
        &["Measure", "Children"],
    )
    .with_note(
        "Required where the primary plan is return home or connected carers, or care \
         proceedings are open, and permanence is not yet achieved (rule PERM-02).",
    );
    table.push(vec![
        Cell::text("A parallel or contingency plan is required"),
        Cell::children(required.clone()),
    ]);
    table.push(vec![
        Cell::text("With a parallel or contingency plan"),
        Cell::percent(with, required.len()),
    ]);
    table.push(vec![Cell::text("Without one"), Cell::children(without)]);
    table
}

/// Children under 12 living in a children's home on the as-of date, each with how long
/// they have lived there and their plan.
fn young_children_in_homes(scope: &Scope<'_>) -> Table {
    let mut table = Table::new(
        "under_12_in_childrens_homes",
        "Children under 12 living in children's homes",
        &[
            "Child",
            "Age",
            "Placement",
            "There since",
            "Days there",
            "Permanence plan",
            "Family finding",
        ],
    )
    .with_note("Children's homes: placement types K1 and K2. Longest there first.");
    let mut rows: Vec<(i32, Vec<Cell>)> = Vec::new();
    for journey in &scope.records.journeys {
        let age = journey.age_on(scope.as_of);
        let Some(placement) = journey.placement_on(scope.as_of) else {
            continue;
        };
        if age >= 12
            || !placement.place.is_childrens_home()
            || !looked_after_at(journey, scope.as_of)
        {
            continue;
        }
        let days = days_between(placement.start, scope.as_of);
        let tracker = scope.records.tracker(journey.child());
        let period_start = journey
            .period_on(scope.as_of)
            .map_or(placement.start, |p| p.start);
        let searching: Vec<&str> = tracker
            .family_finding
            .iter()
            .filter(|f| f.active_on(scope.as_of))
            .map(|f| f.route.label())
            .collect();
        rows.push((
            days,
            vec![
                Cell::child(journey.child()),
                Cell::number(age as usize),
                Cell::text(format!(
                    "{}: {}",
                    placement.place.code(),
                    placement.place.description()
                )),
                Cell::date(Some(placement.start)),
                Cell::number(days as usize),
                Cell::text(plan_text(plan_on(
                    scope.records,
                    journey.child(),
                    period_start,
                    scope.as_of,
                ))),
                Cell::text(if searching.is_empty() {
                    "None active".to_string()
                } else {
                    searching.join(", ")
                }),
            ],
        ));
    }
    rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    for (_, row) in rows {
        table.push(row);
    }
    table
}

/// Permanence achieved in the period, by route: children who left care by adoption,
/// special guardianship, a child arrangements order or a planned return home, and
/// children whose plan was achieved in care (long-term fostering, connected carers...),
/// with the average days from entering care.
fn time_to_permanence(scope: &Scope<'_>) -> Table {
    let mut routes: BTreeMap<String, (Vec<i32>, Vec<String>)> = BTreeMap::new();
    for journey in &scope.records.journeys {
        let child = journey.child().to_string();
        let mut counted = false;
        for period in &journey.periods {
            let Some(end) = period
                .end
                .filter(|end| *end >= scope.start && *end <= scope.as_of)
            else {
                continue;
            };
            let route = period.reason_ceased.and_then(|r| r.exit_route());
            use permanence_domain::codes::ExitRoute::*;
            if let Some(
                route @ (Adoption
                | SpecialGuardianship
                | ChildArrangementsOrder
                | ReturnHomePlanned),
            ) = route
            {
                let entry = routes.entry(route.label().to_string()).or_default();
                entry.0.push(days_between(period.start, end));
                entry.1.push(child.clone());
                counted = true;
            }
        }
        if counted {
            continue;
        }
        for plan in &scope.records.tracker(&child).plans {
            let (Some(achieved), Some(by)) = (plan.achieved, plan.achieved_by) else {
                continue;
            };
            if achieved < scope.start || achieved > scope.as_of {
                continue;
            }
            let Some(period) = journey.periods.iter().rev().find(|p| p.start <= achieved) else {
                continue;
            };
            let entry = routes
                .entry(format!("{} (achieved in care)", by.label()))
                .or_default();
            entry.0.push(days_between(period.start, achieved));
            entry.1.push(child.clone());
            break;
        }
    }
    let mut table = Table::new(
        "time_to_permanence_by_route",
        "Permanence achieved in the period, by route",
        &["Route", "Children", "Average days from entering care"],
    )
    .with_note(
        "Leaving care by adoption, special guardianship, a child arrangements order or a \
         planned return home (the 903's reason care ended), or a permanence plan recorded as \
         achieved in the period while the child stays looked after. Days from the start of the \
         period of care.",
    );
    for (route, (days, children)) in routes {
        table.push(vec![
            Cell::text(route),
            Cell::children(children.clone()),
            Cell::average_days(&days, children),
        ]);
    }
    table
}

/// Family-finding searches open on the as-of date and ended in the period, by route.
fn family_finding(scope: &Scope<'_>) -> Table {
    let mut table = Table::new(
        "family_finding",
        "Family finding, by route",
        &[
            "Route",
            "Searches open at the end of the period",
            "Average days open",
            "Searches ended in the period",
            "Average days to end",
        ],
    );
    for route in FamilyFindingRoute::ALL {
        let (mut open_days, mut open_children) = (Vec::new(), Vec::new());
        let (mut ended_days, mut ended_children) = (Vec::new(), Vec::new());
        for (child, tracker) in &scope.records.trackers {
            for search in tracker.family_finding.iter().filter(|f| f.route == *route) {
                match search.end {
                    None => {
                        open_days.push(days_between(search.start, scope.as_of));
                        open_children.push(child.clone());
                    }
                    Some(end) if end >= scope.start => {
                        ended_days.push(days_between(search.start, end));
                        ended_children.push(child.clone());
                    }
                    Some(_) => {}
                }
            }
        }
        table.push(vec![
            Cell::text(route.label()),
            Cell::events(open_days.len(), open_children.clone()),
            Cell::average_days(&open_days, open_children),
            Cell::events(ended_days.len(), ended_children.clone()),
            Cell::average_days(&ended_days, ended_children),
        ]);
    }
    table
}

/// Children looked after whose plan in force has passed its target date unachieved.
fn past_target(scope: &Scope<'_>) -> Table {
    let mut table = Table::new(
        "plans_past_target_date",
        "Plans unchanged past their target date",
        &["Child", "Primary plan", "Decided", "Target date", "Days past target"],
    )
    .with_note("The plan in force at the end of the period, not achieved, target date passed. Longest overdue first.");
    let mut rows: Vec<(i32, Vec<Cell>)> = Vec::new();
    for journey in scope
        .records
        .journeys
        .iter()
        .filter(|j| looked_after_at(j, scope.as_of))
    {
        let since = journey
            .period_on(scope.as_of)
            .map_or(scope.as_of, |p| p.start);
        let Some(plan) = plan_on(scope.records, journey.child(), since, scope.as_of) else {
            continue;
        };
        let Some(target) = plan.target.filter(|t| *t < scope.as_of) else {
            continue;
        };
        if plan.achieved.is_some() {
            continue;
        }
        let days = days_between(target, scope.as_of);
        rows.push((
            days,
            vec![
                Cell::child(journey.child()),
                Cell::text(plan.primary.label()),
                Cell::date(Some(plan.decided)),
                Cell::date(Some(target)),
                Cell::number(days as usize),
            ],
        ));
    }
    rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    for (_, row) in rows {
        table.push(row);
    }
    table
}

/// The primary plan in force on `date` in the child's current period of care.
pub(crate) fn primary_plan_on(
    records: &Records,
    journey: &Journey,
    date: Date,
) -> Option<PermanenceOption> {
    let since = journey.period_on(date).map_or(date, |p| p.start);
    plan_on(records, journey.child(), since, date).map(|p| p.primary)
}

#[cfg(test)]
mod tests {
    use permanence_domain::codes::{Placement, ReasonEpisodeCeased::*, ReasonNewEpisode};
    use permanence_domain::journey::test_support::episode;
    use permanence_domain::record::Review;
    use permanence_domain::tracker::{CareProceedings, ChildTracker, Forum, PermanenceOption};

    use super::*;
    use crate::sections::test_cohort::*;

    fn plan(child: &str, decided: Date, primary: PermanenceOption) -> PermanencePlan {
        PermanencePlan {
            child: child.into(),
            decided,
            forum: Forum::Review,
            primary,
            parallel: vec![],
            contingency: None,
            target: None,
            achieved: None,
            achieved_by: None,
        }
    }

    fn with_plan(plan: PermanencePlan) -> ChildTracker {
        ChildTracker {
            plans: vec![plan],
            ..ChildTracker::default()
        }
    }

    fn reviewed(
        id: &str,
        episodes: Vec<permanence_domain::record::Episode>,
        reviews: &[Date],
    ) -> permanence_domain::ChildRecord {
        let mut child = record(id, d(2016, 1, 1), episodes);
        child.reviews = reviews
            .iter()
            .map(|r| Review {
                review: *r,
                review_code: None,
            })
            .collect();
        child
    }

    /// Second reviews in October 2026, worked by hand:
    /// - A: in care from 1/6/2026, reviews 20/6 and 15/10; plan decided 15/10, the day
    ///   of the review: with a plan.
    /// - B: in care from 1/5/2026, reviews 25/5 and 31/10 (the last day); plan decided
    ///   1/11, the day after: without.
    /// - C: reviews 1/7 and 30/9: the second review was before the period.
    /// - D: a second period of care from 1/9/2026 (reviews 20/9 and 1/10) after one
    ///   with two reviews in 2025; its plan was decided in the first period: without.
    ///
    /// Held 3 (A, B, D); with a plan 1 of 3 = 33.3%; without: B, D.
    #[test]
    fn plans_by_the_second_review_worked_by_hand() {
        let records = borough(
            vec![
                reviewed(
                    "A",
                    vec![in_care(d(2026, 6, 1), None)],
                    &[d(2026, 6, 20), d(2026, 10, 15)],
                ),
                reviewed(
                    "B",
                    vec![in_care(d(2026, 5, 1), None)],
                    &[d(2026, 5, 25), d(2026, 10, 31)],
                ),
                reviewed(
                    "C",
                    vec![in_care(d(2026, 6, 1), None)],
                    &[d(2026, 7, 1), d(2026, 9, 30)],
                ),
                reviewed(
                    "D",
                    vec![
                        in_care(d(2024, 11, 1), Some((d(2025, 12, 1), E4A))),
                        in_care(d(2026, 9, 1), None),
                    ],
                    &[
                        d(2024, 11, 20),
                        d(2025, 2, 1),
                        d(2026, 9, 20),
                        d(2026, 10, 1),
                    ],
                ),
            ],
            vec![
                (
                    "A",
                    with_plan(plan("A", d(2026, 10, 15), PermanenceOption::ReturnHome)),
                ),
                (
                    "B",
                    with_plan(plan("B", d(2026, 11, 1), PermanenceOption::ReturnHome)),
                ),
                (
                    "D",
                    with_plan(plan("D", d(2025, 1, 1), PermanenceOption::ReturnHome)),
                ),
            ],
        );
        let report = report(&records, "2026-10");
        let table = "permanence_plan_by_second_review";
        assert_eq!(children(&report, table, 0, 1), ["A", "B", "D"]);
        assert_eq!(cell(&report, table, 1, 1), "33.3");
        assert_eq!(children(&report, table, 1, 1), ["A"]);
        assert_eq!(children(&report, table, 2, 1), ["B", "D"]);
    }

    /// Parallel or contingency plans on 31/10/2026, worked by hand:
    /// - E: return home, no fallback: required, without.
    /// - F: return home with adoption as contingency: required, with.
    /// - G: adoption, care proceedings issued 1/9/2026 and open: required, without.
    /// - H: adoption, no proceedings: not required.
    /// - I: return home, achieved 1/10/2026: not required.
    ///
    /// Required 3; with 1 of 3 = 33.3%; without E, G.
    #[test]
    fn fallback_plans_worked_by_hand() {
        let child = |id: &str| record(id, d(2016, 1, 1), vec![in_care(d(2026, 1, 1), None)]);
        let mut f = plan("F", d(2026, 2, 1), PermanenceOption::ReturnHome);
        f.contingency = Some(PermanenceOption::Adoption);
        let mut g = with_plan(plan("G", d(2026, 2, 1), PermanenceOption::Adoption));
        g.proceedings = vec![(
            CareProceedings {
                id: "CP1".into(),
                child: "G".into(),
                issued: d(2026, 9, 1),
                concluded: None,
                order: None,
            },
            vec![],
        )];
        let mut i = plan("I", d(2026, 2, 1), PermanenceOption::ReturnHome);
        i.achieved = Some(d(2026, 10, 1));
        i.achieved_by = Some(PermanenceOption::ReturnHome);
        let records = borough(
            ["E", "F", "G", "H", "I"].into_iter().map(child).collect(),
            vec![
                (
                    "E",
                    with_plan(plan("E", d(2026, 2, 1), PermanenceOption::ReturnHome)),
                ),
                ("F", with_plan(f)),
                ("G", g),
                (
                    "H",
                    with_plan(plan("H", d(2026, 2, 1), PermanenceOption::Adoption)),
                ),
                ("I", with_plan(i)),
            ],
        );
        let report = report(&records, "2026-10");
        let table = "parallel_and_contingency_plans";
        assert_eq!(children(&report, table, 0, 1), ["E", "F", "G"]);
        assert_eq!(cell(&report, table, 1, 1), "33.3");
        assert_eq!(children(&report, table, 2, 1), ["E", "G"]);
    }

    /// On 31/10/2026: J (8, in a children's home since 1/1/2026: 303 days), K (12, in a
    /// children's home: too old), L (11, in foster care). Plans: M's target 30/10/2026
    /// has passed by a day; N's target is the last day itself (not passed); O's passed
    /// but was achieved.
    #[test]
    fn young_children_in_homes_and_plans_past_target_worked_by_hand() {
        let home = |id: &str, dob: Date| {
            record(
                id,
                dob,
                vec![episode(
                    d(2026, 1, 1),
                    ReasonNewEpisode::S,
                    Placement::K2,
                    None,
                    None,
                )],
            )
        };
        let child = |id: &str| record(id, d(2016, 1, 1), vec![in_care(d(2026, 1, 1), None)]);
        let target = |id: &str, target: Date, achieved: Option<Date>| {
            let mut p = plan(id, d(2026, 2, 1), PermanenceOption::LongTermFostering);
            p.target = Some(target);
            p.achieved = achieved;
            p.achieved_by = achieved.map(|_| PermanenceOption::LongTermFostering);
            with_plan(p)
        };
        let records = borough(
            vec![
                home("J", d(2018, 3, 1)),
                home("K", d(2014, 10, 31)),
                record("L", d(2015, 1, 1), vec![in_care(d(2026, 1, 1), None)]),
                child("M"),
                child("N"),
                child("O"),
            ],
            vec![
                ("M", target("M", d(2026, 10, 30), None)),
                ("N", target("N", d(2026, 10, 31), None)),
                ("O", target("O", d(2026, 1, 1), Some(d(2026, 6, 1)))),
            ],
        );
        let report = report(&records, "2026-10");
        let homes = report.table("under_12_in_childrens_homes").unwrap();
        assert_eq!(homes.rows.len(), 1);
        assert_eq!(
            row(&report, "under_12_in_childrens_homes", "J")[1..5],
            [
                "8",
                "K2: Children's home subject to Children's Homes Regulations",
                "01/01/2026",
                "303"
            ]
            .map(String::from)
        );
        assert_eq!(
            row(&report, "under_12_in_childrens_homes", "J")[5],
            "No plan recorded"
        );
        let past = report.table("plans_past_target_date").unwrap();
        assert_eq!(past.rows.len(), 1);
        assert_eq!(
            row(&report, "plans_past_target_date", "M")[3..],
            ["30/10/2026", "1"].map(String::from)
        );
    }
}
