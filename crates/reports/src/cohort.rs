//! Who counts: the definitions every section shares (looked after at a date, starting
//! and ceasing in a period, age bands), following the DfE's conventions in
//! `domain.md` §2.1: children looked after under an agreed series of short breaks
//! (legal status V3, V4) are left out of every count.

use permanence_domain::journey::PeriodOfCare;
use permanence_domain::record::Episode;
use permanence_domain::{Date, Journey};

pub use permanence_domain::date::{AGE_BANDS, age_band};

/// Whether the child is looked after on `date`, other than under short breaks.
pub fn looked_after_at(journey: &Journey, date: Date) -> bool {
    journey
        .episode_on(date)
        .is_some_and(|e| !e.ls.is_short_break())
}

fn first_episode<'j>(journey: &'j Journey, period: &PeriodOfCare) -> &'j Episode {
    &journey.record.episodes[period.episodes.start]
}

fn last_episode<'j>(journey: &'j Journey, period: &PeriodOfCare) -> &'j Episode {
    &journey.record.episodes[period.episodes.end - 1]
}

/// The child's first period of care that started from `from` to `to` (both included),
/// other than under short breaks.
pub fn started_between(journey: &Journey, from: Date, to: Date) -> Option<&PeriodOfCare> {
    journey.periods.iter().find(|p| {
        p.start >= from && p.start <= to && !first_episode(journey, p).ls.is_short_break()
    })
}

/// The child's last period of care that ended from `from` to `to` (both included: the
/// day it ended is the day the child stopped being looked after), other than under
/// short breaks.
pub fn ceased_between(journey: &Journey, from: Date, to: Date) -> Option<&PeriodOfCare> {
    journey.periods.iter().rev().find(|p| {
        p.end.is_some_and(|end| end >= from && end <= to)
            && !last_episode(journey, p).ls.is_short_break()
    })
}
