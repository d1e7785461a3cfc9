//! The web layer's one error type, and the error pages it becomes: 403, 404, 413 and
//! 500 pages that say what the user can do and nothing about the system. The detail of an
//! internal error goes to the server's log, never to the page.

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
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
            AppError::Internal(error) if database_unavailable(error) => {
                tracing::warn!("the database is not available: {error:#}");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The service is busy or restarting",
                    "Nothing was saved. Wait a minute, then go back and try again.",
                )
            }
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
        let shown = Shown {
            status,
            title,
            message,
        };
        let mut response = shown.render(Nav::anonymous());
        // So that `with_nav` can give a signed-in user their header back.
        response.extensions_mut().insert(shown);
        response
    }
}

/// Whether the error is the database being out of reach for now (its server restarting,
/// the network failing, a lock held too long): the request may succeed when tried again.
fn database_unavailable(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<permanence_store::StoreError>(),
            Some(permanence_store::StoreError::Unavailable(_))
        )
    })
}

/// An error page as answered, kept with the response so that it can be drawn again with
/// the signed-in user's header.
#[derive(Clone, Copy)]
struct Shown {
    status: StatusCode,
    title: &'static str,
    message: &'static str,
}

impl Shown {
    fn render(self, nav: Nav) -> Response {
        let page = ErrorPage {
            nav,
            title: self.title,
            message: self.message,
        };
        let mut response = match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(_) => (self.status, self.title).into_response(),
        };
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("60"));
        }
        response
    }
}

/// Draws an error page again with the header of the user signed in, if any (their
/// navigation and sign-out), which the error itself cannot know.
pub(crate) async fn with_nav(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let cookies = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .cloned()
        .collect::<Vec<_>>();
    let response = next.run(request).await;
    let Some(shown) = response.extensions().get::<Shown>().copied() else {
        return response;
    };
    let mut headers = HeaderMap::new();
    for cookie in cookies {
        headers.append(header::COOKIE, cookie);
    }
    match crate::auth::session_user(&state, &headers) {
        Ok(Some(user)) => shown.render(Nav::of(&user)),
        _ => response,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_out_of_reach_is_answered_with_try_again_later() {
        let unavailable = permanence_store::StoreError::Unavailable("connection refused".into());
        let response = AppError::from(unavailable).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "60");
        // Through the evaluation's own errors too.
        let wrapped = anyhow::Error::from(permanence_store::StoreError::Unavailable("x".into()))
            .context("evaluating the borough");
        let response = AppError::Internal(wrapped).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        // Anything else is the service's own problem.
        let response = AppError::Internal(anyhow::anyhow!("broken")).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().get(header::RETRY_AFTER).is_none());
    }
}
