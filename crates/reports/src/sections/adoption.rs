//! Section 4, adoption: the adoption scorecard's A1, A10 and A2 as three-year averages
//! against the policy's thresholds (ADO-01, ADO-02), each adopted child's timeline, and
//! the use of fostering for adoption.
//!
//! The readings of the data follow the rules: entering care is the start of the period
//! of care the child was adopted from; moving in with the adoptive family is the start of
//! the first placement for adoption (A3 to A6) in it; the placement order is the start of
//! the first E1 or D1 legal status in it; the match is AD1 DATE_MATCH.

use permanence_domain::codes::{LegalStatus, ReasonEpisodeCeased};
use permanence_domain::date::{add_days, add_months, days_between};
use permanence_domain::journey::PlacementSpell;
use permanence_domain::tracker::{ChildTracker, PermanencePlan};
use permanence_domain::{CollectionYear, Date, Journey};

use crate::cohort::looked_after_at;
use crate::{Cell, Chart, Scope, Section, Table};

/// One of the scorecard's measures for one child, in days.
type Measure = dyn Fn(&Adopted<'_>) -> Option<i32>;

/// One adopted child's timeline in the period of care they were adopted from.
struct Adopted<'j> {
    child: &'j str,
    entered_care: Date,
    adopted: Date,
    /// The start of the first placement for adoption (A3 to A6).
    moved_in: Option<Date>,
    /// The start of the placement with the eventual adopters (A10's clock stop).
    with_adopters: Option<Date>,
    /// The start of the first placement order (E1 or D1).
    order: Option<Date>,
    /// AD1 DATE_MATCH.
    matched: Option<Date>,
}

impl Adopted<'_> {
    fn a1(&self) -> Option<i32> {
        self.moved_in
            .map(|date| days_between(self.entered_care, date))
    }

    fn a10(&self) -> Option<i32> {
        self.with_adopters
            .map(|date| days_between(self.entered_care, date))
    }

    /// Placement order to match; a match before the order scores 0.
    fn a2(&self) -> Option<i32> {
        Some(days_between(self.order?, self.matched?).max(0))
    }
}

/// The child's adoption (the latest period of care that ended with REC E11 or E12 from
/// `from` to `to`), with its timeline.
fn adopted(journey: &Journey, from: Date, to: Date) -> Option<Adopted<'_>> {
    let (index, period) = journey.periods.iter().enumerate().rev().find(|(_, p)| {
        matches!(
            p.reason_ceased,
            Some(ReasonEpisodeCeased::E11 | ReasonEpisodeCeased::E12)
        ) && p.end.is_some_and(|end| end >= from && end <= to)
    })?;
    let end = period.end?;
    let placements: Vec<&PlacementSpell> = journey
        .placements
        .iter()
        .filter(|p| p.period == index)
        .collect();
    let adoptive = placements
        .iter()
        .position(|p| p.place.is_placed_for_adoption());
    let order = journey
        .legal_statuses
        .iter()
        .find(|s| {
            matches!(s.legal_status, LegalStatus::E1 | LegalStatus::D1)
                && s.start >= period.start
                && s.start < end
        })
        .map(|s| s.start);
    Some(Adopted {
        child: journey.child(),
        entered_care: period.start,
        adopted: end,
        moved_in: adoptive.map(|i| placements[i].start),
        with_adopters: adoptive.map(|i| placements[eventual_adopters(&placements, i)].start),
        order,
        matched: match_date(journey, end),
    })
}

/// The first of the placements with the adoptive family: walk back from the placement
/// for adoption through placements with the same carers, and take a fostering-for-
/// adoption placement (U2, U5) just before them as the same family (and its own
/// placements with the same carers before it).
fn eventual_adopters(placements: &[&PlacementSpell], adoptive: usize) -> usize {
    let same_carers = |mut k: usize| {
        while k > 0 && !placements[k].new_carers {
            k -= 1;
        }
        k
    };
    let k = same_carers(adoptive);
    if k > 0 && placements[k - 1].place.is_fostering_for_adoption() {
        same_carers(k - 1)
    } else {
        k
    }
}

