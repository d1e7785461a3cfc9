//! REV-02: the second looked-after review within three months of the first (CPPCR 2010
//! reg 33(2)).

use crate::context::Context;
use crate::finding::{Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::reviews;

/// REV-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "REV-02",
    title: "Second review within 3 months of the first",
    condition: "The child is looked after, the first review of the current period of care \
                has been held and the second has not. The second review is due 3 calendar \
                months after the first (a shorter month ends on its last day: 3 months after \
                30 November is 28 February). A due date at a weekend or on a bank holiday \
                does not move.",
    source: "CPPCR 2010 reg 33(2): second review \"not more than three months after the \
             first\" [S8]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, DEC, REC (the period of care)",
        "Reviews: REVIEW",
    ],
    needs_tracker_records: false,
    owner: Role::Iro,
    escalation: "IRO; team manager",
    action: "Hold the second review by the due date. If it has been held, record its date \
             (903 Reviews table).",
    notes: &[
        "Cannot decide: when the period of care began before the loaded data and the only \
         review seen is after the first review's due date, it may be the first review or a \
         later one. Between 3 and 6 months after it the rule cannot decide; after 6 months \
         REV-03 reports it overdue either way.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Calendar months after the first review by which the second must be held.
    months: number (Months, 1..=12) = 3;
}

/// REV-02.
pub struct Rev02;

impl_rule!(Rev02, INFO, rev_02, evaluate);

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Vec<Finding> {
    reviews::findings_for(ctx, &INFO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::rules::rev_03::Rev03;
    use crate::rules::test_support::*;
    use permanence_domain::CollectionYear;

    fn with_first_review(start: Date, first: Date) -> ChildRecord {
        let mut record = in_care(d(2015, 3, 1), start, Placement::U6);
        record.reviews = vec![review(first)];
        record
    }

    #[test]
    fn due_three_months_after_the_first_clamped_to_month_end() {
        // 30 November 2025 + 3 months = 28 February 2026, a Saturday: the date stands.
        let record = with_first_review(d(2025, 11, 3), d(2025, 11, 30));
        let due = d(2026, 2, 28);
        assert_eq!(status(&Rev02, &record, d(2026, 2, 17)), None);
        assert_eq!(status(&Rev02, &record, d(2026, 2, 18)), due_soon(due));
        assert_eq!(status(&Rev02, &record, d(2026, 2, 27)), due_soon(due));
        assert_eq!(status(&Rev02, &record, due), due_soon(due));
        assert_eq!(status(&Rev02, &record, d(2026, 3, 1)), overdue(due));
        assert_eq!(run(&Rev02, &record, d(2026, 3, 2))[0].days_overdue, 2);
    }

    #[test]
    fn a_due_date_on_christmas_day_or_good_friday_does_not_move() {
        let record = with_first_review(d(2025, 9, 1), d(2025, 9, 25));
        assert_eq!(
            status(&Rev02, &record, d(2025, 12, 25)),
            due_soon(d(2025, 12, 25))
        );
        assert_eq!(
            status(&Rev02, &record, d(2025, 12, 26)),
            overdue(d(2025, 12, 25))
        );
        let record = with_first_review(d(2025, 12, 10), d(2026, 1, 3));
        assert_eq!(
            status(&Rev02, &record, d(2026, 4, 3)),
            due_soon(d(2026, 4, 3))
        );
        assert_eq!(
            status(&Rev02, &record, d(2026, 4, 4)),
            overdue(d(2026, 4, 3))
        );
    }

    #[test]
    fn a_second_review_on_the_due_date_meets_the_rule() {
        let mut record = with_first_review(d(2025, 11, 3), d(2025, 11, 30));
        record.reviews.push(review(d(2026, 2, 28)));
        assert_eq!(status(&Rev02, &record, d(2026, 3, 1)), None);
        // Two rows for one review are one review.
        let mut record = with_first_review(d(2025, 11, 3), d(2025, 11, 30));
        record.reviews.push(review(d(2025, 11, 30)));
        assert_eq!(
            status(&Rev02, &record, d(2026, 3, 1)),
            overdue(d(2026, 2, 28))
        );
    }

    #[test]
    fn no_alert_before_the_first_review() {
        let record = in_care(d(2015, 3, 1), d(2025, 11, 3), Placement::U6);
        assert_eq!(status(&Rev02, &record, d(2026, 6, 1)), None);
    }

    #[test]
    fn a_child_who_leaves_care_on_the_due_date_is_not_flagged() {
        let mut record = with_first_review(d(2025, 11, 3), d(2025, 11, 30));
        leave_care(&mut record, d(2026, 2, 28), ReasonEpisodeCeased::E41);
        assert_eq!(status(&Rev02, &record, d(2026, 3, 1)), None);
    }

    #[test]
    fn re_entry_starts_a_new_cycle() {
        // Reviews of the earlier period do not count in the new one.
        let mut record = with_first_review(d(2025, 1, 6), d(2025, 1, 30));
        leave_care(&mut record, d(2025, 3, 1), ReasonEpisodeCeased::E4A);
        re_enter(&mut record, d(2025, 6, 2), Placement::U6);
        assert_eq!(status(&Rev02, &record, d(2025, 7, 1)), None);
        record.reviews.push(review(d(2025, 6, 20)));
        assert_eq!(
            status(&Rev02, &record, d(2025, 9, 21)),
            overdue(d(2025, 9, 20))
        );
    }

    #[test]
    fn cannot_decide_whether_the_only_review_seen_was_the_first() {
        // In care since 2022; the loaded data starts on 1 April 2023 and shows one review,
        // on 10 May 2023, after the first review's due date in February 2022.
        let mut record = with_first_review(d(2022, 1, 10), d(2023, 5, 10));
        record.episodes[0].year = CollectionYear(2024);
        assert_eq!(status(&Rev02, &record, d(2023, 8, 10)), None);
        assert_eq!(
            status(&Rev02, &record, d(2023, 8, 11)),
            Some((Status::CannotDecide, None))
        );
        assert_eq!(
            status(&Rev02, &record, d(2023, 11, 10)),
            Some((Status::CannotDecide, None))
        );
        // Six months on, the next review is overdue whichever it was (REV-03).
        assert_eq!(status(&Rev02, &record, d(2023, 11, 11)), None);
        assert_eq!(
            status(&Rev03, &record, d(2023, 11, 11)),
            overdue(d(2023, 11, 10))
        );
    }
}
