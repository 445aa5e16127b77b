//! Limits applied while reading, so hostile files end in an error instead of
//! exhausting memory or time.

/// Options for [`crate::read_bytes`] and friends.
///
/// Every limit is checked before the memory it guards is allocated:
/// * `max_input_bytes`: the whole input (`Error::TooLarge`), and each
///   compound-file stream, whose declared size is also checked against the
///   file size before it is read (`Error::Corrupt` when larger).
/// * `max_entities`: the record count of each entity table (tasks,
///   resources, assignments, calendars, relations, value-list items), taken
///   from the table's index before any record is decoded
///   (`Error::LimitExceeded`). Per-record lists (periods, exceptions, rate
///   entries) are bounded by the bytes present and by their 16-bit counts.
/// * `max_string_chars`: every string decoded from the file (UTF-16 code
///   units or 8-bit characters) is cut at this length while it is decoded.
///   All strings of one read together are also capped at 8 characters per
///   input byte (at least 16 Mi), so records that all point at one long
///   unterminated run cannot make decoding quadratic; past that, strings
///   come out empty.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Largest input accepted, in bytes (default 50 MB, the service's upload limit).
    pub max_input_bytes: u64,
    /// Largest number of entities of one kind (tasks, resources, ...):
    /// more is an error, not a silent cut.
    pub max_entities: usize,
    /// Longest string kept, in characters; longer ones are cut.
    pub max_string_chars: usize,
    /// The day whose resource rates and availability are reported, as
    /// Project shows those "in effect today". `None` = the project's status
    /// date, else the date it was last saved, so output never depends on the clock.
    pub as_of: Option<crate::model::DateTime>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_input_bytes: 50 * 1024 * 1024,
            max_entities: 1_000_000,
            max_string_chars: 1 << 20,
            as_of: None,
        }
    }
}
