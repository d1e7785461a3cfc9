//! `permanence alerts`: every child checked against the drift rules on a date.

use std::io::Write;
use std::path::Path;

use permanence_rules::{Format, evaluate_all, render};

use super::{load_journeys, open_store, today};
use crate::cli::{AlertsArgs, ListFormat};

pub(crate) fn run(
    db: &Path,
    policy_path: Option<&Path>,
    args: &AlertsArgs,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut policy = super::policy::load(policy_path)?;
    if !args.rules.is_empty() {
        let ids: Vec<&str> = args.rules.iter().map(String::as_str).collect();
        policy.enable_only(&ids)?;
    }
    let store = open_store(db)?;
    let mut journeys = load_journeys(&store)?;
    if let Some(child) = &args.child {
        journeys.retain(|j| j.child() == child);
        anyhow::ensure!(
            !journeys.is_empty(),
            "no child with id '{child}' is in the database"
        );
    }
    let as_of = args.as_of.unwrap_or_else(today);
    let calendar = policy.calendar();
    let findings = evaluate_all(&journeys, &policy, &calendar, as_of);
    let format = match args.format {
        ListFormat::Table => Format::Table,
        ListFormat::Csv => Format::Csv,
        ListFormat::Json => Format::Json,
    };
    write!(out, "{}", render(&findings, format))?;
    Ok(())
}
