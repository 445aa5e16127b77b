//! Calendar exceptions the way MPXJ handles them when writing MSPDI:
//! recurrence expansion to dates, the per-date "expanded" list (legacy
//! `WeekDay` entries), and the merge used to flatten derived calendars and
//! to turn work weeks into exceptions.
//!
//! Dates are day numbers (days since 1970-01-01).

use std::collections::BTreeMap;

use mpp_core::{CalendarException, DateTime, Recurrence, WorkWeek, WorkingTime};

/// Upper bound on the steps of one expansion, so that absurd ranges or
/// recurrences that never match stay cheap.
const MAX_STEPS: usize = 100_000;

/// Upper bound on the dates one recurrence expands to (each becomes an
/// element of the output): without it a 10 KB document of a few dozen daily
/// recurrences over centuries expands to tens of megabytes.
const MAX_DATES: usize = 5_000;

/// Upper bound on the dates all recurrences of one calendar expand to.
const MAX_DATES_PER_CALENDAR: usize = 20_000;

/// One exception: a plain date range, or a recurrence with its range.
#[derive(Debug, Clone, PartialEq)]
pub struct Exc {
    pub name: Option<String>,
    /// Stored range (for recurrences: the range dates are drawn from).
    pub from: i64,
    pub to: Option<i64>,
    /// `None` for plain ranges; never `Recurrence::Daily`.
    pub rec: Option<Recurrence>,
    pub occurrences: Option<u16>,
    pub hours: Vec<WorkingTime>,
    /// The occurrence dates of a recurrence.
    dates: Vec<i64>,
}

impl Exc {
    pub fn new(
        name: Option<String>,
        from: i64,
        to: Option<i64>,
        rec: Option<Recurrence>,
        occurrences: Option<u16>,
        hours: Vec<WorkingTime>,
    ) -> Exc {
        let rec = rec.filter(|r| *r != Recurrence::Daily);
        let dates = rec.map_or_else(Vec::new, |r| dates(&r, from, to, occurrences));
        Exc {
            name,
            from,
            to,
            rec,
            occurrences,
            hours,
            dates,
        }
    }

    pub fn from_model(e: &CalendarException) -> Exc {
        Exc::new(
            e.name.clone(),
            e.from.days(),
            Some(e.to.days()),
            Some(e.recurrence),
            e.occurrences,
            e.hours.clone(),
        )
    }

    /// A plain range with the given hours.
    fn plain(from: i64, to: Option<i64>, hours: Vec<WorkingTime>) -> Exc {
        Exc::new(None, from, to, None, None, hours)
    }

    /// First date covered (recurrences: the first occurrence).
    pub fn first(&self) -> Option<i64> {
        match self.rec {
            None => Some(self.from),
            Some(_) => self.dates.first().copied(),
        }
    }

    /// Last date covered (recurrences: the last occurrence).
    pub fn last(&self) -> Option<i64> {
        match self.rec {
            None => self.to,
            Some(_) => self.dates.last().copied(),
        }
    }

    /// One exception per occurrence; a plain range stays whole.
    pub fn expanded(&self) -> Vec<Exc> {
        match self.rec {
            None => vec![self.clone()],
            Some(_) => self
                .dates
                .iter()
                .map(|&d| Exc::plain(d, Some(d), self.hours.clone()))
                .collect(),
        }
    }

    /// Whether the covered ranges overlap.
    fn overlaps(&self, other: &Exc) -> bool {
        match (self.first(), self.last(), other.first(), other.last()) {
            (Some(a1), Some(a2), Some(b1), Some(b2)) => !(a2 < b1 || b2 < a1),
            _ => false,
        }
    }

    /// Recurrence priority when expanded dates collide: later groups win.
    fn group(&self) -> usize {
        match self.rec {
            Some(Recurrence::Weekly { .. }) => 0,
            Some(Recurrence::MonthlyByDay { .. } | Recurrence::MonthlyByWeekday { .. }) => 1,
            Some(Recurrence::YearlyByDate { .. } | Recurrence::YearlyByWeekday { .. }) => 2,
            _ => 3,
        }
    }
}

/// Sorts by first date (stable; exceptions without dates last).
pub fn sort(list: &mut [Exc]) {
    list.sort_by_key(|e| e.first().unwrap_or(i64::MAX));
}

