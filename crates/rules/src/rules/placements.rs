//! The placement a rule is about: the child's current home, with the choice of whether a
//! change of placement with the same carers (RNE `T` or `U`, for example a short-term
//! foster placement becoming long-term) starts a new placement for the rule.
//!
//! Temporary placements (T0 to T4) are never a home: while the child is in one, rules
//! about the current placement say nothing.

use permanence_domain::Date;
use permanence_domain::codes::ReasonNewEpisode;
use permanence_domain::journey::PlacementSpell;

use permanence_domain::date::add_days;
use permanence_domain::tracker::ActivityKind;

use crate::context::{Context, CurrentPeriod, placement_text};
use crate::finding::{Evidence, Finding};
use crate::rule::{RuleInfo, RuleSettings};
use crate::rules::records::{latest_text, unmet};

/// The child's current home for a rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Home<'a> {
    /// The placement spells of the home, first to current.
    pub spells: &'a [PlacementSpell],
    /// The placement before the home in this period of care.
    pub before: Option<&'a PlacementSpell>,
    /// Whether the day it began is in the data (`start` is otherwise the latest it could
    /// have begun).
    pub start_known: bool,
}

impl<'a> Home<'a> {
    /// The day the home began (or the latest it could have).
    pub fn start(&self) -> Date {
        self.spells[0].start
    }

    /// The current placement.
    pub fn current(&self) -> &'a PlacementSpell {
        self.spells.last().expect("a home has a placement")
    }

    /// The placements as evidence.
    pub fn text(&self, ctx: &Context<'_>) -> String {
        let text = self
            .spells
            .iter()
            .map(|spell| placement_text(spell, ctx.as_of))
            .collect::<Vec<_>>()
            .join("; then ");
        if self.start_known {
            text
        } else {
            format!(
                "{text} (began on or before this: the placement started before the loaded data)"
            )
        }
    }
}

/// The child's current home, when the child is looked after and not in a temporary
/// placement. With `same_carers_continue`, changes of placement with the same carers
/// (RNE `T`, `U`) continue the home; otherwise they start a new one.
pub(crate) fn home<'a>(
    current: &CurrentPeriod<'a>,
    same_carers_continue: bool,
) -> Option<Home<'a>> {
    let spells = current.placements;
    let last = spells.len().checked_sub(1)?;
    if spells[last].place.is_temporary() {
        return None;
    }
    let mut first = last;
    while same_carers_continue && first > 0 && !spells[first].new_carers {
        first -= 1;
    }
    // Not past a temporary placement: the child came back from it to a placement.
    if spells[first].place.is_temporary() {
        first += 1;
    }
    let before = first.checked_sub(1).map(|i| &spells[i]);
    let spells = &spells[first..=last];
    let start_known = first > 0 || current.start_known || {
        let rne = current.first_episode.rne;
        if same_carers_continue {
            rne.changes_carer()
        } else {
            rne != ReasonNewEpisode::L
        }
    };
    Some(Home {
        spells,
        before,
        start_known,
    })
}

/// A record (`kind`) due within `working_days` of the start of the current placement
/// (CP-02, CP-03). Records dated up to `days_before` days before the placement began
/// count (made for a planned move), but not those dated on or before the day the
/// previous placement began, nor before the period of care.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record_for_placement(
    ctx: &Context<'_>,
    info: &'static RuleInfo,
    settings: &dyn RuleSettings,
    kind: ActivityKind,
    what: &'static str,
    working_days: i32,
    days_before: i32,
    same_carer_moves_count: bool,
) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    if ctx.in_short_breaks() {
        return Vec::new();
    }
    let Some(home) = home(&current, !same_carer_moves_count) else {
        return Vec::new();
    };
    let start = home.start();
    let due = ctx.calendar.add_working_days(start, working_days);
    let mut from = add_days(start, -days_before).max(ctx.period_records_from(days_before));
    if let Some(before) = home.before {
        from = from.max(add_days(before.start, 1));
    }
    if !home.start_known {
        from = ctx.period_records_from(days_before);
    }
    let done = ctx.first_activity(kind, from);
    unmet(
        ctx,
        info,
        ctx.due_soon_days(settings),
        due,
        home.start_known,
        done,
        || {
            vec![
                Evidence::new("Placement", home.text(ctx)),
                Evidence::new(
                    "Due",
                    latest_text(
                        ctx.working_days_text(start, working_days, due),
                        home.start_known,
                    ),
                ),
                Evidence::new(what, "none recorded for this placement"),
            ]
        },
    )
}
