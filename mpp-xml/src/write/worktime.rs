//! Working time between two dates on a calendar, for the start and finish
//! variances MPXJ computes (baseline date to current date, in the project's
//! default duration units).

use std::collections::HashMap;

use mpp_core::{
    Calendar, CalendarException, DateTime, Duration, Project, Recurrence, TimeFactors, TimeUnit,
};

/// Calendars by UID, with the project's conversion factors.
pub struct WorkTime<'a> {
    calendars: HashMap<i32, &'a Calendar>,
    factors: TimeFactors,
}

/// Working periods of one day, in seconds since midnight.
type Ranges = Vec<(i64, i64)>;

/// Base calendars are followed at most this deep (guards against cycles).
const MAX_DEPTH: usize = 8;

/// Longest span walked day by day (about 200 years).
const MAX_SPAN_DAYS: i64 = 73_000;

impl<'a> WorkTime<'a> {
    pub fn new(p: &'a Project) -> Self {
        WorkTime {
            calendars: p.calendars.iter().map(|c| (c.uid, c)).collect(),
            factors: p.properties.factors,
        }
    }

    /// Working time from `from` to `to` (negative when `to` is earlier) on
    /// calendar `uid`, in `units`; zero without both dates, none without the calendar.
    pub fn variance(
        &self,
        uid: i32,
        from: Option<DateTime>,
        to: Option<DateTime>,
        units: TimeUnit,
    ) -> Option<Duration> {
        let cal = *self.calendars.get(&uid)?;
        let (Some(from), Some(to)) = (from, to) else {
            return Some(Duration::new(0.0, units));
        };
        // A day-by-day walk over centuries would only come from damaged dates.
        if (to.days() - from.days()).abs() > MAX_SPAN_DAYS {
            return None;
        }
        let minutes = if is_elapsed(units) {
            ((to.secs() - from.secs()) / 60) as f64
        } else {
            self.work_seconds(cal, from, to) as f64 / 60.0
        };
        let per = self.factors.minutes_per(units);
        Some(Duration::new(
            if per != 0.0 { minutes / per } else { 0.0 },
            units,
        ))
    }

    fn work_seconds(&self, cal: &Calendar, a: DateTime, b: DateTime) -> i64 {
        let (start, end, sign) = if a > b { (b, a, -1) } else { (a, b, 1) };
        let (first, last) = (start.days(), end.days());
        let total = if first == last {
            overlap(
                &self.ranges(cal, first),
                start.time_of_day(),
                end.time_of_day(),
            )
        } else {
            let mut sum = 0;
            let mut day = first;
            while self.ranges(cal, day).is_empty() && day < last {
                day += 1;
            }
            if day < last {
                let from = if day == first { start.time_of_day() } else { 0 };
                sum += overlap(&self.ranges(cal, day), from, 86_400);
                day += 1;
                while day < last {
                    sum += overlap(&self.ranges(cal, day), 0, 86_400);
                    day += 1;
                }
            }
            sum + overlap(&self.ranges(cal, last), 0, end.time_of_day())
        };
        sign * total
    }

    /// The working periods of a day: an exception (here or in a base
    /// calendar), else the work week holding it, else the week pattern.
    fn ranges(&self, cal: &Calendar, day: i64) -> Ranges {
        let mut c = Some(cal);
        for _ in 0..MAX_DEPTH {
            let Some(cur) = c else { break };
            if let Some(e) = cur.exceptions.iter().find(|e| covers(e, day)) {
                return if e.working {
                    to_ranges(&e.hours)
                } else {
                    Vec::new()
                };
            }
            c = cur.base_uid.and_then(|u| self.calendars.get(&u).copied());
        }
        let weekday = DateTime::from_secs(day * 86_400).weekday() as usize;
        let week = cal.work_weeks.iter().find(|w| {
            w.from.is_none_or(|f| f.days() <= day) && w.to.is_none_or(|t| t.days() >= day)
        });
        let own = match week {
            Some(w) => w.days.get(weekday).cloned().flatten(),
            None => cal.days.get(weekday).cloned().flatten(),
        };
        match own {
            Some(d) if d.working => to_ranges(&d.hours),
            Some(_) => Vec::new(),
            None => self.weekday_ranges(cal.base_uid, weekday, 0),
        }
    }

    /// A weekday's periods in a base calendar's pattern (exceptions aside).
    fn weekday_ranges(&self, uid: Option<i32>, weekday: usize, depth: usize) -> Ranges {
        let Some(cal) = uid.and_then(|u| self.calendars.get(&u)) else {
            return Vec::new();
        };
        if depth >= MAX_DEPTH {
            return Vec::new();
        }
        match cal.days.get(weekday).cloned().flatten() {
            Some(d) if d.working => to_ranges(&d.hours),
            Some(_) => Vec::new(),
            None => self.weekday_ranges(cal.base_uid, weekday, depth + 1),
        }
    }
}

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

fn to_ranges(hours: &[mpp_core::WorkingTime]) -> Ranges {
    hours
        .iter()
        .map(|w| (i64::from(w.from.0), i64::from(w.to.0)))
        .collect()
}

/// Seconds of the periods that fall between `from` and `to`.
fn overlap(ranges: &Ranges, from: i64, to: i64) -> i64 {
    ranges
        .iter()
        .map(|&(a, b)| (b.min(to) - a.max(from)).max(0))
        .sum()
}

