//! Permanence plans and the work on them: plan versions that follow the route the child
//! took, permanence planning meetings, family group conferences, family finding,
//! together-and-apart assessments, the panels that decide plans and matches, and
//! life-story work.

use permanence_domain::codes::{Placement, ReasonEpisodeCeased};
use permanence_domain::date::add_months;
use permanence_domain::tracker::{
    DecisionSource, FamilyFinding, FamilyFindingRoute, FamilyFindingStatus, Forum, LifeStoryWork,
    Meeting, MeetingKind, PanelDecision, PanelQuestion, PermanenceOption, PermanencePlan,
    SiblingAssessment, SiblingConclusion,
};

use super::child::Gen;
use super::facts::{Period, Route};
use super::organisation::{
    ADOPTION_PANEL, COMPLEX_PLACEMENTS_PANEL, FOSTERING_PANEL, PERMANENCE_PANEL,
    RAA_MATCHING_PANEL, RESOURCE_PANEL, other_panel_for,
};
use crate::calendar::{Day, age_on, birthday, from_date, to_date};
use crate::rates::*;

use PermanenceOption as Option_;

/// A plan version before it is recorded.
struct Draft {
    decided: Day,
    forum: Forum,
    primary: Option_,
    parallel: Vec<Option_>,
    contingency: Option<Option_>,
    target: Option<Day>,
}

fn months(day: Day, n: i32) -> Day {
    from_date(add_months(to_date(day), n))
}

/// Plans, meetings, family finding, sibling assessments and panel decisions of one
/// period of care.
pub(crate) fn plans(g: &mut Gen<'_>, p: &Period) {
    let age = age_on(g.dob, p.start);
    let horizon = g.horizon();
    let drift = p.young_in_home.is_some() && g.random.chance(YOUNG_CHILD_IN_HOME_DRIFT_SHARE);
    let achieved = achieved(g.dob, p);
    let adoption_option = adoption_option(g, p);

    // Permanence planning meetings: the first within 4 weeks of entry for most, then
    // every 3 months until permanence is achieved.
    let stop = p.until.min(achieved.map_or(Day::MAX, |(day, _)| day));
    let meetings = ppm_dates(g, p.start, stop, p.until);

    // The first plan, by the second review for most.
    let mut drafts: Vec<Draft> = Vec::new();
    if let Some((decided, forum)) = first_plan_day(g, p, &meetings) {
        let (primary, parallel, contingency) = first_plan(g, p, age, adoption_option);
        let target = months(decided, if primary == Option_::ReturnHome { 6 } else { 9 });
        drafts.push(Draft {
            decided,
            forum,
            primary,
            parallel,
            contingency,
            target: Some(target),
        });
    }
    let first_decided = drafts.first().map_or(p.start, |d| d.decided);
    later_plans(
        g,
        p,
        age,
        drift,
        adoption_option,
        first_decided,
        &mut drafts,
    );

    let no_contingency = g.random.chance(PLAN_WITHOUT_CONTINGENCY_SHARE);
    drafts.retain(|d| d.decided >= p.start && d.decided < p.until && d.decided <= horizon);
    drafts.sort_by_key(|d| d.decided);
    // One version a day: the later-drawn (more specific) one wins.
    let mut versions: Vec<Draft> = Vec::with_capacity(drafts.len());
    for draft in drafts {
        if versions.last().is_some_and(|v| v.decided == draft.decided) {
            versions.pop();
        }
        versions.push(draft);
    }
    let achieved_at = achieved
        .filter(|&(day, _)| day <= horizon)
        .and_then(|(day, by)| {
            versions
                .iter()
                .rposition(|v| v.decided <= day)
                .map(|i| (i, day, by))
        });
    for (i, v) in versions.iter().enumerate() {
        let achieved = achieved_at.filter(|&(at, _, _)| at == i);
        g.tracker.plans.push(PermanencePlan {
            child: g.child().to_string(),
            decided: to_date(v.decided),
            forum: v.forum,
            primary: v.primary,
            parallel: v.parallel.clone(),
            contingency: if no_contingency { None } else { v.contingency },
            target: v.target.map(to_date),
            achieved: achieved.map(|(_, day, _)| to_date(day)),
            achieved_by: achieved.map(|(_, _, by)| by),
        });
    }

    // The meetings, with what they decided and the next one they set.
    for &(day, next) in &meetings {
        let in_force = versions.iter().rev().find(|v| v.decided <= day);
        let outcome = match in_force {
            Some(v) => describe(v, no_contingency),
            None => "No permanence plan agreed yet; options to be assessed".to_string(),
        };
        let chair = if g.random.chance(0.2) {
            g.service_manager_on(day)
        } else {
            g.team_manager_on(day)
        };
        g.tracker.meetings.push(Meeting {
            child: g.child().to_string(),
            kind: MeetingKind::PermanencePlanningMeeting,
            date: to_date(day),
            chair: Some(g.id(chair)),
            outcome,
            next: Some(to_date(next)),
        });
        if g.random.chance(0.5) {
            let worker = g.social_worker_on(day);
            let text = *g.random.one_of(&PPM_ACTIONS);
            g.decision(
                day,
                DecisionSource::PermanencePlanningMeeting,
                None,
                (chair, worker),
                text,
            );
        }
    }
    family_group_conference(g, p, age);
    family_finding(g, p, drift, &versions);
    sibling_assessment(g, p, age, &versions);
    panels(g, p, &versions);
}

