//! IRO-01: an IRO's challenge (dispute resolution) with no response by the stage's due
//! date, or a formal process longer than 20 working days in total (IRO Handbook §6.2).

use permanence_domain::tracker::ChallengeStage;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// IRO-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "IRO-01",
    title: "IRO challenge not answered",
    condition: "An IRO's challenge about the child was raised on or before the evaluation \
                date and not resolved by then, and either the response to its current stage \
                (the latest stage reached) has not come by that stage's response due date, \
                or the formal process has run longer than the policy's working days in total \
                (default 20, counted from the day the challenge first reached a formal \
                stage). When both apply the earlier due date is used and both are in the \
                evidence. One finding for each challenge.",
    source: "IRO Handbook 2010 §6.2: a formal dispute resolution process with timescales for \
             a response at each stage, \"in total of no more than 20 working days\" [S27]; \
             local stages and windows [S29], [S30]",
    basis: Basis::Guidance,
    inputs: &[
        "Tracker: IRO challenges (raised, resolved) and their stages (started, \
               response due, responded)",
    ],
    needs_tracker_records: true,
    owner: Role::TeamManager,
    escalation: "Team manager → service manager → head of service → director; Cafcass at \
                 any point",
    action: "Respond to the IRO's challenge at its current stage, in writing, with what will \
             be done and by when; or resolve it.",
    notes: &[
        "The finding is owned by the manager at the challenge's current stage: the team \
         manager for the informal and team-manager stages, then the service manager, the \
         head of service and the director. The escalation ladder climbs from there.",
        "A referral to Cafcass does not end the internal process: the challenge stays open \
         until it is resolved.",
        "Cannot decide: a challenge with no stage recorded, so no response date is known.",
    ],
};

rule_settings! {
    due_soon_days: Some(3);
    /// Working days the formal process may take in total.
    total_working_days: number (WorkingDays, 1..=100) = 20;
}

/// IRO-01.
pub struct Iro01;

impl_rule!(Iro01, INFO, iro_01, evaluate);

