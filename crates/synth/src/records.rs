//! Turning a child's outline and the details of each period into the child's full 903
//! record: header, episodes, reviews, missing, OC2, OC3, AD1, placed for adoption,
//! previous permanence, social-worker episodes and deprivation-of-liberty orders, all
//! as the returns up to 31 March of the last year show them (nothing later is known).

use permanence_domain::codes::*;
use permanence_domain::record::*;
use permanence_domain::{ChildRecord, CollectionYear};

use crate::calendar::{
    Day, age_on, birthday, days_from_civil, dmy, to_date, year_end, year_of, year_start,
};
use crate::care::{ChildContext, PeriodDetail, detail};
use crate::places::{OTHER_LA_CODES, OWN_LA_CODE, Register, home_postcode, upn};
use crate::random::Random;
use crate::rates::*;
use crate::sketch::{Exit, Sketch};

/// The collection years being generated.
pub(crate) struct Window {
    pub(crate) first_year: i16,
    pub(crate) last_year: i16,
    /// 31 March of the last year, or the day of a part-year extract: nothing later is
    /// known.
    pub(crate) horizon: Day,
    /// How many social workers the borough has (the pool of SW_IDs).
    pub(crate) social_workers: i32,
}

/// A date as the returns show it: `None` while still in the future.
fn known(window: &Window, day: Day) -> Option<Day> {
    (day <= window.horizon).then_some(day)
}

