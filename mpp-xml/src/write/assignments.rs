//! `<Assignments>`: the model's assignments (one per task and resource), then
//! MPXJ's placeholders: a task with progress but no assignment gets one
//! without a resource, so that Project keeps its % complete. Assignments
//! end with their timephased work (`TimephasedData`) in day-long periods,
//! in the form of the Project version that saved the file (see `Phasing`);
//! placeholders have none.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use mpp_core::worktime::{assignment_calendar, default_calendar_uid, CalendarRef, WorkTime};
use mpp_core::{Assignment, DateTime, Duration, Project, Resource, ResourceType, Task, WorkPeriod};

use super::{baseline, custom, Ctx, Xml};
use crate::format::{
    bool01, decimal, minutes, money_opt, number, percent, tenths_opt, units, work_opt,
    work_variance, Hours,
};

/// `ResourceUID` of an assignment without a resource.
const NULL_RESOURCE: i32 = -65535;

/// What the writer writes for a list of assignments: the assignments kept
/// (with their resource, if it exists) and the placeholders (task, UID).
struct Plan<'p> {
    written: Vec<(&'p Assignment, Option<&'p Resource>)>,
    placeholders: Vec<(&'p Task, i32)>,
}

fn plan<'p>(p: &'p Project, assignments: &[&'p Assignment]) -> Plan<'p> {
    let resources: HashMap<i32, &Resource> = p.resources.iter().map(|r| (r.uid, r)).collect();
    // Only the first assignment of a resource to a task is written. Keyed by
    // the resource as written: one whose resource does not exist is written
    // without one, and so is the same assignment as any other without one.
    let mut seen = HashSet::new();
    let mut written = Vec::new();
    for &a in assignments {
        let resource = a.resource_uid.and_then(|uid| resources.get(&uid).copied());
        if seen.insert((a.task_uid, resource.map(|r| r.uid))) {
            written.push((a, resource));
        }
    }
    let assigned: HashSet<i32> = assignments.iter().map(|a| a.task_uid).collect();
    // Placeholders are numbered after the assignments written (not after
    // those left out), so that reading and writing again numbers them alike.
    let mut next_uid = written
        .iter()
        .map(|(a, _)| a.uid)
        .max()
        .map_or(0, |m| m.saturating_add(1));
    let mut placeholders = Vec::new();
    for t in &p.tasks {
        // External tasks are not written, so neither are placeholders for them.
        if t.percent_complete.is_some_and(|v| v != 0.0)
            && !assigned.contains(&t.uid)
            && !t.external_task
        {
            placeholders.push((t, next_uid));
            next_uid = next_uid.saturating_add(1);
        }
    }
    Plan {
        written,
        placeholders,
    }
}

pub fn write<W: Write>(x: &mut Xml<W>, ctx: &Ctx) -> io::Result<()> {
    let p = ctx.p;
    let tasks: HashMap<i32, &Task> = p.tasks.iter().map(|t| (t.uid, t)).collect();
    let all: Vec<&Assignment> = p.assignments.iter().collect();
    let plan = plan(p, &all);
    if plan.written.is_empty() && plan.placeholders.is_empty() {
        return x.empty("Assignments");
    }
    x.open("Assignments")?;
    let mut phasing = ctx.opts.timephased.then(|| Phasing::new(p));
    for (a, resource) in plan.written {
        let task = tasks.get(&a.task_uid).copied();
        write_assignment(x, ctx, a, task, resource)?;
        if let Some(ph) = phasing.as_mut() {
            ph.write(x, a, task, resource)?;
        }
        x.close("Assignment")?;
    }
    for (t, uid) in plan.placeholders {
        write_placeholder(x, ctx, t, uid)?;
    }
    x.close("Assignments")
}

/// For the MSPDI reader: where the placeholders this writer would make again
/// begin among `p.assignments` (`from` is where the run of candidates at the
/// end begins; the writer puts its placeholders after every assignment).
/// The result starts the longest tail in which each assignment is, byte for
/// byte, its task's placeholder, the tasks come in task order with
/// consecutive UIDs, and the first UID follows the largest one written
/// before it. A real assignment that looks like a placeholder (the writer
/// numbered later placeholders after it) is thereby kept, and the ones after
/// it still dropped. `placeholders_rebuilt` then proves the choice.
pub(crate) fn placeholder_tail(p: &Project, from: usize) -> usize {
    let all = &p.assignments;
    let n = all.len();
    let opts = crate::WriteOptions::default();
    let ctx = Ctx::new(p, &opts);
    let mut task_at: HashMap<i32, (usize, &Task)> = HashMap::new();
    for (i, t) in p.tasks.iter().enumerate() {
        task_at.entry(t.uid).or_insert((i, t));
    }
    // The task's position when `a` renders as that task's placeholder.
    let remade = |a: &Assignment| -> Option<usize> {
        let &(pos, t) = task_at.get(&a.task_uid)?;
        let mut a = a.clone();
        a.notes = None;
        let as_placeholder = render(&|x| write_placeholder(x, &ctx, t, a.uid))?;
        let as_assignment = render(&|x| {
            write_assignment(x, &ctx, &a, None, None)?;
            x.close("Assignment")
        })?;
        (as_placeholder == as_assignment).then_some(pos)
    };
    let mut start = n;
    let mut next: Option<(i32, usize)> = None;
    for (i, a) in all.iter().enumerate().skip(from).rev() {
        let Some(pos) = remade(a) else { break };
        if let Some((uid, task_pos)) = next {
            if a.uid.checked_add(1) != Some(uid) || pos >= task_pos {
                break;
            }
        }
        next = Some((a.uid, pos));
        start = i;
    }
    // The UID the first placeholder gets when the tail starts at each index:
    // after the largest UID among the assignments written before it (the
    // first of each task and resource, as `plan` counts them).
    let resources: HashSet<i32> = p.resources.iter().map(|r| r.uid).collect();
    let mut seen = HashSet::new();
    let mut largest: Option<i32> = None;
    let mut first_uid = Vec::with_capacity(n);
    for a in all {
        first_uid.push(largest.map_or(0, |m| m.saturating_add(1)));
        let resource = a.resource_uid.filter(|r| resources.contains(r));
        if seen.insert((a.task_uid, resource)) {
            largest = largest.max(Some(a.uid));
        }
    }
    while start < n && all.get(start).map(|a| a.uid) != first_uid.get(start).copied() {
        start += 1;
    }
    start
}

fn render(f: &dyn Fn(&mut Xml<&mut Vec<u8>>) -> io::Result<()>) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut x = Xml::new(&mut out);
    let ok = f(&mut x).and_then(|()| x.finish()).is_ok();
    ok.then_some(out)
}

