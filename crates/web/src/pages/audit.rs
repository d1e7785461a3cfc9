//! The audit log: who viewed or changed which child's record, filtered, paged and
//! downloadable; opening and downloading it are themselves audited.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use permanence_store::{AuditEntry, AuditFilter, Store};
use serde::Deserialize;

use super::{
    FieldError, FormErrors, Nav, PAGE_SIZE, csv_attachment, csv_cell, encode, parse_day, render,
};
use crate::auth::{CurrentUser, Permission};
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    // GET only: nothing in the application changes the audit log but appending.
    Router::new()
        .route("/audit", get(audit))
        .route("/audit.csv", get(audit_csv))
}

/// The audit log's query: child, actor, a range of days (as typed) and page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AuditQuery {
    #[serde(default)]
    child: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: Option<usize>,
}

impl AuditQuery {
    /// The store's filter, or the problems with the dates as typed.
    fn filter(&self) -> Result<AuditFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut day = |field: &'static str, label: &str, text: &str| {
            if text.trim().is_empty() {
                return None;
            }
            let parsed = parse_day(text);
            if parsed.is_none() {
                errors.push(FieldError {
                    field,
                    message: format!("{label} must be a real date, like 27/03/2025 or 2025-03-27"),
                });
            }
            parsed
        };
        let from = day("from", "The from date", &self.from);
        let to = day("to", "The to date", &self.to);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            errors.push(FieldError {
                field: "to",
                message: "The to date must be the same as or after the from date".into(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(AuditFilter {
            child: text(&self.child),
            actor: text(&self.actor),
            from,
            to,
        })
    }

    /// The query string for these settings, with another page.
    fn with_page(&self, page: usize) -> String {
        let pairs = [
            ("child", self.child.trim()),
            ("actor", self.actor.trim()),
            ("from", self.from.trim()),
            ("to", self.to.trim()),
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

/// An audit log entry as shown (and as downloaded).
pub(crate) struct AuditRow {
    at: String,
    actor: String,
    action: String,
    child: String,
    detail: String,
    /// Whether the child is linked: there is one, and the reader may see the child's
    /// record (a record restricted to other staff is never linked).
    link: bool,
}

impl AuditRow {
    fn of(entry: AuditEntry) -> AuditRow {
        // Stored as RFC 3339 in UTC; shown as dd/mm/yyyy hh:mm:ss, still UTC.
        let at = entry
            .at
            .parse::<jiff::Timestamp>()
            .map(|t| t.strftime("%d/%m/%Y %H:%M:%S").to_string())
            .unwrap_or(entry.at);
        AuditRow {
            at,
            actor: entry.actor,
            action: entry.action,
            link: entry.child.is_some(),
            child: entry.child.unwrap_or_default(),
            detail: entry.detail,
        }
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditLogPage {
    nav: Nav,
    errors: Vec<FieldError>,
    child: String,
    actor: String,
    from: String,
    to: String,
    link_children: bool,
    rows: Vec<AuditRow>,
    total: usize,
    first: usize,
    last: usize,
    page: usize,
    pages: usize,
    previous: Option<String>,
    next: Option<String>,
    csv: String,
}

impl FormErrors for AuditLogPage {
    fn errors(&self) -> &[FieldError] {
        &self.errors
    }
}

/// The audit page with the problems of its filter, and what was typed kept.
fn audit_errors(
    user: &CurrentUser,
    query: &AuditQuery,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let page = AuditLogPage {
        nav: Nav::of(user),
        errors,
        child: query.child.clone(),
        actor: query.actor.clone(),
        from: query.from.clone(),
        to: query.to.clone(),
        link_children: false,
        rows: Vec::new(),
        total: 0,
        first: 0,
        last: 0,
        page: 1,
        pages: 1,
        previous: None,
        next: None,
        csv: String::new(),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
}

async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    user.require(Permission::ViewAuditLog)?;
    let filter = match query.filter() {
        Ok(filter) => filter,
        Err(errors) => return audit_errors(&user, &query, errors),
    };
    let (found, page, pages) = {
        let mut store = state.store();
        let total = store.audit_search(&filter, 0, Some(0))?.total;
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = query.page.unwrap_or(1).clamp(1, pages);
        let found = store.audit_search(&filter, (page - 1) * PAGE_SIZE, Some(PAGE_SIZE))?;
        // Recorded after reading, so the page shows the log as it was when opened.
        store.audit(
            &user.user.username,
            "view_audit",
            None,
            &format!("web: audit log ({})", query.with_page(page)),
        )?;
        (found, page, pages)
    };
    let total = found.total;
    let first = if total == 0 {
        0
    } else {
        (page - 1) * PAGE_SIZE + 1
    };
    let borough = state.borough().await?;
    let staff_id = user.user.staff_id.as_deref();
    let rows: Vec<AuditRow> = found
        .entries
        .into_iter()
        .map(AuditRow::of)
        .map(|mut row| {
            row.link = row.link && !row.child.is_empty() && borough.may_see(staff_id, &row.child);
            row
        })
        .collect();
    render(&AuditLogPage {
        nav: Nav::of(&user),
        errors: Vec::new(),
        child: query.child.trim().to_string(),
        actor: query.actor.trim().to_string(),
        from: query.from.trim().to_string(),
        to: query.to.trim().to_string(),
        link_children: user.role.can(Permission::ReadChildren),
        first,
        last: first + rows.len().saturating_sub(1),
        rows,
        total,
        page,
        pages,
        previous: (page > 1).then(|| query.with_page(page - 1)),
        next: (page < pages).then(|| query.with_page(page + 1)),
        csv: query.with_page(1),
    })
}

async fn audit_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    user.require(Permission::ViewAuditLog)?;
    let filter = match query.filter() {
        Ok(filter) => filter,
        Err(errors) => return audit_errors(&user, &query, errors),
    };
    let entries = state.store().audit_search(&filter, 0, None)?.entries;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write = |writer: &mut csv::Writer<Vec<u8>>| -> Result<(), csv::Error> {
        writer.write_record(["When (UTC)", "Who", "Action", "Child", "Detail"])?;
        for row in entries.into_iter().map(AuditRow::of) {
            writer.write_record([
                row.at,
                csv_cell(row.actor),
                row.action,
                csv_cell(row.child),
                csv_cell(row.detail),
            ])?;
        }
        writer.flush()?;
        Ok(())
    };
    write(&mut writer).map_err(|e| AppError::Internal(e.into()))?;
    state.store().audit(
        &user.user.username,
        "export_audit",
        None,
        &format!("web: audit log as CSV ({})", query.with_page(1)),
    )?;
    let file = format!(
        "audit-log-{}.csv",
        jiff::Timestamp::now().strftime("%Y-%m-%d")
    );
    csv_attachment(&file, writer)
}