const PPM_ACTIONS: [&str; 8] = [
    "Complete the viability assessment of the connected carers",
    "Refer to family finding",
    "Update the parenting assessment and report to the next meeting",
    "Book the child's permanence review at the next looked-after review",
    "Complete the together-and-apart assessment",
    "Start life-story work",
    "Present the plan to the permanence tracking panel",
    "Seek legal advice on the route to an order",
];

/// The day permanence was achieved and by which route, read off the journey.
fn achieved(dob: Day, p: &Period) -> Option<(Day, Option_)> {
    use ReasonEpisodeCeased::*;
    let end = p.end;
    match (p.rec, end) {
        (Some(E11 | E12), Some(end)) => return Some((end, adoption_option_of(p))),
        (Some(E43 | E44 | E45 | E46 | E47 | E48), Some(end)) => {
            return Some((end, Option_::SpecialGuardianship));
        }
        (Some(E41), Some(end)) => return Some((end, Option_::ChildArrangementsOrder)),
        (Some(E4A | E13), Some(end)) => return Some((end, Option_::ReturnHome)),
        (Some(E17), Some(end)) => return Some((end, Option_::StayingPut)),
        _ => {}
    }
    match p.route {
        // A reversed adoption decision: permanence may come later, in a long-term foster
        // placement that started after the reversal.
        Route::Adoption => {
            let ceased = p.adoption.as_ref().and_then(|a| a.ceased)?;
            p.places
                .iter()
                .find(|pl| matches!(pl.place, Placement::U1 | Placement::U4) && pl.start >= ceased)
                .map(|pl| {
                    let by = if pl.place == Placement::U1 {
                        Option_::ConnectedCarers
                    } else {
                        Option_::LongTermFostering
                    };
                    (pl.start, by)
                })
        }
        Route::LongTermFostering { matched, kin } => Some((
            matched,
            if kin {
                Option_::ConnectedCarers
            } else {
                Option_::LongTermFostering
            },
        )),
        Route::SupportedLiving => {
            let sixteen = birthday(dob, 16);
            p.places
                .iter()
                .find(|pl| {
                    matches!(pl.place, Placement::H5 | Placement::K3 | Placement::P2)
                        && pl.start >= sixteen
                })
                .map(|pl| pl.start)
                .or(end)
                .map(|day| (day, Option_::SupportedLiving))
        }
        _ => None,
    }
}

/// Adoption by which route, from the placements.
fn adoption_option_of(p: &Period) -> Option_ {
    if p.adoption
        .as_ref()
        .is_some_and(|a| a.fostering_for_adoption)
    {
        Option_::FosteringForAdoption
    } else {
        Option_::Adoption
    }
}

/// The adoption option of a child's plans: fostering for adoption (some of it
/// concurrent planning) when the child was placed so, else adoption.
fn adoption_option(g: &mut Gen<'_>, p: &Period) -> Option_ {
    match adoption_option_of(p) {
        Option_::FosteringForAdoption if g.random.chance(CONCURRENT_PLANNING_SHARE_OF_FFA) => {
            Option_::ConcurrentPlanning
        }
        other => other,
    }
}

/// Permanence planning meetings as (held, next set): the first within 4 weeks of entry
/// for most (late or never for some) while the child is looked after (before `until`),
/// then every 3 months (some late) until permanence is achieved (`stop`).
fn ppm_dates(g: &mut Gen<'_>, start: Day, stop: Day, until: Day) -> Vec<(Day, Day)> {
    let mut out = Vec::new();
    let draw = g.random.unit();
    let mut day = if draw < PPM_FIRST_WITHIN_4_WEEKS_SHARE {
        start + g.random.int(5, 28)
    } else if draw < PPM_FIRST_WITHIN_4_WEEKS_SHARE + PPM_FIRST_LATE_SHARE {
        start + g.random.range(PPM_FIRST_LATE_DAYS)
    } else {
        return out;
    };
    // The first meeting is held whenever the child is still looked after; later ones
    // until permanence is achieved.
    let mut stop_at = stop.max(day + 1).min(until);
    while day < stop_at && day <= g.horizon() {
        stop_at = stop;
        let next = months(day, 3);
        // Before the tracker went live only the first meeting (and the last) is held.
        if out.is_empty() || next >= g.scope.live {
            out.push((day, next));
        }
        day = if g.random.chance(PPM_LATER_LATE_SHARE) {
            next + g.random.range(PPM_LATER_LATE_DAYS)
        } else {
            next - g.random.int(0, 14)
        };
    }
    out
}

