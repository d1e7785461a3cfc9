//! SUP-01: the allocated social worker's supervision is overdue.

use permanence_domain::date::add_months;
use permanence_domain::tracker::AllocationRole;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// SUP-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "SUP-01",
    title: "Social worker's supervision overdue",
    condition: "The child has a social worker allocated on the evaluation date, and that \
                worker has not been supervised for the policy's months (default 1): the next \
                session is due that many calendar months after their latest supervision \
                session, or, when they have had none, after the first day they held any \
                child's allocation. One finding for each child of the worker, so that every \
                child's record shows that their worker's supervision is late.",
    source: "Local: supervision at a local frequency, e.g. monthly [UNCONFIRMED: no national \
             frequency found] (domain.md §6); inspection finding that decisions were not made \
             and recorded in time at all levels (domain.md §0)",
    basis: Basis::Local,
    inputs: &[
        "Tracker: the child's social-worker allocation; supervision sessions (supervisee, \
         date) in the organisation's register (or every child's records); every child's \
         allocations",
    ],
    needs_tracker_records: true,
    owner: Role::TeamManager,
    escalation: "Team manager; service manager",
    action: "Hold the worker's supervision session and record it with the children \
             discussed and the decisions made.",
    notes: &[
        "Findings need a child, so a late supervision shows once for each of the worker's \
         children (a report can count workers).",
        "Sessions are the organisation's supervision register, which holds every session \
         (or, when it is empty, the sessions in the children's records, each once by its \
         id); a session counts for its supervisee whatever children were discussed.",
        "The evaluation date bounds everything: sessions and allocations after it are \
         ignored.",
    ],
};

rule_settings! {
    due_soon_days: Some(7);
    /// Months between a social worker's supervision sessions.
    months: number (Months, 1..=12) = 1;
}

/// SUP-01.
pub struct Sup01;

impl_rule!(Sup01, INFO, sup_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(allocation) = ctx
        .tracker
        .allocated_on(AllocationRole::SocialWorker, ctx.as_of)
    else {
        return Vec::new();
    };
    let worker = allocation.person.as_str();
    let sessions = ctx.borough.supervision_of(worker, ctx.as_of);
    let (from, what) = match sessions.last() {
        Some(latest) => (*latest, "the latest supervision session"),
        None => (
            ctx.borough
                .first_allocated(worker)
                .unwrap_or(allocation.start)
                .min(allocation.start),
            "the first day the worker held an allocation (no session recorded)",
        ),
    };
    let due = add_months(from, settings.months);
    let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
        return Vec::new();
    };
    let name = ctx
        .borough
        .person(worker)
        .map(|person| format!("{worker} ({})", person.name))
        .unwrap_or_else(|| worker.to_string());
    let evidence = vec![
        Evidence::new("Social worker", name),
        Evidence::new(
            "Latest supervision",
            sessions
                .last()
                .map_or("none recorded".to_string(), |date| dmy(*date).to_string()),
        ),
        Evidence::new(
            "Next supervision due",
            format!(
                "{} ({} calendar months after {what}, {})",
                dmy(due),
                settings.months,
                dmy(from)
            ),
        ),
    ];
    vec![ctx.finding(&INFO, status, Some(due), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::SupervisionSession;

    fn session(id: &str, date: Date, supervisee: &str) -> SupervisionSession {
        SupervisionSession {
            id: id.into(),
            date,
            supervisor: "TM1".into(),
            supervisee: supervisee.into(),
            children: vec!["C2".into()],
        }
    }

    /// C1 allocated to SW1; SW1 supervised about another child, C2, on the days given.
    fn supervised(dates: &[Date]) -> Case {
        let mut other = in_care(d(2012, 1, 1), d(2024, 1, 8), Placement::U6);
        other.child = "C2".into();
        let other_tracker = ChildTracker {
            supervision: dates
                .iter()
                .enumerate()
                .map(|(i, date)| session(&format!("S{i}"), *date, "SW1"))
                .collect(),
            ..ChildTracker::default()
        };
        let mut case = Case::new(in_care(d(2015, 3, 1), d(2025, 1, 6), Placement::U6));
        case.others.push((other, other_tracker));
        case
    }

    #[test]
    fn monthly_supervision() {
        // Latest session Wednesday 31 December 2025: due Saturday 31 January 2026.
        let case = supervised(&[d(2025, 11, 28), d(2025, 12, 31)]);
        let due = d(2026, 1, 31);
        assert_eq!(case.status(&Sup01, d(2026, 1, 23)), None);
        assert_eq!(case.status(&Sup01, d(2026, 1, 24)), due_soon(due));
        assert_eq!(case.status(&Sup01, due), due_soon(due));
        assert_eq!(case.status(&Sup01, d(2026, 2, 1)), overdue(due));
        let finding = case.finding(&Sup01, d(2026, 2, 1));
        assert_eq!(finding.owner.as_deref(), Some("TM1"));
        assert!(
            finding
                .evidence_text()
                .starts_with("Social worker: SW1 (Sam Walker); Latest supervision: 31/12/2025")
        );
        // A session after the evaluation date is not known.
        let case = supervised(&[d(2025, 12, 31), d(2026, 2, 3)]);
        assert_eq!(case.status(&Sup01, d(2026, 2, 2)), overdue(due));
        assert_eq!(case.status(&Sup01, d(2026, 2, 3)), None);
    }

    #[test]
    fn sessions_in_the_organisations_register_count() {
        let mut case = supervised(&[d(2025, 11, 28)]);
        let mut none_discussed = session("S9", d(2026, 1, 20), "SW1");
        none_discussed.children.clear();
        case.organisation.supervision.push(none_discussed);
        assert_eq!(case.status(&Sup01, d(2026, 2, 1)), None);
        assert_eq!(case.status(&Sup01, d(2026, 2, 21)), overdue(d(2026, 2, 20)));
        // The register holds every session: with one loaded, the children's copies are
        // not read, and another worker's sessions do not count.
        case.organisation.supervision[0].supervisee = "SW2".into();
        assert_eq!(case.status(&Sup01, d(2026, 2, 1)), overdue(d(2000, 2, 1)));
    }

    #[test]
    fn with_no_session_from_the_first_allocation() {
        // SW1 allocated since 1 January 2000 in the test borough.
        let case = supervised(&[]);
        assert_eq!(case.status(&Sup01, d(2026, 2, 1)), overdue(d(2000, 2, 1)));
    }

    #[test]
    fn only_while_a_social_worker_is_allocated() {
        let case = supervised(&[d(2025, 11, 28)]).with(|tracker| {
            tracker.allocations[0].end = Some(d(2026, 1, 31));
        });
        assert_eq!(
            case.status(&Sup01, d(2026, 1, 30)),
            overdue(d(2025, 12, 28))
        );
        assert_eq!(case.status(&Sup01, d(2026, 1, 31)), None);
        // Leaving care does not end the allocation or the worker's need for supervision.
        let mut case = supervised(&[d(2025, 11, 28)]);
        leave_care(&mut case.record, d(2025, 12, 28), ReasonEpisodeCeased::E4A);
        assert_eq!(
            case.status(&Sup01, d(2025, 12, 29)),
            overdue(d(2025, 12, 28))
        );
    }
}
