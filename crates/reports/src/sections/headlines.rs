//! Section 1, headlines: children looked after at the period's end, starting and
//! ceasing in it, by age band, legal status, placement and provider; children in care
//! for two years or more without permanence achieved; and the national stability
//! indicators that the trends follow.
//!
//! Every headline measure reads only what happened on or before the period's last day,
//! so the trend's earlier periods are computed from the same records as this one and
//! give what their own reports gave (a test checks this against [`Records::known_on`]).

use permanence_domain::codes::{Code, PlacementGroup};
use permanence_domain::date::add_months;
use permanence_domain::{Date, Journey};
use permanence_rules::rules::stab_02::spell_start;

use super::{bars, breakdown};
use crate::cohort::{AGE_BANDS, age_band, ceased_between, looked_after_at, started_between};
use crate::{Cell, England, Headline, Records, Scope, Section, Table};

/// A headline measure: how it is computed for a period (its first and last day).
struct Measure {
    key: &'static str,
    label: &'static str,
    england: Option<England>,
    compute: fn(&Records, Date, Date) -> Cell,
}

const MEASURES: &[Measure] = &[
    Measure {
        key: "looked_after_at_period_end",
        label: "Children looked after at the end of the period",
        england: None,
        compute: looked_after,
    },
    Measure {
        key: "started_in_period",
        label: "Children who started to be looked after in the period",
        england: None,
        compute: started,
    },
    Measure {
        key: "ceased_in_period",
        label: "Children who ceased to be looked after in the period",
        england: None,
        compute: ceased,
    },
    Measure {
        key: "in_care_two_years_without_permanence",
        label: "Children in care for 2 years or more without permanence achieved",
        england: None,
        compute: two_years_without_permanence,
    },
    Measure {
        key: "three_or_more_placements_percent",
        label: "Looked after with 3 or more placements in the last 12 months (%)",
        england: Some(England {
            value: 10.0,
            source: "England 2022-23, DfE",
        }),
        compute: three_or_more_placements,
    },
    Measure {
        key: "long_term_stability_percent",
        label: "Under 16s looked after 2.5 years or more, in the same placement for 2 years (%)",
        england: Some(England {
            value: 68.0,
            source: "England 2024, DfE",
        }),
        compute: long_term_stability,
    },
    Measure {
        key: "in_foster_care_percent",
        label: "Looked after children living in foster care (%)",
        england: Some(England {
            value: 70.0,
            source: "England 2022, DfE (derived)",
        }),
        compute: in_foster_care,
    },
];

fn children_where(records: &Records, keep: impl Fn(&Journey) -> bool) -> Vec<String> {
    records
        .journeys
        .iter()
        .filter(|j| keep(j))
        .map(|j| j.child().to_string())
        .collect()
}

fn looked_after(records: &Records, _from: Date, to: Date) -> Cell {
    Cell::children(children_where(records, |j| looked_after_at(j, to)))
}

fn started(records: &Records, from: Date, to: Date) -> Cell {
    Cell::children(children_where(records, |j| {
        started_between(j, from, to).is_some()
    }))
}

fn ceased(records: &Records, from: Date, to: Date) -> Cell {
    Cell::children(children_where(records, |j| {
        ceased_between(j, from, to).is_some()
    }))
}

/// Looked after at `to` for two years or more (the period of care began on or before
/// the same date two years earlier) with no permanence plan achieved in this period
/// of care by `to`.
fn two_years_without_permanence(records: &Records, _from: Date, to: Date) -> Cell {
    Cell::children(children_where(records, |j| {
        let Some(period) = j.period_on(to).filter(|_| looked_after_at(j, to)) else {
            return false;
        };
        let achieved = records.tracker(j.child()).plans.iter().any(|p| {
            p.achieved
                .is_some_and(|date| date >= period.start && date <= to)
        });
        period.start <= add_months(to, -24) && !achieved
    }))
}

