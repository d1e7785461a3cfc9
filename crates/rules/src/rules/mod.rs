//! The drift rules, one per file, each with its description, its settings, its
//! evaluation and its tests. Rule ids are the stable ids of `domain.md` §6.

use crate::rule::Rule;

pub mod ado_01;
pub mod ado_02;
pub mod care_leavers;
pub mod cea_01;
pub mod cl_01;
pub mod cl_02;
pub mod cl_03;
pub mod cl_04;
pub mod cl_05;
pub mod cl_06;
pub mod cl_07;
pub mod cl_08;
pub mod cp_01;
pub mod cp_02;
pub mod cp_03;
pub mod crt_01;
pub mod crt_02;
pub mod edu_01;
pub mod edu_02;
pub mod fc_01;
pub mod hlt_01;
pub mod hlt_02;
pub mod iro_01;
pub mod iro_02;
pub mod lsw_01;
pub mod lsw_02;
pub mod lsw_03;
pub mod lsw_04;
pub mod perm_01;
pub mod perm_02;
pub mod perm_03;
pub mod perm_04;
pub mod perm_05;
pub mod perm_06;
pub mod perm_07;
pub mod perm_08;
pub(crate) mod placements;
pub mod plc_01;
pub mod plc_02;
pub mod plc_04;
pub mod plc_05;
pub mod plo_01;
pub mod plo_02;
pub mod pnl_01;
pub(crate) mod records;
pub mod rev_01;
pub mod rev_02;
pub mod rev_03;
pub mod rev_04;
pub mod rev_05;
pub(crate) mod reviews;
pub(crate) mod school;
pub mod stab_01;
pub mod stab_02;
pub mod stab_03;
pub mod sup_01;
pub mod sup_02;
pub mod vis_01;
pub mod vis_02;
pub mod vis_03;
pub mod vis_04;
pub mod vis_05;
pub mod vis_06;
pub(crate) mod visits;

/// Every rule, in the order of the rule table.
static ALL: &[&dyn Rule] = &[
    &rev_01::Rev01,
    &rev_02::Rev02,
    &rev_03::Rev03,
    &rev_04::Rev04,
    &rev_05::Rev05,
    &cp_01::Cp01,
    &cp_02::Cp02,
    &cp_03::Cp03,
    &perm_01::Perm01,
    &perm_02::Perm02,
    &perm_03::Perm03,
    &perm_04::Perm04,
    &perm_05::Perm05,
    &perm_06::Perm06,
    &perm_07::Perm07,
    &perm_08::Perm08,
    &vis_01::Vis01,
    &vis_02::Vis02,
    &vis_03::Vis03,
    &vis_04::Vis04,
    &vis_05::Vis05,
    &vis_06::Vis06,
    &hlt_01::Hlt01,
    &hlt_02::Hlt02,
    &edu_01::Edu01,
    &edu_02::Edu02,
    &plc_01::Plc01,
    &plc_02::Plc02,
    &plc_04::Plc04,
    &plc_05::Plc05,
    &stab_01::Stab01,
    &stab_02::Stab02,
    &stab_03::Stab03,
    &fc_01::Fc01,
    &cl_01::Cl01,
    &cl_02::Cl02,
    &cl_03::Cl03,
    &cl_04::Cl04,
    &cl_05::Cl05,
    &cl_06::Cl06,
    &cl_07::Cl07,
    &cl_08::Cl08,
    &cea_01::Cea01,
    &plo_01::Plo01,
    &plo_02::Plo02,
    &crt_01::Crt01,
    &crt_02::Crt02,
    &ado_01::Ado01,
    &ado_02::Ado02,
    &lsw_01::Lsw01,
    &lsw_02::Lsw02,
    &lsw_03::Lsw03,
    &lsw_04::Lsw04,
    &iro_01::Iro01,
    &iro_02::Iro02,
    &sup_01::Sup01,
    &sup_02::Sup02,
    &pnl_01::Pnl01,
];

