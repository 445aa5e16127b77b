//! Tasks (`TBkndTask`): record selection, field decoding, ID repair and the
//! outline structure.
//!
//! Per-format differences:
//!
//! | topic | MPP9 | MPP12 | MPP14 |
//! |---|---|---|---|
//! | `Fixed2` block | none | 86-byte meta | 92..96-byte meta (guessed) |
//! | `FixedData` masked | yes | no | no |
//! | start / finish / duration | fields 35 / 36 / 29 | same | 35/36/29 are the *scheduled* values; manual tasks use 1283 / 1284 / 1288 |
//! | flag bits | byte tests | byte tests | 2010 and 2013+ tables |
//! | row order | raw ID | `Fixed2Data`@16 | `Fixed2Data`@16 |

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::bytes::{f64_at, i32_at, u16_at, u32_at, u8_at, utf16_at};
use crate::container::{Container, FileFormat};
use crate::error::Result;
use crate::fields::{self, task as tf, TASK};
use crate::model::{
    Baseline, CustomValue, DateTime, Duration, FieldValue, Hyperlink, Project, Task, TimeFactors,
    TimeUnit,
};
use crate::raw::field_map::Location;
use crate::raw::props::Props;

use super::blocks::{Block, BlockSpec, Fields};
use super::custom::CustomData;
use super::mpp14::{Ctx, TASK_MAP};
use super::subprojects;

/// Blank rows are stored as short items (16 bytes; 8 in MPP9): uid at 0, ID at 4.
fn null_task_size(format: FileFormat) -> usize {
    if format == FileFormat::Mpp9 {
        8
    } else {
        16
    }
}

/// Blank-row uid and ID: i32 in MPP14, u16 in older formats.
fn null_ids(format: FileFormat, data: &[u8]) -> (i32, i32) {
    if format == FileFormat::Mpp14 {
        (i32_at(data, 0).unwrap_or(0), i32_at(data, 4).unwrap_or(0))
    } else {
        (
            u16_at(data, 0).map_or(0, i32::from),
            u16_at(data, 4).map_or(0, i32::from),
        )
    }
}

