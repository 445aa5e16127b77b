//! `<Calendars>`, as MPXJ's MSPDI writer lays them out.
//!
//! Base calendars come first, then resource calendars, each group by UID.
//! A calendar is written as a resource (derived) calendar only when it has
//! a base, is the base of no other calendar and exactly one resource uses
//! it; any other derived calendar is flattened into a base calendar (all
//! days resolved, the exceptions of its bases merged in). Each calendar
//! carries its week days, every exception occurrence again as a legacy
//! `WeekDay` (day type 0), the `Exceptions` list and the work weeks.

mod expand;

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use mpp_core::{Calendar, CalendarDay, DateTime, Project, Recurrence, WorkWeek, WorkingTime};

use self::expand::Exc;
use super::Xml;

/// Depth limit when following base calendar chains (guards cycles).
const MAX_DEPTH: usize = 32;

/// A calendar ready to be written.
struct Out<'a> {
    cal: &'a Calendar,
    /// Days to write (`None` = inherited, not written).
    days: [Option<CalendarDay>; 7],
    exceptions: Vec<Exc>,
    base_uid: Option<i32>,
    flattened: bool,
}

pub fn write<W: Write>(x: &mut Xml<W>, p: &Project) -> io::Result<()> {
    let by_uid: HashMap<i32, &Calendar> = p.calendars.iter().map(|c| (c.uid, c)).collect();
    let parent = |c: &Calendar| c.base_uid.and_then(|b| by_uid.get(&b).copied());
    let parents: HashSet<i32> = p
        .calendars
        .iter()
        .filter(|c| parent(c).is_some())
        .filter_map(|c| c.base_uid)
        .collect();
    let mut users: HashMap<i32, usize> = HashMap::new();
    for uid in p.resources.iter().filter_map(|r| r.calendar_uid) {
        *users.entry(uid).or_default() += 1;
    }
    let derived: HashSet<i32> = p
        .resources
        .iter()
        .filter_map(|r| r.calendar_uid.and_then(|u| by_uid.get(&u).copied()))
        .filter(|c| {
            parent(c).is_some() && !parents.contains(&c.uid) && users.get(&c.uid) == Some(&1)
        })
        .map(|c| c.uid)
        .collect();

    let mut base: Vec<Out> = Vec::new();
    let mut resource: Vec<Out> = Vec::new();
    for c in &p.calendars {
        if derived.contains(&c.uid) {
            resource.push(Out {
                cal: c,
                days: c.days.clone(),
                exceptions: c.exceptions.iter().map(Exc::from_model).collect(),
                base_uid: c.base_uid,
                flattened: false,
            });
        } else if parent(c).is_some() {
            base.push(flatten(c, &by_uid));
        } else {
            base.push(Out {
                cal: c,
                days: c.days.clone(),
                exceptions: c.exceptions.iter().map(Exc::from_model).collect(),
                base_uid: None,
                flattened: false,
            });
        }
    }
    base.sort_by_key(|o| o.cal.uid);
    resource.sort_by_key(|o| o.cal.uid);

    let baseline = p.properties.baseline_calendar_name.as_deref().unwrap_or("");
    x.open("Calendars")?;
    for o in &base {
        write_calendar(x, o, true, baseline)?;
    }
    for o in &resource {
        write_calendar(x, o, false, baseline)?;
    }
    x.close("Calendars")
}

/// A derived calendar as a stand-alone base calendar.
fn flatten<'a>(c: &'a Calendar, by_uid: &HashMap<i32, &'a Calendar>) -> Out<'a> {
    let days = std::array::from_fn(|d| {
        let hours = hours_of(c, d, by_uid, 0);
        Some(match hours {
            Some(h) if !h.is_empty() => CalendarDay {
                working: true,
                hours: h.to_vec(),
            },
            _ => CalendarDay::default(),
        })
    });
    let mut exceptions = Vec::new();
    let mut cur = Some(c);
    let mut depth = 0;
    while let Some(cal) = cur {
        let mut own: Vec<Exc> = cal.exceptions.iter().map(Exc::from_model).collect();
        expand::sort(&mut own);
        expand::merge(&mut exceptions, &own);
        cur = cal.base_uid.and_then(|b| by_uid.get(&b).copied());
        depth += 1;
        if depth > MAX_DEPTH {
            break;
        }
    }
    Out {
        cal: c,
        days,
        exceptions,
        base_uid: None,
        flattened: true,
    }
}

