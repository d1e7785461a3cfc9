//! PERM-08: a child who comes back into care after a previous permanent home (adoption,
//! special guardianship, a child arrangements order) broke down.

use permanence_domain::CollectionYear;
use permanence_domain::codes::{Code, PreviousPermanence};
use permanence_domain::date::{add_days, days_between, format_dmy};

use crate::context::Context;
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// PERM-08's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PERM-08",
    title: "Back in care after a permanent home broke down",
    condition: "The child's current period of care began within the policy number of days \
                (default 90) and the previous-permanence record for it says the child was \
                adopted (P1) or had a special guardianship order (P2) or a residence or child \
                arrangements order (P3). The finding is due on the day the child came into \
                care and shows for the policy number of days after it.",
    source: "903 PrevPerm PREV_PERM P1 to P3 [S99]; the inspection asked for cohort views of \
             children re-entering care (domain.md §0); action \"on entry\" (domain.md §6)",
    basis: Basis::Local,
    inputs: &[
        "Episodes: DECOM, RNE (the start of the period of care)",
        "PrevPerm: PREV_PERM, LA_PERM, DATE_PERM (the row for the collection year the period \
         began in)",
    ],
    needs_tracker_records: false,
    owner: Role::TeamManager,
    escalation: "Team manager; service manager (breakdown review)",
    action: "Hold a breakdown review: what failed in the previous permanent home, what \
             support the family had, and what the plan is now. Tell the authority that made \
             the order (LA_PERM) where it was another council.",
    notes: &[
        "The previous-permanence row is matched by the collection year the period of care \
         began in (the 903 holds one per child per year they started a period of care).",
        "The finding shows only for the policy number of days after entry: long enough to \
         hold a breakdown review; the cohort of all re-entries belongs in reports.",
        "Cannot decide: no previous-permanence row for that year, no PREV_PERM value, or P4 \
         (a previous permanence order of unknown type).",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Days after the child came back into care that the finding shows for.
    show_for_days: number (Days, 0..=730) = 90;
}

/// PERM-08.
pub struct Perm08;

