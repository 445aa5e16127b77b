//! MSPDI (Microsoft Project XML) for the `mpp-core` model.
//!
//! ```no_run
//! let project = mpp_core::read_path("plan.mpp")?;
//! let xml = mpp_xml::to_string(&project, &mpp_xml::WriteOptions::default());
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
