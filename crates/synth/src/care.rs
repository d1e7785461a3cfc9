//! The second stage for one period of care: its legal statuses, its placements (with
//! providers, URNs and postcodes), the episodes that follow from both, and the reviews
//! and missing episodes that happen during it.
//!
//! Episodes are built the way the 903 defines them: a new episode starts whenever the
//! legal status or the placement changes (RNE `L`, `P`/`T`, `B`/`U`); the episodes of a
//! period are chained with `X1`; the first is `S`; the last ends with the period's reason.

use permanence_domain::codes::*;

use crate::calendar::{Day, age_on, birthday, days_from_civil, year_of};
use crate::places::{Distance, Register, Service, postcode_at, postcode_near};
use crate::random::Random;
use crate::rates::*;
use crate::sketch::{Exit, PeriodPlan, Route};

/// Everything about the child that the period's details depend on.
pub(crate) struct ChildContext<'a> {
    pub(crate) dob: Day,
    pub(crate) uasc: bool,
    pub(crate) cin: CategoryOfNeed,
    pub(crate) home_postcode: &'a str,
    /// Mean days between placement moves (the child's stability trait).
    pub(crate) mean_days_between_moves: f64,
    pub(crate) register: &'a Register,
}

/// One episode, with day numbers; `dec` may lie after the last return's 31 March (the
/// records are censored later).
#[derive(Debug, Clone)]
pub(crate) struct EpisodeDraft {
    pub(crate) decom: Day,
    pub(crate) dec: Day,
    pub(crate) rne: ReasonNewEpisode,
    pub(crate) ls: LegalStatus,
    pub(crate) place: Placement,
    pub(crate) provider: Option<PlacementProvider>,
    pub(crate) rec: ReasonEpisodeCeased,
    pub(crate) reason_place_change: Option<ReasonPlaceChange>,
    pub(crate) pl_post: Option<String>,
    pub(crate) urn: Option<String>,
}

/// A missing or away incident.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MissingDraft {
    pub(crate) away: bool,
    pub(crate) start: Day,
    pub(crate) end: Day,
}

/// What one period of care produced.
#[derive(Debug, Clone)]
pub(crate) struct PeriodDetail {
    pub(crate) episodes: Vec<EpisodeDraft>,
    pub(crate) reviews: Vec<(Day, ReviewCode)>,
    pub(crate) missing: Vec<MissingDraft>,
    /// Children's-home stays (start, end) of children aged 10+, for DoLo.
    pub(crate) childrens_home_stays: Vec<(Day, Day)>,
}

/// Whether foster carers are relatives or friends, and the kind of fostering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Term {
    Short,
    Long,
    ForAdoption,
}

/// A kind of placement, before it is turned into the year's PLACE code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Foster {
        kin: bool,
        term: Term,
    },
    Adoptive {
        with_foster_carers: bool,
        consent: bool,
    },
    ChildrensHome,
    SecureHome,
    Supported,
    WithParents,
    MotherAndBaby,
    ResidentialSchool,
    ResidentialCare,
    Hospital,
    OtherPlacement,
    Temporary(Placement),
}

impl Kind {
    fn is_temporary(self) -> bool {
        matches!(self, Kind::Temporary(_))
    }
}

/// One placement: a stay with the same carers in the same kind of placement.
#[derive(Debug, Clone)]
struct Stay {
    start: Day,
    kind: Kind,
    /// The same carers as the stay before (RNE `T`/`U` rather than `P`/`B`).
    same_carers: bool,
    /// Why the stay before ended.
    reason: ReasonPlaceChange,
    provider: Option<PlacementProvider>,
    urn: Option<String>,
    postcode: Option<String>,
    /// The PLACE code, set once the stay's end is known.
    place: Option<Placement>,
}

/// 29 October 2023: from then on, supported accommodation (H5) needs an Ofsted URN.
fn supported_registration() -> Day {
    days_from_civil(2023, 10, 29)
}

/// Builds the period's episodes, reviews and missing incidents.
pub(crate) fn detail(
    random: &mut Random,
    child: &ChildContext<'_>,
    plan: &PeriodPlan,
) -> PeriodDetail {
    let legal = legal_statuses(random, child, plan);
    let mut stays = placements(random, child, plan, &legal);
    add_temporary_placements(random, child, &mut stays, plan.end);
    resolve_codes(random, child, &mut stays, plan.end);
    let legal = snap_legal_changes(legal, &stays);
    let legal = clear_temporary_placements(legal, &stays, plan.end);
    let episodes = episodes(random, child, plan, &legal, &stays);
    let reviews = reviews(random, child.dob, plan.start, plan.end);
    let missing = missing(random, child, &stays, plan.end);
    let childrens_home_stays = stays
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == Kind::ChildrensHome && age_on(child.dob, s.start) >= 10)
        .map(|(i, s)| (s.start, stays.get(i + 1).map_or(plan.end, |n| n.start)))
        .collect();
    PeriodDetail {
        episodes,
        reviews,
        missing,
        childrens_home_stays,
    }
}

