//! LSW-04: life-story work for children leaving care to special guardians or under a
//! child arrangements order, or planned to live with connected carers (the inspection
//! finding that life-story work was not available to all children).

use permanence_domain::codes::{Code, ReasonEpisodeCeased};
use permanence_domain::date::add_days;
use permanence_domain::tracker::PermanenceOption;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::{ended_by, life_story_started, plan_text, run_start};

/// LSW-04's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "LSW-04",
    title: "No life-story work for a child leaving to special guardians or kin",
    condition: "Two checks. A child who left care by a special guardianship order (E43 to \
                E48) or a child arrangements order (E41) with no life-story work started: \
                overdue from the day of the order, shown for the policy number of days \
                (default 365). A looked-after child whose primary plan is connected carers, \
                special guardianship or a child arrangements order with no life-story work \
                started: due the policy number of days (default 90) after that became the \
                plan. Starting the work clears the finding from its date.",
    source: "Local, from the inspection finding that life-story work was not available to \
             all children, including those with special guardians and connected carers \
             (domain.md §0)",
    basis: Basis::Local,
    inputs: &[
        "Episodes: DEC, REC (leaving care by an order)",
        "Tracker: permanence plans (primary), life-story work (started, sessions)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; team manager",
    action: "Start life-story work with the child and their new family, and record the date.",
    notes: &[
        "Life-story work started at any time before counts; work started after the order \
         clears the finding too (late, but under way).",
        "Cannot decide: the life-story record shows sessions or stages but no start date.",
    ],
};

rule_settings! {
    due_soon_days: Some(14);
    /// Days after the plan became connected carers, special guardianship or a child
    /// arrangements order by which life-story work should start.
    days_after_plan: number (Days, 0..=730) = 90;
    /// Days after leaving care by an order that a missing start shows for.
    show_for_days: number (Days, 0..=1095) = 365;
}

/// LSW-04.
pub struct Lsw04;

impl_rule!(Lsw04, INFO, lsw_04, evaluate);

fn kinship(option: PermanenceOption) -> bool {
    matches!(
        option,
        PermanenceOption::ConnectedCarers
            | PermanenceOption::SpecialGuardianship
            | PermanenceOption::ChildArrangementsOrder
    )
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    use ReasonEpisodeCeased::*;
    let (due, status, mut evidence) = if ctx.current_period().is_some() {
        let Some(plan) = ctx.plan().filter(|plan| kinship(plan.primary)) else {
            return Vec::new();
        };
        let since = run_start(ctx, |p| kinship(p.primary)).expect("the plan qualifies");
        let due = add_days(since, settings.days_after_plan);
        let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
            return Vec::new();
        };
        let evidence = vec![
            Evidence::new("Permanence plan", plan_text(plan)),
            Evidence::new(
                "Life-story work due to start",
                format!(
                    "{} ({} days after the plan became {} on {})",
                    dmy(due),
                    settings.days_after_plan,
                    plan.primary.label().to_lowercase(),
                    dmy(since)
                ),
            ),
        ];
        (due, status, evidence)
    } else {
        let Some((left, reason)) = ended_by(
            ctx,
            &[E41, E43, E44, E45, E46, E47, E48],
            settings.show_for_days,
        ) else {
            return Vec::new();
        };
        let evidence = vec![Evidence::new(
            "Left care",
            format!(
                "{} (REC {}: {})",
                dmy(left),
                reason.code(),
                reason.description()
            ),
        )];
        (left, Status::Overdue, evidence)
    };
    match life_story_started(ctx) {
        Ok(Some(_)) => Vec::new(),
        Ok(None) => {
            evidence.push(Evidence::new("Life-story work", "not started"));
            vec![ctx.finding(&INFO, status, Some(due), evidence)]
        }
        Err(problem) => {
            evidence.push(problem);
            vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::lsw_01::tests::work;
    use crate::rules::test_support::*;

    fn left_by(reason: ReasonEpisodeCeased) -> Case {
        let mut record = in_care(d(2018, 1, 1), d(2025, 1, 6), Placement::U3);
        leave_care(&mut record, d(2025, 12, 22), reason);
        Case::new(record)
    }

    #[test]
    fn leaving_by_an_order_with_no_work() {
        for reason in [
            ReasonEpisodeCeased::E45,
            ReasonEpisodeCeased::E48,
            ReasonEpisodeCeased::E41,
        ] {
            let case = left_by(reason);
            assert_eq!(case.status(&Lsw04, d(2025, 12, 21)), None);
            assert_eq!(
                case.status(&Lsw04, d(2025, 12, 22)),
                overdue(d(2025, 12, 22))
            );
        }
        let case = left_by(ReasonEpisodeCeased::E45);
        assert_eq!(case.finding(&Lsw04, d(2026, 1, 2)).days_overdue, 11);
        assert_eq!(
            case.status(&Lsw04, d(2026, 12, 22)),
            overdue(d(2025, 12, 22))
        );
        assert_eq!(case.status(&Lsw04, d(2026, 12, 23)), None);
        assert_eq!(
            left_by(ReasonEpisodeCeased::E4A).status(&Lsw04, d(2026, 1, 2)),
            None
        );
        // Work started before the order, or since.
        let started = case.with(|tracker| tracker.life_story = Some(work(Some(d(2026, 1, 5)), 1)));
        assert_eq!(
            started.status(&Lsw04, d(2026, 1, 4)),
            overdue(d(2025, 12, 22))
        );
        assert_eq!(started.status(&Lsw04, d(2026, 1, 5)), None);
    }

    #[test]
    fn a_kinship_plan_with_no_work() {
        // Plan of special guardianship from 2 February 2026: due 3 May.
        let case = Case::new(in_care(d(2018, 1, 1), d(2026, 1, 5), Placement::U3))
            .plan(plan(d(2026, 1, 20), PermanenceOption::ReturnHome))
            .plan(plan(d(2026, 2, 2), PermanenceOption::SpecialGuardianship));
        let due = d(2026, 5, 3);
        assert_eq!(case.status(&Lsw04, d(2026, 4, 18)), None);
        assert_eq!(case.status(&Lsw04, d(2026, 4, 19)), due_soon(due));
        assert_eq!(case.status(&Lsw04, due), due_soon(due));
        assert_eq!(case.status(&Lsw04, d(2026, 5, 4)), overdue(due));
        assert_eq!(
            case.finding(&Lsw04, d(2026, 5, 4)).owner.as_deref(),
            Some("SW1")
        );
        // Leaving care on the due date other than by an order: nothing.
        let mut left = case.clone();
        leave_care(&mut left.record, due, ReasonEpisodeCeased::E4A);
        assert_eq!(left.status(&Lsw04, d(2026, 5, 4)), None);
        // Re-entry: the old plan is not this period's.
        re_enter(&mut left.record, d(2026, 6, 1), Placement::U3);
        assert_eq!(left.status(&Lsw04, d(2026, 9, 1)), None);
    }

    #[test]
    fn cannot_decide_with_work_but_no_start_date() {
        let case = left_by(ReasonEpisodeCeased::E45).with(|tracker| {
            let mut w = work(None, 0);
            w.last_session = Some(d(2025, 11, 1));
            tracker.life_story = Some(w);
        });
        assert_eq!(case.status(&Lsw04, d(2026, 1, 2)), cannot_decide());
    }
}
