//! What a rule sees when it evaluates one child: the journey, the policy, the calendar,
//! the evaluation date, the tracker's own records about the child ([`ChildTracker`]),
//! the borough's records ([`Borough`]: staff and the management line, every worker's
//! supervision), and facts worked out once per child (the period of care open on the
//! evaluation date, the placements in it, and how far back the data goes).
//!
//! Everything here looks at the record as it stood on `as_of`: episodes, reviews,
//! tracker records and other rows dated after it are ignored, an episode that ended
//! after it is open, and a record completed after it is not yet completed.
//!
//! Every finding names the person who should act ([`Context::finding`]): the child's
//! allocated social worker, personal adviser or IRO on `as_of`, or for a manager's role
//! the manager of that role up the allocated worker's management line. Escalation climbs
//! the policy's ladder with working days overdue, and a management decision recorded for
//! the alert holds it until the decision's own due date (see [`Context::finding`]).

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{LazyLock, OnceLock};

use permanence_domain::calendar::Calendar;
use permanence_domain::codes::{Code, ReasonNewEpisode};
use permanence_domain::date::{add_days, age_on, days_between, format_dmy};
use permanence_domain::journey::{PeriodOfCare, PlacementSpell};
use permanence_domain::record::Episode;
use permanence_domain::tracker::{
    Activity, ActivityKind, AllocationRole, ChildTracker, Decision, DecisionSource, Organisation,
    PermanencePlan, Person, SiblingAssessment, StaffRole, SupervisionSession,
};
use permanence_domain::{Date, Journey};
use rayon::prelude::*;

use crate::finding::{AlertDecision, Evidence, Finding, Role, Status};
use crate::policy::Policy;
use crate::rule::{RuleInfo, RuleSettings};

/// A fast hasher for the borough index's short string keys (staff and child ids): the
/// multiply-rotate hash rustc uses (FxHash). Not resistant to crafted collisions, which
/// do not arise from a council's own ids; SipHash's cost showed in the benchmark.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &byte in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(byte)).wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.write(&[byte]);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type IdMap<'a, V> = HashMap<&'a str, V, BuildHasherDefault<IdHasher>>;

/// No tracker records: what [`crate::evaluate`] and [`crate::evaluate_all`] use.
pub fn no_tracker_records() -> &'static ChildTracker {
    static NONE: LazyLock<ChildTracker> = LazyLock::new(ChildTracker::default);
    &NONE
}

/// The borough's records as the engine reads them, indexed once for every child: staff
/// by id (for owners and the management line), each worker's supervision sessions, the
/// first day each worker held an allocation, each child's journey by id, and the
/// together-and-apart assessments that name each child.
///
/// Build it once per evaluation ([`Borough::new`]) and share it between children.
pub struct Borough<'a> {
    organisation: &'a Organisation,
    people: IdMap<'a, &'a Person>,
    /// Supervisee → dates of the sessions they were supervised in (sorted, distinct).
    supervision: IdMap<'a, Vec<Date>>,
    /// Person → the first day they held any child's allocation.
    first_allocated: IdMap<'a, Date>,
    /// Indexes into `all_journeys` sorted by child id, built the first time another
    /// child's journey is asked for (PERM-07).
    journey_order: OnceLock<Vec<u32>>,
    all_journeys: &'a [Journey],
    /// Child named in an assessment → (the child the assessment is about, assessment).
    named_in: IdMap<'a, Vec<(&'a str, &'a SiblingAssessment)>>,
}

impl std::fmt::Debug for Borough<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Borough")
            .field("people", &self.people.len())
            .field("supervisees", &self.supervision.len())
            .field("children", &self.all_journeys.len())
            .finish()
    }
}