/// When the first plan was decided: by the second review for most (at a review or a
/// permanence planning meeting), at a later review for some, never for the rest.
fn first_plan_day(g: &mut Gen<'_>, p: &Period, meetings: &[(Day, Day)]) -> Option<(Day, Forum)> {
    let first_review = *p.reviews.first()?;
    let second_review = p.reviews.get(1).copied();
    let draw = g.random.unit();
    if draw < FIRST_PLAN_BY_SECOND_REVIEW_SHARE {
        let by = second_review.unwrap_or(first_review + 90);
        if g.random.chance(FIRST_PLAN_AT_PPM_SHARE)
            && let Some(&(day, _)) = meetings.iter().find(|(day, _)| *day <= by)
        {
            return Some((day, Forum::PermanencePlanningMeeting));
        }
        let day = match second_review {
            Some(second) if g.random.chance(0.3) => second,
            _ => first_review,
        };
        Some((day, Forum::Review))
    } else if draw < FIRST_PLAN_BY_SECOND_REVIEW_SHARE + FIRST_PLAN_LATE_SHARE {
        p.reviews.get(2).map(|&day| (day, Forum::Review))
    } else {
        None
    }
}

/// The first plan's options, by the route the child eventually took and age at entry:
/// most start from a return home with a contingency.
fn first_plan(
    g: &mut Gen<'_>,
    p: &Period,
    age: i32,
    adoption: Option_,
) -> (Option_, Vec<Option_>, Option<Option_>) {
    let parallel = |g: &mut Gen<'_>, option: Option_| {
        if g.random.chance(PARALLEL_PLAN_SHARE) {
            vec![option]
        } else {
            vec![]
        }
    };
    match p.route {
        Route::Adoption => {
            let par = parallel(g, Option_::ConnectedCarers);
            (Option_::ReturnHome, par, Some(adoption))
        }
        Route::SpecialGuardianship { .. } => {
            let par = parallel(g, Option_::ConnectedCarers);
            (Option_::ReturnHome, par, Some(Option_::SpecialGuardianship))
        }
        Route::ChildArrangements => {
            let par = parallel(g, Option_::ChildArrangementsOrder);
            (Option_::ReturnHome, par, Some(Option_::LongTermFostering))
        }
        Route::ReturnHome { .. } | Route::Short if age >= 16 => {
            (Option_::ReturnHome, vec![], Some(Option_::SupportedLiving))
        }
        Route::ReturnHome { .. } | Route::Short => {
            let par = parallel(g, Option_::ConnectedCarers);
            (Option_::ReturnHome, par, Some(Option_::LongTermFostering))
        }
        _ if age >= 16 => {
            let fostered = p.places.first().is_some_and(|pl| pl.place.is_foster_care());
            let contingency = if fostered {
                Option_::StayingPut
            } else {
                Option_::ReturnHome
            };
            (Option_::SupportedLiving, vec![], Some(contingency))
        }
        _ if age >= 12 && g.random.chance(0.5) => (
            Option_::LongTermFostering,
            vec![],
            Some(Option_::Residential),
        ),
        _ if g.random.chance(0.55) => {
            let par = parallel(g, Option_::ConnectedCarers);
            (Option_::ReturnHome, par, Some(Option_::LongTermFostering))
        }
        _ => (
            Option_::LongTermFostering,
            vec![],
            Some(Option_::ConnectedCarers),
        ),
    }
}

