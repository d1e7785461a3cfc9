//! PERM-02: a permanence plan with no parallel or contingency plan while the primary plan
//! is uncertain (return home, connected carers) or care proceedings are open.

use permanence_domain::date::add_days;
use permanence_domain::tracker::MeetingKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::{latest_text, plan_text, run_start, unmet};

/// PERM-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PERM-02",
    title: "No parallel or contingency plan",
    condition: "The child is looked after and the permanence plan in force has neither a \
                parallel nor a contingency plan, while its primary plan is return home or \
                connected carers (options whose success is uncertain while assessments run), \
                or while care proceedings are open. It is due at the first permanence \
                planning meeting of the period of care, or the policy number of days \
                (default 28) after the period began if that is sooner; and never before the \
                plan without a fallback was decided (or the proceedings were issued).",
    source: "Local, from the inspection finding that contingency planning was \"not yet part \
             of the culture\" (domain.md §0); rule table: \"local (e.g. from first PPM)\"",
    basis: Basis::Local,
    inputs: &[
        "Episodes: DECOM, RNE, DEC, REC, LS (the period of care)",
        "Tracker: permanence plans (primary, parallel, contingency, achieved), permanence \
         planning meetings, care proceedings (issued, concluded)",
    ],
    needs_tracker_records: true,
    owner: Role::TeamManager,
    escalation: "Team manager; permanence panel",
    action: "Agree a parallel or contingency plan at the next permanence planning meeting \
             (or in supervision) and record it in the plan.",
    notes: &[
        "A plan whose permanence was achieved is left out, as are children in a series of \
         short breaks (V3, V4) and children with no plan yet (PERM-01).",
        "\"Decided\" is the first of the unbroken run of plan versions that lack a fallback \
         (for the same reason), so re-recording the same plan does not restart the clock.",
        "Care proceedings are open from the day issued to the day they concluded; switch \
         `when_proceedings_open` off to look at the primary plan only.",
        "When the period of care began before the loaded data, the first meeting or the day \
         count may be earlier than seen, and the rule cannot decide until the latest due \
         date has passed.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Days after the period of care began by which a fallback plan is due (if the first
    /// permanence planning meeting is not sooner).
    days_after_entry: number (Days, 0..=365) = 28;
    /// Whether open care proceedings call for a fallback plan whatever the primary plan.
    when_proceedings_open: switch = true;
}

/// PERM-02.
pub struct Perm02;