// ----- Legal status ---------------------------------------------------------------

/// The legal-status timeline: `(from, status)` pairs, the first on the period's start.
fn legal_statuses(
    random: &mut Random,
    child: &ChildContext<'_>,
    plan: &PeriodPlan,
) -> Vec<(Day, LegalStatus)> {
    use LegalStatus::*;
    let (start, end) = (plan.start, plan.end);
    let age = age_on(child.dob, start);
    let mut timeline = Vec::new();
    let mut t = start;
    let court_route = !matches!(plan.route, Route::Remand | Route::Uasc);
    let length = end - start;
    if court_route && length > 40 {
        if random.chance(POLICE_PROTECTION_SHARE) {
            timeline.push((t, L1));
            t += random.int(1, 3);
        } else if random.chance(EPO_SHARE) {
            timeline.push((t, L2));
            t += random.int(3, 21);
        }
    }
    // Interim care order, then the full order at the end of proceedings.
    let court = |timeline: &mut Vec<(Day, LegalStatus)>, from: Day, random: &mut Random| {
        timeline.push((from, C1));
        let full = from + random.range(CARE_ORDER_DAYS);
        if full < end - 14 {
            timeline.push((full, C2));
        }
    };
    match plan.route {
        Route::Remand => timeline.push((t, J1)),
        Route::Uasc => timeline.push((t, V2)),
        Route::Adoption => {
            let adoption = plan.adoption.expect("adoption route has a plan");
            if random.chance(SECTION_20_FIRST_SHARE) && adoption.decision - t > 60 {
                timeline.push((t, V2));
                t += random.int(14, 60);
            }
            timeline.push((t, C1));
            if let Some(order) = adoption.placement_order {
                timeline.push((order, E1));
                if let Some((reversed, _)) = adoption.reversed {
                    let revoked = reversed + random.int(30, 120);
                    if revoked < end - 14 {
                        timeline.push((revoked, C2));
                    }
                }
            } else {
                // Consent, or no placement order made: a full care order instead.
                let full = adoption
                    .reversed
                    .map_or(adoption.decision + random.int(14, 60), |(at, _)| at);
                if full < end - 14 {
                    timeline.push((full, C2));
                }
            }
        }
        Route::SpecialGuardianship | Route::ChildArrangements => {
            if random.chance(ORDER_ROUTE_SECTION_20_SHARE) {
                timeline.push((t, V2));
            } else {
                if random.chance(SECTION_20_FIRST_SHARE) && end - t > 90 {
                    timeline.push((t, V2));
                    t += random.int(14, 60);
                }
                // The order is usually made at the final hearing, ending the interim order.
                timeline.push((t, C1));
                let full = t + random.range(CARE_ORDER_DAYS);
                if full < end - 120 && random.chance(0.4) {
                    timeline.push((full, C2));
                }
            }
        }
        Route::ReturnHome => {
            if random.chance(RETURN_HOME_SECTION_20_SHARE) {
                timeline.push((t, V2));
            } else {
                court(&mut timeline, t, random);
            }
        }
        Route::LongTerm => {
            let section_20 = if age >= 16 {
                OLDER_ENTRANT_SECTION_20_SHARE
            } else if age >= 10 {
                LONG_TERM_OLDER_SECTION_20_SHARE
            } else {
                LONG_TERM_YOUNGER_SECTION_20_SHARE
            };
            if random.chance(section_20) {
                timeline.push((t, V2));
            } else {
                if random.chance(SECTION_20_FIRST_SHARE) && end - t > 120 {
                    timeline.push((t, V2));
                    t += random.int(14, 90);
                }
                court(&mut timeline, t, random);
            }
        }
        Route::Other => {
            if age >= 16 || random.chance(0.7) {
                timeline.push((t, V2));
            } else {
                court(&mut timeline, t, random);
            }
        }
    }
    // Keep changes strictly inside the period, each status lasting at least a day.
    let mut cleaned: Vec<(Day, LegalStatus)> = Vec::with_capacity(timeline.len());
    for (from, status) in timeline {
        if from >= end {
            break;
        }
        match cleaned.last() {
            Some(&(last_from, last)) if from <= last_from || last == status => continue,
            _ => cleaned.push((from, status)),
        }
    }
    cleaned
}

fn legal_at(legal: &[(Day, LegalStatus)], day: Day) -> LegalStatus {
    let i = legal.partition_point(|(from, _)| *from <= day);
    legal[i.saturating_sub(1)].1
}

