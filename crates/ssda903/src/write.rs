//! Writing a collection year's SSDA903 return as the DfE's CSV files, from children's
//! full-history records.
//!
//! [`write_return`] writes the return a council would have extracted at 31 March of
//! `year`: the rows each table holds follow "Which rows each file holds" in
//! `shared/ssda903-format.md` (and the DfE validation rules it cites):
//!
//! - Episodes: every episode open at any time in the year (`DECOM` on or before 31 March
//!   and `DEC` blank or on or after 1 April), with its original `DECOM`. An episode that
//!   ceased after 31 March is written as still open: `DEC`, `REC` and
//!   `REASON_PLACE_CHANGE` blank (rule 233 forbids a change reason on an open episode).
//! - Header: every child with an episode in the year, and care leavers with an OC3 row
//!   for the year. Care leavers with no episode in the year get no motherhood details
//!   (rule 628); a first child born after 31 March is not yet known (`MOTHER` 0).
//! - Reviews: dated in the year. Missing, PlacedAdoption, SWEpisodes and DoLo: periods
//!   open at any time in the year (a period still open on 31 March is repeated the next
//!   year, rule 576; its end is blank while it lies after 31 March).
//! - AD1, PrevPerm, OC2 and OC3: the rows whose collection year is `year`.
//! - Reviews, Missing, AD1, PlacedAdoption, PrevPerm, OC2, UASC, SWEpisodes and DoLo
//!   only for children with an episode in the year (rules 1012, 1014).
//! - UASC: children with an episode in the year and a `DUC` (the 18th birthday).
//! - `sw_episodes.csv` only from 2023/24, `DoLo.csv` only from 2026/27.
//!
//! Output is deterministic: children in `CHILD` order, each table's rows by date, dates as
//! `dd/mm/yyyy`, codes as the year's list writes them (`SEX` converted with
//! [`Sex::for_year`](permanence_domain::codes::Sex::for_year)), `\n` line endings. The same input gives byte-identical files.
//!
//! The writer writes codes as given: it does not check them against the year's lists
//! (the reader does that).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use permanence_domain::codes::Code;
use permanence_domain::record::Episode;
use permanence_domain::{ChildRecord, CollectionYear, Date};

use crate::tables::Table;

/// How many rows one file of a written return holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSummary {
    /// The table.
    pub table: Table,
    /// Data rows written (the header row not counted).
    pub rows: usize,
}

/// What [`write_return`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteSummary {
    /// The collection year of the return.
    pub year: CollectionYear,
    /// One entry per file written, in [`Table::ALL`] order.
    pub tables: Vec<TableSummary>,
}

impl WriteSummary {
    /// Rows written to `table`'s file; `None` when the year's return has no such file.
    pub fn rows(&self, table: Table) -> Option<usize> {
        self.tables
            .iter()
            .find(|summary| summary.table == table)
            .map(|summary| summary.rows)
    }

    /// Children in the return (rows of `header.csv`).
    pub fn children(&self) -> usize {
        self.rows(Table::Header).unwrap_or(0)
    }
}

/// Whether `year`'s return has a file for `table` (SWEpisodes from 2023/24, DoLo from
/// 2026/27).
pub fn has_table(year: CollectionYear, table: Table) -> bool {
    year >= table.first_year()
}

/// Writes `year`'s return into `dir` (created if missing) as the DfE's CSV files, one
/// per table, named as councils usually name them (`header.csv`, `episodes.csv`, ...).
/// Existing files of the same names are replaced.
pub fn write_return(
    dir: &Path,
    year: CollectionYear,
    children: &[ChildRecord],
) -> io::Result<WriteSummary> {
    std::fs::create_dir_all(dir)?;
    let tables: Vec<Table> = Table::ALL
        .into_iter()
        .filter(|&table| has_table(year, table))
        .collect();
    let mut writers = Vec::with_capacity(tables.len());
    for &table in &tables {
        let file = File::create(dir.join(table.file_name()))?;
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(BufWriter::with_capacity(1 << 16, file));
        writer.write_record(table.columns())?;
        writers.push(TableWriter {
            table,
            writer,
            rows: 0,
        });
    }
    let mut out = Writers(writers);

    // Children in CHILD order; equal ids keep their input order.
    let mut order: Vec<&ChildRecord> = children.iter().collect();
    order.sort_by(|a, b| a.child.cmp(&b.child));
    let window = Window::of(year);
    for child in order {
        write_child(&mut out, &window, year, child)?;
    }

    let mut summary = WriteSummary {
        year,
        tables: Vec::with_capacity(out.0.len()),
    };
    for table_writer in out.0 {
        summary.tables.push(TableSummary {
            table: table_writer.table,
            rows: table_writer.rows,
        });
        let mut writer = table_writer.writer;
        writer.flush()?;
        let mut buffered = writer
            .into_inner()
            .map_err(|error| io::Error::other(error.to_string()))?;
        buffered.flush()?;
    }
    Ok(summary)
}

