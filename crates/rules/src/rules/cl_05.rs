//! CL-05: personal adviser contact with a care leaver: within a week of moving out of
//! care, then at least every two months.

use permanence_domain::codes::ReasonEpisodeCeased;
use permanence_domain::date::{add_days, add_months, format_dmy};
use permanence_domain::tracker::ActivityKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::care_leavers::{eligibility, leaves_a_care_leaver, left_care, services_ended};

/// CL-05's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CL-05",
    title: "Personal adviser contact gap",
    condition: "The young person has left care, was an eligible child before leaving (so is \
                a care leaver), is under the policy age (default 21), and services have not \
                ended. The first personal adviser contact after leaving is due the policy \
                number of days (default 7) after leaving care, as a move into new \
                accommodation; then contacts are due the policy's months (default 2) after \
                the latest. A late contact clears the finding from its date.",
    source: "Personal adviser visit within a week of moving into new accommodation, then at \
             least every two months (care-leaver rights guide) [S33] [UNCONFIRMED against the \
             regulation text]",
    basis: Basis::Guidance,
    inputs: &[
        "Header: DOB",
        "Episodes: DECOM, DEC, REC, LS (eligibility and leaving care)",
        "OC3: IN_TOUCH (services ended)",
        "Tracker activity: personal adviser contacts (date)",
    ],
    needs_tracker_records: true,
    owner: Role::PersonalAdviser,
    escalation: "Personal adviser; team manager",
    action: "Contact the young person (in person where possible) and record the contact.",
    notes: &[
        "Leaving care is the only move the records hold: later moves of accommodation are \
         not recorded (OC3 holds one accommodation a year), so the week after them cannot \
         be checked. A young person who stays put with their foster carers at 18 (REC E17) \
         has not moved: the first contact is due two months after leaving.",
        "Contacts count from the day the young person left care.",
        "Care leavers are young people who left care other than by adoption, special \
         guardianship, a child arrangements order, death or another authority taking over \
         (E3), after becoming eligible (see CL-01). Not raised once the latest care-leaver return says the young person died \
         or no longer requires services.",
        "Cannot decide: the date of birth is impossible.",
    ],
};

rule_settings! {
    due_soon_days: Some(7);
    /// Days after leaving care (a move) by which the first contact is due.
    first_days: number (Days, 1..=60) = 7;
    /// Months between contacts after that.
    months: number (Months, 1..=12) = 2;
    /// The age from which the rule no longer applies.
    until_age: number (Years, 18..=25) = 21;
}

/// CL-05.
pub struct Cl05;

