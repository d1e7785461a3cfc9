//! The SSDA903 code lists, one enum per field, each code valid for a range of collection
//! years (code lists change from year to year; see `shared/ssda903-format.md`).
//!
//! Codes are parsed once, at the edge, with [`parse_code`]; the rest of the system works
//! with the enums. An unknown code, or one not valid in the file's collection year, is a
//! [`CodeError`] that names the field and lists the allowed values for that year.

use crate::CollectionYear;

/// A code that is not in a field's list for the collection year.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{found}' is not a valid {field} code for {year}; expected one of: {}", allowed.join(", "))]
pub struct CodeError {
    /// The 903 field name, e.g. `PLACE`.
    pub field: &'static str,
    /// The text found.
    pub found: String,
    /// The collection year whose list was used.
    pub year: CollectionYear,
    /// The codes allowed in that year.
    pub allowed: Vec<&'static str>,
}

/// Behaviour shared by every 903 code list.
pub trait Code: Sized + Copy + 'static {
    /// The 903 field name.
    const FIELD: &'static str;
    /// Every code the system knows, across all years.
    const ALL: &'static [Self];
    /// The code as the return writes it.
    fn code(self) -> &'static str;
    /// The DfE description.
    fn description(self) -> &'static str;
    /// Whether the code is in the list for `year`.
    fn valid_in(self, year: CollectionYear) -> bool;

    /// The code with this exact text (any year).
    fn from_code(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.code() == text)
    }

    /// The codes allowed in `year`, in list order.
    fn allowed_in(year: CollectionYear) -> Vec<&'static str> {
        Self::ALL
            .iter()
            .filter(|c| c.valid_in(year))
            .map(|c| c.code())
            .collect()
    }
}

/// Parses a code that has already been trimmed and upper-cased, checking it against the
/// list for `year`.
pub fn parse_code<C: Code>(text: &str, year: CollectionYear) -> Result<C, CodeError> {
    match C::from_code(text) {
        Some(code) if code.valid_in(year) => Ok(code),
        _ => Err(CodeError {
            field: C::FIELD,
            found: text.to_string(),
            year,
            allowed: C::allowed_in(year),
        }),
    }
}

macro_rules! code_list {
    (@year $value:literal, $default:expr) => { $value };
    (@year , $default:expr) => { $default };
    (
        $(#[$meta:meta])*
        $name:ident, $field:literal {
            $( $variant:ident = $code:literal $description:literal
               $(from $from:literal)? $(until $until:literal)? ; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                #[doc = $description]
                #[serde(rename = $code)]
                $variant,
            )*
        }

        impl Code for $name {
            const FIELD: &'static str = $field;
            const ALL: &'static [Self] = &[$(Self::$variant),*];

            fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),* }
            }

            fn description(self) -> &'static str {
                match self { $(Self::$variant => $description),* }
            }

            fn valid_in(self, year: CollectionYear) -> bool {
                let (from, until): (i16, i16) = match self {
                    $(Self::$variant => (
                        code_list!(@year $($from)?, i16::MIN),
                        code_list!(@year $($until)?, i16::MAX),
                    )),*
                };
                (from..=until).contains(&year.0)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

code_list! {
    /// SEX: child's sex. `1`/`2` until 2023/24; `M`/`F`/`U` from 2024/25.
    Sex, "SEX" {
        Male1 = "1" "Male" until 2024;
        Female2 = "2" "Female" until 2024;
        Male = "M" "Male" from 2025;
        Female = "F" "Female" from 2025;
        Unknown = "U" "Not known or not stated" from 2025;
    }
}

impl Sex {
    /// The code for the same sex in `year`'s list (the list changed in 2024/25).
    pub fn for_year(self, year: CollectionYear) -> Sex {
        let modern = year.0 >= 2025;
        match self {
            Sex::Male1 | Sex::Male if modern => Sex::Male,
            Sex::Male1 | Sex::Male => Sex::Male1,
            Sex::Female2 | Sex::Female if modern => Sex::Female,
            Sex::Female2 | Sex::Female => Sex::Female2,
            Sex::Unknown => Sex::Unknown,
        }
    }

    /// Plain-English label, the same whichever year's code was used.
    pub fn label(self) -> &'static str {
        self.description()
    }
}

