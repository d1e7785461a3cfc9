//! The drift engine: every drift rule of `domain.md` §6 that the SSDA903 data and the
//! tracker's own records support (one rule per file under [`rules`], each with its
//! tests), the council's policy file ([`Policy`]), and evaluation of every child, in
//! parallel.
//!
//! Evaluation is a pure function of the journey, the child's tracker records, the
//! borough's staff records, the policy, the calendar and the evaluation date: nothing
//! here does I/O, and evaluating a past date gives the answer the engine would have
//! given then (records dated after it are ignored).
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
pub mod matching;
pub mod policy;
pub mod rule;
pub mod rules;
pub mod sufficiency;

use std::collections::BTreeMap;

use permanence_domain::calendar::Calendar;
use permanence_domain::tracker::{ChildTracker, Organisation};
use permanence_domain::{Date, Journey};
use rayon::prelude::*;

pub use context::{Borough, Context, no_tracker_records};
pub use docs::rules_markdown;
pub use finding::{AlertDecision, Evidence, Finding, Role, Status, finding_order};
pub use policy::{Costs, Policy, PolicyError, PolicyProblem, UnknownRule, find_rule};
pub use rule::{Rule, RuleInfo, RuleSettings};

/// Every finding for one child on `as_of`, from the rules the policy switches on, in
/// [`finding_order`], on the 903 return alone: rules that need the tracker's records
/// are skipped.
pub fn evaluate(
    journey: &Journey,
    policy: &Policy,
    calendar: &Calendar,
    as_of: Date,
) -> Vec<Finding> {
    evaluate_context(&Context::without_records(journey, policy, calendar, as_of))
}

