//! Teams and services: open alerts by team and by worker (the owner of each finding),
//! each team's page with its workers' alerts, and the drift categories (children in
//! each kind of drift, with how long), all filterable by team and downloadable as CSV.
//!
//! An alert counts in the team of its owner (the staff register's team, else the team
//! the owner manages); a child in a drift category counts in the team of their social
//! worker. Children whose record is restricted to other staff are left out of every
//! count and list ([`Borough::may_see`]).

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use permanence_domain::Date;
use permanence_domain::codes::{Code, LegalStatus, Placement};
use permanence_domain::date::{add_months, days_between, format_dmy};
use permanence_domain::tracker::Team;
use permanence_rules::{Finding, Status};
use serde::Deserialize;

use super::{Choice, Nav, Paging, csv_download, query_string, render, safe_cells, staff_label};
use crate::auth::{CurrentUser, Permission, Role};
use crate::borough::Borough;
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/teams", get(teams))
        .route("/teams.csv", get(teams_csv))
        .route("/teams/workers.csv", get(workers_csv))
        .route("/teams/{team}", get(team))
        .route("/teams/{team}/alerts.csv", get(team_alerts_csv))
        .route("/drift", get(drift))
        .route("/drift.csv", get(drift_csv))
}

/// Children younger than this, living in a children's home, form the first drift
/// category (the inspection found children of eight in residential homes for years).
const YOUNG_CHILD_AGE: i32 = 10;
/// Months in care after which a child with no permanence achieved is a drift category.
const LONG_IN_CARE_MONTHS: i32 = 24;
/// Months placed with parents on a care order after which the child is a drift category
/// (the order may no longer be needed, or the plan may have stalled).
const HOME_ON_CARE_ORDER_MONTHS: i32 = 12;
/// Alerts shown per worker on a team's page (the CSV holds them all).
const ALERTS_PER_WORKER: usize = 25;
/// The `team` value that asks for every team (the default for all but team managers).
const ALL_TEAMS: &str = "all";

// ---------------------------------------------------------------- the query

/// The query of the teams and drift pages: a team, a drift category and a page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct TeamsQuery {
    /// A team id, or `all`; absent: the team the user manages, if a team manager.
    #[serde(default)]
    team: Option<String>,
    /// A drift category's id (the drift page).
    #[serde(default)]
    category: String,
    #[serde(default)]
    page: Option<usize>,
}

impl TeamsQuery {
    /// The team chosen, if one: as asked, else a team manager's own team.
    fn team(&self, user: &CurrentUser, borough: &Borough) -> Option<String> {
        let known = |id: &str| borough.organisation.teams.iter().any(|t| t.id == id);
        match self.team.as_deref().map(str::trim) {
            Some(id) if known(id) => Some(id.to_string()),
            Some(_) => None,
            None if user.role == Role::TeamManager => {
                let staff = user.user.staff_id.as_deref()?;
                borough
                    .organisation
                    .teams
                    .iter()
                    .find(|t| t.manager.as_deref() == Some(staff))
                    .map(|t| t.id.clone())
            }
            None => None,
        }
    }

    /// The query string for a team choice, a category and a page.
    fn link(team: Option<&str>, category: &str, page: usize) -> String {
        query_string(
            &[("team", team.unwrap_or(ALL_TEAMS)), ("category", category)],
            page,
        )
    }
}

fn team_choices(borough: &Borough, chosen: Option<&str>) -> Vec<Choice> {
    std::iter::once(Choice {
        value: ALL_TEAMS.into(),
        label: "All teams".into(),
        selected: chosen.is_none(),
    })
    .chain(borough.organisation.teams.iter().map(|t| Choice {
        value: t.id.clone(),
        label: t.name.clone(),
        selected: chosen == Some(t.id.as_str()),
    }))
    .collect()
}

/// The chosen team's name (empty for every team).
fn chosen_name(borough: &Borough, chosen: Option<&str>) -> String {
    chosen
        .and_then(|c| borough.team_name(c))
        .unwrap_or_default()
        .to_string()
}

// ---------------------------------------------------------------- counting alerts

/// The team a member of staff belongs to: theirs in the register, else the team they
/// manage.
fn team_of<'b>(borough: &'b Borough, staff: &str) -> Option<&'b str> {
    borough
        .organisation
        .person(staff)
        .and_then(|p| p.team.as_deref())
        .or_else(|| {
            borough
                .organisation
                .teams
                .iter()
                .find(|t| t.manager.as_deref() == Some(staff))
                .map(|t| t.id.as_str())
        })
}

/// The open alerts the user may see, in the engine's order (most overdue first), each
/// with its owner's team.
fn visible_findings<'b>(
    borough: &'b Borough,
    staff: Option<&str>,
) -> Vec<(&'b Finding, Option<&'b str>)> {
    borough
        .findings
        .iter()
        .filter(|f| borough.may_see(staff, &f.child))
        .map(|f| (f, f.owner.as_deref().and_then(|o| team_of(borough, o))))
        .collect()
}