/// For the MSPDI reader, which drops the placeholders this writer makes
/// (they are made again): whether dropping the assignments `drop` gives the
/// same document. It does when each of them, written as an assignment, is
/// byte for byte the placeholder this writer makes for its task, and the
/// placeholders are numbered with the UIDs they have.
pub(crate) fn placeholders_rebuilt(p: &Project, drop: &HashSet<i32>) -> bool {
    if drop.is_empty() {
        return true;
    }
    let opts = crate::WriteOptions::default();
    let ctx = Ctx::new(p, &opts);
    let kept: Vec<&Assignment> = p
        .assignments
        .iter()
        .filter(|a| !drop.contains(&a.uid))
        .collect();
    let plan = plan(p, &kept);
    let mut made: Vec<(i32, i32)> = plan.placeholders.iter().map(|(t, u)| (t.uid, *u)).collect();
    let mut dropped: Vec<(i32, i32)> = p
        .assignments
        .iter()
        .filter(|a| drop.contains(&a.uid))
        .map(|a| (a.task_uid, a.uid))
        .collect();
    made.sort_unstable();
    dropped.sort_unstable();
    if made != dropped {
        return false;
    }
    let dropped_by_uid: HashMap<i32, &Assignment> = p
        .assignments
        .iter()
        .filter(|a| drop.contains(&a.uid))
        .map(|a| (a.uid, a))
        .collect();
    plan.placeholders.iter().all(|&(t, uid)| {
        let Some(&a) = dropped_by_uid.get(&uid) else {
            return false;
        };
        // The reader's mark (in the notes) is not part of the assignment.
        let mut a = a.clone();
        a.notes = None;
        let as_placeholder = render(&|x| write_placeholder(x, &ctx, t, uid));
        // Without the task: its dates would fill in what the candidate
        // lacks, and the candidate must match as the document has it.
        let as_assignment = render(&|x| {
            write_assignment(x, &ctx, &a, None, None)?;
            x.close("Assignment")
        });
        as_placeholder.is_some() && as_placeholder == as_assignment
    })
}

/// Most `TimephasedData` elements a document gets from cutting runs into
/// days (the corpus needs at most about 1,600). A run spanning more days
/// than are left is written whole, as one element (MSPDI allows periods of
/// any length): a few hostile dates cannot make the document huge (at
/// about 300 bytes an element, the days stay near 30 MB, so the document
/// still reads back under the default `max_input_bytes`). Every element
/// written counts one, so reading the document back and writing it again
/// cuts the same runs.
pub(crate) const MAX_DAILY_PERIODS: usize = 100_000;

/// Seconds in the periods Project exports timephased work in.
const DAY: i64 = 86_400;

