//! Between canonical values ([`RawRecord`]) and the domain's typed records
//! (`permanence_domain::tracker`), both ways, and the assembly of every child's
//! [`ChildTracker`] and the [`Organisation`] from a set of records.
//!
//! The values were checked when read, so turning them into types fails only on data
//! damaged in storage; that is reported, never defaulted.

use std::collections::{BTreeMap, HashMap};

use permanence_domain::Date;
use permanence_domain::date::{format_dmy, parse_dmy};
use permanence_domain::record::ChildId;
use permanence_domain::tracker::*;
use permanence_ssda903::{Problem, Problems};

use crate::read::{LIST_SEPARATOR, RawRecord, SortKey};
use crate::template::{Kind, Template};

/// One typed tracker record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum TrackerRecord {
    Person(Person),
    Team(Team),
    ChildDetails(ChildDetails),
    Allocation(Allocation),
    PermanencePlan(PermanencePlan),
    Meeting(Meeting),
    FamilyFinding(FamilyFinding),
    SiblingAssessment(SiblingAssessment),
    LifeStoryWork(LifeStoryWork),
    SupervisionSession(SupervisionSession),
    Decision(Decision),
    IroChallenge(IroChallenge),
    ChallengeStep(ChallengeStep),
    Panel(Panel),
    PanelDecision(PanelDecision),
    Activity(Activity),
    PreProceedings(PreProceedings),
    PreProceedingsMeeting(PreProceedingsMeeting),
    CareProceedings(CareProceedings),
    Hearing(Hearing),
    StayingPut(StayingPut),
    FosteringHousehold(FosteringHousehold),
    TermsOfApproval(TermsOfApproval),
    HouseholdPlacement(HouseholdPlacement),
    RecruitmentEnquiry(RecruitmentEnquiry),
    PlacementNeeds(PlacementNeeds),
}

/// Reads typed values out of a record's canonical values.
struct Values<'a> {
    template: &'static Template,
    values: Vec<&'a str>,
}

impl<'a> Values<'a> {
    fn of(record: &'a RawRecord) -> Result<Values<'a>, String> {
        let template = record.template();
        let values: Vec<&str> = record.fields().collect();
        if values.len() != template.columns.len() {
            return Err(format!(
                "has {} values but the {} template has {} columns",
                values.len(),
                template.name,
                template.columns.len()
            ));
        }
        Ok(Values { template, values })
    }

    fn raw(&self, column: &str) -> &'a str {
        let index = self
            .template
            .position(column)
            .unwrap_or_else(|| panic!("{} has no column {column}", self.template.name));
        self.values[index]
    }

    fn text(&self, column: &str) -> Option<String> {
        let value = self.raw(column);
        (!value.is_empty()).then(|| value.to_string())
    }

    fn required_text(&self, column: &str) -> Result<String, String> {
        self.text(column)
            .ok_or_else(|| format!("{column} is blank but required"))
    }

    fn date(&self, column: &str) -> Result<Option<Date>, String> {
        let value = self.raw(column);
        if value.is_empty() {
            return Ok(None);
        }
        parse_dmy(value)
            .map(Some)
            .map_err(|_| format!("{column} '{value}' is not a date"))
    }

    fn required_date(&self, column: &str) -> Result<Date, String> {
        self.date(column)?
            .ok_or_else(|| format!("{column} is blank but required"))
    }

    fn code<T>(&self, column: &str, from_code: fn(&str) -> Option<T>) -> Result<Option<T>, String> {
        let value = self.raw(column);
        if value.is_empty() {
            return Ok(None);
        }
        from_code(value)
            .map(Some)
            .ok_or_else(|| format!("{column} '{value}' is not a known code"))
    }

    fn required_code<T>(
        &self,
        column: &str,
        from_code: fn(&str) -> Option<T>,
    ) -> Result<T, String> {
        self.code(column, from_code)?
            .ok_or_else(|| format!("{column} is blank but required"))
    }

    fn count(&self, column: &str) -> Result<u32, String> {
        let value = self.raw(column);
        if value.is_empty() {
            return Ok(0);
        }
        value
            .parse()
            .map_err(|_| format!("{column} '{value}' is not a number"))
    }

    fn flag(&self, column: &str) -> Result<Option<bool>, String> {
        match self.raw(column) {
            "" => Ok(None),
            "Y" => Ok(Some(true)),
            "N" => Ok(Some(false)),
            other => Err(format!("{column} '{other}' is not Y or N")),
        }
    }

    fn list(&self, column: &str) -> Vec<String> {
        self.raw(column)
            .split(LIST_SEPARATOR)
            .filter(|v| !v.is_empty())
            .map(String::from)
            .collect()
    }

    fn code_list<T>(
        &self,
        column: &str,
        from_code: fn(&str) -> Option<T>,
    ) -> Result<Vec<T>, String> {
        self.list(column)
            .iter()
            .map(|v| from_code(v).ok_or_else(|| format!("{column} '{v}' is not a known code")))
            .collect()
    }
}

/// Writes typed values into canonical values, in the template's column order.
struct Out {
    template: &'static Template,
    values: Vec<Option<String>>,
}

impl Out {
    fn new(kind: Kind) -> Out {
        let template = kind.template();
        Out {
            template,
            values: vec![None; template.columns.len()],
        }
    }

    fn set(mut self, column: &str, value: String) -> Out {
        let index = self
            .template
            .position(column)
            .unwrap_or_else(|| panic!("{} has no column {column}", self.template.name));
        self.values[index] = Some(value);
        self
    }

    fn text(self, column: &str, value: &str) -> Out {
        self.set(column, value.to_string())
    }

    fn opt_text(self, column: &str, value: Option<&str>) -> Out {
        self.set(column, value.unwrap_or_default().to_string())
    }

    fn date(self, column: &str, value: Date) -> Out {
        self.set(column, format_dmy(value))
    }

