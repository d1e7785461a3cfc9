//! The exports page (`/exports`), for performance analysts and heads of service
//! (`Permission::DownloadExports`): Ofsted's Annex A workbook as at a date, and the
//! de-identified export for regional analysis, one file per link, under the council's
//! pseudonym key. Every download is written to the audit log.
//!
//! Annex A covers every child, restricted records included: it is a statutory return to
//! Ofsted, and the roles that may produce it answer for the whole borough's lists. The
//! de-identified export leaves restricted records out (`docs/exports.md`).
//!
//! The key is the server's configuration, read at each download (so a new key needs no
//! restart): the `PERMANENCE_EXPORT_KEY` environment variable, or the file `export.key`
//! beside the database. Without one, the page says what an administrator must set.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use permanence_domain::Date;
use permanence_domain::date::format_dmy;
use permanence_exports::deidentified::{
    KEY_FILE, KEY_VARIABLE, MANIFEST, MIN_KEY_LENGTH, configured_key, stored_alerts,
};
use permanence_exports::workbook::annex_a_xlsx;
use permanence_exports::{
    AnnexAOptions, KeyError, PseudonymKey, build_annex_a, build_deidentified,
};

use serde::Deserialize;

use super::{FieldError, FormErrors, Nav, parse_day, render};
use crate::auth::{CurrentUser, Permission};
use crate::borough::today;
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/exports", get(page))
        .route("/exports/annex-a.xlsx", get(annex_a))
        .route("/exports/deidentified/{file}", get(deidentified))
}

/// A file of the de-identified export, as the page lists it.
struct FileLink {
    name: &'static str,
    description: &'static str,
}

#[derive(Template)]
#[template(path = "exports.html")]
struct ExportsPage {
    nav: Nav,
    errors: Vec<FieldError>,
    as_of: String,
    /// The key check value, when a key is configured.
    key_check: Option<String>,
    /// Why there is no usable key, when there is none.
    key_problem: Option<String>,
    key_variable: &'static str,
    key_file: &'static str,
    min_key_length: usize,
    files: Vec<FileLink>,
}

impl FormErrors for ExportsPage {
    fn errors(&self) -> &[FieldError] {
        &self.errors
    }
}

/// The pseudonym key the server is configured with (the key file may sit beside a
/// SQLite database).
fn key(state: &AppState) -> Result<PseudonymKey, KeyError> {
    configured_key(state.inner.db.file())
}

fn exports_page(
    state: &AppState,
    user: &CurrentUser,
    as_of: String,
    errors: Vec<FieldError>,
) -> ExportsPage {
    let (key_check, key_problem, files) = match key(state) {
        Ok(key) => {
            // The files' names and descriptions, from an export of nothing.
            let empty = build_deidentified(&[], &BTreeMap::new(), &[], &key, today());
            let files = empty
                .files
                .iter()
                .map(|f| FileLink {
                    name: f.name,
                    description: f.description,
                })
                .chain(std::iter::once(FileLink {
                    name: MANIFEST,
                    description: "What each file holds, its columns, and what was removed or reduced",
                }))
                .collect();
            (Some(key.check_value()), None, files)
        }
        Err(KeyError::Missing) => (
            None,
            Some("No pseudonym key is configured.".to_string()),
            Vec::new(),
        ),
        Err(KeyError::TooShort(length)) => (
            None,
            Some(format!(
                "The pseudonym key configured is {length} characters long, too short to protect \
                 the pseudonyms."
            )),
            Vec::new(),
        ),
    };
    ExportsPage {
        nav: Nav::of(user),
        errors,
        as_of,
        key_check,
        key_problem,
        key_variable: KEY_VARIABLE,
        key_file: KEY_FILE,
        min_key_length: MIN_KEY_LENGTH,
        files,
    }
}

async fn page(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require(Permission::DownloadExports)?;
    render(&exports_page(
        &state,
        &user,
        format_dmy(today()),
        Vec::new(),
    ))
}

#[derive(Debug, Default, Deserialize)]
struct AnnexAQuery {
    #[serde(default)]
    as_of: String,
}

/// The as-of date typed, or the problem with it.
fn as_of_date(text: &str) -> Result<Date, String> {
    if text.trim().is_empty() {
        return Ok(today());
    }
    match parse_day(text) {
        None => Err("The as-of date must be a real date, like 31/03/2025 or 2025-03-31".into()),
        Some(date) if date > today() => Err("The as-of date must be today or in the past".into()),
        Some(date) => Ok(date),
    }
}

async fn annex_a(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<AnnexAQuery>,
) -> Result<Response, AppError> {
    user.require(Permission::DownloadExports)?;
    let as_of = match as_of_date(&query.as_of) {
        Ok(date) => date,
        Err(message) => {
            let page = exports_page(
                &state,
                &user,
                query.as_of.trim().to_string(),
                vec![FieldError {
                    field: "as_of",
                    message,
                }],
            );
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
        }
    };
    let borough = state.borough().await?;
    let options = AnnexAOptions {
        as_of,
        produced_on: today(),
        council: None,
        districts: None,
    };
    let (annex, bytes) = tokio::task::spawn_blocking(move || {
        let annex = build_annex_a(
            &borough.journeys,
            &borough.trackers,
            &borough.organisation,
            &options,
        );
        let bytes = annex_a_xlsx(&annex);
        (annex, bytes)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    let bytes = bytes.map_err(|e| AppError::Internal(e.into()))?;
    let rows: Vec<String> = annex
        .lists
        .iter()
        .map(|l| format!("{} {} row(s)", l.list.sheet, l.rows.len()))
        .collect();
    state.store().audit(
        &user.user.username,
        "export_annex_a",
        None,
        &format!(
            "web: Annex A as at {}: {} ({} restricted record(s) included)",
            format_dmy(as_of),
            rows.join(", "),
            annex.restricted
        ),
    )?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"annex-a-{as_of}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn deidentified(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    user.require(Permission::DownloadExports)?;
    // Without a key there is nothing to download; the page says why.
    let key = key(&state).map_err(|_| AppError::NotFound)?;
    let borough = state.borough().await?;
    let alerts = if file == "alerts.csv" || file == MANIFEST {
        stored_alerts(&**state.store(), &borough.journeys)
            .map_err(|e| AppError::Internal(e.into()))?
    } else {
        Vec::new()
    };
    let produced_on = today();
    let export = tokio::task::spawn_blocking(move || {
        build_deidentified(
            &borough.journeys,
            &borough.trackers,
            &alerts,
            &key,
            produced_on,
        )
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    let bytes = export.file(&file).ok_or(AppError::NotFound)?;
    let rows = export
        .files
        .iter()
        .find(|f| f.name == file)
        .map_or(String::new(), |f| format!(", {} row(s)", f.rows.len()));
    state.store().audit(
        &user.user.username,
        "export_deidentified",
        None,
        &format!(
            "web: de-identified export, {file}{rows}, {} child(ren) (key check {})",
            export.manifest.children, export.manifest.pseudonym.key_check
        ),
    )?;
    let content_type = if file == MANIFEST {
        "application/json"
    } else {
        "text/csv; charset=utf-8"
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"deidentified-{produced_on}-{file}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
