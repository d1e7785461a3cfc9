//! A child's journey as an SVG timeline, with its text alternative.
//!
//! [`timeline`] is a pure function of the journey (from the 903 return), the tracker's
//! records, the child's open findings and the evaluation date. It draws one picture:
//! a time axis with year ticks, a row of placements coloured by placement type (with the
//! code written in every bar wide enough and a tooltip on every bar), a band of
//! legal-status spells, rows of markers for reviews, permanence plan changes, meetings and
//! alerts, a "today" line, and gaps where the child was not looked after. The same events
//! are returned as [`Entry`] rows, in date order, for the list that goes with it.
//!
//! The page's content security policy allows no inline styles and no script, so the
//! picture uses presentation attributes only. Every piece of text in it is escaped here,
//! which is why the page may render [`Timeline::svg`] without escaping it again.
//! The picture shows at most the last [`WINDOW_YEARS`] years; the list always holds the
//! whole history. Records dated after the evaluation date are left out (as the drift
//! engine leaves them out), except alerts, which may fall due soon.

use std::collections::BTreeMap;
use std::fmt::Write;

use permanence_domain::Date;
use permanence_domain::codes::{Code, LegalStatus, PlacementGroup, ReasonEpisodeCeased};
use permanence_domain::date::{add_days, add_months, days_between, format_dmy};
use permanence_domain::journey::{Journey, LegalStatusSpell, PlacementSpell};
use permanence_domain::record::Review;
use permanence_domain::tracker::{ChildTracker, Meeting, PermanencePlan};
use permanence_rules::{Finding, Status};

/// The most years the picture shows, ending on the evaluation date. Earlier events are in
/// the list only.
pub const WINDOW_YEARS: i32 = 10;

/// The picture's width in SVG units (its `viewBox`); it scales to the page.
const WIDTH: f64 = 960.0;
/// Where the time axis starts and ends: row labels sit to the left.
const PLOT_LEFT: f64 = 136.0;
const PLOT_RIGHT: f64 = 936.0;
/// Text sizes (SVG units; the picture is never drawn narrower than its viewBox, see
/// `app.css`, so these are at least CSS pixels).
const TEXT: f64 = 12.0;
const LABEL: f64 = 13.0;

const PLACEMENT_Y: f64 = 30.0;
const PLACEMENT_H: f64 = 28.0;
const LEGAL_Y: f64 = 62.0;
const LEGAL_H: f64 = 22.0;
const REVIEW_Y: f64 = 106.0;
const PLAN_Y: f64 = 132.0;
const MEETING_Y: f64 = 158.0;
const ALERT_Y: f64 = 184.0;
/// Alerts close in time go in lanes one above another, so none hides another.
const ALERT_LANE: f64 = 20.0;
const ALERT_LANES: usize = 3;

const INK: &str = "#0b0c0c";
const SECONDARY_INK: &str = "#484949";
const WHITE: &str = "#ffffff";
const GRID: &str = "#dbdad9";

/// The timeline: the picture and its text alternative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// The inline SVG, every text escaped (safe to put in the page as it is).
    pub svg: String,
    /// Every event, in date order: the picture as a list.
    pub entries: Vec<Entry>,
    /// The first day the picture shows.
    pub shown_from: Date,
    /// The last day the picture shows (a little after the evaluation date).
    pub shown_to: Date,
    /// Whether events before `shown_from` are left out of the picture (they are in the
    /// list).
    pub earlier_history_hidden: bool,
}

/// One event of the journey, as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The day it happened (for an alert, the day it fell or falls due).
    pub date: Date,
    /// What kind of event it is.
    pub kind: EntryKind,
    /// What happened, in plain English.
    pub text: String,
}

impl Entry {
    /// The date as `dd/mm/yyyy`.
    pub fn date_text(&self) -> String {
        format_dmy(self.date)
    }

    /// The kind's label.
    pub fn kind_label(&self) -> &'static str {
        self.kind.label()
    }
}

/// The kinds of event on a timeline, in the order they are listed within a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    /// A period of care ended.
    LeftCare,
    /// A period of care started.
    CameIntoCare,
    /// A placement started.
    Placement,
    /// A legal status started.
    LegalStatus,
    /// A looked-after review (903 Reviews).
    Review,
    /// A permanence plan was decided, or permanence achieved.
    PlanChange,
    /// A permanence planning meeting or family group conference.
    Meeting,
    /// An open alert from the drift engine, at its due date.
    Alert,
}

impl EntryKind {
    /// Plain-English label.
    pub fn label(self) -> &'static str {
        match self {
            EntryKind::LeftCare => "Left care",
            EntryKind::CameIntoCare => "Came into care",
            EntryKind::Placement => "Placement",
            EntryKind::LegalStatus => "Legal status",
            EntryKind::Review => "Review",
            EntryKind::PlanChange => "Plan change",
            EntryKind::Meeting => "Meeting",
            EntryKind::Alert => "Alert",
        }
    }
}

/// A fill colour and the colour of text drawn on it (at least 4.5:1, WCAG AA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Paint {
    fill: &'static str,
    text: &'static str,
}

/// Placement bars by type group. Light and dark fills alternate between neighbouring
/// groups so that they also differ in lightness, not only in hue.
fn placement_paint(group: PlacementGroup) -> Paint {
    let (fill, text) = match group {
        PlacementGroup::FosterCare => ("#1d70b8", WHITE),
        PlacementGroup::PlacedForAdoption => ("#00703c", WHITE),
        PlacementGroup::WithParents => ("#4c2c92", WHITE),
        PlacementGroup::ChildrensHome => ("#f47738", INK),
        PlacementGroup::SupportedOrIndependentLiving => ("#28a197", INK),
        PlacementGroup::OtherResidential => ("#f499be", INK),
        PlacementGroup::Other => ("#505a5f", WHITE),
    };
    Paint { fill, text }
}

/// Legal-status groups, as the brief groups them (`LegalStatus::group`).
const LEGAL_GROUPS: [&str; 7] = [
    "Full care order",
    "Interim care order",
    "Placement or freeing order",
    "Section 20",
    "Emergency order or police protection",
    "Youth justice",
    "Short breaks",
];

fn legal_paint(status: LegalStatus) -> Paint {
    legal_group_paint(status.group())
}

fn legal_group_paint(group: &str) -> Paint {
    let (fill, text) = match group {
        "Full care order" => ("#12436d", WHITE),
        "Interim care order" => ("#85b4de", INK),
        "Placement or freeing order" => ("#85994b", INK),
        "Section 20" => ("#dbdad9", INK),
        "Emergency order or police protection" => ("#942514", WHITE),
        "Youth justice" => ("#a285d1", INK),
        _ => ("#ffbf47", INK),
    };
    Paint { fill, text }
}

const REVIEW_FILL: &str = INK;
const PLAN_FILL: &str = "#4c2c92";
const MEETING_FILL: &str = "#1d3c6e";
const OVERDUE_FILL: &str = "#b01f2a";
const GAP_FILL: &str = "#f3f2f1";
const GAP_STROKE: &str = "#6f777b";

/// Draws the child's journey up to `as_of`, with the child's open `findings` as alerts.
pub fn timeline(
    journey: &Journey,
    tracker: Option<&ChildTracker>,
    findings: &[&Finding],
    as_of: Date,
) -> Timeline {
    let events = Events::gather(journey, tracker, findings, as_of);
    let scale = Scale::new(&events, as_of);
    let entries = entries(&events);
    let svg = draw(journey.child(), &events, &scale, as_of);
    Timeline {
        svg,
        entries,
        shown_from: scale.start,
        shown_to: scale.end,
        earlier_history_hidden: scale.windowed,
    }
}

/// A period of care as it stood on the evaluation date.
struct Period {
    start: Date,
    /// `None` while still looked after on the evaluation date.
    end: Option<Date>,
    reason: Option<ReasonEpisodeCeased>,
}

/// Open findings that fall due on the same day: one marker.
struct AlertDay<'a> {
    date: Date,
    findings: Vec<&'a Finding>,
}

impl AlertDay<'_> {
    fn status(&self) -> Status {
        self.findings
            .iter()
            .map(|f| f.status)
            .min()
            .unwrap_or(Status::CannotDecide)
    }
}

