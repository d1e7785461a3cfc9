//! The looked-after population month by month, as the model sees it: each child's
//! *state* (age band and placement group) on a run of monthly snapshot dates, and what
//! happened between two snapshots (stayed, moved to another state, left care by a
//! route, or came into care). Counting follows `permanence_reports::cohort`, the
//! reports' own definitions: a child is counted on a date when looked after other than
//! under short breaks (V3, V4), in the DfE age bands.

use std::borrow::{Borrow, Cow};

use permanence_domain::codes::{ExitRoute, PlacementGroup};
use permanence_domain::date::add_months;
use permanence_domain::{Date, Journey};
use permanence_reports::cohort::{AGE_BANDS, looked_after_at};

/// Number of age bands ([`AGE_BANDS`]).
pub const BANDS: usize = AGE_BANDS.len();
/// Number of placement groups ([`PlacementGroup::ALL`]).
pub const GROUPS: usize = PlacementGroup::ALL.len();
/// Number of states: every age band with every placement group.
pub const STATES: usize = BANDS * GROUPS;
/// The exit routes, in the order the model keeps them.
pub const EXIT_ROUTES: [ExitRoute; 8] = [
    ExitRoute::Adoption,
    ExitRoute::SpecialGuardianship,
    ExitRoute::ChildArrangementsOrder,
    ExitRoute::ReturnHomePlanned,
    ExitRoute::ReturnHomeUnplanned,
    ExitRoute::StayingPut,
    ExitRoute::IndependentLiving,
    ExitRoute::Other,
];
/// Number of exit routes.
pub const ROUTES: usize = EXIT_ROUTES.len();

/// The state index of an age band and a placement group (both as indexes).
pub fn state_index(band: usize, group: usize) -> usize {
    band * GROUPS + group
}

/// The age band index of a state.
pub fn band_of(state: usize) -> usize {
    state / GROUPS
}

/// The placement group index of a state.
pub fn group_of(state: usize) -> usize {
    state % GROUPS
}

/// The index in [`AGE_BANDS`] of the band of an age in completed years.
pub use permanence_domain::date::age_band_index as band_index;

/// The index in [`PlacementGroup::ALL`] of a group.
pub fn group_index(group: PlacementGroup) -> usize {
    PlacementGroup::ALL
        .iter()
        .position(|g| *g == group)
        .expect("ALL holds every group")
}

fn route_index(route: ExitRoute) -> usize {
    EXIT_ROUTES
        .iter()
        .position(|r| *r == route)
        .expect("EXIT_ROUTES holds every route")
}

/// The child's state on `date`: `None` when not looked after (or only under short
/// breaks). A day with no placement recorded counts as "Other placements".
pub fn state_on(journey: &Journey, date: Date) -> Option<usize> {
    if !looked_after_at(journey, date) {
        return None;
    }
    let group = journey
        .placement_on(date)
        .map_or(PlacementGroup::Other, |p| p.place.group());
    Some(state_index(
        band_index(journey.age_on(date)),
        group_index(group),
    ))
}

/// The number looked after on `date` in each state.
pub fn stock_on<J: Borrow<Journey>>(journeys: &[J], date: Date) -> [f64; STATES] {
    let mut stock = [0.0; STATES];
    for journey in journeys {
        if let Some(state) = state_on(journey.borrow(), date) {
            stock[state] += 1.0;
        }
    }
    stock
}

/// What happened between two snapshot dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Month {
    /// The first snapshot.
    pub start: Date,
    /// The next snapshot (one calendar month later).
    pub end: Date,
    /// Children looked after on `start`, by state.
    pub stock: [f64; STATES],
    /// `moves[i][j]`: children in state `i` on `start` and in state `j` on `end`
    /// (`i == j`: stayed).
    pub moves: Vec<[f64; STATES]>,
    /// `exits[i][r]`: children in state `i` on `start` not looked after on `end`,
    /// by the route their period of care ended ([`EXIT_ROUTES`]).
    pub exits: Vec<[f64; ROUTES]>,
    /// Children looked after on `end` who were not on `start`, by their state on `end`.
    pub entries: [f64; STATES],
}

impl Month {
    fn new(start: Date, end: Date) -> Month {
        Month {
            start,
            end,
            stock: [0.0; STATES],
            moves: vec![[0.0; STATES]; STATES],
            exits: vec![[0.0; ROUTES]; STATES],
            entries: [0.0; STATES],
        }
    }
}

/// The months of history a model is fitted on, and the population at their end.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// The months, oldest first; the last ends on the forecast date.
    pub months: Vec<Month>,
    /// Children looked after on the last month's end (the forecast date), by state.
    pub stock_at_end: [f64; STATES],
}

