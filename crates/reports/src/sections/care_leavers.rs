//! Section 8, care leavers: in touch, in suitable accommodation and in education,
//! employment or training, for care leavers aged 17 to 18 and 19 to 21 whose birthday
//! fell in the 12 months to the as-of date (the DfE's cohort, from the OC3 return), and
//! staying put at 18, 19 and 20.
//!
//! Who is a care leaver follows the care-leaver rules
//! ([`permanence_rules::rules::care_leavers`]): the young person had left care by the
//! birthday, other than by adoption, special guardianship, a child arrangements order,
//! death or another authority taking over, after becoming an eligible child (looked
//! after for the policy's weeks, default 13, since the 14th birthday, some of it after
//! the 16th).

use permanence_domain::calendar::Calendar;
use permanence_domain::codes::{Code, InTouch};
use permanence_domain::date::{add_days, add_months, birthday};
use permanence_domain::record::Oc3;
use permanence_domain::tracker::{ChildTracker, StayingPutDecision};
use permanence_domain::{CollectionYear, Date, Journey};
use permanence_rules::Context;
use permanence_rules::rules::care_leavers::{eligibility, leaves_a_care_leaver, left_care};

use super::bars;
use crate::{Cell, Scope, Section, Table};

/// A care leaver in the cohort: their birthday in the 12 months and the OC3 row about it.
struct CareLeaver<'j> {
    child: &'j str,
    age: i32,
    birthday: Date,
    row: Option<&'j Oc3>,
}

/// Whether the young person was a care leaver on `date`: not looked after, having left
/// care (not by adoption, an order, death or a transfer) after becoming eligible.
fn care_leaver_on(journey: &Journey, scope: &Scope<'_>, calendar: &Calendar, date: Date) -> bool {
    let ctx = Context::without_records(journey, scope.policy, calendar, date);
    let Some(left) = left_care(&ctx) else {
        return false;
    };
    let Some(end) = left.end else {
        return false;
    };
    if !leaves_a_care_leaver(left.reason_ceased) {
        return false;
    }
    let weeks = scope.policy.rules.cl_01.eligibility_weeks;
    eligibility(&ctx, weeks)
        .date
        .is_some_and(|since| since < end)
}

/// The young person's birthday from `from` to `to` at ages 17 to 21, when they were a
/// care leaver the day before it, with the OC3 row of the collection year containing it.
fn in_cohort<'j>(
    journey: &'j Journey,
    scope: &Scope<'_>,
    calendar: &Calendar,
    from: Date,
    to: Date,
) -> Option<CareLeaver<'j>> {
    let dob = journey.record.header.dob;
    let (age, date) = (17..=21)
        .map(|age| (age, birthday(dob, age)))
        .find(|(_, date)| *date >= from && *date <= to)?;
    // Left care before the birthday: a young person whose care ended on the birthday
    // itself has no return for it (the DfE's validation; the synthetic data follows it).
    if !care_leaver_on(journey, scope, calendar, add_days(date, -1)) {
        return None;
    }
    let year = CollectionYear::containing(date);
    Some(CareLeaver {
        child: journey.child(),
        age,
        birthday: date,
        row: journey
            .record
            .care_leaver_outcomes
            .iter()
            .find(|row| row.year == year),
    })
}

/// No information: no OC3 row for the year, or one with neither accommodation nor
/// activity recorded (blank or 0).
fn no_information(row: Option<&Oc3>) -> bool {
    row.is_none_or(|row| {
        row.accom.is_none_or(|a| a.letter().is_none()) && row.activ.is_none_or(|a| a.code() == "0")
    })
}

/// Whether the young person was living with their former foster carers on `date`: a
/// staying-put arrangement agreed, started on or before it and not ended by it, or the
/// OC3 row of the year containing `report_on` saying so (ACCOM Z).
fn with_former_carers(
    journey: &Journey,
    tracker: &ChildTracker,
    date: Date,
    report_on: Date,
) -> bool {
    let agreed = tracker.staying_put.iter().any(|s| {
        s.decision == StayingPutDecision::Agreed
            && s.start.is_some_and(|start| start <= date)
            && s.end.is_none_or(|end| end > date)
    });
    let year = CollectionYear::containing(report_on);
    agreed
        || journey
            .record
            .care_leaver_outcomes
            .iter()
            .any(|row| row.year == year && row.accom.is_some_and(|a| a.letter() == Some('Z')))
}

