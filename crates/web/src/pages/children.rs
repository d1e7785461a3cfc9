//! The children list: search by name or id, filters, sortable columns, pages, and a
//! CSV of exactly what it shows (every page of the current selection).
//!
//! Everything works on the rows the borough precomputed ([`ChildRow`]), in memory, so a
//! request over 10,000 children is a filter, a sort and a slice. Children whose record
//! is restricted to other staff are left out before anything else, so they appear in
//! no count, no filter's choices and no download. Filter values come from a query
//! string anyone can edit: a value that is not one of the filter's own (an unknown
//! code, team or member of staff) is ignored, never an error.

use std::cmp::Ordering;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use permanence_domain::codes::{Code, LegalStatus, Placement};
use permanence_domain::date::format_dmy;
use permanence_domain::tracker::PermanenceOption;

use super::{Choice, Nav, Paging, csv_cell, csv_download, query_string, render, staff_label};
use crate::auth::{CurrentUser, Permission};
use crate::borough::{AgeBand, Borough, ChildRow, TimeInCare};
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/children", get(children))
        .route("/children.csv", get(children_csv))
}

/// A column the list sorts by, with the direction it sorts in first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortColumn {
    Child,
    Name,
    Age,
    DaysInCare,
    Alerts,
}

impl SortColumn {
    const ALL: [SortColumn; 5] = [
        SortColumn::Child,
        SortColumn::Name,
        SortColumn::Age,
        SortColumn::DaysInCare,
        SortColumn::Alerts,
    ];

    fn code(self) -> &'static str {
        match self {
            SortColumn::Child => "child",
            SortColumn::Name => "name",
            SortColumn::Age => "age",
            SortColumn::DaysInCare => "days_in_care",
            SortColumn::Alerts => "alerts",
        }
    }

    /// Longest in care and most alerts come first unless asked otherwise.
    fn descending_first(self) -> bool {
        matches!(self, SortColumn::DaysInCare | SortColumn::Alerts)
    }
}

/// Whether to list children looked after on the date, those no longer, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LookedAfter {
    Yes,
    No,
    All,
}

impl LookedAfter {
    fn code(self) -> &'static str {
        match self {
            LookedAfter::Yes => "yes",
            LookedAfter::No => "no",
            LookedAfter::All => "all",
        }
    }
}

/// The children list's query, checked against the borough: every filter holds only a
/// value it knows (anything else was ignored).
#[derive(Debug)]
struct ListQuery<'b> {
    /// The search as typed (trimmed).
    q: String,
    /// The search in lower case.
    q_lower: String,
    looked_after: LookedAfter,
    /// A team id.
    team: Option<&'b str>,
    /// A staff id: children allocated to them, in any role.
    worker: Option<&'b str>,
    /// A staff id: children whose allocated IRO they are.
    iro: Option<&'b str>,
    legal_status: Option<&'static str>,
    placement: Option<&'static str>,
    age: Option<AgeBand>,
    time_in_care: Option<TimeInCare>,
    /// A rule id with an open finding.
    rule: Option<&'static str>,
    plan: Option<PermanenceOption>,
    sort: SortColumn,
    descending: bool,
    /// The page asked for (not yet clamped to the pages there are).
    page: usize,
}

