//! Every rate, share and duration the synthetic borough is drawn from, with where it
//! comes from. National figures are England, year ending 31 March 2022 (`domain.md`
//! §2.2) unless stated; the rest are modelling choices, tuned so that the population
//! looked after at 31 March reproduces the national shares (the tests in
//! `tests/distribution.rs` check the result, with tolerances).
//!
//! Weights in a table need not add up to 1: they are relative.

#![allow(clippy::excessive_precision)]

use permanence_domain::codes::*;

// ----- Population and history window ------------------------------------------------

/// How many years before the first collection year children may have entered care and
/// still appear in the returns: a newborn looked after until 18 whose care-leaver
/// information runs to the 21st birthday. Entry dates are uniform from then to the last
/// 31 March (a constant number of entrants a year), so the population looked after is
/// in a steady state and children already in care when the window opens have
/// realistic earlier start dates.
pub const PRE_WINDOW_YEARS: i32 = 21;

// ----- Who enters care -------------------------------------------------------------

/// Share of entrants who are unaccompanied asylum-seeking children (brief: ~7%; 5,570
/// UASC of 82,170 looked after at 31 March 2022).
pub const UASC_SHARE_OF_ENTRANTS: f64 = 0.07;

/// UASC entrants' age at entry (15, 16, 17): mostly 16 and 17.
pub const UASC_ENTRY_AGE: [(i32, f64); 3] = [(15, 0.22), (16, 0.45), (17, 0.33)];

/// Share of UASC entrants who are male (national UASC: ~95% male).
pub const UASC_MALE_SHARE: f64 = 0.95;

/// Share of other entrants who are male. With UASC almost all male this gives ~56% male
/// among children looked after at 31 March (`domain.md` §2.2).
pub const MALE_SHARE: f64 = 0.54;

/// Age bands of non-UASC entrants (under 1, 1-4, 5-9, 10-15, 16-17). Starters are
/// younger than the population looked after; these are tuned so that ages at 31 March
/// come out at England's 5% / 14% / 18% / 39% / 25% (`domain.md` §2.2).
pub const ENTRY_AGE_BANDS: [((i32, i32), f64); 5] = [
    ((0, 0), 0.22),
    ((1, 4), 0.13),
    ((5, 9), 0.14),
    ((10, 15), 0.33),
    ((16, 17), 0.18),
];

/// Share of under-1 entrants who come into care in their first month (most babies who
/// enter care do so at or soon after birth).
pub const NEWBORN_SHARE_OF_UNDER_ONE: f64 = 0.45;

/// The latest age (in days after the 17th birthday) at which a child enters care, so
/// that every period lasts at least a few weeks before the 18th birthday.
pub const LATEST_ENTRY_DAYS_AFTER_17: i32 = 300;

/// Ethnicity of non-UASC entrants. Groups roughly England's White 73%, Mixed 10%,
/// Black 7%, Asian 5%, Other 4%, not known 1% (`domain.md` §2.2), allowing for UASC.
pub const ETHNICITY: [(Ethnicity, f64); 20] = [
    (Ethnicity::Wbri, 0.640),
    (Ethnicity::Wiri, 0.006),
    (Ethnicity::Woth, 0.080),
    (Ethnicity::Wirt, 0.004),
    (Ethnicity::Wrom, 0.008),
    (Ethnicity::Mwbc, 0.035),
    (Ethnicity::Mwba, 0.015),
    (Ethnicity::Mwas, 0.012),
    (Ethnicity::Moth, 0.045),
    (Ethnicity::Aind, 0.008),
    (Ethnicity::Apkn, 0.016),
    (Ethnicity::Aban, 0.008),
    (Ethnicity::Aoth, 0.010),
    (Ethnicity::Bcrb, 0.018),
    (Ethnicity::Bafr, 0.038),
    (Ethnicity::Both, 0.014),
    (Ethnicity::Chne, 0.002),
    (Ethnicity::Ooth, 0.016),
    (Ethnicity::Refu, 0.002),
    (Ethnicity::Nobt, 0.008),
];

/// Ethnicity of UASC entrants (mostly from Afghanistan, Eritrea, Sudan, Iran, Iraq,
/// Vietnam, Albania).
pub const UASC_ETHNICITY: [(Ethnicity, f64); 7] = [
    (Ethnicity::Ooth, 0.34),
    (Ethnicity::Aoth, 0.22),
    (Ethnicity::Bafr, 0.24),
    (Ethnicity::Both, 0.06),
    (Ethnicity::Woth, 0.08),
    (Ethnicity::Chne, 0.02),
    (Ethnicity::Nobt, 0.04),
];

/// Category of need of non-UASC entrants. Tuned so that ~66% of children looked after
/// at 31 March have abuse or neglect (N1) as their main need (`domain.md` §2.2); UASC
/// are N8 (absent parenting).
pub const CATEGORY_OF_NEED: [(CategoryOfNeed, f64); 8] = [
    (CategoryOfNeed::N1, 0.69),
    (CategoryOfNeed::N2, 0.035),
    (CategoryOfNeed::N3, 0.03),
    (CategoryOfNeed::N4, 0.08),
    (CategoryOfNeed::N5, 0.14),
    (CategoryOfNeed::N6, 0.012),
    (CategoryOfNeed::N7, 0.003),
    (CategoryOfNeed::N8, 0.01),
];

