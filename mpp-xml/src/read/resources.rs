//! `<Resources>`: resource fields, rate tables, availability, baselines.

use mpp_core::{Availability, CostRate, Project, Resource, ResourceType};

use super::tasks::{baselines, hyperlink};
use super::tree::Node;
use super::{custom, Ctx};

pub fn read(ctx: &Ctx, r: &Node, p: &mut Project) {
    let Some(uid) = r.i32("UID") else {
        return;
    };
    let resource_type = if r.flag("IsCostResource") {
        ResourceType::Cost
    } else if r.int("Type") == Some(0) {
        ResourceType::Material
    } else {
        ResourceType::Work
    };
    let resource = Resource {
        uid,
        id: r.i32("ID").unwrap_or(0),
        guid: r.guid("GUID"),
        name: r.string("Name"),
        resource_type,
        is_null: r.flag("IsNull"),
        initials: r.string("Initials"),
        phonetics: r.string("Phonetics"),
        nt_account: r.string("NTAccount"),
        material_label: r.string("MaterialLabel"),
        code: r.string("Code"),
        group: r.string("Group"),
        work_group: r.u16("WorkGroup"),
        email: r.string("EmailAddress"),
        hyperlink: hyperlink(r),
        max_units: r.float("MaxUnits"),
        peak_units: r.float("PeakUnits"),
        over_allocated: r.flag("OverAllocated"),
        available_from: r.date("AvailableFrom"),
        available_to: r.date("AvailableTo"),
        start: r.date("Start"),
        finish: r.date("Finish"),
        can_level: r.flag("CanLevel"),
        accrue_at: r.u16("AccrueAt"),
        work: r.hours("Work"),
        regular_work: r.hours("RegularWork"),
        overtime_work: r.hours("OvertimeWork"),
        actual_work: r.hours("ActualWork"),
        remaining_work: r.hours("RemainingWork"),
        actual_overtime_work: r.hours("ActualOvertimeWork"),
        remaining_overtime_work: r.hours("RemainingOvertimeWork"),
        percent_work_complete: r.float("PercentWorkComplete"),
        standard_rate: r.nonzero("StandardRate"),
        standard_rate_units: r.u16("StandardRateFormat"),
        cost: r.money("Cost"),
        overtime_rate: r.nonzero("OvertimeRate"),
        overtime_rate_units: r.u16("OvertimeRateFormat"),
        overtime_cost: r.money("OvertimeCost"),
        cost_per_use: r.money("CostPerUse"),
        actual_cost: r.money("ActualCost"),
        actual_overtime_cost: r.money("ActualOvertimeCost"),
        remaining_cost: r.money("RemainingCost"),
        remaining_overtime_cost: r.money("RemainingOvertimeCost"),
        // Computed by the writer when empty: taken as written (absent = zero).
        work_variance: Some(r.nonzero("WorkVariance").map_or(0.0, |v| v / 60_000.0)),
        cost_variance: Some(r.money("CostVariance").unwrap_or(0.0)),
        sv: Some(r.money("SV").unwrap_or(0.0)),
        cv: Some(r.money("CV").unwrap_or(0.0)),
        acwp: r.money("ACWP"),
        bcws: r.money("BCWS"),
        bcwp: r.money("BCWP"),
        calendar_uid: r.i32("CalendarUID"),
        notes: r.string("Notes"),
        is_generic: r.flag("IsGeneric"),
        is_inactive: r.flag("IsInactive"),
        is_enterprise: r.flag("IsEnterprise"),
        is_budget: r.flag("IsBudget"),
        booking_type: r.u16("BookingType"),
        created: r.date("CreationDate"),
        cost_center: r.string("CostCenter"),
        custom: custom::read_values(ctx, r, p),
        baselines: baselines(r, ctx, false),
        rates: r.nested("Rates", "Rate").map(rate).collect(),
        availability: r
            .nested("AvailabilityPeriods", "AvailabilityPeriod")
            .map(|a| Availability {
                from: a.date("AvailableFrom"),
                to: a.date("AvailableTo"),
                units: a.float("AvailableUnits").unwrap_or(1.0),
            })
            .collect(),
    };
    p.resources.push(resource);
}

fn rate(e: &Node) -> CostRate {
    CostRate {
        table: e.u8("RateTable").filter(|&t| t < 5).unwrap_or(0),
        from: e.date("RatesFrom"),
        to: e.date("RatesTo"),
        standard_rate: e.float("StandardRate").unwrap_or(0.0),
        standard_rate_units: e.u16("StandardRateFormat").unwrap_or(2),
        overtime_rate: e.float("OvertimeRate").unwrap_or(0.0),
        overtime_rate_units: e.u16("OvertimeRateFormat").unwrap_or(2),
        cost_per_use: e.money_exact("CostPerUse").unwrap_or(0.0),
    }
}
