//! LSW-02: the life-story book: its first stage by the second review of the adoptive
//! placement, and the completed book within 10 working days of the adoption.

use permanence_domain::codes::{Code, ReasonEpisodeCeased};

use crate::context::{Context, dates_text, dmy, placement_text};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::ended_by;

/// LSW-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "LSW-02",
    title: "Life-story book not delivered",
    condition: "Two checks. While the child is placed for adoption (A3 to A6), the first \
                stage of the life-story book is due by the second looked-after review held \
                since the adoptive placement began (before that review the rule says \
                nothing). After the child is adopted (the period of care ended E11 or E12), \
                the completed book is due the policy number of working days (default 10) \
                after the adoption order, and the finding shows for the policy number of \
                days (default 365) after the adoption. Giving the book clears the finding \
                from its date.",
    source: "Life-story book: first stage at the second statutory review of the adoptive \
             placement; completed within 10 working days of the adoption ceremony (Adoption \
             Agencies Regs 2005 reg 35, NMS std 2, as in procedures) [S61], [S62]",
    basis: Basis::Guidance,
    inputs: &[
        "Episodes: DECOM, RNE, PLACE, DEC, REC (the adoptive placement and the adoption)",
        "Reviews: REVIEW",
        "Tracker: life-story work (book first stage, book completed)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; regional adoption agency",
    action: "Give the adopters the life-story book (or its first stage) and record the date.",
    notes: &[
        "The 903 return holds the day of the adoption order (the end of the period of care), \
         not the celebration hearing (\"ceremony\") that procedures count from, which is \
         usually some weeks later: counting from the order is stricter. Lengthen \
         `working_days` to allow for it.",
        "The adoptive placement begins with the first of the unbroken run of placed-for-\
         adoption placements (A3 to A6) in the current period of care.",
        "Cannot decide: the adoptive placement began before the loaded data and fewer than \
         two reviews since are in the data, so the second review may already have been \
         held.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Working days after the adoption order by which the completed book is due.
    working_days: number (WorkingDays, 1..=100) = 10;
    /// Days after the adoption that a missing completed book shows for.
    show_for_days: number (Days, 0..=1095) = 365;
}

/// LSW-02.
pub struct Lsw02;

impl_rule!(Lsw02, INFO, lsw_02, evaluate);

fn given(date: Option<permanence_domain::Date>, as_of: permanence_domain::Date) -> bool {
    date.is_some_and(|date| date <= as_of)
}

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let work = ctx.tracker.life_story.as_ref();
    if let Some(current) = ctx.current_period() {
        let placements = current.placements;
        let Some(last) = placements.len().checked_sub(1) else {
            return Vec::new();
        };
        if !placements[last].place.is_placed_for_adoption()
            || given(work.and_then(|w| w.book_first_stage), ctx.as_of)
        {
            return Vec::new();
        }
        let mut first = last;
        while first > 0 && placements[first - 1].place.is_placed_for_adoption() {
            first -= 1;
        }
        let start = placements[first].start;
        let known = first > 0 || current.start_known;
        let reviews: Vec<_> = ctx
            .reviews_in_period()
            .into_iter()
            .filter(|review| *review >= start)
            .collect();
        let mut evidence = vec![
            Evidence::new(
                "Adoptive placement",
                placement_text(&placements[first], ctx.as_of),
            ),
            Evidence::new("Reviews since", dates_text(&reviews)),
            Evidence::new("Life-story book, first stage", "not given"),
        ];
        let Some(&second) = reviews.get(1) else {
            if known {
                return Vec::new();
            }
            evidence.push(Evidence::new(
                "Why it cannot decide",
                "the placement began before the loaded data, so the second review may \
                 already have been held",
            ));
            return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
        };
        let Some(status) = ctx.deadline_status(second, known, ctx.due_soon_days(settings)) else {
            return Vec::new();
        };
        let due = (status != Status::CannotDecide).then_some(second);
        return vec![ctx.finding(&INFO, status, due, evidence)];
    }
    let Some((adopted, reason)) = ended_by(
        ctx,
        &[ReasonEpisodeCeased::E11, ReasonEpisodeCeased::E12],
        settings.show_for_days,
    ) else {
        return Vec::new();
    };
    if given(work.and_then(|w| w.book_completed), ctx.as_of) {
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
            "Completed book due",
            ctx.working_days_text(adopted, settings.working_days, due),
        ),
        Evidence::new("Life-story book, completed", "not given"),
    ];
    vec![ctx.finding(&INFO, status, Some(due), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::lsw_01::tests::work;
    use crate::rules::test_support::*;

    /// In care since 2 June 2025; placed for adoption on 1 December 2025.
    fn placed(reviews: &[Date]) -> Case {
        let mut record = in_care(d(2024, 1, 1), d(2025, 6, 2), Placement::U6);
        move_to(
            &mut record,
            d(2025, 12, 1),
            ReasonNewEpisode::P,
            Placement::A6,
        );
        record.reviews = reviews.iter().map(|date| review(*date)).collect();
        Case::new(record)
    }

    #[test]
    fn the_first_stage_by_the_second_review_of_the_adoptive_placement() {
        let case = placed(&[d(2025, 7, 1), d(2025, 12, 29), d(2026, 3, 27)]);
        let due = d(2026, 3, 27);
        assert_eq!(case.status(&Lsw02, d(2026, 3, 26)), None);
        assert_eq!(case.status(&Lsw02, due), due_soon(due));
        assert_eq!(case.status(&Lsw02, d(2026, 3, 28)), overdue(due));
        assert_eq!(
            case.finding(&Lsw02, d(2026, 3, 28)).owner.as_deref(),
            Some("SW1")
        );
        let given = case.with(|tracker| {
            let mut w = work(Some(d(2025, 9, 1)), 4);
            w.book_first_stage = Some(d(2026, 4, 2));
            tracker.life_story = Some(w);
        });
        assert_eq!(given.status(&Lsw02, d(2026, 4, 1)), overdue(due));
        assert_eq!(given.status(&Lsw02, d(2026, 4, 2)), None);
    }

    #[test]
    fn the_completed_book_within_10_working_days_of_adoption() {
        // Adopted Monday 22 December 2025: 23, 24, 29, 30, 31 December, 2, 5, 6, 7 and 8 January: Thursday 8 January.
        let mut case = placed(&[]);
        leave_care(&mut case.record, d(2025, 12, 22), ReasonEpisodeCeased::E12);
        let due = d(2026, 1, 8);
        assert_eq!(case.status(&Lsw02, d(2025, 12, 28)), None);
        assert_eq!(case.status(&Lsw02, d(2025, 12, 29)), due_soon(due));
        assert_eq!(case.status(&Lsw02, due), due_soon(due));
        assert_eq!(case.status(&Lsw02, d(2026, 1, 9)), overdue(due));
        assert_eq!(case.status(&Lsw02, d(2026, 12, 22)), overdue(due));
        assert_eq!(case.status(&Lsw02, d(2026, 12, 23)), None);
        // Easter: adopted Wednesday 1 April 2026, due Friday 17 April.
        let mut case = placed(&[]);
        leave_care(&mut case.record, d(2026, 4, 1), ReasonEpisodeCeased::E11);
        assert_eq!(case.status(&Lsw02, d(2026, 4, 18)), overdue(d(2026, 4, 17)));
        // Other endings are not adoptions.
        let mut case = placed(&[]);
        leave_care(&mut case.record, d(2025, 12, 22), ReasonEpisodeCeased::E4B);
        assert_eq!(case.status(&Lsw02, d(2026, 1, 8)), None);
    }

    #[test]
    fn cannot_decide_when_the_placement_began_before_the_data() {
        let mut record = in_care(d(2024, 1, 1), d(2025, 12, 1), Placement::A6);
        record.episodes[0].rne = ReasonNewEpisode::L;
        let case = Case::new(record);
        assert_eq!(case.status(&Lsw02, d(2026, 1, 5)), cannot_decide());
    }
}
