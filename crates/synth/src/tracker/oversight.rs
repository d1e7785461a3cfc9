//! Oversight: IRO challenges with their stages, and supervision (the sessions a child is
//! discussed in, and the decisions they make).

use permanence_domain::ChildRecord;
use permanence_domain::tracker::{
    AllocationRole, ChallengeStage, ChallengeStep, Decision, DecisionSource, IroChallenge,
    StaffRole, SupervisionSession,
};

use super::child::{Gen, due_and_completion};
use super::facts::Period;
use super::organisation::Staff;
use super::{Scope, session_id};
use crate::calendar::{Day, to_date};
use crate::random::Random;
use crate::rates::*;

/// An IRO challenge in some longer periods: raised at the informal stage, answered or
/// taken up the formal stages; some stall with no response long after it was due.
pub(crate) fn challenges(g: &mut Gen<'_>, p: &Period) {
    let horizon = g.horizon();
    let last = p.until.min(horizon + 1) - 1;
    if p.until - p.start < 182 || last < p.start + 60 || !g.random.chance(IRO_CHALLENGE_SHARE) {
        return;
    }
    let raised = g.random.int(p.start + 60, last);
    let iro = match g.iro_on(raised) {
        Some(iro) => iro,
        None => *g.random.one_of(&g.staff.iros),
    };
    let id = format!("IRC-{}-{}", g.child(), g.tracker.challenges.len() + 1);
    let category = g.random.pick(&IRO_CHALLENGE_CATEGORIES);
    // Only a recent challenge is still stalled: older ones were answered in the end.
    let stall_at = (g.random.chance(CHALLENGE_STALLED_SHARE)
        && raised > horizon - CHALLENGE_STILL_STALLED_DAYS)
        .then(|| g.random.index(&[0.35, 0.35, 0.2, 0.1]));
    let mut steps = Vec::new();
    let mut stage = 0;
    let mut started = raised;
    let mut resolved = None;
    let mut cafcass = None;
    loop {
        let window = if stage == 0 {
            CHALLENGE_INFORMAL_RESPONSE_WD
        } else {
            CHALLENGE_FORMAL_RESPONSE_WD
        };
        let due = g.wd(started, window);
        let mut step = ChallengeStep {
            challenge: id.clone(),
            stage: ChallengeStage::ALL[stage],
            started: to_date(started),
            response_due: to_date(due),
            responded: None,
            response: None,
        };
        if stall_at == Some(stage) {
            // No response: the challenge stalls here.
            if due < horizon && g.random.chance(CAFCASS_REFERRAL_SHARE) {
                let day = due + g.random.int(10, 60);
                cafcass = (day <= horizon).then_some(day);
            }
            steps.push(step);
            break;
        }
        let responded = if g.random.chance(CHALLENGE_LATE_RESPONSE_SHARE) {
            {
                let n = g.random.int(1, 15);
                g.wd(due, n)
            }
        } else {
            g.random.int(started + 1, due.max(started + 1))
        };
        if responded > horizon {
            steps.push(step);
            break;
        }
        let escalate = stage + 1 < ChallengeStage::ALL.len()
            && (stall_at.is_some_and(|at| at > stage)
                || (stall_at.is_none() && g.random.chance(CHALLENGE_ESCALATION_SHARE)));
        step.responded = Some(to_date(responded));
        step.response = Some(
            if escalate {
                *g.random.one_of(&[
                    "Plan remains appropriate; concern not accepted",
                    "Action promised without a date",
                    "Response does not address the drift identified",
                ])
            } else {
                *g.random.one_of(&[
                    "Agreed: permanence planning meeting booked",
                    "Agreed: referral to family finding made",
                    "Agreed: care plan updated and shared with the IRO",
                    "Agreed: social worker allocated",
                ])
            }
            .to_string(),
        );
        steps.push(step);
        if !escalate {
            resolved = Some(responded);
            break;
        }
        stage += 1;
        started = responded + g.random.int(1, 5);
        if started > horizon {
            break;
        }
    }
    g.tracker.challenges.push((
        IroChallenge {
            id,
            child: g.child().to_string(),
            iro: g.id(iro),
            raised: to_date(raised),
            category,
            resolved: resolved.map(to_date),
            cafcass_referral: cafcass.map(to_date),
        },
        steps,
    ));
}

const SUPERVISION_ACTIONS: [&str; 10] = [
    "Book the permanence planning meeting",
    "Complete the viability assessment",
    "Refer the child to family finding",
    "Update the care plan with a contingency plan",
    "Arrange the initial health assessment",
    "Start life-story work",
    "Visit the child and see them alone",
    "Update the personal education plan",
    "Progress the special guardianship assessment",
    "Discuss the plan with the IRO before the review",
];

