//! The web layer's one error type, and the error pages it becomes: 403, 404 and 500
//! pages that say what the user can do and nothing about the system. The detail of an
//! internal error goes to the server's log, never to the page.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::pages::Nav;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The user's role does not allow it, or a form was forged or stale.
    #[error("forbidden")]
    Forbidden,
    /// No such page or record.
    #[error("not found")]
    NotFound,
    /// Anything else: logged, and answered with a page that reveals nothing.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<permanence_store::StoreError> for AppError {
    fn from(error: permanence_store::StoreError) -> AppError {
        AppError::Internal(error.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> AppError {
        AppError::Internal(error.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    nav: Nav,
    title: &'static str,
    message: &'static str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "You cannot see this page",
                "Your role does not give access to this page, or the form you sent had expired. \
                 Go back and try again, or ask your manager if you need access.",
            ),
            AppError::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "If you typed the web address, check it is correct. If you pasted it, check you \
                 copied the entire address.",
            ),
            AppError::Internal(error) => {
                eprintln!("internal error: {error:#}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service",
                    "Try again later. Nothing you entered has been saved twice.",
                )
            }
        };
        let page = ErrorPage {
            nav: Nav::anonymous(),
            title,
            message,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, title).into_response(),
        }
    }
}
