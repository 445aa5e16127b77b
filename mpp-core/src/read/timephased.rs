//! Timephased work of assignments (MPP9, MPP12, MPP14 var data): the runs of
//! remaining and actual work, placed in time on the assignment's calendar.
//!
//! The blobs store no dates, only cumulative amounts at the end of each run:
//! work in thousandths of a minute and working time in 80ths of a minute.
//! A run's dates come from walking the calendar: the first run starts at the
//! assignment start (remaining work: at the resume date once actual work
//! exists), each run lasts its share of working time, and the next one
//! starts at the next working instant.
//!
//! | key | blob | layout |
//! |---|---|---|
//! | 49 | remaining work | 16-byte header (u16@0 = run count), a 28-byte summary (f64@16 total work), then 28-byte runs: f64@0 cumulative work, i32@24 cumulative working time |
//! | 50 | actual work | 16-byte header (u16@0 = run count, i32@24 total working time), 20-byte runs from 36: f64@0 cumulative work, i32@16 cumulative working time |
//! | 87 | actual work outside working time | 16-byte header (u16@0 = count), 8-byte records from 16: two 4-byte timestamps (from, to) |
//!
//! The working time of actual runs includes the spans of key 87: Project
//! counts work recorded outside the calendar (over lunch, before the day
//! starts) as elapsed time, so the walk treats those spans as working (in
//! the corpus the runs then end at the assignment's stop date, as the
//! others do).
//!
//! The calendar is the assignment's (`worktime::assignment_calendar`, the
//! rule MPXJ follows too). A manually scheduled task's assignment also
//! works outside the hours of its first and last days (see `manual_spans`).
//! Overtime has blobs of its own (actual overtime: key 51), not read here.
//!
//! Blobs are file data: every read is checked, counts are bounded by the
//! bytes present, and a damaged blob ends the runs decoded so far (an empty
//! set at worst), never the read.

use crate::bytes::{f64_at, i32_at, u16_at};
use crate::model::{DateTime, Timephased, WorkPeriod};
use crate::worktime::{CalendarRef, WorkTime};

/// Var-data field index of the actual work done outside working time.
pub const IRREGULAR_WORK: u32 = 87;

const REMAINING_HEADER: usize = 16;
/// The summary record that follows the remaining-work header.
const REMAINING_SUMMARY: usize = 28;
const REMAINING_RUN: usize = 28;
const ACTUAL_FIRST_RUN: usize = 36;
const ACTUAL_RUN: usize = 20;
const IRREGULAR_HEADER: usize = 16;
const IRREGULAR_RECORD: usize = 8;

/// Thousandths of a minute per hour (stored work).
const WORK_PER_HOUR: f64 = 60_000.0;

/// One stored run: work and working time, both cumulative at its end.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Run {
    /// Thousandths of a minute.
    work: f64,
    /// 80ths of a minute.
    elapsed: i64,
}

/// What the remaining-work blob holds.
#[derive(Debug, PartialEq)]
enum Remaining {
    /// No runs: the total (thousandths of a minute) spread evenly from the
    /// start (or resume) to the finish.
    Flat(f64),
    Runs(Vec<Run>),
}

/// The assignment dates the placement needs.
#[derive(Debug, Clone, Copy)]
pub struct Dates {
    pub start: Option<DateTime>,
    pub finish: Option<DateTime>,
    pub resume: Option<DateTime>,
    pub actual_finish: Option<DateTime>,
    /// The task is manually scheduled: its assignment may start before
    /// or finish after the working hours of its first or last day.
    pub manual: bool,
}

/// The raw blobs of one assignment (absent = not stored).
#[derive(Debug, Clone, Copy, Default)]
pub struct Blobs<'a> {
    pub remaining: Option<&'a [u8]>,
    pub actual: Option<&'a [u8]>,
    pub irregular: Option<&'a [u8]>,
}

/// The decoded blobs of one assignment, not yet placed in time.
#[derive(Debug, Default)]
pub struct Stored {
    remaining: Option<Remaining>,
    actual: Vec<Run>,
    irregular: Vec<(DateTime, DateTime)>,
}

impl Stored {
    pub fn parse(blobs: Blobs<'_>) -> Stored {
        let actual = blobs.actual.map_or_else(Vec::new, actual_runs);
        Stored {
            remaining: blobs.remaining.and_then(remaining_runs),
            irregular: match blobs.irregular {
                Some(b) if !actual.is_empty() => irregular_ranges(b),
                _ => Vec::new(),
            },
            actual,
        }
    }

