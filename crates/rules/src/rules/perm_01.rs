//! PERM-01: a plan for permanence in the care plan by the second looked-after review.

use permanence_domain::date::add_months;

use crate::context::{Context, dates_text, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::{latest_text, unmet};

/// PERM-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PERM-01",
    title: "No permanence plan by the second review",
    condition: "The child is looked after and no permanence plan has been recorded for the \
                current period of care. The plan is due by the second review: the day it was \
                held, or, until it is held, the day it was due (REV-02's months after the \
                first review, or after the day the first review was due if it has not been \
                held). A plan recorded late clears the finding from the day it was decided.",
    source: "Children Act 1989 Guidance Vol 2: \"by the time of the second Looked After \
             Review, the Care Plan ... must contain a plan for achieving permanence\" [S4]",
    basis: Basis::Guidance,
    inputs: &[
        "Episodes: DECOM, RNE, DEC, REC, LS (the period of care)",
        "Reviews: REVIEW",
        "Tracker: permanence plans (date decided)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker, team manager; the IRO escalates",
    action: "Agree the plan for permanence (primary, parallel and contingency plans) and \
             record it, with the date and forum it was decided in.",
    notes: &[
        "The review timetable is REV-01's and REV-02's: the first review 20 working days \
         after the period began, the second 3 calendar months after the first.",
        "A plan decided up to 7 days before the period of care began counts (a planned \
         admission); plans of an earlier period of care do not.",
        "Children in a series of short breaks (V3, V4) are left out.",
        "When the period of care began before the loaded data, reviews before the data are \
         missing, so the due date is the latest it could be and the rule cannot decide \
         until it has passed.",
    ],
};

rule_settings! {
    due_soon_days: Some(28);
}

/// PERM-01.
pub struct Perm01;

impl_rule!(Perm01, INFO, perm_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    if ctx.in_short_breaks() || ctx.plan().is_some() {
        return Vec::new();
    }
    let reviews = ctx.reviews_in_period();
    let rules = &ctx.policy.rules;
    let first_due = ctx
        .calendar
        .add_working_days(current.start(), rules.rev_01.working_days);
    let first = reviews.first().copied();
    let expected_second = add_months(first.unwrap_or(first_due), rules.rev_02.months);
    let second = reviews.get(1).copied();
    let due = second.map_or(expected_second, |held| held.min(expected_second));
    unmet(
        ctx,
        &INFO,
        ctx.due_soon_days(settings),
        due,
        current.start_known,
        None,
        || {
            let basis = match (first, second) {
                (_, Some(held)) if held <= expected_second => {
                    format!("the second review was held on {}", dmy(held))
                }
                (Some(first), _) => format!(
                    "the second review was due {} calendar months after the first ({})",
                    rules.rev_02.months,
                    dmy(first)
                ),
                (None, _) => format!(
                    "the first review was due on {}, the second {} calendar months later",
                    dmy(first_due),
                    rules.rev_02.months
                ),
            };
            vec![
                Evidence::new("Period of care started", current.start_evidence()),
                Evidence::new("Reviews in this period", dates_text(&reviews)),
                Evidence::new(
                    "Permanence plan due",
                    latest_text(format!("{} ({basis})", dmy(due)), current.start_known),
                ),
                Evidence::new("Permanence plans", "none recorded for this period of care"),
            ]
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    /// In care from Saturday 20 December 2025: the first review is due on Wednesday 21
    /// January 2026 (20 working days, Christmas skipped).
    fn came_in(reviews: &[Date]) -> Case {
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
        record.reviews = reviews.iter().map(|date| review(*date)).collect();
        Case::new(record)
    }

    #[test]
    fn due_by_the_second_review() {
        // First review on 15 January 2026: second due 15 April.
        let case = came_in(&[d(2026, 1, 15)]);
        let due = d(2026, 4, 15);
        assert_eq!(case.status(&Perm01, d(2026, 3, 17)), None);
        assert_eq!(case.status(&Perm01, d(2026, 3, 18)), due_soon(due));
        assert_eq!(case.status(&Perm01, due), due_soon(due));
        assert_eq!(case.status(&Perm01, d(2026, 4, 16)), overdue(due));
        let finding = case.finding(&Perm01, d(2026, 4, 16));
        assert_eq!(finding.owner.as_deref(), Some("SW1"));
        assert_eq!(
            finding.evidence_text(),
            "Period of care started: 20/12/2025 (episode DECOM, RNE S); Reviews in this \
             period: 15/01/2026; Permanence plan due: 15/04/2026 (the second review was due 3 \
             calendar months after the first (15/01/2026)); Permanence plans: none recorded \
             for this period of care"
        );
        // Held early, on 1 April: due that day.
        let case = came_in(&[d(2026, 1, 15), d(2026, 4, 1)]);
        assert_eq!(case.status(&Perm01, d(2026, 4, 2)), overdue(d(2026, 4, 1)));
    }

    #[test]
    fn with_no_reviews_the_timetable_counts_working_days_over_christmas() {
        // First review due 21 January 2026, second 21 April.
        let case = came_in(&[]);
        assert_eq!(
            case.status(&Perm01, d(2026, 4, 22)),
            overdue(d(2026, 4, 21))
        );
        // Over Easter: in care from Thursday 26 March 2026, first review due Monday 27
        // April, second 27 July.
        let case = Case::new(in_care(d(2015, 3, 1), d(2026, 3, 26), Placement::U6));
        assert_eq!(
            case.status(&Perm01, d(2026, 7, 28)),
            overdue(d(2026, 7, 27))
        );
    }

    #[test]
    fn a_plan_meets_the_rule_from_the_day_it_was_decided() {
        let case =
            came_in(&[d(2026, 1, 15)]).plan(plan(d(2026, 4, 20), PermanenceOption::ReturnHome));
        assert_eq!(
            case.status(&Perm01, d(2026, 4, 19)),
            overdue(d(2026, 4, 15))
        );
        assert_eq!(case.status(&Perm01, d(2026, 4, 20)), None);
        // A plan from an earlier period of care does not count.
        let mut record = in_care(d(2015, 3, 1), d(2024, 1, 8), Placement::U6);
        leave_care(&mut record, d(2025, 3, 1), ReasonEpisodeCeased::E4A);
        re_enter(&mut record, d(2025, 12, 20), Placement::U6);
        let case = Case::new(record).plan(plan(d(2024, 3, 1), PermanenceOption::ReturnHome));
        assert_eq!(
            case.status(&Perm01, d(2026, 4, 22)),
            overdue(d(2026, 4, 21))
        );
    }

    #[test]
    fn a_child_who_leaves_care_on_the_due_date_is_not_flagged() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
        record.reviews = vec![review(d(2026, 1, 15))];
        leave_care(&mut record, d(2026, 4, 15), ReasonEpisodeCeased::E4A);
        assert_eq!(Case::new(record).status(&Perm01, d(2026, 4, 16)), None);
    }

    #[test]
    fn cannot_decide_when_the_period_began_before_the_data() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::L;
        let case = Case::new(record);
        assert_eq!(case.status(&Perm01, d(2026, 1, 5)), cannot_decide());
        assert_eq!(
            case.status(&Perm01, d(2026, 4, 22)),
            overdue(d(2026, 4, 21))
        );
    }
}
