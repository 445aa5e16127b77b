//! Calendars (`TBkndCal`): base and resource calendars, week days,
//! exceptions and work weeks.
//!
//! Each `FixedData` item holds 12-byte records (calendar UID, base calendar
//! UID, resource UID; the column order depends on the saving application).
//! The var data of a calendar carries its name and a binary block: seven
//! 60-byte day blocks, then (MPP12/14) exceptions and work weeks, or (MPP9)
//! 64-byte exception records. The rules below follow MPXJ's reader so that
//! the written MSPDI matches it: see [`read`] and [`post_process`].

use std::collections::{HashMap, HashSet};

use crate::bytes::{guid_at, u16_at, u32_at, u8_at, utf16_at};
use crate::container::{Container, FileFormat};
use crate::error::Result;
use crate::model::{
    Calendar, CalendarDay, CalendarException, DateTime, Project, Recurrence, TimeOfDay, WorkWeek,
    WorkingTime,
};

use super::blocks::{Block, BlockSpec};
use super::mpp14::Ctx;

/// Project property holding the default week (seven day blocks).
const DEFAULT_WEEK_PROP: u32 = 0x0240_1388;
/// Var key of the calendar name (all formats).
const NAME_KEY: u16 = 1;
/// Size of one day block.
const DAY_BLOCK: usize = 60;
/// Size of the week part of a calendar data block.
const WEEK_BLOCK: usize = 7 * DAY_BLOCK;
/// Name Project gives its default base calendar.
const STANDARD: &str = "Standard";
/// What MPXJ calls a resource calendar whose resource has no name.
const UNNAMED_RESOURCE: &str = "Unnamed Resource";

/// Where the parts of the calendar records live in a given format.
#[derive(Debug, Clone, Copy)]
struct Layout {
    cal_id: usize,
    base_id: usize,
    resource_id: usize,
    /// Offset of the first day block inside the calendar data.
    hours_offset: usize,
    data_key: u16,
    /// MPP9 exception records (64 bytes, no names or recurrence).
    mpp9: bool,
}

impl Layout {
    fn new(ctx: &Ctx) -> Layout {
        match ctx.format {
            // Project 2013 and later moved the calendar UID to the end of the record.
            FileFormat::Mpp14 if ctx.is_2013_plus() => Layout {
                cal_id: 8,
                base_id: 0,
                resource_id: 4,
                hours_offset: 0,
                data_key: 8,
                mpp9: false,
            },
            FileFormat::Mpp9 | FileFormat::Mpp8 => Layout {
                cal_id: 0,
                base_id: 4,
                resource_id: 8,
                hours_offset: 4,
                data_key: 3,
                mpp9: true,
            },
            _ => Layout {
                cal_id: 0,
                base_id: 4,
                resource_id: 8,
                hours_offset: 0,
                data_key: 8,
                mpp9: false,
            },
        }
    }
}

/// One day block as stored.
#[derive(Debug, Clone, PartialEq)]
enum StoredDay {
    /// Flag 1: the default day (base) or "as the base calendar" (derived).
    Default,
    /// Working periods; none = a non-working day.
    Periods(Vec<WorkingTime>),
}

