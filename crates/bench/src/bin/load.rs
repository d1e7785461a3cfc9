//! The web application under load, and the soak test.
//!
//! It builds the synthetic borough and imports it into a database as the command line
//! does (a new SQLite file in a temporary folder by default, or the new SQLite file or
//! empty PostgreSQL database `--db` names), starts the real server in this process on a
//! random loopback port (on its own runtime, as `permanence serve` runs it), adds one
//! account per session across the roles (each linked to a member of the synthetic
//! staff, so that home pages list real alerts), signs every session in through the
//! login form, and then for the warm-up and the measured time has every session use the
//! application. Two kinds of traffic:
//!
//! - `--traffic pair` (the benchmark, `bench/load.sh`): every session asks for `GET /`
//!   and `GET /children/{a random child}` in turn. Target: against a 2,000-children
//!   borough with ten years of history and 50 concurrent sessions, both pages answer in
//!   under 50 ms at the 95th percentile.
//! - `--traffic staff` (the soak, `bench/soak.sh`): every session does what a member of
//!   staff of its role does (see [`weights`]): the home page, the children list with
//!   filters, sorts and pages, children's pages (summary, journey timeline, alerts),
//!   their records, alerts, the oversight pages, the reports, fostering and matching,
//!   the audit log; and social workers and managers record visits and correct them
//!   through the forms (with the session's CSRF token, as a browser posts them), each
//!   followed by the page the form returns to.
//!
//! Between two requests a session pauses for a time drawn uniformly from nothing to
//! twice `--think-ms`. For every page it prints the count, errors, mean, median, 95th
//! and 99th percentiles and maximum of the time to the last byte. Any answer but the
//! one expected (200 with a page; 303 to the right page after a form), a request not
//! answered within `--timeout`, or a connection error is an error: the run fails if
//! there is one. The process's resident memory (the server's, as it runs in this
//! process) is sampled throughout; the run fails if, over the measured time, it grows
//! past `--rss-ratio` × its size at the start + `--rss-slack-mib`: its mean over the
//! last minute against its mean over the first minute after the warm-up (a single
//! sample could fall in an evaluation, which briefly holds a second borough).
//! `--out FILE` writes the results as JSON.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use permanence_bench::latency::Latencies;
use permanence_bench::memory::{self, MemoryVerdict, Sample};
use permanence_domain::date::{add_days, format_dmy};
use permanence_domain::tracker::{AllocationRole, Organisation, StaffRole};
use permanence_domain::{CollectionYear, Date};
use permanence_reports::Period;
use permanence_rules::Policy;
use permanence_ssda903::read::FIELD_SEPARATOR;
use permanence_store::{Location, NewUser};
use permanence_synth::SynthConfig;
use permanence_tracker::Kind;
use permanence_web::auth::{Role, hash_password};
use permanence_web::borough::{Borough, today};
use permanence_web::{AppState, Settings};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Every account's password.
const PASSWORD: &str = "a long load-test password";

/// Load the web application with concurrent signed-in sessions and report each page's
/// latency, the errors and the process's memory.
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
    /// What the sessions do: `pair` (the home page and a child's page in turn, the
    /// benchmark) or `staff` (each role's mix of pages and forms, the soak).
    #[arg(long, value_enum, default_value_t = Traffic::Pair)]
    traffic: Traffic,
    /// Load before measuring (not recorded): seconds, or with a unit (90s, 2m).
    #[arg(long, default_value = "5", value_parser = parse_duration)]
    warmup: Duration,
    /// Load measured: seconds, or with a unit (30s, 10m, 1h).
    #[arg(long, default_value = "30", value_parser = parse_duration)]
    duration: Duration,
    /// A session's mean pause between requests, in milliseconds (drawn uniformly from
    /// nothing to twice this). 0: every session asks again as soon as it is answered,
    /// so that all of them are always waiting, the hardest case.
    #[arg(long, default_value_t = 0)]
    think_ms: u64,
    /// The target for the 95th percentile of the home page and the child's page, in
    /// milliseconds. Default: 50 with `--traffic pair`; none with `--traffic staff`
    /// (the soak records every page's latency and judges errors and memory).
    #[arg(long)]
    target_ms: Option<u64>,
    /// The database to import the borough into and serve: a new SQLite file, or an
    /// empty PostgreSQL database (`postgres://USER:PASSWORD@HOST:PORT/DATABASE`, made
    /// with `createdb`; the run refuses a database holding data). Default: a SQLite
    /// file in the run's temporary folder.
    #[arg(long, value_name = "PATH_OR_URL")]
    db: Option<String>,
    /// Where to write the borough's files (and by default its database): a new folder
    /// inside this one, removed afterwards (default: the system's temporary folder).
    /// An experiment: a folder on a RAM disk such as `/dev/shm` takes the disk's
    /// flushes out of the measure.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Write the results (every page's figures, the errors, the memory samples and the
    /// verdict) to this JSON file.
    #[arg(long, value_name = "FILE.json")]
    out: Option<PathBuf>,
    /// Seconds between samples of the process's resident memory.
    #[arg(long, default_value_t = 5)]
    rss_every: u64,
    /// Memory is flat when the resident memory's mean over the measured time's last
    /// minute is at most this times its mean over the first, plus `--rss-slack-mib`.
    #[arg(long, default_value_t = 1.2)]
    rss_ratio: f64,
    /// See `--rss-ratio`.
    #[arg(long, default_value_t = 20.0)]
    rss_slack_mib: f64,
    /// With `--traffic staff`: record and correct no visits (a form's turn opens the
    /// child's records instead), to tell the reading pages' load from the writes'.
    #[arg(long)]
    no_forms: bool,
    /// A request not answered within this many seconds is an error.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
}

/// What the sessions do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Traffic {
    /// The home page and a random child's page in turn.
    Pair,
    /// Each role's mix of pages and forms.
    Staff,
}

/// Reads `90`, `90s`, `2m` or `1h`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let number: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration; expected e.g. 90, 90s, 10m or 1h"))?;
    let seconds = match unit {
        "s" => number,
        "m" => number * 60,
        "h" => number * 3_600,
        _ => return Err(format!("'{text}': the unit must be s, m or h")),
    };
    Ok(Duration::from_secs(seconds))
}

/// The pages measured, each with what it is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Page {
    Home,
    Children,
    Child,
    Records,
    Alert,
    Reports,
    Report,
    Teams,
    Drift,
    Iro,
    Panels,
    Fostering,
    Household,
    Matching,
    Audit,
    Register,
    NewForm,
    Add,
    EditForm,
    Correct,
}

