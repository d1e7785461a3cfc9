//! The demand forecast: a stock-and-flow model of the looked-after population, fitted
//! on the 903 history up to a date and projected one to five years ahead from the
//! children looked after on it, by age band and placement group, with uncertainty
//! bands from a bootstrap over the historical months, costed with the policy's weekly
//! unit costs, and back-tested on the year before the date.
//!
//! [`forecast`] does it all from the journeys; [`csv`] and [`html`] write the result.
//! The method is in `docs/forecast.md`: [`history`] counts the months, [`model`] fits
//! the rates, [`projection`] projects them.

pub mod csv;
pub mod history;
pub mod html;
pub mod model;
pub mod projection;

use permanence_domain::codes::PlacementGroup;
use permanence_domain::date::{add_months, format_dmy};
use permanence_domain::{Date, Journey};
use permanence_rules::Policy;

use crate::history::{BANDS, GROUPS, History, ROUTES, STATES, band_of, group_of};
use crate::model::Model;
use crate::projection::{Band, Path};

pub use history::EXIT_ROUTES;
pub use permanence_reports::cohort::AGE_BANDS;

/// The fewest months of history a model is fitted on.
pub const MIN_HISTORY_MONTHS: usize = 12;
/// The most years a forecast looks ahead.
pub const MAX_YEARS: u32 = 5;

/// What to forecast and how.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastOptions {
    /// The forecast date: the model is fitted on the history up to it and projects
    /// from the children looked after on it.
    pub from: Date,
    /// Years ahead, 1 to 5.
    pub years: u32,
    /// The most months of history the rates are fitted on (the latest ones).
    pub window_months: usize,
    /// How many bootstrap projections make the bands.
    pub replicates: usize,
    /// The seed of the bootstrap's random draws: the same seed, the same bands.
    pub seed: u64,
    /// The share of bootstrap projections inside a band (0.9: from the 5th to the
    /// 95th percentile).
    pub level: f64,
}

impl ForecastOptions {
    /// The default options for a date and a number of years: the latest 36 months of
    /// history, 1,000 bootstrap projections, seed 1, 90% bands.
    pub fn new(from: Date, years: u32) -> ForecastOptions {
        ForecastOptions {
            from,
            years,
            window_months: 36,
            replicates: 1_000,
            seed: 1,
            level: 0.9,
        }
    }
}

/// Why a forecast cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForecastError {
    /// Years outside 1 to 5.
    #[error("cannot forecast {years} years ahead: choose from 1 to {MAX_YEARS} years")]
    Years {
        /// The years asked for.
        years: u32,
    },
    /// No episodes at all.
    #[error("there is no 903 history to fit on: import the 903 returns first")]
    NoHistory,
    /// The date is before the history starts.
    #[error(
        "there is no 903 history before {from}: the returns start on {start}; choose a date \
         on or after {earliest} (the forecast is fitted on at least {MIN_HISTORY_MONTHS} \
         months of history)"
    )]
    BeforeHistory {
        /// The date asked for, dd/mm/yyyy.
        from: String,
        /// The start of the first collection year, dd/mm/yyyy.
        start: String,
        /// The earliest date with enough history, dd/mm/yyyy.
        earliest: String,
    },
    /// Too little history before the date.
    #[error(
        "only {months} months of 903 history before {from} (the returns start on {start}): \
         the forecast is fitted on at least {MIN_HISTORY_MONTHS}; choose a date on or \
         after {earliest}"
    )]
    TooLittleHistory {
        /// The date asked for, dd/mm/yyyy.
        from: String,
        /// Months of history before it.
        months: usize,
        /// The start of the first collection year, dd/mm/yyyy.
        start: String,
        /// The earliest date with enough history, dd/mm/yyyy.
        earliest: String,
    },
    /// The date is after the history ends.
    #[error(
        "{from} is after the 903 history ends ({end}): choose a date on or before {end}, \
         so the population it projects from is known"
    )]
    AfterHistory {
        /// The date asked for, dd/mm/yyyy.
        from: String,
        /// The end of the last collection year, dd/mm/yyyy.
        end: String,
    },
}

