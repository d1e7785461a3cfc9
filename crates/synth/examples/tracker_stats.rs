//! Prints the shape of a synthetic borough's tracker records: how many of each, and the
//! inspection's patterns (`domain.md` §0) as they come out of `rates.rs`. For tuning.
//!
//! `cargo run --release -p permanence-synth --example tracker_stats -- 20000 1`

use std::collections::BTreeMap;

use permanence_domain::codes::ReasonEpisodeCeased;
use permanence_domain::tracker::{ActivityKind, ChildTracker, MeetingKind};
use permanence_domain::{CollectionYear, Journey};
use permanence_synth::{SynthConfig, generate, generate_tracker};

fn main() {
    let mut args = std::env::args().skip(1);
    let children: usize = args.next().map_or(20_000, |a| a.parse().expect("a number"));
    let seed: u64 = args.next().map_or(1, |a| a.parse().expect("a number"));
    let config = SynthConfig {
        children,
        seed,
        first_year: CollectionYear(2021),
        last_year: CollectionYear(2026),
    };
    let records = generate(&config);
    let as_at = config.last_year.end();
    let (organisation, trackers) = generate_tracker(&config, as_at, &records);
    let all: Vec<&ChildTracker> = trackers.values().collect();
    let count = |f: &dyn Fn(&ChildTracker) -> usize| all.iter().map(|t| f(t)).sum::<usize>();

    println!(
        "Organisation: {} people, {} teams, {} panels, {} supervision sessions, {} decisions about no child",
        organisation.people.len(),
        organisation.teams.len(),
        organisation.panels.len(),
        organisation.supervision.len(),
        organisation.decisions.len()
    );
    println!("Records for {} children:", all.len());
    println!("  allocations        {}", count(&|t| t.allocations.len()));
    println!("  plan versions      {}", count(&|t| t.plans.len()));
    println!("  meetings           {}", count(&|t| t.meetings.len()));
    println!(
        "  family finding     {}",
        count(&|t| t.family_finding.len())
    );
    println!(
        "  sibling assessments {}",
        count(&|t| t.sibling_assessments.len())
    );
    println!(
        "  life-story work    {}",
        count(&|t| usize::from(t.life_story.is_some()))
    );
    println!("  decisions          {}", count(&|t| t.decisions.len()));
    println!("  IRO challenges     {}", count(&|t| t.challenges.len()));
    println!(
        "  panel decisions    {}",
        count(&|t| t.panel_decisions.len())
    );
    println!("  activities         {}", count(&|t| t.activities.len()));
    println!(
        "  pre-proceedings    {}",
        count(&|t| t.pre_proceedings.len())
    );
    println!("  proceedings        {}", count(&|t| t.proceedings.len()));
    println!("  staying put        {}", count(&|t| t.staying_put.len()));
    println!("  supervision links  {}", count(&|t| t.supervision.len()));
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &all {
        for a in &t.activities {
            *kinds.entry(a.kind.code()).or_default() += 1;
        }
    }
    println!("Activities by kind: {kinds:?}");

    // PPM timeliness for entrants in the window.
    let journeys: BTreeMap<&str, Journey> = records
        .iter()
        .map(|r| (r.child.as_str(), Journey::new(r.clone())))
        .collect();
    let (mut entrants, mut within_4_weeks, mut none) = (0, 0, 0);
    for (id, journey) in &journeys {
        let t = &trackers[*id];
        for p in &journey.periods {
            if p.start < config.first_year.start()
                || p.end.is_some_and(|e| (e - p.start).get_days() < 60)
            {
                continue;
            }
            if (as_at - p.start).get_days() < 60 {
                continue;
            }
            entrants += 1;
            let first = t
                .meetings
                .iter()
                .filter(|m| m.kind == MeetingKind::PermanencePlanningMeeting && m.date >= p.start)
                .map(|m| m.date)
                .min();
            match first {
                Some(d) if (d - p.start).get_days() <= 28 => within_4_weeks += 1,
                Some(_) => {}
                None => none += 1,
            }
        }
    }
    println!(
        "PPMs: {entrants} entrants staying 60+ days; first PPM within 4 weeks {:.1}%, none {:.1}%",
        100.0 * within_4_weeks as f64 / entrants as f64,
        100.0 * none as f64 / entrants as f64
    );

    // Life-story work by exit.
    let mut by_exit: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (id, journey) in &journeys {
        let Some(last) = journey.periods.last() else {
            continue;
        };
        let Some(rec) = last.reason_ceased else {
            continue;
        };
        if last.end.is_some_and(|e| e < config.first_year.start()) {
            continue;
        }
        use ReasonEpisodeCeased::*;
        let group = match rec {
            E11 | E12 => "adoption",
            E43 | E44 | E45 | E46 | E47 | E48 => "special guardianship",
            E41 => "child arrangements",
            _ => continue,
        };
        let entry = by_exit.entry(group).or_default();
        entry.0 += 1;
        entry.1 += usize::from(trackers[*id].life_story.is_some());
    }
    for (group, (n, with)) in by_exit {
        println!(
            "Life-story work, exits by {group}: {with} of {n} ({:.0}%)",
            100.0 * with as f64 / n as f64
        );
    }

    // Decisions overdue on the as-at day.
    let decisions: Vec<_> = all.iter().flat_map(|t| t.decisions.iter()).collect();
    let due: Vec<_> = decisions
        .iter()
        .filter(|d| d.due.is_some_and(|due| due < as_at))
        .collect();
    let overdue = due.iter().filter(|d| d.completed.is_none()).count();
    println!(
        "Decisions: {} made, {} due before {as_at}, {overdue} of them not done ({:.1}%)",
        decisions.len(),
        due.len(),
        100.0 * overdue as f64 / due.len().max(1) as f64
    );
    let challenges: Vec<_> = all.iter().flat_map(|t| t.challenges.iter()).collect();
    let stalled = challenges
        .iter()
        .filter(|(c, steps)| {
            c.resolved.is_none()
                && steps
                    .last()
                    .is_some_and(|s| s.responded.is_none() && s.response_due < as_at)
        })
        .count();
    println!("IRO challenges: {}, stalled {stalled}", challenges.len());
    let visits = all
        .iter()
        .flat_map(|t| t.activities.iter())
        .filter(|a| a.kind == ActivityKind::Visit)
        .count();
    println!("Visits: {visits}");
}
