//! The borough's geography and its placement providers, all fictional: home postcodes in
//! a few east-London-like districts, placement postcodes in and out of borough, and a
//! register of providers (fostering agencies, children's homes, supported accommodation,
//! ...) with made-up 7-digit Ofsted URNs. Postcodes are real-looking (district plus an
//! invented inward code), never anyone's address.

use permanence_domain::codes::PlacementProvider;

use crate::random::Random;

/// The borough's own three-digit LA code (used for LA_PERM after an SGO breakdown).
pub(crate) const OWN_LA_CODE: &str = "301";

/// Old three-digit LA codes of other authorities that made earlier permanence orders.
pub(crate) const OTHER_LA_CODES: [&str; 16] = [
    "316", "311", "317", "320", "211", "204", "209", "308", "881", "883", "882", "886", "330",
    "350", "383", "873",
];

/// Home postcode districts of the borough's children.
pub(crate) const HOME_DISTRICTS: [&str; 6] = ["RM9", "RM8", "RM10", "IG11", "E6", "E13"];

/// Neighbouring districts (east London and south Essex).
pub(crate) const NEAR_DISTRICTS: [&str; 18] = [
    "RM1", "RM3", "RM5", "RM6", "RM7", "RM13", "IG1", "IG3", "IG6", "E7", "E12", "E15", "E16",
    "E17", "E4", "E10", "SS14", "RM17",
];

/// Districts further away (out-of-borough placements across England).
pub(crate) const FAR_DISTRICTS: [&str; 30] = [
    "CM1", "CM2", "SS1", "SS2", "CO1", "CO4", "CT9", "ME1", "ME4", "TN34", "BN1", "LU1", "MK9",
    "NR1", "CB1", "IP1", "PE1", "B23", "CV1", "NG7", "LS9", "M14", "WA1", "PR1", "ST4", "DY1",
    "TS1", "DN1", "SO14", "PL1",
];

/// Letters used in inward codes (as in real postcodes: no C, I, K, M, O, V).
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// Where a placement is, relative to the borough.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Distance {
    /// In the borough.
    In,
    /// A neighbouring authority.
    Near,
    /// Further away.
    Far,
}

/// A full fictional postcode in `district`.
pub(crate) fn postcode_in(random: &mut Random, district: &str) -> String {
    let digit = random.int(1, 9);
    let a = *random.one_of(INWARD_LETTERS) as char;
    let b = *random.one_of(INWARD_LETTERS) as char;
    format!("{district} {digit}{a}{b}")
}

/// A home postcode in the borough.
pub(crate) fn home_postcode(random: &mut Random) -> String {
    let district = *random.one_of(&HOME_DISTRICTS);
    postcode_in(random, district)
}

/// A postcode at `distance` from the borough.
pub(crate) fn postcode_at(random: &mut Random, distance: Distance) -> String {
    let district = match distance {
        Distance::In => *random.one_of(&HOME_DISTRICTS),
        Distance::Near => *random.one_of(&NEAR_DISTRICTS),
        Distance::Far => *random.one_of(&FAR_DISTRICTS),
    };
    postcode_in(random, district)
}

/// A postcode at a distance drawn from `(in, near, far)` weights.
pub(crate) fn postcode_near(random: &mut Random, weights: [f64; 3]) -> String {
    let distance = distance(random, weights);
    postcode_at(random, distance)
}

/// A distance drawn from `(in, near, far)` weights.
pub(crate) fn distance(random: &mut Random, weights: [f64; 3]) -> Distance {
    match random.index(&weights) {
        0 => Distance::In,
        1 => Distance::Near,
        _ => Distance::Far,
    }
}

/// One placement provider: who runs it, its URN (if Ofsted-registered) and where it is.
#[derive(Debug, Clone)]
pub(crate) struct Provider {
    pub(crate) provider: PlacementProvider,
    pub(crate) urn: Option<String>,
    pub(crate) postcode: String,
}

/// The kinds of provider the register holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// Fostering services: the LA's own, other LAs', independent agencies.
    Fostering,
    /// Adoption agencies.
    Adoption,
    /// Children's homes (K2).
    ChildrensHome,
    /// Secure children's homes (K1).
    SecureHome,
    /// Supported accommodation (H5, then K3).
    SupportedAccommodation,
    /// Residential schools (S1).
    ResidentialSchool,
    /// Family centres and mother-and-baby units (R3).
    FamilyCentre,
}

/// The register of fictional providers.
pub(crate) struct Register {
    own_fostering: Provider,
    other_la_fostering: Vec<Provider>,
    agencies: Vec<Provider>,
    own_adoption: Provider,
    adoption_agencies: Vec<Provider>,
    childrens_homes: Vec<Provider>,
    secure_homes: Vec<Provider>,
    supported: Vec<Provider>,
    schools: Vec<Provider>,
    family_centres: Vec<Provider>,
}

