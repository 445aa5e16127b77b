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
mod tasks;

pub use blocks::{Block, Fields};
pub(crate) use notes::rtf_to_text;

use crate::container::{CompObj, Container, FileFormat};
use crate::error::{Error, PasswordKind, Result};
use crate::model::Project;
use crate::options::ReadOptions;

/// Reads a project from the bytes of an `.mpp` file.
pub fn read_bytes(data: &[u8], opts: &ReadOptions) -> Result<Project> {
    let size = data.len() as u64;
    if size > opts.max_input_bytes {
        return Err(Error::TooLarge {
            size,
            limit: opts.max_input_bytes,
        });
    }
    let mut c = Container::open(data, opts.max_input_bytes)?;
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
            mpp14::read(&mut c, &compobj, format, opts)?
        }
        FileFormat::Mpp8 => mpp8::read(&mut c, &compobj, opts)?,
    };
    // Files store few of the variances Project shows; derive the rest here,
    // the same way for every format.
    crate::worktime::fill_variances(&mut project);
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
