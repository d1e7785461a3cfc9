//! Adding and correcting tracker records by hand: one generic set of pages for every
//! record type, generated from the tracker's CSV templates (`permanence_tracker::
//! template`), so that a form has exactly the fields, rules and messages of the
//! template.
//!
//! There is one way to check a record: a form's values go through the tracker's own
//! reading ([`permanence_tracker::read::read_row`], the checks every row of a CSV file
//! gets) and then [`permanence_tracker::plan_import`] against the stored records and
//! the children in the 903 data, as an import does; each problem is then said again in
//! words for the person at the form, beside its field.
//!
//! - A child's records (`/children/{id}/records/...`) are the kinds with a CHILD
//!   column; the CHILD is the one in the path, whatever a form says.
//! - Organisation records (`/records/...`) are the kinds without one: staff, teams,
//!   panels, and the records that hang off a child's record (supervision sessions,
//!   challenge stages, pre-proceedings meetings, hearings).
//!
//! A record is never overwritten: a correction is a new version with its reason, and
//! the form carries the version it was opened on, so that when two people correct one
//! record the second is told and shown the first's values rather than silently
//! replacing them (`Store::save_tracker_edit`). Who may change what is
//! [`crate::auth::Role::may_change`]; everyone who reads children may read the lists
//! and histories, and every view of a child's records is audited.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use permanence_domain::Date;
use permanence_domain::date::format_dmy;
use permanence_store::{Store, StoreError, TrackerVersion};
use permanence_tracker::read::{LIST_SEPARATOR, RawRecord, read_row};
use permanence_tracker::template::{Column, ColumnKind, Item, Target};
use permanence_tracker::{Change, Kind, plan_import};

use super::{FieldError, Nav, encode, parse_day, render};
use crate::auth::{CurrentUser, Permission};
use crate::borough::Borough;
use crate::{AppError, AppState};

/// Where a record made in the web application says it came from (its "file").
const SOURCE: &str = "web application";

/// The reason stored with a record added in the web application.
const ADDED_REASON: &str = "Recorded in the web application";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/children/{id}/records", get(child_records))
        .route("/children/{id}/records/{kind}/new", get(child_new))
        .route(
            "/children/{id}/records/{kind}",
            axum::routing::post(child_create),
        )
        .route(
            "/children/{id}/records/{kind}/{key}/edit",
            get(child_edit).post(child_update),
        )
        .route(
            "/children/{id}/records/{kind}/{key}/history",
            get(child_history),
        )
        .route("/records", get(organisation_index))
        .route(
            "/records/{kind}",
            get(organisation_records).post(organisation_create),
        )
        .route("/records/{kind}/new", get(organisation_new))
        .route(
            "/records/{kind}/{key}/edit",
            get(organisation_edit).post(organisation_update),
        )
        .route("/records/{kind}/{key}/history", get(organisation_history))
}

// ---------------------------------------------------------------- places

/// Where a kind of record is kept: under a child (kinds with a CHILD column) or with
/// the organisation's records.
#[derive(Debug, Clone)]
struct Place {
    kind: Kind,
    child: Option<String>,
}

impl Place {
    /// A child's record of `kind`: 404 unless the kind has a CHILD column and the
    /// child is in the 903 data.
    /// A child whose record is restricted to other staff is not found, as on the
    /// child's own page.
    fn of_child(
        borough: &Borough,
        user: &CurrentUser,
        child: String,
        kind: &str,
    ) -> Result<Place, AppError> {
        let kind = Kind::from_name(kind)
            .filter(|k| k.template().has_child())
            .ok_or(AppError::NotFound)?;
        require_child(borough, user, &child)?;
        Ok(Place {
            kind,
            child: Some(child),
        })
    }

    /// An organisation record of `kind`: 404 unless the kind has no CHILD column.
    fn of_organisation(kind: &str) -> Result<Place, AppError> {
        let kind = Kind::from_name(kind)
            .filter(|k| !k.template().has_child())
            .ok_or(AppError::NotFound)?;
        Ok(Place { kind, child: None })
    }

    /// The page listing these records (where a save returns to).
    fn list_url(&self) -> String {
        match &self.child {
            Some(child) => format!("/children/{}/records", encode(child)),
            None => format!("/records/{}", self.kind.name()),
        }
    }

    /// Where the form to add one posts.
    fn create_url(&self) -> String {
        match &self.child {
            Some(child) => format!("/children/{}/records/{}", encode(child), self.kind.name()),
            None => format!("/records/{}", self.kind.name()),
        }
    }

    fn new_url(&self) -> String {
        format!("{}/new", self.create_url())
    }

    fn edit_url(&self, key: &str) -> String {
        format!("{}/{}/edit", self.create_url(), encode(key))
    }

    fn history_url(&self, key: &str) -> String {
        format!("{}/{}/history", self.create_url(), encode(key))
    }
}

// ---------------------------------------------------------------- who may change what

/// The children a record is about: its CHILD, or for a record that hangs off another
/// (a challenge's stage, a case's meeting or hearing) that record's CHILD, or the
/// children a supervision session discussed.
fn children_of(record: &RawRecord, stored: &[RawRecord]) -> Vec<String> {
    if record.template().has_child() {
        return record.child().map(String::from).into_iter().collect();
    }
    let parent = |column: &str, kind: Kind| {
        let id = record.field(column);
        stored
            .iter()
            .find(|r| r.kind == kind && r.field("ID") == id)
            .and_then(|r| r.child())
            .map(String::from)
            .into_iter()
            .collect()
    };
    match record.kind {
        Kind::ChallengeStep => parent("CHALLENGE", Kind::IroChallenge),
        Kind::PreProceedingsMeeting => parent("PRE_PROCEEDINGS", Kind::PreProceedings),
        Kind::Hearing => parent("PROCEEDINGS", Kind::CareProceedings),
        _ => record
            .template()
            .columns
            .iter()
            .filter(|c| matches!(c.kind, ColumnKind::List(Item::Ref(Target::Child))))
            .flat_map(|c| record.field(c.name).split(LIST_SEPARATOR))
            .filter(|child| !child.is_empty())
            .map(String::from)
            .collect(),
    }
}

/// What the signed-in user may change, on the borough's day.
struct Access<'a> {
    user: &'a CurrentUser,
    borough: &'a Borough,
}

impl Access<'_> {
    /// Whether the user may change records of this kind for this child.
    fn child(&self, kind: Kind, child: &str) -> bool {
        self.user.may_change(self.borough, kind, child)
    }

    /// Whether the user may change this record: the kind, for every child it is about
    /// (a record about no child: whoever may change the kind).
    fn record(&self, record: &RawRecord, stored: &[RawRecord]) -> bool {
        self.user.role.may_change(record.kind).is_some()
            && children_of(record, stored)
                .iter()
                .all(|child| self.child(record.kind, child))
    }

    /// Whether the user may open the form to add a record here (403 otherwise).
    fn require_add(&self, place: &Place) -> Result<(), AppError> {
        let allowed = match &place.child {
            Some(child) => self.child(place.kind, child),
            None => self.user.role.may_change(place.kind).is_some(),
        };
        allowed.then_some(()).ok_or(AppError::Forbidden)
    }

    fn require_record(&self, record: &RawRecord, stored: &[RawRecord]) -> Result<(), AppError> {
        self.record(record, stored)
            .then_some(())
            .ok_or(AppError::Forbidden)
    }
}

