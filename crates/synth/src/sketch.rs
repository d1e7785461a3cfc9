//! The first, cheap stage of making a child: date of birth, sex, UASC status and the
//! outline of every period of care (start, end, route, how it ends). It is enough to
//! tell whether the child appears in any of the window's returns, so candidates who do
//! not are dropped before the detailed (and dearer) second stage.

use permanence_domain::codes::ReasonPlacedCeased;

use crate::calendar::{Day, age_on, birthday};
use crate::random::Random;
use crate::rates::*;

/// How a period of care is planned to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// Back home, after weeks or months.
    ReturnHome,
    /// A special guardianship order at the end of proceedings.
    SpecialGuardianship,
    /// A child arrangements order.
    ChildArrangements,
    /// Adoption.
    Adoption,
    /// Long-term care: foster care or residential care until 18 (or an early exit).
    LongTerm,
    /// Transfers, moves abroad, custody and other reasons.
    Other,
    /// Remanded to local-authority accommodation (J1).
    Remand,
    /// An unaccompanied asylum-seeking child (section 20, until 18 in most cases).
    Uasc,
}

impl Route {
    /// Routes in the order of the columns of [`ROUTES_BY_AGE_BAND`].
    const BY_COLUMN: [Route; 7] = [
        Route::ReturnHome,
        Route::SpecialGuardianship,
        Route::ChildArrangements,
        Route::Adoption,
        Route::LongTerm,
        Route::Other,
        Route::Remand,
    ];
}

/// How a period of care ends (resolved to a REC code when the episodes are built).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// E4A, E4B or E13.
    ReturnHome,
    /// E45-E48 (E43/E44 before 2018/19).
    SpecialGuardianship,
    /// E41.
    ChildArrangements,
    /// E11 or E12.
    Adopted,
    /// On the 18th birthday: E17, E5, E6, E7 or E8.
    AtEighteen,
    /// Independent living before 18 (E5, E6).
    Independence,
    /// E3.
    Transfer,
    /// E8.
    OtherReason,
    /// E16.
    Abroad,
    /// E9.
    Custody,
    /// E14.
    RemandEnded,
    /// E15.
    AgeAssessedAdult,
}

/// An adoption plan's milestones.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AdoptionPlan {
    /// The agency decision that the child should be placed for adoption (DATE_PLACED,
    /// AD1 DATE_INT).
    pub(crate) decision: Day,
    /// The placement order (legal status E1); none when placed with consent.
    pub(crate) placement_order: Option<Day>,
    /// Matched with adopters.
    pub(crate) matched: Day,
    /// Moved in with the adopters (A3-A6 placement starts).
    pub(crate) placed: Day,
    /// Placed with the current foster carers (A3/A5).
    pub(crate) with_foster_carers: bool,
    /// Placed with parental consent (A3/A4) rather than under a placement order.
    pub(crate) consent: bool,
    /// The plan was reversed: when, and why.
    pub(crate) reversed: Option<(Day, ReasonPlacedCeased)>,
}

/// The outline of one period of care.
#[derive(Debug, Clone)]
pub(crate) struct PeriodPlan {
    /// First day looked after (DECOM of the `S` episode).
    pub(crate) start: Day,
    /// DEC of the last episode (may lie after the last return's 31 March).
    pub(crate) end: Day,
    /// The route.
    pub(crate) route: Route,
    /// How it ends.
    pub(crate) exit: Exit,
    /// Adoption milestones, for the adoption route.
    pub(crate) adoption: Option<AdoptionPlan>,
    /// The date of the special guardianship order that broke down before this period.
    pub(crate) after_sgo_breakdown: Option<Day>,
    /// Inspection pattern: a young child who lives in a children's home for years.
    pub(crate) young_in_childrens_home: bool,
}