pub fn read(
    c: &mut Container<'_>,
    ctx: &Ctx,
    custom: &CustomData,
    project: &mut Project,
) -> Result<()> {
    let map = ctx.field_map(TASK_MAP);
    let block0 = map.block_size(0);
    let has_fixed2 = ctx.format != FileFormat::Mpp9;
    let spec = BlockSpec {
        dir: &format!("{}/TBkndTask", ctx.dir),
        meta_size: 47,
        meta2_sizes: match ctx.format {
            FileFormat::Mpp14 => &[92, 93, 94, 95, 96],
            FileFormat::Mpp12 => &[86],
            _ => &[],
        },
        max_item: Some(if ctx.format == FileFormat::Mpp14 {
            block0
        } else {
            768
        }),
        max_item2: None,
        mask: if ctx.format == FileFormat::Mpp9 {
            ctx.mask
        } else {
            0
        },
        var_kind: ctx.var_kind,
    };
    let block = Block::read(c, &spec)?;
    ctx.check_entities("tasks", block.meta.len())?;
    let null_size = null_task_size(ctx.format);
    let uid_offset = fixed_offset(&map, tf::UNIQUE_ID).unwrap_or(0);
    let id_offset = fixed_offset(&map, tf::ID).unwrap_or(4);
    let inserted = subprojects::decode(
        ctx.props.get(subprojects::PROPS_KEY).unwrap_or_default(),
        ctx.format,
    );

    // uid -> item index (None = deleted). Walk backwards: later duplicates win.
    let mut selected: BTreeMap<i32, Option<usize>> = BTreeMap::new();
    for i in (3..block.meta.len()).rev() {
        let Some(data) = block.data.item(i) else {
            continue;
        };
        if has_fixed2 && block.data2.item(i).is_none() {
            continue;
        }
        let flags = block.meta.record(i).and_then(|m| u32_at(m, 0)).unwrap_or(0);
        if flags & 0x02 != 0 {
            if let Some(uid) = u16_at(data, 0) {
                // MPP9 lets a deleted uid shadow any record of it.
                if ctx.format == FileFormat::Mpp9 {
                    selected.insert(i32::from(uid), None);
                } else {
                    selected.entry(i32::from(uid)).or_insert(None);
                }
            }
        } else if data.len() == null_size {
            if let Some(uid) = i32_at(data, 0) {
                selected.entry(uid).or_insert(Some(i));
            }
        } else if block0 == 0 || data.len() * 100 / block0 > 75 {
            let Some(uid) = i32_at(data, uid_offset) else {
                continue;
            };
            let taken = selected.contains_key(&uid);
            if !taken || (block.var.contains(uid) && flags & 0x04 == 0) {
                selected.insert(uid, Some(i));
            }
        }
    }

    let factors = project.properties.factors;
    let default_units = ctx.default_units;
    let mut tasks: Vec<Task> = Vec::new();
    let mut by_id: HashMap<i32, usize> = HashMap::new();
    // Row order: real tasks by their ordering key, blank rows by raw ID.
    let mut order: Vec<(f64, i32)> = Vec::new();
    let mut null_order: BTreeMap<i32, i32> = BTreeMap::new();
    let mut any_wbs = false;
    let mut external_by_table: HashSet<i32> = HashSet::new();

    for (&uid, &index) in &selected {
        let Some(index) = index else { continue };
        let Some(data) = block.data.item(index) else {
            continue;
        };
        let meta = block.meta.record(index).unwrap_or_default();
        if data.len() == null_size {
            let (uid, id) = null_ids(ctx.format, data);
            if let std::collections::btree_map::Entry::Vacant(e) = null_order.entry(id) {
                e.insert(uid);
                tasks.push(null_task(uid, id));
            }
            continue;
        }
        // Short records: MPP14 pads them; MPP9 skips them; MPP12 keeps only the summary task.
        let short = data.len() < block0;
        if short
            && (ctx.format == FileFormat::Mpp9 || (ctx.format == FileFormat::Mpp12 && uid != 0))
        {
            continue;
        }
        if ctx.format == FileFormat::Mpp9 && uid != 0 && !block.var.contains(uid) {
            continue;
        }
        let mut padded;
        let data = if data.len() < block0 + 8 {
            padded = data.to_vec();
            padded.resize(block0 + 8, 0);
            padded.as_slice()
        } else {
            data
        };
        let data2 = block.data2.item(index).unwrap_or_default();
        let meta2 = block.meta2.record(index).unwrap_or_default();
        let f = Fields {
            class: TASK,
            map: &map,
            fixed: [data, data2],
            var: &block.var,
            uid,
        };
        let id = i32_at(data, id_offset).unwrap_or(0);
        if let Some(&other) = by_id.get(&id) {
            // Phantom tasks can share an ID with the real one: keep the one with var data.
            if !block.var.contains(uid) {
                continue;
            }
            if tasks.get(other).is_some_and(|t| t.name.is_none()) {
                if let Some(t) = tasks.get_mut(other) {
                    t.uid = i32::MIN; // marked for removal
                }
            }
        }
        let mut task = decode(ctx, &f, &factors, default_units);
        task.uid = uid;
        task.id = id;
        if inserted.apply(&mut task, f.i32(tf::SUBPROJECT_TASK_UID)) {
            external_by_table.insert(uid);
        }
        task.custom = custom.values(ctx, &f);
        apply_meta_flags(ctx, meta, meta2, &mut task);
        if task.wbs.is_some() {
            any_wbs = true;
        }
        // Tasks without a name and without dates are blank rows after all.
        if task.name.is_none()
            && (task.start.is_none() || task.finish.is_none() || task.created.is_none())
        {
            let id = i32_at(data, 4).unwrap_or(0);
            let uid = i32_at(data, 0).unwrap_or(uid);
            if let std::collections::btree_map::Entry::Vacant(e) = null_order.entry(id) {
                e.insert(uid);
                tasks.push(null_task(uid, id));
            }
            continue;
        }
        match data2.get(16..24).and_then(|b| f64_at(b, 0)) {
            Some(key) if data2.len() >= 24 => order.push((key, uid)),
            _ => {
                null_order.insert(id, uid);
            }
        }
        by_id.insert(id, tasks.len());
        tasks.push(task);
    }
    tasks.retain(|t| t.uid != i32::MIN);
    // Raw IDs still: the source of an external task follows raw ID order.
    if !inserted.is_empty() {
        subprojects::fill_external_sources(&mut tasks, &external_by_table);
    }

    if has_fixed2 {
        renumber(&mut tasks, &order, &null_order);
    }
    tasks.sort_by_key(|t| t.id);
    // Like Project, a file holding only the summary task has no outline yet.
    if tasks.len() > 1 {
        build_outline(&mut tasks, !any_wbs);
    }
    project.tasks = tasks;
    Ok(())
}