code_list! {
    /// ETHNIC: ethnic origin.
    Ethnicity, "ETHNIC" {
        Wbri = "WBRI" "White British";
        Wiri = "WIRI" "White Irish";
        Woth = "WOTH" "Any other White background";
        Wirt = "WIRT" "Traveller of Irish heritage";
        Wrom = "WROM" "Gypsy/Roma";
        Mwbc = "MWBC" "White and Black Caribbean";
        Mwba = "MWBA" "White and Black African";
        Mwas = "MWAS" "White and Asian";
        Moth = "MOTH" "Any other mixed background";
        Aind = "AIND" "Indian";
        Apkn = "APKN" "Pakistani";
        Aban = "ABAN" "Bangladeshi";
        Aoth = "AOTH" "Any other Asian background";
        Bcrb = "BCRB" "Caribbean";
        Bafr = "BAFR" "African";
        Both = "BOTH" "Any other Black background";
        Chne = "CHNE" "Chinese";
        Ooth = "OOTH" "Any other ethnic group";
        Refu = "REFU" "Refused";
        Nobt = "NOBT" "Information not yet obtained";
    }
}

code_list! {
    /// RNE: reason for new episode.
    ReasonNewEpisode, "RNE" {
        S = "S" "Started to be looked after";
        L = "L" "Change of legal status only";
        P = "P" "Change of placement and carer(s) only";
        T = "T" "Change of placement (but same carer(s)) only";
        B = "B" "Change of legal status and placement and carer(s) at the same time";
        U = "U" "Change of legal status and change of placement (but same carer(s)) at the same time";
    }
}

impl ReasonNewEpisode {
    /// Every reason except `L` starts a new placement (`domain.md` §3.4).
    pub fn starts_placement(self) -> bool {
        !matches!(self, ReasonNewEpisode::L)
    }

    /// `S`, `P` and `B` bring new carers; `T` and `U` keep the same carers.
    pub fn changes_carer(self) -> bool {
        matches!(
            self,
            ReasonNewEpisode::S | ReasonNewEpisode::P | ReasonNewEpisode::B
        )
    }
}

code_list! {
    /// LS: legal status.
    LegalStatus, "LS" {
        C1 = "C1" "Interim care order";
        C2 = "C2" "Full care order";
        D1 = "D1" "Freeing order granted";
        E1 = "E1" "Placement order granted";
        V2 = "V2" "Single period of accommodation under section 20";
        V3 = "V3" "Agreed series of short-term breaks, individual episodes recorded";
        V4 = "V4" "Agreed series of short-term breaks, agreements recorded";
        L1 = "L1" "Under police protection and in local authority accommodation";
        L2 = "L2" "Emergency protection order";
        L3 = "L3" "Under child assessment order and in local authority accommodation";
        J1 = "J1" "Remanded to local authority accommodation or youth detention accommodation";
        J2 = "J2" "Placed in local authority accommodation under PACE";
        J3 = "J3" "Sentenced to a youth rehabilitation order with residence or intensive fostering requirement";
    }
}

impl LegalStatus {
    /// Short breaks (V3, V4) are left out of placement counts and most indicators.
    pub fn is_short_break(self) -> bool {
        matches!(self, LegalStatus::V3 | LegalStatus::V4)
    }

    /// Plain-English grouping used in summaries.
    pub fn group(self) -> &'static str {
        match self {
            LegalStatus::C1 => "Interim care order",
            LegalStatus::C2 => "Full care order",
            LegalStatus::D1 | LegalStatus::E1 => "Placement or freeing order",
            LegalStatus::V2 => "Section 20",
            LegalStatus::V3 | LegalStatus::V4 => "Short breaks",
            LegalStatus::L1 | LegalStatus::L2 | LegalStatus::L3 => {
                "Emergency order or police protection"
            }
            LegalStatus::J1 | LegalStatus::J2 | LegalStatus::J3 => "Youth justice",
        }
    }
}