/// The outline of one child.
#[derive(Debug, Clone)]
pub(crate) struct Sketch {
    /// Date of birth.
    pub(crate) dob: Day,
    /// Male (else female).
    pub(crate) male: bool,
    /// Unaccompanied asylum-seeking child.
    pub(crate) uasc: bool,
    /// Periods of care, in order.
    pub(crate) periods: Vec<PeriodPlan>,
    /// Birthdays (17th to 21st) around which care-leaver information (OC3) is collected.
    pub(crate) care_leaver_birthdays: Vec<Day>,
}

impl Sketch {
    /// Whether the child appears in any return from the year starting `first` to the
    /// year ending `last`: looked after at some time in it, or a care leaver with a
    /// birthday in it.
    pub(crate) fn appears_between(&self, first: Day, last: Day) -> bool {
        self.periods
            .iter()
            .any(|p| p.start <= last && p.end >= first)
            || self
                .care_leaver_birthdays
                .iter()
                .any(|&b| first <= b && b <= last)
    }
}

/// Draws a child who enters care on `entry`.
pub(crate) fn sketch(random: &mut Random, entry: Day) -> Sketch {
    let uasc = random.chance(UASC_SHARE_OF_ENTRANTS);
    let (dob, band) = if uasc {
        let age = random.pick(&UASC_ENTRY_AGE);
        let into_year = if age == 17 {
            random.int(0, LATEST_ENTRY_DAYS_AFTER_17)
        } else {
            random.int(0, 364)
        };
        (entry - (age as f64 * 365.25) as i32 - into_year, 4)
    } else {
        let band = random.index(&ENTRY_AGE_BANDS.map(|(_, w)| w));
        let (lo, hi) = ENTRY_AGE_BANDS[band].0;
        let age_days = if hi == 0 {
            if random.chance(NEWBORN_SHARE_OF_UNDER_ONE) {
                random.int(1, 30)
            } else {
                random.int(31, 364)
            }
        } else {
            let lo = (f64::from(lo) * 365.25) as i32;
            let hi = (f64::from(hi) * 365.25) as i32 + 364;
            random.int(lo, hi)
        };
        (entry - age_days, band)
    };
    // Everyone enters at least a few weeks before their 18th birthday.
    let latest = birthday(dob, 17) + LATEST_ENTRY_DAYS_AFTER_17;
    let dob = if entry > latest {
        dob + (entry - latest)
    } else {
        dob
    };
    let male = random.chance(if uasc { UASC_MALE_SHARE } else { MALE_SHARE });
    let route = if uasc {
        Route::Uasc
    } else {
        route_for_band(random, band)
    };
    let young_in_childrens_home =
        !uasc && age_on(dob, entry) < 9 && random.chance(YOUNG_CHILD_IN_CHILDRENS_HOME_SHARE);
    let route = if young_in_childrens_home {
        Route::LongTerm
    } else {
        route
    };
    let mut first = plan_period(random, dob, entry, route);
    first.young_in_childrens_home = young_in_childrens_home;
    let mut periods = vec![first];

    // Coming back: after a return home, or after a special guardianship breakdown.
    let eighteen = birthday(dob, 18);
    while periods.len() < 4 {
        let last = periods.last().expect("one period at least");
        let (gap, breakdown) = match last.exit {
            Exit::ReturnHome if random.chance(REENTRY_AFTER_RETURN_HOME_SHARE) => {
                (random.range(REENTRY_AFTER_RETURN_HOME_DAYS), None)
            }
            Exit::SpecialGuardianship if random.chance(SGO_BREAKDOWN_SHARE) => {
                (random.range(SGO_BREAKDOWN_DAYS), Some(last.end))
            }
            _ => break,
        };
        let start = last.end + gap;
        if start >= eighteen - 90 {
            break;
        }
        let band = band_of(age_on(dob, start));
        let mut route = route_for_band(random, band);
        if route == Route::Adoption && breakdown.is_some() {
            route = Route::LongTerm;
        }
        let mut period = plan_period(random, dob, start, route);
        period.after_sgo_breakdown = breakdown;
        periods.push(period);
    }

    let care_leaver_birthdays = care_leaver_birthdays(dob, &periods);
    Sketch {
        dob,
        male,
        uasc,
        periods,
        care_leaver_birthdays,
    }
}

