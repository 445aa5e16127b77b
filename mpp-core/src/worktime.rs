//! Working time on Project calendars: the one place that knows which hours
//! of a day are working on a calendar, how much working time lies between
//! two dates, and where a given amount of working time ends.
//!
//! A calendar's day is resolved as Project (and MPXJ) do:
//!
//! 1. an exception covering the day, on the calendar or else on its base
//!    calendars (nearest first); recurring exceptions only on their days;
//! 2. else the work week holding the day (both ends set) of the calendar
//!    or else of its bases, else the calendar's own week pattern;
//! 3. a week day left unset inherits the base calendars' week pattern.
//!
//! An assignment may be scheduled on a task and a resource calendar at once
//! ([`CalendarRef::Both`]): then only the hours working on both count.
//!
//! Files are hostile input: base chains are followed at most
//! [`MAX_BASE_DEPTH`] calendars deep and never through a calendar twice,
//! spans longer than [`MAX_SPAN_DAYS`] give no value, and one [`WorkTime`]
//! does at most [`BUDGET`] units of work in all (a day walked, an exception
//! or work week looked at), so that no file can make the arithmetic slow.
//!
//! [`fill_variances`] derives the start and finish variances of tasks and
//! assignments (working time from the baseline date to the current one);
//! the readers call it for every format, the writer only writes them.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use crate::model::{
    Calendar, CalendarException, DateTime, Duration, Project, Recurrence, Resource, ResourceType,
    Task, TimeFactors, TimeUnit, WorkingTime,
};

/// Calendars followed along a base chain, the calendar itself included.
pub const MAX_BASE_DEPTH: usize = 8;
/// Longest span measured (about 110 years, more than any schedule spans):
/// longer spans come from damaged dates and give no value.
pub const MAX_SPAN_DAYS: i64 = 40_000;
/// Days walked plus exceptions and work weeks looked at by one
/// [`WorkTime`] before it stops giving values.
pub const BUDGET: i64 = 20_000_000;
/// Days whose working periods are kept for reuse.
const CACHE_DAYS: usize = 200_000;

/// Working periods of one day, in seconds since midnight.
type Periods = Vec<(i64, i64)>;

/// A day's periods as cached and handed out: shared, so a lookup that hits
/// the cache copies nothing (walks look up every day they cross).
pub type DayPeriods = std::rc::Rc<[(i64, i64)]>;

/// The calendar work is scheduled on, by UID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CalendarRef {
    One(i32),
    /// A task's calendar and a resource's: working when both are.
    Both(i32, i32),
}

/// Working-time arithmetic over a project's calendars.
pub struct WorkTime<'p> {
    calendars: HashMap<i32, &'p Calendar>,
    factors: TimeFactors,
    days: RefCell<HashMap<(CalendarRef, i64), DayPeriods>>,
    budget: Cell<i64>,
}

impl<'p> WorkTime<'p> {
    /// Over `calendars` (the first of duplicate UIDs wins), converting
    /// durations with `factors`.
    pub fn new(calendars: &'p [Calendar], factors: TimeFactors) -> Self {
        WorkTime {
            calendars: calendars.iter().rev().map(|c| (c.uid, c)).collect(),
            factors,
            days: RefCell::new(HashMap::new()),
            budget: Cell::new(BUDGET),
        }
    }

