//! The security suite. One table of every route ([`table`]), checked against the
//! router's own source so that a route added without a row fails
//! ([`the_table_holds_every_route_the_router_registers`]), drives:
//!
//! - every route against every role, signed out and signed in, allowed and refused, with
//!   the audit entries each answer must (and must not) write and the security headers on
//!   every response;
//! - CSRF on every state-changing route: no token, a wrong one, another session's, and
//!   nothing written; then the right one, and the change audited;
//! - SQL injection, path traversal and markup in every path parameter, query parameter
//!   and form field, and what people typed escaped on every page and defused in every
//!   download;
//! - every method a route does not have refused, and the audit log only ever growing.
//!
//! Beside them: session fixation, sign-out, idle and absolute expiry and the cookies'
//! attributes; the headers of every kind of error and HSTS when served over HTTPS; login
//! throttling by username and by address.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use permanence_domain::date::{add_days, format_dmy};
use permanence_domain::tracker::{AllocationRole, StaffRole};
use permanence_rules::Status;
use permanence_store::{Alert, Alerts};
use permanence_tracker::{Kind, RawRecord};
use permanence_web::auth::Role::*;
use permanence_web::auth::{LOGIN_CSRF_COOKIE, Reach, SESSION_COOKIE, token_hash};
use reqwest::Method;

use crate::common::*;

// ---------------------------------------------------------------- who may do what

/// Everyone who reads children's records (all but administrators).
const READERS: &[Role] = &[
    SocialWorker,
    TeamManager,
    ServiceManager,
    HeadOfService,
    Iro,
    IroManager,
    FosteringAdoptionWorker,
    PerformanceAnalyst,
];
const EVERYONE: &[Role] = Role::ALL;
const AUDITORS: &[Role] = &[Administrator, ServiceManager, HeadOfService];
const OVERSIGHT: &[Role] = &[
    TeamManager,
    ServiceManager,
    HeadOfService,
    PerformanceAnalyst,
];
/// IRO oversight: an IRO (their own caseload), IRO managers and heads of service.
const IRO_OVERSIGHT: &[Role] = &[Iro, IroManager, HeadOfService];
const EVERY_IRO: &[Role] = &[IroManager, HeadOfService];
const REPORTS: &[Role] = &[
    TeamManager,
    ServiceManager,
    HeadOfService,
    PerformanceAnalyst,
    Iro,
    IroManager,
];
const EXPORTS: &[Role] = &[PerformanceAnalyst, HeadOfService];
const FOSTERING: &[Role] = &[
    FosteringAdoptionWorker,
    TeamManager,
    ServiceManager,
    HeadOfService,
    PerformanceAnalyst,
];
/// Who may change the casework of the fixture's own child: its social worker's team,
/// their manager's span, and those who reach every child.
const CASEWORK: &[Role] = &[SocialWorker, TeamManager, ServiceManager, HeadOfService];
/// Who may change the casework of a child out of the linked staff's reach.
const EVERY_CHILD: &[Role] = &[ServiceManager, HeadOfService];
const REFERENCE_DATA: &[Role] = &[Administrator];
/// Who may record a management decision on the fixture's alert: the team manager whose
/// span holds it (a decision names who made it, so managers without a staff id may not).
const DECIDERS: &[Role] = &[TeamManager];

/// The children list's query parameters (`pages::children::ListQuery`).
const CHILDREN_QUERY: &[&str] = &[
    "q",
    "looked_after",
    "team",
    "worker",
    "iro",
    "legal_status",
    "placement",
    "age",
    "time_in_care",
    "rule",
    "plan",
    "sort",
    "order",
    "page",
];
const AUDIT_QUERY: &[&str] = &["child", "actor", "from", "to", "page"];
const TEAMS_QUERY: &[&str] = &["team", "category", "page"];
const PANELS_QUERY: &[&str] = &["panel", "from", "to", "page"];
const FIGURE_QUERY: &[&str] = &["table", "row", "column", "headline"];

/// The pseudonym key configured for the de-identified export.
const EXPORT_KEY: &str = "the council's secret pseudonym key for the security suite, 42";

/// `Strict-Transport-Security` as sent when served over HTTPS.
const HSTS: &str = "max-age=31536000; includeSubDomains";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verb {
    Get,
    Post,
}

/// Who may use a route.
#[derive(Debug, Clone, Copy)]
enum Who {
    /// Anyone, signed in or not.
    Anyone,
    /// These roles, signed in: every other role is refused (403), and a request without
    /// a session is sent to the login page.
    Roles(&'static [Role]),
}

/// What an allowed request writes to the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audit {
    Nothing,
    /// A read of the case's child's record, with this action.
    Child(&'static str),
    /// A download (`export_…`), about no one child.
    Download,
    /// Opening the audit log (`view_audit`).
    LogViewed,
}

/// One route of the application, as a request in the fixture's borough.
#[derive(Debug, Clone)]
struct Case {
    verb: Verb,
    /// The route as the router registers it.
    pattern: &'static str,
    /// The pattern with its parameters filled in.
    path: String,
    who: Who,
    /// The query parameters the handler reads.
    query: Vec<&'static str>,
    /// The form fields the handler reads (POST).
    form: Vec<&'static str>,
    /// A form that is saved when sent with the right token (POST): the CSRF test's and
    /// the injection test's starting point. An edit's `base` is looked up when sent.
    valid: Vec<(&'static str, String)>,
    /// The record a correction changes, for its current version (`base`).
    edits: Option<(Kind, String)>,
    audit: Audit,
    /// The child whose record the route shows or changes.
    child: Option<String>,
}

impl Case {
    fn new(verb: Verb, pattern: &'static str, path: String, who: Who) -> Case {
        Case {
            verb,
            pattern,
            path,
            who,
            query: Vec::new(),
            form: Vec::new(),
            valid: Vec::new(),
            edits: None,
            audit: Audit::Nothing,
            child: None,
        }
    }

    fn query(mut self, names: &[&'static str]) -> Case {
        self.query = names.to_vec();
        self
    }

    fn audit(mut self, audit: Audit) -> Case {
        self.audit = audit;
        self
    }

    fn child(mut self, child: &str) -> Case {
        self.child = Some(child.to_string());
        self
    }

    fn form(mut self, fields: Vec<&'static str>, valid: Vec<(&'static str, String)>) -> Case {
        self.form = fields;
        self.valid = valid;
        self
    }

    fn allows(&self, role: Role) -> bool {
        match self.who {
            Who::Anyone => true,
            Who::Roles(roles) => roles.contains(&role),
        }
    }

    /// The role the injection and CSRF tests use: a head of service when allowed (they
    /// reach every child), else the first role allowed.
    fn user(&self) -> Option<Role> {
        match self.who {
            Who::Anyone => None,
            Who::Roles(roles) if roles.contains(&HeadOfService) => Some(HeadOfService),
            Who::Roles(roles) => roles.first().copied(),
        }
    }

    fn context(&self, role: Option<Role>) -> String {
        format!("{role:?} {:?} {}", self.verb, self.path)
    }
}

fn get(pattern: &'static str, path: impl Into<String>, who: Who) -> Case {
    Case::new(Verb::Get, pattern, path.into(), who)
}

fn post(pattern: &'static str, path: impl Into<String>, who: Who) -> Case {
    Case::new(Verb::Post, pattern, path.into(), who)
}

/// The pattern with its `{parameters}` replaced by these values, percent-encoded.
fn fill(pattern: &str, values: &[&str]) -> String {
    let mut values = values.iter();
    let path = pattern
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                encode(values.next().expect("a value for every parameter"))
            } else {
                segment.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    assert!(values.next().is_none(), "{pattern}: too many values");
    path
}

/// A tracker form's fields: the template's columns, the version it was opened on, the
/// reason for a correction and the token.
fn record_fields(kind: Kind) -> Vec<&'static str> {
    kind.template()
        .columns
        .iter()
        .map(|c| c.name)
        .chain(["base", "reason", "csrf_token"])
        .collect()
}

fn columns(kind: Kind) -> Vec<&'static str> {
    kind.template().columns.iter().map(|c| c.name).collect()
}

/// Every value of a record as form fields, with some replaced and lists left out.
fn values_of(record: &RawRecord, replace: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    record
        .template()
        .columns
        .iter()
        .filter(|c| c.name != "PARALLEL")
        .map(|c| {
            let value = replace
                .iter()
                .find(|(name, _)| *name == c.name)
                .map_or(record.field(c.name), |(_, value)| value);
            (c.name, value.to_string())
        })
        .collect()
}

