//! PLC-01: a child under 16 living in "other arrangements" (unregistered, unregulated or
//! semi-independent settings), unlawful since 9 September 2021 (CPPCR reg 27A).

use permanence_domain::Date;
use permanence_domain::codes::Placement;
use permanence_domain::date::{birthday, format_dmy};

use crate::context::{Context, placement_text};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// The day reg 27A came into force.
pub const IN_FORCE: Date = Date::constant(2021, 9, 9);

/// PLC-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PLC-01",
    title: "Child under 16 in an unregulated placement",
    condition: "On or after 9 September 2021, a child under 16 lives in \"other \
                arrangements\": semi-independent living (H5), independent living (P2), other \
                placements (Z1, Z11 to Z14) or registered supported accommodation (K3, which is \
                for 16- and 17-year-olds only). The finding is overdue from the later of the \
                placement's start and 9 September 2021.",
    source: "CPPCR 2010 reg 27A, inserted by SI 2021/161 from 9 September 2021: a child under \
             16 may only be placed in other arrangements that are a care home, hospital, \
             residential family centre, school or holiday scheme for disabled children [S22]",
    basis: Basis::Statutory,
    inputs: &["Header: DOB", "Episodes: DECOM, PLACE, DEC"],
    needs_tracker_records: false,
    owner: Role::HeadOfService,
    escalation: "Head of service; director (an unlawful placement)",
    action: "Move the child to a registered children's home or a foster placement now, or \
             record the exception that applies. The director must know about every child \
             placed unlawfully.",
    notes: &[
        "K3 is included although the rule table names H5 and P2: supported accommodation is \
         not one of the settings reg 27A allows for under-16s, and the DfE validator \
         requires K3 children to be 16 or over.",
        "The child's age is taken on the evaluation date; on the 16th birthday the finding \
         stops and PLC-02 applies instead.",
        "Cannot decide: the date of birth is after the period of care began.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Children younger than this may not live in other arrangements.
    under_age: number (Years, 0..=18) = 16;
}

/// PLC-01.
pub struct Plc01;