/// What the model was fitted on, in words people check: the flows of an average month.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// The first snapshot date of the fitted months.
    pub first: Date,
    /// The last (the forecast date).
    pub last: Date,
    /// How many months.
    pub months: usize,
    /// Mean number looked after at a fitted month's start.
    pub mean_looked_after: f64,
    /// Children coming into care in a month, by age band ([`AGE_BANDS`]).
    pub entries_by_band: [f64; BANDS],
    /// Children leaving care in a month, by route ([`EXIT_ROUTES`]).
    pub exits_by_route: [f64; ROUTES],
    /// The share of children looked after at a month's start who leave in the month.
    pub exit_rate: f64,
    /// The share who are in another placement group at the month's end.
    pub group_change_rate: f64,
}

impl Fitted {
    fn new(history: &History, model: &Model) -> Fitted {
        let months = history.months.len();
        let exposure: f64 = model.exposure.iter().sum();
        let mut entries_by_band = [0.0; BANDS];
        for (state, n) in model.pooled.entries.iter().enumerate() {
            entries_by_band[band_of(state)] += n;
        }
        let mut exits_by_route = [0.0; ROUTES];
        let mut group_changes = 0.0;
        for month in &history.months {
            for state in 0..STATES {
                for (r, n) in month.exits[state].iter().enumerate() {
                    exits_by_route[r] += n / months as f64;
                }
                for (to, n) in month.moves[state].iter().enumerate() {
                    if group_of(to) != group_of(state) {
                        group_changes += n;
                    }
                }
            }
        }
        let share = |n: f64| if exposure > 0.0 { n / exposure } else { 0.0 };
        Fitted {
            first: history.months.first().map_or(Date::MIN, |m| m.start),
            last: history.months.last().map_or(Date::MIN, |m| m.end),
            months,
            mean_looked_after: exposure / months.max(1) as f64,
            entries_by_band,
            exits_by_route,
            exit_rate: share(exits_by_route.iter().sum::<f64>() * months as f64),
            group_change_rate: share(group_changes),
        }
    }
}

/// One projected year.
#[derive(Debug, Clone, PartialEq)]
pub struct YearForecast {
    /// Which year ahead (1 to 5).
    pub year: u32,
    /// Its first day (the forecast date, or the previous year's end).
    pub start: Date,
    /// Its last day: the date the looked-after figure is projected for.
    pub end: Date,
    /// The number looked after on `end`.
    pub looked_after: Band,
    /// The year's cost of placements by group ([`PlacementGroup::ALL`]), in pounds.
    pub cost: [Band; GROUPS],
    /// The year's cost of all placements.
    pub total_cost: Band,
    /// Children expected to come into care in the year.
    pub entries: f64,
    /// Children expected to leave care in the year, by route ([`EXIT_ROUTES`]).
    pub exits: [f64; ROUTES],
}

/// One month of the back-test.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestMonth {
    /// The date.
    pub date: Date,
    /// The number actually looked after on it.
    pub actual: f64,
    /// What the model fitted a year before the forecast date projected for it.
    pub predicted: Band,
}

impl BacktestMonth {
    /// Predicted minus actual.
    pub fn error(&self) -> f64 {
        self.predicted.expected - self.actual
    }

    /// The absolute error as a percentage of the actual number (none when nobody was
    /// looked after).
    pub fn absolute_percentage_error(&self) -> Option<f64> {
        (self.actual > 0.0).then(|| (self.error() / self.actual).abs() * 100.0)
    }
}

/// The back-test: the model fitted on the history up to a year before the forecast
/// date, projecting the year up to it, against what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    /// The date the back-test's model was fitted up to.
    pub fitted_to: Date,
    /// The months fitted on.
    pub fitted_months: usize,
    /// Each month of the year, with the actual and projected numbers looked after.
    pub months: Vec<BacktestMonth>,
}

