//! Panels: the council's panel register, every panel decision about a child (filtered
//! by panel and by a range of days) and the overlaps the inspection asked to see:
//! children whose same question went to more than one panel, and children heard by
//! several panels on different questions within a short window. Each table downloads
//! as CSV. Children whose record is restricted to other staff are left out
//! ([`Borough::may_see`]).

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use permanence_domain::Date;
use permanence_domain::date::{days_between, format_dmy};
use permanence_domain::tracker::{PanelDecision, PanelQuestion};
use serde::Deserialize;

use super::teams::{audit, write_csv};
use super::{FieldError, FormErrors, Nav, PAGE_SIZE, csv_attachment, encode, parse_day, render};
use crate::auth::{CurrentUser, Permission};
use crate::borough::Borough;
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/panels", get(panels))
        .route("/panels.csv", get(register_csv))
        .route("/panels/decisions.csv", get(decisions_csv))
        .route("/panels/overlaps.csv", get(overlaps_csv))
}

/// Days within which different panels hearing a child count as overlapping: PNL-01's
/// default window.
const OVERLAP_DAYS: i32 = 90;
/// Overlaps shown on the page (the CSV holds them all).
const OVERLAPS_SHOWN: usize = 100;

/// The page's query: a panel, a range of days (as typed) and a page of decisions.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PanelsQuery {
    #[serde(default)]
    panel: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: Option<usize>,
}

/// What the query selects, once its dates are read.
struct Filter {
    panel: Option<String>,
    from: Option<Date>,
    to: Option<Date>,
}

impl PanelsQuery {
    /// The filter, or the problems with the dates as typed.
    fn filter(&self, borough: &Borough) -> Result<Filter, Vec<FieldError>> {
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
        let panel = self.panel.trim();
        Ok(Filter {
            panel: borough
                .organisation
                .panels
                .iter()
                .find(|p| p.id == panel)
                .map(|p| p.id.clone()),
            from,
            to,
        })
    }

    /// The query string for these settings, with another page.
    fn with_page(&self, page: usize) -> String {
        let pairs = [
            ("panel", self.panel.trim()),
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

/// The panel's name, or its id when the register does not hold it.
fn panel_name<'b>(borough: &'b Borough, id: &'b str) -> &'b str {
    borough
        .organisation
        .panels
        .iter()
        .find(|p| p.id == id)
        .map_or(id, |p| p.name.as_str())
}

/// Every panel decision up to the evaluation date about a child the user may see, in
/// the range of days, the oldest first.
fn decisions<'b>(
    borough: &'b Borough,
    user: &CurrentUser,
    filter: &Filter,
) -> Vec<&'b PanelDecision> {
    let staff = user.user.staff_id.as_deref();
    let mut found: Vec<&PanelDecision> = borough
        .trackers
        .iter()
        .filter(|(child, _)| borough.may_see(staff, child))
        .flat_map(|(_, tracker)| tracker.panel_decisions.iter())
        .filter(|d| d.date <= borough.as_of)
        .filter(|d| filter.from.is_none_or(|from| d.date >= from))
        .filter(|d| filter.to.is_none_or(|to| d.date <= to))
        .collect();
    found.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then(a.child.cmp(&b.child))
            .then(a.panel.cmp(&b.panel))
            .then(a.question.cmp(&b.question))
    });
    found
}

// ---------------------------------------------------------------- the register

/// A panel of the register, with its decisions counted.
pub(crate) struct RegisterRow {
    id: String,
    name: String,
    remit: String,
    chair: String,
    questions: String,
    decisions: usize,
    children: usize,
    last: String,
}

