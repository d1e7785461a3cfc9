//! A summary of the looked-after population on a date, as a manager would recognise it:
//! children looked after by age, legal status and placement type, and the year's starts
//! and ceasings. Short breaks (V3, V4) are left out, as in the DfE's statistics.

use std::collections::BTreeMap;

use permanence_domain::codes::PlacementGroup;
use permanence_domain::date::{AGE_BANDS, add_months, age_band_index, format_dmy};
use permanence_domain::{Date, Journey};

use crate::output::{Cell, TextTable};

/// The summary as text.
pub(crate) fn population_summary(journeys: &[Journey], as_of: Date) -> String {
    let mut by_age: BTreeMap<usize, usize> = BTreeMap::new();
    let mut by_legal: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut by_placement: BTreeMap<PlacementGroup, usize> = BTreeMap::new();
    let mut total = 0;
    for journey in journeys {
        let Some(episode) = journey.episode_on(as_of) else {
            continue;
        };
        if episode.ls.is_short_break() {
            continue;
        }
        total += 1;
        let age = journey.age_on(as_of);
        let band = age_band_index(age);
        *by_age.entry(band).or_default() += 1;
        *by_legal.entry(episode.ls.group()).or_default() += 1;
        *by_placement.entry(episode.place.group()).or_default() += 1;
    }
    let year_ago = add_months(as_of, -12);
    let in_last_year = |d: Date| d > year_ago && d <= as_of;
    let starts = journeys
        .iter()
        .flat_map(|j| &j.periods)
        .filter(|p| in_last_year(p.start))
        .count();
    let ceasings = journeys
        .iter()
        .flat_map(|j| &j.periods)
        .filter(|p| p.end.is_some_and(in_last_year))
        .count();

    let mut text = format!("Children looked after on {}: {total}\n", format_dmy(as_of));
    let percent = |n: usize| {
        Cell::text(if total == 0 {
            "-".into()
        } else {
            format!("{:.0}%", 100.0 * n as f64 / total as f64)
        })
    };
    let mut section = |title: &str, rows: Vec<(String, usize)>| {
        let mut table = TextTable::new(vec![title.to_string(), "Children".into(), "Share".into()]);
        for (label, n) in rows {
            table.push(vec![Cell::text(label), Cell::number(n), percent(n)]);
        }
        text.push_str(&table.render());
        text.push('\n');
    };
    section(
        "Age",
        AGE_BANDS
            .iter()
            .enumerate()
            .map(|(i, label)| (label.to_string(), by_age.get(&i).copied().unwrap_or(0)))
            .collect(),
    );
    let mut legal: Vec<(String, usize)> = by_legal
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    legal.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    section("Legal status", legal);
    section(
        "Placement type",
        PlacementGroup::ALL
            .iter()
            .map(|g| {
                (
                    g.label().to_string(),
                    by_placement.get(g).copied().unwrap_or(0),
                )
            })
            .collect(),
    );
    text.push_str(&format!(
        "In the 12 months to {}: {starts} period(s) of care started and {ceasings} ceased.\n",
        format_dmy(as_of)
    ));
    text
}
