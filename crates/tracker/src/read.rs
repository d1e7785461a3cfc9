//! Reading tracker CSV files: recognising each file's template by its header row,
//! tidying what spreadsheets commonly get wrong (byte-order marks, Windows line endings,
//! surrounding spaces, codes in capitals), and checking every value against its column
//! (codes, dates, numbers, flags, lists, required values, dates in the future, dates out
//! of order). Every problem names file, line, column, the value found and what was
//! expected.
//!
//! The result is [`RawRecord`]s holding each value in its canonical form (dates
//! `dd/mm/yyyy` with two-digit day and month, codes lower case, lists joined by `;`),
//! which is also exactly how [`crate::write`] writes them: a file read and written back
//! is the same file, and a re-import of an export changes nothing.

use std::collections::HashMap;
use std::path::PathBuf;

use permanence_domain::Date;
use permanence_domain::date::{DateError, format_dmy, parse_dmy};
use permanence_ssda903::read::{
    FIELD_SEPARATOR, Normalisation, collect_files, column_mismatch, open_csv,
};
use permanence_ssda903::tables::Recognition as Recognition903;
use permanence_ssda903::{Problem, Problems};

use crate::template::{Column, ColumnKind, Item, Kind, TEMPLATES, Template};

/// Separates the values of a list column.
pub const LIST_SEPARATOR: char = ';';

/// One record: its kind, where it came from and its values in canonical form, in the
/// template's column order (an empty value means none). Held as one string joined by
/// [`FIELD_SEPARATOR`], as the 903 rows are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    /// The record type.
    pub kind: Kind,
    /// The file it came from, as the user named it (or the source recorded with it).
    pub file: String,
    /// The line in the file (the header row is line 1).
    pub line: u64,
    joined: Box<str>,
}

impl RawRecord {
    /// A record from its values in column order.
    pub fn new<S: AsRef<str>>(kind: Kind, file: &str, line: u64, fields: &[S]) -> RawRecord {
        let mut joined = String::new();
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                joined.push(FIELD_SEPARATOR);
            }
            joined.push_str(field.as_ref());
        }
        RawRecord::from_joined(kind, file, line, joined)
    }

    /// A record from values already joined by [`FIELD_SEPARATOR`].
    pub fn from_joined(kind: Kind, file: &str, line: u64, joined: String) -> RawRecord {
        RawRecord {
            kind,
            file: file.to_string(),
            line,
            joined: joined.into(),
        }
    }

    /// The record's template.
    pub fn template(&self) -> &'static Template {
        self.kind.template()
    }

    /// The values joined by [`FIELD_SEPARATOR`] (what the store keeps).
    pub fn joined(&self) -> &str {
        &self.joined
    }

    /// The values in column order.
    pub fn fields(&self) -> std::str::Split<'_, char> {
        self.joined.split(FIELD_SEPARATOR)
    }

    /// Whether the record has one value per column of its template.
    pub fn is_well_formed(&self) -> bool {
        self.fields().count() == self.template().columns.len()
    }

    /// The value of one column (empty if none, or if the template has no such column).
    pub fn field(&self, column: &str) -> &str {
        self.template()
            .position(column)
            .and_then(|index| self.fields().nth(index))
            .unwrap_or("")
    }

    /// The record's key: its key columns' values joined by [`FIELD_SEPARATOR`]. Within a
    /// kind, one key is one record; another row with the same key corrects it.
    pub fn key(&self) -> String {
        self.template()
            .key
            .iter()
            .map(|column| self.field(column))
            .collect::<Vec<_>>()
            .join(&FIELD_SEPARATOR.to_string())
    }

    /// The key as people read it: `CHILD C1, DECIDED 01/02/2025`.
    pub fn key_text(&self) -> String {
        self.template()
            .key
            .iter()
            .map(|column| format!("{column} {}", self.field(column)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The child the record is about, if the template has a CHILD column and it is given.
    pub fn child(&self) -> Option<&str> {
        self.template()
            .position("CHILD")
            .and_then(|index| self.fields().nth(index))
            .filter(|child| !child.is_empty())
    }

    /// A key for sorting records in a deterministic, readable order: the key columns
    /// (dates as yyyy-mm-dd so that they sort by time), then every value. It borrows the
    /// record's values, so building and comparing keys allocates little.
    pub fn sort_key(&self) -> SortKey<'_> {
        let template = self.template();
        let mut key: Vec<SortValue<'_>> =
            Vec::with_capacity(template.key.len() + template.columns.len());
        key.extend(
            template
                .columns
                .iter()
                .zip(self.fields())
                .map(|(column, value)| SortValue::of(column, value)),
        );
        let values = key.len();
        for name in template.key {
            if let Some(index) = template.position(name).filter(|&index| index < values) {
                key.push(key[index]);
            }
        }
        // The key columns first, then every value.
        let keys = key.len() - values;
        key.rotate_right(keys);
        SortKey(key)
    }
}

/// One file read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRead {
    /// The file, as the user named it.
    pub file: String,
    /// Its template.
    pub kind: Kind,
    /// Its data rows.
    pub rows: usize,
}

