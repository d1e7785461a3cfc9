//! EDU-01: a personal education plan (PEP) started within 10 working days of coming
//! into care, for children of school age.

use permanence_domain::tracker::ActivityKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::{latest_text, unmet};
use crate::rules::school::school_year_age;

/// EDU-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "EDU-01",
    title: "Personal education plan within 10 working days",
    condition: "The child is looked after, was of school age when the period of care began \
                (Reception to Year 11 by default: aged 4 to 15 on the 31 August before that \
                school year), and no personal education plan (started or reviewed) has been \
                recorded for the period. It is due on the 10th working day after the period \
                began, ready for the first review. A late PEP clears the finding from its \
                date.",
    source: "PEP initiated within 10 working days of coming into care, available for the \
             first review (virtual-school standard) [S18]",
    basis: Basis::Guidance,
    inputs: &[
        "Header: DOB",
        "Episodes: DECOM, RNE, DEC, REC, LS (the period of care)",
        "Tracker activity: PEP started or reviewed (date)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; virtual school",
    action: "Arrange the PEP meeting with the school and the virtual school now, or record \
             the date of the PEP.",
    notes: &[
        "A child who becomes school age while in care is not covered here: the termly PEP \
         rule (EDU-02) asks for a PEP in every term they are of school age.",
        "Children in a series of short breaks (V3, V4) are left out (CPPCR reg 48).",
        "Cannot decide: the date of birth is after the period of care began; or the period \
         began before the loaded data and the latest possible due date has not passed.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Working days after the child came into care by which the PEP is due.
    working_days: number (WorkingDays, 1..=100) = 10;
    /// The youngest school age: the age on 31 August before the school year (4 is
    /// Reception).
    first_school_year_age: number (Years, 2..=18) = 4;
    /// The oldest school age: the age on 31 August before the school year (15 is Year 11).
    last_school_year_age: number (Years, 2..=18) = 15;
}

/// EDU-01.
pub struct Edu01;

impl_rule!(Edu01, INFO, edu_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    if ctx.in_short_breaks() {
        return Vec::new();
    }
    let start = current.start();
    let done = [ActivityKind::PepInitial, ActivityKind::PepReview]
        .into_iter()
        .filter_map(|kind| ctx.first_activity(kind, ctx.period_records_from(0)))
        .min();
    if done.is_some() {
        return Vec::new();
    }
    if let Some(evidence) = ctx.dob_problem() {
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    }
    let school_age = school_year_age(ctx.dob(), start);
    if !(settings.first_school_year_age..=settings.last_school_year_age).contains(&school_age) {
        return Vec::new();
    }
    let due = ctx.calendar.add_working_days(start, settings.working_days);
    unmet(
        ctx,
        &INFO,
        ctx.due_soon_days(settings),
        due,
        current.start_known,
        None,
        || {
            vec![
                Evidence::new("Period of care started", current.start_evidence()),
                Evidence::new(
                    "School age",
                    format!(
                        "born {}: aged {school_age} on the 31 August before the school year \
                         the period began in",
                        dmy(ctx.dob())
                    ),
                ),
                Evidence::new(
                    "PEP due",
                    latest_text(
                        ctx.working_days_text(start, settings.working_days, due),
                        current.start_known,
                    ),
                ),
                Evidence::new("PEPs for this period of care", "none recorded"),
            ]
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    fn came_in(dob: Date, start: Date) -> Case {
        Case::new(in_care(dob, start, Placement::U6))
    }

    #[test]
    fn due_10_working_days_after_coming_into_care() {
        // Saturday 20 December 2025 + 10 working days = Wednesday 7 January 2026.
        let case = came_in(d(2015, 3, 1), d(2025, 12, 20));
        let due = d(2026, 1, 7);
        assert_eq!(case.status(&Edu01, d(2025, 12, 27)), None);
        assert_eq!(case.status(&Edu01, d(2026, 1, 6)), due_soon(due));
        assert_eq!(case.status(&Edu01, due), due_soon(due));
        assert_eq!(case.status(&Edu01, d(2026, 1, 8)), overdue(due));
        assert_eq!(
            case.finding(&Edu01, d(2026, 1, 8)).owner.as_deref(),
            Some("SW1")
        );
        // Easter (Thursday 26 March 2026 to Monday 13 April) and a weekend start.
        assert_eq!(
            came_in(d(2015, 3, 1), d(2026, 3, 26)).status(&Edu01, d(2026, 4, 14)),
            overdue(d(2026, 4, 13))
        );
        assert_eq!(
            came_in(d(2015, 3, 1), d(2026, 6, 6)).status(&Edu01, d(2026, 6, 20)),
            overdue(d(2026, 6, 19))
        );
    }

    #[test]
    fn only_children_of_school_age() {
        // Born 31 August 2021: 4 on 31 August 2025, in Reception from September 2025.
        assert!(
            came_in(d(2021, 8, 31), d(2025, 12, 20))
                .status(&Edu01, d(2026, 1, 8))
                .is_some()
        );
        // Born 1 September 2021: 3 on 31 August 2025, not yet at school.
        assert_eq!(
            came_in(d(2021, 9, 1), d(2025, 12, 20)).status(&Edu01, d(2026, 1, 8)),
            None
        );
        // Born 1 September 2009: 15 on 31 August 2025, in Year 11.
        assert!(
            came_in(d(2009, 9, 1), d(2025, 12, 20))
                .status(&Edu01, d(2026, 1, 8))
                .is_some()
        );
        assert_eq!(
            came_in(d(2009, 8, 31), d(2025, 12, 20)).status(&Edu01, d(2026, 1, 8)),
            None
        );
    }

    #[test]
    fn a_pep_meets_the_rule_from_its_date() {
        let case = came_in(d(2015, 3, 1), d(2025, 12, 20))
            .activity(ActivityKind::PepInitial, &[d(2026, 1, 12)]);
        assert_eq!(case.status(&Edu01, d(2026, 1, 11)), overdue(d(2026, 1, 7)));
        assert_eq!(case.status(&Edu01, d(2026, 1, 12)), None);
    }

    #[test]
    fn leaving_care_on_the_due_date_and_re_entry() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
        leave_care(&mut record, d(2026, 1, 7), ReasonEpisodeCeased::E4A);
        assert_eq!(
            Case::new(record.clone()).status(&Edu01, d(2026, 1, 8)),
            None
        );
        re_enter(&mut record, d(2026, 6, 1), Placement::U6);
        let case = Case::new(record).activity(ActivityKind::PepInitial, &[d(2025, 12, 22)]);
        // Monday 1 June 2026 + 10 working days = Monday 15 June.
        assert_eq!(case.status(&Edu01, d(2026, 6, 16)), overdue(d(2026, 6, 15)));
    }

    #[test]
    fn cannot_decide_when_the_records_do_not_say() {
        let case = came_in(d(2026, 1, 1), d(2025, 12, 20));
        assert_eq!(case.status(&Edu01, d(2026, 1, 8)), cannot_decide());
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 20), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::L;
        let case = Case::new(record);
        assert_eq!(
            case.status(&Edu01, d(2025, 12, 22)).map(|s| s.0),
            Some(Status::CannotDecide)
        );
        assert_eq!(case.status(&Edu01, d(2026, 1, 8)), overdue(d(2026, 1, 7)));
    }
}
