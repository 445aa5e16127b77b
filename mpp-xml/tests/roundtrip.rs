//! Development check of the writer against MPXJ, independent of the MPP
//! readers: each reference MSPDI file is loaded into the model (values MPXJ
//! computes are left out so that they are derived again) and written
//! again; score the outputs with
//! `conformance.py --outputs $MSPDI_OUT --refs $MSPDI_REFS ...`.
//!
//! `MSPDI_REFS=... MSPDI_OUT=... cargo test -p mpp-xml --test roundtrip -- --ignored`

use std::path::{Path, PathBuf};

use mpp_core::{
    Assignment, Availability, Baseline, Calendar, CalendarDay, CalendarException, CostRate,
    DateTime, Duration, Guid, Hyperlink, Project, Recurrence, Relation, RelationType, Resource,
    ResourceType, Task, TimeFactors, TimeOfDay, TimeUnit, WorkWeek, WorkingTime,
};
use quick_xml::events::Event;

#[derive(Default, Debug)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    fn s(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.clone())
    }
    fn i(&self, name: &str) -> Option<i64> {
        self.child(name)
            .and_then(|c| c.text.trim().parse::<f64>().ok())
            .map(|v| v as i64)
    }
    fn f(&self, name: &str) -> Option<f64> {
        self.child(name).and_then(|c| c.text.trim().parse().ok())
    }
    fn b(&self, name: &str) -> bool {
        self.child(name)
            .is_some_and(|c| c.text == "1" || c.text == "true")
    }
    fn d(&self, name: &str) -> Option<DateTime> {
        self.child(name).and_then(|c| DateTime::parse_iso(&c.text))
    }
    fn money(&self, name: &str) -> Option<f64> {
        self.f(name).map(|v| v / 100.0)
    }
    fn hours(&self, name: &str) -> Option<f64> {
        self.child(name).and_then(|c| hours(&c.text))
    }
}

fn parse(text: &str) -> Node {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack = vec![Node::default()];
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => stack.push(Node {
                name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                ..Node::default()
            }),
            Event::Empty(e) => {
                let n = Node {
                    name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                    ..Node::default()
                };
                stack.last_mut().unwrap().children.push(n);
            }
            Event::Text(t) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&t.unescape().unwrap()),
            Event::End(_) => {
                let n = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(n);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    stack.pop().unwrap().children.pop().unwrap()
}

/// `PT1H2M3S` (sign anywhere) in hours.
fn hours(text: &str) -> Option<f64> {
    let neg = text.contains('-');
    let t = text.replace('-', "");
    let rest = t.strip_prefix("PT")?;
    let (h, rest) = rest.split_once('H')?;
    let (m, rest) = rest.split_once('M')?;
    let s = rest.strip_suffix('S')?;
    let v =
        h.parse::<f64>().ok()? + m.parse::<f64>().ok()? / 60.0 + s.parse::<f64>().ok()? / 3600.0;
    Some(if neg { -v } else { v })
}

fn unit(code: Option<i64>, default: TimeUnit) -> TimeUnit {
    code.map_or(default, |c| TimeUnit::from_code(c as u16, default))
}

fn dur(hours: f64, units: TimeUnit, f: &TimeFactors) -> Duration {
    Duration::new(hours * 60.0 / f.minutes_per(units), units)
}

fn tenths(n: &Node, name: &str) -> Option<Duration> {
    n.f(name)
        .map(|t| Duration::new(t / 10.0, TimeUnit::Minutes))
}

/// Tenths of a minute as MPXJ holds them: in `units`, printed back with
/// fixed 8-hour days.
fn tenths_in(n: &Node, name: &str, units: TimeUnit) -> Option<Duration> {
    let fixed = TimeFactors::default();
    n.f(name)
        .map(|t| Duration::new(t / 10.0 / fixed.minutes_per(units).max(1.0), units))
}

fn hyperlink(n: &Node) -> Option<Hyperlink> {
    let h = Hyperlink {
        text: n.s("Hyperlink"),
        address: n.s("HyperlinkAddress"),
        sub_address: n.s("HyperlinkSubAddress"),
        screen_tip: None,
    };
    (h.text.is_some() || h.address.is_some() || h.sub_address.is_some()).then_some(h)
}

