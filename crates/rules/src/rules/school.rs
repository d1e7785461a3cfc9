//! School years and terms in England, for the education rules (EDU-01, EDU-02).
//!
//! A school year runs from 1 September to 31 August. A child is in the school year
//! matching their age on 31 August before it starts: aged 4 then, Reception; aged 15,
//! Year 11. Terms: autumn from 1 September to 31 December; spring from 1 January to 31
//! March (or, when the policy says so, to Easter Sunday); summer from the day after to
//! 31 July. August is a holiday.

use permanence_domain::Date;
use permanence_domain::calendar::easter_sunday;
use permanence_domain::date::age_on;

/// A school term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Term {
    /// "autumn", "spring" or "summer".
    pub name: &'static str,
    /// Its first day.
    pub start: Date,
    /// Its last day.
    pub end: Date,
}

/// The child's age on 31 August before the school year that contains `date` began.
pub(crate) fn school_year_age(dob: Date, date: Date) -> i32 {
    let year = if date.month() >= 9 {
        date.year()
    } else {
        date.year() - 1
    };
    age_on(dob, Date::constant(year, 8, 31))
}

fn spring_end(year: i16, at_easter: bool) -> Date {
    if at_easter {
        easter_sunday(year)
    } else {
        Date::constant(year, 3, 31)
    }
}

fn terms_of_calendar_year(year: i16, at_easter: bool) -> [Term; 3] {
    let spring_end = spring_end(year, at_easter);
    [
        Term {
            name: "spring",
            start: Date::constant(year, 1, 1),
            end: spring_end,
        },
        Term {
            name: "summer",
            start: spring_end.tomorrow().expect("a real date"),
            end: Date::constant(year, 7, 31),
        },
        Term {
            name: "autumn",
            start: Date::constant(year, 9, 1),
            end: Date::constant(year, 12, 31),
        },
    ]
}

/// The term containing `date` (none in August).
pub(crate) fn term_containing(date: Date, at_easter: bool) -> Option<Term> {
    terms_of_calendar_year(date.year(), at_easter)
        .into_iter()
        .find(|term| term.start <= date && date <= term.end)
}

/// The latest term that ended before `date`.
pub(crate) fn previous_term(date: Date, at_easter: bool) -> Term {
    let this_year = terms_of_calendar_year(date.year(), at_easter);
    let last_year = terms_of_calendar_year(date.year() - 1, at_easter);
    this_year
        .into_iter()
        .rev()
        .chain(last_year.into_iter().rev())
        .find(|term| term.end < date)
        .expect("last year's autumn term ended before")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::constant(y, m, day)
    }

    #[test]
    fn terms() {
        let spring = term_containing(d(2026, 3, 31), false).unwrap();
        assert_eq!((spring.name, spring.end), ("spring", d(2026, 3, 31)));
        let summer = term_containing(d(2026, 4, 1), false).unwrap();
        assert_eq!((summer.name, summer.start), ("summer", d(2026, 4, 1)));
        assert_eq!(term_containing(d(2026, 8, 15), false), None);
        // Easter Sunday 2026 is 5 April.
        assert_eq!(term_containing(d(2026, 4, 5), true).unwrap().name, "spring");
        assert_eq!(term_containing(d(2026, 4, 6), true).unwrap().name, "summer");
        assert_eq!(previous_term(d(2026, 1, 1), false).name, "autumn");
        assert_eq!(previous_term(d(2026, 1, 1), false).end, d(2025, 12, 31));
        assert_eq!(previous_term(d(2026, 8, 1), false).name, "summer");
        assert_eq!(previous_term(d(2026, 9, 1), false).name, "summer");
    }

    #[test]
    fn school_years() {
        // Born 1 September 2020: still 4 on 31 August 2025, so in Reception in 2025/26
        // (the oldest in the year).
        assert_eq!(school_year_age(d(2020, 9, 1), d(2025, 9, 1)), 4);
        // Born 31 August 2021: 4 on 31 August 2025, Reception in 2025/26 too.
        assert_eq!(school_year_age(d(2021, 8, 31), d(2026, 7, 1)), 4);
        assert_eq!(school_year_age(d(2021, 9, 1), d(2026, 7, 1)), 3);
    }
}
