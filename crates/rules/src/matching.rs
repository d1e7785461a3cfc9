//! Matching support (issue 8): for a child who needs a foster family, rank the
//! households of the register that could take the child, with the reasons for each
//! score. Decision support only: nothing here places a child; a person records the
//! decision (a panel decision or family-finding record).
//!
//! The method (`docs/fostering.md`):
//!
//! 1. **Hard constraints** decide who is shown at all: the household is approved (not on
//!    hold, in assessment or resigned) and not a connected-person household (approved for
//!    the children they came forward for); it is not holding its vacancy for a reason
//!    that makes it unavailable (carers' break, family circumstances, a standards
//!    concern); its terms of approval in force allow the age of every child to be placed
//!    (the child and the siblings a together-and-apart assessment says to keep together)
//!    and the kind of placement; and it has room for all of them (approved number less
//!    the children living there).
//! 2. **Preferences** give points, each with its reason: skills for each of the child's
//!    complex needs (+20 each, −15 for each need no carer has experience of), a shared
//!    language other than English (+10), ethnicity (+10 for the same 903 code, +5 for the
//!    same broad group), religion (+8), nearness to the child's school and family by
//!    postcode district (+12 / +8 for the same district, +6 / +4 for the same postcode
//!    area), in the borough (+6), in-house carers (+4), a vacancy held for a planned
//!    match (−10). Households are listed by score, then by id.
//!
//! It runs in one pass over the register (the terms in force and the children living
//! with each household are gathered once), so one child against thousands of
//! households takes milliseconds (`crates/bench/benches/matching.rs`).

use std::collections::HashMap;

use permanence_domain::Date;
use permanence_domain::tracker::{
    ComplexNeed, FosteringHousehold, FosteringPlacementType, FosteringRegister, HouseholdStatus,
    HouseholdType, PlacementNeeds, TermsOfApproval, VacancyReason,
};

/// Who is to be placed, and what they need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchRequest {
    /// The child's 903 CHILD id.
    pub child: String,
    /// The ages of the children to place together: the child first, then the siblings
    /// to be kept together.
    pub ages: Vec<i32>,
    /// The child's 903 ETHNIC code.
    pub ethnicity: Option<String>,
    /// The kind of placement needed.
    pub placement_type: FosteringPlacementType,
    /// Complex needs carers must be able to meet.
    pub needs: Vec<ComplexNeed>,
    /// Languages the child speaks.
    pub languages: Vec<String>,
    /// The child's religion.
    pub religion: Option<String>,
    /// The postcode district of the child's school.
    pub school_district: Option<String>,
    /// The postcode district of the child's family.
    pub family_district: Option<String>,
}

impl MatchRequest {
    /// A request from the child's recorded placement needs.
    pub fn from_needs(
        needs: &PlacementNeeds,
        ages: Vec<i32>,
        ethnicity: Option<String>,
    ) -> MatchRequest {
        MatchRequest {
            child: needs.child.clone(),
            ages,
            ethnicity,
            placement_type: needs.placement_type,
            needs: needs.needs.clone(),
            languages: needs.languages.clone(),
            religion: needs.religion.clone(),
            school_district: needs.school_district.clone(),
            family_district: needs.family_district.clone(),
        }
    }
}

/// One reason in a household's score.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reason {
    /// Points it adds (negative: takes away).
    pub points: i32,
    /// What it is, in plain English.
    pub text: String,
}

/// A household that meets the hard constraints, with its score and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Candidate {
    /// The household's id.
    pub household: String,
    /// Its name.
    pub name: String,
    /// Its type.
    pub household_type: HouseholdType,
    /// Its postcode district.
    pub postcode_district: String,
    /// Places free (approved number less the children living there).
    pub vacancies: u32,
    /// The sum of the reasons' points.
    pub score: i32,
    /// The reasons, in the order of the method.
    pub reasons: Vec<Reason>,
}

