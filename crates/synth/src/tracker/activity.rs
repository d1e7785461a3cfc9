//! Statutory activity the 903 return does not hold: care and placement plans,
//! notifications, visits, health assessments, dental checks, personal education plans,
//! IRO contacts and review records, return interviews, ceasing-care approvals; and for
//! care leavers the needs assessment, pathway plans and their reviews, personal-adviser
//! contacts and staying put.

use permanence_domain::codes::{Accommodation, ReasonEpisodeCeased};
use permanence_domain::date::add_months;
use permanence_domain::tracker::{
    Activity, ActivityKind, AllocationRole, StayingPut, StayingPutDecision,
};

use super::child::Gen;
use super::facts::Period;
use crate::calendar::{
    Day, age_on, birthday, days_from_civil, from_date, to_date, year_end, year_of, year_start,
};
use crate::rates::*;

fn months(day: Day, n: i32) -> Day {
    from_date(add_months(to_date(day), n))
}

impl Gen<'_> {
    /// Records an activity on `day` if it is known by the horizon.
    fn activity(
        &mut self,
        kind: ActivityKind,
        day: Day,
        by: Option<usize>,
        seen_alone: Option<bool>,
    ) {
        if day > self.horizon() {
            return;
        }
        let by = by.map(|person| self.id(person));
        self.tracker.activities.push(Activity {
            child: self.child().to_string(),
            kind,
            date: to_date(day),
            by,
            seen_alone,
        });
    }

    /// A day `n` working days after `day`, with `late_share` of them later.
    fn within(&mut self, day: Day, (lo, hi): (i32, i32), late_share: f64, late: (i32, i32)) -> Day {
        let n = if self.random.chance(late_share) {
            self.random.range(late)
        } else {
            self.random.int(lo, hi)
        };
        self.wd(day, n)
    }
}

/// The statutory activity of one period of care.
pub(crate) fn activities(g: &mut Gen<'_>, p: &Period) {
    let horizon = g.horizon();
    let live = g.scope.live;
    let last = p.until.min(horizon + 1);

    // The care plan within 10 working days, updated when the permanence plan changes.
    let day = g.within(p.start, (0, 10), CARE_PLAN_LATE_SHARE, (11, 30));
    if day < last {
        let worker = g.social_worker_on(day);
        g.activity(ActivityKind::CarePlan, day, Some(worker), None);
    }
    let changes: Vec<Day> = g
        .tracker
        .plans
        .iter()
        .map(|plan| from_date(plan.decided))
        .filter(|&decided| p.start < decided && decided < p.until)
        .collect();
    for decided in changes {
        let day = decided + g.random.int(1, 15);
        if day < last {
            let worker = g.social_worker_on(day);
            g.activity(ActivityKind::CarePlan, day, Some(worker), None);
        }
    }

    // For each placement: its plan and notifications within 5 working days, and visits
    // within a week, then at most every 6 weeks (3 months in a long-term placement
    // after its first year): all of them for placements open when the tracker went live.
    let places: Vec<(Day, Day, bool)> = {
        let settled: Vec<_> = p
            .places
            .iter()
            .filter(|pl| !pl.place.is_temporary())
            .collect();
        settled
            .iter()
            .enumerate()
            .map(|(i, pl)| {
                let until = settled.get(i + 1).map_or(p.until, |next| next.start);
                let long_term = matches!(
                    pl.place,
                    permanence_domain::codes::Placement::U1
                        | permanence_domain::codes::Placement::U4
                );
                (pl.start, until, long_term)
            })
            .collect()
    };
    let dob = g.dob;
    for (start, until, long_term) in places {
        let until = until.min(last);
        let day = g.within(start, (0, 5), PLACEMENT_PLAN_LATE_SHARE, (6, 20));
        if day < until {
            let worker = g.social_worker_on(day);
            g.activity(ActivityKind::PlacementPlan, day, Some(worker), None);
        }
        let day = g.within(start, (0, 5), NOTIFICATION_LATE_SHARE, (6, 15));
        if day < until {
            g.activity(ActivityKind::PlacementNotification, day, None, None);
        }
        let mut day = if g.random.chance(VISIT_FIRST_LATE_SHARE) {
            start + g.random.int(8, 20)
        } else {
            start + g.random.int(1, 7)
        };
        if until <= live {
            continue;
        }
        while day < until {
            let worker = g.social_worker_on(day);
            let alone = (age_on(dob, day) >= 4).then(|| g.random.chance(VISIT_SEEN_ALONE_SHARE));
            g.activity(ActivityKind::Visit, day, Some(worker), alone);
            let most = if long_term && day - start >= 365 {
                91
            } else {
                42
            };
            day += if g.random.chance(VISIT_LATE_SHARE) {
                most + g.random.range(VISIT_LATE_DAYS)
            } else {
                g.random.int(most * 2 / 3, most)
            };
        }
    }

    health(g, p, last);
    dental(g, p, last);
    education(g, p, last);

    // The IRO meets the child before each review; decisions circulated after it.
    for review in p.reviews.clone().into_iter().filter(|&r| r >= live) {
        let iro = g.iro_on(review);
        let day = (review - g.random.int(1, 14)).max(p.start);
        g.activity(ActivityKind::IroContact, day, iro, None);
        let day = g.within(review, (1, 5), REVIEW_RECORD_LATE_SHARE, (6, 25));
        g.activity(ActivityKind::ReviewRecordCirculated, day, iro, None);
    }

    // Return interviews after missing episodes.
    let returns: Vec<Day> = g
        .record
        .missing
        .iter()
        .filter_map(|m| m.mis_end.map(from_date))
        .filter(|&end| p.start <= end && end < p.until && end >= live)
        .collect();
    for end in returns {
        if g.random.chance(RETURN_INTERVIEW_SHARE) {
            let day = end + g.random.int(0, 3);
            g.activity(ActivityKind::ReturnInterview, day, None, None);
        }
    }

    // The nominated officer approves ceasing care after 20 working days or more.
    if let Some(end) = p.end
        && g.scope
            .calendar
            .working_days_between(to_date(p.start), to_date(end))
            >= 20
        && g.random.chance(CEASING_CARE_APPROVAL_SHARE)
    {
        let day = (end - g.random.int(0, 10)).max(p.start);
        let officer = g.service_manager_on(day);
        g.activity(ActivityKind::CeasingCareApproval, day, Some(officer), None);
    }
}

