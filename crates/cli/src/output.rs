//! Printing lists as text tables, CSV or JSON.

use comfy_table::{CellAlignment, ContentArrangement, Table, presets::UTF8_BORDERS_ONLY};

/// One cell of a text table: text left-aligned, numbers right-aligned.
pub struct Cell {
    text: String,
    numeric: bool,
}

impl Cell {
    /// Text.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            numeric: false,
        }
    }

    /// A number.
    pub fn number(n: impl std::fmt::Display) -> Cell {
        Cell {
            text: n.to_string(),
            numeric: true,
        }
    }

    /// A count, or a dash when there is nothing to count.
    pub fn count(n: Option<usize>) -> Cell {
        match n {
            Some(n) => Cell::number(n),
            None => Cell {
                text: "-".into(),
                numeric: true,
            },
        }
    }
}

/// A table for the terminal.
pub struct TextTable {
    table: Table,
}

impl TextTable {
    /// A table with these column headings.
    pub fn new(header: Vec<String>) -> TextTable {
        let mut table = Table::new();
        table
            .load_style(UTF8_BORDERS_ONLY)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(header);
        TextTable { table }
    }

    /// Adds a row.
    pub fn push(&mut self, cells: Vec<Cell>) {
        self.table.add_row(cells.into_iter().map(|cell| {
            let c = comfy_table::Cell::new(cell.text);
            if cell.numeric {
                c.set_alignment(CellAlignment::Right)
            } else {
                c
            }
        }));
    }

    /// The table as text.
    pub fn render(&self) -> String {
        self.table.to_string()
    }
}
