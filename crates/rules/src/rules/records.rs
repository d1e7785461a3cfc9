//! Facts about the tracker's own records that several rules share: family searches,
//! fallback (parallel or contingency) plans, the adoption route, and how records are
//! written in evidence.
//!
//! A record's state is read as it stood on the evaluation date: a family search that
//! ended (or was matched) after that day was still running on it.

use permanence_domain::Date;
use permanence_domain::tracker::{
    FamilyFinding, FamilyFindingStatus, PermanenceOption, PermanencePlan,
};

use crate::context::{Context, dmy};

/// Whether a family search was running on `date`: started by then, not ended by then,
/// and either still active or ended (or matched) only after `date`. A paused search is
/// not running (the record does not say since when it has been paused).
pub(crate) fn searching_on(search: &FamilyFinding, date: Date) -> bool {
    search.active_on(date)
        || (matches!(
            search.status,
            FamilyFindingStatus::Ended | FamilyFindingStatus::Matched
        ) && search.start <= date
            && search.end.is_some_and(|end| end > date))
}

/// The family search running on the evaluation date, if any.
pub(crate) fn active_search<'a>(ctx: &Context<'a>) -> Option<&'a FamilyFinding> {
    ctx.tracker
        .family_finding
        .iter()
        .find(|search| searching_on(search, ctx.as_of))
}

/// "adoption search since 02/01/2026 (3 profiles, 1 link, 0 expressions of interest,
/// 0 matches)".
pub(crate) fn search_text(search: &FamilyFinding, as_of: Date) -> String {
    let mut text = format!(
        "{} search since {} ({} profiles, {} links, {} expressions of interest, {} matches)",
        search.route.label().to_lowercase(),
        dmy(search.start),
        search.profiles,
        search.links,
        search.expressions_of_interest,
        search.matches
    );
    match search.end {
        Some(end) if end <= as_of => {
            text.push_str(&format!(
                ", {} on {}",
                search.status.label().to_lowercase(),
                dmy(end)
            ));
        }
        _ if search.status == FamilyFindingStatus::Paused => text.push_str(", paused"),
        _ => {}
    }
    text
}

/// Family finding as evidence: the running search, or why there is none.
pub(crate) fn family_finding_evidence(ctx: &Context<'_>) -> String {
    if let Some(search) = active_search(ctx) {
        return format!("active: {}", search_text(search, ctx.as_of));
    }
    let latest = ctx
        .tracker
        .family_finding
        .iter()
        .filter(|search| search.start <= ctx.as_of)
        .max_by_key(|search| search.start);
    match latest {
        Some(search) => format!(
            "none active on {} (latest: {})",
            dmy(ctx.as_of),
            search_text(search, ctx.as_of)
        ),
        None => "no family-finding record".to_string(),
    }
}

/// Whether any part of the plan (primary, parallel or contingency) is adoption.
pub(crate) fn includes_adoption(plan: &PermanencePlan) -> bool {
    plan.primary.is_adoption()
        || plan.parallel.iter().any(|option| option.is_adoption())
        || plan.contingency.is_some_and(|option| option.is_adoption())
}

