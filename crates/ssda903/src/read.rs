//! Reading 903 CSV files: finding them, telling their collection year, recognising their
//! table by its columns, and normalising what councils' extracts commonly get wrong
//! (byte-order marks, Windows line endings, surrounding spaces, lower-case codes).
//!
//! The result is text, not yet typed: [`crate::parse`] does that, per collection year.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use permanence_domain::CollectionYear;

use crate::problem::{Problem, Problems};
use crate::tables::{Recognition, Table};

/// Separates the fields of a [`RawRow`]; the reader refuses control characters inside
/// values, so it never occurs in one.
pub const FIELD_SEPARATOR: char = '\u{1f}';

/// One data row: its fields, in the table's DfE column order, trimmed and with codes
/// upper-cased (an empty field means no value). Held as one string, fields joined by
/// [`FIELD_SEPARATOR`], because a national history has millions of rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// The line in the file (the header row is line 1).
    pub line: u64,
    joined: Box<str>,
}

impl RawRow {
    /// A row from its field values.
    pub fn new<S: AsRef<str>>(line: u64, fields: &[S]) -> RawRow {
        let mut joined = String::new();
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                joined.push(FIELD_SEPARATOR);
            }
            joined.push_str(field.as_ref());
        }
        RawRow {
            line,
            joined: joined.into(),
        }
    }

    /// A row from fields already joined by [`FIELD_SEPARATOR`] (as [`RawRow::joined`] gives).
    pub fn from_joined(line: u64, joined: String) -> RawRow {
        RawRow {
            line,
            joined: joined.into(),
        }
    }

    /// The fields joined by [`FIELD_SEPARATOR`].
    pub fn joined(&self) -> &str {
        &self.joined
    }

    /// The field values in DfE column order.
    pub fn fields(&self) -> std::str::Split<'_, char> {
        self.joined.split(FIELD_SEPARATOR)
    }

    /// The CHILD field (always the first column).
    pub fn child(&self) -> &str {
        self.fields().next().unwrap_or("")
    }
}

/// One table of one collection year's return, as read from one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTable {
    /// Which table.
    pub table: Table,
    /// The file it came from, as the user named it.
    pub file: String,
    /// The data rows.
    pub rows: Vec<RawRow>,
}

/// The tables of one collection year's return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawReturn {
    /// The collection year.
    pub year: CollectionYear,
    /// Its tables, at most one of each, in [`Table::ALL`] order.
    pub tables: Vec<RawTable>,
}

impl RawReturn {
    /// The table of this kind, if the return has it.
    pub fn table(&self, table: Table) -> Option<&RawTable> {
        self.tables.iter().find(|t| t.table == table)
    }
}

/// What was tidied up while reading, for the import summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Normalisation {
    /// Files that began with a UTF-8 byte-order mark.
    pub byte_order_marks: usize,
    /// Files with Windows (CR LF) line endings.
    pub windows_line_endings: usize,
    /// Values with spaces around them.
    pub trimmed_values: usize,
    /// Codes (or column names) written in lower case.
    pub lower_case_codes: usize,
}

impl Normalisation {
    /// Whether anything was tidied.
    pub fn any(&self) -> bool {
        *self != Normalisation::default()
    }
}

/// Everything read from the paths given.
#[derive(Debug, Clone, Default)]
pub struct ReadOutcome {
    /// One return per collection year found, in year order.
    pub returns: Vec<RawReturn>,
    /// What was tidied.
    pub normalisation: Normalisation,
    /// Files passed over when searching folders (not `.csv`).
    pub skipped: Vec<String>,
}

