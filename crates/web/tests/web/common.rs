//! What every web test shares: a small synthetic borough imported as the command line
//! imports it, the real server on a random port over it, and signed-in clients.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use permanence_domain::{CollectionYear, Date};
pub use permanence_rules::Policy;
pub use permanence_store::{Accounts, Location, NewImport, NewTrackerImport, SqliteStore, Store};
use permanence_synth::SynthConfig;
pub use permanence_web::auth::{Role, hash_password};
pub use permanence_web::borough::{Borough, today};
pub use permanence_web::{AppState, Settings};
pub use reqwest::StatusCode;
use reqwest::redirect::Policy as RedirectPolicy;

pub const PASSWORD: &str = "a long test password";

/// The running server, its database and the borough it serves.
pub struct TestApp {
    pub address: String,
    pub db: PathBuf,
    /// The staff id linked to the social worker's account (owns findings).
    pub worker_staff_id: String,
    /// A child with findings, to open.
    pub child: String,
    _dir: tempfile::TempDir,
}

/// Writes a small synthetic borough and imports it through the libraries the command
/// line's imports use: the 903 returns (leaving out the tracker folder), then the
/// tracker records, checked against them.
pub fn import_borough(dir: &Path, as_of: Date) -> PathBuf {
    let last_year = CollectionYear::containing(as_of);
    let config = SynthConfig {
        children: 80,
        seed: 11,
        first_year: CollectionYear(last_year.0 - 2),
        last_year,
    };
    let returns = dir.join("903");
    permanence_synth::write_borough_as_at(&config, as_of, &returns).unwrap();
    let years: Vec<PathBuf> = std::fs::read_dir(&returns)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir() && !path.ends_with("tracker"))
        .collect();
    let read = permanence_ssda903::read::read_paths(&years, None).unwrap();
    permanence_ssda903::build_records(&read.returns, Some(as_of)).unwrap();
    let db = dir.join("permanence.db");
    let mut store = SqliteStore::open(&db).unwrap();
    store
        .save_import(&NewImport {
            kind: "903",
            imported_by: "test",
            source: "synthetic",
            summary: "test borough",
            tables: read
                .returns
                .iter()
                .flat_map(|r| r.tables.iter().map(move |t| (r.year, t)))
                .collect(),
        })
        .unwrap();
    let children = store.known_children().unwrap();
    let (tracker, _changes) =
        permanence_tracker::check_paths(&[returns.join("tracker")], Some(as_of), &[], &children)
            .unwrap();
    store
        .save_tracker_import(&NewTrackerImport {
            recorded_by: "test",
            source: "synthetic",
            summary: "test borough",
            records: tracker.records.iter().map(|r| (r, "synthetic")).collect(),
        })
        .unwrap();
    db
}

impl TestApp {
    pub async fn start() -> TestApp {
        Self::start_with(Settings {
            secure_cookies: false,
            ..Settings::default()
        })
        .await
    }

    pub async fn start_with(settings: Settings) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let as_of = today();
        let db = import_borough(dir.path(), as_of);
        let mut store = SqliteStore::open(&db).unwrap();
        // The person who owns the most findings is the social worker's staff id.
        let borough = Borough::load(&store, &Policy::default(), as_of).unwrap();
        let mut owners: BTreeMap<&str, usize> = BTreeMap::new();
        for finding in &borough.findings {
            if let Some(owner) = &finding.owner {
                *owners.entry(owner).or_default() += 1;
            }
        }
        let worker_staff_id = owners
            .iter()
            .max_by_key(|(_, count)| **count)
            .map(|(id, _)| id.to_string())
            .expect("the synthetic borough has owned findings");
        // A child with findings whose record is not restricted to named staff.
        let child = borough
            .findings
            .iter()
            .find(|f| borough.may_see(None, &f.child))
            .map(|f| f.child.clone())
            .expect("the synthetic borough has findings about open records");
        let hash = hash_password(PASSWORD).unwrap();
        for role in Role::ALL {
            store
                .add_user(&permanence_store::NewUser {
                    username: role.code(),
                    display_name: &format!("Test {}", role.label()),
                    role: role.code(),
                    staff_id: (*role == Role::SocialWorker).then_some(worker_staff_id.as_str()),
                    password_hash: &hash,
                })
                .unwrap();
        }
        drop(store);
        let state =
            AppState::open(Location::Sqlite(db.clone()), Policy::default(), settings).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(permanence_web::serve(listener, state));
        TestApp {
            address,
            db,
            worker_staff_id,
            child,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(RedirectPolicy::none())
            .build()
            .unwrap()
    }