/// Moves changes of order near a placement move onto the move's day, so that both change
/// in one episode (RNE `B`/`U`), as they often do. Emergency statuses keep their length
/// limits, and placement orders their date.
fn snap_legal_changes(
    mut legal: Vec<(Day, LegalStatus)>,
    stays: &[Stay],
) -> Vec<(Day, LegalStatus)> {
    for i in 1..legal.len() {
        let (from, status) = legal[i];
        let previous = legal[i - 1];
        if !matches!(status, LegalStatus::C1 | LegalStatus::C2)
            || matches!(previous.1, LegalStatus::L1 | LegalStatus::L2)
        {
            continue;
        }
        let lower = previous.0 + 1;
        let upper = legal.get(i + 1).map_or(Day::MAX, |next| next.0 - 1);
        let nearest = stays
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(j, stay)| !stay.kind.is_temporary() && !stays[j - 1].kind.is_temporary())
            .map(|(_, stay)| stay.start)
            .filter(|&day| (day - from).abs() <= 14 && day >= lower && day <= upper)
            .min_by_key(|&day| (day - from).abs());
        if let Some(day) = nearest {
            // A child placed with parents must not be under section 20 (rule 378): never
            // move the start of an order past the start of a placement with parents.
            let to_parents = stays
                .iter()
                .any(|s| s.kind == Kind::WithParents && s.start >= from && s.start < day);
            if !to_parents {
                legal[i].0 = day;
            }
        }
    }
    legal
}

/// A legal-status change never falls inside a temporary placement or on the return
/// from it, so the return is a plain change of placement back to the same one (rule
/// 383): such a change moves to the day after the return (or to the day the temporary
/// placement started, when there is no room after it).
fn clear_temporary_placements(
    mut legal: Vec<(Day, LegalStatus)>,
    stays: &[Stay],
    end: Day,
) -> Vec<(Day, LegalStatus)> {
    for (j, stay) in stays.iter().enumerate() {
        if !stay.kind.is_temporary() {
            continue;
        }
        let back = stays.get(j + 1).map_or(end, |s| s.start);
        for i in 1..legal.len() {
            let from = legal[i].0;
            if stay.start < from && from <= back {
                let upper = legal.get(i + 1).map_or(end, |next| next.0);
                legal[i].0 = if back + 1 < upper {
                    back + 1
                } else {
                    stay.start
                };
            }
        }
    }
    legal.dedup_by_key(|(from, _)| *from);
    legal
}

// ----- Placements -----------------------------------------------------------------

/// Placement-type groups, in the column order of the `PLACEMENT_MIX_*` rates.
const MIX: [Kind; 7] = [
    Kind::Foster {
        kin: false,
        term: Term::Short,
    },
    Kind::ChildrensHome,
    Kind::Supported,
    Kind::SecureHome,
    Kind::ResidentialSchool,
    Kind::ResidentialCare,
    Kind::OtherPlacement,
];

/// A kind of placement for a move at `day`.
fn choose_kind(
    random: &mut Random,
    child: &ChildContext<'_>,
    plan: &PeriodPlan,
    day: Day,
    first: bool,
) -> Kind {
    let age = age_on(child.dob, day);
    if first && age == 0 && random.chance(MOTHER_AND_BABY_SHARE) {
        return Kind::MotherAndBaby;
    }
    let mix = if child.uasc && age >= 16 {
        &UASC_PLACEMENT_MIX_16_PLUS
    } else if age >= 16 {
        &PLACEMENT_MIX_16_PLUS
    } else if age >= 12 {
        &PLACEMENT_MIX_12_TO_15
    } else {
        &PLACEMENT_MIX_UNDER_12
    };
    let kind = match MIX[random.index(mix)] {
        Kind::ResidentialSchool if age < 5 => Kind::ChildrensHome,
        Kind::ResidentialCare if random.chance(0.5) => Kind::Hospital,
        Kind::SecureHome if age < 10 => Kind::ChildrensHome,
        other => other,
    };
    match kind {
        Kind::Foster { .. } => {
            let kin_share = if plan.route == Route::SpecialGuardianship {
                KINSHIP_SHARE_SGO_ROUTE
            } else if child.uasc {
                0.02
            } else {
                KINSHIP_SHARE_OF_FOSTERING
            };
            let long = plan.route == Route::LongTerm
                && day - plan.start >= LONG_TERM_MATCH_DAYS.0
                && random.chance(0.7);
            Kind::Foster {
                kin: random.chance(kin_share),
                term: if long { Term::Long } else { Term::Short },
            }
        }
        other => other,
    }
}