code_list! {
    /// CIN: category of need.
    CategoryOfNeed, "CIN" {
        N1 = "N1" "Abuse or neglect";
        N2 = "N2" "Child's disability";
        N3 = "N3" "Parental illness or disability";
        N4 = "N4" "Family in acute stress";
        N5 = "N5" "Family dysfunction";
        N6 = "N6" "Socially unacceptable behaviour";
        N7 = "N7" "Low income";
        N8 = "N8" "Absent parenting";
    }
}

code_list! {
    /// PLACE: placement type. H5, P2 and Z1 end with 2024/25; K3 starts in 2024/25;
    /// Z11 to Z14 replace Z1 from 2025/26.
    Placement, "PLACE" {
        A3 = "A3" "Placed for adoption with consent with current foster carer(s)";
        A4 = "A4" "Placed for adoption with consent not with current foster carer(s)";
        A5 = "A5" "Placed for adoption with placement order with current foster carer(s)";
        A6 = "A6" "Placed for adoption with placement order not with current foster carer(s)";
        H5 = "H5" "Semi-independent living accommodation not subject to children's homes regulations" until 2025;
        K1 = "K1" "Secure children's home";
        K2 = "K2" "Children's home subject to Children's Homes Regulations";
        K3 = "K3" "Registered supported accommodation" from 2025;
        P1 = "P1" "Placed with own parent(s) or other person(s) with parental responsibility";
        P2 = "P2" "Independent living, e.g. flat, lodgings, bedsit, B&B or with friends" until 2025;
        P3 = "P3" "Residential employment";
        R1 = "R1" "Residential care home";
        R2 = "R2" "NHS/health trust or other establishment providing medical or nursing care";
        R3 = "R3" "Family centre or mother and baby unit";
        R5 = "R5" "Young offender institution or prison";
        S1 = "S1" "Residential school, except where dual-registered as a children's home";
        T0 = "T0" "All types of temporary move";
        T1 = "T1" "Temporary periods in hospital";
        T2 = "T2" "Temporary absences of the child on holiday";
        T3 = "T3" "Temporary accommodation whilst normal foster carer(s) is/are on holiday";
        T4 = "T4" "Temporary accommodation of seven days or less not covered by T1 to T3";
        U1 = "U1" "Foster placement with relative(s) or friend(s) - long-term fostering";
        U2 = "U2" "Foster placement with relative(s) or friend(s) who are also approved adopters - FfA or concurrent";
        U3 = "U3" "Foster placement with relative(s) or friend(s) - not long-term or FfA/concurrent";
        U4 = "U4" "Foster placement with other foster carer(s) - long-term fostering";
        U5 = "U5" "Foster placement with other foster carer(s) who are also approved adopters - FfA or concurrent";
        U6 = "U6" "Foster placement with other foster carer(s) - not long-term or FfA/concurrent";
        Z1 = "Z1" "Other placements" until 2025;
        Z11 = "Z11" "Other placements (Z11)" from 2026;
        Z12 = "Z12" "Other placements (Z12)" from 2026;
        Z13 = "Z13" "Other placements (Z13)" from 2026;
        Z14 = "Z14" "Other placements (Z14)" from 2026;
    }
}

/// Placement types grouped as managers and the national statistics group them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacementGroup {
    /// U1 to U6.
    FosterCare,
    /// A3 to A6.
    PlacedForAdoption,
    /// P1.
    WithParents,
    /// K1, K2.
    ChildrensHome,
    /// H5, P2, K3.
    SupportedOrIndependentLiving,
    /// R1, R2, R3, R5, S1, P3.
    OtherResidential,
    /// T0 to T4, Z codes.
    Other,
}

