//! HLT-02: review health assessments every 6 months for children under 5 and every 12
//! months from age 5.

use permanence_domain::date::add_months;
use permanence_domain::tracker::ActivityKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// HLT-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "HLT-02",
    title: "Review health assessment",
    condition: "The child is looked after, has had a health assessment (initial or review) \
                for this period of care, and the next review assessment is due: 6 calendar \
                months after the latest assessment if the child was under 5 on the day of \
                that assessment, 12 months otherwise. A review assessment on or before the \
                due date meets the rule; a late one clears the finding from its date.",
    source: "Review health assessments at least every 6 months under age 5, every 12 months \
             from age 5 (as summarised by local-authority procedures) [S14], [S16]",
    basis: Basis::Guidance,
    inputs: &[
        "Header: DOB",
        "Episodes: DECOM, RNE, DEC, REC, LS (the period of care)",
        "Tracker activity: initial or review health assessment (date)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; looked-after children's nurse",
    action: "Book the review health assessment with the looked-after children's health team.",
    notes: &[
        "The interval follows the child's age on the day of the latest assessment: an \
         assessment at 4 years 11 months is followed 6 months later, one at 5 years 12 \
         months later.",
        "Before the first assessment of the period the initial assessment is due (HLT-01), \
         and this rule says nothing. Assessments count from the policy's months (HLT-01's \
         `previous_months`, default 3) before the period began.",
        "Children in a series of short breaks (V3, V4) are left out (CPPCR reg 48).",
        "Cannot decide: the date of birth is after the evaluation date or after the period \
         of care began.",
    ],
};

rule_settings! {
    due_soon_days: Some(28);
    /// Children under this age on the day of their latest assessment are reassessed at
    /// the shorter interval.
    younger_than: number (Years, 1..=18) = 5;
    /// Months between assessments for younger children.
    months_younger: number (Months, 1..=24) = 6;
    /// Months between assessments for older children.
    months_older: number (Months, 1..=24) = 12;
}

/// HLT-02.
pub struct Hlt02;

impl_rule!(Hlt02, INFO, hlt_02, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    if ctx.in_short_breaks() {
        return Vec::new();
    }
    let from = if current.start_known {
        add_months(current.start(), -ctx.policy.rules.hlt_01.previous_months)
    } else {
        ctx.period_records_from(0)
    };
    let Some(latest) = [
        ActivityKind::InitialHealthAssessment,
        ActivityKind::ReviewHealthAssessment,
    ]
    .into_iter()
    .filter_map(|kind| ctx.last_activity(kind, from))
    .max() else {
        return Vec::new();
    };
    if let Some(evidence) = ctx.dob_problem() {
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    }
    let age = ctx.age_on(latest);
    let months = if age < settings.younger_than {
        settings.months_younger
    } else {
        settings.months_older
    };
    let due = add_months(latest, months);
    let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
        return Vec::new();
    };
    let evidence = vec![
        Evidence::new(
            "Latest health assessment",
            format!("{} (aged {age})", dmy(latest)),
        ),
        Evidence::new(
            "Next assessment due",
            format!(
                "{} ({months} calendar months later, for a child {} {} then)",
                dmy(due),
                if age < settings.younger_than {
                    "under"
                } else {
                    "aged"
                },
                if age < settings.younger_than {
                    settings.younger_than.to_string()
                } else {
                    format!("{} or over", settings.younger_than)
                }
            ),
        ),
    ];
    vec![ctx.finding(&INFO, status, Some(due), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    /// Born 1 March 2022; in care since 5 January 2025.
    fn assessed(dates: &[Date]) -> Case {
        Case::new(in_care(d(2022, 3, 1), d(2025, 1, 5), Placement::U6))
            .activity(ActivityKind::InitialHealthAssessment, &dates[..1])
            .activity(ActivityKind::ReviewHealthAssessment, &dates[1..])
    }

    #[test]
    fn every_6_months_under_5() {
        // Latest assessment Saturday 31 January 2026 (aged 3): due Friday 31 July 2026.
        let case = assessed(&[d(2025, 1, 20), d(2025, 7, 20), d(2026, 1, 31)]);
        let due = d(2026, 7, 31);
        assert_eq!(case.status(&Hlt02, d(2026, 7, 2)), None);
        assert_eq!(case.status(&Hlt02, d(2026, 7, 3)), due_soon(due));
        assert_eq!(case.status(&Hlt02, due), due_soon(due));
        assert_eq!(case.status(&Hlt02, d(2026, 8, 1)), overdue(due));
        let finding = case.finding(&Hlt02, d(2026, 8, 1));
        assert_eq!(
            finding.evidence_text(),
            "Latest health assessment: 31/01/2026 (aged 3); Next assessment due: 31/07/2026 (6 \
             calendar months later, for a child under 5 then)"
        );
        // Calendar-month due dates do not move off a weekend: 31 July 2027 is a Saturday.
        let case = assessed(&[d(2025, 1, 20), d(2027, 1, 31)]);
        assert_eq!(case.status(&Hlt02, d(2027, 8, 1)), overdue(d(2027, 7, 31)));
    }

    #[test]
    fn every_12_months_from_5() {
        // 28 February 2027 (aged 4, the day before the 5th birthday): 6 months.
        let case = assessed(&[d(2025, 1, 20), d(2027, 2, 28)]);
        assert_eq!(case.status(&Hlt02, d(2027, 8, 29)), overdue(d(2027, 8, 28)));
        // 1 March 2027 (the 5th birthday): 12 months.
        let case = assessed(&[d(2025, 1, 20), d(2027, 3, 1)]);
        assert_eq!(case.status(&Hlt02, d(2027, 9, 2)), None);
        assert_eq!(case.status(&Hlt02, d(2028, 3, 2)), overdue(d(2028, 3, 1)));
    }

    #[test]
    fn a_late_assessment_clears_it_from_its_date() {
        let case = assessed(&[d(2025, 1, 20), d(2025, 7, 20), d(2026, 2, 10)]);
        assert_eq!(case.status(&Hlt02, d(2026, 2, 9)), overdue(d(2026, 1, 20)));
        assert_eq!(case.status(&Hlt02, d(2026, 2, 10)), None);
    }

    #[test]
    fn nothing_before_the_first_assessment_and_after_leaving_care() {
        assert_eq!(
            Case::new(in_care(d(2022, 3, 1), d(2025, 1, 5), Placement::U6))
                .status(&Hlt02, d(2026, 1, 1)),
            None
        );
        let mut record = in_care(d(2022, 3, 1), d(2025, 1, 5), Placement::U6);
        leave_care(&mut record, d(2025, 7, 20), ReasonEpisodeCeased::E4A);
        let case = Case::new(record.clone())
            .activity(ActivityKind::InitialHealthAssessment, &[d(2025, 1, 20)]);
        assert_eq!(case.status(&Hlt02, d(2025, 7, 21)), None);
        // Re-entry a year later: the old assessment is too old to count, HLT-01 applies.
        re_enter(&mut record, d(2026, 3, 2), Placement::U6);
        let case =
            Case::new(record).activity(ActivityKind::InitialHealthAssessment, &[d(2025, 1, 20)]);
        assert_eq!(case.status(&Hlt02, d(2026, 3, 3)), None);
    }

    #[test]
    fn cannot_decide_without_a_possible_date_of_birth() {
        let case = Case::new(in_care(d(2025, 6, 1), d(2025, 1, 5), Placement::U6))
            .activity(ActivityKind::InitialHealthAssessment, &[d(2025, 1, 20)]);
        assert_eq!(case.status(&Hlt02, d(2025, 8, 1)), cannot_decide());
    }
}
