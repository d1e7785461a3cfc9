//! What a rule sees when it evaluates one child: the journey, the policy, the calendar,
//! the evaluation date, the tracker's own records (an extension point, empty today), and
//! facts worked out once per child (the period of care open on the evaluation date, the
//! placements in it, and how far back the data goes).
//!
//! Everything here looks at the record as it stood on `as_of`: episodes, reviews and
//! other rows dated after it are ignored, and an episode that ended after it is open.

use permanence_domain::calendar::Calendar;
use permanence_domain::codes::{Code, ReasonNewEpisode};
use permanence_domain::date::{add_days, age_on, days_between, format_dmy};
use permanence_domain::journey::{PeriodOfCare, PlacementSpell};
use permanence_domain::record::Episode;
use permanence_domain::{Date, Journey};

use crate::finding::{Evidence, Finding, Status};
use crate::policy::Policy;
use crate::rule::{RuleInfo, RuleSettings};

/// Records about a child that the permanence tracker holds beyond the 903 return
/// (family finding, contingency plans, decisions). Empty until those records exist;
/// rules that will use them (PERM-04: "unless family finding is active and there is a
/// contingency plan") receive them here, so adding them changes no rule signature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrackerRecords {}

impl TrackerRecords {
    /// No tracker records.
    pub fn none() -> &'static TrackerRecords {
        static NONE: TrackerRecords = TrackerRecords {};
        &NONE
    }
}

/// Everything a rule needs to evaluate one child on one day.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The child's journey (the whole record; rules look only at what was known on
    /// `as_of`).
    pub journey: &'a Journey,
    /// The council's policy.
    pub policy: &'a Policy,
    /// The working-day calendar.
    pub calendar: &'a Calendar,
    /// The evaluation date.
    pub as_of: Date,
    /// The tracker's own records about the child.
    pub tracker: &'a TrackerRecords,
    current: Option<CurrentPeriod<'a>>,
    data_from: Date,
}

/// The period of care open on the evaluation date.
#[derive(Debug, Clone, Copy)]
pub struct CurrentPeriod<'a> {
    /// Its index in `journey.periods`.
    pub index: usize,
    /// The period (its `end` may be after `as_of`: treat it as open).
    pub period: &'a PeriodOfCare,
    /// The period's first episode in the data.
    pub first_episode: &'a Episode,
    /// Whether the period's start is in the data: its first episode is an `S` episode
    /// (started to be looked after). Otherwise the first episode came from a later
    /// return and the period began earlier than `period.start`.
    pub start_known: bool,
    /// The period's placements that started on or before `as_of`, in order; the last is
    /// the current placement.
    pub placements: &'a [PlacementSpell],
}

impl<'a> CurrentPeriod<'a> {
    /// The first day of the period in the data.
    pub fn start(&self) -> Date {
        self.period.start
    }

    /// The placement the child is in on `as_of`.
    pub fn current_placement(&self) -> Option<&'a PlacementSpell> {
        self.placements.last()
    }

    /// How the start date is described in evidence.
    pub fn start_evidence(&self) -> String {
        if self.start_known {
            format!("{} (episode DECOM, RNE S)", format_dmy(self.period.start))
        } else {
            format!(
                "on or before {} (the earliest episode in the loaded data has RNE {}, so \
                 the period began earlier)",
                format_dmy(self.period.start),
                self.first_episode.rne.code()
            )
        }
    }
}

