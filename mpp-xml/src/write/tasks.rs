//! `<Tasks>`: one `<Task>` per model task in ID order, external tasks left
//! out (later IDs close the gap, as MPXJ does).

use std::collections::HashSet;
use std::io::{self, Write};

use mpp_core::{Duration, Project, Relation, Task, TimeFactors, TimeUnit};

use super::{baseline, custom, strip_control, Ctx, Xml};
use crate::format::{
    bool01, duration, duration_opt, minutes, money_opt, percent, tenths_opt, work_opt,
    work_variance,
};

pub fn write<W: Write>(x: &mut Xml<W>, ctx: &Ctx) -> io::Result<()> {
    let p = ctx.p;
    // External tasks are not written: only those is no task at all.
    if p.tasks.iter().all(|t| t.external_task) {
        return x.empty("Tasks");
    }
    let mut order: Vec<&Task> = p.tasks.iter().collect();
    order.sort_by_key(|t| t.id);
    let parents: HashSet<i32> = p.tasks.iter().filter_map(|t| t.parent).collect();
    // Predecessors in another project (external tasks) are cross-project links.
    let external: HashSet<i32> = p
        .tasks
        .iter()
        .filter(|t| t.external_task)
        .map(|t| t.uid)
        .collect();
    x.open("Tasks")?;
    let mut offset = 0;
    for t in order {
        if t.external_task {
            offset += 1;
            continue;
        }
        let summary = t.summary || parents.contains(&t.uid);
        write_task(x, ctx, t, t.id - offset, summary, &external)?;
    }
    x.close("Tasks")
}

