//! The routes, one module per area: sign-in and sign-out (`login`), the home page
//! (`home`), the children list with its CSV download (`children`), a child's record
//! (`child`), the audit log with its CSV download (`audit`), and here the accessibility
//! statement and the stylesheet, with what the pages share (the header, form errors,
//! alert rows, CSV downloads). Each handler checks the user's role before it reads
//! anything (see `docs/access.md`).

mod alerts;
mod audit;
mod child;
mod children;
mod home;
mod iro;
mod login;
mod panels;
mod records;
mod teams;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use permanence_domain::date::format_dmy;
use permanence_store::Alert;

use crate::auth::{self, CurrentUser, Permission};
use crate::borough::Borough;
use crate::{AppError, AppState};

/// Rows per page of the lists.
const PAGE_SIZE: usize = 50;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(login::routes())
        .merge(home::routes())
        .merge(children::routes())
        .merge(child::routes())
        .merge(audit::routes())
        .merge(alerts::routes())
        .merge(records::routes())
        .merge(teams::routes())
        .merge(iro::routes())
        .merge(panels::routes())
        .route("/accessibility", get(accessibility))
        .route("/assets/app.css", get(stylesheet))
        .fallback(|| async { AppError::NotFound })
}

/// What the header needs: who is signed in, what they may open, the sign-out form's token.
pub(crate) struct Nav {
    pub(crate) user: Option<NavUser>,
    pub(crate) can_read_children: bool,
    pub(crate) can_view_audit: bool,
    pub(crate) can_view_teams: bool,
    pub(crate) can_view_iro: bool,
    pub(crate) can_view_panels: bool,
    pub(crate) csrf_token: String,
}

pub(crate) struct NavUser {
    pub(crate) name: String,
    pub(crate) role: &'static str,
}

impl Nav {
    pub(crate) fn anonymous() -> Nav {
        Nav {
            user: None,
            can_read_children: false,
            can_view_audit: false,
            can_view_teams: false,
            can_view_iro: false,
            can_view_panels: false,
            csrf_token: String::new(),
        }
    }

    pub(crate) fn of(user: &CurrentUser) -> Nav {
        Nav {
            user: Some(NavUser {
                name: user.user.display_name.clone(),
                role: user.role.label(),
            }),
            can_read_children: user.role.can(Permission::ReadChildren),
            can_view_audit: user.role.can(Permission::ViewAuditLog),
            can_view_teams: user.role.can(Permission::ViewTeamOversight),
            can_view_iro: user.role.can(Permission::ViewIroOversight),
            can_view_panels: user.role.can(Permission::ViewPanels),
            csrf_token: user.csrf_token.clone(),
        }
    }
}

/// A problem with a form field: its id (for the error summary's link) and the message.
pub(crate) struct FieldError {
    pub(crate) field: &'static str,
    pub(crate) message: String,
}

/// A page with a form: its templates ask for the message beside each field.
pub(crate) trait FormErrors {
    /// The form's problems, in the order the error summary lists them.
    fn errors(&self) -> &[FieldError];

    /// The message for one field, if it has a problem.
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors()
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

pub(crate) fn render(template: &impl Template) -> Result<Response, AppError> {
    Ok(Html(template.render()?).into_response())
}

// ---------------------------------------------------------------- shared

/// A stored alert as pages show it: in tables of alerts and on its own page.
pub(crate) struct AlertRow {
    id: i64,
    child: String,
    rule: String,
    title: String,
    subject: String,
    open: bool,
    opened_on: String,
    closed_on: String,
    status: &'static str,
    status_class: &'static str,
    due: String,
    days_overdue: i64,
    owner: String,
    escalated_to: String,
    escalated: bool,
    decision: String,
    evidence: String,
}

impl AlertRow {
    /// Whether it is open and overdue.
    pub(crate) fn is_overdue(&self) -> bool {
        self.open && self.status_class == "app-tag--red"
    }

    pub(crate) fn of(alert: &Alert, borough: &Borough) -> AlertRow {
        let person = |role: &str, id: &Option<String>| {
            let role = permanence_rules::Role::ALL
                .iter()
                .find(|r| r.as_str() == role)
                .map_or(role.to_string(), |r| r.label().to_lowercase());
            match id {
                Some(id) => match borough.staff_name(id) {
                    Some(name) => format!("{name} ({id}), {role}"),
                    None => format!("{id}, {role}"),
                },
                None => role,
            }
        };
        let (status, status_class) = match (alert.is_open(), alert.status.as_str()) {
            (false, _) => ("Closed", "app-tag--grey"),
            (true, "overdue") => ("Overdue", "app-tag--red"),
            (true, "due_soon") => ("Due soon", "app-tag--yellow"),
            (true, _) => ("Cannot decide", "app-tag--grey"),
        };
        let days_overdue = match (alert.is_open() && alert.status == "overdue", alert.due) {
            (true, Some(due)) => (borough.as_of - due).get_days().max(0).into(),
            _ => 0,
        };
        AlertRow {
            id: alert.id,
            child: alert.child.clone(),
            rule: alert.rule.clone(),
            title: alert.title.clone(),
            subject: alert.subject.clone().unwrap_or_default(),
            open: alert.is_open(),
            opened_on: format_dmy(alert.opened_on),
            closed_on: alert.closed_on.map(format_dmy).unwrap_or_default(),
            status,
            status_class,
            due: alert.due.map_or_else(|| "Not known".into(), format_dmy),
            days_overdue,
            owner: person(&alert.owner_role, &alert.owner),
            escalated_to: person(&alert.escalated_to_role, &alert.escalated_to),
            escalated: alert.escalated_to_role != alert.owner_role,
            decision: match (&alert.decision, alert.decision_due) {
                (Some(id), Some(due)) => format!("{id}, due {}", format_dmy(due)),
                (Some(id), None) => id.clone(),
                _ => String::new(),
            },
            evidence: alert.evidence.clone(),
        }
    }
}

/// Percent-encodes a query value.
pub(crate) fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A finished CSV as a download named `file`.
pub(crate) fn csv_attachment(
    file: &str,
    writer: csv::Writer<Vec<u8>>,
) -> Result<Response, AppError> {
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// A day typed as `dd/mm/yyyy` or `yyyy-mm-dd`.
pub(crate) fn parse_day(text: &str) -> Option<permanence_domain::Date> {
    let text = text.trim();
    let b = text.as_bytes();
    let iso = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if iso {
        text.parse().ok()
    } else {
        permanence_domain::date::parse_dmy(text).ok()
    }
}

/// A CSV cell that a spreadsheet will not run as a formula.
pub(crate) fn csv_cell(value: String) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value
    }
}

// ---------------------------------------------------------------- accessibility

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage {
    nav: Nav,
}

/// The accessibility statement: open to everyone, signed in or not.
async fn accessibility(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let nav = match auth::session_user(&state, &headers)? {
        Some(user) => Nav::of(&user),
        None => Nav::anonymous(),
    };
    render(&AccessibilityPage { nav })
}

// ---------------------------------------------------------------- assets

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../assets/app.css"),
    )
        .into_response()
}
