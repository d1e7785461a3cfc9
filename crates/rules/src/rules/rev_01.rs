//! REV-01: the first looked-after review within 20 working days of the start of the
//! period of care (CPPCR 2010 reg 33(1)).

use crate::context::Context;
use crate::finding::{Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::reviews;

/// REV-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "REV-01",
    title: "First review within 20 working days of coming into care",
    condition: "The child is looked after and no review has been held since the current \
                period of care began. The first review is due on the 20th working day after \
                the day the period began (that day is day 0; weekends, bank holidays and \
                council closure days are skipped). A review on or before the due date meets \
                the rule. A child who re-enters care starts a new period, and the count \
                starts again.",
    source: "CPPCR 2010 reg 33(1): first review \"within 20 working days of the date C \
             becomes looked after\" [S8]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, DEC, REC (the period of care)",
        "Reviews: REVIEW",
    ],
    needs_tracker_records: false,
    owner: Role::Iro,
    escalation: "IRO convenes; social worker; team manager if breached",
    action: "Convene the first review now. If it has been held, record its date (903 \
             Reviews table) so the alert clears.",
    notes: &[
        "Working days follow domain.md §4: every day but Saturdays, Sundays, Christmas Day, \
         Good Friday, England and Wales bank holidays and the council's closure days.",
        "When the period of care began before the loaded data and no review is seen, the \
         rule cannot decide until the latest date a review could have been due has passed; \
         see REV-03 for how that date is worked out.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Working days after the start of the period of care by which the first review
    /// must be held.
    working_days: number (WorkingDays, 1..=100) = 20;
}

/// REV-01.
pub struct Rev01;

