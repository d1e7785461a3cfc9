//! The de-identified export for regional pooling and benchmarking: every child's
//! journey (periods of care, episodes, placements, legal statuses, reviews, missing
//! episodes), permanence plans and alerts, with
//!
//! - each child id replaced by a keyed pseudonym: the first 16 hex digits of
//!   HMAC-SHA256 of the 903 CHILD id under the council's key, so the same key always
//!   gives the same pseudonym (two exports link up) and without the key the id cannot
//!   be found from it, nor linked to another council's export;
//! - dates of birth reduced to month and year, postcodes to their district (outward code);
//! - names, unique pupil numbers, staff ids and names, teams, record ids and every free
//!   text (meeting outcomes, decision texts, reasons, panel decisions, alert evidence)
//!   removed;
//! - restricted records (`child_details.csv`, `RESTRICTED_TO`) left out altogether;
//!
//! and `manifest.json` describing each file, its columns, and what was removed or
//! reduced. Dates of events are kept: timeliness is what regions compare.

use std::collections::BTreeMap;
use std::path::Path;

use hmac::{Hmac, Mac};
use permanence_domain::codes::{Code, Sex};
use permanence_domain::tracker::ChildTracker;
use permanence_domain::{Date, Journey};
use permanence_store::{Alert, Alerts, Store};
use serde::Serialize;
use sha2::Sha256;

use crate::ExportError;
use crate::annex_a::postcode_district;

/// The shortest key accepted, in bytes.
pub const MIN_KEY_LENGTH: usize = 32;

/// The environment variable that may hold the key.
pub const KEY_VARIABLE: &str = "PERMANENCE_EXPORT_KEY";

/// The file, beside the database, that may hold the key (the web application's and the
/// command line's default).
pub const KEY_FILE: &str = "export.key";

/// The key file beside the database `db`.
pub fn key_file_beside(db: &Path) -> std::path::PathBuf {
    db.parent().map_or_else(
        || Path::new(KEY_FILE).to_path_buf(),
        |dir| dir.join(KEY_FILE),
    )
}

/// The key the council has configured: the [`KEY_VARIABLE`] environment variable, or else
/// the file [`KEY_FILE`] beside the database. Read each time it is needed, so a new key
/// takes effect without a restart; never logged.
pub fn configured_key(db: Option<&Path>) -> Result<PseudonymKey, KeyError> {
    if let Ok(text) = std::env::var(KEY_VARIABLE)
        && !text.trim().is_empty()
    {
        return PseudonymKey::from_text(&text);
    }
    match db.map(|db| std::fs::read_to_string(key_file_beside(db))) {
        Some(Ok(text)) => PseudonymKey::from_text(&text),
        _ => Err(KeyError::Missing),
    }
}

/// Why a key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// No key was given.
    #[error(
        "no pseudonym key: give --key-file FILE, set {KEY_VARIABLE}, or put it in the file \
         {KEY_FILE} beside the database: a secret of at least {MIN_KEY_LENGTH} characters that \
         the council keeps (for example the output of `openssl rand -hex 32`); the same key must \
         be used for every export that should link up"
    )]
    Missing,
    /// The key is too short to protect the pseudonyms.
    #[error(
        "the pseudonym key is {0} characters long; it must be at least {MIN_KEY_LENGTH} (for \
         example the output of `openssl rand -hex 32`)"
    )]
    TooShort(usize),
}

/// The council's secret key for pseudonyms. Never printed: its `Debug` shows nothing of
/// it, and it has no `Display`.
#[derive(Clone)]
pub struct PseudonymKey(Vec<u8>);

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(hidden)")
    }
}

impl PseudonymKey {
    /// The key from its text (a key file's contents or the environment variable's
    /// value), surrounding white space removed.
    pub fn from_text(text: &str) -> Result<PseudonymKey, KeyError> {
        let key = text.trim();
        if key.is_empty() {
            return Err(KeyError::Missing);
        }
        if key.len() < MIN_KEY_LENGTH {
            return Err(KeyError::TooShort(key.len()));
        }
        Ok(PseudonymKey(key.as_bytes().to_vec()))
    }

    fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// The pseudonym of a child id: `P` and the first 16 hex digits of HMAC-SHA256.
    pub fn pseudonym(&self, child: &str) -> String {
        let digest = self.mac(child.as_bytes());
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("P{hex}")
    }

    /// A check value that shows whether two exports used the same key without showing
    /// the key: the first 8 hex digits of HMAC-SHA256 of a fixed text.
    pub fn check_value(&self) -> String {
        let digest = self.mac(b"permanence de-identified export key check");
        digest[..4].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// One CSV file of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// Its name, e.g. `episodes.csv`.
    pub name: &'static str,
    /// What a row is.
    pub description: &'static str,
    /// Its columns with what each holds.
    pub columns: &'static [(&'static str, &'static str)],
    /// The rows.
    pub rows: Vec<Vec<String>>,
}

impl ExportFile {
    /// The file as CSV bytes.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let write = |writer: &mut csv::Writer<Vec<u8>>| -> csv::Result<()> {
            writer.write_record(self.columns.iter().map(|(name, _)| name))?;
            for row in &self.rows {
                writer.write_record(row)?;
            }
            writer.flush()?;
            Ok(())
        };
        write(&mut writer).expect("writing CSV to memory does not fail");
        writer.into_inner().expect("flushed above")
    }
}

/// The manifest: what the export holds and what was done to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manifest {
    /// What this is.
    pub export: &'static str,
    /// The day it was produced (`yyyy-mm-dd`).
    pub produced_on: String,
    /// How child ids were replaced.
    pub pseudonym: PseudonymMethod,
    /// How many children it covers.
    pub children: usize,
    /// Children left out, and why.
    pub left_out: Vec<String>,
    /// What was removed.
    pub removed: Vec<&'static str>,
    /// What was reduced, and how.
    pub reduced: Vec<&'static str>,
    /// What was kept that a reader should know about.
    pub kept: Vec<&'static str>,
    /// The files.
    pub files: Vec<ManifestFile>,
}

/// How child ids were replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PseudonymMethod {
    /// The method.
    pub method: &'static str,
    /// The key's check value: equal in two exports made with the same key.
    pub key_check: String,
}

/// One file in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestFile {
    /// Its name.
    pub name: &'static str,
    /// What a row is.
    pub description: &'static str,
    /// How many rows.
    pub rows: usize,
    /// Its columns.
    pub columns: Vec<ManifestColumn>,
}

/// One column in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestColumn {
    /// Its name.
    pub name: &'static str,
    /// What it holds.
    pub description: &'static str,
}

/// The whole export: its files and manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeidentifiedExport {
    /// The CSV files, in order.
    pub files: Vec<ExportFile>,
    /// The manifest.
    pub manifest: Manifest,
}

/// The name of the manifest file.
pub const MANIFEST: &str = "manifest.json";

impl DeidentifiedExport {
    /// The manifest as pretty JSON.
    pub fn manifest_json(&self) -> Vec<u8> {
        let mut json = serde_json::to_vec_pretty(&self.manifest).expect("the manifest serialises");
        json.push(b'\n');
        json
    }

    /// Every file's name and bytes: the CSV files, then the manifest.
    pub fn contents(&self) -> Vec<(&'static str, Vec<u8>)> {
        self.files
            .iter()
            .map(|file| (file.name, file.to_csv()))
            .chain(std::iter::once((MANIFEST, self.manifest_json())))
            .collect()
    }

    /// One file's bytes by name (a CSV file or the manifest).
    pub fn file(&self, name: &str) -> Option<Vec<u8>> {
        if name == MANIFEST {
            return Some(self.manifest_json());
        }
        self.files
            .iter()
            .find(|f| f.name == name)
            .map(ExportFile::to_csv)
    }