/// Of children looked after at `to`, those with three or more placements (temporary
/// placements and short breaks left out) open at some time in the 12 months to `to`.
pub(crate) fn three_or_more_placements(records: &Records, _from: Date, to: Date) -> Cell {
    let cohort = children_where(records, |j| looked_after_at(j, to));
    let three = children_where(records, |j| {
        looked_after_at(j, to) && j.placements_in_last_12_months(to) >= 3
    });
    Cell::percent(three, cohort.len())
}

/// Of children under 16 at `to` looked after continuously for 2.5 years or more, those
/// whose current placement (with the same carers, or placed for adoption with the
/// placement before it) has lasted 2 years or more: the DfE's long-term stability
/// indicator, with STAB-02's reading of "the same placement".
pub(crate) fn long_term_stability(records: &Records, _from: Date, to: Date) -> Cell {
    let in_cohort = |j: &Journey| {
        looked_after_at(j, to)
            && j.age_on(to) < 16
            && j.period_on(to)
                .is_some_and(|p| p.start <= add_months(to, -30))
    };
    let cohort = children_where(records, in_cohort);
    let stable = children_where(records, |j| {
        in_cohort(j) && stable_since(j, to).is_some_and(|since| since <= add_months(to, -24))
    });
    Cell::percent(stable, cohort.len())
}

/// The day the child's current stable spell of placements began (see
/// [`spell_start`]), looked after on `to`.
fn stable_since(journey: &Journey, to: Date) -> Option<Date> {
    let current = journey.placements.iter().rposition(|p| p.covers(to))?;
    let period = journey.placements[current].period;
    let first = journey.placements[..=current]
        .iter()
        .position(|p| p.period == period)?;
    let spells = &journey.placements[first..=current];
    Some(spells[spell_start(spells)].start)
}

fn in_foster_care(records: &Records, _from: Date, to: Date) -> Cell {
    let cohort = children_where(records, |j| looked_after_at(j, to));
    let fostered = children_where(records, |j| {
        looked_after_at(j, to) && j.placement_on(to).is_some_and(|p| p.place.is_foster_care())
    });
    Cell::percent(fostered, cohort.len())
}

/// The headline measures for this period (from the records as known on its as-of
/// date) with their trend (each earlier period from all the records, up to its end).
pub(crate) fn headlines(all: &Records, scope: &Scope<'_>) -> Vec<Headline> {
    let trend = scope.period.trend();
    MEASURES
        .iter()
        .map(|measure| {
            let value = (measure.compute)(scope.records, scope.start, scope.as_of);
            let mut points: Vec<_> = trend[..trend.len() - 1]
                .iter()
                .map(|p| {
                    let cell = (measure.compute)(all, p.start(), p.end());
                    (*p, cell.number_value().unwrap_or(0.0))
                })
                .collect();
            points.push((scope.period, value.number_value().unwrap_or(0.0)));
            Headline {
                key: measure.key,
                label: measure.label,
                value,
                trend: points,
                england: measure.england,
            }
        })
        .collect()
}