// ----- Routes through care ----------------------------------------------------------

/// How a period of care is planned to end. Weights by age band at entry: under 1, 1-4,
/// 5-9, 10-15, 16-17. Adoption is almost only for the under-5s; older children leave
/// by returning home or stay until 18 (long-term foster care or residential care).
/// Tuned so that the population at 31 March matches England's age bands and ~3% are
/// placed for adoption, ~7% placed with parents.
pub const ROUTES_BY_AGE_BAND: [[f64; 7]; 5] = [
    // ReturnHome, SpecialGuardianship, ChildArrangements, Adoption, LongTerm, Other, Remand
    [0.27, 0.19, 0.04, 0.30, 0.13, 0.07, 0.0],
    [0.33, 0.20, 0.05, 0.12, 0.21, 0.09, 0.0],
    [0.40, 0.13, 0.05, 0.005, 0.32, 0.095, 0.0],
    [0.52, 0.04, 0.02, 0.0, 0.29, 0.10, 0.03],
    [0.32, 0.0, 0.0, 0.0, 0.55, 0.09, 0.04],
];

/// Share of returns home that happen within 8 weeks of entry (many short stays).
pub const RETURN_HOME_SHORT_SHARE: f64 = 0.35;
/// Median length, in days, of the other stays ending in a return home.
pub const RETURN_HOME_MEDIAN_DAYS: f64 = 240.0;

/// Median days from entry to a special guardianship order (typically made at the end of
/// care proceedings, 26 weeks or later).
pub const SGO_MEDIAN_DAYS: f64 = 430.0;
/// Median days from entry to a child arrangements order.
pub const CAO_MEDIAN_DAYS: f64 = 380.0;

/// Adoption milestones, in days: entry to the agency decision that the child should be
/// placed for adoption; decision to placement order; order to match; match to placed.
/// Entry to placed averages ~1.5 years (1 y 6 m in 2022, `domain.md` §2.2).
pub const ADOPTION_DECISION_DAYS: (i32, i32) = (200, 420);
/// Days from the decision to the placement order (E1).
pub const PLACEMENT_ORDER_DAYS: (i32, i32) = (14, 120);
/// Days from the placement order to the match with adopters.
pub const MATCH_DAYS: (i32, i32) = (60, 240);
/// Days from the match to the child moving in with the adopters.
pub const PLACED_DAYS: (i32, i32) = (7, 40);
/// Days from placement with adopters to the adoption order: ~10 months, so entry to
/// adoption averages ~2 years 3 months (`domain.md` §2.2).
pub const ADOPTION_ORDER_DAYS: (i32, i32) = (200, 400);
/// Share of children with a decision to place for adoption whose plan is later
/// reversed (REASON_PLACED_CEASED); they stay in foster care or leave by SGO.
pub const ADOPTION_PLAN_REVERSED_SHARE: f64 = 0.10;
/// Share of adoptive placements with the child's current foster carers (A3/A5,
/// fostering for adoption or foster-carer adoptions).
pub const ADOPTED_BY_FOSTER_CARERS_SHARE: f64 = 0.15;
/// Share of adoptive placements made with parental consent (A3/A4) rather than under a
/// placement order (A5/A6).
pub const ADOPTION_WITH_CONSENT_SHARE: f64 = 0.08;
/// Adoptions with consent dispensed with (E12) rather than unopposed (E11).
pub const ADOPTION_CONSENT_DISPENSED_SHARE: f64 = 0.45;

/// Share of children staying long-term who leave before 18: some return home after
/// years, some older ones move to independent living at 16-17.
pub const LONG_TERM_EARLY_EXIT_SHARE: f64 = 0.30;
/// Median days before a long-term child who leaves early does so.
pub const LONG_TERM_EARLY_EXIT_MEDIAN_DAYS: f64 = 900.0;

/// Median days of an "other" exit (E3 transfer, E8 other, E16 abroad, E9 custody).
pub const OTHER_EXIT_MEDIAN_DAYS: f64 = 150.0;

/// Remand (J1) lasts days to a few months, then ends (E14).
pub const REMAND_DAYS: (i32, i32) = (2, 90);

/// Share of UASC whose age assessment finds them adults (E15), after 2 weeks to 6
/// months; the rest stay until 18 except a few who go missing (E8) or abroad (E16).
pub const UASC_AGE_ASSESSED_ADULT_SHARE: f64 = 0.05;
/// Share of UASC who leave care early for other reasons (E8, E16).
pub const UASC_OTHER_EARLY_EXIT_SHARE: f64 = 0.05;

/// Share of children returned home (E4A, E4B, E13) who come back into care later.
pub const REENTRY_AFTER_RETURN_HOME_SHARE: f64 = 0.14;
/// Days between leaving and coming back after a return home.
pub const REENTRY_AFTER_RETURN_HOME_DAYS: (i32, i32) = (30, 1100);
/// Share of children who left by special guardianship (E45-E48) whose arrangement
/// breaks down and who come back into care 1-4 years later (RNE S, PREV_PERM P2): an
/// inspection pattern (`domain.md` §0, PERM-08).
pub const SGO_BREAKDOWN_SHARE: f64 = 0.06;
/// Days between a special guardianship order and re-entry after breakdown (1-4 years).
pub const SGO_BREAKDOWN_DAYS: (i32, i32) = (365, 1460);

