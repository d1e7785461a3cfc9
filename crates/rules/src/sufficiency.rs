//! Foster-care sufficiency (issue 8): children's current and projected needs against
//! the capacity of the register of foster carers, by age band, sibling-group size and
//! complex needs; children in children's homes or placed out of borough whose plan is a
//! family; and vacancies that go unused, with why. A pure function of the records on a
//! day, read by the web application's fostering page and the quarterly report.
//!
//! Definitions (`docs/fostering.md`):
//!
//! - **In foster care**: looked after on the day in a U1 to U6 placement.
//! - **Needing a family**: looked after on the day, not in foster care, living in a
//!   children's home (K1, K2) or placed out of the borough, whose permanence plan in
//!   force is a family (long-term fostering, connected carers, special guardianship,
//!   a child arrangements order or adoption by any route).
//! - **Out of the borough**: the placement's postcode district is not one of the
//!   borough's districts, which are the districts of the register's in-borough households.
//! - **Approved places**: the number of children each approved household's terms in
//!   force allow; **free places**: approved places less the children living there. A
//!   household counts in every age band its terms overlap.
//! - **Projected (12 months)**: the children in foster care and needing a family, by
//!   the age band they will be in 12 months on (ageing on; nobody joins or leaves).
//! - **Sibling groups**: the children needing a family or a foster placement grouped
//!   with the siblings a together-and-apart assessment says to place together, by size,
//!   against the households with that many free places.
//! - **Unused vacancies**: approved households with free places, with the reason
//!   recorded (`VACANCY_REASON`), or "no child needing a family fits the terms", or "no
//!   reason recorded".

use std::collections::{BTreeMap, BTreeSet};

use permanence_domain::date::{AGE_BANDS, add_months, age_band_ages, age_band_index, age_on};
use permanence_domain::tracker::{
    ChildTracker, ComplexNeed, HouseholdStatus, Organisation, PermanenceOption, SiblingConclusion,
};
use permanence_domain::{Date, Journey};

use crate::matching::RegisterIndex;

/// One age band's needs and capacity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AgeBandGap {
    /// The band.
    pub band: &'static str,
    /// Children in foster care now.
    pub in_foster_care: Vec<String>,
    /// Children needing a family now.
    pub needing_a_family: Vec<String>,
    /// Children in foster care or needing a family who will be in this band in 12 months.
    pub projected: Vec<String>,
    /// Approved places whose terms cover the band.
    pub approved_places: u32,
    /// Free places whose terms cover the band.
    pub free_places: u32,
}

/// Sibling groups of one size against households with room for them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GroupGap {
    /// The size (4 means 4 or more).
    pub size: usize,
    /// The groups' first children (the child the assessment is about).
    pub groups: Vec<String>,
    /// Approved households approved for at least that many children.
    pub households_approved: usize,
    /// Of those, households with that many free places now.
    pub households_free: usize,
}

/// One complex need against carers with skills for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NeedGap {
    /// The need.
    pub need: ComplexNeed,
    /// Children with the need (placement needs) in foster care or needing a family.
    pub children: Vec<String>,
    /// Approved households with skills for it.
    pub households: usize,
    /// Of those, households with a free place.
    pub households_free: usize,
}

/// A child in a children's home or out of the borough whose plan is a family.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WaitingChild {
    /// The child.
    pub child: String,
    /// Age on the day.
    pub age: i32,
    /// "Children's home" or "Out of the borough".
    pub setting: &'static str,
    /// The 903 placement code.
    pub placement: &'static str,
    /// The plan.
    pub plan: PermanenceOption,
    /// Days in the current placement.
    pub days_in_placement: i32,
}

/// An approved household's unused places.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnusedVacancy {
    /// The household.
    pub household: String,
    /// Its name.
    pub name: String,
    /// Free places.
    pub free_places: u32,
    /// The ages its terms allow, e.g. "0 to 10".
    pub ages: String,
    /// Why unused.
    pub reason: String,
}

/// The whole analysis on one day.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GapAnalysis {
    /// By age band.
    pub by_age: Vec<AgeBandGap>,
    /// By sibling-group size (1, 2, 3, 4 or more).
    pub by_group: Vec<GroupGap>,
    /// By complex need.
    pub by_need: Vec<NeedGap>,
    /// Children in children's homes or out of the borough whose plan is a family.
    pub waiting: Vec<WaitingChild>,
    /// Unused vacancies.
    pub unused: Vec<UnusedVacancy>,
    /// Approved households and their approved and free places.
    pub households_approved: usize,
    /// Total approved places.
    pub approved_places: u32,
    /// Total free places.
    pub free_places: u32,
}

