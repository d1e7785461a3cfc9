//! A seeded synthetic borough: fictional children's full SSDA903 histories, realistic
//! enough to exercise every part of Permanence, and the borough's 903 returns written
//! as the DfE's CSV files, one folder per collection year; and the tracker's own
//! records (staff, allocations, plans, meetings, decisions, panels, proceedings, ...)
//! consistent with those histories, written as the tracker's CSV templates in
//! `tracker/`.
//!
//! ```no_run
//! use permanence_domain::CollectionYear;
//! use permanence_synth::{SynthConfig, generate, write_borough};
//!
//! let config = SynthConfig {
//!     children: 2_000,
//!     seed: 7,
//!     first_year: CollectionYear(2021),
//!     last_year: CollectionYear(2026),
//! };
//! let children = generate(&config);
//! write_borough(&config, std::path::Path::new("returns"))?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! How a borough is made (see `rates.rs` for every rate and its source):
//!
//! 1. Candidate children enter care at a constant rate from 21 years before the first
//!    collection year to the end of the last, so the population looked after is in a
//!    steady state and children in care when the window opens have realistic earlier
//!    start dates. Each candidate is first sketched cheaply (birth, sex, UASC status,
//!    periods of care with their routes and exits); candidates who appear in none of
//!    the window's returns are dropped, until `children` remain.
//! 2. Each kept child is then detailed: legal statuses, placements with providers,
//!    URNs and postcodes, the episodes that follow from them, reviews, missing
//!    episodes, OC2, OC3, adoption, previous permanence, social workers and
//!    deprivation-of-liberty orders.
//! 3. Records are censored at 31 March of the last year: what happens later is not
//!    known (episodes still open, no later reviews, ...).
//! 4. The tracker's records are read off each child's journey ([`generate_tracker`]),
//!    with the inspection's patterns (late or missing permanence planning meetings,
//!    young children drifting in children's homes, overdue decisions, missing
//!    life-story work, stalled IRO challenges) at the rates in `rates.rs`.
//!
//! Every child has its own random stream, seeded from the borough's stream: the same
//! seed always gives the same children and byte-identical files. The tracker's records
//! use streams of their own, so the 903 returns are the same with or without them.
//! There is no time, no hash-map iteration and no threading in generation.

pub mod rates;

mod calendar;
mod care;
mod places;
mod random;
mod records;
mod sketch;
mod tracker;

pub use tracker::generate_tracker;

use std::io;
use std::path::{Path, PathBuf};

use permanence_domain::{ChildRecord, CollectionYear, Date};
use permanence_ssda903::write::{WriteSummary, write_return};

use crate::calendar::{Day, year_end, year_start};
use crate::places::Register;
use crate::random::Random;
use crate::records::Window;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthConfig {
    /// How many distinct children appear in the returns from `first_year` to
    /// `last_year` (looked after at some time in them, or care leavers with OC3 rows).
    pub children: usize,
    /// The random seed: the same seed gives the same borough.
    pub seed: u64,
    /// The first collection year written (by end year: 2021 is 2020/21).
    pub first_year: CollectionYear,
    /// The last collection year: the records are as at its 31 March.
    pub last_year: CollectionYear,
}

impl SynthConfig {
    /// The collection years from the first to the last.
    pub fn years(&self) -> impl Iterator<Item = CollectionYear> + use<> {
        (self.first_year.0..=self.last_year.0).map(CollectionYear)
    }
}

/// Salt mixed into the seed of the provider register, so that it does not share a
/// stream with the children.
const REGISTER_SALT: u64 = 0x5EED_0FB0_0C00_u64;

/// How many social workers the borough has: the pool of `SW_ID`s (`SW0001` up) the
/// social-worker episodes are drawn from.
pub(crate) fn social_worker_pool(config: &SynthConfig) -> usize {
    (config.children / rates::CHILDREN_PER_SOCIAL_WORKER).max(10)
}

/// Generates the borough's children: full histories up to 31 March of the last year,
/// in `CHILD` order (`C0000001`, `C0000002`, ...). Episodes are in order, and every code
/// is valid for each collection year whose return holds its row.
///
/// # Panics
///
/// If `first_year` is after `last_year`.
pub fn generate(config: &SynthConfig) -> Vec<ChildRecord> {
    generate_until(config, year_end(config.last_year.0))
}