/// Reads every 903 CSV file in `paths` (files, or folders searched recursively for
/// `.csv` files). The collection year is `year` when given, else read from each file's
/// name or its folders' names. Reports every problem found, not just the first.
pub fn read_paths(
    paths: &[PathBuf],
    year: Option<CollectionYear>,
) -> Result<ReadOutcome, Problems> {
    let mut problems = Problems::default();
    let mut outcome = ReadOutcome::default();
    let mut files = Vec::new();
    for path in paths {
        collect_files(path, true, &mut files, &mut outcome.skipped, &mut problems);
    }
    if files.is_empty() && problems.is_empty() {
        problems.push(Problem::file(
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            "no CSV files found here",
        ));
    }
    let mut tables = Tables::default();
    for file in files {
        let name = file.display().to_string();
        let file_year = match year {
            Some(year) => Some(year),
            None => match year_from_path(&file) {
                Some(year) => Some(year),
                None => {
                    problems.push(Problem::file(
                        &name,
                        "cannot tell which collection year this file is for: put the year in \
                         the folder or file name (for example 2025_26, 2025-26, 202526 or 2026 \
                         for the year ending March 2026), or give --year 2026",
                    ));
                    None
                }
            },
        };
        let Some(file_year) = file_year else { continue };
        if let Some(problem) = unsupported_year(&name, file_year) {
            // Said before the file is read: there is no point reading it.
            problems.push(problem);
            continue;
        }
        let bytes = match std::fs::read(&file) {
            Ok(bytes) => bytes,
            Err(error) => {
                problems.push(Problem::file(&name, format!("cannot be read: {error}")));
                continue;
            }
        };
        tables.add(&name, file_year, &bytes, &mut problems);
    }
    let (returns, normalisation) = tables.finish();
    outcome.returns = returns;
    outcome.normalisation = normalisation;
    problems.into_result(outcome)
}

/// Reads 903 files already in memory, each given as its name (as problems should name
/// it), its collection year and its bytes: exactly what [`read_paths`] does with each
/// file once it has found it and told its year.
pub fn read_files<'a>(
    files: impl IntoIterator<Item = (&'a str, CollectionYear, &'a [u8])>,
) -> Result<ReadOutcome, Problems> {
    let mut problems = Problems::default();
    let mut tables = Tables::default();
    for (name, year, bytes) in files {
        tables.add(name, year, bytes, &mut problems);
    }
    let (returns, normalisation) = tables.finish();
    problems.into_result(ReadOutcome {
        returns,
        normalisation,
        skipped: Vec::new(),
    })
}

/// Why a file of `year` cannot be read, if this system lacks that year's code lists.
fn unsupported_year(name: &str, year: CollectionYear) -> Option<Problem> {
    (!year.is_supported()).then(|| {
        Problem::file(
            name,
            format!(
                "collection year {year} is not supported; this system knows the code lists of \
                 {} to {}",
                CollectionYear::EARLIEST,
                CollectionYear::LATEST
            ),
        )
    })
}

/// The tables read so far, by collection year.
#[derive(Default)]
struct Tables {
    by_year: BTreeMap<CollectionYear, Vec<RawTable>>,
    normalisation: Normalisation,
}

impl Tables {
    /// Reads one file's bytes as a table of `year`'s return, or records why it cannot.
    fn add(&mut self, name: &str, year: CollectionYear, bytes: &[u8], problems: &mut Problems) {
        if let Some(problem) = unsupported_year(name, year) {
            problems.push(problem);
            return;
        }
        let Some(table) = read_table(name, bytes, year, &mut self.normalisation, problems) else {
            return;
        };
        let tables = self.by_year.entry(year).or_default();
        if let Some(other) = tables.iter().find(|t| t.table == table.table) {
            problems.push(Problem::file(
                name,
                format!(
                    "holds the {} table for {year}, but so does {}; give one file per table and year",
                    table.table.name(),
                    other.file
                ),
            ));
        } else {
            tables.push(table);
        }
    }

    /// One return per year, in year order, each with its tables in [`Table::ALL`] order.
    fn finish(self) -> (Vec<RawReturn>, Normalisation) {
        let returns = self
            .by_year
            .into_iter()
            .map(|(year, mut tables)| {
                tables.sort_by_key(|t| t.table);
                RawReturn { year, tables }
            })
            .collect();
        (returns, self.normalisation)
    }
}