    fn opt_date(self, column: &str, value: Option<Date>) -> Out {
        self.set(column, value.map(format_dmy).unwrap_or_default())
    }

    fn code(self, column: &str, code: &str) -> Out {
        self.set(column, code.to_string())
    }

    fn opt_code(self, column: &str, code: Option<&str>) -> Out {
        self.set(column, code.unwrap_or_default().to_string())
    }

    fn number(self, column: &str, value: impl ToString) -> Out {
        self.set(column, value.to_string())
    }

    fn flag(self, column: &str, value: Option<bool>) -> Out {
        let text = match value {
            None => "",
            Some(true) => "Y",
            Some(false) => "N",
        };
        self.set(column, text.to_string())
    }

    fn list<S: AsRef<str>>(self, column: &str, values: &[S]) -> Out {
        let joined = values
            .iter()
            .map(|v| v.as_ref())
            .collect::<Vec<_>>()
            .join(&LIST_SEPARATOR.to_string());
        self.set(column, joined)
    }

    fn finish(self) -> Vec<String> {
        let name = self.template.name;
        self.values
            .into_iter()
            .zip(self.template.columns)
            .map(|(value, column)| {
                value.unwrap_or_else(|| panic!("{name}: no value written for {}", column.name))
            })
            .collect()
    }
}

impl TrackerRecord {
    /// The record's kind.
    pub fn kind(&self) -> Kind {
        match self {
            TrackerRecord::Person(_) => Kind::Person,
            TrackerRecord::Team(_) => Kind::Team,
            TrackerRecord::ChildDetails(_) => Kind::ChildDetails,
            TrackerRecord::Allocation(_) => Kind::Allocation,
            TrackerRecord::PermanencePlan(_) => Kind::PermanencePlan,
            TrackerRecord::Meeting(_) => Kind::Meeting,
            TrackerRecord::FamilyFinding(_) => Kind::FamilyFinding,
            TrackerRecord::SiblingAssessment(_) => Kind::SiblingAssessment,
            TrackerRecord::LifeStoryWork(_) => Kind::LifeStoryWork,
            TrackerRecord::SupervisionSession(_) => Kind::SupervisionSession,
            TrackerRecord::Decision(_) => Kind::Decision,
            TrackerRecord::IroChallenge(_) => Kind::IroChallenge,
            TrackerRecord::ChallengeStep(_) => Kind::ChallengeStep,
            TrackerRecord::Panel(_) => Kind::Panel,
            TrackerRecord::PanelDecision(_) => Kind::PanelDecision,
            TrackerRecord::Activity(_) => Kind::Activity,
            TrackerRecord::PreProceedings(_) => Kind::PreProceedings,
            TrackerRecord::PreProceedingsMeeting(_) => Kind::PreProceedingsMeeting,
            TrackerRecord::CareProceedings(_) => Kind::CareProceedings,
            TrackerRecord::Hearing(_) => Kind::Hearing,
            TrackerRecord::StayingPut(_) => Kind::StayingPut,
            TrackerRecord::FosteringHousehold(_) => Kind::FosteringHousehold,
            TrackerRecord::TermsOfApproval(_) => Kind::TermsOfApproval,
            TrackerRecord::HouseholdPlacement(_) => Kind::HouseholdPlacement,
            TrackerRecord::RecruitmentEnquiry(_) => Kind::RecruitmentEnquiry,
            TrackerRecord::PlacementNeeds(_) => Kind::PlacementNeeds,
        }
    }

    /// The typed record from canonical values; a problem located at the record when the
    /// values are not what their template says (damaged data).
    pub fn from_raw(record: &RawRecord) -> Result<TrackerRecord, Problem> {
        Self::parse(record).map_err(|message| {
            Problem::line(
                &record.file,
                record.line,
                format!(
                    "the stored {} record cannot be read: {message}",
                    record.kind
                ),
            )
        })
    }

