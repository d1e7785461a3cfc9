//! SUP-02: management decisions without an owner or a due date, or past their due date
//! and not done.

use permanence_domain::date::{days_between, format_dmy};

use permanence_domain::tracker::AllocationRole;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// SUP-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "SUP-02",
    title: "Management decision overdue or without a due date",
    condition: "A management decision about the child (from supervision, an alert, a review, \
                a panel or a permanence planning meeting) was made on or before the \
                evaluation date and not completed by then, and either it has no owner or no \
                due date (overdue from the day it was made), or its due date has passed \
                (due soon before). Only while the child's case is open (the child is looked \
                after, or has a social worker or personal adviser allocated), and for the \
                policy number of days (default 365) after the decision fell due. One finding \
                for each decision.",
    source: "Local, from the inspection finding that decisions were not made and recorded in \
             time at all levels (domain.md §0): every action needs an owner and a due date",
    basis: Basis::Local,
    inputs: &[
        "Episodes: DECOM, DEC (whether the child is looked after)",
        "Tracker: management decisions (made, owner, due, completed); allocations of a \
         social worker or personal adviser",
    ],
    needs_tracker_records: true,
    owner: Role::TeamManager,
    escalation: "Team manager",
    action: "Give the decision an owner and a due date, or see it done and record the date \
             it was completed.",
    notes: &[
        "A missing due date or owner is what this rule looks for, so it is a finding, not \
         \"cannot decide\".",
        "A decision more than the policy's days overdue is no longer shown: by then it has \
         reached the top of the escalation ladder and is usually overtaken by later \
         decisions; the decision log keeps it for reports. Set `show_for_days` higher to \
         keep old decisions in view.",
        "Decisions about a child whose case has closed (not looked after, no social worker \
         or personal adviser allocated) are left out: nobody holds the case to act on them. \
         They are still in the decision log for reports.",
        "Completion dates after the evaluation date are not known yet.",
    ],
};

rule_settings! {
    due_soon_days: Some(5);
    /// Days after a decision fell due (or, with no due date or owner, was made) that it
    /// shows for.
    show_for_days: number (Days, 0..=3650) = 365;
}

/// SUP-02.
pub struct Sup02;

