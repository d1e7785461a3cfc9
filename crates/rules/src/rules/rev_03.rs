//! REV-03: reviews after the second at intervals of not more than six months (CPPCR 2010
//! reg 33(2)).

use crate::context::Context;
use crate::finding::{Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::reviews;

/// REV-03's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "REV-03",
    title: "Later reviews at most 6 months apart",
    condition: "The child is looked after and has had at least two reviews in the current \
                period of care. The next review is due 6 calendar months after the latest \
                (end-of-month clamped). A due date at a weekend or on a bank holiday does \
                not move.",
    source: "CPPCR 2010 reg 33(2): subsequent reviews \"at intervals of not more than six \
             months\" [S8]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, DEC, REC (the period of care)",
        "Reviews: REVIEW",
    ],
    needs_tracker_records: false,
    owner: Role::Iro,
    escalation: "IRO; team manager",
    action: "Hold the next review by the due date. If it has been held, record its date \
             (903 Reviews table).",
    notes: &[
        "The data only holds reviews from the earliest loaded return on (the start of the \
         earliest collection year holding the child's episodes). When the period of care \
         began before that and no review is seen, a review was due by 6 months after the \
         day before the data begins at the latest, even if one was held that day: after \
         that date the finding is overdue, before it the rule cannot decide (REV-01 speaks \
         instead when the period began so recently that the first review was not yet due \
         when the data begins).",
        "When the only review seen may or may not have been the first (see REV-02), the \
         rule reports it overdue 6 months after that review.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Calendar months after the latest review by which the next must be held.
    months: number (Months, 1..=12) = 6;
}

/// REV-03.
pub struct Rev03;

impl_rule!(Rev03, INFO, rev_03, evaluate);

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Vec<Finding> {
    reviews::findings_for(ctx, &INFO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::rules::rev_01::Rev01;
    use crate::rules::rev_02::Rev02;
    use crate::rules::test_support::*;
    use permanence_domain::CollectionYear;

    fn with_reviews(start: Date, reviews: &[Date]) -> ChildRecord {
        let mut record = in_care(d(2012, 7, 1), start, Placement::U4);
        record.reviews = reviews.iter().map(|date| review(*date)).collect();
        record
    }

    #[test]
    fn due_six_months_after_the_latest_review() {
        let record = with_reviews(d(2024, 12, 16), &[d(2025, 1, 10), d(2025, 4, 8)]);
        let due = d(2025, 10, 8);
        assert_eq!(status(&Rev03, &record, d(2025, 9, 27)), None);
        assert_eq!(status(&Rev03, &record, d(2025, 9, 28)), due_soon(due));
        assert_eq!(status(&Rev03, &record, d(2025, 10, 7)), due_soon(due));
        assert_eq!(status(&Rev03, &record, due), due_soon(due));
        assert_eq!(status(&Rev03, &record, d(2025, 10, 9)), overdue(due));
        // The other review rules stay quiet.
        assert_eq!(status(&Rev01, &record, d(2025, 10, 9)), None);
        assert_eq!(status(&Rev02, &record, d(2025, 10, 9)), None);
        let finding = &run(&Rev03, &record, d(2025, 10, 9))[0];
        assert_eq!(finding.evidence[1].value, "10/01/2025, 08/04/2025");
    }

    #[test]
    fn month_end_and_weekend_due_dates() {
        // 31 August 2025 + 6 months = 28 February 2026 (a Saturday; the date stands).
        let record = with_reviews(d(2025, 7, 1), &[d(2025, 7, 20), d(2025, 8, 31)]);
        assert_eq!(
            status(&Rev03, &record, d(2026, 2, 28)),
            due_soon(d(2026, 2, 28))
        );
        assert_eq!(
            status(&Rev03, &record, d(2026, 3, 1)),
            overdue(d(2026, 2, 28))
        );
    }

    #[test]
    fn a_due_date_at_christmas_or_easter_does_not_move() {
        let record = with_reviews(d(2025, 3, 1), &[d(2025, 3, 20), d(2025, 6, 25)]);
        assert_eq!(
            status(&Rev03, &record, d(2025, 12, 25)),
            due_soon(d(2025, 12, 25))
        );
        assert_eq!(
            status(&Rev03, &record, d(2025, 12, 26)),
            overdue(d(2025, 12, 25))
        );
        let record = with_reviews(d(2025, 8, 1), &[d(2025, 8, 20), d(2025, 10, 5)]);
        // 5 October 2025 + 6 months = Easter Sunday, 5 April 2026.
        assert_eq!(
            status(&Rev03, &record, d(2026, 4, 6)),
            overdue(d(2026, 4, 5))
        );
    }

    #[test]
    fn a_review_on_the_due_date_meets_the_rule() {
        let record = with_reviews(
            d(2024, 12, 16),
            &[d(2025, 1, 10), d(2025, 4, 8), d(2025, 10, 8)],
        );
        assert_eq!(status(&Rev03, &record, d(2025, 10, 9)), None);
        assert_eq!(
            status(&Rev03, &record, d(2026, 4, 9)),
            overdue(d(2026, 4, 8))
        );
    }

    #[test]
    fn a_child_who_leaves_care_on_the_due_date_is_not_flagged() {
        let mut record = with_reviews(d(2024, 12, 16), &[d(2025, 1, 10), d(2025, 4, 8)]);
        leave_care(&mut record, d(2025, 10, 8), ReasonEpisodeCeased::E45);
        assert_eq!(status(&Rev03, &record, d(2025, 10, 9)), None);
    }

    #[test]
    fn re_entry_starts_a_new_cycle() {
        let mut record = with_reviews(d(2024, 12, 16), &[d(2025, 1, 10), d(2025, 4, 8)]);
        leave_care(&mut record, d(2025, 5, 1), ReasonEpisodeCeased::E4A);
        re_enter(&mut record, d(2025, 9, 1), Placement::U6);
        assert_eq!(status(&Rev03, &record, d(2025, 10, 9)), None);
        // First review of the new period due 29 September 2025: REV-01's, not REV-03's.
        assert_eq!(
            status(&Rev01, &record, d(2025, 10, 9)),
            overdue(d(2025, 9, 29))
        );
    }

    #[test]
    fn cannot_decide_when_no_review_is_seen_after_the_data_begins() {
        // In care since 2019; the loaded data starts on 1 April 2023 with no reviews.
        let mut record = with_reviews(d(2019, 5, 1), &[]);
        record.episodes[0].year = CollectionYear(2024);
        assert_eq!(
            status(&Rev03, &record, d(2023, 6, 1)),
            Some((Status::CannotDecide, None))
        );
        assert_eq!(status(&Rev01, &record, d(2023, 6, 1)), None);
        assert_eq!(
            status(&Rev03, &record, d(2023, 9, 30)).unwrap().0,
            Status::CannotDecide
        );
        assert_eq!(
            status(&Rev03, &record, d(2023, 10, 1)),
            overdue(d(2023, 9, 30))
        );
    }

    #[test]
    fn the_period_may_have_begun_before_its_first_episode_in_the_data() {
        // The earliest episode is a change of placement (RNE P): the period began earlier.
        let mut record = in_care(d(2012, 7, 1), d(2023, 6, 5), Placement::U4);
        record.episodes[0].rne = ReasonNewEpisode::P;
        let finding = &run(&Rev03, &record, d(2023, 7, 1))[0];
        assert_eq!(finding.status, Status::CannotDecide);
        assert!(
            finding.evidence[0]
                .value
                .starts_with("on or before 05/06/2023")
        );
    }
}
