//! Section 7, life-story work: how many children leaving care, or planned to leave it,
//! by each permanence route have life-story work started, the first stage of their book
//! and the completed book (the inspection found it missing for many children).

use permanence_domain::codes::ExitRoute;
use permanence_domain::tracker::PermanenceOption;

use super::permanence::primary_plan_on;
use crate::cohort::{ceased_between, looked_after_at};
use crate::{Cell, Scope, Section, Table};

/// The exit routes the section reports, in order.
const ROUTES: [&str; 5] = [
    "Adoption",
    "Special guardianship order",
    "Child arrangements order",
    "Connected carers",
    "Long-term fostering",
];

/// The route a plan leads to.
fn route_of_plan(option: PermanenceOption) -> Option<&'static str> {
    use PermanenceOption::*;
    Some(match option {
        Adoption | FosteringForAdoption | ConcurrentPlanning => ROUTES[0],
        SpecialGuardianship => ROUTES[1],
        ChildArrangementsOrder => ROUTES[2],
        ConnectedCarers => ROUTES[3],
        LongTermFostering => ROUTES[4],
        ReturnHome | Residential | SupportedLiving | StayingPut => return None,
    })
}

/// The route a period of care ended by.
fn route_of_exit(route: ExitRoute) -> Option<&'static str> {
    match route {
        ExitRoute::Adoption => Some(ROUTES[0]),
        ExitRoute::SpecialGuardianship => Some(ROUTES[1]),
        ExitRoute::ChildArrangementsOrder => Some(ROUTES[2]),
        _ => None,
    }
}

/// Section 7.
pub(crate) fn section(scope: &Scope<'_>) -> Section {
    let mut cohorts: Vec<Vec<String>> = vec![Vec::new(); ROUTES.len()];
    for journey in &scope.records.journeys {
        let route = if looked_after_at(journey, scope.as_of) {
            primary_plan_on(scope.records, journey, scope.as_of).and_then(route_of_plan)
        } else {
            ceased_between(journey, scope.start, scope.as_of)
                .and_then(|p| p.reason_ceased)
                .and_then(|r| r.exit_route())
                .and_then(route_of_exit)
        };
        if let Some(route) = route {
            let index = ROUTES.iter().position(|r| *r == route).expect("a route");
            cohorts[index].push(journey.child().to_string());
        }
    }
    let mut table = Table::new(
        "life_story_work_by_route",
        "Life-story work by permanence route",
        &[
            "Route",
            "Children",
            "Life-story work started",
            "First stage of the book given",
            "Book completed",
            "Later-life letter given",
        ],
    )
    .with_note(
        "Children looked after at the end of the period whose permanence plan is the route, and \
         children who left care by adoption, special guardianship or a child arrangements order \
         in the period. Shares of the route's children.",
    );
    for (route, children) in ROUTES.iter().zip(cohorts) {
        let with =
            |has: &dyn Fn(&permanence_domain::tracker::LifeStoryWork) -> bool| -> Vec<String> {
                children
                    .iter()
                    .filter(|c| {
                        scope
                            .records
                            .tracker(c)
                            .life_story
                            .as_ref()
                            .is_some_and(has)
                    })
                    .cloned()
                    .collect()
            };
        let total = children.len();
        table.push(vec![
            Cell::text(*route),
            Cell::children(children.clone()),
            Cell::percent(with(&|w| w.started.is_some() || w.sessions > 0), total),
            Cell::percent(with(&|w| w.book_first_stage.is_some()), total),
            Cell::percent(with(&|w| w.book_completed.is_some()), total),
            Cell::percent(with(&|w| w.later_life_letter.is_some()), total),
        ]);
    }
    Section {
        number: 7,
        id: "life_story",
        title: "Life-story work",
        intro: "Life-story work for children whose permanence is by adoption, special \
                guardianship, a child arrangements order, connected carers or long-term \
                fostering."
            .to_string(),
        charts: Vec::new(),
        tables: vec![table],
    }
}