impl_rule!(Perm02, INFO, perm_02, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    if ctx.in_short_breaks() {
        return Vec::new();
    }
    let Some(plan) = ctx.plan() else {
        return Vec::new();
    };
    if plan.achieved.is_some_and(|date| date <= ctx.as_of) || plan.has_fallback() {
        return Vec::new();
    }
    let proceedings = ctx
        .tracker
        .proceedings
        .iter()
        .map(|(proceedings, _)| proceedings)
        .filter(|p| p.issued <= ctx.as_of && p.concluded.is_none_or(|c| c > ctx.as_of))
        .map(|p| p.issued)
        .min();
    let (since, reason) = if plan.primary.needs_a_fallback() {
        let since = run_start(ctx, |p| p.primary.needs_a_fallback() && !p.has_fallback())
            .expect("the plan in force qualifies");
        (
            since,
            format!(
                "the primary plan is {}, which may not succeed",
                plan.primary.label().to_lowercase()
            ),
        )
    } else if let Some(issued) = proceedings.filter(|_| settings.when_proceedings_open) {
        let since = run_start(ctx, |p| !p.has_fallback()).expect("the plan in force qualifies");
        (
            since.max(issued),
            format!("care proceedings are open (issued {})", dmy(issued)),
        )
    } else {
        return Vec::new();
    };
    let start = current.start();
    let from = ctx.period_records_from(0);
    let first_meeting = ctx
        .tracker
        .meetings
        .iter()
        .filter(|m| m.kind == MeetingKind::PermanencePlanningMeeting)
        .map(|m| m.date)
        .filter(|date| *date >= from && *date <= ctx.as_of)
        .min();
    let by_days = add_days(start, settings.days_after_entry);
    let grace = first_meeting.map_or(by_days, |meeting| meeting.min(by_days));
    let due = grace.max(since);
    let known = current.start_known || since >= by_days;
    unmet(
        ctx,
        &INFO,
        ctx.due_soon_days(settings),
        due,
        known,
        None,
        || {
            let grace_text = match first_meeting {
                Some(meeting) if meeting < by_days => {
                    format!("the first permanence planning meeting, {}", dmy(meeting))
                }
                _ => format!(
                    "{} days after the period of care began, {}",
                    settings.days_after_entry,
                    dmy(by_days)
                ),
            };
            vec![
                Evidence::new("Period of care started", current.start_evidence()),
                Evidence::new("Permanence plan", plan_text(plan)),
                Evidence::new("Why a fallback is needed", reason),
                Evidence::new(
                    "Fallback plan due",
                    latest_text(
                        format!(
                            "{} (the later of {grace_text}, and the day the plan without a \
                             fallback was decided or proceedings issued, {})",
                            dmy(due),
                            dmy(since)
                        ),
                        known,
                    ),
                ),
            ]
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::CareProceedings;

    /// In care from 5 January 2026; plan decided 20 January. Due 2 February (28 days).
    fn planned(primary: PermanenceOption) -> Case {
        Case::new(in_care(d(2015, 3, 1), d(2026, 1, 5), Placement::U6))
            .plan(plan(d(2026, 1, 20), primary))
    }

    #[test]
    fn return_home_with_no_fallback() {
        let case = planned(PermanenceOption::ReturnHome);
        let due = d(2026, 2, 2);
        assert_eq!(case.status(&Perm02, d(2026, 1, 22)), None);
        assert_eq!(case.status(&Perm02, d(2026, 1, 23)), due_soon(due));
        assert_eq!(case.status(&Perm02, due), due_soon(due));
        assert_eq!(case.status(&Perm02, d(2026, 2, 3)), overdue(due));
        let finding = case.finding(&Perm02, d(2026, 2, 3));
        assert_eq!(finding.owner.as_deref(), Some("TM1"));
        assert!(finding.evidence_text().contains(
            "Why a fallback is needed: the primary plan is return home, which may not succeed"
        ));
        assert_eq!(
            planned(PermanenceOption::ConnectedCarers).status(&Perm02, d(2026, 2, 3)),
            overdue(due)
        );
        assert_eq!(
            planned(PermanenceOption::Adoption).status(&Perm02, d(2026, 2, 3)),
            None
        );
    }

    #[test]
    fn due_at_the_first_planning_meeting_if_sooner() {
        let case = planned(PermanenceOption::ReturnHome)
            .with(|tracker| tracker.meetings.push(planning_meeting(d(2026, 1, 27))));
        assert_eq!(
            case.status(&Perm02, d(2026, 1, 28)),
            overdue(d(2026, 1, 27))
        );
        // A meeting after the evaluation date is not known yet.
        assert_eq!(
            case.status(&Perm02, d(2026, 1, 26)),
            due_soon(d(2026, 2, 2))
        );
    }

    #[test]
    fn never_before_the_plan_was_decided() {
        // A plan changed to return home on 1 March: due that day.
        let case = planned(PermanenceOption::Adoption)
            .plan(plan(d(2026, 3, 1), PermanenceOption::ReturnHome));
        assert_eq!(case.status(&Perm02, d(2026, 2, 28)), None);
        assert_eq!(case.status(&Perm02, d(2026, 3, 2)), overdue(d(2026, 3, 1)));
        // Re-recording the same plan does not restart the clock.
        let case = planned(PermanenceOption::ReturnHome)
            .plan(plan(d(2026, 3, 1), PermanenceOption::ReturnHome));
        assert_eq!(case.status(&Perm02, d(2026, 3, 2)), overdue(d(2026, 2, 2)));
    }

    #[test]
    fn a_fallback_or_achieved_permanence_clears_it() {
        let mut with_contingency = plan(d(2026, 2, 10), PermanenceOption::ReturnHome);
        with_contingency.contingency = Some(PermanenceOption::LongTermFostering);
        let case = planned(PermanenceOption::ReturnHome).plan(with_contingency);
        assert_eq!(case.status(&Perm02, d(2026, 2, 9)), overdue(d(2026, 2, 2)));
        assert_eq!(case.status(&Perm02, d(2026, 2, 10)), None);
        let mut parallel = plan(d(2026, 2, 10), PermanenceOption::ReturnHome);
        parallel.parallel = vec![PermanenceOption::ConnectedCarers];
        assert_eq!(
            planned(PermanenceOption::ReturnHome)
                .plan(parallel)
                .status(&Perm02, d(2026, 2, 10)),
            None
        );
        let mut achieved = plan(d(2026, 1, 20), PermanenceOption::ReturnHome);
        achieved.achieved = Some(d(2026, 2, 1));
        let case = Case::new(in_care(d(2015, 3, 1), d(2026, 1, 5), Placement::U6)).plan(achieved);
        assert_eq!(case.status(&Perm02, d(2026, 2, 3)), None);
    }

    #[test]
    fn open_proceedings_call_for_a_fallback() {
        let proceedings = |issued, concluded| CareProceedings {
            id: "P1".into(),
            child: "C1".into(),
            issued,
            concluded,
            order: None,
        };
        let case = planned(PermanenceOption::LongTermFostering).with(|tracker| {
            tracker
                .proceedings
                .push((proceedings(d(2026, 3, 2), Some(d(2026, 8, 3))), vec![]))
        });
        assert_eq!(case.status(&Perm02, d(2026, 3, 1)), None);
        assert_eq!(case.status(&Perm02, d(2026, 3, 3)), overdue(d(2026, 3, 2)));
        assert!(
            case.finding(&Perm02, d(2026, 3, 3))
                .evidence_text()
                .contains("care proceedings are open (issued 02/03/2026)")
        );
        assert_eq!(case.status(&Perm02, d(2026, 8, 3)), None);
        let case = case.policy(|p| p.rules.perm_02.when_proceedings_open = false);
        assert_eq!(case.status(&Perm02, d(2026, 3, 3)), None);
    }

    #[test]
    fn leaving_care_on_the_due_date_and_re_entry() {
        let mut record = in_care(d(2015, 3, 1), d(2026, 1, 5), Placement::U6);
        leave_care(&mut record, d(2026, 2, 2), ReasonEpisodeCeased::E4A);
        let case =
            Case::new(record.clone()).plan(plan(d(2026, 1, 20), PermanenceOption::ReturnHome));
        assert_eq!(case.status(&Perm02, d(2026, 2, 3)), None);
        // Back in care: the old plan is not this period's.
        re_enter(&mut record, d(2026, 5, 4), Placement::U6);
        let case = Case::new(record).plan(plan(d(2026, 1, 20), PermanenceOption::ReturnHome));
        assert_eq!(case.status(&Perm02, d(2026, 6, 10)), None);
    }

    #[test]
    fn cannot_decide_when_the_period_began_before_the_data() {
        let mut record = in_care(d(2015, 3, 1), d(2026, 1, 5), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::L;
        let case = Case::new(record).plan(plan(d(2026, 1, 20), PermanenceOption::ReturnHome));
        assert_eq!(case.status(&Perm02, d(2026, 1, 21)), cannot_decide());
        assert_eq!(case.status(&Perm02, d(2026, 2, 3)), overdue(d(2026, 2, 2)));
    }
}