/// The 18th birthday of a young person who ceased to be looked after on it from a foster
/// placement (U1 to U6), having become an eligible child.
fn left_foster_care_at_18(
    journey: &Journey,
    scope: &Scope<'_>,
    calendar: &Calendar,
) -> Option<Date> {
    let b18 = birthday(journey.record.header.dob, 18);
    let (index, period) = journey
        .periods
        .iter()
        .enumerate()
        .find(|(_, p)| p.end == Some(b18))?;
    let last = &journey.record.episodes[period.episodes.end - 1];
    if last.ls.is_short_break() {
        return None;
    }
    let placement = journey.placements.iter().rfind(|p| p.period == index)?;
    if !placement.place.is_foster_care() {
        return None;
    }
    care_leaver_on(journey, scope, calendar, b18).then_some(b18)
}

/// Section 8.
pub(crate) fn section(scope: &Scope<'_>) -> Section {
    let as_of = scope.as_of;
    let records = scope.records;
    let calendar = scope.policy.calendar();
    let from = add_days(add_months(as_of, -12), 1);

    let mut cohort: Vec<CareLeaver<'_>> = records
        .journeys
        .iter()
        .filter_map(|j| in_cohort(j, scope, &calendar, from, as_of))
        .collect();
    cohort.sort_by(|a, b| a.child.cmp(b.child));
    let groups: [(&str, &dyn Fn(i32) -> bool); 3] = [
        ("17 to 18", &|age| age <= 18),
        ("19 to 21", &|age| age >= 19),
        ("17 to 21", &|_| true),
    ];
    let mut outcomes = Table::new(
        "care_leavers_outcomes",
        "Care leavers by age: in touch, accommodation and activity",
        &[
            "Age group",
            "Care leavers",
            "In touch",
            "In suitable accommodation",
            "In education, employment or training",
            "No information",
        ],
    )
    .with_note(format!(
        "Care leavers whose 17th, 18th, 19th, 20th or 21st birthday fell from {} to {}, who \
         had left care before that birthday (not on it) after becoming eligible (looked after for at least \
         13 weeks since their 14th birthday, some of it after their 16th), other than by \
         adoption, special guardianship, a child arrangements order, death or another \
         authority taking over. Each is counted once, at the age reached on that birthday, \
         from the care-leaver return (OC3) of the collection year containing it: in touch \
         (IN_TOUCH YES); in suitable accommodation (ACCOM ending in 1); in education, \
         employment or training (ACTIV F or P codes); no information (no return for that \
         year, or neither accommodation nor activity recorded). Shares are of the age \
         group.",
        crate::period::dmy(from),
        crate::period::dmy(as_of)
    ));
    for (label, keep) in groups {
        let group: Vec<&CareLeaver<'_>> = cohort.iter().filter(|c| keep(c.age)).collect();
        let who = |test: &dyn Fn(Option<&Oc3>) -> bool| -> Vec<String> {
            group
                .iter()
                .filter(|c| test(c.row))
                .map(|c| c.child.to_string())
                .collect()
        };
        let n = group.len();
        outcomes.push(vec![
            Cell::text(label),
            Cell::children(who(&|_| true)),
            Cell::percent(
                who(&|r| r.is_some_and(|r| r.in_touch == Some(InTouch::Yes))),
                n,
            ),
            Cell::percent(
                who(&|r| r.is_some_and(|r| r.accom.is_some_and(|a| a.suitable() == Some(true)))),
                n,
            ),
            Cell::percent(
                who(&|r| r.is_some_and(|r| r.activ.is_some_and(|a| a.is_eet()))),
                n,
            ),
            Cell::percent(who(&no_information), n),
        ]);
    }
    let mut leavers = Table::new(
        "care_leavers_cohort",
        "Care leavers in the cohort",
        &[
            "Child",
            "Birthday",
            "Age",
            "In touch",
            "Accommodation",
            "Activity",
        ],
    )
    .with_note("The care-leaver return (OC3) for the year containing the birthday; blank: none.");
    for c in &cohort {
        let describe = |code: Option<(&str, &str)>| {
            Cell::text(code.map_or(String::new(), |(code, text)| format!("{code}: {text}")))
        };
        leavers.push(vec![
            Cell::child(c.child),
            Cell::date(Some(c.birthday)),
            Cell::number(c.age as usize),
            describe(
                c.row
                    .and_then(|r| r.in_touch)
                    .map(|v| (v.code(), v.description())),
            ),
            describe(
                c.row
                    .and_then(|r| r.accom)
                    .map(|v| (v.code(), v.description())),
            ),
            describe(
                c.row
                    .and_then(|r| r.activ)
                    .map(|v| (v.code(), v.description())),
            ),
        ]);
    }

    // Staying put.
    let mut at = [
        (Vec::new(), Vec::new()),
        (Vec::new(), Vec::new()),
        (Vec::new(), Vec::new()),
    ];
    for journey in &records.journeys {
        let Some(b18) = left_foster_care_at_18(journey, scope, &calendar) else {
            continue;
        };
        let tracker = records.tracker(journey.child());
        let dob = journey.record.header.dob;
        let checks = [
            (add_months(b18, 3), b18),
            (birthday(dob, 19), birthday(dob, 19)),
            (birthday(dob, 20), birthday(dob, 20)),
        ];
        for (i, (date, report_on)) in checks.into_iter().enumerate() {
            if date >= from && date <= as_of {
                at[i].0.push(journey.child().to_string());
                if with_former_carers(journey, tracker, date, report_on) {
                    at[i].1.push(journey.child().to_string());
                }
            }
        }
    }
    let mut staying_put = Table::new(
        "staying_put",
        "Staying put with former foster carers",
        &["When", "Young people", "Living with former foster carers"],
    )
    .with_note(format!(
        "Young people who ceased to be looked after on their 18th birthday from a foster \
         placement (U1 to U6), having become eligible for care-leaver support. At 18: those \
         whose 18th birthday plus 3 months fell from {} to {}, living with their former \
         foster carers on that day; at 19 and 20: those whose 19th or 20th birthday fell \
         in those 12 months, living with them on the birthday. Living with former foster \
         carers: a staying-put arrangement recorded as agreed that had started by that \
         day and not ended by it (an arrangement ending that day has ended), or the \
         care-leaver return (OC3) for the year of that birthday recording accommodation \
         with former foster carers (ACCOM Z).",
        crate::period::dmy(from),
        crate::period::dmy(as_of)
    ));
    let labels = [
        "3 months after the 18th birthday",
        "19th birthday",
        "20th birthday",
    ];
    for (label, (young_people, living)) in labels.into_iter().zip(at) {
        let n = young_people.len();
        staying_put.push(vec![
            Cell::text(label),
            Cell::children(young_people),
            Cell::percent(living, n),
        ]);
    }

    let chart = Table {
        rows: outcomes.rows[..2]
            .iter()
            .map(|r| vec![r[0].clone(), r[4].clone()])
            .collect(),
        ..Table::new("chart", "", &["", ""])
    };
    Section {
        number: 8,
        id: "care_leavers",
        title: "Care leavers",
        intro: format!(
            "Care leavers aged 17 to 21 whose birthday fell in the 12 months to {}, as the \
             DfE counts them: whether the council is in touch, whether their accommodation \
             is suitable and whether they are in education, employment or training, from \
             the care-leaver return around that birthday; and how many young people who \
             left foster care at 18 were staying put with their former foster carers at 18, \
             19 and 20.",
            crate::long_date(as_of)
        ),
        charts: vec![bars(
            "Care leavers in education, employment or training (%)",
            &chart,
        )],
        tables: vec![outcomes, leavers, staying_put],
    }
}

