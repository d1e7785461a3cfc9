//! Typing one collection year's return: dates parsed, codes checked against that year's
//! lists, and the checks that need only that year (children known to the Header, episodes
//! that end before they start, dates of birth after care started, dates past the year).

use std::collections::HashMap;
use std::sync::Arc;

use permanence_domain::codes::{Code, parse_code};
use permanence_domain::date::{DateError, format_dmy, parse_dmy};
use permanence_domain::record::*;
use permanence_domain::{CollectionYear, Date};

use crate::problem::{Problem, Problems};
use crate::read::{RawReturn, RawRow};
use crate::tables::Table;

/// Where a row came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    /// The file, as the user named it.
    pub file: Arc<str>,
    /// The line in the file.
    pub line: u64,
}

/// A typed row with its child and location.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<T> {
    /// CHILD.
    pub child: String,
    /// Where it came from.
    pub loc: Loc,
    /// The typed values.
    pub value: T,
}

/// One collection year's return, typed.
#[derive(Debug, Clone, Default)]
pub struct ParsedReturn {
    /// The collection year.
    pub year: Option<CollectionYear>,
    /// Which tables the return has.
    pub tables: Vec<Table>,
    /// Header rows.
    pub header: Vec<Row<Header>>,
    /// Episodes rows.
    pub episodes: Vec<Row<Episode>>,
    /// Reviews rows.
    pub reviews: Vec<Row<Review>>,
    /// UASC rows: DUC.
    pub uasc: Vec<Row<Date>>,
    /// OC2 rows.
    pub oc2: Vec<Row<Oc2>>,
    /// OC3 rows.
    pub oc3: Vec<Row<Oc3>>,
    /// AD1 rows.
    pub ad1: Vec<Row<Ad1>>,
    /// PlacedAdoption rows.
    pub placed_adoption: Vec<Row<PlacedForAdoption>>,
    /// PrevPerm rows.
    pub prev_perm: Vec<Row<PrevPerm>>,
    /// Missing rows.
    pub missing: Vec<Row<MissingEpisode>>,
    /// SWEpisodes rows.
    pub sw_episodes: Vec<Row<SocialWorkerEpisode>>,
    /// DoLo rows.
    pub dolo: Vec<Row<DeprivationOfLiberty>>,
}

impl ParsedReturn {
    /// Rows per table, for summaries.
    pub fn row_count(&self, table: Table) -> usize {
        match table {
            Table::Header => self.header.len(),
            Table::Episodes => self.episodes.len(),
            Table::Reviews => self.reviews.len(),
            Table::Uasc => self.uasc.len(),
            Table::Oc2 => self.oc2.len(),
            Table::Oc3 => self.oc3.len(),
            Table::Ad1 => self.ad1.len(),
            Table::PlacedAdoption => self.placed_adoption.len(),
            Table::PrevPerm => self.prev_perm.len(),
            Table::Missing => self.missing.len(),
            Table::SwEpisodes => self.sw_episodes.len(),
            Table::DoLo => self.dolo.len(),
        }
    }
}

/// The cells of one raw row, typed one at a time. A value that does not parse is
/// recorded as a problem and marks the row as bad.
struct Cells<'a> {
    table: Table,
    file: &'a str,
    row: &'a RawRow,
    fields: Vec<&'a str>,
    year: CollectionYear,
    not_after: Option<Date>,
    problems: &'a mut Problems,
    ok: bool,
}