/// The age band (index into [`ENTRY_AGE_BANDS`]) of an age in years.
fn band_of(age: i32) -> usize {
    ENTRY_AGE_BANDS
        .iter()
        .position(|((lo, hi), _)| (*lo..=*hi).contains(&age))
        .unwrap_or(ENTRY_AGE_BANDS.len() - 1)
}

fn route_for_band(random: &mut Random, band: usize) -> Route {
    Route::BY_COLUMN[random.index(&ROUTES_BY_AGE_BAND[band])]
}

/// Plans a period starting on `start` along `route`.
fn plan_period(random: &mut Random, dob: Day, start: Day, route: Route) -> PeriodPlan {
    let eighteen = birthday(dob, 18);
    let mut adoption = None;
    let (mut route, mut end, mut exit) = match route {
        Route::ReturnHome => {
            let days = if random.chance(RETURN_HOME_SHORT_SHARE) {
                random.int(1, 56)
            } else {
                random.lognormal_days(RETURN_HOME_MEDIAN_DAYS, 0.7).max(57)
            };
            (route, start + days, Exit::ReturnHome)
        }
        Route::SpecialGuardianship => (
            route,
            start + random.lognormal_days(SGO_MEDIAN_DAYS, 0.35).max(120),
            Exit::SpecialGuardianship,
        ),
        Route::ChildArrangements => (
            route,
            start + random.lognormal_days(CAO_MEDIAN_DAYS, 0.35).max(120),
            Exit::ChildArrangements,
        ),
        Route::Adoption => {
            let decision = start + random.range(ADOPTION_DECISION_DAYS);
            let consent = random.chance(ADOPTION_WITH_CONSENT_SHARE);
            let order = decision + random.range(PLACEMENT_ORDER_DAYS);
            let matched = order + random.range(MATCH_DAYS);
            let placed = matched + random.range(PLACED_DAYS);
            let with_foster_carers = random.chance(ADOPTED_BY_FOSTER_CARERS_SHARE);
            let reversed = random.chance(ADOPTION_PLAN_REVERSED_SHARE).then(|| {
                let reason = if consent {
                    random.pick(&[
                        (ReasonPlacedCeased::Rd1, 0.5),
                        (ReasonPlacedCeased::Rd4, 0.5),
                    ])
                } else {
                    random.pick(&[
                        (ReasonPlacedCeased::Rd1, 0.35),
                        (ReasonPlacedCeased::Rd2, 0.15),
                        (ReasonPlacedCeased::Rd3, 0.35),
                        (ReasonPlacedCeased::Rd4, 0.15),
                    ])
                };
                let at = match reason {
                    // The court made no placement order: decided at the final hearing.
                    ReasonPlacedCeased::Rd2 => order,
                    _ => decision + random.int(60, (placed - decision - 1).max(61)),
                };
                (at.min(placed - 1), reason)
            });
            adoption = Some(AdoptionPlan {
                decision,
                placement_order: (!consent
                    && !matches!(reversed, Some((_, ReasonPlacedCeased::Rd2))))
                .then_some(order),
                matched,
                placed,
                with_foster_carers,
                consent,
                reversed,
            });
            match reversed {
                None => (
                    route,
                    placed + random.range(ADOPTION_ORDER_DAYS),
                    Exit::Adopted,
                ),
                Some((at, _)) if random.chance(0.5) => (
                    Route::SpecialGuardianship,
                    at + random.int(120, 600),
                    Exit::SpecialGuardianship,
                ),
                Some((at, _)) => {
                    let (end, exit) = long_term_end(random, dob, at);
                    (Route::LongTerm, end, exit)
                }
            }
        }
        Route::LongTerm => {
            let (end, exit) = long_term_end(random, dob, start);
            (route, end, exit)
        }
        Route::Other => {
            let end = start + random.lognormal_days(OTHER_EXIT_MEDIAN_DAYS, 0.9);
            let exit = random.pick(&[
                (Exit::Transfer, 0.35),
                (Exit::OtherReason, 0.45),
                (Exit::Abroad, 0.07),
                (Exit::Custody, 0.13),
            ]);
            let exit = if exit == Exit::Custody && age_on(dob, end.min(eighteen)) < 14 {
                Exit::OtherReason
            } else {
                exit
            };
            (route, end, exit)
        }
        Route::Remand => (route, start + random.range(REMAND_DAYS), Exit::RemandEnded),
        Route::Uasc => {
            if random.chance(UASC_AGE_ASSESSED_ADULT_SHARE) {
                (route, start + random.int(14, 180), Exit::AgeAssessedAdult)
            } else if random.chance(UASC_OTHER_EARLY_EXIT_SHARE) {
                let exit = random.pick(&[(Exit::OtherReason, 0.7), (Exit::Abroad, 0.3)]);
                (route, start + random.int(30, 500), exit)
            } else {
                (route, eighteen, Exit::AtEighteen)
            }
        }
    };
    // Nobody is looked after past 18: adoption and orders planned after it become
    // long-term care that ends on the birthday.
    if end >= eighteen {
        end = eighteen;
        exit = Exit::AtEighteen;
        if matches!(
            route,
            Route::SpecialGuardianship | Route::ChildArrangements | Route::Adoption
        ) {
            route = Route::LongTerm;
            adoption = None;
        }
    }
    // Independence before 14 is not possible (rule 387), custody under 10 (rule 234).
    if exit == Exit::Independence && age_on(dob, end) < 16 {
        exit = Exit::ReturnHome;
    }
    PeriodPlan {
        start,
        end: end.max(start + 1),
        route,
        exit,
        adoption,
        after_sgo_breakdown: None,
        young_in_childrens_home: false,
    }
}