/// Later plan versions, as the route becomes clear: the adoption decision (and its
/// reversal), the plan for an order, the long-term match, a long-term plan for those
/// staying, supported living or staying put at 16+, and the young child's children's
/// home (with no contingency when drifting).
fn later_plans(
    g: &mut Gen<'_>,
    p: &Period,
    age: i32,
    drift: bool,
    adoption_option: Option_,
    first_decided: Day,
    drafts: &mut Vec<Draft>,
) {
    let sixteen = birthday(g.dob, 16);
    let mut push = |decided: Day,
                    forum: Forum,
                    primary: Option_,
                    contingency: Option<Option_>,
                    target: Option<Day>| {
        drafts.push(Draft {
            decided,
            forum,
            primary,
            parallel: vec![],
            contingency,
            target,
        });
    };
    let by_order = matches!(
        p.route,
        Route::Adoption | Route::SpecialGuardianship { .. } | Route::ChildArrangements
    );
    if let Some(home) = p.young_in_home.filter(|_| !by_order) {
        // After the first plan: the plan while the child lives in the home.
        let decided = (home + g.random.int(30, 120)).max(first_decided + g.random.int(7, 30));
        if drift {
            push(decided, Forum::Review, Option_::Residential, None, None);
        } else {
            push(
                decided,
                Forum::PermanencePlanningMeeting,
                Option_::LongTermFostering,
                Some(Option_::Residential),
                Some(months(decided, 9)),
            );
        }
    }
    match p.route {
        Route::Adoption => {
            let a = p
                .adoption
                .as_ref()
                .expect("the adoption route has a decision");
            let contingency = if g.random.chance(0.7) {
                Option_::LongTermFostering
            } else {
                Option_::SpecialGuardianship
            };
            push(
                a.decision,
                Forum::Panel,
                adoption_option,
                Some(contingency),
                Some(a.decision + 270),
            );
            if let Some(ceased) = a.ceased {
                use ReasonEpisodeCeased::*;
                let (primary, contingency) = match p.rec {
                    Some(E43 | E44 | E45 | E46 | E47 | E48) => (
                        Option_::SpecialGuardianship,
                        Some(Option_::LongTermFostering),
                    ),
                    Some(E4A | E4B | E13) => {
                        (Option_::ReturnHome, Some(Option_::LongTermFostering))
                    }
                    _ => (Option_::LongTermFostering, Some(Option_::Residential)),
                };
                push(
                    ceased,
                    Forum::Review,
                    primary,
                    contingency,
                    Some(months(ceased, 6)),
                );
            }
        }
        Route::SpecialGuardianship { .. } | Route::ChildArrangements => {
            let primary = if p.route == Route::ChildArrangements {
                Option_::ChildArrangementsOrder
            } else {
                Option_::SpecialGuardianship
            };
            let mut decided = (p.start + g.random.int(90, 240)).max(first_decided + 14);
            if let Some(end) = p.end {
                decided = decided.min(end - 14);
            }
            if decided > first_decided {
                let target = decided + g.random.int(120, 240);
                push(
                    decided,
                    Forum::Review,
                    primary,
                    Some(Option_::LongTermFostering),
                    Some(target),
                );
            }
        }
        Route::LongTermFostering { matched, kin } => {
            let decided = (matched - g.random.int(7, 45)).max(p.start + 1);
            let (primary, contingency) = if kin {
                (Option_::ConnectedCarers, Option_::LongTermFostering)
            } else if age_on(g.dob, matched) >= 10 {
                (Option_::LongTermFostering, Option_::Residential)
            } else {
                (Option_::LongTermFostering, Option_::ConnectedCarers)
            };
            push(
                decided,
                Forum::Panel,
                primary,
                Some(contingency),
                Some(matched.max(decided)),
            );
        }
        Route::LongTermUnmatched if !drift => {
            if let Some(&review) = p.reviews.iter().find(|&&r| r - p.start >= 180) {
                let contingency = if age >= 10 {
                    Option_::Residential
                } else {
                    Option_::ConnectedCarers
                };
                push(
                    review,
                    Forum::Review,
                    Option_::LongTermFostering,
                    Some(contingency),
                    Some(months(review, 6)),
                );
            }
        }
        Route::Residential { since } => {
            let decided = since + g.random.int(60, 180);
            let contingency = if age_on(g.dob, decided) >= 14 {
                Option_::SupportedLiving
            } else {
                Option_::LongTermFostering
            };
            push(
                decided,
                Forum::Review,
                Option_::Residential,
                Some(contingency),
                None,
            );
        }
        _ => {}
    }
    // At 16+: staying put for those who stay with their foster carers, supported living
    // for those who move on.
    match p.route {
        Route::StayingPut => {
            let at = p
                .reviews
                .iter()
                .copied()
                .find(|&r| r >= sixteen)
                .unwrap_or(sixteen + g.random.int(30, 120));
            push(
                at.max(p.start + 1),
                Forum::Review,
                Option_::StayingPut,
                Some(Option_::SupportedLiving),
                Some(birthday(g.dob, 18)),
            );
        }
        Route::SupportedLiving if age < 16 => {
            let at = p
                .places
                .iter()
                .find(|pl| {
                    matches!(pl.place, Placement::H5 | Placement::K3 | Placement::P2)
                        && pl.start >= sixteen
                })
                .map_or(p.until - 1, |pl| pl.start);
            let decided = (at - g.random.int(14, 60)).max(sixteen).max(p.start + 1);
            push(
                decided,
                Forum::Review,
                Option_::SupportedLiving,
                Some(Option_::StayingPut),
                Some(at.max(decided)),
            );
        }
        _ => {}
    }
}