impl<'b> ListQuery<'b> {
    /// Reads the query string's pairs (the first of a repeated name counts), keeping
    /// only values the borough knows.
    fn parse(pairs: &[(String, String)], borough: &'b Borough) -> ListQuery<'b> {
        let get = |name: &str| -> &str {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map_or("", |(_, value)| value.trim())
        };
        let team = get("team");
        let team = borough
            .organisation
            .teams
            .iter()
            .map(|t| t.id.as_str())
            .chain(borough.rows.iter().filter_map(|r| r.team.as_deref()))
            .find(|id| *id == team && !team.is_empty());
        let staff = |id: &str| -> Option<&'b str> {
            if id.is_empty() {
                return None;
            }
            borough
                .organisation
                .person(id)
                .map(|p| p.id.as_str())
                .or_else(|| {
                    borough
                        .rows
                        .iter()
                        .flat_map(|r| &r.allocated)
                        .find(|allocated| *allocated == id)
                        .map(String::as_str)
                })
        };
        let sort = SortColumn::ALL
            .into_iter()
            .find(|c| c.code() == get("sort"))
            .unwrap_or(SortColumn::Child);
        let descending = match get("order") {
            "asc" => false,
            "desc" => true,
            _ => sort.descending_first(),
        };
        let q = get("q").to_string();
        ListQuery {
            q_lower: q.to_lowercase(),
            q,
            looked_after: match get("looked_after") {
                "no" => LookedAfter::No,
                "all" => LookedAfter::All,
                _ => LookedAfter::Yes,
            },
            team,
            worker: staff(get("worker")),
            iro: staff(get("iro")),
            legal_status: LegalStatus::from_code(get("legal_status")).map(Code::code),
            placement: Placement::from_code(get("placement")).map(Code::code),
            age: AgeBand::from_code(get("age")),
            time_in_care: TimeInCare::from_code(get("time_in_care")),
            rule: permanence_rules::find_rule(get("rule"))
                .ok()
                .map(|rule| rule.info().id),
            plan: PermanenceOption::from_code(get("plan")),
            sort,
            descending,
            page: get("page").parse().unwrap_or(1),
        }
    }

    /// Whether a row passes the search and every filter.
    fn matches(&self, r: &ChildRow) -> bool {
        (self.q_lower.is_empty() || r.search_text.contains(&self.q_lower))
            && match self.looked_after {
                LookedAfter::Yes => r.looked_after,
                LookedAfter::No => !r.looked_after,
                LookedAfter::All => true,
            }
            && self.team.is_none_or(|team| r.team.as_deref() == Some(team))
            && self
                .worker
                .is_none_or(|worker| r.allocated.iter().any(|a| a == worker))
            && self.iro.is_none_or(|iro| r.iro.as_deref() == Some(iro))
            && self
                .legal_status
                .is_none_or(|ls| r.legal_status == Some(ls))
            && self
                .placement
                .is_none_or(|place| r.placement == Some(place))
            && self.age.is_none_or(|band| r.age_band == band)
            && self
                .time_in_care
                .is_none_or(|band| r.time_in_care == Some(band))
            && self.rule.is_none_or(|rule| r.open_rules.contains(&rule))
            && self.plan.is_none_or(|plan| r.plan == Some(plan))
    }

    /// The rows the query selects from those the user may see, in its order.
    fn select<'r>(&self, visible: &[&'r ChildRow]) -> Vec<&'r ChildRow> {
        let mut rows: Vec<&ChildRow> = visible
            .iter()
            .copied()
            .filter(|r| self.matches(r))
            .collect();
        let descending = self.descending;
        let ordered = |o: Ordering| if descending { o.reverse() } else { o };
        match self.sort {
            SortColumn::Child => {} // the borough's rows are in id order
            SortColumn::Name => rows.sort_by(|a, b| {
                missing_last(name_of(a), name_of(b), descending).then(a.child.cmp(&b.child))
            }),
            SortColumn::Age => {
                rows.sort_by(|a, b| ordered(a.age.cmp(&b.age)).then(a.child.cmp(&b.child)))
            }
            SortColumn::DaysInCare => rows.sort_by(|a, b| {
                missing_last(a.days_in_care, b.days_in_care, descending).then(a.child.cmp(&b.child))
            }),
            SortColumn::Alerts => rows.sort_by(|a, b| {
                ordered(a.open_alerts.cmp(&b.open_alerts)).then(a.child.cmp(&b.child))
            }),
        }
        if self.sort == SortColumn::Child && descending {
            rows.reverse();
        }
        rows
    }

    /// The query string for these settings, sorted by `sort` in its direction, at
    /// `page`. Only values the filters hold are written, so an ignored value is gone
    /// from every link.
    fn link(&self, sort: SortColumn, descending: bool, page: usize) -> String {
        let plan = self.plan.map(|p| p.code());
        let pairs: [(&str, Option<&str>); 13] = [
            ("q", Some(self.q.as_str())),
            ("looked_after", Some(self.looked_after.code())),
            ("team", self.team),
            ("worker", self.worker),
            ("iro", self.iro),
            ("legal_status", self.legal_status),
            ("placement", self.placement),
            ("age", self.age.map(AgeBand::code)),
            ("time_in_care", self.time_in_care.map(TimeInCare::code)),
            ("rule", self.rule),
            ("plan", plan),
            ("sort", Some(sort.code())),
            (
                "order",
                (descending != sort.descending_first()).then_some(if descending {
                    "desc"
                } else {
                    "asc"
                }),
            ),
        ];
        query_string(&pairs.map(|(k, v)| (k, v.unwrap_or_default())), page)
    }

    /// The query string for these settings at another page.
    fn with_page(&self, page: usize) -> String {
        self.link(self.sort, self.descending, page)
    }
}