/// The hours of day `d` as MPXJ resolves them: a derived calendar's own
/// hours only for its working days (non-working and inherited days look
/// at the base), a base calendar's own hours as stored.
fn hours_of<'a>(
    c: &'a Calendar,
    d: usize,
    by_uid: &HashMap<i32, &'a Calendar>,
    depth: usize,
) -> Option<&'a [WorkingTime]> {
    let parent = c.base_uid.and_then(|b| by_uid.get(&b).copied());
    let own = c.days.get(d).and_then(Option::as_ref);
    match (own, parent) {
        (Some(day), None) => Some(&day.hours),
        (Some(day), Some(_)) if day.working => Some(&day.hours),
        (_, Some(base)) if depth < MAX_DEPTH => hours_of(base, d, by_uid, depth + 1),
        _ => None,
    }
}

fn write_calendar<W: Write>(
    x: &mut Xml<W>,
    o: &Out,
    is_base: bool,
    baseline: &str,
) -> io::Result<()> {
    let c = o.cal;
    x.open("Calendar")?;
    x.elem("UID", &c.uid.to_string())?;
    if !o.flattened {
        x.opt("GUID", c.guid)?;
    }
    if let Some(name) = &c.name {
        x.elem("Name", &calendar_name(name))?;
    }
    x.elem("IsBaseCalendar", bool01(is_base))?;
    x.elem(
        "IsBaselineCalendar",
        bool01(c.name.as_deref() == Some(baseline)),
    )?;
    x.elem("BaseCalendarUID", &o.base_uid.unwrap_or(-1).to_string())?;

    let legacy = legacy_entries(o);
    if o.days.iter().any(Option::is_some) || !legacy.is_empty() {
        x.open("WeekDays")?;
        for (d, day) in o.days.iter().enumerate() {
            if let Some(day) = day {
                x.open("WeekDay")?;
                x.elem("DayType", &(d + 1).to_string())?;
                x.elem("DayWorking", bool01(day.working))?;
                if day.working {
                    working_times(x, &day.hours)?;
                }
                x.close("WeekDay")?;
            }
        }
        for e in &legacy {
            let working = !e.hours.is_empty();
            x.open("WeekDay")?;
            x.elem("DayType", "0")?;
            x.elem("DayWorking", bool01(working))?;
            time_period(x, e.first(), e.last())?;
            if working {
                working_times(x, &e.hours)?;
            }
            x.close("WeekDay")?;
        }
        x.close("WeekDays")?;
    }

    let mut exceptions: Vec<&Exc> = o
        .exceptions
        .iter()
        .filter(|e| e.first().is_some())
        .collect();
    exceptions.sort_by_key(|e| e.first());
    if !exceptions.is_empty() {
        x.open("Exceptions")?;
        for e in exceptions {
            write_exception(x, e)?;
        }
        x.close("Exceptions")?;
    }

    if !c.work_weeks.is_empty() {
        x.open("WorkWeeks")?;
        for w in &c.work_weeks {
            write_work_week(x, w)?;
        }
        x.close("WorkWeeks")?;
    }
    x.close("Calendar")
}

/// Every exception occurrence (and work week day) as its own entry.
/// Where exceptions overlap, the later one in the list wins: the list is
/// taken in the order the `Exceptions` are written (by first date), which
/// is the order they are read back in, so a write and read decide alike.
fn legacy_entries(o: &Out) -> Vec<Exc> {
    let mut own = o.exceptions.clone();
    expand::sort(&mut own);
    let weeks = &o.cal.work_weeks;
    if weeks.is_empty() {
        return expand::expand_all(&own);
    }
    let mut merged = Vec::new();
    expand::merge(&mut merged, &own);
    for w in weeks {
        expand::merge(&mut merged, &expand::week_exceptions(w));
    }
    expand::expand_all(&merged)
}

