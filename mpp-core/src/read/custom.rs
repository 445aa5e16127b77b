//! Custom fields: definitions and aliases (`TBkndTask/Props` ...), value
//! lists (`TBkndOutlCode`), and the values stored on tasks, resources and
//! assignments.
//!
//! Values follow MPXJ's reading so the MSPDI output matches its references:
//! a value chosen from a value list is stored as a reference (`0x0701` or
//! `0x0401`, then the item's uid and GUID) and resolved here; outline codes
//! keep their text in `TBkndOutlCode` or in the value list, with the parent
//! values joined in front by `.`.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};

use crate::bytes::{f64_at, guid_at, i32_at, slice, u16_at, u32_at, utf16_at};
use crate::container::{Container, FileFormat};
use crate::error::Result;
use crate::fields::{self, CustomKind};
use crate::model::{
    CustomFieldDef, CustomValue, DateTime, Duration, FieldValue, Guid, LookupValue, Project,
    TimeFactors, TimeUnit,
};
use crate::raw::field_map::Location;
use crate::raw::fixed::unmask;
use crate::raw::props::Props;
use crate::raw::var::VarData;

use super::blocks::{Block, BlockSpec, Fields};
use super::mpp14::Ctx;

/// Key of the custom field block in the entity `Props` streams.
const CUSTOM_FIELDS_KEY: u32 = 0x0440_0001;
/// Key of the list of enterprise custom field ids in the project `Props`.
const ENTERPRISE_MAP_KEY: u32 = 0x0240_13C5;
/// Key of the graphical-indicator column settings in the project `Props`
/// (MPP9 keeps its value lists under the same key).
const FIELD_ATTRIBUTES_KEY: u32 = 0x0240_1390;
/// MPP9 alias lists in the project `Props`: task, resource.
const TASK_ALIASES_KEY: u32 = 0x0010_0001;
const RESOURCE_ALIASES_KEY: u32 = 0x0010_0002;

/// Var key of a value-list item's value / description in `TBkndOutlCode`.
const ITEM_VALUE: u16 = 22;
const ITEM_DESCRIPTION: u16 = 8;

/// Value-list value type codes (MSPDI `OutlineCode/Values/Value/Type`).
pub const TYPE_DATE: u16 = 4;
pub const TYPE_DURATION: u16 = 6;
pub const TYPE_COST: u16 = 9;
pub const TYPE_NUMBER: u16 = 15;
pub const TYPE_FLAG: u16 = 17;
pub const TYPE_TEXT: u16 = 21;
pub const TYPE_FINISH: u16 = 27;

/// The decoded value of a value-list item.
#[derive(Debug, Clone, PartialEq)]
enum ItemValue {
    Text(String),
    Number(f64),
    /// Currency units.
    Cost(f64),
    Date(Option<DateTime>),
    Duration(Option<Duration>),
    Flag(bool),
}

/// One value-list item of `TBkndOutlCode`.
#[derive(Debug, Clone, PartialEq)]
struct Item {
    uid: i32,
    guid: Option<Guid>,
    parent: i32,
    value: ItemValue,
}

/// What entity readers need to decode custom values: value lists by id/GUID.
#[derive(Debug)]
pub struct CustomData {
    items: HashMap<i32, Item>,
    by_guid: HashMap<Guid, i32>,
    /// `TBkndOutlCode` var data: texts of outline codes typed without a list.
    outline: VarData,
    /// Var key of an outline code's text in `outline`.
    outline_key: u16,
    /// User-defined enterprise fields read from var data (key = index), with
    /// their kind when a definition gave one.
    user_fields: Vec<(u32, Option<CustomKind>)>,
    factors: TimeFactors,
    default_units: TimeUnit,
    format: Option<FileFormat>,
    /// Per class (task, resource, assignment): which custom fields to probe,
    /// built on the first record from that class's field map.
    plans: [OnceCell<Plan>; 3],
}

/// One custom field to decode: its family, position in the family, index.
#[derive(Debug, Clone, Copy)]
struct Probe {
    fam: &'static fields::CustomFamily,
    pos: usize,
    index: u32,
}

/// The custom fields a file maps for one class. A record has a few var items
/// out of hundreds of custom fields, so var-located fields are matched against
/// the record's keys instead of being looked up one by one.
#[derive(Debug, Default)]
struct Plan {
    /// Fixed-located fields, and outline codes (decoded from another field).
    always: Vec<Probe>,
    /// Var-located fields by key, ascending: absent keys decode to nothing.
    by_key: Vec<(u16, Probe)>,
}

impl Plan {
    fn new(f: &Fields<'_>) -> Plan {
        let mut plan = Plan::default();
        let families = fields::custom_families(f.class)
            .iter()
            .chain(fields::enterprise_families(f.class));
        for fam in families.filter(|fam| fam.kind != CustomKind::Flag) {
            for (pos, &index) in fam.indexes.iter().enumerate() {
                let probe = Probe { fam, pos, index };
                match f.map.get(f.class | index) {
                    _ if fam.kind == CustomKind::OutlineCode => plan.always.push(probe),
                    Some(Location::Fixed { .. }) => plan.always.push(probe),
                    Some(Location::Var { key }) => plan.by_key.push((key, probe)),
                    Some(Location::MetaBit) | None => {}
                }
            }
        }
        plan.by_key.sort_by_key(|&(key, _)| key);
        plan
    }
}

impl Default for CustomData {
    fn default() -> Self {
        CustomData {
            items: HashMap::new(),
            by_guid: HashMap::new(),
            outline: VarData::default(),
            outline_key: ITEM_VALUE,
            user_fields: Vec::new(),
            factors: TimeFactors::default(),
            default_units: TimeUnit::Days,
            format: None,
            plans: Default::default(),
        }
    }
}

/// Reads definitions and value lists into `project.custom_fields`.
pub fn read_definitions(
    c: &mut Container<'_>,
    ctx: &Ctx,
    project: &mut Project,
) -> Result<CustomData> {
    let mut data = CustomData {
        factors: project.properties.factors,
        default_units: ctx.default_units,
        format: Some(ctx.format),
        outline_key: if ctx.format == FileFormat::Mpp9 {
            1
        } else {
            ITEM_VALUE
        },
        ..CustomData::default()
    };
    let mut defs = Defs::default();
    let mut lookup_tables: HashMap<Guid, u32> = HashMap::new();
    let mut user_types: BTreeMap<u32, Option<u16>> = BTreeMap::new();

    if ctx.format == FileFormat::Mpp9 {
        read_mpp9_aliases(&ctx.props, &mut defs);
        data.read_mpp9_lists(c, ctx, &mut defs)?;
    } else {
        // MPP12 has no assignment definitions; the assignment Props is never masked.
        let storages: &[(&str, bool)] = match ctx.format {
            FileFormat::Mpp14 => &[
                ("TBkndTask", true),
                ("TBkndRsc", true),
                ("TBkndAssn", false),
            ],
            _ => &[("TBkndTask", true), ("TBkndRsc", true)],
        };
        for &(storage, masked) in storages {
            let mut raw = c.stream_or_empty(&format!("{}/{storage}/Props", ctx.dir))?;
            if masked {
                unmask(&mut raw, ctx.mask);
            }
            let props = Props::parse(&raw);
            let Some(block) = props.get(CUSTOM_FIELDS_KEY) else {
                continue;
            };
            let parsed = if ctx.format == FileFormat::Mpp14 {
                parse_definitions14(block)
            } else {
                parse_definitions12(block)
            };
            for (field, alias) in parsed.aliases {
                defs.entry(field).alias = Some(alias);
            }
            for d in parsed.definitions {
                if d.field & fields::USER_DEFINED != 0 && is_entity_field(d.field) {
                    user_types.entry(d.field).or_insert(Some(d.cf_type));
                }
                // Only task and resource definitions link value lists (as MPXJ reads them).
                if let (Some(g), "TBkndTask" | "TBkndRsc") = (d.lookup, storage) {
                    lookup_tables.insert(g, d.field);
                }
            }
        }
        data.read_value_lists(c, ctx, &lookup_tables, &mut defs)?;
    }

    // Enterprise custom fields: every user-defined id listed is read from var data.
    if let Some(list) = ctx.props.get(ENTERPRISE_MAP_KEY) {
        let mut off = 4usize;
        while let Some(id) = u32_at(list, off) {
            if id & fields::USER_DEFINED != 0 && is_entity_field(id) {
                user_types.entry(id).or_insert(None);
            }
            off += 4;
        }
    }
    for (&field, &cf_type) in &user_types {
        let def = defs.entry(field);
        def.enterprise = true;
        def.cf_type = cf_type.and_then(cf_type_code);
        data.user_fields
            .push((field, cf_type.and_then(cf_type_kind)));
    }

    // Fields showing graphical indicators keep a definition (MPP9 reads the
    // same block as value lists, which already define those fields).
    for field in indicator_fields(ctx.props.get(FIELD_ATTRIBUTES_KEY).unwrap_or_default()) {
        if fields::custom_field_name(field).is_some() {
            defs.entry(field);
        }
    }

    project.custom_fields = defs.0.into_values().collect();
    Ok(data)
}