/// AD1 DATE_MATCH: from the row of the year the child was adopted, or else the latest
/// match on or before the adoption.
fn match_date(journey: &Journey, adopted: Date) -> Option<Date> {
    let rows = &journey.record.adoptions;
    let year = CollectionYear::containing(adopted);
    rows.iter()
        .find(|row| row.year == year && row.date_match.is_some())
        .and_then(|row| row.date_match)
        .or_else(|| {
            rows.iter()
                .filter_map(|row| row.date_match)
                .filter(|date| *date <= adopted)
                .max()
        })
}

/// Whether the plan includes adoption as the primary, a parallel or the contingency
/// plan.
fn plans_adoption(plan: &PermanencePlan) -> bool {
    plan.primary.is_adoption()
        || plan.parallel.iter().any(|o| o.is_adoption())
        || plan.contingency.is_some_and(|o| o.is_adoption())
}

/// Whether fostering for adoption was recorded as considered on a family-finding
/// record, from `from` to `to`.
fn considered_ffa(tracker: &ChildTracker, from: Date, to: Date) -> bool {
    tracker.family_finding.iter().any(|f| {
        f.fostering_for_adoption_considered
            .is_some_and(|date| date >= from && date <= to)
    })
}

/// The day the child moved in with an adoptive family in a period of care (the start of
/// the first placement for adoption, A3 to A6, or fostering for adoption, U2 or U5), when
/// that day is from `from` to `to`; with whether it was a fostering-for-adoption
/// placement.
fn moved_in_between(journey: &Journey, from: Date, to: Date) -> Option<bool> {
    let mut found = None;
    let mut seen_period = None;
    for p in &journey.placements {
        if seen_period == Some(p.period) {
            continue;
        }
        if p.place.is_placed_for_adoption() || p.place.is_fostering_for_adoption() {
            seen_period = Some(p.period);
            if p.start >= from && p.start <= to {
                found = Some(p.place.is_fostering_for_adoption());
            }
        }
    }
    found
}

/// A number of days, or nothing.
fn days_cell(days: Option<i32>) -> Cell {
    days.map_or(Cell::text(""), |d| Cell::number(d.max(0) as usize))
}

