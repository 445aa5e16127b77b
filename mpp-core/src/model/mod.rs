//! The project model: plain owned data that every reader fills and every
//! writer consumes. Quantities carry their units in their types: [`Duration`]
//! (value + unit), work in hours, money in currency units, units as fractions
//! (1.0 = 100 %), dates as local [`DateTime`]s.

mod time;

use std::fmt;

use serde::{Serialize, Serializer};

pub use time::{DateTime, Duration, TimeFactors, TimeOfDay, TimeUnit};

use crate::container::FileFormat;

/// A number as Project's XML prints it: at most `decimals` decimals, no
/// trailing zeros, no exponent, and never `-0`. Value lists store their
/// values in this form, and the MSPDI writer uses it for every number.
pub fn format_number(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// A Windows GUID in its 16-byte storage layout.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Guid(pub [u8; 16]);

impl Guid {
    /// Parses `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX`, braces optional.
    pub fn parse(text: &str) -> Option<Guid> {
        let hex: String = text
            .trim()
            .trim_start_matches('{')
            .trim_end_matches('}')
            .chars()
            .filter(|&c| c != '-')
            .collect();
        if hex.len() != 32 || !hex.is_ascii() {
            return None;
        }
        let mut raw = [0u8; 16];
        for (i, b) in raw.iter_mut().enumerate() {
            *b = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
        }
        // The first three groups are little-endian in storage.
        let mut g = raw;
        g[0..4].reverse();
        g[4..6].reverse();
        g[6..8].reverse();
        Some(Guid(g))
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.0;
        write!(
            f,
            "{:02X}{:02X}{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}",
            b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]
        )
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Guid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A whole project file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Project {
    pub properties: Properties,
    pub calendars: Vec<Calendar>,
    /// Tasks in ID order (the order of rows in Project's Gantt view).
    pub tasks: Vec<Task>,
    pub resources: Vec<Resource>,
    pub assignments: Vec<Assignment>,
    /// Custom field definitions (aliases, value lists).
    pub custom_fields: Vec<CustomFieldDef>,
}

impl Project {
    pub fn task(&self, uid: i32) -> Option<&Task> {
        self.tasks.iter().find(|t| t.uid == uid)
    }

    pub fn resource(&self, uid: i32) -> Option<&Resource> {
        self.resources.iter().find(|r| r.uid == uid)
    }

    pub fn calendar(&self, uid: i32) -> Option<&Calendar> {
        self.calendars.iter().find(|c| c.uid == uid)
    }

    /// All predecessor links, as (successor uid, link).
    pub fn relations(&self) -> impl Iterator<Item = (i32, &Relation)> {
        self.tasks
            .iter()
            .flat_map(|t| t.predecessors.iter().map(move |r| (t.uid, r)))
    }

    /// Children of a task (by outline structure), in ID order.
    pub fn children(&self, uid: i32) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(move |t| t.parent == Some(uid))
    }
}

/// Project-level settings and document properties.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Properties {
    /// The format of the file this was read from.
    pub file_format: Option<FileFormat>,
    /// The saving application as written in the file (`Microsoft.Project 16.0`).
    pub application: Option<String>,
    pub application_version: Option<u32>,
    pub guid: Option<Guid>,
    pub title: Option<String>,
    pub subject: Option<String>,
    pub category: Option<String>,
    pub company: Option<String>,
    pub manager: Option<String>,
    pub author: Option<String>,
    pub keywords: Option<String>,
    pub comments: Option<String>,
    pub last_author: Option<String>,
    pub template: Option<String>,
    pub hyperlink_base: Option<String>,
    pub creation_date: Option<DateTime>,
    pub last_saved: Option<DateTime>,
    pub last_printed: Option<DateTime>,
    pub revision: Option<i32>,
    pub schedule_from_start: bool,
    pub start_date: Option<DateTime>,
    pub finish_date: Option<DateTime>,
    pub status_date: Option<DateTime>,
    /// Fiscal year start month (1 = January).
    pub fiscal_year_start_month: Option<u16>,
    pub fiscal_year_start: bool,
    pub critical_slack_limit: Option<i32>,
    pub currency_digits: Option<u16>,
    pub currency_symbol: Option<String>,
    pub currency_code: Option<String>,
    /// 0 before, 1 after, 2 before with space, 3 after with space.
    pub currency_symbol_position: Option<u16>,
    pub default_calendar_name: Option<String>,
    pub default_calendar_uid: Option<i32>,
    pub default_start_time: Option<TimeOfDay>,
    pub default_finish_time: Option<TimeOfDay>,
    pub factors: TimeFactors,
    /// 0 fixed units, 1 fixed duration, 2 fixed work.
    pub default_task_type: Option<u16>,
    pub default_standard_rate: Option<f64>,
    pub default_overtime_rate: Option<f64>,
    pub default_duration_units: Option<TimeUnit>,
    /// Work-units code: 1 minutes, 2 hours, 3 days, 4 weeks, 5 months, 7 years.
    pub default_work_units: Option<u16>,
    pub editable_actual_costs: bool,
    pub honor_constraints: bool,
    pub multiple_critical_paths: bool,
    pub split_in_progress_tasks: bool,
    pub task_updates_resource: bool,
    pub new_tasks_are_manual: bool,
    /// 0 = Sunday.
    pub week_start_day: Option<u16>,
    pub baseline_calendar_name: Option<String>,
    pub project_file_path: Option<String>,
}