/// Not found (404) unless the child is in the 903 data and the user may see them (a
/// record restricted to other staff answers as a child who does not exist).
fn require_child(borough: &Borough, user: &CurrentUser, child: &str) -> Result<(), AppError> {
    if borough.journey(child).is_none() || !borough.may_see(user.user.staff_id.as_deref(), child) {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Whether the user may see a record: every child it is about is one they may see.
fn visible(
    borough: &Borough,
    user: &CurrentUser,
    record: &RawRecord,
    stored: &[RawRecord],
) -> bool {
    children_of(record, stored)
        .iter()
        .all(|child| borough.may_see(user.user.staff_id.as_deref(), child))
}

/// Refuses (403) unless the user may see records of this kind.
fn require_read(user: &CurrentUser, place: &Place) -> Result<(), AppError> {
    let allowed = match place.child {
        Some(_) => user.role.can(Permission::ReadChildren),
        None => user.role.may_read_records(place.kind),
    };
    allowed.then_some(()).ok_or(AppError::Forbidden)
}

// ---------------------------------------------------------------- showing values

/// A column's name as people read it: `SOURCE_REF` → "Source ref".
fn label(column: &str) -> String {
    let words: Vec<String> = column
        .split('_')
        .map(|word| match word {
            "ID" | "IRO" => word.to_string(),
            _ => word.to_lowercase(),
        })
        .collect();
    let text = words.join(" ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// A column's description as the object of "Enter ..." or "Select ...": "The day it
/// was decided." → "the day it was decided".
fn object(column: &Column) -> String {
    let mut text = column.description;
    for stop in [" (", "; ", ", separated", ": "] {
        if let Some(at) = text.find(stop) {
            text = &text[..at];
        }
    }
    let text = text.trim_end_matches('.').replace('`', "");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// The names of the records others refer to, for choices and for showing ids.
struct Names {
    by_target: HashMap<(Target, String), String>,
}

impl Names {
    fn new(stored: &[RawRecord]) -> Names {
        let mut by_target = HashMap::new();
        for record in stored {
            let id = record.field("ID").to_string();
            let name = match record.kind {
                Kind::Person => (Target::Person, record.field("NAME").to_string()),
                Kind::Team => (Target::Team, record.field("NAME").to_string()),
                Kind::Panel => (Target::Panel, record.field("NAME").to_string()),
                Kind::IroChallenge => (
                    Target::Challenge,
                    format!(
                        "child {}, raised {}",
                        record.field("CHILD"),
                        record.field("RAISED")
                    ),
                ),
                Kind::PreProceedings => (
                    Target::PreProceedings,
                    format!(
                        "child {}, from {}",
                        record.field("CHILD"),
                        record.field("LEGAL_GATEWAY_MEETING")
                    ),
                ),
                Kind::CareProceedings => (
                    Target::Proceedings,
                    format!(
                        "child {}, issued {}",
                        record.field("CHILD"),
                        record.field("ISSUED")
                    ),
                ),
                Kind::SupervisionSession => {
                    (Target::Session, format!("held {}", record.field("DATE")))
                }
                Kind::FosteringHousehold => (Target::Household, record.field("NAME").to_string()),
                _ => continue,
            };
            by_target.insert((name.0, id), name.1);
        }
        Names { by_target }
    }

    /// An id with what it names: "Amelia Smith (SW0001)".
    fn show(&self, target: Target, id: &str) -> String {
        match self.by_target.get(&(target, id.to_string())) {
            Some(name)
                if matches!(
                    target,
                    Target::Person | Target::Team | Target::Panel | Target::Household
                ) =>
            {
                format!("{name} ({id})")
            }
            Some(detail) => format!("{id} ({detail})"),
            None => id.to_string(),
        }
    }
}

/// A stored value as people read it: codes as their labels, flags as Yes or No, ids
/// with names, lists joined with commas.
fn show_value(column: &Column, value: &str, names: &Names) -> String {
    if value.is_empty() {
        return String::new();
    }
    let item = |item: Item, part: &str| match item {
        Item::Code(vocabulary) => code_label(vocabulary.entries(), part),
        Item::Ref(target) => names.show(target, part),
        Item::Text => part.to_string(),
    };
    match column.kind {
        ColumnKind::Code(vocabulary) => code_label(vocabulary.entries(), value),
        ColumnKind::Ref(target) => names.show(target, value),
        ColumnKind::Flag => match value {
            "Y" => "Yes".into(),
            "N" => "No".into(),
            other => other.into(),
        },
        ColumnKind::List(kind) => value
            .split(LIST_SEPARATOR)
            .map(|part| item(kind, part))
            .collect::<Vec<_>>()
            .join(", "),
        _ => value.to_string(),
    }
}

fn code_label(entries: Vec<(&'static str, &'static str)>, code: &str) -> String {
    entries
        .into_iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_string(), |(_, label)| label.to_string())
}

// ---------------------------------------------------------------- the lists

/// A record as a row of a list.
struct RecordRow {
    /// The key columns (but the CHILD) as read.
    key: String,
    /// A few other values, "Label: value".
    details: Vec<String>,
    change: Option<String>,
    history: String,
}

/// One kind's records on a list page.
struct Section {
    kind: &'static str,
    title: &'static str,
    rows: Vec<RecordRow>,
    add: Option<String>,
}

/// The success banner after a save, from the stored record (never from the request).
fn saved_banner(
    saved: Option<&str>,
    place_child: Option<&str>,
    stored: &[RawRecord],
) -> Option<String> {
    let (kind, key) = saved?.split_once('/')?;
    let kind = Kind::from_name(kind)?;
    let record = stored
        .iter()
        .find(|r| r.kind == kind && r.key() == key && r.child() == place_child)?;
    Some(format!(
        "{} saved: {}",
        kind.template().title,
        key_text(record)
    ))
}

/// The key as people read it, without the CHILD (the page is about the child).
fn key_text(record: &RawRecord) -> String {
    let template = record.template();
    template
        .key
        .iter()
        .filter(|column| **column != "CHILD")
        .map(|column| format!("{} {}", label(column), record.field(column)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn rows(
    place: &Place,
    records: &[&RawRecord],
    stored: &[RawRecord],
    access: &Access<'_>,
    names: &Names,
) -> Vec<RecordRow> {
    let template = place.kind.template();
    let mut records = records.to_vec();
    records.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    records
        .into_iter()
        .map(|record| {
            let key = record.key();
            let key_shown = template
                .columns
                .iter()
                .filter(|c| template.key.contains(&c.name) && c.name != "CHILD")
                .map(|c| show_value(c, record.field(c.name), names))
                .collect::<Vec<_>>()
                .join(", ");
            let details = template
                .columns
                .iter()
                .filter(|c| !template.key.contains(&c.name) && c.name != "CHILD")
                .filter(|c| !record.field(c.name).is_empty())
                .take(3)
                .map(|c| {
                    let value = show_value(c, record.field(c.name), names);
                    let value = if value.chars().count() > 80 {
                        format!("{}…", value.chars().take(80).collect::<String>())
                    } else {
                        value
                    };
                    format!("{}: {value}", label(c.name))
                })
                .collect();
            RecordRow {
                key: if key_shown.is_empty() {
                    "This child's record".into()
                } else {
                    key_shown
                },
                details,
                change: access.record(record, stored).then(|| place.edit_url(&key)),
                history: place.history_url(&key),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "records.html")]
struct RecordsPage {
    nav: Nav,
    heading: String,
    caption: String,
    intro: String,
    back: Option<(String, String)>,
    banner: Option<String>,
    sections: Vec<Section>,
    /// For the index of organisation records: (url, title, count, description).
    kinds: Vec<(String, &'static str, usize, String)>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct ListQuery {
    saved: Option<String>,
}

async fn child_records(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    user.require(Permission::ReadChildren)?;
    let borough = state.borough().await?;
    require_child(&borough, &user, &id)?;
    // The child's records and those about no child (staff, teams, panels, sessions,
    // stages, hearings) that they name: not every child's.
    let stored = state.store().child_tracker_records(&id)?;
    let names = Names::new(&stored);
    let access = Access {
        user: &user,
        borough: &borough,
    };
    let sections = Kind::ALL
        .into_iter()
        .filter(|kind| kind.template().has_child())
        .map(|kind| {
            let place = Place {
                kind,
                child: Some(id.clone()),
            };
            let records: Vec<&RawRecord> = stored
                .iter()
                .filter(|r| r.kind == kind && r.child() == Some(id.as_str()))
                .collect();
            Section {
                kind: kind.name(),
                title: kind.template().title,
                rows: rows(&place, &records, &stored, &access, &names),
                add: access.child(kind, &id).then(|| place.new_url()),
            }
        })
        .collect();
    let banner = saved_banner(query.saved.as_deref(), Some(&id), &stored);
    state.store().audit(
        &user.user.username,
        "view_child_records",
        Some(&id),
        "web: tracker records",
    )?;
    render(&RecordsPage {
        nav: Nav::of(&user),
        heading: "Records".into(),
        caption: format!("Child {id}"),
        intro: "Every record the tracker holds about this child. A correction keeps the \
                earlier version: open a record's history to see every version, who \
                recorded it, when and why."
            .into(),
        back: Some((
            format!("/children/{}", encode(&id)),
            format!("Back to child {id}"),
        )),
        banner,
        sections,
        kinds: Vec::new(),
    })
}

async fn organisation_index(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Response, AppError> {
    let visible: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|kind| !kind.template().has_child() && user.role.may_read_records(*kind))
        .collect();
    if visible.is_empty() {
        return Err(AppError::Forbidden);
    }
    let stored = state.store().current_tracker_records()?;
    let kinds = visible
        .into_iter()
        .map(|kind| {
            let template = kind.template();
            (
                format!("/records/{}", kind.name()),
                template.title,
                stored.iter().filter(|r| r.kind == kind).count(),
                plain(template.description),
            )
        })
        .collect();
    render(&RecordsPage {
        nav: Nav::of(&user),
        heading: "Organisation records".into(),
        caption: String::new(),
        intro: "Records that belong to no one child: staff, teams and panels, and the \
                supervision sessions, challenge stages, meetings and hearings that other \
                records refer to."
            .into(),
        back: None,
        banner: None,
        sections: Vec::new(),
        kinds,
    })
}

async fn organisation_records(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(kind): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let place = Place::of_organisation(&kind)?;
    require_read(&user, &place)?;
    let borough = state.borough().await?;
    let stored = state.store().current_tracker_records()?;
    let names = Names::new(&stored);
    let access = Access {
        user: &user,
        borough: &borough,
    };
    let records: Vec<&RawRecord> = stored
        .iter()
        .filter(|r| r.kind == place.kind && visible(&borough, &user, r, &stored))
        .collect();
    let template = place.kind.template();
    let section = Section {
        kind: template.name,
        title: template.title,
        rows: rows(&place, &records, &stored, &access, &names),
        add: access.require_add(&place).is_ok().then(|| place.new_url()),
    };
    render(&RecordsPage {
        nav: Nav::of(&user),
        heading: template.title.into(),
        caption: "Organisation records".into(),
        intro: plain(template.description),
        back: Some(("/records".into(), "Back to organisation records".into())),
        banner: saved_banner(query.saved.as_deref(), None, &stored),
        sections: vec![section],
        kinds: Vec::new(),
    })
}

// ---------------------------------------------------------------- the form

/// One choice of a select, radios or checkboxes.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// One field of the form.
struct FieldView {
    /// The column name: the control's name and id.
    name: &'static str,
    label: String,
    hint: String,
    /// `fixed` (shown, not editable), `input`, `textarea`, `date`, `number`, `select`,
    /// `radios`, `checkboxes` or `list` (text separated by `;`).
    widget: &'static str,
    value: String,
    /// The value shown for a fixed field.
    shown: String,
    choices: Vec<Choice>,
    optional: bool,
    error: Option<String>,
    /// After a conflict: the value the other person saved, where it differs.
    theirs: Option<String>,
}

#[derive(Template)]
#[template(path = "record_form.html")]
struct FormPage {
    nav: Nav,
    errors: Vec<FieldError>,
    caption: String,
    heading: String,
    description: String,
    action: String,
    back: String,
    base: String,
    fields: Vec<FieldView>,
    correcting: bool,
    reason: String,
    reason_error: Option<String>,
    /// After a conflict: who saved the other version, and when.
    conflict: Option<String>,
}

/// What a form was opened on: a new record, or the current version of a stored one.
enum Opened {
    New,
    Stored { record: RawRecord, version: i64 },
}

impl Opened {
    fn record(&self) -> Option<&RawRecord> {
        match self {
            Opened::New => None,
            Opened::Stored { record, .. } => Some(record),
        }
    }
}

/// Whether a column's value is fixed on this form: the CHILD of a child's record, and
/// the key of a record being corrected (its key is what it is).
fn fixed(place: &Place, opened: &Opened, column: &Column) -> bool {
    (column.name == "CHILD" && place.child.is_some())
        || (matches!(opened, Opened::Stored { .. })
            && place.kind.template().key.contains(&column.name))
}

/// The values a form shows, in column order, as typed (or as stored).
fn values_of(record: &RawRecord) -> Vec<String> {
    record.fields().map(String::from).collect()
}

/// The choices of a reference: every current record of the target kind (for records
/// that belong to a child, those the user may change), with what it names.
fn reference_choices(
    target: Target,
    stored: &[RawRecord],
    names: &Names,
    access: &Access<'_>,
) -> Vec<(String, String)> {
    let Some(kind) = target.kind() else {
        return Vec::new();
    };
    let mut choices: Vec<(String, String)> = stored
        .iter()
        .filter(|r| r.kind == kind)
        .filter(|r| {
            // A stage of a challenge, a meeting of a case: only for children in reach.
            !matches!(
                target,
                Target::Challenge | Target::PreProceedings | Target::Proceedings
            ) || r
                .child()
                .is_none_or(|child| access.child(kind_hanging_off(target), child))
        })
        .filter(|r| {
            r.child().is_none_or(|child| {
                access
                    .borough
                    .may_see(access.user.user.staff_id.as_deref(), child)
            })
        })
        .map(|r| {
            let id = r.field("ID").to_string();
            let shown = names.show(target, &id);
            (id, shown)
        })
        .collect();
    choices.sort_by_key(|choice| choice.1.to_lowercase());
    choices
}

/// The kind of record that names a target as its parent.
fn kind_hanging_off(target: Target) -> Kind {
    match target {
        Target::Challenge => Kind::ChallengeStep,
        Target::PreProceedings => Kind::PreProceedingsMeeting,
        _ => Kind::Hearing,
    }
}

/// A template's text for the page: without the code quotes the documentation uses.
fn plain(text: &str) -> String {
    text.replace('`', "")
}

/// A column's description as the hint under its label (without the templates' code
/// quotes), with how to separate a list's values where it does not say.
fn hint(column: &Column) -> String {
    let text = plain(column.description);
    match column.kind {
        ColumnKind::List(Item::Text | Item::Ref(Target::Child)) if !text.contains("separated") => {
            format!("{text} Separate each with ;")
        }
        _ => text,
    }
}

/// Short text columns get a one-line input; other text a text area.
fn short_text(column: &Column) -> bool {
    matches!(
        column.name,
        "NAME"
            | "SOURCE_REF"
            | "SERVICE"
            | "POSTCODE_DISTRICT"
            | "RELIGION"
            | "SCHOOL_DISTRICT"
            | "FAMILY_DISTRICT"
    )
}

#[allow(clippy::too_many_arguments)]
fn field_views(
    place: &Place,
    opened: &Opened,
    values: &[String],
    errors: &[FieldError],
    theirs: Option<&RawRecord>,
    stored: &[RawRecord],
    access: &Access<'_>,
) -> Vec<FieldView> {
    let names = Names::new(stored);
    let template = place.kind.template();
    template
        .columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let is_fixed = fixed(place, opened, column);
            // A fixed value is the path's or the stored record's, whatever was posted.
            let value = match (is_fixed, &place.child, opened.record()) {
                (true, Some(child), _) if column.name == "CHILD" => child.clone(),
                (true, _, Some(record)) => record.field(column.name).to_string(),
                _ => values.get(index).cloned().unwrap_or_default(),
            };
            let mut choices = Vec::new();
            let option_choices = |entries: Vec<(String, String)>, selected: &[&str]| {
                let mut list: Vec<Choice> = entries
                    .into_iter()
                    .map(|(value, label)| Choice {
                        selected: selected.contains(&value.as_str()),
                        value,
                        label,
                    })
                    .collect();
                // A value that is no longer (or never was) a choice is kept, not lost.
                for part in selected.iter().filter(|p| !p.is_empty()) {
                    if !list.iter().any(|c| c.value == *part) {
                        list.push(Choice {
                            value: part.to_string(),
                            label: format!("{part} (not found)"),
                            selected: true,
                        });
                    }
                }
                list
            };
            let codes = |vocabulary: permanence_tracker::template::Vocabulary| {
                vocabulary
                    .entries()
                    .into_iter()
                    .map(|(code, label)| (code.to_string(), label.to_string()))
                    .collect::<Vec<_>>()
            };
            let widget = if is_fixed {
                "fixed"
            } else {
                match column.kind {
                    ColumnKind::Text if short_text(column) => "input",
                    ColumnKind::Text => "textarea",
                    ColumnKind::Id => "input",
                    ColumnKind::Ref(Target::Child) => "input",
                    ColumnKind::Ref(target) => {
                        choices = option_choices(
                            reference_choices(target, stored, &names, access),
                            &[value.as_str()],
                        );
                        "select"
                    }
                    ColumnKind::Date { .. } => "date",
                    ColumnKind::Code(vocabulary) => {
                        choices = option_choices(codes(vocabulary), &[value.as_str()]);
                        "select"
                    }
                    ColumnKind::Number { .. } => "number",
                    ColumnKind::Flag => {
                        let mut entries = vec![
                            ("Y".to_string(), "Yes".to_string()),
                            ("N".to_string(), "No".to_string()),
                        ];
                        if !column.required {
                            entries.push((String::new(), "Not recorded".to_string()));
                        }
                        choices = entries
                            .into_iter()
                            .map(|(v, label)| Choice {
                                selected: v == value,
                                value: v,
                                label,
                            })
                            .collect();
                        "radios"
                    }
                    ColumnKind::List(Item::Code(vocabulary)) => {
                        let selected: Vec<&str> = value.split(LIST_SEPARATOR).collect();
                        choices = option_choices(codes(vocabulary), &selected);
                        "checkboxes"
                    }
                    ColumnKind::List(Item::Ref(target)) if target != Target::Child => {
                        let selected: Vec<&str> = value.split(LIST_SEPARATOR).collect();
                        choices = option_choices(
                            reference_choices(target, stored, &names, access),
                            &selected,
                        );
                        "checkboxes"
                    }
                    ColumnKind::List(_) => "list",
                }
            };
            FieldView {
                name: column.name,
                label: label(column.name),
                hint: hint(column),
                widget,
                shown: show_value(column, &value, &names),
                theirs: theirs
                    .map(|record| record.field(column.name))
                    .filter(|saved| *saved != value && !is_fixed)
                    .map(|saved| {
                        if saved.is_empty() {
                            "(blank)".to_string()
                        } else {
                            show_value(column, saved, &names)
                        }
                    }),
                value,
                choices,
                optional: !column.required,
                error: errors
                    .iter()
                    .find(|e| e.field == column.name)
                    .map(|e| e.message.clone()),
            }
        })
        .collect()
}

/// A fresh id for a new record of `kind`: the kind's prefix, the day and a counter,
/// e.g. `DEC-20261126-0001`, one that no record of the kind in the store has or had.
/// `None` for kinds whose ids come from elsewhere (staff ids are the 903 SW_IDs).
pub(super) fn suggest_id(
    kind: Kind,
    day: Date,
    store: &dyn Store,
) -> Result<Option<String>, StoreError> {
    let prefix = match kind {
        Kind::Team => "TEAM",
        Kind::Panel => "PNL",
        Kind::SupervisionSession => "SUP",
        Kind::Decision => "DEC",
        Kind::IroChallenge => "IRO",
        Kind::PreProceedings => "PLO",
        Kind::CareProceedings => "CP",
        _ => return Ok(None),
    };
    let day = day.strftime("%Y%m%d");
    for n in 1.. {
        let id = format!("{prefix}-{day}-{n:04}");
        if store.tracker_record_versions(kind, &id)?.is_empty() {
            return Ok(Some(id));
        }
    }
    unreachable!("the counter runs until an id is free")
}

/// What a form posted: the columns' values (a list's several values joined by `;`),
/// the version it was opened on, the reason and the CSRF token. Names that are not
/// columns are ignored.
struct Posted {
    values: Vec<String>,
    base: Option<i64>,
    reason: String,
    csrf_token: String,
}

impl Posted {
    fn of(kind: Kind, pairs: Vec<(String, String)>) -> Posted {
        let template = kind.template();
        let mut values = vec![String::new(); template.columns.len()];
        let mut posted = Posted {
            values: Vec::new(),
            base: None,
            reason: String::new(),
            csrf_token: String::new(),
        };
        for (name, value) in pairs {
            match name.as_str() {
                "csrf_token" => posted.csrf_token = value,
                "base" => posted.base = value.trim().parse().ok(),
                "reason" => posted.reason = value,
                _ => {
                    if let Some(index) = template.position(&name) {
                        let slot = &mut values[index];
                        if matches!(template.columns[index].kind, ColumnKind::List(_))
                            && !slot.is_empty()
                        {
                            slot.push(LIST_SEPARATOR);
                        }
                        slot.push_str(&value);
                    }
                }
            }
        }
        posted.values = values;
        posted
    }
}

/// Values pre-filled from the query string of a new form: columns by name (a list's
/// several values joined by `;`), dates written `yyyy-mm-dd` turned to `dd/mm/yyyy`.
fn prefill(kind: Kind, query: &[(String, String)], values: &mut [String]) {
    let template = kind.template();
    for (name, value) in query {
        let Some(index) = template.position(name).filter(|_| name != "CHILD") else {
            continue;
        };
        let column = &template.columns[index];
        let value = match column.kind {
            ColumnKind::Date { .. } => parse_day(value).map_or_else(|| value.clone(), format_dmy),
            _ => value.clone(),
        };
        let slot = &mut values[index];
        if matches!(column.kind, ColumnKind::List(_)) && !slot.is_empty() {
            slot.push(LIST_SEPARATOR);
        }
        slot.push_str(&value);
    }
}

/// The values as the tracker reads them: the fixed ones from the path or the stored
/// record, dates written `yyyy-mm-dd` as `dd/mm/yyyy`, the rest as typed.
fn inputs(place: &Place, opened: &Opened, values: &[String]) -> Vec<String> {
    let template = place.kind.template();
    template
        .columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let typed = values.get(index).map(String::as_str).unwrap_or("");
            if column.name == "CHILD"
                && let Some(child) = &place.child
            {
                return child.clone();
            }
            if let Opened::Stored { record, .. } = opened
                && template.key.contains(&column.name)
            {
                return record.field(column.name).to_string();
            }
            match column.kind {
                ColumnKind::Date { .. } if is_iso(typed) => {
                    parse_day(typed).map_or_else(|| typed.to_string(), format_dmy)
                }
                _ => typed.to_string(),
            }
        })
        .collect()
}

fn is_iso(text: &str) -> bool {
    let b = text.trim().as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-'
}

/// The first field a person can change: where a problem of the whole record points.
fn first_editable(place: &Place, opened: &Opened) -> &'static str {
    place
        .kind
        .template()
        .columns
        .iter()
        .find(|c| !fixed(place, opened, c))
        .map_or("reason", |c| c.name)
}

/// A problem from the tracker's checks, said for the person at the form: what to fix,
/// in the words of the form (no files, lines or column codes).
fn say(place: &Place, column: Option<&str>, message: &str, values: &[String]) -> (String, String) {
    let template = place.kind.template();
    let Some(column) = column.and_then(|name| template.column(name)) else {
        return (String::new(), tidy(template, message));
    };
    let name = label(column.name);
    let value = template
        .position(column.name)
        .and_then(|i| values.get(i))
        .map(|v| v.trim().to_string())
        .unwrap_or_default();
    let choose = matches!(
        column.kind,
        ColumnKind::Code(_)
            | ColumnKind::Flag
            | ColumnKind::List(Item::Code(_))
            | ColumnKind::List(Item::Ref(Target::Person | Target::Team | Target::Panel))
    ) || matches!(column.kind, ColumnKind::Ref(target) if target != Target::Child);
    let text = if message.starts_with("is blank but a value is required") {
        if choose {
            format!("Select {}", object(column))
        } else {
            format!("Enter {}", object(column))
        }
    } else if let Some(reference) = unknown_reference(message) {
        reference
    } else if message.contains("control character") {
        format!("{name} must not contain tabs or other special characters")
    } else {
        match column.kind {
            ColumnKind::Date { .. } if message.contains("is in the future") => {
                format!("{name} must be today or in the past")
            }
            ColumnKind::Date { .. } if message.contains("not a date") => {
                format!("{name} must be a real date, for example 27/03/2025")
            }
            ColumnKind::Date { .. } if message.contains("not a real date") => {
                format!("{name} must be a real date, for example 27/03/2025")
            }
            ColumnKind::Date { .. } if message.contains("cannot come before") => {
                let earlier = template
                    .not_before
                    .iter()
                    .find(|(later, _)| *later == column.name)
                    .map_or_else(String::new, |(_, earlier)| label(earlier).to_lowercase());
                format!("{name} must be the same as or after {earlier}")
            }
            ColumnKind::Date { .. }
                if message.contains("'s ") && message.contains(" is before ") =>
            {
                let parent_date = message
                    .split_once("'s ")
                    .and_then(|(_, rest)| rest.split_once('('))
                    .and_then(|(_, rest)| rest.split(',').next())
                    .unwrap_or("");
                let parent = match place.kind {
                    Kind::ChallengeStep => "the day the challenge was raised",
                    Kind::PreProceedingsMeeting => {
                        "the legal gateway meeting that started the case"
                    }
                    _ => "the day the proceedings were issued",
                };
                format!("{name} must not be before {parent} ({parent_date})")
            }
            ColumnKind::Code(_) | ColumnKind::List(Item::Code(_))
                if message.contains("is not a") =>
            {
                format!("Select a {} from the list", name.to_lowercase())
            }
            ColumnKind::Number { max, .. } if message.contains("whole number") => {
                format!("{name} must be a whole number from 0 to {max}")
            }
            ColumnKind::Flag => format!("Select yes or no for {}", name.to_lowercase()),
            _ if message.contains("is listed twice") => {
                format!("{name} lists {value} more than once: give each only once")
            }
            _ => format!("{name} {}", tidy(template, message)),
        }
    };
    (column.name.to_string(), text)
}

/// "person 'X' is not in people.csv (...)" → "There is no person with the ID X: ...".
fn unknown_reference(message: &str) -> Option<String> {
    let (noun, rest) = message.split_once(" '")?;
    let (id, rest) = rest.split_once("' is not in ")?;
    if noun.contains(' ')
        && !matches!(
            noun,
            "IRO challenge"
                | "pre-proceedings case"
                | "care proceedings case"
                | "supervision session"
        )
    {
        return None;
    }
    if rest.starts_with("the 903 data") {
        return Some(format!(
            "There is no child {id} in the 903 data: check the child's id"
        ));
    }
    Some(format!(
        "There is no {noun} with the ID {id}: choose one that is recorded, or record the {noun} first"
    ))
}

/// A message with the template's column names as labels, and no talk of imports.
fn tidy(template: &permanence_tracker::Template, message: &str) -> String {
    let mut text = message.replace("the date of this import", "today");
    for column in template.columns {
        let words: Vec<String> = text
            .split(' ')
            .map(|word| {
                let bare = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
                if bare == column.name && bare.len() > 1 {
                    word.replacen(bare, &label(bare).to_lowercase(), 1)
                } else {
                    word.to_string()
                }
            })
            .collect();
        text = words.join(" ");
    }
    text
}

/// Checks the form's values as an import checks a row: the tracker's reading, then
/// its checks against the stored records and the children, then that a new record is
/// new and a correction changes something. The record, or the problems by field.
fn check(
    place: &Place,
    opened: &Opened,
    values: &[String],
    stored: &[RawRecord],
    children: &BTreeSet<String>,
    as_of: Date,
) -> Result<RawRecord, Vec<FieldError>> {
    let template = place.kind.template();
    let inputs = inputs(place, opened, values);
    let to_errors = |problems: Vec<(Option<String>, String)>| -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = Vec::new();
        for (column, message) in problems {
            let (column, text) = say(place, column.as_deref(), &message, values);
            let field = template
                .column(&column)
                .filter(|c| !fixed(place, opened, c))
                .map_or_else(|| first_editable(place, opened), |c| c.name);
            // One message per field, the first found, as the error summary lists them.
            if !errors.iter().any(|e| e.field == field) {
                errors.push(FieldError {
                    field,
                    message: text,
                });
            }
        }
        // In the order of the form.
        errors.sort_by_key(|e| template.position(e.field).unwrap_or(usize::MAX));
        errors
    };
    let record = read_row(place.kind, &inputs, SOURCE, Some(as_of)).map_err(|problems| {
        to_errors(
            problems
                .0
                .into_iter()
                .map(|p| (p.column, p.message))
                .collect(),
        )
    })?;
    let changes =
        plan_import(std::slice::from_ref(&record), stored, children).map_err(|problems| {
            to_errors(
                problems
                    .0
                    .into_iter()
                    .map(|p| (p.column, p.message))
                    .collect(),
            )
        })?;
    match (opened, changes.first()) {
        (Opened::New, Some(Change::Corrects | Change::Unchanged)) => {
            Err(vec![exists_error(place, opened, &record)])
        }
        (Opened::Stored { .. }, Some(Change::Unchanged)) => Err(vec![FieldError {
            field: first_editable(place, opened),
            message: "You have not changed anything: change a value, or cancel".into(),
        }]),
        _ => Ok(record),
    }
}

/// The problem with adding a record whose key is stored already.
fn exists_error(place: &Place, opened: &Opened, record: &RawRecord) -> FieldError {
    let template = place.kind.template();
    let field = template
        .key
        .iter()
        .copied()
        .find(|name| {
            template
                .column(name)
                .is_some_and(|c| !fixed(place, opened, c))
        })
        .unwrap_or_else(|| first_editable(place, opened));
    let message = if template.key == ["ID"] {
        format!(
            "There is already a record with the ID {}: use another ID, or change that record",
            record.field("ID")
        )
    } else if key_text(record).is_empty() {
        "This record already exists: change it rather than adding another".to_string()
    } else {
        format!(
            "There is already a record with {}: change that record, or give other details",
            key_text(record)
        )
    };
    FieldError { field, message }
}

/// Everything a form page needs from the store and the borough.
struct Loaded {
    borough: Arc<Borough>,
    /// The current records a form here may refer to or be about: for a child's
    /// record, the child's and those about no child (every record it can refer to is
    /// one of these); for an organisation record, every record.
    stored: Vec<RawRecord>,
}

async fn load(state: &AppState, place: &Place) -> Result<Loaded, AppError> {
    let borough = state.borough().await?;
    let stored = match &place.child {
        Some(child) => state.store().child_tracker_records(child)?,
        None => state.store().current_tracker_records()?,
    };
    Ok(Loaded { borough, stored })
}

/// The current version of a record and its id: 404 if there is none, or if it is not
/// this child's.
fn open_stored(state: &AppState, place: &Place, key: &str) -> Result<Opened, AppError> {
    let versions = state.store().tracker_record_versions(place.kind, key)?;
    let current = versions
        .into_iter()
        .find(|v| v.superseded_by.is_none())
        .ok_or(AppError::NotFound)?;
    if place.child.is_some() && current.record.child() != place.child.as_deref() {
        return Err(AppError::NotFound);
    }
    Ok(Opened::Stored {
        record: current.record,
        version: current.id,
    })
}

/// The form page, as opened or as sent back with its problems (status 422).
#[allow(clippy::too_many_arguments)]
fn form_page(
    user: &CurrentUser,
    loaded: &Loaded,
    place: &Place,
    opened: &Opened,
    values: &[String],
    errors: Vec<FieldError>,
    reason: String,
    base: Option<i64>,
    conflict: Option<(&TrackerVersion, String)>,
) -> Result<Response, AppError> {
    let template = place.kind.template();
    let access = Access {
        user,
        borough: &loaded.borough,
    };
    let fields = field_views(
        place,
        opened,
        values,
        &errors,
        conflict.as_ref().map(|(version, _)| &version.record),
        &loaded.stored,
        &access,
    );
    let (heading, action) = match opened {
        Opened::New => (format!("Add: {}", template.title), place.create_url()),
        Opened::Stored { record, .. } => (
            format!("Change: {}", template.title),
            place.edit_url(&record.key()),
        ),
    };
    let caption = match (&place.child, opened.record()) {
        (Some(child), Some(record)) => format!("Child {child}: {}", key_text(record)),
        (Some(child), None) => format!("Child {child}"),
        (None, Some(record)) => key_text(record),
        (None, None) => "Organisation records".into(),
    };
    let reason_error = errors
        .iter()
        .find(|e| e.field == "reason")
        .map(|e| e.message.clone());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = FormPage {
        nav: Nav::of(user),
        errors,
        caption,
        heading,
        description: plain(template.description),
        action,
        back: place.list_url(),
        base: base.map(|b| b.to_string()).unwrap_or_default(),
        fields,
        correcting: matches!(opened, Opened::Stored { .. }),
        reason,
        reason_error,
        conflict: conflict.map(|(_, who)| who),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The empty form, pre-filled from the query string, with a fresh id suggested.
async fn new_form(
    state: AppState,
    user: CurrentUser,
    place: Place,
    query: Vec<(String, String)>,
) -> Result<Response, AppError> {
    let loaded = load(&state, &place).await?;
    let access = Access {
        user: &user,
        borough: &loaded.borough,
    };
    access.require_add(&place)?;
    let template = place.kind.template();
    let mut values = vec![String::new(); template.columns.len()];
    if let (Some(child), Some(index)) = (&place.child, template.position("CHILD")) {
        values[index] = child.clone();
    }
    prefill(place.kind, &query, &mut values);
    if let Some(index) = template
        .columns
        .iter()
        .position(|c| matches!(c.kind, ColumnKind::Id))
        && values[index].is_empty()
        && let Some(id) = suggest_id(place.kind, loaded.borough.as_of, &**state.store())?
    {
        values[index] = id;
    }
    form_page(
        &user,
        &loaded,
        &place,
        &Opened::New,
        &values,
        Vec::new(),
        String::new(),
        None,
        None,
    )
}

async fn edit_form(
    state: AppState,
    user: CurrentUser,
    place: Place,
    key: String,
) -> Result<Response, AppError> {
    let loaded = load(&state, &place).await?;
    let opened = open_stored(&state, &place, &key)?;
    let Opened::Stored { record, version } = &opened else {
        return Err(AppError::NotFound);
    };
    if !visible(&loaded.borough, &user, record, &loaded.stored) {
        return Err(AppError::NotFound);
    }
    Access {
        user: &user,
        borough: &loaded.borough,
    }
    .require_record(record, &loaded.stored)?;
    // A read of the record of every child it is about: a child's own record, or the
    // child of the challenge, case or session an organisation record hangs off.
    for child in children_of(record, &loaded.stored) {
        state.store().audit(
            &user.user.username,
            "view_record",
            Some(&child),
            &format!(
                "web: {} ({}) to change",
                place.kind.name(),
                record.key_text()
            ),
        )?;
    }
    form_page(
        &user,
        &loaded,
        &place,
        &opened,
        &values_of(record),
        Vec::new(),
        String::new(),
        Some(*version),
        None,
    )
}

/// Saves a posted form (a new record when `key` is None, else a correction): checks
/// the token, the user's access, the values and the version it was opened on.
async fn save(
    state: AppState,
    user: CurrentUser,
    place: Place,
    key: Option<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, AppError> {
    let Form(pairs) = match form {
        Ok(form) => form,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    let posted = Posted::of(place.kind, pairs);
    user.check_csrf(&posted.csrf_token)?;
    let loaded = load(&state, &place).await?;
    let access = Access {
        user: &user,
        borough: &loaded.borough,
    };
    let opened = match &key {
        None => {
            access.require_add(&place)?;
            Opened::New
        }
        Some(key) => {
            let opened = open_stored(&state, &place, key)?;
            if let Some(record) = opened.record() {
                if !visible(&loaded.borough, &user, record, &loaded.stored) {
                    return Err(AppError::NotFound);
                }
                access.require_record(record, &loaded.stored)?;
            }
            opened
        }
    };
    let correcting = matches!(opened, Opened::Stored { .. });
    let reason = posted.reason.trim().to_string();
    let children = state.store().known_children()?;
    let checked = check(
        &place,
        &opened,
        &posted.values,
        &loaded.stored,
        &children,
        loaded.borough.as_of,
    );
    let mut errors = match &checked {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .iter()
            .map(|e| FieldError {
                field: e.field,
                message: e.message.clone(),
            })
            .collect(),
    };
    if correcting && reason.is_empty() {
        errors.push(FieldError {
            field: "reason",
            message: "Enter why you are changing this record".into(),
        });
    }
    let base = if correcting { posted.base } else { None };
    let record = match checked {
        Ok(record) if errors.is_empty() => record,
        _ => {
            return form_page(
                &user,
                &loaded,
                &place,
                &opened,
                &posted.values,
                errors,
                posted.reason,
                base,
                None,
            );
        }
    };
    // The new version must be one the user may change too (a stage moved to another
    // child's challenge, a session naming a child out of reach).
    access.require_record(&record, &loaded.stored)?;
    let reason = if correcting {
        reason.as_str()
    } else {
        ADDED_REASON
    };
    let saved = state
        .store()
        .save_tracker_edit(&record, &user.user.username, reason, base);
    match saved {
        Ok(_) => {}
        Err(StoreError::Conflict { current, .. }) => {
            return conflict(
                &state, &user, &loaded, &place, &opened, &record, &posted, current,
            );
        }
        Err(error) => return Err(error.into()),
    }
    state.refresh().await?;
    let saved = encode(&format!("{}/{}", place.kind.name(), record.key()));
    Ok(Redirect::to(&format!("{}?saved={saved}", place.list_url())).into_response())
}

/// The form again after someone else saved the record first: their values shown by
/// each field, the user's kept, and the version they saved as the new base, so that a
/// second submit deliberately saves over it. Adding a record that someone else has
/// just added is the error of an existing record.
#[allow(clippy::too_many_arguments)]
fn conflict(
    state: &AppState,
    user: &CurrentUser,
    loaded: &Loaded,
    place: &Place,
    opened: &Opened,
    record: &RawRecord,
    posted: &Posted,
    current: Option<i64>,
) -> Result<Response, AppError> {
    let reason = posted.reason.clone();
    if matches!(opened, Opened::New) {
        return form_page(
            user,
            loaded,
            place,
            opened,
            &posted.values,
            vec![exists_error(place, opened, record)],
            reason,
            None,
            None,
        );
    }
    let versions = state
        .store()
        .tracker_record_versions(place.kind, &record.key())?;
    let Some(theirs) = versions.iter().find(|v| Some(v.id) == current) else {
        return Err(AppError::NotFound);
    };
    let who = format!(
        "{} saved a change at {}, giving the reason: {}",
        theirs.recorded_by,
        when(&theirs.recorded_at),
        theirs.reason
    );
    let field = place
        .kind
        .template()
        .columns
        .iter()
        .find(|c| !fixed(place, opened, c) && record.field(c.name) != theirs.record.field(c.name))
        .map_or_else(|| first_editable(place, opened), |c| c.name);
    let errors = vec![FieldError {
        field,
        message: "Someone else changed this record while you were editing it. Their values are \
                  shown under the fields they changed; your changes are kept. Save again to \
                  replace their version with yours"
            .into(),
    }];
    form_page(
        user,
        loaded,
        place,
        opened,
        &posted.values,
        errors,
        reason,
        Some(theirs.id),
        Some((theirs, who)),
    )
}

/// A stored RFC 3339 time as `dd/mm/yyyy hh:mm` on the council's clock (UK time).
fn when(at: &str) -> String {
    let zone = jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC);
    at.parse::<jiff::Timestamp>()
        .map(|t| {
            t.to_zoned_datetime(zone)
                .strftime("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

// ---------------------------------------------------------------- history

/// One value of a version, with whether it differs from the version before.
struct HistoryValue {
    label: String,
    value: String,
    changed: bool,
}

struct HistoryVersion {
    number: usize,
    current: bool,
    at: String,
    by: String,
    reason: String,
    source: String,
    values: Vec<HistoryValue>,
}

#[derive(Template)]
#[template(path = "record_history.html")]
struct HistoryPage {
    nav: Nav,
    caption: String,
    heading: String,
    back: String,
    change: Option<String>,
    versions: Vec<HistoryVersion>,
}

async fn history(
    state: AppState,
    user: CurrentUser,
    place: Place,
    key: String,
) -> Result<Response, AppError> {
    require_read(&user, &place)?;
    let loaded = load(&state, &place).await?;
    let versions = state.store().tracker_record_versions(place.kind, &key)?;
    let Some(current) = versions.iter().find(|v| v.superseded_by.is_none()) else {
        return Err(AppError::NotFound);
    };
    if (place.child.is_some() && current.record.child() != place.child.as_deref())
        || !visible(&loaded.borough, &user, &current.record, &loaded.stored)
    {
        return Err(AppError::NotFound);
    }
    let names = Names::new(&loaded.stored);
    let template = place.kind.template();
    let access = Access {
        user: &user,
        borough: &loaded.borough,
    };
    let change = access
        .record(&current.record, &loaded.stored)
        .then(|| place.edit_url(&key));
    let mut shown: Vec<HistoryVersion> = versions
        .iter()
        .enumerate()
        .map(|(index, version)| {
            let previous = index.checked_sub(1).map(|i| &versions[i].record);
            HistoryVersion {
                number: index + 1,
                current: version.superseded_by.is_none(),
                at: when(&version.recorded_at),
                by: version.recorded_by.clone(),
                reason: version.reason.clone(),
                source: if version.record.file == SOURCE {
                    "Recorded in the web application".into()
                } else {
                    format!(
                        "Imported from {}, line {}",
                        version.record.file, version.record.line
                    )
                },
                values: template
                    .columns
                    .iter()
                    .map(|column| {
                        let value = version.record.field(column.name);
                        HistoryValue {
                            label: label(column.name),
                            value: show_value(column, value, &names),
                            changed: previous.is_some_and(|p| p.field(column.name) != value),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    shown.reverse();
    for child in children_of(&current.record, &loaded.stored) {
        state.store().audit(
            &user.user.username,
            "view_record_history",
            Some(&child),
            &format!(
                "web: history of {} ({})",
                place.kind.name(),
                current.record.key_text()
            ),
        )?;
    }
    render(&HistoryPage {
        nav: Nav::of(&user),
        caption: match &place.child {
            Some(child) => format!("Child {child}: {}", template.title),
            None => template.title.to_string(),
        },
        heading: format!("History of {}", {
            let text = key_text(&current.record);
            if text.is_empty() {
                "this record".to_string()
            } else {
                text
            }
        }),
        back: place.list_url(),
        change,
        versions: shown,
    })
}

// ---------------------------------------------------------------- handlers

/// The place of a child's records of `kind`, once the user may read children's records.
async fn child_place(
    state: &AppState,
    user: &CurrentUser,
    id: String,
    kind: &str,
) -> Result<Place, AppError> {
    user.require(Permission::ReadChildren)?;
    Place::of_child(&*state.borough().await?, user, id, kind)
}

async fn child_new(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, kind)): Path<(String, String)>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let place = child_place(&state, &user, id, &kind).await?;
    new_form(state, user, place, query).await
}

async fn child_create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, kind)): Path<(String, String)>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, AppError> {
    let place = child_place(&state, &user, id, &kind).await?;
    save(state, user, place, None, form).await
}

async fn child_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, kind, key)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let place = child_place(&state, &user, id, &kind).await?;
    edit_form(state, user, place, key).await
}

async fn child_update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, kind, key)): Path<(String, String, String)>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, AppError> {
    let place = child_place(&state, &user, id, &kind).await?;
    save(state, user, place, Some(key), form).await
}

async fn child_history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, kind, key)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let place = child_place(&state, &user, id, &kind).await?;
    history(state, user, place, key).await
}

async fn organisation_new(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(kind): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let place = Place::of_organisation(&kind)?;
    new_form(state, user, place, query).await
}

async fn organisation_create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(kind): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, AppError> {
    let place = Place::of_organisation(&kind)?;
    save(state, user, place, None, form).await
}

async fn organisation_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, key)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let place = Place::of_organisation(&kind)?;
    if user.role.may_change(place.kind).is_none() {
        return Err(AppError::Forbidden);
    }
    edit_form(state, user, place, key).await
}

async fn organisation_update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, key)): Path<(String, String)>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, AppError> {
    let place = Place::of_organisation(&kind)?;
    save(state, user, place, Some(key), form).await
}

async fn organisation_history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, key)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let place = Place::of_organisation(&kind)?;
    history(state, user, place, key).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_as_words() {
        assert_eq!(label("SOURCE_REF"), "Source ref");
        assert_eq!(label("IRO"), "IRO");
        assert_eq!(label("ID"), "ID");
        let decided = Kind::PermanencePlan.template().column("DECIDED").unwrap();
        assert_eq!(object(decided), "the day this version was decided");
        let owner = Kind::Decision.template().column("OWNER").unwrap();
        assert_eq!(object(owner), "who must carry it out");
    }

    #[test]
    fn fresh_ids_do_not_collide() {
        let day = Date::constant(2026, 11, 26);
        // Another child's decision: ids are unique across every child's records.
        let taken = RawRecord::new(
            Kind::Decision,
            "x",
            2,
            &[
                "DEC-20261126-0001",
                "C9",
                "alert",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        );
        let mut store = permanence_store::SqliteStore::in_memory().unwrap();
        let suggested =
            |store: &permanence_store::SqliteStore, kind| suggest_id(kind, day, store).unwrap();
        assert_eq!(
            suggested(&store, Kind::Decision).as_deref(),
            Some("DEC-20261126-0001")
        );
        store
            .save_tracker_edit(&taken, "sw1", "added", None)
            .unwrap();
        assert_eq!(
            suggested(&store, Kind::Decision).as_deref(),
            Some("DEC-20261126-0002")
        );
        assert_eq!(
            suggested(&store, Kind::IroChallenge).as_deref(),
            Some("IRO-20261126-0001")
        );
        assert_eq!(suggested(&store, Kind::Person), None);
    }

    #[test]
    fn problems_are_said_for_the_person_at_the_form() {
        let place = Place {
            kind: Kind::PermanencePlan,
            child: Some("C1".into()),
        };
        let values = vec![String::new(); 9];
        let say = |column, message: &str| say(&place, Some(column), message, &values).1;
        assert_eq!(
            say(
                "DECIDED",
                "is blank but a value is required: the day this version was decided."
            ),
            "Enter the day this version was decided"
        );
        assert_eq!(
            say(
                "FORUM",
                "is blank but a value is required: where it was decided."
            ),
            "Select where it was decided"
        );
        assert_eq!(
            say(
                "DECIDED",
                "'32/01/2025' is not a real date (no such day); expected dd/mm/yyyy"
            ),
            "Decided must be a real date, for example 27/03/2025"
        );
        assert_eq!(
            say(
                "DECIDED",
                "01/01/2030 is in the future (after 01/01/2026, the date of this import); \
                 DECIDED must be a day that has already happened"
            ),
            "Decided must be today or in the past"
        );
        assert_eq!(
            say(
                "TARGET",
                "01/01/2024 is before DECIDED (01/02/2025); TARGET cannot come before DECIDED"
            ),
            "Target must be the same as or after decided"
        );
        let text = say(
            "CONTINGENCY",
            "is the primary plan (adoption); a contingency plan is a different option",
        );
        assert!(!text.contains("CONTINGENCY"), "{text}");
        assert_eq!(
            unknown_reference(
                "person 'NOBODY' is not in people.csv (neither in the database nor in this import)"
            )
            .unwrap(),
            "There is no person with the ID NOBODY: choose one that is recorded, or record the person first"
        );
    }
}