/// Section 4.
pub(crate) fn section(scope: &Scope<'_>) -> Section {
    let as_of = scope.as_of;
    let records = scope.records;
    let a1_threshold = scope.policy.rules.ado_01.days;
    let a2_threshold = scope.policy.rules.ado_02.days;
    let from = add_days(add_months(as_of, -36), 1);
    let mut adoptions: Vec<Adopted<'_>> = records
        .journeys
        .iter()
        .filter_map(|j| adopted(j, from, as_of))
        .collect();
    adoptions.sort_by(|a, b| a.adopted.cmp(&b.adopted).then(a.child.cmp(b.child)));

    let mut scorecard = Table::new(
        "adoption_scorecard",
        "Adoption scorecard: three-year averages",
        &[
            "Measure",
            "Average days",
            "Threshold",
            "Children",
            "Within threshold",
        ],
    )
    .with_note(format!(
        "Children adopted (care ended with REC E11 or E12) from {} to {}. A1: days from \
         entering care (the start of the period of care the child was adopted from) to \
         moving in with the adoptive family (the start of the first placement for adoption, \
         A3 to A6, in it); children with no placement for adoption recorded are left out. \
         A10: as A1, but the clock stops at the start of the placement with the eventual \
         adopters: the placements before the placement for adoption with the same carers \
         (and a fostering-for-adoption placement, U2 or U5, just before them) count as the \
         adoptive family, so a child adopted by their foster carers scores the time to that \
         foster placement. A2: for children with a placement order (legal status E1 or D1) \
         in that period of care, days from the first placement order to the match with \
         adopters (AD1 DATE_MATCH); matched before the order scores 0; children with no \
         placement order or no match date are left out. Thresholds are the policy's ADO-01 \
         (A1 and A10) and ADO-02 (A2) days; within threshold means the average is no more \
         than it.",
        crate::period::dmy(from),
        crate::period::dmy(as_of)
    ));
    let measures: [(&str, &Measure, i32); 3] = [
        (
            "A1: entering care to moving in with the adoptive family",
            &|a| a.a1(),
            a1_threshold,
        ),
        (
            "A10: entering care to moving in, adjusted for foster carer adoptions",
            &|a| a.a10(),
            a1_threshold,
        ),
        (
            "A2: placement order to match with adopters",
            &|a| a.a2(),
            a2_threshold,
        ),
    ];
    let mut chart = Vec::new();
    for (label, measure, threshold) in measures {
        let (days, children): (Vec<i32>, Vec<String>) = adoptions
            .iter()
            .filter_map(|a| measure(a).map(|d| (d, a.child.to_string())))
            .unzip();
        let average = Cell::average_days(&days, children.clone());
        let within = average.number_value().map_or("", |avg| {
            if avg <= f64::from(threshold) {
                "Yes"
            } else {
                "No"
            }
        });
        if let Some(avg) = average.number_value() {
            chart.push((label.split(':').next().unwrap_or(label).to_string(), avg));
        }
        scorecard.push(vec![
            Cell::text(label),
            average,
            Cell::number(threshold.max(0) as usize),
            Cell::children(children),
            Cell::text(within),
        ]);
    }

    let mut timeline = Table::new(
        "adoption_children",
        "Children adopted in the three years",
        &[
            "Child",
            "Entered care",
            "Placement order",
            "Matched",
            "Moved in with adopters",
            "Adopted",
            "A1 days",
            "A10 days",
            "A2 days",
        ],
    )
    .with_note(
        "Moved in with adopters is the start of the first placement for adoption (A3 to A6); \
         A10 days count to the start of the placement with the eventual adopters. Blank: \
         not recorded, or not counted in that measure.",
    );
    for a in &adoptions {
        timeline.push(vec![
            Cell::child(a.child),
            Cell::date(Some(a.entered_care)),
            Cell::date(a.order),
            Cell::date(a.matched),
            Cell::date(a.moved_in),
            Cell::date(Some(a.adopted)),
            days_cell(a.a1()),
            days_cell(a.a10()),
            days_cell(a.a2()),
        ]);
    }

    let year_from = add_days(add_months(as_of, -12), 1);
    let mut moved_in = Vec::new();
    let mut through_ffa = Vec::new();
    let mut planned = Vec::new();
    let mut considered = Vec::new();
    for journey in &records.journeys {
        let child = journey.child().to_string();
        if let Some(ffa) = moved_in_between(journey, year_from, as_of) {
            moved_in.push(child.clone());
            if ffa {
                through_ffa.push(child.clone());
            }
        }
        if !looked_after_at(journey, as_of) {
            continue;
        }
        let tracker = records.tracker(journey.child());
        if tracker.plan_on(as_of).is_some_and(plans_adoption) {
            planned.push(child.clone());
            let period_start = journey.period_on(as_of).map_or(as_of, |p| p.start);
            if considered_ffa(tracker, period_start, as_of) {
                considered.push(child);
            }
        }
    }
    let mut ffa = Table::new(
        "fostering_for_adoption",
        "Fostering for adoption",
        &["Measure", "Children", "Share"],
    )
    .with_note(format!(
        "Moved in with an adoptive family from {} to {}: the start of the first placement \
         for adoption (A3 to A6) or fostering for adoption or concurrent planning (U2, U5) \
         in a period of care; through fostering for adoption when that first placement was \
         U2 or U5. Adoption plans: children looked after on {} whose permanence plan in \
         force includes adoption (primary, parallel or contingency); fostering for adoption \
         considered when a family-finding record gives the date it was considered, in the \
         current period of care.",
        crate::period::dmy(year_from),
        crate::period::dmy(as_of),
        crate::period::dmy(as_of)
    ));
    ffa.push(vec![
        Cell::text("Moved in with their adoptive family in the last 12 months"),
        Cell::children(moved_in.clone()),
        Cell::text(""),
    ]);
    ffa.push(vec![
        Cell::text("of whom through fostering for adoption or concurrent planning (U2, U5)"),
        Cell::children(through_ffa.clone()),
        Cell::percent(through_ffa, moved_in.len()),
    ]);
    ffa.push(vec![
        Cell::text("Looked after with a plan that includes adoption"),
        Cell::children(planned.clone()),
        Cell::text(""),
    ]);
    ffa.push(vec![
        Cell::text("of whom fostering for adoption has been considered"),
        Cell::children(considered.clone()),
        Cell::percent(considered, planned.len()),
    ]);

    Section {
        number: 4,
        id: "adoption",
        title: "Adoption",
        intro: format!(
            "The adoption scorecard for children adopted in the three years to {}: A1 (days \
             from entering care to moving in with the adoptive family), A10 (the same, with \
             the clock stopped when the child moved in with the carers who went on to adopt \
             them, such as foster carers or fostering-for-adoption carers) and A2 (days from \
             the placement order to the match with adopters), each an average against the \
             council's threshold ({} days for A1 and A10, {} days for A2). Then how often \
             fostering for adoption is used and considered.",
            crate::long_date(as_of),
            a1_threshold,
            a2_threshold
        ),
        charts: vec![Chart::Bars {
            title: "Average days (three years)".to_string(),
            bars: chart,
        }],
        tables: vec![scorecard, timeline, ffa],
    }
}