#[cfg(test)]
mod tests {
    use permanence_domain::codes::{
        Accommodation, Activity, InTouch, Placement, ReasonEpisodeCeased::*, ReasonNewEpisode,
    };
    use permanence_domain::journey::test_support::episode;
    use permanence_domain::record::{ChildRecord, Oc3};
    use permanence_domain::tracker::{ChildTracker, StayingPut, StayingPutDecision};
    use permanence_domain::{CollectionYear, Date};

    use crate::sections::test_cohort::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn oc3(year: i16, in_touch: InTouch, activ: Activity, accom: Accommodation) -> Oc3 {
        Oc3 {
            year: CollectionYear(year),
            in_touch: Some(in_touch),
            activ: Some(activ),
            accom: Some(accom),
        }
    }

    fn with_oc3(mut record: ChildRecord, rows: Vec<Oc3>) -> ChildRecord {
        record.care_leaver_outcomes = rows;
        record
    }

    /// The 12 months to 31/10/2026 run from 1/11/2025. Worked by hand:
    /// - L1: born 31/10/2007, in care from 1/1/2022 to the 18th birthday 31/10/2025 (E5);
    ///   19th birthday 31/10/2026, the as-of date: 19 to 21. 2026/27 return: in touch,
    ///   F2 (education), D1 (suitable).
    /// - L2: born 1/11/2007, left care 1/9/2025 (E5); 18th birthday 1/11/2025, the
    ///   window's first day; the 19th birthday is the day after the as-of date, so
    ///   counted at 18: 17 to 18. 2025/26 return: in touch, G5 (NEET), U1 (suitable).
    /// - L8: left care on the 18th birthday 1/12/2025 (E17): not before the birthday, so
    ///   not in the cohort (there is no return for that birthday).
    /// - L3: born 15/3/2009, in care 1/1/2023 to 1/2/2026 (E6, eligible since the 16th
    ///   birthday); 17th birthday 15/3/2026: 17 to 18. Return: not in touch, activity and
    ///   accommodation 0: no information.
    /// - L4: 17th birthday 1/6/2026 but still looked after: not a care leaver.
    /// - L5: 20th birthday 1/1/2026, looked after 61 days at 17: never eligible.
    /// - L6: born 1/5/2005, in care 2019 to the 18th birthday (E5); 21st birthday
    ///   1/5/2026: 19 to 21, no return: no information.
    /// - L7: 20th birthday 1/3/2026, left care at 16 by special guardianship (E46): not a
    ///   care leaver.
    ///
    /// 17 to 18: L2, L3 = 2; in touch L2 50.0; suitable L2 50.0; EET none 0.0; no
    /// information L3 50.0. 19 to 21: L1, L6 = 2; in touch, suitable and EET L1 50.0; no
    /// information L6 50.0. All: 4; in touch L1, L2 50.0; suitable L1, L2 50.0; EET L1
    /// 25.0; no information L3, L6 50.0.
    #[test]
    fn outcomes_worked_by_hand() {
        let records = borough(
            vec![
                with_oc3(
                    record(
                        "L1",
                        d(2007, 10, 31),
                        vec![in_care(d(2022, 1, 1), Some((d(2025, 10, 31), E5)))],
                    ),
                    vec![oc3(2027, InTouch::Yes, Activity::F2, Accommodation::D1)],
                ),
                with_oc3(
                    record(
                        "L2",
                        d(2007, 11, 1),
                        vec![in_care(d(2022, 1, 1), Some((d(2025, 9, 1), E5)))],
                    ),
                    vec![oc3(2026, InTouch::Yes, Activity::G5, Accommodation::U1)],
                ),
                with_oc3(
                    record(
                        "L3",
                        d(2009, 3, 15),
                        vec![in_care(d(2023, 1, 1), Some((d(2026, 2, 1), E6)))],
                    ),
                    vec![oc3(
                        2026,
                        InTouch::No,
                        Activity::NotKnown,
                        Accommodation::NotKnown,
                    )],
                ),
                record("L4", d(2009, 6, 1), vec![in_care(d(2023, 1, 1), None)]),
                record(
                    "L5",
                    d(2006, 1, 1),
                    vec![in_care(d(2023, 10, 1), Some((d(2023, 12, 1), E5)))],
                ),
                record(
                    "L6",
                    d(2005, 5, 1),
                    vec![in_care(d(2019, 1, 1), Some((d(2023, 5, 1), E5)))],
                ),
                record(
                    "L7",
                    d(2006, 3, 1),
                    vec![in_care(d(2019, 1, 1), Some((d(2022, 6, 1), E46)))],
                ),
                with_oc3(
                    record(
                        "L8",
                        d(2007, 12, 1),
                        vec![in_care(d(2022, 1, 1), Some((d(2025, 12, 1), E17)))],
                    ),
                    vec![oc3(2026, InTouch::Yes, Activity::F2, Accommodation::Z1)],
                ),
            ],
            vec![],
        );
        let report = report(&records, "2026-10");
        let table = "care_leavers_outcomes";
        assert_eq!(
            row(&report, table, "17 to 18"),
            strings(&["17 to 18", "2", "50.0", "50.0", "0.0", "50.0"])
        );
        assert_eq!(
            row(&report, table, "19 to 21"),
            strings(&["19 to 21", "2", "50.0", "50.0", "50.0", "50.0"])
        );
        assert_eq!(
            row(&report, table, "17 to 21"),
            strings(&["17 to 21", "4", "50.0", "50.0", "25.0", "50.0"])
        );
        assert_eq!(children(&report, table, 0, 1), strings(&["L2", "L3"]));
        assert_eq!(children(&report, table, 0, 2), strings(&["L2"]));
        assert_eq!(children(&report, table, 0, 4), Vec::<String>::new());
        assert_eq!(children(&report, table, 0, 5), strings(&["L3"]));
        assert_eq!(children(&report, table, 1, 1), strings(&["L1", "L6"]));
        assert_eq!(children(&report, table, 1, 4), strings(&["L1"]));
        assert_eq!(children(&report, table, 1, 5), strings(&["L6"]));
        assert_eq!(children(&report, table, 2, 3), strings(&["L1", "L2"]));
        assert_eq!(
            row(&report, "care_leavers_cohort", "L1")[..4],
            strings(&["L1", "31/10/2026", "19", "YES: In touch"])
        );
        assert_eq!(
            row(&report, "care_leavers_cohort", "L2")[..3],
            strings(&["L2", "01/11/2025", "18"])
        );
        assert_eq!(
            row(&report, "care_leavers_cohort", "L6")[3..],
            strings(&["", "", ""])
        );
        assert_eq!(report.table("care_leavers_cohort").unwrap().rows.len(), 4);
    }