impl_rule!(Cl05, INFO, cl_05, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(left) = left_care(ctx) else {
        return Vec::new();
    };
    let Some(end) = left.end else {
        return Vec::new();
    };
    if !leaves_a_care_leaver(left.reason_ceased) {
        return Vec::new();
    }
    if ctx.dob() > ctx.as_of {
        let evidence = ctx.dob_problem().unwrap_or_default();
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    }
    if ctx.age_on(ctx.as_of) >= settings.until_age || services_ended(ctx) {
        return Vec::new();
    }
    let eligible = eligibility(ctx, ctx.policy.rules.cl_01.eligibility_weeks);
    if eligible.date.is_none_or(|since| since >= end) {
        return Vec::new();
    }
    let latest = ctx.last_activity(ActivityKind::PersonalAdviserContact, end);
    let stayed_put = left.reason_ceased == Some(ReasonEpisodeCeased::E17);
    let (due, why) = match latest {
        Some(latest) => (
            add_months(latest, settings.months),
            format!(
                "{} calendar months after the latest contact",
                settings.months
            ),
        ),
        None if stayed_put => (
            add_months(end, settings.months),
            format!(
                "{} calendar months after leaving care to stay put",
                settings.months
            ),
        ),
        None => (
            add_days(end, settings.first_days),
            format!("{} days after moving out of care", settings.first_days),
        ),
    };
    let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
        return Vec::new();
    };
    let evidence = vec![
        Evidence::new(
            "Left care",
            format!(
                "{}{}",
                dmy(end),
                left.reason_ceased
                    .map(|reason| format!(" ({})", permanence_domain::codes::Code::code(reason)))
                    .unwrap_or_default()
            ),
        ),
        Evidence::new(
            "Latest personal adviser contact",
            latest.map_or("none since leaving care".to_string(), format_dmy),
        ),
        Evidence::new("Next contact due", format!("{} ({why})", dmy(due))),
    ];
    vec![ctx.finding(&INFO, status, Some(due), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    /// Born 1 June 2008; in care since 2022; left care on Monday 22 December 2025 (aged
    /// 17) to supported accommodation.
    fn left_on(reason: ReasonEpisodeCeased, contacts: &[Date]) -> Case {
        let mut record = in_care(d(2008, 6, 1), d(2022, 1, 6), Placement::U6);
        leave_care(&mut record, d(2025, 12, 22), reason);
        Case::new(record)
            .with(|tracker| {
                tracker.allocations.push(allocation(
                    AllocationRole::PersonalAdviser,
                    "PA1",
                    d(2024, 6, 1),
                ))
            })
            .activity(ActivityKind::PersonalAdviserContact, contacts)
    }

    #[test]
    fn within_a_week_of_leaving_care() {
        // 7 calendar days over Christmas: 29 December.
        let case = left_on(ReasonEpisodeCeased::E5, &[d(2025, 12, 1)]);
        let due = d(2025, 12, 29);
        assert_eq!(case.status(&Cl05, d(2025, 12, 21)), None);
        assert_eq!(case.status(&Cl05, d(2025, 12, 22)), due_soon(due));
        assert_eq!(case.status(&Cl05, due), due_soon(due));
        assert_eq!(case.status(&Cl05, d(2025, 12, 30)), overdue(due));
        assert_eq!(
            case.finding(&Cl05, d(2025, 12, 30)).owner.as_deref(),
            Some("PA1")
        );
    }

    #[test]
    fn then_every_two_months() {
        // Contact on 31 December 2025: due 28 February 2026.
        let case = left_on(ReasonEpisodeCeased::E5, &[d(2025, 12, 31)]);
        let due = d(2026, 2, 28);
        assert_eq!(case.status(&Cl05, d(2026, 2, 20)), None);
        assert_eq!(case.status(&Cl05, d(2026, 2, 21)), due_soon(due));
        assert_eq!(case.status(&Cl05, d(2026, 3, 1)), overdue(due));
        let late = case.activity(ActivityKind::PersonalAdviserContact, &[d(2026, 3, 5)]);
        assert_eq!(late.status(&Cl05, d(2026, 3, 4)), overdue(due));
        assert_eq!(late.status(&Cl05, d(2026, 3, 5)), None);
    }

    #[test]
    fn staying_put_is_not_a_move() {
        let case = left_on(ReasonEpisodeCeased::E17, &[]);
        assert_eq!(case.status(&Cl05, d(2025, 12, 30)), None);
        assert_eq!(case.status(&Cl05, d(2026, 2, 23)), overdue(d(2026, 2, 22)));
    }

    #[test]
    fn not_for_children_who_were_not_care_leavers() {
        for reason in [ReasonEpisodeCeased::E45, ReasonEpisodeCeased::E2] {
            assert_eq!(left_on(reason, &[]).status(&Cl05, d(2026, 1, 5)), None);
        }
        // Looked after again: not a care leaver in touch with an adviser today.
        let mut case = left_on(ReasonEpisodeCeased::E5, &[]);
        re_enter(&mut case.record, d(2026, 1, 5), Placement::U6);
        assert_eq!(case.status(&Cl05, d(2026, 1, 6)), None);
        // Until 21: 1 June 2029.
        let case = left_on(ReasonEpisodeCeased::E5, &[d(2029, 3, 1)]);
        assert!(case.status(&Cl05, d(2029, 5, 31)).is_some());
        assert_eq!(case.status(&Cl05, d(2029, 6, 1)), None);
    }

    #[test]
    fn cannot_decide_without_a_possible_date_of_birth() {
        let mut case = left_on(ReasonEpisodeCeased::E5, &[]);
        case.record.header.dob = d(2030, 1, 1);
        assert_eq!(case.status(&Cl05, d(2026, 1, 5)), cannot_decide());
    }
}
