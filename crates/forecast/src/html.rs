//! The forecast as one self-contained HTML page: the summary tables, a fan chart of the
//! number looked after (the history, then the central projection inside its band), one
//! per placement group, the cost of placements as a bar chart, and the back-test. The
//! charts are inline SVG drawn with presentation attributes only (no `style`), each
//! with a title and a text description, in the reports' colours
//! (`permanence_reports::charts`); the tables beside them hold the same numbers.

use std::fmt::Write;

use permanence_domain::Date;
use permanence_domain::codes::PlacementGroup;
use permanence_domain::date::{days_between, format_dmy};
use permanence_reports::charts::{self, GRID, INK, LINE, escape};
use permanence_reports::{Chart, long_date};

use crate::projection::Band;
use crate::{EXIT_ROUTES, Forecast};

/// The band's fill: a light tint of the line colour.
const BAND: &str = "#9cc4e8";

const STYLE: &str = "
body { font-family: Arial, sans-serif; color: #0b0c0c; margin: 0; line-height: 1.4; }
main { max-width: 960px; margin: 0 auto; padding: 20px; }
h1 { font-size: 2rem; } h2 { font-size: 1.5rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 1rem 0; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.5rem; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 0.4rem 0.8rem 0.4rem 0; text-align: left; }
td.number, th.number { text-align: right; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
svg { max-width: 100%; height: auto; }
@media print { h2 { break-before: page; } }
";

fn children(n: f64) -> String {
    format!("{n:.0}")
}

fn band_text(band: Band) -> String {
    format!(
        "{} ({} to {})",
        children(band.expected),
        children(band.lower),
        children(band.upper)
    )
}

/// Pounds, whole, with thousands separators (`£1,234,567`).
pub fn pounds(n: f64) -> String {
    let whole = format!("{:.0}", n.abs());
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{}£{grouped}", if n < 0.0 { "-" } else { "" })
}

/// A fan chart: the `history` as a dark line, then the `projection`'s central line in
/// its band, with a line at the first projected date.
pub fn fan_svg(
    title: &str,
    history: &[(Date, f64)],
    projection: &[(Date, Band)],
    labels: (&str, &str),
    width: f64,
    id: &str,
) -> String {
    let height = 280.0;
    let (left, right, top, bottom) = (56.0, 16.0, 44.0, 52.0);
    let plot_width = width - left - right;
    let plot_height = height - top - bottom;
    let dates = history
        .iter()
        .map(|p| p.0)
        .chain(projection.iter().map(|p| p.0));
    let first = dates.clone().min().unwrap_or(Date::MIN);
    let last = dates.max().unwrap_or(Date::MIN);
    let span = f64::from(days_between(first, last).max(1));
    let max = history
        .iter()
        .map(|p| p.1)
        .chain(projection.iter().map(|p| p.1.upper))
        .fold(0.0_f64, f64::max);
    let max = nice_ceiling(if max <= 0.0 { 1.0 } else { max * 1.1 });
    let x = |date: Date| left + plot_width * f64::from(days_between(first, date)) / span;
    let y = |v: f64| top + plot_height * (1.0 - v / max);

    let mut description = Vec::new();
    if let Some((date, value)) = history.first() {
        description.push(format!(
            "{}: {} on {}",
            labels.0,
            children(*value),
            format_dmy(*date)
        ));
    }
    if let Some((date, value)) = history.last() {
        description.push(format!("{} on {}", children(*value), format_dmy(*date)));
    }
    let step = (projection.len() / 5).max(1);
    for (k, (date, band)) in projection.iter().enumerate() {
        if k > 0 && (k % step == 0 || k + 1 == projection.len()) {
            description.push(format!(
                "{} {} on {}",
                labels.1.to_lowercase(),
                band_text(*band),
                format_dmy(*date)
            ));
        }
    }
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="forecast-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(&description.join("; "))
    );
    let _ = write!(
        svg,
        r#"<text x="0" y="16" font-size="14" font-weight="bold" fill="{INK}">{}</text>"#,
        escape(title)
    );
    // Horizontal grid with four steps.
    for i in 0..=4 {
        let value = max * f64::from(i) / 4.0;
        let _ = write!(
            svg,
            r#"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{GRID}" stroke-width="{}"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="{INK}">{}</text>"#,
            left + plot_width,
            if i == 0 { 1.5 } else { 0.5 },
            left - 6.0,
            y(value) + 4.0,
            axis_label(value),
            y = y(value)
        );
    }
    if let Some((start, _)) = projection.first() {
        let band: Vec<String> = projection
            .iter()
            .map(|(d, b)| format!("{:.1},{:.1}", x(*d), y(b.upper)))
            .chain(
                projection
                    .iter()
                    .rev()
                    .map(|(d, b)| format!("{:.1},{:.1}", x(*d), y(b.lower))),
            )
            .collect();
        let central: Vec<String> = projection
            .iter()
            .map(|(d, b)| format!("{:.1},{:.1}", x(*d), y(b.expected)))
            .collect();
        let _ = write!(
            svg,
            r#"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{:.1}" stroke="{GRID}" stroke-dasharray="4 3"/><polygon points="{}" fill="{BAND}" fill-opacity="0.7"/><polyline points="{}" fill="none" stroke="{LINE}" stroke-width="2.5"/>"#,
            top + plot_height,
            band.join(" "),
            central.join(" "),
            x = x(*start)
        );
    }
    if !history.is_empty() {
        let line: Vec<String> = history
            .iter()
            .map(|(d, v)| format!("{:.1},{:.1}", x(*d), y(*v)))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{INK}" stroke-width="2"/>"#,
            line.join(" ")
        );
    }
    // Dates along the bottom: the first, the forecast date, the last.
    let mut ticks = vec![(first, "start")];
    if let Some((start, _)) = projection.first()
        && *start != first
        && *start != last
    {
        ticks.push((*start, "middle"));
    }
    ticks.push((last, "end"));
    for (date, anchor) in ticks {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="{anchor}" fill="{INK}">{}</text>"#,
            x(date),
            top + plot_height + 16.0,
            format_dmy(date)
        );
    }
    // Legend: the history's line (when there is one), then the projection's.
    let legend_y = height - 10.0;
    let mut legend_x = left;
    if !history.is_empty() {
        let _ = write!(
            svg,
            r#"<line x1="{legend_x}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{INK}" stroke-width="2"/><text x="{:.1}" y="{legend_y}" font-size="11" fill="{INK}">{}</text>"#,
            legend_y - 4.0,
            legend_x + 20.0,
            legend_y - 4.0,
            legend_x + 26.0,
            escape(labels.0),
        );
        legend_x += 150.0;
    }
    let _ = write!(
        svg,
        r#"<rect x="{legend_x}" y="{:.1}" width="20" height="10" fill="{BAND}"/><line x1="{legend_x}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{LINE}" stroke-width="2.5"/><text x="{:.1}" y="{legend_y}" font-size="11" fill="{INK}">{}</text>"#,
        legend_y - 9.0,
        legend_y - 4.0,
        legend_x + 20.0,
        legend_y - 4.0,
        legend_x + 26.0,
        escape(labels.1),
    );
    svg.push_str("</svg>");
    svg
}

