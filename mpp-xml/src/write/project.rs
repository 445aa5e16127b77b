//! The `<Project>` header elements, before the custom field definitions.
//!
//! Several elements are constants: MPP files do not store them and MPXJ
//! writes its own defaults for them.

use std::io::{self, Write};

use mpp_core::worktime::default_calendar_uid;
use mpp_core::{Project, TimeOfDay};

use super::{Ctx, Xml};
use crate::format::{bool01, rate_opt, time};

pub fn write_header<W: Write>(x: &mut Xml<W>, ctx: &Ctx) -> io::Result<()> {
    let p = ctx.p;
    let pr = &p.properties;
    x.elem("SaveVersion", "14")?;
    x.elem("Name", "project.xml")?;
    x.opt("GUID", pr.guid)?;
    x.elem("Title", &title(p))?;
    x.opt("Subject", nonempty(&pr.subject))?;
    x.opt("Category", nonempty(&pr.category))?;
    x.opt("Company", nonempty(&pr.company))?;
    x.opt("Manager", nonempty(&pr.manager))?;
    x.opt("Author", nonempty(&pr.author))?;
    x.opt("CreationDate", pr.creation_date)?;
    x.opt("Revision", pr.revision)?;
    x.opt("LastSaved", pr.last_saved)?;
    x.elem("ScheduleFromStart", bool01(pr.schedule_from_start))?;
    x.opt("StartDate", pr.start_date)?;
    x.opt("FinishDate", pr.finish_date)?;
    x.elem(
        "FYStartDate",
        &pr.fiscal_year_start_month.unwrap_or(1).to_string(),
    )?;
    x.elem(
        "CriticalSlackLimit",
        &pr.critical_slack_limit.unwrap_or(0).to_string(),
    )?;
    x.elem(
        "CurrencyDigits",
        &pr.currency_digits.unwrap_or(2).to_string(),
    )?;
    x.opt("CurrencySymbol", pr.currency_symbol.as_ref())?;
    x.opt("CurrencyCode", pr.currency_code.as_ref())?;
    x.elem(
        "CurrencySymbolPosition",
        &pr.currency_symbol_position.unwrap_or(0).to_string(),
    )?;
    x.elem("CalendarUID", &default_calendar_uid(p).to_string())?;
    x.elem(
        "DefaultStartTime",
        &time(pr.default_start_time.unwrap_or(TimeOfDay(8 * 3600))),
    )?;
    x.elem(
        "DefaultFinishTime",
        &time(pr.default_finish_time.unwrap_or(TimeOfDay(17 * 3600))),
    )?;
    x.elem("MinutesPerDay", &whole(ctx.f.minutes_per_day))?;
    x.elem("MinutesPerWeek", &whole(ctx.f.minutes_per_week))?;
    x.elem("DaysPerMonth", &whole(ctx.f.days_per_month))?;
    x.elem(
        "DefaultTaskType",
        &pr.default_task_type.unwrap_or(0).to_string(),
    )?;
    x.elem("DefaultFixedCostAccrual", "2")?;
    x.opt("DefaultStandardRate", rate_opt(pr.default_standard_rate))?;
    x.opt("DefaultOvertimeRate", rate_opt(pr.default_overtime_rate))?;
    x.elem("DurationFormat", &ctx.default_units.code().to_string())?;
    x.elem(
        "WorkFormat",
        &work_format(pr.default_work_units).to_string(),
    )?;
    x.elem("EditableActualCosts", bool01(pr.editable_actual_costs))?;
    x.elem("HonorConstraints", bool01(pr.honor_constraints))?;
    x.elem("EarnedValueMethod", "0")?;
    x.elem("InsertedProjectsLikeSummary", "0")?;
    x.elem("MultipleCriticalPaths", bool01(pr.multiple_critical_paths))?;
    x.elem("NewTasksEffortDriven", "0")?;
    x.elem("NewTasksEstimated", "1")?;
    x.elem("SplitsInProgressTasks", bool01(pr.split_in_progress_tasks))?;
    x.elem("SpreadActualCost", "0")?;
    x.elem("SpreadPercentComplete", "0")?;
    x.elem("TaskUpdatesResource", bool01(pr.task_updates_resource))?;
    x.elem("FiscalYearStart", bool01(pr.fiscal_year_start))?;
    x.elem("WeekStartDay", &pr.week_start_day.unwrap_or(1).to_string())?;
    x.elem("MoveCompletedEndsBack", "0")?;
    x.elem("MoveRemainingStartsBack", "0")?;
    x.elem("MoveRemainingStartsForward", "0")?;
    x.elem("MoveCompletedEndsForward", "0")?;
    x.elem("BaselineForEarnedValue", "0")?;
    x.elem("AutoAddNewResourcesAndTasks", "1")?;
    x.opt("StatusDate", pr.status_date)?;
    x.opt("CurrentDate", ctx.opts.current_date.or(pr.start_date))?;
    x.elem("MicrosoftProjectServerURL", "1")?;
    x.elem("Autolink", "1")?;
    x.elem("NewTaskStartDate", "0")?;
    x.elem("NewTasksAreManual", bool01(pr.new_tasks_are_manual))?;
    x.elem("DefaultTaskEVMethod", "0")?;
    x.elem("ProjectExternallyEdited", "0")?;
    x.elem("ActualsInSync", "0")?;
    x.elem("RemoveFileProperties", "0")?;
    x.elem("AdminProject", "0")?;
    x.opt(
        "BaselineCalendar",
        pr.baseline_calendar_name.as_ref().filter(|s| !s.is_empty()),
    )?;
    Ok(())
}

