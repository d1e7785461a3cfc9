//! Permanence's exports and the Annex A import.
//!
//! - [`format`]: Ofsted's Annex A Lists 8 to 10 as data (headings, types, whether a blank
//!   is allowed, the patterns councils' tools also match headings by, the coded labels),
//!   and the mapping of the 903's and the tracker's codes to those labels. Writing and
//!   reading both derive from it.
//! - [`annex_a`]: Lists 8 (children in care), 9 (care leavers) and 10 (children with an
//!   adoption decision) as at a date with Ofsted's six-month look-back, from the journeys
//!   and the tracker's records; a cover sheet says what each list holds, what the system
//!   cannot supply and why Lists 1-7 and 11 are absent.
//! - [`workbook`]: the lists as an Excel workbook (dates as date cells, `dd/mm/yyyy`) and
//!   as CSV files.
//! - [`annex_a_import`]: reads Lists 8-10 back from a council's own workbook, with every
//!   problem located by sheet, row and column, and turns allocated workers and permanence
//!   plans into tracker records checked by the tracker import's own code.
//! - [`deidentified`]: journeys, plans and alerts for regional pooling, each child id
//!   replaced by a keyed pseudonym (HMAC-SHA256), dates of birth reduced to month and
//!   year, postcodes to their district, names, staff and free text removed, with a
//!   manifest of what was removed.
//!
//! Nothing here decides who may export: the command line and the web application do.

pub mod annex_a;
pub mod annex_a_import;
pub mod deidentified;
pub mod format;
pub mod workbook;

pub use annex_a::{AnnexA, AnnexAOptions, build_annex_a};
pub use annex_a_import::{Bootstrap, read_workbook};
pub use deidentified::{DeidentifiedExport, KeyError, PseudonymKey, build_deidentified};
pub use format::{List, Value};

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The workbook could not be built.
    #[error("cannot write the workbook: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or folder.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A CSV file could not be written.
    #[error("cannot write {path}: {source}")]
    Csv {
        /// The file.
        path: String,
        /// What went wrong.
        source: csv::Error,
    },
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] permanence_store::StoreError),
}