/// Reads all calendars into `project.calendars` (file order) and sets the
/// project's default calendar UID. Resource calendars keep their owner in
/// `resource_uid`; naming, pruning and linking them to resources needs the
/// resources and is done by [`post_process`].
pub fn read(c: &mut Container<'_>, ctx: &Ctx, project: &mut Project) -> Result<()> {
    let dir = format!("{}/TBkndCal", ctx.dir);
    let block = Block::read(
        c,
        &BlockSpec {
            dir: &dir,
            meta_size: 10,
            meta2_sizes: &[9],
            max_item: Some(12),
            max_item2: Some(48),
            mask: ctx.mask,
            var_kind: ctx.var_kind,
        },
    )?;
    ctx.check_entities("calendars", block.meta.len())?;
    let layout = Layout::new(ctx);
    let default_data = ctx.props.get(DEFAULT_WEEK_PROP);
    let default_week = default_week(default_data, layout.hours_offset);

    let mut calendars: Vec<Calendar> = Vec::new();
    let mut seen: HashSet<i32> = HashSet::new();
    // Derived calendars and the base UID they name, resolved once all are read.
    let mut pending: Vec<(i32, i32)> = Vec::new();
    // Resource UID -> calendar UID, last derived calendar wins, base
    // calendars only claim resources nobody claimed before them.
    let mut resource_map: HashMap<i32, i32> = HashMap::new();

    for i in 0..block.data.len() {
        // A zero-length item (same offset as the next one) holds nothing.
        if i + 1 < block.meta.len() && block.meta.offset(i) == block.meta.offset(i + 1) {
            continue;
        }
        let Some(item) = block.data.item(i) else {
            continue;
        };
        if item.len() < 8 {
            continue;
        }
        let guid = block.data2.item(i).and_then(|d| guid_at(d, 0));
        let mut off = 0usize;
        while off + 12 <= item.len() {
            let field = |at: usize| crate::bytes::i32_at(item, off + at).unwrap_or(0);
            let uid = field(layout.cal_id);
            let base = field(layout.base_id);
            let resource = field(layout.resource_id);
            off += 12;
            if uid <= 0 || !seen.insert(uid) {
                continue;
            }
            let var = block.var.get(uid, layout.data_key);
            let is_base = base <= 0 || base == uid;
            let mut cal = Calendar {
                uid,
                guid,
                ..Calendar::default()
            };
            // A self-referencing base calendar keeps its "default" days unresolved.
            let resolve_defaults = base <= 0;
            if is_base {
                cal.name = block.var.string(uid, NAME_KEY);
                let data = var.or(default_data);
                match data {
                    Some(data) => {
                        cal.days =
                            week_days(data, &layout, resolve_defaults.then_some(&default_week));
                        read_exceptions(data, &layout, &mut cal);
                    }
                    None => {
                        // No data anywhere: Project's default week; MPXJ
                        // then empties the hours of a true base calendar.
                        cal.days = standard_week().map(|d| {
                            Some(CalendarDay {
                                working: d.working,
                                hours: if resolve_defaults {
                                    Vec::new()
                                } else {
                                    d.hours
                                },
                            })
                        });
                    }
                }
                if resource > 0 {
                    resource_map.entry(resource).or_insert(uid);
                }
            } else {
                if let Some(data) = var {
                    cal.days = week_days(data, &layout, None);
                    read_exceptions(data, &layout, &mut cal);
                }
                pending.push((uid, base));
                resource_map.insert(resource, uid);
            }
            calendars.push(cal);
        }
    }

    // Link derived calendars to their base; a missing or unnamed base makes
    // the calendar unusable and it is dropped.
    let derived: HashSet<i32> = pending.iter().map(|p| p.0).collect();
    let named: HashMap<i32, bool> = calendars
        .iter()
        .map(|c| (c.uid, c.name.is_some() && !derived.contains(&c.uid)))
        .collect();
    let bases: HashMap<i32, i32> = pending.iter().copied().collect();
    let owners: HashMap<i32, i32> = resource_map.iter().map(|(&r, &c)| (c, r)).collect();
    calendars.retain_mut(|cal| {
        cal.resource_uid = owners.get(&cal.uid).copied();
        match bases.get(&cal.uid) {
            None => true,
            Some(&base) => {
                cal.base_uid = Some(base);
                named.get(&base).copied().unwrap_or(false)
            }
        }
    });

    project.calendars = calendars;
    let default_uid = find_default(project);
    project.properties.default_calendar_uid = Some(default_uid);
    Ok(())
}

/// The default calendar: the one named in the project properties, else
/// "Standard", else the first calendar, else a new standard calendar.
fn find_default(project: &mut Project) -> i32 {
    let by_name = |cals: &[Calendar], name: &str| {
        if name.is_empty() {
            return None;
        }
        cals.iter()
            .find(|c| c.name.as_deref().is_some_and(|n| eq_ignore_case(n, name)))
            .map(|c| c.uid)
    };
    let wanted = project
        .properties
        .default_calendar_name
        .clone()
        .unwrap_or_default();
    if let Some(uid) =
        by_name(&project.calendars, &wanted).or_else(|| by_name(&project.calendars, STANDARD))
    {
        return uid;
    }
    if let Some(first) = project.calendars.first() {
        return first.uid;
    }
    let uid = next_uid(&project.calendars);
    project.calendars.push(Calendar {
        uid,
        name: Some(STANDARD.to_string()),
        days: standard_week().map(Some),
        ..Calendar::default()
    });
    uid
}

fn eq_ignore_case(a: &str, b: &str) -> bool {
    a.chars().count() == b.chars().count()
        && a.chars().zip(b.chars()).all(|(x, y)| {
            x == y || x.to_uppercase().eq(y.to_uppercase()) || x.to_lowercase().eq(y.to_lowercase())
        })
}

/// The UID MPXJ's calendar sequence hands out next: one past the largest.
fn next_uid(calendars: &[Calendar]) -> i32 {
    calendars
        .iter()
        .map(|c| c.uid)
        .max()
        .unwrap_or(0)
        .max(0)
        .saturating_add(1)
}

