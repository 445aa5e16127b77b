//! The Project 98 reader (MPP8). Nothing of the later block structure is
//! there: each `TBknd*` storage of `   1` holds `FixFix   0` (fixed-size
//! records at hard-coded offsets) and `FixDeferFix   0` (chained variable
//! items), and the project settings sit in `   1/Props` (Props8 layout, the
//! same keys as later versions).

mod blocks;
mod calendars;
mod resources;
mod schedule;
mod tasks;

use std::collections::{HashMap, HashSet};

use crate::bytes::{i32_at, u16_at, u48_at, u8_at};
use crate::container::{CompObj, Container};
use crate::error::{Error, Result};
use crate::model::{Assignment, DateTime, Project, Relation, RelationType, TimeUnit};
use crate::options::ReadOptions;
use crate::raw::props::Props;

use super::properties;
use blocks::{FixDeferFix, FixFix};

/// The project storage.
const DIR: &str = "   1";

/// Record sizes (not stored in the file).
const CALENDAR_SIZE: usize = 36;
const RESOURCE_SIZE: usize = 196;
const TASK_SIZE: usize = 316;
const TASK_SIZE_LONG: usize = 366;
const ASSIGNMENT_SIZE: usize = 204;
const ASSIGNMENT_SIZE_LONG: usize = 238;
const RELATION_SIZE: usize = 36;

pub fn read(c: &mut Container<'_>, _compobj: &CompObj, opts: &ReadOptions) -> Result<Project> {
    check_entities(c, opts.max_entities)?;
    let raw = c
        .stream(&format!("{DIR}/Props"))?
        .ok_or_else(|| Error::corrupt(format!("{DIR}/Props"), "missing project properties"))?;
    let props = Props::parse8(&raw);
    let mut props_out = properties::from_props(&props);
    properties::apply_summary(c, &mut props_out)?;
    // Props8 keeps unset texts as empty strings.
    for text in [
        &mut props_out.company,
        &mut props_out.manager,
        &mut props_out.title,
        &mut props_out.subject,
        &mut props_out.author,
        &mut props_out.keywords,
        &mut props_out.comments,
        &mut props_out.category,
    ] {
        if text.as_deref() == Some("") {
            *text = None;
        }
    }
    let mut project = Project {
        properties: props_out,
        ..Project::default()
    };
    // Calendars before the resources that own them, tasks and resources
    // before the links and assignments that refer to them.
    calendars::read(c, &mut project)?;
    resources::read(c, &mut project)?;
    tasks::read(c, &mut project)?;
    read_relations(c, &mut project)?;
    read_assignments(c, &mut project)?;
    // Slack, critical and variances are not stored in these files.
    schedule::derive(&mut project);
    Ok(project)
}

/// Refuses record stores with more records than `max` before any is read
/// (counted at the shorter record size, so the larger count).
fn check_entities(c: &Container<'_>, max: usize) -> Result<()> {
    for (what, name, size) in [
        ("calendars", "TBkndCal", CALENDAR_SIZE),
        ("resources", "TBkndRsc", RESOURCE_SIZE),
        ("tasks", "TBkndTask", TASK_SIZE),
        ("relations", "TBkndCons", RELATION_SIZE),
        ("assignments", "TBkndAssn", ASSIGNMENT_SIZE),
    ] {
        let len = c.stream_len(&format!("{DIR}/{name}/FixFix   0"));
        let count = usize::try_from(len / size as u64).unwrap_or(usize::MAX);
        Error::check_entities(what, count, max)?;
    }
    Ok(())
}

/// The record store and the item store of one entity storage.
fn storage(c: &mut Container<'_>, name: &str, size: usize) -> Result<(FixFix, FixDeferFix)> {
    let fixed = c.stream_or_empty(&format!("{DIR}/{name}/FixFix   0"))?;
    let var = c.stream_or_empty(&format!("{DIR}/{name}/FixDeferFix   0"))?;
    Ok((FixFix::new(fixed, size), FixDeferFix::new(var)))
}

/// Hours from a 6-byte count of thousandths of a minute (as the f64 work
/// of later versions: sample98's 30,000,000 is MPXJ's 500 h).
fn work_at(data: &[u8], off: usize) -> Option<f64> {
    u48_at(data, off).map(|v| v as f64 / 60_000.0)
}