/// Every route of the application, each as a request in the fixture's borough with who
/// may make it (`docs/access.md`), what it reads and what it audits. A pattern may have
/// several rows (the same route for a child in and out of the user's reach).
fn table(f: &Fixture) -> Vec<Case> {
    use Who::{Anyone, Roles};
    let own = f.own.as_str();
    let other = f.other.as_str();
    let alert = f.alert.id.to_string();
    let alert_child = f.alert.child.as_str();
    let plan_key = f.plan.key();
    let worker = f.worker.as_str();
    let report = format!("/reports/monthly/{}", f.period);
    let figure = "headline=looked_after_at_period_end";
    let plans = "permanence_plans";
    let new_plan = |child: &str| {
        vec![
            ("base", String::new()),
            ("DECIDED", format_dmy(f.app.free_plan_day(child))),
            ("FORUM", "review".to_string()),
            ("PRIMARY", "adoption".to_string()),
        ]
    };
    let primary = if f.plan.field("PRIMARY") == "long_term_fostering" {
        "residential"
    } else {
        "long_term_fostering"
    };
    let mut plan_correction = values_of(&f.plan, &[("PRIMARY", primary), ("CONTINGENCY", "")]);
    plan_correction.push(("reason", "Corrected in the security suite".into()));
    let mut person_correction = values_of(&f.person, &[("NAME", "Sam Renamed")]);
    person_correction.push(("reason", "Corrected in the security suite".into()));
    let due = format_dmy(add_days(today(), 14));
    let decision_owner = f.alert.owner.clone().unwrap_or_else(|| f.manager.clone());
    vec![
        // Signing in and out.
        get("/login", "/login", Anyone),
        post("/login", "/login", Anyone).form(
            vec!["username", "password", "csrf_token"],
            vec![
                ("username", "head_of_service".into()),
                ("password", PASSWORD.into()),
            ],
        ),
        post("/logout", "/logout", Roles(EVERYONE)).form(vec!["csrf_token"], Vec::new()),
        // Open to everyone.
        get("/accessibility", "/accessibility", Anyone),
        get("/assets/app.css", "/assets/app.css", Anyone),
        get("/assets/report.css", "/assets/report.css", Anyone),
        // Home, children, a child.
        get("/", "/", Roles(EVERYONE)).query(&["all"]),
        get("/children", "/children", Roles(READERS)).query(CHILDREN_QUERY),
        get("/children.csv", "/children.csv", Roles(READERS))
            .query(CHILDREN_QUERY)
            .audit(Audit::Download),
        get(
            "/children/{id}",
            fill("/children/{id}", &[own]),
            Roles(READERS),
        )
        .audit(Audit::Child("view_child"))
        .child(own),
        // Alerts.
        get(
            "/alerts/{id}",
            fill("/alerts/{id}", &[&alert]),
            Roles(READERS),
        )
        .query(&["saved"])
        .audit(Audit::Child("view_child"))
        .child(alert_child),
        get(
            "/alerts/{id}/decision",
            fill("/alerts/{id}/decision", &[&alert]),
            Roles(DECIDERS),
        )
        .audit(Audit::Child("view_child"))
        .child(alert_child),
        post(
            "/alerts/{id}/decision",
            fill("/alerts/{id}/decision", &[&alert]),
            Roles(DECIDERS),
        )
        .form(
            vec!["decision", "owner", "due", "csrf_token"],
            vec![
                ("decision", "Book the review with the IRO this week".into()),
                ("owner", decision_owner),
                ("due", due),
            ],
        )
        .child(alert_child),
        // A child's records.
        get(
            "/children/{id}/records",
            fill("/children/{id}/records", &[own]),
            Roles(READERS),
        )
        .query(&["saved"])
        .audit(Audit::Child("view_child_records"))
        .child(own),
        // The empty form shows nothing of the record but the child's id: not audited.
        get(
            "/children/{id}/records/{kind}/new",
            fill("/children/{id}/records/{kind}/new", &[own, plans]),
            Roles(CASEWORK),
        )
        .query(&columns(Kind::PermanencePlan))
        .child(own),
        get(
            "/children/{id}/records/{kind}/new",
            fill("/children/{id}/records/{kind}/new", &[other, plans]),
            Roles(EVERY_CHILD),
        )
        .child(other),
        post(
            "/children/{id}/records/{kind}",
            fill("/children/{id}/records/{kind}", &[own, plans]),
            Roles(CASEWORK),
        )
        .form(record_fields(Kind::PermanencePlan), new_plan(own))
        .child(own),
        post(
            "/children/{id}/records/{kind}",
            fill("/children/{id}/records/{kind}", &[other, plans]),
            Roles(EVERY_CHILD),
        )
        .form(record_fields(Kind::PermanencePlan), new_plan(other))
        .child(other),
        get(
            "/children/{id}/records/{kind}/{key}/edit",
            fill(
                "/children/{id}/records/{kind}/{key}/edit",
                &[own, plans, &plan_key],
            ),
            Roles(CASEWORK),
        )
        .audit(Audit::Child("view_record"))
        .child(own),
        Case {
            edits: Some((Kind::PermanencePlan, plan_key.clone())),
            ..post(
                "/children/{id}/records/{kind}/{key}/edit",
                fill(
                    "/children/{id}/records/{kind}/{key}/edit",
                    &[own, plans, &plan_key],
                ),
                Roles(CASEWORK),
            )
            .form(record_fields(Kind::PermanencePlan), plan_correction)
            .child(own)
        },
        get(
            "/children/{id}/records/{kind}/{key}/history",
            fill(
                "/children/{id}/records/{kind}/{key}/history",
                &[own, plans, &plan_key],
            ),
            Roles(READERS),
        )
        .audit(Audit::Child("view_record_history"))
        .child(own),
        // The organisation's records: reference data is the administrators'.
        get("/records", "/records", Roles(EVERYONE)),
        get("/records/{kind}", "/records/people", Roles(EVERYONE)).query(&["saved"]),
        get(
            "/records/{kind}",
            "/records/supervision_sessions",
            Roles(READERS),
        ),
        post("/records/{kind}", "/records/people", Roles(REFERENCE_DATA)).form(
            record_fields(Kind::Person),
            vec![
                ("base", String::new()),
                ("ID", "SEC0001".into()),
                ("NAME", "Sam Security".into()),
                ("ROLE", "social_worker".into()),
            ],
        ),
        get(
            "/records/{kind}/new",
            "/records/people/new",
            Roles(REFERENCE_DATA),
        )
        .query(&columns(Kind::Person)),
        get(
            "/records/{kind}/{key}/edit",
            fill("/records/{kind}/{key}/edit", &["people", worker]),
            Roles(REFERENCE_DATA),
        ),
        Case {
            edits: Some((Kind::Person, worker.to_string())),
            ..post(
                "/records/{kind}/{key}/edit",
                fill("/records/{kind}/{key}/edit", &["people", worker]),
                Roles(REFERENCE_DATA),
            )
            .form(record_fields(Kind::Person), person_correction)
        },
        get(
            "/records/{kind}/{key}/history",
            fill("/records/{kind}/{key}/history", &["people", worker]),
            Roles(EVERYONE),
        ),
        // A record about no one child that hangs off a child's: reading it is reading
        // that child's record.
        get(
            "/records/{kind}/{key}/history",
            fill(
                "/records/{kind}/{key}/history",
                &["iro_challenge_steps", &f.step.0],
            ),
            Roles(READERS),
        )
        .audit(Audit::Child("view_record_history"))
        .child(&f.step.1),
        // Teams and drift.
        get("/teams", "/teams", Roles(OVERSIGHT)).query(TEAMS_QUERY),
        get("/teams.csv", "/teams.csv", Roles(OVERSIGHT))
            .query(TEAMS_QUERY)
            .audit(Audit::Download),
        get("/teams/workers.csv", "/teams/workers.csv", Roles(OVERSIGHT))
            .query(TEAMS_QUERY)
            .audit(Audit::Download),
        get(
            "/teams/{team}",
            fill("/teams/{team}", &[&f.team]),
            Roles(OVERSIGHT),
        ),
        get(
            "/teams/{team}/alerts.csv",
            fill("/teams/{team}/alerts.csv", &[&f.team]),
            Roles(OVERSIGHT),
        )
        .audit(Audit::Download),
        get("/drift", "/drift", Roles(OVERSIGHT)).query(TEAMS_QUERY),
        get("/drift.csv", "/drift.csv", Roles(OVERSIGHT))
            .query(TEAMS_QUERY)
            .audit(Audit::Download),
        // IROs: the IRO account is linked to the own child's IRO.
        get("/iro", "/iro", Roles(IRO_OVERSIGHT)),
        get("/iro.csv", "/iro.csv", Roles(IRO_OVERSIGHT)).audit(Audit::Download),
        get(
            "/iro/{staff}",
            fill("/iro/{staff}", &[&f.iro]),
            Roles(IRO_OVERSIGHT),
        ),
        get(
            "/iro/{staff}",
            fill("/iro/{staff}", &[&f.other_iro]),
            Roles(EVERY_IRO),
        ),
        get(
            "/iro/{staff}/children.csv",
            fill("/iro/{staff}/children.csv", &[&f.iro]),
            Roles(IRO_OVERSIGHT),
        )
        .audit(Audit::Download),
        get(
            "/iro/{staff}/challenges.csv",
            fill("/iro/{staff}/challenges.csv", &[&f.iro]),
            Roles(IRO_OVERSIGHT),
        )
        .audit(Audit::Download),
        // Panels.
        get("/panels", "/panels", Roles(READERS)).query(PANELS_QUERY),
        get("/panels.csv", "/panels.csv", Roles(READERS))
            .query(PANELS_QUERY)
            .audit(Audit::Download),
        get(
            "/panels/decisions.csv",
            "/panels/decisions.csv",
            Roles(READERS),
        )
        .query(PANELS_QUERY)
        .audit(Audit::Download),
        get(
            "/panels/overlaps.csv",
            "/panels/overlaps.csv",
            Roles(READERS),
        )
        .query(PANELS_QUERY)
        .audit(Audit::Download),
        // Reports.
        get("/reports", "/reports", Roles(REPORTS)).query(&["kind", "period"]),
        get("/reports/{kind}/{period}", report.clone(), Roles(REPORTS)),
        get(
            "/reports/{kind}/{period}/report.html",
            format!("{report}/report.html"),
            Roles(REPORTS),
        )
        .audit(Audit::Download),
        get(
            "/reports/{kind}/{period}/children",
            format!("{report}/children?{figure}"),
            Roles(REPORTS),
        )
        .query(FIGURE_QUERY),
        get(
            "/reports/{kind}/{period}/children.csv",
            format!("{report}/children.csv?{figure}"),
            Roles(REPORTS),
        )
        .query(FIGURE_QUERY)
        .audit(Audit::Download),
        get(
            "/reports/{kind}/{period}/{table}",
            format!("{report}/headlines.csv"),
            Roles(REPORTS),
        )
        .audit(Audit::Download),
        // Exports.
        get("/exports", "/exports", Roles(EXPORTS)),
        get(
            "/exports/annex-a.xlsx",
            "/exports/annex-a.xlsx",
            Roles(EXPORTS),
        )
        .query(&["as_of"])
        .audit(Audit::Download),
        get(
            "/exports/deidentified/{file}",
            fill(
                "/exports/deidentified/{file}",
                &[permanence_exports::deidentified::MANIFEST],
            ),
            Roles(EXPORTS),
        )
        .audit(Audit::Download),
        // Fostering.
        get("/fostering", "/fostering", Roles(FOSTERING)),
        get(
            "/fostering/households.csv",
            "/fostering/households.csv",
            Roles(FOSTERING),
        )
        .audit(Audit::Download),
        get(
            "/fostering/gaps.csv",
            "/fostering/gaps.csv",
            Roles(FOSTERING),
        )
        .audit(Audit::Download),
        get(
            "/fostering/households/{id}",
            fill("/fostering/households/{id}", &[&f.household]),
            Roles(FOSTERING),
        ),
        get(
            "/children/{id}/matching",
            fill("/children/{id}/matching", &[own]),
            Roles(FOSTERING),
        )
        .audit(Audit::Child("view_child"))
        .child(own),
        // The audit log.
        get("/audit", "/audit", Roles(AUDITORS))
            .query(AUDIT_QUERY)
            .audit(Audit::LogViewed),
        get("/audit.csv", "/audit.csv", Roles(AUDITORS))
            .query(AUDIT_QUERY)
            .audit(Audit::Download),
    ]
}

