//! MSPDI (Microsoft Project XML) for the `mpp-core` model: [`write`] it,
//! [`read`] it back, or [`read_any`] of `.mpp` and MSPDI alike.
//!
//! ```no_run
//! let project = mpp_core::read_path("plan.mpp")?;
//! let xml = mpp_xml::to_string(&project, &mpp_xml::WriteOptions::default());
//! let again = mpp_xml::read_bytes(xml.as_bytes(), &mpp_core::ReadOptions::default())?;
//! assert_eq!(again.tasks.len(), project.tasks.len());
//! // Either format, told apart by content:
//! let data = std::fs::read("plan.xml")?;
//! let project = mpp_xml::read_any(&data, &mpp_core::ReadOptions::default())?;
//! # Ok::<(), mpp_core::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod format;
mod read;
mod write;

pub use mpp_core;
pub use read::{read, read_any, read_bytes, sniff, InputKind};
pub use write::{write, WriteOptions};

/// Writes the project as an MSPDI document into a string.
pub fn to_string(project: &mpp_core::Project, opts: &WriteOptions) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write(project, &mut out, opts);
    String::from_utf8(out).unwrap_or_default()
}
