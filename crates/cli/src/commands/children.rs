//! `permanence children` (every child's status on a date) and `permanence child ID`
//! (one child's journey as a chronology, with the tracker's records about the child).

use std::io::Write;

use permanence_store::Location;

use anyhow::Context;
use permanence_domain::codes::{Code, ReasonNewEpisode};
use permanence_domain::date::{age_on, days_between, format_dmy};
use permanence_domain::{Date, Journey};
use permanence_store::load_child_tracker;
use serde::Serialize;

use super::child_tracker::{self, ChildRecords};
use super::{actor, load_journeys, open_store, today};
use crate::cli::{ChildArgs, ChildFormat, ChildrenArgs, ListFormat};
use crate::output::{Cell, TextTable};

/// One child's status on a date: the columns of `permanence children`.
#[derive(Debug, Serialize)]
struct ChildStatus<'a> {
    child: &'a str,
    looked_after: bool,
    age: i32,
    legal_status: Option<&'static str>,
    placement_type: Option<&'static str>,
    placement_provider: Option<&'static str>,
    days_in_care: Option<i32>,
    placements_last_12_months: usize,
}

impl<'a> ChildStatus<'a> {
    fn of(journey: &'a Journey, as_of: Date) -> ChildStatus<'a> {
        let episode = journey.episode_on(as_of);
        ChildStatus {
            child: journey.child(),
            looked_after: episode.is_some(),
            age: journey.age_on(as_of),
            legal_status: episode.map(|e| e.ls.code()),
            placement_type: episode.map(|e| e.place.code()),
            placement_provider: episode.and_then(|e| e.place_provider).map(|p| p.code()),
            days_in_care: journey.days_in_care(as_of),
            placements_last_12_months: journey.placements_in_last_12_months(as_of),
        }
    }
}

pub(crate) fn list(db: &Location, args: &ChildrenArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let store = open_store(db)?;
    let journeys = load_journeys(&*store)?;
    let as_of = args.as_of.unwrap_or_else(today);
    let rows: Vec<ChildStatus> = journeys
        .iter()
        // Only children whose care had begun by the date: the list is as it stood then.
        .filter(|j| j.record.episodes.first().is_some_and(|e| e.decom <= as_of))
        .map(|j| ChildStatus::of(j, as_of))
        .filter(|s| !args.looked_after || s.looked_after)
        .collect();
    match args.format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        ListFormat::Csv => {
            let mut writer = csv::Writer::from_writer(&mut *out);
            for row in &rows {
                writer.serialize(row)?;
            }
            writer.flush()?;
        }
        ListFormat::Table => {
            let mut table = TextTable::new(
                [
                    "Child",
                    "Looked after",
                    "Age",
                    "Legal status",
                    "Placement",
                    "Provider",
                    "Days in care",
                    "Placements (12 months)",
                ]
                .map(String::from)
                .to_vec(),
            );
            for row in &rows {
                let dash = |v: Option<&str>| Cell::text(v.unwrap_or("-"));
                table.push(vec![
                    Cell::text(row.child),
                    Cell::text(if row.looked_after { "yes" } else { "no" }),
                    Cell::number(row.age),
                    dash(row.legal_status),
                    dash(row.placement_type),
                    dash(row.placement_provider),
                    row.days_in_care
                        .map(Cell::number)
                        .unwrap_or_else(|| Cell::text("-")),
                    Cell::number(row.placements_last_12_months),
                ]);
            }
            writeln!(out, "{}", table.render())?;
            let looked_after = rows.iter().filter(|r| r.looked_after).count();
            writeln!(
                out,
                "{} children; {looked_after} looked after on {}.",
                rows.len(),
                format_dmy(as_of)
            )?;
        }
    }
    Ok(())
}

pub(crate) fn show(db: &Location, args: &ChildArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut store = open_store(db)?;
    let returns = store.child_returns(&args.id)?;
    let outcome = permanence_ssda903::build_records(&returns, None).map_err(|problems| {
        anyhow::anyhow!("the stored returns no longer merge cleanly:\n{problems}")
    })?;
    let record = outcome
        .children
        .into_iter()
        .next()
        .with_context(|| format!("no child with id '{}' is in the database", args.id))?;
    let (organisation, tracker) = load_child_tracker(&*store, &args.id)?;
    let versions = store.tracker_versions(&args.id)?;
    store.audit(&actor(), "view_child", Some(&args.id), "permanence child")?;
    let journey = Journey::new(record);
    let as_of = args.as_of.unwrap_or_else(today);
    let records = ChildRecords {
        organisation: &organisation,
        tracker: &tracker,
        versions: &versions,
        as_of,
    };
    match args.format {
        ChildFormat::Json => {
            let json = serde_json::json!({
                "child": journey.child(),
                "as_of": as_of,
                "status": ChildStatus::of(&journey, as_of),
                "periods_of_care": journey.periods,
                "placements": journey.placements,
                "legal_statuses": journey.legal_statuses,
                "record": journey.record,
                "tracker": child_tracker::json(&records),
            });
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)?;
        }
        ChildFormat::Text => {
            write!(
                out,
                "{}",
                chronology(&journey, as_of, child_tracker::events(&records))
            )?;
            write!(out, "{}", child_tracker::text(&records))?;
        }
    }
    Ok(())
}

