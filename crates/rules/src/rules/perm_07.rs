//! PERM-07: siblings living apart although their together-and-apart assessment said
//! they should live together.

use std::collections::BTreeMap;

use permanence_domain::journey::PlacementSpell;
use permanence_domain::tracker::{SiblingAssessment, SiblingConclusion};

use crate::context::{Context, dmy, placement_text};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// PERM-07's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PERM-07",
    title: "Siblings assessed to live together are placed apart",
    condition: "The child is looked after and, for a sibling who is also looked after, the \
                latest together-and-apart assessment covering both concluded that they \
                should live together, but the two live in different placements. The finding \
                is overdue from the day they were apart after that assessment (the later of \
                the assessment and the start of either child's current placement), one \
                finding per sibling, until they live together or a newer assessment \
                concludes otherwise.",
    source: "Together-or-apart sibling assessment before permanence decisions; no statutory \
             requirement (practice) [S118], [S119]",
    basis: Basis::Local,
    inputs: &[
        "Episodes: PLACE, URN, PL_POST, DECOM, DEC (both children's current placements)",
        "Tracker: together-and-apart assessments (siblings, date, conclusion), this child's \
         and any that name this child",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; team manager",
    action: "Review whether the siblings can live together; if they should stay apart, \
             record a new assessment that says so, with the contact plan.",
    notes: &[
        "The rule table's \"siblings placed apart with no together-or-apart assessment\" \
         cannot be computed: the 903 return and the tracker hold no sibling relationships \
         except inside assessments, so the children who were never assessed are exactly \
         the ones whose siblings are unknown. A sibling register would make it computable. \
         What the records can support is checked instead: an assessment that said \
         \"together\", and placements that say otherwise.",
        "An assessment covers the child it is recorded for and every sibling it names, so a \
         sibling's assessment naming this child counts too. \"Some together, some apart\" \
         does not say which, so it is not checked.",
        "Two placements are the same home when both have the same Ofsted URN (ignoring the \
         placeholder XXXXXXX), or else the same placement postcode. Temporary placements \
         (T0 to T4) are not compared. Siblings who are not looked after, or not in the \
         loaded data, are not compared.",
        "Cannot decide: neither a URN nor a postcode that could tell the two placements \
         apart is recorded.",
    ],
};

rule_settings! {
    due_soon_days: None;
}

/// PERM-07.
pub struct Perm07;

impl_rule!(Perm07, INFO, perm_07, evaluate);

fn normalised(text: Option<&str>, placeholder: impl Fn(&str) -> bool) -> Option<String> {
    let text: String = text?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    (!text.is_empty() && !placeholder(&text)).then_some(text)
}