/// A rule of the rule table (`domain.md` §6), or part of one, that the engine does not
/// compute, and why: listed in `docs/rules.md`.
#[derive(Debug)]
pub struct NotComputed {
    /// The rule's id.
    pub id: &'static str,
    /// What is not computed.
    pub what: &'static str,
    /// Why not.
    pub why: &'static str,
}

/// Rules of the rule table the engine does not compute.
pub static NOT_COMPUTED: &[NotComputed] = &[NotComputed {
    id: "PLC-03",
    what: "Connected-person placement: full assessment not approved within 16 weeks of \
               temporary approval (24 with an extension)",
    why: "Needs the date of a connected carer's temporary approval (reg 24), any \
              extension (reg 25) and full approval. The foster-carer register records \
              households' approval and terms, not temporary approval under reg 24.",
}];

/// Parts of computed rules' conditions in the rule table that the records cannot support.
pub static PARTLY_COMPUTED: &[NotComputed] = &[
    NotComputed {
        id: "REV-04",
        what: "A placement change or ceasing care without a review first",
        why: "Allowed when a review was not reasonably practicable (emergencies), and the \
              records do not say which moves were planned; only changes of the primary \
              permanence plan are checked.",
    },
    NotComputed {
        id: "REV-05",
        what: "The full review record within 20 working days",
        why: "The tracker records one activity, \"review decisions circulated\"; only the \
              decisions (5 working days) are checked.",
    },
    NotComputed {
        id: "PERM-07",
        what: "Siblings placed apart with no together-or-apart assessment",
        why: "Neither the 903 return nor the tracker records sibling relationships except \
              inside assessments, so unassessed siblings are unknown; placements that \
              contradict an assessment are checked instead.",
    },
    NotComputed {
        id: "VIS-04",
        what: "Weekly visits to connected-person placements under temporary approval (reg \
               24)",
        why: "The records do not say whether a connected carer is temporarily or fully \
              approved; U1 to U3 placements follow the default timetable (VIS-01 to VIS-03).",
    },
    NotComputed {
        id: "VIS-05",
        what: "Whether the assessment of the parents (reg 17) was complete",
        why: "Not recorded: every placement with parents under a care order gets the weekly \
              timetable until the first review (the stricter choice).",
    },
    NotComputed {
        id: "IRO-02",
        what: "The IRO has met the child before the first review",
        why: "Only the allocation is checked; IRO contacts are recorded but most IROs first \
              meet the child at the first review itself.",
    },
    NotComputed {
        id: "CL-04",
        what: "A personal adviser for 21 to 25-year-olds on request",
        why: "The records do not say who asked for an adviser.",
    },
    NotComputed {
        id: "CL-05",
        what: "A personal adviser visit within a week of each move after leaving care",
        why: "Moves after leaving care are not recorded (OC3 holds one accommodation a \
              year); only the move out of care is checked.",
    },
    NotComputed {
        id: "CEA-01",
        what: "The review before ceasing care",
        why: "Whether a review considered the decision is not recorded; the nominated \
              officer's approval is checked.",
    },
];

/// Every rule the engine runs, in the order of the rule table.
pub fn all() -> &'static [&'static dyn Rule] {
    ALL
}

/// Every rule id, in order.
pub fn ids() -> Vec<&'static str> {
    ALL.iter().map(|rule| rule.info().id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule table of `domain.md` §6, in order.
    const TABLE: &[&str] = &[
        "REV-01", "REV-02", "REV-03", "REV-04", "REV-05", "CP-01", "CP-02", "CP-03", "PERM-01",
        "PERM-02", "PERM-03", "PERM-04", "PERM-05", "PERM-06", "PERM-07", "PERM-08", "VIS-01",
        "VIS-02", "VIS-03", "VIS-04", "VIS-05", "VIS-06", "HLT-01", "HLT-02", "EDU-01", "EDU-02",
        "PLC-01", "PLC-02", "PLC-03", "PLC-04", "PLC-05", "STAB-01", "STAB-02", "STAB-03", "FC-01",
        "CL-01", "CL-02", "CL-03", "CL-04", "CL-05", "CL-06", "CL-07", "CL-08", "CEA-01", "PLO-01",
        "PLO-02", "CRT-01", "CRT-02", "ADO-01", "ADO-02", "LSW-01", "LSW-02", "LSW-03", "LSW-04",
        "IRO-01", "IRO-02", "SUP-01", "SUP-02", "PNL-01",
    ];

    #[test]
    fn every_rule_of_the_table_is_computed_or_says_why_not() {
        let computed = ids();
        for id in TABLE {
            let skipped = NOT_COMPUTED.iter().any(|n| n.id == *id);
            assert!(computed.contains(id) != skipped, "{id}");
        }
        // In the table's order, and nothing that is not in the table.
        let order: Vec<_> = TABLE
            .iter()
            .filter(|id| computed.contains(id))
            .copied()
            .collect();
        assert_eq!(computed, order);
        for part in PARTLY_COMPUTED {
            assert!(computed.contains(&part.id), "{}", part.id);
        }
    }
}