    /// Whether placing the runs walks a calendar (a flat remaining run
    /// only needs the assignment's dates, and most assignments are flat).
    pub fn needs_calendar(&self) -> bool {
        !self.actual.is_empty()
            || matches!(&self.remaining, Some(Remaining::Runs(r)) if !r.is_empty())
    }

    /// Places the runs in time; runs that need a calendar are left out
    /// without one.
    pub fn place(&self, on: Option<(&WorkTime<'_>, CalendarRef)>, dates: Dates) -> Timephased {
        let outside = match on {
            Some((wt, cal)) if dates.manual => manual_spans(wt, cal, dates),
            _ => Vec::new(),
        };
        let actual = match on {
            Some((wt, cal)) => {
                let mut extra = self.irregular.clone();
                extra.extend_from_slice(&outside);
                place_actual(wt, cal, dates, &self.actual, &extra)
            }
            None => Vec::new(),
        };
        let remaining = self.remaining.as_ref().map_or_else(Vec::new, |r| {
            // Remaining work picks up where the actual work stopped.
            let from = if actual.is_empty() {
                dates.start
            } else {
                dates.resume.or(dates.start)
            };
            place_remaining(on, from, dates.finish, r, &outside)
        });
        Timephased { remaining, actual }
    }
}

/// A manually scheduled assignment is worked from its start and up to its
/// finish whatever the calendar says about those two days (Project
/// schedules the days between as usual). Its first and last days' working
/// hours, as extra spans:
/// * a non-working day takes the hours of the first working week day,
///   looking from Tuesday on;
/// * on the first day, work begins at the start: earlier than the first
///   period (which then begins there), or after the last one (the rest of
///   the day is then the only working time);
/// * on the last day, work ends at the finish: before the first period
///   (the day then works from midnight to the finish), or after the last
///   one (which then ends there).
fn manual_spans(wt: &WorkTime<'_>, cal: CalendarRef, dates: Dates) -> Vec<(DateTime, DateTime)> {
    let (Some(start), Some(finish)) = (dates.start, dates.finish) else {
        return Vec::new();
    };
    let hours = |day: i64| {
        let periods = wt.day(cal, day);
        if !periods.is_empty() {
            return periods.to_vec();
        }
        // Days of the week after `day`, Tuesday first (0 = Sunday).
        let weekday = i64::from(DateTime::from_secs(day.saturating_mul(86_400)).weekday());
        [2i64, 3, 4, 5, 6, 0, 1]
            .iter()
            .map(|&w| day + 1 + (w - weekday - 1).rem_euclid(7))
            .map(|d| wt.day(cal, d))
            .find(|p| !p.is_empty())
            .map(|p| p.to_vec())
            .unwrap_or_default()
    };
    let mut days = vec![(start.days(), hours(start.days()))];
    if finish.days() != start.days() {
        days.push((finish.days(), hours(finish.days())));
    }
    let mut out = Vec::new();
    for (day, mut periods) in days {
        if day == start.days() {
            let t = start.time_of_day();
            let last_end = periods.last().map(|p| p.1);
            match periods.first_mut() {
                Some(first) if t < first.0 => first.0 = t,
                _ if last_end.is_some_and(|e| t > e) => periods = vec![(t, 86_400)],
                _ => {}
            }
        }
        if day == finish.days() {
            let t = finish.time_of_day();
            let first_start = periods.first().map(|p| p.0);
            match periods.last_mut() {
                _ if first_start.is_some_and(|s| t < s) => periods = vec![(0, t)],
                Some(last) if t > last.1 => last.1 = t,
                _ => {}
            }
        }
        let midnight = DateTime::from_secs(day.saturating_mul(86_400));
        out.extend(
            periods
                .into_iter()
                .map(|(a, b)| (midnight.add_secs(a), midnight.add_secs(b))),
        );
    }
    out
}

/// Decodes and places the timephased work of one assignment on `cal`.
#[cfg(test)]
fn decode(wt: &WorkTime<'_>, cal: CalendarRef, dates: Dates, blobs: Blobs<'_>) -> Timephased {
    Stored::parse(blobs).place(Some((wt, cal)), dates)
}

/// The remaining-work runs; `None` when the blob is too short to hold its
/// header and summary.
fn remaining_runs(blob: &[u8]) -> Option<Remaining> {
    let count = usize::from(u16_at(blob, 0)?);
    if count == 0 {
        // Project leaves stale runs after the summary when it flattens an
        // assignment: the count, not the bytes, says whether they apply.
        return f64_at(blob, 16).map(Remaining::Flat);
    }
    let first = REMAINING_HEADER + REMAINING_SUMMARY;
    let runs = (0..count)
        .map_while(|k| {
            let off = k.checked_mul(REMAINING_RUN)?.checked_add(first)?;
            Some(Run {
                work: f64_at(blob, off)?,
                elapsed: i64::from(i32_at(blob, off.checked_add(24)?)?),
            })
        })
        .collect();
    Some(Remaining::Runs(runs))
}

/// The actual-work runs, up to the first run whose working time is not
/// within the total the header states (the rest would be misplaced).
fn actual_runs(blob: &[u8]) -> Vec<Run> {
    let count = usize::from(u16_at(blob, 0).unwrap_or(0));
    let Some(limit) = i32_at(blob, 24).map(i64::from) else {
        return Vec::new();
    };
    (0..count)
        .map_while(|k| {
            let off = k.checked_mul(ACTUAL_RUN)?.checked_add(ACTUAL_FIRST_RUN)?;
            Some(Run {
                work: f64_at(blob, off)?,
                elapsed: i64::from(i32_at(blob, off.checked_add(16)?)?),
            })
        })
        .take_while(|r| (0..=limit).contains(&r.elapsed))
        .collect()
}

/// Stretches of actual work done outside working time.
fn irregular_ranges(blob: &[u8]) -> Vec<(DateTime, DateTime)> {
    let count = usize::from(u16_at(blob, 0).unwrap_or(0));
    (0..count)
        .map_while(|k| {
            let off = k
                .checked_mul(IRREGULAR_RECORD)?
                .checked_add(IRREGULAR_HEADER)?;
            let from = DateTime::from_timestamp(blob, off)?;
            let to = DateTime::from_timestamp(blob, off.checked_add(4)?)?;
            Some((from, to))
        })
        .filter(|(from, to)| from < to)
        .collect()
}

/// Seconds of 80ths of a minute, rounded to the nearest second.
fn seconds(eightieths: i64) -> i64 {
    (eightieths.saturating_mul(3).saturating_add(2)).div_euclid(4)
}

/// The first working instant at or after `t` (`t` itself inside working
/// time), `extra` counting as working time.
fn next_work_start(
    wt: &WorkTime<'_>,
    cal: CalendarRef,
    t: DateTime,
    extra: &[(DateTime, DateTime)],
) -> Option<DateTime> {
    // The end of the first working second after `t`, one second back.
    wt.add_with(cal, t, 1, extra).map(|d| d.add_secs(-1))
}

/// Lays `runs` end to end on the calendar from `from`: each run lasts its
/// share of working time and the next starts at the next working instant.
/// Stops at the first run that cannot be placed (work or time going
/// backwards, or the calendar running out of working time).
fn place_runs(
    wt: &WorkTime<'_>,
    cal: CalendarRef,
    from: DateTime,
    runs: &[Run],
    extra: &[(DateTime, DateTime)],
    mut last_finish: impl FnMut(usize) -> Option<DateTime>,
) -> Vec<WorkPeriod> {
    let mut out = Vec::new();
    let (mut start, mut work, mut secs) = (from, 0.0, 0i64);
    for (k, run) in runs.iter().enumerate() {
        let run_secs = seconds(run.elapsed);
        let span = run_secs.saturating_sub(secs);
        // Cumulative amounts never go back: a run that does is damage.
        if span < 0 || !run.work.is_finite() || run.work < work {
            break;
        }
        let finish = match last_finish(k) {
            Some(f) => f,
            None => match wt.add_with(cal, start, span, extra) {
                Some(f) => f,
                None => break,
            },
        };
        out.push(WorkPeriod {
            start,
            finish,
            work: (run.work - work) / WORK_PER_HOUR,
        });
        (work, secs) = (run.work, run_secs);
        if k + 1 == runs.len() {
            break;
        }
        match next_work_start(wt, cal, finish, extra) {
            Some(next) => start = next,
            None => break,
        }
    }
    out
}

fn place_actual(
    wt: &WorkTime<'_>,
    cal: CalendarRef,
    dates: Dates,
    runs: &[Run],
    extra: &[(DateTime, DateTime)],
) -> Vec<WorkPeriod> {
    let Some(start) = dates.start else {
        return Vec::new();
    };
    // A finished assignment's last run ends at its actual finish, which
    // the stored working time may not reach (work outside working time).
    let last = runs.len().checked_sub(1);
    let mut out = place_runs(wt, cal, start, runs, extra, |k| {
        dates.actual_finish.filter(|_| Some(k) == last)
    });
    if let (Some(p), Some(finish)) = (out.last_mut(), dates.finish) {
        if p.finish > finish {
            p.finish = finish;
        }
    }
    out.retain(|p| p.start < p.finish);
    out
}

fn place_remaining(
    on: Option<(&WorkTime<'_>, CalendarRef)>,
    from: Option<DateTime>,
    finish: Option<DateTime>,
    remaining: &Remaining,
    extra: &[(DateTime, DateTime)],
) -> Vec<WorkPeriod> {
    let Some(from) = from else {
        return Vec::new();
    };
    let mut out = match (remaining, on) {
        (&Remaining::Flat(total), _) => match finish {
            // A zero total is no run at all (nor is a damaged one).
            Some(finish) if total > 0.0 && total.is_finite() => vec![WorkPeriod {
                start: from,
                finish,
                work: total / WORK_PER_HOUR,
            }],
            _ => Vec::new(),
        },
        (Remaining::Runs(runs), Some((wt, cal))) => {
            place_runs(wt, cal, from, runs, extra, |_| None)
        }
        (Remaining::Runs(_), None) => Vec::new(),
    };
    // Runs of neither work nor time are padding.
    out.retain(|p| p.start < p.finish);
    out
}

/// The decoders on arbitrary bytes, for the fuzz hooks: a count of runs.
pub fn fuzz_decode(data: &[u8]) -> usize {
    let remaining = match remaining_runs(data) {
        Some(Remaining::Runs(r)) => r.len(),
        Some(Remaining::Flat(_)) => 1,
        None => 0,
    };
    remaining + actual_runs(data).len() + irregular_ranges(data).len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Calendar;
    use crate::model::TimeFactors;
    use crate::worktime::tests::standard;

    fn dt(d: u32, h: u32, m: u32) -> DateTime {
        // March 2024: the 4th is a Monday.
        DateTime::new(2024, 3, d, h, m, 0).unwrap()
    }

    fn hours(h: f64) -> f64 {
        h * WORK_PER_HOUR
    }

    /// 80ths of a minute in `h` working hours.
    fn elapsed(h: f64) -> i32 {
        (h * 60.0 * 80.0) as i32
    }

    /// A remaining-work blob: header, summary (total work), then runs of
    /// (cumulative hours of work, cumulative working hours).
    fn remaining_blob(count: u16, total: f64, runs: &[(f64, f64)]) -> Vec<u8> {
        let mut b = vec![0u8; REMAINING_HEADER + REMAINING_SUMMARY];
        b[0..2].copy_from_slice(&count.to_le_bytes());
        b[16..24].copy_from_slice(&hours(total).to_le_bytes());
        for &(w, e) in runs {
            let mut r = vec![0u8; REMAINING_RUN];
            r[0..8].copy_from_slice(&hours(w).to_le_bytes());
            r[8..16].copy_from_slice(&160_000f64.to_le_bytes());
            r[24..28].copy_from_slice(&elapsed(e).to_le_bytes());
            b.extend(r);
        }
        b
    }

    /// An actual-work blob with runs of (cumulative work, cumulative working hours).
    fn actual_blob(runs: &[(f64, f64)]) -> Vec<u8> {
        let mut b = vec![0u8; ACTUAL_FIRST_RUN];
        b[0..2].copy_from_slice(&u16::try_from(runs.len()).unwrap().to_le_bytes());
        let total = runs.last().map_or(0, |r| elapsed(r.1));
        b[24..28].copy_from_slice(&total.to_le_bytes());
        for &(w, e) in runs {
            let mut r = vec![0u8; ACTUAL_RUN];
            r[0..8].copy_from_slice(&hours(w).to_le_bytes());
            r[8..16].copy_from_slice(&10_000f64.to_le_bytes());
            r[16..20].copy_from_slice(&elapsed(e).to_le_bytes());
            b.extend(r);
        }
        b
    }

    fn wp(start: DateTime, finish: DateTime, work: f64) -> WorkPeriod {
        WorkPeriod {
            start,
            finish,
            work,
        }
    }

    fn calendars() -> Vec<Calendar> {
        vec![standard(1)]
    }

    fn dates(start: DateTime, finish: DateTime) -> Dates {
        Dates {
            start: Some(start),
            finish: Some(finish),
            resume: None,
            actual_finish: None,
            manual: false,
        }
    }

    #[test]
    fn flat_remaining_work_is_one_run_to_the_finish() {
        let cals = calendars();
        let wt = WorkTime::new(&cals, TimeFactors::default());
        // Stale runs after the summary do not count when the count is 0.
        let blob = remaining_blob(0, 80.0, &[(80.0, 80.0), (80.0, 80.0)]);
        let tp = decode(
            &wt,
            CalendarRef::One(1),
            dates(dt(4, 8, 0), dt(15, 17, 0)),
            Blobs {
                remaining: Some(&blob),
                ..Blobs::default()
            },
        );
        assert_eq!(tp.remaining, vec![wp(dt(4, 8, 0), dt(15, 17, 0), 80.0)]);
        assert!(tp.actual.is_empty());
        // A zero total is nothing to do.
        let blob = remaining_blob(0, 0.0, &[]);
        let tp = decode(
            &wt,
            CalendarRef::One(1),
            dates(dt(4, 8, 0), dt(15, 17, 0)),
            Blobs {
                remaining: Some(&blob),
                ..Blobs::default()
            },
        );
        assert!(tp.is_empty());
    }

    #[test]
    fn runs_are_laid_on_the_calendar() {
        let cals = calendars();
        let wt = WorkTime::new(&cals, TimeFactors::default());
        // 12 h in 12 working hours, then 8 h of nothing, then 6 h in 12 hours.
        let blob = remaining_blob(3, 18.0, &[(12.0, 12.0), (12.0, 20.0), (18.0, 32.0)]);
        let tp = decode(
            &wt,
            CalendarRef::One(1),
            dates(dt(4, 8, 0), dt(7, 17, 0)),
            Blobs {
                remaining: Some(&blob),
                ..Blobs::default()
            },
        );
        assert_eq!(
            tp.remaining,
            vec![
                // Monday 8:00 + 12 working hours: Tuesday 12:00 (lunch skipped).
                wp(dt(4, 8, 0), dt(5, 12, 0), 12.0),
                // The gap starts after lunch.
                wp(dt(5, 13, 0), dt(6, 12, 0), 0.0),
                wp(dt(6, 13, 0), dt(7, 17, 0), 6.0),
            ]
        );
        // Over a weekend: Friday 13:00 + 8 h ends Monday 12:00.
        let blob = remaining_blob(1, 8.0, &[(8.0, 8.0)]);
        let tp = decode(
            &wt,
            CalendarRef::One(1),
            dates(dt(8, 13, 0), dt(11, 12, 0)),
            Blobs {
                remaining: Some(&blob),
                ..Blobs::default()
            },
        );
        assert_eq!(tp.remaining, vec![wp(dt(8, 13, 0), dt(11, 12, 0), 8.0)]);
    }

    #[test]
    fn actual_work_comes_first_and_remaining_resumes() {
        let cals = calendars();
        let wt = WorkTime::new(&cals, TimeFactors::default());
        let actual = actual_blob(&[(20.0, 20.0)]);
        let remaining = remaining_blob(0, 60.0, &[]);
        let d = Dates {
            resume: Some(dt(6, 13, 0)),
            ..dates(dt(4, 8, 0), dt(15, 17, 0))
        };
        let tp = decode(
            &wt,
            CalendarRef::One(1),
            d,
            Blobs {
                remaining: Some(&remaining),
                actual: Some(&actual),
                irregular: None,
            },
        );
        assert_eq!(tp.actual, vec![wp(dt(4, 8, 0), dt(6, 12, 0), 20.0)]);
        assert_eq!(tp.remaining, vec![wp(dt(6, 13, 0), dt(15, 17, 0), 60.0)]);
        // A finished assignment's last run ends at its actual finish.
        let d = Dates {
            actual_finish: Some(dt(6, 15, 0)),
            ..d
        };
        let tp = decode(
            &wt,
            CalendarRef::One(1),
            d,
            Blobs {
                actual: Some(&actual),
                ..Blobs::default()
            },
        );
        assert_eq!(tp.actual, vec![wp(dt(4, 8, 0), dt(6, 15, 0), 20.0)]);
    }

    #[test]
    fn actual_runs_stop_at_the_stated_total() {
        let mut blob = actual_blob(&[(4.0, 4.0), (8.0, 8.0)]);
        // The total now covers the first run only.
        blob[24..28].copy_from_slice(&elapsed(4.0).to_le_bytes());
        assert_eq!(
            actual_runs(&blob),
            vec![Run {
                work: hours(4.0),
                elapsed: i64::from(elapsed(4.0))
            }]
        );
    }

    /// An irregular-work blob of (day of March 2024, from hour, to hour) spans.
    fn irregular_blob(spans: &[(u16, u16, u16)]) -> Vec<u8> {
        let mut b = vec![0u8; IRREGULAR_HEADER];
        b[0..2].copy_from_slice(&u16::try_from(spans.len()).unwrap().to_le_bytes());
        for &(day, from, to) in spans {
            // 2024-03-01 is day 14671 since 1983-12-31; times in tenths of a minute.
            for h in [from, to] {
                b.extend((h * 600).to_le_bytes());
                b.extend((14670 + day).to_le_bytes());
            }
        }
        b
    }

    #[test]
    fn work_outside_working_time_counts_as_working_time() {
        let cals = calendars();
        let wt = WorkTime::new(&cals, TimeFactors::default());
        let place = |start: DateTime, runs: &[(f64, f64)], spans: &[(u16, u16, u16)]| {
            let (actual, irregular) = (actual_blob(runs), irregular_blob(spans));
            decode(
                &wt,
                CalendarRef::One(1),
                dates(start, dt(8, 17, 0)),
                Blobs {
                    actual: Some(&actual),
                    irregular: Some(&irregular),
                    remaining: None,
                },
            )
            .actual
        };
        // Worked through lunch: 1 h, an hour of nothing, then 3 h from 12:00.
        assert_eq!(
            place(
                dt(4, 10, 0),
                &[(1.0, 1.0), (1.0, 2.0), (4.0, 5.0)],
                &[(4, 12, 13)]
            ),
            vec![
                wp(dt(4, 10, 0), dt(4, 11, 0), 1.0),
                wp(dt(4, 11, 0), dt(4, 12, 0), 0.0),
                wp(dt(4, 12, 0), dt(4, 15, 0), 3.0),
            ]
        );
        // Started an hour before the working day: 20 h end Wednesday 11:00.
        assert_eq!(
            place(dt(4, 7, 0), &[(20.0, 20.0)], &[(4, 7, 8)]),
            vec![wp(dt(4, 7, 0), dt(6, 11, 0), 20.0)]
        );
        // Without the spans the same runs follow the calendar.
        assert_eq!(
            place(dt(4, 7, 0), &[(20.0, 20.0)], &[]),
            vec![wp(dt(4, 7, 0), dt(6, 12, 0), 20.0)]
        );
    }

    #[test]
    fn hostile_blobs_stay_bounded() {
        let cals = calendars();
        let wt = WorkTime::new(&cals, TimeFactors::default());
        // One run of 18 years of working time, and 2000 spans to look at
        // on each day walked: the calendar budget ends the walk, no run.
        let mut actual = actual_blob(&[(1.0, 1.0)]);
        actual[24..28].copy_from_slice(&i32::MAX.to_le_bytes());
        actual[52..56].copy_from_slice(&i32::MAX.to_le_bytes());
        let spans: Vec<(u16, u16, u16)> = (0..2000).map(|k| (4 + k % 20, 20, 21)).collect();
        let irregular = irregular_blob(&spans);
        let tp = decode(
            &wt,
            CalendarRef::One(1),
            dates(dt(4, 8, 0), dt(15, 17, 0)),
            Blobs {
                actual: Some(&actual),
                irregular: Some(&irregular),
                remaining: None,
            },
        );
        assert!(tp.actual.is_empty());
        // The budget is spent for this file: nothing more is placed.
        let blob = remaining_blob(1, 8.0, &[(8.0, 8.0)]);
        let tp = decode(
            &wt,
            CalendarRef::One(1),
            dates(dt(4, 8, 0), dt(15, 17, 0)),
            Blobs {
                remaining: Some(&blob),
                ..Blobs::default()
            },
        );
        assert!(tp.is_empty());
    }

    #[test]
    fn manual_tasks_work_outside_the_first_and_last_days_hours() {
        let cals = calendars();
        let wt = WorkTime::new(&cals, TimeFactors::default());
        let place = |start: DateTime, finish: DateTime, runs: &[(f64, f64)], manual: bool| {
            let blob = remaining_blob(u16::try_from(runs.len()).unwrap(), 0.0, runs);
            let d = Dates {
                manual,
                ..dates(start, finish)
            };
            decode(
                &wt,
                CalendarRef::One(1),
                d,
                Blobs {
                    remaining: Some(&blob),
                    ..Blobs::default()
                },
            )
            .remaining
        };
        // Starting on a Sunday: that day has Tuesday's hours.
        assert_eq!(
            place(dt(3, 8, 0), dt(5, 10, 0), &[(2.0, 2.0), (18.0, 18.0)], true),
            vec![
                wp(dt(3, 8, 0), dt(3, 10, 0), 2.0),
                wp(dt(3, 10, 0), dt(5, 10, 0), 16.0),
            ]
        );
        // Starting after the day's hours: the rest of that day works, and
        // finishing before the last day's hours: that day works from midnight.
        assert_eq!(
            place(dt(4, 20, 0), dt(6, 6, 0), &[(16.0, 16.0)], true),
            vec![wp(dt(4, 20, 0), dt(6, 4, 0), 16.0)]
        );
        // Automatically scheduled, the same run waits for working time.
        assert_eq!(
            place(dt(4, 20, 0), dt(6, 6, 0), &[(16.0, 16.0)], false),
            vec![wp(dt(4, 20, 0), dt(6, 17, 0), 16.0)]
        );
    }

    #[test]
    fn damaged_blobs_give_what_is_readable() {
        let cals = calendars();
        let wt = WorkTime::new(&cals, TimeFactors::default());
        let d = dates(dt(4, 8, 0), dt(15, 17, 0));
        let on = |remaining: &[u8], actual: &[u8]| {
            decode(
                &wt,
                CalendarRef::One(1),
                d,
                Blobs {
                    remaining: Some(remaining),
                    actual: Some(actual),
                    irregular: Some(actual),
                },
            )
        };
        // Empty, truncated and garbage blobs: nothing, no error.
        assert!(on(&[], &[]).is_empty());
        assert!(on(&[3, 0, 1], &[9, 0, 0, 0]).is_empty());
        let garbage: Vec<u8> = (0..200u8).map(|b| b.wrapping_mul(37)).collect();
        let tp = on(&garbage, &garbage);
        assert!(tp
            .remaining
            .iter()
            .chain(&tp.actual)
            .all(|p| p.start < p.finish));
        // A count beyond the bytes keeps the runs present.
        let mut blob = remaining_blob(1, 8.0, &[(8.0, 8.0)]);
        blob[0] = 0xFF;
        blob[1] = 0xFF;
        assert_eq!(
            on(&blob, &[]).remaining,
            vec![wp(dt(4, 8, 0), dt(4, 17, 0), 8.0)]
        );
        // Working time or work going backwards ends the runs.
        let blob = remaining_blob(2, 8.0, &[(8.0, 8.0), (9.0, 4.0)]);
        assert_eq!(on(&blob, &[]).remaining.len(), 1);
        let blob = remaining_blob(2, 8.0, &[(8.0, 8.0), (7.0, 16.0)]);
        assert_eq!(on(&blob, &[]).remaining.len(), 1);
        // An unknown calendar places nothing.
        let tp = decode(
            &wt,
            CalendarRef::One(99),
            d,
            Blobs {
                remaining: Some(&remaining_blob(1, 8.0, &[(8.0, 8.0)])),
                ..Blobs::default()
            },
        );
        assert!(tp.is_empty());
        // The fuzz hook reads any bytes.
        assert_eq!(fuzz_decode(&[]), 0);
        assert!(fuzz_decode(&garbage) < garbage.len());
    }
}
