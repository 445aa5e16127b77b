//! `<Resources>`: one `<Resource>` per model resource, in model order.

use std::collections::HashMap;
use std::io::{self, Write};

use mpp_core::{Availability, CostRate, DateTime, Project, Resource, ResourceType};

use super::{baseline, custom, strip_control, synthesized_resource_calendars, Ctx, Xml};
use crate::format::{
    bool01, money, money_opt, percent, rate, rate_opt, units, work_opt, work_variance,
};

/// Project's "NA" bounds of rate tables and availability (1984-01-01 00:00,
/// 2049-12-31 23:59): ranges reaching them are open-ended.
fn start_na() -> Option<DateTime> {
    DateTime::new(1984, 1, 1, 0, 0, 0)
}

fn end_na() -> Option<DateTime> {
    DateTime::new(2049, 12, 31, 23, 59, 0)
}

pub fn write<W: Write>(x: &mut Xml<W>, ctx: &Ctx) -> io::Result<()> {
    let p = ctx.p;
    if p.resources.is_empty() {
        return x.empty("Resources");
    }
    let spans = assignment_spans(p);
    let made: HashMap<i32, i32> = synthesized_resource_calendars(p)
        .into_iter()
        .map(|s| (s.resource_uid, s.uid))
        .collect();
    x.open("Resources")?;
    for r in &p.resources {
        let calendar = made.get(&r.uid).copied().or(r.calendar_uid);
        write_resource(x, ctx, r, spans.get(&r.uid).copied(), calendar)?;
    }
    x.close("Resources")
}