/// Builds child number `index`'s record.
pub(crate) fn build(
    random: &mut Random,
    index: usize,
    sketch: &Sketch,
    register: &Register,
    window: &Window,
) -> ChildRecord {
    let dob = sketch.dob;
    let horizon = window.horizon;
    let sex = if sketch.male { Sex::Male } else { Sex::Female };
    let ethnic = if sketch.uasc {
        random.pick(&UASC_ETHNICITY)
    } else {
        random.pick(&ETHNICITY)
    };
    let mut cin = if sketch.uasc {
        CategoryOfNeed::N8
    } else {
        random.pick(&CATEGORY_OF_NEED)
    };
    let mut home = home_postcode(random);
    let mean_days_between_moves = random.pick(&STABILITY.map(|(w, mean)| (mean, w)));

    let mut episodes = Vec::new();
    let mut reviews = Vec::new();
    let mut missing = Vec::new();
    let mut placed_for_adoption = Vec::new();
    let mut adoptions = Vec::new();
    let mut previous_permanence = Vec::new();
    let mut childrens_home_stays = Vec::new();
    let mut in_care: Vec<(Day, Day)> = Vec::new();
    for (number, plan) in sketch.periods.iter().enumerate() {
        if number > 0 {
            // A later period: often the same home and need, sometimes not.
            if !sketch.uasc && random.chance(0.3) {
                cin = random.pick(&CATEGORY_OF_NEED);
            }
            if random.chance(0.2) {
                home = home_postcode(random);
            }
        }
        let context = ChildContext {
            dob,
            uasc: sketch.uasc,
            cin,
            home_postcode: &home,
            mean_days_between_moves,
            register,
        };
        let PeriodDetail {
            episodes: drafts,
            reviews: period_reviews,
            missing: period_missing,
            childrens_home_stays: homes,
        } = detail(random, &context, plan);
        if plan.start > horizon {
            break;
        }
        in_care.push((plan.start, plan.end));
        childrens_home_stays.extend(homes);

        for draft in drafts.into_iter().filter(|e| e.decom <= horizon) {
            let dec = known(window, draft.dec);
            episodes.push(Episode {
                decom: to_date(draft.decom),
                rne: draft.rne,
                ls: draft.ls,
                cin,
                place: draft.place,
                place_provider: draft.provider,
                dec: dec.map(to_date),
                rec: dec.map(|_| draft.rec),
                reason_place_change: draft.reason_place_change.filter(|_| dec.is_some()),
                home_post: Some(home.clone()),
                pl_post: draft.pl_post,
                urn: draft.urn,
                year: CollectionYear(dec.map_or(window.last_year, year_of).min(window.last_year)),
            });
        }
        reviews.extend(
            period_reviews
                .into_iter()
                .filter(|(day, _)| *day <= horizon)
                .map(|(day, code)| Review {
                    review: to_date(day),
                    review_code: Some(code),
                }),
        );
        missing.extend(
            period_missing
                .into_iter()
                .filter(|m| m.start <= horizon)
                .map(|m| MissingEpisode {
                    missing: if m.away {
                        MissingType::Away
                    } else {
                        MissingType::Missing
                    },
                    mis_start: to_date(m.start),
                    mis_end: known(window, m.end).map(to_date),
                }),
        );

        // Previous permanence, asked of every child starting a period of care (one row
        // a year, for the first period starting in it).
        let prev_year = CollectionYear(year_of(plan.start));
        let first_in_year = previous_permanence
            .last()
            .is_none_or(|row: &PrevPerm| row.year != prev_year);
        let prev = match plan.after_sgo_breakdown {
            Some(order) => PrevPerm {
                year: CollectionYear(year_of(plan.start)),
                prev_perm: Some(PreviousPermanence::P2),
                la_perm: Some(OWN_LA_CODE.to_string()),
                date_perm: Some(dmy(order)),
            },
            None => {
                let mut prev_perm = random.pick(&PREVIOUS_PERMANENCE);
                // An earlier adoption or order elsewhere: not for babies.
                if plan.start - dob < 730 && prev_perm != Some(PreviousPermanence::Z1) {
                    prev_perm = Some(PreviousPermanence::Z1);
                }
                let arranged = matches!(
                    prev_perm,
                    Some(PreviousPermanence::P1 | PreviousPermanence::P2 | PreviousPermanence::P3)
                );
                let (la_perm, date_perm) = if arranged {
                    let order = random.int(dob + 180, plan.start - 60);
                    // Sometimes only the month and year, or the year, is known (ZZ); only
                    // when the order is known to predate the period even so (rule 632).
                    let date = dmy(order);
                    let (y, m, _) = crate::calendar::civil_from_days(order);
                    let (start_y, start_m, _) = crate::calendar::civil_from_days(plan.start);
                    let date = match random.index(&[0.8, 0.15, 0.05]) {
                        1 if (y, m) < (start_y, start_m) => format!("ZZ{}", &date[2..]),
                        2 if y < start_y => format!("ZZ/ZZ{}", &date[5..]),
                        _ => date,
                    };
                    (
                        Some((*random.one_of(&OTHER_LA_CODES)).to_string()),
                        Some(date),
                    )
                } else {
                    (None, None)
                };
                PrevPerm {
                    year: CollectionYear(year_of(plan.start)),
                    prev_perm,
                    la_perm,
                    date_perm,
                }
            }
        };
        if first_in_year {
            previous_permanence.push(prev);
        }

        // Adoption decisions and milestones.
        if let Some(adoption) = plan.adoption
            && adoption.decision <= horizon
        {
            let ceased = adoption
                .reversed
                .and_then(|(at, reason)| known(window, at).map(|at| (at, reason)));
            placed_for_adoption.push(PlacedForAdoption {
                date_placed: to_date(adoption.decision),
                date_placed_ceased: ceased.map(|(at, _)| to_date(at)),
                reason_placed_ceased: ceased.map(|(_, reason)| reason),
            });
            if plan.exit == Exit::Adopted && plan.end <= horizon {
                let couple = random.chance(ADOPTED_BY_COUPLE_SHARE);
                let (sex_adoptr, ls_adoptr) = if !couple {
                    let sex = if random.chance(0.9) {
                        SexOfAdopters::F1
                    } else {
                        SexOfAdopters::M1
                    };
                    (sex, LegalStatusOfAdopters::L0)
                } else if random.chance(SAME_SEX_COUPLE_SHARE) {
                    let sex = if random.chance(0.5) {
                        SexOfAdopters::Ff
                    } else {
                        SexOfAdopters::Mm
                    };
                    let status = random.pick(&[
                        (LegalStatusOfAdopters::L12, 0.4),
                        (LegalStatusOfAdopters::L2, 0.3),
                        (LegalStatusOfAdopters::L4, 0.3),
                    ]);
                    (sex, status)
                } else if random.chance(MARRIED_SHARE) {
                    (SexOfAdopters::Mf, LegalStatusOfAdopters::L11)
                } else {
                    (SexOfAdopters::Mf, LegalStatusOfAdopters::L3)
                };
                adoptions.push(Ad1 {
                    year: CollectionYear(year_of(plan.end)),
                    date_int: Some(to_date(adoption.decision)),
                    date_match: Some(to_date(adoption.matched)),
                    foster_care: Some(adoption.with_foster_carers),
                    nb_adoptr: Some(if couple { 2 } else { 1 }),
                    sex_adoptr: Some(sex_adoptr),
                    ls_adoptr: Some(ls_adoptr),
                });
            }
        }
    }

    let outcomes = oc2_rows(random, dob, &in_care, window);
    let last_exit = sketch.periods.last().map(|p| p.exit);
    let care_leaver_outcomes = sketch
        .care_leaver_birthdays
        .iter()
        .filter(|&&b| b <= horizon)
        .enumerate()
        .map(|(i, &b)| oc3_row(random, dob, b, i, last_exit, &episodes))
        .collect();

    // The last return holding the child decides the UPN code for the unknown ones.
    let last_appearance = in_care
        .iter()
        .map(|&(_, end)| year_of(end.min(horizon)))
        .chain(
            sketch
                .care_leaver_birthdays
                .iter()
                .filter(|&&b| b <= horizon)
                .map(|&b| year_of(b)),
        )
        .max()
        .unwrap_or(window.last_year);
    let school_age_cutoff = days_from_civil(i32::from(last_appearance) - 2, 8, 31);
    let upn = if birthday(dob, 4) > school_age_cutoff {
        "UN1".to_string()
    } else if sketch.uasc && random.chance(UASC_UN2_SHARE) {
        "UN2".to_string()
    } else if random.chance(UNKNOWN_UPN_SHARE) {
        (*random.one_of(&["UN3", "UN5"])).to_string()
    } else {
        let reception = crate::calendar::civil_from_days(birthday(dob, 5)).0;
        upn(index, reception)
    };

    // Motherhood, for girls: a first child born while looked after at 15 or over.
    let (mother, mc_dob) = if sketch.male {
        (None, None)
    } else {
        let fifteen = birthday(dob, 15);
        let spell = in_care
            .iter()
            .map(|&(start, end)| (start.max(fifteen), end.min(horizon)))
            .find(|(from, to)| to - from >= 60);
        match spell {
            Some((from, to)) if random.chance(MOTHER_SHARE) => {
                (Some(true), Some(to_date(random.int(from + 30, to - 1))))
            }
            _ => (Some(false), None),
        }
    };

    let social_worker_episodes = social_workers(random, &in_care, window);
    let deprivation_of_liberty = deprivations(random, &childrens_home_stays, window);

    ChildRecord {
        child: format!("C{:07}", index + 1),
        header: Header {
            sex,
            dob: to_date(dob),
            ethnic,
            upn: Some(upn),
            mother,
            mc_dob,
        },
        uasc_until: sketch.uasc.then(|| to_date(birthday(dob, 18))),
        episodes,
        reviews,
        missing,
        outcomes,
        care_leaver_outcomes,
        adoptions,
        placed_for_adoption,
        previous_permanence,
        social_worker_episodes,
        deprivation_of_liberty,
    }
}

