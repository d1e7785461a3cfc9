//! Signing in (with throttling and a fresh session) and signing out.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};

use serde::Deserialize;

use super::{FieldError, FormErrors, Nav};
use crate::auth::{self, CurrentUser, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::{AppError, AppState};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Nav,
    errors: Vec<FieldError>,
    username: String,
    csrf_token: String,
}

impl FormErrors for LoginPage {
    fn errors(&self) -> &[FieldError] {
        &self.errors
    }
}

/// The login page, with a fresh CSRF token in a cookie and in the form.
fn login_response(
    state: &AppState,
    status: StatusCode,
    username: String,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let token = auth::new_token();
    let page = LoginPage {
        nav: Nav::anonymous(),
        errors,
        username,
        csrf_token: token.clone(),
    };
    let cookie = auth::set_cookie(
        LOGIN_CSRF_COOKIE,
        &token,
        None,
        state.settings().secure_cookies,
    );
    Ok((status, [(header::SET_COOKIE, cookie)], Html(page.render()?)).into_response())
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if auth::session_user(&state, &headers)?.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    login_response(&state, StatusCode::OK, String::new(), Vec::new())
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(address): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let expected = auth::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !auth::same_secret(&form.csrf_token, expected) {
        return Err(AppError::Forbidden);
    }
    let username = form.username.trim().to_string();
    let mut errors = Vec::new();
    if username.is_empty() {
        errors.push(FieldError {
            field: "username",
            message: "Enter your username".into(),
        });
    }
    if form.password.is_empty() {
        errors.push(FieldError {
            field: "password",
            message: "Enter your password".into(),
        });
    }
    if !errors.is_empty() {
        return login_response(&state, StatusCode::UNPROCESSABLE_ENTITY, username, errors);
    }
    let address = auth::client_address(state.settings(), address.ip(), &headers);
    if state
        .throttle()
        .is_blocked(state.settings(), &username, address)
    {
        let errors = vec![FieldError {
            field: "username",
            message:
                "There have been too many attempts to sign in. Wait 15 minutes, then try again"
                    .into(),
        }];
        return login_response(&state, StatusCode::TOO_MANY_REQUESTS, username, errors);
    }
    let user = state.store().user_by_username(&username)?;
    let hash = user.as_ref().map_or_else(
        || auth::dummy_hash().to_string(),
        |u| u.password_hash.clone(),
    );
    let password = form.password;
    let verified = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let user = match user {
        Some(user) if verified && !user.disabled => user,
        _ => {
            state
                .throttle()
                .failed(state.settings(), &username, address);
            // The same answer whether the username, the password or the account is wrong.
            let errors = vec![FieldError {
                field: "username",
                message: "Enter a correct username and password".into(),
            }];
            return login_response(&state, StatusCode::UNPROCESSABLE_ENTITY, username, errors);
        }
    };
    state.throttle().succeeded(&username);
    // A new session at every sign-in, and the old one (if any) ended.
    if let Some(old) = auth::cookie(&headers, SESSION_COOKIE) {
        state.store().delete_session(&auth::token_hash(old))?;
    }
    let token = auth::start_session(&state, &user)?;
    let secure = state.settings().secure_cookies;
    Ok((
        // Appended, not inserted: a response may carry several cookies.
        AppendHeaders([
            (
                header::SET_COOKIE,
                auth::set_cookie(SESSION_COOKIE, &token, None, secure),
            ),
            (
                header::SET_COOKIE,
                auth::set_cookie(LOGIN_CSRF_COOKIE, "", Some(0), secure),
            ),
        ]),
        Redirect::to("/"),
    )
        .into_response())
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    user.check_csrf(&form.csrf_token)?;
    state.store().delete_session(&user.token_hash)?;
    let cookie = auth::set_cookie(SESSION_COOKIE, "", Some(0), state.settings().secure_cookies);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}