/// Writes the assignments' timephased work, over one document.
struct Phasing<'p> {
    wt: WorkTime<'p>,
    default_calendar: i32,
    /// Project 2010 and later's form (see [`Phasing::write_run`]).
    hourly: bool,
    /// Elements still allowed (see [`MAX_DAILY_PERIODS`]).
    left: usize,
    /// Working spans (seconds) of the run being written (reused).
    spans: Vec<(i64, i64)>,
}

impl<'p> Phasing<'p> {
    fn new(p: &'p Project) -> Self {
        Phasing {
            wt: WorkTime::new(&p.calendars, p.properties.factors),
            default_calendar: default_calendar_uid(p),
            hourly: p.properties.application_version.is_some_and(|v| v >= 14),
            left: MAX_DAILY_PERIODS,
            spans: Vec::new(),
        }
    }

    /// `TimephasedData` of remaining work (type 1) and of actual work
    /// (type 2), each run spread over the working time of the assignment's
    /// calendar. Project 2010 and later put the actual work first.
    fn write<W: Write>(
        &mut self,
        x: &mut Xml<W>,
        a: &Assignment,
        task: Option<&Task>,
        resource: Option<&Resource>,
    ) -> io::Result<()> {
        if a.timephased.is_empty() {
            return Ok(());
        }
        let cal =
            task.and_then(|t| assignment_calendar(&self.wt, self.default_calendar, t, resource));
        let (remaining, actual) = (("1", &a.timephased.remaining), ("2", &a.timephased.actual));
        let order = if self.hourly {
            [actual, remaining]
        } else {
            [remaining, actual]
        };
        for (kind, runs) in order {
            for run in runs {
                self.write_run(x, kind, a.uid, cal, run)?;
            }
        }
        Ok(())
    }

    /// One run in periods of 24 hours from its start, the last one ending
    /// at its finish, each with the run's work done within it: its share
    /// of the run's working time (of its wall-clock time when the run has
    /// no working time or no calendar). A run of at most a day, or one
    /// ending before it starts, is one period.
    ///
    /// Project 2010 and later (`hourly`) write unit 1, print zero work,
    /// make a run without work one period, and stretch a period without
    /// working time to the next working time of the run (a weekend: Saturday
    /// 08:00 to Monday 08:00), the next day-long periods counting from there.
    /// Earlier versions write unit 2 and leave out the value of empty days.
    fn write_run<W: Write>(
        &mut self,
        x: &mut Xml<W>,
        kind: &str,
        uid: i32,
        cal: Option<CalendarRef>,
        run: &WorkPeriod,
    ) -> io::Result<()> {
        let hourly = self.hourly;
        let (start, finish) = (run.start.secs(), run.finish.secs());
        let span = finish.saturating_sub(start);
        let days = if span > DAY {
            usize::try_from(span / DAY + i64::from(span % DAY != 0)).unwrap_or(usize::MAX)
        } else {
            1
        };
        if days == 1 || days > self.left || (hourly && run.work == 0.0) {
            self.left = self.left.saturating_sub(1);
            return period(x, kind, uid, run.start, run.finish, run.work, hourly);
        }
        // The run's working time, from one walk over the days it touches.
        let mut spans = std::mem::take(&mut self.spans);
        spans.clear();
        if let Some(cal) = cal {
            for day in run.start.days()..=run.finish.days() {
                let midnight = day.saturating_mul(DAY);
                self.wt.with_day(cal, day, |day_spans| {
                    for &(a, b) in day_spans {
                        let a = midnight.saturating_add(a).max(start);
                        let b = midnight.saturating_add(b).min(finish);
                        if a < b {
                            spans.push((a, b));
                        }
                    }
                });
            }
        }
        let whole: i64 = spans.iter().map(|&(a, b)| b - a).sum();
        // Spans before `first` end before the current period.
        let (mut first, mut from, mut written) = (0usize, start, 0usize);
        let mut result = Ok(());
        while from < finish && result.is_ok() {
            let mut to = from.saturating_add(DAY).min(finish);
            while spans.get(first).is_some_and(|&(_, b)| b <= from) {
                first += 1;
            }
            let mut secs = 0;
            let mut next = first;
            while let Some(&(a, b)) = spans.get(next).filter(|&&(a, _)| a < to) {
                secs += b.min(to) - a.max(from);
                next += 1;
            }
            let share = if whole > 0 {
                secs as f64 / whole as f64
            } else {
                (to - from) as f64 / span as f64
            };
            if hourly && whole > 0 && secs == 0 {
                to = spans.get(next).map_or(finish, |&(a, _)| a.max(to));
            }
            let (a, b) = (DateTime::from_secs(from), DateTime::from_secs(to));
            result = period(x, kind, uid, a, b, run.work * share, hourly);
            written += 1;
            from = to;
        }
        self.left = self.left.saturating_sub(written);
        self.spans = spans;
        result
    }
}