// ----- Legal status ---------------------------------------------------------------

/// Share of periods starting under police protection (L1, at most 72 hours).
pub const POLICE_PROTECTION_SHARE: f64 = 0.03;
/// Share of periods starting under an emergency protection order (L2, at most 21 days).
pub const EPO_SHARE: f64 = 0.03;
/// Days from an interim care order (C1) to the full care order (C2): care proceedings
/// run 26 weeks or longer.
pub const CARE_ORDER_DAYS: (i32, i32) = (182, 365);
/// Share of children on a court route who start under section 20 (V2) first.
pub const SECTION_20_FIRST_SHARE: f64 = 0.20;
/// Share of return-home periods under section 20 (the rest are in proceedings).
pub const RETURN_HOME_SECTION_20_SHARE: f64 = 0.55;
/// Share of long-term children aged 10+ at entry who stay under section 20 throughout.
pub const LONG_TERM_OLDER_SECTION_20_SHARE: f64 = 0.20;
/// Share of long-term children under 10 at entry who stay under section 20.
pub const LONG_TERM_YOUNGER_SECTION_20_SHARE: f64 = 0.08;
/// Share of SGO or CAO periods under section 20 throughout.
pub const ORDER_ROUTE_SECTION_20_SHARE: f64 = 0.25;
/// Share of 16-17-year-old entrants accommodated under section 20.
pub const OLDER_ENTRANT_SECTION_20_SHARE: f64 = 0.60;

// ----- Placements -----------------------------------------------------------------

/// Placement stability: each child has a trait (stable, moderate, unstable) with a mean
/// number of days between moves. Tuned so that ~10% of children looked after at 31 March
/// had 3+ placements in the year and ~69% had one (`domain.md` §2.2).
pub const STABILITY: [(f64, f64); 3] = [(0.70, 2200.0), (0.22, 550.0), (0.08, 150.0)];
/// Share of first placements that are emergency placements ending within 1-9 weeks.
pub const EMERGENCY_FIRST_PLACEMENT_SHARE: f64 = 0.22;
/// Share of foster placements with relatives or friends (U1-U3).
pub const KINSHIP_SHARE_OF_FOSTERING: f64 = 0.20;
/// Share of kinship placements on the special-guardianship route.
pub const KINSHIP_SHARE_SGO_ROUTE: f64 = 0.65;
/// Days in short-term foster care after which a long-term match is made (U3/U6 ->
/// U1/U4) for children staying long-term; half stay with the same carers (RNE T).
pub const LONG_TERM_MATCH_DAYS: (i32, i32) = (240, 720);
/// Share of long-term matches made with the child's current carers.
pub const LONG_TERM_MATCH_SAME_CARERS_SHARE: f64 = 0.5;
/// Share of adoption-route foster placements that are fostering for adoption (U2/U5).
pub const FOSTERING_FOR_ADOPTION_SHARE: f64 = 0.10;

/// Placement types for a new (non-emergency) placement, by age at the move: foster care,
/// children's home, supported accommodation (16+), secure children's home, residential
/// school, other residential (R1/R2), other placements (Z). Tuned to ~70% of children at
/// 31 March in foster care (`domain.md` §2.2).
pub const PLACEMENT_MIX_UNDER_12: [f64; 7] = [0.975, 0.005, 0.0, 0.0, 0.008, 0.004, 0.003];
/// The same for 12-15-year-olds: children's homes are mostly for 12+.
pub const PLACEMENT_MIX_12_TO_15: [f64; 7] = [0.68, 0.28, 0.0, 0.01, 0.015, 0.008, 0.007];
/// The same for 16-17-year-olds: supported accommodation (H5, then K3) grows.
pub const PLACEMENT_MIX_16_PLUS: [f64; 7] = [0.35, 0.16, 0.46, 0.005, 0.005, 0.01, 0.01];
/// Share of long-term children in a children's home who move to supported
/// accommodation at 16-17.
pub const MOVE_TO_SUPPORTED_AT_16_FROM_HOME_SHARE: f64 = 0.5;
/// Share of long-term children in foster care who move to supported accommodation at
/// 16-17 (the rest stay, many of them staying put at 18).
pub const MOVE_TO_SUPPORTED_AT_16_FROM_FOSTER_SHARE: f64 = 0.3;
/// UASC placements at 16-17: mostly supported accommodation, some foster care.
pub const UASC_PLACEMENT_MIX_16_PLUS: [f64; 7] = [0.35, 0.05, 0.60, 0.0, 0.0, 0.0, 0.0];
/// Share of babies whose first placement is a mother-and-baby unit (R3).
pub const MOTHER_AND_BABY_SHARE: f64 = 0.03;
/// Share of long-term children on a care order who spend a while placed with parents
/// (P1) before returning home for good.
pub const PLACED_WITH_PARENTS_BEFORE_RETURN_SHARE: f64 = 0.6;
/// Share of long-term children on care orders placed with parents for a long spell.
pub const PLACED_WITH_PARENTS_LONG_TERM_SHARE: f64 = 0.25;
/// Inspection pattern (`domain.md` §0, PERM-04): share of entrants aged under 9 who live
/// in a children's home (K2) for 1.5-4 years.
pub const YOUNG_CHILD_IN_CHILDRENS_HOME_SHARE: f64 = 0.015;
/// Days such a young child spends in the children's home.
pub const YOUNG_CHILD_IN_CHILDRENS_HOME_DAYS: (i32, i32) = (550, 1460);
/// Share of placements interrupted by a temporary placement (T0-T4).
pub const TEMPORARY_PLACEMENT_SHARE: f64 = 0.03;
/// Share of placements that are with the local authority's own foster carers, among
/// stranger foster placements (the rest: independent fostering agencies).
pub const OWN_FOSTER_CARERS_SHARE: f64 = 0.55;
/// Reasons for placement change (REASON_PLACE_CHANGE) for moves to new carers: England
/// 2024 distribution (`domain.md` §3.6): CARPL 31%, PLACE 24%, OTHER 22%, CREQB 8%,
/// CREQO 6%, CHILD 3%; the rest spread over the others.
pub const REASON_PLACE_CHANGE: [(ReasonPlaceChange, f64); 11] = [
    (ReasonPlaceChange::Carpl, 0.31),
    (ReasonPlaceChange::Place, 0.10),
    (ReasonPlaceChange::Other, 0.22),
    (ReasonPlaceChange::Creqb, 0.10),
    (ReasonPlaceChange::Creqo, 0.07),
    (ReasonPlaceChange::Child, 0.04),
    (ReasonPlaceChange::Lareq, 0.04),
    (ReasonPlaceChange::Close, 0.02),
    (ReasonPlaceChange::Alleg, 0.02),
    (ReasonPlaceChange::Stand, 0.015),
    (ReasonPlaceChange::Apprr, 0.01),
];

