//! Project properties: the project `Props` stream and the standard OLE
//! property sets (`\x05SummaryInformation`, `\x05DocumentSummaryInformation`).

use std::collections::HashMap;

use crate::bytes::{ansi_at, i16_at, slice, u32_at, utf16_at};
use crate::container::Container;
use crate::error::Result;
use crate::model::{DateTime, Properties, TimeFactors, TimeOfDay, TimeUnit};
use crate::raw::props::Props;

mod key {
    pub const COMPANY: u32 = 0x0240_0000;
    pub const MANAGER: u32 = 0x0240_0001;
    pub const START: u32 = 0x0240_0002;
    pub const FINISH: u32 = 0x0240_0003;
    pub const SCHEDULE_FROM: u32 = 0x0240_0004;
    pub const COMMENTS: u32 = 0x0240_0005;
    pub const TITLE: u32 = 0x0240_0008;
    pub const SUBJECT: u32 = 0x0240_0009;
    pub const AUTHOR: u32 = 0x0240_000C;
    pub const KEYWORDS: u32 = 0x0240_000D;
    pub const DEFAULT_CALENDAR: u32 = 0x0240_000E;
    pub const CURRENCY_SYMBOL: u32 = 0x0240_0010;
    pub const SYMBOL_POSITION: u32 = 0x0240_0011;
    pub const CURRENCY_DIGITS: u32 = 0x0240_0012;
    pub const CRITICAL_SLACK: u32 = 0x0240_0014;
    pub const DURATION_UNITS: u32 = 0x0240_0015;
    pub const WORK_UNITS: u32 = 0x0240_0016;
    pub const TASK_UPDATES_RESOURCE: u32 = 0x0240_0019;
    pub const SPLIT_IN_PROGRESS: u32 = 0x0240_001A;
    pub const DEFAULT_START: u32 = 0x0240_001C;
    pub const MINUTES_PER_DAY: u32 = 0x0240_001D;
    pub const MINUTES_PER_WEEK: u32 = 0x0240_001E;
    pub const STANDARD_RATE: u32 = 0x0240_001F;
    pub const OVERTIME_RATE: u32 = 0x0240_0020;
    pub const DEFAULT_END: u32 = 0x0240_0021;
    pub const WEEK_START: u32 = 0x0240_0025;
    pub const GUID: u32 = 0x0240_0029;
    pub const FISCAL_MONTH: u32 = 0x0240_002C;
    pub const TASK_TYPE: u32 = 0x0240_0031;
    pub const MULTIPLE_CRITICAL: u32 = 0x0240_0039;
    pub const HONOR_CONSTRAINTS_INVERTED: u32 = 0x0240_003A;
    pub const FISCAL_USE_START_YEAR: u32 = 0x0240_0041;
    pub const EDITABLE_ACTUAL_COSTS: u32 = 0x0240_0042;
    pub const STATUS_DATE: u32 = 0x0240_0045;
    pub const CATEGORY: u32 = 0x0240_0049;
    pub const DAYS_PER_MONTH: u32 = 0x0240_138F;
    pub const BASELINE_CALENDAR: u32 = 0x0240_1393;
    pub const CURRENCY_CODE: u32 = 0x0240_13BB;
    pub const NEW_TASKS_MANUAL: u32 = 0x0240_13C8;
}

