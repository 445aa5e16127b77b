//! From raw blocks to the project model.
//!
//! MPP9, MPP12 and MPP14 share one block structure (`Props`, fixed and var
//! data, field maps); [`Format`] carries what differs between them so the
//! entity readers stay version-neutral. MPP8 has its own reader.

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
