//! Calendars (`TBkndCal`, 36-byte records): uid i32@0, base calendar uid
//! i32@4 (> 0 = derived), name reference @20, extended data @32 whose key 8
//! references the week: u16@0 exception count, seven 40-byte day blocks
//! from 4 (Sunday first: u16@0 = 1 "default day", u16@2 period count,
//! starts u16@8+2i, lengths u16@16+4i in tenths of a minute), then 44-byte
//! exceptions (from date @0, to date @2, period count @6, starts @12+2i,
//! lengths @20+4i).

use crate::bytes::{i32_at, slice, u16_at};
use crate::container::Container;
use crate::error::Result;
use crate::model::{
    Calendar, CalendarDay, CalendarException, DateTime, Project, Recurrence, TimeOfDay, WorkingTime,
};

use super::blocks::ExtendedData;
use super::{storage, CALENDAR_SIZE};

const WEEK_KEY: u32 = 8;
const DAY_SIZE: usize = 40;
const EXCEPTION_SIZE: usize = 44;
const EXCEPTIONS_AT: usize = 4 + 7 * DAY_SIZE;
/// Periods a day or exception block has room for.
const MAX_PERIODS: usize = 4;

/// Project's default week: Monday to Friday, 8:00-12:00 and 13:00-17:00.
fn default_day(weekday: usize) -> CalendarDay {
    let working = (1..=5).contains(&weekday);
    CalendarDay {
        working,
        hours: if working {
            vec![period(8 * 3600, 12 * 3600), period(13 * 3600, 17 * 3600)]
        } else {
            Vec::new()
        },
    }
}

fn period(from: u32, to: u32) -> WorkingTime {
    WorkingTime {
        from: TimeOfDay(from),
        to: TimeOfDay(to),
    }
}

/// Working periods: start times (tenths of a minute since midnight, kept to
/// whole minutes) at `starts`, lengths (tenths of a minute) every 4 bytes at
/// `lengths`.
fn periods(data: &[u8], count: usize, starts: usize, lengths: usize) -> Vec<WorkingTime> {
    (0..count.min(MAX_PERIODS))
        .filter_map(|i| {
            let start = u32::from(u16_at(data, starts + 2 * i)?);
            let length = u32::from(u16_at(data, lengths + 4 * i)?);
            let from = (start / 10) * 60 % 86_400;
            let to = from + length * 6;
            // An end past midnight wraps like a clock; exactly midnight ends the day.
            let to = if to > 86_400 { to % 86_400 } else { to };
            Some(period(from, to))
        })
        .collect()
}

/// Week days and exceptions from the week item.
fn apply_week(cal: &mut Calendar, week: &[u8]) {
    for (i, slot) in cal.days.iter_mut().enumerate() {
        let at = 4 + DAY_SIZE * i;
        let Some(block) = slice(week, at, DAY_SIZE).or_else(|| week.get(at..)) else {
            continue;
        };
        if u16_at(block, 0) == Some(1) {
            *slot = Some(default_day(i));
            continue;
        }
        let count = usize::from(u16_at(block, 2).unwrap_or(0));
        *slot = Some(CalendarDay {
            working: count != 0,
            hours: periods(block, count, 8, 16),
        });
    }
    let count = usize::from(u16_at(week, 0).unwrap_or(0));
    let room = week.len().saturating_sub(EXCEPTIONS_AT) / EXCEPTION_SIZE;
    for k in 0..count.min(room) {
        let at = EXCEPTIONS_AT + k * EXCEPTION_SIZE;
        let Some(block) = slice(week, at, EXCEPTION_SIZE) else {
            break;
        };
        let (Some(from), Some(to)) = (DateTime::from_date(block, 0), DateTime::from_date(block, 2))
        else {
            continue;
        };
        let n = usize::from(u16_at(block, 6).unwrap_or(0));
        cal.exceptions.push(CalendarException {
            name: None,
            from,
            to,
            occurrences: None,
            recurrence: Recurrence::Daily,
            working: n != 0,
            hours: periods(block, n, 12, 20),
        });
    }
}

