//! The children list: search, filters, sort, pages, and a CSV of exactly what it shows.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use permanence_domain::codes::Code;
use permanence_domain::date::format_dmy;
use permanence_store::Store;
use serde::Deserialize;

use super::{Nav, PAGE_SIZE, csv_attachment, encode, render};
use crate::auth::{CurrentUser, Permission};
use crate::borough::{Borough, ChildRow};
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/children", get(children))
        .route("/children.csv", get(children_csv))
}

/// The children list's query: search, filters, sort and page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ChildrenQuery {
    #[serde(default)]
    q: String,
    /// `yes` (the default), `no` or `all`.
    #[serde(default)]
    looked_after: String,
    #[serde(default)]
    placement: String,
    #[serde(default)]
    legal_status: String,
    /// A staff id: children allocated to them.
    #[serde(default)]
    worker: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: Option<usize>,
}

impl ChildrenQuery {
    fn looked_after(&self) -> &str {
        match self.looked_after.as_str() {
            "no" => "no",
            "all" => "all",
            _ => "yes",
        }
    }

    fn sort(&self) -> &str {
        match self.sort.as_str() {
            "age" | "days_in_care" | "alerts" => self.sort.as_str(),
            _ => "child",
        }
    }

    /// The rows the query selects, in its order.
    fn select<'b>(&self, borough: &'b Borough) -> Vec<&'b ChildRow> {
        let q = self.q.trim().to_lowercase();
        let mut rows: Vec<&ChildRow> = borough
            .rows
            .iter()
            .filter(|r| q.is_empty() || r.child.to_lowercase().contains(&q))
            .filter(|r| match self.looked_after() {
                "yes" => r.looked_after,
                "no" => !r.looked_after,
                _ => true,
            })
            .filter(|r| self.placement.is_empty() || r.placement == Some(self.placement.as_str()))
            .filter(|r| {
                self.legal_status.is_empty() || r.legal_status == Some(self.legal_status.as_str())
            })
            .filter(|r| self.worker.is_empty() || r.allocated.contains(&self.worker))
            .collect();
        match self.sort() {
            "age" => rows.sort_by(|a, b| a.age.cmp(&b.age).then(a.child.cmp(&b.child))),
            "days_in_care" => rows.sort_by(|a, b| {
                b.days_in_care
                    .cmp(&a.days_in_care)
                    .then(a.child.cmp(&b.child))
            }),
            "alerts" => rows.sort_by(|a, b| {
                b.open_alerts
                    .cmp(&a.open_alerts)
                    .then(a.child.cmp(&b.child))
            }),
            _ => {} // already by id
        }
        rows
    }

    /// The query string for these settings, with another page.
    fn with_page(&self, page: usize) -> String {
        let pairs = [
            ("q", self.q.trim()),
            ("looked_after", self.looked_after()),
            ("placement", self.placement.as_str()),
            ("legal_status", self.legal_status.as_str()),
            ("worker", self.worker.as_str()),
            ("sort", self.sort()),
        ];
        let mut query: Vec<String> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        if page > 1 {
            query.push(format!("page={page}"));
        }
        query.join("&")
    }
}

/// A select's option.
pub(crate) struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn choices<C: Code>(
    borough: &Borough,
    chosen: &str,
    of: impl Fn(&ChildRow) -> Option<&'static str>,
) -> Vec<Choice> {
    let mut codes: Vec<&'static str> = borough.rows.iter().filter_map(of).collect();
    codes.sort_unstable();
    codes.dedup();
    std::iter::once(Choice {
        value: String::new(),
        label: "Any".into(),
        selected: chosen.is_empty(),
    })
    .chain(codes.into_iter().map(|code| Choice {
        value: code.to_string(),
        label: format!(
            "{code}: {}",
            C::from_code(code).map(|c| c.description()).unwrap_or_default()
        ),
        selected: chosen == code,
    }))
    .collect()
}

/// A row of the list as shown (and as downloaded).
pub(crate) struct ShownRow {
    child: String,
    looked_after: &'static str,
    age: i32,
    legal_status: String,
    placement: String,
    days_in_care: String,
    open_alerts: usize,
}

impl ShownRow {
    fn of(row: &ChildRow) -> ShownRow {
        ShownRow {
            child: row.child.clone(),
            looked_after: if row.looked_after { "Yes" } else { "No" },
            age: row.age,
            legal_status: row.legal_status.unwrap_or("").to_string(),
            placement: row.placement.unwrap_or("").to_string(),
            days_in_care: row.days_in_care.map(|d| d.to_string()).unwrap_or_default(),
            open_alerts: row.open_alerts,
        }
    }
}

#[derive(Template)]
#[template(path = "children.html")]
struct ChildrenPage {
    nav: Nav,
    q: String,
    looked_after: String,
    sort: String,
    worker: String,
    placements: Vec<Choice>,
    legal_statuses: Vec<Choice>,
    rows: Vec<ShownRow>,
    total: usize,
    first: usize,
    last: usize,
    page: usize,
    pages: usize,
    previous: Option<String>,
    next: Option<String>,
    csv: String,
    as_of: String,
}

async fn children(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ChildrenQuery>,
) -> Result<Response, AppError> {
    user.require(Permission::ReadChildren)?;
    let borough = state.borough().await?;
    let selected = query.select(&borough);
    let total = selected.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let shown: Vec<ShownRow> = selected
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|r| ShownRow::of(r))
        .collect();
    let first = if total == 0 {
        0
    } else {
        (page - 1) * PAGE_SIZE + 1
    };
    let page_view = ChildrenPage {
        nav: Nav::of(&user),
        q: query.q.trim().to_string(),
        looked_after: query.looked_after().to_string(),
        sort: query.sort().to_string(),
        worker: query.worker.clone(),
        placements: choices::<permanence_domain::codes::Placement>(
            &borough,
            &query.placement,
            |r| r.placement,
        ),
        legal_statuses: choices::<permanence_domain::codes::LegalStatus>(
            &borough,
            &query.legal_status,
            |r| r.legal_status,
        ),
        first,
        last: first + shown.len().saturating_sub(1),
        rows: shown,
        total,
        page,
        pages,
        previous: (page > 1).then(|| query.with_page(page - 1)),
        next: (page < pages).then(|| query.with_page(page + 1)),
        csv: query.with_page(1),
        as_of: format_dmy(borough.as_of),
    };
    render(&page_view)
}

async fn children_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ChildrenQuery>,
) -> Result<Response, AppError> {
    user.require(Permission::ReadChildren)?;
    let borough = state.borough().await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write = |writer: &mut csv::Writer<Vec<u8>>| -> Result<(), csv::Error> {
        writer.write_record([
            "Child",
            "Looked after",
            "Age",
            "Legal status",
            "Placement type",
            "Days in care",
            "Open alerts",
        ])?;
        for row in query.select(&borough).into_iter().map(ShownRow::of) {
            writer.write_record([
                row.child,
                row.looked_after.to_string(),
                row.age.to_string(),
                row.legal_status,
                row.placement,
                row.days_in_care,
                row.open_alerts.to_string(),
            ])?;
        }
        writer.flush()?;
        Ok(())
    };
    write(&mut writer).map_err(|e| AppError::Internal(e.into()))?;
    state.store().audit(
        &user.user.username,
        "export_children",
        None,
        &format!("web: children list as CSV ({})", query.with_page(1)),
    )?;
    csv_attachment(&format!("children-{}.csv", borough.as_of), writer)
}
