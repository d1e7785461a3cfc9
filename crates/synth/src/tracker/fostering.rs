//! The register of foster carers (issue 8): households, their terms of approval and
//! reviews, the children living with them, the recruitment pipeline, and children's
//! placement needs for matching.
//!
//! Read off the 903 histories: every foster placement (U1 to U6) that overlaps the
//! tracker's live window is given a household in the placement's postcode district
//! (connected-person carers for U1 to U3, an agency for placements with a private
//! provider, in-house carers otherwise), reusing a household of the district that has
//! room and whose terms fit the child, else approving a new one. Terms are drawn young:
//! as the inspection found, there are too few carers for teenagers, sibling groups and
//! complex needs, so most spare capacity is for children under 11 with one or two
//! places. A few placements fall outside their carers' terms (PLC-05), a few approval
//! reviews are late (FC-01), and some vacancies go unused for a recorded reason.
//!
//! Deterministic: drawn from the organisation's stream with its own salt.

use std::collections::BTreeMap;

use permanence_domain::codes::PlacementProvider;
use permanence_domain::date::add_months;
use permanence_domain::record::ChildId;
use permanence_domain::tracker::*;
use permanence_domain::{ChildRecord, Date, Journey};

use crate::calendar::{from_date, to_date};
use crate::places::HOME_DISTRICTS;
use crate::random::Random;

/// Ethnicity of carers (903 ETHNIC codes), weighted roughly as the borough's.
const ETHNICITIES: &[(&str, f64)] = &[
    ("WBRI", 0.42),
    ("WOTH", 0.08),
    ("BAFR", 0.16),
    ("BCRB", 0.06),
    ("APKN", 0.07),
    ("ABAN", 0.06),
    ("AIND", 0.04),
    ("MWBC", 0.05),
    ("OOTH", 0.06),
];

/// Second languages spoken at home.
const LANGUAGES: &[&str] = &[
    "Bengali",
    "Urdu",
    "Polish",
    "Romanian",
    "Yoruba",
    "Somali",
    "Lithuanian",
    "Punjabi",
    "Arabic",
    "Tigrinya",
];

/// Religions (blank for none).
const RELIGIONS: &[(&str, f64)] = &[
    ("", 0.40),
    ("Christian", 0.35),
    ("Muslim", 0.18),
    ("Hindu", 0.03),
    ("Sikh", 0.02),
    ("Jewish", 0.02),
];

/// Carers' names (invented surnames, like the children's).
const SURNAMES: &[&str] = &[
    "Ashgrove",
    "Birchall",
    "Copperfield",
    "Dunmore",
    "Elmstead",
    "Foxley",
    "Greenway",
    "Hollins",
    "Ivybridge",
    "Kingsley",
    "Lindell",
    "Marlow",
    "Northcote",
    "Orchard",
    "Penhallow",
    "Redmayne",
    "Stanway",
    "Thornbury",
    "Underhill",
    "Wexcombe",
];
const FIRST_NAMES: &[&str] = &[
    "Ada", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hamid", "Iris", "Joe", "Kemi", "Leon",
    "Maya", "Nia", "Omar", "Priya", "Rosa", "Sunil", "Tess", "Wale",
];

/// Draws terms of approval: mostly young children and one or two places.
fn draw_terms(random: &mut Random, kind: HouseholdType) -> (u32, u32, u32) {
    let (age_min, age_max) = random.pick(&[
        ((0, 4), 0.14),
        ((0, 10), 0.36),
        ((0, 11), 0.16),
        ((5, 12), 0.12),
        ((0, 18), 0.12),
        ((11, 18), 0.06),
        ((13, 18), 0.04),
    ]);
    let children = match kind {
        HouseholdType::ConnectedPerson => 1,
        _ => random.pick(&[(1, 0.45), (2, 0.42), (3, 0.13)]),
    };
    (age_min, age_max, children)
}

fn household_type(
    place: permanence_domain::codes::Placement,
    provider: Option<PlacementProvider>,
) -> HouseholdType {
    if place.is_connected_carers() {
        HouseholdType::ConnectedPerson
    } else if provider == Some(PlacementProvider::Pr4) {
        HouseholdType::Agency
    } else {
        HouseholdType::InHouse
    }
}

/// One stay with foster carers: start, end, the child, the placement type and provider,
/// and the placement's postcode district.
type Stay<'a> = (
    Date,
    Option<Date>,
    &'a ChildRecord,
    permanence_domain::codes::Placement,
    Option<PlacementProvider>,
    String,
);

struct Draft {
    household: FosteringHousehold,
    terms: Vec<TermsOfApproval>,
    /// (start, end) of the children placed, to count occupancy.
    occupied: Vec<(Date, Option<Date>)>,
}

