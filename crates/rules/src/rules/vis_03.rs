//! VIS-03: visits after the first year of a placement: at most 3 months apart when the
//! placement is meant to last until 18, 6 weeks otherwise (CPPCR 2010 reg 28(2)(c)). See
//! [`crate::rules::visits`] for the shared timetable.

use crate::context::Context;
use crate::finding::{Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::visits;

/// VIS-03's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "VIS-03",
    title: "Visits after the placement's first year",
    condition: "The child is looked after in a placement that follows the default visit \
                timetable, and the latest social worker visit was after the placement's \
                first year. The next visit is due 3 calendar months later when the placement \
                is long-term fostering (903 U1 or U4: intended to last until the child is \
                18), or 42 days later otherwise. A late visit clears the finding from its \
                date.",
    source: "CPPCR 2010 reg 28(2)(c): thereafter at intervals of not more than three months \
             where the placement is intended to last until 18, otherwise six weeks [S12]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, PLACE, LS, DEC (the current placement)",
        "Tracker activity: social worker visits (date)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; team manager",
    action: "Visit the child and record the visit.",
    notes: &[
        "\"Intended to last until 18\" is read from the placement code: long-term foster \
         placements (U1, U4). A short-term placement that becomes long-term with the same \
         carers (RNE T) is long-term from that day, without restarting the first year \
         (unless VIS-01's `same_carer_moves_restart` is on).",
        "When the placement began before the loaded data and the latest visit is less than \
         a year after the earliest episode, it may still have been in the first year: the \
         3-month due date is used once it has passed, and VIS-02 cannot decide before.",
    ],
};

rule_settings! {
    due_soon_days: Some(14);
    /// Months between visits after the first year of a long-term placement.
    months_long_term: number (Months, 1..=12) = 3;
    /// Days between visits after the first year of any other placement.
    days_otherwise: number (Days, 1..=120) = 42;
}

/// VIS-03.
pub struct Vis03;

impl_rule!(Vis03, INFO, vis_03, evaluate);

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Vec<Finding> {
    visits::findings_for(ctx, &INFO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::rules::test_support::*;
    use crate::rules::vis_02::Vis02;

    fn visited(place: Placement, visits: &[Date]) -> Case {
        Case::new(in_care(d(2014, 5, 1), d(2024, 6, 3), place))
            .activity(ActivityKind::Visit, visits)
    }

    #[test]
    fn three_months_in_long_term_fostering() {
        // Last visit 30 November 2025, after the first year: due 28 February 2026.
        let case = visited(Placement::U4, &[d(2024, 6, 5), d(2025, 11, 30)]);
        let due = d(2026, 2, 28);
        assert_eq!(case.status(&Vis03, d(2026, 2, 13)), None);
        assert_eq!(case.status(&Vis03, d(2026, 2, 14)), due_soon(due));
        assert_eq!(case.status(&Vis03, due), due_soon(due));
        assert_eq!(case.status(&Vis03, d(2026, 3, 1)), overdue(due));
        assert_eq!(
            case.finding(&Vis03, d(2026, 3, 1)).owner.as_deref(),
            Some("SW1")
        );
    }

    #[test]
    fn six_weeks_otherwise() {
        let case = visited(Placement::U6, &[d(2024, 6, 5), d(2025, 11, 30)]);
        assert_eq!(case.status(&Vis03, d(2026, 1, 12)), overdue(d(2026, 1, 11)));
        // A visit on the anniversary (3 June 2025) is after the first year.
        let case = visited(Placement::U4, &[d(2024, 6, 5), d(2025, 6, 3)]);
        assert_eq!(case.status(&Vis03, d(2025, 9, 4)), overdue(d(2025, 9, 3)));
        // The day before, in the first year: VIS-02.
        let case = visited(Placement::U4, &[d(2024, 6, 5), d(2025, 6, 2)]);
        assert_eq!(case.status(&Vis03, d(2025, 7, 15)), None);
        assert_eq!(case.status(&Vis02, d(2025, 7, 15)), overdue(d(2025, 7, 14)));
    }

    #[test]
    fn a_placement_that_began_before_the_data() {
        let mut record = in_care(d(2014, 5, 1), d(2025, 6, 2), Placement::U4);
        record.episodes[0].rne = ReasonNewEpisode::L;
        let case = Case::new(record).activity(ActivityKind::Visit, &[d(2025, 6, 10)]);
        // 42 days: 22 July; 3 months: 10 September.
        assert_eq!(case.status(&Vis02, d(2025, 7, 22)), None);
        assert_eq!(
            case.status(&Vis02, d(2025, 7, 23)).map(|s| s.0),
            Some(Status::CannotDecide)
        );
        assert_eq!(case.status(&Vis03, d(2025, 7, 23)), None);
        assert_eq!(case.status(&Vis03, d(2025, 9, 11)), overdue(d(2025, 9, 10)));
    }

    #[test]
    fn leaving_care_on_the_due_date_and_re_entry() {
        let mut case = visited(Placement::U4, &[d(2024, 6, 5), d(2025, 11, 30)]);
        leave_care(&mut case.record, d(2026, 2, 28), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Vis03, d(2026, 3, 1)), None);
        re_enter(&mut case.record, d(2026, 4, 1), Placement::U4);
        assert_eq!(case.status(&Vis03, d(2026, 6, 1)), None);
    }
}
