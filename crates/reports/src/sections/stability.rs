//! Section 3, stability: the national placement-stability indicators exactly as
//! `domain.md` §2.1 defines them (with the period's last day standing in for 31 March),
//! and placements that ended in the period by reason, unplanned endings marked.

use std::collections::BTreeMap;

use permanence_domain::codes::Code;

use super::headlines::{long_term_stability, three_or_more_placements};
use crate::{Cell, Chart, Scope, Section, Table};

/// Placements that ended for one reason: whether the reason is unplanned, and the
/// child of each placement (a child once per placement).
struct Endings {
    unplanned: bool,
    children: Vec<String>,
}

/// Section 3.
pub(crate) fn section(scope: &Scope<'_>) -> Section {
    let records = scope.records;
    let mut indicators = Table::new(
        "stability_indicators",
        "Placement stability indicators",
        &["Indicator", "Children", "Of", "Share"],
    )
    .with_note(
        "Short-term stability: children looked after at the end of the period with three or \
         more placements open at some time in the 12 months to it (temporary placements T0 to \
         T4 and short breaks left out). Long-term stability: children under 16 at the end of \
         the period, looked after continuously for 2.5 years or more, who have lived in the \
         same placement for 2 years or more (changes with the same carers, RNE T or U, do not \
         count as moves; a placement for adoption counts together with the placement before it).",
    );
    for (label, cell) in [
        (
            "3 or more placements in the last 12 months",
            three_or_more_placements(records, scope.start, scope.as_of),
        ),
        (
            "Long-term stability (same placement 2 years or more)",
            long_term_stability(records, scope.start, scope.as_of),
        ),
    ] {
        let (numerator, denominator) = match cell.value {
            crate::Value::Percent {
                numerator,
                denominator,
            } => (numerator, denominator),
            _ => unreachable!("the stability indicators are shares"),
        };
        indicators.push(vec![
            Cell::text(label),
            Cell::events(numerator, cell.children.clone().unwrap_or_default()),
            Cell::number(denominator),
            cell,
        ]);
    }

    // Placements that ended in the period while the child stayed in care (a move).
    let mut endings: BTreeMap<String, Endings> = BTreeMap::new();
    for journey in &records.journeys {
        for (i, placement) in journey.placements.iter().enumerate() {
            let Some(end) = placement.end else { continue };
            let moved_on = journey
                .placements
                .get(i + 1)
                .is_some_and(|next| next.period == placement.period);
            if end < scope.start || end > scope.as_of || !moved_on || !placement.counts_as_move() {
                continue;
            }
            let (key, unplanned) = match placement.reason_ended {
                Some(reason) => (
                    format!("{}: {}", reason.code(), reason.description()),
                    reason.is_unplanned(),
                ),
                None => ("Not recorded".to_string(), false),
            };
            let entry = endings.entry(key).or_insert(Endings {
                unplanned,
                children: Vec::new(),
            });
            entry.children.push(journey.child().to_string());
        }
    }
    let mut rows: Vec<(String, Endings)> = endings.into_iter().collect();
    rows.sort_by(|a, b| {
        b.1.children
            .len()
            .cmp(&a.1.children.len())
            .then_with(|| a.0.cmp(&b.0))
    });
    let total: usize = rows.iter().map(|r| r.1.children.len()).sum();
    let unplanned: usize = rows
        .iter()
        .filter(|r| r.1.unplanned)
        .map(|r| r.1.children.len())
        .sum();
    let mut by_reason = Table::new(
        "placement_endings_by_reason",
        "Placements that ended in the period, by reason",
        &[
            "Reason the placement ended",
            "Unplanned",
            "Placements",
            "Children",
        ],
    )
    .with_note(format!(
        "{total} placements ended in the period with the child moving to another placement \
         (temporary placements left out); {unplanned} of them unplanned (carer requests, \
         allegations, standards of care, closure of provision: rule STAB-03)."
    ));
    let chart = Chart::Bars {
        title: "Placement endings by reason".to_string(),
        bars: rows
            .iter()
            .map(|(key, endings)| {
                let code = key.split(':').next().unwrap_or(key);
                (code.to_string(), endings.children.len() as f64)
            })
            .collect(),
    };
    for (key, endings) in rows {
        let placements = endings.children.len();
        let children = Cell::children(endings.children.clone());
        let distinct = children.children.as_ref().map_or(0, Vec::len);
        by_reason.push(vec![
            Cell::text(key),
            Cell::text(if endings.unplanned { "Yes" } else { "No" }),
            Cell::events(placements, endings.children),
            Cell::number(distinct),
        ]);
    }
    Section {
        number: 3,
        id: "stability",
        title: "Stability",
        intro: "The national placement-stability indicators on the last day of the period, and \
                the placements that ended in the period by reason."
            .to_string(),
        charts: vec![chart],
        tables: vec![indicators, by_reason],
    }
}