impl Draft {
    fn children_on(&self, date: Date) -> u32 {
        self.occupied
            .iter()
            .filter(|(s, e)| *s <= date && e.is_none_or(|e| e > date))
            .count() as u32
    }

    fn fits(&self, age: i32, date: Date) -> bool {
        self.terms
            .iter()
            .rev()
            .find(|t| t.from <= date)
            .is_some_and(|t| {
                age >= t.age_min as i32
                    && age <= t.age_max as i32
                    && self.children_on(date) < t.children
            })
    }
}

/// The register, and placement needs by child.
pub(crate) fn generate(
    random: &mut Random,
    children: &[ChildRecord],
    live: Date,
    horizon: Date,
    workers: &[String],
) -> (FosteringRegister, BTreeMap<ChildId, PlacementNeeds>) {
    let mut drafts: Vec<Draft> = Vec::new();
    let mut placements: Vec<HouseholdPlacement> = Vec::new();
    let mut needs: BTreeMap<ChildId, PlacementNeeds> = BTreeMap::new();
    let mut spells: Vec<(Date, &ChildRecord, Journey)> = Vec::new();
    for record in children {
        let journey = Journey::new(record.clone());
        if let Some(first) = journey
            .placements
            .iter()
            .filter(|p| p.place.is_foster_care() && p.start <= horizon)
            .filter(|p| p.end.is_none_or(|end| end > live))
            .map(|p| p.start)
            .min()
        {
            spells.push((first, record, journey));
        }
    }
    spells.sort_by(|a, b| (a.0, &a.1.child).cmp(&(b.0, &b.1.child)));
    let mut all: Vec<Stay<'_>> = Vec::new();
    for (_, record, journey) in &spells {
        // Consecutive spells with the same carers (new_carers false) stay with them.
        let mut current: Option<usize> = None;
        for spell in journey
            .placements
            .iter()
            .filter(|p| p.start <= horizon && p.end.is_none_or(|end| end > live))
        {
            if !spell.place.is_foster_care() {
                current = None;
                continue;
            }
            let end = spell.end.filter(|end| *end <= horizon);
            let district = spell
                .postcode
                .as_deref()
                .and_then(|p| p.split(' ').next())
                .unwrap_or(HOME_DISTRICTS[0])
                .to_string();
            match current {
                Some(index) if !spell.new_carers => {
                    all[index].1 = end;
                }
                _ => {
                    all.push((
                        spell.start,
                        end,
                        *record,
                        spell.place,
                        spell.provider,
                        district,
                    ));
                    current = Some(all.len() - 1);
                }
            }
        }
    }
    all.sort_by(|a, b| (a.0, &a.2.child).cmp(&(b.0, &b.2.child)));
    for (start, end, record, place, provider, district) in all {
        let kind = household_type(place, provider);
        let age = permanence_domain::date::age_on(record.header.dob, start);
        let fits = |d: &Draft| {
            d.household.household_type == kind
                && kind != HouseholdType::ConnectedPerson
                && d.fits(age, start)
        };
        // Carers in the placement's district first, then any with room whose terms fit.
        let found = drafts
            .iter()
            .position(|d| fits(d) && d.household.postcode_district == district)
            .or_else(|| drafts.iter().position(fits));
        let index = match found {
            Some(index) => index,
            None => {
                let approved_day = from_date(start) - random.int(30, 2500);
                let approved = to_date(approved_day)
                    .max(Date::constant(2005, 1, 1))
                    .min(start);
                let mut draft =
                    new_household(random, drafts.len(), kind, &district, approved, workers);
                // The new carers' terms fit the child, except now and then (PLC-05).
                if let Some(first) = draft.terms.first_mut()
                    && random.chance(0.95)
                {
                    first.age_min = first.age_min.min(age.max(0) as u32);
                    first.age_max = first.age_max.max(age.max(0) as u32).min(18);
                }
                drafts.push(draft);
                drafts.len() - 1
            }
        };
        let draft = &mut drafts[index];
        draft.occupied.push((start, end));
        let placement_type = if place.is_connected_carers()
            || matches!(place, permanence_domain::codes::Placement::U4)
        {
            FosteringPlacementType::LongTerm
        } else if matches!(
            place,
            permanence_domain::codes::Placement::U2 | permanence_domain::codes::Placement::U5
        ) {
            FosteringPlacementType::FosteringForAdoption
        } else {
            FosteringPlacementType::ShortTerm
        };
        if let Some(terms) = draft.terms.first_mut()
            && !terms.placement_types.contains(&placement_type)
            && random.chance(0.97)
        {
            terms.placement_types.push(placement_type);
            terms.placement_types.sort();
        }
        placements.push(HouseholdPlacement {
            child: record.child.clone(),
            household: draft.household.id.clone(),
            start,
            end,
            placement_type,
            exemption: None,
        });
    }
    // Spare households: approved with vacancies, on hold, in assessment, resigned.
    let spare = (drafts.len() / 4).max(3);
    for _ in 0..spare {
        let district = if random.chance(0.6) {
            random.one_of(&HOME_DISTRICTS).to_string()
        } else {
            random.one_of(&crate::places::NEAR_DISTRICTS).to_string()
        };
        let approved = to_date(from_date(horizon) - random.int(60, 2500));
        let kind = if random.chance(0.7) {
            HouseholdType::InHouse
        } else {
            HouseholdType::Agency
        };
        let mut draft = new_household(random, drafts.len(), kind, &district, approved, workers);
        draft.household.status = random.pick(&[
            (HouseholdStatus::Approved, 0.7),
            (HouseholdStatus::OnHold, 0.15),
            (HouseholdStatus::Resigned, 0.15),
        ]);
        if draft.household.status == HouseholdStatus::Approved && random.chance(0.4) {
            draft.household.vacancy_reason = Some(random.pick(&[
                (VacancyReason::CarerBreak, 0.3),
                (VacancyReason::FamilyCircumstances, 0.25),
                (VacancyReason::AwaitingMatch, 0.2),
                (VacancyReason::CarerPreference, 0.15),
                (VacancyReason::StandardsConcern, 0.1),
            ]));
        } else if draft.household.status == HouseholdStatus::OnHold {
            draft.household.vacancy_reason = Some(VacancyReason::FamilyCircumstances);
        }
        drafts.push(draft);
    }
    // Connected-person carers approved for one child usually stop once the child leaves.
    for draft in &mut drafts {
        if draft.household.household_type == HouseholdType::ConnectedPerson
            && draft.children_on(horizon) == 0
            && draft.occupied.iter().all(|(_, end)| end.is_some())
        {
            draft.household.status = HouseholdStatus::Resigned;
        }
    }
    // Annual reviews: most on time, some late (FC-01), none after the horizon.
    let mut terms: Vec<TermsOfApproval> = Vec::new();
    for draft in &mut drafts {
        let Some(first) = draft.terms.first().cloned() else {
            continue;
        };
        let mut last = first.from;
        let mut version = first.clone();
        // Reviews stop when carers resign (after their last child left).
        let until = if draft.household.status == HouseholdStatus::Resigned {
            draft
                .occupied
                .iter()
                .filter_map(|(_, end)| *end)
                .max()
                .unwrap_or(horizon)
        } else {
            horizon
        };
        loop {
            let late = random.chance(0.06);
            let due = add_months(last, 12);
            let next = if late {
                to_date(from_date(due) + random.int(10, 120))
            } else {
                to_date(from_date(due) - random.int(0, 45))
            };
            if next > until {
                break;
            }
            version = TermsOfApproval {
                from: next,
                reason: TermsReason::Review,
                ..version
            };
            draft.terms.push(version.clone());
            last = next;
        }
        terms.extend(draft.terms.iter().cloned());
    }
    let households: Vec<FosteringHousehold> = drafts.into_iter().map(|d| d.household).collect();
    // Recruitment: about one enquiry a week, few reach approval.
    let mut recruitment = Vec::new();
    let mut day = from_date(live);
    let mut n = 0;
    while day < from_date(horizon) {
        day += random.int(2, 12);
        if day > from_date(horizon) {
            break;
        }
        n += 1;
        let enquiry = to_date(day);
        let mut at = day;
        let mut step = |random: &mut Random, lo: i32, hi: i32, go_on: f64| {
            if !random.chance(go_on) {
                return None;
            }
            at += random.int(lo, hi);
            (at <= from_date(horizon)).then(|| to_date(at))
        };
        let stage_one = step(random, 14, 60, 0.35);
        let stage_two = stage_one.and_then(|_| step(random, 40, 90, 0.6));
        let panel = stage_two.and_then(|_| step(random, 90, 180, 0.75));
        let approved = panel.and_then(|_| step(random, 5, 20, 0.9));
        let last = approved
            .or(panel)
            .or(stage_two)
            .or(stage_one)
            .unwrap_or(enquiry);
        let stalled = from_date(horizon) - from_date(last) > 120;
        let (outcome, ended) = if approved.is_some() {
            (RecruitmentOutcome::Approved, approved)
        } else if stalled {
            let outcome = if panel.is_some() {
                RecruitmentOutcome::NotApproved
            } else {
                RecruitmentOutcome::Withdrew
            };
            (outcome, Some(to_date(from_date(last) + 30).min(horizon)))
        } else {
            (RecruitmentOutcome::InProgress, None)
        };
        recruitment.push(RecruitmentEnquiry {
            id: format!("ENQ-{n:04}"),
            enquiry,
            stage_one,
            stage_two,
            panel,
            approved,
            outcome,
            ended,
            household: None,
        });
    }
    // Placement needs: children looked after on the horizon in foster care or a
    // children's home.
    for record in children {
        let journey = Journey::new(record.clone());
        let Some(spell) = journey.placement_on(horizon) else {
            continue;
        };
        if !(spell.place.is_foster_care() || spell.place.is_childrens_home()) {
            continue;
        }
        let age = journey.age_on(horizon);
        let home = spell.place.is_childrens_home();
        let mut child_needs: Vec<ComplexNeed> = ComplexNeed::ALL
            .iter()
            .copied()
            .filter(|need| match need {
                ComplexNeed::Unaccompanied => record.uasc_until.is_some(),
                ComplexNeed::Exploitation => {
                    age >= 12 && random.chance(if home { 0.35 } else { 0.06 })
                }
                _ => random.chance(if home { 0.25 } else { 0.05 }),
            })
            .collect();
        child_needs.sort();
        let home_district = record
            .episodes
            .iter()
            .rev()
            .find_map(|e| e.home_post.as_deref())
            .and_then(|p| p.split(' ').next())
            .map(String::from);
        let assessed = to_date(from_date(spell.start).max(from_date(horizon) - random.int(0, 200)));
        needs.insert(
            record.child.clone(),
            PlacementNeeds {
                child: record.child.clone(),
                assessed: assessed.min(horizon),
                placement_type: if age >= 10 || home {
                    FosteringPlacementType::LongTerm
                } else {
                    FosteringPlacementType::ShortTerm
                },
                needs: child_needs,
                languages: if random.chance(0.2) {
                    vec!["English".into(), random.one_of(LANGUAGES).to_string()]
                } else {
                    vec!["English".into()]
                },
                religion: Some(random.pick(RELIGIONS).to_string()).filter(|r| !r.is_empty()),
                school_district: home_district.clone().filter(|_| age >= 4),
                family_district: home_district,
            },
        );
    }
    let mut register = FosteringRegister {
        households,
        terms,
        placements,
        recruitment,
    };
    register
        .terms
        .sort_by(|a, b| (&a.household, a.from).cmp(&(&b.household, b.from)));
    register
        .placements
        .sort_by(|a, b| (a.start, &a.child, &a.household).cmp(&(b.start, &b.child, &b.household)));
    (register, needs)
}

