//! FC-01: a foster carer's review of approval is overdue (Fostering Services (England)
//! Regulations 2011 reg 28): the first within a year of approval, then at intervals of
//! no more than 12 months.

use permanence_domain::date::add_months;
use permanence_domain::tracker::HouseholdStatus;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// FC-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "FC-01",
    title: "Foster carer approval review overdue",
    condition: "The child lives with a fostering household (household placements) that is \
                approved or on hold, and the household's approval has not been reviewed \
                within the policy number of months (default 12) of its approval or of its \
                latest review (terms of approval recorded with reason `review`). Due on \
                that day; due soon before it.",
    source: "Fostering Services (England) Regulations 2011 reg 28: the first review within a \
             year of approval (its report to the fostering panel), thereafter at intervals \
             of no more than a year [S69]",
    basis: Basis::Statutory,
    inputs: &[
        "Tracker: fostering households (status, approval date)",
        "Tracker: terms of approval (reviews)",
        "Tracker: children living with households",
    ],
    needs_tracker_records: true,
    owner: Role::FosteringTeamManager,
    escalation: "Fostering team manager; fostering panel",
    action: "Hold the household's review of approval, take the first review to the \
             fostering panel, and record it as terms of approval with reason review.",
    notes: &[
        "Alerts are about children, so the finding is raised for each child living with \
         the household (its subject is the household); the fostering register page lists \
         every household's review, children placed or not.",
        "Cannot decide: the household is approved but neither its approval date nor terms \
         set at approval are recorded.",
    ],
};

rule_settings! {
    due_soon_days: Some(30);
    /// Months after approval, and after each review, by which the next review is due.
    months: number (Months, 1..=24) = 12;
}

/// FC-01.
pub struct Fc01;

impl_rule!(Fc01, INFO, fc_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let register = &ctx.borough.organisation().fostering;
    let Some(placement) = register.placement_of(ctx.child(), ctx.as_of) else {
        return Vec::new();
    };
    let Some(household) = register.household(&placement.household) else {
        return Vec::new();
    };
    if !matches!(
        household.status,
        HouseholdStatus::Approved | HouseholdStatus::OnHold
    ) {
        return Vec::new();
    }
    let subject = household.id.clone();
    let Some(approved) = register.approved_on(household).filter(|d| *d <= ctx.as_of) else {
        let evidence = vec![Evidence::new(
            "Household",
            format!(
                "{} ({}): no approval date recorded",
                household.name, household.id
            ),
        )];
        return vec![
            ctx.finding(&INFO, crate::finding::Status::CannotDecide, None, evidence)
                .about(subject),
        ];
    };
    let review = register.last_review_on(&household.id, ctx.as_of);
    let last = review.unwrap_or(approved).max(approved);
    let due = add_months(last, settings.months);
    let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
        return Vec::new();
    };
    let evidence = vec![
        Evidence::new(
            "Household",
            format!("{} ({})", household.name, household.id),
        ),
        Evidence::new("Approved", dmy(approved).to_string()),
        Evidence::new(
            "Latest review",
            review.map_or_else(|| "none recorded".to_string(), |d| dmy(d).to_string()),
        ),
        Evidence::new(
            "Review due",
            format!(
                "{} ({} months after {})",
                dmy(due),
                settings.months,
                dmy(last)
            ),
        ),
    ];
    vec![
        ctx.finding(&INFO, status, Some(due), evidence)
            .about(subject),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fostering_test_support::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::TermsReason;

    #[test]
    fn the_first_review_is_due_a_year_after_approval() {
        // Approved 15 March 2024: the first review is due 15 March 2025.
        let case = placed(household("FH1", d(2024, 3, 15)), &[], d(2024, 6, 1));
        assert_eq!(case.status(&Fc01, d(2025, 2, 12)), None);
        assert_eq!(case.status(&Fc01, d(2025, 2, 13)), due_soon(d(2025, 3, 15)));
        assert_eq!(case.status(&Fc01, d(2025, 3, 15)), due_soon(d(2025, 3, 15)));
        assert_eq!(case.status(&Fc01, d(2025, 3, 16)), overdue(d(2025, 3, 15)));
        assert_eq!(
            case.finding(&Fc01, d(2025, 3, 16)).subject.as_deref(),
            Some("FH1")
        );
    }

    #[test]
    fn then_each_review_is_due_12_months_after_the_last() {
        let terms = [
            terms("FH1", d(2024, 3, 15), TermsReason::Approval, 0, 18, 3),
            terms("FH1", d(2025, 3, 10), TermsReason::Review, 0, 18, 3),
            // A variation is not a review.
            terms("FH1", d(2025, 9, 1), TermsReason::Variation, 0, 18, 2),
        ];
        let case = placed(household("FH1", d(2024, 3, 15)), &terms, d(2024, 6, 1));
        assert_eq!(case.status(&Fc01, d(2025, 3, 16)), None);
        assert_eq!(case.status(&Fc01, d(2026, 3, 10)), due_soon(d(2026, 3, 10)));
        assert_eq!(case.status(&Fc01, d(2026, 3, 11)), overdue(d(2026, 3, 10)));
    }

    #[test]
    fn resigned_households_and_children_not_placed_are_not_flagged() {
        let mut resigned = household("FH1", d(2020, 1, 1));
        resigned.status = HouseholdStatus::Resigned;
        let case = placed(resigned, &[], d(2024, 6, 1));
        assert_eq!(case.status(&Fc01, d(2025, 6, 1)), None);
        let case = placed(household("FH1", d(2020, 1, 1)), &[], d(2024, 6, 1));
        assert_eq!(case.status(&Fc01, d(2024, 5, 31)), None);
        assert!(case.status(&Fc01, d(2024, 6, 1)).is_some());
    }

    #[test]
    fn cannot_decide_without_an_approval_date() {
        let mut unknown = household("FH1", d(2020, 1, 1));
        unknown.approved = None;
        let case = placed(unknown, &[], d(2024, 6, 1));
        assert_eq!(case.status(&Fc01, d(2025, 6, 1)), cannot_decide());
    }
}