fn nonempty(s: &Option<String>) -> Option<&String> {
    s.as_ref().filter(|s| !s.is_empty())
}

/// The title, else the name of the single top-level task (the project
/// summary task), else `Project1`.
fn title(p: &Project) -> String {
    if let Some(t) = p.properties.title.as_ref().filter(|t| !t.is_empty()) {
        return t.clone();
    }
    let summary = p.task(0).filter(|t| !t.is_null).or_else(|| {
        let mut roots = p.tasks.iter().filter(|t| t.parent.is_none());
        match (roots.next(), roots.next()) {
            (Some(t), None) => Some(t),
            _ => None,
        }
    });
    summary
        .and_then(|t| t.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Project1".to_string())
}

/// Work-units code as MSPDI `WorkFormat` wants it (hours when unknown).
fn work_format(code: Option<u16>) -> u16 {
    code.filter(|c| matches!(c, 1 | 3 | 4 | 5 | 7)).unwrap_or(2)
}

fn whole(v: f64) -> String {
    (v.round() as i64).to_string()
}

#[cfg(test)]
mod tests {
    use mpp_core::{Calendar, DateTime, Guid, Properties, Task};

    use super::super::test_util::render;
    use super::*;

    fn header(doc: &str) -> Vec<String> {
        // The leaf elements directly under <Project>, up to the first section.
        doc.lines()
            .skip(2)
            .take_while(|l| l.starts_with("    <") && !l.starts_with("     ") && l.contains("</"))
            .map(|l| l.trim().to_string())
            .collect()
    }

    #[test]
    fn header_in_schema_order_with_constants() {
        let p = Project {
            properties: Properties {
                guid: Guid::parse("E1FB9972-DCD2-E811-AC3F-4CEDDE6E5B57"),
                author: Some("Project User".into()),
                revision: Some(1),
                schedule_from_start: true,
                start_date: DateTime::new(2018, 10, 18, 8, 0, 0),
                currency_symbol: Some("£".into()),
                currency_code: Some("GBP".into()),
                default_calendar_name: Some("Standard".into()),
                honor_constraints: true,
                week_start_day: Some(1),
                default_duration_units: Some(mpp_core::TimeUnit::Days),
                default_work_units: Some(2),
                ..Properties::default()
            },
            calendars: vec![Calendar {
                uid: 3,
                name: Some("Standard".into()),
                ..Calendar::default()
            }],
            tasks: vec![Task {
                uid: 0,
                name: Some("Summary name".into()),
                ..Task::default()
            }],
            ..Project::default()
        };
        let doc = render(&p);
        assert!(doc.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Project xmlns=\"http://schemas.microsoft.com/project\">\n    <SaveVersion>14</SaveVersion>\n"
        ));
        let h = header(&doc);
        let expect = [
            "<SaveVersion>14</SaveVersion>",
            "<Name>project.xml</Name>",
            "<GUID>E1FB9972-DCD2-E811-AC3F-4CEDDE6E5B57</GUID>",
            "<Title>Summary name</Title>",
            "<Author>Project User</Author>",
            "<Revision>1</Revision>",
            "<ScheduleFromStart>1</ScheduleFromStart>",
            "<StartDate>2018-10-18T08:00:00</StartDate>",
            "<FYStartDate>1</FYStartDate>",
            "<CriticalSlackLimit>0</CriticalSlackLimit>",
            "<CurrencyDigits>2</CurrencyDigits>",
            "<CurrencySymbol>£</CurrencySymbol>",
            "<CurrencyCode>GBP</CurrencyCode>",
            "<CurrencySymbolPosition>0</CurrencySymbolPosition>",
            "<CalendarUID>3</CalendarUID>",
            "<DefaultStartTime>08:00:00</DefaultStartTime>",
            "<DefaultFinishTime>17:00:00</DefaultFinishTime>",
            "<MinutesPerDay>480</MinutesPerDay>",
            "<MinutesPerWeek>2400</MinutesPerWeek>",
            "<DaysPerMonth>20</DaysPerMonth>",
            "<DefaultTaskType>0</DefaultTaskType>",
            "<DefaultFixedCostAccrual>2</DefaultFixedCostAccrual>",
            "<DurationFormat>7</DurationFormat>",
            "<WorkFormat>2</WorkFormat>",
            "<EditableActualCosts>0</EditableActualCosts>",
            "<HonorConstraints>1</HonorConstraints>",
            "<EarnedValueMethod>0</EarnedValueMethod>",
            "<InsertedProjectsLikeSummary>0</InsertedProjectsLikeSummary>",
            "<MultipleCriticalPaths>0</MultipleCriticalPaths>",
            "<NewTasksEffortDriven>0</NewTasksEffortDriven>",
            "<NewTasksEstimated>1</NewTasksEstimated>",
            "<SplitsInProgressTasks>0</SplitsInProgressTasks>",
            "<SpreadActualCost>0</SpreadActualCost>",
            "<SpreadPercentComplete>0</SpreadPercentComplete>",
            "<TaskUpdatesResource>0</TaskUpdatesResource>",
            "<FiscalYearStart>0</FiscalYearStart>",
            "<WeekStartDay>1</WeekStartDay>",
            "<MoveCompletedEndsBack>0</MoveCompletedEndsBack>",
            "<MoveRemainingStartsBack>0</MoveRemainingStartsBack>",
            "<MoveRemainingStartsForward>0</MoveRemainingStartsForward>",
            "<MoveCompletedEndsForward>0</MoveCompletedEndsForward>",
            "<BaselineForEarnedValue>0</BaselineForEarnedValue>",
            "<AutoAddNewResourcesAndTasks>1</AutoAddNewResourcesAndTasks>",
            "<CurrentDate>2020-01-02T03:04:05</CurrentDate>",
            "<MicrosoftProjectServerURL>1</MicrosoftProjectServerURL>",
            "<Autolink>1</Autolink>",
            "<NewTaskStartDate>0</NewTaskStartDate>",
            "<NewTasksAreManual>0</NewTasksAreManual>",
            "<DefaultTaskEVMethod>0</DefaultTaskEVMethod>",
            "<ProjectExternallyEdited>0</ProjectExternallyEdited>",
            "<ActualsInSync>0</ActualsInSync>",
            "<RemoveFileProperties>0</RemoveFileProperties>",
            "<AdminProject>0</AdminProject>",
        ];
        assert_eq!(h, expect);
    }

    #[test]
    fn title_and_calendar_fallbacks() {
        let mut p = Project::default();
        assert_eq!(title(&p), "Project1");
        assert_eq!(default_calendar_uid(&p), 1);
        p.properties.title = Some("Plan".into());
        p.properties.default_calendar_uid = Some(7);
        assert_eq!(title(&p), "Plan");
        assert_eq!(default_calendar_uid(&p), 7);
        // Without a current date option the project start is used, never the clock.
        p.properties.start_date = DateTime::new(2021, 5, 6, 8, 0, 0);
        let mut v = Vec::new();
        super::super::write(&p, &mut v, &super::super::WriteOptions::default()).unwrap();
        let doc = String::from_utf8(v).unwrap();
        assert!(doc.contains("<CurrentDate>2021-05-06T08:00:00</CurrentDate>"));
    }
}
