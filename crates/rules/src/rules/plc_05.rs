//! PLC-05: a child placed outside the foster carers' terms of approval for more than 6
//! working days without a variation (local procedures; terms: Fostering Services
//! (England) Regulations 2011 reg 27(5)).

use permanence_domain::Date;
use permanence_domain::date::birthday;
use permanence_domain::tracker::{FosteringRegister, HouseholdPlacement};

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// PLC-05's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PLC-05",
    title: "Placement outside the carers' terms of approval",
    condition: "The child lives with a fostering household whose terms of approval in \
                force do not cover the placement: the child's age is outside the approved \
                range, the kind of placement is not one approved, or more children live \
                there than approved (or there are no terms at all). Due the policy number \
                of working days (default 6) after the day the placement went outside the \
                terms (the placement's start, a birthday, another child moving in, or new \
                terms); a variation that covers the child clears it.",
    source: "Fostering Services (England) Regulations 2011 reg 27(5) (terms of approval) \
             [S66]; placement outside terms in an emergency for up to 6 working days (local \
             procedures) [S68]",
    basis: Basis::Local,
    inputs: &[
        "Header: DOB",
        "Tracker: children living with households (PLACEMENT_TYPE)",
        "Tracker: terms of approval (age range, number, placement types)",
    ],
    needs_tracker_records: true,
    owner: Role::FosteringTeamManager,
    escalation: "Fostering team manager; service manager",
    action: "Vary the household's terms of approval to cover the child (recording the \
             variation as terms of approval with reason variation), or plan a move to carers \
             approved for the child.",
    notes: &[
        "The terms in force on each day are the latest set on or before it; the breach \
         is counted from the last day the placement went from within terms to outside \
         them.",
    ],
};

rule_settings! {
    due_soon_days: Some(3);
    /// Working days a placement may be outside the terms (an emergency) before a
    /// variation is needed.
    working_days: number (WorkingDays, 0..=60) = 6;
}

/// PLC-05.
pub struct Plc05;

impl_rule!(Plc05, INFO, plc_05, evaluate);

