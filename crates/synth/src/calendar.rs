//! Dates as day numbers (days since 1 January 1970): the generator does all its date
//! arithmetic on plain integers and turns them into [`Date`]s only when it builds the
//! records.

use permanence_domain::Date;

/// A day number: days since 1970-01-01 (the same numbering as
/// [`permanence_domain::date::day_number`]).
pub(crate) type Day = i32;

pub(crate) use permanence_domain::date::{day_number as from_date, from_day_number as to_date};

/// The day number of the civil date `y-m-d` (which must be a real date).
pub(crate) fn days_from_civil(y: i32, m: i32, d: i32) -> Day {
    from_date(Date::new(y as i16, m as i8, d as i8).expect("generated dates are real dates"))
}

/// The civil date `(y, m, d)` of a day number.
pub(crate) fn civil_from_days(day: Day) -> (i32, i32, i32) {
    let date = to_date(day);
    (
        i32::from(date.year()),
        i32::from(date.month()),
        i32::from(date.day()),
    )
}

/// The collection year (by end year) containing `day`: 1 April to 31 March.
pub(crate) fn year_of(day: Day) -> i16 {
    let (y, m, _) = civil_from_days(day);
    (if m >= 4 { y + 1 } else { y }) as i16
}

/// 1 April starting collection year `year`.
pub(crate) fn year_start(year: i16) -> Day {
    days_from_civil(i32::from(year) - 1, 4, 1)
}

/// 31 March ending collection year `year`.
pub(crate) fn year_end(year: i16) -> Day {
    days_from_civil(i32::from(year), 3, 31)
}

/// The day someone born on `dob` turns `years` (29 February birthdays fall on
/// 28 February in other years, as in [`permanence_domain::date::birthday`]).
pub(crate) fn birthday(dob: Day, years: i32) -> Day {
    let (y, m, d) = civil_from_days(dob);
    let y = y + years;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let d = if m == 2 && d == 29 && !leap { 28 } else { d };
    days_from_civil(y, m, d)
}

/// Age in completed years on `day`.
pub(crate) fn age_on(dob: Day, day: Day) -> i32 {
    let (by, _, _) = civil_from_days(dob);
    let (y, _, _) = civil_from_days(day);
    let mut age = y - by;
    if age > 0 && birthday(dob, age) > day {
        age -= 1;
    }
    age.max(0)
}

/// A day as `dd/mm/yyyy`.
pub(crate) fn dmy(day: Day) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{d:02}/{m:02}/{y:04}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use permanence_domain::date;

    #[test]
    fn day_numbers_round_trip_and_match_the_domain() {
        for day in (-30_000..40_000).step_by(7) {
            let d = to_date(day);
            assert_eq!(from_date(d), day);
            assert_eq!(date::day_number(d), day);
        }
    }

    #[test]
    fn ages_and_birthdays_match_the_domain() {
        for dob in (10_000..12_000).step_by(13) {
            let born = to_date(dob);
            for years in [1, 4, 17, 18] {
                assert_eq!(to_date(birthday(dob, years)), date::birthday(born, years));
            }
            for day in (dob..dob + 8000).step_by(97) {
                assert_eq!(age_on(dob, day), date::age_on(born, to_date(day)));
            }
        }
    }

    #[test]
    fn collection_years_split_on_1_april() {
        assert_eq!(year_of(days_from_civil(2025, 3, 31)), 2025);
        assert_eq!(year_of(days_from_civil(2025, 4, 1)), 2026);
        assert_eq!(year_start(2026), days_from_civil(2025, 4, 1));
        assert_eq!(year_end(2026), days_from_civil(2026, 3, 31));
        assert_eq!(dmy(days_from_civil(2025, 4, 1)), "01/04/2025");
    }
}