/// A stay of `kind` from `start`, with its provider, URN and postcode.
fn stay(
    random: &mut Random,
    child: &ChildContext<'_>,
    start: Day,
    kind: Kind,
    same_carers: bool,
    reason: ReasonPlaceChange,
) -> Stay {
    use PlacementProvider::*;
    let register = child.register;
    let mut stay = Stay {
        start,
        kind,
        same_carers,
        reason,
        provider: None,
        urn: None,
        postcode: None,
        place: None,
    };
    let from_register = |stay: &mut Stay, random: &mut Random, service: Service| {
        let provider = register.provider(random, service, 0.0);
        stay.provider = Some(provider.provider);
        stay.urn = provider.urn.clone();
        stay.postcode = Some(provider.postcode.clone());
    };
    match kind {
        Kind::Foster { kin: true, .. } => {
            let provider = register.provider(random, Service::Fostering, 0.97);
            stay.provider = Some(provider.provider);
            stay.urn = provider.urn.clone();
            stay.postcode = Some(postcode_near(random, [0.5, 0.3, 0.2]));
        }
        Kind::Foster { kin: false, .. } => {
            let provider = register.provider(random, Service::Fostering, OWN_FOSTER_CARERS_SHARE);
            stay.provider = Some(provider.provider);
            stay.urn = provider.urn.clone();
            let weights = if provider.provider == Pr1 {
                [0.55, 0.4, 0.05]
            } else {
                [0.25, 0.45, 0.3]
            };
            stay.postcode = Some(postcode_near(random, weights));
        }
        Kind::Adoptive { .. } => {
            let provider = register.provider(random, Service::Adoption, 0.0);
            stay.provider = Some(provider.provider);
            // Regional adoption agencies report XXXXXXX (rule 242).
            stay.urn = if random.chance(0.25) {
                Some("XXXXXXX".to_string())
            } else {
                provider.urn.clone()
            };
            stay.postcode = Some(postcode_near(random, [0.1, 0.4, 0.5]));
        }
        Kind::ChildrensHome => from_register(&mut stay, random, Service::ChildrensHome),
        Kind::SecureHome => from_register(&mut stay, random, Service::SecureHome),
        Kind::Supported => from_register(&mut stay, random, Service::SupportedAccommodation),
        Kind::ResidentialSchool => from_register(&mut stay, random, Service::ResidentialSchool),
        Kind::MotherAndBaby => from_register(&mut stay, random, Service::FamilyCentre),
        Kind::WithParents => {
            stay.provider = Some(Pr0);
            stay.postcode = Some(child.home_postcode.to_string());
        }
        Kind::ResidentialCare => {
            stay.provider = Some(random.pick(&[(Pr4, 0.6), (Pr5, 0.3), (Pr3, 0.1)]));
            stay.postcode = Some(postcode_at(random, Distance::Far));
        }
        Kind::Hospital => {
            stay.provider = Some(Pr3);
            stay.postcode = Some(postcode_near(random, [0.3, 0.4, 0.3]));
        }
        Kind::OtherPlacement => {
            // No provider for other placements (rules 178, 213).
            stay.postcode = Some(postcode_near(random, [0.2, 0.4, 0.4]));
        }
        Kind::Temporary(_) => {
            stay.postcode = Some(postcode_near(random, [0.3, 0.5, 0.2]));
        }
    }
    // Home and placement postcodes differ unless placed with parents (rule 392d).
    if kind != Kind::WithParents && stay.postcode.as_deref() == Some(child.home_postcode) {
        let (district, _) = child.home_postcode.split_once(' ').unwrap_or(("RM9", ""));
        let mut other = crate::places::postcode_in(random, district);
        while other == child.home_postcode {
            other = crate::places::postcode_in(random, district);
        }
        stay.postcode = Some(other);
    }
    stay
}

/// A stay after a move to new carers: never back into the very same placement as
/// `previous` (same type and postcode, hence the same provider and URN), which would
/// not be a move (rule 435).
fn moved_stay(
    random: &mut Random,
    child: &ChildContext<'_>,
    start: Day,
    kind: Kind,
    reason: ReasonPlaceChange,
    previous: &Stay,
) -> Stay {
    let mut new = stay(random, child, start, kind, false, reason);
    for _ in 0..16 {
        if new.kind != previous.kind || new.postcode != previous.postcode {
            break;
        }
        new = stay(random, child, start, kind, false, reason);
    }
    new
}

/// The same carers in a new kind of placement (RNE `T`/`U`): keeps the carers' postcode.
fn same_carers(previous: &Stay, mut next: Stay, reason: ReasonPlaceChange) -> Stay {
    next.same_carers = true;
    next.reason = reason;
    next.postcode = previous.postcode.clone();
    if matches!(next.kind, Kind::Foster { .. }) {
        next.provider = previous.provider;
        next.urn = previous.urn.clone();
    }
    next
}

