//! Resources (`TBkndRsc`): record selection, field decoding, flag bits,
//! cost rate tables and availability.
//!
//! Per-format differences:
//!
//! | topic | MPP9 | MPP12 | MPP14 |
//! |---|---|---|---|
//! | `Fixed2Meta` | none | 49 bytes | 50 or 51 bytes (guessed) |
//! | uid / ID | u16@0 / i32@4 | u16@0 / i32@4 | through the field map |
//! | deleted records | meta u32@0 & 0x02 | - | - |
//! | work-type bit | meta\[9\] & 0x02 | meta\[9\] & 0x02 | 2010: meta\[9\] & 0x02, 2013+: meta\[12\] & 0x10 |
//! | cost resources | no | meta2\[8\] & 0x10 | meta2\[8\] & 0x10 |

use std::collections::{BTreeMap, HashMap};

use crate::bytes::{f64_at, i32_at, u16_at, u8_at};
use crate::container::{Container, FileFormat};
use crate::error::Result;
use crate::fields::{self, resource as rf, RESOURCE};
use crate::model::{
    Availability, Baseline, CostRate, CustomValue, DateTime, Duration, FieldValue, Project,
    Resource, ResourceType, TimeFactors, TimeUnit,
};
use crate::raw::field_map::{FieldMap, Location};

use super::blocks::{Block, BlockSpec, Fields};
use super::custom::CustomData;
use super::mpp14::{Ctx, RESOURCE_MAP};

/// Rate units code for "per hour" (MSPDI `StandardRateFormat`).
const RATE_PER_HOUR: u16 = 2;
/// The code Project stores for flat (non time-based) rates.
const RATE_FLAT: u16 = 8;

pub fn read(
    c: &mut Container<'_>,
    ctx: &Ctx,
    custom: &CustomData,
    project: &mut Project,
) -> Result<()> {
    let map = ctx.field_map(RESOURCE_MAP);
    let spec = BlockSpec {
        dir: &format!("{}/TBkndRsc", ctx.dir),
        meta_size: 37,
        meta2_sizes: match ctx.format {
            FileFormat::Mpp14 => &[50, 51],
            FileFormat::Mpp12 => &[49],
            _ => &[],
        },
        max_item: None,
        max_item2: None,
        mask: ctx.mask,
        var_kind: ctx.var_kind,
    };
    let block = Block::read(c, &spec)?;
    ctx.check_entities("resources", block.meta.len())?;
    let now = ctx.as_of;
    let index = record_index(ctx, &map, &block);
    // The derived calendar that names this resource as its owner.
    let mut calendars: HashMap<i32, i32> = HashMap::new();
    for cal in &project.calendars {
        if let Some(r) = cal.resource_uid {
            calendars.entry(r).or_insert(cal.uid);
        }
    }
    let mut out = Vec::new();
    for uid in block.var.uids() {
        let Some(&i) = index.get(&uid) else { continue };
        let Some(data) = block.data.item(i) else {
            continue;
        };
        let data2 = block.data2.item(i).unwrap_or_default();
        let meta = block.meta.record(i).unwrap_or_default();
        let meta2 = block.meta2.record(i).unwrap_or_default();
        let f = Fields {
            class: RESOURCE,
            map: &map,
            fixed: [data, data2],
            var: &block.var,
            uid,
        };
        let mut r = decode(ctx, &f, data, now);
        r.uid = uid;
        r.resource_type = resource_type(ctx, meta, meta2);
        apply_meta2(ctx, meta2, block.meta2.item_size(), &mut r);
        r.calendar_uid = calendars.get(&uid).copied();
        r.custom = custom.values(ctx, &f);
        push_flags(&mut r.custom, RESOURCE, &resource_flag_bits(ctx), meta);
        if ctx.format == FileFormat::Mpp9 {
            apply_mpp9_enterprise(&f, &project.properties.factors, &mut r);
        } else {
            push_enterprise_flags(&mut r.custom, meta2);
        }
        r.custom.sort_by_key(|v| v.field_id);
        out.push(r);
    }
    project.resources = out;
    Ok(())
}

/// uid -> item index. Items shorter than the mapped record size are
/// placeholders; MPP9 also marks deleted records in the meta flags.
fn record_index(ctx: &Ctx, map: &FieldMap, block: &Block) -> BTreeMap<i32, usize> {
    let min_size = map.block_size(0);
    let uid_offset = match ctx.format {
        FileFormat::Mpp14 => fixed_offset(map, RESOURCE | rf::UNIQUE_ID).unwrap_or(0),
        _ => 0,
    };
    let mut index = BTreeMap::new();
    for i in 0..block.meta.len() {
        let Some(data) = block.data.item(i) else {
            continue;
        };
        // An item whose next item starts at the same offset is empty (a
        // stale record); it must not claim the following item's bytes.
        let empty = i + 1 < block.meta.len()
            && block.meta.offset(i).is_some()
            && block.meta.offset(i) == block.meta.offset(i + 1);
        if empty || data.len() < min_size {
            continue;
        }
        let Some(uid) = u16_at(data, uid_offset).map(i32::from) else {
            continue;
        };
        if ctx.format == FileFormat::Mpp9 {
            let flags = block.meta.record(i).and_then(|m| u16_at(m, 0)).unwrap_or(0);
            if flags & 0x02 != 0 {
                continue;
            }
            // MPP9 keeps the last record of a uid, the others the first.
            index.insert(uid, i);
        } else {
            index.entry(uid).or_insert(i);
        }
    }
    index
}

