//! An alert: what the rule found, who holds it and its trail (opened, escalated, the
//! management decision that acknowledged it, closed). A manager acknowledges an overdue
//! alert only by recording a management decision — what will happen, who will do it,
//! by when — which holds its escalation until that date; an IRO can open a challenge
//! from it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use permanence_domain::date::format_dmy;
use permanence_domain::tracker::StaffRole;
use permanence_store::{Alert, StoreError};
use permanence_tracker::Kind;
use serde::Deserialize;

use super::{AlertRow, FieldError, FormErrors, Nav, encode, parse_day, render};
use crate::auth::{CurrentUser, Permission};
use crate::borough::Borough;
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/alerts/{id}", get(alert_page)).route(
        "/alerts/{id}/decision",
        get(decision_page).post(record_decision),
    )
}

/// Longest decision text accepted.
const MAX_DECISION: usize = 2000;

/// How far ahead a decision's due date may be set.
const MAX_DAYS_AHEAD: i32 = 366;

/// A row of the alert's trail.
pub(crate) struct TrailRow {
    on_day: String,
    kind: &'static str,
    detail: String,
}

#[derive(Template)]
#[template(path = "alert.html")]
struct AlertPage {
    nav: Nav,
    alert: AlertRow,
    trail: Vec<TrailRow>,
    /// Where to record a management decision, for those who may.
    decision_link: Option<String>,
    /// Where to open an IRO challenge, for those who may.
    challenge_link: Option<String>,
    saved: bool,
}

/// The alert, if it exists and the user may see its child's record.
fn find(
    state: &AppState,
    user: &CurrentUser,
    borough: &Borough,
    id: &str,
) -> Result<Alert, AppError> {
    user.require(Permission::ReadChildren)?;
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let alert = state.store().alert(id)?.ok_or(AppError::NotFound)?;
    if !borough.may_see(user.user.staff_id.as_deref(), &alert.child) {
        return Err(AppError::NotFound);
    }
    Ok(alert)
}

/// Whether the user may record a management decision on this alert: it is open and
/// overdue (until then there is nothing to hold), and they may record decisions about
/// the child and are in the staff register (a decision names who made it).
fn may_decide(user: &CurrentUser, borough: &Borough, alert: &Alert) -> bool {
    alert.is_open()
        && alert.status == permanence_rules::Status::Overdue
        && user.user.staff_id.is_some()
        && user.may_change(borough, Kind::Decision, &alert.child)
}

#[derive(Deserialize)]
struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn alert_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<SavedQuery>,
) -> Result<Response, AppError> {
    let borough = state.borough().await?;
    let alert = find(&state, &user, &borough, &id)?;
    let trail = state
        .store()
        .alert_events(alert.id)?
        .into_iter()
        .map(|event| TrailRow {
            on_day: format_dmy(event.on_day),
            kind: match event.kind.as_str() {
                "opened" => "Opened",
                "escalated" => "Escalated",
                "decision" => "Management decision",
                "closed" => "Closed",
                _ => "Changed",
            },
            detail: event.detail,
        })
        .collect();
    state.store().audit(
        &user.user.username,
        "view_child",
        Some(&alert.child),
        &format!("web: alert {} ({})", alert.id, alert.rule),
    )?;
    let challenge_link = (alert.is_open()
        && user.user.staff_id.is_some()
        && user.may_change(&borough, Kind::IroChallenge, &alert.child))
    .then(|| {
        format!(
            "/children/{}/records/iro_challenges/new?IRO={}&RAISED={}&CATEGORY=drift_and_delay",
            encode(&alert.child),
            encode(user.user.staff_id.as_deref().unwrap_or_default()),
            format_dmy(borough.as_of).replace('/', "%2F"),
        )
    });
    render(&AlertPage {
        nav: Nav::of(&user),
        decision_link: may_decide(&user, &borough, &alert)
            .then(|| format!("/alerts/{}/decision", alert.id)),
        challenge_link,
        alert: AlertRow::of(&alert, &borough),
        trail,
        saved: query.saved.is_some(),
    })
}

// ---------------------------------------------------------------- the decision form

/// An option of the "who will do it" list.
pub(crate) struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "alert_decision.html")]
struct DecisionPage {
    nav: Nav,
    alert: AlertRow,
    errors: Vec<FieldError>,
    decision: String,
    owners: Vec<Choice>,
    due: String,
}

impl FormErrors for DecisionPage {
    fn errors(&self) -> &[FieldError] {
        &self.errors
    }
}

#[derive(Debug, Default, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due: String,
}

/// Who a decision can name to carry it out: practice staff in the register, the
/// alert's owner first.
fn owner_choices(borough: &Borough, alert: &Alert, chosen: &str) -> Vec<Choice> {
    let chosen = if chosen.is_empty() {
        alert.owner.as_deref().unwrap_or_default()
    } else {
        chosen
    };
    let mut people: Vec<_> = borough
        .organisation
        .people
        .iter()
        .filter(|p| {
            !matches!(
                p.role,
                StaffRole::Administrator | StaffRole::PerformanceAnalyst
            )
        })
        .collect();
    people.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    std::iter::once(Choice {
        value: String::new(),
        label: "Choose who will do it".into(),
        selected: chosen.is_empty(),
    })
    .chain(people.into_iter().map(|p| Choice {
        value: p.id.clone(),
        label: format!("{} ({}, {})", p.name, p.id, p.role.label()),
        selected: p.id == chosen,
    }))
    .collect()
}