/// The placements of a period, contiguous from its start to its end.
fn placements(
    random: &mut Random,
    child: &ChildContext<'_>,
    plan: &PeriodPlan,
    legal: &[(Day, LegalStatus)],
) -> Vec<Stay> {
    let (start, end) = (plan.start, plan.end);
    let court_from = legal
        .iter()
        .find(|(_, ls)| matches!(ls, LegalStatus::C1 | LegalStatus::C2 | LegalStatus::E1))
        .map(|(from, _)| *from);
    let on_order_from = |day: Day| court_from.is_some_and(|from| day > from);

    // Where the general run of moves stops, and what comes after it.
    let mut tail: Option<(Day, Kind)> = None;
    if let Some(adoption) = plan.adoption
        && adoption.reversed.is_none()
        && adoption.placed < end
    {
        tail = Some((
            adoption.placed,
            Kind::Adoptive {
                with_foster_carers: adoption.with_foster_carers,
                consent: adoption.consent,
            },
        ));
    } else if plan.exit == Exit::ReturnHome
        && end - start >= 90
        && random.chance(PLACED_WITH_PARENTS_BEFORE_RETURN_SHARE)
    {
        let at = end - random.int(30, ((end - start) / 2).min(300));
        if on_order_from(at) && legal_at(legal, at) != LegalStatus::V2 {
            tail = Some((at, Kind::WithParents));
        }
    }
    let run_end = tail.map_or(end, |(at, _)| at);

    // Fostering for adoption: one foster placement that becomes the adoptive one.
    let fostering_for_adoption = plan.adoption.is_some_and(|a| a.with_foster_carers)
        && random.chance(FOSTERING_FOR_ADOPTION_SHARE / ADOPTED_BY_FOSTER_CARERS_SHARE.max(0.1));

    let first_kind = if fostering_for_adoption {
        Kind::Foster {
            kin: random.chance(0.1),
            term: Term::ForAdoption,
        }
    } else {
        choose_kind(random, child, plan, start, true)
    };
    let mut stays = vec![stay(
        random,
        child,
        start,
        first_kind,
        false,
        ReasonPlaceChange::Carpl,
    )];

    // Forced events: a young child's years in a children's home; a long-term match; the
    // move to supported accommodation at 16-17; a long spell placed with parents.
    let mut young_home = plan.young_in_childrens_home.then(|| {
        let from = start + random.int(14, 180);
        (
            from,
            from + random.range(YOUNG_CHILD_IN_CHILDRENS_HOME_DAYS),
        )
    });
    let mut match_day =
        (plan.route == Route::LongTerm).then(|| start + random.range(LONG_TERM_MATCH_DAYS));
    let sixteen = birthday(child.dob, 16) + random.int(0, 400);
    let mut move_at_sixteen = sixteen > start && plan.route == Route::LongTerm;
    let mut home_on_order =
        plan.route == Route::LongTerm && random.chance(PLACED_WITH_PARENTS_LONG_TERM_SHARE);

    let mut t = start;
    loop {
        let current = stays.last().expect("a stay").clone();
        let mut next = if fostering_for_adoption {
            run_end
        } else if stays.len() == 1 && random.chance(EMERGENCY_FIRST_PLACEMENT_SHARE) {
            t + random.int(7, 63)
        } else {
            t + random.exponential_days(child.mean_days_between_moves)
        };
        let mut forced: Option<(Kind, bool, ReasonPlaceChange)> = None;
        if let Some((from, until)) = young_home {
            if current.kind == Kind::ChildrensHome {
                next = until.max(t + 1);
                young_home = None;
                forced = Some((
                    Kind::Foster {
                        kin: false,
                        term: Term::Long,
                    },
                    false,
                    ReasonPlaceChange::Carpl,
                ));
            } else if from <= next {
                next = from.max(t + 1);
                forced = Some((Kind::ChildrensHome, false, ReasonPlaceChange::Carpl));
            }
        }
        if forced.is_none()
            && let Some(day) = match_day
            && day > t
            && day < next
            && matches!(
                current.kind,
                Kind::Foster {
                    term: Term::Short,
                    ..
                }
            )
        {
            let Kind::Foster { kin, .. } = current.kind else {
                unreachable!()
            };
            next = day;
            match_day = None;
            let same = random.chance(LONG_TERM_MATCH_SAME_CARERS_SHARE);
            forced = Some((
                Kind::Foster {
                    kin,
                    term: Term::Long,
                },
                same,
                if same {
                    ReasonPlaceChange::Place
                } else {
                    ReasonPlaceChange::Carpl
                },
            ));
        }
        if forced.is_none()
            && move_at_sixteen
            && sixteen > t
            && sixteen < next
            && match current.kind {
                Kind::ChildrensHome => random.chance(MOVE_TO_SUPPORTED_AT_16_FROM_HOME_SHARE),
                Kind::Foster { .. } => random.chance(MOVE_TO_SUPPORTED_AT_16_FROM_FOSTER_SHARE),
                _ => false,
            }
        {
            next = sixteen;
            move_at_sixteen = false;
            forced = Some((Kind::Supported, false, ReasonPlaceChange::Carpl));
        }
        if next >= run_end - 7 {
            break;
        }
        let (kind, same, reason) = match forced {
            Some(forced) => forced,
            None if home_on_order
                && on_order_from(next)
                && matches!(legal_at(legal, next), LegalStatus::C1 | LegalStatus::C2) =>
            {
                home_on_order = false;
                (Kind::WithParents, false, ReasonPlaceChange::Carpl)
            }
            None => {
                let mut kind = choose_kind(random, child, plan, next, false);
                if current.kind == Kind::WithParents && kind == Kind::WithParents {
                    kind = Kind::Foster {
                        kin: false,
                        term: Term::Short,
                    };
                }
                (kind, false, random.pick(&REASON_PLACE_CHANGE))
            }
        };
        let mut new = moved_stay(random, child, next, kind, reason, &current);
        if same {
            new = same_carers(&current, new, reason);
        }
        stays.push(new);
        t = next;
    }

    // Already placed with parents: that placement simply continues to the end.
    if tail.is_some_and(|(_, kind)| kind == Kind::WithParents)
        && stays.last().is_some_and(|s| s.kind == Kind::WithParents)
    {
        tail = None;
    }
    if let Some((at, kind)) = tail {
        if kind != Kind::WithParents
            && !matches!(stays.last().map(|s| s.kind), Some(Kind::Foster { .. }))
        {
            // An adoptive placement follows foster care (rule 336): a last foster
            // placement before it, or the last placement becomes one.
            let foster = Kind::Foster {
                kin: false,
                term: Term::Short,
            };
            let last = stays.last().expect("a stay");
            if at - last.start > 30 {
                let from = at - ((at - last.start) / 2).min(120);
                let new = stay(random, child, from, foster, false, ReasonPlaceChange::Carpl);
                stays.push(new);
            } else {
                let (start, reason) = (last.start, last.reason);
                let new = stay(random, child, start, foster, false, reason);
                *stays.last_mut().expect("a stay") = new;
            }
        }
        let previous = stays.last().expect("a stay").clone();
        let mut new = stay(random, child, at, kind, false, ReasonPlaceChange::Carpl);
        if let Kind::Adoptive {
            with_foster_carers: true,
            ..
        } = kind
        {
            // Placed for adoption with the current foster carers (A3/A5): same carers.
            let provider = new.provider;
            let urn = new.urn.clone();
            new = same_carers(&previous, new, ReasonPlaceChange::Carpl);
            new.provider = provider;
            new.urn = urn;
        }
        stays.push(new);
    }
    stays
}

