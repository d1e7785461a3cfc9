//! The permanence work the 903 return does not record, held by the tracker itself:
//! staff and the management line, allocations, permanence plans, meetings, family
//! finding, sibling assessments, life-story work, supervision and decisions, IRO
//! challenges, panels, statutory activity, pre-proceedings and court proceedings,
//! care leavers' arrangements, and the register of foster carers (households, terms of
//! approval, the children living with them, recruitment) with children's placement needs.
//!
//! These are pure types. Child ids are the 903 `CHILD` ids; staff ids are the council's
//! own (social workers' ids match the 903 `SW_ID`). Every vocabulary is an enum with a
//! stable lower-case code (used in the CSV templates and JSON) and a plain-English label.

use crate::Date;
use crate::record::ChildId;

/// A member of staff's id (for social workers, the 903 `SW_ID`).
pub type PersonId = String;
/// A team's id.
pub type TeamId = String;
/// The id of a record that others refer to (a decision, a challenge, a panel, ...).
pub type RecordId = String;

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $variant:ident = $code:literal $label:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                #[doc = $label]
                #[serde(rename = $code)]
                $variant,
            )*
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable code used in files.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            /// Plain-English label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }

            /// The value with this code.
            pub fn from_code(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.code() == text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

vocabulary! {
    /// What a member of staff does; it decides what they may see and change, and where
    /// they stand on the escalation ladder.
    StaffRole {
        SocialWorker = "social_worker" "Social worker";
        PersonalAdviser = "personal_adviser" "Personal adviser";
        TeamManager = "team_manager" "Team manager";
        ServiceManager = "service_manager" "Service manager";
        HeadOfService = "head_of_service" "Head of service";
        Director = "director" "Director of children's services";
        Iro = "iro" "Independent reviewing officer";
        IroManager = "iro_manager" "IRO manager";
        FosteringWorker = "fostering_worker" "Fostering worker";
        AdoptionWorker = "adoption_worker" "Adoption worker";
        PanelChair = "panel_chair" "Panel chair";
        PerformanceAnalyst = "performance_analyst" "Performance analyst";
        Administrator = "administrator" "Administrator";
    }
}

/// A member of staff.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Person {
    /// The staff id.
    pub id: PersonId,
    /// Full name.
    pub name: String,
    /// What they do.
    pub role: StaffRole,
    /// Their team.
    pub team: Option<TeamId>,
    /// Their line manager: escalation follows this line.
    pub manager: Option<PersonId>,
    /// The day they started in the role.
    pub start: Option<Date>,
    /// The day they left the role.
    pub end: Option<Date>,
}

/// A team.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Team {
    /// The team id.
    pub id: TeamId,
    /// Its name, e.g. "Children in Care 2".
    pub name: String,
    /// The service it belongs to, e.g. "Children's social care".
    pub service: Option<String>,
    /// Its manager.
    pub manager: Option<PersonId>,
}

vocabulary! {
    /// Who a child is allocated to.
    AllocationRole {
        SocialWorker = "social_worker" "Social worker";
        PersonalAdviser = "personal_adviser" "Personal adviser";
        Iro = "iro" "Independent reviewing officer";
    }
}

/// A child's allocation to a worker: every alert gets its owner from here.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Allocation {
    /// The child.
    pub child: ChildId,
    /// As what.
    pub role: AllocationRole,
    /// To whom.
    pub person: PersonId,
    /// The team holding the case.
    pub team: Option<TeamId>,
    /// From.
    pub start: Date,
    /// Until (the day the allocation ended).
    pub end: Option<Date>,
}

vocabulary! {
    /// The permanence options, one vocabulary for primary, parallel and contingency
    /// plans, in the order of the usual hierarchy.
    PermanenceOption {
        ReturnHome = "return_home" "Return home";
        ConnectedCarers = "connected_carers" "Connected carers (kinship)";
        SpecialGuardianship = "special_guardianship" "Special guardianship";
        ChildArrangementsOrder = "child_arrangements_order" "Child arrangements order";
        Adoption = "adoption" "Adoption";
        FosteringForAdoption = "fostering_for_adoption" "Adoption through fostering for adoption";
        ConcurrentPlanning = "concurrent_planning" "Adoption through concurrent planning";
        LongTermFostering = "long_term_fostering" "Long-term fostering";
        Residential = "residential" "Residential care";
        SupportedLiving = "supported_living" "Supported or independent living";
        StayingPut = "staying_put" "Staying put";
    }
}

impl PermanenceOption {
    /// Adoption by any route (including fostering for adoption and concurrent planning).
    pub fn is_adoption(self) -> bool {
        matches!(
            self,
            PermanenceOption::Adoption
                | PermanenceOption::FosteringForAdoption
                | PermanenceOption::ConcurrentPlanning
        )
    }

    /// Options whose success is uncertain while assessments or proceedings run, so a
    /// parallel or contingency plan is expected (PERM-02).
    pub fn needs_a_fallback(self) -> bool {
        matches!(
            self,
            PermanenceOption::ReturnHome | PermanenceOption::ConnectedCarers
        )
    }
}

vocabulary! {
    /// Where a decision was made.
    Forum {
        Review = "review" "Looked-after review";
        PermanencePlanningMeeting = "permanence_planning_meeting" "Permanence planning meeting";
        Panel = "panel" "Panel";
        Supervision = "supervision" "Supervision";
        Court = "court" "Court";
        Other = "other" "Other";
    }
}

