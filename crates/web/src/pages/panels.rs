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

use super::{
    Choice, FieldError, FormErrors, Nav, Paging, csv_download, date_range, query_string, render,
    safe_cells, staff_label,
};
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
        let (from, to) = date_range(&self.from, &self.to)?;
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
        query_string(
            &[
                ("panel", self.panel.trim()),
                ("from", self.from.trim()),
                ("to", self.to.trim()),
            ],
            page,
        )
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
                    .map(|c| staff_label(borough, c))
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

#[derive(Template)]
#[template(path = "panels.html")]
struct PanelsPage {
    nav: Nav,
    errors: Vec<FieldError>,
    as_of: String,
    panel_choices: Vec<Choice>,
    from: String,
    to: String,
    register: Vec<RegisterRow>,
    rows: Vec<DecisionRow>,
    paging: Paging,
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
    let panel_choices = |chosen: &str| -> Vec<Choice> {
        std::iter::once(Choice {
            value: String::new(),
            label: "All panels".into(),
            selected: chosen.is_empty(),
        })
        .chain(borough.organisation.panels.iter().map(|p| Choice {
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
        paging: Paging::empty(),
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
    let paging = Paging::new(chosen.len(), query.page, |page| query.with_page(page));
    page_view.rows = paging
        .of(&chosen)
        .map(|d| DecisionRow::of(&borough, d))
        .collect();
    page_view.paging = paging;
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
    download(state, user, query, Table::Register).await
}

async fn decisions_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PanelsQuery>,
) -> Result<Response, AppError> {
    download(state, user, query, Table::Decisions).await
}

async fn overlaps_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PanelsQuery>,
) -> Result<Response, AppError> {
    download(state, user, query, Table::Overlaps).await
}

/// The tables of the page that download.
enum Table {
    Register,
    Decisions,
    Overlaps,
}

/// A table of the page as CSV, for the query's panel and days.
async fn download(
    state: AppState,
    user: CurrentUser,
    query: PanelsQuery,
    table: Table,
) -> Result<Response, AppError> {
    user.require(Permission::ViewPanels)?;
    let borough = state.borough().await?;
    let filter = match query.filter(&borough) {
        Ok(filter) => filter,
        Err(errors) => return Ok(bad_dates(&errors)),
    };
    let all = decisions(&borough, &user, &filter);
    let panel = filter.panel.as_deref();
    let (action, what, file, columns, rows): (_, _, _, &[&str], Vec<Vec<String>>) = match table {
        Table::Register => (
            "export_panels",
            "panel register",
            "panels",
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
            register(&borough, &all)
                .into_iter()
                .map(|r| {
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
                })
                .collect(),
        ),
        Table::Decisions => (
            "export_panel_decisions",
            "panel decisions",
            "panel-decisions",
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
            of_panel(&all, panel)
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
                })
                .collect(),
        ),
        Table::Overlaps => (
            "export_panel_overlaps",
            "overlapping panels",
            "panel-overlaps",
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
            overlaps_for(&borough, &all, panel)
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
                })
                .collect(),
        ),
    };
    csv_download(
        &state,
        &user,
        action,
        format!("web: {what} as CSV ({})", query.with_page(1)),
        &format!("{file}-{}.csv", borough.as_of),
        columns,
        rows.into_iter().map(safe_cells),
    )
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