fn register(borough: &Borough, decisions: &[&PanelDecision]) -> Vec<RegisterRow> {
    borough
        .organisation
        .panels
        .iter()
        .map(|panel| {
            let own: Vec<&&PanelDecision> =
                decisions.iter().filter(|d| d.panel == panel.id).collect();
            let mut children: Vec<&str> = own.iter().map(|d| d.child.as_str()).collect();
            children.sort_unstable();
            children.dedup();
            RegisterRow {
                id: panel.id.clone(),
                name: panel.name.clone(),
                remit: panel.remit.clone(),
                chair: panel
                    .chair
                    .as_deref()
                    .map(|c| {
                        borough
                            .staff_name(c)
                            .map(|name| format!("{name} ({c})"))
                            .unwrap_or_else(|| c.to_string())
                    })
                    .unwrap_or_default(),
                questions: panel
                    .questions
                    .iter()
                    .map(|q| q.label())
                    .collect::<Vec<_>>()
                    .join("; "),
                decisions: own.len(),
                children: children.len(),
                last: own.last().map(|d| format_dmy(d.date)).unwrap_or_default(),
            }
        })
        .collect()
}

// ---------------------------------------------------------------- decisions

/// A decision as a row.
pub(crate) struct DecisionRow {
    date: String,
    panel: String,
    panel_name: String,
    child: String,
    name: String,
    question: &'static str,
    decision: String,
    conditions: String,
}

impl DecisionRow {
    fn of(borough: &Borough, d: &PanelDecision) -> DecisionRow {
        DecisionRow {
            date: format_dmy(d.date),
            panel: d.panel.clone(),
            panel_name: panel_name(borough, &d.panel).to_string(),
            child: d.child.clone(),
            name: borough.child_name(&d.child).unwrap_or_default().to_string(),
            question: d.question.label(),
            decision: d.decision.clone(),
            conditions: d.conditions.clone().unwrap_or_default(),
        }
    }
}

// ---------------------------------------------------------------- overlaps

/// A child heard by more than one panel: on the same question, or on different
/// questions within the window.
pub(crate) struct Overlap {
    child: String,
    name: String,
    kind: &'static str,
    questions: String,
    /// "Panel (dd/mm/yyyy)", in date order.
    hearings: Vec<String>,
    first: Date,
    last: Date,
    span: i32,
    /// For the same question: whether two different panels decided it within the window.
    within_window: bool,
    panels: Vec<String>,
}

impl Overlap {
    fn first_text(&self) -> String {
        format_dmy(self.first)
    }

    fn last_text(&self) -> String {
        format_dmy(self.last)
    }
}

fn distinct_panels(decisions: &[&PanelDecision]) -> Vec<String> {
    let mut panels: Vec<String> = decisions.iter().map(|d| d.panel.clone()).collect();
    panels.sort();
    panels.dedup();
    panels
}

