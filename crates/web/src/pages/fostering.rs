//! Fostering (issue 8): the register of foster carers (each household's type, status,
//! district, places, children living there and review of approval), a household's
//! page, the sufficiency gap analysis (`permanence_rules::sufficiency`) and matching
//! support for a child (`permanence_rules::matching`), with CSV downloads. Matching is
//! decision support: the page never places a child; it links to recording the decision.
//! Children whose record is restricted to other staff are left out of every list
//! ([`Borough::may_see`]); counts include them, as the reports' do.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use permanence_domain::date::{add_months, format_dmy};
use permanence_domain::tracker::{FosteringHousehold, HouseholdStatus, SiblingConclusion};
use permanence_rules::matching::{MatchRequest, Ranking, RegisterIndex, rank};
use permanence_rules::sufficiency::{GapAnalysis, analyse};

use super::{Nav, csv_download, render, safe_cells, staff_label};
use crate::auth::{CurrentUser, Permission};
use crate::borough::Borough;
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/fostering", get(fostering))
        .route("/fostering/households.csv", get(households_csv))
        .route("/fostering/gaps.csv", get(gaps_csv))
        .route("/fostering/households/{id}", get(household))
        .route("/children/{id}/matching", get(matching))
}

/// A household of the register as a row.
pub(crate) struct HouseholdRow {
    id: String,
    name: String,
    kind: &'static str,
    status: &'static str,
    district: String,
    in_borough: bool,
    ages: String,
    places: u32,
    living: u32,
    free: u32,
    last_review: String,
    review_due: String,
    review_overdue: bool,
}

fn household_row(
    borough: &Borough,
    index: &RegisterIndex<'_>,
    h: &FosteringHousehold,
) -> HouseholdRow {
    let register = &borough.organisation.fostering;
    let terms = index.terms(&h.id);
    let approved = register.approved_on(h).filter(|d| *d <= borough.as_of);
    let review = register.last_review_on(&h.id, borough.as_of);
    let due = approved.map(|a| add_months(review.unwrap_or(a).max(a), 12));
    let reviewed = matches!(
        h.status,
        HouseholdStatus::Approved | HouseholdStatus::OnHold
    );
    HouseholdRow {
        id: h.id.clone(),
        name: h.name.clone(),
        kind: h.household_type.label(),
        status: h.status.label(),
        district: h.postcode_district.clone(),
        in_borough: h.in_borough,
        ages: terms
            .map(|t| format!("{} to {}", t.age_min, t.age_max))
            .unwrap_or_default(),
        places: terms.map_or(0, |t| t.children),
        living: index.living(&h.id),
        free: index.vacancies(&h.id),
        last_review: review.map(format_dmy).unwrap_or_default(),
        review_due: due.filter(|_| reviewed).map(format_dmy).unwrap_or_default(),
        review_overdue: reviewed && due.is_some_and(|d| d < borough.as_of),
    }
}

