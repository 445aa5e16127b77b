//! `<Calendars>`: week days, exceptions (with recurrence), work weeks.
//!
//! Since Project 2007, MSPDI lists exceptions in `<Exceptions>` and repeats
//! every occurrence (and every work week day) as a legacy `WeekDay` of day
//! type 0. Those legacy entries are read only from calendars that have
//! neither exceptions nor work weeks (older files), so that nothing is
//! counted twice.

use mpp_core::{
    Calendar, CalendarDay, CalendarException, DateTime, Project, Recurrence, WorkWeek, WorkingTime,
};

use super::tree::Node;
use super::values::time_of_day;

pub fn read(c: &Node, p: &mut Project) {
    let Some(uid) = c.i32("UID") else {
        return;
    };
    let base_uid = c.i32("BaseCalendarUID").filter(|&b| b >= 0 && b != uid);
    let is_base = c
        .text("IsBaseCalendar")
        .map_or(base_uid.is_none(), super::values::parse_bool);
    let mut cal = Calendar {
        uid,
        guid: c.guid("GUID"),
        name: c.string("Name"),
        base_uid: if is_base { None } else { base_uid },
        days: week(c.child("WeekDays")),
        ..Calendar::default()
    };
    cal.exceptions = c
        .nested("Exceptions", "Exception")
        .filter_map(exception)
        .collect();
    cal.work_weeks = c.nested("WorkWeeks", "WorkWeek").map(work_week).collect();
    if cal.exceptions.is_empty() && cal.work_weeks.is_empty() {
        cal.exceptions = c
            .nested("WeekDays", "WeekDay")
            .filter(|d| d.int("DayType") == Some(0))
            .filter_map(legacy_exception)
            .collect();
    }
    p.calendars.push(cal);
}

/// A base calendar that is not in the file is no base (as the writer and
/// MPXJ see it); resource calendars belong to the one resource that uses them.
pub fn finish(p: &mut Project) {
    let uids: std::collections::HashSet<i32> = p.calendars.iter().map(|c| c.uid).collect();
    for cal in &mut p.calendars {
        cal.base_uid = cal.base_uid.filter(|b| uids.contains(b));
    }
    for cal in p.calendars.iter_mut().filter(|c| !c.is_base()) {
        let mut users = p
            .resources
            .iter()
            .filter(|r| r.calendar_uid == Some(cal.uid));
        if let (Some(r), None) = (users.next(), users.next()) {
            cal.resource_uid = Some(r.uid);
        }
    }
}

fn week(n: Option<&Node>) -> [Option<CalendarDay>; 7] {
    let mut days: [Option<CalendarDay>; 7] = Default::default();
    for d in n.into_iter().flat_map(|n| n.all("WeekDay")) {
        let Some(kind) = d.int("DayType").filter(|k| (1..=7).contains(k)) else {
            continue;
        };
        if let Some(slot) = usize::try_from(kind - 1).ok().and_then(|i| days.get_mut(i)) {
            let working = d.flag("DayWorking");
            *slot = Some(CalendarDay {
                working,
                hours: if working {
                    working_times(d)
                } else {
                    Vec::new()
                },
            });
        }
    }
    days
}

fn working_times(n: &Node) -> Vec<WorkingTime> {
    n.nested("WorkingTimes", "WorkingTime")
        .filter_map(|w| {
            Some(WorkingTime {
                from: time_of_day(w.text("FromTime")?, false)?,
                to: time_of_day(w.text("ToTime")?, true)?,
            })
        })
        .collect()
}

/// `TimePeriod` as whole days: the first day and the start of the last.
fn period(n: &Node) -> (Option<DateTime>, Option<DateTime>) {
    let Some(t) = n.child("TimePeriod") else {
        return (None, None);
    };
    (
        t.date("FromDate").map(DateTime::midnight),
        t.date("ToDate").map(DateTime::midnight),
    )
}

fn exception(e: &Node) -> Option<CalendarException> {
    let (from, to) = period(e);
    let from = from.or(to)?;
    let to = to.unwrap_or(from);
    let recurring = e.flag("EnteredByOccurrences");
    let period = e.u16("Period").unwrap_or(1);
    let weekday = || e.u8("MonthItem").map(|v| v.saturating_sub(3)).unwrap_or(0);
    let position = || e.u8("MonthPosition").unwrap_or(0);
    let month = || e.u8("Month").map_or(1, |m| m.saturating_add(1));
    let day = || e.u8("MonthDay").unwrap_or(1);
    let recurrence = match e.int("Type").unwrap_or(1) {
        2 => Recurrence::YearlyByDate {
            month: month(),
            day: day(),
        },
        3 => Recurrence::YearlyByWeekday {
            month: month(),
            position: position(),
            weekday: weekday(),
        },
        4 => Recurrence::MonthlyByDay { day: day(), period },
        5 => Recurrence::MonthlyByWeekday {
            position: position(),
            weekday: weekday(),
            period,
        },
        6 => Recurrence::Weekly {
            days_of_week: e.u8("DaysOfWeek").unwrap_or(0),
            period,
        },
        7 if period > 1 || recurring => Recurrence::EveryNDays { period },
        _ => Recurrence::Daily,
    };
    let working = e.flag("DayWorking");
    let hours = if working {
        working_times(e)
    } else {
        Vec::new()
    };
    Some(CalendarException {
        name: e.string("Name"),
        from,
        to,
        occurrences: e.u16("Occurrences"),
        recurrence,
        working: !hours.is_empty(),
        hours,
    })
}

/// A day-type-0 `WeekDay`: one exception range.
fn legacy_exception(d: &Node) -> Option<CalendarException> {
    let (from, to) = period(d);
    let from = from.or(to)?;
    let working = d.flag("DayWorking");
    let hours = if working {
        working_times(d)
    } else {
        Vec::new()
    };
    Some(CalendarException {
        name: None,
        from,
        to: to.unwrap_or(from),
        occurrences: Some(1),
        recurrence: Recurrence::Daily,
        working: !hours.is_empty(),
        hours,
    })
}

fn work_week(w: &Node) -> WorkWeek {
    let (from, to) = period(w);
    WorkWeek {
        name: w.string("Name"),
        from,
        to,
        days: week(w.child("WeekDays")),
    }
}
