//! The tracker's own records for the synthetic borough (issue 4): the organisation and,
//! for every child, allocations, permanence plans, meetings, family finding, sibling
//! assessments, life-story work, supervision and decisions, IRO challenges, panel
//! decisions, statutory activity, pre-proceedings and care proceedings, and staying put.
//!
//! Every child has a fictional name, and a few a record restricted to named staff
//! (`details`).
//!
//! Everything else is read off the child's 903 history (its [`Journey`]): plans follow the
//! route the child actually took, proceedings follow the legal statuses, visits follow
//! the placements, allocations follow the social-worker episodes. The inspection's
//! patterns (`domain.md` §0) are drawn at the rates in `rates.rs`.
//!
//! Scope: the tracker holds the periods of care that overlap the window of collection
//! years (from their start, even before the window), and care-leaver work up to the
//! 21st birthday. Nothing is dated after the horizon (`as_at`, or 31 March of the last
//! year if earlier) except due, target and next dates.
//!
//! Randomness: each child has its own stream, seeded from the borough's seed, a salt and
//! the child's id, so the 903 records (which use other streams) are unchanged and the
//! same seed always gives the same records. Supervision sessions are per worker and
//! month, drawn from a hash of the seed, the worker and the month, so that the children
//! discussed in one session agree.

mod activity;
mod child;
mod court;
mod details;
mod facts;
mod fostering;
mod organisation;
mod oversight;
mod plans;

use std::collections::BTreeMap;

use permanence_domain::calendar::Calendar;
use permanence_domain::record::ChildId;
use permanence_domain::tracker::{ChildTracker, Organisation, SupervisionSession};
use permanence_domain::{ChildRecord, Date};

use crate::SynthConfig;
use crate::calendar::{Day, from_date, to_date, year_end, year_start};
use crate::random::Random;

/// Salt of the organisation's stream.
const ORGANISATION_SALT: u64 = 0x0546_AFF0_0000_0001;
/// Salt of the children's tracker streams.
const TRACKER_SALT: u64 = 0x7EAC_6E40_0000_0002;
/// Salt of the supervision hash.
const SUPERVISION_SALT: u64 = 0x5075_E241_5100_0003;
/// Salt of the foster-carer register's stream.
const FOSTERING_SALT: u64 = 0xF057_E125_0000_0005;