/// The initial health assessment within 20 working days for most, then reviews every
/// 6 months under 5 and every 12 months from 5; none in a year whose OC2 row says the
/// health assessment was not up to date.
fn health(g: &mut Gen<'_>, p: &Period, last: Day) {
    let day = g.within(p.start, (5, 20), 1.0 - IHA_WITHIN_20_WD_SHARE, (21, 60));
    if day >= last {
        return;
    }
    g.activity(ActivityKind::InitialHealthAssessment, day, None, None);
    let not_done: Vec<i16> = g
        .record
        .outcomes
        .iter()
        .filter(|o| o.health_assessment == Some(false))
        .map(|o| o.year.0)
        .collect();
    let mut previous = day;
    loop {
        let interval = if age_on(g.dob, previous) < 5 { 6 } else { 12 };
        let due = months(previous, interval);
        let day = if g.random.chance(HEALTH_REVIEW_LATE_SHARE) {
            due + g.random.int(10, 90)
        } else {
            due - g.random.int(0, 30)
        };
        if day >= last {
            break;
        }
        if day >= g.scope.live - 365 && !not_done.contains(&year_of(day)) {
            g.activity(ActivityKind::ReviewHealthAssessment, day, None, None);
        }
        previous = day;
    }
}

/// A dental check a year from age 1, agreeing with the OC2 rows where there are some.
fn dental(g: &mut Gen<'_>, p: &Period, last: Day) {
    let first_year = year_of(p.start.max(g.scope.live));
    let last_year = year_of(last - 1);
    for year in first_year..=last_year {
        let from = year_start(year)
            .max(p.start)
            .max(birthday(g.dob, 1))
            .max(g.scope.live);
        let to = year_end(year).min(last - 1);
        if to < from {
            continue;
        }
        let checked = match g.record.outcomes.iter().find(|o| o.year.0 == year) {
            Some(row) => row.teeth_check == Some(true),
            None => to - from >= 60 && g.random.chance(TEETH_CHECK_SHARE),
        };
        if checked {
            let day = g.random.int(from, to);
            g.activity(ActivityKind::DentalCheck, day, None, None);
        }
    }
}

