//! Who may do what, and how they prove who they are: the roles of children's services
//! and their permissions, Argon2id password hashes, session tokens (kept in the
//! database only as their SHA-256), CSRF tokens, and login throttling.
//!
//! The session is the only way in, so that council single sign-on (OpenID Connect) can
//! later start the same sessions after its own login.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use permanence_domain::Date;
use permanence_domain::tracker::{AllocationRole, ChildTracker, Organisation};
use permanence_store::{Session, User};
use permanence_tracker::Kind;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{AppError, AppState, Settings};

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "permanence_session";
/// The name of the login form's CSRF cookie (double-submit: the form carries the same
/// value; a page on another site can neither read the cookie nor set it).
pub const LOGIN_CSRF_COOKIE: &str = "permanence_login_csrf";

macro_rules! roles {
    ($($variant:ident = $code:literal $label:literal;)*) => {
        /// The roles of children's services an account can hold.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Role {
            $(#[doc = $label] $variant,)*
        }

        impl Role {
            /// Every role.
            pub const ALL: &'static [Role] = &[$(Role::$variant),*];

            /// The role's code, as stored and given on the command line.
            pub fn code(self) -> &'static str {
                match self { $(Role::$variant => $code,)* }
            }

            /// The role's name.
            pub fn label(self) -> &'static str {
                match self { $(Role::$variant => $label,)* }
            }

            /// The role with this code.
            pub fn from_code(code: &str) -> Option<Role> {
                match code { $($code => Some(Role::$variant),)* _ => None }
            }
        }
    };
}

roles! {
    SocialWorker = "social_worker" "Social worker or personal adviser";
    TeamManager = "team_manager" "Team manager";
    ServiceManager = "service_manager" "Service manager";
    HeadOfService = "head_of_service" "Head of service";
    Iro = "iro" "Independent reviewing officer";
    IroManager = "iro_manager" "IRO manager";
    FosteringAdoptionWorker = "fostering_adoption_worker" "Fostering and adoption worker";
    PerformanceAnalyst = "performance_analyst" "Performance analyst";
    Administrator = "administrator" "Administrator";
}

/// What a route needs (the table is in `docs/access.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Find children and read their records (every read is audited): everyone in
    /// children's services, but not an administrator, who manages accounts and sees
    /// the audit log rather than case detail.
    ReadChildren,
    /// Read and download the audit log (who viewed or changed which child's record):
    /// administrators, who look after the system, and service managers and heads of
    /// service, who answer for how their staff use records. Team managers, IROs and
    /// the rest do not see other staff's use of records.
    ViewAuditLog,
    /// Open the teams and services oversight page (open alerts by team and by worker,
    /// drift categories) and its downloads: team managers, service managers, heads of
    /// service and performance analysts, who answer for or report on drift across teams.
    ViewTeamOversight,
    /// Open the IRO oversight page (an IRO's children, review timeliness, open
    /// challenges): IROs (their own children), IRO managers and heads of service.
    ViewIroOversight,
    /// See every IRO's caseload and challenges, not only one's own: IRO managers and
    /// heads of service.
    ViewEveryIro,
    /// Open the panel register, panel decisions and overlapping panels: everyone who
    /// reads children's records (not administrators).
    ViewPanels,
    /// Download Ofsted's Annex A workbook and the de-identified export for regional
    /// analysis (`/exports`): performance analysts, who prepare them, and heads of
    /// service, who answer for them. Annex A holds every child, restricted records too.
    DownloadExports,
    /// Open the monthly and quarterly oversight reports and their downloads: team
    /// managers, service managers, heads of service, performance analysts, IROs and IRO
    /// managers, who answer for, report on or challenge drift across the service.
    ViewReports,
    /// Open the register of foster carers, a household's page, the sufficiency gap
    /// analysis and matching support, and their downloads (`/fostering`): fostering and
    /// adoption workers, team managers, service managers, heads of service and
    /// performance analysts, who keep, manage or report on foster-care sufficiency.
    ViewFostering,
}