/// What the timeline shows, as it stood on the evaluation date.
struct Events<'a> {
    periods: Vec<Period>,
    placements: Vec<(&'a PlacementSpell, Option<Date>)>,
    legal_statuses: Vec<(&'a LegalStatusSpell, Option<Date>)>,
    reviews: Vec<&'a Review>,
    plans: Vec<&'a PermanencePlan>,
    meetings: Vec<&'a Meeting>,
    alerts: Vec<AlertDay<'a>>,
    as_of: Date,
}

/// An end date as known on `as_of`: an end after it is still in the future.
fn known_end(end: Option<Date>, as_of: Date) -> Option<Date> {
    end.filter(|&end| end <= as_of)
}

impl<'a> Events<'a> {
    fn gather(
        journey: &'a Journey,
        tracker: Option<&'a ChildTracker>,
        findings: &[&'a Finding],
        as_of: Date,
    ) -> Events<'a> {
        let periods = journey
            .periods
            .iter()
            .filter(|p| p.start <= as_of)
            .map(|p| {
                let end = known_end(p.end, as_of);
                Period {
                    start: p.start,
                    end,
                    reason: end.and(p.reason_ceased),
                }
            })
            .collect();
        let placements = journey
            .placements
            .iter()
            .filter(|p| p.start <= as_of)
            .map(|p| (p, known_end(p.end, as_of)))
            .collect();
        let legal_statuses = journey
            .legal_statuses
            .iter()
            .filter(|s| s.start <= as_of)
            .map(|s| (s, known_end(s.end, as_of)))
            .collect();
        let mut reviews: Vec<&Review> = journey
            .record
            .reviews
            .iter()
            .filter(|r| r.review <= as_of)
            .collect();
        reviews.sort_by_key(|r| r.review);
        let (mut plans, mut meetings) = (Vec::new(), Vec::new());
        if let Some(tracker) = tracker {
            plans.extend(tracker.plans.iter().filter(|p| p.decided <= as_of));
            meetings.extend(tracker.meetings.iter().filter(|m| m.date <= as_of));
        }
        plans.sort_by_key(|p| p.decided);
        meetings.sort_by_key(|m| m.date);
        // A finding with no due date (the rule cannot decide) is shown on the day.
        let mut by_day: BTreeMap<Date, Vec<&Finding>> = BTreeMap::new();
        for finding in findings {
            by_day
                .entry(finding.due.unwrap_or(as_of))
                .or_default()
                .push(finding);
        }
        let alerts = by_day
            .into_iter()
            .map(|(date, mut findings)| {
                findings.sort_by(|a, b| a.status.cmp(&b.status).then(a.rule.cmp(b.rule)));
                AlertDay { date, findings }
            })
            .collect();
        Events {
            periods,
            placements,
            legal_statuses,
            reviews,
            plans,
            meetings,
            alerts,
            as_of,
        }
    }
}

/// Dates to x positions.
struct Scale {
    start: Date,
    end: Date,
    windowed: bool,
}

impl Scale {
    fn new(events: &Events<'_>, as_of: Date) -> Scale {
        let earliest_shown = add_months(as_of, -12 * WINDOW_YEARS);
        let first = events
            .periods
            .first()
            .map(|p| p.start)
            .into_iter()
            .chain(events.alerts.first().map(|a| a.date))
            .min()
            .unwrap_or_else(|| add_months(as_of, -12));
        let windowed = first < earliest_shown;
        let start = first.max(earliest_shown);
        let last = events.alerts.last().map_or(as_of, |a| a.date.max(as_of));
        let span = days_between(start, last).max(1);
        // A little room either side, so that the first bar and today's line stand clear
        // of the edges; none on the left when the window cuts the history.
        let before = if windowed { 0 } else { (span / 40).max(7) };
        let after = (span / 25).max(30);
        let mut start = add_days(start, -before);
        let end = add_days(last, after);
        // At least three months across, so that a few days in care is not a wall of colour.
        if days_between(start, end) < 92 {
            start = add_days(end, -92);
        }
        Scale {
            start,
            end,
            windowed,
        }
    }

    fn days(&self) -> f64 {
        f64::from(days_between(self.start, self.end))
    }

    /// The x position of the start of `date`, clamped to the plot.
    fn x(&self, date: Date) -> f64 {
        let offset = f64::from(days_between(self.start, date)).clamp(0.0, self.days());
        PLOT_LEFT + offset / self.days() * (PLOT_RIGHT - PLOT_LEFT)
    }

    fn shows(&self, date: Date) -> bool {
        self.start <= date && date <= self.end
    }
}

pub use permanence_reports::charts::escape;

/// A coordinate with at most one decimal place.
fn n(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

/// A generous estimate of the width of Arial text (for deciding what fits), from the
/// widths of its letters in ems.
fn text_width(text: &str, size: f64) -> f64 {
    let ems: f64 =
        text.chars()
            .map(|c| match c {
                ' ' | 'i' | 'j' | 'l' | 't' | 'f' | 'r' | 'I' | '!' | '.' | ',' | '\'' | '('
                | ')' => 0.34,
                'm' | 'w' | 'M' | 'W' | '×' => 0.86,
                c if c.is_ascii_uppercase() || c.is_ascii_digit() => 0.7,
                _ => 0.58,
            })
            .sum();
    ems * size
}

fn plural(count: i32, unit: &str) -> String {
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

/// How long from `from` to `to`, in years and months (days under a month).
fn duration(from: Date, to: Date) -> String {
    let days = days_between(from, to);
    let mut months = (i32::from(to.year()) - i32::from(from.year())) * 12
        + (i32::from(to.month()) - i32::from(from.month()));
    if months > 0 && add_months(from, months) > to {
        months -= 1;
    }
    match (months / 12, months % 12) {
        (0, 0) => plural(days.max(0), "day"),
        (0, m) => plural(m, "month"),
        (y, 0) => plural(y, "year"),
        (y, m) => format!("{} {}", plural(y, "year"), plural(m, "month")),
    }
}

/// "from 10/01/2022 to 01/06/2022 (4 months)" or "from 10/01/2022, ongoing (2 years)".
fn dates_text(start: Date, end: Option<Date>, as_of: Date) -> String {
    match end {
        Some(end) => format!(
            "from {} to {} ({})",
            format_dmy(start),
            format_dmy(end),
            duration(start, end)
        ),
        None => format!(
            "from {}, ongoing ({} so far)",
            format_dmy(start),
            duration(start, as_of)
        ),
    }
}

fn plan_text(plan: &PermanencePlan) -> String {
    let mut text = format!(
        "Permanence plan decided ({}): primary plan {}",
        plan.forum.label(),
        plan.primary.label()
    );
    if !plan.parallel.is_empty() {
        let parallel: Vec<&str> = plan.parallel.iter().map(|p| p.label()).collect();
        write!(text, "; parallel plan {}", parallel.join(", ")).unwrap();
    }
    if let Some(contingency) = plan.contingency {
        write!(text, "; contingency plan {}", contingency.label()).unwrap();
    }
    if let Some(target) = plan.target {
        write!(text, "; permanence by {}", format_dmy(target)).unwrap();
    }
    text
}

fn meeting_text(meeting: &Meeting) -> String {
    if meeting.outcome.trim().is_empty() {
        meeting.kind.label().to_string()
    } else {
        format!("{}: {}", meeting.kind.label(), meeting.outcome.trim())
    }
}

fn finding_text(finding: &Finding) -> String {
    let mut text = format!(
        "{}: {} {}",
        finding.status.label(),
        finding.rule,
        finding.title
    );
    match finding.due {
        Some(due) if finding.days_overdue > 0 => write!(
            text,
            " (due {}, {} overdue)",
            format_dmy(due),
            plural(finding.days_overdue, "day")
        ),
        Some(due) => write!(text, " (due {})", format_dmy(due)),
        None => write!(text, " (no due date: the records do not say)"),
    }
    .unwrap();
    text
}

fn placement_text(spell: &PlacementSpell, end: Option<Date>, as_of: Date) -> String {
    format!(
        "{}: {} ({}), {}",
        spell.place.code(),
        spell.place.description(),
        spell.place.group().label(),
        dates_text(spell.start, end, as_of)
    )
}

fn legal_text(spell: &LegalStatusSpell, end: Option<Date>, as_of: Date) -> String {
    format!(
        "{}: {}, {}",
        spell.legal_status.code(),
        spell.legal_status.description(),
        dates_text(spell.start, end, as_of)
    )
}

/// As `legal_text`, with the group when it says more than the description.
fn legal_title(spell: &LegalStatusSpell, end: Option<Date>, as_of: Date) -> String {
    let status = spell.legal_status;
    if status.group() == status.description() {
        legal_text(spell, end, as_of)
    } else {
        format!(
            "{} ({}): {}, {}",
            status.code(),
            status.group(),
            status.description(),
            dates_text(spell.start, end, as_of)
        )
    }
}

fn review_text(review: &Review) -> String {
    match review.review_code {
        Some(code) => format!(
            "Looked-after review ({}: {})",
            code.code(),
            code.description()
        ),
        None => "Looked-after review".to_string(),
    }
}

/// The text alternative: every event, in date order (within a day, in kind order).
fn entries(events: &Events<'_>) -> Vec<Entry> {
    let as_of = events.as_of;
    let mut entries = Vec::new();
    let mut push = |date: Date, kind: EntryKind, text: String| {
        entries.push(Entry { date, kind, text });
    };
    let count = events.periods.len();
    for (index, period) in events.periods.iter().enumerate() {
        let which = if count > 1 {
            format!("period of care {} of {count}", index + 1)
        } else {
            "period of care".to_string()
        };
        push(
            period.start,
            EntryKind::CameIntoCare,
            format!("Started to be looked after ({which})"),
        );
        if let Some(end) = period.end {
            let reason = period
                .reason
                .map(|r| format!(": {} {}", r.code(), r.description()))
                .unwrap_or_default();
            push(
                end,
                EntryKind::LeftCare,
                format!("Left care after {}{reason}", duration(period.start, end)),
            );
        }
    }
    for &(spell, end) in &events.placements {
        push(
            spell.start,
            EntryKind::Placement,
            placement_text(spell, end, as_of),
        );
    }
    for &(spell, end) in &events.legal_statuses {
        push(
            spell.start,
            EntryKind::LegalStatus,
            legal_text(spell, end, as_of),
        );
    }
    for review in &events.reviews {
        push(review.review, EntryKind::Review, review_text(review));
    }
    for plan in &events.plans {
        push(plan.decided, EntryKind::PlanChange, plan_text(plan));
        if let Some(achieved) = plan.achieved.filter(|&a| a <= as_of) {
            let by = plan.achieved_by.unwrap_or(plan.primary);
            push(
                achieved,
                EntryKind::PlanChange,
                format!("Permanence achieved: {}", by.label()),
            );
        }
    }
    for meeting in &events.meetings {
        push(meeting.date, EntryKind::Meeting, meeting_text(meeting));
    }
    for day in &events.alerts {
        for finding in &day.findings {
            push(day.date, EntryKind::Alert, finding_text(finding));
        }
    }
    // A stable sort keeps each kind's own order within a day.
    entries.sort_by_key(|e| (e.date, e.kind));
    entries.dedup();
    entries
}

/// The SVG being written.
struct Svg {
    out: String,
}

impl Svg {
    /// Text at (x, y), escaped. `anchor` is `start`, `middle` or `end`.
    fn text(&mut self, x: f64, y: f64, text: &str, attributes: &str) {
        let space = if attributes.is_empty() { "" } else { " " };
        write!(
            self.out,
            r#"<text x="{}" y="{}"{space}{attributes}>{}</text>"#,
            n(x),
            n(y),
            escape(text)
        )
        .unwrap();
    }

    fn open_group(&mut self, class: &str, title: &str) {
        write!(
            self.out,
            r#"<g class="{class}"><title>{}</title>"#,
            escape(title)
        )
        .unwrap();
    }

    fn close_group(&mut self) {
        self.out.push_str("</g>");
    }

    fn rect(&mut self, x: f64, y: f64, width: f64, height: f64, attributes: &str) {
        write!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" {attributes}/>"#,
            n(x),
            n(y),
            n(width),
            n(height)
        )
        .unwrap();
    }

    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, attributes: &str) {
        write!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {attributes}/>"#,
            n(x1),
            n(y1),
            n(x2),
            n(y2)
        )
        .unwrap();
    }
}

