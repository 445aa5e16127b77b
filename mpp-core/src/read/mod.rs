//! From raw blocks to the project model.
//!
//! MPP9, MPP12 and MPP14 share one block structure (`Props`, fixed and var
//! data described by field maps); `mpp14::Ctx` carries what differs between
//! them so the entity readers (`tasks`, `resources`, ...) stay version-neutral.
//! MPP8 (Project 98) stores fixed-size records without field maps and has its
//! own reader in `mpp8/`, filling the same model.
//!
//! How the versions differ (everything not listed is shared):
//!
//! | topic | MPP8 | MPP9 | MPP12 | MPP14 |
//! |---|---|---|---|---|
//! | storages | `   1`, `   2` | `Props9`, `   19` | `Props12`, `   112` | `Props14`, `   114` |
//! | record layout | `FixFix` + `FixDeferFix` + ExtendedData | field maps, `FixedData` + `VarMeta9` | field maps, `Fixed2Data`, `VarMeta12` | as MPP12, layouts also change with the saving application (2010 vs 2013+) |
//! | var-data key | fixed offsets | byte 6 of the map entry | field index | field index (assignment Flag/Cost keys remapped) |
//! | obfuscated streams | - | project Props, most `FixedData`, task `FixedData` too | project Props, `FixedData` of resources, assignments, calendars, links | as MPP12 |
//! | read password | - | refused when the decoded password is set | refused when flagged | refused when flagged and encrypted |
//! | task start/finish/duration | record fields | fields 35/36/29 | fields 35/36/29 | 35/36/29 are the scheduled values; manual tasks use 1283/1284/1288 |
//! | task row order | raw ID | raw ID | `Fixed2Data` ordering key | `Fixed2Data` ordering key |
//! | blank rows | record flag | 8-byte items | 16-byte items | 16-byte items, i32 ids |
//! | baselines 1-10 | - | enterprise data block | field map | field map (1299.. for start/finish/duration) |
//! | flag bits | record bytes | meta bytes 8..13, u32@37 | as MPP9 | per-application tables |
//! | calendars | 36-byte records, 40-byte days | var key 3, days at offset 4, 64-byte exceptions | var key 8, 60-byte days, recurring exceptions, work weeks | as MPP12; 2013+ swaps the record columns |
//! | links | 36-byte records | lag units @14, lag @16 | as MPP9 | 2013+: lag @14, units @18 |
//! | custom field definitions | - | positional aliases, value lists in project Props | `TBknd*/Props` definition blocks, `TBkndOutlCode` | as MPP12 with 2010 vs 2013+ offsets |
//! | assignments | 204/238-byte records | 142-byte records | meta-driven records | 110-byte stride + `Fixed2Data` |
//! | timephased work (`timephased`) | not read | var blobs of the remaining/actual/irregular fields (keys from the field map) | as MPP9 (keys 49/50/87) | as MPP12 |
//! | inserted projects (`subprojects`) | - | u16 offsets, UID list walked to the path | 17-bit offsets, UID + marker pairs | as MPP12 with other markers |

mod assignments;
mod blocks;
mod calendars;
mod custom;
mod mpp14;
mod mpp8;
mod notes;
mod properties;
mod relations;
mod resources;
mod subprojects;
mod tasks;
mod timephased;

pub use blocks::{Block, Fields};

/// Single decoders on arbitrary bytes, for the fuzz targets in `fuzz/`.
/// Each returns a count so the work is not optimized away. Not a stable API.
#[doc(hidden)]
pub mod hooks {
    /// Calendar data blobs (week, exceptions, work weeks), MPP9 and MPP12+ layouts.
    pub fn calendar(data: &[u8]) -> usize {
        super::calendars::fuzz_decode(data) + super::mpp8::fuzz_calendar(data)
    }

    /// Custom-field definitions, indicators and MPP9 value lists.
    pub fn custom(data: &[u8]) -> usize {
        super::custom::fuzz_decode(data)
    }

    /// MPP8 `FixDeferFix` items and extended data.
    pub fn mpp8_store(data: &[u8]) -> usize {
        super::mpp8::fuzz_store(data)
    }

    /// Notes: RTF to plain text, from UTF-8 and from Windows-1252 bytes.
    pub fn notes(data: &[u8]) -> usize {
        let a = super::notes::rtf_to_text(&String::from_utf8_lossy(data));
        let b = super::notes::rtf_to_text(&crate::bytes::ansi_at(data, 0).unwrap_or_default());
        a.len() + b.len()
    }

    /// Assignment timephased-work blobs (remaining, actual, irregular).
    pub fn timephased(data: &[u8]) -> usize {
        super::timephased::fuzz_decode(data)
    }
    /// The task hyperlink blob.
    pub fn hyperlink(data: &[u8]) -> usize {
        super::tasks::hyperlink(data).map_or(0, |h| h.text.map_or(0, |t| t.len()))
    }

