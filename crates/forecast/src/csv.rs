//! The forecast as CSV: `forecast.csv` (one row per date, age band and placement
//! group), `costs.csv` (one row per year and placement group, and the year's total) and
//! `backtest.csv` (one row per month of the back-test). Dates are dd/mm/yyyy like the
//! reports' CSV; numbers of children to three decimal places (so a date's rows add up
//! to its total), pounds to the penny.

use std::path::{Path, PathBuf};

use permanence_domain::codes::PlacementGroup;
use permanence_domain::date::format_dmy;

use crate::history::{GROUPS, state_index};
use crate::{AGE_BANDS, Forecast};

/// Why the CSV files could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct CsvError {
    path: PathBuf,
    source: std::io::Error,
}

fn children(n: f64) -> String {
    format!("{n:.3}")
}

fn pounds(n: f64) -> String {
    format!("{n:.2}")
}

fn write(columns: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(columns).expect("writing to memory");
    for row in rows {
        writer.write_record(&row).expect("writing to memory");
    }
    writer.into_inner().expect("writing to memory")
}

/// `forecast.csv`: `date,age_band,placement_group,expected,lower,upper`, one row per
/// projected date (the forecast date first), age band and placement group; `expected`
/// summed over a date is the projected number looked after on it.
pub fn forecast(forecast: &Forecast) -> Vec<u8> {
    let rows = forecast
        .dates
        .iter()
        .zip(&forecast.cells)
        .flat_map(|(date, cells)| {
            AGE_BANDS.iter().enumerate().flat_map(move |(band, label)| {
                PlacementGroup::ALL
                    .iter()
                    .enumerate()
                    .map(move |(g, group)| {
                        let cell = cells[state_index(band, g)];
                        vec![
                            format_dmy(*date),
                            label.to_string(),
                            group.label().to_string(),
                            children(cell.expected),
                            children(cell.lower),
                            children(cell.upper),
                        ]
                    })
            })
        });
    write(
        &[
            "date",
            "age_band",
            "placement_group",
            "expected",
            "lower",
            "upper",
        ],
        rows,
    )
}

/// `costs.csv`: each year's cost of placements in pounds, one row per placement group
/// with its weekly unit cost, then `All placements`.
pub fn costs(forecast: &Forecast) -> Vec<u8> {
    let rows = forecast.years.iter().flat_map(|year| {
        let span = |label: &str, weekly: String, band: crate::projection::Band| {
            vec![
                year.year.to_string(),
                format_dmy(year.start),
                format_dmy(year.end),
                label.to_string(),
                weekly,
                pounds(band.expected),
                pounds(band.lower),
                pounds(band.upper),
            ]
        };
        (0..GROUPS)
            .map(move |g| {
                span(
                    PlacementGroup::ALL[g].label(),
                    pounds(forecast.weekly_costs[g]),
                    year.cost[g],
                )
            })
            .chain(std::iter::once(span(
                "All placements",
                String::new(),
                year.total_cost,
            )))
    });
    write(
        &[
            "year",
            "from",
            "to",
            "placement_group",
            "weekly_unit_cost",
            "expected",
            "lower",
            "upper",
        ],
        rows,
    )
}

/// `backtest.csv`: one row per month of the back-test (header only when there is
/// none): the actual number looked after, the projection and its band, the error
/// (projected minus actual), the absolute percentage error and whether the actual
/// number was inside the band.
pub fn backtest(forecast: &Forecast) -> Vec<u8> {
    let months = forecast.backtest.as_ref().map_or(&[][..], |b| &b.months);
    let rows = months.iter().map(|m| {
        vec![
            format_dmy(m.date),
            children(m.actual),
            children(m.predicted.expected),
            children(m.predicted.lower),
            children(m.predicted.upper),
            children(m.error()),
            m.absolute_percentage_error()
                .map_or(String::new(), |e| format!("{e:.2}")),
            if m.predicted.contains(m.actual) {
                "yes"
            } else {
                "no"
            }
            .to_string(),
        ]
    });
    write(
        &[
            "date",
            "actual",
            "expected",
            "lower",
            "upper",
            "error",
            "absolute_percentage_error",
            "within_band",
        ],
        rows,
    )
}

/// Writes `forecast.csv`, `costs.csv` and `backtest.csv` into `dir` (created if
/// missing); returns the files written.
pub fn write_all(result: &Forecast, dir: &Path) -> Result<Vec<PathBuf>, CsvError> {
    std::fs::create_dir_all(dir).map_err(|source| CsvError {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut written = Vec::new();
    for (name, bytes) in [
        ("forecast.csv", forecast(result)),
        ("costs.csv", costs(result)),
        ("backtest.csv", backtest(result)),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| CsvError {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}
