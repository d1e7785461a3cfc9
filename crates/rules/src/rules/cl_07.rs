//! CL-07: a care leaver whose accommodation is unsuitable, or who is homeless, in
//! emergency accommodation or in bed and breakfast.

use permanence_domain::codes::{Code, InTouch};

use crate::context::Context;
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::care_leavers::{current_rows, row_text};

/// CL-07's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CL-07",
    title: "Care leaver in unsuitable accommodation",
    condition: "The young person has left care, and their latest care-leaver return (OC3) \
                says their accommodation is unsuitable (ACCOM ending in 2) or that they are \
                homeless (S), in emergency accommodation (V) or in bed and breakfast (W). \
                The finding is overdue from the birthday the return was collected around, \
                and shows while that return is current (default 12 months).",
    source: "903 OC3 ACCOM codes [S99]; suitable accommodation, Care Leavers (England) \
             Regulations 2010 reg 9(2) [S39]",
    basis: Basis::Local,
    inputs: &[
        "Header: DOB",
        "OC3: IN_TOUCH, ACCOM (with the collection year)",
    ],
    needs_tracker_records: false,
    owner: Role::PersonalAdviser,
    escalation: "Personal adviser; housing pathway lead",
    action: "Contact the young person and agree a move to suitable accommodation with the \
             housing pathway; record the new accommodation.",
    notes: &[
        "The 903 has one OC3 row a year, collected around the birthday; a row counts from \
         that birthday. The suffix meaning (1 suitable, 2 unsuitable) is unconfirmed \
         (domain.md §3.7).",
        "Young people not in touch, who died, refuse contact, no longer need services or \
         returned home are left out (IN_TOUCH other than YES).",
        "Cannot decide: the young person is in touch (or IN_TOUCH is blank) but ACCOM is \
         blank.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Months after the birthday it was collected around that a return stays current.
    current_for_months: number (Months, 1..=36) = 12;
}

/// CL-07.
pub struct Cl07;