// ----- Reviews --------------------------------------------------------------------

/// First review on time: within 20 working days of entry (approximated by 26 calendar
/// days, which never holds more than 20 working days).
pub const FIRST_REVIEW_DAYS: (i32, i32) = (10, 26);
/// Inspection pattern: share of first reviews later than 20 working days.
pub const FIRST_REVIEW_LATE_SHARE: f64 = 0.08;
/// How late a late first review is (days after entry).
pub const FIRST_REVIEW_LATE_DAYS: (i32, i32) = (32, 75);
/// Inspection pattern: share of second reviews later than 3 months after the first.
pub const SECOND_REVIEW_LATE_SHARE: f64 = 0.06;
/// Share of later reviews more than 6 months after the previous one.
pub const LATER_REVIEW_LATE_SHARE: f64 = 0.04;
/// Days a late second or later review is overdue.
pub const REVIEW_LATE_BY_DAYS: (i32, i32) = (3, 60);
/// Participation in reviews by children aged 4 or over (PN1-PN7).
pub const REVIEW_PARTICIPATION: [(ReviewCode, f64); 7] = [
    (ReviewCode::Pn1, 0.48),
    (ReviewCode::Pn2, 0.10),
    (ReviewCode::Pn3, 0.05),
    (ReviewCode::Pn4, 0.05),
    (ReviewCode::Pn5, 0.14),
    (ReviewCode::Pn6, 0.10),
    (ReviewCode::Pn7, 0.08),
];

// ----- Missing --------------------------------------------------------------------

/// Share of periods of children aged 11-13 with missing or away episodes.
pub const MISSING_SHARE_11_TO_13: f64 = 0.07;
/// Share of periods of children aged 14-17 with missing or away episodes.
pub const MISSING_SHARE_14_PLUS: f64 = 0.20;
/// Extra chance for children in children's homes.
pub const MISSING_SHARE_CHILDRENS_HOME_BONUS: f64 = 0.15;
/// Mean missing or away episodes a year for a child who goes missing.
pub const MISSING_EPISODES_PER_YEAR: f64 = 5.0;
/// Share of incidents recorded as away without authorisation (A) rather than missing.
pub const AWAY_SHARE: f64 = 0.25;

// ----- OC2, OC3, AD1, previous permanence, social workers -------------------------

/// OC2: share of children aged 4-16 with an SDQ score (else a reason SDQ2-SDQ5).
pub const SDQ_COMPLETED_SHARE: f64 = 0.78;
/// OC2: share with health assessment, immunisations, dental check up to date.
pub const HEALTH_ASSESSMENT_SHARE: f64 = 0.89;
/// OC2: immunisations up to date.
pub const IMMUNISATIONS_SHARE: f64 = 0.85;
/// OC2: dental check.
pub const TEETH_CHECK_SHARE: f64 = 0.76;
/// OC2: development assessment up to date (under-5s).
pub const HEALTH_CHECK_SHARE: f64 = 0.88;
/// OC2: convicted in the year (10+).
pub const CONVICTED_SHARE: f64 = 0.03;
/// OC2: substance misuse problem (12+).
pub const SUBSTANCE_MISUSE_SHARE_12_PLUS: f64 = 0.05;