/// Section 1.
pub(crate) fn section(scope: &Scope<'_>, headlines: &[Headline]) -> Section {
    let records = scope.records;
    let as_of = scope.as_of;
    let mut summary = Table::new(
        "headlines_summary",
        "Headline figures",
        &["Measure", "This period", "Previous period", "England"],
    )
    .with_note(
        "Children looked after under an agreed series of short breaks (legal status V3, V4) \
         are left out of every figure. Placements in the last 12 months leave out temporary \
         placements (T0 to T4).",
    );
    for headline in headlines {
        let percent = headline.key.ends_with("_percent");
        let number = |v: f64| {
            if percent {
                format!("{v:.1}%")
            } else {
                format!("{v:.0}")
            }
        };
        summary.push(vec![
            Cell::text(headline.label),
            headline.value.clone(),
            Cell::text(headline.previous().map(number).unwrap_or_default()),
            Cell::text(
                headline
                    .england
                    .map(|e| format!("{} ({})", number(e.value), e.source))
                    .unwrap_or_default(),
            ),
        ]);
    }
    let looked_after: Vec<&Journey> = records
        .journeys
        .iter()
        .filter(|j| looked_after_at(j, as_of))
        .collect();
    let by = |f: &dyn Fn(&Journey) -> String| -> Vec<(String, String)> {
        looked_after
            .iter()
            .map(|j| (f(j), j.child().to_string()))
            .collect()
    };
    let by_age = breakdown(
        "looked_after_by_age_band",
        "Looked after at the end of the period, by age",
        "Age band",
        &AGE_BANDS,
        by(&|j| age_band(j.age_on(as_of)).to_string()),
    );
    let by_legal_status = breakdown(
        "looked_after_by_legal_status",
        "Looked after at the end of the period, by legal status",
        "Legal status",
        &[],
        by(&|j| {
            let ls = j.legal_status_on(as_of).expect("looked after");
            format!("{}: {}", ls.code(), ls.description())
        }),
    );
    let groups: Vec<&str> = PlacementGroup::ALL.iter().map(|g| g.label()).collect();
    let by_group = breakdown(
        "looked_after_by_placement_group",
        "Looked after at the end of the period, by kind of placement",
        "Placement",
        &groups,
        by(&|j| placement(j, as_of).0),
    );
    let by_placement = breakdown(
        "looked_after_by_placement_type",
        "Looked after at the end of the period, by placement type",
        "Placement type",
        &[],
        by(&|j| placement(j, as_of).1),
    );
    let by_provider = breakdown(
        "looked_after_by_provider",
        "Looked after at the end of the period, by placement provider",
        "Provider",
        &[],
        by(&|j| {
            j.placement_on(as_of)
                .and_then(|p| p.provider)
                .map_or("Not recorded (temporary placement)".to_string(), |p| {
                    format!("{}: {}", p.code(), p.description())
                })
        }),
    );
    let starts = breakdown(
        "started_by_age_band",
        "Started to be looked after in the period, by age on starting",
        "Age band",
        &AGE_BANDS,
        records
            .journeys
            .iter()
            .filter_map(|j| {
                started_between(j, scope.start, as_of).map(|p| {
                    (
                        age_band(j.age_on(p.start)).to_string(),
                        j.child().to_string(),
                    )
                })
            })
            .collect(),
    );
    let ceasings = breakdown(
        "ceased_by_route",
        "Ceased to be looked after in the period, by how care ended",
        "How care ended",
        &[],
        records
            .journeys
            .iter()
            .filter_map(|j| {
                let period = ceased_between(j, scope.start, as_of)?;
                let route = period
                    .reason_ceased
                    .and_then(|r| r.exit_route())
                    .map_or("Not recorded", |r| r.label());
                Some((route.to_string(), j.child().to_string()))
            })
            .collect(),
    );
    Section {
        number: 1,
        id: "headlines",
        title: "Headlines",
        intro: format!(
            "Children looked after on {}, those who started and ceased to be looked after in \
             the period, and the children in care for two years or more without their \
             permanence plan achieved.",
            crate::long_date(as_of)
        ),
        charts: vec![
            bars("Looked after by kind of placement", &by_group),
            bars("Looked after by age", &by_age),
        ],
        tables: vec![
            summary,
            by_age,
            by_legal_status,
            by_group,
            by_placement,
            by_provider,
            starts,
            ceasings,
        ],
    }
}

/// The placement's group and type, in words.
fn placement(journey: &Journey, date: Date) -> (String, String) {
    let place = journey.placement_on(date).expect("looked after").place;
    (
        place.group().label().to_string(),
        format!("{}: {}", place.code(), place.description()),
    )
}

#[cfg(test)]
mod tests {
    use permanence_domain::codes::{
        LegalStatus, Placement, ReasonEpisodeCeased::*, ReasonNewEpisode,
    };
    use permanence_domain::journey::test_support::episode;
    use permanence_domain::tracker::{ChildTracker, Forum, PermanenceOption, PermanencePlan};