/// Occasionally a foster placement is interrupted by a temporary one (hospital, carers'
/// holiday, respite of a few days), after which the child returns to the same carers.
fn add_temporary_placements(
    random: &mut Random,
    child: &ChildContext<'_>,
    stays: &mut Vec<Stay>,
    end: Day,
) {
    let mut i = 0;
    while i < stays.len() {
        let stay_end = stays.get(i + 1).map_or(end, |s| s.start);
        let length = stay_end - stays[i].start;
        let eligible = matches!(stays[i].kind, Kind::Foster { .. }) && length >= 90;
        if eligible && random.chance(TEMPORARY_PLACEMENT_SHARE) {
            const TEMPORARY: [(Placement, (i32, i32)); 5] = [
                (Placement::T3, (3, 21)),
                (Placement::T1, (2, 30)),
                (Placement::T4, (2, 7)),
                (Placement::T2, (3, 14)),
                (Placement::T0, (1, 7)),
            ];
            let (place, days) = TEMPORARY[random.index(&[0.4, 0.2, 0.25, 0.1, 0.05])];
            let days = random.range(days);
            let from = stays[i].start + random.int(30, length - 30 - days);
            let temporary = self::stay(
                random,
                child,
                from,
                Kind::Temporary(place),
                false,
                ReasonPlaceChange::Other,
            );
            let mut back = stays[i].clone();
            back.start = from + days;
            back.same_carers = false;
            back.reason = ReasonPlaceChange::Other;
            stays.insert(i + 1, temporary);
            stays.insert(i + 2, back);
            i += 3;
        } else {
            i += 1;
        }
    }
}

