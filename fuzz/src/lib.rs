//! What the fuzz targets run, the shape of their inputs, and their seeds.
//!
//! Each target feeds arbitrary bytes to one of Permanence's input parsers and goes as
//! deep as an import does with them, without a filesystem or a database. A panic, a
//! hang or runaway memory anywhere is a bug: bad input must get a located problem. A
//! few invariants the import relies on are asserted too (each problem names a file; what
//! the tracker reader accepts reads back as typed records and writes back as the same
//! CSV).
//!
//! - [`ssda903`]: 903 CSV files for one or more collection years
//!   (`ssda903::read::read_files`), parsed with each year's code lists and merged into
//!   children's records (`ssda903::build_records`), each made a journey.
//! - [`tracker`]: tracker CSV files (`tracker::check_files`: recognised by their
//!   columns, every value checked, keys repeated, references between files and to
//!   children), then typed and assembled (`tracker::build_tracker`) and written back.
//! - [`annex_a`]: an Annex A workbook (`exports::annex_a_import::read_workbook`), then
//!   the bootstrap of the tracker from it (`plan_bootstrap`) over a synthetic tracker.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::{Cursor, Read, Write};
use std::sync::OnceLock;

use permanence_domain::{ChildRecord, CollectionYear, Date, Journey};
use permanence_exports::AnnexAOptions;
use permanence_exports::annex_a_import::{plan_bootstrap, read_workbook};
use permanence_ssda903::build_records;
use permanence_ssda903::read::read_files;
use permanence_synth::SynthConfig;
use permanence_tracker::read::{LIST_SEPARATOR, read_bytes};
use permanence_tracker::record::TrackerRecord;
use permanence_tracker::template::{ColumnKind, Item, Target};
use permanence_tracker::write::csv_text;
use permanence_tracker::{Kind, RawRecord, build_tracker, check_files, tracker_records};

/// Separates the files of one input: NUL never belongs in a CSV file or in XML.
pub const FILE_SEPARATOR: u8 = 0;

/// The day the fuzzed imports run: nothing may be dated after it.
pub const TODAY: Date = Date::constant(2026, 6, 30);

/// The synthetic borough's extract date, and the Annex A workbook's as-of date.
pub const AS_OF: Date = Date::constant(2025, 11, 30);

/// The collection year a file's first byte selects: 2016 to 2028 (2017 to 2027 are
/// supported; the two either side test the refusal). Byte `A` is 2016, `B` 2017, ...
pub fn year_of(byte: u8) -> CollectionYear {
    CollectionYear(2016 + i16::from(byte % 13))
}

/// The byte that selects `year` (see [`year_of`]): `A` + years after 2016.
pub fn year_byte(year: CollectionYear) -> u8 {
    b'A' + u8::try_from(year.0 - 2016).expect("a year from 2016 to 2028")
}

/// The 903 target's input: files separated by [`FILE_SEPARATOR`], each a byte choosing
/// its collection year ([`year_of`]) followed by its content.
pub fn ssda903_files(data: &[u8]) -> Vec<(String, CollectionYear, &[u8])> {
    data.split(|b| *b == FILE_SEPARATOR)
        .enumerate()
        .filter_map(|(i, file)| {
            let (&year, content) = file.split_first()?;
            Some((format!("file{i}.csv"), year_of(year), content))
        })
        .collect()
}

/// The tracker target's input: files separated by [`FILE_SEPARATOR`].
pub fn tracker_files(data: &[u8]) -> Vec<(String, &[u8])> {
    data.split(|b| *b == FILE_SEPARATOR)
        .enumerate()
        .map(|(i, file)| (format!("file{i}.csv"), file))
        .collect()
}

/// Every problem names one of the files given, and says something.
fn check_problems(problems: &permanence_ssda903::Problems, names: &[&str]) {
    assert!(!problems.is_empty(), "refused with no problem");
    for problem in &problems.0 {
        assert!(
            names.contains(&problem.file.as_str()),
            "problem names no file given: {problem}"
        );
        assert!(
            !problem.message.is_empty(),
            "problem says nothing: {problem}"
        );
    }
    let _ = problems.to_string();
}

/// The 903 target: reads the files, and if they read, parses and merges them into
/// children's records and makes each a journey, as an import and the store do. Gives
/// whether the files were accepted.
pub fn ssda903(data: &[u8]) -> bool {
    let files = ssda903_files(data);
    let names: Vec<&str> = files.iter().map(|(name, ..)| name.as_str()).collect();
    let read = match read_files(
        files
            .iter()
            .map(|(name, year, bytes)| (name.as_str(), *year, *bytes)),
    ) {
        Ok(read) => read,
        Err(problems) => {
            check_problems(&problems, &names);
            return false;
        }
    };
    match build_records(&read.returns, Some(TODAY)) {
        Ok(merged) => {
            for record in merged.children {
                let journey = Journey::new(record);
                let _ = journey.episode_on(TODAY);
            }
            true
        }
        Err(problems) => {
            check_problems(&problems, &names);
            false
        }
    }
}

