//! PERM-05: a permanence plan drifting: its target date has passed, or nothing has moved
//! it on for too long.

use permanence_domain::Date;
use permanence_domain::date::add_days;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::plan_text;

/// PERM-05's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PERM-05",
    title: "Permanence plan drifting",
    condition: "The child is looked after and the permanence plan in force has not been \
                achieved, and either its target date has passed (due on the target date) or \
                nothing has been recorded that moves it on for more than the policy number of \
                days (default 90; due that many days after the latest progress). When both \
                apply, the earlier due date is used and both are in the evidence. A plan with \
                no target date cannot be checked against one: the rule cannot decide, unless \
                the plan has also made no progress.",
    source: "Local: permanence plan target date passed, or plan unchanged with no progress \
             action for more than N days (e.g. 90) (domain.md §6)",
    basis: Basis::Local,
    inputs: &[
        "Episodes: DECOM, RNE, DEC, REC, LS (the period of care)",
        "Tracker: permanence plans (decided, target, achieved), meetings, family finding, \
         panel decisions, management decisions, pre-proceedings meetings, court hearings",
    ],
    needs_tracker_records: true,
    owner: Role::TeamManager,
    escalation: "Team manager; service manager; IRO",
    action: "Review the plan: what has happened since the latest progress, what is stopping \
             it, and a realistic new target date.",
    notes: &[
        "Progress is the latest of: a plan version decided; a permanence planning meeting or \
         family group conference; a family search started or ended; a panel decision; a \
         management decision about the child made or completed; a pre-proceedings meeting; \
         a court hearing. Only records of this period of care dated on or before the \
         evaluation date count.",
        "Children in a series of short breaks (V3, V4) and children with no plan (PERM-01) \
         are left out.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Days without progress after which the plan is drifting.
    no_progress_days: number (Days, 1..=730) = 90;
}

/// PERM-05.
pub struct Perm05;

impl_rule!(Perm05, INFO, perm_05, evaluate);