/// A record's sort key (see [`RawRecord::sort_key`]): ordered as its values' texts are,
/// value by value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortKey<'a>(Vec<SortValue<'a>>);

/// One value of a [`SortKey`]: the value as held, or a date as `yyyy-mm-dd`.
#[derive(Debug, Clone, Copy)]
enum SortValue<'a> {
    Text(&'a str),
    Date([u8; 10]),
}

impl<'a> SortValue<'a> {
    /// A value of `column` as it sorts: a date column's dates as `yyyy-mm-dd` (what does
    /// not read as a date sorts as it is written), any other value as it is.
    fn of(column: &Column, value: &'a str) -> SortValue<'a> {
        match column.kind {
            ColumnKind::Date { .. } => match parse_dmy(value) {
                Ok(date) => SortValue::Date(iso_bytes(date)),
                Err(_) => SortValue::Text(value),
            },
            _ => SortValue::Text(value),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            SortValue::Text(text) => text.as_bytes(),
            SortValue::Date(bytes) => bytes,
        }
    }
}

impl PartialEq for SortValue<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for SortValue<'_> {}

impl PartialOrd for SortValue<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SortValue<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.bytes().cmp(other.bytes())
    }
}

/// A date (year 0 to 9999, as [`parse_dmy`] reads them) as the bytes of `yyyy-mm-dd`,
/// the text of its `Display`.
fn iso_bytes(date: Date) -> [u8; 10] {
    let digit = |n: i32| b'0' + (n % 10) as u8;
    let (y, m, d) = (
        i32::from(date.year()),
        i32::from(date.month()),
        i32::from(date.day()),
    );
    [
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(d / 10),
        digit(d),
    ]
}

/// Everything read from the paths given.
#[derive(Debug, Clone, Default)]
pub struct ReadOutcome {
    /// Every record, in file and line order.
    pub records: Vec<RawRecord>,
    /// The files read, in the order read.
    pub files: Vec<FileRead>,
    /// What was tidied.
    pub normalisation: Normalisation,
    /// Files passed over when searching folders (not `.csv`).
    pub skipped: Vec<String>,
    /// What refused rows and files might have held (empty when nothing was refused).
    pub refused: Vec<Refusal>,
}

/// What a refused row or file might have held: ids that other records may name, which
/// are therefore not reported as unknown (one mistake is reported once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A refused row with this ID.
    Id(Kind, String),
    /// A refused file of this template: it might have held any id of its kind.
    Kind(Kind),
    /// A refused file of no recognisable template: it might have held any id.
    Everything,
}

/// Reads every tracker CSV file in `paths` (files, or folders searched recursively for
/// `.csv` files, in name order) and checks each value. Dates after `not_after` (the day
/// of the import) are refused where the thing must already have happened. Keys repeated
/// within the import are refused. Reports every problem found, not just the first.
pub fn read_paths(paths: &[PathBuf], not_after: Option<Date>) -> Result<ReadOutcome, Problems> {
    let (outcome, problems) = read_paths_partly(paths, not_after);
    problems.into_result(outcome)
}

/// Like [`read_paths`], but also gives every row that read cleanly when others did
/// not, with what the refused ones might have held, so that later checks can run on
/// the good rows and report everything in one go.
pub fn read_paths_partly(paths: &[PathBuf], not_after: Option<Date>) -> (ReadOutcome, Problems) {
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
    for file in files {
        let name = file.display().to_string();
        let bytes = match std::fs::read(&file) {
            Ok(bytes) => bytes,
            Err(error) => {
                problems.push(Problem::file(&name, format!("cannot be read: {error}")));
                continue;
            }
        };
        read_into(&name, &bytes, not_after, &mut outcome, &mut problems);
    }
    report_repeated_keys(&outcome.records, &mut problems);
    problems.sort();
    (outcome, problems)
}

/// Like [`read_paths_partly`], for files already in memory, each given as its name (as
/// problems should name it) and its bytes: exactly what [`read_paths_partly`] does with
/// each file once it has found it.
pub fn read_files_partly<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    not_after: Option<Date>,
) -> (ReadOutcome, Problems) {
    let mut problems = Problems::default();
    let mut outcome = ReadOutcome::default();
    for (name, bytes) in files {
        read_into(name, bytes, not_after, &mut outcome, &mut problems);
    }
    report_repeated_keys(&outcome.records, &mut problems);
    problems.sort();
    (outcome, problems)
}

/// Reads one file's bytes into `outcome` ([`read_bytes`]).
fn read_into(
    name: &str,
    bytes: &[u8],
    not_after: Option<Date>,
    outcome: &mut ReadOutcome,
    problems: &mut Problems,
) {
    if let Some((kind, records)) = read_bytes(
        name,
        bytes,
        not_after,
        &mut outcome.normalisation,
        problems,
        &mut outcome.refused,
    ) {
        outcome.files.push(FileRead {
            file: name.to_string(),
            kind,
            rows: records.len(),
        });
        outcome.records.extend(records);
    }
}

