//! What a report is computed from: every child's journey and tracker records, the
//! organisation, and the alerts' activity in the period; and the same as they stood on
//! a past date.

use std::collections::BTreeMap;

use permanence_domain::record::ChildId;
use permanence_domain::tracker::{ChildTracker, Organisation};
use permanence_domain::{Date, Journey};
use permanence_store::{AlertActivity, Alerts, Store, StoreError};

/// The borough's records, as a report reads them.
#[derive(Debug, Clone, Default)]
pub struct Records {
    /// Every child's journey.
    pub journeys: Vec<Journey>,
    /// Each child's tracker records, by 903 CHILD id.
    pub trackers: BTreeMap<ChildId, ChildTracker>,
    /// Staff, teams, panels, supervision and decisions about no child.
    pub organisation: Organisation,
    /// The alerts' events in the reporting period.
    pub alert_activity: Vec<AlertActivity>,
}

impl Records {
    /// Everything the store holds, with the alert activity from `from` to `to`.
    pub fn load<S: Store + Alerts + ?Sized>(
        store: &S,
        from: Date,
        to: Date,
    ) -> Result<Records, StoreError> {
        let (organisation, trackers) = permanence_store::load_tracker(store)?;
        Ok(Records {
            journeys: permanence_store::load_journeys(store)?,
            trackers,
            organisation,
            alert_activity: store.alert_activity(from, to)?,
        })
    }

    /// The records as they stood on `date` ([`permanence_domain::ChildRecord::known_on`],
    /// [`ChildTracker::known_on`]): children who had not come into care by then are
    /// left out, and alert activity after it.
    pub fn known_on(&self, date: Date) -> Records {
        let journeys: Vec<Journey> = self
            .journeys
            .iter()
            .filter(|j| j.record.episodes.first().is_some_and(|e| e.decom <= date))
            .map(|j| Journey::new(j.record.known_on(date)))
            .collect();
        Records {
            trackers: self
                .trackers
                .iter()
                .map(|(child, tracker)| (child.clone(), tracker.known_on(date)))
                .collect(),
            organisation: self.organisation.known_on(date),
            alert_activity: self
                .alert_activity
                .iter()
                .filter(|a| a.event.on_day <= date)
                .cloned()
                .collect(),
            journeys,
        }
    }

    /// A child's tracker records (empty for a child with none).
    pub fn tracker(&self, child: &str) -> &ChildTracker {
        self.trackers
            .get(child)
            .unwrap_or_else(|| permanence_rules::no_tracker_records())
    }
}