/// Sets each stay's PLACE code from the years the episode appears in, splitting
/// supported accommodation where the code lists changed under it: unregistered H5
/// becomes registered (with a URN) by 29 October 2023, and H5 becomes K3 during
/// 2024/25 (H5 is not valid from 2025/26, K3 not before 2024/25). Other placements are
/// Z1 until 2024/25 and Z11-Z14 from 2025/26; a Z placement across that change (which
/// no single code can describe) is recorded as supported accommodation or a home.
fn resolve_codes(random: &mut Random, child: &ChildContext<'_>, stays: &mut Vec<Stay>, end: Day) {
    let mut i = 0;
    while i < stays.len() {
        let stay_end = stays.get(i + 1).map_or(end, |s| s.start);
        let first_year = year_of(stays[i].start);
        let last_year = year_of(stay_end);
        let kind = stays[i].kind;
        if kind == Kind::OtherPlacement && first_year <= 2025 && last_year >= 2026 {
            let replacement = if age_on(child.dob, stays[i].start) >= 16 {
                Kind::Supported
            } else {
                Kind::ChildrensHome
            };
            let (start, reason) = (stays[i].start, stays[i].reason);
            stays[i] = match i.checked_sub(1) {
                Some(before) => {
                    let before = stays[before].clone();
                    moved_stay(random, child, start, replacement, reason, &before)
                }
                None => stay(random, child, start, replacement, false, reason),
            };
            continue;
        }
        let place = match kind {
            Kind::Supported => {
                let registration = supported_registration();
                if first_year <= 2023 && stay_end >= registration {
                    // Registration: split within 2023/24, before 29 October.
                    let lo = (stays[i].start + 1).max(days_from_civil(2023, 4, 1));
                    let hi = (stay_end - 1).min(registration - 1);
                    let at = random.int(lo, hi);
                    let mut registered = stays[i].clone();
                    registered.start = at;
                    registered.same_carers = true;
                    registered.reason = ReasonPlaceChange::Place;
                    stays.insert(i + 1, registered);
                    continue;
                }
                if first_year <= 2024 && last_year >= 2026 {
                    // H5 to K3 during 2024/25.
                    let lo = (stays[i].start + 1).max(days_from_civil(2024, 4, 1));
                    let hi = (stay_end - 1).min(days_from_civil(2025, 3, 31));
                    let at = random.int(lo, hi);
                    let mut k3 = stays[i].clone();
                    k3.start = at;
                    k3.same_carers = true;
                    k3.reason = ReasonPlaceChange::Place;
                    stays.insert(i + 1, k3);
                    continue;
                }
                if first_year >= 2025 {
                    Placement::K3
                } else {
                    if stay_end < registration {
                        stays[i].urn = None;
                    }
                    Placement::H5
                }
            }
            Kind::OtherPlacement => {
                if first_year >= 2026 {
                    *random.one_of(&[
                        Placement::Z11,
                        Placement::Z12,
                        Placement::Z13,
                        Placement::Z14,
                    ])
                } else {
                    Placement::Z1
                }
            }
            Kind::Foster { kin, term } => match (kin, term) {
                (true, Term::Long) => Placement::U1,
                (true, Term::ForAdoption) => Placement::U2,
                (true, Term::Short) => Placement::U3,
                (false, Term::Long) => Placement::U4,
                (false, Term::ForAdoption) => Placement::U5,
                (false, Term::Short) => Placement::U6,
            },
            Kind::Adoptive {
                with_foster_carers,
                consent,
            } => match (consent, with_foster_carers) {
                (true, true) => Placement::A3,
                (true, false) => Placement::A4,
                (false, true) => Placement::A5,
                (false, false) => Placement::A6,
            },
            Kind::ChildrensHome => Placement::K2,
            Kind::SecureHome => Placement::K1,
            Kind::WithParents => Placement::P1,
            Kind::MotherAndBaby => Placement::R3,
            Kind::ResidentialSchool => Placement::S1,
            Kind::ResidentialCare => Placement::R1,
            Kind::Hospital => Placement::R2,
            Kind::Temporary(place) => place,
        };
        stays[i].place = Some(place);
        i += 1;
    }
}

// ----- Episodes -------------------------------------------------------------------

/// The episodes of the period: one per run of days with the same legal status and
/// placement.
fn episodes(
    random: &mut Random,
    child: &ChildContext<'_>,
    plan: &PeriodPlan,
    legal: &[(Day, LegalStatus)],
    stays: &[Stay],
) -> Vec<EpisodeDraft> {
    let mut starts: Vec<Day> = legal
        .iter()
        .map(|(from, _)| *from)
        .chain(stays.iter().map(|s| s.start))
        .filter(|&day| day < plan.end)
        .collect();
    starts.sort_unstable();
    starts.dedup();

    let mut episodes: Vec<EpisodeDraft> = Vec::with_capacity(starts.len());
    let mut stay_index = 0;
    let mut previous: Option<(usize, LegalStatus)> = None;
    for (i, &decom) in starts.iter().enumerate() {
        while stay_index + 1 < stays.len() && stays[stay_index + 1].start <= decom {
            stay_index += 1;
        }
        let stay = &stays[stay_index];
        let ls = legal_at(legal, decom);
        let dec = starts.get(i + 1).copied().unwrap_or(plan.end);
        let rne = match previous {
            None => ReasonNewEpisode::S,
            Some((previous_stay, previous_ls)) => {
                let new_placement = previous_stay != stay_index;
                let new_status = previous_ls != ls;
                match (new_placement, new_status, stay.same_carers) {
                    (false, _, _) => ReasonNewEpisode::L,
                    (true, false, false) => ReasonNewEpisode::P,
                    (true, false, true) => ReasonNewEpisode::T,
                    (true, true, false) => ReasonNewEpisode::B,
                    (true, true, true) => ReasonNewEpisode::U,
                }
            }
        };
        // The reason a placement ended goes on its last episode when a new placement
        // follows, except around temporary placements (rules 225, 226).
        if let Some(last) = episodes.last_mut()
            && rne != ReasonNewEpisode::L
        {
            let before = &stays[previous.expect("a previous episode").0];
            if !before.kind.is_temporary() && !stay.kind.is_temporary() {
                last.reason_place_change = Some(stay.reason);
            }
        }
        episodes.push(EpisodeDraft {
            decom,
            dec,
            rne,
            ls,
            place: stay.place.expect("codes resolved"),
            provider: stay.provider,
            rec: ReasonEpisodeCeased::X1,
            reason_place_change: None,
            pl_post: stay.postcode.clone(),
            urn: stay.urn.clone(),
        });
        previous = Some((stay_index, ls));
    }
    let last = episodes.last_mut().expect("a period has an episode");
    last.rec = exit_reason(random, child, plan, last.place);
    episodes
}