// ---------------------------------------------------------------- the fixture

/// The test borough with accounts linked so that every rule of the access table has a
/// case on each side: the social worker's, team manager's and IRO's accounts are linked
/// to the worker, manager and IRO of one child (`own`, which has a permanence plan), the
/// team manager's span holds an open overdue alert, and `other` is a child out of all
/// three's reach.
struct Fixture {
    app: TestApp,
    own: String,
    other: String,
    /// A permanence plan of the own child.
    plan: RawRecord,
    worker: String,
    /// The worker's record in the staff register.
    person: RawRecord,
    manager: String,
    iro: String,
    /// An IRO other than the linked one.
    other_iro: String,
    /// An open, overdue alert without a decision, in the manager's span.
    alert: Alert,
    team: String,
    household: String,
    /// An IRO challenge's stage (an organisation record) and the child it is about.
    step: (String, String),
    /// Last month, as a report's address names it.
    period: String,
}

impl Fixture {
    async fn start() -> Fixture {
        Self::start_with(Settings {
            secure_cookies: false,
            ..Settings::default()
        })
        .await
    }

    async fn start_with(settings: Settings) -> Fixture {
        let app = TestApp::start_with(settings).await;
        let borough = app.borough();
        let as_of = borough.as_of;
        let organisation = &borough.organisation;
        let stored = app.store().current_tracker_records().unwrap();
        let alerts = app.store().open_alerts().unwrap();
        let visible = |child: &str| borough.may_see(None, child);
        let allocated = |child: &str, role: AllocationRole| {
            borough
                .trackers
                .get(child)
                .and_then(|t| t.allocated_on(role, as_of))
                .map(|a| a.person.clone())
        };
        let covers = |reach: Reach, staff: &str, child: &str| {
            reach.covers(
                Some(staff),
                organisation,
                borough.trackers.get(child),
                as_of,
            )
        };
        let (own, worker, manager, iro, plan, alert, other, other_iro) = borough
            .rows
            .iter()
            .filter(|row| visible(&row.child))
            .find_map(|row| {
                let own = row.child.clone();
                let worker = allocated(&own, AllocationRole::SocialWorker)?;
                let iro = allocated(&own, AllocationRole::Iro)?;
                organisation.person(&worker)?.team.as_ref()?;
                let manager = organisation
                    .management_line(&worker)
                    .first()
                    .filter(|p| p.role == StaffRole::TeamManager)?
                    .id
                    .clone();
                let plan = stored
                    .iter()
                    .find(|r| r.kind == Kind::PermanencePlan && r.child() == Some(&own))?
                    .clone();
                let alert = alerts
                    .iter()
                    .find(|a| {
                        a.status == Status::Overdue
                            && a.decision.is_none()
                            && visible(&a.child)
                            && covers(Reach::ManagementSpan, &manager, &a.child)
                    })?
                    .clone();
                let other = borough.rows.iter().map(|r| r.child.clone()).find(|child| {
                    visible(child)
                        && borough.journey(child).is_some()
                        && !covers(Reach::OwnTeam, &worker, child)
                        && !covers(Reach::ManagementSpan, &manager, child)
                        && !covers(Reach::AllocatedAsIro, &iro, child)
                })?;
                let other_iro = borough
                    .rows
                    .iter()
                    .filter_map(|r| r.iro.clone())
                    .find(|i| *i != iro)?;
                Some((own, worker, manager, iro, plan, alert, other, other_iro))
            })
            .expect("the synthetic borough has a child for every rule of the access table");
        let person = stored
            .iter()
            .find(|r| r.kind == Kind::Person && r.field("ID") == worker)
            .expect("the worker is in the register")
            .clone();
        let household = organisation
            .fostering
            .placements
            .iter()
            .find(|p| p.open_on(as_of))
            .map(|p| p.household.clone())
            .expect("a household with a child");
        let step = stored
            .iter()
            .filter(|r| r.kind == Kind::ChallengeStep)
            .find_map(|step| {
                let challenge = step.field("CHALLENGE");
                let child = stored
                    .iter()
                    .find(|r| r.kind == Kind::IroChallenge && r.field("ID") == challenge)?
                    .child()?
                    .to_string();
                visible(&child).then(|| (step.key(), child))
            })
            .expect("an IRO challenge's stage about a child");
        app.set_staff_id("social_worker", Some(&worker));
        app.set_staff_id("team_manager", Some(&manager));
        app.set_staff_id("iro", Some(&iro));
        std::fs::write(app.db.parent().unwrap().join("export.key"), EXPORT_KEY).unwrap();
        Fixture {
            team: organisation.teams[0].id.clone(),
            period: permanence_reports::Period::month_of(today())
                .previous()
                .to_string(),
            app,
            own,
            other,
            plan,
            worker,
            person,
            manager,
            iro,
            other_iro,
            alert,
            household,
            step,
        }
    }

    fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.app.db).unwrap()
    }

    /// The current version of the record a correction changes, as its form's `base`.
    fn base(&self, case: &Case) -> Option<String> {
        let (kind, key) = case.edits.as_ref()?;
        let versions = self
            .app
            .store()
            .tracker_record_versions(*kind, key)
            .unwrap();
        versions
            .iter()
            .find(|v| v.superseded_by.is_none())
            .map(|v| v.id.to_string())
    }

    /// The case's valid form with the token and a current `base`.
    fn valid_form(&self, case: &Case, token: &str) -> Vec<(String, String)> {
        let mut form: Vec<(String, String)> = case
            .valid
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        if let Some(base) = self.base(case) {
            form.push(("base".into(), base));
        }
        form.push(("csrf_token".into(), token.into()));
        form
    }
}

// ---------------------------------------------------------------- requests and checks

/// A response as the checks read it.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    async fn of(response: reqwest::Response) -> Answer {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    }

    fn is_html(&self) -> bool {
        self.header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
            && !self
                .header("content-disposition")
                .is_some_and(|d| d.starts_with("attachment"))
    }
}

async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    verb: Verb,
    path: &str,
    form: &[(String, String)],
) -> Answer {
    let request = match verb {
        Verb::Get => client.get(app.url(path)),
        Verb::Post => client.post(app.url(path)).form(form),
    };
    Answer::of(request.send().await.unwrap()).await
}

/// The CSRF token of a signed-in client's session (every page's sign-out form has it).
async fn session_token(app: &TestApp, client: &reqwest::Client) -> String {
    hidden_token(&app.get(client, "/accessibility").await.1)
}