    use super::*;
    use crate::sections::test_cohort::*;

    fn headline(report: &crate::Report, key: &str) -> (String, Vec<String>) {
        let h = report.headline(key).unwrap();
        (
            h.value.csv_text(),
            h.value.children.clone().unwrap_or_default(),
        )
    }

    fn achieved_plan(child: &str, decided: Date, achieved: Date) -> ChildTracker {
        ChildTracker {
            plans: vec![PermanencePlan {
                child: child.into(),
                decided,
                forum: Forum::Review,
                primary: PermanenceOption::LongTermFostering,
                parallel: vec![],
                contingency: None,
                target: None,
                achieved: Some(achieved),
                achieved_by: Some(PermanenceOption::LongTermFostering),
            }],
            ..ChildTracker::default()
        }
    }

    /// October 2026, worked by hand:
    /// - A: in care since 1/1/2020, still in care: looked after at 31/10; in care 2+
    ///   years with no plan achieved.
    /// - B: started 15/10 and ceased 20/10 (returned home): started and ceased, not
    ///   looked after at the end.
    /// - C: ceased on 31/10 (DEC 31/10): ceased; not looked after on the day care ends.
    /// - D: started 1/11/2026: after the period, in nothing.
    /// - E: short breaks (V3) from 10/10: left out of everything.
    /// - F: left care 5/10 and came back 20/10 (a re-entry): started once, ceased once,
    ///   looked after at the end (1 year in care before, so not 2 years).
    /// - G: in care since 31/10/2024, exactly two years on 31/10/2026: counts.
    /// - H: in care since 1/11/2024, two years less a day: does not.
    /// - I: in care since 2019 but long-term fostering achieved on 1/6/2026: does not.
    /// - J: born 10/10/2010, in care since 2025, turned 16 in the period: 16 and over.
    ///
    /// Looked after at the end: A, F, G, H, I, J = 6. Started: B, F = 2. Ceased: B, C,
    /// F = 3. Two years without permanence: A, G = 2.
    #[test]
    fn headline_counts_worked_by_hand() {
        let mut short_break = in_care(d(2026, 10, 10), None);
        short_break.ls = LegalStatus::V3;
        let records = borough(
            vec![
                record("A", d(2012, 5, 1), vec![in_care(d(2020, 1, 1), None)]),
                record(
                    "B",
                    d(2015, 5, 1),
                    vec![in_care(d(2026, 10, 15), Some((d(2026, 10, 20), E4A)))],
                ),
                record(
                    "C",
                    d(2015, 5, 1),
                    vec![in_care(d(2025, 3, 1), Some((d(2026, 10, 31), E4A)))],
                ),
                record("D", d(2015, 5, 1), vec![in_care(d(2026, 11, 1), None)]),
                record("E", d(2015, 5, 1), vec![short_break]),
                record(
                    "F",
                    d(2015, 5, 1),
                    vec![
                        in_care(d(2025, 10, 1), Some((d(2026, 10, 5), E4B))),
                        in_care(d(2026, 10, 20), None),
                    ],
                ),
                record("G", d(2015, 5, 1), vec![in_care(d(2024, 10, 31), None)]),
                record("H", d(2015, 5, 1), vec![in_care(d(2024, 11, 1), None)]),
                record("I", d(2015, 5, 1), vec![in_care(d(2019, 1, 1), None)]),
                record("J", d(2010, 10, 10), vec![in_care(d(2025, 1, 1), None)]),
            ],
            vec![("I", achieved_plan("I", d(2025, 1, 1), d(2026, 6, 1)))],
        );
        let report = report(&records, "2026-10");
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            headline(&report, "looked_after_at_period_end"),
            ("6".into(), strings(&["A", "F", "G", "H", "I", "J"]))
        );
        assert_eq!(
            headline(&report, "started_in_period"),
            ("2".into(), strings(&["B", "F"]))
        );
        assert_eq!(
            headline(&report, "ceased_in_period"),
            ("3".into(), strings(&["B", "C", "F"]))
        );
        assert_eq!(
            headline(&report, "in_care_two_years_without_permanence"),
            ("2".into(), strings(&["A", "G"]))
        );
        // J turned 16 on 10/10/2026; A (14), F, G, H, I (11) are 10 to 15.
        assert_eq!(
            row(&report, "looked_after_by_age_band", "16 and over")[1],
            "1"
        );
        assert_eq!(row(&report, "looked_after_by_age_band", "10 to 15")[1], "5");
        assert_eq!(
            row(&report, "looked_after_by_age_band", "10 to 15")[2],
            "83.3"
        );
        // B started aged 11; F re-entered aged 11.
        assert_eq!(row(&report, "started_by_age_band", "10 to 15")[1], "2");
        assert_eq!(
            row(&report, "ceased_by_route", "Returned home (planned)")[1],
            "2"
        );
        assert_eq!(
            row(&report, "ceased_by_route", "Returned home (not planned)")[1],
            "1"
        );
    }

    /// Three or more placements in the 12 months to 31/10/2026, worked by hand:
    /// - K: placements from 1/1/2026, 1/3/2026 and 1/9/2026: 3.
    /// - L: placements from 1/1/2025 (still open on 31/10/2025, when the window
    ///   opens), 2/11/2025 and 1/5/2026: 3.
    /// - M: placements from 1/1/2025, 31/10/2025 and 1/5/2026: the window opens on
    ///   31/10/2025 and the first placement ended that day (a placement covers up to,
    ///   not including, its end), so 2 placements.
    /// - N: placements from 1/6/2026 and a temporary T4 from 1/8/2026 then back:
    ///   temporary placements do not count: 2.
    ///
    /// 2 of 4 = 50.0%.
    #[test]
    fn three_or_more_placements_worked_by_hand() {
        let moves = |id: &str, starts: &[(Date, Placement)]| {
            let mut episodes = Vec::new();
            for (i, (start, place)) in starts.iter().enumerate() {
                let rne = if i == 0 {
                    ReasonNewEpisode::S
                } else {
                    ReasonNewEpisode::P
                };
                let end = starts.get(i + 1).map(|s| s.0);
                episodes.push(episode(*start, rne, *place, end, end.map(|_| X1)));
            }
            record(id, d(2015, 1, 1), episodes)
        };
        let records = borough(
            vec![
                moves(
                    "K",
                    &[
                        (d(2026, 1, 1), Placement::U6),
                        (d(2026, 3, 1), Placement::U4),
                        (d(2026, 9, 1), Placement::K2),
                    ],
                ),
                moves(
                    "L",
                    &[
                        (d(2025, 1, 1), Placement::U6),
                        (d(2025, 11, 2), Placement::U4),
                        (d(2026, 5, 1), Placement::K2),
                    ],
                ),
                moves(
                    "M",
                    &[
                        (d(2025, 1, 1), Placement::U6),
                        (d(2025, 10, 31), Placement::U4),
                        (d(2026, 5, 1), Placement::K2),
                    ],
                ),
                moves(
                    "N",
                    &[
                        (d(2026, 6, 1), Placement::U6),
                        (d(2026, 8, 1), Placement::T4),
                        (d(2026, 8, 5), Placement::U6),
                    ],
                ),
            ],
            vec![],
        );
        let report = report(&records, "2026-10");
        let (value, children) = headline(&report, "three_or_more_placements_percent");
        assert_eq!(children, vec!["K", "L"]);
        assert_eq!(value, "50.0");
    }

    /// Long-term stability on 31/10/2026, worked by hand (cohort: under 16, in care
    /// since on or before 30/4/2024):
    /// - P: in care since 30/4/2024 (exactly 2.5 years), one placement: in the cohort,
    ///   stable (2.5 years in the placement).
    /// - Q: in care since 1/5/2024 (a day short of 2.5 years): not in the cohort.
    /// - R: in care since 2020, current placement from 31/10/2024 (exactly 2 years):
    ///   stable.
    /// - S: in care since 2020, current placement from 1/11/2024: not stable.
    /// - T: in care since 2020, placed for adoption (A5) from 1/6/2026 after a foster
    ///   placement from 1/1/2024: the adoptive placement with the one before it has
    ///   lasted since 1/1/2024: stable.
    /// - U: aged 16 on 31/10/2026: not in the cohort.
    ///
    /// Stable: P, R, T of P, R, S, T = 75.0%.
    #[test]
    fn long_term_stability_worked_by_hand() {
        let two = |id: &str, dob: Date, first: Date, second: Date, place: Placement| {
            record(
                id,
                dob,
                vec![
                    episode(
                        first,
                        ReasonNewEpisode::S,
                        Placement::U6,
                        Some(second),
                        Some(X1),
                    ),
                    episode(second, ReasonNewEpisode::P, place, None, None),
                ],
            )
        };
        let records = borough(
            vec![
                record("P", d(2014, 1, 1), vec![in_care(d(2024, 4, 30), None)]),
                record("Q", d(2014, 1, 1), vec![in_care(d(2024, 5, 1), None)]),
                two(
                    "R",
                    d(2014, 1, 1),
                    d(2020, 1, 1),
                    d(2024, 10, 31),
                    Placement::U4,
                ),
                two(
                    "S",
                    d(2014, 1, 1),
                    d(2020, 1, 1),
                    d(2024, 11, 1),
                    Placement::U4,
                ),
                record(
                    "T",
                    d(2020, 1, 1),
                    vec![
                        episode(
                            d(2020, 6, 1),
                            ReasonNewEpisode::S,
                            Placement::U6,
                            Some(d(2024, 1, 1)),
                            Some(X1),
                        ),
                        episode(
                            d(2024, 1, 1),
                            ReasonNewEpisode::P,
                            Placement::U6,
                            Some(d(2026, 6, 1)),
                            Some(X1),
                        ),
                        episode(
                            d(2026, 6, 1),
                            ReasonNewEpisode::P,
                            Placement::A5,
                            None,
                            None,
                        ),
                    ],
                ),
                record("U", d(2010, 10, 31), vec![in_care(d(2015, 1, 1), None)]),
            ],
            vec![],
        );
        let report = report(&records, "2026-10");
        let (value, children) = headline(&report, "long_term_stability_percent");
        assert_eq!(children, vec!["P", "R", "T"]);
        assert_eq!(value, "75.0");
    }

    #[test]
    fn the_trend_reproduces_each_earlier_period_as_it_stood() {
        let config = permanence_synth::SynthConfig {
            children: 300,
            seed: 7,
            first_year: permanence_domain::CollectionYear(2022),
            last_year: permanence_domain::CollectionYear(2026),
        };
        let children = permanence_synth::generate(&config);
        let as_of = config.last_year.end();
        let (organisation, trackers) =
            permanence_synth::generate_tracker(&config, as_of, &children);
        let records = Records {
            journeys: children.into_iter().map(Journey::new).collect(),
            trackers,
            organisation,
            alert_activity: Vec::new(),
        };
        let period = crate::Period::month_of(as_of);
        let report = crate::build(
            &records,
            period,
            as_of,
            &permanence_rules::Policy::default(),
        )
        .unwrap();
        for headline in &report.headlines {
            for (earlier, value) in &headline.trend {
                let known = records.known_on(earlier.end());
                let measure = MEASURES.iter().find(|m| m.key == headline.key).unwrap();
                let own = (measure.compute)(&known, earlier.start(), earlier.end());
                assert_eq!(
                    own.number_value().unwrap_or(0.0),
                    *value,
                    "{} for {earlier}",
                    headline.key
                );
            }
        }
        assert!(report.headline("looked_after_at_period_end").unwrap().trend[11].1 > 50.0);
    }
}