pub(crate) fn fixed_offset(map: &FieldMap, field: u32) -> Option<usize> {
    match map.get(field)? {
        Location::Fixed {
            block: 0, offset, ..
        } => Some(offset),
        _ => None,
    }
}

/// A value that MPXJ reads as zero when the field is mapped but holds nothing.
fn mapped_or_zero(f: &Fields<'_>, index: u32, v: Option<f64>) -> Option<f64> {
    v.or_else(|| f.is_mapped(index).then_some(0.0))
}

/// Decodes the mapped standard fields of one resource.
fn decode(ctx: &Ctx, f: &Fields<'_>, data: &[u8], now: DateTime) -> Resource {
    let id = match ctx.format {
        FileFormat::Mpp14 => fixed_offset(f.map, RESOURCE | rf::ID)
            .and_then(|o| i32_at(data, o))
            .or_else(|| f.i32(rf::ID)),
        _ => i32_at(data, 4),
    };
    let guid = if ctx.format == FileFormat::Mpp12 {
        f.fixed.get(1).and_then(|d2| crate::bytes::guid_at(d2, 0))
    } else {
        f.guid(rf::GUID)
    };
    let cost = mapped_or_zero(f, rf::COST, f.cost(rf::COST));
    let baseline_cost = mapped_or_zero(f, rf::BASELINE_COST, f.cost(rf::BASELINE_COST));
    let work = mapped_or_zero(f, rf::WORK, f.work(rf::WORK));
    let baseline_work = mapped_or_zero(f, rf::BASELINE_WORK, f.work(rf::BASELINE_WORK));
    let bcws = f.cost(BCWS);
    let bcwp = f.cost(BCWP);
    let acwp = f.cost(ACWP);
    let mut r = Resource {
        id: id.unwrap_or(0),
        guid,
        name: f.string(rf::NAME),
        initials: f.string(rf::INITIALS),
        phonetics: f.string(PHONETICS),
        nt_account: f.string(rf::WINDOWS_ACCOUNT),
        material_label: f.string(rf::MATERIAL_LABEL),
        code: f.string(rf::CODE),
        group: f.string(rf::GROUP),
        work_group: f.u16(rf::WORKGROUP),
        email: f.string(rf::EMAIL),
        hyperlink: f.raw(rf::HYPERLINK_DATA).and_then(super::tasks::hyperlink),
        peak_units: f.units(rf::PEAK),
        accrue_at: f.u16(rf::ACCRUE_AT).filter(|v| (1..=3).contains(v)),
        work,
        regular_work: f.work(rf::REGULAR_WORK),
        overtime_work: f.work(rf::OVERTIME_WORK),
        actual_work: f.work(rf::ACTUAL_WORK),
        remaining_work: f.work(rf::REMAINING_WORK),
        actual_overtime_work: f.work(rf::ACTUAL_OVERTIME_WORK),
        remaining_overtime_work: f.work(rf::REMAINING_OVERTIME_WORK),
        percent_work_complete: f.percent(rf::PERCENT_WORK_COMPLETE),
        cost,
        overtime_cost: f.cost(rf::OVERTIME_COST),
        actual_cost: f.cost(rf::ACTUAL_COST),
        actual_overtime_cost: f.cost(rf::ACTUAL_OVERTIME_COST),
        remaining_cost: f.cost(rf::REMAINING_COST),
        remaining_overtime_cost: f.cost(rf::REMAINING_OVERTIME_COST),
        // Variances are what MPXJ derives: value minus baseline.
        work_variance: work.zip(baseline_work).map(|(w, b)| w - b),
        cost_variance: cost.zip(baseline_cost).map(|(c, b)| c - b),
        bcws,
        bcwp,
        acwp,
        sv: bcwp.zip(bcws).map(|(p, s)| p - s),
        cv: Some(bcwp.unwrap_or(0.0) - acwp.unwrap_or(0.0)),
        notes: f
            .raw(rf::NOTES)
            .and_then(|b| crate::bytes::ansi_at(b, 0))
            .map(|s| super::rtf_to_text(&s))
            .filter(|s| !s.is_empty()),
        booking_type: f.u16(rf::BOOKING_TYPE),
        created: f.date(rf::CREATED),
        cost_center: f.string(rf::COST_CENTER),
        baselines: baselines(f),
        ..Resource::default()
    };

    // Rates: the file's table A (or the resource's own fields when Project
    // did not store it); the resource shows the entry in effect today.
    let own = CostRate {
        table: 0,
        from: Some(start_na()),
        to: Some(end_na()),
        standard_rate: f.f64(rf::STANDARD_RATE).unwrap_or(0.0),
        standard_rate_units: f
            .u16(rf::STANDARD_RATE_UNITS)
            .map_or(RATE_PER_HOUR, field_rate_units),
        overtime_rate: f.f64(rf::OVERTIME_RATE).unwrap_or(0.0),
        overtime_rate_units: f
            .u16(rf::OVERTIME_RATE_UNITS)
            .map_or(RATE_PER_HOUR, field_rate_units),
        cost_per_use: f.cost(rf::COST_PER_USE).unwrap_or(0.0),
    };
    let mut table_a = None;
    for table in 0..5u8 {
        let Some(blob) = f.raw(rf::COST_RATE_A + u32::from(table)) else {
            continue;
        };
        let entries = cost_rate_table(table, blob);
        if table == 0 {
            table_a = Some(entries.clone());
        }
        r.rates.extend(entries);
    }
    let table_a = table_a.unwrap_or_else(|| vec![own]);
    if let Some(cur) = table_a.iter().find(|e| e.to.is_none_or(|to| now < to)) {
        r.standard_rate = Some(cur.standard_rate);
        r.standard_rate_units = Some(cur.standard_rate_units);
        r.overtime_rate = Some(cur.overtime_rate);
        r.overtime_rate_units = Some(cur.overtime_rate_units);
        r.cost_per_use = Some(cur.cost_per_use);
    }

    // Availability: the stored table, else one period from Available From/To.
    r.availability = match f.raw(rf::AVAILABILITY_DATA) {
        Some(blob) => availability_table(blob),
        None => vec![Availability {
            from: Some(f.date(rf::AVAILABLE_FROM).unwrap_or_else(start_na)),
            to: Some(f.date(rf::AVAILABLE_TO).unwrap_or_else(end_na)),
            units: f.units(rf::MAX_UNITS).unwrap_or(f64::NAN),
        }],
    };
    r.max_units = r
        .availability
        .iter()
        .find(|a| a.from.is_none_or(|s| s <= now) && a.to.is_none_or(|e| now <= e))
        .map(|a| a.units)
        .filter(|u| !u.is_nan());
    r.availability
        .retain(|a| !a.units.is_nan() || a.from.is_some());
    for a in r.availability.iter_mut() {
        if a.units.is_nan() {
            a.units = 1.0;
        }
    }
    let (from, to) = available_range(&r.availability, now);
    r.available_from = from;
    r.available_to = to;
    r.over_allocated = r.peak_units.unwrap_or(0.0) > r.max_units.unwrap_or(0.0);
    r
}