#[cfg(test)]
mod tests {
    use permanence_domain::codes::{
        Placement, ReasonEpisodeCeased::*, ReasonNewEpisode, ReasonPlaceChange,
    };
    use permanence_domain::journey::test_support::episode;

    use crate::sections::test_cohort::*;

    /// Placements ending in October 2026, worked by hand:
    /// - V: placement ended 1/10/2026 (CREQB) and another 31/10/2026 (CARPL): both in
    ///   the period; one unplanned.
    /// - W: placement ended 30/9/2026 (CREQB): before the period.
    /// - X: the placement ended on 20/10/2026 because care ended: not a move.
    /// - Y: a temporary placement (T4) ended 10/10/2026 (CHILD): not counted.
    ///
    /// CREQB 1 (unplanned, V), CARPL 1 (V): 2 placements.
    #[test]
    fn endings_by_reason_worked_by_hand() {
        let moved = |start, end, place, reason| {
            let mut e = episode(start, ReasonNewEpisode::P, place, Some(end), Some(X1));
            e.reason_place_change = Some(reason);
            e
        };
        let first = |start, end, place, reason| {
            let mut e = moved(start, end, place, reason);
            e.rne = ReasonNewEpisode::S;
            e
        };
        let records = borough(
            vec![
                record(
                    "V",
                    d(2015, 1, 1),
                    vec![
                        first(
                            d(2026, 1, 1),
                            d(2026, 10, 1),
                            Placement::U6,
                            ReasonPlaceChange::Creqb,
                        ),
                        moved(
                            d(2026, 10, 1),
                            d(2026, 10, 31),
                            Placement::U4,
                            ReasonPlaceChange::Carpl,
                        ),
                        episode(
                            d(2026, 10, 31),
                            ReasonNewEpisode::P,
                            Placement::K2,
                            None,
                            None,
                        ),
                    ],
                ),
                record(
                    "W",
                    d(2015, 1, 1),
                    vec![
                        first(
                            d(2026, 1, 1),
                            d(2026, 9, 30),
                            Placement::U6,
                            ReasonPlaceChange::Creqb,
                        ),
                        episode(
                            d(2026, 9, 30),
                            ReasonNewEpisode::P,
                            Placement::K2,
                            None,
                            None,
                        ),
                    ],
                ),
                record(
                    "X",
                    d(2015, 1, 1),
                    vec![in_care(d(2026, 1, 1), Some((d(2026, 10, 20), E4A)))],
                ),
                record(
                    "Y",
                    d(2015, 1, 1),
                    vec![
                        episode(
                            d(2026, 1, 1),
                            ReasonNewEpisode::S,
                            Placement::U6,
                            Some(d(2026, 10, 5)),
                            Some(X1),
                        ),
                        moved(
                            d(2026, 10, 5),
                            d(2026, 10, 10),
                            Placement::T4,
                            ReasonPlaceChange::Child,
                        ),
                        episode(
                            d(2026, 10, 10),
                            ReasonNewEpisode::P,
                            Placement::U6,
                            None,
                            None,
                        ),
                    ],
                ),
            ],
            vec![],
        );
        let report = report(&records, "2026-10");
        let table = report.table("placement_endings_by_reason").unwrap();
        assert_eq!(
            table.rows.len(),
            3,
            "CREQB, CARPL and Y's U6 placement (no reason)"
        );
        let creqb = row(
            &report,
            "placement_endings_by_reason",
            "CREQB: Carer(s) requests placement end due to child's behaviour",
        );
        assert_eq!(
            creqb,
            vec![creqb[0].clone(), "Yes".into(), "1".into(), "1".into()]
        );
        let carpl = row(
            &report,
            "placement_endings_by_reason",
            "CARPL: Change to/implementation of care plan",
        );
        assert_eq!(carpl[1..], ["No".to_string(), "1".into(), "1".into()]);
        // Y's first placement ended on 5/10 when the temporary one began: a move, with
        // no reason recorded on it.
        assert_eq!(
            row(&report, "placement_endings_by_reason", "Not recorded")[2],
            "1"
        );
        assert!(table.note.as_deref().unwrap().starts_with("3 placements"));
    }
}