    fn parse(record: &RawRecord) -> Result<TrackerRecord, String> {
        let v = Values::of(record)?;
        Ok(match record.kind {
            Kind::Person => TrackerRecord::Person(Person {
                id: v.required_text("ID")?,
                name: v.required_text("NAME")?,
                role: v.required_code("ROLE", StaffRole::from_code)?,
                team: v.text("TEAM"),
                manager: v.text("MANAGER"),
                start: v.date("START")?,
                end: v.date("END")?,
            }),
            Kind::Team => TrackerRecord::Team(Team {
                id: v.required_text("ID")?,
                name: v.required_text("NAME")?,
                service: v.text("SERVICE"),
                manager: v.text("MANAGER"),
            }),
            Kind::ChildDetails => TrackerRecord::ChildDetails(ChildDetails {
                child: v.required_text("CHILD")?,
                name: v.required_text("NAME")?,
                restricted_to: v.list("RESTRICTED_TO"),
                restriction_reason: v.text("RESTRICTION_REASON"),
            }),
            Kind::Allocation => TrackerRecord::Allocation(Allocation {
                child: v.required_text("CHILD")?,
                role: v.required_code("ROLE", AllocationRole::from_code)?,
                person: v.required_text("WORKER")?,
                team: v.text("TEAM"),
                start: v.required_date("START")?,
                end: v.date("END")?,
            }),
            Kind::PermanencePlan => TrackerRecord::PermanencePlan(PermanencePlan {
                child: v.required_text("CHILD")?,
                decided: v.required_date("DECIDED")?,
                forum: v.required_code("FORUM", Forum::from_code)?,
                primary: v.required_code("PRIMARY", PermanenceOption::from_code)?,
                parallel: v.code_list("PARALLEL", PermanenceOption::from_code)?,
                contingency: v.code("CONTINGENCY", PermanenceOption::from_code)?,
                target: v.date("TARGET")?,
                achieved: v.date("ACHIEVED")?,
                achieved_by: v.code("ACHIEVED_BY", PermanenceOption::from_code)?,
            }),
            Kind::Meeting => TrackerRecord::Meeting(Meeting {
                child: v.required_text("CHILD")?,
                kind: v.required_code("KIND", MeetingKind::from_code)?,
                date: v.required_date("DATE")?,
                chair: v.text("CHAIR"),
                outcome: v.text("OUTCOME").unwrap_or_default(),
                next: v.date("NEXT")?,
            }),
            Kind::FamilyFinding => TrackerRecord::FamilyFinding(FamilyFinding {
                child: v.required_text("CHILD")?,
                route: v.required_code("ROUTE", FamilyFindingRoute::from_code)?,
                start: v.required_date("START")?,
                profiles: v.count("PROFILES")?,
                links: v.count("LINKS")?,
                expressions_of_interest: v.count("EXPRESSIONS_OF_INTEREST")?,
                matches: v.count("MATCHES")?,
                status: v.required_code("STATUS", FamilyFindingStatus::from_code)?,
                end: v.date("END")?,
                end_reason: v.text("END_REASON"),
                fostering_for_adoption_considered: v.date("FOSTERING_FOR_ADOPTION_CONSIDERED")?,
            }),
            Kind::SiblingAssessment => TrackerRecord::SiblingAssessment(SiblingAssessment {
                child: v.required_text("CHILD")?,
                siblings: v.list("SIBLINGS"),
                date: v.required_date("DATE")?,
                conclusion: v.required_code("CONCLUSION", SiblingConclusion::from_code)?,
            }),
            Kind::LifeStoryWork => TrackerRecord::LifeStoryWork(LifeStoryWork {
                child: v.required_text("CHILD")?,
                started: v.date("STARTED")?,
                sessions: v.count("SESSIONS")?,
                last_session: v.date("LAST_SESSION")?,
                book_first_stage: v.date("BOOK_FIRST_STAGE")?,
                book_completed: v.date("BOOK_COMPLETED")?,
                later_life_letter: v.date("LATER_LIFE_LETTER")?,
            }),
            Kind::SupervisionSession => TrackerRecord::SupervisionSession(SupervisionSession {
                id: v.required_text("ID")?,
                date: v.required_date("DATE")?,
                supervisor: v.required_text("SUPERVISOR")?,
                supervisee: v.required_text("SUPERVISEE")?,
                children: v.list("CHILDREN"),
            }),
            Kind::Decision => TrackerRecord::Decision(Decision {
                id: v.required_text("ID")?,
                child: v.text("CHILD"),
                source: v.required_code("SOURCE", DecisionSource::from_code)?,
                source_ref: v.text("SOURCE_REF"),
                made: v.required_date("MADE")?,
                made_by: v.required_text("MADE_BY")?,
                text: v.required_text("DECISION")?,
                owner: v.required_text("OWNER")?,
                due: v.date("DUE")?,
                completed: v.date("COMPLETED")?,
            }),
            Kind::IroChallenge => TrackerRecord::IroChallenge(IroChallenge {
                id: v.required_text("ID")?,
                child: v.required_text("CHILD")?,
                iro: v.required_text("IRO")?,
                raised: v.required_date("RAISED")?,
                category: v.required_code("CATEGORY", ChallengeCategory::from_code)?,
                resolved: v.date("RESOLVED")?,
                cafcass_referral: v.date("CAFCASS_REFERRAL")?,
            }),
            Kind::ChallengeStep => TrackerRecord::ChallengeStep(ChallengeStep {
                challenge: v.required_text("CHALLENGE")?,
                stage: v.required_code("STAGE", ChallengeStage::from_code)?,
                started: v.required_date("STARTED")?,
                response_due: v.required_date("RESPONSE_DUE")?,
                responded: v.date("RESPONDED")?,
                response: v.text("RESPONSE"),
            }),
            Kind::Panel => TrackerRecord::Panel(Panel {
                id: v.required_text("ID")?,
                name: v.required_text("NAME")?,
                remit: v.required_text("REMIT")?,
                chair: v.text("CHAIR"),
                questions: v.code_list("QUESTIONS", PanelQuestion::from_code)?,
            }),
            Kind::PanelDecision => TrackerRecord::PanelDecision(PanelDecision {
                child: v.required_text("CHILD")?,
                panel: v.required_text("PANEL")?,
                date: v.required_date("DATE")?,
                question: v.required_code("QUESTION", PanelQuestion::from_code)?,
                decision: v.required_text("DECISION")?,
                conditions: v.text("CONDITIONS"),
            }),
            Kind::Activity => TrackerRecord::Activity(Activity {
                child: v.required_text("CHILD")?,
                kind: v.required_code("KIND", ActivityKind::from_code)?,
                date: v.required_date("DATE")?,
                by: v.text("BY"),
                seen_alone: v.flag("SEEN_ALONE")?,
            }),
            Kind::PreProceedings => TrackerRecord::PreProceedings(PreProceedings {
                id: v.required_text("ID")?,
                child: v.required_text("CHILD")?,
                legal_gateway_meeting: v.required_date("LEGAL_GATEWAY_MEETING")?,
                letter_before_proceedings: v.date("LETTER_BEFORE_PROCEEDINGS")?,
                outcome: v.code("OUTCOME", PreProceedingsOutcome::from_code)?,
                ended: v.date("ENDED")?,
            }),
            Kind::PreProceedingsMeeting => {
                TrackerRecord::PreProceedingsMeeting(PreProceedingsMeeting {
                    pre_proceedings: v.required_text("PRE_PROCEEDINGS")?,
                    kind: v.required_code("KIND", PreProceedingsMeetingKind::from_code)?,
                    date: v.required_date("DATE")?,
                })
            }
            Kind::CareProceedings => TrackerRecord::CareProceedings(CareProceedings {
                id: v.required_text("ID")?,
                child: v.required_text("CHILD")?,
                issued: v.required_date("ISSUED")?,
                concluded: v.date("CONCLUDED")?,
                order: v.code("ORDER", CourtOrder::from_code)?,
            }),
            Kind::Hearing => TrackerRecord::Hearing(Hearing {
                proceedings: v.required_text("PROCEEDINGS")?,
                kind: v.required_code("KIND", HearingKind::from_code)?,
                date: v.required_date("DATE")?,
                extension_weeks: match v.raw("EXTENSION_WEEKS") {
                    "" => None,
                    weeks => Some(
                        weeks
                            .parse()
                            .map_err(|_| format!("EXTENSION_WEEKS '{weeks}' is not a number"))?,
                    ),
                },
            }),
            Kind::StayingPut => TrackerRecord::StayingPut(StayingPut {
                child: v.required_text("CHILD")?,
                decided: v.required_date("DECIDED")?,
                decision: v.required_code("DECISION", StayingPutDecision::from_code)?,
                start: v.date("START")?,
                end: v.date("END")?,
            }),
            Kind::FosteringHousehold => TrackerRecord::FosteringHousehold(FosteringHousehold {
                id: v.required_text("ID")?,
                name: v.required_text("NAME")?,
                household_type: v.required_code("TYPE", HouseholdType::from_code)?,
                status: v.required_code("STATUS", HouseholdStatus::from_code)?,
                postcode_district: v.required_text("POSTCODE_DISTRICT")?,
                in_borough: v
                    .flag("IN_BOROUGH")?
                    .ok_or_else(|| "IN_BOROUGH is blank but required".to_string())?,
                languages: v.list("LANGUAGES"),
                ethnicity: v.list("ETHNICITY"),
                religion: v.text("RELIGION"),
                skills: v.code_list("SKILLS", ComplexNeed::from_code)?,
                approved: v.date("APPROVED")?,
                supervising_worker: v.text("SUPERVISING_WORKER"),
                vacancy_reason: v.code("VACANCY_REASON", VacancyReason::from_code)?,
            }),
            Kind::TermsOfApproval => TrackerRecord::TermsOfApproval(TermsOfApproval {
                household: v.required_text("HOUSEHOLD")?,
                from: v.required_date("FROM")?,
                reason: v.required_code("REASON", TermsReason::from_code)?,
                age_min: v.count("AGE_MIN")?,
                age_max: v.count("AGE_MAX")?,
                children: v.count("CHILDREN")?,
                placement_types: v
                    .code_list("PLACEMENT_TYPES", FosteringPlacementType::from_code)?,
            }),
            Kind::HouseholdPlacement => TrackerRecord::HouseholdPlacement(HouseholdPlacement {
                child: v.required_text("CHILD")?,
                household: v.required_text("HOUSEHOLD")?,
                start: v.required_date("START")?,
                end: v.date("END")?,
                placement_type: v
                    .required_code("PLACEMENT_TYPE", FosteringPlacementType::from_code)?,
                exemption: v.flag("EXEMPTION")?,
            }),
            Kind::RecruitmentEnquiry => TrackerRecord::RecruitmentEnquiry(RecruitmentEnquiry {
                id: v.required_text("ID")?,
                enquiry: v.required_date("ENQUIRY")?,
                stage_one: v.date("STAGE_ONE")?,
                stage_two: v.date("STAGE_TWO")?,
                panel: v.date("PANEL")?,
                approved: v.date("APPROVED")?,
                outcome: v.required_code("OUTCOME", RecruitmentOutcome::from_code)?,
                ended: v.date("ENDED")?,
                household: v.text("HOUSEHOLD"),
            }),
            Kind::PlacementNeeds => TrackerRecord::PlacementNeeds(PlacementNeeds {
                child: v.required_text("CHILD")?,
                assessed: v.required_date("ASSESSED")?,
                placement_type: v
                    .required_code("PLACEMENT_TYPE", FosteringPlacementType::from_code)?,
                needs: v.code_list("NEEDS", ComplexNeed::from_code)?,
                languages: v.list("LANGUAGES"),
                religion: v.text("RELIGION"),
                school_district: v.text("SCHOOL_DISTRICT"),
                family_district: v.text("FAMILY_DISTRICT"),
            }),
        })
    }

