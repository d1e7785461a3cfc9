//! Section 5, pre-proceedings and proceedings: open pre-proceedings (PLO) cases by how
//! long they have been open against the policy's PLO-01 weeks, how pre-proceedings ended
//! in the period, care proceedings open against the 26 weeks (CRT-01) and extensions,
//! and proceedings concluded in the period.
//!
//! The readings follow PLO-01 and CRT-01: pre-proceedings start at the legal gateway
//! meeting and are open until they end; care proceedings are due within the policy's
//! weeks (default 26) beginning with the day of issue (day 1), plus the extensions
//! granted. Every tracker record counts, whether or not the child has been looked after.

use permanence_domain::Date;
use permanence_domain::date::{add_days, days_between};
use permanence_domain::tracker::{
    CareProceedings, CourtOrder, Hearing, HearingKind, PreProceedings, PreProceedingsMeeting,
    PreProceedingsMeetingKind, PreProceedingsOutcome,
};

use super::{bars, breakdown};
use crate::{Cell, Scope, Section, Table, Value, mean};

/// An average of weeks, from days, over the cases of these children.
fn average_weeks(days: &[i32], children: Vec<String>) -> Cell {
    let mut cell = Cell::children(children);
    cell.value = Value::Days(mean(days).map(|d| d / 7.0));
    cell
}

/// `numerator` cases of `denominator`, with the children behind them.
fn share_of_cases(numerator: usize, denominator: usize, children: Vec<String>) -> Cell {
    let mut cell = Cell::children(children);
    cell.value = Value::Percent {
        numerator,
        denominator,
    };
    cell
}

/// The last day of care proceedings' `weeks` beginning with the day of issue.
fn last_day(issued: Date, weeks: i32) -> Date {
    add_days(issued, weeks * 7 - 1)
}

