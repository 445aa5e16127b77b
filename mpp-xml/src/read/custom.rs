//! Custom fields: the `<OutlineCodes>` value lists, the `<ExtendedAttributes>`
//! definitions, and `<ExtendedAttribute>`/`<OutlineCode>` values on entities.

use mpp_core::fields::{self, CustomKind};
use mpp_core::{CustomFieldDef, CustomValue, FieldValue, LookupValue, Project, TimeUnit};

use super::tree::Node;
use super::values::{parse_float, present, xsd_seconds};
use super::Ctx;

/// Applies `change` to the definition of `field_id`, created when missing.
fn with_def(p: &mut Project, field_id: u32, change: impl FnOnce(&mut CustomFieldDef)) {
    match p.custom_fields.iter_mut().find(|d| d.field_id == field_id) {
        Some(d) => change(d),
        None => {
            let mut d = CustomFieldDef {
                field_id,
                ..CustomFieldDef::default()
            };
            change(&mut d);
            p.custom_fields.push(d);
        }
    }
}

fn field_id(n: &Node) -> Option<u32> {
    n.int("FieldID").and_then(|v| u32::try_from(v).ok())
}

/// One `<OutlineCode>` of `<OutlineCodes>`: a value list.
pub fn read_outline_code(n: &Node, p: &mut Project) {
    let Some(id) = field_id(n) else {
        return;
    };
    let values: Vec<LookupValue> = n
        .nested("Values", "Value")
        .filter_map(|v| {
            Some(LookupValue {
                id: v.i32("ValueID")?,
                guid: v.guid("FieldGUID"),
                parent_id: v.i32("ParentValueID"),
                kind: v.u16("Type").unwrap_or(21),
                value: v.string("Value").unwrap_or_default(),
                description: v.string("Description"),
            })
        })
        .collect();
    let guid = n.guid("Guid");
    with_def(p, id, |d| {
        d.lookup_guid = guid.or(d.lookup_guid);
        d.values = values;
    });
}

/// One `<ExtendedAttribute>` of `<ExtendedAttributes>`: alias and type.
pub fn read_definition(n: &Node, p: &mut Project) {
    let Some(id) = field_id(n) else {
        return;
    };
    with_def(p, id, |d| {
        d.alias = n.string("Alias");
        if let Some(g) = n.guid("Ltuid") {
            d.lookup_guid = Some(g);
        }
        d.cf_type = n.u16("CFType");
        d.enterprise = id & fields::USER_DEFINED != 0;
    });
}

/// The `<ExtendedAttribute>` and `<OutlineCode>` values of one entity.
pub fn read_values(ctx: &Ctx, n: &Node, p: &Project) -> Vec<CustomValue> {
    let mut out = Vec::new();
    for e in n.all("ExtendedAttribute") {
        let Some(id) = field_id(e) else { continue };
        let Some((fam, _)) = fields::any_custom_field(id) else {
            continue;
        };
        let Some(text) = e.text("Value") else {
            continue;
        };
        let value = match fam.kind {
            CustomKind::Text | CustomKind::OutlineCode => FieldValue::Text(text.to_string()),
            CustomKind::Number => match parse_float(text) {
                Some(v) => FieldValue::Number(present(v)),
                None => continue,
            },
            CustomKind::Cost => match parse_float(text) {
                Some(v) => FieldValue::Cost(present(v / 100.0)),
                None => continue,
            },
            CustomKind::Flag => FieldValue::Flag(super::values::parse_bool(text)),
            CustomKind::Date | CustomKind::Start | CustomKind::Finish => {
                match mpp_core::DateTime::parse_iso(text) {
                    Some(d) => FieldValue::Date(d),
                    None => continue,
                }
            }
            CustomKind::Duration => {
                let units = e
                    .units("DurationFormat", ctx.default_units)
                    .unwrap_or(TimeUnit::Hours);
                match xsd_seconds(text) {
                    Some(s) => {
                        let mut d = super::values::in_units(s / 60.0, units, &ctx.f);
                        d.value = present(d.value);
                        FieldValue::Duration(d)
                    }
                    None => continue,
                }
            }
        };
        let value_guid = e.guid("ValueGUID");
        let value_id = value_guid.and_then(|g| {
            p.custom_fields
                .iter()
                .find(|d| d.field_id == id)
                .and_then(|d| d.values.iter().find(|v| v.guid == Some(g)))
                .map(|v| v.id)
        });
        out.push(CustomValue {
            field_id: id,
            value,
            value_guid,
            value_id,
        });
    }
    for e in n.all("OutlineCode") {
        let Some(id) = field_id(e) else { continue };
        let value_id = e.i32("ValueID");
        let entry = value_id.and_then(|vid| {
            p.custom_fields
                .iter()
                .find(|d| d.field_id == id)
                .and_then(|d| d.values.iter().rev().find(|v| v.id == vid))
        });
        out.push(CustomValue {
            field_id: id,
            // Without a list entry, the value is known to be set but not what it was.
            value: FieldValue::Text(entry.map_or_else(|| "?".to_string(), |v| v.value.clone())),
            value_guid: entry.and_then(|v| v.guid),
            value_id,
        });
    }
    out
}