impl Role {
    /// Whether the role holds the permission.
    pub fn can(self, permission: Permission) -> bool {
        match permission {
            Permission::ReadChildren => self != Role::Administrator,
            Permission::ViewAuditLog => matches!(
                self,
                Role::Administrator | Role::ServiceManager | Role::HeadOfService
            ),
            Permission::ViewTeamOversight => matches!(
                self,
                Role::TeamManager
                    | Role::ServiceManager
                    | Role::HeadOfService
                    | Role::PerformanceAnalyst
            ),
            Permission::ViewIroOversight => {
                matches!(self, Role::Iro | Role::IroManager | Role::HeadOfService)
            }
            Permission::ViewEveryIro => matches!(self, Role::IroManager | Role::HeadOfService),
            Permission::ViewPanels => self != Role::Administrator,
            Permission::ViewReports => matches!(
                self,
                Role::TeamManager
                    | Role::ServiceManager
                    | Role::HeadOfService
                    | Role::PerformanceAnalyst
                    | Role::Iro
                    | Role::IroManager
            ),
            Permission::DownloadExports => {
                matches!(self, Role::PerformanceAnalyst | Role::HeadOfService)
            }
            Permission::ViewFostering => matches!(
                self,
                Role::FosteringAdoptionWorker
                    | Role::TeamManager
                    | Role::ServiceManager
                    | Role::HeadOfService
                    | Role::PerformanceAnalyst
            ),
        }
    }
}

/// Whose tracker records a role may add and correct (with [`Role::may_change`]; the
/// table is in `docs/access.md`). The children in reach are found from the current
/// allocations (any allocation role) and the staff register, on the day of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Children allocated to the user's own staff id or to someone in the user's team
    /// (a social worker's caseload and their colleagues' cover).
    OwnTeam,
    /// Children allocated to the user or to staff whose management line reaches the
    /// user (a team manager's span).
    ManagementSpan,
    /// Children the user is allocated to as their independent reviewing officer.
    AllocatedAsIro,
    /// Every child; for reference data (staff, teams, panels), every record.
    Everyone,
}

/// The kinds of record social workers keep for the children they work with.
const CASEWORK: &[Kind] = &[
    Kind::Activity,
    Kind::PermanencePlan,
    Kind::Meeting,
    Kind::FamilyFinding,
    Kind::SiblingAssessment,
    Kind::LifeStoryWork,
    Kind::StayingPut,
];

/// What managers record beyond casework: oversight, allocation and the legal route.
const MANAGEMENT: &[Kind] = &[
    Kind::Decision,
    Kind::SupervisionSession,
    Kind::Allocation,
    Kind::PreProceedings,
    Kind::PreProceedingsMeeting,
    Kind::CareProceedings,
    Kind::Hearing,
    Kind::PanelDecision,
    Kind::ChildDetails,
];

/// The IRO service's own records.
const IRO_RECORDS: &[Kind] = &[Kind::IroChallenge, Kind::ChallengeStep];

/// What fostering and adoption workers record.
const FOSTERING_AND_ADOPTION: &[Kind] = &[
    Kind::FamilyFinding,
    Kind::SiblingAssessment,
    Kind::LifeStoryWork,
    Kind::PanelDecision,
];

/// The register of foster carers and children's placement needs: kept by the fostering
/// service (fostering and adoption workers) and its managers.
const FOSTERING_REGISTER: &[Kind] = &[
    Kind::FosteringHousehold,
    Kind::TermsOfApproval,
    Kind::HouseholdPlacement,
    Kind::RecruitmentEnquiry,
    Kind::PlacementNeeds,
];

/// The reference data administrators keep (never a child's record).
const REFERENCE_DATA: &[Kind] = &[Kind::Person, Kind::Team, Kind::Panel];

