//! The borough as evaluated on one day: every child's journey and tracker records, the
//! staff register, the drift engine's findings, and each child's status as the children
//! list shows it. Built once a day (at start-up and when the date changes) and shared by
//! every request, so pages read memory rather than re-deriving journeys.
//!
//! Who may see a child is decided here too ([`Borough::may_see`]): a record restricted
//! to named staff (`child_details.csv`) is visible to them alone, and every page that
//! shows children asks before it shows one.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use permanence_domain::codes::Code;
use permanence_domain::date::add_months;
use permanence_domain::tracker::{AllocationRole, ChildTracker, Organisation, PermanenceOption};
use permanence_domain::{Date, Journey};
use permanence_rules::{Finding, Policy};
use permanence_store::Store;

/// Today's date in the council's time zone (England).
pub fn today() -> Date {
    let zone = jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::Timestamp::now().to_zoned_datetime(zone).date()
}

/// An age band of the children list (the DfE's bands, with 16-17 and 18+ apart, as
/// care leavers are on the list too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AgeBand {
    /// Under 1.
    UnderOne,
    /// 1 to 4.
    OneToFour,
    /// 5 to 9.
    FiveToNine,
    /// 10 to 15.
    TenToFifteen,
    /// 16 and 17.
    SixteenToSeventeen,
    /// 18 and over.
    EighteenAndOver,
}

impl AgeBand {
    /// Every band, youngest first.
    pub const ALL: [AgeBand; 6] = [
        AgeBand::UnderOne,
        AgeBand::OneToFour,
        AgeBand::FiveToNine,
        AgeBand::TenToFifteen,
        AgeBand::SixteenToSeventeen,
        AgeBand::EighteenAndOver,
    ];

    /// The band of an age in completed years.
    pub fn of(age: i32) -> AgeBand {
        match age {
            ..=0 => AgeBand::UnderOne,
            1..=4 => AgeBand::OneToFour,
            5..=9 => AgeBand::FiveToNine,
            10..=15 => AgeBand::TenToFifteen,
            16..=17 => AgeBand::SixteenToSeventeen,
            _ => AgeBand::EighteenAndOver,
        }
    }

    /// Its code in a query string.
    pub fn code(self) -> &'static str {
        match self {
            AgeBand::UnderOne => "under_1",
            AgeBand::OneToFour => "1_4",
            AgeBand::FiveToNine => "5_9",
            AgeBand::TenToFifteen => "10_15",
            AgeBand::SixteenToSeventeen => "16_17",
            AgeBand::EighteenAndOver => "18_plus",
        }
    }

    /// Its label.
    pub fn label(self) -> &'static str {
        match self {
            AgeBand::UnderOne => "Under 1",
            AgeBand::OneToFour => "1 to 4",
            AgeBand::FiveToNine => "5 to 9",
            AgeBand::TenToFifteen => "10 to 15",
            AgeBand::SixteenToSeventeen => "16 to 17",
            AgeBand::EighteenAndOver => "18 and over",
        }
    }

    /// The band with this code.
    pub fn from_code(code: &str) -> Option<AgeBand> {
        AgeBand::ALL.into_iter().find(|b| b.code() == code)
    }
}

/// How long a child has been in the current period of care, in calendar months from
/// the day it began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimeInCare {
    /// Less than 6 months.
    UnderSixMonths,
    /// 6 months to less than a year.
    SixToTwelveMonths,
    /// 1 year to less than 2.
    OneToTwoYears,
    /// 2 years to less than 5.
    TwoToFiveYears,
    /// 5 years or more.
    OverFiveYears,
}

impl TimeInCare {
    /// Every band, shortest first.
    pub const ALL: [TimeInCare; 5] = [
        TimeInCare::UnderSixMonths,
        TimeInCare::SixToTwelveMonths,
        TimeInCare::OneToTwoYears,
        TimeInCare::TwoToFiveYears,
        TimeInCare::OverFiveYears,
    ];

