//! A child's journey through care, derived from the 903 records: periods of care,
//! placements and legal-status spells, and the facts people ask of them (age, whether
//! looked after on a date, days in care, current placement, placement moves).
//!
//! Conventions (documented in `docs/ARCHITECTURE.md`):
//! - A child is looked after from DECOM up to, but not including, DEC.
//! - A period of care starts with an `S` episode (or after a gap, when the data has one)
//!   and runs through episodes ending `X1` until one ends with any other reason.
//! - Every episode whose RNE is not `L` starts a new placement (`P`, `B`: new carers;
//!   `T`, `U`: same carers, new placement); `L` continues the placement.
//! - Placement counts leave out temporary placements (T0 to T4) and short breaks (V3, V4).

use std::ops::Range;

use crate::Date;
use crate::codes::{
    LegalStatus, Placement, PlacementProvider, ReasonEpisodeCeased, ReasonPlaceChange,
};
use crate::date::{add_months, age_on, days_between};
use crate::record::{ChildRecord, Episode};

/// A child's records with the journey derived from them.
#[derive(Debug, Clone)]
pub struct Journey {
    /// The 903 records, episodes in DECOM order.
    pub record: ChildRecord,
    /// Periods of care, in order.
    pub periods: Vec<PeriodOfCare>,
    /// Placements, in order.
    pub placements: Vec<PlacementSpell>,
    /// Legal-status spells, in order.
    pub legal_statuses: Vec<LegalStatusSpell>,
}

/// A continuous period of being looked after.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PeriodOfCare {
    /// The day the period started.
    pub start: Date,
    /// The day it ended; `None` while open.
    pub end: Option<Date>,
    /// Why it ended.
    pub reason_ceased: Option<ReasonEpisodeCeased>,
    /// Indexes into `record.episodes`.
    pub episodes: Range<usize>,
}

/// One placement: a run of episodes with the same placement (only the legal status may
/// change within it).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlacementSpell {
    /// The day the placement started.
    pub start: Date,
    /// The day it ended; `None` while open.
    pub end: Option<Date>,
    /// PLACE.
    pub place: Placement,
    /// PLACE_PROVIDER.
    pub provider: Option<PlacementProvider>,
    /// URN.
    pub urn: Option<String>,
    /// PL_POST.
    pub postcode: Option<String>,
    /// The legal status at the start of the placement.
    pub legal_status_at_start: LegalStatus,
    /// Whether the placement brought new carers (RNE `S`, `P`, `B`).
    pub new_carers: bool,
    /// REASON_PLACE_CHANGE recorded on the placement's last episode.
    pub reason_ended: Option<ReasonPlaceChange>,
    /// Index of the period of care it belongs to.
    pub period: usize,
    /// Indexes into `record.episodes`.
    pub episodes: Range<usize>,
}

impl PlacementSpell {
    /// Whether the placement covers `date`.
    pub fn covers(&self, date: Date) -> bool {
        self.start <= date && self.end.is_none_or(|end| end > date)
    }

    /// Whether the placement counts towards placement-move indicators (not temporary,
    /// not a short break).
    pub fn counts_as_move(&self) -> bool {
        !self.place.is_temporary() && !self.legal_status_at_start.is_short_break()
    }
}

/// A run of consecutive episodes with the same legal status.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LegalStatusSpell {
    /// The day it started.
    pub start: Date,
    /// The day it ended; `None` while open.
    pub end: Option<Date>,
    /// LS.
    pub legal_status: LegalStatus,
}

impl Journey {
    /// Derives the journey. Episodes are sorted by DECOM first.
    pub fn new(mut record: ChildRecord) -> Journey {
        record.episodes.sort_by_key(|e| e.decom);
        let periods = periods_of_care(&record.episodes);
        let placements = placements(&record.episodes, &periods);
        let legal_statuses = legal_statuses(&record.episodes, &periods);
        Journey {
            record,
            periods,
            placements,
            legal_statuses,
        }
    }

