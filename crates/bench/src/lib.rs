//! Shared set-up for the benchmarks: synthetic boroughs at the sizes the issues name.

use permanence_domain::{CollectionYear, Date, Journey};
use permanence_synth::SynthConfig;

/// A borough the size of the demo: 2,000 children over six collection years.
pub const BOROUGH: SynthConfig = SynthConfig {
    children: 2_000,
    seed: 1,
    first_year: CollectionYear(2021),
    last_year: CollectionYear(2026),
};

/// A national-scale history: 100,000 children over ten collection years.
pub const NATIONAL: SynthConfig = SynthConfig {
    children: 100_000,
    seed: 1,
    first_year: CollectionYear(2017),
    last_year: CollectionYear(2026),
};

/// The evaluation date used by the benchmarks: the end of the last collection year.
pub fn as_of(config: &SynthConfig) -> Date {
    config.last_year.end()
}

/// The journeys of a synthetic borough.
pub fn journeys(config: &SynthConfig) -> Vec<Journey> {
    permanence_synth::generate(config)
        .into_iter()
        .map(Journey::new)
        .collect()
}
