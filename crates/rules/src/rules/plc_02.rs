//! PLC-02: a 16- or 17-year-old in accommodation that is not registered supported
//! accommodation, unlawful since 28 October 2023 (CPPCR reg 27C).

use permanence_domain::Date;
use permanence_domain::codes::Placement;
use permanence_domain::date::{birthday, format_dmy};

use crate::context::{Context, ordinal, placement_text};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// The day reg 27C came into force.
pub const IN_FORCE: Date = Date::constant(2023, 10, 28);

/// The first day of the first collection year (2024/25) with the K3 code for registered
/// supported accommodation. Before it, registered supported accommodation was coded H5
/// with an Ofsted URN.
pub const K3_FROM: Date = Date::constant(2024, 4, 1);

/// PLC-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PLC-02",
    title: "16 or 17-year-old in unregistered supported accommodation",
    condition: "On or after 28 October 2023, a looked-after child aged 16 or over lives in \
                independent living (P2) or in semi-independent accommodation (H5) that is not \
                registered. An H5 placement that started before 1 April 2024, when the K3 \
                code for registered supported accommodation did not exist yet, counts as \
                registered when it has an Ofsted URN; an H5 placement that started later is \
                unregistered (registered accommodation is coded K3). The finding is overdue \
                from the latest of the placement's start, the 16th birthday and 28 October \
                2023.",
    source: "CPPCR 2010 reg 27C, inserted by the Supported Accommodation (England) \
             Regulations 2023 (SI 2023/416) from 28 October 2023: only Ofsted-registered \
             supported accommodation or \"excepted\" accommodation [S23], [S24]",
    basis: Basis::Statutory,
    inputs: &["Header: DOB", "Episodes: DECOM, PLACE, URN, DEC"],
    needs_tracker_records: false,
    owner: Role::HeadOfService,
    escalation: "Head of service",
    action: "Move the young person to registered supported accommodation, foster care or a \
             children's home, or record the exception that applies (for example excepted \
             accommodation). For an H5 placement with no URN, record the provider's Ofsted \
             URN if it is registered.",
    notes: &[
        "Which collection year's codes apply is decided by the date the placement started, \
         not the evaluation date.",
        "Excepted accommodation (reg 27C exceptions) cannot be seen in the 903 data; record \
         it and dismiss the finding.",
        "Cannot decide: an H5 placement that started before 1 April 2024 with no Ofsted URN \
         (registration unknown), or a date of birth after the period of care began.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Age from which the supported-accommodation rule applies (younger children are
    /// PLC-01's).
    from_age: number (Years, 0..=18) = 16;
}

/// PLC-02.
pub struct Plc02;