/// Resource-dependent calendar processing, to run once resources are read
/// (each `Resource` with its `uid` and `name`; `calendar_uid` is set here).
///
/// 1. Links each resource to the calendar whose `resource_uid` names it
///    (the calendar records are the only link; any previous
///    `calendar_uid` is replaced, `None` when no calendar claims it).
/// 2. Drops derived calendars no resource uses (calendars derived from a
///    dropped one become base calendars).
/// 3. Names unnamed resource calendars after their resource
///    ("Unnamed Resource" when the resource has no name).
/// 4. Gives every resource whose calendar is not a "simple" resource
///    calendar (a derived calendar used by that resource only and base of
///    no other) a new derived calendar named after the resource, whose base
///    is the old calendar; MSPDI needs this structure. New UIDs continue
///    after the largest calendar UID.
///
/// Tasks are not touched: a task whose calendar was dropped in step 2
/// should be written without one.
pub fn post_process(project: &mut Project) {
    let next = next_uid(&project.calendars);

    // 1. Resource -> calendar links.
    let owner: HashMap<i32, i32> = project
        .calendars
        .iter()
        .filter_map(|c| c.resource_uid.map(|r| (r, c.uid)))
        .collect();
    for r in &mut project.resources {
        r.calendar_uid = owner.get(&r.uid).copied();
    }

    // 2. Unused derived calendars, in order; removing one turns the
    // calendars derived from it into base calendars.
    let used: HashSet<i32> = project
        .resources
        .iter()
        .filter_map(|r| r.calendar_uid)
        .collect();
    let mut removed: HashSet<i32> = HashSet::new();
    for cal in &project.calendars {
        let derived = cal.base_uid.is_some_and(|b| !removed.contains(&b));
        if derived && !used.contains(&cal.uid) {
            removed.insert(cal.uid);
        }
    }
    project.calendars.retain_mut(|cal| {
        if cal.base_uid.is_some_and(|b| removed.contains(&b)) {
            cal.base_uid = None;
        }
        !removed.contains(&cal.uid)
    });

    // 3. Names.
    let index: HashMap<i32, usize> = project
        .calendars
        .iter()
        .enumerate()
        .map(|(i, c)| (c.uid, i))
        .collect();
    for r in &project.resources {
        let Some(i) = r.calendar_uid.and_then(|uid| index.get(&uid)) else {
            continue;
        };
        if let Some(cal) = project.calendars.get_mut(*i) {
            if cal.name.as_deref().is_none_or(str::is_empty) {
                let name = r
                    .name
                    .as_deref()
                    .filter(|n| !n.is_empty())
                    .unwrap_or(UNNAMED_RESOURCE);
                cal.name = Some(name.to_string());
            }
        }
    }

    // 4. Synthesized resource calendars.
    let mut users: HashMap<i32, usize> = HashMap::new();
    for uid in project.resources.iter().filter_map(|r| r.calendar_uid) {
        *users.entry(uid).or_default() += 1;
    }
    let parents: HashSet<i32> = project
        .calendars
        .iter()
        .filter_map(|c| c.base_uid)
        .collect();
    let simple: HashSet<i32> = project
        .calendars
        .iter()
        .filter(|c| {
            c.base_uid.is_some()
                && !parents.contains(&c.uid)
                && users.get(&c.uid).copied() == Some(1)
        })
        .map(|c| c.uid)
        .collect();
    let mut next = next;
    let mut added = Vec::new();
    let order: Vec<i32> = project.calendars.iter().map(|c| c.uid).collect();
    for cal_uid in order {
        if simple.contains(&cal_uid) {
            continue;
        }
        for r in &mut project.resources {
            if r.calendar_uid != Some(cal_uid) {
                continue;
            }
            added.push(Calendar {
                uid: next,
                name: r.name.clone(),
                base_uid: Some(cal_uid),
                resource_uid: Some(r.uid),
                ..Calendar::default()
            });
            r.calendar_uid = Some(next);
            next = next.saturating_add(1);
        }
    }
    project.calendars.extend(added);
}

/// Project's built-in week: Monday to Friday 08:00-12:00 and 13:00-17:00.
fn standard_week() -> [CalendarDay; 7] {
    std::array::from_fn(|d| {
        let working = (1..=5).contains(&d);
        CalendarDay {
            working,
            hours: if working {
                vec![
                    WorkingTime {
                        from: TimeOfDay(8 * 3600),
                        to: TimeOfDay(12 * 3600),
                    },
                    WorkingTime {
                        from: TimeOfDay(13 * 3600),
                        to: TimeOfDay(17 * 3600),
                    },
                ]
            } else {
                Vec::new()
            },
        }
    })
}

