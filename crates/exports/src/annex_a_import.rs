//! Reading a council's own Annex A workbook (Lists 8 to 10) to bootstrap the tracker:
//! the allocated workers become allocations (and, where the staff register does not
//! know them, people and teams), and List 8's permanence plans become plan versions,
//! for children already known from the 903 return.
//!
//! 1. [`read_workbook`] opens the workbook with `calamine` (xlsx, xls or ods) and
//!    recognises each list's sheet by the headings in its first row (case-insensitive,
//!    or by the patterns councils' tools also accept), whatever the sheet is called. It
//!    checks every cell it reads: coded labels against their list, dates (date cells, or
//!    text `dd/mm/yyyy` or `yyyy-mm-dd`), whole numbers, and that each child id is in the
//!    903 data. Every problem names the sheet, the row and the column.
//! 2. [`plan_bootstrap`] turns the rows into tracker records through the tracker's own
//!    checks (`tracker::read::read_row` for each record, `tracker::plan_import` against
//!    what is stored), so the caller stores them with `Store::save_tracker_import` like
//!    any tracker import: all or nothing, audited, corrections kept.
//!
//! What a row changes, as at the workbook's date (the `as_of` given):
//! - List 8, for a child still looked after (no "Date Ceased to be Looked After"): the
//!   social worker allocation, when the tracker's current social worker is another
//!   person (the current allocation is ended on that date and a new one starts), and a
//!   permanence plan version decided that date (forum "other") when the plan in force
//!   has another label. `g) other` has no tracker option and is left out.
//! - List 9: the personal adviser allocation, likewise.
//! - List 10 is read and checked (its adoption milestones come from the 903 return).
//!
//! "Unallocated" (or "Not allocated", "Not recorded", blank) means no allocation. A
//! worker is found in the staff register by staff id or by name; a name the register
//! does not hold becomes a new person (id `AA-` and the name, role social worker or
//! personal adviser), and a team likewise, so that the allocation can name them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Sheets, XlsxError, open_workbook_auto_from_rs};
use permanence_domain::Date;
use permanence_domain::date::{format_dmy, parse_dmy};
use permanence_domain::tracker::{AllocationRole, ChildTracker, Organisation};
use permanence_ssda903::Problems;
use permanence_tracker::read::read_row;
use permanence_tracker::{Change, Kind, RawRecord, build_tracker, plan_import};

use crate::format::{
    self, LIST_8, LIST_9, LISTS, List, Value, ValueKind, canonical_label, comparable,
    pattern_matches,
};

/// One problem in a workbook, located by sheet, row and column where it has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbookProblem {
    /// The sheet's name.
    pub sheet: Option<String>,
    /// The row, counted from 1 as the spreadsheet shows it.
    pub row: Option<u32>,
    /// The column: its letter and heading, `AH (Allocated Worker)`.
    pub column: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for WorkbookProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = Vec::new();
        if let Some(sheet) = &self.sheet {
            place.push(format!("sheet '{sheet}'"));
        }
        if let Some(row) = self.row {
            place.push(format!("row {row}"));
        }
        if let Some(column) = &self.column {
            place.push(format!("column {column}"));
        }
        if place.is_empty() {
            write!(f, "the workbook: {}", self.message)
        } else {
            write!(f, "{}: {}", place.join(", "), self.message)
        }
    }
}

/// Every problem found in a workbook, in sheet, row and column order.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct WorkbookProblems(pub Vec<WorkbookProblem>);

impl WorkbookProblems {
    fn push(
        &mut self,
        sheet: Option<&str>,
        row: Option<u32>,
        column: Option<String>,
        message: impl Into<String>,
    ) {
        self.0.push(WorkbookProblem {
            sheet: sheet.map(String::from),
            row,
            column,
            message: message.into(),
        });
    }

    fn into_result<T>(mut self, value: T) -> Result<T, WorkbookProblems> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            self.0.sort_by(|a, b| {
                (&a.sheet, a.row, &a.column, &a.message)
                    .cmp(&(&b.sheet, b.row, &b.column, &b.message))
            });
            self.0.dedup();
            Err(self)
        }
    }
}

impl fmt::Display for WorkbookProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        writeln!(
            f,
            "{count} problem{} found:",
            if count == 1 { "" } else { "s" }
        )?;
        for problem in &self.0 {
            writeln!(f, "  {problem}")?;
        }
        Ok(())
    }
}

/// One row of a list as read: its values in the list's column order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadRow {
    /// The row in the sheet, counted from 1.
    pub row: u32,
    /// A value per column of the list, in the list's order.
    pub values: Vec<Value>,
}

/// One list as read from its sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadList {
    /// The list.
    pub list: &'static List,
    /// The sheet it was on.
    pub sheet: String,
    /// The sheet's column (letter and heading) of each of the list's columns.
    pub columns: Vec<String>,
    /// Its rows, in sheet order (blank rows left out).
    pub rows: Vec<ReadRow>,
}

impl ReadList {
    /// The value of `column` in `row`.
    pub fn value<'a>(&self, row: &'a ReadRow, column: &str) -> &'a Value {
        &row.values[self.list.position(column).expect("a column of the list")]
    }

    fn column(&self, name: &str) -> String {
        self.columns[self.list.position(name).expect("a column of the list")].clone()
    }
}

