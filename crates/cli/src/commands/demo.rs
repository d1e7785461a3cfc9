//! `permanence demo`: a synthetic borough (903 returns and the tracker's records),
//! imported through the real imports into a fresh database, a summary of it, one demo
//! account per role (linked to the synthetic staff whose work shows best in that role),
//! and the web application served on it.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use permanence_domain::CollectionYear;
use permanence_store::Location;
use permanence_synth::SynthConfig;

use std::collections::BTreeMap;

use permanence_domain::date::format_dmy;
use permanence_domain::tracker::StaffRole;
use permanence_rules::{Finding, Role as RuleRole, Status};
use permanence_store::NewUser;
use permanence_web::auth::{Role, hash_password};

use super::{actor, load_journeys, summary::population_summary, today};
use crate::cli::{DemoArgs, ImportArgs, ImportTrackerArgs, ServeArgs};
use crate::output::{Cell, TextTable};

/// Marks a folder as the demo's own, so that rebuilding it never deletes anything else.
const MARKER: &str = ".permanence-demo";

/// Years of history the demo holds.
const DEMO_YEARS: i16 = 6;

pub(crate) fn run(
    args: &DemoArgs,
    policy_path: Option<&Path>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let policy = super::policy::load(policy_path)?;
    prepare_folder(&args.dir)?;
    let today = today();
    let last_year = CollectionYear::containing(today);
    let first_year = CollectionYear(last_year.0 - (DEMO_YEARS - 1));
    let returns = args.dir.join("903");
    let db = Location::Sqlite(args.dir.join("permanence.db"));
    writeln!(
        out,
        "Building a synthetic borough: {} fictional children, {first_year} to {last_year} ...",
        args.children
    )?;
    let config = SynthConfig {
        children: args.children,
        seed: args.seed,
        first_year,
        last_year,
    };
    permanence_synth::write_borough_as_at(&config, today, &returns)?;
    super::import::run(
        &db,
        &ImportArgs {
            paths: vec![returns.clone()],
            year: None,
            dry_run: false,
        },
        out,
    )?;
    // The synthetic tracker records, through the same import as a council's.
    let tracker = returns.join("tracker");
    if tracker.is_dir() {
        writeln!(out)?;
        super::tracker::import(
            &db,
            &ImportTrackerArgs {
                paths: vec![tracker],
                dry_run: false,
                reason: Some("synthetic demo data".to_string()),
            },
            out,
        )?;
    }
    let store = db.open()?;
    let journeys = load_journeys(&*store)?;
    writeln!(out)?;
    write!(out, "{}", population_summary(&journeys, today))?;
    let findings = super::evaluate(&*store, &journeys, &policy, today)?;
    let mut by_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for finding in &findings {
        let counts = by_rule.entry(finding.rule).or_default();
        match finding.status {
            Status::Overdue => counts.0 += 1,
            _ => counts.1 += 1,
        }
    }
    let mut table = TextTable::new(
        ["Drift rule", "What", "Overdue", "Due soon or to check"]
            .map(String::from)
            .to_vec(),
    );
    for (rule, (overdue, other)) in by_rule {
        let title = permanence_rules::find_rule(rule)
            .map(|r| r.info().title)
            .unwrap_or_default();
        table.push(vec![
            Cell::text(rule),
            Cell::text(title),
            Cell::number(overdue),
            Cell::number(other),
        ]);
    }
    writeln!(
        out,
        "\nDrift found on {}:\n{}",
        format_dmy(today),
        table.render()
    )?;
    drop(store);
    let logins = add_demo_users(&db, &findings)?;
    writeln!(out)?;
    writeln!(
        out,
        "The demo database is {}. From the command line, try:",
        db
    )?;
    writeln!(out, "  export PERMANENCE_DB={}", db)?;
    writeln!(out, "  cargo run --release -- alerts")?;
    writeln!(out, "  cargo run --release -- children --looked-after")?;
    if let Some(finding) = findings.first() {
        writeln!(out, "  cargo run --release -- child {}", finding.child)?;
    }
    writeln!(
        out,
        "\nDemo accounts (passwords made for this run only; fictional staff):\n{}",
        logins.render()
    )?;
    if args.no_serve {
        return Ok(());
    }
    writeln!(out)?;
    super::serve::run(
        &db,
        policy_path,
        &ServeArgs {
            addr: args.addr,
            // The demo is served on this computer over plain HTTP.
            insecure_cookies: true,
            trusted_proxies: Vec::new(),
        },
        out,
    )
}