impl Role {
    /// Whether the role may add and correct tracker records of this kind, and whose:
    /// `None` when it may not at all. Everyone who may read children may read every
    /// record; this is only about changing them. A kind not named here is changed by
    /// no one (a new kind is refused until it is given a place in the table).
    ///
    /// | Role | Kinds | Whose |
    /// |---|---|---|
    /// | Social worker | activities, permanence plans, meetings, family finding, sibling assessments, life-story work, staying put | [`Reach::OwnTeam`] |
    /// | Team manager | the social worker's kinds, and decisions, supervision sessions, allocations, pre-proceedings and their meetings, care proceedings and hearings, panel decisions, children's details, the foster-carer register (households, terms of approval, children living with households, recruitment, placement needs) | [`Reach::ManagementSpan`] |
    /// | Service manager, head of service | the team manager's kinds | [`Reach::Everyone`] |
    /// | IRO | IRO challenges and their stages | [`Reach::AllocatedAsIro`] |
    /// | IRO manager | IRO challenges and their stages | [`Reach::Everyone`] |
    /// | Fostering and adoption worker | family finding, sibling assessments, life-story work, panel decisions, the foster-carer register | [`Reach::Everyone`] |
    /// | Performance analyst | nothing | |
    /// | Administrator | people, teams, panels (never a child's record) | [`Reach::Everyone`] |
    pub fn may_change(self, kind: Kind) -> Option<Reach> {
        let any = |lists: &[&[Kind]]| lists.iter().any(|list| list.contains(&kind));
        let (kinds, reach): (&[&[Kind]], Reach) = match self {
            Role::SocialWorker => (&[CASEWORK], Reach::OwnTeam),
            Role::TeamManager => (
                &[CASEWORK, MANAGEMENT, FOSTERING_REGISTER],
                Reach::ManagementSpan,
            ),
            Role::ServiceManager | Role::HeadOfService => {
                (&[CASEWORK, MANAGEMENT, FOSTERING_REGISTER], Reach::Everyone)
            }
            Role::Iro => (&[IRO_RECORDS], Reach::AllocatedAsIro),
            Role::IroManager => (&[IRO_RECORDS], Reach::Everyone),
            Role::FosteringAdoptionWorker => (
                &[FOSTERING_AND_ADOPTION, FOSTERING_REGISTER],
                Reach::Everyone,
            ),
            Role::PerformanceAnalyst => (&[], Reach::Everyone),
            Role::Administrator => (&[REFERENCE_DATA], Reach::Everyone),
        };
        any(kinds).then_some(reach)
    }

    /// Whether the role may see the list and history of records of this kind: every
    /// kind for those who read children, and the kinds they keep for the rest (an
    /// administrator sees staff, teams and panels, never a child's record).
    pub fn may_read_records(self, kind: Kind) -> bool {
        self.can(Permission::ReadChildren) || self.may_change(kind).is_some()
    }
}

impl Reach {
    /// Whether a user with this staff id reaches the child, whose tracker records
    /// (allocations) are `tracker`, on `date`. Without a staff id, only
    /// [`Reach::Everyone`] reaches anyone.
    pub fn covers(
        self,
        staff_id: Option<&str>,
        organisation: &Organisation,
        tracker: Option<&ChildTracker>,
        date: Date,
    ) -> bool {
        if self == Reach::Everyone {
            return true;
        }
        let (Some(me), Some(tracker)) = (staff_id.filter(|id| !id.is_empty()), tracker) else {
            return false;
        };
        let allocated = |role: AllocationRole| {
            tracker
                .allocated_on(role, date)
                .map(|allocation| allocation.person.as_str())
        };
        let mut workers = AllocationRole::ALL
            .iter()
            .filter_map(|role| allocated(*role));
        match self {
            Reach::Everyone => true,
            Reach::AllocatedAsIro => allocated(AllocationRole::Iro) == Some(me),
            Reach::OwnTeam => {
                let my_team = organisation.person(me).and_then(|p| p.team.as_deref());
                workers.any(|worker| {
                    worker == me
                        || my_team.is_some_and(|team| {
                            organisation.person(worker).and_then(|p| p.team.as_deref())
                                == Some(team)
                        })
                })
            }
            Reach::ManagementSpan => workers.any(|worker| {
                worker == me
                    || organisation
                        .management_line(worker)
                        .iter()
                        .any(|manager| manager.id == me)
            }),
        }
    }
}