/// A version of a child's permanence plan. Each decision that changes the plan is a new
/// version; the history of versions is the history of the plan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PermanencePlan {
    /// The child.
    pub child: ChildId,
    /// The day this version was decided.
    pub decided: Date,
    /// Where it was decided.
    pub forum: Forum,
    /// The primary plan.
    pub primary: PermanenceOption,
    /// Parallel plans, actively worked on alongside the primary plan.
    pub parallel: Vec<PermanenceOption>,
    /// The contingency plan, if the primary plan fails.
    pub contingency: Option<PermanenceOption>,
    /// When permanence should be achieved.
    pub target: Option<Date>,
    /// When permanence was achieved.
    pub achieved: Option<Date>,
    /// By which route it was achieved.
    pub achieved_by: Option<PermanenceOption>,
}

vocabulary! {
    /// Meetings about a child's permanence.
    MeetingKind {
        PermanencePlanningMeeting = "permanence_planning_meeting" "Permanence planning meeting";
        FamilyGroupConference = "family_group_conference" "Family group conference";
    }
}

impl PermanencePlan {
    /// Whether the plan has a parallel or contingency plan to fall back on.
    pub fn has_fallback(&self) -> bool {
        self.contingency.is_some() || !self.parallel.is_empty()
    }
}

/// A permanence planning meeting or family group conference.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Meeting {
    /// The child.
    pub child: ChildId,
    /// Which kind.
    pub kind: MeetingKind,
    /// The day it was held.
    pub date: Date,
    /// Who chaired it.
    pub chair: Option<PersonId>,
    /// What it decided.
    pub outcome: String,
    /// The next meeting it set.
    pub next: Option<Date>,
}

vocabulary! {
    /// Routes of family finding.
    FamilyFindingRoute {
        Adoption = "adoption" "Adoption";
        LongTermFostering = "long_term_fostering" "Long-term fostering";
        ConnectedPersons = "connected_persons" "Connected persons";
    }
}

vocabulary! {
    /// Where a family search stands.
    FamilyFindingStatus {
        Active = "active" "Active";
        Paused = "paused" "Paused";
        Matched = "matched" "Matched";
        Ended = "ended" "Ended";
    }
}

/// A search for a family for a child by one route.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FamilyFinding {
    /// The child.
    pub child: ChildId,
    /// Which route.
    pub route: FamilyFindingRoute,
    /// The day the search started.
    pub start: Date,
    /// Profiles produced or circulated.
    pub profiles: u32,
    /// Links explored.
    pub links: u32,
    /// Expressions of interest received.
    pub expressions_of_interest: u32,
    /// Matches proposed.
    pub matches: u32,
    /// Where the search stands.
    pub status: FamilyFindingStatus,
    /// The day it ended.
    pub end: Option<Date>,
    /// Why it ended.
    pub end_reason: Option<String>,
    /// The day placement with approved adopters as foster carers (fostering for
    /// adoption, s22C(9A)) was considered.
    pub fostering_for_adoption_considered: Option<Date>,
}

impl FamilyFinding {
    /// Whether the search is active on `date`.
    pub fn active_on(&self, date: Date) -> bool {
        self.start <= date
            && self.end.is_none_or(|end| end > date)
            && self.status == FamilyFindingStatus::Active
    }
}

vocabulary! {
    /// What a together-and-apart assessment concluded.
    SiblingConclusion {
        Together = "together" "Place together";
        Apart = "apart" "Place apart";
        SomeTogether = "some_together" "Some together, some apart";
    }
}

/// A together-and-apart assessment of a sibling group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SiblingAssessment {
    /// The child the record is about.
    pub child: ChildId,
    /// The siblings covered (903 ids where they are looked after, else as written).
    pub siblings: Vec<String>,
    /// The day it was completed.
    pub date: Date,
    /// What it concluded.
    pub conclusion: SiblingConclusion,
}

/// Life-story work with a child: one record per child, corrected as work progresses.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LifeStoryWork {
    /// The child.
    pub child: ChildId,
    /// The day the work started.
    pub started: Option<Date>,
    /// Direct-work sessions held.
    pub sessions: u32,
    /// The day of the latest session.
    pub last_session: Option<Date>,
    /// The day the first stage of the life-story book was given.
    pub book_first_stage: Option<Date>,
    /// The day the completed book was given.
    pub book_completed: Option<Date>,
    /// The day the later-life letter was given.
    pub later_life_letter: Option<Date>,
}

/// A supervision session.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SupervisionSession {
    /// The session's id.
    pub id: RecordId,
    /// The day it was held.
    pub date: Date,
    /// The supervisor.
    pub supervisor: PersonId,
    /// The worker supervised.
    pub supervisee: PersonId,
    /// The children discussed.
    pub children: Vec<ChildId>,
}

vocabulary! {
    /// Where a management decision came from.
    DecisionSource {
        Supervision = "supervision" "Supervision";
        Alert = "alert" "Alert";
        Review = "review" "Looked-after review";
        Panel = "panel" "Panel";
        PermanencePlanningMeeting = "permanence_planning_meeting" "Permanence planning meeting";
        Other = "other" "Other";
    }
}

/// A management decision: what will happen, who will do it, by when. One log for
/// decisions from supervision, alerts, reviews and panels.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Decision {
    /// The decision's id.
    pub id: RecordId,
    /// The child it is about, if one.
    pub child: Option<ChildId>,
    /// Where it came from.
    pub source: DecisionSource,
    /// The session, alert (rule id) or panel it came from.
    pub source_ref: Option<String>,
    /// The day it was made.
    pub made: Date,
    /// Who made it.
    pub made_by: PersonId,
    /// What was decided.
    pub text: String,
    /// Who must carry it out (required).
    pub owner: PersonId,
    /// By when.
    pub due: Option<Date>,
    /// The day it was carried out.
    pub completed: Option<Date>,
}

