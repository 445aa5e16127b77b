//! Assignments (`TBkndAssn`): record selection, field decoding, the actual
//! dates and work contour MPXJ derives, and the placeholder assignments it
//! writes for tasks with progress but no assignment. Variances are derived
//! later, with the tasks' (`crate::worktime::fill_variances`).
//!
//! Per-format differences:
//!
//! | topic | MPP9 | MPP12 | MPP14 |
//! |---|---|---|---|
//! | `FixedData` | 142-byte stride (meta-driven if counts differ) | meta-driven | 110-byte stride |
//! | `Fixed2Data` | none | 48-byte stride | 48-byte stride |
//! | records walked | adjusted meta count | adjusted meta count | meta header count |
//! | flag bits | u32@28 | u32@28 | 2010: u32@28, 2013+: u32@20 / u32@25 |

use std::collections::{HashMap, HashSet};

use crate::bytes::{i32_at, u32_at, u8_at};
use crate::container::{Container, FileFormat};
use crate::error::Result;
use crate::fields::{assignment as af, ASSIGNMENT};
use crate::model::{
    Assignment, Baseline, DateTime, Duration, Project, Resource, ResourceType, Task, TimeUnit,
};
use crate::raw::fixed::{unmask, FixedData, FixedMeta};
use crate::raw::var::VarData;

use super::blocks::Fields;
use super::custom::CustomData;
use super::mpp14::{Ctx, ASSIGNMENT_MAP};
use super::resources::{bit, fixed_offset, push_flags};
use super::timephased;
use crate::worktime::{assignment_calendar, default_calendar_uid, WorkTime};

/// The resource uid Project stores for work assigned to no resource.
const NULL_RESOURCE: i32 = -65535;

const ACTUAL_OVERTIME_COST: u32 = 30;
const REMAINING_OVERTIME_COST: u32 = 31;
const BCWS: u32 = 34;
const BCWP: u32 = 35;
const ACWP: u32 = 36;
const LEVELING_DELAY_UNITS: u32 = 55;
/// MPP9 creation date fallback: a var item with a timestamp at 24.
const MPP9_CREATION_KEY: u16 = 138;

