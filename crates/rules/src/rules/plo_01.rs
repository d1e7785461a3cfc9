//! PLO-01: pre-proceedings under the Public Law Outline open longer than the target
//! (16 weeks by default).

use permanence_domain::date::{add_days, days_between};

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// PLO-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PLO-01",
    title: "Pre-proceedings open too long",
    condition: "Pre-proceedings for the child began (the legal gateway meeting) on or before \
                the evaluation date and had not ended by then. They are due to end the \
                policy number of weeks (default 16) after the legal gateway meeting: due \
                soon from the policy's window before (default 28 days, so from week 12), and \
                overdue after. One finding for each open pre-proceedings case.",
    source: "Pre-proceedings duration \"16 weeks\" commonly cited (Public Law Working Group \
             2021) [UNCONFIRMED]; domain.md §6 suggests review at 6 and 12 weeks, breach at \
             16",
    basis: Basis::Local,
    inputs: &["Tracker: pre-proceedings (legal gateway meeting, outcome, ended)"],
    needs_tracker_records: true,
    owner: Role::TeamManager,
    escalation: "Team manager; legal gateway panel",
    action: "Take the case back to the legal gateway panel: step down, or issue \
             proceedings.",
    notes: &[
        "The clock starts at the legal gateway meeting that began pre-proceedings (the \
         record's required date), not the letter before proceedings, which may not be \
         recorded.",
        "Pre-proceedings are not tied to a period of care: a child living at home is \
         checked too, when the child is in the loaded data.",
        "The six-weekly reviews are PLO-02.",
    ],
};

rule_settings! {
    due_soon_days: Some(28);
    /// Weeks after the legal gateway meeting by which pre-proceedings should end.
    weeks: number (Weeks, 1..=104) = 16;
}

/// PLO-01.
pub struct Plo01;

impl_rule!(Plo01, INFO, plo_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (case, _) in &ctx.tracker.pre_proceedings {
        let start = case.legal_gateway_meeting;
        if start > ctx.as_of || case.ended.is_some_and(|end| end <= ctx.as_of) {
            continue;
        }
        let due = add_days(start, settings.weeks * 7);
        let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
            continue;
        };
        let mut evidence = vec![
            Evidence::new(
                "Pre-proceedings",
                format!("{} (legal gateway meeting {})", case.id, dmy(start)),
            ),
            Evidence::new(
                "Open for",
                format!(
                    "{} weeks {} days; due to end by {} ({} weeks)",
                    days_between(start, ctx.as_of) / 7,
                    days_between(start, ctx.as_of) % 7,
                    dmy(due),
                    settings.weeks
                ),
            ),
        ];
        if let Some(letter) = case.letter_before_proceedings.filter(|d| *d <= ctx.as_of) {
            evidence.push(Evidence::new("Letter before proceedings", dmy(letter)));
        }
        findings.push(
            ctx.finding(&INFO, status, Some(due), evidence)
                .about(case.id.as_str()),
        );
    }
    findings
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::{PreProceedings, PreProceedingsOutcome};

    pub(crate) fn pre_proceedings(start: Date, ended: Option<Date>) -> PreProceedings {
        PreProceedings {
            id: "PLO1".into(),
            child: "C1".into(),
            legal_gateway_meeting: start,
            letter_before_proceedings: None,
            outcome: ended.map(|_| PreProceedingsOutcome::Diverted),
            ended,
        }
    }

    fn in_plo(start: Date, ended: Option<Date>) -> Case {
        Case::new(in_care(d(2015, 3, 1), d(2025, 1, 6), Placement::U6)).with(|tracker| {
            tracker
                .pre_proceedings
                .push((pre_proceedings(start, ended), vec![]))
        })
    }

    #[test]
    fn due_to_end_after_16_weeks() {
        // 5 January 2026 + 16 weeks = 27 April 2026 (calendar weeks: Easter counts).
        let case = in_plo(d(2026, 1, 5), None);
        let due = d(2026, 4, 27);
        assert_eq!(case.status(&Plo01, d(2026, 3, 29)), None);
        assert_eq!(case.status(&Plo01, d(2026, 3, 30)), due_soon(due));
        assert_eq!(case.status(&Plo01, due), due_soon(due));
        assert_eq!(case.status(&Plo01, d(2026, 4, 28)), overdue(due));
        let finding = case.finding(&Plo01, d(2026, 4, 28));
        assert_eq!(finding.owner.as_deref(), Some("TM1"));
        assert!(
            finding
                .evidence_text()
                .contains("Open for: 16 weeks 1 days")
        );
    }

    #[test]
    fn ended_cases_and_the_future() {
        let case = in_plo(d(2026, 1, 5), Some(d(2026, 4, 20)));
        assert_eq!(
            case.status(&Plo01, d(2026, 4, 19)),
            due_soon(d(2026, 4, 27))
        );
        assert_eq!(case.status(&Plo01, d(2026, 4, 20)), None);
        assert_eq!(
            in_plo(d(2026, 1, 5), None).status(&Plo01, d(2026, 1, 4)),
            None
        );
    }

    #[test]
    fn not_tied_to_care() {
        let mut case = in_plo(d(2026, 1, 5), None);
        leave_care(&mut case.record, d(2025, 6, 1), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Plo01, d(2026, 4, 28)), overdue(d(2026, 4, 27)));
    }
}
