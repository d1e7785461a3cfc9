//! LSW-01: life-story work started for a child with a plan for adoption, by the
//! placement order or within a set time of the plan.

use permanence_domain::codes::LegalStatus;
use permanence_domain::date::add_days;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::{life_story_started, plan_text, run_start};

/// LSW-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "LSW-01",
    title: "No life-story work for a child with an adoption plan",
    condition: "The child is looked after, the primary permanence plan is adoption (by any \
                route), and no life-story work has started. It is due by the placement order \
                (the first E1 legal status in this period of care) or the policy number of \
                days (default 90) after adoption became the plan, whichever is sooner. \
                Starting the work clears the finding from its date.",
    source: "Local, e.g. by the placement order: all children with an adoption plan must \
             have life-story work (Adoption Agencies Regs 2005 reg 35, NMS std 2, as in \
             procedures) [S61]",
    basis: Basis::Local,
    inputs: &[
        "Episodes: DECOM, LS (the placement order)",
        "Tracker: permanence plans (primary), life-story work (started, sessions)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker",
    action: "Start life-story work with the child (and the foster carers), and record the \
             date it started.",
    notes: &[
        "\"Adoption became the plan\" is the first of the unbroken run of plan versions \
         whose primary plan is adoption.",
        "Life-story work started at any time before counts, including in an earlier period \
         of care.",
        "Cannot decide: the life-story record shows sessions or stages but no start date.",
    ],
};

rule_settings! {
    due_soon_days: Some(14);
    /// Days after adoption became the plan by which life-story work should start (if the
    /// placement order is not sooner).
    days_after_plan: number (Days, 0..=730) = 90;
}

/// LSW-01.
pub struct Lsw01;

impl_rule!(Lsw01, INFO, lsw_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    let Some(plan) = ctx.plan().filter(|plan| plan.primary.is_adoption()) else {
        return Vec::new();
    };
    match life_story_started(ctx) {
        Ok(Some(_)) => return Vec::new(),
        Ok(None) => {}
        Err(evidence) => {
            return vec![ctx.finding(&INFO, Status::CannotDecide, None, vec![evidence])];
        }
    }
    let since = run_start(ctx, |p| p.primary.is_adoption()).expect("the plan is adoption");
    let by_plan = add_days(since, settings.days_after_plan);
    let order = ctx
        .journey
        .legal_statuses
        .iter()
        .find(|spell| {
            spell.legal_status == LegalStatus::E1
                && spell.start >= current.start()
                && spell.start <= ctx.as_of
        })
        .map(|spell| spell.start);
    let due = order.map_or(by_plan, |order| order.min(by_plan));
    let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
        return Vec::new();
    };
    let mut evidence = vec![
        Evidence::new("Permanence plan", plan_text(plan)),
        Evidence::new("Adoption the plan since", dmy(since)),
    ];
    if let Some(order) = order {
        evidence.push(Evidence::new(
            "Placement order",
            format!("{} (first E1 legal status in this period)", dmy(order)),
        ));
    }
    evidence.push(Evidence::new(
        "Life-story work due to start",
        format!(
            "{} (the placement order or {} days after adoption became the plan, whichever \
             is sooner)",
            dmy(due),
            settings.days_after_plan
        ),
    ));
    evidence.push(Evidence::new("Life-story work", "not started"));
    vec![ctx.finding(&INFO, status, Some(due), evidence)]
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::LifeStoryWork;

    pub(crate) fn work(started: Option<Date>, sessions: u32) -> LifeStoryWork {
        LifeStoryWork {
            child: "C1".into(),
            started,
            sessions,
            last_session: None,
            book_first_stage: None,
            book_completed: None,
            later_life_letter: None,
        }
    }

    /// In care from 5 January 2026; adoption the plan from 2 February 2026: 90 days
    /// later is 3 May.
    fn adoption_plan() -> Case {
        Case::new(in_care(d(2025, 1, 1), d(2026, 1, 5), Placement::U6))
            .plan(plan(d(2026, 2, 2), PermanenceOption::Adoption))
    }

    #[test]
    fn due_90_days_after_the_plan() {
        let case = adoption_plan();
        let due = d(2026, 5, 3);
        assert_eq!(case.status(&Lsw01, d(2026, 4, 18)), None);
        assert_eq!(case.status(&Lsw01, d(2026, 4, 19)), due_soon(due));
        assert_eq!(case.status(&Lsw01, due), due_soon(due));
        assert_eq!(case.status(&Lsw01, d(2026, 5, 4)), overdue(due));
        assert_eq!(
            case.finding(&Lsw01, d(2026, 5, 4)).owner.as_deref(),
            Some("SW1")
        );
        let started = case.with(|tracker| tracker.life_story = Some(work(Some(d(2026, 5, 10)), 1)));
        assert_eq!(started.status(&Lsw01, d(2026, 5, 9)), overdue(due));
        assert_eq!(started.status(&Lsw01, d(2026, 5, 10)), None);
    }

    #[test]
    fn or_by_the_placement_order() {
        let mut case = adoption_plan();
        change_legal_status(&mut case.record, d(2026, 3, 16), LegalStatus::E1);
        assert_eq!(case.status(&Lsw01, d(2026, 3, 17)), overdue(d(2026, 3, 16)));
    }

    #[test]
    fn only_adoption_plans_in_care() {
        let case = Case::new(in_care(d(2025, 1, 1), d(2026, 1, 5), Placement::U6))
            .plan(plan(d(2026, 2, 2), PermanenceOption::LongTermFostering));
        assert_eq!(case.status(&Lsw01, d(2026, 5, 4)), None);
        let mut case = adoption_plan();
        leave_care(&mut case.record, d(2026, 5, 3), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Lsw01, d(2026, 5, 4)), None);
        // Back in care with a new adoption plan.
        re_enter(&mut case.record, d(2026, 6, 1), Placement::U6);
        let case = case.plan(plan(d(2026, 6, 15), PermanenceOption::Adoption));
        assert_eq!(case.status(&Lsw01, d(2026, 9, 14)), overdue(d(2026, 9, 13)));
    }

    #[test]
    fn cannot_decide_with_work_but_no_start_date() {
        let case = adoption_plan().with(|tracker| tracker.life_story = Some(work(None, 3)));
        assert_eq!(case.status(&Lsw01, d(2026, 5, 4)), cannot_decide());
        let case = adoption_plan().with(|tracker| tracker.life_story = Some(work(None, 0)));
        assert_eq!(case.status(&Lsw01, d(2026, 5, 4)), overdue(d(2026, 5, 3)));
    }
}
