//! VIS-06: a full care order made while the child lives with parents: a visit within a
//! week of the order, then every 6 weeks (CPPCR 2010 reg 28). See
//! [`crate::rules::visits`] for the shared timetable.

use crate::context::Context;
use crate::finding::{Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::visits;

/// VIS-06's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "VIS-06",
    title: "Care order at home: visit within a week of the order",
    condition: "The child lives with parents (P1) and a full care order (C2) was made during \
                the placement. A visit is due the policy number of days (default 7) after \
                the order, then every 42 days after the latest visit.",
    source: "CPPCR 2010 reg 28: full care order and living with parents: within one week of \
             the care order, then at intervals of not more than 6 weeks [S12]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, PLACE, LS, DEC (the placement with parents and the order)",
        "Tracker activity: social worker visits (date)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; team manager",
    action: "Visit the child at home and record the visit.",
    notes: &[
        "The order's date is the start of the C2 legal status (an episode with RNE L, or B \
         or U with a placement change) during the placement with parents.",
        "Visits count from the day of the order.",
    ],
};

rule_settings! {
    due_soon_days: Some(2);
    /// Days after the care order by which the first visit is due.
    first_days: number (Days, 1..=60) = 7;
    /// Days between visits after that.
    then_days: number (Days, 1..=120) = 42;
}

/// VIS-06.
pub struct Vis06;

impl_rule!(Vis06, INFO, vis_06, evaluate);

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Vec<Finding> {
    visits::findings_for(ctx, &INFO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use crate::rules::vis_04::Vis04;

    /// At home under an interim care order from 1 September 2025; full care order on
    /// Monday 22 December 2025.
    fn ordered(visits: &[Date]) -> Case {
        let mut record = in_care(d(2014, 5, 1), d(2025, 9, 1), Placement::P1);
        record.episodes[0].ls = LegalStatus::C1;
        change_legal_status(&mut record, d(2025, 12, 22), LegalStatus::C2);
        Case::new(record).activity(ActivityKind::Visit, visits)
    }

    #[test]
    fn within_a_week_of_the_order() {
        let case = ordered(&[d(2025, 12, 19)]);
        let due = d(2025, 12, 29);
        assert_eq!(case.status(&Vis06, d(2025, 12, 26)), None);
        assert_eq!(case.status(&Vis06, d(2025, 12, 27)), due_soon(due));
        assert_eq!(case.status(&Vis06, due), due_soon(due));
        assert_eq!(case.status(&Vis06, d(2025, 12, 30)), overdue(due));
        assert_eq!(
            case.finding(&Vis06, d(2025, 12, 30)).owner.as_deref(),
            Some("SW1")
        );
        // Before the order it was VIS-04's.
        assert_eq!(case.status(&Vis04, d(2025, 12, 21)), None);
        assert_eq!(case.status(&Vis06, d(2025, 12, 21)), None);
    }

    #[test]
    fn then_every_six_weeks() {
        let case = ordered(&[d(2025, 12, 19), d(2025, 12, 24)]);
        // 24 December + 42 days = 4 February 2026.
        assert_eq!(case.status(&Vis06, d(2026, 2, 4)), due_soon(d(2026, 2, 4)));
        assert_eq!(case.status(&Vis06, d(2026, 2, 5)), overdue(d(2026, 2, 4)));
    }

    #[test]
    fn leaving_care_on_the_due_date() {
        let mut case = ordered(&[]);
        leave_care(&mut case.record, d(2025, 12, 29), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Vis06, d(2025, 12, 30)), None);
    }
}
