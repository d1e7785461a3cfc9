//! One child's tracker records: the generator's state, allocations, and the order in
//! which the other records are made.

use permanence_domain::ChildRecord;
use permanence_domain::tracker::{
    Allocation, AllocationRole, ChildTracker, Decision, DecisionSource,
};

use super::Scope;
use super::facts::{Period, periods};
use super::organisation::Staff;
use crate::calendar::{Day, birthday, from_date, to_date};
use crate::random::Random;
use crate::rates::*;

/// One child's generation: the records so far and what they are drawn from.
pub(crate) struct Gen<'a> {
    pub(crate) random: &'a mut Random,
    pub(crate) scope: &'a Scope,
    pub(crate) staff: &'a Staff,
    pub(crate) record: &'a ChildRecord,
    pub(crate) dob: Day,
    pub(crate) tracker: ChildTracker,
    /// Supervision sessions (worker, day) in which the child was discussed.
    pub(crate) sessions: Vec<(usize, Day)>,
    /// Allocations as (role, start, end or `Day::MAX`, person), for lookups.
    allocated: Vec<(AllocationRole, Day, Day, usize)>,
    decisions: usize,
}

impl Gen<'_> {
    /// The child's id.
    pub(crate) fn child(&self) -> &str {
        &self.record.child
    }

    /// The last day known.
    pub(crate) fn horizon(&self) -> Day {
        self.scope.horizon
    }

    /// The `n`th working day after `day`.
    pub(crate) fn wd(&self, day: Day, n: i32) -> Day {
        self.scope.working_days(day, n)
    }

    /// The person allocated as `role` on `day` (the latest allocation started by then,
    /// if none covers it).
    pub(crate) fn allocated_on(&self, role: AllocationRole, day: Day) -> Option<usize> {
        let mut latest = None;
        for &(r, start, end, person) in &self.allocated {
            if r != role || start > day {
                continue;
            }
            if day < end {
                return Some(person);
            }
            latest = Some(person);
        }
        latest
    }

    /// The social worker on `day`, or any social worker of the pool.
    pub(crate) fn social_worker_on(&mut self, day: Day) -> usize {
        match self.allocated_on(AllocationRole::SocialWorker, day) {
            Some(worker) => worker,
            None => self.staff.random_social_worker(self.random),
        }
    }

    /// The social worker's team manager on `day`.
    pub(crate) fn team_manager_on(&mut self, day: Day) -> usize {
        let worker = self.social_worker_on(day);
        self.staff.manager(worker).unwrap_or(worker)
    }

    /// The service manager above the social worker on `day` (the nominated officer).
    pub(crate) fn service_manager_on(&mut self, day: Day) -> usize {
        let worker = self.social_worker_on(day);
        self.staff.second_line(worker).unwrap_or(worker)
    }

    /// The IRO on `day`.
    pub(crate) fn iro_on(&self, day: Day) -> Option<usize> {
        self.allocated_on(AllocationRole::Iro, day)
    }

    /// Every allocation as (role, start, end or `Day::MAX`, person).
    pub(crate) fn allocations(
        &self,
    ) -> impl Iterator<Item = (AllocationRole, Day, Day, usize)> + '_ {
        self.allocated.iter().copied()
    }

    /// A person's id, owned.
    pub(crate) fn id(&self, person: usize) -> String {
        self.staff.id(person).to_string()
    }

    /// Records a management decision made on `made` by `made_by`, to be carried out by
    /// `owner`: a due date some weeks later (rarely none) and, at the rates in
    /// `rates.rs`, carried out on time, late, or never. Nothing after the horizon is
    /// known: a completion after it is not recorded yet.
    pub(crate) fn decision(
        &mut self,
        made: Day,
        source: DecisionSource,
        source_ref: Option<String>,
        (made_by, owner): (usize, usize),
        text: &str,
    ) {
        if made > self.horizon() {
            return;
        }
        let (due, completed) = due_and_completion(self.random, made, self.horizon());
        self.decisions += 1;
        let decision = Decision {
            id: format!("DEC-{}-{:03}", self.record.child, self.decisions),
            child: Some(self.record.child.clone()),
            source,
            source_ref,
            made: to_date(made),
            made_by: self.id(made_by),
            text: text.to_string(),
            owner: self.id(owner),
            due: due.map(to_date),
            completed: completed.map(to_date),
        };
        self.tracker.decisions.push(decision);
    }

    fn allocate(&mut self, role: AllocationRole, person: usize, start: Day, end: Option<Day>) {
        if end.is_some_and(|end| end <= start) || start > self.horizon() {
            return;
        }
        let end = end.filter(|&end| end <= self.horizon());
        self.allocated
            .push((role, start, end.unwrap_or(Day::MAX), person));
        self.tracker.allocations.push(Allocation {
            child: self.record.child.clone(),
            role,
            person: self.id(person),
            team: self.staff.team(person).map(String::from),
            start: to_date(start),
            end: end.map(to_date),
        });
    }
}

