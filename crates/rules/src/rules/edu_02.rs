//! EDU-02: the personal education plan reviewed every school term.

use permanence_domain::date::format_dmy;
use permanence_domain::tracker::ActivityKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::school::{Term, previous_term, school_year_age, term_containing};

/// EDU-02's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "EDU-02",
    title: "Personal education plan reviewed each term",
    condition: "The child is looked after and of school age, was already looked after when a \
                school term began, and no PEP (started or reviewed) has been recorded in that \
                term. Terms: autumn 1 September to 31 December, spring 1 January to 31 March \
                (or to Easter Sunday, by policy), summer to 31 July. The PEP for the current \
                term is due on its last day. A term that ended with no PEP is overdue from its \
                last day until a PEP is recorded after it.",
    source: "PEP reviewed every school term (Promoting the education of looked-after \
             children, DfE 2018, as stated by virtual schools) [S18], [S19]",
    basis: Basis::Guidance,
    inputs: &[
        "Header: DOB",
        "Episodes: DECOM, RNE, DEC, REC, LS (the period of care)",
        "Tracker activity: PEP started or reviewed (date)",
    ],
    needs_tracker_records: true,
    owner: Role::VirtualSchool,
    escalation: "Virtual school; designated teacher; social worker",
    action: "Hold the PEP review with the designated teacher and the virtual school this \
             term, and record its date.",
    notes: &[
        "School terms differ between schools; these fixed terms are the policy's. August is \
         a holiday with no PEP due.",
        "School age is the age on the 31 August before the term's school year: Reception \
         (4) to Year 11 (15) by default, set here as for EDU-01.",
        "A child who came into care during a term is not asked for a termly PEP for that \
         term: the first PEP is due within 10 working days instead (EDU-01).",
        "The owner is the virtual school, so the finding names no person (the tracker \
         holds no virtual-school allocations); the social worker is told by the \
         escalation ladder.",
        "Cannot decide: the date of birth is after the evaluation date or after the period \
         of care began.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// Whether the spring term ends on Easter Sunday rather than 31 March.
    spring_ends_at_easter: switch = false;
    /// The youngest school age (age on 31 August before the school year; 4 is Reception).
    first_school_year_age: number (Years, 2..=18) = 4;
    /// The oldest school age (age on 31 August before the school year; 15 is Year 11).
    last_school_year_age: number (Years, 2..=18) = 15;
}

/// EDU-02.
pub struct Edu02;

