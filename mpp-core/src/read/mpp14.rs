//! The reader for the block-structured formats (MPP9, MPP12, MPP14): loads
//! the shared streams and runs the entity readers in dependency order.

use crate::container::{CompObj, Container, FileFormat};
use crate::error::{Error, Result};
use crate::fields;
use crate::model::{DateTime, Project, TimeUnit};
use crate::options::ReadOptions;
use crate::raw::field_map::{FieldMap, VarKeyRule};
use crate::raw::fixed::unmask;
use crate::raw::props::Props;
use crate::raw::var::VarMetaKind;

use super::{assignments, calendars, custom, properties, relations, resources, tasks};

/// Everything the entity readers need to know about the file at hand.
pub struct Ctx {
    pub format: FileFormat,
    /// Saving application's major version (14 = 2010, 15 = 2013, 16 = 2016+).
    pub app_version: u32,
    /// The project storage (`   114`, `   112`, `   19`).
    pub dir: &'static str,
    pub props: Props,
    /// XOR mask of obfuscated streams (0 = none).
    pub mask: u8,
    pub var_kind: VarMetaKind,
    pub key_rule: VarKeyRule,
    pub default_units: TimeUnit,
    /// The day rates and availability are evaluated at (see [`ReadOptions::as_of`]).
    pub as_of: DateTime,
    /// [`ReadOptions::max_entities`].
    pub max_entities: usize,
}

impl Ctx {
    /// Refuses an entity table with more records than the options allow.
    pub fn check_entities(&self, what: &'static str, count: usize) -> Result<()> {
        Error::check_entities(what, count, self.max_entities)
    }

    /// Project 2013 and later changed several record layouts.
    pub fn is_2013_plus(&self) -> bool {
        self.format == FileFormat::Mpp14 && self.app_version > 14
    }

    /// The field map of an entity class (keys `0x0002001x`, else `0x0300001x`).
    pub fn field_map(&self, entity: u32) -> FieldMap {
        let data = self
            .props
            .get(0x0002_0000 | entity)
            .or_else(|| self.props.get(0x0300_0000 | entity))
            .unwrap_or_default();
        let mpp14 = self.format == FileFormat::Mpp14;
        FieldMap::parse(data, self.key_rule, |field| {
            if !mpp14 || field & 0xFFFF_0000 != fields::ASSIGNMENT {
                return None;
            }
            // MPP14 keeps assignment Flag1..20 and Cost1..10 under keys of their own.
            // (Only those two families are searched: this runs for every var field.)
            let index = field & 0xFFFF;
            fields::custom_families(fields::ASSIGNMENT)
                .iter()
                .filter(|f| matches!(f.kind, fields::CustomKind::Flag | fields::CustomKind::Cost))
                .find_map(|fam| {
                    let n =
                        u16::try_from(fam.indexes.iter().position(|&i| i == index)? + 1).ok()?;
                    match fam.kind {
                        fields::CustomKind::Flag => Some(16393 + n),
                        _ => Some(16413 + n),
                    }
                })
        })
    }
}

pub const TASK_MAP: u32 = 0x14;
pub const RESOURCE_MAP: u32 = 0x15;
pub const ASSIGNMENT_MAP: u32 = 0x17;

pub fn read(
    c: &mut Container<'_>,
    compobj: &CompObj,
    format: FileFormat,
    opts: &ReadOptions,
) -> Result<Project> {
    let (header_name, dir, var_kind, key_rule) = match format {
        FileFormat::Mpp14 => (
            "Props14",
            "   114",
            VarMetaKind::V12,
            VarKeyRule::FieldIndex,
        ),
        FileFormat::Mpp12 => (
            "Props12",
            "   112",
            VarMetaKind::V12,
            VarKeyRule::FieldIndex,
        ),
        _ => ("Props9", "   19", VarMetaKind::V9, VarKeyRule::EntryByte),
    };
    let header = Props::parse(&c.stream_or_empty(header_name)?);
    let (flag, mask) = super::password_state(&header);
    if flag & 1 != 0 {
        let encrypted = match format {
            FileFormat::Mpp14 => header.contains(0x3540_0004),
            FileFormat::Mpp12 => true,
            _ => mpp9_password_set(&header, mask),
        };
        if encrypted {
            return Err(super::refuse_read_password());
        }
    }
    let mut raw = c
        .stream(&format!("{dir}/Props"))?
        .ok_or_else(|| Error::corrupt(format!("{dir}/Props"), "missing project properties"))?;
    unmask(&mut raw, mask);
    let props = Props::parse(&raw);
    let mut properties = properties::from_props(&props);
    properties::apply_summary(c, &mut properties)?;
    let ctx = Ctx {
        format,
        app_version: compobj.application_version().unwrap_or(14),
        dir,
        props,
        mask,
        var_kind,
        key_rule,
        default_units: properties.default_duration_units.unwrap_or(TimeUnit::Days),
        as_of: as_of(opts, &properties),
        max_entities: opts.max_entities,
    };
    let mut project = Project {
        properties,
        ..Project::default()
    };
    // Order matters: value lists before entities, calendars before the
    // resources that own them, tasks before the links and assignments.
    let custom = custom::read_definitions(c, &ctx, &mut project)?;
    calendars::read(c, &ctx, &mut project)?;
    resources::read(c, &ctx, &custom, &mut project)?;
    calendars::post_process(&mut project);
    tasks::read(c, &ctx, &custom, &mut project)?;
    relations::read(c, &ctx, &mut project)?;
    assignments::read(c, &ctx, &custom, &mut project)?;
    Ok(project)
}

/// MPP9 obfuscates the read password; an empty one means "not protected".
fn mpp9_password_set(header: &Props, mask: u8) -> bool {
    let Some(hash) = header.get(0x3540_0004) else {
        return false;
    };
    let first = [
        60usize, 30, 48, 2, 6, 14, 8, 22, 44, 12, 38, 10, 62, 16, 34, 24,
    ];
    first
        .first()
        .and_then(|&i| hash.get(i))
        .is_some_and(|&b| (b ^ mask) != 0)
}

/// The evaluation day for "in effect today" values: never the clock.
pub fn as_of(opts: &ReadOptions, p: &crate::model::Properties) -> DateTime {
    opts.as_of
        .or(p.status_date)
        .or(p.last_saved)
        .or(p.creation_date)
        .or(p.start_date)
        .unwrap_or_else(|| DateTime::from_mpp(0, 0))
}
