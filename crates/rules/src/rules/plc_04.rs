//! PLC-04: a foster household over the usual fostering limit of three children, not all
//! siblings, without a named-child exemption (Children Act 1989 Schedule 7).

use permanence_domain::Date;
use permanence_domain::tracker::HouseholdPlacement;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// PLC-04's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PLC-04",
    title: "Foster carers over the usual fostering limit",
    condition: "The child lives with a fostering household where more than the usual \
                fostering limit (default 3) of children live, they are not all siblings of \
                one another (named in a together-and-apart assessment of either), and the \
                child has no named-child exemption (household placements, EXEMPTION). \
                Overdue from the day the household went over the limit.",
    source: "Children Act 1989 s63(12) and Schedule 7: a foster parent may not foster more \
             than three children unless they are all siblings or the local authority grants \
             an exemption for named children [S66], [S67]",
    basis: Basis::Statutory,
    inputs: &[
        "Tracker: children living with households (EXEMPTION)",
        "Tracker: sibling assessments",
    ],
    needs_tracker_records: true,
    owner: Role::ServiceManager,
    escalation: "Service manager; head of service",
    action: "Grant and record a named-child exemption (with the household's terms of \
             approval varied to match), or plan a move so the household is within the limit.",
    notes: &[
        "The rule table names the fostering service manager; the records hold no fostering \
         line, so the child's service manager owns it.",
        "Siblings are known only from together-and-apart assessments; children no assessment \
         names together count as non-siblings.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// The usual fostering limit: children a household may foster without an exemption.
    limit: number (Children, 1..=10) = 3;
}

/// PLC-04.
pub struct Plc04;

impl_rule!(Plc04, INFO, plc_04, evaluate);

/// Whether two children are siblings by any together-and-apart assessment of either.
pub(crate) fn siblings(ctx: &Context<'_>, a: &str, b: &str) -> bool {
    let named = |x: &str, y: &str| {
        ctx.borough
            .assessments_naming(x)
            .iter()
            .any(|(about, _)| *about == y)
    };
    let own = |other: &str| {
        ctx.tracker
            .sibling_assessments
            .iter()
            .any(|s| s.date <= ctx.as_of && s.siblings.iter().any(|sib| sib == other))
    };
    (a == ctx.child() && own(b)) || (b == ctx.child() && own(a)) || named(a, b) || named(b, a)
}

/// The day the household's current children went over `limit` (the start of the
/// (limit+1)th of them, in start order).
pub(crate) fn over_since(children: &[&HouseholdPlacement], limit: usize) -> Option<Date> {
    let mut starts: Vec<Date> = children.iter().map(|p| p.start).collect();
    starts.sort_unstable();
    starts.get(limit).copied()
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let register = &ctx.borough.organisation().fostering;
    let Some(placement) = register.placement_of(ctx.child(), ctx.as_of) else {
        return Vec::new();
    };
    if placement.exemption == Some(true) {
        return Vec::new();
    }
    let children: Vec<&HouseholdPlacement> = register
        .placed_on(&placement.household, ctx.as_of)
        .collect();
    let limit = settings.limit.max(1) as usize;
    let Some(since) = over_since(&children, limit) else {
        return Vec::new();
    };
    let all_siblings = children.iter().all(|a| {
        children
            .iter()
            .all(|b| a.child == b.child || siblings(ctx, &a.child, &b.child))
    });
    if all_siblings {
        return Vec::new();
    }
    let name = register
        .household(&placement.household)
        .map_or(placement.household.clone(), |h| {
            format!("{} ({})", h.name, h.id)
        });
    let evidence = vec![
        Evidence::new("Household", name),
        Evidence::new(
            "Children living there",
            format!(
                "{} on {}: {} (limit {})",
                children.len(),
                dmy(ctx.as_of),
                children
                    .iter()
                    .map(|p| format!("{} from {}", p.child, dmy(p.start)))
                    .collect::<Vec<_>>()
                    .join(", "),
                settings.limit
            ),
        ),
        Evidence::new("Over the limit since", dmy(since).to_string()),
        Evidence::new("Exemption", "none recorded for this child"),
    ];
    vec![
        ctx.finding(&INFO, Status::Overdue, Some(since), evidence)
            .about(placement.household.clone()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fostering_test_support::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::{SiblingAssessment, SiblingConclusion};

    fn four(exempt: bool) -> Case {
        // C1 since 1 March; C2 and C3 since 1 April; C4 joins on 10 June 2025.
        let mut case = placed(household("FH1", d(2020, 1, 1)), &[], d(2025, 3, 1));
        for (child, start) in [
            ("C2", d(2025, 4, 1)),
            ("C3", d(2025, 4, 1)),
            ("C4", d(2025, 6, 10)),
        ] {
            case.organisation
                .fostering
                .placements
                .push(household_placement(child, "FH1", start));
        }
        case.organisation.fostering.placements[0].exemption = Some(exempt);
        case
    }

    #[test]
    fn a_fourth_child_takes_the_household_over_the_limit() {
        let case = four(false);
        assert_eq!(case.status(&Plc04, d(2025, 6, 9)), None);
        assert_eq!(case.status(&Plc04, d(2025, 6, 10)), overdue(d(2025, 6, 10)));
        assert_eq!(case.status(&Plc04, d(2025, 6, 11)), overdue(d(2025, 6, 10)));
        assert_eq!(
            case.finding(&Plc04, d(2025, 6, 11)).subject.as_deref(),
            Some("FH1")
        );
    }

    #[test]
    fn a_named_exemption_or_a_child_leaving_clears_it() {
        assert_eq!(four(true).status(&Plc04, d(2025, 6, 11)), None);
        let mut case = four(false);
        case.organisation.fostering.placements[3].end = Some(d(2025, 7, 1));
        assert_eq!(case.status(&Plc04, d(2025, 6, 30)), overdue(d(2025, 6, 10)));
        assert_eq!(case.status(&Plc04, d(2025, 7, 1)), None);
    }

    #[test]
    fn four_siblings_together_are_within_the_limit() {
        let case = four(false).with(|tracker| {
            tracker.sibling_assessments.push(SiblingAssessment {
                child: "C1".into(),
                siblings: vec!["C2".into(), "C3".into(), "C4".into()],
                date: d(2025, 2, 1),
                conclusion: SiblingConclusion::Together,
            })
        });
        // C2, C3 and C4 are named with C1 but not with one another: not all siblings.
        assert_eq!(case.status(&Plc04, d(2025, 6, 11)), overdue(d(2025, 6, 10)));
        let mut case = case;
        for (other, rest) in [("C2", ["C3", "C4"]), ("C3", ["C2", "C4"])] {
            let mut tracker = ChildTracker::default();
            tracker.sibling_assessments.push(SiblingAssessment {
                child: other.into(),
                siblings: rest.iter().map(|s| s.to_string()).collect(),
                date: d(2025, 2, 1),
                conclusion: SiblingConclusion::Together,
            });
            case.others.push((child(other, d(2015, 1, 1)), tracker));
        }
        assert_eq!(case.status(&Plc04, d(2025, 6, 11)), None);
    }
}