/// Builders for the foster-carer rules' tests (FC-01, PLC-04, PLC-05).
#[cfg(test)]
pub(crate) mod fostering_test_support {
    use permanence_domain::Date;
    use permanence_domain::tracker::{
        FosteringHousehold, FosteringPlacementType, HouseholdPlacement, HouseholdStatus,
        HouseholdType, TermsOfApproval, TermsReason,
    };

    use super::test_support::{Case, Placement, d, in_care};

    /// An approved in-house household.
    pub fn household(id: &str, approved: Date) -> FosteringHousehold {
        FosteringHousehold {
            id: id.into(),
            name: "Ada and Ben Cole".into(),
            household_type: HouseholdType::InHouse,
            status: HouseholdStatus::Approved,
            postcode_district: "RM9".into(),
            in_borough: true,
            languages: vec!["English".into()],
            ethnicity: vec![],
            religion: None,
            skills: vec![],
            approved: Some(approved),
            supervising_worker: None,
            vacancy_reason: None,
        }
    }

    /// Terms for short-term and long-term placements.
    pub fn terms(
        household: &str,
        from: Date,
        reason: TermsReason,
        age_min: u32,
        age_max: u32,
        children: u32,
    ) -> TermsOfApproval {
        TermsOfApproval {
            household: household.into(),
            from,
            reason,
            age_min,
            age_max,
            children,
            placement_types: vec![
                FosteringPlacementType::ShortTerm,
                FosteringPlacementType::LongTerm,
            ],
        }
    }

    /// A short-term placement of `child` with `household` from `start`.
    pub fn household_placement(child: &str, household: &str, start: Date) -> HouseholdPlacement {
        HouseholdPlacement {
            child: child.into(),
            household: household.into(),
            start,
            end: None,
            placement_type: FosteringPlacementType::ShortTerm,
            exemption: None,
        }
    }

    /// Child C1 (born 1 June 2012, in care from 1 January 2024 in foster care, U6)
    /// living with `household` from `start`, with `terms`.
    pub fn placed(household: FosteringHousehold, terms: &[TermsOfApproval], start: Date) -> Case {
        let mut case = Case::new(in_care(d(2012, 6, 1), d(2024, 1, 1), Placement::U6));
        let id = household.id.clone();
        case.organisation.fostering.households.push(household);
        case.organisation
            .fostering
            .terms
            .extend(terms.iter().cloned());
        case.organisation
            .fostering
            .placements
            .push(household_placement("C1", &id, start));
        case
    }
}

/// Builders and shortcuts for the rules' tests.
#[cfg(test)]
pub(crate) mod test_support {
    pub use permanence_domain::codes::{
        LegalStatus, Placement, PreviousPermanence, ReasonEpisodeCeased, ReasonNewEpisode,
        ReasonPlaceChange,
    };
    pub use permanence_domain::journey::test_support::{child, episode};
    pub use permanence_domain::record::{ChildRecord, Episode, Review};
    pub use permanence_domain::tracker::{
        ActivityKind, AllocationRole, ChildTracker, Forum, Organisation, PermanenceOption,
        StaffRole,
    };
    pub use permanence_domain::{Date, Journey};

    use std::collections::BTreeMap;