impl PlacementGroup {
    /// Every group, in display order.
    pub const ALL: [PlacementGroup; 7] = [
        PlacementGroup::FosterCare,
        PlacementGroup::PlacedForAdoption,
        PlacementGroup::WithParents,
        PlacementGroup::ChildrensHome,
        PlacementGroup::SupportedOrIndependentLiving,
        PlacementGroup::OtherResidential,
        PlacementGroup::Other,
    ];

    /// Plain-English label.
    pub fn label(self) -> &'static str {
        match self {
            PlacementGroup::FosterCare => "Foster care",
            PlacementGroup::PlacedForAdoption => "Placed for adoption",
            PlacementGroup::WithParents => "Placed with parents",
            PlacementGroup::ChildrensHome => "Children's home",
            PlacementGroup::SupportedOrIndependentLiving => "Supported or independent living",
            PlacementGroup::OtherResidential => "Other residential settings",
            PlacementGroup::Other => "Other placements",
        }
    }
}

impl Placement {
    /// The reporting group of this placement type.
    pub fn group(self) -> PlacementGroup {
        use Placement::*;
        match self {
            U1 | U2 | U3 | U4 | U5 | U6 => PlacementGroup::FosterCare,
            A3 | A4 | A5 | A6 => PlacementGroup::PlacedForAdoption,
            P1 => PlacementGroup::WithParents,
            K1 | K2 => PlacementGroup::ChildrensHome,
            H5 | P2 | K3 => PlacementGroup::SupportedOrIndependentLiving,
            R1 | R2 | R3 | R5 | S1 | P3 => PlacementGroup::OtherResidential,
            T0 | T1 | T2 | T3 | T4 | Z1 | Z11 | Z12 | Z13 | Z14 => PlacementGroup::Other,
        }
    }

    /// Temporary placements (T0 to T4) are left out of placement counts.
    pub fn is_temporary(self) -> bool {
        use Placement::*;
        matches!(self, T0 | T1 | T2 | T3 | T4)
    }

    /// K1 or K2: a children's home.
    pub fn is_childrens_home(self) -> bool {
        matches!(self, Placement::K1 | Placement::K2)
    }

    /// U1 to U6: foster care.
    pub fn is_foster_care(self) -> bool {
        self.group() == PlacementGroup::FosterCare
    }

    /// U1 to U3: foster care with relatives or friends (connected carers).
    pub fn is_connected_carers(self) -> bool {
        matches!(self, Placement::U1 | Placement::U2 | Placement::U3)
    }

    /// A3 to A6: placed for adoption.
    pub fn is_placed_for_adoption(self) -> bool {
        self.group() == PlacementGroup::PlacedForAdoption
    }

    /// U2 or U5: fostering for adoption or concurrent planning.
    pub fn is_fostering_for_adoption(self) -> bool {
        matches!(self, Placement::U2 | Placement::U5)
    }

    /// "Other arrangements" that are not children's homes or foster care: unregulated or
    /// semi-independent settings (H5, P2, and the Z codes). Under-16s may not live there
    /// since 9 September 2021 (reg 27A).
    pub fn is_other_arrangement(self) -> bool {
        use Placement::*;
        matches!(self, H5 | P2 | Z1 | Z11 | Z12 | Z13 | Z14)
    }
}

code_list! {
    /// PLACE_PROVIDER: placement provider.
    PlacementProvider, "PLACE_PROVIDER" {
        Pr0 = "PR0" "Parent(s) or other person(s) with parental responsibility";
        Pr1 = "PR1" "Own provision (by the local authority)";
        Pr2 = "PR2" "Other local authority provision";
        Pr3 = "PR3" "Other public provision";
        Pr4 = "PR4" "Private provision";
        Pr5 = "PR5" "Voluntary/third sector provision";
    }
}

