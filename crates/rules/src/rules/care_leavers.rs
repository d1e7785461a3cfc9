//! What the care-leaver rules share: when a child became an *eligible* child (CL-01 to
//! CL-05), whether a young person who left care is still owed care-leaver services, and
//! care-leaver outcome rows (OC3) dated by the birthday they were collected around (CL-07,
//! CL-08).
//!
//! Eligibility (Children Act 1989 Sch 2 para 19B; Care Leavers Regulations reg 40, as
//! `domain.md` §1.6 states it): a child aged 16 or 17 who is looked after and has been
//! looked after for at least 13 weeks in all since the age of 14, including some time
//! after 16. A child becomes eligible on the first day, from the 16th birthday and before
//! the 18th, that they are looked after and those days (counted from the 14th birthday,
//! that day included) reach 13 weeks. Short breaks (legal status V3, V4) do not count.
//! When the child's history may be missing from the loaded data (the data begins after
//! the 14th birthday and the earliest period of care in it began before the data), the
//! date found is the latest the child can have become eligible.
//!
//! The 903 holds one OC3 row per care leaver per collection year, collected around the
//! young person's birthday in that year (17th to 21st, and from 2022/23 up to the 25th
//! for those in touch). A row counts from that birthday (rows for birthdays after the
//! evaluation date are ignored), and stays current for the policy's number of months.

use permanence_domain::codes::{InTouch, ReasonEpisodeCeased, ReasonNewEpisode};
use permanence_domain::date::{add_days, add_months, birthday, days_between};
use permanence_domain::journey::PeriodOfCare;
use permanence_domain::record::Oc3;
use permanence_domain::{CollectionYear, Date};

use crate::context::{Context, dmy, ordinal};

/// When the child became an eligible child, as far as the data shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eligibility {
    /// The day the child became eligible, on or before the evaluation date; `None` when
    /// the data shows no such day.
    pub date: Option<Date>,
    /// Whether the child's history since the 14th birthday is all in the data: when it
    /// is not, `date` is the latest the child can have become eligible, and with no date
    /// the child may still be eligible.
    pub exact: bool,
}

/// The day the child became an eligible child (see the module notes), with `weeks` of
/// care since the 14th birthday.
pub fn eligibility(ctx: &Context<'_>, weeks: i32) -> Eligibility {
    let dob = ctx.dob();
    let (b14, b16, b18) = (birthday(dob, 14), birthday(dob, 16), birthday(dob, 18));
    let episodes = &ctx.journey.record.episodes;
    let exact = ctx.data_from() <= b14
        || episodes
            .first()
            .is_some_and(|episode| episode.rne == ReasonNewEpisode::S);
    let needed = weeks * 7;
    let mut counted = 0;
    let end_of_data = add_days(ctx.as_of, 1);
    for episode in episodes {
        if episode.decom > ctx.as_of || episode.ls.is_short_break() {
            continue;
        }
        let start = episode.decom.max(b14);
        let end = episode
            .dec
            .filter(|dec| *dec <= ctx.as_of)
            .unwrap_or(end_of_data)
            .min(b18);
        if start >= end {
            continue;
        }
        let reached = add_days(start, needed - counted - 1).max(b16).max(start);
        if reached < end {
            return Eligibility {
                date: Some(reached),
                exact: exact || reached == b16,
            };
        }
        counted += days_between(start, end);
    }
    Eligibility { date: None, exact }
}

/// The latest period of care that ended on or before the evaluation date, when the child
/// is not looked after on it.
pub fn left_care<'a>(ctx: &Context<'a>) -> Option<&'a PeriodOfCare> {
    if ctx.current_period().is_some() {
        return None;
    }
    ctx.journey
        .periods
        .iter()
        .rev()
        .find(|period| period.end.is_some_and(|end| end <= ctx.as_of))
}

/// Whether a period of care ended in a way that leaves the young person this authority's
/// care leaver (relevant or former relevant): not adopted, not under a special
/// guardianship or child arrangements order, not died, and not taken over by another
/// authority (E3: that authority owes the leaving-care duties).
pub fn leaves_a_care_leaver(reason: Option<ReasonEpisodeCeased>) -> bool {
    use ReasonEpisodeCeased::*;
    !matches!(
        reason,
        Some(E11 | E12 | E41 | E43 | E44 | E45 | E46 | E47 | E48 | E2 | E3)
    )
}

/// Whether the latest care-leaver return on or before the evaluation date says services
/// have ended: the young person died or no longer requires services.
pub(crate) fn services_ended(ctx: &Context<'_>) -> bool {
    let dob = ctx.dob();
    ctx.journey
        .record
        .care_leaver_outcomes
        .iter()
        .filter(|row| oc3_date(dob, row.year) <= ctx.as_of)
        .max_by_key(|row| row.year)
        .is_some_and(|row| matches!(row.in_touch, Some(InTouch::Died | InTouch::Nreq)))
}

/// Who acts for a pathway-plan rule: the social worker while the young person is looked
/// after, the personal adviser once they have left care.
pub(crate) fn pathway_owner(ctx: &Context<'_>) -> crate::finding::Role {
    if ctx.current_period().is_some() {
        crate::finding::Role::SocialWorker
    } else {
        crate::finding::Role::PersonalAdviser
    }
}

