//! The report's nine sections, one module each, and what they share: breakdown tables
//! and the test cohort builders.

pub(crate) mod adoption;
pub(crate) mod care_leavers;
pub(crate) mod headlines;
pub(crate) mod life_story;
pub(crate) mod oversight;
pub(crate) mod permanence;
pub(crate) mod proceedings;
pub(crate) mod stability;
pub(crate) mod sufficiency;
pub(crate) mod trends;

use std::collections::BTreeMap;

use permanence_rules::Status;

use crate::cohort::looked_after_at;
use crate::{Cell, Chart, Scope, Table};

/// A table of drift rules on the as-of date: for each rule, the children overdue (as a
/// count and a share of the children looked after) and due soon; then the children
/// looked after who are overdue for none of them (on time for all).
pub(crate) fn rules_table(scope: &Scope<'_>, id: &str, title: &str, rules: &[&str]) -> Table {
    let looked_after: Vec<String> = scope
        .records
        .journeys
        .iter()
        .filter(|j| looked_after_at(j, scope.as_of))
        .map(|j| j.child().to_string())
        .collect();
    let mut table = Table::new(
        id,
        title,
        &[
            "Rule",
            "What it checks",
            "Overdue",
            "Share of children looked after",
            "Due soon",
        ],
    )
    .with_note(
        "Each rule as the rules' documentation defines it and the council's policy sets it, \
         evaluated on the records as they stood on the last day of the period. A child counts \
         once per rule.",
    );
    let with = |rule: &str, status: Status| -> Vec<String> {
        scope
            .findings
            .iter()
            .filter(|f| f.rule == rule && f.status == status)
            .map(|f| f.child.clone())
            .collect()
    };
    let mut overdue_any = std::collections::BTreeSet::new();
    for rule in rules {
        let overdue = with(rule, Status::Overdue);
        overdue_any.extend(overdue.iter().cloned());
        let title = permanence_rules::find_rule(rule).map_or("", |r| r.info().title);
        table.push(vec![
            Cell::text(*rule),
            Cell::text(title),
            Cell::children(overdue.clone()),
            Cell::percent(overdue, looked_after.len()),
            Cell::children(with(rule, Status::DueSoon)),
        ]);
    }
    let on_time: Vec<String> = looked_after
        .iter()
        .filter(|c| !overdue_any.contains(*c))
        .cloned()
        .collect();
    table.push(vec![
        Cell::text("All"),
        Cell::text("Children looked after overdue for none of these"),
        Cell::text(""),
        Cell::percent(on_time, looked_after.len()),
        Cell::text(""),
    ]);
    table
}

/// A table counting children by one characteristic: one row per value (in `order`
/// where given, then by count), with the children and their share of all counted.
pub(crate) fn breakdown(
    id: &str,
    title: &str,
    heading: &str,
    order: &[&str],
    items: Vec<(String, String)>,
) -> Table {
    let total = items.len();
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, child) in items {
        groups.entry(key).or_default().push(child);
    }
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for key in order {
        rows.push((key.to_string(), groups.remove(*key).unwrap_or_default()));
    }
    let mut rest: Vec<(String, Vec<String>)> = groups.into_iter().collect();
    rest.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    rows.extend(rest);
    let mut table = Table::new(id, title, &[heading, "Children", "Share"]);
    for (key, children) in rows {
        table.push(vec![
            Cell::text(key),
            Cell::children(children.clone()),
            Cell::percent(children, total),
        ]);
    }
    table
}

/// A bar chart of a breakdown table's counts.
pub(crate) fn bars(title: &str, table: &Table) -> Chart {
    Chart::Bars {
        title: title.to_string(),
        bars: table
            .rows
            .iter()
            .map(|row| {
                let label = row[0].csv_text();
                (label, row[1].number_value().unwrap_or(0.0))
            })
            .collect(),
    }
}

#[cfg(test)]
pub(crate) mod test_cohort {
    //! Small hand-built boroughs for the sections' tests.

    use std::collections::BTreeMap;

    use permanence_domain::codes::{Placement, ReasonEpisodeCeased, ReasonNewEpisode};
    use permanence_domain::journey::test_support::{child, episode};
    use permanence_domain::record::{ChildRecord, Episode};
    use permanence_domain::tracker::ChildTracker;
    use permanence_domain::{Date, Journey};
    use permanence_rules::Policy;

    use crate::{Period, Records, Report};

    pub fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    /// A child born on `dob` with the episodes given.
    pub fn record(id: &str, dob: Date, episodes: Vec<Episode>) -> ChildRecord {
        let mut record = child(id, dob);
        record.episodes = episodes;
        record
    }

    /// One open or closed episode starting a period of care in foster care (U6).
    pub fn in_care(from: Date, to: Option<(Date, ReasonEpisodeCeased)>) -> Episode {
        episode(
            from,
            ReasonNewEpisode::S,
            Placement::U6,
            to.map(|t| t.0),
            to.map(|t| t.1),
        )
    }

    /// A borough of these records and trackers.
    pub fn borough(records: Vec<ChildRecord>, trackers: Vec<(&str, ChildTracker)>) -> Records {
        Records {
            journeys: records.into_iter().map(Journey::new).collect(),
            trackers: trackers
                .into_iter()
                .map(|(id, t)| (id.to_string(), t))
                .collect::<BTreeMap<_, _>>(),
            ..Records::default()
        }
    }

    /// The report for a month, made on a day long after it.
    pub fn report(records: &Records, month: &str) -> Report {
        crate::build(
            records,
            Period::month(month).unwrap(),
            d(2030, 1, 1),
            &Policy::default(),
        )
        .unwrap()
    }

    /// A table's cell as CSV text.
    pub fn cell(report: &Report, table: &str, row: usize, column: usize) -> String {
        report
            .table(table)
            .unwrap_or_else(|| panic!("no table {table}"))
            .cell(row, column)
            .unwrap_or_else(|| panic!("{table}: no cell {row},{column}"))
            .csv_text()
    }

    /// The children behind a table's cell.
    pub fn children(report: &Report, table: &str, row: usize, column: usize) -> Vec<String> {
        report
            .table(table)
            .unwrap()
            .cell(row, column)
            .unwrap()
            .children
            .clone()
            .unwrap_or_default()
    }

    /// A table's row whose first cell reads `label`.
    pub fn row(report: &Report, table: &str, label: &str) -> Vec<String> {
        let table = report
            .table(table)
            .unwrap_or_else(|| panic!("no table {table}"));
        table
            .rows
            .iter()
            .find(|r| r[0].csv_text() == label)
            .unwrap_or_else(|| panic!("{}: no row {label}", table.id))
            .iter()
            .map(|c| c.csv_text())
            .collect()
    }
}