/// "return home; parallel: connected carers (kinship); contingency: none (decided
/// 02/01/2026 at a looked-after review)".
pub(crate) fn plan_text(plan: &PermanencePlan) -> String {
    let options = |options: &[PermanenceOption]| {
        if options.is_empty() {
            "none".to_string()
        } else {
            options
                .iter()
                .map(|option| option.label().to_lowercase())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mut text = format!(
        "primary: {}; parallel: {}; contingency: {} (decided {} at {})",
        plan.primary.label().to_lowercase(),
        options(&plan.parallel),
        plan.contingency
            .map_or("none".to_string(), |option| option.label().to_lowercase()),
        dmy(plan.decided),
        plan.forum.label().to_lowercase()
    );
    if let Some(target) = plan.target {
        text.push_str(&format!("; target {}", dmy(target)));
    }
    text
}

/// The plan in force as evidence, or that there is none for this period of care.
pub(crate) fn plan_evidence(ctx: &Context<'_>) -> String {
    match ctx.plan() {
        Some(plan) => plan_text(plan),
        None => "no permanence plan recorded for this period of care".to_string(),
    }
}

/// The day the current run of plan versions satisfying `holds` began: walking back from
/// the plan in force, the decision date of the earliest consecutive version for which
/// `holds` is true (versions decided for the current period only).
pub(crate) fn run_start(
    ctx: &Context<'_>,
    holds: impl Fn(&PermanencePlan) -> bool,
) -> Option<Date> {
    let current = ctx.plan()?;
    if !holds(current) {
        return None;
    }
    let from = ctx.period_records_from(crate::context::PLAN_DAYS_BEFORE);
    let mut start = current.decided;
    for plan in ctx
        .tracker
        .plans
        .iter()
        .rev()
        .filter(|plan| plan.decided < current.decided && plan.decided >= from)
    {
        if holds(plan) {
            start = plan.decided;
        } else {
            break;
        }
    }
    Some(start)
}

/// The finding for a one-off action due on `due` that has not been done (`done` is
/// `None`), or nothing: see [`Context::deadline_status`]. Evidence is only built when
/// there is a finding.
pub(crate) fn unmet(
    ctx: &Context<'_>,
    info: &'static crate::rule::RuleInfo,
    window: i32,
    due: Date,
    due_known: bool,
    done: Option<Date>,
    evidence: impl FnOnce() -> Vec<crate::finding::Evidence>,
) -> Vec<crate::finding::Finding> {
    if done.is_some() {
        return Vec::new();
    }
    let Some(status) = ctx.deadline_status(due, due_known, window) else {
        return Vec::new();
    };
    let due = (status != crate::finding::Status::CannotDecide).then_some(due);
    vec![ctx.finding(info, status, due, evidence())]
}

/// "due by 21/01/2026" or, when the start of the clock is before the loaded data, "due
/// by 21/01/2026 at the latest (...)".
pub(crate) fn latest_text(text: String, known: bool) -> String {
    if known {
        text
    } else {
        format!(
            "{text} at the latest (the clock started before the loaded data, so it may have \
             been due earlier)"
        )
    }
}

/// The day life-story work started, if it had by the evaluation date; an error (as
/// evidence) when the record shows work done but no start date, so the rule cannot
/// decide.
pub(crate) fn life_story_started(
    ctx: &Context<'_>,
) -> Result<Option<Date>, crate::finding::Evidence> {
    let Some(work) = &ctx.tracker.life_story else {
        return Ok(None);
    };
    if let Some(started) = work.started {
        return Ok((started <= ctx.as_of).then_some(started));
    }
    let dated = [
        work.last_session,
        work.book_first_stage,
        work.book_completed,
        work.later_life_letter,
    ]
    .into_iter()
    .flatten()
    .any(|date| date <= ctx.as_of);
    if work.sessions > 0 || dated {
        Err(crate::finding::Evidence::new(
            "Life-story work",
            format!(
                "recorded ({} sessions{}) but with no start date",
                work.sessions,
                work.last_session
                    .map(|d| format!(", the latest on {}", dmy(d)))
                    .unwrap_or_default()
            ),
        ))
    } else {
        Ok(None)
    }
}

/// The latest period of care that ended on or before the evaluation date with one of
/// `reasons`, no more than `show_for_days` ago: (the day it ended, the reason).
pub(crate) fn ended_by(
    ctx: &Context<'_>,
    reasons: &[permanence_domain::codes::ReasonEpisodeCeased],
    show_for_days: i32,
) -> Option<(Date, permanence_domain::codes::ReasonEpisodeCeased)> {
    let period = ctx
        .journey
        .periods
        .iter()
        .rev()
        .find(|period| period.end.is_some_and(|end| end <= ctx.as_of))?;
    let end = period.end?;
    let reason = period.reason_ceased.filter(|r| reasons.contains(r))?;
    (permanence_domain::date::days_between(end, ctx.as_of) <= show_for_days)
        .then_some((end, reason))
}