impl_rule!(Sup02, INFO, sup_02, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    if ctx.tracker.decisions.is_empty() {
        return Vec::new();
    }
    let open = ctx.current_period().is_some()
        || [
            AllocationRole::SocialWorker,
            AllocationRole::PersonalAdviser,
        ]
        .into_iter()
        .any(|role| ctx.tracker.allocated_on(role, ctx.as_of).is_some());
    if !open {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for decision in &ctx.tracker.decisions {
        if decision.made > ctx.as_of || decision.completed.is_some_and(|c| c <= ctx.as_of) {
            continue;
        }
        let no_owner = decision.owner.trim().is_empty();
        let (status, due, problem) = match decision.due {
            _ if no_owner => (Status::Overdue, decision.made, "no owner"),
            None => (Status::Overdue, decision.made, "no due date"),
            Some(due) => match ctx.status_for(due, ctx.due_soon_days(settings)) {
                Some(status) => (status, due, "not completed"),
                None => continue,
            },
        };
        if days_between(due, ctx.as_of) > settings.show_for_days {
            continue;
        }
        let evidence = vec![
            Evidence::new(
                "Decision",
                format!(
                    "{} made {} by {} ({}): \"{}\"",
                    decision.id,
                    dmy(decision.made),
                    decision.made_by,
                    decision.source.label().to_lowercase(),
                    decision.text
                ),
            ),
            Evidence::new(
                "Owner",
                if no_owner {
                    "none".to_string()
                } else {
                    ctx.borough.person(&decision.owner).map_or_else(
                        || decision.owner.clone(),
                        |person| format!("{} ({})", decision.owner, person.name),
                    )
                },
            ),
            Evidence::new(
                "Due",
                decision.due.map_or("no due date".to_string(), format_dmy),
            ),
            Evidence::new("Problem", problem),
        ];
        findings.push(
            ctx.finding(&INFO, status, Some(due), evidence)
                .about(decision.id.as_str()),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    fn decided(due: Option<Date>, completed: Option<Date>) -> Case {
        let mut made = decision("D1", d(2025, 12, 1), due);
        made.completed = completed;
        Case::new(in_care(d(2015, 3, 1), d(2025, 1, 6), Placement::U6))
            .with(|tracker| tracker.decisions.push(made))
    }

    #[test]
    fn past_its_due_date_and_not_done() {
        // Due Christmas Day: calendar dates.
        let case = decided(Some(d(2025, 12, 25)), None);
        let due = d(2025, 12, 25);
        assert_eq!(case.status(&Sup02, d(2025, 12, 19)), None);
        assert_eq!(case.status(&Sup02, d(2025, 12, 20)), due_soon(due));
        assert_eq!(case.status(&Sup02, due), due_soon(due));
        assert_eq!(case.status(&Sup02, d(2025, 12, 26)), overdue(due));
        let finding = case.finding(&Sup02, d(2025, 12, 26));
        assert_eq!(finding.owner.as_deref(), Some("TM1"));
        assert!(finding.evidence_text().contains("Owner: SW1 (Sam Walker)"));
        let done = decided(Some(d(2025, 12, 25)), Some(d(2026, 1, 5)));
        assert_eq!(done.status(&Sup02, d(2026, 1, 4)), overdue(due));
        assert_eq!(done.status(&Sup02, d(2026, 1, 5)), None);
    }

    #[test]
    fn no_due_date_or_no_owner() {
        let case = decided(None, None);
        assert_eq!(case.status(&Sup02, d(2025, 11, 30)), None);
        assert_eq!(case.status(&Sup02, d(2025, 12, 1)), overdue(d(2025, 12, 1)));
        assert!(
            case.finding(&Sup02, d(2025, 12, 2))
                .evidence_text()
                .ends_with("Problem: no due date")
        );
        let case = decided(Some(d(2026, 3, 1)), None)
            .with(|tracker| tracker.decisions[0].owner = " ".into());
        assert_eq!(case.status(&Sup02, d(2025, 12, 2)), overdue(d(2025, 12, 1)));
    }

    #[test]
    fn shown_for_a_year_after_falling_due() {
        let case = decided(Some(d(2025, 12, 25)), None);
        assert_eq!(
            case.status(&Sup02, d(2026, 12, 25)),
            overdue(d(2025, 12, 25))
        );
        assert_eq!(case.status(&Sup02, d(2026, 12, 26)), None);
        let case = decided(None, None);
        assert_eq!(case.status(&Sup02, d(2026, 12, 1)), overdue(d(2025, 12, 1)));
        assert_eq!(case.status(&Sup02, d(2026, 12, 2)), None);
        let case = case.policy(|p| p.rules.sup_02.show_for_days = 3650);
        assert_eq!(case.status(&Sup02, d(2026, 12, 2)), overdue(d(2025, 12, 1)));
    }

    #[test]
    fn while_the_case_is_open() {
        // Left care on the due date with the social worker still allocated: shown.
        let mut case = decided(Some(d(2025, 12, 25)), None);
        leave_care(&mut case.record, d(2025, 12, 25), ReasonEpisodeCeased::E4A);
        assert_eq!(
            case.status(&Sup02, d(2025, 12, 26)),
            overdue(d(2025, 12, 25))
        );
        // The case closed (the allocation ended): not shown.
        let closed = case.with(|tracker| tracker.allocations[0].end = Some(d(2026, 1, 5)));
        assert_eq!(
            closed.status(&Sup02, d(2026, 1, 4)),
            overdue(d(2025, 12, 25))
        );
        assert_eq!(closed.status(&Sup02, d(2026, 1, 5)), None);
        // Re-entry opens it again.
        let mut back = closed;
        re_enter(&mut back.record, d(2026, 2, 2), Placement::U6);
        assert_eq!(back.status(&Sup02, d(2026, 2, 2)), overdue(d(2025, 12, 25)));
    }
}
