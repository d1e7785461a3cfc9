//! The web application under load: the target is that, against a 2,000-children
//! borough with ten years of history and with 50 concurrent sessions, the child page and
//! the home page answer in under 50 ms at the 95th percentile.
//!
//! It builds the synthetic borough and imports it into a fresh SQLite database as the
//! command line does, adds one account per session across the roles that read records
//! (each linked to a member of the synthetic staff, so that home pages list real alerts),
//! starts the real server in this process on a random port (on its own runtime, as
//! `permanence serve` runs it), signs every session in through the login form, warms up,
//! and then for a fixed time has every session ask for `GET /` and
//! `GET /children/{a random child}` in turn. It prints, per page, the count, mean,
//! median, 95th and 99th percentiles and maximum of the time to the last byte, and PASS
//! or FAIL against the target. Every child page view writes its audit row, as in use.
//!
//! Run it with `bench/load.sh` (a release build); `--help` lists the options.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use permanence_domain::tracker::{Organisation, StaffRole};
use permanence_domain::{CollectionYear, Date};
use permanence_rules::Policy;
use permanence_store::{Accounts, NewUser, SqliteStore, Store};
use permanence_synth::SynthConfig;
use permanence_web::auth::{Role, hash_password};
use permanence_web::borough::{Borough, today};
use permanence_web::{AppState, Settings};
use rand::{Rng, SeedableRng};

/// Every account's password.
const PASSWORD: &str = "a long load-test password";

/// Load the web application with concurrent signed-in sessions and report the latency
/// of the home page and the child page.
#[derive(Parser, Debug)]
struct Options {
    /// Children in the synthetic borough.
    #[arg(long, default_value_t = 2_000)]
    children: usize,
    /// Collection years of history, ending with the one containing today.
    #[arg(long, default_value_t = 10)]
    years: i16,
    /// The synthetic borough's seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Concurrent signed-in sessions.
    #[arg(long, default_value_t = 50)]
    sessions: usize,
    /// Seconds of load before measuring (not recorded).
    #[arg(long, default_value_t = 5)]
    warmup: u64,
    /// Seconds of load measured.
    #[arg(long, default_value_t = 30)]
    duration: u64,
    /// A session's mean pause between pages, in milliseconds (drawn uniformly from
    /// nothing to twice this). 0: every session asks again as soon as it is answered,
    /// so that all of them are always waiting, the hardest case.
    #[arg(long, default_value_t = 0)]
    think_ms: u64,
    /// The target for the 95th percentile, in milliseconds.
    #[arg(long, default_value_t = 50)]
    target_ms: u64,
    /// Where to write the borough and its database (a new folder inside it; by default
    /// inside the system's temporary folder). An experiment: a folder on a RAM disk such
    /// as `/dev/shm` takes the disk's flushes out of the measure.
    #[arg(long)]
    dir: Option<std::path::PathBuf>,
}

/// The pages measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Home,
    Child,
}

impl Page {
    const ALL: [Page; 2] = [Page::Home, Page::Child];

    fn label(self) -> &'static str {
        match self {
            Page::Home => "home  GET /",
            Page::Child => "child GET /children/{id}",
        }
    }
}

/// An account to sign in as, and the children whose pages it may open (every child
/// but those restricted to other staff).
struct Account {
    username: String,
    children: Vec<String>,
}

