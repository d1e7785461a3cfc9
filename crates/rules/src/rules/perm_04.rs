//! PERM-04: a young child living in a children's home for a long time (the inspection
//! finding that young children drifted in residential care with no family finding).

use permanence_domain::date::{add_days, days_between, format_dmy};
use permanence_domain::tracker::PermanencePlan;

use crate::context::{Context, placement_text};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::{active_search, family_finding_evidence, plan_evidence};

/// PERM-04's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "PERM-04",
    title: "Young child in a children's home for too long",
    condition: "The child is under the policy age (default 11) and has lived in children's \
                homes (903 placement K1 or K2) continuously for more than the policy number of \
                days (default 90). Moves between children's homes and temporary placements \
                (T0 to T4, such as a hospital stay) do not break the run. The system holds no \
                family-finding or contingency-plan records yet, so the rule fires on age and \
                time alone and says so; it will stop firing for a child with active family \
                finding and a contingency plan once those are recorded.",
    source: "Local, from the inspection finding that \"very young children\" were \
             \"drifting\" in residential care with no contingency planning or family finding \
             [S40]; domain.md §6 suggests age 11 and 90 days",
    basis: Basis::Local,
    inputs: &[
        "Header: DOB",
        "Episodes: DECOM, RNE, PLACE, DEC (the run of children's-home placements)",
        "Tracker: family finding (start, status, end), permanence plan (parallel and \
         contingency plans)",
    ],
    needs_tracker_records: false,
    owner: Role::ServiceManager,
    escalation: "Service manager; head of service; IRO",
    action: "Review the permanence plan at a senior level: is there active family finding \
             and a contingency plan? Set a date to move the child to a family, or record why \
             residential care is the plan.",
    notes: &[
        "Family finding is active when a search (any route) started on or before the \
         evaluation date and had not ended by then: status active, or ended or matched \
         only after that day. A paused search is not active.",
        "A parallel plan counts as a fallback alongside a contingency plan: a parallel plan \
         is a contingency plan being actively worked on (domain.md §5).",
        "The child's age is taken on the evaluation date: a child who reaches the policy age \
         stops being flagged.",
        "The finding is overdue from the day after the run reaches the policy number of days \
         (\"more than 90 days\").",
        "Cannot decide: when the date of birth is after the period of care began, or when the \
         run started before the loaded data and has not yet passed the limit on what the data \
         shows.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Children younger than this age are flagged (11 flags children aged 10 and under).
    under_age: number (Years, 0..=25) = 11;
    /// Days in children's homes after which the child is flagged.
    days: number (Days, 1..=3650) = 90;
}

/// PERM-04.
pub struct Perm04;

