//! The social worker's visits shared by VIS-01 to VIS-06 (CPPCR 2010 reg 28). At most one
//! of them speaks about a child on a given day: the one whose timetable governs the next
//! visit.
//!
//! The timetable depends on the placement and the legal status on the evaluation date:
//!
//! - placed with parents (P1) under an interim care order (C1): VIS-04, weekly until the
//!   first review held since the placement (or the order) began, then every 28 days;
//! - placed with parents (P1) under a full care order (C2) that was in force when the
//!   placement began: VIS-05 (placement with parents before the assessment is complete;
//!   the records do not say when it completed, so the stricter timetable is assumed),
//!   weekly until the first review since the placement began, then every 42 days;
//! - placed with parents (P1) when the full care order was made during the placement:
//!   VIS-06, within 7 days of the order, then every 42 days;
//! - any other placement: the first visit within 7 days of the placement starting
//!   (VIS-01), then every 42 days in the placement's first year (VIS-02), then every 3
//!   months if the placement is long-term fostering (U1, U4: intended to last until 18)
//!   and every 42 days otherwise (VIS-03).
//!
//! Which interval applies after a visit depends on when that visit was: a visit in the
//! placement's first year is followed within 42 days even if that runs past the
//! anniversary; a visit before the first review, within a week even if the review comes
//! sooner, unless the review has been held by the evaluation date.
//!
//! Visits count from the start of the placement (or the order). Not covered: temporary
//! placements (T0 to T4), placements for adoption (A3 to A6: the Adoption Agencies
//! Regulations set their own visits), short breaks (V3, V4: reg 48 disapplies reg 28(2)),
//! and connected-person placements under temporary approval (reg 24: the records do not
//! say whether a connected carer is temporarily or fully approved, so U1 to U3 placements
//! follow the default timetable).

use permanence_domain::Date;
use permanence_domain::codes::{LegalStatus, Placement};
use permanence_domain::date::{add_days, add_months};
use permanence_domain::tracker::ActivityKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Status};
use crate::rule::{RuleInfo, RuleSettings};
use crate::rules::placements::{Home, home};
use crate::rules::{vis_01, vis_02, vis_03, vis_04, vis_05, vis_06};

/// What the visit timetable says about the child today.
struct Verdict {
    info: &'static RuleInfo,
    status: Status,
    due: Option<Date>,
    evidence: Vec<Evidence>,
}

/// The timetable in force for the child's current placement.
enum Timetable {
    /// VIS-01 to VIS-03.
    Default,
    /// VIS-04, VIS-05: weekly until the first review, then every `then_days`.
    WeeklyUntilReview {
        info: &'static RuleInfo,
        window: i32,
        first_days: i32,
        then_days: i32,
    },
    /// VIS-06.
    AfterCareOrder { first_days: i32, then_days: i32 },
}

fn legal_status_since(ctx: &Context<'_>, status: LegalStatus) -> Option<Date> {
    ctx.journey
        .legal_statuses
        .iter()
        .rev()
        .find(|spell| spell.start <= ctx.as_of && spell.end.is_none_or(|end| end > ctx.as_of))
        .filter(|spell| spell.legal_status == status)
        .map(|spell| spell.start)
}