/// Every date's effective exception, in date order: recurrences expand to
/// single days (weekly, then monthly, yearly and daily ones override),
/// then exceptions with a single entry (plain ranges) override those.
/// Ranges are keyed by their first day only.
pub fn expand_all(list: &[Exc]) -> Vec<Exc> {
    let mut single = Vec::new();
    let mut groups: [Vec<Vec<Exc>>; 4] = Default::default();
    // All recurrences of a calendar together stay under a budget too.
    let mut budget = MAX_DATES_PER_CALENDAR;
    for e in list {
        let mut expanded = e.expanded();
        if expanded.len() == 1 {
            single.extend(expanded);
        } else if let Some(g) = groups.get_mut(e.group()) {
            expanded.truncate(budget);
            budget -= expanded.len();
            g.push(expanded);
        }
    }
    let mut map: BTreeMap<i64, Exc> = BTreeMap::new();
    for group in groups {
        for x in group.into_iter().flatten() {
            map.insert(x.from, x);
        }
    }
    for x in single {
        if let Some(d) = x.first() {
            map.insert(d, x);
        }
    }
    map.into_values().collect()
}

/// Adds `source` to `target`: an exception that overlaps none of the
/// target's (expanded) exceptions is copied as it is (without its name);
/// otherwise only its occurrences that overlap nothing are added, as
/// single plain exceptions.
pub fn merge(target: &mut Vec<Exc>, source: &[Exc]) {
    let existing = expand_all(target);
    for s in source {
        let parts = s.expanded();
        let collides = |x: &Exc| existing.iter().any(|e| e.overlaps(x));
        if parts.iter().any(collides) {
            for x in parts.iter().filter(|x| !collides(x)) {
                target.push(Exc::plain(x.from, x.to, x.hours.clone()));
            }
        } else {
            let mut copy = s.clone();
            copy.name = None;
            target.push(copy);
        }
    }
}

/// A work week as weekly exceptions: one per explicit day, Monday first.
pub fn week_exceptions(week: &WorkWeek) -> Vec<Exc> {
    let Some(from) = week.from else {
        return Vec::new();
    };
    let to = week.to.map(DateTime::days);
    [1usize, 2, 3, 4, 5, 6, 0]
        .iter()
        .filter_map(|&d| {
            let day = week.days.get(d)?.as_ref()?;
            let rec = Recurrence::Weekly {
                days_of_week: 1u8 << d,
                period: 1,
            };
            Some(Exc::new(
                None,
                from.days(),
                to,
                Some(rec),
                None,
                day.hours.clone(),
            ))
        })
        .collect()
}

// ---- dates -------------------------------------------------------------

fn to_day(y: i32, m: u32, d: u32) -> Option<i64> {
    DateTime::new(y, m, d, 0, 0, 0).map(DateTime::days)
}

fn ymd(day: i64) -> (i32, u32, u32) {
    DateTime::from_secs(day.saturating_mul(86_400)).date_part()
}

/// 0 = Sunday.
fn weekday(day: i64) -> i64 {
    (day + 4).rem_euclid(7)
}

fn month_len(y: i32, m: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|&d| to_day(y, m, d).is_some())
        .unwrap_or(28)
}

/// First day of the month `n` months after (y, m).
fn add_months(y: i32, m: u32, n: i64) -> (i32, u32) {
    let idx = i64::from(y) * 12 + i64::from(m) - 1 + n;
    (
        i32::try_from(idx.div_euclid(12)).unwrap_or(y),
        idx.rem_euclid(12) as u32 + 1,
    )
}

/// `Some(more?)` as MPXJ decides it: up to the finish date, or (without
/// one) until `occurrences` dates exist.
struct Limit {
    finish: Option<i64>,
    occurrences: usize,
}

impl Limit {
    fn more(&self, date: i64, found: usize) -> bool {
        match self.finish {
            Some(f) => date <= f,
            None => found < self.occurrences,
        }
    }
}

