//! Evaluating every drift rule, with the tracker's records, for a national-scale history
//! of 100,000 children (target: well under 2 s on 2 cores) and a 2,000-children borough.
//!
//! The children and their records are generated here, deterministically, in two
//! scenarios:
//!
//! - `kept`: about a third of the children looked after on the evaluation date, and each
//!   piece of work recorded on time nine times in ten (visits, reviews, plans and their
//!   progress, meetings, health and education records, decisions, supervision);
//! - `stale`: three children in four looked after, and plans, meetings, supervision and
//!   decisions left to go stale after the first months: a worst case for the number of
//!   findings (about six per child).
//!
//! Run with `cargo bench -p permanence-rules --bench evaluate_with`; `PHASES=1` prints
//! the time to evaluate and to drop the findings, `BY_RULE=1` the findings per rule.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use permanence_domain::codes::{LegalStatus, Placement, ReasonEpisodeCeased, ReasonNewEpisode};
use permanence_domain::date::{add_days, add_months};
use permanence_domain::journey::test_support::{child, episode};
use permanence_domain::record::{Episode, Review};
use permanence_domain::tracker::*;
use permanence_domain::{Date, Journey};
use permanence_rules::{Policy, evaluate_all, evaluate_all_with};

/// A small deterministic generator (SplitMix64).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: i32) -> i32 {
        (self.next() % n as u64) as i32
    }

    fn percent(&mut self, chance: i32) -> bool {
        self.below(100) < chance
    }
}

/// How the generated records look.
#[derive(Clone, Copy)]
struct Scenario {
    /// Percent chance each piece of ongoing work is recorded on time.
    kept: i32,
    /// Percent chance a child's last period of care is still open.
    open: i32,
}

const KEPT: Scenario = Scenario { kept: 90, open: 40 };
const STALE: Scenario = Scenario { kept: 0, open: 60 };
const AS_OF: Date = Date::constant(2026, 3, 31);
const PLACES: [Placement; 8] = [
    Placement::U6,
    Placement::U4,
    Placement::U3,
    Placement::U1,
    Placement::K2,
    Placement::P1,
    Placement::H5,
    Placement::A6,
];
const WORKERS: i32 = 640;

fn worker(n: i32) -> String {
    format!("SW{n:03}")
}

fn person(id: String, role: StaffRole, manager: Option<String>) -> Person {
    Person {
        name: format!("Name of {id}"),
        id,
        role,
        team: None,
        manager,
        start: None,
        end: None,
    }
}

/// A director, 4 heads of service, 16 service managers, 80 team managers with 8 social
/// workers each, 40 IROs and their manager; every social worker supervised monthly.
fn organisation(scenario: Scenario, random: &mut Random) -> Organisation {
    let mut people = vec![person("DCS".into(), StaffRole::Director, None)];
    for h in 0..4 {
        people.push(person(
            format!("HOS{h}"),
            StaffRole::HeadOfService,
            Some("DCS".into()),
        ));
        for s in 0..4 {
            let sm = format!("SM{h}{s}");
            people.push(person(
                sm.clone(),
                StaffRole::ServiceManager,
                Some(format!("HOS{h}")),
            ));
            for t in 0..5 {
                let tm = format!("TM{h}{s}{t}");
                people.push(person(tm.clone(), StaffRole::TeamManager, Some(sm.clone())));
                for w in 0..8 {
                    let n = ((h * 4 + s) * 5 + t) * 8 + w;
                    people.push(person(worker(n), StaffRole::SocialWorker, Some(tm.clone())));
                }
            }
        }
    }
    people.push(person(
        "IROM".into(),
        StaffRole::IroManager,
        Some("DCS".into()),
    ));
    for i in 0..40 {
        people.push(person(
            format!("IRO{i}"),
            StaffRole::Iro,
            Some("IROM".into()),
        ));
    }
    let mut supervision = Vec::new();
    for n in 0..WORKERS {
        let mut day = Date::constant(2016, 4, 1);
        let until = if random.percent(scenario.kept) {
            AS_OF
        } else {
            Date::constant(2025, 6, 1)
        };
        while day <= until {
            supervision.push(SupervisionSession {
                id: format!("S{n}-{day}"),
                date: day,
                supervisor: "TM000".into(),
                supervisee: worker(n),
                children: vec![],
            });
            day = add_days(day, 25 + random.below(8));
        }
    }
    supervision.sort_by_key(|session| session.date);
    Organisation {
        people,
        supervision,
        ..Organisation::default()
    }
}

