//! IRO-02: an independent reviewing officer allocated within 5 working days of coming
//! into care, and before the first review.

use permanence_domain::Date;
use permanence_domain::tracker::AllocationRole;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::{latest_text, unmet};

/// IRO-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "IRO-02",
    title: "IRO allocated within 5 working days",
    condition: "The child is looked after and has no IRO allocated on the evaluation date. \
                When no IRO has been allocated in this period of care, one is due on the 5th \
                working day after the period began, or by the first review if that is \
                earlier. When the IRO's allocation ended and no one replaced them, a new IRO \
                is due on the 5th working day after it ended. Allocating an IRO clears the \
                finding.",
    source: "IRO appointed and meets the child before the first review; good practice within \
             the first 5 working days [S26]",
    basis: Basis::Guidance,
    inputs: &[
        "Episodes: DECOM, RNE, DEC, REC (the period of care)",
        "Reviews: REVIEW (the first review of the period)",
        "Tracker: allocations of the IRO (start, end)",
    ],
    needs_tracker_records: true,
    owner: Role::IroManager,
    escalation: "IRO manager",
    action: "Allocate an IRO now and arrange for them to meet the child before the first \
             review.",
    notes: &[
        "Whether the IRO met the child before the first review is not checked: IRO contacts \
         are recorded, but the first review itself is where most IROs first meet the child, \
         so the rule looks at the allocation only.",
        "The owner is the IRO manager above the last allocated IRO, or the staff register's \
         only IRO manager.",
        "When the period of care began before the loaded data and no IRO has been allocated, \
         the rule cannot decide until the latest possible due date has passed.",
    ],
};

rule_settings! {
    due_soon_days: Some(3);
    /// Working days after the child came into care (or the last IRO's allocation ended)
    /// by which an IRO is due.
    working_days: number (WorkingDays, 1..=60) = 5;
}

/// IRO-02.
pub struct Iro02;