/// The collection year's first and last days.
struct Window {
    start: Date,
    end: Date,
}

impl Window {
    fn of(year: CollectionYear) -> Window {
        Window {
            start: year.start(),
            end: year.end(),
        }
    }

    /// Whether something running from `from` to `to` (open when `None`) is open at any
    /// time in the year. A period ending on 1 April was open on 1 April.
    fn overlaps(&self, from: Date, to: Option<Date>) -> bool {
        from <= self.end && to.is_none_or(|to| to >= self.start)
    }

    fn contains(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }

    /// An end date as the return on 31 March shows it: blank while still in the future.
    fn known(&self, date: Option<Date>) -> Option<Date> {
        date.filter(|&date| date <= self.end)
    }
}

struct TableWriter {
    table: Table,
    writer: csv::Writer<BufWriter<File>>,
    rows: usize,
}

struct Writers(Vec<TableWriter>);

impl Writers {
    /// Writes one row to `table`'s file, if the year's return has that file.
    fn row<'a>(
        &mut self,
        table: Table,
        fields: impl IntoIterator<Item = Field<'a>>,
    ) -> io::Result<()> {
        let Some(table_writer) = self.0.iter_mut().find(|w| w.table == table) else {
            return Ok(());
        };
        for field in fields {
            match field {
                Field::Text(text) => table_writer.writer.write_field(text)?,
                Field::Date(date) => table_writer.writer.write_field(dmy(date))?,
                Field::Number(number) => table_writer.writer.write_field(number.to_string())?,
            }
        }
        table_writer.writer.write_record(None::<&[u8]>)?;
        table_writer.rows += 1;
        Ok(())
    }
}

/// One cell.
enum Field<'a> {
    Text(&'a str),
    Date(Date),
    Number(u32),
}

fn text(value: Option<&str>) -> Field<'_> {
    Field::Text(value.unwrap_or(""))
}

fn code<C: Code>(value: Option<C>) -> Field<'static> {
    Field::Text(value.map_or("", Code::code))
}

fn date(value: Option<Date>) -> Field<'static> {
    value.map_or(Field::Text(""), Field::Date)
}

fn flag(value: Option<bool>) -> Field<'static> {
    Field::Text(match value {
        Some(true) => "1",
        Some(false) => "0",
        None => "",
    })
}

fn number(value: Option<u8>) -> Field<'static> {
    value.map_or(Field::Text(""), |n| Field::Number(u32::from(n)))
}

/// `dd/mm/yyyy` without allocating.
fn dmy(date: Date) -> [u8; 10] {
    let (d, m, y) = (date.day() as u8, date.month() as u8, date.year() as u16);
    [
        b'0' + d / 10,
        b'0' + d % 10,
        b'/',
        b'0' + m / 10,
        b'0' + m % 10,
        b'/',
        b'0' + (y / 1000 % 10) as u8,
        b'0' + (y / 100 % 10) as u8,
        b'0' + (y / 10 % 10) as u8,
        b'0' + (y % 10) as u8,
    ]
}

fn in_year(window: &Window, episode: &Episode) -> bool {
    window.overlaps(episode.decom, episode.dec)
}