/// Earliest start and latest finish of each resource's assignments (an
/// assignment without dates takes its task's), used when the resource has
/// none of its own.
fn assignment_spans(p: &Project) -> HashMap<i32, (Option<DateTime>, Option<DateTime>)> {
    let tasks: HashMap<i32, &mpp_core::Task> = p.tasks.iter().map(|t| (t.uid, t)).collect();
    let mut out: HashMap<i32, (Option<DateTime>, Option<DateTime>)> = HashMap::new();
    for a in &p.assignments {
        let Some(ruid) = a.resource_uid else { continue };
        let task = tasks.get(&a.task_uid);
        let start = a.start.or_else(|| task.and_then(|t| t.start));
        let finish = a.finish.or_else(|| task.and_then(|t| t.finish));
        let e = out.entry(ruid).or_insert((None, None));
        e.0 = match (e.0, start) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        e.1 = match (e.1, finish) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
    out
}

fn write_resource<W: Write>(
    x: &mut Xml<W>,
    ctx: &Ctx,
    r: &Resource,
    span: Option<(Option<DateTime>, Option<DateTime>)>,
    calendar_uid: Option<i32>,
) -> io::Result<()> {
    let p = ctx.p;
    let timed = r.resource_type == ResourceType::Work;
    x.open("Resource")?;
    x.elem("UID", &r.uid.to_string())?;
    x.opt("GUID", r.guid)?;
    x.elem("ID", &r.id.to_string())?;
    x.opt("Name", r.name.as_deref().map(resource_name))?;
    x.elem("Type", if timed { "1" } else { "0" })?;
    x.elem("IsNull", bool01(r.is_null))?;
    x.opt("Initials", r.initials.as_ref())?;
    x.opt("Phonetics", r.phonetics.as_ref())?;
    x.opt("NTAccount", r.nt_account.as_ref())?;
    if r.resource_type == ResourceType::Material {
        x.opt(
            "MaterialLabel",
            r.material_label.as_deref().map(material_label),
        )?;
    }
    x.opt("Code", r.code.as_ref())?;
    x.opt("Group", r.group.as_ref())?;
    x.opt("WorkGroup", r.work_group)?;
    x.opt("EmailAddress", r.email.as_ref())?;
    if let Some(h) = &r.hyperlink {
        x.opt("Hyperlink", h.text.as_ref())?;
        x.opt("HyperlinkAddress", h.address.as_ref())?;
        x.opt("HyperlinkSubAddress", h.sub_address.as_ref())?;
    }
    x.elem("MaxUnits", &units(r.max_units))?;
    x.elem("PeakUnits", &units(r.peak_units))?;
    x.elem("OverAllocated", bool01(r.over_allocated))?;
    // Without stored values, MPXJ derives these from the availability table
    // as of "today": the write option's current date, else after every range.
    let today = ctx
        .opts
        .current_date
        .unwrap_or(DateTime::from_secs(i64::MAX / 4));
    let from = r
        .available_from
        .or_else(|| available_from(&r.availability, today));
    let to = r
        .available_to
        .or_else(|| available_to(&r.availability, today));
    x.opt("AvailableFrom", from)?;
    x.opt("AvailableTo", to)?;
    x.opt("Start", r.start.or(span.and_then(|s| s.0)))?;
    x.opt("Finish", r.finish.or(span.and_then(|s| s.1)))?;
    x.elem("CanLevel", bool01(r.can_level))?;
    x.opt("AccrueAt", r.accrue_at)?;
    x.opt("Work", work_opt(r.work))?;
    x.opt("RegularWork", work_opt(r.regular_work))?;
    x.opt("OvertimeWork", work_opt(r.overtime_work))?;
    x.opt("ActualWork", work_opt(r.actual_work))?;
    x.opt("RemainingWork", work_opt(r.remaining_work))?;
    x.opt("ActualOvertimeWork", work_opt(r.actual_overtime_work))?;
    x.opt("RemainingOvertimeWork", work_opt(r.remaining_overtime_work))?;
    x.opt("PercentWorkComplete", r.percent_work_complete.map(percent))?;
    // Material and cost resources have flat rates: MPXJ prints fixed formats.
    let flat = r.uid != 0 && !timed;
    x.opt("StandardRate", rate_opt(r.standard_rate))?;
    let std_format = if flat {
        8
    } else {
        r.standard_rate_units.unwrap_or(2)
    };
    x.elem("StandardRateFormat", &std_format.to_string())?;
    x.opt("Cost", money_opt(r.cost))?;
    x.opt("OvertimeRate", rate_opt(r.overtime_rate))?;
    let ot_format = if flat {
        2
    } else {
        r.overtime_rate_units.unwrap_or(2)
    };
    x.elem("OvertimeRateFormat", &ot_format.to_string())?;
    x.opt("OvertimeCost", money_opt(r.overtime_cost))?;
    x.opt("CostPerUse", money_opt(r.cost_per_use))?;
    x.opt("ActualCost", money_opt(r.actual_cost))?;
    x.opt("ActualOvertimeCost", money_opt(r.actual_overtime_cost))?;
    x.opt("RemainingCost", money_opt(r.remaining_cost))?;
    x.opt(
        "RemainingOvertimeCost",
        money_opt(r.remaining_overtime_cost),
    )?;
    // Variances against baseline 0; MPP files always carry a (maybe zero) baseline.
    let b0 = baseline(&r.baselines, 0);
    let wv = r.work_variance.or_else(|| {
        (!r.is_null).then(|| r.work.unwrap_or(0.0) - b0.and_then(|b| b.work).unwrap_or(0.0))
    });
    x.opt("WorkVariance", work_variance(wv))?;
    let cv = r.cost_variance.or_else(|| {
        (!r.is_null).then(|| r.cost.unwrap_or(0.0) - b0.and_then(|b| b.cost).unwrap_or(0.0))
    });
    x.opt("CostVariance", money_opt(cv))?;
    let sv = r.sv.or_else(|| Some(r.bcwp? - r.bcws?));
    x.opt("SV", money_opt(sv))?;
    let earned =
        r.cv.unwrap_or_else(|| r.bcwp.unwrap_or(0.0) - r.acwp.unwrap_or(0.0));
    x.opt("CV", money_opt(Some(earned)))?;
    x.opt("ACWP", money_opt(r.acwp))?;
    x.opt("CalendarUID", calendar_uid)?;
    x.opt("Notes", r.notes.as_ref().filter(|n| !n.is_empty()))?;
    x.opt("BCWS", money_opt(r.bcws))?;
    x.opt("BCWP", money_opt(r.bcwp))?;
    x.elem("IsGeneric", bool01(r.is_generic))?;
    x.elem("IsInactive", bool01(r.is_inactive))?;
    x.elem("IsEnterprise", bool01(r.is_enterprise))?;
    x.opt("BookingType", r.booking_type)?;
    x.opt("CreationDate", r.created)?;
    custom::write_values(x, p, &r.custom)?;
    write_baselines(x, r)?;
    custom::write_outline_code_values(x, p, &r.custom)?;
    x.opt("CostCenter", r.cost_center.as_ref())?;
    if r.resource_type == ResourceType::Cost {
        x.elem("IsCostResource", "1")?;
    }
    x.elem("IsBudget", bool01(r.is_budget))?;
    write_availability(x, &r.availability)?;
    write_rates(x, r)?;
    x.close("Resource")
}

/// Resource names cannot hold `,` (Project's list separator) or brackets.
fn resource_name(name: &str) -> String {
    strip_control(name)
        .chars()
        .map(|c| match c {
            ',' => ';',
            '[' | ']' => ' ',
            c => c,
        })
        .collect()
}

/// Material labels: no brackets, not a bare time-unit abbreviation, at
/// most 32 characters.
fn material_label(text: &str) -> String {
    const UNIT_NAMES: [&str; 14] = [
        "m", "h", "d", "w", "mo", "%", "y", "em", "eh", "ed", "ew", "emo", "ey", "e%",
    ];
    if text.is_empty() {
        return String::new();
    }
    let mut s: String = text.chars().filter(|&c| c != '[' && c != ']').collect();
    if UNIT_NAMES.contains(&s.trim()) {
        s = format!("{}.", s.trim());
    }
    s.chars().take(32).collect()
}

fn write_baselines<W: Write>(x: &mut Xml<W>, r: &Resource) -> io::Result<()> {
    for n in 0..=10u8 {
        let Some(b) = baseline(&r.baselines, n) else {
            continue;
        };
        let cost = b.cost.filter(|c| c.trunc() != 0.0);
        let work = b.work.filter(|&w| w != 0.0);
        if cost.is_none() && work.is_none() {
            continue;
        }
        x.open("Baseline")?;
        x.elem("Number", &n.to_string())?;
        x.opt("Work", work_opt(work))?;
        x.opt("Cost", money_opt(cost))?;
        x.close("Baseline")?;
    }
    Ok(())
}

/// True when the table is empty or one range without bounds.
fn default_availability(list: &[Availability]) -> bool {
    match list {
        [] => true,
        [a] => {
            a.from.is_none_or(|d| Some(d) == start_na()) && a.to.is_none_or(|d| Some(d) >= end_na())
        }
        _ => false,
    }
}

/// Ranges sorted by start, open starts first.
fn sorted_ranges(list: &[Availability]) -> Vec<&Availability> {
    let mut v: Vec<&Availability> = list.iter().collect();
    v.sort_by_key(|a| a.from);
    v
}

/// Start of the availability that holds on `today` (none when open-ended),
/// or the minute after the last range that ended before it.
fn available_from(list: &[Availability], today: DateTime) -> Option<DateTime> {
    if default_availability(list) {
        return None;
    }
    let mut prev: Option<&Availability> = None;
    for a in sorted_ranges(list) {
        let start = a.from.or_else(start_na)?;
        if today < start {
            return prev.and_then(|p| p.to).map(|d| d.add_secs(60));
        }
        if a.to.is_none_or(|end| Some(end) > end_na() || today <= end) {
            return (Some(start) != start_na()).then_some(start);
        }
        prev = Some(a);
    }
    prev.and_then(|p| p.to).map(|d| d.add_secs(60))
}

/// End of the availability that holds on `today` (none when open-ended), or
/// the minute before the next range starts.
fn available_to(list: &[Availability], today: DateTime) -> Option<DateTime> {
    if default_availability(list) {
        return None;
    }
    for a in sorted_ranges(list) {
        let end = a.to.or_else(end_na)?;
        if today > end {
            continue;
        }
        let start = a.from.or_else(start_na)?;
        if today < start {
            return Some(start.add_secs(-60));
        }
        return (Some(end) <= end_na()).then_some(end);
    }
    None
}

/// Availability periods, unless there is only the default open-ended one.
fn write_availability<W: Write>(x: &mut Xml<W>, list: &[Availability]) -> io::Result<()> {
    if default_availability(list) {
        return Ok(());
    }
    x.open("AvailabilityPeriods")?;
    for a in list {
        x.open("AvailabilityPeriod")?;
        x.opt("AvailableFrom", a.from)?;
        x.opt("AvailableTo", a.to)?;
        x.elem("AvailableUnits", &units(Some(a.units)))?;
        x.close("AvailabilityPeriod")?;
    }
    x.close("AvailabilityPeriods")
}

/// Cost rate tables: B..E always, A only when it has several entries or
/// differs from the resource's own rates; within a table, only entries that
/// hold a rate, a cost per use or a bounded date range.
fn write_rates<W: Write>(x: &mut Xml<W>, r: &Resource) -> io::Result<()> {
    let mut opened = false;
    for table in 0..5u8 {
        let entries: Vec<&CostRate> = r.rates.iter().filter(|e| e.table == table).collect();
        let needed = match entries.as_slice() {
            [] => false,
            [e] if table == 0 => {
                e.standard_rate != r.standard_rate.unwrap_or(0.0)
                    || e.overtime_rate != r.overtime_rate.unwrap_or(0.0)
                    || e.cost_per_use != r.cost_per_use.unwrap_or(0.0)
                    || r.standard_rate_units
                        .is_some_and(|u| u != e.standard_rate_units)
                    || r.overtime_rate_units
                        .is_some_and(|u| u != e.overtime_rate_units)
            }
            _ => true,
        };
        if !needed {
            continue;
        }
        for e in entries {
            let bounded = e.from.is_some_and(|d| Some(d) > start_na())
                || e.to.is_some_and(|d| Some(d) > end_na());
            if !(bounded
                || e.cost_per_use != 0.0
                || e.standard_rate != 0.0
                || e.overtime_rate != 0.0)
            {
                continue;
            }
            if !opened {
                x.open("Rates")?;
                opened = true;
            }
            x.open("Rate")?;
            x.opt("RatesFrom", e.from)?;
            x.opt("RatesTo", e.to)?;
            x.elem("RateTable", &table.to_string())?;
            x.elem("StandardRate", &rate(e.standard_rate))?;
            x.elem("StandardRateFormat", &e.standard_rate_units.to_string())?;
            x.elem("OvertimeRate", &rate(e.overtime_rate))?;
            x.elem("OvertimeRateFormat", &e.overtime_rate_units.to_string())?;
            x.elem("CostPerUse", &money(e.cost_per_use))?;
            x.close("Rate")?;
        }
    }
    if opened {
        x.close("Rates")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use mpp_core::{Assignment, Baseline, Task};

    use super::super::test_util::{render, section};
    use super::*;

    #[test]
    fn work_resource_fields_in_order() {
        let r = Resource {
            uid: 1,
            id: 1,
            name: Some("Smith, J [x]".into()),
            initials: Some("S".into()),
            work_group: Some(0),
            max_units: Some(1.0),
            peak_units: Some(0.0),
            accrue_at: Some(3),
            work: Some(16.0),
            standard_rate: Some(50.0),
            standard_rate_units: Some(2),
            cost: Some(800.0),
            cost_per_use: Some(1.23),
            calendar_uid: Some(3),
            booking_type: Some(0),
            baselines: vec![Baseline {
                number: 1,
                work: Some(8.0),
                cost: Some(400.0),
                ..Baseline::default()
            }],
            rates: vec![CostRate {
                table: 0,
                from: start_na(),
                to: end_na(),
                standard_rate: 50.0,
                standard_rate_units: 2,
                overtime_rate: 0.0,
                overtime_rate_units: 2,
                cost_per_use: 1.23,
            }],
            ..Resource::default()
        };
        let p = Project {
            tasks: vec![Task {
                uid: 1,
                start: DateTime::new(2016, 1, 4, 8, 0, 0),
                finish: DateTime::new(2016, 1, 5, 17, 0, 0),
                ..Task::default()
            }],
            resources: vec![r],
            assignments: vec![Assignment {
                task_uid: 1,
                resource_uid: Some(1),
                ..Assignment::default()
            }],
            ..Project::default()
        };
        let doc = render(&p);
        assert_eq!(
            section(&doc, "Resource", 0),
            "<UID>1</UID>|<ID>1</ID>|<Name>Smith; J  x </Name>|<Type>1</Type>|<IsNull>0</IsNull>|<Initials>S</Initials>|\
<WorkGroup>0</WorkGroup>|<MaxUnits>1</MaxUnits>|<PeakUnits>0</PeakUnits>|<OverAllocated>0</OverAllocated>|\
<Start>2016-01-04T08:00:00</Start>|<Finish>2016-01-05T17:00:00</Finish>|<CanLevel>0</CanLevel>|\
<AccrueAt>3</AccrueAt>|<Work>PT16H0M0S</Work>|<StandardRate>50</StandardRate>|\
<StandardRateFormat>2</StandardRateFormat>|<Cost>80000</Cost>|<OvertimeRateFormat>2</OvertimeRateFormat>|\
<CostPerUse>123</CostPerUse>|<WorkVariance>960000.0</WorkVariance>|<CostVariance>80000</CostVariance>|\
<CalendarUID>3</CalendarUID>|<IsGeneric>0</IsGeneric>|<IsInactive>0</IsInactive>|<IsEnterprise>0</IsEnterprise>|\
<BookingType>0</BookingType>|<Baseline>|<Number>1</Number>|<Work>PT8H0M0S</Work>|<Cost>40000</Cost>|</Baseline>|\
<IsBudget>0</IsBudget>"
        );
    }

    #[test]
    fn availability_as_of_a_date() {
        let d = |m, day, h, min| DateTime::new(2009, m, day, h, min, 0).unwrap();
        let list = vec![
            Availability {
                from: Some(d(6, 1, 0, 0)),
                to: Some(d(7, 1, 23, 59)),
                units: 1.0,
            },
            Availability {
                from: Some(d(8, 20, 0, 0)),
                to: Some(d(8, 30, 23, 59)),
                units: 0.75,
            },
        ];
        assert_eq!(available_from(&list, d(6, 10, 0, 0)), Some(d(6, 1, 0, 0)));
        assert_eq!(available_to(&list, d(6, 10, 0, 0)), Some(d(7, 1, 23, 59)));
        assert_eq!(available_from(&list, d(8, 1, 0, 0)), Some(d(7, 2, 0, 0)));
        assert_eq!(available_to(&list, d(8, 1, 0, 0)), Some(d(8, 19, 23, 59)));
        assert_eq!(available_from(&list, d(12, 1, 0, 0)), Some(d(8, 31, 0, 0)));
        assert_eq!(available_to(&list, d(12, 1, 0, 0)), None);
        assert_eq!(available_from(&[], d(12, 1, 0, 0)), None);
    }

    #[test]
    fn cost_and_material_resources_rates_and_availability() {
        let cost = Resource {
            uid: 3,
            id: 3,
            resource_type: ResourceType::Cost,
            ..Resource::default()
        };
        let material = Resource {
            uid: 4,
            id: 4,
            resource_type: ResourceType::Material,
            material_label: Some("[h]".into()),
            standard_rate: Some(5.0),
            rates: vec![
                CostRate {
                    table: 0,
                    from: start_na(),
                    to: DateTime::new(2009, 6, 15, 7, 59, 0),
                    standard_rate: 5.0,
                    standard_rate_units: 2,
                    overtime_rate: 0.0,
                    overtime_rate_units: 2,
                    cost_per_use: 0.0,
                },
                CostRate {
                    table: 0,
                    from: DateTime::new(2009, 6, 15, 8, 0, 0),
                    to: end_na(),
                    standard_rate: 1200.0,
                    standard_rate_units: 1,
                    overtime_rate: 0.0,
                    overtime_rate_units: 2,
                    cost_per_use: 0.0,
                },
                CostRate {
                    table: 1,
                    from: start_na(),
                    to: end_na(),
                    standard_rate: 0.0,
                    standard_rate_units: 2,
                    overtime_rate: 0.0,
                    overtime_rate_units: 2,
                    cost_per_use: 0.0,
                },
            ],
            availability: vec![Availability {
                from: DateTime::new(2009, 7, 2, 0, 0, 0),
                to: DateTime::new(2009, 8, 1, 23, 59, 0),
                units: 0.6,
            }],
            ..Resource::default()
        };
        let p = Project {
            resources: vec![cost, material],
            ..Project::default()
        };
        let doc = render(&p);
        let c = section(&doc, "Resource", 0);
        assert!(c.contains("<Type>0</Type>"), "{c}");
        assert!(c.contains(
            "<StandardRateFormat>8</StandardRateFormat>|<OvertimeRateFormat>2</OvertimeRateFormat>"
        ));
        assert!(
            c.ends_with("<IsCostResource>1</IsCostResource>|<IsBudget>0</IsBudget>"),
            "{c}"
        );
        let m = section(&doc, "Resource", 1);
        assert!(m.contains("<MaterialLabel>h.</MaterialLabel>"), "{m}");
        // "Today" is after every range: available from the minute after the last.
        assert!(m.contains("<OverAllocated>0</OverAllocated>|<AvailableFrom>2009-08-02T00:00:00</AvailableFrom>|<CanLevel>"), "{m}");
        assert!(m.ends_with(
            "<IsBudget>0</IsBudget>|<AvailabilityPeriods>|<AvailabilityPeriod>|\
<AvailableFrom>2009-07-02T00:00:00</AvailableFrom>|<AvailableTo>2009-08-01T23:59:00</AvailableTo>|\
<AvailableUnits>0.6</AvailableUnits>|</AvailabilityPeriod>|</AvailabilityPeriods>|<Rates>|<Rate>|\
<RatesFrom>1984-01-01T00:00:00</RatesFrom>|<RatesTo>2009-06-15T07:59:00</RatesTo>|<RateTable>0</RateTable>|\
<StandardRate>5</StandardRate>|<StandardRateFormat>2</StandardRateFormat>|<OvertimeRate>0</OvertimeRate>|\
<OvertimeRateFormat>2</OvertimeRateFormat>|<CostPerUse>0</CostPerUse>|</Rate>|<Rate>|\
<RatesFrom>2009-06-15T08:00:00</RatesFrom>|<RatesTo>2049-12-31T23:59:00</RatesTo>|<RateTable>0</RateTable>|\
<StandardRate>1200</StandardRate>|<StandardRateFormat>1</StandardRateFormat>|<OvertimeRate>0</OvertimeRate>|\
<OvertimeRateFormat>2</OvertimeRateFormat>|<CostPerUse>0</CostPerUse>|</Rate>|</Rates>"
        ), "{m}");
        // No resources at all: an empty element, as MPXJ writes it.
        assert!(render(&Project::default()).contains("    <Resources/>\n"));
    }
}
