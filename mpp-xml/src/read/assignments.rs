//! `<Assignments>`: assignment fields, baselines, custom values, timephased
//! work; MPXJ's placeholder assignments are recognised and dropped.

use mpp_core::{Assignment, DateTime, Duration, Error, Project, Result, Timephased, WorkPeriod};

use super::tasks::{baselines, hyperlink};
use super::tree::Node;
use super::values::{fixed_tenths, xsd_seconds};
use super::{custom, Ctx};

/// `ResourceUID` of an assignment without a resource.
const NULL_RESOURCE: i32 = -65535;

/// The only elements a placeholder carries (see the writer).
const PLACEHOLDER_ELEMENTS: [&str; 14] = [
    "UID",
    "TaskUID",
    "ResourceUID",
    "PercentWorkComplete",
    "ActualFinish",
    "ActualWork",
    "Finish",
    "HasFixedRateUnits",
    "FixedMaterial",
    "LevelingDelayFormat",
    "RemainingWork",
    "Start",
    "Units",
    "Work",
];

/// Marker on an assignment that looks like a placeholder, settled in [`finish`].
const MAYBE_PLACEHOLDER: &str = "\u{0}placeholder";

/// The count of timephased periods over the whole document and its limit
/// (`ReadOptions::max_entities`).
pub struct Periods<'a> {
    pub read: &'a mut usize,
    pub limit: usize,
}

/// `TimephasedData` of types 1 (remaining work) and 2 (actual work), each
/// element one period, kept as it is (the writer writes a period of at
/// most a day as one element again, so nothing needs merging). Elements
/// without both dates, and other types, are left out. Also says whether
/// any is in unit 1, the form of Project 2010 and later.
fn timephased(a: &Node, budget: &mut Periods) -> Result<(Timephased, bool)> {
    let mut out = Timephased::default();
    let mut hourly = false;
    for t in a.all("TimephasedData") {
        let list = match t.text("Type").map(str::trim) {
            Some("1") => &mut out.remaining,
            Some("2") => &mut out.actual,
            _ => continue,
        };
        let (Some(start), Some(finish)) = (
            t.text("Start").and_then(DateTime::parse_iso),
            t.text("Finish").and_then(DateTime::parse_iso),
        ) else {
            continue;
        };
        *budget.read += 1;
        if *budget.read > budget.limit {
            return Err(Error::LimitExceeded {
                what: "timephased periods",
                count: *budget.read as u64,
                limit: budget.limit as u64,
                option: "max_entities",
            });
        }
        hourly |= t.text("Unit").map(str::trim) == Some("1");
        let secs = t.text("Value").and_then(xsd_seconds).unwrap_or(0.0);
        list.push(WorkPeriod {
            start,
            finish,
            work: secs / 3600.0,
        });
    }
    Ok((out, hourly))
}

