//! HLT-01: the initial health assessment, before the first review and within the 20
//! working days target (CPPCR 2010 reg 7; statutory guidance on looked-after children's
//! health).

use permanence_domain::Date;
use permanence_domain::date::add_months;
use permanence_domain::tracker::ActivityKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::{latest_text, unmet};

/// HLT-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "HLT-01",
    title: "Initial health assessment",
    condition: "The child is looked after and no health assessment has been recorded since \
                the policy number of months (default 3) before the period of care began. It \
                is due on the 20th working day after the period began, or on the day of the \
                first review if that is earlier. An assessment recorded late clears the \
                finding from its date.",
    source: "CPPCR 2010 reg 7: health assessment before the first placement or, if not \
             practicable, before the first review, unless one was done in the previous 3 \
             months [S13], [S14]; 20 working days operational target [S15]",
    basis: Basis::Statutory,
    inputs: &[
        "Episodes: DECOM, RNE, DEC, REC, LS (the period of care)",
        "Reviews: REVIEW (the first review of the period)",
        "Tracker activity: initial or review health assessment (date)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; looked-after children's health team",
    action: "Ask the looked-after children's health team for the initial health assessment \
             now, or record the date it was done.",
    notes: &[
        "Either kind of health assessment counts: an initial assessment, or a review \
         assessment done in the months before the child came into care.",
        "Children in a series of short breaks (V3, V4) are left out (CPPCR reg 48).",
        "When the period of care began before the loaded data, any assessment since the \
         previous period counts, and with none the rule cannot decide until the latest \
         possible due date has passed.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Working days after the child came into care by which the initial health
    /// assessment is due (if the first review is not sooner).
    working_days: number (WorkingDays, 1..=100) = 20;
    /// An assessment done up to this many months before the child came into care counts.
    previous_months: number (Months, 0..=12) = 3;
}

/// HLT-01.
pub struct Hlt01;

impl_rule!(Hlt01, INFO, hlt_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    if ctx.in_short_breaks() {
        return Vec::new();
    }
    let start = current.start();
    let from = if current.start_known {
        add_months(start, -settings.previous_months)
    } else {
        ctx.period_records_from(0)
    };
    let done = [
        ActivityKind::InitialHealthAssessment,
        ActivityKind::ReviewHealthAssessment,
    ]
    .into_iter()
    .filter_map(|kind| ctx.first_activity(kind, from))
    .min();
    if done.is_some() {
        return Vec::new();
    }
    let by_target = ctx.calendar.add_working_days(start, settings.working_days);
    let first_review = ctx.first_review_from(Date::MIN);
    let due = first_review.map_or(by_target, |review| review.min(by_target));
    unmet(
        ctx,
        &INFO,
        ctx.due_soon_days(settings),
        due,
        current.start_known,
        None,
        || {
            let mut evidence = vec![
                Evidence::new("Period of care started", current.start_evidence()),
                Evidence::new(
                    "Target",
                    latest_text(
                        ctx.working_days_text(start, settings.working_days, by_target),
                        current.start_known,
                    ),
                ),
            ];
            if let Some(review) = first_review.filter(|review| *review < by_target) {
                evidence.push(Evidence::new(
                    "First review",
                    format!("{}: the assessment was due by then", dmy(review)),
                ));
            }
            evidence.push(Evidence::new(
                "Health assessments",
                format!(
                    "none recorded since {}",
                    if current.start_known {
                        dmy(from).to_string()
                    } else {
                        "the period began".to_string()
                    }
                ),
            ));
            evidence
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    fn came_in(start: Date) -> Case {
        Case::new(in_care(d(2015, 3, 1), start, Placement::U6))
    }

    #[test]
    fn due_20_working_days_after_coming_into_care() {
        // Saturday 20 December 2025 + 20 working days = Wednesday 21 January 2026.
        let case = came_in(d(2025, 12, 20));
        let due = d(2026, 1, 21);
        assert_eq!(case.status(&Hlt01, d(2026, 1, 10)), None);
        assert_eq!(case.status(&Hlt01, d(2026, 1, 20)), due_soon(due));
        assert_eq!(case.status(&Hlt01, due), due_soon(due));
        assert_eq!(case.status(&Hlt01, d(2026, 1, 22)), overdue(due));
        let finding = case.finding(&Hlt01, d(2026, 1, 22));
        assert_eq!(finding.owner.as_deref(), Some("SW1"));
        assert!(finding.evidence_text().contains(
            "Target: 21/01/2026 (20 working days after 20/12/2025; bank holidays skipped: \
             25/12/2025 (Christmas Day), 26/12/2025 (Boxing Day), 01/01/2026 (New Year's Day))"
        ));
        // Easter: Thursday 26 March 2026 to Monday 27 April; a weekend start counts from
        // Monday.
        assert_eq!(
            came_in(d(2026, 3, 26)).status(&Hlt01, d(2026, 4, 28)),
            overdue(d(2026, 4, 27))
        );
        assert_eq!(
            came_in(d(2026, 6, 6)).status(&Hlt01, d(2026, 7, 4)),
            overdue(d(2026, 7, 3))
        );
    }

    #[test]
    fn due_by_an_earlier_first_review() {
        let mut case = came_in(d(2025, 12, 20));
        case.record.reviews = vec![review(d(2026, 1, 9))];
        assert_eq!(case.status(&Hlt01, d(2026, 1, 9)), due_soon(d(2026, 1, 9)));
        assert_eq!(case.status(&Hlt01, d(2026, 1, 10)), overdue(d(2026, 1, 9)));
        assert!(
            case.finding(&Hlt01, d(2026, 1, 10))
                .evidence_text()
                .contains("First review: 09/01/2026: the assessment was due by then")
        );
    }

    #[test]
    fn assessments_that_count() {
        for (kind, date) in [
            (ActivityKind::InitialHealthAssessment, d(2026, 1, 21)),
            (ActivityKind::ReviewHealthAssessment, d(2025, 9, 20)),
        ] {
            let case = came_in(d(2025, 12, 20)).activity(kind, &[date]);
            assert_eq!(case.status(&Hlt01, d(2026, 1, 22)), None, "{kind:?}");
        }
        // More than 3 months before, or after the evaluation date: no.
        let case = came_in(d(2025, 12, 20))
            .activity(ActivityKind::ReviewHealthAssessment, &[d(2025, 9, 19)])
            .activity(ActivityKind::InitialHealthAssessment, &[d(2026, 1, 26)]);
        assert_eq!(case.status(&Hlt01, d(2026, 1, 25)), overdue(d(2026, 1, 21)));
        assert_eq!(case.status(&Hlt01, d(2026, 1, 26)), None);
    }

    #[test]
    fn leaving_care_on_the_due_date_and_re_entry() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
        leave_care(&mut record, d(2026, 1, 21), ReasonEpisodeCeased::E4A);
        assert_eq!(
            Case::new(record.clone()).status(&Hlt01, d(2026, 1, 22)),
            None
        );
        // Back in care on Monday 1 June 2026 with the last assessment over 3 months old:
        // due Monday 29 June (no bank holidays in June).
        re_enter(&mut record, d(2026, 6, 1), Placement::U6);
        let case =
            Case::new(record).activity(ActivityKind::InitialHealthAssessment, &[d(2026, 1, 5)]);
        assert_eq!(case.status(&Hlt01, d(2026, 6, 30)), overdue(d(2026, 6, 29)));
    }

    #[test]
    fn cannot_decide_when_the_period_began_before_the_data() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::L;
        let case = Case::new(record);
        assert_eq!(case.status(&Hlt01, d(2026, 1, 2)), cannot_decide());
        assert_eq!(case.status(&Hlt01, d(2026, 1, 22)), overdue(d(2026, 1, 21)));
    }
}