    use permanence_domain::CollectionYear;
    use permanence_domain::record::PrevPerm;
    use permanence_domain::tracker::{
        Activity, Allocation, Decision, DecisionSource, Meeting, MeetingKind, PermanencePlan,
        Person,
    };

    use crate::context::{Borough, Context};
    use crate::finding::{Finding, Status};
    use crate::policy::Policy;
    use crate::rule::Rule;

    /// A date.
    pub fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    /// A review on `date`.
    pub fn review(date: Date) -> Review {
        Review {
            review: date,
            review_code: None,
        }
    }

    /// Checks what every finding must be.
    fn check(rule: &dyn Rule, findings: &[Finding]) {
        for finding in findings {
            assert_eq!(finding.rule, rule.info().id);
            // IRO-01 is owned by the manager at the challenge's stage; CL-02 and CL-03 by
            // the social worker or the personal adviser.
            if !["IRO-01", "CL-02", "CL-03"].contains(&rule.info().id) {
                assert_eq!(finding.owner_role, rule.info().owner);
            }
            assert!(!finding.evidence.is_empty(), "every finding has evidence");
            if finding.status != Status::Overdue {
                assert_eq!(finding.days_overdue, 0);
            }
            if finding.status == Status::CannotDecide {
                assert_eq!(finding.due, None);
            }
        }
    }

    /// The rule's findings with the default policy and no tracker records.
    pub fn run(rule: &dyn Rule, record: &ChildRecord, as_of: Date) -> Vec<Finding> {
        run_with(rule, record, &Policy::default(), as_of)
    }

    /// The rule's findings with `policy` and no tracker records.
    pub fn run_with(
        rule: &dyn Rule,
        record: &ChildRecord,
        policy: &Policy,
        as_of: Date,
    ) -> Vec<Finding> {
        let journey = Journey::new(record.clone());
        let calendar = policy.calendar();
        let ctx = Context::without_records(&journey, policy, &calendar, as_of);
        let findings = rule.evaluate(&ctx);
        check(rule, &findings);
        findings
    }

    /// The single finding's status and due date, or `None` when there is no finding.
    pub fn status(
        rule: &dyn Rule,
        record: &ChildRecord,
        as_of: Date,
    ) -> Option<(Status, Option<Date>)> {
        let findings = run(rule, record, as_of);
        assert!(findings.len() <= 1, "{findings:#?}");
        findings.first().map(|f| (f.status, f.due))
    }

    /// Overdue, due on `due`.
    pub fn overdue(due: Date) -> Option<(Status, Option<Date>)> {
        Some((Status::Overdue, Some(due)))
    }

    /// Due soon, due on `due`.
    pub fn due_soon(due: Date) -> Option<(Status, Option<Date>)> {
        Some((Status::DueSoon, Some(due)))
    }

    /// Cannot decide.
    pub fn cannot_decide() -> Option<(Status, Option<Date>)> {
        Some((Status::CannotDecide, None))
    }

    /// A child born on `dob`, in care from `start` in `place` (one open `S` episode),
    /// with no previous permanence order (PrevPerm Z1) as the return records for every
    /// child who starts a period of care.
    pub fn in_care(dob: Date, start: Date, place: Placement) -> ChildRecord {
        let mut record = child("C1", dob);
        record.episodes = vec![episode(start, ReasonNewEpisode::S, place, None, None)];
        record.previous_permanence = vec![PrevPerm {
            year: CollectionYear::containing(start),
            prev_perm: Some(PreviousPermanence::Z1),
            la_perm: None,
            date_perm: None,
        }];
        record
    }

    /// Ends the record's last episode on `date` with `rec`.
    pub fn leave_care(record: &mut ChildRecord, date: Date, rec: ReasonEpisodeCeased) {
        let last = record.episodes.last_mut().expect("an episode");
        last.dec = Some(date);
        last.rec = Some(rec);
    }

    /// Ends the last episode on `date` (X1) and starts a new one with `rne` in `place`.
    pub fn move_to(record: &mut ChildRecord, date: Date, rne: ReasonNewEpisode, place: Placement) {
        let last = record.episodes.last_mut().expect("an episode");
        last.dec = Some(date);
        last.rec = Some(ReasonEpisodeCeased::X1);
        let ls = last.ls;
        record.episodes.push(Episode {
            ls,
            ..episode(date, rne, place, None, None)
        });
    }