impl<'a> Borough<'a> {
    /// Indexes the organisation, the children's journeys and every child's tracker
    /// records. Supervision sessions are the organisation's register (every session);
    /// when it is empty, the sessions in the children's records, each once (by its id).
    pub fn new(
        organisation: &'a Organisation,
        journeys: &'a [Journey],
        trackers: &'a BTreeMap<String, ChildTracker>,
    ) -> Borough<'a> {
        let people = organisation
            .people
            .iter()
            .map(|person| (person.id.as_str(), person))
            .collect();
        // The organisation's register holds every session, once; the children's copies
        // (one per child discussed, so deduplicated by id) are read only when it is empty
        // (records loaded without it).
        let mut supervision: IdMap<Vec<Date>> = IdMap::default();
        for session in &organisation.supervision {
            supervision
                .entry(&session.supervisee)
                .or_default()
                .push(session.date);
        }
        let register = !organisation.supervision.is_empty();
        let mut seen: std::collections::HashSet<&str, BuildHasherDefault<IdHasher>> =
            Default::default();
        let mut add_session = |session: &'a SupervisionSession| {
            if seen.insert(&session.id) {
                supervision
                    .entry(&session.supervisee)
                    .or_default()
                    .push(session.date);
            }
        };
        if !register {
            for tracker in trackers.values() {
                tracker.supervision.iter().for_each(&mut add_session);
            }
        }
        // Allocations and assessments: every child's records, in parallel.
        type Named<'a> = IdMap<'a, Vec<(&'a str, &'a SiblingAssessment)>>;
        let (first_allocated, named_in) = trackers
            .par_iter()
            .fold(
                || (IdMap::<Date>::default(), Named::default()),
                |(mut first_allocated, mut named_in), (child, tracker)| {
                    for allocation in &tracker.allocations {
                        first_allocated
                            .entry(&allocation.person)
                            .and_modify(|first| *first = (*first).min(allocation.start))
                            .or_insert(allocation.start);
                    }
                    for assessment in &tracker.sibling_assessments {
                        for sibling in &assessment.siblings {
                            named_in
                                .entry(sibling.as_str())
                                .or_default()
                                .push((child.as_str(), assessment));
                        }
                    }
                    (first_allocated, named_in)
                },
            )
            .reduce(
                || (IdMap::default(), Named::default()),
                |(mut first, mut named), (other_first, other_named)| {
                    for (person, date) in other_first {
                        first
                            .entry(person)
                            .and_modify(|d| *d = (*d).min(date))
                            .or_insert(date);
                    }
                    for (child, mut list) in other_named {
                        named.entry(child).or_default().append(&mut list);
                    }
                    (first, named)
                },
            );
        for dates in supervision.values_mut() {
            dates.sort_unstable();
            dates.dedup();
        }
        Borough {
            organisation,
            people,
            supervision,
            first_allocated,
            journey_order: OnceLock::new(),
            all_journeys: journeys,
            named_in,
        }
    }

    /// No borough records: no staff, no sessions, no other children.
    pub fn empty() -> &'static Borough<'static> {
        static ORGANISATION: LazyLock<Organisation> = LazyLock::new(Organisation::default);
        static TRACKERS: BTreeMap<String, ChildTracker> = BTreeMap::new();
        static EMPTY: LazyLock<Borough<'static>> =
            LazyLock::new(|| Borough::new(&ORGANISATION, &[], &TRACKERS));
        &EMPTY
    }

    /// The staff register, teams and panels.
    pub fn organisation(&self) -> &'a Organisation {
        self.organisation
    }

    /// The person with this staff id.
    pub fn person(&self, id: &str) -> Option<&'a Person> {
        self.people.get(id).copied()
    }

    /// The management line above a person, nearest first (stops at a loop or an id the
    /// register does not know).
    pub fn management_line<'s>(&'s self, id: &'s str) -> impl Iterator<Item = &'a Person> + 's {
        // Lines are short: a fixed array remembers who has been seen, with no allocation.
        const LONGEST: usize = 16;
        let mut seen: [&str; LONGEST] = [""; LONGEST];
        let mut len = 0;
        let mut current = self.person(id).and_then(|p| p.manager.as_deref());
        std::iter::from_fn(move || {
            let manager = self.person(current?)?;
            if len == LONGEST || manager.id == id || seen[..len].contains(&manager.id.as_str()) {
                return None;
            }
            seen[len] = &manager.id;
            len += 1;
            current = manager.manager.as_deref();
            Some(manager)
        })
    }

    /// The days `worker` was supervised on or before `date`, in order.
    pub fn supervision_of(&self, worker: &str, date: Date) -> &[Date] {
        let dates = self.supervision.get(worker).map_or(&[][..], Vec::as_slice);
        &dates[..dates.partition_point(|d| *d <= date)]
    }

    /// The first day `person` held any child's allocation.
    pub fn first_allocated(&self, person: &str) -> Option<Date> {
        self.first_allocated.get(person).copied()
    }

    /// Another child's journey, by 903 CHILD id.
    pub fn journey(&self, child: &str) -> Option<&'a Journey> {
        let journeys = self.all_journeys;
        let order = self.journey_order.get_or_init(|| {
            let mut order: Vec<u32> = (0..journeys.len() as u32).collect();
            order.sort_unstable_by(|a, b| {
                journeys[*a as usize]
                    .child()
                    .cmp(journeys[*b as usize].child())
            });
            order
        });
        order
            .binary_search_by(|i| journeys[*i as usize].child().cmp(child))
            .ok()
            .map(|found| &journeys[order[found] as usize])
    }

    /// Together-and-apart assessments of other children that name `child` as a
    /// sibling, with the id of the child each is about.
    pub fn assessments_naming(&self, child: &str) -> &[(&'a str, &'a SiblingAssessment)] {
        if self.named_in.is_empty() {
            return &[];
        }
        self.named_in.get(child).map_or(&[], Vec::as_slice)
    }
}

/// Everything a rule needs to evaluate one child on one day.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// The child's journey (the whole record; rules look only at what was known on
    /// `as_of`).
    pub journey: &'a Journey,
    /// The council's policy.
    pub policy: &'a Policy,
    /// The working-day calendar.
    pub calendar: &'a Calendar,
    /// The evaluation date.
    pub as_of: Date,
    /// The tracker's own records about the child (all of them: rules look only at what
    /// was recorded as happening on or before `as_of`).
    pub tracker: &'a ChildTracker,
    /// The borough's records: staff, supervision, other children.
    pub borough: &'a Borough<'a>,
    records_loaded: bool,
    current: Option<CurrentPeriod<'a>>,
    data_from: Date,
    activity_index: std::cell::OnceCell<ActivityIndex>,
}

/// The child's activities dated on or before the evaluation date, grouped by kind and
/// sorted by date within each kind, so rules find the first or latest of a kind without
/// reading every activity. Built once per child, when a rule first asks.
#[derive(Debug, Clone)]
struct ActivityIndex {
    dates: Vec<Date>,
    /// `dates[starts[k]..starts[k + 1]]` are the dates of the kind with index `k`.
    starts: [u32; ACTIVITY_KINDS + 1],
}

const ACTIVITY_KINDS: usize = ActivityKind::ALL.len();

impl ActivityIndex {
    fn new(activities: &[Activity], as_of: Date) -> ActivityIndex {
        let mut starts = [0u32; ACTIVITY_KINDS + 1];
        for activity in activities.iter().filter(|a| a.date <= as_of) {
            starts[activity.kind as usize + 1] += 1;
        }
        for k in 0..ACTIVITY_KINDS {
            starts[k + 1] += starts[k];
        }
        let mut dates = vec![Date::MIN; starts[ACTIVITY_KINDS] as usize];
        let mut next = starts;
        for activity in activities.iter().filter(|a| a.date <= as_of) {
            let slot = &mut next[activity.kind as usize];
            dates[*slot as usize] = activity.date;
            *slot += 1;
        }
        for k in 0..ACTIVITY_KINDS {
            dates[starts[k] as usize..starts[k + 1] as usize].sort_unstable();
        }
        ActivityIndex { dates, starts }
    }