code_list! {
    /// REC: reason episode ceased. E43/E44 were replaced by E45 to E48 in 2018/19.
    ReasonEpisodeCeased, "REC" {
        X1 = "X1" "Episode ceases, and new episode begins on same day, for any reason";
        E11 = "E11" "Adopted - application for an adoption order unopposed";
        E12 = "E12" "Adopted - consent dispensed with by the court";
        E13 = "E13" "Left care to live with parent(s), relative(s) or other person(s) with no parental responsibility";
        E14 = "E14" "Accommodation on remand ended";
        E15 = "E15" "Age assessment determined child is aged 18 or over";
        E16 = "E16" "Child moved abroad";
        E17 = "E17" "Aged 18 (or over) and remained with current carers";
        E2 = "E2" "Died";
        E3 = "E3" "Care taken over by another local authority in the UK";
        E41 = "E41" "Residence order or child arrangements order granted";
        E43 = "E43" "Special guardianship order made to former foster carer(s)" until 2018;
        E44 = "E44" "Special guardianship order made to carer(s) other than former foster carer(s)" until 2018;
        E45 = "E45" "Special guardianship order made to former foster carer(s) who are relative(s) or friend(s)" from 2019;
        E46 = "E46" "Special guardianship order made to former foster carer(s) other than relative(s) or friend(s)" from 2019;
        E47 = "E47" "Special guardianship order made to carer(s) other than former foster carer(s), who are relative(s) or friend(s)" from 2019;
        E48 = "E48" "Special guardianship order made to carer(s) other than former foster carer(s), other than relative(s) or friend(s)" from 2019;
        E4A = "E4A" "Returned home as part of the care planning process";
        E4B = "E4B" "Returned home not as part of the current care planning process";
        E5 = "E5" "Moved into independent living with formalised advice or support";
        E6 = "E6" "Moved into independent living with no formalised advice or support";
        E7 = "E7" "Transferred to residential care funded by adult social care services";
        E8 = "E8" "Period of being looked after ceased for any other reason";
        E9 = "E9" "Sentenced to custody";
    }
}

/// How a period of care ended, grouped by permanence outcome (`domain.md` §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitRoute {
    /// E11, E12.
    Adoption,
    /// E43 to E48.
    SpecialGuardianship,
    /// E41.
    ChildArrangementsOrder,
    /// E4A.
    ReturnHomePlanned,
    /// E4B, E13.
    ReturnHomeUnplanned,
    /// E17.
    StayingPut,
    /// E5, E6.
    IndependentLiving,
    /// Everything else (E2, E3, E7, E8, E9, E14, E15, E16).
    Other,
}

impl ExitRoute {
    /// Plain-English label.
    pub fn label(self) -> &'static str {
        match self {
            ExitRoute::Adoption => "Adoption",
            ExitRoute::SpecialGuardianship => "Special guardianship order",
            ExitRoute::ChildArrangementsOrder => "Child arrangements order",
            ExitRoute::ReturnHomePlanned => "Returned home (planned)",
            ExitRoute::ReturnHomeUnplanned => "Returned home (not planned)",
            ExitRoute::StayingPut => "Staying put at 18",
            ExitRoute::IndependentLiving => "Independent living",
            ExitRoute::Other => "Other reasons",
        }
    }
}

impl ReasonEpisodeCeased {
    /// Whether the episode ends a period of care (every reason except X1).
    pub fn ends_period(self) -> bool {
        self != ReasonEpisodeCeased::X1
    }

    /// The permanence outcome of a period ending with this reason; `None` for X1.
    pub fn exit_route(self) -> Option<ExitRoute> {
        use ReasonEpisodeCeased::*;
        Some(match self {
            X1 => return None,
            E11 | E12 => ExitRoute::Adoption,
            E43 | E44 | E45 | E46 | E47 | E48 => ExitRoute::SpecialGuardianship,
            E41 => ExitRoute::ChildArrangementsOrder,
            E4A => ExitRoute::ReturnHomePlanned,
            E4B | E13 => ExitRoute::ReturnHomeUnplanned,
            E17 => ExitRoute::StayingPut,
            E5 | E6 => ExitRoute::IndependentLiving,
            E2 | E3 | E7 | E8 | E9 | E14 | E15 | E16 => ExitRoute::Other,
        })
    }
}

