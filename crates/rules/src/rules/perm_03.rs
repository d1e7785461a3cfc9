//! PERM-03: permanence planning meetings: the first within 4 weeks of coming into care
//! (and before the second review), then every 3 months until permanence is achieved.

use permanence_domain::date::{add_days, add_months};
use permanence_domain::tracker::MeetingKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::{latest_text, unmet};

/// PERM-03's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PERM-03",
    title: "Permanence planning meeting not held",
    condition: "The child is looked after and permanence has not been achieved. With no \
                permanence planning meeting in this period of care, the first is due the \
                policy number of days (default 28) after the period began, or by the second \
                review if that was held sooner. After a meeting, the next is due the policy \
                number of months (default 3) later. A meeting on or before the due date \
                meets the rule; a late one clears the finding from its date.",
    source: "Local: permanence planning meeting within 4 weeks of entry and before the 2nd \
             review, then every 3 months until permanence is achieved (B&D and Newham \
             findings) [S40], [S42]",
    basis: Basis::Local,
    inputs: &[
        "Episodes: DECOM, RNE, DEC, REC, LS (the period of care)",
        "Reviews: REVIEW (the second review)",
        "Tracker: permanence planning meetings (date), permanence plan (achieved)",
    ],
    needs_tracker_records: true,
    owner: Role::TeamManager,
    escalation: "Team manager; service manager",
    action: "Convene the permanence planning meeting and record its date and outcome.",
    notes: &[
        "Permanence is achieved when the plan in force records the date it was achieved, on \
         or before the evaluation date; meetings are no longer needed after that.",
        "Family group conferences are recorded separately and do not count as permanence \
         planning meetings.",
        "Children in a series of short breaks (V3, V4) are left out.",
        "When the period of care began before the loaded data and no meeting has been \
         recorded, the rule cannot decide until the latest possible due date has passed.",
    ],
};

rule_settings! {
    due_soon_days: Some(7);
    /// Days after the period of care began by which the first meeting is due.
    first_within_days: number (Days, 1..=365) = 28;
    /// Months between meetings until permanence is achieved.
    then_every_months: number (Months, 1..=24) = 3;
}

/// PERM-03.
pub struct Perm03;

