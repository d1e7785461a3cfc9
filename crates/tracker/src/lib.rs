//! The tracker's own records: the permanence work the 903 return does not hold (staff,
//! children's names and restricted records, allocations, permanence plans, meetings, family finding, sibling assessments,
//! life-story work, supervision and decisions, IRO challenges, panels, statutory
//! activity, pre-proceedings and proceedings, staying put, and the register of foster
//! carers with children's placement needs), as CSV templates.
//!
//! Each template is defined once, as data ([`template::TEMPLATES`]); reading, writing
//! and the documentation (`docs/tracker-templates.md`) derive from it. The flow of an
//! import mirrors the 903 import:
//!
//! 1. [`read::read_paths`] recognises each file's template by its header row and checks
//!    every value, giving [`RawRecord`]s in canonical form (or every problem found, each
//!    with file, line, column, the value and what was expected);
//! 2. [`check::plan_import`] lays them over the stored records, checks every reference
//!    (children in the 903 data, staff, teams, panels, challenges, cases, sessions) and
//!    says what each record does: new, a correction of a stored record, or unchanged;
//! 3. the caller stores the new and corrected records; [`record::build_tracker`] turns
//!    current records into the domain's [`ChildTracker`]s and [`Organisation`].
//!
//! [`write_tracker`] writes records back out as the same templates.
//!
//! [`ChildTracker`]: permanence_domain::tracker::ChildTracker
//! [`Organisation`]: permanence_domain::tracker::Organisation

pub mod check;
pub mod docs;
pub mod read;
pub mod record;
pub mod template;
pub mod write;

pub use check::{Change, check_files, check_paths, plan_import};
pub use read::{RawRecord, read_paths};
pub use record::{Tracker, TrackerRecord, build_tracker, tracker_records};
pub use template::{Kind, TEMPLATES, Template};
pub use write::{write_records, write_tracker};