fn activity(child: &str, kind: ActivityKind, date: Date) -> Activity {
    Activity {
        child: child.into(),
        kind,
        date,
        by: None,
        seen_alone: None,
    }
}

/// Dates from `from` up to `until`, every `every` days or so; each kept with the
/// scenario's chance (the first always).
fn every(
    random: &mut Random,
    scenario: Scenario,
    from: Date,
    until: Date,
    every: i32,
) -> Vec<Date> {
    let mut dates = Vec::new();
    let mut day = from;
    let mut first = true;
    while day < until && day <= AS_OF {
        if first || random.percent(scenario.kept) {
            dates.push(day);
        }
        first = false;
        day = add_days(day, every - every / 8 + random.below((every / 4).max(1)));
    }
    dates
}

/// One child: one to three periods of care over ten years, and tracker records.
fn generate_child(
    index: usize,
    scenario: Scenario,
    random: &mut Random,
) -> (Journey, ChildTracker) {
    let id = format!("C{index:06}");
    let dob = add_days(Date::constant(2005, 1, 1), random.below(20 * 365));
    let mut record = child(&id, dob);
    let mut tracker = ChildTracker::default();
    let mut start =
        add_days(Date::constant(2016, 4, 1), random.below(9 * 365)).max(add_days(dob, 30));
    let periods = 1 + random.below(3);
    for period in 0..periods {
        if start >= AS_OF {
            break;
        }
        let length = 60 + random.below(5 * 365);
        let end = add_days(start, length);
        let open = period == periods - 1 && random.percent(scenario.open);
        let until = if open { AS_OF } else { end };
        let mut decom = start;
        let moves = 1 + random.below(4);
        for m in 0..moves {
            let next = add_days(decom, (length / moves).max(1));
            let last = m == moves - 1;
            let place = PLACES[random.below(PLACES.len() as i32) as usize];
            let rne = if m == 0 {
                ReasonNewEpisode::S
            } else {
                ReasonNewEpisode::P
            };
            let (dec, rec) = if last {
                if open {
                    (None, None)
                } else {
                    (Some(end), Some(ReasonEpisodeCeased::E4A))
                }
            } else {
                (Some(next), Some(ReasonEpisodeCeased::X1))
            };
            record.episodes.push(Episode {
                ls: if random.below(4) == 0 {
                    LegalStatus::V2
                } else {
                    LegalStatus::C2
                },
                ..episode(decom, rne, place, dec, rec)
            });
            if decom <= AS_OF && (m == 0 || random.percent(scenario.kept)) {
                for kind in [
                    ActivityKind::PlacementPlan,
                    ActivityKind::PlacementNotification,
                ] {
                    tracker
                        .activities
                        .push(activity(&id, kind, add_days(decom, 2)));
                }
            }
            decom = next;
        }
        for date in every(random, scenario, add_days(start, 18), until, 175) {
            record.reviews.push(Review {
                review: date,
                review_code: None,
            });
            tracker.activities.push(activity(
                &id,
                ActivityKind::ReviewRecordCirculated,
                add_days(date, 3),
            ));
        }
        for (kind, from, days) in [
            (ActivityKind::Visit, 5, 40),
            (ActivityKind::PepReview, 8, 100),
            (ActivityKind::ReviewHealthAssessment, 200, 170),
        ] {
            for date in every(random, scenario, add_days(start, from), until, days) {
                tracker.activities.push(activity(&id, kind, date));
            }
        }
        for (kind, after) in [
            (ActivityKind::CarePlan, 8),
            (ActivityKind::InitialHealthAssessment, 15),
            (ActivityKind::PepInitial, 8),
        ] {
            tracker
                .activities
                .push(activity(&id, kind, add_days(start, after)));
        }
        let social_worker = worker(random.below(WORKERS));
        for (role, person) in [
            (AllocationRole::SocialWorker, social_worker.clone()),
            (AllocationRole::Iro, format!("IRO{}", random.below(40))),
        ] {
            tracker.allocations.push(Allocation {
                child: id.clone(),
                role,
                person,
                team: None,
                start,
                end: (!open).then_some(end),
            });
        }
        let primary =
            PermanenceOption::ALL[random.below(PermanenceOption::ALL.len() as i32) as usize];
        let contingency = random.percent(50 + scenario.kept / 2);
        // The plan is reviewed (a new version, moving its target on) at each meeting.
        let meetings = every(random, scenario, add_days(start, 25), until, 90);
        for (k, date) in meetings.iter().enumerate() {
            tracker.meetings.push(Meeting {
                child: id.clone(),
                kind: MeetingKind::PermanencePlanningMeeting,
                date: *date,
                chair: None,
                outcome: String::new(),
                next: None,
            });
            if k == 0 || scenario.kept > 0 {
                tracker.plans.push(PermanencePlan {
                    child: id.clone(),
                    decided: *date,
                    forum: Forum::PermanencePlanningMeeting,
                    primary,
                    parallel: vec![],
                    contingency: contingency.then_some(PermanenceOption::LongTermFostering),
                    target: Some(add_months(*date, 9)),
                    achieved: None,
                    achieved_by: None,
                });
            }
            tracker.decisions.push(Decision {
                id: format!("{id}-D{period}{k}"),
                child: Some(id.clone()),
                source: DecisionSource::PermanencePlanningMeeting,
                source_ref: None,
                made: *date,
                made_by: "TM000".into(),
                text: "Do it".into(),
                owner: social_worker.clone(),
                due: Some(add_days(*date, 28)),
                completed: (random.percent(scenario.kept) && add_days(*date, 20) <= AS_OF)
                    .then_some(add_days(*date, 20)),
            });
        }
        if primary.is_adoption() && random.percent(scenario.kept) {
            tracker.life_story = Some(LifeStoryWork {
                child: id.clone(),
                started: Some(add_days(start, 40)),
                sessions: 3,
                last_session: None,
                book_first_stage: None,
                book_completed: None,
                later_life_letter: None,
            });
            tracker.family_finding.push(FamilyFinding {
                child: id.clone(),
                route: FamilyFindingRoute::Adoption,
                start: add_days(start, 30),
                profiles: 1,
                links: 0,
                expressions_of_interest: 0,
                matches: 0,
                status: FamilyFindingStatus::Active,
                end: None,
                end_reason: None,
                fostering_for_adoption_considered: Some(add_days(start, 30)),
            });
        }
        start = add_days(end, 30 + random.below(700));
    }
    tracker.activities.sort_by_key(|a| a.date);
    tracker.plans.sort_by_key(|p| p.decided);
    (Journey::new(record), tracker)
}