impl_rule!(Perm03, INFO, perm_03, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    if ctx.in_short_breaks()
        || ctx
            .plan()
            .is_some_and(|plan| plan.achieved.is_some_and(|date| date <= ctx.as_of))
    {
        return Vec::new();
    }
    let from = ctx.period_records_from(0);
    let latest = ctx
        .tracker
        .meetings
        .iter()
        .filter(|m| m.kind == MeetingKind::PermanencePlanningMeeting)
        .map(|m| m.date)
        .filter(|date| *date >= from && *date <= ctx.as_of)
        .max();
    let window = ctx.due_soon_days(settings);
    match latest {
        Some(latest) => {
            let due = add_months(latest, settings.then_every_months);
            unmet(ctx, &INFO, window, due, true, None, || {
                vec![
                    Evidence::new("Latest permanence planning meeting", dmy(latest)),
                    Evidence::new(
                        "Next meeting due",
                        format!(
                            "{} ({} calendar months later)",
                            dmy(due),
                            settings.then_every_months
                        ),
                    ),
                ]
            })
        }
        None => {
            let by_days = add_days(current.start(), settings.first_within_days);
            let second_review = ctx.reviews_in_period().get(1).copied();
            let due = second_review.map_or(by_days, |review| review.min(by_days));
            unmet(ctx, &INFO, window, due, current.start_known, None, || {
                vec![
                    Evidence::new("Period of care started", current.start_evidence()),
                    Evidence::new(
                        "First meeting due",
                        latest_text(
                            format!(
                                "{} ({} days after the period began{})",
                                dmy(due),
                                settings.first_within_days,
                                if due < by_days {
                                    ", or by the second review, held sooner"
                                } else {
                                    ""
                                }
                            ),
                            current.start_known,
                        ),
                    ),
                    Evidence::new(
                        "Permanence planning meetings",
                        "none recorded in this period of care",
                    ),
                ]
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    fn came_in(start: Date) -> Case {
        Case::new(in_care(d(2015, 3, 1), start, Placement::U6))
    }

    #[test]
    fn the_first_meeting_within_4_weeks() {
        // Saturday 20 December 2025 + 28 days = Saturday 17 January 2026: calendar days,
        // Christmas and weekends included.
        let case = came_in(d(2025, 12, 20));
        let due = d(2026, 1, 17);
        assert_eq!(case.status(&Perm03, d(2026, 1, 9)), None);
        assert_eq!(case.status(&Perm03, d(2026, 1, 10)), due_soon(due));
        assert_eq!(case.status(&Perm03, due), due_soon(due));
        assert_eq!(case.status(&Perm03, d(2026, 1, 18)), overdue(due));
        let finding = case.finding(&Perm03, d(2026, 1, 18));
        assert_eq!(finding.owner.as_deref(), Some("TM1"));
        assert!(
            finding
                .evidence_text()
                .contains("First meeting due: 17/01/2026 (28 days after the period began)")
        );
        let case = case.with(|tracker| tracker.meetings.push(planning_meeting(d(2026, 1, 17))));
        assert_eq!(case.status(&Perm03, d(2026, 1, 18)), None);
    }

    #[test]
    fn then_every_3_months() {
        let case = came_in(d(2025, 12, 20))
            .with(|tracker| tracker.meetings.push(planning_meeting(d(2026, 1, 15))));
        let due = d(2026, 4, 15);
        assert_eq!(case.status(&Perm03, d(2026, 4, 7)), None);
        assert_eq!(case.status(&Perm03, d(2026, 4, 8)), due_soon(due));
        assert_eq!(case.status(&Perm03, d(2026, 4, 16)), overdue(due));
        // A late meeting clears it from its date; one after the evaluation date does not.
        let case = case.with(|tracker| tracker.meetings.push(planning_meeting(d(2026, 4, 20))));
        assert_eq!(case.status(&Perm03, d(2026, 4, 19)), overdue(due));
        assert_eq!(case.status(&Perm03, d(2026, 4, 20)), None);
    }

    #[test]
    fn until_permanence_is_achieved() {
        let mut achieved = plan(d(2026, 1, 10), PermanenceOption::ReturnHome);
        achieved.achieved = Some(d(2026, 1, 16));
        let case = came_in(d(2025, 12, 20)).plan(achieved);
        assert_eq!(
            case.status(&Perm03, d(2026, 1, 15)),
            due_soon(d(2026, 1, 17))
        );
        assert_eq!(case.status(&Perm03, d(2026, 1, 18)), None);
    }

    #[test]
    fn family_group_conferences_do_not_count() {
        let case = came_in(d(2025, 12, 20)).with(|tracker| {
            let mut conference = planning_meeting(d(2026, 1, 10));
            conference.kind = MeetingKind::FamilyGroupConference;
            tracker.meetings.push(conference);
        });
        assert_eq!(
            case.status(&Perm03, d(2026, 1, 18)),
            overdue(d(2026, 1, 17))
        );
    }

    #[test]
    fn leaving_care_on_the_due_date_and_re_entry() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
        leave_care(&mut record, d(2026, 1, 17), ReasonEpisodeCeased::E4A);
        assert_eq!(
            Case::new(record.clone()).status(&Perm03, d(2026, 1, 18)),
            None
        );
        re_enter(&mut record, d(2026, 3, 2), Placement::U6);
        let case = Case::new(record)
            .with(|tracker| tracker.meetings.push(planning_meeting(d(2026, 1, 10))));
        assert_eq!(
            case.status(&Perm03, d(2026, 3, 31)),
            overdue(d(2026, 3, 30))
        );
    }

    #[test]
    fn cannot_decide_when_the_period_began_before_the_data() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::L;
        let case = Case::new(record);
        assert_eq!(case.status(&Perm03, d(2025, 12, 21)), cannot_decide());
        assert_eq!(
            case.status(&Perm03, d(2026, 1, 18)),
            overdue(d(2026, 1, 17))
        );
    }
}