    /// Ends the last episode on `date` (X1) and starts a new one with legal status `ls`,
    /// same placement (RNE L).
    pub fn change_legal_status(record: &mut ChildRecord, date: Date, ls: LegalStatus) {
        let place = record.episodes.last().expect("an episode").place;
        move_to(record, date, ReasonNewEpisode::L, place);
        record.episodes.last_mut().expect("an episode").ls = ls;
    }

    /// Starts a new period of care on `date` in `place` (the previous one has ended).
    pub fn re_enter(record: &mut ChildRecord, date: Date, place: Placement) {
        record
            .episodes
            .push(episode(date, ReasonNewEpisode::S, place, None, None));
    }

    fn person(id: &str, name: &str, role: StaffRole, manager: Option<&str>) -> Person {
        Person {
            id: id.into(),
            name: name.into(),
            role,
            team: None,
            manager: manager.map(String::from),
            start: None,
            end: None,
        }
    }

    /// The test borough's staff: social worker SW1 (Sam Walker) → team manager TM1 (Tara
    /// Mason) → service manager SM1 (Sol Mendes) → head of service HOS1 (Hana Osei) →
    /// director DCS1 (Dee Carter); personal adviser PA1 (Pat Adams) → team manager TM2
    /// (Toby Marsh) → SM1; IRO1 (Ira Reed) → IRO manager IROM1 (Iris Moore) → HOS1.
    pub fn organisation() -> Organisation {
        Organisation {
            people: vec![
                person("SW1", "Sam Walker", StaffRole::SocialWorker, Some("TM1")),
                person("SW2", "Sid Wong", StaffRole::SocialWorker, Some("TM1")),
                person("TM1", "Tara Mason", StaffRole::TeamManager, Some("SM1")),
                person("SM1", "Sol Mendes", StaffRole::ServiceManager, Some("HOS1")),
                person("HOS1", "Hana Osei", StaffRole::HeadOfService, Some("DCS1")),
                person("DCS1", "Dee Carter", StaffRole::Director, None),
                person("PA1", "Pat Adams", StaffRole::PersonalAdviser, Some("TM2")),
                person("TM2", "Toby Marsh", StaffRole::TeamManager, Some("SM1")),
                person("IRO1", "Ira Reed", StaffRole::Iro, Some("IROM1")),
                person("IROM1", "Iris Moore", StaffRole::IroManager, Some("HOS1")),
            ],
            ..Organisation::default()
        }
    }

    /// An allocation of child C1 from `start`, open.
    pub fn allocation(role: AllocationRole, person: &str, start: Date) -> Allocation {
        Allocation {
            child: "C1".into(),
            role,
            person: person.into(),
            team: None,
            start,
            end: None,
        }
    }

    /// An activity of child C1.
    pub fn activity(kind: ActivityKind, date: Date) -> Activity {
        Activity {
            child: "C1".into(),
            kind,
            date,
            by: None,
            seen_alone: None,
        }
    }

    /// A plan version for child C1, decided at a review, with no parallel or contingency
    /// plan, no target and not achieved.
    pub fn plan(decided: Date, primary: PermanenceOption) -> PermanencePlan {
        PermanencePlan {
            child: "C1".into(),
            decided,
            forum: Forum::Review,
            primary,
            parallel: vec![],
            contingency: None,
            target: None,
            achieved: None,
            achieved_by: None,
        }
    }

    /// A permanence planning meeting for child C1.
    pub fn planning_meeting(date: Date) -> Meeting {
        Meeting {
            child: "C1".into(),
            kind: MeetingKind::PermanencePlanningMeeting,
            date,
            chair: Some("TM1".into()),
            outcome: "Plan agreed".into(),
            next: None,
        }
    }