/// The row's name in lower case, if it has one.
fn name_of(row: &ChildRow) -> Option<&str> {
    Some(row.name_key.as_str()).filter(|name| !name.is_empty())
}

/// Orders two values ascending or descending, with missing values last either way.
fn missing_last<T: Ord>(a: Option<T>, b: Option<T>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) if descending => y.cmp(&x),
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// A filter shown as a select: "Any", then the values present among the children the
/// user may see (and the chosen value, should no child have it now).
pub(crate) struct SelectFilter {
    name: &'static str,
    label: &'static str,
    choices: Vec<Choice>,
}

impl SelectFilter {
    /// `values` as (value, label) in the order shown.
    fn new(
        name: &'static str,
        label: &'static str,
        chosen: Option<&str>,
        values: Vec<(String, String)>,
    ) -> SelectFilter {
        let mut choices = vec![Choice {
            value: String::new(),
            label: "Any".into(),
            selected: chosen.is_none(),
        }];
        let mut found = false;
        for (value, label) in values {
            let selected = chosen == Some(value.as_str());
            found |= selected;
            choices.push(Choice {
                value,
                label,
                selected,
            });
        }
        if let Some(chosen) = chosen.filter(|_| !found) {
            choices.push(Choice {
                value: chosen.to_string(),
                label: chosen.to_string(),
                selected: true,
            });
        }
        SelectFilter {
            name,
            label,
            choices,
        }
    }
}