impl Cells<'_> {
    fn raw(&self, column: &'static str) -> &str {
        let index = self
            .table
            .columns()
            .iter()
            .position(|c| *c == column)
            .expect("column of this table");
        self.fields[index]
    }

    fn problem(&mut self, column: &'static str, message: String) {
        self.problems
            .push(Problem::field(self.file, self.row.line, column, message));
        self.ok = false;
    }

    /// Reads a column that must have a value: blank is a problem of its own.
    fn required<T>(
        &mut self,
        column: &'static str,
        read: impl FnOnce(&mut Self, &'static str) -> Option<T>,
    ) -> Option<T> {
        let value = read(self, column);
        if value.is_none() && self.raw(column).is_empty() {
            self.problem(column, "is blank but a value is required".to_string());
        }
        value
    }

    fn text(&mut self, column: &'static str) -> Option<String> {
        let text = self.raw(column);
        (!text.is_empty()).then(|| text.to_string())
    }

    fn date(&mut self, column: &'static str) -> Option<Date> {
        let text = self.raw(column).to_string();
        if text.is_empty() {
            return None;
        }
        match parse_dmy(&text) {
            // DUC is the 18th birthday, which may lie ahead; every other date has happened.
            Ok(date) if column != "DUC" && self.not_after.is_some_and(|limit| date > limit) => {
                let limit = format_dmy(self.not_after.expect("checked"));
                self.problem(
                    column,
                    format!("{text} is in the future (after {limit}, the date of this import)"),
                );
                None
            }
            Ok(date) => Some(date),
            Err(DateError::Shape(_)) => {
                self.problem(
                    column,
                    format!("'{text}' is not a date; expected dd/mm/yyyy"),
                );
                None
            }
            Err(DateError::Impossible(_)) => {
                self.problem(column, format!("'{text}' is not a real date (no such day)"));
                None
            }
        }
    }

    fn code<C: Code>(&mut self, column: &'static str) -> Option<C> {
        let text = self.raw(column).to_string();
        if text.is_empty() {
            return None;
        }
        match parse_code::<C>(&text, self.year) {
            Ok(code) => Some(code),
            Err(error) => {
                let mut message = format!(
                    "'{text}' is not a {} code in the {} list; expected one of: {}",
                    error.field,
                    self.year,
                    error.allowed.join(", ")
                );
                if C::from_code(&text).is_some() {
                    message.push_str(&format!(" ('{text}' is valid in other years' lists)"));
                }
                self.problem(column, message);
                None
            }
        }
    }

    fn flag(&mut self, column: &'static str) -> Option<bool> {
        match self.raw(column) {
            "" => None,
            "0" => Some(false),
            "1" => Some(true),
            other => {
                let other = other.to_string();
                self.problem(column, format!("'{other}' is not allowed; expected 0 or 1"));
                None
            }
        }
    }

    fn number(&mut self, column: &'static str, max: u8) -> Option<u8> {
        let text = self.raw(column).to_string();
        if text.is_empty() {
            return None;
        }
        match text.parse::<u8>() {
            Ok(n) if n <= max => Some(n),
            _ => {
                self.problem(
                    column,
                    format!("'{text}' is not allowed; expected a whole number from 0 to {max}"),
                );
                None
            }
        }
    }
}