/// Whether the option is a family placement.
pub fn is_family_plan(option: PermanenceOption) -> bool {
    option.is_adoption()
        || matches!(
            option,
            PermanenceOption::LongTermFostering
                | PermanenceOption::ConnectedCarers
                | PermanenceOption::SpecialGuardianship
                | PermanenceOption::ChildArrangementsOrder
        )
}

/// The analysis on `date` (records after it are not read: cut them with `known_on` for
/// a past day).
pub fn analyse(
    journeys: &[Journey],
    trackers: &BTreeMap<String, ChildTracker>,
    organisation: &Organisation,
    date: Date,
) -> GapAnalysis {
    let register = &organisation.fostering;
    let index = RegisterIndex::new(register, date);
    let borough_districts: BTreeSet<&str> = register
        .households
        .iter()
        .filter(|h| h.in_borough)
        .map(|h| h.postcode_district.as_str())
        .collect();
    let none = ChildTracker::default();
    let mut analysis = GapAnalysis {
        by_age: AGE_BANDS
            .into_iter()
            .map(|band| AgeBandGap {
                band,
                in_foster_care: vec![],
                needing_a_family: vec![],
                projected: vec![],
                approved_places: 0,
                free_places: 0,
            })
            .collect(),
        ..GapAnalysis::default()
    };
    // Children: who is in foster care and who needs a family.
    let mut cohort: Vec<(&str, i32, &ChildTracker)> = Vec::new();
    for journey in journeys {
        let Some(spell) = journey.placement_on(date) else {
            continue;
        };
        let child = journey.child();
        let tracker = trackers.get(child).unwrap_or(&none);
        let age = journey.age_on(date);
        let later = age_on(journey.record.header.dob, add_months(date, 12));
        if spell.place.is_foster_care() {
            analysis.by_age[age_band_index(age)]
                .in_foster_care
                .push(child.to_string());
        } else {
            let Some(plan) = tracker
                .plan_on(date)
                .filter(|p| p.achieved.is_none_or(|a| a > date))
                .filter(|p| is_family_plan(p.primary))
            else {
                continue;
            };
            let district = spell
                .postcode
                .as_deref()
                .and_then(|p| p.split_whitespace().next())
                .unwrap_or("");
            let setting = if spell.place.is_childrens_home() {
                "Children's home"
            } else if !borough_districts.is_empty() && !borough_districts.contains(district) {
                "Out of the borough"
            } else {
                continue;
            };
            analysis.by_age[age_band_index(age)]
                .needing_a_family
                .push(child.to_string());
            analysis.waiting.push(WaitingChild {
                child: child.to_string(),
                age,
                setting,
                placement: permanence_domain::codes::Code::code(spell.place),
                plan: plan.primary,
                days_in_placement: permanence_domain::date::days_between(spell.start, date),
            });
        }
        analysis.by_age[age_band_index(later)]
            .projected
            .push(child.to_string());
        cohort.push((child, age, tracker));
    }
    // Capacity by age band.
    let approved: Vec<_> = register
        .households
        .iter()
        .filter(|h| h.status == HouseholdStatus::Approved)
        .filter_map(|h| index.terms(&h.id).map(|t| (h, t)))
        .collect();
    analysis.households_approved = approved.len();
    for (household, terms) in &approved {
        let free = index.vacancies(&household.id);
        analysis.approved_places += terms.children;
        analysis.free_places += free;
        for (index, gap) in analysis.by_age.iter_mut().enumerate() {
            let ages = age_band_ages(index);
            if (terms.age_min as i32) <= *ages.end() && (terms.age_max as i32) >= *ages.start() {
                gap.approved_places += terms.children;
                gap.free_places += free;
            }
        }
    }
    // Sibling groups: the cohort's children with the siblings to keep together.
    let in_cohort: BTreeSet<&str> = cohort.iter().map(|(c, _, _)| *c).collect();
    let mut grouped: BTreeSet<String> = BTreeSet::new();
    let mut groups: Vec<(String, usize)> = Vec::new();
    for (child, _, tracker) in &cohort {
        if grouped.contains(*child) {
            continue;
        }
        let together = tracker
            .sibling_assessments
            .iter()
            .rev()
            .find(|a| a.date <= date)
            .filter(|a| a.conclusion == SiblingConclusion::Together);
        let mut members = vec![child.to_string()];
        if let Some(assessment) = together {
            members.extend(
                assessment
                    .siblings
                    .iter()
                    .filter(|s| in_cohort.contains(s.as_str()) && !grouped.contains(*s))
                    .cloned(),
            );
        }
        grouped.extend(members.iter().cloned());
        groups.push((child.to_string(), members.len()));
    }
    for size in 1..=4 {
        let fits = |n: u32| n as usize >= size;
        analysis.by_group.push(GroupGap {
            size,
            groups: groups
                .iter()
                .filter(|(_, n)| if size == 4 { *n >= 4 } else { *n == size })
                .map(|(c, _)| c.clone())
                .collect(),
            households_approved: approved.iter().filter(|(_, t)| fits(t.children)).count(),
            households_free: approved
                .iter()
                .filter(|(h, _)| fits(index.vacancies(&h.id)))
                .count(),
        });
    }
    // Complex needs.
    for need in ComplexNeed::ALL {
        let skilled: Vec<_> = approved
            .iter()
            .filter(|(h, _)| h.skills.contains(need))
            .collect();
        analysis.by_need.push(NeedGap {
            need: *need,
            children: cohort
                .iter()
                .filter(|(_, _, t)| {
                    t.placement_needs
                        .as_ref()
                        .is_some_and(|n| n.assessed <= date && n.needs.contains(need))
                })
                .map(|(c, _, _)| c.to_string())
                .collect(),
            households: skilled.len(),
            households_free: skilled
                .iter()
                .filter(|(h, _)| index.vacancies(&h.id) > 0)
                .count(),
        });
    }
    // Unused vacancies, and why.
    let waiting_ages: Vec<i32> = analysis.waiting.iter().map(|w| w.age).collect();
    for (household, terms) in &approved {
        let free = index.vacancies(&household.id);
        if free == 0 {
            continue;
        }
        let reason = match household.vacancy_reason {
            Some(reason) => reason.label().to_string(),
            None if !waiting_ages
                .iter()
                .any(|age| *age >= terms.age_min as i32 && *age <= terms.age_max as i32) =>
            {
                "No child needing a family fits the terms".to_string()
            }
            None => "No reason recorded".to_string(),
        };
        analysis.unused.push(UnusedVacancy {
            household: household.id.clone(),
            name: household.name.clone(),
            free_places: free,
            ages: format!("{} to {}", terms.age_min, terms.age_max),
            reason,
        });
    }
    analysis
        .waiting
        .sort_by(|a, b| (a.setting, a.age, &a.child).cmp(&(b.setting, b.age, &b.child)));
    analysis
}

