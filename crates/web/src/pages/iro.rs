//! The IRO page: an independent reviewing officer's children (allocated as IRO on the
//! evaluation date) with their last review, next review due and review timeliness (the
//! REV-* alerts), and the IRO's open challenges by stage. An IRO sees their own; IRO
//! managers and heads of service see every IRO's counts and can open each. Children
//! whose record is restricted to other staff are left out ([`Borough::may_see`]).

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use permanence_domain::Date;
use permanence_domain::codes::Code;
use permanence_domain::date::{add_days, add_months, days_between, format_dmy};
use permanence_domain::tracker::{ChallengeStage, StaffRole};
use permanence_rules::Status;

use super::{Nav, csv_download, render, safe_cells};
use crate::auth::{CurrentUser, Permission};
use crate::borough::Borough;
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/iro", get(iro))
        .route("/iro.csv", get(iro_csv))
        .route("/iro/{staff}", get(one_iro))
        .route("/iro/{staff}/children.csv", get(children_csv))
        .route("/iro/{staff}/challenges.csv", get(challenges_csv))
}

/// The review rules whose alerts say whether a child's reviews are on time.
const REVIEW_RULES: &str = "REV-";

// ---------------------------------------------------------------- an IRO's caseload

/// A review alert about a child.
pub(crate) struct ReviewAlert {
    rule: &'static str,
    title: &'static str,
    status: &'static str,
    status_class: &'static str,
    days_overdue: i32,
    level: Status,
}

/// A child allocated to the IRO.
pub(crate) struct IroChild {
    child: String,
    name: String,
    age: i32,
    placement: String,
    last_review: String,
    next_review: String,
    /// For ordering: the next review's due date as known or estimated.
    next_review_key: Option<Date>,
    alerts: Vec<ReviewAlert>,
}