impl Backtest {
    /// The mean absolute percentage error over the months.
    pub fn mean_absolute_percentage_error(&self) -> f64 {
        let errors: Vec<f64> = self
            .months
            .iter()
            .filter_map(BacktestMonth::absolute_percentage_error)
            .collect();
        if errors.is_empty() {
            0.0
        } else {
            errors.iter().sum::<f64>() / errors.len() as f64
        }
    }

    /// The last month's error as a percentage of the actual number (positive: the
    /// model projected too many).
    pub fn end_error(&self) -> Option<f64> {
        let last = self.months.last()?;
        (last.actual > 0.0).then(|| last.error() / last.actual * 100.0)
    }

    /// How many months' actual numbers were inside the band.
    pub fn within_band(&self) -> usize {
        self.months
            .iter()
            .filter(|m| m.predicted.contains(m.actual))
            .count()
    }
}

/// The whole forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The options it was made with.
    pub options: ForecastOptions,
    /// What the model was fitted on.
    pub fitted: Fitted,
    /// The number looked after on each fitted month's start and on the forecast date
    /// (the history the projection continues).
    pub history: Vec<(Date, f64)>,
    /// The same by placement group.
    pub history_by_group: Vec<(Date, [f64; GROUPS])>,
    /// The projected dates: the forecast date, then a month apart.
    pub dates: Vec<Date>,
    /// `cells[k][state]`: the number looked after on `dates[k]` in each state (age
    /// band × placement group; see [`history::state_index`]).
    pub cells: Vec<Vec<Band>>,
    /// The number looked after on each date by placement group.
    pub groups: Vec<[Band; GROUPS]>,
    /// The number looked after on each date.
    pub totals: Vec<Band>,
    /// Each year ahead.
    pub years: Vec<YearForecast>,
    /// The weekly unit costs used, by placement group.
    pub weekly_costs: [f64; GROUPS],
    /// The back-test, or why there is none (too little history a year before).
    pub backtest: Result<Backtest, String>,
}

/// Weekly unit costs by placement group from the policy's `[costs]`.
pub fn weekly_costs(policy: &Policy) -> [f64; GROUPS] {
    PlacementGroup::ALL.map(|group| f64::from(policy.costs.weekly(group)))
}

/// The fitted model and its projections from one date.
struct Run {
    history: History,
    model: Model,
    dates: Vec<Date>,
    central: Path,
    replicates: Vec<Path>,
}

/// Fits on `journeys` cut to `from` and projects `months` months.
fn run(
    journeys: &[Journey],
    from: Date,
    months: usize,
    start: Date,
    options: &ForecastOptions,
) -> Result<Run, ForecastError> {
    let available = history::months_available(start, from);
    if available < MIN_HISTORY_MONTHS {
        let earliest = format_dmy(add_months(start, MIN_HISTORY_MONTHS as i32));
        return Err(if from < start {
            ForecastError::BeforeHistory {
                from: format_dmy(from),
                start: format_dmy(start),
                earliest,
            }
        } else {
            ForecastError::TooLittleHistory {
                from: format_dmy(from),
                months: available,
                start: format_dmy(start),
                earliest,
            }
        });
    }
    let known = history::known_on(journeys, from);
    let history = history::history(&known, from, available.min(options.window_months));
    let model = model::fit(&history);
    let central = projection::central(&model, &history.stock_at_end, months);
    let replicates = projection::bootstrap(
        &model,
        &history.stock_at_end,
        months,
        options.replicates,
        options.seed,
    );
    let dates = (0..=months).map(|k| add_months(from, k as i32)).collect();
    Ok(Run {
        history,
        model,
        dates,
        central,
        replicates,
    })
}