fn baselines(n: &Node, f: &TimeFactors, cost_in_cents: bool) -> Vec<Baseline> {
    n.all("Baseline")
        .map(|b| Baseline {
            number: b.i("Number").unwrap_or(0) as u8,
            start: b.d("Start"),
            finish: b.d("Finish"),
            duration: b
                .hours("Duration")
                .map(|h| dur(h, unit(b.i("DurationFormat"), TimeUnit::Hours), f)),
            work: b.hours("Work"),
            cost: if cost_in_cents {
                b.money("Cost")
            } else {
                b.f("Cost")
            },
            fixed_cost: None,
        })
        .collect()
}

fn working_times(n: &Node) -> Vec<WorkingTime> {
    let t = |s: Option<String>| {
        s.and_then(|s| DateTime::parse_iso(&format!("2000-01-01T{s}")))
            .map(|d| d.time_of_day() as u32)
    };
    n.child("WorkingTimes")
        .into_iter()
        .flat_map(|w| w.all("WorkingTime"))
        .filter_map(|w| {
            let from = t(w.s("FromTime"))?;
            let to = t(w.s("ToTime"))?;
            Some(WorkingTime {
                from: TimeOfDay(from),
                to: TimeOfDay(if to == 0 { 86_400 } else { to }),
            })
        })
        .collect()
}

fn week(n: Option<&Node>) -> [Option<CalendarDay>; 7] {
    let mut days: [Option<CalendarDay>; 7] = Default::default();
    for d in n.into_iter().flat_map(|n| n.all("WeekDay")) {
        let kind = d.i("DayType").unwrap_or(0);
        if (1..=7).contains(&kind) {
            days[kind as usize - 1] = Some(CalendarDay {
                working: d.b("DayWorking"),
                hours: working_times(d),
            });
        }
    }
    days
}

/// A calendar; exceptions come from the expanded legacy entries (DayType 0).
fn calendar(c: &Node) -> Calendar {
    let exceptions = c
        .child("WeekDays")
        .into_iter()
        .flat_map(|n| n.all("WeekDay"))
        .filter(|d| d.i("DayType") == Some(0))
        .filter_map(|d| {
            let period = d.child("TimePeriod")?;
            Some(CalendarException {
                name: None,
                from: period.d("FromDate")?.midnight(),
                to: period.d("ToDate")?.midnight(),
                occurrences: None,
                recurrence: Recurrence::Daily,
                working: d.b("DayWorking"),
                hours: working_times(d),
            })
        })
        .collect();
    Calendar {
        uid: c.i("UID").unwrap_or(0) as i32,
        name: c.s("Name"),
        base_uid: c.i("BaseCalendarUID").filter(|&b| b >= 0).map(|b| b as i32),
        days: week(c.child("WeekDays")),
        exceptions,
        work_weeks: c
            .child("WorkWeeks")
            .into_iter()
            .flat_map(|n| n.all("WorkWeek"))
            .map(|w| WorkWeek {
                name: w.s("Name"),
                from: w.child("TimePeriod").and_then(|t| t.d("FromDate")),
                to: w.child("TimePeriod").and_then(|t| t.d("ToDate")),
                days: week(w.child("WeekDays")),
            })
            .collect(),
        ..Calendar::default()
    }
}