/// Counts of open alerts.
#[derive(Debug, Default, Clone)]
pub(crate) struct Tally {
    open: usize,
    overdue: usize,
    due_soon: usize,
    cannot_decide: usize,
    /// The most days overdue of any of them.
    oldest: i32,
}

impl Tally {
    fn add(&mut self, finding: &Finding) {
        self.open += 1;
        match finding.status {
            Status::Overdue => self.overdue += 1,
            Status::DueSoon => self.due_soon += 1,
            Status::CannotDecide => self.cannot_decide += 1,
        }
        self.oldest = self.oldest.max(finding.days_overdue);
    }

    /// Oldest first, then most overdue, then most open.
    fn order(
        &self,
    ) -> (
        std::cmp::Reverse<i32>,
        std::cmp::Reverse<usize>,
        std::cmp::Reverse<usize>,
    ) {
        use std::cmp::Reverse;
        (
            Reverse(self.oldest),
            Reverse(self.overdue),
            Reverse(self.open),
        )
    }
}

/// A team's row: its alerts counted.
pub(crate) struct TeamRow {
    /// Empty for the row of alerts with no team.
    id: String,
    name: String,
    service: String,
    manager: String,
    workers: usize,
    tally: Tally,
}

/// A worker's row: the alerts they own, counted.
pub(crate) struct WorkerRow {
    /// Empty for the row of alerts with no owner.
    id: String,
    name: String,
    role: String,
    team: String,
    team_name: String,
    tally: Tally,
}