/// The distinct values of `of` among `rows`, sorted.
fn present<'r, T: Ord + Copy + 'r>(
    rows: &[&'r ChildRow],
    of: impl Fn(&'r ChildRow) -> Option<T>,
) -> Vec<T> {
    let mut values: Vec<T> = rows.iter().filter_map(|r| of(r)).collect();
    values.sort_unstable();
    values.dedup();
    values
}

/// Staff as choices, by label.
fn staff_choices(borough: &Borough, ids: Vec<&str>) -> Vec<(String, String)> {
    let mut values: Vec<(String, String)> = ids
        .into_iter()
        .map(|id| (id.to_string(), staff_label(borough, id)))
        .collect();
    values.sort_by(|a, b| a.1.cmp(&b.1));
    values
}

fn code_choices<C: Code>(codes: Vec<&'static str>) -> Vec<(String, String)> {
    codes
        .into_iter()
        .map(|code| {
            let description = C::from_code(code)
                .map(|c| c.description())
                .unwrap_or_default();
            (code.to_string(), format!("{code}: {description}"))
        })
        .collect()
}

/// Every filter's select, its choices from the children the user may see.
fn filters(borough: &Borough, query: &ListQuery<'_>, visible: &[&ChildRow]) -> Vec<SelectFilter> {
    let teams = {
        let mut teams: Vec<(String, String)> = present(visible, |r| r.team.as_deref())
            .into_iter()
            .map(|id| {
                let label = borough.team_name(id).unwrap_or(id).to_string();
                (id.to_string(), label)
            })
            .collect();
        teams.sort_by(|a, b| a.1.cmp(&b.1));
        teams
    };
    let workers = present(visible, |r| r.social_worker.as_deref())
        .into_iter()
        .chain(present(visible, |r| r.personal_adviser.as_deref()))
        .collect::<std::collections::BTreeSet<&str>>()
        .into_iter()
        .collect();
    let rules: std::collections::BTreeSet<&'static str> = visible
        .iter()
        .flat_map(|r| r.open_rules.iter().copied())
        .collect();
    // In the rule table's order, with their titles.
    let rules = permanence_rules::rules::all()
        .iter()
        .map(|rule| rule.info())
        .filter(|info| rules.contains(&info.id))
        .map(|info| (info.id.to_string(), format!("{}: {}", info.id, info.title)))
        .collect();
    let ages = present(visible, |r| Some(r.age_band))
        .into_iter()
        .map(|b| (b.code().to_string(), b.label().to_string()))
        .collect();
    let times = present(visible, |r| r.time_in_care)
        .into_iter()
        .map(|b| (b.code().to_string(), b.label().to_string()))
        .collect();
    let plans = present(visible, |r| r.plan)
        .into_iter()
        .map(|p| (p.code().to_string(), p.label().to_string()))
        .collect();
    vec![
        SelectFilter::new("team", "Team", query.team, teams),
        SelectFilter::new(
            "worker",
            "Allocated worker",
            query.worker,
            staff_choices(borough, workers),
        ),
        SelectFilter::new(
            "iro",
            "IRO",
            query.iro,
            staff_choices(borough, present(visible, |r| r.iro.as_deref())),
        ),
        SelectFilter::new(
            "legal_status",
            "Legal status",
            query.legal_status,
            code_choices::<LegalStatus>(present(visible, |r| r.legal_status)),
        ),
        SelectFilter::new(
            "placement",
            "Placement type",
            query.placement,
            code_choices::<Placement>(present(visible, |r| r.placement)),
        ),
        SelectFilter::new("age", "Age", query.age.map(AgeBand::code), ages),
        SelectFilter::new(
            "time_in_care",
            "Time in care",
            query.time_in_care.map(TimeInCare::code),
            times,
        ),
        SelectFilter::new("rule", "Open alert", query.rule, rules),
        SelectFilter::new(
            "plan",
            "Permanence plan",
            query.plan.map(PermanenceOption::code),
            plans,
        ),
    ]
}

/// A row of the list as shown (and as downloaded).
pub(crate) struct ShownRow {
    child: String,
    name: String,
    looked_after: &'static str,
    age: i32,
    legal_status: String,
    placement: String,
    days_in_care: String,
    open_alerts: usize,
    team: String,
    social_worker: String,
    iro: String,
    plan: String,
}

impl ShownRow {
    fn of(row: &ChildRow, borough: &Borough) -> ShownRow {
        let staff = |id: &Option<String>| {
            id.as_deref()
                .map(|id| staff_label(borough, id))
                .unwrap_or_default()
        };
        ShownRow {
            child: row.child.clone(),
            name: row.name.clone().unwrap_or_default(),
            looked_after: if row.looked_after { "Yes" } else { "No" },
            age: row.age,
            legal_status: row.legal_status.unwrap_or("").to_string(),
            placement: row.placement.unwrap_or("").to_string(),
            days_in_care: row.days_in_care.map(|d| d.to_string()).unwrap_or_default(),
            open_alerts: row.open_alerts,
            team: row
                .team
                .as_deref()
                .map(|id| borough.team_name(id).unwrap_or(id).to_string())
                .unwrap_or_default(),
            social_worker: staff(&row.social_worker),
            iro: staff(&row.iro),
            plan: row.plan.map(|p| p.label().to_string()).unwrap_or_default(),
        }
    }
}

/// A sortable column's header: a link that sorts by it (or turns its order round).
pub(crate) struct SortHeader {
    label: &'static str,
    href: String,
    /// `ascending`, `descending` or `none`, for `aria-sort`.
    aria_sort: &'static str,
    numeric: bool,
}

/// The headers of the sortable columns.
pub(crate) struct SortHeaders {
    child: SortHeader,
    name: SortHeader,
    age: SortHeader,
    days_in_care: SortHeader,
    alerts: SortHeader,
}

fn sort_headers(query: &ListQuery<'_>) -> SortHeaders {
    let [child, name, age, days_in_care, alerts] = SortColumn::ALL.map(|column| {
        let current = column == query.sort;
        let descending = if current {
            !query.descending
        } else {
            column.descending_first()
        };
        SortHeader {
            label: match column {
                SortColumn::Child => "Child",
                SortColumn::Name => "Name",
                SortColumn::Age => "Age",
                SortColumn::DaysInCare => "Days in care",
                SortColumn::Alerts => "Open alerts",
            },
            href: query.link(column, descending, 1),
            aria_sort: match (current, query.descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            },
            numeric: matches!(
                column,
                SortColumn::Age | SortColumn::DaysInCare | SortColumn::Alerts
            ),
        }
    });
    SortHeaders {
        child,
        name,
        age,
        days_in_care,
        alerts,
    }
}

#[derive(Template)]
#[template(path = "children.html")]
struct ChildrenPage {
    nav: Nav,
    q: String,
    looked_after: &'static str,
    sort: &'static str,
    /// The order, when it is not the column's usual one.
    order: &'static str,
    worker: String,
    filters: Vec<SelectFilter>,
    headers: SortHeaders,
    rows: Vec<ShownRow>,
    paging: Paging,
    csv: String,
    as_of: String,
}

/// The rows the user may see: a record restricted to other staff is not there at all.
fn visible_rows<'b>(borough: &'b Borough, user: &CurrentUser) -> Vec<&'b ChildRow> {
    let staff_id = user.user.staff_id.as_deref();
    borough
        .rows
        .iter()
        .filter(|r| r.visible_to(staff_id))
        .collect()
}

