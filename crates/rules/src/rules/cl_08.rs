//! CL-08: a care leaver not in education, employment or training (NEET).

use permanence_domain::codes::{Code, InTouch};

use crate::context::Context;
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::care_leavers::{current_rows, row_text};

/// CL-08's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CL-08",
    title: "Care leaver not in education, employment or training",
    condition: "The young person has left care and their latest care-leaver returns (OC3) \
                say they are not in education, employment or training (ACTIV G4, G5 or G6) \
                in at least the policy number of consecutive yearly returns (default 1: the \
                latest return). The finding is overdue from the birthday of the first return \
                in that unbroken run, and shows while the latest return is current (default \
                12 months).",
    source: "903 OC3 ACTIV codes [S99]; domain.md §6 \"NEET > N months\" (local)",
    basis: Basis::Local,
    inputs: &[
        "Header: DOB",
        "OC3: IN_TOUCH, ACTIV (with the collection year)",
    ],
    needs_tracker_records: false,
    owner: Role::PersonalAdviser,
    escalation: "Personal adviser; EET adviser",
    action: "Agree an education, employment or training plan with the young person in the \
             pathway plan, and refer to the EET adviser.",
    notes: &[
        "The rule table's \"NEET for more than N months\" cannot be measured from the 903, \
         which has one OC3 row a year around the birthday; the policy counts consecutive \
         yearly returns instead (1 = NEET in the latest return, 2 = NEET in the latest two \
         years' returns).",
        "Young people not in touch, who died, refuse contact, no longer need services or \
         returned home are left out (IN_TOUCH other than YES).",
        "Cannot decide: the young person is in touch (or IN_TOUCH is blank) but ACTIV is \
         blank in the latest return.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Consecutive yearly returns saying NEET that raise the finding.
    consecutive_returns: number (Returns, 1..=9) = 1;
    /// Months after the birthday it was collected around that a return stays current.
    current_for_months: number (Months, 1..=36) = 12;
}

/// CL-08.
pub struct Cl08;