/// A plan version in words.
fn describe(v: &Draft, no_contingency: bool) -> String {
    let mut text = format!("Primary plan: {}", v.primary.label().to_lowercase());
    for option in &v.parallel {
        text.push_str(&format!("; parallel: {}", option.label().to_lowercase()));
    }
    match v.contingency.filter(|_| !no_contingency) {
        Some(option) => text.push_str(&format!("; contingency: {}", option.label().to_lowercase())),
        None => text.push_str("; no contingency plan agreed"),
    }
    text
}

/// A family group conference for some entrants under 16: before entry (often in
/// pre-proceedings) or in the first months.
fn family_group_conference(g: &mut Gen<'_>, p: &Period, age: i32) {
    if age >= 16 || !g.random.chance(FAMILY_GROUP_CONFERENCE_SHARE) {
        return;
    }
    let day = if g.random.chance(0.4) {
        p.start - g.random.int(5, 60)
    } else {
        p.start + g.random.int(10, 90)
    };
    if day >= p.until || day > g.horizon() {
        return;
    }
    let outcome = *g.random.one_of(&[
        "Family plan agreed",
        "Family plan agreed; connected carers put forward for assessment",
        "Family plan not agreed; the local authority's plan stands",
        "Family offered respite support; review in three months",
    ]);
    g.tracker.meetings.push(Meeting {
        child: g.child().to_string(),
        kind: MeetingKind::FamilyGroupConference,
        date: to_date(day),
        chair: None,
        outcome: outcome.to_string(),
        next: None,
    });
}

/// A family search with activity counts drawn from its length.
fn search(
    g: &mut Gen<'_>,
    route: FamilyFindingRoute,
    start: Day,
    end: Option<(Day, FamilyFindingStatus, &str)>,
    ffa: Option<Day>,
) {
    if start > g.horizon() {
        return;
    }
    let end = end.filter(|&(day, _, _)| day <= g.horizon() && day >= start);
    let weeks = (end.map_or(g.horizon(), |(day, _, _)| day) - start) / 7;
    let profiles = g.random.int(1, 3) + weeks / 12;
    let links = g.random.int(0, weeks / 3 + 1);
    let expressions_of_interest = g.random.int(0, links);
    let matched = matches!(end, Some((_, FamilyFindingStatus::Matched, _)));
    let status = match end {
        Some((_, status, _)) => status,
        None if g.random.chance(0.05) => FamilyFindingStatus::Paused,
        None => FamilyFindingStatus::Active,
    };
    g.tracker.family_finding.push(FamilyFinding {
        child: g.child().to_string(),
        route,
        start: to_date(start),
        profiles: profiles as u32,
        links: links.max(i32::from(matched)) as u32,
        expressions_of_interest: expressions_of_interest.max(i32::from(matched)) as u32,
        matches: u32::from(matched) + u32::from(g.random.chance(0.05)),
        status,
        end: end.map(|(day, _, _)| to_date(day)),
        end_reason: end.map(|(_, _, reason)| reason.to_string()),
        fostering_for_adoption_considered: ffa.map(to_date),
    });
}