/// The band of a figure computed from each projection.
fn band(run: &Run, level: f64, figure: impl Fn(&Path) -> f64) -> Band {
    let mut samples: Vec<f64> = run.replicates.iter().map(&figure).collect();
    Band::from_samples(figure(&run.central), &mut samples, level)
}

/// The forecast from `options.from`, with the policy's unit costs.
pub fn forecast(
    journeys: &[Journey],
    policy: &Policy,
    options: &ForecastOptions,
) -> Result<Forecast, ForecastError> {
    if !(1..=MAX_YEARS).contains(&options.years) {
        return Err(ForecastError::Years {
            years: options.years,
        });
    }
    let (Some(start), Some(end)) = (
        history::history_start(journeys),
        history::history_end(journeys),
    ) else {
        return Err(ForecastError::NoHistory);
    };
    if options.from > end {
        return Err(ForecastError::AfterHistory {
            from: format_dmy(options.from),
            end: format_dmy(end),
        });
    }
    let from = options.from;
    let months = 12 * options.years as usize;
    let run = run(journeys, from, months, start, options)?;
    let level = options.level;
    let weekly = weekly_costs(policy);

    let cells = (0..=months)
        .map(|k| {
            (0..STATES)
                .map(|state| band(&run, level, |p| p.stock[k][state]))
                .collect()
        })
        .collect();
    let groups = (0..=months)
        .map(|k| std::array::from_fn(|g| band(&run, level, |p| p.by_group(k)[g])))
        .collect();
    let totals = (0..=months)
        .map(|k| band(&run, level, |p| p.total(k)))
        .collect();
    let years = (1..=options.years)
        .map(|year| {
            let (a, b) = (12 * (year as usize - 1), 12 * year as usize);
            let cost = |p: &Path| p.cost(&run.dates, a, b, &weekly);
            let mut exits = [0.0; ROUTES];
            for month in &run.central.exits[a..b] {
                for (total, n) in exits.iter_mut().zip(month) {
                    *total += n;
                }
            }
            YearForecast {
                year,
                start: run.dates[a],
                end: run.dates[b],
                looked_after: band(&run, level, |p| p.total(b)),
                cost: std::array::from_fn(|g| band(&run, level, |p| cost(p)[g])),
                total_cost: band(&run, level, |p| cost(p).iter().sum()),
                entries: run.central.entries[a..b].iter().sum(),
                exits,
            }
        })
        .collect();
    let mut history: Vec<(Date, f64)> = run
        .history
        .months
        .iter()
        .map(|m| (m.start, m.stock.iter().sum()))
        .collect();
    history.push((from, run.history.stock_at_end.iter().sum()));
    let by_group = |stock: &[f64; STATES]| {
        let mut groups = [0.0; GROUPS];
        for (state, n) in stock.iter().enumerate() {
            groups[group_of(state)] += n;
        }
        groups
    };
    let history_by_group = run
        .history
        .months
        .iter()
        .map(|m| (m.start, by_group(&m.stock)))
        .chain(std::iter::once((from, by_group(&run.history.stock_at_end))))
        .collect();
    Ok(Forecast {
        options: options.clone(),
        fitted: Fitted::new(&run.history, &run.model),
        history,
        history_by_group,
        dates: run.dates.clone(),
        cells,
        groups,
        totals,
        years,
        weekly_costs: weekly,
        backtest: backtest(journeys, start, options),
    })
}

