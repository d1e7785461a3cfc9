//! Reports: the monthly and quarterly oversight reports as pages, where each figure
//! links to the children behind it, with the report as a file and every table as CSV.
//! Managers, heads of service, performance analysts and IROs read them
//! ([`Permission::ViewReports`]). A figure's children are listed only as far as the
//! user may see them: restricted records are counted in the figures (they are the
//! borough's) but not named.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use permanence_reports::html::Links;
use permanence_reports::{Cell, Period, Report};

use serde::Deserialize;

use super::{FieldError, FormErrors, Nav, csv_download, encode, render, safe_cells};
use crate::auth::{CurrentUser, Permission};
use crate::borough::today;
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(index))
        .route("/assets/report.css", get(stylesheet))
        .route("/reports/{kind}/{period}", get(report_page))
        .route("/reports/{kind}/{period}/report.html", get(report_file))
        .route("/reports/{kind}/{period}/children", get(children_page))
        .route("/reports/{kind}/{period}/children.csv", get(children_csv))
        .route("/reports/{kind}/{period}/{table}", get(table_csv))
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        permanence_reports::html::STYLESHEET,
    )
        .into_response()
}

/// The period a report's address names: `monthly/2026-10` or `quarterly/2026-Q3`.
fn period_of(kind: &str, period: &str) -> Result<Period, AppError> {
    match kind {
        "monthly" => Period::month(period),
        "quarterly" => Period::quarter(period),
        _ => return Err(AppError::NotFound),
    }
    .map_err(|_| AppError::NotFound)
}

/// The report an address names, for a user who may read reports.
async fn requested(
    state: &AppState,
    user: &CurrentUser,
    kind: &str,
    period: &str,
) -> Result<std::sync::Arc<Report>, AppError> {
    user.require(Permission::ViewReports)?;
    let period = period_of(kind, period)?;
    state.report(period).await
}

fn address(period: Period) -> String {
    format!("/reports/{}/{period}", period.kind())
}

// ---------------------------------------------------------------- the index

#[derive(Debug, Default, Deserialize)]
struct Choose {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    period: String,
}

/// A report to choose.
struct PeriodLink {
    href: String,
    label: String,
    running: bool,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct IndexPage {
    nav: Nav,
    errors: Vec<FieldError>,
    kind: String,
    period: String,
    months: Vec<PeriodLink>,
    quarters: Vec<PeriodLink>,
}

impl FormErrors for IndexPage {
    fn errors(&self) -> &[FieldError] {
        &self.errors
    }
}

async fn index(user: CurrentUser, Query(choose): Query<Choose>) -> Result<Response, AppError> {
    user.require(Permission::ViewReports)?;
    let today = today();
    let mut errors = Vec::new();
    if !choose.period.trim().is_empty() || !choose.kind.is_empty() {
        let parsed = match choose.kind.as_str() {
            "quarterly" => Period::quarter(&choose.period),
            _ => Period::month(&choose.period),
        };
        match parsed {
            Ok(period) if period.start() <= today => {
                return Ok(Redirect::to(&address(period)).into_response());
            }
            Ok(period) => errors.push(FieldError {
                field: "period",
                message: format!(
                    "{} has not started yet: enter a period that has begun",
                    period.label()
                ),
            }),
            Err(_) if choose.kind == "quarterly" => errors.push(FieldError {
                field: "period",
                message: "Enter the quarter as a year and quarter, like 2026-Q3".into(),
            }),
            Err(_) => errors.push(FieldError {
                field: "period",
                message: "Enter the month as a year and month, like 2026-10".into(),
            }),
        }
    }
    let links = |latest: Period| -> Vec<PeriodLink> {
        latest
            .trend()
            .into_iter()
            .rev()
            .map(|p| PeriodLink {
                href: address(p),
                label: p.label(),
                running: p.end() > today,
            })
            .collect()
    };
    render(&IndexPage {
        nav: Nav::of(&user),
        errors,
        kind: if choose.kind == "quarterly" {
            "quarterly"
        } else {
            "monthly"
        }
        .to_string(),
        period: choose.period,
        months: links(Period::month_of(today)),
        quarters: links(Period::quarter_of(today)),
    })
}

// ---------------------------------------------------------------- a report

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    nav: Nav,
    title: String,
    address: String,
    body: String,
    csv_files: Vec<(String, String)>,
}

async fn report_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, period)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let report = requested(&state, &user, &kind, &period).await?;
    let address = address(report.period);
    let csv_files = std::iter::once(("headlines".to_string(), "Headline figures".to_string()))
        .chain(report.tables().map(|t| (t.id.clone(), t.title.clone())))
        .collect();
    render(&ReportPage {
        nav: Nav::of(&user),
        title: permanence_reports::html::title(&report),
        body: permanence_reports::html::body(&report, Some(Links { report: &address })),
        address,
        csv_files,
    })
}