    /// The child's id.
    pub fn child(&self) -> &str {
        &self.record.child
    }

    /// Age in completed years on `date`.
    pub fn age_on(&self, date: Date) -> i32 {
        age_on(self.record.header.dob, date)
    }

    /// The episode covering `date`, if looked after then.
    pub fn episode_on(&self, date: Date) -> Option<&Episode> {
        // The latest episode starting on or before the date is the only candidate.
        let index = self.record.episodes.partition_point(|e| e.decom <= date);
        index
            .checked_sub(1)
            .map(|i| &self.record.episodes[i])
            .filter(|e| e.covers(date))
    }

    /// Whether the child is looked after on `date`.
    pub fn looked_after_on(&self, date: Date) -> bool {
        self.episode_on(date).is_some()
    }

    /// The period of care covering `date`.
    pub fn period_on(&self, date: Date) -> Option<&PeriodOfCare> {
        self.periods
            .iter()
            .rev()
            .find(|p| p.start <= date && p.end.is_none_or(|end| end > date))
    }

    /// Days from the start of the current period of care to `date` (0 on the first day);
    /// `None` when not looked after on `date`.
    pub fn days_in_care(&self, date: Date) -> Option<i32> {
        self.period_on(date).map(|p| days_between(p.start, date))
    }

    /// The placement covering `date`.
    pub fn placement_on(&self, date: Date) -> Option<&PlacementSpell> {
        self.placements.iter().rev().find(|p| p.covers(date))
    }

    /// The legal status on `date`.
    pub fn legal_status_on(&self, date: Date) -> Option<LegalStatus> {
        self.episode_on(date).map(|e| e.ls)
    }

    /// Placements that count as moves (see [`PlacementSpell::counts_as_move`]) and were
    /// open at any time in the 12 months up to and including `date`: those that started
    /// in the window and the one already open when it began.
    pub fn placements_in_last_12_months(&self, date: Date) -> usize {
        let window_start = add_months(date, -12);
        self.placements
            .iter()
            .filter(|p| p.counts_as_move())
            .filter(|p| p.start <= date && p.end.is_none_or(|end| end > window_start))
            .count()
    }

    /// The most recent period of care that started on or before `date`.
    pub fn latest_period(&self, date: Date) -> Option<&PeriodOfCare> {
        self.periods.iter().rev().find(|p| p.start <= date)
    }
}

fn periods_of_care(episodes: &[Episode]) -> Vec<PeriodOfCare> {
    let mut periods: Vec<PeriodOfCare> = Vec::new();
    for (i, episode) in episodes.iter().enumerate() {
        let continues = i > 0 && {
            let previous = &episodes[i - 1];
            previous.rec == Some(ReasonEpisodeCeased::X1) && previous.dec == Some(episode.decom)
        };
        if continues && episode.rne != crate::codes::ReasonNewEpisode::S {
            let period = periods.last_mut().expect("a period is open");
            period.episodes.end = i + 1;
        } else {
            periods.push(PeriodOfCare {
                start: episode.decom,
                end: None,
                reason_ceased: None,
                episodes: i..i + 1,
            });
        }
        let period = periods.last_mut().expect("a period is open");
        period.end = episode.dec;
        period.reason_ceased = episode.rec;
    }
    periods
}

fn placements(episodes: &[Episode], periods: &[PeriodOfCare]) -> Vec<PlacementSpell> {
    let mut spells: Vec<PlacementSpell> = Vec::new();
    for (period_index, period) in periods.iter().enumerate() {
        for i in period.episodes.clone() {
            let episode = &episodes[i];
            let first_in_period = i == period.episodes.start;
            if first_in_period || episode.rne.starts_placement() {
                spells.push(PlacementSpell {
                    start: episode.decom,
                    end: episode.dec,
                    place: episode.place,
                    provider: episode.place_provider,
                    urn: episode.urn.clone(),
                    postcode: episode.pl_post.clone(),
                    legal_status_at_start: episode.ls,
                    new_carers: first_in_period || episode.rne.changes_carer(),
                    reason_ended: episode.reason_place_change,
                    period: period_index,
                    episodes: i..i + 1,
                });
            } else {
                let spell = spells.last_mut().expect("a placement is open");
                spell.end = episode.dec;
                spell.reason_ended = episode.reason_place_change;
                spell.episodes.end = i + 1;
            }
        }
    }
    spells
}

