//! Values Project 98 files do not store but Project (and MPXJ) derive from
//! the schedule: start/finish/total/free slack, critical, start/finish
//! variance. All are working time between two dates on the task's calendar,
//! which in these files is always the project calendar.

use std::cell::Cell;
use std::collections::HashMap;

use crate::model::{Calendar, DateTime, Duration, Project, Task, TimeFactors, TimeUnit};

/// Longest span walked day by day (about 110 years); longer spans are
/// corrupt dates and give no value.
const MAX_DAYS: i64 = 40_000;
/// Days walked for a whole project, so that many tasks with absurd dates
/// cannot make reading slow; past it the derived values are left unset.
const DAY_BUDGET: i64 = 5_000_000;

/// Working periods of one date, as second ranges within the day.
fn day_ranges(calendars: &[Calendar], cal: &Calendar, date: DateTime) -> Vec<(i64, i64)> {
    let day = date.days();
    // Exceptions of this calendar win, then of its bases.
    let mut c = Some(cal);
    let mut guard = 0;
    while let Some(cc) = c {
        if let Some(e) = cc
            .exceptions
            .iter()
            .find(|e| e.from.days() <= day && day <= e.to.days())
        {
            return if e.working {
                e.hours
                    .iter()
                    .map(|h| (i64::from(h.from.0), i64::from(h.to.0)))
                    .collect()
            } else {
                Vec::new()
            };
        }
        guard += 1;
        c = cc
            .base_uid
            .filter(|_| guard < 8)
            .and_then(|b| calendars.iter().find(|x| x.uid == b));
    }
    // The week day, inherited from the base calendars while unset.
    let weekday = date.weekday() as usize;
    let mut c = Some(cal);
    let mut guard = 0;
    while let Some(cc) = c {
        if let Some(d) = cc.days.get(weekday).and_then(Option::as_ref) {
            return if d.working {
                d.hours
                    .iter()
                    .map(|h| (i64::from(h.from.0), i64::from(h.to.0)))
                    .collect()
            } else {
                Vec::new()
            };
        }
        guard += 1;
        c = cc
            .base_uid
            .filter(|_| guard < 8)
            .and_then(|b| calendars.iter().find(|x| x.uid == b));
    }
    Vec::new()
}

/// Working minutes from `a` to `b` on `cal` (negative when `b` is earlier),
/// walking at most `budget` days.
fn working_minutes(
    calendars: &[Calendar],
    cal: &Calendar,
    a: DateTime,
    b: DateTime,
    budget: &Cell<i64>,
) -> Option<f64> {
    let (lo, hi, sign) = if a <= b { (a, b, 1.0) } else { (b, a, -1.0) };
    let span = hi.days() - lo.days() + 1;
    if span > MAX_DAYS || span > budget.get() {
        return None;
    }
    budget.set(budget.get() - span);
    let mut secs = 0i64;
    for day in lo.days()..=hi.days() {
        let midnight = DateTime::from_secs(day * 86_400);
        for (from, to) in day_ranges(calendars, cal, midnight) {
            let start = (day * 86_400 + from).max(lo.secs());
            let end = (day * 86_400 + to).min(hi.secs());
            if end > start {
                secs += end - start;
            }
        }
    }
    Some(sign * secs as f64 / 60.0)
}

/// Elapsed units count wall-clock time; the others working time.
fn is_elapsed(u: TimeUnit) -> bool {
    matches!(
        u,
        TimeUnit::ElapsedMinutes
            | TimeUnit::ElapsedHours
            | TimeUnit::ElapsedDays
            | TimeUnit::ElapsedWeeks
            | TimeUnit::ElapsedMonths
            | TimeUnit::ElapsedYears
            | TimeUnit::ElapsedPercent
    )
}

struct Ctx<'a> {
    calendars: &'a [Calendar],
    cal: Option<&'a Calendar>,
    factors: TimeFactors,
    budget: Cell<i64>,
}

impl Ctx<'_> {
    /// The variance from `a` to `b` shown in `units`.
    fn variance(
        &self,
        a: Option<DateTime>,
        b: Option<DateTime>,
        units: TimeUnit,
    ) -> Option<Duration> {
        let (a, b) = (a?, b?);
        let minutes = if is_elapsed(units) {
            (b.secs() - a.secs()) as f64 / 60.0
        } else {
            working_minutes(self.calendars, self.cal?, a, b, &self.budget)?
        };
        Some(Duration::from_tenths(minutes * 10.0, units, &self.factors))
    }

    fn minutes(&self, d: &Duration) -> f64 {
        d.minutes(&self.factors)
    }
}