vocabulary! {
    /// What an IRO challenge is about (common local protocol categories).
    ChallengeCategory {
        CarePlanning = "care_planning" "Care planning";
        CarePlanImplementation = "care_plan_implementation" "Implementing the care plan";
        DriftAndDelay = "drift_and_delay" "Drift and delay";
        NoExitPlan = "no_exit_plan" "No exit plan";
        NoSocialWorker = "no_social_worker" "No social worker allocated";
        PoorPractice = "poor_practice" "Poor practice";
        ChildParticipation = "child_participation" "Child's participation";
        Other = "other" "Other";
    }
}

vocabulary! {
    /// The stages of the IRO dispute-resolution process, in order.
    ChallengeStage {
        Informal = "informal" "Informal (social worker and team manager)";
        TeamManager = "team_manager" "Formal: team manager";
        ServiceManager = "service_manager" "Formal: service manager";
        HeadOfService = "head_of_service" "Formal: head of service";
        Director = "director" "Formal: director";
    }
}

/// An IRO's challenge to the authority about a child's plan (dispute resolution).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IroChallenge {
    /// The challenge's id.
    pub id: RecordId,
    /// The child.
    pub child: ChildId,
    /// The IRO who raised it.
    pub iro: PersonId,
    /// The day it was raised.
    pub raised: Date,
    /// What it is about.
    pub category: ChallengeCategory,
    /// The day it was resolved.
    pub resolved: Option<Date>,
    /// The day it was referred to Cafcass, if it was.
    pub cafcass_referral: Option<Date>,
}

/// One stage of an IRO challenge: when it reached the stage, when a response was due
/// and when it came.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChallengeStep {
    /// The challenge.
    pub challenge: RecordId,
    /// The stage.
    pub stage: ChallengeStage,
    /// The day the challenge reached this stage.
    pub started: Date,
    /// The day a response is due.
    pub response_due: Date,
    /// The day the response came.
    pub responded: Option<Date>,
    /// What the response said.
    pub response: Option<String>,
}

vocabulary! {
    /// The questions panels decide about children.
    PanelQuestion {
        PlanForAdoption = "plan_for_adoption" "Should the child be placed for adoption";
        AdoptionMatch = "adoption_match" "Match with prospective adopters";
        LongTermFosteringMatch = "long_term_fostering_match" "Match with long-term foster carers";
        PermanencePlan = "permanence_plan" "Agree the permanence plan";
        PlacementResource = "placement_resource" "Agree a placement or its funding";
        LegalGateway = "legal_gateway" "Legal gateway: pre-proceedings or proceedings";
        Other = "other" "Other";
    }
}

/// A panel in the council's register.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Panel {
    /// The panel's id.
    pub id: RecordId,
    /// Its name.
    pub name: String,
    /// What it is for.
    pub remit: String,
    /// Its chair.
    pub chair: Option<PersonId>,
    /// The questions it decides.
    pub questions: Vec<PanelQuestion>,
}

/// A panel's decision about a child.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PanelDecision {
    /// The child.
    pub child: ChildId,
    /// The panel.
    pub panel: RecordId,
    /// The day of the panel.
    pub date: Date,
    /// The question decided.
    pub question: PanelQuestion,
    /// What it decided.
    pub decision: String,
    /// Conditions attached.
    pub conditions: Option<String>,
}

vocabulary! {
    /// Statutory activity the 903 return does not hold.
    ActivityKind {
        Visit = "visit" "Social worker visit";
        CarePlan = "care_plan" "Care plan";
        PlacementPlan = "placement_plan" "Placement plan";
        PlacementNotification = "placement_notification" "Placement notifications sent";
        InitialHealthAssessment = "initial_health_assessment" "Initial health assessment";
        ReviewHealthAssessment = "review_health_assessment" "Review health assessment";
        DentalCheck = "dental_check" "Dental check";
        PepInitial = "pep_initial" "Personal education plan started";
        PepReview = "pep_review" "Personal education plan reviewed";
        IroContact = "iro_contact" "IRO visit or contact";
        ReviewRecordCirculated = "review_record_circulated" "Review decisions circulated";
        NeedsAssessment = "needs_assessment" "Care leaver's needs assessment";
        PathwayPlan = "pathway_plan" "Pathway plan";
        PathwayPlanReview = "pathway_plan_review" "Pathway plan review";
        PersonalAdviserContact = "personal_adviser_contact" "Personal adviser contact";
        CeasingCareApproval = "ceasing_care_approval" "Nominated officer approved ceasing care";
        ReturnInterview = "return_interview" "Return interview after a missing episode";
    }
}

/// A dated piece of statutory activity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Activity {
    /// The child.
    pub child: ChildId,
    /// What was done.
    pub kind: ActivityKind,
    /// The day it was done.
    pub date: Date,
    /// Who did it.
    pub by: Option<PersonId>,
    /// For visits: whether the child was seen alone.
    pub seen_alone: Option<bool>,
}

vocabulary! {
    /// How pre-proceedings ended.
    PreProceedingsOutcome {
        Diverted = "diverted" "Diverted from proceedings";
        Issued = "issued" "Proceedings issued";
        Closed = "closed" "Closed for another reason";
    }
}

/// Pre-proceedings under the Public Law Outline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PreProceedings {
    /// The case's id.
    pub id: RecordId,
    /// The child.
    pub child: ChildId,
    /// The legal gateway (planning) meeting that started it.
    pub legal_gateway_meeting: Date,
    /// The day the letter before proceedings was sent.
    pub letter_before_proceedings: Option<Date>,
    /// How it ended.
    pub outcome: Option<PreProceedingsOutcome>,
    /// The day it ended.
    pub ended: Option<Date>,
}

