//! What the tracker's records are built from: each period of care of a child's journey,
//! with its placements, legal statuses, reviews and adoption milestones as day numbers,
//! and the route the child took.

use permanence_domain::codes::{LegalStatus, Placement, ReasonEpisodeCeased};
use permanence_domain::{ChildRecord, Journey};

use crate::calendar::{Day, age_on, from_date, year_of};
use crate::rates::{YOUNG_CHILD_IN_HOME_AGE, YOUNG_CHILD_IN_HOME_MIN_DAYS};

/// A placement within a period.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub(crate) start: Day,
    /// The day it ended, or the day after the horizon while open.
    pub(crate) until: Day,
    pub(crate) place: Placement,
    /// New carers (RNE `S`, `P`, `B`) rather than the same carers in a new placement.
    pub(crate) new_carers: bool,
}

/// A run of one legal status within a period.
#[derive(Debug, Clone)]
pub(crate) struct Spell {
    pub(crate) start: Day,
    /// The day it ended, or the day after the horizon while open.
    pub(crate) until: Day,
    pub(crate) ls: LegalStatus,
}

/// Adoption milestones of a period.
#[derive(Debug, Clone)]
pub(crate) struct Adoption {
    /// The decision that the child should be placed for adoption (DATE_PLACED).
    pub(crate) decision: Day,
    /// The decision was reversed (DATE_PLACED_CEASED).
    pub(crate) ceased: Option<Day>,
    /// The placement order (start of legal status E1).
    pub(crate) placement_order: Option<Day>,
    /// Moved in with the adopters (start of an A3-A6 placement).
    pub(crate) placed: Option<Day>,
    /// Matched with the adopters (AD1 DATE_MATCH, when adopted).
    pub(crate) matched: Option<Day>,
    /// Placed in fostering for adoption (U2/U5) during the period.
    pub(crate) fostering_for_adoption: bool,
    /// Adopted by the child's foster carers (A3/A5).
    pub(crate) by_foster_carers: bool,
}

/// The route a period of care took, read off how it ended (or where the child is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// A decision to place for adoption (adopted, waiting, or reversed).
    Adoption,
    /// Left by a special guardianship order; `connected` when to relatives or friends.
    SpecialGuardianship { connected: bool },
    /// Left by a child arrangements order.
    ChildArrangements,
    /// Returned home (E4A, E13 planned; E4B not as part of the plan).
    ReturnHome { planned: bool },
    /// Stayed put at 18 (E17).
    StayingPut,
    /// Moved to independent or supported living (E5, E6, or H5/K3/P2 at 16+).
    SupportedLiving,
    /// Long-term foster care (U1/U4), matched on the day given.
    LongTermFostering { matched: Day, kin: bool },
    /// Looked after long enough to need a long-term plan, not yet matched.
    LongTermUnmatched,
    /// A children's home as the long-term placement (12+).
    Residential { since: Day },
    /// A short stay ending otherwise (transfer, remand ended, abroad, ...), or too short
    /// to need more than the first plan.
    Short,
}

/// One period of care, as the tracker sees it.
#[derive(Debug, Clone)]
pub(crate) struct Period {
    pub(crate) start: Day,
    /// The day it ended, when known.
    pub(crate) end: Option<Day>,
    /// `end`, or the day after the horizon while open: every event is before it.
    pub(crate) until: Day,
    pub(crate) rec: Option<ReasonEpisodeCeased>,
    pub(crate) places: Vec<Place>,
    pub(crate) legal: Vec<Spell>,
    /// Looked-after reviews in the period.
    pub(crate) reviews: Vec<Day>,
    pub(crate) adoption: Option<Adoption>,
    /// The start of a long stay in a children's home that began before the age in
    /// [`YOUNG_CHILD_IN_HOME_AGE`] (the inspection's drifting young children).
    pub(crate) young_in_home: Option<Day>,
    pub(crate) route: Route,
    /// Any placement with relatives or friends (U1-U3).
    pub(crate) kinship: bool,
}

impl Period {
    /// Whether the child is looked after on `day`.
    pub(crate) fn covers(&self, day: Day) -> bool {
        self.start <= day && day < self.until
    }

    /// The placement on `day`.
    pub(crate) fn place_on(&self, day: Day) -> Option<&Place> {
        self.places
            .iter()
            .rev()
            .find(|p| p.start <= day && day < p.until)
    }
}