    /// Writes every file into `dir` (created if needed; files of the same names are
    /// replaced).
    pub fn write(&self, dir: &Path) -> Result<(), ExportError> {
        std::fs::create_dir_all(dir).map_err(|source| ExportError::Io {
            path: dir.display().to_string(),
            source,
        })?;
        for (name, bytes) in self.contents() {
            let path = dir.join(name);
            std::fs::write(&path, bytes).map_err(|source| ExportError::Io {
                path: path.display().to_string(),
                source,
            })?;
        }
        Ok(())
    }
}

const CHILD: (&str, &str) = (
    "child",
    "The child's pseudonym (HMAC-SHA256 of the 903 CHILD id under the council's key)",
);

const CHILDREN: &[(&str, &str)] = &[
    CHILD,
    ("sex", "male, female or not known (903 SEX)"),
    (
        "birth_month",
        "Month and year of birth, yyyy-mm (903 DOB, day removed)",
    ),
    ("ethnicity", "903 ETHNIC code"),
    (
        "uasc",
        "Y if the child was ever an unaccompanied asylum-seeking child (903 UASC)",
    ),
    (
        "home_postcode_district",
        "District (outward code) of the latest home postcode (903 HOME_POST)",
    ),
];

const PERIODS: &[(&str, &str)] = &[
    CHILD,
    ("period", "The period's number for the child, from 1"),
    ("start", "The day the period of care started (yyyy-mm-dd)"),
    ("end", "The day it ended; blank while open"),
    ("reason_ceased", "903 REC code of the episode that ended it"),
    ("age_at_start", "Age in completed years when it started"),
];

const EPISODES: &[(&str, &str)] = &[
    CHILD,
    ("decom", "903 DECOM"),
    ("rne", "903 RNE"),
    ("ls", "903 LS"),
    ("cin", "903 CIN"),
    ("place", "903 PLACE"),
    ("place_provider", "903 PLACE_PROVIDER"),
    ("dec", "903 DEC; blank while open"),
    ("rec", "903 REC"),
    ("reason_place_change", "903 REASON_PLACE_CHANGE"),
    (
        "home_postcode_district",
        "903 HOME_POST reduced to its district",
    ),
    (
        "placement_postcode_district",
        "903 PL_POST reduced to its district",
    ),
    (
        "urn",
        "903 URN: the Ofsted number of the provider (not of the child)",
    ),
];

const PLACEMENTS: &[(&str, &str)] = &[
    CHILD,
    ("period", "The period of care's number"),
    ("start", "The day the placement started"),
    ("end", "The day it ended; blank while open"),
    ("place", "903 PLACE"),
    ("place_provider", "903 PLACE_PROVIDER"),
    (
        "placement_postcode_district",
        "903 PL_POST reduced to its district",
    ),
    ("urn", "903 URN of the provider"),
    ("legal_status_at_start", "903 LS when it started"),
    ("new_carers", "Y if it brought new carers (RNE S, P or B)"),
    (
        "reason_ended",
        "903 REASON_PLACE_CHANGE recorded when it ended",
    ),
];

const LEGAL_STATUSES: &[(&str, &str)] = &[
    CHILD,
    ("start", "The day the legal status started"),
    ("end", "The day it ended; blank while open"),
    ("legal_status", "903 LS"),
];

const REVIEWS: &[(&str, &str)] = &[
    CHILD,
    ("review", "903 REVIEW: the day of the review"),
    ("review_code", "903 REVIEW_CODE: the child's participation"),
];

const MISSING: &[(&str, &str)] = &[
    CHILD,
    (
        "missing",
        "903 MISSING: M missing, A away without authorisation",
    ),
    ("start", "903 MIS_START"),
    ("end", "903 MIS_END"),
];

const PLANS: &[(&str, &str)] = &[
    CHILD,
    ("decided", "The day this version of the plan was decided"),
    ("forum", "Where it was decided (tracker code)"),
    ("primary", "The primary plan (tracker code)"),
    ("parallel", "Parallel plans, separated by ;"),
    ("contingency", "The contingency plan"),
    ("target", "When permanence should be achieved"),
    ("achieved", "The day permanence was achieved"),
    ("achieved_by", "The route by which it was achieved"),
];

