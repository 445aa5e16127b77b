//! Custom fields: definitions and aliases (`TBkndTask/Props` ...), value
//! lists (`TBkndOutlCode`), and the values stored on tasks, resources and
//! assignments.

use crate::container::Container;
use crate::error::Result;
use crate::model::{CustomValue, Project};

use super::blocks::Fields;
use super::mpp14::Ctx;

/// What entity readers need to decode custom values: value lists by id/GUID.
#[derive(Debug, Default)]
pub struct CustomData {}

/// Reads definitions and value lists into `project.custom_fields`.
pub fn read_definitions(
    _c: &mut Container<'_>,
    _ctx: &Ctx,
    _project: &mut Project,
) -> Result<CustomData> {
    Ok(CustomData::default())
}

impl CustomData {
    /// The custom values (every family but flags, which live in meta bits) of one record.
    pub fn values(&self, _ctx: &Ctx, _f: &Fields<'_>) -> Vec<CustomValue> {
        Vec::new()
    }
}