/// Generates the tracker's records for `children` (the borough's 903 histories, as
/// [`crate::generate`] or [`crate::generate_as_at`] made them for `config`), as known
/// on `as_at`: the organisation, and each child's records by 903 `CHILD` id (every
/// child has an entry, with at least the child's name and any restriction).
///
/// Deterministic: the same seed and children give the same records.
pub fn generate_tracker(
    config: &SynthConfig,
    as_at: Date,
    children: &[ChildRecord],
) -> (Organisation, BTreeMap<ChildId, ChildTracker>) {
    let horizon = from_date(as_at).min(year_end(config.last_year.0));
    let window_start = year_start(config.first_year.0);
    let live = from_date(permanence_domain::date::add_months(
        to_date(horizon),
        -12 * crate::rates::TRACKER_HISTORY_YEARS,
    ));
    let staff = organisation::build(
        &mut Random::seeded(config.seed ^ ORGANISATION_SALT),
        crate::social_worker_pool(config),
        children,
    );
    let mut scope = Scope {
        window_start,
        live: live.max(window_start),
        horizon,
        seed: config.seed,
        calendar: Calendar::england_and_wales(),
        months: Vec::new(),
        supervision: Vec::new(),
    };
    scope.plan_supervision(&staff);

    // Each child on its own; supervision sessions are keyed (worker, day) so that the
    // children discussed in each can be gathered afterwards.
    let trackers: Vec<(ChildTracker, Vec<(usize, Day)>)> = children
        .iter()
        .map(|record| {
            let seed = mix(config.seed ^ TRACKER_SALT ^ hash_str(&record.child));
            let mut random = Random::seeded(seed);
            child::generate(&mut random, &scope, &staff, record)
        })
        .collect();
    let mut discussed: Vec<(usize, Day, usize)> = Vec::new();
    for (index, (_, sessions)) in trackers.iter().enumerate() {
        discussed.extend(sessions.iter().map(|&(worker, day)| (worker, day, index)));
    }
    discussed.sort_unstable();

    // Every worker's sessions, each with the children discussed in it.
    let mut random = Random::seeded(config.seed ^ ORGANISATION_SALT ^ SUPERVISION_SALT);
    let (keys, sessions, decisions) =
        oversight::all_supervision(&mut random, &scope, &staff, &discussed, children);
    let mut out = BTreeMap::new();
    for (record, (mut tracker, own)) in children.iter().zip(trackers) {
        tracker.supervision = own
            .iter()
            .filter_map(|key| keys.binary_search(key).ok())
            .map(|i| sessions[i].clone())
            .collect();
        tracker.supervision.sort_by_key(|session| session.date);
        tracker.details = Some(details::details(
            config.seed,
            &record.child,
            &tracker,
            &staff.organisation,
        ));
        out.insert(record.child.clone(), tracker);
    }
    // In date order, then by the supervisee's id (sessions of the same worker and day
    // are one session).
    let mut rank = vec![0; staff.organisation.people.len()];
    let mut by_id: Vec<usize> = (0..rank.len()).collect();
    by_id.sort_by_key(|&person| staff.id(person));
    for (position, person) in by_id.into_iter().enumerate() {
        rank[person] = position;
    }
    let mut ordered: Vec<((Day, usize), SupervisionSession)> = keys
        .iter()
        .map(|&(worker, day)| (day, rank[worker]))
        .zip(sessions)
        .collect();
    ordered.sort_unstable_by_key(|(key, _)| *key);
    let mut organisation = staff.organisation;
    organisation.supervision = ordered.into_iter().map(|(_, session)| session).collect();
    organisation.decisions = decisions;
    // The register of foster carers, and children's placement needs for matching.
    let fostering_workers: Vec<String> = organisation
        .people
        .iter()
        .filter(|p| p.role == permanence_domain::tracker::StaffRole::FosteringWorker)
        .map(|p| p.id.clone())
        .collect();
    let (register, needs) = fostering::generate(
        &mut Random::seeded(config.seed ^ ORGANISATION_SALT ^ FOSTERING_SALT),
        children,
        to_date(scope.live),
        to_date(horizon),
        &fostering_workers,
    );
    organisation.fostering = register;
    for (child, child_needs) in needs {
        if let Some(tracker) = out.get_mut(&child) {
            tracker.placement_needs = Some(child_needs);
        }
    }
    (organisation, out)
}

/// What every child's generation shares.
pub(crate) struct Scope {
    /// 1 April of the first collection year.
    pub(crate) window_start: Day,
    /// The day the tracker went live: day-to-day records are held from then (see
    /// [`crate::rates::TRACKER_HISTORY_YEARS`]).
    pub(crate) live: Day,
    /// The last day known.
    pub(crate) horizon: Day,
    /// The borough's seed (for the supervision hash).
    pub(crate) seed: u64,
    /// Working days.
    pub(crate) calendar: Calendar,
    /// The first day of each month from the one the tracker went live in to the
    /// horizon's.
    pub(crate) months: Vec<Day>,
    /// The day of each supervised worker's supervision in each month (by person, then
    /// month), if held.
    supervision: Vec<Option<Day>>,
}

impl Scope {
    /// The `n`th working day after `day`.
    pub(crate) fn working_days(&self, day: Day, n: i32) -> Day {
        from_date(self.calendar.add_working_days(to_date(day), n))
    }