/// Fits on the history up to a year before the forecast date and projects the year up
/// to it, against the numbers actually looked after.
fn backtest(
    journeys: &[Journey],
    start: Date,
    options: &ForecastOptions,
) -> Result<Backtest, String> {
    let fitted_to = add_months(options.from, -12);
    let run = run(journeys, fitted_to, 12, start, options).map_err(|_| {
        format!(
            "the back-test needs {MIN_HISTORY_MONTHS} months of history before {} (a year \
             before the forecast date) and the returns start on {}: it runs for forecast \
             dates from {}",
            format_dmy(fitted_to),
            format_dmy(start),
            format_dmy(add_months(start, MIN_HISTORY_MONTHS as i32 + 12))
        )
    })?;
    let known = history::known_on(journeys, options.from);
    let months = (1..=12)
        .map(|k| {
            let date = run.dates[k];
            let actual = known
                .iter()
                .filter(|j| history::state_on(j.as_ref(), date).is_some())
                .count() as f64;
            BacktestMonth {
                date,
                actual,
                predicted: band(&run, options.level, |p| p.total(k)),
            }
        })
        .collect();
    Ok(Backtest {
        fitted_to,
        fitted_months: run.history.months.len(),
        months,
    })
}

#[cfg(test)]
mod tests {
    use permanence_domain::codes::{Placement, ReasonEpisodeCeased as Rec, ReasonNewEpisode};
    use permanence_domain::journey::test_support::{child, episode};

    use super::*;
    use crate::history::{band_index, group_index, state_index};

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    /// Rows as merged returns hold them: an episode that ended comes from the return
    /// of the year it ended, an open one from the latest return (2020/21).
    fn as_returned(mut journey: Journey) -> Journey {
        for episode in &mut journey.record.episodes {
            episode.year = episode
                .dec
                .map_or(permanence_domain::CollectionYear(2021), |dec| {
                    permanence_domain::CollectionYear::containing(dec)
                });
        }
        Journey::new(journey.record)
    }

    /// A child born on `dob`, in care from `start` in `place`, leaving on `end`.
    fn in_care(
        id: &str,
        dob: Date,
        start: Date,
        place: Placement,
        end: Option<(Date, Rec)>,
    ) -> Journey {
        let mut record = child(id, dob);
        record.episodes = vec![episode(
            start,
            ReasonNewEpisode::S,
            place,
            end.map(|e| e.0),
            end.map(|e| e.1),
        )];
        as_returned(Journey::new(record))
    }

    fn foster_10_to_15() -> usize {
        state_index(band_index(12), group_index(PlacementGroup::FosterCare))
    }

    fn foster_1_to_4() -> usize {
        state_index(band_index(3), group_index(PlacementGroup::FosterCare))
    }

    /// Ten children aged 11 to 12 in foster care from 1 April 2019 (the history's first
    /// day); one returns home on 10 June 2019, one is adopted on 20 September 2019; a
    /// three-year-old comes into foster care on 5 November 2019.
    fn ten_children() -> Vec<Journey> {
        let mut journeys: Vec<Journey> = (0..10)
            .map(|i| {
                let end = match i {
                    0 => Some((d(2019, 6, 10), Rec::E4A)),
                    1 => Some((d(2019, 9, 20), Rec::E11)),
                    _ => None,
                };
                in_care(
                    &format!("C{i}"),
                    d(2007, 6, 15),
                    d(2019, 4, 1),
                    Placement::U6,
                    end,
                )
            })
            .collect();
        journeys.push(in_care(
            "NEW",
            d(2016, 1, 1),
            d(2019, 11, 5),
            Placement::U6,
            None,
        ));
        journeys
    }

    fn route(route: permanence_domain::codes::ExitRoute) -> usize {
        EXIT_ROUTES.iter().position(|r| *r == route).unwrap()
    }