pub fn read(ctx: &Ctx, a: &Node, p: &mut Project, mut budget: Periods) -> Result<()> {
    let (Some(uid), Some(task_uid)) = (a.i32("UID"), a.i32("TaskUID")) else {
        return Ok(());
    };
    let (timephased, hourly) = timephased(a, &mut budget)?;
    // The writer picks the form of the saving version: a document in
    // Project 2010's form is written in it again.
    if hourly && p.properties.application_version.is_none_or(|v| v < 14) {
        p.properties.application_version = Some(14);
    }
    let ruid = a.i32("ResourceUID").unwrap_or(NULL_RESOURCE);
    let resource_uid = (ruid != NULL_RESOURCE).then_some(ruid);
    let placeholder_like = resource_uid.is_none()
        && a.children
            .iter()
            .all(|c| PLACEHOLDER_ELEMENTS.contains(&c.name.as_str()));
    let units = ctx.default_units;
    let tenths = |name: &str, u| a.float(name).map(|v| fixed_tenths(v, u));
    let zero = Duration::new(0.0, units);
    let mut bl = baselines(a, ctx, false);
    for b in &mut bl {
        b.duration = None;
    }
    let delay_units = a
        .units("LevelingDelayFormat", ctx.default_units)
        .unwrap_or(ctx.default_units);
    p.assignments.push(Assignment {
        uid,
        guid: a.guid("GUID"),
        task_uid,
        resource_uid,
        percent_work_complete: a.float("PercentWorkComplete"),
        actual_cost: a.money("ActualCost"),
        actual_start: a.date("ActualStart"),
        actual_finish: a.date("ActualFinish"),
        actual_overtime_cost: a.money("ActualOvertimeCost"),
        actual_overtime_work: a.hours("ActualOvertimeWork"),
        actual_work: a.hours("ActualWork"),
        acwp: a.money("ACWP"),
        confirmed: a.flag("Confirmed"),
        cost: a.money("Cost"),
        cost_rate_table: a.u16("CostRateTable"),
        cost_variance: Some(a.money("CostVariance").unwrap_or(0.0)),
        delay: tenths("Delay", units),
        finish: a.date("Finish"),
        finish_variance: Some(tenths("FinishVariance", units).unwrap_or(zero)),
        hyperlink: hyperlink(a),
        work_variance: Some(a.nonzero("WorkVariance").map_or(0.0, |v| v / 60_000.0)),
        has_fixed_rate_units: a.flag("HasFixedRateUnits"),
        fixed_material: a.flag("FixedMaterial"),
        // Always set, so that its format survives a zero delay.
        leveling_delay: Some(
            tenths("LevelingDelay", delay_units).unwrap_or(Duration::new(0.0, delay_units)),
        ),
        linked_fields: a.flag("LinkedFields"),
        notes: if placeholder_like {
            Some(MAYBE_PLACEHOLDER.to_string())
        } else {
            a.string("Notes")
        },
        overtime_cost: a.money("OvertimeCost"),
        overtime_work: a.hours("OvertimeWork"),
        regular_work: a.hours("RegularWork"),
        remaining_cost: a.money("RemainingCost"),
        remaining_overtime_cost: a.money("RemainingOvertimeCost"),
        remaining_overtime_work: a.hours("RemainingOvertimeWork"),
        remaining_work: Some(a.hours("RemainingWork").unwrap_or(0.0)),
        response_pending: a.flag("ResponsePending"),
        start: a.date("Start"),
        stop: a.date("Stop"),
        resume: a.date("Resume"),
        start_variance: Some(tenths("StartVariance", units).unwrap_or(zero)),
        units: a.float("Units"),
        work: a.hours("Work"),
        work_contour: a.u16("WorkContour"),
        bcws: a.money("BCWS"),
        bcwp: a.money("BCWP"),
        created: a.date("CreationDate"),
        budget_cost: a.money("BudgetCost"),
        budget_work: a.hours("BudgetWork"),
        custom: custom::read_values(ctx, a, p),
        baselines: bl,
        timephased,
    });
    Ok(())
}

/// Drops the placeholders the writer makes again: a resource-less
/// assignment with only placeholder elements, the sole assignment of a
/// task that has progress.
pub fn finish(p: &mut Project) {
    let is_marked = |a: &Assignment| a.notes.as_deref() == Some(MAYBE_PLACEHOLDER);
    // Counted once: documents may hold hundreds of thousands of assignments.
    let mut per_task: std::collections::HashMap<i32, usize> = std::collections::HashMap::new();
    for a in &p.assignments {
        *per_task.entry(a.task_uid).or_default() += 1;
    }
    let in_progress: std::collections::HashSet<i32> = p
        .tasks
        .iter()
        .filter(|t| t.percent_complete.is_some_and(|v| v != 0.0))
        .map(|t| t.uid)
        .collect();
    let candidate = |a: &Assignment| {
        is_marked(a) && per_task.get(&a.task_uid) == Some(&1) && in_progress.contains(&a.task_uid)
    };
    // The writer puts its placeholders last: only the run of candidates at
    // the end can be them, and of that run only the part it makes again.
    let from = p
        .assignments
        .iter()
        .rposition(|a| !candidate(a))
        .map_or(0, |i| i + 1);
    let start = crate::write::assignments::placeholder_tail(p, from);
    let drop: std::collections::HashSet<i32> =
        p.assignments.iter().skip(start).map(|a| a.uid).collect();
    // Only when the writer makes them again, byte for byte, under the same
    // UIDs: otherwise they are real assignments and are kept.
    if crate::write::assignments::placeholders_rebuilt(p, &drop) {
        p.assignments.truncate(start);
    }
    for a in p.assignments.iter_mut().filter(|a| is_marked(a)) {
        a.notes = None;
    }
}