/// The top of a four-step axis holding `value`: four times the smallest step of 1, 2
/// or 5 times a power of ten that reaches it, so every grid label is round.
fn nice_ceiling(value: f64) -> f64 {
    let quarter = value / 4.0;
    let power = 10f64.powf(quarter.log10().floor());
    for step in [1.0, 2.0, 5.0, 10.0] {
        if step * power >= quarter {
            return 4.0 * step * power;
        }
    }
    40.0 * power
}

/// An axis label: whole numbers as they are, others to one decimal place.
fn axis_label(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

fn table(
    html: &mut String,
    caption: &str,
    header: &[String],
    numeric_from: usize,
    rows: &[Vec<String>],
) {
    let _ = write!(
        html,
        "<table><caption>{}</caption><thead><tr>",
        escape(caption)
    );
    for (i, heading) in header.iter().enumerate() {
        let class = if i >= numeric_from {
            " class=\"number\""
        } else {
            ""
        };
        let _ = write!(html, "<th scope=\"col\"{class}>{}</th>", escape(heading));
    }
    html.push_str("</tr></thead><tbody>");
    for row in rows {
        html.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if i == 0 {
                let _ = write!(html, "<th scope=\"row\">{}</th>", escape(cell));
            } else {
                let class = if i >= numeric_from {
                    " class=\"number\""
                } else {
                    ""
                };
                let _ = write!(html, "<td{class}>{}</td>", escape(cell));
            }
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The page.
pub fn document(forecast: &Forecast) -> String {
    let options = &forecast.options;
    let fitted = &forecast.fitted;
    let title = format!("Demand forecast from {}", long_date(options.from));
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body><main><h1>{}</h1>",
        escape(&title),
        escape(&title)
    );
    let entries: f64 = fitted.entries_by_band.iter().sum();
    let exits: f64 = fitted.exits_by_route.iter().sum();
    let _ = write!(
        html,
        "<p>The looked-after population projected {} year{} ahead from the {} children looked after on {}, by a stock-and-flow model fitted on the {} months of 903 history from {} to {}: on average {} looked after, {:.1} coming into care and {:.1} leaving care a month. Bands hold {:.0}% of {} bootstrap projections that draw the months ahead from the fitted months (seed {}). The method and its limits: docs/forecast.md.</p>",
        options.years,
        if options.years == 1 { "" } else { "s" },
        children(forecast.totals[0].expected),
        long_date(options.from),
        fitted.months,
        long_date(fitted.first),
        long_date(fitted.last),
        children(fitted.mean_looked_after),
        entries,
        exits,
        options.level * 100.0,
        pounds(options.replicates as f64).trim_start_matches('£'),
        options.seed
    );

    html.push_str("<h2>Children looked after</h2>");
    let projection: Vec<(Date, Band)> = forecast
        .dates
        .iter()
        .copied()
        .zip(forecast.totals.iter().copied())
        .collect();
    html.push_str(&fan_svg(
        "Children looked after: history and projection",
        &forecast.history,
        &projection,
        ("Looked after", "Projected, with band"),
        640.0,
        "total",
    ));
    let rows: Vec<Vec<String>> = forecast
        .years
        .iter()
        .map(|year| {
            vec![
                format!("Year {} (to {})", year.year, format_dmy(year.end)),
                band_text(year.looked_after),
                children(year.entries),
                children(year.exits.iter().sum()),
                format!(
                    "{} ({} to {})",
                    pounds(year.total_cost.expected),
                    pounds(year.total_cost.lower),
                    pounds(year.total_cost.upper)
                ),
            ]
        })
        .collect();
    table(
        &mut html,
        "Projected each year",
        &strings(&[
            "Year",
            "Looked after at the end (band)",
            "Coming into care",
            "Leaving care",
            "Cost of placements (band)",
        ]),
        1,
        &rows,
    );
    let mut header = strings(&["Year"]);
    header.extend(EXIT_ROUTES.iter().map(|r| r.label().to_string()));
    let rows: Vec<Vec<String>> = forecast
        .years
        .iter()
        .map(|year| {
            std::iter::once(format!("Year {}", year.year))
                .chain(year.exits.iter().map(|n| format!("{n:.0}")))
                .collect()
        })
        .collect();
    table(
        &mut html,
        "Projected leaving care, by route",
        &header,
        1,
        &rows,
    );

    html.push_str("<h2>By placement type</h2><div class=\"charts\">");
    for (g, group) in PlacementGroup::ALL.iter().enumerate() {
        let projection: Vec<(Date, Band)> = forecast
            .dates
            .iter()
            .copied()
            .zip(forecast.groups.iter().map(|groups| groups[g]))
            .collect();
        let history: Vec<(Date, f64)> = forecast
            .history_by_group
            .iter()
            .map(|(date, groups)| (*date, groups[g]))
            .collect();
        html.push_str(&fan_svg(
            group.label(),
            &history,
            &projection,
            ("Looked after", "Projected, with band"),
            460.0,
            &format!("group-{g}"),
        ));
    }
    html.push_str("</div>");
    let ends: Vec<usize> = std::iter::once(0)
        .chain(forecast.years.iter().map(|y| 12 * y.year as usize))
        .collect();
    let mut header = strings(&["Placement type"]);
    header.extend(ends.iter().map(|&k| format_dmy(forecast.dates[k])));
    let rows: Vec<Vec<String>> = PlacementGroup::ALL
        .iter()
        .enumerate()
        .map(|(g, group)| {
            std::iter::once(group.label().to_string())
                .chain(ends.iter().map(|&k| {
                    let band = forecast.groups[k][g];
                    if k == 0 {
                        children(band.expected)
                    } else {
                        band_text(band)
                    }
                }))
                .collect()
        })
        .collect();
    table(
        &mut html,
        "Looked after by placement type (band)",
        &header,
        1,
        &rows,
    );

    html.push_str("<h2>Cost of placements</h2>");
    if let Some(first) = forecast.years.first() {
        html.push_str(&charts::svg(
            &Chart::Bars {
                title: format!(
                    "Cost of placements in year 1 (to {}), £ thousands",
                    format_dmy(first.end)
                ),
                bars: PlacementGroup::ALL
                    .iter()
                    .zip(&first.cost)
                    .map(|(group, cost)| {
                        (group.label().to_string(), (cost.expected / 1000.0).round())
                    })
                    .collect(),
            },
            "cost",
        ));
    }
    let mut header = strings(&["Placement type", "Weekly unit cost"]);
    header.extend(forecast.years.iter().map(|y| format!("Year {}", y.year)));
    let mut rows: Vec<Vec<String>> = PlacementGroup::ALL
        .iter()
        .enumerate()
        .map(|(g, group)| {
            [group.label().to_string(), pounds(forecast.weekly_costs[g])]
                .into_iter()
                .chain(forecast.years.iter().map(|y| pounds(y.cost[g].expected)))
                .collect()
        })
        .collect();
    rows.push(
        ["All placements".to_string(), String::new()]
            .into_iter()
            .chain(forecast.years.iter().map(|y| {
                format!(
                    "{} ({} to {})",
                    pounds(y.total_cost.expected),
                    pounds(y.total_cost.lower),
                    pounds(y.total_cost.upper)
                )
            }))
            .collect(),
    );
    table(
        &mut html,
        "Cost of placements each year (weekly unit costs from the policy file's [costs])",
        &header,
        1,
        &rows,
    );

    html.push_str("<h2>Back-test</h2>");
    match &forecast.backtest {
        Ok(backtest) => {
            let _ = write!(
                html,
                "<p>The same model fitted on the history up to {} ({} months) projected the year to {}. Mean absolute percentage error {:.1}%; at the end {}; {} of {} months inside the band.</p>",
                long_date(backtest.fitted_to),
                backtest.fitted_months,
                long_date(options.from),
                backtest.mean_absolute_percentage_error(),
                backtest
                    .end_error()
                    .map_or("-".to_string(), |e| format!("{e:+.1}%")),
                backtest.within_band(),
                backtest.months.len()
            );
            let actual: Vec<(Date, f64)> =
                backtest.months.iter().map(|m| (m.date, m.actual)).collect();
            let predicted: Vec<(Date, Band)> = backtest
                .months
                .iter()
                .map(|m| (m.date, m.predicted))
                .collect();
            html.push_str(&fan_svg(
                "Back-test: projected and actual numbers looked after",
                &actual,
                &predicted,
                ("Actual", "Projected, with band"),
                640.0,
                "backtest",
            ));
            let rows: Vec<Vec<String>> = backtest
                .months
                .iter()
                .map(|m| {
                    vec![
                        format_dmy(m.date),
                        children(m.actual),
                        band_text(m.predicted),
                        format!("{:+.1}", m.error()),
                        m.absolute_percentage_error()
                            .map_or("-".to_string(), |e| format!("{e:.1}%")),
                    ]
                })
                .collect();
            table(
                &mut html,
                "Back-test by month",
                &strings(&["Date", "Actual", "Projected (band)", "Error", "Error %"]),
                1,
                &rows,
            );
        }
        Err(reason) => {
            let _ = write!(html, "<p>Not run: {}.</p>", escape(reason));
        }
    }
    html.push_str("</main></body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fan_charts_are_accessible_and_use_presentation_attributes_only() {
        let d = Date::constant;
        let band = |e: f64| Band {
            expected: e,
            lower: e - 2.0,
            upper: e + 3.0,
        };
        let svg = fan_svg(
            "Looked after <all>",
            &[(d(2025, 3, 31), 9.0), (d(2025, 4, 30), 10.0)],
            &[
                (d(2025, 4, 30), Band::exact(10.0)),
                (d(2025, 5, 31), band(11.0)),
            ],
            ("Looked after", "Projected"),
            640.0,
            "t",
        );
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"t-title\">Looked after &lt;all&gt;</title>"));
        assert!(svg.contains(
            "<desc id=\"t-desc\">Looked after: 9 on 31/03/2025; 10 on 30/04/2025; projected 11 (9 to 14) on 31/05/2025</desc>"
        ));
        assert!(svg.contains("<polygon"));
        assert!(!svg.contains("style="));
    }

    #[test]
    fn pounds_are_grouped() {
        assert_eq!(pounds(0.0), "£0");
        assert_eq!(pounds(999.4), "£999");
        assert_eq!(pounds(1_234_567.0), "£1,234,567");
        assert_eq!(pounds(-12_345.0), "-£12,345");
    }

    #[test]
    fn round_ceilings() {
        assert_eq!(nice_ceiling(9.0), 20.0);
        assert_eq!(nice_ceiling(27.8), 40.0);
        assert_eq!(nice_ceiling(560.0), 800.0);
        assert_eq!(nice_ceiling(4.0), 4.0);
        assert_eq!(axis_label(0.5), "0.5");
        assert_eq!(axis_label(200.0), "200");
    }
}