fn write_task<W: Write>(
    x: &mut Xml<W>,
    ctx: &Ctx,
    t: &Task,
    id: i32,
    summary: bool,
    external: &HashSet<i32>,
) -> io::Result<()> {
    let f = &ctx.f;
    let p = ctx.p;
    x.open("Task")?;
    x.elem("UID", &t.uid.to_string())?;
    x.opt("GUID", t.guid)?;
    x.elem("ID", &id.to_string())?;
    x.opt("Name", t.name.as_deref().map(strip_control))?;
    // A blank row is active in Project, whatever its flags say.
    x.elem("Active", bool01(t.active || t.is_null))?;
    x.elem("Manual", bool01(t.manual))?;
    x.elem("Type", &t.task_type.to_string())?;
    x.elem("IsNull", bool01(t.is_null))?;
    x.opt("CreateDate", t.created)?;
    x.opt("Contact", t.contact.as_ref())?;
    x.opt("WBS", t.wbs.as_ref())?;
    x.opt("OutlineNumber", t.outline_number.as_ref())?;
    x.opt("OutlineLevel", t.outline_level)?;
    x.elem("Priority", &t.priority.unwrap_or(500).to_string())?;
    x.opt("Start", t.start)?;
    x.opt("Finish", t.finish)?;
    x.elem(
        "Duration",
        &t.duration
            .as_ref()
            .map_or_else(|| "PT0H0M0S".to_string(), |d| duration(d, f)),
    )?;
    let units = t.duration.map_or(ctx.default_units, |d| d.units);
    x.elem(
        "DurationFormat",
        &duration_format(units, t.estimated).to_string(),
    )?;
    x.opt("Work", work_opt(t.work))?;
    x.opt("Stop", t.stop)?;
    x.opt("Resume", t.resume)?;
    x.elem("ResumeValid", "0")?;
    x.elem("EffortDriven", bool01(t.effort_driven))?;
    x.elem("Recurring", bool01(t.recurring))?;
    x.elem("OverAllocated", "0")?;
    x.elem("Estimated", bool01(t.estimated))?;
    x.elem("Milestone", bool01(t.milestone))?;
    x.elem("Summary", bool01(summary))?;
    let total_slack = total_slack(t, f);
    x.elem("Critical", bool01(critical(t, total_slack.as_ref(), p)))?;
    // A task naming a subproject file is an inserted project.
    let subproject = t.is_subproject || (t.subproject_name.is_some() && !t.external_task);
    x.elem("IsSubproject", bool01(subproject))?;
    x.elem("IsSubprojectReadOnly", "0")?;
    x.opt("SubprojectName", t.subproject_name.as_ref())?;
    x.elem("ExternalTask", bool01(t.external_task))?;
    x.opt("EarlyStart", t.early_start)?;
    x.opt("EarlyFinish", t.early_finish)?;
    x.opt("LateStart", t.late_start)?;
    x.opt("LateFinish", t.late_finish)?;
    let b0 = baseline(&t.baselines, 0);
    // Variances: derived by the reader (`mpp_core::worktime::fill_variances`).
    x.opt("StartVariance", tenths_opt(t.start_variance.as_ref()))?;
    x.opt("FinishVariance", tenths_opt(t.finish_variance.as_ref()))?;
    let wv = t.work_variance.or_else(|| {
        // MPP files always carry a (possibly zero) baseline work, so the
        // variance is work minus that.
        (!t.is_null).then(|| t.work.unwrap_or(0.0) - b0.and_then(|b| b.work).unwrap_or(0.0))
    });
    x.opt("WorkVariance", work_variance(wv))?;
    x.opt("FreeSlack", tenths_opt(t.free_slack.as_ref()))?;
    x.opt("TotalSlack", tenths_opt(total_slack.as_ref()))?;
    x.opt("StartSlack", tenths_opt(t.start_slack.as_ref()))?;
    x.opt("FinishSlack", tenths_opt(t.finish_slack.as_ref()))?;
    x.opt("FixedCost", money_opt(t.fixed_cost))?;
    x.elem(
        "FixedCostAccrual",
        &t.fixed_cost_accrual.unwrap_or(3).to_string(),
    )?;
    x.opt("PercentComplete", t.percent_complete.map(percent))?;
    x.opt("PercentWorkComplete", t.percent_work_complete.map(percent))?;
    x.opt("Cost", money_opt(t.cost))?;
    x.opt("OvertimeCost", money_opt(t.overtime_cost))?;
    x.opt("OvertimeWork", work_opt(t.overtime_work))?;
    x.opt("ActualStart", t.actual_start)?;
    x.opt("ActualFinish", t.actual_finish)?;
    x.opt(
        "ActualDuration",
        duration_opt(t.actual_duration.as_ref(), f),
    )?;
    x.opt("ActualCost", money_opt(t.actual_cost))?;
    x.opt("ActualOvertimeCost", money_opt(t.actual_overtime_cost))?;
    x.opt("ActualWork", work_opt(t.actual_work))?;
    x.opt("ActualOvertimeWork", work_opt(t.actual_overtime_work))?;
    x.opt("RegularWork", work_opt(t.regular_work))?;
    let remaining = t.remaining_duration.or_else(|| {
        t.duration.map(|d| {
            let done = d.value * t.percent_complete.unwrap_or(0.0) / 100.0;
            Duration::new(d.value - done, d.units)
        })
    });
    x.opt("RemainingDuration", duration_opt(remaining.as_ref(), f))?;
    x.opt("RemainingCost", money_opt(t.remaining_cost))?;
    x.opt("RemainingWork", work_opt(t.remaining_work))?;
    x.opt(
        "RemainingOvertimeCost",
        money_opt(t.remaining_overtime_cost),
    )?;
    x.opt("RemainingOvertimeWork", work_opt(t.remaining_overtime_work))?;
    x.opt("ACWP", money_opt(t.acwp))?;
    let cv =
        t.cv.unwrap_or_else(|| t.bcwp.unwrap_or(0.0) - t.acwp.unwrap_or(0.0));
    x.opt("CV", money_opt(Some(cv)))?;
    x.opt("ConstraintType", t.constraint_type.map(constraint_type))?;
    x.elem("CalendarUID", &t.calendar_uid.unwrap_or(-1).to_string())?;
    x.opt("ConstraintDate", t.constraint_date)?;
    x.opt("Deadline", t.deadline)?;
    x.elem("LevelAssignments", bool01(t.level_assignments))?;
    x.elem("LevelingCanSplit", bool01(t.leveling_can_split))?;
    if let Some(d) = &t.leveling_delay {
        // Written even when zero, in the delay's own units.
        x.elem(
            "LevelingDelay",
            &((minutes(d, f) * 10.0) as i64).to_string(),
        )?;
        x.elem("LevelingDelayFormat", &d.units.code().to_string())?;
    }
    if let Some(h) = &t.hyperlink {
        x.opt("Hyperlink", h.text.as_ref())?;
        x.opt("HyperlinkAddress", h.address.as_ref())?;
        x.opt("HyperlinkSubAddress", h.sub_address.as_ref())?;
    }
    x.elem("IgnoreResourceCalendar", bool01(t.ignore_resource_calendar))?;
    x.opt("Notes", t.notes.as_ref().filter(|n| !n.is_empty()))?;
    x.elem("HideBar", bool01(t.hide_bar))?;
    x.elem("Rollup", bool01(t.rollup))?;
    x.opt("BCWS", money_opt(t.bcws))?;
    x.opt("BCWP", money_opt(t.bcwp))?;
    x.opt(
        "PhysicalPercentComplete",
        t.physical_percent_complete.map(percent),
    )?;
    x.elem(
        "EarnedValueMethod",
        &t.earned_value_method.unwrap_or(0).to_string(),
    )?;
    for rel in &t.predecessors {
        write_link(x, ctx, rel, external.contains(&rel.predecessor_uid))?;
    }
    custom::write_values(x, p, &t.custom)?;
    write_baselines(x, ctx, t)?;
    custom::write_outline_code_values(x, p, &t.custom)?;
    x.opt("StartText", t.start_text.as_ref())?;
    x.opt("FinishText", t.finish_text.as_ref())?;
    x.opt("DurationText", t.duration_text.as_ref())?;
    if t.manual {
        x.opt("ManualStart", t.start)?;
        x.opt("ManualFinish", t.finish)?;
        x.opt(
            "ManualDuration",
            duration_opt(t.manual_duration.as_ref(), f),
        )?;
    }
    x.close("Task")
}