impl_rule!(Cl08, INFO, cl_08, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let rows = current_rows(ctx, settings.current_for_months);
    let Some(&(latest, latest_date)) = rows.first() else {
        return Vec::new();
    };
    if !matches!(latest.in_touch, Some(InTouch::Yes) | None) {
        return Vec::new();
    }
    if latest.activ.is_none() {
        return vec![ctx.finding(
            &INFO,
            Status::CannotDecide,
            None,
            vec![
                Evidence::new(
                    "Latest care-leaver return",
                    row_text(ctx, latest, latest_date),
                ),
                Evidence::new("Activity", "not recorded (ACTIV is blank)"),
            ],
        )];
    }
    // The unbroken run of NEET returns in consecutive years, latest first.
    let mut run = Vec::new();
    for &(row, date) in &rows {
        let consecutive =
            run.last()
                .is_none_or(|&(previous, _): &(&permanence_domain::record::Oc3, _)| {
                    previous.year.0 - 1 == row.year.0
                });
        if consecutive && row.activ.is_some_and(|activ| activ.is_neet()) {
            run.push((row, date));
        } else {
            break;
        }
    }
    if (run.len() as i32) < settings.consecutive_returns {
        return Vec::new();
    }
    let &(_, first_date) = run.last().expect("a run of at least one");
    let evidence = run
        .iter()
        .map(|&(row, date)| {
            let activ = row.activ.expect("NEET rows have an activity");
            Evidence::new(
                "Care-leaver return",
                format!(
                    "{}: {} ({})",
                    row_text(ctx, row, date),
                    activ.code(),
                    activ.description()
                ),
            )
        })
        .chain(std::iter::once(Evidence::new(
            "Threshold",
            format!(
                "NEET in {} consecutive yearly return(s)",
                settings.consecutive_returns
            ),
        )))
        .collect();
    vec![ctx.finding(&INFO, Status::Overdue, Some(first_date), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::CollectionYear;
    use permanence_domain::codes::Activity;
    use permanence_domain::record::Oc3;

    fn row(year: i16, activ: Option<Activity>) -> Oc3 {
        Oc3 {
            year: CollectionYear(year),
            in_touch: Some(InTouch::Yes),
            activ,
            accom: None,
        }
    }

    /// Born 3 June 2006; left care at 18 on 3 June 2024.
    fn leaver(rows: Vec<Oc3>) -> ChildRecord {
        let mut record = in_care(d(2006, 6, 3), d(2020, 1, 6), Placement::U4);
        leave_care(&mut record, d(2024, 6, 3), ReasonEpisodeCeased::E17);
        record.care_leaver_outcomes = rows;
        record
    }

    #[test]
    fn flags_neet_in_the_latest_return_from_its_birthday() {
        let record = leaver(vec![row(2026, Some(Activity::G5))]);
        let birthday = d(2025, 6, 3);
        assert_eq!(status(&Cl08, &record, d(2025, 6, 2)), None);
        assert_eq!(status(&Cl08, &record, birthday), overdue(birthday));
        assert_eq!(status(&Cl08, &record, d(2025, 6, 4)), overdue(birthday));
        assert_eq!(status(&Cl08, &record, d(2026, 6, 3)), overdue(birthday));
        assert_eq!(status(&Cl08, &record, d(2026, 6, 4)), None);
        let finding = &run(&Cl08, &record, d(2025, 6, 4))[0];
        assert!(finding.evidence_text().starts_with(
            "Care-leaver return: 2025/26 return (19th birthday 03/06/2025): G5 \
             (Not in education, employment or training: other circumstances)"
        ));
    }

    #[test]
    fn a_birthday_at_easter_is_not_moved() {
        // Born 3 April 2007: 19th birthday on Good Friday 2026.
        let mut record = leaver(vec![row(2026, Some(Activity::G6))]);
        record.header.dob = d(2007, 4, 3);
        record.care_leaver_outcomes[0].year = CollectionYear(2027);
        assert_eq!(status(&Cl08, &record, d(2026, 4, 2)), None);
        assert_eq!(
            status(&Cl08, &record, d(2026, 4, 3)),
            overdue(d(2026, 4, 3))
        );
    }

    #[test]
    fn all_neet_codes_count_and_eet_does_not() {
        for activ in [Activity::G4, Activity::G5, Activity::G6] {
            assert!(status(&Cl08, &leaver(vec![row(2026, Some(activ))]), d(2025, 7, 1)).is_some());
        }
        for activ in [Activity::F1, Activity::P5, Activity::F4, Activity::NotKnown] {
            assert_eq!(
                status(&Cl08, &leaver(vec![row(2026, Some(activ))]), d(2025, 7, 1)),
                None
            );
        }
    }

    #[test]
    fn consecutive_returns_are_policy() {
        let mut policy = crate::policy::Policy::default();
        policy.rules.cl_08.consecutive_returns = 2;
        let one = leaver(vec![row(2026, Some(Activity::G5))]);
        assert!(run_with(&Cl08, &one, &policy, d(2025, 7, 1)).is_empty());
        let two = leaver(vec![
            row(2025, Some(Activity::G4)),
            row(2026, Some(Activity::G5)),
        ]);
        let finding = &run_with(&Cl08, &two, &policy, d(2025, 7, 1))[0];
        // Due from the first return of the run: the 18th birthday, 3 June 2024.
        assert_eq!(finding.due, Some(d(2024, 6, 3)));
        assert_eq!(finding.evidence.len(), 3);
        // A year in between without a return breaks the run.
        let gap = leaver(vec![
            row(2024, Some(Activity::G4)),
            row(2026, Some(Activity::G5)),
        ]);
        assert!(run_with(&Cl08, &gap, &policy, d(2025, 7, 1)).is_empty());
        // With the default (1), the earlier NEET returns set the due date.
        assert_eq!(status(&Cl08, &two, d(2025, 7, 1)), overdue(d(2024, 6, 3)));
    }

    #[test]
    fn not_while_looked_after_again_or_out_of_touch() {
        let mut record = leaver(vec![row(2026, Some(Activity::G5))]);
        record.care_leaver_outcomes[0].in_touch = Some(InTouch::Refu);
        assert_eq!(status(&Cl08, &record, d(2025, 7, 1)), None);
        let mut record = leaver(vec![row(2026, Some(Activity::G5))]);
        re_enter(&mut record, d(2025, 5, 1), Placement::K3);
        assert_eq!(status(&Cl08, &record, d(2025, 7, 1)), None);
        leave_care(&mut record, d(2025, 7, 2), ReasonEpisodeCeased::E6);
        assert_eq!(
            status(&Cl08, &record, d(2025, 7, 2)),
            overdue(d(2025, 6, 3))
        );
    }

    #[test]
    fn cannot_decide_without_an_activity() {
        assert_eq!(
            status(&Cl08, &leaver(vec![row(2026, None)]), d(2025, 7, 1)),
            Some((Status::CannotDecide, None))
        );
    }

    #[test]
    fn a_birthday_on_christmas_day_is_not_moved() {
        let mut record = leaver(vec![row(2026, Some(Activity::G4))]);
        record.header.dob = d(2006, 12, 25);
        assert_eq!(status(&Cl08, &record, d(2025, 12, 24)), None);
        assert_eq!(
            status(&Cl08, &record, d(2025, 12, 25)),
            overdue(d(2025, 12, 25))
        );
        assert_eq!(
            status(&Cl08, &record, d(2025, 12, 26)),
            overdue(d(2025, 12, 25))
        );
    }
}