    fn left_at(id: &str, dob: Date, left: Date, place: Placement) -> ChildRecord {
        let rec = if left == permanence_domain::date::birthday(dob, 18) {
            E17
        } else {
            E5
        };
        record(
            id,
            dob,
            vec![episode(
                d(2020, 1, 1),
                ReasonNewEpisode::S,
                place,
                Some(left),
                Some(rec),
            )],
        )
    }

    fn staying(decision: StayingPutDecision, start: Date, end: Option<Date>) -> ChildTracker {
        ChildTracker {
            staying_put: vec![StayingPut {
                child: String::new(),
                decided: start,
                decision,
                start: Some(start),
                end,
            }],
            ..ChildTracker::default()
        }
    }

    /// The 12 months to 31/10/2026 run from 1/11/2025. All in care since 1/1/2020.
    /// Worked by hand:
    /// - S1: left foster care (U4) on the 18th birthday 1/8/2025; 3 months later is
    ///   1/11/2025, the window's first day: at 18; staying put ended 1/11/2025, on that
    ///   day: not living with them. 19th birthday 1/8/2026: at 19, not living with them.
    /// - S2: 18th birthday 31/7/2025: 3 months later is 31/10/2025, the day before the
    ///   window: not at 18. 19th birthday 31/7/2026: at 19, staying put since 31/7/2025
    ///   with no end: living with them.
    /// - S3: left U1 on the 18th birthday 1/7/2026; 1/10/2026: staying put from 1/7/2026:
    ///   living with them.
    /// - S4: left a children's home (K2) on the 18th birthday: not counted.
    /// - S5: left U6 on the 18th birthday 1/2/2026; 1/5/2026: no staying-put record but
    ///   the 2025/26 return says Z1 (former foster carers): living with them.
    /// - S6: 18th birthday 1/3/2026; staying put ended 31/5/2026, the day before 1/6/2026:
    ///   not living with them.
    /// - S7: left foster care before the 18th birthday: not counted.
    /// - S8: 18th birthday 1/11/2023, 20th 1/11/2025 (the window's first day): at 20;
    ///   staying put since 1/11/2023: living with them.
    /// - S9: 20th birthday 31/10/2025, the day before: not at 20.
    /// - S10: 18th birthday 1/9/2025: at 18 (1/12/2025) and at 19 (1/9/2026); staying put
    ///   not agreed: not living with them.
    ///
    /// At 18: S1, S3, S5, S6, S10 = 5, living with former carers S3, S5 = 40.0. At 19:
    /// S1, S2, S10 = 3, S2 = 33.3. At 20: S8 = 1, S8 = 100.0.
    #[test]
    fn staying_put_worked_by_hand() {
        use StayingPutDecision::*;
        let b18 = |dob: Date| permanence_domain::date::birthday(dob, 18);
        let foster = |id: &str, dob: Date| left_at(id, dob, b18(dob), Placement::U6);
        let records = borough(
            vec![
                left_at("S1", d(2007, 8, 1), d(2025, 8, 1), Placement::U4),
                foster("S2", d(2007, 7, 31)),
                left_at("S3", d(2008, 7, 1), d(2026, 7, 1), Placement::U1),
                left_at("S4", d(2008, 1, 1), d(2026, 1, 1), Placement::K2),
                with_oc3(
                    foster("S5", d(2008, 2, 1)),
                    vec![oc3(2026, InTouch::Yes, Activity::F2, Accommodation::Z1)],
                ),
                foster("S6", d(2008, 3, 1)),
                left_at("S7", d(2008, 4, 1), d(2026, 1, 1), Placement::U6),
                foster("S8", d(2005, 11, 1)),
                foster("S9", d(2005, 10, 31)),
                foster("S10", d(2007, 9, 1)),
            ],
            vec![
                ("S1", staying(Agreed, d(2025, 8, 1), Some(d(2025, 11, 1)))),
                ("S2", staying(Agreed, d(2025, 7, 31), None)),
                ("S3", staying(Agreed, d(2026, 7, 1), None)),
                ("S4", staying(Agreed, d(2026, 1, 1), None)),
                ("S6", staying(Agreed, d(2026, 3, 1), Some(d(2026, 5, 31)))),
                ("S7", staying(Agreed, d(2026, 1, 1), None)),
                ("S8", staying(Agreed, d(2023, 11, 1), None)),
                ("S9", staying(Agreed, d(2023, 10, 31), None)),
                ("S10", staying(NotAgreed, d(2025, 9, 1), None)),
            ],
        );
        let report = report(&records, "2026-10");
        let table = "staying_put";
        assert_eq!(
            row(&report, table, "3 months after the 18th birthday"),
            strings(&["3 months after the 18th birthday", "5", "40.0"])
        );
        assert_eq!(
            children(&report, table, 0, 1),
            strings(&["S1", "S10", "S3", "S5", "S6"])
        );
        assert_eq!(children(&report, table, 0, 2), strings(&["S3", "S5"]));
        assert_eq!(
            row(&report, table, "19th birthday"),
            strings(&["19th birthday", "3", "33.3"])
        );
        assert_eq!(
            children(&report, table, 1, 1),
            strings(&["S1", "S10", "S2"])
        );
        assert_eq!(children(&report, table, 1, 2), strings(&["S2"]));
        assert_eq!(
            row(&report, table, "20th birthday"),
            strings(&["20th birthday", "1", "100.0"])
        );
        assert_eq!(children(&report, table, 2, 2), strings(&["S8"]));
    }
}