/// Personal education plans for school-age children (from the September after the 4th
/// birthday to 18): started within 10 working days of entry, reviewed every term.
fn education(g: &mut Gen<'_>, p: &Period, last: Day) {
    let four = birthday(g.dob, 4);
    let (y, m, _) = crate::calendar::civil_from_days(four);
    let reception = days_from_civil(if m >= 9 { y + 1 } else { y }, 9, 1);
    let from = p.start.max(reception);
    let to = last.min(birthday(g.dob, 18));
    if from >= to {
        return;
    }
    let initial = g.within(from, (1, 10), PEP_INITIAL_LATE_SHARE, (11, 30));
    if initial >= to {
        return;
    }
    let worker = g.social_worker_on(initial);
    g.activity(ActivityKind::PepInitial, initial, Some(worker), None);
    let (first_year, _, _) = crate::calendar::civil_from_days(initial.max(g.scope.live));
    let (last_year, _, _) = crate::calendar::civil_from_days(to);
    for year in first_year..=last_year {
        let terms = [
            (days_from_civil(year, 1, 4), days_from_civil(year, 3, 31)),
            (days_from_civil(year, 4, 15), days_from_civil(year, 7, 20)),
            (days_from_civil(year, 9, 1), days_from_civil(year, 12, 18)),
        ];
        for (term_start, term_end) in terms {
            let a = term_start.max(initial + 1).max(g.scope.live);
            let b = term_end.min(to - 1);
            if b - a < 21 || g.random.chance(PEP_REVIEW_MISSED_SHARE) {
                continue;
            }
            let day = g.random.int(a, b);
            let worker = g.social_worker_on(day);
            g.activity(ActivityKind::PepReview, day, Some(worker), None);
        }
    }
}

/// An eligible young person (looked after 13 weeks since 14, and after 16).
pub(crate) struct Leaver {
    /// The 16th birthday, or the first day in care after it.
    pub(crate) eligible_from: Day,
    /// The day the last period of care ended, when known.
    pub(crate) left: Option<Day>,
}

/// Whether the child is (or was) an eligible care leaver whose leaving-care years reach
/// into the window.
pub(crate) fn care_leaver(g: &Gen<'_>, periods: &[Period]) -> Option<Leaver> {
    let (fourteen, sixteen, twenty_one) = (
        birthday(g.dob, 14),
        birthday(g.dob, 16),
        birthday(g.dob, 21),
    );
    if twenty_one < g.scope.window_start {
        return None;
    }
    let horizon = g.horizon();
    let after_fourteen: i32 = periods
        .iter()
        .map(|p| (p.until.min(horizon + 1) - p.start.max(fourteen)).max(0))
        .sum();
    let after_sixteen = periods.iter().find(|p| p.until > sixteen)?;
    let last = periods.last()?;
    use ReasonEpisodeCeased::*;
    if after_fourteen < 91 || matches!(last.rec, Some(E2 | E3 | E15 | E16)) {
        return None;
    }
    let eligible_from = after_sixteen.start.max(sixteen);
    if eligible_from > horizon {
        return None;
    }
    Some(Leaver {
        eligible_from,
        left: last.end,
    })
}

/// The needs assessment, pathway plan and its reviews, and personal-adviser contacts,
/// up to the 21st birthday.
pub(crate) fn leaving_care(g: &mut Gen<'_>, leaver: &Leaver) {
    let twenty_one = birthday(g.dob, 21);
    let stop = twenty_one.min(g.horizon() + 1);
    let worker = |g: &mut Gen<'_>, day: Day| {
        g.allocated_on(AllocationRole::PersonalAdviser, day)
            .unwrap_or_else(|| g.social_worker_on(day))
    };
    let assessment = if g.random.chance(NEEDS_ASSESSMENT_LATE_SHARE) {
        months(leaver.eligible_from, 3) + g.random.int(10, 90)
    } else {
        leaver.eligible_from + g.random.int(10, 85)
    };
    if assessment >= stop {
        return;
    }
    let by = worker(g, assessment);
    g.activity(ActivityKind::NeedsAssessment, assessment, Some(by), None);
    let plan = {
        let n = g.random.int(5, 20);
        g.wd(assessment, n)
    };
    if plan >= stop {
        return;
    }
    let by = worker(g, plan);
    g.activity(ActivityKind::PathwayPlan, plan, Some(by), None);
    let mut day = plan;
    loop {
        let due = months(day, 6);
        day = if g.random.chance(PATHWAY_REVIEW_LATE_SHARE) {
            due + g.random.int(7, 60)
        } else {
            due - g.random.int(0, 30)
        };
        if day >= stop {
            break;
        }
        if day < g.scope.live - 183 {
            continue;
        }
        let by = worker(g, day);
        g.activity(ActivityKind::PathwayPlanReview, day, Some(by), None);
    }
    // Personal-adviser contacts, at most two months apart for most.
    let adviser_from = g
        .tracker
        .allocations
        .iter()
        .find(|a| a.role == AllocationRole::PersonalAdviser)
        .map(|a| from_date(a.start));
    if let Some(from) = adviser_from {
        let mut day = from + g.random.int(1, 14);
        while day < stop {
            if day >= g.scope.live - 62 {
                let by = g.allocated_on(AllocationRole::PersonalAdviser, day);
                g.activity(ActivityKind::PersonalAdviserContact, day, by, None);
            }
            day += if g.random.chance(PA_CONTACT_LATE_SHARE) {
                g.random.int(62, 100)
            } else {
                g.random.int(21, 60)
            };
        }
    }
}