fn generate(
    children: usize,
    scenario: Scenario,
) -> (Vec<Journey>, BTreeMap<String, ChildTracker>, Organisation) {
    let mut random = Random(7);
    let organisation = organisation(scenario, &mut random);
    let mut journeys = Vec::with_capacity(children);
    let mut trackers = BTreeMap::new();
    for index in 0..children {
        let (journey, tracker) = generate_child(index, scenario, &mut random);
        trackers.insert(journey.child().to_string(), tracker);
        journeys.push(journey);
    }
    (journeys, trackers, organisation)
}

fn evaluate(c: &mut Criterion) {
    let policy = Policy::default();
    let calendar = policy.calendar();
    let mut group = c.benchmark_group("evaluate_all_with");
    group.sample_size(10);
    for (name, children, scenario) in [
        ("borough_2000_kept", 2_000, KEPT),
        ("national_100000_kept", 100_000, KEPT),
        ("national_100000_stale", 100_000, STALE),
    ] {
        let (journeys, trackers, organisation) = generate(children, scenario);
        let findings = evaluate_all_with(
            &journeys,
            &trackers,
            &organisation,
            &policy,
            &calendar,
            AS_OF,
        );
        let looked_after = journeys.iter().filter(|j| j.looked_after_on(AS_OF)).count();
        println!(
            "{name}: {looked_after} looked after on {AS_OF}, {} findings",
            findings.len()
        );
        if std::env::var_os("BY_RULE").is_some() {
            let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
            for finding in &findings {
                *by_rule.entry(finding.rule).or_default() += 1;
            }
            println!("{by_rule:?}");
        }
        drop(findings);
        if std::env::var_os("PHASES").is_some() {
            for _ in 0..3 {
                let start = std::time::Instant::now();
                let findings = evaluate_all_with(
                    &journeys,
                    &trackers,
                    &organisation,
                    &policy,
                    &calendar,
                    AS_OF,
                );
                let evaluated = start.elapsed();
                drop(findings);
                println!(
                    "{name}: evaluated and sorted in {evaluated:?}, dropped in {:?}",
                    start.elapsed() - evaluated
                );
            }
        }
        group.bench_function(name, |b| {
            b.iter(|| {
                black_box(evaluate_all_with(
                    &journeys,
                    &trackers,
                    &organisation,
                    &policy,
                    &calendar,
                    AS_OF,
                ))
            });
        });
        group.bench_function(format!("{name}_903_only"), |b| {
            b.iter(|| black_box(evaluate_all(&journeys, &policy, &calendar, AS_OF)));
        });
    }
    group.finish();
}

criterion_group!(benches, evaluate);
criterion_main!(benches);