fn team_rows(
    borough: &Borough,
    alerts: &[(&Finding, Option<&str>)],
    chosen: Option<&str>,
) -> Vec<TeamRow> {
    let mut tallies: HashMap<Option<&str>, (Tally, Vec<&str>)> = HashMap::new();
    for (finding, team) in alerts {
        let entry = tallies.entry(*team).or_default();
        entry.0.add(finding);
        if let Some(owner) = finding.owner.as_deref()
            && !entry.1.contains(&owner)
        {
            entry.1.push(owner);
        }
    }
    let mut rows: Vec<TeamRow> = borough
        .organisation
        .teams
        .iter()
        .filter(|t| chosen.is_none_or(|c| c == t.id))
        .map(|t| {
            let (tally, workers) = tallies.remove(&Some(t.id.as_str())).unwrap_or_default();
            TeamRow {
                id: t.id.clone(),
                name: t.name.clone(),
                service: t.service.clone().unwrap_or_default(),
                manager: t
                    .manager
                    .as_deref()
                    .map(|m| staff_label(borough, m))
                    .unwrap_or_default(),
                workers: workers.len(),
                tally,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        a.tally
            .order()
            .cmp(&b.tally.order())
            .then(a.name.cmp(&b.name))
    });
    if chosen.is_none() {
        // Alerts whose owner is not recorded or in no team: last, so they still add up.
        let (tally, workers) = tallies
            .into_iter()
            .filter(|(team, _)| {
                team.is_none_or(|id| !borough.organisation.teams.iter().any(|t| t.id == id))
            })
            .fold(
                (Tally::default(), 0),
                |(mut sum, workers), (_, (tally, owners))| {
                    sum.open += tally.open;
                    sum.overdue += tally.overdue;
                    sum.due_soon += tally.due_soon;
                    sum.cannot_decide += tally.cannot_decide;
                    sum.oldest = sum.oldest.max(tally.oldest);
                    (sum, workers + owners.len())
                },
            );
        if tally.open > 0 {
            rows.push(TeamRow {
                id: String::new(),
                name: "No team recorded".into(),
                service: String::new(),
                manager: String::new(),
                workers,
                tally,
            });
        }
    }
    rows
}

fn worker_rows(
    borough: &Borough,
    alerts: &[(&Finding, Option<&str>)],
    chosen: Option<&str>,
) -> Vec<WorkerRow> {
    let mut tallies: BTreeMap<Option<&str>, Tally> = BTreeMap::new();
    for (finding, team) in alerts {
        if chosen.is_none_or(|c| *team == Some(c)) {
            tallies
                .entry(finding.owner.as_deref())
                .or_default()
                .add(finding);
        }
    }
    let mut rows: Vec<WorkerRow> = tallies
        .into_iter()
        .map(|(owner, tally)| match owner {
            Some(id) => {
                let person = borough.organisation.person(id);
                let team = team_of(borough, id).unwrap_or_default();
                WorkerRow {
                    id: id.to_string(),
                    name: person
                        .map(|p| p.name.clone())
                        .unwrap_or_else(|| id.to_string()),
                    role: person
                        .map(|p| p.role.label().to_string())
                        .unwrap_or_default(),
                    team: team.to_string(),
                    team_name: borough.team_name(team).unwrap_or_default().to_string(),
                    tally,
                }
            }
            None => WorkerRow {
                id: String::new(),
                name: "No owner recorded".into(),
                role: String::new(),
                team: String::new(),
                team_name: String::new(),
                tally,
            },
        })
        .collect();
    // Oldest first; the row of alerts with no owner last.
    rows.sort_by(|a, b| {
        a.id.is_empty()
            .cmp(&b.id.is_empty())
            .then(a.tally.order().cmp(&b.tally.order()))
            .then(a.name.cmp(&b.name))
    });
    rows
}

// ---------------------------------------------------------------- drift categories

/// A child in a drift category.
pub(crate) struct DriftRow {
    child: String,
    name: String,
    team: String,
    worker: String,
    status: &'static str,
    /// The day the drift began, or the alert fell due.
    since: String,
    /// How long: days in the placement, in care, or overdue.
    days: i32,
    detail: String,
}

/// A drift category and the children in it, oldest first.
pub(crate) struct Category {
    id: String,
    title: String,
    /// What "days" means for this category.
    measure: &'static str,
    rows: Vec<DriftRow>,
}

impl Category {
    fn children(&self) -> usize {
        let mut ids: Vec<&str> = self.rows.iter().map(|r| r.child.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }

    fn longest(&self) -> i32 {
        self.rows.iter().map(|r| r.days).max().unwrap_or(0)
    }
}

/// Every drift category with the children in it that the user may see, in the chosen
/// team: first the ones worked out from journeys and plans, then one per rule with
/// open alerts, in the order of the rule table.
fn categories(borough: &Borough, staff: Option<&str>, chosen: Option<&str>) -> Vec<Category> {
    let as_of = borough.as_of;
    let rows: HashMap<&str, &crate::borough::ChildRow> =
        borough.rows.iter().map(|r| (r.child.as_str(), r)).collect();
    let in_scope = |child: &str| {
        borough.may_see(staff, child)
            && chosen.is_none_or(|c| rows.get(child).and_then(|r| r.team.as_deref()) == Some(c))
    };
    let team_name = |child: &str| {
        rows.get(child)
            .and_then(|r| r.team.as_deref())
            .map(|t| borough.team_name(t).unwrap_or(t).to_string())
            .unwrap_or_default()
    };
    let worker = |child: &str| {
        rows.get(child)
            .and_then(|r| r.social_worker.as_deref())
            .map(|s| staff_label(borough, s))
            .unwrap_or_default()
    };
    let row =
        |child: &str, status: &'static str, since: Date, days: i32, detail: String| DriftRow {
            child: child.to_string(),
            name: borough.child_name(child).unwrap_or_default().to_string(),
            team: team_name(child),
            worker: worker(child),
            status,
            since: format_dmy(since),
            days,
            detail,
        };

    let mut young = Vec::new();
    let mut long_in_care = Vec::new();
    let mut home_on_order = Vec::new();
    for journey in &borough.journeys {
        let child = journey.child();
        if !journey.looked_after_on(as_of) || !in_scope(child) {
            continue;
        }
        let Some(placement) = journey.placement_on(as_of) else {
            continue;
        };
        let age = journey.age_on(as_of);
        if age < YOUNG_CHILD_AGE && placement.place.is_childrens_home() {
            // Back through placements that follow on without a gap, all in homes.
            let index = journey
                .placements
                .iter()
                .rposition(|p| p.covers(as_of))
                .unwrap_or_default();
            let mut since = placement.start;
            for earlier in journey.placements[..index].iter().rev() {
                if earlier.end == Some(since) && earlier.place.is_childrens_home() {
                    since = earlier.start;
                } else {
                    break;
                }
            }
            young.push(row(
                child,
                "In placement",
                placement.start,
                days_between(placement.start, as_of),
                format!(
                    "Aged {age}; {}: {}; in children's homes since {}",
                    placement.place.code(),
                    placement.place.description(),
                    format_dmy(since)
                ),
            ));
        }
        if let Some(period) = journey.period_on(as_of)
            && add_months(period.start, LONG_IN_CARE_MONTHS) <= as_of
        {
            let plan = borough.trackers.get(child).and_then(|t| t.plan_on(as_of));
            let achieved = plan.is_some_and(|p| p.achieved.is_some_and(|a| a <= as_of));
            if !achieved {
                long_in_care.push(row(
                    child,
                    "In care",
                    period.start,
                    days_between(period.start, as_of),
                    match plan {
                        Some(plan) => format!("Plan: {}", plan.primary.label()),
                        None => "No permanence plan recorded".into(),
                    },
                ));
            }
        }
        let legal_status = journey.legal_status_on(as_of);
        if placement.place == Placement::P1
            && matches!(legal_status, Some(LegalStatus::C1 | LegalStatus::C2))
            && add_months(placement.start, HOME_ON_CARE_ORDER_MONTHS) <= as_of
        {
            let ls = legal_status.expect("matched above");
            home_on_order.push(row(
                child,
                "Placed with parents",
                placement.start,
                days_between(placement.start, as_of),
                format!("{}: {}", ls.code(), ls.description()),
            ));
        }
    }
    let mut categories = vec![
        Category {
            id: "young-in-childrens-home".into(),
            title: format!("Children under {YOUNG_CHILD_AGE} living in a children's home (K1, K2)"),
            measure: "Days in this placement",
            rows: young,
        },
        Category {
            id: "long-in-care-no-permanence".into(),
            title: format!(
                "In care over {} years with no permanence achieved",
                LONG_IN_CARE_MONTHS / 12
            ),
            measure: "Days in care",
            rows: long_in_care,
        },
        Category {
            id: "home-on-care-order".into(),
            title: format!(
                "Placed with parents on a care order for over {HOME_ON_CARE_ORDER_MONTHS} months"
            ),
            measure: "Days placed with parents",
            rows: home_on_order,
        },
    ];
    let mut by_rule: BTreeMap<&str, Vec<DriftRow>> = BTreeMap::new();
    for finding in borough.findings.iter().filter(|f| in_scope(&f.child)) {
        let due = finding.due.unwrap_or(as_of);
        by_rule.entry(finding.rule).or_default().push(row(
            &finding.child,
            finding.status.label(),
            due,
            finding.days_overdue,
            finding.evidence_text(),
        ));
    }
    for rule in permanence_rules::rules::all() {
        let info = rule.info();
        if let Some(rows) = by_rule.remove(info.id) {
            categories.push(Category {
                id: info.id.to_string(),
                title: format!("{}: {}", info.id, info.title),
                measure: "Days overdue",
                rows,
            });
        }
    }
    for category in &mut categories {
        category
            .rows
            .sort_by(|a, b| b.days.cmp(&a.days).then(a.child.cmp(&b.child)));
    }
    categories
}

/// A category in the summary table.
pub(crate) struct CategorySummary {
    id: String,
    title: String,
    children: usize,
    alerts: usize,
    longest: i32,
    measure: &'static str,
}

fn summaries(categories: &[Category]) -> Vec<CategorySummary> {
    categories
        .iter()
        .map(|c| CategorySummary {
            id: c.id.clone(),
            title: c.title.clone(),
            children: c.children(),
            alerts: c.rows.len(),
            longest: c.longest(),
            measure: c.measure,
        })
        .collect()
}

// ---------------------------------------------------------------- the teams page

#[derive(Template)]
#[template(path = "teams.html")]
struct TeamsPage {
    nav: Nav,
    as_of: String,
    teams_choice: Vec<Choice>,
    chosen: String,
    chosen_name: String,
    team_rows: Vec<TeamRow>,
    total: Tally,
    workers: Vec<WorkerRow>,
    paging: Paging,
    team_query: String,
    categories: Vec<CategorySummary>,
}

async fn teams(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TeamsQuery>,
) -> Result<Response, AppError> {
    user.require(Permission::ViewTeamOversight)?;
    let borough = state.borough().await?;
    let chosen = query.team(&user, &borough);
    let chosen = chosen.as_deref();
    let alerts = visible_findings(&borough, user.user.staff_id.as_deref());
    let team_rows = team_rows(&borough, &alerts, chosen);
    let mut total = Tally::default();
    for (finding, team) in &alerts {
        if chosen.is_none_or(|c| *team == Some(c)) {
            total.add(finding);
        }
    }
    let workers = worker_rows(&borough, &alerts, chosen);
    let paging = Paging::new(workers.len(), query.page, |page| {
        TeamsQuery::link(chosen, "", page)
    });
    let categories = summaries(&categories(&borough, user.user.staff_id.as_deref(), chosen));
    render(&TeamsPage {
        nav: Nav::of(&user),
        as_of: format_dmy(borough.as_of),
        teams_choice: team_choices(&borough, chosen),
        chosen: chosen.unwrap_or(ALL_TEAMS).to_string(),
        chosen_name: chosen_name(&borough, chosen),
        team_rows,
        total,
        workers: paging.of(workers).collect(),
        paging,
        team_query: TeamsQuery::link(chosen, "", 1),
        categories,
    })
}

fn tally_cells(tally: &Tally) -> [String; 5] {
    [
        tally.open.to_string(),
        tally.overdue.to_string(),
        tally.due_soon.to_string(),
        tally.cannot_decide.to_string(),
        tally.oldest.to_string(),
    ]
}

const TALLY_HEADERS: [&str; 5] = [
    "Open alerts",
    "Overdue",
    "Due soon",
    "Cannot decide",
    "Most days overdue",
];

async fn teams_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TeamsQuery>,
) -> Result<Response, AppError> {
    tally_csv(state, user, query, By::Team).await
}

