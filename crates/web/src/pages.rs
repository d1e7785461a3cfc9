//! The routes: sign-in and sign-out, the home page, the children list (with its CSV
//! download), a child's record, the audit log (with its CSV download), the
//! accessibility statement, and the stylesheet. Each handler checks the user's
//! role before it reads anything (see `docs/access.md`).

use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use permanence_domain::codes::Code;
use permanence_domain::date::format_dmy;
use permanence_domain::tracker::AllocationRole;
use permanence_rules::Finding;
use permanence_store::{Accounts, AuditEntry, AuditFilter, Store};
use serde::Deserialize;

use crate::auth::{self, CurrentUser, LOGIN_CSRF_COOKIE, Permission, SESSION_COOKIE};
use crate::borough::{Borough, ChildRow};
use crate::{AppError, AppState};

/// Children per page of the list.
const PAGE_SIZE: usize = 50;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/children", get(children))
        .route("/children.csv", get(children_csv))
        .route("/children/{id}", get(child))
        // GET only: nothing in the application changes the audit log but appending.
        .route("/audit", get(audit))
        .route("/audit.csv", get(audit_csv))
        .route("/accessibility", get(accessibility))
        .route("/assets/app.css", get(stylesheet))
        .fallback(|| async { AppError::NotFound })
}