/// OC3: in touch with the care leaver.
pub const IN_TOUCH: [(InTouch, f64); 5] = [
    (InTouch::Yes, 0.88),
    (InTouch::No, 0.05),
    (InTouch::Refu, 0.03),
    (InTouch::Nreq, 0.03),
    (InTouch::Rhom, 0.01),
];
/// OC3: activity of care leavers in touch; ~58% in education, employment or training.
pub const ACTIVITY: [(Activity, f64); 11] = [
    (Activity::F1, 0.07),
    (Activity::P1, 0.01),
    (Activity::F2, 0.24),
    (Activity::P2, 0.04),
    (Activity::F4, 0.04),
    (Activity::P4, 0.01),
    (Activity::F5, 0.19),
    (Activity::P5, 0.06),
    (Activity::G4, 0.08),
    (Activity::G5, 0.20),
    (Activity::G6, 0.06),
];
/// OC3: accommodation of care leavers in touch; most of it considered suitable
/// (2018: 84% at 19-21, 90% at 18). Z (former foster carers) not at 17; T (foyer) 18+.
pub const ACCOMMODATION: [(Accommodation, f64); 17] = [
    (Accommodation::U1, 0.27),
    (Accommodation::D1, 0.22),
    (Accommodation::B1, 0.12),
    (Accommodation::Z1, 0.08),
    (Accommodation::E1, 0.07),
    (Accommodation::C1, 0.03),
    (Accommodation::T1, 0.03),
    (Accommodation::K1, 0.02),
    (Accommodation::Y1, 0.02),
    (Accommodation::S2, 0.02),
    (Accommodation::V2, 0.015),
    (Accommodation::W2, 0.01),
    (Accommodation::X2, 0.02),
    (Accommodation::B2, 0.02),
    (Accommodation::U2, 0.02),
    (Accommodation::D2, 0.01),
    (Accommodation::Y2, 0.005),
];
/// Share of care leavers who left at 18 staying put (E17) still with their former
/// foster carers at 19, 20, 21 (55% at 18, 31% at 19, 26% at 20 in 2018).
pub const STAYING_PUT_STILL_AT: [f64; 3] = [0.45, 0.30, 0.22];
/// Share of foster children turning 18 who stay put (E17): 60% of 18-year-olds in
/// 2020/21 (`domain.md` §2.2).
pub const STAYING_PUT_SHARE: f64 = 0.58;

/// AD1: adopted by a couple (the rest by a single adopter).
pub const ADOPTED_BY_COUPLE_SHARE: f64 = 0.88;
/// AD1: same-sex couples among couples adopting.
pub const SAME_SEX_COUPLE_SHARE: f64 = 0.14;
/// AD1: married among mixed-sex couples (the rest unmarried, L3).
pub const MARRIED_SHARE: f64 = 0.72;

/// PREV_PERM of children starting a period of care (other than after an SGO breakdown
/// in this borough): mostly none (Z1) or not recorded, some P1-P3 arranged elsewhere.
pub const PREVIOUS_PERMANENCE: [(Option<PreviousPermanence>, f64); 6] = [
    (Some(PreviousPermanence::Z1), 0.84),
    (None, 0.05),
    (Some(PreviousPermanence::P1), 0.03),
    (Some(PreviousPermanence::P2), 0.03),
    (Some(PreviousPermanence::P3), 0.03),
    (Some(PreviousPermanence::P4), 0.02),
];

/// Social-worker episodes: days between changes of social worker.
pub const SOCIAL_WORKER_DAYS: (i32, i32) = (60, 760);
/// Children per social worker (sizes the pool of SW_IDs).
pub const CHILDREN_PER_SOCIAL_WORKER: usize = 12;
/// Reasons a new social worker was allocated (after the first, FCONTA).
pub const SOCIAL_WORKER_CHANGE_REASONS: [(SocialWorkerChangeReason, f64); 8] = [
    (SocialWorkerChangeReason::Leftrl, 0.34),
    (SocialWorkerChangeReason::Tsproc, 0.26),
    (SocialWorkerChangeReason::Manage, 0.14),
    (SocialWorkerChangeReason::Orgrst, 0.08),
    (SocialWorkerChangeReason::Chchan, 0.08),
    (SocialWorkerChangeReason::Absenc, 0.05),
    (SocialWorkerChangeReason::Pcchan, 0.02),
    (SocialWorkerChangeReason::Others, 0.03),
];
/// Social-worker episodes are collected from 2023/24; the first return may include
/// episodes from the year before.
pub const SOCIAL_WORKER_RECORDED_FROM_YEAR: i16 = 2023;

/// Share of girls looked after at 14+ who become mothers while in care.
pub const MOTHER_SHARE: f64 = 0.03;

/// Share of children in children's homes under a deprivation-of-liberty order, from
/// 2026/27 (DoLo table).
pub const DEPRIVATION_OF_LIBERTY_SHARE: f64 = 0.08;

/// UPN: share of school-age children recorded with an unknown code (UN3, UN5).
pub const UNKNOWN_UPN_SHARE: f64 = 0.01;
/// UPN: share of UASC recorded as never having attended school in England (UN2).
pub const UASC_UN2_SHARE: f64 = 0.5;

// ----- The tracker's own records (issue 4) ------------------------------------------
//
// The permanence work the 903 return does not record (`domain.md` §0, §5, §6). Shares
// marked "inspection pattern" reproduce a finding of the focused visit (`domain.md` §0)
// so that the drift rules have something to find; the rest are modelling choices that
// keep most records on time. Where a rule's threshold is quoted, it is the default of
// the rule table (`domain.md` §6).