/// The total slack the writer prints for `t` and whether it writes the
/// task as critical (for the reader, which must keep both consistent).
pub(crate) fn slack_and_critical(p: &Project, t: &Task) -> (Option<Duration>, bool) {
    let ts = total_slack(t, &p.properties.factors);
    let critical = critical(t, ts.as_ref(), p);
    (ts, critical)
}

/// `DurationFormat`: the units code, plus 32 when the duration is estimated.
pub fn duration_format(units: TimeUnit, estimated: bool) -> u16 {
    units.code() + if estimated { 32 } else { 0 }
}

/// MSPDI has no "start on"/"finish on" (8/9): they are must start/finish on.
fn constraint_type(code: u16) -> u16 {
    match code {
        8 => 2,
        9 => 3,
        c => c,
    }
}

fn write_link<W: Write>(
    x: &mut Xml<W>,
    ctx: &Ctx,
    rel: &Relation,
    cross_project: bool,
) -> io::Result<()> {
    x.open("PredecessorLink")?;
    x.elem("PredecessorUID", &rel.predecessor_uid.to_string())?;
    x.elem("Type", &rel.kind.code().to_string())?;
    x.elem("CrossProject", bool01(cross_project))?;
    x.elem(
        "LinkLag",
        &link_lag(rel.lag_tenths, rel.lag_units, &ctx.f).to_string(),
    )?;
    // A zero lag carries the project's default units, not its own.
    let units = if rel.lag_tenths == 0 {
        ctx.default_units
    } else {
        rel.lag_units
    };
    x.elem("LagFormat", &units.code().to_string())?;
    x.close("PredecessorLink")
}

/// `LinkLag` in tenths of a minute. MPXJ turns the stored tenths into the
/// lag's units and back, truncating, so the float round trip is repeated
/// here to land on the same integer; percent (and year) lags stay raw.
fn link_lag(tenths: i32, units: TimeUnit, f: &TimeFactors) -> i64 {
    let t = f64::from(tenths);
    // (stored tenths per unit, minutes per unit)
    let (per_unit, minutes) = match units {
        TimeUnit::Minutes | TimeUnit::ElapsedMinutes => (10.0, 1.0),
        TimeUnit::Hours | TimeUnit::ElapsedHours => (600.0, 60.0),
        TimeUnit::Days => (f.minutes_per_day * 10.0, f.minutes_per_day),
        TimeUnit::ElapsedDays => (14_400.0, 1440.0),
        TimeUnit::Weeks => (f.minutes_per_week * 10.0, f.minutes_per_week),
        TimeUnit::ElapsedWeeks => (100_800.0, 10_080.0),
        TimeUnit::Months => {
            let m = f.minutes_per_day * f.days_per_month;
            (m * 10.0, m)
        }
        TimeUnit::ElapsedMonths => (432_000.0, 43_200.0),
        _ => return i64::from(tenths),
    };
    if per_unit == 0.0 {
        return 0;
    }
    (10.0 * ((t / per_unit) * minutes)) as i64
}

