//! The templates' documentation (`docs/tracker-templates.md`), generated from the
//! templates themselves so that it never disagrees with what the import accepts. A test
//! fails when the committed file differs; `UPDATE_DOCS=1 cargo test -p
//! permanence-tracker` rewrites it.

use std::fmt::Write;

use crate::read::{RawRecord, row_rules};
use crate::template::{Column, ColumnKind, Item, TEMPLATES, Template, Vocabulary};
use crate::write::csv_text;

/// `docs/tracker-templates.md`.
pub fn templates_markdown() -> String {
    let mut out = String::new();
    out.push_str("# Tracker templates\n\n");
    out.push_str(
        "<!-- Generated from the templates in crates/tracker/src/template.rs by \
         `permanence_tracker::docs::templates_markdown`. Do not edit by hand: run \
         `UPDATE_DOCS=1 cargo test -p permanence-tracker` to regenerate. -->\n\n",
    );
    out.push_str(
        "The permanence work the 903 return does not hold is loaded from CSV files, one \
         record type per file, with `permanence import tracker FILE_OR_FOLDER...`. \
         `permanence export tracker --out DIR` writes every current record back out in \
         exactly these templates (a template with no records as its header row alone), so \
         an export is also a set of blank templates to fill in.\n\n",
    );
    out.push_str("## How the files are read\n\n");
    out.push_str(
        "- **One template per file**, recognised by its header row: the set of column names \
         (in any order, in any case). The file's name does not matter. A missing or \
         unexpected column is an error that names it.\n\
         - **Text** is UTF-8 (a byte-order mark is fine); Windows line endings are fine; \
         spaces around values are removed. A file with a header row and no data rows holds \
         no records; an empty file is an error.\n\
         - **Dates** are `dd/mm/yyyy` (a one-digit day or month is accepted). A date that \
         records something done (a meeting held, a decision made) cannot be after the day \
         of the import; target, due and next dates can.\n\
         - **Codes** are the lower-case codes listed under each template; any case is \
         accepted. **Flags** are `Y` or `N`. **Lists** separate values with `;`.\n\
         - A blank value means none; a **required** value cannot be blank. Counts left \
         blank count as 0.\n\
         - `CHILD` is always the child's 903 CHILD id, and the child must be in the 903 data \
         already imported. Staff ids (in columns such as `WORKER`, `CHAIR`, `OWNER`) must \
         be in `people.csv`, teams in `teams.csv`, and so on: in the database or in the same \
         import, in any order of files.\n\
         - **All or nothing**: every problem is reported with its file, line, column, the \
         value found and what was expected, and nothing is imported unless every file is \
         right. `--dry-run` checks without writing.\n\n",
    );
    out.push_str("## Keys, corrections and history\n\n");
    out.push_str(
        "Each template names the columns that identify a record (its **key**). A key may \
         appear once in an import. Importing a row whose key is already stored, with \
         different values, is a **correction**: the new version supersedes the old one, \
         and both are kept with who imported each, when, from which file and why \
         (`--reason TEXT`, or \"re-imported from FILE\"). Importing a row identical to the \
         stored record changes nothing, so importing the same files again leaves the \
         database exactly as it was. Records are never deleted: a row imported under a \
         wrong key (say, a mistyped `DECIDED` date) is a record of its own, which an \
         import cannot withdraw.\n\n",
    );
    out.push_str("## Templates\n\n");
    for template in &TEMPLATES {
        let _ = writeln!(
            out,
            "- [`{}.csv`](#{}): {}",
            template.name,
            anchor(template),
            template.title
        );
    }
    out.push('\n');
    for template in &TEMPLATES {
        write_template(&mut out, template);
    }
    out
}

/// GitHub's anchor for the template's heading (`## people.csv` is `#peoplecsv`).
fn anchor(template: &Template) -> String {
    format!("{}csv", template.name)
}