/// Occurrence dates of a recurrence from `start`, as MPXJ computes them
/// (including its habit of keeping a monthly or yearly date that falls
/// after the finish when its month started before it).
pub fn dates(
    rec: &Recurrence,
    start: i64,
    finish: Option<i64>,
    occurrences: Option<u16>,
) -> Vec<i64> {
    let limit = Limit {
        finish,
        occurrences: usize::from(occurrences.unwrap_or(0).max(1)),
    };
    let freq = |p: u16| i64::from(p.max(1));
    let mut out = Vec::new();
    match *rec {
        Recurrence::Daily => out.push(start),
        Recurrence::EveryNDays { period } => {
            let mut date = start;
            let mut steps = 0;
            while limit.more(date, out.len()) && steps < MAX_STEPS {
                out.push(date);
                date += freq(period);
                steps += 1;
            }
        }
        Recurrence::Weekly {
            days_of_week,
            period,
        } => {
            weekly(days_of_week, freq(period), start, &limit, &mut out);
        }
        Recurrence::MonthlyByDay { day, period } => {
            // Day 0 (not a day) counts as the 1st, as it is clamped below.
            let day = day.max(1);
            let (y, m, d) = ymd(start);
            let mut ym = (y, m);
            if u32::from(day) < d {
                ym = add_months(y, m, 1);
            }
            let mut steps = 0;
            while to_day(ym.0, ym.1, 1).is_some_and(|first| limit.more(first, out.len()))
                && steps < MAX_STEPS
            {
                let use_day = u32::from(day).clamp(1, month_len(ym.0, ym.1));
                if let Some(date) = to_day(ym.0, ym.1, use_day) {
                    out.push(date);
                }
                ym = add_months(ym.0, ym.1, freq(period));
                steps += 1;
            }
        }
        Recurrence::MonthlyByWeekday {
            position,
            weekday,
            period,
        } => {
            let (y, m, _) = ymd(start);
            relative(
                y,
                m,
                position,
                weekday,
                freq(period),
                start,
                &limit,
                &mut out,
            );
        }
        Recurrence::YearlyByDate { month, day } => {
            let (y, _, _) = ymd(start);
            let m = u32::from(month);
            let mut year = y;
            let mut steps = 0;
            while to_day(year, m, 1).is_some_and(|first| limit.more(first, out.len()))
                && steps < MAX_STEPS
            {
                let use_day = u32::from(day).clamp(1, month_len(year, m));
                let Some(mut date) = to_day(year, m, use_day) else {
                    break;
                };
                let mut date_year = year;
                if date < start {
                    date_year += 1;
                    // Feb 29 moves to Feb 28 in a common year.
                    date =
                        to_day(date_year, m, use_day.min(month_len(date_year, m))).unwrap_or(date);
                }
                out.push(date);
                year = date_year + 1;
                steps += 1;
            }
        }
        Recurrence::YearlyByWeekday {
            month,
            position,
            weekday,
        } => {
            let (y, _, _) = ymd(start);
            relative(
                y,
                u32::from(month),
                position,
                weekday,
                12,
                start,
                &limit,
                &mut out,
            );
        }
    }
    out.truncate(MAX_DATES);
    out
}

/// Weekly dates: walk whole weeks from the Sunday on or before `start`.
fn weekly(mask: u8, freq: i64, start: i64, limit: &Limit, out: &mut Vec<i64>) {
    let mut date = start - weekday(start);
    let mut day = 0i64;
    let mut steps = 0;
    while limit.more(date, out.len()) && steps < MAX_STEPS {
        let mut offset = 0i64;
        for _ in 0..7 {
            if mask & (1u8 << day) != 0 {
                if offset != 0 {
                    date += offset;
                    offset = 0;
                }
                if !limit.more(date, out.len()) {
                    break;
                }
                if date >= start {
                    out.push(date);
                }
            }
            offset += 1;
            day = (day + 1) % 7;
        }
        if freq > 1 {
            offset += 7 * (freq - 1);
        }
        date += offset;
        steps += 1;
    }
}