/// The marker shapes, centred on (x, y).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Review,
    Plan,
    Meeting,
    Alert(Status),
}

fn marker(svg: &mut Svg, shape: Marker, x: f64, y: f64) {
    let (x_, y_) = (n(x), n(y));
    match shape {
        Marker::Review => write!(
            svg.out,
            r#"<circle cx="{x_}" cy="{y_}" r="6" fill="{REVIEW_FILL}"/>"#
        ),
        Marker::Plan => write!(
            svg.out,
            r#"<path d="M{x_} {} l8 8 l-8 8 l-8 -8 z" fill="{PLAN_FILL}"/>"#,
            n(y - 8.0)
        ),
        Marker::Meeting => write!(
            svg.out,
            r#"<rect x="{}" y="{}" width="12" height="12" fill="{MEETING_FILL}"/>"#,
            n(x - 6.0),
            n(y - 6.0)
        ),
        // Overdue: filled; due soon: outlined; cannot decide: dashed outline. The shape
        // and fill tell them apart without colour.
        Marker::Alert(status) => {
            let (fill, stroke, dash) = match status {
                Status::Overdue => (OVERDUE_FILL, OVERDUE_FILL, ""),
                Status::DueSoon => (WHITE, INK, ""),
                Status::CannotDecide => (WHITE, SECONDARY_INK, r#" stroke-dasharray="3 2""#),
            };
            write!(
                svg.out,
                r#"<path d="M{x_} {} l8 14 h-16 z" fill="{fill}" stroke="{stroke}" stroke-width="2" stroke-linejoin="round"{dash}/>"#,
                n(y - 8.0)
            )
        }
    }
    .unwrap();
}

/// Where the rows that depend on the data go: the lane of each alert marker and the axis.
struct Layout {
    /// The lane of each of `Events::alerts` (0 nearest the row's label).
    alert_lanes: Vec<usize>,
    axis_y: f64,
}

impl Layout {
    fn new(events: &Events<'_>, scale: &Scale) -> Layout {
        // Each lane holds markers (and their counts) that do not touch; a marker goes in
        // the first lane with room, or, when none has, the one that ends soonest.
        let mut lane_ends: Vec<f64> = Vec::new();
        let mut alert_lanes = Vec::new();
        for day in &events.alerts {
            let x = scale.x(day.date);
            let right = x + 9.0 + alert_count_width(day.findings.len());
            let lane = match lane_ends.iter().position(|&end| end + 2.0 <= x - 9.0) {
                Some(lane) => lane,
                None if lane_ends.len() < ALERT_LANES => {
                    lane_ends.push(f64::MIN);
                    lane_ends.len() - 1
                }
                None => (0..lane_ends.len())
                    .min_by(|&a, &b| lane_ends[a].total_cmp(&lane_ends[b]))
                    .expect("a lane"),
            };
            lane_ends[lane] = lane_ends[lane].max(right);
            alert_lanes.push(lane);
        }
        let lanes = lane_ends.len().max(1);
        Layout {
            alert_lanes,
            axis_y: ALERT_Y + (lanes - 1) as f64 * ALERT_LANE + 18.0,
        }
    }
}

/// The width of the "×3" beside a marker that stands for several alerts.
fn alert_count_width(count: usize) -> f64 {
    if count > 1 {
        4.0 + text_width(&format!("×{count}"), TEXT) * 1.1
    } else {
        0.0
    }
}

/// The plain-English summary in the picture's `<desc>`.
fn description(events: &Events<'_>, scale: &Scale) -> String {
    let as_of = events.as_of;
    let mut text = String::new();
    match events.periods.last() {
        None => text.push_str("No period of care is recorded. "),
        Some(period) => {
            match period.end {
                None => write!(
                    text,
                    "Looked after since {} ({}). ",
                    format_dmy(period.start),
                    duration(period.start, as_of)
                ),
                Some(end) => write!(
                    text,
                    "Not looked after on {}: last left care on {}. ",
                    format_dmy(as_of),
                    format_dmy(end)
                ),
            }
            .unwrap();
            write!(
                text,
                "{} in {}",
                plural(events.placements.len() as i32, "placement"),
                plural(events.periods.len() as i32, "period"),
            )
            .unwrap();
            text.push_str(" of care");
            if let Some(&(current, None)) = events.placements.last() {
                write!(
                    text,
                    "; current placement {} ({}) since {}",
                    current.place.code(),
                    current.place.group().label().to_lowercase(),
                    format_dmy(current.start)
                )
                .unwrap();
            }
            if let Some(&(status, None)) = events.legal_statuses.last() {
                write!(
                    text,
                    "; legal status {} ({})",
                    status.legal_status.code(),
                    status.legal_status.group().to_lowercase()
                )
                .unwrap();
            }
            text.push_str(". ");
        }
    }
    let overdue = events
        .alerts
        .iter()
        .flat_map(|a| &a.findings)
        .filter(|f| f.status == Status::Overdue)
        .count();
    let alerts: usize = events.alerts.iter().map(|a| a.findings.len()).sum();
    write!(
        text,
        "{}, {}, {} and {} ({} overdue). ",
        plural(events.reviews.len() as i32, "review"),
        plural(events.plans.len() as i32, "plan decision"),
        plural(events.meetings.len() as i32, "meeting"),
        plural(alerts as i32, "open alert"),
        overdue
    )
    .unwrap();
    if scale.windowed {
        write!(
            text,
            "The picture shows {} to {}; earlier events are in the list. ",
            format_dmy(scale.start),
            format_dmy(scale.end)
        )
        .unwrap();
    }
    text.push_str("Every event is also listed in date order below the picture.");
    text
}

fn draw(child: &str, events: &Events<'_>, scale: &Scale, as_of: Date) -> String {
    let mut svg = Svg { out: String::new() };
    let layout = Layout::new(events, scale);
    let body = draw_body(&mut svg, events, scale, &layout, as_of);
    let height = draw_legend(&mut svg, events, scale, body);
    let inner = std::mem::take(&mut svg.out);
    let mut out = String::with_capacity(inner.len() + 1024);
    write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="app-timeline__svg" viewBox="0 0 {} {}" width="100%" role="img" aria-labelledby="journey-timeline-title" aria-describedby="journey-timeline-desc" font-family="Arial, Helvetica, sans-serif" font-size="{}" fill="{INK}">"#,
        n(WIDTH),
        n(height),
        n(TEXT)
    )
    .unwrap();
    write!(
        out,
        r#"<title id="journey-timeline-title">Journey through care of child {} up to {}</title><desc id="journey-timeline-desc">{}</desc>"#,
        escape(child),
        format_dmy(as_of),
        escape(&description(events, scale))
    )
    .unwrap();
    out.push_str(&inner);
    out.push_str("</svg>");
    out
}

