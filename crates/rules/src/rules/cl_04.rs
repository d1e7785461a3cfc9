//! CL-04: a personal adviser for every eligible child and care leaver (Children Act 1989
//! Sch 2 para 19C; Children and Social Work Act 2017).

use permanence_domain::date::{add_days, format_dmy};
use permanence_domain::tracker::AllocationRole;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::care_leavers::{
    eligibility, eligibility_text, leaves_a_care_leaver, left_care, services_ended,
};

/// CL-04's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CL-04",
    title: "No personal adviser allocated",
    condition: "The young person is under the policy age (default 21) and is either an \
                eligible child (looked after, 16 or 17, with the weeks of care since 14 that \
                CL-01 sets) or a care leaver (was eligible before leaving care other than by \
                adoption, special guardianship, a child arrangements order, death or another \
                authority taking over), and has \
                no personal adviser allocated on the evaluation date. It is due the policy \
                number of days (default 0) after the young person became eligible, or, when \
                an adviser's allocation ended, on the day it ended.",
    source: "Personal adviser for eligible children and care leavers up to 21 (25 on \
             request), Children and Social Work Act 2017 [S35]",
    basis: Basis::Statutory,
    inputs: &[
        "Header: DOB",
        "Episodes: DECOM, DEC, REC, LS (eligibility and how care ended)",
        "OC3: IN_TOUCH (services ended)",
        "Tracker: allocations of a personal adviser (start, end)",
    ],
    needs_tracker_records: true,
    owner: Role::TeamManager,
    escalation: "Leaving-care team manager",
    action: "Allocate a personal adviser and introduce them to the young person.",
    notes: &[
        "Young people aged 21 to 25 are owed an adviser on request; the records do not say \
         who asked, so the rule stops at the policy age.",
        "Not raised once the latest care-leaver return says the young person died or no \
         longer requires services.",
        "When care before the loaded data may have made the child eligible, the child is \
         treated as eligible from the latest possible day (CL-01 says when it cannot tell \
         whether a child is eligible at all).",
        "Cannot decide: the date of birth is impossible.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Days after the young person became eligible by which an adviser is due.
    days_after_eligible: number (Days, 0..=365) = 0;
    /// The age from which the rule no longer applies.
    until_age: number (Years, 18..=25) = 21;
}

/// CL-04.
pub struct Cl04;

