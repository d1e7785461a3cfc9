//! PNL-01: the same question about a child decided by more than one panel within a short
//! time (the inspection's "plethora of panels").

use std::collections::BTreeMap;

use permanence_domain::date::days_between;
use permanence_domain::tracker::{PanelDecision, PanelQuestion};

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// PNL-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PNL-01",
    title: "Same question decided by more than one panel",
    condition: "Two different panels decided the same question about the child (for example \
                the permanence plan, or a match) within the policy number of days of each \
                other (default 90), both on or before the evaluation date. The finding is \
                overdue from the later decision and shows for the policy number of days \
                after it (default 90). One finding for each question.",
    source: "Local, from the inspection finding of a plethora of panels lacking clarity, \
             direction and purpose (domain.md §0)",
    basis: Basis::Local,
    inputs: &["Tracker: panel decisions (panel, date, question)"],
    needs_tracker_records: true,
    owner: Role::HeadOfService,
    escalation: "Head of service (panel governance)",
    action: "Agree which panel decides this question for the child, and make sure the \
             decisions agree.",
    notes: &[
        "Decisions on the question \"other\" are not compared: they need not be about the \
         same thing. The same panel deciding a question twice (a re-presentation) is not \
         flagged.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Days between two panels' decisions on the same question that count as overlap.
    days: number (Days, 1..=730) = 90;
    /// Days after the later decision that the finding shows for.
    show_for_days: number (Days, 0..=730) = 90;
}

/// PNL-01.
pub struct Pnl01;

impl_rule!(Pnl01, INFO, pnl_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let decisions = &ctx.tracker.panel_decisions;
    if decisions.len() < 2 {
        return Vec::new();
    }
    // For each question, the latest pair of different panels within the window.
    let mut latest: BTreeMap<PanelQuestion, (&PanelDecision, &PanelDecision)> = BTreeMap::new();
    let known = || {
        decisions
            .iter()
            .filter(|d| d.date <= ctx.as_of && d.question != PanelQuestion::Other)
    };
    for later in known() {
        for earlier in known() {
            if earlier.question != later.question
                || earlier.panel == later.panel
                || earlier.date > later.date
                || days_between(earlier.date, later.date) > settings.days
                || (earlier.date == later.date && earlier.panel > later.panel)
            {
                continue;
            }
            let entry = latest.entry(later.question).or_insert((earlier, later));
            if (later.date, earlier.date) > (entry.1.date, entry.0.date) {
                *entry = (earlier, later);
            }
        }
    }
    let panel_name = |id: &str| {
        ctx.borough
            .organisation()
            .panels
            .iter()
            .find(|panel| panel.id == id)
            .map_or_else(|| id.to_string(), |panel| format!("{id} ({})", panel.name))
    };
    let mut findings = Vec::new();
    for (question, (earlier, later)) in latest {
        if days_between(later.date, ctx.as_of) > settings.show_for_days {
            continue;
        }
        let text = |d: &PanelDecision| {
            format!(
                "{} on {}: \"{}\"",
                panel_name(&d.panel),
                dmy(d.date),
                d.decision
            )
        };
        let evidence = vec![
            Evidence::new("Question", question.label()),
            Evidence::new("First panel", text(earlier)),
            Evidence::new("Second panel", text(later)),
            Evidence::new(
                "Apart",
                format!(
                    "{} days (the policy counts up to {} as overlap)",
                    days_between(earlier.date, later.date),
                    settings.days
                ),
            ),
        ];
        findings.push(
            ctx.finding(&INFO, Status::Overdue, Some(later.date), evidence)
                .about(question.code()),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::Panel;

    fn decision(panel: &str, date: Date, question: PanelQuestion) -> PanelDecision {
        PanelDecision {
            child: "C1".into(),
            panel: panel.into(),
            date,
            question,
            decision: "Agreed".into(),
            conditions: None,
        }
    }

    fn decided(decisions: Vec<PanelDecision>) -> Case {
        let mut case = Case::new(in_care(d(2015, 3, 1), d(2025, 1, 6), Placement::U6))
            .with(|tracker| tracker.panel_decisions = decisions);
        case.organisation.panels.push(Panel {
            id: "PP".into(),
            name: "Permanence panel".into(),
            remit: "Permanence plans".into(),
            chair: None,
            questions: vec![PanelQuestion::PermanencePlan],
        });
        case
    }

    #[test]
    fn two_panels_on_one_question_within_90_days() {
        let case = decided(vec![
            decision("PP", d(2025, 10, 1), PanelQuestion::PermanencePlan),
            decision("RES", d(2025, 12, 30), PanelQuestion::PermanencePlan),
        ]);
        assert_eq!(case.status(&Pnl01, d(2025, 12, 29)), None);
        assert_eq!(
            case.status(&Pnl01, d(2025, 12, 30)),
            overdue(d(2025, 12, 30))
        );
        let finding = case.finding(&Pnl01, d(2026, 1, 2));
        assert_eq!(finding.owner.as_deref(), Some("HOS1"));
        assert!(finding.evidence_text().contains(
            "First panel: PP (Permanence panel) on 01/10/2025: \"Agreed\"; Second panel: RES \
             on 30/12/2025"
        ));
        // Shown for 90 days after the later decision.
        assert_eq!(
            case.status(&Pnl01, d(2026, 3, 30)),
            overdue(d(2025, 12, 30))
        );
        assert_eq!(case.status(&Pnl01, d(2026, 3, 31)), None);
    }

    #[test]
    fn the_window_is_90_days() {
        // 1 October to 30 December is 90 days; to 31 December, 91.
        let case = decided(vec![
            decision("PP", d(2025, 10, 1), PanelQuestion::PermanencePlan),
            decision("RES", d(2025, 12, 31), PanelQuestion::PermanencePlan),
        ]);
        assert_eq!(case.status(&Pnl01, d(2026, 1, 2)), None);
    }

    #[test]
    fn other_questions_and_the_same_panel_are_fine() {
        let case = decided(vec![
            decision("PP", d(2025, 10, 1), PanelQuestion::PermanencePlan),
            decision("PP", d(2025, 11, 1), PanelQuestion::PermanencePlan),
            decision("RES", d(2025, 11, 2), PanelQuestion::PlacementResource),
            decision("X", d(2025, 11, 3), PanelQuestion::Other),
            decision("Y", d(2025, 11, 4), PanelQuestion::Other),
        ]);
        assert_eq!(case.status(&Pnl01, d(2025, 11, 10)), None);
    }

    #[test]
    fn not_tied_to_care() {
        let mut case = decided(vec![
            decision("PP", d(2025, 10, 1), PanelQuestion::PermanencePlan),
            decision("RES", d(2025, 12, 30), PanelQuestion::PermanencePlan),
        ]);
        leave_care(&mut case.record, d(2025, 12, 30), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Pnl01, d(2026, 1, 2)), overdue(d(2025, 12, 30)));
    }
}