/// How many years before the as-at day the tracker went live. Day-to-day records
/// (visits, PEP reviews, health and dental checks, IRO contacts, review records,
/// return interviews, pathway-plan reviews, personal-adviser contacts, supervision) are
/// held from then, and in full for placements still open then; plans, meetings, family
/// finding, panels, proceedings and the other records are held for every period of
/// care that overlaps the collection years. This keeps a long window (ten years of a
/// 100,000-child borough) to a few million records.
pub const TRACKER_HISTORY_YEARS: i32 = 3;

/// Social workers per children-in-care team (the team manager supervises them).
pub const SOCIAL_WORKERS_PER_TEAM: usize = 7;
/// Teams per service manager.
pub const TEAMS_PER_SERVICE_MANAGER: usize = 5;
/// Social workers per independent reviewing officer (sizes the IRO service).
pub const SOCIAL_WORKERS_PER_IRO: usize = 5;
/// IROs per IRO manager.
pub const IROS_PER_TEAM: usize = 10;
/// Social workers per personal adviser (sizes the leaving-care service).
pub const SOCIAL_WORKERS_PER_PERSONAL_ADVISER: usize = 4;
/// Personal advisers per leaving-care team.
pub const PERSONAL_ADVISERS_PER_TEAM: usize = 8;

/// Share of children whose IRO is allocated within 5 working days of entry (IRO-02's
/// good practice); the rest within 6-25 working days.
pub const IRO_ALLOCATED_WITHIN_5_WD_SHARE: f64 = 0.85;
/// Days between changes of IRO for a child.
pub const IRO_CHANGE_DAYS: (i32, i32) = (300, 1500);
/// Share of eligible young people (looked after 13 weeks since 14, in care after 16)
/// allocated a personal adviser (CL-04 flags the rest).
pub const PERSONAL_ADVISER_ALLOCATED_SHARE: f64 = 0.97;
/// Days after the 16th birthday (or entry, if later) the personal adviser is allocated.
pub const PERSONAL_ADVISER_ALLOCATION_DAYS: (i32, i32) = (0, 60);

/// Share of children still looked after at their second review whose first permanence
/// plan is recorded by then (PERM-01).
pub const FIRST_PLAN_BY_SECOND_REVIEW_SHARE: f64 = 0.88;
/// Share whose first plan is recorded late (at a later review); the rest of those not
/// on time have no plan until the route is decided (adoption, an order, a match).
pub const FIRST_PLAN_LATE_SHARE: f64 = 0.07;
/// Share of first plans decided at a permanence planning meeting (the rest at a review).
pub const FIRST_PLAN_AT_PPM_SHARE: f64 = 0.35;
/// Inspection pattern: share of periods of care whose plans have no contingency plan
/// ("contingency planning not yet part of the culture"; PERM-02).
pub const PLAN_WITHOUT_CONTINGENCY_SHARE: f64 = 0.10;
/// Share of plans to return home worked on in parallel with another option (twin-track).
pub const PARALLEL_PLAN_SHARE: f64 = 0.45;
/// A young child in a children's home, for the plans and family finding: aged under
/// this at the start of the stay (PERM-04 suggests 11)...
pub const YOUNG_CHILD_IN_HOME_AGE: i32 = 11;
/// ...staying at least this many days (or still there).
pub const YOUNG_CHILD_IN_HOME_MIN_DAYS: i32 = 30;
/// Inspection pattern: share of young children in children's homes whose plan has no
/// contingency and who have no family finding ("drifted for years without contingency
/// planning or action to find long-term foster families"; PERM-02, PERM-04). The
/// others have a long-term fostering plan with a contingency and an active search.
pub const YOUNG_CHILD_IN_HOME_DRIFT_SHARE: f64 = 0.80;
/// Share of children with an unmatched long-term fostering plan with an active search.
pub const LONG_TERM_FOSTERING_SEARCH_SHARE: f64 = 0.70;
/// Share of adoption plans with a recorded fostering-for-adoption consideration
/// (PERM-06 flags the rest); always recorded for children placed in FfA (U2/U5).
pub const FFA_CONSIDERED_SHARE: f64 = 0.85;
/// Share of fostering-for-adoption plans that are concurrent planning.
pub const CONCURRENT_PLANNING_SHARE_OF_FFA: f64 = 0.30;
/// Share of special guardianship and child arrangements routes with a connected-persons
/// search (viability assessments).
pub const CONNECTED_PERSONS_SEARCH_SHARE: f64 = 0.70;

/// Inspection pattern (PERM-03): share of entrants whose first permanence planning
/// meeting is held within 4 weeks of entry...
pub const PPM_FIRST_WITHIN_4_WEEKS_SHARE: f64 = 0.78;
/// ...and share whose first meeting is late (5-12 weeks); the rest (10%) have none.
pub const PPM_FIRST_LATE_SHARE: f64 = 0.12;
/// Days after entry of a late first meeting.
pub const PPM_FIRST_LATE_DAYS: (i32, i32) = (35, 84);
/// Share of later (3-monthly) meetings held late.
pub const PPM_LATER_LATE_SHARE: f64 = 0.15;
/// Days a late later meeting is overdue.
pub const PPM_LATER_LATE_DAYS: (i32, i32) = (7, 60);
/// Share of entrants under 16 with a family group conference (before or soon after
/// entry; "used well", `domain.md` §0).
pub const FAMILY_GROUP_CONFERENCE_SHARE: f64 = 0.30;
/// Share of children under 12 on adoption, special guardianship or long-term routes
/// with a together-and-apart sibling assessment.
pub const SIBLING_ASSESSMENT_SHARE: f64 = 0.15;

