//! Values Project 98 files do not store but Project (and MPXJ) derive from
//! the schedule: start/finish/total/free slack and critical. All are working
//! time between two dates on the task's calendar, which in these files is
//! always the project calendar.

use std::collections::HashMap;

use crate::model::{DateTime, Duration, Project, Task, TimeFactors, TimeUnit};
use crate::worktime::{CalendarRef, WorkTime};

struct Ctx<'a> {
    wt: WorkTime<'a>,
    cal: Option<CalendarRef>,
    factors: TimeFactors,
}

impl Ctx<'_> {
    /// The time from `a` to `b` shown in `units`; none without both dates.
    fn variance(
        &self,
        a: Option<DateTime>,
        b: Option<DateTime>,
        units: TimeUnit,
    ) -> Option<Duration> {
        let (a, b) = (a?, b?);
        self.wt.variance(self.cal?, Some(a), Some(b), units)
    }

    fn minutes(&self, d: &Duration) -> f64 {
        d.minutes(&self.factors)
    }
}

/// Fills the derived values of every task (variances are derived for all
/// formats by `crate::worktime::fill_variances`).
pub fn derive(project: &mut Project) {
    let factors = project.properties.factors;
    let slack_limit = f64::from(project.properties.critical_slack_limit.unwrap_or(0));
    let default = crate::worktime::default_calendar_uid(project);
    let calendars = std::mem::take(&mut project.calendars);
    {
        let wt = WorkTime::new(&calendars, factors);
        let cal = wt.one(default);
        let ctx = Ctx { wt, cal, factors };
        for t in &mut project.tasks {
            slack(&ctx, t, slack_limit);
        }
        free_slack(&ctx, &mut project.tasks);
    }
    project.calendars = calendars;
}

/// Start, finish and total slack, and the critical flag.
fn slack(ctx: &Ctx<'_>, t: &mut Task, limit_days: f64) {
    let Some(duration) = t.duration else {
        return;
    };
    let units = duration.units;
    let alap = t.constraint_type == Some(1);
    let zero = Duration::new(0.0, units);
    t.start_slack = if alap {
        Some(zero)
    } else {
        ctx.variance(t.early_start, t.late_start, units)
    };
    t.finish_slack = if alap {
        Some(zero)
    } else {
        ctx.variance(t.early_finish, t.late_finish, units)
    };
    t.total_slack = if t.actual_start.is_some() {
        t.finish_slack
    } else {
        match (t.start_slack, t.finish_slack) {
            (Some(s), Some(f)) => Some(if ctx.minutes(&s) < ctx.minutes(&f) {
                s
            } else {
                f
            }),
            _ => None,
        }
    };
    // The limit is stored in days; compare in minutes.
    let limit = limit_days * ctx.factors.minutes_per_day;
    t.critical = t.actual_finish.is_none()
        && t.total_slack.is_some_and(|s| ctx.minutes(&s) <= limit)
        && t.percent_complete.is_none_or(|p| p != 100.0);
}

/// Free slack: the least gap to a successor that has not finished (less
/// the link's lag), else the total slack; never negative.
fn free_slack(ctx: &Ctx<'_>, tasks: &mut [Task]) {
    // successors[uid of predecessor] = (successor index, relation index)
    let mut successors: HashMap<i32, Vec<(usize, usize)>> = HashMap::new();
    for (si, t) in tasks.iter().enumerate() {
        for (ri, r) in t.predecessors.iter().enumerate() {
            successors
                .entry(r.predecessor_uid)
                .or_default()
                .push((si, ri));
        }
    }
    let mut results = Vec::with_capacity(tasks.len());
    for t in tasks.iter() {
        results.push(task_free_slack(ctx, tasks, &successors, t));
    }
    for (t, fs) in tasks.iter_mut().zip(results) {
        t.free_slack = fs;
    }
}