    /// Draws every supervised worker's supervision days (social workers, personal
    /// advisers and team managers, with their managers), once for all children.
    fn plan_supervision(&mut self, staff: &organisation::Staff) {
        use permanence_domain::tracker::StaffRole;
        let (mut y, mut m, _) = crate::calendar::civil_from_days(self.live);
        loop {
            let month_start = crate::calendar::days_from_civil(y, m, 1);
            if month_start > self.horizon {
                break;
            }
            self.months.push(month_start);
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
        let people = &staff.organisation.people;
        let mut table = Vec::with_capacity(people.len() * self.months.len());
        for (person, p) in people.iter().enumerate() {
            let supervised = matches!(
                p.role,
                StaffRole::SocialWorker | StaffRole::PersonalAdviser | StaffRole::TeamManager
            ) && staff.manager(person).is_some();
            for &month_start in &self.months {
                let day = if supervised {
                    self.draw_supervision_day(&p.id, month_start)
                        .filter(|&day| day >= self.live && day <= self.horizon)
                } else {
                    None
                };
                table.push(day);
            }
        }
        self.supervision = table;
    }

    /// The supervision day of `person` in month number `month` of [`Scope::months`].
    pub(crate) fn supervision_day(&self, person: usize, month: usize) -> Option<Day> {
        self.supervision[person * self.months.len() + month]
    }

    /// The index in [`Scope::months`] of the month containing `day` (0 before them).
    pub(crate) fn month_of(&self, day: Day) -> usize {
        self.months.partition_point(|&m| m <= day).saturating_sub(1)
    }

    /// Whether supervision is held with `worker` in the month starting `month_start`,
    /// and on which day: a working day in the month, drawn from a hash of the seed, the
    /// worker and the month.
    fn draw_supervision_day(&self, worker: &str, month_start: Day) -> Option<Day> {
        use crate::rates::{
            SUPERVISION_GAPS_WORKER_SHARE, SUPERVISION_MISSED_MONTH_SHARE,
            SUPERVISION_MISSED_MONTH_SHARE_GAPS,
        };
        let worker_hash = mix(self.seed ^ SUPERVISION_SALT ^ hash_str(worker));
        let gaps = unit(worker_hash) < SUPERVISION_GAPS_WORKER_SHARE;
        let month_hash = mix(worker_hash ^ (month_start as u64).wrapping_mul(0x9E37_79B9));
        let missed = if gaps {
            SUPERVISION_MISSED_MONTH_SHARE_GAPS
        } else {
            SUPERVISION_MISSED_MONTH_SHARE
        };
        if unit(month_hash) < missed {
            return None;
        }
        let offset = (mix(month_hash) % 26) as i32;
        let day = month_start + offset;
        // The next working day, staying in the month (its 27th day at the latest is
        // followed by a working day before the month ends, or the 26th is used).
        let working = self.working_days(day - 1, 1);
        Some(if working - month_start < 28 {
            working
        } else {
            self.working_days(day, -1)
        })
    }
}

/// A supervision session's id.
pub(crate) fn session_id(worker: &str, day: Day) -> String {
    let (y, m, d) = crate::calendar::civil_from_days(day);
    format!("SUP-{worker}-{y:04}{m:02}{d:02}")
}

/// SplitMix64's finaliser: a well-mixed 64-bit hash of `z`.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a of a string (stable across runs and platforms).
pub(crate) fn hash_str(text: &str) -> u64 {
    text.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// A hash as a number in `[0, 1)`.
fn unit(hash: u64) -> f64 {
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{civil_from_days, days_from_civil};

    fn scope() -> Scope {
        Scope {
            window_start: days_from_civil(2020, 4, 1),
            live: days_from_civil(2023, 4, 1),
            horizon: days_from_civil(2026, 3, 31),
            seed: 5,
            calendar: Calendar::england_and_wales(),
            months: Vec::new(),
            supervision: Vec::new(),
        }
    }

    #[test]
    fn supervision_falls_on_a_working_day_in_its_month() {
        let scope = scope();
        let mut held = 0;
        for worker in ["SW0001", "SW0002", "PA0007", "TM0003"] {
            for month in 0..36 {
                let (y, m) = (2023 + month / 12, 1 + month % 12);
                let start = days_from_civil(y, m, 1);
                if let Some(day) = scope.draw_supervision_day(worker, start) {
                    held += 1;
                    let (dy, dm, _) = civil_from_days(day);
                    assert_eq!((dy, dm), (y, m), "{worker} {y}-{m}");
                    assert!(scope.calendar.is_working_day(to_date(day)));
                    // The same worker and month always give the same day.
                    assert_eq!(scope.draw_supervision_day(worker, start), Some(day));
                }
            }
        }
        assert!(held > 80, "{held}");
    }

    #[test]
    fn hashes_are_stable() {
        assert_eq!(hash_str(""), 0xCBF2_9CE4_8422_2325);
        assert_ne!(mix(1), mix(2));
        assert_eq!(
            session_id("SW0001", days_from_civil(2025, 6, 3)),
            "SUP-SW0001-20250603"
        );
    }
}