/// The snapshot dates: `months` calendar months back from `end`, then `end`.
pub fn snapshot_dates(end: Date, months: usize) -> Vec<Date> {
    (0..=months)
        .map(|t| add_months(end, t as i32 - months as i32))
        .collect()
}

/// Counts the `months` months up to `end` from journeys already cut to what was known
/// on `end` (see [`known_on`]).
pub fn history<J: Borrow<Journey>>(journeys: &[J], end: Date, months: usize) -> History {
    let dates = snapshot_dates(end, months);
    let mut result: Vec<Month> = dates.windows(2).map(|w| Month::new(w[0], w[1])).collect();
    let mut stock_at_end = [0.0; STATES];
    let first = dates[0];
    let mut states = Vec::with_capacity(dates.len());
    for journey in journeys {
        let journey = journey.borrow();
        // Children whose care all ended before the first snapshot play no part.
        let Some(last) = journey.record.episodes.last() else {
            continue;
        };
        if last.dec.is_some_and(|dec| dec <= first) {
            continue;
        }
        states.clear();
        states.extend(dates.iter().map(|date| state_on(journey, *date)));
        for (t, month) in result.iter_mut().enumerate() {
            match (states[t], states[t + 1]) {
                (Some(from), Some(to)) => {
                    month.stock[from] += 1.0;
                    month.moves[from][to] += 1.0;
                }
                (Some(from), None) => {
                    month.stock[from] += 1.0;
                    let route = journey
                        .period_on(month.start)
                        .and_then(|p| p.reason_ceased)
                        .and_then(|r| r.exit_route())
                        .unwrap_or(ExitRoute::Other);
                    month.exits[from][route_index(route)] += 1.0;
                }
                (None, Some(to)) => month.entries[to] += 1.0,
                (None, None) => {}
            }
        }
        if let Some(state) = states[months] {
            stock_at_end[state] += 1.0;
        }
    }
    History {
        months: result,
        stock_at_end,
    }
}

/// The journeys as they were known on `date`: children with no episode by then left
/// out, and every record with anything dated after it cut by
/// [`permanence_domain::ChildRecord::known_on`] (rows after it dropped, ends after it
/// undone). Journeys with nothing after the date are borrowed as they are.
pub fn known_on(journeys: &[Journey], date: Date) -> Vec<Cow<'_, Journey>> {
    journeys
        .iter()
        .filter(|j| j.record.episodes.first().is_some_and(|e| e.decom <= date))
        .map(|j| {
            let later = j
                .record
                .episodes
                .iter()
                .any(|e| e.decom > date || e.dec.is_some_and(|dec| dec > date));
            if later {
                Cow::Owned(Journey::new(j.record.known_on(date)))
            } else {
                Cow::Borrowed(j)
            }
        })
        .collect()
}

/// The first day the data can speak for: the start (1 April) of the earliest
/// collection year any episode came from. Entries and exits before it are not in the
/// returns, so no month before it is counted.
pub fn history_start(journeys: &[Journey]) -> Option<Date> {
    journeys
        .iter()
        .flat_map(|j| j.record.episodes.iter().map(|e| e.year.start()))
        .min()
}

/// The last day of the latest collection year any episode came from.
pub fn history_end(journeys: &[Journey]) -> Option<Date> {
    journeys
        .iter()
        .flat_map(|j| j.record.episodes.iter().map(|e| e.year.end()))
        .max()
}

/// The whole calendar months of history before `end`: the largest `m` such that `m`
/// months before `end` is on or after `start`.
pub fn months_available(start: Date, end: Date) -> usize {
    let mut months = 0;
    while add_months(end, -(months as i32 + 1)) >= start {
        months += 1;
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_indexes_follow_all() {
        for (i, g) in PlacementGroup::ALL.iter().enumerate() {
            assert_eq!(group_index(*g), i);
        }
        assert_eq!(band_index(0), 0);
        assert_eq!(band_index(17), 4);
        assert_eq!(state_index(2, 3), 17);
        assert_eq!((band_of(17), group_of(17)), (2, 3));
    }

    #[test]
    fn months_available_counts_whole_months() {
        let d = Date::constant;
        assert_eq!(months_available(d(2021, 4, 1), d(2021, 4, 1)), 0);
        assert_eq!(months_available(d(2021, 4, 1), d(2021, 5, 1)), 1);
        assert_eq!(months_available(d(2021, 4, 1), d(2022, 3, 31)), 11);
        assert_eq!(months_available(d(2021, 4, 1), d(2022, 4, 1)), 12);
    }
}
