//! Writing tracker records as CSV files, one per template, in the templates' column
//! order and canonical values: deterministic (rows sorted by key, `\n` line endings),
//! and read back by [`crate::read`] into exactly the same records.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use permanence_domain::record::ChildId;
use permanence_domain::tracker::{ChildTracker, Organisation};

use crate::read::RawRecord;
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
        .iter()
        .map(|r| r.to_raw("", 0))
        .collect();
    write_records(dir, &records)
}

/// Writes records given as canonical values (as the store holds them), one file per
/// template, like [`write_tracker`]. Records repeating a kind and key are written once.
pub fn write_records(dir: &Path, records: &[RawRecord]) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for kind in Kind::ALL {
        let of_kind: Vec<&RawRecord> = records.iter().filter(|r| r.kind == kind).collect();
        std::fs::write(dir.join(kind.file_name()), csv_text(kind, &of_kind)?)?;
    }
    Ok(())
}

/// One template's CSV text: the header row, then the records sorted by key.
pub fn csv_text(kind: Kind, records: &[&RawRecord]) -> io::Result<String> {
    let mut sorted: Vec<(Vec<String>, &RawRecord)> =
        records.iter().map(|r| (r.sort_key(), *r)).collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted.dedup_by(|a, b| a.1.key() == b.1.key());
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(kind.template().column_names())?;
    for (_, record) in sorted {
        writer.write_record(record.fields())?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}
