//! Generates a synthetic borough and writes its 903 returns and tracker records, timing
//! each step: the simple benchmark of the generator (use `--release`).
//!
//! `cargo run --release -p permanence-synth --example borough -- <out> [children] [seed] [first] [last]`
//! e.g. `... -- /tmp/borough 100000 1 2017 2026` (years by end year: 2026 is 2025/26).

use std::path::PathBuf;
use std::time::Instant;

use permanence_domain::CollectionYear;
use permanence_synth::{SynthConfig, TRACKER_FOLDER, generate, generate_tracker, write_returns};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().expect("an output folder"));
    let mut number = |default: i64| {
        args.next()
            .map_or(default, |a| a.parse().expect("a number"))
    };
    let config = SynthConfig {
        children: number(100_000) as usize,
        seed: number(1) as u64,
        first_year: CollectionYear(number(2017) as i16),
        last_year: CollectionYear(number(2026) as i16),
    };
    let started = Instant::now();
    let children = generate(&config);
    let generated = started.elapsed();
    let summaries = write_returns(&config, &children, &out)?;
    let written = started.elapsed();
    let as_at = config.last_year.end();
    let (organisation, trackers) = generate_tracker(&config, as_at, &children);
    let tracked = started.elapsed();
    permanence_tracker::write_tracker(&out.join(TRACKER_FOLDER), &organisation, &trackers)?;
    let total = started.elapsed();
    let episodes: usize = children.iter().map(|c| c.episodes.len()).sum();
    println!(
        "{} children ({episodes} episodes), {} to {}: generated in {:.2?}, written in {:.2?}",
        children.len(),
        config.first_year,
        config.last_year,
        generated,
        written - generated,
    );
    let activities: usize = trackers.values().map(|t| t.activities.len()).sum();
    let decisions: usize = trackers.values().map(|t| t.decisions.len()).sum();
    println!(
        "Tracker: {} staff, {} supervision sessions, {activities} activities, {decisions} decisions: generated in {:.2?}, written in {:.2?}; total {:.2?}",
        organisation.people.len(),
        organisation.supervision.len(),
        tracked - written,
        total - tracked,
        total
    );
    for summary in summaries {
        let rows: Vec<String> = summary
            .tables
            .iter()
            .map(|t| format!("{} {}", t.table.name(), t.rows))
            .collect();
        println!("{}: {}", summary.year, rows.join(", "));
    }
    Ok(())
}