vocabulary! {
    /// Meetings within pre-proceedings.
    PreProceedingsMeetingKind {
        Meeting = "meeting" "Pre-proceedings meeting";
        Review = "review" "Pre-proceedings review";
    }
}

/// A pre-proceedings meeting or review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PreProceedingsMeeting {
    /// The pre-proceedings case.
    pub pre_proceedings: RecordId,
    /// Which kind.
    pub kind: PreProceedingsMeetingKind,
    /// The day it was held.
    pub date: Date,
}

vocabulary! {
    /// Orders that end care proceedings.
    CourtOrder {
        CareOrder = "care_order" "Care order";
        SupervisionOrder = "supervision_order" "Supervision order";
        PlacementOrder = "placement_order" "Care and placement orders";
        SpecialGuardianshipOrder = "special_guardianship_order" "Special guardianship order";
        ChildArrangementsOrder = "child_arrangements_order" "Child arrangements order";
        NoOrder = "no_order" "No order";
        Withdrawn = "withdrawn" "Application withdrawn";
    }
}

/// Care proceedings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CareProceedings {
    /// The case's id.
    pub id: RecordId,
    /// The child.
    pub child: ChildId,
    /// The day the application was issued (day 1 of 26 weeks).
    pub issued: Date,
    /// The day the proceedings concluded.
    pub concluded: Option<Date>,
    /// The final order.
    pub order: Option<CourtOrder>,
}

vocabulary! {
    /// Events in care proceedings.
    HearingKind {
        CaseManagement = "case_management" "Case management hearing";
        IssuesResolution = "issues_resolution" "Issues resolution hearing";
        Final = "final" "Final hearing";
        Other = "other" "Other hearing";
        Extension = "extension" "Extension of the 26-week limit granted";
    }
}

/// A hearing, or an extension granted, in care proceedings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Hearing {
    /// The proceedings.
    pub proceedings: RecordId,
    /// Which kind.
    pub kind: HearingKind,
    /// The day.
    pub date: Date,
    /// For an extension: how many weeks it adds (at most 8 each).
    pub extension_weeks: Option<u8>,
}

vocabulary! {
    /// A staying-put decision for a young person in foster care.
    StayingPutDecision {
        Agreed = "agreed" "Staying put agreed";
        NotAgreed = "not_agreed" "Staying put not agreed";
        YoungPersonDeclined = "declined" "Young person declined";
    }
}

/// A staying-put arrangement or decision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StayingPut {
    /// The young person.
    pub child: ChildId,
    /// The day it was decided.
    pub decided: Date,
    /// What was decided.
    pub decision: StayingPutDecision,
    /// The day the arrangement started.
    pub start: Option<Date>,
    /// The day it ended.
    pub end: Option<Date>,
}

/// The name a child is known by, which the 903 return does not hold, and who may see
/// the child's record when it is restricted.
///
/// A restricted record (a child of a member of staff, a high-profile case) is visible
/// only to the staff named in [`ChildDetails::restricted_to`]: everyone else must not
/// find it in any list or search, nor learn that it exists.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChildDetails {
    /// The child.
    pub child: ChildId,
    /// The name the child is known by.
    pub name: String,
    /// The only staff who may see the record (none: not restricted).
    pub restricted_to: Vec<PersonId>,
    /// Why the record is restricted (given exactly when it is).
    pub restriction_reason: Option<String>,
}

impl ChildDetails {
    /// Whether the record is restricted to named staff.
    pub fn is_restricted(&self) -> bool {
        !self.restricted_to.is_empty()
    }

    /// Whether the member of staff with this id (`None`: a user who is not linked to a
    /// member of staff) may see the record: anyone when it is not restricted, otherwise
    /// only the staff named.
    pub fn visible_to(&self, staff_id: Option<&str>) -> bool {
        !self.is_restricted()
            || staff_id.is_some_and(|id| self.restricted_to.iter().any(|named| named == id))
    }
}

vocabulary! {
    /// Who a fostering household fosters for.
    HouseholdType {
        InHouse = "in_house" "In-house foster carers";
        ConnectedPerson = "connected_person" "Connected person (family and friends) carers";
        Agency = "ifa" "Independent fostering agency";
    }
}

vocabulary! {
    /// Where a fostering household stands.
    HouseholdStatus {
        Approved = "approved" "Approved";
        OnHold = "on_hold" "On hold";
        InAssessment = "in_assessment" "In assessment";
        Resigned = "resigned" "Resigned";
    }
}

vocabulary! {
    /// The kinds of foster placement a household may be approved for.
    FosteringPlacementType {
        ShortTerm = "short_term" "Short-term";
        LongTerm = "long_term" "Long-term";
        ShortBreaks = "short_breaks" "Short breaks";
        ParentAndChild = "parent_and_child" "Parent and child";
        FosteringForAdoption = "fostering_for_adoption" "Fostering for adoption or concurrent planning";
    }
}

vocabulary! {
    /// Complex needs: what a child needs of carers, and the skills and experience a
    /// household has to meet them.
    ComplexNeed {
        Disability = "disability" "Disability";
        HealthNeeds = "health_needs" "Complex health needs";
        BehaviourThatChallenges = "behaviour_that_challenges" "Behaviour that challenges";
        Trauma = "trauma" "Therapeutic care after trauma";
        Exploitation = "exploitation" "Risk of exploitation";
        Unaccompanied = "unaccompanied" "Unaccompanied asylum-seeking child";
    }
}

