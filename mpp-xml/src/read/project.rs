//! The `<Project>` header: properties and settings.

use mpp_core::{Project, TimeFactors, TimeUnit};

use super::tree::Node;
use super::values::time_of_day;

/// Fills the properties from the header elements (children of `h`).
pub fn read(h: &Node, p: &mut Project) {
    let pr = &mut p.properties;
    pr.guid = h.guid("GUID");
    pr.title = h.string("Title");
    pr.subject = h.string("Subject");
    pr.category = h.string("Category");
    pr.company = h.string("Company");
    pr.manager = h.string("Manager");
    pr.author = h.string("Author");
    pr.keywords = h.string("Keywords");
    pr.comments = h.string("Comments");
    pr.last_author = h.string("LastAuthor");
    pr.hyperlink_base = h.string("HyperlinkBase");
    pr.creation_date = h.date("CreationDate");
    pr.revision = h.i32("Revision");
    pr.last_saved = h.date("LastSaved");
    pr.last_printed = h.date("LastPrinted");
    pr.schedule_from_start = h
        .text("ScheduleFromStart")
        .is_none_or(super::values::parse_bool);
    pr.start_date = h.date("StartDate");
    pr.finish_date = h.date("FinishDate");
    pr.status_date = h.date("StatusDate");
    pr.fiscal_year_start_month = h.u16("FYStartDate");
    pr.fiscal_year_start = h.flag("FiscalYearStart");
    pr.critical_slack_limit = h.i32("CriticalSlackLimit");
    pr.currency_digits = h.u16("CurrencyDigits");
    pr.currency_symbol = h.string("CurrencySymbol");
    pr.currency_code = h.string("CurrencyCode");
    pr.currency_symbol_position = h.u16("CurrencySymbolPosition");
    pr.default_calendar_uid = h.i32("CalendarUID");
    pr.default_start_time = h
        .text("DefaultStartTime")
        .and_then(|t| time_of_day(t, false));
    pr.default_finish_time = h
        .text("DefaultFinishTime")
        .and_then(|t| time_of_day(t, false));
    let defaults = TimeFactors::default();
    // Negative factors would make every duration conversion absurd; zero
    // (MPXJ's value for some Project 98 files) is guarded where divided by.
    let positive =
        |name: &str, default: f64| h.float(name).filter(|&v| v >= 0.0).unwrap_or(default);
    pr.factors = TimeFactors {
        minutes_per_day: positive("MinutesPerDay", defaults.minutes_per_day),
        minutes_per_week: positive("MinutesPerWeek", defaults.minutes_per_week),
        days_per_month: positive("DaysPerMonth", defaults.days_per_month),
    };
    pr.default_task_type = h.u16("DefaultTaskType");
    pr.default_standard_rate = h.nonzero("DefaultStandardRate");
    pr.default_overtime_rate = h.nonzero("DefaultOvertimeRate");
    pr.default_duration_units = Some(
        h.units("DurationFormat", TimeUnit::Days)
            .unwrap_or(TimeUnit::Days),
    );
    pr.default_work_units = h.u16("WorkFormat");
    pr.editable_actual_costs = h.flag("EditableActualCosts");
    pr.honor_constraints = h.flag("HonorConstraints");
    pr.multiple_critical_paths = h.flag("MultipleCriticalPaths");
    pr.split_in_progress_tasks = h.flag("SplitsInProgressTasks");
    pr.task_updates_resource = h.flag("TaskUpdatesResource");
    pr.new_tasks_are_manual = h.flag("NewTasksAreManual");
    pr.week_start_day = h.u16("WeekStartDay");
    pr.baseline_calendar_name = h.string("BaselineCalendar");
}
