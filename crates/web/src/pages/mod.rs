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
mod exports;
mod fostering;
mod home;
mod iro;
mod login;
mod panels;
mod records;
mod reports;
mod teams;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use permanence_domain::Date;
use permanence_domain::date::format_dmy;
use permanence_rules::Status;
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
        .merge(reports::routes())
        .merge(exports::routes())
        .merge(fostering::routes())
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
    pub(crate) can_view_reports: bool,
    pub(crate) can_download_exports: bool,
    pub(crate) can_view_fostering: bool,
    /// Whether the user keeps reference data but reads no children (administrators):
    /// their way to the staff, teams and panels.
    pub(crate) keeps_reference_data: bool,
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
            can_view_reports: false,
            can_download_exports: false,
            can_view_fostering: false,
            keeps_reference_data: false,
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
            can_view_reports: user.role.can(Permission::ViewReports),
            can_download_exports: user.role.can(Permission::DownloadExports),
            can_view_fostering: user.role.can(Permission::ViewFostering),
            keeps_reference_data: !user.role.can(Permission::ReadChildren),
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
    /// The name the child is known by, if recorded.
    name: String,
    rule: String,
    title: String,
    subject: String,
    open: bool,
    /// Open and overdue.
    overdue: bool,
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
    pub(crate) fn of(alert: &Alert, borough: &Borough) -> AlertRow {
        let person = |role: permanence_rules::Role, id: &Option<String>| {
            let role = role.label().to_lowercase();
            match id {
                Some(id) => match borough.staff_name(id) {
                    Some(name) => format!("{name} ({id}), {role}"),
                    None => format!("{id}, {role}"),
                },
                None => role,
            }
        };
        let overdue = alert.is_open() && alert.status == Status::Overdue;
        let (status, status_class) = match (alert.is_open(), alert.status) {
            (false, _) => ("Closed", "app-tag--grey"),
            (true, Status::Overdue) => ("Overdue", "app-tag--red"),
            (true, Status::DueSoon) => ("Due soon", "app-tag--yellow"),
            (true, Status::CannotDecide) => ("Cannot decide", "app-tag--grey"),
        };
        let days_overdue = match (overdue, alert.due) {
            (true, Some(due)) => (borough.as_of - due).get_days().max(0).into(),
            _ => 0,
        };
        AlertRow {
            id: alert.id,
            child: alert.child.clone(),
            name: borough
                .child_name(&alert.child)
                .unwrap_or_default()
                .to_string(),
            rule: alert.rule.clone(),
            title: alert.title.clone(),
            subject: alert.subject.clone().unwrap_or_default(),
            open: alert.is_open(),
            overdue,
            opened_on: format_dmy(alert.opened_on),
            closed_on: alert.closed_on.map(format_dmy).unwrap_or_default(),
            status,
            status_class,
            due: alert.due.map_or_else(|| "Not known".into(), format_dmy),
            days_overdue,
            owner: person(alert.owner_role, &alert.owner),
            escalated_to: person(alert.escalated_to_role, &alert.escalated_to),
            escalated: alert.escalated_to_role != alert.owner_role,
            decision: decision_text(alert, borough),
            evidence: alert.evidence.clone(),
        }
    }
}

/// A select's option.
pub(crate) struct Choice {
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) selected: bool,
}

/// "Name (ID)", or the id when the register does not know the person.
pub(crate) fn staff_label(borough: &Borough, id: &str) -> String {
    borough
        .staff_name(id)
        .map(|name| format!("{name} ({id})"))
        .unwrap_or_else(|| id.to_string())
}

/// Where a page of a list stands: rows `first` to `last` of `total` (counted from 1;
/// both 0 when there are none), page `page` of `pages`, and the query strings of the
/// pages either side. The templates show it with `pagination.html`.
pub(crate) struct Paging {
    pub(crate) total: usize,
    pub(crate) first: usize,
    pub(crate) last: usize,
    pub(crate) page: usize,
    pub(crate) pages: usize,
    pub(crate) previous: Option<String>,
    pub(crate) next: Option<String>,
}

