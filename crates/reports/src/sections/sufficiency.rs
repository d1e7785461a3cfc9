//! Section 10 of the quarterly report, foster-care sufficiency: children's needs against
//! the foster-carer register's capacity by age band, sibling-group size and complex need;
//! children in children's homes or placed out of the borough whose plan is a family; and
//! vacancies that went unused, with why. The figures are
//! [`permanence_rules::sufficiency::analyse`] on the quarter's last day (the same analysis
//! as the web application's fostering page; definitions in `docs/fostering.md`).

use permanence_rules::sufficiency::{GapAnalysis, analyse};

use crate::{Cell, Chart, Scope, Section, Table};

/// Section 10 (quarterly reports only).
pub(crate) fn section(scope: &Scope<'_>) -> Section {
    let records = scope.records;
    let gaps = analyse(
        &records.journeys,
        &records.trackers,
        &records.organisation,
        scope.as_of,
    );
    Section {
        number: 10,
        id: "sufficiency",
        title: "Foster-care sufficiency",
        intro: format!(
            "Children's needs against the foster-carer register on the last day of the quarter: \
             {} approved households with {} approved places, {} of them free. Projected: the \
             age band children in foster care or needing a family will be in 12 months on.",
            gaps.households_approved, gaps.approved_places, gaps.free_places
        ),
        charts: charts(&gaps),
        tables: tables(&gaps),
    }
}

fn charts(gaps: &GapAnalysis) -> Vec<Chart> {
    vec![
        Chart::Bars {
            title: "Children needing a family, by age".to_string(),
            bars: gaps
                .by_age
                .iter()
                .map(|g| (g.band.to_string(), g.needing_a_family.len() as f64))
                .collect(),
        },
        Chart::Bars {
            title: "Free foster places whose terms cover the age".to_string(),
            bars: gaps
                .by_age
                .iter()
                .map(|g| (g.band.to_string(), f64::from(g.free_places)))
                .collect(),
        },
    ]
}

fn tables(gaps: &GapAnalysis) -> Vec<Table> {
    let mut by_age = Table::new(
        "sufficiency_by_age_band",
        "Needs and capacity by age band",
        &[
            "Age band",
            "In foster care",
            "Needing a family",
            "Projected in 12 months",
            "Approved places",
            "Free places",
        ],
    );
    for g in &gaps.by_age {
        by_age.push(vec![
            Cell::text(g.band),
            Cell::children(g.in_foster_care.clone()),
            Cell::children(g.needing_a_family.clone()),
            Cell::children(g.projected.clone()),
            Cell::number(g.approved_places as usize),
            Cell::number(g.free_places as usize),
        ]);
    }
    let mut by_group = Table::new(
        "sufficiency_by_sibling_group",
        "Sibling groups to place together, by size",
        &[
            "Group size",
            "Groups",
            "Households approved for as many",
            "Of them with as many free places",
        ],
    );
    for g in &gaps.by_group {
        let size = if g.size >= 4 {
            "4 or more".to_string()
        } else {
            g.size.to_string()
        };
        by_group.push(vec![
            Cell::text(size),
            Cell::children(g.groups.clone()),
            Cell::number(g.households_approved),
            Cell::number(g.households_free),
        ]);
    }
    let mut by_need = Table::new(
        "sufficiency_by_complex_need",
        "Complex needs against carers' skills",
        &[
            "Need",
            "Children",
            "Households with the skills",
            "Of them with a free place",
        ],
    );
    for g in &gaps.by_need {
        by_need.push(vec![
            Cell::text(g.need.label()),
            Cell::children(g.children.clone()),
            Cell::number(g.households),
            Cell::number(g.households_free),
        ]);
    }
    let mut waiting = Table::new(
        "sufficiency_waiting_for_a_family",
        "Children in children's homes or out of the borough whose plan is a family",
        &[
            "Child",
            "Age",
            "Setting",
            "Placement",
            "Plan",
            "Days in the placement",
        ],
    );
    for w in &gaps.waiting {
        waiting.push(vec![
            Cell::child(&w.child),
            Cell::number(w.age.max(0) as usize),
            Cell::text(w.setting),
            Cell::text(w.placement),
            Cell::text(w.plan.label()),
            Cell::number(w.days_in_placement.max(0) as usize),
        ]);
    }
    let mut unused = Table::new(
        "sufficiency_unused_vacancies",
        "Unused vacancies and why",
        &["Household", "Name", "Free places", "Ages", "Why unused"],
    );
    for v in &gaps.unused {
        unused.push(vec![
            Cell::text(v.household.clone()),
            Cell::text(v.name.clone()),
            Cell::number(v.free_places as usize),
            Cell::text(v.ages.clone()),
            Cell::text(v.reason.clone()),
        ]);
    }
    vec![by_age, by_group, by_need, waiting, unused]
}

#[cfg(test)]
mod tests {
    use permanence_domain::Journey;

    use super::*;
    use crate::{Period, Records};

    /// The quarterly report carries the analysis of the quarter's last day, cell for
    /// cell, with each figure's children; a monthly report has no such section.
    #[test]
    fn the_quarterly_report_shows_the_gap_analysis_and_the_monthly_does_not() {
        let config = permanence_synth::SynthConfig {
            children: 400,
            seed: 3,
            first_year: permanence_domain::CollectionYear(2023),
            last_year: permanence_domain::CollectionYear(2026),
        };
        let children = permanence_synth::generate(&config);
        let as_of = config.last_year.end();
        let (organisation, trackers) =
            permanence_synth::generate_tracker(&config, as_of, &children);
        let records = Records {
            journeys: children.into_iter().map(Journey::new).collect(),
            trackers,
            organisation,
            alert_activity: Vec::new(),
        };
        let policy = permanence_rules::Policy::default();
        let quarter = Period::quarter_of(as_of);
        let report = crate::build(&records, quarter, as_of, &policy).unwrap();
        let section = report.sections.last().unwrap();
        assert_eq!((section.number, section.id), (10, "sufficiency"));
        let known = records.known_on(as_of);
        let gaps = analyse(&known.journeys, &known.trackers, &known.organisation, as_of);
        assert!(
            gaps.households_approved > 0,
            "the synthetic register has carers"
        );
        let table = report.table("sufficiency_by_age_band").unwrap();
        for (row, gap) in table.rows.iter().zip(&gaps.by_age) {
            assert_eq!(row[0].csv_text(), gap.band);
            let mut expected = gap.needing_a_family.clone();
            expected.sort();
            expected.dedup();
            assert_eq!(row[2].children.clone().unwrap(), expected);
            assert_eq!(row[5].csv_text(), gap.free_places.to_string());
        }
        assert_eq!(
            report
                .table("sufficiency_unused_vacancies")
                .unwrap()
                .rows
                .len(),
            gaps.unused.len()
        );
        let monthly = crate::build(&records, Period::month_of(as_of), as_of, &policy).unwrap();
        assert!(monthly.sections.iter().all(|s| s.id != "sufficiency"));
        assert_eq!(monthly.sections.len(), 9);
    }
}