vocabulary! {
    /// Why an approved household's vacancy is not being used.
    VacancyReason {
        CarerBreak = "carer_break" "Carers taking a break";
        FamilyCircumstances = "family_circumstances" "Carers' own family circumstances";
        StandardsConcern = "standards_concern" "Allegation or standards concern under review";
        AwaitingMatch = "awaiting_match" "Held for a planned match";
        CarerPreference = "carer_preference" "Carers prefer fewer children";
    }
}

vocabulary! {
    /// Why terms of approval were (re)set.
    TermsReason {
        Approval = "approval" "Approval";
        Review = "review" "Annual review of approval";
        Variation = "variation" "Variation of terms";
    }
}

vocabulary! {
    /// How a recruitment enquiry ended.
    RecruitmentOutcome {
        InProgress = "in_progress" "In progress";
        Approved = "approved" "Approved";
        Withdrew = "withdrew" "Applicant withdrew";
        NotApproved = "not_approved" "Not approved";
    }
}

/// A fostering household in the council's register of foster carers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FosteringHousehold {
    /// The household's id.
    pub id: RecordId,
    /// The carers' names as the service knows the household, e.g. "Ada and Ben Cole".
    pub name: String,
    /// In-house, connected person or agency.
    pub household_type: HouseholdType,
    /// Where it stands.
    pub status: HouseholdStatus,
    /// The postcode district, e.g. `SE15`.
    pub postcode_district: String,
    /// Whether the household lives in the borough.
    pub in_borough: bool,
    /// Languages spoken at home.
    pub languages: Vec<String>,
    /// The carers' ethnicity (903 ETHNIC codes, e.g. `WBRI`).
    pub ethnicity: Vec<String>,
    /// The carers' religion, if any.
    pub religion: Option<String>,
    /// Skills and experience with complex needs.
    pub skills: Vec<ComplexNeed>,
    /// The day the household was approved.
    pub approved: Option<Date>,
    /// The household's supervising social worker.
    pub supervising_worker: Option<PersonId>,
    /// Why a vacancy is not being used, when one is not.
    pub vacancy_reason: Option<VacancyReason>,
}

/// A household's terms of approval from a date: set at approval, confirmed or changed
/// at each annual review, or varied in between.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TermsOfApproval {
    /// The household.
    pub household: RecordId,
    /// The day the terms took effect.
    pub from: Date,
    /// Why they were set.
    pub reason: TermsReason,
    /// The youngest age approved for (completed years).
    pub age_min: u32,
    /// The oldest age approved for (completed years).
    pub age_max: u32,
    /// How many children may live with the household at once.
    pub children: u32,
    /// The kinds of placement approved for.
    pub placement_types: Vec<FosteringPlacementType>,
}

impl TermsOfApproval {
    /// Whether the terms allow a child of `age` in a placement of `kind`.
    pub fn allow(&self, age: i32, kind: FosteringPlacementType) -> bool {
        age >= self.age_min as i32
            && age <= self.age_max as i32
            && self.placement_types.contains(&kind)
    }
}

/// A child living with a fostering household, from a day until a day: how children
/// link to carers (the 903 return holds no carer id).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HouseholdPlacement {
    /// The child.
    pub child: ChildId,
    /// The household.
    pub household: RecordId,
    /// The day the child moved in.
    pub start: Date,
    /// The day the child left.
    pub end: Option<Date>,
    /// The kind of placement.
    pub placement_type: FosteringPlacementType,
    /// Whether a named-child exemption from the usual fostering limit was granted.
    pub exemption: Option<bool>,
}

impl HouseholdPlacement {
    /// Whether the child lives with the household on `date`.
    pub fn open_on(&self, date: Date) -> bool {
        self.start <= date && self.end.is_none_or(|end| end > date)
    }
}

/// One enquiry from prospective foster carers, through assessment to panel and approval.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecruitmentEnquiry {
    /// The enquiry's id.
    pub id: RecordId,
    /// The day of the enquiry.
    pub enquiry: Date,
    /// The day assessment stage 1 started.
    pub stage_one: Option<Date>,
    /// The day assessment stage 2 started.
    pub stage_two: Option<Date>,
    /// The day of the fostering panel.
    pub panel: Option<Date>,
    /// The day of approval (the agency decision).
    pub approved: Option<Date>,
    /// How it ended, or in progress.
    pub outcome: RecruitmentOutcome,
    /// The day it ended (withdrawn, not approved, or approved).
    pub ended: Option<Date>,
    /// The household it became, once approved.
    pub household: Option<RecordId>,
}

/// What a child needs of a foster family, for matching: complex needs, language,
/// religion and where school and family are.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlacementNeeds {
    /// The child.
    pub child: ChildId,
    /// The day the needs were assessed.
    pub assessed: Date,
    /// The kind of placement the plan needs.
    pub placement_type: FosteringPlacementType,
    /// Complex needs carers must be able to meet.
    pub needs: Vec<ComplexNeed>,
    /// Languages the child speaks.
    pub languages: Vec<String>,
    /// The child's religion, if any.
    pub religion: Option<String>,
    /// The postcode district of the child's school.
    pub school_district: Option<String>,
    /// The postcode district of the family the child keeps in touch with.
    pub family_district: Option<String>,
}

/// The register of foster carers: households, their terms of approval, the children
/// living with them and the recruitment pipeline.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FosteringRegister {
    /// Households, by id.
    pub households: Vec<FosteringHousehold>,
    /// Terms of approval, by household then date.
    pub terms: Vec<TermsOfApproval>,
    /// Children living with households, by start date.
    pub placements: Vec<HouseholdPlacement>,
    /// Recruitment enquiries, by enquiry date.
    pub recruitment: Vec<RecruitmentEnquiry>,
}

impl FosteringRegister {
    /// The household with this id.
    pub fn household(&self, id: &str) -> Option<&FosteringHousehold> {
        self.households.iter().find(|h| h.id == id)
    }

