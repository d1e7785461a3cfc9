//! Structural rules every generated borough keeps (the importer rejects violations),
//! checked on 2,000 children over 2016/17 to 2026/27, which spans every change of the
//! code lists the system knows: on the records, and on the written CSV files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use permanence_domain::codes::*;
use permanence_domain::date::{add_days, birthday, parse_dmy};
use permanence_domain::record::Episode;
use permanence_domain::{ChildRecord, CollectionYear, Date};
use permanence_synth::{SynthConfig, generate, write_returns};

const CHILDREN: usize = 2_000;

fn config() -> SynthConfig {
    SynthConfig {
        children: CHILDREN,
        seed: 2022,
        first_year: CollectionYear(2017),
        last_year: CollectionYear(2027),
    }
}

fn borough() -> &'static [ChildRecord] {
    static BOROUGH: OnceLock<Vec<ChildRecord>> = OnceLock::new();
    BOROUGH.get_or_init(|| generate(&config()))
}

fn horizon() -> Date {
    config().last_year.end()
}

/// The collection years whose returns hold the episode.
fn years_of(episode: &Episode) -> impl Iterator<Item = CollectionYear> {
    let first = CollectionYear::containing(episode.decom);
    let last = episode
        .dec
        .map_or(config().last_year, CollectionYear::containing)
        .min(config().last_year);
    (first.0.max(config().first_year.0)..=last.0).map(CollectionYear)
}

#[test]
fn there_are_as_many_children_as_asked_with_distinct_ids() {
    let ids: BTreeSet<&str> = borough().iter().map(|c| c.child.as_str()).collect();
    assert_eq!(ids.len(), CHILDREN);
    assert!(ids.iter().all(|id| id.len() <= 10));
}

#[test]
fn episodes_chain_into_periods_of_care() {
    for child in borough() {
        let episodes = &child.episodes;
        assert!(
            !episodes.is_empty() || !child.care_leaver_outcomes.is_empty(),
            "{}",
            child.child
        );
        let dob = child.header.dob;
        let eighteen = birthday(dob, 18);
        for (i, e) in episodes.iter().enumerate() {
            let id = &child.child;
            assert!(dob < e.decom, "{id}: DECOM {} not after DOB {dob}", e.decom);
            assert!(e.decom < eighteen, "{id}: starts at 18 or over");
            assert!(e.decom <= horizon(), "{id}: starts after the last 31 March");
            assert_eq!(
                e.dec.is_some(),
                e.rec.is_some(),
                "{id}: DEC and REC together"
            );
            if let Some(dec) = e.dec {
                assert!(dec > e.decom, "{id}: episode {} lasts no time", e.decom);
                assert!(dec <= eighteen, "{id}: looked after past 18");
                assert!(dec <= horizon(), "{id}: DEC after the last 31 March");
            } else {
                assert_eq!(
                    i,
                    episodes.len() - 1,
                    "{id}: an open episode that is not the last"
                );
                assert!(
                    e.reason_place_change.is_none(),
                    "{id}: change reason on an open episode"
                );
            }
            if i == 0 {
                assert_eq!(e.rne, ReasonNewEpisode::S, "{id}: first episode not S");
            }
            if let Some(next) = episodes.get(i + 1) {
                let dec = e.dec.expect("only the last episode is open");
                assert!(
                    dec <= next.decom,
                    "{id}: episodes overlap at {}",
                    next.decom
                );
                if e.rec == Some(ReasonEpisodeCeased::X1) {
                    assert_eq!(dec, next.decom, "{id}: X1 not followed the same day");
                    assert_ne!(next.rne, ReasonNewEpisode::S, "{id}: S after X1");
                } else {
                    assert!(dec < next.decom, "{id}: new period the day the last ended");
                    assert_eq!(next.rne, ReasonNewEpisode::S, "{id}: period not starting S");
                }
            } else if let Some(rec) = e.rec {
                assert_ne!(rec, ReasonEpisodeCeased::X1, "{id}: last episode ends X1");
            }
        }
    }
}

