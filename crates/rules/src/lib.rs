//! The drift engine: every drift rule of `domain.md` §6 that the SSDA903 data supports
//! (one rule per file under [`rules`], each with its tests), the council's policy file
//! ([`Policy`]), and evaluation of every child, in parallel.
//!
//! Evaluation is a pure function of the journey, the policy, the calendar and the
//! evaluation date: nothing here does I/O, and evaluating a past date gives the answer
//! the engine would have given then (records dated after it are ignored).
//!
//! ```
//! use permanence_domain::{Date, Journey};
//! use permanence_domain::journey::test_support::{child, episode};
//! use permanence_domain::codes::{Placement, ReasonNewEpisode};
//! use permanence_rules::{Policy, Status, evaluate};
//!
//! let mut record = child("C1", Date::constant(2015, 3, 1));
//! record.episodes.push(episode(
//!     Date::constant(2025, 12, 20), ReasonNewEpisode::S, Placement::U6, None, None,
//! ));
//! let journey = Journey::new(record);
//! let policy = Policy::default();
//! let calendar = policy.calendar();
//! let findings = evaluate(&journey, &policy, &calendar, Date::constant(2026, 1, 22));
//! assert_eq!(findings[0].rule, "REV-01");
//! assert_eq!(findings[0].status, Status::Overdue);
//! assert_eq!(findings[0].due, Some(Date::constant(2026, 1, 21)));
//! ```

pub mod context;
pub mod docs;
pub mod finding;
pub mod policy;
pub mod rule;
pub mod rules;

use permanence_domain::calendar::Calendar;
use permanence_domain::{Date, Journey};
use rayon::prelude::*;

pub use context::{Context, TrackerRecords};
pub use docs::rules_markdown;
pub use finding::{Evidence, Finding, Role, Status, finding_order};
pub use policy::{Policy, PolicyError, PolicyProblem, UnknownRule, find_rule};
pub use rule::{Rule, RuleInfo, RuleSettings};

/// Every finding for one child on `as_of`, from the rules the policy switches on, in
/// [`finding_order`].
pub fn evaluate(
    journey: &Journey,
    policy: &Policy,
    calendar: &Calendar,
    as_of: Date,
) -> Vec<Finding> {
    evaluate_context(&Context::new(
        journey,
        policy,
        calendar,
        as_of,
        TrackerRecords::none(),
    ))
}

/// Every finding for the child of `ctx` (use this to pass the tracker's own records).
pub fn evaluate_context(ctx: &Context<'_>) -> Vec<Finding> {
    let mut findings = raw_findings(ctx);
    findings.sort_by(finding_order);
    findings
}

fn raw_findings(ctx: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in rules::all() {
        if rule.settings(ctx.policy).enabled() {
            findings.extend(rule.evaluate(ctx));
        }
    }
    findings
}

/// Every finding for every child on `as_of`, evaluated in parallel, most overdue first,
/// then by due date, child and rule (the same order whatever order the children come
/// in). Build the calendar once (`policy.calendar()`) and pass it to every call.
pub fn evaluate_all(
    journeys: &[Journey],
    policy: &Policy,
    calendar: &Calendar,
    as_of: Date,
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = journeys
        .par_iter()
        .flat_map_iter(|journey| {
            raw_findings(&Context::new(
                journey,
                policy,
                calendar,
                as_of,
                TrackerRecords::none(),
            ))
        })
        .collect();
    findings.par_sort_by(finding_order);
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    fn journeys() -> Vec<Journey> {
        // A: REV-01 overdue (came into care 20/12/2025, due 21/01/2026).
        let a = {
            let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
            record.child = "A".into();
            record
        };
        // B: under 16 in semi-independent living since 1 December 2025, and REV-01 due.
        let b = {
            let mut record = in_care(d(2011, 3, 1), d(2025, 12, 1), Placement::H5);
            record.child = "B".into();
            record
        };
        // C: left care.
        let c = {
            let mut record = in_care(d(2011, 3, 1), d(2025, 6, 1), Placement::U6);
            leave_care(&mut record, d(2025, 7, 1), ReasonEpisodeCeased::E4A);
            record.child = "C".into();
            record
        };
        [a, b, c].into_iter().map(Journey::new).collect()
    }

    #[test]
    fn evaluates_every_child_most_overdue_first() {
        let policy = Policy::default();
        let calendar = policy.calendar();
        let findings = evaluate_all(&journeys(), &policy, &calendar, d(2026, 1, 22));
        let summary: Vec<_> = findings
            .iter()
            .map(|f| (f.child.as_str(), f.rule, f.status, f.days_overdue))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("B", "PLC-01", Status::Overdue, 52),
                // Monday 1 December 2025 + 20 working days: 2 to 5 December (4), 8 to 12
                // (9), 15 to 19 (14), 22 to 24 (17), 25 and 26 December skipped, 29 to
                // 31 December (20): due 31 December 2025, 22 days before 22 January.
                ("B", "REV-01", Status::Overdue, 22),
                ("A", "REV-01", Status::Overdue, 1),
            ]
        );
    }

    #[test]
    fn the_order_does_not_depend_on_the_input_order() {
        let policy = Policy::default();
        let calendar = policy.calendar();
        let mut reversed = journeys();
        reversed.reverse();
        assert_eq!(
            evaluate_all(&journeys(), &policy, &calendar, d(2026, 1, 22)),
            evaluate_all(&reversed, &policy, &calendar, d(2026, 1, 22))
        );
    }

    #[test]
    fn rules_switched_off_are_skipped() {
        let mut policy = Policy::default();
        policy.rules.plc_01.enabled = false;
        let calendar = policy.calendar();
        let findings = evaluate_all(&journeys(), &policy, &calendar, d(2026, 1, 22));
        assert!(findings.iter().all(|f| f.rule != "PLC-01"));
        policy.enable_only(&["PLC-01"]).unwrap();
        let findings = evaluate_all(&journeys(), &policy, &calendar, d(2026, 1, 22));
        assert_eq!(findings.len(), 1);
    }

    #[test]
    fn a_past_date_gives_the_answer_of_that_day() {
        // Evaluated on 10 January 2026, the review held on 15 January is not known.
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
        record.reviews = vec![review(d(2026, 1, 15))];
        let journey = Journey::new(record);
        let policy = Policy::default();
        let calendar = policy.calendar();
        let on_the_day = evaluate(&journey, &policy, &calendar, d(2026, 1, 12));
        assert_eq!(on_the_day[0].rule, "REV-01");
        assert_eq!(on_the_day[0].status, Status::DueSoon);
        assert!(evaluate(&journey, &policy, &calendar, d(2026, 1, 15)).is_empty());
    }

    #[test]
    fn every_rule_has_a_distinct_id_and_settings_in_the_policy() {
        let ids = rules::ids();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
        let policy = Policy::default();
        for id in ids {
            assert!(policy.is_enabled(id).unwrap(), "{id}");
            assert_eq!(find_rule(id).unwrap().info().id, id);
        }
    }
}