/// A working calendar: base calendars stand alone, derived (resource)
/// calendars inherit unset days from their base.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Calendar {
    pub uid: i32,
    pub guid: Option<Guid>,
    pub name: Option<String>,
    pub base_uid: Option<i32>,
    /// The resource that owns this calendar, for resource calendars.
    pub resource_uid: Option<i32>,
    /// Sunday first; `None` = inherit from the base calendar (or default).
    pub days: [Option<CalendarDay>; 7],
    pub exceptions: Vec<CalendarException>,
    pub work_weeks: Vec<WorkWeek>,
}

impl Calendar {
    pub fn is_base(&self) -> bool {
        self.base_uid.is_none()
    }
}

/// One day of a week pattern.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CalendarDay {
    pub working: bool,
    pub hours: Vec<WorkingTime>,
}

/// A working period: `from` to `to`, seconds since midnight (`to` may be 86400).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WorkingTime {
    pub from: TimeOfDay,
    pub to: TimeOfDay,
}

/// How an exception repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Recurrence {
    /// Every day from the start date to the end date.
    Daily,
    /// Every `period` days.
    EveryNDays { period: u16 },
    /// Days of week (bit 0 = Sunday) every `period` weeks.
    Weekly { days_of_week: u8, period: u16 },
    /// Day `day` of every `period` months.
    MonthlyByDay { day: u8, period: u16 },
    /// The `position`-th (0..3, 4 = last) `weekday` (0 = Sunday) every `period` months.
    MonthlyByWeekday {
        position: u8,
        weekday: u8,
        period: u16,
    },
    /// Every year on `month` (1..12) `day`.
    YearlyByDate { month: u8, day: u8 },
    /// Every year, the `position`-th `weekday` of `month`.
    YearlyByWeekday {
        month: u8,
        position: u8,
        weekday: u8,
    },
}

/// An exception to the week pattern over a range of dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalendarException {
    pub name: Option<String>,
    pub from: DateTime,
    /// Start of the last day covered.
    pub to: DateTime,
    pub occurrences: Option<u16>,
    pub recurrence: Recurrence,
    pub working: bool,
    pub hours: Vec<WorkingTime>,
}

/// A named week pattern valid over a date range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkWeek {
    pub name: Option<String>,
    pub from: Option<DateTime>,
    pub to: Option<DateTime>,
    pub days: [Option<CalendarDay>; 7],
}

/// A predecessor link, held by the successor task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Relation {
    pub uid: Option<i32>,
    pub predecessor_uid: i32,
    pub kind: RelationType,
    /// Lag in tenths of a minute (raw value for percent lags).
    pub lag_tenths: i32,
    pub lag_units: TimeUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RelationType {
    FinishFinish,
    FinishStart,
    StartFinish,
    StartStart,
}

impl RelationType {
    pub fn from_code(code: u16) -> RelationType {
        match code {
            0 => RelationType::FinishFinish,
            2 => RelationType::StartFinish,
            3 => RelationType::StartStart,
            _ => RelationType::FinishStart,
        }
    }

    /// MSPDI code: 0 FF, 1 FS, 2 SF, 3 SS.
    pub fn code(self) -> u16 {
        match self {
            RelationType::FinishFinish => 0,
            RelationType::FinishStart => 1,
            RelationType::StartFinish => 2,
            RelationType::StartStart => 3,
        }
    }
}

