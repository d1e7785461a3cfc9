//! CEA-01: ceasing to look after a child who has been looked after for 20 working days or
//! more needs a nominated officer's approval first (CPPCR 2010 reg 39).

use permanence_domain::codes::{Code, LegalStatus, ReasonEpisodeCeased};
use permanence_domain::date::{add_days, birthday, days_between};
use permanence_domain::tracker::ActivityKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// CEA-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CEA-01",
    title: "Care ended without the nominated officer's approval",
    condition: "A period of care ended (on or before the evaluation date, and no more than \
                the policy number of days ago, default 90) after the child had been looked \
                after for at least the policy number of working days (default 20), by the \
                authority's decision, and no approval of ceasing care by the nominated \
                officer is recorded from the start of the period up to the day it ended. The \
                finding is overdue from the day care ended.",
    source: "CPPCR 2010 reg 39: before ceasing to look after a child, assess the \
             arrangements; where the child has been looked after for 20 working days or \
             more the decision needs the nominated officer's approval [S9], [S10]",
    basis: Basis::Statutory,
    inputs: &[
        "Header: DOB",
        "Episodes: DECOM, RNE, LS, DEC, REC (the period of care and how it ended)",
        "Tracker activity: nominated officer approved ceasing care (date)",
    ],
    needs_tracker_records: true,
    owner: Role::TeamManager,
    escalation: "Team manager; nominated officer",
    action: "Record the nominated officer's approval if it was given before the child left \
             care; if not, review the decision and the support the family has.",
    notes: &[
        "The regulation applies to children looked after under section 20, not in the \
         authority's care: by default only periods that ended under legal status V2 are \
         checked (switch `only_section_20` off to check every decision to cease care).",
        "Endings that are not the authority's decision are left out: adoption (E11, E12), \
         special guardianship and child arrangements orders (E41, E43 to E48), death (E2), \
         another authority taking over (E3), adult services (E7), custody (E9), remand \
         ending (E14), an age assessment (E15), and reaching 18. Short breaks (V3, V4) are \
         left out.",
        "An approval dated after the child left care does not count: it has to come first. \
         The review the rule table also mentions is not checked (see REV-04).",
        "Cannot decide: the period began before the loaded data and, on what the data \
         shows, lasted less than the policy's working days.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Working days looked after from which ending care needs approval.
    working_days: number (WorkingDays, 1..=100) = 20;
    /// Days after care ended that the finding shows for.
    show_for_days: number (Days, 0..=730) = 90;
    /// Whether only children looked after under section 20 (V2) are checked.
    only_section_20: switch = true;
}

/// CEA-01.
pub struct Cea01;

