//! `<Tasks>`: task fields, predecessor links, baselines, custom values.

use mpp_core::{Baseline, Duration, Hyperlink, Project, Relation, RelationType, Task, TimeUnit};

use super::custom;
use super::tree::Node;
use super::values::{fixed_tenths, project_tenths};
use super::Ctx;

pub fn read(ctx: &Ctx, t: &Node, p: &mut Project) {
    let Some(uid) = t.i32("UID") else {
        return;
    };
    let f = &ctx.f;
    let is_null = t.flag("IsNull");
    let format = t.u16("DurationFormat");
    let units = format.map_or(ctx.default_units, |c| {
        TimeUnit::from_code(c, ctx.default_units)
    });
    let estimated = t.flag("Estimated") || format.is_some_and(|c| c & 0x20 != 0);
    let dur = |name: &str| t.duration(name, units, f);
    // Slacks and variances: tenths of a minute at the fixed factors, shown in the task's units.
    let tenths = |name: &str| t.float(name).map(|v| fixed_tenths(v, units));
    let zero = Duration::new(0.0, units);
    let manual = t.flag("Manual");
    let mut task = Task {
        uid,
        id: t.i32("ID").unwrap_or(0),
        guid: t.guid("GUID"),
        name: t.string("Name"),
        is_null,
        active: t.text("Active").is_none_or(super::values::parse_bool),
        manual,
        task_type: t.u16("Type").unwrap_or(0),
        created: t.date("CreateDate"),
        contact: t.string("Contact"),
        wbs: t.string("WBS"),
        outline_number: t.string("OutlineNumber"),
        outline_level: t.i32("OutlineLevel"),
        priority: t.u16("Priority"),
        start: t.date("Start"),
        finish: t.date("Finish"),
        duration: Some(t.duration_exact("Duration", units, f).unwrap_or(zero)),
        work: t.hours("Work"),
        stop: t.date("Stop"),
        resume: t.date("Resume"),
        effort_driven: t.flag("EffortDriven"),
        recurring: t.flag("Recurring"),
        estimated,
        milestone: t.flag("Milestone"),
        summary: t.flag("Summary"),
        critical: t.flag("Critical"),
        is_subproject: t.flag("IsSubproject"),
        subproject_name: t.string("SubprojectName"),
        external_task: t.flag("ExternalTask"),
        early_start: t.date("EarlyStart"),
        early_finish: t.date("EarlyFinish"),
        late_start: t.date("LateStart"),
        late_finish: t.date("LateFinish"),
        start_variance: Some(tenths("StartVariance").unwrap_or(zero)),
        finish_variance: Some(tenths("FinishVariance").unwrap_or(zero)),
        work_variance: Some(t.nonzero("WorkVariance").map_or(0.0, |v| v / 60_000.0)),
        free_slack: tenths("FreeSlack"),
        total_slack: tenths("TotalSlack"),
        start_slack: tenths("StartSlack"),
        finish_slack: tenths("FinishSlack"),
        fixed_cost: t.money("FixedCost"),
        fixed_cost_accrual: t.u16("FixedCostAccrual"),
        percent_complete: t.float("PercentComplete"),
        percent_work_complete: t.float("PercentWorkComplete"),
        physical_percent_complete: t.float("PhysicalPercentComplete"),
        cost: t.money("Cost"),
        overtime_cost: t.money("OvertimeCost"),
        overtime_work: t.hours("OvertimeWork"),
        actual_start: t.date("ActualStart"),
        actual_finish: t.date("ActualFinish"),
        actual_duration: dur("ActualDuration"),
        actual_cost: t.money("ActualCost"),
        actual_overtime_cost: t.money("ActualOvertimeCost"),
        actual_work: t.hours("ActualWork"),
        actual_overtime_work: t.hours("ActualOvertimeWork"),
        regular_work: t.hours("RegularWork"),
        remaining_duration: Some(dur("RemainingDuration").unwrap_or(zero)),
        remaining_cost: t.money("RemainingCost"),
        remaining_work: t.hours("RemainingWork"),
        remaining_overtime_cost: t.money("RemainingOvertimeCost"),
        remaining_overtime_work: t.hours("RemainingOvertimeWork"),
        acwp: t.money("ACWP"),
        bcws: t.money("BCWS"),
        bcwp: t.money("BCWP"),
        cv: Some(t.money("CV").unwrap_or(0.0)),
        sv: t.money("SV"),
        constraint_type: t.u16("ConstraintType"),
        constraint_date: t.date("ConstraintDate"),
        calendar_uid: t.i32("CalendarUID").filter(|&c| c != -1),
        deadline: t.date("Deadline"),
        level_assignments: t.flag("LevelAssignments"),
        leveling_can_split: t.flag("LevelingCanSplit"),
        leveling_delay: t.float("LevelingDelay").map(|v| {
            let u = t
                .units("LevelingDelayFormat", ctx.default_units)
                .unwrap_or(ctx.default_units);
            project_tenths(v, u, f)
        }),
        hyperlink: hyperlink(t),
        ignore_resource_calendar: t.flag("IgnoreResourceCalendar"),
        notes: t.string("Notes"),
        hide_bar: t.flag("HideBar"),
        rollup: t.flag("Rollup"),
        marked: t.flag("Marked"),
        earned_value_method: t.u16("EarnedValueMethod"),
        predecessors: t
            .all("PredecessorLink")
            .filter_map(|l| link(ctx, l))
            .collect(),
        custom: custom::read_values(ctx, t, p),
        baselines: baselines(t, ctx, true),
        start_text: t.string("StartText"),
        finish_text: t.string("FinishText"),
        duration_text: t.string("DurationText"),
        manual_start: t.date("ManualStart"),
        manual_finish: t.date("ManualFinish"),
        manual_duration: dur("ManualDuration"),
        ..Task::default()
    };
    if is_null {
        // A blank row has no schedule values of its own.
        task.duration = None;
        task.remaining_duration = None;
    }
    consistent_critical(p, &mut task, t.flag("Critical"));
    p.tasks.push(task);
}