/// The overlaps among the decisions (already in date order), the oldest first: every
/// child and question (other than "other", which need not be one question) decided by
/// more than one panel, and every run of decisions about a child on different
/// questions by different panels within the window of the run's first.
fn overlaps(borough: &Borough, decisions: &[&PanelDecision]) -> Vec<Overlap> {
    let mut by_child: BTreeMap<&str, Vec<&PanelDecision>> = BTreeMap::new();
    for d in decisions {
        by_child.entry(d.child.as_str()).or_default().push(d);
    }
    let hearing =
        |d: &PanelDecision| format!("{} ({})", panel_name(borough, &d.panel), format_dmy(d.date));
    let mut found = Vec::new();
    for (child, heard) in by_child {
        let name = borough.child_name(child).unwrap_or_default().to_string();
        // The same question at more than one panel.
        let mut by_question: BTreeMap<PanelQuestion, Vec<&PanelDecision>> = BTreeMap::new();
        for d in heard.iter().filter(|d| d.question != PanelQuestion::Other) {
            by_question.entry(d.question).or_default().push(d);
        }
        for (question, same) in &by_question {
            let panels = distinct_panels(same);
            if panels.len() < 2 {
                continue;
            }
            let within_window = same.iter().any(|a| {
                same.iter().any(|b| {
                    a.panel != b.panel && (days_between(a.date, b.date)).abs() <= OVERLAP_DAYS
                })
            });
            let (first, last) = (same[0].date, same[same.len() - 1].date);
            found.push(Overlap {
                child: child.to_string(),
                name: name.clone(),
                kind: "Same question at more than one panel",
                questions: question.label().to_string(),
                hearings: same.iter().map(|d| hearing(d)).collect(),
                first,
                last,
                span: days_between(first, last),
                within_window,
                panels,
            });
        }
        // Different questions heard by different panels close together.
        let mut start = 0;
        while start < heard.len() {
            let window: Vec<&PanelDecision> = heard[start..]
                .iter()
                .take_while(|d| days_between(heard[start].date, d.date) <= OVERLAP_DAYS)
                .copied()
                .collect();
            let panels = distinct_panels(&window);
            let mut questions: Vec<PanelQuestion> = window.iter().map(|d| d.question).collect();
            questions.sort();
            questions.dedup();
            if panels.len() >= 2 && questions.len() >= 2 {
                let (first, last) = (window[0].date, window[window.len() - 1].date);
                found.push(Overlap {
                    child: child.to_string(),
                    name: name.clone(),
                    kind: "Different questions at several panels close together",
                    questions: questions
                        .iter()
                        .map(|q| q.label())
                        .collect::<Vec<_>>()
                        .join("; "),
                    hearings: window.iter().map(|d| hearing(d)).collect(),
                    first,
                    last,
                    span: days_between(first, last),
                    within_window: true,
                    panels,
                });
                start += window.len();
            } else {
                start += 1;
            }
        }
    }
    found.sort_by(|a, b| {
        a.first
            .cmp(&b.first)
            .then(a.child.cmp(&b.child))
            .then(a.kind.cmp(b.kind))
            .then(a.questions.cmp(&b.questions))
    });
    found
}

// ---------------------------------------------------------------- the page

/// A panel in the filter's list.
pub(crate) struct PanelChoice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "panels.html")]
struct PanelsPage {
    nav: Nav,
    errors: Vec<FieldError>,
    as_of: String,
    panel_choices: Vec<PanelChoice>,
    from: String,
    to: String,
    register: Vec<RegisterRow>,
    rows: Vec<DecisionRow>,
    total: usize,
    first: usize,
    last: usize,
    page: usize,
    pages: usize,
    previous: Option<String>,
    next: Option<String>,
    csv: String,
    overlaps: Vec<Overlap>,
    overlaps_total: usize,
    overlap_days: i32,
}

impl FormErrors for PanelsPage {
    fn errors(&self) -> &[FieldError] {
        &self.errors
    }
}

/// The chosen panel's decisions, or every decision (the register counts every panel's).
fn of_panel<'b>(decisions: &[&'b PanelDecision], panel: Option<&str>) -> Vec<&'b PanelDecision> {
    decisions
        .iter()
        .filter(|d| panel.is_none_or(|p| d.panel == p))
        .copied()
        .collect()
}

/// The overlaps that involve the chosen panel (all when none is chosen).
fn overlaps_for(
    borough: &Borough,
    decisions: &[&PanelDecision],
    panel: Option<&str>,
) -> Vec<Overlap> {
    overlaps(borough, decisions)
        .into_iter()
        .filter(|o| panel.is_none_or(|p| o.panels.iter().any(|q| q == p)))
        .collect()
}