/// Why the placement is outside the household's terms on `date`, or `None` if within.
pub(crate) fn outside_terms(
    register: &FosteringRegister,
    placement: &HouseholdPlacement,
    dob: Date,
    date: Date,
) -> Option<String> {
    let Some(terms) = register.terms_on(&placement.household, date) else {
        return Some("no terms of approval recorded".to_string());
    };
    let age = permanence_domain::date::age_on(dob, date);
    let mut reasons = Vec::new();
    if age < terms.age_min as i32 || age > terms.age_max as i32 {
        reasons.push(format!(
            "aged {age}, approved for {} to {}",
            terms.age_min, terms.age_max
        ));
    }
    if !terms.placement_types.contains(&placement.placement_type) {
        reasons.push(format!(
            "{} placement, approved for {}",
            placement.placement_type.label().to_lowercase(),
            terms
                .placement_types
                .iter()
                .map(|t| t.label().to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let living = register.placed_on(&placement.household, date).count() as u32;
    if living > terms.children {
        reasons.push(format!(
            "{living} children living there, approved for {}",
            terms.children
        ));
    }
    (!reasons.is_empty())
        .then(|| format!("{} (terms from {})", reasons.join("; "), dmy(terms.from)))
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let register = &ctx.borough.organisation().fostering;
    let Some(placement) = register.placement_of(ctx.child(), ctx.as_of) else {
        return Vec::new();
    };
    let dob = ctx.dob();
    let Some(reason) = outside_terms(register, placement, dob, ctx.as_of) else {
        return Vec::new();
    };
    // Coverage changes only on these days: find the last change to "outside".
    let mut days: Vec<Date> = vec![placement.start];
    days.extend(
        register
            .terms
            .iter()
            .filter(|t| t.household == placement.household)
            .map(|t| t.from),
    );
    days.extend(
        register
            .placements
            .iter()
            .filter(|p| p.household == placement.household)
            .flat_map(|p| [Some(p.start), p.end])
            .flatten(),
    );
    days.extend((0..=25).map(|years| birthday(dob, years)));
    days.retain(|d| *d >= placement.start && *d <= ctx.as_of);
    days.sort_unstable();
    days.dedup();
    let mut since = placement.start;
    for day in days.iter().rev() {
        if outside_terms(register, placement, dob, *day).is_some() {
            since = *day;
        } else {
            break;
        }
    }
    let due = ctx.calendar.add_working_days(since, settings.working_days);
    let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
        return Vec::new();
    };
    let name = register
        .household(&placement.household)
        .map_or(placement.household.clone(), |h| {
            format!("{} ({})", h.name, h.id)
        });
    let evidence = vec![
        Evidence::new("Household", name),
        Evidence::new(
            "Placement",
            format!(
                "{} from {}",
                placement.placement_type.label(),
                dmy(placement.start)
            ),
        ),
        Evidence::new("Outside the terms", reason),
        Evidence::new(
            "Outside since",
            ctx.working_days_text(since, settings.working_days, due),
        ),
    ];
    vec![
        ctx.finding(&INFO, status, Some(due), evidence)
            .about(placement.household.clone()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fostering_test_support::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::TermsReason;

    #[test]
    fn a_child_older_than_the_terms_is_due_6_working_days_after_the_placement() {
        // The test child (born 1 June 2012) is 13 when placed on Friday 19 December 2025
        // with carers approved for 0 to 11. Six working days after it (22, 23, 24, 29,
        // 30, 31 December: Christmas and Boxing Day skipped) is 31 December.
        let terms = [terms("FH1", d(2020, 1, 1), TermsReason::Approval, 0, 11, 2)];
        let case = placed(household("FH1", d(2020, 1, 1)), &terms, d(2025, 12, 19));
        assert_eq!(case.status(&Plc05, d(2025, 12, 18)), None);
        assert_eq!(case.status(&Plc05, d(2025, 12, 19)), None);
        assert_eq!(
            case.status(&Plc05, d(2025, 12, 28)),
            due_soon(d(2025, 12, 31))
        );
        assert_eq!(
            case.status(&Plc05, d(2025, 12, 30)),
            due_soon(d(2025, 12, 31))
        );
        assert_eq!(
            case.status(&Plc05, d(2025, 12, 31)),
            due_soon(d(2025, 12, 31))
        );
        assert_eq!(case.status(&Plc05, d(2026, 1, 1)), overdue(d(2025, 12, 31)));
        assert_eq!(
            case.finding(&Plc05, d(2026, 1, 2)).subject.as_deref(),
            Some("FH1")
        );
    }

    #[test]
    fn a_variation_that_covers_the_child_clears_it() {
        let terms = [
            terms("FH1", d(2020, 1, 1), TermsReason::Approval, 0, 11, 2),
            terms("FH1", d(2026, 1, 5), TermsReason::Variation, 0, 14, 2),
        ];
        let case = placed(household("FH1", d(2020, 1, 1)), &terms, d(2025, 12, 19));
        assert_eq!(case.status(&Plc05, d(2026, 1, 2)), overdue(d(2025, 12, 31)));
        assert_eq!(case.status(&Plc05, d(2026, 1, 5)), None);
    }

    #[test]
    fn a_birthday_past_the_range_starts_the_count() {
        // Approved for 0 to 13: the child turns 14 on Monday 1 June 2026; six working
        // days later is Tuesday 9 June.
        let terms = [terms("FH1", d(2020, 1, 1), TermsReason::Approval, 0, 13, 2)];
        let case = placed(household("FH1", d(2020, 1, 1)), &terms, d(2025, 1, 6));
        assert_eq!(case.status(&Plc05, d(2026, 5, 31)), None);
        assert_eq!(case.status(&Plc05, d(2026, 6, 9)), due_soon(d(2026, 6, 9)));
        assert_eq!(case.status(&Plc05, d(2026, 6, 10)), overdue(d(2026, 6, 9)));
    }

    #[test]
    fn more_children_than_approved_counts_from_the_one_who_made_it_too_many() {
        let terms = [terms("FH1", d(2020, 1, 1), TermsReason::Approval, 0, 18, 1)];
        let mut case = placed(household("FH1", d(2020, 1, 1)), &terms, d(2025, 1, 6));
        case.organisation
            .fostering
            .placements
            .push(household_placement("C2", "FH1", d(2026, 3, 2)));
        assert_eq!(case.status(&Plc05, d(2026, 3, 1)), None);
        // Monday 2 March + 6 working days = Tuesday 10 March.
        assert_eq!(
            case.status(&Plc05, d(2026, 3, 10)),
            due_soon(d(2026, 3, 10))
        );
        assert_eq!(case.status(&Plc05, d(2026, 3, 11)), overdue(d(2026, 3, 10)));
    }
}