pub fn read(
    c: &mut Container<'_>,
    ctx: &Ctx,
    custom: &CustomData,
    project: &mut Project,
) -> Result<()> {
    let map = ctx.field_map(ASSIGNMENT_MAP);
    let dir = format!("{}/TBkndAssn", ctx.dir);
    let meta = FixedMeta::parse(&c.stream_or_empty(&format!("{dir}/FixedMeta"))?, 34);
    ctx.check_entities("assignments", meta.len())?;
    let mut raw = c.stream_or_empty(&format!("{dir}/FixedData"))?;
    unmask(&mut raw, ctx.mask);
    let data = match ctx.format {
        FileFormat::Mpp14 => FixedData::strided(raw, 110),
        FileFormat::Mpp12 => FixedData::by_meta(&meta, raw, None),
        _ => {
            // Project 2000-2003 write 142-byte records; trust the meta otherwise.
            if raw.len() / 142 == meta.len() {
                FixedData::strided(raw, 142)
            } else {
                FixedData::by_meta(&meta, raw, None)
            }
        }
    };
    let data2 = if ctx.format == FileFormat::Mpp9 {
        FixedData::default()
    } else {
        let mut raw2 = c.stream_or_empty(&format!("{dir}/Fixed2Data"))?;
        unmask(&mut raw2, ctx.mask);
        FixedData::strided(raw2, 48)
    };
    let var = VarData::parse(
        &c.stream_or_empty(&format!("{dir}/VarMeta"))?,
        c.stream_or_empty(&format!("{dir}/Var2Data"))?,
        ctx.var_kind,
    );

    let block0 = map.block_size(0);
    let uid_off = fixed_offset(&map, ASSIGNMENT | af::UNIQUE_ID);
    let task_off = fixed_offset(&map, ASSIGNMENT | af::TASK_UID);
    let res_off = fixed_offset(&map, ASSIGNMENT | af::RESOURCE_UID);
    // Without the key fields there are no records to read (placeholders
    // and variances below still apply).
    let (count, uid_off, task_off, res_off) = match (uid_off, task_off, res_off) {
        (Some(u), Some(t), Some(r)) if ctx.format == FileFormat::Mpp14 => {
            (meta.header_count.min(meta.len()), u, t, r)
        }
        (Some(u), Some(t), Some(r)) => (meta.len(), u, t, r),
        _ => (0, 0, 0, 0),
    };
    let flag_bits = assignment_flag_bits(ctx);
    let factors = project.properties.factors;
    let tasks: HashMap<i32, &Task> = project.tasks.iter().rev().map(|t| (t.uid, t)).collect();
    let resources: HashMap<i32, &Resource> =
        project.resources.iter().rev().map(|r| (r.uid, r)).collect();
    let mut seen: HashSet<(i32, Option<i32>)> = HashSet::new();
    let mut out: Vec<Assignment> = Vec::new();
    let default_calendar = default_calendar_uid(project);
    let mut wt: Option<WorkTime<'_>> = None;
    for i in 0..count {
        let Some(m) = meta.record(i) else { continue };
        if u8_at(m, 0) != Some(0) {
            continue; // deleted
        }
        let Some(idx) = u32_at(m, 4)
            .and_then(|o| usize::try_from(o).ok())
            .and_then(|o| data.index_of_offset(o))
        else {
            continue;
        };
        let Some(rec) = data.item(idx) else { continue };
        let mut padded;
        let rec = if rec.len() < block0 {
            padded = rec.to_vec();
            padded.resize(block0, 0);
            padded.as_slice()
        } else {
            rec
        };
        let Some(uid) = i32_at(rec, uid_off) else {
            continue;
        };
        if !var.contains(uid) {
            continue;
        }
        let Some(&task) = i32_at(rec, task_off).and_then(|t| tasks.get(&t)) else {
            continue;
        };
        let raw_resource = i32_at(rec, res_off).unwrap_or(NULL_RESOURCE);
        let resource = resources.get(&raw_resource).copied();
        let resource_uid = resource.map(|r| r.uid);
        // One assignment per (task, resource): the first record wins.
        if !seen.insert((task.uid, resource_uid)) {
            continue;
        }
        let rec2 = data2.item(idx).unwrap_or_default();
        let f = Fields {
            class: ASSIGNMENT,
            map: &map,
            fixed: [rec, rec2],
            var: &var,
            uid,
        };
        let mut a = decode(ctx, &f, &factors);
        a.uid = uid;
        a.task_uid = task.uid;
        a.resource_uid = resource_uid;
        let resource_type = resource.map(|r| r.resource_type);
        a.fixed_material = resource_type == Some(ResourceType::Material);
        a.start = a.start.or(task.start);
        a.finish = a.finish.or(task.finish);
        a.custom = custom.values(ctx, &f);
        push_flags(&mut a.custom, ASSIGNMENT, &flag_bits, m);
        a.custom.sort_by_key(|v| v.field_id);
        apply_meta_bits(ctx, m, &mut a);
        derive_actual_dates(&f, task, resource.is_some(), &mut a);
        if a.work_contour == Some(0) {
            // A flat assignment may still carry a predefined contour in its
            // remaining-work timephased blob.
            if let Some(blob) = f
                .raw(af::TIMEPHASED_REMAINING_WORK)
                .filter(|b| b.len() >= 30)
            {
                let code = crate::bytes::u16_at(blob, 28).unwrap_or(0);
                a.work_contour = Some(if code <= 8 { code } else { 0 });
            }
        }
        finish_complete_task(task, &mut a);
        // Like MPXJ, a task without duration has no timephased work; nor has
        // a cost resource (its blobs hold a few thousandths of a minute that
        // are no work).
        if task.duration.is_some_and(|d| !d.is_zero()) && resource_type != Some(ResourceType::Cost)
        {
            let stored = timephased::Stored::parse(timephased::Blobs {
                remaining: f.raw(af::TIMEPHASED_REMAINING_WORK),
                actual: f.raw(af::TIMEPHASED_ACTUAL_WORK),
                irregular: f.raw(timephased::IRREGULAR_WORK),
            });
            // The calendar arithmetic is set up once, for the first
            // assignment that needs it.
            let on = if stored.needs_calendar() {
                let wt = &*wt.get_or_insert_with(|| WorkTime::new(&project.calendars, factors));
                assignment_calendar(wt, default_calendar, task, resource).map(|cal| (wt, cal))
            } else {
                None
            };
            let dates = timephased::Dates {
                start: a.start,
                finish: a.finish,
                resume: a.resume,
                actual_finish: a.actual_finish,
                manual: task.manual,
            };
            a.timephased = stored.place(on, dates);
        }
        out.push(a);
    }

    // Resources show the span of their assignments.
    let mut span: HashMap<i32, (Option<DateTime>, Option<DateTime>)> = HashMap::new();
    for a in &out {
        if let Some(r) = a.resource_uid {
            let e = span.entry(r).or_insert((None, None));
            e.0 = match (e.0, a.start) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            };
            e.1 = e.1.max(a.finish);
        }
    }
    for r in project.resources.iter_mut() {
        if let Some(&(start, finish)) = span.get(&r.uid) {
            r.start = start;
            r.finish = finish;
        }
    }

    project.assignments = out;
    Ok(())
}