/// Field definitions being collected, by field id.
#[derive(Default)]
struct Defs(BTreeMap<u32, CustomFieldDef>);

impl Defs {
    fn entry(&mut self, field: u32) -> &mut CustomFieldDef {
        self.0.entry(field).or_insert_with(|| CustomFieldDef {
            field_id: field,
            ..CustomFieldDef::default()
        })
    }
}

fn is_entity_field(field: u32) -> bool {
    matches!(
        field & 0xFFFF_0000,
        fields::TASK | fields::RESOURCE | fields::ASSIGNMENT
    )
}

/// MSPDI `CFType` of a stored definition type (start and finish print as date).
fn cf_type_code(t: u16) -> Option<u16> {
    match t {
        0 | 1 | 2 | 4 | 5 | 7 => Some(t),
        3 | 6 => Some(1),
        _ => None,
    }
}

fn cf_type_kind(t: u16) -> Option<CustomKind> {
    Some(match t {
        0 => CustomKind::Cost,
        1 | 3 | 6 => CustomKind::Date,
        2 => CustomKind::Duration,
        4 => CustomKind::Flag,
        5 => CustomKind::Number,
        7 => CustomKind::Text,
        _ => return None,
    })
}

/// One 88-byte (MPP14) or variable (MPP12) field definition.
#[derive(Debug, Clone, PartialEq)]
struct Definition {
    field: u32,
    /// 0 cost, 1 date, 2 duration, 3 finish, 4 flag, 5 number, 6 start, 7 text.
    cf_type: u16,
    lookup: Option<Guid>,
}

#[derive(Debug, Default, PartialEq)]
struct Parsed {
    aliases: Vec<(u32, String)>,
    definitions: Vec<Definition>,
}

/// Longest alias read, in bytes (Project's aliases are short field titles).
const MAX_ALIAS_BYTES: usize = 2048;

/// The alias block (`u32 size` twice, `u32 count`, count x {field, text
/// offset - 4}); returns the aliases and the offset just past the block.
fn parse_aliases(data: &[u8]) -> (Vec<(u32, String)>, Option<usize>) {
    let mut aliases = Vec::new();
    let Some(size) = u32_at(data, 0).and_then(|s| usize::try_from(s).ok()) else {
        return (aliases, None);
    };
    let count = u32_at(data, 8).unwrap_or(0);
    let mut off = 12usize;
    for _ in 0..count {
        if off >= size {
            break;
        }
        let (Some(field), Some(p)) = (u32_at(data, off), u32_at(data, off + 4)) else {
            break;
        };
        // Capped: thousands of entries pointing into one long unterminated
        // run would otherwise make a hostile block quadratic.
        let text = usize::try_from(p)
            .ok()
            .and_then(|p| p.checked_add(4))
            .and_then(|p| data.get(p..))
            .map(|s| s.get(..MAX_ALIAS_BYTES).unwrap_or(s))
            .and_then(|s| utf16_at(s, 0))
            .unwrap_or_default();
        if !text.is_empty() {
            aliases.push((field, text));
        }
        off += 8;
    }
    (aliases, size.checked_add(4))
}

/// Skips the two size-prefixed blocks that follow the aliases.
fn skip_unknown_blocks(data: &[u8], mut off: usize) -> Option<usize> {
    for _ in 0..2 {
        let size = usize::try_from(u32_at(data, off)?).ok()?;
        off = off.checked_add(4)?.checked_add(size)?;
    }
    (off <= data.len()).then_some(off)
}

/// MPP14 `0x04400001`: aliases, two unknown blocks, then `u32 count`,
/// `u32 size` and count 88-byte definitions.
fn parse_definitions14(data: &[u8]) -> Parsed {
    let (aliases, end) = parse_aliases(data);
    let mut definitions = Vec::new();
    if let Some(mut off) = end.and_then(|e| skip_unknown_blocks(data, e)) {
        let count = u32_at(data, off).unwrap_or(0);
        off += 8;
        for _ in 0..count {
            let Some(rec) = slice(data, off, 88) else {
                break;
            };
            if let (Some(field), Some(cf_type)) = (u32_at(rec, 0), u16_at(rec, 12)) {
                definitions.push(Definition {
                    field,
                    cf_type,
                    lookup: guid_at(rec, 36),
                });
            }
            off += 88;
        }
    }
    Parsed {
        aliases,
        definitions,
    }
}

/// MPP12 `0x04400001`: after the unknown blocks a size (twice), `u32 n`,
/// n 8-byte entries, then n blocks led by their `u32` size: field id at 4,
/// type at 12, lookup-table GUID at 160 (blocks of 176 bytes or more).
fn parse_definitions12(data: &[u8]) -> Parsed {
    let (aliases, end) = parse_aliases(data);
    let mut definitions = Vec::new();
    if let Some(off) = end.and_then(|e| skip_unknown_blocks(data, e)) {
        let mut off = off + 8;
        let n = u32_at(data, off).unwrap_or(0);
        off = usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_mul(8))
            .and_then(|s| s.checked_add(off + 4))
            .unwrap_or(usize::MAX);
        for _ in 0..n {
            let Some(size) = u16_at(data, off).map(usize::from) else {
                break;
            };
            let Some(block) = slice(data, off, size) else {
                break;
            };
            if size < 14 {
                break;
            }
            if let (Some(field), Some(cf_type)) = (u32_at(block, 4), u16_at(block, 12)) {
                let lookup = if size >= 176 {
                    guid_at(block, 160)
                } else {
                    None
                };
                definitions.push(Definition {
                    field,
                    cf_type,
                    lookup,
                });
            }
            off += size;
        }
    }
    Parsed {
        aliases,
        definitions,
    }
}

/// Fields whose graphical indicators are switched on (MPXJ then keeps a
/// definition for them): `u32` at 4 = column count, then {field, offset}
/// pairs from 8; the settings byte at the offset has bit 0x02 set.
fn indicator_fields(data: &[u8]) -> Vec<u32> {
    let mut out = Vec::new();
    let count = u32_at(data, 4).unwrap_or(0);
    let mut off = 8usize;
    for _ in 0..count {
        let (Some(field), Some(at)) = (u32_at(data, off), u32_at(data, off + 4)) else {
            break;
        };
        let flags = usize::try_from(at)
            .ok()
            .and_then(|a| data.get(a))
            .copied()
            .unwrap_or(0);
        if flags & 0x02 != 0 {
            out.push(field);
        }
        off += 8;
    }
    out
}