impl Paging {
    /// The page asked for (the first when none, the nearest one that exists when out of
    /// range) of `total` rows, [`PAGE_SIZE`] a page; `link` writes a page's query string.
    pub(crate) fn new(
        total: usize,
        asked: Option<usize>,
        link: impl Fn(usize) -> String,
    ) -> Paging {
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = asked.unwrap_or(1).clamp(1, pages);
        let (first, last) = if total == 0 {
            (0, 0)
        } else {
            ((page - 1) * PAGE_SIZE + 1, (page * PAGE_SIZE).min(total))
        };
        Paging {
            total,
            first,
            last,
            page,
            pages,
            previous: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    /// A list with nothing in it (one page, no links).
    pub(crate) fn empty() -> Paging {
        Paging::new(0, None, |_| String::new())
    }

    /// How many rows come before this page.
    pub(crate) fn offset(&self) -> usize {
        (self.page - 1) * PAGE_SIZE
    }

    /// This page's share of all the rows.
    pub(crate) fn of<T>(&self, rows: impl IntoIterator<Item = T>) -> impl Iterator<Item = T> {
        rows.into_iter().skip(self.offset()).take(PAGE_SIZE)
    }
}

/// A query string of the pairs that have a value (percent-encoded), then the page when
/// past the first.
pub(crate) fn query_string(pairs: &[(&str, &str)], page: usize) -> String {
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

/// A range of days typed in the fields `from` and `to`, either left empty for no limit,
/// or the problems with them: a day that does not read, or a range that ends before it
/// begins.
pub(crate) fn date_range(
    from: &str,
    to: &str,
) -> Result<(Option<Date>, Option<Date>), Vec<FieldError>> {
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
    let from = day("from", "The from date", from);
    let to = day("to", "The to date", to);
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        errors.push(FieldError {
            field: "to",
            message: "The to date must be the same as or after the from date".into(),
        });
    }
    if errors.is_empty() {
        Ok((from, to))
    } else {
        Err(errors)
    }
}

/// The management decision holding an alert, as a manager reads it: what will happen,
/// who will do it, by when.
fn decision_text(alert: &Alert, borough: &Borough) -> String {
    let Some(id) = &alert.decision else {
        return String::new();
    };
    let recorded = borough
        .trackers
        .get(&alert.child)
        .and_then(|t| t.decisions.iter().find(|d| &d.id == id));
    let due = alert
        .decision_due
        .map(|d| format!(", by {}", format_dmy(d)))
        .unwrap_or_default();
    match recorded {
        Some(decision) => {
            let who = borough
                .staff_name(&decision.owner)
                .unwrap_or(decision.owner.as_str());
            format!("{id}: \"{}\" ({who}{due})", decision.text)
        }
        None => format!("{id}{due}"),
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

/// A CSV download named `file`: the columns' names, then the rows with each cell as given (pass
/// what people may have typed through [`csv_cell`], or a whole row through
/// [`safe_cells`]). The download is recorded in the audit log as `action` with `detail`,
/// once written.
pub(crate) fn csv_download(
    state: &AppState,
    user: &CurrentUser,
    action: &str,
    detail: String,
    file: &str,
    columns: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Response, AppError> {
    let write = || -> Result<Vec<u8>, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(columns)?;
        for row in rows {
            writer.write_record(row)?;
        }
        writer.flush()?;
        writer.into_inner().map_err(|e| e.into_error().into())
    };
    let body = write().map_err(|e| AppError::Internal(e.into()))?;
    state
        .store()
        .audit(&user.user.username, action, None, &detail)?;
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
pub(crate) fn parse_day(text: &str) -> Option<Date> {
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

/// A CSV row whose every cell a spreadsheet will not run as a formula.
pub(crate) fn safe_cells(row: Vec<String>) -> Vec<String> {
    row.into_iter().map(csv_cell).collect()
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