fn write_template(out: &mut String, template: &Template) {
    let _ = writeln!(out, "## {}.csv\n", template.name);
    let _ = writeln!(out, "**{}.** {}\n", template.title, template.description);
    let _ = writeln!(
        out,
        "Key: {}.\n",
        template
            .key
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(" + ")
    );
    out.push_str("| Column | Required | Value | Meaning |\n|---|---|---|---|\n");
    for column in template.columns {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            column.name,
            if column.required { "yes" } else { "no" },
            cell(&value_description(column)),
            cell(column.description)
        );
    }
    out.push('\n');
    let mut rules: Vec<String> = Vec::new();
    for (later, earlier) in template.not_before {
        rules.push(format!("`{later}` cannot be before `{earlier}`."));
    }
    for (a, b) in template.together {
        rules.push(format!("`{a}` and `{b}` are given together, or neither."));
    }
    rules.extend(row_rules(template.kind).iter().map(|r| r.to_string()));
    if !rules.is_empty() {
        out.push_str("Checks between columns:\n\n");
        for rule in rules {
            let _ = writeln!(out, "- {rule}");
        }
        out.push('\n');
    }
    let mut vocabularies: Vec<(&str, Vocabulary)> = Vec::new();
    for column in template.columns {
        let vocabulary = match column.kind {
            ColumnKind::Code(v) | ColumnKind::List(Item::Code(v)) => v,
            _ => continue,
        };
        match vocabularies
            .iter_mut()
            .find(|(_, v)| v.name == vocabulary.name)
        {
            Some(_) => {}
            None => vocabularies.push((column.name, vocabulary)),
        }
    }
    for (_, vocabulary) in vocabularies {
        let columns: Vec<String> = template
            .columns
            .iter()
            .filter(|c| match c.kind {
                ColumnKind::Code(v) | ColumnKind::List(Item::Code(v)) => v.name == vocabulary.name,
                _ => false,
            })
            .map(|c| format!("`{}`", c.name))
            .collect();
        let _ = writeln!(
            out,
            "Codes for {} ({}):\n\n| Code | Meaning |\n|---|---|",
            columns.join(", "),
            vocabulary.name
        );
        for (code, label) in vocabulary.entries() {
            let _ = writeln!(out, "| `{code}` | {} |", cell(label));
        }
        out.push('\n');
    }
    let example = RawRecord::new(template.kind, "", 0, template.example);
    let text = csv_text(template.kind, &[&example]).expect("an example row writes");
    let _ = writeln!(out, "Example:\n\n```csv\n{}```\n", text);
}

fn value_description(column: &Column) -> String {
    match column.kind {
        ColumnKind::Text => "text".to_string(),
        ColumnKind::Id => "text: this record's id, unique in the file".to_string(),
        ColumnKind::Ref(target) => format!("{}: {}", target.noun(), target.source()),
        ColumnKind::Date { future: false } => {
            "date `dd/mm/yyyy`, not after the day of the import".to_string()
        }
        ColumnKind::Date { future: true } => "date `dd/mm/yyyy` (may be in the future)".to_string(),
        ColumnKind::Code(vocabulary) => format!("code: {} (below)", vocabulary.name),
        ColumnKind::Number { max, blank_is_zero } => format!(
            "whole number, 0 to {max}{}",
            if blank_is_zero { "; blank is 0" } else { "" }
        ),
        ColumnKind::Flag => "`Y` or `N`".to_string(),
        ColumnKind::List(Item::Text) => "list: text values separated by `;`".to_string(),
        ColumnKind::List(Item::Ref(target)) => {
            format!("list separated by `;`, each {}", target.source())
        }
        ColumnKind::List(Item::Code(vocabulary)) => {
            format!(
                "list of codes separated by `;`: {} (below)",
                vocabulary.name
            )
        }
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/tracker-templates.md"
    );

    #[test]
    fn docs_tracker_templates_md_is_current() {
        let generated = templates_markdown();
        if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
            std::fs::write(DOCS, &generated).expect("docs/tracker-templates.md is writable");
            return;
        }
        let committed = std::fs::read_to_string(DOCS).unwrap_or_default();
        assert!(
            committed == generated,
            "docs/tracker-templates.md is out of date with the templates. Regenerate it with \
             `UPDATE_DOCS=1 cargo test -p permanence-tracker docs_tracker_templates_md_is_current` \
             and commit the result."
        );
    }

    #[test]
    fn every_template_column_and_code_is_documented() {
        let text = templates_markdown();
        for template in &TEMPLATES {
            assert!(text.contains(&format!("## {}.csv", template.name)));
            for column in template.columns {
                assert!(text.contains(&format!("| `{}` |", column.name)));
            }
        }
        assert!(
            text.contains("| `fostering_for_adoption` | Adoption through fostering for adoption |")
        );
        assert!(text.contains(
            "CHILD,DECIDED,FORUM,PRIMARY,PARALLEL,CONTINGENCY,TARGET,ACHIEVED,ACHIEVED_BY\n"
        ));
    }
}