    /// The household's terms in force on `date`: the latest set on or before it.
    pub fn terms_on(&self, household: &str, date: Date) -> Option<&TermsOfApproval> {
        self.terms
            .iter()
            .filter(|t| t.household == household && t.from <= date)
            .max_by_key(|t| t.from)
    }

    /// The children living with the household on `date`.
    pub fn placed_on<'s>(
        &'s self,
        household: &'s str,
        date: Date,
    ) -> impl Iterator<Item = &'s HouseholdPlacement> + 's {
        self.placements
            .iter()
            .filter(move |p| p.household == household && p.open_on(date))
    }

    /// The household a child lives with on `date`, if any.
    pub fn placement_of(&self, child: &str, date: Date) -> Option<&HouseholdPlacement> {
        self.placements
            .iter()
            .rev()
            .find(|p| p.child == child && p.open_on(date))
    }

    /// The day the household was approved: its APPROVED date, or its first terms set
    /// at approval.
    pub fn approved_on(&self, household: &FosteringHousehold) -> Option<Date> {
        household.approved.or_else(|| {
            self.terms
                .iter()
                .filter(|t| t.household == household.id && t.reason == TermsReason::Approval)
                .map(|t| t.from)
                .min()
        })
    }

    /// The latest review of the household's approval on or before `date`.
    pub fn last_review_on(&self, household: &str, date: Date) -> Option<Date> {
        self.terms
            .iter()
            .filter(|t| {
                t.household == household && t.reason == TermsReason::Review && t.from <= date
            })
            .map(|t| t.from)
            .max()
    }

    /// The register as it stood on `date` (see [`ChildTracker::known_on`]): households as
    /// registered (approval dates after `date` undone), terms set by then, placements
    /// begun by then (later ends undone), enquiries made by then (later steps undone).
    pub fn known_on(&self, date: Date) -> FosteringRegister {
        FosteringRegister {
            households: self
                .households
                .iter()
                .map(|h| FosteringHousehold {
                    approved: ended_by(h.approved, date),
                    ..h.clone()
                })
                .collect(),
            terms: self
                .terms
                .iter()
                .filter(|t| t.from <= date)
                .cloned()
                .collect(),
            placements: self
                .placements
                .iter()
                .filter(|p| p.start <= date)
                .map(|p| HouseholdPlacement {
                    end: ended_by(p.end, date),
                    ..p.clone()
                })
                .collect(),
            recruitment: self
                .recruitment
                .iter()
                .filter(|r| r.enquiry <= date)
                .map(|r| {
                    let ended = ended_by(r.ended, date);
                    RecruitmentEnquiry {
                        stage_one: ended_by(r.stage_one, date),
                        stage_two: ended_by(r.stage_two, date),
                        panel: ended_by(r.panel, date),
                        approved: ended_by(r.approved, date),
                        outcome: if ended.is_some() {
                            r.outcome
                        } else {
                            RecruitmentOutcome::InProgress
                        },
                        ended,
                        household: r.household.clone().filter(|_| ended.is_some()),
                        ..r.clone()
                    }
                })
                .collect(),
        }
    }
}

/// Everything the tracker holds about one child (what rules and the child's page read).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ChildTracker {
    /// The child's name and any restriction of the record to named staff.
    pub details: Option<ChildDetails>,
    /// Allocations, in start order.
    pub allocations: Vec<Allocation>,
    /// Plan versions, in decision order.
    pub plans: Vec<PermanencePlan>,
    /// Meetings, in date order.
    pub meetings: Vec<Meeting>,
    /// Family searches, in start order.
    pub family_finding: Vec<FamilyFinding>,
    /// Together-and-apart assessments, in date order.
    pub sibling_assessments: Vec<SiblingAssessment>,
    /// Life-story work.
    pub life_story: Option<LifeStoryWork>,
    /// Decisions about the child, in the order made.
    pub decisions: Vec<Decision>,
    /// IRO challenges with their steps, in the order raised.
    pub challenges: Vec<(IroChallenge, Vec<ChallengeStep>)>,
    /// Panel decisions, in date order.
    pub panel_decisions: Vec<PanelDecision>,
    /// Statutory activity, in date order.
    pub activities: Vec<Activity>,
    /// Pre-proceedings with their meetings, in start order.
    pub pre_proceedings: Vec<(PreProceedings, Vec<PreProceedingsMeeting>)>,
    /// Care proceedings with their hearings, in issue order.
    pub proceedings: Vec<(CareProceedings, Vec<Hearing>)>,
    /// Staying-put decisions, in date order.
    pub staying_put: Vec<StayingPut>,
    /// Supervision sessions in which the child was discussed, in date order.
    pub supervision: Vec<SupervisionSession>,
    /// What the child needs of a foster family (for matching).
    pub placement_needs: Option<PlacementNeeds>,
}

impl ChildTracker {
    /// Whether the member of staff with this id (`None`: not linked to one) may see the
    /// child's record: true unless it is restricted to others ([`ChildDetails::visible_to`]).
    pub fn visible_to(&self, staff_id: Option<&str>) -> bool {
        self.details.as_ref().is_none_or(|d| d.visible_to(staff_id))
    }

    /// The plan in force on `date`: the latest version decided on or before it.
    pub fn plan_on(&self, date: Date) -> Option<&PermanencePlan> {
        self.plans.iter().rev().find(|p| p.decided <= date)
    }

    /// The allocation of `role` in force on `date`.
    pub fn allocated_on(&self, role: AllocationRole, date: Date) -> Option<&Allocation> {
        self.allocations
            .iter()
            .rev()
            .find(|a| a.role == role && a.start <= date && a.end.is_none_or(|end| end > date))
    }