fn link(ctx: &Ctx, l: &Node) -> Option<Relation> {
    let lag = l.float("LinkLag").unwrap_or(0.0);
    Some(Relation {
        uid: None,
        predecessor_uid: l.i32("PredecessorUID")?,
        kind: RelationType::from_code(l.u16("Type").unwrap_or(1)),
        // The stored form: tenths of a minute, clamped to what i32 holds.
        lag_tenths: lag.clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32,
        lag_units: l
            .units("LagFormat", ctx.default_units)
            .unwrap_or(ctx.default_units),
    })
    .map(|mut r| {
        if l.flag("CrossProject") {
            r.uid = Some(-1);
        }
        r
    })
}

pub fn hyperlink(n: &Node) -> Option<Hyperlink> {
    let h = Hyperlink {
        text: n.string("Hyperlink"),
        address: n.string("HyperlinkAddress"),
        sub_address: n.string("HyperlinkSubAddress"),
        screen_tip: None,
    };
    (h.text.is_some() || h.address.is_some() || h.sub_address.is_some()).then_some(h)
}

/// `<Baseline>` children: `Number` 0..10, dates, duration with its format,
/// work, cost (in hundredths).
pub fn baselines(n: &Node, ctx: &Ctx, with_duration: bool) -> Vec<Baseline> {
    let mut out: Vec<Baseline> = Vec::new();
    for b in n.all("Baseline") {
        let Some(number) = b.u8("Number").filter(|&v| v <= 10) else {
            continue;
        };
        if out.iter().any(|x| x.number == number) {
            continue;
        }
        let units = b
            .units("DurationFormat", ctx.default_units)
            .unwrap_or(ctx.default_units);
        out.push(Baseline {
            number,
            start: b.date("Start"),
            finish: b.date("Finish"),
            duration: if with_duration {
                b.duration("Duration", units, &ctx.f)
            } else {
                None
            },
            work: b.hours("Work"),
            cost: b.money("Cost"),
            fixed_cost: None,
        });
    }
    out
}

/// The writer decides `Critical` from the total slack; the document gives
/// the slack only to a tenth of a minute. When the rounded slack would
/// decide differently from the document's flag, the slack is moved within
/// that tenth (or left unknown) so that both agree again.
fn consistent_critical(p: &Project, t: &mut Task, flag: bool) {
    if t.is_null {
        return;
    }
    let printed = |d: Option<Duration>| crate::format::tenths_opt(d.as_ref());
    let want = printed(t.total_slack);
    let units = t.duration.map_or(TimeUnit::Days, |d| d.units);
    let exact = t.total_slack;
    let zero = Duration::new(0.0, units);
    let candidates = [
        exact,
        Some(exact.unwrap_or(zero)),
        None,
        Some(nudge(exact.unwrap_or(zero), 1.0)),
        Some(nudge(exact.unwrap_or(zero), -1.0)),
    ];
    for c in candidates {
        t.total_slack = c;
        let (slack, critical) = crate::write::slack_and_critical(p, t);
        if printed(slack) == want && critical == flag {
            return;
        }
    }
    t.total_slack = exact;
}

/// A duration moved by a twentieth of a tenth of a minute (fixed factors).
fn nudge(d: Duration, sign: f64) -> Duration {
    let per = crate::format::fixed_minutes(&Duration::new(1.0, d.units));
    let per = if per == 0.0 { 1.0 } else { per };
    Duration::new(d.value + sign * 0.005 / per, d.units)
}

/// External tasks are not written, but links to them are cross-project
/// links: a placeholder external task (after every other ID) keeps that.
pub fn finish(p: &mut Project) {
    let mut next_id = p.tasks.iter().map(|t| t.id).max().unwrap_or(0);
    let mut external = Vec::new();
    for t in &mut p.tasks {
        for r in &mut t.predecessors {
            if r.uid == Some(-1) {
                r.uid = None;
                external.push(r.predecessor_uid);
            }
        }
    }
    external.sort_unstable();
    external.dedup();
    for uid in external {
        if p.task(uid).is_some() {
            continue;
        }
        next_id = next_id.saturating_add(1);
        p.tasks.push(Task {
            uid,
            id: next_id,
            external_task: true,
            ..Task::default()
        });
    }
    // The model holds tasks in ID order, as the writer writes them.
    p.tasks.sort_by_key(|t| t.id);
    parents(p);
}

/// Parents from the outline levels, in ID order (blank rows have none).
fn parents(p: &mut Project) {
    let mut stack: Vec<(i32, i32)> = Vec::new();
    for t in p.tasks.iter_mut().filter(|t| !t.external_task) {
        if t.is_null {
            continue;
        }
        let level = t.outline_level.unwrap_or(1);
        while stack.last().is_some_and(|&(l, _)| l >= level) {
            stack.pop();
        }
        t.parent = stack.last().map(|&(_, uid)| uid);
        stack.push((level, t.uid));
    }
}