/// What a header row says about which template a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recognition {
    /// Exactly the columns of this template.
    Exact(Kind),
    /// Most of the columns of this template, with some missing or extra.
    Near {
        /// The template it most resembles.
        kind: Kind,
        /// Columns of that template the file lacks.
        missing: Vec<String>,
        /// Columns the file has that the template does not.
        extra: Vec<String>,
    },
    /// No template.
    None,
}

/// Recognises a template by its set of column names (upper case; order irrelevant).
pub fn recognise(columns: &[String]) -> Recognition {
    let has = |name: &str| columns.iter().any(|c| c == name);
    if let Some(template) = TEMPLATES
        .iter()
        .find(|t| t.columns.len() == columns.len() && t.columns.iter().all(|c| has(c.name)))
    {
        return Recognition::Exact(template.kind);
    }
    let best = TEMPLATES
        .iter()
        .map(|t| (t.columns.iter().filter(|c| has(c.name)).count(), t))
        .max_by_key(|(shared, t)| {
            // Most columns shared; then the fewest of its own missing; then the first.
            (
                *shared,
                std::cmp::Reverse(t.columns.len()),
                std::cmp::Reverse(t.kind),
            )
        });
    match best {
        Some((shared, template)) if shared * 2 > template.columns.len() && shared >= 2 => {
            Recognition::Near {
                kind: template.kind,
                missing: template
                    .columns
                    .iter()
                    .filter(|c| !has(c.name))
                    .map(|c| c.name.to_string())
                    .collect(),
                extra: columns
                    .iter()
                    .filter(|c| template.position(c).is_none())
                    .cloned()
                    .collect(),
            }
        }
        _ => Recognition::None,
    }
}

/// Reads one file's bytes: its template and the records of the rows that read
/// cleanly, with a problem recorded for every other row (and its ID in `refused`); or
/// `None` when the whole file is refused. A file with a header row and no data rows
/// holds no records (a template with nothing to record yet); an empty file is refused.
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    not_after: Option<Date>,
    normalisation: &mut Normalisation,
    problems: &mut Problems,
    refused: &mut Vec<Refusal>,
) -> Option<(Kind, Vec<RawRecord>)> {
    let (kind, records) = read_file(name, bytes, not_after, normalisation, problems, refused);
    match (kind, records) {
        (Some(kind), Some(records)) => Some((kind, records)),
        (Some(kind), None) => {
            refused.push(Refusal::Kind(kind));
            None
        }
        (None, _) => {
            // An empty file held nothing; any other file of no known template might
            // have held anything.
            let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            if !text.iter().all(u8::is_ascii_whitespace) {
                refused.push(Refusal::Everything);
            }
            None
        }
    }
}

