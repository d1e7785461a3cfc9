//! The review cycle shared by REV-01, REV-02 and REV-03 (CPPCR reg 33): the first review
//! within 20 working days of the start of the period of care, the second within three
//! months of the first, then every six months. At most one of the three rules speaks
//! about a child on a given day: the one that governs the next review.
//!
//! Reviews count when dated from the first day of the current period of care up to the
//! evaluation date; several rows on one day are one review. When the period began before
//! the loaded data (see [`Context::data_from`]), reviews held before the data are not
//! seen, so the next review's due date is only known within limits:
//!
//! - no review seen: the next review was due by six months after the day before the
//!   data begins at the latest (even if one was held that day); after that the finding
//!   is overdue whatever happened earlier, before it the rules cannot decide (unless the
//!   first review is not yet due soon);
//! - one review seen, after the first review's due date: it may be the first review
//!   (second due within three months) or a later one (next within six). Between the two
//!   due dates REV-02 cannot decide; after six months REV-03 is overdue either way.

use permanence_domain::Date;
use permanence_domain::date::{add_days, add_months, format_dmy};

use crate::context::{Context, CurrentPeriod, dates_text};
use crate::finding::{Evidence, Status};
use crate::rule::{RuleInfo, RuleSettings};
use crate::rules::{rev_01, rev_02, rev_03};

/// What the review cycle says about the child today: the rule that governs the next
/// review, and its finding if there is one.
pub(crate) struct Verdict {
    pub info: &'static RuleInfo,
    pub status: Status,
    pub due: Option<Date>,
    pub evidence: Vec<Evidence>,
}

