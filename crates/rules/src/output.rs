//! Findings as people and other programs read them: an aligned text table, CSV, or JSON
//! (for `permanence alerts --format table|csv|json`).

use std::fmt;
use std::str::FromStr;

use crate::finding::Finding;

/// An output format for findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// An aligned text table, one finding per line.
    #[default]
    Table,
    /// CSV with a header row; evidence in one column, `label: value; ...`.
    Csv,
    /// A JSON array of findings, as they serialise.
    Json,
}

/// A format name that is not `table`, `csv` or `json`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a format; expected one of: table, csv, json")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(text: &str) -> Result<Format, UnknownFormat> {
        match text.to_ascii_lowercase().as_str() {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(UnknownFormat(text.to_string())),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
        })
    }
}

/// The findings in `format`, ending with a newline.
pub fn render(findings: &[Finding], format: Format) -> String {
    match format {
        Format::Table => table(findings),
        Format::Csv => csv(findings),
        Format::Json => {
            let mut text =
                serde_json::to_string_pretty(findings).expect("findings always serialise");
            text.push('\n');
            text
        }
    }
}

const COLUMNS: [&str; 9] = [
    "rule",
    "child",
    "status",
    "due",
    "days_overdue",
    "owner_role",
    "escalated_to",
    "title",
    "evidence",
];

fn fields(finding: &Finding) -> [String; 9] {
    [
        finding.rule.to_string(),
        finding.child.clone(),
        finding.status.as_str().to_string(),
        finding.due_text(),
        finding.days_overdue.to_string(),
        finding.owner_role.as_str().to_string(),
        finding.escalated_to.as_str().to_string(),
        finding.title.to_string(),
        finding.evidence_text(),
    ]
}

fn csv(findings: &[Finding]) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    for finding in findings {
        let row: Vec<String> = fields(finding).iter().map(|f| csv_field(f)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn table(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "No findings.\n".to_string();
    }
    let headers = [
        "Status", "Rule", "Child", "Due", "Overdue", "Owner", "With", "Title",
    ];
    let rows: Vec<[String; 8]> = findings
        .iter()
        .map(|f| {
            [
                f.status.label().to_string(),
                f.rule.to_string(),
                f.child.clone(),
                f.due_text(),
                match f.days_overdue {
                    0 => String::new(),
                    1 => "1 day".to_string(),
                    days => format!("{days} days"),
                },
                f.owner_role.as_str().to_string(),
                f.escalated_to.as_str().to_string(),
                f.title.to_string(),
            ]
        })
        .collect();
    let mut widths = headers.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  "));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&headers.map(String::from));
    for row in &rows {
        line(row);
    }
    match findings.len() {
        1 => out.push_str("1 finding\n"),
        count => out.push_str(&format!("{count} findings\n")),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Evidence, Role, Status};
    use permanence_domain::Date;

    fn finding() -> Finding {
        Finding {
            rule: "REV-01",
            child: "C1".into(),
            status: Status::Overdue,
            due: Some(Date::constant(2026, 1, 21)),
            days_overdue: 1,
            owner_role: Role::Iro,
            escalated_to: Role::Iro,
            title: "First review within 20 working days of coming into care",
            evidence: vec![
                Evidence::new("Period of care started", "20/12/2025"),
                Evidence::new("Note", "a \"quoted\", text"),
            ],
        }
    }

    #[test]
    fn formats_parse() {
        assert_eq!("CSV".parse::<Format>(), Ok(Format::Csv));
        assert!("xml".parse::<Format>().is_err());
    }

    #[test]
    fn csv_quotes_fields() {
        let text = render(&[finding()], Format::Csv);
        assert_eq!(
            text,
            "rule,child,status,due,days_overdue,owner_role,escalated_to,title,evidence\n\
             REV-01,C1,overdue,21/01/2026,1,iro,iro,First review within 20 working days of coming into care,\
             \"Period of care started: 20/12/2025; Note: a \"\"quoted\"\", text\"\n"
        );
    }

    #[test]
    fn table_aligns_columns() {
        let text = render(&[finding()], Format::Table);
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("Status   Rule    Child  Due         Overdue"));
        assert!(lines[1].starts_with("Overdue  REV-01  C1     21/01/2026  1 day"));
        assert_eq!(lines[2], "1 finding");
        assert_eq!(render(&[], Format::Table), "No findings.\n");
    }

    #[test]
    fn json_is_an_array() {
        let value: serde_json::Value =
            serde_json::from_str(&render(&[finding()], Format::Json)).unwrap();
        assert_eq!(value[0]["status"], "overdue");
        assert_eq!(value[0]["due"], "2026-01-21");
    }
}
