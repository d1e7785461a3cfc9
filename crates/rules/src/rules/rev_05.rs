//! REV-05: the review's decisions circulated within 5 working days of the review.

use permanence_domain::tracker::ActivityKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::unmet;

/// REV-05's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "REV-05",
    title: "Review decisions not circulated",
    condition: "The child is looked after, a review has been held in this period of care, \
                and no record that the review's decisions were circulated has been made on \
                or after the latest review. They are due on the policy's working day after \
                the review (default 5). A late record clears the finding from its date.",
    source: "Local: review decisions circulated within 5 working days, full record within 20 \
             working days [UNCONFIRMED: not found in the IRO Handbook text] (domain.md §1.5)",
    basis: Basis::Local,
    inputs: &[
        "Reviews: REVIEW (the latest review of the period)",
        "Tracker activity: review decisions circulated (date)",
    ],
    needs_tracker_records: true,
    owner: Role::Iro,
    escalation: "IRO; IRO manager",
    action: "Circulate the review's decisions to the child, parents, carers and the \
             professionals, and record the date.",
    notes: &[
        "Only the latest review is checked: an earlier review's decisions are superseded.",
        "The full review record (commonly within 20 working days) cannot be checked: the \
         tracker records one activity, \"review decisions circulated\", not the full record.",
    ],
};

rule_settings! {
    due_soon_days: Some(3);
    /// Working days after the review by which its decisions are circulated.
    working_days: number (WorkingDays, 1..=60) = 5;
}

/// REV-05.
pub struct Rev05;

impl_rule!(Rev05, INFO, rev_05, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    if ctx.current_period().is_none() {
        return Vec::new();
    }
    let Some(latest) = ctx.latest_review() else {
        return Vec::new();
    };
    let due = ctx.calendar.add_working_days(latest, settings.working_days);
    let done = ctx.first_activity(ActivityKind::ReviewRecordCirculated, latest);
    unmet(
        ctx,
        &INFO,
        ctx.due_soon_days(settings),
        due,
        true,
        done,
        || {
            vec![
                Evidence::new("Latest review", dmy(latest)),
                Evidence::new(
                    "Decisions due",
                    ctx.working_days_text(latest, settings.working_days, due),
                ),
                Evidence::new("Decisions circulated", "not recorded since the review"),
            ]
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    fn reviewed(on: Date) -> Case {
        let mut record = in_care(d(2015, 3, 1), d(2025, 6, 2), Placement::U6);
        record.reviews = vec![review(d(2025, 6, 20)), review(on)];
        Case::new(record).activity(ActivityKind::ReviewRecordCirculated, &[d(2025, 6, 23)])
    }

    #[test]
    fn due_5_working_days_after_the_review() {
        // Monday 22 December 2025: 23, 24, 29, 30, 31 December.
        let case = reviewed(d(2025, 12, 22));
        let due = d(2025, 12, 31);
        assert_eq!(case.status(&Rev05, d(2025, 12, 27)), None);
        assert_eq!(case.status(&Rev05, d(2025, 12, 28)), due_soon(due));
        assert_eq!(case.status(&Rev05, due), due_soon(due));
        assert_eq!(case.status(&Rev05, d(2026, 1, 1)), overdue(due));
        assert_eq!(
            case.finding(&Rev05, d(2026, 1, 1)).owner.as_deref(),
            Some("IRO1")
        );
        // Easter: Wednesday 1 April 2026 to Friday 10 April; a Friday review: the next
        // Friday.
        assert_eq!(
            reviewed(d(2026, 4, 1)).status(&Rev05, d(2026, 4, 11)),
            overdue(d(2026, 4, 10))
        );
        assert_eq!(
            reviewed(d(2026, 6, 5)).status(&Rev05, d(2026, 6, 13)),
            overdue(d(2026, 6, 12))
        );
    }

    #[test]
    fn circulating_meets_the_rule_from_its_date() {
        let case = reviewed(d(2025, 12, 22))
            .activity(ActivityKind::ReviewRecordCirculated, &[d(2026, 1, 5)]);
        assert_eq!(case.status(&Rev05, d(2026, 1, 2)), overdue(d(2025, 12, 31)));
        assert_eq!(case.status(&Rev05, d(2026, 1, 5)), None);
        // A review after the evaluation date is not known.
        assert_eq!(
            reviewed(d(2025, 12, 22)).status(&Rev05, d(2025, 12, 21)),
            None
        );
    }

    #[test]
    fn leaving_care_and_re_entry() {
        let mut case = reviewed(d(2025, 12, 22));
        leave_care(&mut case.record, d(2025, 12, 31), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Rev05, d(2026, 1, 1)), None);
        re_enter(&mut case.record, d(2026, 2, 2), Placement::U6);
        // No review yet in the new period.
        assert_eq!(case.status(&Rev05, d(2026, 3, 1)), None);
    }
}