const ALERTS: &[(&str, &str)] = &[
    CHILD,
    ("rule", "The drift rule's id (docs/rules.md)"),
    ("title", "The rule's title"),
    (
        "status",
        "overdue, due_soon or cannot_decide at the latest evaluation",
    ),
    ("opened_on", "The evaluation date on which it opened"),
    (
        "closed_on",
        "The evaluation date on which it closed; blank while open",
    ),
    ("due", "Its due date at the latest evaluation"),
    ("owner_role", "The role of the person who should act"),
    ("escalated_to_role", "The role it has escalated to"),
    ("decision_recorded", "Y if a management decision holds it"),
];

fn iso(date: Date) -> String {
    date.to_string()
}

fn iso_opt(date: Option<Date>) -> String {
    date.map(iso).unwrap_or_default()
}

fn code_opt<C: Code>(code: Option<C>) -> String {
    code.map(|c| c.code().to_string()).unwrap_or_default()
}

fn district(postcode: Option<&str>) -> String {
    postcode.and_then(postcode_district).unwrap_or_default()
}

fn flag(value: bool) -> String {
    if value { "Y" } else { "N" }.to_string()
}

/// Builds the export from every child's journey, tracker records and alerts (open and
/// closed). Restricted records are left out.
pub fn build_deidentified(
    journeys: &[Journey],
    trackers: &BTreeMap<String, ChildTracker>,
    alerts: &[Alert],
    key: &PseudonymKey,
    produced_on: Date,
) -> DeidentifiedExport {
    let restricted = |child: &str| {
        trackers
            .get(child)
            .and_then(|t| t.details.as_ref())
            .is_some_and(|d| d.is_restricted())
    };
    let mut sorted: Vec<&Journey> = journeys.iter().filter(|j| !restricted(j.child())).collect();
    let left_out = journeys.len() - sorted.len();
    // In pseudonym order, so that nothing about the rows' order reflects the ids.
    let pseudonyms: BTreeMap<&str, String> = sorted
        .iter()
        .map(|j| (j.child(), key.pseudonym(j.child())))
        .collect();
    sorted.sort_by(|a, b| pseudonyms[a.child()].cmp(&pseudonyms[b.child()]));

    let (mut children, mut periods, mut episodes, mut placements) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut legal_statuses, mut reviews, mut missing, mut plans) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for journey in &sorted {
        let id = pseudonyms[journey.child()].clone();
        let record = &journey.record;
        let header = &record.header;
        children.push(vec![
            id.clone(),
            match header.sex {
                Sex::Male1 | Sex::Male => "male",
                Sex::Female2 | Sex::Female => "female",
                Sex::Unknown => "not known",
            }
            .to_string(),
            format!("{:04}-{:02}", header.dob.year(), header.dob.month()),
            header.ethnic.code().to_string(),
            flag(record.uasc_until.is_some()),
            district(
                record
                    .episodes
                    .iter()
                    .rev()
                    .find_map(|e| e.home_post.as_deref()),
            ),
        ]);
        for (number, period) in journey.periods.iter().enumerate() {
            periods.push(vec![
                id.clone(),
                (number + 1).to_string(),
                iso(period.start),
                iso_opt(period.end),
                code_opt(period.reason_ceased),
                journey.age_on(period.start).to_string(),
            ]);
        }
        for e in &record.episodes {
            episodes.push(vec![
                id.clone(),
                iso(e.decom),
                e.rne.code().to_string(),
                e.ls.code().to_string(),
                e.cin.code().to_string(),
                e.place.code().to_string(),
                code_opt(e.place_provider),
                iso_opt(e.dec),
                code_opt(e.rec),
                code_opt(e.reason_place_change),
                district(e.home_post.as_deref()),
                district(e.pl_post.as_deref()),
                e.urn.clone().unwrap_or_default(),
            ]);
        }
        for p in &journey.placements {
            placements.push(vec![
                id.clone(),
                (p.period + 1).to_string(),
                iso(p.start),
                iso_opt(p.end),
                p.place.code().to_string(),
                code_opt(p.provider),
                district(p.postcode.as_deref()),
                p.urn.clone().unwrap_or_default(),
                p.legal_status_at_start.code().to_string(),
                flag(p.new_carers),
                code_opt(p.reason_ended),
            ]);
        }
        for s in &journey.legal_statuses {
            legal_statuses.push(vec![
                id.clone(),
                iso(s.start),
                iso_opt(s.end),
                s.legal_status.code().to_string(),
            ]);
        }
        for r in &record.reviews {
            reviews.push(vec![id.clone(), iso(r.review), code_opt(r.review_code)]);
        }
        for m in &record.missing {
            missing.push(vec![
                id.clone(),
                m.missing.code().to_string(),
                iso(m.mis_start),
                iso_opt(m.mis_end),
            ]);
        }
        if let Some(tracker) = trackers.get(journey.child()) {
            for plan in &tracker.plans {
                plans.push(vec![
                    id.clone(),
                    iso(plan.decided),
                    plan.forum.code().to_string(),
                    plan.primary.code().to_string(),
                    plan.parallel
                        .iter()
                        .map(|o| o.code())
                        .collect::<Vec<_>>()
                        .join(";"),
                    plan.contingency
                        .map(|o| o.code().to_string())
                        .unwrap_or_default(),
                    iso_opt(plan.target),
                    iso_opt(plan.achieved),
                    plan.achieved_by
                        .map(|o| o.code().to_string())
                        .unwrap_or_default(),
                ]);
            }
        }
    }
    let mut alert_rows: Vec<Vec<String>> = alerts
        .iter()
        .filter_map(|alert| {
            let id = pseudonyms.get(alert.child.as_str())?;
            Some(vec![
                id.clone(),
                alert.rule.clone(),
                alert.title.clone(),
                alert.status.as_str().to_string(),
                iso(alert.opened_on),
                iso_opt(alert.closed_on),
                iso_opt(alert.due),
                alert.owner_role.as_str().to_string(),
                alert.escalated_to_role.as_str().to_string(),
                flag(alert.decision.is_some()),
            ])
        })
        .collect();
    alert_rows.sort();

    let file = |name, description, columns, rows| ExportFile {
        name,
        description,
        columns,
        rows,
    };
    let files = vec![
        file("children.csv", "One row per child", CHILDREN, children),
        file(
            "periods_of_care.csv",
            "One row per period of care (903 episodes from an S episode to one ending other than X1)",
            PERIODS,
            periods,
        ),
        file(
            "episodes.csv",
            "One row per 903 episode",
            EPISODES,
            episodes,
        ),
        file(
            "placements.csv",
            "One row per placement (episodes with the same placement; only the legal status may change within one)",
            PLACEMENTS,
            placements,
        ),
        file(
            "legal_statuses.csv",
            "One row per run of episodes with the same legal status",
            LEGAL_STATUSES,
            legal_statuses,
        ),
        file(
            "reviews.csv",
            "One row per looked-after review",
            REVIEWS,
            reviews,
        ),
        file(
            "missing.csv",
            "One row per missing or away episode",
            MISSING,
            missing,
        ),
        file(
            "permanence_plans.csv",
            "One row per version of a child's permanence plan (tracker)",
            PLANS,
            plans,
        ),
        file(
            "alerts.csv",
            "One row per drift alert recorded by the evaluations, open or closed",
            ALERTS,
            alert_rows,
        ),
    ];
    let manifest = Manifest {
        export: "Permanence de-identified export for regional analysis",
        produced_on: iso(produced_on),
        pseudonym: PseudonymMethod {
            method: "HMAC-SHA256 of the 903 CHILD id under the council's secret key; the \
                     pseudonym is P and the first 16 hex digits. The same key gives the same \
                     pseudonym in every export; another council's key gives unrelated ones.",
            key_check: key.check_value(),
        },
        children: sorted.len(),
        left_out: vec![format!(
            "{left_out} child(ren) whose records are restricted to named staff \
             (child_details.csv RESTRICTED_TO) are left out entirely"
        )],
        removed: vec![
            "903 CHILD ids (replaced by pseudonyms)",
            "Children's names (tracker child_details NAME) and restriction details",
            "903 UPN (unique pupil number) and MC_DOB (date of birth of a mother's child)",
            "Staff ids and names: allocated workers, owners and escalation of alerts, chairs, \
             supervisors, decision makers, IROs; teams",
            "Record ids of decisions, challenges, panels, sessions and cases; alert subjects",
            "Free text: meeting outcomes, decision texts, panel decisions and conditions, \
             challenge responses, family-finding end reasons, restriction reasons, alert \
             evidence",
            "The 903 OC2, OC3, AD1, previous-permanence, social-worker and deprivation-of-liberty \
             tables, and the tracker's other records",
        ],
        reduced: vec![
            "Dates of birth to month and year (children.csv birth_month, yyyy-mm)",
            "Postcodes (903 HOME_POST and PL_POST) to their district (outward code, e.g. RM9)",
            "UASC to whether the child was ever an unaccompanied asylum-seeking child",
        ],
        kept: vec![
            "Dates of events (episodes, placements, legal statuses, reviews, missing episodes, \
             plans, alerts): timeliness is what regions compare",
            "Ofsted URNs of placements: they identify providers, not children",
        ],
        files: files
            .iter()
            .map(|f| ManifestFile {
                name: f.name,
                description: f.description,
                rows: f.rows.len(),
                columns: f
                    .columns
                    .iter()
                    .map(|(name, description)| ManifestColumn { name, description })
                    .collect(),
            })
            .collect(),
    };
    DeidentifiedExport { files, manifest }
}