    /// The band of a period of care that began on `start`, on `as_of`.
    pub fn of(start: Date, as_of: Date) -> TimeInCare {
        let months_before = |months: i32| add_months(as_of, -months);
        if start > months_before(6) {
            TimeInCare::UnderSixMonths
        } else if start > months_before(12) {
            TimeInCare::SixToTwelveMonths
        } else if start > months_before(24) {
            TimeInCare::OneToTwoYears
        } else if start > months_before(60) {
            TimeInCare::TwoToFiveYears
        } else {
            TimeInCare::OverFiveYears
        }
    }

    /// Its code in a query string.
    pub fn code(self) -> &'static str {
        match self {
            TimeInCare::UnderSixMonths => "under_6_months",
            TimeInCare::SixToTwelveMonths => "6_12_months",
            TimeInCare::OneToTwoYears => "1_2_years",
            TimeInCare::TwoToFiveYears => "2_5_years",
            TimeInCare::OverFiveYears => "over_5_years",
        }
    }

    /// Its label.
    pub fn label(self) -> &'static str {
        match self {
            TimeInCare::UnderSixMonths => "Under 6 months",
            TimeInCare::SixToTwelveMonths => "6 to 12 months",
            TimeInCare::OneToTwoYears => "1 to 2 years",
            TimeInCare::TwoToFiveYears => "2 to 5 years",
            TimeInCare::OverFiveYears => "Over 5 years",
        }
    }

    /// The band with this code.
    pub fn from_code(code: &str) -> Option<TimeInCare> {
        TimeInCare::ALL.into_iter().find(|b| b.code() == code)
    }
}

/// One child's status on the evaluation date: a row of the children list, with what
/// its search, filters and sorts need worked out once, when the borough is built.
#[derive(Debug, Clone)]
pub struct ChildRow {
    /// The 903 CHILD id.
    pub child: String,
    /// The name the child is known by, if recorded (`child_details.csv`).
    pub name: Option<String>,
    /// The only staff who may see the child (empty: not restricted).
    pub restricted_to: Vec<String>,
    /// The id and name in lower case, for searching.
    pub search_text: String,
    /// The name in lower case, for sorting (empty without one).
    pub name_key: String,
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
    /// The allocated social worker's staff id.
    pub social_worker: Option<String>,
    /// The allocated personal adviser's staff id.
    pub personal_adviser: Option<String>,
    /// The allocated IRO's staff id.
    pub iro: Option<String>,
    /// The social worker's team: theirs in the staff register, else the team the
    /// allocation names.
    pub team: Option<String>,
    /// The primary plan of the permanence plan in force.
    pub plan: Option<PermanenceOption>,
    /// The rule ids of the open findings, sorted, each once.
    pub open_rules: Vec<&'static str>,
    /// The age band.
    pub age_band: AgeBand,
    /// How long in the current period of care, when looked after.
    pub time_in_care: Option<TimeInCare>,
}