/// What the header needs: who is signed in, what they may open, the sign-out form's token.
pub(crate) struct Nav {
    pub(crate) user: Option<NavUser>,
    pub(crate) can_read_children: bool,
    pub(crate) can_view_audit: bool,
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
            csrf_token: String::new(),
        }
    }

    fn of(user: &CurrentUser) -> Nav {
        Nav {
            user: Some(NavUser {
                name: user.user.display_name.clone(),
                role: user.role.label(),
            }),
            can_read_children: user.role.can(Permission::ReadChildren),
            can_view_audit: user.role.can(Permission::ViewAuditLog),
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
trait FormErrors {
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

fn render(template: &impl Template) -> Result<Response, AppError> {
    Ok(Html(template.render()?).into_response())
}

// ---------------------------------------------------------------- sign in and out

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Nav,
    errors: Vec<FieldError>,
    username: String,
    csrf_token: String,
}

impl FormErrors for LoginPage {
    fn errors(&self) -> &[FieldError] {
        &self.errors
    }
}

/// The login page, with a fresh CSRF token in a cookie and in the form.
fn login_response(
    state: &AppState,
    status: StatusCode,
    username: String,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let token = auth::new_token();
    let page = LoginPage {
        nav: Nav::anonymous(),
        errors,
        username,
        csrf_token: token.clone(),
    };
    let cookie = auth::set_cookie(
        LOGIN_CSRF_COOKIE,
        &token,
        None,
        state.settings().secure_cookies,
    );
    Ok((status, [(header::SET_COOKIE, cookie)], Html(page.render()?)).into_response())
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if auth::session_user(&state, &headers)?.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    login_response(&state, StatusCode::OK, String::new(), Vec::new())
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let expected = auth::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !auth::same_secret(&form.csrf_token, expected) {
        return Err(AppError::Forbidden);
    }
    let username = form.username.trim().to_string();
    let mut errors = Vec::new();
    if username.is_empty() {
        errors.push(FieldError {
            field: "username",
            message: "Enter your username".into(),
        });
    }
    if form.password.is_empty() {
        errors.push(FieldError {
            field: "password",
            message: "Enter your password".into(),
        });
    }
    if !errors.is_empty() {
        return login_response(&state, StatusCode::UNPROCESSABLE_ENTITY, username, errors);
    }
    if state.throttle().is_blocked(&state, &username, address.ip()) {
        let errors = vec![FieldError {
            field: "username",
            message:
                "There have been too many attempts to sign in. Wait 15 minutes, then try again"
                    .into(),
        }];
        return login_response(&state, StatusCode::TOO_MANY_REQUESTS, username, errors);
    }
    let user = state.store().user_by_username(&username)?;
    let hash = user.as_ref().map_or_else(
        || auth::dummy_hash().to_string(),
        |u| u.password_hash.clone(),
    );
    let password = form.password;
    let verified = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let user = match user {
        Some(user) if verified && !user.disabled => user,
        _ => {
            state.throttle().failed(&username, address.ip());
            // The same answer whether the username, the password or the account is wrong.
            let errors = vec![FieldError {
                field: "username",
                message: "Enter a correct username and password".into(),
            }];
            return login_response(&state, StatusCode::UNPROCESSABLE_ENTITY, username, errors);
        }
    };
    state.throttle().succeeded(&username);
    // A new session at every sign-in, and the old one (if any) ended.
    if let Some(old) = auth::cookie(&headers, SESSION_COOKIE) {
        state.store().delete_session(&auth::token_hash(old))?;
    }
    let token = auth::start_session(&state, &user)?;
    let secure = state.settings().secure_cookies;
    Ok((
        // Appended, not inserted: a response may carry several cookies.
        AppendHeaders([
            (
                header::SET_COOKIE,
                auth::set_cookie(SESSION_COOKIE, &token, None, secure),
            ),
            (
                header::SET_COOKIE,
                auth::set_cookie(LOGIN_CSRF_COOKIE, "", Some(0), secure),
            ),
        ]),
        Redirect::to("/"),
    )
        .into_response())
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    user.check_csrf(&form.csrf_token)?;
    state.store().delete_session(&user.token_hash)?;
    let cookie = auth::set_cookie(SESSION_COOKIE, "", Some(0), state.settings().secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

// ---------------------------------------------------------------- home

/// A finding as a table row.
pub(crate) struct AlertRow {
    child: String,
    rule: &'static str,
    title: &'static str,
    status: &'static str,
    status_class: &'static str,
    due: String,
    days_overdue: i32,
    evidence: String,
}

impl AlertRow {
    fn of(finding: &Finding) -> AlertRow {
        AlertRow {
            child: finding.child.clone(),
            rule: finding.rule,
            title: finding.title,
            status: finding.status.label(),
            status_class: match finding.status {
                permanence_rules::Status::Overdue => "app-tag--red",
                permanence_rules::Status::DueSoon => "app-tag--yellow",
                _ => "app-tag--grey",
            },
            due: finding
                .due
                .map(format_dmy)
                .unwrap_or_else(|| "Not known".into()),
            days_overdue: finding.days_overdue,
            evidence: finding.evidence_text(),
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    nav: Nav,
    name: String,
    as_of: String,
    can_read_children: bool,
    staff_name: Option<String>,
    looked_after: usize,
    my_children: usize,
    staff_id: String,
    alerts: Vec<AlertRow>,
    overdue: usize,
}

async fn home(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let borough = state.borough().await?;
    let can_read_children = user.role.can(Permission::ReadChildren);
    let staff_id = user.user.staff_id.clone().unwrap_or_default();
    let (mut mine, my_children) = if can_read_children && !staff_id.is_empty() {
        let mine: Vec<&Finding> = borough
            .findings
            .iter()
            .filter(|f| {
                f.owner.as_deref() == Some(&staff_id)
                    || f.escalated_to_person.as_deref() == Some(&staff_id)
            })
            .collect();
        let children = borough
            .rows
            .iter()
            .filter(|r| r.allocated.contains(&staff_id))
            .count();
        (mine, children)
    } else {
        (Vec::new(), 0)
    };
    // By due date, the earliest first; undecidable ones last.
    mine.sort_by_key(|f| (f.due.is_none(), f.due, f.child.clone()));
    let page = HomePage {
        nav: Nav::of(&user),
        name: user.user.display_name.clone(),
        as_of: format_dmy(borough.as_of),
        can_read_children,
        staff_name: borough.staff_name(&staff_id).map(str::to_string),
        looked_after: borough.rows.iter().filter(|r| r.looked_after).count(),
        my_children,
        overdue: mine
            .iter()
            .filter(|f| f.status == permanence_rules::Status::Overdue)
            .count(),
        alerts: mine.into_iter().map(AlertRow::of).collect(),
        staff_id,
    };
    render(&page)
}

// ---------------------------------------------------------------- children

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

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
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

/// A finished CSV as a download named `file`.
fn csv_attachment(file: &str, writer: csv::Writer<Vec<u8>>) -> Result<Response, AppError> {
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

// ---------------------------------------------------------------- a child

/// A row of a summary list.
pub(crate) struct SummaryRow {
    key: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "child.html")]
struct ChildPage {
    nav: Nav,
    child: String,
    as_of: String,
    summary: Vec<SummaryRow>,
    plan: Vec<SummaryRow>,
    alerts: Vec<AlertRow>,
}

async fn child(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Permission::ReadChildren)?;
    let borough: Arc<Borough> = state.borough().await?;
    let journey = borough.journey(&id).ok_or(AppError::NotFound)?;
    let as_of = borough.as_of;
    let episode = journey.episode_on(as_of);
    let tracker = borough.trackers.get(&id);
    let mut summary = vec![
        SummaryRow {
            key: "Age",
            value: format!(
                "{} (born {})",
                journey.age_on(as_of),
                format_dmy(journey.record.header.dob)
            ),
        },
        SummaryRow {
            key: "Looked after",
            value: if episode.is_some() { "Yes" } else { "No" }.into(),
        },
    ];
    if let Some(episode) = episode {
        summary.push(SummaryRow {
            key: "Legal status",
            value: format!("{}: {}", episode.ls.code(), episode.ls.description()),
        });
        summary.push(SummaryRow {
            key: "Placement",
            value: format!(
                "{}: {}{}",
                episode.place.code(),
                episode.place.description(),
                episode
                    .place_provider
                    .map(|p| format!(" (provider {}: {})", p.code(), p.description()))
                    .unwrap_or_default()
            ),
        });
    }
    if let (Some(days), Some(period)) = (journey.days_in_care(as_of), journey.period_on(as_of)) {
        summary.push(SummaryRow {
            key: "Time in care",
            value: format!("{days} days (since {})", format_dmy(period.start)),
        });
    }
    for role in AllocationRole::ALL {
        let allocated = tracker.and_then(|t| t.allocated_on(*role, as_of));
        if let Some(allocation) = allocated {
            summary.push(SummaryRow {
                key: role.label(),
                value: borough
                    .staff_name(&allocation.person)
                    .map(|name| format!("{name} ({})", allocation.person))
                    .unwrap_or_else(|| allocation.person.clone()),
            });
        }
    }
    let mut plan = Vec::new();
    if let Some(current) = tracker.and_then(|t| t.plan_on(as_of)) {
        plan.push(SummaryRow {
            key: "Primary plan",
            value: current.primary.label().into(),
        });
        plan.push(SummaryRow {
            key: "Parallel plans",
            value: if current.parallel.is_empty() {
                "None".into()
            } else {
                current
                    .parallel
                    .iter()
                    .map(|p| p.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        });
        plan.push(SummaryRow {
            key: "Contingency plan",
            value: current.contingency.map_or("None", |c| c.label()).into(),
        });
        plan.push(SummaryRow {
            key: "Decided",
            value: format!(
                "{} ({})",
                format_dmy(current.decided),
                current.forum.label()
            ),
        });
        plan.push(SummaryRow {
            key: "Permanence by",
            value: current.target.map_or_else(|| "Not set".into(), format_dmy),
        });
    }
    let alerts = borough.findings_for(&id).map(AlertRow::of).collect();
    state.store().audit(
        &user.user.username,
        "view_child",
        Some(&id),
        "web: child's record",
    )?;
    render(&ChildPage {
        nav: Nav::of(&user),
        child: id,
        as_of: format_dmy(as_of),
        summary,
        plan,
        alerts,
    })
}

// ---------------------------------------------------------------- the audit log

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

/// A day typed as `dd/mm/yyyy` or `yyyy-mm-dd`.
fn parse_day(text: &str) -> Option<permanence_domain::Date> {
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
    let rows: Vec<AuditRow> = found.entries.into_iter().map(AuditRow::of).collect();
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

/// A CSV cell that a spreadsheet will not run as a formula.
fn csv_cell(value: String) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value
    }
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
        include_str!("../assets/app.css"),
    )
        .into_response()
}