async fn children(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    user.require(Permission::ReadChildren)?;
    let borough = state.borough().await?;
    let visible = visible_rows(&borough, &user);
    let query = ListQuery::parse(&pairs, &borough);
    let selected = query.select(&visible);
    let paging = Paging::new(selected.len(), Some(query.page), |page| {
        query.with_page(page)
    });
    let shown: Vec<ShownRow> = paging
        .of(&selected)
        .map(|r| ShownRow::of(r, &borough))
        .collect();
    let page_view = ChildrenPage {
        nav: Nav::of(&user),
        q: query.q.clone(),
        looked_after: query.looked_after.code(),
        sort: query.sort.code(),
        order: if query.descending == query.sort.descending_first() {
            ""
        } else if query.descending {
            "desc"
        } else {
            "asc"
        },
        worker: query.worker.unwrap_or_default().to_string(),
        filters: filters(&borough, &query, &visible),
        headers: sort_headers(&query),
        rows: shown,
        paging,
        csv: query.with_page(1),
        as_of: format_dmy(borough.as_of),
    };
    render(&page_view)
}

/// The CSV's columns: the list's, then who and what the list's filters look at.
const CSV_HEADER: [&str; 12] = [
    "Child",
    "Looked after",
    "Age",
    "Legal status",
    "Placement type",
    "Days in care",
    "Open alerts",
    "Name",
    "Team",
    "Social worker",
    "IRO",
    "Primary plan",
];

async fn children_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    user.require(Permission::ReadChildren)?;
    let borough = state.borough().await?;
    let visible = visible_rows(&borough, &user);
    let query = ListQuery::parse(&pairs, &borough);
    csv_download(
        &state,
        &user,
        "export_children",
        format!("web: children list as CSV ({})", query.with_page(1)),
        &format!("children-{}.csv", borough.as_of),
        &CSV_HEADER,
        query.select(&visible).into_iter().map(|row| {
            let row = ShownRow::of(row, &borough);
            vec![
                row.child,
                row.looked_after.to_string(),
                row.age.to_string(),
                row.legal_status,
                row.placement,
                row.days_in_care,
                row.open_alerts.to_string(),
                csv_cell(row.name),
                csv_cell(row.team),
                csv_cell(row.social_worker),
                csv_cell(row.iro),
                row.plan,
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_values_sort_last_in_either_direction() {
        let mut values = vec![Some(2), None, Some(5), Some(1)];
        values.sort_by(|a, b| missing_last(*a, *b, false));
        assert_eq!(values, [Some(1), Some(2), Some(5), None]);
        values.sort_by(|a, b| missing_last(*a, *b, true));
        assert_eq!(values, [Some(5), Some(2), Some(1), None]);
    }
}