/// The file's template if known, and its records unless the whole file is refused.
fn read_file(
    name: &str,
    bytes: &[u8],
    not_after: Option<Date>,
    normalisation: &mut Normalisation,
    problems: &mut Problems,
    refused: &mut Vec<Refusal>,
) -> (Option<Kind>, Option<Vec<RawRecord>>) {
    let Some((columns, rows)) = open_csv(
        name,
        bytes,
        "the columns of one tracker template (see docs/tracker-templates.md)",
        normalisation,
        problems,
    ) else {
        return (None, None);
    };
    let kind = match recognise(&columns) {
        Recognition::Exact(kind) => kind,
        Recognition::Near {
            kind,
            missing,
            extra,
        } => {
            problems.push(Problem::line(
                name,
                1,
                format!(
                    "looks like the {} template but has {}; expected exactly: {}",
                    kind.name(),
                    column_mismatch(&missing, &extra),
                    kind.template().column_names().join(", ")
                ),
            ));
            return (Some(kind), None);
        }
        Recognition::None => {
            let hint = match permanence_ssda903::Table::recognise(&columns) {
                Recognition903::Exact(table) | Recognition903::Near { table, .. } => format!(
                    "; it looks like the 903 {} table: import it with `permanence import 903`",
                    table.name()
                ),
                Recognition903::None => String::new(),
            };
            problems.push(Problem::line(
                name,
                1,
                format!(
                    "no tracker template has these columns ({}); expected the columns of one \
                     of: {} (see docs/tracker-templates.md){hint}",
                    columns.join(", "),
                    TEMPLATES
                        .iter()
                        .map(|t| t.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            return (None, None);
        }
    };
    if let Some((_, dup)) = columns
        .iter()
        .enumerate()
        .find(|(i, c)| columns[..*i].contains(c))
    {
        problems.push(Problem::line(
            name,
            1,
            format!("column {dup} appears twice"),
        ));
        return (Some(kind), None);
    }
    let template = kind.template();
    // Position in the file of each of the template's columns.
    let order: Vec<usize> = template
        .columns
        .iter()
        .map(|c| {
            columns
                .iter()
                .position(|h| h == c.name)
                .expect("recognised")
        })
        .collect();
    let mut records = Vec::new();
    let mut values: Vec<Option<String>> = Vec::with_capacity(order.len());
    for row in rows {
        let row = match row {
            Ok(row) => row,
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
        let line = row.position().map(|p| p.line()).unwrap_or(0);
        if row
            .iter()
            .all(|field| field.iter().all(u8::is_ascii_whitespace))
        {
            // A blank line, as spreadsheets leave at the end: nothing to read.
            continue;
        }
        if row.len() != columns.len() {
            problems.push(Problem::line(
                name,
                line,
                format!(
                    "has {} field{} but the header has {} columns{}",
                    row.len(),
                    plural(row.len()),
                    columns.len(),
                    if row.len() < columns.len() {
                        " (is the line cut short?)"
                    } else {
                        ""
                    }
                ),
            ));
            continue;
        }
        let cells = order.iter().map(|&file_index| &row[file_index]);
        if let Some(record) = check_values(
            kind,
            name,
            line,
            not_after,
            cells,
            &mut values,
            normalisation,
            problems,
        ) {
            records.push(record);
        } else if template.key == ["ID"] {
            // The row is refused, but others may name it: its ID is not unknown.
            let id = template.position("ID").expect("ID column");
            if let Ok(text) = std::str::from_utf8(&row[order[id]]) {
                refused.push(Refusal::Id(kind, text.trim().to_string()));
            }
        }
    }
    (Some(kind), Some(records))
}

/// Checks one row's values, given in the template's column order, by the same checks
/// every value of a file gets (each value, then the checks between values): the record,
/// or `None` with every problem recorded. `values` is scratch space, reused row to row.
#[allow(clippy::too_many_arguments)]
fn check_values<'r>(
    kind: Kind,
    name: &str,
    line: u64,
    not_after: Option<Date>,
    raw: impl Iterator<Item = &'r [u8]>,
    values: &mut Vec<Option<String>>,
    normalisation: &mut Normalisation,
    problems: &mut Problems,
) -> Option<RawRecord> {
    let template = kind.template();
    values.clear();
    let mut cells = Cells {
        file: name,
        line,
        not_after,
        problems,
        normalisation,
        ok: true,
    };
    for (column, raw) in template.columns.iter().zip(raw) {
        values.push(cells.value(column, raw));
    }
    cells.check_row(template, values);
    cells.ok.then(|| {
        let values: Vec<&str> = values.iter().map(|v| v.as_deref().unwrap_or("")).collect();
        RawRecord::new(kind, name, line, &values)
    })
}

/// Reads one record given as values in the template's column order (as a web form
/// gives them), with exactly the checks a row of a file gets ([`read_bytes`]): codes,
/// dates (`dd/mm/yyyy`; none after `not_after` where the thing must have happened),
/// numbers, flags, lists, required values, dates in order, and the template's own
/// rules. `source` names where the record came from (kept as its file, with line 0).
/// A missing value counts as blank; values past the template's columns are ignored.
/// Every problem names its column.
pub fn read_row<S: AsRef<str>>(
    kind: Kind,
    values: &[S],
    source: &str,
    not_after: Option<Date>,
) -> Result<RawRecord, Problems> {
    let columns = kind.template().columns.len();
    let raw = (0..columns).map(|i| values.get(i).map_or(&b""[..], |v| v.as_ref().as_bytes()));
    let mut problems = Problems::default();
    let record = check_values(
        kind,
        source,
        0,
        not_after,
        raw,
        &mut Vec::with_capacity(columns),
        &mut Normalisation::default(),
        &mut problems,
    );
    match record {
        Some(record) => Ok(record),
        None => {
            problems.sort();
            Err(problems)
        }
    }
}

/// The values of one row, checked one at a time; a bad value is recorded as a problem
/// and marks the row as bad.
struct Cells<'a> {
    file: &'a str,
    line: u64,
    not_after: Option<Date>,
    problems: &'a mut Problems,
    normalisation: &'a mut Normalisation,
    ok: bool,
}

impl Cells<'_> {
    fn problem(&mut self, column: &str, message: String) {
        self.problems
            .push(Problem::field(self.file, self.line, column, message));
        self.ok = false;
    }

    /// The canonical form of one value, or `None` (with a problem) when it is wrong.
    fn value(&mut self, column: &Column, raw: &[u8]) -> Option<String> {
        let text = match std::str::from_utf8(raw) {
            Ok(text) => text,
            Err(error) => {
                self.problem(
                    column.name,
                    format!(
                        "contains bytes that are not UTF-8 text (byte 0x{:02X} at position {}); \
                         save the file as UTF-8",
                        raw[error.valid_up_to()],
                        error.valid_up_to() + 1
                    ),
                );
                return None;
            }
        };
        let trimmed = text.trim();
        if trimmed.len() != text.len() {
            self.normalisation.trimmed_values += 1;
        }
        let line_breaks_allowed = matches!(column.kind, ColumnKind::Text);
        if trimmed
            .chars()
            .any(|c| c.is_control() && !(line_breaks_allowed && matches!(c, '\n' | '\r' | '\t')))
        {
            self.problem(
                column.name,
                if line_breaks_allowed {
                    "contains a control character inside the value".to_string()
                } else {
                    "contains a control character (tab, line break or similar) inside the value"
                        .to_string()
                },
            );
            return None;
        }
        if trimmed.is_empty() {
            if column.required {
                self.problem(
                    column.name,
                    format!(
                        "is blank but a value is required: {}",
                        lower_first(column.description)
                    ),
                );
                return None;
            }
            return Some(match column.kind {
                ColumnKind::Number {
                    blank_is_zero: true,
                    ..
                } => "0".to_string(),
                _ => String::new(),
            });
        }
        match column.kind {
            ColumnKind::Text => Some(trimmed.replace("\r\n", "\n")),
            ColumnKind::Id | ColumnKind::Ref(_) => Some(trimmed.to_string()),
            ColumnKind::Date { future } => self.date(column.name, trimmed, future),
            ColumnKind::Code(vocabulary) => {
                let lower = trimmed.to_ascii_lowercase();
                match vocabulary.canonical(&lower) {
                    Some(code) => {
                        if lower != trimmed {
                            self.normalisation.lower_case_codes += 1;
                        }
                        Some(code.to_string())
                    }
                    None => {
                        self.problem(
                            column.name,
                            format!(
                                "'{trimmed}' is not a {} code; expected one of: {}",
                                vocabulary.name,
                                vocabulary.codes().join(", ")
                            ),
                        );
                        None
                    }
                }
            }
            ColumnKind::Number { max, .. } => {
                match trimmed.parse::<u32>() {
                    Ok(n) if n <= max && trimmed.bytes().all(|b| b.is_ascii_digit()) => {
                        Some(n.to_string())
                    }
                    _ => {
                        self.problem(
                        column.name,
                        format!("'{trimmed}' is not allowed; expected a whole number from 0 to {max}"),
                    );
                        None
                    }
                }
            }
            ColumnKind::Flag => match trimmed.to_ascii_uppercase().as_str() {
                flag @ ("Y" | "N") => {
                    if flag != trimmed {
                        self.normalisation.lower_case_codes += 1;
                    }
                    Some(flag.to_string())
                }
                _ => {
                    self.problem(
                        column.name,
                        format!("'{trimmed}' is not allowed; expected Y or N"),
                    );
                    None
                }
            },
            ColumnKind::List(item) => self.list(column.name, trimmed, item),
        }
    }

    fn date(&mut self, column: &str, text: &str, future: bool) -> Option<String> {
        match parse_dmy(text) {
            Ok(date) => {
                if !future && let Some(limit) = self.not_after.filter(|limit| date > *limit) {
                    self.problem(
                        column,
                        format!(
                            "{text} is in the future (after {}, the date of this import); \
                             {column} must be a day that has already happened",
                            format_dmy(limit)
                        ),
                    );
                    return None;
                }
                Some(format_dmy(date))
            }
            Err(DateError::Shape(_)) => {
                self.problem(
                    column,
                    format!("'{text}' is not a date; expected dd/mm/yyyy"),
                );
                None
            }
            Err(DateError::Impossible(_)) => {
                self.problem(
                    column,
                    format!("'{text}' is not a real date (no such day); expected dd/mm/yyyy"),
                );
                None
            }
        }
    }

    fn list(&mut self, column: &str, text: &str, item: Item) -> Option<String> {
        let mut values: Vec<String> = Vec::new();
        let mut ok = true;
        for part in text.split(LIST_SEPARATOR) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let value = match item {
                Item::Text | Item::Ref(_) => part.to_string(),
                Item::Code(vocabulary) => {
                    let lower = part.to_ascii_lowercase();
                    match vocabulary.canonical(&lower) {
                        Some(code) => {
                            if lower != part {
                                self.normalisation.lower_case_codes += 1;
                            }
                            code.to_string()
                        }
                        None => {
                            self.problem(
                                column,
                                format!(
                                    "'{part}' is not a {} code; expected codes separated by ';' from: {}",
                                    vocabulary.name,
                                    vocabulary.codes().join(", ")
                                ),
                            );
                            ok = false;
                            continue;
                        }
                    }
                }
            };
            if values.contains(&value) {
                self.problem(column, format!("'{part}' is listed twice"));
                ok = false;
                continue;
            }
            values.push(value);
        }
        ok.then(|| values.join(&LIST_SEPARATOR.to_string()))
    }

    /// Checks between the values of one row: dates in order, pairs given together, and
    /// the few rules particular to one template (documented by [`row_rules`]). A value
    /// that was refused (`None`) takes no part, so that one mistake is reported once.
    fn check_row(&mut self, template: &Template, values: &[Option<String>]) {
        let value = |name: &str| -> Option<&str> {
            template.position(name).and_then(|i| values[i].as_deref())
        };
        for (later, earlier) in template.not_before {
            if let (Some(late_text), Some(early_text)) = (value(later), value(earlier))
                && let (Ok(late), Ok(early)) = (parse_dmy(late_text), parse_dmy(early_text))
                && late < early
            {
                self.problem(
                    later,
                    format!(
                        "{late_text} is before {earlier} ({early_text}); {later} cannot come \
                         before {earlier}"
                    ),
                );
            }
        }
        for (a, b) in template.together {
            let (Some(x), Some(y)) = (value(a), value(b)) else {
                continue;
            };
            match (x.is_empty(), y.is_empty()) {
                (false, true) => self.problem(
                    b,
                    format!("is blank but {a} is given; give both {a} and {b}, or neither"),
                ),
                (true, false) => self.problem(
                    a,
                    format!("is blank but {b} is given; give both {a} and {b}, or neither"),
                ),
                _ => {}
            }
        }
        let problem = match template.kind {
            Kind::Person => match (value("ID"), value("MANAGER")) {
                (Some(id), Some(manager)) if !manager.is_empty() && manager == id => Some((
                    "MANAGER",
                    format!("'{id}' is the row's own ID; a manager must be someone else"),
                )),
                _ => None,
            },
            Kind::PermanencePlan => {
                let primary = value("PRIMARY");
                if let (Some(primary), Some(parallel)) = (primary, value("PARALLEL"))
                    && parallel.split(LIST_SEPARATOR).any(|p| p == primary)
                {
                    self.problem(
                        "PARALLEL",
                        format!(
                            "repeats the primary plan ({primary}); a parallel plan is a \
                             different option worked on alongside it"
                        ),
                    );
                }
                match (primary, value("CONTINGENCY")) {
                    (Some(primary), Some(contingency)) if contingency == primary => Some((
                        "CONTINGENCY",
                        format!(
                            "is the primary plan ({primary}); a contingency plan is a different \
                             option for when the primary plan fails"
                        ),
                    )),
                    _ => None,
                }
            }
            Kind::FamilyFinding => match (value("STATUS"), value("END")) {
                (Some("active"), Some(end)) if !end.is_empty() => Some((
                    "STATUS",
                    "is active but the search has an END date; give the status it ended with \
                     (matched or ended), or clear END"
                        .to_string(),
                )),
                (Some("ended"), Some("")) => Some((
                    "END",
                    "is blank but STATUS is ended; give the day the search ended".to_string(),
                )),
                _ => None,
            },
            Kind::Activity => match (value("KIND"), value("SEEN_ALONE")) {
                (Some(kind), Some(seen)) if !seen.is_empty() && kind != "visit" => Some((
                    "SEEN_ALONE",
                    format!("is given for a {kind} but applies only to visits; leave it blank"),
                )),
                _ => None,
            },
            Kind::Hearing => match (value("KIND"), value("EXTENSION_WEEKS")) {
                (Some("extension"), Some("")) => Some((
                    "EXTENSION_WEEKS",
                    "is blank but KIND is extension; give how many weeks the extension adds \
                     (1 to 8)"
                        .to_string(),
                )),
                (Some("extension"), Some("0")) => Some((
                    "EXTENSION_WEEKS",
                    "is 0; an extension adds 1 to 8 weeks".to_string(),
                )),
                (Some(kind), Some(weeks)) if kind != "extension" && !weeks.is_empty() => Some((
                    "EXTENSION_WEEKS",
                    format!(
                        "is given for a {kind} hearing but applies only to extensions; leave it \
                         blank"
                    ),
                )),
                _ => None,
            },
            Kind::StayingPut => {
                if let (Some(start), Some(end)) = (value("START"), value("END"))
                    && start.is_empty()
                    && !end.is_empty()
                {
                    self.problem(
                        "START",
                        "is blank but END is given; give the day the arrangement started"
                            .to_string(),
                    );
                }
                match (value("DECISION"), value("START")) {
                    (Some(decision), Some(start)) if decision != "agreed" && !start.is_empty() => {
                        Some((
                            "START",
                            format!(
                                "is given but the decision is {decision}; an arrangement starts \
                                 only when staying put is agreed"
                            ),
                        ))
                    }
                    _ => None,
                }
            }
            Kind::TermsOfApproval => {
                if let (Some(min), Some(max)) = (value("AGE_MIN"), value("AGE_MAX"))
                    && let (Ok(min), Ok(max)) = (min.parse::<u32>(), max.parse::<u32>())
                    && min > max
                {
                    self.problem(
                        "AGE_MIN",
                        format!(
                            "{min} is above AGE_MAX ({max}); the youngest age approved for \
                             cannot be above the oldest"
                        ),
                    );
                }
                match value("CHILDREN") {
                    Some("0") => Some((
                        "CHILDREN",
                        "is 0; a household is approved for 1 to 10 children".to_string(),
                    )),
                    _ => None,
                }
            }
            Kind::RecruitmentEnquiry => match (value("OUTCOME"), value("ENDED"), value("APPROVED"))
            {
                (Some("in_progress"), Some(ended), _) if !ended.is_empty() => Some((
                    "OUTCOME",
                    "is in_progress but the enquiry has an ENDED date; give how it ended, or \
                     clear ENDED"
                        .to_string(),
                )),
                (Some(outcome), Some(""), _) if outcome != "in_progress" => Some((
                    "ENDED",
                    format!("is blank but OUTCOME is {outcome}; give the day it ended"),
                )),
                (Some("approved"), _, Some("")) => Some((
                    "APPROVED",
                    "is blank but OUTCOME is approved; give the day of approval".to_string(),
                )),
                _ => None,
            },
            _ => None,
        };
        if let Some((column, message)) = problem {
            self.problem(column, message);
        }
    }
}

/// The rules particular to one template that [`Cells::check_row`] enforces, for the
/// documentation (keep the two together).
pub fn row_rules(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Person => &["`MANAGER` is not the row's own `ID`."],
        Kind::PermanencePlan => {
            &["`PARALLEL` does not repeat `PRIMARY`, and `CONTINGENCY` is not `PRIMARY`."]
        }
        Kind::FamilyFinding => {
            &["A search with an `END` date is not `active`; an `ended` search has an `END` date."]
        }
        Kind::Activity => &["`SEEN_ALONE` is given only for visits."],
        Kind::Hearing => &[
            "`EXTENSION_WEEKS` (1 to 8) is given for an `extension`, and only for one.",
            "`DATE` is not before the proceedings were `ISSUED`.",
        ],
        Kind::StayingPut => {
            &["`START` is given only when staying put was `agreed`; `END` only with a `START`."]
        }
        Kind::Decision => &[
            "A `SOURCE_REF` of a `supervision` decision is a session `ID` in \
             `supervision_sessions.csv`, and of a `panel` decision a panel `ID` in `panels.csv`.",
        ],
        Kind::ChallengeStep => &["`STARTED` is not before the challenge was `RAISED`."],
        Kind::TermsOfApproval => &[
            "`AGE_MIN` is not above `AGE_MAX`.",
            "`CHILDREN` is at least 1 (a blank, negative or fractional number is refused).",
        ],
        Kind::RecruitmentEnquiry => &[
            "An `in_progress` enquiry has no `ENDED` date; any other `OUTCOME` has one, and \
             an `approved` one an `APPROVED` date.",
        ],
        Kind::PreProceedingsMeeting => {
            &["`DATE` is not before the case's `LEGAL_GATEWAY_MEETING`."]
        }
        _ => &[],
    }
}

