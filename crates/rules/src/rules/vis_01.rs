//! VIS-01: the social worker visits within a week of the start of any placement (CPPCR
//! 2010 reg 28(2)(a)). The visit timetable is shared with VIS-02 to VIS-06 (see
//! [`crate::rules::visits`]).

use crate::context::Context;
use crate::finding::{Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::visits;

/// VIS-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "VIS-01",
    title: "Visit within a week of a new placement",
    condition: "The child is looked after, lives in a placement that follows the default \
                visit timetable, and has had no social worker visit since the placement \
                began. The first visit is due the policy number of calendar days (default 7) \
                after the placement began. A visit on or before then meets the rule; after \
                it, VIS-02 and VIS-03 govern the next visit.",
    source: "CPPCR 2010 reg 28(2)(a): a visit \"within one week of the start of any \
             placement\" [S12]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, PLACE, LS, DEC (the current placement)",
        "Tracker activity: social worker visits (date)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; team manager",
    action: "Visit the child in the new placement now and record the visit.",
    notes: &[
        "A move to new carers (RNE P or B) starts a new placement. A change of placement \
         with the same carers (RNE T or U, the child does not move) does not restart the \
         timetable by default; switch `same_carer_moves_restart` on to make it.",
        "Placements with parents under a care order follow VIS-04 to VIS-06; placements \
         for adoption (A3 to A6), temporary placements (T0 to T4) and short breaks (V3, V4) \
         are not covered. Connected-person placements under temporary approval (reg 24) \
         should be visited weekly (VIS-04), but the records do not say whether a \
         connected carer is temporarily or fully approved, so U1 to U3 placements follow \
         this timetable.",
        "When the placement began before the loaded data and no visit is recorded, the rule \
         cannot decide until the latest possible due date has passed.",
    ],
};

rule_settings! {
    due_soon_days: Some(2);
    /// Days after the placement began by which the first visit is due.
    days: number (Days, 1..=60) = 7;
    /// Whether a change of placement with the same carers (RNE T or U) restarts the
    /// visit timetable.
    same_carer_moves_restart: switch = false;
}

/// VIS-01.
pub struct Vis01;

impl_rule!(Vis01, INFO, vis_01, evaluate);

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Vec<Finding> {
    visits::findings_for(ctx, &INFO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::rules::test_support::*;
    use crate::rules::vis_02::Vis02;

    /// In foster care since 2 June 2025 (visited 5 June); moved to new carers on Monday
    /// 22 December 2025.
    fn moved(rne: ReasonNewEpisode) -> Case {
        let mut record = in_care(d(2014, 5, 1), d(2025, 6, 2), Placement::U6);
        move_to(&mut record, d(2025, 12, 22), rne, Placement::U4);
        Case::new(record).activity(ActivityKind::Visit, &[d(2025, 6, 5), d(2025, 12, 19)])
    }

    #[test]
    fn due_7_days_after_the_move_over_christmas() {
        let case = moved(ReasonNewEpisode::P);
        let due = d(2025, 12, 29);
        assert_eq!(case.status(&Vis01, d(2025, 12, 26)), None);
        assert_eq!(case.status(&Vis01, d(2025, 12, 27)), due_soon(due));
        assert_eq!(case.status(&Vis01, due), due_soon(due));
        assert_eq!(case.status(&Vis01, d(2025, 12, 30)), overdue(due));
        let finding = case.finding(&Vis01, d(2025, 12, 30));
        assert_eq!(finding.owner.as_deref(), Some("SW1"));
        assert_eq!(
            finding.evidence_text(),
            "Placement: U4 (Foster placement with other foster carer(s) - long-term fostering) \
             from 22/12/2025; Visiting timetable: first visit after the placement began; \
             Visits since the timetable began: none since 22/12/2025; Next visit due: \
             29/12/2025 (7 days after the placement began)"
        );
        // Only one visit rule speaks.
        assert!(case.run(&Vis02, d(2025, 12, 30)).is_empty());
    }

    #[test]
    fn a_visit_meets_it_and_hands_over_to_vis_02() {
        let case = moved(ReasonNewEpisode::P).activity(ActivityKind::Visit, &[d(2025, 12, 29)]);
        assert_eq!(case.status(&Vis01, d(2025, 12, 30)), None);
        assert_eq!(case.status(&Vis02, d(2026, 2, 10)), overdue(d(2026, 2, 9)));
        // A visit recorded after the evaluation date is not known yet.
        assert_eq!(
            case.status(&Vis01, d(2025, 12, 28)),
            due_soon(d(2025, 12, 29))
        );
    }

    #[test]
    fn a_move_with_the_same_carers_is_a_choice() {
        let case = moved(ReasonNewEpisode::T);
        assert_eq!(case.status(&Vis01, d(2025, 12, 30)), None);
        let case = case.policy(|p| p.rules.vis_01.same_carer_moves_restart = true);
        assert_eq!(
            case.status(&Vis01, d(2025, 12, 30)),
            overdue(d(2025, 12, 29))
        );
    }

    #[test]
    fn placements_not_covered() {
        for place in [Placement::T1, Placement::A5] {
            let mut record = in_care(d(2014, 5, 1), d(2025, 6, 2), Placement::U6);
            move_to(&mut record, d(2025, 12, 22), ReasonNewEpisode::P, place);
            assert_eq!(
                Case::new(record).status(&Vis01, d(2026, 1, 5)),
                None,
                "{place}"
            );
        }
        let mut record = in_care(d(2014, 5, 1), d(2025, 12, 22), Placement::U6);
        record.episodes[0].ls = LegalStatus::V3;
        assert_eq!(Case::new(record).status(&Vis01, d(2026, 1, 5)), None);
    }

    #[test]
    fn leaving_care_on_the_due_date_and_re_entry() {
        let mut record = in_care(d(2014, 5, 1), d(2025, 12, 22), Placement::U6);
        leave_care(&mut record, d(2025, 12, 29), ReasonEpisodeCeased::E4A);
        assert_eq!(
            Case::new(record.clone()).status(&Vis01, d(2025, 12, 30)),
            None
        );
        re_enter(&mut record, d(2026, 3, 2), Placement::U6);
        let case = Case::new(record).activity(ActivityKind::Visit, &[d(2025, 12, 23)]);
        assert_eq!(case.status(&Vis01, d(2026, 3, 10)), overdue(d(2026, 3, 9)));
    }

    #[test]
    fn cannot_decide_when_the_placement_began_before_the_data() {
        let mut record = in_care(d(2014, 5, 1), d(2025, 12, 22), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::L;
        let case = Case::new(record);
        assert_eq!(
            case.status(&Vis01, d(2025, 12, 23)).map(|s| s.0),
            Some(Status::CannotDecide)
        );
        assert_eq!(
            case.status(&Vis01, d(2025, 12, 30)),
            overdue(d(2025, 12, 29))
        );
    }
}