impl Register {
    /// Builds the register from its own seeded stream.
    pub(crate) fn new(random: &mut Random) -> Register {
        let mut next_urn = 0;
        let mut urn = |random: &mut Random| {
            next_urn += 1;
            // Distinct 7-digit numbers: a block of 1,000 per provider.
            format!("{}", 2_000_000 + next_urn * 1_000 + random.int(0, 999))
        };
        let mut make = |random: &mut Random,
                        count: usize,
                        providers: &[(PlacementProvider, f64)],
                        where_: [f64; 3]| {
            (0..count)
                .map(|_| {
                    let provider = random.pick(providers);
                    let distance = distance(random, where_);
                    Provider {
                        provider,
                        urn: Some(urn(random)),
                        postcode: postcode_at(random, distance),
                    }
                })
                .collect::<Vec<_>>()
        };
        use PlacementProvider::*;
        let own_fostering = make(random, 1, &[(Pr1, 1.0)], [1.0, 0.0, 0.0]).remove(0);
        let other_la_fostering = make(random, 8, &[(Pr2, 1.0)], [0.0, 1.0, 0.3]);
        let agencies = make(random, 40, &[(Pr4, 0.85), (Pr5, 0.15)], [0.2, 0.5, 0.3]);
        let own_adoption = make(random, 1, &[(Pr1, 1.0)], [1.0, 0.0, 0.0]).remove(0);
        let adoption_agencies = make(random, 10, &[(Pr2, 0.5), (Pr5, 0.5)], [0.0, 0.5, 0.5]);
        let childrens_homes = make(
            random,
            150,
            &[(Pr4, 0.80), (Pr5, 0.10), (Pr1, 0.07), (Pr2, 0.03)],
            [0.12, 0.25, 0.63],
        );
        let secure_homes = make(
            random,
            14,
            &[(Pr2, 0.65), (Pr1, 0.05), (Pr4, 0.2), (Pr5, 0.1)],
            [0.0, 0.1, 0.9],
        );
        let supported = make(
            random,
            60,
            &[(Pr4, 0.85), (Pr5, 0.10), (Pr1, 0.05)],
            [0.3, 0.4, 0.3],
        );
        let schools = make(
            random,
            30,
            &[(Pr4, 0.6), (Pr5, 0.3), (Pr2, 0.1)],
            [0.05, 0.25, 0.7],
        );
        let family_centres = make(
            random,
            10,
            &[(Pr4, 0.5), (Pr5, 0.3), (Pr1, 0.2)],
            [0.2, 0.5, 0.3],
        );
        Register {
            own_fostering,
            other_la_fostering,
            agencies,
            own_adoption,
            adoption_agencies,
            childrens_homes,
            secure_homes,
            supported,
            schools,
            family_centres,
        }
    }

    /// A provider of `service`. Fostering: the LA's own service with probability
    /// `own_share`, else mostly independent agencies.
    pub(crate) fn provider(
        &self,
        random: &mut Random,
        service: Service,
        own_share: f64,
    ) -> &Provider {
        match service {
            Service::Fostering => {
                if random.chance(own_share) {
                    &self.own_fostering
                } else if random.chance(0.05) {
                    random.one_of(&self.other_la_fostering)
                } else {
                    random.one_of(&self.agencies)
                }
            }
            Service::Adoption => {
                if random.chance(0.6) {
                    &self.own_adoption
                } else {
                    random.one_of(&self.adoption_agencies)
                }
            }
            Service::ChildrensHome => random.one_of(&self.childrens_homes),
            Service::SecureHome => random.one_of(&self.secure_homes),
            Service::SupportedAccommodation => random.one_of(&self.supported),
            Service::ResidentialSchool => random.one_of(&self.schools),
            Service::FamilyCentre => random.one_of(&self.family_centres),
        }
    }
}

/// A unique pupil number: a check letter and 12 digits (LA number, establishment
/// number, year, serial), unique per child index. The check letter follows the DfE
/// algorithm (weights 2-13, modulo 23).
pub(crate) fn upn(child_index: usize, year_digits: i32) -> String {
    const CHECK: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";
    let establishment = 2000 + (child_index / 1000) % 8000;
    let serial = child_index % 1000;
    let digits = format!(
        "{}{:04}{:02}{:03}",
        OWN_LA_CODE,
        establishment,
        year_digits.rem_euclid(100),
        serial
    );
    let sum: u32 = digits
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * (i as u32 + 2))
        .sum();
    format!("{}{digits}", CHECK[(sum % 23) as usize] as char)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upns_are_well_formed_and_distinct() {
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..20_000 {
            let upn = upn(i, 12);
            assert_eq!(upn.len(), 13);
            let first = upn.as_bytes()[0];
            assert!(first.is_ascii_uppercase() && !b"IOS".contains(&first));
            assert!(upn[1..].bytes().all(|b| b.is_ascii_digit()));
            assert!(seen.insert(upn));
        }
    }

    #[test]
    fn postcodes_look_real() {
        let mut random = Random::seeded(1);
        for _ in 0..100 {
            let postcode = home_postcode(&mut random);
            let (district, inward) = postcode.split_once(' ').unwrap();
            assert!(HOME_DISTRICTS.contains(&district));
            assert_eq!(inward.len(), 3);
        }
    }
}
