//! STAB-02: a child under 16 looked after for two and a half years who has not lived in
//! the same placement for two years (the long-term placement stability indicator).

use permanence_domain::date::{add_days, add_months, format_dmy};
use permanence_domain::journey::PlacementSpell;

use crate::context::{Context, placement_text};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// STAB-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "STAB-02",
    title: "Long time in care without two years in the same placement",
    condition: "The child is under 16, has been looked after continuously for at least 2.5 \
                years (30 calendar months) and has not lived in the same placement for at \
                least 2 years (24 months). The same placement runs across changes that keep \
                the same carers (RNE T or U, e.g. short-term foster care becoming long-term), \
                across temporary placements (T0 to T4) when the child returns to the same \
                home (same placement type, provider and URN), and, for a child placed for \
                adoption (A3 to A6), across the adoptive placement and the placement before \
                it. The finding is due soon before the child reaches 2.5 years in care, and \
                overdue from then (or from a later move) until the placement reaches 2 years.",
    source: "National indicator: long-term placement stability (old NI 063): \"aged under 16 \
             ... looked after continuously for at least 2.5 years and ... living in the same \
             placement for at least 2 years, or are placed for adoption and their adoptive \
             placement together with their previous placement last for at least 2 years\" \
             [S79], [S80]",
    basis: Basis::NationalIndicator,
    inputs: &[
        "Header: DOB",
        "Episodes: DECOM, RNE, PLACE, PLACE_PROVIDER, URN, DEC",
    ],
    needs_tracker_records: false,
    owner: Role::ServiceManager,
    escalation: "Service manager; IRO",
    action: "Review whether the current placement can become the child's permanent home \
             (long-term fostering match, special guardianship, adoption) and what support it \
             needs to last.",
    notes: &[
        "Measured on the evaluation date rather than only on 31 March, so that a child is \
         seen before the year-end figure.",
        "A return from a temporary placement recorded as a new placement with different \
         carers (RNE P) is treated as the same home only when the placement type, provider \
         and URN match the placement before the temporary one.",
        "Cannot decide: the date of birth is after the period of care began, or the period \
         or the current placement began before the loaded data and what the data shows does \
         not settle the question.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Children younger than this age are measured.
    under_age: number (Years, 1..=18) = 16;
    /// Months looked after continuously from which a child is measured (2.5 years).
    looked_after_months: number (Months, 1..=120) = 30;
    /// Months in the same placement that count as stable.
    same_placement_months: number (Months, 1..=120) = 24;
}

/// STAB-02.
pub struct Stab02;

impl_rule!(Stab02, INFO, stab_02, evaluate);

fn same_home(a: &PlacementSpell, b: &PlacementSpell) -> bool {
    a.place == b.place && a.provider == b.provider && a.urn.is_some() && a.urn == b.urn
}