/// The project default week: the stored one with its own "default" days
/// taken from Project's built-in week, or the built-in week.
fn default_week(data: Option<&[u8]>, offset: usize) -> [CalendarDay; 7] {
    let standard = standard_week();
    let Some(data) = data else { return standard };
    let stored = parse_week(data, offset);
    std::array::from_fn(|d| match stored.get(d) {
        Some(StoredDay::Periods(p)) => CalendarDay {
            working: !p.is_empty(),
            hours: p.clone(),
        },
        _ => standard.get(d).cloned().unwrap_or_default(),
    })
}

/// The seven days of a calendar: "default" days are resolved from
/// `defaults` (base calendars) or left `None` (inherited).
fn week_days(
    data: &[u8],
    layout: &Layout,
    defaults: Option<&[CalendarDay; 7]>,
) -> [Option<CalendarDay>; 7] {
    let stored = parse_week(data, layout.hours_offset);
    std::array::from_fn(|d| match stored.get(d) {
        Some(StoredDay::Periods(p)) => Some(CalendarDay {
            working: !p.is_empty(),
            hours: p.clone(),
        }),
        _ => defaults.and_then(|w| w.get(d).cloned()),
    })
}

/// Seven day blocks from `offset`, Sunday first. A block cut short by the
/// end of the data counts as a default day.
fn parse_week(data: &[u8], offset: usize) -> [StoredDay; 7] {
    std::array::from_fn(|d| {
        let at = offset.saturating_add(d * DAY_BLOCK);
        match u16_at(data, at) {
            Some(0) => StoredDay::Periods(day_periods(data, at, |data, off| {
                u16_at(data, off).map(u32::from)
            })),
            _ => StoredDay::Default,
        }
    })
}

/// The working periods of a day block at `at`: count u16@2, starts u16@8,
/// lengths @20 (read with `len`, tenths of a minute).
fn day_periods(
    data: &[u8],
    at: usize,
    len: impl Fn(&[u8], usize) -> Option<u32>,
) -> Vec<WorkingTime> {
    let count = u16_at(data, at + 2).unwrap_or(0);
    periods(data, at + 8, at + 20, count, len)
}

/// `count` periods with u16 starts at `starts` and 4-byte lengths at
/// `lengths`; stops at the end of the data.
fn periods(
    data: &[u8],
    starts: usize,
    lengths: usize,
    count: u16,
    len: impl Fn(&[u8], usize) -> Option<u32>,
) -> Vec<WorkingTime> {
    let mut out = Vec::new();
    for i in 0..usize::from(count) {
        let (Some(start), Some(length)) =
            (u16_at(data, starts + 2 * i), len(data, lengths + 4 * i))
        else {
            break;
        };
        out.push(period(start, length));
    }
    out
}

/// A period from a start in tenths of a minute (truncated to the minute)
/// and a length in tenths of a minute; the end wraps past midnight, an end
/// exactly at midnight is kept as 24:00.
fn period(start_tenths: u16, length_tenths: u32) -> WorkingTime {
    let mut from = u32::from(start_tenths / 10) * 60;
    if from > 86_399 {
        from %= 86_400;
    }
    let end = u64::from(from) + u64::from(length_tenths) * 6;
    let to = match end % 86_400 {
        0 if end > 0 => 86_400,
        e => e as u32,
    };
    WorkingTime {
        from: TimeOfDay(from),
        to: TimeOfDay(to),
    }
}

/// A 2-byte date (65535 = none).
fn date(data: &[u8], off: usize) -> Option<DateTime> {
    DateTime::from_date(data, off)
}

/// Exceptions and work weeks following the week part of a calendar.
fn read_exceptions(data: &[u8], layout: &Layout, cal: &mut Calendar) {
    if layout.mpp9 {
        cal.exceptions = exceptions9(data);
    } else if data.len() > WEEK_BLOCK {
        let (exceptions, end) = exceptions14(data);
        cal.exceptions = exceptions;
        cal.work_weeks = work_weeks(data, end);
    }
}

/// MPP9: u16 count at 0, 64-byte records after the week part.
fn exceptions9(data: &[u8]) -> Vec<CalendarException> {
    let count = usize::from(u16_at(data, 0).unwrap_or(0));
    let mut out = Vec::new();
    for i in 0..count {
        let off = 4 + WEEK_BLOCK + i * 64;
        let Some(n) = u16_at(data, off + 6) else {
            break;
        };
        let hours = periods(data, off + 12, off + 24, n, |d, o| {
            u16_at(d, o).map(u32::from)
        });
        let Some(from) = date(data, off) else {
            continue;
        };
        let to = date(data, off + 2).unwrap_or(from);
        out.push(CalendarException {
            name: None,
            from,
            to,
            occurrences: None,
            recurrence: Recurrence::Daily,
            working: !hours.is_empty(),
            hours,
        });
    }
    out
}

