//! `permanence alerts`: every child checked against the drift rules on a date.

use std::io::Write;
use std::path::Path;

use permanence_store::Location;

use permanence_rules::{Finding, Role};
use serde::Serialize;

use super::{evaluate, load_journeys, open_store, today};
use crate::cli::{AlertsArgs, ListFormat};
use crate::output::{Cell, TextTable};

pub(crate) fn run(
    db: &Location,
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
    let mut journeys = load_journeys(&*store)?;
    if let Some(child) = &args.child {
        journeys.retain(|j| j.child() == child);
        anyhow::ensure!(
            !journeys.is_empty(),
            "no child with id '{child}' is in the database"
        );
    }
    let as_of = args.as_of.unwrap_or_else(today);
    let findings = evaluate(&*store, &journeys, &policy, as_of)?;
    match args.format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &findings)?;
            writeln!(out)?;
        }
        ListFormat::Csv => write_csv(&findings, out)?,
        ListFormat::Table => write_table(&findings, as_of, out)?,
    }
    Ok(())
}

/// A finding as one CSV row: dates as dd/mm/yyyy, evidence in one column.
#[derive(Serialize)]
struct CsvRow<'a> {
    rule: &'a str,
    child: &'a str,
    status: &'a str,
    due: String,
    days_overdue: i32,
    owner_role: &'a str,
    owner: Option<&'a str>,
    owner_name: Option<&'a str>,
    escalated_to: &'a str,
    escalated_to_person: Option<&'a str>,
    escalated_to_name: Option<&'a str>,
    title: &'a str,
    evidence: String,
}

fn write_csv(findings: &[Finding], out: &mut dyn Write) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    for f in findings {
        writer.serialize(CsvRow {
            rule: f.rule,
            child: &f.child,
            status: f.status.as_str(),
            due: f.due_text(),
            days_overdue: f.days_overdue,
            owner_role: f.owner_role.as_str(),
            owner: f.owner.as_deref(),
            owner_name: f.owner_name.as_deref(),
            escalated_to: f.escalated_to.as_str(),
            escalated_to_person: f.escalated_to_person.as_deref(),
            escalated_to_name: f.escalated_to_name.as_deref(),
            title: f.title,
            evidence: f.evidence_text(),
        })?;
    }
    writer.flush()?;
    Ok(())
}

fn write_table(
    findings: &[Finding],
    as_of: permanence_domain::Date,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let as_of = permanence_domain::date::format_dmy(as_of);
    if findings.is_empty() {
        writeln!(out, "Nothing overdue or due soon on {as_of}.")?;
        return Ok(());
    }
    let mut table = TextTable::new(
        [
            "Status",
            "Rule",
            "Child",
            "Due",
            "Days overdue",
            "Owner",
            "Now with",
            "What",
        ]
        .map(String::from)
        .to_vec(),
    );
    for f in findings {
        table.push(vec![
            Cell::text(f.status.label()),
            Cell::text(f.rule),
            Cell::text(&f.child),
            Cell::text(f.due_text()),
            if f.days_overdue > 0 {
                Cell::number(f.days_overdue)
            } else {
                Cell::text("")
            },
            Cell::text(who(f.owner_name.as_deref(), f.owner_role)),
            Cell::text(who(f.escalated_to_name.as_deref(), f.escalated_to)),
            Cell::text(f.title),
        ]);
    }
    writeln!(out, "{}", table.render())?;
    writeln!(
        out,
        "{} finding{} on {as_of}. `permanence alerts --child ID` shows one child's; `--format csv` gives the evidence.",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" }
    )?;
    Ok(())
}

/// A person by name and role ("Joy Ward, team manager"), or the role alone when the
/// records name nobody.
fn who(name: Option<&str>, role: Role) -> String {
    match name {
        Some(name) => format!("{name}, {}", role.label().to_lowercase()),
        None => role.label().to_string(),
    }
}