    /// Activities of one kind done on or before `date`, in date order.
    pub fn activities_on_or_before(
        &self,
        kind: ActivityKind,
        date: Date,
    ) -> impl Iterator<Item = &Activity> {
        self.activities
            .iter()
            .filter(move |a| a.kind == kind && a.date <= date)
    }
}

/// The borough-level records: staff, teams and panels.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Organisation {
    /// Staff, by id.
    pub people: Vec<Person>,
    /// Teams, by id.
    pub teams: Vec<Team>,
    /// The panel register.
    pub panels: Vec<Panel>,
    /// Every supervision session, in date order (including sessions that discussed no
    /// child; each child's [`ChildTracker::supervision`] holds those that discussed it).
    pub supervision: Vec<SupervisionSession>,
    /// Decisions about no particular child, in the order made (decisions about a child
    /// are in its [`ChildTracker::decisions`]).
    pub decisions: Vec<Decision>,
    /// The register of foster carers.
    pub fostering: FosteringRegister,
}

impl Organisation {
    /// The person with this id.
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    /// The management line above a person, nearest first (stops at a loop).
    pub fn management_line(&self, id: &str) -> Vec<&Person> {
        let mut line: Vec<&Person> = Vec::new();
        let mut current = self.person(id).and_then(|p| p.manager.as_deref());
        while let Some(manager_id) = current {
            let Some(manager) = self.person(manager_id) else {
                break;
            };
            if line.iter().any(|p| p.id == manager.id) || manager.id == id {
                break;
            }
            line.push(manager);
            current = manager.manager.as_deref();
        }
        line
    }
}

/// `end` if it had come by `date`, else `None` (still open then).
fn ended_by(end: Option<Date>, date: Date) -> Option<Date> {
    end.filter(|end| *end <= date)
}

impl ChildTracker {
    /// The records as they stood on `date`: records made after it are dropped, and what
    /// happened after it (a plan achieved, a search ended, a decision completed, a
    /// challenge resolved, proceedings concluded) had not happened yet. Reports use it
    /// so that a period's figures come out the same whenever they are run.
    pub fn known_on(&self, date: Date) -> ChildTracker {
        let on_or_before = |d: Date| d <= date;
        ChildTracker {
            details: self.details.clone(),
            allocations: self
                .allocations
                .iter()
                .filter(|a| on_or_before(a.start))
                .map(|a| Allocation {
                    end: ended_by(a.end, date),
                    ..a.clone()
                })
                .collect(),
            plans: self
                .plans
                .iter()
                .filter(|p| on_or_before(p.decided))
                .map(|p| {
                    let achieved = ended_by(p.achieved, date);
                    PermanencePlan {
                        achieved,
                        achieved_by: p.achieved_by.filter(|_| achieved.is_some()),
                        ..p.clone()
                    }
                })
                .collect(),
            meetings: self
                .meetings
                .iter()
                .filter(|m| on_or_before(m.date))
                .cloned()
                .collect(),
            family_finding: self
                .family_finding
                .iter()
                .filter(|f| on_or_before(f.start))
                .map(|f| f.known_on(date))
                .collect(),
            sibling_assessments: self
                .sibling_assessments
                .iter()
                .filter(|a| on_or_before(a.date))
                .cloned()
                .collect(),
            life_story: self.life_story.as_ref().and_then(|work| {
                let known = LifeStoryWork {
                    started: ended_by(work.started, date),
                    last_session: ended_by(work.last_session, date),
                    book_first_stage: ended_by(work.book_first_stage, date),
                    book_completed: ended_by(work.book_completed, date),
                    later_life_letter: ended_by(work.later_life_letter, date),
                    ..work.clone()
                };
                let any = known.started.is_some() || known.last_session.is_some();
                any.then_some(known)
            }),
            decisions: known_decisions(&self.decisions, date),
            challenges: self
                .challenges
                .iter()
                .filter(|(challenge, _)| on_or_before(challenge.raised))
                .map(|(challenge, steps)| {
                    let challenge = IroChallenge {
                        resolved: ended_by(challenge.resolved, date),
                        cafcass_referral: ended_by(challenge.cafcass_referral, date),
                        ..challenge.clone()
                    };
                    let steps = steps
                        .iter()
                        .filter(|step| on_or_before(step.started))
                        .map(|step| {
                            let responded = ended_by(step.responded, date);
                            ChallengeStep {
                                responded,
                                response: step.response.clone().filter(|_| responded.is_some()),
                                ..step.clone()
                            }
                        })
                        .collect();
                    (challenge, steps)
                })
                .collect(),
            panel_decisions: self
                .panel_decisions
                .iter()
                .filter(|d| on_or_before(d.date))
                .cloned()
                .collect(),
            activities: self
                .activities
                .iter()
                .filter(|a| on_or_before(a.date))
                .cloned()
                .collect(),
            pre_proceedings: self
                .pre_proceedings
                .iter()
                .filter(|(case, _)| on_or_before(case.legal_gateway_meeting))
                .map(|(case, meetings)| {
                    let ended = ended_by(case.ended, date);
                    let case = PreProceedings {
                        letter_before_proceedings: ended_by(case.letter_before_proceedings, date),
                        ended,
                        outcome: case.outcome.filter(|_| ended.is_some()),
                        ..case.clone()
                    };
                    let meetings = meetings
                        .iter()
                        .filter(|m| on_or_before(m.date))
                        .cloned()
                        .collect();
                    (case, meetings)
                })
                .collect(),
            proceedings: self
                .proceedings
                .iter()
                .filter(|(case, _)| on_or_before(case.issued))
                .map(|(case, hearings)| {
                    let concluded = ended_by(case.concluded, date);
                    let case = CareProceedings {
                        concluded,
                        order: case.order.filter(|_| concluded.is_some()),
                        ..case.clone()
                    };
                    let hearings = hearings
                        .iter()
                        .filter(|h| on_or_before(h.date))
                        .cloned()
                        .collect();
                    (case, hearings)
                })
                .collect(),
            staying_put: self
                .staying_put
                .iter()
                .filter(|s| on_or_before(s.decided))
                .map(|s| StayingPut {
                    start: ended_by(s.start, date),
                    end: ended_by(s.end, date),
                    ..s.clone()
                })
                .collect(),
            supervision: known_supervision(&self.supervision, date),
            placement_needs: self
                .placement_needs
                .as_ref()
                .filter(|n| on_or_before(n.assessed))
                .cloned(),
        }
    }
}