async fn workers_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TeamsQuery>,
) -> Result<Response, AppError> {
    tally_csv(state, user, query, By::Worker).await
}

/// How open alerts are counted in a download.
enum By {
    Team,
    Worker,
}

/// The open alerts in the chosen team counted by team or by worker, as CSV.
async fn tally_csv(
    state: AppState,
    user: CurrentUser,
    query: TeamsQuery,
    by: By,
) -> Result<Response, AppError> {
    user.require(Permission::ViewTeamOversight)?;
    let borough = state.borough().await?;
    let chosen = query.team(&user, &borough);
    let alerts = visible_findings(&borough, user.user.staff_id.as_deref());
    let (action, what, file, mut columns, rows): (_, _, _, Vec<&str>, Vec<(Vec<String>, Tally)>) =
        match by {
            By::Team => (
                "export_teams",
                "team",
                "teams",
                vec![
                    "Team id",
                    "Team",
                    "Service",
                    "Manager",
                    "Workers with alerts",
                ],
                team_rows(&borough, &alerts, chosen.as_deref())
                    .into_iter()
                    .map(|r| {
                        let cells = vec![r.id, r.name, r.service, r.manager, r.workers.to_string()];
                        (cells, r.tally)
                    })
                    .collect(),
            ),
            By::Worker => (
                "export_team_workers",
                "worker",
                "workers",
                vec!["Staff id", "Worker", "Role", "Team id", "Team"],
                worker_rows(&borough, &alerts, chosen.as_deref())
                    .into_iter()
                    .map(|r| (vec![r.id, r.name, r.role, r.team, r.team_name], r.tally))
                    .collect(),
            ),
        };
    columns.extend(TALLY_HEADERS);
    csv_download(
        &state,
        &user,
        action,
        format!(
            "web: open alerts by {what} as CSV (team {})",
            chosen.as_deref().unwrap_or(ALL_TEAMS)
        ),
        &format!("{file}-{}.csv", borough.as_of),
        &columns,
        rows.into_iter().map(|(mut cells, tally)| {
            cells.extend(tally_cells(&tally));
            safe_cells(cells)
        }),
    )
}

