//! Ofsted's Annex A Lists 8, 9 and 10 as at a date, from the journeys and the tracker's
//! records: a pure function of the borough and the options ([`build_annex_a`]).
//!
//! The look-back window is the six calendar months up to and including the as-of date
//! (`domain::date::add_months(as_of, -6)` to `as_of`). Each child's 903 records and
//! tracker records are first cut to what was known on the as-of date
//! (`ChildRecord::known_on`, `ChildTracker::known_on`), so any past date gives the
//! workbook that could have been produced then. Where Annex A asks for something the
//! system does not hold, the cell is filled as the code list allows (`c) Unknown`) or
//! left blank, and the cover sheet says which and why ([`AnnexA::notes`]).
//!
//! Restricted records (`child_details.csv`, `RESTRICTED_TO`) are included: Annex A is a
//! statutory return to Ofsted that must cover every child, and whoever may produce it
//! sees the whole borough's lists (the cover sheet counts them, without naming them).

use std::collections::{BTreeMap, BTreeSet};

use permanence_domain::codes::{CategoryOfNeed, LegalStatus, MissingType, ReasonEpisodeCeased};
use permanence_domain::date::{add_days, add_months, age_on, birthday, days_between};
use permanence_domain::tracker::{
    ActivityKind, AllocationRole, ChildTracker, Organisation, PanelQuestion,
};
use permanence_domain::{Date, Journey};

use crate::format::{self, LIST_8, LIST_9, LIST_10, List, Value};

/// What the workbook is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexAOptions {
    /// The date the lists are as at (the end of the six-month window).
    pub as_of: Date,
    /// The day the workbook is produced (shown on the cover sheet).
    pub produced_on: Date,
    /// The council's name, for "LA of Placement" when a child is placed in the authority.
    pub council: Option<String>,
    /// The postcode districts (outward codes, e.g. `RM9`) inside the authority, for
    /// "Placement Location". `None`: the districts of the children's home postcodes (see
    /// [`home_districts`]).
    pub districts: Option<Vec<String>>,
}

/// The three lists with what the cover sheet says about them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexA {
    /// The as-of date.
    pub as_of: Date,
    /// The first day of the six-month window.
    pub window_start: Date,
    /// The day it was produced.
    pub produced_on: Date,
    /// Lists 8, 9 and 10, in order.
    pub lists: Vec<ListRows>,
    /// What the cover sheet must say about values the system does not hold, and how the
    /// lists were drawn.
    pub notes: Vec<String>,
    /// How many children on the lists have a restricted record.
    pub restricted: usize,
    /// The postcode districts taken as inside the authority.
    pub districts: Vec<String>,
}

/// One list's rows, each a value per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRows {
    /// The list.
    pub list: &'static List,
    /// The rows, in child id order.
    pub rows: Vec<Vec<Value>>,
}

impl AnnexA {
    /// The rows of list `number`.
    pub fn list(&self, number: u8) -> Option<&ListRows> {
        self.lists.iter().find(|l| l.list.number == number)
    }

    /// The cover sheet: rows of (label, value) in order.
    pub fn cover(&self) -> Vec<(String, Value)> {
        let mut rows: Vec<(String, Value)> = vec![
            (
                "Ofsted inspection of local authority children's services (ILACS): Annex A, Lists 8 to 10".into(),
                Value::Blank,
            ),
            ("Produced by Permanence on".into(), Value::Date(self.produced_on)),
            ("Lists as at".into(), Value::Date(self.as_of)),
            (
                "Six-month window from (events and children in care from this day)".into(),
                Value::Date(self.window_start),
            ),
            ("Six-month window to".into(), Value::Date(self.as_of)),
        ];
        for list in &self.lists {
            rows.push((
                format!(
                    "{}: {} ({} row{})",
                    list.list.sheet,
                    list.list.title,
                    list.rows.len(),
                    if list.rows.len() == 1 { "" } else { "s" }
                ),
                Value::Text(format!("Holds {}.", list.list.holds)),
            ));
        }
        rows.push((
            "Lists 1 to 7: not produced".into(),
            Value::Text(
                "Contacts, early help assessments, referrals, assessments, section 47 enquiries \
                 and child protection conferences, children in need and child protection plans \
                 need children-in-need data, which this system does not hold: produce them \
                 from the case-management system."
                    .into(),
            ),
        ));
        rows.push((
            "List 11 (adopters): not produced".into(),
            Value::Text(
                "This system holds no data about adopters (enquiries, stages 1 and 2, approval): \
                 produce List 11 from the adoption service's or regional adoption agency's records."
                    .into(),
            ),
        ));
        rows.push((
            "Restricted records".into(),
            Value::Text(format!(
                "{} child(ren) on these lists have records restricted to named staff in Permanence. \
                 They are included because Annex A must cover every child; keep this workbook as \
                 securely as the records themselves.",
                self.restricted
            )),
        ));
        for note in &self.notes {
            rows.push(("Note".into(), Value::Text(note.clone())));
        }
        rows
    }
}