const BCWS: u32 = 51;
const BCWP: u32 = 52;
const ACWP: u32 = 53;
const PHONETICS: u32 = 252;

/// A rate units field: the work-units code, with "flat" shown as per hour.
fn field_rate_units(code: u16) -> u16 {
    if code == RATE_FLAT {
        RATE_PER_HOUR
    } else {
        code
    }
}

/// Resource baselines: work 15 / cost 17, then Baseline1..10 at 342/343 + 10 each.
fn baselines(f: &Fields<'_>) -> Vec<Baseline> {
    let mut out = Vec::new();
    for n in 0..=10u8 {
        let (w, c) = if n == 0 {
            (rf::BASELINE_WORK, rf::BASELINE_COST)
        } else {
            let b = 342 + 10 * u32::from(n - 1);
            (b, b + 1)
        };
        let b = Baseline {
            number: n,
            work: f.work(w),
            cost: f.cost(c),
            ..Baseline::default()
        };
        if !b.is_empty() {
            out.push(b);
        }
    }
    out
}

/// The "enterprise data" block of MPP9 resources (field 341): a small
/// property block, `u32 size, u32 count, count x {u32 field id, u32 offset}`,
/// each value running to the next offset.
pub(crate) fn props_block(data: &[u8]) -> Vec<(u32, &[u8])> {
    let size = crate::bytes::u32_at(data, 0)
        .and_then(|s| usize::try_from(s).ok())
        .unwrap_or(0)
        .min(data.len());
    let count = crate::bytes::u32_at(data, 4)
        .and_then(|c| usize::try_from(c).ok())
        .unwrap_or(0)
        .min(data.len().saturating_sub(8) / 8);
    let mut items: Vec<(usize, u32)> = (0..count)
        .filter_map(|i| {
            let at = 8 + i * 8;
            let key = crate::bytes::u32_at(data, at)?;
            let off = usize::try_from(crate::bytes::u32_at(data, at + 4)?).ok()?;
            Some((off, key))
        })
        .collect();
    items.sort_unstable();
    items.dedup_by_key(|it| it.0);
    let mut out = Vec::new();
    for (k, &(off, key)) in items.iter().enumerate() {
        let end = items.get(k + 1).map_or(size, |n| n.0);
        if let Some(v) = data.get(off..end.max(off)) {
            out.push((key, v));
        }
    }
    out
}

