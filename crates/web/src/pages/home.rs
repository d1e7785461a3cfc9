//! The home page: the signed-in user's open alerts by due date, the alerts others own
//! that have escalated to them, their children (or their span) and counts that link to
//! the lists.

use std::collections::HashSet;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use permanence_domain::date::format_dmy;

use serde::Deserialize;

use super::{AlertRow, Nav, encode, render};
use crate::auth::{CurrentUser, Permission, Role};
use crate::borough::{Borough, ChildRow};
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
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
    /// Children allocated to staff whose management line reaches the user (managers).
    span: Option<Span>,
    staff_id: String,
    /// Open alerts the user owns, by due date.
    alerts: Vec<AlertRow>,
    /// Open alerts others own that have escalated to the user, by due date.
    escalated: Vec<AlertRow>,
    /// How many of each there are (the tables show the first [`SHOWN`] unless asked).
    alerts_total: usize,
    escalated_total: usize,
    overdue: usize,
}

/// Alerts shown in each of the home page's tables unless all are asked for.
const SHOWN: usize = 25;

/// The home page's query: `all=yes` shows every alert.
#[derive(Deserialize)]
struct HomeQuery {
    #[serde(default)]
    all: String,
}

/// A manager's span: how many children, and the list that shows them.
struct Span {
    children: usize,
    link: String,
}

async fn home(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<HomeQuery>,
) -> Result<Response, AppError> {
    let borough = state.borough().await?;
    let can_read_children = user.role.can(Permission::ReadChildren);
    let staff_id = user.user.staff_id.clone().unwrap_or_default();
    // A record restricted to other staff counts nowhere and raises no alert here.
    let me = user.user.staff_id.as_deref();
    let linked = can_read_children && !staff_id.is_empty();
    let (mut alerts, mut escalated) = (Vec::new(), Vec::new());
    if linked {
        for alert in state.store().open_alerts_for(&staff_id)? {
            if !borough.may_see(me, &alert.child) {
                continue;
            }
            let row = AlertRow::of(&alert, &borough);
            if alert.owner.as_deref() == me {
                alerts.push(row);
            } else {
                escalated.push(row);
            }
        }
    }
    let visible = |r: &&ChildRow| r.visible_to(me);
    let my_children = if linked {
        borough
            .rows
            .iter()
            .filter(visible)
            .filter(|r| r.allocated.contains(&staff_id))
            .count()
    } else {
        0
    };
    let span = (linked
        && matches!(
            user.role,
            Role::TeamManager | Role::ServiceManager | Role::HeadOfService
        ))
    .then(|| span(&borough, &staff_id));
    let (alerts_total, escalated_total) = (alerts.len(), escalated.len());
    let overdue = alerts.iter().filter(|a| a.overdue).count();
    if query.all != "yes" {
        alerts.truncate(SHOWN);
        escalated.truncate(SHOWN);
    }
    let page = HomePage {
        nav: Nav::of(&user),
        name: user.user.display_name.clone(),
        as_of: format_dmy(borough.as_of),
        can_read_children,
        staff_name: borough.staff_name(&staff_id).map(str::to_string),
        looked_after: borough
            .rows
            .iter()
            .filter(visible)
            .filter(|r| r.looked_after)
            .count(),
        my_children,
        span,
        overdue,
        alerts,
        escalated,
        alerts_total,
        escalated_total,
        staff_id,
    };
    render(&page)
}

/// The looked-after children allocated to staff whose management line reaches the
/// manager, and the children list of the team they manage (all children otherwise).
fn span(borough: &Borough, manager: &str) -> Span {
    let organisation = &borough.organisation;
    // Everyone whose management line reaches the manager.
    let under: HashSet<&str> = organisation
        .people
        .iter()
        .filter(|p| {
            organisation
                .management_line(&p.id)
                .iter()
                .any(|above| above.id == manager)
        })
        .map(|p| p.id.as_str())
        .collect();
    let children = borough
        .rows
        .iter()
        .filter(|r| r.looked_after && r.visible_to(Some(manager)))
        .filter(|r| {
            r.allocated
                .iter()
                .any(|worker| under.contains(worker.as_str()))
        })
        .count();
    let link = match organisation
        .teams
        .iter()
        .find(|t| t.manager.as_deref() == Some(manager))
    {
        Some(team) => format!("/children?looked_after=yes&team={}", encode(&team.id)),
        None => "/children?looked_after=yes".to_string(),
    };
    Span { children, link }
}
