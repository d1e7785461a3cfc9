//! The CSV templates, defined once as data: for every record type, its columns (name,
//! meaning, whether required, and what a value must be), the columns that identify a
//! record (its key), the dates that must not come before others, and an example row.
//!
//! Reading ([`crate::read`]), writing ([`crate::write`]) and the documentation
//! (`docs/tracker-templates.md`, [`crate::docs`]) are all derived from these tables, so
//! they cannot disagree.

use std::fmt;

use permanence_domain::tracker::*;

/// The kinds of tracker record, one CSV template each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Kind {
    /// Staff.
    Person,
    /// Teams.
    Team,
    /// Children's names and restrictions of their records to named staff.
    ChildDetails,
    /// Allocations of children to workers.
    Allocation,
    /// Permanence plan versions.
    PermanencePlan,
    /// Permanence planning meetings and family group conferences.
    Meeting,
    /// Family finding.
    FamilyFinding,
    /// Together-and-apart sibling assessments.
    SiblingAssessment,
    /// Life-story work.
    LifeStoryWork,
    /// Supervision sessions.
    SupervisionSession,
    /// Management decisions.
    Decision,
    /// IRO challenges.
    IroChallenge,
    /// Stages of IRO challenges.
    ChallengeStep,
    /// The panel register.
    Panel,
    /// Panel decisions about children.
    PanelDecision,
    /// Statutory activity.
    Activity,
    /// Pre-proceedings.
    PreProceedings,
    /// Pre-proceedings meetings and reviews.
    PreProceedingsMeeting,
    /// Care proceedings.
    CareProceedings,
    /// Hearings and extensions in care proceedings.
    Hearing,
    /// Staying-put decisions.
    StayingPut,
    /// Fostering households (the register of foster carers).
    FosteringHousehold,
    /// Households' terms of approval, reviews and variations.
    TermsOfApproval,
    /// Children living with fostering households.
    HouseholdPlacement,
    /// Foster carer recruitment enquiries.
    RecruitmentEnquiry,
    /// Children's placement needs, for matching.
    PlacementNeeds,
}

impl Kind {
    /// Every kind, in the order the documentation and summaries list them (records that
    /// others refer to come first).
    pub const ALL: [Kind; 26] = [
        Kind::Person,
        Kind::Team,
        Kind::ChildDetails,
        Kind::Allocation,
        Kind::PermanencePlan,
        Kind::Meeting,
        Kind::FamilyFinding,
        Kind::SiblingAssessment,
        Kind::LifeStoryWork,
        Kind::SupervisionSession,
        Kind::Decision,
        Kind::IroChallenge,
        Kind::ChallengeStep,
        Kind::Panel,
        Kind::PanelDecision,
        Kind::Activity,
        Kind::PreProceedings,
        Kind::PreProceedingsMeeting,
        Kind::CareProceedings,
        Kind::Hearing,
        Kind::StayingPut,
        Kind::FosteringHousehold,
        Kind::TermsOfApproval,
        Kind::HouseholdPlacement,
        Kind::RecruitmentEnquiry,
        Kind::PlacementNeeds,
    ];

    /// The kind's template.
    pub fn template(self) -> &'static Template {
        &TEMPLATES[self as usize]
    }

    /// The template's name (also the stored kind and the file stem), e.g. `permanence_plans`.
    pub fn name(self) -> &'static str {
        self.template().name
    }

    /// The usual file name, e.g. `permanence_plans.csv`.
    pub fn file_name(self) -> String {
        format!("{}.csv", self.name())
    }

    /// The kind with this template name.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A vocabulary of codes: the lower-case `code()`s of one of the domain's vocabularies.
#[derive(Clone, Copy)]
pub struct Vocabulary {
    /// Its name in messages and the documentation, e.g. "permanence option".
    pub name: &'static str,
    lookup: fn(&str) -> Option<&'static str>,
    entries: fn() -> Vec<(&'static str, &'static str)>,
}

impl Vocabulary {
    /// The code as stored, if `code` (already trimmed and lower-cased) is one.
    pub fn canonical(&self, code: &str) -> Option<&'static str> {
        (self.lookup)(code)
    }

    /// Every code with its label, in the vocabulary's order.
    pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
        (self.entries)()
    }

    /// Every code, in order.
    pub fn codes(&self) -> Vec<&'static str> {
        self.entries().into_iter().map(|(code, _)| code).collect()
    }
}

impl fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Vocabulary({})", self.name)
    }
}