fn fixed_offset(map: &crate::raw::field_map::FieldMap, index: u32) -> Option<usize> {
    match map.get(TASK | index)? {
        Location::Fixed {
            block: 0, offset, ..
        } => Some(offset),
        _ => None,
    }
}

fn null_task(uid: i32, id: i32) -> Task {
    Task {
        uid,
        id,
        is_null: true,
        active: true,
        ..Task::default()
    }
}

/// Decodes every mapped standard field of one task record.
fn decode(ctx: &Ctx, f: &Fields<'_>, factors: &TimeFactors, default_units: TimeUnit) -> Task {
    let mpp14 = ctx.format == FileFormat::Mpp14;
    let units_code = f.u16(tf::DURATION_UNITS);
    let units = units_code.map_or(default_units, |c| TimeUnit::from_code(c, default_units));
    let dur = |index: u32| f.duration(index, units, factors);
    let mut t = Task {
        guid: f.guid(tf::GUID),
        name: f.string(tf::NAME),
        active: true,
        task_type: f.u16(tf::TYPE).unwrap_or(0),
        created: f.date(tf::CREATED),
        contact: f.string(tf::CONTACT),
        wbs: f.string(tf::WBS),
        outline_level: f.u16(tf::OUTLINE_LEVEL).map(i32::from),
        priority: f.u16(tf::PRIORITY),
        work: f.work(tf::WORK),
        stop: f.date(tf::STOP),
        resume: f.date(tf::RESUME),
        estimated: units_code.is_some_and(|c| c & 0x20 != 0),
        early_start: f.date(tf::EARLY_START),
        early_finish: f.date(tf::EARLY_FINISH),
        late_start: f.date(tf::LATE_START),
        late_finish: f.date(tf::LATE_FINISH),
        free_slack: dur(tf::FREE_SLACK),
        start_slack: dur(tf::START_SLACK),
        finish_slack: dur(tf::FINISH_SLACK),
        fixed_cost: f.cost(tf::FIXED_COST),
        fixed_cost_accrual: f.u16(tf::FIXED_COST_ACCRUAL),
        percent_complete: f.percent(tf::PERCENT_COMPLETE),
        percent_work_complete: f.percent(tf::PERCENT_WORK_COMPLETE),
        physical_percent_complete: f.percent(tf::PHYSICAL_PERCENT_COMPLETE),
        cost: f.cost(tf::COST),
        overtime_cost: f.cost(tf::OVERTIME_COST),
        overtime_work: f.work(tf::OVERTIME_WORK),
        actual_start: f.date(tf::ACTUAL_START),
        actual_finish: f.date(tf::ACTUAL_FINISH),
        actual_duration: dur(tf::ACTUAL_DURATION),
        actual_cost: f.cost(tf::ACTUAL_COST),
        actual_overtime_cost: f.cost(tf::ACTUAL_OVERTIME_COST),
        actual_work: f.work(tf::ACTUAL_WORK),
        actual_overtime_work: f.work(tf::ACTUAL_OVERTIME_WORK),
        remaining_duration: dur(tf::REMAINING_DURATION),
        remaining_cost: f.cost(tf::REMAINING_COST),
        remaining_work: f.work(tf::REMAINING_WORK),
        remaining_overtime_cost: f.cost(tf::REMAINING_OVERTIME_COST),
        remaining_overtime_work: f.work(tf::REMAINING_OVERTIME_WORK),
        constraint_type: f.u16(tf::CONSTRAINT_TYPE),
        constraint_date: f.date(tf::CONSTRAINT_DATE),
        calendar_uid: f.i32(tf::CALENDAR_UID).filter(|&c| c != -1),
        deadline: f.date(tf::DEADLINE),
        leveling_delay: {
            let u = f
                .time_unit(tf::LEVELING_DELAY_UNITS, default_units)
                .unwrap_or(default_units);
            f.duration(tf::LEVELING_DELAY, u, factors)
        },
        hyperlink: f.raw(tf::HYPERLINK_DATA).and_then(hyperlink),
        notes: f
            .raw(tf::NOTES)
            .and_then(|b| crate::bytes::ansi_at(b, 0))
            .map(|s| super::rtf_to_text(&s))
            .filter(|s| !s.is_empty()),
        earned_value_method: f.u16(tf::EARNED_VALUE_METHOD),
        recurring: f.raw(tf::RECURRING_DATA).is_some()
            || [tf::RECURRING, tf::RECURRING_ALT]
                .iter()
                .any(|&i| f.u16(i).is_some_and(|v| v != 0)),
        external_task: f.i32(tf::SUBPROJECT_TASK_ID).is_some_and(|v| v != 0),
        ..Task::default()
    };
    if t.constraint_type.is_some_and(|c| c > 7) {
        // 8 and 9 are older spellings of "must start/finish on".
        t.constraint_type = t.constraint_type.map(|c| c - 6);
    }
    let scheduled_start = f
        .date(tf::START)
        .or_else(|| f.date(tf::SCHEDULED_START_ALT));
    let scheduled_finish = f
        .date(tf::FINISH)
        .or_else(|| f.date(tf::SCHEDULED_FINISH_ALT));
    let scheduled_duration = dur(tf::DURATION).or_else(|| dur(tf::SCHEDULED_DURATION_ALT));
    if mpp14 {
        t.manual_start = f.date(tf::MANUAL_START);
        t.manual_finish = f.date(tf::MANUAL_FINISH);
        let mu = f
            .time_unit(tf::MANUAL_DURATION_UNITS, default_units)
            .unwrap_or(units);
        t.manual_duration = f.duration(tf::MANUAL_DURATION, mu, factors);
        // An empty typed text still counts: it marks a manual field as entered.
        let text = |index: u32| f.raw(index).and_then(|b| utf16_at(b, 0));
        t.start_text = text(tf::START_TEXT);
        t.finish_text = text(tf::FINISH_TEXT);
        t.duration_text = text(tf::DURATION_TEXT);
    }
    t.start = scheduled_start;
    t.finish = scheduled_finish;
    t.duration = scheduled_duration;
    t.baselines = baselines(ctx, f, factors, default_units);
    t
}

