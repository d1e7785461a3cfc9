//! Ofsted's Annex A Lists 8 to 10 as data, as `shared/annex-a-format.md` gives them:
//! each list's columns in order with their exact headings, type, whether a blank is
//! allowed, the pattern councils' tools also recognise the heading by, and the coded
//! labels a cell must hold; and the mapping from the 903's and the tracker's codes to
//! those labels. The export writes these headings and labels; the import recognises
//! sheets and checks cells by them.
//!
//! List 11 (adopters) is not here: the system holds no adopter data.

use permanence_domain::Date;
use permanence_domain::codes::{
    Accommodation, Activity, Code, Ethnicity, InTouch, LegalStatus, Placement, PlacementProvider,
    ReasonEpisodeCeased, ReasonPlacedCeased, Sex,
};
use permanence_domain::tracker::PermanenceOption;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Text (codes as their labels).
    Text,
    /// A date: an Excel date cell shown `dd/mm/yyyy` (or `dd/mm/yyyy` in CSV).
    Date,
    /// A whole number.
    Integer,
}

/// One column of a list.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The heading, exactly as Ofsted's template has it.
    pub name: &'static str,
    /// What it holds.
    pub kind: ValueKind,
    /// Whether councils' tools accept an empty cell.
    pub blank_allowed: bool,
    /// Another heading pattern tools recognise the column by: `.*` stands for any text,
    /// matched case-insensitively (the patterns are written `/.*child.*id.*/i` there).
    pub also_matched_by: Option<&'static str>,
    /// The labels a cell may hold, when the tools check it against a code list.
    pub codes: Option<&'static [&'static str]>,
}

const fn column(name: &'static str, kind: ValueKind, blank_allowed: bool) -> Column {
    Column {
        name,
        kind,
        blank_allowed,
        also_matched_by: None,
        codes: None,
    }
}

const fn matched(
    name: &'static str,
    kind: ValueKind,
    blank_allowed: bool,
    pattern: &'static str,
) -> Column {
    Column {
        name,
        kind,
        blank_allowed,
        also_matched_by: Some(pattern),
        codes: None,
    }
}

const fn coded(name: &'static str, blank_allowed: bool, codes: &'static [&'static str]) -> Column {
    Column {
        name,
        kind: ValueKind::Text,
        blank_allowed,
        also_matched_by: None,
        codes: Some(codes),
    }
}

const fn coded_matched(
    name: &'static str,
    blank_allowed: bool,
    pattern: &'static str,
    codes: &'static [&'static str],
) -> Column {
    Column {
        name,
        kind: ValueKind::Text,
        blank_allowed,
        also_matched_by: Some(pattern),
        codes: Some(codes),
    }
}

/// One Annex A list.
#[derive(Debug)]
pub struct List {
    /// Its number (8, 9, 10).
    pub number: u8,
    /// Its title (inferred: the official titles are not public in machine-readable form).
    pub title: &'static str,
    /// The name of its sheet in the workbook (`List 8`).
    pub sheet: &'static str,
    /// The name of its CSV file.
    pub file: &'static str,
    /// Who is on it, as the cover sheet says.
    pub holds: &'static str,
    /// Its columns, in order.
    pub columns: &'static [Column],
}

/// Lists are the same when their numbers are.
impl PartialEq for List {
    fn eq(&self, other: &List) -> bool {
        self.number == other.number
    }
}

impl Eq for List {}