/// One `TimephasedData` element: unit 1 (`hourly`) or 2, work as a
/// duration; zero work is printed in unit 1 and left out in unit 2, as
/// Project does.
fn period<W: Write>(
    x: &mut Xml<W>,
    kind: &str,
    uid: i32,
    start: DateTime,
    finish: DateTime,
    work: f64,
    hourly: bool,
) -> io::Result<()> {
    // One element per day: bytes straight to the writer, no formatting
    // machinery.
    x.open("TimephasedData")?;
    x.elem_ascii("Type", kind.as_bytes())?;
    match u64::try_from(uid) {
        Ok(v) => x.elem_ascii("UID", decimal(v, &mut [0u8; 20]))?,
        Err(_) => x.opt("UID", Some(uid))?,
    }
    x.date("Start", start)?;
    x.date("Finish", finish)?;
    x.elem_ascii("Unit", if hourly { b"1" } else { b"2" })?;
    let value = Hours(work);
    if hourly || value.seconds() != 0 {
        let mut buf = [0u8; 48];
        x.elem_ascii("Value", value.ascii(&mut buf))?;
    }
    x.close("TimephasedData")
}

/// The assignment's elements, all but its timephased work, and without
/// the closing tag.
fn write_assignment<W: Write>(
    x: &mut Xml<W>,
    ctx: &Ctx,
    a: &Assignment,
    task: Option<&Task>,
    resource: Option<&Resource>,
) -> io::Result<()> {
    let p = ctx.p;
    x.open("Assignment")?;
    x.elem("UID", &a.uid.to_string())?;
    x.opt("GUID", a.guid)?;
    x.elem("TaskUID", &a.task_uid.to_string())?;
    let ruid = match resource {
        Some(r) => r.uid,
        None => NULL_RESOURCE,
    };
    x.elem("ResourceUID", &ruid.to_string())?;
    let pwc = a.percent_work_complete.or_else(|| {
        let work = a.work.filter(|&w| w != 0.0)?;
        Some(a.actual_work? * 100.0 / work)
    });
    x.opt("PercentWorkComplete", pwc.map(percent))?;
    x.opt("ActualCost", money_opt(a.actual_cost))?;
    // Project shows 99 % for a finished task unless its assignments finish too.
    let task_done = task.is_some_and(|t| t.percent_complete == Some(100.0));
    let actual_finish = a.actual_finish.or_else(|| {
        if task_done {
            task.and_then(|t| t.actual_finish)
        } else {
            None
        }
    });
    x.opt("ActualFinish", actual_finish)?;
    x.opt("ActualOvertimeCost", money_opt(a.actual_overtime_cost))?;
    x.opt("ActualOvertimeWork", work_opt(a.actual_overtime_work))?;
    x.opt("ActualStart", a.actual_start)?;
    x.opt("ActualWork", work_opt(a.actual_work))?;
    x.opt("ACWP", money_opt(a.acwp))?;
    x.opt("Cost", money_opt(a.cost))?;
    x.opt("CostRateTable", a.cost_rate_table.filter(|&t| t != 0))?;
    // Variances against baseline 0; MPP files always carry a (maybe zero) baseline.
    let b0 = baseline(&a.baselines, 0);
    // Project 98 files carry no assignment baseline: no variance without one.
    let implicit = b0.is_some() || p.properties.file_format != Some(mpp_core::FileFormat::Mpp8);
    let cost_var = a.cost_variance.or_else(|| {
        implicit.then(|| a.cost.unwrap_or(0.0) - b0.and_then(|b| b.cost).unwrap_or(0.0))
    });
    x.opt("CostVariance", money_opt(cost_var))?;
    let cv = a.bcwp.unwrap_or(0.0) - a.acwp.unwrap_or(0.0);
    x.opt("CV", money_opt(Some(cv)))?;
    x.opt("Delay", tenths_opt(a.delay.as_ref()))?;
    x.opt("Finish", a.finish.or_else(|| task.and_then(|t| t.finish)))?;
    // Variances: derived by the reader (`mpp_core::worktime::fill_variances`).
    x.opt("FinishVariance", tenths_opt(a.finish_variance.as_ref()))?;
    if let Some(h) = &a.hyperlink {
        x.opt("Hyperlink", h.text.as_ref())?;
        x.opt("HyperlinkAddress", h.address.as_ref())?;
        x.opt("HyperlinkSubAddress", h.sub_address.as_ref())?;
    }
    let wv = a.work_variance.or_else(|| {
        implicit.then(|| a.work.unwrap_or(0.0) - b0.and_then(|b| b.work).unwrap_or(0.0))
    });
    x.opt("WorkVariance", work_variance(wv))?;
    // MPP files have no variable rate units: rates are always fixed.
    x.elem("HasFixedRateUnits", "1")?;
    let material = resource.is_some_and(|r| r.resource_type == ResourceType::Material);
    x.elem("FixedMaterial", bool01(material))?;
    write_leveling_delay(x, ctx, a.leveling_delay.as_ref())?;
    x.opt("Notes", a.notes.as_ref().filter(|n| !n.is_empty()))?;
    x.opt("OvertimeCost", money_opt(a.overtime_cost))?;
    x.opt("OvertimeWork", work_opt(a.overtime_work))?;
    x.opt("RegularWork", work_opt(a.regular_work))?;
    x.opt("RemainingCost", money_opt(a.remaining_cost))?;
    x.opt(
        "RemainingOvertimeCost",
        money_opt(a.remaining_overtime_cost),
    )?;
    x.opt("RemainingOvertimeWork", work_opt(a.remaining_overtime_work))?;
    let remaining = a
        .remaining_work
        .or_else(|| a.work.map(|w| w - w * pwc.unwrap_or(0.0) / 100.0));
    x.opt("RemainingWork", work_opt(remaining))?;
    x.opt("Start", a.start.or_else(|| task.and_then(|t| t.start)))?;
    x.opt("Stop", a.stop)?;
    x.opt("Resume", a.resume)?;
    x.opt("StartVariance", tenths_opt(a.start_variance.as_ref()))?;
    let sv = a.bcwp.zip(a.bcws).map(|(p, s)| p - s);
    x.opt("SV", money_opt(sv))?;
    x.elem("Units", &units(a.units))?;
    x.opt("Work", work_opt(a.work))?;
    x.opt("WorkContour", a.work_contour)?;
    x.opt("BCWS", money_opt(a.bcws))?;
    x.opt("BCWP", money_opt(a.bcwp))?;
    x.opt("CreationDate", a.created)?;
    x.opt("BudgetCost", money_opt(a.budget_cost))?;
    x.opt("BudgetWork", work_opt(a.budget_work))?;
    custom::write_values(x, p, &a.custom)?;
    write_baselines(x, a)
}