    /// The record's values in canonical form, in its template's column order: exactly
    /// what reading them from a file gives.
    pub fn to_fields(&self) -> Vec<String> {
        let out = Out::new(self.kind());
        let out = match self {
            TrackerRecord::Person(p) => out
                .text("ID", &p.id)
                .text("NAME", &p.name)
                .code("ROLE", p.role.code())
                .opt_text("TEAM", p.team.as_deref())
                .opt_text("MANAGER", p.manager.as_deref())
                .opt_date("START", p.start)
                .opt_date("END", p.end),
            TrackerRecord::Team(t) => out
                .text("ID", &t.id)
                .text("NAME", &t.name)
                .opt_text("SERVICE", t.service.as_deref())
                .opt_text("MANAGER", t.manager.as_deref()),
            TrackerRecord::ChildDetails(d) => out
                .text("CHILD", &d.child)
                .text("NAME", &d.name)
                .list("RESTRICTED_TO", &d.restricted_to)
                .opt_text("RESTRICTION_REASON", d.restriction_reason.as_deref()),
            TrackerRecord::Allocation(a) => out
                .text("CHILD", &a.child)
                .code("ROLE", a.role.code())
                .text("WORKER", &a.person)
                .opt_text("TEAM", a.team.as_deref())
                .date("START", a.start)
                .opt_date("END", a.end),
            TrackerRecord::PermanencePlan(p) => out
                .text("CHILD", &p.child)
                .date("DECIDED", p.decided)
                .code("FORUM", p.forum.code())
                .code("PRIMARY", p.primary.code())
                .list(
                    "PARALLEL",
                    &p.parallel.iter().map(|o| o.code()).collect::<Vec<_>>(),
                )
                .opt_code("CONTINGENCY", p.contingency.map(|o| o.code()))
                .opt_date("TARGET", p.target)
                .opt_date("ACHIEVED", p.achieved)
                .opt_code("ACHIEVED_BY", p.achieved_by.map(|o| o.code())),
            TrackerRecord::Meeting(m) => out
                .text("CHILD", &m.child)
                .code("KIND", m.kind.code())
                .date("DATE", m.date)
                .opt_text("CHAIR", m.chair.as_deref())
                .text("OUTCOME", &m.outcome)
                .opt_date("NEXT", m.next),
            TrackerRecord::FamilyFinding(f) => out
                .text("CHILD", &f.child)
                .code("ROUTE", f.route.code())
                .date("START", f.start)
                .number("PROFILES", f.profiles)
                .number("LINKS", f.links)
                .number("EXPRESSIONS_OF_INTEREST", f.expressions_of_interest)
                .number("MATCHES", f.matches)
                .code("STATUS", f.status.code())
                .opt_date("END", f.end)
                .opt_text("END_REASON", f.end_reason.as_deref())
                .opt_date(
                    "FOSTERING_FOR_ADOPTION_CONSIDERED",
                    f.fostering_for_adoption_considered,
                ),
            TrackerRecord::SiblingAssessment(s) => out
                .text("CHILD", &s.child)
                .list("SIBLINGS", &s.siblings)
                .date("DATE", s.date)
                .code("CONCLUSION", s.conclusion.code()),
            TrackerRecord::LifeStoryWork(l) => out
                .text("CHILD", &l.child)
                .opt_date("STARTED", l.started)
                .number("SESSIONS", l.sessions)
                .opt_date("LAST_SESSION", l.last_session)
                .opt_date("BOOK_FIRST_STAGE", l.book_first_stage)
                .opt_date("BOOK_COMPLETED", l.book_completed)
                .opt_date("LATER_LIFE_LETTER", l.later_life_letter),
            TrackerRecord::SupervisionSession(s) => out
                .text("ID", &s.id)
                .date("DATE", s.date)
                .text("SUPERVISOR", &s.supervisor)
                .text("SUPERVISEE", &s.supervisee)
                .list("CHILDREN", &s.children),
            TrackerRecord::Decision(d) => out
                .text("ID", &d.id)
                .opt_text("CHILD", d.child.as_deref())
                .code("SOURCE", d.source.code())
                .opt_text("SOURCE_REF", d.source_ref.as_deref())
                .date("MADE", d.made)
                .text("MADE_BY", &d.made_by)
                .text("DECISION", &d.text)
                .text("OWNER", &d.owner)
                .opt_date("DUE", d.due)
                .opt_date("COMPLETED", d.completed),
            TrackerRecord::IroChallenge(c) => out
                .text("ID", &c.id)
                .text("CHILD", &c.child)
                .text("IRO", &c.iro)
                .date("RAISED", c.raised)
                .code("CATEGORY", c.category.code())
                .opt_date("RESOLVED", c.resolved)
                .opt_date("CAFCASS_REFERRAL", c.cafcass_referral),
            TrackerRecord::ChallengeStep(s) => out
                .text("CHALLENGE", &s.challenge)
                .code("STAGE", s.stage.code())
                .date("STARTED", s.started)
                .date("RESPONSE_DUE", s.response_due)
                .opt_date("RESPONDED", s.responded)
                .opt_text("RESPONSE", s.response.as_deref()),
            TrackerRecord::Panel(p) => out
                .text("ID", &p.id)
                .text("NAME", &p.name)
                .text("REMIT", &p.remit)
                .opt_text("CHAIR", p.chair.as_deref())
                .list(
                    "QUESTIONS",
                    &p.questions.iter().map(|q| q.code()).collect::<Vec<_>>(),
                ),
            TrackerRecord::PanelDecision(d) => out
                .text("CHILD", &d.child)
                .text("PANEL", &d.panel)
                .date("DATE", d.date)
                .code("QUESTION", d.question.code())
                .text("DECISION", &d.decision)
                .opt_text("CONDITIONS", d.conditions.as_deref()),
            TrackerRecord::Activity(a) => out
                .text("CHILD", &a.child)
                .code("KIND", a.kind.code())
                .date("DATE", a.date)
                .opt_text("BY", a.by.as_deref())
                .flag("SEEN_ALONE", a.seen_alone),
            TrackerRecord::PreProceedings(p) => out
                .text("ID", &p.id)
                .text("CHILD", &p.child)
                .date("LEGAL_GATEWAY_MEETING", p.legal_gateway_meeting)
                .opt_date("LETTER_BEFORE_PROCEEDINGS", p.letter_before_proceedings)
                .opt_code("OUTCOME", p.outcome.map(|o| o.code()))
                .opt_date("ENDED", p.ended),
            TrackerRecord::PreProceedingsMeeting(m) => out
                .text("PRE_PROCEEDINGS", &m.pre_proceedings)
                .code("KIND", m.kind.code())
                .date("DATE", m.date),
            TrackerRecord::CareProceedings(p) => out
                .text("ID", &p.id)
                .text("CHILD", &p.child)
                .date("ISSUED", p.issued)
                .opt_date("CONCLUDED", p.concluded)
                .opt_code("ORDER", p.order.map(|o| o.code())),
            TrackerRecord::Hearing(h) => out
                .text("PROCEEDINGS", &h.proceedings)
                .code("KIND", h.kind.code())
                .date("DATE", h.date)
                .set(
                    "EXTENSION_WEEKS",
                    h.extension_weeks.map(|w| w.to_string()).unwrap_or_default(),
                ),
            TrackerRecord::StayingPut(s) => out
                .text("CHILD", &s.child)
                .date("DECIDED", s.decided)
                .code("DECISION", s.decision.code())
                .opt_date("START", s.start)
                .opt_date("END", s.end),
            TrackerRecord::FosteringHousehold(h) => out
                .text("ID", &h.id)
                .text("NAME", &h.name)
                .code("TYPE", h.household_type.code())
                .code("STATUS", h.status.code())
                .text("POSTCODE_DISTRICT", &h.postcode_district)
                .flag("IN_BOROUGH", Some(h.in_borough))
                .list("LANGUAGES", &h.languages)
                .list("ETHNICITY", &h.ethnicity)
                .opt_text("RELIGION", h.religion.as_deref())
                .list(
                    "SKILLS",
                    &h.skills.iter().map(|s| s.code()).collect::<Vec<_>>(),
                )
                .opt_date("APPROVED", h.approved)
                .opt_text("SUPERVISING_WORKER", h.supervising_worker.as_deref())
                .opt_code("VACANCY_REASON", h.vacancy_reason.map(|r| r.code())),
            TrackerRecord::TermsOfApproval(t) => out
                .text("HOUSEHOLD", &t.household)
                .date("FROM", t.from)
                .code("REASON", t.reason.code())
                .number("AGE_MIN", t.age_min)
                .number("AGE_MAX", t.age_max)
                .number("CHILDREN", t.children)
                .list(
                    "PLACEMENT_TYPES",
                    &t.placement_types
                        .iter()
                        .map(|p| p.code())
                        .collect::<Vec<_>>(),
                ),
            TrackerRecord::HouseholdPlacement(p) => out
                .text("CHILD", &p.child)
                .text("HOUSEHOLD", &p.household)
                .date("START", p.start)
                .opt_date("END", p.end)
                .code("PLACEMENT_TYPE", p.placement_type.code())
                .flag("EXEMPTION", p.exemption),
            TrackerRecord::RecruitmentEnquiry(r) => out
                .text("ID", &r.id)
                .date("ENQUIRY", r.enquiry)
                .opt_date("STAGE_ONE", r.stage_one)
                .opt_date("STAGE_TWO", r.stage_two)
                .opt_date("PANEL", r.panel)
                .opt_date("APPROVED", r.approved)
                .code("OUTCOME", r.outcome.code())
                .opt_date("ENDED", r.ended)
                .opt_text("HOUSEHOLD", r.household.as_deref()),
            TrackerRecord::PlacementNeeds(n) => out
                .text("CHILD", &n.child)
                .date("ASSESSED", n.assessed)
                .code("PLACEMENT_TYPE", n.placement_type.code())
                .list(
                    "NEEDS",
                    &n.needs.iter().map(|s| s.code()).collect::<Vec<_>>(),
                )
                .list("LANGUAGES", &n.languages)
                .opt_text("RELIGION", n.religion.as_deref())
                .opt_text("SCHOOL_DISTRICT", n.school_district.as_deref())
                .opt_text("FAMILY_DISTRICT", n.family_district.as_deref()),
        };
        out.finish()
    }

