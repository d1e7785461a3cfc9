//! What the drift engine says about a child: a [`Finding`] (one rule, one child), its
//! [`Status`], who owns it ([`Role`]) and the [`Evidence`] a person can check by hand.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use permanence_domain::Date;
use permanence_domain::date::format_dmy;

/// How urgent a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Past its due date and not done (or, for rules with no timescale, happening now).
    Overdue,
    /// Not done, and due within the policy's "due soon" window.
    DueSoon,
    /// The rule needs a fact the records do not hold (or hold wrongly); someone should
    /// look at the record.
    CannotDecide,
}

impl Status {
    /// The snake-case name used in JSON and CSV (`overdue`, `due_soon`, `cannot_decide`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::DueSoon => "due_soon",
            Status::CannotDecide => "cannot_decide",
        }
    }

    /// Plain-English label.
    pub fn label(self) -> &'static str {
        match self {
            Status::Overdue => "Overdue",
            Status::DueSoon => "Due soon",
            Status::CannotDecide => "Cannot decide",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A status name that is not one of [`Status::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a status; expected overdue, due_soon or cannot_decide")]
pub struct UnknownStatus(pub String);

impl Status {
    /// Every status, most urgent first.
    pub const ALL: [Status; 3] = [Status::Overdue, Status::DueSoon, Status::CannotDecide];
}

impl FromStr for Status {
    type Err = UnknownStatus;

    fn from_str(text: &str) -> Result<Status, UnknownStatus> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or_else(|| UnknownStatus(text.to_string()))
    }
}

/// Who should act on a finding, or receive it when it escalates.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The child's social worker.
    SocialWorker,
    /// Team manager.
    TeamManager,
    /// Service manager.
    ServiceManager,
    /// Head of service.
    HeadOfService,
    /// Director of children's services (DCS).
    Director,
    /// Independent reviewing officer.
    Iro,
    /// Manager of the IRO service.
    IroManager,
    /// Care leaver's personal adviser.
    PersonalAdviser,
    /// Regional adoption agency (family finding).
    RegionalAdoptionAgency,
    /// Virtual school head or officer.
    VirtualSchool,
    /// Looked-after children's health team.
    HealthTeam,
    /// Fostering team manager.
    FosteringTeamManager,
    /// Nominated officer (approves ceasing care, temporary-approval extensions).
    NominatedOfficer,
    /// The council's legal team.
    Legal,
}

impl Role {
    /// Every role, in order of the default escalation ladder first.
    pub const ALL: [Role; 14] = [
        Role::SocialWorker,
        Role::TeamManager,
        Role::ServiceManager,
        Role::HeadOfService,
        Role::Director,
        Role::Iro,
        Role::IroManager,
        Role::PersonalAdviser,
        Role::RegionalAdoptionAgency,
        Role::VirtualSchool,
        Role::HealthTeam,
        Role::FosteringTeamManager,
        Role::NominatedOfficer,
        Role::Legal,
    ];

    /// The snake-case name used in the policy file, JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SocialWorker => "social_worker",
            Role::TeamManager => "team_manager",
            Role::ServiceManager => "service_manager",
            Role::HeadOfService => "head_of_service",
            Role::Director => "director",
            Role::Iro => "iro",
            Role::IroManager => "iro_manager",
            Role::PersonalAdviser => "personal_adviser",
            Role::RegionalAdoptionAgency => "regional_adoption_agency",
            Role::VirtualSchool => "virtual_school",
            Role::HealthTeam => "health_team",
            Role::FosteringTeamManager => "fostering_team_manager",
            Role::NominatedOfficer => "nominated_officer",
            Role::Legal => "legal",
        }
    }

    /// Plain-English label.
    pub fn label(self) -> &'static str {
        match self {
            Role::SocialWorker => "Social worker",
            Role::TeamManager => "Team manager",
            Role::ServiceManager => "Service manager",
            Role::HeadOfService => "Head of service",
            Role::Director => "Director of children's services",
            Role::Iro => "Independent reviewing officer",
            Role::IroManager => "IRO manager",
            Role::PersonalAdviser => "Personal adviser",
            Role::RegionalAdoptionAgency => "Regional adoption agency",
            Role::VirtualSchool => "Virtual school",
            Role::HealthTeam => "Looked-after children's health team",
            Role::FosteringTeamManager => "Fostering team manager",
            Role::NominatedOfficer => "Nominated officer",
            Role::Legal => "Legal team",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of [`Role::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a role; expected one of: {allowed}", allowed = Role::ALL.map(Role::as_str).join(", "))]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(text: &str) -> Result<Role, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| UnknownRole(text.to_string()))
    }
}