/// Task baselines 0..10: work/cost/fixed cost everywhere; MPP14 keeps
/// start/finish/duration at 1299.. and falls back to the "estimated" fields.
fn baselines(
    ctx: &Ctx,
    f: &Fields<'_>,
    factors: &TimeFactors,
    default_units: TimeUnit,
) -> Vec<Baseline> {
    const BASE: [u32; 10] = [482, 493, 504, 515, 526, 544, 555, 566, 577, 588];
    let mpp14 = ctx.format == FileFormat::Mpp14;
    // MPP9 keeps baselines 1..10 in its enterprise data block, keyed by field id.
    let extra = f.raw(tf::ENTERPRISE_DATA).map(Props::parse_block);
    let raw = |index: u32| f.raw(index).or_else(|| extra.as_ref()?.get(TASK | index));
    let date = |index: u32| DateTime::from_timestamp(raw(index)?, 0);
    let money =
        |index: u32| f64_at(raw(index)?, 0).map(|v| if v.abs() < 0.1 { 0.0 } else { v / 100.0 });
    let work = |index: u32| {
        f64_at(raw(index)?, 0).map(|v| if v.abs() < 1000.0 { 0.0 } else { v / 60_000.0 })
    };
    let mut out = Vec::new();
    for n in 0..=10u8 {
        // (start, finish, duration, units, cost, work, fixed cost, mpp14 start)
        let (s, fi, d, u, c, w, fc) = if n == 0 {
            (
                tf::BASELINE_START,
                tf::BASELINE_FINISH,
                tf::BASELINE_DURATION,
                tf::BASELINE_DURATION_UNITS,
                tf::BASELINE_COST,
                tf::BASELINE_WORK,
                tf::BASELINE_FIXED_COST,
            )
        } else {
            let b = BASE.get(usize::from(n - 1)).copied().unwrap_or(0);
            (b, b + 1, b + 5, b + 6, b + 2, b + 3, b + 7)
        };
        let units = raw(u)
            .and_then(|b| u16_at(b, 0))
            .map_or(default_units, |c| TimeUnit::from_code(c, default_units));
        let duration_at = |index: u32| {
            let b = raw(index)?;
            let v = i32_at(b, 0)?;
            // Enterprise-block durations carry their own units after the value.
            let units = u16_at(b, 4).map_or(units, |c| TimeUnit::from_code(c, default_units));
            (v != -1).then(|| Duration::from_tenths(f64::from(v), units, factors))
        };
        let (start, finish, duration) = if mpp14 {
            let p = 1299 + 3 * u32::from(n);
            (
                date(p).or_else(|| date(s)),
                date(p + 1).or_else(|| date(fi)),
                duration_at(p + 2).or_else(|| duration_at(d)),
            )
        } else {
            (date(s), date(fi), duration_at(d))
        };
        let b = Baseline {
            number: n,
            start,
            finish,
            duration,
            work: work(w),
            cost: money(c),
            fixed_cost: money(fc),
        };
        if !b.is_empty() || b.fixed_cost.is_some_and(|v| v != 0.0) {
            out.push(b);
        }
    }
    out
}