impl ChildRow {
    /// Whether the member of staff with this id (`None`: a user not linked to one) may
    /// see the child: anyone unless the record is restricted, then only the staff named.
    pub fn visible_to(&self, staff_id: Option<&str>) -> bool {
        self.restricted_to.is_empty()
            || staff_id.is_some_and(|id| self.restricted_to.iter().any(|named| named == id))
    }
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
                let child = journey.child();
                let episode = journey.episode_on(as_of);
                let tracker = trackers.get(child);
                let allocated_as =
                    |role: AllocationRole| tracker.and_then(|t| t.allocated_on(role, as_of));
                let allocated = AllocationRole::ALL
                    .iter()
                    .filter_map(|role| allocated_as(*role))
                    .map(|allocation| allocation.person.to_string())
                    .collect();
                let social_worker = allocated_as(AllocationRole::SocialWorker);
                let team = social_worker.and_then(|allocation| {
                    organisation
                        .person(&allocation.person)
                        .and_then(|p| p.team.clone())
                        .or_else(|| allocation.team.clone())
                });
                let details = tracker.and_then(|t| t.details.as_ref());
                let name = details.map(|d| d.name.clone());
                let name_key = name.as_deref().unwrap_or_default().to_lowercase();
                let mut open_rules: Vec<&'static str> = findings_by_child
                    .get(child)
                    .into_iter()
                    .flatten()
                    .map(|&index| findings[index].rule)
                    .collect();
                open_rules.sort_unstable();
                open_rules.dedup();
                let age = journey.age_on(as_of);
                ChildRow {
                    child: child.to_string(),
                    search_text: format!("{} {name_key}", child.to_lowercase()),
                    name,
                    name_key,
                    restricted_to: details.map(|d| d.restricted_to.clone()).unwrap_or_default(),
                    looked_after: episode.is_some(),
                    age,
                    legal_status: episode.map(|e| e.ls.code()),
                    placement: episode.map(|e| e.place.code()),
                    days_in_care: journey.days_in_care(as_of),
                    open_alerts: findings_by_child.get(child).map_or(0, Vec::len),
                    allocated,
                    social_worker: social_worker.map(|a| a.person.clone()),
                    personal_adviser: allocated_as(AllocationRole::PersonalAdviser)
                        .map(|a| a.person.clone()),
                    iro: allocated_as(AllocationRole::Iro).map(|a| a.person.clone()),
                    team,
                    plan: tracker.and_then(|t| t.plan_on(as_of)).map(|p| p.primary),
                    open_rules,
                    age_band: AgeBand::of(age),
                    time_in_care: episode
                        .and_then(|_| journey.period_on(as_of))
                        .map(|period| TimeInCare::of(period.start, as_of)),
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

    /// Whether the member of staff with this id (`None`: a user not linked to one) may
    /// see the child: true unless the child's record is restricted to named staff and
    /// they are not among them. A child the borough does not hold is not restricted
    /// (the page then answers "not found" as it would anyway).
    pub fn may_see(&self, staff_id: Option<&str>, child: &str) -> bool {
        self.trackers
            .get(child)
            .is_none_or(|tracker| tracker.visible_to(staff_id))
    }

    /// The name the child is known by, if recorded.
    pub fn child_name(&self, child: &str) -> Option<&str> {
        self.trackers
            .get(child)
            .and_then(|t| t.details.as_ref())
            .map(|d| d.name.as_str())
    }

    /// The name of a team, if the register knows it.
    pub fn team_name(&self, id: &str) -> Option<&str> {
        self.organisation
            .teams
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.as_str())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_bands_are_the_dfe_bands_with_care_leavers_apart() {
        let bands: Vec<&str> = [0, 1, 4, 5, 9, 10, 15, 16, 17, 18, 20]
            .map(|age| AgeBand::of(age).code())
            .to_vec();
        assert_eq!(
            bands,
            [
                "under_1", "1_4", "1_4", "5_9", "5_9", "10_15", "10_15", "16_17", "16_17",
                "18_plus", "18_plus"
            ]
        );
        for band in AgeBand::ALL {
            assert_eq!(AgeBand::from_code(band.code()), Some(band));
        }
        assert_eq!(AgeBand::from_code("<script>"), None);
    }

    #[test]
    fn time_in_care_counts_calendar_months_from_the_start() {
        let as_of = Date::constant(2026, 3, 31);
        let band = |y, m, d| TimeInCare::of(Date::constant(y, m, d), as_of).code();
        assert_eq!(band(2026, 3, 31), "under_6_months");
        assert_eq!(band(2025, 10, 1), "under_6_months");
        assert_eq!(band(2025, 9, 30), "6_12_months");
        assert_eq!(band(2025, 4, 1), "6_12_months");
        assert_eq!(band(2025, 3, 31), "1_2_years");
        assert_eq!(band(2024, 3, 31), "2_5_years");
        assert_eq!(band(2021, 4, 1), "2_5_years");
        assert_eq!(band(2021, 3, 31), "over_5_years");
        for band in TimeInCare::ALL {
            assert_eq!(TimeInCare::from_code(band.code()), Some(band));
        }
    }
}
