//! ADO-01: a child with an adoption decision who has not moved in with adopters, measured
//! against the adoption scorecard's 426 days (14 months) from entering care (A1, and A10,
//! which stops the clock when a fostering-for-adoption placement begins).

use permanence_domain::codes::{Code, LegalStatus};
use permanence_domain::date::{add_days, format_dmy};

use crate::context::{Context, placement_text};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// ADO-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "ADO-01",
    title: "Adoption: entering care to moving in with adopters",
    condition: "The child is looked after, there is an adoption decision (a placed-for-adoption \
                decision in this period of care not reversed, or a placement order or \
                freeing order in force: legal status E1 or D1), and the child is not placed \
                for adoption (A3 to A6) or, A10-adjusted, with foster carers who are approved \
                adopters (fostering for adoption, U2 or U5). The threshold is 426 days after \
                the child entered care; an early warning shows from the policy window before \
                it (default 91 days).",
    source: "Adoption scorecard A1 threshold 14 months (426 days), 2013-16 [S51]; A10 \
             (clock stops at the start of the placement with the eventual adopters) [S52], \
             [S54]; A10 threshold assumed 426 days [UNCONFIRMED]",
    basis: Basis::NationalIndicator,
    inputs: &[
        "Episodes: DECOM, RNE, LS, PLACE, DEC (the period of care)",
        "PlacedAdoption: DATE_PLACED, DATE_PLACED_CEASED",
    ],
    needs_tracker_records: false,
    owner: Role::RegionalAdoptionAgency,
    escalation: "Regional adoption agency; service manager",
    action: "Review family finding with the regional adoption agency: widen the search, \
             consider fostering for adoption, and set a date for matching panel.",
    notes: &[
        "Entering care is the start of the current period of care.",
        "A fostering-for-adoption placement (U2, U5) stops the clock (A10) while the child \
         is in it; switch this off in the policy to measure A1 only.",
        "Cannot decide: the period of care began before the loaded data and the threshold \
         has not passed on what the data shows.",
    ],
};

rule_settings! {
    due_soon_days: Some(91);
    /// Days from entering care by which the child should live with adopters.
    days: number (Days, 1..=3650) = 426;
    /// Whether a fostering-for-adoption placement (U2, U5) stops the clock (A10).
    fostering_for_adoption_stops_clock: switch = true;
}

/// ADO-01.
pub struct Ado01;