/// MPP12/14: u16 count at 420, 92-byte records plus a padded name from 424.
/// Returns the exceptions and the offset where the work weeks begin.
fn exceptions14(data: &[u8]) -> (Vec<CalendarException>, usize) {
    let count = usize::from(u16_at(data, WEEK_BLOCK).unwrap_or(0));
    let mut off = WEEK_BLOCK + 4;
    let mut out = Vec::new();
    for _ in 0..count {
        if off.saturating_add(92) > data.len() {
            break;
        }
        let n = u16_at(data, off + 14).unwrap_or(0);
        let hours = periods(data, off + 20, off + 32, n, |d, o| {
            u16_at(d, o).map(u32::from)
        });
        let name_len = u32_at(data, off + 88)
            .and_then(|l| usize::try_from(l).ok())
            .map(round4)
            .unwrap_or(0);
        // The name is read inside its padded length: unbounded reads from
        // thousands of records would make a hostile blob quadratic.
        let name = (name_len != 0).then(|| {
            let start = off + 92;
            let end = start.saturating_add(name_len).min(data.len());
            data.get(start..end)
                .and_then(|s| utf16_at(s, 0))
                .unwrap_or_default()
        });
        if let Some(from) = date(data, off) {
            out.push(CalendarException {
                name,
                from,
                to: date(data, off + 2).unwrap_or(from),
                occurrences: u16_at(data, off + 4),
                recurrence: recurrence(data, off),
                working: !hours.is_empty(),
                hours,
            });
        }
        off = off.saturating_add(92).saturating_add(name_len);
    }
    (out, off)
}

/// Rounds a length up to a multiple of 4.
fn round4(n: usize) -> usize {
    n.checked_add(3).map_or(n, |v| v & !3)
}

/// The recurrence of the exception record at `off` (type u16@72,
/// parameters at 76..80). Daily-every-day and unknown types are plain ranges.
fn recurrence(data: &[u8], off: usize) -> Recurrence {
    let b = |at: usize| u8_at(data, off + at).unwrap_or(0);
    let w = |at: usize| u16_at(data, off + at).unwrap_or(0);
    // Weekday codes run 3 = Sunday .. 9 = Saturday.
    let weekday = |code: u8| code.checked_sub(3).filter(|d| *d < 7);
    match w(72) {
        7 => match w(76) {
            1 => Recurrence::Daily,
            period => Recurrence::EveryNDays { period },
        },
        6 => Recurrence::Weekly {
            days_of_week: b(76) & 0x7F,
            period: w(78),
        },
        4 => Recurrence::MonthlyByDay {
            day: b(76),
            period: u16::from(b(78)),
        },
        5 => match weekday(b(77)) {
            Some(weekday) => Recurrence::MonthlyByWeekday {
                position: b(76),
                weekday,
                period: w(78),
            },
            None => Recurrence::Daily,
        },
        2 => Recurrence::YearlyByDate {
            month: b(76).saturating_add(1),
            day: b(77),
        },
        3 => match weekday(b(78)) {
            Some(weekday) => Recurrence::YearlyByWeekday {
                month: b(76).saturating_add(1),
                position: b(77),
                weekday,
            },
            None => Recurrence::Daily,
        },
        _ => Recurrence::Daily,
    }
}

/// Work weeks from `off`: a 4-byte header, then per week seven day blocks
/// (flag 1 = default), start and end dates, 8 bytes, a padded name.
fn work_weeks(data: &[u8], off: usize) -> Vec<WorkWeek> {
    let mut off = off.saturating_add(4);
    let mut out = Vec::new();
    while off
        .checked_add(WEEK_BLOCK + 16)
        .is_some_and(|end| end <= data.len())
    {
        let days = std::array::from_fn(|d| {
            let at = off + d * DAY_BLOCK;
            match u16_at(data, at) {
                Some(1) | None => None,
                Some(_) => {
                    let hours = day_periods(data, at, u32_at);
                    Some(CalendarDay {
                        working: !hours.is_empty(),
                        hours,
                    })
                }
            }
        });
        off += WEEK_BLOCK;
        let from = date(data, off);
        let to = date(data, off + 2);
        off += 12;
        let name_len = u32_at(data, off)
            .and_then(|l| usize::try_from(l).ok())
            .map(round4)
            .unwrap_or(0);
        off += 4;
        let name = if name_len != 0 {
            let end = off.saturating_add(name_len).min(data.len());
            let name = data.get(off..end).and_then(|s| utf16_at(s, 0));
            off = off.saturating_add(name_len);
            name
        } else {
            None
        };
        out.push(WorkWeek {
            name,
            from,
            to,
            days,
        });
    }
    out
}