impl_rule!(Plc01, INFO, plc_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(placement) = ctx
        .current_period()
        .and_then(|current| current.current_placement())
    else {
        return Vec::new();
    };
    let unregulated = placement.place.is_other_arrangement() || placement.place == Placement::K3;
    if !unregulated || ctx.as_of < IN_FORCE {
        return Vec::new();
    }
    if let Some(evidence) = ctx.dob_problem() {
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    }
    if ctx.age_on(ctx.as_of) >= settings.under_age {
        return Vec::new();
    }
    let due = placement.start.max(IN_FORCE);
    let evidence = vec![
        Evidence::new(
            "Age",
            format!(
                "{} on {} (born {}; {} on {})",
                ctx.age_on(ctx.as_of),
                format_dmy(ctx.as_of),
                format_dmy(ctx.dob()),
                settings.under_age,
                format_dmy(birthday(ctx.dob(), settings.under_age))
            ),
        ),
        Evidence::new("Placement", placement_text(placement, ctx.as_of)),
        Evidence::new(
            "Unlawful since",
            format!(
                "{} (reg 27A in force from {})",
                format_dmy(due),
                format_dmy(IN_FORCE)
            ),
        ),
    ];
    vec![ctx.finding(&INFO, Status::Overdue, Some(due), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    #[test]
    fn flags_an_under_16_in_semi_independent_living() {
        // Born 15 June 2010: 16 on 15 June 2026.
        let record = in_care(d(2010, 6, 15), d(2025, 12, 24), Placement::H5);
        assert_eq!(status(&Plc01, &record, d(2025, 12, 23)), None);
        assert_eq!(
            status(&Plc01, &record, d(2025, 12, 24)),
            overdue(d(2025, 12, 24))
        );
        assert_eq!(
            status(&Plc01, &record, d(2025, 12, 27)),
            overdue(d(2025, 12, 24))
        );
        // Working days after Christmas Eve (25, 26 December and 1 January skipped): 29,
        // 30, 31 December, 2 January (4), 5 January (5): then escalated from the head of
        // service to the director.
        let finding = &run(&Plc01, &record, d(2026, 1, 2))[0];
        assert_eq!(finding.days_overdue, 9);
        assert_eq!(finding.escalated_to, Role::HeadOfService);
        assert_eq!(
            run(&Plc01, &record, d(2026, 1, 5))[0].escalated_to,
            Role::Director
        );
        // The day before, of and after the 16th birthday.
        assert_eq!(
            status(&Plc01, &record, d(2026, 6, 14)),
            overdue(d(2025, 12, 24))
        );
        assert_eq!(status(&Plc01, &record, d(2026, 6, 15)), None);
        assert_eq!(status(&Plc01, &record, d(2026, 6, 16)), None);
    }

    #[test]
    fn unlawful_only_from_9_september_2021() {
        let record = in_care(d(2008, 1, 1), d(2021, 5, 1), Placement::P2);
        assert_eq!(status(&Plc01, &record, d(2021, 9, 8)), None);
        assert_eq!(status(&Plc01, &record, IN_FORCE), overdue(IN_FORCE));
        assert_eq!(status(&Plc01, &record, d(2021, 9, 10)), overdue(IN_FORCE));
    }

    #[test]
    fn other_placements_and_supported_accommodation_count_but_not_homes_or_foster_care() {
        for place in [Placement::Z1, Placement::Z12, Placement::K3] {
            let record = in_care(d(2012, 1, 1), d(2025, 4, 7), place);
            assert_eq!(
                status(&Plc01, &record, d(2025, 4, 8)),
                overdue(d(2025, 4, 7)),
                "{place}"
            );
        }
        for place in [Placement::K2, Placement::U6, Placement::R1, Placement::S1] {
            let record = in_care(d(2012, 1, 1), d(2025, 4, 7), place);
            assert_eq!(status(&Plc01, &record, d(2025, 4, 8)), None, "{place}");
        }
    }

    #[test]
    fn a_child_who_moves_or_leaves_care_is_not_flagged() {
        let mut record = in_care(d(2012, 1, 1), d(2025, 12, 1), Placement::H5);
        move_to(
            &mut record,
            d(2026, 1, 5),
            ReasonNewEpisode::P,
            Placement::K2,
        );
        assert_eq!(
            status(&Plc01, &record, d(2026, 1, 4)),
            overdue(d(2025, 12, 1))
        );
        assert_eq!(status(&Plc01, &record, d(2026, 1, 5)), None);
        let mut record = in_care(d(2012, 1, 1), d(2025, 12, 1), Placement::H5);
        leave_care(&mut record, d(2026, 1, 5), ReasonEpisodeCeased::E4A);
        assert_eq!(status(&Plc01, &record, d(2026, 1, 5)), None);
    }

    #[test]
    fn re_entry_into_an_unregulated_placement_counts_from_the_new_placement() {
        let mut record = in_care(d(2012, 1, 1), d(2025, 1, 6), Placement::H5);
        leave_care(&mut record, d(2025, 3, 1), ReasonEpisodeCeased::E4A);
        re_enter(&mut record, d(2026, 4, 3), Placement::H5);
        assert_eq!(status(&Plc01, &record, d(2025, 12, 1)), None);
        assert_eq!(
            status(&Plc01, &record, d(2026, 4, 6)),
            overdue(d(2026, 4, 3))
        );
    }

    #[test]
    fn cannot_decide_with_an_impossible_date_of_birth() {
        let record = in_care(d(2026, 2, 1), d(2025, 12, 1), Placement::H5);
        assert_eq!(
            status(&Plc01, &record, d(2026, 1, 5)),
            Some((Status::CannotDecide, None))
        );
    }
}