/// Offsets in a `TBkndOutlCode` item: parent (FixedData), type and table GUID (Fixed2Data).
fn item_offsets(ctx: &Ctx) -> (usize, usize, usize) {
    match ctx.format {
        FileFormat::Mpp14 if ctx.is_2013_plus() => (10, 16, 18),
        FileFormat::Mpp14 => (8, 32, 16),
        _ => (8, 48, 32),
    }
}

impl CustomData {
    /// Loads the value-list items of `TBkndOutlCode` and attaches each to the
    /// field whose definition names its table.
    fn read_value_lists(
        &mut self,
        c: &mut Container<'_>,
        ctx: &Ctx,
        tables: &HashMap<Guid, u32>,
        defs: &mut Defs,
    ) -> Result<()> {
        let dir = format!("{}/TBkndOutlCode", ctx.dir);
        let block = Block::read(
            c,
            &BlockSpec {
                dir: &dir,
                meta_size: 10,
                meta2_sizes: &[10],
                max_item: None,
                max_item2: None,
                mask: 0,
                var_kind: ctx.var_kind,
            },
        )?;
        ctx.check_entities("value-list items", block.meta.len())?;
        let (parent_off, type_off, table_off) = item_offsets(ctx);
        for i in 0..block.data.len() {
            let Some(fixed) = block.data.item(i) else {
                continue;
            };
            let Some(uid) = u16_at(fixed, 4).map(i32::from) else {
                continue;
            };
            let Some(raw) = block.var.get(uid, ITEM_VALUE) else {
                continue;
            };
            let fixed2 = block.data2.item(i).unwrap_or_default();
            let kind = u16_at(fixed2, type_off).unwrap_or(0);
            let item = Item {
                uid,
                guid: guid_at(fixed2, 0),
                parent: u16_at(fixed, parent_off).map_or(0, i32::from),
                value: decode_item(raw, kind, &self.factors, self.default_units),
            };
            let lookup = LookupValue {
                id: uid,
                guid: item.guid,
                parent_id: Some(item.parent),
                kind: output_type(kind),
                value: item_text(&item.value, &self.factors),
                description: block.var.string(uid, ITEM_DESCRIPTION),
            };
            if let Some(g) = item.guid {
                self.by_guid.insert(g, uid);
            }
            self.items.insert(uid, item);
            let Some(&field) = guid_at(fixed2, table_off)
                .as_ref()
                .and_then(|g| tables.get(g))
            else {
                continue;
            };
            let def = defs.entry(field);
            def.lookup_guid = guid_at(fixed2, table_off);
            match def.values.iter_mut().find(|v| v.id == uid) {
                Some(existing) => *existing = lookup,
                None => def.values.push(lookup),
            }
        }
        self.outline = block.var;
        Ok(())
    }

    /// The custom values (every family but flags, which live in meta bits) of one record.
    pub fn values(&self, _ctx: &Ctx, f: &Fields<'_>) -> Vec<CustomValue> {
        let mut out = Vec::new();
        let slot = match f.class {
            fields::TASK => self.plans.first(),
            fields::RESOURCE => self.plans.get(1),
            fields::ASSIGNMENT => self.plans.get(2),
            _ => None,
        };
        if let Some(plan) = slot.map(|s| s.get_or_init(|| Plan::new(f))) {
            for probe in &plan.always {
                self.probe(f, probe, &mut out);
            }
            // Both sides ascend by key: one merge pass.
            let mut probes = plan.by_key.as_slice();
            for key in f.var.keys(f.uid) {
                while let Some(((k, _), rest)) = probes.split_first() {
                    if *k >= key {
                        break;
                    }
                    probes = rest;
                }
                for (_, probe) in probes.iter().take_while(|(k, _)| *k == key) {
                    self.probe(f, probe, &mut out);
                }
            }
        }
        if self.format == Some(FileFormat::Mpp9) {
            let index = match f.class {
                fields::TASK => Some(fields::task::ENTERPRISE_DATA),
                fields::RESOURCE => Some(fields::resource::ENTERPRISE_DATA),
                _ => None,
            };
            if let Some(raw) = index.and_then(|i| f.raw(i)) {
                for (field, value) in props_block(raw) {
                    push_value(&mut out, field, self.enterprise_value(field, value));
                }
            }
        }
        for &(field, kind) in &self.user_fields {
            if field & 0xFFFF_0000 != f.class {
                continue;
            }
            let Some(kind) = kind else { continue };
            let Some(raw) = u16::try_from(field & 0xFFFF)
                .ok()
                .and_then(|k| f.var.get(f.uid, k))
            else {
                continue;
            };
            let value = match kind {
                CustomKind::Duration => self.duration(raw, TimeUnit::Hours),
                CustomKind::Cost => f64_at(raw, 0).map(|v| (FieldValue::Cost(cents(v)), None)),
                CustomKind::Flag => u16_at(raw, 0).map(|v| (FieldValue::Flag(v != 0), None)),
                kind => self.plain(raw, kind),
            };
            push_value(&mut out, field, value);
        }
        out
    }

    /// Decodes one custom field of a record into `out` when it holds a value.
    fn probe(&self, f: &Fields<'_>, p: &Probe, out: &mut Vec<CustomValue>) {
        let value = match p.fam.kind {
            CustomKind::OutlineCode => self.outline_code(f, p.index + 1),
            CustomKind::Duration => {
                let units = self.duration_units(f, p.fam.units.get(p.pos).copied());
                f.raw(p.index).and_then(|raw| self.duration(raw, units))
            }
            CustomKind::Cost => f.cost(p.index).map(|v| (FieldValue::Cost(v), None)),
            kind => f.raw(p.index).and_then(|raw| self.plain(raw, kind)),
        };
        push_value(out, f.class | p.index, value);
    }

    /// A custom value of MPP9's enterprise data block, typed by its field.
    fn enterprise_value(&self, field: u32, raw: &[u8]) -> Option<(FieldValue, Option<&Item>)> {
        let (fam, _) = fields::any_custom_field(field)?;
        let value = match fam.kind {
            CustomKind::Cost => FieldValue::Cost(f64_at(raw, 0)? / 100.0),
            CustomKind::Number => FieldValue::Number(f64_at(raw, 0)?),
            CustomKind::Text => FieldValue::Text(utf16_at(raw, 0)?),
            CustomKind::Date | CustomKind::Start | CustomKind::Finish => {
                FieldValue::Date(DateTime::from_timestamp(raw, 0)?)
            }
            CustomKind::Duration => {
                let units =
                    u16_at(raw, 4).map_or(TimeUnit::Days, |c| unit_from_code(c, TimeUnit::Days));
                let v = i32_at(raw, 0)?;
                FieldValue::Duration(Duration::from_tenths(f64::from(v), units, &self.factors))
            }
            // Flags are bits of their own; outline codes are not kept here.
            CustomKind::Flag | CustomKind::OutlineCode => return None,
        };
        Some((value, None))
    }

    /// Units of a custom duration: its units field, read as MPXJ does (a
    /// missing var value is code 0 = days; no units field at all = hours).
    fn duration_units(&self, f: &Fields<'_>, units_index: Option<u32>) -> TimeUnit {
        let Some(u) = units_index else {
            return TimeUnit::Hours;
        };
        match f.map.get(f.class | u) {
            None | Some(Location::MetaBit) => TimeUnit::Hours,
            Some(Location::Var { .. }) => unit_from_code(f.u16(u).unwrap_or(0), self.default_units),
            Some(Location::Fixed { .. }) => f
                .u16(u)
                .map_or(TimeUnit::Hours, |c| unit_from_code(c, self.default_units)),
        }
    }

    /// A custom duration: i32 tenths of a minute (-1 = none); a 512-byte item
    /// holds the value as text instead.
    fn duration(&self, raw: &[u8], units: TimeUnit) -> Option<(FieldValue, Option<&Item>)> {
        if raw.len() == 512 {
            return utf16_at(raw, 0).map(|s| (FieldValue::Text(s), None));
        }
        let v = i32_at(raw, 0).filter(|&v| v != -1)?;
        let d = Duration::from_tenths(f64::from(v), units, &self.factors);
        Some((FieldValue::Duration(d), None))
    }