/// Types one year's return and checks what can be checked within that year. Dates after
/// `not_after` (the day of an import) are refused, except DUC (an 18th birthday).
pub fn parse_return(raw: &RawReturn, not_after: Option<Date>) -> Result<ParsedReturn, Problems> {
    let mut problems = Problems::default();
    let year = raw.year;
    let mut parsed = ParsedReturn {
        year: Some(year),
        tables: raw.tables.iter().map(|t| t.table).collect(),
        ..ParsedReturn::default()
    };
    for table in &raw.tables {
        let file: Arc<str> = Arc::from(table.file.as_str());
        for row in &table.rows {
            let mut cells = Cells {
                table: table.table,
                file: &file,
                row,
                fields: row.fields().collect(),
                year,
                not_after,
                problems: &mut problems,
                ok: true,
            };
            let child = row.child().to_string();
            if child.is_empty() {
                cells.problem(
                    "CHILD",
                    "is blank but every row needs the child's id".to_string(),
                );
            } else if child.len() > 10 {
                cells.problem(
                    "CHILD",
                    format!("'{child}' is longer than the 10 characters a 903 CHILD id may have"),
                );
            }
            let loc = Loc {
                file: file.clone(),
                line: row.line,
            };
            macro_rules! push {
                ($list:ident, $value:expr) => {{
                    let value = $value;
                    if cells.ok {
                        parsed.$list.push(Row {
                            child,
                            loc,
                            value: value.expect("all required values present"),
                        });
                    }
                }};
            }
            match table.table {
                Table::Header => {
                    let sex = cells.required("SEX", Cells::code);
                    let dob = cells.required("DOB", Cells::date);
                    let ethnic = cells.required("ETHNIC", Cells::code);
                    let upn = cells.text("UPN");
                    let mother = cells.flag("MOTHER");
                    let mc_dob = cells.date("MC_DOB");
                    push!(
                        header,
                        (|| Some(Header {
                            sex: sex?,
                            dob: dob?,
                            ethnic: ethnic?,
                            upn,
                            mother,
                            mc_dob
                        }))()
                    );
                }
                Table::Episodes => {
                    let decom = cells.required("DECOM", Cells::date);
                    let rne = cells.required("RNE", Cells::code);
                    let ls = cells.required("LS", Cells::code);
                    let cin = cells.required("CIN", Cells::code);
                    let place = cells.required("PLACE", Cells::code);
                    let place_provider = cells.code("PLACE_PROVIDER");
                    let dec = cells.date("DEC");
                    let rec = cells.code("REC");
                    let reason_place_change = cells.code("REASON_PLACE_CHANGE");
                    let home_post = cells.text("HOME_POST");
                    let pl_post = cells.text("PL_POST");
                    let urn = cells.text("URN");
                    if cells.ok {
                        if dec.is_some() && rec.is_none() {
                            cells.problem("REC", "is blank but the episode has an end date (DEC); give the reason it ceased".to_string());
                        } else if dec.is_none() && rec.is_some() {
                            cells.problem("DEC", "is blank but the episode has a reason it ceased (REC); give the date it ceased".to_string());
                        }
                        if let (Some(decom), Some(dec)) = (decom, dec)
                            && dec < decom
                        {
                            cells.problem(
                                "DEC",
                                format!(
                                    "the episode ends ({}) before it starts (DECOM {})",
                                    format_dmy(dec),
                                    format_dmy(decom)
                                ),
                            );
                        }
                        if let Some(decom) = decom
                            && decom > year.end()
                        {
                            cells.problem(
                                "DECOM",
                                format!(
                                    "{} is after the end of the {year} collection year ({})",
                                    format_dmy(decom),
                                    format_dmy(year.end())
                                ),
                            );
                        }
                        if let Some(dec) = dec {
                            if dec > year.end() {
                                cells.problem("DEC", format!("{} is after the end of the {year} collection year ({}); an episode still open on 31 March has no DEC", format_dmy(dec), format_dmy(year.end())));
                            } else if dec < year.start() {
                                cells.problem("DEC", format!("{} is before the {year} collection year began ({}); the return holds only episodes open during the year", format_dmy(dec), format_dmy(year.start())));
                            }
                        }
                    }
                    push!(
                        episodes,
                        (|| Some(Episode {
                            decom: decom?,
                            rne: rne?,
                            ls: ls?,
                            cin: cin?,
                            place: place?,
                            place_provider,
                            dec,
                            rec,
                            reason_place_change,
                            home_post,
                            pl_post,
                            urn,
                            year,
                        }))()
                    );
                }
                Table::Reviews => {
                    let review = cells.required("REVIEW", Cells::date);
                    let review_code = cells.code("REVIEW_CODE");
                    push!(
                        reviews,
                        review.map(|review| Review {
                            review,
                            review_code
                        })
                    );
                }
                Table::Uasc => {
                    let duc = cells.required("DUC", Cells::date);
                    push!(uasc, duc);
                }
                Table::Oc2 => {
                    let value = Oc2 {
                        year,
                        sdq_score: cells.number("SDQ_SCORE", 40),
                        sdq_reason: cells.code("SDQ_REASON"),
                        convicted: cells.flag("CONVICTED"),
                        health_check: cells.flag("HEALTH_CHECK"),
                        immunisations: cells.flag("IMMUNISATIONS"),
                        teeth_check: cells.flag("TEETH_CHECK"),
                        health_assessment: cells.flag("HEALTH_ASSESSMENT"),
                        substance_misuse: cells.flag("SUBSTANCE_MISUSE"),
                        intervention_received: cells.flag("INTERVENTION_RECEIVED"),
                        intervention_offered: cells.flag("INTERVENTION_OFFERED"),
                    };
                    push!(oc2, Some(value));
                }
                Table::Oc3 => {
                    let value = Oc3 {
                        year,
                        in_touch: cells.code("IN_TOUCH"),
                        activ: cells.code("ACTIV"),
                        accom: cells.code("ACCOM"),
                    };
                    push!(oc3, Some(value));
                }
                Table::Ad1 => {
                    let value = Ad1 {
                        year,
                        date_int: cells.date("DATE_INT"),
                        date_match: cells.date("DATE_MATCH"),
                        foster_care: cells.flag("FOSTER_CARE"),
                        nb_adoptr: cells.number("NB_ADOPTR", 2),
                        sex_adoptr: cells.code("SEX_ADOPTR"),
                        ls_adoptr: cells.code("LS_ADOPTR"),
                    };
                    push!(ad1, Some(value));
                }
                Table::PlacedAdoption => {
                    let date_placed = cells.required("DATE_PLACED", Cells::date);
                    let date_placed_ceased = cells.date("DATE_PLACED_CEASED");
                    let reason_placed_ceased = cells.code("REASON_PLACED_CEASED");
                    push!(
                        placed_adoption,
                        date_placed.map(|date_placed| PlacedForAdoption {
                            date_placed,
                            date_placed_ceased,
                            reason_placed_ceased
                        })
                    );
                }
                Table::PrevPerm => {
                    let prev_perm = cells.code("PREV_PERM");
                    let la_perm = cells.text("LA_PERM");
                    let date_perm = cells.text("DATE_PERM");
                    if let Some(text) = &date_perm {
                        let checkable = text.replace("ZZZZ", "2000").replace("ZZ", "01");
                        if parse_dmy(&checkable).is_err() {
                            cells.problem("DATE_PERM", format!("'{text}' is not a date; expected dd/mm/yyyy, with ZZ for an unknown day or month"));
                        }
                    }
                    push!(
                        prev_perm,
                        Some(PrevPerm {
                            year,
                            prev_perm,
                            la_perm,
                            date_perm
                        })
                    );
                }
                Table::Missing => {
                    let missing = cells.required("MISSING", Cells::code);
                    let mis_start = cells.required("MIS_START", Cells::date);
                    let mis_end = cells.date("MIS_END");
                    push!(
                        missing,
                        (|| Some(MissingEpisode {
                            missing: missing?,
                            mis_start: mis_start?,
                            mis_end
                        }))()
                    );
                }
                Table::SwEpisodes => {
                    let sw_id = cells.required("SW_ID", Cells::text);
                    let sw_decom = cells.required("SW_DECOM", Cells::date);
                    let sw_dec = cells.date("SW_DEC");
                    let sw_reason = cells.code("SW_REASON");
                    push!(
                        sw_episodes,
                        (|| Some(SocialWorkerEpisode {
                            sw_id: sw_id?,
                            sw_decom: sw_decom?,
                            sw_dec,
                            sw_reason
                        }))()
                    );
                }
                Table::DoLo => {
                    let dolo_start = cells.required("DOLO_START", Cells::date);
                    let dolo_end = cells.date("DOLO_END");
                    push!(
                        dolo,
                        dolo_start.map(|dolo_start| DeprivationOfLiberty {
                            dolo_start,
                            dolo_end
                        })
                    );
                }
            }
        }
    }
    check_against_header(raw, &parsed, &mut problems);
    problems.into_result(parsed)
}