/// The `position`-th (0-based, 4 and up = last) `weekday` of every
/// `months`-th month from (y, m).
#[allow(clippy::too_many_arguments)]
fn relative(
    y: i32,
    m: u32,
    position: u8,
    weekday_wanted: u8,
    months: i64,
    start: i64,
    limit: &Limit,
    out: &mut Vec<i64>,
) {
    let wanted = i64::from(weekday_wanted);
    let mut ym = (y, m);
    let mut steps = 0;
    while steps < MAX_STEPS {
        steps += 1;
        let Some(first) = to_day(ym.0, ym.1, 1) else {
            break;
        };
        if !limit.more(first, out.len()) {
            break;
        }
        let date = if position >= 4 {
            let Some(last) = to_day(ym.0, ym.1, month_len(ym.0, ym.1)) else {
                break;
            };
            let cur = weekday(last);
            last - (cur - wanted).rem_euclid(7)
        } else {
            first + (wanted - weekday(first)).rem_euclid(7) + 7 * i64::from(position)
        };
        if date >= start {
            out.push(date);
            if !limit.more(date, out.len()) {
                break;
            }
        }
        let (dy, dm, _) = ymd(date);
        ym = add_months(dy, dm, months);
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> i64 {
        to_day(y, m, day).unwrap()
    }

    fn show(v: &[i64]) -> Vec<String> {
        v.iter()
            .map(|&x| {
                let (y, m, d) = ymd(x);
                format!("{y:04}-{m:02}-{d:02}")
            })
            .collect()
    }

    #[test]
    fn every_n_days_and_weekly() {
        let r = Recurrence::EveryNDays { period: 3 };
        assert_eq!(
            show(&dates(&r, d(2000, 2, 1), Some(d(2000, 2, 10)), None)),
            ["2000-02-01", "2000-02-04", "2000-02-07", "2000-02-10"]
        );
        // every 2nd week on Tuesday, 2001-01-02 is a Tuesday
        let r = Recurrence::Weekly {
            days_of_week: 0x04,
            period: 2,
        };
        assert_eq!(
            show(&dates(&r, d(2001, 1, 2), Some(d(2001, 2, 13)), None)),
            ["2001-01-02", "2001-01-16", "2001-01-30", "2001-02-13"]
        );
        // Monday and Friday starting on a Wednesday
        let r = Recurrence::Weekly {
            days_of_week: 0x22,
            period: 1,
        };
        assert_eq!(
            show(&dates(&r, d(2024, 1, 3), Some(d(2024, 1, 12)), None)),
            ["2024-01-05", "2024-01-08", "2024-01-12"]
        );
        // without a finish date the occurrence count limits
        assert_eq!(dates(&r, d(2024, 1, 3), None, Some(4)).len(), 4);
    }

    #[test]
    fn monthly_and_yearly() {
        let r = Recurrence::MonthlyByDay { day: 31, period: 1 };
        assert_eq!(
            show(&dates(&r, d(2001, 1, 31), Some(d(2001, 4, 1)), None)),
            ["2001-01-31", "2001-02-28", "2001-03-31", "2001-04-30"]
        );
        // last Friday of every month
        let r = Recurrence::MonthlyByWeekday {
            position: 4,
            weekday: 5,
            period: 1,
        };
        assert_eq!(
            show(&dates(&r, d(2024, 1, 1), Some(d(2024, 3, 1)), None)),
            ["2024-01-26", "2024-02-23", "2024-03-29"]
        );
        // second Monday
        let r = Recurrence::MonthlyByWeekday {
            position: 1,
            weekday: 1,
            period: 2,
        };
        assert_eq!(
            show(&dates(&r, d(2024, 1, 1), Some(d(2024, 5, 31)), None)),
            ["2024-01-08", "2024-03-11", "2024-05-13"]
        );
        let r = Recurrence::YearlyByDate { month: 2, day: 29 };
        assert_eq!(
            show(&dates(&r, d(2024, 3, 1), Some(d(2026, 12, 31)), None)),
            ["2025-02-28", "2026-02-28"]
        );
        // fourth Thursday of November
        let r = Recurrence::YearlyByWeekday {
            month: 11,
            position: 3,
            weekday: 4,
        };
        assert_eq!(
            show(&dates(&r, d(2023, 1, 1), Some(d(2024, 12, 31)), None)),
            ["2023-11-23", "2024-11-28"]
        );
    }

    #[test]
    fn expansion_priority_and_merge() {
        let weekly = Exc::new(
            Some("w".into()),
            d(2024, 1, 1),
            Some(d(2024, 1, 14)),
            Some(Recurrence::Weekly {
                days_of_week: 0x02,
                period: 1,
            }),
            Some(2),
            vec![],
        );
        let plain = Exc::new(
            Some("p".into()),
            d(2024, 1, 8),
            Some(d(2024, 1, 9)),
            None,
            None,
            vec![],
        );
        let all = expand_all(&[plain.clone(), weekly.clone()]);
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].to, Some(d(2024, 1, 9)));
        assert_eq!(weekly.first(), Some(d(2024, 1, 1)));
        // merging the weekly one into a calendar holding the plain range
        // keeps only the non-colliding occurrence
        let mut target = vec![plain];
        merge(&mut target, &[weekly]);
        assert_eq!(target.len(), 2);
        assert_eq!(target[1].rec, None);
        assert_eq!(target[1].from, d(2024, 1, 1));
    }

    #[test]
    fn odd_parameters_stay_bounded() {
        let start = d(2020, 5, 17);
        let recs = [
            Recurrence::Weekly {
                days_of_week: 0,
                period: 0,
            },
            Recurrence::MonthlyByDay { day: 0, period: 0 },
            Recurrence::MonthlyByWeekday {
                position: 200,
                weekday: 6,
                period: 0,
            },
            Recurrence::YearlyByDate { month: 13, day: 40 },
            Recurrence::YearlyByWeekday {
                month: 0,
                position: 9,
                weekday: 3,
            },
            Recurrence::EveryNDays { period: 0 },
        ];
        for r in &recs {
            for finish in [None, Some(start - 10), Some(d(2200, 1, 1))] {
                let v = dates(r, start, finish, Some(u16::MAX));
                assert!(v.len() <= MAX_STEPS);
            }
        }
    }

    #[test]
    fn work_weeks_become_weekly_exceptions() {
        let mut days: [Option<mpp_core::CalendarDay>; 7] = Default::default();
        days[1] = Some(mpp_core::CalendarDay::default());
        let week = WorkWeek {
            name: None,
            from: DateTime::new(2024, 1, 1, 0, 0, 0),
            to: DateTime::new(2024, 1, 14, 0, 0, 0),
            days,
        };
        let ex = week_exceptions(&week);
        assert_eq!(ex.len(), 1);
        assert_eq!(show(&ex[0].dates), ["2024-01-01", "2024-01-08"]);
    }
}