async fn panels(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PanelsQuery>,
) -> Result<Response, AppError> {
    user.require(Permission::ViewPanels)?;
    let borough = state.borough().await?;
    let panel_choices = |chosen: &str| -> Vec<PanelChoice> {
        std::iter::once(PanelChoice {
            value: String::new(),
            label: "All panels".into(),
            selected: chosen.is_empty(),
        })
        .chain(borough.organisation.panels.iter().map(|p| PanelChoice {
            value: p.id.clone(),
            label: p.name.clone(),
            selected: chosen == p.id,
        }))
        .collect()
    };
    let mut page_view = PanelsPage {
        nav: Nav::of(&user),
        errors: Vec::new(),
        as_of: format_dmy(borough.as_of),
        panel_choices: panel_choices(query.panel.trim()),
        from: query.from.trim().to_string(),
        to: query.to.trim().to_string(),
        register: Vec::new(),
        rows: Vec::new(),
        total: 0,
        first: 0,
        last: 0,
        page: 1,
        pages: 1,
        previous: None,
        next: None,
        csv: query.with_page(1),
        overlaps: Vec::new(),
        overlaps_total: 0,
        overlap_days: OVERLAP_DAYS,
    };
    let filter = match query.filter(&borough) {
        Ok(filter) => filter,
        Err(errors) => {
            page_view.errors = errors;
            page_view.register = register(
                &borough,
                &decisions(
                    &borough,
                    &user,
                    &Filter {
                        panel: None,
                        from: None,
                        to: None,
                    },
                ),
            );
            let html = page_view.render()?;
            return Ok((StatusCode::BAD_REQUEST, axum::response::Html(html)).into_response());
        }
    };
    let all = decisions(&borough, &user, &filter);
    page_view.register = register(&borough, &all);
    let chosen = of_panel(&all, filter.panel.as_deref());
    let total = chosen.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    page_view.rows = chosen
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|d| DecisionRow::of(&borough, d))
        .collect();
    page_view.first = if total == 0 {
        0
    } else {
        (page - 1) * PAGE_SIZE + 1
    };
    page_view.last = page_view.first + page_view.rows.len().saturating_sub(1);
    page_view.total = total;
    page_view.page = page;
    page_view.pages = pages;
    page_view.previous = (page > 1).then(|| query.with_page(page - 1));
    page_view.next = (page < pages).then(|| query.with_page(page + 1));
    let mut overlaps = overlaps_for(&borough, &all, filter.panel.as_deref());
    page_view.overlaps_total = overlaps.len();
    overlaps.truncate(OVERLAPS_SHOWN);
    page_view.overlaps = overlaps;
    render(&page_view)
}

/// The answer to a download whose dates do not read: refused (400) rather than ignored,
/// so that a download never holds more than was asked for.
fn bad_dates(errors: &[FieldError]) -> Response {
    let text = errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    (StatusCode::BAD_REQUEST, text).into_response()
}

async fn register_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PanelsQuery>,
) -> Result<Response, AppError> {
    user.require(Permission::ViewPanels)?;
    let borough = state.borough().await?;
    let filter = match query.filter(&borough) {
        Ok(filter) => filter,
        Err(errors) => return Ok(bad_dates(&errors)),
    };
    let all = decisions(&borough, &user, &filter);
    let writer = write_csv(
        &[
            "Panel id",
            "Panel",
            "Remit",
            "Chair",
            "Questions it decides",
            "Decisions",
            "Children",
            "Latest decision",
        ],
        register(&borough, &all).into_iter().map(|r| {
            vec![
                r.id,
                r.name,
                r.remit,
                r.chair,
                r.questions,
                r.decisions.to_string(),
                r.children.to_string(),
                r.last,
            ]
        }),
    )?;
    audit(
        &state,
        &user,
        "export_panels",
        format!("web: panel register as CSV ({})", query.with_page(1)),
    )?;
    csv_attachment(&format!("panels-{}.csv", borough.as_of), writer)
}

async fn decisions_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PanelsQuery>,
) -> Result<Response, AppError> {
    user.require(Permission::ViewPanels)?;
    let borough = state.borough().await?;
    let filter = match query.filter(&borough) {
        Ok(filter) => filter,
        Err(errors) => return Ok(bad_dates(&errors)),
    };
    let all = decisions(&borough, &user, &filter);
    let writer = write_csv(
        &[
            "Date",
            "Panel id",
            "Panel",
            "Child",
            "Name",
            "Question",
            "Decision",
            "Conditions",
        ],
        of_panel(&all, filter.panel.as_deref())
            .into_iter()
            .map(|d| {
                let row = DecisionRow::of(&borough, d);
                vec![
                    row.date,
                    row.panel,
                    row.panel_name,
                    row.child,
                    row.name,
                    row.question.to_string(),
                    row.decision,
                    row.conditions,
                ]
            }),
    )?;
    audit(
        &state,
        &user,
        "export_panel_decisions",
        format!("web: panel decisions as CSV ({})", query.with_page(1)),
    )?;
    csv_attachment(&format!("panel-decisions-{}.csv", borough.as_of), writer)
}

