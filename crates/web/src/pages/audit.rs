//! The audit log: who viewed or changed which child's record, filtered, paged and
//! downloadable; opening and downloading it are themselves audited.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use permanence_store::{AuditEntry, AuditFilter};
use serde::Deserialize;

use super::{
    FieldError, FormErrors, Nav, PAGE_SIZE, Paging, csv_cell, csv_download, date_range,
    query_string, render,
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
        let (from, to) = date_range(&self.from, &self.to)?;
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
        query_string(
            &[
                ("child", self.child.trim()),
                ("actor", self.actor.trim()),
                ("from", self.from.trim()),
                ("to", self.to.trim()),
            ],
            page,
        )
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
    paging: Paging,
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
        paging: Paging::empty(),
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
    let (found, paging) = {
        let mut store = state.store();
        let total = store.audit_search(&filter, 0, Some(0))?.total;
        let paging = Paging::new(total, query.page, |page| query.with_page(page));
        let found = store.audit_search(&filter, paging.offset(), Some(PAGE_SIZE))?;
        // Recorded after reading, so the page shows the log as it was when opened.
        store.audit(
            &user.user.username,
            "view_audit",
            None,
            &format!("web: audit log ({})", query.with_page(paging.page)),
        )?;
        (found, paging)
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
        rows,
        paging,
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
    csv_download(
        &state,
        &user,
        "export_audit",
        format!("web: audit log as CSV ({})", query.with_page(1)),
        &format!(
            "audit-log-{}.csv",
            jiff::Timestamp::now().strftime("%Y-%m-%d")
        ),
        &["When (UTC)", "Who", "Action", "Child", "Detail"],
        entries.into_iter().map(AuditRow::of).map(|row| {
            vec![
                row.at,
                csv_cell(row.actor),
                row.action,
                csv_cell(row.child),
                csv_cell(row.detail),
            ]
        }),
    )
}