/// MPP9 resources keep their creation date, generic flag, enterprise flags
/// and enterprise custom fields in the enterprise data block.
fn apply_mpp9_enterprise(f: &Fields<'_>, factors: &TimeFactors, r: &mut Resource) {
    const CREATED_KEY: u32 = RESOURCE | 323;
    const FLAG1_KEY: u32 = RESOURCE | 127;
    const GENERIC_KEY: u32 = RESOURCE | rf::GENERIC;
    let Some(data) = f.raw(crate::fields::resource::ENTERPRISE_DATA) else {
        return;
    };
    for (key, v) in props_block(data) {
        let index = key & 0xFFFF;
        let value = match key {
            CREATED_KEY => {
                if let Some(d) = DateTime::from_timestamp(v, 0) {
                    r.created = Some(d);
                }
                None
            }
            GENERIC_KEY => {
                r.is_generic = u16_at(v, 0).is_some_and(|g| g != 0);
                None
            }
            FLAG1_KEY => {
                let bits = crate::bytes::u32_at(v, 0).unwrap_or(0);
                for k in 0..20u32 {
                    if bits & (0x2 << k) != 0 {
                        push_custom(&mut r.custom, RESOURCE | (506 + k), FieldValue::Flag(true));
                    }
                }
                None
            }
            _ if key & 0xFFFF_0000 != RESOURCE => None,
            _ => match index {
                446..=455 => f64_at(v, 0).map(|c| FieldValue::Cost(c / 100.0)),
                456..=485 => DateTime::from_timestamp(v, 0).map(FieldValue::Date),
                486..=495 => i32_at(v, 0).map(|tenths| {
                    let units = if v.len() < 6 {
                        TimeUnit::Days
                    } else {
                        TimeUnit::from_code(u16_at(v, 4).unwrap_or(7), TimeUnit::Days)
                    };
                    FieldValue::Duration(Duration::from_tenths(f64::from(tenths), units, factors))
                }),
                546..=585 => f64_at(v, 0).map(FieldValue::Number),
                646..=685 => crate::bytes::utf16_at(v, 0).map(FieldValue::Text),
                _ => None,
            },
        };
        if let Some(value) = value {
            push_custom(&mut r.custom, key, value);
        }
    }
}

/// Sets (replacing any earlier value) a custom field value.
fn push_custom(custom: &mut Vec<CustomValue>, field_id: u32, value: FieldValue) {
    custom.retain(|v| v.field_id != field_id);
    custom.push(CustomValue {
        field_id,
        value,
        value_guid: None,
        value_id: None,
    });
}

/// 1984-01-01 00:00, Project's "NA" start.
fn start_na() -> DateTime {
    DateTime::from_mpp(1, 0)
}

/// 2049-12-31 23:59, Project's "NA" end.
fn end_na() -> DateTime {
    DateTime::from_mpp(24_107, 86_340)
}

/// A u32 at `off` read as a signed count of tenths of a minute since the epoch.
fn tenths_at(data: &[u8], off: usize) -> Option<DateTime> {
    let v = i32_at(data, off)?;
    Some(DateTime::from_mpp(0, i64::from(v) * 6))
}

/// A cost rate table blob: 16-byte header, then 44-byte entries holding the
/// rates per hour, their units, cost per use and the end of the entry.
pub(crate) fn cost_rate_table(table: u8, data: &[u8]) -> Vec<CostRate> {
    let mut entries: Vec<CostRate> = Vec::new();
    let mut off = 16usize;
    while let Some(rec) = data.get(off..off + 44) {
        off += 44;
        let Some(mut end) = tenths_at(rec, 40) else {
            break;
        };
        if end > end_na() {
            end = end_na();
        } else if (end.time_of_day() / 60) % 5 == 0 {
            // An end on a round minute is really the next entry's start.
            end = end.add_secs(-60);
        }
        if end.time_of_day() % 60 != 0 {
            // Seconds mean a garbage entry.
            continue;
        }
        entries.push(CostRate {
            table,
            from: None,
            to: Some(end),
            standard_rate: f64_at(rec, 0).unwrap_or(0.0),
            standard_rate_units: table_rate_units(u16_at(rec, 8).unwrap_or(0xFFFF)),
            overtime_rate: f64_at(rec, 16).unwrap_or(0.0),
            overtime_rate_units: table_rate_units(u16_at(rec, 24).unwrap_or(0xFFFF)),
            cost_per_use: f64_at(rec, 32).unwrap_or(0.0) / 100.0,
        });
    }
    entries.sort_by_key(|e| e.to);
    let mut prev: Option<DateTime> = None;
    for e in entries.iter_mut() {
        e.from = Some(prev.map_or_else(start_na, |p| p.add_secs(60)));
        prev = e.to;
    }
    entries
}