/// Fills properties from the project `Props`.
pub fn from_props(p: &Props) -> Properties {
    let mut props = Properties {
        company: p.string(key::COMPANY),
        manager: p.string(key::MANAGER),
        start_date: p.timestamp(key::START),
        finish_date: p.timestamp(key::FINISH),
        schedule_from_start: p.u16(key::SCHEDULE_FROM).is_none_or(|v| v != 0),
        comments: p.string(key::COMMENTS),
        title: p.string(key::TITLE),
        subject: p.string(key::SUBJECT),
        author: p.string(key::AUTHOR),
        keywords: p.string(key::KEYWORDS),
        category: p.string(key::CATEGORY),
        default_calendar_name: p.string(key::DEFAULT_CALENDAR),
        currency_symbol: p.string(key::CURRENCY_SYMBOL),
        currency_symbol_position: p.u16(key::SYMBOL_POSITION),
        currency_digits: p.u16(key::CURRENCY_DIGITS),
        currency_code: p.string(key::CURRENCY_CODE),
        critical_slack_limit: p.i32(key::CRITICAL_SLACK),
        default_work_units: p.u16(key::WORK_UNITS),
        task_updates_resource: p.bool(key::TASK_UPDATES_RESOURCE).unwrap_or(false),
        split_in_progress_tasks: p.bool(key::SPLIT_IN_PROGRESS).unwrap_or(false),
        default_start_time: p.u16(key::DEFAULT_START).map(time_of_day),
        default_finish_time: p.u16(key::DEFAULT_END).map(time_of_day),
        default_standard_rate: p.f64(key::STANDARD_RATE),
        default_overtime_rate: p.f64(key::OVERTIME_RATE),
        week_start_day: p.u16(key::WEEK_START),
        guid: p.guid(key::GUID),
        fiscal_year_start_month: p.u16(key::FISCAL_MONTH),
        fiscal_year_start: p.u16(key::FISCAL_USE_START_YEAR) == Some(1),
        default_task_type: p.u16(key::TASK_TYPE),
        multiple_critical_paths: p.bool(key::MULTIPLE_CRITICAL).unwrap_or(false),
        // Stored inverted: the raw flag means "ignore constraints".
        honor_constraints: !p.bool(key::HONOR_CONSTRAINTS_INVERTED).unwrap_or(false),
        editable_actual_costs: p.bool(key::EDITABLE_ACTUAL_COSTS).unwrap_or(false),
        status_date: p.timestamp(key::STATUS_DATE),
        baseline_calendar_name: p.string(key::BASELINE_CALENDAR),
        new_tasks_are_manual: p.bool(key::NEW_TASKS_MANUAL).unwrap_or(false),
        ..Properties::default()
    };
    let mut f = TimeFactors::default();
    if let Some(v) = p.i32(key::MINUTES_PER_DAY).filter(|&v| v > 0) {
        f.minutes_per_day = f64::from(v);
    }
    if let Some(v) = p.i32(key::MINUTES_PER_WEEK).filter(|&v| v > 0) {
        f.minutes_per_week = f64::from(v);
    }
    // Project 98 files have no days-per-month setting (MPXJ then writes 0,
    // which MSPDI consumers cannot divide by): they keep Project's default 20.
    if let Some(v) = p.u16(key::DAYS_PER_MONTH).filter(|&v| v > 0) {
        f.days_per_month = f64::from(v);
    }
    props.factors = f;
    props.default_duration_units = p
        .u16(key::DURATION_UNITS)
        .map(|c| TimeUnit::from_code(c, TimeUnit::Days));
    props
}

/// Tenths of a minute since midnight, kept to whole minutes.
fn time_of_day(tenths: u16) -> TimeOfDay {
    TimeOfDay((u32::from(tenths) / 10) * 60 % 86_400)
}

/// Overlays the document properties of the OLE property sets; a value that
/// is present there wins over the `Props` fallback.
pub fn apply_summary(c: &mut Container<'_>, props: &mut Properties) -> Result<()> {
    if let Some(data) = c.stream("\u{5}SummaryInformation")? {
        let s = property_set(&data);
        let text = |id: u32| s.get(&id).and_then(PropValue::text);
        let date = |id: u32| s.get(&id).and_then(PropValue::date);
        set(&mut props.title, text(2));
        set(&mut props.subject, text(3));
        set(&mut props.author, text(4));
        set(&mut props.keywords, text(5));
        set(&mut props.comments, text(6));
        set(&mut props.template, text(7));
        set(&mut props.last_author, text(8));
        if let Some(r) = text(9).and_then(|r| r.trim().parse().ok()) {
            props.revision = Some(r);
        }
        set(&mut props.last_printed, date(11));
        set(&mut props.creation_date, date(12));
        set(&mut props.last_saved, date(13));
    }
    if let Some(data) = c.stream("\u{5}DocumentSummaryInformation")? {
        let s = property_set(&data);
        let text = |id: u32| s.get(&id).and_then(PropValue::text);
        set(&mut props.category, text(2));
        set(&mut props.manager, text(14));
        set(&mut props.company, text(15));
        set(&mut props.hyperlink_base, text(29));
    }
    Ok(())
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) {
    if value.is_some() {
        *slot = value;
    }
}

#[derive(Debug, Clone)]
enum PropValue {
    Text(String),
    Date(Option<DateTime>),
}

impl PropValue {
    fn text(&self) -> Option<String> {
        match self {
            PropValue::Text(s) if !s.is_empty() => Some(s.clone()),
            _ => None,
        }
    }

    fn date(&self) -> Option<DateTime> {
        match self {
            PropValue::Date(d) => *d,
            _ => None,
        }
    }
}

