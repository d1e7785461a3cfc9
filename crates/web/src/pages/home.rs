//! The home page: the signed-in user's open alerts by due date and their counts.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use permanence_domain::date::format_dmy;
use permanence_rules::Finding;

use super::{AlertRow, Nav, render};
use crate::auth::{CurrentUser, Permission};
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
