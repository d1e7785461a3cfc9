//! PERM-06: adoption in the plan with no recorded consideration of fostering for
//! adoption (CA 1989 s22C(9A) to (9C)).

use permanence_domain::date::add_days;
use permanence_domain::tracker::PermanenceOption;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::{includes_adoption, plan_text, run_start};

/// PERM-06's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PERM-06",
    title: "Adoption planned with no fostering-for-adoption consideration",
    condition: "The child is looked after, the permanence plan in force includes adoption \
                (as the primary, a parallel or the contingency plan), and no family-finding \
                record in this period of care records the day placement with approved \
                adopters as foster carers (fostering for adoption) was considered. It is due \
                when adoption first came into the plan (plus the policy's days, default 0). \
                Not raised when the primary plan is itself fostering for adoption or \
                concurrent planning, or once the child is in a fostering-for-adoption (U2, \
                U5) or adoptive (A3 to A6) placement in this period of care: the question \
                has been answered.",
    source: "CA 1989 s22C(9A)-(9C), inserted by CFA 2014 s2: where adoption is being \
             considered the authority must consider placing the child with approved \
             adopters as foster carers [S55], [S56]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, PLACE, DEC (the period of care and its placements)",
        "Tracker: permanence plans (primary, parallel, contingency), family finding \
         (fostering for adoption considered)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker, team manager; regional adoption agency",
    action: "Consider fostering for adoption with the regional adoption agency and record \
             the date and outcome in the family-finding record.",
    notes: &[
        "\"Adoption came into the plan\" is the first of the unbroken run of plan versions \
         that include adoption.",
        "The consideration may be dated before the plan changed (considered while adoption \
         was being thought about), but only within this period of care.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Days after adoption came into the plan by which the consideration is due.
    days_after_plan: number (Days, 0..=365) = 0;
}

/// PERM-06.
pub struct Perm06;

