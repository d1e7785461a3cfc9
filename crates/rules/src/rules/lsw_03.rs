//! LSW-03: the later-life letter within 10 working days of the adoption.

use permanence_domain::codes::{Code, ReasonEpisodeCeased};

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::ended_by;

/// LSW-03's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "LSW-03",
    title: "Later-life letter not given",
    condition: "The child was adopted (the period of care ended E11 or E12) and no later-life \
                letter has been recorded. It is due the policy number of working days \
                (default 10) after the adoption order; the finding shows for the policy \
                number of days (default 365) after the adoption. Giving the letter clears \
                the finding from its date.",
    source: "Later-life letter for children placed for adoption, given to adopters no later \
             than 10 working days after the adoption ceremony (procedures) [S63]",
    basis: Basis::Guidance,
    inputs: &[
        "Episodes: DEC, REC (the adoption)",
        "Tracker: life-story work (later-life letter)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker",
    action: "Write the later-life letter, give it to the adopters, and record the date.",
    notes: &[
        "Counted from the adoption order (the day the period of care ended), which the 903 \
         holds, not the later celebration hearing: stricter than procedures; lengthen \
         `working_days` to allow for it.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Working days after the adoption order by which the letter is due.
    working_days: number (WorkingDays, 1..=100) = 10;
    /// Days after the adoption that a missing letter shows for.
    show_for_days: number (Days, 0..=1095) = 365;
}

/// LSW-03.
pub struct Lsw03;

impl_rule!(Lsw03, INFO, lsw_03, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    if ctx.current_period().is_some() {
        return Vec::new();
    }
    let Some((adopted, reason)) = ended_by(
        ctx,
        &[ReasonEpisodeCeased::E11, ReasonEpisodeCeased::E12],
        settings.show_for_days,
    ) else {
        return Vec::new();
    };
    let given = ctx
        .tracker
        .life_story
        .as_ref()
        .and_then(|work| work.later_life_letter)
        .is_some_and(|date| date <= ctx.as_of);
    if given {
        return Vec::new();
    }
    let due = ctx
        .calendar
        .add_working_days(adopted, settings.working_days);
    let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
        return Vec::new();
    };
    let evidence = vec![
        Evidence::new(
            "Adopted",
            format!("{} (REC {})", dmy(adopted), reason.code()),
        ),
        Evidence::new(
            "Later-life letter due",
            ctx.working_days_text(adopted, settings.working_days, due),
        ),
        Evidence::new("Later-life letter", "not given"),
    ];
    vec![ctx.finding(&INFO, status, Some(due), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::lsw_01::tests::work;
    use crate::rules::test_support::*;

    fn adopted(on: Date) -> Case {
        let mut record = in_care(d(2024, 1, 1), d(2025, 1, 6), Placement::U6);
        move_to(
            &mut record,
            d(2025, 9, 1),
            ReasonNewEpisode::P,
            Placement::A6,
        );
        leave_care(&mut record, on, ReasonEpisodeCeased::E11);
        Case::new(record)
    }

    #[test]
    fn due_10_working_days_after_the_adoption() {
        // Monday 22 December 2025: 23, 24, 29, 30, 31 December, 2, 5, 6, 7, 8 January 2026.
        let case = adopted(d(2025, 12, 22));
        let due = d(2026, 1, 8);
        assert_eq!(case.status(&Lsw03, d(2025, 12, 28)), None);
        assert_eq!(case.status(&Lsw03, d(2025, 12, 29)), due_soon(due));
        assert_eq!(case.status(&Lsw03, due), due_soon(due));
        assert_eq!(case.status(&Lsw03, d(2026, 1, 9)), overdue(due));
        assert_eq!(
            case.finding(&Lsw03, d(2026, 1, 9)).owner.as_deref(),
            Some("SW1")
        );
        // Easter: Wednesday 1 April 2026 to Friday 17 April; a Friday adoption (5 June
        // 2026) to Friday 19 June.
        assert_eq!(
            adopted(d(2026, 4, 1)).status(&Lsw03, d(2026, 4, 18)),
            overdue(d(2026, 4, 17))
        );
        assert_eq!(
            adopted(d(2026, 6, 5)).status(&Lsw03, d(2026, 6, 20)),
            overdue(d(2026, 6, 19))
        );
    }

    #[test]
    fn giving_the_letter_clears_it() {
        let case = adopted(d(2025, 12, 22)).with(|tracker| {
            let mut w = work(Some(d(2025, 3, 1)), 5);
            w.later_life_letter = Some(d(2026, 1, 12));
            tracker.life_story = Some(w);
        });
        assert_eq!(case.status(&Lsw03, d(2026, 1, 9)), overdue(d(2026, 1, 8)));
        assert_eq!(case.status(&Lsw03, d(2026, 1, 12)), None);
    }

    #[test]
    fn shown_for_a_year_and_not_before_the_adoption() {
        let case = adopted(d(2025, 12, 22));
        assert_eq!(case.status(&Lsw03, d(2025, 12, 21)), None);
        assert_eq!(case.status(&Lsw03, d(2026, 12, 22)), overdue(d(2026, 1, 8)));
        assert_eq!(case.status(&Lsw03, d(2026, 12, 23)), None);
    }
}
