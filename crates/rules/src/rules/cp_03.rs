//! CP-03: notifications of a placement (to the child, parents, health, GP, school, IRO,
//! the area authority ...) within 5 working days of its start (CPPCR 2010 reg 13).

use permanence_domain::tracker::ActivityKind;

use crate::context::Context;
use crate::finding::{Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::placements::record_for_placement;

/// CP-03's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CP-03",
    title: "Placement notifications within 5 working days",
    condition: "The child is looked after and no record that the placement's notifications \
                were sent has been made for the current placement. They are due before the \
                placement or, when it was made in an emergency, on the 5th working day after \
                it began. Notifications dated up to the policy number of days (default 7) \
                before the placement began count, unless dated on or before the day the \
                previous placement began. A late record clears the finding from its date.",
    source: "CPPCR 2010 reg 13(1) and (4): notify before the placement or, in an emergency, \
             within 5 working days of its start [S6], [S7]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, PLACE, LS, DEC (the current placement)",
        "Tracker activity: placement notifications sent (date)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; business support",
    action: "Send the placement notifications (child, parents, health, GP, school, IRO, and \
             the area authority for a placement out of the area) and record the date.",
    notes: &[
        "The records do not say whether a placement was an emergency, so every placement is \
         given the emergency timescale: notifications recorded within 5 working days meet \
         the rule.",
        "One record covers all of a placement's notifications (the tracker holds one \
         activity, \"placement notifications sent\").",
        "A change of placement with the same carers (RNE T or U) counts as a new placement \
         by default (`same_carer_moves`), as for CP-02; temporary placements (T0 to T4) and \
         short breaks (V3, V4) are left out.",
        "When the placement began before the loaded data, the rule cannot decide until the \
         latest possible due date has passed.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Working days after the placement began by which the notifications are due.
    working_days: number (WorkingDays, 1..=100) = 5;
    /// Days before the placement began that notifications may be dated and still count.
    days_before: number (Days, 0..=90) = 7;
    /// Whether a change of placement with the same carers (RNE T or U) needs new
    /// notifications.
    same_carer_moves: switch = true;
}

/// CP-03.
pub struct Cp03;

impl_rule!(Cp03, INFO, cp_03, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    record_for_placement(
        ctx,
        &INFO,
        settings,
        ActivityKind::PlacementNotification,
        "Placement notifications",
        settings.working_days,
        settings.days_before,
        settings.same_carer_moves,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    fn placed(start: Date) -> Case {
        Case::new(in_care(d(2014, 5, 1), start, Placement::K2))
    }

    #[test]
    fn due_5_working_days_after_the_placement() {
        // Monday 22 December 2025 to Wednesday 31 December (Christmas and Boxing Day
        // skipped).
        let case = placed(d(2025, 12, 22));
        let due = d(2025, 12, 31);
        assert_eq!(case.status(&Cp03, d(2025, 12, 21)), None);
        assert_eq!(case.status(&Cp03, d(2025, 12, 30)), due_soon(due));
        assert_eq!(case.status(&Cp03, due), due_soon(due));
        assert_eq!(case.status(&Cp03, d(2026, 1, 1)), overdue(due));
        assert!(
            case.finding(&Cp03, d(2026, 1, 1))
                .evidence_text()
                .ends_with("Placement notifications: none recorded for this placement")
        );
        // Easter: Wednesday 1 April 2026 to Friday 10 April; a Friday start: the
        // following Friday.
        assert_eq!(
            placed(d(2026, 4, 1)).status(&Cp03, d(2026, 4, 11)),
            overdue(d(2026, 4, 10))
        );
        assert_eq!(
            placed(d(2026, 6, 6)).status(&Cp03, d(2026, 6, 13)),
            overdue(d(2026, 6, 12))
        );
    }

    #[test]
    fn a_record_meets_the_rule_from_its_date() {
        let case =
            placed(d(2025, 12, 22)).activity(ActivityKind::PlacementNotification, &[d(2026, 1, 2)]);
        assert_eq!(case.status(&Cp03, d(2026, 1, 1)), overdue(d(2025, 12, 31)));
        assert_eq!(case.status(&Cp03, d(2026, 1, 2)), None);
    }

    #[test]
    fn leaving_care_on_the_due_date_and_re_entry() {
        let mut record = in_care(d(2014, 5, 1), d(2025, 12, 22), Placement::K2);
        leave_care(&mut record, d(2025, 12, 31), ReasonEpisodeCeased::E13);
        assert_eq!(Case::new(record.clone()).status(&Cp03, d(2026, 1, 1)), None);
        re_enter(&mut record, d(2026, 2, 2), Placement::K2);
        let case =
            Case::new(record).activity(ActivityKind::PlacementNotification, &[d(2025, 12, 22)]);
        assert_eq!(case.status(&Cp03, d(2026, 2, 10)), overdue(d(2026, 2, 9)));
    }

    #[test]
    fn cannot_decide_when_the_placement_began_before_the_data() {
        let mut record = in_care(d(2014, 5, 1), d(2025, 12, 22), Placement::K2);
        record.episodes[0].rne = ReasonNewEpisode::L;
        let case = Case::new(record);
        assert_eq!(case.status(&Cp03, d(2025, 12, 29)), cannot_decide());
        assert_eq!(case.status(&Cp03, d(2026, 1, 1)), overdue(d(2025, 12, 31)));
    }
}