/// A decision's due date (rarely none) and the day it was carried out: on time, late,
/// or never, at the rates in `rates.rs`; a completion after the horizon is not known.
pub(crate) fn due_and_completion(
    random: &mut Random,
    made: Day,
    horizon: Day,
) -> (Option<Day>, Option<Day>) {
    let due = if random.chance(DECISION_WITHOUT_DUE_DATE_SHARE) {
        None
    } else {
        Some(made + random.range(DECISION_DUE_DAYS))
    };
    let target = due.unwrap_or(made + DECISION_DUE_DAYS.1);
    let outcome = random.unit();
    let completed =
        if outcome < DECISION_OVERDUE_SHARE && target > horizon - DECISION_STILL_OPEN_DAYS {
            None
        } else if outcome < DECISION_OVERDUE_SHARE + DECISION_COMPLETED_LATE_SHARE {
            Some(target + random.int(1, 90))
        } else {
            Some(random.int(made, target))
        }
        .filter(|&day| day <= horizon);
    (due, completed)
}

/// Generates one child's records, and the supervision sessions the child was discussed
/// in (gathered across children afterwards).
pub(crate) fn generate(
    random: &mut Random,
    scope: &Scope,
    staff: &Staff,
    record: &ChildRecord,
) -> (ChildTracker, Vec<(usize, Day)>) {
    let (_journey, all_periods) = periods(record, scope.horizon);
    let mut g = Gen {
        random,
        scope,
        staff,
        record,
        dob: from_date(record.header.dob),
        tracker: ChildTracker::default(),
        sessions: Vec::new(),
        allocated: Vec::new(),
        decisions: 0,
    };
    // The periods the tracker holds: those overlapping the window.
    let periods: Vec<&Period> = all_periods
        .iter()
        .filter(|p| p.until >= scope.window_start && p.start <= scope.horizon)
        .collect();
    let leaver = super::activity::care_leaver(&g, &all_periods);
    if periods.is_empty() && leaver.is_none() {
        return (g.tracker, g.sessions);
    }

    social_workers(&mut g, &periods);
    iros(&mut g, &periods);
    if let Some(leaver) = &leaver {
        personal_adviser(&mut g, leaver);
    }
    g.allocated.sort_by_key(|a| (a.1, a.0));

    let mut story = None;
    for period in &periods {
        super::plans::plans(&mut g, period);
        super::court::court(&mut g, period);
        super::activity::activities(&mut g, period);
        super::oversight::challenges(&mut g, period);
        if let Some(kind) = super::plans::life_story_candidate(period) {
            story = Some((*period, kind));
        }
    }
    if let Some((period, kind)) = story {
        super::plans::life_story(&mut g, period, kind);
    }
    if let Some(leaver) = &leaver {
        super::activity::leaving_care(&mut g, leaver);
    }
    super::activity::staying_put(&mut g, &all_periods);
    super::oversight::supervision(&mut g, &periods, leaver.as_ref());

    sort(&mut g.tracker);
    (g.tracker, g.sessions)
}

