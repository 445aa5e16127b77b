//! `mpp-core` reads Microsoft Project `.mpp` files (MPP8/9/12/14) into a
//! typed [`Project`] model.
//!
//! ```no_run
//! let project = mpp_core::read_path("plan.mpp")?;
//! for task in &project.tasks {
//!     println!("{} {:?}", task.id, task.name);
//! }
//! # Ok::<(), mpp_core::Error>(())
//! ```
#![forbid(unsafe_code)]
// Input reaches every parser path: no indexing, unwrap, expect or explicit
// panic that could fire on a hostile file (tests may use them).
#![cfg_attr(
    not(test),
    deny(
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

pub mod bytes;
pub mod compound;
pub mod container;
pub mod error;
pub mod fields;
pub mod model;
pub mod options;
pub mod raw;
pub mod read;
pub mod worktime;

pub use container::FileFormat;
pub use error::{Error, PasswordKind, Result};
pub use model::*;
pub use options::ReadOptions;

use std::io::Read;
use std::path::Path;

/// Reads a project from the bytes of an `.mpp` file with default limits.
pub fn read_slice(data: &[u8]) -> Result<Project> {
    read::read_bytes(data, &ReadOptions::default())
}

/// Reads a project from the bytes of an `.mpp` file.
pub fn read_bytes(data: &[u8], opts: &ReadOptions) -> Result<Project> {
    read::read_bytes(data, opts)
}

/// Reads a project from any reader, refusing input over the size limit.
pub fn read_from(reader: impl Read, opts: &ReadOptions) -> Result<Project> {
    let mut data = Vec::new();
    let limit = opts.max_input_bytes;
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut data)?;
    if data.len() as u64 > limit {
        return Err(Error::TooLarge {
            size: data.len() as u64,
            limit,
        });
    }
    read::read_bytes(&data, opts)
}

/// Reads a project through a seekable reader (an open `File`) without loading
/// it whole: only the compound file's directory and the streams the decoders
/// need are read. Same checks and result as [`read_bytes`].
pub fn read_seek(reader: impl Read + std::io::Seek, opts: &ReadOptions) -> Result<Project> {
    read::read_seek(reader, opts)
}

/// Reads a project from a file path with default limits.
pub fn read_path(path: impl AsRef<Path>) -> Result<Project> {
    let opts = ReadOptions::default();
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > opts.max_input_bytes {
        return Err(Error::TooLarge {
            size: len,
            limit: opts.max_input_bytes,
        });
    }
    read_from(file, &opts)
}