/// Fills the derived values of every task.
pub fn derive(project: &mut Project) {
    let factors = project.properties.factors;
    let default_units = project
        .properties
        .default_duration_units
        .unwrap_or(TimeUnit::Days);
    let slack_limit = f64::from(project.properties.critical_slack_limit.unwrap_or(0));
    let calendars = std::mem::take(&mut project.calendars);
    {
        let cal = project
            .properties
            .default_calendar_uid
            .and_then(|u| calendars.iter().find(|c| c.uid == u))
            .or_else(|| calendars.iter().find(|c| c.is_base()));
        let ctx = Ctx {
            calendars: &calendars,
            cal,
            factors,
            budget: Cell::new(DAY_BUDGET),
        };
        for t in &mut project.tasks {
            slack(&ctx, t, slack_limit);
            t.start_variance = ctx.variance(baseline_date(t, true), t.start, default_units);
            t.finish_variance = ctx.variance(baseline_date(t, false), t.finish, default_units);
        }
        free_slack(&ctx, &mut project.tasks);
    }
    project.calendars = calendars;
}

fn baseline_date(t: &Task, start: bool) -> Option<DateTime> {
    let b = t.baselines.iter().find(|b| b.number == 0)?;
    if start {
        b.start
    } else {
        b.finish
    }
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
    use crate::model::{CalendarDay, CalendarException, Recurrence, TimeOfDay, WorkingTime};

    fn standard() -> Calendar {
        let day = |w: bool| {
            Some(CalendarDay {
                working: w,
                hours: if w {
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
            })
        };
        Calendar {
            uid: 1,
            days: [
                day(false),
                day(true),
                day(true),
                day(true),
                day(true),
                day(true),
                day(false),
            ],
            ..Calendar::default()
        }
    }

    fn at(d: u32, h: u32) -> DateTime {
        DateTime::new(2024, 1, d, h, 0, 0).unwrap() // 2024-01-01 is a Monday
    }

    #[test]
    fn working_time_skips_nights_weekends_and_exceptions() {
        let mut cal = standard();
        let cals = vec![cal.clone()];
        let b = Cell::new(1000);
        // Monday 8:00 to next Monday 8:00 = 5 days of 8 h
        assert_eq!(
            working_minutes(&cals, &cal, at(1, 8), at(8, 8), &b),
            Some(2400.0)
        );
        assert_eq!(
            working_minutes(&cals, &cal, at(8, 8), at(1, 8), &b),
            Some(-2400.0)
        );
        // Friday 15:00 to Monday 10:00 = 2 h + 2 h
        assert_eq!(
            working_minutes(&cals, &cal, at(5, 15), at(8, 10), &b),
            Some(240.0)
        );
        cal.exceptions.push(CalendarException {
            name: None,
            from: at(2, 0),
            to: at(3, 0),
            occurrences: None,
            recurrence: Recurrence::Daily,
            working: false,
            hours: Vec::new(),
        });
        assert_eq!(
            working_minutes(&cals, &cal, at(1, 8), at(8, 8), &b),
            Some(1440.0)
        );
        // a derived calendar inherits its base's days
        let derived = Calendar {
            uid: 2,
            base_uid: Some(1),
            ..Calendar::default()
        };
        assert_eq!(
            working_minutes(&cals, &derived, at(1, 8), at(2, 8), &b),
            Some(480.0)
        );
        // absurd spans give nothing rather than a long walk
        let far = DateTime::from_secs(at(1, 0).secs() + 86_400 * 50_000);
        assert_eq!(working_minutes(&cals, &cal, at(1, 0), far, &b), None);
        // so do spans past the project's day budget
        let small = Cell::new(3);
        assert_eq!(
            working_minutes(&cals, &cal, at(1, 8), at(8, 8), &small),
            None
        );
    }

    #[test]
    fn slack_and_critical() {
        let cals = vec![standard()];
        let ctx = Ctx {
            calendars: &cals,
            cal: cals.first(),
            factors: TimeFactors::default(),
            budget: Cell::new(1000),
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