/// `LevelingDelay` (omitted when zero) and its format, which falls back to
/// the project's default duration units.
fn write_leveling_delay<W: Write>(
    x: &mut Xml<W>,
    ctx: &Ctx,
    d: Option<&Duration>,
) -> io::Result<()> {
    x.opt("LevelingDelay", tenths_opt(d))?;
    let units = d.map_or(ctx.default_units, |d| d.units);
    x.elem("LevelingDelayFormat", &units.code().to_string())
}

/// The placeholder for a task with progress and no assignment: its
/// duration as work, split by % complete.
fn write_placeholder<W: Write>(x: &mut Xml<W>, ctx: &Ctx, t: &Task, uid: i32) -> io::Result<()> {
    let pct = t.percent_complete.unwrap_or(0.0);
    let work = t.duration.map_or(0.0, |d| minutes(&d, &ctx.f) / 60.0);
    let actual = work * pct / 100.0;
    x.open("Assignment")?;
    x.elem("UID", &uid.to_string())?;
    x.elem("TaskUID", &t.uid.to_string())?;
    x.elem("ResourceUID", &NULL_RESOURCE.to_string())?;
    if work != 0.0 {
        x.elem("PercentWorkComplete", &percent(actual * 100.0 / work))?;
    }
    // A finished milestone needs an actual finish to show as 100 %.
    let actual_finish = if pct == 100.0 && work == 0.0 {
        t.actual_start
    } else if pct == 100.0 {
        t.actual_finish
    } else {
        None
    };
    x.opt("ActualFinish", actual_finish)?;
    x.opt("ActualWork", work_opt(Some(actual)))?;
    x.opt("Finish", t.finish)?;
    x.elem("HasFixedRateUnits", "1")?;
    x.elem("FixedMaterial", "0")?;
    write_leveling_delay(x, ctx, None)?;
    x.opt("RemainingWork", work_opt(Some(work - actual)))?;
    x.opt("Start", t.start)?;
    x.elem("Units", "1")?;
    x.opt("Work", work_opt(Some(work)))?;
    x.close("Assignment")
}