impl Page {
    fn name(self) -> &'static str {
        match self {
            Page::Home => "home",
            Page::Children => "children",
            Page::Child => "child",
            Page::Records => "records",
            Page::Alert => "alert",
            Page::Reports => "reports",
            Page::Report => "report",
            Page::Teams => "teams",
            Page::Drift => "drift",
            Page::Iro => "iro",
            Page::Panels => "panels",
            Page::Fostering => "fostering",
            Page::Household => "household",
            Page::Matching => "matching",
            Page::Audit => "audit",
            Page::Register => "register",
            Page::NewForm => "new form",
            Page::Add => "add",
            Page::EditForm => "edit form",
            Page::Correct => "correct",
        }
    }

    fn route(self) -> &'static str {
        match self {
            Page::Home => "GET /",
            Page::Children => "GET /children?filters,sort,page",
            Page::Child => "GET /children/{id} (timeline)",
            Page::Records => "GET /children/{id}/records",
            Page::Alert => "GET /alerts/{id}",
            Page::Reports => "GET /reports",
            Page::Report => "GET /reports/{kind}/{period}",
            Page::Teams => "GET /teams",
            Page::Drift => "GET /drift",
            Page::Iro => "GET /iro",
            Page::Panels => "GET /panels",
            Page::Fostering => "GET /fostering",
            Page::Household => "GET /fostering/households/{id}",
            Page::Matching => "GET /children/{id}/matching",
            Page::Audit => "GET /audit?filters,page",
            Page::Register => "GET /records/{people|teams|panels}",
            Page::NewForm => "GET …/records/activities/new",
            Page::Add => "POST …/records/activities",
            Page::EditForm => "GET …/activities/{key}/edit",
            Page::Correct => "POST …/activities/{key}/edit",
        }
    }
}

/// What a session does next: a page, or a form opened, filled in and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Home,
    Children,
    Child,
    Records,
    Alert,
    Reports,
    Report,
    Teams,
    Drift,
    Iro,
    Panels,
    Fostering,
    Household,
    Matching,
    Audit,
    Register,
    /// Record a visit to a child: the new form, then its POST, then the records page.
    Add,
    /// Correct a visit the session recorded: the edit form, its POST, the records page.
    Correct,
}

/// What each role does, and how often: each action's share is its weight out of the
/// role's total. Staff spend most of their time on the home page and children's
/// records; managers also read the oversight pages and reports; analysts the list and
/// the reports; administrators the audit log and the registers. Social workers and
/// managers record a visit in about one action in a hundred and correct one in about
/// one in two hundred (the records page they return to included, a form is about one
/// request in seventy).
fn weights(role: Role) -> &'static [(Action, u32)] {
    use Action::*;
    match role {
        Role::SocialWorker => &[
            (Home, 40),
            (Children, 24),
            (Child, 60),
            (Records, 24),
            (Alert, 20),
            (Panels, 4),
            (Add, 2),
            (Correct, 1),
        ],
        Role::TeamManager => &[
            (Home, 36),
            (Children, 20),
            (Child, 40),
            (Records, 16),
            (Alert, 20),
            (Teams, 16),
            (Drift, 10),
            (Reports, 2),
            (Report, 8),
            (Fostering, 6),
            (Panels, 4),
            (Add, 2),
            (Correct, 1),
        ],
        // Service managers may not open the IRO pages; heads of service may.
        Role::ServiceManager => &[
            (Home, 30),
            (Children, 20),
            (Child, 30),
            (Records, 10),
            (Alert, 10),
            (Teams, 18),
            (Drift, 18),
            (Reports, 4),
            (Report, 20),
            (Fostering, 10),
            (Audit, 10),
            (Panels, 4),
            (Add, 2),
            (Correct, 1),
        ],
        Role::HeadOfService => &[
            (Home, 30),
            (Children, 20),
            (Child, 30),
            (Records, 10),
            (Alert, 10),
            (Teams, 16),
            (Drift, 16),
            (Iro, 6),
            (Reports, 4),
            (Report, 20),
            (Fostering, 10),
            (Audit, 10),
            (Panels, 4),
            (Add, 2),
            (Correct, 1),
        ],
        Role::Iro => &[
            (Home, 25),
            (Children, 10),
            (Child, 30),
            (Records, 10),
            (Alert, 10),
            (Iro, 10),
            (Report, 5),
        ],
        Role::IroManager => &[
            (Home, 20),
            (Children, 10),
            (Child, 20),
            (Records, 5),
            (Alert, 10),
            (Iro, 15),
            (Reports, 2),
            (Report, 8),
        ],
        Role::FosteringAdoptionWorker => &[
            (Home, 15),
            (Children, 10),
            (Child, 20),
            (Records, 10),
            (Fostering, 20),
            (Household, 10),
            (Matching, 15),
        ],
        Role::PerformanceAnalyst => &[
            (Home, 10),
            (Children, 25),
            (Child, 10),
            (Reports, 5),
            (Report, 25),
            (Teams, 10),
            (Drift, 10),
            (Fostering, 5),
        ],
        Role::Administrator => &[(Home, 30), (Audit, 50), (Register, 20)],
    }
}

/// An account to sign in as, with what its session may open and change.
struct Account {
    username: String,
    role: Role,
    staff_id: Option<String>,
    /// The children whose pages it may open (every child but those restricted to
    /// other staff).
    children: Vec<String>,
    /// The children it may record a visit for.
    writable: Vec<String>,
    /// Alerts about children it may see.
    alerts: Vec<i64>,
    /// Children it may see with placement needs recorded (for matching).
    matching: Vec<String>,
}

/// What every session shares: the server's address, the values the children list's
/// filters take, the reports' periods, and the visits recorded so far.
struct World {
    base: String,
    as_of: Date,
    legal_statuses: Vec<&'static str>,
    placements: Vec<&'static str>,
    rules: Vec<&'static str>,
    teams: Vec<String>,
    months: Vec<Period>,
    quarters: Vec<Period>,
    households: Vec<String>,
    usernames: Vec<String>,
    /// Visits stored or being recorded, as CHILD and DATE (dd/mm/yyyy): a session claims
    /// one before posting it, so that no two record the same key.
    visits: Mutex<HashSet<(String, String)>>,
    /// Load starts being measured.
    measure_from: Instant,
    /// No request starts after this.
    until: Instant,
    think_ms: u64,
    /// Whether sessions post forms.
    forms: bool,
}

/// The allocator `permanence serve` uses (see `crates/cli/src/main.rs`), so that the
/// server measured here keeps its memory as the real one does.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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

