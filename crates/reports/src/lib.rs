//! Monthly and quarterly oversight reports: the figures managers and leaders use to
//! challenge drift, computed for a period as it stood on its last day (so a report for
//! an earlier month gives the same numbers whenever it is run), with each figure's
//! children, rendered as one self-contained HTML file with SVG charts and as CSV.
//!
//! [`build`] makes a [`Report`] from [`Records`]; [`html`] and [`csv`] write it. Every
//! definition is in `docs/reports.md`; each section's module holds its own tests on
//! small hand-built cohorts.

pub mod charts;
pub mod cohort;
pub mod csv;
pub mod html;
mod model;
mod period;
mod records;
mod sections;

use permanence_domain::Date;
use permanence_rules::{Finding, Policy, evaluate_borough};

pub use model::{Cell, Chart, England, Headline, Report, Section, Table, Value, mean, percentage};
pub use period::{Period, PeriodError, long_date};
pub use records::Records;

/// Why a report cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The period starts after today.
    #[error("{period} has not started yet: choose a period that began on or before {today}")]
    NotStarted {
        /// The period asked for.
        period: String,
        /// Today, as dd/mm/yyyy.
        today: String,
    },
}

/// What every section reads: the records as they stood on the as-of date, the period,
/// and the drift rules' findings on that date.
pub(crate) struct Scope<'a> {
    /// The records as known on `as_of`.
    pub records: &'a Records,
    /// The period.
    pub period: Period,
    /// The period's first day.
    pub start: Date,
    /// The day the figures are as at.
    pub as_of: Date,
    /// Every rule's findings on `as_of`.
    pub findings: Vec<Finding>,
    /// The council's policy.
    pub policy: &'a Policy,
}

/// The report for `period`, as at its last day (or `today` while it is still running),
/// from everything `records` holds (records dated after the as-of date are left out).
pub fn build(
    records: &Records,
    period: Period,
    today: Date,
    policy: &Policy,
) -> Result<Report, ReportError> {
    if period.start() > today {
        return Err(ReportError::NotStarted {
            period: period.label(),
            today: permanence_domain::date::format_dmy(today),
        });
    }
    let as_of = period.end().min(today);
    let known = records.known_on(as_of);
    let calendar = policy.calendar();
    let findings = evaluate_borough(
        &known.journeys,
        &known.trackers,
        &known.organisation,
        policy,
        &calendar,
        as_of,
    );
    let scope = Scope {
        records: &known,
        period,
        start: period.start(),
        as_of,
        findings,
        policy,
    };
    let headlines = sections::headlines::headlines(records, &scope);
    let mut sections = vec![
        sections::headlines::section(&scope, &headlines),
        sections::permanence::section(&scope),
        sections::stability::section(&scope),
        sections::adoption::section(&scope),
        sections::proceedings::section(&scope),
        sections::oversight::section(&scope),
        sections::life_story::section(&scope),
        sections::care_leavers::section(&scope),
        sections::trends::section(period, &headlines),
    ];
    if !period.is_month() {
        sections.push(sections::sufficiency::section(&scope));
    }
    Ok(Report {
        period,
        as_of,
        headlines,
        sections,
    })
}