/// The report as one self-contained file, as `permanence report` writes it.
async fn report_file(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, period)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let report = requested(&state, &user, &kind, &period).await?;
    let body = permanence_reports::html::document(&report);
    state.store().audit(
        &user.user.username,
        "export_report",
        None,
        &format!(
            "{} report for {} as HTML",
            report.period.kind(),
            report.period
        ),
    )?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-report-{}.html\"",
                    report.period.kind(),
                    report.period
                ),
            ),
        ],
        body,
    )
        .into_response())
}

/// A table of the report (or `headlines.csv`) as CSV.
async fn table_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, period, file)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let report = requested(&state, &user, &kind, &period).await?;
    let id = file.strip_suffix(".csv").ok_or(AppError::NotFound)?;
    let (columns, rows): (Vec<String>, Vec<Vec<String>>) = if id == "headlines" {
        (
            vec!["measure".into(), "value".into()],
            report
                .headlines
                .iter()
                .map(|h| vec![h.key.to_string(), h.value.csv_text()])
                .collect(),
        )
    } else {
        let table = report.table(id).ok_or(AppError::NotFound)?;
        (
            table.columns.clone(),
            table
                .rows
                .iter()
                .map(|row| row.iter().map(Cell::csv_text).collect())
                .collect(),
        )
    };
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    csv_download(
        &state,
        &user,
        "export_report",
        format!(
            "{} report for {}: {id}.csv",
            report.period.kind(),
            report.period
        ),
        &format!("{}-report-{}-{id}.csv", report.period.kind(), report.period),
        &columns,
        rows.into_iter().map(safe_cells),
    )
}

// ---------------------------------------------------------------- a figure's children

/// Which figure: a table's cell, or a headline.
#[derive(Debug, Default, Deserialize)]
struct Figure {
    #[serde(default)]
    table: String,
    #[serde(default)]
    row: Option<usize>,
    #[serde(default)]
    column: Option<usize>,
    #[serde(default)]
    headline: String,
}

impl Figure {
    /// The figure's description and cell.
    fn find<'r>(&self, report: &'r Report) -> Option<(String, &'r Cell)> {
        if !self.headline.is_empty() {
            let headline = report.headline(&self.headline)?;
            return Some((headline.label.to_string(), &headline.value));
        }
        let table = report.table(&self.table)?;
        let (row, column) = (self.row?, self.column?);
        let cell = table.cell(row, column)?;
        let label = table.rows[row][0].csv_text();
        Some((
            format!("{}: {label}, {}", table.title, table.columns[column]),
            cell,
        ))
    }

    fn query(&self) -> String {
        if self.headline.is_empty() {
            format!(
                "table={}&row={}&column={}",
                encode(&self.table),
                self.row.unwrap_or_default(),
                self.column.unwrap_or_default()
            )
        } else {
            format!("headline={}", encode(&self.headline))
        }
    }
}

/// A child behind a figure.
struct ChildLine {
    id: String,
    name: String,
    age: String,
}

#[derive(Template)]
#[template(path = "report_children.html")]
struct ChildrenPage {
    nav: Nav,
    figure: String,
    report_address: String,
    as_of: String,
    children: Vec<ChildLine>,
    hidden: usize,
    csv: String,
}

/// The children behind a figure that the user may see, and how many others there are.
async fn figure_children(
    state: &AppState,
    user: &CurrentUser,
    kind: &str,
    period: &str,
    figure: &Figure,
) -> Result<(std::sync::Arc<Report>, String, Vec<ChildLine>, usize), AppError> {
    let report = requested(state, user, kind, period).await?;
    let borough = state.borough().await?;
    let (description, cell) = figure.find(&report).ok_or(AppError::NotFound)?;
    let ids = cell.children.clone().ok_or(AppError::NotFound)?;
    let staff = user.user.staff_id.as_deref();
    let visible: Vec<ChildLine> = ids
        .iter()
        .filter(|id| borough.may_see(staff, id))
        .map(|id| ChildLine {
            id: id.clone(),
            name: borough.child_name(id).unwrap_or_default().to_string(),
            age: borough
                .journey(id)
                .map(|j| j.age_on(report.as_of).to_string())
                .unwrap_or_default(),
        })
        .collect();
    let hidden = ids.len() - visible.len();
    Ok((report, description, visible, hidden))
}

async fn children_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, period)): Path<(String, String)>,
    Query(figure): Query<Figure>,
) -> Result<Response, AppError> {
    let (report, description, children, hidden) =
        figure_children(&state, &user, &kind, &period, &figure).await?;
    render(&ChildrenPage {
        nav: Nav::of(&user),
        figure: description,
        report_address: address(report.period),
        as_of: permanence_reports::long_date(report.as_of),
        children,
        hidden,
        csv: figure.query(),
    })
}

async fn children_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, period)): Path<(String, String)>,
    Query(figure): Query<Figure>,
) -> Result<Response, AppError> {
    let (report, description, children, _) =
        figure_children(&state, &user, &kind, &period, &figure).await?;
    csv_download(
        &state,
        &user,
        "export_report",
        format!(
            "children behind a figure of the {kind} report for {}: {description}",
            report.period
        ),
        &format!("{kind}-report-{}-children.csv", report.period),
        &["child", "name", "age"],
        children
            .into_iter()
            .map(|c| safe_cells(vec![c.id, c.name, c.age])),
    )
}