/// The child's periods of care, in order.
pub(crate) fn periods(record: &ChildRecord, horizon: Day) -> (Journey, Vec<Period>) {
    let journey = Journey::new(record.clone());
    let dob = from_date(record.header.dob);
    let record = &journey.record;
    let after = horizon + 1;
    let mut periods = Vec::with_capacity(journey.periods.len());
    for (index, period) in journey.periods.iter().enumerate() {
        let start = from_date(period.start);
        let end = period.end.map(from_date);
        let until = end.unwrap_or(after);
        let places: Vec<Place> = journey
            .placements
            .iter()
            .filter(|p| p.period == index)
            .map(|p| Place {
                start: from_date(p.start),
                until: p.end.map_or(after, from_date),
                place: p.place,
                new_carers: p.new_carers,
            })
            .collect();
        let mut legal: Vec<Spell> = Vec::new();
        for episode in &record.episodes[period.episodes.clone()] {
            let (from, to) = (
                from_date(episode.decom),
                episode.dec.map_or(after, from_date),
            );
            match legal.last_mut() {
                Some(spell) if spell.ls == episode.ls => spell.until = to,
                _ => legal.push(Spell {
                    start: from,
                    until: to,
                    ls: episode.ls,
                }),
            }
        }
        let reviews: Vec<Day> = record
            .reviews
            .iter()
            .map(|r| from_date(r.review))
            .filter(|&d| start <= d && d < until)
            .collect();
        let fostering_for_adoption = places
            .iter()
            .any(|p| matches!(p.place, Placement::U2 | Placement::U5));
        let adoption = record
            .placed_for_adoption
            .iter()
            .map(|p| {
                (
                    from_date(p.date_placed),
                    p.date_placed_ceased.map(from_date),
                )
            })
            .rfind(|&(decision, _)| start <= decision && decision < until)
            .map(|(decision, ceased)| {
                let adoptive = places.iter().find(|p| {
                    matches!(
                        p.place,
                        Placement::A3 | Placement::A4 | Placement::A5 | Placement::A6
                    )
                });
                let matched = match (period.reason_ceased, end) {
                    (Some(ReasonEpisodeCeased::E11 | ReasonEpisodeCeased::E12), Some(end)) => {
                        record
                            .adoptions
                            .iter()
                            .find(|a| a.year.0 == year_of(end))
                            .and_then(|a| a.date_match)
                            .map(from_date)
                    }
                    _ => None,
                };
                Adoption {
                    decision,
                    ceased,
                    placement_order: legal
                        .iter()
                        .find(|s| s.ls == LegalStatus::E1)
                        .map(|s| s.start),
                    placed: adoptive.map(|p| p.start),
                    matched,
                    fostering_for_adoption,
                    by_foster_carers: adoptive
                        .is_some_and(|p| matches!(p.place, Placement::A3 | Placement::A5)),
                }
            });
        let young_in_home = places
            .iter()
            .find(|p| {
                p.place.is_childrens_home()
                    && age_on(dob, p.start) < YOUNG_CHILD_IN_HOME_AGE
                    && (p.until - p.start >= YOUNG_CHILD_IN_HOME_MIN_DAYS || p.until > horizon)
            })
            .map(|p| p.start);
        let kinship = places
            .iter()
            .any(|p| matches!(p.place, Placement::U1 | Placement::U2 | Placement::U3));
        let mut period = Period {
            start,
            end,
            until,
            rec: period.reason_ceased.filter(|_| end.is_some()),
            places,
            legal,
            reviews,
            adoption,
            young_in_home,
            route: Route::Short,
            kinship,
        };
        period.route = route(&period, dob);
        periods.push(period);
    }
    (journey, periods)
}

fn route(period: &Period, dob: Day) -> Route {
    use ReasonEpisodeCeased::*;
    if period.adoption.is_some() {
        return Route::Adoption;
    }
    let long_term = period
        .places
        .iter()
        .find(|p| matches!(p.place, Placement::U1 | Placement::U4));
    match period.rec {
        Some(E43 | E44 | E45 | E46 | E47 | E48) => {
            return Route::SpecialGuardianship {
                connected: period.kinship || matches!(period.rec, Some(E45 | E47)),
            };
        }
        Some(E41) => return Route::ChildArrangements,
        Some(E4A | E13) => return Route::ReturnHome { planned: true },
        Some(E4B) => return Route::ReturnHome { planned: false },
        Some(E17) => return Route::StayingPut,
        Some(E5 | E6) => return Route::SupportedLiving,
        _ => {}
    }
    if let Some(place) = long_term {
        return Route::LongTermFostering {
            matched: place.start,
            kin: place.place == Placement::U1,
        };
    }
    let last = period.places.iter().rev().find(|p| !p.place.is_temporary());
    if let Some(last) = last {
        if last.place.is_childrens_home()
            && age_on(dob, last.start) >= 12
            && last.until - last.start >= 180
        {
            return Route::Residential { since: last.start };
        }
        if matches!(last.place, Placement::H5 | Placement::K3 | Placement::P2)
            && age_on(dob, last.start) >= 16
        {
            return Route::SupportedLiving;
        }
    }
    if period.until - period.start > 270 || period.young_in_home.is_some() {
        Route::LongTermUnmatched
    } else {
        Route::Short
    }
}