/// Lists 8, 9 and 10 as read from a workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexAWorkbook {
    /// The lists, in order 8, 9, 10.
    pub lists: Vec<ReadList>,
}

impl AnnexAWorkbook {
    /// List `number`.
    pub fn list(&self, number: u8) -> Option<&ReadList> {
        self.lists.iter().find(|l| l.list.number == number)
    }
}

/// The spreadsheet letters of a column counted from 0: 0 → `A`, 26 → `AA`.
pub fn column_letters(index: u32) -> String {
    let mut n = u64::from(index) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// A cell as text: numbers without a fractional part as whole numbers (a child id typed
/// as a number), dates as `dd/mm/yyyy`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.trim().to_string(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(_) | Data::DateTimeIso(_) => cell_date(cell)
            .ok()
            .flatten()
            .map(format_dmy)
            .unwrap_or_default(),
        Data::DurationIso(text) => text.clone(),
        Data::Error(error) => format!("#{error:?}"),
    }
}

/// A date cell: an Excel date, or text `dd/mm/yyyy` or `yyyy-mm-dd`. `Ok(None)` when
/// empty; `Err` with what was found otherwise.
fn cell_date(cell: &Data) -> Result<Option<Date>, String> {
    let iso = |text: &str| -> Option<Date> {
        let day = text.get(..10)?;
        let b = day.as_bytes();
        (b[4] == b'-' && b[7] == b'-')
            .then(|| day.parse().ok())
            .flatten()
    };
    match cell {
        Data::Empty => Ok(None),
        Data::DateTime(excel) if !excel.is_duration() => {
            let (year, month, day, ..) = excel.to_ymd_hms_milli();
            Date::new(year as i16, month as i8, day as i8)
                .map(Some)
                .map_err(|_| format!("the date cell holds no real date ({})", excel.as_f64()))
        }
        Data::DateTimeIso(text) => iso(text)
            .map(Some)
            .ok_or_else(|| format!("'{text}' is not a date")),
        Data::String(text) if text.trim().is_empty() => Ok(None),
        Data::String(text) => {
            let text = text.trim();
            parse_dmy(text)
                .ok()
                .or_else(|| iso(text).filter(|_| text.len() == 10))
                .map(Some)
                .ok_or_else(|| format!("'{text}' is not a date; expected dd/mm/yyyy"))
        }
        Data::Int(_) | Data::Float(_) => Err(format!(
            "'{}' is a number, not a date; format the column as dates (dd/mm/yyyy)",
            cell_text(cell)
        )),
        other => Err(format!(
            "'{}' is not a date; expected dd/mm/yyyy",
            cell_text(other)
        )),
    }
}

/// Which of the list's columns each heading is: the sheet column of each list column.
fn match_headings(list: &List, headings: &[(u32, String)]) -> Vec<Option<u32>> {
    let mut used = vec![false; headings.len()];
    let mut found = vec![None; list.columns.len()];
    for (i, column) in list.columns.iter().enumerate() {
        let name = comparable(column.name);
        if let Some(h) =
            (0..headings.len()).find(|&h| !used[h] && comparable(&headings[h].1) == name)
        {
            used[h] = true;
            found[i] = Some(headings[h].0);
        }
    }
    for (i, column) in list.columns.iter().enumerate() {
        let (None, Some(pattern)) = (found[i], column.also_matched_by) else {
            continue;
        };
        if let Some(h) =
            (0..headings.len()).find(|&h| !used[h] && pattern_matches(pattern, &headings[h].1))
        {
            used[h] = true;
            found[i] = Some(headings[h].0);
        }
    }
    found
}

/// One sheet of a workbook: its name and its non-empty cells by (row, column) counted
/// from 0, or why they cannot be read.
struct Sheet {
    name: String,
    cells: Result<BTreeMap<(u32, u32), Data>, String>,
}

/// Reads every sheet of a workbook, or says why the file is no workbook.
///
/// An xlsx sheet's cells are read one by one and kept sparse: a sheet is as big as the
/// cells it holds, not as the rectangle they span (calamine's ranges allocate that
/// rectangle, so one cell in A1 and one in XFD1048576 asked for 17 billion cells and
/// the import died for want of memory). Other formats go through calamine's ranges.
/// The reader is guarded: calamine failing on a damaged file (it panics on some, as on
/// a cell reference too long for its column number in builds with overflow checks)
/// refuses the file instead of ending the import.
fn read_sheets(bytes: &[u8]) -> Result<Vec<Sheet>, String> {
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_sheets_unguarded(bytes)
    }));
    read.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(format!(
            "cannot be read as a spreadsheet (xlsx, xls or ods): the spreadsheet reader failed \
             on it ({why}); the file is damaged or is not a workbook"
        ))
    })
}