/// The tracker target: reads and checks the files as `permanence import tracker` does
/// (the children in the 903 data being those the records name), and if they are
/// accepted: every record reads as its typed record and back to the same values, the
/// records assemble into the organisation and children's trackers, and each template
/// written as CSV reads back as the same records. Gives whether the files were accepted.
pub fn tracker(data: &[u8]) -> bool {
    let files = tracker_files(data);
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    // The children in the 903 data are those the files name (the fuzzer cannot guess a
    // database's).
    let mut children = BTreeSet::new();
    for (name, bytes) in &files {
        let mut problems = permanence_ssda903::Problems::default();
        if let Some((_, records)) = read_bytes(
            name,
            bytes,
            Some(TODAY),
            &mut Default::default(),
            &mut problems,
            &mut Vec::new(),
        ) {
            for record in &records {
                children.extend(children_named(record));
            }
        }
    }
    let (read, _) = match check_files(
        files.iter().map(|(name, bytes)| (name.as_str(), *bytes)),
        Some(TODAY),
        &[],
        &children,
    ) {
        Ok(checked) => checked,
        Err(problems) => {
            check_problems(&problems, &names);
            return false;
        }
    };
    for record in &read.records {
        let typed = TrackerRecord::from_raw(record)
            .unwrap_or_else(|p| panic!("an accepted record does not read as typed: {p}"));
        assert_eq!(
            typed.to_fields(),
            record.fields().collect::<Vec<_>>(),
            "an accepted {} record changes when typed and written back",
            record.kind
        );
    }
    if let Err(problems) = build_tracker(&read.records) {
        panic!("accepted records do not assemble: {problems}");
    }
    for kind in Kind::ALL {
        let of_kind: Vec<&RawRecord> = read.records.iter().filter(|r| r.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let text = csv_text(kind, &of_kind).expect("CSV text");
        let mut problems = permanence_ssda903::Problems::default();
        let again = read_bytes(
            "again.csv",
            text.as_bytes(),
            Some(TODAY),
            &mut Default::default(),
            &mut problems,
            &mut Vec::new(),
        );
        assert!(
            problems.is_empty(),
            "written {kind} records do not read back: {problems}\n{text}"
        );
        let mut again: Vec<String> = again
            .expect("read back")
            .1
            .iter()
            .map(|r| r.joined().to_string())
            .collect();
        let mut before: Vec<String> = of_kind.iter().map(|r| r.joined().to_string()).collect();
        again.sort();
        before.sort();
        assert_eq!(
            before, again,
            "written {kind} records read back otherwise\n{text}"
        );
    }
    true
}

/// The children a record names: the values of its columns that refer to children.
fn children_named(record: &RawRecord) -> Vec<String> {
    let mut children = Vec::new();
    for (column, value) in record.template().columns.iter().zip(record.fields()) {
        match column.kind {
            ColumnKind::Ref(Target::Child) => children.push(value.to_string()),
            ColumnKind::List(Item::Ref(Target::Child)) => {
                children.extend(value.split(LIST_SEPARATOR).map(String::from));
            }
            _ => {}
        }
    }
    children.retain(|child| !child.is_empty());
    children
}

/// The Annex A workbook's parts the structured mode of [`annex_a`] replaces, in order.
pub const WORKBOOK_PARTS: [&str; 6] = [
    "xl/sharedStrings.xml",
    "xl/worksheets/sheet2.xml",
    "xl/worksheets/sheet3.xml",
    "xl/worksheets/sheet4.xml",
    "xl/styles.xml",
    "xl/workbook.xml",
];

/// The synthetic borough the Annex A target reads workbooks against.
pub struct Borough {
    /// Its config.
    pub config: SynthConfig,
    /// Its children's 903 records as at [`AS_OF`].
    pub records: Vec<ChildRecord>,
    /// Their ids: the children "in the 903 data".
    pub children: BTreeSet<String>,
    /// Its tracker records, as the store would hold them.
    pub stored: Vec<RawRecord>,
    /// Its Annex A workbook as the exporter writes it.
    pub workbook: Vec<u8>,
    /// The workbook's parts (name, content), in the order of the zip file.
    pub parts: Vec<(String, Vec<u8>)>,
}

/// The borough: a dozen children over three years, generated once per process.
pub fn borough() -> &'static Borough {
    static BOROUGH: OnceLock<Borough> = OnceLock::new();
    BOROUGH.get_or_init(|| {
        let last_year = CollectionYear::containing(AS_OF);
        let config = SynthConfig {
            children: 12,
            seed: 903,
            first_year: CollectionYear(last_year.0 - 2),
            last_year,
        };
        let records = permanence_synth::generate_as_at(&config, AS_OF);
        let (organisation, trackers) = permanence_synth::generate_tracker(&config, AS_OF, &records);
        let stored: Vec<RawRecord> = tracker_records(&organisation, &trackers)
            .iter()
            .map(|r| r.to_raw("stored", 0))
            .collect();
        let journeys: Vec<Journey> = records.iter().cloned().map(Journey::new).collect();
        let annex = permanence_exports::build_annex_a(
            &journeys,
            &trackers,
            &organisation,
            &AnnexAOptions {
                as_of: AS_OF,
                produced_on: AS_OF,
                council: None,
                districts: None,
            },
        );
        let workbook = permanence_exports::workbook::annex_a_xlsx(&annex).expect("workbook");
        let mut zip = zip::ZipArchive::new(Cursor::new(&workbook)).expect("the exporter's zip");
        let mut parts = Vec::new();
        for i in 0..zip.len() {
            let mut file = zip.by_index(i).expect("a part");
            let mut content = Vec::new();
            file.read_to_end(&mut content).expect("a part's content");
            parts.push((file.name().expect("a part name").to_string(), content));
        }
        Borough {
            children: records.iter().map(|r| r.child.clone()).collect(),
            config,
            records,
            stored,
            workbook,
            parts,
        }
    })
}