/// The headers every response carries: a CSP without `unsafe-` that denies framing,
/// `nosniff`, frame denial, no referrer, HSTS exactly when served over HTTPS, no caching
/// but of the stylesheets, and redirects that stay on the site.
fn assert_security_headers(answer: &Answer, path: &str, hsts: bool, context: &str) {
    let csp = answer
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{context}: no Content-Security-Policy"));
    assert!(csp.contains("default-src 'none'"), "{context}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{context}: {csp}");
    assert!(!csp.contains("unsafe-"), "{context}: {csp}");
    assert_eq!(
        answer.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{context}"
    );
    assert_eq!(
        answer.header("x-frame-options").as_deref(),
        Some("DENY"),
        "{context}"
    );
    assert_eq!(
        answer.header("referrer-policy").as_deref(),
        Some("no-referrer"),
        "{context}"
    );
    assert_eq!(
        answer.header("strict-transport-security").as_deref(),
        hsts.then_some(HSTS),
        "{context}"
    );
    let cache = answer.header("cache-control").unwrap_or_default();
    if answer.status == StatusCode::OK && path.starts_with("/assets/") {
        assert_eq!(cache, "public, max-age=3600", "{context}");
    } else {
        assert_eq!(cache, "no-store", "{context}");
    }
    if answer.status.is_redirection() {
        let to = answer.header("location").unwrap_or_default();
        assert!(
            to.starts_with('/') && !to.starts_with("//"),
            "{context}: {to}"
        );
    }
}

/// An audit log entry with its id.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    id: i64,
    at: String,
    actor: String,
    action: String,
    child: Option<String>,
    detail: String,
}

/// The audit log's entries after `after` (an id), oldest first.
fn entries(db: &rusqlite::Connection, after: i64) -> Vec<Entry> {
    let mut statement = db
        .prepare(
            "SELECT id, at, actor, action, child, detail FROM audit_log WHERE id > ?1 ORDER BY id",
        )
        .unwrap();
    statement
        .query_map([after], |row| {
            Ok(Entry {
                id: row.get(0)?,
                at: row.get(1)?,
                actor: row.get(2)?,
                action: row.get(3)?,
                child: row.get(4)?,
                detail: row.get(5)?,
            })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn last_id(db: &rusqlite::Connection) -> i64 {
    db.query_row("SELECT coalesce(max(id), 0) FROM audit_log", [], |row| {
        row.get(0)
    })
    .unwrap()
}

fn count(db: &rusqlite::Connection, table: &str) -> i64 {
    db.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
        row.get(0)
    })
    .unwrap()
}

/// The counts of what requests must not change behind the application's back.
fn counts(db: &rusqlite::Connection) -> BTreeMap<&'static str, i64> {
    [
        "tracker_record",
        "return_row",
        "import_batch",
        "app_user",
        "app_session",
        "alert",
        "alert_event",
        "evaluation_run",
    ]
    .into_iter()
    .map(|table| (table, count(db, table)))
    .collect()
}

/// The database's tables, views, indexes and triggers.
fn schema(db: &rusqlite::Connection) -> Vec<(String, String)> {
    let mut statement = db
        .prepare("SELECT type, name FROM sqlite_master ORDER BY type, name")
        .unwrap();
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

// ---------------------------------------------------------------- every route

/// The routes the router registers: every `.route("pattern", methods)` in the web
/// crate's source, with its methods.
fn registered_routes() -> BTreeSet<(Verb, String)> {
    let mut files = Vec::new();
    let mut folders = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut routes = BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        // Routes are only ever added with `.route("literal", ...)`.
        for other in [
            ".nest(",
            ".route_service(",
            ".nest_service(",
            "ServeDir",
            "ServeFile",
        ] {
            assert!(!source.contains(other), "{}: {other}", file.display());
        }
        for (at, _) in source.match_indices(".route(") {
            let rest = &source[at + ".route(".len()..];
            let literal = rest.trim_start();
            assert!(
                literal.starts_with('"'),
                "{}: a route whose pattern is not a literal",
                file.display()
            );
            let end = literal[1..].find('"').unwrap() + 1;
            let pattern = &literal[1..end];
            // The methods: up to the parenthesis closing `.route(`.
            let mut depth = 1;
            let close = rest
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .unwrap()
                .0;
            let methods = &rest[rest.len() - literal.len() + end + 1..close];
            let has = |method: &str| {
                methods.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0
                        || !methods[..i]
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_alphanumeric() || c == '_')
                })
            };
            for method in ["put", "delete", "patch", "head", "options", "trace", "any"] {
                assert!(!has(method), "{pattern}: {method} is not in the table");
            }
            let mut any = false;
            for (method, verb) in [("get", Verb::Get), ("post", Verb::Post)] {
                if has(method) {
                    routes.insert((verb, pattern.to_string()));
                    any = true;
                }
            }
            assert!(any, "{pattern}: no method found in {methods}");
        }
    }
    routes
}

#[tokio::test(flavor = "multi_thread")]
async fn the_table_holds_every_route_the_router_registers() {
    let f = Fixture::start().await;
    let registered = registered_routes();
    let tabled: BTreeSet<(Verb, String)> = table(&f)
        .iter()
        .map(|case| (case.verb, case.pattern.to_string()))
        .collect();
    let missing: Vec<_> = registered.difference(&tabled).collect();
    assert!(
        missing.is_empty(),
        "routes the router registers that the security table lacks: {missing:?}"
    );
    let stale: Vec<_> = tabled.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );
    // The scan found the router's routes (58 when this was written).
    assert!(registered.len() >= 50, "{}", registered.len());
    for case in table(&f) {
        // Each row's path is its pattern filled in.
        let path = case.path.split('?').next().unwrap();
        let (pattern, filled) = (
            case.pattern.split('/').collect::<Vec<_>>(),
            path.split('/').collect::<Vec<_>>(),
        );
        assert_eq!(pattern.len(), filled.len(), "{}", case.path);
        for (p, s) in pattern.iter().zip(&filled) {
            assert!(
                p.starts_with('{') || p == s,
                "{} {}",
                case.pattern,
                case.path
            );
        }
        // Every page that shows one child's record is audited as a read of it (the
        // empty form to add a record shows only the id typed in the address); every
        // download is audited.
        let names_a_child =
            case.pattern.starts_with("/children/{id}") || case.pattern.starts_with("/alerts/{id}");
        if case.verb == Verb::Get && names_a_child && !case.pattern.ends_with("/new") {
            assert!(
                matches!(case.audit, Audit::Child(_)) && case.child.is_some(),
                "{}",
                case.pattern
            );
        }
        let download = [".csv", ".xlsx", "/report.html", "/{file}", "/{table}"]
            .iter()
            .any(|end| case.pattern.ends_with(end));
        if download {
            assert_eq!(case.audit, Audit::Download, "{}", case.pattern);
        }
    }
}