macro_rules! vocabularies {
    ($( $(#[$meta:meta])* $constant:ident: $ty:ty = $name:literal; )*) => {
        $(
            $(#[$meta])*
            pub const $constant: Vocabulary = Vocabulary {
                name: $name,
                lookup: |code| <$ty>::from_code(code).map(|v| v.code()),
                entries: || <$ty>::ALL.iter().map(|v| (v.code(), v.label())).collect(),
            };
        )*
    };
}

vocabularies! {
    /// [`StaffRole`].
    STAFF_ROLE: StaffRole = "staff role";
    /// [`AllocationRole`].
    ALLOCATION_ROLE: AllocationRole = "allocation role";
    /// [`PermanenceOption`].
    PERMANENCE_OPTION: PermanenceOption = "permanence option";
    /// [`Forum`].
    FORUM: Forum = "forum";
    /// [`MeetingKind`].
    MEETING_KIND: MeetingKind = "meeting kind";
    /// [`FamilyFindingRoute`].
    FAMILY_FINDING_ROUTE: FamilyFindingRoute = "family-finding route";
    /// [`FamilyFindingStatus`].
    FAMILY_FINDING_STATUS: FamilyFindingStatus = "family-finding status";
    /// [`SiblingConclusion`].
    SIBLING_CONCLUSION: SiblingConclusion = "sibling-assessment conclusion";
    /// [`DecisionSource`].
    DECISION_SOURCE: DecisionSource = "decision source";
    /// [`ChallengeCategory`].
    CHALLENGE_CATEGORY: ChallengeCategory = "challenge category";
    /// [`ChallengeStage`].
    CHALLENGE_STAGE: ChallengeStage = "challenge stage";
    /// [`PanelQuestion`].
    PANEL_QUESTION: PanelQuestion = "panel question";
    /// [`ActivityKind`].
    ACTIVITY_KIND: ActivityKind = "activity kind";
    /// [`PreProceedingsOutcome`].
    PRE_PROCEEDINGS_OUTCOME: PreProceedingsOutcome = "pre-proceedings outcome";
    /// [`PreProceedingsMeetingKind`].
    PRE_PROCEEDINGS_MEETING_KIND: PreProceedingsMeetingKind = "pre-proceedings meeting kind";
    /// [`CourtOrder`].
    COURT_ORDER: CourtOrder = "court order";
    /// [`HearingKind`].
    HEARING_KIND: HearingKind = "hearing kind";
    /// [`StayingPutDecision`].
    STAYING_PUT_DECISION: StayingPutDecision = "staying-put decision";
    /// [`HouseholdType`].
    HOUSEHOLD_TYPE: HouseholdType = "household type";
    /// [`HouseholdStatus`].
    HOUSEHOLD_STATUS: HouseholdStatus = "household status";
    /// [`FosteringPlacementType`].
    FOSTERING_PLACEMENT_TYPE: FosteringPlacementType = "placement type";
    /// [`ComplexNeed`].
    COMPLEX_NEED: ComplexNeed = "complex need";
    /// [`VacancyReason`].
    VACANCY_REASON: VacancyReason = "vacancy reason";
    /// [`TermsReason`].
    TERMS_REASON: TermsReason = "terms reason";
    /// [`RecruitmentOutcome`].
    RECRUITMENT_OUTCOME: RecruitmentOutcome = "recruitment outcome";
}

/// What an id column refers to: every such value must exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A child in the 903 data.
    Child,
    /// A member of staff (people).
    Person,
    /// A team (teams).
    Team,
    /// A panel (panels).
    Panel,
    /// An IRO challenge (iro_challenges).
    Challenge,
    /// A pre-proceedings case (pre_proceedings).
    PreProceedings,
    /// Care proceedings (care_proceedings).
    Proceedings,
    /// A supervision session (supervision_sessions).
    Session,
    /// A fostering household (fostering_households).
    Household,
}

impl Target {
    /// The kind of record holding these ids, or `None` for children (the 903 data).
    pub fn kind(self) -> Option<Kind> {
        match self {
            Target::Child => None,
            Target::Person => Some(Kind::Person),
            Target::Team => Some(Kind::Team),
            Target::Panel => Some(Kind::Panel),
            Target::Challenge => Some(Kind::IroChallenge),
            Target::PreProceedings => Some(Kind::PreProceedings),
            Target::Proceedings => Some(Kind::CareProceedings),
            Target::Session => Some(Kind::SupervisionSession),
            Target::Household => Some(Kind::FosteringHousehold),
        }
    }

    /// What the id names, in messages: "person", "panel", ...
    pub fn noun(self) -> &'static str {
        match self {
            Target::Child => "child",
            Target::Person => "person",
            Target::Team => "team",
            Target::Panel => "panel",
            Target::Challenge => "IRO challenge",
            Target::PreProceedings => "pre-proceedings case",
            Target::Proceedings => "care proceedings case",
            Target::Session => "supervision session",
            Target::Household => "fostering household",
        }
    }

    /// Where such ids come from, for the documentation.
    pub fn source(self) -> String {
        match self.kind() {
            None => "a CHILD id in the 903 data".to_string(),
            Some(kind) => format!("an ID in `{}`", kind.file_name()),
        }
    }
}

/// What a value must be.
#[derive(Debug, Clone, Copy)]
pub enum ColumnKind {
    /// Free text, kept as written (line breaks allowed).
    Text,
    /// The record's own id: text without line breaks, unique within its template.
    Id,
    /// An id of something that must exist.
    Ref(Target),
    /// A date, `dd/mm/yyyy`. `future`: whether it may lie after the day of the import
    /// (a target or due date may; the day a meeting was held may not).
    Date {
        /// Whether a date after the import's day is accepted.
        future: bool,
    },
    /// One code of a vocabulary.
    Code(Vocabulary),
    /// A whole number from 0 to `max`.
    Number {
        /// The largest value allowed.
        max: u32,
        /// Whether a blank counts as 0 (counts) rather than no value.
        blank_is_zero: bool,
    },
    /// `Y` or `N`.
    Flag,
    /// Several values separated by `;`.
    List(Item),
}

/// What each value of a list column must be.
#[derive(Debug, Clone, Copy)]
pub enum Item {
    /// Text without `;`.
    Text,
    /// An id of something that must exist.
    Ref(Target),
    /// A code of a vocabulary.
    Code(Vocabulary),
}

/// One column of a template.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The column name, UPPER_SNAKE.
    pub name: &'static str,
    /// What it holds, in plain English (shown in the documentation and in the message
    /// when a required value is blank).
    pub description: &'static str,
    /// Whether a value is required.
    pub required: bool,
    /// What a value must be.
    pub kind: ColumnKind,
}

const fn required(name: &'static str, kind: ColumnKind, description: &'static str) -> Column {
    Column {
        name,
        description,
        required: true,
        kind,
    }
}

const fn optional(name: &'static str, kind: ColumnKind, description: &'static str) -> Column {
    Column {
        name,
        description,
        required: false,
        kind,
    }
}