/// Baselines 0..10: `Number` as text, dates, work, cost in cents with at
/// most two decimals.
fn write_baselines<W: Write>(x: &mut Xml<W>, a: &Assignment) -> io::Result<()> {
    for n in 0..=10u8 {
        let Some(b) = baseline(&a.baselines, n) else {
            continue;
        };
        let cost = b.cost.filter(|c| c.trunc() != 0.0);
        let work = b.work.filter(|&w| w != 0.0);
        if cost.is_none() && work.is_none() && b.start.is_none() && b.finish.is_none() {
            continue;
        }
        x.open("Baseline")?;
        x.elem("Number", &n.to_string())?;
        x.opt("Start", b.start)?;
        x.opt("Finish", b.finish)?;
        x.opt("Work", work_opt(work))?;
        x.opt("Cost", cost.map(|c| number(c * 100.0, 2)))?;
        x.close("Baseline")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use mpp_core::{Baseline, DateTime, Project, TimeUnit};

    use super::super::test_util::{render, section};
    use super::*;

    fn dt(d: u32, h: u32) -> Option<DateTime> {
        DateTime::new(2016, 1, d, h, 0, 0)
    }

    #[test]
    fn assignment_fields_defaults_and_baselines() {
        let task = Task {
            uid: 2,
            id: 1,
            start: dt(4, 8),
            finish: dt(15, 17),
            percent_complete: Some(100.0),
            actual_finish: dt(15, 17),
            ..Task::default()
        };
        let a = Assignment {
            uid: 5,
            task_uid: 2,
            resource_uid: Some(2),
            actual_work: Some(20.0),
            work: Some(80.0),
            units: Some(1.0),
            work_contour: Some(0),
            regular_work: Some(80.0),
            cost_rate_table: Some(0),
            created: dt(1, 14),
            baselines: vec![Baseline {
                number: 0,
                start: dt(4, 8),
                work: Some(24.0),
                cost: Some(12.345),
                ..Baseline::default()
            }],
            ..Assignment::default()
        };
        let dup = Assignment {
            uid: 6,
            task_uid: 2,
            resource_uid: Some(2),
            ..Assignment::default()
        };
        let p = Project {
            tasks: vec![task],
            resources: vec![Resource {
                uid: 2,
                resource_type: ResourceType::Material,
                ..Resource::default()
            }],
            assignments: vec![a, dup],
            ..Project::default()
        };
        let doc = render(&p);
        assert_eq!(
            section(&doc, "Assignment", 0),
            "<UID>5</UID>|<TaskUID>2</TaskUID>|<ResourceUID>2</ResourceUID>|<PercentWorkComplete>25</PercentWorkComplete>|\
<ActualFinish>2016-01-15T17:00:00</ActualFinish>|<ActualWork>PT20H0M0S</ActualWork>|\
<CostVariance>-1234.5</CostVariance>|<Finish>2016-01-15T17:00:00</Finish>|<WorkVariance>3360000.0</WorkVariance>|\
<HasFixedRateUnits>1</HasFixedRateUnits>|<FixedMaterial>1</FixedMaterial>|\
<LevelingDelayFormat>7</LevelingDelayFormat>|<RegularWork>PT80H0M0S</RegularWork>|\
<RemainingWork>PT60H0M0S</RemainingWork>|<Start>2016-01-04T08:00:00</Start>|<Units>1</Units>|\
<Work>PT80H0M0S</Work>|<WorkContour>0</WorkContour>|<CreationDate>2016-01-01T14:00:00</CreationDate>|\
<Baseline>|<Number>0</Number>|<Start>2016-01-04T08:00:00</Start>|<Work>PT24H0M0S</Work>|\
<Cost>1234.5</Cost>|</Baseline>"
        );
        // The duplicate (same task and resource) is dropped.
        assert_eq!(doc.matches("<Assignment>").count(), 1);
    }

    #[test]
    fn project_98_assignments_have_no_implicit_baseline() {
        let mut p = Project {
            tasks: vec![Task {
                uid: 1,
                ..Task::default()
            }],
            assignments: vec![Assignment {
                task_uid: 1,
                resource_uid: Some(1),
                work: Some(8.0),
                cost: Some(10.0),
                ..Assignment::default()
            }],
            ..Project::default()
        };
        let doc = render(&p);
        assert!(doc.contains("<CostVariance>1000</CostVariance>"));
        assert!(doc.contains("<WorkVariance>480000.0</WorkVariance>"));
        p.properties.file_format = Some(mpp_core::FileFormat::Mpp8);
        let doc = render(&p);
        assert!(!doc.contains("Variance>"));
    }

    #[test]
    fn placeholder_for_progress_without_assignment() {
        let t = Task {
            uid: 0,
            start: dt(4, 8),
            finish: dt(15, 17),
            duration: Some(Duration::new(10.0, TimeUnit::Days)),
            percent_complete: Some(25.0),
            ..Task::default()
        };
        let other = Task {
            uid: 1,
            id: 1,
            percent_complete: Some(0.0),
            ..Task::default()
        };
        let a = Assignment {
            uid: 6,
            task_uid: 1,
            resource_uid: None,
            units: Some(0.5),
            leveling_delay: Some(Duration::new(1.0, TimeUnit::ElapsedDays)),
            ..Assignment::default()
        };
        let p = Project {
            tasks: vec![t, other],
            assignments: vec![a],
            ..Project::default()
        };
        let doc = render(&p);
        let first = section(&doc, "Assignment", 0);
        assert!(
            first.contains("<ResourceUID>-65535</ResourceUID>"),
            "{first}"
        );
        assert!(first.contains(
            "<LevelingDelay>14400</LevelingDelay>|<LevelingDelayFormat>8</LevelingDelayFormat>"
        ));
        assert!(first.contains("<Units>0.5</Units>"));
        assert_eq!(
            section(&doc, "Assignment", 1),
            "<UID>7</UID>|<TaskUID>0</TaskUID>|<ResourceUID>-65535</ResourceUID>|\
<PercentWorkComplete>25</PercentWorkComplete>|<ActualWork>PT20H0M0S</ActualWork>|\
<Finish>2016-01-15T17:00:00</Finish>|<HasFixedRateUnits>1</HasFixedRateUnits>|<FixedMaterial>0</FixedMaterial>|\
<LevelingDelayFormat>7</LevelingDelayFormat>|<RemainingWork>PT60H0M0S</RemainingWork>|\
<Start>2016-01-04T08:00:00</Start>|<Units>1</Units>|<Work>PT80H0M0S</Work>"
        );
    }

    /// Monday to Friday, 8-12 and 13-17: the project's default calendar.
    fn standard() -> mpp_core::Calendar {
        let hours = vec![
            mpp_core::WorkingTime {
                from: mpp_core::TimeOfDay(8 * 3600),
                to: mpp_core::TimeOfDay(12 * 3600),
            },
            mpp_core::WorkingTime {
                from: mpp_core::TimeOfDay(13 * 3600),
                to: mpp_core::TimeOfDay(17 * 3600),
            },
        ];
        mpp_core::Calendar {
            uid: 1,
            days: std::array::from_fn(|d| {
                Some(mpp_core::CalendarDay {
                    working: (1..=5).contains(&d),
                    hours: if (1..=5).contains(&d) {
                        hours.clone()
                    } else {
                        Vec::new()
                    },
                })
            }),
            ..mpp_core::Calendar::default()
        }
    }

    fn run(from: (u32, u32), to: (u32, u32), work: f64) -> WorkPeriod {
        WorkPeriod {
            start: dt(from.0, from.1).unwrap(),
            finish: dt(to.0, to.1).unwrap(),
            work,
        }
    }

    /// The document of one assignment (UID 3) with these runs, on the
    /// standard calendar; `timephased` as the option.
    fn phased(remaining: Vec<WorkPeriod>, actual: Vec<WorkPeriod>, timephased: bool) -> String {
        phased_by(None, remaining, actual, timephased)
    }

    /// [`phased`] for a file saved by that version of Project.
    fn phased_by(
        version: Option<u32>,
        remaining: Vec<WorkPeriod>,
        actual: Vec<WorkPeriod>,
        timephased: bool,
    ) -> String {
        let mut p = Project {
            calendars: vec![standard()],
            tasks: vec![Task {
                uid: 1,
                id: 1,
                ..Task::default()
            }],
            resources: vec![Resource {
                uid: 1,
                ..Resource::default()
            }],
            assignments: vec![Assignment {
                uid: 3,
                task_uid: 1,
                resource_uid: Some(1),
                timephased: mpp_core::Timephased { remaining, actual },
                ..Assignment::default()
            }],
            ..Project::default()
        };
        p.properties.application_version = version;
        let opts = crate::WriteOptions {
            timephased,
            ..crate::WriteOptions::default()
        };
        let mut v = Vec::new();
        crate::write(&p, &mut v, &opts).unwrap();
        String::from_utf8(v).unwrap()
    }

    /// The `TimephasedData` elements, one line each: type, start, finish,
    /// value (`-` when absent); the UID and unit (2) are checked.
    fn periods(doc: &str) -> Vec<String> {
        periods_in(doc, "2")
    }

    fn periods_in(doc: &str, unit: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut n = 0;
        loop {
            let s = section(doc, "TimephasedData", n);
            if s.is_empty() {
                return out;
            }
            let f: Vec<&str> = s.split('|').collect();
            assert_eq!(f.get(1), Some(&"<UID>3</UID>"), "{s}");
            assert_eq!(
                f.get(4),
                Some(&format!("<Unit>{unit}</Unit>").as_str()),
                "{s}"
            );
            let text = |i: usize| {
                f.get(i).map_or("-".to_string(), |e| {
                    let body = e.split('>').nth(1).unwrap_or("");
                    body.split('<').next().unwrap_or("").to_string()
                })
            };
            out.push(format!("{} {} {} {}", text(0), text(2), text(3), text(5)));
            n += 1;
        }
    }

    #[test]
    fn runs_cut_into_days_across_a_weekend() {
        // Friday 2016-01-08 13:00 to Tuesday 12 17:00: 20 working hours,
        // 2 hours of work each; the 24-hour periods start at 13:00.
        let doc = phased(vec![run((8, 13), (12, 17), 40.0)], vec![], true);
        assert_eq!(
            periods(&doc),
            [
                "1 2016-01-08T13:00:00 2016-01-09T13:00:00 PT8H0M0S",
                "1 2016-01-09T13:00:00 2016-01-10T13:00:00 -",
                "1 2016-01-10T13:00:00 2016-01-11T13:00:00 PT8H0M0S",
                "1 2016-01-11T13:00:00 2016-01-12T13:00:00 PT16H0M0S",
                "1 2016-01-12T13:00:00 2016-01-12T17:00:00 PT8H0M0S",
            ]
        );
        // The elements come last in the assignment, where Project puts them.
        let a = section(&doc, "Assignment", 0);
        assert!(
            a.ends_with("<Value>PT8H0M0S</Value>|</TimephasedData>"),
            "{a}"
        );
        assert!(a.find("<TimephasedData>") > a.find("<Units>"));
        // Off: none.
        let off = phased(vec![run((8, 13), (12, 17), 40.0)], vec![], false);
        assert!(!off.contains("TimephasedData"));
    }

    #[test]
    fn short_runs_gaps_and_actual_work() {
        let doc = phased(
            vec![
                // Mid-day start, shorter than a day: one period.
                run((6, 13), (6, 15), 1.5),
                // A gap: no value.
                run((6, 15), (7, 8), 0.0),
                run((7, 8), (8, 17), 16.0),
            ],
            vec![run((4, 8), (6, 12), 20.0)],
            true,
        );
        assert_eq!(
            periods(&doc),
            [
                "1 2016-01-06T13:00:00 2016-01-06T15:00:00 PT1H30M0S",
                "1 2016-01-06T15:00:00 2016-01-07T08:00:00 -",
                "1 2016-01-07T08:00:00 2016-01-08T08:00:00 PT8H0M0S",
                "1 2016-01-08T08:00:00 2016-01-08T17:00:00 PT8H0M0S",
                "2 2016-01-04T08:00:00 2016-01-05T08:00:00 PT8H0M0S",
                "2 2016-01-05T08:00:00 2016-01-06T08:00:00 PT8H0M0S",
                "2 2016-01-06T08:00:00 2016-01-06T12:00:00 PT4H0M0S",
            ]
        );
    }

    #[test]
    fn project_2010_form_stretches_empty_days_and_prints_zero() {
        let doc = phased_by(
            Some(16),
            vec![
                run((8, 13), (12, 17), 40.0),
                // A gap: one period, whatever its length.
                run((12, 17), (14, 8), 0.0),
            ],
            vec![run((4, 8), (5, 12), 12.0)],
            true,
        );
        assert_eq!(
            periods_in(&doc, "1"),
            [
                // Actual work first.
                "2 2016-01-04T08:00:00 2016-01-05T08:00:00 PT8H0M0S",
                "2 2016-01-05T08:00:00 2016-01-05T12:00:00 PT4H0M0S",
                "1 2016-01-08T13:00:00 2016-01-09T13:00:00 PT8H0M0S",
                // The weekend runs to Monday's first working hour, and the
                // days count from there.
                "1 2016-01-09T13:00:00 2016-01-11T08:00:00 PT0H0M0S",
                "1 2016-01-11T08:00:00 2016-01-12T08:00:00 PT16H0M0S",
                "1 2016-01-12T08:00:00 2016-01-12T17:00:00 PT16H0M0S",
                "1 2016-01-12T17:00:00 2016-01-14T08:00:00 PT0H0M0S",
            ]
        );
        // Project 2007's form for the same runs.
        let older = phased_by(Some(12), vec![run((8, 13), (12, 17), 40.0)], vec![], true);
        assert_eq!(periods(&older).len(), 5);
    }

    #[test]
    fn no_runs_no_elements() {
        let doc = phased(vec![], vec![], true);
        assert!(doc.contains("<Assignment>"));
        assert!(!doc.contains("TimephasedData"));
    }

    #[test]
    fn long_runs_stop_being_cut_at_the_limit() {
        // Runs over the document's allowance of days are written whole.
        let days = i64::try_from(MAX_DAILY_PERIODS).unwrap() + 1;
        let start = dt(4, 8).unwrap();
        let long = WorkPeriod {
            start,
            finish: start.add_secs(days * DAY),
            work: 8.0,
        };
        let doc = phased(vec![run((4, 8), (6, 8), 16.0), long], vec![], true);
        assert_eq!(
            periods(&doc)[2..],
            ["1 2016-01-04T08:00:00 2289-10-20T08:00:00 PT8H0M0S"]
        );
        assert_eq!(periods(&doc).len(), 3);
    }
}
