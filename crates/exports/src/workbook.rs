//! Writing Annex A: an Excel workbook (a cover sheet first, then one sheet per list
//! named `List 8`, `List 9`, `List 10`, headings in the first row, dates as Excel date
//! cells shown `dd/mm/yyyy`, whole numbers as numbers, everything else as text) with
//! `rust_xlsxwriter`, or one CSV file per list (dates `dd/mm/yyyy`) and the cover as
//! `cover.csv`.

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

use crate::ExportError;
use crate::annex_a::AnnexA;
use crate::format::Value;

/// The name of the cover sheet (and of its CSV file, `cover.csv`).
pub const COVER_SHEET: &str = "Cover";

/// The workbook as the bytes of an `.xlsx` file.
pub fn annex_a_xlsx(annex: &AnnexA) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let heading_format = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let wrap_format = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let cover = workbook.add_worksheet();
    cover.set_name(COVER_SHEET)?;
    cover.set_column_width(0, 60)?;
    cover.set_column_width(1, 110)?;
    for (row, (label, value)) in annex.cover().iter().enumerate() {
        let row = row as u32;
        let label_format = if row == 0 {
            &heading_format
        } else {
            &wrap_format
        };
        cover.write_string_with_format(row, 0, label, label_format)?;
        write_value(cover, row, 1, value, &date_format, Some(&wrap_format))?;
    }

    for list in &annex.lists {
        let sheet = workbook.add_worksheet();
        sheet.set_name(list.list.sheet)?;
        for (column, heading) in list.list.columns.iter().enumerate() {
            let column = column as u16;
            sheet.write_string_with_format(0, column, heading.name, &heading_format)?;
            sheet.set_column_width(column, 22)?;
        }
        sheet.set_row_height(0, 75)?;
        sheet.set_freeze_panes(1, 0)?;
        for (row, values) in list.rows.iter().enumerate() {
            let row = row as u32 + 1;
            for (column, value) in values.iter().enumerate() {
                write_value(sheet, row, column as u16, value, &date_format, None)?;
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    value: &Value,
    date_format: &Format,
    text_format: Option<&Format>,
) -> Result<(), ExportError> {
    match value {
        Value::Blank => {}
        Value::Text(text) => match text_format {
            Some(format) => {
                sheet.write_string_with_format(row, column, text, format)?;
            }
            None => {
                sheet.write_string(row, column, text)?;
            }
        },
        Value::Integer(n) => {
            sheet.write_number(row, column, *n as f64)?;
        }
        Value::Date(date) => {
            let excel =
                ExcelDateTime::from_ymd(date.year() as u16, date.month() as u8, date.day() as u8)?;
            sheet.write_datetime_with_format(row, column, &excel, date_format)?;
        }
    }
    Ok(())
}

/// A CSV cell: text a spreadsheet would run as a formula gets a leading `'` (names typed
/// into the staff register reach these files).
fn csv_text(value: &Value) -> String {
    let text = value.to_text();
    match value {
        Value::Text(_) if text.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{text}"),
        _ => text,
    }
}

/// Writes one CSV file per list (`list_8_children_in_care.csv`, ...) and `cover.csv`
/// into `dir` (created if needed; files of the same names are replaced). Gives the
/// files written, in order.
pub fn write_annex_a_csv(annex: &AnnexA, dir: &Path) -> Result<Vec<String>, ExportError> {
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut written = Vec::new();
    let write = |name: &str, rows: &mut dyn Iterator<Item = Vec<String>>| {
        let path = dir.join(name);
        let error = |source: csv::Error| ExportError::Csv {
            path: path.display().to_string(),
            source,
        };
        let mut writer = csv::Writer::from_path(&path).map_err(error)?;
        for row in rows {
            writer.write_record(&row).map_err(error)?;
        }
        writer.flush().map_err(|source| ExportError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Ok::<(), ExportError>(())
    };
    let cover = annex.cover();
    write(
        "cover.csv",
        &mut std::iter::once(vec!["Item".to_string(), "Value".to_string()]).chain(
            cover
                .iter()
                .map(|(label, value)| vec![label.clone(), csv_text(value)]),
        ),
    )?;
    written.push("cover.csv".to_string());
    for list in &annex.lists {
        let headings = list
            .list
            .columns
            .iter()
            .map(|c| c.name.to_string())
            .collect();
        write(
            list.list.file,
            &mut std::iter::once(headings).chain(
                list.rows
                    .iter()
                    .map(|row| row.iter().map(csv_text).collect()),
            ),
        )?;
        written.push(list.list.file.to_string());
    }
    Ok(written)
}