/// The first section of an OLE property set ([MS-OLEPS]): property id -> value.
fn property_set(data: &[u8]) -> HashMap<u32, PropValue> {
    let mut out = HashMap::new();
    let Some(section) = u32_at(data, 44).and_then(|o| usize::try_from(o).ok()) else {
        return out;
    };
    let count = u32_at(data, section + 4).unwrap_or(0).min(4096);
    let mut utf8 = false;
    let mut entries = Vec::new();
    for i in 0..count as usize {
        let at = section + 8 + i * 8;
        let (Some(id), Some(off)) = (u32_at(data, at), u32_at(data, at + 4)) else {
            break;
        };
        let Some(pos) = usize::try_from(off)
            .ok()
            .and_then(|o| o.checked_add(section))
        else {
            continue;
        };
        if id == 1 {
            utf8 = i16_at(data, pos + 4).map(|c| c as u16) == Some(65001);
        }
        entries.push((id, pos));
    }
    for (id, pos) in entries {
        let Some(kind) = u32_at(data, pos) else {
            continue;
        };
        let value = match kind & 0xFFFF {
            30 => u32_at(data, pos + 4)
                .and_then(|len| slice(data, pos + 8, usize::try_from(len).ok()?))
                .map(|b| {
                    let s = if utf8 {
                        String::from_utf8_lossy(b.split(|&c| c == 0).next().unwrap_or_default())
                            .into_owned()
                    } else {
                        ansi_at(b, 0).unwrap_or_default()
                    };
                    PropValue::Text(s)
                }),
            31 => u32_at(data, pos + 4)
                .and_then(|len| slice(data, pos + 8, usize::try_from(len).ok()?.checked_mul(2)?))
                .and_then(|b| utf16_at(b, 0))
                .map(PropValue::Text),
            64 => slice(data, pos + 4, 8)
                .and_then(|b| b.try_into().ok())
                .map(|b: [u8; 8]| PropValue::Date(DateTime::from_filetime(u64::from_le_bytes(b)))),
            _ => None,
        };
        if let Some(v) = value {
            out.insert(id, v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raw::props::tests::build;

    #[test]
    fn honor_constraints_is_stored_inverted_and_factors_are_read() {
        let data = build(&[
            (key::HONOR_CONSTRAINTS_INVERTED, &[0, 0]),
            (key::MINUTES_PER_DAY, &420i32.to_le_bytes()),
            (key::DEFAULT_START, &4800u16.to_le_bytes()),
            (key::DURATION_UNITS, &9u16.to_le_bytes()),
        ]);
        let p = from_props(&Props::parse(&data));
        assert!(p.honor_constraints);
        assert_eq!(p.factors.minutes_per_day, 420.0);
        assert_eq!(p.factors.minutes_per_week, 2400.0);
        assert_eq!(p.default_start_time.unwrap().to_string(), "08:00:00");
        assert_eq!(p.default_duration_units, Some(TimeUnit::Weeks));
    }

    #[test]
    fn property_set_reads_strings_and_filetimes() {
        // header (28) + 1 section entry (FMTID 16 + offset 4) -> section at 48
        let mut d = vec![0u8; 48];
        d[24..28].copy_from_slice(&1u32.to_le_bytes());
        d[44..48].copy_from_slice(&48u32.to_le_bytes());
        let mut sec = Vec::new();
        let title = {
            let mut v = 30u32.to_le_bytes().to_vec();
            v.extend_from_slice(&4u32.to_le_bytes());
            v.extend_from_slice(b"Abc\0");
            v
        };
        let created = {
            let mut v = 64u32.to_le_bytes().to_vec();
            v.extend_from_slice(&116_444_736_000_000_000u64.to_le_bytes());
            v
        };
        let header_len = 8 + 2 * 8;
        sec.extend_from_slice(&0u32.to_le_bytes());
        sec.extend_from_slice(&2u32.to_le_bytes());
        sec.extend_from_slice(&2u32.to_le_bytes());
        sec.extend_from_slice(&(header_len as u32).to_le_bytes());
        sec.extend_from_slice(&12u32.to_le_bytes());
        sec.extend_from_slice(&((header_len + title.len()) as u32).to_le_bytes());
        sec.extend_from_slice(&title);
        sec.extend_from_slice(&created);
        d.extend_from_slice(&sec);
        let s = property_set(&d);
        assert_eq!(s.get(&2).and_then(PropValue::text).as_deref(), Some("Abc"));
        assert_eq!(
            s.get(&12).and_then(PropValue::date).map(|d| d.secs()),
            Some(0)
        );
        // garbage does not panic
        assert!(property_set(&[0xFF; 60]).is_empty());
    }
}