code_list! {
    /// REASON_PLACE_CHANGE: reason for placement change. CUSTOD from 2018/19.
    ReasonPlaceChange, "REASON_PLACE_CHANGE" {
        Carpl = "CARPL" "Change to/implementation of care plan";
        Close = "CLOSE" "Resignation or closure of provision";
        Alleg = "ALLEG" "Allegation (s47)";
        Stand = "STAND" "Standards of care concern";
        Apprr = "APPRR" "Approval removed";
        Creqb = "CREQB" "Carer(s) requests placement end due to child's behaviour";
        Creqo = "CREQO" "Carer(s) requests placement end other than due to child's behaviour";
        Child = "CHILD" "Child requests placement end";
        Lareq = "LAREQ" "Responsible or area authority requests placement end";
        Place = "PLACE" "Change in the status of placement only";
        Custod = "CUSTOD" "Custody arrangement" from 2019;
        Other = "OTHER" "Other";
    }
}

impl ReasonPlaceChange {
    /// Unplanned endings (STAB-03): carer requests, allegations, standards concerns, closure.
    pub fn is_unplanned(self) -> bool {
        use ReasonPlaceChange::*;
        matches!(self, Creqb | Creqo | Alleg | Stand | Close)
    }
}

code_list! {
    /// REVIEW_CODE: participation in the review.
    ReviewCode, "REVIEW_CODE" {
        Pn0 = "PN0" "Child aged under 4 at the time of the review";
        Pn1 = "PN1" "Child physically attends and speaks for themselves";
        Pn2 = "PN2" "Child physically attends and an advocate speaks on their behalf";
        Pn3 = "PN3" "Child attends and conveys views symbolically";
        Pn4 = "PN4" "Child physically attends but does not speak or convey views";
        Pn5 = "PN5" "Child does not attend but briefs an advocate to speak";
        Pn6 = "PN6" "Child does not attend but conveys views by a facilitative medium";
        Pn7 = "PN7" "Child does not attend nor are views conveyed";
    }
}

code_list! {
    /// IN_TOUCH (OC3): whether the authority is in touch with the care leaver.
    InTouch, "IN_TOUCH" {
        Yes = "YES" "In touch";
        No = "NO" "Not in touch";
        Died = "DIED" "Died since leaving care";
        Refu = "REFU" "Young person refuses contact";
        Nreq = "NREQ" "No longer requires services";
        Rhom = "RHOM" "Returned home to parents for six months or more";
    }
}

code_list! {
    /// ACTIV (OC3): main activity. F3/P3 were split into F4/P4 and F5/P5 in 2021/22.
    Activity, "ACTIV" {
        F1 = "F1" "Full-time higher education";
        P1 = "P1" "Part-time higher education";
        F2 = "F2" "Full-time education other than higher education";
        P2 = "P2" "Part-time education other than higher education";
        F3 = "F3" "Full-time training or employment" until 2021;
        P3 = "P3" "Part-time training or employment" until 2021;
        F4 = "F4" "Full-time apprenticeship" from 2022;
        P4 = "P4" "Part-time apprenticeship" from 2022;
        F5 = "F5" "Full-time training or employment (not apprenticeship)" from 2022;
        P5 = "P5" "Part-time training or employment (not apprenticeship)" from 2022;
        G4 = "G4" "Not in education, employment or training because of illness or disability";
        G5 = "G5" "Not in education, employment or training: other circumstances";
        G6 = "G6" "Not in education, employment or training due to pregnancy or parenting";
        NotKnown = "0" "Not in touch, activity unknown, died or returned home";
    }
}

impl Activity {
    /// In education, employment or training (F and P codes).
    pub fn is_eet(self) -> bool {
        self.code().starts_with(['F', 'P'])
    }

    /// Not in education, employment or training (G codes).
    pub fn is_neet(self) -> bool {
        self.code().starts_with('G')
    }
}