fn read_sheets_unguarded(bytes: &[u8]) -> Result<Vec<Sheet>, String> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|error| format!("cannot be read as a spreadsheet (xlsx, xls or ods): {error}"))?;
    let Sheets::Xlsx(xlsx) = &mut workbook else {
        return Ok(workbook
            .worksheets()
            .into_iter()
            .map(|(name, range)| {
                let (top, left) = range.start().unwrap_or_default();
                let cells = range
                    .used_cells()
                    .map(|(r, c, cell)| ((top + r as u32, left + c as u32), cell.clone()))
                    .collect();
                Sheet {
                    name,
                    cells: Ok(cells),
                }
            })
            .collect());
    };
    let mut sheets = Vec::new();
    for name in xlsx.sheet_names() {
        let mut reader = match xlsx.worksheet_cells_reader(&name) {
            Ok(reader) => reader,
            // A chart sheet: no cells.
            Err(XlsxError::NotAWorksheet(_)) => continue,
            Err(error) => {
                sheets.push(Sheet {
                    name,
                    cells: Err(format!(
                        "the sheet cannot be read ({error}); is the file damaged?"
                    )),
                });
                continue;
            }
        };
        let mut cells = BTreeMap::new();
        let cells = loop {
            match reader.next_cell() {
                Ok(Some(cell)) => {
                    if !matches!(cell.get_value(), DataRef::Empty) {
                        cells.insert(cell.get_position(), Data::from(cell.get_value().clone()));
                    }
                }
                Ok(None) => break Ok(cells),
                Err(error) => {
                    break Err(format!(
                        "the sheet cannot be read ({error}); is the file damaged?"
                    ));
                }
            }
        };
        sheets.push(Sheet { name, cells });
    }
    Ok(sheets)
}

