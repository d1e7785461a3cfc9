//! What a report is made of: sections of tables and charts, each cell a value with the
//! children behind it (so the web application can list them), and the headline figures
//! with their trends. Rendering (HTML, CSV) reads this and computes nothing.

use permanence_domain::Date;

use crate::Period;

/// A monthly or quarterly oversight report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The period reported on.
    pub period: Period,
    /// The date every figure is as at: the period's last day, or today for a period
    /// not yet over.
    pub as_of: Date,
    /// The headline figures, with the previous period, England and the trend.
    pub headlines: Vec<Headline>,
    /// The sections, in order.
    pub sections: Vec<Section>,
}

impl Report {
    /// Whether the period was over on the as-of date.
    pub fn is_complete(&self) -> bool {
        self.as_of == self.period.end()
    }

    /// Every table in the report, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections.iter().flat_map(|s| s.tables.iter())
    }

    /// The table with this id.
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables().find(|t| t.id == id)
    }

    /// The headline with this key.
    pub fn headline(&self, key: &str) -> Option<&Headline> {
        self.headlines.iter().find(|h| h.key == key)
    }
}

/// A headline figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// The measure's stable key (the `measure` column of `headlines.csv`).
    pub key: &'static str,
    /// What it measures, in words.
    pub label: &'static str,
    /// This period's value and the children behind it.
    pub value: Cell,
    /// The value for each period of the trend (the last 12 months or 8 quarters, this
    /// one last).
    pub trend: Vec<(Period, f64)>,
    /// England's figure where `domain.md` §2.2 gives a comparable one (a percentage).
    pub england: Option<England>,
}

impl Headline {
    /// The previous period's value (from the trend).
    pub fn previous(&self) -> Option<f64> {
        let n = self.trend.len();
        (n >= 2).then(|| self.trend[n - 2].1)
    }
}

/// A national comparator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct England {
    /// The figure (a percentage).
    pub value: f64,
    /// Which year and source.
    pub source: &'static str,
}

/// A section of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Its number in the report (1 to 9).
    pub number: u8,
    /// Its anchor, for links within the report.
    pub id: &'static str,
    /// Its heading.
    pub title: &'static str,
    /// What it shows and how the figures are defined, in a sentence or two.
    pub intro: String,
    /// Charts, drawn above the tables.
    pub charts: Vec<Chart>,
    /// The tables.
    pub tables: Vec<Table>,
}

/// A chart: the data only; the HTML draws it as inline SVG.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Horizontal bars, one per label.
    Bars {
        /// The chart's title.
        title: String,
        /// Label and value of each bar.
        bars: Vec<(String, f64)>,
    },
    /// A line over the trend's periods, with England's figure as a dashed line.
    Trend {
        /// The chart's title.
        title: String,
        /// Period label and value, oldest first.
        points: Vec<(String, f64)>,
        /// Whether the values are percentages.
        percent: bool,
        /// England's figure.
        england: Option<f64>,
    },
}

/// A table: the CSV file `{id}.csv` and a table in the HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Its id: the CSV file's name without `.csv`.
    pub id: String,
    /// Its caption.
    pub title: String,
    /// A note under it (definitions, exclusions).
    pub note: Option<String>,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows of cells, as many as columns.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table with headings and no rows yet.
    pub fn new(id: &str, title: &str, columns: &[&str]) -> Table {
        Table {
            id: id.to_string(),
            title: title.to_string(),
            note: None,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// The table with a note under it.
    pub fn with_note(mut self, note: impl Into<String>) -> Table {
        self.note = Some(note.into());
        self
    }

    /// Adds a row.
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "{}: row width", self.id);
        self.rows.push(row);
    }

    /// The cell at a row and column.
    pub fn cell(&self, row: usize, column: usize) -> Option<&Cell> {
        self.rows.get(row).and_then(|r| r.get(column))
    }
}

/// A value with, for figures about children, the children behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The value.
    pub value: Value,
    /// The children the figure counts (sorted, each once), when it counts children.
    pub children: Option<Vec<String>>,
}

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Words.
    Text(String),
    /// A number of children or events.
    Count(usize),
    /// A share: `numerator` of `denominator`.
    Percent {
        /// How many have it.
        numerator: usize,
        /// Out of how many.
        denominator: usize,
    },
    /// An average number of days (`None` when there is nothing to average).
    Days(Option<f64>),
    /// A date, or nothing.
    Date(Option<Date>),
    /// A child's id (links to the child's page).
    Child(String),
}

impl Cell {
    /// Words.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            value: Value::Text(text.into()),
            children: None,
        }
    }

    /// A count of children: the children themselves.
    pub fn children(mut children: Vec<String>) -> Cell {
        children.sort();
        children.dedup();
        Cell {
            value: Value::Count(children.len()),
            children: Some(children),
        }
    }

    /// A count of events (placements ended, challenges opened) with the children they
    /// happened to.
    pub fn events(count: usize, children: Vec<String>) -> Cell {
        let mut cell = Cell::children(children);
        cell.value = Value::Count(count);
        cell
    }

    /// A plain number with no children behind it.
    pub fn number(count: usize) -> Cell {
        Cell {
            value: Value::Count(count),
            children: None,
        }
    }

    /// The share of `denominator` that `numerator` (the children who have it) are.
    pub fn percent(numerator: Vec<String>, denominator: usize) -> Cell {
        let mut cell = Cell::children(numerator);
        cell.value = Value::Percent {
            numerator: cell.children.as_ref().map_or(0, Vec::len),
            denominator,
        };
        cell
    }

    /// An average of days over the children it is about.
    pub fn average_days(days: &[i32], children: Vec<String>) -> Cell {
        let mut cell = Cell::children(children);
        cell.value = Value::Days(mean(days));
        cell
    }

    /// A date.
    pub fn date(date: Option<Date>) -> Cell {
        Cell {
            value: Value::Date(date),
            children: None,
        }
    }

    /// A child.
    pub fn child(id: &str) -> Cell {
        Cell {
            value: Value::Child(id.to_string()),
            children: None,
        }
    }

    /// The value as a number, for charts and headlines: counts as counts, shares as
    /// percentages, averages as days; `None` for words, dates and empty shares.
    pub fn number_value(&self) -> Option<f64> {
        match &self.value {
            Value::Count(n) => Some(*n as f64),
            Value::Percent {
                numerator,
                denominator,
            } => percentage(*numerator, *denominator),
            Value::Days(days) => *days,
            Value::Text(_) | Value::Date(_) | Value::Child(_) => None,
        }
    }

    /// The value as plain text for CSV: counts and days as numbers, shares as a
    /// percentage to one decimal place, dates as dd/mm/yyyy, nothing as empty.
    pub fn csv_text(&self) -> String {
        match &self.value {
            Value::Text(text) | Value::Child(text) => text.clone(),
            Value::Count(n) => n.to_string(),
            Value::Percent { .. } | Value::Days(_) => self
                .number_value()
                .map(|v| format!("{v:.1}"))
                .unwrap_or_default(),
            Value::Date(date) => date.map(crate::period::dmy).unwrap_or_default(),
        }
    }
}

/// `numerator` as a percentage of `denominator`; `None` when there is no denominator.
pub fn percentage(numerator: usize, denominator: usize) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 * 100.0 / denominator as f64)
}

/// The mean, `None` for none.
pub fn mean(values: &[i32]) -> Option<f64> {
    (!values.is_empty())
        .then(|| values.iter().map(|v| f64::from(*v)).sum::<f64>() / values.len() as f64)
}