/// Like [`generate`], but as a council's extract on `as_at` during the last collection
/// year shows the borough (councils extract monthly): nothing after `as_at` is known,
/// and the last year has no OC2 rows yet (those are about 31 March). `as_at` on or after
/// 31 March of the last year is the same as [`generate`].
///
/// # Panics
///
/// If `first_year` is after `last_year`, or `as_at` is before the last year began.
pub fn generate_as_at(config: &SynthConfig, as_at: Date) -> Vec<ChildRecord> {
    assert!(
        as_at >= config.last_year.start(),
        "{as_at} is before the last collection year ({}) began",
        config.last_year
    );
    let horizon = calendar::from_date(as_at).min(year_end(config.last_year.0));
    generate_until(config, horizon)
}

fn generate_until(config: &SynthConfig, horizon: Day) -> Vec<ChildRecord> {
    assert!(
        config.first_year <= config.last_year,
        "the first year ({}) is after the last ({})",
        config.first_year,
        config.last_year
    );
    let window_start: Day = year_start(config.first_year.0);
    let last_day: Day = year_end(config.last_year.0);
    let window = Window {
        first_year: config.first_year.0,
        last_year: config.last_year.0,
        horizon,
        social_workers: social_worker_pool(config) as i32,
    };
    let register = Register::new(&mut Random::seeded(config.seed ^ REGISTER_SALT));
    let mut borough = Random::seeded(config.seed);
    let earliest_entry = window_start - (f64::from(rates::PRE_WINDOW_YEARS) * 365.25) as i32;

    let mut children = Vec::with_capacity(config.children);
    while children.len() < config.children {
        let mut random = Random::seeded(borough.seed());
        let entry = random.int(earliest_entry, last_day);
        let sketch = sketch::sketch(&mut random, entry);
        if !sketch.appears_between(window_start, horizon) {
            continue;
        }
        let index = children.len();
        children.push(records::build(
            &mut random,
            index,
            &sketch,
            &register,
            &window,
        ));
    }
    children
}

/// The folder name of a collection year's return: `2025_26` for 2025/26.
pub fn year_folder(year: CollectionYear) -> String {
    format!("{}_{:02}", year.0 - 1, year.0.rem_euclid(100))
}

/// The folder, inside a borough's output folder, that holds the tracker's CSV files.
pub const TRACKER_FOLDER: &str = "tracker";

/// Generates the borough and writes one folder of 903 CSV files per collection year
/// into `out` (created if missing), named like `2025_26`, and the tracker's records
/// (see [`generate_tracker`]) as at 31 March of the last year as CSV files in
/// `out/tracker`. Returns what each year's return holds, in year order.
pub fn write_borough(config: &SynthConfig, out: &Path) -> io::Result<Vec<WriteSummary>> {
    write_borough_as_at(config, config.last_year.end(), out)
}

/// Like [`write_borough`], with the borough as at `as_at` during the last year (see
/// [`generate_as_at`]): the last year's return is a part-year extract, and the tracker
/// holds nothing dated after `as_at` (but due, target and next dates).
pub fn write_borough_as_at(
    config: &SynthConfig,
    as_at: Date,
    out: &Path,
) -> io::Result<Vec<WriteSummary>> {
    let children = generate_as_at(config, as_at);
    let summaries = write_returns(config, &children, out)?;
    write_tracker(config, as_at, &children, out)?;
    Ok(summaries)
}

/// Generates the tracker's records for already-generated children (see
/// [`generate_tracker`]) and writes them as CSV files in `out/tracker`.
pub fn write_tracker(
    config: &SynthConfig,
    as_at: Date,
    children: &[ChildRecord],
    out: &Path,
) -> io::Result<()> {
    let (organisation, trackers) = generate_tracker(config, as_at, children);
    permanence_tracker::write_tracker(&out.join(TRACKER_FOLDER), &organisation, &trackers)
}

/// Writes already-generated children as one return per year of `config` into `out`.
pub fn write_returns(
    config: &SynthConfig,
    children: &[ChildRecord],
    out: &Path,
) -> io::Result<Vec<WriteSummary>> {
    std::fs::create_dir_all(out)?;
    config
        .years()
        .map(|year| {
            let dir: PathBuf = out.join(year_folder(year));
            write_return(&dir, year, children)
        })
        .collect()
}