fn new_household(
    random: &mut Random,
    index: usize,
    kind: HouseholdType,
    district: &str,
    approved: Date,
    workers: &[String],
) -> Draft {
    let (age_min, age_max, children) = draw_terms(random, kind);
    let surname = random.one_of(SURNAMES);
    let name = if random.chance(0.6) {
        format!(
            "{} and {} {surname}",
            random.one_of(FIRST_NAMES),
            random.one_of(FIRST_NAMES)
        )
    } else {
        format!("{} {surname}", random.one_of(FIRST_NAMES))
    };
    let skills: Vec<ComplexNeed> = ComplexNeed::ALL
        .iter()
        .copied()
        .filter(|_| random.chance(0.07))
        .collect();
    let ethnicity = random.pick(ETHNICITIES).to_string();
    let mut languages = vec!["English".to_string()];
    if ethnicity != "WBRI" && random.chance(0.4) {
        languages.push(random.one_of(LANGUAGES).to_string());
    }
    let id = format!("FH-{:04}", index + 1);
    Draft {
        household: FosteringHousehold {
            id: id.clone(),
            name,
            household_type: kind,
            status: HouseholdStatus::Approved,
            postcode_district: district.to_string(),
            in_borough: HOME_DISTRICTS.contains(&district),
            languages,
            ethnicity: vec![ethnicity],
            religion: Some(random.pick(RELIGIONS).to_string()).filter(|r| !r.is_empty()),
            skills,
            approved: Some(approved),
            supervising_worker: (!workers.is_empty() && kind != HouseholdType::Agency)
                .then(|| random.one_of(workers).clone()),
            vacancy_reason: None,
        },
        terms: vec![TermsOfApproval {
            household: id,
            from: approved,
            reason: TermsReason::Approval,
            age_min,
            age_max,
            children,
            placement_types: vec![
                FosteringPlacementType::ShortTerm,
                FosteringPlacementType::LongTerm,
            ]
            .into_iter()
            .filter(|_| random.chance(0.8))
            .collect::<Vec<_>>()
            .into_iter()
            .chain(std::iter::once(FosteringPlacementType::ShortTerm))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
        }],
        occupied: Vec::new(),
    }
}