/// Supervision since the tracker went live: each month the child's social worker (or
/// personal adviser) has supervision, the child is discussed in some sessions, and some
/// discussions produce a decision with an owner and a due date.
pub(crate) fn supervision(
    g: &mut Gen<'_>,
    periods: &[&Period],
    leaver: Option<&super::activity::Leaver>,
) {
    let from = g.scope.live;
    let horizon = g.horizon();
    let mut spans: Vec<(AllocationRole, Day, Day, usize)> = g
        .allocations()
        .filter(|a| {
            matches!(
                a.0,
                AllocationRole::SocialWorker | AllocationRole::PersonalAdviser
            )
        })
        .filter(|a| a.0 != AllocationRole::PersonalAdviser || leaver.is_some())
        .collect();
    spans.sort_unstable();
    for (role, start, end, worker) in spans {
        let (a, b) = (start.max(from), end.min(horizon + 1));
        if a >= b {
            continue;
        }
        let worker_id = g.staff.id(worker).to_string();
        for month in g.scope.month_of(a)..g.scope.months.len() {
            if g.scope.months[month] >= b {
                break;
            }
            let Some(day) = g.scope.supervision_day(worker, month) else {
                continue;
            };
            let relevant = day >= a
                && day < b
                && (role == AllocationRole::PersonalAdviser
                    || periods.iter().any(|p| p.covers(day)));
            if !relevant || !g.random.chance(CHILD_DISCUSSED_SHARE) {
                continue;
            }
            g.sessions.push((worker, day));
            if g.random.chance(SUPERVISION_DECISION_SHARE) {
                let supervisor = g.staff.manager(worker).unwrap_or(worker);
                let owner = if g.random.chance(0.85) {
                    worker
                } else {
                    supervisor
                };
                let text = *g.random.one_of(&SUPERVISION_ACTIONS);
                g.decision(
                    day,
                    DecisionSource::Supervision,
                    Some(session_id(&worker_id, day)),
                    (supervisor, owner),
                    text,
                );
            }
        }
    }
    g.sessions.sort_unstable();
    g.sessions.dedup();
}

const MANAGEMENT_ACTIONS: [&str; 6] = [
    "Review the allocation of cases across the team",
    "Audit permanence plans of children in care over two years",
    "Clear the backlog of overdue visits",
    "Escalate the placement sufficiency gap to the head of service",
    "Check every child in a children's home has a contingency plan",
    "Bring the team's supervision records up to date",
];

/// Every supervision session from the day the tracker went live to the horizon: social
/// workers and personal advisers with their team managers, team managers with their
/// service managers, monthly with gaps for some (see [`Scope::supervision_day`]); each
/// with the children discussed in it (`discussed`: worker, day, child index, sorted).
/// Team managers' sessions make some decisions about no particular child.
///
/// Returns the sessions' keys (worker, day), sorted, the sessions in the same order, and
/// the decisions about no child.
pub(crate) fn all_supervision(
    random: &mut Random,
    scope: &Scope,
    staff: &Staff,
    discussed: &[(usize, Day, usize)],
    children: &[ChildRecord],
) -> (Vec<(usize, Day)>, Vec<SupervisionSession>, Vec<Decision>) {
    let horizon = scope.horizon;
    let mut keys: Vec<(usize, Day)> = Vec::new();
    for person in 0..staff.organisation.people.len() {
        for month in 0..scope.months.len() {
            if let Some(day) = scope.supervision_day(person, month) {
                keys.push((person, day));
            }
        }
    }
    keys.extend(discussed.iter().map(|&(worker, day, _)| (worker, day)));
    keys.sort_unstable();
    keys.dedup();

    let mut decisions = Vec::new();
    let mut next = 0;
    let sessions = keys
        .iter()
        .map(|&(worker, day)| {
            let start = next;
            while next < discussed.len() && (discussed[next].0, discussed[next].1) <= (worker, day)
            {
                next += 1;
            }
            let worker_id = staff.id(worker);
            let supervisor = staff.manager(worker).unwrap_or(worker);
            let id = session_id(worker_id, day);
            if staff.organisation.people[worker].role == StaffRole::TeamManager
                && random.chance(SUPERVISION_DECISION_SHARE / 2.0)
            {
                let (due, completed) = due_and_completion(random, day, horizon);
                decisions.push(Decision {
                    id: format!("DEC-{worker_id}-{}", decisions.len() + 1),
                    child: None,
                    source: DecisionSource::Supervision,
                    source_ref: Some(id.clone()),
                    made: to_date(day),
                    made_by: staff.id(supervisor).to_string(),
                    text: (*random.one_of(&MANAGEMENT_ACTIONS)).to_string(),
                    owner: worker_id.to_string(),
                    due: due.map(to_date),
                    completed: completed.map(to_date),
                });
            }
            SupervisionSession {
                id,
                date: to_date(day),
                supervisor: staff.id(supervisor).to_string(),
                supervisee: worker_id.to_string(),
                children: discussed[start..next]
                    .iter()
                    .filter(|d| (d.0, d.1) == (worker, day))
                    .map(|&(_, _, child)| children[child].child.clone())
                    .collect(),
            }
        })
        .collect();
    decisions.sort_by(|a, b| (a.made, &a.id).cmp(&(b.made, &b.id)));
    (keys, sessions, decisions)
}
