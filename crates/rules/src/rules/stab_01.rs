//! STAB-01: three or more placements in the last 12 months (the short-term placement
//! stability indicator, measured every day on a rolling year).

use permanence_domain::codes::ReasonNewEpisode;
use permanence_domain::date::{add_months, format_dmy};

use crate::context::{Context, placement_text};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// STAB-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "STAB-01",
    title: "Three or more placements in 12 months",
    condition: "The child is looked after and has had at least the policy number of \
                placements (default 3) in the 12 months up to the evaluation date: those that \
                started in the window and the one already open when it began. Temporary \
                placements (T0 to T4) and short breaks (V3, V4) are left out. Every change of \
                placement counts (RNE P, T, B, U and the first placement of a period of \
                care), including placements in an earlier period of care within the window. \
                The finding is overdue from the start of the latest placement.",
    source: "National indicator: short-term placement stability, \"3 or more placements \
             during the year\" [S79]; counting rules domain.md §3.4",
    basis: Basis::NationalIndicator,
    inputs: &["Episodes: DECOM, RNE, LS, PLACE, DEC"],
    needs_tracker_records: false,
    owner: Role::TeamManager,
    escalation: "Team manager; IRO; placement stability meeting",
    action: "Hold a placement stability meeting: what support does the current placement \
             need to last, and is the care plan right?",
    notes: &[
        "The window is 12 calendar months ending on the evaluation date; a placement that \
         ended on the first day of the window or earlier has dropped out.",
        "Exact DfE inclusion rules are unconfirmed (domain.md §2.1): the choice here follows \
         domain.md §3.4.",
        "Cannot decide: the child's earliest episode in the loaded data started inside the \
         window and is not the start of a period of care, so earlier placements in the \
         window may be missing from the data, and the placements seen are fewer than the \
         threshold.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Placements in the last 12 months that raise the finding.
    placements: number (Placements, 2..=20) = 3;
}

/// STAB-01.
pub struct Stab01;