impl_rule!(Cea01, INFO, cea_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some((index, period)) = ctx
        .journey
        .periods
        .iter()
        .enumerate()
        .rev()
        .find(|(_, period)| period.end.is_some_and(|end| end <= ctx.as_of))
    else {
        return Vec::new();
    };
    let end = period.end.expect("an ended period");
    if days_between(end, ctx.as_of) > settings.show_for_days {
        return Vec::new();
    }
    use ReasonEpisodeCeased::*;
    if matches!(
        period.reason_ceased,
        Some(E11 | E12 | E41 | E43 | E44 | E45 | E46 | E47 | E48 | E2 | E3 | E7 | E9 | E14 | E15)
    ) {
        return Vec::new();
    }
    let last = &ctx.journey.record.episodes[period.episodes.end - 1];
    if last.ls.is_short_break() || (settings.only_section_20 && last.ls != LegalStatus::V2) {
        return Vec::new();
    }
    if ctx.dob() < end && end >= birthday(ctx.dob(), 18) {
        return Vec::new();
    }
    let first = &ctx.journey.record.episodes[period.episodes.start];
    let start_known = first.rne == permanence_domain::codes::ReasonNewEpisode::S;
    let looked_after = ctx.calendar.working_days_between(period.start, end);
    if looked_after < settings.working_days && start_known {
        return Vec::new();
    }
    let from = if start_known {
        period.start
    } else {
        index
            .checked_sub(1)
            .and_then(|i| ctx.journey.periods[i].end)
            .map_or(permanence_domain::Date::MIN, |end| add_days(end, 1))
    };
    let approved = ctx
        .activity_dates_from(ActivityKind::CeasingCareApproval, from)
        .first()
        .is_some_and(|date| *date <= end);
    if approved {
        return Vec::new();
    }
    let mut evidence = vec![
        Evidence::new(
            "Period of care",
            format!(
                "{}{} to {} ({}), ending under legal status {}",
                if start_known { "" } else { "on or before " },
                dmy(period.start),
                dmy(end),
                period
                    .reason_ceased
                    .map_or("no reason recorded".to_string(), |r| format!(
                        "REC {}: {}",
                        r.code(),
                        r.description()
                    )),
                last.ls.code()
            ),
        ),
        Evidence::new(
            "Looked after",
            format!(
                "{looked_after} working days{}",
                if start_known {
                    ""
                } else {
                    " at least (it began before the loaded data)"
                }
            ),
        ),
        Evidence::new(
            "Nominated officer's approval",
            "none recorded before care ended",
        ),
    ];
    if looked_after < settings.working_days {
        evidence.push(Evidence::new(
            "Why it cannot decide",
            format!(
                "the data shows fewer than {} working days, but the period began earlier",
                settings.working_days
            ),
        ));
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    }
    vec![ctx.finding(&INFO, Status::Overdue, Some(end), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    /// Accommodated under section 20 from Monday 1 December 2025; the 20th working day
    /// after is Wednesday 31 December (Christmas and Boxing Day skipped).
    fn ended(on: Date, reason: ReasonEpisodeCeased) -> Case {
        let mut record = in_care(d(2012, 3, 1), d(2025, 12, 1), Placement::U6);
        record.episodes[0].ls = LegalStatus::V2;
        leave_care(&mut record, on, reason);
        Case::new(record)
    }

    #[test]
    fn after_20_working_days_approval_is_needed() {
        assert_eq!(
            ended(d(2025, 12, 30), ReasonEpisodeCeased::E4A).status(&Cea01, d(2026, 1, 5)),
            None
        );
        let case = ended(d(2025, 12, 31), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Cea01, d(2025, 12, 30)), None);
        assert_eq!(
            case.status(&Cea01, d(2025, 12, 31)),
            overdue(d(2025, 12, 31))
        );
        assert_eq!(
            ended(d(2026, 1, 2), ReasonEpisodeCeased::E4A).status(&Cea01, d(2026, 1, 5)),
            overdue(d(2026, 1, 2))
        );
        let finding = case.finding(&Cea01, d(2026, 1, 5));
        assert_eq!(finding.owner.as_deref(), Some("TM1"));
        assert!(
            finding
                .evidence_text()
                .contains("Looked after: 20 working days")
        );
        // Over Easter: from Thursday 26 March 2026 the 20th working day is 27 April.
        let mut record = in_care(d(2012, 3, 1), d(2026, 3, 26), Placement::U6);
        record.episodes[0].ls = LegalStatus::V2;
        leave_care(&mut record, d(2026, 4, 24), ReasonEpisodeCeased::E4A);
        assert_eq!(
            Case::new(record.clone()).status(&Cea01, d(2026, 4, 28)),
            None
        );
        leave_care(&mut record, d(2026, 4, 27), ReasonEpisodeCeased::E4A);
        assert_eq!(
            Case::new(record).status(&Cea01, d(2026, 4, 28)),
            overdue(d(2026, 4, 27))
        );
    }

    #[test]
    fn an_approval_before_care_ended_meets_it() {
        let case = ended(d(2026, 1, 2), ReasonEpisodeCeased::E4A);
        let on_the_day = case
            .clone()
            .activity(ActivityKind::CeasingCareApproval, &[d(2026, 1, 2)]);
        assert_eq!(on_the_day.status(&Cea01, d(2026, 1, 5)), None);
        let after = case.activity(ActivityKind::CeasingCareApproval, &[d(2026, 1, 3)]);
        assert_eq!(after.status(&Cea01, d(2026, 1, 5)), overdue(d(2026, 1, 2)));
    }

    #[test]
    fn only_the_authoritys_decisions_under_section_20() {
        for reason in [
            ReasonEpisodeCeased::E45,
            ReasonEpisodeCeased::E11,
            ReasonEpisodeCeased::E3,
        ] {
            assert_eq!(
                ended(d(2026, 1, 2), reason).status(&Cea01, d(2026, 1, 5)),
                None
            );
        }
        let mut case = ended(d(2026, 1, 2), ReasonEpisodeCeased::E4A);
        case.record.episodes[0].ls = LegalStatus::C2;
        assert_eq!(case.status(&Cea01, d(2026, 1, 5)), None);
        let case = case.policy(|p| p.rules.cea_01.only_section_20 = false);
        assert_eq!(case.status(&Cea01, d(2026, 1, 5)), overdue(d(2026, 1, 2)));
        // Reaching 18 ends care by law.
        let mut record = in_care(d(2008, 1, 2), d(2025, 6, 2), Placement::U6);
        record.episodes[0].ls = LegalStatus::V2;
        leave_care(&mut record, d(2026, 1, 2), ReasonEpisodeCeased::E5);
        assert_eq!(Case::new(record).status(&Cea01, d(2026, 1, 5)), None);
    }

    #[test]
    fn shown_for_90_days_and_after_re_entry() {
        let mut case = ended(d(2026, 1, 2), ReasonEpisodeCeased::E4B);
        assert_eq!(case.status(&Cea01, d(2026, 4, 2)), overdue(d(2026, 1, 2)));
        assert_eq!(case.status(&Cea01, d(2026, 4, 3)), None);
        re_enter(&mut case.record, d(2026, 2, 2), Placement::U6);
        assert_eq!(case.status(&Cea01, d(2026, 2, 3)), overdue(d(2026, 1, 2)));
    }

    #[test]
    fn cannot_decide_when_the_period_began_before_the_data() {
        let mut case = ended(d(2025, 12, 12), ReasonEpisodeCeased::E4A);
        case.record.episodes[0].rne = ReasonNewEpisode::L;
        assert_eq!(case.status(&Cea01, d(2025, 12, 15)), cannot_decide());
    }
}