#[derive(Template)]
#[template(path = "fostering.html")]
struct FosteringPage {
    nav: Nav,
    as_of: String,
    households: Vec<HouseholdRow>,
    gaps: GapAnalysis,
    hidden_waiting: usize,
    recruitment: Vec<(&'static str, usize)>,
}

async fn fostering(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require(Permission::ViewFostering)?;
    let borough = state.borough().await?;
    let index = RegisterIndex::new(&borough.organisation.fostering, borough.as_of);
    let households = borough
        .organisation
        .fostering
        .households
        .iter()
        .map(|h| household_row(&borough, &index, h))
        .collect();
    let mut gaps = analyse(
        &borough.journeys,
        &borough.trackers,
        &borough.organisation,
        borough.as_of,
    );
    let staff = user.user.staff_id.as_deref();
    let before = gaps.waiting.len();
    gaps.waiting.retain(|w| borough.may_see(staff, &w.child));
    let register = &borough.organisation.fostering;
    let enquiries = register
        .recruitment
        .iter()
        .filter(|r| r.enquiry <= borough.as_of);
    let in_progress: Vec<_> = enquiries
        .clone()
        .filter(|r| r.ended.is_none_or(|e| e > borough.as_of))
        .collect();
    let recruitment = vec![
        (
            "Enquiries in the last 12 months",
            enquiries
                .clone()
                .filter(|r| r.enquiry > add_months(borough.as_of, -12))
                .count(),
        ),
        (
            "In progress: enquiry",
            in_progress.iter().filter(|r| r.stage_one.is_none()).count(),
        ),
        (
            "In progress: assessment stage 1",
            in_progress
                .iter()
                .filter(|r| r.stage_one.is_some() && r.stage_two.is_none())
                .count(),
        ),
        (
            "In progress: assessment stage 2",
            in_progress
                .iter()
                .filter(|r| r.stage_two.is_some() && r.panel.is_none())
                .count(),
        ),
        (
            "In progress: panel held, awaiting approval",
            in_progress.iter().filter(|r| r.panel.is_some()).count(),
        ),
        (
            "Approved in the last 12 months",
            enquiries
                .filter(|r| {
                    r.approved
                        .is_some_and(|a| a > add_months(borough.as_of, -12))
                })
                .count(),
        ),
    ];
    render(&FosteringPage {
        nav: Nav::of(&user),
        as_of: format_dmy(borough.as_of),
        households,
        hidden_waiting: before - gaps.waiting.len(),
        gaps,
        recruitment,
    })
}

async fn households_csv(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    user.require(Permission::ViewFostering)?;
    let borough = state.borough().await?;
    let index = RegisterIndex::new(&borough.organisation.fostering, borough.as_of);
    let rows: Vec<Vec<String>> = borough
        .organisation
        .fostering
        .households
        .iter()
        .map(|h| {
            let r = household_row(&borough, &index, h);
            safe_cells(vec![
                r.id,
                r.name,
                r.kind.to_string(),
                r.status.to_string(),
                r.district,
                if r.in_borough { "Y" } else { "N" }.to_string(),
                r.ages,
                r.places.to_string(),
                r.living.to_string(),
                r.free.to_string(),
                r.last_review,
                r.review_due,
            ])
        })
        .collect();
    csv_download(
        &state,
        &user,
        "export_fostering",
        "web: fostering register".into(),
        "fostering-households.csv",
        &[
            "household",
            "name",
            "type",
            "status",
            "postcode_district",
            "in_borough",
            "ages",
            "approved_places",
            "children_living",
            "free_places",
            "last_review",
            "review_due",
        ],
        rows,
    )
}

async fn gaps_csv(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require(Permission::ViewFostering)?;
    let borough = state.borough().await?;
    let gaps = analyse(
        &borough.journeys,
        &borough.trackers,
        &borough.organisation,
        borough.as_of,
    );
    let mut rows: Vec<Vec<String>> = gaps
        .by_age
        .iter()
        .map(|g| {
            vec![
                "age_band".into(),
                g.band.into(),
                g.in_foster_care.len().to_string(),
                g.needing_a_family.len().to_string(),
                g.projected.len().to_string(),
                g.approved_places.to_string(),
                g.free_places.to_string(),
            ]
        })
        .collect();
    rows.extend(gaps.by_group.iter().map(|g| {
        vec![
            "sibling_group".into(),
            if g.size == 4 {
                "4 or more".into()
            } else {
                g.size.to_string()
            },
            String::new(),
            g.groups.len().to_string(),
            String::new(),
            g.households_approved.to_string(),
            g.households_free.to_string(),
        ]
    }));
    rows.extend(gaps.by_need.iter().map(|g| {
        vec![
            "complex_need".into(),
            g.need.code().into(),
            String::new(),
            g.children.len().to_string(),
            String::new(),
            g.households.to_string(),
            g.households_free.to_string(),
        ]
    }));
    csv_download(
        &state,
        &user,
        "export_fostering",
        "web: sufficiency gap analysis".into(),
        "fostering-gaps.csv",
        &[
            "by",
            "group",
            "in_foster_care",
            "needing",
            "projected_12_months",
            "capacity",
            "free",
        ],
        rows.into_iter().map(safe_cells),
    )
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage {
    nav: Nav,
    row: HouseholdRow,
    facts: Vec<(&'static str, String)>,
    terms: Vec<(String, &'static str, String, u32, String)>,
    children: Vec<(String, String, String, String, &'static str)>,
    hidden_children: usize,
}

async fn household(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Permission::ViewFostering)?;
    let borough = state.borough().await?;
    let register = &borough.organisation.fostering;
    let h = register.household(&id).ok_or(AppError::NotFound)?;
    let index = RegisterIndex::new(register, borough.as_of);
    let staff = user.user.staff_id.as_deref();
    let list = |values: &[String]| values.join(", ");
    let facts = vec![
        ("Languages", list(&h.languages)),
        ("Ethnicity", list(&h.ethnicity)),
        ("Religion", h.religion.clone().unwrap_or_default()),
        (
            "Skills with complex needs",
            h.skills
                .iter()
                .map(|s| s.label())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("Approved", h.approved.map(format_dmy).unwrap_or_default()),
        (
            "Supervising social worker",
            h.supervising_worker
                .as_deref()
                .map(|w| staff_label(&borough, w))
                .unwrap_or_default(),
        ),
        (
            "Why a vacancy is unused",
            h.vacancy_reason
                .map(|r| r.label().to_string())
                .unwrap_or_default(),
        ),
    ];
    let terms = register
        .terms
        .iter()
        .filter(|t| t.household == id && t.from <= borough.as_of)
        .map(|t| {
            (
                format_dmy(t.from),
                t.reason.label(),
                format!("{} to {}", t.age_min, t.age_max),
                t.children,
                t.placement_types
                    .iter()
                    .map(|p| p.label())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
        .collect();
    let placed: Vec<_> = register
        .placements
        .iter()
        .filter(|p| p.household == id && p.start <= borough.as_of)
        .collect();
    let children: Vec<_> = placed
        .iter()
        .filter(|p| borough.may_see(staff, &p.child))
        .map(|p| {
            (
                p.child.clone(),
                borough.child_name(&p.child).unwrap_or_default().to_string(),
                format_dmy(p.start),
                p.end
                    .filter(|e| *e <= borough.as_of)
                    .map(format_dmy)
                    .unwrap_or_default(),
                p.placement_type.label(),
            )
        })
        .collect();
    render(&HouseholdPage {
        nav: Nav::of(&user),
        row: household_row(&borough, &index, h),
        facts,
        terms,
        hidden_children: placed.len() - children.len(),
        children,
    })
}

#[derive(Template)]
#[template(path = "matching.html")]
struct MatchingPage {
    nav: Nav,
    child: String,
    name: String,
    as_of: String,
    /// What the request was made of, as shown.
    request: Vec<(&'static str, String)>,
    /// Why there is no request (no placement needs recorded).
    missing: bool,
    ranking: Ranking,
    shown: usize,
}

/// Households shown on the matching page.
const CANDIDATES_SHOWN: usize = 25;

async fn matching(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    user.require(Permission::ViewFostering)?;
    let borough = state.borough().await?;
    if !borough.may_see(user.user.staff_id.as_deref(), &id) {
        return Err(AppError::NotFound);
    }
    let journey = borough.journey(&id).ok_or(AppError::NotFound)?;
    let as_of = borough.as_of;
    let tracker = borough.trackers.get(&id);
    let needs = tracker
        .and_then(|t| t.placement_needs.as_ref())
        .filter(|n| n.assessed <= as_of);
    let mut request_view = Vec::new();
    let mut ranking = Ranking::default();
    if let Some(needs) = needs {
        // Siblings to keep together: the latest together-and-apart assessment, if it
        // says together, with those of the siblings who are looked after.
        let mut ages = vec![journey.age_on(as_of)];
        let mut siblings = Vec::new();
        if let Some(assessment) = tracker
            .and_then(|t| t.sibling_assessments.iter().rev().find(|a| a.date <= as_of))
            .filter(|a| a.conclusion == SiblingConclusion::Together)
        {
            for sibling in &assessment.siblings {
                if let Some(j) = borough
                    .journey(sibling)
                    .filter(|j| j.looked_after_on(as_of))
                {
                    ages.push(j.age_on(as_of));
                    siblings.push(sibling.clone());
                }
            }
        }
        let ethnicity = permanence_domain::codes::Code::code(journey.record.header.ethnic);
        let request = MatchRequest::from_needs(needs, ages.clone(), Some(ethnicity.to_string()));
        request_view = vec![
            (
                "Kind of placement",
                request.placement_type.label().to_string(),
            ),
            (
                "Ages to place together",
                ages.iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            (
                "Siblings to keep together",
                if siblings.is_empty() {
                    "None".to_string()
                } else {
                    siblings.join(", ")
                },
            ),
            (
                "Complex needs",
                request
                    .needs
                    .iter()
                    .map(|n| n.label())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("Languages", request.languages.join(", ")),
            ("Ethnicity (903)", ethnicity.to_string()),
            ("Religion", request.religion.clone().unwrap_or_default()),
            (
                "School district",
                request.school_district.clone().unwrap_or_default(),
            ),
            (
                "Family district",
                request.family_district.clone().unwrap_or_default(),
            ),
            ("Needs assessed", format_dmy(needs.assessed)),
        ];
        ranking = rank(&borough.organisation.fostering, &request, as_of);
    }
    state.store().audit(
        &user.user.username,
        "view_child",
        Some(&id),
        "web: matching support",
    )?;
    let shown = ranking.candidates.len().min(CANDIDATES_SHOWN);
    render(&MatchingPage {
        nav: Nav::of(&user),
        name: borough.child_name(&id).unwrap_or_default().to_string(),
        child: id,
        as_of: format_dmy(as_of),
        request: request_view,
        missing: needs.is_none(),
        ranking,
        shown,
    })
}