/// Section 5.
pub(crate) fn section(scope: &Scope<'_>) -> Section {
    let as_of = scope.as_of;
    let start = scope.start;
    let plo_weeks = scope.policy.rules.plo_01.weeks;
    let court_weeks = scope.policy.rules.crt_01.weeks;
    let trackers = &scope.records.trackers;

    let pre: Vec<(&PreProceedings, &[PreProceedingsMeeting])> = trackers
        .values()
        .flat_map(|t| t.pre_proceedings.iter())
        .map(|(case, meetings)| (case, meetings.as_slice()))
        .collect();
    let proceedings: Vec<(&CareProceedings, &[Hearing])> = trackers
        .values()
        .flat_map(|t| t.proceedings.iter())
        .map(|(case, hearings)| (case, hearings.as_slice()))
        .collect();

    // Open pre-proceedings.
    let under = "Under 6 weeks";
    let middle = format!("6 to {plo_weeks} weeks");
    let over = format!("Over {plo_weeks} weeks");
    let mut open: Vec<(&PreProceedings, &[PreProceedingsMeeting], i32)> = pre
        .iter()
        .filter(|(case, _)| {
            case.legal_gateway_meeting <= as_of && case.ended.is_none_or(|end| end > as_of)
        })
        .map(|(case, meetings)| {
            (
                *case,
                *meetings,
                days_between(case.legal_gateway_meeting, as_of),
            )
        })
        .collect();
    open.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.child.cmp(&b.0.child)));
    let band = |days: i32| {
        if days < 42 {
            under.to_string()
        } else if days <= plo_weeks * 7 {
            middle.clone()
        } else {
            over.clone()
        }
    };
    let open_by_duration = breakdown(
        "pre_proceedings_open_by_duration",
        "Open pre-proceedings by time since the legal gateway meeting",
        "Open for",
        &[under, &middle, &over],
        open.iter()
            .map(|(case, _, days)| (band(*days), case.child.clone()))
            .collect(),
    )
    .with_note(format!(
        "Pre-proceedings cases open on {}: the legal gateway meeting on or before that day \
         and not ended by it, by time since the meeting: under 6 weeks (fewer than 42 \
         days), 6 to {plo_weeks} weeks (up to and including {} days, the policy's PLO-01 \
         target), and over it.",
        crate::period::dmy(as_of),
        plo_weeks * 7
    ));
    let mut open_cases = Table::new(
        "pre_proceedings_open",
        "Open pre-proceedings cases",
        &[
            "Child",
            "Started",
            "Weeks open",
            "Letter before proceedings",
            "Last review meeting",
        ],
    )
    .with_note(
        "Started is the legal gateway meeting; weeks open are completed weeks since it; the \
         last review meeting is the latest pre-proceedings review on or before the as-of \
         date. Longest open first.",
    );
    for (case, meetings, days) in &open {
        let last_review = meetings
            .iter()
            .filter(|m| m.kind == PreProceedingsMeetingKind::Review && m.date <= as_of)
            .map(|m| m.date)
            .max();
        open_cases.push(vec![
            Cell::child(&case.child),
            Cell::date(Some(case.legal_gateway_meeting)),
            Cell::number((days / 7).max(0) as usize),
            Cell::date(case.letter_before_proceedings.filter(|d| *d <= as_of)),
            Cell::date(last_review),
        ]);
    }

    // Pre-proceedings ended in the period.
    let ended: Vec<(&PreProceedings, i32)> = pre
        .iter()
        .filter_map(|(case, _)| {
            let end = case.ended.filter(|end| *end >= start && *end <= as_of)?;
            Some((*case, days_between(case.legal_gateway_meeting, end)))
        })
        .collect();
    let mut ended_table = Table::new(
        "pre_proceedings_ended",
        "Pre-proceedings ended in the period, by outcome",
        &["Outcome", "Cases", "Average weeks"],
    )
    .with_note(
        "Pre-proceedings that ended in the period, by outcome; average weeks from the legal \
         gateway meeting to the end.",
    );
    let outcome_row = |label: &str, keep: &dyn Fn(&PreProceedings) -> bool| {
        let (days, children): (Vec<i32>, Vec<String>) = ended
            .iter()
            .filter(|(case, _)| keep(case))
            .map(|(case, days)| (*days, case.child.clone()))
            .unzip();
        vec![
            Cell::text(label),
            Cell::events(days.len(), children.clone()),
            average_weeks(&days, children),
        ]
    };
    for outcome in PreProceedingsOutcome::ALL {
        ended_table.push(outcome_row(outcome.label(), &|case| {
            case.outcome == Some(*outcome)
        }));
    }
    if ended.iter().any(|(case, _)| case.outcome.is_none()) {
        ended_table.push(outcome_row("Not recorded", &|case| case.outcome.is_none()));
    }
    ended_table.push(outcome_row("All", &|_| true));

    // Care proceedings open.
    let within = format!("Within {court_weeks} weeks");
    let extended = format!("Over {court_weeks} weeks, within the extensions granted");
    let beyond = format!("Over {court_weeks} weeks, without an extension covering it");
    let mut open_proceedings = Table::new(
        "proceedings_open",
        "Care proceedings open",
        &[
            "Child",
            "Issued",
            "Weeks since issue",
            "Extensions granted (weeks)",
            "Due to conclude by",
            "Position",
        ],
    )
    .with_note(format!(
        "Care proceedings issued on or before {} and not concluded by then. Weeks since \
         issue are completed weeks. Proceedings are due to conclude within {court_weeks} \
         weeks beginning with the day of issue (the day of issue is day 1, so the last day \
         is day {}), plus every extension granted on or before that day. Longest open \
         first.",
        crate::period::dmy(as_of),
        court_weeks * 7
    ));
    let mut open_items = Vec::new();
    let mut open_list: Vec<(&CareProceedings, i32, i32)> = proceedings
        .iter()
        .filter(|(case, _)| case.issued <= as_of && case.concluded.is_none_or(|c| c > as_of))
        .map(|(case, hearings)| {
            let extension: i32 = hearings
                .iter()
                .filter(|h| h.kind == HearingKind::Extension && h.date <= as_of)
                .filter_map(|h| h.extension_weeks)
                .map(i32::from)
                .sum();
            (*case, days_between(case.issued, as_of), extension)
        })
        .collect();
    open_list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.child.cmp(&b.0.child)));
    for (case, days, extension) in &open_list {
        let due = last_day(case.issued, court_weeks + extension);
        let position = if as_of <= last_day(case.issued, court_weeks) {
            within.clone()
        } else if as_of <= due {
            extended.clone()
        } else {
            beyond.clone()
        };
        open_items.push((position.clone(), case.child.clone()));
        open_proceedings.push(vec![
            Cell::child(&case.child),
            Cell::date(Some(case.issued)),
            Cell::number((days / 7).max(0) as usize),
            Cell::number((*extension).max(0) as usize),
            Cell::date(Some(due)),
            Cell::text(position),
        ]);
    }
    let open_by_weeks = breakdown(
        "proceedings_open_by_weeks",
        &format!("Care proceedings open, against the {court_weeks} weeks"),
        "Position",
        &[&within, &extended, &beyond],
        open_items,
    )
    .with_note(format!(
        "Care proceedings open on {}: within {court_weeks} weeks of issue (up to and \
         including day {} counting the day of issue as day 1, the policy's CRT-01 weeks); \
         over it but within the extensions granted so far; or over it with no extension, \
         or beyond the extensions granted.",
        crate::period::dmy(as_of),
        court_weeks * 7
    ));

    // Care proceedings concluded in the period, and extensions granted.
    let concluded: Vec<(&CareProceedings, i32)> = proceedings
        .iter()
        .filter_map(|(case, _)| {
            let end = case.concluded.filter(|c| *c >= start && *c <= as_of)?;
            Some((*case, days_between(case.issued, end)))
        })
        .collect();
    let concluded_children: Vec<String> = concluded.iter().map(|(c, _)| c.child.clone()).collect();
    let on_time: Vec<String> = concluded
        .iter()
        .filter(|(_, days)| *days < court_weeks * 7)
        .map(|(c, _)| c.child.clone())
        .collect();
    let concluded_days: Vec<i32> = concluded.iter().map(|(_, days)| *days).collect();
    let extensions: Vec<&Hearing> = proceedings
        .iter()
        .flat_map(|(_, hearings)| hearings.iter())
        .filter(|h| h.kind == HearingKind::Extension && h.date >= start && h.date <= as_of)
        .collect();
    let extension_children: Vec<String> = proceedings
        .iter()
        .filter(|(_, hearings)| {
            hearings
                .iter()
                .any(|h| h.kind == HearingKind::Extension && h.date >= start && h.date <= as_of)
        })
        .map(|(case, _)| case.child.clone())
        .collect();
    let extension_weeks: usize = extensions
        .iter()
        .filter_map(|h| h.extension_weeks)
        .map(usize::from)
        .sum();
    let mut concluded_table = Table::new(
        "proceedings_concluded",
        "Care proceedings concluded, and extensions granted, in the period",
        &["Measure", "Value"],
    )
    .with_note(format!(
        "Concluded within {court_weeks} weeks: on or before day {} counting the day of issue \
         as day 1 (extensions not counted). Average weeks from issue to conclusion. \
         Extensions: extensions of the time limit granted at hearings in the period.",
        court_weeks * 7
    ));
    concluded_table.push(vec![
        Cell::text("Concluded in the period"),
        Cell::events(concluded.len(), concluded_children.clone()),
    ]);
    concluded_table.push(vec![
        Cell::text(format!("Concluded within {court_weeks} weeks (%)")),
        share_of_cases(on_time.len(), concluded.len(), on_time),
    ]);
    concluded_table.push(vec![
        Cell::text("Average weeks from issue to conclusion"),
        average_weeks(&concluded_days, concluded_children),
    ]);
    concluded_table.push(vec![
        Cell::text("Extensions granted in the period"),
        Cell::events(extensions.len(), extension_children.clone()),
    ]);
    concluded_table.push(vec![
        Cell::text("Weeks of extension granted in the period"),
        Cell::events(extension_weeks, extension_children),
    ]);
    let order_labels: Vec<&str> = CourtOrder::ALL.iter().map(|o| o.label()).collect();
    let orders = breakdown(
        "proceedings_orders",
        "Care proceedings concluded in the period, by order made",
        "Order",
        &order_labels,
        concluded
            .iter()
            .map(|(case, _)| {
                (
                    case.order.map_or("Not recorded", |o| o.label()).to_string(),
                    case.child.clone(),
                )
            })
            .collect(),
    );

    Section {
        number: 5,
        id: "proceedings",
        title: "Pre-proceedings and proceedings",
        intro: format!(
            "Pre-proceedings under the Public Law Outline open on {} by how long they have \
             been open since the legal gateway meeting (the council's target is to end them \
             within {plo_weeks} weeks), and those that ended in the period: diverted from \
             proceedings, proceedings issued, or closed. Care proceedings open against the \
             {court_weeks} weeks the law allows from issue, with extensions, and those \
             concluded in the period.",
            crate::long_date(as_of)
        ),
        charts: vec![
            bars("Open pre-proceedings by time open", &open_by_duration),
            bars(
                &format!("Open care proceedings against {court_weeks} weeks"),
                &open_by_weeks,
            ),
        ],
        tables: vec![
            open_by_duration,
            open_cases,
            ended_table,
            open_by_weeks,
            open_proceedings,
            concluded_table,
            orders,
        ],
    }
}