/// A workbook made of the borough's parts, those of [`WORKBOOK_PARTS`] replaced, in
/// order, by the pieces of `data` separated by [`FILE_SEPARATOR`] (stored uncompressed).
pub fn workbook_with(data: &[u8]) -> Vec<u8> {
    let borough = borough();
    let pieces: Vec<&[u8]> = data.split(|b| *b == FILE_SEPARATOR).collect();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, content) in &borough.parts {
        let replaced = WORKBOOK_PARTS
            .iter()
            .position(|part| part == name)
            .and_then(|i| pieces.get(i));
        out.start_file(name.as_str(), options).expect("a part");
        out.write_all(replaced.copied().unwrap_or(content))
            .expect("a part's content");
    }
    out.finish().expect("a zip").into_inner()
}

/// The structured-mode input that gives the borough's own workbook: its parts of
/// [`WORKBOOK_PARTS`], separated by [`FILE_SEPARATOR`].
pub fn workbook_pieces() -> Vec<u8> {
    let borough = borough();
    let mut data = Vec::new();
    for (i, part) in WORKBOOK_PARTS.iter().enumerate() {
        if i > 0 {
            data.push(FILE_SEPARATOR);
        }
        let (_, content) = borough
            .parts
            .iter()
            .find(|(name, _)| name == part)
            .unwrap_or_else(|| panic!("the exporter's workbook has no {part}"));
        data.extend_from_slice(content);
    }
    data
}

/// Lets a panic raised inside calamine unwind, where libFuzzer's panic hook would
/// abort the process at once: `read_workbook` guards its calls to calamine and turns a
/// panic there (as on a cell reference too long for calamine's column number, where
/// overflow is checked) into a refusal of the file. A calamine panic that nothing
/// catches still ends the run, as the fuzz target aborts on any panic reaching it; any
/// other panic aborts as before. Call it after libFuzzer has set its hook.
pub fn let_calamine_panics_unwind() {
    let abort = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_calamine = info
            .location()
            .is_some_and(|location| location.file().contains("/calamine-"));
        if !in_calamine {
            abort(info);
        }
    }));
}

/// The Annex A target. The first byte chooses the mode: even, the rest is a workbook
/// file (xlsx, xls or ods: mostly the zip and compression layers); odd, the rest is
/// the XML of the workbook's parts ([`workbook_with`]: the sheets, their headings and
/// cells). A workbook that reads is then bootstrapped over the borough's tracker.
/// Gives whether the workbook was accepted.
pub fn annex_a(data: &[u8]) -> bool {
    let Some((&mode, rest)) = data.split_first() else {
        return false;
    };
    let borough = borough();
    let bytes: Cow<'_, [u8]> = if mode % 2 == 0 {
        Cow::Borrowed(rest)
    } else {
        Cow::Owned(workbook_with(rest))
    };
    let workbook = match read_workbook(&bytes, &borough.children) {
        Ok(workbook) => workbook,
        Err(problems) => {
            assert!(!problems.0.is_empty(), "refused with no problem");
            let _ = problems.to_string();
            return false;
        }
    };
    match plan_bootstrap(
        workbook,
        "fuzz.xlsx",
        AS_OF,
        AS_OF,
        &borough.stored,
        &borough.children,
    ) {
        Ok(bootstrap) => {
            assert_eq!(bootstrap.records.len(), bootstrap.changes.len());
            true
        }
        Err(problems) => {
            assert!(!problems.0.is_empty(), "refused with no problem");
            let _ = problems.to_string();
            false
        }
    }
}