/// OC2 rows: one for each year at whose 31 March the child had been looked after
/// continuously since 1 April (the validator's definition, rules 190/191).
fn oc2_rows(random: &mut Random, dob: Day, in_care: &[(Day, Day)], window: &Window) -> Vec<Oc2> {
    let mut rows = Vec::new();
    for year in window.first_year..=window.last_year {
        let (start, end) = (year_start(year), year_end(year));
        if end > window.horizon {
            // A part-year extract: the year's OC2 is not known yet.
            break;
        }
        if !in_care.iter().any(|&(from, to)| from <= start && to >= end) {
            continue;
        }
        let age_at_end = age_on(dob, end);
        // An SDQ is for children aged 4 to 16: none for those under 4 at 31 March or
        // 17 before 1 April (rules 188, 189, 197B).
        let (sdq_score, sdq_reason) = if birthday(dob, 4) > end || birthday(dob, 17) < start {
            (None, None)
        } else if random.chance(SDQ_COMPLETED_SHARE) {
            let score = (14.0 + 7.0 * random.normal()).round().clamp(0.0, 40.0) as u8;
            (Some(score), None)
        } else {
            let reason = random.pick(&[
                (SdqReason::Sdq2, 0.2),
                (SdqReason::Sdq3, 0.2),
                (SdqReason::Sdq4, 0.45),
                (SdqReason::Sdq5, 0.15),
            ]);
            (None, Some(reason))
        };
        let substance_misuse = age_at_end >= 12 && random.chance(SUBSTANCE_MISUSE_SHARE_12_PLUS);
        let (received, offered) = if substance_misuse {
            if random.chance(0.6) {
                (Some(true), None)
            } else {
                (Some(false), Some(random.chance(0.5)))
            }
        } else {
            (None, None)
        };
        rows.push(Oc2 {
            year: CollectionYear(year),
            sdq_score,
            sdq_reason,
            convicted: (age_at_end >= 10).then(|| random.chance(CONVICTED_SHARE)),
            health_check: (age_at_end < 5).then(|| random.chance(HEALTH_CHECK_SHARE)),
            immunisations: Some(random.chance(IMMUNISATIONS_SHARE)),
            teeth_check: Some(random.chance(TEETH_CHECK_SHARE)),
            health_assessment: Some(random.chance(HEALTH_ASSESSMENT_SHARE)),
            substance_misuse: Some(substance_misuse),
            intervention_received: received,
            intervention_offered: offered,
        });
    }
    rows
}

