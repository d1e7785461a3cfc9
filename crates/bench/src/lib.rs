//! Shared set-up for the benchmarks: synthetic boroughs at the sizes the issues name.

use std::collections::BTreeMap;

use permanence_domain::record::ChildId;
use permanence_domain::tracker::{ChildTracker, Organisation};
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

/// A synthetic borough as the drift engine sees it: journeys and the tracker's records.
pub struct Borough {
    /// Every child's journey.
    pub journeys: Vec<Journey>,
    /// Staff, teams, panels, supervision.
    pub organisation: Organisation,
    /// Each child's tracker records.
    pub trackers: BTreeMap<ChildId, ChildTracker>,
}

/// Generates a borough as at the end of its last collection year.
pub fn borough(config: &SynthConfig) -> Borough {
    let children = permanence_synth::generate(config);
    let (organisation, trackers) =
        permanence_synth::generate_tracker(config, as_of(config), &children);
    Borough {
        journeys: children.into_iter().map(Journey::new).collect(),
        organisation,
        trackers,
    }
}
