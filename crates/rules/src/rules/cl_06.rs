//! CL-06: a staying-put decision for a fostered young person by the first review after
//! their 16th birthday.

use permanence_domain::date::birthday;

use crate::context::{Context, dmy, placement_text};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};
use crate::rules::records::unmet;

/// CL-06's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CL-06",
    title: "No staying-put decision for a fostered 16-year-old",
    condition: "The young person is looked after in foster care (U1 to U6), aged 16 or over, \
                and no staying-put decision (agreed, not agreed, or declined) has been \
                recorded. It is due at the first looked-after review held on or after the \
                later of the 16th birthday (the policy age) and the start of the current run \
                of foster placements. Before that review is held the rule says nothing. A \
                late decision clears the finding from its date.",
    source: "Staying put to be considered at the first review after the 16th birthday for a \
             child in foster care (local-authority procedures) [S38]; duty CFA 2014 s98 \
             [S36], [S37]",
    basis: Basis::Local,
    inputs: &[
        "Header: DOB",
        "Episodes: DECOM, PLACE, DEC (the run of foster placements)",
        "Reviews: REVIEW",
        "Tracker: staying-put decisions (date decided)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; IRO",
    action: "Discuss staying put with the young person and the foster carers at the review, \
             and record the decision.",
    notes: &[
        "Staying put applies to foster care only, not residential or supported lodgings. A \
         young person who moves into foster care after 16 is due a decision at the first \
         review after the move. Temporary placements do not break the run of foster \
         placements.",
        "Any staying-put decision on record counts.",
        "Cannot decide: the date of birth is impossible.",
    ],
};

rule_settings! {
    due_soon_days: None;
    /// The age from which a staying-put decision is due at the next review.
    from_age: number (Years, 14..=18) = 16;
}

/// CL-06.
pub struct Cl06;

impl_rule!(Cl06, INFO, cl_06, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let Some(current) = ctx.current_period() else {
        return Vec::new();
    };
    let placements = current.placements;
    let Some(now) = placements.last().filter(|p| p.place.is_foster_care()) else {
        return Vec::new();
    };
    if !ctx
        .tracker
        .staying_put
        .iter()
        .all(|s| s.decided > ctx.as_of)
    {
        return Vec::new();
    }
    if let Some(evidence) = ctx.dob_problem() {
        return vec![ctx.finding(&INFO, Status::CannotDecide, None, evidence)];
    }
    let from_age = birthday(ctx.dob(), settings.from_age);
    if ctx.as_of < from_age {
        return Vec::new();
    }
    let mut first = placements.len() - 1;
    while first > 0 {
        let before = &placements[first - 1].place;
        if before.is_foster_care() || before.is_temporary() {
            first -= 1;
        } else {
            break;
        }
    }
    while placements[first].place.is_temporary() {
        first += 1;
    }
    let fostered_since = placements[first].start;
    let from = from_age.max(fostered_since);
    let Some(review) = ctx.first_review_from(from) else {
        return Vec::new();
    };
    unmet(
        ctx,
        &INFO,
        ctx.due_soon_days(settings),
        review,
        true,
        None,
        || {
            vec![
                Evidence::new(
                    "Age",
                    format!(
                        "{} on {} (born {})",
                        ctx.age_on(ctx.as_of),
                        dmy(ctx.as_of),
                        dmy(ctx.dob())
                    ),
                ),
                Evidence::new("Foster placement", placement_text(now, ctx.as_of)),
                Evidence::new(
                    "First review since",
                    format!("{} (the first on or after {})", dmy(review), dmy(from)),
                ),
                Evidence::new("Staying-put decisions", "none recorded"),
            ]
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::{StayingPut, StayingPutDecision};

    /// Born 1 June 2010 (16 on 1 June 2026); fostered since 2025; reviewed on the days
    /// given.
    fn fostered(reviews: &[Date]) -> Case {
        let mut record = in_care(d(2010, 6, 1), d(2025, 1, 6), Placement::U4);
        record.reviews = reviews.iter().map(|date| review(*date)).collect();
        Case::new(record)
    }

    fn decided(on: Date) -> StayingPut {
        StayingPut {
            child: "C1".into(),
            decided: on,
            decision: StayingPutDecision::Agreed,
            start: None,
            end: None,
        }
    }

    #[test]
    fn due_at_the_first_review_after_16() {
        let case = fostered(&[d(2026, 1, 10), d(2026, 7, 8)]);
        let due = d(2026, 7, 8);
        assert_eq!(case.status(&Cl06, d(2026, 7, 7)), None);
        assert_eq!(case.status(&Cl06, due), due_soon(due));
        assert_eq!(case.status(&Cl06, d(2026, 7, 9)), overdue(due));
        assert_eq!(
            case.finding(&Cl06, d(2026, 7, 9)).owner.as_deref(),
            Some("SW1")
        );
        let case = case.with(|tracker| tracker.staying_put.push(decided(d(2026, 7, 20))));
        assert_eq!(case.status(&Cl06, d(2026, 7, 19)), overdue(due));
        assert_eq!(case.status(&Cl06, d(2026, 7, 20)), None);
        // A review on the birthday counts.
        assert_eq!(
            fostered(&[d(2026, 6, 1)]).status(&Cl06, d(2026, 6, 2)),
            overdue(d(2026, 6, 1))
        );
    }

    #[test]
    fn only_in_foster_care() {
        let mut case = fostered(&[d(2026, 7, 8)]);
        move_to(
            &mut case.record,
            d(2026, 8, 1),
            ReasonNewEpisode::P,
            Placement::K2,
        );
        assert_eq!(case.status(&Cl06, d(2026, 8, 2)), None);
        // Into foster care after 16: the first review after the move.
        move_to(
            &mut case.record,
            d(2026, 10, 1),
            ReasonNewEpisode::P,
            Placement::U6,
        );
        case.record.reviews.push(review(d(2026, 11, 2)));
        assert_eq!(case.status(&Cl06, d(2026, 10, 20)), None);
        assert_eq!(case.status(&Cl06, d(2026, 11, 3)), overdue(d(2026, 11, 2)));
    }

    #[test]
    fn leaving_care_on_the_due_date() {
        let mut case = fostered(&[d(2026, 7, 8)]);
        leave_care(&mut case.record, d(2026, 7, 8), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Cl06, d(2026, 7, 9)), None);
    }

    #[test]
    fn cannot_decide_without_a_possible_date_of_birth() {
        let mut case = fostered(&[d(2026, 7, 8)]);
        case.record.header.dob = d(2025, 6, 1);
        assert_eq!(case.status(&Cl06, d(2026, 7, 9)), cannot_decide());
    }
}
