//! CRT-02: the case management hearing by day 18 of care proceedings (Public Law
//! Outline, Practice Direction 12A).

use permanence_domain::date::add_days;
use permanence_domain::tracker::HearingKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// CRT-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CRT-02",
    title: "Case management hearing not held by day 18",
    condition: "Care proceedings for the child were issued and no case management hearing \
                has been recorded since. It is due by day 18 of the proceedings, the day of \
                issue being day 1 (so 17 days after issue). A hearing recorded late clears \
                the finding from its date; proceedings that concluded first are left out.",
    source: "PD12A Public Law Outline: case management hearing no later than day 18 (window \
             day 12 to day 18) [S45], [S46]",
    basis: Basis::Statutory,
    inputs: &["Tracker: care proceedings (issued, concluded), hearings (case management)"],
    needs_tracker_records: true,
    owner: Role::Legal,
    escalation: "Legal",
    action: "Ask the legal team for the case management hearing date and record it.",
    notes: &[
        "A hearing earlier than day 12 is not flagged: the rule looks for delay.",
        "The owner is the legal team, so the finding names no person; the ladder escalates \
         it to the social work line.",
    ],
};

rule_settings! {
    due_soon_days: Some(5);
    /// The day of the proceedings (the day of issue is day 1) by which the case
    /// management hearing is due.
    day: number (Days, 1..=60) = 18;
}

/// CRT-02.
pub struct Crt02;

impl_rule!(Crt02, INFO, crt_02, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (case, hearings) in &ctx.tracker.proceedings {
        if case.issued > ctx.as_of || case.concluded.is_some_and(|c| c <= ctx.as_of) {
            continue;
        }
        let held = hearings.iter().any(|h| {
            h.kind == HearingKind::CaseManagement && h.date >= case.issued && h.date <= ctx.as_of
        });
        if held {
            continue;
        }
        let due = add_days(case.issued, settings.day - 1);
        let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
            continue;
        };
        let evidence = vec![
            Evidence::new(
                "Care proceedings",
                format!("{} issued {} (day 1)", case.id, dmy(case.issued)),
            ),
            Evidence::new(
                "Case management hearing due",
                format!("{} (day {})", dmy(due), settings.day),
            ),
            Evidence::new("Case management hearings", "none recorded"),
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
    use crate::rules::crt_01::tests::{hearing, proceedings};
    use crate::rules::test_support::*;

    fn in_court(issued: Date, hearings: Vec<permanence_domain::tracker::Hearing>) -> Case {
        Case::new(in_care(d(2015, 3, 1), d(2025, 12, 1), Placement::U6)).with(|tracker| {
            tracker
                .proceedings
                .push((proceedings(issued, None), hearings))
        })
    }

    #[test]
    fn due_by_day_18() {
        // Issued Monday 15 December 2025: day 18 is Thursday 1 January 2026 (calendar
        // days, bank holidays included).
        let case = in_court(d(2025, 12, 15), vec![]);
        let due = d(2026, 1, 1);
        assert_eq!(case.status(&Crt02, d(2025, 12, 26)), None);
        assert_eq!(case.status(&Crt02, d(2025, 12, 27)), due_soon(due));
        assert_eq!(case.status(&Crt02, due), due_soon(due));
        assert_eq!(case.status(&Crt02, d(2026, 1, 2)), overdue(due));
        assert_eq!(case.finding(&Crt02, d(2026, 1, 2)).owner, None);
        let held = in_court(
            d(2025, 12, 15),
            vec![hearing(HearingKind::CaseManagement, d(2026, 1, 5), None)],
        );
        assert_eq!(held.status(&Crt02, d(2026, 1, 4)), overdue(due));
        assert_eq!(held.status(&Crt02, d(2026, 1, 5)), None);
    }

    #[test]
    fn other_hearings_do_not_count() {
        let case = in_court(
            d(2025, 12, 15),
            vec![hearing(HearingKind::Other, d(2025, 12, 20), None)],
        );
        assert_eq!(case.status(&Crt02, d(2026, 1, 2)), overdue(d(2026, 1, 1)));
    }
}