/// One fact a finding rests on: a label and the value found, with dates as
/// `dd/mm/yyyy`, so that anyone can check the finding against the record by hand.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Evidence {
    /// What the fact is, e.g. "Period of care started".
    pub label: &'static str,
    /// The fact, e.g. "20/12/2025 (episode DECOM, RNE S)" (fixed text is not copied).
    pub value: Cow<'static, str>,
}

impl Evidence {
    /// Evidence with a label and a value: a `String`, or fixed text (`&'static str`).
    pub fn new(label: &'static str, value: impl Into<Cow<'static, str>>) -> Evidence {
        Evidence {
            label,
            value: value.into(),
        }
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.label, self.value)
    }
}

/// What one rule says about one child on the evaluation date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The rule's stable id, e.g. `REV-01`.
    pub rule: &'static str,
    /// The child's 903 CHILD id.
    pub child: String,
    /// How urgent it is.
    pub status: Status,
    /// When the action was (or is) due; for rules with no timescale, the day the
    /// condition began. `None` when the rule cannot decide.
    #[serde(serialize_with = "serialize_optional_date")]
    pub due: Option<Date>,
    /// Calendar days after the due date (0 when due soon or when the rule cannot decide).
    pub days_overdue: i32,
    /// Who should act first (from the rule table).
    pub owner_role: Role,
    /// The person in `owner_role` for this child on the evaluation date (a staff id),
    /// from the child's allocations or the allocated worker's management line; `None`
    /// when the records do not say (no allocation, or a role no person holds, such as
    /// the regional adoption agency).
    pub owner: Option<String>,
    /// The owner's name, when the staff register knows the person.
    pub owner_name: Option<String>,
    /// Who the finding has reached on the escalation ladder: the owner until it has been
    /// overdue for the ladder's working days, then the next level up. A management
    /// decision recorded for the alert holds it where it is until the decision's own due
    /// date.
    pub escalated_to: Role,
    /// The person in `escalated_to` for this child (a staff id), found as `owner` is.
    pub escalated_to_person: Option<String>,
    /// That person's name, when the staff register knows the person.
    pub escalated_to_name: Option<String>,
    /// The rule's plain-English title.
    pub title: &'static str,
    /// The dates and records used.
    pub evidence: Vec<Evidence>,
    /// The management decision recorded for this alert that holds (or held) its
    /// escalation, when there is one: how a manager acknowledges an overdue alert.
    pub decision: Option<AlertDecision>,
    /// What the finding is about when a rule can find several things about one child
    /// (a decision's, challenge's or case's id, a sibling, a question): with the rule
    /// and the child it identifies the alert from one evaluation to the next.
    pub subject: Option<String>,
}

/// A management decision recorded for an alert (source `alert`, source ref the rule id).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AlertDecision {
    /// The decision's id.
    pub id: String,
    /// By when it is to be carried out.
    #[serde(serialize_with = "serialize_date")]
    pub due: Date,
    /// Whether it still holds the escalation (its due date has not passed).
    pub holding: bool,
}

fn serialize_date<S: serde::Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(date)
}

fn serialize_optional_date<S: serde::Serializer>(
    date: &Option<Date>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => serializer.collect_str(date),
        None => serializer.serialize_none(),
    }
}

impl Finding {
    /// The finding, about `subject` (see [`Finding::subject`]).
    pub fn about(mut self, subject: impl Into<String>) -> Finding {
        self.subject = Some(subject.into());
        self
    }

