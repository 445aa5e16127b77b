//! Resources (`TBkndRsc`, 196-byte records): uid i32@0, ID i32@4, blank row
//! `[8] & 1`, accrue at u16@20, calendar uid i32@24, available from/to
//! @28/@32, standard/overtime rate f64@36/@44 (per hour), max units i32@52
//! and peak units i32@110 (hundredths of a percent), 6-byte work amounts
//! (thousandths of a minute) and money (cents), deletion flag u16@164, name
//! and initials references @156/@160, extended data @192.

use std::collections::HashSet;

use crate::bytes::{f64_at, i32_at, u16_at, u8_at};
use crate::container::Container;
use crate::error::Result;
use crate::fields::{self, CustomKind, RESOURCE};
use crate::model::{
    Availability, Calendar, CostRate, CustomValue, DateTime, Project, Resource, ResourceType,
    TimeFactors, TimeUnit,
};

use super::blocks::{ExtendedData, FixDeferFix};
use super::tasks::ext_value;
use super::{money_at, storage, work_at, RESOURCE_SIZE};

/// Extended-data keys of resource records.
mod key {
    pub const GROUP: u32 = 61;
    pub const CODE: u32 = 62;
    pub const EMAIL: u32 = 63;
    pub const TEXT1: u32 = 64;
    pub const START1: u32 = 94;
    pub const FINISH1: u32 = 104;
    pub const NUMBER1: u32 = 114;
    pub const DURATION1: u32 = 134;
    pub const DURATION1_UNITS: u32 = 144;
    pub const DATE1: u32 = 157;
    pub const NOTES: u32 = 169;
    pub const COST1: u32 = 170;
}

/// The extended-data key of resource custom field `n` (1-based), and for
/// durations the key of its units.
fn custom_key(kind: CustomKind, n: u32) -> Option<(u32, Option<u32>)> {
    let k = n.checked_sub(1)?;
    let key = match (kind, k) {
        (CustomKind::Text, 0..=29) => key::TEXT1 + k,
        (CustomKind::Start, 0..=9) => key::START1 + k,
        (CustomKind::Finish, 0..=9) => key::FINISH1 + k,
        (CustomKind::Number, 0..=19) => key::NUMBER1 + k,
        (CustomKind::Duration, 0..=9) => {
            return Some((key::DURATION1 + k, Some(key::DURATION1_UNITS + k)))
        }
        (CustomKind::Date, 0..=9) => key::DATE1 + k,
        (CustomKind::Cost, 0..=9) => key::COST1 + k,
        _ => return None,
    };
    Some((key, None))
}

pub fn read(c: &mut Container<'_>, project: &mut Project) -> Result<()> {
    let (fixed, var) = storage(c, "TBkndRsc", RESOURCE_SIZE)?;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for rec in fixed.records() {
        let Some(uid) = i32_at(rec, 0).filter(|&u| u >= 1) else {
            continue;
        };
        if u8_at(rec, 8).unwrap_or(0) & 1 != 0 || u16_at(rec, 164).unwrap_or(0) != 0 {
            continue; // blank row or deleted
        }
        if seen.insert(uid) {
            out.push(decode(rec, uid, &var));
        }
    }
    attach_calendars(&mut project.calendars, &out);
    project.resources = out;
    Ok(())
}

/// Derived calendars no resource uses are dropped; the others belong to
/// their resource and, having no name of their own, show the resource's.
fn attach_calendars(calendars: &mut Vec<Calendar>, resources: &[Resource]) {
    calendars.retain(|c| c.is_base() || resources.iter().any(|r| r.calendar_uid == Some(c.uid)));
    for cal in calendars.iter_mut().filter(|c| !c.is_base()) {
        let Some(r) = resources.iter().find(|r| r.calendar_uid == Some(cal.uid)) else {
            continue;
        };
        cal.resource_uid = Some(r.uid);
        if cal.name.as_deref().is_none_or(str::is_empty) {
            cal.name = Some(
                r.name
                    .clone()
                    .unwrap_or_else(|| "Unnamed Resource".to_string()),
            );
        }
    }
}