    /// A management decision about child C1 from supervision, made by TM1, owned by SW1.
    pub fn decision(id: &str, made: Date, due: Option<Date>) -> Decision {
        Decision {
            id: id.into(),
            child: Some("C1".into()),
            source: DecisionSource::Supervision,
            source_ref: None,
            made,
            made_by: "TM1".into(),
            text: "Do it".into(),
            owner: "SW1".into(),
            due,
            completed: None,
        }
    }

    /// A management decision recorded for an alert of rule `rule`.
    pub fn alert_decision(id: &str, rule: &str, made: Date, due: Option<Date>) -> Decision {
        Decision {
            source: DecisionSource::Alert,
            source_ref: Some(rule.into()),
            ..decision(id, made, due)
        }
    }

    /// One child's records with the borough around it: the 903 record, the tracker's
    /// records, the staff register, the policy and any other children.
    #[derive(Clone)]
    pub struct Case {
        pub record: ChildRecord,
        pub tracker: ChildTracker,
        pub organisation: Organisation,
        pub policy: Policy,
        pub others: Vec<(ChildRecord, ChildTracker)>,
    }

    impl Case {
        /// The child with SW1 and IRO1 allocated since 2000 and the test staff.
        pub fn new(record: ChildRecord) -> Case {
            let mut case = Case::bare(record);
            case.tracker.allocations = vec![
                allocation(AllocationRole::SocialWorker, "SW1", d(2000, 1, 1)),
                allocation(AllocationRole::Iro, "IRO1", d(2000, 1, 1)),
            ];
            case
        }

        /// The child with no tracker records, and the test staff.
        pub fn bare(record: ChildRecord) -> Case {
            Case {
                record,
                tracker: ChildTracker::default(),
                organisation: organisation(),
                policy: Policy::default(),
                others: vec![],
            }
        }

        /// Changes the tracker's records.
        pub fn with(mut self, change: impl FnOnce(&mut ChildTracker)) -> Case {
            change(&mut self.tracker);
            self
        }

        /// Changes the policy.
        pub fn policy(mut self, change: impl FnOnce(&mut Policy)) -> Case {
            change(&mut self.policy);
            self
        }

        /// Adds activities of one kind.
        pub fn activity(self, kind: ActivityKind, dates: &[Date]) -> Case {
            self.with(|tracker| {
                tracker
                    .activities
                    .extend(dates.iter().map(|date| activity(kind, *date)));
                tracker.activities.sort_by_key(|a| a.date);
            })
        }

        /// Adds a plan version.
        pub fn plan(self, plan: PermanencePlan) -> Case {
            self.with(|tracker| {
                tracker.plans.push(plan);
                tracker.plans.sort_by_key(|p| p.decided);
            })
        }

        /// The rule's findings on `as_of`.
        pub fn run(&self, rule: &dyn Rule, as_of: Date) -> Vec<Finding> {
            let mut journeys = vec![Journey::new(self.record.clone())];
            let mut trackers = BTreeMap::new();
            trackers.insert(self.record.child.clone(), self.tracker.clone());
            for (record, tracker) in &self.others {
                journeys.push(Journey::new(record.clone()));
                trackers.insert(record.child.clone(), tracker.clone());
            }
            let borough = Borough::new(&self.organisation, &journeys, &trackers);
            let calendar = self.policy.calendar();
            let ctx = Context::new(
                &journeys[0],
                &self.policy,
                &calendar,
                as_of,
                &trackers[&self.record.child],
                &borough,
            );
            let findings = rule.evaluate(&ctx);
            check(rule, &findings);
            findings
        }

        /// The single finding's status and due date, or `None`.
        pub fn status(&self, rule: &dyn Rule, as_of: Date) -> Option<(Status, Option<Date>)> {
            let findings = self.run(rule, as_of);
            assert!(findings.len() <= 1, "{findings:#?}");
            findings.first().map(|f| (f.status, f.due))
        }

        /// The single finding on `as_of` (panics when there is none).
        pub fn finding(&self, rule: &dyn Rule, as_of: Date) -> Finding {
            let findings = self.run(rule, as_of);
            assert_eq!(findings.len(), 1, "{findings:#?}");
            findings.into_iter().next().expect("one finding")
        }
    }
}