/// Every alert, open and closed, about the children of `journeys`, from the store.
pub fn stored_alerts(
    store: &(impl Alerts + ?Sized),
    journeys: &[Journey],
) -> Result<Vec<Alert>, ExportError> {
    let mut alerts = Vec::new();
    for journey in journeys {
        alerts.extend(store.child_alerts(journey.child())?);
    }
    Ok(alerts)
}

/// Builds the export from what the store holds: journeys, tracker records and alerts.
pub fn deidentified_from_store<S: Store + Alerts + ?Sized>(
    store: &S,
    key: &PseudonymKey,
    produced_on: Date,
) -> Result<DeidentifiedExport, ExportError> {
    let journeys = permanence_store::load_journeys(store)?;
    let (_, trackers) = permanence_store::load_tracker(store)?;
    let alerts = stored_alerts(store, &journeys)?;
    Ok(build_deidentified(
        &journeys,
        &trackers,
        &alerts,
        key,
        produced_on,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> PseudonymKey {
        PseudonymKey::from_text(&text.repeat(40)).unwrap()
    }

    #[test]
    fn pseudonyms_are_keyed_stable_and_hide_the_key() {
        let a = key("a");
        assert_eq!(a.pseudonym("C0000001"), key("a").pseudonym("C0000001"));
        assert_ne!(a.pseudonym("C0000001"), a.pseudonym("C0000002"));
        assert_ne!(a.pseudonym("C0000001"), key("b").pseudonym("C0000001"));
        assert_eq!(a.pseudonym("C1").len(), 17);
        assert!(!format!("{a:?}").contains("aaaa"));
        assert_eq!(a.check_value(), key("a").check_value());
        assert_ne!(a.check_value(), key("b").check_value());
    }

    #[test]
    fn keys_must_be_given_and_long_enough() {
        assert_eq!(
            PseudonymKey::from_text("  \n").unwrap_err(),
            KeyError::Missing
        );
        assert_eq!(
            PseudonymKey::from_text("short").unwrap_err(),
            KeyError::TooShort(5)
        );
        assert!(PseudonymKey::from_text(&"k".repeat(32)).is_ok());
    }
}