/// Life-story work (LSW-*): share of adopted children with life-story work.
pub const LIFE_STORY_ADOPTED_SHARE: f64 = 0.92;
/// Share of children with an adoption plan not yet adopted with life-story work started.
pub const LIFE_STORY_ADOPTION_PLAN_SHARE: f64 = 0.75;
/// Inspection pattern (LSW-04): share of children leaving care by special guardianship
/// with any life-story work ("not available to all children, including those with
/// special guardians and connected carers").
pub const LIFE_STORY_SGO_SHARE: f64 = 0.40;
/// Inspection pattern (LSW-04): the same for children leaving to connected carers by a
/// child arrangements order, or living long-term with connected carers (U1, U3).
pub const LIFE_STORY_CONNECTED_CARERS_SHARE: f64 = 0.35;
/// Share of children in long-term foster care (a year or more) with life-story work.
pub const LIFE_STORY_LONG_TERM_SHARE: f64 = 0.55;
/// Share of other children looked after 6 months or more with life-story work.
pub const LIFE_STORY_OTHER_SHARE: f64 = 0.20;
/// Share of adopted children whose completed book is given within 10 working days of
/// the adoption order (LSW-02); the rest later or not yet.
pub const LIFE_STORY_BOOK_ON_TIME_SHARE: f64 = 0.80;
/// Share of adopted children whose later-life letter is given within 10 working days of
/// the adoption order (LSW-03).
pub const LATER_LIFE_LETTER_ON_TIME_SHARE: f64 = 0.75;

/// Supervision: share of workers whose monthly supervision has gaps (SUP-01).
pub const SUPERVISION_GAPS_WORKER_SHARE: f64 = 0.20;
/// Share of months without supervision, for a worker with gaps...
pub const SUPERVISION_MISSED_MONTH_SHARE_GAPS: f64 = 0.35;
/// ...and for the other workers.
pub const SUPERVISION_MISSED_MONTH_SHARE: f64 = 0.04;
/// Share of a worker's children discussed in a monthly supervision session (each child
/// every two or three months).
pub const CHILD_DISCUSSED_SHARE: f64 = 0.40;
/// Share of discussions of a child that produce a management decision.
pub const SUPERVISION_DECISION_SHARE: f64 = 0.50;
/// Days from a decision to its due date.
pub const DECISION_DUE_DAYS: (i32, i32) = (7, 42);
/// Share of decisions recorded with no due date (SUP-02).
pub const DECISION_WITHOUT_DUE_DATE_SHARE: f64 = 0.03;
/// Inspection pattern (SUP-02): share of decisions never recorded as carried out, so
/// overdue once their due date passes ("decisions not made and recorded in time").
pub const DECISION_OVERDUE_SHARE: f64 = 0.15;
/// Share of decisions carried out late (1-90 days after the due date).
pub const DECISION_COMPLETED_LATE_SHARE: f64 = 0.15;
/// A decision left undone is one of the last months' decisions: older ones were done in
/// the end (late), as a borough's decision log shows. Days before the as-at date within
/// which a decision's due date must fall for it to be still open.
pub const DECISION_STILL_OPEN_DAYS: i32 = 180;

/// IRO challenges (IRO-01): share of periods of care of 6 months or more in which the
/// IRO raises a challenge.
pub const IRO_CHALLENGE_SHARE: f64 = 0.06;
/// What challenges are about (common local protocol categories).
pub const IRO_CHALLENGE_CATEGORIES: [(permanence_domain::tracker::ChallengeCategory, f64); 8] = {
    use permanence_domain::tracker::ChallengeCategory::*;
    [
        (DriftAndDelay, 0.30),
        (CarePlanning, 0.20),
        (CarePlanImplementation, 0.18),
        (NoExitPlan, 0.06),
        (NoSocialWorker, 0.05),
        (PoorPractice, 0.10),
        (ChildParticipation, 0.06),
        (Other, 0.05),
    ]
};
/// Working days allowed for a response at the informal stage...
pub const CHALLENGE_INFORMAL_RESPONSE_WD: i32 = 5;
/// ...and at each formal stage (a common local window; ≤ 20 WD in total is the aim).
pub const CHALLENGE_FORMAL_RESPONSE_WD: i32 = 10;
/// Share of responses that do not resolve the concern, so it goes up a stage.
pub const CHALLENGE_ESCALATION_SHARE: f64 = 0.35;
/// Share of responses given after the response was due.
pub const CHALLENGE_LATE_RESPONSE_SHARE: f64 = 0.15;
/// Inspection pattern (IRO-01): share of challenges stalled at a stage, with no
/// response long after it was due ("IRO involvement ineffective").
pub const CHALLENGE_STALLED_SHARE: f64 = 0.20;
/// A challenge stalls only if it was raised within this many days of the as-at date;
/// older stalled challenges were answered in the end, as a live register shows.
pub const CHALLENGE_STILL_STALLED_DAYS: i32 = 365;
/// Share of stalled challenges the IRO refers to Cafcass.
pub const CAFCASS_REFERRAL_SHARE: f64 = 0.10;

