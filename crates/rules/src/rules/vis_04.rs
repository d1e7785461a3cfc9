//! VIS-04: a child living with parents under an interim care order: weekly visits until
//! the first review, then every 4 weeks (CPPCR 2010 reg 28). See
//! [`crate::rules::visits`] for the shared timetable.

use crate::context::Context;
use crate::finding::{Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::visits;

/// VIS-04's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "VIS-04",
    title: "Interim care order at home: weekly visits until the first review",
    condition: "The child is looked after under an interim care order (legal status C1) and \
                placed with parents (P1). Visits are due weekly (default 7 days) from the day \
                the placement or the order began, whichever is later, until the first review \
                held since then; after it, every 28 days. The next visit is due that many \
                days after the latest visit (or after the start, with none).",
    source: "CPPCR 2010 reg 28: connected-person temporary approval (reg 24) or interim care \
             order and living with parents: at least once a week until the first review, then \
             at intervals of not more than 4 weeks [S12]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, PLACE, LS, DEC (the placement with parents and the order)",
        "Reviews: REVIEW (the first review since)",
        "Tracker activity: social worker visits (date)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; team manager",
    action: "Visit the child at home this week and record the visit.",
    notes: &[
        "The regulation also covers connected-person placements under temporary approval \
         (reg 24). The records do not say whether a connected carer is temporarily or fully \
         approved (foster-carer records are a later addition), so those placements (U1 to \
         U3) are checked against the default timetable (VIS-01 to VIS-03) instead.",
        "A visit before the first review is followed within a week until the review has \
         been held; once it has, within 28 days of the latest visit.",
    ],
};

rule_settings! {
    due_soon_days: Some(2);
    /// Days between visits until the first review.
    first_days: number (Days, 1..=60) = 7;
    /// Days between visits after the first review.
    then_days: number (Days, 1..=120) = 28;
}

/// VIS-04.
pub struct Vis04;

impl_rule!(Vis04, INFO, vis_04, evaluate);

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Vec<Finding> {
    visits::findings_for(ctx, &INFO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::rules::test_support::*;
    use crate::rules::vis_01::Vis01;

    /// At home under an interim care order from Monday 22 December 2025.
    fn at_home(visits: &[Date]) -> Case {
        let mut record = in_care(d(2014, 5, 1), d(2025, 12, 22), Placement::P1);
        record.episodes[0].ls = LegalStatus::C1;
        Case::new(record).activity(ActivityKind::Visit, visits)
    }

    #[test]
    fn weekly_until_the_first_review() {
        let case = at_home(&[]);
        let due = d(2025, 12, 29);
        assert_eq!(case.status(&Vis04, d(2025, 12, 26)), None);
        assert_eq!(case.status(&Vis04, d(2025, 12, 27)), due_soon(due));
        assert_eq!(case.status(&Vis04, due), due_soon(due));
        assert_eq!(case.status(&Vis04, d(2025, 12, 30)), overdue(due));
        assert!(case.run(&Vis01, d(2025, 12, 30)).is_empty());
        let case = at_home(&[d(2025, 12, 24), d(2026, 1, 2)]);
        assert_eq!(case.status(&Vis04, d(2026, 1, 10)), overdue(d(2026, 1, 9)));
        assert_eq!(
            case.finding(&Vis04, d(2026, 1, 10)).owner.as_deref(),
            Some("SW1")
        );
    }

    #[test]
    fn then_every_28_days() {
        let mut case = at_home(&[
            d(2025, 12, 24),
            d(2026, 1, 2),
            d(2026, 1, 9),
            d(2026, 1, 16),
        ]);
        case.record.reviews = vec![review(d(2026, 1, 19))];
        // Before the review, weekly (due 23 January after the visit on 16 January);
        // once it is held, 28 days after the latest visit (13 February).
        assert_eq!(case.status(&Vis04, d(2026, 1, 18)), None);
        let mut no_review = case.clone();
        no_review.record.reviews.clear();
        assert_eq!(
            no_review.status(&Vis04, d(2026, 1, 21)),
            due_soon(d(2026, 1, 23))
        );
        assert_eq!(
            no_review.status(&Vis04, d(2026, 1, 24)),
            overdue(d(2026, 1, 23))
        );
        assert_eq!(case.status(&Vis04, d(2026, 1, 21)), None);
        assert_eq!(case.status(&Vis04, d(2026, 1, 24)), None);
        assert_eq!(case.status(&Vis04, d(2026, 2, 14)), overdue(d(2026, 2, 13)));
    }

    #[test]
    fn from_the_later_of_the_placement_and_the_order() {
        // In foster care under an interim care order, home on Monday 2 February 2026.
        let mut record = in_care(d(2014, 5, 1), d(2025, 12, 22), Placement::U6);
        record.episodes[0].ls = LegalStatus::C1;
        move_to(
            &mut record,
            d(2026, 2, 2),
            ReasonNewEpisode::P,
            Placement::P1,
        );
        let case = Case::new(record).activity(ActivityKind::Visit, &[d(2026, 1, 30)]);
        assert_eq!(case.status(&Vis04, d(2026, 2, 10)), overdue(d(2026, 2, 9)));
    }

    #[test]
    fn leaving_care_on_the_due_date_and_re_entry() {
        let mut case = at_home(&[]);
        leave_care(&mut case.record, d(2025, 12, 29), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Vis04, d(2025, 12, 30)), None);
        re_enter(&mut case.record, d(2026, 3, 2), Placement::P1);
        case.record.episodes[1].ls = LegalStatus::C1;
        let case = case.activity(ActivityKind::Visit, &[d(2025, 12, 28)]);
        assert_eq!(case.status(&Vis04, d(2026, 3, 10)), overdue(d(2026, 3, 9)));
    }

    #[test]
    fn cannot_decide_when_the_placement_began_before_the_data() {
        let mut case = at_home(&[]);
        case.record.episodes[0].rne = ReasonNewEpisode::L;
        assert_eq!(
            case.status(&Vis04, d(2025, 12, 23)).map(|s| s.0),
            Some(Status::CannotDecide)
        );
        assert_eq!(
            case.status(&Vis04, d(2025, 12, 30)),
            overdue(d(2025, 12, 29))
        );
    }
}