fn stage_owner(stage: ChallengeStage) -> Role {
    match stage {
        ChallengeStage::Informal | ChallengeStage::TeamManager => Role::TeamManager,
        ChallengeStage::ServiceManager => Role::ServiceManager,
        ChallengeStage::HeadOfService => Role::HeadOfService,
        ChallengeStage::Director => Role::Director,
    }
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    let window = ctx.due_soon_days(settings);
    for (challenge, steps) in &ctx.tracker.challenges {
        if challenge.raised > ctx.as_of || challenge.resolved.is_some_and(|r| r <= ctx.as_of) {
            continue;
        }
        let raised = Evidence::new(
            "Challenge",
            format!(
                "{} raised {} by {} about {}",
                challenge.id,
                dmy(challenge.raised),
                challenge.iro,
                challenge.category.label().to_lowercase()
            ),
        );
        let Some(current) = steps
            .iter()
            .filter(|step| step.started <= ctx.as_of)
            .max_by_key(|step| (step.started, step.stage))
        else {
            let evidence = vec![
                raised,
                Evidence::new("Stages", "none recorded: no response date is known"),
            ];
            findings.push(
                ctx.finding(&INFO, Status::CannotDecide, None, evidence)
                    .about(challenge.id.as_str()),
            );
            continue;
        };
        let pending = current.responded.is_none_or(|date| date > ctx.as_of);
        let formal_start = steps
            .iter()
            .filter(|step| step.stage != ChallengeStage::Informal && step.started <= ctx.as_of)
            .map(|step| step.started)
            .min();
        let total_due = formal_start.map(|start| {
            ctx.calendar
                .add_working_days(start, settings.total_working_days)
        });
        let most_urgent = [pending.then_some(current.response_due), total_due]
            .into_iter()
            .flatten()
            .filter_map(|due| ctx.status_for(due, window).map(|status| (status, due)))
            .min();
        let Some((status, due)) = most_urgent else {
            continue;
        };
        let mut evidence = vec![
            raised,
            Evidence::new(
                "Current stage",
                format!(
                    "{} since {}; response due {}; {}",
                    current.stage.label().to_lowercase(),
                    dmy(current.started),
                    dmy(current.response_due),
                    if pending {
                        "no response yet".to_string()
                    } else {
                        format!("responded {}", dmy(current.responded.expect("responded")))
                    }
                ),
            ),
        ];
        if let (Some(start), Some(total_due)) = (formal_start, total_due) {
            evidence.push(Evidence::new(
                "Formal process",
                format!(
                    "since {}; {} working days in total end on {}",
                    dmy(start),
                    settings.total_working_days,
                    dmy(total_due)
                ),
            ));
        }
        if let Some(referral) = challenge.cafcass_referral.filter(|d| *d <= ctx.as_of) {
            evidence.push(Evidence::new("Referred to Cafcass", dmy(referral)));
        }
        findings.push(
            ctx.finding_owned_by(
                &INFO,
                stage_owner(current.stage),
                status,
                Some(due),
                evidence,
            )
            .about(challenge.id.as_str()),
        );
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::{ChallengeCategory, ChallengeStep, IroChallenge};

    fn step(
        stage: ChallengeStage,
        started: Date,
        due: Date,
        responded: Option<Date>,
    ) -> ChallengeStep {
        ChallengeStep {
            challenge: "CH1".into(),
            stage,
            started,
            response_due: due,
            responded,
            response: None,
        }
    }

    fn challenged(steps: Vec<ChallengeStep>, resolved: Option<Date>) -> Case {
        let challenge = IroChallenge {
            id: "CH1".into(),
            child: "C1".into(),
            iro: "IRO1".into(),
            raised: d(2025, 12, 15),
            category: ChallengeCategory::DriftAndDelay,
            resolved,
            cafcass_referral: None,
        };
        Case::new(in_care(d(2015, 3, 1), d(2025, 1, 6), Placement::U6))
            .with(|tracker| tracker.challenges.push((challenge, steps)))
    }

    #[test]
    fn no_response_by_the_stage_due_date() {
        let case = challenged(
            vec![step(
                ChallengeStage::Informal,
                d(2025, 12, 15),
                d(2025, 12, 22),
                None,
            )],
            None,
        );
        let due = d(2025, 12, 22);
        assert_eq!(case.status(&Iro01, d(2025, 12, 18)), None);
        assert_eq!(case.status(&Iro01, d(2025, 12, 19)), due_soon(due));
        assert_eq!(case.status(&Iro01, due), due_soon(due));
        assert_eq!(case.status(&Iro01, d(2025, 12, 23)), overdue(due));
        let finding = case.finding(&Iro01, d(2025, 12, 23));
        assert_eq!(finding.owner_role, Role::TeamManager);
        assert_eq!(finding.owner.as_deref(), Some("TM1"));
        // Resolved, or answered (and not escalated): nothing.
        let resolved = challenged(
            vec![step(
                ChallengeStage::Informal,
                d(2025, 12, 15),
                d(2025, 12, 22),
                None,
            )],
            Some(d(2025, 12, 24)),
        );
        assert_eq!(resolved.status(&Iro01, d(2025, 12, 23)), overdue(due));
        assert_eq!(resolved.status(&Iro01, d(2025, 12, 24)), None);
        let answered = challenged(
            vec![step(
                ChallengeStage::Informal,
                d(2025, 12, 15),
                d(2025, 12, 22),
                Some(d(2025, 12, 22)),
            )],
            None,
        );
        assert_eq!(answered.status(&Iro01, d(2025, 12, 23)), None);
    }

    #[test]
    fn twenty_working_days_in_total_over_christmas() {
        // Formal from Monday 5 January 2026: 20 working days end on Monday 2 February.
        let case = challenged(
            vec![
                step(
                    ChallengeStage::Informal,
                    d(2025, 12, 15),
                    d(2025, 12, 22),
                    Some(d(2025, 12, 22)),
                ),
                step(
                    ChallengeStage::TeamManager,
                    d(2026, 1, 5),
                    d(2026, 1, 12),
                    Some(d(2026, 1, 12)),
                ),
                step(
                    ChallengeStage::ServiceManager,
                    d(2026, 1, 19),
                    d(2026, 2, 13),
                    None,
                ),
            ],
            None,
        );
        assert_eq!(case.status(&Iro01, d(2026, 1, 29)), None);
        assert_eq!(case.status(&Iro01, d(2026, 1, 30)), due_soon(d(2026, 2, 2)));
        assert_eq!(case.status(&Iro01, d(2026, 2, 3)), overdue(d(2026, 2, 2)));
        let finding = case.finding(&Iro01, d(2026, 2, 3));
        assert_eq!(finding.owner_role, Role::ServiceManager);
        assert_eq!(finding.owner.as_deref(), Some("SM1"));
        // A formal start on Thursday 19 March 2026: 20 working days over Easter end on
        // Monday 20 April.
        let case = challenged(
            vec![step(
                ChallengeStage::HeadOfService,
                d(2026, 3, 19),
                d(2026, 6, 1),
                None,
            )],
            None,
        );
        assert_eq!(case.status(&Iro01, d(2026, 4, 21)), overdue(d(2026, 4, 20)));
        assert_eq!(
            case.finding(&Iro01, d(2026, 4, 21)).owner.as_deref(),
            Some("HOS1")
        );
    }

    #[test]
    fn stages_after_the_evaluation_date_are_not_known() {
        let case = challenged(
            vec![
                step(
                    ChallengeStage::Informal,
                    d(2025, 12, 15),
                    d(2025, 12, 22),
                    None,
                ),
                step(
                    ChallengeStage::TeamManager,
                    d(2026, 1, 5),
                    d(2026, 1, 12),
                    None,
                ),
            ],
            None,
        );
        assert_eq!(
            case.finding(&Iro01, d(2026, 1, 2)).owner_role,
            Role::TeamManager
        );
        assert_eq!(case.status(&Iro01, d(2026, 1, 2)), overdue(d(2025, 12, 22)));
        assert_eq!(case.status(&Iro01, d(2026, 1, 5)), None);
    }

    #[test]
    fn leaving_care_does_not_end_a_challenge() {
        let mut case = challenged(
            vec![step(
                ChallengeStage::Informal,
                d(2025, 12, 15),
                d(2025, 12, 22),
                None,
            )],
            None,
        );
        leave_care(&mut case.record, d(2025, 12, 22), ReasonEpisodeCeased::E4A);
        assert_eq!(
            case.status(&Iro01, d(2025, 12, 23)),
            overdue(d(2025, 12, 22))
        );
    }

    #[test]
    fn cannot_decide_with_no_stage() {
        assert_eq!(
            challenged(vec![], None).status(&Iro01, d(2025, 12, 23)),
            cannot_decide()
        );
    }
}
