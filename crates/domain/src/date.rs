//! Dates as the 903 return writes them (`dd/mm/yyyy`), and the calendar arithmetic the
//! domain needs (ages, calendar months with end-of-month clamping, day counts).

use jiff::ToSpan;

/// A calendar date with no time zone (jiff's civil date).
pub type Date = jiff::civil::Date;

/// Why a `dd/mm/yyyy` text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the shape `dd/mm/yyyy`.
    #[error("'{0}' is not a date in the form dd/mm/yyyy")]
    Shape(String),
    /// The right shape, but no such day (31/02/2024).
    #[error("'{0}' is not a real date (no such day in that month)")]
    Impossible(String),
}

/// Parses `dd/mm/yyyy` (one-digit day and month are accepted, as spreadsheets write them).
pub fn parse_dmy(text: &str) -> Result<Date, DateError> {
    let shape = || DateError::Shape(text.to_string());
    let mut parts = text.split('/');
    let (Some(d), Some(m), Some(y), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(shape());
    };
    let digits = |s: &str, max_len: usize| -> Option<i16> {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (Some(day), Some(month), Some(year)) = (digits(d, 2), digits(m, 2), digits(y, 4)) else {
        return Err(shape());
    };
    if y.len() != 4 {
        return Err(shape());
    }
    Date::new(year, month as i8, day as i8).map_err(|_| DateError::Impossible(text.to_string()))
}

/// Formats a date as `dd/mm/yyyy`.
pub fn format_dmy(date: Date) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// `date` plus `months` calendar months, clamped to the end of a shorter month
/// (one month after 31 January is the last day of February).
pub fn add_months(date: Date, months: i32) -> Date {
    date.checked_add(months.months())
        .expect("date within jiff's range")
}

/// `date` plus `days` calendar days.
pub fn add_days(date: Date, days: i32) -> Date {
    date.checked_add(days.days())
        .expect("date within jiff's range")
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i32 {
    day_number(to) - day_number(from)
}

/// Age in completed years on `on` of someone born on `born`.
/// A child born on 29 February has a birthday on 28 February in other years.
pub fn age_on(born: Date, on: Date) -> i32 {
    let mut years = i32::from(on.year()) - i32::from(born.year());
    if years > 0 && add_months(born, 12 * years) > on {
        years -= 1;
    }
    years.max(0)
}

/// The DfE's age bands for looked-after children, in order: under 1, 1 to 4, 5 to 9,
/// 10 to 15, 16 and over.
pub const AGE_BANDS: [&str; 5] = ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over"];

/// The youngest age in each of [`AGE_BANDS`].
const AGE_BAND_FROM: [i32; 5] = [0, 1, 5, 10, 16];

/// The index in [`AGE_BANDS`] of an age in completed years.
pub fn age_band_index(age: i32) -> usize {
    AGE_BAND_FROM
        .iter()
        .rposition(|from| age >= *from)
        .unwrap_or(0)
}

/// The DfE age band of an age in completed years.
pub fn age_band(age: i32) -> &'static str {
    AGE_BANDS[age_band_index(age)]
}

/// The ages (in completed years) of the band at `index` in [`AGE_BANDS`]; the last
/// band has no upper end.
pub fn age_band_ages(index: usize) -> std::ops::RangeInclusive<i32> {
    let to = AGE_BAND_FROM
        .get(index + 1)
        .map_or(i32::MAX, |next| next - 1);
    AGE_BAND_FROM[index]..=to
}

/// The date a person born on `born` reaches `years` of age.
pub fn birthday(born: Date, years: i32) -> Date {
    add_months(born, 12 * years)
}

/// Days since 1970-01-01 (proleptic Gregorian), for fast exact day differences.
pub fn day_number(date: Date) -> i32 {
    // Howard Hinnant's days_from_civil.
    let (y, m, d) = (
        i32::from(date.year()),
        i32::from(date.month()),
        i32::from(date.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (days since 1970-01-01), the inverse of [`day_number`].
pub fn from_day_number(day: i32) -> Date {
    // Howard Hinnant's civil_from_days.
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    Date::new(y as i16, m as i8, d as i8).expect("a day number within jiff's range")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_bands_follow_the_dfe() {
        assert_eq!(age_band(0), "Under 1");
        assert_eq!(age_band(1), "1 to 4");
        assert_eq!(age_band(4), "1 to 4");
        assert_eq!(age_band(5), "5 to 9");
        assert_eq!(age_band(15), "10 to 15");
        assert_eq!(age_band(16), "16 and over");
        assert_eq!(age_band(17), "16 and over");
        assert_eq!(age_band_ages(0), 0..=0);
        assert_eq!(age_band_ages(3), 10..=15);
        assert_eq!(age_band_ages(4), 16..=i32::MAX);
    }

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    #[test]
    fn parses_dmy() {
        assert_eq!(parse_dmy("05/11/2024"), Ok(d(2024, 11, 5)));
        assert_eq!(parse_dmy("5/1/2024"), Ok(d(2024, 1, 5)));
        assert_eq!(parse_dmy("29/02/2024"), Ok(d(2024, 2, 29)));
    }

    #[test]
    fn rejects_impossible_and_misshapen_dates() {
        assert!(matches!(
            parse_dmy("31/02/2024"),
            Err(DateError::Impossible(_))
        ));
        assert!(matches!(
            parse_dmy("29/02/2023"),
            Err(DateError::Impossible(_))
        ));
        assert!(matches!(parse_dmy("2024-02-01"), Err(DateError::Shape(_))));
        assert!(matches!(parse_dmy("01/02/24"), Err(DateError::Shape(_))));
        assert!(matches!(
            parse_dmy("01/02/2024/1"),
            Err(DateError::Shape(_))
        ));
        assert!(matches!(parse_dmy(""), Err(DateError::Shape(_))));
        assert!(matches!(parse_dmy("aa/bb/cccc"), Err(DateError::Shape(_))));
    }

    #[test]
    fn formats_round_trip() {
        assert_eq!(format_dmy(d(2024, 1, 5)), "05/01/2024");
        assert_eq!(parse_dmy(&format_dmy(d(1999, 12, 31))), Ok(d(1999, 12, 31)));
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(add_months(d(2025, 1, 31), 1), d(2025, 2, 28));
        assert_eq!(add_months(d(2024, 1, 31), 1), d(2024, 2, 29));
        assert_eq!(add_months(d(2024, 8, 31), 6), d(2025, 2, 28));
        assert_eq!(add_months(d(2024, 3, 31), -1), d(2024, 2, 29));
    }

    #[test]
    fn ages_change_on_the_birthday() {
        let born = d(2010, 6, 15);
        assert_eq!(age_on(born, d(2026, 6, 14)), 15);
        assert_eq!(age_on(born, d(2026, 6, 15)), 16);
        assert_eq!(age_on(born, d(2026, 6, 16)), 16);
        assert_eq!(age_on(born, d(2009, 1, 1)), 0);
    }

    #[test]
    fn leap_day_birthdays_fall_on_28_february() {
        let born = d(2012, 2, 29);
        assert_eq!(age_on(born, d(2030, 2, 27)), 17);
        assert_eq!(age_on(born, d(2030, 2, 28)), 18);
        assert_eq!(birthday(born, 18), d(2030, 2, 28));
    }

    #[test]
    fn day_numbers_match_jiff() {
        let epoch = d(1970, 1, 1);
        for date in [
            d(1970, 1, 1),
            d(2000, 2, 29),
            d(1969, 12, 31),
            d(2026, 11, 26),
            d(1900, 3, 1),
        ] {
            let jiff_days = date.since(epoch).unwrap().get_days();
            assert_eq!(day_number(date), jiff_days, "{date}");
        }
    }

    #[test]
    fn from_day_number_inverts_day_number() {
        let epoch = d(1970, 1, 1);
        assert_eq!(from_day_number(0), epoch);
        assert_eq!(from_day_number(-1), d(1969, 12, 31));
        assert_eq!(from_day_number(11_016), d(2000, 2, 29));
        for day in (-30_000..40_000).step_by(7) {
            let date = from_day_number(day);
            assert_eq!(day_number(date), day);
            assert_eq!(date.since(epoch).unwrap().get_days(), day, "{date}");
        }
    }

    #[test]
    fn days_between_counts_calendar_days() {
        assert_eq!(days_between(d(2024, 2, 28), d(2024, 3, 1)), 2);
        assert_eq!(days_between(d(2024, 3, 1), d(2024, 2, 28)), -2);
    }
}