impl_rule!(Cl07, INFO, cl_07, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let rows = current_rows(ctx, settings.current_for_months);
    let Some(&(row, date)) = rows.first() else {
        return Vec::new();
    };
    if !matches!(row.in_touch, Some(InTouch::Yes) | None) {
        return Vec::new();
    }
    let return_evidence = Evidence::new("Latest care-leaver return", row_text(ctx, row, date));
    match row.accom {
        None => vec![ctx.finding(
            &INFO,
            Status::CannotDecide,
            None,
            vec![
                return_evidence,
                Evidence::new("Accommodation", "not recorded (ACCOM is blank)"),
            ],
        )],
        Some(accom)
            if accom.suitable() == Some(false)
                || matches!(accom.letter(), Some('S' | 'V' | 'W')) =>
        {
            vec![ctx.finding(
                &INFO,
                Status::Overdue,
                Some(date),
                vec![
                    return_evidence,
                    Evidence::new(
                        "Accommodation",
                        format!("{} ({})", accom.code(), accom.description()),
                    ),
                ],
            )]
        }
        Some(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::CollectionYear;
    use permanence_domain::codes::Accommodation;
    use permanence_domain::record::Oc3;

    /// Born 3 June 2006; left care at 18 on 3 June 2024; one OC3 row for 2025/26
    /// (19th birthday, 3 June 2025).
    fn leaver(accom: Option<Accommodation>) -> ChildRecord {
        let mut record = in_care(d(2006, 6, 3), d(2020, 1, 6), Placement::U4);
        leave_care(&mut record, d(2024, 6, 3), ReasonEpisodeCeased::E5);
        record.care_leaver_outcomes = vec![Oc3 {
            year: CollectionYear(2026),
            in_touch: Some(InTouch::Yes),
            activ: None,
            accom,
        }];
        record
    }

    #[test]
    fn flags_from_the_birthday_the_return_was_collected_around() {
        let record = leaver(Some(Accommodation::V1));
        let birthday = d(2025, 6, 3);
        assert_eq!(status(&Cl07, &record, d(2025, 6, 2)), None);
        assert_eq!(status(&Cl07, &record, birthday), overdue(birthday));
        assert_eq!(status(&Cl07, &record, d(2025, 6, 4)), overdue(birthday));
        // Current for 12 months: the day before, of and after the limit.
        assert_eq!(status(&Cl07, &record, d(2026, 6, 2)), overdue(birthday));
        assert_eq!(status(&Cl07, &record, d(2026, 6, 3)), overdue(birthday));
        assert_eq!(status(&Cl07, &record, d(2026, 6, 4)), None);
        let finding = &run(&Cl07, &record, d(2025, 6, 6))[0];
        assert_eq!(finding.days_overdue, 3);
        assert_eq!(
            finding.evidence_text(),
            "Latest care-leaver return: 2025/26 return (19th birthday 03/06/2025); \
             Accommodation: V1 (Emergency accommodation - suitable)"
        );
    }

    #[test]
    fn a_birthday_on_christmas_day_is_not_moved() {
        let mut record = leaver(Some(Accommodation::S2));
        record.header.dob = d(2006, 12, 25);
        assert_eq!(status(&Cl07, &record, d(2025, 12, 24)), None);
        assert_eq!(
            status(&Cl07, &record, d(2025, 12, 27)),
            overdue(d(2025, 12, 25))
        );
    }

    #[test]
    fn unsuitable_homeless_emergency_and_bed_and_breakfast() {
        use Accommodation::*;
        for accom in [B2, U2, Z2, S2, V1, V2, W1, W2, X2] {
            assert_eq!(
                status(&Cl07, &leaver(Some(accom)), d(2025, 7, 1))
                    .unwrap()
                    .0,
                Status::Overdue,
                "{accom}"
            );
        }
        for accom in [B1, D1, U1, Z1, T1, NotKnown] {
            assert_eq!(
                status(&Cl07, &leaver(Some(accom)), d(2025, 7, 1)),
                None,
                "{accom}"
            );
        }
    }

    #[test]
    fn only_young_people_in_touch() {
        let mut record = leaver(Some(Accommodation::S2));
        record.care_leaver_outcomes[0].in_touch = Some(InTouch::No);
        assert_eq!(status(&Cl07, &record, d(2025, 7, 1)), None);
        record.care_leaver_outcomes[0].in_touch = None;
        assert_eq!(
            status(&Cl07, &record, d(2025, 7, 1)).unwrap().0,
            Status::Overdue
        );
    }

    #[test]
    fn the_latest_return_decides() {
        let mut record = leaver(Some(Accommodation::U1));
        record.care_leaver_outcomes.insert(
            0,
            Oc3 {
                year: CollectionYear(2025),
                in_touch: Some(InTouch::Yes),
                activ: None,
                accom: Some(Accommodation::W1),
            },
        );
        // The 2024/25 row (18th birthday, 3 June 2024) until the 19th birthday...
        assert_eq!(
            status(&Cl07, &record, d(2025, 6, 2)),
            overdue(d(2024, 6, 3))
        );
        // ...then the 2025/26 row, suitable.
        assert_eq!(status(&Cl07, &record, d(2025, 6, 3)), None);
    }

    #[test]
    fn not_while_looked_after_again() {
        let mut record = leaver(Some(Accommodation::S2));
        re_enter(&mut record, d(2025, 5, 1), Placement::K3);
        assert_eq!(status(&Cl07, &record, d(2025, 7, 1)), None);
        leave_care(&mut record, d(2025, 7, 2), ReasonEpisodeCeased::E5);
        assert_eq!(
            status(&Cl07, &record, d(2025, 7, 2)),
            overdue(d(2025, 6, 3))
        );
    }

    #[test]
    fn cannot_decide_without_accommodation() {
        assert_eq!(
            status(&Cl07, &leaver(None), d(2025, 7, 1)),
            Some((Status::CannotDecide, None))
        );
    }

    #[test]
    fn a_birthday_on_easter_monday_is_not_moved() {
        // Born 6 April 2006: 20th birthday on Easter Monday 2026, in the 2026/27 return.
        let mut record = leaver(Some(Accommodation::W1));
        record.header.dob = d(2006, 4, 6);
        record.care_leaver_outcomes[0].year = CollectionYear(2027);
        assert_eq!(status(&Cl07, &record, d(2026, 4, 5)), None);
        assert_eq!(
            status(&Cl07, &record, d(2026, 4, 6)),
            overdue(d(2026, 4, 6))
        );
        assert_eq!(
            status(&Cl07, &record, d(2026, 4, 7)),
            overdue(d(2026, 4, 6))
        );
    }
}