/// Units of a rate table entry: 0xFFFF = per hour, "flat" shown as per hour.
fn table_rate_units(code: u16) -> u16 {
    if code == 0xFFFF || code == RATE_FLAT {
        RATE_PER_HOUR
    } else {
        code
    }
}

/// The availability blob: u16 count, then from offset 12 20-byte entries
/// (u32 start in tenths of a minute, f64 units in hundredths of a percent);
/// each period ends a minute before the next entry's start.
pub(crate) fn availability_table(data: &[u8]) -> Vec<Availability> {
    let count = usize::from(u16_at(data, 0).unwrap_or(0));
    let mut out = Vec::new();
    let mut off = 12usize;
    for _ in 0..count {
        let Some(start) = tenths_at(data, off) else {
            break;
        };
        let units = f64_at(data, off + 4).unwrap_or(0.0);
        if units != 0.0 {
            let end = tenths_at(data, off + 20)
                .map_or_else(end_na, |e| e.add_secs(-60))
                .min(end_na());
            out.push(Availability {
                from: Some(start.max(start_na())),
                to: Some(end),
                units: units / 10_000.0,
            });
        }
        off += 20;
    }
    out.sort_by(|a, b| a.from.cmp(&b.from).then(a.to.cmp(&b.to)));
    out
}

/// Whether a table is the single "always available" period.
fn is_default_range(table: &[Availability]) -> bool {
    match table {
        [] => true,
        [one] => {
            one.from.is_none_or(|s| s == start_na())
                && one.to.is_none_or(|e| e > end_na().add_secs(-60))
        }
        _ => false,
    }
}

/// Available From / To as of `now`: the bounds of the period in effect (or
/// the gap around `now`), none for "NA" bounds and for the default table.
fn available_range(table: &[Availability], now: DateTime) -> (Option<DateTime>, Option<DateTime>) {
    if is_default_range(table) {
        return (None, None);
    }
    let start_of = |a: &Availability| a.from.unwrap_or_else(start_na);
    let end_of = |a: &Availability| a.to.unwrap_or_else(end_na);
    let mut from = None;
    let mut prev_end: Option<DateTime> = None;
    let mut found = false;
    for a in table {
        if now < start_of(a) {
            from = prev_end.map(|e| e.add_secs(60));
            found = true;
            break;
        }
        if end_of(a) > end_na().add_secs(-60) || now <= end_of(a) {
            from = (start_of(a) != start_na()).then(|| start_of(a));
            found = true;
            break;
        }
        prev_end = Some(end_of(a));
    }
    if !found {
        from = prev_end.map(|e| e.add_secs(60));
    }
    let mut to = None;
    for a in table {
        if now > end_of(a) {
            continue;
        }
        if now < start_of(a) {
            to = Some(start_of(a).add_secs(-60));
        } else if end_of(a) <= end_na().add_secs(-60) {
            to = Some(end_of(a));
        }
        break;
    }
    (from, to)
}

/// Work / material / cost from the meta bits.
fn resource_type(ctx: &Ctx, meta: &[u8], meta2: &[u8]) -> ResourceType {
    let (off, mask) = if ctx.is_2013_plus() {
        (12, 0x10)
    } else {
        (9, 0x02)
    };
    if u8_at(meta, off).unwrap_or(0) & mask != 0 {
        ResourceType::Work
    } else if ctx.format != FileFormat::Mpp9 && u8_at(meta2, 8).unwrap_or(0) & 0x10 != 0 {
        ResourceType::Cost
    } else {
        ResourceType::Material
    }
}

/// Budget, generic and enterprise bits of the second meta record.
fn apply_meta2(ctx: &Ctx, meta2: &[u8], item_size: usize, r: &mut Resource) {
    match ctx.format {
        FileFormat::Mpp14 => {
            let new = ctx.is_2013_plus();
            r.is_budget = bit(meta2, 8, if new { 0x40 } else { 0x20 });
            let generic = match (new, item_size) {
                (false, _) => 0x0400_0000,
                (true, 50) => 0x1000_0000,
                (true, _) => 0x8000_0000,
            };
            r.is_generic = bit(meta2, 32, generic);
            r.is_enterprise = bit(meta2, 48, 0x20);
        }
        FileFormat::Mpp12 => {
            r.is_budget = bit(meta2, 8, 0x20);
            r.is_generic = bit(meta2, 32, 0x0400_0000);
            r.is_enterprise = bit(meta2, 48, 0x10);
        }
        _ => {}
    }
}