impl_rule!(Cl04, INFO, cl_04, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    if ctx
        .tracker
        .allocated_on(AllocationRole::PersonalAdviser, ctx.as_of)
        .is_some()
    {
        return Vec::new();
    }
    let looked_after = ctx.current_period().is_some();
    let left = left_care(ctx);
    if !looked_after && left.is_none() {
        return Vec::new();
    }
    if ctx.dob() > ctx.as_of {
        let evidence = ctx.dob_problem().unwrap_or_default();
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    }
    if ctx.in_short_breaks() || ctx.age_on(ctx.as_of) >= settings.until_age || services_ended(ctx) {
        return Vec::new();
    }
    let weeks = ctx.policy.rules.cl_01.eligibility_weeks;
    let eligible = eligibility(ctx, weeks);
    let Some(since) = eligible.date else {
        return Vec::new();
    };
    if let Some(left) = left
        && (!leaves_a_care_leaver(left.reason_ceased) || left.end.is_some_and(|end| end <= since))
    {
        return Vec::new();
    }
    let ended = ctx
        .tracker
        .allocations
        .iter()
        .filter(|a| a.role == AllocationRole::PersonalAdviser && a.start <= ctx.as_of)
        .filter_map(|a| a.end)
        .filter(|end| *end <= ctx.as_of)
        .max();
    let due = add_days(since, settings.days_after_eligible).max(ended.unwrap_or(since));
    let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
        return Vec::new();
    };
    let mut evidence = vec![Evidence::new(
        "Eligible since",
        eligibility_text(ctx, eligible, weeks),
    )];
    if let Some(left) = left {
        evidence.push(Evidence::new(
            "Left care",
            format!(
                "{}{}",
                left.end.map(format_dmy).unwrap_or_default(),
                left.reason_ceased
                    .map(|reason| format!(" ({})", permanence_domain::codes::Code::code(reason)))
                    .unwrap_or_default()
            ),
        ));
    }
    evidence.push(Evidence::new(
        "Personal adviser",
        match ended {
            Some(end) => format!("the last allocation ended on {}; none since", dmy(end)),
            None => "never allocated".to_string(),
        },
    ));
    vec![ctx.finding(&INFO, status, Some(due), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    /// Born 1 June 2010 (16 on 1 June 2026); in care since 6 January 2025.
    fn eligible_child() -> Case {
        Case::new(in_care(d(2010, 6, 1), d(2025, 1, 6), Placement::U6))
    }

    #[test]
    fn due_when_the_child_becomes_eligible() {
        let case = eligible_child();
        let due = d(2026, 6, 1);
        assert_eq!(case.status(&Cl04, d(2026, 5, 31)), None);
        assert_eq!(case.status(&Cl04, due), due_soon(due));
        assert_eq!(case.status(&Cl04, d(2026, 6, 2)), overdue(due));
        let finding = case.finding(&Cl04, d(2026, 6, 2));
        assert_eq!(finding.owner.as_deref(), Some("TM1"));
        assert!(
            finding
                .evidence_text()
                .ends_with("Personal adviser: never allocated")
        );
        let allocated = case.with(|tracker| {
            tracker.allocations.push(allocation(
                AllocationRole::PersonalAdviser,
                "PA1",
                d(2026, 6, 10),
            ))
        });
        assert_eq!(allocated.status(&Cl04, d(2026, 6, 9)), overdue(due));
        assert_eq!(allocated.status(&Cl04, d(2026, 6, 10)), None);
    }

    #[test]
    fn care_leavers_until_21() {
        let mut case = eligible_child();
        leave_care(&mut case.record, d(2028, 6, 1), ReasonEpisodeCeased::E5);
        assert_eq!(case.status(&Cl04, d(2028, 6, 2)), overdue(d(2026, 6, 1)));
        assert!(case.status(&Cl04, d(2031, 5, 31)).is_some());
        assert_eq!(case.status(&Cl04, d(2031, 6, 1)), None);
        // An adviser whose allocation ended: due from then.
        let case = case.with(|tracker| {
            let mut pa = allocation(AllocationRole::PersonalAdviser, "PA1", d(2026, 5, 1));
            pa.end = Some(d(2029, 3, 1));
            tracker.allocations.push(pa);
        });
        assert_eq!(case.status(&Cl04, d(2029, 2, 28)), None);
        assert_eq!(case.status(&Cl04, d(2029, 3, 2)), overdue(d(2029, 3, 1)));
    }

    #[test]
    fn not_after_adoption_or_an_order_or_before_eligibility() {
        for reason in [
            ReasonEpisodeCeased::E45,
            ReasonEpisodeCeased::E41,
            ReasonEpisodeCeased::E11,
            ReasonEpisodeCeased::E3,
        ] {
            let mut case = eligible_child();
            leave_care(&mut case.record, d(2026, 9, 1), reason);
            assert_eq!(case.status(&Cl04, d(2026, 9, 2)), None, "{reason:?}");
        }
        // Left care on the day the child would have become eligible.
        let mut case = eligible_child();
        leave_care(&mut case.record, d(2026, 6, 1), ReasonEpisodeCeased::E13);
        assert_eq!(case.status(&Cl04, d(2026, 6, 2)), None);
    }

    #[test]
    fn cannot_decide_without_a_possible_date_of_birth() {
        let mut case = eligible_child();
        case.record.header.dob = d(2030, 1, 1);
        assert_eq!(case.status(&Cl04, d(2026, 6, 2)), cannot_decide());
    }
}
