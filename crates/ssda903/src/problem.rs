//! Problems found in input files, each located by file, line and column.

use std::fmt;

/// One problem in an input file: where it is, what was found, what was expected.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The file, as the user named it.
    pub file: String,
    /// The line in the file (1 is the header row); `None` for a problem with the whole file.
    pub line: Option<u64>,
    /// The column name, when the problem is in one field.
    pub column: Option<String>,
    /// What is wrong and what was expected, in plain English.
    pub message: String,
}

impl Problem {
    /// A problem with a whole file.
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// A problem with one line of a file.
    pub fn line(file: impl Into<String>, line: u64, message: impl Into<String>) -> Problem {
        Problem {
            file: file.into(),
            line: Some(line),
            column: None,
            message: message.into(),
        }
    }

    /// A problem with one field of one line.
    pub fn field(
        file: impl Into<String>,
        line: u64,
        column: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            file: file.into(),
            line: Some(line),
            column: Some(column.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found, in file and line order.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(transparent)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Adds one.
    pub fn push(&mut self, problem: Problem) {
        self.0.push(problem);
    }

    /// Sorts by file, line and column so reports read top to bottom.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, &a.column, &a.message).cmp(&(&b.file, b.line, &b.column, &b.message))
        });
        self.0.dedup();
    }

    /// `Ok(value)` when there are no problems, else the problems sorted.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Problems> {
        if self.is_empty() {
            Ok(value)
        } else {
            self.sort();
            Err(self)
        }
    }
}

impl fmt::Display for Problems {
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