/// Axis, rows and markers; returns the y where the legend may start.
fn draw_body(
    svg: &mut Svg,
    events: &Events<'_>,
    scale: &Scale,
    layout: &Layout,
    as_of: Date,
) -> f64 {
    let label = format!(r#"font-size="{}" font-weight="bold""#, n(LABEL));
    for (y, text) in [
        (PLACEMENT_Y + PLACEMENT_H / 2.0 + 4.5, "Placements"),
        (LEGAL_Y + LEGAL_H / 2.0 + 4.5, "Legal status"),
        (REVIEW_Y + 4.5, "Reviews"),
        (PLAN_Y + 4.5, "Plan changes"),
        (MEETING_Y + 4.5, "Meetings"),
        (ALERT_Y + 4.5, "Alerts"),
    ] {
        svg.text(8.0, y, text, &label);
    }
    let axis_bottom = draw_axis(svg, scale, layout.axis_y);
    // Guide lines for the marker rows.
    let lanes = layout.alert_lanes.iter().max().map_or(1, |&lane| lane + 1);
    let alert_lanes = (0..lanes).map(|lane| ALERT_Y + lane as f64 * ALERT_LANE);
    for y in [REVIEW_Y, PLAN_Y, MEETING_Y].into_iter().chain(alert_lanes) {
        svg.line(
            PLOT_LEFT,
            y,
            PLOT_RIGHT,
            y,
            &format!(r#"stroke="{GRID}" stroke-width="1""#),
        );
    }
    draw_gaps(svg, events, scale, as_of);
    draw_placements(svg, events, scale, as_of);
    draw_legal_statuses(svg, events, scale, as_of);
    // Today's line sits under the markers and their labels.
    let today = scale.x(as_of);
    svg.line(
        today,
        PLACEMENT_Y - 6.0,
        today,
        layout.axis_y,
        &format!(
            r#"class="app-timeline__today" stroke="{INK}" stroke-width="2" stroke-dasharray="4 3""#
        ),
    );
    let today_label = format!("Today {}", format_dmy(as_of));
    let anchor = if today + text_width(&today_label, TEXT) / 2.0 > WIDTH - 4.0 {
        r#"text-anchor="end""#
    } else {
        r#"text-anchor="middle""#
    };
    let today_x = if anchor.contains("end") {
        WIDTH - 4.0
    } else {
        today
    };
    svg.text(
        today_x,
        PLACEMENT_Y - 10.0,
        &today_label,
        &format!(r#"{anchor} font-weight="bold""#),
    );
    if scale.windowed {
        svg.text(
            PLOT_LEFT,
            PLACEMENT_Y - 10.0,
            &format!(
                "Earlier history (before {}) is in the list",
                scale.start.year()
            ),
            &format!(r#"fill="{SECONDARY_INK}""#),
        );
    }
    draw_markers(svg, events, scale, layout);
    axis_bottom
}

/// Year ticks (and month ticks for short windows); returns the y below the labels.
fn draw_axis(svg: &mut Svg, scale: &Scale, axis_y: f64) -> f64 {
    let plot_width = PLOT_RIGHT - PLOT_LEFT;
    let months_across = scale.days() / 30.44;
    let px_per_month = plot_width / months_across;
    let month_step = if px_per_month >= 36.0 {
        Some(1)
    } else if px_per_month >= 12.0 {
        Some(3)
    } else {
        None
    };
    let year_label_y = axis_y + if month_step.is_some() { 32.0 } else { 17.0 };
    // Year gridlines behind everything, then the axis.
    let first_year = scale.start.year();
    let last_year = scale.end.year();
    let mut year_labels = Vec::new();
    for year in first_year..=last_year + 1 {
        let Ok(new_year) = Date::new(year, 1, 1) else {
            continue;
        };
        if !scale.shows(new_year) {
            continue;
        }
        let x = scale.x(new_year);
        svg.line(
            x,
            PLACEMENT_Y - 2.0,
            x,
            axis_y,
            &format!(r#"stroke="{GRID}" stroke-width="1""#),
        );
        svg.line(
            x,
            axis_y,
            x,
            axis_y + 6.0,
            &format!(r#"stroke="{INK}" stroke-width="1""#),
        );
        year_labels.push((x, year));
    }
    svg.line(
        PLOT_LEFT,
        axis_y,
        PLOT_RIGHT,
        axis_y,
        &format!(r#"stroke="{INK}" stroke-width="1""#),
    );
    if let Some(step) = month_step {
        let mut month = Date::new(scale.start.year(), scale.start.month(), 1).expect("a month");
        while month <= scale.end {
            if scale.shows(month) && (i32::from(month.month()) - 1) % step == 0 {
                let x = scale.x(month);
                // January has the year's longer tick already.
                if month.month() != 1 {
                    svg.line(
                        x,
                        axis_y,
                        x,
                        axis_y + 4.0,
                        &format!(r#"stroke="{INK}" stroke-width="1""#),
                    );
                }
                svg.text(
                    x,
                    axis_y + 16.0,
                    MONTHS[usize::from(month.month().unsigned_abs()) - 1],
                    r#"text-anchor="middle""#,
                );
            }
            month = add_months(month, 1);
        }
        // A window within one year has no new year's day: name the year at the start.
        if year_labels.is_empty() {
            svg.text(
                PLOT_LEFT,
                year_label_y,
                &scale.start.year().to_string(),
                r#"font-weight="bold""#,
            );
        }
    }
    // Year labels, skipping any that would run into the one before.
    let mut last_end = f64::MIN;
    for (x, year) in year_labels {
        let half = text_width("0000", TEXT) / 2.0;
        if x - half < last_end + 4.0 || x + half > WIDTH {
            continue;
        }
        svg.text(
            x,
            year_label_y,
            &year.to_string(),
            r#"text-anchor="middle" font-weight="bold""#,
        );
        last_end = x + half;
    }
    year_label_y + 8.0
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Between periods of care, and after the last one ended: "Not in care".
fn draw_gaps(svg: &mut Svg, events: &Events<'_>, scale: &Scale, as_of: Date) {
    let mut gaps = Vec::new();
    for pair in events.periods.windows(2) {
        if let Some(end) = pair[0].end
            && end < pair[1].start
        {
            gaps.push((end, pair[1].start, "Not in care"));
        }
    }
    if let Some(end) = events.periods.last().and_then(|p| p.end)
        && end < as_of
    {
        gaps.push((end, as_of, "Left care"));
    }
    for (from, to, label) in gaps {
        if to < scale.start {
            continue;
        }
        let (x1, x2) = (scale.x(from), scale.x(to));
        let width = (x2 - x1).max(2.0);
        svg.open_group(
            "app-timeline__gap",
            &format!(
                "{label}: not looked after from {} to {} ({})",
                format_dmy(from),
                format_dmy(to),
                duration(from, to)
            ),
        );
        svg.rect(
            x1,
            PLACEMENT_Y,
            width,
            LEGAL_Y + LEGAL_H - PLACEMENT_Y,
            &format!(
                r#"fill="{GAP_FILL}" stroke="{GAP_STROKE}" stroke-width="1" stroke-dasharray="4 3""#
            ),
        );
        if text_width(label, TEXT) + 8.0 <= width {
            svg.text(
                x1 + width / 2.0,
                PLACEMENT_Y + PLACEMENT_H / 2.0 + 4.0,
                label,
                &format!(r#"text-anchor="middle" fill="{INK}""#),
            );
        }
        svg.close_group();
    }
}

fn draw_placements(svg: &mut Svg, events: &Events<'_>, scale: &Scale, as_of: Date) {
    for &(spell, end) in &events.placements {
        let shown_end = end.unwrap_or(as_of);
        if shown_end < scale.start {
            continue;
        }
        let paint = placement_paint(spell.place.group());
        let (x1, x2) = (scale.x(spell.start), scale.x(shown_end));
        let width = (x2 - x1).max(2.0);
        svg.open_group(
            "app-timeline__placement",
            &format!("Placement {}", placement_text(spell, end, as_of)),
        );
        // A white edge separates neighbouring bars of the same colour.
        svg.rect(
            x1,
            PLACEMENT_Y,
            width,
            PLACEMENT_H,
            &format!(r#"fill="{}" stroke="{WHITE}" stroke-width="1""#, paint.fill),
        );
        let code = spell.place.code();
        let long = format!("{code} {}", spell.place.group().label());
        let label = if text_width(&long, TEXT) + 10.0 <= width {
            Some(long.as_str())
        } else if text_width(code, TEXT) + 6.0 <= width {
            Some(code)
        } else {
            None
        };
        if let Some(label) = label {
            svg.text(
                x1 + 4.0,
                PLACEMENT_Y + PLACEMENT_H / 2.0 + 4.0,
                label,
                &format!(r#"fill="{}" font-weight="bold""#, paint.text),
            );
        }
        svg.close_group();
    }
}

fn draw_legal_statuses(svg: &mut Svg, events: &Events<'_>, scale: &Scale, as_of: Date) {
    for &(spell, end) in &events.legal_statuses {
        let shown_end = end.unwrap_or(as_of);
        if shown_end < scale.start {
            continue;
        }
        let paint = legal_paint(spell.legal_status);
        let (x1, x2) = (scale.x(spell.start), scale.x(shown_end));
        let width = (x2 - x1).max(2.0);
        svg.open_group(
            "app-timeline__legal-status",
            &format!("Legal status {}", legal_title(spell, end, as_of)),
        );
        svg.rect(
            x1,
            LEGAL_Y,
            width,
            LEGAL_H,
            &format!(r#"fill="{}" stroke="{WHITE}" stroke-width="1""#, paint.fill),
        );
        let code = spell.legal_status.code();
        if text_width(code, TEXT) + 6.0 <= width {
            svg.text(
                x1 + 4.0,
                LEGAL_Y + LEGAL_H / 2.0 + 4.0,
                code,
                &format!(r#"fill="{}" font-weight="bold""#, paint.text),
            );
        }
        svg.close_group();
    }
}

fn draw_markers(svg: &mut Svg, events: &Events<'_>, scale: &Scale, layout: &Layout) {
    for review in &events.reviews {
        if !scale.shows(review.review) {
            continue;
        }
        svg.open_group(
            "app-timeline__review",
            &format!("{} on {}", review_text(review), format_dmy(review.review)),
        );
        marker(svg, Marker::Review, scale.x(review.review), REVIEW_Y);
        svg.close_group();
    }
    let plans: Vec<&&PermanencePlan> = events
        .plans
        .iter()
        .filter(|p| scale.shows(p.decided))
        .collect();
    // How far right the previous plan's marker and name reach.
    let mut occupied_to = f64::MIN;
    for (index, plan) in plans.iter().enumerate() {
        let x = scale.x(plan.decided);
        svg.open_group(
            "app-timeline__plan",
            &format!("{} on {}", plan_text(plan), format_dmy(plan.decided)),
        );
        marker(svg, Marker::Plan, x, PLAN_Y);
        // The primary plan's name after the marker where it fits before the next change,
        // else before the marker where it fits after the previous one and its name.
        let name = plan.primary.label();
        let width = text_width(name, TEXT);
        let right_limit = plans
            .get(index + 1)
            .map_or(WIDTH - 4.0, |next| scale.x(next.decided) - 10.0);
        let halo = format!(r#"paint-order="stroke" stroke="{WHITE}" stroke-width="4""#);
        if x + 12.0 + width <= right_limit {
            svg.text(x + 12.0, PLAN_Y + 4.0, name, &halo);
            occupied_to = x + 12.0 + width;
        } else if x - 12.0 - width >= occupied_to.max(PLOT_LEFT - 4.0) {
            svg.text(
                x - 12.0,
                PLAN_Y + 4.0,
                name,
                &format!(r#"text-anchor="end" {halo}"#),
            );
            occupied_to = x + 8.0;
        } else {
            occupied_to = x + 8.0;
        }
        svg.close_group();
    }
    for meeting in &events.meetings {
        if !scale.shows(meeting.date) {
            continue;
        }
        svg.open_group(
            "app-timeline__meeting",
            &format!("{} on {}", meeting_text(meeting), format_dmy(meeting.date)),
        );
        marker(svg, Marker::Meeting, scale.x(meeting.date), MEETING_Y);
        svg.close_group();
    }
    for (day, lane) in events.alerts.iter().zip(&layout.alert_lanes) {
        let y = ALERT_Y + *lane as f64 * ALERT_LANE;
        // Alerts are open now: one that fell due before the picture starts is drawn at
        // its left edge rather than left out.
        let x = scale.x(day.date);
        let status = day.status();
        let title: Vec<String> = day.findings.iter().map(|f| finding_text(f)).collect();
        let class = match status {
            Status::Overdue => "app-timeline__alert app-timeline__alert--overdue",
            Status::DueSoon => "app-timeline__alert app-timeline__alert--due-soon",
            Status::CannotDecide => "app-timeline__alert app-timeline__alert--cannot-decide",
        };
        svg.open_group(class, &title.join("\n"));
        marker(svg, Marker::Alert(status), x, y);
        if day.findings.len() > 1 {
            svg.text(
                x + 10.0,
                y + 5.0,
                &format!("×{}", day.findings.len()),
                &format!(
                    r#"font-weight="bold" paint-order="stroke" stroke="{WHITE}" stroke-width="4""#
                ),
            );
        }
        svg.close_group();
    }
}

/// One key in the legend: a swatch (or marker) and its name.
enum Key {
    Swatch(Paint, String),
    Gap,
    Marker(Marker, &'static str),
    Today,
}

/// The legend, in three lines (placement types, legal statuses, markers), wrapping as
/// needed; returns the picture's height.
fn draw_legend(svg: &mut Svg, events: &Events<'_>, scale: &Scale, top: f64) -> f64 {
    let shown = |end: Option<Date>| end.is_none_or(|end| end >= scale.start);
    let mut groups: Vec<PlacementGroup> = events
        .placements
        .iter()
        .filter(|(_, end)| shown(*end))
        .map(|(p, _)| p.place.group())
        .collect();
    groups.sort();
    groups.dedup();
    let placement_keys: Vec<Key> = PlacementGroup::ALL
        .into_iter()
        .filter(|g| groups.contains(g))
        .map(|g| Key::Swatch(placement_paint(g), g.label().to_string()))
        .collect();
    let legal_keys: Vec<Key> = LEGAL_GROUPS
        .into_iter()
        .filter(|g| {
            events
                .legal_statuses
                .iter()
                .any(|(s, end)| shown(*end) && s.legal_status.group() == *g)
        })
        .map(|g| Key::Swatch(legal_group_paint(g), g.to_string()))
        .collect();
    let mut marker_keys = vec![
        Key::Marker(Marker::Review, "Review"),
        Key::Marker(Marker::Plan, "Plan change"),
        Key::Marker(Marker::Meeting, "Meeting"),
        Key::Marker(Marker::Alert(Status::Overdue), "Overdue alert"),
        Key::Marker(Marker::Alert(Status::DueSoon), "Alert due soon"),
    ];
    if events
        .alerts
        .iter()
        .any(|a| a.status() == Status::CannotDecide)
    {
        marker_keys.push(Key::Marker(
            Marker::Alert(Status::CannotDecide),
            "Alert: records unclear",
        ));
    }
    let has_gap = events
        .periods
        .windows(2)
        .any(|p| p[0].end < Some(p[1].start) && p[1].start >= scale.start)
        || events
            .periods
            .last()
            .and_then(|p| p.end)
            .is_some_and(|end| end < events.as_of);
    if has_gap {
        marker_keys.push(Key::Gap);
    }
    marker_keys.push(Key::Today);

    let mut y = top + 14.0;
    svg.line(
        8.0,
        top,
        PLOT_RIGHT,
        top,
        &format!(r#"stroke="{GRID}" stroke-width="1""#),
    );
    for (heading, keys) in [
        ("Placement types", placement_keys),
        ("Legal statuses", legal_keys),
        ("Key", marker_keys),
    ] {
        if keys.is_empty() {
            continue;
        }
        y += 10.0;
        svg.text(
            8.0,
            y + 4.5,
            heading,
            &format!(r#"font-size="{}" font-weight="bold""#, n(LABEL)),
        );
        let mut x = PLOT_LEFT;
        for key in keys {
            let name = match &key {
                Key::Swatch(_, name) => name.as_str(),
                Key::Gap => "Not in care",
                Key::Marker(_, name) => name,
                Key::Today => "Today",
            };
            let width = 22.0 + text_width(name, TEXT) + 18.0;
            if x + width > WIDTH && x > PLOT_LEFT {
                x = PLOT_LEFT;
                y += 22.0;
            }
            match key {
                Key::Swatch(paint, _) => svg.rect(
                    x,
                    y - 7.0,
                    16.0,
                    14.0,
                    &format!(r#"fill="{}" stroke="{INK}" stroke-width="1""#, paint.fill),
                ),
                Key::Gap => svg.rect(
                    x,
                    y - 7.0,
                    16.0,
                    14.0,
                    &format!(
                        r#"fill="{GAP_FILL}" stroke="{GAP_STROKE}" stroke-width="1" stroke-dasharray="4 3""#
                    ),
                ),
                Key::Marker(shape, _) => marker(svg, shape, x + 8.0, y),
                Key::Today => svg.line(
                    x + 8.0,
                    y - 9.0,
                    x + 8.0,
                    y + 9.0,
                    &format!(r#"stroke="{INK}" stroke-width="2" stroke-dasharray="4 3""#),
                ),
            }
            svg.text(x + 22.0, y + 4.5, name, "");
            x += width;
        }
        y += 22.0;
    }
    y.ceil()
}

#[cfg(test)]
mod tests {
    use permanence_domain::codes::{
        LegalStatus as Ls, Placement as Pl, ReasonEpisodeCeased as Rec, ReasonNewEpisode::*,
        ReviewCode,
    };
    use permanence_domain::journey::test_support::{child, episode};
    use permanence_domain::record::Episode;
    use permanence_domain::tracker::{Forum, MeetingKind, PermanenceOption};
    use permanence_rules::Role;

    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    /// Came into care in 2022 (U6, then long-term U4 with the same carers, a children's
    /// home), left care to a special guardian in 2023, came back in 2024.
    fn sample() -> Journey {
        let mut record = child("C1", d(2015, 5, 10));
        record.episodes = vec![
            Episode {
                ls: Ls::V2,
                ..episode(
                    d(2022, 1, 10),
                    S,
                    Pl::U6,
                    Some(d(2022, 3, 1)),
                    Some(Rec::X1),
                )
            },
            Episode {
                ls: Ls::C1,
                ..episode(d(2022, 3, 1), L, Pl::U6, Some(d(2022, 6, 1)), Some(Rec::X1))
            },
            episode(d(2022, 6, 1), T, Pl::U4, Some(d(2023, 2, 1)), Some(Rec::X1)),
            episode(
                d(2023, 2, 1),
                P,
                Pl::K2,
                Some(d(2023, 9, 1)),
                Some(Rec::E41),
            ),
            episode(d(2024, 1, 5), S, Pl::U6, None, None),
        ];
        record.reviews = vec![
            Review {
                review: d(2022, 2, 4),
                review_code: Some(ReviewCode::Pn1),
            },
            Review {
                review: d(2022, 5, 3),
                review_code: None,
            },
        ];
        Journey::new(record)
    }

    fn tracker() -> ChildTracker {
        ChildTracker {
            plans: vec![
                PermanencePlan {
                    child: "C1".into(),
                    decided: d(2022, 5, 3),
                    forum: Forum::Review,
                    primary: PermanenceOption::ReturnHome,
                    parallel: vec![PermanenceOption::ConnectedCarers],
                    contingency: Some(PermanenceOption::LongTermFostering),
                    target: Some(d(2022, 11, 1)),
                    achieved: None,
                    achieved_by: None,
                },
                PermanencePlan {
                    child: "C1".into(),
                    decided: d(2024, 3, 1),
                    forum: Forum::PermanencePlanningMeeting,
                    primary: PermanenceOption::LongTermFostering,
                    parallel: vec![],
                    contingency: None,
                    target: None,
                    achieved: None,
                    achieved_by: None,
                },
            ],
            meetings: vec![Meeting {
                child: "C1".into(),
                kind: MeetingKind::PermanencePlanningMeeting,
                date: d(2024, 2, 20),
                chair: None,
                outcome: "Agreed long-term fostering".into(),
                next: None,
            }],
            ..ChildTracker::default()
        }
    }

    fn finding(rule: &'static str, status: Status, due: Option<Date>, days: i32) -> Finding {
        Finding {
            rule,
            child: "C1".into(),
            status,
            due,
            days_overdue: days,
            owner_role: Role::SocialWorker,
            owner: None,
            owner_name: None,
            escalated_to: Role::SocialWorker,
            escalated_to_person: None,
            escalated_to_name: None,
            title: "Second review",
            evidence: vec![],
            decision: None,
            subject: None,
        }
    }

    const AS_OF: Date = Date::constant(2024, 6, 1);

    /// The opening tags of elements whose class starts with `class`.
    fn elements<'s>(svg: &'s str, class: &str) -> Vec<&'s str> {
        let marker = format!(r#"<g class="{class}"#);
        svg.match_indices(&marker)
            .map(|(at, _)| {
                let rest = &svg[at..];
                &rest[..rest.find("</g>").expect("the group closes")]
            })
            .collect()
    }

    /// A numeric attribute of the first element in `fragment` that has it.
    fn attribute(fragment: &str, name: &str) -> f64 {
        let marker = format!(r#" {name}=""#);
        let start = fragment.find(&marker).expect("the attribute") + marker.len();
        let end = start + fragment[start..].find('"').unwrap();
        fragment[start..end].parse().unwrap()
    }

    fn title(fragment: &str) -> &str {
        let start = fragment.find("<title>").unwrap() + "<title>".len();
        &fragment[start..start + fragment[start..].find("</title>").unwrap()]
    }

    #[test]
    fn placement_bars_are_in_order_and_proportional_to_time() {
        let journey = sample();
        let timeline = timeline(&journey, None, &[], AS_OF);
        let bars = elements(&timeline.svg, "app-timeline__placement");
        assert_eq!(bars.len(), 4);
        let xs: Vec<f64> = bars.iter().map(|b| attribute(b, "x")).collect();
        assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
        // U6 from 10/01/2022 to 01/06/2022 (142 days) and U4 from 01/06/2022 to
        // 01/02/2023 (245 days): widths in the same ratio, and the second starts where
        // the first ends.
        let (w0, w1) = (attribute(bars[0], "width"), attribute(bars[1], "width"));
        assert!((w1 / w0 - 245.0 / 142.0).abs() < 0.02, "{w0} {w1}");
        assert!((xs[0] + w0 - xs[1]).abs() < 0.2);
        // Positions follow the scale across the whole plot.
        let per_day = (PLOT_RIGHT - PLOT_LEFT)
            / f64::from(days_between(timeline.shown_from, timeline.shown_to));
        let expected =
            PLOT_LEFT + f64::from(days_between(timeline.shown_from, d(2024, 1, 5))) * per_day;
        assert!((xs[3] - expected).abs() < 0.1, "{} {expected}", xs[3]);
        // The current placement runs to today.
        let today = PLOT_LEFT + f64::from(days_between(timeline.shown_from, AS_OF)) * per_day;
        assert!((xs[3] + attribute(bars[3], "width") - today).abs() < 0.2);
        // The picture starts a little before care began and ends a little after today.
        assert!(timeline.shown_from < d(2022, 1, 10) && timeline.shown_from > d(2021, 11, 1));
        assert!(timeline.shown_to > AS_OF && timeline.shown_to < d(2024, 9, 1));
        assert!(!timeline.earlier_history_hidden);
    }

    #[test]
    fn bars_are_coloured_by_placement_group_and_labelled_with_the_code() {
        let journey = sample();
        let timeline = timeline(&journey, None, &[], AS_OF);
        let bars = elements(&timeline.svg, "app-timeline__placement");
        let foster = placement_paint(PlacementGroup::FosterCare);
        let home = placement_paint(PlacementGroup::ChildrensHome);
        assert_ne!(foster, home);
        for (bar, paint, code) in [
            (bars[0], foster, "U6"),
            (bars[1], foster, "U4"),
            (bars[2], home, "K2"),
            (bars[3], foster, "U6"),
        ] {
            assert!(bar.contains(&format!(r#"fill="{}""#, paint.fill)), "{bar}");
            assert!(
                bar.contains(&format!(
                    r#"fill="{}" font-weight="bold">{code}"#,
                    paint.text
                )),
                "{bar}"
            );
        }
        assert!(title(bars[2]).starts_with(
            "Placement K2: Children&#39;s home subject to Children&#39;s Homes Regulations \
             (Children&#39;s home), from 01/02/2023 to 01/09/2023 (7 months)"
        ));
        assert!(title(bars[3]).ends_with("from 05/01/2024, ongoing (4 months so far)"));
        // The legend names the groups present, and only those.
        assert!(timeline.svg.contains(">Foster care</text>"));
        assert!(timeline.svg.contains(">Children&#39;s home</text>"));
        assert!(!timeline.svg.contains(">Placed for adoption</text>"));
        // Every placement type has its colour and group.
        for group in PlacementGroup::ALL {
            let paint = placement_paint(group);
            assert!(paint.fill.starts_with('#'));
        }
    }

    #[test]
    fn legal_statuses_are_a_band_of_grouped_spells() {
        let journey = sample();
        let timeline = timeline(&journey, None, &[], AS_OF);
        let spells = elements(&timeline.svg, "app-timeline__legal-status");
        let codes: Vec<&str> = spells
            .iter()
            .map(|s| &title(s)["Legal status ".len().."Legal status ".len() + 2])
            .collect();
        assert_eq!(codes, ["V2", "C1", "C2", "C2"]);
        assert!(spells[0].contains(&format!(
            r#"fill="{}""#,
            legal_group_paint("Section 20").fill
        )));
        assert_eq!(
            title(spells[0]),
            "Legal status V2 (Section 20): Single period of accommodation under section 20, \
             from 10/01/2022 to 01/03/2022 (1 month)"
        );
        assert!(title(spells[1]).starts_with("Legal status C1: Interim care order, from"));
        assert!(timeline.svg.contains(">Full care order</text>"));
    }

    #[test]
    fn a_gap_between_periods_of_care_is_shown() {
        let journey = sample();
        let timeline = timeline(&journey, None, &[], AS_OF);
        let gaps = elements(&timeline.svg, "app-timeline__gap");
        assert_eq!(gaps.len(), 1);
        let gap = gaps[0];
        assert_eq!(
            title(gap),
            "Not in care: not looked after from 01/09/2023 to 05/01/2024 (4 months)"
        );
        let bars = elements(&timeline.svg, "app-timeline__placement");
        let k2_end = attribute(bars[2], "x") + attribute(bars[2], "width");
        assert!((attribute(gap, "x") - k2_end).abs() < 0.2);
        assert!(
            (attribute(gap, "x") + attribute(gap, "width") - attribute(bars[3], "x")).abs() < 0.2
        );
        assert!(gap.contains(">Not in care</text>"));
        // And the legend explains it.
        assert_eq!(timeline.svg.matches(">Not in care</text>").count(), 2);
    }

    #[test]
    fn the_today_marker_is_at_the_evaluation_date() {
        let journey = sample();
        let timeline = timeline(&journey, None, &[], AS_OF);
        let class = timeline.svg.find(r#"class="app-timeline__today""#).unwrap();
        let line = &timeline.svg[timeline.svg[..class].rfind("<line").unwrap()..];
        let per_day = (PLOT_RIGHT - PLOT_LEFT)
            / f64::from(days_between(timeline.shown_from, timeline.shown_to));
        let expected = PLOT_LEFT + f64::from(days_between(timeline.shown_from, AS_OF)) * per_day;
        assert!((attribute(line, "x1") - expected).abs() < 0.1);
        assert!((attribute(line, "x2") - expected).abs() < 0.1);
        assert!(expected < PLOT_RIGHT - 10.0, "a little room after today");
        assert!(timeline.svg.contains(">Today 01/06/2024</text>"));
    }

    #[test]
    fn markers_show_reviews_plans_meetings_and_alerts() {
        let journey = sample();
        let tracker = tracker();
        let overdue = finding("REV-02", Status::Overdue, Some(d(2024, 5, 20)), 12);
        let soon = finding("PERM-03", Status::DueSoon, Some(d(2024, 6, 10)), 0);
        let unclear = finding("HLT-01", Status::CannotDecide, None, 0);
        let timeline = timeline(
            &journey,
            Some(&tracker),
            &[&soon, &overdue, &unclear],
            AS_OF,
        );
        let svg = &timeline.svg;
        assert_eq!(elements(svg, "app-timeline__review").len(), 2);
        let plans = elements(svg, "app-timeline__plan");
        assert_eq!(plans.len(), 2);
        assert!(plans[1].contains(">Long-term fostering</text>"));
        assert_eq!(elements(svg, "app-timeline__meeting").len(), 1);
        let overdue_markers = elements(svg, "app-timeline__alert app-timeline__alert--overdue");
        assert_eq!(overdue_markers.len(), 1);
        assert!(overdue_markers[0].contains(&format!(r#"fill="{OVERDUE_FILL}""#)));
        assert_eq!(
            title(overdue_markers[0]),
            "Overdue: REV-02 Second review (due 20/05/2024, 12 days overdue)"
        );
        let soon_markers = elements(svg, "app-timeline__alert app-timeline__alert--due-soon");
        assert_eq!(soon_markers.len(), 1);
        assert!(soon_markers[0].contains(&format!(r#"fill="{WHITE}" stroke="{INK}""#)));
        // A finding due soon widens the picture to show its due date.
        assert!(timeline.shown_to > d(2024, 6, 10));
        assert_eq!(
            elements(
                svg,
                "app-timeline__alert app-timeline__alert--cannot-decide"
            )
            .len(),
            1
        );
        let alerts: Vec<&Entry> = timeline
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Alert)
            .collect();
        assert_eq!(alerts.len(), 3);
        assert_eq!(alerts[1].date, AS_OF, "no due date: shown on the day");
    }

    #[test]
    fn entries_are_the_whole_journey_in_date_order() {
        let journey = sample();
        let tracker = tracker();
        let timeline = timeline(&journey, Some(&tracker), &[], AS_OF);
        assert!(timeline.entries.windows(2).all(|w| w[0].date <= w[1].date));
        let kinds: Vec<EntryKind> = timeline.entries.iter().map(|e| e.kind).collect();
        assert_eq!(kinds.first(), Some(&EntryKind::CameIntoCare));
        // Left care, came back: both listed, with why care ended.
        let left = timeline
            .entries
            .iter()
            .find(|e| e.kind == EntryKind::LeftCare)
            .unwrap();
        assert_eq!(left.date, d(2023, 9, 1));
        assert!(left.text.contains("E41"), "{}", left.text);
        assert_eq!(
            timeline
                .entries
                .iter()
                .filter(|e| e.kind == EntryKind::CameIntoCare)
                .count(),
            2
        );
        // The review and the plan decided at it are listed together, review first.
        let may_3: Vec<EntryKind> = timeline
            .entries
            .iter()
            .filter(|e| e.date == d(2022, 5, 3))
            .map(|e| e.kind)
            .collect();
        assert_eq!(may_3, [EntryKind::Review, EntryKind::PlanChange]);
    }

    #[test]
    fn text_is_escaped() {
        let mut record = child(r#"C<1>&"x""#, d(2015, 5, 10));
        record.episodes = vec![episode(d(2023, 1, 10), S, Pl::U6, None, None)];
        let journey = Journey::new(record);
        let tracker = ChildTracker {
            meetings: vec![Meeting {
                child: "C1".into(),
                kind: MeetingKind::FamilyGroupConference,
                date: d(2024, 2, 1),
                chair: None,
                outcome: r#"<script>alert("x")</script> & 'more'"#.into(),
                next: None,
            }],
            ..ChildTracker::default()
        };
        let timeline = timeline(&journey, Some(&tracker), &[], AS_OF);
        let svg = &timeline.svg;
        assert!(!svg.contains("<script"));
        assert!(svg.contains("child C&lt;1&gt;&amp;&quot;x&quot; up to"));
        assert!(
            svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;")
        );
        // The list holds plain text: the page's template escapes it.
        assert!(
            timeline
                .entries
                .iter()
                .any(|e| e.text.contains(r#"<script>alert("x")"#))
        );
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn a_child_with_no_tracker_records_and_no_alerts() {
        let journey = sample();
        let timeline = timeline(&journey, None, &[], AS_OF);
        assert!(elements(&timeline.svg, "app-timeline__plan").is_empty());
        assert!(elements(&timeline.svg, "app-timeline__meeting").is_empty());
        assert!(elements(&timeline.svg, "app-timeline__alert").is_empty());
        assert!(
            timeline
                .svg
                .contains("0 plan decisions, 0 meetings and 0 open alerts (0 overdue)")
        );
        let empty = ChildTracker::default();
        assert_eq!(
            super::timeline(&journey, Some(&empty), &[], AS_OF),
            timeline
        );
    }

    #[test]
    fn a_child_with_no_period_of_care_yet() {
        let record = child("C9", d(2020, 1, 1));
        let journey = Journey::new(record);
        let timeline = timeline(&journey, None, &[], AS_OF);
        assert!(timeline.entries.is_empty());
        assert!(timeline.svg.contains("No period of care is recorded."));
        assert!(timeline.shown_from < AS_OF && AS_OF < timeline.shown_to);
    }

    #[test]
    fn a_child_no_longer_in_care() {
        let mut record = child("C2", d(2006, 3, 3));
        record.episodes = vec![
            episode(d(2019, 4, 1), S, Pl::U4, Some(d(2023, 6, 1)), Some(Rec::X1)),
            episode(
                d(2023, 6, 1),
                P,
                Pl::K3,
                Some(d(2024, 3, 3)),
                Some(Rec::E17),
            ),
        ];
        let journey = Journey::new(record);
        let timeline = timeline(&journey, None, &[], AS_OF);
        let gaps = elements(&timeline.svg, "app-timeline__gap");
        assert_eq!(gaps.len(), 1);
        assert!(
            title(gaps[0]).starts_with("Left care: not looked after from 03/03/2024 to 01/06/2024")
        );
        assert!(
            timeline
                .svg
                .contains("Not looked after on 01/06/2024: last left care on 03/03/2024.")
        );
        let bars = elements(&timeline.svg, "app-timeline__placement");
        assert!(title(bars[1]).ends_with("to 03/03/2024 (9 months)"));
        assert!(
            bars[1].contains(">K3</text>"),
            "too narrow for the group's name"
        );
        assert!(bars[0].contains(">U4 Foster care</text>"));
        assert_eq!(timeline.entries.last().unwrap().kind, EntryKind::LeftCare);
    }

    #[test]
    fn a_long_journey_shows_the_last_ten_years_and_lists_everything() {
        let mut record = child("C3", d(2006, 3, 3));
        record.episodes = vec![
            episode(d(2008, 4, 1), S, Pl::U6, Some(d(2009, 6, 1)), Some(Rec::X1)),
            episode(d(2009, 6, 1), P, Pl::A6, Some(d(2010, 1, 1)), Some(Rec::X1)),
            episode(d(2010, 1, 1), P, Pl::U4, None, None),
        ];
        record.reviews = vec![Review {
            review: d(2008, 4, 20),
            review_code: Some(ReviewCode::Pn0),
        }];
        let journey = Journey::new(record);
        let timeline = timeline(&journey, None, &[], AS_OF);
        assert!(timeline.earlier_history_hidden);
        assert_eq!(timeline.shown_from, d(2014, 6, 1));
        let bars = elements(&timeline.svg, "app-timeline__placement");
        assert_eq!(
            bars.len(),
            1,
            "placements that ended before the window are not drawn"
        );
        assert_eq!(
            attribute(bars[0], "x"),
            PLOT_LEFT,
            "the open one is cut at the edge"
        );
        assert!(title(bars[0]).contains("from 01/01/2010, ongoing (14 years 5 months so far)"));
        assert!(elements(&timeline.svg, "app-timeline__review").is_empty());
        assert!(
            timeline
                .svg
                .contains("Earlier history (before 2014) is in the list")
        );
        assert!(timeline.svg.contains("earlier events are in the list"));
        assert_eq!(timeline.entries.len(), 1 + 3 + 1 + 1);
        assert_eq!(timeline.entries[0].date, d(2008, 4, 1));
        // Year ticks, spaced apart, one for each new year shown.
        for year in 2015..=2024 {
            assert!(
                timeline
                    .svg
                    .contains(&format!(r#"font-weight="bold">{year}</text>"#)),
                "{year}"
            );
        }
    }

    #[test]
    fn a_short_stay_gets_month_ticks() {
        let mut record = child("C4", d(2012, 3, 3));
        record.episodes = vec![episode(d(2024, 5, 20), S, Pl::U3, None, None)];
        let journey = Journey::new(record);
        let timeline = timeline(&journey, None, &[], AS_OF);
        assert!(days_between(timeline.shown_from, timeline.shown_to) >= 92);
        assert!(timeline.svg.contains(r#"text-anchor="middle">Jun</text>"#));
        assert!(timeline.svg.contains(">2024</text>"));
    }

    #[test]
    fn records_after_the_evaluation_date_are_left_out() {
        let journey = sample();
        let timeline = timeline(&journey, None, &[], d(2023, 3, 1));
        assert_eq!(elements(&timeline.svg, "app-timeline__placement").len(), 3);
        let bars = elements(&timeline.svg, "app-timeline__placement");
        assert!(title(bars[2]).ends_with("from 01/02/2023, ongoing (1 month so far)"));
        assert!(timeline.entries.iter().all(|e| e.date <= d(2023, 3, 1)));
    }

    /// WCAG 2.2 AA: 4.5:1 for text on every fill; 3:1 for markers and swatches on white.
    #[test]
    fn colours_have_enough_contrast() {
        fn luminance(hex: &str) -> f64 {
            let channel = |i: usize| {
                let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
                if c <= 0.039_28 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
        }
        fn contrast(a: &str, b: &str) -> f64 {
            let (a, b) = (luminance(a), luminance(b));
            (a.max(b) + 0.05) / (a.min(b) + 0.05)
        }
        let mut paints: Vec<(String, Paint)> = PlacementGroup::ALL
            .into_iter()
            .map(|g| (g.label().to_string(), placement_paint(g)))
            .collect();
        paints.extend(LEGAL_GROUPS.map(|g| (g.to_string(), legal_group_paint(g))));
        for (name, paint) in paints {
            let ratio = contrast(paint.fill, paint.text);
            assert!(ratio >= 4.5, "{name}: {ratio:.2}");
        }
        for fill in [
            REVIEW_FILL,
            PLAN_FILL,
            MEETING_FILL,
            OVERDUE_FILL,
            GAP_STROKE,
            SECONDARY_INK,
        ] {
            assert!(contrast(fill, WHITE) >= 3.0, "{fill}");
        }
        assert!(contrast(SECONDARY_INK, WHITE) >= 4.5);
        for status in LegalStatus::ALL {
            assert!(LEGAL_GROUPS.contains(&status.group()), "{status}");
        }
    }

    #[test]
    fn durations_read_as_years_months_and_days() {
        assert_eq!(duration(d(2024, 1, 1), d(2024, 1, 1)), "0 days");
        assert_eq!(duration(d(2024, 1, 1), d(2024, 1, 2)), "1 day");
        assert_eq!(duration(d(2024, 1, 31), d(2024, 2, 29)), "1 month");
        assert_eq!(duration(d(2024, 1, 31), d(2024, 2, 28)), "28 days");
        assert_eq!(duration(d(2020, 1, 10), d(2024, 3, 9)), "4 years 1 month");
        assert_eq!(duration(d(2020, 1, 10), d(2023, 1, 10)), "3 years");
    }

    #[test]
    fn snapshot_of_a_small_journey() {
        let journey = sample();
        let tracker = tracker();
        let overdue = finding("REV-02", Status::Overdue, Some(d(2024, 5, 20)), 12);
        let timeline = timeline(&journey, Some(&tracker), &[&overdue], AS_OF);
        let mut text = timeline.svg.replace("><", ">\n<");
        text.push_str("\n\n");
        for entry in &timeline.entries {
            writeln!(
                text,
                "{} | {} | {}",
                entry.date_text(),
                entry.kind_label(),
                entry.text
            )
            .unwrap();
        }
        insta::assert_snapshot!(text);
    }
}