/// A bit test: u32 at `offset` of a meta record, masked.
fn bit(meta: &[u8], offset: usize, mask: u32) -> bool {
    // Records can end before offset + 4: read what is there.
    let mut b = [0u8; 4];
    for (k, slot) in b.iter_mut().enumerate() {
        *slot = u8_at(meta, offset + k).unwrap_or(0);
    }
    u32::from_le_bytes(b) & mask != 0
}

/// Flags kept as bits in the meta records, whose positions differ by version.
fn apply_meta_flags(ctx: &Ctx, meta: &[u8], meta2: &[u8], t: &mut Task) {
    let mpp14 = ctx.format == FileFormat::Mpp14;
    let new_layout = ctx.is_2013_plus();
    let flag_bits: [(usize, u32); 20] = std::array::from_fn(|k| {
        let k = k as u32;
        if mpp14 && new_layout {
            if k < 10 {
                (24, 0x2 << k)
            } else {
                (33, 0x2 << (k - 10))
            }
        } else if mpp14 {
            (35, 0x40 << k)
        } else {
            (37, 0x20 << k)
        }
    });
    let (ms, mk, irc, ru, hb, ed, la, lcs) = if mpp14 && new_layout {
        (
            (10, 0x02),
            (12, 0x02),
            (17, 0x20),
            (12, 0x04),
            (12, 0x80),
            (13, 0x08),
            (16, 0x04),
            (16, 0x02),
        )
    } else {
        (
            (8, 0x20),
            (9, 0x40),
            (10, 0x02),
            (10, 0x08),
            (10, 0x80),
            (11, 0x10),
            (13, 0x04),
            (13, 0x02),
        )
    };
    t.milestone = bit(meta, ms.0, ms.1);
    t.marked = bit(meta, mk.0, mk.1);
    t.ignore_resource_calendar = bit(meta, irc.0, irc.1);
    t.rollup = bit(meta, ru.0, ru.1);
    t.hide_bar = bit(meta, hb.0, hb.1);
    t.effort_driven = bit(meta, ed.0, ed.1);
    t.level_assignments = bit(meta, la.0, la.1);
    t.leveling_can_split = bit(meta, lcs.0, lcs.1);
    t.expanded = !bit(meta, 12, 0x02);
    if let Some(fam) = fields::TASK_CUSTOM
        .iter()
        .find(|f| f.kind == fields::CustomKind::Flag)
    {
        for (k, &(off, mask)) in flag_bits.iter().enumerate() {
            if bit(meta, off, mask) {
                if let Some(&index) = fam.indexes.get(k) {
                    t.custom.push(CustomValue {
                        field_id: TASK | index,
                        value: FieldValue::Flag(true),
                        value_guid: None,
                        value_id: None,
                    });
                }
            }
        }
        t.custom.sort_by_key(|v| v.field_id);
    }
    if mpp14 {
        let (active, manual) = if new_layout {
            ((8, 0x40), (8, 0x80))
        } else {
            ((8, 0x04), (8, 0x08))
        };
        t.active = bit(meta2, active.0, active.1);
        t.manual = bit(meta2, manual.0, manual.1);
        // Manual scheduling shows what the user typed; automatic tasks the schedule.
        if t.manual {
            if t.manual_start.is_some() {
                t.start = t.manual_start;
            }
            if t.manual_finish.is_some() {
                t.finish = t.manual_finish;
            }
            t.duration = t.manual_duration;
        } else {
            t.start = t.start.or(t.manual_start);
            t.finish = t.finish.or(t.manual_finish);
            t.manual_duration = None;
        }
        // The typed texts only matter while a manual task has not started.
        if !t.manual || t.actual_start.is_some() {
            t.start_text = None;
            t.finish_text = None;
            t.duration_text = None;
        }
    }
    constraint_fixups(t);
}