/// Whether two placements are the same home; `None` when the records cannot tell.
fn same_home(a: &PlacementSpell, b: &PlacementSpell) -> Option<bool> {
    let urn = |p: &PlacementSpell| normalised(p.urn.as_deref(), |u| u.chars().all(|c| c == 'X'));
    let postcode = |p: &PlacementSpell| normalised(p.postcode.as_deref(), |_| false);
    match (urn(a), urn(b)) {
        (Some(x), Some(y)) => return Some(x == y),
        (Some(_), None) | (None, Some(_))
            if a.place.is_childrens_home() || b.place.is_childrens_home() =>
        {
            return Some(false);
        }
        _ => {}
    }
    match (postcode(a), postcode(b)) {
        (Some(x), Some(y)) => Some(x == y),
        _ => None,
    }
}

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    let Some(mine) = current
        .current_placement()
        .filter(|p| !p.place.is_temporary())
    else {
        return Vec::new();
    };
    let named = ctx.borough.assessments_naming(ctx.child());
    if ctx.tracker.sibling_assessments.is_empty() && named.is_empty() {
        return Vec::new();
    }
    // The latest assessment covering this child and each sibling.
    let mut latest: BTreeMap<&str, &SiblingAssessment> = BTreeMap::new();
    let own = ctx
        .tracker
        .sibling_assessments
        .iter()
        .flat_map(|a| a.siblings.iter().map(move |s| (s.as_str(), a)));
    let others = named.iter().flat_map(|&(about, a)| {
        std::iter::once((about, a)).chain(a.siblings.iter().map(move |s| (s.as_str(), a)))
    });
    for (sibling, assessment) in own.chain(others) {
        if sibling == ctx.child() || assessment.date > ctx.as_of {
            continue;
        }
        let entry = latest.entry(sibling).or_insert(assessment);
        if assessment.date > entry.date {
            *entry = assessment;
        }
    }
    let mut findings = Vec::new();
    for (sibling, assessment) in latest {
        if assessment.conclusion != SiblingConclusion::Together {
            continue;
        }
        let Some(theirs) = ctx
            .borough
            .journey(sibling)
            .and_then(|journey| journey.placement_on(ctx.as_of))
            .filter(|p| !p.place.is_temporary())
        else {
            continue;
        };
        let assessed = Evidence::new(
            "Together-and-apart assessment",
            format!(
                "{}: {} (siblings {})",
                dmy(assessment.date),
                assessment.conclusion.label().to_lowercase(),
                assessment.siblings.join(", ")
            ),
        );
        let placements = [
            Evidence::new("This child's placement", placement_text(mine, ctx.as_of)),
            Evidence::new(
                "Sibling's placement",
                format!("{sibling}: {}", placement_text(theirs, ctx.as_of)),
            ),
        ];
        match same_home(mine, theirs) {
            Some(true) => {}
            Some(false) => {
                let since = assessment.date.max(mine.start).max(theirs.start);
                let mut evidence = vec![assessed];
                evidence.extend(placements);
                evidence.push(Evidence::new("Apart since", dmy(since)));
                findings.push(
                    ctx.finding(&INFO, Status::Overdue, Some(since), evidence)
                        .about(sibling.to_string()),
                );
            }
            None => {
                let mut evidence = vec![assessed];
                evidence.extend(placements);
                evidence.push(Evidence::new(
                    "Same home?",
                    "cannot tell: no URN or placement postcode recorded for both placements",
                ));
                findings.push(
                    ctx.finding(&INFO, Status::CannotDecide, None, evidence)
                        .about(sibling.to_string()),
                );
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    fn assessment(
        date: Date,
        siblings: &[&str],
        conclusion: SiblingConclusion,
    ) -> SiblingAssessment {
        SiblingAssessment {
            child: "C1".into(),
            siblings: siblings.iter().map(|s| s.to_string()).collect(),
            date,
            conclusion,
        }
    }

    /// C1 in foster care since 5 January 2026 at `mine`; sibling C2 since 2 February 2026
    /// at `theirs` (postcodes).
    fn siblings(mine: Option<&str>, theirs: Option<&str>, conclusion: SiblingConclusion) -> Case {
        let mut record = in_care(d(2016, 1, 1), d(2026, 1, 5), Placement::U4);
        record.episodes[0].pl_post = mine.map(String::from);
        let mut sibling = in_care(d(2018, 1, 1), d(2026, 2, 2), Placement::U4);
        sibling.child = "C2".into();
        sibling.episodes[0].pl_post = theirs.map(String::from);
        let mut case = Case::new(record).with(|tracker| {
            tracker
                .sibling_assessments
                .push(assessment(d(2026, 1, 20), &["C2"], conclusion))
        });
        case.others.push((sibling, ChildTracker::default()));
        case
    }

    #[test]
    fn together_in_the_assessment_but_apart() {
        let case = siblings(
            Some("RM10 7AA"),
            Some("IG11 8BB"),
            SiblingConclusion::Together,
        );
        assert_eq!(case.status(&Perm07, d(2026, 2, 1)), None);
        assert_eq!(case.status(&Perm07, d(2026, 2, 2)), overdue(d(2026, 2, 2)));
        let finding = case.finding(&Perm07, d(2026, 2, 10));
        assert_eq!(finding.days_overdue, 8);
        assert_eq!(finding.owner.as_deref(), Some("SW1"));
        assert!(
            finding.evidence_text().contains(
                "Together-and-apart assessment: 20/01/2026: place together (siblings C2)"
            )
        );
    }

    #[test]
    fn together_or_assessed_apart_is_fine() {
        let case = siblings(
            Some("RM10 7AA"),
            Some("rm107aa"),
            SiblingConclusion::Together,
        );
        assert_eq!(case.status(&Perm07, d(2026, 2, 10)), None);
        let case = siblings(Some("RM10 7AA"), Some("IG11 8BB"), SiblingConclusion::Apart);
        assert_eq!(case.status(&Perm07, d(2026, 2, 10)), None);
        // A newer assessment concluding apart clears it from its date.
        let case = siblings(
            Some("RM10 7AA"),
            Some("IG11 8BB"),
            SiblingConclusion::Together,
        )
        .with(|tracker| {
            tracker.sibling_assessments.push(assessment(
                d(2026, 3, 2),
                &["C2"],
                SiblingConclusion::Apart,
            ))
        });
        assert_eq!(case.status(&Perm07, d(2026, 3, 1)), overdue(d(2026, 2, 2)));
        assert_eq!(case.status(&Perm07, d(2026, 3, 2)), None);
    }

    #[test]
    fn a_siblings_assessment_naming_this_child_counts() {
        let mut case = siblings(
            Some("RM10 7AA"),
            Some("IG11 8BB"),
            SiblingConclusion::Together,
        );
        let own = case.tracker.sibling_assessments.pop().unwrap();
        case.others[0]
            .1
            .sibling_assessments
            .push(SiblingAssessment {
                child: "C2".into(),
                siblings: vec!["C1".into()],
                ..own
            });
        assert_eq!(case.status(&Perm07, d(2026, 2, 10)), overdue(d(2026, 2, 2)));
    }

    #[test]
    fn urns_decide_for_childrens_homes() {
        let mut case = siblings(None, None, SiblingConclusion::Together);
        case.record.episodes[0].urn = Some("SC123456".into());
        case.others[0].0.episodes[0].urn = Some("SC123456".into());
        assert_eq!(case.status(&Perm07, d(2026, 2, 10)), None);
        case.others[0].0.episodes[0].urn = Some("SC654321".into());
        assert_eq!(case.status(&Perm07, d(2026, 2, 10)), overdue(d(2026, 2, 2)));
    }

    #[test]
    fn cannot_decide_without_urn_or_postcode() {
        let case = siblings(Some("RM10 7AA"), None, SiblingConclusion::Together);
        assert_eq!(case.status(&Perm07, d(2026, 2, 10)), cannot_decide());
        let mut case = siblings(
            Some("RM10 7AA"),
            Some("IG11 8BB"),
            SiblingConclusion::Together,
        );
        case.record.episodes[0].urn = Some("XXXXXXX".into());
        case.others[0].0.episodes[0].urn = Some("XXXXXXX".into());
        assert_eq!(case.status(&Perm07, d(2026, 2, 10)), overdue(d(2026, 2, 2)));
    }

    #[test]
    fn leaving_care_and_siblings_not_looked_after() {
        let mut case = siblings(
            Some("RM10 7AA"),
            Some("IG11 8BB"),
            SiblingConclusion::Together,
        );
        leave_care(
            &mut case.others[0].0,
            d(2026, 3, 1),
            ReasonEpisodeCeased::E4A,
        );
        assert_eq!(case.status(&Perm07, d(2026, 2, 28)), overdue(d(2026, 2, 2)));
        assert_eq!(case.status(&Perm07, d(2026, 3, 1)), None);
        let mut case = siblings(
            Some("RM10 7AA"),
            Some("IG11 8BB"),
            SiblingConclusion::Together,
        );
        leave_care(&mut case.record, d(2026, 3, 1), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Perm07, d(2026, 3, 1)), None);
        // Re-entry with a later assessment date: apart from the new placement's start.
        re_enter(&mut case.record, d(2026, 4, 1), Placement::U4);
        case.record.episodes[1].pl_post = Some("RM10 7AA".into());
        assert_eq!(case.status(&Perm07, d(2026, 4, 2)), overdue(d(2026, 4, 1)));
    }

    #[test]
    fn assessments_after_the_evaluation_date_are_ignored() {
        let case = siblings(
            Some("RM10 7AA"),
            Some("IG11 8BB"),
            SiblingConclusion::Together,
        );
        let case = case.with(|tracker| tracker.sibling_assessments[0].date = d(2026, 3, 1));
        assert_eq!(case.status(&Perm07, d(2026, 2, 10)), None);
        assert_eq!(case.status(&Perm07, d(2026, 3, 1)), overdue(d(2026, 3, 1)));
    }
}
