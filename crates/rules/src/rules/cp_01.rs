//! CP-01: a care plan within 10 working days of the start of the first placement
//! (CPPCR 2010 reg 4(2)).

use permanence_domain::tracker::ActivityKind;

use crate::context::Context;
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::{latest_text, unmet};

/// CP-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CP-01",
    title: "Care plan within 10 working days of the first placement",
    condition: "The child is looked after and no care plan has been recorded for the current \
                period of care. The care plan is due before the first placement or, if that \
                is not practicable, on the 10th working day after the period of care (and so \
                its first placement) began. A care plan dated up to the policy number of days \
                (default 7) before the child came into care counts, as one prepared for a \
                planned admission. A care plan recorded late clears the finding from its date.",
    source: "CPPCR 2010 reg 4(2): care plan before the first placement or \"within 10 working \
             days of the start of the first placement\" [S2]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, DEC, REC (the period of care)",
        "Tracker activity: care plan (date)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; team manager",
    action: "Write the care plan now (with the plan for permanence, health plan and personal \
             education plan), or record the date of the plan that exists.",
    notes: &[
        "A child who re-enters care needs a new care plan: plans dated on or before the day \
         the previous period of care ended do not count.",
        "Children in a series of short breaks (legal status V3 or V4) are left out: CPPCR \
         reg 48 replaces their care plan with a short-break care plan.",
        "When the period of care began before the loaded data its start is not known: any \
         care plan since the previous period counts, and with none the rule cannot decide \
         until the latest possible due date (10 working days after the earliest episode in \
         the data) has passed.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Working days after the start of the first placement by which the care plan must be
    /// in place.
    working_days: number (WorkingDays, 1..=100) = 10;
    /// Days before the child came into care that a care plan may be dated and still count.
    days_before: number (Days, 0..=90) = 7;
}

/// CP-01.
pub struct Cp01;