impl_rule!(Ado01, INFO, ado_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    let Some(placement) = current.current_placement() else {
        return Vec::new();
    };
    if placement.place.is_placed_for_adoption()
        || (settings.fostering_for_adoption_stops_clock
            && placement.place.is_fostering_for_adoption())
    {
        return Vec::new();
    }
    let decision = ctx
        .journey
        .record
        .placed_for_adoption
        .iter()
        .filter(|row| row.date_placed <= ctx.as_of)
        .filter(|row| !current.start_known || row.date_placed >= current.start())
        .rfind(|row| {
            row.date_placed_ceased
                .is_none_or(|ceased| ceased > ctx.as_of)
        });
    let legal_status = ctx
        .journey
        .legal_status_on(ctx.as_of)
        .filter(|ls| matches!(ls, LegalStatus::E1 | LegalStatus::D1));
    if decision.is_none() && legal_status.is_none() {
        return Vec::new();
    }
    let due = add_days(current.start(), settings.days);
    let Some(status) = ctx.status_from(due, current.start_known, ctx.due_soon_days(settings))
    else {
        return Vec::new();
    };
    let mut evidence = vec![Evidence::new("Entered care", current.start_evidence())];
    if let Some(row) = decision {
        evidence.push(Evidence::new(
            "Decision to place for adoption",
            format!(
                "{} (DATE_PLACED; not reversed)",
                format_dmy(row.date_placed)
            ),
        ));
    }
    if let Some(ls) = legal_status {
        evidence.push(Evidence::new(
            "Legal status",
            format!("{} ({})", ls.code(), ls.description()),
        ));
    }
    evidence.push(Evidence::new(
        "Not yet living with adopters",
        format!("current placement {}", placement_text(placement, ctx.as_of)),
    ));
    evidence.push(Evidence::new(
        "Threshold",
        format!(
            "{} days after entering care: {}",
            settings.days,
            format_dmy(due)
        ),
    ));
    let due = (status != Status::CannotDecide).then_some(due);
    vec![ctx.finding(&INFO, status, due, evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::record::PlacedForAdoption;

    /// Born 2023; in care from 6 January 2025 in foster care; placement order (E1) from
    /// 1 September 2025. 426 days after entry: Sunday 8 March 2026.
    fn waiting() -> ChildRecord {
        let mut record = in_care(d(2023, 1, 1), d(2025, 1, 6), Placement::U6);
        change_legal_status(&mut record, d(2025, 9, 1), LegalStatus::E1);
        record
    }

    #[test]
    fn early_warning_then_overdue_at_426_days() {
        let record = waiting();
        let due = d(2026, 3, 8);
        assert_eq!(status(&Ado01, &record, d(2025, 12, 6)), None);
        assert_eq!(status(&Ado01, &record, d(2025, 12, 7)), due_soon(due));
        assert_eq!(status(&Ado01, &record, d(2026, 3, 7)), due_soon(due));
        assert_eq!(status(&Ado01, &record, due), due_soon(due));
        assert_eq!(status(&Ado01, &record, d(2026, 3, 9)), overdue(due));
        let finding = &run(&Ado01, &record, d(2026, 3, 9))[0];
        assert!(
            finding
                .evidence_text()
                .contains("Legal status: E1 (Placement order granted)")
        );
        assert!(
            finding
                .evidence_text()
                .contains("Threshold: 426 days after entering care: 08/03/2026")
        );
    }

    #[test]
    fn calendar_days_run_through_christmas() {
        // Entered care on Christmas Eve 2024: 426 days later is 23 February 2026.
        let mut record = in_care(d(2023, 1, 1), d(2024, 12, 24), Placement::U6);
        record.episodes[0].ls = LegalStatus::E1;
        assert_eq!(
            status(&Ado01, &record, d(2026, 2, 24)),
            overdue(d(2026, 2, 23))
        );
    }

    #[test]
    fn placed_for_adoption_or_fostering_for_adoption_stops_the_clock() {
        let mut record = waiting();
        move_to(
            &mut record,
            d(2026, 3, 8),
            ReasonNewEpisode::P,
            Placement::A6,
        );
        assert_eq!(status(&Ado01, &record, d(2026, 3, 9)), None);
        let mut record = waiting();
        move_to(
            &mut record,
            d(2026, 1, 5),
            ReasonNewEpisode::P,
            Placement::U5,
        );
        assert_eq!(status(&Ado01, &record, d(2026, 3, 9)), None);
        let mut policy = crate::policy::Policy::default();
        policy.rules.ado_01.fostering_for_adoption_stops_clock = false;
        assert_eq!(run_with(&Ado01, &record, &policy, d(2026, 3, 9)).len(), 1);
    }

    #[test]
    fn a_decision_to_place_counts_until_reversed() {
        let mut record = in_care(d(2023, 1, 1), d(2025, 1, 6), Placement::U6);
        record.placed_for_adoption = vec![PlacedForAdoption {
            date_placed: d(2025, 6, 2),
            date_placed_ceased: Some(d(2026, 3, 20)),
            reason_placed_ceased: None,
        }];
        assert_eq!(status(&Ado01, &record, d(2025, 6, 1)), None);
        assert_eq!(
            status(&Ado01, &record, d(2026, 3, 19)),
            overdue(d(2026, 3, 8))
        );
        assert_eq!(status(&Ado01, &record, d(2026, 3, 20)), None);
    }

    #[test]
    fn a_child_who_leaves_care_on_the_due_date_is_not_flagged() {
        let mut record = waiting();
        leave_care(&mut record, d(2026, 3, 8), ReasonEpisodeCeased::E47);
        assert_eq!(status(&Ado01, &record, d(2026, 3, 9)), None);
    }

    #[test]
    fn re_entry_restarts_the_clock() {
        let mut record = waiting();
        leave_care(&mut record, d(2025, 10, 1), ReasonEpisodeCeased::E4A);
        re_enter(&mut record, d(2025, 11, 3), Placement::U6);
        record.episodes[2].ls = LegalStatus::E1;
        assert_eq!(status(&Ado01, &record, d(2026, 3, 9)), None);
        // 3 November 2025 + 426 days = 3 January 2027.
        assert_eq!(
            status(&Ado01, &record, d(2027, 1, 4)),
            overdue(d(2027, 1, 3))
        );
    }

    #[test]
    fn cannot_decide_when_the_period_began_before_the_data() {
        let mut record = waiting();
        record.episodes[0].rne = ReasonNewEpisode::P;
        assert_eq!(
            status(&Ado01, &record, d(2025, 10, 1)),
            Some((Status::CannotDecide, None))
        );
        assert_eq!(
            status(&Ado01, &record, d(2026, 3, 9)),
            overdue(d(2026, 3, 8))
        );
    }

    #[test]
    fn a_threshold_on_good_friday_does_not_move() {
        // Entered care on 1 February 2025: 426 days later is Good Friday, 3 April 2026.
        let mut record = in_care(d(2023, 1, 1), d(2025, 2, 1), Placement::U6);
        record.episodes[0].ls = LegalStatus::E1;
        assert_eq!(
            status(&Ado01, &record, d(2026, 4, 3)),
            due_soon(d(2026, 4, 3))
        );
        assert_eq!(
            status(&Ado01, &record, d(2026, 4, 4)),
            overdue(d(2026, 4, 3))
        );
    }
}