#[test]
fn episode_fields_follow_the_dfe_rules() {
    use Placement::*;
    use PlacementProvider::*;
    for child in borough() {
        let id = &child.child;
        let episodes = &child.episodes;
        for (i, e) in episodes.iter().enumerate() {
            // Codes valid in every year whose return shows the row.
            for year in years_of(e) {
                assert!(e.place.valid_in(year), "{id}: {} in {year}", e.place);
                assert!(e.rne.valid_in(year) && e.ls.valid_in(year) && e.cin.valid_in(year));
            }
            if let Some(dec) = e.dec {
                let year = CollectionYear::containing(dec);
                assert!(e.rec.unwrap().valid_in(year), "{id}: {:?} in {year}", e.rec);
                if let Some(reason) = e.reason_place_change {
                    assert!(reason.valid_in(year));
                }
            }
            // Placement provider (rules 213, 529, 527, 528, 530, 531, 550).
            let provider = e.place_provider;
            match e.place {
                T0 | T1 | T2 | T3 | T4 | Z1 | Z11 | Z12 | Z13 | Z14 => {
                    assert_eq!(provider, None, "{id}: provider for {}", e.place)
                }
                P1 => assert_eq!(provider, Some(Pr0), "{id}: P1 not PR0"),
                _ => assert!(
                    provider.is_some() && provider != Some(Pr0),
                    "{id}: {}",
                    e.place
                ),
            }
            if matches!(e.place, R2 | R5) {
                assert!(!matches!(provider, Some(Pr1 | Pr2)));
            }
            if provider == Some(Pr3) {
                assert!(!matches!(
                    e.place,
                    A3 | A4 | A5 | A6 | K1 | K2 | U1 | U2 | U3 | U4 | U5 | U6
                ));
            }
            // URN (rules 218, 222, 230, 242).
            let exempt = matches!(e.place, P1 | P3 | R1 | R2 | R5 | T0 | T1 | T2 | T3 | T4)
                || e.place.is_other_arrangement() && e.place != H5 && e.place != K3;
            if exempt {
                assert_eq!(e.urn, None, "{id}: URN for {}", e.place);
            } else if e.place == H5 {
                let registered = Date::constant(2023, 10, 29);
                let needs = e.dec.is_none_or(|dec| dec >= registered);
                assert!(
                    e.urn.is_some() || !needs,
                    "{id}: H5 without URN from {}",
                    e.decom
                );
                if e.urn.is_some() {
                    assert!(
                        e.decom >= Date::constant(2023, 4, 1),
                        "{id}: H5 URN in 2022/23"
                    );
                }
            } else {
                let urn = e
                    .urn
                    .as_deref()
                    .unwrap_or_else(|| panic!("{id}: no URN for {}", e.place));
                assert!(
                    urn == "XXXXXXX" || (urn.len() == 7 && urn.bytes().all(|b| b.is_ascii_digit())),
                    "{urn}"
                );
                if urn == "XXXXXXX" {
                    assert!(matches!(
                        e.place,
                        A3 | A4 | A5 | A6 | U1 | U2 | U3 | U4 | U5 | U6
                    ));
                }
            }
            // Postcodes: both present; different unless placed with parents (392d).
            let (home, placement) = (
                e.home_post.as_deref().unwrap(),
                e.pl_post.as_deref().unwrap(),
            );
            assert_eq!(
                home == placement,
                e.place == P1,
                "{id}: postcodes {home} {placement}"
            );
            // Placed with parents never under section 20 (378); K3/H5 16+ (370, 371).
            if e.place == P1 {
                assert_ne!(e.ls, LegalStatus::V2, "{id}: P1 under V2");
            }
            if matches!(e.place, K3 | H5) {
                assert!(
                    birthday(child.header.dob, 16) <= e.decom,
                    "{id}: {} under 16",
                    e.place
                );
            }
            if matches!(e.place, A5 | A6) {
                assert_eq!(
                    e.ls,
                    LegalStatus::E1,
                    "{id}: {} without a placement order",
                    e.place
                );
            }
            if matches!(e.place, A3 | A5) {
                assert!(
                    matches!(
                        e.rne,
                        ReasonNewEpisode::S | ReasonNewEpisode::T | ReasonNewEpisode::U
                    ),
                    "{id}: 217"
                );
            }
            // Reasons for placement change (rules 225, 226, 233).
            let next = episodes.get(i + 1);
            let moves = e.rec == Some(ReasonEpisodeCeased::X1)
                && next
                    .is_some_and(|n| n.rne != ReasonNewEpisode::L && n.rne != ReasonNewEpisode::S);
            let temporary = e.place.is_temporary() || next.is_some_and(|n| n.place.is_temporary());
            assert_eq!(
                e.reason_place_change.is_some(),
                moves && !temporary,
                "{id}: REASON_PLACE_CHANGE on episode from {}",
                e.decom
            );
            // The new episode reason matches what changed (rules 434-436).
            if let Some(next) = next.filter(|_| e.rec == Some(ReasonEpisodeCeased::X1)) {
                let placement_changed = next.place != e.place
                    || next.urn != e.urn
                    || next.pl_post != e.pl_post
                    || next.place_provider != e.place_provider;
                let status_changed = next.ls != e.ls;
                match next.rne {
                    ReasonNewEpisode::L => {
                        assert!(
                            status_changed && !placement_changed,
                            "{id}: L at {}: {e:?} {next:?}",
                            next.decom
                        )
                    }
                    ReasonNewEpisode::P | ReasonNewEpisode::T => {
                        assert!(
                            placement_changed && !status_changed,
                            "{id}: P/T at {}: {e:?} {next:?}",
                            next.decom
                        )
                    }
                    ReasonNewEpisode::B | ReasonNewEpisode::U => {
                        assert!(
                            placement_changed && status_changed,
                            "{id}: B/U at {}: {e:?} {next:?}",
                            next.decom
                        )
                    }
                    ReasonNewEpisode::S => unreachable!(),
                }
            }
            // Temporary placements: within a period, back to the same placement (380, 381, 383).
            if e.place.is_temporary() {
                assert_ne!(e.rne, ReasonNewEpisode::S);
                let before = &episodes[i - 1];
                // Open on the last 31 March, or followed by the return.
                if let Some(after) = next {
                    assert_eq!(after.rne, ReasonNewEpisode::P);
                    assert_eq!(
                        (after.place, &after.pl_post),
                        (before.place, &before.pl_post)
                    );
                } else {
                    assert_eq!(e.dec, None, "{id}: period ends in a temporary placement");
                }
            }
            // Emergency statuses keep their limits (361, 362); staying put only at 18 (460).
            if let Some(dec) = e.dec {
                if e.ls == LegalStatus::L1 {
                    assert!(dec <= add_days(e.decom, 3), "{id}: L1 over 72 hours");
                }
                if e.ls == LegalStatus::L2 {
                    assert!(dec <= add_days(e.decom, 21), "{id}: L2 over 21 days");
                }
                if e.rec == Some(ReasonEpisodeCeased::E17) {
                    assert_eq!(dec, birthday(child.header.dob, 18), "{id}: E17 before 18");
                }
            }
        }
    }
}

