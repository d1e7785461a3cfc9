//! Reporting periods: calendar months (`2026-10`) and calendar quarters (`2026-Q3`,
//! July to September), with the periods a report compares with (the one before, the
//! last 12 months or 8 quarters for trends).

use std::fmt;
use std::str::FromStr;

use permanence_domain::Date;
use permanence_domain::date::format_dmy;

/// A month or a quarter of a calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// A calendar month (1 to 12).
    Month {
        /// The year.
        year: i16,
        /// The month, 1 to 12.
        month: i8,
    },
    /// A calendar quarter (1: January to March, ..., 4: October to December).
    Quarter {
        /// The year.
        year: i16,
        /// The quarter, 1 to 4.
        quarter: i8,
    },
}

/// Why a period could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not a {expected}")]
pub struct PeriodError {
    text: String,
    expected: &'static str,
}

impl Period {
    /// Reads a month written `YYYY-MM` (for example `2026-10`).
    pub fn month(text: &str) -> Result<Period, PeriodError> {
        let error = || PeriodError {
            text: text.to_string(),
            expected: "month written YYYY-MM, for example 2026-10",
        };
        let (year, month) = text.trim().split_once('-').ok_or_else(error)?;
        let year = year_number(year).ok_or_else(error)?;
        let month: i8 = month
            .parse()
            .ok()
            .filter(|m| (1..=12).contains(m) && month.len() == 2)
            .ok_or_else(error)?;
        Ok(Period::Month { year, month })
    }

    /// Reads a quarter written `YYYY-Qn` (for example `2026-Q3`: July to September).
    pub fn quarter(text: &str) -> Result<Period, PeriodError> {
        let error = || PeriodError {
            text: text.to_string(),
            expected: "quarter written YYYY-Qn, for example 2026-Q3 (July to September 2026)",
        };
        let (year, quarter) = text.trim().split_once('-').ok_or_else(error)?;
        let year = year_number(year).ok_or_else(error)?;
        let quarter: i8 = quarter
            .strip_prefix(['Q', 'q'])
            .and_then(|q| q.parse().ok())
            .filter(|q| (1..=4).contains(q))
            .ok_or_else(error)?;
        Ok(Period::Quarter { year, quarter })
    }

    /// Whether this is a month (else a quarter).
    pub fn is_month(self) -> bool {
        matches!(self, Period::Month { .. })
    }

    /// `monthly` or `quarterly`: the report's kind, as the command line and addresses
    /// write it.
    pub fn kind(self) -> &'static str {
        if self.is_month() {
            "monthly"
        } else {
            "quarterly"
        }
    }

    /// The first day.
    pub fn start(self) -> Date {
        let (year, month) = match self {
            Period::Month { year, month } => (year, month),
            Period::Quarter { year, quarter } => (year, (quarter - 1) * 3 + 1),
        };
        Date::new(year, month, 1).expect("valid first day")
    }

    /// The last day.
    pub fn end(self) -> Date {
        self.next().start().yesterday().expect("a day before")
    }

    /// The period after this one.
    pub fn next(self) -> Period {
        match self {
            Period::Month { year, month: 12 } => Period::Month {
                year: year + 1,
                month: 1,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month + 1,
            },
            Period::Quarter { year, quarter: 4 } => Period::Quarter {
                year: year + 1,
                quarter: 1,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter + 1,
            },
        }
    }

    /// The period before this one.
    pub fn previous(self) -> Period {
        match self {
            Period::Month { year, month: 1 } => Period::Month {
                year: year - 1,
                month: 12,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month - 1,
            },
            Period::Quarter { year, quarter: 1 } => Period::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
        }
    }

    /// The month containing `date`.
    pub fn month_of(date: Date) -> Period {
        Period::Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The quarter containing `date`.
    pub fn quarter_of(date: Date) -> Period {
        Period::Quarter {
            year: date.year(),
            quarter: (date.month() - 1) / 3 + 1,
        }
    }

    /// The trend this period ends: the last 12 months or the last 8 quarters, oldest
    /// first, this period last.
    pub fn trend(self) -> Vec<Period> {
        let count = if self.is_month() { 12 } else { 8 };
        let mut periods = vec![self];
        for _ in 1..count {
            let earlier = periods.last().expect("one period").previous();
            periods.push(earlier);
        }
        periods.reverse();
        periods
    }

    /// A short name for charts: `Oct 2026`, `Q3 2026`.
    pub fn short_label(self) -> String {
        match self {
            Period::Month { .. } => self.start().strftime("%b %Y").to_string(),
            Period::Quarter { year, quarter } => format!("Q{quarter} {year}"),
        }
    }

    /// The period in words: `October 2026`, `Q3 2026 (1 July to 30 September 2026)`.
    pub fn label(self) -> String {
        match self {
            Period::Month { .. } => self.start().strftime("%B %Y").to_string(),
            Period::Quarter { .. } => format!(
                "{} ({} to {})",
                self.short_label(),
                long_date(self.start()),
                long_date(self.end())
            ),
        }
    }
}

/// `1 July 2026`.
pub fn long_date(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

fn year_number(text: &str) -> Option<i16> {
    text.parse()
        .ok()
        .filter(|y| (1900..=2200).contains(y) && text.len() == 4)
}

impl fmt::Display for Period {
    /// `2026-10` or `2026-Q3`, as the command line and addresses write it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year}-{month:02}"),
            Period::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    /// A month (`2026-10`) or a quarter (`2026-Q3`).
    fn from_str(text: &str) -> Result<Period, PeriodError> {
        if text.contains(['Q', 'q']) {
            Period::quarter(text)
        } else {
            Period::month(text)
        }
    }
}

/// `dd/mm/yyyy`, for tables.
pub(crate) fn dmy(date: Date) -> String {
    format_dmy(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn months_and_quarters_read_and_write_back() {
        let october = Period::month("2026-10").unwrap();
        assert_eq!(october.to_string(), "2026-10");
        assert_eq!(
            (october.start(), october.end()),
            (d(2026, 10, 1), d(2026, 10, 31))
        );
        let february = Period::month("2028-02").unwrap();
        assert_eq!(february.end(), d(2028, 2, 29), "a leap year");
        let q3 = Period::quarter("2026-Q3").unwrap();
        assert_eq!(q3.to_string(), "2026-Q3");
        assert_eq!((q3.start(), q3.end()), (d(2026, 7, 1), d(2026, 9, 30)));
        assert_eq!(q3.label(), "Q3 2026 (1 July 2026 to 30 September 2026)");
        assert_eq!("2026-q4".parse::<Period>().unwrap().end(), d(2026, 12, 31));
        for bad in ["2026-13", "2026-1", "26-10", "2026/10", "October", ""] {
            let error = Period::month(bad).unwrap_err().to_string();
            assert!(error.contains("YYYY-MM"), "{bad}: {error}");
        }
        for bad in ["2026-Q5", "2026-Q0", "2026-3", "Q3"] {
            assert!(Period::quarter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn trends_cross_year_ends() {
        let trend = Period::month("2026-02").unwrap().trend();
        assert_eq!(trend.len(), 12);
        assert_eq!(trend[0].to_string(), "2025-03");
        assert_eq!(trend[11].to_string(), "2026-02");
        let quarters = Period::quarter("2026-Q1").unwrap().trend();
        assert_eq!(quarters.len(), 8);
        assert_eq!(quarters[0].to_string(), "2024-Q2");
        assert_eq!(Period::quarter_of(d(2026, 11, 26)).to_string(), "2026-Q4");
        assert_eq!(
            Period::month_of(d(2026, 1, 31)).previous().to_string(),
            "2025-12"
        );
    }
}
