//! One child's SSDA903 records, merged across collection years: the rows of every table
//! with codes parsed and dates as dates. Field names follow the 903 column names.

use crate::codes::*;
use crate::{CollectionYear, Date};

/// The 903 `CHILD` identifier (the council's own id, up to 10 characters).
pub type ChildId = String;

/// Everything the 903 return says about one child.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChildRecord {
    /// CHILD.
    pub child: ChildId,
    /// The Header row from the latest return that holds the child.
    pub header: Header,
    /// DUC: the date unaccompanied-asylum-seeking status ends (the 18th birthday), if UASC.
    pub uasc_until: Option<Date>,
    /// Episodes of care, in DECOM order.
    pub episodes: Vec<Episode>,
    /// Reviews, in date order.
    pub reviews: Vec<Review>,
    /// Missing or away episodes, in start order.
    pub missing: Vec<MissingEpisode>,
    /// OC2 rows (outcomes for children looked after 12 months), one per year.
    pub outcomes: Vec<Oc2>,
    /// OC3 rows (care-leaver outcomes), one per year.
    pub care_leaver_outcomes: Vec<Oc3>,
    /// AD1 rows (adoption milestones), one per year.
    pub adoptions: Vec<Ad1>,
    /// Placed-for-adoption decisions, in date order.
    pub placed_for_adoption: Vec<PlacedForAdoption>,
    /// Previous permanence rows, one per year the child started a period of care.
    pub previous_permanence: Vec<PrevPerm>,
    /// Social-worker episodes (from 2023/24), in start order.
    pub social_worker_episodes: Vec<SocialWorkerEpisode>,
    /// Deprivation-of-liberty orders (from 2026/27), in start order.
    pub deprivation_of_liberty: Vec<DeprivationOfLiberty>,
}

/// The Header table's row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Header {
    /// SEX.
    pub sex: Sex,
    /// DOB.
    pub dob: Date,
    /// ETHNIC.
    pub ethnic: Ethnicity,
    /// UPN (unique pupil number or UN1 to UN5).
    pub upn: Option<String>,
    /// MOTHER: whether the child is a mother.
    pub mother: Option<bool>,
    /// MC_DOB: date of birth of the mother's first child.
    pub mc_dob: Option<Date>,
}

/// An Episodes row: one stretch of care with one legal status and one placement.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Episode {
    /// DECOM: the day the episode started.
    pub decom: Date,
    /// RNE.
    pub rne: ReasonNewEpisode,
    /// LS.
    pub ls: LegalStatus,
    /// CIN.
    pub cin: CategoryOfNeed,
    /// PLACE.
    pub place: Placement,
    /// PLACE_PROVIDER (blank for temporary placements).
    pub place_provider: Option<PlacementProvider>,
    /// DEC: the day it ended; `None` while open.
    pub dec: Option<Date>,
    /// REC; `None` while open.
    pub rec: Option<ReasonEpisodeCeased>,
    /// REASON_PLACE_CHANGE.
    pub reason_place_change: Option<ReasonPlaceChange>,
    /// HOME_POST: the child's home postcode district.
    pub home_post: Option<String>,
    /// PL_POST: the placement's postcode district.
    pub pl_post: Option<String>,
    /// URN: Ofsted unique reference number of the placement.
    pub urn: Option<String>,
    /// The collection year of the return this row came from.
    pub year: CollectionYear,
}

impl Episode {
    /// Whether the episode covers `date` (DECOM on or before; DEC after, or open).
    /// A child is not looked after on the day an episode ceases.
    pub fn covers(&self, date: Date) -> bool {
        self.decom <= date && self.dec.is_none_or(|dec| dec > date)
    }
}

/// A Reviews row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Review {
    /// REVIEW: the date of the review.
    pub review: Date,
    /// REVIEW_CODE: participation.
    pub review_code: Option<ReviewCode>,
}

/// A Missing row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MissingEpisode {
    /// MISSING.
    pub missing: MissingType,
    /// MIS_START.
    pub mis_start: Date,
    /// MIS_END.
    pub mis_end: Option<Date>,
}

/// An OC2 row: outcomes for a child looked after continuously for 12 months at 31 March.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Oc2 {
    /// The collection year.
    pub year: CollectionYear,
    /// SDQ_SCORE (0 to 40).
    pub sdq_score: Option<u8>,
    /// SDQ_REASON.
    pub sdq_reason: Option<SdqReason>,
    /// CONVICTED.
    pub convicted: Option<bool>,
    /// HEALTH_CHECK.
    pub health_check: Option<bool>,
    /// IMMUNISATIONS.
    pub immunisations: Option<bool>,
    /// TEETH_CHECK.
    pub teeth_check: Option<bool>,
    /// HEALTH_ASSESSMENT.
    pub health_assessment: Option<bool>,
    /// SUBSTANCE_MISUSE.
    pub substance_misuse: Option<bool>,
    /// INTERVENTION_RECEIVED.
    pub intervention_received: Option<bool>,
    /// INTERVENTION_OFFERED.
    pub intervention_offered: Option<bool>,
}

/// An OC3 row: a care leaver's outcomes around a birthday in the year.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Oc3 {
    /// The collection year.
    pub year: CollectionYear,
    /// IN_TOUCH.
    pub in_touch: Option<InTouch>,
    /// ACTIV.
    pub activ: Option<Activity>,
    /// ACCOM.
    pub accom: Option<Accommodation>,
}