pub fn read(c: &mut Container<'_>, project: &mut Project) -> Result<()> {
    let (fixed, var) = storage(c, "TBkndCal", CALENDAR_SIZE)?;
    let mut out: Vec<Calendar> = Vec::new();
    for rec in fixed.records() {
        let Some(uid) = i32_at(rec, 0).filter(|&u| u >= 0) else {
            continue;
        };
        let base = i32_at(rec, 4).filter(|&b| b > 0);
        let mut cal = Calendar {
            uid,
            base_uid: base,
            ..Calendar::default()
        };
        if base.is_none() {
            cal.name = var
                .string(i32_at(rec, 20).unwrap_or(-1))
                .filter(|s| !s.is_empty());
        }
        let ext = ExtendedData::read(&var, i32_at(rec, 32).unwrap_or(-1));
        match ext.item(WEEK_KEY, &var) {
            Some(week) => apply_week(&mut cal, &week),
            // No week: a base calendar is Project's default week, a derived
            // one inherits every day.
            None if base.is_none() => {
                for (i, slot) in cal.days.iter_mut().enumerate() {
                    *slot = Some(default_day(i));
                }
            }
            None => {}
        }
        out.push(cal);
    }
    // The default calendar is named in the properties; else the first base one.
    let wanted = project.properties.default_calendar_name.clone();
    let default = out
        .iter()
        .find(|c| c.name.is_some() && c.name == wanted)
        .or_else(|| out.iter().find(|c| c.is_base()))
        .map(|c| c.uid);
    project.properties.default_calendar_uid = default;
    project.calendars = out;
    Ok(())
}

/// Fuzzing entry: the week and exception decoder on arbitrary bytes.
pub(crate) fn fuzz_decode(data: &[u8]) -> usize {
    let mut cal = Calendar::default();
    apply_week(&mut cal, data);
    cal.exceptions.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week() -> Vec<u8> {
        let mut w = vec![0u8; EXCEPTIONS_AT + EXCEPTION_SIZE];
        w[0..2].copy_from_slice(&1u16.to_le_bytes());
        for d in 0..7 {
            w[4 + DAY_SIZE * d..6 + DAY_SIZE * d].copy_from_slice(&1u16.to_le_bytes());
        }
        // Saturday (6): one period 9:00 for 3 hours
        let sat = 4 + DAY_SIZE * 6;
        w[sat..sat + 2].copy_from_slice(&0u16.to_le_bytes());
        w[sat + 2..sat + 4].copy_from_slice(&1u16.to_le_bytes());
        w[sat + 8..sat + 10].copy_from_slice(&5400u16.to_le_bytes());
        w[sat + 16..sat + 18].copy_from_slice(&1800u16.to_le_bytes());
        // Monday (1): explicitly non-working
        let mon = 4 + DAY_SIZE;
        w[mon..mon + 2].copy_from_slice(&0u16.to_le_bytes());
        // one non-working exception over days 8000..8002
        let e = EXCEPTIONS_AT;
        w[e..e + 2].copy_from_slice(&8000u16.to_le_bytes());
        w[e + 2..e + 4].copy_from_slice(&8002u16.to_le_bytes());
        w
    }

    #[test]
    fn week_blocks_and_exceptions() {
        let mut cal = Calendar::default();
        apply_week(&mut cal, &week());
        let sat = cal.days[6].clone().unwrap();
        assert!(sat.working);
        assert_eq!(sat.hours, vec![period(9 * 3600, 12 * 3600)]);
        assert!(!cal.days[1].clone().unwrap().working);
        assert_eq!(cal.days[2].clone().unwrap(), default_day(2));
        assert!(!cal.days[0].clone().unwrap().working);
        assert_eq!(cal.exceptions.len(), 1);
        let e = &cal.exceptions[0];
        assert!(!e.working);
        assert_eq!(e.from.to_string(), "2005-11-25T00:00:00");
        assert_eq!((e.to.days() - e.from.days()), 2);
    }

    #[test]
    fn short_weeks_and_absurd_counts_are_bounded() {
        let mut w = week();
        w[0..2].copy_from_slice(&u16::MAX.to_le_bytes());
        let mut cal = Calendar::default();
        apply_week(&mut cal, &w);
        assert_eq!(cal.exceptions.len(), 1);
        let mut cal = Calendar::default();
        apply_week(&mut cal, &w[..50]);
        assert!(cal.days[0].is_some() && cal.days[2].is_none());
        assert!(cal.exceptions.is_empty());
        // periods past midnight wrap; ending at midnight is kept as 24:00
        let p = periods(&[0x90, 0x33, 0, 0, 0xB0, 0x04, 0, 0], 1, 0, 4);
        assert_eq!(p, vec![period(22 * 3600, 86_400)]);
    }
}