/// Baseline values (n = 0 for the plain baseline, 1..10).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Baseline {
    pub number: u8,
    pub start: Option<DateTime>,
    pub finish: Option<DateTime>,
    pub duration: Option<Duration>,
    /// Hours.
    pub work: Option<f64>,
    pub cost: Option<f64>,
    pub fixed_cost: Option<f64>,
}

impl Baseline {
    pub fn is_empty(&self) -> bool {
        self.start.is_none()
            && self.finish.is_none()
            && self.duration.is_none_or(|d| d.is_zero())
            && self.work.is_none_or(|w| w == 0.0)
            && self.cost.is_none_or(|c| c == 0.0)
    }
}

/// A custom field value on a task, resource or assignment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomValue {
    /// Project's field id (= MSPDI `FieldID`), e.g. 188743731 for task Text1.
    pub field_id: u32,
    pub value: FieldValue,
    /// The value-list entry this value was chosen from.
    pub value_guid: Option<Guid>,
    pub value_id: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum FieldValue {
    Text(String),
    Number(f64),
    /// Currency units.
    Cost(f64),
    Date(DateTime),
    Flag(bool),
    Duration(Duration),
}

/// A custom field definition: alias and value list.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomFieldDef {
    pub field_id: u32,
    pub alias: Option<String>,
    /// Lookup table GUID.
    pub lookup_guid: Option<Guid>,
    pub values: Vec<LookupValue>,
    /// Whether the definition came from enterprise data.
    pub enterprise: bool,
    /// For user-defined enterprise fields: the MSPDI `CFType` (0 cost, 1 date,
    /// 2 duration, 4 flag, 5 number, 7 text); `None` when unknown.
    pub cf_type: Option<u16>,
}

/// One entry of a value list / outline code table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LookupValue {
    pub id: i32,
    pub guid: Option<Guid>,
    pub parent_id: Option<i32>,
    /// Value type code as stored (4 date, 6 duration, 9 cost, 15 number, 21 text, 27 finish).
    pub kind: u16,
    /// The value as MSPDI prints it in `OutlineCodes/Value`.
    pub value: String,
    pub description: Option<String>,
}

/// A task (or a blank row, `is_null`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Task {
    pub uid: i32,
    pub id: i32,
    pub guid: Option<Guid>,
    pub name: Option<String>,
    pub is_null: bool,
    pub active: bool,
    pub manual: bool,
    /// 0 fixed units, 1 fixed duration, 2 fixed work.
    pub task_type: u16,
    pub created: Option<DateTime>,
    pub contact: Option<String>,
    pub wbs: Option<String>,
    pub outline_number: Option<String>,
    pub outline_level: Option<i32>,
    /// Parent task uid in the outline.
    pub parent: Option<i32>,
    pub priority: Option<u16>,
    pub start: Option<DateTime>,
    pub finish: Option<DateTime>,
    pub duration: Option<Duration>,
    pub work: Option<f64>,
    pub stop: Option<DateTime>,
    pub resume: Option<DateTime>,
    pub effort_driven: bool,
    pub recurring: bool,
    pub estimated: bool,
    pub milestone: bool,
    pub summary: bool,
    pub critical: bool,
    pub is_subproject: bool,
    pub subproject_name: Option<String>,
    pub external_task: bool,
    pub early_start: Option<DateTime>,
    pub early_finish: Option<DateTime>,
    pub late_start: Option<DateTime>,
    pub late_finish: Option<DateTime>,
    pub start_variance: Option<Duration>,
    pub finish_variance: Option<Duration>,
    /// Hours.
    pub work_variance: Option<f64>,
    pub free_slack: Option<Duration>,
    pub total_slack: Option<Duration>,
    pub start_slack: Option<Duration>,
    pub finish_slack: Option<Duration>,
    pub fixed_cost: Option<f64>,
    /// 1 start, 2 end, 3 prorated.
    pub fixed_cost_accrual: Option<u16>,
    pub percent_complete: Option<f64>,
    pub percent_work_complete: Option<f64>,
    pub physical_percent_complete: Option<f64>,
    pub cost: Option<f64>,
    pub overtime_cost: Option<f64>,
    pub overtime_work: Option<f64>,
    pub actual_start: Option<DateTime>,
    pub actual_finish: Option<DateTime>,
    pub actual_duration: Option<Duration>,
    pub actual_cost: Option<f64>,
    pub actual_overtime_cost: Option<f64>,
    pub actual_work: Option<f64>,
    pub actual_overtime_work: Option<f64>,
    pub regular_work: Option<f64>,
    pub remaining_duration: Option<Duration>,
    pub remaining_cost: Option<f64>,
    pub remaining_work: Option<f64>,
    pub remaining_overtime_cost: Option<f64>,
    pub remaining_overtime_work: Option<f64>,
    pub acwp: Option<f64>,
    pub bcws: Option<f64>,
    pub bcwp: Option<f64>,
    pub cv: Option<f64>,
    pub sv: Option<f64>,
    /// 0 ASAP, 1 ALAP, 2 MSO, 3 MFO, 4 SNET, 5 SNLT, 6 FNET, 7 FNLT.
    pub constraint_type: Option<u16>,
    pub constraint_date: Option<DateTime>,
    pub calendar_uid: Option<i32>,
    pub deadline: Option<DateTime>,
    pub level_assignments: bool,
    pub leveling_can_split: bool,
    pub leveling_delay: Option<Duration>,
    pub preleveled_start: Option<DateTime>,
    pub preleveled_finish: Option<DateTime>,
    pub hyperlink: Option<Hyperlink>,
    pub ignore_resource_calendar: bool,
    pub notes: Option<String>,
    pub hide_bar: bool,
    pub rollup: bool,
    pub marked: bool,
    pub expanded: bool,
    /// 0 % complete, 1 physical % complete.
    pub earned_value_method: Option<u16>,
    pub predecessors: Vec<Relation>,
    pub custom: Vec<CustomValue>,
    pub baselines: Vec<Baseline>,
    pub start_text: Option<String>,
    pub finish_text: Option<String>,
    pub duration_text: Option<String>,
    pub manual_start: Option<DateTime>,
    pub manual_finish: Option<DateTime>,
    pub manual_duration: Option<Duration>,
}