fn write_child(
    out: &mut Writers,
    window: &Window,
    year: CollectionYear,
    child: &ChildRecord,
) -> io::Result<()> {
    let id = child.child.as_str();
    let header = &child.header;
    let looked_after = child.episodes.iter().any(|e| in_year(window, e));
    let mut care_leaver_rows: Vec<_> = child
        .care_leaver_outcomes
        .iter()
        .filter(|row| row.year == year)
        .collect();
    if !looked_after && care_leaver_rows.is_empty() {
        return Ok(());
    }
    let sex = header.sex.for_year(year);

    // Header. Motherhood is asked of children looked after in the year (rule 628), and
    // a first child born after 31 March is not yet known.
    let (mother, mc_dob) = if looked_after {
        match (header.mother, header.mc_dob) {
            (Some(true), Some(born)) if born > window.end => (Some(false), None),
            (mother, mc_dob) => (mother, mc_dob),
        }
    } else {
        (None, None)
    };
    out.row(
        Table::Header,
        [
            Field::Text(id),
            Field::Text(sex.code()),
            Field::Date(header.dob),
            Field::Text(header.ethnic.code()),
            text(header.upn.as_deref()),
            flag(mother),
            date(mc_dob),
        ],
    )?;

    care_leaver_rows.sort_by_key(|row| (row.in_touch, row.activ, row.accom));
    for row in care_leaver_rows {
        out.row(
            Table::Oc3,
            [
                Field::Text(id),
                Field::Date(header.dob),
                code(row.in_touch),
                code(row.activ),
                code(row.accom),
            ],
        )?;
    }
    if !looked_after {
        return Ok(());
    }

    let mut episodes: Vec<&Episode> = child
        .episodes
        .iter()
        .filter(|e| in_year(window, e))
        .collect();
    episodes.sort_by_key(|e| e.decom);
    for episode in episodes {
        let ceased = window.known(episode.dec).is_some();
        out.row(
            Table::Episodes,
            [
                Field::Text(id),
                Field::Date(episode.decom),
                Field::Text(episode.rne.code()),
                Field::Text(episode.ls.code()),
                Field::Text(episode.cin.code()),
                Field::Text(episode.place.code()),
                code(episode.place_provider),
                date(window.known(episode.dec)),
                code(episode.rec.filter(|_| ceased)),
                code(episode.reason_place_change.filter(|_| ceased)),
                text(episode.home_post.as_deref()),
                text(episode.pl_post.as_deref()),
                text(episode.urn.as_deref()),
            ],
        )?;
    }

    let mut reviews: Vec<_> = child
        .reviews
        .iter()
        .filter(|r| window.contains(r.review))
        .collect();
    reviews.sort_by_key(|r| r.review);
    for review in reviews {
        out.row(
            Table::Reviews,
            [
                Field::Text(id),
                Field::Date(header.dob),
                Field::Date(review.review),
                code(review.review_code),
            ],
        )?;
    }

    if let Some(duc) = child.uasc_until {
        out.row(
            Table::Uasc,
            [
                Field::Text(id),
                Field::Text(sex.code()),
                Field::Date(header.dob),
                Field::Date(duc),
            ],
        )?;
    }

    for row in child.outcomes.iter().filter(|row| row.year == year) {
        out.row(
            Table::Oc2,
            [
                Field::Text(id),
                Field::Date(header.dob),
                number(row.sdq_score),
                code(row.sdq_reason),
                flag(row.convicted),
                flag(row.health_check),
                flag(row.immunisations),
                flag(row.teeth_check),
                flag(row.health_assessment),
                flag(row.substance_misuse),
                flag(row.intervention_received),
                flag(row.intervention_offered),
            ],
        )?;
    }

    for row in child.adoptions.iter().filter(|row| row.year == year) {
        out.row(
            Table::Ad1,
            [
                Field::Text(id),
                Field::Date(header.dob),
                date(row.date_int),
                date(row.date_match),
                flag(row.foster_care),
                number(row.nb_adoptr),
                code(row.sex_adoptr),
                code(row.ls_adoptr),
            ],
        )?;
    }

    let mut decisions: Vec<_> = child
        .placed_for_adoption
        .iter()
        .filter(|row| window.overlaps(row.date_placed, row.date_placed_ceased))
        .collect();
    decisions.sort_by_key(|row| row.date_placed);
    for row in decisions {
        let ceased = window.known(row.date_placed_ceased);
        out.row(
            Table::PlacedAdoption,
            [
                Field::Text(id),
                Field::Date(header.dob),
                Field::Date(row.date_placed),
                date(ceased),
                code(row.reason_placed_ceased.filter(|_| ceased.is_some())),
            ],
        )?;
    }

    for row in child
        .previous_permanence
        .iter()
        .filter(|row| row.year == year)
    {
        out.row(
            Table::PrevPerm,
            [
                Field::Text(id),
                Field::Date(header.dob),
                code(row.prev_perm),
                text(row.la_perm.as_deref()),
                text(row.date_perm.as_deref()),
            ],
        )?;
    }

    let mut missing: Vec<_> = child
        .missing
        .iter()
        .filter(|row| window.overlaps(row.mis_start, row.mis_end))
        .collect();
    missing.sort_by_key(|row| (row.mis_start, row.mis_end));
    for row in missing {
        out.row(
            Table::Missing,
            [
                Field::Text(id),
                Field::Date(header.dob),
                Field::Text(row.missing.code()),
                Field::Date(row.mis_start),
                date(window.known(row.mis_end)),
            ],
        )?;
    }

    if has_table(year, Table::SwEpisodes) {
        let mut workers: Vec<_> = child
            .social_worker_episodes
            .iter()
            .filter(|row| window.overlaps(row.sw_decom, row.sw_dec))
            .collect();
        workers.sort_by(|a, b| (a.sw_decom, &a.sw_id).cmp(&(b.sw_decom, &b.sw_id)));
        for row in workers {
            out.row(
                Table::SwEpisodes,
                [
                    Field::Text(id),
                    Field::Date(header.dob),
                    Field::Text(&row.sw_id),
                    Field::Date(row.sw_decom),
                    date(window.known(row.sw_dec)),
                    code(row.sw_reason),
                ],
            )?;
        }
    }

    if has_table(year, Table::DoLo) {
        let mut orders: Vec<_> = child
            .deprivation_of_liberty
            .iter()
            .filter(|row| window.overlaps(row.dolo_start, row.dolo_end))
            .collect();
        orders.sort_by_key(|row| (row.dolo_start, row.dolo_end));
        for row in orders {
            out.row(
                Table::DoLo,
                [
                    Field::Text(id),
                    Field::Date(header.dob),
                    Field::Date(row.dolo_start),
                    date(window.known(row.dolo_end)),
                ],
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use permanence_domain::codes::*;
    use permanence_domain::record::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    fn episode(decom: Date, rne: ReasonNewEpisode, place: Placement) -> Episode {
        Episode {
            decom,
            rne,
            ls: LegalStatus::C2,
            cin: CategoryOfNeed::N1,
            place,
            place_provider: Some(PlacementProvider::Pr1),
            dec: None,
            rec: None,
            reason_place_change: None,
            home_post: Some("RM9 4AB".into()),
            pl_post: Some("RM8 2XY".into()),
            urn: Some("1234567".into()),
            year: CollectionYear(2026),
        }
    }

    fn child(id: &str, sex: Sex, episodes: Vec<Episode>) -> ChildRecord {
        ChildRecord {
            child: id.into(),
            header: Header {
                sex,
                dob: d(2012, 6, 15),
                ethnic: Ethnicity::Wbri,
                upn: Some("A123456789012".into()),
                mother: None,
                mc_dob: None,
            },
            uasc_until: None,
            episodes,
            reviews: vec![],
            missing: vec![],
            outcomes: vec![],
            care_leaver_outcomes: vec![],
            adoptions: vec![],
            placed_for_adoption: vec![],
            previous_permanence: vec![],
            social_worker_episodes: vec![],
            deprivation_of_liberty: vec![],
        }
    }

    /// A child whose first placement ends on 10 May 2025 (after 31 March 2025) with a
    /// change reason, followed by a second placement still open.
    fn spanning_child() -> ChildRecord {
        let mut first = episode(d(2024, 11, 2), ReasonNewEpisode::S, Placement::U6);
        first.dec = Some(d(2025, 5, 10));
        first.rec = Some(ReasonEpisodeCeased::X1);
        first.reason_place_change = Some(ReasonPlaceChange::Carpl);
        let second = episode(d(2025, 5, 10), ReasonNewEpisode::P, Placement::U4);
        child("C001", Sex::Male, vec![first, second])
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn episode_spanning_31_march_is_in_both_years_and_open_in_the_earlier() {
        let dir = tempfile::tempdir().unwrap();
        let children = [spanning_child()];
        let y2025 = dir.path().join("2024_25");
        let y2026 = dir.path().join("2025_26");
        write_return(&y2025, CollectionYear(2025), &children).unwrap();
        write_return(&y2026, CollectionYear(2026), &children).unwrap();

        let earlier = read(&y2025.join("episodes.csv"));
        assert_eq!(
            earlier,
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
             C001,02/11/2024,S,C2,N1,U6,PR1,,,,RM9 4AB,RM8 2XY,1234567\n"
        );
        let later = read(&y2026.join("episodes.csv"));
        assert_eq!(
            later,
            "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n\
             C001,02/11/2024,S,C2,N1,U6,PR1,10/05/2025,X1,CARPL,RM9 4AB,RM8 2XY,1234567\n\
             C001,10/05/2025,P,C2,N1,U4,PR1,,,,RM9 4AB,RM8 2XY,1234567\n"
        );
        // Not in care in 2023/24: no rows at all.
        let y2024 = dir.path().join("2023_24");
        let summary = write_return(&y2024, CollectionYear(2024), &children).unwrap();
        assert_eq!(summary.children(), 0);
        assert_eq!(summary.rows(Table::Episodes), Some(0));
    }

    #[test]
    fn episode_ceasing_on_1_april_belongs_to_the_new_year() {
        let mut only = episode(d(2024, 11, 2), ReasonNewEpisode::S, Placement::U6);
        only.dec = Some(d(2025, 4, 1));
        only.rec = Some(ReasonEpisodeCeased::E4A);
        let mut ended = episode(d(2023, 1, 2), ReasonNewEpisode::S, Placement::U6);
        ended.dec = Some(d(2024, 3, 31));
        ended.rec = Some(ReasonEpisodeCeased::E4A);
        let children = [child("C1", Sex::Female, vec![ended, only])];
        let dir = tempfile::tempdir().unwrap();
        let summary = write_return(dir.path(), CollectionYear(2026), &children).unwrap();
        assert_eq!(summary.rows(Table::Episodes), Some(1));
        let summary = write_return(dir.path(), CollectionYear(2025), &children).unwrap();
        assert_eq!(summary.rows(Table::Episodes), Some(1));
        assert!(read(&dir.path().join("episodes.csv")).contains("02/11/2024,S,C2,N1,U6,PR1,,,"));
    }

    #[test]
    fn files_have_the_dfe_columns_and_only_the_years_tables() {
        let dir = tempfile::tempdir().unwrap();
        let summary = write_return(dir.path(), CollectionYear(2023), &[spanning_child()]).unwrap();
        assert_eq!(summary.tables.len(), 10);
        assert!(!dir.path().join("sw_episodes.csv").exists());
        assert!(!dir.path().join("DoLo.csv").exists());
        let expected = [
            ("header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"),
            (
                "episodes.csv",
                "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN",
            ),
            ("reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE"),
            ("uasc.csv", "CHILD,SEX,DOB,DUC"),
            (
                "oc2.csv",
                "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED",
            ),
            ("oc3.csv", "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM"),
            (
                "ad1.csv",
                "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR",
            ),
            (
                "placed_for_adoption.csv",
                "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED",
            ),
            (
                "previous_permanence.csv",
                "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM",
            ),
            ("missing.csv", "CHILD,DOB,MISSING,MIS_START,MIS_END"),
        ];
        for (file, columns) in expected {
            let content = read(&dir.path().join(file));
            assert_eq!(content.lines().next(), Some(columns), "{file}");
            assert!(!content.contains('\r'), "{file}");
        }

        let dir = tempfile::tempdir().unwrap();
        let summary = write_return(dir.path(), CollectionYear(2027), &[spanning_child()]).unwrap();
        assert_eq!(summary.tables.len(), 12);
        assert_eq!(
            read(&dir.path().join("sw_episodes.csv")).lines().next(),
            Some("CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON")
        );
        assert_eq!(
            read(&dir.path().join("DoLo.csv")).lines().next(),
            Some("CHILD,DOB,DOLO_START,DOLO_END")
        );
    }

    #[test]
    fn sex_is_written_in_the_years_list() {
        let children = [
            spanning_child(),
            child(
                "C002",
                Sex::Female2,
                vec![episode(d(2024, 1, 1), ReasonNewEpisode::S, Placement::U4)],
            ),
        ];
        let dir = tempfile::tempdir().unwrap();
        write_return(dir.path(), CollectionYear(2025), &children).unwrap();
        let header = read(&dir.path().join("header.csv"));
        assert!(header.contains("C001,M,15/06/2012,WBRI"), "{header}");
        assert!(header.contains("C002,F,15/06/2012,WBRI"), "{header}");
        write_return(dir.path(), CollectionYear(2024), &children).unwrap();
        let header = read(&dir.path().join("header.csv"));
        assert_eq!(
            header,
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC002,2,15/06/2012,WBRI,A123456789012,,\n"
        );
    }

    #[test]
    fn care_leavers_get_a_header_row_without_motherhood_and_nothing_else() {
        let mut leaver = child("C9", Sex::Female, vec![]);
        leaver.header.mother = Some(false);
        leaver.care_leaver_outcomes.push(Oc3 {
            year: CollectionYear(2026),
            in_touch: Some(InTouch::Yes),
            activ: Some(Activity::F2),
            accom: Some(Accommodation::U1),
        });
        leaver.reviews.push(Review {
            review: d(2025, 6, 1),
            review_code: Some(ReviewCode::Pn1),
        });
        let dir = tempfile::tempdir().unwrap();
        let summary = write_return(dir.path(), CollectionYear(2026), &[leaver]).unwrap();
        assert_eq!(summary.children(), 1);
        assert_eq!(summary.rows(Table::Reviews), Some(0));
        assert_eq!(
            read(&dir.path().join("header.csv")),
            "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC9,F,15/06/2012,WBRI,A123456789012,,\n"
        );
        assert_eq!(
            read(&dir.path().join("oc3.csv")),
            "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\nC9,15/06/2012,YES,F2,U1\n"
        );
    }

    #[test]
    fn later_events_are_not_yet_known() {
        let mut record = spanning_child();
        record.reviews = vec![
            Review {
                review: d(2025, 3, 31),
                review_code: Some(ReviewCode::Pn1),
            },
            Review {
                review: d(2025, 4, 1),
                review_code: Some(ReviewCode::Pn1),
            },
        ];
        record.missing.push(MissingEpisode {
            missing: MissingType::Missing,
            mis_start: d(2025, 3, 30),
            mis_end: Some(d(2025, 4, 2)),
        });
        record.social_worker_episodes = vec![
            SocialWorkerEpisode {
                sw_id: "SW0001".into(),
                sw_decom: d(2024, 10, 1),
                sw_dec: Some(d(2025, 6, 1)),
                sw_reason: Some(SocialWorkerChangeReason::Fconta),
            },
            SocialWorkerEpisode {
                sw_id: "SW0002".into(),
                sw_decom: d(2025, 6, 1),
                sw_dec: None,
                sw_reason: Some(SocialWorkerChangeReason::Leftrl),
            },
        ];
        let dir = tempfile::tempdir().unwrap();
        let summary = write_return(dir.path(), CollectionYear(2025), &[record.clone()]).unwrap();
        assert_eq!(summary.rows(Table::Reviews), Some(1));
        assert_eq!(
            read(&dir.path().join("missing.csv")),
            "CHILD,DOB,MISSING,MIS_START,MIS_END\nC001,15/06/2012,M,30/03/2025,\n"
        );
        assert_eq!(
            read(&dir.path().join("sw_episodes.csv")),
            "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nC001,15/06/2012,SW0001,01/10/2024,,FCONTA\n"
        );
        let summary = write_return(dir.path(), CollectionYear(2026), &[record]).unwrap();
        assert_eq!(summary.rows(Table::Missing), Some(1));
        assert_eq!(summary.rows(Table::SwEpisodes), Some(2));
        assert_eq!(summary.rows(Table::Reviews), Some(1));
    }

    #[test]
    fn output_is_sorted_and_deterministic() {
        let a = spanning_child();
        let mut b = spanning_child();
        b.child = "A000".into();
        let dir1 = tempfile::tempdir().unwrap();
        let dir2 = tempfile::tempdir().unwrap();
        write_return(dir1.path(), CollectionYear(2026), &[a.clone(), b.clone()]).unwrap();
        write_return(dir2.path(), CollectionYear(2026), &[b, a]).unwrap();
        for table in Table::ALL
            .into_iter()
            .filter(|&t| has_table(CollectionYear(2026), t))
        {
            let one = std::fs::read(dir1.path().join(table.file_name())).unwrap();
            let two = std::fs::read(dir2.path().join(table.file_name())).unwrap();
            assert_eq!(one, two, "{}", table.file_name());
        }
        let episodes = read(&dir1.path().join("episodes.csv"));
        let ids: Vec<&str> = episodes.lines().skip(1).map(|l| &l[..4]).collect();
        assert_eq!(ids, ["A000", "A000", "C001", "C001"]);
    }
}