/// The Argon2id hasher with the parameters OWASP recommends (19 MiB, 2 passes).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("fixed parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with Argon2id and a random salt, in PHC string form.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt)?;
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Whether the password matches the stored hash (false for a damaged hash).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A password stored for no account: verifying against it when the username is unknown
/// takes as long as for a real account, so timing does not tell which usernames exist.
pub(crate) fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

/// What a password must be: long enough, and not all spaces.
pub fn password_problem(password: &str) -> Option<&'static str> {
    if password.trim().is_empty() {
        Some("Enter a password")
    } else if password.chars().count() < 12 {
        Some("The password must be 12 characters or more")
    } else if password.chars().count() > 1000 {
        Some("The password must be 1,000 characters or fewer")
    } else {
        None
    }
}

/// A new random token: 32 bytes, in hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// The SHA-256 of a token, in hex: what the database keeps.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// The value of a cookie in the request.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, the whole site, and Secure unless
/// the settings say the server is reached over plain HTTP. `max_age` None: a browser
/// session cookie; Some(0): delete it.
pub fn set_cookie(name: &str, value: &str, max_age: Option<u64>, secure: bool) -> String {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if secure {
        cookie.push_str("; Secure");
    }
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    cookie
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Starts a new session for the user (a fresh token: sessions rotate at every sign-in)
/// and returns its token.
pub(crate) fn start_session(state: &AppState, user: &User) -> Result<String, AppError> {
    let token = new_token();
    let now = now();
    let settings = state.settings();
    let mut store = state.store();
    store.delete_stale_sessions(now, now - settings.idle_timeout.as_secs() as i64)?;
    store.create_session(&Session {
        token_hash: token_hash(&token),
        user_id: user.id,
        csrf_token: new_token(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + settings.absolute_timeout.as_secs() as i64,
    })?;
    Ok(token)
}

/// The signed-in user of a request. Extracting it from a request without a live session
/// redirects to the login page.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The account.
    pub user: User,
    /// The account's role.
    pub role: Role,
    /// The session's CSRF token, for the forms of the page.
    pub csrf_token: String,
    /// The SHA-256 of the session token (to end the session at logout).
    pub token_hash: String,
}

impl CurrentUser {
    /// Refuses (403) unless the user's role holds the permission.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.role.can(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Whether the user may add and correct records of this kind about this child on the
    /// borough's day: the role's kinds ([`Role::may_change`]) and their [`Reach`].
    pub(crate) fn may_change(
        &self,
        borough: &crate::borough::Borough,
        kind: Kind,
        child: &str,
    ) -> bool {
        self.role.may_change(kind).is_some_and(|reach| {
            reach.covers(
                self.user.staff_id.as_deref(),
                &borough.organisation,
                borough.trackers.get(child),
                borough.as_of,
            )
        })
    }

    /// Refuses (403) unless the form carries the session's CSRF token.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if same_secret(token, &self.csrf_token) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// How stale a session's last-seen time may be before a request writes it again.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// The session's user, if the request has a live session (touching it), else None.
pub(crate) fn session_user(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = token_hash(token);
    let now = now();
    let idle = state.settings().idle_timeout.as_secs() as i64;
    let mut store = state.store();
    let Some((session, user)) = store.session(&hash)? else {
        return Ok(None);
    };
    if session.expires_at <= now || session.last_seen_at + idle < now || user.disabled {
        store.delete_session(&hash)?;
        return Ok(None);
    }
    let Some(role) = Role::from_code(&user.role) else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "user {} has an unknown role",
            user.username
        )));
    };
    // Written at most once a minute: an idle timeout counted in minutes loses nothing,
    // and most requests then write nothing but their audit entries.
    if now - session.last_seen_at >= TOUCH_EVERY_SECONDS {
        store.touch_session(&hash, now)?;
    }
    Ok(Some(CurrentUser {
        user,
        role,
        csrf_token: session.csrf_token,
        token_hash: hash,
    }))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<CurrentUser, Response> {
        match session_user(state, &parts.headers) {
            Ok(Some(user)) => Ok(user),
            Ok(None) => Err(Redirect::to("/login").into_response()),
            Err(error) => Err(error.into_response()),
        }
    }
}

