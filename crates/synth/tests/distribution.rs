//! The borough looks like England (`domain.md` §2.2), within tolerances: the population
//! looked after at the last 31 March by age, sex, ethnicity, need, placement and
//! stability; a steady state over the years; and the inspection's patterns at about
//! their documented rates.

use std::sync::OnceLock;

use permanence_domain::codes::*;
use permanence_domain::date::{add_days, age_on, birthday, days_between};
use permanence_domain::{CollectionYear, Date, Journey};
use permanence_synth::rates;
use permanence_synth::{SynthConfig, generate};

fn config() -> SynthConfig {
    SynthConfig {
        children: 12_000,
        seed: 31,
        first_year: CollectionYear(2017),
        last_year: CollectionYear(2026),
    }
}

fn journeys() -> &'static [Journey] {
    static JOURNEYS: OnceLock<Vec<Journey>> = OnceLock::new();
    JOURNEYS.get_or_init(|| generate(&config()).into_iter().map(Journey::new).collect())
}

fn last_31_march() -> Date {
    config().last_year.end()
}

/// The children looked after on the last 31 March.
fn looked_after() -> Vec<&'static Journey> {
    journeys()
        .iter()
        .filter(|j| j.looked_after_on(last_31_march()))
        .collect()
}

/// The share (0-100) of `all` for which `test` holds.
fn percent<T>(all: &[T], test: impl Fn(&T) -> bool) -> f64 {
    100.0 * all.iter().filter(|x| test(x)).count() as f64 / all.len() as f64
}

fn assert_near(what: &str, value: f64, target: f64, tolerance: f64) {
    assert!(
        (value - target).abs() <= tolerance,
        "{what}: {value:.1}% is not within {tolerance} points of {target}%"
    );
}

#[test]
fn the_population_is_in_a_steady_state() {
    let counts: Vec<usize> = config()
        .years()
        .map(|year| {
            journeys()
                .iter()
                .filter(|j| j.looked_after_on(year.end()))
                .count()
        })
        .collect();
    let mean = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
    for count in &counts {
        assert!((*count as f64 - mean).abs() / mean < 0.06, "{counts:?}");
    }
    // Some children were already in care when the window opened, some for years.
    let window_start = config().first_year.start();
    let before = journeys()
        .iter()
        .filter(|j| {
            j.record
                .episodes
                .first()
                .is_some_and(|e| e.decom < add_days(window_start, -3 * 365))
        })
        .count();
    assert!(
        before > 100,
        "{before} children in care since 3 years before the window"
    );
}

#[test]
fn ages_at_31_march_are_close_to_england() {
    let cla = looked_after();
    assert!(cla.len() > 1_500);
    let age = |j: &&Journey| age_on(j.record.header.dob, last_31_march());
    assert_near("under 1", percent(&cla, |j| age(j) == 0), 5.0, 2.5);
    assert_near(
        "1-4",
        percent(&cla, |j| (1..=4).contains(&age(j))),
        14.0,
        3.5,
    );
    assert_near(
        "5-9",
        percent(&cla, |j| (5..=9).contains(&age(j))),
        18.0,
        3.5,
    );
    assert_near(
        "10-15",
        percent(&cla, |j| (10..=15).contains(&age(j))),
        39.0,
        4.0,
    );
    assert_near("16+", percent(&cla, |j| age(j) >= 16), 25.0, 4.0);
    assert!(cla.iter().all(|j| age(j) < 18));
}

#[test]
fn sex_ethnicity_and_need_are_close_to_england() {
    let cla = looked_after();
    assert_near(
        "male",
        percent(&cla, |j| {
            matches!(j.record.header.sex, Sex::Male | Sex::Male1)
        }),
        56.0,
        4.0,
    );
    let group = |j: &&Journey| j.record.header.ethnic.code().as_bytes()[0];
    assert_near("White", percent(&cla, |j| group(j) == b'W'), 73.0, 5.0);
    assert_near("Mixed", percent(&cla, |j| group(j) == b'M'), 10.0, 3.0);
    assert_near("Black", percent(&cla, |j| group(j) == b'B'), 7.0, 3.0);
    assert_near("Asian", percent(&cla, |j| group(j) == b'A'), 5.0, 3.0);
    let need = |j: &&Journey| j.episode_on(last_31_march()).unwrap().cin;
    assert_near(
        "abuse or neglect",
        percent(&cla, |j| need(j) == CategoryOfNeed::N1),
        66.0,
        5.0,
    );
}

#[test]
fn most_children_are_fostered_and_placements_are_mostly_stable() {
    let cla = looked_after();
    let place = |j: &&Journey| j.episode_on(last_31_march()).unwrap().place;
    let foster = percent(&cla, |j| place(j).group() == PlacementGroup::FosterCare);
    assert!((60.0..=80.0).contains(&foster), "foster care {foster:.1}%");
    let homes = percent(&cla, |j| place(j).is_childrens_home());
    assert!(
        (5.0..=16.0).contains(&homes),
        "children's homes {homes:.1}%"
    );
    let adoption = percent(&cla, |j| {
        place(j).group() == PlacementGroup::PlacedForAdoption
    });
    assert!(
        (1.0..=5.0).contains(&adoption),
        "placed for adoption {adoption:.1}%"
    );
    let parents = percent(&cla, |j| place(j) == Placement::P1);
    assert!(
        (2.0..=9.0).contains(&parents),
        "placed with parents {parents:.1}%"
    );
    // Children's homes are mostly for 12+.
    let young_in_homes = cla
        .iter()
        .filter(|j| {
            place(j).is_childrens_home() && age_on(j.record.header.dob, last_31_march()) < 12
        })
        .count() as f64;
    let in_homes = cla.iter().filter(|j| place(j).is_childrens_home()).count() as f64;
    assert!(young_in_homes / in_homes < 0.2);
    let three_plus = percent(&cla, |j| {
        j.placements_in_last_12_months(last_31_march()) >= 3
    });
    assert_near("3+ placements in the year", three_plus, 10.0, 4.0);
    let status = |j: &&Journey| j.episode_on(last_31_march()).unwrap().ls;
    let care_orders = percent(&cla, |j| {
        matches!(status(j), LegalStatus::C1 | LegalStatus::C2)
    });
    assert!(care_orders > 55.0, "care orders {care_orders:.1}%");
    assert!(percent(&cla, |j| status(j) == LegalStatus::C2) > 40.0);
}