/// The postcode districts of the children's home postcodes (HOME_POST) that hold at least
/// 2% of them, sorted: children come into care from their homes in the authority, so
/// these are the authority's own districts when the council has not listed them.
pub fn home_districts(journeys: &[Journey]) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0;
    for journey in journeys {
        let home = journey
            .record
            .episodes
            .iter()
            .rev()
            .find_map(|e| e.home_post.as_deref());
        if let Some(district) = home.and_then(postcode_district) {
            *counts.entry(district).or_default() += 1;
            total += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, count)| count * 50 >= total)
        .map(|(district, _)| district)
        .collect()
}

/// The district (outward code) of a postcode: `RM9 4AB` → `RM9`, `RM94AB` → `RM9`; a
/// district alone is given back. `None` for an empty text.
pub fn postcode_district(postcode: &str) -> Option<String> {
    let compact: String = postcode
        .split_whitespace()
        .collect::<String>()
        .to_uppercase();
    if compact.is_empty() {
        return None;
    }
    if let Some((outward, _)) = postcode.trim().split_once(char::is_whitespace) {
        return Some(outward.to_uppercase());
    }
    // Without a space: the inward code is the last three characters (digit, letter,
    // letter) when there are more than four.
    let bytes = compact.as_bytes();
    let n = bytes.len();
    if n >= 5
        && bytes[n - 3].is_ascii_digit()
        && bytes[n - 2].is_ascii_alphabetic()
        && bytes[n - 1].is_ascii_alphabetic()
    {
        Some(compact[..n - 3].to_string())
    } else {
        Some(compact)
    }
}

/// Builds Lists 8, 9 and 10 as at `options.as_of`.
pub fn build_annex_a(
    journeys: &[Journey],
    trackers: &BTreeMap<String, ChildTracker>,
    organisation: &Organisation,
    options: &AnnexAOptions,
) -> AnnexA {
    let as_of = options.as_of;
    let window_start = add_months(as_of, -6);
    let (districts, derived) = match &options.districts {
        Some(districts) => (
            districts
                .iter()
                .map(|d| d.trim().to_uppercase())
                .filter(|d| !d.is_empty())
                .collect::<Vec<_>>(),
            false,
        ),
        None => (home_districts(journeys), true),
    };
    let council = options
        .council
        .clone()
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| "This authority".to_string());
    let empty = ChildTracker::default();
    let context = Context {
        as_of,
        window_start,
        organisation,
        districts: districts.iter().cloned().collect(),
        council: council.clone(),
    };
    let mut list_8 = Vec::new();
    let mut list_9 = Vec::new();
    let mut list_10 = Vec::new();
    let mut restricted = BTreeSet::new();
    let mut counts = Counts::default();
    let mut sorted: Vec<&Journey> = journeys.iter().collect();
    sorted.sort_by(|a, b| a.child().cmp(b.child()));
    for journey in sorted {
        let child = journey.child();
        let known = Journey::new(journey.record.known_on(as_of));
        let tracker = trackers
            .get(child)
            .map_or_else(|| empty.clone(), |t| t.known_on(as_of));
        let mut listed = false;
        if let Some(row) = context.list_8_row(&known, &tracker, &mut counts) {
            list_8.push(row);
            listed = true;
        }
        if let Some(row) = context.list_9_row(&known, &tracker, &mut counts) {
            list_9.push(row);
            listed = true;
        }
        let rows = context.list_10_rows(&known, &tracker);
        listed |= !rows.is_empty();
        list_10.extend(rows);
        if listed && tracker.details.as_ref().is_some_and(|d| d.is_restricted()) {
            restricted.insert(child.to_string());
        }
    }
    let mut notes = vec![
        "Dates are as recorded in the SSDA903 return and the tracker, as known on the as-of \
         date; anything recorded with a later date is left out. Ages are in completed years on \
         the as-of date."
            .to_string(),
        "Does the Child have a Disability: the 903 return records no disability, so it is \
         'a) Yes' only where the category of need is N2 (the child's disability) and 'c) \
         Unknown' otherwise."
            .to_string(),
        format!(
            "Placement Location: 'a) In' when the placement postcode's district is one of {} \
             ({}); 'b) Out' otherwise. LA of Placement: '{council}' for placements in the \
             authority; 'Not held' for placements outside it, because the system has no \
             postcode-to-authority lookup (the placement postcode is given).",
            if derived {
                "the districts holding at least 2% of the children's home postcodes"
            } else {
                "the council's districts"
            },
            if districts.is_empty() {
                "none".to_string()
            } else {
                districts.join(", ")
            }
        ),
        "List 8, Number of Placements in the Last 12 months: placements open at any time in \
         the 12 months up to the as-of date (or the day the child ceased to be looked after), \
         leaving out temporary placements (T0 to T4) and short breaks (V3, V4)."
            .to_string(),
        "List 8, social work visits, IRO contact, health assessments and dental checks are \
         the latest recorded in the tracker's statutory activity in the current period of \
         care; blank where none is recorded."
            .to_string(),
        "List 8, Return Interview (offered and accepted): 'a) Yes' where the tracker records \
         a return interview on or after the start of the last missing episode in the 12 \
         months; 'c) Unknown' where it records none (the system cannot tell an interview not \
         offered from one not recorded); blank where the child was not missing in the 12 months."
            .to_string(),
        "Allocated Team and Allocated Worker: the social worker allocated in the tracker on \
         the as-of date (List 9: the personal adviser, or else the social worker), and that \
         worker's team; 'Unallocated' where the tracker records no allocation."
            .to_string(),
        "List 9, Eligibility Category: relevant (aged 16 or 17) or former relevant (18 or \
         over) where the young person was looked after for at least 13 weeks from their 14th \
         birthday; qualifying care leaver otherwise. LA in Touch, Type and Suitability of \
         Accommodation and Activity Status come from the latest OC3 return; without one, LA in \
         Touch is 'a) Yes' where the tracker records a personal adviser contact in the window."
            .to_string(),
        "List 10: Date of Matching is the AD1 return's DATE_MATCH, or else the date of an \
         adoption panel's match decision in the tracker; Family identifier is blank (the \
         system does not group siblings into families)."
            .to_string(),
    ];
    if counts.provider_blank > 0 {
        notes.push(format!(
            "List 8, Placement Provider is blank for {} child(ren) whose most recent placement \
             is temporary (T0 to T4), for which the 903 return records no provider.",
            counts.provider_blank
        ));
    }
    if counts.postcode_blank > 0 {
        notes.push(format!(
            "List 8, Placement postcode and Placement Location are blank for {} child(ren) \
             whose placement has no postcode in the 903 return (placements outside England, \
             or confidential).",
            counts.postcode_blank
        ));
    }
    if counts.in_touch_blank > 0 {
        notes.push(format!(
            "List 9, LA in Touch is blank for {} young people with neither an OC3 return nor a \
             personal adviser contact recorded in the window.",
            counts.in_touch_blank
        ));
    }
    AnnexA {
        as_of,
        window_start,
        produced_on: options.produced_on,
        lists: vec![
            ListRows {
                list: &LIST_8,
                rows: list_8,
            },
            ListRows {
                list: &LIST_9,
                rows: list_9,
            },
            ListRows {
                list: &LIST_10,
                rows: list_10,
            },
        ],
        notes,
        restricted: restricted.len(),
        districts,
    }
}

