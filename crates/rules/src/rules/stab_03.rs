//! STAB-03: a placement that ended unplanned (the carer asked for it to end, an
//! allegation, a standards concern, the provision closed).

use permanence_domain::codes::Code;
use permanence_domain::date::{add_days, days_between, format_dmy};

use crate::context::{Context, placement_text};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// STAB-03's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "STAB-03",
    title: "Placement ended unplanned",
    condition: "The child is looked after and, within the policy number of days (default \
                28), a placement ended and the child moved with the reason for the change \
                recorded as CREQB or CREQO (the carer asked for it to end), ALLEG (an \
                allegation), STAND (a standards-of-care concern) or CLOSE (the provision \
                closed). The finding is overdue from the day the placement ended; one finding \
                for each such ending.",
    source: "903 REASON_PLACE_CHANGE codes [S99]; domain.md §6 (\"any\")",
    basis: Basis::Local,
    inputs: &["Episodes: DECOM, RNE, LS, PLACE, DEC, REC, REASON_PLACE_CHANGE"],
    needs_tracker_records: false,
    owner: Role::TeamManager,
    escalation: "Team manager; disruption meeting (local)",
    action: "Hold a disruption meeting: learn why the placement ended, support the child and \
             the new carers, and check the care plan.",
    notes: &[
        "Moves into or out of a temporary placement (T0 to T4) and short breaks are left \
         out: the 903 does not allow a reason for the change there.",
        "Cannot decide: the reason for the change is blank where the 903 requires one (DfE \
         validation rule 225).",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Days after the placement ended that the finding shows for.
    show_for_days: number (Days, 0..=365) = 28;
}

/// STAB-03.
pub struct Stab03;