impl List {
    /// The position of the column with this exact heading.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

use ValueKind::{Date as D, Integer as I, Text as T};

/// Gender (List 1's list, used by Lists 8 to 11).
pub const GENDER: &[&str] = &[
    "b) Female",
    "a) Male",
    "c) Not stated/recorded",
    "d) Neither",
];

/// Ethnicity (List 1's list).
pub const ETHNICITY: &[&str] = &[
    "a) WBRI", "b) WIRI", "c) WIRT", "d) WOTH", "e) WROM", "f) MWBC", "g) MWBA", "h) MWAS",
    "i) MOTH", "j) AIND", "k) APKN", "l) ABAN", "m) AOTH", "n) BCRB", "o) BAFR", "p) BOTH",
    "q) CHNE", "r) OOTH", "s) REFU", "s) NOBT",
];

/// Yes, no or unknown (List 3's "Referral NFA?" list, used by every Y/N column).
pub const YES_NO_UNKNOWN: &[&str] = &["a) Yes", "b) No", "c) Unknown"];

/// Primary need code (List 6's list, used for List 8's category of need).
pub const CATEGORY_OF_NEED: &[&str] = &[
    "N1 - Abuse or neglect",
    "N2 - Child's disability",
    "N3 - Parental disability or illness",
    "N4 - Family in acute stress",
    "N5 - Family dysfunction",
    "N6 - Socially unacceptable behaviour",
    "N7 - Low income",
    "N8 - Absent parenting",
    "N9 - Cases other than children in need",
    "N0 - Not stated",
];

/// Child's legal status (List 8).
pub const LEGAL_STATUS: &[&str] = &[
    "E1: Placement order",
    "C1: ICO",
    "C2: FCO",
    "D1: Freeing order",
    "V2: Single period under S20",
    "L1: Police protection LA accommodation",
    "L2: EPO",
    "L3: Child assessment order LA accommodation",
    "J1: Remanded to LA or youth detention",
    "J2: LA accommodation under PACE",
    "J3: Youth rehabilitation order",
    "V3: Short term breaks, episodes recorded",
    "V4: Short term breaks, agreements recorded",
];

/// What is the permanence plan for this child? (List 8).
pub const PERMANENCE_PLAN: &[&str] = &[
    "a) Return to family",
    "b) Adoption",
    "c) SGO/CAO",
    "d) Supported living in the community",
    "e) Long-term residential placement",
    "f) Long-term fostering",
    "g) other",
];

/// Reason ceased to be looked after (List 8).
pub const REASON_CEASED: &[&str] = &[
    "a) E11: Adopted - application unopposed",
    "b) E12: Adopted - consent dispensed",
    "r) E15: Age assessment determined child was 18 or over",
    "c) E2: Died",
    "d) E3: Care taken by another LA",
    "f) E4B: Returned home to live with parents or relatives - not part of planning",
    "e) E4A: Returned home to live with parents or relatives - part of planning",
    "g) E13: Parents, relatives or other with no parental responsibility",
    "h) E41: Residence order granted",
    "i) E45: Special Guardianship Orders - former carer relative/friend",
    "j) E46: Special Guardianship Orders - former carer other",
    "k) E47: Special Guardianship Orders - relative/friend",
    "l) E48: Special Guardianship Orders - other",
    "m) E5: Moved into independent living - supported",
    "n) E6: Moved into independent living - no support",
    "o) E7: Transferred to residential care funded by adult social services",
    "p) E9: Sentenced to custody",
    "q) E14: Accommodation on remand ended",
    "s) E16: Child moved abroad",
    "t) E8: Care ceased for any other reason",
    "u) X1: CodeError",
    "v) E17: Aged 18+ and remained with current carers",
];

/// Placement type (List 8).
pub const PLACEMENT_TYPE: &[&str] = &[
    "c) U3: Foster placement - relative - not FFA",
    "f) U6: Foster placement - not FFA",
    "a) U1: Foster placement - relatives - long term",
    "d) U4: Foster placement - long term",
    "b) U2: Foster placement - relative - FFA",
    "e) U5: Foster placement - FFA",
    "g) A3: Placed for adoption - consent - current foster",
    "h) A4: Placed for adoption - consent - not foster",
    "j) A6: Placed for adoption - order - not foster",
    "i) A5: Placed for adoption - order - foster",
    "k) P1: Placed with parents",
    "l) P2: Independent living",
    "m) P3: Residential employment",
    "n) H5: Residential accommodation",
    "o) K1: Secure Children's Homes",
    "p) K2: Children's Homes",
    "q) R1: Residential Care Home",
    "r) R2: NHS/Health Trust",
    "s) R3: Family Centre or Mother and Baby Unit",
    "t) R5: Young Offender Institution",
    "u) S1: Residential school",
    "v) Z1: Other placements",
    "x) T1: Temporary placement - hospital",
    "z) T3: Temporary placement - carer holiday",
    "y) T2: Temporary placement - holiday",
    "zz) T4: Temporary placement - seven days or less",
    "w) T0: Temporary placement",
];

/// Placement provider (List 8).
pub const PLACEMENT_PROVIDER: &[&str] = &[
    "a) PR0: Parents/Parental responsibility",
    "b) PR1: Own provision",
    "c) PR2: Other LA provision",
    "d) PR3: Other public provision",
    "e) PR4: Private provision",
    "f) PR5: Voluntary/third sector",
];

/// Placement location (List 8).
pub const PLACEMENT_LOCATION: &[&str] = &["a) In", "b) Out"];

/// LA of placement (List 8): the special values; otherwise the authority's name.
pub const LA_OF_PLACEMENT: &[&str] = &[
    "NIR - Child placed in Northern Ireland",
    "WAL - Child placed in Wales",
    "SCO - Child placed in Scotland",
    "NUK - Child placed outside the UK",
    "CON - Child placed in confidential placement",
];

/// Eligibility category (List 9).
pub const ELIGIBILITY: &[&str] = &[
    "a) Relevant child",
    "b) Former relevant child",
    "c) Qualifying care leaver",
];

/// LA in touch (List 9).
pub const IN_TOUCH: &[&str] = &[
    "a) Yes", "b) No", "c) Died", "d) Refu", "e) NREQ", "f) Rhom",
];

/// Type of accommodation (List 9).
pub const ACCOMMODATION: &[&str] = &[
    "B: Parents/relatives",
    "C: Community home/residential care",
    "D: Semi-independent, transitional accommodation and self-contained accommodation",
    "E: Supported lodgings",
    "G: Abroad",
    "H: Deported",
    "K: Ordinary lodgings, without formal support",
    "R: Residence not known",
    "S: No fixed adobe/homeless",
    "T: Foyers and similar supported accommodation",
    "U: Independent living",
    "V: Emergency accommodation",
    "W: Bed and breakfast",
    "X: In custody",
    "Y: Other accommodation",
    "Z: With former foster carers",
];

/// Suitability of accommodation (List 9).
pub const SUITABILITY: &[&str] = &["a) Suitable", "b) Unsuitable"];

/// Activity status (List 9).
pub const ACTIVITY: &[&str] = &[
    "F1: Full time in higher education",
    "P1: Part time in higher education",
    "F2: Full time in education other than higher",
    "P2: Part time in education other than higher",
    "F3: Full time in training or employment",
    "P3: Part time in training or employment",
    "G4: Not in education, employment or training - illness or disability",
    "G5: Not in education, employment or training - other",
    "G6: Not in education, employment or training - pregnancy or parenting",
];

/// Reason why child no longer placed for adoption (List 10).
pub const REASON_NO_LONGER_PLACED: &[&str] = &[
    "RD1 - The child\u{2019}s needs changed subsequent to the decision",
    "RD2 - The Court did not make a placement order",
    "RD3 - Prospective adopters could not be found",
    "RD4 - Any other reason",
];

const CHILD_ID: Column = matched("Child Unique ID", T, false, ".*child.*id.*");
const GENDER_COLUMN: Column = coded("Gender", false, GENDER);
const ETHNICITY_COLUMN: Column = coded("Ethnicity", false, ETHNICITY);
const DATE_OF_BIRTH: Column = matched("Date of Birth", D, true, ".*date.*birth.*");
const AGE: Column = matched("Age of Child (Years)", I, true, ".*age.*");
const DISABILITY: Column = coded("Does the Child have a Disability", false, YES_NO_UNKNOWN);
const ALLOCATED_TEAM: Column = column("Allocated Team", T, false);
const ALLOCATED_WORKER: Column = column("Allocated Worker", T, false);

/// List 8: children in care (looked after).
pub static LIST_8: List = List {
    number: 8,
    title: "Children in care (looked after)",
    sheet: "List 8",
    file: "list_8_children_in_care.csv",
    holds: "every child looked after at any time in the six months up to the as-of date \
            (children whose care in the window was only short breaks, legal status V3 or V4, \
            are left out), one row per child, for the latest period of care in the window",
    columns: &[
        CHILD_ID,
        GENDER_COLUMN,
        ETHNICITY_COLUMN,
        DATE_OF_BIRTH,
        AGE,
        coded_matched(
            "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
            false,
            ".*Unaccompanied Asylum Seeking Child.*",
            YES_NO_UNKNOWN,
        ),
        DISABILITY,
        column("Date Started to be Looked After", D, false),
        coded_matched(
            "Child's Category of Need",
            false,
            ".*child.*category of need.*",
            CATEGORY_OF_NEED,
        ),
        coded_matched(
            "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
            false,
            ".*second or subsequent .* of being a Looked After Child.*",
            YES_NO_UNKNOWN,
        ),
        column("Start date of current legal status", D, false),
        coded_matched(
            "Child's Legal Status",
            false,
            ".*child.*legal status.*",
            LEGAL_STATUS,
        ),
        column("Date of Latest Statutory Review", D, true),
        column("Date of Last Social Work Visit", D, true),
        coded(
            "What is the permanence plan for this child?",
            true,
            PERMANENCE_PLAN,
        ),
        column("Date of Last IRO Visit / Contact to the Child", D, true),
        column("Date of Last Health Assessment", D, true),
        column("Date of Last Dental Check", D, true),
        column("Number of Placements in the Last 12 months", I, false),
        column("Date Ceased to be Looked After", D, true),
        coded("Reason Ceased to be Looked After", true, REASON_CEASED),
        column("Start Date of Most Recent Placement", D, false),
        coded("Placement Type", false, PLACEMENT_TYPE),
        coded("Placement Provider", false, PLACEMENT_PROVIDER),
        column("Placement postcode", T, false),
        column("URN of Placement", T, true),
        coded("Placement Location", false, PLACEMENT_LOCATION),
        // Coded only for the special values: otherwise the authority's name, so the
        // import does not check it against the list.
        column("LA of Placement", T, false),
        matched(
            "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
            I,
            false,
            ".*Number of Episodes the Child has been.*Missing.*from their Placement in the last 12 months.*",
        ),
        matched(
            "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
            I,
            false,
            ".*Number of Episodes the Child has been.*Absent.*from their Placement in the last 12 months.*",
        ),
        coded(
            "Was the child offered a Return Interview after their last missing episode (Y/N)?",
            true,
            YES_NO_UNKNOWN,
        ),
        coded(
            "Did the child accept a Return Interview after their last missing episode (Y/N)?",
            true,
            YES_NO_UNKNOWN,
        ),
        ALLOCATED_TEAM,
        ALLOCATED_WORKER,
    ],
};

/// List 9: care leavers.
pub static LIST_9: List = List {
    number: 9,
    title: "Care leavers",
    sheet: "List 9",
    file: "list_9_care_leavers.csv",
    holds: "young people not looked after on the as-of date whose last period of care ended on \
            or after their 16th birthday (not by adoption, death or another authority taking \
            over their care), aged 21 or under at the start of the window, or up to 25 with a \
            personal adviser allocated on the as-of date",
    columns: &[
        CHILD_ID,
        GENDER_COLUMN,
        ETHNICITY_COLUMN,
        DATE_OF_BIRTH,
        AGE,
        DISABILITY,
        ALLOCATED_TEAM,
        ALLOCATED_WORKER,
        // The tools' code list for these two is keyed by misspelt headings
        // (`Eligibity Category`, `Suitability of Accomodation`), so it is never applied:
        // the export writes the labels, the import takes them as text.
        column("Eligibility Category", T, false),
        coded("LA in Touch", false, IN_TOUCH),
        column("Type of Accommodation", T, true),
        column("Suitability of Accommodation", T, true),
        coded("Activity Status", true, ACTIVITY),
    ],
};

/// List 10: children with an adoption decision.
pub static LIST_10: List = List {
    number: 10,
    title: "Children with an adoption decision",
    sheet: "List 10",
    file: "list_10_adoption.csv",
    holds: "one row per decision that a child should be placed for adoption made by the as-of \
            date, unless the decision was reversed, or the child's period of care ended, \
            before the window began",
    columns: &[
        CHILD_ID,
        column("Family identifier", T, true),
        GENDER_COLUMN,
        ETHNICITY_COLUMN,
        DATE_OF_BIRTH,
        AGE,
        DISABILITY,
        column("Date the Child Entered Care", D, false),
        column(
            "Date of Decision that Child Should be Placed for Adoption",
            D,
            false,
        ),
        column("Date of Placement Order", D, true),
        column("Date of Matching Child and Prospective Adopters", D, true),
        column("Date Placed for Adoption", D, true),
        column("Date of Adoption Order", D, true),
        column(
            "Date of Decision that Child Should No Longer be Placed for Adoption",
            D,
            true,
        ),
        coded(
            "Reason Why Child No Longer Placed for Adoption",
            true,
            REASON_NO_LONGER_PLACED,
        ),
        column(
            "Date the child was placed for fostering in FFA or concurrent planning placement",
            D,
            true,
        ),
    ],
};

/// The lists this system produces, in order.
pub static LISTS: [&List; 3] = [&LIST_8, &LIST_9, &LIST_10];

/// A cell's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Nothing.
    Blank,
    /// Text (codes as their labels).
    Text(String),
    /// A date.
    Date(Date),
    /// A whole number.
    Integer(i64),
}

