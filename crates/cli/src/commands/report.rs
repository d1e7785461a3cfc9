//! `permanence report monthly|quarterly`: the oversight report for a period, as a
//! self-contained HTML file and CSV tables, with the headline figures printed.

use std::io::Write;
use std::path::Path;

use permanence_store::Location;

use anyhow::Context;
use permanence_reports::{Period, Records};

use super::{open_store, today};
use crate::cli::ReportOutput;
use crate::output::{Cell, TextTable};

pub(crate) fn run(
    db: &Location,
    policy_path: Option<&Path>,
    period: Period,
    output: &ReportOutput,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let policy = super::policy::load(policy_path)?;
    let store = open_store(db)?;
    let today = today();
    let records = Records::load(&*store, period.start(), period.end().min(today))?;
    let report = permanence_reports::build(&records, period, today, &policy)?;
    writeln!(out, "{}", permanence_reports::html::title(&report))?;
    writeln!(
        out,
        "Figures as the records stood on {}{}.",
        permanence_reports::long_date(report.as_of),
        if report.is_complete() {
            ""
        } else {
            " (the period is not over yet)"
        }
    )?;
    let mut table = TextTable::new(vec!["Measure".into(), "Value".into()]);
    for headline in &report.headlines {
        table.push(vec![
            Cell::text(headline.label),
            Cell::number(headline.value.csv_text()),
        ]);
    }
    writeln!(out, "{}", table.render())?;
    if let Some(path) = &output.out {
        std::fs::write(path, permanence_reports::html::document(&report))
            .with_context(|| format!("cannot write the report to {}", path.display()))?;
        writeln!(out, "Report written to {}", path.display())?;
    }
    if let Some(dir) = &output.csv {
        let files = permanence_reports::csv::write_all(&report, dir)?;
        writeln!(
            out,
            "{} CSV files written to {} (headlines.csv and one per table)",
            files.len(),
            dir.display()
        )?;
    }
    Ok(())
}