/// An OC3 row for the care leaver's birthday `day` (`nth` of their OC3 birthdays).
fn oc3_row(
    random: &mut Random,
    dob: Day,
    day: Day,
    nth: usize,
    last_exit: Option<Exit>,
    episodes: &[Episode],
) -> Oc3 {
    let year = year_of(day);
    let age = age_on(dob, day);
    let returned_home = last_exit == Some(Exit::ReturnHome);
    let stayed_put = episodes.last().and_then(|e| e.rec) == Some(ReasonEpisodeCeased::E17);
    let in_touch = if returned_home && random.chance(0.4) {
        InTouch::Rhom
    } else {
        random.pick(&IN_TOUCH)
    };
    if in_touch != InTouch::Yes {
        return Oc3 {
            year: CollectionYear(year),
            in_touch: Some(in_touch),
            activ: Some(Activity::NotKnown),
            accom: Some(Accommodation::NotKnown),
        };
    }
    let mut activ = random.pick(&ACTIVITY);
    if year <= 2021 {
        // Before 2021/22, training or employment was F3/P3.
        activ = match activ {
            Activity::F4 | Activity::F5 => Activity::F3,
            Activity::P4 | Activity::P5 => Activity::P3,
            other => other,
        };
    }
    let still_with_carers =
        stayed_put && age >= 19 && random.chance(STAYING_PUT_STILL_AT[(nth).min(2)]);
    let accom = if still_with_carers {
        Accommodation::Z1
    } else {
        let mut accom = random.pick(&ACCOMMODATION);
        // Not with former foster carers at 17 (3001); no foyer under 18 (347).
        let allowed = |accom: Accommodation| match accom {
            Accommodation::T1 | Accommodation::T2 => age >= 18,
            Accommodation::Z1 | Accommodation::Z2 => age >= 18 && stayed_put,
            _ => true,
        };
        while !allowed(accom) {
            accom = random.pick(&ACCOMMODATION);
        }
        accom
    };
    Oc3 {
        year: CollectionYear(year),
        in_touch: Some(in_touch),
        activ: Some(activ),
        accom: Some(accom),
    }
}

