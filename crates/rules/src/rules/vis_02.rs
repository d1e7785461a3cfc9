//! VIS-02: visits at most 6 weeks apart in the first year of a placement (CPPCR 2010
//! reg 28(2)(b)). See [`crate::rules::visits`] for the shared timetable.

use crate::context::Context;
use crate::finding::{Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::visits;

/// VIS-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "VIS-02",
    title: "Visits at most 6 weeks apart in the placement's first year",
    condition: "The child is looked after in a placement that follows the default visit \
                timetable, and the latest social worker visit was in the placement's first \
                year (default 12 months). The next visit is due the policy number of days \
                (default 42) after it. A visit on or before then meets the rule; a late one \
                clears the finding from its date.",
    source: "CPPCR 2010 reg 28(2)(b): visits at intervals of not more than six weeks for the \
             first year of the placement [S12]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, PLACE, LS, DEC (the current placement)",
        "Tracker activity: social worker visits (date)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; team manager",
    action: "Visit the child and record the visit.",
    notes: &[
        "The interval after a visit depends on when that visit was: a visit in the first \
         year is followed within 42 days even if that runs past the anniversary.",
        "Visits are counted from the last one recorded in this placement; a visit is one \
         record, whether or not the child was seen alone.",
        "Cannot decide: the placement began before the loaded data and is long-term \
         fostering, so whether the latest visit was in its first year (42 days) or later \
         (3 months) is not known; after 3 months VIS-03 is overdue either way.",
    ],
};

rule_settings! {
    due_soon_days: Some(7);
    /// Days between visits in the placement's first year.
    days: number (Days, 1..=120) = 42;
    /// The length of the placement's "first year", in months.
    first_year_months: number (Months, 1..=36) = 12;
}

/// VIS-02.
pub struct Vis02;

impl_rule!(Vis02, INFO, vis_02, evaluate);

fn evaluate(ctx: &Context<'_>, _settings: &Settings) -> Vec<Finding> {
    visits::findings_for(ctx, &INFO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    fn visited(last: Date) -> Case {
        Case::new(in_care(d(2014, 5, 1), d(2025, 6, 2), Placement::U6))
            .activity(ActivityKind::Visit, &[d(2025, 6, 5), last])
    }

    #[test]
    fn due_42_days_after_the_latest_visit() {
        // 20 November 2025 + 42 days = 1 January 2026 (calendar days: Christmas counts).
        let case = visited(d(2025, 11, 20));
        let due = d(2026, 1, 1);
        assert_eq!(case.status(&Vis02, d(2025, 12, 24)), None);
        assert_eq!(case.status(&Vis02, d(2025, 12, 25)), due_soon(due));
        assert_eq!(case.status(&Vis02, due), due_soon(due));
        assert_eq!(case.status(&Vis02, d(2026, 1, 2)), overdue(due));
        assert!(
            case.finding(&Vis02, d(2026, 1, 2))
                .evidence_text()
                .contains(
                    "Visits since the timetable began: 2, the latest on 20/11/2025 (counting from \
             02/06/2025); Next visit due: 01/01/2026 (42 days after the latest visit, in the \
             placement's first year (to 02/06/2026))"
                )
        );
        // A due date on a Saturday stays there: 7 February 2026.
        assert_eq!(
            visited(d(2025, 12, 27)).status(&Vis02, d(2026, 2, 8)),
            overdue(d(2026, 2, 7))
        );
    }

    #[test]
    fn a_late_visit_restarts_the_count_from_its_date() {
        let case = visited(d(2025, 11, 20)).activity(ActivityKind::Visit, &[d(2026, 1, 5)]);
        assert_eq!(case.status(&Vis02, d(2026, 1, 4)), overdue(d(2026, 1, 1)));
        assert_eq!(case.status(&Vis02, d(2026, 1, 5)), None);
        assert_eq!(case.status(&Vis02, d(2026, 2, 17)), overdue(d(2026, 2, 16)));
    }

    #[test]
    fn a_first_year_visit_is_followed_within_42_days_past_the_anniversary() {
        // Visited 20 May 2026, before the anniversary (2 June): next by 1 July.
        let case = visited(d(2026, 5, 20));
        assert_eq!(case.status(&Vis02, d(2026, 7, 2)), overdue(d(2026, 7, 1)));
    }

    #[test]
    fn leaving_care_on_the_due_date() {
        let mut case = visited(d(2025, 11, 20));
        leave_care(&mut case.record, d(2026, 1, 1), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Vis02, d(2026, 1, 2)), None);
    }
}
