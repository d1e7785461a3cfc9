//! The Permanence web application: server-rendered pages in the GOV.UK Design System's
//! patterns (council-branded, no JavaScript needed), over the same store, journeys and
//! drift engine as the command line.
//!
//! - [`auth`]: roles and what each may do, Argon2id passwords, sessions, CSRF tokens,
//!   login throttling.
//! - [`borough`]: the borough as evaluated today (journeys, tracker records, findings),
//!   held in memory and rebuilt when the date changes.
//! - `pages`: the routes and their templates; `error`: the error pages.
//!
//! Every route checks the signed-in user's role (`docs/access.md`); every view of a
//! child's record is written to the audit log.

pub mod auth;
pub mod borough;
mod error;
pub mod evaluation;
mod pages;
pub mod timeline;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use permanence_rules::Policy;
use permanence_store::{Database, Location};
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

pub use error::AppError;

/// How the application behaves: time limits and cookie security.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A session unused for this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, however much it is used.
    pub absolute_timeout: Duration,
    /// Whether the application is served over HTTPS (in production, behind a reverse
    /// proxy that terminates TLS): then every cookie carries `Secure` (sent over HTTPS
    /// only) and every response carries `Strict-Transport-Security` ([`HSTS`]), so that
    /// browsers never reach it over plain HTTP again. On by default; off only for a
    /// server reached over plain HTTP, such as the tests' or the demo's on this computer
    /// (`serve --insecure-cookies`), which then sends neither: HSTS is never sent over
    /// plain HTTP.
    pub secure_cookies: bool,
    /// Failed sign-ins allowed for one username within [`Settings::throttle_window`].
    pub max_failures_per_username: usize,
    /// Failed sign-ins allowed from one address within [`Settings::throttle_window`].
    pub max_failures_per_address: usize,
    /// The window in which failed sign-ins are counted.
    pub throttle_window: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            secure_cookies: true,
            max_failures_per_username: 5,
            max_failures_per_address: 20,
            throttle_window: Duration::from_secs(15 * 60),
        }
    }
}

/// The trigger of an evaluation after a change to a record (always runs; the others run
/// only when today has not been evaluated yet).
const CHANGE: &str = "change";

/// What every request can reach.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Mutex<Database>,
    db: Location,
    policy: Policy,
    settings: Settings,
    borough: borough::Cache,
    /// The evaluations' own connection, held while one runs (one at a time, so that two
    /// cannot record the same change twice; apart from `store`, so that requests are not
    /// held up meanwhile).
    evaluator: Mutex<Database>,
    /// Reports made on the borough as it now is, newest last (see [`AppState::report`]).
    reports: Mutex<Vec<CachedReport>>,
    throttle: auth::Throttle,
}

impl AppState {
    /// Opens the database (which must exist) and evaluates the borough on today's date.
    pub fn open(db: Location, policy: Policy, settings: Settings) -> anyhow::Result<AppState> {
        let open = || -> anyhow::Result<Database> {
            let store = db.open_existing()?.ok_or_else(|| {
                anyhow::anyhow!("there is no database at {db}: import the 903 return first")
            })?;
            store.for_server()?;
            Ok(store)
        };
        let store = open()?;
        let mut evaluator = open()?;
        let (borough, _) = evaluation::evaluate(
            &mut *evaluator,
            &policy,
            borough::today(),
            "start-up",
            "system",
        )?;
        Ok(AppState {
            inner: Arc::new(Inner {
                store: Mutex::new(store),
                db,
                throttle: auth::Throttle::default(),
                borough: borough::Cache::new(borough),
                evaluator: Mutex::new(evaluator),
                reports: Mutex::new(Vec::new()),
                policy,
                settings,
            }),
        })
    }

    /// The store, locked. Held only for a few statements at a time.
    pub(crate) fn store(&self) -> MutexGuard<'_, Database> {
        // A panic while the lock was held leaves the connection itself usable.
        self.inner
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub(crate) fn throttle(&self) -> &auth::Throttle {
        &self.inner.throttle
    }

    /// The borough as evaluated today (evaluated again first if the date has changed).
    pub(crate) async fn borough(&self) -> Result<Arc<borough::Borough>, AppError> {
        let today = borough::today();
        if let Some(current) = self.inner.borough.get_if(today) {
            return Ok(current);
        }
        self.evaluate("new day", "system").await
    }

