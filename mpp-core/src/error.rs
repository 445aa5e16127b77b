//! Typed errors: every way a file can be refused.

use std::fmt;

/// Which password a protected file carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum PasswordKind {
    /// A password is needed to open the file at all; the content is encrypted.
    Read,
    /// Only saving is protected ("write reservation"); readers can still open it.
    WriteReservation,
}

impl fmt::Display for PasswordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PasswordKind::Read => "read",
            PasswordKind::WriteReservation => "write-reservation",
        })
    }
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("not a compound file (OLE2/CFB): {0}")]
    NotCompoundFile(String),
    #[error("not a Microsoft Project file: {0}")]
    NotProjectFile(String),
    #[error("the file is password protected ({0} password); remove the password in Microsoft Project and save again")]
    PasswordProtected(PasswordKind),
    #[error("unsupported Project file format: {0}")]
    UnsupportedVersion(String),
    #[error("corrupt file: stream {stream}: {detail}")]
    Corrupt { stream: String, detail: String },
    #[error("input too large: {size} bytes (limit {limit})")]
    TooLarge { size: u64, limit: u64 },
    /// A count in the file is over a [`crate::ReadOptions`] limit.
    #[error("too many {what}: {count} (limit {limit}, ReadOptions::{option})")]
    LimitExceeded {
        /// What was counted (`tasks`, `resources`, ...).
        what: &'static str,
        count: u64,
        limit: u64,
        /// The `ReadOptions` field that sets the limit.
        option: &'static str,
    },
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    pub(crate) fn corrupt(stream: impl Into<String>, detail: impl Into<String>) -> Self {
        Error::Corrupt {
            stream: stream.into(),
            detail: detail.into(),
        }
    }

    /// The entity-count limit check shared by all readers.
    pub(crate) fn check_entities(what: &'static str, count: usize, limit: usize) -> Result<()> {
        if count > limit {
            return Err(Error::LimitExceeded {
                what,
                count: count as u64,
                limit: limit as u64,
                option: "max_entities",
            });
        }
        Ok(())
    }

    /// A short stable code for bindings and services.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotCompoundFile(_) => "not_compound_file",
            Error::NotProjectFile(_) => "not_project_file",
            Error::PasswordProtected(_) => "password_protected",
            Error::UnsupportedVersion(_) => "unsupported_version",
            Error::Corrupt { .. } => "corrupt",
            Error::TooLarge { .. } => "too_large",
            Error::LimitExceeded { .. } => "limit_exceeded",
            Error::Io(_) => "io",
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