/// One CSV template: a record type's columns and rules.
#[derive(Debug)]
pub struct Template {
    /// The record type.
    pub kind: Kind,
    /// The template's name (lower snake case), also the usual file stem.
    pub name: &'static str,
    /// A title for the documentation.
    pub title: &'static str,
    /// What a row is.
    pub description: &'static str,
    /// The columns, in the order files are written.
    pub columns: &'static [Column],
    /// The columns that identify a record: a row with the same key as a stored record
    /// is a correction of it.
    pub key: &'static [&'static str],
    /// Pairs `(later, earlier)`: the date in `later` must not be before `earlier`.
    pub not_before: &'static [(&'static str, &'static str)],
    /// Pairs of columns given both or neither.
    pub together: &'static [(&'static str, &'static str)],
    /// A valid example row, one value per column.
    pub example: &'static [&'static str],
}

impl Template {
    /// The position of a column.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The column of this name.
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column names in order.
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }

    /// Whether the template has a CHILD column.
    pub fn has_child(&self) -> bool {
        self.position("CHILD").is_some()
    }
}

const PAST: ColumnKind = ColumnKind::Date { future: false };
const ANY_DATE: ColumnKind = ColumnKind::Date { future: true };
const TEXT: ColumnKind = ColumnKind::Text;
const ID: ColumnKind = ColumnKind::Id;
const CHILD: ColumnKind = ColumnKind::Ref(Target::Child);
const PERSON: ColumnKind = ColumnKind::Ref(Target::Person);
const TEAM: ColumnKind = ColumnKind::Ref(Target::Team);
const COUNT: ColumnKind = ColumnKind::Number {
    max: 100_000,
    blank_is_zero: true,
};
const AGE: ColumnKind = ColumnKind::Number {
    max: 18,
    blank_is_zero: false,
};
const fn code(vocabulary: Vocabulary) -> ColumnKind {
    ColumnKind::Code(vocabulary)
}

const CHILD_COLUMN: Column = required("CHILD", CHILD, "The child's 903 CHILD id.");