/// Project shows "as late as possible" tasks at their late dates, and a
/// "no later than" task whose finish precedes its start at its late finish.
fn constraint_fixups(t: &mut Task) {
    match t.constraint_type {
        Some(1) => {
            if t.start < t.late_start {
                t.start = t.late_start;
            }
            if t.finish < t.late_finish {
                t.finish = t.late_finish;
            }
        }
        Some(5) | Some(7) if t.finish < t.start => t.finish = t.late_finish,
        _ => {}
    }
}

/// The hyperlink blob: four UTF-16 strings, each after 12 bytes of header.
pub(crate) fn hyperlink(data: &[u8]) -> Option<Hyperlink> {
    let mut off = 12usize;
    let mut parts = [None, None, None, None];
    for p in parts.iter_mut() {
        off = off.checked_add(12)?;
        let s = utf16_at(data, off).unwrap_or_default();
        off = off.checked_add((s.encode_utf16().count() + 1) * 2)?;
        *p = Some(s);
    }
    let [text, address, sub_address, screen_tip] = parts;
    Some(Hyperlink {
        text,
        address,
        sub_address,
        screen_tip: screen_tip.filter(|s| !s.is_empty()),
    })
}

/// Rebuilds IDs: Project can leave duplicate and gapped IDs, and the true row
/// order is the ordering key of `Fixed2Data`; blank rows keep their position.
fn renumber(tasks: &mut [Task], order: &[(f64, i32)], null_order: &BTreeMap<i32, i32>) {
    let has_summary = tasks.iter().any(|t| t.uid == 0 && !t.is_null);
    let step = i64::try_from((null_order.len() / 1000 + 1) * 2000).unwrap_or(2000);
    let mut sorted: Vec<(f64, i32)> = order.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut slots: BTreeMap<i64, i32> = BTreeMap::new();
    let mut next = if has_summary { 0 } else { step };
    for &(_, uid) in &sorted {
        slots.insert(next, uid);
        next += step;
    }
    let mut offsets: HashMap<i64, i64> = HashMap::new();
    for (inserted, (&id, &uid)) in null_order.iter().enumerate() {
        let base = (i64::from(id) - inserted as i64) * step;
        let mut target = base;
        let mut offset = offsets.get(&base).map_or(0, |o| o + 1);
        while slots.contains_key(&target) {
            offset += 1;
            if offset >= step {
                break;
            }
            target = base - (step - offset);
        }
        offsets.insert(base, offset);
        slots.insert(target, uid);
    }
    let mut index: HashMap<i32, usize> = HashMap::new();
    for (i, t) in tasks.iter().enumerate() {
        index.entry(t.uid).or_insert(i);
    }
    let first = if has_summary { 0 } else { 1 };
    for (id, uid) in (first..).zip(slots.values()) {
        if let Some(t) = index.get(uid).and_then(|&i| tasks.get_mut(i)) {
            t.id = id;
        }
    }
}