impl_rule!(Perm06, INFO, perm_06, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    let Some(plan) = ctx.plan() else {
        return Vec::new();
    };
    if !includes_adoption(plan) {
        return Vec::new();
    }
    if matches!(
        plan.primary,
        PermanenceOption::FosteringForAdoption | PermanenceOption::ConcurrentPlanning
    ) || current.placements.iter().any(|placement| {
        placement.place.is_fostering_for_adoption() || placement.place.is_placed_for_adoption()
    }) {
        return Vec::new();
    }
    let from = ctx.period_records_from(0);
    let considered = ctx
        .tracker
        .family_finding
        .iter()
        .filter_map(|search| search.fostering_for_adoption_considered)
        .any(|date| date >= from && date <= ctx.as_of);
    if considered {
        return Vec::new();
    }
    let since = run_start(ctx, includes_adoption).expect("the plan in force includes adoption");
    let due = add_days(since, settings.days_after_plan);
    let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
        return Vec::new();
    };
    let evidence = vec![
        Evidence::new("Permanence plan", plan_text(plan)),
        Evidence::new("Adoption in the plan since", dmy(since)),
        Evidence::new(
            "Fostering for adoption considered",
            "not recorded in any family-finding record for this period of care",
        ),
    ];
    vec![ctx.finding(&INFO, status, Some(due), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::{FamilyFinding, FamilyFindingRoute, FamilyFindingStatus};

    fn search(considered: Option<Date>) -> FamilyFinding {
        FamilyFinding {
            child: "C1".into(),
            route: FamilyFindingRoute::Adoption,
            start: d(2026, 2, 1),
            profiles: 0,
            links: 0,
            expressions_of_interest: 0,
            matches: 0,
            status: FamilyFindingStatus::Active,
            end: None,
            end_reason: None,
            fostering_for_adoption_considered: considered,
        }
    }

    /// Born 2025; in care from 5 January 2026; plan for adoption decided Friday 20
    /// February 2026.
    fn adoption_plan() -> Case {
        Case::new(in_care(d(2025, 6, 1), d(2026, 1, 5), Placement::U6))
            .plan(plan(d(2026, 1, 20), PermanenceOption::ReturnHome))
            .plan(plan(d(2026, 2, 20), PermanenceOption::Adoption))
    }

    #[test]
    fn due_when_adoption_came_into_the_plan() {
        let case = adoption_plan();
        let due = d(2026, 2, 20);
        assert_eq!(case.status(&Perm06, d(2026, 2, 19)), None);
        assert_eq!(case.status(&Perm06, due), due_soon(due));
        assert_eq!(case.status(&Perm06, d(2026, 2, 21)), overdue(due));
        let finding = case.finding(&Perm06, d(2026, 2, 23));
        assert_eq!(finding.days_overdue, 3);
        assert_eq!(finding.owner.as_deref(), Some("SW1"));
        let case = case.policy(|p| p.rules.perm_06.days_after_plan = 10);
        assert_eq!(case.status(&Perm06, d(2026, 3, 2)), due_soon(d(2026, 3, 2)));
        assert_eq!(case.status(&Perm06, d(2026, 3, 3)), overdue(d(2026, 3, 2)));
    }

    #[test]
    fn adoption_as_a_contingency_counts() {
        let mut version = plan(d(2026, 2, 20), PermanenceOption::ReturnHome);
        version.contingency = Some(PermanenceOption::Adoption);
        let case = Case::new(in_care(d(2025, 6, 1), d(2026, 1, 5), Placement::U6)).plan(version);
        assert_eq!(
            case.status(&Perm06, d(2026, 2, 21)),
            overdue(d(2026, 2, 20))
        );
    }

    #[test]
    fn a_recorded_consideration_clears_it() {
        let case = adoption_plan()
            .with(|tracker| tracker.family_finding.push(search(Some(d(2026, 3, 2)))));
        assert_eq!(case.status(&Perm06, d(2026, 3, 1)), overdue(d(2026, 2, 20)));
        assert_eq!(case.status(&Perm06, d(2026, 3, 2)), None);
        // A search that does not record it: still due.
        let case = adoption_plan().with(|tracker| tracker.family_finding.push(search(None)));
        assert_eq!(case.status(&Perm06, d(2026, 3, 2)), overdue(d(2026, 2, 20)));
    }

    #[test]
    fn answered_by_the_plan_or_the_placement() {
        let case = Case::new(in_care(d(2025, 6, 1), d(2026, 1, 5), Placement::U6))
            .plan(plan(d(2026, 2, 20), PermanenceOption::FosteringForAdoption));
        assert_eq!(case.status(&Perm06, d(2026, 2, 21)), None);
        let mut record = in_care(d(2025, 6, 1), d(2026, 1, 5), Placement::U6);
        move_to(
            &mut record,
            d(2026, 2, 25),
            ReasonNewEpisode::P,
            Placement::U5,
        );
        let case = Case::new(record).plan(plan(d(2026, 2, 20), PermanenceOption::Adoption));
        assert_eq!(
            case.status(&Perm06, d(2026, 2, 24)),
            overdue(d(2026, 2, 20))
        );
        assert_eq!(case.status(&Perm06, d(2026, 2, 25)), None);
    }

    #[test]
    fn leaving_care_and_re_entry() {
        let mut record = in_care(d(2025, 6, 1), d(2026, 1, 5), Placement::U6);
        leave_care(&mut record, d(2026, 2, 20), ReasonEpisodeCeased::E4A);
        let case = Case::new(record.clone()).plan(plan(d(2026, 2, 10), PermanenceOption::Adoption));
        assert_eq!(case.status(&Perm06, d(2026, 2, 21)), None);
        // Back in care with a new plan: a consideration in the earlier period does not
        // count.
        re_enter(&mut record, d(2026, 6, 1), Placement::U6);
        let case = Case::new(record)
            .plan(plan(d(2026, 6, 10), PermanenceOption::Adoption))
            .with(|tracker| tracker.family_finding.push(search(Some(d(2026, 2, 5)))));
        assert_eq!(
            case.status(&Perm06, d(2026, 6, 11)),
            overdue(d(2026, 6, 10))
        );
    }
}