#[cfg(test)]
mod tests {
    use permanence_domain::Date;
    use permanence_domain::tracker::{
        CareProceedings, ChildTracker, CourtOrder, Hearing, HearingKind, PreProceedings,
        PreProceedingsMeeting, PreProceedingsMeetingKind, PreProceedingsOutcome,
    };

    use crate::sections::test_cohort::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// A borough of these children's tracker records and no 903 records.
    fn trackers_only(trackers: Vec<(String, ChildTracker)>) -> crate::Records {
        borough(
            vec![],
            trackers
                .iter()
                .map(|(c, t)| (c.as_str(), t.clone()))
                .collect(),
        )
    }

    fn pre(
        child: &str,
        gateway: Date,
        letter: Option<Date>,
        ended: Option<(Date, PreProceedingsOutcome)>,
        meetings: &[(PreProceedingsMeetingKind, Date)],
    ) -> (String, ChildTracker) {
        let id = format!("PP-{child}");
        let tracker = ChildTracker {
            pre_proceedings: vec![(
                PreProceedings {
                    id: id.clone(),
                    child: child.into(),
                    legal_gateway_meeting: gateway,
                    letter_before_proceedings: letter,
                    outcome: ended.map(|e| e.1),
                    ended: ended.map(|e| e.0),
                },
                meetings
                    .iter()
                    .map(|(kind, date)| PreProceedingsMeeting {
                        pre_proceedings: id.clone(),
                        kind: *kind,
                        date: *date,
                    })
                    .collect(),
            )],
            ..ChildTracker::default()
        };
        (child.to_string(), tracker)
    }