/// When and how long-term care starting on `from` ends.
fn long_term_end(random: &mut Random, dob: Day, from: Day) -> (Day, Exit) {
    let eighteen = birthday(dob, 18);
    if random.chance(LONG_TERM_EARLY_EXIT_SHARE) {
        let end = from + random.lognormal_days(LONG_TERM_EARLY_EXIT_MEDIAN_DAYS, 0.6);
        if end < eighteen {
            let exit = if age_on(dob, end) >= 16 && random.chance(0.6) {
                Exit::Independence
            } else {
                Exit::ReturnHome
            };
            return (end, exit);
        }
    }
    (eighteen, Exit::AtEighteen)
}

/// The 17th-21st birthdays around which OC3 is collected: for young people looked after
/// for at least 13 weeks after their 14th birthday and still after their 16th, once they
/// have left care (not on or after the birthday itself: rules 1007, 1016), and not after
/// a transfer to another authority (1011), an age assessment or a move abroad.
fn care_leaver_birthdays(dob: Day, periods: &[PeriodPlan]) -> Vec<Day> {
    let last = periods.last().expect("one period at least");
    let (fourteen, sixteen) = (birthday(dob, 14), birthday(dob, 16));
    let after_fourteen: i32 = periods
        .iter()
        .map(|p| (p.end - p.start.max(fourteen)).max(0))
        .sum();
    let eligible = after_fourteen >= 91
        && last.end > sixteen
        && !matches!(
            last.exit,
            Exit::Transfer | Exit::AgeAssessedAdult | Exit::Abroad
        );
    if !eligible {
        return Vec::new();
    }
    (17..=21)
        .map(|age| birthday(dob, age))
        .filter(|&b| b > last.end)
        .collect()
}