impl Value {
    /// Text, or blank when there is none.
    pub fn text(text: Option<impl Into<String>>) -> Value {
        text.map_or(Value::Blank, |t| Value::Text(t.into()))
    }

    /// A label (static text), or blank.
    pub fn label(label: Option<&'static str>) -> Value {
        label.map_or(Value::Blank, |l| Value::Text(l.to_string()))
    }

    /// A date, or blank.
    pub fn date(date: Option<Date>) -> Value {
        date.map_or(Value::Blank, Value::Date)
    }

    /// Whether it is blank.
    pub fn is_blank(&self) -> bool {
        matches!(self, Value::Blank)
    }

    /// As text for a CSV cell (dates `dd/mm/yyyy`).
    pub fn to_text(&self) -> String {
        match self {
            Value::Blank => String::new(),
            Value::Text(text) => text.clone(),
            Value::Date(date) => permanence_domain::date::format_dmy(*date),
            Value::Integer(n) => n.to_string(),
        }
    }
}

// ---------------------------------------------------------------- codes to labels

/// The label in `labels` for a code, found by the text around the code in the labels
/// (`") U6:"` in `f) U6: Foster placement - not FFA`).
fn label_with(labels: &'static [&'static str], needle: &str) -> Option<&'static str> {
    labels.iter().copied().find(|label| label.contains(needle))
}