    fn court(
        child: &str,
        issued: Date,
        concluded: Option<(Date, CourtOrder)>,
        extensions: &[(Date, u8)],
    ) -> (String, ChildTracker) {
        let id = format!("CP-{child}");
        let tracker = ChildTracker {
            proceedings: vec![(
                CareProceedings {
                    id: id.clone(),
                    child: child.into(),
                    issued,
                    concluded: concluded.map(|c| c.0),
                    order: concluded.map(|c| c.1),
                },
                extensions
                    .iter()
                    .map(|(date, weeks)| Hearing {
                        proceedings: id.clone(),
                        kind: HearingKind::Extension,
                        date: *date,
                        extension_weeks: Some(*weeks),
                    })
                    .collect(),
            )],
            ..ChildTracker::default()
        };
        (child.to_string(), tracker)
    }

    /// Pre-proceedings on 31/10/2026 (October 2026), worked by hand (16 weeks = 112
    /// days):
    /// - P1: legal gateway meeting 1/10/2026: 30 days, under 6 weeks.
    /// - P2: 19/9/2026: 42 days, exactly 6 weeks: 6 to 16 weeks.
    /// - P3: 11/7/2026: 112 days, exactly 16 weeks: 6 to 16 weeks (not over).
    /// - P4: 10/7/2026: 113 days: over 16 weeks (16 weeks open); letter 15/7/2026;
    ///   reviews 21/8/2026 and 2/10/2026 and a meeting 20/7/2026: last review 02/10/2026.
    /// - P5: 1/1/2026, ended 31/10/2026 diverted: not open on the day it ended; ended in
    ///   the period after 303 days (43.3 weeks).
    /// - P6: 1/6/2026, ended 1/10/2026 with proceedings issued: 122 days (17.4 weeks).
    /// - P7: ended 30/9/2026 (closed), before the period: in nothing.
    /// - P8: 1/9/2026, ending 1/11/2026 (after the as-of date, so not known to have
    ///   ended): open, 60 days: 6 to 16 weeks.
    ///
    /// Open: under 6 weeks 1 (P1, 20.0%), 6 to 16 weeks 3 (P2, P3, P8, 60.0%), over 16
    /// weeks 1 (P4, 20.0%). Ended: diverted 1 (43.3), issued 1 (17.4), closed 0, all 2
    /// ((303 + 122) / 2 / 7 = 30.4).
    #[test]
    fn pre_proceedings_worked_by_hand() {
        use PreProceedingsMeetingKind::*;
        use PreProceedingsOutcome::*;
        let records = trackers_only(vec![
            pre("P1", d(2026, 10, 1), None, None, &[]),
            pre("P2", d(2026, 9, 19), None, None, &[]),
            pre("P3", d(2026, 7, 11), None, None, &[]),
            pre(
                "P4",
                d(2026, 7, 10),
                Some(d(2026, 7, 15)),
                None,
                &[
                    (Meeting, d(2026, 7, 20)),
                    (Review, d(2026, 8, 21)),
                    (Review, d(2026, 10, 2)),
                ],
            ),
            pre(
                "P5",
                d(2026, 1, 1),
                None,
                Some((d(2026, 10, 31), Diverted)),
                &[],
            ),
            pre(
                "P6",
                d(2026, 6, 1),
                None,
                Some((d(2026, 10, 1), Issued)),
                &[],
            ),
            pre(
                "P7",
                d(2026, 5, 1),
                None,
                Some((d(2026, 9, 30), Closed)),
                &[],
            ),
            pre(
                "P8",
                d(2026, 9, 1),
                None,
                Some((d(2026, 11, 1), Diverted)),
                &[],
            ),
        ]);
        let report = report(&records, "2026-10");
        let table = "pre_proceedings_open_by_duration";
        assert_eq!(
            row(&report, table, "Under 6 weeks"),
            strings(&["Under 6 weeks", "1", "20.0"])
        );
        assert_eq!(
            row(&report, table, "6 to 16 weeks"),
            strings(&["6 to 16 weeks", "3", "60.0"])
        );
        assert_eq!(
            row(&report, table, "Over 16 weeks"),
            strings(&["Over 16 weeks", "1", "20.0"])
        );
        assert_eq!(children(&report, table, 1, 1), strings(&["P2", "P3", "P8"]));
        assert_eq!(children(&report, table, 2, 1), strings(&["P4"]));
        assert_eq!(
            row(&report, "pre_proceedings_open", "P4"),
            strings(&["P4", "10/07/2026", "16", "15/07/2026", "02/10/2026"])
        );
        assert_eq!(
            row(&report, "pre_proceedings_open", "P3"),
            strings(&["P3", "11/07/2026", "16", "", ""])
        );
        assert_eq!(report.table("pre_proceedings_open").unwrap().rows.len(), 5);
        let ended = "pre_proceedings_ended";
        assert_eq!(
            row(&report, ended, "Diverted from proceedings"),
            strings(&["Diverted from proceedings", "1", "43.3"])
        );
        assert_eq!(
            row(&report, ended, "Proceedings issued"),
            strings(&["Proceedings issued", "1", "17.4"])
        );
        assert_eq!(
            row(&report, ended, "Closed for another reason"),
            strings(&["Closed for another reason", "0", ""])
        );
        assert_eq!(row(&report, ended, "All"), strings(&["All", "2", "30.4"]));
        assert_eq!(children(&report, ended, 3, 1), strings(&["P5", "P6"]));
    }