/// Every template, in [`Kind::ALL`] order.
pub static TEMPLATES: [Template; 26] = [
    Template {
        kind: Kind::Person,
        name: "people",
        title: "People (staff)",
        description: "One row per member of staff: social workers, personal advisers, managers, \
                      IROs, panel chairs and others. Escalation follows the MANAGER line. Every \
                      staff id named in another template must be here (in this import or \
                      already in the database).",
        columns: &[
            required(
                "ID",
                ID,
                "The staff id (for social workers, the 903 SW_ID).",
            ),
            required("NAME", TEXT, "Full name."),
            required("ROLE", code(STAFF_ROLE), "What they do."),
            optional("TEAM", TEAM, "Their team."),
            optional("MANAGER", PERSON, "Their line manager's staff id."),
            optional("START", ANY_DATE, "The day they started in the role."),
            optional("END", ANY_DATE, "The day they left the role."),
        ],
        key: &["ID"],
        not_before: &[("END", "START")],
        together: &[],
        example: &[
            "SW0012",
            "Sam Okafor",
            "social_worker",
            "CIC2",
            "TM0003",
            "04/09/2023",
            "",
        ],
    },
    Template {
        kind: Kind::Team,
        name: "teams",
        title: "Teams",
        description: "One row per team.",
        columns: &[
            required("ID", ID, "The team id."),
            required("NAME", TEXT, "Its name, e.g. Children in Care 2."),
            optional("SERVICE", TEXT, "The service it belongs to."),
            optional("MANAGER", PERSON, "Its manager's staff id."),
        ],
        key: &["ID"],
        not_before: &[],
        together: &[],
        example: &[
            "CIC2",
            "Children in Care 2",
            "Children's social care",
            "TM0003",
        ],
    },
    Template {
        kind: Kind::ChildDetails,
        name: "child_details",
        title: "Children's names and restricted records",
        description: "One row per child: the name the child is known by (the 903 return holds \
                      no names), and, for a record that only named staff may see (a child of \
                      a member of staff, a high-profile case), who they are and why. A \
                      restricted record is left out of every list and search for everyone \
                      else, and its page answers as if the child did not exist.",
        columns: &[
            CHILD_COLUMN,
            required("NAME", TEXT, "The name the child is known by."),
            optional(
                "RESTRICTED_TO",
                ColumnKind::List(Item::Ref(Target::Person)),
                "The only staff who may see the record: staff ids separated by `;` (blank: \
                 not restricted).",
            ),
            optional(
                "RESTRICTION_REASON",
                TEXT,
                "Why the record is restricted (given exactly when RESTRICTED_TO is).",
            ),
        ],
        key: &["CHILD"],
        not_before: &[],
        together: &[("RESTRICTED_TO", "RESTRICTION_REASON")],
        example: &[
            "C0000123",
            "Robin Example",
            "SW0012;TM0003",
            "Child of a member of staff",
        ],
    },
    Template {
        kind: Kind::Allocation,
        name: "allocations",
        title: "Allocations",
        description: "One row per allocation of a child to a social worker, personal adviser \
                      or IRO. Every alert takes its owner from here.",
        columns: &[
            CHILD_COLUMN,
            required(
                "ROLE",
                code(ALLOCATION_ROLE),
                "As what the worker is allocated.",
            ),
            required("WORKER", PERSON, "The worker's staff id."),
            optional("TEAM", TEAM, "The team holding the case."),
            required("START", PAST, "The day the allocation began."),
            optional(
                "END",
                PAST,
                "The day the allocation ended (blank while current).",
            ),
        ],
        key: &["CHILD", "ROLE", "START"],
        not_before: &[("END", "START")],
        together: &[],
        example: &[
            "C0000123",
            "social_worker",
            "SW0012",
            "CIC2",
            "01/02/2025",
            "",
        ],
    },
    Template {
        kind: Kind::PermanencePlan,
        name: "permanence_plans",
        title: "Permanence plans",
        description: "One row per version of a child's permanence plan: each decision that \
                      changes the plan is a new row with its own DECIDED date, so the rows \
                      are the plan's history.",
        columns: &[
            CHILD_COLUMN,
            required("DECIDED", PAST, "The day this version was decided."),
            required("FORUM", code(FORUM), "Where it was decided."),
            required("PRIMARY", code(PERMANENCE_OPTION), "The primary plan."),
            optional(
                "PARALLEL",
                ColumnKind::List(Item::Code(PERMANENCE_OPTION)),
                "Parallel plans, actively worked on alongside the primary plan.",
            ),
            optional(
                "CONTINGENCY",
                code(PERMANENCE_OPTION),
                "The contingency plan, if the primary plan fails.",
            ),
            optional("TARGET", ANY_DATE, "When permanence should be achieved."),
            optional("ACHIEVED", PAST, "The day permanence was achieved."),
            optional(
                "ACHIEVED_BY",
                code(PERMANENCE_OPTION),
                "The route by which it was achieved.",
            ),
        ],
        key: &["CHILD", "DECIDED"],
        not_before: &[("TARGET", "DECIDED"), ("ACHIEVED", "DECIDED")],
        together: &[("ACHIEVED", "ACHIEVED_BY")],
        example: &[
            "C0000123",
            "14/03/2025",
            "permanence_planning_meeting",
            "return_home",
            "connected_carers;special_guardianship",
            "long_term_fostering",
            "14/09/2025",
            "",
            "",
        ],
    },
    Template {
        kind: Kind::Meeting,
        name: "meetings",
        title: "Permanence planning meetings and family group conferences",
        description: "One row per meeting held about a child's permanence.",
        columns: &[
            CHILD_COLUMN,
            required("KIND", code(MEETING_KIND), "Which kind of meeting."),
            required("DATE", PAST, "The day it was held."),
            optional("CHAIR", PERSON, "Who chaired it (staff id)."),
            optional("OUTCOME", TEXT, "What it decided."),
            optional("NEXT", ANY_DATE, "The date set for the next meeting."),
        ],
        key: &["CHILD", "KIND", "DATE"],
        not_before: &[("NEXT", "DATE")],
        together: &[],
        example: &[
            "C0000123",
            "permanence_planning_meeting",
            "14/03/2025",
            "TM0003",
            "Parallel plan agreed; viability assessment of maternal aunt",
            "13/06/2025",
        ],
    },
    Template {
        kind: Kind::FamilyFinding,
        name: "family_finding",
        title: "Family finding",
        description: "One row per search for a family for a child by one route. Counts are \
                      totals to date (blank counts as 0).",
        columns: &[
            CHILD_COLUMN,
            required("ROUTE", code(FAMILY_FINDING_ROUTE), "Which route."),
            required("START", PAST, "The day the search started."),
            optional("PROFILES", COUNT, "Profiles produced or circulated."),
            optional("LINKS", COUNT, "Links explored."),
            optional(
                "EXPRESSIONS_OF_INTEREST",
                COUNT,
                "Expressions of interest received.",
            ),
            optional("MATCHES", COUNT, "Matches proposed."),
            required(
                "STATUS",
                code(FAMILY_FINDING_STATUS),
                "Where the search stands.",
            ),
            optional("END", PAST, "The day it ended."),
            optional("END_REASON", TEXT, "Why it ended."),
            optional(
                "FOSTERING_FOR_ADOPTION_CONSIDERED",
                PAST,
                "The day placement with approved adopters as foster carers (fostering for \
                 adoption, s22C(9A)) was considered.",
            ),
        ],
        key: &["CHILD", "ROUTE", "START"],
        not_before: &[("END", "START")],
        together: &[],
        example: &[
            "C0000123",
            "adoption",
            "02/05/2025",
            "2",
            "5",
            "3",
            "1",
            "active",
            "",
            "",
            "02/05/2025",
        ],
    },
    Template {
        kind: Kind::SiblingAssessment,
        name: "sibling_assessments",
        title: "Together-and-apart sibling assessments",
        description: "One row per completed assessment of whether siblings should live \
                      together or apart.",
        columns: &[
            CHILD_COLUMN,
            required(
                "SIBLINGS",
                ColumnKind::List(Item::Text),
                "The siblings covered, separated by `;` (903 CHILD ids where they are looked \
                 after, else as written).",
            ),
            required("DATE", PAST, "The day it was completed."),
            required("CONCLUSION", code(SIBLING_CONCLUSION), "What it concluded."),
        ],
        key: &["CHILD", "DATE"],
        not_before: &[],
        together: &[],
        example: &["C0000123", "C0000124;C0000125", "20/04/2025", "together"],
    },
    Template {
        kind: Kind::LifeStoryWork,
        name: "life_story_work",
        title: "Life-story work",
        description: "One row per child, corrected (re-imported) as the work progresses.",
        columns: &[
            CHILD_COLUMN,
            optional("STARTED", PAST, "The day the work started."),
            optional(
                "SESSIONS",
                COUNT,
                "Direct-work sessions held (blank counts as 0).",
            ),
            optional("LAST_SESSION", PAST, "The day of the latest session."),
            optional(
                "BOOK_FIRST_STAGE",
                PAST,
                "The day the first stage of the life-story book was given.",
            ),
            optional(
                "BOOK_COMPLETED",
                PAST,
                "The day the completed book was given.",
            ),
            optional(
                "LATER_LIFE_LETTER",
                PAST,
                "The day the later-life letter was given.",
            ),
        ],
        key: &["CHILD"],
        not_before: &[
            ("LAST_SESSION", "STARTED"),
            ("BOOK_FIRST_STAGE", "STARTED"),
            ("BOOK_COMPLETED", "STARTED"),
            ("BOOK_COMPLETED", "BOOK_FIRST_STAGE"),
            ("LATER_LIFE_LETTER", "STARTED"),
        ],
        together: &[],
        example: &["C0000123", "01/06/2025", "4", "20/08/2025", "", "", ""],
    },
    Template {
        kind: Kind::SupervisionSession,
        name: "supervision_sessions",
        title: "Supervision sessions",
        description: "One row per supervision session. Decisions made in it go in \
                      `decisions.csv` with SOURCE `supervision` and SOURCE_REF the session's ID.",
        columns: &[
            required("ID", ID, "The session's id."),
            required("DATE", PAST, "The day it was held."),
            required("SUPERVISOR", PERSON, "The supervisor's staff id."),
            required("SUPERVISEE", PERSON, "The supervised worker's staff id."),
            optional(
                "CHILDREN",
                ColumnKind::List(Item::Ref(Target::Child)),
                "The children discussed: 903 CHILD ids separated by `;`.",
            ),
        ],
        key: &["ID"],
        not_before: &[],
        together: &[],
        example: &[
            "SUP-2025-0042",
            "10/03/2025",
            "TM0003",
            "SW0012",
            "C0000123;C0000124",
        ],
    },
    Template {
        kind: Kind::Decision,
        name: "decisions",
        title: "Decisions",
        description: "One log of management decisions, from supervision, alerts, reviews, \
                      panels and meetings: what will happen, who will do it, by when. Every \
                      decision needs an owner.",
        columns: &[
            required("ID", ID, "The decision's id."),
            optional("CHILD", CHILD, "The child it is about (blank if none)."),
            required("SOURCE", code(DECISION_SOURCE), "Where it came from."),
            optional(
                "SOURCE_REF",
                TEXT,
                "The supervision session's ID, the alert's rule id, or the panel's ID it came \
                 from (a session or panel named here must exist).",
            ),
            required("MADE", PAST, "The day it was made."),
            required("MADE_BY", PERSON, "Who made it (staff id)."),
            required("DECISION", TEXT, "What was decided."),
            required(
                "OWNER",
                PERSON,
                "Who must carry it out (staff id); every decision needs an owner.",
            ),
            optional("DUE", ANY_DATE, "By when."),
            optional("COMPLETED", PAST, "The day it was carried out."),
        ],
        key: &["ID"],
        not_before: &[("DUE", "MADE"), ("COMPLETED", "MADE")],
        together: &[],
        example: &[
            "DEC-2025-0107",
            "C0000123",
            "supervision",
            "SUP-2025-0042",
            "10/03/2025",
            "TM0003",
            "Refer maternal aunt for viability assessment",
            "SW0012",
            "24/03/2025",
            "",
        ],
    },
    Template {
        kind: Kind::IroChallenge,
        name: "iro_challenges",
        title: "IRO challenges",
        description: "One row per challenge an IRO raises about a child's plan (dispute \
                      resolution). Its stages go in `iro_challenge_steps.csv`.",
        columns: &[
            required("ID", ID, "The challenge's id."),
            CHILD_COLUMN,
            required("IRO", PERSON, "The IRO who raised it (staff id)."),
            required("RAISED", PAST, "The day it was raised."),
            required("CATEGORY", code(CHALLENGE_CATEGORY), "What it is about."),
            optional("RESOLVED", PAST, "The day it was resolved."),
            optional(
                "CAFCASS_REFERRAL",
                PAST,
                "The day it was referred to Cafcass, if it was.",
            ),
        ],
        key: &["ID"],
        not_before: &[("RESOLVED", "RAISED"), ("CAFCASS_REFERRAL", "RAISED")],
        together: &[],
        example: &[
            "IRO-2025-0009",
            "C0000123",
            "IRO0002",
            "02/04/2025",
            "drift_and_delay",
            "",
            "",
        ],
    },
    Template {
        kind: Kind::ChallengeStep,
        name: "iro_challenge_steps",
        title: "IRO challenge stages",
        description: "One row per stage an IRO challenge reached: when, when a response was \
                      due, and when it came.",
        columns: &[
            required(
                "CHALLENGE",
                ColumnKind::Ref(Target::Challenge),
                "The challenge's ID (from `iro_challenges.csv`).",
            ),
            required("STAGE", code(CHALLENGE_STAGE), "The stage."),
            required("STARTED", PAST, "The day the challenge reached this stage."),
            required("RESPONSE_DUE", ANY_DATE, "The day a response is due."),
            optional("RESPONDED", PAST, "The day the response came."),
            optional("RESPONSE", TEXT, "What the response said."),
        ],
        key: &["CHALLENGE", "STAGE"],
        not_before: &[("RESPONSE_DUE", "STARTED"), ("RESPONDED", "STARTED")],
        together: &[],
        example: &[
            "IRO-2025-0009",
            "team_manager",
            "09/04/2025",
            "23/04/2025",
            "",
            "",
        ],
    },
    Template {
        kind: Kind::Panel,
        name: "panels",
        title: "Panels",
        description: "The register of panels: one row per panel, with the questions it \
                      decides.",
        columns: &[
            required("ID", ID, "The panel's id."),
            required("NAME", TEXT, "Its name."),
            required("REMIT", TEXT, "What it is for."),
            optional("CHAIR", PERSON, "Its chair's staff id."),
            required(
                "QUESTIONS",
                ColumnKind::List(Item::Code(PANEL_QUESTION)),
                "The questions it decides, separated by `;`.",
            ),
        ],
        key: &["ID"],
        not_before: &[],
        together: &[],
        example: &[
            "PERM",
            "Permanence panel",
            "Agrees permanence plans and long-term matches",
            "HOS0001",
            "permanence_plan;long_term_fostering_match",
        ],
    },
    Template {
        kind: Kind::PanelDecision,
        name: "panel_decisions",
        title: "Panel decisions",
        description: "One row per question a panel decided about a child.",
        columns: &[
            CHILD_COLUMN,
            required(
                "PANEL",
                ColumnKind::Ref(Target::Panel),
                "The panel's ID (from `panels.csv`).",
            ),
            required("DATE", PAST, "The day of the panel."),
            required("QUESTION", code(PANEL_QUESTION), "The question decided."),
            required("DECISION", TEXT, "What it decided."),
            optional("CONDITIONS", TEXT, "Conditions attached."),
        ],
        key: &["CHILD", "PANEL", "DATE", "QUESTION"],
        not_before: &[],
        together: &[],
        example: &[
            "C0000123",
            "PERM",
            "28/04/2025",
            "permanence_plan",
            "Plan of return home endorsed with special guardianship as parallel plan",
            "Review at the next permanence planning meeting",
        ],
    },
    Template {
        kind: Kind::Activity,
        name: "activities",
        title: "Statutory activity",
        description: "One row per dated piece of statutory work the 903 return does not \
                      hold: visits, care and placement plans, health assessments, personal \
                      education plans, care leavers' assessments and plans, and others.",
        columns: &[
            CHILD_COLUMN,
            required("KIND", code(ACTIVITY_KIND), "What was done."),
            required("DATE", PAST, "The day it was done."),
            optional("BY", PERSON, "Who did it (staff id)."),
            optional(
                "SEEN_ALONE",
                ColumnKind::Flag,
                "For visits only: whether the child was seen alone.",
            ),
        ],
        key: &["CHILD", "KIND", "DATE"],
        not_before: &[],
        together: &[],
        example: &["C0000123", "visit", "03/03/2025", "SW0012", "Y"],
    },
    Template {
        kind: Kind::PreProceedings,
        name: "pre_proceedings",
        title: "Pre-proceedings (Public Law Outline)",
        description: "One row per pre-proceedings case. Its meetings and reviews go in \
                      `pre_proceedings_meetings.csv`.",
        columns: &[
            required("ID", ID, "The case's id."),
            CHILD_COLUMN,
            required(
                "LEGAL_GATEWAY_MEETING",
                PAST,
                "The day of the legal gateway (planning) meeting that started it.",
            ),
            optional(
                "LETTER_BEFORE_PROCEEDINGS",
                PAST,
                "The day the letter before proceedings was sent.",
            ),
            optional("OUTCOME", code(PRE_PROCEEDINGS_OUTCOME), "How it ended."),
            optional("ENDED", PAST, "The day it ended."),
        ],
        key: &["ID"],
        not_before: &[
            ("LETTER_BEFORE_PROCEEDINGS", "LEGAL_GATEWAY_MEETING"),
            ("ENDED", "LEGAL_GATEWAY_MEETING"),
        ],
        together: &[("OUTCOME", "ENDED")],
        example: &[
            "PLO-2025-0003",
            "C0000123",
            "06/01/2025",
            "13/01/2025",
            "",
            "",
        ],
    },
    Template {
        kind: Kind::PreProceedingsMeeting,
        name: "pre_proceedings_meetings",
        title: "Pre-proceedings meetings and reviews",
        description: "One row per meeting or review held in a pre-proceedings case.",
        columns: &[
            required(
                "PRE_PROCEEDINGS",
                ColumnKind::Ref(Target::PreProceedings),
                "The case's ID (from `pre_proceedings.csv`).",
            ),
            required("KIND", code(PRE_PROCEEDINGS_MEETING_KIND), "Which kind."),
            required("DATE", PAST, "The day it was held."),
        ],
        key: &["PRE_PROCEEDINGS", "KIND", "DATE"],
        not_before: &[],
        together: &[],
        example: &["PLO-2025-0003", "meeting", "27/01/2025"],
    },
    Template {
        kind: Kind::CareProceedings,
        name: "care_proceedings",
        title: "Care proceedings",
        description: "One row per care proceedings case. Its hearings and extensions go in \
                      `hearings.csv`.",
        columns: &[
            required("ID", ID, "The case's id."),
            CHILD_COLUMN,
            required(
                "ISSUED",
                PAST,
                "The day the application was issued (day 1 of 26 weeks).",
            ),
            optional("CONCLUDED", PAST, "The day the proceedings concluded."),
            optional("ORDER", code(COURT_ORDER), "The final order."),
        ],
        key: &["ID"],
        not_before: &[("CONCLUDED", "ISSUED")],
        together: &[("CONCLUDED", "ORDER")],
        example: &["CP-2025-0011", "C0000123", "10/02/2025", "", ""],
    },
    Template {
        kind: Kind::Hearing,
        name: "hearings",
        title: "Hearings and extensions",
        description: "One row per hearing in care proceedings, or per extension of the \
                      26-week limit granted (KIND `extension`, with EXTENSION_WEEKS).",
        columns: &[
            required(
                "PROCEEDINGS",
                ColumnKind::Ref(Target::Proceedings),
                "The proceedings' ID (from `care_proceedings.csv`).",
            ),
            required("KIND", code(HEARING_KIND), "Which kind."),
            required(
                "DATE",
                PAST,
                "The day of the hearing, or the day the extension was granted.",
            ),
            optional(
                "EXTENSION_WEEKS",
                ColumnKind::Number {
                    max: 8,
                    blank_is_zero: false,
                },
                "For an extension only: how many weeks it adds (at most 8).",
            ),
        ],
        key: &["PROCEEDINGS", "KIND", "DATE"],
        not_before: &[],
        together: &[],
        example: &["CP-2025-0011", "case_management", "25/02/2025", ""],
    },
    Template {
        kind: Kind::StayingPut,
        name: "staying_put",
        title: "Staying put",
        description: "One row per staying-put decision for a young person in foster care, \
                      with the arrangement's dates when it was agreed.",
        columns: &[
            CHILD_COLUMN,
            required("DECIDED", PAST, "The day it was decided."),
            required("DECISION", code(STAYING_PUT_DECISION), "What was decided."),
            optional(
                "START",
                PAST,
                "The day the arrangement started (agreed only).",
            ),
            optional("END", PAST, "The day it ended."),
        ],
        key: &["CHILD", "DECIDED"],
        not_before: &[("END", "START")],
        together: &[],
        example: &["C0000123", "12/01/2025", "agreed", "", ""],
    },
    Template {
        kind: Kind::FosteringHousehold,
        name: "fostering_households",
        title: "Fostering households (the register of foster carers)",
        description: "One row per fostering household: in-house, connected-person (family and \
                      friends) or independent fostering agency carers, with where they live, \
                      what they bring (languages, ethnicity, religion, skills with complex \
                      needs) and where they stand. Their terms of approval go in \
                      `household_approvals.csv`, the children living with them in \
                      `household_placements.csv`.",
        columns: &[
            required("ID", ID, "The household's id."),
            required(
                "NAME",
                TEXT,
                "The carers' names as the service knows the household.",
            ),
            required(
                "TYPE",
                code(HOUSEHOLD_TYPE),
                "Who the household fosters for.",
            ),
            required("STATUS", code(HOUSEHOLD_STATUS), "Where it stands."),
            required(
                "POSTCODE_DISTRICT",
                TEXT,
                "The postcode district, the first half of the postcode (e.g. SE15).",
            ),
            required(
                "IN_BOROUGH",
                ColumnKind::Flag,
                "Whether the household lives in the borough.",
            ),
            optional(
                "LANGUAGES",
                ColumnKind::List(Item::Text),
                "Languages spoken at home, separated by `;`.",
            ),
            optional(
                "ETHNICITY",
                ColumnKind::List(Item::Text),
                "The carers' ethnicity as 903 ETHNIC codes (e.g. WBRI), separated by `;`.",
            ),
            optional("RELIGION", TEXT, "The carers' religion, if any."),
            optional(
                "SKILLS",
                ColumnKind::List(Item::Code(COMPLEX_NEED)),
                "Skills and experience with complex needs, separated by `;`.",
            ),
            optional("APPROVED", PAST, "The day the household was approved."),
            optional(
                "SUPERVISING_WORKER",
                PERSON,
                "The household's supervising social worker (staff id).",
            ),
            optional(
                "VACANCY_REASON",
                code(VACANCY_REASON),
                "Why a vacancy is not being used, when one is not.",
            ),
        ],
        key: &["ID"],
        not_before: &[],
        together: &[],
        example: &[
            "FH-0042",
            "Ada and Ben Cole",
            "in_house",
            "approved",
            "SE15",
            "Y",
            "English;Yoruba",
            "BAFR",
            "Christian",
            "disability;trauma",
            "12/05/2022",
            "FW0004",
            "",
        ],
    },
    Template {
        kind: Kind::TermsOfApproval,
        name: "household_approvals",
        title: "Terms of approval, reviews and variations",
        description: "One row each time a household's terms of approval were set: at \
                      approval, at each annual review of approval (reg 28: the first within \
                      a year of approval, then at most every 12 months), and at each \
                      variation. The latest row on or before a day is the terms in force \
                      that day.",
        columns: &[
            required(
                "HOUSEHOLD",
                ColumnKind::Ref(Target::Household),
                "The household's ID (from `fostering_households.csv`).",
            ),
            required("FROM", PAST, "The day the terms took effect."),
            required("REASON", code(TERMS_REASON), "Why they were set."),
            required(
                "AGE_MIN",
                AGE,
                "The youngest age approved for (completed years, 0 to 18).",
            ),
            required(
                "AGE_MAX",
                AGE,
                "The oldest age approved for (completed years, 0 to 18).",
            ),
            required(
                "CHILDREN",
                ColumnKind::Number {
                    max: 10,
                    blank_is_zero: false,
                },
                "How many children may live with the household at once (1 to 10).",
            ),
            required(
                "PLACEMENT_TYPES",
                ColumnKind::List(Item::Code(FOSTERING_PLACEMENT_TYPE)),
                "The kinds of placement approved for, separated by `;`.",
            ),
        ],
        key: &["HOUSEHOLD", "FROM"],
        not_before: &[],
        together: &[],
        example: &[
            "FH-0042",
            "12/05/2022",
            "approval",
            "0",
            "11",
            "2",
            "short_term;long_term",
        ],
    },
    Template {
        kind: Kind::HouseholdPlacement,
        name: "household_placements",
        title: "Children living with fostering households",
        description: "One row per child placed with a fostering household, from the day the \
                      child moved in to the day the child left: how children link to their \
                      carers (the 903 return holds no carer id). The household must be in \
                      `fostering_households.csv`.",
        columns: &[
            CHILD_COLUMN,
            required(
                "HOUSEHOLD",
                ColumnKind::Ref(Target::Household),
                "The household's ID (from `fostering_households.csv`).",
            ),
            required("START", PAST, "The day the child moved in."),
            optional(
                "END",
                PAST,
                "The day the child left (blank while living there).",
            ),
            required(
                "PLACEMENT_TYPE",
                code(FOSTERING_PLACEMENT_TYPE),
                "The kind of placement.",
            ),
            optional(
                "EXEMPTION",
                ColumnKind::Flag,
                "Whether a named-child exemption from the usual fostering limit of three \
                 children was granted for this child.",
            ),
        ],
        key: &["CHILD", "HOUSEHOLD", "START"],
        not_before: &[("END", "START")],
        together: &[],
        example: &["C0000123", "FH-0042", "03/03/2025", "", "short_term", "N"],
    },
    Template {
        kind: Kind::RecruitmentEnquiry,
        name: "recruitment_pipeline",
        title: "Foster carer recruitment",
        description: "One row per enquiry from prospective foster carers, through \
                      assessment stages 1 and 2 and the fostering panel to approval (or \
                      withdrawal).",
        columns: &[
            required("ID", ID, "The enquiry's id."),
            required("ENQUIRY", PAST, "The day of the enquiry."),
            optional("STAGE_ONE", PAST, "The day assessment stage 1 started."),
            optional("STAGE_TWO", PAST, "The day assessment stage 2 started."),
            optional("PANEL", PAST, "The day of the fostering panel."),
            optional(
                "APPROVED",
                PAST,
                "The day of approval (the agency decision).",
            ),
            required(
                "OUTCOME",
                code(RECRUITMENT_OUTCOME),
                "How it ended, or in progress.",
            ),
            optional("ENDED", PAST, "The day it ended."),
            optional(
                "HOUSEHOLD",
                ColumnKind::Ref(Target::Household),
                "The household it became, once approved (from `fostering_households.csv`).",
            ),
        ],
        key: &["ID"],
        not_before: &[
            ("STAGE_ONE", "ENQUIRY"),
            ("STAGE_TWO", "STAGE_ONE"),
            ("PANEL", "STAGE_TWO"),
            ("APPROVED", "PANEL"),
            ("ENDED", "ENQUIRY"),
        ],
        together: &[],
        example: &[
            "ENQ-2025-0031",
            "06/01/2025",
            "03/02/2025",
            "07/04/2025",
            "",
            "",
            "in_progress",
            "",
            "",
        ],
    },
    Template {
        kind: Kind::PlacementNeeds,
        name: "placement_needs",
        title: "Children's placement needs (for matching)",
        description: "One row per child needing a foster family, corrected as the needs \
                      change: the kind of placement the plan needs, complex needs carers must \
                      meet, language, religion, and where the child's school and family are. \
                      Matching reads it (it is decision support: a person records the \
                      decision).",
        columns: &[
            CHILD_COLUMN,
            required("ASSESSED", PAST, "The day the needs were assessed."),
            required(
                "PLACEMENT_TYPE",
                code(FOSTERING_PLACEMENT_TYPE),
                "The kind of placement the plan needs.",
            ),
            optional(
                "NEEDS",
                ColumnKind::List(Item::Code(COMPLEX_NEED)),
                "Complex needs carers must be able to meet, separated by `;`.",
            ),
            optional(
                "LANGUAGES",
                ColumnKind::List(Item::Text),
                "Languages the child speaks, separated by `;`.",
            ),
            optional("RELIGION", TEXT, "The child's religion, if any."),
            optional(
                "SCHOOL_DISTRICT",
                TEXT,
                "The postcode district of the child's school.",
            ),
            optional(
                "FAMILY_DISTRICT",
                TEXT,
                "The postcode district of the family the child keeps in touch with.",
            ),
        ],
        key: &["CHILD"],
        not_before: &[],
        together: &[],
        example: &[
            "C0000123",
            "10/03/2025",
            "long_term",
            "trauma",
            "English",
            "",
            "SE15",
            "SE22",
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_in_kind_order_with_consistent_columns() {
        for (index, kind) in Kind::ALL.into_iter().enumerate() {
            let template = &TEMPLATES[index];
            assert_eq!(template.kind, kind, "{}", template.name);
            assert_eq!(
                template.example.len(),
                template.columns.len(),
                "{}",
                template.name
            );
            let names = template.column_names();
            for (i, name) in names.iter().enumerate() {
                assert!(
                    !names[..i].contains(name),
                    "{}: {name} twice",
                    template.name
                );
                assert!(
                    name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
                    "{}: {name} is not UPPER_SNAKE",
                    template.name
                );
            }
            let referenced = template
                .key
                .iter()
                .chain(template.not_before.iter().flat_map(|(a, b)| [a, b]))
                .chain(template.together.iter().flat_map(|(a, b)| [a, b]));
            for name in referenced {
                assert!(names.contains(name), "{}: no column {name}", template.name);
            }
            for name in template.key {
                assert!(
                    template.column(name).unwrap().required,
                    "{}: key {name} must be required",
                    template.name
                );
            }
            for (later, earlier) in template.not_before {
                for name in [later, earlier] {
                    assert!(
                        matches!(template.column(name).unwrap().kind, ColumnKind::Date { .. }),
                        "{}: {name} is not a date",
                        template.name
                    );
                }
            }
            assert_eq!(Kind::from_name(template.name), Some(kind));
        }
    }

    #[test]
    fn no_two_templates_have_the_same_columns() {
        for (i, a) in TEMPLATES.iter().enumerate() {
            for b in &TEMPLATES[..i] {
                let mut x = a.column_names();
                let mut y = b.column_names();
                x.sort();
                y.sort();
                assert_ne!(x, y, "{} and {}", a.name, b.name);
            }
        }
    }

    #[test]
    fn vocabularies_list_their_codes() {
        assert_eq!(PERMANENCE_OPTION.canonical("adoption"), Some("adoption"));
        assert_eq!(PERMANENCE_OPTION.canonical("nope"), None);
        assert_eq!(STAFF_ROLE.codes().len(), StaffRole::ALL.len());
    }
}