/// The ranking: candidates best first, and how many households each hard constraint
/// left out (in the order of the method).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Ranking {
    /// Households that could take the child(ren), best first.
    pub candidates: Vec<Candidate>,
    /// (constraint, households it left out).
    pub excluded: Vec<(&'static str, usize)>,
}

/// Why a household is not shown.
const EXCLUSIONS: [&str; 6] = [
    "Not approved (on hold, in assessment or resigned)",
    "Connected-person carers (approved for a named child)",
    "Vacancy not available (carers' break, family circumstances or a concern)",
    "No terms of approval in force",
    "Terms of approval do not cover the age or the kind of placement",
    "No room for every child to be placed together",
];

/// The household's terms in force on `date` and the children living there, gathered in
/// one pass over the register.
pub struct RegisterIndex<'a> {
    terms: HashMap<&'a str, &'a TermsOfApproval>,
    living: HashMap<&'a str, u32>,
}

impl<'a> RegisterIndex<'a> {
    /// Indexes the register on `date`.
    pub fn new(register: &'a FosteringRegister, date: Date) -> RegisterIndex<'a> {
        let mut terms: HashMap<&str, &TermsOfApproval> = HashMap::new();
        for t in register.terms.iter().filter(|t| t.from <= date) {
            let entry = terms.entry(t.household.as_str()).or_insert(t);
            if t.from >= entry.from {
                *entry = t;
            }
        }
        let mut living: HashMap<&str, u32> = HashMap::new();
        for p in register.placements.iter().filter(|p| p.open_on(date)) {
            *living.entry(p.household.as_str()).or_default() += 1;
        }
        RegisterIndex { terms, living }
    }

    /// The terms in force.
    pub fn terms(&self, household: &str) -> Option<&'a TermsOfApproval> {
        self.terms.get(household).copied()
    }

    /// The children living with the household.
    pub fn living(&self, household: &str) -> u32 {
        self.living.get(household).copied().unwrap_or(0)
    }

    /// Places free: the approved number less the children living there (0 without
    /// terms).
    pub fn vacancies(&self, household: &str) -> u32 {
        self.terms(household)
            .map_or(0, |t| t.children.saturating_sub(self.living(household)))
    }
}

/// Ranks the register's households for the request on `date`.
pub fn rank(register: &FosteringRegister, request: &MatchRequest, date: Date) -> Ranking {
    let index = RegisterIndex::new(register, date);
    let mut excluded = [0usize; EXCLUSIONS.len()];
    let mut candidates = Vec::new();
    for household in &register.households {
        match exclusion(household, &index, request) {
            Some(reason) => excluded[reason] += 1,
            None => candidates.push(score(household, &index, request)),
        }
    }
    candidates.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.household.cmp(&b.household))
    });
    Ranking {
        candidates,
        excluded: EXCLUSIONS.iter().copied().zip(excluded).collect(),
    }
}

/// The first hard constraint the household fails, as an index into [`EXCLUSIONS`].
fn exclusion(
    household: &FosteringHousehold,
    index: &RegisterIndex<'_>,
    request: &MatchRequest,
) -> Option<usize> {
    if household.status != HouseholdStatus::Approved {
        return Some(0);
    }
    if household.household_type == HouseholdType::ConnectedPerson {
        return Some(1);
    }
    if matches!(
        household.vacancy_reason,
        Some(
            VacancyReason::CarerBreak
                | VacancyReason::FamilyCircumstances
                | VacancyReason::StandardsConcern
        )
    ) {
        return Some(2);
    }
    let Some(terms) = index.terms(&household.id) else {
        return Some(3);
    };
    if !request
        .ages
        .iter()
        .all(|age| terms.allow(*age, request.placement_type))
    {
        return Some(4);
    }
    if (index.vacancies(&household.id) as usize) < request.ages.len().max(1) {
        return Some(5);
    }
    None
}