/// Adds `path` to `files` if it is a file, or every `.csv` file in it (searching
/// sub-folders, in name order) if it is a folder; other files found in folders go to
/// `skipped`. A file named directly is always read, whatever its extension.
pub fn collect_files(
    path: &Path,
    named: bool,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<String>,
    problems: &mut Problems,
) {
    let name = path.display().to_string();
    match std::fs::metadata(path) {
        Err(error) => problems.push(Problem::file(name, format!("cannot be opened: {error}"))),
        Ok(meta) if meta.is_dir() => {
            let entries = match std::fs::read_dir(path) {
                Ok(entries) => entries,
                Err(error) => {
                    problems.push(Problem::file(
                        name,
                        format!("folder cannot be read: {error}"),
                    ));
                    return;
                }
            };
            let mut children: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            children.sort();
            for child in children {
                collect_files(&child, false, files, skipped, problems);
            }
        }
        Ok(_) => {
            let is_csv = path
                .extension()
                .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"));
            if named || is_csv {
                files.push(path.to_path_buf());
            } else {
                skipped.push(name);
            }
        }
    }
}

/// Reads the collection year from a path: the file name first, then each folder up
/// from it. Accepts `2025_26`, `2025-26`, `202526` (start and end year) or `2026` (end year).
pub fn year_from_path(path: &Path) -> Option<CollectionYear> {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
    let folders = path
        .ancestors()
        .skip(1)
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
    stem.into_iter()
        .chain(folders)
        .find_map(|name| year_from_name(&name))
}

fn year_from_name(name: &str) -> Option<CollectionYear> {
    // Runs of digits with what separates them.
    let bytes = name.as_bytes();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            runs.push((start, i));
        } else {
            i += 1;
        }
    }
    let number = |(a, b): (usize, usize)| name[a..b].parse::<i32>().ok();
    let plausible = |end: i32| (1990..=2100).contains(&end);
    let consecutive = |start: i32, end2: i32| (start + 1) % 100 == end2;
    for (k, &run) in runs.iter().enumerate() {
        let len = run.1 - run.0;
        if len == 6 {
            let start: i32 = name[run.0..run.0 + 4].parse().ok()?;
            let end2: i32 = name[run.0 + 4..run.1].parse().ok()?;
            if consecutive(start, end2) && plausible(start + 1) {
                return Some(CollectionYear((start + 1) as i16));
            }
        }
        if len == 4 {
            let value = number(run)?;
            if let Some(&next) = runs.get(k + 1) {
                let separator = &name[run.1..next.0];
                if (separator == "_" || separator == "-")
                    && next.1 - next.0 == 2
                    && let Some(end2) = number(next)
                    && consecutive(value, end2)
                    && plausible(value + 1)
                {
                    return Some(CollectionYear((value + 1) as i16));
                }
            }
            if plausible(value) {
                return Some(CollectionYear(value as i16));
            }
        }
    }
    None
}