/// Social-worker episodes from 2022/23 (the first SWEpisodes return, 2023/24, may
/// reach back a year): a chain of allocated workers, one open at any time, covering
/// every collection year in which the child is looked after. The first worker's reason
/// is first contact (FCONTA), later ones the reason for the change.
fn social_workers(
    random: &mut Random,
    in_care: &[(Day, Day)],
    window: &Window,
) -> Vec<SocialWorkerEpisode> {
    let recorded_from = year_start(SOCIAL_WORKER_RECORDED_FROM_YEAR);
    if window.last_year < SOCIAL_WORKER_RECORDED_FROM_YEAR + 1 {
        return Vec::new();
    }
    // The collection years in which the child is looked after, as day spans.
    let spans: Vec<(Day, Day)> = in_care
        .iter()
        .filter(|&&(_, end)| end >= recorded_from)
        .map(|&(start, end)| {
            (
                year_start(year_of(start)),
                year_end(year_of(end.min(window.horizon))),
            )
        })
        .collect();
    let Some(&(first_start, _)) = in_care.iter().find(|&&(_, end)| end >= recorded_from) else {
        return Vec::new();
    };
    // A worker is allocated (first contact) when the child comes into care. Workers
    // change only while the child is looked after: after care ends the last one stays
    // (open) until the child comes back, when the next change happens.
    let mut from = first_start.max(recorded_from - random.int(0, 700));
    let mut reason = if from == first_start {
        SocialWorkerChangeReason::Fconta
    } else {
        random.pick(&SOCIAL_WORKER_CHANGE_REASONS)
    };
    let mut episodes = Vec::new();
    while from <= window.horizon {
        let mut to = Some(from + random.range(SOCIAL_WORKER_DAYS));
        if let Some(change) = to
            && !in_care.iter().any(|&(a, b)| a <= change && change < b)
        {
            to = in_care.iter().map(|&(a, _)| a).find(|&a| a > change);
        }
        let id = random.int(1, window.social_workers);
        let last = to.unwrap_or(Day::MAX);
        if spans.iter().any(|&(a, b)| from <= b && last >= a) {
            episodes.push(SocialWorkerEpisode {
                sw_id: format!("SW{id:04}"),
                sw_decom: to_date(from),
                sw_dec: to.and_then(|to| known(window, to)).map(to_date),
                sw_reason: Some(reason),
            });
        }
        let Some(to) = to else { break };
        from = to;
        reason = random.pick(&SOCIAL_WORKER_CHANGE_REASONS);
    }
    episodes
}

/// Deprivation-of-liberty orders (collected from 2026/27) for some children aged 10+
/// in children's homes.
fn deprivations(
    random: &mut Random,
    stays: &[(Day, Day)],
    window: &Window,
) -> Vec<DeprivationOfLiberty> {
    let collected_from = year_start(2027);
    let mut orders = Vec::new();
    if window.last_year < 2027 {
        return orders;
    }
    for &(start, end) in stays {
        if end < collected_from || start > window.horizon {
            continue;
        }
        if random.chance(DEPRIVATION_OF_LIBERTY_SHARE) {
            let from = start.max(collected_from) + random.int(0, 60);
            if from < end && from <= window.horizon {
                orders.push(DeprivationOfLiberty {
                    dolo_start: to_date(from),
                    dolo_end: known(window, end).map(to_date),
                });
            }
        }
    }
    orders
}
