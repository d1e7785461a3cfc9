//! A child's record: summary, the journey timeline, the current permanence plan, and
//! the child's alerts, open and closed, each linking to its trail.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use permanence_domain::codes::Code;
use permanence_domain::date::format_dmy;
use permanence_domain::tracker::AllocationRole;

use super::{AlertRow, Nav, render};
use crate::auth::{CurrentUser, Permission};
use crate::borough::Borough;
use crate::timeline::{Timeline, timeline};
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/children/{id}", get(child))
}

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
    /// The name the child is known by (empty if none is recorded).
    name: String,
    as_of: String,
    summary: Vec<SummaryRow>,
    plan: Vec<SummaryRow>,
    alerts: Vec<AlertRow>,
    /// Alerts that have closed, newest first.
    closed: Vec<AlertRow>,
    /// The journey picture and its list (`templates/timeline.html`).
    timeline: Timeline,
}

async fn child(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Permission::ReadChildren)?;
    let borough: Arc<Borough> = state.borough().await?;
    // A record restricted to other staff answers exactly as a child who does not exist.
    if !borough.may_see(user.user.staff_id.as_deref(), &id) {
        return Err(AppError::NotFound);
    }
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
    let (mut alerts, closed): (Vec<AlertRow>, Vec<AlertRow>) = state
        .store()
        .child_alerts(&id)?
        .iter()
        .map(|alert| AlertRow::of(alert, &borough))
        .partition(|row| row.open);
    // Most overdue first, as the engine orders them.
    alerts.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then(a.rule.cmp(&b.rule))
    });
    let findings: Vec<_> = borough.findings_for(&id).collect();
    let timeline = timeline(journey, tracker, &findings, as_of);
    state.store().audit(
        &user.user.username,
        "view_child",
        Some(&id),
        "web: child's record",
    )?;
    render(&ChildPage {
        nav: Nav::of(&user),
        name: borough.child_name(&id).unwrap_or_default().to_string(),
        child: id,
        as_of: format_dmy(as_of),
        summary,
        plan,
        alerts,
        closed,
        timeline,
    })
}