/// Fuzzing entry: every decoder of a calendar data blob, in both layouts.
pub(crate) fn fuzz_decode(data: &[u8]) -> usize {
    let mut n = 0;
    for layout in [
        Layout {
            cal_id: 0,
            base_id: 4,
            resource_id: 8,
            hours_offset: 0,
            data_key: 8,
            mpp9: false,
        },
        Layout {
            cal_id: 0,
            base_id: 4,
            resource_id: 8,
            hours_offset: 4,
            data_key: 3,
            mpp9: true,
        },
    ] {
        let mut cal = Calendar {
            days: week_days(data, &layout, Some(&default_week(Some(data), 0))),
            ..Calendar::default()
        };
        read_exceptions(data, &layout, &mut cal);
        n += cal.exceptions.len() + cal.work_weeks.len();
    }
    n
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    impl Layout {
        fn new_for_tests() -> Layout {
            Layout {
                cal_id: 0,
                base_id: 4,
                resource_id: 8,
                hours_offset: 0,
                data_key: 8,
                mpp9: false,
            }
        }
    }
    use crate::model::Resource;

    fn day_block(flag: u16, periods: &[(u16, u32)]) -> Vec<u8> {
        let mut b = vec![0u8; DAY_BLOCK];
        b[0..2].copy_from_slice(&flag.to_le_bytes());
        b[2..4].copy_from_slice(&(periods.len() as u16).to_le_bytes());
        let total: u32 = periods.iter().map(|p| p.1).sum();
        b[4..8].copy_from_slice(&total.to_le_bytes());
        for (i, (start, len)) in periods.iter().enumerate() {
            b[8 + 2 * i..10 + 2 * i].copy_from_slice(&start.to_le_bytes());
            b[20 + 4 * i..24 + 4 * i].copy_from_slice(&len.to_le_bytes());
        }
        b
    }

    /// A week: Sunday off, Monday 09:00-13:00, the rest default.
    fn week() -> Vec<u8> {
        let mut v = day_block(0, &[]);
        v.extend(day_block(0, &[(5400, 2400)]));
        for _ in 0..5 {
            v.extend(day_block(1, &[]));
        }
        v
    }

    fn hm(h: u32, m: u32) -> TimeOfDay {
        TimeOfDay(h * 3600 + m * 60)
    }

    fn exception(
        from: u16,
        to: u16,
        kind: u16,
        params: [u8; 4],
        periods: &[(u16, u32)],
        name: &str,
    ) -> Vec<u8> {
        let mut e = vec![0u8; 92];
        e[0..2].copy_from_slice(&from.to_le_bytes());
        e[2..4].copy_from_slice(&to.to_le_bytes());
        e[4..6].copy_from_slice(&3u16.to_le_bytes());
        e[14..16].copy_from_slice(&(periods.len() as u16).to_le_bytes());
        for (i, (start, len)) in periods.iter().enumerate() {
            e[20 + 2 * i..22 + 2 * i].copy_from_slice(&start.to_le_bytes());
            e[32 + 4 * i..36 + 4 * i].copy_from_slice(&len.to_le_bytes());
        }
        e[72..74].copy_from_slice(&kind.to_le_bytes());
        e[76..80].copy_from_slice(&params);
        let utf16: Vec<u8> = name
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .chain([0, 0])
            .collect();
        let len = if name.is_empty() { 0 } else { utf16.len() };
        e[88..92].copy_from_slice(&(len as u32).to_le_bytes());
        if len > 0 {
            e.extend(&utf16);
            e.resize(92 + round4(len), 0);
        }
        e
    }

    #[test]
    fn day_blocks_decode_periods_and_defaults() {
        let w = parse_week(&week(), 0);
        assert_eq!(w[0], StoredDay::Periods(vec![]));
        assert_eq!(
            w[1],
            StoredDay::Periods(vec![WorkingTime {
                from: hm(9, 0),
                to: hm(13, 0)
            }])
        );
        assert_eq!(w[2], StoredDay::Default);
        // a period running to midnight ends at 24:00, later ends wrap
        assert_eq!(period(0, 14_400).to, TimeOfDay(86_400));
        assert_eq!(period(12_000, 6_000).to, hm(6, 0));
        // tenths of a minute are truncated to the minute
        assert_eq!(period(4805, 0).from, hm(8, 0));
    }

    #[test]
    fn base_days_resolve_defaults_derived_days_inherit() {
        let layout = Layout::new_for_tests();
        let defaults = default_week(None, 0);
        let base = week_days(&week(), &layout, Some(&defaults));
        assert_eq!(base[0], Some(CalendarDay::default()));
        assert_eq!(base[2].as_ref().map(|d| d.hours.len()), Some(2));
        assert_eq!(base[6].as_ref().map(|d| d.working), Some(false));
        let derived = week_days(&week(), &layout, None);
        assert_eq!(derived[2], None);
        assert_eq!(derived[1].as_ref().map(|d| d.working), Some(true));
        // a stored default week overrides the built-in one where it is explicit
        let mut stored = week();
        stored.splice(0..60, day_block(0, &[(0, 600)]));
        let w = default_week(Some(&stored), 0);
        assert!(w[0].working);
        assert_eq!(w[0].hours[0].to, hm(1, 0));
        assert_eq!(w[3].hours.len(), 2);
    }

    #[test]
    fn exceptions_recurrences_and_work_weeks() {
        let mut data = week();
        data.extend(3u16.to_le_bytes());
        data.extend([0, 0]);
        // 2000-01-01 is day 5845 after 1983-12-31
        data.extend(exception(5845, 5847, 1, [0; 4], &[], "Holiday"));
        data.extend(exception(5876, 5885, 7, [3, 0, 0, 0], &[(4800, 1200)], ""));
        data.extend(exception(5876, 6000, 5, [4, 4, 2, 0], &[], "Last Mon"));
        // work weeks: header, one week
        data.extend([0u8; 4]);
        let mut wk = Vec::new();
        for d in 0..7 {
            wk.extend(if d == 3 {
                day_block(0, &[(4800, 2400)])
            } else {
                day_block(1, &[])
            });
        }
        wk.extend(5845u16.to_le_bytes());
        wk.extend(5900u16.to_le_bytes());
        wk.extend([0u8; 8]);
        let name: Vec<u8> = "Summer".encode_utf16().flat_map(u16::to_le_bytes).collect();
        wk.extend((name.len() as u32).to_le_bytes());
        wk.extend(&name);
        data.extend(&wk);

        let (exc, end) = exceptions14(&data);
        assert_eq!(exc.len(), 3);
        assert_eq!(exc[0].name.as_deref(), Some("Holiday"));
        assert_eq!(exc[0].from.to_string(), "2000-01-01T00:00:00");
        assert_eq!(exc[0].to.to_string(), "2000-01-03T00:00:00");
        assert_eq!(exc[0].recurrence, Recurrence::Daily);
        assert!(!exc[0].working);
        assert_eq!(exc[1].recurrence, Recurrence::EveryNDays { period: 3 });
        assert_eq!(exc[1].name, None);
        assert!(exc[1].working);
        assert_eq!(exc[1].hours[0].to, hm(10, 0));
        assert_eq!(exc[1].occurrences, Some(3));
        assert_eq!(
            exc[2].recurrence,
            Recurrence::MonthlyByWeekday {
                position: 4,
                weekday: 1,
                period: 2
            }
        );
        let weeks = work_weeks(&data, end);
        assert_eq!(weeks.len(), 1);
        assert_eq!(weeks[0].name.as_deref(), Some("Summer"));
        assert_eq!(weeks[0].days[0], None);
        assert_eq!(
            weeks[0].days[3].as_ref().map(|d| d.hours[0].to),
            Some(hm(12, 0))
        );
        assert_eq!(
            weeks[0].to.map(|d| d.to_string()).as_deref(),
            Some("2000-02-25T00:00:00")
        );
        // truncated data stops cleanly
        let (exc, _) = exceptions14(&data[..WEEK_BLOCK + 4 + 100]);
        assert_eq!(exc.len(), 1);
    }

    #[test]
    fn recurrence_parameters() {
        let rec = |kind: u16, p: [u8; 4]| recurrence(&exception(1, 1, kind, p, &[], ""), 0);
        assert_eq!(
            rec(6, [0x22, 0, 2, 0]),
            Recurrence::Weekly {
                days_of_week: 0x22,
                period: 2
            }
        );
        assert_eq!(
            rec(4, [15, 0, 3, 0]),
            Recurrence::MonthlyByDay { day: 15, period: 3 }
        );
        assert_eq!(
            rec(2, [11, 25, 0, 0]),
            Recurrence::YearlyByDate { month: 12, day: 25 }
        );
        assert_eq!(
            rec(3, [10, 3, 5, 0]),
            Recurrence::YearlyByWeekday {
                month: 11,
                position: 3,
                weekday: 2
            }
        );
        assert_eq!(rec(7, [1, 0, 0, 0]), Recurrence::Daily);
        assert_eq!(rec(0, [0; 4]), Recurrence::Daily);
    }

    #[test]
    fn mpp9_exceptions() {
        let mut data = vec![0u8; 4];
        data[0] = 1;
        data.extend(week());
        let mut e = vec![0u8; 64];
        e[0..2].copy_from_slice(&5845u16.to_le_bytes());
        e[2..4].copy_from_slice(&5845u16.to_le_bytes());
        e[6..8].copy_from_slice(&1u16.to_le_bytes());
        e[12..14].copy_from_slice(&4800u16.to_le_bytes());
        e[24..28].copy_from_slice(&600u32.to_le_bytes());
        data.extend(e);
        let exc = exceptions9(&data);
        assert_eq!(exc.len(), 1);
        assert_eq!(
            exc[0].hours,
            vec![WorkingTime {
                from: hm(8, 0),
                to: hm(9, 0)
            }]
        );
        assert_eq!(parse_week(&data, 4)[0], StoredDay::Periods(vec![]));
    }

    #[test]
    fn exception_names_stay_inside_their_padded_length() {
        // Name length 4 bytes ("ab" unterminated), then a record whose
        // bytes are not NUL: the name must not run on into it.
        let mut data = week();
        data.extend_from_slice(&2u16.to_le_bytes());
        data.extend_from_slice(&[0, 0]);
        let mut first = exception(10, 10, 1, [0; 4], &[], "");
        first[88..92].copy_from_slice(&4u32.to_le_bytes());
        first.extend("ab".encode_utf16().flat_map(u16::to_le_bytes));
        data.extend(first);
        data.extend(exception(20, 20, 1, [0; 4], &[], "next"));
        let (exc, _) = exceptions14(&data);
        assert_eq!(exc.len(), 2);
        assert_eq!(exc[0].name.as_deref(), Some("ab"));
        assert_eq!(exc[1].name.as_deref(), Some("next"));
    }

    #[test]
    fn arbitrary_bytes_do_not_panic() {
        // xorshift bytes, every length up to ~1.5 KB, all decoders
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let layout = Layout::new_for_tests();
        for len in (0..1500).step_by(7) {
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 24) as u8
                })
                .collect();
            let mut c = Calendar::default();
            read_exceptions(&data, &layout, &mut c);
            let _ = exceptions9(&data);
            let _ = week_days(&data, &layout, None);
            let _ = work_weeks(&data, 0);
            for e in &c.exceptions {
                assert!(e.hours.len() <= usize::from(u16::MAX));
            }
        }
    }

    fn cal(uid: i32, base: Option<i32>, resource: Option<i32>, name: Option<&str>) -> Calendar {
        Calendar {
            uid,
            base_uid: base,
            resource_uid: resource,
            name: name.map(str::to_string),
            ..Calendar::default()
        }
    }

    fn res(uid: i32, name: Option<&str>) -> Resource {
        Resource {
            uid,
            name: name.map(str::to_string),
            ..Resource::default()
        }
    }

    #[test]
    fn post_process_links_prunes_names_and_synthesizes() {
        let mut p = Project {
            calendars: vec![
                cal(1, None, None, Some("Standard")),
                cal(3, Some(1), Some(10), None),
                cal(4, Some(1), Some(99), None),
                cal(6, None, Some(11), Some("Night")),
            ],
            resources: vec![res(10, Some("Ann")), res(11, None), res(12, Some("Bob"))],
            ..Project::default()
        };
        post_process(&mut p);
        let uids: Vec<i32> = p.calendars.iter().map(|c| c.uid).collect();
        // 4 is unused and dropped; resource 11 uses a base calendar and gets 7
        assert_eq!(uids, vec![1, 3, 6, 7]);
        assert_eq!(p.calendars[1].name.as_deref(), Some("Ann"));
        assert_eq!(p.calendars[3].base_uid, Some(6));
        assert_eq!(p.calendars[3].name, None);
        assert_eq!(p.resources[0].calendar_uid, Some(3));
        assert_eq!(p.resources[1].calendar_uid, Some(7));
        assert_eq!(p.resources[2].calendar_uid, None);
    }

    #[test]
    fn default_calendar_is_found_by_name_or_created() {
        let mut p = Project::default();
        p.properties.default_calendar_name = Some("night".into());
        p.calendars = vec![
            cal(2, None, None, Some("Standard")),
            cal(5, None, None, Some("Night")),
        ];
        assert_eq!(find_default(&mut p), 5);
        p.properties.default_calendar_name = None;
        assert_eq!(find_default(&mut p), 2);
        p.calendars.clear();
        assert_eq!(find_default(&mut p), 1);
        assert_eq!(
            p.calendars[0].days[1].as_ref().map(|d| d.hours.len()),
            Some(2)
        );
    }
}
