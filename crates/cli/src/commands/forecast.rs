//! `permanence forecast`: the demand forecast from the journeys the database holds,
//! printed as a summary (what the model was fitted on, the projected numbers looked
//! after and cost each year with their bands, by placement type, and the back-test),
//! and written as CSV and as an HTML page with charts.

use std::io::Write;
use std::path::Path;

use permanence_store::Location;

use anyhow::Context;
use permanence_domain::codes::PlacementGroup;
use permanence_domain::date::format_dmy;
use permanence_forecast::html::pounds;
use permanence_forecast::projection::Band;
use permanence_forecast::{AGE_BANDS, EXIT_ROUTES, Forecast, ForecastOptions};

use super::{load_journeys, open_store};
use crate::cli::ForecastArgs;
use crate::output::{Cell, TextTable};

pub(crate) fn run(
    db: &Location,
    policy_path: Option<&Path>,
    args: &ForecastArgs,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let policy = super::policy::load(policy_path)?;
    let store = open_store(db)?;
    let journeys = load_journeys(&*store)?;
    let options = ForecastOptions {
        seed: args.seed,
        ..ForecastOptions::new(args.from, args.years)
    };
    let forecast = permanence_forecast::forecast(&journeys, &policy, &options)?;
    summary(&forecast, out)?;
    if let Some(dir) = &args.csv {
        let files = permanence_forecast::csv::write_all(&forecast, dir)?;
        writeln!(
            out,
            "{} CSV files written to {} (forecast.csv, costs.csv, backtest.csv)",
            files.len(),
            dir.display()
        )?;
    }
    if let Some(path) = &args.html {
        std::fs::write(path, permanence_forecast::html::document(&forecast))
            .with_context(|| format!("cannot write the forecast to {}", path.display()))?;
        writeln!(out, "Forecast written to {}", path.display())?;
    }
    Ok(())
}

/// A number of children, rounded to a whole child.
fn children(n: f64) -> String {
    format!("{n:.0}")
}

/// A number of children with one decimal place, for monthly flows.
fn rate(n: f64) -> String {
    format!("{n:.1}")
}

/// A count with thousands separators.
fn thousands(n: usize) -> String {
    pounds(n as f64).trim_start_matches('£').to_string()
}

fn band_text(band: Band, format: fn(f64) -> String) -> String {
    format!(
        "{} ({} to {})",
        format(band.expected),
        format(band.lower),
        format(band.upper)
    )
}