code_list! {
    /// ACCOM (OC3): accommodation type (letter) and suitability (1 suitable, 2 unsuitable).
    Accommodation, "ACCOM" {
        B1 = "B1" "With parents or relatives - suitable";
        B2 = "B2" "With parents or relatives - unsuitable";
        C1 = "C1" "Community home or other residential care - suitable";
        C2 = "C2" "Community home or other residential care - unsuitable";
        D1 = "D1" "Semi-independent transitional accommodation - suitable";
        D2 = "D2" "Semi-independent transitional accommodation - unsuitable";
        E1 = "E1" "Supported lodgings - suitable";
        E2 = "E2" "Supported lodgings - unsuitable";
        G1 = "G1" "Gone abroad - suitable";
        G2 = "G2" "Gone abroad - unsuitable";
        H1 = "H1" "Deported - suitable";
        H2 = "H2" "Deported - unsuitable";
        K1 = "K1" "Ordinary lodgings without formal support - suitable";
        K2 = "K2" "Ordinary lodgings without formal support - unsuitable";
        R1 = "R1" "Residence not known - suitable";
        R2 = "R2" "Residence not known - unsuitable";
        S2 = "S2" "No fixed abode or homeless - unsuitable";
        T1 = "T1" "Foyer or similar supported accommodation - suitable";
        T2 = "T2" "Foyer or similar supported accommodation - unsuitable";
        U1 = "U1" "Independent living - suitable";
        U2 = "U2" "Independent living - unsuitable";
        V1 = "V1" "Emergency accommodation - suitable";
        V2 = "V2" "Emergency accommodation - unsuitable";
        W1 = "W1" "Bed and breakfast - suitable";
        W2 = "W2" "Bed and breakfast - unsuitable";
        X2 = "X2" "In custody - unsuitable";
        Y1 = "Y1" "Other accommodation - suitable";
        Y2 = "Y2" "Other accommodation - unsuitable";
        Z1 = "Z1" "With former foster carer(s) - suitable";
        Z2 = "Z2" "With former foster carer(s) - unsuitable";
        NotKnown = "0" "Not in touch, unknown, died or returned home";
    }
}

impl Accommodation {
    /// The accommodation type letter, or `None` for `0`.
    pub fn letter(self) -> Option<char> {
        let code = self.code();
        (code != "0").then(|| code.chars().next().expect("non-empty code"))
    }

    /// `Some(true)` when coded suitable (suffix 1), `Some(false)` when unsuitable
    /// (suffix 2), `None` when there is no information (`0`).
    pub fn suitable(self) -> Option<bool> {
        match self.code().as_bytes() {
            [_, b'1'] => Some(true),
            [_, b'2'] => Some(false),
            _ => None,
        }
    }
}

code_list! {
    /// MISSING: missing from placement or away without authorisation.
    MissingType, "MISSING" {
        Missing = "M" "Missing from care (whereabouts unknown)";
        Away = "A" "Away from placement without authorisation (whereabouts known)";
    }
}

code_list! {
    /// PREV_PERM: previous permanence arrangement before entering care.
    PreviousPermanence, "PREV_PERM" {
        P1 = "P1" "Adoption";
        P2 = "P2" "Special guardianship order";
        P3 = "P3" "Residence order or child arrangements order (lives with)";
        P4 = "P4" "Previous permanence arrangement, type unknown";
        Z1 = "Z1" "No previous permanence arrangement";
    }
}

impl PreviousPermanence {
    /// P1 to P3: the child had a permanent home that broke down (PERM-08).
    pub fn is_breakdown(self) -> bool {
        matches!(
            self,
            PreviousPermanence::P1 | PreviousPermanence::P2 | PreviousPermanence::P3
        )
    }
}

code_list! {
    /// REASON_PLACED_CEASED: why a placement for adoption stopped.
    ReasonPlacedCeased, "REASON_PLACED_CEASED" {
        Rd1 = "RD1" "The child's needs changed";
        Rd2 = "RD2" "The court did not make a placement order";
        Rd3 = "RD3" "Prospective adopters could not be found";
        Rd4 = "RD4" "Any other reason";
    }
}

