//! CL-03: the pathway plan reviewed at least every 6 months.

use permanence_domain::Date;
use permanence_domain::date::add_months;
use permanence_domain::tracker::ActivityKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::care_leavers::{pathway_owner, services_ended};

/// CL-03's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CL-03",
    title: "Pathway plan review overdue",
    condition: "The young person has a pathway plan, is under the policy age (default 21), \
                and the latest pathway plan or review was more than the policy's months \
                (default 6) ago: the next review is due that many calendar months after it. \
                A late review clears the finding from its date.",
    source: "Care Leavers (England) Regs 2010: pathway plan reviewed at least every 6 months \
             (as summarised; Welsh wording \"intervals of not more than six months\" \
             confirmed) [S33], [S34]",
    basis: Basis::Statutory,
    inputs: &[
        "Header: DOB",
        "Tracker activity: pathway plan, pathway plan review (dates)",
    ],
    needs_tracker_records: true,
    owner: Role::PersonalAdviser,
    escalation: "Personal adviser; team manager",
    action: "Review the pathway plan with the young person and record the review.",
    notes: &[
        "The owner is the social worker while the young person is looked after, the \
         personal adviser once they have left care.",
        "Reviews the young person or the adviser ask for between the six-monthly ones count \
         like any other: the clock runs from the latest.",
        "Not raised once the latest care-leaver return says the young person died or no \
         longer requires services. Up to 25 on request is not covered: the records do not \
         say who asked.",
        "Cannot decide: the date of birth is impossible.",
    ],
};

rule_settings! {
    due_soon_days: Some(28);
    /// Months between pathway plan reviews.
    months: number (Months, 1..=12) = 6;
    /// The age from which the rule no longer applies.
    until_age: number (Years, 18..=25) = 21;
}

/// CL-03.
pub struct Cl03;

impl_rule!(Cl03, INFO, cl_03, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(latest) = [ActivityKind::PathwayPlan, ActivityKind::PathwayPlanReview]
        .into_iter()
        .filter_map(|kind| ctx.last_activity(kind, Date::MIN))
        .max()
    else {
        return Vec::new();
    };
    let owner = pathway_owner(ctx);
    if ctx.dob() > ctx.as_of {
        let evidence = ctx.dob_problem().unwrap_or_default();
        return vec![ctx.finding_owned_by(&INFO, owner, Status::CannotDecide, None, evidence)];
    }
    if ctx.age_on(ctx.as_of) >= settings.until_age || services_ended(ctx) {
        return Vec::new();
    }
    let due = add_months(latest, settings.months);
    let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
        return Vec::new();
    };
    let evidence = vec![
        Evidence::new("Latest pathway plan or review", dmy(latest)),
        Evidence::new(
            "Next review due",
            format!("{} ({} calendar months later)", dmy(due), settings.months),
        ),
    ];
    vec![ctx.finding_owned_by(&INFO, owner, status, Some(due), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    /// Born 1 June 2008; left care at 18 on 1 June 2026 to independent living.
    fn care_leaver(plans: &[Date], reviews: &[Date]) -> Case {
        let mut record = in_care(d(2008, 6, 1), d(2022, 1, 6), Placement::U6);
        leave_care(&mut record, d(2026, 6, 1), ReasonEpisodeCeased::E5);
        Case::new(record)
            .with(|tracker| {
                tracker.allocations.push(allocation(
                    AllocationRole::PersonalAdviser,
                    "PA1",
                    d(2024, 6, 1),
                ))
            })
            .activity(ActivityKind::PathwayPlan, plans)
            .activity(ActivityKind::PathwayPlanReview, reviews)
    }

    #[test]
    fn due_6_months_after_the_latest() {
        // Reviewed 30 August 2026: due 28 February 2027 (end of month clamped).
        let case = care_leaver(&[d(2024, 8, 1)], &[d(2026, 2, 28), d(2026, 8, 31)]);
        let due = d(2027, 2, 28);
        assert_eq!(case.status(&Cl03, d(2027, 1, 30)), None);
        assert_eq!(case.status(&Cl03, d(2027, 1, 31)), due_soon(due));
        assert_eq!(case.status(&Cl03, due), due_soon(due));
        assert_eq!(case.status(&Cl03, d(2027, 3, 1)), overdue(due));
        let finding = case.finding(&Cl03, d(2027, 3, 1));
        assert_eq!(finding.owner.as_deref(), Some("PA1"));
        assert_eq!(finding.owner_name.as_deref(), Some("Pat Adams"));
        let late = case.activity(ActivityKind::PathwayPlanReview, &[d(2027, 3, 10)]);
        assert_eq!(late.status(&Cl03, d(2027, 3, 9)), overdue(due));
        assert_eq!(late.status(&Cl03, d(2027, 3, 10)), None);
    }

    #[test]
    fn while_looked_after_the_social_worker_owns_it() {
        let case = care_leaver(&[d(2025, 6, 1)], &[]);
        let finding = case.finding(&Cl03, d(2025, 12, 2));
        assert_eq!(finding.owner_role, Role::SocialWorker);
        assert_eq!(finding.due, Some(d(2025, 12, 1)));
    }

    #[test]
    fn until_21_and_while_services_are_owed() {
        let case = care_leaver(&[d(2028, 6, 1)], &[]);
        assert!(case.status(&Cl03, d(2029, 5, 31)).is_some());
        assert_eq!(case.status(&Cl03, d(2029, 6, 1)), None);
        // The young person no longer requires services (OC3 IN_TOUCH NREQ in the return
        // collected around the 19th birthday, 1 June 2027).
        let mut case = care_leaver(&[d(2026, 6, 1)], &[]);
        case.record
            .care_leaver_outcomes
            .push(permanence_domain::record::Oc3 {
                year: permanence_domain::CollectionYear(2028),
                in_touch: Some(permanence_domain::codes::InTouch::Nreq),
                activ: None,
                accom: None,
            });
        assert!(case.status(&Cl03, d(2027, 5, 31)).is_some());
        assert_eq!(case.status(&Cl03, d(2027, 6, 1)), None);
    }

    #[test]
    fn cannot_decide_without_a_possible_date_of_birth() {
        let mut case = care_leaver(&[d(2025, 6, 1)], &[]);
        case.record.header.dob = d(2030, 1, 1);
        assert_eq!(case.status(&Cl03, d(2026, 1, 2)), cannot_decide());
    }
}