    /// Text, date and number values, which may come from a value list.
    fn plain(&self, raw: &[u8], kind: CustomKind) -> Option<(FieldValue, Option<&Item>)> {
        let prefix = u16_at(raw, 0).unwrap_or(0);
        if prefix == 0x0701 || prefix == 0x0401 {
            if raw.len() == 4 {
                // A bare date after the prefix (MPXJ is unsure of this form).
                let is_date = matches!(
                    kind,
                    CustomKind::Date | CustomKind::Start | CustomKind::Finish
                );
                let d = DateTime::from_date(raw, 2).filter(|_| is_date)?;
                return Some((FieldValue::Date(d), None));
            }
            let item = self.item_ref(raw)?;
            let value = match (&item.value, kind) {
                (ItemValue::Text(s), CustomKind::Text) => FieldValue::Text(s.clone()),
                (ItemValue::Number(v) | ItemValue::Cost(v), CustomKind::Number) => {
                    FieldValue::Number(*v)
                }
                (
                    ItemValue::Date(Some(d)),
                    CustomKind::Date | CustomKind::Start | CustomKind::Finish,
                ) => FieldValue::Date(*d),
                _ => return None,
            };
            return Some((value, Some(item)));
        }
        let value = match kind {
            CustomKind::Text => FieldValue::Text(utf16_at(raw, 0)?),
            CustomKind::Number => FieldValue::Number(f64_at(raw, 0)?),
            CustomKind::Date | CustomKind::Start | CustomKind::Finish => {
                if raw.len() == 512 {
                    return None;
                }
                FieldValue::Date(DateTime::from_timestamp(raw, 0)?)
            }
            _ => return None,
        };
        Some((value, None))
    }

    /// The item a value-list reference names: `i32@2` uid (-1 = none), GUID at 6.
    fn item_ref(&self, raw: &[u8]) -> Option<&Item> {
        let uid = i32_at(raw, 2)?;
        let by_guid = || {
            guid_at(raw, 6)
                .and_then(|g| self.by_guid.get(&g))
                .and_then(|u| self.items.get(u))
        };
        if uid == -1 {
            by_guid()
        } else {
            self.items.get(&uid).or_else(by_guid)
        }
    }

    /// An outline code's text, from its companion "index" field.
    fn outline_code(
        &self,
        f: &Fields<'_>,
        index_field: u32,
    ) -> Option<(FieldValue, Option<&Item>)> {
        if self.format == Some(FileFormat::Mpp9) {
            let uid = f.i32(index_field)?;
            let text = self.outline.string(uid, self.outline_key)?;
            return Some((FieldValue::Text(text), None));
        }
        if !matches!(f.map.get(f.class | index_field), Some(Location::Var { .. })) {
            return None;
        }
        let raw = f.raw(index_field).unwrap_or_default();
        let mask = u16_at(raw, 0).unwrap_or(0);
        let uid = i32_at(raw, 2).unwrap_or(0);
        if mask & 0xFF00 != 0x0700 {
            let text = self.outline.string(uid, self.outline_key)?;
            return Some((FieldValue::Text(text), None));
        }
        let item = self.items.get(&uid)?;
        let mut text = match &item.value {
            ItemValue::Text(s) => s.clone(),
            _ => return None,
        };
        let prefix = self.ancestors(item.parent, 0);
        if let Some(p) = prefix.filter(|p| !p.is_empty()) {
            text = format!("{p}.{text}");
        }
        Some((FieldValue::Text(text), Some(item)))
    }

    /// The dotted path of an item and its ancestors ("" for uid 0).
    fn ancestors(&self, uid: i32, depth: usize) -> Option<String> {
        if uid == 0 {
            return Some(String::new());
        }
        let item = self.items.get(&uid)?;
        let ItemValue::Text(own) = &item.value else {
            return None;
        };
        // A cycle cannot go on forever; Project's outlines are never this deep.
        if item.parent == uid || depth > 64 {
            return Some(own.clone());
        }
        match self.ancestors(item.parent, depth + 1) {
            Some(p) if !p.is_empty() => Some(format!("{p}.{own}")),
            _ => Some(own.clone()),
        }
    }
}

/// An MPP9 value list entry before numbering: value (if any) and description.
type Mpp9Entry = (Option<ItemValue>, Option<String>);

impl CustomData {
    /// MPP9 value lists: the project `Props` lists, then the outline code
    /// values of `TBkndOutlCode`. Items are numbered 1, 2, ... across all
    /// lists and get name-based GUIDs, as MPXJ makes them.
    fn read_mpp9_lists(&mut self, c: &mut Container<'_>, ctx: &Ctx, defs: &mut Defs) -> Result<()> {
        let mut next_uid = 0i32;
        for (field, entries) in mpp9_prop_lists(
            ctx.props.get(FIELD_ATTRIBUTES_KEY).unwrap_or_default(),
            self,
        ) {
            self.add_mpp9_list(field, entries, true, &mut next_uid, defs);
        }
        let dir = format!("{}/TBkndOutlCode", ctx.dir);
        let block = Block::read(
            c,
            &BlockSpec {
                dir: &dir,
                meta_size: 10,
                meta2_sizes: &[],
                max_item: None,
                max_item2: None,
                mask: 0,
                var_kind: ctx.var_kind,
            },
        )?;
        let mut field_of: HashMap<i32, u32> = HashMap::new();
        for i in 0..block.data.len() {
            let Some(item) = block.data.item(i).filter(|d| d.len() >= 18) else {
                continue;
            };
            if let (Some(index), Some(field)) = (u16_at(item, 0), u32_at(item, 12)) {
                if fields::custom_field_name(field).is_some() {
                    field_of.insert(i32::from(index), field);
                }
            }
        }
        let mut lists: BTreeMap<u32, Vec<Mpp9Entry>> = BTreeMap::new();
        for uid in block.var.uids() {
            let Some(&field) = field_of.get(&uid) else {
                continue;
            };
            let value = block.var.string(uid, 1).map(ItemValue::Text);
            lists
                .entry(field)
                .or_default()
                .push((value, block.var.string(uid, 2)));
        }
        let mut lists: Vec<(u32, Vec<Mpp9Entry>)> = lists.into_iter().collect();
        lists.sort_by_key(|(field, _)| (mpp9_list_rank(*field), *field));
        for (field, entries) in lists {
            self.add_mpp9_list(field, entries, false, &mut next_uid, defs);
        }
        self.outline = block.var;
        Ok(())
    }

    fn add_mpp9_list(
        &mut self,
        field: u32,
        entries: Vec<Mpp9Entry>,
        register: bool,
        next_uid: &mut i32,
        defs: &mut Defs,
    ) {
        // Lists of other fields are not kept, but their items still take numbers.
        let Some(name) = fields::custom_field_name(field) else {
            let n = i32::try_from(entries.len()).unwrap_or(i32::MAX);
            *next_uid = next_uid.saturating_add(n);
            return;
        };
        let kind = fields::any_custom_field(field).map(|(f, _)| f.kind);
        let type_code = match kind {
            Some(CustomKind::Cost) => TYPE_COST,
            Some(CustomKind::Number) => TYPE_NUMBER,
            Some(CustomKind::Date | CustomKind::Start | CustomKind::Finish) => TYPE_DATE,
            Some(CustomKind::Duration) => TYPE_DURATION,
            Some(CustomKind::Flag) => TYPE_FLAG,
            _ => TYPE_TEXT,
        };
        let def = defs.entry(field);
        def.lookup_guid = Some(name_guid(name.as_bytes()));
        for (value, description) in entries {
            *next_uid = next_uid.saturating_add(1);
            let uid = *next_uid;
            let guid = name_guid(format!("{name}{uid}").as_bytes());
            def.values.push(LookupValue {
                id: uid,
                guid: Some(guid),
                parent_id: None,
                kind: type_code,
                value: value
                    .as_ref()
                    .map(|v| item_text(v, &self.factors))
                    .unwrap_or_default(),
                description,
            });
            if let (true, Some(value)) = (register, value) {
                self.by_guid.insert(guid, uid);
                self.items.insert(
                    uid,
                    Item {
                        uid,
                        guid: Some(guid),
                        parent: 0,
                        value,
                    },
                );
            }
        }
    }
}