/// Builds the lists from what the store holds (journeys and tracker records).
pub fn annex_a_from_store(
    store: &(impl permanence_store::Store + ?Sized),
    options: &AnnexAOptions,
) -> Result<AnnexA, permanence_store::StoreError> {
    let journeys = permanence_store::load_journeys(store)?;
    let (organisation, trackers) = permanence_store::load_tracker(store)?;
    Ok(build_annex_a(&journeys, &trackers, &organisation, options))
}

/// Blanks the cover sheet explains, counted while building.
#[derive(Debug, Default)]
struct Counts {
    provider_blank: usize,
    postcode_blank: usize,
    in_touch_blank: usize,
}

struct Context<'a> {
    as_of: Date,
    window_start: Date,
    organisation: &'a Organisation,
    districts: BTreeSet<String>,
    council: String,
}

/// "Unallocated", for a child the tracker records no allocation of.
const UNALLOCATED: &str = "Unallocated";

impl Context<'_> {
    /// The team and worker allocated in `role` on `date` (names where the register has
    /// them), or "Unallocated".
    fn allocated(
        &self,
        tracker: &ChildTracker,
        roles: &[AllocationRole],
        date: Date,
    ) -> (Value, Value) {
        let Some(allocation) = roles
            .iter()
            .find_map(|role| tracker.allocated_on(*role, date))
        else {
            return (
                Value::Text(UNALLOCATED.into()),
                Value::Text(UNALLOCATED.into()),
            );
        };
        let person = self.organisation.person(&allocation.person);
        let worker = person.map_or(allocation.person.clone(), |p| p.name.clone());
        let team_id = allocation
            .team
            .clone()
            .or_else(|| person.and_then(|p| p.team.clone()));
        let team = match team_id {
            Some(id) => self
                .organisation
                .teams
                .iter()
                .find(|t| t.id == id)
                .map_or(id, |t| t.name.clone()),
            None => UNALLOCATED.to_string(),
        };
        (Value::Text(team), Value::Text(worker))
    }

    fn list_8_row(
        &self,
        journey: &Journey,
        tracker: &ChildTracker,
        counts: &mut Counts,
    ) -> Option<Vec<Value>> {
        let (as_of, window_start) = (self.as_of, self.window_start);
        let period = journey
            .periods
            .iter()
            .rev()
            .find(|p| p.start <= as_of && p.end.is_none_or(|end| end > window_start))?;
        let episodes = &journey.record.episodes[period.episodes.clone()];
        // Children whose care in the window was only short breaks are not "in care" here.
        let in_window = |e: &&permanence_domain::record::Episode| {
            e.decom <= as_of && e.dec.is_none_or(|dec| dec > window_start)
        };
        if episodes
            .iter()
            .filter(in_window)
            .all(|e| e.ls.is_short_break())
        {
            return None;
        }
        // The last day looked after, for what the list reports "current".
        let reference = match period.end {
            Some(end) => add_days(end, -1).max(period.start),
            None => as_of,
        };
        let episode = journey.episode_on(reference)?;
        let header = &journey.record.header;
        let twelve_months_before = add_months(as_of, -12);
        let second_period = journey
            .periods
            .iter()
            .any(|p| p.start < period.start && p.end.is_some_and(|end| end > twelve_months_before));
        let legal_status_start = journey
            .legal_statuses
            .iter()
            .rev()
            .find(|s| s.start <= reference && s.end.is_none_or(|end| end > reference))
            .map(|s| s.start);
        let since_start = |date: Date| date >= period.start && date <= as_of;
        let latest_review = journey
            .record
            .reviews
            .iter()
            .map(|r| r.review)
            .filter(|d| since_start(*d))
            .max();
        let latest = |kinds: &[ActivityKind]| {
            tracker
                .activities
                .iter()
                .filter(|a| kinds.contains(&a.kind) && since_start(a.date))
                .map(|a| a.date)
                .max()
        };
        let plan = tracker
            .plan_on(reference)
            .map(|p| format::permanence_plan(p.primary));
        let placement = journey.placement_on(reference);
        let missing_in_12 = |kind: MissingType| {
            journey
                .record
                .missing
                .iter()
                .filter(|m| m.missing == kind && m.mis_start > twelve_months_before)
                .count() as i64
        };
        let last_missing = journey
            .record
            .missing
            .iter()
            .filter(|m| m.missing == MissingType::Missing && m.mis_start > twelve_months_before)
            .map(|m| m.mis_start)
            .max();
        let return_interview = last_missing.map(|start| {
            let held = tracker
                .activities
                .iter()
                .any(|a| a.kind == ActivityKind::ReturnInterview && a.date >= start);
            format::yes_no(held.then_some(true))
        });
        let postcode = placement.and_then(|p| p.postcode.clone());
        let district = postcode.as_deref().and_then(postcode_district);
        if district.is_none() {
            counts.postcode_blank += 1;
        }
        let inside = district.as_ref().map(|d| self.districts.contains(d));
        let provider = placement.and_then(|p| p.provider);
        if provider.is_none() {
            counts.provider_blank += 1;
        }
        let (team, worker) = self.allocated(tracker, &[AllocationRole::SocialWorker], reference);
        Some(vec![
            Value::Text(journey.child().to_string()),
            Value::Text(format::gender(header.sex).into()),
            Value::Text(format::ethnicity(header.ethnic).into()),
            Value::Date(header.dob),
            Value::Integer(age_on(header.dob, as_of).into()),
            Value::Text(
                format::yes_no(Some(
                    journey
                        .record
                        .uasc_until
                        .is_some_and(|until| until > twelve_months_before),
                ))
                .into(),
            ),
            Value::Text(disability(episodes.iter().map(|e| e.cin)).into()),
            Value::Date(period.start),
            Value::Text(format::category_of_need(episode.cin).into()),
            Value::Text(format::yes_no(Some(second_period)).into()),
            Value::date(legal_status_start),
            Value::Text(format::legal_status(episode.ls).into()),
            Value::date(latest_review),
            Value::date(latest(&[ActivityKind::Visit])),
            Value::label(plan),
            Value::date(latest(&[ActivityKind::IroContact])),
            Value::date(latest(&[
                ActivityKind::InitialHealthAssessment,
                ActivityKind::ReviewHealthAssessment,
            ])),
            Value::date(latest(&[ActivityKind::DentalCheck])),
            Value::Integer(journey.placements_in_last_12_months(reference) as i64),
            Value::date(period.end),
            Value::label(period.reason_ceased.map(format::reason_ceased)),
            Value::date(placement.map(|p| p.start)),
            Value::label(placement.map(|p| format::placement_type(p.place))),
            Value::label(provider.map(format::placement_provider)),
            Value::text(postcode),
            Value::text(placement.and_then(|p| p.urn.clone())),
            Value::label(inside.map(|inside| {
                if inside {
                    format::PLACEMENT_LOCATION[0]
                } else {
                    format::PLACEMENT_LOCATION[1]
                }
            })),
            Value::text(inside.map(|inside| {
                if inside {
                    self.council.clone()
                } else {
                    "Not held".to_string()
                }
            })),
            Value::Integer(missing_in_12(MissingType::Missing)),
            Value::Integer(missing_in_12(MissingType::Away)),
            Value::label(return_interview),
            Value::label(return_interview),
            team,
            worker,
        ])
    }

    fn list_9_row(
        &self,
        journey: &Journey,
        tracker: &ChildTracker,
        counts: &mut Counts,
    ) -> Option<Vec<Value>> {
        let (as_of, window_start) = (self.as_of, self.window_start);
        if journey.looked_after_on(as_of) {
            return None;
        }
        let dob = journey.record.header.dob;
        let period = journey
            .periods
            .iter()
            .rev()
            .find(|p| p.end.is_some_and(|end| end <= as_of))?;
        let end = period.end?;
        if end < birthday(dob, 16) {
            return None;
        }
        use ReasonEpisodeCeased::*;
        if matches!(period.reason_ceased, Some(E11 | E12 | E2 | E3)) {
            return None;
        }
        let personal_adviser = tracker.allocated_on(AllocationRole::PersonalAdviser, as_of);
        let young_enough = age_on(dob, window_start) <= 21
            || (personal_adviser.is_some() && age_on(dob, as_of) <= 25);
        if !young_enough {
            return None;
        }
        // Days looked after from the 14th birthday, short breaks left out.
        let fourteen = birthday(dob, 14);
        let days: i32 = journey
            .record
            .episodes
            .iter()
            .filter(|e| !e.ls.is_short_break())
            .filter_map(|e| {
                let from = e.decom.max(fourteen);
                let to = e.dec.unwrap_or(as_of).min(end);
                (to > from).then(|| days_between(from, to))
            })
            .sum();
        let eligibility = if days >= 91 {
            if age_on(dob, as_of) < 18 {
                format::ELIGIBILITY[0]
            } else {
                format::ELIGIBILITY[1]
            }
        } else {
            format::ELIGIBILITY[2]
        };
        let oc3 = journey
            .record
            .care_leaver_outcomes
            .iter()
            .max_by_key(|o| o.year);
        let in_touch = oc3
            .and_then(|o| o.in_touch)
            .map(format::in_touch)
            .or_else(|| {
                tracker
                    .activities
                    .iter()
                    .any(|a| {
                        a.kind == ActivityKind::PersonalAdviserContact
                            && a.date >= window_start
                            && a.date <= as_of
                    })
                    .then_some(format::IN_TOUCH[0])
            });
        if in_touch.is_none() {
            counts.in_touch_blank += 1;
        }
        let accommodation = oc3.and_then(|o| o.accom);
        let (team, worker) = self.allocated(
            tracker,
            &[
                AllocationRole::PersonalAdviser,
                AllocationRole::SocialWorker,
            ],
            as_of,
        );
        let header = &journey.record.header;
        Some(vec![
            Value::Text(journey.child().to_string()),
            Value::Text(format::gender(header.sex).into()),
            Value::Text(format::ethnicity(header.ethnic).into()),
            Value::Date(dob),
            Value::Integer(age_on(dob, as_of).into()),
            Value::Text(disability(journey.record.episodes.iter().map(|e| e.cin)).into()),
            team,
            worker,
            Value::Text(eligibility.into()),
            Value::label(in_touch),
            Value::label(accommodation.and_then(format::accommodation)),
            Value::label(accommodation.and_then(format::suitability)),
            Value::label(oc3.and_then(|o| o.activ).and_then(format::activity)),
        ])
    }

    fn list_10_rows(&self, journey: &Journey, tracker: &ChildTracker) -> Vec<Vec<Value>> {
        let (as_of, window_start) = (self.as_of, self.window_start);
        let header = &journey.record.header;
        let mut rows = Vec::new();
        for decision in &journey.record.placed_for_adoption {
            if decision
                .date_placed_ceased
                .is_some_and(|ceased| ceased < window_start)
            {
                continue;
            }
            let date = decision.date_placed;
            let Some(period) = journey
                .periods
                .iter()
                .rev()
                .find(|p| p.start <= date && p.end.is_none_or(|end| end >= date))
                .or_else(|| journey.latest_period(date))
            else {
                continue;
            };
            if period.end.is_some_and(|end| end < window_start) {
                continue;
            }
            let in_period = |start: Date| {
                start >= period.start && start <= as_of && period.end.is_none_or(|e| start < e)
            };
            let placement_order = journey
                .legal_statuses
                .iter()
                .find(|s| s.legal_status == LegalStatus::E1 && in_period(s.start))
                .map(|s| s.start);
            let matched = journey
                .record
                .adoptions
                .iter()
                .filter_map(|a| a.date_match)
                .find(|d| *d >= date && *d <= as_of)
                .or_else(|| {
                    tracker
                        .panel_decisions
                        .iter()
                        .filter(|d| d.question == PanelQuestion::AdoptionMatch)
                        .map(|d| d.date)
                        .find(|d| *d >= date && *d <= as_of)
                });
            let placed = journey
                .placements
                .iter()
                .find(|p| p.place.is_placed_for_adoption() && in_period(p.start))
                .map(|p| p.start);
            let adopted = period.end.filter(|_| {
                matches!(
                    period.reason_ceased,
                    Some(ReasonEpisodeCeased::E11 | ReasonEpisodeCeased::E12)
                )
            });
            let fostering_for_adoption = journey
                .placements
                .iter()
                .find(|p| p.place.is_fostering_for_adoption() && in_period(p.start))
                .map(|p| p.start);
            let episodes = &journey.record.episodes[period.episodes.clone()];
            rows.push(vec![
                Value::Text(journey.child().to_string()),
                Value::Blank,
                Value::Text(format::gender(header.sex).into()),
                Value::Text(format::ethnicity(header.ethnic).into()),
                Value::Date(header.dob),
                Value::Integer(age_on(header.dob, as_of).into()),
                Value::Text(disability(episodes.iter().map(|e| e.cin)).into()),
                Value::Date(period.start),
                Value::Date(date),
                Value::date(placement_order),
                Value::date(matched),
                Value::date(placed),
                Value::date(adopted),
                Value::date(decision.date_placed_ceased),
                Value::label(
                    decision
                        .reason_placed_ceased
                        .map(format::reason_no_longer_placed),
                ),
                Value::date(fostering_for_adoption),
            ]);
        }
        rows
    }
}

