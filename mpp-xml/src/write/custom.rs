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

#[cfg(test)]
mod tests {
    use super::*;
    use mpp_core::{Duration, Guid, Task, TimeUnit};

    fn render(f: impl FnOnce(&mut Xml<&mut Vec<u8>>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        let mut x = Xml::new(&mut out);
        f(&mut x).unwrap();
        x.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    fn value(field_id: u32, value: FieldValue) -> CustomValue {
        CustomValue {
            field_id,
            value,
            value_guid: None,
            value_id: None,
        }
    }

    const TEXT1: u32 = fields::TASK + 51;
    const NUMBER1: u32 = fields::TASK + 87;
    const FLAG1: u32 = fields::TASK + 72;
    const OUTLINE1: u32 = fields::TASK + 416;

    fn project() -> Project {
        let guid = Guid::parse("B118997A-DAD2-E811-AC3F-4CEDDE6E5B57");
        let item = Guid::parse("B218997A-DAD2-E811-AC3F-4CEDDE6E5B57");
        let mut p = Project::default();
        p.custom_fields.push(CustomFieldDef {
            field_id: TEXT1,
            alias: Some("Colour".into()),
            lookup_guid: guid,
            values: vec![LookupValue {
                id: 13,
                guid: item,
                parent_id: Some(0),
                kind: 21,
                value: "Red".into(),
                description: Some("warm".into()),
            }],
            ..CustomFieldDef::default()
        });
        p.tasks.push(Task {
            uid: 1,
            custom: vec![
                value(NUMBER1, FieldValue::Number(0.0)),
                value(FLAG1, FieldValue::Flag(true)),
                value(fields::TASK + 106, FieldValue::Cost(12.5)),
            ],
            ..Task::default()
        });
        p
    }

    #[test]
    fn definitions_cover_configured_and_used_fields() {
        let p = project();
        let xml = render(|x| write_definitions(x, &p));
        let ids: Vec<&str> = xml
            .lines()
            .filter(|l| l.contains("<FieldID>"))
            .map(str::trim)
            .collect();
        // Text1 (alias + list), Flag1 and Cost1 (set); Number1 is zero, so no definition.
        assert_eq!(
            ids,
            vec![
                "<FieldID>188743731</FieldID>",
                "<FieldID>188743752</FieldID>",
                "<FieldID>188743786</FieldID>"
            ]
        );
        assert!(xml.contains("<FieldName>Text1</FieldName>\n        <Alias>Colour</Alias>\n        <Ltuid>B118997A-DAD2-E811-AC3F-4CEDDE6E5B57</Ltuid>"));
        assert!(xml.contains("<FieldName>Flag1</FieldName>"));
        let empty = render(|x| write_definitions(x, &Project::default()));
        assert_eq!(empty, "<ExtendedAttributes/>\n");
    }

    #[test]
    fn values_print_in_mspdi_forms() {
        let p = project();
        let d = DateTime::new(2014, 1, 2, 10, 0, 0).unwrap();
        let values = vec![
            value(fields::TASK + 265, FieldValue::Date(d)),
            value(TEXT1, FieldValue::Text("Red".into())),
            value(NUMBER1, FieldValue::Number(1.0 / 3.0)),
            value(fields::TASK + 106, FieldValue::Cost(12.5)),
            value(FLAG1, FieldValue::Flag(true)),
            value(
                fields::TASK + 103,
                FieldValue::Duration(Duration::new(2.0, TimeUnit::Days)),
            ),
            value(OUTLINE1, FieldValue::Text("Red".into())),
        ];
        let xml = render(|x| write_values(x, &p, &values));
        let compact: String = xml.split_whitespace().collect();
        assert_eq!(
            compact,
            "<ExtendedAttribute><FieldID>188743731</FieldID><Value>Red</Value>\
             <ValueGUID>B218997A-DAD2-E811-AC3F-4CEDDE6E5B57</ValueGUID></ExtendedAttribute>\
             <ExtendedAttribute><FieldID>188743752</FieldID><Value>1</Value></ExtendedAttribute>\
             <ExtendedAttribute><FieldID>188743767</FieldID><Value>0.33</Value></ExtendedAttribute>\
             <ExtendedAttribute><FieldID>188743783</FieldID><Value>PT16H0M0S</Value>\
             <DurationFormat>7</DurationFormat></ExtendedAttribute>\
             <ExtendedAttribute><FieldID>188743786</FieldID><Value>1250</Value></ExtendedAttribute>\
             <ExtendedAttribute><FieldID>188743945</FieldID><Value>2014-01-02T10:00:00</Value></ExtendedAttribute>"
        );
        let codes = render(|x| write_outline_code_values(x, &p, &values));
        assert_eq!(
            codes.split_whitespace().collect::<String>(),
            "<OutlineCode><FieldID>188744096</FieldID></OutlineCode>"
        );
    }

    #[test]
    fn outline_codes_carry_values_and_constants() {
        let p = project();
        let xml = render(|x| write_outline_codes(x, &p));
        let compact: String = xml.split_whitespace().collect();
        assert!(compact.starts_with(
            "<OutlineCodes><OutlineCode><Guid>B118997A-DAD2-E811-AC3F-4CEDDE6E5B57</Guid><FieldID>188743731</FieldID>\
             <Values><Value><ValueID>13</ValueID><FieldGUID>B218997A-DAD2-E811-AC3F-4CEDDE6E5B57</FieldGUID>\
             <Type>21</Type><IsCollapsed>0</IsCollapsed><ParentValueID>0</ParentValueID><Value>Red</Value>\
             <Description>warm</Description></Value></Values><Enterprise>0</Enterprise>"
        ));
        assert!(compact.ends_with(
            "<OnlyTableValuesAllowed>1</OnlyTableValuesAllowed><ShowIndent>1</ShowIndent><Masks><Mask><Level>1</Level>\
             <Type>3</Type><Length>0</Length><Separator>.</Separator></Mask></Masks></OutlineCode></OutlineCodes>"
        ));
        assert_eq!(render(|x| write_outline_codes(x, &Project::default())), "");
    }

    #[test]
    fn list_entries_match_dates_and_durations_by_print_form() {
        let entry = |value: &str| LookupValue {
            id: 1,
            guid: None,
            parent_id: None,
            kind: 4,
            value: value.into(),
            description: None,
        };
        // 12710 days and 4800 tenths of a minute after 1983-12-31
        let raw = (12_710i64 * 65_536 + 4_800).to_string();
        assert_eq!(
            item_as_value(&entry(&raw), CustomKind::Date).as_deref(),
            Some("2018-10-18T08:00:00")
        );
        assert_eq!(
            item_as_value(&entry("4800"), CustomKind::Duration).as_deref(),
            Some("PT8H0M0S")
        );
        assert_eq!(mask_type(9), 5);
        assert!(class_rank(fields::ASSIGNMENT) < class_rank(fields::RESOURCE));
    }
}
