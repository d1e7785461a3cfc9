//! `permanence import 903`: read, check, merge with what the database holds, and write
//! the changed tables in one transaction, or nothing at all.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use permanence_domain::CollectionYear;
use permanence_ssda903::read::{ReadOutcome, read_paths};
use permanence_ssda903::{RawReturn, RawTable, Table, build_records};
use permanence_store::{Location, NewImport};

use crate::cli::ImportArgs;
use crate::output::{Cell, TextTable};

/// What an import does to one table of one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    New,
    Replaces,
    Unchanged,
}

pub(crate) fn run(db: &Location, args: &ImportArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let started = Instant::now();
    eprintln!("Reading {} ...", super::paths_text(&args.paths, ", "));
    let (paths, tracker_folders, not_csv) = leave_out_tracker_folders(&args.paths);
    let read: ReadOutcome = read_paths(&paths, args.year)
        .map_err(|problems| anyhow::anyhow!("nothing was imported.\n{problems}"))?;
    let files: usize = read.returns.iter().map(|r| r.tables.len()).sum();
    let years = read.returns.len();
    eprintln!(
        "Read {files} files for {years} collection year(s) in {:.1} s; checking them with what the database holds ...",
        started.elapsed().as_secs_f64()
    );

    // Read-only: checking never creates, migrates or otherwise changes the database.
    let existing_store = db
        .open_read_only()
        .with_context(|| format!("cannot open the database {}", db))?;
    let existing = match &existing_store {
        Some(store) => store.current_returns()?,
        None => Vec::new(),
    };
    let (combined, changes) = overlay(existing, read.returns);
    let merged = build_records(&combined, Some(super::today()))
        .map_err(|problems| anyhow::anyhow!("nothing was imported.\n{problems}"))?;

    writeln!(out, "{}", summary_table(&combined, &changes))?;
    let n = &read.normalisation;
    if n.any() {
        writeln!(
            out,
            "Tidied while reading: {} byte-order mark(s), {} file(s) with Windows line endings, \
             {} value(s) with surrounding spaces, {} lower-case code(s).",
            n.byte_order_marks, n.windows_line_endings, n.trimmed_values, n.lower_case_codes
        )?;
    }
    let skipped: Vec<String> = read.skipped.iter().cloned().chain(not_csv).collect();
    if !skipped.is_empty() {
        writeln!(
            out,
            "Skipped {} file(s) that are not .csv: {}",
            skipped.len(),
            skipped.join(", ")
        )?;
    }
    for folder in &tracker_folders {
        writeln!(
            out,
            "Left out {}: it holds tracker records, which `permanence import tracker {}` imports.",
            folder.display(),
            folder.display()
        )?;
    }
    let s = merged.stats;
    writeln!(
        out,
        "Merged across years: {} episode(s) held by more than one return ({} open in one return and \
         closed in the next, {} corrected by the later return), {} superseded by a later return. \
         {} children in the history.",
        s.episodes_in_several_returns,
        s.episodes_closed_later,
        s.episodes_corrected,
        s.episodes_superseded,
        merged.children.len()
    )?;

    let to_write: Vec<(CollectionYear, &RawTable)> = changes
        .iter()
        .filter(|(_, _, change)| *change != Change::Unchanged)
        .filter_map(|(year, table, _)| {
            let raw = combined.iter().find(|r| r.year == *year)?;
            Some((*year, raw.table(*table)?))
        })
        .collect();
    if args.dry_run {
        writeln!(
            out,
            "Dry run: every file is valid; nothing was written to {}.",
            db
        )?;
        return Ok(());
    }
    if to_write.is_empty() {
        writeln!(out, "Nothing changed: these files are already in {}.", db)?;
        return Ok(());
    }
    drop(existing_store);
    eprintln!(
        "Checked in {:.1} s; writing {} table(s) ...",
        started.elapsed().as_secs_f64(),
        to_write.len()
    );
    let mut store = db
        .open()
        .with_context(|| format!("cannot create the database {}", db))?;
    let source = super::paths_text(&args.paths, " ");
    let summary = format!("{} table(s) for {years} year(s)", to_write.len());
    let actor = super::actor();
    store.save_import(&NewImport {
        kind: "903",
        imported_by: &actor,
        source: &source,
        summary: &summary,
        tables: to_write.clone(),
    })?;
    writeln!(
        out,
        "Imported {} table(s) into {} in {:.1} s.",
        to_write.len(),
        db,
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

/// The folder the synthetic borough (and councils following its layout) keeps tracker
/// records in, beside the 903 returns' year folders.
const TRACKER_FOLDER: &str = "tracker";

/// The paths to read as 903 files: a folder given that holds a `tracker` folder is
/// replaced by its other contents (`.csv` files and sub-folders), so that the 903
/// import of a folder laid out as `permanence synth` writes it reads the returns only.
/// Also gives the tracker folders left out, and files passed over that are not `.csv`.
fn leave_out_tracker_folders(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>, Vec<String>) {
    let mut kept = Vec::new();
    let mut tracker = Vec::new();
    let mut not_csv = Vec::new();
    for path in paths {
        let holds_tracker = path.is_dir() && path.join(TRACKER_FOLDER).is_dir();
        if !holds_tracker {
            kept.push(path.clone());
            continue;
        }
        let mut children: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(_) => {
                // Let the reader report it.
                kept.push(path.clone());
                continue;
            }
        };
        children.sort();
        for child in children {
            let is_csv = child
                .extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"));
            if child.is_dir() && child.file_name().is_some_and(|n| n == TRACKER_FOLDER) {
                tracker.push(child);
            } else if child.is_dir() || is_csv {
                kept.push(child);
            } else {
                not_csv.push(child.display().to_string());
            }
        }
    }
    (kept, tracker, not_csv)
}

/// Lays the newly read tables over the stored ones (a new table replaces the stored
/// table of the same year and kind) and says what each new table does.
fn overlay(
    existing: Vec<RawReturn>,
    new: Vec<RawReturn>,
) -> (Vec<RawReturn>, Vec<(CollectionYear, Table, Change)>) {
    let mut combined = existing;
    let mut changes = Vec::new();
    for new_return in new {
        let position = match combined.iter().position(|r| r.year == new_return.year) {
            Some(position) => position,
            None => {
                combined.push(RawReturn {
                    year: new_return.year,
                    tables: Vec::new(),
                });
                combined.len() - 1
            }
        };
        let target = &mut combined[position];
        for table in new_return.tables {
            let kind = table.table;
            let change = match target.tables.iter_mut().find(|t| t.table == kind) {
                Some(stored) if stored.rows == table.rows => Change::Unchanged,
                Some(stored) => {
                    *stored = table;
                    Change::Replaces
                }
                None => {
                    target.tables.push(table);
                    Change::New
                }
            };
            changes.push((new_return.year, kind, change));
        }
        target.tables.sort_by_key(|t| t.table);
    }
    combined.sort_by_key(|r| r.year);
    (combined, changes)
}

/// What the import's files hold, a row per year, with what the import does to each year.
fn summary_table(combined: &[RawReturn], changes: &[(CollectionYear, Table, Change)]) -> String {
    let imported = |year: CollectionYear, table: Table| {
        changes.iter().any(|(y, t, _)| *y == year && *t == table)
    };
    let returns: Vec<&RawReturn> = combined
        .iter()
        .filter(|r| changes.iter().any(|(y, _, _)| *y == r.year))
        .collect();
    let tables: Vec<Table> = Table::ALL
        .into_iter()
        .filter(|t| *t != Table::Header && returns.iter().any(|r| imported(r.year, *t)))
        .collect();
    let mut header = vec!["Year".to_string(), "Children".to_string()];
    header.extend(tables.iter().map(|t| t.name().to_string()));
    header.push("Status".to_string());
    let mut table = TextTable::new(header);
    for raw in returns {
        let children = raw.table(Table::Header).map(|t| t.rows.len());
        let mut row = vec![Cell::text(raw.year.to_string()), Cell::count(children)];
        row.extend(tables.iter().map(|t| {
            Cell::count(
                raw.table(*t)
                    .filter(|_| imported(raw.year, *t))
                    .map(|t| t.rows.len()),
            )
        }));
        let statuses: Vec<Change> = changes
            .iter()
            .filter(|(y, _, _)| *y == raw.year)
            .map(|(_, _, c)| *c)
            .collect();
        let status = if statuses.iter().all(|c| *c == Change::Unchanged) {
            "already imported"
        } else if statuses.contains(&Change::Replaces) {
            "replaces stored tables"
        } else {
            "new"
        };
        row.push(Cell::text(status));
        table.push(row);
    }
    table.render()
}