/// The order in which MPXJ numbers MPP9 outline code lists: it walks a hash
/// map keyed by field, whose order (fixed in the reference run, the same in
/// every file) is this one for Outline Code 1..10.
fn mpp9_list_rank(field: u32) -> u32 {
    const TASK: [u32; 10] = [5, 6, 9, 3, 10, 8, 2, 4, 7, 1];
    const RESOURCE: [u32; 10] = [7, 9, 8, 6, 5, 4, 10, 2, 3, 1];
    let Some((fam, n)) = fields::custom_field(field) else {
        return u32::MAX;
    };
    let table = match (fam.kind, field & 0xFFFF_0000) {
        (CustomKind::OutlineCode, fields::TASK) => &TASK,
        (CustomKind::OutlineCode, fields::RESOURCE) => &RESOURCE,
        _ => return u32::MAX,
    };
    n.checked_sub(1)
        .and_then(|i| table.get(i))
        .copied()
        .unwrap_or(u32::MAX)
}

/// The value lists of MPP9's project `Props` (`0x02401390`): `u32` length,
/// `u32` count, count x {field, offset}; at the offset 8 bytes, then the
/// starts of the values, the descriptions and their end (list-relative).
fn mpp9_prop_lists(data: &[u8], cd: &CustomData) -> Vec<(u32, Vec<Mpp9Entry>)> {
    let mut out = Vec::new();
    let length = u32_at(data, 0)
        .and_then(|l| usize::try_from(l).ok())
        .unwrap_or(0);
    let count = u32_at(data, 4).unwrap_or(0);
    let mut off = 8usize;
    // Real lists do not overlap, so together they span at most the data;
    // hostile entries all naming one large range would decode it again
    // and again (memory quadratic in the input).
    let mut budget = data.len();
    for _ in 0..count {
        if off >= length {
            break;
        }
        let (Some(field), Some(at)) = (u32_at(data, off), u32_at(data, off + 4)) else {
            break;
        };
        off += 8;
        let Ok(at) = usize::try_from(at) else {
            continue;
        };
        let rel = |k: usize| {
            u32_at(data, at + k)
                .and_then(|v| usize::try_from(v).ok())
                .and_then(|v| v.checked_add(at))
        };
        let (Some(start), Some(mid), Some(end)) = (rel(8), rel(12), rel(16)) else {
            continue;
        };
        let values = data.get(start..mid).unwrap_or_default();
        let descriptions = data.get(mid..end).unwrap_or_default();
        let Some(left) = budget.checked_sub(values.len() + descriptions.len()) else {
            break;
        };
        budget = left;
        let kind = fields::any_custom_field(field).map(|(f, _)| f.kind);
        let mut vals = mpp9_values(values, kind, cd).into_iter();
        let entries = mpp9_values(descriptions, Some(CustomKind::Text), cd)
            .into_iter()
            .map(|d| {
                let desc = match d {
                    ItemValue::Text(s) => Some(s),
                    _ => None,
                };
                (vals.next(), desc)
            })
            .collect();
        out.push((field, entries));
    }
    out
}

/// Values packed one after another, each in its field type's layout.
fn mpp9_values(data: &[u8], kind: Option<CustomKind>, cd: &CustomData) -> Vec<ItemValue> {
    let mut out = Vec::new();
    let mut off = 0usize;
    while off < data.len() {
        let (value, size) = match kind {
            Some(CustomKind::Text | CustomKind::OutlineCode) => {
                let s = utf16_at(data, off).unwrap_or_default();
                let size = (s.encode_utf16().count() + 1) * 2;
                (ItemValue::Text(s), size)
            }
            Some(CustomKind::Cost) => {
                (ItemValue::Cost(f64_at(data, off).unwrap_or(0.0) / 100.0), 8)
            }
            Some(CustomKind::Number) => (ItemValue::Number(f64_at(data, off).unwrap_or(0.0)), 8),
            Some(CustomKind::Date | CustomKind::Start | CustomKind::Finish) => {
                (ItemValue::Date(DateTime::from_timestamp(data, off)), 4)
            }
            Some(CustomKind::Duration) => {
                let raw = data.get(off..).unwrap_or_default();
                (
                    decode_item(raw, TYPE_DURATION, &cd.factors, cd.default_units),
                    6,
                )
            }
            Some(CustomKind::Flag) => (ItemValue::Flag(u16_at(data, off) == Some(1)), 2),
            None => break,
        };
        out.push(value);
        off += size;
    }
    out
}

/// A name-based (version 3, MD5) GUID, as Java's `UUID.nameUUIDFromBytes`.
fn name_guid(name: &[u8]) -> Guid {
    let mut b = md5(name);
    b[6] = (b[6] & 0x0F) | 0x30;
    b[8] = (b[8] & 0x3F) | 0x80;
    // Storage layout: the first three groups little-endian.
    b[0..4].reverse();
    b[4..6].reverse();
    b[6..8].reverse();
    Guid(b)
}

/// MD5 (RFC 1321), only used for the name-based GUIDs above.
fn md5(input: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64u32)
        .map(|i| ((f64::from(i) + 1.0).sin().abs() * 4_294_967_296.0) as u32)
        .collect();
    let mut msg = input.to_vec();
    let bit_len = (input.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    let (mut a0, mut b0, mut c0, mut d0) = (
        0x6745_2301u32,
        0xefcd_ab89u32,
        0x98ba_dcfeu32,
        0x1032_5476u32,
    );
    for chunk in msg.chunks_exact(64) {
        let m: Vec<u32> = chunk
            .chunks_exact(4)
            .map(|w| {
                u32::from_le_bytes([
                    w.first().copied().unwrap_or(0),
                    w.get(1).copied().unwrap_or(0),
                    w.get(2).copied().unwrap_or(0),
                    w.get(3).copied().unwrap_or(0),
                ])
            })
            .collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64usize {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f
                .wrapping_add(a)
                .wrapping_add(k.get(i).copied().unwrap_or(0))
                .wrapping_add(m.get(g).copied().unwrap_or(0));
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S.get(i).copied().unwrap_or(0)));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (dst, word) in out.chunks_exact_mut(4).zip([a0, b0, c0, d0]) {
        dst.copy_from_slice(&word.to_le_bytes());
    }
    out
}

/// A block of keyed values: `u32` data size, `u32` count, count x {key,
/// offset}; each value runs to the next offset (the last to the data size).
fn props_block(data: &[u8]) -> Vec<(u32, &[u8])> {
    let size = u32_at(data, 0)
        .and_then(|v| usize::try_from(v).ok())
        .unwrap_or(0);
    let count = u32_at(data, 4).unwrap_or(0);
    let mut entries: BTreeMap<usize, u32> = BTreeMap::new();
    let mut off = 8usize;
    for _ in 0..count {
        let (Some(key), Some(at)) = (u32_at(data, off), u32_at(data, off + 4)) else {
            break;
        };
        if let Ok(at) = usize::try_from(at) {
            entries.insert(at, key);
        }
        off += 8;
    }
    let starts: Vec<(usize, u32)> = entries.into_iter().collect();
    let mut out = Vec::new();
    for (i, &(start, key)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(size, |&(next, _)| next);
        if let Some(value) = data.get(start..end.min(data.len())) {
            out.push((key, value));
        }
    }
    out
}

