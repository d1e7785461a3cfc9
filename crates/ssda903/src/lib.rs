//! The SSDA903 return: recognising its CSV tables by their columns, reading them with
//! located problems, parsing codes by collection year, merging several years into each
//! child's records, and writing returns back out.
//!
//! The flow of an import: [`read::read_paths`] turns files into [`read::RawReturn`]s
//! (normalised text, one per collection year); [`parse::parse_return`] turns each into
//! typed rows and checks each year on its own; [`merge::merge_returns`] builds every
//! child's [`permanence_domain::ChildRecord`] across years and checks the result.
//! Every problem names file, line, column, the value found and what was expected.

pub mod merge;
pub mod parse;
pub mod problem;
pub mod read;
pub mod tables;
pub mod write;

pub use problem::{Problem, Problems};
pub use read::{RawReturn, RawRow, RawTable};
pub use tables::Table;

/// Parses every return and merges them into child records: the one way stored or
/// imported returns become children's records. An import passes its date as
/// `not_after`, so that no date in the files lies in the future.
pub fn build_records(
    returns: &[RawReturn],
    not_after: Option<permanence_domain::Date>,
) -> Result<merge::MergeOutcome, Problems> {
    use rayon::prelude::*;
    // Each year parses on its own, so years parse in parallel.
    let results: Vec<Result<parse::ParsedReturn, Problems>> = returns
        .par_iter()
        .map(|raw| parse::parse_return(raw, not_after))
        .collect();
    let mut problems = Problems::default();
    let mut parsed = Vec::with_capacity(returns.len());
    for result in results {
        match result {
            Ok(p) => parsed.push(p),
            Err(found) => problems.0.extend(found.0),
        }
    }
    if !problems.is_empty() {
        return problems.into_result(merge::MergeOutcome::default());
    }
    merge::merge_returns(parsed)
}