/// Flag1..20 bit positions (offset, mask) in the resource meta record.
fn resource_flag_bits(ctx: &Ctx) -> [(usize, u32); 20] {
    let new = ctx.is_2013_plus();
    std::array::from_fn(|k| {
        let k = k as u32;
        match (new, k) {
            (false, 0..=8) => (28, 0x40 << k),
            (false, 9) => (28, 0x20),
            (false, _) => (28, 0x8000 << (k - 10)),
            (true, 0..=8) => (19, 0x80 << k),
            (true, 9) => (19, 0x40),
            (true, _) => (24, 0x80 << (k - 10)),
        }
    })
}

/// Adds a `Flag(true)` custom value for every set flag bit (Flag1..20).
pub(crate) fn push_flags(
    custom: &mut Vec<CustomValue>,
    class: u32,
    bits: &[(usize, u32); 20],
    meta: &[u8],
) {
    let Some(fam) = flag_family(class) else {
        return;
    };
    for (&(off, mask), &index) in bits.iter().zip(fam.indexes) {
        if bit(meta, off, mask) {
            push_custom(custom, class | index, FieldValue::Flag(true));
        }
    }
}

/// Enterprise Flag1..20 (resource fields 506..525): bits 0x10.. of the u32
/// at 16 of the second meta record.
fn push_enterprise_flags(custom: &mut Vec<CustomValue>, meta2: &[u8]) {
    const ENTERPRISE_FLAG1: u32 = 506;
    for k in 0..20u32 {
        if bit(meta2, 16, 0x10 << k) {
            push_custom(
                custom,
                RESOURCE | (ENTERPRISE_FLAG1 + k),
                FieldValue::Flag(true),
            );
        }
    }
}

/// A bit test on the u32 at `offset` (records may end early: missing bytes are 0).
pub(crate) fn bit(meta: &[u8], offset: usize, mask: u32) -> bool {
    let mut b = [0u8; 4];
    for (k, slot) in b.iter_mut().enumerate() {
        *slot = u8_at(meta, offset + k).unwrap_or(0);
    }
    u32::from_le_bytes(b) & mask != 0
}