fn task_free_slack(
    ctx: &Ctx<'_>,
    tasks: &[Task],
    successors: &HashMap<i32, Vec<(usize, usize)>>,
    t: &Task,
) -> Option<Duration> {
    let units = t.duration.map_or(TimeUnit::Hours, |d| d.units);
    if t.actual_finish.is_some() {
        return Some(Duration::new(0.0, units));
    }
    let open = |uid: i32| {
        successors
            .get(&uid)
            .into_iter()
            .flatten()
            .filter(|(si, _)| tasks.get(*si).is_some_and(|s| s.actual_finish.is_none()))
            .copied()
            .collect::<Vec<_>>()
    };
    let candidates: Vec<Duration> = if t.summary {
        // Project's rule for summaries compares the summary's own early
        // dates once per open successor of a direct child.
        tasks
            .iter()
            .filter(|c| c.parent == Some(t.uid))
            .flat_map(|c| open(c.uid))
            .filter_map(|_| {
                ctx.variance(t.early_finish, t.early_start, TimeUnit::Hours)
                    .filter(|v| v.value >= 0.0)
            })
            .collect()
    } else {
        open(t.uid)
            .into_iter()
            .filter_map(|(si, ri)| {
                let s = tasks.get(si)?;
                let r = s.predecessors.get(ri)?;
                link_slack(ctx, t, s, r)
            })
            .collect()
    };
    let best = candidates
        .into_iter()
        .min_by(|a, b| ctx.minutes(a).total_cmp(&ctx.minutes(b)))
        .or(t.total_slack)?;
    Some(if best.value < 0.0 {
        Duration::new(
            0.0,
            if t.summary {
                best.units
            } else {
                TimeUnit::Hours
            },
        )
    } else {
        best
    })
}

/// The gap a link leaves between its two tasks, less its lag.
fn link_slack(ctx: &Ctx<'_>, p: &Task, s: &Task, r: &crate::model::Relation) -> Option<Duration> {
    use crate::model::RelationType as K;
    let dates = |t: &Task| {
        if t.constraint_type == Some(1) {
            (t.late_start, t.late_finish)
        } else {
            (t.early_start, t.early_finish)
        }
    };
    let (ps, pf) = dates(p);
    let (ss, sf) = dates(s);
    let (a, b) = match r.kind {
        K::FinishStart => (pf, ss),
        K::StartStart => (ps, ss),
        K::FinishFinish => (pf, sf),
        K::StartFinish => (ps, sf),
    };
    let units = p.duration.map_or(TimeUnit::Hours, |d| d.units);
    let gap = match (a, b) {
        (Some(_), Some(_)) => ctx.variance(a, b, units)?,
        _ => return Some(Duration::new(0.0, units)),
    };
    let lag_minutes = match r.lag_units {
        TimeUnit::Percent | TimeUnit::ElapsedPercent => {
            p.duration.map_or(0.0, |d| ctx.minutes(&d)) * f64::from(r.lag_tenths) / 100.0
        }
        _ => f64::from(r.lag_tenths) / 10.0,
    };
    let minutes = ctx.minutes(&gap) - lag_minutes;
    Some(Duration::from_tenths(minutes * 10.0, units, &ctx.factors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worktime::tests::standard;

    fn at(d: u32, h: u32) -> DateTime {
        DateTime::new(2024, 1, d, h, 0, 0).unwrap() // 2024-01-01 is a Monday
    }

    #[test]
    fn slack_and_critical() {
        let cals = vec![standard(1)];
        let ctx = Ctx {
            wt: WorkTime::new(&cals, TimeFactors::default()),
            cal: Some(CalendarRef::One(1)),
            factors: TimeFactors::default(),
        };
        let mut t = Task {
            duration: Some(Duration::new(1.0, TimeUnit::Days)),
            early_start: Some(at(1, 8)),
            early_finish: Some(at(1, 17)),
            late_start: Some(at(3, 8)),
            late_finish: Some(at(3, 17)),
            ..Task::default()
        };
        slack(&ctx, &mut t, 0.0);
        assert_eq!(t.total_slack.map(|d| d.value), Some(2.0));
        assert!(!t.critical);
        t.late_start = t.early_start;
        t.late_finish = t.early_finish;
        slack(&ctx, &mut t, 0.0);
        assert_eq!(t.total_slack.map(|d| d.value), Some(0.0));
        assert!(t.critical);
    }
}