fn legal_statuses(episodes: &[Episode], periods: &[PeriodOfCare]) -> Vec<LegalStatusSpell> {
    let mut spells: Vec<LegalStatusSpell> = Vec::new();
    for period in periods {
        for i in period.episodes.clone() {
            let episode = &episodes[i];
            match spells.last_mut() {
                Some(spell) if i != period.episodes.start && spell.legal_status == episode.ls => {
                    spell.end = episode.dec;
                }
                _ => spells.push(LegalStatusSpell {
                    start: episode.decom,
                    end: episode.dec,
                    legal_status: episode.ls,
                }),
            }
        }
    }
    spells
}

/// Builders for tests in this crate and others: a child with sensible defaults.
pub mod test_support {
    use crate::codes::*;
    use crate::record::{ChildRecord, Episode, Header};
    use crate::{CollectionYear, Date};

    /// A child born on `dob` with no episodes.
    pub fn child(id: &str, dob: Date) -> ChildRecord {
        ChildRecord {
            child: id.to_string(),
            header: Header {
                sex: Sex::Female,
                dob,
                ethnic: Ethnicity::Wbri,
                upn: None,
                mother: None,
                mc_dob: None,
            },
            uasc_until: None,
            episodes: vec![],
            reviews: vec![],
            missing: vec![],
            outcomes: vec![],
            care_leaver_outcomes: vec![],
            adoptions: vec![],
            placed_for_adoption: vec![],
            previous_permanence: vec![],
            social_worker_episodes: vec![],
            deprivation_of_liberty: vec![],
        }
    }