    /// The record as a [`RawRecord`] (for writing, or comparing with what is stored).
    pub fn to_raw(&self, file: &str, line: u64) -> RawRecord {
        RawRecord::new(self.kind(), file, line, &self.to_fields())
    }
}

/// Everything the tracker holds: the organisation and each child's records.
pub type Tracker = (Organisation, BTreeMap<ChildId, ChildTracker>);

/// Assembles the organisation and every child's records from a set of current records
/// (at most one per kind and key). Each child's lists are sorted as [`ChildTracker`]
/// documents (ties broken by the record's key, so the order never depends on the input
/// order). Supervision sessions are attached to every child discussed, and all of them
/// are in [`Organisation::supervision`]; decisions about no child are in
/// [`Organisation::decisions`]. Stages, meetings and hearings whose challenge or case
/// is not among the records (as when loading one child) are left out. Only children
/// with at least one record have an entry.
pub fn build_tracker<'a>(
    records: impl IntoIterator<Item = &'a RawRecord>,
) -> Result<Tracker, Problems> {
    let mut problems = Problems::default();
    let mut typed: Vec<(SortKey<'a>, TrackerRecord)> = Vec::new();
    for record in records {
        match TrackerRecord::from_raw(record) {
            Ok(value) => typed.push((record.sort_key(), value)),
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return problems.into_result((Organisation::default(), BTreeMap::new()));
    }
    // Sorting by the template's key first (dates as yyyy-mm-dd) gives every list its
    // documented order, because each list's order is by its key's leading date.
    typed.sort_by(|a, b| (a.1.kind(), &a.0).cmp(&(b.1.kind(), &b.0)));

    let mut organisation = Organisation::default();
    let mut children: BTreeMap<ChildId, ChildTracker> = BTreeMap::new();
    let mut steps: HashMap<RecordId, Vec<ChallengeStep>> = HashMap::new();
    let mut pre_meetings: HashMap<RecordId, Vec<PreProceedingsMeeting>> = HashMap::new();
    let mut hearings: HashMap<RecordId, Vec<Hearing>> = HashMap::new();
    let mut challenges: Vec<IroChallenge> = Vec::new();
    let mut pre_proceedings: Vec<PreProceedings> = Vec::new();
    let mut proceedings: Vec<CareProceedings> = Vec::new();
    for (_, record) in typed {
        match record {
            TrackerRecord::Person(p) => organisation.people.push(p),
            TrackerRecord::Team(t) => organisation.teams.push(t),
            TrackerRecord::Panel(p) => organisation.panels.push(p),
            TrackerRecord::ChildDetails(d) => {
                let child = d.child.clone();
                children.entry(child).or_default().details = Some(d);
            }
            TrackerRecord::Allocation(a) => children
                .entry(a.child.clone())
                .or_default()
                .allocations
                .push(a),
            TrackerRecord::PermanencePlan(p) => {
                children.entry(p.child.clone()).or_default().plans.push(p)
            }
            TrackerRecord::Meeting(m) => children
                .entry(m.child.clone())
                .or_default()
                .meetings
                .push(m),
            TrackerRecord::FamilyFinding(f) => children
                .entry(f.child.clone())
                .or_default()
                .family_finding
                .push(f),
            TrackerRecord::SiblingAssessment(s) => children
                .entry(s.child.clone())
                .or_default()
                .sibling_assessments
                .push(s),
            TrackerRecord::LifeStoryWork(l) => {
                let child = l.child.clone();
                children.entry(child).or_default().life_story = Some(l);
            }
            TrackerRecord::SupervisionSession(s) => {
                for child in &s.children {
                    children
                        .entry(child.clone())
                        .or_default()
                        .supervision
                        .push(s.clone());
                }
                organisation.supervision.push(s);
            }
            TrackerRecord::Decision(d) => match d.child.clone() {
                Some(child) => children.entry(child).or_default().decisions.push(d),
                None => organisation.decisions.push(d),
            },
            TrackerRecord::IroChallenge(c) => challenges.push(c),
            TrackerRecord::ChallengeStep(s) => {
                steps.entry(s.challenge.clone()).or_default().push(s)
            }
            TrackerRecord::PanelDecision(d) => children
                .entry(d.child.clone())
                .or_default()
                .panel_decisions
                .push(d),
            TrackerRecord::Activity(a) => children
                .entry(a.child.clone())
                .or_default()
                .activities
                .push(a),
            TrackerRecord::PreProceedings(p) => pre_proceedings.push(p),
            TrackerRecord::PreProceedingsMeeting(m) => pre_meetings
                .entry(m.pre_proceedings.clone())
                .or_default()
                .push(m),
            TrackerRecord::CareProceedings(p) => proceedings.push(p),
            TrackerRecord::Hearing(h) => hearings.entry(h.proceedings.clone()).or_default().push(h),
            TrackerRecord::StayingPut(s) => children
                .entry(s.child.clone())
                .or_default()
                .staying_put
                .push(s),
            TrackerRecord::FosteringHousehold(h) => organisation.fostering.households.push(h),
            TrackerRecord::TermsOfApproval(t) => organisation.fostering.terms.push(t),
            // In the register, not the child's records: PLC-04 and the register's pages
            // read every child living with a household together.
            TrackerRecord::HouseholdPlacement(p) => organisation.fostering.placements.push(p),
            TrackerRecord::RecruitmentEnquiry(r) => organisation.fostering.recruitment.push(r),
            TrackerRecord::PlacementNeeds(n) => {
                let child = n.child.clone();
                children.entry(child).or_default().placement_needs = Some(n);
            }
        }
    }
    for challenge in challenges {
        let mut steps = steps.remove(&challenge.id).unwrap_or_default();
        steps.sort_by_key(|s| (s.started, s.stage));
        children
            .entry(challenge.child.clone())
            .or_default()
            .challenges
            .push((challenge, steps));
    }
    for case in pre_proceedings {
        let mut meetings = pre_meetings.remove(&case.id).unwrap_or_default();
        meetings.sort_by_key(|m| (m.date, m.kind));
        children
            .entry(case.child.clone())
            .or_default()
            .pre_proceedings
            .push((case, meetings));
    }
    for case in proceedings {
        let mut case_hearings = hearings.remove(&case.id).unwrap_or_default();
        case_hearings.sort_by_key(|h| (h.date, h.kind));
        children
            .entry(case.child.clone())
            .or_default()
            .proceedings
            .push((case, case_hearings));
    }
    for tracker in children.values_mut() {
        tracker.allocations.sort_by_key(|a| (a.start, a.role));
        tracker
            .decisions
            .sort_by(|a, b| (a.made, &a.id).cmp(&(b.made, &b.id)));
        tracker
            .challenges
            .sort_by(|a, b| (a.0.raised, &a.0.id).cmp(&(b.0.raised, &b.0.id)));
        tracker.pre_proceedings.sort_by(|a, b| {
            (a.0.legal_gateway_meeting, &a.0.id).cmp(&(b.0.legal_gateway_meeting, &b.0.id))
        });
        tracker
            .proceedings
            .sort_by(|a, b| (a.0.issued, &a.0.id).cmp(&(b.0.issued, &b.0.id)));
        tracker
            .panel_decisions
            .sort_by(|a, b| (a.date, &a.panel, a.question).cmp(&(b.date, &b.panel, b.question)));
        tracker.meetings.sort_by_key(|m| (m.date, m.kind));
        tracker.family_finding.sort_by_key(|f| (f.start, f.route));
        tracker.activities.sort_by_key(|a| (a.date, a.kind));
        tracker
            .supervision
            .sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    }
    organisation
        .supervision
        .sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    organisation
        .decisions
        .sort_by(|a, b| (a.made, &a.id).cmp(&(b.made, &b.id)));
    let fostering = &mut organisation.fostering;
    fostering
        .placements
        .sort_by(|a, b| (a.start, &a.child, &a.household).cmp(&(b.start, &b.child, &b.household)));
    fostering
        .recruitment
        .sort_by(|a, b| (a.enquiry, &a.id).cmp(&(b.enquiry, &b.id)));
    Ok((organisation, children))
}

/// Every record of an organisation and its children, each once (a supervision session
/// attached to several children, or also listed in the organisation, is one record).
pub fn tracker_records(
    organisation: &Organisation,
    children: &BTreeMap<ChildId, ChildTracker>,
) -> Vec<TrackerRecord> {
    let mut records: Vec<TrackerRecord> = Vec::new();
    records.extend(
        organisation
            .people
            .iter()
            .cloned()
            .map(TrackerRecord::Person),
    );
    records.extend(organisation.teams.iter().cloned().map(TrackerRecord::Team));
    records.extend(
        organisation
            .panels
            .iter()
            .cloned()
            .map(TrackerRecord::Panel),
    );
    records.extend(
        organisation
            .decisions
            .iter()
            .cloned()
            .map(TrackerRecord::Decision),
    );
    let fostering = &organisation.fostering;
    records.extend(
        fostering
            .households
            .iter()
            .cloned()
            .map(TrackerRecord::FosteringHousehold),
    );
    records.extend(
        fostering
            .terms
            .iter()
            .cloned()
            .map(TrackerRecord::TermsOfApproval),
    );
    records.extend(
        fostering
            .placements
            .iter()
            .cloned()
            .map(TrackerRecord::HouseholdPlacement),
    );
    records.extend(
        fostering
            .recruitment
            .iter()
            .cloned()
            .map(TrackerRecord::RecruitmentEnquiry),
    );
    let mut sessions: BTreeMap<&str, &SupervisionSession> = BTreeMap::new();
    for session in organisation
        .supervision
        .iter()
        .chain(children.values().flat_map(|c| &c.supervision))
    {
        sessions.entry(session.id.as_str()).or_insert(session);
    }
    records.extend(
        sessions
            .into_values()
            .cloned()
            .map(TrackerRecord::SupervisionSession),
    );
    for tracker in children.values() {
        records.extend(
            tracker
                .details
                .iter()
                .cloned()
                .map(TrackerRecord::ChildDetails),
        );
        records.extend(
            tracker
                .allocations
                .iter()
                .cloned()
                .map(TrackerRecord::Allocation),
        );
        records.extend(
            tracker
                .plans
                .iter()
                .cloned()
                .map(TrackerRecord::PermanencePlan),
        );
        records.extend(tracker.meetings.iter().cloned().map(TrackerRecord::Meeting));
        records.extend(
            tracker
                .family_finding
                .iter()
                .cloned()
                .map(TrackerRecord::FamilyFinding),
        );
        records.extend(
            tracker
                .sibling_assessments
                .iter()
                .cloned()
                .map(TrackerRecord::SiblingAssessment),
        );
        records.extend(
            tracker
                .life_story
                .iter()
                .cloned()
                .map(TrackerRecord::LifeStoryWork),
        );
        records.extend(
            tracker
                .decisions
                .iter()
                .cloned()
                .map(TrackerRecord::Decision),
        );
        for (challenge, steps) in &tracker.challenges {
            records.push(TrackerRecord::IroChallenge(challenge.clone()));
            records.extend(steps.iter().cloned().map(TrackerRecord::ChallengeStep));
        }
        records.extend(
            tracker
                .panel_decisions
                .iter()
                .cloned()
                .map(TrackerRecord::PanelDecision),
        );
        records.extend(
            tracker
                .activities
                .iter()
                .cloned()
                .map(TrackerRecord::Activity),
        );
        for (case, meetings) in &tracker.pre_proceedings {
            records.push(TrackerRecord::PreProceedings(case.clone()));
            records.extend(
                meetings
                    .iter()
                    .cloned()
                    .map(TrackerRecord::PreProceedingsMeeting),
            );
        }
        for (case, hearings) in &tracker.proceedings {
            records.push(TrackerRecord::CareProceedings(case.clone()));
            records.extend(hearings.iter().cloned().map(TrackerRecord::Hearing));
        }
        records.extend(
            tracker
                .staying_put
                .iter()
                .cloned()
                .map(TrackerRecord::StayingPut),
        );
        records.extend(
            tracker
                .placement_needs
                .iter()
                .cloned()
                .map(TrackerRecord::PlacementNeeds),
        );
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::TEMPLATES;

    fn example(kind: Kind) -> RawRecord {
        let template = kind.template();
        let values: Vec<String> = template
            .example
            .iter()
            .zip(template.columns)
            .map(|(v, c)| match (v, c.kind) {
                (
                    &"",
                    crate::template::ColumnKind::Number {
                        blank_is_zero: true,
                        ..
                    },
                ) => "0".to_string(),
                _ => v.to_string(),
            })
            .collect();
        RawRecord::new(kind, "example.csv", 2, &values)
    }

    #[test]
    fn every_example_row_turns_into_its_type_and_back_unchanged() {
        for template in &TEMPLATES {
            let raw = example(template.kind);
            let typed = TrackerRecord::from_raw(&raw).unwrap();
            assert_eq!(typed.kind(), template.kind);
            assert_eq!(typed.to_raw("example.csv", 2), raw, "{}", template.name);
        }
    }

    #[test]
    fn records_assemble_into_children_and_back() {
        let raws: Vec<RawRecord> = TEMPLATES.iter().map(|t| example(t.kind)).collect();
        let (organisation, children) = build_tracker(&raws).unwrap();
        assert_eq!(organisation.people.len(), 1);
        let child = &children["C0000123"];
        assert_eq!(child.challenges[0].1.len(), 1);
        assert_eq!(child.pre_proceedings[0].1.len(), 1);
        assert_eq!(child.proceedings[0].1.len(), 1);
        assert_eq!(child.supervision.len(), 1);
        assert_eq!(children["C0000124"].supervision.len(), 1);
        let back = tracker_records(&organisation, &children);
        let mut back: Vec<RawRecord> = back.iter().map(|r| r.to_raw("example.csv", 2)).collect();
        back.sort_by_key(|r| r.kind);
        assert_eq!(back, raws);
    }

    #[test]
    fn damaged_values_are_reported_not_defaulted() {
        let raw = RawRecord::new(Kind::Team, "db", 7, &["T1", "Team", "", ""]);
        assert!(TrackerRecord::from_raw(&raw).is_ok());
        let raw = RawRecord::new(Kind::Team, "db", 7, &["T1", "Team"]);
        let problem = TrackerRecord::from_raw(&raw).unwrap_err();
        assert_eq!(problem.line, Some(7));
        let raw = RawRecord::new(
            Kind::Activity,
            "db",
            3,
            &["C1", "teleport", "01/01/2025", "", ""],
        );
        assert!(
            TrackerRecord::from_raw(&raw)
                .unwrap_err()
                .message
                .contains("teleport")
        );
    }
}
