//! `<Calendars>`.

use std::io::{self, Write};

use mpp_core::Project;

use super::Xml;

pub fn write<W: Write>(_x: &mut Xml<W>, _p: &Project) -> io::Result<()> {
    Ok(())
}