/// Reads one CSV file's bytes into a table, or records why it cannot.
fn read_table(
    name: &str,
    bytes: &[u8],
    year: CollectionYear,
    normalisation: &mut Normalisation,
    problems: &mut Problems,
) -> Option<RawTable> {
    let problems_before = problems.len();
    let (columns, records) = open_csv(name, bytes, "903 column names", normalisation, problems)?;
    let table = match Table::recognise(&columns) {
        Recognition::Exact(table) => table,
        Recognition::Near {
            table,
            missing,
            extra,
        } => {
            problems.push(Problem::line(
                name,
                1,
                format!(
                    "looks like the {} table but has {}; expected exactly: {}",
                    table.name(),
                    column_mismatch(&missing, &extra),
                    table.columns().join(", ")
                ),
            ));
            return None;
        }
        Recognition::None => {
            problems.push(Problem::line(
                name,
                1,
                format!(
                    "no 903 table has these columns ({}); expected the columns of one of: {}",
                    columns.join(", "),
                    Table::ALL.map(|t| t.name()).join(", ")
                ),
            ));
            return None;
        }
    };
    if let Some(dup) = columns
        .iter()
        .enumerate()
        .find(|(i, c)| columns[..*i].contains(c))
    {
        problems.push(Problem::line(
            name,
            1,
            format!("column {} appears twice", dup.1),
        ));
        return None;
    }
    if year < table.first_year() {
        problems.push(Problem::file(
            name,
            format!(
                "holds the {} table, which the return has only from {}, but the file is for {year}",
                table.name(),
                table.first_year()
            ),
        ));
        return None;
    }
    // Position of each DfE column in the file.
    let order: Vec<usize> = table
        .columns()
        .iter()
        .map(|c| columns.iter().position(|h| h == c).expect("recognised"))
        .collect();
    let mut rows = Vec::new();
    let mut joined = String::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(|p| p.line()).unwrap_or(0);
                problems.push(Problem::line(
                    name,
                    line,
                    format!("cannot be read as CSV: {error}"),
                ));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() != columns.len() {
            problems.push(Problem::line(
                name,
                line,
                format!(
                    "has {} field{} but the header has {} columns{}",
                    record.len(),
                    plural(record.len()),
                    columns.len(),
                    if record.len() < columns.len() {
                        " (is the line cut short?)"
                    } else {
                        ""
                    }
                ),
            ));
            continue;
        }
        joined.clear();
        let mut row_ok = true;
        for (dfe_index, &file_index) in order.iter().enumerate() {
            let column = table.columns()[dfe_index];
            let raw = &record[file_index];
            let text = match std::str::from_utf8(raw) {
                Ok(text) => text,
                Err(error) => {
                    problems.push(Problem::field(
                        name,
                        line,
                        column,
                        format!(
                            "contains bytes that are not UTF-8 text (byte 0x{:02X} at position {}); save the file as UTF-8",
                            raw[error.valid_up_to()],
                            error.valid_up_to() + 1
                        ),
                    ));
                    row_ok = false;
                    continue;
                }
            };
            if text.chars().any(|c| c.is_control()) {
                problems.push(Problem::field(
                    name,
                    line,
                    column,
                    "contains a control character (tab, line break or similar) inside the value",
                ));
                row_ok = false;
                continue;
            }
            let trimmed = text.trim();
            if trimmed.len() != text.len() {
                normalisation.trimmed_values += 1;
            }
            // CHILD is the council's identifier and is kept exactly as written.
            if dfe_index > 0 {
                joined.push(FIELD_SEPARATOR);
            }
            if dfe_index == 0 || !trimmed.bytes().any(|b| b.is_ascii_lowercase()) {
                joined.push_str(trimmed);
            } else {
                normalisation.lower_case_codes += 1;
                joined.push_str(&trimmed.to_ascii_uppercase());
            }
        }
        if row_ok {
            rows.push(RawRow::from_joined(line, joined.clone()));
        }
    }
    report_duplicates(name, &rows, problems);
    if problems.len() > problems_before {
        return None;
    }
    if rows.is_empty() && table.must_have_rows() {
        problems.push(Problem::file(
            name,
            format!(
                "has a header row but no data rows: the {} table of a return cannot be empty",
                table.name()
            ),
        ));
        return None;
    }
    Some(RawTable {
        table,
        file: name.to_string(),
        rows,
    })
}

/// Opens a CSV file's bytes, the one way every reader here does: strips a UTF-8
/// byte-order mark, notes Windows line endings, and reads the header row into trimmed,
/// upper-cased column names. Returns the names and the data rows still to read, or
/// records why the file cannot be read (`expected` says what the header should name).
pub fn open_csv<'a>(
    name: &str,
    bytes: &'a [u8],
    expected: &str,
    normalisation: &mut Normalisation,
    problems: &mut Problems,
) -> Option<(Vec<String>, csv::ByteRecordsIntoIter<&'a [u8]>)> {
    let mut bytes = bytes;
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        normalisation.byte_order_marks += 1;
        bytes = rest;
    }
    let empty =
        || format!("the file is empty: expected a header row of {expected}, then data rows");
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        problems.push(Problem::file(name, empty()));
        return None;
    }
    if bytes.windows(2).any(|w| w == b"\r\n") {
        normalisation.windows_line_endings += 1;
    }
    let mut records = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
        .into_byte_records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => {
            problems.push(Problem::file(
                name,
                format!("the header row cannot be read as CSV: {error}"),
            ));
            return None;
        }
        None => {
            problems.push(Problem::file(name, empty()));
            return None;
        }
    };
    let mut columns = Vec::with_capacity(header.len());
    for (index, field) in header.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(field) else {
            problems.push(Problem::line(
                name,
                1,
                format!(
                    "column {} of the header row is not UTF-8 text; save the file as UTF-8",
                    index + 1
                ),
            ));
            return None;
        };
        let trimmed = text.trim();
        if trimmed != trimmed.to_ascii_uppercase() {
            normalisation.lower_case_codes += 1;
        }
        columns.push(trimmed.to_ascii_uppercase());
    }
    Some((columns, records))
}