/// A work value that MPXJ reads as zero when the field is mapped but empty.
fn work0(f: &Fields<'_>, index: u32) -> Option<f64> {
    f.work(index).or_else(|| f.is_mapped(index).then_some(0.0))
}

fn cost0(f: &Fields<'_>, index: u32) -> Option<f64> {
    f.cost(index).or_else(|| f.is_mapped(index).then_some(0.0))
}

/// Decodes the mapped standard fields of one assignment.
fn decode(ctx: &Ctx, f: &Fields<'_>, factors: &crate::model::TimeFactors) -> Assignment {
    let work = work0(f, af::WORK);
    let actual_work = work0(f, af::ACTUAL_WORK);
    let cost = cost0(f, af::COST);
    let baseline_cost = cost0(f, af::BASELINE_COST);
    let baseline_work = work0(f, af::BASELINE_WORK);
    let actual_ot_cost = cost0(f, ACTUAL_OVERTIME_COST);
    let remaining_ot_cost = cost0(f, REMAINING_OVERTIME_COST);
    let bcws = f.cost(BCWS);
    let bcwp = f.cost(BCWP);
    let mut created = f.date(af::CREATED);
    if ctx.format == FileFormat::Mpp9 && created.is_none() {
        created = f
            .var
            .get(f.uid, MPP9_CREATION_KEY)
            .filter(|b| b.len() >= 28)
            .and_then(|b| DateTime::from_timestamp(b, 24));
    }
    let default_units = ctx.default_units;
    let leveling_units = f
        .time_unit(LEVELING_DELAY_UNITS, default_units)
        .unwrap_or(default_units);
    Assignment {
        guid: f.guid(af::GUID),
        percent_work_complete: f.percent(af::PERCENT_WORK_COMPLETE).or_else(|| {
            actual_work
                .zip(work)
                .filter(|&(_, w)| w != 0.0)
                .map(|(a, w)| a * 100.0 / w)
        }),
        actual_cost: cost0(f, af::ACTUAL_COST),
        actual_overtime_cost: actual_ot_cost,
        actual_overtime_work: work0(f, af::ACTUAL_OVERTIME_WORK),
        actual_work,
        acwp: f.cost(ACWP),
        bcws,
        bcwp,
        cost,
        cost_rate_table: f.u16(af::COST_RATE_TABLE).filter(|&t| t <= 4),
        cost_variance: cost.zip(baseline_cost).map(|(c, b)| c - b),
        work_variance: work.zip(baseline_work).map(|(w, b)| w - b),
        // Delay: u16 tenths of a minute, shown in hours.
        delay: f
            .u16(af::DELAY)
            .map(|v| Duration::new(f64::from(v) / 600.0, TimeUnit::Hours)),
        finish: f.date(af::FINISH),
        start: f.date(af::START),
        stop: f.date(af::STOP),
        resume: f.date(af::RESUME),
        hyperlink: f.raw(af::HYPERLINK_DATA).and_then(super::tasks::hyperlink),
        has_fixed_rate_units: f
            .raw(af::VARIABLE_RATE_UNITS)
            .and_then(|b| u8_at(b, 0))
            .is_none_or(|v| v == 0),
        leveling_delay: f.duration(af::LEVELING_DELAY, leveling_units, factors),
        notes: f
            .raw(af::NOTES)
            .and_then(|b| crate::bytes::ansi_at(b, 0))
            .map(|s| super::rtf_to_text(&s))
            .filter(|s| !s.is_empty()),
        // Overtime cost is actual + remaining when Project did not store it.
        overtime_cost: cost0(f, af::OVERTIME_COST)
            .or_else(|| actual_ot_cost.zip(remaining_ot_cost).map(|(a, r)| a + r)),
        overtime_work: work0(f, af::OVERTIME_WORK),
        regular_work: work0(f, af::REGULAR_WORK),
        remaining_cost: cost0(f, af::REMAINING_COST),
        remaining_overtime_cost: remaining_ot_cost,
        remaining_overtime_work: work0(f, af::REMAINING_OVERTIME_WORK),
        remaining_work: work0(f, af::REMAINING_WORK),
        units: f.units(af::UNITS),
        work,
        work_contour: Some(0),
        created,
        budget_cost: f.cost(af::BUDGET_COST),
        budget_work: f.work(af::BUDGET_WORK),
        baselines: baselines(f),
        ..Assignment::default()
    }
}