/// One account per role, each linked to the synthetic member of staff whose work the
/// role shows best: the social worker owning most alerts, their managers up the line,
/// the IRO with most alerts and their manager, a fostering or adoption worker, and
/// accounts with no caseload for the analyst and the administrator. Returns the table
/// of logins to print.
fn add_demo_users(db: &Location, findings: &[Finding]) -> anyhow::Result<TextTable> {
    let mut store = db.open()?;
    let (organisation, _) = permanence_store::load_tracker(&*store)?;
    let most_alerts = |role: RuleRole| -> Option<String> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for finding in findings.iter().filter(|f| f.owner_role == role) {
            if let Some(owner) = &finding.owner {
                *counts.entry(owner).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .max_by_key(|(id, count)| (*count, std::cmp::Reverse(*id)))
            .map(|(id, _)| id.to_string())
    };
    let above = |id: Option<&String>, role: StaffRole| -> Option<String> {
        organisation
            .management_line(id?)
            .into_iter()
            .find(|p| p.role == role)
            .map(|p| p.id.clone())
    };
    let first_with = |roles: &[StaffRole]| {
        organisation
            .people
            .iter()
            .find(|p| roles.contains(&p.role))
            .map(|p| p.id.clone())
    };
    let worker = most_alerts(RuleRole::SocialWorker);
    let team_manager = above(worker.as_ref(), StaffRole::TeamManager);
    let service_manager = above(worker.as_ref(), StaffRole::ServiceManager);
    let head_of_service = above(worker.as_ref(), StaffRole::HeadOfService);
    let iro = most_alerts(RuleRole::Iro);
    let iro_manager = above(iro.as_ref(), StaffRole::IroManager);
    let staff: [(Role, Option<String>); 9] = [
        (Role::SocialWorker, worker),
        (Role::TeamManager, team_manager),
        (Role::ServiceManager, service_manager),
        (Role::HeadOfService, head_of_service),
        (Role::Iro, iro),
        (Role::IroManager, iro_manager),
        (
            Role::FosteringAdoptionWorker,
            first_with(&[StaffRole::FosteringWorker, StaffRole::AdoptionWorker]),
        ),
        (
            Role::PerformanceAnalyst,
            first_with(&[StaffRole::PerformanceAnalyst]),
        ),
        (Role::Administrator, None),
    ];
    let mut table = TextTable::new(
        ["Role", "Username", "Password", "Signs in as"]
            .map(String::from)
            .to_vec(),
    );
    for (role, staff_id) in staff {
        let person = staff_id.as_deref().and_then(|id| organisation.person(id));
        let name = person.map_or_else(|| format!("Demo {}", role.label()), |p| p.name.clone());
        let password = demo_password();
        let hash = hash_password(&password).map_err(|e| anyhow::anyhow!("cannot hash: {e}"))?;
        store.add_user(&NewUser {
            username: role.code(),
            display_name: &name,
            role: role.code(),
            staff_id: staff_id.as_deref(),
            password_hash: &hash,
        })?;
        table.push(vec![
            Cell::text(role.label()),
            Cell::text(role.code()),
            Cell::text(&password),
            Cell::text(&match &staff_id {
                Some(id) => format!("{name} ({id})"),
                None => name,
            }),
        ]);
    }
    store.audit(&actor(), "add_user", None, "demo accounts, one per role")?;
    Ok(table)
}

/// A password for a demo account: 16 letters and digits, easy to copy.
fn demo_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Empties the demo folder, or creates it; refuses a folder that is not the demo's.
fn prepare_folder(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let is_demo = dir.join(MARKER).exists();
        let is_empty = std::fs::read_dir(dir)?.next().is_none();
        if !is_demo && !is_empty {
            bail!(
                "{} already exists and is not a demo folder; choose another with --dir",
                dir.display()
            );
        }
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot empty {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(
        dir.join(MARKER),
        "Built by `permanence demo`; rebuilt on every run.\n",
    )?;
    Ok(())
}
