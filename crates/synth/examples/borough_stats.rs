//! Prints the shape of a synthetic borough: the population looked after at each 31 March
//! and, at the last one, its ages, sexes, ethnic groups, needs, placements and legal
//! statuses next to England's 2022 figures. For tuning `rates.rs`.
//!
//! `cargo run --release -p permanence-synth --example borough_stats -- 20000 1`

use std::collections::BTreeMap;

use permanence_domain::codes::{Code, PlacementGroup};
use permanence_domain::date::{age_on, days_between};
use permanence_domain::{CollectionYear, Journey};
use permanence_synth::{SynthConfig, generate};

fn main() {
    let mut args = std::env::args().skip(1);
    let children: usize = args.next().map_or(20_000, |a| a.parse().expect("a number"));
    let seed: u64 = args.next().map_or(1, |a| a.parse().expect("a number"));
    let config = SynthConfig {
        children,
        seed,
        first_year: CollectionYear(2017),
        last_year: CollectionYear(2026),
    };
    let records = generate(&config);
    let journeys: Vec<Journey> = records.into_iter().map(Journey::new).collect();

    for year in config.years() {
        let day = year.end();
        let looked_after = journeys.iter().filter(|j| j.looked_after_on(day)).count();
        let started = journeys
            .iter()
            .flat_map(|j| j.periods.iter())
            .filter(|p| year.start() <= p.start && p.start <= year.end())
            .count();
        let ceased = journeys
            .iter()
            .flat_map(|j| j.periods.iter())
            .filter(|p| p.end.is_some_and(|e| year.start() <= e && e <= year.end()))
            .count();
        println!(
            "{year}: looked after at 31 March {looked_after}, started {started}, ceased {ceased}"
        );
    }

    let day = config.last_year.end();
    let cla: Vec<&Journey> = journeys.iter().filter(|j| j.looked_after_on(day)).collect();
    let n = cla.len() as f64;
    let share = |count: usize| format!("{:5.1}%", 100.0 * count as f64 / n);

    let mut bands = [0usize; 5];
    for j in &cla {
        let age = age_on(j.record.header.dob, day);
        let band = match age {
            0 => 0,
            1..=4 => 1,
            5..=9 => 2,
            10..=15 => 3,
            _ => 4,
        };
        bands[band] += 1;
    }
    println!("\nAt {day}: {} looked after", cla.len());
    println!(
        "ages: <1 {} (5%), 1-4 {} (14%), 5-9 {} (18%), 10-15 {} (39%), 16+ {} (25%)",
        share(bands[0]),
        share(bands[1]),
        share(bands[2]),
        share(bands[3]),
        share(bands[4])
    );
    let male = cla
        .iter()
        .filter(|j| j.record.header.sex.label() == "Male")
        .count();
    println!("male {} (56%)", share(male));
    let mut groups: BTreeMap<char, usize> = BTreeMap::new();
    for j in &cla {
        *groups
            .entry(j.record.header.ethnic.code().chars().next().unwrap())
            .or_default() += 1;
    }
    println!(
        "ethnicity (W 73, M 10, B 7, A 5, O/C 4, R/N 1): {:?}",
        groups
            .iter()
            .map(|(k, v)| format!("{k} {}", share(*v)))
            .collect::<Vec<_>>()
    );
    let n1 = cla
        .iter()
        .filter(|j| j.episode_on(day).unwrap().cin.code() == "N1")
        .count();
    println!("CIN N1 {} (66%)", share(n1));
    let uasc = cla.iter().filter(|j| j.record.uasc_until.is_some()).count();
    println!("UASC {} (~7%)", share(uasc));
    let mut places: BTreeMap<PlacementGroup, usize> = BTreeMap::new();
    let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut legal: BTreeMap<&str, usize> = BTreeMap::new();
    for j in &cla {
        let e = j.episode_on(day).unwrap();
        *places.entry(e.place.group()).or_default() += 1;
        *codes.entry(e.place.code()).or_default() += 1;
        *legal.entry(e.ls.code()).or_default() += 1;
    }
    println!(
        "placements (foster ~70%): {:?}",
        places
            .iter()
            .map(|(k, v)| format!("{} {}", k.label(), share(*v)))
            .collect::<Vec<_>>()
    );
    println!(
        "PLACE: {:?}",
        codes
            .iter()
            .map(|(k, v)| format!("{k} {}", share(*v)))
            .collect::<Vec<_>>()
    );
    println!(
        "LS: {:?}",
        legal
            .iter()
            .map(|(k, v)| format!("{k} {}", share(*v)))
            .collect::<Vec<_>>()
    );
    let three_plus = cla
        .iter()
        .filter(|j| j.placements_in_last_12_months(day) >= 3)
        .count();
    let one = cla
        .iter()
        .filter(|j| j.placements_in_last_12_months(day) == 1)
        .count();
    println!(
        "3+ placements in year {} (10%), one placement {} (69%)",
        share(three_plus),
        share(one)
    );
    let young_home = cla
        .iter()
        .filter(|j| {
            let e = j.episode_on(day).unwrap();
            e.place.is_childrens_home() && age_on(j.record.header.dob, day) < 11
        })
        .count();
    println!("under 11 in a children's home: {young_home}");

    // Adoptions: time from entry to adoption.
    let mut adoption_days = Vec::new();
    let mut exits: BTreeMap<&str, usize> = BTreeMap::new();
    let year = config.last_year;
    for j in &journeys {
        for p in &j.periods {
            if let (Some(end), Some(rec)) = (p.end, p.reason_ceased)
                && year.start() <= end
                && end <= year.end()
            {
                *exits.entry(rec.code()).or_default() += 1;
                if matches!(rec.code(), "E11" | "E12") {
                    adoption_days.push(days_between(p.start, end));
                }
            }
        }
    }
    let mean = adoption_days.iter().sum::<i32>() as f64 / adoption_days.len().max(1) as f64;
    println!(
        "\nadoptions in {year}: {} (entry to adoption {:.2} years; England 2.25)",
        adoption_days.len(),
        mean / 365.25
    );
    println!("exits in {year}: {exits:?}");
}