/// Records whose kind and key repeat an earlier record of the import, each pointed at
/// the first.
fn report_repeated_keys(records: &[RawRecord], problems: &mut Problems) {
    let mut first: HashMap<(Kind, String), &RawRecord> = HashMap::with_capacity(records.len());
    for record in records {
        match first.get(&(record.kind, record.key())) {
            None => {
                first.insert((record.kind, record.key()), record);
            }
            Some(original) => {
                let place = if original.file == record.file {
                    format!("line {}", original.line)
                } else {
                    format!("{} line {}", original.file, original.line)
                };
                let message = if original.joined() == record.joined() {
                    format!("duplicates {place} exactly")
                } else {
                    format!(
                        "has the same {} as {place}; a record may appear once in an import \
                         (a later import with the same {} corrects it)",
                        record.key_text(),
                        record.template().key.join(" and ")
                    )
                };
                problems.push(Problem::line(&record.file, record.line, message));
            }
        }
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<RawRecord>, Problems> {
        let mut problems = Problems::default();
        let mut normalisation = Normalisation::default();
        let records = read_bytes(
            "t.csv",
            text.as_bytes(),
            Some(Date::constant(2026, 1, 1)),
            &mut normalisation,
            &mut problems,
            &mut Vec::new(),
        );
        problems.into_result(records.map(|(_, r)| r).unwrap_or_default())
    }

    #[test]
    fn sort_keys_order_as_the_values_texts_with_dates_as_yyyy_mm_dd() {
        // The key as texts: the key columns, then every value, dates as yyyy-mm-dd.
        fn texts(record: &RawRecord) -> Vec<String> {
            let template = record.template();
            let sortable = |column: &Column, value: &str| match column.kind {
                ColumnKind::Date { .. } => parse_dmy(value)
                    .map(|d| d.to_string())
                    .unwrap_or_else(|_| value.to_string()),
                _ => value.to_string(),
            };
            let values: Vec<&str> = record.fields().collect();
            let mut key: Vec<String> = template
                .key
                .iter()
                .filter_map(|name| {
                    let index = template.position(name)?;
                    Some(sortable(&template.columns[index], values.get(index)?))
                })
                .collect();
            key.extend(
                template
                    .columns
                    .iter()
                    .zip(&values)
                    .map(|(column, value)| sortable(column, value)),
            );
            key
        }
        for date in [
            Date::constant(1, 1, 1),
            Date::constant(999, 12, 31),
            Date::constant(2024, 2, 29),
            Date::constant(9999, 12, 31),
        ] {
            assert_eq!(iso_bytes(date), date.to_string().as_bytes());
        }
        let decided = [
            "01/02/2025",
            "1/2/2025",
            "31/01/2025",
            "",
            "not a date",
            "01/02/0999",
        ];
        let mut records = Vec::new();
        for template in &TEMPLATES {
            for (i, value) in decided.iter().enumerate() {
                let fields: Vec<String> = template
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(c, column)| match column.kind {
                        ColumnKind::Date { .. } => decided[(i + c) % decided.len()].to_string(),
                        _ if c % 2 == 0 => value.to_string(),
                        _ => format!("v{}", (i * 7 + c) % 3),
                    })
                    .collect();
                records.push(RawRecord::new(template.kind, "", 0, &fields));
                records.push(RawRecord::new(
                    template.kind,
                    "",
                    0,
                    &fields[..fields.len() / 2],
                ));
            }
        }
        for a in &records {
            for b in &records {
                assert_eq!(
                    a.sort_key().cmp(&b.sort_key()),
                    texts(a).cmp(&texts(b)),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn recognises_every_template_by_its_columns_in_any_order() {
        for template in &TEMPLATES {
            let mut columns: Vec<String> = template
                .column_names()
                .iter()
                .map(|c| c.to_string())
                .collect();
            columns.reverse();
            assert_eq!(recognise(&columns), Recognition::Exact(template.kind));
        }
    }

    #[test]
    fn every_example_row_reads_back_unchanged() {
        for template in &TEMPLATES {
            let text = format!(
                "{}\n{}\n",
                template.column_names().join(","),
                template
                    .example
                    .iter()
                    .map(|v| quote(v))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            let records = read(&text).unwrap_or_else(|p| panic!("{}: {p}", template.name));
            assert_eq!(records.len(), 1);
            let values: Vec<&str> = records[0].fields().collect();
            let expected: Vec<&str> = template
                .example
                .iter()
                .zip(template.columns)
                .map(|(v, c)| match (v, c.kind) {
                    (
                        &"",
                        ColumnKind::Number {
                            blank_is_zero: true,
                            ..
                        },
                    ) => "0",
                    _ => v,
                })
                .collect();
            assert_eq!(values, expected, "{}", template.name);
        }
    }

    fn quote(value: &str) -> String {
        if value.contains(',') {
            format!("\"{value}\"")
        } else {
            value.to_string()
        }
    }

    #[test]
    fn one_row_reads_as_a_row_of_a_file_does() {
        let not_after = Some(Date::constant(2026, 1, 1));
        let record = read_row(
            Kind::PermanencePlan,
            &[
                "C1",
                "1/2/2025",
                "Review",
                "return_home",
                "adoption; connected_carers",
            ],
            "web",
            not_after,
        )
        .unwrap();
        assert_eq!(
            record.fields().collect::<Vec<_>>(),
            [
                "C1",
                "01/02/2025",
                "review",
                "return_home",
                "adoption;connected_carers",
                "",
                "",
                "",
                ""
            ]
        );
        assert_eq!((record.file.as_str(), record.line), ("web", 0));
        let problems = read_row(
            Kind::PermanencePlan,
            &["C1", "01/02/2027", "", "return_home", "return_home"],
            "web",
            not_after,
        )
        .unwrap_err();
        let columns: Vec<_> = problems.0.iter().map(|p| p.column.as_deref()).collect();
        assert_eq!(
            columns,
            [Some("DECIDED"), Some("FORUM"), Some("PARALLEL")],
            "{problems}"
        );
        // A row of blanks is refused for its required values, not passed over.
        let problems = read_row::<&str>(Kind::Person, &[], "web", not_after).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems}");
    }

    #[test]
    fn values_are_tidied_to_their_canonical_form() {
        let records = read(
            "child, Decided ,FORUM,PRIMARY,PARALLEL,CONTINGENCY,TARGET,ACHIEVED,ACHIEVED_BY\r\n\
             C1 ,1/2/2025, Review ,RETURN_HOME, Adoption ; connected_carers;,,,,\r\n",
        )
        .unwrap();
        assert_eq!(
            records[0].fields().collect::<Vec<_>>(),
            [
                "C1",
                "01/02/2025",
                "review",
                "return_home",
                "adoption;connected_carers",
                "",
                "",
                "",
                ""
            ]
        );
        assert_eq!(records[0].key(), format!("C1{FIELD_SEPARATOR}01/02/2025"));
        assert_eq!(records[0].child(), Some("C1"));
    }
}