    #[test]
    fn fitted_rates_equal_the_hand_worked_rates() {
        let journeys = ten_children();
        let history = history::history(&journeys, d(2020, 4, 1), 12);
        let model = model::fit(&history);
        let foster = foster_10_to_15();
        // Child-months at risk on the twelve month starts from 1 April 2019 to
        // 1 March 2020: 10 (Apr, May, Jun) + 9 (Jul, Aug, Sep) + 8 (Oct to Mar) = 105.
        assert_eq!(model.exposure[foster], 105.0);
        let adoption = route(permanence_domain::codes::ExitRoute::Adoption);
        let home = route(permanence_domain::codes::ExitRoute::ReturnHomePlanned);
        assert!((model.pooled.exits[foster][adoption] - 1.0 / 105.0).abs() < 1e-12);
        assert!((model.pooled.exits[foster][home] - 1.0 / 105.0).abs() < 1e-12);
        assert!((model.pooled.transitions[foster][foster] - 103.0 / 105.0).abs() < 1e-12);
        // One entry in twelve months, into foster care aged 1 to 4.
        assert!((model.pooled.entries[foster_1_to_4()] - 1.0 / 12.0).abs() < 1e-12);
        assert_eq!(model.pooled.entries.iter().sum::<f64>(), 1.0 / 12.0);
        // The three-year-old was in foster care on four month starts (Dec to Mar).
        assert_eq!(model.exposure[foster_1_to_4()], 4.0);
        assert_eq!(
            model.pooled.transitions[foster_1_to_4()][foster_1_to_4()],
            1.0
        );
        assert_eq!(history.stock_at_end[foster], 8.0);
        assert_eq!(history.stock_at_end[foster_1_to_4()], 1.0);
        // Each month's own rates: June lost one of ten.
        let june = &model.monthly[2];
        assert_eq!(june.exits[foster][home], 0.1);
        // A row of rates adds up to one.
        let row: f64 = model.pooled.transitions[foster].iter().sum::<f64>()
            + model.pooled.exits[foster].iter().sum::<f64>();
        assert!((row - 1.0).abs() < 1e-12);

        let result = forecast(
            &journeys,
            &Policy::default(),
            &ForecastOptions::new(d(2020, 4, 1), 1),
        )
        .unwrap();
        assert_eq!(result.fitted.months, 12);
        // Two exits over 105 + 4 child-months.
        assert!((result.fitted.exit_rate - 2.0 / 109.0).abs() < 1e-12);
        assert_eq!(result.totals[0], Band::exact(9.0));
        // One month on: 8 × 103/105 stay, 1 stays, 1/12 comes in.
        let expected = 8.0 * 103.0 / 105.0 + 1.0 + 1.0 / 12.0;
        assert!((result.totals[1].expected - expected).abs() < 1e-9);
    }

    /// Ten children aged 9 to 12 in long-term foster care throughout, nobody coming or
    /// going: an episode in 2017/18, then a change of legal status only.
    fn constant() -> Vec<Journey> {
        (0..10)
            .map(|i| {
                let mut record = child(&format!("C{i}"), d(2008, 1, 1));
                record.episodes = vec![
                    episode(
                        d(2017, 4, 1),
                        ReasonNewEpisode::S,
                        Placement::U4,
                        Some(d(2018, 4, 1)),
                        Some(Rec::X1),
                    ),
                    episode(
                        d(2018, 4, 1),
                        ReasonNewEpisode::L,
                        Placement::U4,
                        None,
                        None,
                    ),
                ];
                as_returned(Journey::new(record))
            })
            .collect()
    }

    #[test]
    fn a_population_with_no_entries_and_no_exits_stays_constant() {
        // Born 2008: aged 10 to 12 over the fitted months (the 10-to-15 band), so no
        // ageing is learnt either.
        let result = forecast(
            &constant(),
            &Policy::default(),
            &ForecastOptions::new(d(2020, 4, 1), 3),
        )
        .unwrap();
        // The returns start on 1 April 2018 (the first episode ended in 2018/19).
        assert_eq!(result.fitted.months, 24);
        assert_eq!(result.dates.len(), 37);
        for total in &result.totals {
            assert_eq!(*total, Band::exact(10.0));
        }
        let foster = group_index(PlacementGroup::FosterCare);
        assert_eq!(result.groups[36][foster], Band::exact(10.0));
        // The cost: ten children a year in foster care at the default weekly cost.
        // 01/04/2020 to 01/04/2021 is 365 days.
        let year = &result.years[0];
        assert_eq!(year.end, d(2021, 4, 1));
        let weeks = 365.0 / 7.0;
        assert!((year.total_cost.expected - 10.0 * weeks * 700.0).abs() < 1e-6);
        assert_eq!(year.total_cost.lower, year.total_cost.expected);
        let backtest = result.backtest.as_ref().unwrap();
        assert_eq!(backtest.mean_absolute_percentage_error(), 0.0);
        assert_eq!(backtest.within_band(), 12);
    }