/// Assignment baselines: work 16 / cost 32 / start 146 / finish 147, then
/// Baseline n at 289/290/295/296 + 9 each.
fn baselines(f: &Fields<'_>) -> Vec<Baseline> {
    let mut out = Vec::new();
    for n in 0..=10u8 {
        let (w, c, s, fi) = if n == 0 {
            (
                af::BASELINE_WORK,
                af::BASELINE_COST,
                af::BASELINE_START,
                af::BASELINE_FINISH,
            )
        } else {
            let b = 289 + 9 * u32::from(n - 1);
            (b, b + 1, b + 6, b + 7)
        };
        let b = Baseline {
            number: n,
            start: f.date(s),
            finish: f.date(fi),
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

/// Flag1..20 bit positions (offset, mask) in the assignment meta record.
fn assignment_flag_bits(ctx: &Ctx) -> [(usize, u32); 20] {
    let mpp14 = ctx.format == FileFormat::Mpp14;
    let new = ctx.is_2013_plus();
    std::array::from_fn(|k| {
        let k = k as u32;
        match (mpp14, new, k) {
            (true, true, 0..=8) => (20, 0x2 << k),
            (true, true, 9) => (20, 0x1),
            (true, true, _) => (25, 0x8 << (k - 10)),
            (true, false, 0..=8) => (28, 0x4 << k),
            (true, false, 9) => (28, 0x2),
            (true, false, _) => (28, 0x800 << (k - 10)),
            (false, _, 0..=8) => (28, 0x80 << k),
            (false, _, 9) => (28, 0x40),
            (false, _, _) => (28, 0x1_0000 << (k - 10)),
        }
    })
}

/// Linked fields, contoured, confirmed and response-pending bits.
fn apply_meta_bits(ctx: &Ctx, meta: &[u8], a: &mut Assignment) {
    let (linked, contoured, confirmed, pending) = if ctx.is_2013_plus() {
        ((20, 0x400), 0x0004_0000, 0x0080_0000, 0x0100_0000)
    } else {
        ((8, 0x08), 0x10, 0x80, 0x100)
    };
    a.linked_fields = bit(meta, linked.0, linked.1);
    a.confirmed = bit(meta, 8, confirmed);
    a.response_pending = bit(meta, 8, pending);
    if bit(meta, 8, contoured) {
        a.work_contour = Some(8);
    }
}

/// MPXJ's actual start/finish: a zero-length task passes its own actual
/// dates on; otherwise an assignment is finished when its task has started,
/// no work remains and a resource is assigned, and started when finished or
/// when actual work has been recorded.
fn derive_actual_dates(f: &Fields<'_>, task: &Task, has_resource: bool, a: &mut Assignment) {
    let zero_task = task.duration.is_none_or(|d| d.is_zero());
    if zero_task {
        a.actual_start = task.actual_start.and(a.start);
        a.actual_finish = task.actual_finish.and(a.finish);
    } else {
        let done =
            task.actual_start.is_some() && a.remaining_work.unwrap_or(0.0) == 0.0 && has_resource;
        a.actual_finish = if done { a.finish } else { None };
        let worked = actual_work_recorded(f.raw(af::TIMEPHASED_ACTUAL_WORK), a);
        a.actual_start = if a.actual_finish.is_some() || worked {
            a.start
        } else {
            None
        };
    }
}

/// Whether the actual-work timephased blob holds a period with work: a
/// 16-byte header (u16 count), u32 end limit at 24, then 20-byte records
/// from 36 whose i32 at 16 is the elapsed time (80ths of a minute).
fn actual_work_recorded(blob: Option<&[u8]>, a: &Assignment) -> bool {
    let Some(blob) = blob else { return false };
    let count = usize::from(crate::bytes::u16_at(blob, 0).unwrap_or(0));
    if blob.len() <= 26 || count == 0 {
        return false;
    }
    let limit = i32_at(blob, 24).unwrap_or(0);
    let mut previous = 0i32;
    for k in 0..count {
        let Some(elapsed) = k
            .checked_mul(20)
            .and_then(|o| o.checked_add(36 + 16))
            .and_then(|o| i32_at(blob, o))
        else {
            break;
        };
        let elapsed = if elapsed < 0 || elapsed > limit {
            0
        } else {
            elapsed
        };
        // The last period ends at the stored actual finish when there is one.
        let last_to_finish = k + 1 == count && a.actual_finish.is_some_and(|f| Some(f) != a.start);
        if elapsed != previous || last_to_finish {
            return true;
        }
        previous = elapsed;
    }
    false
}

/// Project only shows a 100 % task's assignments as complete with a finish date.
fn finish_complete_task(task: &Task, a: &mut Assignment) {
    if task.percent_complete == Some(100.0) && a.actual_finish.is_none() {
        a.actual_finish = task.actual_finish;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::resources::tests::ctx;

    fn dt(d: u32, h: u32) -> DateTime {
        DateTime::new(2024, 3, d, h, 0, 0).unwrap()
    }

    #[test]
    fn flag_bits_per_format() {
        let mut custom = Vec::new();
        let mut meta = vec![0u8; 34];
        meta[28] = 0x06; // 2010 MPP14: Flag10 = 0x2, Flag1 = 0x4
        push_flags(
            &mut custom,
            ASSIGNMENT,
            &assignment_flag_bits(&ctx(FileFormat::Mpp14, 14)),
            &meta,
        );
        let ids: Vec<u32> = custom.iter().map(|v| v.field_id - ASSIGNMENT).collect();
        assert_eq!(ids, vec![123, 122]);
        let mut custom = Vec::new();
        let mut meta = vec![0u8; 34];
        meta[20] = 0x01; // 2013+: Flag10 = 0x1 at 20
        meta[26] = 0x10; // Flag20 = 0x1000 at 25
        push_flags(
            &mut custom,
            ASSIGNMENT,
            &assignment_flag_bits(&ctx(FileFormat::Mpp14, 15)),
            &meta,
        );
        let ids: Vec<u32> = custom.iter().map(|v| v.field_id - ASSIGNMENT).collect();
        assert_eq!(ids, vec![122, 197]);
        let mut custom = Vec::new();
        let mut meta = vec![0u8; 34];
        meta[28] = 0x80; // MPP12: Flag1 = 0x80
        meta[31] = 0x02; // Flag20 = 0x2000000
        push_flags(
            &mut custom,
            ASSIGNMENT,
            &assignment_flag_bits(&ctx(FileFormat::Mpp12, 14)),
            &meta,
        );
        let ids: Vec<u32> = custom.iter().map(|v| v.field_id - ASSIGNMENT).collect();
        assert_eq!(ids, vec![123, 197]);
    }

    #[test]
    fn meta_bits_set_contour_and_states() {
        let mut meta = vec![0u8; 34];
        meta[8] = 0x10 | 0x80 | 0x08;
        let mut a = Assignment::default();
        apply_meta_bits(&ctx(FileFormat::Mpp14, 14), &meta, &mut a);
        assert_eq!(a.work_contour, Some(8));
        assert!(a.confirmed && a.linked_fields && !a.response_pending);
        let mut a = Assignment::default();
        apply_meta_bits(&ctx(FileFormat::Mpp14, 16), &meta, &mut a);
        assert_eq!(a.work_contour, None);
        assert!(!a.confirmed && !a.linked_fields);
        let mut meta = vec![0u8; 34];
        meta[10] = 0x04; // 0x40000 at 8
        meta[11] = 0x01; // 0x1000000 at 8
        meta[21] = 0x04; // 0x400 at 20
        let mut a = Assignment::default();
        apply_meta_bits(&ctx(FileFormat::Mpp14, 16), &meta, &mut a);
        assert_eq!(a.work_contour, Some(8));
        assert!(a.response_pending && a.linked_fields);
    }

    /// An actual-work blob with the given elapsed times (80ths of a minute).
    fn actual_blob(elapsed: &[i32], limit: i32) -> Vec<u8> {
        let mut b = vec![0u8; 36];
        b[0..2].copy_from_slice(&u16::try_from(elapsed.len()).unwrap().to_le_bytes());
        b[24..28].copy_from_slice(&limit.to_le_bytes());
        for e in elapsed {
            let mut r = vec![0u8; 20];
            r[16..20].copy_from_slice(&e.to_le_bytes());
            b.extend(r);
        }
        b
    }

    #[test]
    fn actual_work_needs_a_period_with_time() {
        let a = Assignment::default();
        assert!(actual_work_recorded(
            Some(&actual_blob(&[0, 4800], 9600)),
            &a
        ));
        assert!(!actual_work_recorded(Some(&actual_blob(&[0, 0], 9600)), &a));
        // Elapsed beyond the limit counts as zero.
        assert!(!actual_work_recorded(
            Some(&actual_blob(&[99_999], 9600)),
            &a
        ));
        assert!(!actual_work_recorded(Some(&actual_blob(&[], 9600)), &a));
        assert!(!actual_work_recorded(None, &a));
        // Counts beyond the bytes present stop at the end.
        let mut b = actual_blob(&[0], 9600);
        b[0] = 0xFF;
        assert!(!actual_work_recorded(Some(&b), &a));
    }

    #[test]
    fn zero_length_tasks_pass_their_actual_dates_on() {
        let map = crate::raw::field_map::FieldMap::default();
        let var = VarData::default();
        let f = Fields {
            class: ASSIGNMENT,
            map: &map,
            fixed: [&[], &[]],
            var: &var,
            uid: 1,
        };
        let mut a = Assignment {
            start: Some(dt(4, 8)),
            finish: Some(dt(5, 17)),
            remaining_work: Some(0.0),
            ..Assignment::default()
        };
        let milestone = Task {
            actual_start: Some(dt(4, 8)),
            ..Task::default()
        };
        derive_actual_dates(&f, &milestone, true, &mut a);
        assert_eq!((a.actual_start, a.actual_finish), (Some(dt(4, 8)), None));
        let started = Task {
            duration: Some(Duration::new(2.0, TimeUnit::Days)),
            actual_start: Some(dt(4, 8)),
            ..Task::default()
        };
        derive_actual_dates(&f, &started, true, &mut a);
        assert_eq!(
            (a.actual_start, a.actual_finish),
            (Some(dt(4, 8)), Some(dt(5, 17)))
        );
        // Without a resource nothing is finished, and no actual work was recorded.
        derive_actual_dates(&f, &started, false, &mut a);
        assert_eq!((a.actual_start, a.actual_finish), (None, None));
    }
}