    /// Opens the login page and returns its CSRF token.
    pub async fn login_token(&self, client: &reqwest::Client) -> String {
        let page = client
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        hidden_token(&page)
    }

    pub async fn try_login(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        let token = self.login_token(client).await;
        client
            .post(self.url("/login"))
            .form(&[
                ("username", username),
                ("password", password),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap()
    }

    /// A client signed in as the account of this role.
    pub async fn signed_in(&self, role: Role) -> reqwest::Client {
        let client = Self::client();
        let response = self.try_login(&client, role.code(), PASSWORD).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{role:?}");
        client
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> (StatusCode, String) {
        let response = client.get(self.url(path)).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// A day with no permanence plan for the child: today, or the latest day before it
    /// that is free.
    pub fn free_plan_day(&self, child: &str) -> Date {
        let stored = self.store().current_tracker_records().unwrap();
        (0..)
            .map(|days| permanence_domain::date::add_days(today(), -days))
            .find(|day| {
                !stored.iter().any(|r| {
                    r.kind == permanence_tracker::Kind::PermanencePlan
                        && r.child() == Some(child)
                        && r.field("DECIDED") == permanence_domain::date::format_dmy(*day)
                })
            })
            .unwrap()
    }

    pub fn store(&self) -> SqliteStore {
        SqliteStore::open(&self.db).unwrap()
    }
}

pub fn hidden_token(page: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = page.find(marker).expect("the page has a CSRF token") + marker.len();
    page[start..start + 64].to_string()
}

pub fn location(response: &reqwest::Response) -> &str {
    response.headers()["location"].to_str().unwrap()
}

impl TestApp {
    /// Adds an account with the test password, linked to a member of staff or not.
    pub fn add_user(&self, username: &str, display_name: &str, role: Role, staff_id: Option<&str>) {
        self.store()
            .add_user(&permanence_store::NewUser {
                username,
                display_name,
                role: role.code(),
                staff_id,
                password_hash: &hash_password(PASSWORD).unwrap(),
            })
            .unwrap();
    }
}

// ---------------------------------------------------------------- records (forms)

impl TestApp {
    /// Links an account to a person in the staff register (`None`: unlinks it), as an
    /// administrator would; the next request of its sessions sees the change.
    pub fn set_staff_id(&self, username: &str, staff_id: Option<&str>) {
        rusqlite::Connection::open(&self.db)
            .unwrap()
            .execute(
                "UPDATE app_user SET staff_id = ?1 WHERE username = ?2",
                rusqlite::params![staff_id, username],
            )
            .unwrap();
    }

    /// The borough as the database holds it now, evaluated today.
    pub fn borough(&self) -> Borough {
        Borough::load(&self.store(), &Policy::default(), today()).unwrap()
    }

    /// Posts a form as a browser does.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        path: &str,
        pairs: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .form(pairs)
            .send()
            .await
            .unwrap()
    }
}

/// The value of a page's hidden input `name`.
pub fn hidden_value(page: &str, name: &str) -> String {
    let marker = format!(r#"type="hidden" name="{name}" value=""#);
    let start = page.find(&marker).expect("the page has the hidden input") + marker.len();
    let end = page[start..].find('"').unwrap();
    page[start..start + end].to_string()
}

/// Percent-encodes a path segment or query value (every byte but the unreserved ones).
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl TestApp {
    /// Serves the app's database again, as it is now, from a fresh server on a new port
    /// (a server loads every record when it starts): for tests that change records in
    /// the store underneath. Accounts are kept; sign in again.
    pub async fn restart(mut self) -> TestApp {
        let settings = Settings {
            secure_cookies: false,
            ..Settings::default()
        };
        let state = AppState::open(
            Location::Sqlite(self.db.clone()),
            Policy::default(),
            settings,
        )
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        self.address = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(permanence_web::serve(listener, state));
        self
    }

    /// Stores tracker records (canonical values, as read from a template) as an import
    /// would; the running server sees them after [`TestApp::restart`].
    pub fn save_tracker_records(&self, records: &[permanence_tracker::RawRecord]) {
        self.store()
            .save_tracker_import(&NewTrackerImport {
                recorded_by: "test",
                source: "test",
                summary: "test records",
                records: records.iter().map(|r| (r, "test")).collect(),
            })
            .unwrap();
    }
}
