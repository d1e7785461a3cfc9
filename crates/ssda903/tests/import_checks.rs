//! Reading, checking and merging 903 files, including every kind of bad input: each must
//! give a located, plain-English problem.

use std::path::{Path, PathBuf};

use permanence_domain::codes::{Placement, ReasonEpisodeCeased};
use permanence_domain::{CollectionYear, Date, Journey};
use permanence_ssda903::read::read_paths;
use permanence_ssda903::{Problems, build_records};

const HEADER: &str = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
C1,M,05/03/2015,WBRI,,,
C2,F,10/10/2019,BAFR,UN1,,
";
const EPISODES_COLUMNS: &str =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN";
const EPISODES_ROWS: &str =
    "C1,01/06/2025,S,C2,N1,U6,PR1,01/09/2025,X1,CARPL,RM9 4AB,RM10 7XY,1234567
C1,01/09/2025,P,C2,N1,U4,PR1,,,,RM9 4AB,RM10 8XY,1234568
C2,15/01/2026,S,V2,N4,U6,PR4,,,,E6 1AA,E6 2BB,2345678
";
const REVIEWS: &str = "CHILD,DOB,REVIEW,REVIEW_CODE
C1,05/03/2015,20/06/2025,PN1
";

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    /// A valid 2025/26 return with two children.
    fn valid() -> Fixture {
        let fixture = Fixture {
            dir: tempfile::tempdir().unwrap(),
        };
        fixture.write("2025_26/header.csv", HEADER);
        fixture.write(
            "2025_26/episodes.csv",
            &format!("{EPISODES_COLUMNS}\n{EPISODES_ROWS}"),
        );
        fixture.write("2025_26/reviews.csv", REVIEWS);
        fixture
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        self.write_bytes(name, text.as_bytes())
    }

    fn write_bytes(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn episodes(&self, rows: &str) {
        self.write(
            "2025_26/episodes.csv",
            &format!("{EPISODES_COLUMNS}\n{rows}"),
        );
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn load(&self) -> Result<Vec<Journey>, Problems> {
        let read = read_paths(&[self.root().to_path_buf()], None)?;
        let merged = build_records(&read.returns, Some(TODAY))?;
        Ok(merged.children.into_iter().map(Journey::new).collect())
    }

    /// The problems, one per line, with the temporary folder's path removed.
    fn problems(&self) -> Vec<String> {
        let problems = self.load().expect_err("the input should be refused");
        let root = format!("{}/", self.root().display());
        problems
            .0
            .iter()
            .map(|p| p.to_string().replace(&root, ""))
            .collect()
    }
}

/// The day the tests' imports happen: after every date in the fixtures.
const TODAY: Date = Date::constant(2026, 6, 1);

fn d(y: i16, m: i8, day: i8) -> Date {
    Date::constant(y, m, day)
}

fn assert_one(problems: &[String], expected: &str) {
    assert!(
        problems.iter().any(|p| p.contains(expected)),
        "expected a problem containing:\n  {expected}\ngot:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn a_valid_return_builds_journeys() {
    let journeys = Fixture::valid().load().unwrap();
    assert_eq!(journeys.len(), 2);
    let c1 = &journeys[0];
    assert_eq!(c1.child(), "C1");
    assert_eq!(c1.periods.len(), 1);
    assert_eq!(c1.placements.len(), 2);
    assert_eq!(
        c1.placement_on(d(2025, 12, 1)).unwrap().place,
        Placement::U4
    );
    assert_eq!(c1.record.reviews.len(), 1);
    assert_eq!(c1.record.episodes[0].rec, Some(ReasonEpisodeCeased::X1));
}

#[test]
fn missing_and_extra_columns_are_named() {
    let fixture = Fixture::valid();
    fixture.write(
        "2025_26/reviews.csv",
        "CHILD,DOB,REVIEW,NOTES\nC1,05/03/2015,20/06/2025,x\n",
    );
    assert_one(
        &fixture.problems(),
        "2025_26/reviews.csv, line 1: looks like the Reviews table but has missing column REVIEW_CODE and unexpected column NOTES",
    );
}

#[test]
fn a_file_no_table_matches_is_refused() {
    let fixture = Fixture::valid();
    fixture.write("2025_26/carers.csv", "NAME,ADDRESS,PHONE\nA,B,C\n");
    assert_one(
        &fixture.problems(),
        "2025_26/carers.csv, line 1: no 903 table has these columns (NAME, ADDRESS, PHONE)",
    );
}

#[test]
fn unknown_codes_list_the_allowed_values() {
    let fixture = Fixture::valid();
    fixture.episodes(&EPISODES_ROWS.replace("U4,PR1", "Q9,PR1"));
    assert_one(
        &fixture.problems(),
        "2025_26/episodes.csv, line 3, column PLACE: 'Q9' is not a PLACE code in the 2025/26 list; expected one of: A3, A4",
    );
}

#[test]
fn impossible_and_misshapen_dates_are_refused() {
    let fixture = Fixture::valid();
    fixture.write("2025_26/reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\nC1,05/03/2015,31/02/2026,PN1\nC1,05/03/2015,2026-01-05,PN1\n");
    let problems = fixture.problems();
    assert_one(
        &problems,
        "2025_26/reviews.csv, line 2, column REVIEW: '31/02/2026' is not a real date (no such day)",
    );
    assert_one(
        &problems,
        "2025_26/reviews.csv, line 3, column REVIEW: '2026-01-05' is not a date; expected dd/mm/yyyy",
    );
}

#[test]
fn empty_files_are_refused() {
    let fixture = Fixture::valid();
    fixture.write("2025_26/missing.csv", "");
    assert_one(
        &fixture.problems(),
        "2025_26/missing.csv: the file is empty",
    );
}

#[test]
fn a_header_only_episodes_file_is_refused_but_optional_tables_may_be_empty() {
    let fixture = Fixture::valid();
    fixture.write(
        "2025_26/missing.csv",
        "CHILD,DOB,MISSING,MIS_START,MIS_END\n",
    );
    assert!(
        fixture.load().is_ok(),
        "an empty Missing table is a normal return"
    );
    fixture.write("2025_26/episodes.csv", &format!("{EPISODES_COLUMNS}\n"));
    assert_one(
        &fixture.problems(),
        "2025_26/episodes.csv: has a header row but no data rows",
    );
}

#[test]
fn codes_are_checked_against_the_files_year() {
    let fixture = Fixture::valid();
    // K3 (registered supported accommodation) exists only from 2024/25.
    fixture.write(
        "2023_24/header.csv",
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC9,1,01/01/2007,WBRI,,,\n",
    );
    fixture.write(
        "2023_24/episodes.csv",
        &format!("{EPISODES_COLUMNS}\nC9,01/06/2023,S,V2,N4,K3,PR4,01/12/2023,E8,,RM9 4AB,RM10 7XY,1234567\n"),
    );
    assert_one(
        &fixture.problems(),
        "2023_24/episodes.csv, line 2, column PLACE: 'K3' is not a PLACE code in the 2023/24 list",
    );
    assert_one(&fixture.problems(), "('K3' is valid in other years' lists)");
}

#[test]
fn duplicate_rows_are_refused() {
    let fixture = Fixture::valid();
    fixture.write(
        "2025_26/reviews.csv",
        &format!("{REVIEWS}C1,05/03/2015,20/06/2025,PN1\n"),
    );
    assert_one(
        &fixture.problems(),
        "2025_26/reviews.csv, line 3: duplicates line 2 exactly",
    );
}

#[test]
fn a_truncated_last_line_is_refused() {
    let fixture = Fixture::valid();
    let text = format!("{EPISODES_COLUMNS}\n{EPISODES_ROWS}C2,15/01/20");
    fixture.write("2025_26/episodes.csv", &text);
    assert_one(
        &fixture.problems(),
        "2025_26/episodes.csv, line 5: has 2 fields but the header has 13 columns (is the line cut short?)",
    );
}

#[test]
fn bytes_that_are_not_utf8_are_located() {
    let fixture = Fixture::valid();
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"C3,F,01/01/2012,WBRI,,,\xE9\n");
    fixture.write_bytes("2025_26/header.csv", &bytes);
    assert_one(
        &fixture.problems(),
        "2025_26/header.csv, line 4, column MC_DOB: contains bytes that are not UTF-8 text (byte 0xE9 at position 1)",
    );
}

#[test]
fn byte_order_marks_windows_line_endings_spaces_and_lower_case_are_tidied_and_counted() {
    let fixture = Fixture::valid();
    let episodes = format!("{EPISODES_COLUMNS}\n{EPISODES_ROWS}")
        .replace("U4,PR1", " u4 ,pr1")
        .replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(episodes.as_bytes());
    fixture.write_bytes("2025_26/episodes.csv", &bytes);
    let read = read_paths(&[fixture.root().to_path_buf()], None).unwrap();
    let n = read.normalisation;
    assert_eq!(
        (
            n.byte_order_marks,
            n.windows_line_endings,
            n.trimmed_values,
            n.lower_case_codes
        ),
        (1, 1, 1, 2)
    );
    let journeys = fixture.load().unwrap();
    assert_eq!(journeys[0].placements[1].place, Placement::U4);
}

#[test]
fn a_child_missing_from_the_header_is_refused() {
    let fixture = Fixture::valid();
    fixture.episodes(&format!(
        "{EPISODES_ROWS}C7,01/02/2026,S,V2,N4,U6,PR4,,,,E6 1AA,E6 2BB,2345678\n"
    ));
    assert_one(
        &fixture.problems(),
        "2025_26/episodes.csv, line 5, column CHILD: child C7 is not in the 2025/26 Header",
    );
}

#[test]
fn an_episode_ending_before_it_starts_is_refused() {
    let fixture = Fixture::valid();
    fixture.episodes("C1,01/06/2025,S,C2,N1,U6,PR1,01/05/2025,E8,,RM9 4AB,RM10 7XY,1234567\n");
    assert_one(
        &fixture.problems(),
        "2025_26/episodes.csv, line 2, column DEC: the episode ends (01/05/2025) before it starts (DECOM 01/06/2025)",
    );
}

#[test]
fn overlapping_episodes_are_refused() {
    let fixture = Fixture::valid();
    fixture.episodes(&EPISODES_ROWS.replace("C1,01/09/2025,P", "C1,01/08/2025,P"));
    assert_one(
        &fixture.problems(),
        "2025_26/episodes.csv, line 3, column DECOM: child C1's episode from 01/08/2025 overlaps the episode from 01/06/2025 to 01/09/2025",
    );
}

#[test]
fn two_open_episodes_are_refused() {
    let fixture = Fixture::valid();
    fixture.episodes(&format!(
        "{EPISODES_ROWS}C2,20/02/2026,P,V2,N4,U4,PR4,,,,E6 1AA,E6 2BB,2345678\n"
    ));
    assert_one(
        &fixture.problems(),
        "child C2 has two open episodes: this one from 20/02/2026 and one from 15/01/2026",
    );
}

#[test]
fn a_birth_after_care_started_is_refused() {
    let fixture = Fixture::valid();
    fixture.write(
        "2025_26/header.csv",
        &HEADER.replace("10/10/2019", "20/01/2026"),
    );
    fixture.write("2025_26/reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\n");
    assert_one(
        &fixture.problems(),
        "2025_26/episodes.csv, line 4, column DECOM: care starts on 15/01/2026 but child C2 was born on 20/01/2026",
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let fixture = Fixture::valid();
    fixture.episodes(
        &EPISODES_ROWS
            .replace("U4,PR1", "Q9,PR1")
            .replace("N4", "N9"),
    );
    fixture.write(
        "2025_26/reviews.csv",
        "CHILD,DOB,REVIEW,REVIEW_CODE\nC1,05/03/2015,31/02/2026,PN1\n",
    );
    let problems = fixture.problems();
    assert_eq!(problems.len(), 3, "{problems:#?}");
}

#[test]
fn the_year_comes_from_the_option_or_the_path_or_is_asked_for() {
    let fixture = Fixture {
        dir: tempfile::tempdir().unwrap(),
    };
    let header = fixture.write("extract/header.csv", HEADER);
    let problems = read_paths(std::slice::from_ref(&header), None).unwrap_err();
    assert!(
        problems.0[0].message.contains("give --year 2026"),
        "{problems}"
    );
    let read = read_paths(&[header], Some(CollectionYear(2026))).unwrap();
    assert_eq!(read.returns[0].year, CollectionYear(2026));
}

#[test]
fn several_years_merge_by_child_and_start_date_and_the_later_return_wins() {
    let fixture = Fixture {
        dir: tempfile::tempdir().unwrap(),
    };
    let header = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,M,05/03/2015,WBRI,,,\n";
    fixture.write("2024_25/header.csv", header);
    // Open at 31 March 2025 in the earlier return, with an out-of-date postcode.
    fixture.write(
        "2024_25/episodes.csv",
        &format!("{EPISODES_COLUMNS}\nC1,01/02/2025,S,C2,N1,U6,PR1,,,,RM9 4AB,RM10 7XY,1234567\n"),
    );
    fixture.write("2025_26/header.csv", header);
    fixture.write(
        "2025_26/episodes.csv",
        &format!(
            "{EPISODES_COLUMNS}\nC1,01/02/2025,S,C2,N1,U6,PR1,01/09/2025,X1,CARPL,RM9 4AB,RM10 9ZZ,1234567\nC1,01/09/2025,P,C2,N1,U4,PR1,,,,RM9 4AB,RM10 8XY,1234568\n"
        ),
    );
    let read = read_paths(&[fixture.root().to_path_buf()], None).unwrap();
    let merged = build_records(&read.returns, Some(TODAY)).unwrap();
    assert_eq!(merged.stats.episodes_in_several_returns, 1);
    assert_eq!(merged.stats.episodes_corrected, 1);
    let journey = Journey::new(merged.children[0].clone());
    assert_eq!(journey.record.episodes.len(), 2);
    assert_eq!(
        journey.record.episodes[0].pl_post.as_deref(),
        Some("RM10 9ZZ")
    );
    assert_eq!(journey.record.episodes[0].dec, Some(d(2025, 9, 1)));
    // Merging the same returns again gives the same records.
    let again = build_records(&read.returns, Some(TODAY)).unwrap();
    assert_eq!(again.children, merged.children);
}

#[test]
fn an_episode_left_open_by_a_return_must_appear_in_the_next() {
    let fixture = Fixture::valid();
    fixture.write(
        "2024_25/header.csv",
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC5,M,05/03/2012,WBRI,,,\n",
    );
    fixture.write(
        "2024_25/episodes.csv",
        &format!("{EPISODES_COLUMNS}\nC5,01/02/2025,S,C2,N1,U6,PR1,,,,RM9 4AB,RM10 7XY,1234567\n"),
    );
    assert_one(
        &fixture.problems(),
        "2024_25/episodes.csv, line 2, column DEC: child C5's episode from 01/02/2025 is open at the end of 2024/25, but the 2025/26 return does not hold the child",
    );
}

#[test]
fn dates_in_the_future_are_refused() {
    let fixture = Fixture::valid();
    fixture.write(
        "2025_26/reviews.csv",
        "CHILD,DOB,REVIEW,REVIEW_CODE\nC1,05/03/2015,20/06/2025,PN1\n",
    );
    fixture.write("2026_27/header.csv", HEADER);
    fixture.episodes(EPISODES_ROWS);
    fixture.write(
        "2026_27/episodes.csv",
        &format!("{EPISODES_COLUMNS}\nC1,01/09/2025,P,C2,N1,U4,PR1,,,,RM9 4AB,RM10 8XY,1234568\nC2,15/01/2026,S,V2,N4,U6,PR4,02/06/2026,E4A,,E6 1AA,E6 2BB,2345678\n"),
    );
    assert_one(
        &fixture.problems(),
        "2026_27/episodes.csv, line 3, column DEC: 02/06/2026 is in the future (after 01/06/2026, the date of this import)",
    );
}