/// A readable account of the child's journey, oldest first, with the tracker's dated
/// events (`tracker_events`) among the 903 ones.
fn chronology(journey: &Journey, as_of: Date, tracker_events: Vec<(Date, u8, String)>) -> String {
    let record = &journey.record;
    let header = &record.header;
    let mut text = String::new();
    let mut line = |s: String| {
        text.push_str(&s);
        text.push('\n');
    };
    line(format!("Child {}", record.child));
    line(format!(
        "  {}, born {} (age {} on {}), ethnicity {} ({}){}",
        header.sex.label(),
        format_dmy(header.dob),
        age_on(header.dob, as_of),
        format_dmy(as_of),
        header.ethnic.description(),
        header.ethnic.code(),
        record
            .uasc_until
            .map(|d| format!(
                ", unaccompanied asylum-seeking child until {}",
                format_dmy(d)
            ))
            .unwrap_or_default()
    ));
    for prev in &record.previous_permanence {
        if let Some(code) = prev.prev_perm.filter(|c| c.is_breakdown()) {
            line(format!(
                "  Had a permanent home before care that broke down: {} (recorded in the {} return)",
                code.description(),
                prev.year
            ));
        }
    }
    let status = ChildStatus::of(journey, as_of);
    match (journey.episode_on(as_of), journey.placement_on(as_of)) {
        (Some(episode), Some(placement)) => line(format!(
            "  On {}: looked after for {} days; legal status {} ({}); placement {} ({}) since {}{}; {} placement(s) in the last 12 months",
            format_dmy(as_of),
            status.days_in_care.unwrap_or(0),
            episode.ls.code(),
            episode.ls.description(),
            placement.place.code(),
            placement.place.description(),
            format_dmy(placement.start),
            placement
                .provider
                .map(|p| format!(", provider {}", p.description()))
                .unwrap_or_default(),
            status.placements_last_12_months,
        )),
        _ => line(format!("  On {}: not looked after", format_dmy(as_of))),
    }

    // Events: (date, order within the day, text).
    let mut events: Vec<(Date, u8, String)> = Vec::new();
    for (n, period) in journey.periods.iter().enumerate() {
        let length = period
            .end
            .map(|end| format!(" for {} days", days_between(period.start, end)))
            .unwrap_or_default();
        // A period whose first episode is not a start of care (RNE S) began before the
        // earliest return held; say so rather than give a false start date.
        let started_in_data = record.episodes[period.episodes.start].rne == ReasonNewEpisode::S;
        let heading = if started_in_data {
            format!("== Period of care {} begins{length}", n + 1)
        } else {
            format!(
                "== Period of care {} (began before {}, the earliest return held)",
                n + 1,
                format_dmy(period.start)
            )
        };
        events.push((period.start, 0, heading));
        if let (Some(end), Some(reason)) = (period.end, period.reason_ceased) {
            events.push((
                end,
                2,
                format!(
                    "Ceased to be looked after: {} ({})",
                    reason.description(),
                    reason.code()
                ),
            ));
        }
    }
    for episode in &record.episodes {
        let what = match episode.rne {
            r if r.starts_placement() => format!(
                "{}: placement {} ({}){}{}; legal status {} ({})",
                episode.rne.description(),
                episode.place.code(),
                episode.place.description(),
                episode
                    .place_provider
                    .map(|p| format!(", {}", p.description()))
                    .unwrap_or_default(),
                episode
                    .pl_post
                    .as_ref()
                    .map(|p| format!(", postcode {p}"))
                    .unwrap_or_default(),
                episode.ls.code(),
                episode.ls.description()
            ),
            _ => format!(
                "Legal status changed to {} ({})",
                episode.ls.code(),
                episode.ls.description()
            ),
        };
        events.push((episode.decom, 1, what));
        if let Some(reason) = episode.reason_place_change
            && let Some(dec) = episode.dec
        {
            events.push((
                dec,
                1,
                format!(
                    "Placement ended: {} ({})",
                    reason.description(),
                    reason.code()
                ),
            ));
        }
    }
    for review in &record.reviews {
        let code = review
            .review_code
            .map(|c| format!(": {}", c.description()))
            .unwrap_or_default();
        events.push((review.review, 1, format!("Looked-after review{code}")));
    }
    for missing in &record.missing {
        let end = missing
            .mis_end
            .map(|d| format!(" until {}", format_dmy(d)))
            .unwrap_or_else(|| " (no end recorded)".into());
        events.push((
            missing.mis_start,
            1,
            format!("{}{end}", missing.missing.description()),
        ));
    }
    for decision in &record.placed_for_adoption {
        events.push((
            decision.date_placed,
            1,
            "Decision that the child should be placed for adoption".into(),
        ));
        if let Some(ceased) = decision.date_placed_ceased {
            let reason = decision
                .reason_placed_ceased
                .map(|r| format!(": {}", r.description()))
                .unwrap_or_default();
            events.push((
                ceased,
                1,
                format!("Decision to place for adoption reversed{reason}"),
            ));
        }
    }
    for adoption in &record.adoptions {
        if let Some(date) = adoption.date_match {
            events.push((date, 1, "Matched with adopters".into()));
        }
    }
    for sw in &record.social_worker_episodes {
        events.push((
            sw.sw_decom,
            1,
            format!("Social worker {} allocated", sw.sw_id),
        ));
    }
    for dolo in &record.deprivation_of_liberty {
        events.push((dolo.dolo_start, 1, "Deprivation of liberty order".into()));
    }
    for oc3 in &record.care_leaver_outcomes {
        let parts = [
            oc3.in_touch.map(|c| c.description()),
            oc3.activ.map(|c| c.description()),
            oc3.accom.map(|c| c.description()),
        ];
        let parts: Vec<&str> = parts.into_iter().flatten().collect();
        events.push((
            oc3.year.end(),
            3,
            format!(
                "Care-leaver outcomes for {}: {}",
                oc3.year,
                parts.join("; ")
            ),
        ));
    }
    events.extend(tracker_events);
    events.sort_by_key(|a| (a.0, a.1));
    line(String::new());
    for (date, order, what) in events {
        let indent = if order == 0 { "" } else { "  " };
        line(format!("{}  {indent}{what}", format_dmy(date)));
    }
    text
}