/// The index of the first placement of the current stable spell of a period of care's
/// placements (the last being the current one): back through placements with the same
/// carers (RNE `T`, `U`) and temporary placements, across a temporary break that
/// returns to the same home, and once from a placement for adoption to the placement
/// before it. The long-term stability indicator in reports uses it too.
pub fn spell_start(placements: &[PlacementSpell]) -> usize {
    let mut i = placements.len() - 1;
    let mut bridged_adoption = false;
    while i > 0 {
        let here = &placements[i];
        if here.place.is_temporary() || !here.new_carers {
            i -= 1;
            continue;
        }
        // The latest placement before this one that is not temporary.
        let mut before = i - 1;
        while before > 0 && placements[before].place.is_temporary() {
            before -= 1;
        }
        if placements[before].place.is_temporary() {
            break;
        }
        if before < i - 1 && same_home(&placements[before], here) {
            i = before;
        } else if here.place.is_placed_for_adoption() && !bridged_adoption {
            bridged_adoption = true;
            i = before;
        } else {
            break;
        }
    }
    i
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    if current.placements.is_empty() {
        return Vec::new();
    }
    if let Some(evidence) = ctx.dob_problem() {
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    }
    if ctx.age_on(ctx.as_of) >= settings.under_age {
        return Vec::new();
    }
    let first = spell_start(current.placements);
    let spell = &current.placements[first..];
    let spell_from = spell[0].start;
    let stable_on = add_months(spell_from, settings.same_placement_months);
    if ctx.as_of >= stable_on {
        return Vec::new();
    }
    let measured_on = add_months(current.start(), settings.looked_after_months);
    let spell_may_be_longer = first == 0 && !current.start_known;
    let status = if spell_may_be_longer {
        // The period and the placement both began before the data.
        Status::CannotDecide
    } else if ctx.as_of >= measured_on {
        Status::Overdue
    } else if !current.start_known {
        // Looked after for longer than the data shows: perhaps 2.5 years already.
        Status::CannotDecide
    } else if ctx.as_of >= add_days(measured_on, -ctx.due_soon_days(settings))
        && stable_on > measured_on
        && ctx.age_on(measured_on) < settings.under_age
    {
        Status::DueSoon
    } else {
        return Vec::new();
    };
    let due = match status {
        Status::Overdue => Some(measured_on.max(spell_from)),
        Status::DueSoon => Some(measured_on),
        Status::CannotDecide => None,
    };
    let evidence = vec![
        Evidence::new("Looked after since", current.start_evidence()),
        Evidence::new(
            "Looked after 2.5 years",
            format!(
                "on {} ({} calendar months)",
                format_dmy(measured_on),
                settings.looked_after_months
            ),
        ),
        Evidence::new(
            "Current placement",
            spell
                .iter()
                .map(|p| placement_text(p, ctx.as_of))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Evidence::new(
            "Same placement for 2 years",
            format!(
                "on {} if the child stays ({} calendar months after {})",
                format_dmy(stable_on),
                settings.same_placement_months,
                format_dmy(spell_from)
            ),
        ),
        Evidence::new(
            "Age",
            format!(
                "{} on {} (born {})",
                ctx.age_on(ctx.as_of),
                format_dmy(ctx.as_of),
                format_dmy(ctx.dob())
            ),
        ),
    ];
    vec![ctx.finding(&INFO, status, due, evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::codes::PlacementProvider;

    /// In care from 4 January 2024; moved to a new foster home on 1 October 2024.
    /// 2.5 years in care on 4 July 2026; 2 years in the new home on 1 October 2026.
    fn moved_after_nine_months() -> ChildRecord {
        let mut record = in_care(d(2015, 5, 1), d(2024, 1, 4), Placement::U6);
        move_to(
            &mut record,
            d(2024, 10, 1),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        record
    }

    #[test]
    fn due_at_two_and_a_half_years_in_care() {
        let record = moved_after_nine_months();
        let due = d(2026, 7, 4);
        assert_eq!(status(&Stab02, &record, d(2026, 6, 23)), None);
        assert_eq!(status(&Stab02, &record, d(2026, 6, 24)), due_soon(due));
        assert_eq!(status(&Stab02, &record, d(2026, 7, 3)), due_soon(due));
        assert_eq!(status(&Stab02, &record, due), overdue(due));
        assert_eq!(status(&Stab02, &record, d(2026, 7, 5)), overdue(due));
        // Two years in the placement on 1 October 2026: stable from then.
        assert_eq!(status(&Stab02, &record, d(2026, 9, 30)), overdue(due));
        assert_eq!(status(&Stab02, &record, d(2026, 10, 1)), None);
    }

    #[test]
    fn calendar_months_ignore_weekends_and_holidays() {
        // In care from 25 June 2023: 2.5 years on Christmas Day 2025 (a Thursday).
        let mut record = in_care(d(2015, 5, 1), d(2023, 6, 25), Placement::U6);
        move_to(
            &mut record,
            d(2024, 6, 1),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        assert_eq!(
            status(&Stab02, &record, d(2025, 12, 24)),
            due_soon(d(2025, 12, 25))
        );
        assert_eq!(
            status(&Stab02, &record, d(2025, 12, 25)),
            overdue(d(2025, 12, 25))
        );
    }

    #[test]
    fn a_move_after_two_and_a_half_years_is_overdue_from_the_move() {
        let mut record = in_care(d(2015, 5, 1), d(2022, 1, 4), Placement::U6);
        move_to(
            &mut record,
            d(2025, 3, 3),
            ReasonNewEpisode::P,
            Placement::K2,
        );
        assert_eq!(status(&Stab02, &record, d(2025, 3, 2)), None);
        assert_eq!(
            status(&Stab02, &record, d(2025, 3, 3)),
            overdue(d(2025, 3, 3))
        );
    }

    #[test]
    fn same_carers_and_returns_from_temporary_placements_keep_the_placement() {
        let mut record = in_care(d(2015, 5, 1), d(2024, 1, 4), Placement::U6);
        record.episodes[0].urn = Some("SC123456".into());
        move_to(
            &mut record,
            d(2024, 10, 1),
            ReasonNewEpisode::T,
            Placement::U4,
        );
        assert_eq!(status(&Stab02, &record, d(2026, 7, 5)), None);

        let mut record = in_care(d(2015, 5, 1), d(2024, 1, 4), Placement::U6);
        record.episodes[0].urn = Some("SC123456".into());
        move_to(
            &mut record,
            d(2025, 8, 1),
            ReasonNewEpisode::P,
            Placement::T3,
        );
        move_to(
            &mut record,
            d(2025, 8, 8),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        record.episodes[2].urn = Some("SC123456".into());
        record.episodes[2].place_provider = Some(PlacementProvider::Pr1);
        assert_eq!(status(&Stab02, &record, d(2026, 7, 5)), None);
        // Back to a different home after the temporary placement: a move.
        record.episodes[2].urn = Some("SC999999".into());
        assert_eq!(
            status(&Stab02, &record, d(2026, 7, 5)),
            overdue(d(2026, 7, 4))
        );
    }

    #[test]
    fn an_adoptive_placement_counts_with_the_placement_before_it() {
        let mut record = in_care(d(2020, 5, 1), d(2024, 1, 4), Placement::U6);
        move_to(
            &mut record,
            d(2024, 3, 1),
            ReasonNewEpisode::P,
            Placement::U4,
        );
        move_to(
            &mut record,
            d(2025, 9, 1),
            ReasonNewEpisode::B,
            Placement::A6,
        );
        // U4 from 1 March 2024 + A6: two years on 1 March 2026, before 2.5 years in care.
        assert_eq!(status(&Stab02, &record, d(2026, 7, 5)), None);
        // Not for a foster placement.
        let mut record = in_care(d(2020, 5, 1), d(2024, 1, 4), Placement::U6);
        move_to(
            &mut record,
            d(2024, 3, 1),
            ReasonNewEpisode::P,
            Placement::U4,
        );
        move_to(
            &mut record,
            d(2025, 9, 1),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        assert_eq!(
            status(&Stab02, &record, d(2026, 7, 5)),
            overdue(d(2026, 7, 4))
        );
    }

    #[test]
    fn only_children_under_16() {
        // Born 10 July 2010: 16 on 10 July 2026.
        let mut record = moved_after_nine_months();
        record.header.dob = d(2010, 7, 10);
        assert_eq!(
            status(&Stab02, &record, d(2026, 7, 9)),
            overdue(d(2026, 7, 4))
        );
        assert_eq!(status(&Stab02, &record, d(2026, 7, 10)), None);
        // No warning for a child who is 16 by the measuring date.
        record.header.dob = d(2010, 7, 1);
        assert_eq!(status(&Stab02, &record, d(2026, 6, 25)), None);
    }

    #[test]
    fn a_child_who_leaves_care_on_the_due_date_is_not_flagged() {
        let mut record = moved_after_nine_months();
        leave_care(&mut record, d(2026, 7, 4), ReasonEpisodeCeased::E47);
        assert_eq!(status(&Stab02, &record, d(2026, 7, 4)), None);
    }

    #[test]
    fn re_entry_starts_a_new_period() {
        let mut record = in_care(d(2015, 5, 1), d(2022, 1, 4), Placement::U6);
        leave_care(&mut record, d(2024, 1, 4), ReasonEpisodeCeased::E4A);
        re_enter(&mut record, d(2024, 2, 1), Placement::U6);
        move_to(
            &mut record,
            d(2025, 1, 6),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        assert_eq!(status(&Stab02, &record, d(2025, 6, 1)), None);
        assert_eq!(
            status(&Stab02, &record, d(2026, 8, 1)),
            overdue(d(2026, 8, 1))
        );
    }

    #[test]
    fn cannot_decide_when_the_period_began_before_the_data() {
        // The earliest episode is a move (RNE P) on 1 October 2024: the child was looked
        // after before, for an unknown time.
        let mut record = in_care(d(2015, 5, 1), d(2024, 10, 1), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::P;
        // Before the move: the placement too may have begun before the data.
        move_to(
            &mut record,
            d(2025, 6, 2),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        assert_eq!(
            status(&Stab02, &record, d(2025, 6, 1)),
            Some((Status::CannotDecide, None))
        );
        // After it: the child may already have been looked after for 2.5 years.
        assert_eq!(
            status(&Stab02, &record, d(2025, 7, 1)),
            Some((Status::CannotDecide, None))
        );
        // 2.5 years after the earliest date in the data, it is certain.
        assert_eq!(
            status(&Stab02, &record, d(2027, 4, 1)),
            overdue(d(2027, 4, 1))
        );
        // An impossible date of birth.
        let record = in_care(d(2025, 5, 1), d(2024, 1, 4), Placement::U6);
        assert_eq!(
            status(&Stab02, &record, d(2025, 6, 1)),
            Some((Status::CannotDecide, None))
        );
    }

    #[test]
    fn two_and_a_half_years_on_good_friday() {
        // In care from 3 October 2023: 2.5 years on Good Friday, 3 April 2026.
        let mut record = in_care(d(2015, 5, 1), d(2023, 10, 3), Placement::U6);
        move_to(
            &mut record,
            d(2024, 6, 1),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        assert_eq!(
            status(&Stab02, &record, d(2026, 4, 2)),
            due_soon(d(2026, 4, 3))
        );
        assert_eq!(
            status(&Stab02, &record, d(2026, 4, 3)),
            overdue(d(2026, 4, 3))
        );
        assert_eq!(
            status(&Stab02, &record, d(2026, 4, 6)),
            overdue(d(2026, 4, 3))
        );
    }
}