impl FamilyFinding {
    /// The search as it stood on `date`: a search that ended later was still active.
    fn known_on(&self, date: Date) -> FamilyFinding {
        let mut known = FamilyFinding {
            fostering_for_adoption_considered: ended_by(
                self.fostering_for_adoption_considered,
                date,
            ),
            ..self.clone()
        };
        if self.end.is_some_and(|end| end > date) {
            known.status = FamilyFindingStatus::Active;
            known.end = None;
            known.end_reason = None;
        }
        known
    }
}

fn known_decisions(decisions: &[Decision], date: Date) -> Vec<Decision> {
    decisions
        .iter()
        .filter(|d| d.made <= date)
        .map(|d| Decision {
            completed: ended_by(d.completed, date),
            ..d.clone()
        })
        .collect()
}

fn known_supervision(sessions: &[SupervisionSession], date: Date) -> Vec<SupervisionSession> {
    sessions
        .iter()
        .filter(|s| s.date <= date)
        .cloned()
        .collect()
}

impl Organisation {
    /// The borough's records as they stood on `date` (see [`ChildTracker::known_on`]):
    /// staff, teams and panels as registered, supervision and decisions made by then.
    pub fn known_on(&self, date: Date) -> Organisation {
        Organisation {
            people: self.people.clone(),
            teams: self.teams.clone(),
            panels: self.panels.clone(),
            supervision: known_supervision(&self.supervision, date),
            decisions: known_decisions(&self.decisions, date),
            fostering: self.fostering.known_on(date),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, role: StaffRole, manager: Option<&str>) -> Person {
        Person {
            id: id.into(),
            name: id.into(),
            role,
            team: None,
            manager: manager.map(String::from),
            start: None,
            end: None,
        }
    }

    #[test]
    fn vocabularies_round_trip_their_codes() {
        for option in PermanenceOption::ALL {
            assert_eq!(PermanenceOption::from_code(option.code()), Some(*option));
        }
        assert_eq!(PermanenceOption::from_code("Adoption"), None);
        assert!(PermanenceOption::FosteringForAdoption.is_adoption());
    }

    #[test]
    fn the_management_line_follows_managers_and_stops_at_loops() {
        let organisation = Organisation {
            people: vec![
                person("SW1", StaffRole::SocialWorker, Some("TM1")),
                person("TM1", StaffRole::TeamManager, Some("SM1")),
                person("SM1", StaffRole::ServiceManager, Some("TM1")),
            ],
            ..Organisation::default()
        };
        let line: Vec<&str> = organisation
            .management_line("SW1")
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        assert_eq!(line, vec!["TM1", "SM1"]);
    }

    #[test]
    fn a_restricted_record_is_visible_only_to_the_staff_named() {
        let details = |restricted_to: &[&str]| ChildDetails {
            child: "C1".into(),
            name: "Robin Example".into(),
            restricted_to: restricted_to.iter().map(|s| s.to_string()).collect(),
            restriction_reason: (!restricted_to.is_empty()).then(|| "Staff member's child".into()),
        };
        let open = details(&[]);
        assert!(!open.is_restricted());
        assert!(open.visible_to(None) && open.visible_to(Some("SW1")));
        let restricted = details(&["SW1", "TM1"]);
        assert!(restricted.is_restricted());
        assert!(restricted.visible_to(Some("SW1")) && restricted.visible_to(Some("TM1")));
        assert!(!restricted.visible_to(Some("SW2")));
        assert!(!restricted.visible_to(None));
        let tracker = ChildTracker {
            details: Some(restricted),
            ..ChildTracker::default()
        };
        assert!(tracker.visible_to(Some("TM1")) && !tracker.visible_to(Some("")));
        assert!(ChildTracker::default().visible_to(None));
    }

    #[test]
    fn the_plan_in_force_is_the_latest_decided() {
        let plan = |decided: Date, primary| PermanencePlan {
            child: "C1".into(),
            decided,
            forum: Forum::Review,
            primary,
            parallel: vec![],
            contingency: None,
            target: None,
            achieved: None,
            achieved_by: None,
        };
        let tracker = ChildTracker {
            plans: vec![
                plan(Date::constant(2025, 1, 1), PermanenceOption::ReturnHome),
                plan(Date::constant(2025, 6, 1), PermanenceOption::Adoption),
            ],
            ..ChildTracker::default()
        };
        assert_eq!(
            tracker
                .plan_on(Date::constant(2025, 5, 31))
                .unwrap()
                .primary,
            PermanenceOption::ReturnHome
        );
        assert_eq!(
            tracker.plan_on(Date::constant(2025, 6, 1)).unwrap().primary,
            PermanenceOption::Adoption
        );
        assert!(tracker.plan_on(Date::constant(2024, 12, 31)).is_none());
    }
}