/// Baselines 0..10 that hold anything: `Number`, dates, duration (+ units),
/// work, cost (whole currency units only count).
fn write_baselines<W: Write>(x: &mut Xml<W>, ctx: &Ctx, t: &Task) -> io::Result<()> {
    for n in 0..=10u8 {
        let Some(b) = baseline(&t.baselines, n) else {
            continue;
        };
        let cost = b.cost.filter(|c| c.trunc() != 0.0);
        let dur = b.duration.filter(|d| d.value != 0.0);
        let work = b.work.filter(|&w| w != 0.0);
        if cost.is_none()
            && dur.is_none()
            && work.is_none()
            && b.start.is_none()
            && b.finish.is_none()
        {
            continue;
        }
        x.open("Baseline")?;
        x.elem("Number", &n.to_string())?;
        x.opt("Start", b.start)?;
        x.opt("Finish", b.finish)?;
        if let Some(d) = dur {
            x.elem("Duration", &duration(&d, &ctx.f))?;
            x.elem("DurationFormat", &d.units.code().to_string())?;
        }
        x.opt("Work", work_opt(work))?;
        x.opt("Cost", money_opt(cost))?;
        x.close("Baseline")?;
    }
    Ok(())
}

/// Total slack as MPXJ derives it: the finish slack once the task has
/// started, else the smaller of start and finish slack, in the duration's units.
fn total_slack(t: &Task, f: &TimeFactors) -> Option<Duration> {
    if t.total_slack.is_some() {
        return t.total_slack;
    }
    if t.actual_start.is_some() {
        return t.finish_slack;
    }
    let units = t.duration?.units;
    let ss = convert(&t.start_slack?, units, f);
    let fs = convert(&t.finish_slack?, units, f);
    Some(if ss.value < fs.value { ss } else { fs })
}

/// Re-expresses a duration in other units with the project factors.
fn convert(d: &Duration, units: TimeUnit, f: &TimeFactors) -> Duration {
    if d.units == units {
        return *d;
    }
    let per = minutes(&Duration::new(1.0, units), f);
    let m = minutes(d, f);
    Duration::new(if per != 0.0 { m / per } else { 0.0 }, units)
}

/// Critical as MPXJ computes it: unfinished, total slack within the
/// critical slack limit (days), not 100 % complete, and either auto
/// scheduled or without free-text dates.
fn critical(t: &Task, total_slack: Option<&Duration>, p: &Project) -> bool {
    if t.actual_finish.is_some() {
        return false;
    }
    let Some(ts) = total_slack else {
        return false;
    };
    let limit = f64::from(p.properties.critical_slack_limit.unwrap_or(0));
    let slack = if limit != 0.0 && ts.value != 0.0 && ts.units != TimeUnit::Days {
        convert(ts, TimeUnit::Days, &p.properties.factors).value
    } else {
        ts.value
    };
    let pct = t.percent_complete.unwrap_or(0.0) as i64;
    slack <= limit
        && pct != 100
        && (!t.manual
            || (t.duration_text.is_none() && t.start_text.is_none() && t.finish_text.is_none()))
}

#[cfg(test)]
mod tests {
    use mpp_core::{Baseline, DateTime, Hyperlink, Project, RelationType};

    use super::super::test_util::{render, section};
    use super::*;

    fn dt(d: u32, h: u32) -> Option<DateTime> {
        DateTime::new(2016, 1, d, h, 0, 0)
    }

    fn days(v: f64) -> Duration {
        Duration::new(v, TimeUnit::Days)
    }

    #[test]
    fn link_lag_round_trips_like_mpxj() {
        let f = TimeFactors::default();
        assert_eq!(link_lag(4800, TimeUnit::Days, &f), 4800);
        // 27 tenths = 0.005625 days, which comes back as 26.999...: truncated.
        assert_eq!(link_lag(27, TimeUnit::Days, &f), 26);
        assert_eq!(link_lag(24_000, TimeUnit::Weeks, &f), 24_000);
        assert_eq!(link_lag(-600, TimeUnit::Hours, &f), -600);
        assert_eq!(link_lag(50, TimeUnit::Percent, &f), 50);
        let odd = TimeFactors {
            minutes_per_day: 0.0,
            ..f
        };
        assert_eq!(link_lag(4800, TimeUnit::Days, &odd), 0);
    }

