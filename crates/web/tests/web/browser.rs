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
    check_page(&browser, "child", &mut found).await;
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