/// Reads Lists 8, 9 and 10 from a workbook's bytes, checking every cell and that every
/// child is in `children` (the 903 data). All three lists must be there; other sheets
/// (a cover sheet, Lists 1 to 7 or 11) are passed over.
pub fn read_workbook(
    bytes: &[u8],
    children: &BTreeSet<String>,
) -> Result<AnnexAWorkbook, WorkbookProblems> {
    let mut problems = WorkbookProblems::default();
    let sheets = match read_sheets(bytes) {
        Ok(sheets) => sheets,
        Err(message) => {
            problems.push(None, None, None, message);
            return problems.into_result(AnnexAWorkbook { lists: Vec::new() });
        }
    };
    let names: Vec<String> = sheets.iter().map(|sheet| sheet.name.clone()).collect();
    let mut found: BTreeMap<u8, Vec<ReadList>> = BTreeMap::new();
    let mut near: BTreeSet<u8> = BTreeSet::new();
    for sheet in &sheets {
        let name = &sheet.name;
        let cells = match &sheet.cells {
            Ok(cells) => cells,
            Err(message) => {
                problems.push(Some(name), None, None, message.clone());
                continue;
            }
        };
        // The rows' non-empty cells, in order: (row, [(column, cell)]), counted from 0.
        let mut by_row: Vec<(u32, Vec<(u32, &Data)>)> = Vec::new();
        for (&(row, column), cell) in cells {
            match by_row.last_mut() {
                Some((last, row_cells)) if *last == row => row_cells.push((column, cell)),
                _ => by_row.push((row, vec![(column, cell)])),
            }
        }
        // The heading row: the first row with anything in it.
        let Some(heading_index) = by_row.iter().position(|(_, row_cells)| {
            row_cells
                .iter()
                .any(|(_, cell)| !cell_text(cell).is_empty())
        }) else {
            continue;
        };
        let (heading_row, heading_cells) = &by_row[heading_index];
        let heading_row = *heading_row;
        let headings: Vec<(u32, String)> = heading_cells
            .iter()
            .map(|(column, cell)| (*column, cell_text(cell)))
            .filter(|(_, text)| !text.is_empty())
            .collect();
        let sheet_row = |r: u32| r.saturating_add(1);
        // The list whose columns the headings hold best.
        let best = LISTS
            .iter()
            .map(|list| (*list, match_headings(list, &headings)))
            .max_by(|(a, a_found), (b, b_found)| {
                let score = |list: &List, found: &[Option<u32>]| {
                    (found.iter().filter(|f| f.is_some()).count() * 1000) / list.columns.len()
                };
                score(a, a_found)
                    .cmp(&score(b, b_found))
                    .then(a.columns.len().cmp(&b.columns.len()))
            })
            .expect("there are lists");
        let (list, columns) = best;
        let matched = columns.iter().filter(|c| c.is_some()).count();
        if matched < list.columns.len() {
            if matched * 2 > list.columns.len() && matched >= 3 {
                near.insert(list.number);
                let used: BTreeSet<u32> = columns.iter().flatten().copied().collect();
                for (column, _) in list
                    .columns
                    .iter()
                    .zip(&columns)
                    .filter(|(_, f)| f.is_none())
                {
                    problems.push(
                        Some(name),
                        Some(sheet_row(heading_row)),
                        None,
                        format!(
                            "the sheet's headings are {}'s ({}), but none is '{}'{}: a column \
                             is missing or its heading has been changed",
                            list.sheet,
                            list.title.to_lowercase(),
                            column.name,
                            column
                                .also_matched_by
                                .map(|p| format!(" (nor matches /{p}/i)"))
                                .unwrap_or_default()
                        ),
                    );
                }
                for (index, heading) in headings.iter().filter(|(c, _)| !used.contains(c)) {
                    problems.push(
                        Some(name),
                        Some(sheet_row(heading_row)),
                        Some(column_letters(*index)),
                        format!(
                            "the heading '{heading}' is not one of {}'s headings",
                            list.sheet
                        ),
                    );
                }
            }
            continue;
        }
        let columns: Vec<u32> = columns
            .into_iter()
            .map(|c| c.expect("all matched"))
            .collect();
        let labels: Vec<String> = list
            .columns
            .iter()
            .zip(&columns)
            .map(|(column, index)| format!("{} ({})", column_letters(*index), column.name))
            .collect();
        let mut rows = Vec::new();
        for (r, row_cells) in &by_row[heading_index + 1..] {
            let cell = |index: u32| {
                row_cells
                    .binary_search_by_key(&index, |(column, _)| *column)
                    .ok()
                    .map(|i| row_cells[i].1)
            };
            if columns
                .iter()
                .all(|index| cell(*index).is_none_or(|c| cell_text(c).is_empty()))
            {
                continue;
            }
            let row = sheet_row(*r);
            let mut values = Vec::with_capacity(list.columns.len());
            for ((column, index), label) in list.columns.iter().zip(&columns).zip(&labels) {
                let data = cell(*index).cloned().unwrap_or(Data::Empty);
                let mut problem = |message: String| {
                    problems.push(Some(name), Some(row), Some(label.clone()), message);
                };
                let value = match column.kind {
                    ValueKind::Date => match cell_date(&data) {
                        Ok(date) => Value::date(date),
                        Err(message) => {
                            problem(message);
                            Value::Blank
                        }
                    },
                    ValueKind::Integer => {
                        let text = cell_text(&data);
                        if text.is_empty() {
                            Value::Blank
                        } else if let Ok(n) = text.parse::<i64>() {
                            Value::Integer(n)
                        } else {
                            problem(format!("'{text}' is not a whole number"));
                            Value::Blank
                        }
                    }
                    ValueKind::Text => {
                        let text = cell_text(&data);
                        match (column.codes, text.is_empty()) {
                            (_, true) => Value::Blank,
                            (Some(codes), false) => match canonical_label(codes, &text) {
                                Some(label) => Value::Text(label.to_string()),
                                None => {
                                    problem(format!(
                                        "'{text}' is not one of the labels of '{}'; expected \
                                         one of: {}",
                                        column.name,
                                        codes.join("; ")
                                    ));
                                    Value::Blank
                                }
                            },
                            (None, false) => Value::Text(text),
                        }
                    }
                };
                values.push(value);
            }
            let child = values[0].to_text();
            if child.is_empty() {
                problems.push(
                    Some(name),
                    Some(row),
                    Some(labels[0].clone()),
                    "the child's id is blank; every row needs the child's 903 CHILD id",
                );
            } else if !children.contains(&child) {
                problems.push(
                    Some(name),
                    Some(row),
                    Some(labels[0].clone()),
                    if children.is_empty() {
                        format!(
                            "child '{child}' is not in the 903 data: the database holds no 903 \
                             return yet; import the 903 return first (permanence import 903 PATH)"
                        )
                    } else {
                        format!(
                            "child '{child}' is not in the 903 data held in the database; check \
                             the id, or import the 903 return that holds the child first"
                        )
                    },
                );
            }
            rows.push(ReadRow { row, values });
        }
        found.entry(list.number).or_default().push(ReadList {
            list,
            sheet: name.clone(),
            columns: labels,
            rows,
        });
    }
    let mut lists = Vec::new();
    for list in LISTS {
        match found.remove(&list.number) {
            Some(mut read) if read.len() == 1 => lists.push(read.remove(0)),
            Some(read) => problems.push(
                Some(&read[1].sheet),
                None,
                None,
                format!(
                    "sheets {} all hold {} ({}); keep one",
                    read.iter()
                        .map(|r| format!("'{}'", r.sheet))
                        .collect::<Vec<_>>()
                        .join(" and "),
                    list.sheet,
                    list.title.to_lowercase()
                ),
            ),
            None if near.contains(&list.number) => {}
            None => problems.push(
                None,
                None,
                None,
                format!(
                    "no sheet holds {} ({}): a list's sheet is recognised by the headings in its \
                     first row, which must include {}; the workbook's sheets are {}",
                    list.sheet,
                    list.title.to_lowercase(),
                    list.columns
                        .iter()
                        .map(|c| format!("'{}'", c.name))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names
                            .iter()
                            .map(|n| format!("'{n}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            ),
        }
    }
    problems.into_result(AnnexAWorkbook { lists })
}

/// What a bootstrap does, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BootstrapCounts {
    /// People added to the staff register (workers the register did not know).
    pub people_added: usize,
    /// Teams added.
    pub teams_added: usize,
    /// Social worker allocations added (List 8).
    pub social_workers: usize,
    /// Personal adviser allocations added (List 9).
    pub personal_advisers: usize,
    /// Current allocations ended because the workbook names someone else.
    pub allocations_ended: usize,
    /// Permanence plan versions added.
    pub plans: usize,
    /// Rows whose worker or plan the tracker already holds.
    pub already_recorded: usize,
    /// Rows naming no worker ("Unallocated" or blank).
    pub unallocated: usize,
    /// List 8 rows whose plan is blank or `g) other` (no tracker option).
    pub plans_left_out: usize,
    /// List 8 rows of children no longer looked after (a date ceased is given).
    pub ceased: usize,
    /// Rows passed over because the tracker holds a later allocation or plan.
    pub later_in_tracker: usize,
}

/// What importing a workbook would store: the records in order (people and teams
/// first) and what each does, with the counts.
#[derive(Debug, Clone)]
pub struct Bootstrap {
    /// The lists read.
    pub workbook: AnnexAWorkbook,
    /// The tracker records to store.
    pub records: Vec<RawRecord>,
    /// What each record does (new, a correction, unchanged), in the same order.
    pub changes: Vec<Change>,
    /// The counts.
    pub counts: BootstrapCounts,
}

/// Staff and teams found or added while planning.
struct Register<'a> {
    organisation: &'a Organisation,
    people: Vec<RawRecord>,
    teams: Vec<RawRecord>,
    added_people: HashMap<String, String>,
    added_teams: HashMap<String, String>,
    ids: BTreeSet<String>,
}

/// The words that mean no one is allocated.
fn unallocated(text: &str) -> bool {
    matches!(
        comparable(text).as_str(),
        "" | "unallocated" | "not allocated" | "not recorded" | "none"
    )
}

/// An id made from a name: `AA-` and its letters and digits in capitals, words joined by
/// `-`, unique among `taken`.
fn id_from(name: &str, taken: &BTreeSet<String>) -> String {
    let slug: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_uppercase())
        .collect();
    let base = format!("AA-{}", slug.join("-"));
    let base = if slug.is_empty() {
        "AA-STAFF".to_string()
    } else {
        base
    };
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

impl Register<'_> {
    /// The id of the team named `text` (by id or name), adding it when the register does
    /// not hold it; `None` for "Unallocated".
    fn team(&mut self, text: &str, source: &str, row: u32) -> Option<String> {
        if unallocated(text) {
            return None;
        }
        let key = comparable(text);
        if let Some(team) = self
            .organisation
            .teams
            .iter()
            .find(|t| comparable(&t.id) == key || comparable(&t.name) == key)
        {
            return Some(team.id.clone());
        }
        if let Some(id) = self.added_teams.get(&key) {
            return Some(id.clone());
        }
        let id = id_from(text, &self.ids);
        self.ids.insert(id.clone());
        self.added_teams.insert(key, id.clone());
        self.teams.push(RawRecord::new(
            Kind::Team,
            source,
            u64::from(row),
            &[id.as_str(), text.trim(), "", ""],
        ));
        Some(id)
    }

    /// The staff id of the worker named `text` (by id or name), adding them when the
    /// register does not hold them; `Ok(None)` for "Unallocated". When several people
    /// have the name, the one `current`ly allocated to the child, or else the only one
    /// in `team`; `Err` when that does not decide.
    fn person(
        &mut self,
        text: &str,
        role: &str,
        team: Option<&str>,
        current: Option<&str>,
        source: &str,
        row: u32,
    ) -> Result<Option<String>, String> {
        if unallocated(text) {
            return Ok(None);
        }
        let key = comparable(text);
        if let Some(person) = self
            .organisation
            .people
            .iter()
            .find(|p| comparable(&p.id) == key)
        {
            return Ok(Some(person.id.clone()));
        }
        let named: Vec<&str> = self
            .organisation
            .people
            .iter()
            .filter(|p| comparable(&p.name) == key)
            .map(|p| p.id.as_str())
            .collect();
        // Namesakes: the one already allocated to the child, or else the one in the team.
        let chosen = match named.as_slice() {
            [one] => Some(*one),
            [] => None,
            several => several
                .iter()
                .copied()
                .find(|id| current == Some(*id))
                .or_else(|| {
                    let in_team: Vec<&str> = several
                        .iter()
                        .copied()
                        .filter(|id| {
                            team.is_some()
                                && self.organisation.person(id).and_then(|p| p.team.as_deref())
                                    == team
                        })
                        .collect();
                    (in_team.len() == 1).then(|| in_team[0])
                }),
        };
        if let Some(id) = chosen {
            return Ok(Some(id.to_string()));
        }
        match named.as_slice() {
            [] => {}
            several => {
                return Err(format!(
                    "{} people in the staff register are called '{}' ({}): write the staff id \
                     of the one allocated instead",
                    several.len(),
                    text.trim(),
                    several.join(", ")
                ));
            }
        }
        if let Some(id) = self.added_people.get(&key) {
            return Ok(Some(id.clone()));
        }
        let id = id_from(text, &self.ids);
        self.ids.insert(id.clone());
        self.added_people.insert(key, id.clone());
        self.people.push(RawRecord::new(
            Kind::Person,
            source,
            u64::from(row),
            &[
                id.as_str(),
                text.trim(),
                role,
                team.unwrap_or(""),
                "",
                "",
                "",
            ],
        ));
        Ok(Some(id))
    }
}

/// Plans the tracker records a workbook bootstraps, as at `as_of` (the workbook's date:
/// allocations start and plans are decided then), checked as a tracker import is
/// (`today` is the import's day: nothing may be dated after it). `source` names the
/// workbook in the records and in problems. `stored` are the current tracker records,
/// `children` the children in the 903 data.
pub fn plan_bootstrap(
    workbook: AnnexAWorkbook,
    source: &str,
    as_of: Date,
    today: Date,
    stored: &[RawRecord],
    children: &BTreeSet<String>,
) -> Result<Bootstrap, WorkbookProblems> {
    let mut problems = WorkbookProblems::default();
    if as_of > today {
        problems.push(
            None,
            None,
            None,
            format!(
                "the workbook's date {} is after today ({}): allocations and plans cannot \
                 start in the future",
                format_dmy(as_of),
                format_dmy(today)
            ),
        );
        return Err(problems);
    }
    let (organisation, trackers) = build_tracker(stored).map_err(|p| {
        let mut problems = WorkbookProblems::default();
        problems.push(
            None,
            None,
            None,
            format!("the stored tracker records do not read: {p}"),
        );
        problems
    })?;
    let empty = ChildTracker::default();
    let mut register = Register {
        organisation: &organisation,
        people: Vec::new(),
        teams: Vec::new(),
        added_people: HashMap::new(),
        added_teams: HashMap::new(),
        ids: organisation
            .people
            .iter()
            .map(|p| p.id.clone())
            .chain(organisation.teams.iter().map(|t| t.id.clone()))
            .collect(),
    };
    let mut counts = BootstrapCounts::default();
    let mut records: Vec<RawRecord> = Vec::new();
    // Where each record came from, to locate the tracker's own problems.
    let mut origins: Vec<(String, u32, String)> = Vec::new();
    let as_of_text = format_dmy(as_of);

    let lists = [
        (&LIST_8, AllocationRole::SocialWorker, "social_worker"),
        (&LIST_9, AllocationRole::PersonalAdviser, "personal_adviser"),
    ];
    for (list, role, role_code) in lists {
        let Some(read) = workbook.list(list.number) else {
            continue;
        };
        let file = format!("{source}, sheet '{}'", read.sheet);
        // One row per child: the last, or on List 8 the last of a child still in care.
        let mut by_child: BTreeMap<String, &ReadRow> = BTreeMap::new();
        for row in &read.rows {
            if list.number == 8 && !read.value(row, "Date Ceased to be Looked After").is_blank() {
                counts.ceased += 1;
                continue;
            }
            by_child.insert(read.value(row, "Child Unique ID").to_text(), row);
        }
        for (child, row) in by_child {
            let tracker = trackers.get(&child).unwrap_or(&empty);
            let team_text = read.value(row, "Allocated Team").to_text();
            let worker_text = read.value(row, "Allocated Worker").to_text();
            let team = register.team(&team_text, &file, row.row);
            let current = tracker.allocated_on(role, as_of).map(|a| a.person.as_str());
            let worker = match register.person(
                &worker_text,
                role_code,
                team.as_deref(),
                current,
                &file,
                row.row,
            ) {
                Ok(worker) => worker,
                Err(message) => {
                    problems.push(
                        Some(&read.sheet),
                        Some(row.row),
                        Some(read.column("Allocated Worker")),
                        message,
                    );
                    continue;
                }
            };
            let origin = (read.sheet.clone(), row.row, read.column("Allocated Worker"));
            match worker {
                None => counts.unallocated += 1,
                Some(worker) => {
                    let later = tracker
                        .allocations
                        .iter()
                        .any(|a| a.role == role && a.start > as_of);
                    // List 9 names the social worker of a care leaver with no personal
                    // adviser (as the export writes it).
                    let carried_by_social_worker = role == AllocationRole::PersonalAdviser
                        && tracker.allocated_on(role, as_of).is_none()
                        && tracker
                            .allocated_on(AllocationRole::SocialWorker, as_of)
                            .is_some_and(|a| a.person == worker);
                    match tracker.allocated_on(role, as_of) {
                        _ if later => counts.later_in_tracker += 1,
                        _ if carried_by_social_worker => counts.already_recorded += 1,
                        Some(current) if current.person == worker => counts.already_recorded += 1,
                        current => {
                            if let Some(current) = current.filter(|c| c.start < as_of) {
                                let start = format_dmy(current.start);
                                records.push(RawRecord::new(
                                    Kind::Allocation,
                                    &file,
                                    u64::from(row.row),
                                    &[
                                        child.as_str(),
                                        role_code,
                                        current.person.as_str(),
                                        current.team.as_deref().unwrap_or(""),
                                        start.as_str(),
                                        as_of_text.as_str(),
                                    ],
                                ));
                                origins.push(origin.clone());
                                counts.allocations_ended += 1;
                            }
                            records.push(RawRecord::new(
                                Kind::Allocation,
                                &file,
                                u64::from(row.row),
                                &[
                                    child.as_str(),
                                    role_code,
                                    worker.as_str(),
                                    team.as_deref().unwrap_or(""),
                                    as_of_text.as_str(),
                                    "",
                                ],
                            ));
                            origins.push(origin);
                            match role {
                                AllocationRole::PersonalAdviser => counts.personal_advisers += 1,
                                _ => counts.social_workers += 1,
                            }
                        }
                    }
                }
            }
            if list.number != 8 {
                continue;
            }
            let plan = read
                .value(row, "What is the permanence plan for this child?")
                .to_text();
            let Some(option) = format::permanence_option(&plan) else {
                counts.plans_left_out += 1;
                continue;
            };
            let in_force = tracker.plan_on(as_of);
            if tracker.plans.iter().any(|p| p.decided > as_of) {
                counts.later_in_tracker += 1;
            } else if in_force.is_some_and(|p| format::permanence_plan(p.primary) == plan) {
                counts.already_recorded += 1;
            } else {
                records.push(RawRecord::new(
                    Kind::PermanencePlan,
                    &file,
                    u64::from(row.row),
                    &[
                        child.as_str(),
                        as_of_text.as_str(),
                        "other",
                        option.code(),
                        "",
                        "",
                        "",
                        "",
                        "",
                    ],
                ));
                origins.push((
                    read.sheet.clone(),
                    row.row,
                    read.column("What is the permanence plan for this child?"),
                ));
                counts.plans += 1;
            }
        }
    }
    counts.people_added = register.people.len();
    counts.teams_added = register.teams.len();
    let mut all: Vec<RawRecord> = Vec::new();
    let mut all_origins = Vec::new();
    for record in register.teams.iter().chain(&register.people) {
        all.push(record.clone());
        let sheet = record
            .file
            .rsplit_once("sheet '")
            .map(|(_, s)| s.trim_end_matches('\'').to_string())
            .unwrap_or_default();
        let column = if record.kind == Kind::Team {
            "Allocated Team"
        } else {
            "Allocated Worker"
        };
        all_origins.push((sheet, record.line as u32, column.to_string()));
    }
    all.extend(records);
    all_origins.extend(origins);

    // Every record gets exactly the checks a tracker file's row gets.
    let mut checked = Vec::with_capacity(all.len());
    for (record, (sheet, row, column)) in all.iter().zip(&all_origins) {
        let values: Vec<&str> = record.fields().collect();
        match read_row(record.kind, &values, &record.file, Some(today)) {
            Ok(read) => checked.push(RawRecord::from_joined(
                read.kind,
                &record.file,
                record.line,
                read.joined().to_string(),
            )),
            Err(found) => {
                for problem in found.0 {
                    problems.push(
                        Some(sheet),
                        Some(*row),
                        Some(column.clone()),
                        format!(
                            "the {} record made from this row is refused: {}: {}",
                            record.kind.name().replace('_', " "),
                            problem.column.unwrap_or_default(),
                            problem.message
                        ),
                    );
                }
            }
        }
    }
    if !problems.0.is_empty() {
        return Err(problems.into_result(()).unwrap_err());
    }
    let changes = plan_import(&checked, stored, children).map_err(|found: Problems| {
        let mut problems = WorkbookProblems::default();
        for problem in found.0 {
            problems.push(
                None,
                problem.line.map(|l| l as u32),
                problem.column.clone(),
                format!("{}: {}", problem.file, problem.message),
            );
        }
        problems
    })?;
    Ok(Bootstrap {
        workbook,
        records: checked,
        changes,
        counts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_count_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(33), "AH");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        // The last column calamine can number (a wrapped one, in a damaged workbook).
        assert_eq!(column_letters(u32::MAX), "MWLQKWV");
    }

    #[test]
    fn ids_made_from_names_are_unique() {
        let mut taken = BTreeSet::new();
        let id = id_from("Sam O'Kafor", &taken);
        assert_eq!(id, "AA-SAM-O-KAFOR");
        taken.insert(id);
        assert_eq!(id_from("sam o kafor", &taken), "AA-SAM-O-KAFOR-2");
    }

    /// A workbook of the three lists' headings (each on its own sheet), and `extra`
    /// written to List 8.
    fn headings_workbook(extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        for list in LISTS {
            let sheet = workbook.add_worksheet();
            sheet.set_name(list.sheet).unwrap();
            for (i, column) in list.columns.iter().enumerate() {
                sheet.write_string(0, i as u16, column.name).unwrap();
            }
        }
        extra(workbook.worksheet_from_name(LIST_8.sheet).unwrap());
        workbook.save_to_buffer().unwrap()
    }

    #[test]
    fn a_cell_far_from_the_others_costs_no_more_than_one_cell() {
        // Found following the fuzzer's first crash (fuzz/README.md): calamine's range of
        // this sheet spans A1 to XFD1048576, and allocating it (17 billion cells, 512 GiB)
        // ended the import with "memory allocation failed", even in release builds.
        let bytes = headings_workbook(|sheet| {
            sheet.write_string(1_048_575, 16_383, "far away").unwrap();
        });
        let workbook = read_workbook(&bytes, &BTreeSet::new()).unwrap();
        assert_eq!(workbook.lists.len(), 3);
        assert!(workbook.lists.iter().all(|list| list.rows.is_empty()));

        // A row far down is read, with its row number.
        let bytes = headings_workbook(|sheet| {
            sheet.write_string(1_048_575, 0, "C1").unwrap();
        });
        let problems = read_workbook(&bytes, &BTreeSet::new()).unwrap_err();
        assert!(
            problems
                .0
                .iter()
                .any(|p| p.row == Some(1_048_576) && p.message.contains("child 'C1'")),
            "{problems}"
        );
    }

    /// A zip file of `parts`, stored uncompressed (a workbook no spreadsheet program
    /// would write, as fuzzing makes them).
    fn stored_zip(parts: &[(&str, &str)]) -> Vec<u8> {
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = !0u32;
            for &byte in bytes {
                crc ^= u32::from(byte);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        let mut zip = Vec::new();
        let mut central = Vec::new();
        for (name, content) in parts {
            let (name, content) = (name.as_bytes(), content.as_bytes());
            let offset = zip.len() as u32;
            let header = |signature: u32, central: bool| {
                let mut h = signature.to_le_bytes().to_vec();
                if central {
                    h.extend(20u16.to_le_bytes()); // made by
                }
                h.extend(20u16.to_le_bytes()); // needed to extract
                h.extend([0; 6]); // flags, method (stored), time
                h.extend(33u16.to_le_bytes()); // date: 1 January 1980
                h.extend(crc32(content).to_le_bytes());
                h.extend((content.len() as u32).to_le_bytes());
                h.extend((content.len() as u32).to_le_bytes());
                h.extend((name.len() as u16).to_le_bytes());
                h.extend([0; 2]); // extra field
                if central {
                    h.extend([0; 6]); // comment, disk, internal attributes
                    h.extend([0; 4]); // external attributes
                    h.extend(offset.to_le_bytes());
                }
                h.extend(name);
                h
            };
            zip.extend(header(0x0403_4b50, false));
            zip.extend(content);
            central.extend(header(0x0201_4b50, true));
        }
        let (start, size) = (zip.len() as u32, central.len() as u32);
        zip.extend(central);
        zip.extend(0x0605_4b50u32.to_le_bytes());
        zip.extend([0; 4]); // disks
        zip.extend((parts.len() as u16).to_le_bytes());
        zip.extend((parts.len() as u16).to_le_bytes());
        zip.extend(size.to_le_bytes());
        zip.extend(start.to_le_bytes());
        zip.extend([0; 2]); // comment
        zip
    }

    /// A workbook of one sheet holding `cells` (`<c>` elements).
    fn one_sheet_workbook(cells: &str) -> Vec<u8> {
        const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        const RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let workbook = format!(
            r#"<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="List 8" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        );
        const PACKAGE: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
        let package = format!(
            r#"<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        );
        let rels = format!(
            r#"<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
        );
        let sheet = format!(
            r#"<worksheet xmlns="{MAIN}"><sheetData><row r="1">{cells}</row></sheetData></worksheet>"#
        );
        stored_zip(&[
            ("_rels/.rels", &package),
            ("xl/workbook.xml", &workbook),
            ("xl/_rels/workbook.xml.rels", &rels),
            ("xl/worksheets/sheet1.xml", &sheet),
        ])
    }

    #[test]
    fn a_cell_reference_too_long_for_a_column_number_is_refused() {
        // Found by fuzzing (fuzz/README.md): calamine reads the column of "AAAAAAAAAAAAA1"
        // (13 letters) into a u32 that overflows, which panics where overflow is checked
        // (debug builds and tests) and wraps to a column billions wide otherwise.
        let good =
            one_sheet_workbook(r#"<c r="A1" t="inlineStr"><is><t>Child Unique ID</t></is></c>"#);
        let problems = read_workbook(&good, &BTreeSet::new()).unwrap_err();
        assert!(
            problems
                .0
                .iter()
                .all(|p| p.message.starts_with("no sheet holds")),
            "the workbook reads: {problems}"
        );
        for reference in ["AAAAAAAAAAAAA1", "ZZZZZZZZZZZZZZZZZZZZ1", "A99999999999"] {
            let bad = one_sheet_workbook(&format!(
                r#"<c r="A1" t="inlineStr"><is><t>Child Unique ID</t></is></c><c r="{reference}" t="inlineStr"><is><t>x</t></is></c>"#
            ));
            // Refused: as unreadable where calamine panics (overflow checked, as in
            // tests); where it wraps, the sheet holds no list (and costs two cells).
            let problems = read_workbook(&bad, &BTreeSet::new()).unwrap_err();
            if cfg!(debug_assertions) {
                assert!(
                    problems.0.iter().any(|p| p.message.contains(
                        "the spreadsheet reader failed on it (attempt to multiply with overflow)"
                    ) || p
                        .message
                        .contains("(attempt to add with overflow)")),
                    "{reference}: {problems}"
                );
            }
            assert!(
                problems
                    .0
                    .iter()
                    .all(|p| p.message.contains("cannot be read")
                        || p.message.starts_with("no sheet holds")),
                "{reference}: {problems}"
            );
        }
    }

    #[test]
    fn unallocated_words() {
        for text in ["", " Unallocated ", "NOT ALLOCATED", "Not recorded"] {
            assert!(unallocated(text), "{text}");
        }
        assert!(!unallocated("Sam"));
    }
}