fn load(root: &Node) -> Project {
    let mut p = Project::default();
    let pr = &mut p.properties;
    pr.guid = root.s("GUID").and_then(|g| Guid::parse(&g));
    pr.title = root.s("Title");
    pr.subject = root.s("Subject");
    pr.category = root.s("Category");
    pr.company = root.s("Company");
    pr.manager = root.s("Manager");
    pr.author = root.s("Author");
    pr.creation_date = root.d("CreationDate");
    pr.revision = root.i("Revision").map(|v| v as i32);
    pr.last_saved = root.d("LastSaved");
    pr.schedule_from_start = root.b("ScheduleFromStart");
    pr.start_date = root.d("StartDate");
    pr.finish_date = root.d("FinishDate");
    pr.fiscal_year_start_month = root.i("FYStartDate").map(|v| v as u16);
    pr.critical_slack_limit = root.i("CriticalSlackLimit").map(|v| v as i32);
    pr.currency_digits = root.i("CurrencyDigits").map(|v| v as u16);
    pr.currency_symbol = root.s("CurrencySymbol");
    pr.currency_code = root.s("CurrencyCode");
    pr.currency_symbol_position = root.i("CurrencySymbolPosition").map(|v| v as u16);
    pr.default_calendar_uid = root.i("CalendarUID").map(|v| v as i32);
    let time = |s: Option<String>| {
        s.and_then(|s| DateTime::parse_iso(&format!("2000-01-01T{s}")))
            .map(|d| TimeOfDay(d.time_of_day() as u32))
    };
    pr.default_start_time = time(root.s("DefaultStartTime"));
    pr.default_finish_time = time(root.s("DefaultFinishTime"));
    pr.factors = TimeFactors {
        minutes_per_day: root.f("MinutesPerDay").unwrap_or(480.0),
        minutes_per_week: root.f("MinutesPerWeek").unwrap_or(2400.0),
        days_per_month: root.f("DaysPerMonth").unwrap_or(20.0),
    };
    pr.default_task_type = root.i("DefaultTaskType").map(|v| v as u16);
    pr.default_standard_rate = root.f("DefaultStandardRate");
    pr.default_overtime_rate = root.f("DefaultOvertimeRate");
    let default_units = unit(root.i("DurationFormat"), TimeUnit::Days);
    pr.default_duration_units = Some(default_units);
    pr.default_work_units = root.i("WorkFormat").map(|v| v as u16);
    pr.editable_actual_costs = root.b("EditableActualCosts");
    pr.honor_constraints = root.b("HonorConstraints");
    pr.multiple_critical_paths = root.b("MultipleCriticalPaths");
    pr.split_in_progress_tasks = root.b("SplitsInProgressTasks");
    pr.task_updates_resource = root.b("TaskUpdatesResource");
    pr.fiscal_year_start = root.b("FiscalYearStart");
    pr.week_start_day = root.i("WeekStartDay").map(|v| v as u16);
    pr.status_date = root.d("StatusDate");
    pr.new_tasks_are_manual = root.b("NewTasksAreManual");
    pr.baseline_calendar_name = root.s("BaselineCalendar");
    let f = pr.factors;
    p.calendars = root
        .child("Calendars")
        .into_iter()
        .flat_map(|n| n.all("Calendar"))
        .map(calendar)
        .collect();

    for t in root.child("Tasks").into_iter().flat_map(|n| n.all("Task")) {
        let fmt = t.i("DurationFormat");
        let units = unit(fmt, default_units);
        let d = |name: &str| t.hours(name).map(|h| dur(h, units, &f));
        p.tasks.push(Task {
            uid: t.i("UID").unwrap_or(0) as i32,
            id: t.i("ID").unwrap_or(0) as i32,
            guid: t.s("GUID").and_then(|g| Guid::parse(&g)),
            name: t.s("Name"),
            is_null: t.b("IsNull"),
            active: t.b("Active"),
            manual: t.b("Manual"),
            task_type: t.i("Type").unwrap_or(0) as u16,
            created: t.d("CreateDate"),
            contact: t.s("Contact"),
            wbs: t.s("WBS"),
            outline_number: t.s("OutlineNumber"),
            outline_level: t.i("OutlineLevel").map(|v| v as i32),
            priority: t.i("Priority").map(|v| v as u16),
            start: t.d("Start"),
            finish: t.d("Finish"),
            duration: if t.b("IsNull") {
                None
            } else {
                d("Duration").or(Some(Duration::new(0.0, units)))
            },
            work: t.hours("Work"),
            stop: t.d("Stop"),
            resume: t.d("Resume"),
            effort_driven: t.b("EffortDriven"),
            recurring: t.b("Recurring"),
            estimated: t.b("Estimated"),
            milestone: t.b("Milestone"),
            summary: t.b("Summary"),
            is_subproject: t.b("IsSubproject"),
            subproject_name: t.s("SubprojectName"),
            external_task: t.b("ExternalTask"),
            early_start: t.d("EarlyStart"),
            early_finish: t.d("EarlyFinish"),
            late_start: t.d("LateStart"),
            late_finish: t.d("LateFinish"),
            // Left for the writer to compute on the calendars.
            start_variance: None,
            finish_variance: None,
            free_slack: tenths(t, "FreeSlack"),
            // Left for the writer to compute from start/finish slack.
            total_slack: None,
            start_slack: (!t.b("IsNull"))
                .then(|| tenths_in(t, "StartSlack", units).unwrap_or(Duration::new(0.0, units))),
            finish_slack: (!t.b("IsNull"))
                .then(|| tenths_in(t, "FinishSlack", units).unwrap_or(Duration::new(0.0, units))),
            fixed_cost: t.money("FixedCost"),
            fixed_cost_accrual: t.i("FixedCostAccrual").map(|v| v as u16),
            percent_complete: t.f("PercentComplete"),
            percent_work_complete: t.f("PercentWorkComplete"),
            physical_percent_complete: t.f("PhysicalPercentComplete"),
            cost: t.money("Cost"),
            overtime_cost: t.money("OvertimeCost"),
            overtime_work: t.hours("OvertimeWork"),
            actual_start: t.d("ActualStart"),
            actual_finish: t.d("ActualFinish"),
            actual_duration: d("ActualDuration"),
            actual_cost: t.money("ActualCost"),
            actual_overtime_cost: t.money("ActualOvertimeCost"),
            actual_work: t.hours("ActualWork"),
            actual_overtime_work: t.hours("ActualOvertimeWork"),
            regular_work: t.hours("RegularWork"),
            remaining_duration: d("RemainingDuration")
                .or_else(|| (!t.b("IsNull")).then(|| Duration::new(0.0, units))),
            remaining_cost: t.money("RemainingCost"),
            remaining_work: t.hours("RemainingWork"),
            remaining_overtime_cost: t.money("RemainingOvertimeCost"),
            remaining_overtime_work: t.hours("RemainingOvertimeWork"),
            acwp: t.money("ACWP"),
            bcws: t.money("BCWS"),
            bcwp: t.money("BCWP"),
            constraint_type: t.i("ConstraintType").map(|v| v as u16),
            constraint_date: t.d("ConstraintDate"),
            calendar_uid: t.i("CalendarUID").filter(|&c| c != -1).map(|v| v as i32),
            deadline: t.d("Deadline"),
            level_assignments: t.b("LevelAssignments"),
            leveling_can_split: t.b("LevelingCanSplit"),
            leveling_delay: t.f("LevelingDelay").map(|v| {
                let u = unit(t.i("LevelingDelayFormat"), default_units);
                Duration::new(v / 10.0 / f.minutes_per(u).max(1.0), u)
            }),
            hyperlink: hyperlink(t),
            ignore_resource_calendar: t.b("IgnoreResourceCalendar"),
            notes: t.s("Notes"),
            hide_bar: t.b("HideBar"),
            rollup: t.b("Rollup"),
            earned_value_method: t.i("EarnedValueMethod").map(|v| v as u16),
            predecessors: t
                .all("PredecessorLink")
                .map(|l| Relation {
                    uid: None,
                    predecessor_uid: l.i("PredecessorUID").unwrap_or(0) as i32,
                    kind: RelationType::from_code(l.i("Type").unwrap_or(1) as u16),
                    lag_tenths: l.i("LinkLag").unwrap_or(0) as i32,
                    lag_units: unit(l.i("LagFormat"), default_units),
                })
                .collect(),
            baselines: {
                let mut b = baselines(t, &f, true);
                // MPP files always hold a baseline 0 work/cost.
                if !b.iter().any(|b| b.number == 0) {
                    b.push(Baseline::default());
                }
                if let Some(wv) = t.f("WorkVariance") {
                    if let Some(b0) = b.iter_mut().find(|b| b.number == 0) {
                        b0.work = Some(t.hours("Work").unwrap_or(0.0) - wv / 60_000.0);
                    }
                }
                b
            },
            start_text: t.s("StartText"),
            finish_text: t.s("FinishText"),
            duration_text: t.s("DurationText"),
            manual_duration: d("ManualDuration"),
            ..Task::default()
        });
    }

    for r in root
        .child("Resources")
        .into_iter()
        .flat_map(|n| n.all("Resource"))
    {
        let kind = if r.b("IsCostResource") {
            ResourceType::Cost
        } else if r.i("Type") == Some(0) {
            ResourceType::Material
        } else {
            ResourceType::Work
        };
        let mut bl = baselines(r, &f, true);
        if !bl.iter().any(|b| b.number == 0) {
            bl.push(Baseline::default());
        }
        if let Some(b0) = bl.iter_mut().find(|b| b.number == 0) {
            if let Some(wv) = r.f("WorkVariance") {
                b0.work = Some(r.hours("Work").unwrap_or(0.0) - wv / 60_000.0);
            }
            if let Some(cv) = r.money("CostVariance") {
                b0.cost = Some(r.money("Cost").unwrap_or(0.0) - cv);
            } else if b0.cost.is_none() {
                b0.cost = r.money("Cost");
            }
        }
        p.resources.push(Resource {
            uid: r.i("UID").unwrap_or(0) as i32,
            id: r.i("ID").unwrap_or(0) as i32,
            guid: r.s("GUID").and_then(|g| Guid::parse(&g)),
            name: r.s("Name"),
            resource_type: kind,
            is_null: r.b("IsNull"),
            initials: r.s("Initials"),
            phonetics: r.s("Phonetics"),
            nt_account: r.s("NTAccount"),
            material_label: r.s("MaterialLabel"),
            code: r.s("Code"),
            group: r.s("Group"),
            work_group: r.i("WorkGroup").map(|v| v as u16),
            email: r.s("EmailAddress"),
            hyperlink: hyperlink(r),
            max_units: r.f("MaxUnits"),
            peak_units: r.f("PeakUnits"),
            over_allocated: r.b("OverAllocated"),
            // Derived by the writer, as MPXJ does for MPP files.
            available_from: None,
            available_to: None,
            start: None,
            finish: None,
            can_level: r.b("CanLevel"),
            accrue_at: r.i("AccrueAt").map(|v| v as u16),
            work: r.hours("Work"),
            regular_work: r.hours("RegularWork"),
            overtime_work: r.hours("OvertimeWork"),
            actual_work: r.hours("ActualWork"),
            remaining_work: r.hours("RemainingWork"),
            actual_overtime_work: r.hours("ActualOvertimeWork"),
            remaining_overtime_work: r.hours("RemainingOvertimeWork"),
            percent_work_complete: r.f("PercentWorkComplete"),
            standard_rate: r.f("StandardRate"),
            standard_rate_units: r.i("StandardRateFormat").map(|v| v as u16),
            cost: r.money("Cost"),
            overtime_rate: r.f("OvertimeRate"),
            overtime_rate_units: r.i("OvertimeRateFormat").map(|v| v as u16),
            overtime_cost: r.money("OvertimeCost"),
            cost_per_use: r.money("CostPerUse"),
            actual_cost: r.money("ActualCost"),
            actual_overtime_cost: r.money("ActualOvertimeCost"),
            remaining_cost: r.money("RemainingCost"),
            remaining_overtime_cost: r.money("RemainingOvertimeCost"),
            sv: r.money("SV"),
            acwp: r.money("ACWP"),
            bcws: r.money("BCWS"),
            bcwp: r.money("BCWP"),
            calendar_uid: r.i("CalendarUID").map(|v| v as i32),
            notes: r.s("Notes"),
            is_generic: r.b("IsGeneric"),
            is_inactive: r.b("IsInactive"),
            is_enterprise: r.b("IsEnterprise"),
            is_budget: r.b("IsBudget"),
            booking_type: r.i("BookingType").map(|v| v as u16),
            created: r.d("CreationDate"),
            cost_center: r.s("CostCenter"),
            baselines: bl,
            rates: r
                .child("Rates")
                .into_iter()
                .flat_map(|n| n.all("Rate"))
                .map(|e| CostRate {
                    table: e.i("RateTable").unwrap_or(0) as u8,
                    from: e.d("RatesFrom"),
                    to: e.d("RatesTo"),
                    standard_rate: e.f("StandardRate").unwrap_or(0.0),
                    standard_rate_units: e.i("StandardRateFormat").unwrap_or(2) as u16,
                    overtime_rate: e.f("OvertimeRate").unwrap_or(0.0),
                    overtime_rate_units: e.i("OvertimeRateFormat").unwrap_or(2) as u16,
                    cost_per_use: e.money("CostPerUse").unwrap_or(0.0),
                })
                .collect(),
            availability: r
                .child("AvailabilityPeriods")
                .into_iter()
                .flat_map(|n| n.all("AvailabilityPeriod"))
                .map(|e| Availability {
                    from: e.d("AvailableFrom"),
                    to: e.d("AvailableTo"),
                    units: e.f("AvailableUnits").unwrap_or(1.0),
                })
                .collect(),
            ..Resource::default()
        });
    }

    for a in root
        .child("Assignments")
        .into_iter()
        .flat_map(|n| n.all("Assignment"))
    {
        let ruid = a.i("ResourceUID").unwrap_or(-65535) as i32;
        if ruid == -65535 && a.s("WorkContour").is_none() {
            // MPXJ's placeholder: the writer makes it again.
            continue;
        }
        let mut bl = baselines(a, &f, false);
        for b in &mut bl {
            b.cost = b.cost.map(|c| c / 100.0);
        }
        if !bl.iter().any(|b| b.number == 0) {
            bl.push(Baseline::default());
        }
        if let Some(b0) = bl.iter_mut().find(|b| b.number == 0) {
            if let Some(wv) = a.f("WorkVariance") {
                b0.work = Some(a.hours("Work").unwrap_or(0.0) - wv / 60_000.0);
            }
            if let Some(cv) = a.money("CostVariance") {
                b0.cost = Some(a.money("Cost").unwrap_or(0.0) - cv);
            } else if b0.cost.is_none() {
                b0.cost = a.money("Cost");
            }
        }
        p.assignments.push(Assignment {
            uid: a.i("UID").unwrap_or(0) as i32,
            guid: a.s("GUID").and_then(|g| Guid::parse(&g)),
            task_uid: a.i("TaskUID").unwrap_or(0) as i32,
            resource_uid: (ruid != -65535).then_some(ruid),
            percent_work_complete: a.f("PercentWorkComplete"),
            actual_cost: a.money("ActualCost"),
            actual_start: a.d("ActualStart"),
            actual_finish: a.d("ActualFinish"),
            actual_overtime_cost: a.money("ActualOvertimeCost"),
            actual_overtime_work: a.hours("ActualOvertimeWork"),
            actual_work: a.hours("ActualWork"),
            acwp: a.money("ACWP"),
            cost: a.money("Cost"),
            cost_rate_table: a.i("CostRateTable").map(|v| v as u16),
            delay: tenths(a, "Delay"),
            finish: a.d("Finish"),
            finish_variance: None,
            hyperlink: hyperlink(a),
            leveling_delay: tenths(a, "LevelingDelay"),
            notes: a.s("Notes"),
            overtime_cost: a.money("OvertimeCost"),
            overtime_work: a.hours("OvertimeWork"),
            regular_work: a.hours("RegularWork"),
            remaining_cost: a.money("RemainingCost"),
            remaining_overtime_cost: a.money("RemainingOvertimeCost"),
            remaining_overtime_work: a.hours("RemainingOvertimeWork"),
            remaining_work: a.hours("RemainingWork"),
            start: a.d("Start"),
            stop: a.d("Stop"),
            resume: a.d("Resume"),
            start_variance: None,
            units: a.f("Units"),
            work: a.hours("Work"),
            work_contour: a.i("WorkContour").map(|v| v as u16),
            bcws: a.money("BCWS"),
            bcwp: a.money("BCWP"),
            created: a.d("CreationDate"),
            budget_cost: a.money("BudgetCost"),
            budget_work: a.hours("BudgetWork"),
            baselines: bl,
            ..Assignment::default()
        });
    }
    p
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|x| x == "xml") {
            out.push(path);
        }
    }
}

#[test]
#[ignore = "needs MSPDI_REFS and MSPDI_OUT"]
fn rewrite_references() {
    let (Ok(refs), Ok(out)) = (std::env::var("MSPDI_REFS"), std::env::var("MSPDI_OUT")) else {
        return;
    };
    let mut files = Vec::new();
    walk(Path::new(&refs), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut project = load(&parse(&text));
        // Variances are the reader's to derive, as for MPP input.
        mpp_core::worktime::fill_variances(&mut project);
        let rel = file.strip_prefix(&refs).unwrap();
        let target = Path::new(&out).join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        let f = std::fs::File::create(&target).unwrap();
        mpp_xml::write(&project, f, &mpp_xml::WriteOptions::default()).unwrap();
    }
}
