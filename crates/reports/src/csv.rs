//! The report as CSV: `headlines.csv` (`measure,value`) and one file per table, named
//! by the table's id, with its column headings; dates as dd/mm/yyyy, shares as
//! percentages to one decimal place.

use std::path::{Path, PathBuf};

use crate::{Report, Table};

/// Why the CSV files could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct CsvError {
    path: PathBuf,
    source: std::io::Error,
}

/// `headlines.csv`: one row per headline measure.
pub fn headlines(report: &Report) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    write_rows(
        &mut writer,
        &["measure".to_string(), "value".to_string()],
        report
            .headlines
            .iter()
            .map(|h| vec![h.key.to_string(), h.value.csv_text()]),
    );
    writer.into_inner().expect("writing to memory")
}

/// One table as CSV.
pub fn table(table: &Table) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    write_rows(
        &mut writer,
        &table.columns,
        table
            .rows
            .iter()
            .map(|row| row.iter().map(|c| c.csv_text()).collect()),
    );
    writer.into_inner().expect("writing to memory")
}

fn write_rows(
    writer: &mut csv::Writer<Vec<u8>>,
    columns: &[String],
    rows: impl Iterator<Item = Vec<String>>,
) {
    writer.write_record(columns).expect("writing to memory");
    for row in rows {
        writer.write_record(&row).expect("writing to memory");
    }
}

/// Writes `headlines.csv` and every table into `dir` (created if missing); returns the
/// files written.
pub fn write_all(report: &Report, dir: &Path) -> Result<Vec<PathBuf>, CsvError> {
    std::fs::create_dir_all(dir).map_err(|source| CsvError {
        path: dir.to_path_buf(),
        source,
    })?;
    let files = std::iter::once(("headlines".to_string(), headlines(report)))
        .chain(report.tables().map(|t| (t.id.clone(), table(t))));
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(format!("{name}.csv"));
        std::fs::write(&path, bytes).map_err(|source| CsvError {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}
