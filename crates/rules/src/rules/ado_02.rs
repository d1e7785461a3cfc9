//! ADO-02: from the placement order to a match with adopters, measured against the
//! adoption scorecard's 121 days (4 months, A2).

use permanence_domain::codes::LegalStatus;
use permanence_domain::date::{add_days, format_dmy};

use crate::context::{Context, placement_text};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// ADO-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "ADO-02",
    title: "Adoption: placement order to match",
    condition: "The child is looked after under a placement order (legal status E1) and has \
                not been matched with adopters: no match date (AD1 DATE_MATCH) and no \
                placement for adoption (A3 to A6, used as a stand-in for the match) in this \
                period of care. The threshold is 121 days after the placement order (the \
                first E1 legal status in the period); an early warning shows from the policy \
                window before it (default 30 days). A match before the order meets it.",
    source: "Adoption scorecard A2 threshold 4 months (121 days), 2013-16: days between \
             court authority to place and the match decision [S51], [S53]",
    basis: Basis::NationalIndicator,
    inputs: &[
        "Episodes: DECOM, RNE, LS, PLACE, DEC (the placement order and placements)",
        "AD1: DATE_MATCH",
    ],
    needs_tracker_records: false,
    owner: Role::RegionalAdoptionAgency,
    escalation: "Regional adoption agency family finding; service manager",
    action: "Review the family-finding plan with the regional adoption agency and set a date \
             for matching panel; consider whether the plan is still right for the child.",
    notes: &[
        "The placement order date is the start of the first E1 legal status in the current \
         period of care; when the order is no longer in force (for example revoked), the \
         rule stops.",
        "Cannot decide: the placement order was already in force on the earliest episode in \
         the loaded data, so its date is unknown, and the threshold has not passed on what \
         the data shows.",
    ],
};

rule_settings! {
    due_soon_days: Some(30);
    /// Days from the placement order by which the child should be matched.
    days: number (Days, 1..=3650) = 121;
}

/// ADO-02.
pub struct Ado02;

