//! CL-01: an eligible child's needs assessment within 3 months of their 16th birthday or
//! of becoming eligible after it (Care Leavers (England) Regulations 2010 reg 42).

use permanence_domain::Date;
use permanence_domain::date::add_months;
use permanence_domain::tracker::ActivityKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::care_leavers::{eligibility, eligibility_text};
use crate::rules::records::unmet;

/// CL-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CL-01",
    title: "Eligible child's needs assessment",
    condition: "The child is looked after and eligible (aged 16 or 17, looked after for the \
                policy's weeks, default 13, in all since the age of 14, including some time \
                after 16), and no needs assessment has been recorded. It is due the policy's \
                months (default 3) after the child became eligible: the 16th birthday, or the \
                later day the 13 weeks were reached. A late assessment clears the finding \
                from its date.",
    source: "Care Leavers (England) Regs 2010 reg 42(1): assessment not more than 3 months \
             after C reaches 16 or becomes an eligible child after that age; eligibility reg \
             40 (13 weeks since 14) [S31]",
    basis: Basis::Statutory,
    inputs: &[
        "Header: DOB",
        "Episodes: DECOM, DEC, LS (time looked after since the 14th birthday)",
        "Tracker activity: care leaver's needs assessment (date)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; team manager",
    action: "Complete the needs assessment with the young person, to inform the pathway \
             plan, and record its date.",
    notes: &[
        "Eligibility is worked out from the episodes (see the care-leaver conventions): \
         short breaks (V3, V4) do not count towards the 13 weeks.",
        "Any needs assessment on record counts, whatever its date: the assessment is only \
         made for eligible children.",
        "The weeks of care set here also decide eligibility for CL-04 and CL-05.",
        "Cannot decide: the date of birth is impossible; or care before the loaded data \
         may have made the child eligible sooner (or at all) and the latest possible due \
         date has not passed.",
    ],
};

rule_settings! {
    due_soon_days: Some(28);
    /// Months after the child became eligible by which the needs assessment is due.
    months: number (Months, 1..=12) = 3;
    /// Weeks looked after since the 14th birthday that make a child eligible.
    eligibility_weeks: number (Weeks, 1..=52) = 13;
}

/// CL-01.
pub struct Cl01;

impl_rule!(Cl01, INFO, cl_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    if ctx.current_period().is_none() || ctx.in_short_breaks() {
        return Vec::new();
    }
    if ctx
        .first_activity(ActivityKind::NeedsAssessment, Date::MIN)
        .is_some()
    {
        return Vec::new();
    }
    if let Some(evidence) = ctx.dob_problem() {
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    }
    let age = ctx.age_on(ctx.as_of);
    if !(16..18).contains(&age) {
        return Vec::new();
    }
    let eligible = eligibility(ctx, settings.eligibility_weeks);
    let Some(since) = eligible.date else {
        if eligible.exact {
            return Vec::new();
        }
        let evidence = vec![Evidence::new(
            "Eligibility",
            format!(
                "not eligible on the loaded data, which begins on {}, after the 14th \
                 birthday: earlier care may make the child eligible",
                dmy(ctx.data_from())
            ),
        )];
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    };
    let due = add_months(since, settings.months);
    unmet(
        ctx,
        &INFO,
        ctx.due_soon_days(settings),
        due,
        eligible.exact,
        None,
        || {
            vec![
                Evidence::new(
                    "Eligible since",
                    eligibility_text(ctx, eligible, settings.eligibility_weeks),
                ),
                Evidence::new(
                    "Needs assessment due",
                    format!("{} ({} calendar months later)", dmy(due), settings.months),
                ),
                Evidence::new("Needs assessments", "none recorded"),
            ]
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    /// Born 1 June 2010 (16 on 1 June 2026); in care since 6 January 2025.
    fn in_care_at_16() -> Case {
        Case::new(in_care(d(2010, 6, 1), d(2025, 1, 6), Placement::U6))
    }

    #[test]
    fn due_3_months_after_the_16th_birthday() {
        let case = in_care_at_16();
        let due = d(2026, 9, 1);
        assert_eq!(case.status(&Cl01, d(2026, 8, 3)), None);
        assert_eq!(case.status(&Cl01, d(2026, 8, 4)), due_soon(due));
        assert_eq!(case.status(&Cl01, due), due_soon(due));
        assert_eq!(case.status(&Cl01, d(2026, 9, 2)), overdue(due));
        let finding = case.finding(&Cl01, d(2026, 9, 2));
        assert_eq!(finding.owner.as_deref(), Some("SW1"));
        assert!(finding.evidence_text().starts_with(
            "Eligible since: 01/06/2026 (16th birthday, with 13 weeks looked after since the 14th)"
        ));
        let done = case.activity(ActivityKind::NeedsAssessment, &[d(2026, 9, 10)]);
        assert_eq!(done.status(&Cl01, d(2026, 9, 9)), overdue(due));
        assert_eq!(done.status(&Cl01, d(2026, 9, 10)), None);
    }

    #[test]
    fn or_after_becoming_eligible_later() {
        // In care from the 16th birthday: eligible on 30 August 2026, due 30 November.
        let case = Case::new(in_care(d(2010, 6, 1), d(2026, 6, 1), Placement::U6));
        assert_eq!(case.status(&Cl01, d(2026, 8, 29)), None);
        assert_eq!(case.status(&Cl01, d(2026, 12, 1)), overdue(d(2026, 11, 30)));
    }

    #[test]
    fn leaving_care_on_the_due_date_and_re_entry() {
        let mut record = in_care(d(2010, 6, 1), d(2025, 1, 6), Placement::U6);
        leave_care(&mut record, d(2026, 9, 1), ReasonEpisodeCeased::E13);
        assert_eq!(Case::new(record.clone()).status(&Cl01, d(2026, 9, 2)), None);
        // Back in care: the child has been eligible since the 16th birthday, so the
        // assessment was due on 1 September.
        re_enter(&mut record, d(2026, 10, 5), Placement::U6);
        assert_eq!(
            Case::new(record).status(&Cl01, d(2026, 10, 6)),
            overdue(d(2026, 9, 1))
        );
    }

    #[test]
    fn cannot_decide_when_the_records_do_not_say() {
        let case = Case::new(in_care(d(2027, 6, 1), d(2025, 1, 6), Placement::U6));
        assert_eq!(case.status(&Cl01, d(2026, 9, 2)), cannot_decide());
        // Care before the data: a 16-year-old with 30 days in the data.
        let mut record = in_care(d(2010, 6, 1), d(2026, 6, 10), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::L;
        let case = Case::new(record);
        assert_eq!(case.status(&Cl01, d(2026, 7, 10)), cannot_decide());
        // Eligible on the data by 8 September at the latest; due 8 December at the latest.
        assert_eq!(case.status(&Cl01, d(2026, 10, 1)), cannot_decide());
        assert_eq!(case.status(&Cl01, d(2026, 12, 9)), overdue(d(2026, 12, 8)));
    }
}