/// Family finding by the route the child took: adoption searches from the decision,
/// long-term fostering searches before a match with new carers or while a long-term plan
/// waits (none for drifting young children), connected-persons searches for orders.
fn family_finding(g: &mut Gen<'_>, p: &Period, drift: bool, versions: &[Draft]) {
    let left = p
        .end
        .map(|end| (end, FamilyFindingStatus::Ended, "Child left care"));
    match p.route {
        Route::Adoption => {
            let a = p
                .adoption
                .as_ref()
                .expect("the adoption route has a decision");
            let start = (a.decision + g.random.int(0, 30)).min(p.until - 1);
            let matched = a
                .matched
                .or_else(|| a.placed.map(|placed| placed - g.random.int(7, 40)))
                .map(|day| day.max(start + 1));
            let matched_with = if a.by_foster_carers {
                "Matched with the child's foster carers as adopters"
            } else {
                "Matched with prospective adopters"
            };
            let end = match (matched, a.ceased) {
                (Some(day), _) => Some((day, FamilyFindingStatus::Matched, matched_with)),
                (None, Some(day)) => Some((
                    day.max(start),
                    FamilyFindingStatus::Ended,
                    "Plan for adoption changed",
                )),
                (None, None) => left,
            };
            let ffa_placement = p
                .places
                .iter()
                .find(|pl| matches!(pl.place, Placement::U2 | Placement::U5))
                .map(|pl| pl.start);
            let ffa = match ffa_placement {
                Some(day) => Some((day.min(a.decision) - g.random.int(0, 14)).max(p.start)),
                None if g.random.chance(FFA_CONSIDERED_SHARE) => {
                    Some((a.decision - g.random.int(0, 30)).max(p.start))
                }
                None => None,
            };
            search(g, FamilyFindingRoute::Adoption, start, end, ffa);
        }
        Route::LongTermFostering { matched, kin } => {
            let new_carers = p
                .places
                .iter()
                .any(|pl| pl.start == matched && pl.new_carers);
            let start = matched - g.random.int(60, 300);
            if new_carers && !kin && start >= p.start + 14 {
                let panel = versions
                    .iter()
                    .rev()
                    .find(|v| v.decided <= matched && v.primary == Option_::LongTermFostering)
                    .map_or(matched - 7, |v| v.decided);
                let end = Some((
                    panel.max(start + 1),
                    FamilyFindingStatus::Matched,
                    "Matched with long-term foster carers",
                ));
                search(g, FamilyFindingRoute::LongTermFostering, start, end, None);
            }
        }
        Route::LongTermUnmatched | Route::Residential { .. } if !drift => {
            if let Some(home) = p.young_in_home {
                let start = home + g.random.int(14, 90);
                if start < p.until {
                    search(g, FamilyFindingRoute::LongTermFostering, start, left, None);
                }
            } else if let Some(plan) = versions
                .iter()
                .find(|v| v.primary == Option_::LongTermFostering)
                && g.random.chance(LONG_TERM_FOSTERING_SEARCH_SHARE)
            {
                let start = plan.decided + g.random.int(0, 60);
                if start < p.until {
                    search(g, FamilyFindingRoute::LongTermFostering, start, left, None);
                }
            }
        }
        Route::SpecialGuardianship { .. } | Route::ChildArrangements => {
            if g.random.chance(CONNECTED_PERSONS_SEARCH_SHARE) {
                let start = p.start + g.random.int(3, 30);
                let end = (start + g.random.int(30, 150)).min(p.until - 1);
                if start < end {
                    let outcome = Some((
                        end,
                        FamilyFindingStatus::Matched,
                        "Connected carer assessed as viable",
                    ));
                    search(
                        g,
                        FamilyFindingRoute::ConnectedPersons,
                        start,
                        outcome,
                        None,
                    );
                }
            }
        }
        _ => {
            if p.until - p.start > 60 && g.random.chance(0.1) {
                let start = p.start + g.random.int(3, 30);
                let end = (start + g.random.int(30, 120)).min(p.until - 1);
                if start < end {
                    let outcome =
                        Some((end, FamilyFindingStatus::Ended, "No viable connected carer"));
                    search(
                        g,
                        FamilyFindingRoute::ConnectedPersons,
                        start,
                        outcome,
                        None,
                    );
                }
            }
        }
    }
}

/// A together-and-apart assessment for some children under 12 on long-term routes,
/// before the permanence decision.
fn sibling_assessment(g: &mut Gen<'_>, p: &Period, age: i32, versions: &[Draft]) {
    let eligible = matches!(
        p.route,
        Route::Adoption
            | Route::SpecialGuardianship { .. }
            | Route::LongTermFostering { .. }
            | Route::LongTermUnmatched
    );
    if age >= 12 || !eligible || !g.random.chance(SIBLING_ASSESSMENT_SHARE) {
        return;
    }
    let decision = versions
        .get(1)
        .map_or(p.start + 300, |v| v.decided)
        .max(p.start + 61);
    let day = g.random.int(p.start + 60, decision - 1);
    if day >= p.until || day > g.horizon() {
        return;
    }
    let count = g.random.int(1, 3);
    let siblings = (0..count)
        .map(|i| {
            let who = *g
                .random
                .one_of(&["Brother", "Sister", "Half-brother", "Half-sister"]);
            let age = g.random.int(0, 15);
            let where_ =
                *g.random
                    .one_of(&["at home", "with a relative", "looked after elsewhere"]);
            format!("{who} {}, aged {age}, {where_}", i + 1)
        })
        .collect();
    let conclusion = g.random.pick(&[
        (SiblingConclusion::Together, 0.5),
        (SiblingConclusion::Apart, 0.3),
        (SiblingConclusion::SomeTogether, 0.2),
    ]);
    g.tracker.sibling_assessments.push(SiblingAssessment {
        child: g.child().to_string(),
        siblings,
        date: to_date(day),
        conclusion,
    });
}

