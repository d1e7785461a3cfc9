//! What CL-07 and CL-08 share: care-leaver outcome rows (OC3) dated by the birthday they
//! were collected around.
//!
//! The 903 holds one OC3 row per care leaver per collection year, collected around the
//! young person's birthday in that year (17th to 21st, and from 2022/23 up to the 25th
//! for those in touch). A row counts from that birthday (rows for birthdays after the
//! evaluation date are ignored), and stays current for the policy's number of months.

use permanence_domain::date::{add_months, birthday, format_dmy};
use permanence_domain::record::Oc3;
use permanence_domain::{CollectionYear, Date};

use crate::context::{Context, ordinal};

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
        format_dmy(date)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