/// Every child in the return's tables must be in its Header, with the same date of
/// birth, born before care started.
fn check_against_header(raw: &RawReturn, parsed: &ParsedReturn, problems: &mut Problems) {
    let Some(header_table) = raw.table(Table::Header) else {
        problems.push(Problem::file(
            raw.tables
                .first()
                .map(|t| t.file.as_str())
                .unwrap_or("(no file)"),
            format!(
                "the {} return has no Header table (header.csv), so its children are unknown",
                raw.year
            ),
        ));
        return;
    };
    // Membership comes from the raw rows, so that a bad value in a Header row does not
    // also make every other row of that child "unknown".
    let mut first_line: HashMap<&str, u64> = HashMap::with_capacity(header_table.rows.len());
    for row in &header_table.rows {
        if let Some(first) = first_line.get(row.child()) {
            problems.push(Problem::field(
                &header_table.file,
                row.line,
                "CHILD",
                format!(
                    "child {} is in the Header twice (also line {first})",
                    row.child()
                ),
            ));
        } else {
            first_line.insert(row.child(), row.line);
        }
    }
    let header: HashMap<&str, &Row<Header>> = parsed
        .header
        .iter()
        .map(|r| (r.child.as_str(), r))
        .collect();
    let dob_index = |table: Table| table.columns().iter().position(|c| *c == "DOB");
    for table in &raw.tables {
        if table.table == Table::Header {
            continue;
        }
        let dob_column = dob_index(table.table);
        for row in &table.rows {
            let child = row.child();
            if child.is_empty() {
                continue;
            }
            if !first_line.contains_key(child) {
                problems.push(Problem::field(
                    &table.file,
                    row.line,
                    "CHILD",
                    format!(
                        "child {child} is not in the {} Header ({})",
                        raw.year, header_table.file
                    ),
                ));
                continue;
            }
            let Some(header_row) = header.get(child) else {
                continue;
            };
            if let Some(index) = dob_column {
                let text = row.fields().nth(index).unwrap_or("");
                if let Ok(dob) = parse_dmy(text)
                    && dob != header_row.value.dob
                {
                    problems.push(Problem::field(
                            &table.file,
                            row.line,
                            "DOB",
                            format!(
                                "{text} differs from child {child}'s date of birth in the Header ({}, line {})",
                                format_dmy(header_row.value.dob),
                                header_row.loc.line
                            ),
                        ));
                }
            }
        }
    }
    for episode in &parsed.episodes {
        if let Some(header_row) = header.get(episode.child.as_str())
            && header_row.value.dob > episode.value.decom
        {
            problems.push(Problem::field(
                &*episode.loc.file,
                episode.loc.line,
                "DECOM",
                format!(
                    "care starts on {} but child {} was born on {} (Header line {})",
                    format_dmy(episode.value.decom),
                    episode.child,
                    format_dmy(header_row.value.dob),
                    header_row.loc.line
                ),
            ));
        }
    }
}