/// Panel decisions: the plan for adoption and the match, long-term fostering matches,
/// permanence plans at the permanence tracking panel, children's-home placements at the
/// resource panel; some presented twice to overlapping panels.
fn panels(g: &mut Gen<'_>, p: &Period, versions: &[Draft]) {
    match p.route {
        Route::Adoption => {
            let a = p
                .adoption
                .as_ref()
                .expect("the adoption route has a decision");
            let day = (a.decision - g.random.int(7, 28)).max(p.start + 1);
            panel(
                g,
                ADOPTION_PANEL,
                day,
                PanelQuestion::PlanForAdoption,
                "Recommended that the child should be placed for adoption",
            );
            let matched = a
                .matched
                .or_else(|| a.placed.map(|placed| placed - g.random.int(7, 40)));
            if let Some(matched) = matched {
                let panel_id = if g.random.chance(0.5) {
                    ADOPTION_PANEL
                } else {
                    RAA_MATCHING_PANEL
                };
                let day = (matched - g.random.int(0, 7)).max(day + 1);
                panel(
                    g,
                    panel_id,
                    day,
                    PanelQuestion::AdoptionMatch,
                    "Match with prospective adopters approved",
                );
            }
        }
        Route::LongTermFostering { matched, kin } => {
            if let Some(v) = versions.iter().rev().find(|v| v.decided <= matched) {
                let text = if kin {
                    "Long-term match with connected carers approved"
                } else {
                    "Long-term fostering match approved"
                };
                panel(
                    g,
                    FOSTERING_PANEL,
                    v.decided,
                    PanelQuestion::LongTermFosteringMatch,
                    text,
                );
            }
        }
        _ => {}
    }
    if let Some(v) = versions.iter().skip(1).find(|v| {
        matches!(
            v.primary,
            Option_::LongTermFostering | Option_::SpecialGuardianship | Option_::Residential
        )
    }) && g.random.chance(PERMANENCE_PANEL_SHARE)
    {
        let text = format!(
            "Permanence plan agreed: {}",
            v.primary.label().to_lowercase()
        );
        panel(
            g,
            PERMANENCE_PANEL,
            v.decided,
            PanelQuestion::PermanencePlan,
            &text,
        );
    }
    let homes: Vec<Day> = p
        .places
        .iter()
        .filter(|pl| pl.place.is_childrens_home())
        .map(|pl| pl.start)
        .collect();
    for start in homes {
        if g.random.chance(RESOURCE_PANEL_SHARE) {
            let day = if start == p.start {
                start + g.random.int(0, 10)
            } else {
                (start - g.random.int(0, 10)).max(p.start)
            };
            let panel_id = if g.random.chance(0.8) {
                RESOURCE_PANEL
            } else {
                COMPLEX_PLACEMENTS_PANEL
            };
            if day < p.until {
                panel(
                    g,
                    panel_id,
                    day,
                    PanelQuestion::PlacementResource,
                    "Children's home placement and funding agreed",
                );
            }
        }
    }
}

/// A panel decision (and the decision log entry it makes); sometimes the same question
/// goes to an overlapping panel weeks later.
fn panel(g: &mut Gen<'_>, panel_id: &str, day: Day, question: PanelQuestion, text: &str) {
    if day > g.horizon() {
        return;
    }
    g.tracker.panel_decisions.push(PanelDecision {
        child: g.child().to_string(),
        panel: panel_id.to_string(),
        date: to_date(day),
        question,
        decision: text.to_string(),
        conditions: g
            .random
            .chance(0.1)
            .then(|| "Subject to the updated assessment being presented".to_string()),
    });
    let chair = g.staff.panel_chair(panel_id);
    let worker = match question {
        PanelQuestion::AdoptionMatch => *g.random.one_of(&g.staff.adoption_workers),
        PanelQuestion::LongTermFosteringMatch => *g.random.one_of(&g.staff.fostering_workers),
        _ => g.social_worker_on(day),
    };
    if g.random.chance(0.5) {
        let action = match question {
            PanelQuestion::PlanForAdoption => "Apply for a placement order",
            PanelQuestion::AdoptionMatch => "Arrange introductions with the adopters",
            PanelQuestion::LongTermFosteringMatch => "Update the placement plan for the match",
            PanelQuestion::PermanencePlan => "Review progress of the plan in three months",
            PanelQuestion::PlacementResource => "Review the placement and its cost at 12 weeks",
            _ => "Carry out the panel's recommendation",
        };
        g.decision(
            day,
            DecisionSource::Panel,
            Some(panel_id.to_string()),
            (chair, worker),
            action,
        );
    }
    if let Some(other) = other_panel_for(question, panel_id)
        && g.random.chance(PANEL_OVERLAP_SHARE)
    {
        let again = day + g.random.int(7, 45);
        if again <= g.horizon() {
            g.tracker.panel_decisions.push(PanelDecision {
                child: g.child().to_string(),
                panel: other.to_string(),
                date: to_date(again),
                question,
                decision: text.to_string(),
                conditions: None,
            });
        }
    }
}

/// Which kind of life-story work a period calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Story {
    Adopted,
    AdoptionPlan,
    SpecialGuardianship,
    ConnectedCarers,
    LongTerm,
    Other,
}