impl_rule!(Perm04, INFO, perm_04, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    let placements = current.placements;
    let Some(now) = placements.last() else {
        return Vec::new();
    };
    if !now.place.is_childrens_home() {
        return Vec::new();
    }
    let searching = active_search(ctx).is_some();
    let fallback = ctx.plan().is_some_and(PermanencePlan::has_fallback);
    if searching && fallback {
        return Vec::new();
    }
    if let Some(evidence) = ctx.dob_problem() {
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    }
    if ctx.age_on(ctx.as_of) >= settings.under_age {
        return Vec::new();
    }
    // Walk back over children's homes and temporary placements.
    let mut first = placements.len() - 1;
    while first > 0 {
        let before = &placements[first - 1];
        if before.place.is_childrens_home() || before.place.is_temporary() {
            first -= 1;
        } else {
            break;
        }
    }
    // The run starts with its first children's home (not a temporary placement).
    while placements[first].place.is_temporary() {
        first += 1;
    }
    let run = &placements[first..];
    let run_start = run[0].start;
    let due = add_days(run_start, settings.days);
    let may_have_started_earlier = first == 0 && !current.start_known;

    let status = match ctx.status_from(due, !may_have_started_earlier, ctx.due_soon_days(settings))
    {
        // No warning for a child who reaches the age before the limit.
        Some(Status::DueSoon) if ctx.age_on(due) >= settings.under_age => return Vec::new(),
        Some(status) => status,
        None => return Vec::new(),
    };
    let mut evidence = vec![
        Evidence::new(
            "Age",
            format!(
                "{} on {} (born {}); the policy flags children under {}",
                ctx.age_on(ctx.as_of),
                format_dmy(ctx.as_of),
                format_dmy(ctx.dob()),
                settings.under_age
            ),
        ),
        Evidence::new(
            "Children's homes",
            run.iter()
                .map(|placement| placement_text(placement, ctx.as_of))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Evidence::new(
            "Time in children's homes",
            format!(
                "{} days since {}{}; more than {} days from {}",
                days_between(run_start, ctx.as_of),
                format_dmy(run_start),
                if may_have_started_earlier {
                    " (the run may have started before the loaded data)"
                } else {
                    ""
                },
                settings.days,
                format_dmy(add_days(due, 1))
            ),
        ),
    ];
    if ctx.records_loaded() {
        let missing = match (searching, fallback) {
            (false, false) => "no active family finding and no contingency or parallel plan",
            (false, true) => "no active family finding",
            _ => "no contingency or parallel plan",
        };
        evidence.push(Evidence::new("Missing", missing));
        evidence.push(Evidence::new(
            "Family finding",
            family_finding_evidence(ctx),
        ));
        evidence.push(Evidence::new("Permanence plan", plan_evidence(ctx)));
    } else {
        evidence.push(Evidence::new(
            "Family finding and contingency plan",
            "the tracker's records were not loaded: raised on age and time in the home alone",
        ));
    }
    let due = (status != Status::CannotDecide).then_some(due);
    vec![ctx.finding(&INFO, status, due, evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::{FamilyFinding, FamilyFindingRoute, FamilyFindingStatus};

    /// Born 1 June 2017; in a children's home from 2 January 2026 (aged 8).
    fn in_home() -> ChildRecord {
        in_care(d(2017, 6, 1), d(2026, 1, 2), Placement::K2)
    }

    #[test]
    fn flags_after_more_than_90_days() {
        // 2 January 2026 + 90 days = 2 April 2026 (the day before Good Friday): 90 days in
        // the home that day, more than 90 from Good Friday 3 April.
        let record = in_home();
        let due = d(2026, 4, 2);
        assert_eq!(status(&Perm04, &record, d(2026, 3, 22)), None);
        assert_eq!(status(&Perm04, &record, d(2026, 3, 23)), due_soon(due));
        assert_eq!(status(&Perm04, &record, d(2026, 4, 1)), due_soon(due));
        assert_eq!(status(&Perm04, &record, due), due_soon(due));
        assert_eq!(status(&Perm04, &record, d(2026, 4, 3)), overdue(due));
        let finding = &run(&Perm04, &record, d(2026, 4, 3))[0];
        assert_eq!(finding.days_overdue, 1);
        assert!(finding.evidence_text().contains(
            "Time in children's homes: 91 days since 02/01/2026; more than 90 days from 03/04/2026"
        ));
        assert!(
            finding
                .evidence_text()
                .contains("raised on age and time in the home alone")
        );
        // With the tracker's records loaded (none for this child).
        let finding = Case::bare(record).finding(&Perm04, d(2026, 4, 3));
        assert!(finding.evidence_text().contains(
            "Missing: no active family finding and no contingency or parallel plan; \
             Family finding: no family-finding record; \
             Permanence plan: no permanence plan recorded for this period of care"
        ));
    }

    fn search(start: Date, status: FamilyFindingStatus, end: Option<Date>) -> FamilyFinding {
        FamilyFinding {
            child: "C1".into(),
            route: FamilyFindingRoute::LongTermFostering,
            start,
            profiles: 2,
            links: 1,
            expressions_of_interest: 0,
            matches: 0,
            status,
            end,
            end_reason: None,
            fostering_for_adoption_considered: None,
        }
    }

    fn with_records(search: Option<FamilyFinding>, contingency: bool) -> Case {
        let mut version = plan(d(2026, 1, 20), PermanenceOption::LongTermFostering);
        if contingency {
            version.contingency = Some(PermanenceOption::Residential);
        }
        Case::new(in_home())
            .plan(version)
            .with(|tracker| tracker.family_finding.extend(search))
    }

    #[test]
    fn active_family_finding_and_a_contingency_plan_clear_it() {
        let active = search(d(2026, 2, 1), FamilyFindingStatus::Active, None);
        let case = with_records(Some(active.clone()), true);
        assert_eq!(case.status(&Perm04, d(2026, 4, 3)), None);
        // Only one of the two: flagged, and the evidence says which is missing.
        let case = with_records(Some(active.clone()), false);
        let finding = case.finding(&Perm04, d(2026, 4, 3));
        assert_eq!(finding.status, Status::Overdue);
        assert!(
            finding
                .evidence_text()
                .contains("Missing: no contingency or parallel plan")
        );
        assert!(
            finding
                .evidence_text()
                .contains("Family finding: active: long-term fostering search since 01/02/2026")
        );
        assert_eq!(finding.owner.as_deref(), Some("SM1"));
        assert_eq!(finding.owner_name.as_deref(), Some("Sol Mendes"));
        let case = with_records(None, true);
        let finding = case.finding(&Perm04, d(2026, 4, 3));
        assert!(
            finding
                .evidence_text()
                .contains("Missing: no active family finding;")
        );
        // A parallel plan counts as a fallback.
        let mut version = plan(d(2026, 1, 20), PermanenceOption::LongTermFostering);
        version.parallel = vec![PermanenceOption::ConnectedCarers];
        let case = Case::new(in_home())
            .plan(version)
            .with(|tracker| tracker.family_finding.push(active));
        assert_eq!(case.status(&Perm04, d(2026, 4, 3)), None);
    }

    #[test]
    fn a_search_is_read_as_it_stood_on_the_evaluation_date() {
        // Ended on 10 April: running on 3 April, not on 10 April.
        let ended = search(
            d(2026, 2, 1),
            FamilyFindingStatus::Ended,
            Some(d(2026, 4, 10)),
        );
        let case = with_records(Some(ended), true);
        assert_eq!(case.status(&Perm04, d(2026, 4, 3)), None);
        assert_eq!(case.status(&Perm04, d(2026, 4, 10)), overdue(d(2026, 4, 2)));
        // A search that starts after the evaluation date does not count yet.
        let later = search(d(2026, 4, 5), FamilyFindingStatus::Active, None);
        let case = with_records(Some(later), true);
        assert_eq!(case.status(&Perm04, d(2026, 4, 4)), overdue(d(2026, 4, 2)));
        assert_eq!(case.status(&Perm04, d(2026, 4, 5)), None);
        let paused = search(d(2026, 2, 1), FamilyFindingStatus::Paused, None);
        let case = with_records(Some(paused), true);
        let finding = case.finding(&Perm04, d(2026, 4, 3));
        assert!(
            finding
                .evidence_text()
                .contains("none active on 03/04/2026"),
            "{}",
            finding.evidence_text()
        );
    }

    #[test]
    fn counts_calendar_days_over_christmas_and_weekends() {
        // 20 December 2025 + 90 days = 20 March 2026; Christmas and weekends count.
        let record = in_care(d(2017, 6, 1), d(2025, 12, 20), Placement::K1);
        assert_eq!(
            status(&Perm04, &record, d(2026, 3, 21)),
            overdue(d(2026, 3, 20))
        );
    }

    #[test]
    fn moves_between_homes_and_temporary_placements_do_not_break_the_run() {
        let mut record = in_care(d(2017, 6, 1), d(2025, 6, 1), Placement::U6);
        move_to(
            &mut record,
            d(2026, 1, 2),
            ReasonNewEpisode::P,
            Placement::K2,
        );
        move_to(
            &mut record,
            d(2026, 2, 1),
            ReasonNewEpisode::P,
            Placement::T1,
        );
        move_to(
            &mut record,
            d(2026, 2, 5),
            ReasonNewEpisode::P,
            Placement::K2,
        );
        assert_eq!(
            status(&Perm04, &record, d(2026, 4, 3)),
            overdue(d(2026, 4, 2))
        );
        // A foster placement in between does.
        let mut record = in_care(d(2017, 6, 1), d(2026, 1, 2), Placement::K2);
        move_to(
            &mut record,
            d(2026, 2, 1),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        move_to(
            &mut record,
            d(2026, 2, 10),
            ReasonNewEpisode::P,
            Placement::K2,
        );
        assert_eq!(status(&Perm04, &record, d(2026, 4, 3)), None);
        assert_eq!(
            status(&Perm04, &record, d(2026, 5, 12)),
            overdue(d(2026, 5, 11))
        );
    }

    #[test]
    fn only_children_under_the_policy_age() {
        // Born 1 April 2015: 11 on 1 April 2026.
        let record = in_care(d(2015, 4, 1), d(2025, 12, 1), Placement::K2);
        assert_eq!(
            status(&Perm04, &record, d(2026, 3, 31)),
            overdue(d(2026, 3, 1))
        );
        assert_eq!(status(&Perm04, &record, d(2026, 4, 1)), None);
        // No warning for a child who will be 11 before the limit.
        let record = in_care(d(2015, 4, 1), d(2026, 1, 10), Placement::K2);
        assert_eq!(status(&Perm04, &record, d(2026, 3, 31)), None);
        let mut policy = crate::policy::Policy::default();
        policy.rules.perm_04.under_age = 12;
        assert_eq!(run_with(&Perm04, &record, &policy, d(2026, 4, 11)).len(), 1);
    }

    #[test]
    fn a_child_who_leaves_care_on_the_due_date_is_not_flagged() {
        let mut record = in_home();
        leave_care(&mut record, d(2026, 4, 2), ReasonEpisodeCeased::E4A);
        assert_eq!(status(&Perm04, &record, d(2026, 4, 3)), None);
        // Or moves to foster care.
        let mut record = in_home();
        move_to(
            &mut record,
            d(2026, 4, 2),
            ReasonNewEpisode::P,
            Placement::U4,
        );
        assert_eq!(status(&Perm04, &record, d(2026, 4, 3)), None);
    }

    #[test]
    fn re_entry_starts_a_new_run() {
        let mut record = in_care(d(2017, 6, 1), d(2025, 6, 1), Placement::K2);
        leave_care(&mut record, d(2025, 12, 31), ReasonEpisodeCeased::E4B);
        re_enter(&mut record, d(2026, 1, 2), Placement::K2);
        assert_eq!(
            status(&Perm04, &record, d(2026, 4, 2)),
            due_soon(d(2026, 4, 2))
        );
    }

    #[test]
    fn cannot_decide_with_an_impossible_date_of_birth() {
        let record = in_care(d(2026, 1, 20), d(2026, 1, 2), Placement::K2);
        let findings = run(&Perm04, &record, d(2026, 2, 1));
        assert_eq!(findings[0].status, Status::CannotDecide);
        assert!(
            findings[0].evidence[0]
                .value
                .contains("after the period of care started")
        );
    }

    #[test]
    fn cannot_decide_when_the_run_began_before_the_data() {
        let mut record = in_home();
        record.episodes[0].rne = ReasonNewEpisode::L;
        assert_eq!(
            status(&Perm04, &record, d(2026, 2, 1)),
            Some((Status::CannotDecide, None))
        );
        // Past the limit on what the data shows, it is overdue whatever came before.
        assert_eq!(
            status(&Perm04, &record, d(2026, 4, 3)),
            overdue(d(2026, 4, 2))
        );
    }
}