impl_rule!(Stab03, INFO, stab_03, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for pair in current.placements.windows(2) {
        let (ended, next) = (&pair[0], &pair[1]);
        let end = next.start;
        if days_between(end, ctx.as_of) > settings.show_for_days
            || !ended.counts_as_move()
            || next.place.is_temporary()
        {
            continue;
        }
        let status = match ended.reason_ended {
            Some(reason) if reason.is_unplanned() => Status::Overdue,
            Some(_) => continue,
            None => Status::CannotDecide,
        };
        let reason = match ended.reason_ended {
            Some(reason) => format!("{} ({})", reason.code(), reason.description()),
            None => "not recorded (REASON_PLACE_CHANGE is blank)".to_string(),
        };
        let evidence = vec![
            Evidence::new("Placement ended", placement_text(ended, ctx.as_of)),
            Evidence::new("Reason for the change", reason),
            Evidence::new("Next placement", placement_text(next, ctx.as_of)),
            Evidence::new(
                "Shown until",
                format_dmy(add_days(end, settings.show_for_days)),
            ),
        ];
        let due = (status == Status::Overdue).then_some(end);
        findings.push(
            ctx.finding(&INFO, status, due, evidence)
                .about(end.to_string()),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    /// In foster care from 2 June 2025; the carer asked for the placement to end on
    /// Christmas Eve 2025.
    fn disrupted(reason: Option<ReasonPlaceChange>) -> ChildRecord {
        let mut record = in_care(d(2013, 1, 1), d(2025, 6, 2), Placement::U6);
        move_to(
            &mut record,
            d(2025, 12, 24),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        record.episodes[0].reason_place_change = reason;
        record
    }

    #[test]
    fn flags_an_unplanned_ending_for_28_days() {
        let record = disrupted(Some(ReasonPlaceChange::Creqb));
        let ended = d(2025, 12, 24);
        assert_eq!(status(&Stab03, &record, d(2025, 12, 23)), None);
        assert_eq!(status(&Stab03, &record, ended), overdue(ended));
        assert_eq!(status(&Stab03, &record, d(2025, 12, 27)), overdue(ended));
        // 24 December + 28 days = 21 January 2026: the last day shown.
        assert_eq!(status(&Stab03, &record, d(2026, 1, 20)), overdue(ended));
        assert_eq!(status(&Stab03, &record, d(2026, 1, 21)), overdue(ended));
        assert_eq!(status(&Stab03, &record, d(2026, 1, 22)), None);
        let finding = &run(&Stab03, &record, d(2025, 12, 29))[0];
        assert_eq!(finding.days_overdue, 5);
        assert!(finding.evidence_text().contains(
            "Reason for the change: CREQB (Carer(s) requests placement end due to child's behaviour)"
        ));
    }

    #[test]
    fn every_unplanned_reason_counts_and_planned_ones_do_not() {
        use ReasonPlaceChange::*;
        for reason in [Creqb, Creqo, Alleg, Stand, Close] {
            assert_eq!(
                status(&Stab03, &disrupted(Some(reason)), d(2026, 1, 2)),
                overdue(d(2025, 12, 24)),
                "{reason}"
            );
        }
        for reason in [Carpl, Child, Lareq, Place, Apprr, Other] {
            assert_eq!(
                status(&Stab03, &disrupted(Some(reason)), d(2026, 1, 2)),
                None,
                "{reason}"
            );
        }
    }

    #[test]
    fn one_finding_per_ending() {
        let mut record = disrupted(Some(ReasonPlaceChange::Alleg));
        move_to(
            &mut record,
            d(2026, 1, 5),
            ReasonNewEpisode::P,
            Placement::K2,
        );
        record.episodes[1].reason_place_change = Some(ReasonPlaceChange::Creqo);
        let findings = run(&Stab03, &record, d(2026, 1, 6));
        assert_eq!(findings.len(), 2);
    }

    #[test]
    fn temporary_placements_are_left_out() {
        let mut record = in_care(d(2013, 1, 1), d(2025, 6, 2), Placement::U6);
        move_to(
            &mut record,
            d(2025, 12, 24),
            ReasonNewEpisode::P,
            Placement::T4,
        );
        move_to(
            &mut record,
            d(2025, 12, 27),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        assert!(run(&Stab03, &record, d(2026, 1, 2)).is_empty());
    }

    #[test]
    fn a_child_who_leaves_care_is_not_flagged() {
        let mut record = disrupted(Some(ReasonPlaceChange::Stand));
        leave_care(&mut record, d(2025, 12, 30), ReasonEpisodeCeased::E4A);
        assert_eq!(
            status(&Stab03, &record, d(2025, 12, 29)),
            overdue(d(2025, 12, 24))
        );
        assert_eq!(status(&Stab03, &record, d(2025, 12, 30)), None);
    }

    #[test]
    fn endings_in_an_earlier_period_do_not_count_after_re_entry() {
        let mut record = disrupted(Some(ReasonPlaceChange::Creqb));
        leave_care(&mut record, d(2025, 12, 30), ReasonEpisodeCeased::E4A);
        re_enter(&mut record, d(2026, 1, 2), Placement::U6);
        assert_eq!(status(&Stab03, &record, d(2026, 1, 5)), None);
    }

    #[test]
    fn cannot_decide_without_a_reason() {
        let record = disrupted(None);
        assert_eq!(
            status(&Stab03, &record, d(2026, 1, 2)),
            Some((Status::CannotDecide, None))
        );
    }

    #[test]
    fn an_ending_on_good_friday_escalates_after_easter() {
        let mut record = in_care(d(2013, 1, 1), d(2025, 6, 2), Placement::U6);
        move_to(
            &mut record,
            d(2026, 4, 3),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        record.episodes[0].reason_place_change = Some(ReasonPlaceChange::Creqo);
        assert_eq!(status(&Stab03, &record, d(2026, 4, 2)), None);
        let finding = &run(&Stab03, &record, d(2026, 4, 6))[0];
        assert_eq!(
            (finding.due, finding.days_overdue),
            (Some(d(2026, 4, 3)), 3)
        );
        // Easter Monday skipped: 7 to 10 April (4), Monday 13 April (5 working days).
        assert_eq!(
            run(&Stab03, &record, d(2026, 4, 10))[0].escalated_to,
            Role::TeamManager
        );
        assert_eq!(
            run(&Stab03, &record, d(2026, 4, 13))[0].escalated_to,
            Role::ServiceManager
        );
    }
}
