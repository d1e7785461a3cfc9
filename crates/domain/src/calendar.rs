//! Working days in England and Wales (`domain.md` §4): every day except Saturdays,
//! Sundays, Christmas Day, Good Friday, the bank holidays of the Banking and Financial
//! Dealings Act 1971 (with their substitute days and the one-off proclamations), and any
//! extra closure days a council adds in its policy file.
//!
//! Holidays are computed by rule for any year, so there is no table to keep up to date
//! except for future one-off proclamations, which a council adds as closure days until
//! this file learns them. Lookups are fast: the working days of 1970 to 2100 are
//! precomputed once (a sorted list and a running count per day), so checking a day,
//! adding N working days and counting the working days between two dates are each a
//! couple of array reads. Dates outside that range fall back to computing by rule.
//!
//! Counting convention (`domain.md` §4.1): "within N working days of D" is the Nth
//! working day after D; D itself is day 0 and need not be a working day.

use std::sync::{Arc, OnceLock};

use crate::Date;
use crate::date::{day_number, from_day_number};

/// The first year of the precomputed table.
const TABLE_FIRST_YEAR: i16 = 1970;
/// The last year of the precomputed table.
const TABLE_LAST_YEAR: i16 = 2100;

/// The label of a council's own closure day in lists of non-working days.
pub const CLOSURE_DAY: &str = "Council closure day";

/// A working-day calendar: England and Wales, plus a council's extra closure days.
///
/// Cheap to clone (the precomputed table is shared); build it once and pass it around.
#[derive(Clone)]
pub struct Calendar {
    table: Arc<Table>,
}

struct Table {
    /// Extra closure days, sorted, without duplicates.
    closures: Vec<Date>,
    /// Day number (see [`day_number`]) of the first day of the table.
    first_day: i32,
    /// For each day of the table, how many working days fall on or before it (counting
    /// from the table's first day).
    working_through: Vec<u32>,
    /// The day numbers of the table's working days, in order.
    working: Vec<i32>,
}

impl std::fmt::Debug for Calendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Calendar")
            .field("region", &"England and Wales")
            .field("closures", &self.table.closures)
            .finish()
    }
}

impl PartialEq for Calendar {
    fn eq(&self, other: &Self) -> bool {
        self.table.closures == other.table.closures
    }
}

impl Eq for Calendar {}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::england_and_wales()
    }
}

impl Calendar {
    /// England and Wales with no extra closure days. The table is built on first use and
    /// shared by every later call.
    pub fn england_and_wales() -> Calendar {
        static TABLE: OnceLock<Arc<Table>> = OnceLock::new();
        Calendar {
            table: TABLE
                .get_or_init(|| Arc::new(Table::build(Vec::new())))
                .clone(),
        }
    }

    /// England and Wales plus a council's extra closure days (for example the days
    /// between Christmas and New Year when offices close). Closures on weekends or bank
    /// holidays change nothing; duplicates are ignored.
    pub fn with_closures(mut closures: Vec<Date>) -> Calendar {
        closures.sort();
        closures.dedup();
        if closures.is_empty() {
            return Calendar::england_and_wales();
        }
        Calendar {
            table: Arc::new(Table::build(closures)),
        }
    }

    /// The council's extra closure days, sorted.
    pub fn closures(&self) -> &[Date] {
        &self.table.closures
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: Date) -> bool {
        match self.table.index(day_number(date)) {
            Some(i) => self.table.is_working_at(i),
            None => self.is_working_day_by_rule(date),
        }
    }

    /// The `n`th working day after `date` (`date` itself is day 0 and need not be a
    /// working day); for negative `n`, the `-n`th working day before `date`; `date`
    /// itself when `n` is 0.
    ///
    /// Counting forward and back again returns to the start when the start is a working
    /// day: `add_working_days(add_working_days(d, n), -n) == d`.
    pub fn add_working_days(&self, date: Date, n: i32) -> Date {
        if n == 0 {
            return date;
        }
        let day = day_number(date);
        if let Some(i) = self.table.index(day) {
            let through = self.table.working_through[i] as i64;
            let index = if n > 0 {
                // Working days on or before `date` come first; the nth after is next.
                through + i64::from(n) - 1
            } else {
                let before = through - i64::from(self.table.is_working_at(i));
                before + i64::from(n)
            };
            if let Some(&found) = usize::try_from(index)
                .ok()
                .and_then(|index| self.table.working.get(index))
            {
                return from_day_number(found);
            }
        }
        self.add_working_days_by_rule(date, n)
    }