    /// An episode with placeholder codes (C2, N1, U6 from own provision).
    pub fn episode(
        decom: Date,
        rne: ReasonNewEpisode,
        place: Placement,
        dec: Option<Date>,
        rec: Option<ReasonEpisodeCeased>,
    ) -> Episode {
        Episode {
            decom,
            rne,
            ls: LegalStatus::C2,
            cin: CategoryOfNeed::N1,
            place,
            place_provider: (!place.is_temporary()).then_some(PlacementProvider::Pr1),
            dec,
            rec,
            reason_place_change: None,
            home_post: None,
            pl_post: None,
            urn: None,
            year: CollectionYear::containing(decom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use crate::codes::ReasonNewEpisode::*;
    use crate::codes::{Placement as Pl, ReasonEpisodeCeased as Rec};

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    fn sample() -> Journey {
        let mut record = child("C1", d(2015, 5, 10));
        record.episodes = vec![
            episode(
                d(2022, 1, 10),
                S,
                Pl::U6,
                Some(d(2022, 3, 1)),
                Some(Rec::X1),
            ),
            // Legal status changes only: same placement.
            Episode {
                ls: LegalStatus::C1,
                ..episode(d(2022, 3, 1), L, Pl::U6, Some(d(2022, 6, 1)), Some(Rec::X1))
            },
            // Same carers, new placement (short-term becomes long-term).
            episode(d(2022, 6, 1), T, Pl::U4, Some(d(2023, 2, 1)), Some(Rec::X1)),
            episode(
                d(2023, 2, 1),
                P,
                Pl::K2,
                Some(d(2023, 9, 1)),
                Some(Rec::E4A),
            ),
            // Re-entry.
            episode(d(2024, 1, 5), S, Pl::U6, None, None),
        ];
        Journey::new(record)
    }

    #[test]
    fn periods_split_at_ceasing_and_restart_at_s() {
        let journey = sample();
        assert_eq!(journey.periods.len(), 2);
        assert_eq!(journey.periods[0].start, d(2022, 1, 10));
        assert_eq!(journey.periods[0].end, Some(d(2023, 9, 1)));
        assert_eq!(journey.periods[0].reason_ceased, Some(Rec::E4A));
        assert_eq!(journey.periods[0].episodes, 0..4);
        assert_eq!(journey.periods[1].end, None);
    }

    #[test]
    fn placements_change_except_on_legal_status_only() {
        let journey = sample();
        let places: Vec<_> = journey
            .placements
            .iter()
            .map(|p| (p.place, p.new_carers))
            .collect();
        assert_eq!(
            places,
            vec![
                (Pl::U6, true),
                (Pl::U4, false),
                (Pl::K2, true),
                (Pl::U6, true)
            ]
        );
        assert_eq!(journey.placements[0].end, Some(d(2022, 6, 1)));
    }

    #[test]
    fn legal_status_spells_merge_runs() {
        let journey = sample();
        let statuses: Vec<_> = journey
            .legal_statuses
            .iter()
            .map(|s| s.legal_status)
            .collect();
        assert_eq!(
            statuses,
            vec![
                LegalStatus::C2,
                LegalStatus::C1,
                LegalStatus::C2,
                LegalStatus::C2
            ]
        );
    }

    #[test]
    fn looked_after_excludes_the_day_care_ceased() {
        let journey = sample();
        assert!(journey.looked_after_on(d(2022, 1, 10)));
        assert!(!journey.looked_after_on(d(2022, 1, 9)));
        assert!(journey.looked_after_on(d(2023, 8, 31)));
        assert!(!journey.looked_after_on(d(2023, 9, 1)));
        assert!(journey.looked_after_on(d(2030, 1, 1)));
    }

    #[test]
    fn days_in_care_counts_from_current_period() {
        let journey = sample();
        assert_eq!(journey.days_in_care(d(2022, 1, 10)), Some(0));
        assert_eq!(journey.days_in_care(d(2024, 1, 15)), Some(10));
        assert_eq!(journey.days_in_care(d(2023, 12, 1)), None);
    }

    #[test]
    fn current_placement_and_legal_status() {
        let journey = sample();
        assert_eq!(
            journey.placement_on(d(2022, 4, 1)).map(|p| p.place),
            Some(Pl::U6)
        );
        assert_eq!(
            journey.legal_status_on(d(2022, 4, 1)),
            Some(LegalStatus::C1)
        );
        assert_eq!(
            journey.placement_on(d(2023, 3, 1)).map(|p| p.place),
            Some(Pl::K2)
        );
        assert_eq!(journey.placement_on(d(2023, 10, 1)), None);
    }

    #[test]
    fn placements_in_last_12_months_counts_open_and_started() {
        let journey = sample();
        // Window 2022-03-01 .. 2023-03-01: U6 (open at start), U4, K2.
        assert_eq!(journey.placements_in_last_12_months(d(2023, 3, 1)), 3);
        // Window 2023-06-02 .. 2024-06-02: K2 (ended 2023-09-01), U6.
        assert_eq!(journey.placements_in_last_12_months(d(2024, 6, 2)), 2);
    }

    #[test]
    fn temporary_placements_do_not_count() {
        let mut record = child("C2", d(2010, 1, 1));
        record.episodes = vec![
            episode(d(2024, 1, 1), S, Pl::U6, Some(d(2024, 2, 1)), Some(Rec::X1)),
            episode(d(2024, 2, 1), P, Pl::T3, Some(d(2024, 2, 8)), Some(Rec::X1)),
            episode(d(2024, 2, 8), P, Pl::U6, None, None),
        ];
        let journey = Journey::new(record);
        assert_eq!(journey.placements.len(), 3);
        assert_eq!(journey.placements_in_last_12_months(d(2024, 6, 1)), 2);
    }

    #[test]
    fn ages() {
        let journey = sample();
        assert_eq!(journey.age_on(d(2025, 5, 9)), 9);
        assert_eq!(journey.age_on(d(2025, 5, 10)), 10);
    }
}
