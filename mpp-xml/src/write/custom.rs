//! Custom fields: the project's `<OutlineCodes>` and `<ExtendedAttributes>`
//! definitions, and `<ExtendedAttribute>`/`<OutlineCode>` values on entities.
//!
//! What is written, and how values are printed, follows MPXJ's MSPDI writer
//! for `.mpp` input: a definition for every field that has one (alias, value
//! list, enterprise field) or a non-default value anywhere; values sorted by
//! field id; `ValueGUID`/`ValueID` found by matching the printed value
//! against the field's value list.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use mpp_core::fields::{self, CustomKind};
use mpp_core::{
    CustomFieldDef, CustomValue, DateTime, FieldValue, LookupValue, Project, TimeFactors,
};

use super::Xml;
use crate::format;

/// `<OutlineCodes>` (value lists), written before `<ExtendedAttributes>`.
pub fn write_outline_codes<W: Write>(x: &mut Xml<W>, p: &Project) -> io::Result<()> {
    let mut tables: Vec<&CustomFieldDef> = p
        .custom_fields
        .iter()
        .filter(|d| !d.values.is_empty())
        .collect();
    if tables.is_empty() {
        return Ok(());
    }
    // MPXJ orders them by class name (assignment, resource, task), then field id.
    tables.sort_by_key(|d| (class_rank(d.field_id), d.field_id));
    x.open("OutlineCodes")?;
    for d in tables {
        x.open("OutlineCode")?;
        x.opt("Guid", d.lookup_guid)?;
        x.elem("FieldID", &d.field_id.to_string())?;
        x.open("Values")?;
        for v in &d.values {
            x.open("Value")?;
            x.elem("ValueID", &v.id.to_string())?;
            x.opt("FieldGUID", v.guid)?;
            x.elem("Type", &v.kind.to_string())?;
            x.elem("IsCollapsed", "0")?;
            x.opt("ParentValueID", v.parent_id)?;
            if !v.value.is_empty() {
                x.elem("Value", &v.value)?;
            }
            x.opt("Description", v.description.as_deref())?;
            x.close("Value")?;
        }
        x.close("Values")?;
        for (name, value) in [
            ("Enterprise", "0"),
            ("ResourceSubstitutionEnabled", "0"),
            ("LeafOnly", "0"),
            ("AllLevelsRequired", "0"),
            ("OnlyTableValuesAllowed", "1"),
            ("ShowIndent", "1"),
        ] {
            x.elem(name, value)?;
        }
        x.open("Masks")?;
        x.open("Mask")?;
        x.elem("Level", "1")?;
        let first = d.values.first().map_or(21, |v| v.kind);
        x.elem("Type", &mask_type(first).to_string())?;
        x.elem("Length", "0")?;
        x.elem("Separator", ".")?;
        x.close("Mask")?;
        x.close("Masks")?;
        x.close("OutlineCode")?;
    }
    x.close("OutlineCodes")
}

/// `<ExtendedAttributes>`: one definition per custom field in use.
pub fn write_definitions<W: Write>(x: &mut Xml<W>, p: &Project) -> io::Result<()> {
    let defs: BTreeMap<u32, &CustomFieldDef> =
        p.custom_fields.iter().map(|d| (d.field_id, d)).collect();
    let mut ids: BTreeSet<u32> = defs.keys().copied().collect();
    let entity_values = p
        .tasks
        .iter()
        .map(|t| &t.custom)
        .chain(p.resources.iter().map(|r| &r.custom))
        .chain(p.assignments.iter().map(|a| &a.custom));
    for values in entity_values {
        ids.extend(
            values
                .iter()
                .filter(|v| is_set(&v.value))
                .map(|v| v.field_id),
        );
    }
    let named: Vec<(u32, String)> = ids
        .into_iter()
        .filter_map(|id| fields::custom_field_name(id).map(|n| (id, n)))
        .collect();
    if named.is_empty() {
        return x.empty("ExtendedAttributes");
    }
    x.open("ExtendedAttributes")?;
    for (id, name) in named {
        let def = defs.get(&id);
        x.open("ExtendedAttribute")?;
        x.elem("FieldID", &id.to_string())?;
        x.elem("FieldName", &name)?;
        if id & fields::USER_DEFINED != 0 {
            x.opt("CFType", def.and_then(|d| d.cf_type))?;
            x.elem("UserDef", "1")?;
        }
        if let Some(d) = def {
            x.opt("Alias", d.alias.as_deref())?;
            // The reader sets the table GUID only where MPXJ has one.
            x.opt("Ltuid", d.lookup_guid)?;
        }
        x.close("ExtendedAttribute")?;
    }
    x.close("ExtendedAttributes")
}