fn decode(rec: &[u8], uid: i32, var: &FixDeferFix) -> Resource {
    let ext = ExtendedData::read(var, i32_at(rec, 192).unwrap_or(-1));
    let date = |off: usize| DateTime::from_timestamp(rec, off);
    let units = |off: usize| i32_at(rec, off).map(|v| f64::from(v) / 10_000.0);
    let standard_rate = f64_at(rec, 36).unwrap_or(0.0);
    let overtime_rate = f64_at(rec, 44).unwrap_or(0.0);
    let cost_per_use = money_at(rec, 80).unwrap_or(0.0);
    let available_from = date(28);
    let available_to = date(32);
    let max_units = units(52);
    let notes = ext
        .ansi(key::NOTES, var)
        .map(|s| crate::read::rtf_to_text(&s))
        .filter(|s| !s.is_empty());
    Resource {
        uid,
        id: i32_at(rec, 4).unwrap_or(0),
        name: var
            .string(i32_at(rec, 156).unwrap_or(-1))
            .filter(|s| !s.is_empty()),
        initials: var
            .string(i32_at(rec, 160).unwrap_or(-1))
            .filter(|s| !s.is_empty()),
        resource_type: ResourceType::Work,
        code: ext.string(key::CODE, var),
        group: ext.string(key::GROUP, var),
        email: ext.string(key::EMAIL, var),
        max_units,
        peak_units: units(110),
        available_from,
        available_to,
        accrue_at: u16_at(rec, 20).filter(|v| (1..=3).contains(v)),
        work: work_at(rec, 56),
        actual_work: work_at(rec, 62),
        overtime_work: work_at(rec, 74),
        remaining_work: work_at(rec, 86),
        regular_work: work_at(rec, 92),
        standard_rate: Some(standard_rate),
        standard_rate_units: Some(2),
        overtime_rate: Some(overtime_rate),
        overtime_rate_units: Some(2),
        cost_per_use: Some(cost_per_use),
        cost: money_at(rec, 120),
        actual_cost: money_at(rec, 114),
        overtime_cost: money_at(rec, 138),
        actual_overtime_cost: money_at(rec, 144),
        remaining_cost: money_at(rec, 132),
        remaining_overtime_cost: money_at(rec, 150),
        calendar_uid: i32_at(rec, 24).filter(|&c| c > 0),
        notes,
        work_variance: Some(work_at(rec, 56).unwrap_or(0.0) - work_at(rec, 68).unwrap_or(0.0)),
        cost_variance: Some(money_at(rec, 120).unwrap_or(0.0) - money_at(rec, 126).unwrap_or(0.0)),
        baselines: {
            let b = crate::model::Baseline {
                number: 0,
                work: work_at(rec, 68),
                cost: money_at(rec, 126),
                ..crate::model::Baseline::default()
            };
            if b.is_empty() {
                Vec::new()
            } else {
                vec![b]
            }
        },
        // One rate table entry (A) and one availability period.
        rates: vec![CostRate {
            table: 0,
            from: None,
            to: None,
            standard_rate,
            standard_rate_units: 2,
            overtime_rate,
            overtime_rate_units: 2,
            cost_per_use,
        }],
        availability: vec![Availability {
            from: available_from,
            to: available_to,
            units: max_units.unwrap_or(1.0),
        }],
        custom: custom_values(&ext, var),
        ..Resource::default()
    }
}