/// An AD1 row: adoption milestones for a child adopted in the year.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Ad1 {
    /// The collection year.
    pub year: CollectionYear,
    /// DATE_INT: decision that the child should be placed for adoption.
    pub date_int: Option<Date>,
    /// DATE_MATCH: matched with adopters.
    pub date_match: Option<Date>,
    /// FOSTER_CARE: adopted by the child's foster carers.
    pub foster_care: Option<bool>,
    /// NB_ADOPTR: number of adopters.
    pub nb_adoptr: Option<u8>,
    /// SEX_ADOPTR.
    pub sex_adoptr: Option<SexOfAdopters>,
    /// LS_ADOPTR.
    pub ls_adoptr: Option<LegalStatusOfAdopters>,
}

/// A PlacedAdoption row: decision that the child should be placed for adoption.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlacedForAdoption {
    /// DATE_PLACED: date of the decision.
    pub date_placed: Date,
    /// DATE_PLACED_CEASED: date the decision was reversed.
    pub date_placed_ceased: Option<Date>,
    /// REASON_PLACED_CEASED.
    pub reason_placed_ceased: Option<ReasonPlacedCeased>,
}

/// A PrevPerm row: the child's permanence arrangement before this period of care.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PrevPerm {
    /// The collection year.
    pub year: CollectionYear,
    /// PREV_PERM.
    pub prev_perm: Option<PreviousPermanence>,
    /// LA_PERM: the authority that made the order.
    pub la_perm: Option<String>,
    /// DATE_PERM as written: `dd/mm/yyyy`, with `ZZ` for an unknown day or month.
    pub date_perm: Option<String>,
}

/// A SWEpisodes row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SocialWorkerEpisode {
    /// SW_ID.
    pub sw_id: String,
    /// SW_DECOM.
    pub sw_decom: Date,
    /// SW_DEC.
    pub sw_dec: Option<Date>,
    /// SW_REASON: why this social worker was allocated (FCONTA on the first; the DfE
    /// rules SW10a, SW10b and SW16c read it as the reason the episode started).
    pub sw_reason: Option<SocialWorkerChangeReason>,
}

/// A DoLo row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DeprivationOfLiberty {
    /// DOLO_START.
    pub dolo_start: Date,
    /// DOLO_END.
    pub dolo_end: Option<Date>,
}

impl ChildRecord {
    /// The record as it was known on `date`: what the 903 return could have said that
    /// day. Rows dated after it are dropped; an episode, missing episode, social-worker
    /// episode or order still open that day loses its end (and the reasons recorded with
    /// the end); year rows count once their event has happened (an OC3 row from the
    /// birthday it reports on, an AD1 row from the adoption, an OC2 row from 31 March).
    /// Reports use it so that a period's figures come out the same whenever they are run.
    pub fn known_on(&self, date: Date) -> ChildRecord {
        let open_after = |end: Option<Date>| end.filter(|end| *end <= date);
        let adopted = self.episodes.iter().any(|e| {
            e.dec.is_some_and(|dec| dec <= date)
                && matches!(
                    e.rec,
                    Some(ReasonEpisodeCeased::E11 | ReasonEpisodeCeased::E12)
                )
        });
        ChildRecord {
            child: self.child.clone(),
            header: Header {
                mc_dob: self.header.mc_dob.filter(|d| *d <= date),
                ..self.header.clone()
            },
            uasc_until: self.uasc_until,
            episodes: self
                .episodes
                .iter()
                .filter(|e| e.decom <= date)
                .map(|e| {
                    if e.dec.is_some_and(|dec| dec > date) {
                        Episode {
                            dec: None,
                            rec: None,
                            reason_place_change: None,
                            ..e.clone()
                        }
                    } else {
                        e.clone()
                    }
                })
                .collect(),
            reviews: self
                .reviews
                .iter()
                .filter(|r| r.review <= date)
                .cloned()
                .collect(),
            missing: self
                .missing
                .iter()
                .filter(|m| m.mis_start <= date)
                .map(|m| MissingEpisode {
                    mis_end: open_after(m.mis_end),
                    ..m.clone()
                })
                .collect(),
            outcomes: self
                .outcomes
                .iter()
                .filter(|o| o.year.end() <= date)
                .cloned()
                .collect(),
            care_leaver_outcomes: self
                .care_leaver_outcomes
                .iter()
                .filter(|o| birthday_in(self.header.dob, o.year) <= date)
                .cloned()
                .collect(),
            adoptions: if adopted {
                self.adoptions.clone()
            } else {
                Vec::new()
            },
            placed_for_adoption: self
                .placed_for_adoption
                .iter()
                .filter(|p| p.date_placed <= date)
                .map(|p| {
                    if p.date_placed_ceased.is_some_and(|d| d > date) {
                        PlacedForAdoption {
                            date_placed_ceased: None,
                            reason_placed_ceased: None,
                            ..p.clone()
                        }
                    } else {
                        p.clone()
                    }
                })
                .collect(),
            previous_permanence: self
                .previous_permanence
                .iter()
                .filter(|p| p.year.start() <= date)
                .cloned()
                .collect(),
            social_worker_episodes: self
                .social_worker_episodes
                .iter()
                .filter(|s| s.sw_decom <= date)
                .map(|s| SocialWorkerEpisode {
                    sw_dec: open_after(s.sw_dec),
                    ..s.clone()
                })
                .collect(),
            deprivation_of_liberty: self
                .deprivation_of_liberty
                .iter()
                .filter(|d| d.dolo_start <= date)
                .map(|d| DeprivationOfLiberty {
                    dolo_start: d.dolo_start,
                    dolo_end: open_after(d.dolo_end),
                })
                .collect(),
        }
    }
}

/// The child's birthday within a collection year (1 April to 31 March), the day an OC3
/// row reports on.
pub fn birthday_in(dob: Date, year: CollectionYear) -> Date {
    let age = crate::date::age_on(dob, year.end());
    crate::date::birthday(dob, age)
}
