//! Writing tracker records as CSV files, one per template, in the templates' column
//! order and canonical values: deterministic (rows sorted by key, `\n` line endings),
//! and read back by [`crate::read`] into exactly the same records.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use permanence_domain::record::ChildId;
use permanence_domain::tracker::{ChildTracker, Organisation};

use crate::read::{RawRecord, SortKey};
use crate::record::tracker_records;
use crate::template::Kind;

/// Writes one CSV file per template (`people.csv`, `permanence_plans.csv`, ...) into
/// `dir` (created if needed), holding every record of `organisation` and `children`.
/// A template with no records is written as its header row alone, a blank template to
/// fill in. The same records always give byte-identical files.
pub fn write_tracker(
    dir: &Path,
    organisation: &Organisation,
    children: &BTreeMap<ChildId, ChildTracker>,
) -> io::Result<()> {
    let records: Vec<RawRecord> = tracker_records(organisation, children)
        .into_iter()
        .map(|r| r.to_raw("", 0))
        .collect();
    write_records(dir, &records)
}

/// Writes records given as canonical values (as the store holds them), one file per
/// template, like [`write_tracker`]. Records repeating a kind and key are written once.
pub fn write_records(dir: &Path, records: &[RawRecord]) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut by_kind: BTreeMap<Kind, Vec<&RawRecord>> = BTreeMap::new();
    for record in records {
        by_kind.entry(record.kind).or_default().push(record);
    }
    for kind in Kind::ALL {
        let of_kind = by_kind.remove(&kind).unwrap_or_default();
        write_csv(kind, of_kind, File::create(dir.join(kind.file_name()))?)?;
    }
    Ok(())
}

/// One template's CSV text: the header row, then the records sorted by key.
pub fn csv_text(kind: Kind, records: &[&RawRecord]) -> io::Result<String> {
    let mut bytes = Vec::new();
    write_csv(kind, records.to_vec(), &mut bytes)?;
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Writes one template's CSV (see [`csv_text`]) to `out`, buffered.
fn write_csv(kind: Kind, records: Vec<&RawRecord>, out: impl Write) -> io::Result<()> {
    let mut sorted: Vec<(SortKey<'_>, &RawRecord)> =
        records.into_iter().map(|r| (r.sort_key(), r)).collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    // Records with the same key sort next to each other: keep the first.
    sorted.dedup_by(|a, b| same_key(a.1, b.1));
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    writer.write_record(kind.template().column_names())?;
    for (_, record) in sorted {
        writer.write_record(record.fields())?;
    }
    writer.flush()
}

/// Whether two records of one kind have the same key (see [`RawRecord::key`]).
fn same_key(a: &RawRecord, b: &RawRecord) -> bool {
    a.template()
        .key
        .iter()
        .all(|column| a.field(column) == b.field(column))
}