impl_rule!(Cp01, INFO, cp_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    if ctx.in_short_breaks() {
        return Vec::new();
    }
    let start = current.start();
    let due = ctx.calendar.add_working_days(start, settings.working_days);
    let from = ctx.period_records_from(settings.days_before);
    let done = ctx.first_activity(ActivityKind::CarePlan, from);
    unmet(
        ctx,
        &INFO,
        ctx.due_soon_days(settings),
        due,
        current.start_known,
        done,
        || {
            vec![
                Evidence::new("Period of care started", current.start_evidence()),
                Evidence::new(
                    "Care plan due",
                    latest_text(
                        ctx.working_days_text(start, settings.working_days, due),
                        current.start_known,
                    ),
                ),
                Evidence::new("Care plans for this period of care", "none recorded"),
            ]
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::rules::test_support::*;

    fn came_in(start: Date) -> Case {
        Case::new(in_care(d(2015, 3, 1), start, Placement::U6))
    }

    #[test]
    fn due_10_working_days_after_coming_into_care_over_christmas() {
        // Saturday 20 December 2025: 22 to 24 December (3), 29 to 31 (6), 2 January (7),
        // 5 to 7 January 2026 (10); Christmas, Boxing Day and New Year's Day skipped.
        let case = came_in(d(2025, 12, 20));
        let due = d(2026, 1, 7);
        assert_eq!(case.status(&Cp01, d(2025, 12, 27)), None);
        assert_eq!(case.status(&Cp01, d(2025, 12, 28)), due_soon(due));
        assert_eq!(case.status(&Cp01, d(2026, 1, 6)), due_soon(due));
        assert_eq!(case.status(&Cp01, due), due_soon(due));
        assert_eq!(case.status(&Cp01, d(2026, 1, 8)), overdue(due));
        let finding = case.finding(&Cp01, d(2026, 1, 8));
        assert_eq!(finding.owner.as_deref(), Some("SW1"));
        assert_eq!(finding.owner_name.as_deref(), Some("Sam Walker"));
        assert_eq!(
            finding.evidence_text(),
            "Period of care started: 20/12/2025 (episode DECOM, RNE S); Care plan due: \
             07/01/2026 (10 working days after 20/12/2025; bank holidays skipped: 25/12/2025 \
             (Christmas Day), 26/12/2025 (Boxing Day), 01/01/2026 (New Year's Day)); Care \
             plans for this period of care: none recorded"
        );
    }

    #[test]
    fn a_weekend_start_counts_from_monday() {
        // Friday 5 June 2026, Saturday 6 and Sunday 7: 8 to 12 June (5), 15 to 19 (10).
        for start in [d(2026, 6, 5), d(2026, 6, 6), d(2026, 6, 7)] {
            let case = came_in(start);
            assert_eq!(case.status(&Cp01, d(2026, 6, 19)), due_soon(d(2026, 6, 19)));
            assert_eq!(case.status(&Cp01, d(2026, 6, 20)), overdue(d(2026, 6, 19)));
        }
    }

    #[test]
    fn counts_working_days_over_easter() {
        // Thursday 26 March 2026: 27 March (1), 30 March to 2 April (5), Good Friday and
        // Easter Monday skipped, 7 to 10 April (9), Monday 13 April (10).
        let case = came_in(d(2026, 3, 26));
        assert_eq!(case.status(&Cp01, d(2026, 4, 13)), due_soon(d(2026, 4, 13)));
        assert_eq!(case.status(&Cp01, d(2026, 4, 14)), overdue(d(2026, 4, 13)));
    }

    #[test]
    fn a_care_plan_meets_the_rule_from_its_date() {
        let on_time = came_in(d(2025, 12, 20)).activity(ActivityKind::CarePlan, &[d(2026, 1, 7)]);
        assert_eq!(on_time.status(&Cp01, d(2026, 1, 8)), None);
        let late = came_in(d(2025, 12, 20)).activity(ActivityKind::CarePlan, &[d(2026, 1, 12)]);
        assert_eq!(late.status(&Cp01, d(2026, 1, 11)), overdue(d(2026, 1, 7)));
        assert_eq!(late.status(&Cp01, d(2026, 1, 12)), None);
        // Prepared before a planned admission: up to 7 days before counts.
        let before = came_in(d(2025, 12, 20)).activity(ActivityKind::CarePlan, &[d(2025, 12, 13)]);
        assert_eq!(before.status(&Cp01, d(2026, 1, 8)), None);
        let too_early =
            came_in(d(2025, 12, 20)).activity(ActivityKind::CarePlan, &[d(2025, 12, 12)]);
        assert_eq!(
            too_early.status(&Cp01, d(2026, 1, 8)),
            overdue(d(2026, 1, 7))
        );
    }

    #[test]
    fn a_child_who_leaves_care_on_the_due_date_is_not_flagged() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
        leave_care(&mut record, d(2026, 1, 7), ReasonEpisodeCeased::E4A);
        let case = Case::new(record);
        assert_eq!(case.status(&Cp01, d(2026, 1, 6)), due_soon(d(2026, 1, 7)));
        assert_eq!(case.status(&Cp01, d(2026, 1, 7)), None);
        assert_eq!(case.status(&Cp01, d(2026, 1, 8)), None);
    }

    #[test]
    fn re_entry_needs_a_new_care_plan() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 6, 2), Placement::U6);
        leave_care(&mut record, d(2025, 12, 19), ReasonEpisodeCeased::E4B);
        re_enter(&mut record, d(2025, 12, 20), Placement::U6);
        let case =
            Case::new(record).activity(ActivityKind::CarePlan, &[d(2025, 6, 5), d(2025, 12, 15)]);
        assert_eq!(case.status(&Cp01, d(2026, 1, 8)), overdue(d(2026, 1, 7)));
    }

    #[test]
    fn cannot_decide_when_the_period_began_before_the_data() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::L;
        let case = Case::new(record);
        assert_eq!(
            case.status(&Cp01, d(2025, 12, 22)),
            Some((Status::CannotDecide, None))
        );
        assert_eq!(case.status(&Cp01, d(2026, 1, 8)), overdue(d(2026, 1, 7)));
        assert!(
            case.finding(&Cp01, d(2026, 1, 8))
                .evidence_text()
                .contains("at the latest")
        );
        // Any care plan since the previous period counts.
        let case = case.activity(ActivityKind::CarePlan, &[d(2025, 1, 5)]);
        assert_eq!(case.status(&Cp01, d(2026, 1, 8)), None);
    }

    #[test]
    fn short_breaks_are_left_out() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
        record.episodes[0].ls = LegalStatus::V3;
        assert_eq!(Case::new(record).status(&Cp01, d(2026, 1, 8)), None);
    }

    #[test]
    fn the_threshold_is_policy() {
        let case = came_in(d(2025, 12, 20)).policy(|p| p.rules.cp_01.working_days = 3);
        assert_eq!(
            case.status(&Cp01, d(2025, 12, 25)),
            overdue(d(2025, 12, 24))
        );
    }
}