    pub fn calendar(&self, uid: i32) -> Option<&'p Calendar> {
        self.calendars.get(&uid).copied()
    }

    /// `uid` as a reference, when that calendar exists.
    pub fn one(&self, uid: i32) -> Option<CalendarRef> {
        self.calendar(uid).map(|c| CalendarRef::One(c.uid))
    }

    /// The calendar and its bases, nearest first: at most
    /// [`MAX_BASE_DEPTH`] calendars, none twice (base cycles end there).
    fn chain(&self, c: &'p Calendar) -> impl Iterator<Item = &'p Calendar> + '_ {
        let mut seen = Vec::new();
        std::iter::successors(Some(c), move |cur| {
            seen.push(cur.uid);
            cur.base_uid
                .filter(|u| !seen.contains(u))
                .and_then(|u| self.calendar(u))
        })
        .take(MAX_BASE_DEPTH)
    }

    /// Takes `units` of work from the budget; false once it is spent.
    fn charge(&self, units: usize) -> bool {
        let left = self
            .budget
            .get()
            .saturating_sub(i64::try_from(units).unwrap_or(i64::MAX));
        self.budget.set(left);
        left >= 0
    }

    /// Working periods of `day` (days since 1970) on one calendar; none
    /// once the budget is spent (the walks asking then give no value).
    fn calendar_day(&self, c: &'p Calendar, day: i64) -> Periods {
        let cost = self
            .chain(c)
            .map(|cc| cc.exceptions.len() + cc.work_weeks.len())
            .sum();
        if !self.charge(cost) {
            return Vec::new();
        }
        let exception = self
            .chain(c)
            .find_map(|cc| cc.exceptions.iter().find(|e| covers(e, day)));
        if let Some(e) = exception {
            return if e.working {
                periods(&e.hours)
            } else {
                Vec::new()
            };
        }
        let weekday = DateTime::from_secs(day * 86_400).weekday() as usize;
        // A work week holding the day, the calendar's or else a base's.
        let week = self
            .chain(c)
            .find_map(|cc| {
                cc.work_weeks.iter().find(|w| {
                    w.from.is_some_and(|f| f.days() <= day) && w.to.is_some_and(|t| day <= t.days())
                })
            })
            .map_or(&c.days, |w| &w.days);
        // An unset day inherits the bases' week pattern (not their work weeks).
        let set = week.get(weekday).and_then(Option::as_ref).or_else(|| {
            self.chain(c)
                .skip(1)
                .find_map(|b| b.days.get(weekday).and_then(Option::as_ref))
        });
        match set {
            Some(d) if d.working => periods(&d.hours),
            _ => Vec::new(),
        }
    }

    /// [`Self::day`] lent to `f` instead of copied (for walks over many
    /// days); `f` must not use this `WorkTime`.
    pub fn with_day<R>(&self, cal: CalendarRef, day: i64, f: impl FnOnce(&[(i64, i64)]) -> R) -> R {
        if let Some(p) = self.days.borrow().get(&(cal, day)) {
            return f(p);
        }
        f(&self.day(cal, day))
    }

    /// Working periods of `day` (days since 1970); none for an unknown calendar.
    pub fn day(&self, cal: CalendarRef, day: i64) -> DayPeriods {
        if let Some(p) = self.days.borrow().get(&(cal, day)) {
            return p.clone();
        }
        let out = match cal {
            CalendarRef::One(u) => self
                .calendar(u)
                .map_or_else(Vec::new, |c| self.calendar_day(c, day)),
            CalendarRef::Both(t, r) => {
                let (a, b) = (
                    self.day(CalendarRef::One(t), day),
                    self.day(CalendarRef::One(r), day),
                );
                a.iter()
                    .flat_map(|&(a0, a1)| b.iter().map(move |&(b0, b1)| (a0.max(b0), a1.min(b1))))
                    .filter(|(s, e)| s < e)
                    .collect()
            }
        };
        let out: DayPeriods = out.into();
        let mut cache = self.days.borrow_mut();
        if cache.len() < CACHE_DAYS && !self.spent() {
            cache.insert((cal, day), out.clone());
        }
        out
    }

    /// Whether `cal` exists and a walk over `days` days fits the limits;
    /// charges the budget.
    fn walk_allowed(&self, cal: CalendarRef, days: i64) -> bool {
        let known = match cal {
            CalendarRef::One(u) => self.calendar(u).is_some(),
            CalendarRef::Both(t, r) => self.calendar(t).is_some() && self.calendar(r).is_some(),
        };
        known
            && (0..=MAX_SPAN_DAYS).contains(&days)
            && self.charge(usize::try_from(days).unwrap_or(0))
    }

    fn spent(&self) -> bool {
        self.budget.get() < 0
    }

    /// Working seconds from `from` to `to`, negative when `to` is earlier;
    /// none for an unknown calendar or a span past the limits.
    pub fn seconds(&self, cal: CalendarRef, from: DateTime, to: DateTime) -> Option<i64> {
        let (lo, hi, sign) = if to < from {
            (to, from, -1)
        } else {
            (from, to, 1)
        };
        let (first, last) = (lo.days(), hi.days());
        if !self.walk_allowed(cal, last - first + 1) {
            return None;
        }
        let mut secs = 0;
        for day in first..=last {
            let start = if day == first { lo.time_of_day() } else { 0 };
            let end = if day == last {
                hi.time_of_day()
            } else {
                86_400
            };
            secs += self
                .day(cal, day)
                .iter()
                .map(|&(a, b)| (b.min(end) - a.max(start)).max(0))
                .sum::<i64>();
            if self.spent() {
                return None;
            }
        }
        Some(sign * secs)
    }

    /// Minutes from `from` to `to` counted in `units`: wall-clock whole
    /// minutes for elapsed units, else working time (see [`Self::seconds`]).
    pub fn minutes(
        &self,
        cal: CalendarRef,
        from: DateTime,
        to: DateTime,
        units: TimeUnit,
    ) -> Option<f64> {
        if is_elapsed(units) {
            return Some(((to.secs() - from.secs()) / 60) as f64);
        }
        self.seconds(cal, from, to).map(|s| s as f64 / 60.0)
    }

    /// The time from `from` to `to` as a duration in `units` (MPXJ's
    /// variance): zero without both dates, none for an unknown calendar or
    /// a span past the limits.
    pub fn variance(
        &self,
        cal: CalendarRef,
        from: Option<DateTime>,
        to: Option<DateTime>,
        units: TimeUnit,
    ) -> Option<Duration> {
        let (Some(from), Some(to)) = (from, to) else {
            return self.walk_allowed(cal, 0).then(|| Duration::new(0.0, units));
        };
        let minutes = self.minutes(cal, from, to, units)?;
        let per = self.factors.minutes_per(units);
        Some(Duration::new(
            if per != 0.0 { minutes / per } else { 0.0 },
            units,
        ))
    }

    /// The date `seconds` of working time after `from` (before it when
    /// negative): the end of the period where that time is used up. None
    /// when the calendar runs out of working time within the limits.
    pub fn add(&self, cal: CalendarRef, from: DateTime, seconds: i64) -> Option<DateTime> {
        self.add_with(cal, from, seconds, &[])
    }

    /// [`Self::add`] on the calendar with the `extra` spans (start, end)
    /// counted as working time too: work a file records outside working
    /// time (timephased actual work). The spans count against the budget
    /// on every day walked.
    pub fn add_with(
        &self,
        cal: CalendarRef,
        from: DateTime,
        seconds: i64,
        extra: &[(DateTime, DateTime)],
    ) -> Option<DateTime> {
        let forward = seconds >= 0;
        let mut left = seconds.saturating_abs();
        if left == 0 {
            return Some(from);
        }
        let start = from.days();
        for n in 0..MAX_SPAN_DAYS {
            if !self.walk_allowed(cal, 1) {
                return None;
            }
            let day = if forward { start + n } else { start - n };
            let midnight = day * 86_400;
            let cached = self.day(cal, day);
            if self.spent() {
                return None;
            }
            let extended;
            let periods: &[(i64, i64)] = if extra.is_empty() {
                &cached
            } else {
                // Each span is looked at on every day walked: charge them.
                if !self.charge(extra.len()) {
                    return None;
                }
                extended = with_extra(cached.to_vec(), midnight, extra);
                &extended
            };
            let n = periods.len();
            let ordered = (0..n).filter_map(|i| periods.get(if forward { i } else { n - 1 - i }));
            for &(a, b) in ordered {
                // The part of the period on the right side of `from`.
                let (a, b) = if day != start {
                    (a, b)
                } else if forward {
                    (a.max(from.time_of_day()), b)
                } else {
                    (a, b.min(from.time_of_day()))
                };
                let len = b - a;
                if len <= 0 {
                    continue;
                }
                if left <= len {
                    let at = if forward { a + left } else { b - left };
                    return Some(DateTime::from_secs(midnight + at));
                }
                left -= len;
            }
        }
        None
    }
}