fn summary(forecast: &Forecast, out: &mut dyn Write) -> anyhow::Result<()> {
    let options = &forecast.options;
    let fitted = &forecast.fitted;
    writeln!(
        out,
        "Demand forecast from {}, {} year{} ahead",
        format_dmy(options.from),
        options.years,
        if options.years == 1 { "" } else { "s" }
    )?;
    let entries: f64 = fitted.entries_by_band.iter().sum();
    let exits: f64 = fitted.exits_by_route.iter().sum();
    writeln!(
        out,
        "Fitted on {} months of 903 history ({} to {}): on average {} looked after, {} \
         coming into care and {} leaving care a month ({:.1}% of those looked after), \
         {:.1}% changing placement type a month.",
        fitted.months,
        format_dmy(fitted.first),
        format_dmy(fitted.last),
        children(fitted.mean_looked_after),
        rate(entries),
        rate(exits),
        fitted.exit_rate * 100.0,
        fitted.group_change_rate * 100.0
    )?;
    let by_band: Vec<String> = AGE_BANDS
        .iter()
        .zip(fitted.entries_by_band)
        .map(|(band, n)| format!("{band} {}", rate(n)))
        .collect();
    writeln!(out, "Coming into care a month: {}.", by_band.join(", "))?;
    let by_route: Vec<String> = EXIT_ROUTES
        .iter()
        .zip(fitted.exits_by_route)
        .map(|(route, n)| format!("{} {}", route.label().to_lowercase(), rate(n)))
        .collect();
    writeln!(out, "Leaving care a month: {}.", by_route.join(", "))?;
    writeln!(out)?;

    writeln!(
        out,
        "Projection ({:.0}% bands from {} bootstrap projections over the fitted months, seed {}):",
        options.level * 100.0,
        thousands(options.replicates),
        options.seed
    )?;
    let mut table = TextTable::new(
        [
            "Year",
            "To",
            "Looked after",
            "Lower",
            "Upper",
            "Coming in",
            "Leaving",
            "Cost of placements",
            "Lower",
            "Upper",
        ]
        .map(String::from)
        .to_vec(),
    );
    let now = forecast.totals[0];
    table.push(vec![
        Cell::text("Now"),
        Cell::text(format_dmy(options.from)),
        Cell::number(children(now.expected)),
        Cell::text(""),
        Cell::text(""),
        Cell::text(""),
        Cell::text(""),
        Cell::text(""),
        Cell::text(""),
        Cell::text(""),
    ]);
    for year in &forecast.years {
        table.push(vec![
            Cell::number(year.year),
            Cell::text(format_dmy(year.end)),
            Cell::number(children(year.looked_after.expected)),
            Cell::number(children(year.looked_after.lower)),
            Cell::number(children(year.looked_after.upper)),
            Cell::number(children(year.entries)),
            Cell::number(children(year.exits.iter().sum())),
            Cell::number(pounds(year.total_cost.expected)),
            Cell::number(pounds(year.total_cost.lower)),
            Cell::number(pounds(year.total_cost.upper)),
        ]);
    }
    writeln!(out, "{}", table.render())?;

    writeln!(out, "By placement type, looked after at each year's end:")?;
    let ends: Vec<usize> = std::iter::once(0)
        .chain(forecast.years.iter().map(|y| 12 * y.year as usize))
        .collect();
    let mut header = vec!["Placement type".to_string()];
    header.extend(ends.iter().map(|&k| format_dmy(forecast.dates[k])));
    let mut table = TextTable::new(header);
    for (g, group) in PlacementGroup::ALL.iter().enumerate() {
        let mut row = vec![Cell::text(group.label())];
        row.extend(ends.iter().map(|&k| {
            let band = forecast.groups[k][g];
            if k == 0 {
                Cell::number(children(band.expected))
            } else {
                Cell::number(band_text(band, children))
            }
        }));
        table.push(row);
    }
    writeln!(out, "{}", table.render())?;

    match &forecast.backtest {
        Ok(backtest) => {
            writeln!(
                out,
                "Back-test: the model fitted on the history up to {} ({} months), projecting \
                 the year to {}, against the numbers actually looked after:",
                format_dmy(backtest.fitted_to),
                backtest.fitted_months,
                format_dmy(options.from)
            )?;
            let mut table = TextTable::new(
                [
                    "Date",
                    "Actual",
                    "Projected",
                    "Lower",
                    "Upper",
                    "Error",
                    "Error %",
                ]
                .map(String::from)
                .to_vec(),
            );
            for month in &backtest.months {
                table.push(vec![
                    Cell::text(format_dmy(month.date)),
                    Cell::number(children(month.actual)),
                    Cell::number(rate(month.predicted.expected)),
                    Cell::number(rate(month.predicted.lower)),
                    Cell::number(rate(month.predicted.upper)),
                    Cell::number(format!("{:+.1}", month.error())),
                    Cell::number(
                        month
                            .absolute_percentage_error()
                            .map_or("-".to_string(), |e| format!("{e:.1}%")),
                    ),
                ]);
            }
            writeln!(out, "{}", table.render())?;
            writeln!(
                out,
                "Back-test error: mean absolute percentage error {:.1}% over 12 months; at {} \
                 {} (projected {}, actual {}); {} of {} months inside the band.",
                backtest.mean_absolute_percentage_error(),
                format_dmy(options.from),
                backtest
                    .end_error()
                    .map_or("-".to_string(), |e| format!("{e:+.1}%")),
                rate(backtest.months.last().map_or(0.0, |m| m.predicted.expected)),
                children(backtest.months.last().map_or(0.0, |m| m.actual)),
                backtest.within_band(),
                backtest.months.len()
            )?;
        }
        Err(reason) => writeln!(out, "Back-test not run: {reason}.")?,
    }
    Ok(())
}