    fn of(&self, kind: ActivityKind) -> &[Date] {
        let k = kind as usize;
        &self.dates[self.starts[k] as usize..self.starts[k + 1] as usize]
    }
}

/// The period of care open on the evaluation date.
#[derive(Debug, Clone, Copy)]
pub struct CurrentPeriod<'a> {
    /// Its index in `journey.periods`.
    pub index: usize,
    /// The period (its `end` may be after `as_of`: treat it as open).
    pub period: &'a PeriodOfCare,
    /// The period's first episode in the data.
    pub first_episode: &'a Episode,
    /// Whether the period's start is in the data: its first episode is an `S` episode
    /// (started to be looked after). Otherwise the first episode came from a later
    /// return and the period began earlier than `period.start`.
    pub start_known: bool,
    /// The period's placements that started on or before `as_of`, in order; the last is
    /// the current placement.
    pub placements: &'a [PlacementSpell],
}

impl<'a> CurrentPeriod<'a> {
    /// The first day of the period in the data.
    pub fn start(&self) -> Date {
        self.period.start
    }

    /// The placement the child is in on `as_of`.
    pub fn current_placement(&self) -> Option<&'a PlacementSpell> {
        self.placements.last()
    }

    /// How the start date is described in evidence.
    pub fn start_evidence(&self) -> String {
        if self.start_known {
            format!("{} (episode DECOM, RNE S)", format_dmy(self.period.start))
        } else {
            format!(
                "on or before {} (the earliest episode in the loaded data has RNE {}, so \
                 the period began earlier)",
                format_dmy(self.period.start),
                self.first_episode.rne.code()
            )
        }
    }
}

