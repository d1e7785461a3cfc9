//! Who counts: the definitions every section shares (looked after at a date, starting
//! and ceasing in a period, age bands), following the DfE's conventions in
//! `domain.md` §2.1: children looked after under an agreed series of short breaks
//! (legal status V3, V4) are left out of every count.

use permanence_domain::journey::PeriodOfCare;
use permanence_domain::record::Episode;
use permanence_domain::{Date, Journey};

/// The age bands the DfE publishes looked-after children by.
pub const AGE_BANDS: [&str; 5] = ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"];

/// The DfE age band of an age in completed years.
pub fn age_band(age: i32) -> &'static str {
    match age {
        ..1 => AGE_BANDS[0],
        1..=4 => AGE_BANDS[1],
        5..=9 => AGE_BANDS[2],
        10..=15 => AGE_BANDS[3],
        _ => AGE_BANDS[4],
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_bands_follow_the_dfe() {
        assert_eq!(age_band(0), "Under 1");
        assert_eq!(age_band(1), "1 to 4");
        assert_eq!(age_band(4), "1 to 4");
        assert_eq!(age_band(5), "5 to 9");
        assert_eq!(age_band(15), "10 to 15");
        assert_eq!(age_band(16), "16 and over");
        assert_eq!(age_band(17), "16 and over");
    }
}
