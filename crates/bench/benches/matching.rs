//! Matching support: one child (with a sibling to keep together) ranked against a
//! register of 2,000 fostering households with their terms, reviews and 3,000 children
//! living with them (target under 50 ms, issue 8).

use criterion::{Criterion, criterion_group, criterion_main};
use permanence_domain::Date;
use permanence_domain::tracker::{
    ComplexNeed, FosteringHousehold, FosteringPlacementType, FosteringRegister, HouseholdPlacement,
    HouseholdStatus, HouseholdType, TermsOfApproval, TermsReason,
};
use permanence_rules::matching::{MatchRequest, rank};

/// A register of `n` households, drawn deterministically (a simple LCG).
fn register(n: usize) -> FosteringRegister {
    let mut state: u64 = 42;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % m
    };
    let districts = [
        "RM9", "RM8", "RM10", "IG11", "E6", "E13", "CM1", "SS1", "ME4",
    ];
    let mut register = FosteringRegister::default();
    for i in 0..n {
        let id = format!("FH-{i:05}");
        let district = districts[next(districts.len() as u64) as usize];
        register.households.push(FosteringHousehold {
            id: id.clone(),
            name: format!("Household {i}"),
            household_type: [HouseholdType::InHouse, HouseholdType::Agency][next(2) as usize],
            status: [HouseholdStatus::Approved, HouseholdStatus::OnHold][(next(10) / 9) as usize],
            postcode_district: district.into(),
            in_borough: district.starts_with("RM"),
            languages: vec!["English".into()],
            ethnicity: vec![["WBRI", "BAFR", "APKN"][next(3) as usize].into()],
            religion: None,
            skills: ComplexNeed::ALL
                .iter()
                .copied()
                .filter(|_| next(10) == 0)
                .collect(),
            approved: Some(Date::constant(2020, 1, 1)),
            supervising_worker: None,
            vacancy_reason: None,
        });
        for year in 0..5 {
            register.terms.push(TermsOfApproval {
                household: id.clone(),
                from: Date::constant(2020 + year, 1, 1),
                reason: if year == 0 {
                    TermsReason::Approval
                } else {
                    TermsReason::Review
                },
                age_min: 0,
                age_max: [10, 11, 18][next(3) as usize],
                children: 1 + next(3) as u32,
                placement_types: vec![
                    FosteringPlacementType::ShortTerm,
                    FosteringPlacementType::LongTerm,
                ],
            });
        }
    }
    for c in 0..(n * 3 / 2) {
        register.placements.push(HouseholdPlacement {
            child: format!("C{c:06}"),
            household: format!("FH-{:05}", next(n as u64)),
            start: Date::constant(2024, 1, 1),
            end: None,
            placement_type: FosteringPlacementType::LongTerm,
            exemption: None,
        });
    }
    register
}

fn matching(c: &mut Criterion) {
    let register = register(2_000);
    let request = MatchRequest {
        child: "C1".into(),
        ages: vec![9, 7],
        ethnicity: Some("BAFR".into()),
        placement_type: FosteringPlacementType::LongTerm,
        needs: vec![ComplexNeed::Trauma],
        languages: vec!["English".into(), "Yoruba".into()],
        religion: Some("Christian".into()),
        school_district: Some("RM9".into()),
        family_district: Some("E6".into()),
    };
    let date = Date::constant(2025, 6, 1);
    let mut group = c.benchmark_group("matching");
    group.bench_function("one_child_2000_households", |b| {
        b.iter(|| rank(&register, &request, date));
    });
    group.finish();
}

criterion_group!(benches, matching);
criterion_main!(benches);