fn write_exception<W: Write>(x: &mut Xml<W>, e: &Exc) -> io::Result<()> {
    let working = !e.hours.is_empty();
    x.open("Exception")?;
    x.elem("EnteredByOccurrences", bool01(e.rec.is_some()))?;
    time_period(x, e.first(), e.last())?;
    match e.rec {
        None => x.elem("Occurrences", "1")?,
        Some(_) => x.opt("Occurrences", e.occurrences)?,
    }
    if let Some(name) = &e.name {
        x.elem("Name", &strip_controls(name))?;
    }
    // Type, Period, DaysOfWeek, MonthItem, MonthPosition, Month, MonthDay
    let (kind, period, days, item, position, month, month_day): RecurrenceFields = match e.rec {
        None | Some(Recurrence::Daily) => (1, None, None, None, None, None, None),
        Some(Recurrence::EveryNDays { period }) => (7, Some(period), None, None, None, None, None),
        Some(Recurrence::Weekly {
            days_of_week,
            period,
        }) => (6, Some(period), Some(days_of_week), None, None, None, None),
        Some(Recurrence::MonthlyByDay { day, period }) => {
            (4, Some(period), None, None, None, None, Some(day))
        }
        Some(Recurrence::MonthlyByWeekday {
            position,
            weekday,
            period,
        }) => (
            5,
            Some(period),
            None,
            Some(weekday.saturating_add(3)),
            Some(position),
            None,
            None,
        ),
        Some(Recurrence::YearlyByDate { month, day }) => (
            2,
            None,
            None,
            None,
            None,
            Some(month.saturating_sub(1)),
            Some(day),
        ),
        Some(Recurrence::YearlyByWeekday {
            month,
            position,
            weekday,
        }) => (
            3,
            None,
            None,
            Some(weekday.saturating_add(3)),
            Some(position),
            Some(month.saturating_sub(1)),
            None,
        ),
    };
    x.elem("Type", &kind.to_string())?;
    x.opt("Period", period)?;
    x.opt("DaysOfWeek", days)?;
    x.opt("MonthItem", item)?;
    x.opt("MonthPosition", position)?;
    x.opt("Month", month)?;
    x.opt("MonthDay", month_day)?;
    x.elem("DayWorking", bool01(working))?;
    if working {
        working_times(x, &e.hours)?;
    }
    x.close("Exception")
}

type RecurrenceFields = (
    u8,
    Option<u16>,
    Option<u8>,
    Option<u8>,
    Option<u8>,
    Option<u8>,
    Option<u8>,
);

fn write_work_week<W: Write>(x: &mut Xml<W>, w: &WorkWeek) -> io::Result<()> {
    x.open("WorkWeek")?;
    time_period(x, w.from.map(DateTime::days), w.to.map(DateTime::days))?;
    if let Some(name) = &w.name {
        x.elem("Name", &calendar_name(name))?;
    }
    x.open("WeekDays")?;
    for (d, day) in w.days.iter().enumerate() {
        if let Some(day) = day {
            x.open("WeekDay")?;
            x.elem("DayType", &(d + 1).to_string())?;
            x.elem("DayWorking", bool01(day.working))?;
            if day.working {
                working_times(x, &day.hours)?;
            }
            x.close("WeekDay")?;
        }
    }
    x.close("WeekDays")?;
    x.close("WorkWeek")
}

/// `TimePeriod` from the start of the first day to 23:59:59 of the last.
fn time_period<W: Write>(x: &mut Xml<W>, from: Option<i64>, to: Option<i64>) -> io::Result<()> {
    let at =
        |day: i64, secs: i64| DateTime::from_secs(day.saturating_mul(86_400).saturating_add(secs));
    x.open("TimePeriod")?;
    x.opt("FromDate", from.map(|d| at(d, 0)))?;
    x.opt("ToDate", to.map(|d| at(d, 86_399)))?;
    x.close("TimePeriod")
}