    /// The oversight report for a period, made from the borough as it now is (kept for
    /// the next request until the borough is evaluated again: a manager following a
    /// figure to its children does not wait for the report to be made twice).
    pub(crate) async fn report(
        &self,
        period: permanence_reports::Period,
    ) -> Result<Arc<permanence_reports::Report>, AppError> {
        let borough = self.borough().await?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut cache = state
                .inner
                .reports
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            cache.retain(|c| std::ptr::eq(c.borough.as_ptr(), Arc::as_ptr(&borough)));
            if let Some(cached) = cache.iter().find(|c| c.period == period) {
                return Ok(cached.report.clone());
            }
            let today = borough.as_of;
            let to = period.end().min(today);
            let alert_activity = state.store().alert_activity(period.start(), to)?;
            let records = permanence_reports::Records {
                journeys: borough.journeys.clone(),
                trackers: borough.trackers.clone(),
                organisation: borough.organisation.clone(),
                alert_activity,
            };
            let report = Arc::new(
                permanence_reports::build(&records, period, today, &state.inner.policy)
                    .map_err(|_| AppError::NotFound)?,
            );
            if cache.len() >= REPORTS_KEPT {
                cache.remove(0);
            }
            cache.push(CachedReport {
                period,
                borough: Arc::downgrade(&borough),
                report: report.clone(),
            });
            Ok(report)
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?
    }

    /// Evaluates the borough again after a change to a record, so that pages and alerts
    /// show the change at once.
    pub(crate) async fn refresh(&self) -> Result<Arc<borough::Borough>, AppError> {
        self.evaluate(CHANGE, "system").await
    }

    /// Loads and evaluates the borough on today's date, records the evaluation's
    /// alerts, and puts the borough in place for every request.
    async fn evaluate(
        &self,
        trigger: &'static str,
        actor: &'static str,
    ) -> Result<Arc<borough::Borough>, AppError> {
        let today = borough::today();
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut evaluator = state
                .inner
                .evaluator
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            // A new day seen by a request and by the schedule at once is evaluated once.
            if trigger != CHANGE
                && let Some(current) = state.inner.borough.get_if(today)
            {
                return Ok(current);
            }
            let (rebuilt, _) =
                evaluation::evaluate(&mut **evaluator, &state.inner.policy, today, trigger, actor)?;
            Ok(state.inner.borough.replace(rebuilt))
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)
    }

    /// Evaluates again whenever the date has changed, checking every few minutes, so
    /// that alerts escalate on their timetable even when nobody is using the server.
    async fn keep_evaluating(self) {
        let mut interval = tokio::time::interval(Duration::from_secs(5 * 60));
        loop {
            interval.tick().await;
            if self.inner.borough.get_if(borough::today()).is_none()
                && let Err(error) = self.evaluate("schedule", "system").await
            {
                tracing::error!(%error, "the scheduled evaluation failed");
            }
        }
    }
}

/// How many reports the server keeps made.
const REPORTS_KEPT: usize = 8;

/// A report and the borough it was made from.
struct CachedReport {
    period: permanence_reports::Period,
    borough: std::sync::Weak<borough::Borough>,
    report: Arc<permanence_reports::Report>,
}

/// The `Strict-Transport-Security` header sent when the application is served over
/// HTTPS ([`Settings::secure_cookies`]): a year, subdomains too.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The application's routes with its security headers.
pub fn router(state: AppState) -> Router {
    // Only when served over HTTPS: a server reached over plain HTTP (the demo on this
    // computer) must stay reachable so, and browsers ignore the header there anyway.
    let hsts = state
        .settings()
        .secure_cookies
        .then(|| HeaderValue::from_static(HSTS));
    pages::routes()
        .with_state(state.clone())
        // Innermost, so that a refusal for size gets the error page and every header.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(64 * 1024))
        .layer(axum::middleware::map_response(error::too_large_page))
        .layer(axum::middleware::from_fn_with_state(state, error::with_nav))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                 frame-ancestors 'none'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::response::Response| hsts.clone(),
        ))
}

/// Serves the application on `listener` until the process is interrupted (Ctrl-C).
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    tokio::spawn(state.clone().keep_evaluating());
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
