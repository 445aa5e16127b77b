//! Custom fields: the project's `<OutlineCodes>` and `<ExtendedAttributes>`
//! definitions, and `<ExtendedAttribute>`/`<OutlineCode>` values on entities.

use std::io::{self, Write};

use mpp_core::{CustomValue, Project};

use super::Xml;

/// `<OutlineCodes>` (value lists), written before `<ExtendedAttributes>`.
pub fn write_outline_codes<W: Write>(_x: &mut Xml<W>, _p: &Project) -> io::Result<()> {
    Ok(())
}

/// `<ExtendedAttributes>`: one definition per custom field in use.
pub fn write_definitions<W: Write>(_x: &mut Xml<W>, _p: &Project) -> io::Result<()> {
    Ok(())
}

/// `<ExtendedAttribute>` elements of one task, resource or assignment.
pub fn write_values<W: Write>(_x: &mut Xml<W>, _p: &Project, _values: &[CustomValue]) -> io::Result<()> {
    Ok(())
}

/// `<OutlineCode>` elements of one task or resource (after its baselines).
pub fn write_outline_code_values<W: Write>(_x: &mut Xml<W>, _p: &Project, _values: &[CustomValue]) -> io::Result<()> {
    Ok(())
}