impl_rule!(Plc02, INFO, plc_02, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(placement) = ctx
        .current_period()
        .and_then(|current| current.current_placement())
    else {
        return Vec::new();
    };
    if !matches!(placement.place, Placement::H5 | Placement::P2) || ctx.as_of < IN_FORCE {
        return Vec::new();
    }
    if let Some(evidence) = ctx.dob_problem() {
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    }
    if ctx.age_on(ctx.as_of) < settings.from_age {
        return Vec::new();
    }
    let sixteenth = birthday(ctx.dob(), settings.from_age);
    let due = placement.start.max(sixteenth).max(IN_FORCE);
    let urn = placement
        .urn
        .as_deref()
        .filter(|urn| !urn.is_empty() && *urn != "XXXXXXX");
    let mut evidence = vec![
        Evidence::new(
            "Age",
            format!(
                "{} on {} (born {})",
                ctx.age_on(ctx.as_of),
                format_dmy(ctx.as_of),
                format_dmy(ctx.dob())
            ),
        ),
        Evidence::new("Placement", placement_text(placement, ctx.as_of)),
    ];
    let status = match (placement.place, placement.start < K3_FROM, urn) {
        (Placement::H5, true, Some(_)) => return Vec::new(),
        (Placement::H5, true, None) => {
            evidence.push(Evidence::new(
                "Registration",
                "no Ofsted URN recorded for an H5 placement that started before K3 existed \
                 (1 April 2024): whether it is registered supported accommodation is not known",
            ));
            Status::CannotDecide
        }
        (Placement::H5, false, _) => {
            evidence.push(Evidence::new(
                "Registration",
                "coded H5 after 1 April 2024, when registered supported accommodation is coded \
                 K3: not registered",
            ));
            Status::Overdue
        }
        _ => {
            evidence.push(Evidence::new(
                "Registration",
                "independent living (P2) is not registered supported accommodation",
            ));
            Status::Overdue
        }
    };
    evidence.push(Evidence::new(
        "Unlawful since",
        format!(
            "{} (the latest of the placement start, {} birthday {} and reg 27C in force \
             from {})",
            format_dmy(due),
            ordinal(settings.from_age),
            format_dmy(sixteenth),
            format_dmy(IN_FORCE)
        ),
    ));
    let due = (status == Status::Overdue).then_some(due);
    vec![ctx.finding(&INFO, status, due, evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    fn placed(dob: Date, start: Date, place: Placement, urn: Option<&str>) -> ChildRecord {
        let mut record = in_care(dob, start, place);
        record.episodes[0].urn = urn.map(str::to_string);
        record
    }

    #[test]
    fn independent_living_is_unlawful_from_28_october_2023() {
        let record = placed(d(2006, 3, 1), d(2023, 6, 1), Placement::P2, None);
        assert_eq!(status(&Plc02, &record, d(2023, 10, 27)), None);
        assert_eq!(status(&Plc02, &record, IN_FORCE), overdue(IN_FORCE));
        assert_eq!(status(&Plc02, &record, d(2023, 10, 29)), overdue(IN_FORCE));
    }

    #[test]
    fn from_the_16th_birthday() {
        // Born 25 December 2009: 16 on Christmas Day 2025, in H5 since April 2025.
        let record = placed(d(2009, 12, 25), d(2025, 4, 7), Placement::H5, None);
        assert_eq!(status(&Plc02, &record, d(2025, 12, 24)), None);
        assert_eq!(
            status(&Plc02, &record, d(2025, 12, 25)),
            overdue(d(2025, 12, 25))
        );
        assert_eq!(
            status(&Plc02, &record, d(2025, 12, 26)),
            overdue(d(2025, 12, 25))
        );
    }

    #[test]
    fn h5_before_k3_existed_is_registered_when_it_has_a_urn() {
        let record = placed(
            d(2007, 1, 1),
            d(2023, 11, 6),
            Placement::H5,
            Some("2654321"),
        );
        assert_eq!(status(&Plc02, &record, d(2024, 1, 8)), None);
        assert_eq!(status(&Plc02, &record, d(2025, 1, 8)), None);
        // From 1 April 2024 an H5 placement is unregistered, URN or not.
        let record = placed(d(2007, 1, 1), d(2024, 4, 1), Placement::H5, Some("2654321"));
        assert_eq!(
            status(&Plc02, &record, d(2024, 4, 2)),
            overdue(d(2024, 4, 1))
        );
        let record = placed(
            d(2007, 1, 1),
            d(2024, 3, 31),
            Placement::H5,
            Some("2654321"),
        );
        assert_eq!(status(&Plc02, &record, d(2024, 4, 2)), None);
    }

    #[test]
    fn cannot_decide_an_old_h5_placement_without_a_urn() {
        let record = placed(d(2007, 1, 1), d(2023, 11, 6), Placement::H5, None);
        let finding = &run(&Plc02, &record, d(2024, 1, 8))[0];
        assert_eq!(finding.status, Status::CannotDecide);
        assert_eq!(finding.due, None);
        let record = placed(
            d(2007, 1, 1),
            d(2023, 11, 6),
            Placement::H5,
            Some("XXXXXXX"),
        );
        assert_eq!(
            run(&Plc02, &record, d(2024, 1, 8))[0].status,
            Status::CannotDecide
        );
        let record = placed(d(2025, 1, 1), d(2024, 11, 6), Placement::H5, None);
        assert_eq!(
            run(&Plc02, &record, d(2025, 1, 8))[0].status,
            Status::CannotDecide
        );
    }

    #[test]
    fn registered_supported_accommodation_and_under_16s_are_not_flagged() {
        let record = placed(d(2008, 1, 1), d(2025, 4, 7), Placement::K3, Some("2999999"));
        assert_eq!(status(&Plc02, &record, d(2025, 5, 1)), None);
        let record = placed(d(2011, 1, 1), d(2025, 4, 7), Placement::H5, None);
        assert_eq!(status(&Plc02, &record, d(2025, 5, 1)), None);
    }

    #[test]
    fn a_young_person_who_moves_or_leaves_care_is_not_flagged() {
        let mut record = placed(d(2008, 1, 1), d(2025, 4, 7), Placement::P2, None);
        move_to(
            &mut record,
            d(2025, 6, 2),
            ReasonNewEpisode::P,
            Placement::K3,
        );
        assert_eq!(
            status(&Plc02, &record, d(2025, 6, 1)),
            overdue(d(2025, 4, 7))
        );
        assert_eq!(status(&Plc02, &record, d(2025, 6, 2)), None);
        let mut record = placed(d(2008, 1, 1), d(2025, 4, 7), Placement::P2, None);
        leave_care(&mut record, d(2025, 6, 2), ReasonEpisodeCeased::E5);
        assert_eq!(status(&Plc02, &record, d(2025, 6, 2)), None);
    }

    #[test]
    fn re_entry_counts_from_the_new_placement() {
        let mut record = placed(d(2008, 1, 1), d(2024, 5, 1), Placement::P2, None);
        leave_care(&mut record, d(2024, 8, 1), ReasonEpisodeCeased::E6);
        re_enter(&mut record, d(2025, 3, 3), Placement::P2);
        assert_eq!(status(&Plc02, &record, d(2025, 1, 1)), None);
        assert_eq!(
            status(&Plc02, &record, d(2025, 3, 4)),
            overdue(d(2025, 3, 3))
        );
    }

    #[test]
    fn a_placement_starting_on_good_friday_is_unlawful_from_that_day() {
        let record = placed(d(2008, 1, 1), d(2025, 4, 18), Placement::P2, None);
        assert_eq!(status(&Plc02, &record, d(2025, 4, 17)), None);
        assert_eq!(
            status(&Plc02, &record, d(2025, 4, 18)),
            overdue(d(2025, 4, 18))
        );
        assert_eq!(
            status(&Plc02, &record, d(2025, 4, 21)),
            overdue(d(2025, 4, 18))
        );
    }
}
