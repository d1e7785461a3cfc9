//! The web application in a real browser: Debian's Chromium, headless, driven through
//! ChromeDriver with fantoccini. The journeys people make (signing in and out, a wrong
//! password, finding a child and reading their page) are made as a person makes them, by
//! typing and clicking; and every type of page is checked with axe-core against WCAG 2.2
//! AA (the rules tagged `wcag2a`, `wcag2aa`, `wcag21a`, `wcag21aa` and `wcag22aa`), with
//! no violation allowed. Every page checked is also saved as a screenshot in
//! `/tmp/shots/` for a person to look at.
//!
//! Chromium, ChromeDriver and axe-core are required, never optional: without them these
//! tests fail and say how to install them (`.ci/run` installs them). One ChromeDriver
//! serves every test in the process; each test has its own browser with a fresh profile,
//! so tests share no cookies and can run in parallel.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use permanence_domain::date::format_dmy;
use permanence_domain::tracker::{AllocationRole, StaffRole};
use permanence_store::{Alert, Alerts};
use serde_json::{Value, json};

use crate::common::*;

/// What to run when the browser is missing.
const INSTALL_BROWSER: &str = "the browser tests need Chromium and ChromeDriver: \
     run `apt-get install -y chromium chromium-driver` (as root), or `.ci/run`, which installs them";

/// What to run when axe-core is missing.
const INSTALL_AXE: &str = "the browser tests need axe-core: run `npm ci --prefix crates/web/tests/axe` \
     from the repository's root, or `.ci/run`, which installs it";

/// Debian's Chromium.
const CHROMIUM: &str = "/usr/bin/chromium";

/// The longest wait for anything to appear: generous, since a loaded machine can be slow,
/// and only ever reached when a test is failing.
const WAIT: Duration = Duration::from_secs(20);

/// The window's size: a laptop screen.
const WIDTH: u32 = 1280;
const HEIGHT: u32 = 900;

/// Where screenshots go.
const SHOTS: &str = "/tmp/shots";

/// The axe-core rule tags checked: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
const WCAG_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

// ---------------------------------------------------------------- the harness

/// ChromeDriver on `PATH`, or Debian's.
fn chromedriver_path() -> PathBuf {
    let on_path: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    on_path
        .into_iter()
        .map(|dir| dir.join("chromedriver"))
        .chain([PathBuf::from("/usr/bin/chromedriver")])
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "chromedriver is neither on PATH nor at /usr/bin/chromedriver: {INSTALL_BROWSER}"
            )
        })
}

/// Debian's Chromium.
fn chromium_path() -> PathBuf {
    let path = PathBuf::from(CHROMIUM);
    assert!(path.is_file(), "{CHROMIUM} is missing: {INSTALL_BROWSER}");
    path
}

/// axe-core's script, as `npm ci` installed it from the committed lock file.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/axe/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}: {INSTALL_AXE}", path.display()))
    })
}

/// ChromeDriver, started once for every test in the process.
///
/// It runs under a small `sh` that leads a process group of its own (ChromeDriver and
/// the browsers it starts belong to it) and waits on a pipe from this process. When the
/// pipe closes, because this value is dropped or because the test process has ended in
/// any way (a static is never dropped; a killed process runs no destructor), the `sh`
/// ends the whole group, so no ChromeDriver or Chromium outlives the tests.
struct ChromeDriver {
    /// Where ChromeDriver listens.
    url: String,
    /// The `sh` leading the process group.
    leader: Mutex<Child>,
    /// The pipe the leader waits on; closing it ends the group.
    lifeline: Mutex<Option<ChildStdin>>,
}

/// The `sh` script leading ChromeDriver's process group (`$0`: ChromeDriver, `$1`: its
/// port). Its standard input is the lifeline: when that closes, or when ChromeDriver
/// ends by itself (saying so, so that a start that fails is not waited on forever), it
/// ends the whole group.
const LEADER: &str = r#"exec 2>&1 3<&0 </dev/null
"$0" --port="$1" 3<&- &
driver=$!
{ read -r _ <&3; kill -s TERM -- -$$; } &
wait "$driver"
echo "chromedriver ended with status $?"
kill -s TERM -- -$$"#;

impl ChromeDriver {
    /// The process's ChromeDriver, started on a free port at the first call.
    fn shared() -> &'static ChromeDriver {
        static SHARED: OnceLock<ChromeDriver> = OnceLock::new();
        SHARED.get_or_init(ChromeDriver::start)
    }

    fn start() -> ChromeDriver {
        use std::os::unix::process::CommandExt;
        let driver = chromedriver_path();
        chromium_path();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let mut leader = Command::new("sh")
            .arg("-c")
            .arg(LEADER)
            .arg(&driver)
            .arg(port.to_string())
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
        let lifeline = leader.stdin.take();
        // ChromeDriver says when it is listening; anything else it prints before is kept
        // for the message if it does not get that far.
        let mut output = BufReader::new(leader.stdout.take().expect("piped"));
        let mut said = String::new();
        loop {
            let mut line = String::new();
            match output.read_line(&mut line) {
                Ok(0) | Err(_) => panic!(
                    "{} stopped before it was ready: {said}{INSTALL_BROWSER}",
                    driver.display()
                ),
                Ok(_) if line.contains("started successfully") => break,
                Ok(_) => said.push_str(&line),
            }
        }
        // Whatever it says afterwards is read and dropped, so that it never blocks on a
        // full pipe.
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut output, &mut std::io::sink());
        });
        ChromeDriver {
            url: format!("http://127.0.0.1:{port}"),
            leader: Mutex::new(leader),
            lifeline: Mutex::new(lifeline),
        }
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // Closing the lifeline makes the leader end the process group.
        drop(self.lifeline.lock().map(|mut pipe| pipe.take()));
        if let Ok(mut leader) = self.leader.lock() {
            let _ = leader.wait();
        }
    }
}