/// Adds a value when it is not the default (empty text, zero, no date).
fn push_value(
    out: &mut Vec<CustomValue>,
    field_id: u32,
    value: Option<(FieldValue, Option<&Item>)>,
) {
    let Some((value, item)) = value else { return };
    let keep = match &value {
        FieldValue::Text(s) => !s.is_empty(),
        FieldValue::Number(v) | FieldValue::Cost(v) => *v != 0.0,
        FieldValue::Duration(d) => d.value != 0.0,
        FieldValue::Flag(b) => *b,
        FieldValue::Date(_) => true,
    };
    if keep {
        out.push(CustomValue {
            field_id,
            value,
            value_guid: item.and_then(|i| i.guid),
            value_id: item.map(|i| i.uid),
        });
    }
}

/// Money in hundredths to currency units; under a tenth of a cent is zero.
fn cents(v: f64) -> f64 {
    if v.abs() < 0.1 {
        0.0
    } else {
        v / 100.0
    }
}

/// A duration unit code as MPXJ maps it (years are not known: days).
fn unit_from_code(code: u16, default: TimeUnit) -> TimeUnit {
    match code & 0x1F {
        13 | 14 => TimeUnit::Days,
        _ => TimeUnit::from_code(code, default),
    }
}

/// Decodes a value-list item's value bytes by its type code.
fn decode_item(raw: &[u8], kind: u16, f: &TimeFactors, default_units: TimeUnit) -> ItemValue {
    match kind {
        TYPE_DATE | TYPE_FINISH => ItemValue::Date(DateTime::from_timestamp(raw, 0)),
        TYPE_DURATION => {
            let units = unit_from_code(u16_at(raw, 4).unwrap_or(0), default_units);
            let d = i32_at(raw, 0)
                .filter(|&v| v != -1)
                .map(|v| Duration::from_tenths(f64::from(v), units, f));
            ItemValue::Duration(d)
        }
        TYPE_COST => ItemValue::Cost(f64_at(raw, 0).unwrap_or(0.0) / 100.0),
        TYPE_NUMBER => ItemValue::Number(f64_at(raw, 0).unwrap_or(0.0)),
        _ => ItemValue::Text(utf16_at(raw, 0).unwrap_or_default()),
    }
}

/// The type code written for an item: unknown codes are text.
fn output_type(kind: u16) -> u16 {
    match kind {
        TYPE_DATE | TYPE_DURATION | TYPE_COST | TYPE_NUMBER | TYPE_FLAG | TYPE_TEXT
        | TYPE_FINISH => kind,
        _ => TYPE_TEXT,
    }
}

/// An item's value as MSPDI's `OutlineCodes` print it: dates as the raw
/// `days * 65536 + tenths of a minute`, durations in tenths of a minute,
/// money in cents, numbers with two decimals at most.
fn item_text(v: &ItemValue, f: &TimeFactors) -> String {
    match v {
        ItemValue::Text(s) => s.clone(),
        ItemValue::Number(n) => number2(*n),
        ItemValue::Cost(c) => number2(c * 100.0),
        ItemValue::Date(Some(d)) => {
            let days = d.days() - DateTime::from_mpp(0, 0).days();
            (days * 65_536 + d.time_of_day() / 6).to_string()
        }
        ItemValue::Duration(Some(d)) if d.value != 0.0 => {
            ((d.minutes(f) * 10.0) as i64).to_string()
        }
        ItemValue::Flag(b) => b.to_string(),
        ItemValue::Date(None) | ItemValue::Duration(_) => String::new(),
    }
}

/// A number with at most two decimals and no trailing zeros (`#.##`).
pub fn number2(v: f64) -> String {
    crate::model::format_number(v, 2)
}

/// MPP9 aliases: consecutive NUL-terminated strings whose position selects the field.
fn read_mpp9_aliases(props: &Props, defs: &mut Defs) {
    for (key, class) in [
        (TASK_ALIASES_KEY, fields::TASK),
        (RESOURCE_ALIASES_KEY, fields::RESOURCE),
    ] {
        let Some(data) = props.get(key) else { continue };
        let mut off = 0usize;
        let mut position = 0usize;
        while off + 1 < data.len() {
            let text = utf16_at(data, off).unwrap_or_default();
            let units = text.encode_utf16().count();
            if !text.is_empty() {
                if let Some(field) = mpp9_alias_field(class, position) {
                    defs.entry(field).alias = Some(text);
                }
            }
            off += (units + 1) * 2;
            position += 1;
        }
    }
}

/// The field an MPP9 alias position names.
fn mpp9_alias_field(class: u32, pos: usize) -> Option<u32> {
    let fam = |name: &str, n: usize| -> Option<u32> {
        let f = fields::custom_families(class)
            .iter()
            .find(|f| f.name == name)?;
        f.indexes.get(n).map(|&i| class | i)
    };
    let p = pos;
    if class == fields::TASK {
        match p {
            118..=127 => fam("Text", p - 118),
            128..=147 => fam(
                if (p - 128) % 2 == 0 {
                    "Start"
                } else {
                    "Finish"
                },
                (p - 128) / 2,
            ),
            149..=158 => fam("Number", p - 149),
            159..=177 if (p - 159) % 2 == 0 => fam("Duration", (p - 159) / 2),
            184..=193 => fam("Date", p - 184),
            194..=213 => fam("Text", p - 194 + 10),
            214..=223 => fam("Number", p - 214 + 10),
            227..=236 => fam("Outline Code", p - 227),
            237..=256 => fam("Flag", p - 237),
            278..=287 => fam("Cost", p - 278),
            _ => None,
        }
    } else {
        match p {
            52..=81 => fam("Text", p - 52),
            82..=91 => fam("Start", p - 82),
            92..=101 => fam("Finish", p - 92),
            102..=121 => fam("Number", p - 102),
            122..=131 => fam("Duration", p - 122),
            145..=154 => fam("Date", p - 145),
            155..=164 => fam("Outline Code", p - 155),
            165 => fam("Flag", 9),
            166..=174 => fam("Flag", p - 166),
            175..=184 => fam("Flag", p - 175 + 10),
            207..=216 => fam("Cost", p - 207),
            _ => None,
        }
    }
}