/// The postcode area of a district: its leading letters (`RM9` → `RM`).
pub fn postcode_area(district: &str) -> &str {
    let end = district
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(district.len());
    &district[..end]
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn score(
    household: &FosteringHousehold,
    index: &RegisterIndex<'_>,
    request: &MatchRequest,
) -> Candidate {
    let mut reasons = Vec::new();
    let mut add = |points: i32, text: String| reasons.push(Reason { points, text });
    for need in &request.needs {
        if household.skills.contains(need) {
            add(
                20,
                format!("Skills and experience with {}", need.label().to_lowercase()),
            );
        } else {
            add(
                -15,
                format!("No recorded experience of {}", need.label().to_lowercase()),
            );
        }
    }
    if let Some(language) = request
        .languages
        .iter()
        .filter(|l| !same(l, "English"))
        .find(|l| household.languages.iter().any(|h| same(h, l)))
    {
        add(10, format!("Speaks {language} at home"));
    }
    if let Some(ethnicity) = request.ethnicity.as_deref() {
        if household.ethnicity.iter().any(|e| same(e, ethnicity)) {
            add(10, format!("Shares the child's ethnicity ({ethnicity})"));
        } else if household.ethnicity.iter().any(|e| {
            e.get(..1)
                .is_some_and(|g| ethnicity.get(..1).is_some_and(|c| same(g, c)))
        }) {
            add(5, "Shares the child's broad ethnic group".to_string());
        }
    }
    if let (Some(religion), Some(theirs)) = (&request.religion, &household.religion)
        && same(religion, theirs)
    {
        add(8, format!("Shares the child's religion ({religion})"));
    }
    let district = household.postcode_district.as_str();
    for (what, wanted, near, area) in [
        ("school", &request.school_district, 12, 6),
        ("family", &request.family_district, 8, 4),
    ] {
        let Some(wanted) = wanted.as_deref() else {
            continue;
        };
        if same(wanted, district) {
            add(
                near,
                format!("Same postcode district as the child's {what} ({wanted})"),
            );
        } else if same(postcode_area(wanted), postcode_area(district)) {
            add(
                area,
                format!(
                    "Same postcode area as the child's {what} ({})",
                    postcode_area(wanted)
                ),
            );
        }
    }
    if household.in_borough {
        add(6, "In the borough".to_string());
    }
    if household.household_type == HouseholdType::InHouse {
        add(4, "The council's own carers".to_string());
    }
    if household.vacancy_reason == Some(VacancyReason::AwaitingMatch) {
        add(-10, "Vacancy held for a planned match".to_string());
    }
    let score = reasons.iter().map(|r| r.points).sum();
    Candidate {
        household: household.id.clone(),
        name: household.name.clone(),
        household_type: household.household_type,
        postcode_district: household.postcode_district.clone(),
        vacancies: index.vacancies(&household.id),
        score,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use permanence_domain::tracker::{HouseholdPlacement, TermsReason};

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    fn household(id: &str, district: &str) -> FosteringHousehold {
        FosteringHousehold {
            id: id.into(),
            name: format!("Household {id}"),
            household_type: HouseholdType::InHouse,
            status: HouseholdStatus::Approved,
            postcode_district: district.into(),
            in_borough: district.starts_with("RM"),
            languages: vec!["English".into()],
            ethnicity: vec!["WBRI".into()],
            religion: None,
            skills: vec![],
            approved: Some(d(2020, 1, 1)),
            supervising_worker: None,
            vacancy_reason: None,
        }
    }

    fn terms(id: &str, age_min: u32, age_max: u32, children: u32) -> TermsOfApproval {
        TermsOfApproval {
            household: id.into(),
            from: d(2020, 1, 1),
            reason: TermsReason::Approval,
            age_min,
            age_max,
            children,
            placement_types: vec![FosteringPlacementType::LongTerm],
        }
    }

    fn request(ages: Vec<i32>) -> MatchRequest {
        MatchRequest {
            child: "C1".into(),
            ages,
            ethnicity: Some("BAFR".into()),
            placement_type: FosteringPlacementType::LongTerm,
            needs: vec![ComplexNeed::Trauma],
            languages: vec!["English".into(), "Yoruba".into()],
            religion: Some("Christian".into()),
            school_district: Some("RM9".into()),
            family_district: Some("E6".into()),
        }
    }

    #[test]
    fn hard_constraints_come_first_then_preferences_with_their_reasons() {
        let mut a = household("A", "RM9");
        a.skills = vec![ComplexNeed::Trauma];
        a.languages.push("Yoruba".into());
        a.ethnicity = vec!["BCRB".into()];
        let b = household("B", "CM1");
        let mut on_hold = household("C", "RM9");
        on_hold.status = HouseholdStatus::OnHold;
        let young_only = household("D", "RM9");
        let full = household("E", "RM9");
        let register = FosteringRegister {
            households: vec![b, a, on_hold, young_only, full],
            terms: vec![
                terms("A", 0, 18, 2),
                terms("B", 5, 15, 1),
                terms("C", 0, 18, 2),
                terms("D", 0, 4, 2),
                terms("E", 0, 18, 1),
            ],
            placements: vec![HouseholdPlacement {
                child: "C9".into(),
                household: "E".into(),
                start: d(2024, 1, 1),
                end: None,
                placement_type: FosteringPlacementType::LongTerm,
                exemption: None,
            }],
            recruitment: vec![],
        };
        let ranking = rank(&register, &request(vec![9]), d(2025, 6, 1));
        let ids: Vec<&str> = ranking
            .candidates
            .iter()
            .map(|c| c.household.as_str())
            .collect();
        assert_eq!(ids, ["A", "B"]);
        // A: trauma skills 20, Yoruba 10, broad group (B) 5, school district 12, in
        // borough 6, in-house 4 = 57. B: no trauma experience -15, in-house 4 = -11.
        assert_eq!(ranking.candidates[0].score, 57);
        assert_eq!(ranking.candidates[1].score, -11);
        assert!(
            ranking.candidates[0]
                .reasons
                .iter()
                .any(|r| r.text == "Speaks Yoruba at home")
        );
        assert_eq!(ranking.excluded[0].1, 1, "on hold");
        assert_eq!(ranking.excluded[4].1, 1, "terms for under-5s");
        assert_eq!(ranking.excluded[5].1, 1, "full");
        // Two siblings to keep together: only A has two places; three fit nowhere.
        let ranking = rank(&register, &request(vec![9, 16]), d(2025, 6, 1));
        let ids: Vec<&str> = ranking
            .candidates
            .iter()
            .map(|c| c.household.as_str())
            .collect();
        assert_eq!(ids, ["A"]);
        let ranking = rank(&register, &request(vec![9, 12, 14]), d(2025, 6, 1));
        assert!(ranking.candidates.is_empty());
    }

    #[test]
    fn a_child_leaving_frees_a_place_and_terms_follow_the_date() {
        let mut register = FosteringRegister {
            households: vec![household("E", "RM9")],
            terms: vec![terms("E", 0, 18, 1)],
            placements: vec![HouseholdPlacement {
                child: "C9".into(),
                household: "E".into(),
                start: d(2024, 1, 1),
                end: Some(d(2025, 6, 1)),
                placement_type: FosteringPlacementType::LongTerm,
                exemption: None,
            }],
            recruitment: vec![],
        };
        assert!(
            rank(&register, &request(vec![9]), d(2025, 5, 31))
                .candidates
                .is_empty()
        );
        assert_eq!(
            rank(&register, &request(vec![9]), d(2025, 6, 1))
                .candidates
                .len(),
            1
        );
        register.terms.push(TermsOfApproval {
            from: d(2025, 6, 2),
            age_max: 5,
            ..terms("E", 0, 18, 1)
        });
        assert!(
            rank(&register, &request(vec![9]), d(2025, 6, 2))
                .candidates
                .is_empty()
        );
        assert_eq!(postcode_area("RM10"), "RM");
        assert_eq!(postcode_area("E6"), "E");
    }
}