impl<'a> Context<'a> {
    /// The context for one child.
    pub fn new(
        journey: &'a Journey,
        policy: &'a Policy,
        calendar: &'a Calendar,
        as_of: Date,
        tracker: &'a TrackerRecords,
    ) -> Context<'a> {
        let current = current_period(journey, as_of);
        let data_from = journey
            .record
            .episodes
            .iter()
            .map(|episode| episode.year)
            .min()
            .map_or(as_of, |year| year.start());
        Context {
            journey,
            policy,
            calendar,
            as_of,
            tracker,
            current,
            data_from,
        }
    }

    /// The child's id.
    pub fn child(&self) -> &'a str {
        self.journey.child()
    }

    /// The period of care open on `as_of`, if the child is looked after then.
    pub fn current_period(&self) -> Option<CurrentPeriod<'a>> {
        self.current
    }

    /// The first day the loaded data can be relied on to be complete for this child: the
    /// start of the earliest collection year any of the child's episodes came from.
    /// Rows that only earlier returns would hold (reviews, placements that ended before
    /// then) are not in the data.
    pub fn data_from(&self) -> Date {
        self.data_from
    }

    /// The child's age in completed years on `date`.
    pub fn age_on(&self, date: Date) -> i32 {
        age_on(self.journey.record.header.dob, date)
    }

    /// The child's date of birth.
    pub fn dob(&self) -> Date {
        self.journey.record.header.dob
    }

    /// Evidence that the date of birth cannot be right (after the evaluation date, or
    /// after the period of care began), so no age can be worked out from it.
    pub fn dob_problem(&self) -> Option<Vec<Evidence>> {
        let dob = self.dob();
        if dob > self.as_of {
            return Some(vec![Evidence::new(
                "Date of birth",
                format!(
                    "{} is after the evaluation date {}: the age cannot be worked out",
                    format_dmy(dob),
                    format_dmy(self.as_of)
                ),
            )]);
        }
        match self.current {
            Some(current) if dob > current.start() => Some(vec![Evidence::new(
                "Date of birth",
                format!(
                    "{} is after the period of care started ({}): the age cannot be worked out",
                    format_dmy(dob),
                    format_dmy(current.start())
                ),
            )]),
            _ => None,
        }
    }

    /// The "due soon" window for a rule: its own, or the policy's.
    pub fn due_soon_days(&self, settings: &dyn RuleSettings) -> i32 {
        settings
            .due_soon_days()
            .unwrap_or(self.policy.alerts.due_soon_days)
    }

    /// Overdue after `due`; due soon from `window` days before it up to and including
    /// it; nothing earlier.
    pub fn status_for(&self, due: Date, window: i32) -> Option<Status> {
        if self.as_of > due {
            Some(Status::Overdue)
        } else if self.as_of >= add_days(due, -window) {
            Some(Status::DueSoon)
        } else {
            None
        }
    }

    /// A finding of `info`'s rule for this child. `days_overdue` and the escalation
    /// level are worked out from `due` and the evaluation date.
    pub fn finding(
        &self,
        info: &'static RuleInfo,
        status: Status,
        due: Option<Date>,
        evidence: Vec<Evidence>,
    ) -> Finding {
        let (days_overdue, escalated_to) = match (status, due) {
            (Status::Overdue, Some(due)) => (
                days_between(due, self.as_of).max(0),
                self.policy.escalation.escalated_to(
                    info.owner,
                    self.calendar.working_days_between(due, self.as_of).max(0),
                ),
            ),
            _ => (0, info.owner),
        };
        Finding {
            rule: info.id,
            child: self.child().to_string(),
            status,
            due,
            days_overdue,
            owner_role: info.owner,
            escalated_to,
            title: info.title,
            evidence,
        }
    }
}

fn current_period(journey: &Journey, as_of: Date) -> Option<CurrentPeriod<'_>> {
    let index = journey
        .periods
        .iter()
        .rposition(|p| p.start <= as_of && p.end.is_none_or(|end| end > as_of))?;
    let period = &journey.periods[index];
    let first_episode = &journey.record.episodes[period.episodes.start];
    let placements = &journey.placements;
    let low = placements.partition_point(|p| p.period < index);
    let high =
        placements.partition_point(|p| p.period < index || (p.period == index && p.start <= as_of));
    Some(CurrentPeriod {
        index,
        period,
        first_episode,
        start_known: first_episode.rne == ReasonNewEpisode::S,
        placements: &placements[low..high],
    })
}

/// A placement as evidence: "K2 (children's home ...) from 01/02/2025".
pub fn placement_text(placement: &PlacementSpell, as_of: Date) -> String {
    let end = match placement.end {
        Some(end) if end <= as_of => format!(" to {}", format_dmy(end)),
        _ => String::new(),
    };
    format!(
        "{} ({}) from {}{end}",
        placement.place.code(),
        placement.place.description(),
        format_dmy(placement.start)
    )
}

/// A list of dates as `dd/mm/yyyy, dd/mm/yyyy`, or "none".
pub fn dates_text(dates: &[Date]) -> String {
    if dates.is_empty() {
        "none".to_string()
    } else {
        dates
            .iter()
            .map(|date| format_dmy(*date))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// "1st", "2nd", "16th", "21st".
pub fn ordinal(n: i32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals() {
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(16), "16th");
        assert_eq!(ordinal(21), "21st");
        assert_eq!(ordinal(22), "22nd");
        assert_eq!(ordinal(113), "113th");
    }
}
