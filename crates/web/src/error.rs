//! The web layer's one error type, and the error pages it becomes: 403, 404, 413 and
//! 500 pages that say what the user can do and nothing about the system. The detail of an
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
    /// The request was larger than any form of the application sends.
    #[error("request too large")]
    TooLarge,
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
            AppError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "What you sent is too large",
                "Nothing was saved. Go back, shorten the longest text (a form takes up to \
                 64 KB in all) and send it again.",
            ),
            AppError::Internal(error) => {
                tracing::error!("internal error: {error:#}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service",
                    "Try again later. If you were saving something, check whether it was \
                     saved before you send it again.",
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

/// Gives a request refused for its size (by the body limit, before any handler runs)
/// the same kind of page as every other error.
pub(crate) async fn too_large_page(response: Response) -> Response {
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge.into_response()
    } else {
        response
    }
}
