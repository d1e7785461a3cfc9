//! CL-02: a pathway plan after the needs assessment (Care Leavers (England) Regulations
//! 2010 reg 43).

use permanence_domain::Date;
use permanence_domain::tracker::ActivityKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::care_leavers::{pathway_owner, services_ended};

/// CL-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CL-02",
    title: "Pathway plan after the needs assessment",
    condition: "The young person has had a needs assessment, is under the policy age \
                (default 21), and no pathway plan has been recorded on or after the first \
                needs assessment. It is due the policy number of working days (default 20) \
                after that assessment. A late plan clears the finding from its date.",
    source: "Care Leavers (England) Regs 2010 reg 43: pathway plan prepared after the needs \
             assessment [S31]; timescale local (domain.md §6 suggests 20 working days)",
    basis: Basis::Local,
    inputs: &[
        "Header: DOB",
        "Tracker activity: needs assessment, pathway plan (dates)",
    ],
    needs_tracker_records: true,
    owner: Role::PersonalAdviser,
    escalation: "Social worker or personal adviser; team manager",
    action: "Write the pathway plan with the young person from the needs assessment, and \
             record its date.",
    notes: &[
        "The owner is the social worker while the young person is looked after, the \
         personal adviser once they have left care.",
        "Not raised once the latest care-leaver return says the young person died or no \
         longer requires services.",
        "Cannot decide: the date of birth is impossible.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Working days after the needs assessment by which the pathway plan is due.
    working_days: number (WorkingDays, 1..=100) = 20;
    /// The age from which the rule no longer applies.
    until_age: number (Years, 18..=25) = 21;
}

/// CL-02.
pub struct Cl02;

impl_rule!(Cl02, INFO, cl_02, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(assessed) = ctx.first_activity(ActivityKind::NeedsAssessment, Date::MIN) else {
        return Vec::new();
    };
    if ctx
        .first_activity(ActivityKind::PathwayPlan, assessed)
        .is_some()
    {
        return Vec::new();
    }
    let owner = pathway_owner(ctx);
    if ctx.dob() > ctx.as_of {
        let evidence = ctx.dob_problem().unwrap_or_default();
        return vec![ctx.finding_owned_by(&INFO, owner, Status::CannotDecide, None, evidence)];
    }
    if ctx.age_on(ctx.as_of) >= settings.until_age || services_ended(ctx) {
        return Vec::new();
    }
    let due = ctx
        .calendar
        .add_working_days(assessed, settings.working_days);
    let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
        return Vec::new();
    };
    let evidence = vec![
        Evidence::new("Needs assessment", dmy(assessed)),
        Evidence::new(
            "Pathway plan due",
            ctx.working_days_text(assessed, settings.working_days, due),
        ),
        Evidence::new("Pathway plans", "none recorded since the needs assessment"),
    ];
    vec![ctx.finding_owned_by(&INFO, owner, status, Some(due), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    fn assessed(on: Date) -> Case {
        Case::new(in_care(d(2010, 6, 1), d(2025, 1, 6), Placement::U6))
            .activity(ActivityKind::NeedsAssessment, &[on])
    }

    #[test]
    fn due_20_working_days_after_the_assessment() {
        // Saturday 20 December 2025 + 20 working days = Wednesday 21 January 2026.
        let case = assessed(d(2025, 12, 20));
        let due = d(2026, 1, 21);
        assert_eq!(case.status(&Cl02, d(2026, 1, 10)), None);
        assert_eq!(case.status(&Cl02, d(2026, 1, 11)), due_soon(due));
        assert_eq!(case.status(&Cl02, due), due_soon(due));
        assert_eq!(case.status(&Cl02, d(2026, 1, 22)), overdue(due));
        let finding = case.finding(&Cl02, d(2026, 1, 22));
        assert_eq!(finding.owner_role, Role::SocialWorker);
        assert_eq!(finding.owner.as_deref(), Some("SW1"));
        // Easter: Thursday 26 March 2026 to Monday 27 April.
        assert_eq!(
            assessed(d(2026, 3, 26)).status(&Cl02, d(2026, 4, 28)),
            overdue(d(2026, 4, 27))
        );
        let done = case.activity(ActivityKind::PathwayPlan, &[d(2026, 1, 26)]);
        assert_eq!(done.status(&Cl02, d(2026, 1, 25)), overdue(due));
        assert_eq!(done.status(&Cl02, d(2026, 1, 26)), None);
    }

    #[test]
    fn after_leaving_care_the_personal_adviser_owns_it() {
        let mut case = assessed(d(2025, 12, 20)).with(|tracker| {
            tracker.allocations.push(allocation(
                AllocationRole::PersonalAdviser,
                "PA1",
                d(2025, 12, 1),
            ))
        });
        leave_care(&mut case.record, d(2026, 1, 21), ReasonEpisodeCeased::E5);
        let finding = case.finding(&Cl02, d(2026, 1, 22));
        assert_eq!(finding.owner_role, Role::PersonalAdviser);
        assert_eq!(finding.owner.as_deref(), Some("PA1"));
        assert_eq!(finding.escalated_to, Role::PersonalAdviser);
        // Re-entry does not change what is due.
        re_enter(&mut case.record, d(2026, 2, 2), Placement::U6);
        assert_eq!(case.status(&Cl02, d(2026, 2, 3)), overdue(d(2026, 1, 21)));
    }

    #[test]
    fn until_21_and_while_services_are_owed() {
        // Born 1 June 2010: 21 on 1 June 2031.
        let case = assessed(d(2025, 12, 20));
        assert!(case.status(&Cl02, d(2031, 5, 31)).is_some());
        assert_eq!(case.status(&Cl02, d(2031, 6, 1)), None);
    }

    #[test]
    fn cannot_decide_without_a_possible_date_of_birth() {
        let case = Case::new(in_care(d(2027, 6, 1), d(2025, 1, 6), Placement::U6))
            .activity(ActivityKind::NeedsAssessment, &[d(2025, 12, 20)]);
        assert_eq!(case.status(&Cl02, d(2026, 1, 22)), cannot_decide());
    }
}