/// The REC code ending the period.
fn exit_reason(
    random: &mut Random,
    child: &ChildContext<'_>,
    plan: &PeriodPlan,
    place: Placement,
) -> ReasonEpisodeCeased {
    use ReasonEpisodeCeased::*;
    let foster = place.group() == PlacementGroup::FosterCare;
    let kin = matches!(place, Placement::U1 | Placement::U2 | Placement::U3);
    let reason = match plan.exit {
        Exit::ReturnHome => random.pick(&[(E4A, 0.68), (E4B, 0.20), (E13, 0.12)]),
        Exit::SpecialGuardianship => {
            if kin {
                random.pick(&[(E45, 0.85), (E47, 0.15)])
            } else if foster {
                random.pick(&[(E46, 0.45), (E47, 0.40), (E48, 0.15)])
            } else {
                random.pick(&[(E47, 0.8), (E48, 0.2)])
            }
        }
        Exit::ChildArrangements => E41,
        Exit::Adopted => {
            if random.chance(ADOPTION_CONSENT_DISPENSED_SHARE) {
                E12
            } else {
                E11
            }
        }
        Exit::AtEighteen => {
            if foster && random.chance(STAYING_PUT_SHARE) {
                E17
            } else if child.cin == CategoryOfNeed::N2 && random.chance(0.5) {
                E7
            } else {
                random.pick(&[(E5, 0.65), (E6, 0.15), (E8, 0.20)])
            }
        }
        Exit::Independence => random.pick(&[(E5, 0.75), (E6, 0.25)]),
        Exit::Transfer => E3,
        Exit::OtherReason => E8,
        Exit::Abroad => E16,
        Exit::Custody => E9,
        Exit::RemandEnded => E14,
        Exit::AgeAssessedAdult => E15,
    };
    // Special guardianship codes before 2018/19 were E43 (former foster carers) and E44.
    if year_of(plan.end) <= 2018 {
        match reason {
            E45 | E46 => return E43,
            E47 | E48 => return E44,
            _ => {}
        }
    }
    reason
}

// ----- Reviews and missing ----------------------------------------------------------

/// Looked-after reviews: the first within 20 working days, the second within 3 months,
/// then every 6 months, with some late (the inspection's finding).
fn reviews(random: &mut Random, dob: Day, start: Day, end: Day) -> Vec<(Day, ReviewCode)> {
    let mut reviews = Vec::new();
    let mut day = if random.chance(FIRST_REVIEW_LATE_SHARE) {
        start + random.range(FIRST_REVIEW_LATE_DAYS)
    } else {
        start + random.range(FIRST_REVIEW_DAYS)
    };
    let mut number = 1;
    while day < end {
        let code = if age_on(dob, day) < 4 {
            ReviewCode::Pn0
        } else {
            random.pick(&REVIEW_PARTICIPATION)
        };
        reviews.push((day, code));
        let (months, late_share) = if number == 1 {
            (3, SECOND_REVIEW_LATE_SHARE)
        } else {
            (6, LATER_REVIEW_LATE_SHARE)
        };
        let due = crate::calendar::from_date(permanence_domain::date::add_months(
            crate::calendar::to_date(day),
            months,
        ));
        day = if random.chance(late_share) {
            due + random.range(REVIEW_LATE_BY_DAYS)
        } else {
            due - random.int(0, if months == 3 { 40 } else { 60 })
        };
        number += 1;
    }
    reviews
}

/// Missing and away incidents of adolescents, each within one placement and ended
/// before the placement ends (rules 574, 575, 577).
fn missing(
    random: &mut Random,
    child: &ChildContext<'_>,
    stays: &[Stay],
    end: Day,
) -> Vec<MissingDraft> {
    let mut incidents = Vec::new();
    let eleven = birthday(child.dob, 11);
    let start = stays[0].start.max(eleven);
    if start >= end {
        return incidents;
    }
    let age = age_on(child.dob, start);
    let in_home = stays
        .iter()
        .any(|s| matches!(s.kind, Kind::ChildrensHome | Kind::Supported));
    let share = if age >= 14 {
        MISSING_SHARE_14_PLUS
    } else {
        MISSING_SHARE_11_TO_13
    } + if in_home {
        MISSING_SHARE_CHILDRENS_HOME_BONUS
    } else {
        0.0
    };
    if !random.chance(share) {
        return incidents;
    }
    let mean_gap = 365.0 / MISSING_EPISODES_PER_YEAR;
    let mut day = start + random.exponential_days(mean_gap);
    let mut stay_index = 0;
    while day < end {
        while stay_index + 1 < stays.len() && stays[stay_index + 1].start <= day {
            stay_index += 1;
        }
        let stay_end = stays.get(stay_index + 1).map_or(end, |s| s.start);
        let length = if random.chance(0.7) {
            random.int(0, 2)
        } else {
            random.int(3, 14)
        };
        let finish = day + length;
        if finish < stay_end && !stays[stay_index].kind.is_temporary() {
            incidents.push(MissingDraft {
                away: random.chance(AWAY_SHARE),
                start: day,
                end: finish,
            });
        }
        day = finish + 1 + random.exponential_days(mean_gap);
    }
    incidents
}