/// The Flag family of an entity class.
pub(crate) fn flag_family(class: u32) -> Option<&'static fields::CustomFamily> {
    fields::custom_families(class)
        .iter()
        .find(|f| f.kind == fields::CustomKind::Flag)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::raw::field_map::tests::entry;
    use crate::raw::field_map::VarKeyRule;
    use crate::raw::props::Props;
    use crate::raw::var::tests::build12;
    use crate::raw::var::{VarData, VarMetaKind};

    /// A context for `format` saved by application `app_version`.
    pub(crate) fn ctx(format: FileFormat, app_version: u32) -> Ctx {
        Ctx {
            format,
            app_version,
            dir: "   114",
            props: Props::default(),
            mask: 0,
            var_kind: VarMetaKind::V12,
            key_rule: VarKeyRule::FieldIndex,
            default_units: TimeUnit::Days,
            as_of: DateTime::from_mpp(15_000, 0),
            max_entities: usize::MAX,
        }
    }

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime {
        DateTime::new(y, mo, d, h, mi, 0).unwrap()
    }

    /// Tenths of a minute since the epoch, as stored in rate and availability blobs.
    fn tenths(d: DateTime) -> u32 {
        u32::try_from((d.secs() - DateTime::from_mpp(0, 0).secs()) / 6).unwrap()
    }

    fn rate_entry(
        std: f64,
        std_units: u16,
        ot: f64,
        ot_units: u16,
        per_use: f64,
        end: u32,
    ) -> Vec<u8> {
        let mut e = vec![0u8; 44];
        e[0..8].copy_from_slice(&std.to_le_bytes());
        e[8..10].copy_from_slice(&std_units.to_le_bytes());
        e[16..24].copy_from_slice(&ot.to_le_bytes());
        e[24..26].copy_from_slice(&ot_units.to_le_bytes());
        e[32..40].copy_from_slice(&per_use.to_le_bytes());
        e[40..44].copy_from_slice(&end.to_le_bytes());
        e
    }

    #[test]
    fn cost_rate_tables_chain_their_entries() {
        let mut blob = vec![0u8; 16];
        // Second entry first: entries are sorted by their end.
        blob.extend(rate_entry(20.0, 3, 30.0, 0xFFFF, 1500.0, u32::MAX / 2));
        // Ends on a round minute: really the next entry's start.
        blob.extend(rate_entry(
            5.0,
            0xFFFF,
            10.0,
            8,
            0.0,
            tenths(dt(2009, 6, 15, 8, 0)),
        ));
        // An end with seconds is garbage.
        blob.extend(rate_entry(
            99.0,
            2,
            0.0,
            2,
            0.0,
            tenths(dt(2010, 1, 1, 0, 0)) + 1,
        ));
        blob.extend([1, 2, 3]); // trailing partial entry
        let t = cost_rate_table(1, &blob);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].from, Some(dt(1984, 1, 1, 0, 0)));
        assert_eq!(t[0].to, Some(dt(2009, 6, 15, 7, 59)));
        assert_eq!((t[0].standard_rate, t[0].standard_rate_units), (5.0, 2));
        assert_eq!(t[0].overtime_rate_units, 2, "flat rates show as per hour");
        assert_eq!(t[1].from, Some(dt(2009, 6, 15, 8, 0)));
        assert_eq!(t[1].to, Some(end_na()));
        assert_eq!((t[1].standard_rate, t[1].standard_rate_units), (20.0, 3));
        assert_eq!(t[1].cost_per_use, 15.0);
        assert!(t.iter().all(|e| e.table == 1));
        assert!(cost_rate_table(0, &[0xFF; 20]).is_empty());
    }

    #[test]
    fn availability_periods_end_before_the_next_start() {
        let mut blob = vec![0u8; 12];
        blob[0] = 3;
        for (start, units) in [
            (tenths(dt(2020, 1, 1, 8, 0)), 5000.0),
            (tenths(dt(2020, 2, 1, 8, 0)), 0.0),
            (tenths(dt(2020, 3, 1, 8, 0)), 20000.0),
        ] {
            blob.extend(start.to_le_bytes());
            blob.extend(f64::to_le_bytes(units));
            blob.extend([0u8; 8]);
        }
        let a = availability_table(&blob);
        assert_eq!(a.len(), 2, "zero-unit periods are gaps");
        assert_eq!(a[0].from, Some(dt(2020, 1, 1, 8, 0)));
        assert_eq!(a[0].to, Some(dt(2020, 2, 1, 7, 59)));
        assert_eq!(a[0].units, 0.5);
        assert_eq!(a[1].to, Some(end_na()), "the last period runs on");
        assert_eq!(a[1].units, 2.0);
        // Today inside the second period: available from its start, to NA.
        let (from, to) = available_range(&a, dt(2021, 5, 5, 0, 0));
        assert_eq!((from, to), (Some(dt(2020, 3, 1, 8, 0)), None));
        // In the gap: from the end of the first, to the start of the next.
        let (from, to) = available_range(&a, dt(2020, 2, 10, 0, 0));
        assert_eq!(from, Some(dt(2020, 2, 1, 8, 0)));
        assert_eq!(to, Some(dt(2020, 3, 1, 7, 59)));
        assert_eq!(
            available_range(&a[1..], dt(2020, 1, 1, 0, 0)).1,
            Some(dt(2020, 3, 1, 7, 59))
        );
        assert!(availability_table(&[0xFF, 0xFF, 0]).is_empty());
    }

    #[test]
    fn flag_bits_follow_the_saving_application() {
        let mut meta = vec![0u8; 37];
        // 2010 layout: Flag1 = 0x40 and Flag10 = 0x20 at 28, Flag11 = 0x8000.
        meta[28] = 0x60;
        meta[29] = 0x80;
        let mut custom = Vec::new();
        push_flags(
            &mut custom,
            RESOURCE,
            &resource_flag_bits(&ctx(FileFormat::Mpp14, 14)),
            &meta,
        );
        let ids: Vec<u32> = custom.iter().map(|v| v.field_id - RESOURCE).collect();
        assert_eq!(ids, vec![127, 126, 195]);
        assert!(custom.iter().all(|v| v.value == FieldValue::Flag(true)));
        // 2013+: Flag10 = 0x40 at 19, Flag20 = 0x10000 at 24.
        let mut meta = vec![0u8; 37];
        meta[19] = 0x40;
        meta[26] = 0x01;
        let mut custom = Vec::new();
        push_flags(
            &mut custom,
            RESOURCE,
            &resource_flag_bits(&ctx(FileFormat::Mpp14, 16)),
            &meta,
        );
        let ids: Vec<u32> = custom.iter().map(|v| v.field_id - RESOURCE).collect();
        assert_eq!(ids, vec![126, 204]);
        // Short records read as zero bits.
        let mut custom = Vec::new();
        push_flags(
            &mut custom,
            RESOURCE,
            &resource_flag_bits(&ctx(FileFormat::Mpp12, 12)),
            &[0xFF; 29],
        );
        assert_eq!(custom.len(), 3);
    }

    #[test]
    fn resource_type_and_meta2_bits() {
        let c10 = ctx(FileFormat::Mpp14, 14);
        let c16 = ctx(FileFormat::Mpp14, 16);
        let mut meta = vec![0u8; 37];
        let mut meta2 = vec![0u8; 50];
        assert_eq!(resource_type(&c10, &meta, &meta2), ResourceType::Material);
        meta2[8] = 0x10 | 0x40;
        assert_eq!(resource_type(&c10, &meta, &meta2), ResourceType::Cost);
        meta[9] = 0x02;
        assert_eq!(resource_type(&c10, &meta, &meta2), ResourceType::Work);
        assert_eq!(resource_type(&c16, &meta, &meta2), ResourceType::Cost);
        meta2[35] = 0x10; // u32@32 & 0x1000_0000
        meta2[48] = 0x20;
        let mut r = Resource::default();
        apply_meta2(&c16, &meta2, 50, &mut r);
        assert!(r.is_budget && r.is_generic && r.is_enterprise);
        let mut r = Resource::default();
        apply_meta2(&c10, &meta2, 50, &mut r);
        assert!(!r.is_budget && !r.is_generic && r.is_enterprise);
        let mut custom = Vec::new();
        let mut m2 = vec![0u8; 50];
        m2[16] = 0x10 | 0x80;
        push_enterprise_flags(&mut custom, &m2);
        let ids: Vec<u32> = custom.iter().map(|v| v.field_id - RESOURCE).collect();
        assert_eq!(ids, vec![506, 509]);
    }

    #[test]
    fn decodes_mapped_fields_and_rates() {
        // Fixed: uid@0, ID@4, max units@8, standard rate@16, std units@24,
        // overtime rate@26, cost@34, baseline cost@42; var: name, table B.
        let r = RESOURCE;
        let map_data: Vec<u8> = [
            entry(r | rf::UNIQUE_ID, 0, 0, 3, 4),
            entry(r | rf::ID, 4, 0, 3, 4),
            entry(r | rf::MAX_UNITS, 8, 0, 0x66, 8),
            entry(r | rf::STANDARD_RATE, 16, 0, 5, 8),
            entry(r | rf::STANDARD_RATE_UNITS, 24, 0, 2, 2),
            entry(r | rf::OVERTIME_RATE, 26, 0, 5, 8),
            entry(r | rf::COST, 34, 0, 0x65, 8),
            entry(r | rf::BASELINE_COST, 42, 0, 0x65, 8),
            entry(r | rf::NAME, 0xFFFF, 0, 8, 0),
            entry(r | (rf::COST_RATE_A + 1), 0xFFFF, 0, 0x1D, 0),
        ]
        .concat();
        let map = FieldMap::parse(&map_data, VarKeyRule::FieldIndex, |_| None);
        let mut data = vec![0u8; 50];
        data[0..4].copy_from_slice(&7i32.to_le_bytes());
        data[4..8].copy_from_slice(&3i32.to_le_bytes());
        data[8..16].copy_from_slice(&5000f64.to_le_bytes());
        data[16..24].copy_from_slice(&50f64.to_le_bytes());
        data[24..26].copy_from_slice(&3u16.to_le_bytes());
        data[26..34].copy_from_slice(&8f64.to_le_bytes());
        data[34..42].copy_from_slice(&123_400f64.to_le_bytes());
        let mut table_b = vec![0u8; 16];
        table_b.extend(rate_entry(9.0, 2, 0.0, 2, 0.0, u32::MAX / 2));
        let name: Vec<u8> = "Ann".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let (vm, vd) = build12(&[(7, rf::NAME as u16, &name), (7, 62, &table_b)]);
        let var = VarData::parse(&vm, vd, VarMetaKind::V12);
        let f = Fields {
            class: RESOURCE,
            map: &map,
            fixed: [&data, &[]],
            var: &var,
            uid: 7,
        };
        let res = decode(&ctx(FileFormat::Mpp14, 16), &f, &data, dt(2026, 1, 1, 0, 0));
        assert_eq!(res.id, 3);
        assert_eq!(res.name.as_deref(), Some("Ann"));
        assert_eq!(res.max_units, Some(0.5));
        assert_eq!(
            (res.standard_rate, res.standard_rate_units),
            (Some(50.0), Some(3))
        );
        assert_eq!(
            (res.overtime_rate, res.overtime_rate_units),
            (Some(8.0), Some(2))
        );
        assert_eq!(res.cost, Some(1234.0));
        // The baseline is mapped but empty: MPXJ reads it as zero.
        assert_eq!(res.cost_variance, Some(1234.0));
        assert_eq!(res.rates.len(), 1);
        assert_eq!((res.rates[0].table, res.rates[0].standard_rate), (1, 9.0));
        assert_eq!(res.availability.len(), 1);
        assert_eq!(res.available_from, None);
    }

    #[test]
    fn props_blocks_split_at_the_offsets() {
        let mut d = Vec::new();
        d.extend(30u32.to_le_bytes());
        d.extend(2u32.to_le_bytes());
        d.extend(9u32.to_le_bytes());
        d.extend(28u32.to_le_bytes());
        d.extend(5u32.to_le_bytes());
        d.extend(24u32.to_le_bytes());
        d.extend([1, 2, 3, 4, 5, 6, 0xAA, 0xAA]);
        let items = props_block(&d);
        assert_eq!(items, vec![(5, &[1u8, 2, 3, 4][..]), (9, &[5u8, 6][..])]);
        assert!(props_block(&[0xFF; 12]).is_empty());
    }
}
