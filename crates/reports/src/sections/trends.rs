//! Section 9, trends: each headline measure over the last 12 months (or 8 quarters),
//! each period as its own report gave it, with England's figure where `domain.md` §2.2
//! gives a comparable one.

use crate::{Cell, Chart, Headline, Period, Section, Table};

/// Section 9.
pub(crate) fn section(period: Period, headlines: &[Headline]) -> Section {
    let periods: Vec<Period> = headlines
        .first()
        .map(|h| h.trend.iter().map(|(p, _)| *p).collect())
        .unwrap_or_default();
    let mut columns = vec!["Period"];
    columns.extend(headlines.iter().map(|h| h.key));
    let mut table = Table::new("trends", "Headline measures by period", &columns)
        .with_note("Columns are the measures of headlines.csv; percentages to one decimal place.");
    for (i, p) in periods.iter().enumerate() {
        let mut row = vec![Cell::text(p.to_string())];
        for headline in headlines {
            let value = headline.trend[i].1;
            row.push(Cell::text(if headline.key.ends_with("_percent") {
                format!("{value:.1}")
            } else {
                format!("{value:.0}")
            }));
        }
        table.push(row);
    }
    let charts = headlines
        .iter()
        .map(|h| Chart::Trend {
            title: h.label.to_string(),
            points: h.trend.iter().map(|(p, v)| (p.short_label(), *v)).collect(),
            percent: h.key.ends_with("_percent"),
            england: h.england.map(|e| e.value),
        })
        .collect();
    Section {
        number: 9,
        id: "trends",
        title: "Trends",
        intro: format!(
            "Each headline measure for the last {} {}, each as at the end of its period; the \
             dashed line is England's figure where there is a comparable one.",
            periods.len(),
            if period.is_month() {
                "months"
            } else {
                "quarters"
            }
        ),
        charts,
        tables: vec![table],
    }
}