fn decision_response(
    user: &CurrentUser,
    borough: &Borough,
    alert: &Alert,
    form: &DecisionForm,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = DecisionPage {
        nav: Nav::of(user),
        alert: AlertRow::of(alert, borough),
        owners: owner_choices(borough, alert, form.owner.trim()),
        decision: form.decision.clone(),
        due: form.due.clone(),
        errors,
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn decision_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let borough = state.borough().await?;
    let alert = find(&state, &user, &borough, &id)?;
    if !may_decide(&user, &borough, &alert) {
        return Err(AppError::Forbidden);
    }
    // The form shows the alert (its child, evidence, owner): a read of the child's
    // record, as the alert's own page is.
    state.store().audit(
        &user.user.username,
        "view_child",
        Some(&alert.child),
        &format!(
            "web: alert {} ({}) to record a decision",
            alert.id, alert.rule
        ),
    )?;
    decision_response(
        &user,
        &borough,
        &alert,
        &DecisionForm::default(),
        Vec::new(),
    )
}

async fn record_decision(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    user.check_csrf(&form.csrf_token)?;
    let borough = state.borough().await?;
    let alert = find(&state, &user, &borough, &id)?;
    if !may_decide(&user, &borough, &alert) {
        return Err(AppError::Forbidden);
    }
    let today = borough.as_of;
    let mut errors = Vec::new();
    let text = form.decision.trim();
    if text.is_empty() {
        errors.push(FieldError {
            field: "decision",
            message: "Enter what will happen".into(),
        });
    } else if text.chars().count() > MAX_DECISION {
        errors.push(FieldError {
            field: "decision",
            message: format!("What will happen must be {MAX_DECISION} characters or fewer"),
        });
    } else if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        // As the tracker's reading of a text value refuses them (a record is never
        // stored with one).
        errors.push(FieldError {
            field: "decision",
            message: "What will happen must not include control characters, such as a null \
                      character: type it again without them"
                .into(),
        });
    }
    let owner = form.owner.trim();
    if owner.is_empty() {
        errors.push(FieldError {
            field: "owner",
            message: "Choose who will do it".into(),
        });
    } else if borough.organisation.person(owner).is_none() {
        errors.push(FieldError {
            field: "owner",
            message: "Choose who will do it from the list".into(),
        });
    }
    let due = if form.due.trim().is_empty() {
        errors.push(FieldError {
            field: "due",
            message: "Enter the date by which it will be done".into(),
        });
        None
    } else {
        match parse_day(&form.due) {
            None => {
                errors.push(FieldError {
                    field: "due",
                    message: "The date must be a real date, like 27/03/2025".into(),
                });
                None
            }
            Some(due) if due < today => {
                errors.push(FieldError {
                    field: "due",
                    message: "The date must be today or in the future".into(),
                });
                None
            }
            Some(due) if (due - today).get_days() > MAX_DAYS_AHEAD => {
                errors.push(FieldError {
                    field: "due",
                    message: "The date must be within a year: an alert needs a nearer plan".into(),
                });
                None
            }
            Some(due) => Some(due),
        }
    };
    if !errors.is_empty() {
        return decision_response(&user, &borough, &alert, &form, errors);
    }
    let due = due.expect("checked above");
    // The decision is an ordinary tracker record, checked and stored as a form's or an
    // import's are, so supervision reports and the drift rules see it too.
    let saved = save_decision(&state, &user, &alert, today, text, owner, due)?;
    if !saved {
        // Another decision took the same id at the same moment: ask again.
        let errors = vec![FieldError {
            field: "decision",
            message: "Someone recorded a decision at the same moment; check the alert and send this again".into(),
        }];
        return decision_response(&user, &borough, &alert, &form, errors);
    }
    state.refresh().await?;
    Ok(Redirect::to(&format!("/alerts/{}?saved=decision", alert.id)).into_response())
}

/// Stores the decision as a tracker record (source `alert`, source ref the rule), made
/// today by the user; false when another record took its id meanwhile.
fn save_decision(
    state: &AppState,
    user: &CurrentUser,
    alert: &Alert,
    today: permanence_domain::Date,
    text: &str,
    owner: &str,
    due: permanence_domain::Date,
) -> Result<bool, AppError> {
    fn refused(problems: impl std::fmt::Display) -> AppError {
        AppError::Internal(anyhow::anyhow!(
            "a decision built from a checked form was refused: {problems}"
        ))
    }
    let mut store = state.store();
    let stored = store.child_tracker_records(&alert.child)?;
    let id = super::records::suggest_id(Kind::Decision, today, &**store)?
        .expect("decisions have suggested ids");
    let made_by = user.user.staff_id.as_deref().unwrap_or_default();
    let values = [
        id.as_str(),
        alert.child.as_str(),
        "alert",
        alert.rule.as_str(),
        &format_dmy(today),
        made_by,
        text,
        owner,
        &format_dmy(due),
        "",
    ];
    let record = permanence_tracker::read::read_row(Kind::Decision, &values, "web", Some(today))
        .map_err(refused)?;
    let children = store.known_children()?;
    permanence_tracker::plan_import(std::slice::from_ref(&record), &stored, &children)
        .map_err(refused)?;
    match store.save_tracker_edit(
        &record,
        &user.user.username,
        &format!("Management decision on alert {} ({})", alert.id, alert.rule),
        None,
    ) {
        Ok(_) => Ok(true),
        Err(StoreError::Conflict { .. }) => Ok(false),
        Err(other) => Err(other.into()),
    }
}