impl IroChild {
    fn timeliness(&self) -> String {
        if self.alerts.is_empty() {
            "On time".into()
        } else {
            self.alerts
                .iter()
                .map(|a| {
                    if a.days_overdue > 0 {
                        format!("{} {} ({} days)", a.rule, a.status, a.days_overdue)
                    } else {
                        format!("{} {}", a.rule, a.status)
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        }
    }
}

/// An open IRO challenge.
pub(crate) struct OpenChallenge {
    id: String,
    child: String,
    name: String,
    category: &'static str,
    raised: String,
    stage: &'static str,
    stage_started: String,
    response_due: String,
    response_overdue: bool,
    days_open: i32,
    cafcass: String,
}

/// Open challenges at one stage.
pub(crate) struct StageCount {
    stage: &'static str,
    open: usize,
    response_overdue: usize,
}

/// The IRO's children the user may see, the next review due first.
fn caseload(borough: &Borough, staff: Option<&str>, iro: &str) -> Vec<IroChild> {
    let as_of = borough.as_of;
    let mut children: Vec<IroChild> = borough
        .rows
        .iter()
        .filter(|r| r.iro.as_deref() == Some(iro) && borough.may_see(staff, &r.child))
        .filter_map(|row| {
            let journey = borough.journey(&row.child)?;
            let alerts: Vec<_> = borough
                .findings_for(&row.child)
                .filter(|f| f.rule.starts_with(REVIEW_RULES))
                .collect();
            let mut reviews: Vec<Date> = journey
                .record
                .reviews
                .iter()
                .map(|r| r.review)
                .filter(|d| *d <= as_of)
                .collect();
            reviews.sort_unstable();
            reviews.dedup();
            // The review cycle's alert knows the next review's due date best (it allows
            // for data loaded only from some date); without one, count from the reviews
            // of the current period: the first within 20 working days of its start, the
            // second within three months of the first, then every six months.
            let cycle = alerts
                .iter()
                .filter(|f| matches!(f.rule, "REV-01" | "REV-02" | "REV-03"))
                .find_map(|f| f.due);
            let (next_review, key) = match (cycle, journey.period_on(as_of)) {
                (Some(due), _) => (format_dmy(due), Some(due)),
                (None, None) => ("Not looked after".to_string(), None),
                (None, Some(period)) => {
                    let in_period: Vec<&Date> =
                        reviews.iter().filter(|d| **d >= period.start).collect();
                    match in_period.as_slice() {
                        [] => (
                            format!("Within 20 working days of {}", format_dmy(period.start)),
                            Some(add_days(period.start, 28)),
                        ),
                        [only] => {
                            let due = add_months(**only, 3);
                            (format_dmy(due), Some(due))
                        }
                        [.., last] => {
                            let due = add_months(**last, 6);
                            (format_dmy(due), Some(due))
                        }
                    }
                }
            };
            Some(IroChild {
                child: row.child.clone(),
                name: row.name.clone().unwrap_or_default(),
                age: row.age,
                placement: journey
                    .placement_on(as_of)
                    .map(|p| format!("{}: {}", p.place.code(), p.place.description()))
                    .unwrap_or_default(),
                last_review: reviews
                    .last()
                    .map(|d| format_dmy(*d))
                    .unwrap_or_else(|| "None recorded".into()),
                next_review,
                next_review_key: key,
                alerts: alerts
                    .iter()
                    .map(|f| ReviewAlert {
                        rule: f.rule,
                        title: f.title,
                        status: f.status.label(),
                        status_class: match f.status {
                            Status::Overdue => "app-tag--red",
                            Status::DueSoon => "app-tag--yellow",
                            Status::CannotDecide => "app-tag--grey",
                        },
                        days_overdue: f.days_overdue,
                        level: f.status,
                    })
                    .collect(),
            })
        })
        .collect();
    children.sort_by(|a, b| {
        let overdue = |c: &IroChild| c.alerts.iter().map(|a| a.days_overdue).max().unwrap_or(0);
        overdue(b)
            .cmp(&overdue(a))
            .then(
                a.next_review_key
                    .is_none()
                    .cmp(&b.next_review_key.is_none()),
            )
            .then(a.next_review_key.cmp(&b.next_review_key))
            .then(a.child.cmp(&b.child))
    });
    children
}

/// The IRO's open challenges about children the user may see, the oldest first.
fn open_challenges(borough: &Borough, staff: Option<&str>, iro: &str) -> Vec<OpenChallenge> {
    let as_of = borough.as_of;
    let mut open: Vec<(Date, OpenChallenge)> = Vec::new();
    for (child, tracker) in &borough.trackers {
        if !borough.may_see(staff, child) {
            continue;
        }
        for (challenge, steps) in &tracker.challenges {
            if challenge.iro != iro
                || challenge.raised > as_of
                || challenge.resolved.is_some_and(|r| r <= as_of)
            {
                continue;
            }
            let latest = steps
                .iter()
                .filter(|s| s.started <= as_of)
                .max_by_key(|s| (s.started, s.stage));
            let responded = |s: &&permanence_domain::tracker::ChallengeStep| {
                s.responded.is_some_and(|r| r <= as_of)
            };
            open.push((
                challenge.raised,
                OpenChallenge {
                    id: challenge.id.clone(),
                    child: child.clone(),
                    name: borough.child_name(child).unwrap_or_default().to_string(),
                    category: challenge.category.label(),
                    raised: format_dmy(challenge.raised),
                    stage: latest.map_or("No stage recorded", |s| s.stage.label()),
                    stage_started: latest.map(|s| format_dmy(s.started)).unwrap_or_default(),
                    response_due: latest
                        .map(|s| {
                            if responded(&s) {
                                "Responded".into()
                            } else {
                                format_dmy(s.response_due)
                            }
                        })
                        .unwrap_or_default(),
                    response_overdue: latest
                        .is_some_and(|s| !responded(&s) && s.response_due < as_of),
                    days_open: days_between(challenge.raised, as_of),
                    cafcass: challenge
                        .cafcass_referral
                        .filter(|d| *d <= as_of)
                        .map(format_dmy)
                        .unwrap_or_default(),
                },
            ));
        }
    }
    open.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    open.into_iter().map(|(_, c)| c).collect()
}

fn by_stage(challenges: &[OpenChallenge]) -> Vec<StageCount> {
    let stages = ChallengeStage::ALL
        .iter()
        .map(|s| s.label())
        .chain(std::iter::once("No stage recorded"));
    stages
        .map(|stage| StageCount {
            stage,
            open: challenges.iter().filter(|c| c.stage == stage).count(),
            response_overdue: challenges
                .iter()
                .filter(|c| c.stage == stage && c.response_overdue)
                .count(),
        })
        .filter(|s| s.open > 0 || s.stage != "No stage recorded")
        .collect()
}

// ---------------------------------------------------------------- every IRO

/// An IRO's counts, for IRO managers.
pub(crate) struct IroSummary {
    id: String,
    name: String,
    team: String,
    children: usize,
    reviews_overdue: usize,
    reviews_due_soon: usize,
    oldest_review: i32,
    challenges: usize,
    responses_overdue: usize,
}

/// The IROs: staff in the IRO role and anyone allocated to a child as IRO.
fn iro_ids(borough: &Borough) -> Vec<String> {
    let mut ids: Vec<String> = borough
        .organisation
        .people
        .iter()
        .filter(|p| p.role == StaffRole::Iro)
        .map(|p| p.id.clone())
        .chain(borough.rows.iter().filter_map(|r| r.iro.clone()))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

fn summaries(borough: &Borough, staff: Option<&str>) -> Vec<IroSummary> {
    let mut rows: Vec<IroSummary> = iro_ids(borough)
        .into_iter()
        .map(|id| {
            let children = caseload(borough, staff, &id);
            let challenges = open_challenges(borough, staff, &id);
            let review_alerts = || children.iter().flat_map(|c| c.alerts.iter());
            let person = borough.organisation.person(&id);
            IroSummary {
                name: person.map(|p| p.name.clone()).unwrap_or_else(|| id.clone()),
                team: person
                    .and_then(|p| p.team.as_deref())
                    .map(|t| borough.team_name(t).unwrap_or(t).to_string())
                    .unwrap_or_default(),
                children: children.len(),
                reviews_overdue: children
                    .iter()
                    .filter(|c| c.alerts.iter().any(|a| a.level == Status::Overdue))
                    .count(),
                reviews_due_soon: children
                    .iter()
                    .filter(|c| c.alerts.iter().any(|a| a.level == Status::DueSoon))
                    .count(),
                oldest_review: review_alerts().map(|a| a.days_overdue).max().unwrap_or(0),
                responses_overdue: challenges.iter().filter(|c| c.response_overdue).count(),
                challenges: challenges.len(),
                id,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.oldest_review
            .cmp(&a.oldest_review)
            .then(b.reviews_overdue.cmp(&a.reviews_overdue))
            .then(b.responses_overdue.cmp(&a.responses_overdue))
            .then(a.name.cmp(&b.name))
    });
    rows
}

// ---------------------------------------------------------------- pages

#[derive(Template)]
#[template(path = "iro.html")]
struct IroPage {
    nav: Nav,
    as_of: String,
    /// Every IRO's counts (IRO managers' view of `/iro`), else empty.
    summary: Vec<IroSummary>,
    managing: bool,
    /// Looked-after children with no IRO allocated (IRO managers' view).
    unallocated: usize,
    /// The IRO shown (an IRO's own page, or one opened by a manager).
    iro: Option<IroView>,
    /// An IRO whose account is not linked to a member of staff.
    unlinked: bool,
}

/// One IRO's caseload and challenges.
pub(crate) struct IroView {
    id: String,
    name: String,
    own: bool,
    children: Vec<IroChild>,
    reviews_overdue: usize,
    challenges: Vec<OpenChallenge>,
    stages: Vec<StageCount>,
}

fn view(borough: &Borough, user: &CurrentUser, id: &str) -> IroView {
    let children = caseload(borough, user.user.staff_id.as_deref(), id);
    let challenges = open_challenges(borough, user.user.staff_id.as_deref(), id);
    IroView {
        id: id.to_string(),
        name: borough.staff_name(id).unwrap_or(id).to_string(),
        own: user.user.staff_id.as_deref() == Some(id),
        reviews_overdue: children
            .iter()
            .filter(|c| c.alerts.iter().any(|a| a.days_overdue > 0))
            .count(),
        stages: by_stage(&challenges),
        children,
        challenges,
    }
}

/// `/iro`: an IRO's own children, or every IRO for those who manage them.
async fn iro(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require(Permission::ViewIroOversight)?;
    let borough = state.borough().await?;
    let managing = user.role.can(Permission::ViewEveryIro);
    let staff = user.user.staff_id.clone().filter(|s| !s.is_empty());
    let page = if managing {
        IroPage {
            nav: Nav::of(&user),
            as_of: format_dmy(borough.as_of),
            summary: summaries(&borough, user.user.staff_id.as_deref()),
            managing,
            unallocated: borough
                .rows
                .iter()
                .filter(|r| {
                    r.looked_after
                        && r.iro.is_none()
                        && borough.may_see(user.user.staff_id.as_deref(), &r.child)
                })
                .count(),
            iro: None,
            unlinked: false,
        }
    } else {
        IroPage {
            nav: Nav::of(&user),
            as_of: format_dmy(borough.as_of),
            summary: Vec::new(),
            managing,
            unallocated: 0,
            unlinked: staff.is_none(),
            iro: staff.map(|id| view(&borough, &user, &id)),
        }
    };
    render(&page)
}

/// Whether `id` is an IRO the borough knows (in the IRO role, or allocated as one).
fn known_iro(borough: &Borough, id: &str) -> bool {
    borough
        .organisation
        .person(id)
        .is_some_and(|p| p.role == StaffRole::Iro)
        || borough.rows.iter().any(|r| r.iro.as_deref() == Some(id))
}

/// Refuses unless the user may see this IRO: their own, or any for IRO managers.
fn may_open(user: &CurrentUser, id: &str) -> Result<(), AppError> {
    user.require(Permission::ViewIroOversight)?;
    if user.role.can(Permission::ViewEveryIro) || user.user.staff_id.as_deref() == Some(id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// `/iro/{staff}`: one IRO's children and challenges.
async fn one_iro(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let borough = open_iro(&state, &user, &id).await?;
    render(&IroPage {
        nav: Nav::of(&user),
        as_of: format_dmy(borough.as_of),
        summary: Vec::new(),
        managing: user.role.can(Permission::ViewEveryIro),
        unallocated: 0,
        iro: Some(view(&borough, &user, &id)),
        unlinked: false,
    })
}

/// The columns of a download of an IRO's children.
const CHILDREN_COLUMNS: [&str; 7] = [
    "Child",
    "Name",
    "Age",
    "Placement",
    "Last review",
    "Next review due",
    "Review timeliness",
];

/// An IRO's child as a row of a download.
fn child_cells(c: IroChild) -> Vec<String> {
    let timeliness = c.timeliness();
    safe_cells(vec![
        c.child,
        c.name,
        c.age.to_string(),
        c.placement,
        c.last_review,
        c.next_review,
        timeliness,
    ])
}

/// `/iro.csv`: what `/iro` shows: every IRO's counts, or an IRO's own children.
async fn iro_csv(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require(Permission::ViewIroOversight)?;
    let borough = state.borough().await?;
    let staff = user.user.staff_id.as_deref();
    let (columns, rows): (&[&str], Vec<Vec<String>>) = if user.role.can(Permission::ViewEveryIro) {
        (
            &[
                "Staff id",
                "IRO",
                "Team",
                "Children",
                "Children with a review overdue",
                "Children with a review due soon",
                "Most days overdue",
                "Open challenges",
                "Challenge responses overdue",
            ],
            summaries(&borough, staff)
                .into_iter()
                .map(|s| {
                    safe_cells(vec![
                        s.id,
                        s.name,
                        s.team,
                        s.children.to_string(),
                        s.reviews_overdue.to_string(),
                        s.reviews_due_soon.to_string(),
                        s.oldest_review.to_string(),
                        s.challenges.to_string(),
                        s.responses_overdue.to_string(),
                    ])
                })
                .collect(),
        )
    } else {
        let children = match staff.filter(|s| !s.is_empty()) {
            Some(id) => caseload(&borough, staff, id),
            None => Vec::new(),
        };
        (
            &CHILDREN_COLUMNS,
            children.into_iter().map(child_cells).collect(),
        )
    };
    csv_download(
        &state,
        &user,
        "export_iro",
        "web: IRO page as CSV".into(),
        &format!("iro-{}.csv", borough.as_of),
        columns,
        rows,
    )
}

/// The borough, once the user may open IRO `id` and the borough knows them.
async fn open_iro(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Arc<Borough>, AppError> {
    may_open(user, id)?;
    let borough = state.borough().await?;
    if !known_iro(&borough, id) {
        return Err(AppError::NotFound);
    }
    Ok(borough)
}

/// `/iro/{staff}/children.csv`: one IRO's children.
async fn children_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let borough = open_iro(&state, &user, &id).await?;
    csv_download(
        &state,
        &user,
        "export_iro_children",
        format!("web: IRO {id}'s children as CSV"),
        &format!("iro-{id}-children-{}.csv", borough.as_of),
        &CHILDREN_COLUMNS,
        caseload(&borough, user.user.staff_id.as_deref(), &id)
            .into_iter()
            .map(child_cells),
    )
}

/// `/iro/{staff}/challenges.csv`: one IRO's open challenges.
async fn challenges_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let borough = open_iro(&state, &user, &id).await?;
    csv_download(
        &state,
        &user,
        "export_iro_challenges",
        format!("web: IRO {id}'s open challenges as CSV"),
        &format!("iro-{id}-challenges-{}.csv", borough.as_of),
        &[
            "Challenge",
            "Child",
            "Name",
            "About",
            "Raised",
            "Stage",
            "Stage reached",
            "Response due",
            "Response overdue",
            "Days open",
            "Referred to Cafcass",
        ],
        open_challenges(&borough, user.user.staff_id.as_deref(), &id)
            .into_iter()
            .map(|c| {
                safe_cells(vec![
                    c.id,
                    c.child,
                    c.name,
                    c.category.to_string(),
                    c.raised,
                    c.stage.to_string(),
                    c.stage_started,
                    c.response_due,
                    if c.response_overdue { "Yes" } else { "No" }.to_string(),
                    c.days_open.to_string(),
                    c.cafcass,
                ])
            }),
    )
}

#[cfg(test)]
mod tests {
    use permanence_domain::Journey;
    use permanence_domain::codes::{Placement, ReasonNewEpisode};
    use permanence_domain::journey::test_support::{child, episode};
    use permanence_domain::record::Review;
    use permanence_domain::tracker::{
        Allocation, AllocationRole, ChallengeCategory, ChallengeStep, ChildTracker, IroChallenge,
        Organisation,
    };

    use super::*;

    const AS_OF: Date = Date::constant(2026, 6, 1);

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    fn challenge(id: &str, iro: &str, raised: Date, resolved: Option<Date>) -> IroChallenge {
        IroChallenge {
            id: id.into(),
            child: "C1".into(),
            iro: iro.into(),
            raised,
            category: ChallengeCategory::DriftAndDelay,
            resolved,
            cafcass_referral: None,
        }
    }

    fn step(
        id: &str,
        stage: ChallengeStage,
        started: Date,
        responded: Option<Date>,
    ) -> ChallengeStep {
        ChallengeStep {
            challenge: id.into(),
            stage,
            started,
            response_due: add_days(started, 7),
            responded,
            response: None,
        }
    }

    fn borough(reviews: &[Date]) -> Borough {
        let mut record = child("C1", d(2016, 1, 1));
        record.episodes.push(episode(
            d(2025, 1, 6),
            ReasonNewEpisode::S,
            Placement::U4,
            None,
            None,
        ));
        record.reviews = reviews
            .iter()
            .map(|date| Review {
                review: *date,
                review_code: None,
            })
            .collect();
        let tracker = ChildTracker {
            allocations: vec![Allocation {
                child: "C1".into(),
                role: AllocationRole::Iro,
                person: "IRO1".into(),
                team: None,
                start: d(2025, 1, 6),
                end: None,
            }],
            challenges: vec![
                (
                    challenge("CH1", "IRO1", d(2026, 4, 1), None),
                    vec![
                        step(
                            "CH1",
                            ChallengeStage::Informal,
                            d(2026, 4, 1),
                            Some(d(2026, 4, 7)),
                        ),
                        step("CH1", ChallengeStage::TeamManager, d(2026, 4, 10), None),
                    ],
                ),
                (
                    challenge("CH2", "IRO1", d(2026, 3, 1), Some(d(2026, 5, 1))),
                    vec![],
                ),
                (challenge("CH3", "IRO2", d(2026, 3, 1), None), vec![]),
                (challenge("CH4", "IRO1", d(2026, 7, 1), None), vec![]),
                (
                    challenge("CH5", "IRO1", d(2026, 5, 20), Some(d(2026, 7, 1))),
                    vec![step("CH5", ChallengeStage::Informal, d(2026, 5, 20), None)],
                ),
            ],
            ..ChildTracker::default()
        };
        Borough::new(
            AS_OF,
            vec![Journey::new(record)],
            Organisation::default(),
            [("C1".to_string(), tracker)].into_iter().collect(),
            vec![],
        )
    }

    #[test]
    fn open_challenges_are_counted_at_their_latest_stage_oldest_first() {
        let b = borough(&[]);
        let open = open_challenges(&b, None, "IRO1");
        let ids: Vec<&str> = open.iter().map(|c| c.id.as_str()).collect();
        // CH2 resolved, CH3 another IRO's, CH4 raised after the day; CH5 resolved later.
        assert_eq!(ids, vec!["CH1", "CH5"]);
        assert_eq!(open[0].stage, ChallengeStage::TeamManager.label());
        assert!(open[0].response_overdue, "due 17/04/2026, no response");
        assert_eq!(open[0].days_open, days_between(d(2026, 4, 1), AS_OF));
        assert_eq!(open[1].stage, ChallengeStage::Informal.label());
        assert!(open[1].response_overdue, "due 27/05/2026, no response");
        let stages: Vec<(&str, usize, usize)> = by_stage(&open)
            .iter()
            .map(|s| (s.stage, s.open, s.response_overdue))
            .collect();
        assert_eq!(stages[0], (ChallengeStage::Informal.label(), 1, 1));
        assert_eq!(stages[1], (ChallengeStage::TeamManager.label(), 1, 1));
        assert_eq!(stages.len(), ChallengeStage::ALL.len());
    }

    #[test]
    fn the_next_review_follows_the_review_cycle_of_the_current_period() {
        let next = |reviews: &[Date]| {
            let b = borough(reviews);
            let children = caseload(&b, None, "IRO1");
            assert_eq!(children.len(), 1);
            let c = &children[0];
            (c.last_review.clone(), c.next_review.clone())
        };
        assert_eq!(
            next(&[]),
            (
                "None recorded".into(),
                "Within 20 working days of 06/01/2025".into()
            )
        );
        // The first review: the second within three months.
        assert_eq!(
            next(&[d(2025, 2, 1)]),
            ("01/02/2025".into(), "01/05/2025".into())
        );
        // Later reviews: every six months from the last.
        assert_eq!(
            next(&[d(2025, 2, 1), d(2025, 5, 1), d(2025, 11, 1)]),
            ("01/11/2025".into(), "01/05/2026".into())
        );
        // Not this IRO's child.
        assert!(caseload(&borough(&[]), None, "IRO2").is_empty());
    }
}
