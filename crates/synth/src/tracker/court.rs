//! Pre-proceedings (PLO) and care proceedings, read off the legal statuses: every
//! interim care order (C1) is a set of proceedings issued days before it, ending with
//! the order that follows it (a care order, a placement order, or the special
//! guardianship or child arrangements order that ends the period); some are preceded by
//! pre-proceedings, and some section 20 children go through pre-proceedings that end in
//! diversion.

use permanence_domain::codes::{LegalStatus, ReasonEpisodeCeased};
use permanence_domain::tracker::{
    CareProceedings, CourtOrder, Hearing, HearingKind, PanelDecision, PanelQuestion,
    PreProceedings, PreProceedingsMeeting, PreProceedingsMeetingKind, PreProceedingsOutcome,
};

use super::child::Gen;
use super::facts::Period;
use super::organisation::LEGAL_GATEWAY_PANEL;
use crate::calendar::{Day, to_date};
use crate::rates::*;

/// The proceedings and pre-proceedings of one period of care.
pub(crate) fn court(g: &mut Gen<'_>, p: &Period) {
    let horizon = g.horizon();
    let emergency = p
        .legal
        .first()
        .is_some_and(|s| matches!(s.ls, LegalStatus::L1 | LegalStatus::L2));
    let mut first = true;
    for (i, spell) in p.legal.iter().enumerate() {
        if spell.ls != LegalStatus::C1 {
            continue;
        }
        let previous = i.checked_sub(1).map(|j| &p.legal[j]);
        let issued = match previous {
            Some(before) if matches!(before.ls, LegalStatus::L1 | LegalStatus::L2) => {
                (spell.start - g.random.int(1, 3)).max(before.start)
            }
            Some(_) => spell.start - g.random.int(1, 10),
            None => spell.start - g.random.int(1, 7),
        };
        if first && !emergency && g.random.chance(PRE_PROCEEDINGS_BEFORE_ISSUE_SHARE) {
            let gateway = issued - g.random.range(PRE_PROCEEDINGS_DAYS);
            pre_proceedings(g, gateway, Some(issued));
        }
        first = false;
        let next = p.legal.get(i + 1);
        let concluded = if spell.until > horizon {
            None
        } else if let Some(next) = next {
            Some((
                spell.until,
                match next.ls {
                    LegalStatus::C2 => CourtOrder::CareOrder,
                    LegalStatus::E1 | LegalStatus::D1 => CourtOrder::PlacementOrder,
                    LegalStatus::V2 => CourtOrder::Withdrawn,
                    _ => CourtOrder::NoOrder,
                },
            ))
        } else {
            use ReasonEpisodeCeased::*;
            let order = match p.rec {
                Some(E43 | E44 | E45 | E46 | E47 | E48) => CourtOrder::SpecialGuardianshipOrder,
                Some(E41) => CourtOrder::ChildArrangementsOrder,
                Some(E4A | E4B | E13) if g.random.chance(0.5) => CourtOrder::SupervisionOrder,
                Some(E4A | E4B | E13) => CourtOrder::NoOrder,
                _ => CourtOrder::Withdrawn,
            };
            Some((spell.until, order))
        };
        proceedings(g, issued, concluded);
    }
    // Section 20 children taken to the legal gateway while looked after, diverted from
    // proceedings (or still in pre-proceedings).
    let section_20 = p.legal.first().is_some_and(|s| s.ls == LegalStatus::V2)
        && !p.legal.iter().any(|s| s.ls == LegalStatus::C1);
    if section_20 && p.until - p.start >= 60 && g.random.chance(PRE_PROCEEDINGS_SECTION_20_SHARE) {
        let gateway = p.start + g.random.int(14, 90);
        if gateway < p.until {
            pre_proceedings(g, gateway, None);
        }
    }
}