    /// Working days after `from` up to and including `to`; negative (minus the working
    /// days after `to` up to and including `from`) when `to` is earlier. So
    /// `working_days_between(d, add_working_days(d, n)) == n` for every `n >= 0`.
    pub fn working_days_between(&self, from: Date, to: Date) -> i32 {
        let (a, b) = (day_number(from), day_number(to));
        match (self.table.index(a), self.table.index(b)) {
            (Some(i), Some(j)) => {
                self.table.working_through[j] as i32 - self.table.working_through[i] as i32
            }
            _ => self.working_days_between_by_rule(from, to),
        }
    }

    /// The England and Wales bank holidays of `year` (with Good Friday and Christmas
    /// Day, which are common-law holidays), as GOV.UK lists them: substitute days
    /// included, named "(substitute day)". Closure days are not included (see
    /// [`Calendar::closures`] and [`Calendar::non_working_weekdays`]).
    pub fn bank_holidays(&self, year: i16) -> Vec<(Date, &'static str)> {
        england_and_wales_bank_holidays(year)
    }

    /// Weekdays that are not working days after `from` up to and including `to` (bank
    /// holidays and closure days), with their names: the days a working-day count
    /// skipped, for evidence a person can check by hand.
    pub fn non_working_weekdays(&self, from: Date, to: Date) -> Vec<(Date, &'static str)> {
        let mut days = Vec::new();
        if to <= from {
            return days;
        }
        for year in from.year()..=to.year() {
            let mut in_year = england_and_wales_bank_holidays(year);
            in_year.extend(
                self.table
                    .closures
                    .iter()
                    .filter(|c| c.year() == year && !is_weekend(day_number(**c)))
                    .map(|&c| (c, CLOSURE_DAY)),
            );
            in_year.sort_by_key(|(date, _)| *date);
            in_year.dedup_by_key(|(date, _)| *date);
            days.extend(
                in_year
                    .into_iter()
                    .filter(|(date, _)| *date > from && *date <= to),
            );
        }
        days
    }

    fn is_working_day_by_rule(&self, date: Date) -> bool {
        !is_weekend(day_number(date))
            && self.table.closures.binary_search(&date).is_err()
            && !england_and_wales_bank_holidays(date.year())
                .iter()
                .any(|(holiday, _)| *holiday == date)
    }

    fn add_working_days_by_rule(&self, date: Date, n: i32) -> Date {
        let step: i32 = if n > 0 { 1 } else { -1 };
        let mut remaining = n.unsigned_abs();
        let mut day = day_number(date);
        while remaining > 0 {
            day += step;
            if self.is_working_day(from_day_number(day)) {
                remaining -= 1;
            }
        }
        from_day_number(day)
    }

    fn working_days_between_by_rule(&self, from: Date, to: Date) -> i32 {
        let (a, b) = (day_number(from), day_number(to));
        let (low, high, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let count = (low + 1..=high)
            .filter(|&day| self.is_working_day(from_day_number(day)))
            .count() as i32;
        sign * count
    }
}

impl Table {
    fn build(closures: Vec<Date>) -> Table {
        let first_day = day_number(Date::constant(TABLE_FIRST_YEAR, 1, 1));
        let last_day = day_number(Date::constant(TABLE_LAST_YEAR, 12, 31));
        let len = (last_day - first_day + 1) as usize;
        let mut holiday = vec![false; len];
        for year in TABLE_FIRST_YEAR..=TABLE_LAST_YEAR {
            for (date, _) in england_and_wales_bank_holidays(year) {
                holiday[(day_number(date) - first_day) as usize] = true;
            }
        }
        for closure in &closures {
            let day = day_number(*closure);
            if (first_day..=last_day).contains(&day) {
                holiday[(day - first_day) as usize] = true;
            }
        }
        let mut working_through = Vec::with_capacity(len);
        let mut working = Vec::with_capacity(len * 5 / 7);
        let mut count = 0u32;
        for (offset, is_holiday) in holiday.iter().enumerate() {
            let day = first_day + offset as i32;
            if !is_holiday && !is_weekend(day) {
                count += 1;
                working.push(day);
            }
            working_through.push(count);
        }
        Table {
            closures,
            first_day,
            working_through,
            working,
        }
    }

    /// The table index of a day number, if the table covers it.
    fn index(&self, day: i32) -> Option<usize> {
        let offset = usize::try_from(day - self.first_day).ok()?;
        (offset < self.working_through.len()).then_some(offset)
    }