    #[test]
    fn null_task_has_only_the_mandatory_elements() {
        let p = Project {
            tasks: vec![Task {
                uid: 2,
                id: 2,
                is_null: true,
                ..Task::default()
            }],
            ..Project::default()
        };
        let doc = render(&p);
        assert_eq!(
            section(&doc, "Task", 0),
            "<UID>2</UID>|<ID>2</ID>|<Active>1</Active>|<Manual>0</Manual>|<Type>0</Type>|<IsNull>1</IsNull>|\
<Priority>500</Priority>|<Duration>PT0H0M0S</Duration>|<DurationFormat>7</DurationFormat>|\
<ResumeValid>0</ResumeValid>|<EffortDriven>0</EffortDriven>|<Recurring>0</Recurring>|\
<OverAllocated>0</OverAllocated>|<Estimated>0</Estimated>|<Milestone>0</Milestone>|<Summary>0</Summary>|\
<Critical>0</Critical>|<IsSubproject>0</IsSubproject>|<IsSubprojectReadOnly>0</IsSubprojectReadOnly>|\
<ExternalTask>0</ExternalTask>|<FixedCostAccrual>3</FixedCostAccrual>|<CalendarUID>-1</CalendarUID>|\
<LevelAssignments>0</LevelAssignments>|<LevelingCanSplit>0</LevelingCanSplit>|\
<IgnoreResourceCalendar>0</IgnoreResourceCalendar>|<HideBar>0</HideBar>|<Rollup>0</Rollup>|\
<EarnedValueMethod>0</EarnedValueMethod>"
        );
    }

    #[test]
    fn full_task_fields_in_order_and_formats() {
        let t = Task {
            uid: 1,
            id: 1,
            name: Some("Task\u{1} #1".into()),
            active: true,
            created: dt(1, 8),
            wbs: Some("1".into()),
            outline_number: Some("1".into()),
            outline_level: Some(1),
            priority: Some(600),
            start: dt(4, 8),
            finish: dt(15, 17),
            duration: Some(Duration::new(2.0, TimeUnit::Weeks)),
            estimated: true,
            work: Some(80.0),
            early_start: dt(4, 8),
            start_slack: Some(days(2.0)),
            finish_slack: Some(days(1.0)),
            free_slack: Some(days(0.5)),
            fixed_cost: Some(1000.0),
            fixed_cost_accrual: Some(1),
            percent_complete: Some(25.0),
            percent_work_complete: Some(25.4),
            cost: Some(5000.0),
            actual_start: dt(4, 8),
            actual_work: Some(20.0),
            remaining_work: Some(60.0),
            acwp: Some(10.0),
            constraint_type: Some(8),
            constraint_date: dt(4, 8),
            leveling_delay: Some(Duration::new(0.0, TimeUnit::ElapsedDays)),
            hyperlink: Some(Hyperlink {
                text: Some("x".into()),
                address: Some("http://a".into()),
                sub_address: Some(String::new()),
                screen_tip: None,
            }),
            notes: Some(String::new()),
            physical_percent_complete: Some(0.0),
            baselines: vec![Baseline {
                number: 0,
                work: Some(24.0),
                cost: Some(0.4),
                ..Baseline::default()
            }],
            ..Task::default()
        };
        let p = Project {
            tasks: vec![t],
            ..Project::default()
        };
        let doc = render(&p);
        assert_eq!(
            section(&doc, "Task", 0),
            "<UID>1</UID>|<ID>1</ID>|<Name>Task #1</Name>|<Active>1</Active>|<Manual>0</Manual>|<Type>0</Type>|\
<IsNull>0</IsNull>|<CreateDate>2016-01-01T08:00:00</CreateDate>|<WBS>1</WBS>|<OutlineNumber>1</OutlineNumber>|\
<OutlineLevel>1</OutlineLevel>|<Priority>600</Priority>|<Start>2016-01-04T08:00:00</Start>|\
<Finish>2016-01-15T17:00:00</Finish>|<Duration>PT80H0M0S</Duration>|<DurationFormat>41</DurationFormat>|\
<Work>PT80H0M0S</Work>|<ResumeValid>0</ResumeValid>|<EffortDriven>0</EffortDriven>|<Recurring>0</Recurring>|\
<OverAllocated>0</OverAllocated>|<Estimated>1</Estimated>|<Milestone>0</Milestone>|<Summary>0</Summary>|\
<Critical>0</Critical>|<IsSubproject>0</IsSubproject>|<IsSubprojectReadOnly>0</IsSubprojectReadOnly>|\
<ExternalTask>0</ExternalTask>|<EarlyStart>2016-01-04T08:00:00</EarlyStart>|\
<WorkVariance>3360000.0</WorkVariance>|<FreeSlack>2400</FreeSlack>|<TotalSlack>4800</TotalSlack>|\
<StartSlack>9600</StartSlack>|<FinishSlack>4800</FinishSlack>|<FixedCost>100000</FixedCost>|\
<FixedCostAccrual>1</FixedCostAccrual>|<PercentComplete>25</PercentComplete>|\
<PercentWorkComplete>25</PercentWorkComplete>|<Cost>500000</Cost>|<ActualStart>2016-01-04T08:00:00</ActualStart>|\
<ActualWork>PT20H0M0S</ActualWork>|<RemainingDuration>PT60H0M0S</RemainingDuration>|\
<RemainingWork>PT60H0M0S</RemainingWork>|<ACWP>1000</ACWP>|<CV>-1000</CV>|<ConstraintType>2</ConstraintType>|\
<CalendarUID>-1</CalendarUID>|<ConstraintDate>2016-01-04T08:00:00</ConstraintDate>|\
<LevelAssignments>0</LevelAssignments>|<LevelingCanSplit>0</LevelingCanSplit>|<LevelingDelay>0</LevelingDelay>|\
<LevelingDelayFormat>8</LevelingDelayFormat>|<Hyperlink>x</Hyperlink>|<HyperlinkAddress>http://a</HyperlinkAddress>|\
<HyperlinkSubAddress></HyperlinkSubAddress>|<IgnoreResourceCalendar>0</IgnoreResourceCalendar>|\
<HideBar>0</HideBar>|<Rollup>0</Rollup>|<PhysicalPercentComplete>0</PhysicalPercentComplete>|\
<EarnedValueMethod>0</EarnedValueMethod>|<Baseline>|<Number>0</Number>|<Work>PT24H0M0S</Work>|</Baseline>"
        );
    }