/// Gender for the 903 SEX code.
pub fn gender(sex: Sex) -> &'static str {
    match sex {
        Sex::Male1 | Sex::Male => "a) Male",
        Sex::Female2 | Sex::Female => "b) Female",
        Sex::Unknown => "c) Not stated/recorded",
    }
}

/// Ethnicity for the 903 ETHNIC code.
pub fn ethnicity(ethnic: Ethnicity) -> &'static str {
    label_with(ETHNICITY, &format!(") {}", ethnic.code())).expect("every ETHNIC code has a label")
}

/// A yes / no / unknown label.
pub fn yes_no(answer: Option<bool>) -> &'static str {
    match answer {
        Some(true) => "a) Yes",
        Some(false) => "b) No",
        None => "c) Unknown",
    }
}

/// Category of need for the 903 CIN code.
pub fn category_of_need(cin: permanence_domain::codes::CategoryOfNeed) -> &'static str {
    label_with(CATEGORY_OF_NEED, &format!("{} - ", cin.code())).expect("every CIN has a label")
}

/// Legal status for the 903 LS code.
pub fn legal_status(ls: LegalStatus) -> &'static str {
    label_with(LEGAL_STATUS, &format!("{}:", ls.code())).expect("every LS has a label")
}

/// Reason ceased for the 903 REC code. E43 and E44 (until 2018) have no label of their
/// own: they take the "other carer" labels of the codes that replaced them.
pub fn reason_ceased(rec: ReasonEpisodeCeased) -> &'static str {
    let code = match rec {
        ReasonEpisodeCeased::E43 => "E46",
        ReasonEpisodeCeased::E44 => "E48",
        other => other.code(),
    };
    label_with(REASON_CEASED, &format!(") {code}:")).expect("every REC has a label")
}