/// Pre-proceedings from the gateway meeting: the letter before proceedings, a meeting,
/// reviews every 4-7 weeks, ending with the issue of proceedings (`issued`) or, for
/// section 20 children, diversion months later.
fn pre_proceedings(g: &mut Gen<'_>, gateway: Day, issued: Option<Day>) {
    let horizon = g.horizon();
    if gateway > horizon {
        return;
    }
    let id = format!("PLO-{}-{}", g.child(), g.tracker.pre_proceedings.len() + 1);
    let ended = issued.unwrap_or_else(|| gateway + g.random.range(PRE_PROCEEDINGS_DIVERTED_DAYS));
    let known_end = (ended <= horizon).then_some(ended);
    let letter = gateway + g.random.int(3, 14);
    let mut meetings = Vec::new();
    let mut day = letter + g.random.int(5, 15);
    let mut kind = PreProceedingsMeetingKind::Meeting;
    while day < ended && day <= horizon {
        meetings.push(PreProceedingsMeeting {
            pre_proceedings: id.clone(),
            kind,
            date: to_date(day),
        });
        kind = PreProceedingsMeetingKind::Review;
        day += g.random.range(PRE_PROCEEDINGS_REVIEW_DAYS);
    }
    let outcome = known_end.map(|_| match issued {
        Some(_) => PreProceedingsOutcome::Issued,
        None if g.random.chance(0.8) => PreProceedingsOutcome::Diverted,
        None => PreProceedingsOutcome::Closed,
    });
    g.tracker.pre_proceedings.push((
        PreProceedings {
            id,
            child: g.child().to_string(),
            legal_gateway_meeting: to_date(gateway),
            letter_before_proceedings: (letter < ended && letter <= horizon)
                .then(|| to_date(letter)),
            outcome,
            ended: known_end.map(to_date),
        },
        meetings,
    ));
    g.tracker.panel_decisions.push(PanelDecision {
        child: g.child().to_string(),
        panel: LEGAL_GATEWAY_PANEL.to_string(),
        date: to_date(gateway),
        question: PanelQuestion::LegalGateway,
        decision: "Threshold met: start pre-proceedings (letter before proceedings)".to_string(),
        conditions: None,
    });
    if let Some(issued) = issued {
        let day = (issued - g.random.int(3, 14)).max(gateway + 1);
        if day <= horizon {
            g.tracker.panel_decisions.push(PanelDecision {
                child: g.child().to_string(),
                panel: LEGAL_GATEWAY_PANEL.to_string(),
                date: to_date(day),
                question: PanelQuestion::LegalGateway,
                decision: "Issue care proceedings".to_string(),
                conditions: None,
            });
        }
    }
}

/// Care proceedings issued on `issued`: the case management hearing on days 12-18 for
/// most, extensions past 26 weeks (recorded for most), an issues resolution hearing and
/// the final hearing with its order.
fn proceedings(g: &mut Gen<'_>, issued: Day, concluded: Option<(Day, CourtOrder)>) {
    let horizon = g.horizon();
    if issued > horizon {
        return;
    }
    let id = format!("CP-{}-{}", g.child(), g.tracker.proceedings.len() + 1);
    let last = concluded.map_or(horizon, |(day, _)| day);
    let mut hearings = Vec::new();
    let mut hearing = |kind: HearingKind, day: Day, weeks: Option<u8>| {
        hearings.push(Hearing {
            proceedings: id.clone(),
            kind,
            date: to_date(day),
            extension_weeks: weeks,
        });
    };
    let cmh = issued
        + if g.random.chance(CMH_OUTSIDE_WINDOW_SHARE) {
            g.random.int(19, 35)
        } else {
            g.random.int(12, 18)
        };
    if cmh < last {
        hearing(HearingKind::CaseManagement, cmh, None);
    }
    let weeks_26 = issued + 182;
    if last > weeks_26 && g.random.chance(EXTENSION_RECORDED_SHARE) {
        let mut day = weeks_26 - g.random.int(0, 14);
        while day < last {
            hearing(HearingKind::Extension, day, Some(8));
            day += 56;
        }
    }
    let irh = match concluded {
        Some((day, _)) => day - g.random.int(14, 42),
        None => issued + g.random.int(126, 160),
    };
    if irh > cmh && irh < last {
        hearing(HearingKind::IssuesResolution, irh, None);
    }
    if let Some((day, _)) = concluded {
        hearing(HearingKind::Final, day, None);
    }
    hearings.sort_by_key(|h| h.date);
    g.tracker.proceedings.push((
        CareProceedings {
            id,
            child: g.child().to_string(),
            issued: to_date(issued),
            concluded: concluded.map(|(day, _)| to_date(day)),
            order: concluded.map(|(_, order)| order),
        },
        hearings,
    ));
}
