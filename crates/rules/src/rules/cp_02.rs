//! CP-02: a placement plan within 5 working days of the start of each placement
//! (CPPCR 2010 reg 9; the Welsh equivalent's wording is confirmed).

use permanence_domain::tracker::ActivityKind;

use crate::context::Context;
use crate::finding::{Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::placements::record_for_placement;

/// CP-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CP-02",
    title: "Placement plan within 5 working days of the placement",
    condition: "The child is looked after and no placement plan has been recorded for the \
                current placement. It is due before the placement or, if that is not \
                practicable, on the 5th working day after the placement began. A plan dated \
                up to the policy number of days (default 7) before the placement began counts, \
                unless it is dated on or before the day the previous placement began (it was \
                that placement's plan). A plan recorded late clears the finding from its date.",
    source: "CPPCR 2010 reg 9: placement plan before the placement or within 5 working days \
             of its start (Welsh reg 10(2) wording confirmed; English wording believed \
             identical) [S5]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, PLACE, LS, DEC (the current placement)",
        "Tracker activity: placement plan (date)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; team manager",
    action: "Agree the placement plan with the carers and the child now, or record the date \
             of the plan that exists.",
    notes: &[
        "Every placement needs its own plan: a move to new carers (RNE P or B) and, by \
         default, a change of placement with the same carers (RNE T or U, such as a \
         short-term foster placement becoming long-term). Switch `same_carer_moves` off to \
         treat a change with the same carers as the same placement.",
        "Temporary placements (T0 to T4) need no plan: the rule says nothing while the child \
         is in one. Coming back from one is a new placement in the 903, so a plan is due \
         again.",
        "Children in a series of short breaks (V3, V4) are left out (CPPCR reg 48).",
        "When the placement began before the loaded data (the earliest episode changes only \
         the legal status) its start is not known: any plan in the period counts, and with \
         none the rule cannot decide until the latest possible due date has passed.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Working days after the placement began by which the placement plan is due.
    working_days: number (WorkingDays, 1..=100) = 5;
    /// Days before the placement began that a placement plan may be dated and still count.
    days_before: number (Days, 0..=90) = 7;
    /// Whether a change of placement with the same carers (RNE T or U) needs a new plan.
    same_carer_moves: switch = true;
}

/// CP-02.
pub struct Cp02;

impl_rule!(Cp02, INFO, cp_02, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    record_for_placement(
        ctx,
        &INFO,
        settings,
        ActivityKind::PlacementPlan,
        "Placement plan",
        settings.working_days,
        settings.days_before,
        settings.same_carer_moves,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    /// In care since 2 June 2025; moved to new carers on `moved`.
    fn moved(moved: Date) -> Case {
        let mut record = in_care(d(2014, 5, 1), d(2025, 6, 2), Placement::U6);
        move_to(&mut record, moved, ReasonNewEpisode::P, Placement::U4);
        Case::new(record).activity(ActivityKind::PlacementPlan, &[d(2025, 6, 3)])
    }

    #[test]
    fn due_5_working_days_after_a_move_over_christmas() {
        // Monday 22 December 2025: 23 (1), 24 (2), 29 (3), 30 (4), 31 December (5).
        let case = moved(d(2025, 12, 22));
        let due = d(2025, 12, 31);
        assert_eq!(case.status(&Cp02, d(2025, 12, 21)), None);
        assert_eq!(case.status(&Cp02, d(2025, 12, 30)), due_soon(due));
        assert_eq!(case.status(&Cp02, due), due_soon(due));
        assert_eq!(case.status(&Cp02, d(2026, 1, 1)), overdue(due));
        let finding = case.finding(&Cp02, d(2026, 1, 1));
        assert_eq!(finding.owner.as_deref(), Some("SW1"));
        assert!(finding.evidence_text().contains(
            "Placement: U4 (Foster placement with other foster carer(s) - long-term fostering) \
             from 22/12/2025; Due: 31/12/2025 (5 working days after 22/12/2025; bank holidays \
             skipped: 25/12/2025 (Christmas Day), 26/12/2025 (Boxing Day)); Placement plan: \
             none recorded for this placement"
        ));
    }

    #[test]
    fn over_easter_and_weekends() {
        // Wednesday 1 April 2026: 2 April (1), Good Friday and Easter Monday skipped,
        // 7 to 10 April (5).
        let case = moved(d(2026, 4, 1));
        assert_eq!(case.status(&Cp02, d(2026, 4, 10)), due_soon(d(2026, 4, 10)));
        assert_eq!(case.status(&Cp02, d(2026, 4, 11)), overdue(d(2026, 4, 10)));
        // Friday 5 June 2026 (and the weekend after): 8 to 12 June.
        for start in [d(2026, 6, 5), d(2026, 6, 6), d(2026, 6, 7)] {
            assert_eq!(
                moved(start).status(&Cp02, d(2026, 6, 13)),
                overdue(d(2026, 6, 12))
            );
        }
    }

    #[test]
    fn plans_for_this_placement_count() {
        let case = moved(d(2025, 12, 22));
        // On the due date, late (from its date), or up to 7 days before the move.
        for (date, as_of) in [
            (d(2025, 12, 31), d(2026, 1, 1)),
            (d(2026, 1, 5), d(2026, 1, 5)),
            (d(2025, 12, 15), d(2026, 1, 1)),
        ] {
            let case = case.clone().activity(ActivityKind::PlacementPlan, &[date]);
            assert_eq!(case.status(&Cp02, as_of), None, "{date}");
        }
        // Not the previous placement's plan, nor one recorded after the evaluation date.
        let case = case.activity(ActivityKind::PlacementPlan, &[d(2026, 1, 5)]);
        assert_eq!(case.status(&Cp02, d(2026, 1, 2)), overdue(d(2025, 12, 31)));
    }

    #[test]
    fn same_carer_moves_are_a_choice() {
        let mut record = in_care(d(2014, 5, 1), d(2025, 6, 2), Placement::U6);
        move_to(
            &mut record,
            d(2025, 12, 22),
            ReasonNewEpisode::T,
            Placement::U4,
        );
        let case = Case::new(record).activity(ActivityKind::PlacementPlan, &[d(2025, 6, 3)]);
        assert_eq!(case.status(&Cp02, d(2026, 1, 1)), overdue(d(2025, 12, 31)));
        let case = case.policy(|p| p.rules.cp_02.same_carer_moves = false);
        assert_eq!(case.status(&Cp02, d(2026, 1, 1)), None);
    }

    #[test]
    fn temporary_placements_need_no_plan() {
        let mut record = in_care(d(2014, 5, 1), d(2025, 6, 2), Placement::U6);
        move_to(
            &mut record,
            d(2025, 12, 22),
            ReasonNewEpisode::P,
            Placement::T1,
        );
        let case = Case::new(record).activity(ActivityKind::PlacementPlan, &[d(2025, 6, 3)]);
        assert_eq!(case.status(&Cp02, d(2026, 1, 5)), None);
    }

    #[test]
    fn leaving_care_on_the_due_date_and_re_entry() {
        let mut record = in_care(d(2014, 5, 1), d(2025, 12, 22), Placement::U6);
        leave_care(&mut record, d(2025, 12, 31), ReasonEpisodeCeased::E4A);
        let case = Case::new(record.clone());
        assert_eq!(case.status(&Cp02, d(2025, 12, 31)), None);
        assert_eq!(case.status(&Cp02, d(2026, 1, 1)), None);
        re_enter(&mut record, d(2026, 2, 2), Placement::U6);
        let case = Case::new(record).activity(ActivityKind::PlacementPlan, &[d(2025, 12, 23)]);
        // Monday 2 February 2026 + 5 working days = Monday 9 February.
        assert_eq!(case.status(&Cp02, d(2026, 2, 10)), overdue(d(2026, 2, 9)));
    }

    #[test]
    fn cannot_decide_when_the_placement_began_before_the_data() {
        let mut record = in_care(d(2014, 5, 1), d(2025, 12, 22), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::L;
        let case = Case::new(record);
        assert_eq!(case.status(&Cp02, d(2025, 12, 23)), cannot_decide());
        assert_eq!(case.status(&Cp02, d(2026, 1, 1)), overdue(d(2025, 12, 31)));
        // An episode from a later return that starts with new carers is a known start.
        let mut record = in_care(d(2014, 5, 1), d(2025, 12, 22), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::P;
        assert_eq!(
            Case::new(record).status(&Cp02, d(2025, 12, 30)),
            due_soon(d(2025, 12, 31))
        );
    }
}