    /// The evidence as one line: `label: value; label: value`.
    pub fn evidence_text(&self) -> String {
        self.evidence
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The due date as `dd/mm/yyyy`, or an empty string.
    pub fn due_text(&self) -> String {
        self.due.map(format_dmy).unwrap_or_default()
    }
}

/// The order findings are listed in: most overdue first, then overdue before due soon
/// before cannot decide, then earliest due date (none last), then child, then rule, then
/// evidence (so that the order never depends on the order children were given in).
pub fn finding_order(a: &Finding, b: &Finding) -> Ordering {
    b.days_overdue
        .cmp(&a.days_overdue)
        .then(a.status.cmp(&b.status))
        .then_with(|| match (a.due, b.due) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| a.child.cmp(&b.child))
        .then_with(|| a.rule.cmp(b.rule))
        .then_with(|| a.evidence_text().cmp(&b.evidence_text()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(
                serde_json::to_string(&role).unwrap(),
                format!("\"{}\"", role.as_str())
            );
        }
        let error = "boss".parse::<Role>().unwrap_err().to_string();
        assert!(error.starts_with("'boss' is not a role; expected one of: social_worker"));
    }

    #[test]
    fn statuses_serialise_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&Status::DueSoon).unwrap(),
            "\"due_soon\""
        );
        assert_eq!(
            serde_json::to_string(&Status::CannotDecide).unwrap(),
            "\"cannot_decide\""
        );
        assert_eq!(Status::Overdue.to_string(), "overdue");
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>(), Ok(status));
        }
        assert!("late".parse::<Status>().is_err());
    }

    #[test]
    fn findings_sort_most_overdue_first() {
        let finding = |child: &str, rule: &'static str, days: i32, due: Option<Date>| Finding {
            rule,
            child: child.to_string(),
            status: if days > 0 {
                Status::Overdue
            } else {
                Status::DueSoon
            },
            due,
            days_overdue: days,
            owner_role: Role::SocialWorker,
            owner: None,
            owner_name: None,
            escalated_to: Role::SocialWorker,
            escalated_to_person: None,
            escalated_to_name: None,
            title: "t",
            evidence: vec![],
            decision: None,
            subject: None,
        };
        let d = |day| Some(Date::constant(2026, 1, day));
        let mut findings = [
            finding("B", "REV-01", 0, d(5)),
            finding("A", "REV-02", 0, d(5)),
            finding("A", "REV-01", 0, d(5)),
            finding("C", "REV-01", 0, d(2)),
            finding("D", "REV-01", 9, d(1)),
            finding("E", "REV-01", 0, None),
        ];
        findings.sort_by(finding_order);
        let order: Vec<_> = findings
            .iter()
            .map(|f| (f.child.as_str(), f.rule))
            .collect();
        assert_eq!(
            order,
            vec![
                ("D", "REV-01"),
                ("C", "REV-01"),
                ("A", "REV-01"),
                ("A", "REV-02"),
                ("B", "REV-01"),
                ("E", "REV-01"),
            ]
        );
    }

    #[test]
    fn findings_serialise_dates_as_iso() {
        let finding = Finding {
            rule: "REV-01",
            child: "C1".into(),
            status: Status::Overdue,
            due: Some(Date::constant(2026, 1, 21)),
            days_overdue: 3,
            owner_role: Role::Iro,
            owner: Some("IRO1".into()),
            owner_name: Some("Ira Reed".into()),
            escalated_to: Role::Iro,
            escalated_to_person: Some("IRO1".into()),
            escalated_to_name: Some("Ira Reed".into()),
            title: "First review",
            evidence: vec![Evidence::new("Period of care started", "20/12/2025")],
            decision: Some(AlertDecision {
                id: "D1".into(),
                due: Date::constant(2026, 2, 6),
                holding: true,
            }),
            subject: None,
        };
        let json = serde_json::to_value(&finding).unwrap();
        assert_eq!(json["due"], "2026-01-21");
        assert_eq!(json["decision"]["due"], "2026-02-06");
        assert_eq!(json["status"], "overdue");
        assert_eq!(json["owner_role"], "iro");
        assert_eq!(json["owner"], "IRO1");
        assert_eq!(json["owner_name"], "Ira Reed");
        assert_eq!(json["escalated_to_person"], "IRO1");
        assert_eq!(json["evidence"][0]["label"], "Period of care started");
        assert_eq!(finding.due_text(), "21/01/2026");
        assert_eq!(
            finding.evidence_text(),
            "Period of care started: 20/12/2025"
        );
    }
}
