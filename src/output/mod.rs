//! What the office reads, in the forms it reads it — shared by the command
//! line and the web console, so that a page, a download and a command show
//! the same thing:
//!
//! - [`cells`]: what a spreadsheet must not misread (CSV formulas, XLSX's
//!   length limit), and its undoing on import;
//! - [`recorded`]: a pair's document number, note and recorder;
//! - [`rows`]: a pair as `status` JSON/CSV (and the API) gives it;
//! - [`xlsx`]: the status workbook, its sheets sized to their text by
//!   [`layout`] with [`fit`] (legible in LibreOffice as in Excel);
//! - [`sheet`]: an instance's fill-in sheet, which `import` reads back;
//! - [`ics`]: iCalendar files and feeds;
//! - [`proposal`]: a proposal from the mailbox.

pub mod cells;
pub mod fit;
pub mod ics;
pub mod layout;
pub mod proposal;
pub mod recorded;
pub mod rows;
pub mod sheet;
pub mod xlsx;

pub use recorded::Recorded;
pub use rows::{Row, rfc3339, row, write_csv};