impl<'a> Context<'a> {
    /// The context for one child with no tracker or borough records: rules that need
    /// them are skipped (see [`RuleInfo::needs_tracker_records`]).
    pub fn without_records(
        journey: &'a Journey,
        policy: &'a Policy,
        calendar: &'a Calendar,
        as_of: Date,
    ) -> Context<'a> {
        Context {
            records_loaded: false,
            ..Context::new(
                journey,
                policy,
                calendar,
                as_of,
                no_tracker_records(),
                Borough::empty(),
            )
        }
    }

    /// Whether the evaluation has the tracker's records (possibly none for this child),
    /// rather than running on the 903 return alone.
    pub fn records_loaded(&self) -> bool {
        self.records_loaded
    }

    /// The context for one child.
    pub fn new(
        journey: &'a Journey,
        policy: &'a Policy,
        calendar: &'a Calendar,
        as_of: Date,
        tracker: &'a ChildTracker,
        borough: &'a Borough<'a>,
    ) -> Context<'a> {
        let current = current_period(journey, as_of);
        let data_from = journey
            .record
            .episodes
            .iter()
            .map(|episode| episode.year)
            .min()
            .map_or(as_of, |year| year.start());
        Context {
            journey,
            policy,
            calendar,
            as_of,
            tracker,
            borough,
            records_loaded: true,
            current,
            data_from,
            activity_index: std::cell::OnceCell::new(),
        }
    }

    /// The child's id.
    pub fn child(&self) -> &'a str {
        self.journey.child()
    }

    /// The period of care open on `as_of`, if the child is looked after then.
    pub fn current_period(&self) -> Option<CurrentPeriod<'a>> {
        self.current
    }

    /// The first day the loaded data can be relied on to be complete for this child: the
    /// start of the earliest collection year any of the child's episodes came from.
    /// Rows that only earlier returns would hold (reviews, placements that ended before
    /// then) are not in the data.
    pub fn data_from(&self) -> Date {
        self.data_from
    }

    /// The child's age in completed years on `date`.
    pub fn age_on(&self, date: Date) -> i32 {
        age_on(self.journey.record.header.dob, date)
    }

    /// The child's date of birth.
    pub fn dob(&self) -> Date {
        self.journey.record.header.dob
    }

    /// Evidence that the date of birth cannot be right (after the evaluation date, or
    /// after the period of care began), so no age can be worked out from it.
    pub fn dob_problem(&self) -> Option<Vec<Evidence>> {
        let dob = self.dob();
        if dob > self.as_of {
            return Some(vec![Evidence::new(
                "Date of birth",
                format!(
                    "{} is after the evaluation date {}: the age cannot be worked out",
                    format_dmy(dob),
                    format_dmy(self.as_of)
                ),
            )]);
        }
        match self.current {
            Some(current) if dob > current.start() => Some(vec![Evidence::new(
                "Date of birth",
                format!(
                    "{} is after the period of care started ({}): the age cannot be worked out",
                    format_dmy(dob),
                    format_dmy(current.start())
                ),
            )]),
            _ => None,
        }
    }

    /// The "due soon" window for a rule: its own, or the policy's.
    pub fn due_soon_days(&self, settings: &dyn RuleSettings) -> i32 {
        settings
            .due_soon_days()
            .unwrap_or(self.policy.alerts.due_soon_days)
    }

    /// Overdue after `due`; due soon from `window` days before it up to and including
    /// it; nothing earlier.
    pub fn status_for(&self, due: Date, window: i32) -> Option<Status> {
        if self.as_of > due {
            Some(Status::Overdue)
        } else if days_between(self.as_of, due) <= window {
            Some(Status::DueSoon)
        } else {
            None
        }
    }

    /// Like [`Context::status_for`], for a threshold counted from a start that may be
    /// earlier than the data shows (`start_known` false): overdue once past `due`
    /// whatever the start, cannot decide before then.
    pub fn status_from(&self, due: Date, start_known: bool, window: i32) -> Option<Status> {
        if self.as_of > due {
            Some(Status::Overdue)
        } else if !start_known {
            Some(Status::CannotDecide)
        } else {
            self.status_for(due, window)
        }
    }

    /// A finding of `info`'s rule for this child, owned by the rule's owner role.
    /// `days_overdue` and the escalation level are worked out from `due` and the
    /// evaluation date; the owner and the person it has escalated to come from the
    /// child's allocations (see [`Context::person_in_role`]).
    pub fn finding(
        &self,
        info: &'static RuleInfo,
        status: Status,
        due: Option<Date>,
        evidence: Vec<Evidence>,
    ) -> Finding {
        self.finding_owned_by(info, info.owner, status, due, evidence)
    }

    /// A finding owned by `owner` rather than the rule's usual owner role (IRO-01: the
    /// manager at the challenge's stage).
    ///
    /// Escalation: an overdue finding climbs the ladder with the working days since its
    /// due date. A management decision about the child recorded for the alert (source
    /// `alert`, `source_ref` the rule id) made on or after the due date holds the finding
    /// at the level it had reached when the decision was made, until the decision's own
    /// due date; once that passes, the finding climbs again from that level, counting
    /// from the decision's due date. A decision with no due date does not hold it (SUP-02
    /// flags such decisions). The decision is added to the evidence.
    pub fn finding_owned_by(
        &self,
        info: &'static RuleInfo,
        owner: Role,
        status: Status,
        due: Option<Date>,
        mut evidence: Vec<Evidence>,
    ) -> Finding {
        let (days_overdue, escalated_to, decision) = match (status, due) {
            (Status::Overdue, Some(due)) => {
                let (level, decision) = self.escalation(info, owner, due);
                let decision = decision.map(|(held_by, shown)| {
                    evidence.push(shown);
                    held_by
                });
                (days_between(due, self.as_of).max(0), level, decision)
            }
            _ => (0, owner, None),
        };
        let (owner_id, owner_name) = self.named(owner, owner);
        let (escalated_id, escalated_name) = if escalated_to == owner {
            (owner_id.clone(), owner_name.clone())
        } else {
            self.named(escalated_to, owner)
        };
        Finding {
            rule: info.id,
            child: self.child().to_string(),
            status,
            due,
            days_overdue,
            owner_role: owner,
            owner: owner_id,
            owner_name,
            escalated_to,
            escalated_to_person: escalated_id,
            escalated_to_name: escalated_name,
            title: info.title,
            evidence,
            decision,
            subject: None,
        }
    }

    fn named(&self, role: Role, owner: Role) -> (Option<String>, Option<String>) {
        match self.person_in_role(role, owner) {
            Some(id) => (
                Some(id.to_string()),
                self.borough.person(id).map(|person| person.name.clone()),
            ),
            None => (None, None),
        }
    }

    /// The staff id of the person in `role` for this child on `as_of`, for a finding
    /// owned by `owner`:
    ///
    /// - social worker, personal adviser, IRO: the child's allocation in that role;
    /// - team manager, service manager, head of service, director: up the management
    ///   line of the allocated worker (the social worker, or the personal adviser when
    ///   there is none or when the finding is the personal adviser's), the first manager
    ///   with that staff role, or failing that the manager at that rung (the worker's
    ///   manager is the team manager, the next the service manager, ...); a team manager
    ///   can also come from the allocation's team;
    /// - IRO manager: the first IRO manager up the allocated IRO's line, or the IRO's
    ///   own manager; with no IRO allocated, the register's only IRO manager, if it has
    ///   exactly one;
    /// - anyone else (regional adoption agency, virtual school, health team, legal,
    ///   fostering team manager, nominated officer): nobody in the records.
    pub fn person_in_role(&self, role: Role, owner: Role) -> Option<&'a str> {
        let allocated = |role| {
            self.tracker
                .allocated_on(role, self.as_of)
                .map(|allocation| allocation.person.as_str())
        };
        let up_the_line = |worker: &str, staff_role: StaffRole, rung: usize| {
            self.borough
                .management_line(worker)
                .find(|person| person.role == staff_role)
                .or_else(|| self.borough.management_line(worker).nth(rung))
                .map(|person| person.id.as_str())
        };
        let manager = |staff_role: StaffRole, rung: usize| {
            let order = if owner == Role::PersonalAdviser {
                [
                    AllocationRole::PersonalAdviser,
                    AllocationRole::SocialWorker,
                ]
            } else {
                [
                    AllocationRole::SocialWorker,
                    AllocationRole::PersonalAdviser,
                ]
            };
            let allocation = order
                .into_iter()
                .find_map(|role| self.tracker.allocated_on(role, self.as_of))?;
            up_the_line(&allocation.person, staff_role, rung).or_else(|| {
                (staff_role == StaffRole::TeamManager)
                    .then(|| {
                        let team = allocation.team.as_deref()?;
                        let team = self
                            .borough
                            .organisation()
                            .teams
                            .iter()
                            .find(|t| t.id == team)?;
                        team.manager.as_deref()
                    })
                    .flatten()
            })
        };
        match role {
            Role::SocialWorker => allocated(AllocationRole::SocialWorker),
            Role::PersonalAdviser => allocated(AllocationRole::PersonalAdviser),
            Role::Iro => allocated(AllocationRole::Iro),
            Role::TeamManager => manager(StaffRole::TeamManager, 0),
            Role::ServiceManager => manager(StaffRole::ServiceManager, 1),
            Role::HeadOfService => manager(StaffRole::HeadOfService, 2),
            Role::Director => manager(StaffRole::Director, 3),
            Role::IroManager => allocated(AllocationRole::Iro)
                .and_then(|iro| up_the_line(iro, StaffRole::IroManager, 0))
                .or_else(|| {
                    // With no IRO allocated, the IRO service's only manager.
                    let mut managers = self
                        .borough
                        .organisation()
                        .people
                        .iter()
                        .filter(|person| person.role == StaffRole::IroManager);
                    let only = managers.next()?;
                    managers.next().is_none().then_some(only.id.as_str())
                }),
            Role::RegionalAdoptionAgency
            | Role::VirtualSchool
            | Role::HealthTeam
            | Role::FosteringTeamManager
            | Role::NominatedOfficer
            | Role::Legal => None,
        }
    }

    /// Who holds an overdue finding, and the management decision that holds or held it.
    fn escalation(
        &self,
        info: &RuleInfo,
        owner: Role,
        due: Date,
    ) -> (Role, Option<(AlertDecision, Evidence)>) {
        let ladder = &self.policy.escalation;
        let working_days =
            |from: Date, to: Date| self.calendar.working_days_between(from, to).max(0);
        let mut decisions: Vec<&Decision> = self
            .tracker
            .decisions
            .iter()
            .filter(|d| {
                d.source == DecisionSource::Alert
                    && d.source_ref
                        .as_deref()
                        .is_some_and(|r| r.trim().eq_ignore_ascii_case(info.id))
                    && d.made >= due
                    && d.made <= self.as_of
                    && d.due.is_some()
            })
            .collect();
        if decisions.is_empty() {
            return (
                ladder.escalated_to(owner, working_days(due, self.as_of)),
                None,
            );
        }
        decisions.sort_by_key(|d| d.made);
        let mut level = owner;
        let mut clock = due;
        let mut last = None;
        for decision in decisions {
            let decision_due = decision.due.expect("only decisions with a due date");
            if decision.made < clock {
                // Made while an earlier decision still held the finding.
                last = Some((decision, level));
                clock = clock.max(decision_due);
                if decision_due >= self.as_of {
                    break;
                }
                continue;
            }
            level = ladder.escalated_to(level, working_days(clock, decision.made));
            last = Some((decision, level));
            clock = decision_due.max(decision.made);
            if decision_due >= self.as_of {
                break;
            }
        }
        let (decision, held_at) = last.expect("at least one decision");
        let decision_due = decision.due.expect("only decisions with a due date");
        let holding = decision_due >= self.as_of;
        if !holding {
            level = ladder.escalated_to(level, working_days(clock, self.as_of));
        }
        let text = format!(
            "{} made {} by {}: \"{}\"; owner {}; due {}{}",
            decision.id,
            format_dmy(decision.made),
            decision.made_by,
            decision.text,
            decision.owner,
            format_dmy(decision_due),
            if holding {
                format!(
                    ": escalation held at {} until then",
                    held_at.label().to_lowercase()
                )
            } else {
                format!(
                    ", which has passed: escalating again from {}",
                    held_at.label().to_lowercase()
                )
            }
        );
        let held_by = AlertDecision {
            id: decision.id.clone(),
            due: decision_due,
            holding,
        };
        (
            level,
            Some((
                held_by,
                Evidence::new("Management decision on this alert", text),
            )),
        )
    }

    /// Whether the child is in a series of short breaks on `as_of` (legal status V3 or
    /// V4): CPPCR reg 48 modifies the care plan, visits and health and education duties.
    pub fn in_short_breaks(&self) -> bool {
        self.journey
            .legal_status_on(self.as_of)
            .is_some_and(|status| status.is_short_break())
    }

    /// The day the period of care before the current one ended, if there is one.
    pub fn previous_period_end(&self) -> Option<Date> {
        let index = self.current?.index;
        index
            .checked_sub(1)
            .and_then(|i| self.journey.periods[i].end)
    }

    /// The earliest date a tracker record can belong to the current period of care: the
    /// day the period began, less `days_before` days (for records that may be made
    /// before a child comes into care), but never on or before the day the previous
    /// period ended. When the period began before the loaded data its start is not
    /// known, and any record after the previous period counts.
    pub fn period_records_from(&self, days_before: i32) -> Date {
        let Some(current) = self.current else {
            return self.as_of;
        };
        let after_previous = self.previous_period_end().map(|end| add_days(end, 1));
        let from = if current.start_known {
            add_days(current.start(), -days_before)
        } else {
            Date::MIN
        };
        match after_previous {
            Some(after) => from.max(after),
            None => from,
        }
    }

    /// The dates of the child's activities of `kind` dated on or before `as_of`, in
    /// order.
    pub fn activity_dates(&self, kind: ActivityKind) -> &[Date] {
        self.activity_index
            .get_or_init(|| ActivityIndex::new(&self.tracker.activities, self.as_of))
            .of(kind)
    }

    /// The dates of the child's activities of `kind` dated from `from` to `as_of`, in
    /// order.
    pub fn activity_dates_from(&self, kind: ActivityKind, from: Date) -> &[Date] {
        let dates = self.activity_dates(kind);
        &dates[dates.partition_point(|date| *date < from)..]
    }

    /// The earliest activity of `kind` dated from `from` to `as_of`.
    pub fn first_activity(&self, kind: ActivityKind, from: Date) -> Option<Date> {
        self.activity_dates_from(kind, from).first().copied()
    }

    /// The latest activity of `kind` dated from `from` to `as_of`.
    pub fn last_activity(&self, kind: ActivityKind, from: Date) -> Option<Date> {
        self.activity_dates_from(kind, from).last().copied()
    }

    /// The permanence plan in force on `as_of`: the latest version decided on or before
    /// it, if decided for the current period of care (see
    /// [`Context::period_records_from`]; a plan decided up to 7 days before the child came
    /// into care counts).
    pub fn plan(&self) -> Option<&'a PermanencePlan> {
        let from = self.period_records_from(PLAN_DAYS_BEFORE);
        self.tracker
            .plan_on(self.as_of)
            .filter(|plan| plan.decided >= from)
    }

    /// The 903 reviews held in the current period of care up to `as_of`, in order,
    /// one per day.
    pub fn reviews_in_period(&self) -> Vec<Date> {
        let Some(current) = self.current else {
            return Vec::new();
        };
        let mut reviews: Vec<Date> = self
            .journey
            .record
            .reviews
            .iter()
            .map(|review| review.review)
            .filter(|date| *date >= current.start() && *date <= self.as_of)
            .collect();
        reviews.sort();
        reviews.dedup();
        reviews
    }

    /// The latest 903 review held in the current period of care up to `as_of`.
    pub fn latest_review(&self) -> Option<Date> {
        let start = self.current?.start();
        self.journey
            .record
            .reviews
            .iter()
            .map(|review| review.review)
            .filter(|date| *date >= start && *date <= self.as_of)
            .max()
    }

    /// The first 903 review held on or after `from` in the current period of care, up to
    /// `as_of`.
    pub fn first_review_from(&self, from: Date) -> Option<Date> {
        let start = self.current?.start().max(from);
        self.journey
            .record
            .reviews
            .iter()
            .map(|review| review.review)
            .filter(|date| *date >= start && *date <= self.as_of)
            .min()
    }

    /// "21/01/2026 (20 working days after 20/12/2025; bank holidays skipped: ...)".
    pub fn working_days_text(&self, from: Date, working_days: i32, due: Date) -> String {
        let skipped = self.calendar.non_working_weekdays(from, due);
        let skipped = if skipped.is_empty() {
            "no bank holidays in between".to_string()
        } else {
            format!(
                "bank holidays skipped: {}",
                skipped
                    .iter()
                    .map(|(date, name)| format!("{} ({name})", format_dmy(*date)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        format!(
            "{} ({working_days} working days after {}; {skipped})",
            format_dmy(due),
            format_dmy(from)
        )
    }

    /// The status of something due on `due` and not done: overdue after it; when the
    /// due date is only the latest it could be (`due_known` false, because the start of
    /// the clock is before the loaded data), cannot decide until then; otherwise due soon
    /// within the window, or nothing yet.
    pub fn deadline_status(&self, due: Date, due_known: bool, window: i32) -> Option<Status> {
        if self.as_of > due {
            Some(Status::Overdue)
        } else if !due_known {
            Some(Status::CannotDecide)
        } else {
            self.status_for(due, window)
        }
    }
}

/// Days before the start of a period of care that a permanence plan decided for it may
/// be dated (a planned admission).
pub const PLAN_DAYS_BEFORE: i32 = 7;

fn current_period(journey: &Journey, as_of: Date) -> Option<CurrentPeriod<'_>> {
    let index = journey
        .periods
        .iter()
        .rposition(|p| p.start <= as_of && p.end.is_none_or(|end| end > as_of))?;
    let period = &journey.periods[index];
    let first_episode = &journey.record.episodes[period.episodes.start];
    let placements = &journey.placements;
    let low = placements.partition_point(|p| p.period < index);
    let high =
        placements.partition_point(|p| p.period < index || (p.period == index && p.start <= as_of));
    Some(CurrentPeriod {
        index,
        period,
        first_episode,
        start_known: first_episode.rne == ReasonNewEpisode::S,
        placements: &placements[low..high],
    })
}

/// A date written `dd/mm/yyyy` without allocating, for `format!` arguments (and, through
/// `Into<String>`, evidence values).
#[derive(Debug, Clone, Copy)]
pub struct Dmy(pub Date);

/// `date` written `dd/mm/yyyy`: see [`Dmy`].
pub fn dmy(date: Date) -> Dmy {
    Dmy(date)
}

impl std::fmt::Display for Dmy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:02}/{:02}/{:04}",
            self.0.day(),
            self.0.month(),
            self.0.year()
        )
    }
}