/// `<ExtendedAttribute>` elements of one task, resource or assignment.
pub fn write_values<W: Write>(
    x: &mut Xml<W>,
    p: &Project,
    values: &[CustomValue],
) -> io::Result<()> {
    for v in pick(values, false) {
        let Some((fam, _)) = fields::any_custom_field(v.field_id) else {
            continue;
        };
        let Some(text) = print_value(&v.value, &p.properties.factors) else {
            continue;
        };
        x.open("ExtendedAttribute")?;
        x.elem("FieldID", &v.field_id.to_string())?;
        x.elem("Value", &text)?;
        x.opt(
            "ValueGUID",
            lookup(p, v.field_id, fam.kind, &text).and_then(|l| l.guid),
        )?;
        if let FieldValue::Duration(d) = &v.value {
            x.elem("DurationFormat", &d.units.code().to_string())?;
        }
        x.close("ExtendedAttribute")?;
    }
    Ok(())
}

/// `<OutlineCode>` elements of one task or resource (after its baselines).
pub fn write_outline_code_values<W: Write>(
    x: &mut Xml<W>,
    p: &Project,
    values: &[CustomValue],
) -> io::Result<()> {
    for v in pick(values, true) {
        let FieldValue::Text(text) = &v.value else {
            continue;
        };
        x.open("OutlineCode")?;
        x.elem("FieldID", &v.field_id.to_string())?;
        x.opt(
            "ValueID",
            lookup(p, v.field_id, CustomKind::Text, text).map(|l| l.id),
        )?;
        x.close("OutlineCode")?;
    }
    Ok(())
}

/// The set values of one entity, last one per field winning, by field id:
/// outline codes, or everything else with a known field name.
fn pick(values: &[CustomValue], outline_codes: bool) -> Vec<&CustomValue> {
    let mut by_id: BTreeMap<u32, &CustomValue> = BTreeMap::new();
    for v in values {
        by_id.insert(v.field_id, v);
    }
    by_id
        .into_values()
        .filter(|v| is_set(&v.value))
        .filter(|v| match fields::any_custom_field(v.field_id) {
            Some((fam, _)) => (fam.kind == CustomKind::OutlineCode) == outline_codes,
            None => false,
        })
        .collect()
}

/// Whether a value differs from the field's default (empty, zero, false).
fn is_set(v: &FieldValue) -> bool {
    match v {
        FieldValue::Text(s) => !s.is_empty(),
        FieldValue::Number(n) | FieldValue::Cost(n) => *n != 0.0,
        FieldValue::Duration(d) => d.value != 0.0,
        FieldValue::Flag(b) => *b,
        FieldValue::Date(_) => true,
    }
}

/// A custom value as MSPDI's `ExtendedAttribute/Value` prints it.
fn print_value(v: &FieldValue, f: &TimeFactors) -> Option<String> {
    Some(match v {
        FieldValue::Text(s) => s.clone(),
        FieldValue::Number(n) => format::number(*n, 2),
        FieldValue::Cost(c) => format::number(c * 100.0, 2),
        FieldValue::Date(d) => format::date(*d),
        FieldValue::Flag(b) => format::bool01(*b).to_string(),
        FieldValue::Duration(d) if d.value != 0.0 => format::duration(d, f),
        FieldValue::Duration(_) => return None,
    })
}

/// The value-list entry whose value prints like `text` in a field of `kind`.
fn lookup<'p>(
    p: &'p Project,
    field_id: u32,
    kind: CustomKind,
    text: &str,
) -> Option<&'p LookupValue> {
    let def = p.custom_fields.iter().find(|d| d.field_id == field_id)?;
    // The last of equal entries wins, as in MPXJ's value map.
    def.values
        .iter()
        .rev()
        .find(|l| item_as_value(l, kind).as_deref() == Some(text))
}

/// A value-list entry printed as a custom value of a field of `kind`
/// (entries hold the `OutlineCodes` form: dates and durations as numbers).
fn item_as_value(l: &LookupValue, kind: CustomKind) -> Option<String> {
    match kind {
        CustomKind::Date | CustomKind::Start | CustomKind::Finish => {
            let raw: i64 = l.value.parse().ok()?;
            let d = DateTime::from_mpp(raw / 65_536, (raw % 65_536) * 6);
            Some(format::date(d))
        }
        CustomKind::Duration => {
            let tenths: f64 = l.value.parse().ok()?;
            Some(format::duration_hours(tenths / 600.0))
        }
        _ => Some(l.value.clone()),
    }
}

/// Sort rank of a field's class name in MPXJ (ASSIGNMENT < RESOURCE < TASK).
fn class_rank(field_id: u32) -> u8 {
    match field_id & 0xFFFF_0000 {
        fields::ASSIGNMENT => 0,
        fields::RESOURCE => 2,
        fields::TASK => 3,
        _ => 1,
    }
}

/// The `Mask/Type` code of a value type.
fn mask_type(kind: u16) -> u16 {
    match kind {
        4 => 4,
        6 => 6,
        9 => 5,
        15 => 7,
        17 => 17,
        27 => 9,
        _ => 3,
    }
}