/// Failed sign-ins by username and by address, to slow guessing down: past the limit
/// within the window, sign-in is refused without checking the password. Failures older
/// than the window are forgotten, so that guesses at many usernames do not fill memory.
#[derive(Default)]
pub(crate) struct Throttle {
    failures: Mutex<Failures>,
}

#[derive(Default)]
struct Failures {
    /// The times (Unix seconds) of the failures within the window, by key.
    by_key: HashMap<String, Vec<i64>>,
    /// When failures older than the window were last forgotten.
    swept: i64,
}

impl Throttle {
    fn keys(username: &str, address: IpAddr) -> [String; 2] {
        [
            format!("user:{}", username.to_lowercase()),
            format!("addr:{address}"),
        ]
    }

    fn failures(&self) -> std::sync::MutexGuard<'_, Failures> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether sign-in for this username from this address is refused for now.
    pub(crate) fn is_blocked(&self, settings: &Settings, username: &str, address: IpAddr) -> bool {
        let since = now() - settings.throttle_window.as_secs() as i64;
        let mut failures = self.failures();
        let [user_key, address_key] = Self::keys(username, address);
        let mut count = |key: &str| {
            failures.by_key.get_mut(key).map_or(0, |times| {
                times.retain(|&t| t > since);
                times.len()
            })
        };
        count(&user_key) >= settings.max_failures_per_username
            || count(&address_key) >= settings.max_failures_per_address
    }

    /// Records a failed sign-in.
    pub(crate) fn failed(&self, settings: &Settings, username: &str, address: IpAddr) {
        self.failed_at(settings.throttle_window, now(), username, address);
    }

    /// Records a failed sign-in at `now`, first forgetting every failure older than the
    /// window (at most once a minute: the sweep reads every key).
    fn failed_at(&self, window: std::time::Duration, now: i64, username: &str, address: IpAddr) {
        let mut failures = self.failures();
        if now - failures.swept >= 60 {
            let since = now - window.as_secs() as i64;
            failures.by_key.retain(|_, times| {
                times.retain(|&t| t > since);
                !times.is_empty()
            });
            failures.swept = now;
        }
        for key in Self::keys(username, address) {
            failures.by_key.entry(key).or_default().push(now);
        }
    }

    /// Forgets the username's failures after a successful sign-in.
    pub(crate) fn succeeded(&self, username: &str) {
        self.failures()
            .by_key
            .remove(&format!("user:{}", username.to_lowercase()));
    }
}