/// One headless Chromium with a fresh profile, on the shared ChromeDriver, looking at
/// one running application.
struct Browser {
    client: Client,
    address: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// A new browser for `app`'s server, at a blank page.
    async fn open(app: &TestApp) -> Browser {
        let driver = ChromeDriver::shared();
        let profile = tempfile::tempdir().unwrap();
        // As root, in a container, on a closed network (see the machine notes): no
        // sandbox, no GPU, and none of the background connections that would fail.
        let args = [
            "--headless".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-quic".to_string(),
            "--no-first-run".to_string(),
            "--disable-background-networking".to_string(),
            "--disable-component-update".to_string(),
            "--disable-sync".to_string(),
            "--disable-dev-shm-usage".to_string(),
            format!("--window-size={WIDTH},{HEIGHT}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_string(),
            json!({ "binary": chromium_path(), "args": args }),
        );
        // Two TLS providers are built into the workspace's tests (ring, for the store's
        // PostgreSQL connections, and aws-lc-rs, fantoccini's), so one is named.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = ClientBuilder::rustls()
            .expect("TLS roots for the WebDriver client")
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .unwrap_or_else(|e| panic!("ChromeDriver could not start Chromium: {e}"));
        Browser {
            client,
            address: app.address.clone(),
            _profile: profile,
        }
    }

    /// Ends the browser. (A failing test leaves it to ChromeDriver's end.)
    async fn close(self) {
        self.client.close().await.unwrap();
    }

    /// Opens a page of the application by its path.
    async fn visit(&self, path: &str) {
        let url = format!("{}{path}", self.address);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// The path of the page showing.
    async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_string()
    }

    /// Waits for an element to be on the page.
    async fn wait_for(&self, locator: Locator<'_>) -> Element {
        match self.client.wait().at_most(WAIT).for_element(locator).await {
            Ok(element) => element,
            Err(e) => {
                let path = self.path().await;
                let page = self.client.source().await.unwrap_or_default();
                panic!("waited {WAIT:?} on {path} for {locator:?}: {e}\n{page}")
            }
        }
    }

    /// Waits for the page whose one `h1` reads `text`.
    async fn wait_for_heading(&self, text: &str) -> Element {
        self.wait_for(Locator::XPath(&format!(
            "//h1[normalize-space()={}]",
            xpath_literal(text)
        )))
        .await
    }

    /// Waits for the page whose title begins with `text`.
    async fn wait_for_title(&self, text: &str) -> Element {
        self.wait_for(Locator::XPath(&format!(
            "//head/title[starts-with(normalize-space(), {})]",
            xpath_literal(text)
        )))
        .await
    }

    /// Waits for a child's page (headed by the child's name when the tracker has it,
    /// so known by its title).
    async fn wait_for_child_page(&self, child: &str) {
        self.wait_for_title(&format!("Child {child} –")).await;
        self.wait_for(Locator::Css("main h1")).await;
    }

    /// Types into the field with this id, as a person does.
    async fn type_into(&self, id: &str, text: &str) {
        let field = self.wait_for(Locator::Id(id)).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Clicks the button whose text this is.
    async fn click_button(&self, label: &str) {
        self.wait_for(Locator::XPath(&format!(
            "//button[normalize-space()={}]",
            xpath_literal(label)
        )))
        .await
        .click()
        .await
        .unwrap();
    }

    /// Clicks the link found by this XPath expression.
    async fn click_link(&self, xpath: &str) {
        self.wait_for(Locator::XPath(xpath))
            .await
            .click()
            .await
            .unwrap();
    }

    /// Chooses the option with this value in the select with this id.
    async fn select(&self, id: &str, value: &str) {
        self.wait_for(Locator::Id(id))
            .await
            .select_by_value(value)
            .await
            .unwrap();
    }

    /// The current value of the field with this id.
    async fn value_of(&self, id: &str) -> String {
        self.wait_for(Locator::Id(id))
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// The id of the element that has the keyboard's focus.
    async fn focused_id(&self) -> String {
        let focused = self.client.active_element().await.unwrap();
        focused.attr("id").await.unwrap().unwrap_or_default()
    }

    /// The text of the page's `main`.
    async fn main_text(&self) -> String {
        self.wait_for(Locator::Css("main"))
            .await
            .text()
            .await
            .unwrap()
    }

    /// Checks a form sent back with a problem on `field` as a person meets it: the
    /// summary says there is a problem and names it, its link takes the keyboard to the
    /// field, and the message is beside the field, which points to it.
    async fn check_sent_back(&self, field: &str, message: &str) {
        let summary = self.wait_for(Locator::Css(".app-error-summary")).await;
        let said = summary.text().await.unwrap();
        assert!(said.contains("There is a problem"), "{said}");
        assert!(said.contains(message), "{message}: {said}");
        let title = self.client.title().await.unwrap();
        assert!(title.starts_with("Error: "), "{title}");
        summary
            .find(Locator::Css(&format!("a[href='#{field}']")))
            .await
            .unwrap_or_else(|e| panic!("the summary links to #{field}: {e}: {said}"))
            .click()
            .await
            .unwrap();
        assert_eq!(
            self.focused_id().await,
            field,
            "the link moves to the field"
        );
        let beside = self.wait_for(Locator::Id(&format!("{field}-error"))).await;
        assert!(beside.is_displayed().await.unwrap());
        let beside = beside.text().await.unwrap();
        assert!(beside.contains(message), "{message}: {beside}");
        let described = self
            .wait_for(Locator::Id(field))
            .await
            .attr("aria-describedby")
            .await
            .unwrap()
            .unwrap_or_default();
        assert!(
            described
                .split(' ')
                .any(|id| id == format!("{field}-error")),
            "#{field} is described by its error: {described}"
        );
    }

    /// Signs in through the login form as the account with this username and name, and
    /// waits for the home page.
    async fn sign_in(&self, username: &str, display_name: &str) {
        self.visit("/login").await;
        self.wait_for_heading("Sign in").await;
        self.type_into("username", username).await;
        self.type_into("password", PASSWORD).await;
        self.click_button("Sign in").await;
        self.wait_for_heading(&format!("Hello, {display_name}"))
            .await;
    }

    /// Signs out with the header's button, and waits for the login page.
    async fn sign_out(&self) {
        self.click_button("Sign out").await;
        self.wait_for_heading("Sign in").await;
    }

    /// Runs axe-core on the page showing, returning its WCAG violations, one line per
    /// rule broken and an indented line per element breaking it.
    ///
    /// The page's Content-Security-Policy forbids inline scripts, but a WebDriver
    /// script is the browser's own and not subject to it, so axe-core is injected with
    /// the script that runs it.
    async fn axe_violations(&self) -> Vec<String> {
        let tags = serde_json::to_string(&WCAG_TAGS).unwrap();
        let script = format!(
            "{source}\n;return axe.run(document, {{ runOnly: {{ type: 'tag', values: {tags} }}, \
             resultTypes: ['violations'] }});",
            source = axe_source()
        );
        let results = self
            .client
            .execute(&script, vec![])
            .await
            .unwrap_or_else(|e| panic!("axe-core did not run: {e}"));
        assert_eq!(
            results["testEngine"]["name"], "axe-core",
            "axe-core ran: {results}"
        );
        assert!(
            results["passes"].as_array().is_some_and(|p| !p.is_empty()),
            "axe-core checked something: {results}"
        );
        let mut lines = Vec::new();
        for violation in results["violations"].as_array().into_iter().flatten() {
            lines.push(format!(
                "{} ({}): {} <{}>",
                text(&violation["id"]),
                text(&violation["impact"]),
                text(&violation["help"]),
                text(&violation["helpUrl"]),
            ));
            for node in violation["nodes"].as_array().into_iter().flatten() {
                let summary = text(&node["failureSummary"]).replace('\n', " ");
                lines.push(format!("    {} — {summary}", node["target"]));
            }
        }
        lines
    }

    /// Saves the whole page as `/tmp/shots/{name}.png` (the window is made as tall as
    /// the page for the moment).
    async fn screenshot(&self, name: &str) {
        let sizes = self
            .client
            .execute(
                "return [document.documentElement.scrollHeight, \
                 window.outerHeight - window.innerHeight];",
                vec![],
            )
            .await
            .unwrap();
        let page = sizes[0].as_u64().unwrap_or(0);
        let frame = sizes[1].as_u64().unwrap_or(0);
        let height = u32::try_from(page + frame)
            .unwrap_or(HEIGHT)
            .clamp(HEIGHT, 10_000);
        self.client.set_window_size(WIDTH, height).await.unwrap();
        let png = self.client.screenshot().await.unwrap();
        self.client.set_window_size(WIDTH, HEIGHT).await.unwrap();
        std::fs::create_dir_all(SHOTS).unwrap();
        std::fs::write(Path::new(SHOTS).join(format!("{name}.png")), png).unwrap();
    }
}

/// The name `TestApp` gives the account of a role.
fn name_of(role: Role) -> String {
    format!("Test {}", role.label())
}

/// A JSON string's text, or the JSON itself.
fn text(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}

/// `text` as an XPath string literal.
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// The staff id to which most alerts are escalated: a manager's, whose home page lists
/// what has escalated to them.
fn most_escalated_to(app: &TestApp) -> String {
    let borough = Borough::load(&app.store(), &Policy::default(), today()).unwrap();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for finding in &borough.findings {
        if let Some(person) = &finding.escalated_to_person {
            *counts.entry(person).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, count)| *count)
        .map(|(id, _)| id.to_string())
        .expect("the synthetic borough has escalated alerts")
}

/// A child whose allocated social worker is in a team, with that worker; the child's
/// current plan was not decided today, so a plan decided today becomes the current one.
fn child_with_a_social_worker(app: &TestApp) -> (String, String) {
    let borough = app.borough();
    let as_of = borough.as_of;
    borough
        .rows
        .iter()
        .find_map(|row| {
            let tracker = borough.trackers.get(&row.child)?;
            let worker = tracker
                .allocated_on(AllocationRole::SocialWorker, as_of)?
                .person
                .clone();
            borough.organisation.person(&worker)?.team.as_ref()?;
            if tracker.plan_on(as_of).is_some_and(|p| p.decided == as_of) {
                return None;
            }
            borough
                .may_see(Some(&worker), &row.child)
                .then(|| (row.child.clone(), worker))
        })
        .expect("the synthetic borough has a child with a social worker in a team")
}

/// An open overdue alert with no decision whose owner has a team manager above them,
/// with that manager (as the alerts tests find one).
fn overdue_alert_with_manager(app: &TestApp) -> (Alert, String) {
    let borough = app.borough();
    for alert in app.store().open_alerts().unwrap() {
        if alert.status != permanence_rules::Status::Overdue || alert.decision.is_some() {
            continue;
        }
        let Some(owner) = &alert.owner else { continue };
        let manager = borough
            .organisation
            .management_line(owner)
            .into_iter()
            .find(|p| p.role == StaffRole::TeamManager);
        if let Some(manager) = manager {
            return (alert, manager.id.clone());
        }
    }
    panic!("the synthetic borough has an overdue alert with a team manager");
}

/// An open alert that has escalated from its owner to a manager who may see the child,
/// with the manager's role (a team manager's, when there is one).
fn escalated_alert(app: &TestApp) -> (Alert, Role) {
    let borough = app.borough();
    app.store()
        .open_alerts()
        .unwrap()
        .into_iter()
        .filter_map(|alert| {
            let to = alert.escalated_to.as_deref()?;
            if alert.escalated_to_role == alert.owner_role || alert.owner.as_deref() == Some(to) {
                return None;
            }
            let role = Role::from_code(alert.escalated_to_role.as_str())?;
            let manages = matches!(
                role,
                Role::TeamManager | Role::ServiceManager | Role::HeadOfService
            );
            (manages && borough.may_see(Some(to), &alert.child)).then_some((alert, role))
        })
        .min_by_key(|(alert, role)| (*role != Role::TeamManager, alert.id))
        .expect("the synthetic borough has an alert escalated past its owner")
}

/// Puts an alert back with its owner, as an evaluation before it escalated left it.
fn put_back_with_its_owner(app: &TestApp, alert: &Alert) {
    let changed = rusqlite::Connection::open(&app.db)
        .unwrap()
        .execute(
            "UPDATE alert SET escalated_to_role = owner_role, escalated_to = owner \
             WHERE id = ?1",
            [alert.id],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

/// The IRO allocated to the most children.
fn busiest_iro(app: &TestApp) -> String {
    let borough = app.borough();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for row in &borough.rows {
        if let Some(iro) = &row.iro {
            *counts.entry(iro).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, count)| *count)
        .map(|(id, _)| id.to_string())
        .expect("the synthetic borough allocates IROs")
}

/// The XPath of the cell beside a summary list's key.
fn summary_value(key: &str) -> String {
    format!("//dl/div[dt[normalize-space()={}]]/dd", xpath_literal(key))
}

/// The XPath of the alert page's trail's rows.
const TRAIL_ROWS: &str = "//table[caption[normalize-space()='Trail']]/tbody/tr";

// ---------------------------------------------------------------- journeys

#[tokio::test(flavor = "multi_thread")]
async fn a_social_worker_signs_in_through_the_form_and_signs_out() {
    let app = TestApp::start().await;
    let browser = Browser::open(&app).await;

    // Someone not signed in is sent to sign in.
    browser.visit("/").await;
    browser.wait_for_heading("Sign in").await;
    assert_eq!(browser.path().await, "/login");
    browser.type_into("username", "social_worker").await;
    browser.type_into("password", PASSWORD).await;
    browser.click_button("Sign in").await;

    browser
        .wait_for_heading(&format!("Hello, {}", name_of(Role::SocialWorker)))
        .await;
    assert_eq!(browser.path().await, "/");
    let header = browser.wait_for(Locator::Css("header nav")).await;
    let header = header.text().await.unwrap();
    assert!(header.contains(&name_of(Role::SocialWorker)), "{header}");
    assert_eq!(browser.client.title().await.unwrap(), "Home – Permanence");

    browser.sign_out().await;
    assert_eq!(browser.path().await, "/login");
    // The session is over: the home page sends back to sign in.
    browser.visit("/").await;
    browser.wait_for_heading("Sign in").await;
    assert_eq!(browser.path().await, "/login");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_shows_the_error_summary_whose_link_moves_to_the_field() {
    let app = TestApp::start().await;
    let browser = Browser::open(&app).await;
    browser.visit("/login").await;
    browser.type_into("username", "social_worker").await;
    browser.type_into("password", "not the password").await;
    browser.click_button("Sign in").await;

    let summary = browser.wait_for(Locator::Css(".app-error-summary")).await;
    let said = summary.text().await.unwrap();
    assert!(said.contains("There is a problem"), "{said}");
    assert!(
        said.contains("Enter a correct username and password"),
        "{said}"
    );
    assert!(
        browser
            .client
            .title()
            .await
            .unwrap()
            .starts_with("Error: Sign in")
    );
    // The username is kept, the password is not, and the field names its error.
    let username = browser.wait_for(Locator::Id("username")).await;
    assert_eq!(
        username.prop("value").await.unwrap().as_deref(),
        Some("social_worker")
    );
    assert_eq!(
        username.attr("aria-describedby").await.unwrap().as_deref(),
        Some("username-error")
    );
    let password = browser.wait_for(Locator::Id("password")).await;
    assert_eq!(password.prop("value").await.unwrap().as_deref(), Some(""));
    let message = browser.wait_for(Locator::Id("username-error")).await;
    assert!(message.is_displayed().await.unwrap());

    // The summary's link takes the keyboard to the field.
    summary
        .find(Locator::Css("a[href='#username']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let focused = browser.client.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some("username")
    );

    // Putting it right signs in.
    browser.type_into("password", PASSWORD).await;
    browser.click_button("Sign in").await;
    browser
        .wait_for_heading(&format!("Hello, {}", name_of(Role::SocialWorker)))
        .await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_social_worker_finds_a_child_in_the_children_list_and_reads_their_page() {
    let app = TestApp::start().await;
    let browser = Browser::open(&app).await;
    browser
        .sign_in("social_worker", &name_of(Role::SocialWorker))
        .await;

    browser
        .wait_for(Locator::Css("header nav a[href='/children']"))
        .await
        .click()
        .await
        .unwrap();
    browser.wait_for_heading("Children").await;
    browser.type_into("q", &app.child).await;
    // The child may have left care: search everyone.
    browser
        .wait_for(Locator::Id("looked_after"))
        .await
        .select_by_value("all")
        .await
        .unwrap();
    // The filter form's one button (its wording is the list's own business).
    browser
        .wait_for(Locator::Css(
            "main form[action='/children'] button[type='submit']",
        ))
        .await
        .click()
        .await
        .unwrap();
    // The list answering the search is the page whose search box holds the id.
    browser
        .wait_for(Locator::XPath(&format!(
            "//input[@id='q' and @value={}]",
            xpath_literal(&app.child)
        )))
        .await;
    let count = browser.wait_for(Locator::Id("result-count")).await;
    let count = count.text().await.unwrap();
    assert!(count.starts_with("Showing 1 to"), "{count}");

    browser
        .wait_for(Locator::Css(&format!(
            "table a[href='/children/{}']",
            app.child
        )))
        .await
        .click()
        .await
        .unwrap();
    browser.wait_for_child_page(&app.child).await;
    assert_eq!(browser.path().await, format!("/children/{}", app.child));

    // What the page says about the child: a summary, the plan and the open alerts.
    let main = browser.wait_for(Locator::Css("main")).await;
    let page = main.text().await.unwrap();
    for heading in ["Summary on", "Permanence plan", "Open alerts"] {
        assert!(page.contains(heading), "{heading}: {page}");
    }
    let borough = Borough::load(&app.store(), &Policy::default(), today()).unwrap();
    let finding = borough.findings_for(&app.child).next().unwrap();
    assert!(page.contains(finding.rule), "{}: {page}", finding.rule);
    let summary = main
        .find_all(Locator::Css(".app-summary-list__row"))
        .await
        .unwrap();
    assert!(!summary.is_empty(), "the summary has rows");
    // Reading the page is recorded in the audit log.
    let views = app
        .store()
        .audit_log(Some(&app.child))
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "view_child" && e.actor == "social_worker")
        .count();
    assert_eq!(views, 1);

    browser.sign_out().await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_social_worker_records_a_permanence_plan_after_putting_a_mistake_right() {
    let app = TestApp::start().await;
    let (child, worker) = child_with_a_social_worker(&app);
    app.set_staff_id("social_worker", Some(&worker));
    let decided = format_dmy(today());
    let browser = Browser::open(&app).await;
    let mut found = Vec::new();
    browser
        .sign_in("social_worker", &name_of(Role::SocialWorker))
        .await;

    // From the child's page to their records, and the form for a new plan.
    browser.visit(&format!("/children/{child}")).await;
    browser.wait_for_child_page(&child).await;
    browser
        .click_link(&format!("//main//a[@href='/children/{child}/records']"))
        .await;
    browser.wait_for_heading("Records").await;
    check_page(&browser, "child-records", &mut found).await;
    browser
        .click_link("//section[@id='permanence_plans']//a[starts-with(normalize-space(), 'Add')]")
        .await;
    browser.wait_for(Locator::Id("DECIDED")).await;
    assert_eq!(
        browser.path().await,
        format!("/children/{child}/records/permanence_plans/new")
    );
    check_page(&browser, "record-form", &mut found).await;

    // A day that does not exist, and where it was decided left out.
    browser.type_into("DECIDED", "31/02/2025").await;
    browser.select("PRIMARY", "adoption").await;
    browser
        .wait_for(Locator::Css(
            "input[name='PARALLEL'][value='special_guardianship']",
        ))
        .await
        .click()
        .await
        .unwrap();
    browser.click_button("Save the record").await;
    browser
        .check_sent_back("DECIDED", "Decided must be a real date")
        .await;
    let summary = browser
        .wait_for(Locator::Css(".app-error-summary"))
        .await
        .text()
        .await
        .unwrap();
    assert!(summary.contains("Select where it was decided"), "{summary}");
    let forum = browser
        .wait_for(Locator::Id("FORUM-error"))
        .await
        .text()
        .await
        .unwrap();
    assert!(forum.contains("Select where it was decided"), "{forum}");
    // What was typed and chosen is kept.
    assert_eq!(browser.value_of("DECIDED").await, "31/02/2025");
    assert_eq!(browser.value_of("PRIMARY").await, "adoption");
    let parallel = browser
        .wait_for(Locator::Css(
            "input[name='PARALLEL'][value='special_guardianship']",
        ))
        .await;
    assert!(
        parallel.is_selected().await.unwrap(),
        "the parallel plan is kept"
    );
    check_page(&browser, "record-form-with-errors", &mut found).await;

    // Put right, it is saved and listed.
    browser.type_into("DECIDED", &decided).await;
    browser.select("FORUM", "review").await;
    browser.click_button("Save the record").await;
    let banner = browser
        .wait_for(Locator::Css(".app-notification-banner--success"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        banner.contains(&format!("Permanence plans saved: Decided {decided}")),
        "{banner}"
    );
    assert_eq!(browser.path().await, format!("/children/{child}/records"));
    let listed = browser
        .wait_for(Locator::Id("permanence_plans"))
        .await
        .text()
        .await
        .unwrap();
    assert!(listed.contains(&decided), "{listed}");
    check_page(&browser, "child-records-saved", &mut found).await;

    // Its history: one version, made here.
    browser
        .click_link(&format!(
            "//section[@id='permanence_plans']//tr[td[1][contains(., {})]]\
             //a[starts-with(normalize-space(), 'History')]",
            xpath_literal(&decided)
        ))
        .await;
    browser.wait_for(Locator::Css(".app-record-history")).await;
    let history = browser.main_text().await;
    assert!(history.contains("Version 1"), "{history}");
    assert!(
        history.contains("Recorded in the web application"),
        "{history}"
    );
    check_page(&browser, "record-history", &mut found).await;

    // Back through the records to the child's page, which shows the plan.
    browser.click_link("//a[@class='app-back-link']").await;
    browser.wait_for_heading("Records").await;
    browser.click_link("//a[@class='app-back-link']").await;
    browser.wait_for_child_page(&child).await;
    let decided_row = browser
        .wait_for(Locator::XPath(&summary_value("Decided")))
        .await
        .text()
        .await
        .unwrap();
    assert!(decided_row.starts_with(&decided), "{decided_row}");
    let parallel_row = browser
        .wait_for(Locator::XPath(&summary_value("Parallel plans")))
        .await
        .text()
        .await
        .unwrap();
    assert!(parallel_row.contains("uardianship"), "{parallel_row}");

    browser.sign_out().await;
    browser.close().await;
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.2 AA violations (screenshots in {SHOTS}):\n{}",
        found.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_manager_acknowledges_an_overdue_alert_by_recording_a_management_decision() {
    let app = TestApp::start().await;
    let (alert, manager) = overdue_alert_with_manager(&app);
    let owner = alert.owner.clone().unwrap();
    app.set_staff_id("team_manager", Some(&manager));
    let due = format_dmy(today().checked_add(jiff::Span::new().days(14)).unwrap());
    let browser = Browser::open(&app).await;
    let mut found = Vec::new();
    browser
        .sign_in("team_manager", &name_of(Role::TeamManager))
        .await;

    // From the home page's tables when it is listed there, else by its address.
    let link = format!("//main//table//a[@href='/alerts/{}']", alert.id);
    let listed = browser
        .client
        .find_all(Locator::XPath(&link))
        .await
        .unwrap();
    match listed.first() {
        Some(link) => link.click().await.unwrap(),
        None => browser.visit(&format!("/alerts/{}", alert.id)).await,
    }
    browser
        .wait_for_title(&format!("Alert {} for child {}", alert.rule, alert.child))
        .await;
    let decision = browser
        .wait_for(Locator::XPath(&summary_value("Management decision")))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(decision, "None recorded");
    check_page(&browser, "alert", &mut found).await;

    browser
        .click_link("//a[normalize-space()='Record a management decision']")
        .await;
    browser
        .wait_for_heading("Record a management decision")
        .await;
    assert_eq!(
        browser.path().await,
        format!("/alerts/{}/decision", alert.id)
    );
    // The owner is offered, already chosen.
    assert_eq!(browser.value_of("owner").await, owner);
    check_page(&browser, "alert-decision", &mut found).await;

    // Sent with nothing said: told what to put right.
    browser.click_button("Record the decision").await;
    browser
        .check_sent_back("decision", "Enter what will happen")
        .await;
    let summary = browser
        .wait_for(Locator::Css(".app-error-summary"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        summary.contains("Enter the date by which it will be done"),
        "{summary}"
    );
    check_page(&browser, "alert-decision-with-errors", &mut found).await;

    // What, who and by when: recorded, and shown on the alert.
    let what = "Book the review with the IRO and the family this week";
    browser.type_into("decision", what).await;
    browser.select("owner", &owner).await;
    browser.type_into("due", &due).await;
    browser.click_button("Record the decision").await;
    let banner = browser
        .wait_for(Locator::Css(".app-notification-banner--success"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        banner.contains("The management decision is recorded"),
        "{banner}"
    );
    assert_eq!(browser.path().await, format!("/alerts/{}", alert.id));
    let decision = browser
        .wait_for(Locator::XPath(&summary_value("Management decision")))
        .await
        .text()
        .await
        .unwrap();
    // The alert shows the decision (its record and date in its row; what will happen
    // on the page).
    let stored = app.store().alert(alert.id).unwrap().unwrap();
    let record = stored.decision.expect("the alert holds the decision");
    assert!(
        decision.contains(&due) && (decision.contains(&record) || decision.contains(what)),
        "{decision}"
    );
    let page = browser.main_text().await;
    assert!(page.contains(what), "{page}");
    let last = browser
        .wait_for(Locator::XPath(&format!("{TRAIL_ROWS}[last()]/td[2]")))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(last, "Management decision");
    check_page(&browser, "alert-with-decision", &mut found).await;

    browser.sign_out().await;
    browser.close().await;
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.2 AA violations (screenshots in {SHOTS}):\n{}",
        found.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_alert_escalated_past_its_owner_reaches_the_managers_home_page() {
    let app = TestApp::start().await;
    let (alert, role) = escalated_alert(&app);
    let manager = alert.escalated_to.clone().unwrap();
    app.set_staff_id(role.code(), Some(&manager));
    // Yesterday it was still with its owner; today's evaluation (the server's start)
    // escalates it.
    put_back_with_its_owner(&app, &alert);
    let app = app.restart().await;
    let trail = app.store().alert_events(alert.id).unwrap();
    assert!(
        trail.iter().any(|e| e.kind == "escalated"),
        "the evaluation escalated it again: {trail:?}"
    );
    let browser = Browser::open(&app).await;
    let mut found = Vec::new();
    browser.sign_in(role.code(), &name_of(role)).await;
    check_page(&browser, "home-escalated", &mut found).await;

    // Listed under "Escalated to you", not among the manager's own alerts.
    browser
        .click_link(&format!(
            "//h2[@id='escalated']/following-sibling::table[1]//a[@href='/alerts/{}']",
            alert.id
        ))
        .await;
    browser
        .wait_for_title(&format!("Alert {} for child {}", alert.rule, alert.child))
        .await;
    let kinds: Vec<String> = {
        let mut kinds = Vec::new();
        for cell in browser
            .client
            .find_all(Locator::XPath(&format!("{TRAIL_ROWS}/td[2]")))
            .await
            .unwrap()
        {
            kinds.push(cell.text().await.unwrap());
        }
        kinds
    };
    assert_eq!(
        kinds.first().map(String::as_str),
        Some("Opened"),
        "{kinds:?}"
    );
    assert!(kinds.iter().any(|k| k == "Escalated"), "{kinds:?}");
    let escalated_to = browser
        .wait_for(Locator::XPath(&summary_value("Escalated to")))
        .await
        .text()
        .await
        .unwrap();
    assert_ne!(escalated_to, "Not escalated");
    check_page(&browser, "alert-escalated", &mut found).await;

    browser.sign_out().await;
    browser.close().await;
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.2 AA violations (screenshots in {SHOTS}):\n{}",
        found.join("\n")
    );
}

// ---------------------------------------------------------------- accessibility

/// Checks the page showing with axe-core and saves its screenshot, adding what axe-core
/// finds to `found`.
async fn check_page(browser: &Browser, name: &str, found: &mut Vec<String>) {
    browser.screenshot(name).await;
    let violations = browser.axe_violations().await;
    if !violations.is_empty() {
        found.push(format!("{name} ({}):", browser.path().await));
        found.extend(violations.into_iter().map(|line| format!("  {line}")));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_type_of_page_passes_axe_core_wcag_2_2_aa_checks() {
    let app = TestApp::start().await;
    let manager_staff_id = most_escalated_to(&app);
    app.add_user(
        "manager",
        "Test Manager",
        Role::TeamManager,
        Some(&manager_staff_id),
    );
    let browser = Browser::open(&app).await;
    let mut found = Vec::new();

    // Signed out.
    browser.visit("/login").await;
    browser.wait_for_heading("Sign in").await;
    check_page(&browser, "login", &mut found).await;
    browser.type_into("username", "social_worker").await;
    browser.type_into("password", "not the password").await;
    browser.click_button("Sign in").await;
    browser.wait_for(Locator::Css(".app-error-summary")).await;
    check_page(&browser, "login-with-errors", &mut found).await;
    browser.visit("/accessibility").await;
    browser
        .wait_for_heading("Accessibility statement for Permanence")
        .await;
    check_page(&browser, "accessibility-statement", &mut found).await;
    browser.visit("/no-such-page").await;
    browser.wait_for_heading("Page not found").await;
    check_page(&browser, "not-found", &mut found).await;

    // A social worker: their alerts, the children, a child.
    browser
        .sign_in("social_worker", &name_of(Role::SocialWorker))
        .await;
    check_page(&browser, "home-social-worker", &mut found).await;
    browser.visit("/children").await;
    browser.wait_for_heading("Children").await;
    check_page(&browser, "children", &mut found).await;
    browser.visit(&format!("/children/{}", app.child)).await;
    browser.wait_for_child_page(&app.child).await;
    // The journey's picture is part of the page checked, and so is its list, opened.
    browser
        .wait_for(Locator::Css(".app-timeline__picture svg"))
        .await;
    check_page(&browser, "child", &mut found).await;
    browser
        .click_link("//section[@class='app-timeline']//summary")
        .await;
    let list = browser
        .wait_for(Locator::Css(".app-timeline .app-details__text"))
        .await;
    assert!(
        list.is_displayed().await.unwrap(),
        "the journey's list opens"
    );
    check_page(&browser, "child-journey-list", &mut found).await;
    browser.sign_out().await;

    // A manager, with what has escalated to them.
    browser.sign_in("manager", "Test Manager").await;
    check_page(&browser, "home-manager", &mut found).await;
    browser.sign_out().await;

    // A service manager reads the audit log, and gets a date wrong.
    browser
        .sign_in("service_manager", &name_of(Role::ServiceManager))
        .await;
    browser.visit("/audit").await;
    browser.wait_for_heading("Audit log").await;
    check_page(&browser, "audit", &mut found).await;
    browser.visit("/audit?from=31%2F02%2F2025").await;
    browser.wait_for(Locator::Css(".app-error-summary")).await;
    check_page(&browser, "audit-with-errors", &mut found).await;
    browser.sign_out().await;

    // The check itself finds what it should: a field with no label, planted in a page.
    browser.visit("/accessibility").await;
    browser
        .client
        .execute(
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<input id=planted>');",
            vec![],
        )
        .await
        .unwrap();
    let planted = browser.axe_violations().await;
    assert!(
        planted.iter().any(|line| line.starts_with("label ")),
        "axe-core missed an unlabelled field: {planted:?}"
    );
    browser.close().await;

    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.2 AA violations (screenshots in {SHOTS}):\n{}",
        found.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn oversight_and_organisation_pages_pass_axe_core_wcag_2_2_aa_checks() {
    let app = TestApp::start().await;
    let borough = app.borough();
    let iro = busiest_iro(&app);
    app.set_staff_id("iro", Some(&iro));
    // A child with a plan, for a correction and a history of two versions.
    let planned = borough
        .trackers
        .iter()
        .find(|(child, tracker)| {
            tracker.plan_on(borough.as_of).is_some() && borough.may_see(None, child)
        })
        .map(|(child, _)| child.clone())
        .expect("a child with a plan");
    let browser = Browser::open(&app).await;
    let mut found = Vec::new();

    // An administrator: the organisation records and one kind's list.
    browser
        .sign_in("administrator", &name_of(Role::Administrator))
        .await;
    browser.visit("/records").await;
    browser.wait_for(Locator::Css("main h1")).await;
    assert_eq!(browser.path().await, "/records");
    check_page(&browser, "organisation-records", &mut found).await;
    browser
        .click_link("//main//table//a[starts-with(@href, '/records/')]")
        .await;
    browser
        .wait_for(Locator::Css("main section.app-record-section"))
        .await;
    check_page(&browser, "organisation-records-kind", &mut found).await;
    browser.sign_out().await;

    // A head of service: teams, a team, a drift category, panels, and a correction.
    browser
        .sign_in("head_of_service", &name_of(Role::HeadOfService))
        .await;
    browser.visit("/teams").await;
    browser.wait_for(Locator::Css("main h1")).await;
    check_page(&browser, "teams", &mut found).await;
    browser
        .click_link("//main//table//th/a[starts-with(@href, '/teams/')]")
        .await;
    browser.wait_for(Locator::Css("main h1")).await;
    let team = browser.path().await;
    assert!(team.starts_with("/teams/"), "{team}");
    check_page(&browser, "team", &mut found).await;
    browser.visit("/teams").await;
    browser
        .click_link("//main//a[starts-with(@href, '/drift?') and contains(@href, 'category=')]")
        .await;
    browser.wait_for(Locator::Id("drift-table")).await;
    assert_eq!(browser.path().await, "/drift");
    check_page(&browser, "drift", &mut found).await;
    browser.visit("/panels").await;
    browser.wait_for(Locator::Css("main h1")).await;
    check_page(&browser, "panels", &mut found).await;
    // Fostering: the register and gap analysis, a household, matching support.
    browser.visit("/fostering").await;
    browser.wait_for(Locator::Id("fostering-register")).await;
    check_page(&browser, "fostering", &mut found).await;
    browser
        .click_link("//main//table[@id='fostering-register']//a[starts-with(@href, '/fostering/households/')]")
        .await;
    browser.wait_for(Locator::Css("main h1")).await;
    check_page(&browser, "fostering-household", &mut found).await;
    let matched = borough
        .trackers
        .iter()
        .find(|(child, tracker)| tracker.placement_needs.is_some() && borough.may_see(None, child))
        .map(|(child, _)| child.clone())
        .expect("a child with placement needs");
    browser
        .visit(&format!("/children/{}/matching", encode(&matched)))
        .await;
    browser.wait_for(Locator::Css("main h1")).await;
    check_page(&browser, "fostering-matching", &mut found).await;
    browser.visit("/panels?from=31%2F02%2F2024").await;
    browser.wait_for(Locator::Css(".app-error-summary")).await;
    check_page(&browser, "panels-with-errors", &mut found).await;
    // The exports page: with no pseudonym key yet, with a date wrong, and with a key.
    browser.visit("/exports").await;
    browser.wait_for(Locator::Id("key-missing")).await;
    check_page(&browser, "exports", &mut found).await;
    browser
        .visit("/exports/annex-a.xlsx?as_of=31%2F02%2F2025")
        .await;
    browser.wait_for(Locator::Css(".app-error-summary")).await;
    check_page(&browser, "exports-with-errors", &mut found).await;
    std::fs::write(
        app.db.parent().unwrap().join("export.key"),
        "a pseudonym key for the browser test, 0123456789",
    )
    .unwrap();
    browser.visit("/exports").await;
    browser.wait_for(Locator::Css("main table")).await;
    check_page(&browser, "exports-with-key", &mut found).await;

    // The reports: the index, with a period mistyped, last month's report (charts and
    // every table), and the children behind its first figure.
    browser.visit("/reports").await;
    browser.wait_for(Locator::Css("main h1")).await;
    check_page(&browser, "reports", &mut found).await;
    browser.visit("/reports?kind=monthly&period=October").await;
    browser.wait_for(Locator::Css(".app-error-summary")).await;
    check_page(&browser, "reports-with-errors", &mut found).await;
    let last_month = permanence_reports::Period::month_of(today()).previous();
    browser
        .visit(&format!("/reports/monthly/{last_month}"))
        .await;
    browser.wait_for(Locator::Id("trends")).await;
    check_page(&browser, "report", &mut found).await;
    browser
        .click_link("//table[@id='headlines_summary']//a[contains(@href, '/children?')]")
        .await;
    browser.wait_for(Locator::Css("main h1")).await;
    assert!(browser.path().await.ends_with("/children"));
    check_page(&browser, "report-children", &mut found).await;

    browser.visit(&format!("/children/{planned}/records")).await;
    browser.wait_for_heading("Records").await;
    browser
        .click_link(
            "//section[@id='permanence_plans']//a[starts-with(normalize-space(), 'Change')]",
        )
        .await;
    browser.wait_for(Locator::Id("reason")).await;
    let edit = browser.path().await;
    check_page(&browser, "record-correction-form", &mut found).await;
    // Another forum: a change that breaks none of the plan's other rules.
    let forum = browser.value_of("FORUM").await;
    let mut forums = Vec::new();
    for option in browser
        .client
        .find_all(Locator::Css("#FORUM option"))
        .await
        .unwrap()
    {
        forums.push(option.attr("value").await.unwrap().unwrap_or_default());
    }
    let other = forums
        .into_iter()
        .find(|value| !value.is_empty() && *value != forum)
        .expect("another forum");
    browser.select("FORUM", &other).await;
    browser.click_button("Save the change").await;
    browser
        .check_sent_back("reason", "Enter why you are changing this record")
        .await;
    assert_eq!(browser.value_of("FORUM").await, other, "the change is kept");
    check_page(&browser, "record-correction-form-with-errors", &mut found).await;
    browser
        .type_into("reason", "The review changed the plan")
        .await;
    browser.click_button("Save the change").await;
    browser
        .wait_for(Locator::Css(".app-notification-banner--success"))
        .await;
    browser.visit(&edit.replace("/edit", "/history")).await;
    browser.wait_for(Locator::Css(".app-record-history")).await;
    let history = browser.main_text().await;
    assert!(
        history.contains("Version 2") && history.contains("Changed"),
        "{history}"
    );
    check_page(&browser, "record-history-corrected", &mut found).await;
    browser.sign_out().await;

    // An IRO: their children and challenges.
    browser.sign_in("iro", &name_of(Role::Iro)).await;
    browser.visit("/iro").await;
    browser.wait_for(Locator::Id("children")).await;
    check_page(&browser, "iro", &mut found).await;
    browser.sign_out().await;
    browser.close().await;

    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.2 AA violations (screenshots in {SHOTS}):\n{}",
        found.join("\n")
    );
}