fn verdict(ctx: &Context<'_>) -> Option<Verdict> {
    let current = ctx.current_period()?;
    if ctx.in_short_breaks() {
        return None;
    }
    let rules = &ctx.policy.rules;
    let home = home(&current, !rules.vis_01.same_carer_moves_restart)?;
    let place = home.current().place;
    if place.is_placed_for_adoption() {
        return None;
    }
    let legal_status = ctx.journey.legal_status_on(ctx.as_of)?;
    let (timetable, clock, known) = match (place, legal_status) {
        (Placement::P1, LegalStatus::C1) => {
            let order = legal_status_since(ctx, LegalStatus::C1)?;
            let clock = home.start().max(order);
            (
                Timetable::WeeklyUntilReview {
                    info: &vis_04::INFO,
                    window: ctx.due_soon_days(&rules.vis_04),
                    first_days: rules.vis_04.first_days,
                    then_days: rules.vis_04.then_days,
                },
                clock,
                home.start_known || clock > home.start(),
            )
        }
        (Placement::P1, LegalStatus::C2) => {
            let order = legal_status_since(ctx, LegalStatus::C2)?;
            if order > home.start() {
                (
                    Timetable::AfterCareOrder {
                        first_days: rules.vis_06.first_days,
                        then_days: rules.vis_06.then_days,
                    },
                    order,
                    true,
                )
            } else {
                (
                    Timetable::WeeklyUntilReview {
                        info: &vis_05::INFO,
                        window: ctx.due_soon_days(&rules.vis_05),
                        first_days: rules.vis_05.first_days,
                        then_days: rules.vis_05.then_days,
                    },
                    home.start(),
                    home.start_known,
                )
            }
        }
        _ => (Timetable::Default, home.start(), home.start_known),
    };
    let visits = ctx.activity_dates_from(ActivityKind::Visit, clock);
    let (count, last) = (visits.len(), visits.last().copied());
    let base = |ctx: &Context<'_>, rule: &str, home: &Home<'_>| {
        let mut evidence = vec![
            Evidence::new("Placement", home.text(ctx)),
            Evidence::new("Visiting timetable", rule.to_string()),
        ];
        evidence.push(Evidence::new(
            "Visits since the timetable began",
            match last {
                Some(last) => format!(
                    "{count}, the latest on {} (counting from {})",
                    dmy(last),
                    dmy(clock)
                ),
                None => format!("none since {}", dmy(clock)),
            },
        ));
        evidence
    };
    let window = |settings: &dyn RuleSettings| ctx.due_soon_days(settings);
    let found =
        |info: &'static RuleInfo, due: Date, known: bool, window: i32, evidence: Vec<Evidence>| {
            let status = ctx.deadline_status(due, known, window)?;
            let due = (status != Status::CannotDecide).then_some(due);
            Some(Verdict {
                info,
                status,
                due,
                evidence,
            })
        };
    let due_text =
        |due: Date, what: String| Evidence::new("Next visit due", format!("{} ({what})", dmy(due)));
    match timetable {
        Timetable::WeeklyUntilReview {
            info,
            window,
            first_days,
            then_days,
        } => {
            let first_review = ctx.first_review_from(clock);
            let (from, what) = match last {
                Some(last) => (last, "the latest visit"),
                None => (clock, "the placement or order began"),
            };
            let days = if first_review.is_none() {
                first_days
            } else {
                then_days
            };
            let due = add_days(from, days);
            let phase = match first_review {
                Some(review) => {
                    format!("the first review since was held on {}", dmy(review))
                }
                None => "no review held since".to_string(),
            };
            let mut evidence = base(
                ctx,
                &format!(
                    "{}: every {first_days} days until the first review, then every \
                     {then_days} days; {phase}",
                    info.title
                ),
                &home,
            );
            evidence.push(due_text(due, format!("{days} days after {what}")));
            found(info, due, known || last.is_some(), window, evidence)
        }
        Timetable::AfterCareOrder {
            first_days,
            then_days,
        } => {
            let (due, what) = match last {
                Some(last) => (
                    add_days(last, then_days),
                    format!("{then_days} days after the latest visit"),
                ),
                None => (
                    add_days(clock, first_days),
                    format!("{first_days} days after the care order"),
                ),
            };
            let mut evidence = base(
                ctx,
                &format!(
                    "full care order made while living with parents: within {first_days} days \
                     of the order ({}), then every {then_days} days",
                    dmy(clock)
                ),
                &home,
            );
            evidence.push(due_text(due, what));
            found(&vis_06::INFO, due, true, window(&rules.vis_06), evidence)
        }
        Timetable::Default => {
            let Some(last) = last else {
                let due = add_days(clock, rules.vis_01.days);
                let mut evidence = base(ctx, "first visit after the placement began", &home);
                evidence.push(due_text(
                    due,
                    format!("{} days after the placement began", rules.vis_01.days),
                ));
                return found(&vis_01::INFO, due, known, window(&rules.vis_01), evidence);
            };
            let anniversary = add_months(clock, rules.vis_02.first_year_months);
            let long_term = matches!(place, Placement::U1 | Placement::U4);
            let later_due = if long_term {
                add_months(last, rules.vis_03.months_long_term)
            } else {
                add_days(last, rules.vis_03.days_otherwise)
            };
            let later_what = if long_term {
                format!(
                    "{} calendar months after the latest visit: long-term fostering after the \
                     first year",
                    rules.vis_03.months_long_term
                )
            } else {
                format!(
                    "{} days after the latest visit, after the first year",
                    rules.vis_03.days_otherwise
                )
            };
            let first_year_due = add_days(last, rules.vis_02.days);
            let first_year_what = format!(
                "{} days after the latest visit, in the placement's first year (to {})",
                rules.vis_02.days,
                dmy(anniversary)
            );
            if last >= anniversary {
                let mut evidence = base(ctx, "after the placement's first year", &home);
                evidence.push(due_text(later_due, later_what));
                found(
                    &vis_03::INFO,
                    later_due,
                    true,
                    window(&rules.vis_03),
                    evidence,
                )
            } else if known || first_year_due == later_due {
                let mut evidence = base(ctx, "the placement's first year", &home);
                evidence.push(due_text(first_year_due, first_year_what));
                found(
                    &vis_02::INFO,
                    first_year_due,
                    true,
                    window(&rules.vis_02),
                    evidence,
                )
            } else {
                // The placement began before the data: the latest visit may have been
                // after its first year.
                let mut evidence = base(
                    ctx,
                    "the placement began before the loaded data, so whether the latest visit \
                     was in its first year is not known",
                    &home,
                );
                evidence.push(Evidence::new(
                    "Next visit due",
                    format!(
                        "{} if in the first year, {} if not",
                        dmy(first_year_due),
                        dmy(later_due)
                    ),
                ));
                if ctx.as_of > later_due {
                    found(
                        &vis_03::INFO,
                        later_due,
                        true,
                        window(&rules.vis_03),
                        evidence,
                    )
                } else if ctx.as_of > first_year_due {
                    Some(Verdict {
                        info: &vis_02::INFO,
                        status: Status::CannotDecide,
                        due: None,
                        evidence,
                    })
                } else {
                    None
                }
            }
        }
    }
}

/// The verdict as findings, when it belongs to the rule `info`.
pub(crate) fn findings_for(ctx: &Context<'_>, info: &'static RuleInfo) -> Vec<Finding> {
    match verdict(ctx) {
        Some(verdict) if std::ptr::eq(verdict.info, info) => {
            vec![ctx.finding(info, verdict.status, verdict.due, verdict.evidence)]
        }
        _ => Vec::new(),
    }
}