/// The address a request came from: the connection's, or, when that is one of the
/// reverse proxies trusted ([`Settings::trusted_proxies`]), the nearest address in the
/// `X-Forwarded-For` header that is not a trusted proxy (each proxy appends the address
/// it was reached from, so the right-most entries are the trusted ones; anything to the
/// left of the first untrusted one could have been written by the client). A header
/// missing or unreadable leaves the connection's address.
pub(crate) fn client_address(settings: &Settings, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    let trusted = |address: &IpAddr| settings.trusted_proxies.contains(address);
    if !trusted(&peer) {
        return peer;
    }
    let mut hops = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(value) = value.to_str() else {
            return peer;
        };
        hops.extend(value.split(',').map(str::trim));
    }
    for hop in hops.into_iter().rev() {
        let parsed = hop.parse::<IpAddr>().ok().or_else(|| {
            hop.parse::<std::net::SocketAddr>()
                .ok()
                .map(|address| address.ip())
        });
        match parsed {
            Some(address) if trusted(&address) => continue,
            Some(address) => return address,
            None => return peer,
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_older_than_the_window_are_forgotten() {
        let throttle = Throttle::default();
        let window = std::time::Duration::from_secs(15 * 60);
        let address: IpAddr = "192.0.2.1".parse().unwrap();
        let start = 1_000_000;
        for n in 0..100 {
            throttle.failed_at(window, start, &format!("guess{n}"), address);
        }
        // One key per username and one for the address.
        assert_eq!(throttle.failures().by_key.len(), 101);
        // Within the window (and within a minute of the last sweep) all are kept.
        throttle.failed_at(window, start + 59, "another", address);
        assert_eq!(throttle.failures().by_key.len(), 102);
        // Past the window, the next failure forgets the old ones.
        throttle.failed_at(window, start + 15 * 60 + 60, "later", address);
        let failures = throttle.failures();
        let mut keys: Vec<&str> = failures.by_key.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["addr:192.0.2.1", "user:later"]);
        assert_eq!(failures.by_key["addr:192.0.2.1"], [start + 15 * 60 + 60]);
    }

    #[test]
    fn the_client_address_is_believed_from_trusted_proxies_only() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let settings = Settings {
            trusted_proxies: vec![proxy, "10.0.0.6".parse().unwrap()],
            ..Settings::default()
        };
        let headers = |values: &[&str]| {
            let mut headers = HeaderMap::new();
            for value in values {
                headers.append("x-forwarded-for", value.parse().unwrap());
            }
            headers
        };
        let address = |peer: IpAddr, values: &[&str]| {
            client_address(&settings, peer, &headers(values)).to_string()
        };
        // Straight from a client: the header is whatever the client wrote, so ignored.
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(address(client, &["198.51.100.1"]), "203.0.113.9");
        // Through the proxy: the address the proxy appended.
        assert_eq!(address(proxy, &["198.51.100.1"]), "198.51.100.1");
        // A client's own header is to the left of it, and not believed.
        assert_eq!(address(proxy, &["1.2.3.4, 198.51.100.1"]), "198.51.100.1");
        // Through two trusted proxies (one header each, or one list).
        assert_eq!(
            address(proxy, &["1.2.3.4, 198.51.100.1", "10.0.0.6"]),
            "198.51.100.1"
        );
        assert_eq!(address(proxy, &["198.51.100.1,10.0.0.6"]), "198.51.100.1");
        // IPv6, and an address with its port.
        assert_eq!(address(proxy, &["2001:db8::1"]), "2001:db8::1");
        assert_eq!(address(proxy, &["198.51.100.1:4711"]), "198.51.100.1");
        // No header, or one that cannot be read: the proxy's own address.
        assert_eq!(address(proxy, &[]), "10.0.0.5");
        assert_eq!(address(proxy, &["unknown"]), "10.0.0.5");
        // Only trusted proxies named: the connection's address.
        assert_eq!(address(proxy, &["10.0.0.6"]), "10.0.0.5");
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("correct horse battery stapler", &hash));
        assert!(!verify_password("anything", "not a hash"));
        // A fresh salt every time.
        assert_ne!(hash, hash_password("correct horse battery staple").unwrap());
    }

    #[test]
    fn roles_round_trip_and_administrators_do_not_read_children() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(*role));
            assert_eq!(
                role.can(Permission::ReadChildren),
                *role != Role::Administrator
            );
            assert_eq!(
                role.can(Permission::ViewAuditLog),
                matches!(
                    role,
                    Role::Administrator | Role::ServiceManager | Role::HeadOfService
                )
            );
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn who_may_change_which_records() {
        use Kind::*;
        let may = |role: Role, kind: Kind| role.may_change(kind);
        assert_eq!(
            may(Role::SocialWorker, PermanencePlan),
            Some(Reach::OwnTeam)
        );
        assert_eq!(may(Role::SocialWorker, Decision), None);
        assert_eq!(may(Role::SocialWorker, Allocation), None);
        assert_eq!(
            may(Role::TeamManager, Decision),
            Some(Reach::ManagementSpan)
        );
        assert_eq!(
            may(Role::TeamManager, Activity),
            Some(Reach::ManagementSpan)
        );
        assert_eq!(may(Role::TeamManager, IroChallenge), None);
        assert_eq!(may(Role::HeadOfService, Hearing), Some(Reach::Everyone));
        assert_eq!(may(Role::Iro, ChallengeStep), Some(Reach::AllocatedAsIro));
        assert_eq!(may(Role::Iro, PermanencePlan), None);
        assert_eq!(may(Role::IroManager, IroChallenge), Some(Reach::Everyone));
        assert_eq!(
            may(Role::FosteringAdoptionWorker, PanelDecision),
            Some(Reach::Everyone)
        );
        assert_eq!(may(Role::FosteringAdoptionWorker, PermanencePlan), None);
        assert_eq!(
            may(Role::FosteringAdoptionWorker, FosteringHousehold),
            Some(Reach::Everyone)
        );
        assert_eq!(may(Role::SocialWorker, FosteringHousehold), None);
        assert_eq!(may(Role::Iro, HouseholdPlacement), None);
        for kind in Kind::ALL {
            assert_eq!(may(Role::PerformanceAnalyst, kind), None, "{kind}");
            let reference = matches!(kind, Person | Team | Panel);
            assert_eq!(
                may(Role::Administrator, kind).is_some(),
                reference,
                "{kind}"
            );
            // Reference data is the administrator's alone.
            if reference {
                for role in Role::ALL.iter().filter(|r| **r != Role::Administrator) {
                    assert_eq!(may(*role, kind), None, "{role:?} {kind}");
                }
            }
            assert_eq!(
                Role::Administrator.may_read_records(kind),
                reference,
                "{kind}"
            );
            assert!(Role::PerformanceAnalyst.may_read_records(kind));
        }
    }

    #[test]
    fn reach_follows_allocations_teams_and_the_management_line() {
        use permanence_domain::tracker::{Allocation, Person, StaffRole};
        let person = |id: &str, team: &str, manager: Option<&str>| Person {
            id: id.into(),
            name: id.into(),
            role: StaffRole::SocialWorker,
            team: Some(team.into()),
            manager: manager.map(String::from),
            start: None,
            end: None,
        };
        let organisation = Organisation {
            people: vec![
                person("SW1", "T1", Some("TM1")),
                person("SW2", "T1", Some("TM1")),
                person("SW3", "T2", Some("TM2")),
                person("TM1", "T1", Some("SM1")),
                person("TM2", "T2", Some("SM1")),
                person("SM1", "S", None),
            ],
            ..Organisation::default()
        };
        let day = Date::constant(2025, 6, 1);
        let allocation = |role, person: &str, end: Option<Date>| Allocation {
            child: "C1".into(),
            role,
            person: person.into(),
            team: None,
            start: Date::constant(2025, 1, 1),
            end,
        };
        let tracker = ChildTracker {
            allocations: vec![
                allocation(AllocationRole::SocialWorker, "SW2", None),
                allocation(AllocationRole::Iro, "IRO1", None),
                allocation(
                    AllocationRole::PersonalAdviser,
                    "SW3",
                    Some(Date::constant(2025, 3, 1)),
                ),
            ],
            ..ChildTracker::default()
        };
        let covers =
            |reach: Reach, me: Option<&str>| reach.covers(me, &organisation, Some(&tracker), day);
        assert!(covers(Reach::OwnTeam, Some("SW2")), "allocated");
        assert!(covers(Reach::OwnTeam, Some("SW1")), "same team");
        assert!(!covers(Reach::OwnTeam, Some("SW3")), "allocation ended");
        assert!(!covers(Reach::OwnTeam, None));
        assert!(covers(Reach::ManagementSpan, Some("TM1")));
        assert!(covers(Reach::ManagementSpan, Some("SM1")));
        assert!(!covers(Reach::ManagementSpan, Some("TM2")));
        assert!(covers(Reach::AllocatedAsIro, Some("IRO1")));
        assert!(!covers(Reach::AllocatedAsIro, Some("SW2")));
        assert!(covers(Reach::Everyone, None));
        assert!(!Reach::OwnTeam.covers(Some("SW2"), &organisation, None, day));
    }

    #[test]
    fn tokens_are_random_and_kept_as_hashes() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
        assert!(!same_secret(&a, "short"));
    }

    #[test]
    fn cookies_are_found_and_written_strictly() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "a=1; permanence_session=xyz".parse().unwrap(),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "b"), None);
        let written = set_cookie(SESSION_COOKIE, "xyz", None, true);
        assert!(written.contains("HttpOnly"));
        assert!(written.contains("SameSite=Strict"));
        assert!(written.contains("Secure"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(password_problem("").is_some());
        assert!(password_problem("short").is_some());
        assert!(password_problem("a long enough password").is_none());
    }
}