/// Placement type for the 903 PLACE code. K3 (registered supported accommodation, from
/// 2024/25) takes H5's label, the code it succeeded; Z11 to Z14 take Z1's.
pub fn placement_type(place: Placement) -> &'static str {
    let code = match place {
        Placement::K3 => "H5",
        Placement::Z11 | Placement::Z12 | Placement::Z13 | Placement::Z14 => "Z1",
        other => other.code(),
    };
    label_with(PLACEMENT_TYPE, &format!(") {code}:")).expect("every PLACE has a label")
}

/// Placement provider for the 903 PLACE_PROVIDER code.
pub fn placement_provider(provider: PlacementProvider) -> &'static str {
    label_with(PLACEMENT_PROVIDER, &format!(") {}:", provider.code()))
        .expect("every PLACE_PROVIDER has a label")
}

/// LA in touch for the OC3 IN_TOUCH code.
pub fn in_touch(code: InTouch) -> &'static str {
    match code {
        InTouch::Yes => "a) Yes",
        InTouch::No => "b) No",
        InTouch::Died => "c) Died",
        InTouch::Refu => "d) Refu",
        InTouch::Nreq => "e) NREQ",
        InTouch::Rhom => "f) Rhom",
    }
}

/// Activity status for the OC3 ACTIV code; `None` for `0` (no information). The
/// apprenticeship and training codes of 2021/22 on (F4, F5, P4, P5) take the labels of
/// the training-or-employment codes they replaced (F3, P3).
pub fn activity(code: Activity) -> Option<&'static str> {
    let code = match code {
        Activity::NotKnown => return None,
        Activity::F4 | Activity::F5 => "F3",
        Activity::P4 | Activity::P5 => "P3",
        other => other.code(),
    };
    label_with(ACTIVITY, &format!("{code}:"))
}

