//! `permanence export annex-a` (Ofsted's Annex A Lists 8 to 10 as a workbook and/or CSV
//! files), `permanence export deidentified` (journeys, plans and alerts under keyed
//! pseudonyms, for regional analysis) and `permanence import annex-a` (a council's own
//! Annex A workbook bootstrapping allocations and permanence plans, checked and stored as
//! a tracker import: all or nothing). Every export is recorded in the audit log.

use std::io::Write;

use anyhow::{Context, anyhow};
use permanence_domain::date::format_dmy;
use permanence_exports::annex_a::annex_a_from_store;
use permanence_exports::annex_a_import::{Bootstrap, plan_bootstrap, read_workbook};
use permanence_exports::deidentified::{configured_key, deidentified_from_store};
use permanence_exports::workbook::{annex_a_xlsx, write_annex_a_csv};
use permanence_exports::{AnnexAOptions, KeyError, PseudonymKey};
use permanence_store::{Location, NewTrackerImport};
use permanence_tracker::{Change, RawRecord};

use super::{actor, open_store, today};
use crate::cli::{ExportAnnexAArgs, ExportDeidentifiedArgs, ImportAnnexAArgs};
use crate::output::{Cell, TextTable};

pub(crate) fn annex_a(
    db: &Location,
    args: &ExportAnnexAArgs,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut store = open_store(db)?;
    let as_of = args.as_of.unwrap_or_else(today);
    let options = AnnexAOptions {
        as_of,
        produced_on: today(),
        council: args.council.clone(),
        districts: args.districts.clone(),
    };
    let annex = annex_a_from_store(&*store, &options)?;
    let mut written = Vec::new();
    if let Some(path) = &args.out {
        let bytes = annex_a_xlsx(&annex)?;
        std::fs::write(path, bytes)
            .with_context(|| format!("cannot write the workbook {}", path.display()))?;
        written.push(path.display().to_string());
    }
    if let Some(dir) = &args.csv {
        write_annex_a_csv(&annex, dir)?;
        written.push(format!("{}/", dir.display()));
    }
    let rows: Vec<String> = annex
        .lists
        .iter()
        .map(|l| format!("{} {} row(s)", l.list.sheet, l.rows.len()))
        .collect();
    store.audit(
        &actor(),
        "export_annex_a",
        None,
        &format!(
            "Annex A as at {}: {}, to {}",
            format_dmy(as_of),
            rows.join(", "),
            written.join(" and ")
        ),
    )?;
    let mut table = TextTable::new(["Sheet", "List", "Rows"].map(String::from).to_vec());
    for list in &annex.lists {
        table.push(vec![
            Cell::text(list.list.sheet),
            Cell::text(list.list.title),
            Cell::number(list.rows.len()),
        ]);
    }
    writeln!(out, "{}", table.render())?;
    writeln!(
        out,
        "Annex A as at {} (six-month window from {}): wrote {}.",
        format_dmy(as_of),
        format_dmy(annex.window_start),
        written.join(" and ")
    )?;
    writeln!(
        out,
        "The cover sheet says what each list holds, what the system cannot supply, and that \
         Lists 1 to 7 and 11 are not produced (no children-in-need or adopter data). {} child(ren) \
         with restricted records are included.",
        annex.restricted
    )?;
    Ok(())
}