/// Whether an exception applies on `day` (days since 1970).
fn covers(e: &CalendarException, day: i64) -> bool {
    let (first, last) = (e.from.days(), e.to.days());
    if day < first || day > last {
        return false;
    }
    let date = DateTime::from_secs(day * 86_400);
    let (y, m, d) = date.date_part();
    let (y0, m0, _) = e.from.date_part();
    let months = i64::from(y - y0) * 12 + i64::from(m) - i64::from(m0);
    let weekday = date.weekday();
    // Position (0-based) of this weekday in its month, and whether it is the last.
    let position = i64::from((d - 1) / 7);
    let is_last = d + 7 > days_in_month(y, m);
    let nth = |pos: u8| {
        if pos >= 4 {
            is_last
        } else {
            position == i64::from(pos)
        }
    };
    match e.recurrence {
        Recurrence::Daily => true,
        Recurrence::EveryNDays { period } => (day - first) % i64::from(period.max(1)) == 0,
        Recurrence::Weekly {
            days_of_week,
            period,
        } => {
            let week0 = first - i64::from(e.from.weekday());
            let week = (day - week0) / 7;
            days_of_week & (1 << weekday) != 0 && week % i64::from(period.max(1)) == 0
        }
        Recurrence::MonthlyByDay { day: md, period } => {
            d == u32::from(md) && months % i64::from(period.max(1)) == 0
        }
        Recurrence::MonthlyByWeekday {
            position: pos,
            weekday: wd,
            period,
        } => weekday == u32::from(wd) && nth(pos) && months % i64::from(period.max(1)) == 0,
        Recurrence::YearlyByDate { month, day: md } => m == u32::from(month) && d == u32::from(md),
        Recurrence::YearlyByWeekday {
            month,
            position: pos,
            weekday: wd,
        } => m == u32::from(month) && weekday == u32::from(wd) && nth(pos),
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use mpp_core::{CalendarDay, TimeOfDay, WorkingTime};

    use super::*;

    fn standard() -> Calendar {
        let day = CalendarDay {
            working: true,
            hours: vec![
                WorkingTime {
                    from: TimeOfDay(8 * 3600),
                    to: TimeOfDay(12 * 3600),
                },
                WorkingTime {
                    from: TimeOfDay(13 * 3600),
                    to: TimeOfDay(17 * 3600),
                },
            ],
        };
        let off = CalendarDay {
            working: false,
            hours: vec![],
        };
        Calendar {
            uid: 1,
            days: [
                Some(off.clone()),
                Some(day.clone()),
                Some(day.clone()),
                Some(day.clone()),
                Some(day.clone()),
                Some(day),
                Some(off),
            ],
            ..Calendar::default()
        }
    }

    fn at(d: u32, h: u32) -> Option<DateTime> {
        // September 2006: the 1st is a Friday.
        DateTime::new(2006, 9, d, h, 0, 0)
    }

    #[test]
    fn working_days_across_a_weekend_and_a_holiday() {
        let mut holiday = standard();
        holiday.exceptions.push(CalendarException {
            name: None,
            from: at(5, 0).unwrap(),
            to: at(5, 0).unwrap(),
            occurrences: None,
            recurrence: Recurrence::Daily,
            working: false,
            hours: vec![],
        });
        let derived = Calendar {
            uid: 2,
            base_uid: Some(1),
            ..Calendar::default()
        };
        let p = Project {
            calendars: vec![holiday, derived],
            ..Project::default()
        };
        let w = WorkTime::new(&p);
        // Friday 17:00 to Tuesday 17:00: Monday and Tuesday, Tuesday off.
        let v = w.variance(1, at(1, 17), at(5, 17), TimeUnit::Days).unwrap();
        assert!((v.value - 1.0).abs() < 1e-9, "{v:?}");
        // The derived calendar inherits days and the base's exception.
        let v = w.variance(2, at(5, 17), at(1, 17), TimeUnit::Days).unwrap();
        assert!((v.value + 1.0).abs() < 1e-9, "{v:?}");
        let v = w.variance(1, at(4, 8), at(4, 13), TimeUnit::Hours).unwrap();
        assert!((v.value - 4.0).abs() < 1e-9, "{v:?}");
        let v = w
            .variance(1, at(4, 8), at(5, 8), TimeUnit::ElapsedDays)
            .unwrap();
        assert!((v.value - 1.0).abs() < 1e-9, "{v:?}");
        assert_eq!(
            w.variance(1, None, at(4, 8), TimeUnit::Days)
                .map(|d| d.value),
            Some(0.0)
        );
        assert!(w.variance(9, at(4, 8), at(5, 8), TimeUnit::Days).is_none());
        let far = DateTime::new(2400, 1, 1, 0, 0, 0);
        assert!(w.variance(1, at(4, 8), far, TimeUnit::Days).is_none());
    }

    #[test]
    fn recurring_exceptions() {
        let e = |recurrence| CalendarException {
            name: None,
            from: DateTime::new(2024, 1, 1, 0, 0, 0).unwrap(),
            to: DateTime::new(2024, 12, 31, 0, 0, 0).unwrap(),
            occurrences: None,
            recurrence,
            working: false,
            hours: vec![],
        };
        let day = |m, d| DateTime::new(2024, m, d, 0, 0, 0).unwrap().days();
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
    }
}