#[cfg(test)]
mod tests {
    use super::*;
    use permanence_domain::codes::Placement;
    use permanence_domain::codes::ReasonNewEpisode;
    use permanence_domain::journey::test_support::{child, episode};
    use permanence_domain::tracker::{
        Forum, FosteringHousehold, FosteringPlacementType, FosteringRegister, HouseholdPlacement,
        HouseholdType, PermanencePlan, SiblingAssessment, TermsOfApproval, TermsReason,
        VacancyReason,
    };

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    fn journey(id: &str, dob: Date, place: Placement) -> Journey {
        let mut record = child(id, dob);
        record.episodes.push(episode(
            d(2024, 1, 1),
            ReasonNewEpisode::S,
            place,
            None,
            None,
        ));
        Journey::new(record)
    }

    fn household(
        id: &str,
        age_max: u32,
        children: u32,
        reason: Option<VacancyReason>,
    ) -> (FosteringHousehold, TermsOfApproval) {
        (
            FosteringHousehold {
                id: id.into(),
                name: id.into(),
                household_type: HouseholdType::InHouse,
                status: HouseholdStatus::Approved,
                postcode_district: "RM9".into(),
                in_borough: true,
                languages: vec![],
                ethnicity: vec![],
                religion: None,
                skills: vec![ComplexNeed::Disability],
                approved: Some(d(2020, 1, 1)),
                supervising_worker: None,
                vacancy_reason: reason,
            },
            TermsOfApproval {
                household: id.into(),
                from: d(2020, 1, 1),
                reason: TermsReason::Approval,
                age_min: 0,
                age_max,
                children,
                placement_types: vec![FosteringPlacementType::LongTerm],
            },
        )
    }