/// "16th birthday 01/06/2026" or "01/09/2026 (13 weeks looked after since the 14th
/// birthday, after the 16th)".
pub(crate) fn eligibility_text(ctx: &Context<'_>, eligibility: Eligibility, weeks: i32) -> String {
    let Some(date) = eligibility.date else {
        return "not eligible on the loaded data".to_string();
    };
    let b16 = birthday(ctx.dob(), 16);
    let text = if date == b16 {
        format!(
            "{} (16th birthday, with {weeks} weeks looked after since the 14th)",
            dmy(date)
        )
    } else {
        format!(
            "{} (the day {weeks} weeks looked after since the 14th birthday were reached, \
             after the 16th birthday {})",
            dmy(date),
            dmy(b16)
        )
    };
    if eligibility.exact {
        text
    } else {
        format!("{text}, at the latest: care before the loaded data may have made it earlier")
    }
}

/// The date an OC3 row stands for: the birthday in its collection year (the end of the
/// year if no birthday from the 16th to the 26th falls in it).
pub(crate) fn oc3_date(dob: Date, year: CollectionYear) -> Date {
    (16..=26)
        .map(|age| birthday(dob, age))
        .find(|date| *date >= year.start() && *date <= year.end())
        .unwrap_or_else(|| year.end())
}

/// The care leaver's OC3 rows dated on or before the evaluation date, latest first, with
/// their dates; empty while the child is looked after or when the latest row is older
/// than `current_for_months`.
pub(crate) fn current_rows<'a>(ctx: &Context<'a>, current_for_months: i32) -> Vec<(&'a Oc3, Date)> {
    if ctx.current_period().is_some() {
        return Vec::new();
    }
    let dob = ctx.dob();
    let mut rows: Vec<(&Oc3, Date)> = ctx
        .journey
        .record
        .care_leaver_outcomes
        .iter()
        .map(|row| (row, oc3_date(dob, row.year)))
        .filter(|(_, date)| *date <= ctx.as_of)
        .collect();
    rows.sort_by_key(|(row, _)| std::cmp::Reverse(row.year));
    match rows.first() {
        Some((_, date)) if ctx.as_of <= add_months(*date, current_for_months) => rows,
        _ => Vec::new(),
    }
}

/// "2025/26 return (20th birthday 03/06/2025)".
pub(crate) fn row_text(ctx: &Context<'_>, row: &Oc3, date: Date) -> String {
    format!(
        "{} return ({} birthday {})",
        row.year,
        ordinal(ctx.age_on(date)),
        dmy(date)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::*;

    fn eligible(record: ChildRecord, as_of: Date) -> Eligibility {
        let journey = Journey::new(record);
        let policy = crate::policy::Policy::default();
        let calendar = policy.calendar();
        eligibility(
            &crate::context::Context::without_records(&journey, &policy, &calendar, as_of),
            13,
        )
    }

    #[test]
    fn eligibility_needs_13_weeks_since_14_and_some_after_16() {
        // Born 1 June 2010: 14 on 1 June 2024, 16 on 1 June 2026.
        let dob = d(2010, 6, 1);
        // In care since 2025: eligible on the 16th birthday.
        let record = in_care(dob, d(2025, 1, 6), Placement::U6);
        assert_eq!(
            eligible(record.clone(), d(2026, 7, 1)),
            Eligibility {
                date: Some(d(2026, 6, 1)),
                exact: true
            }
        );
        assert_eq!(eligible(record, d(2026, 5, 31)).date, None);
        // Came into care on the 16th birthday: 91 days later, counting that day.
        let record = in_care(dob, d(2026, 6, 1), Placement::U6);
        assert_eq!(eligible(record.clone(), d(2026, 8, 29)).date, None);
        assert_eq!(eligible(record, d(2026, 8, 30)).date, Some(d(2026, 8, 30)));
        // Earlier care after 14 counts: 61 days in 2024, then 30 more from 1 June 2026.
        let mut record = in_care(dob, d(2024, 9, 1), Placement::U6);
        leave_care(&mut record, d(2024, 11, 1), ReasonEpisodeCeased::E4A);
        re_enter(&mut record, d(2026, 6, 1), Placement::U6);
        assert_eq!(eligible(record, d(2026, 12, 1)).date, Some(d(2026, 6, 30)));
        // Short breaks do not count.
        let mut record = in_care(dob, d(2025, 1, 6), Placement::U6);
        record.episodes[0].ls = LegalStatus::V3;
        assert_eq!(eligible(record, d(2026, 7, 1)).date, None);
    }

    #[test]
    fn eligibility_with_history_before_the_data() {
        let mut record = in_care(d(2010, 6, 1), d(2026, 6, 10), Placement::U6);
        record.episodes[0].rne = ReasonNewEpisode::L;
        // 91 days from 10 June 2026: 8 September; it may have been sooner.
        assert_eq!(
            eligible(record, d(2026, 12, 1)),
            Eligibility {
                date: Some(d(2026, 9, 8)),
                exact: false
            }
        );
    }

    #[test]
    fn rows_are_dated_by_the_birthday_in_their_year() {
        let dob = Date::constant(2006, 6, 3);
        assert_eq!(
            oc3_date(dob, CollectionYear(2026)),
            Date::constant(2025, 6, 3)
        );
        let dob = Date::constant(2006, 2, 10);
        assert_eq!(
            oc3_date(dob, CollectionYear(2026)),
            Date::constant(2026, 2, 10)
        );
    }
}