    fn is_working_at(&self, i: usize) -> bool {
        let before = if i == 0 {
            0
        } else {
            self.working_through[i - 1]
        };
        self.working_through[i] != before
    }
}

/// Saturday or Sunday. Day 0 (1 January 1970) was a Thursday.
fn is_weekend(day: i32) -> bool {
    (day + 3).rem_euclid(7) >= 5
}

/// Easter Sunday of `year` by the Gregorian computus (Meeus/Jones/Butcher algorithm).
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, month as i8, day as i8).expect("Easter is in March or April")
}

/// The England and Wales bank holidays of `year`, sorted, as GOV.UK names them (Good
/// Friday and Christmas Day included). A holiday falling at a weekend moves to the next
/// weekday not already a holiday; the one-off proclamations of `domain.md` §4.2 are
/// applied.
pub fn england_and_wales_bank_holidays(year: i16) -> Vec<(Date, &'static str)> {
    // Each holiday: its usual date, its name, and its name as a substitute day.
    let mut natural: Vec<(Date, &'static str, &'static str)> = Vec::with_capacity(12);
    let date = |month: i8, day: i8| Date::constant(year, month, day);
    let easter = easter_sunday(year);
    let add_days = |date: Date, days: i32| from_day_number(day_number(date) + days);

    if year >= 1974 {
        natural.push((
            date(1, 1),
            "New Year's Day",
            "New Year's Day (substitute day)",
        ));
    }
    natural.push((add_days(easter, -2), "Good Friday", "Good Friday"));
    natural.push((add_days(easter, 1), "Easter Monday", "Easter Monday"));
    if year >= 1978 {
        match year {
            1995 | 2020 => natural.push((date(5, 8), "Early May bank holiday (VE day)", "")),
            _ => natural.push((first_monday(year, 5), "Early May bank holiday", "")),
        }
    }
    match year {
        2002 => natural.push((date(6, 4), "Spring bank holiday", "")),
        2012 => natural.push((date(6, 4), "Spring bank holiday", "")),
        2022 => natural.push((date(6, 2), "Spring bank holiday", "")),
        _ => natural.push((last_monday(year, 5), "Spring bank holiday", "")),
    }
    natural.push((last_monday(year, 8), "Summer bank holiday", ""));
    natural.push((
        date(12, 25),
        "Christmas Day",
        "Christmas Day (substitute day)",
    ));
    natural.push((date(12, 26), "Boxing Day", "Boxing Day (substitute day)"));
    natural.extend(
        ONE_OFF_HOLIDAYS
            .iter()
            .filter(|(y, ..)| *y == year)
            .map(|&(_, month, day, name)| (date(month, day), name, name)),
    );

    // Holidays on weekdays stay put; then those at a weekend move, in the order listed,
    // to the next weekday not already a holiday (so when Christmas Day is a Sunday,
    // Boxing Day stays on Monday 26th and Christmas moves to Tuesday 27th).
    let mut placed: Vec<(Date, &'static str)> = natural
        .iter()
        .filter(|(date, ..)| !is_weekend(day_number(*date)))
        .map(|&(date, name, _)| (date, name))
        .collect();
    for &(date, _, substitute) in natural
        .iter()
        .filter(|(date, ..)| is_weekend(day_number(*date)))
    {
        let mut day = day_number(date);
        while is_weekend(day) || placed.iter().any(|(d, _)| day_number(*d) == day) {
            day += 1;
        }
        placed.push((from_day_number(day), substitute));
    }
    placed.sort_by_key(|(date, _)| *date);
    placed
}

/// Extra one-off bank holidays proclaimed for a single year (year, month, day, name).
/// Moved holidays (1995, 2002, 2012, 2020, 2022) are handled where the usual date is
/// worked out.
const ONE_OFF_HOLIDAYS: &[(i16, i8, i8, &str)] = &[
    (1977, 6, 7, "Silver Jubilee of Queen Elizabeth II"),
    (
        1981,
        7,
        29,
        "Wedding of Prince Charles and Lady Diana Spencer",
    ),
    (1999, 12, 31, "Millennium celebrations"),
    (2002, 6, 3, "Golden Jubilee of Queen Elizabeth II"),
    (
        2011,
        4,
        29,
        "Wedding of Prince William and Catherine Middleton",
    ),
    (2012, 6, 5, "Queen's Diamond Jubilee"),
    (2022, 6, 3, "Platinum Jubilee bank holiday"),
    (
        2022,
        9,
        19,
        "Bank Holiday for the State Funeral of Queen Elizabeth II",
    ),
    (
        2023,
        5,
        8,
        "Bank holiday for the coronation of King Charles III",
    ),
];

fn first_monday(year: i16, month: i8) -> Date {
    let first = day_number(Date::constant(year, month, 1));
    // Monday is weekday 0 with day 0 a Thursday (weekday 3).
    let weekday = (first + 3).rem_euclid(7);
    from_day_number(first + (7 - weekday) % 7)
}

fn last_monday(year: i16, month: i8) -> Date {
    let last = if month == 12 {
        day_number(Date::constant(year, 12, 31))
    } else {
        day_number(Date::constant(year, month + 1, 1)) - 1
    };
    let weekday = (last + 3).rem_euclid(7);
    from_day_number(last - weekday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    fn dates(year: i16) -> Vec<Date> {
        england_and_wales_bank_holidays(year)
            .into_iter()
            .map(|(date, _)| date)
            .collect()
    }

    #[test]
    fn easter_sundays() {
        assert_eq!(easter_sunday(2024), d(2024, 3, 31));
        assert_eq!(easter_sunday(2025), d(2025, 4, 20));
        assert_eq!(easter_sunday(2026), d(2026, 4, 5));
        assert_eq!(easter_sunday(2038), d(2038, 4, 25)); // latest possible
        assert_eq!(easter_sunday(2285), d(2285, 3, 22)); // earliest possible
        assert_eq!(easter_sunday(2000), d(2000, 4, 23));
        assert_eq!(easter_sunday(1970), d(1970, 3, 29));
    }

    // The following years are GOV.UK's published England and Wales bank holidays.

    #[test]
    fn year_2020_early_may_moved_to_ve_day() {
        assert_eq!(
            dates(2020),
            vec![
                d(2020, 1, 1),
                d(2020, 4, 10),
                d(2020, 4, 13),
                d(2020, 5, 8),
                d(2020, 5, 25),
                d(2020, 8, 31),
                d(2020, 12, 25),
                d(2020, 12, 28),
            ]
        );
        let holidays = england_and_wales_bank_holidays(2020);
        assert_eq!(holidays[7].1, "Boxing Day (substitute day)");
    }

    #[test]
    fn year_2021_christmas_on_a_saturday() {
        assert_eq!(
            dates(2021),
            vec![
                d(2021, 1, 1),
                d(2021, 4, 2),
                d(2021, 4, 5),
                d(2021, 5, 3),
                d(2021, 5, 31),
                d(2021, 8, 30),
                d(2021, 12, 27),
                d(2021, 12, 28),
            ]
        );
        let holidays = england_and_wales_bank_holidays(2021);
        assert_eq!(holidays[6].1, "Christmas Day (substitute day)");
        assert_eq!(holidays[7].1, "Boxing Day (substitute day)");
    }

    #[test]
    fn year_2022_jubilee_funeral_and_christmas_on_a_sunday() {
        assert_eq!(
            dates(2022),
            vec![
                d(2022, 1, 3),
                d(2022, 4, 15),
                d(2022, 4, 18),
                d(2022, 5, 2),
                d(2022, 6, 2),
                d(2022, 6, 3),
                d(2022, 8, 29),
                d(2022, 9, 19),
                d(2022, 12, 26),
                d(2022, 12, 27),
            ]
        );
        let holidays = england_and_wales_bank_holidays(2022);
        assert_eq!(holidays[0].1, "New Year's Day (substitute day)");
        assert_eq!(holidays[8].1, "Boxing Day");
        assert_eq!(holidays[9].1, "Christmas Day (substitute day)");
    }

    #[test]
    fn year_2023_coronation() {
        assert_eq!(
            dates(2023),
            vec![
                d(2023, 1, 2),
                d(2023, 4, 7),
                d(2023, 4, 10),
                d(2023, 5, 1),
                d(2023, 5, 8),
                d(2023, 5, 29),
                d(2023, 8, 28),
                d(2023, 12, 25),
                d(2023, 12, 26),
            ]
        );
    }

    #[test]
    fn year_2025() {
        assert_eq!(
            dates(2025),
            vec![
                d(2025, 1, 1),
                d(2025, 4, 18),
                d(2025, 4, 21),
                d(2025, 5, 5),
                d(2025, 5, 26),
                d(2025, 8, 25),
                d(2025, 12, 25),
                d(2025, 12, 26),
            ]
        );
    }

    #[test]
    fn year_2026_boxing_day_on_a_saturday() {
        assert_eq!(
            england_and_wales_bank_holidays(2026),
            vec![
                (d(2026, 1, 1), "New Year's Day"),
                (d(2026, 4, 3), "Good Friday"),
                (d(2026, 4, 6), "Easter Monday"),
                (d(2026, 5, 4), "Early May bank holiday"),
                (d(2026, 5, 25), "Spring bank holiday"),
                (d(2026, 8, 31), "Summer bank holiday"),
                (d(2026, 12, 25), "Christmas Day"),
                (d(2026, 12, 28), "Boxing Day (substitute day)"),
            ]
        );
    }

    #[test]
    fn one_off_proclamations() {
        assert!(dates(1977).contains(&d(1977, 6, 7)));
        assert!(dates(1981).contains(&d(1981, 7, 29)));
        assert!(dates(1995).contains(&d(1995, 5, 8)));
        assert!(!dates(1995).contains(&d(1995, 5, 1)));
        assert!(dates(1999).contains(&d(1999, 12, 31)));
        let y2002 = dates(2002);
        assert!(y2002.contains(&d(2002, 6, 3)) && y2002.contains(&d(2002, 6, 4)));
        assert!(!y2002.contains(&d(2002, 5, 27)));
        assert!(dates(2011).contains(&d(2011, 4, 29)));
        let y2012 = dates(2012);
        assert!(y2012.contains(&d(2012, 6, 4)) && y2012.contains(&d(2012, 6, 5)));
        assert!(!y2012.contains(&d(2012, 5, 28)));
        assert!(!dates(2020).contains(&d(2020, 5, 4)));
        assert!(!dates(2022).contains(&d(2022, 5, 30)));
    }

    #[test]
    fn new_years_day_and_early_may_start_in_their_years() {
        assert!(!dates(1973).contains(&d(1973, 1, 1)));
        assert!(dates(1974).contains(&d(1974, 1, 1)));
        assert_eq!(dates(1977).len(), 8); // no early May yet; jubilee
        assert!(dates(1978).contains(&d(1978, 5, 1)));
    }

    #[test]
    fn every_year_has_eight_holidays_on_weekdays() {
        for year in 1978..=2200 {
            let holidays = dates(year);
            assert!(holidays.len() >= 8, "{year}");
            assert!(
                holidays.iter().all(|h| !is_weekend(day_number(*h))),
                "{year}"
            );
            let mut unique = holidays.clone();
            unique.dedup();
            assert_eq!(unique, holidays, "{year}");
        }
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let calendar = Calendar::england_and_wales();
        assert!(calendar.is_working_day(d(2026, 1, 2)));
        assert!(!calendar.is_working_day(d(2026, 1, 1)));
        assert!(!calendar.is_working_day(d(2026, 1, 3))); // Saturday
        assert!(!calendar.is_working_day(d(2026, 4, 3))); // Good Friday
        assert!(!calendar.is_working_day(d(2026, 12, 28)));
        assert!(calendar.is_working_day(d(2026, 12, 29)));
        // Outside the precomputed table, computed by rule.
        assert!(!calendar.is_working_day(d(2150, 12, 25)));
        assert!(!calendar.is_working_day(d(1960, 12, 25)));
        assert!(calendar.is_working_day(d(1960, 12, 28)));
    }

    #[test]
    fn twenty_working_days_over_christmas() {
        let calendar = Calendar::england_and_wales();
        // Saturday 20/12/2025: Mon 22, Tue 23, Wed 24 (3), skip Thu 25 and Fri 26 Dec,
        // Mon 29 to Wed 31 (6), skip Thu 1 Jan, Fri 2 (7), Mon 5 to Fri 9 (12),
        // Mon 12 to Fri 16 (17), Mon 19, Tue 20, Wed 21 January 2026 (20).
        assert_eq!(
            calendar.add_working_days(d(2025, 12, 20), 20),
            d(2026, 1, 21)
        );
        assert_eq!(
            calendar.working_days_between(d(2025, 12, 20), d(2026, 1, 21)),
            20
        );
        assert_eq!(
            calendar.non_working_weekdays(d(2025, 12, 20), d(2026, 1, 21)),
            vec![
                (d(2025, 12, 25), "Christmas Day"),
                (d(2025, 12, 26), "Boxing Day"),
                (d(2026, 1, 1), "New Year's Day"),
            ]
        );
    }

    #[test]
    fn counting_over_easter() {
        let calendar = Calendar::england_and_wales();
        // Thursday 2 April 2026, then Good Friday 3 and Easter Monday 6 April are skipped.
        assert_eq!(calendar.add_working_days(d(2026, 4, 2), 1), d(2026, 4, 7));
        assert_eq!(calendar.add_working_days(d(2026, 4, 7), -1), d(2026, 4, 2));
        assert_eq!(calendar.add_working_days(d(2026, 4, 4), 0), d(2026, 4, 4));
        assert_eq!(
            calendar.working_days_between(d(2026, 4, 7), d(2026, 4, 2)),
            -1
        );
    }

    #[test]
    fn closures_are_not_working_days() {
        let calendar = Calendar::with_closures(vec![d(2025, 12, 24), d(2025, 12, 24)]);
        assert!(!calendar.is_working_day(d(2025, 12, 24)));
        assert_eq!(calendar.closures(), &[d(2025, 12, 24)]);
        assert_eq!(
            calendar.add_working_days(d(2025, 12, 23), 1),
            d(2025, 12, 29)
        );
        assert_eq!(
            calendar.non_working_weekdays(d(2025, 12, 23), d(2025, 12, 29)),
            vec![
                (d(2025, 12, 24), CLOSURE_DAY),
                (d(2025, 12, 25), "Christmas Day"),
                (d(2025, 12, 26), "Boxing Day"),
            ]
        );
        assert_ne!(calendar, Calendar::england_and_wales());
        assert_eq!(
            Calendar::with_closures(vec![]),
            Calendar::england_and_wales()
        );
        // Closures outside the table still count.
        let far = Calendar::with_closures(vec![d(2150, 6, 3)]);
        assert!(!far.is_working_day(d(2150, 6, 3)));
    }

    #[test]
    fn counting_past_the_end_of_the_table_falls_back_to_rules() {
        let calendar = Calendar::england_and_wales();
        // Friday 24 December 2100, then Christmas Day and Boxing Day fall at the weekend
        // in 2100 (Saturday 25, Sunday 26) and move to Monday 27 and Tuesday 28.
        assert_eq!(
            calendar.add_working_days(d(2100, 12, 24), 1),
            d(2100, 12, 29)
        );
        assert_eq!(
            calendar.add_working_days(d(2100, 12, 29), -1),
            d(2100, 12, 24)
        );
        assert_eq!(
            calendar.add_working_days(d(1970, 1, 1), -1),
            d(1969, 12, 31)
        );
    }

    fn slow_is_working(calendar: &Calendar, date: Date) -> bool {
        calendar.is_working_day_by_rule(date)
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (1965i32..2106, 0i32..366).prop_map(|(year, offset)| {
            from_day_number(day_number(Date::constant(year as i16, 1, 1)) + offset)
        })
    }

    proptest! {
        #[test]
        fn forward_then_back_returns_to_the_same_working_day(
            start in any_date(), n in 0i32..400,
        ) {
            let calendar = Calendar::with_closures(vec![d(2025, 12, 24), d(2030, 8, 1)]);
            let start = if calendar.is_working_day(start) {
                start
            } else {
                calendar.add_working_days(start, 1)
            };
            let later = calendar.add_working_days(start, n);
            prop_assert!(n == 0 || calendar.is_working_day(later));
            prop_assert_eq!(calendar.add_working_days(later, -n), start);
            prop_assert_eq!(calendar.working_days_between(start, later), n);
            prop_assert_eq!(calendar.working_days_between(later, start), -n);
        }

        #[test]
        fn the_table_agrees_with_the_rules(date in any_date(), n in -60i32..60) {
            let calendar = Calendar::with_closures(vec![d(2025, 12, 24)]);
            prop_assert_eq!(calendar.is_working_day(date), slow_is_working(&calendar, date));
            prop_assert_eq!(
                calendar.add_working_days(date, n),
                calendar.add_working_days_by_rule(date, n)
            );
            let other = from_day_number(day_number(date) + n * 3);
            prop_assert_eq!(
                calendar.working_days_between(date, other),
                calendar.working_days_between_by_rule(date, other)
            );
        }

        #[test]
        fn day_numbers_round_trip(day in -40_000i32..80_000) {
            prop_assert_eq!(day_number(from_day_number(day)), day);
        }
    }
}