#[cfg(test)]
mod tests {
    use permanence_domain::codes::{
        LegalStatus, Placement, ReasonEpisodeCeased::*, ReasonNewEpisode::*,
    };
    use permanence_domain::journey::test_support::episode;
    use permanence_domain::record::{Ad1, Episode};
    use permanence_domain::tracker::{
        ChildTracker, FamilyFinding, FamilyFindingRoute, FamilyFindingStatus, Forum,
        PermanenceOption, PermanencePlan,
    };
    use permanence_domain::{CollectionYear, Date};

    use crate::sections::test_cohort::*;

    fn with_ls(ls: LegalStatus, episode: Episode) -> Episode {
        Episode { ls, ..episode }
    }

    fn matched(on: Date, adopted: Date) -> Ad1 {
        Ad1 {
            year: CollectionYear::containing(adopted),
            date_int: None,
            date_match: Some(on),
            foster_care: None,
            nb_adoptr: None,
            sex_adoptr: None,
            ls_adoptr: None,
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// The three years to 31/10/2026 run from 1/11/2023. Worked by hand:
    /// - A: entered care 1/1/2022 (U6), placement order (E1) 1/3/2023, matched 1/4/2023,
    ///   placed for adoption (A5, new carers) 1/6/2023, adopted 1/11/2023 (the window's
    ///   first day): A1 = A10 = 516 days (365 + 151), A2 = 31.
    /// - B: entered care 1/1/2025 (U4), fostering for adoption (U5, new carers) from
    ///   1/2/2025, placement order 1/4/2025, matched 1/3/2025 (before the order), placed
    ///   for adoption (A5, new carers) 1/6/2025, adopted 31/10/2026 (the window's last
    ///   day): A1 = 151, A10 = 31 (the U5 placement just before counts as the adoptive
    ///   family), A2 = 0 (matched before the order).
    /// - C: adopted 31/10/2023, the day before the window: left out.
    /// - D: entered care 1/1/2024 (U6), the same carers' placement became A6 on 1/7/2024
    ///   (RNE U), adopted 1/3/2025; matched 1/5/2024 but no placement order: A1 = 182
    ///   (2024 is a leap year), A10 = 0, not in A2.
    /// - E: placement order (D1) from entering care 1/6/2024, A3 from 1/12/2024 (new
    ///   carers), adopted 1/6/2025, no match date: A1 = A10 = 183, not in A2.
    /// - X: left care by special guardianship (E46) in 2025: not adopted.
    ///
    /// A1 = (516 + 151 + 182 + 183) / 4 = 258.0, within 426. A10 = (516 + 31 + 0 + 183)
    /// / 4 = 182.5. A2 = (31 + 0) / 2 = 15.5, within 121.
    #[test]
    fn scorecard_worked_by_hand() {
        let records = borough(
            vec![
                record(
                    "A",
                    d(2021, 6, 1),
                    vec![
                        episode(
                            d(2022, 1, 1),
                            S,
                            Placement::U6,
                            Some(d(2023, 3, 1)),
                            Some(X1),
                        ),
                        with_ls(
                            LegalStatus::E1,
                            episode(
                                d(2023, 3, 1),
                                L,
                                Placement::U6,
                                Some(d(2023, 6, 1)),
                                Some(X1),
                            ),
                        ),
                        with_ls(
                            LegalStatus::E1,
                            episode(
                                d(2023, 6, 1),
                                P,
                                Placement::A5,
                                Some(d(2023, 11, 1)),
                                Some(E11),
                            ),
                        ),
                    ],
                ),
                record(
                    "B",
                    d(2024, 12, 1),
                    vec![
                        episode(
                            d(2025, 1, 1),
                            S,
                            Placement::U4,
                            Some(d(2025, 2, 1)),
                            Some(X1),
                        ),
                        episode(
                            d(2025, 2, 1),
                            P,
                            Placement::U5,
                            Some(d(2025, 4, 1)),
                            Some(X1),
                        ),
                        with_ls(
                            LegalStatus::E1,
                            episode(
                                d(2025, 4, 1),
                                L,
                                Placement::U5,
                                Some(d(2025, 6, 1)),
                                Some(X1),
                            ),
                        ),
                        with_ls(
                            LegalStatus::E1,
                            episode(
                                d(2025, 6, 1),
                                P,
                                Placement::A5,
                                Some(d(2026, 10, 31)),
                                Some(E12),
                            ),
                        ),
                    ],
                ),
                record(
                    "C",
                    d(2021, 6, 1),
                    vec![
                        episode(
                            d(2022, 1, 1),
                            S,
                            Placement::U6,
                            Some(d(2023, 1, 1)),
                            Some(X1),
                        ),
                        episode(
                            d(2023, 1, 1),
                            P,
                            Placement::A4,
                            Some(d(2023, 10, 31)),
                            Some(E11),
                        ),
                    ],
                ),
                record(
                    "D",
                    d(2023, 6, 1),
                    vec![
                        episode(
                            d(2024, 1, 1),
                            S,
                            Placement::U6,
                            Some(d(2024, 7, 1)),
                            Some(X1),
                        ),
                        episode(
                            d(2024, 7, 1),
                            U,
                            Placement::A6,
                            Some(d(2025, 3, 1)),
                            Some(E11),
                        ),
                    ],
                ),
                record(
                    "E",
                    d(2023, 6, 1),
                    vec![
                        with_ls(
                            LegalStatus::D1,
                            episode(
                                d(2024, 6, 1),
                                S,
                                Placement::U6,
                                Some(d(2024, 12, 1)),
                                Some(X1),
                            ),
                        ),
                        with_ls(
                            LegalStatus::D1,
                            episode(
                                d(2024, 12, 1),
                                P,
                                Placement::A3,
                                Some(d(2025, 6, 1)),
                                Some(E11),
                            ),
                        ),
                    ],
                ),
                record(
                    "X",
                    d(2020, 1, 1),
                    vec![in_care(d(2023, 1, 1), Some((d(2025, 5, 1), E46)))],
                ),
            ],
            vec![],
        );
        let mut records = records;
        for journey in &mut records.journeys {
            match journey.child() {
                "A" => journey.record.adoptions = vec![matched(d(2023, 4, 1), d(2023, 11, 1))],
                "B" => journey.record.adoptions = vec![matched(d(2025, 3, 1), d(2026, 10, 31))],
                "D" => journey.record.adoptions = vec![matched(d(2024, 5, 1), d(2025, 3, 1))],
                _ => {}
            }
        }
        let report = report(&records, "2026-10");
        let a1 = "A1: entering care to moving in with the adoptive family";
        let a10 = "A10: entering care to moving in, adjusted for foster carer adoptions";
        let a2 = "A2: placement order to match with adopters";
        assert_eq!(
            row(&report, "adoption_scorecard", a1),
            strings(&[a1, "258.0", "426", "4", "Yes"])
        );
        assert_eq!(
            row(&report, "adoption_scorecard", a10),
            strings(&[a10, "182.5", "426", "4", "Yes"])
        );
        assert_eq!(
            row(&report, "adoption_scorecard", a2),
            strings(&[a2, "15.5", "121", "2", "Yes"])
        );
        assert_eq!(
            children(&report, "adoption_scorecard", 0, 1),
            strings(&["A", "B", "D", "E"])
        );
        assert_eq!(
            children(&report, "adoption_scorecard", 1, 3),
            strings(&["A", "B", "D", "E"])
        );
        assert_eq!(
            children(&report, "adoption_scorecard", 2, 1),
            strings(&["A", "B"])
        );
        // The child-level table, in order of adoption.
        assert_eq!(
            row(&report, "adoption_children", "A"),
            strings(&[
                "A",
                "01/01/2022",
                "01/03/2023",
                "01/04/2023",
                "01/06/2023",
                "01/11/2023",
                "516",
                "516",
                "31"
            ])
        );
        assert_eq!(
            row(&report, "adoption_children", "B"),
            strings(&[
                "B",
                "01/01/2025",
                "01/04/2025",
                "01/03/2025",
                "01/06/2025",
                "31/10/2026",
                "151",
                "31",
                "0"
            ])
        );
        assert_eq!(
            row(&report, "adoption_children", "D"),
            strings(&[
                "D",
                "01/01/2024",
                "",
                "01/05/2024",
                "01/07/2024",
                "01/03/2025",
                "182",
                "0",
                ""
            ])
        );
        assert_eq!(
            row(&report, "adoption_children", "E"),
            strings(&[
                "E",
                "01/06/2024",
                "01/06/2024",
                "",
                "01/12/2024",
                "01/06/2025",
                "183",
                "183",
                ""
            ])
        );
        let order: Vec<String> = report
            .table("adoption_children")
            .unwrap()
            .rows
            .iter()
            .map(|r| r[0].csv_text())
            .collect();
        assert_eq!(order, strings(&["A", "D", "E", "B"]));
    }

    /// An average over the threshold: one child adopted from care entered 1/1/2024,
    /// placed for adoption 2/3/2025 (426 days: 366 + 60) and another from 1/1/2024 to
    /// 4/3/2025 (428 days): A1 = 427.0, over 426, so not within.
    #[test]
    fn an_average_a_day_over_the_threshold_is_not_within_it() {
        let adopted = |id: &str, placed: Date| {
            record(
                id,
                d(2023, 6, 1),
                vec![
                    episode(d(2024, 1, 1), S, Placement::U6, Some(placed), Some(X1)),
                    episode(placed, P, Placement::A5, Some(d(2026, 1, 1)), Some(E11)),
                ],
            )
        };
        let records = borough(
            vec![adopted("F", d(2025, 3, 2)), adopted("G", d(2025, 3, 4))],
            vec![],
        );
        let report = report(&records, "2026-10");
        assert_eq!(cell(&report, "adoption_scorecard", 0, 1), "427.0");
        assert_eq!(cell(&report, "adoption_scorecard", 0, 4), "No");
        // No placement orders: A2 has no children and no value.
        assert_eq!(cell(&report, "adoption_scorecard", 2, 1), "");
        assert_eq!(cell(&report, "adoption_scorecard", 2, 3), "0");
        assert_eq!(cell(&report, "adoption_scorecard", 2, 4), "");
    }

    fn plan(
        child: &str,
        primary: PermanenceOption,
        parallel: Vec<PermanenceOption>,
        contingency: Option<PermanenceOption>,
    ) -> PermanencePlan {
        PermanencePlan {
            child: child.into(),
            decided: d(2026, 3, 1),
            forum: Forum::Review,
            primary,
            parallel,
            contingency,
            target: None,
            achieved: None,
            achieved_by: None,
        }
    }

    fn tracker(plan: PermanencePlan, considered: Option<Date>) -> ChildTracker {
        ChildTracker {
            family_finding: vec![FamilyFinding {
                child: plan.child.clone(),
                route: FamilyFindingRoute::Adoption,
                start: d(2026, 3, 1),
                profiles: 0,
                links: 0,
                expressions_of_interest: 0,
                matches: 0,
                status: FamilyFindingStatus::Active,
                end: None,
                end_reason: None,
                fostering_for_adoption_considered: considered,
            }],
            plans: vec![plan],
            ..ChildTracker::default()
        }
    }

    /// The 12 months to 31/10/2026 run from 1/11/2025. Worked by hand:
    /// - F: in care from 1/1/2025, fostering for adoption (U5) from 1/11/2025 (the first
    ///   day): moved in, through fostering for adoption. Plan: adoption (primary);
    ///   fostering for adoption considered 1/10/2025 (in this period of care): counts.
    /// - G: placed for adoption (A5) on 31/10/2025, the day before: not moved in in the
    ///   12 months. Plan: long-term fostering with adoption as the contingency: has an
    ///   adoption plan; not considered.
    /// - H: in care from 1/1/2026, placed for adoption (A4) on 31/10/2026 (the last
    ///   day): moved in, not through fostering for adoption. Plan: special guardianship
    ///   with adoption in parallel; considered on 1/11/2026, after the as-of date: not
    ///   counted.
    /// - I: in care, plan long-term fostering only: no adoption plan.
    /// - J: fostering for adoption considered 1/12/2024, before the current period of
    ///   care began on 1/1/2025: not counted. Adoption plan.
    ///
    /// Moved in: F, H = 2; through fostering for adoption: F = 1 of 2 = 50.0. Adoption
    /// plans: F, G, H, J = 4; considered: F = 1 of 4 = 25.0.
    #[test]
    fn fostering_for_adoption_worked_by_hand() {
        let moved = |id: &str, from: Date, at: Date, place: Placement| {
            record(
                id,
                d(2024, 6, 1),
                vec![
                    episode(from, S, Placement::U6, Some(at), Some(X1)),
                    episode(at, P, place, None, None),
                ],
            )
        };
        use PermanenceOption::*;
        let records = borough(
            vec![
                moved("F", d(2025, 1, 1), d(2025, 11, 1), Placement::U5),
                moved("G", d(2025, 1, 1), d(2025, 10, 31), Placement::A5),
                moved("H", d(2026, 1, 1), d(2026, 10, 31), Placement::A4),
                record("I", d(2020, 1, 1), vec![in_care(d(2025, 1, 1), None)]),
                record("J", d(2020, 1, 1), vec![in_care(d(2025, 1, 1), None)]),
            ],
            vec![
                (
                    "F",
                    tracker(plan("F", Adoption, vec![], None), Some(d(2025, 10, 1))),
                ),
                (
                    "G",
                    tracker(plan("G", LongTermFostering, vec![], Some(Adoption)), None),
                ),
                (
                    "H",
                    tracker(
                        plan("H", SpecialGuardianship, vec![Adoption], None),
                        Some(d(2026, 11, 1)),
                    ),
                ),
                (
                    "I",
                    tracker(
                        plan("I", LongTermFostering, vec![], None),
                        Some(d(2026, 5, 1)),
                    ),
                ),
                (
                    "J",
                    tracker(
                        plan("J", FosteringForAdoption, vec![], None),
                        Some(d(2024, 12, 1)),
                    ),
                ),
            ],
        );
        let report = report(&records, "2026-10");
        let table = "fostering_for_adoption";
        assert_eq!(cell(&report, table, 0, 1), "2");
        assert_eq!(children(&report, table, 0, 1), strings(&["F", "H"]));
        assert_eq!(cell(&report, table, 1, 1), "1");
        assert_eq!(cell(&report, table, 1, 2), "50.0");
        assert_eq!(children(&report, table, 1, 2), strings(&["F"]));
        assert_eq!(cell(&report, table, 2, 1), "4");
        assert_eq!(
            children(&report, table, 2, 1),
            strings(&["F", "G", "H", "J"])
        );
        assert_eq!(cell(&report, table, 3, 2), "25.0");
        assert_eq!(children(&report, table, 3, 2), strings(&["F"]));
    }
}