// ---------------------------------------------------------------- a team's page

/// An alert as a row of a worker's table.
pub(crate) struct TeamAlert {
    child: String,
    name: String,
    rule: &'static str,
    title: &'static str,
    status: &'static str,
    status_class: &'static str,
    due: String,
    days_overdue: i32,
    escalated_to: String,
}

impl TeamAlert {
    fn of(borough: &Borough, finding: &Finding) -> TeamAlert {
        TeamAlert {
            child: finding.child.clone(),
            name: borough
                .child_name(&finding.child)
                .unwrap_or_default()
                .to_string(),
            rule: finding.rule,
            title: finding.title,
            status: finding.status.label(),
            status_class: match finding.status {
                Status::Overdue => "app-tag--red",
                Status::DueSoon => "app-tag--yellow",
                Status::CannotDecide => "app-tag--grey",
            },
            due: finding
                .due
                .map(format_dmy)
                .unwrap_or_else(|| "Not known".into()),
            days_overdue: finding.days_overdue,
            escalated_to: escalated_to(finding),
        }
    }
}

/// Who an alert has reached, when beyond its owner.
fn escalated_to(finding: &Finding) -> String {
    if finding.escalated_to == finding.owner_role && finding.escalated_to_person == finding.owner {
        return "Not escalated".into();
    }
    let who = finding
        .escalated_to_name
        .clone()
        .or_else(|| finding.escalated_to_person.clone())
        .unwrap_or_else(|| "no one recorded".into());
    format!("{}: {who}", finding.escalated_to.label())
}

/// A worker of the team and their alerts, oldest first.
pub(crate) struct TeamWorker {
    id: String,
    name: String,
    role: String,
    tally: Tally,
    alerts: Vec<TeamAlert>,
    more: usize,
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage {
    nav: Nav,
    id: String,
    name: String,
    service: String,
    manager: String,
    as_of: String,
    total: Tally,
    workers: Vec<TeamWorker>,
}

async fn team(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Permission::ViewTeamOversight)?;
    let borough = state.borough().await?;
    let team = known_team(&borough, &id)?;
    let members = members(&borough, user.user.staff_id.as_deref(), &team.id);
    let mut total = Tally::default();
    let workers = members
        .into_iter()
        .map(|(staff, alerts)| {
            let person = borough.organisation.person(&staff);
            let mut tally = Tally::default();
            for finding in &alerts {
                tally.add(finding);
                total.add(finding);
            }
            TeamWorker {
                name: person
                    .map(|p| p.name.clone())
                    .unwrap_or_else(|| staff.clone()),
                role: person
                    .map(|p| p.role.label().to_string())
                    .unwrap_or_default(),
                more: alerts.len().saturating_sub(ALERTS_PER_WORKER),
                alerts: alerts
                    .iter()
                    .take(ALERTS_PER_WORKER)
                    .map(|f| TeamAlert::of(&borough, f))
                    .collect(),
                tally,
                id: staff,
            }
        })
        .collect();
    render(&TeamPage {
        nav: Nav::of(&user),
        id: team.id.clone(),
        name: team.name.clone(),
        service: team.service.clone().unwrap_or_default(),
        manager: team
            .manager
            .as_deref()
            .map(|m| staff_label(&borough, m))
            .unwrap_or_default(),
        as_of: format_dmy(borough.as_of),
        total,
        workers,
    })
}

/// The team with the id, or not found.
fn known_team<'b>(borough: &'b Borough, id: &str) -> Result<&'b Team, AppError> {
    borough
        .organisation
        .teams
        .iter()
        .find(|t| t.id == id)
        .ok_or(AppError::NotFound)
}