/// What a request gets: a status, or a redirect to a place.
#[derive(Debug, PartialEq, Eq)]
enum Expect {
    Status(StatusCode),
    Redirect(&'static str),
}

/// What the matrix's request for the case gets: GET as it is; POST with the session's
/// own token and an otherwise empty form, which an allowed user is sent back (422).
fn expect(case: &Case, role: Option<Role>) -> Expect {
    use Expect::{Redirect, Status};
    match (case.who, role) {
        (Who::Anyone, None) if case.verb == Verb::Post => Status(StatusCode::UNPROCESSABLE_ENTITY),
        (Who::Anyone, None) => Status(StatusCode::OK),
        (Who::Anyone, Some(_)) => match (case.verb, case.pattern) {
            // Signed in, the login page sends the user home; and the login form needs
            // the login page's token, which a session's is not.
            (Verb::Get, "/login") => Redirect("/"),
            (Verb::Post, "/login") => Status(StatusCode::FORBIDDEN),
            _ => Status(StatusCode::OK),
        },
        (Who::Roles(_), None) => Redirect("/login"),
        (Who::Roles(roles), Some(role)) if roles.contains(&role) => match case.verb {
            Verb::Get => Status(StatusCode::OK),
            Verb::Post if case.pattern == "/logout" => Redirect("/login"),
            Verb::Post => Status(StatusCode::UNPROCESSABLE_ENTITY),
        },
        (Who::Roles(_), Some(_)) => Status(StatusCode::FORBIDDEN),
    }
}

/// Checks one answer of the matrix: its status, headers, what it wrote to the audit
/// log (`last`: the newest entry before it), and that a refusal shows nothing.
fn check(
    f: &Fixture,
    case: &Case,
    role: Option<Role>,
    answer: &Answer,
    db: &rusqlite::Connection,
    last: &mut i64,
) {
    let context = case.context(role);
    match expect(case, role) {
        Expect::Status(status) => assert_eq!(answer.status, status, "{context}"),
        Expect::Redirect(to) => {
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{context}");
            assert_eq!(answer.header("location").as_deref(), Some(to), "{context}");
        }
    }
    assert_security_headers(answer, &case.path, false, &context);
    let written = entries(db, *last);
    *last = last_id(db);
    let read = case.verb == Verb::Get && answer.status == StatusCode::OK && role.is_some();
    let expected = if read { case.audit } else { Audit::Nothing };
    let actor = role.map(|r| r.code()).unwrap_or_default();
    match expected {
        Audit::Nothing => assert!(written.is_empty(), "{context}: {written:?}"),
        Audit::Child(action) => {
            assert_eq!(written.len(), 1, "{context}: {written:?}");
            assert_eq!(
                (written[0].actor.as_str(), written[0].action.as_str()),
                (actor, action),
                "{context}"
            );
            assert_eq!(written[0].child, case.child, "{context}");
        }
        Audit::Download | Audit::LogViewed => {
            assert_eq!(written.len(), 1, "{context}: {written:?}");
            assert_eq!(written[0].actor, actor, "{context}");
            assert_eq!(written[0].child, None, "{context}");
            if expected == Audit::LogViewed {
                assert_eq!(written[0].action, "view_audit", "{context}");
            } else {
                assert!(written[0].action.starts_with("export_"), "{context}");
                // Downloads are attachments, never shown in the browser.
                assert!(
                    answer
                        .header("content-disposition")
                        .is_some_and(|d| d.starts_with("attachment; filename=")),
                    "{context}"
                );
            }
        }
    }
    // A refusal shows nothing of any record, nor of the audit log.
    if answer.status == StatusCode::FORBIDDEN || answer.status.is_redirection() {
        for text in [&f.own, &f.other, &f.alert.child, &f.app.child] {
            assert!(!answer.body.contains(text.as_str()), "{context}");
        }
        for action in ["view_child", "view_audit"] {
            assert!(!answer.body.contains(action), "{context}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_answers_every_role_by_the_access_table() {
    let f = Fixture::start().await;
    let mut cases = table(&f);
    // Signing out ends the session: last.
    cases.sort_by_key(|case| case.pattern == "/logout");
    let db = f.db();
    let before = entries(&db, 0);
    let mut checked = 0;

    // Signed out: the login page, the accessibility statement and the stylesheets are
    // open; everything else sends the request to the login page.
    let anonymous = TestApp::client();
    let mut last = last_id(&db);
    for case in &cases {
        let form = match case.verb {
            Verb::Get => Vec::new(),
            Verb::Post => {
                let token = if case.pattern == "/login" {
                    f.app.login_token(&anonymous).await
                } else {
                    String::new()
                };
                vec![
                    ("csrf_token".to_string(), token),
                    ("username".into(), String::new()),
                    ("password".into(), String::new()),
                ]
            }
        };
        let answer = send(&f.app, &anonymous, case.verb, &case.path, &form).await;
        check(&f, case, None, &answer, &db, &mut last);
        checked += 1;
    }
    let stylesheet = anonymous
        .get(f.app.url("/assets/app.css"))
        .send()
        .await
        .unwrap();
    assert!(
        stylesheet.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );

    for role in Role::ALL {
        let client = f.app.signed_in(*role).await;
        let token = session_token(&f.app, &client).await;
        // The header links to exactly the areas the role may open.
        let (_, home) = f.app.get(&client, "/").await;
        for case in &cases {
            let area = [
                "/children",
                "/teams",
                "/iro",
                "/panels",
                "/reports",
                "/fostering",
                "/exports",
                "/audit",
            ]
            .contains(&case.path.as_str());
            if area {
                assert_eq!(
                    home.contains(&format!(r#"class="app-header__link" href="{}""#, case.path)),
                    case.allows(*role),
                    "{role:?} navigation to {}",
                    case.path
                );
            }
        }
        let mut last = last_id(&db);
        for case in &cases {
            let form = vec![("csrf_token".to_string(), token.clone())];
            let answer = send(&f.app, &client, case.verb, &case.path, &form).await;
            check(&f, case, Some(*role), &answer, &db, &mut last);
            checked += 1;
        }
    }
    assert_eq!(checked, cases.len() * (Role::ALL.len() + 1));
    // Nothing in the log was changed or removed on the way: it only grew.
    let after = entries(&db, 0);
    assert!(after.len() > before.len());
    assert_eq!(after[..before.len()], before[..]);
}

// ---------------------------------------------------------------- CSRF

/// Every state-changing route refuses a form without the session's token, with a wrong
/// one and with another session's, and writes nothing; with its own token the same form
/// is saved and audited. The login form's own double-submit token likewise.
#[tokio::test(flavor = "multi_thread")]
async fn every_state_changing_route_needs_the_sessions_own_csrf_token() {
    let f = Fixture::start().await;
    let db = f.db();
    let posts: Vec<Case> = table(&f)
        .into_iter()
        .filter(|c| c.verb == Verb::Post && c.pattern != "/login")
        .collect();
    assert_eq!(posts.len(), 7, "{posts:#?}");
    for case in &posts {
        let role = case.user().unwrap();
        let client = f.app.signed_in(role).await;
        let token = session_token(&f.app, &client).await;
        // Another session of the same account, and another account's.
        let same_account = f.app.signed_in(role).await;
        let other_account = f
            .app
            .signed_in(if role == Iro { IroManager } else { Iro })
            .await;
        let stolen = [
            session_token(&f.app, &same_account).await,
            session_token(&f.app, &other_account).await,
        ];
        let valid = f.valid_form(case, &token);
        let without = |token: Option<&str>| -> Vec<(String, String)> {
            valid
                .iter()
                .filter(|(name, _)| name != "csrf_token")
                .cloned()
                .chain(token.map(|t| ("csrf_token".to_string(), t.to_string())))
                .collect()
        };
        let forged = [
            without(None),
            without(Some("")),
            without(Some(&"0".repeat(64))),
            without(Some("forged")),
            without(Some(&token.to_uppercase())),
            without(Some(&token[..63])),
            without(Some(&stolen[0])),
            without(Some(&stolen[1])),
        ];
        let before = (counts(&db), last_id(&db));
        for form in &forged {
            let answer = send(&f.app, &client, Verb::Post, &case.path, form).await;
            let context = format!("{} {form:?}", case.context(Some(role)));
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{context}");
            assert!(
                answer.body.contains("You cannot see this page"),
                "{context}"
            );
            assert_security_headers(&answer, &case.path, false, &context);
        }
        assert_eq!((counts(&db), last_id(&db)), before, "{}", case.path);
        // The session was not ended by a forged sign-out.
        assert_eq!(f.app.get(&client, "/").await.0, StatusCode::OK);

        // With its own token, the same form is saved, and the change audited.
        let answer = send(&f.app, &client, Verb::Post, &case.path, &valid).await;
        let context = case.context(Some(role));
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{context}: {}",
            answer.body
        );
        assert_security_headers(&answer, &case.path, false, &context);
        let written = entries(&db, before.1);
        if case.pattern == "/logout" {
            assert_eq!(count(&db, "app_session"), before.0["app_session"] - 1);
            assert!(written.is_empty(), "{written:?}");
            assert_eq!(
                f.app.get(&client, "/").await.0,
                StatusCode::SEE_OTHER,
                "signed out"
            );
            assert_eq!(f.app.get(&same_account, "/").await.0, StatusCode::OK);
        } else {
            assert_eq!(
                count(&db, "tracker_record"),
                before.0["tracker_record"] + 1,
                "{context}"
            );
            let change: Vec<_> = written
                .iter()
                .filter(|e| e.action == "add_record" || e.action == "change_record")
                .collect();
            assert_eq!(change.len(), 1, "{context}: {written:?}");
            assert_eq!(change[0].actor, role.code(), "{context}");
            assert_eq!(change[0].child, case.child, "{context}");
        }
    }

    // The login form: its token must match the login page's cookie.
    let client = TestApp::client();
    let token = f.app.login_token(&client).await;
    let another = f.app.login_token(&TestApp::client()).await;
    let sessions = count(&db, "app_session");
    let login = |token: &str| {
        vec![
            ("username".to_string(), "head_of_service".to_string()),
            ("password".into(), PASSWORD.into()),
            ("csrf_token".into(), token.to_string()),
        ]
    };
    for form in [
        login(""),
        login("forged"),
        login(&another),
        vec![
            ("username".to_string(), "head_of_service".to_string()),
            ("password".into(), PASSWORD.into()),
        ],
    ] {
        let answer = send(&f.app, &client, Verb::Post, "/login", &form).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{form:?}");
        assert_security_headers(&answer, "/login", false, "login");
    }
    // The right token without the cookie (another browser's form).
    let answer = send(
        &f.app,
        &TestApp::client(),
        Verb::Post,
        "/login",
        &login(&token),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        count(&db, "app_session"),
        sessions,
        "no session was started"
    );
    let answer = send(&f.app, &client, Verb::Post, "/login", &login(&token)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&db, "app_session"), sessions + 1);
}

// ---------------------------------------------------------------- sessions

/// Signs in without a cookie jar, sending `cookie` with the form besides the login
/// page's own cookie (a cookie planted in the browser, or a session already there).
async fn sign_in_by_hand(app: &TestApp, username: &str, cookie: Option<&str>) -> reqwest::Response {
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = plain.get(app.url("/login")).send().await.unwrap();
    let login_cookie = set_cookie(&page, LOGIN_CSRF_COOKIE).expect("the login page's cookie");
    let token = hidden_token(&page.text().await.unwrap());
    let mut cookies = format!("{LOGIN_CSRF_COOKIE}={}", cookie_value(&login_cookie));
    if let Some(cookie) = cookie {
        cookies.push_str("; ");
        cookies.push_str(cookie);
    }
    plain
        .post(app.url("/login"))
        .header("cookie", cookies)
        .form(&[
            ("username", username),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap()
}

/// The `Set-Cookie` value that sets the cookie `name`, if the response has one.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with(&format!("{name}=")))
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, value)| value.to_string())
        .unwrap()
}

/// The session token a sign-in set.
fn session_of(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    cookie_value(&set_cookie(response, SESSION_COOKIE).expect("a session cookie"))
}

/// A GET with this session token as the only cookie.
async fn with_session(app: &TestApp, token: &str, path: &str) -> Answer {
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Answer::of(
        plain
            .get(app.url(path))
            .header("cookie", format!("{SESSION_COOKIE}={token}"))
            .send()
            .await
            .unwrap(),
    )
    .await
}

fn is_signed_out(answer: &Answer) -> bool {
    answer.status == StatusCode::SEE_OTHER && answer.header("location").as_deref() == Some("/login")
}

fn stored_sessions(app: &TestApp, token: &str) -> i64 {
    rusqlite::Connection::open(&app.db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM app_session WHERE token_hash = ?1",
            [token_hash(token)],
            |row| row.get(0),
        )
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_token_set_before_sign_in_never_becomes_the_signed_in_one() {
    let app = TestApp::start().await;
    // A token an attacker made up and planted in the browser.
    let planted = "ab".repeat(32);
    let response = sign_in_by_hand(
        &app,
        "head_of_service",
        Some(&format!("{SESSION_COOKIE}={planted}")),
    )
    .await;
    let token = session_of(&response);
    assert_ne!(token, planted);
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(is_signed_out(&with_session(&app, &planted, "/").await));
    assert_eq!(with_session(&app, &token, "/").await.status, StatusCode::OK);

    // The attacker's own live session planted in the victim's browser: signing in ends
    // it and starts the victim's own, so the two never share a session.
    let attacker = session_of(&sign_in_by_hand(&app, "iro", None).await);
    assert_eq!(
        with_session(&app, &attacker, "/").await.status,
        StatusCode::OK
    );
    let victim = session_of(
        &sign_in_by_hand(
            &app,
            "head_of_service",
            Some(&format!("{SESSION_COOKIE}={attacker}")),
        )
        .await,
    );
    assert_ne!(victim, attacker);
    assert!(is_signed_out(&with_session(&app, &attacker, "/").await));
    assert_eq!(stored_sessions(&app, &attacker), 0);
    let home = with_session(&app, &victim, "/").await;
    assert!(home.body.contains("Hello, Test Head of service"));
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_starts_a_fresh_strict_session_and_signing_out_ends_it_on_the_server() {
    let app = TestApp::start().await;
    let client = TestApp::client();
    // The login form's cookie is as strict as the session's.
    let page = client.get(app.url("/login")).send().await.unwrap();
    let login_cookie = set_cookie(&page, LOGIN_CSRF_COOKIE).unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(login_cookie.contains(attribute), "{login_cookie}");
    }
    assert!(!login_cookie.contains("Secure"), "{login_cookie}");
    // Usernames are not case-sensitive.
    let response = app.try_login(&client, "SOCIAL_WORKER", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    let cookie = set_cookie(&response, SESSION_COOKIE).unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    // A browser-session cookie, sent over plain HTTP only when the settings say so.
    assert!(
        !cookie.contains("Secure") && !cookie.contains("Max-Age"),
        "{cookie}"
    );
    // The login form's cookie is ended at sign-in.
    let login_cookie = set_cookie(&response, LOGIN_CSRF_COOKIE).unwrap();
    assert!(login_cookie.contains("Max-Age=0"), "{login_cookie}");
    let token = cookie_value(&cookie);
    let (status, page) = app.get(&client, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Hello, Test Social worker"));
    // The token is kept only as its hash.
    assert_eq!(stored_sessions(&app, &token), 1);
    let raw: i64 = rusqlite::Connection::open(&app.db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM app_session WHERE token_hash = ?1",
            [&token],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(raw, 0);
    // Another sign-in of the same account gets its own token; a signed-in user who
    // opens the login page is sent home.
    let other = TestApp::client();
    let response = app.try_login(&other, "social_worker", PASSWORD).await;
    let other_token = cookie_value(&set_cookie(&response, SESSION_COOKIE).unwrap());
    assert_ne!(other_token, token);
    let response = client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(location(&response), "/");

    // Signing out (with the page's token) clears the cookie and ends the session on
    // the server: the old token, replayed, is signed out.
    let (_, page) = app.get(&client, "/").await;
    let response = client
        .post(app.url("/logout"))
        .form(&[("csrf_token", hidden_token(&page).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login");
    let cleared = set_cookie(&response, SESSION_COOKIE).unwrap();
    assert!(
        cleared.starts_with(&format!("{SESSION_COOKIE}=;")) && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    assert_eq!(stored_sessions(&app, &token), 0);
    assert!(is_signed_out(&with_session(&app, &token, "/").await));
    assert!(is_signed_out(
        &with_session(&app, &token, &format!("/children/{}", app.child)).await
    ));
    // The account's other session goes on.
    assert_eq!(
        with_session(&app, &other_token, "/").await.status,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_end_when_idle_at_their_absolute_lifetime_and_when_the_account_is_disabled() {
    let app = TestApp::start().await;
    let db = rusqlite::Connection::open(&app.db).unwrap();
    let age = |token: &str, column: &str, seconds: i64| {
        db.execute(
            &format!("UPDATE app_session SET {column} = {column} - ?1 WHERE token_hash = ?2"),
            rusqlite::params![seconds, token_hash(token)],
        )
        .unwrap();
    };

    // Idle: 29 minutes unused is still signed in; 31 is not, and the session is removed.
    let idle = session_of(&sign_in_by_hand(&app, "iro", None).await);
    age(&idle, "last_seen_at", 29 * 60);
    assert_eq!(with_session(&app, &idle, "/").await.status, StatusCode::OK);
    age(&idle, "last_seen_at", 31 * 60);
    assert!(is_signed_out(&with_session(&app, &idle, "/").await));
    assert_eq!(
        stored_sessions(&app, &idle),
        0,
        "the expired session is removed"
    );

    // Absolute: a session lives 12 hours from sign-in however much it is used.
    let busy = session_of(&sign_in_by_hand(&app, "team_manager", None).await);
    let (created, expires): (i64, i64) = db
        .query_row(
            "SELECT created_at, expires_at FROM app_session WHERE token_hash = ?1",
            [token_hash(&busy)],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(expires - created, 12 * 60 * 60);
    age(&busy, "expires_at", 12 * 60 * 60 - 60);
    assert_eq!(with_session(&app, &busy, "/").await.status, StatusCode::OK);
    age(&busy, "expires_at", 120);
    assert!(is_signed_out(&with_session(&app, &busy, "/").await));
    assert_eq!(stored_sessions(&app, &busy), 0);

    // A disabled account's sessions end at once.
    let disabled = session_of(&sign_in_by_hand(&app, "performance_analyst", None).await);
    assert_eq!(
        with_session(&app, &disabled, "/").await.status,
        StatusCode::OK
    );
    db.execute(
        "UPDATE app_user SET disabled = 1 WHERE username = 'performance_analyst'",
        [],
    )
    .unwrap();
    assert!(is_signed_out(&with_session(&app, &disabled, "/").await));
    // Nor can it sign in again.
    let response = app
        .try_login(&TestApp::client(), "performance_analyst", PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

// ---------------------------------------------------------------- headers

/// A request that fails: its path, method, form and status.
type ErrorCase<'a> = (&'a str, Verb, Vec<(String, String)>, StatusCode);

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_of_response_carries_the_security_headers() {
    // Every route's answers (pages, downloads, stylesheets, 403s, redirects, 422s) are
    // checked in the route matrix; here the rest: errors, and HTTPS.
    let f = Fixture::start().await;
    let app = &f.app;
    let client = app.signed_in(HeadOfService).await;
    let token = session_token(app, &client).await;
    let big = "x".repeat(70 * 1024);
    let put = Answer::of(
        client
            .put(app.url("/audit"))
            .form(&[("csrf_token", &token)])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(put.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_security_headers(&put, "/audit", false, "PUT /audit");
    let cases: Vec<ErrorCase<'_>> = vec![
        (
            "/no/such/page",
            Verb::Get,
            Vec::new(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/children/NO-SUCH-CHILD",
            Verb::Get,
            Vec::new(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/assets/nothing.css",
            Verb::Get,
            Vec::new(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/audit?page=x",
            Verb::Get,
            Vec::new(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/audit?from=soon",
            Verb::Get,
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/audit",
            Verb::Post,
            Vec::new(),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "/records/people",
            Verb::Post,
            vec![("csrf_token".into(), token.clone()), ("NAME".into(), big)],
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (path, verb, form, status) in cases {
        let answer = send(app, &client, verb, path, &form).await;
        assert_eq!(answer.status, status, "{path}");
        assert_security_headers(&answer, path, false, path);
    }

    // Served over HTTPS (a TLS-terminating proxy in front): HSTS on every response too,
    // and every cookie Secure. Cookies are sent back by hand, as the test talks plain HTTP.
    let tls = TestApp::start_with(Settings::default()).await;
    let plain = TestApp::client();
    let login = plain.get(tls.url("/login")).send().await.unwrap();
    let cookie = set_cookie(&login, LOGIN_CSRF_COOKIE).unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
    let login = Answer::of(login).await;
    assert_security_headers(&login, "/login", true, "HTTPS /login");
    let signed_in = sign_in_by_hand(&tls, "head_of_service", None).await;
    let session = set_cookie(&signed_in, SESSION_COOKIE).unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure"] {
        assert!(session.contains(attribute), "{session}");
    }
    let token = cookie_value(&session);
    assert_security_headers(
        &Answer::of(signed_in).await,
        "/login",
        true,
        "HTTPS sign-in",
    );
    for path in [
        "/",
        "/children",
        "/children.csv",
        "/no/such/page",
        "/assets/app.css",
    ] {
        let answer = with_session(&tls, &token, path).await;
        assert_security_headers(&answer, path, true, &format!("HTTPS {path}"));
    }
    for path in ["/", "/assets/report.css", "/nowhere"] {
        let answer = Answer::of(plain.get(tls.url(path)).send().await.unwrap()).await;
        assert_security_headers(&answer, path, true, &format!("HTTPS signed out {path}"));
    }
    let forged = Answer::of(
        plain
            .post(tls.url("/login"))
            .form(&[("csrf_token", "forged")])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_security_headers(&forged, "/login", true, "HTTPS forged login");
}

// ---------------------------------------------------------------- injection

/// What is sent in every input.
fn payloads() -> Vec<String> {
    [
        "' OR '1'='1",
        "'; DROP TABLE audit_log; --",
        "\" OR 1=1 --",
        "1 UNION SELECT username, password_hash FROM app_user --",
        "../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        "..\\..\\..\\windows\\win.ini",
        "%00",
        "nul\0byte",
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "=HYPERLINK(\"http://example.invalid\",\"x\")",
        "line\r\nSet-Cookie: injected=1",
        "field\u{1f}separator",
        "Zoë Ōkafor 🧒 \u{202e}fdp.exe 中文",
    ]
    .into_iter()
    .map(String::from)
    .chain(["A".repeat(10_000)])
    .collect()
}

/// What no answer may hold: files from outside, password hashes, database errors.
const LEAKS: &[&str] = &[
    "root:",
    "[extensions]",
    "$argon2",
    "SQLite format",
    "sqlite_master",
    "syntax error",
    "no such table",
    "no such column",
    "SQL logic error",
    "unrecognized token",
    "panicked",
];

/// Checks an answer to an injected request: no server error, nothing from outside, and
/// the payloads, if the page shows them, escaped.
fn assert_harmless(answer: &Answer, payloads: &[&str], context: &str) {
    assert!(
        !answer.status.is_server_error(),
        "{context}: {}",
        answer.status
    );
    for leak in LEAKS {
        assert!(!answer.body.contains(leak), "{context}: {leak}");
    }
    assert!(
        answer
            .header("set-cookie")
            .is_none_or(|c| !c.contains("injected")),
        "{context}"
    );
    for payload in payloads {
        let markup = payload.contains(['<', '>', '"', '\'']);
        if markup && answer.is_html() {
            assert!(
                !answer.body.contains(payload),
                "{context}: {payload:?} shown unescaped"
            );
        }
    }
}

/// Where a payload goes: a path parameter (by segment), a query parameter or a form
/// field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Input<'a> {
    Segment(usize),
    Query(&'a str),
    Field(&'a str),
}

/// The case's path with payloads in its path parameters and query parameters.
fn injected_path(case: &Case, payloads: &[(Input<'_>, &str)]) -> String {
    let (path, query) = case.path.split_once('?').unwrap_or((&case.path, ""));
    let mut segments: Vec<String> = path.split('/').map(String::from).collect();
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect();
    for (input, payload) in payloads {
        match input {
            Input::Segment(index) => segments[*index] = encode(payload),
            Input::Query(name) => {
                pairs.retain(|(k, _)| k != name);
                pairs.push((name.to_string(), encode(payload)));
            }
            Input::Field(_) => {}
        }
    }
    let path = segments.join("/");
    if pairs.is_empty() {
        path
    } else {
        let query: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{path}?{}", query.join("&"))
    }
}

/// Every payload in every input of every route: its path parameters, query parameters
/// and form fields (a POST's other fields those of a form that would be saved, so that
/// a payload goes as deep as it can). Most inputs get one request per payload; the
/// tracker forms' many fields and pre-filling query parameters, read alike and each
/// checked on its own with every problem collected, get every payload in every field
/// over one request per payload (field `j` of request `i` holds payload `i + j`).
#[tokio::test(flavor = "multi_thread")]
async fn injection_and_traversal_in_every_input_are_harmless() {
    let f = Fixture::start_with(Settings {
        secure_cookies: false,
        // Every login attempt below fails: do not let the throttle answer for the form.
        max_failures_per_username: usize::MAX,
        max_failures_per_address: usize::MAX,
        ..Settings::default()
    })
    .await;
    let app = &f.app;
    let db = f.db();
    let schema_before = schema(&db);
    let counts_before = counts(&db);
    let cases = table(&f);
    let payloads = payloads();
    let mut clients: BTreeMap<&'static str, (reqwest::Client, String)> = BTreeMap::new();
    let anonymous = TestApp::client();
    // (case, input, payload) sent.
    let mut covered = BTreeSet::new();
    let mut inputs = 0;
    for (index, case) in cases.iter().enumerate() {
        if case.pattern == "/logout" {
            // Its one field is the token: the CSRF test sends it every wrong value.
            continue;
        }
        let role = case.user();
        if let Some(role) = role
            && !clients.contains_key(role.code())
        {
            let client = app.signed_in(role).await;
            let token = session_token(app, &client).await;
            clients.insert(role.code(), (client, token));
        }
        let (client, token) = match role {
            Some(role) => clients[role.code()].clone(),
            None => (anonymous.clone(), String::new()),
        };
        let segments = case
            .pattern
            .split('/')
            .enumerate()
            .filter(|(_, s)| s.starts_with('{'))
            .map(|(i, _)| Input::Segment(i));
        let fields: Vec<Input<'_>> = case
            .query
            .iter()
            .map(|q| Input::Query(q))
            .chain(case.form.iter().map(|q| Input::Field(q)))
            .collect();
        inputs += segments.clone().count() + fields.len();
        let tracker_form = case.pattern.contains("/records/{kind}");
        let (square, single): (Vec<Input<'_>>, Vec<Input<'_>>) = fields
            .into_iter()
            .partition(|input| tracker_form && *input != Input::Field("csrf_token"));
        let mut requests: Vec<Vec<(Input<'_>, &str)>> = segments
            .chain(single)
            .flat_map(|input| payloads.iter().map(move |p| vec![(input, p.as_str())]))
            .collect();
        if !square.is_empty() {
            requests.extend((0..payloads.len()).map(|i| {
                square
                    .iter()
                    .enumerate()
                    .map(|(j, input)| (*input, payloads[(i + j) % payloads.len()].as_str()))
                    .collect()
            }));
        }
        for request in requests {
            let path = injected_path(case, &request);
            let form = match case.verb {
                Verb::Get => Vec::new(),
                Verb::Post => {
                    let token = if case.pattern == "/login" {
                        app.login_token(&client).await
                    } else {
                        token.clone()
                    };
                    let mut form = f.valid_form(case, &token);
                    if case.pattern == "/login" {
                        // Never the right password: an account is looked up, not
                        // signed in.
                        form[1].1 = "not the password".into();
                    }
                    for (input, payload) in &request {
                        if let Input::Field(name) = input {
                            form.retain(|(k, _)| k != name);
                            form.push((name.to_string(), payload.to_string()));
                        }
                    }
                    form
                }
            };
            let answer = send(app, &client, case.verb, &path, &form).await;
            let context = format!("{} {request:?}", case.context(role));
            let sent: Vec<&str> = request.iter().map(|(_, p)| *p).collect();
            assert_harmless(&answer, &sent, &context);
            covered.extend(request.into_iter().map(|(input, p)| (index, input, p)));
        }
    }
    // Every payload went into every input.
    assert!(inputs >= 200, "{inputs}");
    assert_eq!(covered.len(), inputs * payloads.len());

    // The database is whole: every table still there, nothing imported or any account
    // changed.
    assert_eq!(schema(&db), schema_before);
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let counts_after = counts(&db);
    for table in ["return_row", "app_user"] {
        assert_eq!(counts_after[table], counts_before[table], "{table}");
    }
    // No request signed anyone in or out.
    assert_eq!(
        counts_after["app_session"],
        counts_before["app_session"] + clients.len() as i64
    );
}

/// Raw requests, not normalised by a client: no route serves a file from outside its
/// place, with or without encoding.
#[tokio::test(flavor = "multi_thread")]
async fn no_route_serves_a_file_from_outside_the_application() {
    let f = Fixture::start().await;
    let session = session_of(&sign_in_by_hand(&f.app, "head_of_service", None).await);
    let address = f.app.address.trim_start_matches("http://").to_string();
    let paths = [
        "/../../../../etc/passwd",
        "/assets/../../../../etc/passwd",
        "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/assets/%2e%2e/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/..\\..\\Cargo.toml",
        "/assets/app.css/../../Cargo.toml",
        "/assets/app.css%00.txt",
        "/assets/report.css/..%2f..%2fCargo.toml",
        "/exports/deidentified/../export.key",
        "/exports/deidentified/..%2fexport.key",
        "/exports/deidentified/..%2f..%2fpermanence.db",
        "/exports/deidentified/%2e%2e%2fpermanence.db",
        "/exports/deidentified/manifest.json%00.csv",
        "/exports/deidentified//etc/passwd",
        "/reports/monthly/..%2f..%2f/report.html",
        "/children/..%2f..%2fetc%2fpasswd/records",
    ];
    let secrets = [
        "root:",
        "[package]",
        "SQLite format",
        EXPORT_KEY,
        "the council's secret",
    ];
    let mut answers = Vec::new();
    for path in paths {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nCookie: {SESSION_COOKIE}={session}\r\n\
             Connection: close\r\n\r\n"
        );
        let address = address.clone();
        let raw = tokio::task::spawn_blocking(move || {
            use std::io::{Read, Write};
            let mut stream = std::net::TcpStream::connect(address).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(30)))
                .unwrap();
            stream.write_all(request.as_bytes()).unwrap();
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).unwrap();
            String::from_utf8_lossy(&answer).into_owned()
        })
        .await
        .unwrap();
        answers.push((path, raw));
    }
    for (path, raw) in &answers {
        let status = raw.split(' ').nth(1).unwrap_or_default();
        assert!(
            ["400", "404"].contains(&status),
            "{path}: {}",
            raw.lines().next().unwrap_or_default()
        );
        for secret in secrets {
            assert!(!raw.contains(secret), "{path}: {secret}");
        }
    }
}

/// Sends the case's valid form with some values replaced, as its user; it is saved.
async fn save(f: &Fixture, case: &Case, replace: &[(&str, &str)]) {
    let role = case.user().unwrap();
    let client = f.app.signed_in(role).await;
    let token = session_token(&f.app, &client).await;
    let mut form = f.valid_form(case, &token);
    for (name, value) in replace {
        form.retain(|(k, _)| k != name);
        form.push((name.to_string(), value.to_string()));
    }
    let answer = send(&f.app, &client, Verb::Post, &case.path, &form).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
}

/// What people type (a staff name, a decision, a reason) is shown escaped on every
/// page that shows it, and no download cell starts a formula.
#[tokio::test(flavor = "multi_thread")]
async fn what_people_typed_is_escaped_on_every_page_and_defused_in_every_download() {
    let f = Fixture::start().await;
    let app = &f.app;
    let cases = table(&f);
    let markup = "=HYPERLINK(\"http://example.invalid\",\"<script>alert('name')</script>\")";
    let decision = "+<img src=x onerror=alert('decision')> book the review";
    let reason = "@\"><svg onload=alert('reason')> '; DROP TABLE audit_log; --";
    let case = |pattern: &str, verb: Verb| {
        cases
            .iter()
            .find(|c| c.pattern == pattern && c.verb == verb)
            .unwrap()
            .clone()
    };
    save(
        &f,
        &case("/records/{kind}/{key}/edit", Verb::Post),
        &[("NAME", markup), ("reason", reason)],
    )
    .await;
    save(
        &f,
        &case("/alerts/{id}/decision", Verb::Post),
        &[("decision", decision)],
    )
    .await;
    save(
        &f,
        &case("/children/{id}/records/{kind}/{key}/edit", Verb::Post),
        &[("reason", reason)],
    )
    .await;

    let dangerous = ["<script>", "<img src", "<svg onload"];
    let mut shown = 0;
    let mut clients: BTreeMap<&'static str, reqwest::Client> = BTreeMap::new();
    for case in cases.iter().filter(|c| c.verb == Verb::Get) {
        let Some(role) = case.user() else { continue };
        if !clients.contains_key(role.code()) {
            clients.insert(role.code(), app.signed_in(role).await);
        }
        let answer = send(app, &clients[role.code()], Verb::Get, &case.path, &[]).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", case.path);
        let body = &answer.body;
        if answer.is_html() {
            for text in dangerous {
                assert!(!body.contains(text), "{}: {text}", case.path);
            }
            if body.contains("HYPERLINK") || body.contains("book the review") {
                shown += 1;
            }
        } else if answer
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/csv"))
        {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(body.as_bytes());
            for record in reader.records() {
                for cell in &record.unwrap() {
                    assert!(
                        !cell.starts_with(['=', '+', '@']),
                        "{}: a formula: {cell}",
                        case.path
                    );
                }
            }
        }
    }
    assert!(
        shown >= 5,
        "the name and the decision are shown on {shown} pages"
    );
    // Stored as typed, as plain values.
    let db = f.db();
    let reasons: i64 = db
        .query_row(
            "SELECT count(*) FROM tracker_record WHERE reason = ?1",
            [reason],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(reasons, 2);
    assert!(count(&db, "audit_log") > 0);
}

// ---------------------------------------------------------------- methods and the log

#[tokio::test(flavor = "multi_thread")]
async fn no_route_answers_a_method_it_lacks_and_the_audit_log_only_grows() {
    let f = Fixture::start().await;
    let app = &f.app;
    let db = f.db();
    let client = app.signed_in(HeadOfService).await;
    let token = session_token(app, &client).await;
    let before = entries(&db, 0);
    let cases = table(&f);
    // By pattern: a path of a GET-only row may be another row's POST route.
    let mut methods: BTreeMap<&str, (&str, BTreeSet<Verb>)> = BTreeMap::new();
    for case in &cases {
        methods
            .entry(case.pattern)
            .or_insert((case.path.as_str(), BTreeSet::new()))
            .1
            .insert(case.verb);
    }
    let mut refused = 0;
    let mut expected = 0;
    for (path, has) in methods.values() {
        expected += 5 - has.len();
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
        ] {
            let verb = match method.as_str() {
                "GET" => Some(Verb::Get),
                "POST" => Some(Verb::Post),
                _ => None,
            };
            if verb.is_some_and(|v| has.contains(&v)) {
                continue;
            }
            let answer = Answer::of(
                client
                    .request(method.clone(), app.url(path))
                    .form(&[("csrf_token", &token)])
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            assert_eq!(
                answer.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert_security_headers(&answer, path, false, &format!("{method} {path}"));
            refused += 1;
        }
    }
    assert_eq!(refused, expected);
    // No route is about changing the log, and nothing asked changed it.
    assert!(
        cases
            .iter()
            .all(|c| !c.pattern.starts_with("/audit") || c.verb == Verb::Get)
    );
    let after = entries(&db, 0);
    assert_eq!(after[..before.len()], before[..]);
    // The store itself refuses to change or remove an entry.
    for statement in [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
    ] {
        assert!(db.execute(statement, []).is_err(), "{statement}");
    }
    assert_eq!(entries(&db, 0), after);
}

// ---------------------------------------------------------------- throttling

#[tokio::test(flavor = "multi_thread")]
async fn repeated_failures_throttle_the_username_in_any_case() {
    let app = TestApp::start_with(Settings {
        secure_cookies: false,
        max_failures_per_username: 3,
        throttle_window: Duration::from_secs(600),
        ..Settings::default()
    })
    .await;
    let client = TestApp::client();
    for username in ["iro_manager", "IRO_MANAGER", "Iro_Manager"] {
        let response = app.try_login(&client, username, "wrong password!").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Now even the right password is refused, with a GOV.UK-style message.
    let response = app.try_login(&client, "iro_manager", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let page = response.text().await.unwrap();
    assert!(page.contains("There is a problem") && page.contains("too many attempts"));
    // A username that does not exist is throttled the same way (nothing tells them apart).
    for _ in 0..3 {
        let response = app.try_login(&client, "nobody", "wrong password!").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let response = app.try_login(&client, "nobody", "wrong password!").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    // Other accounts are not held up, and a success forgets the account's failures.
    for _ in 0..2 {
        app.try_login(&client, "iro", "wrong password!").await;
    }
    app.signed_in(Role::Iro).await;
    for _ in 0..2 {
        let response = app.try_login(&client, "iro", "wrong password!").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    app.signed_in(Role::Iro).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn repeated_failures_from_one_address_throttle_every_username() {
    let app = TestApp::start_with(Settings {
        secure_cookies: false,
        max_failures_per_username: 100,
        max_failures_per_address: 4,
        throttle_window: Duration::from_secs(600),
        ..Settings::default()
    })
    .await;
    let client = TestApp::client();
    for username in ["iro", "team_manager", "someone", "anyone"] {
        let response = app.try_login(&client, username, "wrong password!").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // The address has used its attempts: even a right password for an account never
    // tried is refused, without being checked.
    let response = app
        .try_login(&TestApp::client(), "head_of_service", PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.text().await.unwrap().contains("too many attempts"));
    assert_eq!(
        count(&rusqlite::Connection::open(&app.db).unwrap(), "app_session"),
        0
    );
}

/// A wrong password for `username`, sent with this `X-Forwarded-For` header: the status.
async fn fail_from(app: &TestApp, username: &str, forwarded_for: &str) -> StatusCode {
    let client = TestApp::client();
    let token = app.login_token(&client).await;
    client
        .post(app.url("/login"))
        .header("x-forwarded-for", forwarded_for)
        .form(&[
            ("username", username),
            ("password", "wrong password!"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread")]
async fn behind_a_trusted_proxy_each_client_address_is_throttled_on_its_own() {
    let settings = |trusted_proxies| Settings {
        secure_cookies: false,
        max_failures_per_username: 100,
        max_failures_per_address: 3,
        throttle_window: Duration::from_secs(600),
        trusted_proxies,
        ..Settings::default()
    };
    // The tests' requests come from 127.0.0.1: here, the proxy.
    let app = TestApp::start_with(settings(vec!["127.0.0.1".parse().unwrap()])).await;
    for n in 0..3 {
        let status = fail_from(&app, &format!("user{n}"), "198.51.100.1").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        fail_from(&app, "user9", "198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client through the same proxy is not held up by the first.
    assert_eq!(
        fail_from(&app, "user9", "198.51.100.2").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Without trusting the proxy, the header is anyone's to write and is ignored: a
    // new address in it every time does not escape the limit.
    let app = TestApp::start_with(settings(Vec::new())).await;
    for n in 0..3 {
        let status = fail_from(&app, &format!("user{n}"), &format!("198.51.100.{n}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        fail_from(&app, "user9", "198.51.100.9").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