    fn borough() -> Vec<Journey> {
        let config = permanence_synth::SynthConfig {
            children: 400,
            seed: 3,
            first_year: permanence_domain::CollectionYear(2021),
            last_year: permanence_domain::CollectionYear(2026),
        };
        permanence_synth::generate(&config)
            .into_iter()
            .map(Journey::new)
            .collect()
    }

    #[test]
    fn bands_contain_the_central_projection_and_cells_add_up() {
        let journeys = borough();
        let result = forecast(
            &journeys,
            &Policy::default(),
            &ForecastOptions::new(d(2025, 3, 31), 5),
        )
        .unwrap();
        assert_eq!(result.dates.len(), 61);
        for (k, cells) in result.cells.iter().enumerate() {
            for cell in cells {
                assert!(cell.lower <= cell.expected && cell.expected <= cell.upper);
            }
            let sum: f64 = cells.iter().map(|c| c.expected).sum();
            assert!((sum - result.totals[k].expected).abs() < 1e-9);
            assert!(result.totals[k].contains(result.totals[k].expected));
        }
        assert!(
            result.totals[60].upper > result.totals[60].lower,
            "a real band"
        );
        for year in &result.years {
            assert!(year.total_cost.contains(year.total_cost.expected));
            assert!(year.total_cost.expected > 0.0);
        }
        let backtest = result.backtest.as_ref().unwrap();
        assert_eq!(backtest.months.len(), 12);
        assert!(backtest.months.iter().all(|m| m.actual > 0.0));
    }

    #[test]
    fn the_same_seed_gives_the_same_forecast() {
        let journeys = borough();
        let options = ForecastOptions::new(d(2025, 3, 31), 2);
        let a = forecast(&journeys, &Policy::default(), &options).unwrap();
        let b = forecast(&journeys, &Policy::default(), &options).unwrap();
        assert_eq!(a, b);
        assert_eq!(csv::forecast(&a), csv::forecast(&b));
        let other = ForecastOptions { seed: 2, ..options };
        let c = forecast(&journeys, &Policy::default(), &other).unwrap();
        assert_ne!(a.totals, c.totals, "another seed draws other months");
        assert_eq!(
            a.totals.iter().map(|t| t.expected).collect::<Vec<_>>(),
            c.totals.iter().map(|t| t.expected).collect::<Vec<_>>(),
            "the central projection does not depend on the seed"
        );
    }

    #[test]
    fn records_after_the_forecast_date_change_nothing() {
        let from = d(2020, 4, 1);
        let options = ForecastOptions::new(from, 2);
        let before = forecast(&ten_children(), &Policy::default(), &options).unwrap();
        // Later: a child leaves, another comes into care, one moves to a children's home.
        let mut later = ten_children();
        later[5] = in_care(
            "C5",
            d(2007, 6, 15),
            d(2019, 4, 1),
            Placement::U6,
            Some((d(2020, 8, 1), Rec::E13)),
        );
        let mut moved = child("C6", d(2007, 6, 15));
        moved.episodes = vec![
            episode(
                d(2019, 4, 1),
                ReasonNewEpisode::S,
                Placement::U6,
                Some(d(2020, 6, 1)),
                Some(Rec::X1),
            ),
            episode(
                d(2020, 6, 1),
                ReasonNewEpisode::P,
                Placement::K2,
                None,
                None,
            ),
        ];
        later[6] = as_returned(Journey::new(moved));
        later.push(in_care(
            "LATE",
            d(2015, 1, 1),
            d(2021, 2, 1),
            Placement::U4,
            None,
        ));
        let after = forecast(&later, &Policy::default(), &options).unwrap();
        assert_eq!(before, after);

        // The same on a synthetic borough with five more years of records.
        let journeys = borough();
        let from = d(2023, 3, 31);
        let cut: Vec<Journey> = journeys
            .iter()
            .filter(|j| j.record.episodes.first().is_some_and(|e| e.decom <= from))
            .map(|j| Journey::new(j.record.known_on(from)))
            .collect();
        let options = ForecastOptions::new(from, 3);
        assert_eq!(
            forecast(&journeys, &Policy::default(), &options).unwrap(),
            forecast(&cut, &Policy::default(), &options).unwrap()
        );
    }