/// Social workers: the 903 social-worker episodes as they are, and before them (for the
/// periods they do not cover) a chain of workers from the same pool.
fn social_workers(g: &mut Gen<'_>, periods: &[&Period]) {
    let mut episodes: Vec<(Day, Option<Day>, &str)> = g
        .record
        .social_worker_episodes
        .iter()
        .map(|e| {
            (
                from_date(e.sw_decom),
                e.sw_dec.map(from_date),
                e.sw_id.as_str(),
            )
        })
        .collect();
    episodes.sort_by_key(|e| e.0);
    let covered_from = episodes.first().map_or(Day::MAX, |e| e.0);
    for period in periods {
        let stop = period.until.min(covered_from);
        let mut from = period.start;
        while from < stop {
            let to = from + g.random.range(SOCIAL_WORKER_DAYS);
            let worker = g.staff.random_social_worker(g.random);
            let end = if to < stop {
                Some(to)
            } else if stop == period.until && period.end.is_none() {
                None
            } else {
                Some(stop)
            };
            g.allocate(AllocationRole::SocialWorker, worker, from, end);
            from = to;
        }
    }
    for (start, end, id) in episodes {
        let person = g
            .staff
            .index(id)
            .expect("every SW_ID is in the organisation");
        g.allocate(AllocationRole::SocialWorker, person, start, end);
    }
}

/// IROs: one allocated within days of entry (a few late), changing now and then, until
/// the period ends.
fn iros(g: &mut Gen<'_>, periods: &[&Period]) {
    for period in periods {
        let days = if g.random.chance(IRO_ALLOCATED_WITHIN_5_WD_SHARE) {
            g.random.int(0, 5)
        } else {
            g.random.int(6, 25)
        };
        let mut from = g.wd(period.start, days);
        while from < period.until {
            let to = from + g.random.range(IRO_CHANGE_DAYS);
            let iro = *g.random.one_of(&g.staff.iros);
            let end = if to < period.until {
                Some(to)
            } else {
                period.end
            };
            g.allocate(AllocationRole::Iro, iro, from, end);
            from = to;
        }
    }
}

/// A personal adviser for an eligible young person, from 16 or so (or when they leave
/// care, if earlier) to their 21st birthday.
fn personal_adviser(g: &mut Gen<'_>, leaver: &super::activity::Leaver) {
    if !g.random.chance(PERSONAL_ADVISER_ALLOCATED_SHARE) {
        return;
    }
    let mut start = leaver.eligible_from + g.random.range(PERSONAL_ADVISER_ALLOCATION_DAYS);
    if let Some(left) = leaver.left {
        start = start.min(left + g.random.int(0, 20));
    }
    let twenty_one = birthday(g.dob, 21);
    if start >= twenty_one || twenty_one < g.scope.window_start {
        return;
    }
    let adviser = *g.random.one_of(&g.staff.personal_advisers);
    g.allocate(
        AllocationRole::PersonalAdviser,
        adviser,
        start,
        Some(twenty_one),
    );
}

/// Puts every list in the order the types promise, with one record per key of the
/// tracker's templates (two visits on one day are one visit).
fn sort(t: &mut ChildTracker) {
    t.allocations.sort_by_key(|a| (a.start, a.role));
    t.allocations
        .dedup_by(|a, b| (a.start, a.role) == (b.start, b.role));
    t.plans.sort_by_key(|p| p.decided);
    t.plans.dedup_by_key(|p| p.decided);
    t.meetings.sort_by_key(|m| (m.date, m.kind));
    t.meetings.dedup_by_key(|m| (m.date, m.kind));
    t.family_finding.sort_by_key(|f| (f.start, f.route));
    t.family_finding.dedup_by_key(|f| (f.start, f.route));
    t.sibling_assessments.sort_by_key(|s| s.date);
    t.sibling_assessments.dedup_by_key(|s| s.date);
    // Ids number decisions in the order drawn, so a stable sort by day keeps ids in order.
    t.decisions.sort_by_key(|d| d.made);
    t.challenges.sort_by_key(|(c, _)| c.raised);
    t.panel_decisions
        .sort_by(|a, b| (a.date, a.question, &a.panel).cmp(&(b.date, b.question, &b.panel)));
    t.panel_decisions
        .dedup_by(|a, b| (a.date, a.question, &a.panel) == (b.date, b.question, &b.panel));
    t.activities.sort_by_key(|a| (a.date, a.kind));
    t.activities.dedup_by_key(|a| (a.date, a.kind));
    t.pre_proceedings
        .sort_by_key(|(p, _)| p.legal_gateway_meeting);
    t.proceedings.sort_by_key(|(p, _)| p.issued);
    t.staying_put.sort_by_key(|s| s.decided);
}