code_list! {
    /// SEX_ADOPTR (AD1): sex of the adopter(s).
    SexOfAdopters, "SEX_ADOPTR" {
        M1 = "M1" "Single male adopter";
        F1 = "F1" "Single female adopter";
        Mm = "MM" "Two male adopters";
        Ff = "FF" "Two female adopters";
        Mf = "MF" "Male and female adopters";
    }
}

code_list! {
    /// LS_ADOPTR (AD1): legal status of the adopter(s).
    LegalStatusOfAdopters, "LS_ADOPTR" {
        L0 = "L0" "Single adopter";
        L11 = "L11" "Married couple, mixed sex";
        L12 = "L12" "Married couple, same sex";
        L2 = "L2" "Civil partners";
        L3 = "L3" "Unmarried couple, mixed sex";
        L4 = "L4" "Unmarried couple, same sex";
    }
}

code_list! {
    /// SDQ_REASON (OC2): why no strengths and difficulties questionnaire score.
    SdqReason, "SDQ_REASON" {
        Sdq1 = "SDQ1" "No SDQ: child under 4 or over 17";
        Sdq2 = "SDQ2" "No SDQ: carer refused";
        Sdq3 = "SDQ3" "No SDQ: child's disability";
        Sdq4 = "SDQ4" "No SDQ: other reason";
        Sdq5 = "SDQ5" "No SDQ: young person refused";
    }
}

code_list! {
    /// SW_REASON: why a social-worker episode began (table from 2023/24).
    SocialWorkerChangeReason, "SW_REASON" {
        Fconta = "FCONTA" "First contact";
        Manage = "MANAGE" "Management decision";
        Leftrl = "LEFTRL" "Worker left the role";
        Orgrst = "ORGRST" "Organisational restructure";
        Tsproc = "TSPROC" "Transfer between teams or processes";
        Absenc = "ABSENC" "Worker absence";
        Chchan = "CHCHAN" "Child's circumstances changed";
        Pcchan = "PCCHAN" "Parent or carer request";
        Swdied = "SWDIED" "Worker died";
        Others = "OTHERS" "Other reason";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_only_in_their_years() {
        assert_eq!(
            parse_code::<Placement>("K3", CollectionYear(2025)),
            Ok(Placement::K3)
        );
        let error = parse_code::<Placement>("K3", CollectionYear(2024)).unwrap_err();
        assert_eq!(error.field, "PLACE");
        assert!(!error.allowed.contains(&"K3"));
        assert!(error.allowed.contains(&"H5"));
        assert!(parse_code::<Placement>("H5", CollectionYear(2026)).is_err());
        assert!(parse_code::<Placement>("Z12", CollectionYear(2026)).is_ok());
        assert!(parse_code::<Sex>("M", CollectionYear(2024)).is_err());
        assert!(parse_code::<Sex>("1", CollectionYear(2024)).is_ok());
        assert!(parse_code::<Sex>("1", CollectionYear(2025)).is_err());
    }

    #[test]
    fn error_lists_allowed_values() {
        let error = parse_code::<ReasonNewEpisode>("Q", CollectionYear(2026)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "'Q' is not a valid RNE code for 2025/26; expected one of: S, L, P, T, B, U"
        );
    }

    #[test]
    fn every_year_has_a_sex_list_and_placement_list() {
        for year in CollectionYear::EARLIEST.0..=CollectionYear::LATEST.0 {
            let year = CollectionYear(year);
            assert!(Sex::allowed_in(year).len() >= 2, "{year}");
            assert!(Placement::allowed_in(year).len() > 20, "{year}");
        }
    }

    #[test]
    fn sex_converts_between_lists() {
        assert_eq!(Sex::Male1.for_year(CollectionYear(2026)), Sex::Male);
        assert_eq!(Sex::Female.for_year(CollectionYear(2023)), Sex::Female2);
    }

    #[test]
    fn accommodation_suitability() {
        assert_eq!(Accommodation::B1.suitable(), Some(true));
        assert_eq!(Accommodation::S2.suitable(), Some(false));
        assert_eq!(Accommodation::NotKnown.suitable(), None);
        assert_eq!(Accommodation::Z1.letter(), Some('Z'));
    }
}