/// Runs the load: whether it passed (no error, memory flat, every target met).
fn run(options: Options) -> anyhow::Result<bool> {
    if options.sessions == 0 || options.years < 1 {
        bail!("--sessions and --years must be at least 1");
    }
    if options.duration.is_zero() {
        bail!("--duration must be more than nothing");
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
    let location = match &options.db {
        Some(text) => Location::parse(text),
        None => Location::Sqlite(dir.path().join("permanence.db")),
    };
    if let Some(file) = location.file()
        && file.exists()
    {
        bail!(
            "{} exists: give a new SQLite file (or an empty PostgreSQL database)",
            file.display()
        );
    }
    let backend = match location {
        Location::Sqlite(_) => "SQLite",
        Location::Postgres(_) => "PostgreSQL",
    };
    let started = Instant::now();
    permanence_bench::import_borough(&config, as_of, dir.path(), &location)?;
    println!(
        "borough: {} children, collection years {}..={}, as at {as_of}: written and imported in {:.1} s",
        config.children,
        config.first_year.0,
        config.last_year.0,
        started.elapsed().as_secs_f64()
    );
    println!("database: {backend}, {location}");

    // The server, on a runtime of its own with a worker per core, as `permanence serve`.
    let server = tokio::runtime::Runtime::new()?;
    let started = Instant::now();
    let state = AppState::open(
        location.clone(),
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
    let (accounts, world) = prepare(&options, &location, as_of)?;
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
    let outcome = clients.block_on(drive(&options, address, accounts, world));
    server.shutdown_background();
    let outcome = outcome?;
    let audited = location
        .open_existing()?
        .context("the database has gone")?
        .audit_log(None)?
        .into_iter()
        .filter(|entry| entry.action == "view_child")
        .count();
    println!("audit log: {audited} child page views recorded");
    report(&options, backend, &location, &outcome)
}

/// Adds the accounts and gathers what the sessions need from the borough as the
/// server evaluated it.
fn prepare(
    options: &Options,
    location: &Location,
    as_of: Date,
) -> anyhow::Result<(Vec<Account>, World)> {
    let mut store = location.open_existing()?.context("the database has gone")?;
    let borough = Borough::load(&*store, &Policy::default(), as_of)?;
    let children: Vec<String> = borough.rows.iter().map(|row| row.child.clone()).collect();
    if children.is_empty() {
        bail!("the synthetic borough has no children in care");
    }
    // Out of every 50 accounts. The benchmark's sessions all open children's pages, so
    // it has no administrators (who may not).
    let mix: &[(Role, u32)] = match options.traffic {
        Traffic::Pair => &[
            (Role::SocialWorker, 30),
            (Role::TeamManager, 7),
            (Role::Iro, 4),
            (Role::IroManager, 2),
            (Role::FosteringAdoptionWorker, 3),
            (Role::ServiceManager, 2),
            (Role::HeadOfService, 1),
            (Role::PerformanceAnalyst, 1),
        ],
        Traffic::Staff => &[
            (Role::SocialWorker, 28),
            (Role::TeamManager, 7),
            (Role::Iro, 4),
            (Role::IroManager, 2),
            (Role::FosteringAdoptionWorker, 3),
            (Role::ServiceManager, 2),
            (Role::HeadOfService, 1),
            (Role::PerformanceAnalyst, 2),
            (Role::Administrator, 1),
        ],
    };
    let sessions = options.sessions;
    let mut roles: Vec<Role> = Vec::with_capacity(sessions);
    for (role, per_fifty) in mix.iter().rev() {
        let count = (sessions as u64 * u64::from(*per_fifty) / 50) as usize;
        roles.extend(std::iter::repeat_n(*role, count));
    }
    // What rounding left over goes to social workers.
    roles.resize(sessions, Role::SocialWorker);

    let alerts = store.open_alerts()?;
    let hash = hash_password(PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let organisation = &borough.organisation;
    let mut accounts = Vec::with_capacity(sessions);
    let mut counts = Vec::new();
    for role in Role::ALL {
        let wanted = roles.iter().filter(|r| *r == role).count();
        if wanted == 0 {
            continue;
        }
        let staff = staff_for(organisation, *role);
        if staff.is_empty() && *role != Role::Administrator {
            bail!("the synthetic staff has no {}", role.label());
        }
        counts.push(format!("{wanted} {}", role.code()));
        for number in 0..wanted {
            // More accounts than people in a role share the people, in turn.
            let staff_id = (!staff.is_empty()).then(|| staff[number % staff.len()]);
            let username = format!("{}_{number}", role.code());
            store.add_user(&NewUser {
                username: &username,
                display_name: &format!("Load {} {number}", role.label()),
                role: role.code(),
                staff_id,
                password_hash: &hash,
            })?;
            let visible: Vec<String> = if *role == Role::Administrator {
                Vec::new()
            } else {
                children
                    .iter()
                    .filter(|child| borough.may_see(staff_id, child))
                    .cloned()
                    .collect()
            };
            if visible.is_empty() && *role != Role::Administrator {
                bail!("{username} may open no child's page");
            }
            let writable = writable(&borough, *role, staff_id, &visible);
            let seen: BTreeSet<&str> = visible.iter().map(String::as_str).collect();
            accounts.push(Account {
                username,
                role: *role,
                staff_id: staff_id.map(str::to_string),
                alerts: alerts
                    .iter()
                    .filter(|a| seen.contains(a.child.as_str()))
                    .map(|a| a.id)
                    .collect(),
                matching: visible
                    .iter()
                    .filter(|c| {
                        borough
                            .trackers
                            .get(c.as_str())
                            .is_some_and(|t| t.placement_needs.is_some())
                    })
                    .cloned()
                    .collect(),
                writable,
                children: visible,
            });
        }
    }
    println!("accounts: {}", counts.join(", "));
    if options.traffic == Traffic::Staff {
        let writers = accounts.iter().filter(|a| !a.writable.is_empty()).count();
        println!(
            "  {writers} of them may record visits; {} open alerts",
            alerts.len()
        );
    }

    let visits: HashSet<(String, String)> = store
        .current_tracker_records()?
        .into_iter()
        .filter(|r| r.kind == Kind::Activity && r.field("KIND") == "visit")
        .filter_map(|r| Some((r.child()?.to_string(), r.field("DATE").to_string())))
        .collect();
    let distinct = |values: Vec<&'static str>| -> Vec<&'static str> {
        values
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let month = Period::month_of(as_of);
    let quarter = Period::quarter_of(as_of);
    let now = Instant::now();
    let world = World {
        base: String::new(),
        as_of,
        legal_statuses: distinct(borough.rows.iter().filter_map(|r| r.legal_status).collect()),
        placements: distinct(borough.rows.iter().filter_map(|r| r.placement).collect()),
        rules: distinct(
            borough
                .rows
                .iter()
                .flat_map(|r| r.open_rules.iter().copied())
                .collect(),
        ),
        teams: organisation.teams.iter().map(|t| t.id.clone()).collect(),
        months: month.trend().into_iter().rev().collect(),
        quarters: quarter.trend().into_iter().rev().collect(),
        households: organisation
            .fostering
            .households
            .iter()
            .map(|h| h.id.clone())
            .collect(),
        usernames: accounts.iter().map(|a| a.username.clone()).collect(),
        visits: Mutex::new(visits),
        measure_from: now,
        until: now,
        think_ms: options.think_ms,
        forms: !options.no_forms,
    };
    Ok((accounts, world))
}

/// The children an account may record a visit for, by the access rules
/// (`docs/access.md`), kept to the surest cases: a social worker's own allocated
/// children, a team manager's staff's children, and for service managers and heads of
/// service every child they may see.
fn writable(
    borough: &Borough,
    role: Role,
    staff_id: Option<&str>,
    visible: &[String],
) -> Vec<String> {
    let Some(staff_id) = staff_id else {
        return Vec::new();
    };
    let organisation = &borough.organisation;
    let allocated = |child: &str| -> Vec<String> {
        borough
            .trackers
            .get(child)
            .map(|tracker| {
                AllocationRole::ALL
                    .iter()
                    .filter_map(|role| tracker.allocated_on(*role, borough.as_of))
                    .map(|a| a.person.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let reaches = |child: &str| match role {
        Role::SocialWorker => allocated(child).iter().any(|p| p == staff_id),
        Role::TeamManager => allocated(child).iter().any(|p| {
            organisation
                .management_line(p)
                .iter()
                .any(|m| m.id == staff_id)
        }),
        Role::ServiceManager | Role::HeadOfService => true,
        _ => false,
    };
    visible
        .iter()
        .filter(|child| reaches(child))
        .cloned()
        .collect()
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

// ---------------------------------------------------------------- figures

/// One page's figures over the measured time.
#[derive(Debug, Default, Clone)]
struct PageFigures {
    latencies: Latencies,
    errors: u64,
}

/// Errors of one kind: how many, and one request that had it.
#[derive(Debug, Clone)]
struct ErrorKind {
    count: u64,
    during_warmup: u64,
    example: String,
}

/// What sessions measured.
#[derive(Debug, Default)]
struct Figures {
    pages: BTreeMap<Page, PageFigures>,
    /// By page and what went wrong.
    errors: BTreeMap<(Page, String), ErrorKind>,
    /// Visits recorded and corrected (warm-up included).
    added: u64,
    corrected: u64,
}

impl Figures {
    fn merge(&mut self, other: Figures) {
        for (page, figures) in other.pages {
            let mine = self.pages.entry(page).or_default();
            mine.latencies.merge(&figures.latencies);
            mine.errors += figures.errors;
        }
        for (key, kind) in other.errors {
            self.errors
                .entry(key)
                .and_modify(|mine| {
                    mine.count += kind.count;
                    mine.during_warmup += kind.during_warmup;
                })
                .or_insert(kind);
        }
        self.added += other.added;
        self.corrected += other.corrected;
    }

    fn error_count(&self) -> u64 {
        self.errors.values().map(|e| e.count).sum()
    }
}

/// The run's result.
struct Outcome {
    figures: Figures,
    /// The CPU time the process (server and clients) used over the measured time.
    cpu_seconds: Option<f64>,
    sessions: usize,
    measured: Duration,
    sign_in: Duration,
    memory: Vec<Sample>,
    /// The memory samples' span: the end of the warm-up and of the measured time, in
    /// the samples' seconds.
    measured_span: (f64, f64),
}

// ---------------------------------------------------------------- the sessions

/// Signs the sessions in, runs the warm-up and the measured time.
async fn drive(
    options: &Options,
    address: SocketAddr,
    accounts: Vec<Account>,
    mut world: World,
) -> anyhow::Result<Outcome> {
    let base = format!("http://{address}");
    let started = Instant::now();
    let mut sessions = Vec::with_capacity(accounts.len());
    for account in accounts {
        let client = sign_in(
            &base,
            &account.username,
            Duration::from_secs(options.timeout),
        )
        .await?;
        sessions.push((client, account));
    }
    let sign_in = started.elapsed();
    println!(
        "sessions: {} signed in through the login form in {:.1} s",
        sessions.len(),
        sign_in.as_secs_f64()
    );
    let count = sessions.len();
    match options.traffic {
        Traffic::Pair => println!(
            "traffic: every session asks for the home page and a random child's page in turn, {}",
            pause_text(options.think_ms)
        ),
        Traffic::Staff => println!(
            "traffic: every session does its role's mix of pages and forms, {}",
            pause_text(options.think_ms)
        ),
    }
    println!(
        "warming up for {} s, then measuring for {} s",
        options.warmup.as_secs(),
        options.duration.as_secs()
    );

    let sampler = memory::Sampler::start(
        Duration::from_secs(options.rss_every),
        &[options.warmup, options.warmup + options.duration],
    );
    let start = Instant::now();
    world.base = base;
    world.measure_from = start + options.warmup;
    world.until = world.measure_from + options.duration;
    let world = Arc::new(world);
    // The process's CPU time at the start and end of the measured time.
    let cpu = {
        let world = Arc::clone(&world);
        tokio::spawn(async move {
            tokio::time::sleep_until(world.measure_from.into()).await;
            let start = memory::cpu_seconds();
            tokio::time::sleep_until(world.until.into()).await;
            start.zip(memory::cpu_seconds()).map(|(a, b)| b - a)
        })
    };
    let mut tasks = Vec::with_capacity(count);
    for (number, (client, account)) in sessions.into_iter().enumerate() {
        let world = Arc::clone(&world);
        let seed = options.seed ^ (number as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let traffic = options.traffic;
        tasks.push(tokio::spawn(async move {
            let mut session = Session {
                client,
                account,
                world,
                random: StdRng::seed_from_u64(seed),
                figures: Figures::default(),
                added: Vec::new(),
            };
            match traffic {
                Traffic::Pair => session.pairs(number).await,
                Traffic::Staff => session.staff().await,
            }
            session.figures
        }));
    }
    let mut figures = Figures::default();
    for task in tasks {
        figures.merge(task.await?);
    }
    let memory = sampler.finish();
    let warmup = options.warmup.as_secs_f64();
    Ok(Outcome {
        cpu_seconds: cpu.await?,
        figures,
        sessions: count,
        measured: options.duration,
        sign_in,
        memory,
        measured_span: (warmup, warmup + options.duration.as_secs_f64()),
    })
}

fn pause_text(think_ms: u64) -> String {
    if think_ms == 0 {
        "with no pause between requests".to_string()
    } else {
        format!("pausing {think_ms} ms on average between requests")
    }
}

/// A client signed in through the login form, with its own cookies and connection.
async fn sign_in(base: &str, username: &str, timeout: Duration) -> anyhow::Result<reqwest::Client> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .build()?;
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let token = csrf_token(&page).context("the login page has no CSRF token")?;
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

/// A page's CSRF token (the session's, or the login form's).
fn csrf_token(page: &str) -> Option<&str> {
    let marker = r#"name="csrf_token" value=""#;
    let start = page.find(marker)? + marker.len();
    page.get(start..start + 64)
}

/// The value of a page's hidden input `name`.
fn hidden_value<'p>(page: &'p str, name: &str) -> Option<&'p str> {
    let marker = format!(r#"type="hidden" name="{name}" value=""#);
    let start = page.find(&marker)? + marker.len();
    let end = page[start..].find('"')?;
    Some(&page[start..start + end])
}

/// Percent-encodes a path segment or query value (every byte but the unreserved ones),
/// as the application does.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// What a request should be answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 200 with a page.
    Page,
    /// 303 to an address starting with this.
    RedirectTo,
}

/// A visit a session recorded, and whether its child was seen alone as last saved.
struct Added {
    child: String,
    date: String,
    seen_alone: bool,
}

/// One signed-in member of staff.
struct Session {
    client: reqwest::Client,
    account: Account,
    world: Arc<World>,
    random: StdRng,
    figures: Figures,
    added: Vec<Added>,
}

impl Session {
    /// The benchmark: the home page and a random child's page in turn, starting at
    /// different points of the round, as people do.
    async fn pairs(&mut self, number: usize) {
        let mut home = number.is_multiple_of(2);
        while Instant::now() < self.world.until {
            if home {
                self.get(Page::Home, "/".into()).await;
            } else {
                let child = self.any_child();
                self.get(Page::Child, format!("/children/{}", encode(&child)))
                    .await;
            }
            home = !home;
            self.think().await;
        }
    }

    /// The soak: the role's mix, starting at a random moment of the first pause.
    async fn staff(&mut self) {
        self.think().await;
        let weights = weights(self.account.role);
        let total: u32 = weights.iter().map(|(_, w)| w).sum();
        while Instant::now() < self.world.until {
            let mut draw = self.random.random_range(0..total);
            let mut action = weights[0].0;
            for (candidate, weight) in weights {
                if draw < *weight {
                    action = *candidate;
                    break;
                }
                draw -= weight;
            }
            self.act(action).await;
            self.think().await;
        }
    }

    async fn think(&mut self) {
        let think = self.world.think_ms;
        if think > 0 {
            let pause = self.random.random_range(0..=2 * think);
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
    }

    fn any_child(&mut self) -> String {
        let children = &self.account.children;
        children[self.random.random_range(0..children.len())].clone()
    }

    fn pick<'a, T>(random: &mut StdRng, values: &'a [T]) -> Option<&'a T> {
        (!values.is_empty()).then(|| &values[random.random_range(0..values.len())])
    }

    async fn act(&mut self, action: Action) {
        let world = Arc::clone(&self.world);
        match action {
            Action::Home => self.open(Page::Home, "/".into()).await,
            Action::Children => {
                let query = self.children_query();
                self.open(Page::Children, format!("/children{query}")).await;
            }
            Action::Child => {
                let child = self.any_child();
                self.open(Page::Child, format!("/children/{}", encode(&child)))
                    .await;
            }
            Action::Records => {
                let child = self.any_child();
                self.open(
                    Page::Records,
                    format!("/children/{}/records", encode(&child)),
                )
                .await;
            }
            Action::Alert => match Self::pick(&mut self.random, &self.account.alerts) {
                Some(id) => self.open(Page::Alert, format!("/alerts/{id}")).await,
                None => Box::pin(self.act(Action::Child)).await,
            },
            Action::Reports => self.open(Page::Reports, "/reports".into()).await,
            Action::Report => {
                // Mostly this month's and last month's report; sometimes a quarter or
                // an earlier month.
                let draw = self.random.random_range(0..10);
                let period = match draw {
                    0..=4 => world.months[0],
                    5..=6 => world.months[1],
                    7 => *Self::pick(&mut self.random, &world.months).expect("months"),
                    _ => *Self::pick(&mut self.random, &world.quarters[..4]).expect("quarters"),
                };
                self.open(Page::Report, format!("/reports/{}/{period}", period.kind()))
                    .await;
            }
            Action::Teams => self.open(Page::Teams, "/teams".into()).await,
            Action::Drift => self.open(Page::Drift, "/drift".into()).await,
            Action::Iro => self.open(Page::Iro, "/iro".into()).await,
            Action::Panels => self.open(Page::Panels, "/panels".into()).await,
            Action::Fostering => self.open(Page::Fostering, "/fostering".into()).await,
            Action::Household => match Self::pick(&mut self.random, &world.households) {
                Some(id) => {
                    self.open(
                        Page::Household,
                        format!("/fostering/households/{}", encode(id)),
                    )
                    .await
                }
                None => self.open(Page::Fostering, "/fostering".into()).await,
            },
            Action::Matching => match Self::pick(&mut self.random, &self.account.matching) {
                Some(child) => {
                    let path = format!("/children/{}/matching", encode(child));
                    self.open(Page::Matching, path).await
                }
                None => self.open(Page::Fostering, "/fostering".into()).await,
            },
            Action::Audit => {
                let query = self.audit_query();
                self.open(Page::Audit, format!("/audit{query}")).await;
            }
            Action::Register => {
                let kind =
                    *Self::pick(&mut self.random, &["people", "teams", "panels"]).expect("kinds");
                self.open(Page::Register, format!("/records/{kind}")).await;
            }
            Action::Add => {
                if self.account.writable.is_empty() || !world.forms {
                    return Box::pin(self.act(Action::Records)).await;
                }
                self.add_visit().await;
            }
            Action::Correct => {
                if self.added.is_empty() {
                    return Box::pin(self.act(Action::Add)).await;
                }
                self.correct_visit().await;
            }
        }
    }

    /// A children list query: mostly the default list, otherwise one filter (a
    /// search, "my children", an age band, legal status, placement, rule, team or time
    /// in care), sometimes sorted another way or on a later page.
    fn children_query(&mut self) -> String {
        let world = Arc::clone(&self.world);
        let random = &mut self.random;
        let mut pairs: Vec<(&str, String)> = Vec::new();
        match random.random_range(0..12) {
            0..=3 => {}
            4 => {
                let children = &self.account.children;
                let child = &children[random.random_range(0..children.len())];
                let cut = child.len().min(random.random_range(3..=6));
                pairs.push(("q", child[..cut].to_lowercase()));
            }
            5 => match &self.account.staff_id {
                Some(id) if self.account.role == Role::Iro => pairs.push(("iro", id.clone())),
                Some(id) => pairs.push(("worker", id.clone())),
                None => {}
            },
            6 => {
                let band = ["under_1", "1_4", "5_9", "10_15", "16_17", "18_plus"];
                pairs.push(("age", band[random.random_range(0..band.len())].into()));
            }
            7 => {
                if let Some(code) = Self::pick(random, &world.legal_statuses) {
                    pairs.push(("legal_status", code.to_string()));
                }
            }
            8 => {
                if let Some(code) = Self::pick(random, &world.placements) {
                    pairs.push(("placement", code.to_string()));
                }
            }
            9 => {
                if let Some(rule) = Self::pick(random, &world.rules) {
                    pairs.push(("rule", rule.to_string()));
                }
            }
            10 => {
                if let Some(team) = Self::pick(random, &world.teams) {
                    pairs.push(("team", team.clone()));
                }
            }
            _ => {
                let bands = [
                    "under_6_months",
                    "6_12_months",
                    "1_2_years",
                    "2_5_years",
                    "over_5_years",
                ];
                pairs.push((
                    "time_in_care",
                    bands[random.random_range(0..bands.len())].into(),
                ));
            }
        }
        if random.random_range(0..10) < 3 {
            let sorts = ["name", "age", "days_in_care", "alerts", "child"];
            pairs.push(("sort", sorts[random.random_range(0..sorts.len())].into()));
            pairs.push((
                "order",
                if random.random_bool(0.5) {
                    "asc"
                } else {
                    "desc"
                }
                .into(),
            ));
        }
        if random.random_range(0..10) < 1 {
            pairs.push(("looked_after", "all".into()));
        }
        if random.random_range(0..10) < 2 {
            pairs.push(("page", random.random_range(2..=4).to_string()));
        }
        query(&pairs)
    }

    /// An audit log query: the latest page, someone's entries, a child's, a day's, or
    /// a later page.
    fn audit_query(&mut self) -> String {
        let world = Arc::clone(&self.world);
        let random = &mut self.random;
        let pairs: Vec<(&str, String)> = match random.random_range(0..6) {
            0 | 1 => Vec::new(),
            2 => vec![(
                "actor",
                Self::pick(random, &world.usernames)
                    .cloned()
                    .unwrap_or_default(),
            )],
            3 => match Self::pick(random, &self.account.children) {
                Some(child) => vec![("child", child.clone())],
                None => Vec::new(),
            },
            4 => {
                let day = format_dmy(world.as_of);
                vec![("from", day.clone()), ("to", day)]
            }
            _ => vec![("page", random.random_range(2..=20).to_string())],
        };
        query(&pairs)
    }

    /// Records a visit to one of the children the session may change: opens the form,
    /// pauses, posts it, and opens the records page it returns to.
    async fn add_visit(&mut self) {
        let world = Arc::clone(&self.world);
        // A child and a day in the last two years with no visit recorded yet.
        let mut claimed = None;
        for _ in 0..20 {
            let child = Self::pick(&mut self.random, &self.account.writable)
                .expect("writable")
                .clone();
            let date = format_dmy(add_days(world.as_of, -self.random.random_range(0..730)));
            let mut visits = world.visits.lock().unwrap_or_else(|p| p.into_inner());
            if visits.insert((child.clone(), date.clone())) {
                claimed = Some((child, date));
                break;
            }
        }
        let Some((child, date)) = claimed else {
            return;
        };
        let list = format!("/children/{}/records", encode(&child));
        let Some(form) = self
            .get(Page::NewForm, format!("{list}/activities/new"))
            .await
        else {
            return;
        };
        let Some(token) = self.token_of(Page::NewForm, &form, &list) else {
            return;
        };
        self.think().await;
        let seen_alone = self.random.random_bool(0.7);
        let by = self.account.staff_id.clone().unwrap_or_default();
        let fields = vec![
            ("csrf_token", token),
            ("base", String::new()),
            ("CHILD", child.clone()),
            ("KIND", "visit".into()),
            ("DATE", date.clone()),
            ("BY", by),
            ("SEEN_ALONE", if seen_alone { "Y" } else { "N" }.into()),
        ];
        let saved = self
            .post(
                Page::Add,
                format!("{list}/activities"),
                &fields,
                &format!("{list}?saved="),
            )
            .await;
        if let Some(to) = saved {
            self.figures.added += 1;
            self.added.push(Added {
                child,
                date,
                seen_alone,
            });
            self.think().await;
            self.get(Page::Records, to).await;
        }
    }

    /// Corrects whether the child was seen alone on a visit the session recorded:
    /// opens the edit form, pauses, posts it with a reason, and opens the records page
    /// it returns to.
    async fn correct_visit(&mut self) {
        let index = self.random.random_range(0..self.added.len());
        let (child, date, seen_alone) = {
            let added = &self.added[index];
            (added.child.clone(), added.date.clone(), !added.seen_alone)
        };
        let key = [child.as_str(), "visit", date.as_str()].join(&FIELD_SEPARATOR.to_string());
        let list = format!("/children/{}/records", encode(&child));
        let edit = format!("{list}/activities/{}/edit", encode(&key));
        let Some(form) = self.get(Page::EditForm, edit.clone()).await else {
            return;
        };
        let Some(token) = self.token_of(Page::EditForm, &form, &edit) else {
            return;
        };
        let Some(base) = hidden_value(&form, "base").map(str::to_string) else {
            self.failed(Page::EditForm, "the form has no base version".into(), &edit);
            return;
        };
        self.think().await;
        let by = self.account.staff_id.clone().unwrap_or_default();
        let fields = vec![
            ("csrf_token", token),
            ("base", base),
            ("CHILD", child.clone()),
            ("KIND", "visit".into()),
            ("DATE", date.clone()),
            ("BY", by),
            ("SEEN_ALONE", if seen_alone { "Y" } else { "N" }.into()),
            ("reason", "Corrected after checking the visit notes".into()),
        ];
        let saved = self
            .post(Page::Correct, edit, &fields, &format!("{list}?saved="))
            .await;
        if let Some(to) = saved {
            self.figures.corrected += 1;
            self.added[index].seen_alone = seen_alone;
            self.think().await;
            self.get(Page::Records, to).await;
        }
    }

    fn token_of(&mut self, page: Page, form: &str, path: &str) -> Option<String> {
        let token = csrf_token(form).map(str::to_string);
        if token.is_none() {
            self.failed(page, "the form has no CSRF token".into(), path);
        }
        token
    }

    /// Asks for a page.
    async fn open(&mut self, page: Page, path: String) {
        self.get(page, path).await;
    }

    /// Asks for a page: its text when it answered 200 with one.
    async fn get(&mut self, page: Page, path: String) -> Option<String> {
        let request = self.client.get(format!("{}{path}", self.world.base));
        self.send(page, request, &path, Expect::Page, "")
            .await
            .map(|(body, _)| body)
    }

    /// Posts a form: where it sent the browser, when it answered 303 to an address
    /// starting with `to`.
    async fn post(
        &mut self,
        page: Page,
        path: String,
        fields: &[(&str, String)],
        to: &str,
    ) -> Option<String> {
        let request = self
            .client
            .post(format!("{}{path}", self.world.base))
            .form(fields);
        self.send(page, request, &path, Expect::RedirectTo, to)
            .await
            .and_then(|(_, location)| location)
    }

    /// Sends a request, times it to the last byte and records it (in the measured
    /// time) and any error (at any time).
    async fn send(
        &mut self,
        page: Page,
        request: reqwest::RequestBuilder,
        path: &str,
        expect: Expect,
        to: &str,
    ) -> Option<(String, Option<String>)> {
        let asked = Instant::now();
        let answer = match request.send().await {
            Ok(response) => {
                let status = response.status();
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .map(str::to_string);
                response.text().await.map(|body| (status, location, body))
            }
            Err(error) => Err(error),
        };
        let took = asked.elapsed();
        let measured = asked >= self.world.measure_from;
        if measured {
            self.figures
                .pages
                .entry(page)
                .or_default()
                .latencies
                .record(took);
        }
        let problem = match &answer {
            Err(error) if error.is_timeout() => Some("no answer within the timeout".to_string()),
            Err(error) => Some(format!("request failed: {}", without_url(error))),
            Ok((status, location, body)) => match expect {
                Expect::Page if *status != reqwest::StatusCode::OK => {
                    Some(describe(*status, location.as_deref(), body))
                }
                Expect::Page if body.is_empty() => Some("200 with an empty body".into()),
                Expect::RedirectTo
                    if *status != reqwest::StatusCode::SEE_OTHER
                        || !location.as_deref().is_some_and(|l| l.starts_with(to)) =>
                {
                    Some(describe(*status, location.as_deref(), body))
                }
                _ => None,
            },
        };
        match problem {
            Some(problem) => {
                self.failed(page, problem, path);
                None
            }
            None => answer.ok().map(|(_, location, body)| (body, location)),
        }
    }

    /// Records an error.
    fn failed(&mut self, page: Page, problem: String, path: &str) {
        let measured = Instant::now() >= self.world.measure_from;
        if measured {
            self.figures.pages.entry(page).or_default().errors += 1;
        }
        let kind = self
            .figures
            .errors
            .entry((page, problem))
            .or_insert_with(|| ErrorKind {
                count: 0,
                during_warmup: 0,
                example: path.to_string(),
            });
        kind.count += 1;
        if !measured {
            kind.during_warmup += 1;
        }
    }
}

/// A query string from pairs (empty when there are none).
fn query(pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let joined: Vec<String> = pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect();
    format!("?{}", joined.join("&"))
}

/// A transport error without the address (the same for every request of a kind).
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text
            .replace(&format!(" ({url})"), "")
            .replace(url.as_str(), "…");
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// An unexpected answer: its status, where it redirected to, and the page's title and
/// first error message if it has them.
fn describe(status: reqwest::StatusCode, location: Option<&str>, body: &str) -> String {
    let mut text = status.to_string();
    if let Some(location) = location {
        // The query (a saved record's key) differs every time.
        let location = location.split('?').next().unwrap_or(location);
        let _ = write!(text, " to {location}");
    }
    let between = |open: &str, close: &str| -> Option<String> {
        let start = body.find(open)? + open.len();
        let end = body[start..].find(close)?;
        Some(body[start..start + end].trim().to_string())
    };
    if let Some(title) = between("<title>", "</title>") {
        let _ = write!(text, ": {title}");
    }
    if let Some(summary) = body.find("app-error-summary") {
        let rest = &body[summary..];
        if let Some(start) = rest.find("<a href=\"#") {
            let rest = &rest[start..];
            if let (Some(open), Some(close)) = (rest.find('>'), rest.find("</a>")) {
                let _ = write!(text, " ({})", rest[open + 1..close].trim());
            }
        }
    }
    text
}

// ---------------------------------------------------------------- the report

/// Prints the figures and verdicts, writes the JSON file, and says whether the run
/// passed.
fn report(
    options: &Options,
    backend: &str,
    location: &Location,
    outcome: &Outcome,
) -> anyhow::Result<bool> {
    let figures = &outcome.figures;
    let seconds = outcome.measured.as_secs_f64();
    println!();
    println!(
        "{:<10} {:<34} {:>8} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "page (ms)", "request", "count", "errors", "mean", "p50", "p95", "p99", "max"
    );
    let mut total = 0;
    for (page, f) in &figures.pages {
        let l = &f.latencies;
        total += l.count();
        println!(
            "{:<10} {:<34} {:>8} {:>6} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
            page.name(),
            page.route(),
            l.count(),
            f.errors,
            l.mean_ms(),
            l.percentile_ms(50.0),
            l.percentile_ms(95.0),
            l.percentile_ms(99.0),
            l.max_ms(),
        );
    }
    let rate = total as f64 / seconds;
    println!(
        "throughput: {rate:.1} requests a second ({:.2} a session a minute) from {} sessions over {seconds:.0} s",
        rate * 60.0 / outcome.sessions as f64,
        outcome.sessions,
    );
    if let Some(cpu) = outcome.cpu_seconds {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        println!(
            "cpu: this process used {cpu:.0} s of CPU over the {seconds:.0} s measured ({:.0}% of {cores} cores; {:.1} ms a request); the machine's load average at the end: {}",
            cpu / seconds / cores as f64 * 100.0,
            cpu * 1_000.0 / total.max(1) as f64,
            load_average().unwrap_or_else(|| "unknown".into())
        );
    }
    if options.traffic == Traffic::Staff {
        println!(
            "forms: {} visits recorded, {} corrected (warm-up included)",
            figures.added, figures.corrected
        );
    }

    let errors = figures.error_count();
    let mut passed = true;
    let mut verdicts = Vec::new();
    if errors == 0 {
        verdicts.push("errors: PASS (none)".to_string());
    } else {
        passed = false;
        println!("errors ({errors}, warm-up included):");
        for ((page, problem), kind) in &figures.errors {
            println!(
                "  {} × {} {}: {problem} (e.g. {}){}",
                kind.count,
                page.name(),
                page.route(),
                kind.example,
                if kind.during_warmup > 0 {
                    format!(", {} during the warm-up", kind.during_warmup)
                } else {
                    String::new()
                }
            );
        }
        verdicts.push(format!("errors: FAIL ({errors})"));
    }

    let verdict = memory::judge(
        &outcome.memory,
        outcome.measured_span,
        options.rss_ratio,
        options.rss_slack_mib,
    );
    match &verdict {
        Some(m) => {
            println!(
                "memory (resident, this process): {:.0} MiB in the first minute after the warm-up, {:.0} MiB in the last (means), {:.0} MiB at most, slope {:+.2} MiB a minute ({} samples)",
                m.start_mib,
                m.end_mib,
                m.max_mib,
                m.slope_mib_per_min,
                outcome.memory.len()
            );
            passed &= m.flat;
            verdicts.push(format!(
                "memory: {} (end {:.0} MiB, limit {} × {:.0} + {} = {:.0} MiB)",
                if m.flat { "PASS" } else { "FAIL" },
                m.end_mib,
                options.rss_ratio,
                m.start_mib,
                options.rss_slack_mib,
                m.limit_mib
            ));
        }
        None => println!("memory: not sampled (no /proc/self/status, or too short a run)"),
    }

    let target = options.target_ms.or(match options.traffic {
        Traffic::Pair => Some(50),
        Traffic::Staff => None,
    });
    let mut targets = Vec::new();
    if let Some(target) = target {
        for page in [Page::Home, Page::Child] {
            let Some(f) = figures.pages.get(&page) else {
                bail!("no {} request finished in the time measured", page.name());
            };
            let p95 = f.latencies.percentile_ms(95.0);
            let pass = p95 < target as f64;
            passed &= pass;
            targets.push((page, p95, pass));
            verdicts.push(format!(
                "{} {}: {} (p95 {p95:.1} ms, target under {target} ms)",
                page.name(),
                page.route(),
                if pass { "PASS" } else { "FAIL" }
            ));
        }
    }
    for verdict in &verdicts {
        println!("{verdict}");
    }
    println!("{}", if passed { "PASS" } else { "FAIL" });

    if let Some(out) = &options.out {
        let json = json(
            options,
            backend,
            location,
            outcome,
            rate,
            verdict.as_ref(),
            target,
            passed,
        );
        std::fs::write(out, json).with_context(|| format!("cannot write {}", out.display()))?;
        println!("results written to {}", out.display());
    }
    Ok(passed)
}

/// The machine's load averages over 1, 5 and 15 minutes.
fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(
        text.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The results as JSON.
#[allow(clippy::too_many_arguments)]
fn json(
    options: &Options,
    backend: &str,
    location: &Location,
    outcome: &Outcome,
    rate: f64,
    memory: Option<&MemoryVerdict>,
    target: Option<u64>,
    passed: bool,
) -> String {
    let figures = &outcome.figures;
    let mut out = String::from("{\n");
    let field = |out: &mut String, name: &str, value: String| {
        let _ = writeln!(out, "  {}: {value},", string(name));
    };
    field(&mut out, "date", string(&today().to_string()));
    field(&mut out, "database", string(backend));
    field(&mut out, "location", string(&location.to_string()));
    field(
        &mut out,
        "traffic",
        string(match options.traffic {
            Traffic::Pair => "pair",
            Traffic::Staff => "staff",
        }),
    );
    field(&mut out, "children", options.children.to_string());
    field(&mut out, "years", options.years.to_string());
    field(&mut out, "sessions", outcome.sessions.to_string());
    field(&mut out, "think_ms", options.think_ms.to_string());
    field(&mut out, "warmup_s", options.warmup.as_secs().to_string());
    field(
        &mut out,
        "duration_s",
        outcome.measured.as_secs().to_string(),
    );
    field(
        &mut out,
        "sign_in_s",
        format!("{:.2}", outcome.sign_in.as_secs_f64()),
    );
    field(&mut out, "requests_per_second", format!("{rate:.2}"));
    field(
        &mut out,
        "cpu_seconds",
        outcome
            .cpu_seconds
            .map_or("null".into(), |c| format!("{c:.1}")),
    );
    field(
        &mut out,
        "load_average",
        load_average().map_or("null".into(), |l| string(&l)),
    );
    field(&mut out, "visits_added", figures.added.to_string());
    field(&mut out, "visits_corrected", figures.corrected.to_string());
    field(&mut out, "errors", figures.error_count().to_string());
    field(
        &mut out,
        "target_p95_ms",
        target.map_or("null".into(), |t| t.to_string()),
    );
    let pages: Vec<String> = figures
        .pages
        .iter()
        .map(|(page, f)| {
            let l = &f.latencies;
            format!(
                "    {{\"page\": {}, \"request\": {}, \"count\": {}, \"errors\": {}, \"mean_ms\": {:.2}, \"p50_ms\": {:.2}, \"p95_ms\": {:.2}, \"p99_ms\": {:.2}, \"max_ms\": {:.2}}}",
                string(page.name()),
                string(page.route()),
                l.count(),
                f.errors,
                l.mean_ms(),
                l.percentile_ms(50.0),
                l.percentile_ms(95.0),
                l.percentile_ms(99.0),
                l.max_ms()
            )
        })
        .collect();
    field(&mut out, "pages", format!("[\n{}\n  ]", pages.join(",\n")));
    let errors: Vec<String> = figures
        .errors
        .iter()
        .map(|((page, problem), kind)| {
            format!(
                "    {{\"page\": {}, \"error\": {}, \"count\": {}, \"during_warmup\": {}, \"example\": {}}}",
                string(page.name()),
                string(problem),
                kind.count,
                kind.during_warmup,
                string(&kind.example)
            )
        })
        .collect();
    field(
        &mut out,
        "error_kinds",
        if errors.is_empty() {
            "[]".into()
        } else {
            format!("[\n{}\n  ]", errors.join(",\n"))
        },
    );
    let samples: Vec<String> = outcome
        .memory
        .iter()
        .map(|s| format!("[{:.1}, {:.1}]", s.at, s.rss_mib))
        .collect();
    let memory = match memory {
        Some(m) => format!(
            "{{\"start_mib\": {:.1}, \"end_mib\": {:.1}, \"max_mib\": {:.1}, \"slope_mib_per_min\": {:.3}, \"limit_mib\": {:.1}, \"ratio\": {}, \"slack_mib\": {}, \"flat\": {}, \"samples_s_mib\": [{}]}}",
            m.start_mib,
            m.end_mib,
            m.max_mib,
            m.slope_mib_per_min,
            m.limit_mib,
            options.rss_ratio,
            options.rss_slack_mib,
            m.flat,
            samples.join(", ")
        ),
        None => "null".into(),
    };
    field(&mut out, "memory", memory);
    let _ = writeln!(out, "  \"passed\": {passed}\n}}");
    out
}

/// A JSON string.
fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_with_or_without_a_unit() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3_600)));
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5d").is_err());
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(string("a \"b\"\\\n\u{1f}"), r#""a \"b\"\\\n\u001f""#);
    }

    #[test]
    fn every_role_has_a_mix() {
        for role in Role::ALL {
            assert!(weights(*role).iter().map(|(_, w)| w).sum::<u32>() > 0);
        }
    }
}