async fn overlaps_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PanelsQuery>,
) -> Result<Response, AppError> {
    user.require(Permission::ViewPanels)?;
    let borough = state.borough().await?;
    let filter = match query.filter(&borough) {
        Ok(filter) => filter,
        Err(errors) => return Ok(bad_dates(&errors)),
    };
    let all = decisions(&borough, &user, &filter);
    let writer = write_csv(
        &[
            "Child",
            "Name",
            "Overlap",
            "Questions",
            "Panels and dates",
            "First",
            "Last",
            "Days between first and last",
            "Within the window",
        ],
        overlaps_for(&borough, &all, filter.panel.as_deref())
            .into_iter()
            .map(|o| {
                let (first, last) = (o.first_text(), o.last_text());
                vec![
                    o.child,
                    o.name,
                    o.kind.to_string(),
                    o.questions,
                    o.hearings.join("; "),
                    first,
                    last,
                    o.span.to_string(),
                    if o.within_window { "Yes" } else { "No" }.to_string(),
                ]
            }),
    )?;
    audit(
        &state,
        &user,
        "export_panel_overlaps",
        format!("web: overlapping panels as CSV ({})", query.with_page(1)),
    )?;
    csv_attachment(&format!("panel-overlaps-{}.csv", borough.as_of), writer)
}

#[cfg(test)]
mod tests {
    use permanence_domain::tracker::Organisation;

    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    fn decision(child: &str, panel: &str, date: Date, question: PanelQuestion) -> PanelDecision {
        PanelDecision {
            child: child.into(),
            panel: panel.into(),
            date,
            question,
            decision: "Agreed".into(),
            conditions: None,
        }
    }

    #[test]
    fn overlaps_are_the_same_question_at_two_panels_or_several_panels_close_together() {
        use PanelQuestion::*;
        let borough = Borough::new(
            d(2026, 12, 1),
            vec![],
            Organisation::default(),
            Default::default(),
            vec![],
        );
        let mut all = vec![
            // The same question at two panels, 120 days apart: outside the window.
            decision("A", "PERM", d(2026, 1, 1), PermanencePlan),
            decision("A", "CPX", d(2026, 5, 1), PermanencePlan),
            // Different questions at two panels within 90 days.
            decision("B", "LEGAL", d(2026, 1, 1), LegalGateway),
            decision("B", "RES", d(2026, 2, 1), PlacementResource),
            // "Other" at two panels is not one question; the same panel twice is not an
            // overlap; different questions 100 days apart are not close together.
            decision("C", "FOST", d(2026, 1, 1), Other),
            decision("C", "PERM", d(2026, 1, 2), Other),
            decision("D", "PERM", d(2026, 1, 1), PermanencePlan),
            decision("D", "PERM", d(2026, 2, 1), PermanencePlan),
            decision("E", "LEGAL", d(2026, 1, 1), LegalGateway),
            decision("E", "RES", d(2026, 4, 11), PlacementResource),
        ];
        all.sort_by_key(|d| d.date);
        let refs: Vec<&PanelDecision> = all.iter().collect();
        let found = overlaps(&borough, &refs);
        let summary: Vec<(&str, &str, i32, bool)> = found
            .iter()
            .map(|o| (o.child.as_str(), o.kind, o.span, o.within_window))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("A", "Same question at more than one panel", 120, false),
                (
                    "B",
                    "Different questions at several panels close together",
                    31,
                    true
                ),
            ]
        );
        assert_eq!(
            found[0].hearings,
            vec!["PERM (01/01/2026)", "CPX (01/05/2026)"]
        );
        assert_eq!(found[0].panels, vec!["CPX", "PERM"]);
    }
}