/// A hyperlink attached to an entity.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Hyperlink {
    pub text: Option<String>,
    pub address: Option<String>,
    pub sub_address: Option<String>,
    pub screen_tip: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum ResourceType {
    #[default]
    Work,
    Material,
    Cost,
}

/// A rate table entry: rates valid up to `to`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostRate {
    /// Table 0..4 = A..E.
    pub table: u8,
    pub from: Option<DateTime>,
    pub to: Option<DateTime>,
    /// Per hour.
    pub standard_rate: f64,
    pub standard_rate_units: u16,
    pub overtime_rate: f64,
    pub overtime_rate_units: u16,
    pub cost_per_use: f64,
}

/// A period of resource availability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Availability {
    pub from: Option<DateTime>,
    pub to: Option<DateTime>,
    /// 1.0 = 100 %.
    pub units: f64,
}

/// A resource: people, material or cost.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Resource {
    pub uid: i32,
    pub id: i32,
    pub guid: Option<Guid>,
    pub name: Option<String>,
    pub resource_type: ResourceType,
    pub is_null: bool,
    pub initials: Option<String>,
    pub phonetics: Option<String>,
    pub nt_account: Option<String>,
    pub material_label: Option<String>,
    pub code: Option<String>,
    pub group: Option<String>,
    /// 0 default, 1 none, 2 e-mail, 3 web.
    pub work_group: Option<u16>,
    pub email: Option<String>,
    pub hyperlink: Option<Hyperlink>,
    /// 1.0 = 100 %.
    pub max_units: Option<f64>,
    pub peak_units: Option<f64>,
    pub over_allocated: bool,
    pub available_from: Option<DateTime>,
    pub available_to: Option<DateTime>,
    pub start: Option<DateTime>,
    pub finish: Option<DateTime>,
    pub can_level: bool,
    /// 1 start, 2 end, 3 prorated.
    pub accrue_at: Option<u16>,
    pub work: Option<f64>,
    pub regular_work: Option<f64>,
    pub overtime_work: Option<f64>,
    pub actual_work: Option<f64>,
    pub remaining_work: Option<f64>,
    pub actual_overtime_work: Option<f64>,
    pub remaining_overtime_work: Option<f64>,
    pub percent_work_complete: Option<f64>,
    /// Per hour.
    pub standard_rate: Option<f64>,
    pub standard_rate_units: Option<u16>,
    pub cost: Option<f64>,
    pub overtime_rate: Option<f64>,
    pub overtime_rate_units: Option<u16>,
    pub overtime_cost: Option<f64>,
    pub cost_per_use: Option<f64>,
    pub actual_cost: Option<f64>,
    pub actual_overtime_cost: Option<f64>,
    pub remaining_cost: Option<f64>,
    pub remaining_overtime_cost: Option<f64>,
    pub work_variance: Option<f64>,
    pub cost_variance: Option<f64>,
    pub sv: Option<f64>,
    pub cv: Option<f64>,
    pub acwp: Option<f64>,
    pub bcws: Option<f64>,
    pub bcwp: Option<f64>,
    pub calendar_uid: Option<i32>,
    pub notes: Option<String>,
    pub is_generic: bool,
    pub is_inactive: bool,
    pub is_enterprise: bool,
    pub is_budget: bool,
    /// 0 committed, 1 proposed.
    pub booking_type: Option<u16>,
    pub created: Option<DateTime>,
    pub cost_center: Option<String>,
    pub custom: Vec<CustomValue>,
    pub baselines: Vec<Baseline>,
    pub rates: Vec<CostRate>,
    pub availability: Vec<Availability>,
}