/// Parents, outline numbers, WBS and summary flags from the outline levels in
/// ID order (blank rows sit at the top level and count there).
pub(super) fn build_outline(tasks: &mut [Task], generate_all_wbs: bool) {
    let n = tasks.len();
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut child_count: Vec<usize> = vec![0; n];
    let mut root_count = 0usize;
    let mut last: Option<usize> = None;
    let mut last_level = -1i32;
    for i in 0..n {
        let Some(t) = tasks.get(i) else { continue };
        let mut p = None;
        if !t.is_null {
            let mut level = t.outline_level.unwrap_or(0);
            if let Some(mut lt) = last {
                if level == last_level {
                    p = parent.get(lt).copied().flatten();
                    level = last_level;
                } else if level > last_level {
                    p = Some(lt);
                } else {
                    // Climb until an ancestor sits above this level.
                    let mut guard = 0usize;
                    while level <= last_level && guard <= n {
                        guard += 1;
                        p = parent.get(lt).copied().flatten();
                        let Some(pp) = p else { break };
                        last_level = tasks.get(pp).and_then(|t| t.outline_level).unwrap_or(0);
                        lt = pp;
                    }
                }
            }
            last = Some(i);
            last_level = level;
            let count = match p {
                Some(pi) => child_count.get(pi).copied().unwrap_or(0) + 1,
                None => root_count + 1,
            };
            let uid = t.uid;
            let (parent_outline, parent_wbs) = match p.and_then(|pi| tasks.get(pi)) {
                Some(pt) => (pt.outline_number.clone(), pt.wbs.clone()),
                None => (None, None),
            };
            let make = |base: Option<String>, strip_dot_zero: bool| -> String {
                match (p, base) {
                    (None, _) if uid == 0 => "0".to_string(),
                    (None, _) => count.to_string(),
                    (Some(_), Some(mut b)) => {
                        if strip_dot_zero {
                            if let Some(ix) = b.rfind(".0") {
                                b.truncate(ix);
                            }
                        }
                        if b == "0" {
                            count.to_string()
                        } else {
                            format!("{b}.{count}")
                        }
                    }
                    (Some(_), None) => count.to_string(),
                }
            };
            let outline = make(parent_outline, true);
            let wbs = make(parent_wbs, false);
            if let Some(t) = tasks.get_mut(i) {
                t.outline_number = Some(outline);
                if generate_all_wbs || t.wbs.is_none() {
                    t.wbs = Some(wbs);
                }
            }
        }
        match p {
            Some(pi) => {
                if let Some(c) = child_count.get_mut(pi) {
                    *c += 1;
                }
            }
            None => root_count += 1,
        }
        if let Some(slot) = parent.get_mut(i) {
            *slot = p;
        }
    }
    let uids: Vec<i32> = tasks.iter().map(|t| t.uid).collect();
    for (i, t) in tasks.iter_mut().enumerate() {
        t.parent = parent
            .get(i)
            .copied()
            .flatten()
            .and_then(|p| uids.get(p).copied());
        // Children only: an inserted project's row is no summary in MPXJ's output.
        t.summary = child_count.get(i).is_some_and(|&c| c > 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(uid: i32, id: i32, level: i32) -> Task {
        Task {
            uid,
            id,
            outline_level: Some(level),
            ..Task::default()
        }
    }

    #[test]
    fn outline_numbers_follow_levels() {
        let mut t = vec![
            task(0, 0, 0),
            task(1, 1, 1),
            task(2, 2, 2),
            task(3, 3, 2),
            task(4, 4, 1),
            null_task(5, 5),
            task(6, 6, 1),
        ];
        build_outline(&mut t, true);
        let nums: Vec<_> = t
            .iter()
            .map(|t| t.outline_number.clone().unwrap_or_default())
            .collect();
        assert_eq!(nums, ["0", "1", "1.1", "1.2", "2", "", "3"]);
        assert_eq!(t[2].parent, Some(1));
        assert_eq!(t[4].parent, Some(0));
        assert!(t[0].summary && t[1].summary && !t[2].summary);
        assert_eq!(t[3].wbs.as_deref(), Some("1.2"));
    }

    #[test]
    fn stored_wbs_is_kept() {
        let mut t = vec![task(1, 1, 1), task(2, 2, 2)];
        t[1].wbs = Some("A.x".into());
        build_outline(&mut t, false);
        assert_eq!(t[0].wbs.as_deref(), Some("1"));
        assert_eq!(t[1].wbs.as_deref(), Some("A.x"));
        assert_eq!(t[1].outline_number.as_deref(), Some("1.1"));
    }

    #[test]
    fn renumbering_uses_order_keys_and_keeps_blank_rows() {
        // keys 1,3,5,7 for uids 0,1,2,3; a blank row (uid 9) at raw ID 2
        let mut t = vec![
            task(0, 0, 0),
            task(1, 5, 1),
            task(2, 5, 1),
            task(3, 9, 1),
            null_task(9, 2),
        ];
        let order = [(1.0, 0), (3.0, 1), (5.0, 2), (7.0, 3)];
        let nulls: BTreeMap<i32, i32> = [(2, 9)].into_iter().collect();
        renumber(&mut t, &order, &nulls);
        let ids: Vec<(i32, i32)> = t.iter().map(|t| (t.uid, t.id)).collect();
        assert_eq!(ids, [(0, 0), (1, 1), (2, 3), (3, 4), (9, 2)]);
    }

    #[test]
    fn hyperlink_blob_reads_four_strings() {
        let mut b = vec![0u8; 24];
        for s in ["Site", "http://x", "", "tip"] {
            b.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
            b.extend([0, 0]);
            b.extend([0u8; 12]);
        }
        let h = hyperlink(&b).unwrap();
        assert_eq!(h.text.as_deref(), Some("Site"));
        assert_eq!(h.address.as_deref(), Some("http://x"));
        assert_eq!(h.sub_address.as_deref(), Some(""));
        assert_eq!(h.screen_tip.as_deref(), Some("tip"));
        assert!(hyperlink(&[0u8; 3]).is_some());
    }

    #[test]
    fn bit_reads_are_bounded() {
        assert!(bit(&[0, 0x20], 1, 0x20));
        assert!(!bit(&[0xFF], 5, 0xFFFF_FFFF));
    }
}