impl From<Dmy> for std::borrow::Cow<'static, str> {
    fn from(date: Dmy) -> Self {
        std::borrow::Cow::Owned(date.to_string())
    }
}

/// A placement as evidence: "K2 (children's home ...) from 01/02/2025".
pub fn placement_text(placement: &PlacementSpell, as_of: Date) -> String {
    let end = match placement.end {
        Some(end) if end <= as_of => format!(" to {}", format_dmy(end)),
        _ => String::new(),
    };
    format!(
        "{} ({}) from {}{end}",
        placement.place.code(),
        placement.place.description(),
        format_dmy(placement.start)
    )
}

/// A list of dates as `dd/mm/yyyy, dd/mm/yyyy`, or "none".
pub fn dates_text(dates: &[Date]) -> String {
    if dates.is_empty() {
        "none".to_string()
    } else {
        dates
            .iter()
            .map(|date| format_dmy(*date))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// "1st", "2nd", "16th", "21st".
pub fn ordinal(n: i32) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::rev_01::Rev01;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::Team;

    /// REV-01 is due on Wednesday 21 January 2026 for a child who came into care on
    /// Saturday 20 December 2025; its owner is the IRO.
    fn late_review() -> Case {
        Case::new(in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6))
    }

    #[test]
    fn findings_name_their_owner_and_who_they_escalated_to() {
        let case = late_review();
        let finding = case.finding(&Rev01, d(2026, 1, 22));
        assert_eq!(finding.owner.as_deref(), Some("IRO1"));
        assert_eq!(finding.owner_name.as_deref(), Some("Ira Reed"));
        assert_eq!(finding.escalated_to, Role::Iro);
        assert_eq!(finding.escalated_to_person.as_deref(), Some("IRO1"));
        // Five working days later it reaches the team manager of the child's social
        // worker.
        let finding = case.finding(&Rev01, d(2026, 1, 28));
        assert_eq!(finding.escalated_to, Role::TeamManager);
        assert_eq!(finding.escalated_to_person.as_deref(), Some("TM1"));
        assert_eq!(finding.escalated_to_name.as_deref(), Some("Tara Mason"));
        // Serialised.
        let json = serde_json::to_value(&finding).unwrap();
        assert_eq!(json["owner"], "IRO1");
        assert_eq!(json["escalated_to_person"], "TM1");
    }

    fn person_in(case: &Case, role: Role, owner: Role) -> Option<String> {
        let journey = Journey::new(case.record.clone());
        let journeys = [journey];
        let trackers = BTreeMap::new();
        let borough = Borough::new(&case.organisation, &journeys, &trackers);
        let calendar = case.policy.calendar();
        let ctx = Context::new(
            &journeys[0],
            &case.policy,
            &calendar,
            d(2026, 1, 22),
            &case.tracker,
            &borough,
        );
        ctx.person_in_role(role, owner).map(String::from)
    }

    #[test]
    fn owners_come_from_allocations_and_the_management_line() {
        let case = late_review();
        let sw = |role| person_in(&case, role, Role::SocialWorker);
        assert_eq!(sw(Role::SocialWorker).as_deref(), Some("SW1"));
        assert_eq!(sw(Role::Iro).as_deref(), Some("IRO1"));
        assert_eq!(sw(Role::TeamManager).as_deref(), Some("TM1"));
        assert_eq!(sw(Role::ServiceManager).as_deref(), Some("SM1"));
        assert_eq!(sw(Role::HeadOfService).as_deref(), Some("HOS1"));
        assert_eq!(sw(Role::Director).as_deref(), Some("DCS1"));
        assert_eq!(sw(Role::IroManager).as_deref(), Some("IROM1"));
        assert_eq!(sw(Role::PersonalAdviser), None);
        assert_eq!(sw(Role::RegionalAdoptionAgency), None);
        assert_eq!(sw(Role::Legal), None);
        // A personal adviser's finding goes up the adviser's line first.
        let case = late_review().with(|tracker| {
            tracker.allocations.push(allocation(
                AllocationRole::PersonalAdviser,
                "PA1",
                d(2025, 1, 1),
            ))
        });
        assert_eq!(
            person_in(&case, Role::TeamManager, Role::PersonalAdviser).as_deref(),
            Some("TM2")
        );
        assert_eq!(
            person_in(&case, Role::TeamManager, Role::SocialWorker).as_deref(),
            Some("TM1")
        );
        // Allocations that ended, or start after the evaluation date, do not count.
        let case = late_review().with(|tracker| {
            tracker.allocations[0].end = Some(d(2026, 1, 22));
            tracker.allocations.push(allocation(
                AllocationRole::SocialWorker,
                "SW2",
                d(2026, 1, 23),
            ));
        });
        assert_eq!(
            person_in(&case, Role::SocialWorker, Role::SocialWorker),
            None
        );
    }

    #[test]
    fn managers_fall_back_to_the_rung_and_then_the_team() {
        // A line whose managers have other staff roles: the worker's manager is the team
        // manager, the next the service manager.
        let mut case = late_review();
        for person in &mut case.organisation.people {
            if person.id == "TM1" || person.id == "SM1" {
                person.role = StaffRole::Administrator;
            }
        }
        assert_eq!(
            person_in(&case, Role::TeamManager, Role::SocialWorker).as_deref(),
            Some("TM1")
        );
        assert_eq!(
            person_in(&case, Role::ServiceManager, Role::SocialWorker).as_deref(),
            Some("SM1")
        );
        // No manager recorded: the team manager of the allocation's team.
        let mut case = late_review().with(|tracker| {
            tracker.allocations[0].team = Some("T1".into());
        });
        case.organisation.people[0].manager = None;
        case.organisation.teams.push(Team {
            id: "T1".into(),
            name: "Children in Care 1".into(),
            service: None,
            manager: Some("TM2".into()),
        });
        assert_eq!(
            person_in(&case, Role::TeamManager, Role::SocialWorker).as_deref(),
            Some("TM2")
        );
        assert_eq!(
            person_in(&case, Role::ServiceManager, Role::SocialWorker),
            None
        );
    }

    #[test]
    fn an_unknown_person_is_named_by_id_only() {
        let case = late_review().with(|tracker| tracker.allocations[1].person = "IRO9".into());
        let finding = case.finding(&Rev01, d(2026, 1, 22));
        assert_eq!(finding.owner.as_deref(), Some("IRO9"));
        assert_eq!(finding.owner_name, None);
        // A loop in the management line stops.
        let mut case = late_review();
        case.organisation.people[2].manager = Some("SW1".into());
        assert_eq!(person_in(&case, Role::Director, Role::SocialWorker), None);
    }

    #[test]
    fn a_management_decision_holds_escalation_until_its_due_date() {
        // Due Wednesday 21 January 2026. A decision on Thursday 22 January (1 working day
        // overdue, still with the IRO) due Friday 6 February holds it with the IRO.
        let case = late_review().with(|tracker| {
            tracker.decisions.push(alert_decision(
                "D1",
                "rev-01",
                d(2026, 1, 22),
                Some(d(2026, 2, 6)),
            ))
        });
        let finding = case.finding(&Rev01, d(2026, 1, 28));
        assert_eq!(finding.escalated_to, Role::Iro);
        assert_eq!(finding.status, Status::Overdue);
        assert!(finding.evidence_text().contains(
            "Management decision on this alert: D1 made 22/01/2026 by TM1: \"Do it\"; owner \
             SW1; due 06/02/2026: escalation held at independent reviewing officer until then"
        ));
        let held = AlertDecision {
            id: "D1".into(),
            due: d(2026, 2, 6),
            holding: true,
        };
        assert_eq!(finding.decision, Some(held.clone()));
        let finding = case.finding(&Rev01, d(2026, 2, 6));
        assert_eq!(finding.escalated_to, Role::Iro);
        assert_eq!(finding.decision, Some(held.clone()));
        // Once its due date passes it climbs again from there: 5 working days after Friday
        // 6 February is Friday 13 February.
        let finding = case.finding(&Rev01, d(2026, 2, 12));
        assert_eq!(finding.escalated_to, Role::Iro);
        assert!(
            finding
                .evidence_text()
                .contains("which has passed: escalating again")
        );
        // The day after its due date it no longer holds.
        assert_eq!(
            finding.decision,
            Some(AlertDecision {
                holding: false,
                ..held
            })
        );
        assert_eq!(
            case.finding(&Rev01, d(2026, 2, 13)).escalated_to,
            Role::TeamManager
        );
        // Before the decision was made, the ordinary ladder.
        let finding = case.finding(&Rev01, d(2026, 1, 21));
        assert_eq!(finding.status, Status::DueSoon);
        assert_eq!(finding.decision, None);
    }

    #[test]
    fn a_decision_holds_at_the_level_reached_when_it_was_made() {
        // Made on Thursday 29 January (6 working days overdue: with the team manager).
        let case = late_review().with(|tracker| {
            tracker.decisions.push(alert_decision(
                "D1",
                "REV-01",
                d(2026, 1, 29),
                Some(d(2026, 3, 2)),
            ))
        });
        let finding = case.finding(&Rev01, d(2026, 2, 20));
        assert_eq!(finding.escalated_to, Role::TeamManager);
        assert_eq!(finding.escalated_to_person.as_deref(), Some("TM1"));
        // A later decision made while the first still holds extends the hold.
        let case = case.with(|tracker| {
            tracker.decisions.push(alert_decision(
                "D2",
                "REV-01",
                d(2026, 2, 20),
                Some(d(2026, 4, 1)),
            ))
        });
        assert_eq!(
            case.finding(&Rev01, d(2026, 3, 20)).escalated_to,
            Role::TeamManager
        );
    }

    #[test]
    fn decisions_that_do_not_hold_escalation() {
        let held = |decision| {
            late_review()
                .with(|tracker| tracker.decisions.push(decision))
                .finding(&Rev01, d(2026, 1, 28))
                .escalated_to
        };
        // Made before the due date, with no due date, for another rule, or from
        // supervision rather than the alert.
        for decision in [
            alert_decision("D1", "REV-01", d(2026, 1, 20), Some(d(2026, 3, 1))),
            alert_decision("D1", "REV-01", d(2026, 1, 22), None),
            alert_decision("D1", "REV-02", d(2026, 1, 22), Some(d(2026, 3, 1))),
            decision("D1", d(2026, 1, 22), Some(d(2026, 3, 1))),
            // Made after the evaluation date.
            alert_decision("D1", "REV-01", d(2026, 1, 29), Some(d(2026, 3, 1))),
        ] {
            assert_eq!(held(decision), Role::TeamManager);
        }
    }

    #[test]
    fn the_activity_index_groups_by_kind_and_ignores_the_future() {
        for (i, kind) in ActivityKind::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, i, "{kind:?}");
        }
        let case = late_review()
            .activity(
                ActivityKind::Visit,
                &[d(2026, 1, 9), d(2025, 12, 22), d(2026, 2, 1)],
            )
            .activity(ActivityKind::CarePlan, &[d(2025, 12, 30)]);
        let journey = Journey::new(case.record.clone());
        let calendar = case.policy.calendar();
        let ctx = Context::new(
            &journey,
            &case.policy,
            &calendar,
            d(2026, 1, 22),
            &case.tracker,
            Borough::empty(),
        );
        assert_eq!(
            ctx.activity_dates(ActivityKind::Visit),
            &[d(2025, 12, 22), d(2026, 1, 9)]
        );
        assert_eq!(
            ctx.first_activity(ActivityKind::Visit, d(2025, 12, 23)),
            Some(d(2026, 1, 9))
        );
        assert_eq!(ctx.last_activity(ActivityKind::Visit, d(2026, 1, 10)), None);
        assert_eq!(ctx.activity_dates(ActivityKind::PepReview), &[] as &[Date]);
    }

    #[test]
    fn records_of_the_period() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 1, 6), Placement::U6);
        leave_care(&mut record, d(2025, 3, 1), ReasonEpisodeCeased::E4A);
        re_enter(&mut record, d(2025, 3, 4), Placement::U6);
        let journey = Journey::new(record);
        let policy = Policy::default();
        let calendar = policy.calendar();
        let ctx = Context::without_records(&journey, &policy, &calendar, d(2025, 6, 1));
        assert_eq!(ctx.previous_period_end(), Some(d(2025, 3, 1)));
        assert_eq!(ctx.period_records_from(0), d(2025, 3, 4));
        // Never on or before the day the previous period ended.
        assert_eq!(ctx.period_records_from(7), d(2025, 3, 2));
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal(1), "1st");
        assert_eq!(ordinal(12), "12th");
        assert_eq!(ordinal(16), "16th");
        assert_eq!(ordinal(21), "21st");
        assert_eq!(ordinal(22), "22nd");
        assert_eq!(ordinal(113), "113th");
    }
}