    #[test]
    fn impossible_requests_are_refused_clearly() {
        let journeys = ten_children();
        let policy = Policy::default();
        let error = |from, years| {
            forecast(&journeys, &policy, &ForecastOptions::new(from, years))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error(d(2020, 4, 1), 0),
            "cannot forecast 0 years ahead: choose from 1 to 5 years"
        );
        assert_eq!(
            error(d(2020, 4, 1), 6),
            "cannot forecast 6 years ahead: choose from 1 to 5 years"
        );
        assert_eq!(
            error(d(2010, 1, 1), 1),
            "there is no 903 history before 01/01/2010: the returns start on 01/04/2019; \
             choose a date on or after 01/04/2020 (the forecast is fitted on at least 12 \
             months of history)"
        );
        assert_eq!(
            error(d(2019, 12, 31), 1),
            "only 8 months of 903 history before 31/12/2019 (the returns start on \
             01/04/2019): the forecast is fitted on at least 12; choose a date on or after \
             01/04/2020"
        );
        assert!(error(d(2031, 1, 1), 1).starts_with("01/01/2031 is after the 903 history ends"));
        assert_eq!(
            forecast(&[], &policy, &ForecastOptions::new(d(2020, 4, 1), 1))
                .unwrap_err()
                .to_string(),
            "there is no 903 history to fit on: import the 903 returns first"
        );
        // With only a year of history there is no back-test, and the forecast says why.
        let result = forecast(&journeys, &policy, &ForecastOptions::new(d(2020, 4, 1), 1)).unwrap();
        let reason = result.backtest.unwrap_err();
        assert!(
            reason.contains("runs for forecast dates from 01/04/2021"),
            "{reason}"
        );
    }

    #[test]
    fn the_csv_has_a_row_per_date_band_and_group() {
        let result = forecast(
            &ten_children(),
            &Policy::default(),
            &ForecastOptions::new(d(2020, 4, 1), 1),
        )
        .unwrap();
        let text = String::from_utf8(csv::forecast(&result)).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("date,age_band,placement_group,expected,lower,upper")
        );
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), 13 * 35);
        assert_eq!(rows[0], "01/04/2020,Under 1,Foster care,0.000,0.000,0.000");
        let start: f64 = rows[..35]
            .iter()
            .map(|r| r.split(',').nth(3).unwrap().parse::<f64>().unwrap())
            .sum();
        assert_eq!(start, 9.0);
        let costs = String::from_utf8(csv::costs(&result)).unwrap();
        assert!(
            costs.starts_with(
                "year,from,to,placement_group,weekly_unit_cost,expected,lower,upper\n"
            )
        );
        assert_eq!(costs.lines().count(), 1 + 8);
        assert!(costs.contains("\n1,01/04/2020,01/04/2021,Foster care,700.00,"));
        let backtest = String::from_utf8(csv::backtest(&result)).unwrap();
        assert_eq!(
            backtest,
            "date,actual,expected,lower,upper,error,absolute_percentage_error,within_band\n"
        );
    }
}
