//! Resources (`TBkndRsc`).

use crate::container::Container;
use crate::error::Result;
use crate::model::Project;

use super::custom::CustomData;
use super::mpp14::Ctx;

pub fn read(
    _c: &mut Container<'_>,
    _ctx: &Ctx,
    _custom: &CustomData,
    _project: &mut Project,
) -> Result<()> {
    Ok(())
}
