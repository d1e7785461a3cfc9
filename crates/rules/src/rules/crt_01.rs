//! CRT-01: care proceedings within 26 weeks of issue, plus any extensions granted (CA
//! 1989 s32(1)(a)(ii), as inserted by CFA 2014 s14).

use permanence_domain::date::add_days;
use permanence_domain::tracker::HearingKind;

use crate::context::{Context, dmy};
use crate::finding::{Evidence, Finding, Role, Status};
use crate::rule::{Basis, RuleInfo, impl_rule, rule_settings};

/// CRT-01's description.
pub static INFO: RuleInfo = RuleInfo {
    id: "CRT-01",
    title: "Care proceedings beyond 26 weeks",
    condition: "Care proceedings for the child were issued on or before the evaluation date \
                and had not concluded by then. They are due to conclude by the last day of \
                the policy's weeks (default 26) beginning with the day of issue (day 1), \
                plus every extension granted on or before the evaluation date. One finding \
                for each open case.",
    source: "CA 1989 s32(1)(a)(ii): \"within twenty-six weeks beginning with the day on which \
             the application was issued\"; extensions not granted routinely, each up to 8 \
             weeks (s32(5)-(8)) [S43], [S44]",
    basis: Basis::Statutory,
    inputs: &[
        "Tracker: care proceedings (issued, concluded), hearings (extensions granted, \
               weeks)",
    ],
    needs_tracker_records: true,
    owner: Role::SocialWorker,
    escalation: "Social worker; legal; service manager",
    action: "Agree with legal what is delaying the final hearing, and whether an extension \
             is needed and justified.",
    notes: &[
        "26 weeks beginning with the day of issue end on the 182nd day counting the day of \
         issue as day 1: a case issued on Monday 5 January 2026 is due by Sunday 5 July.",
        "Cannot decide: an extension is recorded without its number of weeks, or with more \
         than the policy's maximum (default 8, the statutory limit for each extension).",
    ],
};

rule_settings! {
    due_soon_days: Some(28);
    /// Weeks, beginning with the day of issue, within which proceedings should conclude.
    weeks: number (Weeks, 1..=104) = 26;
    /// The most weeks one extension can add.
    max_extension_weeks: number (Weeks, 1..=52) = 8;
}

/// CRT-01.
pub struct Crt01;

impl_rule!(Crt01, INFO, crt_01, evaluate);

fn evaluate(ctx: &Context<'_>, settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (case, hearings) in &ctx.tracker.proceedings {
        if case.issued > ctx.as_of || case.concluded.is_some_and(|c| c <= ctx.as_of) {
            continue;
        }
        let extensions: Vec<_> = hearings
            .iter()
            .filter(|h| h.kind == HearingKind::Extension && h.date <= ctx.as_of)
            .collect();
        let issued = Evidence::new(
            "Care proceedings",
            format!("{} issued {}", case.id, dmy(case.issued)),
        );
        let max = settings.max_extension_weeks;
        if let Some(bad) = extensions.iter().find(|h| {
            h.extension_weeks
                .is_none_or(|w| w == 0 || i32::from(w) > max)
        }) {
            let evidence = vec![
                issued,
                Evidence::new(
                    "Extension",
                    format!(
                        "granted {} with {}: expected 1 to {max} weeks",
                        dmy(bad.date),
                        bad.extension_weeks
                            .map_or("no number of weeks".to_string(), |w| format!("{w} weeks"))
                    ),
                ),
            ];
            findings.push(
                ctx.finding(&INFO, Status::CannotDecide, None, evidence)
                    .about(case.id.as_str()),
            );
            continue;
        }
        let extended: i32 = extensions
            .iter()
            .filter_map(|h| h.extension_weeks)
            .map(i32::from)
            .sum();
        let due = add_days(case.issued, (settings.weeks + extended) * 7 - 1);
        let Some(status) = ctx.status_for(due, ctx.due_soon_days(settings)) else {
            continue;
        };
        let evidence = vec![
            issued,
            Evidence::new(
                "Extensions granted",
                if extensions.is_empty() {
                    "none".to_string()
                } else {
                    extensions
                        .iter()
                        .map(|h| {
                            format!(
                                "{} weeks on {}",
                                h.extension_weeks.unwrap_or_default(),
                                dmy(h.date)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            ),
            Evidence::new(
                "Due to conclude by",
                format!(
                    "{} ({} weeks beginning with the day of issue)",
                    dmy(due),
                    settings.weeks + extended
                ),
            ),
        ];
        findings.push(
            ctx.finding(&INFO, status, Some(due), evidence)
                .about(case.id.as_str()),
        );
    }
    findings
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::rules::test_support::*;
    use permanence_domain::tracker::{CareProceedings, Hearing};

    pub(crate) fn proceedings(issued: Date, concluded: Option<Date>) -> CareProceedings {
        CareProceedings {
            id: "CP1".into(),
            child: "C1".into(),
            issued,
            concluded,
            order: None,
        }
    }

    pub(crate) fn hearing(kind: HearingKind, date: Date, weeks: Option<u8>) -> Hearing {
        Hearing {
            proceedings: "CP1".into(),
            kind,
            date,
            extension_weeks: weeks,
        }
    }

    fn in_court(concluded: Option<Date>, hearings: Vec<Hearing>) -> Case {
        Case::new(in_care(d(2015, 3, 1), d(2025, 12, 1), Placement::U6)).with(|tracker| {
            tracker
                .proceedings
                .push((proceedings(d(2026, 1, 5), concluded), hearings))
        })
    }

    #[test]
    fn due_by_the_end_of_26_weeks_from_issue() {
        let case = in_court(None, vec![]);
        let due = d(2026, 7, 5);
        assert_eq!(case.status(&Crt01, d(2026, 6, 6)), None);
        assert_eq!(case.status(&Crt01, d(2026, 6, 7)), due_soon(due));
        assert_eq!(case.status(&Crt01, due), due_soon(due));
        assert_eq!(case.status(&Crt01, d(2026, 7, 6)), overdue(due));
        assert_eq!(
            case.finding(&Crt01, d(2026, 7, 6)).owner.as_deref(),
            Some("SW1")
        );
        assert_eq!(
            in_court(Some(d(2026, 7, 6)), vec![]).status(&Crt01, d(2026, 7, 6)),
            None
        );
    }

    #[test]
    fn extensions_add_their_weeks_once_granted() {
        let case = in_court(
            None,
            vec![hearing(HearingKind::Extension, d(2026, 6, 20), Some(8))],
        );
        assert_eq!(case.status(&Crt01, d(2026, 6, 19)), due_soon(d(2026, 7, 5)));
        assert_eq!(case.status(&Crt01, d(2026, 7, 6)), None);
        assert_eq!(case.status(&Crt01, d(2026, 8, 31)), overdue(d(2026, 8, 30)));
    }

    #[test]
    fn cannot_decide_with_an_extension_of_unknown_length() {
        for weeks in [None, Some(0), Some(9)] {
            let case = in_court(
                None,
                vec![hearing(HearingKind::Extension, d(2026, 6, 20), weeks)],
            );
            assert_eq!(
                case.status(&Crt01, d(2026, 7, 6)),
                cannot_decide(),
                "{weeks:?}"
            );
        }
    }

    #[test]
    fn not_tied_to_care() {
        let mut case = in_court(None, vec![]);
        leave_care(&mut case.record, d(2026, 3, 1), ReasonEpisodeCeased::E4A);
        assert_eq!(case.status(&Crt01, d(2026, 7, 6)), overdue(d(2026, 7, 5)));
    }
}
