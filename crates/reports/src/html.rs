//! The report as HTML: [`document`] is one self-contained file (inline CSS and SVG,
//! no links out, prints on A4 with each section on a new page); [`body`] is the same
//! content for the web application's page, where each figure links to the children
//! behind it. Both come from one template.

use askama::Template;
use permanence_domain::date::format_dmy;

use crate::charts;
use crate::{Cell, Report, Table, Value};

/// The report's stylesheet: inlined in the file, served as a file by the web
/// application (whose content security policy refuses inline styles).
pub const STYLESHEET: &str = include_str!("../templates/report.css");

/// Where figures link to in the web application: the report's own address (for
/// example `/reports/monthly/2026-10`), under which `children?...` lists a figure's
/// children; children's pages are at `/children/{id}`.
#[derive(Debug, Clone, Copy)]
pub struct Links<'a> {
    /// The report's address.
    pub report: &'a str,
}

/// One self-contained HTML file.
pub fn document(report: &Report) -> String {
    Document {
        title: title(report),
        css: STYLESHEET,
        body: &body(report, None),
    }
    .render()
    .expect("the report template renders")
}

/// The report's content, for a page that supplies the stylesheet.
pub fn body(report: &Report, links: Option<Links<'_>>) -> String {
    let sections = report
        .sections
        .iter()
        .map(|section| SectionView {
            number: section.number,
            id: section.id,
            title: section.title,
            intro: &section.intro,
            charts: section
                .charts
                .iter()
                .enumerate()
                .map(|(i, c)| charts::svg(c, &format!("{}-chart-{}", section.id, i + 1)))
                .collect(),
            tables: section
                .tables
                .iter()
                .map(|t| table_view(t, links))
                .collect(),
        })
        .collect();
    Body {
        period: report.period.label(),
        as_of: crate::long_date(report.as_of),
        complete: report.is_complete(),
        kind: kind(report),
        sections,
    }
    .render()
    .expect("the report template renders")
}

/// The report's title: `Monthly oversight report: October 2026`.
pub fn title(report: &Report) -> String {
    format!(
        "{} oversight report: {}",
        kind(report),
        report.period.label()
    )
}

fn kind(report: &Report) -> &'static str {
    if report.period.is_month() {
        "Monthly"
    } else {
        "Quarterly"
    }
}

#[derive(Template)]
#[template(path = "report_document.html")]
struct Document<'a> {
    title: String,
    css: &'a str,
    body: &'a str,
}

#[derive(Template)]
#[template(path = "report_body.html")]
struct Body<'a> {
    period: String,
    as_of: String,
    complete: bool,
    kind: &'a str,
    sections: Vec<SectionView<'a>>,
}

struct SectionView<'a> {
    number: u8,
    id: &'a str,
    title: &'a str,
    intro: &'a str,
    charts: Vec<String>,
    tables: Vec<TableView<'a>>,
}

struct TableView<'a> {
    id: &'a str,
    title: &'a str,
    note: Option<&'a str>,
    columns: &'a [String],
    rows: Vec<Vec<CellView>>,
}

struct CellView {
    text: String,
    href: Option<String>,
    numeric: bool,
}

fn table_view<'a>(table: &'a Table, links: Option<Links<'_>>) -> TableView<'a> {
    TableView {
        id: &table.id,
        title: &table.title,
        note: table.note.as_deref(),
        columns: &table.columns,
        rows: table
            .rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                row.iter()
                    .enumerate()
                    .map(|(c, cell)| {
                        let href = links.and_then(|links| {
                            figure_href(
                                cell,
                                &format!(
                                    "{}/children?table={}&row={r}&column={c}",
                                    links.report, table.id
                                ),
                            )
                        });
                        cell_view(cell, href)
                    })
                    .collect()
            })
            .collect(),
    }
}

/// The link to a figure's children, when it has any; a child's page for a child.
fn figure_href(cell: &Cell, children_href: &str) -> Option<String> {
    match &cell.value {
        Value::Child(id) => Some(format!("/children/{id}")),
        _ => cell
            .children
            .as_ref()
            .filter(|c| !c.is_empty())
            .map(|_| children_href.to_string()),
    }
}

fn cell_view(cell: &Cell, href: Option<String>) -> CellView {
    let (text, numeric) = match &cell.value {
        Value::Text(text) => (text.clone(), false),
        Value::Child(id) => (id.clone(), false),
        Value::Count(n) => (n.to_string(), true),
        Value::Percent {
            numerator,
            denominator,
        } => (
            match cell.number_value() {
                Some(p) => format!("{p:.1}% ({numerator} of {denominator})"),
                None => "No children".to_string(),
            },
            true,
        ),
        Value::Days(days) => (
            days.map_or("None".to_string(), |d| format!("{d:.0} days")),
            true,
        ),
        Value::Date(date) => (date.map(format_dmy).unwrap_or_default(), false),
    };
    CellView {
        text,
        href,
        numeric,
    }
}
