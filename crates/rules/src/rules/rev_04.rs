//! REV-04: a significant change to the care plan made without first being considered
//! at a review (CPPCR 2010 reg 32(2)): the primary permanence plan changed outside a
//! review.

use permanence_domain::tracker::Forum;

use crate::context::{Context, PLAN_DAYS_BEFORE, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::plan_text;

/// REV-04's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "REV-04",
    title: "Permanence plan changed without a review",
    condition: "The child is looked after and the latest version of the permanence plan in \
                this period of care changed the primary plan, and was decided somewhere other \
                than a looked-after review or a court (a permanence planning meeting, a \
                panel, supervision, other), with no review held that day. The finding is \
                overdue from the day of the change until a review is held after it, which \
                considers the change.",
    source: "CPPCR 2010 reg 32(2): no significant change to the care plan unless it has \
             first been considered at a review, unless not reasonably practicable [S8]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, DEC, REC (the period of care)",
        "Reviews: REVIEW",
        "Tracker: permanence plans (decided, forum, primary plan)",
    ],
    needs_tracker_records: true,
    owner: Role::Iro,
    escalation: "IRO; team manager (flag \"review before change\")",
    action: "Bring the review forward to consider the change of plan, or record the review \
             that considered it.",
    notes: &[
        "Only changes of the primary permanence plan are treated as significant; adding or \
         changing a parallel or contingency plan is not. A first plan is not a change.",
        "Decisions of a court are not the authority's own changes, and are left out.",
        "The other significant changes in the rule table cannot be checked: a placement \
         change or ceasing care \"without a review first\" is allowed when a review was not \
         reasonably practicable (emergencies), and the records do not say which moves were \
         planned enough to have been reviewed first. Unplanned endings are STAB-03; \
         ceasing care without approval is CEA-01.",
    ],
};

rule_settings! {
    due_soon_days: None;
}

/// REV-04.
pub struct Rev04;

impl_rule!(Rev04, INFO, rev_04, evaluate);

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Vec<Finding> {
    if ctx.current_period().is_none() {
        return Vec::new();
    }
    let from = ctx.period_records_from(PLAN_DAYS_BEFORE);
    let mut versions = ctx
        .tracker
        .plans
        .iter()
        .filter(|plan| plan.decided >= from && plan.decided <= ctx.as_of)
        .rev();
    let (Some(latest), Some(previous)) = (versions.next(), versions.next()) else {
        return Vec::new();
    };
    if latest.primary == previous.primary || matches!(latest.forum, Forum::Review | Forum::Court) {
        return Vec::new();
    }
    let reviewed = ctx
        .journey
        .record
        .reviews
        .iter()
        .any(|review| review.review >= latest.decided && review.review <= ctx.as_of);
    if reviewed {
        return Vec::new();
    }
    let evidence = vec![
        Evidence::new("Plan before", plan_text(previous)),
        Evidence::new("Plan changed", plan_text(latest)),
        Evidence::new(
            "Reviews since the change",
            format!(
                "none held from {} (the day of the change)",
                dmy(latest.decided)
            ),
        ),
    ];
    vec![ctx.finding(&INFO, Status::Overdue, Some(latest.decided), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    fn changed_at(forum: Forum) -> Case {
        let mut change = plan(d(2026, 3, 2), PermanenceOption::Adoption);
        change.forum = forum;
        let mut record = in_care(d(2024, 1, 1), d(2026, 1, 5), Placement::U6);
        record.reviews = vec![review(d(2026, 1, 30))];
        Case::new(record)
            .plan(plan(d(2026, 1, 30), PermanenceOption::ReturnHome))
            .plan(change)
    }

    #[test]
    fn a_change_at_a_planning_meeting_needs_a_review() {
        let case = changed_at(Forum::PermanencePlanningMeeting);
        assert_eq!(case.status(&Rev04, d(2026, 3, 1)), None);
        assert_eq!(case.status(&Rev04, d(2026, 3, 2)), overdue(d(2026, 3, 2)));
        let finding = case.finding(&Rev04, d(2026, 3, 9));
        assert_eq!(finding.days_overdue, 7);
        assert_eq!(finding.owner.as_deref(), Some("IRO1"));
        assert!(finding.evidence_text().contains(
            "Plan changed: primary: adoption; parallel: none; contingency: none (decided \
             02/03/2026 at permanence planning meeting)"
        ));
        // A review after the change clears it from its date (and one on the day too).
        let mut reviewed = case.clone();
        reviewed.record.reviews.push(review(d(2026, 3, 20)));
        assert_eq!(
            reviewed.status(&Rev04, d(2026, 3, 19)),
            overdue(d(2026, 3, 2))
        );
        assert_eq!(reviewed.status(&Rev04, d(2026, 3, 20)), None);
        let mut same_day = case;
        same_day.record.reviews.push(review(d(2026, 3, 2)));
        assert_eq!(same_day.status(&Rev04, d(2026, 3, 3)), None);
    }

    #[test]
    fn reviews_courts_and_unchanged_primaries_are_fine() {
        assert_eq!(
            changed_at(Forum::Review).status(&Rev04, d(2026, 3, 3)),
            None
        );
        assert_eq!(changed_at(Forum::Court).status(&Rev04, d(2026, 3, 3)), None);
        for forum in [Forum::Panel, Forum::Supervision, Forum::Other] {
            assert_eq!(
                changed_at(forum).status(&Rev04, d(2026, 3, 3)),
                overdue(d(2026, 3, 2))
            );
        }
        let mut contingency = plan(d(2026, 3, 2), PermanenceOption::ReturnHome);
        contingency.forum = Forum::Supervision;
        contingency.contingency = Some(PermanenceOption::LongTermFostering);
        let case = Case::new(in_care(d(2024, 1, 1), d(2026, 1, 5), Placement::U6))
            .plan(plan(d(2026, 1, 30), PermanenceOption::ReturnHome))
            .plan(contingency);
        assert_eq!(case.status(&Rev04, d(2026, 3, 3)), None);
    }

    #[test]
    fn leaving_care_and_re_entry() {
        let mut case = changed_at(Forum::Panel);
        leave_care(&mut case.record, d(2026, 3, 3), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Rev04, d(2026, 3, 3)), None);
        // The first plan of a new period is not a change of the old one.
        re_enter(&mut case.record, d(2026, 5, 4), Placement::U6);
        let mut first = plan(d(2026, 5, 20), PermanenceOption::LongTermFostering);
        first.forum = Forum::Supervision;
        let case = case.plan(first);
        assert_eq!(case.status(&Rev04, d(2026, 5, 21)), None);
    }
}