impl_rule!(Stab01, INFO, stab_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    if ctx.current_period().is_none() {
        return Vec::new();
    }
    let journey = ctx.journey;
    let count = journey.placements_in_last_12_months(ctx.as_of) as i32;
    let window_start = add_months(ctx.as_of, -12);
    let window = format!(
        "{} to {} (12 months)",
        format_dmy(window_start),
        format_dmy(ctx.as_of)
    );
    if count >= settings.placements {
        let counted: Vec<_> = journey
            .placements
            .iter()
            .filter(|p| p.counts_as_move())
            .filter(|p| p.start <= ctx.as_of && p.end.is_none_or(|end| end > window_start))
            .collect();
        let latest = counted.last().map_or(ctx.as_of, |p| p.start);
        let evidence = vec![
            Evidence::new("Window", window),
            Evidence::new(
                "Placements",
                format!(
                    "{count}: {}",
                    counted
                        .iter()
                        .map(|p| placement_text(p, ctx.as_of))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            ),
            Evidence::new(
                "Threshold",
                format!(
                    "{} placements (temporary placements and short breaks left out)",
                    settings.placements
                ),
            ),
        ];
        return vec![ctx.finding(&INFO, Status::Overdue, Some(latest), evidence)];
    }
    let Some(earliest) = journey.record.episodes.first() else {
        return Vec::new();
    };
    if earliest.decom > window_start && earliest.rne != ReasonNewEpisode::S {
        let evidence = vec![
            Evidence::new("Window", window),
            Evidence::new("Placements seen", count.to_string()),
            Evidence::new(
                "Earliest episode in the data",
                format!(
                    "{} with RNE {}: the placement before it, inside the window, is not in the \
                     loaded data",
                    format_dmy(earliest.decom),
                    earliest.rne
                ),
            ),
        ];
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    /// In care from 6 January 2025 (U6), moved 1 March 2025 (U6), then 25 December 2025
    /// (U4, Christmas Day).
    fn three_placements() -> ChildRecord {
        let mut record = in_care(d(2014, 1, 1), d(2025, 1, 6), Placement::U6);
        move_to(
            &mut record,
            d(2025, 3, 1),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        move_to(
            &mut record,
            d(2025, 12, 25),
            ReasonNewEpisode::P,
            Placement::U4,
        );
        record
    }

    #[test]
    fn flags_the_third_placement_from_its_start() {
        let record = three_placements();
        assert_eq!(status(&Stab01, &record, d(2025, 12, 24)), None);
        assert_eq!(
            status(&Stab01, &record, d(2025, 12, 25)),
            overdue(d(2025, 12, 25))
        );
        assert_eq!(
            status(&Stab01, &record, d(2025, 12, 26)),
            overdue(d(2025, 12, 25))
        );
        let finding = &run(&Stab01, &record, d(2025, 12, 29))[0];
        assert_eq!(finding.days_overdue, 4);
        assert!(finding.evidence_text().contains("Placements: 3: U6"));
    }

    #[test]
    fn placements_drop_out_of_the_rolling_year() {
        // The first placement ended on 1 March 2025: counted until 28 February 2026, gone
        // from 1 March 2026, when the window starts on 1 March 2025.
        let record = three_placements();
        assert_eq!(
            status(&Stab01, &record, d(2026, 2, 28)),
            overdue(d(2025, 12, 25))
        );
        assert_eq!(status(&Stab01, &record, d(2026, 3, 1)), None);
        assert_eq!(status(&Stab01, &record, d(2026, 3, 2)), None);
    }

    #[test]
    fn temporary_placements_and_same_placement_legal_changes_do_not_count() {
        let mut record = in_care(d(2014, 1, 1), d(2025, 1, 6), Placement::U6);
        move_to(
            &mut record,
            d(2025, 3, 1),
            ReasonNewEpisode::P,
            Placement::T3,
        );
        move_to(
            &mut record,
            d(2025, 3, 8),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        move_to(
            &mut record,
            d(2025, 6, 2),
            ReasonNewEpisode::L,
            Placement::U6,
        );
        assert_eq!(status(&Stab01, &record, d(2025, 7, 1)), None);
        move_to(
            &mut record,
            d(2025, 7, 1),
            ReasonNewEpisode::T,
            Placement::U4,
        );
        assert_eq!(
            status(&Stab01, &record, d(2025, 7, 1)),
            overdue(d(2025, 7, 1))
        );
    }

    #[test]
    fn a_child_who_leaves_care_is_not_flagged() {
        let mut record = three_placements();
        leave_care(&mut record, d(2026, 1, 5), ReasonEpisodeCeased::E4A);
        assert_eq!(
            status(&Stab01, &record, d(2026, 1, 4)),
            overdue(d(2025, 12, 25))
        );
        assert_eq!(status(&Stab01, &record, d(2026, 1, 5)), None);
    }

    #[test]
    fn placements_of_an_earlier_period_in_the_window_count_after_re_entry() {
        let mut record = in_care(d(2014, 1, 1), d(2025, 1, 6), Placement::U6);
        move_to(
            &mut record,
            d(2025, 3, 1),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        leave_care(&mut record, d(2025, 5, 1), ReasonEpisodeCeased::E4B);
        re_enter(&mut record, d(2025, 9, 1), Placement::K2);
        assert_eq!(
            status(&Stab01, &record, d(2025, 9, 1)),
            overdue(d(2025, 9, 1))
        );
    }

    #[test]
    fn the_threshold_is_policy() {
        let record = three_placements();
        let mut policy = crate::policy::Policy::default();
        policy.rules.stab_01.placements = 4;
        assert!(run_with(&Stab01, &record, &policy, d(2025, 12, 26)).is_empty());
    }

    #[test]
    fn cannot_decide_when_earlier_placements_may_be_missing() {
        // The earliest episode in the data is a move (RNE P) in the window: the placement
        // before it is not in the data.
        let mut record = in_care(d(2014, 1, 1), d(2025, 9, 1), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::P;
        assert_eq!(
            status(&Stab01, &record, d(2025, 10, 1)),
            Some((Status::CannotDecide, None))
        );
        // A year later the window no longer reaches before the data.
        assert_eq!(status(&Stab01, &record, d(2026, 9, 1)), None);
    }

    #[test]
    fn a_move_on_easter_monday() {
        let mut record = in_care(d(2014, 1, 1), d(2025, 6, 2), Placement::U6);
        move_to(
            &mut record,
            d(2025, 9, 1),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        move_to(
            &mut record,
            d(2026, 4, 6),
            ReasonNewEpisode::B,
            Placement::K2,
        );
        assert_eq!(status(&Stab01, &record, d(2026, 4, 5)), None);
        assert_eq!(
            status(&Stab01, &record, d(2026, 4, 6)),
            overdue(d(2026, 4, 6))
        );
        assert_eq!(
            status(&Stab01, &record, d(2026, 4, 7)),
            overdue(d(2026, 4, 6))
        );
    }
}
