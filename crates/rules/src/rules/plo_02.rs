//! PLO-02: pre-proceedings reviewed at least every 6 weeks.

use permanence_domain::date::{add_days, format_dmy};

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// PLO-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PLO-02",
    title: "Pre-proceedings not reviewed",
    condition: "Pre-proceedings for the child are open on the evaluation date and no \
                pre-proceedings meeting or review has been held for the policy number of \
                weeks (default 6): the next is due that many weeks after the latest meeting \
                or review, or after the legal gateway meeting when there has been none. A \
                late meeting clears the finding from its date.",
    source: "Local: pre-proceedings review at least every N weeks (e.g. 6) (domain.md §6)",
    basis: Basis::Local,
    inputs: &[
        "Tracker: pre-proceedings (legal gateway meeting, ended), pre-proceedings \
               meetings and reviews (dates)",
    ],
    needs_tracker_records: true,
    owner: Role::TeamManager,
    escalation: "Team manager",
    action: "Hold the pre-proceedings review with the family and their solicitor, and record \
             it.",
    notes: &[
        "The first pre-proceedings meeting and later reviews both count: each is a look at \
         progress against the plan.",
        "Pre-proceedings are not tied to a period of care.",
    ],
};

rule_settings! {
    due_soon_days: Some(7);
    /// Weeks between pre-proceedings meetings or reviews.
    weeks: number (Weeks, 1..=26) = 6;
}

/// PLO-02.
pub struct Plo02;

impl_rule!(Plo02, INFO, plo_02, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (case, meetings) in &ctx.tracker.pre_proceedings {
        let start = case.legal_gateway_meeting;
        if start > ctx.as_of || case.ended.is_some_and(|end| end <= ctx.as_of) {
            continue;
        }
        let latest = meetings
            .iter()
            .map(|meeting| meeting.date)
            .filter(|date| *date <= ctx.as_of)
            .max();
        let from = latest.unwrap_or(start).max(start);
        let due = add_days(from, settings.weeks * 7);
        let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
            continue;
        };
        let evidence = vec![
            Evidence::new(
                "Pre-proceedings",
                format!("{} (legal gateway meeting {})", case.id, dmy(start)),
            ),
            Evidence::new(
                "Latest meeting or review",
                latest.map_or(
                    "none since the legal gateway meeting".to_string(),
                    format_dmy,
                ),
            ),
            Evidence::new(
                "Next review due",
                format!("{} ({} weeks later)", dmy(due), settings.weeks),
            ),
        ];
        findings.push(
            ctx.finding(&INFO, status, Some(due), evidence)
                .about(case.id.as_str()),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::plo_01::tests::pre_proceedings;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::{PreProceedingsMeeting, PreProceedingsMeetingKind};

    fn meeting(date: Date) -> PreProceedingsMeeting {
        PreProceedingsMeeting {
            pre_proceedings: "PLO1".into(),
            kind: PreProceedingsMeetingKind::Review,
            date,
        }
    }

    fn in_plo(meetings: &[Date]) -> Case {
        Case::new(in_care(d(2015, 3, 1), d(2025, 1, 6), Placement::U6)).with(|tracker| {
            tracker.pre_proceedings.push((
                pre_proceedings(d(2025, 11, 17), None),
                meetings.iter().map(|date| meeting(*date)).collect(),
            ))
        })
    }

    #[test]
    fn every_6_weeks() {
        // Latest review 20 November 2025 + 6 weeks = 1 January 2026 (over Christmas).
        let case = in_plo(&[d(2025, 11, 20)]);
        let due = d(2026, 1, 1);
        assert_eq!(case.status(&Plo02, d(2025, 12, 24)), None);
        assert_eq!(case.status(&Plo02, d(2025, 12, 25)), due_soon(due));
        assert_eq!(case.status(&Plo02, due), due_soon(due));
        assert_eq!(case.status(&Plo02, d(2026, 1, 2)), overdue(due));
        assert_eq!(
            case.finding(&Plo02, d(2026, 1, 2)).owner.as_deref(),
            Some("TM1")
        );
        let late = in_plo(&[d(2025, 11, 20), d(2026, 1, 8)]);
        assert_eq!(late.status(&Plo02, d(2026, 1, 7)), overdue(due));
        assert_eq!(late.status(&Plo02, d(2026, 1, 8)), None);
    }

    #[test]
    fn from_the_legal_gateway_meeting_with_none() {
        // 17 November 2025 + 42 days = 29 December 2025.
        assert_eq!(
            in_plo(&[]).status(&Plo02, d(2025, 12, 30)),
            overdue(d(2025, 12, 29))
        );
    }
}
