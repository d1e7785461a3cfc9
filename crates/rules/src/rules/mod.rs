//! The drift rules, one per file, each with its description, its settings, its
//! evaluation and its tests. Rule ids are the stable ids of `domain.md` §6.

use crate::rule::Rule;

pub mod ado_01;
pub mod ado_02;
pub(crate) mod care_leavers;
pub mod cl_07;
pub mod cl_08;
pub mod perm_04;
pub mod perm_08;
pub mod plc_01;
pub mod plc_02;
pub mod rev_01;
pub mod rev_02;
pub mod rev_03;
pub(crate) mod reviews;
pub mod stab_01;
pub mod stab_02;
pub mod stab_03;

/// Every rule, in the order of the rule table.
static ALL: [&dyn Rule; 14] = [
    &rev_01::Rev01,
    &rev_02::Rev02,
    &rev_03::Rev03,
    &perm_04::Perm04,
    &perm_08::Perm08,
    &plc_01::Plc01,
    &plc_02::Plc02,
    &stab_01::Stab01,
    &stab_02::Stab02,
    &stab_03::Stab03,
    &cl_07::Cl07,
    &cl_08::Cl08,
    &ado_01::Ado01,
    &ado_02::Ado02,
];

/// Every rule the engine runs, in the order of the rule table.
pub fn all() -> &'static [&'static dyn Rule] {
    &ALL
}

/// Every rule id, in order.
pub fn ids() -> Vec<&'static str> {
    ALL.iter().map(|rule| rule.info().id).collect()
}

/// Builders and shortcuts for the rules' tests.
#[cfg(test)]
pub(crate) mod test_support {
    pub use permanence_domain::codes::{
        Placement, PreviousPermanence, ReasonEpisodeCeased, ReasonNewEpisode, ReasonPlaceChange,
    };
    pub use permanence_domain::journey::test_support::{child, episode};
    pub use permanence_domain::record::{ChildRecord, Episode, Review};
    pub use permanence_domain::{Date, Journey};

    use permanence_domain::CollectionYear;
    use permanence_domain::record::PrevPerm;

    use crate::context::{Context, TrackerRecords};
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

    /// The rule's findings with the default policy.
    pub fn run(rule: &dyn Rule, record: &ChildRecord, as_of: Date) -> Vec<Finding> {
        run_with(rule, record, &Policy::default(), as_of)
    }

    /// The rule's findings with `policy`.
    pub fn run_with(
        rule: &dyn Rule,
        record: &ChildRecord,
        policy: &Policy,
        as_of: Date,
    ) -> Vec<Finding> {
        let journey = Journey::new(record.clone());
        let calendar = policy.calendar();
        let ctx = Context::new(&journey, policy, &calendar, as_of, TrackerRecords::none());
        let findings = rule.evaluate(&ctx);
        for finding in &findings {
            assert_eq!(finding.rule, rule.info().id);
            assert_eq!(finding.owner_role, rule.info().owner);
            assert!(!finding.evidence.is_empty(), "every finding has evidence");
            if finding.status != Status::Overdue {
                assert_eq!(finding.days_overdue, 0);
            }
        }
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
}