impl_rule!(Ado02, INFO, ado_02, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    if ctx.journey.legal_status_on(ctx.as_of) != Some(LegalStatus::E1) {
        return Vec::new();
    }
    let start = current.start();
    let Some(order) = ctx
        .journey
        .legal_statuses
        .iter()
        .find(|spell| {
            spell.legal_status == LegalStatus::E1
                && spell.start >= start
                && spell.start <= ctx.as_of
        })
        .map(|spell| spell.start)
    else {
        return Vec::new();
    };
    let matched = ctx
        .journey
        .record
        .adoptions
        .iter()
        .filter_map(|row| row.date_match)
        .any(|date| date <= ctx.as_of && (date >= start || !current.start_known));
    let placed = current
        .placements
        .iter()
        .any(|placement| placement.place.is_placed_for_adoption());
    if matched || placed {
        return Vec::new();
    }
    let order_known = current.start_known || order > start;
    let due = add_days(order, settings.days);
    let Some(status) = ctx.status_from(due, order_known, ctx.due_soon_days(settings)) else {
        return Vec::new();
    };
    let order_text = if order_known {
        format!(
            "{} (first E1 legal status in this period of care)",
            format_dmy(order)
        )
    } else {
        format!(
            "on or before {} (already in force on the earliest episode in the loaded data)",
            format_dmy(order)
        )
    };
    let mut evidence = vec![
        Evidence::new("Placement order", order_text),
        Evidence::new(
            "Match",
            "no match date (AD1 DATE_MATCH) and not placed for adoption",
        ),
    ];
    if let Some(placement) = current.current_placement() {
        evidence.push(Evidence::new(
            "Current placement",
            placement_text(placement, ctx.as_of),
        ));
    }
    evidence.push(Evidence::new(
        "Threshold",
        format!(
            "{} days after the placement order: {}",
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
    use permanence_domain::CollectionYear;
    use permanence_domain::record::Ad1;

    /// In care from 6 January 2025; placement order from 1 September 2025. 121 days later
    /// is New Year's Eve 2025.
    fn ordered() -> ChildRecord {
        let mut record = in_care(d(2023, 1, 1), d(2025, 1, 6), Placement::U6);
        change_legal_status(&mut record, d(2025, 9, 1), LegalStatus::E1);
        record
    }

    fn matched_on(date: Date) -> Ad1 {
        Ad1 {
            year: CollectionYear::containing(date),
            date_int: None,
            date_match: Some(date),
            foster_care: None,
            nb_adoptr: None,
            sex_adoptr: None,
            ls_adoptr: None,
        }
    }

    #[test]
    fn due_121_days_after_the_placement_order() {
        let record = ordered();
        let due = d(2025, 12, 31);
        assert_eq!(status(&Ado02, &record, d(2025, 11, 30)), None);
        assert_eq!(status(&Ado02, &record, d(2025, 12, 1)), due_soon(due));
        assert_eq!(status(&Ado02, &record, d(2025, 12, 30)), due_soon(due));
        assert_eq!(status(&Ado02, &record, due), due_soon(due));
        // New Year's Day is a bank holiday, but calendar days count.
        assert_eq!(status(&Ado02, &record, d(2026, 1, 1)), overdue(due));
        assert_eq!(run(&Ado02, &record, d(2026, 1, 1))[0].days_overdue, 1);
    }

    #[test]
    fn a_match_or_a_placement_for_adoption_meets_it() {
        let mut record = ordered();
        record.adoptions = vec![matched_on(d(2025, 12, 31))];
        assert_eq!(status(&Ado02, &record, d(2026, 1, 1)), None);
        // A match recorded after the evaluation date is not known yet.
        assert_eq!(
            status(&Ado02, &record, d(2025, 12, 30)),
            due_soon(d(2025, 12, 31))
        );
        // A match before the order scores 0.
        let mut record = ordered();
        record.adoptions = vec![matched_on(d(2025, 8, 1))];
        assert_eq!(status(&Ado02, &record, d(2026, 1, 1)), None);
        let mut record = ordered();
        move_to(
            &mut record,
            d(2025, 11, 3),
            ReasonNewEpisode::T,
            Placement::A5,
        );
        record.episodes[2].ls = LegalStatus::E1;
        assert_eq!(status(&Ado02, &record, d(2026, 1, 1)), None);
    }

    #[test]
    fn stops_when_the_order_is_no_longer_in_force() {
        let mut record = ordered();
        change_legal_status(&mut record, d(2025, 12, 1), LegalStatus::C2);
        assert_eq!(status(&Ado02, &record, d(2026, 1, 1)), None);
    }

    #[test]
    fn a_child_who_leaves_care_on_the_due_date_is_not_flagged() {
        let mut record = ordered();
        leave_care(&mut record, d(2025, 12, 31), ReasonEpisodeCeased::E48);
        assert_eq!(status(&Ado02, &record, d(2026, 1, 1)), None);
    }

    #[test]
    fn re_entry_counts_from_the_new_order() {
        let mut record = ordered();
        leave_care(&mut record, d(2025, 10, 1), ReasonEpisodeCeased::E4A);
        re_enter(&mut record, d(2026, 2, 2), Placement::U6);
        change_legal_status(&mut record, d(2026, 4, 1), LegalStatus::E1);
        assert_eq!(status(&Ado02, &record, d(2026, 3, 1)), None);
        // 1 April 2026 + 121 days = 31 July 2026.
        assert_eq!(
            status(&Ado02, &record, d(2026, 8, 1)),
            overdue(d(2026, 7, 31))
        );
    }

    #[test]
    fn cannot_decide_when_the_order_predates_the_data() {
        let mut record = in_care(d(2023, 1, 1), d(2025, 9, 1), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::P;
        record.episodes[0].ls = LegalStatus::E1;
        assert_eq!(
            status(&Ado02, &record, d(2025, 10, 1)),
            Some((Status::CannotDecide, None))
        );
        assert_eq!(
            status(&Ado02, &record, d(2026, 1, 1)),
            overdue(d(2025, 12, 31))
        );
    }

    #[test]
    fn a_threshold_on_good_friday_does_not_move() {
        // Placement order on 3 December 2025: 121 days later is Good Friday, 3 April 2026.
        let mut record = in_care(d(2023, 1, 1), d(2025, 1, 6), Placement::U6);
        change_legal_status(&mut record, d(2025, 12, 3), LegalStatus::E1);
        assert_eq!(
            status(&Ado02, &record, d(2026, 4, 2)),
            due_soon(d(2026, 4, 3))
        );
        assert_eq!(
            status(&Ado02, &record, d(2026, 4, 3)),
            due_soon(d(2026, 4, 3))
        );
        assert_eq!(
            status(&Ado02, &record, d(2026, 4, 4)),
            overdue(d(2026, 4, 3))
        );
    }
}
