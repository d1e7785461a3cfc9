//! VIS-05: a child placed with parents under a care order before the assessment is
//! complete (CPPCR 2010 reg 19): weekly visits until the first review, then every 6 weeks.
//! See [`crate::rules::visits`] for the shared timetable.

use crate::context::Context;
use crate::finding::{Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::visits;

/// VIS-05's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "VIS-05",
    title: "Placed with parents: weekly visits until the first review",
    condition: "The child is under a full care order (C2) and was placed with parents (P1) \
                while the order was in force. Visits are due weekly (default 7 days) from the \
                placement until the first review held since it, then every 42 days, each \
                counted from the latest visit (or from the placement, with none).",
    source: "CPPCR 2010 reg 28: placed with parents before the assessment is completed (reg \
             19): at least once a week until the first review, then at intervals of not \
             more than 6 weeks [S12]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, PLACE, LS, DEC (the placement with parents and the order)",
        "Reviews: REVIEW (the first review since the placement)",
        "Tracker activity: social worker visits (date)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; team manager",
    action: "Visit the child at home this week and record the visit.",
    notes: &[
        "The records do not say when the assessment of the parents (CPPCR reg 17) was \
         completed, so every placement with parents made under a care order is given this, \
         the stricter, timetable. After the first review it is the same as for a completed \
         assessment (every 6 weeks).",
        "A care order made while the child already lives with parents follows VIS-06.",
    ],
};

rule_settings! {
    due_soon_days: Some(2);
    /// Days between visits until the first review.
    first_days: number (Days, 1..=60) = 7;
    /// Days between visits after the first review.
    then_days: number (Days, 1..=120) = 42;
}

/// VIS-05.
pub struct Vis05;

impl_rule!(Vis05, INFO, vis_05, evaluate);

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Vec<Finding> {
    visits::findings_for(ctx, &INFO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    /// In foster care under a care order since 2 June 2025; placed with parents on Monday
    /// 22 December 2025.
    fn placed_home(visits: &[Date]) -> Case {
        let mut record = in_care(d(2014, 5, 1), d(2025, 6, 2), Placement::U6);
        move_to(
            &mut record,
            d(2025, 12, 22),
            ReasonNewEpisode::P,
            Placement::P1,
        );
        Case::new(record).activity(ActivityKind::Visit, visits)
    }

    #[test]
    fn weekly_until_the_first_review_then_six_weeks() {
        let case = placed_home(&[d(2025, 12, 10)]);
        let due = d(2025, 12, 29);
        assert_eq!(case.status(&Vis05, d(2025, 12, 26)), None);
        assert_eq!(case.status(&Vis05, d(2025, 12, 27)), due_soon(due));
        assert_eq!(case.status(&Vis05, due), due_soon(due));
        assert_eq!(case.status(&Vis05, d(2025, 12, 30)), overdue(due));
        assert_eq!(
            case.finding(&Vis05, d(2025, 12, 30)).owner.as_deref(),
            Some("SW1")
        );
        let mut case = placed_home(&[d(2025, 12, 29), d(2026, 1, 5)]);
        assert_eq!(case.status(&Vis05, d(2026, 1, 13)), overdue(d(2026, 1, 12)));
        case.record.reviews = vec![review(d(2025, 7, 1)), review(d(2026, 1, 9))];
        // The review on 1 July was before the placement; the one on 9 January counts.
        assert_eq!(case.status(&Vis05, d(2026, 1, 8)), None);
        assert_eq!(case.status(&Vis05, d(2026, 1, 9)), None);
        assert_eq!(case.status(&Vis05, d(2026, 1, 13)), None);
        assert_eq!(case.status(&Vis05, d(2026, 2, 17)), overdue(d(2026, 2, 16)));
    }

    #[test]
    fn leaving_care_on_the_due_date() {
        let mut case = placed_home(&[]);
        leave_care(&mut case.record, d(2025, 12, 29), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Vis05, d(2025, 12, 30)), None);
    }
}
