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
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use permanence_rules::Policy;
use permanence_store::{DataVersion, Database, Location};
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
    /// The reverse proxies in front of the application, whose `X-Forwarded-For`
    /// header is believed when counting failed sign-ins by address (otherwise every
    /// sign-in through the proxy would count as the proxy's). Empty: the header is
    /// ignored, as anyone can send it.
    pub trusted_proxies: Vec<std::net::IpAddr>,
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
            trusted_proxies: Vec::new(),
        }
    }
}

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
    evaluator: Mutex<Evaluator>,
    /// The changes to records made through this server so far, counted.
    changes: AtomicU64,
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
        let version = evaluator.data_version()?;
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
                evaluator: Mutex::new(Evaluator {
                    store: evaluator,
                    covered: 0,
                    version,
                }),
                changes: AtomicU64::new(0),
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
        self.evaluate("new day", Due::Today).await
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
    /// show the change at once. Changes saved together share an evaluation: one that
    /// began after this change was saved covers it, so a change waits for at most the
    /// evaluation under way and the next, however many are saved meanwhile.
    pub(crate) async fn refresh(&self) -> Result<(), AppError> {
        let change = self.inner.changes.fetch_add(1, Ordering::SeqCst) + 1;
        self.evaluate("change", Due::Change(change)).await.map(drop)
    }

    /// Loads and evaluates the borough on today's date, records the evaluation's
    /// alerts, and puts the borough in place for every request, unless the borough in
    /// place is today's and already what is `due`.
    async fn evaluate(
        &self,
        trigger: &'static str,
        due: Due,
    ) -> Result<Arc<borough::Borough>, AppError> {
        let today = borough::today();
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut evaluator = state
                .inner
                .evaluator
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            // Read before the load, which then sees at least this much.
            let covered = state.inner.changes.load(Ordering::SeqCst);
            let version = evaluator.store.data_version()?;
            if let Some(current) = state.inner.borough.get_if(today) {
                let done = match due {
                    Due::Today => true,
                    Due::Change(change) => evaluator.covered >= change,
                    Due::Elsewhere => evaluator.version == version,
                };
                if done {
                    return Ok(current);
                }
            }
            let (rebuilt, _) = evaluation::evaluate(
                &mut *evaluator.store,
                &state.inner.policy,
                today,
                trigger,
                "system",
            )?;
            evaluator.covered = covered;
            evaluator.version = version;
            Ok(state.inner.borough.replace(rebuilt))
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)
    }

    /// Evaluates again whenever the date has changed, so that alerts escalate on their
    /// timetable even when nobody is using the server, and whenever another process
    /// (another server on the same database, an import from the command line) has
    /// changed the records, so that every server's pages show them: checking every
    /// [`FRESHNESS_CHECK`].
    async fn keep_evaluating(self) {
        let mut interval = tokio::time::interval(FRESHNESS_CHECK);
        loop {
            interval.tick().await;
            if let Err(error) = self.catch_up().await {
                tracing::error!(%error, "the scheduled evaluation failed");
            }
        }
    }

    /// One of [`AppState::keep_evaluating`]'s checks: evaluates if the date has changed
    /// or another process has changed the records.
    async fn catch_up(&self) -> Result<(), AppError> {
        let (trigger, due) = if self.inner.borough.get_if(borough::today()).is_none() {
            ("schedule", Due::Today)
        } else {
            ("changed elsewhere", Due::Elsewhere)
        };
        self.evaluate(trigger, due).await.map(drop)
    }
}

/// How often the server checks for a new day and for records changed by another
/// process.
const FRESHNESS_CHECK: Duration = Duration::from_secs(30);

/// When an evaluation is due, besides when the borough in place is not today's.
#[derive(Debug, Clone, Copy)]
enum Due {
    /// Only then.
    Today,
    /// Until an evaluation begun after this change (counted in `Inner::changes`).
    Change(u64),
    /// When the stored records are not those the borough was loaded from (changed by
    /// another process).
    Elsewhere,
}

/// The evaluations' connection and how far they have got.
struct Evaluator {
    store: Database,
    /// The count of changes made through this server (`Inner::changes`) that the
    /// borough in place has seen.
    covered: u64,
    /// The version of the stored records the borough in place was loaded from.
    version: DataVersion,
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

#[cfg(test)]
mod tests {
    use permanence_store::{SqliteStore, Store};
    use permanence_tracker::{Kind, RawRecord};

    use super::*;

    /// A server on a new SQLite database (no children: evaluations are quick, and
    /// recorded all the same), and the database's path.
    fn server() -> (AppState, tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("permanence.db");
        drop(SqliteStore::open(&db).unwrap());
        let state = AppState::open(
            Location::Sqlite(db.clone()),
            Policy::default(),
            Settings::default(),
        )
        .unwrap();
        (state, dir, db)
    }

    /// How many evaluations with this trigger the database records.
    fn runs(state: &AppState, trigger: &str) -> usize {
        let runs = state.store().evaluation_runs(1_000).unwrap();
        runs.iter().filter(|run| run.trigger == trigger).count()
    }

    fn person(id: &str) -> RawRecord {
        RawRecord::new(
            Kind::Person,
            "web",
            0,
            &[id, "Test Person", "social_worker", "", "", "", ""],
        )
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn changes_saved_during_an_evaluation_share_the_next_one() {
        let (state, _dir, _db) = server();
        // An evaluation under way: the evaluator is busy.
        let busy = state.inner.evaluator.lock().unwrap();
        let saves: Vec<_> = (0..3)
            .map(|_| {
                let state = state.clone();
                tokio::spawn(async move { state.refresh().await })
            })
            .collect();
        // The test's own thread waits; the saves run on the runtime's workers.
        while state.inner.changes.load(Ordering::SeqCst) < 3 {
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(busy);
        for save in saves {
            save.await.unwrap().unwrap();
        }
        assert_eq!(
            runs(&state, "change"),
            1,
            "one evaluation covered all three"
        );
        // A change after it gets an evaluation of its own.
        state.refresh().await.unwrap();
        assert_eq!(runs(&state, "change"), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn records_changed_by_another_process_are_evaluated_at_the_next_check() {
        let (state, _dir, db) = server();
        state.catch_up().await.unwrap();
        assert_eq!(runs(&state, "changed elsewhere"), 0, "nothing changed yet");
        // Another process (a second server, an import) adds a member of staff.
        let mut other = SqliteStore::open_existing(&db).unwrap().unwrap();
        other
            .save_tracker_edit(&person("SW-NEW"), "other", "added", None)
            .unwrap();
        assert!(
            state
                .borough()
                .await
                .unwrap()
                .staff_name("SW-NEW")
                .is_none()
        );
        state.catch_up().await.unwrap();
        assert_eq!(runs(&state, "changed elsewhere"), 1);
        assert_eq!(
            state.borough().await.unwrap().staff_name("SW-NEW"),
            Some("Test Person")
        );
        // Seen: the next check has nothing to do.
        state.catch_up().await.unwrap();
        assert_eq!(runs(&state, "changed elsewhere"), 1);
        // Nor does a change made through this server, evaluated when it was saved.
        state
            .store()
            .save_tracker_edit(&person("SW-OWN"), "sw", "added", None)
            .unwrap();
        state.refresh().await.unwrap();
        state.catch_up().await.unwrap();
        assert_eq!(runs(&state, "changed elsewhere"), 1);
        assert_eq!(runs(&state, "change"), 1);
    }
}