/// Currency units from a 6-byte count of cents.
fn money_at(data: &[u8], off: usize) -> Option<f64> {
    u48_at(data, off).map(|v| v as f64 / 100.0)
}

/// Predecessor links (`TBkndCons`, 36-byte records): uid @0, predecessor
/// @12, successor @16, type u16@20, lag units u16@22, lag i32@24; only
/// records with i32@28 == 0 are live links.
fn read_relations(c: &mut Container<'_>, project: &mut Project) -> Result<()> {
    let (fixed, _) = storage(c, "TBkndCons", RELATION_SIZE)?;
    let index: HashMap<i32, usize> = project
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.uid, i))
        .collect();
    for rec in fixed.records() {
        let Some((succ, link)) = relation(rec) else {
            continue;
        };
        if !index.contains_key(&link.predecessor_uid) {
            continue;
        }
        if let Some(task) = index.get(&succ).and_then(|&i| project.tasks.get_mut(i)) {
            task.predecessors.push(link);
        }
    }
    Ok(())
}

/// One live link record: (successor uid, link).
fn relation(rec: &[u8]) -> Option<(i32, Relation)> {
    if i32_at(rec, 28)? != 0 {
        return None;
    }
    let (pred, succ) = (i32_at(rec, 12)?, i32_at(rec, 16)?);
    if pred == succ {
        return None;
    }
    let link = Relation {
        uid: i32_at(rec, 0),
        predecessor_uid: pred,
        kind: RelationType::from_code(u16_at(rec, 20)?),
        lag_tenths: i32_at(rec, 24)?,
        lag_units: TimeUnit::from_code(u16_at(rec, 22)?, TimeUnit::Days),
    };
    Some((succ, link))
}

/// Assignments (`TBkndAssn`, 204- or 238-byte records).
fn read_assignments(c: &mut Container<'_>, project: &mut Project) -> Result<()> {
    let (mut fixed, _) = storage(c, "TBkndAssn", ASSIGNMENT_SIZE)?;
    let task_uids: HashSet<i32> = project.tasks.iter().map(|t| t.uid).collect();
    let resource_uids: HashSet<i32> = project.resources.iter().map(|r| r.uid).collect();
    let known = |rec: &[u8]| {
        i32_at(rec, 16).is_some_and(|u| task_uids.contains(&u))
            || i32_at(rec, 20).is_some_and(|u| resource_uids.contains(&u))
    };
    if use_long_assignments(&fixed, known) {
        fixed = FixFix::new(fixed.into_data(), ASSIGNMENT_SIZE_LONG);
    }
    let mut out: Vec<Assignment> = Vec::new();
    // One assignment per (task, resource): a later record updates the first.
    let mut by_pair: HashMap<(i32, i32), usize> = HashMap::new();
    for rec in fixed.records() {
        if u8_at(rec, 168) == Some(2) {
            continue; // deleted
        }
        let (Some(task_uid), Some(resource_uid)) = (i32_at(rec, 16), i32_at(rec, 20)) else {
            continue;
        };
        if !task_uids.contains(&task_uid) || !resource_uids.contains(&resource_uid) {
            continue;
        }
        let a = Assignment {
            uid: i32_at(rec, 0).unwrap_or(0),
            task_uid,
            resource_uid: Some(resource_uid),
            start: DateTime::from_timestamp(rec, 24),
            finish: DateTime::from_timestamp(rec, 28),
            units: u16_at(rec, 80).map(|v| f64::from(v) / 10_000.0),
            work: work_at(rec, 84),
            overtime_work: work_at(rec, 90),
            actual_work: work_at(rec, 96),
            remaining_work: work_at(rec, 114),
            cost: money_at(rec, 132),
            actual_cost: money_at(rec, 138),
            ..Assignment::default()
        };
        match by_pair.get(&(task_uid, resource_uid)) {
            Some(&i) => {
                if let Some(slot) = out.get_mut(i) {
                    *slot = a;
                }
            }
            None => {
                by_pair.insert((task_uid, resource_uid), out.len());
                out.push(a);
            }
        }
    }
    // Resources span their assignments.
    let mut spans: HashMap<i32, (Option<DateTime>, Option<DateTime>)> = HashMap::new();
    for a in &out {
        let Some(r) = a.resource_uid else { continue };
        let span = spans.entry(r).or_default();
        span.0 = [span.0, a.start].into_iter().flatten().min();
        span.1 = [span.1, a.finish].into_iter().flatten().max();
    }
    for r in &mut project.resources {
        (r.start, r.finish) = spans.get(&r.uid).copied().unwrap_or_default();
    }
    project.assignments = out;
    Ok(())
}