/// Staying-put decisions for young people fostered at 16-17 (at the first review after
/// the 16th birthday for most), always agreed for those who stayed put at 18 (E17), with
/// the arrangement's end read off the OC3 accommodation rows.
pub(crate) fn staying_put(g: &mut Gen<'_>, periods: &[Period]) {
    let (sixteen, eighteen) = (birthday(g.dob, 16), birthday(g.dob, 18));
    let horizon = g.horizon();
    let Some(p) = periods
        .iter()
        .rev()
        .find(|p| p.until > sixteen && p.start < eighteen && p.until >= g.scope.window_start)
    else {
        return;
    };
    let fostered_on = |day: Day| p.place_on(day).is_some_and(|pl| pl.place.is_foster_care());
    let stayed_put = p.rec == Some(ReasonEpisodeCeased::E17);
    let from = p.start.max(sixteen);
    let review = p
        .reviews
        .iter()
        .copied()
        .find(|&r| r >= from && fostered_on(r));
    let mut decided = match review {
        Some(day) => Some(day + g.random.int(0, 5)),
        None => {
            let day = from + g.random.int(30, 120);
            (day < p.until && fostered_on(day)).then_some(day)
        }
    };
    if decided.is_some() && !g.random.chance(STAYING_PUT_DECISION_RECORDED_SHARE) {
        decided = None;
    }
    if stayed_put && decided.is_none() {
        let end = p.end.expect("E17 ends the period");
        decided = Some((end - g.random.int(60, 180)).max(p.start));
    }
    let Some(decided) = decided.filter(|&d| d <= horizon && d < p.until.max(eighteen)) else {
        return;
    };
    let (decision, start, end) = if stayed_put {
        let start = p.end.expect("E17 ends the period");
        (
            StayingPutDecision::Agreed,
            Some(start),
            staying_put_end(g, start),
        )
    } else if p.end.is_some_and(|end| end >= eighteen - 1)
        || g.random.chance(1.0 - STAYING_PUT_AGREED_SHARE)
    {
        let decision = if g.random.chance(0.5) {
            StayingPutDecision::NotAgreed
        } else {
            StayingPutDecision::YoungPersonDeclined
        };
        (decision, None, None)
    } else {
        (StayingPutDecision::Agreed, None, None)
    };
    g.tracker.staying_put.push(StayingPut {
        child: g.child().to_string(),
        decided: to_date(decided),
        decision,
        start: start.map(to_date),
        end: end.map(to_date),
    });
}

/// When a staying-put arrangement starting on `start` ended: before the first later
/// birthday whose OC3 row has the young person living elsewhere, or at 21.
fn staying_put_end(g: &mut Gen<'_>, start: Day) -> Option<Day> {
    let horizon = g.horizon();
    for row in &g.record.care_leaver_outcomes {
        let Some(accom) = row.accom else { continue };
        let birthday_in_year = (19..=21)
            .map(|age| birthday(g.dob, age))
            .find(|&b| year_of(b) == row.year.0);
        if let Some(b) = birthday_in_year
            && !matches!(accom, Accommodation::Z1 | Accommodation::Z2)
            && b > start
        {
            let end = (b - g.random.int(30, 200)).max(start + 1);
            return (end <= horizon).then_some(end);
        }
    }
    let twenty_one = birthday(g.dob, 21);
    (twenty_one <= horizon).then_some(twenty_one)
}