/// A day's working periods (seconds since `midnight`) joined with the
/// parts of the `extra` spans that fall on that day, merged where they
/// overlap or touch.
fn with_extra(mut periods: Periods, midnight: i64, extra: &[(DateTime, DateTime)]) -> Periods {
    let day_end = midnight.saturating_add(86_400);
    for &(a, b) in extra {
        let (a, b) = (a.secs().max(midnight), b.secs().min(day_end));
        if a < b {
            periods.push((a - midnight, b - midnight));
        }
    }
    periods.sort_unstable();
    let mut out: Periods = Vec::with_capacity(periods.len());
    for (a, b) in periods {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Elapsed units count wall-clock time; the others working time.
pub fn is_elapsed(u: TimeUnit) -> bool {
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

fn periods(hours: &[WorkingTime]) -> Periods {
    hours
        .iter()
        .map(|w| (i64::from(w.from.0), i64::from(w.to.0)))
        .filter(|(a, b)| a < b)
        .collect()
}

/// Whether an exception, possibly recurring, falls on `day` (days since
/// 1970) within its date range.
pub fn covers(e: &CalendarException, day: i64) -> bool {
    let first = e.from.days();
    if day < first || day > e.to.days() {
        return false;
    }
    let date = DateTime::from_secs(day * 86_400);
    let (y, m, d) = date.date_part();
    let (y0, m0, _) = e.from.date_part();
    let weekday = date.weekday();
    let months = i64::from(y - y0) * 12 + i64::from(m) - i64::from(m0);
    let last_day = (28..=31)
        .rev()
        .find(|&n| DateTime::new(y, m, n, 0, 0, 0).is_some())
        .unwrap_or(28);
    // Position 0..3 = first..fourth weekday of the month, 4 = the last.
    let nth = |position: u8| {
        if position >= 4 {
            d + 7 > last_day
        } else {
            (d - 1) / 7 == u32::from(position)
        }
    };
    let every = |n: i64, period: u16| n % i64::from(period.max(1)) == 0;
    match e.recurrence {
        Recurrence::Daily => true,
        Recurrence::EveryNDays { period } => every(day - first, period),
        Recurrence::Weekly {
            days_of_week,
            period,
        } => {
            // Weeks (Sunday to Saturday) since the one holding the start.
            let week0 = (first - i64::from(e.from.weekday())).div_euclid(7);
            let week = (day - i64::from(weekday)).div_euclid(7);
            days_of_week & (1 << weekday) != 0 && every(week - week0, period)
        }
        Recurrence::MonthlyByDay { day: md, period } => d == u32::from(md) && every(months, period),
        Recurrence::MonthlyByWeekday {
            position,
            weekday: wd,
            period,
        } => u32::from(wd) == weekday && nth(position) && every(months, period),
        Recurrence::YearlyByDate { month, day: md } => m == u32::from(month) && d == u32::from(md),
        Recurrence::YearlyByWeekday {
            month,
            position,
            weekday: wd,
        } => m == u32::from(month) && u32::from(wd) == weekday && nth(position),
    }
}

/// The project's default calendar: the UID the properties name, else the
/// base calendar with the default calendar's name, else any so named, else 1.
pub fn default_calendar_uid(p: &Project) -> i32 {
    let pr = &p.properties;
    if let Some(uid) = pr.default_calendar_uid {
        return uid;
    }
    pr.default_calendar_name
        .as_deref()
        .and_then(|name| {
            p.calendars
                .iter()
                .find(|c| c.is_base() && c.name.as_deref() == Some(name))
                .or_else(|| p.calendars.iter().find(|c| c.name.as_deref() == Some(name)))
        })
        .map_or(1, |c| c.uid)
}

/// The calendar an assignment is scheduled on: the task's own calendar
/// and/or the resource's (work resources, unless the task ignores
/// resource calendars); neither = the task's calendar, the project's.
pub fn assignment_calendar(
    wt: &WorkTime<'_>,
    default: i32,
    task: &Task,
    resource: Option<&Resource>,
) -> Option<CalendarRef> {
    let task_cal = task.calendar_uid.and_then(|u| wt.one(u));
    let res_cal = resource
        .filter(|r| r.resource_type == ResourceType::Work && !task.ignore_resource_calendar)
        .and_then(|r| r.calendar_uid)
        .and_then(|u| wt.one(u));
    match (task_cal, res_cal) {
        (Some(CalendarRef::One(t)), Some(CalendarRef::One(r))) => Some(CalendarRef::Both(t, r)),
        (Some(c), _) | (None, Some(c)) => Some(c),
        (None, None) => wt.one(default),
    }
}

/// Fills the start and finish variances Project derives but a file may not
/// store: working time from the baseline date to the current date, in the
/// project's default duration units, on the task's calendar (else the
/// project's) or the assignment's (see [`assignment_calendar`]). Values
/// already present are kept.
pub fn fill_variances(project: &mut Project) {
    let units = project
        .properties
        .default_duration_units
        .unwrap_or(TimeUnit::Days);
    let default = default_calendar_uid(project);
    let calendars = std::mem::take(&mut project.calendars);
    let wt = WorkTime::new(&calendars, project.properties.factors);
    let base = |b: &[crate::model::Baseline], start: bool| {
        b.iter()
            .find(|b| b.number == 0)
            .and_then(|b| if start { b.start } else { b.finish })
    };
    for t in &mut project.tasks {
        // A calendar UID naming no calendar means the project's.
        let Some(cal) = t.calendar_uid.and_then(|u| wt.one(u)).or(wt.one(default)) else {
            continue;
        };
        if t.start_variance.is_none() {
            t.start_variance = wt.variance(cal, base(&t.baselines, true), t.start, units);
        }
        if t.finish_variance.is_none() {
            t.finish_variance = wt.variance(cal, base(&t.baselines, false), t.finish, units);
        }
    }
    let tasks: HashMap<i32, &Task> = project.tasks.iter().rev().map(|t| (t.uid, t)).collect();
    let resources: HashMap<i32, &Resource> =
        project.resources.iter().rev().map(|r| (r.uid, r)).collect();
    for a in &mut project.assignments {
        let task = tasks.get(&a.task_uid).copied();
        let resource = a.resource_uid.and_then(|u| resources.get(&u).copied());
        let cal = match task {
            Some(t) => assignment_calendar(&wt, default, t, resource),
            None => wt.one(default),
        };
        let Some(cal) = cal else { continue };
        let start = a.start.or_else(|| task.and_then(|t| t.start));
        let finish = a.finish.or_else(|| task.and_then(|t| t.finish));
        if a.start_variance.is_none() {
            a.start_variance = wt.variance(cal, base(&a.baselines, true), start, units);
        }
        if a.finish_variance.is_none() {
            a.finish_variance = wt.variance(cal, base(&a.baselines, false), finish, units);
        }
    }
    project.calendars = calendars;
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{Baseline, CalendarDay, TimeOfDay, WorkWeek};

    fn hours(spans: &[(u32, u32)]) -> Vec<WorkingTime> {
        spans
            .iter()
            .map(|&(a, b)| WorkingTime {
                from: TimeOfDay(a * 3600),
                to: TimeOfDay(b * 3600),
            })
            .collect()
    }

    /// Monday to Friday, 8-12 and 13-17.
    pub(crate) fn standard(uid: i32) -> Calendar {
        let day = |working: bool| {
            Some(CalendarDay {
                working,
                hours: if working {
                    hours(&[(8, 12), (13, 17)])
                } else {
                    Vec::new()
                },
            })
        };
        Calendar {
            uid,
            days: std::array::from_fn(|d| day((1..=5).contains(&d))),
            ..Calendar::default()
        }
    }

    fn derived(uid: i32, base: i32) -> Calendar {
        Calendar {
            uid,
            base_uid: Some(base),
            ..Calendar::default()
        }
    }

    fn off(from: DateTime, to: DateTime, recurrence: Recurrence) -> CalendarException {
        CalendarException {
            name: None,
            from,
            to,
            occurrences: None,
            recurrence,
            working: false,
            hours: Vec::new(),
        }
    }

    fn wt(cals: &[Calendar]) -> WorkTime<'_> {
        WorkTime::new(cals, TimeFactors::default())
    }

    /// 2024-01-01 is a Monday.
    fn jan(d: u32, h: u32) -> DateTime {
        DateTime::new(2024, 1, d, h, 0, 0).unwrap()
    }

    /// 2024-03-04 is a Monday.
    fn mar(d: u32, h: u32) -> DateTime {
        DateTime::new(2024, 3, d, h, 0, 0).unwrap()
    }

    /// September 2006: the 1st is a Friday.
    fn sep(d: u32, h: u32) -> Option<DateTime> {
        DateTime::new(2006, 9, d, h, 0, 0)
    }

    const ONE: CalendarRef = CalendarRef::One(1);
    const TWO: CalendarRef = CalendarRef::One(2);
    const MIN: TimeUnit = TimeUnit::Minutes;

    #[test]
    fn working_time_skips_nights_weekends_and_exceptions() {
        let cals = [standard(1)];
        let w = wt(&cals);
        // Monday 8:00 to next Monday 8:00 = 5 days of 8 h
        assert_eq!(w.minutes(ONE, jan(1, 8), jan(8, 8), MIN), Some(2400.0));
        assert_eq!(w.minutes(ONE, jan(8, 8), jan(1, 8), MIN), Some(-2400.0));
        // Friday 15:00 to Monday 10:00 = 2 h + 2 h
        assert_eq!(w.minutes(ONE, jan(5, 15), jan(8, 10), MIN), Some(240.0));
        let mut holiday = standard(1);
        holiday
            .exceptions
            .push(off(jan(2, 0), jan(3, 0), Recurrence::Daily));
        let cals = [holiday, derived(2, 1)];
        let w = wt(&cals);
        assert_eq!(w.minutes(ONE, jan(1, 8), jan(8, 8), MIN), Some(1440.0));
        // a derived calendar inherits its base's days
        assert_eq!(w.minutes(TWO, jan(1, 8), jan(2, 8), MIN), Some(480.0));
        // absurd spans give nothing rather than a long walk
        let far = DateTime::from_secs(jan(1, 0).secs() + 86_400 * 50_000);
        assert_eq!(w.minutes(ONE, jan(1, 0), far, MIN), None);
        // so do spans past the day budget
        w.budget.set(3);
        assert_eq!(w.minutes(ONE, jan(1, 8), jan(8, 8), MIN), None);
    }

    #[test]
    fn extra_spans_count_as_working_time() {
        let cals = [standard(1)];
        let w = wt(&cals);
        let at = |h: u32, m: u32| DateTime::new(2024, 1, 1, h, m, 0).unwrap();
        // Without extra time 5 h from 8:00 skip lunch; with it they do not.
        assert_eq!(w.add(ONE, at(8, 0), 5 * 3600), Some(at(14, 0)));
        let lunch = [(at(12, 0), at(13, 0))];
        assert_eq!(w.add_with(ONE, at(8, 0), 5 * 3600, &lunch), Some(at(13, 0)));
        // An early start before the working day, and spans that overlap it.
        let early = [(at(7, 0), at(8, 0)), (at(7, 30), at(9, 0))];
        assert_eq!(w.add_with(ONE, at(7, 0), 2 * 3600, &early), Some(at(9, 0)));
        // Backwards too.
        assert_eq!(w.add_with(ONE, at(13, 0), -3600, &lunch), Some(at(12, 0)));
    }

    #[test]
    fn variances_count_working_time() {
        let mut d = derived(2, 1);
        d.exceptions
            .push(off(mar(6, 0), mar(6, 0), Recurrence::Daily));
        let cals = [standard(1), d];
        let w = wt(&cals);
        let days = TimeUnit::Days;
        // Monday 08:00 to Wednesday 08:00: two working days.
        assert_eq!(w.minutes(ONE, mar(4, 8), mar(6, 8), days), Some(960.0));
        // Reversed order is negative; a weekend adds nothing.
        assert_eq!(w.minutes(ONE, mar(11, 8), mar(8, 17), days), Some(0.0));
        assert_eq!(w.minutes(ONE, mar(12, 8), mar(8, 16), days), Some(-540.0));
        // Part days: 16:01 to 17:00 is 59 minutes.
        let late = DateTime::new(2024, 3, 4, 16, 1, 0).unwrap();
        assert_eq!(w.minutes(ONE, late, mar(5, 8), days), Some(59.0));
        // The derived calendar inherits the week and drops its exception day.
        assert_eq!(w.minutes(TWO, mar(4, 8), mar(7, 8), days), Some(960.0));
        let both = CalendarRef::Both(1, 2);
        assert_eq!(w.minutes(both, mar(4, 8), mar(7, 8), days), Some(960.0));
        // Elapsed units count the clock.
        let elapsed = TimeUnit::ElapsedDays;
        assert_eq!(w.minutes(ONE, mar(9, 0), mar(10, 0), elapsed), Some(1440.0));
    }

    #[test]
    fn working_days_across_a_weekend_and_a_holiday() {
        let mut holiday = standard(1);
        holiday.exceptions.push(off(
            sep(5, 0).unwrap(),
            sep(5, 0).unwrap(),
            Recurrence::Daily,
        ));
        let cals = [holiday, derived(2, 1)];
        let w = wt(&cals);
        // Friday 17:00 to Tuesday 17:00: Monday and Tuesday, Tuesday off.
        let v = w
            .variance(ONE, sep(1, 17), sep(5, 17), TimeUnit::Days)
            .unwrap();
        assert!((v.value - 1.0).abs() < 1e-9, "{v:?}");
        // The derived calendar inherits days and the base's exception.
        let v = w
            .variance(TWO, sep(5, 17), sep(1, 17), TimeUnit::Days)
            .unwrap();
        assert!((v.value + 1.0).abs() < 1e-9, "{v:?}");
        let v = w
            .variance(ONE, sep(4, 8), sep(4, 13), TimeUnit::Hours)
            .unwrap();
        assert!((v.value - 4.0).abs() < 1e-9, "{v:?}");
        let v = w
            .variance(ONE, sep(4, 8), sep(5, 8), TimeUnit::ElapsedDays)
            .unwrap();
        assert!((v.value - 1.0).abs() < 1e-9, "{v:?}");
        assert_eq!(
            w.variance(ONE, None, sep(4, 8), TimeUnit::Days)
                .map(|d| d.value),
            Some(0.0)
        );
        let unknown = CalendarRef::One(9);
        assert!(w
            .variance(unknown, sep(4, 8), sep(5, 8), TimeUnit::Days)
            .is_none());
        let far = DateTime::new(2400, 1, 1, 0, 0, 0);
        assert!(w.variance(ONE, sep(4, 8), far, TimeUnit::Days).is_none());
    }

    #[test]
    fn recurring_exceptions_match_their_days() {
        let day = |y, m, d| DateTime::new(y, m, d, 0, 0, 0).unwrap().days();
        let e = |recurrence| {
            off(
                mar(1, 0),
                DateTime::new(2025, 12, 31, 0, 0, 0).unwrap(),
                recurrence,
            )
        };
        // 2024-03-01 is a Friday; every second week on Fridays.
        let weekly = e(Recurrence::Weekly {
            days_of_week: 1 << 5,
            period: 2,
        });
        assert!(covers(&weekly, day(2024, 3, 15)));
        assert!(!covers(&weekly, day(2024, 3, 8)));
        let monthly = e(Recurrence::MonthlyByWeekday {
            position: 4,
            weekday: 1,
            period: 1,
        });
        assert!(covers(&monthly, day(2024, 4, 29)), "last Monday of April");
        assert!(!covers(&monthly, day(2024, 4, 22)));
        let yearly = e(Recurrence::YearlyByDate { month: 12, day: 25 });
        assert!(covers(&yearly, day(2024, 12, 25)));
        let every = e(Recurrence::EveryNDays { period: 3 });
        assert!(covers(&every, day(2024, 3, 4)) && !covers(&every, day(2024, 3, 5)));
        // Nothing outside the range.
        assert!(!covers(&yearly, day(2026, 12, 25)));
        assert!(!covers(&every, day(2024, 2, 27)));

        let e = |recurrence| {
            off(
                jan(1, 0),
                DateTime::new(2024, 12, 31, 0, 0, 0).unwrap(),
                recurrence,
            )
        };
        let day = |m, d| day(2024, m, d);
        // Every other Monday from the week of 2024-01-01 (a Monday).
        let weekly = e(Recurrence::Weekly {
            days_of_week: 1 << 1,
            period: 2,
        });
        assert!(covers(&weekly, day(1, 1)));
        assert!(!covers(&weekly, day(1, 8)));
        assert!(covers(&weekly, day(1, 15)));
        // The last Friday of every month.
        let last_friday = e(Recurrence::MonthlyByWeekday {
            position: 4,
            weekday: 5,
            period: 1,
        });
        assert!(covers(&last_friday, day(2, 23)));
        assert!(!covers(&last_friday, day(2, 16)));
        let yearly = e(Recurrence::YearlyByDate { month: 12, day: 25 });
        assert!(covers(&yearly, day(12, 25)));
        assert!(!covers(&yearly, day(11, 25)));
        // The 15th of every other month; the second Tuesday of March.
        let monthly = e(Recurrence::MonthlyByDay { day: 15, period: 2 });
        assert!(covers(&monthly, day(3, 15)) && !covers(&monthly, day(2, 15)));
        let second_tuesday = e(Recurrence::YearlyByWeekday {
            month: 3,
            position: 1,
            weekday: 2,
        });
        assert!(covers(&second_tuesday, day(3, 12)));
        assert!(!covers(&second_tuesday, day(3, 5)));
    }

    #[test]
    fn recurring_exceptions_remove_only_their_days() {
        // Every Wednesday of January off on a derived calendar.
        let mut d = derived(2, 1);
        d.exceptions.push(off(
            jan(1, 0),
            jan(31, 0),
            Recurrence::Weekly {
                days_of_week: 1 << 3,
                period: 1,
            },
        ));
        let cals = [standard(1), d];
        let w = wt(&cals);
        assert_eq!(w.minutes(TWO, jan(1, 0), jan(8, 0), MIN), Some(4.0 * 480.0));
        assert_eq!(
            w.minutes(TWO, jan(1, 0), jan(29, 0), MIN),
            Some(16.0 * 480.0)
        );
        // February is outside the range.
        let feb = |d| DateTime::new(2024, 2, d, 0, 0, 0).unwrap();
        assert_eq!(w.minutes(TWO, feb(5), feb(12), MIN), Some(5.0 * 480.0));
    }

    #[test]
    fn derived_calendars_override_inherit_and_use_work_weeks() {
        let mut d = derived(2, 1);
        // Saturday mornings work; Monday is off; the rest is inherited.
        d.days[6] = Some(CalendarDay {
            working: true,
            hours: hours(&[(9, 12)]),
        });
        d.days[1] = Some(CalendarDay::default());
        // The week of 2024-01-15 has short days (Tuesday..Friday unset
        // there, so inherited from the base).
        let mut week: [Option<CalendarDay>; 7] = Default::default();
        week[1] = Some(CalendarDay {
            working: true,
            hours: hours(&[(10, 12)]),
        });
        d.work_weeks.push(WorkWeek {
            name: None,
            from: Some(jan(15, 0)),
            to: Some(jan(21, 0)),
            days: week,
        });
        let cals = [standard(1), d];
        let w = wt(&cals);
        // Mon off, Tue..Fri 8 h, Sat 3 h.
        assert_eq!(w.minutes(TWO, jan(1, 0), jan(8, 0), MIN), Some(35.0 * 60.0));
        // The work week: Mon 2 h, Tue..Fri 8 h, Saturday unset = base's (off).
        assert_eq!(
            w.minutes(TWO, jan(15, 0), jan(22, 0), MIN),
            Some(34.0 * 60.0)
        );
        // The base is untouched.
        assert_eq!(
            w.minutes(ONE, jan(15, 0), jan(22, 0), MIN),
            Some(40.0 * 60.0)
        );
        // A base's work week holds for the calendars derived from it.
        let mut base = standard(1);
        let mut week: [Option<CalendarDay>; 7] = Default::default();
        week[2] = Some(CalendarDay::default());
        base.work_weeks.push(WorkWeek {
            name: None,
            from: Some(jan(8, 0)),
            to: Some(jan(14, 0)),
            days: week,
        });
        let cals = [base, derived(2, 1)];
        let w = wt(&cals);
        // Tuesday the 9th is off; the other days are the base's.
        assert_eq!(
            w.minutes(TWO, jan(8, 0), jan(15, 0), MIN),
            Some(32.0 * 60.0)
        );
        assert_eq!(w.minutes(TWO, jan(1, 0), jan(8, 0), MIN), Some(40.0 * 60.0));
    }

    #[test]
    fn base_cycles_and_deep_chains_end() {
        // 3 -> 4 -> 3: a cycle; only 4 knows Mondays, only 3 has an exception.
        let mut c3 = derived(3, 4);
        c3.exceptions
            .push(off(jan(2, 0), jan(2, 0), Recurrence::Daily));
        let mut c4 = derived(4, 3);
        c4.days[1] = standard(0).days[1].clone();
        c4.days[2] = standard(0).days[2].clone();
        let cals = [c3, c4];
        let w = wt(&cals);
        let (three, four) = (CalendarRef::One(3), CalendarRef::One(4));
        assert_eq!(w.minutes(three, jan(1, 0), jan(8, 0), MIN), Some(480.0));
        // From 4, the exception of its base 3 applies too.
        assert_eq!(w.minutes(four, jan(1, 0), jan(8, 0), MIN), Some(480.0));
        // A calendar based on itself.
        let cals = [derived(5, 5)];
        let w = wt(&cals);
        assert_eq!(
            w.minutes(CalendarRef::One(5), jan(1, 0), jan(8, 0), MIN),
            Some(0.0)
        );
        // A chain longer than the limit: the standard week at its end is
        // out of reach.
        let mut cals: Vec<Calendar> = (10..30).map(|u| derived(u, u + 1)).collect();
        cals.push(standard(30));
        let w = wt(&cals);
        assert_eq!(
            w.minutes(CalendarRef::One(10), jan(1, 0), jan(8, 0), MIN),
            Some(0.0)
        );
        let near = CalendarRef::One(30 - MAX_BASE_DEPTH as i32 + 1);
        assert_eq!(w.minutes(near, jan(1, 0), jan(8, 0), MIN), Some(2400.0));
    }

    #[test]
    fn hostile_calendars_stop_within_the_budget() {
        // Many exceptions make each new day costly: the budget counts them.
        let mut busy = standard(1);
        let old = DateTime::new(1990, 1, 1, 0, 0, 0).unwrap();
        busy.exceptions = vec![off(old, old, Recurrence::Daily); 1000];
        let cals = [busy];
        let w = wt(&cals);
        w.budget.set(5_000);
        assert_eq!(w.minutes(ONE, jan(1, 0), jan(31, 0), MIN), None);
        // Days already resolved cost only the walk.
        let w = wt(&cals);
        assert_eq!(w.minutes(ONE, jan(1, 0), jan(8, 0), MIN), Some(2400.0));
        w.budget.set(100);
        assert_eq!(w.minutes(ONE, jan(1, 0), jan(8, 0), MIN), Some(2400.0));
        assert_eq!(w.add(ONE, jan(1, 0), 3600 * 1000), None);
        assert!(w.spent());
    }

    #[test]
    fn adding_working_time() {
        let mut holiday = standard(1);
        holiday
            .exceptions
            .push(off(jan(3, 0), jan(3, 0), Recurrence::Daily));
        let cals = [holiday];
        let w = wt(&cals);
        let h = 3600;
        // Monday 10:00 + 3 h skips lunch; + 14 h ends on Tuesday evening,
        // a second more skips Wednesday the 3rd.
        assert_eq!(w.add(ONE, jan(1, 10), 3 * h), Some(jan(1, 14)));
        assert_eq!(w.add(ONE, jan(1, 10), 14 * h), Some(jan(2, 17)));
        assert_eq!(
            w.add(ONE, jan(1, 10), 14 * h + 1),
            Some(jan(4, 8).add_secs(1))
        );
        // From a non-working time, the next period; backwards, the last.
        assert_eq!(w.add(ONE, jan(6, 12), 2 * h), Some(jan(8, 10)));
        assert_eq!(w.add(ONE, jan(4, 9), -3 * h), Some(jan(2, 15)));
        assert_eq!(w.add(ONE, jan(1, 10), 0), Some(jan(1, 10)));
        // Adding and measuring agree.
        let end = w.add(ONE, jan(1, 10), 50 * h).unwrap();
        assert_eq!(w.seconds(ONE, jan(1, 10), end), Some(50 * h));
        // A calendar without working time never gets there.
        let cals = [derived(2, 9)];
        assert_eq!(wt(&cals).add(TWO, jan(1, 10), h), None);
    }

    #[test]
    fn fill_variances_uses_task_and_assignment_calendars() {
        let mut project = Project::default();
        project.calendars.push(standard(1));
        let mut night = derived(2, 1);
        night.days = std::array::from_fn(|_| {
            Some(CalendarDay {
                working: true,
                hours: hours(&[(16, 20)]),
            })
        });
        project.calendars.push(night);
        project.properties.default_calendar_uid = Some(1);
        let baseline = vec![Baseline {
            number: 0,
            start: Some(mar(4, 8)),
            finish: Some(mar(6, 17)),
            ..Baseline::default()
        }];
        project.tasks.push(Task {
            uid: 1,
            start: Some(mar(6, 8)),
            finish: Some(mar(6, 12)),
            baselines: baseline.clone(),
            ..Task::default()
        });
        project.resources.push(Resource {
            uid: 7,
            calendar_uid: Some(2),
            ..Resource::default()
        });
        project.assignments.push(crate::model::Assignment {
            task_uid: 1,
            resource_uid: Some(7),
            baselines: baseline,
            ..Default::default()
        });
        fill_variances(&mut project);
        let t = &project.tasks[0];
        assert_eq!(t.start_variance, Some(Duration::new(2.0, TimeUnit::Days)));
        assert_eq!(t.finish_variance, Some(Duration::new(-0.5, TimeUnit::Days)));
        // The assignment takes the task's dates, on the resource's calendar:
        // 16-20 on Monday and Tuesday; 16-17 on Wednesday, backwards.
        let a = &project.assignments[0];
        assert_eq!(a.start_variance, Some(Duration::new(1.0, TimeUnit::Days)));
        assert_eq!(
            a.finish_variance,
            Some(Duration::new(-0.125, TimeUnit::Days))
        );
        // Task and resource calendars together: only the hours both work.
        let w = wt(&project.calendars);
        let mut task = project.tasks[0].clone();
        task.calendar_uid = Some(1);
        let both = assignment_calendar(&w, 1, &task, project.resources.first());
        assert_eq!(both, Some(CalendarRef::Both(1, 2)));
        assert_eq!(
            w.minutes(both.unwrap(), mar(4, 0), mar(5, 0), MIN),
            Some(60.0)
        );
        task.ignore_resource_calendar = true;
        let own = assignment_calendar(&w, 1, &task, project.resources.first());
        assert_eq!(own, Some(ONE));
        // A task calendar UID naming no calendar means the project's.
        project.tasks[0].calendar_uid = Some(99);
        project.tasks[0].start_variance = None;
        project.properties.default_calendar_uid = Some(2);
        fill_variances(&mut project);
        let t = &project.tasks[0];
        assert_eq!(t.start_variance, Some(Duration::new(1.0, TimeUnit::Days)));
    }
}