/// Type of accommodation for the OC3 ACCOM code; `None` for `0`.
pub fn accommodation(code: Accommodation) -> Option<&'static str> {
    let letter = code.letter()?;
    label_with(ACCOMMODATION, &format!("{letter}:"))
}

/// Suitability of accommodation for the OC3 ACCOM code; `None` for `0`.
pub fn suitability(code: Accommodation) -> Option<&'static str> {
    code.suitable().map(|suitable| {
        if suitable {
            SUITABILITY[0]
        } else {
            SUITABILITY[1]
        }
    })
}

/// Reason no longer placed for adoption for the 903 REASON_PLACED_CEASED code.
pub fn reason_no_longer_placed(code: ReasonPlacedCeased) -> &'static str {
    label_with(REASON_NO_LONGER_PLACED, &format!("{} - ", code.code()))
        .expect("every REASON_PLACED_CEASED has a label")
}

/// The permanence plan label for the tracker's primary plan. Connected carers (kinship
/// care) is permanence with family or friends under an order, `c) SGO/CAO`; staying put
/// (after 18) has no label of its own: `g) other`.
pub fn permanence_plan(option: PermanenceOption) -> &'static str {
    use PermanenceOption::*;
    match option {
        ReturnHome => "a) Return to family",
        Adoption | FosteringForAdoption | ConcurrentPlanning => "b) Adoption",
        ConnectedCarers | SpecialGuardianship | ChildArrangementsOrder => "c) SGO/CAO",
        SupportedLiving => "d) Supported living in the community",
        Residential => "e) Long-term residential placement",
        LongTermFostering => "f) Long-term fostering",
        StayingPut => "g) other",
    }
}

/// The tracker's permanence option for a List 8 plan label (as [`canonical_label`]
/// gives it); `None` for `g) other`, which the tracker's options do not include.
pub fn permanence_option(label: &str) -> Option<PermanenceOption> {
    Some(match label {
        "a) Return to family" => PermanenceOption::ReturnHome,
        "b) Adoption" => PermanenceOption::Adoption,
        "c) SGO/CAO" => PermanenceOption::SpecialGuardianship,
        "d) Supported living in the community" => PermanenceOption::SupportedLiving,
        "e) Long-term residential placement" => PermanenceOption::Residential,
        "f) Long-term fostering" => PermanenceOption::LongTermFostering,
        _ => return None,
    })
}

// ---------------------------------------------------------------- reading labels back

/// Text as the import compares it: trimmed, runs of white space as one space, curly
/// apostrophes as straight ones, lower case.
pub fn comparable(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['\u{2019}', '\u{2018}'], "'")
        .to_lowercase()
}

/// The label of `labels` that `text` is (compared as [`comparable`] text).
pub fn canonical_label(labels: &'static [&'static str], text: &str) -> Option<&'static str> {
    let text = comparable(text);
    labels
        .iter()
        .copied()
        .find(|label| comparable(label) == text)
}