/// The latest record that moved the plan on, dated from `from` to the evaluation date.
fn latest_progress(ctx: &Context<'_>, from: Date) -> Option<(Date, &'static str)> {
    let t = ctx.tracker;
    let candidates = [
        t.plans
            .iter()
            .map(|p| p.decided)
            .filter(|d| *d <= ctx.as_of)
            .max()
            .map(|d| (d, "plan decided")),
        t.meetings
            .iter()
            .map(|m| m.date)
            .filter(|d| *d <= ctx.as_of)
            .max()
            .map(|d| (d, "meeting")),
        t.family_finding
            .iter()
            .flat_map(|f| [Some(f.start), f.end])
            .flatten()
            .filter(|d| *d <= ctx.as_of)
            .max()
            .map(|d| (d, "family finding")),
        t.panel_decisions
            .iter()
            .map(|p| p.date)
            .filter(|d| *d <= ctx.as_of)
            .max()
            .map(|d| (d, "panel decision")),
        t.decisions
            .iter()
            .flat_map(|d| [Some(d.made), d.completed])
            .flatten()
            .filter(|d| *d <= ctx.as_of)
            .max()
            .map(|d| (d, "management decision")),
        t.pre_proceedings
            .iter()
            .flat_map(|(_, meetings)| meetings.iter().map(|m| m.date))
            .filter(|d| *d <= ctx.as_of)
            .max()
            .map(|d| (d, "pre-proceedings meeting")),
        t.proceedings
            .iter()
            .flat_map(|(_, hearings)| hearings.iter().map(|h| h.date))
            .filter(|d| *d <= ctx.as_of)
            .max()
            .map(|d| (d, "court hearing")),
    ];
    candidates
        .into_iter()
        .flatten()
        .filter(|(date, _)| *date >= from)
        .max_by_key(|(date, _)| *date)
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    if ctx.current_period().is_none() || ctx.in_short_breaks() {
        return Vec::new();
    }
    let Some(plan) = ctx.plan() else {
        return Vec::new();
    };
    if plan.achieved.is_some_and(|date| date <= ctx.as_of) {
        return Vec::new();
    }
    let window = ctx.due_soon_days(settings);
    let from = ctx.period_records_from(crate::context::PLAN_DAYS_BEFORE);
    let (progress, what) = latest_progress(ctx, from).unwrap_or((plan.decided, "plan decided"));
    let stalled_due = add_days(progress, settings.no_progress_days);
    // The most urgent of the two checks: overdue before due soon, then the earlier.
    let most_urgent = [plan.target, Some(stalled_due)]
        .into_iter()
        .flatten()
        .filter_map(|due| ctx.status_for(due, window).map(|status| (status, due)))
        .min();
    let (status, due) = match most_urgent {
        Some((Status::Overdue, due)) => (Status::Overdue, Some(due)),
        _ if plan.target.is_none() => (Status::CannotDecide, None),
        Some((status, due)) => (status, Some(due)),
        None => return Vec::new(),
    };
    let mut evidence = vec![Evidence::new("Permanence plan", plan_text(plan))];
    evidence.push(Evidence::new(
        "Target date",
        match plan.target {
            Some(target) if target < ctx.as_of => format!("{} (passed)", dmy(target)),
            Some(target) => dmy(target).to_string(),
            None => "not recorded: the plan has no timescale to check".to_string(),
        },
    ));
    evidence.push(Evidence::new(
        "Latest progress",
        format!(
            "{} ({what}); no progress for more than {} days from {}",
            dmy(progress),
            settings.no_progress_days,
            dmy(add_days(stalled_due, 1))
        ),
    ));
    vec![ctx.finding(&INFO, status, due, evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::{PanelDecision, PanelQuestion};

    /// In care since 5 January 2026; plan decided 20 January with a target of `target`.
    fn planned(target: Option<Date>) -> Case {
        let mut version = plan(d(2026, 1, 20), PermanenceOption::LongTermFostering);
        version.target = target;
        Case::new(in_care(d(2015, 3, 1), d(2026, 1, 5), Placement::U6)).plan(version)
    }

    #[test]
    fn the_target_date_passed() {
        let case = planned(Some(d(2026, 3, 1)))
            .with(|tracker| tracker.meetings.push(planning_meeting(d(2026, 2, 20))));
        let due = d(2026, 3, 1);
        assert_eq!(case.status(&Perm05, d(2026, 2, 18)), None);
        assert_eq!(case.status(&Perm05, d(2026, 2, 19)), due_soon(due));
        assert_eq!(case.status(&Perm05, due), due_soon(due));
        assert_eq!(case.status(&Perm05, d(2026, 3, 2)), overdue(due));
        let finding = case.finding(&Perm05, d(2026, 3, 2));
        assert_eq!(finding.owner.as_deref(), Some("TM1"));
        assert!(
            finding
                .evidence_text()
                .contains("Target date: 01/03/2026 (passed)")
        );
    }

    #[test]
    fn no_progress_for_more_than_90_days() {
        // Decided 20 January 2026; 90 days later is 20 April.
        let case = planned(Some(d(2027, 1, 1)));
        let due = d(2026, 4, 20);
        assert_eq!(case.status(&Perm05, d(2026, 4, 10)), due_soon(due));
        assert_eq!(case.status(&Perm05, due), due_soon(due));
        assert_eq!(case.status(&Perm05, d(2026, 4, 21)), overdue(due));
        assert!(case.finding(&Perm05, d(2026, 4, 21)).evidence_text().contains(
            "Latest progress: 20/01/2026 (plan decided); no progress for more than 90 days from 21/04/2026"
        ));
        // A panel decision on 1 April moves it on (and one after the evaluation date does
        // not count yet).
        let case = case.with(|tracker| {
            tracker.panel_decisions.push(PanelDecision {
                child: "C1".into(),
                panel: "PNL1".into(),
                date: d(2026, 4, 25),
                question: PanelQuestion::LongTermFosteringMatch,
                decision: "Match agreed".into(),
                conditions: None,
            })
        });
        assert_eq!(case.status(&Perm05, d(2026, 4, 24)), overdue(due));
        assert_eq!(case.status(&Perm05, d(2026, 4, 25)), None);
    }

    #[test]
    fn no_target_date_cannot_be_checked() {
        let case = planned(None);
        assert_eq!(case.status(&Perm05, d(2026, 2, 1)), cannot_decide());
        // Unless the plan has also stalled.
        assert_eq!(
            case.status(&Perm05, d(2026, 4, 21)),
            overdue(d(2026, 4, 20))
        );
    }

    #[test]
    fn achieved_plans_and_leaving_care() {
        let mut achieved = plan(d(2026, 1, 20), PermanenceOption::LongTermFostering);
        achieved.target = Some(d(2026, 3, 1));
        achieved.achieved = Some(d(2026, 2, 25));
        let case = Case::new(in_care(d(2015, 3, 1), d(2026, 1, 5), Placement::U6)).plan(achieved);
        assert_eq!(case.status(&Perm05, d(2026, 3, 2)), None);
        let mut record = in_care(d(2015, 3, 1), d(2026, 1, 5), Placement::U6);
        leave_care(&mut record, d(2026, 3, 1), ReasonEpisodeCeased::E4A);
        let mut version = plan(d(2026, 1, 20), PermanenceOption::ReturnHome);
        version.target = Some(d(2026, 3, 1));
        let case = Case::new(record.clone()).plan(version.clone());
        assert_eq!(case.status(&Perm05, d(2026, 3, 2)), None);
        // Back in care: the old plan is not this period's.
        re_enter(&mut record, d(2026, 5, 4), Placement::U6);
        assert_eq!(
            Case::new(record)
                .plan(version)
                .status(&Perm05, d(2026, 6, 1)),
            None
        );
    }
}
