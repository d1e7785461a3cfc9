//! Merging several collection years into each child's records.
//!
//! Each year's return holds every episode open at any time in that year, so consecutive
//! returns overlap. Episodes are identified by child and start date (DECOM). Returns are
//! applied oldest first; for each child, the latest return that holds the child is
//! authoritative from its earliest episode onward (it replaces the earlier returns'
//! episodes from that DECOM on, so a later return's correction wins), and earlier returns
//! supply the history before that. Other tables are keyed by their own dates; year-scoped
//! tables (OC2, OC3, AD1, PrevPerm) keep one row per year. The checks that need the whole
//! history (overlapping episodes, two open episodes, an episode left open by a return
//! whose successor no longer holds the child) run on the result.

use std::collections::{BTreeMap, HashMap};

use permanence_domain::codes::Code;
use permanence_domain::date::format_dmy;
use permanence_domain::record::*;
use permanence_domain::{ChildRecord, CollectionYear, Date};

use crate::parse::{ParsedReturn, Row};
use crate::problem::{Problem, Problems};
use crate::tables::Table;

/// What merging found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct MergeStats {
    /// Episodes that appeared in more than one return (the same child and DECOM).
    pub episodes_in_several_returns: usize,
    /// Of those, how many were open in the earlier return and closed in the later one.
    pub episodes_closed_later: usize,
    /// Of those, how many a later return changed otherwise (the later return was kept).
    pub episodes_corrected: usize,
    /// Episodes of an earlier return dropped because a later return's history for the
    /// child starts on or before them but does not hold them.
    pub episodes_superseded: usize,
}

/// Every child's merged records.
#[derive(Debug, Clone, Default)]
pub struct MergeOutcome {
    /// One record per child, by child id.
    pub children: Vec<ChildRecord>,
    /// What was merged.
    pub stats: MergeStats,
}