/// The verdict for the child, if a review rule has something to say.
pub(crate) fn verdict(ctx: &Context<'_>) -> Option<Verdict> {
    let current = ctx.current_period()?;
    let policy = &ctx.policy.rules;
    let start = current.start();
    let mut reviews: Vec<Date> = ctx
        .journey
        .record
        .reviews
        .iter()
        .map(|review| review.review)
        .filter(|date| *date >= start && *date <= ctx.as_of)
        .collect();
    reviews.sort();
    reviews.dedup();

    let fully_seen = current.start_known && start >= ctx.data_from();
    let first_due = ctx
        .calendar
        .add_working_days(start, policy.rev_01.working_days);
    let window = |settings: &dyn RuleSettings| ctx.due_soon_days(settings);
    // Evidence is only written once there is a finding: most children have none.
    let base = || {
        vec![Evidence::new(
            "Period of care started",
            current.start_evidence(),
        )]
    };

    match (reviews.as_slice(), fully_seen) {
        ([], true) => {
            let status = ctx.status_for(first_due, window(&policy.rev_01))?;
            let mut evidence = base();
            evidence.push(first_due_evidence(ctx, &current, first_due));
            evidence.push(Evidence::new("Reviews since the period started", "none"));
            Some(Verdict {
                info: &rev_01::INFO,
                status,
                due: Some(first_due),
                evidence,
            })
        }
        ([], false) => {
            let data_from = ctx.data_from();
            let latest_due =
                add_months(add_days(data_from, -1), policy.rev_03.months).max(first_due);
            let is_first = current.start_known && first_due >= data_from;
            let info = if is_first {
                &rev_01::INFO
            } else {
                &rev_03::INFO
            };
            let settings: &dyn RuleSettings = if is_first {
                &policy.rev_01
            } else {
                &policy.rev_03
            };
            let status = if ctx.as_of > latest_due {
                Status::Overdue
            } else if current.start_known && ctx.as_of < add_days(first_due, -window(settings)) {
                return None;
            } else {
                Status::CannotDecide
            };
            let mut evidence = base();
            evidence.push(data_from_evidence(data_from));
            evidence.push(Evidence::new("Reviews seen since the data begins", "none"));
            evidence.push(Evidence::new(
                "Latest possible due date",
                format!(
                    "{} ({} after the day before the data begins, in case a review was \
                     held then)",
                    format_dmy(latest_due),
                    months_text(policy.rev_03.months)
                ),
            ));
            let due = (status == Status::Overdue).then_some(latest_due);
            Some(Verdict {
                info,
                status,
                due,
                evidence,
            })
        }
        ([first], seen) if seen || (current.start_known && *first <= first_due) => {
            let due = add_months(*first, policy.rev_02.months);
            let status = ctx.status_for(due, window(&policy.rev_02))?;
            let mut evidence = base();
            evidence.push(Evidence::new("First review", format_dmy(*first)));
            evidence.push(Evidence::new(
                "Second review due",
                format!(
                    "{} ({} after the first review)",
                    format_dmy(due),
                    months_text(policy.rev_02.months)
                ),
            ));
            evidence.push(Evidence::new("Reviews since the first", "none"));
            Some(Verdict {
                info: &rev_02::INFO,
                status,
                due: Some(due),
                evidence,
            })
        }
        ([only], _) => {
            let due_if_first = add_months(*only, policy.rev_02.months);
            let due_if_later = add_months(*only, policy.rev_03.months);
            if ctx.as_of <= due_if_first {
                return None;
            }
            let mut evidence = base();
            evidence.push(data_from_evidence(ctx.data_from()));
            evidence.push(Evidence::new(
                "Only review seen",
                format!(
                    "{}: if it was the first review, the second was due by {}; if it was a \
                     later one, the next is due by {}",
                    format_dmy(*only),
                    format_dmy(due_if_first),
                    format_dmy(due_if_later)
                ),
            ));
            if ctx.as_of > due_if_later {
                Some(Verdict {
                    info: &rev_03::INFO,
                    status: Status::Overdue,
                    due: Some(due_if_later),
                    evidence,
                })
            } else if ctx.as_of > due_if_first {
                Some(Verdict {
                    info: &rev_02::INFO,
                    status: Status::CannotDecide,
                    due: None,
                    evidence,
                })
            } else {
                None
            }
        }
        (all @ [.., latest], _) => {
            let due = add_months(*latest, policy.rev_03.months);
            let status = ctx.status_for(due, window(&policy.rev_03))?;
            let mut evidence = base();
            evidence.push(Evidence::new("Reviews in this period", dates_text(all)));
            evidence.push(Evidence::new(
                "Next review due",
                format!(
                    "{} ({} after the latest review, {})",
                    format_dmy(due),
                    months_text(policy.rev_03.months),
                    format_dmy(*latest)
                ),
            ));
            Some(Verdict {
                info: &rev_03::INFO,
                status,
                due: Some(due),
                evidence,
            })
        }
    }
}

/// The verdict as findings, when it belongs to the rule `info`.
pub(crate) fn findings_for(
    ctx: &Context<'_>,
    info: &'static RuleInfo,
) -> Vec<crate::finding::Finding> {
    match verdict(ctx) {
        Some(verdict) if std::ptr::eq(verdict.info, info) => {
            vec![ctx.finding(info, verdict.status, verdict.due, verdict.evidence)]
        }
        _ => Vec::new(),
    }
}

fn first_due_evidence(ctx: &Context<'_>, current: &CurrentPeriod<'_>, due: Date) -> Evidence {
    let skipped = ctx.calendar.non_working_weekdays(current.start(), due);
    let skipped = if skipped.is_empty() {
        "no bank holidays in between".to_string()
    } else {
        format!(
            "bank holidays skipped: {}",
            skipped
                .iter()
                .map(|(date, name)| format!("{} ({name})", format_dmy(*date)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Evidence::new(
        "First review due",
        format!(
            "{} ({} working days after the start; {skipped})",
            format_dmy(due),
            ctx.policy.rules.rev_01.working_days
        ),
    )
}

fn data_from_evidence(data_from: Date) -> Evidence {
    Evidence::new(
        "Loaded data begins",
        format!(
            "{} (the earliest return holding this child's episodes); reviews before then \
             are not in the data",
            format_dmy(data_from)
        ),
    )
}

fn months_text(months: i32) -> String {
    if months == 1 {
        "1 calendar month".to_string()
    } else {
        format!("{months} calendar months")
    }
}