/// The team's workers (the register's members and any owner counted in the team), each
/// with the alerts they own that the user may see, oldest first; workers with the
/// oldest alerts first.
fn members<'b>(
    borough: &'b Borough,
    staff: Option<&str>,
    team: &str,
) -> Vec<(String, Vec<&'b Finding>)> {
    let mut by_worker: BTreeMap<String, Vec<&Finding>> = borough
        .organisation
        .people
        .iter()
        .filter(|p| p.team.as_deref() == Some(team))
        .map(|p| (p.id.clone(), Vec::new()))
        .collect();
    for (finding, owner_team) in visible_findings(borough, staff) {
        if owner_team == Some(team)
            && let Some(owner) = &finding.owner
        {
            by_worker.entry(owner.clone()).or_default().push(finding);
        }
    }
    let mut workers: Vec<(String, Vec<&Finding>)> = by_worker.into_iter().collect();
    workers.sort_by_key(|(id, alerts)| {
        (
            std::cmp::Reverse(alerts.iter().map(|f| f.days_overdue).max().unwrap_or(-1)),
            std::cmp::Reverse(alerts.len()),
            id.clone(),
        )
    });
    workers
}

async fn team_alerts_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Permission::ViewTeamOversight)?;
    let borough = state.borough().await?;
    let team = known_team(&borough, &id)?;
    let members = members(&borough, user.user.staff_id.as_deref(), &team.id);
    csv_download(
        &state,
        &user,
        "export_team_alerts",
        format!("web: team {}'s alerts as CSV", team.id),
        &format!("team-{}-{}.csv", team.id, borough.as_of),
        &[
            "Staff id",
            "Worker",
            "Child",
            "Rule",
            "Title",
            "Status",
            "Due",
            "Days overdue",
            "Escalated to",
        ],
        members
            .iter()
            .flat_map(|(staff, alerts)| {
                let name = borough.staff_name(staff).unwrap_or_default().to_string();
                alerts.iter().map(move |f| {
                    vec![
                        staff.clone(),
                        name.clone(),
                        f.child.clone(),
                        f.rule.to_string(),
                        f.title.to_string(),
                        f.status.label().to_string(),
                        f.due_text(),
                        f.days_overdue.to_string(),
                        escalated_to(f),
                    ]
                })
            })
            .map(safe_cells),
    )
}

// ---------------------------------------------------------------- the drift page

#[derive(Template)]
#[template(path = "drift.html")]
struct DriftPage {
    nav: Nav,
    as_of: String,
    teams_choice: Vec<Choice>,
    chosen: String,
    chosen_name: String,
    categories: Vec<CategorySummary>,
    category: Option<CategorySummary>,
    rows: Vec<DriftRow>,
    paging: Paging,
    csv: String,
}

async fn drift(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TeamsQuery>,
) -> Result<Response, AppError> {
    user.require(Permission::ViewTeamOversight)?;
    let borough = state.borough().await?;
    let chosen = query.team(&user, &borough);
    let chosen = chosen.as_deref();
    let mut all = categories(&borough, user.user.staff_id.as_deref(), chosen);
    let summary = summaries(&all);
    let selected = all.iter().position(|c| c.id == query.category.trim());
    let (category, rows) = match selected {
        Some(index) => {
            let category = all.swap_remove(index);
            let summary = summaries(std::slice::from_ref(&category)).pop();
            (summary, category.rows)
        }
        None => (None, Vec::new()),
    };
    let category_id = category.as_ref().map(|c| c.id.clone()).unwrap_or_default();
    let paging = Paging::new(rows.len(), query.page, |page| {
        TeamsQuery::link(chosen, &category_id, page)
    });
    render(&DriftPage {
        nav: Nav::of(&user),
        as_of: format_dmy(borough.as_of),
        teams_choice: team_choices(&borough, chosen),
        chosen: chosen.unwrap_or(ALL_TEAMS).to_string(),
        chosen_name: chosen_name(&borough, chosen),
        categories: summary,
        category,
        rows: paging.of(rows).collect(),
        paging,
        csv: TeamsQuery::link(chosen, &category_id, 1),
    })
}