fn main() -> ExitCode {
    match run(Options::parse()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs the benchmark: whether every page met the target.
fn run(options: Options) -> anyhow::Result<bool> {
    if options.sessions == 0 || options.years < 1 {
        bail!("--sessions and --years must be at least 1");
    }
    let as_of = today();
    let last_year = CollectionYear::containing(as_of);
    let config = SynthConfig {
        children: options.children,
        seed: options.seed,
        first_year: CollectionYear(last_year.0 - (options.years - 1)),
        last_year,
    };
    let dir = match &options.dir {
        Some(parent) => tempfile::tempdir_in(parent)?,
        None => tempfile::tempdir()?,
    };
    let started = Instant::now();
    let db = permanence_bench::import_borough(&config, as_of, dir.path())?;
    println!(
        "borough: {} children, collection years {}..={}, as at {as_of}: written and imported in {:.1} s",
        config.children,
        config.first_year.0,
        config.last_year.0,
        started.elapsed().as_secs_f64()
    );
    let accounts = add_accounts(&db, as_of, options.sessions)?;
    println!("database: {}", db.display());

    // The server, on a runtime of its own with a worker per core, as `permanence serve`.
    let server = tokio::runtime::Runtime::new()?;
    let started = Instant::now();
    let state = AppState::open(
        permanence_store::Location::Sqlite(db.clone()),
        Policy::default(),
        Settings {
            secure_cookies: false,
            ..Settings::default()
        },
    )?;
    println!(
        "server: borough loaded and evaluated in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    {
        let _runtime = server.enter();
        let listener = tokio::net::TcpListener::from_std(listener)?;
        server.spawn(permanence_web::serve(listener, state));
    }

    // The sessions, on one thread: the clients' own work stays small beside the server's.
    let clients = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = clients.block_on(drive(&options, address, accounts));
    server.shutdown_background();
    let audited = SqliteStore::open(&db)?
        .audit_log(None)?
        .into_iter()
        .filter(|entry| entry.action == "view_child")
        .count();
    println!("audit log: {audited} child page views recorded");
    result
}

/// Adds `sessions` accounts linked to members of the synthetic staff, most of them
/// social workers and personal advisers, as in a council: the same mix of roles for
/// any number of sessions.
fn add_accounts(db: &Path, as_of: Date, sessions: usize) -> anyhow::Result<Vec<Account>> {
    let mut store = SqliteStore::open(db)?;
    let borough = Borough::load(&store, &Policy::default(), as_of)?;
    let children: Vec<String> = borough.rows.iter().map(|row| row.child.clone()).collect();
    if children.is_empty() {
        bail!("the synthetic borough has no children in care");
    }
    // Out of every 50 accounts: 30 social workers, 7 team managers, 4 IROs, 2 IRO
    // managers, 3 fostering and adoption workers, 2 service managers, 1 head of service
    // and 1 performance analyst.
    const MIX: [(Role, u32); 8] = [
        (Role::SocialWorker, 30),
        (Role::TeamManager, 7),
        (Role::Iro, 4),
        (Role::IroManager, 2),
        (Role::FosteringAdoptionWorker, 3),
        (Role::ServiceManager, 2),
        (Role::HeadOfService, 1),
        (Role::PerformanceAnalyst, 1),
    ];
    let mut roles: Vec<Role> = Vec::with_capacity(sessions);
    for (role, per_fifty) in MIX.iter().rev() {
        let count = (sessions as u64 * u64::from(*per_fifty) / 50) as usize;
        roles.extend(std::iter::repeat_n(*role, count));
    }
    // What rounding left over goes to social workers.
    roles.resize(sessions, Role::SocialWorker);
    roles.sort_by_key(|role| role.code());

    let hash = hash_password(PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut accounts = Vec::with_capacity(sessions);
    let mut mix = Vec::new();
    for role in Role::ALL {
        let wanted = roles.iter().filter(|r| *r == role).count();
        if wanted == 0 {
            continue;
        }
        let staff = staff_for(&borough.organisation, *role);
        if staff.is_empty() {
            bail!("the synthetic staff has no {}", role.label());
        }
        mix.push(format!("{wanted} {}", role.code()));
        for number in 0..wanted {
            // More accounts than people in a role share the people, in turn.
            let staff_id = staff[number % staff.len()];
            let username = format!("{}_{number}", role.code());
            store.add_user(&NewUser {
                username: &username,
                display_name: &format!("Load {} {number}", role.label()),
                role: role.code(),
                staff_id: Some(staff_id),
                password_hash: &hash,
            })?;
            let children: Vec<String> = children
                .iter()
                .filter(|child| borough.may_see(Some(staff_id), child))
                .cloned()
                .collect();
            if children.is_empty() {
                bail!("{username} may open no child's page");
            }
            accounts.push(Account { username, children });
        }
    }
    println!("accounts: {}", mix.join(", "));
    Ok(accounts)
}

/// The ids of the synthetic staff who would hold an account of `role`.
fn staff_for(organisation: &Organisation, role: Role) -> Vec<&str> {
    let fits = |staff: StaffRole| match role {
        Role::SocialWorker => {
            matches!(staff, StaffRole::SocialWorker | StaffRole::PersonalAdviser)
        }
        Role::TeamManager => staff == StaffRole::TeamManager,
        Role::ServiceManager => staff == StaffRole::ServiceManager,
        Role::HeadOfService => matches!(staff, StaffRole::HeadOfService | StaffRole::Director),
        Role::Iro => staff == StaffRole::Iro,
        Role::IroManager => staff == StaffRole::IroManager,
        Role::FosteringAdoptionWorker => {
            matches!(
                staff,
                StaffRole::FosteringWorker | StaffRole::AdoptionWorker
            )
        }
        Role::PerformanceAnalyst => staff == StaffRole::PerformanceAnalyst,
        Role::Administrator => staff == StaffRole::Administrator,
    };
    organisation
        .people
        .iter()
        .filter(|person| fits(person.role))
        .map(|person| person.id.as_str())
        .collect()
}

/// Signs the sessions in, warms up, measures and reports: whether every page met the
/// target.
async fn drive(
    options: &Options,
    address: SocketAddr,
    accounts: Vec<Account>,
) -> anyhow::Result<bool> {
    let base = format!("http://{address}");
    let started = Instant::now();
    let mut sessions = Vec::with_capacity(accounts.len());
    for account in accounts {
        let client = sign_in(&base, &account.username).await?;
        sessions.push((client, Arc::new(account.children)));
    }
    println!(
        "sessions: {} signed in through the login form in {:.1} s",
        sessions.len(),
        started.elapsed().as_secs_f64()
    );

    println!("warming up for {} s", options.warmup);
    load(
        &sessions,
        &base,
        options,
        Duration::from_secs(options.warmup),
    )
    .await?;
    println!(
        "measuring for {} s: {} sessions, each asking for the home page and a random child's page in turn, {}",
        options.duration,
        sessions.len(),
        if options.think_ms == 0 {
            "with no pause between pages".to_string()
        } else {
            format!("pausing {} ms on average between pages", options.think_ms)
        }
    );
    let measured = load(
        &sessions,
        &base,
        options,
        Duration::from_secs(options.duration),
    )
    .await?;

    let target = options.target_ms as f64;
    let mut passed = true;
    println!();
    println!(
        "{:<26} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "page (ms)", "count", "mean", "p50", "p95", "p99", "max"
    );
    let mut verdicts = Vec::new();
    for page in Page::ALL {
        let mut times: Vec<f64> = measured
            .iter()
            .filter(|(p, _)| *p == page)
            .map(|(_, t)| t.as_secs_f64() * 1_000.0)
            .collect();
        if times.is_empty() {
            bail!("no {} request finished in the time measured", page.label());
        }
        times.sort_by(f64::total_cmp);
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        let p95 = percentile(&times, 95.0);
        println!(
            "{:<26} {:>8} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
            page.label(),
            times.len(),
            mean,
            percentile(&times, 50.0),
            p95,
            percentile(&times, 99.0),
            times[times.len() - 1],
        );
        let pass = p95 < target;
        passed &= pass;
        verdicts.push(format!(
            "{}: {} (p95 {p95:.1} ms, target under {target} ms)",
            page.label(),
            if pass { "PASS" } else { "FAIL" }
        ));
    }
    println!(
        "throughput: {:.0} pages a second",
        measured.len() as f64 / options.duration as f64
    );
    for verdict in verdicts {
        println!("{verdict}");
    }
    Ok(passed)
}

/// A client signed in through the login form, with its own cookies and connection.
async fn sign_in(base: &str, username: &str) -> anyhow::Result<reqwest::Client> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let marker = r#"name="csrf_token" value=""#;
    let start = page
        .find(marker)
        .context("the login page has no CSRF token")?
        + marker.len();
    let token = page
        .get(start..start + 64)
        .context("the CSRF token is short")?;
    let response = client
        .post(format!("{base}/login"))
        .form(&[
            ("username", username),
            ("password", PASSWORD),
            ("csrf_token", token),
        ])
        .send()
        .await?;
    if response.status() != reqwest::StatusCode::SEE_OTHER {
        bail!("{username} could not sign in: {}", response.status());
    }
    Ok(client)
}

/// Every session asks for the home page and a random child's page in turn until
/// `length` has passed: the time each page took, to its last byte.
async fn load(
    sessions: &[(reqwest::Client, Arc<Vec<String>>)],
    base: &str,
    options: &Options,
    length: Duration,
) -> anyhow::Result<Vec<(Page, Duration)>> {
    let until = Instant::now() + length;
    let mut tasks = Vec::with_capacity(sessions.len());
    for (number, (client, children)) in sessions.iter().enumerate() {
        let client = client.clone();
        let children = Arc::clone(children);
        let base = base.to_string();
        let think = options.think_ms;
        let seed = options.seed ^ (number as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        tasks.push(tokio::spawn(async move {
            let mut random = rand::rngs::StdRng::seed_from_u64(seed);
            let mut times = Vec::new();
            // Sessions start at different points of the round, as people do.
            let mut next = if number % 2 == 0 {
                Page::Home
            } else {
                Page::Child
            };
            while Instant::now() < until {
                let path = match next {
                    Page::Home => "/".to_string(),
                    Page::Child => {
                        let child = &children[random.random_range(0..children.len())];
                        format!("/children/{child}")
                    }
                };
                let asked = Instant::now();
                let response = client.get(format!("{base}{path}")).send().await?;
                let status = response.status();
                let body = response.bytes().await?;
                let took = asked.elapsed();
                if status != reqwest::StatusCode::OK || body.is_empty() {
                    bail!("GET {path} answered {status}");
                }
                times.push((next, took));
                next = match next {
                    Page::Home => Page::Child,
                    Page::Child => Page::Home,
                };
                if think > 0 {
                    let pause = random.random_range(0..=2 * think);
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
            }
            anyhow::Ok(times)
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    Ok(all)
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], percent: f64) -> f64 {
    let rank = (percent / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