impl_rule!(Edu02, INFO, edu_02, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    if ctx.in_short_breaks() {
        return Vec::new();
    }
    if let Some(evidence) = ctx.dob_problem() {
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    }
    let at_easter = settings.spring_ends_at_easter;
    let from = ctx.period_records_from(0);
    let peps = || {
        [ActivityKind::PepInitial, ActivityKind::PepReview]
            .into_iter()
            .flat_map(move |kind| ctx.activity_dates_from(kind, from).iter().copied())
    };
    let required = |term: &Term| {
        current.start() <= term.start && {
            let age = school_year_age(ctx.dob(), term.start);
            (settings.first_school_year_age..=settings.last_school_year_age).contains(&age)
        }
    };
    let previous = previous_term(ctx.as_of, at_easter);
    let missed = required(&previous)
        && !peps().any(|date| date >= previous.start && date <= previous.end)
        && !peps().any(|date| date > previous.end);
    let (term, status) = if missed {
        (previous, Status::Overdue)
    } else {
        let Some(term) = term_containing(ctx.as_of, at_easter) else {
            return Vec::new();
        };
        if !required(&term) || peps().any(|date| date >= term.start) {
            return Vec::new();
        }
        let Some(status) = ctx.status_for(term.end, ctx.due_soon_days(settings)) else {
            return Vec::new();
        };
        (term, status)
    };
    let latest = peps().max();
    let evidence = vec![
        Evidence::new(
            "Term",
            format!(
                "{} term {} to {}",
                term.name,
                dmy(term.start),
                dmy(term.end)
            ),
        ),
        Evidence::new(
            "School age",
            format!(
                "aged {} on the 31 August before the school year (born {})",
                school_year_age(ctx.dob(), term.start),
                dmy(ctx.dob())
            ),
        ),
        Evidence::new(
            "Latest PEP",
            latest.map_or(
                "none recorded in this period of care".to_string(),
                format_dmy,
            ),
        ),
    ];
    vec![ctx.finding(&INFO, status, Some(term.end), evidence)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    /// Born 1 March 2015 (Year 5 in 2025/26); in care since 2 June 2025, with a PEP on
    /// 10 June 2025.
    fn in_school(peps: &[Date]) -> Case {
        Case::new(in_care(d(2015, 3, 1), d(2025, 6, 2), Placement::U6))
            .activity(ActivityKind::PepInitial, &[d(2025, 6, 10)])
            .activity(ActivityKind::PepReview, peps)
    }

    #[test]
    fn due_by_the_end_of_each_term() {
        let case = in_school(&[]);
        let autumn_end = d(2025, 12, 31);
        assert_eq!(case.status(&Edu02, d(2025, 12, 20)), None);
        assert_eq!(case.status(&Edu02, d(2025, 12, 21)), due_soon(autumn_end));
        assert_eq!(case.status(&Edu02, autumn_end), due_soon(autumn_end));
        // The term over the Christmas holiday: overdue until a PEP is recorded.
        assert_eq!(case.status(&Edu02, d(2026, 1, 1)), overdue(autumn_end));
        assert_eq!(case.status(&Edu02, d(2026, 2, 1)), overdue(autumn_end));
        let finding = case.finding(&Edu02, d(2026, 1, 1));
        assert_eq!(finding.owner, None);
        assert_eq!(
            finding.evidence_text(),
            "Term: autumn term 01/09/2025 to 31/12/2025; School age: aged 10 on the 31 August \
             before the school year (born 01/03/2015); Latest PEP: 10/06/2025"
        );
        // A PEP in January clears it, and counts for the spring term too.
        let case = in_school(&[d(2026, 1, 12)]);
        assert_eq!(case.status(&Edu02, d(2026, 1, 12)), None);
        assert_eq!(case.status(&Edu02, d(2026, 4, 1)), None);
        // With the autumn PEP in October, spring is due by 31 March.
        let case = in_school(&[d(2025, 10, 1)]);
        assert_eq!(
            case.status(&Edu02, d(2026, 3, 21)),
            due_soon(d(2026, 3, 31))
        );
        assert_eq!(
            case.status(&Edu02, d(2026, 3, 31)),
            due_soon(d(2026, 3, 31))
        );
        assert_eq!(case.status(&Edu02, d(2026, 4, 1)), overdue(d(2026, 3, 31)));
    }

    #[test]
    fn spring_can_end_at_easter() {
        // Easter Sunday 2026 is 5 April.
        let case = in_school(&[d(2025, 10, 1), d(2026, 1, 12)])
            .policy(|p| p.rules.edu_02.spring_ends_at_easter = true);
        assert_eq!(case.status(&Edu02, d(2026, 4, 1)), None);
        let case =
            in_school(&[d(2025, 10, 1)]).policy(|p| p.rules.edu_02.spring_ends_at_easter = true);
        assert_eq!(case.status(&Edu02, d(2026, 4, 5)), due_soon(d(2026, 4, 5)));
        assert_eq!(case.status(&Edu02, d(2026, 4, 6)), overdue(d(2026, 4, 5)));
    }

    #[test]
    fn the_summer_term_is_overdue_through_august() {
        let case = in_school(&[d(2025, 10, 1), d(2026, 2, 1)]);
        assert_eq!(case.status(&Edu02, d(2026, 8, 15)), overdue(d(2026, 7, 31)));
        let case = in_school(&[d(2025, 10, 1), d(2026, 2, 1), d(2026, 7, 31)]);
        assert_eq!(case.status(&Edu02, d(2026, 8, 15)), None);
    }

    #[test]
    fn not_for_a_term_the_child_came_into_care_during() {
        let case = Case::new(in_care(d(2015, 3, 1), d(2025, 10, 1), Placement::U6));
        assert_eq!(case.status(&Edu02, d(2025, 12, 31)), None);
        assert_eq!(case.status(&Edu02, d(2026, 1, 1)), None);
        assert_eq!(
            case.status(&Edu02, d(2026, 3, 31)),
            due_soon(d(2026, 3, 31))
        );
    }

    #[test]
    fn leaving_care_on_the_due_date_and_re_entry() {
        let mut record = in_care(d(2015, 3, 1), d(2025, 6, 2), Placement::U6);
        leave_care(&mut record, d(2025, 12, 31), ReasonEpisodeCeased::E4A);
        assert_eq!(
            Case::new(record.clone()).status(&Edu02, d(2025, 12, 31)),
            None
        );
        assert_eq!(
            Case::new(record.clone()).status(&Edu02, d(2026, 1, 1)),
            None
        );
        // Back in care from 5 January: not required in the spring term, but in summer.
        re_enter(&mut record, d(2026, 1, 5), Placement::U6);
        let case = Case::new(record).activity(ActivityKind::PepReview, &[d(2025, 10, 1)]);
        assert_eq!(case.status(&Edu02, d(2026, 4, 1)), None);
        assert_eq!(case.status(&Edu02, d(2026, 8, 1)), overdue(d(2026, 7, 31)));
    }

    #[test]
    fn only_school_age() {
        // Born 1 March 2010: 15 on 31 August 2025 (Year 11), 16 on 31 August 2026.
        let case = Case::new(in_care(d(2010, 3, 1), d(2025, 6, 2), Placement::U6));
        assert_eq!(case.status(&Edu02, d(2026, 4, 1)), overdue(d(2026, 3, 31)));
        // The missed summer term shows until the autumn term ends; the autumn term of
        // Year 12 is not required.
        assert_eq!(
            case.status(&Edu02, d(2026, 12, 31)),
            overdue(d(2026, 7, 31))
        );
        assert_eq!(case.status(&Edu02, d(2027, 1, 1)), None);
    }

    #[test]
    fn cannot_decide_without_a_possible_date_of_birth() {
        let case = Case::new(in_care(d(2027, 3, 1), d(2025, 6, 2), Placement::U6));
        assert_eq!(case.status(&Edu02, d(2025, 12, 25)), cannot_decide());
    }
}