impl_rule!(Rev01, INFO, rev_01, evaluate);

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Vec<Finding> {
    reviews::findings_for(ctx, &INFO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::rules::test_support::*;
    use permanence_domain::CollectionYear;

    fn came_in(start: Date) -> ChildRecord {
        in_care(d(2015, 3, 1), start, Placement::U6)
    }

    #[test]
    fn counts_working_days_over_christmas() {
        // Saturday 20/12/2025 is day 0. Working days: Mon 22, Tue 23, Wed 24 (3); Thu 25
        // and Fri 26 December are bank holidays; Mon 29 to Wed 31 (6); Thu 1 January is a
        // bank holiday; Fri 2 (7); 5 to 9 January (12); 12 to 16 (17); Mon 19 (18),
        // Tue 20 (19), Wed 21 January 2026 (20).
        let record = came_in(d(2025, 12, 20));
        let due = d(2026, 1, 21);
        assert_eq!(status(&Rev01, &record, d(2026, 1, 10)), None);
        assert_eq!(status(&Rev01, &record, d(2026, 1, 11)), due_soon(due));
        assert_eq!(status(&Rev01, &record, d(2026, 1, 20)), due_soon(due));
        assert_eq!(status(&Rev01, &record, due), due_soon(due));
        assert_eq!(status(&Rev01, &record, d(2026, 1, 22)), overdue(due));

        let finding = &run(&Rev01, &record, d(2026, 1, 22))[0];
        assert_eq!(finding.days_overdue, 1);
        assert_eq!(finding.child, "C1");
        assert_eq!(
            finding.evidence_text(),
            "Period of care started: 20/12/2025 (episode DECOM, RNE S); \
             First review due: 21/01/2026 (20 working days after the start; bank holidays \
             skipped: 25/12/2025 (Christmas Day), 26/12/2025 (Boxing Day), 01/01/2026 \
             (New Year's Day)); Reviews since the period started: none"
        );
    }

    #[test]
    fn a_weekend_start_counts_from_the_next_monday() {
        // Friday 5 June 2026: 8 to 12 June (5), 15 to 19 (10), 22 to 26 (15),
        // 29 June to Friday 3 July (20). No bank holidays in June.
        for start in [d(2026, 6, 5), d(2026, 6, 6), d(2026, 6, 7)] {
            let record = came_in(start);
            assert_eq!(
                status(&Rev01, &record, d(2026, 7, 3)),
                due_soon(d(2026, 7, 3))
            );
            assert_eq!(
                status(&Rev01, &record, d(2026, 7, 4)),
                overdue(d(2026, 7, 3))
            );
        }
    }

    #[test]
    fn counts_working_days_over_easter() {
        // Thursday 26 March 2026: Fri 27 (1), 30 March to 2 April (5), Good Friday 3 April
        // and Easter Monday 6 April skipped, 7 to 10 April (9), 13 to 17 (14),
        // 20 to 24 (19), Monday 27 April (20).
        let record = came_in(d(2026, 3, 26));
        assert_eq!(
            status(&Rev01, &record, d(2026, 4, 27)),
            due_soon(d(2026, 4, 27))
        );
        assert_eq!(
            status(&Rev01, &record, d(2026, 4, 28)),
            overdue(d(2026, 4, 27))
        );
    }

    #[test]
    fn a_review_on_the_due_date_meets_the_rule() {
        let mut record = came_in(d(2025, 12, 20));
        record.reviews = vec![review(d(2026, 1, 21))];
        assert_eq!(status(&Rev01, &record, d(2026, 1, 21)), None);
        assert_eq!(status(&Rev01, &record, d(2026, 1, 22)), None);
    }

    #[test]
    fn a_late_review_clears_the_alert_from_its_date() {
        let mut record = came_in(d(2025, 12, 20));
        record.reviews = vec![review(d(2026, 2, 2))];
        assert_eq!(
            status(&Rev01, &record, d(2026, 2, 1)),
            overdue(d(2026, 1, 21))
        );
        assert_eq!(status(&Rev01, &record, d(2026, 2, 2)), None);
    }

    #[test]
    fn reviews_after_the_evaluation_date_are_ignored() {
        let mut record = came_in(d(2025, 12, 20));
        record.reviews = vec![review(d(2026, 1, 25))];
        assert_eq!(
            status(&Rev01, &record, d(2026, 1, 22)),
            overdue(d(2026, 1, 21))
        );
    }

    #[test]
    fn a_child_who_leaves_care_on_the_due_date_is_not_flagged() {
        let mut record = came_in(d(2025, 12, 20));
        leave_care(&mut record, d(2026, 1, 21), ReasonEpisodeCeased::E4A);
        assert_eq!(status(&Rev01, &record, d(2026, 1, 21)), None);
        assert_eq!(status(&Rev01, &record, d(2026, 1, 22)), None);
        // Looking back from before the child left, the future is not known.
        assert_eq!(
            status(&Rev01, &record, d(2026, 1, 20)),
            due_soon(d(2026, 1, 21))
        );
    }

    #[test]
    fn re_entry_starts_the_count_again() {
        let mut record = came_in(d(2025, 1, 6));
        record.reviews = vec![review(d(2025, 1, 30))];
        leave_care(&mut record, d(2025, 3, 1), ReasonEpisodeCeased::E4A);
        re_enter(&mut record, d(2025, 12, 20), Placement::U6);
        assert_eq!(
            status(&Rev01, &record, d(2026, 1, 22)),
            overdue(d(2026, 1, 21))
        );
    }

    #[test]
    fn escalates_after_five_working_days() {
        let record = came_in(d(2025, 12, 20));
        // Due Wednesday 21 January 2026; 4 working days later is Tuesday 27 January.
        let finding = &run(&Rev01, &record, d(2026, 1, 27))[0];
        assert_eq!(finding.escalated_to, Role::Iro);
        let finding = &run(&Rev01, &record, d(2026, 1, 28))[0];
        assert_eq!(finding.escalated_to, Role::TeamManager);
    }

    #[test]
    fn cannot_decide_when_reviews_before_the_data_are_missing() {
        // The child came into care on Monday 20 March 2023 but the earliest loaded return
        // is 2023/24, which starts on 1 April 2023: a review held in late March 2023 would
        // not be in the data. First review due: 21 to 24 March (4), 27 to 31 (9),
        // 3 to 6 April (13), Good Friday 7 and Easter Monday 10 April skipped,
        // 11 to 14 April (17), 17 to 19 April (20): Wednesday 19 April 2023.
        let mut record = came_in(d(2023, 3, 20));
        record.episodes[0].year = CollectionYear(2024);
        assert_eq!(status(&Rev01, &record, d(2023, 4, 8)), None);
        assert_eq!(
            status(&Rev01, &record, d(2023, 4, 9)),
            Some((Status::CannotDecide, None))
        );
        assert_eq!(
            status(&Rev01, &record, d(2023, 9, 30)),
            Some((Status::CannotDecide, None))
        );
        // By 30 September 2023 (6 months after 31 March) a review was due whatever
        // happened before the data begins.
        assert_eq!(
            status(&Rev01, &record, d(2023, 10, 1)),
            overdue(d(2023, 9, 30))
        );
    }

    #[test]
    fn the_due_soon_window_is_policy() {
        let record = came_in(d(2025, 12, 20));
        let mut policy = crate::policy::Policy::default();
        policy.rules.rev_01.due_soon_days = Some(2);
        assert!(run_with(&Rev01, &record, &policy, d(2026, 1, 18)).is_empty());
        assert_eq!(run_with(&Rev01, &record, &policy, d(2026, 1, 19)).len(), 1);
        policy.rules.rev_01.working_days = 10;
        // Ten working days after 20/12/2025: 22 to 24 December (3), 29 to 31 (6),
        // 2 January (7), 5 to 7 January (10).
        let finding = &run_with(&Rev01, &record, &policy, d(2026, 1, 8))[0];
        assert_eq!(finding.due, Some(d(2026, 1, 7)));
    }
}