/// Every finding for one child on `as_of`, with the child's tracker records and the
/// borough's records (build the [`Borough`] once for all children: supervision and
/// sibling rules look across children).
pub fn evaluate_with(
    journey: &Journey,
    tracker: &ChildTracker,
    borough: &Borough<'_>,
    policy: &Policy,
    calendar: &Calendar,
    as_of: Date,
) -> Vec<Finding> {
    evaluate_context(&Context::new(
        journey, policy, calendar, as_of, tracker, borough,
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
        let runs = ctx.records_loaded() || !rule.info().needs_tracker_records;
        if runs && rule.settings(ctx.policy).enabled() {
            findings.extend(rule.evaluate(ctx));
        }
    }
    findings
}

/// Every finding for every child on `as_of`, evaluated in parallel, most overdue first,
/// then by due date, child and rule (the same order whatever order the children come
/// in). Build the calendar once (`policy.calendar()`) and pass it to every call.
///
/// On the 903 return alone: rules that need the tracker's records are skipped (see
/// [`evaluate_all_with`]).
pub fn evaluate_all(
    journeys: &[Journey],
    policy: &Policy,
    calendar: &Calendar,
    as_of: Date,
) -> Vec<Finding> {
    let findings = collect(journeys, |journey| {
        Context::without_records(journey, policy, calendar, as_of)
    });
    sorted(journeys, findings)
}

/// Every finding on `as_of`, with the tracker's records when there are any: a council
/// that has loaded only the 903 return (no staff, no child's records) is checked on the
/// 903 alone, the rules that need tracker records being skipped, rather than being told
/// that every child lacks every record. This is how the command line and the web
/// application evaluate a borough.
pub fn evaluate_borough(
    journeys: &[Journey],
    trackers: &BTreeMap<String, ChildTracker>,
    organisation: &Organisation,
    policy: &Policy,
    calendar: &Calendar,
    as_of: Date,
) -> Vec<Finding> {
    if trackers.is_empty() && *organisation == Organisation::default() {
        evaluate_all(journeys, policy, calendar, as_of)
    } else {
        evaluate_all_with(journeys, trackers, organisation, policy, calendar, as_of)
    }
}

/// Every finding for every child on `as_of` with the tracker's records: each child's
/// records from `trackers` (by 903 CHILD id; a child with none has empty records) and
/// the borough's staff, teams and panels from `organisation`. Evaluated in parallel, in
/// the same order as [`evaluate_all`].
pub fn evaluate_all_with(
    journeys: &[Journey],
    trackers: &BTreeMap<String, ChildTracker>,
    organisation: &Organisation,
    policy: &Policy,
    calendar: &Calendar,
    as_of: Date,
) -> Vec<Finding> {
    let borough = Borough::new(organisation, journeys, trackers);
    let none = no_tracker_records();
    let findings = collect(journeys, |journey| {
        let tracker = trackers.get(journey.child()).unwrap_or(none);
        Context::new(journey, policy, calendar, as_of, tracker, &borough)
    });
    sorted(journeys, findings)
}

/// Every child's findings, in parallel, each tagged with the index of its child's journey
/// (in no particular order). Findings go straight into one vector per parallel job, so
/// no vector is grown per child.
fn collect<'j, F>(journeys: &'j [Journey], context: F) -> Vec<(u32, Finding)>
where
    F: Fn(&'j Journey) -> Context<'j> + Sync,
{
    journeys
        .par_iter()
        .enumerate()
        .fold(Vec::new, |mut found, (index, journey)| {
            let ctx = context(journey);
            for rule in rules::all() {
                let runs = ctx.records_loaded() || !rule.info().needs_tracker_records;
                if runs && rule.settings(ctx.policy).enabled() {
                    found.extend(
                        rule.evaluate(&ctx)
                            .into_iter()
                            .map(|finding| (index as u32, finding)),
                    );
                }
            }
            found
        })
        .reduce(Vec::new, |mut a, mut b| {
            if a.len() < b.len() {
                std::mem::swap(&mut a, &mut b);
            }
            a.append(&mut b);
            a
        })
}

/// The findings in [`finding_order`], each tagged with the index of its child's journey.
///
/// Findings are large and compared by strings, so the sort works on a small integer key
/// per finding that orders them as [`finding_order`] does (the child's and the rule's
/// ranks by id stand for their ids), falling back to [`finding_order`] only on a tie;
/// then each finding is moved once, in place. Findings that compare equal are identical
/// in every field compared, so the order never depends on the order children came in.
fn sorted(journeys: &[Journey], tagged: Vec<(u32, Finding)>) -> Vec<Finding> {
    // Each child's rank by id (equal ids share a rank).
    let mut by_id: Vec<u32> = (0..journeys.len() as u32).collect();
    by_id.par_sort_unstable_by(|a, b| {
        journeys[*a as usize]
            .child()
            .cmp(journeys[*b as usize].child())
    });
    let mut child_rank = vec![0u32; journeys.len()];
    let mut rank = 0;
    for (position, index) in by_id.iter().enumerate() {
        if position > 0
            && journeys[by_id[position - 1] as usize].child() != journeys[*index as usize].child()
        {
            rank += 1;
        }
        child_rank[*index as usize] = rank;
    }
    let mut rule_ids = rules::ids();
    rule_ids.sort_unstable();
    let key = |(index, finding): &(u32, Finding)| {
        (
            std::cmp::Reverse(finding.days_overdue),
            finding.status,
            finding
                .due
                .map_or(i32::MAX, permanence_domain::date::day_number),
            child_rank[*index as usize],
            rule_ids.binary_search(&finding.rule).unwrap_or(usize::MAX),
        )
    };
    let keys: Vec<_> = tagged.par_iter().map(key).collect();
    let mut findings: Vec<Finding> = tagged.into_iter().map(|(_, finding)| finding).collect();
    let mut order: Vec<u32> = (0..findings.len() as u32).collect();
    order.par_sort_unstable_by(|a, b| {
        let (a, b) = (*a as usize, *b as usize);
        keys[a]
            .cmp(&keys[b])
            .then_with(|| finding_order(&findings[a], &findings[b]))
    });
    // Position k takes the finding at order[k]: follow each cycle of the permutation.
    let mut placed = vec![false; findings.len()];
    for start in 0..findings.len() {
        let mut k = start;
        while !placed[k] {
            placed[k] = true;
            let next = order[k] as usize;
            if next == start {
                break;
            }
            findings.swap(k, next);
            k = next;
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::Organisation;

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

    /// The journeys with tracker records: A has a social worker and IRO and a care plan;
    /// B has none; C left care.
    fn tracked() -> (Vec<Journey>, BTreeMap<String, ChildTracker>, Organisation) {
        let case = Case::new(in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6));
        let mut a = case.tracker.clone();
        a.activities.push(activity(
            permanence_domain::tracker::ActivityKind::CarePlan,
            d(2025, 12, 22),
        ));
        let mut trackers = BTreeMap::new();
        trackers.insert("A".to_string(), a);
        (journeys(), trackers, case.organisation)
    }

    #[test]
    fn evaluates_every_child_with_the_trackers_records() {
        let (journeys, trackers, organisation) = tracked();
        let policy = Policy::default();
        let calendar = policy.calendar();
        let findings = evaluate_all_with(
            &journeys,
            &trackers,
            &organisation,
            &policy,
            &calendar,
            d(2026, 1, 22),
        );
        let of = |child: &str| {
            findings
                .iter()
                .filter(|f| f.child == child)
                .map(|f| f.rule)
                .collect::<Vec<_>>()
        };
        // A has a care plan, so no CP-01; B has no records, so CP-01 and the rest apply.
        assert!(!of("A").contains(&"CP-01"));
        assert!(of("A").contains(&"REV-01"));
        assert!(of("B").contains(&"CP-01"));
        assert!(of("B").contains(&"IRO-02"));
        let a_review = findings
            .iter()
            .find(|f| f.child == "A" && f.rule == "REV-01")
            .unwrap();
        assert_eq!(a_review.owner.as_deref(), Some("IRO1"));
        // B has no allocation: no person named.
        let b_review = findings
            .iter()
            .find(|f| f.child == "B" && f.rule == "REV-01")
            .unwrap();
        assert_eq!(b_review.owner, None);
        // In order, whatever order the children come in.
        let mut reversed = journeys.clone();
        reversed.reverse();
        assert_eq!(
            findings,
            evaluate_all_with(
                &reversed,
                &trackers,
                &organisation,
                &policy,
                &calendar,
                d(2026, 1, 22)
            )
        );
        let mut sorted = findings.clone();
        sorted.sort_by(finding_order);
        assert_eq!(findings, sorted);
        // One child at a time gives the same findings.
        let borough = Borough::new(&organisation, &journeys, &trackers);
        let one = evaluate_with(
            &journeys[0],
            &trackers["A"],
            &borough,
            &policy,
            &calendar,
            d(2026, 1, 22),
        );
        assert_eq!(
            one,
            findings
                .iter()
                .filter(|f| f.child == "A")
                .cloned()
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn without_the_trackers_records_their_rules_are_skipped() {
        let policy = Policy::default();
        let calendar = policy.calendar();
        let findings = evaluate_all(&journeys(), &policy, &calendar, d(2026, 1, 22));
        for finding in &findings {
            assert!(
                !find_rule(finding.rule)
                    .unwrap()
                    .info()
                    .needs_tracker_records
            );
        }
        // With the records loaded, even empty, they run.
        let with = evaluate_all_with(
            &journeys(),
            &BTreeMap::new(),
            &Organisation::default(),
            &policy,
            &calendar,
            d(2026, 1, 22),
        );
        assert!(with.len() > findings.len());
        assert!(with.iter().any(|f| f.rule == "CP-01"));
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