/// The kind of life-story work the period calls for, if any.
pub(crate) fn life_story_candidate(p: &Period) -> Option<Story> {
    use ReasonEpisodeCeased::*;
    let length = p.until - p.start;
    let story = match (p.route, p.rec) {
        (_, Some(E11 | E12)) => Story::Adopted,
        (_, Some(E43 | E44 | E45 | E46 | E47 | E48)) => Story::SpecialGuardianship,
        (_, Some(E41)) => Story::ConnectedCarers,
        (Route::Adoption, None) if p.adoption.as_ref().is_some_and(|a| a.ceased.is_none()) => {
            Story::AdoptionPlan
        }
        (Route::LongTermFostering { kin: true, .. }, _) => Story::ConnectedCarers,
        _ if p.kinship && length >= 365 => Story::ConnectedCarers,
        (Route::LongTermFostering { .. }, _) if length >= 365 => Story::LongTerm,
        _ if length >= 182 => Story::Other,
        _ => return None,
    };
    Some(story)
}

/// Life-story work, at the rates for its kind: missing more often for children leaving
/// to special guardians and connected carers (the inspection's finding).
pub(crate) fn life_story(g: &mut Gen<'_>, p: &Period, story: Story) {
    let share = match story {
        Story::Adopted => LIFE_STORY_ADOPTED_SHARE,
        Story::AdoptionPlan => LIFE_STORY_ADOPTION_PLAN_SHARE,
        Story::SpecialGuardianship => LIFE_STORY_SGO_SHARE,
        Story::ConnectedCarers => LIFE_STORY_CONNECTED_CARERS_SHARE,
        Story::LongTerm => LIFE_STORY_LONG_TERM_SHARE,
        Story::Other => LIFE_STORY_OTHER_SHARE,
    };
    if !g.random.chance(share) {
        return;
    }
    let horizon = g.horizon();
    let known = |day: Day| (day <= horizon).then_some(day);
    let mut work = LifeStoryWork {
        child: g.child().to_string(),
        started: None,
        sessions: 0,
        last_session: None,
        book_first_stage: None,
        book_completed: None,
        later_life_letter: None,
    };
    let (started, last_allowed, sessions) = match story {
        Story::Adopted | Story::AdoptionPlan => {
            let a = p.adoption.as_ref().expect("an adoption decision");
            let from = a.placement_order.unwrap_or(a.decision);
            let started = from + g.random.int(14, 120);
            (started, p.until.min(horizon + 1) - 1, g.random.int(4, 14))
        }
        Story::SpecialGuardianship | Story::ConnectedCarers => (
            p.start + g.random.int(60, 300),
            p.until.min(horizon + 1) - 1,
            g.random.int(1, 8),
        ),
        Story::LongTerm | Story::Other => (
            p.start + g.random.int(90, 500),
            p.until.min(horizon + 1) - 1,
            g.random.int(1, 10),
        ),
    };
    if started > last_allowed {
        return;
    }
    let mut last = started;
    let mut held = 1;
    while held < sessions {
        let next = last + g.random.int(14, 40);
        if next > last_allowed {
            break;
        }
        last = next;
        held += 1;
    }
    work.started = Some(to_date(started));
    work.sessions = held as u32;
    work.last_session = Some(to_date(last));
    match story {
        Story::Adopted | Story::AdoptionPlan => {
            let a = p.adoption.as_ref().expect("an adoption decision");
            if let Some(placed) = a.placed {
                // The first stage by the second review of the adoptive placement.
                let first = placed + g.random.int(90, 140);
                let first = p.end.map_or(first, |end| first.min(end)).max(started);
                work.book_first_stage = known(first).map(to_date);
            }
            if let (Story::Adopted, Some(end)) = (story, p.end) {
                let book = if g.random.chance(LIFE_STORY_BOOK_ON_TIME_SHARE) {
                    Some({
                        let n = g.random.int(1, 10);
                        g.wd(end, n)
                    })
                } else if g.random.chance(0.5) {
                    Some({
                        let n = g.random.int(11, 60);
                        g.wd(end, n)
                    })
                } else {
                    None
                };
                work.book_completed = book.and_then(known).map(to_date);
                let letter = if g.random.chance(LATER_LIFE_LETTER_ON_TIME_SHARE) {
                    Some({
                        let n = g.random.int(1, 10);
                        g.wd(end, n)
                    })
                } else if g.random.chance(0.5) {
                    Some({
                        let n = g.random.int(11, 60);
                        g.wd(end, n)
                    })
                } else {
                    None
                };
                work.later_life_letter = letter.and_then(known).map(to_date);
            }
        }
        Story::SpecialGuardianship | Story::ConnectedCarers => {
            if let Some(end) = p.end
                && g.random.chance(0.5)
            {
                let day = (end - g.random.int(0, 30)).max(last);
                work.book_completed = known(day).map(to_date);
            }
        }
        Story::LongTerm | Story::Other => {
            if g.random.chance(0.3) {
                work.book_first_stage = Some(to_date(last));
            }
        }
    }
    g.tracker.life_story = Some(work);
}