/// Fuzzing entry: the custom-field definition, indicator and value-list decoders.
pub(crate) fn fuzz_decode(data: &[u8]) -> usize {
    let cd = CustomData::default();
    let mut n = parse_definitions14(data).definitions.len();
    n += parse_definitions12(data).definitions.len();
    n += indicator_fields(data).len();
    n += props_block(data).len();
    n += mpp9_prop_lists(data, &cd).len();
    for kind in [CustomKind::Text, CustomKind::Duration, CustomKind::Cost] {
        n += mpp9_values(data, Some(kind), &cd).len();
    }
    n
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // fixtures are built and checked in place
mod tests {
    use super::*;
    use crate::raw::field_map::tests::entry;
    use crate::raw::field_map::{FieldMap, VarKeyRule};
    use crate::raw::var::tests::build12;
    use crate::raw::var::VarMetaKind;

    fn utf16z(s: &str) -> Vec<u8> {
        s.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .chain([0, 0])
            .collect()
    }

    fn le32(v: u32) -> [u8; 4] {
        v.to_le_bytes()
    }

    const GUID_A: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
    const GUID_B: [u8; 16] = [0xA0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

    /// Alias block: size twice, count, {field, offset - 4}, then the texts.
    fn alias_block(aliases: &[(u32, &str)]) -> Vec<u8> {
        let table_end = 12 + aliases.len() * 8;
        let mut texts = Vec::new();
        let mut table = Vec::new();
        for (field, text) in aliases {
            table.extend_from_slice(&le32(*field));
            table.extend_from_slice(&le32((table_end + texts.len() - 4) as u32));
            texts.extend_from_slice(&utf16z(text));
        }
        let size = (table_end + texts.len() - 4) as u32;
        let mut out = Vec::new();
        out.extend_from_slice(&le32(size));
        out.extend_from_slice(&le32(size));
        out.extend_from_slice(&le32(aliases.len() as u32));
        out.extend_from_slice(&table);
        out.extend_from_slice(&texts);
        out
    }

    #[test]
    fn aliases_are_capped() {
        // One alias whose text runs 3000 units without a NUL.
        let mut d = Vec::new();
        for v in [20u32, 20, 1, 0x0B40_0001, 16] {
            d.extend_from_slice(&v.to_le_bytes());
        }
        d.extend(std::iter::repeat_n([b'a', 0], 3000).flatten());
        let (aliases, end) = parse_aliases(&d);
        assert_eq!(end, Some(24));
        assert_eq!(aliases.len(), 1);
        assert_eq!(aliases[0].1.len(), MAX_ALIAS_BYTES / 2);
    }

    #[test]
    fn mpp14_definitions_walk_the_unknown_blocks() {
        let mut data = alias_block(&[(fields::TASK | 51, "Code")]);
        // unknown blocks of 8 and 30 bytes (the second size differs from MPXJ's assumption)
        data.extend_from_slice(&le32(8));
        data.extend_from_slice(&[0; 8]);
        data.extend_from_slice(&le32(30));
        data.extend_from_slice(&[0; 30]);
        data.extend_from_slice(&le32(1));
        data.extend_from_slice(&le32(88));
        let mut def = [0u8; 88];
        def[0..4].copy_from_slice(&le32(fields::TASK | 87));
        def[12..14].copy_from_slice(&5u16.to_le_bytes());
        def[36..52].copy_from_slice(&GUID_A);
        data.extend_from_slice(&def);
        let p = parse_definitions14(&data);
        assert_eq!(p.aliases, vec![(fields::TASK | 51, "Code".to_string())]);
        assert_eq!(
            p.definitions,
            vec![Definition {
                field: fields::TASK | 87,
                cf_type: 5,
                lookup: Some(Guid(GUID_A)),
            }]
        );
        // a truncated stream keeps the aliases and stops cleanly
        assert_eq!(
            parse_definitions14(&data[..data.len() - 10]).definitions,
            vec![]
        );
        assert_eq!(parse_definitions14(&[1, 2]).aliases, vec![]);
    }

    #[test]
    fn mpp12_definitions_are_sized_blocks() {
        let mut data = alias_block(&[]);
        for _ in 0..2 {
            data.extend_from_slice(&le32(8));
            data.extend_from_slice(&[0; 8]);
        }
        data.extend_from_slice(&le32(0));
        data.extend_from_slice(&le32(0));
        data.extend_from_slice(&le32(1));
        data.extend_from_slice(&[0; 8]);
        let mut block = vec![0u8; 200];
        block[0..4].copy_from_slice(&le32(200));
        block[4..8].copy_from_slice(&le32(fields::RESOURCE | 8));
        block[12..14].copy_from_slice(&7u16.to_le_bytes());
        block[160..176].copy_from_slice(&GUID_B);
        data.extend_from_slice(&block);
        let p = parse_definitions12(&data);
        assert_eq!(
            p.definitions,
            vec![Definition {
                field: fields::RESOURCE | 8,
                cf_type: 7,
                lookup: Some(Guid(GUID_B)),
            }]
        );
    }

    #[test]
    fn value_list_items_print_like_outline_codes() {
        let f = TimeFactors::default();
        // 2018-10-18 08:00 = 12710 days + 4800 tenths
        let date = decode_item(&[0xC0, 0x12, 0xA6, 0x31], TYPE_DATE, &f, TimeUnit::Days);
        assert_eq!(
            item_text(&date, &f),
            (12_710i64 * 65_536 + 4_800).to_string()
        );
        let mut dur = 4800i32.to_le_bytes().to_vec();
        dur.extend_from_slice(&7u16.to_le_bytes());
        let d = decode_item(&dur, TYPE_DURATION, &f, TimeUnit::Days);
        assert_eq!(
            d,
            ItemValue::Duration(Some(Duration::new(1.0, TimeUnit::Days)))
        );
        assert_eq!(item_text(&d, &f), "4800");
        let cost = decode_item(&12_345.0f64.to_le_bytes(), TYPE_COST, &f, TimeUnit::Days);
        assert_eq!(cost, ItemValue::Cost(123.45));
        assert_eq!(item_text(&cost, &f), "12345");
        let n = decode_item(&2.125f64.to_le_bytes(), TYPE_NUMBER, &f, TimeUnit::Days);
        assert_eq!(item_text(&n, &f), "2.12");
        assert_eq!(
            item_text(&decode_item(&utf16z("Red"), 99, &f, TimeUnit::Days), &f),
            "Red"
        );
        assert_eq!(output_type(99), TYPE_TEXT);
        assert_eq!(number2(-0.001), "0");
        assert_eq!(number2(1.5), "1.5");
    }

    fn ctx(format: FileFormat) -> Ctx {
        crate::read::resources::tests::ctx(format, 16)
    }

    /// A task field map with the given var-data fields (key = index).
    fn var_map(indexes: &[u32]) -> FieldMap {
        let data: Vec<u8> = indexes
            .iter()
            .flat_map(|&i| entry(fields::TASK | i, 0xFFFF, 0, 8, 0))
            .collect();
        FieldMap::parse(&data, VarKeyRule::FieldIndex, |_| None)
    }

    fn item(uid: i32, parent: i32, value: ItemValue, guid: Option<Guid>) -> Item {
        Item {
            uid,
            guid,
            parent,
            value,
        }
    }

    #[test]
    fn task_values_decode_by_family() {
        let mut cd = CustomData::default();
        cd.items.insert(
            7,
            item(7, 0, ItemValue::Text("Listed".into()), Some(Guid(GUID_A))),
        );
        cd.by_guid.insert(Guid(GUID_A), 7);
        cd.items
            .insert(3, item(3, 0, ItemValue::Text("Top".into()), None));
        cd.items
            .insert(4, item(4, 3, ItemValue::Text("Leaf".into()), None));
        let mut list_ref = vec![0x01, 0x07];
        list_ref.extend_from_slice(&(-1i32).to_le_bytes());
        list_ref.extend_from_slice(&GUID_A);
        let mut dur = 9600i32.to_le_bytes().to_vec();
        dur.extend_from_slice(&[0, 0]);
        let mut outline = vec![0x01, 0x07];
        outline.extend_from_slice(&4i32.to_le_bytes());
        let text = utf16z("abc");
        let number = 1.5f64.to_le_bytes();
        let cost = 250.0f64.to_le_bytes();
        let date = [0xC0, 0x12, 0xA6, 0x31];
        let units = 5u16.to_le_bytes();
        let zero = 0.0f64.to_le_bytes();
        let (meta, data) = build12(&[
            (1, 51, &text),
            (1, 54, &list_ref),
            (1, 87, &number),
            (1, 88, &zero),
            (1, 106, &cost),
            (1, 265, &date),
            (1, 103, &dur),
            (1, 183, &units),
            (1, 417, &outline),
        ]);
        let var = VarData::parse(&meta, data, VarMetaKind::V12);
        let map = var_map(&[51, 54, 87, 88, 106, 265, 103, 183, 417]);
        let f = Fields {
            class: fields::TASK,
            map: &map,
            fixed: [&[], &[]],
            var: &var,
            uid: 1,
        };
        let values = cd.values(&ctx(FileFormat::Mpp14), &f);
        let get = |idx: u32| values.iter().find(|v| v.field_id == fields::TASK | idx);
        assert_eq!(
            get(51).map(|v| &v.value),
            Some(&FieldValue::Text("abc".into()))
        );
        let listed = get(54).unwrap();
        assert_eq!(listed.value, FieldValue::Text("Listed".into()));
        assert_eq!(
            (listed.value_id, listed.value_guid),
            (Some(7), Some(Guid(GUID_A)))
        );
        assert_eq!(get(87).map(|v| &v.value), Some(&FieldValue::Number(1.5)));
        assert!(get(88).is_none(), "zero numbers are defaults");
        assert_eq!(get(106).map(|v| &v.value), Some(&FieldValue::Cost(2.5)));
        let d = DateTime::new(2018, 10, 18, 8, 0, 0).unwrap();
        assert_eq!(get(265).map(|v| &v.value), Some(&FieldValue::Date(d)));
        // 9600 tenths shown in hours (units code 5)
        assert_eq!(
            get(103).map(|v| &v.value),
            Some(&FieldValue::Duration(Duration::new(16.0, TimeUnit::Hours)))
        );
        assert_eq!(
            get(416).map(|v| &v.value),
            Some(&FieldValue::Text("Top.Leaf".into()))
        );
        assert_eq!(values.len(), 7);
    }

    #[test]
    fn records_share_one_plan_and_keep_their_own_keys() {
        let cd = CustomData::default();
        let text = utf16z("abc");
        let number = 2.5f64.to_le_bytes();
        let (meta, data) = build12(&[(1, 51, &text), (2, 87, &number), (2, 51, &text)]);
        let var = VarData::parse(&meta, data, VarMetaKind::V12);
        let map = var_map(&[51, 87]);
        let record = |uid| Fields {
            class: fields::TASK,
            map: &map,
            fixed: [&[], &[]],
            var: &var,
            uid,
        };
        let ids = |uid| -> Vec<(u32, FieldValue)> {
            let mut v: Vec<_> = cd
                .values(&ctx(FileFormat::Mpp14), &record(uid))
                .into_iter()
                .map(|v| (v.field_id & 0xFFFF, v.value))
                .collect();
            v.sort_by_key(|p| p.0);
            v
        };
        let abc = FieldValue::Text("abc".into());
        assert_eq!(ids(1), vec![(51, abc.clone())]);
        assert_eq!(ids(2), vec![(51, abc), (87, FieldValue::Number(2.5))]);
        assert!(ids(3).is_empty(), "a record without var data has no values");
    }

    #[test]
    fn user_defined_fields_come_from_their_own_keys() {
        let field = fields::TASK | 0x8003;
        let cd = CustomData {
            user_fields: vec![
                (field, Some(CustomKind::Flag)),
                (fields::RESOURCE | 0x8001, Some(CustomKind::Text)),
            ],
            ..CustomData::default()
        };
        let (meta, data) = build12(&[(2, 0x8003, &[1, 0])]);
        let var = VarData::parse(&meta, data, VarMetaKind::V12);
        let map = var_map(&[]);
        let f = Fields {
            class: fields::TASK,
            map: &map,
            fixed: [&[], &[]],
            var: &var,
            uid: 2,
        };
        let values = cd.values(&ctx(FileFormat::Mpp14), &f);
        assert_eq!(values.len(), 1);
        assert_eq!(
            (values[0].field_id, &values[0].value),
            (field, &FieldValue::Flag(true))
        );
    }

    #[test]
    fn name_guids_match_java() {
        assert_eq!(
            name_guid(b"Text1").to_string(),
            "8D993394-C892-3CAA-8683-DC4BA4FAE21D"
        );
        assert_eq!(
            name_guid(b"Text11").to_string(),
            "B9C67614-C466-34F6-AB72-A77D7FBA0116"
        );
        assert_eq!(md5(b"")[0], 0xd4);
    }

    #[test]
    fn mpp9_lists_and_aliases() {
        // one Text1 list: values "A","B", descriptions "a","b"
        let values: Vec<u8> = [utf16z("A"), utf16z("B")].concat();
        let descs: Vec<u8> = [utf16z("a"), utf16z("b")].concat();
        let list_at = 16u32;
        let mut data = Vec::new();
        data.extend_from_slice(&le32(16));
        data.extend_from_slice(&le32(1));
        data.extend_from_slice(&le32(fields::TASK | 51));
        data.extend_from_slice(&le32(list_at));
        data.extend_from_slice(&[0; 8]);
        data.extend_from_slice(&le32(20));
        data.extend_from_slice(&le32(20 + values.len() as u32));
        data.extend_from_slice(&le32(20 + (values.len() + descs.len()) as u32));
        data.extend_from_slice(&values);
        data.extend_from_slice(&descs);
        let cd = CustomData::default();
        let lists = mpp9_prop_lists(&data, &cd);
        assert_eq!(lists.len(), 1);
        assert_eq!(lists[0].0, fields::TASK | 51);
        assert_eq!(
            lists[0].1,
            vec![
                (Some(ItemValue::Text("A".into())), Some("a".into())),
                (Some(ItemValue::Text("B".into())), Some("b".into()))
            ]
        );
        assert_eq!(mpp9_alias_field(fields::TASK, 118), Some(fields::TASK | 51));
        assert_eq!(mpp9_alias_field(fields::TASK, 129), Some(fields::TASK | 53));
        assert_eq!(mpp9_alias_field(fields::TASK, 160), None);
        assert_eq!(
            mpp9_alias_field(fields::RESOURCE, 165),
            Some(fields::RESOURCE | 126)
        );
        assert_eq!(mpp9_list_rank(fields::TASK | 434), 1);
    }

    #[test]
    fn overlapping_mpp9_lists_are_decoded_once() {
        // 200 entries (Number1) all naming the same 8000-byte list.
        let mut data = Vec::new();
        data.extend_from_slice(&le32(u32::MAX));
        data.extend_from_slice(&le32(200));
        let list_at = 8 + 200 * 8;
        for _ in 0..200 {
            data.extend_from_slice(&le32(fields::TASK | 87));
            data.extend_from_slice(&le32(list_at));
        }
        data.extend_from_slice(&[0; 8]);
        data.extend_from_slice(&le32(20));
        data.extend_from_slice(&le32(20 + 4000));
        data.extend_from_slice(&le32(20 + 8000));
        // 500 numbers, then 1000 one-letter descriptions.
        data.extend(std::iter::repeat_n(1u8, 4000));
        data.extend(std::iter::repeat_n([b'a', 0, 0, 0], 1000).flatten());
        let lists = mpp9_prop_lists(&data, &CustomData::default());
        let total: usize = lists.iter().map(|l| l.1.len()).sum();
        assert_eq!(lists.len(), 1);
        assert_eq!(total, 1000);
    }

    #[test]
    fn props_blocks_split_at_offsets() {
        let mut data = Vec::new();
        data.extend_from_slice(&le32(32));
        data.extend_from_slice(&le32(2));
        data.extend_from_slice(&le32(fields::TASK | 599));
        data.extend_from_slice(&le32(24));
        data.extend_from_slice(&le32(fields::TASK | 699));
        data.extend_from_slice(&le32(32));
        data.extend_from_slice(&1000.0f64.to_le_bytes());
        let block = props_block(&data);
        assert_eq!(block.len(), 2);
        assert_eq!(block[0], (fields::TASK | 599, &data[24..32]));
        assert_eq!(block[1].1.len(), 0);
        let cd = CustomData::default();
        assert_eq!(
            cd.enterprise_value(fields::TASK | 599, block[0].1)
                .map(|v| v.0),
            Some(FieldValue::Cost(10.0))
        );
    }

    #[test]
    fn indicator_columns_need_the_display_bit() {
        let mut data = vec![0u8; 8];
        data[4..8].copy_from_slice(&le32(2));
        data.extend_from_slice(&le32(fields::TASK | 51));
        data.extend_from_slice(&le32(24));
        data.extend_from_slice(&le32(fields::TASK | 54));
        data.extend_from_slice(&le32(25));
        data.extend_from_slice(&[0x02, 0x01]);
        assert_eq!(indicator_fields(&data), vec![fields::TASK | 51]);
    }
}
