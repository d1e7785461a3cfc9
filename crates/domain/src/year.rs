//! Collection years of the SSDA903 return: 1 April to 31 March, named by the end year.

use std::fmt;

use crate::Date;

/// A collection year, named by its end year: `2026` is 2025/26 (1 April 2025 to 31 March 2026).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct CollectionYear(pub i16);

impl CollectionYear {
    /// The earliest collection year whose code lists this system knows.
    pub const EARLIEST: CollectionYear = CollectionYear(2017);
    /// The latest collection year whose code lists this system knows.
    pub const LATEST: CollectionYear = CollectionYear(2027);

    /// The year that ends on the 31 March after (or on) `date`... i.e. the year containing `date`.
    pub fn containing(date: Date) -> CollectionYear {
        if date.month() >= 4 {
            CollectionYear(date.year() + 1)
        } else {
            CollectionYear(date.year())
        }
    }

    /// 1 April at the start of the year.
    pub fn start(self) -> Date {
        Date::constant(self.0 - 1, 4, 1)
    }

    /// 31 March at the end of the year.
    pub fn end(self) -> Date {
        Date::constant(self.0, 3, 31)
    }

    /// Whether this system knows the code lists of this year.
    pub fn is_supported(self) -> bool {
        (Self::EARLIEST..=Self::LATEST).contains(&self)
    }

    /// The end year as a number, e.g. 2026.
    pub fn end_year(self) -> i16 {
        self.0
    }
}

impl fmt::Display for CollectionYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.0 - 1, self.0.rem_euclid(100))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_start_slash_end() {
        assert_eq!(CollectionYear(2026).to_string(), "2025/26");
        assert_eq!(CollectionYear(2000).to_string(), "1999/00");
    }

    #[test]
    fn containing_splits_on_first_of_april() {
        assert_eq!(
            CollectionYear::containing(Date::constant(2025, 3, 31)),
            CollectionYear(2025)
        );
        assert_eq!(
            CollectionYear::containing(Date::constant(2025, 4, 1)),
            CollectionYear(2026)
        );
        assert_eq!(CollectionYear(2026).start(), Date::constant(2025, 4, 1));
        assert_eq!(CollectionYear(2026).end(), Date::constant(2026, 3, 31));
    }
}