impl_rule!(Perm08, INFO, perm_08, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    let start = current.start();
    // A period whose start is not in the data began before it, long ago.
    if !current.start_known || days_between(start, ctx.as_of) > settings.show_for_days {
        return Vec::new();
    }
    let year = CollectionYear::containing(start);
    let row = ctx
        .journey
        .record
        .previous_permanence
        .iter()
        .rfind(|row| row.year == year);
    let started = Evidence::new("Came into care", current.start_evidence());
    let shows_until = Evidence::new(
        "Shown until",
        format_dmy(add_days(start, settings.show_for_days)),
    );
    let Some(row) = row else {
        return vec![ctx.finding(
            &INFO,
            Status::CannotDecide,
            None,
            vec![
                started,
                Evidence::new(
                    "Previous permanence",
                    format!("no PrevPerm row for {year}, the year the child came into care"),
                ),
            ],
        )];
    };
    let prev_perm = match row.prev_perm {
        Some(PreviousPermanence::Z1) => return Vec::new(),
        Some(code) if code.is_breakdown() => code,
        other => {
            let found = match other {
                Some(code) => format!(
                    "{} ({}) for {year}: the type of the previous order is not known",
                    code.code(),
                    code.description()
                ),
                None => format!("PREV_PERM is blank on the PrevPerm row for {year}"),
            };
            return vec![ctx.finding(
                &INFO,
                Status::CannotDecide,
                None,
                vec![started, Evidence::new("Previous permanence", found)],
            )];
        }
    };
    let mut previous = format!("{} ({})", prev_perm.code(), prev_perm.description());
    if let Some(la) = &row.la_perm {
        previous.push_str(&format!(", made by {la}"));
    }
    if let Some(date) = &row.date_perm {
        previous.push_str(&format!(", on {date}"));
    }
    vec![ctx.finding(
        &INFO,
        Status::Overdue,
        Some(start),
        vec![
            started,
            Evidence::new("Previous permanence", previous),
            shows_until,
        ],
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::record::PrevPerm;

    fn re_entered(start: Date, prev_perm: Option<PreviousPermanence>) -> ChildRecord {
        let mut record = in_care(d(2014, 2, 1), start, Placement::U6);
        record.previous_permanence = vec![PrevPerm {
            year: CollectionYear::containing(start),
            prev_perm,
            la_perm: Some("301".into()),
            date_perm: Some("ZZ/03/2019".into()),
        }];
        record
    }

    #[test]
    fn flags_re_entry_after_an_sgo_for_90_days() {
        // Came back on Christmas Eve 2025; 90 days later is Tuesday 24 March 2026.
        let record = re_entered(d(2025, 12, 24), Some(PreviousPermanence::P2));
        let entry = d(2025, 12, 24);
        assert_eq!(status(&Perm08, &record, d(2025, 12, 23)), None);
        assert_eq!(status(&Perm08, &record, entry), overdue(entry));
        assert_eq!(status(&Perm08, &record, d(2025, 12, 29)), overdue(entry));
        assert_eq!(status(&Perm08, &record, d(2026, 3, 24)), overdue(entry));
        assert_eq!(status(&Perm08, &record, d(2026, 3, 25)), None);
        let finding = &run(&Perm08, &record, d(2025, 12, 24))[0];
        assert_eq!(finding.days_overdue, 0);
        assert!(finding.evidence_text().contains(
            "Previous permanence: P2 (Special guardianship order), made by 301, on ZZ/03/2019"
        ));
    }

    #[test]
    fn escalates_over_working_days_skipping_christmas() {
        // Due Wednesday 24 December 2025. Five working days later (25, 26 December and
        // 1 January skipped): 29, 30, 31 December, 2 and 5 January.
        let record = re_entered(d(2025, 12, 24), Some(PreviousPermanence::P1));
        assert_eq!(
            run(&Perm08, &record, d(2026, 1, 2))[0].escalated_to,
            Role::TeamManager
        );
        assert_eq!(
            run(&Perm08, &record, d(2026, 1, 5))[0].escalated_to,
            Role::ServiceManager
        );
    }

    #[test]
    fn no_previous_permanence_is_not_flagged() {
        let record = re_entered(d(2025, 12, 24), Some(PreviousPermanence::Z1));
        assert_eq!(status(&Perm08, &record, d(2026, 1, 5)), None);
    }

    #[test]
    fn a_child_who_leaves_care_again_is_not_flagged() {
        let mut record = re_entered(d(2025, 12, 24), Some(PreviousPermanence::P3));
        leave_care(&mut record, d(2026, 1, 5), ReasonEpisodeCeased::E41);
        assert_eq!(
            status(&Perm08, &record, d(2026, 1, 4)),
            overdue(d(2025, 12, 24))
        );
        assert_eq!(status(&Perm08, &record, d(2026, 1, 5)), None);
    }

    #[test]
    fn the_row_for_the_year_of_the_latest_entry_counts() {
        // Came in in 2024/25 after an SGO broke down; left; came back in 2025/26 with no
        // previous permanence recorded for that entry.
        let mut record = re_entered(d(2024, 6, 3), Some(PreviousPermanence::P2));
        leave_care(&mut record, d(2024, 9, 1), ReasonEpisodeCeased::E4A);
        re_enter(&mut record, d(2025, 6, 2), Placement::U6);
        record.previous_permanence.push(PrevPerm {
            year: CollectionYear(2026),
            prev_perm: Some(PreviousPermanence::Z1),
            la_perm: None,
            date_perm: None,
        });
        assert_eq!(
            status(&Perm08, &record, d(2024, 6, 10)),
            overdue(d(2024, 6, 3))
        );
        assert_eq!(status(&Perm08, &record, d(2025, 6, 10)), None);
    }

    #[test]
    fn cannot_decide_without_a_previous_permanence_record() {
        let mut record = re_entered(d(2025, 12, 24), None);
        assert_eq!(
            status(&Perm08, &record, d(2026, 1, 5)),
            Some((Status::CannotDecide, None))
        );
        record.previous_permanence[0].prev_perm = Some(PreviousPermanence::P4);
        assert_eq!(
            status(&Perm08, &record, d(2026, 1, 5)),
            Some((Status::CannotDecide, None))
        );
        record.previous_permanence.clear();
        let finding = &run(&Perm08, &record, d(2026, 1, 5))[0];
        assert_eq!(finding.status, Status::CannotDecide);
        assert!(
            finding
                .evidence_text()
                .contains("no PrevPerm row for 2025/26")
        );
    }

    #[test]
    fn escalation_skips_easter() {
        // Came back on Maundy Thursday, 2 April 2026. Good Friday and Easter Monday are
        // skipped: 7 to 10 April (4), Monday 13 April (5).
        let record = re_entered(d(2026, 4, 2), Some(PreviousPermanence::P1));
        assert_eq!(
            run(&Perm08, &record, d(2026, 4, 10))[0].escalated_to,
            Role::TeamManager
        );
        assert_eq!(
            run(&Perm08, &record, d(2026, 4, 13))[0].escalated_to,
            Role::ServiceManager
        );
    }
}