#[test]
fn other_tables_fit_the_episodes() {
    let last_year = config().last_year;
    for child in borough() {
        let id = &child.child;
        let looked_after = |date: Date| {
            child
                .episodes
                .iter()
                .any(|e| e.decom <= date && e.dec.is_none_or(|d| d > date))
        };
        for review in &child.reviews {
            assert!(review.review <= horizon());
            assert!(
                looked_after(review.review),
                "{id}: review {} out of care",
                review.review
            );
            let under_four = review.review < birthday(child.header.dob, 4);
            assert_eq!(
                review.review_code == Some(ReviewCode::Pn0),
                under_four,
                "{id}: 440/441"
            );
        }
        let mut last_end = None;
        for missing in &child.missing {
            assert!(
                missing.mis_start <= horizon() && looked_after(missing.mis_start),
                "{id}"
            );
            if let Some(end) = missing.mis_end {
                assert!(end >= missing.mis_start && end <= horizon());
                assert!(looked_after(end), "{id}: missing beyond the placement");
            }
            assert!(
                last_end.is_none_or(|e| e < missing.mis_start),
                "{id}: missing overlaps"
            );
            last_end = Some(missing.mis_end.unwrap_or(Date::MAX));
        }
        for row in &child.outcomes {
            assert!(row.year <= last_year);
        }
        for row in &child.care_leaver_outcomes {
            assert!(row.year <= last_year);
            assert!(
                row.activ.unwrap().valid_in(row.year),
                "{id}: {:?} in {}",
                row.activ,
                row.year
            );
        }
        for row in &child.adoptions {
            assert!(row.year <= last_year);
            assert!(child.episodes.iter().any(|e| matches!(
                e.rec,
                Some(ReasonEpisodeCeased::E11 | ReasonEpisodeCeased::E12)
            )));
            assert!(row.date_int <= row.date_match);
        }
        let mut years = BTreeSet::new();
        for row in &child.previous_permanence {
            assert!(
                years.insert(row.year),
                "{id}: two PrevPerm rows in {}",
                row.year
            );
        }
        let adopted = child.episodes.iter().filter(|e| {
            matches!(
                e.rec,
                Some(ReasonEpisodeCeased::E11 | ReasonEpisodeCeased::E12)
            )
        });
        for episode in adopted {
            assert!(
                matches!(
                    episode.place,
                    Placement::A3 | Placement::A4 | Placement::A5 | Placement::A6
                ),
                "{id}: 390"
            );
        }
        let mut open = 0;
        for (i, worker) in child.social_worker_episodes.iter().enumerate() {
            assert!(worker.sw_id.starts_with("SW") && worker.sw_id.len() >= 4);
            assert!(worker.sw_decom <= horizon());
            match worker.sw_dec {
                Some(dec) => {
                    assert!(dec > worker.sw_decom && dec <= horizon());
                    if let Some(next) = child.social_worker_episodes.get(i + 1) {
                        assert!(next.sw_decom >= dec);
                    }
                }
                None => open += 1,
            }
        }
        assert!(open <= 1, "{id}: {open} open social-worker episodes");
        if let (Some(true), Some(born)) = (child.header.mother, child.header.mc_dob) {
            assert!(born <= horizon() && looked_after(born));
        }
        if let Some(duc) = child.uasc_until {
            assert_eq!(duc, birthday(child.header.dob, 18));
        }
    }
}