/// The shorter assignment size is right unless it leaves a remainder, or the
/// stream also divides into long records and some short record names
/// neither a known task nor a known resource.
fn use_long_assignments(short: &FixFix, known: impl Fn(&[u8]) -> bool) -> bool {
    short.remainder() != 0
        || (short.stream_len() % ASSIGNMENT_SIZE_LONG == 0 && !short.records().all(known))
}

/// Fuzzing entry: `FixDeferFix` chains followed from every 4-byte offset
/// the data names, the extended data they hold and the strings it points to.
pub(crate) fn fuzz_store(data: &[u8]) -> usize {
    use blocks::ExtendedData;
    let mut n = ExtendedData::parse(data).get(0).map_or(0, <[u8]>::len);
    let store = FixDeferFix::new(data.to_vec());
    // Bounded so one input stays well under a millisecond per kilobyte.
    for at in (0..data.len()).step_by(4).take(256) {
        let Some(reference) = i32_at(data, at) else {
            break;
        };
        n += store.string(reference).map_or(0, |s| s.len());
        n += store.ansi(reference).map_or(0, |s| s.len());
        let ext = ExtendedData::read(&store, reference);
        n += ext.string(reference as u32, &store).map_or(0, |s| s.len());
        n += usize::from(ext.timestamp(0).is_some());
    }
    n
}

/// Fuzzing entry: the MPP8 calendar week decoder.
pub(crate) fn fuzz_calendar(data: &[u8]) -> usize {
    calendars::fuzz_decode(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_records() {
        let mut rec = vec![0u8; RELATION_SIZE];
        rec[0..4].copy_from_slice(&9i32.to_le_bytes());
        rec[12..16].copy_from_slice(&1i32.to_le_bytes());
        rec[16..20].copy_from_slice(&2i32.to_le_bytes());
        rec[20..22].copy_from_slice(&3u16.to_le_bytes());
        rec[22..24].copy_from_slice(&5u16.to_le_bytes());
        rec[24..28].copy_from_slice(&600i32.to_le_bytes());
        let (succ, link) = relation(&rec).unwrap();
        assert_eq!(succ, 2);
        assert_eq!(link.uid, Some(9));
        assert_eq!(link.predecessor_uid, 1);
        assert_eq!(link.kind, RelationType::StartStart);
        assert_eq!((link.lag_tenths, link.lag_units), (600, TimeUnit::Hours));
        // a non-zero word at 28 marks a dead link; a self link is dropped
        rec[28] = 1;
        assert!(relation(&rec).is_none());
        rec[28] = 0;
        rec[16..20].copy_from_slice(&1i32.to_le_bytes());
        assert!(relation(&rec).is_none());
        assert!(relation(&rec[..20]).is_none());
    }

    #[test]
    fn assignment_record_size_choice() {
        // 204 * 5 = 1020 divides only by the short size
        let short = FixFix::new(vec![0u8; 204 * 5], ASSIGNMENT_SIZE);
        assert!(!use_long_assignments(&short, |_| false));
        // 238 * 5 = 1190 leaves a remainder for 204
        let long = FixFix::new(vec![0u8; 238 * 5], ASSIGNMENT_SIZE);
        assert!(use_long_assignments(&long, |_| true));
        // 204 * 7 = 238 * 6: both divide, and unknown references decide
        let both = FixFix::new(vec![0u8; 204 * 7], ASSIGNMENT_SIZE);
        assert!(use_long_assignments(&both, |_| false));
        assert!(!use_long_assignments(&both, |_| true));
    }

    #[test]
    fn six_byte_amounts() {
        let rec = [0x10, 0x27, 0, 0, 0, 0, 0xFF];
        assert_eq!(work_at(&[0x60, 0xEA, 0, 0, 0, 0], 0), Some(1.0));
        assert_eq!(money_at(&rec, 0), Some(100.0));
        assert_eq!(money_at(&rec, 2), None);
    }
}