fn working_times<W: Write>(x: &mut Xml<W>, hours: &[WorkingTime]) -> io::Result<()> {
    if hours.is_empty() {
        return x.empty("WorkingTimes");
    }
    x.open("WorkingTimes")?;
    for h in hours {
        x.open("WorkingTime")?;
        x.elem("FromTime", &h.from.to_string())?;
        x.elem("ToTime", &h.to.to_string())?;
        x.close("WorkingTime")?;
    }
    x.close("WorkingTimes")
}

fn bool01(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

/// Control characters (C0, DEL and C1) removed, as MPXJ does for names.
fn strip_controls(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// Calendar names lose control characters and are cut to 51 UTF-16 units.
fn calendar_name(s: &str) -> String {
    let mut out = String::new();
    let mut units = 0;
    for c in s.chars().filter(|c| !c.is_control()) {
        units += c.len_utf16();
        if units > 51 {
            break;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use mpp_core::{CalendarException, Resource, TimeOfDay};

    fn wt(from: u32, to: u32) -> WorkingTime {
        WorkingTime {
            from: TimeOfDay(from * 3600),
            to: TimeOfDay(to * 3600),
        }
    }

    fn day(hours: &[(u32, u32)]) -> Option<CalendarDay> {
        Some(CalendarDay {
            working: !hours.is_empty(),
            hours: hours.iter().map(|&(a, b)| wt(a, b)).collect(),
        })
    }

    fn render(p: &Project) -> String {
        let mut v = Vec::new();
        let mut x = Xml::new(&mut v);
        write(&mut x, p).unwrap();
        x.finish().unwrap();
        String::from_utf8(v).unwrap()
    }

    fn base() -> Calendar {
        let mut c = Calendar {
            uid: 1,
            name: Some("Standard".into()),
            ..Calendar::default()
        };
        c.days = std::array::from_fn(|d| {
            if (1..=5).contains(&d) {
                day(&[(8, 12), (13, 17)])
            } else {
                day(&[])
            }
        });
        c
    }

    #[test]
    fn base_and_resource_calendars_with_exceptions() {
        let mut std_cal = base();
        std_cal.exceptions.push(CalendarException {
            name: Some("Yearly".into()),
            from: DateTime::new(2024, 1, 1, 0, 0, 0).unwrap(),
            to: DateTime::new(2025, 12, 31, 0, 0, 0).unwrap(),
            occurrences: Some(2),
            recurrence: Recurrence::YearlyByDate { month: 12, day: 25 },
            working: false,
            hours: vec![],
        });
        let mut res_cal = Calendar {
            uid: 4,
            base_uid: Some(1),
            name: Some("Ann".into()),
            resource_uid: Some(7),
            ..Calendar::default()
        };
        res_cal.days[6] = day(&[(9, 13)]);
        let p = Project {
            calendars: vec![res_cal, std_cal],
            resources: vec![Resource {
                uid: 7,
                calendar_uid: Some(4),
                ..Resource::default()
            }],
            ..Project::default()
        };
        let xml = render(&p);
        let std_at = xml.find("<UID>1</UID>").unwrap();
        let res_at = xml.find("<UID>4</UID>").unwrap();
        assert!(std_at < res_at);
        assert!(xml.contains("<IsBaseCalendar>0</IsBaseCalendar>\n        <IsBaselineCalendar>0</IsBaselineCalendar>\n        <BaseCalendarUID>1</BaseCalendarUID>"));
        // two legacy entries, one per occurrence
        assert_eq!(xml.matches("<DayType>0</DayType>").count(), 2);
        assert!(xml.contains("<FromDate>2024-12-25T00:00:00</FromDate>"));
        assert!(xml.contains("<ToDate>2025-12-25T23:59:59</ToDate>"));
        assert!(xml.contains("<Type>2</Type>\n                <Month>11</Month>\n                <MonthDay>25</MonthDay>"));
        assert!(xml.contains("<DayType>7</DayType>\n                <DayWorking>1</DayWorking>"));
        assert!(xml.contains("<FromTime>09:00:00</FromTime>"));
    }

    #[test]
    fn shared_derived_calendar_is_flattened() {
        let mut shared = Calendar {
            uid: 3,
            base_uid: Some(1),
            name: Some("Shared".into()),
            guid: mpp_core::Guid::parse("8497DF55-DFD3-47AD-B2BA-0C7DD4209602"),
            ..Calendar::default()
        };
        // non-working Monday in a derived calendar falls back to the base hours
        shared.days[1] = day(&[]);
        shared.days[2] = day(&[(10, 11)]);
        let p = Project {
            calendars: vec![base(), shared],
            resources: (0..2)
                .map(|i| Resource {
                    uid: i,
                    calendar_uid: Some(3),
                    ..Resource::default()
                })
                .collect(),
            ..Project::default()
        };
        let xml = render(&p);
        let cal3 = &xml[xml.find("<UID>3</UID>").unwrap()..];
        assert!(!cal3.contains("<GUID>"));
        assert!(cal3.contains("<IsBaseCalendar>1</IsBaseCalendar>"));
        assert!(cal3.contains("<BaseCalendarUID>-1</BaseCalendarUID>"));
        assert_eq!(cal3.matches("<WeekDay>").count(), 7);
        assert!(cal3.contains("<DayType>2</DayType>\n                <DayWorking>1</DayWorking>"));
        assert!(cal3.contains("<FromTime>10:00:00</FromTime>"));
    }

    #[test]
    fn flattening_merges_base_exceptions_without_names() {
        let ex = |name: &str, y: u32, m: u32, dd: u32, to: u32| CalendarException {
            name: Some(name.into()),
            from: DateTime::new(2024, m, dd, 0, 0, 0).unwrap(),
            to: DateTime::new(2024, m, to, 0, 0, 0).unwrap(),
            occurrences: Some(1),
            recurrence: Recurrence::Daily,
            working: y > 0,
            hours: if y > 0 { vec![wt(8, 9)] } else { vec![] },
        };
        let mut std_cal = base();
        std_cal.exceptions.push(ex("Base", 0, 3, 1, 1));
        std_cal.exceptions.push(ex("Clash", 0, 4, 2, 2));
        let mut shared = Calendar {
            uid: 3,
            base_uid: Some(1),
            ..Calendar::default()
        };
        shared.exceptions.push(ex("Own", 1, 4, 1, 3));
        // calendar 3 is the base of calendar 5, so it cannot be a resource calendar
        let child = Calendar {
            uid: 5,
            base_uid: Some(3),
            ..Calendar::default()
        };
        let p = Project {
            calendars: vec![base(), shared, child],
            resources: vec![
                Resource {
                    uid: 1,
                    calendar_uid: Some(3),
                    ..Resource::default()
                },
                Resource {
                    uid: 2,
                    calendar_uid: Some(5),
                    ..Resource::default()
                },
            ],
            ..Project::default()
        };
        let mut p = p;
        p.calendars[0] = std_cal;
        let xml = render(&p);
        let cal3 = &xml[xml.find("<UID>3</UID>").unwrap()..xml.find("<UID>5</UID>").unwrap()];
        // own range plus the base's non-colliding exception, names dropped
        assert_eq!(cal3.matches("<Exception>").count(), 2);
        assert!(!cal3.contains("<Name>"));
        assert!(cal3.contains("<FromDate>2024-03-01T00:00:00</FromDate>"));
        assert!(!cal3.contains("2024-04-02T00:00:00"));
        // calendar 5 stays a resource calendar on its (flattened) base
        let cal5 = &xml[xml.find("<UID>5</UID>").unwrap()..];
        assert!(cal5.contains("<BaseCalendarUID>3</BaseCalendarUID>"));
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(calendar_name("a\u{1}b"), "ab");
        assert_eq!(calendar_name(&"x".repeat(60)).len(), 51);
        assert_eq!(strip_controls("a\u{85}b"), "ab");
    }
}