/// Custom values of the extended data. Durations here use fixed 8-hour days
/// and no project default unit.
fn custom_values(ext: &ExtendedData, var: &FixDeferFix) -> Vec<CustomValue> {
    let factors = TimeFactors::default();
    let mut out = Vec::new();
    for fam in fields::RESOURCE_CUSTOM {
        for (n, &index) in (1u32..).zip(fam.indexes) {
            let Some((k, units_key)) = custom_key(fam.kind, n) else {
                continue;
            };
            if let Some(value) =
                ext_value(fam.kind, k, units_key, ext, var, &factors, TimeUnit::Days)
            {
                out.push(CustomValue {
                    field_id: RESOURCE | index,
                    value,
                    value_guid: None,
                    value_id: None,
                });
            }
        }
    }
    out.sort_by_key(|v| v.field_id);
    out
}

#[cfg(test)]
mod tests {
    use super::super::blocks::tests::{ext, push_item, utf16};
    use super::*;
    use crate::model::FieldValue;

    #[test]
    fn resource_custom_keys() {
        assert_eq!(custom_key(CustomKind::Text, 30), Some((93, None)));
        assert_eq!(custom_key(CustomKind::Finish, 1), Some((104, None)));
        assert_eq!(custom_key(CustomKind::Duration, 10), Some((143, Some(153))));
        assert_eq!(custom_key(CustomKind::Cost, 10), Some((179, None)));
        assert_eq!(custom_key(CustomKind::Number, 21), None);
        assert_eq!(custom_key(CustomKind::Flag, 1), None);
    }

    #[test]
    fn a_record_decodes_to_a_resource() {
        let mut var = vec![0u8; 4];
        let mut r = vec![0u8; RESOURCE_SIZE];
        r[0..4].copy_from_slice(&4i32.to_le_bytes());
        r[4..8].copy_from_slice(&2i32.to_le_bytes());
        r[20..22].copy_from_slice(&3u16.to_le_bytes());
        r[24..28].copy_from_slice(&5i32.to_le_bytes());
        r[36..44].copy_from_slice(&25.0f64.to_le_bytes());
        r[52..56].copy_from_slice(&10_000i32.to_le_bytes());
        r[56..62].copy_from_slice(&4_800_000u64.to_le_bytes()[..6]);
        let name = push_item(&mut var, &utf16("Ann"));
        r[156..160].copy_from_slice(&name.to_le_bytes());
        let text = push_item(&mut var, &utf16("x"));
        let blob = ext(&[(64, &text.to_le_bytes()), (170, &[0x64, 0, 0, 0, 0, 0])]);
        let e = push_item(&mut var, &blob);
        r[192..196].copy_from_slice(&e.to_le_bytes());
        let var = FixDeferFix::new(var);
        let res = decode(&r, 4, &var);
        assert_eq!((res.uid, res.id), (4, 2));
        assert_eq!(res.name.as_deref(), Some("Ann"));
        assert_eq!(res.max_units, Some(1.0));
        assert_eq!(res.work, Some(80.0));
        let mut cals = vec![
            Calendar {
                uid: 1,
                ..Calendar::default()
            },
            Calendar {
                uid: 5,
                base_uid: Some(1),
                ..Calendar::default()
            },
            Calendar {
                uid: 6,
                base_uid: Some(1),
                ..Calendar::default()
            },
        ];
        attach_calendars(&mut cals, std::slice::from_ref(&res));
        assert_eq!(cals.iter().map(|c| c.uid).collect::<Vec<_>>(), [1, 5]);
        assert_eq!(cals[1].name.as_deref(), Some("Ann"));
        assert_eq!(cals[1].resource_uid, Some(4));
        assert_eq!(res.standard_rate, Some(25.0));
        assert_eq!(res.calendar_uid, Some(5));
        assert_eq!(res.accrue_at, Some(3));
        assert_eq!(
            res.custom.iter().map(|v| &v.value).collect::<Vec<_>>(),
            [&FieldValue::Text("x".into()), &FieldValue::Cost(1.0)]
        );
        // a short record reads as far as it goes
        let short = decode(&r[..30], 4, &var);
        assert_eq!(short.name, None);
        assert_eq!(short.calendar_uid, Some(5));
    }
}