impl_rule!(Iro02, INFO, iro_02, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    if ctx
        .tracker
        .allocated_on(AllocationRole::Iro, ctx.as_of)
        .is_some()
    {
        return Vec::new();
    }
    let start = current.start();
    let from = ctx.period_records_from(0);
    let ended = ctx
        .tracker
        .allocations
        .iter()
        .filter(|a| a.role == AllocationRole::Iro && a.start <= ctx.as_of)
        .filter_map(|a| a.end.filter(|end| *end >= from && *end >= start))
        .max();
    let (due, known, anchor) = match ended {
        Some(end) => (
            ctx.calendar.add_working_days(end, settings.working_days),
            true,
            end,
        ),
        None => {
            let by_target = ctx.calendar.add_working_days(start, settings.working_days);
            let first_review = ctx.first_review_from(Date::MIN);
            (
                first_review.map_or(by_target, |review| review.min(by_target)),
                current.start_known,
                start,
            )
        }
    };
    unmet(
        ctx,
        &INFO,
        ctx.due_soon_days(settings),
        due,
        known,
        None,
        || {
            let mut evidence = vec![Evidence::new(
                "Period of care started",
                current.start_evidence(),
            )];
            match ended {
                Some(end) => evidence.push(Evidence::new("Last IRO allocation ended", dmy(end))),
                None => evidence.push(Evidence::new(
                    "IRO allocations in this period",
                    "none recorded",
                )),
            }
            let mut text = latest_text(
                ctx.working_days_text(anchor, settings.working_days, due),
                known,
            );
            if ended.is_none() && due < ctx.calendar.add_working_days(start, settings.working_days)
            {
                text = format!("{} (the day of the first review)", dmy(due));
            }
            evidence.push(Evidence::new("IRO due", text));
            evidence
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::rules::test_support::*;

    fn came_in(start: Date) -> Case {
        Case::bare(in_care(d(2015, 3, 1), start, Placement::U6))
    }

    #[test]
    fn due_5_working_days_after_coming_into_care() {
        // Monday 22 December 2025: 23 (1), 24 (2), 29 (3), 30 (4), 31 December (5).
        let case = came_in(d(2025, 12, 22));
        let due = d(2025, 12, 31);
        assert_eq!(case.status(&Iro02, d(2025, 12, 27)), None);
        assert_eq!(case.status(&Iro02, d(2025, 12, 28)), due_soon(due));
        assert_eq!(case.status(&Iro02, due), due_soon(due));
        assert_eq!(case.status(&Iro02, d(2026, 1, 1)), overdue(due));
        let finding = case.finding(&Iro02, d(2026, 1, 1));
        assert_eq!(finding.owner.as_deref(), Some("IROM1"));
        assert_eq!(finding.owner_name.as_deref(), Some("Iris Moore"));
        // Easter: Wednesday 1 April 2026 to Friday 10 April; a weekend start.
        assert_eq!(
            came_in(d(2026, 4, 1)).status(&Iro02, d(2026, 4, 11)),
            overdue(d(2026, 4, 10))
        );
        assert_eq!(
            came_in(d(2026, 6, 6)).status(&Iro02, d(2026, 6, 13)),
            overdue(d(2026, 6, 12))
        );
    }

    #[test]
    fn an_allocation_clears_it_from_its_start() {
        let case = came_in(d(2025, 12, 22)).with(|tracker| {
            tracker
                .allocations
                .push(allocation(AllocationRole::Iro, "IRO1", d(2026, 1, 5)))
        });
        assert_eq!(case.status(&Iro02, d(2026, 1, 2)), overdue(d(2025, 12, 31)));
        assert_eq!(case.status(&Iro02, d(2026, 1, 5)), None);
    }

    #[test]
    fn an_ended_allocation_needs_replacing() {
        let case = came_in(d(2025, 6, 2)).with(|tracker| {
            let mut first = allocation(AllocationRole::Iro, "IRO1", d(2025, 6, 3));
            first.end = Some(d(2025, 12, 22));
            tracker.allocations.push(first);
        });
        assert_eq!(case.status(&Iro02, d(2025, 12, 21)), None);
        assert_eq!(case.status(&Iro02, d(2026, 1, 1)), overdue(d(2025, 12, 31)));
        // With the last IRO gone, the register's only IRO manager owns it.
        assert_eq!(
            case.finding(&Iro02, d(2026, 1, 1)).owner.as_deref(),
            Some("IROM1")
        );
    }

    #[test]
    fn due_by_an_earlier_first_review() {
        let mut case = came_in(d(2025, 12, 22));
        case.record.reviews = vec![review(d(2025, 12, 29))];
        assert_eq!(
            case.status(&Iro02, d(2025, 12, 30)),
            overdue(d(2025, 12, 29))
        );
    }

    #[test]
    fn leaving_care_on_the_due_date_and_re_entry() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 22), Placement::U6);
        leave_care(&mut record, d(2025, 12, 31), ReasonEpisodeCeased::E4A);
        assert_eq!(
            Case::bare(record.clone()).status(&Iro02, d(2026, 1, 1)),
            None
        );
        re_enter(&mut record, d(2026, 6, 1), Placement::U6);
        let case = Case::bare(record).with(|tracker| {
            let mut old = allocation(AllocationRole::Iro, "IRO1", d(2025, 12, 23));
            old.end = Some(d(2025, 12, 31));
            tracker.allocations.push(old);
        });
        // Monday 1 June 2026 + 5 working days = Monday 8 June.
        assert_eq!(case.status(&Iro02, d(2026, 6, 9)), overdue(d(2026, 6, 8)));
    }

    #[test]
    fn cannot_decide_when_the_period_began_before_the_data() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 12, 22), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::L;
        let case = Case::bare(record);
        assert_eq!(
            case.status(&Iro02, d(2025, 12, 23)).map(|s| s.0),
            Some(Status::CannotDecide)
        );
        assert_eq!(case.status(&Iro02, d(2026, 1, 1)), overdue(d(2025, 12, 31)));
    }
}