#[derive(Default)]
struct Acc {
    header: Option<Row<Header>>,
    uasc: Option<Date>,
    episodes: Vec<Row<Episode>>,
    reviews: BTreeMap<Date, Review>,
    missing: BTreeMap<(Date, &'static str), MissingEpisode>,
    oc2: Vec<Row<Oc2>>,
    oc3: Vec<Row<Oc3>>,
    ad1: Vec<Row<Ad1>>,
    placed_adoption: BTreeMap<Date, PlacedForAdoption>,
    prev_perm: Vec<Row<PrevPerm>>,
    sw_episodes: BTreeMap<(Date, String), SocialWorkerEpisode>,
    dolo: BTreeMap<Date, DeprivationOfLiberty>,
}

/// Merges parsed returns (any order) into child records, checking the whole history.
pub fn merge_returns(returns: Vec<ParsedReturn>) -> Result<MergeOutcome, Problems> {
    let mut returns = returns;
    returns.sort_by_key(|r| r.year);
    let mut problems = Problems::default();
    let mut stats = MergeStats::default();
    let mut children: HashMap<String, Acc> = HashMap::new();
    let years_with_episodes: Vec<CollectionYear> = returns
        .iter()
        .filter(|r| r.tables.contains(&Table::Episodes))
        .filter_map(|r| r.year)
        .collect();

    for parsed in returns {
        for row in parsed.header {
            let acc = children.entry(row.child.clone()).or_default();
            acc.header = Some(row);
        }
        for row in parsed.uasc {
            children.entry(row.child.clone()).or_default().uasc = Some(row.value);
        }
        // Episodes: group this return's by child, then replace the child's history from
        // this return's earliest DECOM on.
        let mut by_child: HashMap<String, Vec<Row<Episode>>> = HashMap::new();
        for row in parsed.episodes {
            by_child.entry(row.child.clone()).or_default().push(row);
        }
        for (child, new) in by_child {
            let acc = children.entry(child).or_default();
            let earliest = new.iter().map(|r| r.value.decom).min().expect("non-empty");
            let (kept, replaced): (Vec<_>, Vec<_>) = acc
                .episodes
                .drain(..)
                .partition(|old| old.value.decom < earliest);
            for old in &replaced {
                match new.iter().find(|n| n.value.decom == old.value.decom) {
                    Some(n) => {
                        stats.episodes_in_several_returns += 1;
                        if old.value.dec.is_none() && n.value.dec.is_some() {
                            let closed = Episode {
                                dec: n.value.dec,
                                rec: n.value.rec,
                                reason_place_change: n.value.reason_place_change,
                                ..old.value.clone()
                            };
                            if same_episode(&closed, &n.value) {
                                stats.episodes_closed_later += 1;
                            } else {
                                stats.episodes_corrected += 1;
                            }
                        } else if !same_episode(&old.value, &n.value) {
                            stats.episodes_corrected += 1;
                        }
                    }
                    None => stats.episodes_superseded += 1,
                }
            }
            acc.episodes = kept;
            acc.episodes.extend(new);
        }
        for row in parsed.reviews {
            let acc = children.entry(row.child).or_default();
            acc.reviews.insert(row.value.review, row.value);
        }
        for row in parsed.missing {
            let acc = children.entry(row.child).or_default();
            acc.missing
                .insert((row.value.mis_start, row.value.missing.code()), row.value);
        }
        for row in parsed.placed_adoption {
            let acc = children.entry(row.child).or_default();
            acc.placed_adoption.insert(row.value.date_placed, row.value);
        }
        for row in parsed.sw_episodes {
            let acc = children.entry(row.child).or_default();
            acc.sw_episodes
                .insert((row.value.sw_decom, row.value.sw_id.clone()), row.value);
        }
        for row in parsed.dolo {
            let acc = children.entry(row.child).or_default();
            acc.dolo.insert(row.value.dolo_start, row.value);
        }
        push_once_per_year(
            &mut children,
            parsed.oc2,
            Table::Oc2,
            |acc| &mut acc.oc2,
            &mut problems,
        );
        push_once_per_year(
            &mut children,
            parsed.oc3,
            Table::Oc3,
            |acc| &mut acc.oc3,
            &mut problems,
        );
        push_once_per_year(
            &mut children,
            parsed.ad1,
            Table::Ad1,
            |acc| &mut acc.ad1,
            &mut problems,
        );
        push_once_per_year(
            &mut children,
            parsed.prev_perm,
            Table::PrevPerm,
            |acc| &mut acc.prev_perm,
            &mut problems,
        );
    }

    let mut records = Vec::with_capacity(children.len());
    let mut ids: Vec<String> = children.keys().cloned().collect();
    ids.sort();
    for id in ids {
        let mut acc = children.remove(&id).expect("id from keys");
        acc.episodes.sort_by_key(|r| r.value.decom);
        check_history(&id, &acc.episodes, &years_with_episodes, &mut problems);
        let Some(header) = acc.header else {
            // Every table's rows are checked against their year's Header when parsed.
            continue;
        };
        records.push(ChildRecord {
            child: id,
            header: header.value,
            uasc_until: acc.uasc,
            episodes: acc.episodes.into_iter().map(|r| r.value).collect(),
            reviews: acc.reviews.into_values().collect(),
            missing: acc.missing.into_values().collect(),
            outcomes: acc.oc2.into_iter().map(|r| r.value).collect(),
            care_leaver_outcomes: acc.oc3.into_iter().map(|r| r.value).collect(),
            adoptions: acc.ad1.into_iter().map(|r| r.value).collect(),
            placed_for_adoption: acc.placed_adoption.into_values().collect(),
            previous_permanence: acc.prev_perm.into_iter().map(|r| r.value).collect(),
            social_worker_episodes: acc.sw_episodes.into_values().collect(),
            deprivation_of_liberty: acc.dolo.into_values().collect(),
        });
    }
    problems.into_result(MergeOutcome {
        children: records,
        stats,
    })
}

/// Two episodes are the same if every field but the source year matches.
fn same_episode(a: &Episode, b: &Episode) -> bool {
    Episode {
        year: b.year,
        ..a.clone()
    } == *b
}

/// Year-scoped tables hold at most one row per child per year.
fn push_once_per_year<T>(
    children: &mut HashMap<String, Acc>,
    rows: Vec<Row<T>>,
    table: Table,
    list: impl Fn(&mut Acc) -> &mut Vec<Row<T>>,
    problems: &mut Problems,
) {
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for row in rows {
        if let Some(line) = first_line.get(&row.child) {
            problems.push(Problem::field(
                &*row.loc.file,
                row.loc.line,
                "CHILD",
                format!("child {} has a second {} row in the same return (first at line {line}); expected one per child", row.child, table.name()),
            ));
            continue;
        }
        first_line.insert(row.child.clone(), row.loc.line);
        list(children.entry(row.child.clone()).or_default()).push(row);
    }
}

fn check_history(
    child: &str,
    episodes: &[Row<Episode>],
    years_with_episodes: &[CollectionYear],
    problems: &mut Problems,
) {
    for pair in episodes.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        let at = |row: &Row<Episode>| format!("{} line {}", row.loc.file, row.loc.line);
        match before.value.dec {
            None => problems.push(Problem::field(
                &*after.loc.file,
                after.loc.line,
                "DECOM",
                format!(
                    "child {child} has two open episodes: this one from {} and one from {} ({}) with no DEC",
                    format_dmy(after.value.decom),
                    format_dmy(before.value.decom),
                    at(before)
                ),
            )),
            Some(dec) if dec > after.value.decom => problems.push(Problem::field(
                &*after.loc.file,
                after.loc.line,
                "DECOM",
                format!(
                    "child {child}'s episode from {} overlaps the episode from {} to {} ({})",
                    format_dmy(after.value.decom),
                    format_dmy(before.value.decom),
                    format_dmy(dec),
                    at(before)
                ),
            )),
            Some(dec)
                if before.value.rec == Some(permanence_domain::codes::ReasonEpisodeCeased::X1)
                    && dec != after.value.decom =>
            {
                problems.push(Problem::field(
                    &*before.loc.file,
                    before.loc.line,
                    "REC",
                    format!(
                        "child {child}'s episode ends {} with X1 (a new episode the same day), but the next episode starts {} ({})",
                        format_dmy(dec),
                        format_dmy(after.value.decom),
                        at(after)
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    // An episode still open at the end of a return must appear in the next return.
    if let Some(last) = episodes.last()
        && last.value.dec.is_none()
    {
        let next = CollectionYear(last.value.year.0 + 1);
        if years_with_episodes.contains(&next) {
            problems.push(Problem::field(
                    &*last.loc.file,
                    last.loc.line,
                    "DEC",
                    format!(
                        "child {child}'s episode from {} is open at the end of {}, but the {next} return does not hold the child; it should show the episode with its end date, or still open",
                        format_dmy(last.value.decom),
                        last.value.year
                    ),
                ));
        }
    }
}