#[test]
fn adoption_takes_about_two_years_and_a_quarter() {
    let mut days = Vec::new();
    for j in journeys() {
        for p in &j.periods {
            if let (Some(end), Some(ReasonEpisodeCeased::E11 | ReasonEpisodeCeased::E12)) =
                (p.end, p.reason_ceased)
            {
                days.push(days_between(p.start, end) as f64);
            }
        }
    }
    assert!(days.len() > 100);
    let years = days.iter().sum::<f64>() / days.len() as f64 / 365.25;
    assert!(
        (1.9..=2.7).contains(&years),
        "entry to adoption {years:.2} years"
    );
}

#[test]
fn the_inspection_patterns_are_present() {
    // Young children living in children's homes for more than a year.
    let young_in_homes = journeys()
        .iter()
        .filter(|j| {
            j.placements.iter().any(|p| {
                p.place == Placement::K2
                    && age_on(j.record.header.dob, p.start) <= 8
                    && p.end.is_none_or(|end| days_between(p.start, end) > 365)
            })
        })
        .count();
    assert!(
        young_in_homes >= 10,
        "{young_in_homes} young children in homes for a year"
    );

    // Late first and second reviews, at about their rates.
    let (mut first, mut first_late, mut second, mut second_late) = (0, 0, 0, 0);
    for j in journeys() {
        for p in &j.periods {
            let reviews: Vec<Date> = j
                .record
                .reviews
                .iter()
                .map(|r| r.review)
                .filter(|&r| r >= p.start && p.end.is_none_or(|end| r < end))
                .collect();
            if let Some(&r1) = reviews.first() {
                first += 1;
                if days_between(p.start, r1) > 28 {
                    first_late += 1;
                }
                if let Some(&r2) = reviews.get(1) {
                    second += 1;
                    if r2 > permanence_domain::date::add_months(r1, 3) {
                        second_late += 1;
                    }
                }
            }
        }
    }
    let first_late = 100.0 * first_late as f64 / first as f64;
    let second_late = 100.0 * second_late as f64 / second as f64;
    assert_near(
        "late first reviews",
        first_late,
        100.0 * rates::FIRST_REVIEW_LATE_SHARE,
        2.5,
    );
    assert_near(
        "late second reviews",
        second_late,
        100.0 * rates::SECOND_REVIEW_LATE_SHARE,
        2.5,
    );

    // Re-entries after a special guardianship order broke down, recorded as P2.
    let breakdowns = journeys()
        .iter()
        .filter(|j| {
            j.periods.windows(2).any(|pair| {
                let (before, after) = (&pair[0], &pair[1]);
                let sgo = matches!(
                    before.reason_ceased,
                    Some(
                        ReasonEpisodeCeased::E43
                            | ReasonEpisodeCeased::E44
                            | ReasonEpisodeCeased::E45
                            | ReasonEpisodeCeased::E46
                            | ReasonEpisodeCeased::E47
                            | ReasonEpisodeCeased::E48
                    )
                );
                sgo && j.record.previous_permanence.iter().any(|p| {
                    p.prev_perm == Some(PreviousPermanence::P2)
                        && p.year == CollectionYear::containing(after.start)
                })
            })
        })
        .count();
    assert!(
        breakdowns >= 3,
        "{breakdowns} re-entries after SGO breakdown"
    );

    // UASC: older boys under section 20, their status ending at 18.
    let uasc: Vec<&Journey> = journeys()
        .iter()
        .filter(|j| j.record.uasc_until.is_some())
        .collect();
    assert!(uasc.len() > 200);
    for j in &uasc {
        let first = &j.record.episodes[0];
        assert!(age_on(j.record.header.dob, first.decom) >= 15);
        assert_eq!(first.ls, LegalStatus::V2);
        assert_eq!(j.record.uasc_until, Some(birthday(j.record.header.dob, 18)));
    }
    assert!(percent(&uasc, |j| matches!(j.record.header.sex, Sex::Male)) > 85.0);
}

#[test]
fn care_leavers_are_mostly_in_touch_and_about_half_in_education_or_work() {
    let rows: Vec<_> = journeys()
        .iter()
        .flat_map(|j| j.record.care_leaver_outcomes.iter())
        .collect();
    assert!(rows.len() > 1_000);
    let in_touch = percent(&rows, |r| r.in_touch == Some(InTouch::Yes));
    assert!((80.0..=95.0).contains(&in_touch), "in touch {in_touch:.1}%");
    let eet = percent(&rows, |r| r.activ.is_some_and(Activity::is_eet));
    assert!((45.0..=62.0).contains(&eet), "EET {eet:.1}%");
    let suitable = percent(&rows, |r| {
        r.accom.and_then(Accommodation::suitable) == Some(true)
    });
    assert!(suitable > 70.0, "suitable accommodation {suitable:.1}%");
}