/// "missing column A and unexpected columns B, C": how a header row differs from the
/// columns of the table or template it most resembles.
pub fn column_mismatch(missing: &[String], extra: &[String]) -> String {
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!(
            "missing column{} {}",
            plural(missing.len()),
            missing.join(", ")
        ));
    }
    if !extra.is_empty() {
        parts.push(format!(
            "unexpected column{} {}",
            plural(extra.len()),
            extra.join(", ")
        ));
    }
    parts.join(" and ")
}

/// Rows that repeat an earlier row exactly, each pointed at the first occurrence.
fn report_duplicates(name: &str, rows: &[RawRow], problems: &mut Problems) {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| rows[a].joined().cmp(rows[b].joined()).then(a.cmp(&b)));
    let mut original = None;
    for pair in order.windows(2) {
        let (first, again) = (&rows[pair[0]], &rows[pair[1]]);
        if first.joined() == again.joined() {
            let original = *original.get_or_insert(first.line);
            problems.push(Problem::line(
                name,
                again.line,
                format!("duplicates line {original} exactly"),
            ));
        } else {
            original = None;
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_in_memory_read_as_files_on_disk_do() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            (
                "header.csv",
                "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nC1, m ,05/03/2015,WBRI,,,\r\n",
            ),
            (
                "reviews.csv",
                "\u{feff}CHILD,DOB,REVIEW,REVIEW_CODE\nC1,05/03/2015,20/06/2025,pn1\n",
            ),
            (
                "uasc.csv",
                "CHILD,SEX,DOB,DUC\nC1,1,05/03/2015,05/03/2033\n",
            ),
        ];
        let year = CollectionYear(2026);
        let mut paths = Vec::new();
        let mut names = Vec::new();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            names.push(path.display().to_string());
            paths.push(path);
        }
        let on_disk = read_paths(&paths, Some(year)).unwrap();
        let in_memory = read_files(
            names
                .iter()
                .zip(files)
                .map(|(name, (_, text))| (name.as_str(), year, text.as_bytes())),
        )
        .unwrap();
        assert_eq!(on_disk.returns, in_memory.returns);
        assert_eq!(on_disk.normalisation, in_memory.normalisation);
        assert_eq!(in_memory.returns[0].tables.len(), 3);
        assert_eq!(in_memory.normalisation.byte_order_marks, 1);

        // Problems too, each naming its file; years without code lists are refused.
        let problems = read_files([
            ("a.csv", year, &b"CHILD,SEX\nC1,M\n"[..]),
            (
                "b.csv",
                CollectionYear(2000),
                &b"CHILD,DOB,REVIEW,REVIEW_CODE\n"[..],
            ),
            ("c.csv", year, &b"CHILD,DOB,REVIEW,REVIEW_CODE\n"[..]),
            ("d.csv", year, &b"CHILD,DOB,REVIEW,REVIEW_CODE\n"[..]),
        ])
        .unwrap_err();
        let files: Vec<&str> = problems.0.iter().map(|p| p.file.as_str()).collect();
        assert_eq!(files, ["a.csv", "b.csv", "d.csv"], "{problems}");
    }

    #[test]
    fn years_from_names() {
        let y = |s: &str| year_from_path(Path::new(s)).map(|y| y.0);
        assert_eq!(y("data/2025_26/episodes.csv"), Some(2026));
        assert_eq!(y("data/2025-26/episodes.csv"), Some(2026));
        assert_eq!(y("data/202526/episodes.csv"), Some(2026));
        assert_eq!(y("data/903_2026/episodes.csv"), Some(2026));
        assert_eq!(y("data/episodes_2023_24.csv"), Some(2024));
        assert_eq!(y("returns/ssda903/episodes.csv"), None);
        // The file name wins over its folder.
        assert_eq!(y("2020_21/header_2024_25.csv"), Some(2025));
        // Not consecutive years: the first is read as an end year.
        assert_eq!(y("2025_27/x.csv"), Some(2025));
    }
}