/// Whether a heading matches a pattern of the form `.*a.*b.*` (each piece in order,
/// case-insensitively, white space compared as single spaces).
pub fn pattern_matches(pattern: &str, heading: &str) -> bool {
    let heading = comparable(heading);
    let pattern = comparable(pattern);
    let anchored_start = !pattern.starts_with(".*");
    let anchored_end = !pattern.ends_with(".*");
    let pieces: Vec<&str> = pattern.split(".*").filter(|p| !p.is_empty()).collect();
    let mut rest = heading.as_str();
    for (i, piece) in pieces.iter().enumerate() {
        let Some(at) = rest.find(piece) else {
            return false;
        };
        if i == 0 && anchored_start && at != 0 {
            return false;
        }
        rest = &rest[at + piece.len()..];
    }
    !anchored_end || rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_of_the_903_lists_has_its_label() {
        for sex in Sex::ALL {
            assert!(GENDER.contains(&gender(*sex)));
        }
        for code in Ethnicity::ALL {
            assert!(ethnicity(*code).ends_with(code.code()), "{code}");
        }
        for code in LegalStatus::ALL {
            assert!(legal_status(*code).starts_with(code.code()), "{code}");
        }
        for code in permanence_domain::codes::CategoryOfNeed::ALL {
            assert!(category_of_need(*code).starts_with(code.code()), "{code}");
        }
        for code in Placement::ALL {
            assert!(PLACEMENT_TYPE.contains(&placement_type(*code)), "{code}");
        }
        assert_eq!(
            placement_type(Placement::U6),
            "f) U6: Foster placement - not FFA"
        );
        assert_eq!(
            placement_type(Placement::K3),
            "n) H5: Residential accommodation"
        );
        for code in PlacementProvider::ALL {
            assert!(placement_provider(*code).contains(code.code()), "{code}");
        }
        for code in ReasonEpisodeCeased::ALL {
            assert!(REASON_CEASED.contains(&reason_ceased(*code)), "{code}");
        }
        assert_eq!(
            reason_ceased(ReasonEpisodeCeased::E4A),
            "e) E4A: Returned home to live with parents or relatives - part of planning"
        );
        for code in Activity::ALL {
            assert_eq!(
                activity(*code).is_none(),
                *code == Activity::NotKnown,
                "{code}"
            );
        }
        for code in Accommodation::ALL {
            assert_eq!(
                accommodation(*code).is_none(),
                *code == Accommodation::NotKnown
            );
        }
        assert_eq!(suitability(Accommodation::S2), Some("b) Unsuitable"));
        for code in ReasonPlacedCeased::ALL {
            assert!(reason_no_longer_placed(*code).starts_with(code.code()));
        }
        for code in InTouch::ALL {
            assert!(IN_TOUCH.contains(&in_touch(*code)));
        }
    }

    #[test]
    fn plans_map_to_labels_and_back() {
        for option in PermanenceOption::ALL {
            let label = permanence_plan(*option);
            assert!(PERMANENCE_PLAN.contains(&label));
            if let Some(back) = permanence_option(label) {
                assert_eq!(permanence_plan(back), label, "{option:?}");
            }
        }
        assert_eq!(permanence_option("g) other"), None);
    }

    #[test]
    fn labels_are_read_in_any_case_and_spacing() {
        assert_eq!(
            canonical_label(PLACEMENT_TYPE, "  F) u6:  Foster placement - NOT FFA "),
            Some("f) U6: Foster placement - not FFA")
        );
        assert_eq!(
            canonical_label(
                REASON_NO_LONGER_PLACED,
                "RD1 - The child's needs changed subsequent to the decision"
            ),
            Some(REASON_NO_LONGER_PLACED[0])
        );
        assert_eq!(canonical_label(GENDER, "Female"), None);
    }

    #[test]
    fn heading_patterns_match_pieces_in_order() {
        assert!(pattern_matches(".*child.*id.*", "Child ID"));
        assert!(pattern_matches(".*child.*id.*", "Unique child identifier"));
        assert!(!pattern_matches(".*child.*id.*", "ID of child"));
        assert!(pattern_matches(
            ".*second or subsequent .* of being a Looked After Child.*",
            "Is this a second or subsequent period of being a looked after child (Y/N)"
        ));
        assert!(pattern_matches(".*date.*birth.*", "DATE OF BIRTH"));
        assert!(!pattern_matches(".*date.*birth.*", "Birth date"));
    }

    #[test]
    fn every_list_has_unique_headings_and_codes_where_coded() {
        for list in LISTS {
            for (i, column) in list.columns.iter().enumerate() {
                assert_eq!(list.position(column.name), Some(i), "{}", column.name);
            }
        }
        assert_eq!(LIST_8.columns.len(), 34);
        assert_eq!(LIST_9.columns.len(), 13);
        assert_eq!(LIST_10.columns.len(), 16);
    }
}
