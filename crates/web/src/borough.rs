//! The borough as evaluated on one day: every child's journey and tracker records, the
//! staff register, the drift engine's findings, and each child's status as the children
//! list shows it. Built once a day (at start-up and when the date changes) and shared by
//! every request, so pages read memory rather than re-deriving journeys.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use permanence_domain::codes::Code;
use permanence_domain::tracker::{AllocationRole, ChildTracker, Organisation};
use permanence_domain::{Date, Journey};
use permanence_rules::{Finding, Policy};
use permanence_store::Store;

/// Today's date in the council's time zone (England).
pub fn today() -> Date {
    let zone = jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned_datetime(zone).date()
}

/// One child's status on the evaluation date: a row of the children list.
#[derive(Debug, Clone)]
pub struct ChildRow {
    /// The 903 CHILD id.
    pub child: String,
    /// Whether looked after on the date.
    pub looked_after: bool,
    /// Age in completed years.
    pub age: i32,
    /// The legal status's code, when looked after.
    pub legal_status: Option<&'static str>,
    /// The placement type's code, when looked after.
    pub placement: Option<&'static str>,
    /// Days in the current period of care, when looked after.
    pub days_in_care: Option<i32>,
    /// Open findings about the child.
    pub open_alerts: usize,
    /// Staff ids currently allocated to the child (any allocation role).
    pub allocated: Vec<String>,
}

/// The borough on one day.
pub struct Borough {
    /// The evaluation date.
    pub as_of: Date,
    /// Every child's journey.
    pub journeys: Vec<Journey>,
    /// The staff register, teams and panels.
    pub organisation: Organisation,
    /// Each child's tracker records (children with none are absent).
    pub trackers: BTreeMap<String, ChildTracker>,
    /// Every finding, in the engine's order (most overdue first).
    pub findings: Vec<Finding>,
    /// The children list's rows, by child id, for children whose care had begun.
    pub rows: Vec<ChildRow>,
    by_child: HashMap<String, usize>,
    findings_by_child: HashMap<String, Vec<usize>>,
}

impl Borough {
    /// Loads and evaluates everything the store holds, on `as_of`.
    pub fn load(store: &dyn Store, policy: &Policy, as_of: Date) -> anyhow::Result<Borough> {
        let journeys = permanence_store::load_journeys(store)?;
        let (organisation, trackers) = permanence_store::load_tracker(store)?;
        let findings = permanence_rules::evaluate_borough(
            &journeys,
            &trackers,
            &organisation,
            policy,
            &policy.calendar(),
            as_of,
        );
        Ok(Borough::new(
            as_of,
            journeys,
            organisation,
            trackers,
            findings,
        ))
    }

    /// Indexes what was loaded.
    pub fn new(
        as_of: Date,
        journeys: Vec<Journey>,
        organisation: Organisation,
        trackers: BTreeMap<String, ChildTracker>,
        findings: Vec<Finding>,
    ) -> Borough {
        let by_child = journeys
            .iter()
            .enumerate()
            .map(|(index, journey)| (journey.child().to_string(), index))
            .collect();
        let mut findings_by_child: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, finding) in findings.iter().enumerate() {
            findings_by_child
                .entry(finding.child.clone())
                .or_default()
                .push(index);
        }
        let mut rows: Vec<ChildRow> = journeys
            .iter()
            // Only children whose care had begun by the date.
            .filter(|j| j.record.episodes.first().is_some_and(|e| e.decom <= as_of))
            .map(|journey| {
                let episode = journey.episode_on(as_of);
                let allocated = trackers
                    .get(journey.child())
                    .map(|tracker| {
                        AllocationRole::ALL
                            .iter()
                            .filter_map(|role| tracker.allocated_on(*role, as_of))
                            .map(|allocation| allocation.person.to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                ChildRow {
                    child: journey.child().to_string(),
                    looked_after: episode.is_some(),
                    age: journey.age_on(as_of),
                    legal_status: episode.map(|e| e.ls.code()),
                    placement: episode.map(|e| e.place.code()),
                    days_in_care: journey.days_in_care(as_of),
                    open_alerts: findings_by_child.get(journey.child()).map_or(0, Vec::len),
                    allocated,
                }
            })
            .collect();
        rows.sort_by(|a, b| a.child.cmp(&b.child));
        Borough {
            as_of,
            journeys,
            organisation,
            trackers,
            findings,
            rows,
            by_child,
            findings_by_child,
        }
    }

    /// The child's journey.
    pub fn journey(&self, child: &str) -> Option<&Journey> {
        self.by_child.get(child).map(|&index| &self.journeys[index])
    }

    /// The child's findings, most overdue first.
    pub fn findings_for(&self, child: &str) -> impl Iterator<Item = &Finding> {
        self.findings_by_child
            .get(child)
            .into_iter()
            .flatten()
            .map(|&index| &self.findings[index])
    }

    /// The name of a member of staff, if the register knows them.
    pub fn staff_name(&self, id: &str) -> Option<&str> {
        self.organisation.person(id).map(|p| p.name.as_str())
    }
}

/// The borough shared by every request, replaced when the date changes.
pub(crate) struct Cache {
    current: RwLock<Arc<Borough>>,
}

impl Cache {
    pub(crate) fn new(borough: Borough) -> Cache {
        Cache {
            current: RwLock::new(Arc::new(borough)),
        }
    }

    /// The borough, if it was evaluated on `date`.
    pub(crate) fn get_if(&self, date: Date) -> Option<Arc<Borough>> {
        let current = self
            .current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (current.as_of == date).then(|| Arc::clone(&current))
    }

    /// Puts a newly evaluated borough in place and returns it.
    pub(crate) fn replace(&self, borough: Borough) -> Arc<Borough> {
        let borough = Arc::new(borough);
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::clone(&borough);
        borough
    }
}