async fn drift_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<TeamsQuery>,
) -> Result<Response, AppError> {
    user.require(Permission::ViewTeamOversight)?;
    let borough = state.borough().await?;
    let chosen = query.team(&user, &borough);
    let wanted = query.category.trim();
    let categories: Vec<Category> =
        categories(&borough, user.user.staff_id.as_deref(), chosen.as_deref())
            .into_iter()
            .filter(|c| wanted.is_empty() || c.id == wanted)
            .collect();
    csv_download(
        &state,
        &user,
        "export_drift",
        format!(
            "web: drift categories as CSV (team {}, category {})",
            chosen.as_deref().unwrap_or(ALL_TEAMS),
            if wanted.is_empty() { "all" } else { wanted }
        ),
        &format!("drift-{}.csv", borough.as_of),
        &[
            "Category id",
            "Category",
            "Child",
            "Name",
            "Team",
            "Social worker",
            "Status",
            "Since or due",
            "Days",
            "Days means",
            "Detail",
        ],
        categories
            .into_iter()
            .flat_map(|c| {
                let (id, title, measure) = (c.id, c.title, c.measure);
                c.rows.into_iter().map(move |r| {
                    vec![
                        id.clone(),
                        title.clone(),
                        r.child,
                        r.name,
                        r.team,
                        r.worker,
                        r.status.to_string(),
                        r.since,
                        r.days.to_string(),
                        measure.to_string(),
                        r.detail,
                    ]
                })
            })
            .map(safe_cells),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use permanence_domain::codes::{
        Placement as Pl, ReasonEpisodeCeased as Rec, ReasonNewEpisode as Rne,
    };
    use permanence_domain::date::add_days;
    use permanence_domain::journey::test_support::{child, episode};
    use permanence_domain::tracker::{
        Allocation, AllocationRole, ChildDetails, ChildTracker, Forum, Organisation,
        PermanenceOption, PermanencePlan, Person, StaffRole, Team,
    };
    use permanence_domain::{ChildRecord, Journey};

    use super::*;

    const AS_OF: Date = Date::constant(2026, 6, 1);

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    fn person(id: &str, role: StaffRole, team: Option<&str>) -> Person {
        Person {
            id: id.into(),
            name: format!("Name of {id}"),
            role,
            team: team.map(String::from),
            manager: None,
            start: None,
            end: None,
        }
    }

    fn organisation() -> Organisation {
        let team = |id: &str, manager: &str| Team {
            id: id.into(),
            name: format!("Team {id}"),
            service: Some("Service".into()),
            manager: Some(manager.into()),
        };
        Organisation {
            people: vec![
                person("SW1", StaffRole::SocialWorker, Some("T1")),
                person("SW2", StaffRole::SocialWorker, Some("T2")),
                // A team manager recorded without a team: counted in the team they manage.
                person("TM1", StaffRole::TeamManager, None),
                person("SM1", StaffRole::ServiceManager, None),
            ],
            teams: vec![team("T1", "TM1"), team("T2", "TM2")],
            ..Organisation::default()
        }
    }

    /// In care from `start` in `place`; then, if given, a move to new carers.
    fn in_care(
        id: &str,
        dob: Date,
        start: Date,
        place: Pl,
        then: Option<(Date, Pl)>,
    ) -> ChildRecord {
        let mut record = child(id, dob);
        match then {
            None => record
                .episodes
                .push(episode(start, Rne::S, place, None, None)),
            Some((moved, next)) => {
                record
                    .episodes
                    .push(episode(start, Rne::S, place, Some(moved), Some(Rec::X1)));
                record
                    .episodes
                    .push(episode(moved, Rne::P, next, None, None));
            }
        }
        record
    }

    fn social_worker(child: &str, person: &str) -> ChildTracker {
        ChildTracker {
            allocations: vec![Allocation {
                child: child.into(),
                role: AllocationRole::SocialWorker,
                person: person.into(),
                team: None,
                start: d(2020, 1, 1),
                end: None,
            }],
            ..ChildTracker::default()
        }
    }

    fn borough(
        records: Vec<ChildRecord>,
        trackers: Vec<(&str, ChildTracker)>,
        findings: Vec<Finding>,
    ) -> Borough {
        Borough::new(
            AS_OF,
            records.into_iter().map(Journey::new).collect(),
            organisation(),
            trackers
                .into_iter()
                .map(|(c, t)| (c.to_string(), t))
                .collect(),
            findings,
        )
    }

    fn category<'c>(categories: &'c [Category], id: &str) -> BTreeMap<&'c str, (i32, &'c str)> {
        categories
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .rows
            .iter()
            .map(|r| (r.child.as_str(), (r.days, r.detail.as_str())))
            .collect()
    }

    #[test]
    fn drift_categories_are_worked_out_from_journeys_and_plans() {
        let achieved = ChildTracker {
            plans: vec![PermanencePlan {
                child: "ACHIEVED".into(),
                decided: d(2023, 1, 1),
                forum: Forum::Review,
                primary: PermanenceOption::LongTermFostering,
                parallel: vec![],
                contingency: None,
                target: None,
                achieved: Some(d(2024, 1, 1)),
                achieved_by: Some(PermanenceOption::LongTermFostering),
            }],
            ..ChildTracker::default()
        };
        let restricted = ChildTracker {
            details: Some(ChildDetails {
                child: "HIDDEN".into(),
                name: "Hidden Child".into(),
                restricted_to: vec!["SW9".into()],
                restriction_reason: Some("Staff member's child".into()),
            }),
            ..ChildTracker::default()
        };
        let b = borough(
            vec![
                // Aged 8, in two children's homes one after the other.
                in_care(
                    "YOUNG",
                    d(2018, 1, 1),
                    d(2025, 1, 1),
                    Pl::K2,
                    Some((d(2025, 9, 1), Pl::K2)),
                ),
                // Aged 10 on the day: not under 10.
                in_care("TEN", d(2016, 6, 1), d(2025, 1, 1), Pl::K2, None),
                // Aged 8, fostered.
                in_care("FOSTERED", d(2018, 1, 1), d(2025, 1, 1), Pl::U4, None),
                // In care since 2023, home with parents on a care order since 2024.
                in_care(
                    "HOME",
                    d(2015, 1, 1),
                    d(2023, 1, 1),
                    Pl::U6,
                    Some((d(2024, 1, 1), Pl::P1)),
                ),
                // In care since 2022 with permanence achieved.
                in_care("ACHIEVED", d(2012, 1, 1), d(2022, 1, 1), Pl::U4, None),
                // Home on a care order for 11 months only; in care 23 months.
                in_care(
                    "RECENT",
                    d(2015, 1, 1),
                    d(2024, 7, 1),
                    Pl::U6,
                    Some((d(2025, 7, 1), Pl::P1)),
                ),
                in_care("HIDDEN", d(2019, 1, 1), d(2025, 1, 1), Pl::K1, None),
            ],
            vec![
                ("YOUNG", social_worker("YOUNG", "SW1")),
                ("HOME", social_worker("HOME", "SW2")),
                ("ACHIEVED", achieved),
                ("HIDDEN", restricted),
            ],
            vec![],
        );
        let all = categories(&b, None, None);
        let young = category(&all, "young-in-childrens-home");
        assert_eq!(young.keys().copied().collect::<Vec<_>>(), vec!["YOUNG"]);
        let (days, detail) = young["YOUNG"];
        assert_eq!(
            days,
            days_between(d(2025, 9, 1), AS_OF),
            "days in this placement"
        );
        assert!(
            detail.contains("in children's homes since 01/01/2025"),
            "{detail}"
        );
        let long = category(&all, "long-in-care-no-permanence");
        assert_eq!(long.keys().copied().collect::<Vec<_>>(), vec!["HOME"]);
        assert_eq!(long["HOME"].0, days_between(d(2023, 1, 1), AS_OF));
        assert_eq!(long["HOME"].1, "No permanence plan recorded");
        let home = category(&all, "home-on-care-order");
        assert_eq!(home.keys().copied().collect::<Vec<_>>(), vec!["HOME"]);
        assert_eq!(home["HOME"].0, days_between(d(2024, 1, 1), AS_OF));

        // The restricted child is seen only by the staff named.
        let named = categories(&b, Some("SW9"), None);
        let young = category(&named, "young-in-childrens-home");
        assert_eq!(
            young.keys().copied().collect::<Vec<_>>(),
            vec!["HIDDEN", "YOUNG"]
        );

        // By team: the child's social worker's team.
        let t2 = categories(&b, None, Some("T2"));
        assert!(category(&t2, "young-in-childrens-home").is_empty());
        assert_eq!(category(&t2, "home-on-care-order").len(), 1);
    }

    fn finding(child: &str, rule: &'static str, owner: Option<&str>, days: i32) -> Finding {
        Finding {
            rule,
            child: child.into(),
            status: if days > 0 {
                Status::Overdue
            } else {
                Status::DueSoon
            },
            due: Some(add_days(AS_OF, -days)),
            days_overdue: days,
            owner_role: permanence_rules::Role::SocialWorker,
            owner: owner.map(String::from),
            owner_name: None,
            escalated_to: permanence_rules::Role::SocialWorker,
            escalated_to_person: owner.map(String::from),
            escalated_to_name: None,
            title: "A rule",
            evidence: vec![],
            decision: None,
            subject: None,
        }
    }

    #[test]
    fn alerts_count_in_their_owners_team_oldest_first() {
        let b = borough(
            vec![in_care("C1", d(2018, 1, 1), d(2025, 1, 1), Pl::U4, None)],
            vec![],
            vec![
                finding("C1", "VIS-02", Some("SW1"), 10),
                finding("C1", "VIS-03", Some("SW1"), 0),
                finding("C1", "PERM-03", Some("TM1"), 40),
                finding("C1", "STAB-02", Some("SM1"), 90),
                finding("C1", "CL-04", None, 5),
            ],
        );
        let alerts = visible_findings(&b, None);
        let teams = team_rows(&b, &alerts, None);
        let summary: Vec<(&str, usize, usize, usize, i32)> = teams
            .iter()
            .map(|t| {
                (
                    t.id.as_str(),
                    t.tally.open,
                    t.tally.overdue,
                    t.tally.due_soon,
                    t.tally.oldest,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![("T1", 3, 2, 1, 40), ("T2", 0, 0, 0, 0), ("", 2, 2, 0, 90)],
            "every team, oldest first; the alerts with no team last"
        );
        assert_eq!(teams[0].workers, 2);
        let workers: Vec<(String, usize, i32)> = worker_rows(&b, &alerts, None)
            .into_iter()
            .map(|w| (w.id, w.tally.open, w.tally.oldest))
            .collect();
        let expected = [("SM1", 1, 90), ("TM1", 1, 40), ("SW1", 2, 10), ("", 1, 5)];
        assert_eq!(
            workers,
            expected.map(|(id, open, oldest)| (id.to_string(), open, oldest))
        );
        let in_t1: Vec<String> = worker_rows(&b, &alerts, Some("T1"))
            .into_iter()
            .map(|w| w.id)
            .collect();
        assert_eq!(in_t1, ["TM1", "SW1"]);
        let members = members(&b, None, "T1");
        let ids: Vec<(&str, usize)> = members
            .iter()
            .map(|(id, a)| (id.as_str(), a.len()))
            .collect();
        assert_eq!(ids, vec![("TM1", 1), ("SW1", 2)]);
        assert_eq!(members[1].1[0].days_overdue, 10, "oldest first");
    }
}