#[test]
fn care_leaver_rows_are_for_those_who_left_before_the_birthday() {
    for child in borough() {
        let last = child.episodes.last();
        for row in &child.care_leaver_outcomes {
            let last = last.expect("care leavers were looked after");
            let left = last.dec.expect("care leavers have left");
            // The 17th-21st birthday in the row's year came after leaving care.
            let birthdays: Vec<Date> = (17..=21)
                .map(|age| birthday(child.header.dob, age))
                .collect();
            assert!(
                birthdays
                    .iter()
                    .any(|b| CollectionYear::containing(*b) == row.year && *b > left),
                "{}: OC3 in {} but left {}",
                child.child,
                row.year,
                left
            );
        }
    }
}

/// Reads one written CSV file as rows of named fields.
fn read(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            headers
                .iter()
                .map(String::from)
                .zip(record.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn check<C: Code>(
    rows: &[BTreeMap<String, String>],
    column: &str,
    year: CollectionYear,
    file: &str,
) {
    for row in rows {
        let text = &row[column];
        if !text.is_empty() {
            assert!(
                parse_code::<C>(text, year).is_ok(),
                "{file}: {column} {text} is not valid in {year}"
            );
        }
    }
}

#[test]
fn written_returns_hold_valid_codes_and_every_child() {
    let config = config();
    let dir = tempfile::tempdir().unwrap();
    let summaries = write_returns(&config, borough(), dir.path()).unwrap();
    assert_eq!(summaries.len(), 11);
    let mut children = BTreeSet::new();
    for year in config.years() {
        let folder = dir.path().join(permanence_synth::year_folder(year));
        let f = |name: &str| folder.join(name);
        let header = read(&f("header.csv"));
        check::<Sex>(&header, "SEX", year, "header.csv");
        check::<Ethnicity>(&header, "ETHNIC", year, "header.csv");
        for row in &header {
            assert!(
                children.insert((year, row["CHILD"].clone())),
                "two header rows"
            );
            let upn = &row["UPN"];
            assert!(upn.starts_with("UN") || upn.len() == 13, "{upn}");
            parse_dmy(&row["DOB"]).unwrap();
        }
        let episodes = read(&f("episodes.csv"));
        for column in [
            "RNE",
            "LS",
            "CIN",
            "PLACE",
            "PLACE_PROVIDER",
            "REC",
            "REASON_PLACE_CHANGE",
        ] {
            match column {
                "RNE" => check::<ReasonNewEpisode>(&episodes, column, year, "episodes.csv"),
                "LS" => check::<LegalStatus>(&episodes, column, year, "episodes.csv"),
                "CIN" => check::<CategoryOfNeed>(&episodes, column, year, "episodes.csv"),
                "PLACE" => check::<Placement>(&episodes, column, year, "episodes.csv"),
                "PLACE_PROVIDER" => {
                    check::<PlacementProvider>(&episodes, column, year, "episodes.csv")
                }
                "REC" => check::<ReasonEpisodeCeased>(&episodes, column, year, "episodes.csv"),
                _ => check::<ReasonPlaceChange>(&episodes, column, year, "episodes.csv"),
            }
        }
        // Within the year: in child then date order, at most one open episode per child,
        // nothing after 31 March, an open episode has no change reason.
        let (start, end) = (year.start(), year.end());
        let mut open: BTreeMap<&str, usize> = BTreeMap::new();
        let mut previous: Option<(&str, Date)> = None;
        let ids: BTreeSet<&str> = header.iter().map(|r| r["CHILD"].as_str()).collect();
        for row in &episodes {
            let child = row["CHILD"].as_str();
            assert!(ids.contains(child), "episode of a child with no header row");
            let decom = parse_dmy(&row["DECOM"]).unwrap();
            assert!(decom <= end);
            if let Some((p_child, p_decom)) = previous {
                assert!((p_child, p_decom) < (child, decom), "episodes out of order");
            }
            previous = Some((child, decom));
            if row["DEC"].is_empty() {
                *open.entry(child).or_default() += 1;
                assert!(row["REC"].is_empty() && row["REASON_PLACE_CHANGE"].is_empty());
            } else {
                let dec = parse_dmy(&row["DEC"]).unwrap();
                assert!(start <= dec && dec <= end);
            }
        }
        assert!(open.values().all(|&n| n == 1));
        check::<ReviewCode>(&read(&f("reviews.csv")), "REVIEW_CODE", year, "reviews.csv");
        check::<SdqReason>(&read(&f("oc2.csv")), "SDQ_REASON", year, "oc2.csv");
        let oc3 = read(&f("oc3.csv"));
        check::<InTouch>(&oc3, "IN_TOUCH", year, "oc3.csv");
        check::<Activity>(&oc3, "ACTIV", year, "oc3.csv");
        check::<Accommodation>(&oc3, "ACCOM", year, "oc3.csv");
        let ad1 = read(&f("ad1.csv"));
        check::<SexOfAdopters>(&ad1, "SEX_ADOPTR", year, "ad1.csv");
        check::<LegalStatusOfAdopters>(&ad1, "LS_ADOPTR", year, "ad1.csv");
        check::<ReasonPlacedCeased>(
            &read(&f("placed_for_adoption.csv")),
            "REASON_PLACED_CEASED",
            year,
            "placed_for_adoption.csv",
        );
        check::<PreviousPermanence>(
            &read(&f("previous_permanence.csv")),
            "PREV_PERM",
            year,
            "previous_permanence.csv",
        );
        check::<MissingType>(&read(&f("missing.csv")), "MISSING", year, "missing.csv");
        if year.0 >= 2024 {
            let workers = read(&f("sw_episodes.csv"));
            check::<SocialWorkerChangeReason>(&workers, "SW_REASON", year, "sw_episodes.csv");
            // The latest social-worker episode of each child is open (SW17).
            let mut latest: BTreeMap<&str, (Date, bool)> = BTreeMap::new();
            for row in &workers {
                let decom = parse_dmy(&row["SW_DECOM"]).unwrap();
                let entry = latest
                    .entry(row["CHILD"].as_str())
                    .or_insert((decom, false));
                if decom >= entry.0 {
                    *entry = (decom, row["SW_DEC"].is_empty());
                }
            }
            assert!(latest.values().all(|(_, open)| *open), "{year}: SW17");
        }
        if year.0 >= 2027 {
            assert!(f("DoLo.csv").exists());
        }
    }
    let distinct: BTreeSet<&String> = children.iter().map(|(_, child)| child).collect();
    assert_eq!(distinct.len(), CHILDREN, "children in the returns");
}

#[test]
fn returns_overlap_on_the_open_episode() {
    // The episode open on 31 March is in the next return with the same DECOM.
    let dir = tempfile::tempdir().unwrap();
    write_returns(&config(), borough(), dir.path()).unwrap();
    let earlier = read(&dir.path().join("2024_25/episodes.csv"));
    let later = read(&dir.path().join("2025_26/episodes.csv"));
    let later_keys: BTreeSet<(String, String)> = later
        .iter()
        .map(|r| (r["CHILD"].clone(), r["DECOM"].clone()))
        .collect();
    let open: Vec<_> = earlier.iter().filter(|r| r["DEC"].is_empty()).collect();
    assert!(open.len() > 100);
    for row in open {
        assert!(later_keys.contains(&(row["CHILD"].clone(), row["DECOM"].clone())));
    }
}