    /// Care proceedings on 31/10/2026, worked by hand (26 weeks beginning with the day
    /// of issue end on day 182, 181 days after issue):
    /// - Q1: issued 3/5/2026: 31/10 is 181 days after, the last day: within 26 weeks.
    /// - Q2: issued 2/5/2026: 182 days, one day more: over, no extension.
    /// - Q4: issued 1/4/2026: 213 days; extensions of 4 weeks (10/9/2026) and 4 weeks
    ///   (15/10/2026): due within 34 weeks, by 237 days after issue (24/11/2026): over 26
    ///   weeks within the extensions.
    /// - Q8: issued 1/3/2026, concluding 1/11/2026 (after the as-of date: open), 244
    ///   days; an 8-week extension (15/8/2026) makes 237 days (24/10/2026): beyond it.
    /// - Q5: concluded 30/6/2026, before the period: in nothing.
    /// - Q6: issued 19/4/2026, concluded 17/10/2026 (181 days, within 26 weeks) with a care
    ///   order.
    /// - Q7: issued 1/1/2026, concluded 31/10/2026 (303 days) with a placement order.
    ///
    /// Open: within 1 (Q1), extended 1 (Q4), beyond 2 (Q2, Q8). Concluded: 2; within 26
    /// weeks 1 of 2 = 50.0 (Q6); average (181 + 303) / 2 / 7 = 34.6 weeks. Extensions in
    /// the period: 1 (Q4's of 15/10/2026), 4 weeks.
    #[test]
    fn care_proceedings_worked_by_hand() {
        let records = trackers_only(vec![
            court("Q1", d(2026, 5, 3), None, &[]),
            court("Q2", d(2026, 5, 2), None, &[]),
            court(
                "Q4",
                d(2026, 4, 1),
                None,
                &[(d(2026, 9, 10), 4), (d(2026, 10, 15), 4)],
            ),
            court(
                "Q8",
                d(2026, 3, 1),
                Some((d(2026, 11, 1), CourtOrder::CareOrder)),
                &[(d(2026, 8, 15), 8)],
            ),
            court(
                "Q5",
                d(2026, 1, 1),
                Some((d(2026, 6, 30), CourtOrder::CareOrder)),
                &[],
            ),
            court(
                "Q6",
                d(2026, 4, 19),
                Some((d(2026, 10, 17), CourtOrder::CareOrder)),
                &[],
            ),
            court(
                "Q7",
                d(2026, 1, 1),
                Some((d(2026, 10, 31), CourtOrder::PlacementOrder)),
                &[],
            ),
        ]);
        let report = report(&records, "2026-10");
        let table = "proceedings_open_by_weeks";
        let within = "Within 26 weeks";
        let extended = "Over 26 weeks, within the extensions granted";
        let beyond = "Over 26 weeks, without an extension covering it";
        assert_eq!(row(&report, table, within), strings(&[within, "1", "25.0"]));
        assert_eq!(children(&report, table, 0, 1), strings(&["Q1"]));
        assert_eq!(
            row(&report, table, extended),
            strings(&[extended, "1", "25.0"])
        );
        assert_eq!(children(&report, table, 1, 1), strings(&["Q4"]));
        assert_eq!(row(&report, table, beyond), strings(&[beyond, "2", "50.0"]));
        assert_eq!(children(&report, table, 2, 1), strings(&["Q2", "Q8"]));
        assert_eq!(
            row(&report, "proceedings_open", "Q4"),
            strings(&["Q4", "01/04/2026", "30", "8", "24/11/2026", extended])
        );
        assert_eq!(
            row(&report, "proceedings_open", "Q8"),
            strings(&["Q8", "01/03/2026", "34", "8", "24/10/2026", beyond])
        );
        assert_eq!(
            row(&report, "proceedings_open", "Q1"),
            strings(&["Q1", "03/05/2026", "25", "0", "31/10/2026", within])
        );
        let concluded = "proceedings_concluded";
        assert_eq!(row(&report, concluded, "Concluded in the period")[1], "2");
        assert_eq!(children(&report, concluded, 0, 1), strings(&["Q6", "Q7"]));
        assert_eq!(
            row(&report, concluded, "Concluded within 26 weeks (%)")[1],
            "50.0"
        );
        assert_eq!(children(&report, concluded, 1, 1), strings(&["Q6"]));
        assert_eq!(
            row(&report, concluded, "Average weeks from issue to conclusion")[1],
            "34.6"
        );
        assert_eq!(
            row(&report, concluded, "Extensions granted in the period")[1],
            "1"
        );
        assert_eq!(children(&report, concluded, 3, 1), strings(&["Q4"]));
        assert_eq!(
            row(
                &report,
                concluded,
                "Weeks of extension granted in the period"
            )[1],
            "4"
        );
        assert_eq!(row(&report, "proceedings_orders", "Care order")[1], "1");
        assert_eq!(
            row(&report, "proceedings_orders", "Care and placement orders")[1],
            "1"
        );
    }
}