    /// The subproject table (project Props `024000A2`), in every layout.
    pub fn subprojects(data: &[u8]) -> usize {
        super::subprojects::fuzz_decode(data)
    }

    /// Resource blobs: cost rate tables, availability, MPP9 enterprise data.
    pub fn resource_blobs(data: &[u8]) -> usize {
        super::resources::cost_rate_table(0, data).len()
            + super::resources::availability_table(data).len()
            + super::resources::props_block(data).len()
    }
}
pub(crate) use notes::rtf_to_text;

use crate::container::{CompObj, Container, FileFormat};
use crate::error::{Error, PasswordKind, Result};
use crate::model::Project;
use crate::options::ReadOptions;

/// Characters of decoded strings allowed per input byte over a whole read.
const STRING_BUDGET_PER_BYTE: usize = 8;

/// Reads a project from the bytes of an `.mpp` file.
pub fn read_bytes(data: &[u8], opts: &ReadOptions) -> Result<Project> {
    let size = data.len() as u64;
    check_size(size, opts)?;
    let _strings = string_limit(size, opts);
    let mut c = Container::open(data, opts.max_input_bytes)?;
    read_container(&mut c, opts)
}

/// Reads a project through a seekable reader (a `File`): the same decoding
/// as [`read_bytes`], but only the container's directory and the streams the
/// decoders ask for are read, never the whole input.
pub fn read_seek(
    mut reader: impl std::io::Read + std::io::Seek,
    opts: &ReadOptions,
) -> Result<Project> {
    let size = reader.seek(std::io::SeekFrom::End(0))?;
    check_size(size, opts)?;
    let _strings = string_limit(size, opts);
    let mut c = Container::open_reader(reader, size, opts.max_input_bytes)?;
    read_container(&mut c, opts)
}

fn check_size(size: u64, opts: &ReadOptions) -> Result<()> {
    if size > opts.max_input_bytes {
        return Err(Error::TooLarge {
            size,
            limit: opts.max_input_bytes,
        });
    }
    Ok(())
}

/// All strings together: generous for real files (a few characters per
/// input byte), small enough that hostile ones decode in bounded time.
fn string_limit(size: u64, opts: &ReadOptions) -> crate::bytes::StringLimit {
    let budget = usize::try_from(size)
        .unwrap_or(usize::MAX)
        .saturating_mul(STRING_BUDGET_PER_BYTE)
        .max(1 << 24);
    crate::bytes::StringLimit::set(opts.max_string_chars, budget)
}

fn read_container(c: &mut Container<'_>, opts: &ReadOptions) -> Result<Project> {
    let compobj = c
        .stream("\u{1}CompObj")?
        .ok_or_else(|| Error::NotProjectFile("no CompObj stream".into()))?;
    let compobj = CompObj::parse(&compobj)
        .ok_or_else(|| Error::NotProjectFile("unreadable CompObj stream".into()))?;
    if !compobj.application_name.contains("Project") && !compobj.format.starts_with("MSProject") {
        return Err(Error::NotProjectFile(format!(
            "saved by {:?}",
            compobj.application_name
        )));
    }
    let format = compobj.file_format()?;
    let mut project = match format {
        FileFormat::Mpp14 | FileFormat::Mpp12 | FileFormat::Mpp9 => {
            mpp14::read(c, &compobj, format, opts)?
        }
        FileFormat::Mpp8 => mpp8::read(c, &compobj, opts)?,
    };
    // Files store few of the variances Project shows; derive the rest here,
    // the same way for every format.
    crate::worktime::fill_variances(&mut project);
    // The project summary task is outline number 0 (what Project exports);
    // files often store no outline number for it.
    if let Some(t) = project
        .tasks
        .iter_mut()
        .find(|t| t.uid == 0 && t.outline_level.unwrap_or(0) == 0)
    {
        t.outline_number.get_or_insert_with(|| "0".to_string());
    }
    project.properties.file_format = Some(format);
    project.properties.application = Some(compobj.application_name.clone());
    project.properties.application_version = compobj.application_version();
    Ok(project)
}

/// The password flags in the root header props and the obfuscation mask they imply.
pub(crate) fn password_state(header: &crate::raw::props::Props) -> (u8, u8) {
    const PASSWORD_FLAG: u32 = 0x3540_0000;
    const ENCRYPTION_CODE: u32 = 0x3540_0007;
    let flag = header.byte(PASSWORD_FLAG).unwrap_or(0);
    let code = header.byte(ENCRYPTION_CODE).unwrap_or(0);
    let mask = if flag != 0 && code != 0 {
        0xFF - code
    } else {
        0
    };
    (flag, mask)
}

pub(crate) fn refuse_read_password() -> Error {
    Error::PasswordProtected(PasswordKind::Read)
}
