//! `permanence import tracker` (read, check against what the database holds, and write
//! the new and corrected records in one transaction, or nothing at all) and
//! `permanence export tracker` (every current record as the CSV templates).

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::{Context, bail};
use permanence_store::{Location, NewTrackerImport, load_tracker};
use permanence_tracker::read::ReadOutcome;
use permanence_tracker::{Change, Kind, RawRecord, check_paths, tracker_records, write_tracker};

use super::{actor, open_store, today};
use crate::cli::{ExportTrackerArgs, ImportTrackerArgs};
use crate::output::{Cell, TextTable};

/// What an import would do, checked against the database; nothing written yet.
pub(crate) struct CheckedImport {
    read: ReadOutcome,
    changes: Vec<Change>,
}

impl CheckedImport {
    fn count(&self, change: Change) -> usize {
        self.changes.iter().filter(|c| **c == change).count()
    }
}

/// Reads and checks the files against the database, opened read-only (or absent): a
/// refused import never creates, migrates or otherwise touches the database file.
pub(crate) fn check(db: &Location, paths: &[std::path::PathBuf]) -> anyhow::Result<CheckedImport> {
    let existing = db
        .open_read_only()
        .with_context(|| format!("cannot open the database {}", db))?;
    let (stored, children) = match &existing {
        Some(store) => (store.current_tracker_records()?, store.known_children()?),
        None => Default::default(),
    };
    let (read, changes) = check_paths(paths, Some(today()), &stored, &children)
        .map_err(|problems| anyhow::anyhow!("nothing was imported.\n{problems}"))?;
    Ok(CheckedImport { read, changes })
}

pub(crate) fn import(
    db: &Location,
    args: &ImportTrackerArgs,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    eprintln!(
        "Reading tracker records from {} ...",
        super::paths_text(&args.paths, ", ")
    );
    let checked = check(db, &args.paths)?;
    writeln!(out, "{}", summary_table(&checked))?;
    let n = &checked.read.normalisation;
    if n.any() {
        writeln!(
            out,
            "Tidied while reading: {} byte-order mark(s), {} file(s) with Windows line endings, \
             {} value(s) with surrounding spaces, {} code(s) or column name(s) not in the usual case.",
            n.byte_order_marks, n.windows_line_endings, n.trimmed_values, n.lower_case_codes
        )?;
    }
    if !checked.read.skipped.is_empty() {
        writeln!(
            out,
            "Skipped {} file(s) that are not .csv: {}",
            checked.read.skipped.len(),
            checked.read.skipped.join(", ")
        )?;
    }
    let (new, corrections) = (checked.count(Change::New), checked.count(Change::Corrects));
    if args.dry_run {
        writeln!(
            out,
            "Dry run: every file is valid ({new} new record(s), {corrections} correction(s)); \
             nothing was written to {}.",
            db
        )?;
        return Ok(());
    }
    if new + corrections == 0 {
        writeln!(out, "Nothing changed: these records are already in {}.", db)?;
        return Ok(());
    }
    let reasons: Vec<String> = checked
        .read
        .records
        .iter()
        .zip(&checked.changes)
        .map(|(record, change)| match (&args.reason, change) {
            (Some(reason), _) => reason.clone(),
            (None, Change::Corrects) => format!("re-imported from {}", record.file),
            (None, _) => format!("imported from {}", record.file),
        })
        .collect();
    let records: Vec<(&RawRecord, &str)> = checked
        .read
        .records
        .iter()
        .zip(&checked.changes)
        .zip(&reasons)
        .filter(|((_, change), _)| **change != Change::Unchanged)
        .map(|((record, _), reason)| (record, reason.as_str()))
        .collect();
    let mut store = db
        .open()
        .with_context(|| format!("cannot create the database {}", db))?;
    let source = super::paths_text(&args.paths, " ");
    let summary = format!("{new} new tracker record(s), {corrections} correction(s)");
    store.save_tracker_import(&NewTrackerImport {
        recorded_by: &actor(),
        source: &source,
        summary: &summary,
        records,
    })?;
    writeln!(
        out,
        "Imported {} record(s) into {}: {new} new, {corrections} correction(s) (the corrected \
         versions are kept).",
        new + corrections,
        db
    )?;
    Ok(())
}

/// A row per template in the import: rows read and what they do.
fn summary_table(checked: &CheckedImport) -> String {
    let mut counts: BTreeMap<Kind, (Vec<&str>, [usize; 3])> = BTreeMap::new();
    for file in &checked.read.files {
        counts.entry(file.kind).or_default().0.push(&file.file);
    }
    for (record, change) in checked.read.records.iter().zip(&checked.changes) {
        let index = match change {
            Change::New => 0,
            Change::Corrects => 1,
            Change::Unchanged => 2,
        };
        counts.entry(record.kind).or_default().1[index] += 1;
    }
    let mut table = TextTable::new(
        ["Template", "Files", "New", "Corrections", "Unchanged"]
            .map(String::from)
            .to_vec(),
    );
    for (kind, (files, [new, corrections, unchanged])) in counts {
        table.push(vec![
            Cell::text(kind.name()),
            Cell::number(files.len()),
            Cell::number(new),
            Cell::number(corrections),
            Cell::number(unchanged),
        ]);
    }
    table.render()
}

pub(crate) fn export(
    db: &Location,
    args: &ExportTrackerArgs,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut store = open_store(db)?;
    let stored = store.current_tracker_records()?;
    let (organisation, children) = load_tracker(&*store)?;
    let records = tracker_records(&organisation, &children);
    if records.len() != stored.len() {
        bail!(
            "the database holds {} current tracker records but only {} could be placed in \
             children's records; nothing was written",
            stored.len(),
            records.len()
        );
    }
    write_tracker(&args.out, &organisation, &children)
        .with_context(|| format!("cannot write the templates into {}", args.out.display()))?;
    let children_named = children.len();
    store.audit(
        &actor(),
        "export_tracker",
        None,
        &format!(
            "{} tracker record(s) of {children_named} child(ren) to {}",
            records.len(),
            args.out.display()
        ),
    )?;
    let mut table = TextTable::new(["File", "Records"].map(String::from).to_vec());
    for kind in Kind::ALL {
        table.push(vec![
            Cell::text(kind.file_name()),
            Cell::number(records.iter().filter(|r| r.kind() == kind).count()),
        ]);
    }
    writeln!(out, "{}", table.render())?;
    writeln!(
        out,
        "Wrote {} tracker record(s) into {}.",
        records.len(),
        args.out.display()
    )?;
    Ok(())
}