    #[test]
    fn needs_against_capacity_by_hand() {
        // On 1 June 2025: A (3) and B (8) in foster care with H1; C (13) in a children's
        // home with a plan of long-term fostering, to be placed with sibling D (12, also
        // in a home, no plan); E (14) in a home with a plan of residential care.
        let date = d(2025, 6, 1);
        let journeys = vec![
            journey("A", d(2021, 9, 1), Placement::U4),
            journey("B", d(2016, 9, 1), Placement::U4),
            journey("C", d(2011, 9, 1), Placement::K2),
            journey("D", d(2012, 9, 1), Placement::K2),
            journey("E", d(2010, 9, 1), Placement::K2),
        ];
        let plan = |child: &str, primary| PermanencePlan {
            child: child.into(),
            decided: d(2025, 1, 1),
            forum: Forum::Review,
            primary,
            parallel: vec![],
            contingency: None,
            target: None,
            achieved: None,
            achieved_by: None,
        };
        let mut trackers = BTreeMap::new();
        trackers.insert(
            "C".to_string(),
            ChildTracker {
                plans: vec![plan("C", PermanenceOption::LongTermFostering)],
                sibling_assessments: vec![SiblingAssessment {
                    child: "C".into(),
                    siblings: vec!["D".into()],
                    date: d(2025, 2, 1),
                    conclusion: SiblingConclusion::Together,
                }],
                ..ChildTracker::default()
            },
        );
        trackers.insert(
            "E".to_string(),
            ChildTracker {
                plans: vec![plan("E", PermanenceOption::Residential)],
                ..ChildTracker::default()
            },
        );
        let (h1, t1) = household("H1", 10, 3, None);
        let (h2, t2) = household("H2", 10, 2, Some(VacancyReason::CarerBreak));
        let (h3, t3) = household("H3", 18, 1, None);
        let placed = |child: &str| HouseholdPlacement {
            child: child.into(),
            household: "H1".into(),
            start: d(2024, 1, 1),
            end: None,
            placement_type: FosteringPlacementType::LongTerm,
            exemption: None,
        };
        let organisation = Organisation {
            fostering: FosteringRegister {
                households: vec![h1, h2, h3],
                terms: vec![t1, t2, t3],
                placements: vec![placed("A"), placed("B")],
                recruitment: vec![],
            },
            ..Organisation::default()
        };
        let analysis = analyse(&journeys, &trackers, &organisation, date);
        let band = |i: usize| &analysis.by_age[i];
        assert_eq!(band(1).in_foster_care, ["A"]);
        assert_eq!(band(2).in_foster_care, ["B"]);
        assert_eq!(band(3).needing_a_family, ["C"]);
        // In 12 months A is 4, B 9, C 14: no change of band.
        assert_eq!(band(3).projected, ["C"]);
        // H1 (0-10, 3 places, 1 free), H2 (0-10, 2 free), H3 (0-18, 1 free).
        assert_eq!((band(0).approved_places, band(0).free_places), (6, 4));
        assert_eq!((band(3).approved_places, band(3).free_places), (6, 4));
        assert_eq!((band(4).approved_places, band(4).free_places), (1, 1));
        assert_eq!((analysis.approved_places, analysis.free_places), (6, 4));
        // Sibling groups: A, B, C (with D? D has no family plan, so not in the cohort).
        assert_eq!(analysis.by_group[0].groups, ["A", "B", "C"]);
        assert_eq!(
            analysis.by_group[1].households_free, 1,
            "H2 has two places free"
        );
        assert_eq!(analysis.waiting.len(), 1);
        assert_eq!(analysis.waiting[0].setting, "Children's home");
        let reasons: Vec<(&str, &str)> = analysis
            .unused
            .iter()
            .map(|u| (u.household.as_str(), u.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                ("H1", "No child needing a family fits the terms"),
                ("H2", "Carers taking a break"),
                ("H3", "No reason recorded"),
            ]
        );
        assert_eq!(analysis.by_need[0].households, 3);
    }
}