    #[test]
    fn links_summary_manual_and_external_tasks() {
        let summary = Task {
            uid: 0,
            id: 0,
            name: Some("S".into()),
            duration: Some(days(1.0)),
            start_slack: Some(days(0.0)),
            finish_slack: Some(days(0.0)),
            ..Task::default()
        };
        let external = Task {
            uid: 5,
            id: 1,
            external_task: true,
            ..Task::default()
        };
        let manual = Task {
            uid: 7,
            id: 2,
            parent: Some(0),
            manual: true,
            start: dt(4, 8),
            finish: dt(5, 17),
            duration: Some(days(2.0)),
            manual_duration: Some(days(3.0)),
            start_slack: Some(days(0.0)),
            finish_slack: Some(days(0.0)),
            start_text: Some(String::new()),
            predecessors: vec![
                Relation {
                    uid: None,
                    predecessor_uid: 5,
                    kind: RelationType::StartStart,
                    lag_tenths: 4800,
                    lag_units: TimeUnit::Days,
                },
                Relation {
                    uid: None,
                    predecessor_uid: 0,
                    kind: RelationType::FinishStart,
                    lag_tenths: 0,
                    lag_units: TimeUnit::Weeks,
                },
            ],
            ..Task::default()
        };
        let mut p = Project {
            tasks: vec![summary, external, manual],
            ..Project::default()
        };
        p.properties.default_duration_units = Some(TimeUnit::Hours);
        let doc = render(&p);
        let s = section(&doc, "Task", 0);
        assert!(
            s.contains("<Summary>1</Summary>|<Critical>1</Critical>"),
            "{s}"
        );
        assert!(!doc.contains("<UID>5</UID>"));
        let m = section(&doc, "Task", 1);
        assert!(m.starts_with("<UID>7</UID>|<ID>1</ID>"), "{m}");
        // Manual task with a free-text start: not critical.
        assert!(m.contains("<Critical>0</Critical>"), "{m}");
        assert!(m.contains(
            "<PredecessorLink>|<PredecessorUID>5</PredecessorUID>|<Type>3</Type>|<CrossProject>1</CrossProject>|\
<LinkLag>4800</LinkLag>|<LagFormat>7</LagFormat>|</PredecessorLink>|<PredecessorLink>|\
<PredecessorUID>0</PredecessorUID>|<Type>1</Type>|<CrossProject>0</CrossProject>|<LinkLag>0</LinkLag>|\
<LagFormat>5</LagFormat>|</PredecessorLink>"
        ));
        assert!(
            m.ends_with(
                "<StartText></StartText>|<ManualStart>2016-01-04T08:00:00</ManualStart>|\
<ManualFinish>2016-01-05T17:00:00</ManualFinish>|<ManualDuration>PT24H0M0S</ManualDuration>"
            ),
            "{m}"
        );
    }
}