/// A resource assigned to a task.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Assignment {
    pub uid: i32,
    pub guid: Option<Guid>,
    pub task_uid: i32,
    /// `None` for Project's placeholder assignment of work without a resource.
    pub resource_uid: Option<i32>,
    pub percent_work_complete: Option<f64>,
    pub actual_cost: Option<f64>,
    pub actual_start: Option<DateTime>,
    pub actual_finish: Option<DateTime>,
    pub actual_overtime_cost: Option<f64>,
    pub actual_overtime_work: Option<f64>,
    pub actual_work: Option<f64>,
    pub acwp: Option<f64>,
    pub confirmed: bool,
    pub cost: Option<f64>,
    /// Cost rate table 0..4 = A..E.
    pub cost_rate_table: Option<u16>,
    pub cost_variance: Option<f64>,
    pub delay: Option<Duration>,
    pub finish: Option<DateTime>,
    pub finish_variance: Option<Duration>,
    pub hyperlink: Option<Hyperlink>,
    pub work_variance: Option<f64>,
    pub has_fixed_rate_units: bool,
    pub fixed_material: bool,
    pub leveling_delay: Option<Duration>,
    pub linked_fields: bool,
    pub notes: Option<String>,
    pub overtime_cost: Option<f64>,
    pub overtime_work: Option<f64>,
    pub regular_work: Option<f64>,
    pub remaining_cost: Option<f64>,
    pub remaining_overtime_cost: Option<f64>,
    pub remaining_overtime_work: Option<f64>,
    pub remaining_work: Option<f64>,
    pub response_pending: bool,
    pub start: Option<DateTime>,
    pub stop: Option<DateTime>,
    pub resume: Option<DateTime>,
    pub start_variance: Option<Duration>,
    /// 1.0 = 100 %.
    pub units: Option<f64>,
    pub work: Option<f64>,
    /// 0 flat .. 8 contoured.
    pub work_contour: Option<u16>,
    pub bcws: Option<f64>,
    pub bcwp: Option<f64>,
    pub created: Option<DateTime>,
    pub budget_cost: Option<f64>,
    pub budget_work: Option<f64>,
    pub custom: Vec<CustomValue>,
    pub baselines: Vec<Baseline>,
    /// The assignment's work over time, as the file stores it.
    pub timephased: Timephased,
}

/// An assignment's regular work over time (overtime is not included):
/// runs of constant work rate, in date order, as Project stores them
/// (splitting them into days or other reporting periods is the writer's
/// job). Empty when the file has none.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timephased {
    /// Regular work still to do, from the start (from the resume date once
    /// work has been done): adds up to remaining work less remaining overtime.
    pub remaining: Vec<WorkPeriod>,
    /// Regular work done: adds up to actual work less actual overtime.
    pub actual: Vec<WorkPeriod>,
}

impl Timephased {
    pub fn is_empty(&self) -> bool {
        self.remaining.is_empty() && self.actual.is_empty()
    }
}

/// A run of work at a constant rate, spread over the working time of the
/// assignment's calendar between `start` and `finish` (a run of zero work
/// is a gap in the assignment).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkPeriod {
    pub start: DateTime,
    pub finish: DateTime,
    /// Work of the whole run, in hours.
    pub work: f64,
}