/// "a) Yes" when a category of need is N2 (the child's disability), else "c) Unknown":
/// the 903 return records no disability as such.
fn disability(mut needs: impl Iterator<Item = CategoryOfNeed>) -> &'static str {
    format::yes_no(needs.any(|n| n == CategoryOfNeed::N2).then_some(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use permanence_domain::codes::ReasonNewEpisode::*;
    use permanence_domain::codes::{Placement as Pl, ReasonEpisodeCeased as Rec};
    use permanence_domain::journey::test_support::{child, episode};
    use permanence_domain::record::{MissingEpisode, PlacedForAdoption};
    use permanence_domain::tracker::{
        Activity, Allocation, Forum, PermanenceOption, PermanencePlan, Person, StaffRole, Team,
    };

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    fn options(as_of: Date) -> AnnexAOptions {
        AnnexAOptions {
            as_of,
            produced_on: as_of,
            council: Some("Example Borough".into()),
            districts: Some(vec!["RM9".into()]),
        }
    }

    fn cell<'a>(annex: &'a AnnexA, list: u8, row: usize, column: &str) -> &'a Value {
        let rows = annex.list(list).unwrap();
        &rows.rows[row][rows.list.position(column).expect(column)]
    }

    fn organisation() -> Organisation {
        Organisation {
            people: vec![Person {
                id: "SW1".into(),
                name: "Sam Okafor".into(),
                role: StaffRole::SocialWorker,
                team: Some("CIC1".into()),
                manager: None,
                start: None,
                end: None,
            }],
            teams: vec![Team {
                id: "CIC1".into(),
                name: "Children in Care 1".into(),
                service: None,
                manager: None,
            }],
            ..Organisation::default()
        }
    }

    #[test]
    fn a_child_in_care_is_on_list_8_with_every_column_filled_as_the_format_asks() {
        let mut record = child("C1", d(2015, 5, 10));
        record.episodes = vec![
            episode(
                d(2024, 1, 10),
                S,
                Pl::U6,
                Some(d(2025, 6, 1)),
                Some(Rec::X1),
            ),
            episode(d(2025, 6, 1), P, Pl::K2, None, None),
        ];
        record.episodes[1].pl_post = Some("RM9 4AB".into());
        record.episodes[1].urn = Some("SC123456".into());
        record.missing = vec![MissingEpisode {
            missing: MissingType::Missing,
            mis_start: d(2025, 8, 1),
            mis_end: Some(d(2025, 8, 2)),
        }];
        let journeys = vec![Journey::new(record)];
        let mut trackers = BTreeMap::new();
        trackers.insert(
            "C1".to_string(),
            ChildTracker {
                allocations: vec![Allocation {
                    child: "C1".into(),
                    role: AllocationRole::SocialWorker,
                    person: "SW1".into(),
                    team: None,
                    start: d(2024, 1, 10),
                    end: None,
                }],
                plans: vec![PermanencePlan {
                    child: "C1".into(),
                    decided: d(2024, 3, 1),
                    forum: Forum::Review,
                    primary: PermanenceOption::LongTermFostering,
                    parallel: vec![],
                    contingency: None,
                    target: None,
                    achieved: None,
                    achieved_by: None,
                }],
                activities: vec![
                    Activity {
                        child: "C1".into(),
                        kind: ActivityKind::Visit,
                        date: d(2025, 9, 1),
                        by: None,
                        seen_alone: None,
                    },
                    // After the as-of date: not known then.
                    Activity {
                        child: "C1".into(),
                        kind: ActivityKind::Visit,
                        date: d(2025, 11, 1),
                        by: None,
                        seen_alone: None,
                    },
                ],
                ..ChildTracker::default()
            },
        );
        let annex = build_annex_a(
            &journeys,
            &trackers,
            &organisation(),
            &options(d(2025, 9, 30)),
        );
        assert_eq!(annex.window_start, d(2025, 3, 30));
        let list = annex.list(8).unwrap();
        assert_eq!(list.rows.len(), 1);
        let row = &list.rows[0];
        assert_eq!(row.len(), 34);
        let get = |column: &str| cell(&annex, 8, 0, column).clone();
        assert_eq!(get("Child Unique ID"), Value::Text("C1".into()));
        assert_eq!(get("Gender"), Value::Text("b) Female".into()));
        assert_eq!(get("Age of Child (Years)"), Value::Integer(10));
        assert_eq!(
            get("Date Started to be Looked After"),
            Value::Date(d(2024, 1, 10))
        );
        assert_eq!(
            get("Start Date of Most Recent Placement"),
            Value::Date(d(2025, 6, 1))
        );
        assert_eq!(
            get("Placement Type"),
            Value::Text("p) K2: Children's Homes".into())
        );
        assert_eq!(
            get("Placement Provider"),
            Value::Text("b) PR1: Own provision".into())
        );
        assert_eq!(get("Placement postcode"), Value::Text("RM9 4AB".into()));
        assert_eq!(get("Placement Location"), Value::Text("a) In".into()));
        assert_eq!(
            get("LA of Placement"),
            Value::Text("Example Borough".into())
        );
        assert_eq!(
            get("Number of Placements in the Last 12 months"),
            Value::Integer(2)
        );
        assert_eq!(
            get("Date of Last Social Work Visit"),
            Value::Date(d(2025, 9, 1))
        );
        assert_eq!(
            get("What is the permanence plan for this child?"),
            Value::Text("f) Long-term fostering".into())
        );
        assert_eq!(
            get(
                "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"
            ),
            Value::Integer(1)
        );
        assert_eq!(
            get("Was the child offered a Return Interview after their last missing episode (Y/N)?"),
            Value::Text("c) Unknown".into())
        );
        assert_eq!(
            get("Allocated Team"),
            Value::Text("Children in Care 1".into())
        );
        assert_eq!(get("Allocated Worker"), Value::Text("Sam Okafor".into()));
        assert_eq!(get("Date Ceased to be Looked After"), Value::Blank);
        assert_eq!(
            get("Does the Child have a Disability"),
            Value::Text("c) Unknown".into())
        );
    }

    #[test]
    fn the_window_is_six_months_and_a_ceased_child_is_reported_as_on_the_last_day() {
        // Ceased a day after the window opened: on the list, with the placement then.
        let mut left = child("C2", d(2008, 1, 1));
        left.episodes = vec![episode(
            d(2020, 1, 1),
            S,
            Pl::U4,
            Some(d(2025, 3, 31)),
            Some(Rec::E4A),
        )];
        // Ceased the day the window opened: looked after until the day before, so not.
        let mut earlier = child("C3", d(2008, 1, 1));
        earlier.episodes = vec![episode(
            d(2020, 1, 1),
            S,
            Pl::U4,
            Some(d(2025, 3, 30)),
            Some(Rec::E4A),
        )];
        // Only short breaks.
        let mut breaks = child("C4", d(2012, 1, 1));
        breaks.episodes = vec![episode(d(2025, 5, 1), S, Pl::U6, None, None)];
        breaks.episodes[0].ls = LegalStatus::V3;
        let journeys: Vec<Journey> = [left, earlier, breaks]
            .into_iter()
            .map(Journey::new)
            .collect();
        let annex = build_annex_a(
            &journeys,
            &BTreeMap::new(),
            &Organisation::default(),
            &options(d(2025, 9, 30)),
        );
        let list = annex.list(8).unwrap();
        assert_eq!(list.rows.len(), 1);
        assert_eq!(
            cell(&annex, 8, 0, "Child Unique ID"),
            &Value::Text("C2".into())
        );
        assert_eq!(
            cell(&annex, 8, 0, "Date Ceased to be Looked After"),
            &Value::Date(d(2025, 3, 31))
        );
        assert_eq!(
            cell(&annex, 8, 0, "Reason Ceased to be Looked After"),
            &Value::Text(
                "e) E4A: Returned home to live with parents or relatives - part of planning".into()
            )
        );
        assert_eq!(
            cell(&annex, 8, 0, "Allocated Worker"),
            &Value::Text("Unallocated".into())
        );
    }

    #[test]
    fn care_leavers_are_relevant_former_relevant_or_qualifying() {
        // Left care at 18 after years in care: former relevant.
        let mut former = child("C5", d(2006, 1, 1));
        former.episodes = vec![episode(
            d(2018, 1, 1),
            S,
            Pl::U4,
            Some(d(2024, 1, 1)),
            Some(Rec::E17),
        )];
        // Left at 17 after 13 weeks from 14: relevant while 17.
        let mut relevant = child("C6", d(2008, 6, 1));
        relevant.episodes = vec![episode(
            d(2024, 6, 1),
            S,
            Pl::U6,
            Some(d(2025, 6, 1)),
            Some(Rec::E5),
        )];
        // In care for a month at 16: qualifying.
        let mut qualifying = child("C7", d(2009, 1, 1));
        qualifying.episodes = vec![episode(
            d(2025, 4, 1),
            S,
            Pl::U6,
            Some(d(2025, 5, 1)),
            Some(Rec::E4B),
        )];
        // Adopted: not a care leaver.
        let mut adopted = child("C8", d(2008, 1, 1));
        adopted.episodes = vec![episode(
            d(2024, 1, 1),
            S,
            Pl::A4,
            Some(d(2024, 6, 1)),
            Some(Rec::E11),
        )];
        let journeys: Vec<Journey> = [former, relevant, qualifying, adopted]
            .into_iter()
            .map(Journey::new)
            .collect();
        let annex = build_annex_a(
            &journeys,
            &BTreeMap::new(),
            &Organisation::default(),
            &options(d(2025, 9, 30)),
        );
        let list = annex.list(9).unwrap();
        let categories: Vec<(String, String)> = list
            .rows
            .iter()
            .map(|row| (row[0].to_text(), row[8].to_text()))
            .collect();
        assert_eq!(
            categories,
            vec![
                ("C5".into(), "b) Former relevant child".into()),
                ("C6".into(), "a) Relevant child".into()),
                ("C7".into(), "c) Qualifying care leaver".into()),
            ]
        );
        assert!(
            annex
                .notes
                .iter()
                .any(|n| n.contains("LA in Touch is blank for 3"))
        );
    }

    #[test]
    fn an_adoption_decision_is_on_list_10_with_its_milestones() {
        let mut record = child("C9", d(2022, 2, 1));
        record.episodes = vec![
            episode(d(2023, 1, 1), S, Pl::U5, Some(d(2024, 3, 1)), Some(Rec::X1)),
            Episode {
                ls: LegalStatus::E1,
                ..episode(d(2024, 3, 1), L, Pl::U5, Some(d(2024, 9, 1)), Some(Rec::X1))
            },
            Episode {
                ls: LegalStatus::E1,
                ..episode(
                    d(2024, 9, 1),
                    T,
                    Pl::A5,
                    Some(d(2025, 6, 1)),
                    Some(Rec::E11),
                )
            },
        ];
        record.placed_for_adoption = vec![PlacedForAdoption {
            date_placed: d(2023, 11, 1),
            date_placed_ceased: None,
            reason_placed_ceased: None,
        }];
        let journeys = vec![Journey::new(record)];
        let annex = build_annex_a(
            &journeys,
            &BTreeMap::new(),
            &Organisation::default(),
            &options(d(2025, 9, 30)),
        );
        let get = |column: &str| cell(&annex, 10, 0, column).clone();
        assert_eq!(
            get("Date the Child Entered Care"),
            Value::Date(d(2023, 1, 1))
        );
        assert_eq!(
            get("Date of Decision that Child Should be Placed for Adoption"),
            Value::Date(d(2023, 11, 1))
        );
        assert_eq!(get("Date of Placement Order"), Value::Date(d(2024, 3, 1)));
        assert_eq!(get("Date Placed for Adoption"), Value::Date(d(2024, 9, 1)));
        assert_eq!(get("Date of Adoption Order"), Value::Date(d(2025, 6, 1)));
        assert_eq!(
            get("Date the child was placed for fostering in FFA or concurrent planning placement"),
            Value::Date(d(2023, 1, 1))
        );
        // Adopted before the window of a later as-of date: off the list.
        let later = build_annex_a(
            &journeys,
            &BTreeMap::new(),
            &Organisation::default(),
            &options(d(2026, 3, 1)),
        );
        assert!(later.list(10).unwrap().rows.is_empty());
    }

    use permanence_domain::record::Episode;

    #[test]
    fn postcode_districts() {
        assert_eq!(postcode_district("RM9 4AB").as_deref(), Some("RM9"));
        assert_eq!(postcode_district("rm94ab").as_deref(), Some("RM9"));
        assert_eq!(postcode_district("SW1A 1AA").as_deref(), Some("SW1A"));
        assert_eq!(postcode_district("E13").as_deref(), Some("E13"));
        assert_eq!(postcode_district(" "), None);
    }
}