/// Inspection pattern (PNL-01, "a plethora of panels"): share of children presented to
/// a panel who are presented to a second panel on the same question within weeks.
pub const PANEL_OVERLAP_SHARE: f64 = 0.08;
/// Share of long-term fostering, special guardianship and residential plans also taken
/// to the permanence tracking panel.
pub const PERMANENCE_PANEL_SHARE: f64 = 0.30;
/// Share of children's-home placements agreed at the resource panel.
pub const RESOURCE_PANEL_SHARE: f64 = 0.80;

/// Visits (VIS-*): share of placements whose first visit is later than a week.
pub const VISIT_FIRST_LATE_SHARE: f64 = 0.10;
/// Share of later visits more than 6 weeks (or 3 months) after the one before.
pub const VISIT_LATE_SHARE: f64 = 0.07;
/// Days a late visit is overdue.
pub const VISIT_LATE_DAYS: (i32, i32) = (1, 30);
/// Share of visits to children aged 4 or over who are seen alone.
pub const VISIT_SEEN_ALONE_SHARE: f64 = 0.75;
/// Share of care plans later than 10 working days after entry (CP-01).
pub const CARE_PLAN_LATE_SHARE: f64 = 0.08;
/// Share of placement plans later than 5 working days after the move (CP-02).
pub const PLACEMENT_PLAN_LATE_SHARE: f64 = 0.12;
/// Share of placement notifications later than 5 working days (CP-03).
pub const NOTIFICATION_LATE_SHARE: f64 = 0.10;
/// Share of initial health assessments within 20 working days of entry (HLT-01); the
/// rest within 21-60 working days.
pub const IHA_WITHIN_20_WD_SHARE: f64 = 0.65;
/// Share of review health assessments later than due (HLT-02).
pub const HEALTH_REVIEW_LATE_SHARE: f64 = 0.10;
/// Share of school-age entrants whose PEP starts later than 10 working days (EDU-01).
pub const PEP_INITIAL_LATE_SHARE: f64 = 0.15;
/// Share of school terms with no PEP review (EDU-02).
pub const PEP_REVIEW_MISSED_SHARE: f64 = 0.08;
/// Share of review decisions circulated later than 5 working days (REV-05).
pub const REVIEW_RECORD_LATE_SHARE: f64 = 0.12;
/// Share of missing episodes followed by a return interview.
pub const RETURN_INTERVIEW_SHARE: f64 = 0.70;
/// Share of periods of 20 working days or more whose ending was approved by the
/// nominated officer (CEA-01).
pub const CEASING_CARE_APPROVAL_SHARE: f64 = 0.90;
/// Share of needs assessments later than 3 months after the 16th birthday (CL-01).
pub const NEEDS_ASSESSMENT_LATE_SHARE: f64 = 0.12;
/// Share of pathway-plan reviews later than 6 months (CL-03).
pub const PATHWAY_REVIEW_LATE_SHARE: f64 = 0.10;
/// Share of personal-adviser contacts more than 2 months after the one before (CL-05).
pub const PA_CONTACT_LATE_SHARE: f64 = 0.10;
/// Share of fostered 16-17-year-olds with a staying-put decision recorded (CL-06).
pub const STAYING_PUT_DECISION_RECORDED_SHARE: f64 = 0.85;
/// Share of staying-put decisions agreed for young people not yet 18.
pub const STAYING_PUT_AGREED_SHARE: f64 = 0.60;

/// Share of care proceedings preceded by pre-proceedings (PLO), except after police
/// protection or an emergency protection order.
pub const PRE_PROCEEDINGS_BEFORE_ISSUE_SHARE: f64 = 0.55;
/// Days from the legal gateway meeting to the issue of proceedings.
pub const PRE_PROCEEDINGS_DAYS: (i32, i32) = (60, 170);
/// Share of children accommodated under section 20 whose case goes to the legal
/// gateway panel while they are looked after.
pub const PRE_PROCEEDINGS_SECTION_20_SHARE: f64 = 0.20;
/// Days from a section 20 child's gateway meeting to the case being diverted.
pub const PRE_PROCEEDINGS_DIVERTED_DAYS: (i32, i32) = (60, 200);
/// Days between pre-proceedings reviews (PLO-02 expects one every 6 weeks).
pub const PRE_PROCEEDINGS_REVIEW_DAYS: (i32, i32) = (28, 50);
/// Share of case management hearings outside days 12-18 (CRT-02).
pub const CMH_OUTSIDE_WINDOW_SHARE: f64 = 0.10;
/// Share of proceedings past 26 weeks with their extensions recorded (CRT-01).
pub const EXTENSION_RECORDED_SHARE: f64 = 0.85;

// ----- Children's names and restricted records -------------------------------------

/// Share of children with an allocated social worker whose record is restricted to
/// named staff (their social worker and team manager): a modelling choice. Councils
/// restrict a handful of records (children of staff, high-profile cases), well under
/// one in a hundred.
pub const RESTRICTED_RECORD_SHARE: f64 = 0.005;
/// Why a synthetic record is restricted, with weights.
pub const RESTRICTION_REASONS: [(&str, f64); 3] = [
    ("Child of a member of staff", 0.6),
    ("High-profile case", 0.3),
    ("Relative of a councillor", 0.1),
];
