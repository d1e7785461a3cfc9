//! Pure domain types for Permanence: SSDA903 code lists versioned by collection year,
//! the 903 records of one child, and the journey derived from them (periods of care,
//! placements, legal statuses). Nothing here does I/O.

pub mod calendar;
pub mod codes;
pub mod date;
pub mod journey;
pub mod record;
pub mod tracker;
pub mod year;

pub use date::Date;
pub use journey::Journey;
pub use record::ChildRecord;
pub use year::CollectionYear;