/// The pseudonym key: from the file given, or else the environment variable, or else
/// the key file beside the database (as the server finds it). The key is never printed.
fn key(db: &Location, args: &ExportDeidentifiedArgs) -> anyhow::Result<PseudonymKey> {
    let Some(path) = &args.key_file else {
        return Ok(configured_key(db.file())?);
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the key file {}", path.display()))?;
    PseudonymKey::from_text(&text).map_err(|error| match error {
        KeyError::Missing => anyhow!("the key file {} is empty", path.display()),
        error => anyhow!(error),
    })
}

pub(crate) fn deidentified(
    db: &Location,
    args: &ExportDeidentifiedArgs,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let key = key(db, args)?;
    let mut store = open_store(db)?;
    let export = deidentified_from_store(&*store, &key, today())?;
    export
        .write(&args.out)
        .with_context(|| format!("cannot write the export into {}", args.out.display()))?;
    store.audit(
        &actor(),
        "export_deidentified",
        None,
        &format!(
            "de-identified export of {} child(ren) to {} (key check {})",
            export.manifest.children,
            args.out.display(),
            export.manifest.pseudonym.key_check
        ),
    )?;
    let mut table = TextTable::new(["File", "Rows"].map(String::from).to_vec());
    for file in &export.files {
        table.push(vec![Cell::text(file.name), Cell::number(file.rows.len())]);
    }
    writeln!(out, "{}", table.render())?;
    writeln!(
        out,
        "Wrote a de-identified export of {} child(ren) into {}, with manifest.json saying what \
         was removed and reduced. Key check: {} (the same in every export made with this key).",
        export.manifest.children,
        args.out.display(),
        export.manifest.pseudonym.key_check
    )?;
    for left_out in &export.manifest.left_out {
        writeln!(out, "Left out: {left_out}.")?;
    }
    if store.evaluation_runs(1)?.is_empty() {
        writeln!(
            out,
            "No evaluation has been recorded, so alerts.csv is empty: run `permanence evaluate` \
             (or start the server) first to include the alerts."
        )?;
    }
    Ok(())
}

pub(crate) fn import_annex_a(
    db: &Location,
    args: &ImportAnnexAArgs,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let name = args.file.display().to_string();
    eprintln!("Reading the Annex A workbook {name} ...");
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("cannot read the workbook {name}"))?;
    // Checked against the database opened read-only (or absent): a refused import never
    // creates, migrates or otherwise touches the database file.
    let existing = db
        .open_read_only()
        .with_context(|| format!("cannot open the database {}", db))?;
    let (stored, children) = match &existing {
        Some(store) => (store.current_tracker_records()?, store.known_children()?),
        None => Default::default(),
    };
    drop(existing);
    let refused = |problems: permanence_exports::annex_a_import::WorkbookProblems| {
        anyhow!("nothing was imported.\n{name}: {problems}")
    };
    let workbook = read_workbook(&bytes, &children).map_err(refused)?;
    let as_of = args.as_of.unwrap_or_else(today);
    let bootstrap =
        plan_bootstrap(workbook, &name, as_of, today(), &stored, &children).map_err(refused)?;
    writeln!(out, "{}", summary(&bootstrap, as_of))?;
    let count = |change: Change| bootstrap.changes.iter().filter(|c| **c == change).count();
    let (new, corrections) = (count(Change::New), count(Change::Corrects));
    if args.dry_run {
        writeln!(
            out,
            "Dry run: the workbook is valid ({new} new record(s), {corrections} correction(s)); \
             nothing was written to {}.",
            db
        )?;
        return Ok(());
    }
    if new + corrections == 0 {
        writeln!(
            out,
            "Nothing changed: the tracker in {} already holds these allocations and plans.",
            db
        )?;
        return Ok(());
    }
    let reason = args
        .reason
        .clone()
        .unwrap_or_else(|| format!("bootstrapped from Annex A workbook {name}"));
    let records: Vec<(&RawRecord, &str)> = bootstrap
        .records
        .iter()
        .zip(&bootstrap.changes)
        .filter(|(_, change)| **change != Change::Unchanged)
        .map(|(record, _)| (record, reason.as_str()))
        .collect();
    let mut store = db
        .open()
        .with_context(|| format!("cannot open the database {}", db))?;
    let summary = format!(
        "Annex A workbook as at {}: {new} new tracker record(s), {corrections} correction(s)",
        format_dmy(as_of)
    );
    store.save_tracker_import(&NewTrackerImport {
        recorded_by: &actor(),
        source: &name,
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

/// The lists read and what they bootstrap, as two tables.
fn summary(bootstrap: &Bootstrap, as_of: permanence_domain::Date) -> String {
    let mut lists = TextTable::new(["Sheet", "List", "Rows"].map(String::from).to_vec());
    for list in &bootstrap.workbook.lists {
        lists.push(vec![
            Cell::text(&list.sheet),
            Cell::text(format!("{}: {}", list.list.sheet, list.list.title)),
            Cell::number(list.rows.len()),
        ]);
    }
    let c = &bootstrap.counts;
    let mut effects =
        TextTable::new([format!("As at {}", format_dmy(as_of)), "Count".to_string()].to_vec());
    for (label, count) in [
        ("Staff added to the register", c.people_added),
        ("Teams added", c.teams_added),
        ("Social worker allocations", c.social_workers),
        ("Personal adviser allocations", c.personal_advisers),
        (
            "Current allocations ended (another worker named)",
            c.allocations_ended,
        ),
        ("Permanence plan versions", c.plans),
        ("Already in the tracker", c.already_recorded),
        ("Rows with no allocated worker", c.unallocated),
        (
            "Plans blank or 'g) other' (no tracker option)",
            c.plans_left_out,
        ),
        ("List 8 rows of children who had left care", c.ceased),
        (
            "Passed over: the tracker holds a later record",
            c.later_in_tracker,
        ),
    ] {
        effects.push(vec![Cell::text(label), Cell::number(count)]);
    }
    format!("{}\n{}", lists.render(), effects.render())
}
