//! Tasks (`TBkndTask`, 316- or 366-byte records) and their extended data.
//!
//! Record layout (offsets in bytes): uid i32@0, ID i32@4, blank row
//! `[8] & 1`, flags bytes 12..19, finish (= early finish) @20, late start
//! @24, resume @32, outline level u16@48, duration i32@68 with units u16@72,
//! actual/remaining/baseline duration @74/@78/@82, constraint type u16@88,
//! leveling delay i32@90 (thirds of a tenth of a minute) with units u16@94,
//! start (= early start) @96, actual start/finish @104/@108, baseline
//! start/finish @112/@116, constraint date @120, stop @124, priority u16@128,
//! % complete u16@130, % work complete u16@132, type u16@134, fixed cost
//! accrual u16@136, created @138, recurring u16@142, preleveled start/finish
//! @144/@148, late finish @160, 6-byte work amounts (thousandths of a
//! minute) @168..198, 6-byte money (cents)
//! @204..246, name reference @264, Flag bits `[268..271] & [303..306]`,
//! deletion flags u16@272, extended data reference @312, and in 366-byte
//! records a fallback notes reference @362.

use std::collections::HashSet;

use crate::bytes::{ansi_at, i32_at, u16_at, u8_at};
use crate::container::Container;
use crate::error::Result;
use crate::fields::{self, CustomKind, TASK};
use crate::model::{
    Baseline, CustomValue, DateTime, Duration, FieldValue, Project, Task, TimeFactors, TimeUnit,
};

use super::blocks::{ExtendedData, FixDeferFix, FixFix};
use super::{money_at, storage, work_at, TASK_SIZE, TASK_SIZE_LONG};

/// Extended-data keys of task records.
mod key {
    pub const WBS: u32 = 104;
    pub const CONTACT: u32 = 105;
    pub const TEXT1: u32 = 106;
    pub const START1: u32 = 116;
    pub const NUMBER1: u32 = 137;
    pub const DURATION1: u32 = 147;
    pub const RECURRING: u32 = 168;
    pub const DATE1: u32 = 174;
    pub const TEXT11: u32 = 184;
    pub const NUMBER11: u32 = 204;
    pub const HYPERLINK: u32 = 236;
    pub const COST1: u32 = 237;
    pub const NOTES: u32 = 247;
}

/// The extended-data key of custom field `n` (1-based) of a family, and for
/// durations the key of its units.
pub(super) fn custom_key(kind: CustomKind, n: u32) -> Option<(u32, Option<u32>)> {
    let k = n.checked_sub(1)?;
    let key = match (kind, k) {
        (CustomKind::Text, 0..=9) => key::TEXT1 + k,
        (CustomKind::Text, 10..=29) => key::TEXT11 + k - 10,
        (CustomKind::Start, 0..=9) => key::START1 + 2 * k,
        (CustomKind::Finish, 0..=9) => key::START1 + 1 + 2 * k,
        (CustomKind::Number, 0..=9) => key::NUMBER1 + k,
        (CustomKind::Number, 10..=19) => key::NUMBER11 + k - 10,
        (CustomKind::Duration, 0..=9) => {
            return Some((key::DURATION1 + 2 * k, Some(key::DURATION1 + 1 + 2 * k)))
        }
        (CustomKind::Date, 0..=9) => key::DATE1 + k,
        (CustomKind::Cost, 0..=9) => key::COST1 + k,
        _ => return None,
    };
    Some((key, None))
}

/// Whether the deletion flags at 272 mark a deleted task: a low bit set
/// without the 0xC0 bits, except two values seen on live tasks.
fn is_deleted(flags: u16) -> bool {
    flags & 0xC0 == 0 && flags & 0x03 != 0 && flags != 0x0031 && flags != 0x203D
}

pub fn read(c: &mut Container<'_>, project: &mut Project) -> Result<()> {
    let (mut fixed, var) = storage(c, "TBkndTask", TASK_SIZE)?;
    if fixed.remainder() != 0 {
        fixed = FixFix::new(fixed.into_data(), TASK_SIZE_LONG);
    }
    let factors = project.properties.factors;
    let default_units = project
        .properties
        .default_duration_units
        .unwrap_or(TimeUnit::Days);
    let mut tasks = Vec::new();
    let mut seen = HashSet::new();
    let mut any_wbs = false;
    for rec in fixed.records() {
        let Some(uid) = i32_at(rec, 0).filter(|&u| u >= 1) else {
            continue;
        };
        if is_deleted(u16_at(rec, 272).unwrap_or(0)) || u8_at(rec, 8).unwrap_or(0) & 1 != 0 {
            continue;
        }
        if !seen.insert(uid) {
            continue;
        }
        let t = decode(rec, uid, &var, &factors, default_units);
        any_wbs |= t.wbs.is_some();
        tasks.push(t);
    }
    tasks.sort_by_key(|t| t.id);
    // As with later versions, a lone task gets no outline number or WBS.
    if tasks.len() > 1 {
        crate::read::tasks::build_outline(&mut tasks, !any_wbs);
    }
    project.tasks = tasks;
    Ok(())
}

fn decode(
    rec: &[u8],
    uid: i32,
    var: &FixDeferFix,
    factors: &TimeFactors,
    default_units: TimeUnit,
) -> Task {
    let ext = ExtendedData::read(var, i32_at(rec, 312).unwrap_or(-1));
    let date = |off: usize| DateTime::from_timestamp(rec, off);
    let units = TimeUnit::from_code(u16_at(rec, 72).unwrap_or(0), default_units);
    let dur = |off: usize| {
        i32_at(rec, off)
            .filter(|&v| v != -1)
            .map(|v| Duration::from_tenths(f64::from(v), units, factors))
    };
    let bit = |off: usize, mask: u8| u8_at(rec, off).unwrap_or(0) & mask != 0;
    let percent = |off: usize| u16_at(rec, off).filter(|&v| v <= 100).map(f64::from);
    let accrual = |off: usize| u16_at(rec, off).filter(|v| (1..=3).contains(v));
    let mut t = Task {
        uid,
        id: i32_at(rec, 4).unwrap_or(0),
        name: var
            .string(i32_at(rec, 264).unwrap_or(-1))
            .filter(|s| !s.is_empty()),
        active: true,
        task_type: u16_at(rec, 134).filter(|&v| v <= 2).unwrap_or(0),
        created: date(138),
        contact: ext.string(key::CONTACT, var),
        wbs: ext.string(key::WBS, var),
        outline_level: u16_at(rec, 48).map(i32::from),
        priority: u16_at(rec, 128).map(|p| (p.saturating_add(1)).saturating_mul(100)),
        start: date(96),
        finish: date(20),
        duration: dur(68),
        work: work_at(rec, 168),
        stop: date(124),
        resume: date(32),
        effort_driven: bit(17, 0x08),
        recurring: u16_at(rec, 142).is_some_and(|v| v != 0),
        milestone: bit(12, 0x01),
        early_start: date(96),
        early_finish: date(20),
        late_start: date(24),
        late_finish: date(160),
        fixed_cost: money_at(rec, 228),
        fixed_cost_accrual: accrual(136),
        percent_complete: percent(130),
        percent_work_complete: percent(132),
        cost: money_at(rec, 222),
        overtime_cost: money_at(rec, 204),
        actual_start: date(104),
        actual_finish: date(108),
        actual_duration: dur(74),
        actual_cost: money_at(rec, 234),
        actual_overtime_cost: money_at(rec, 210),
        actual_work: work_at(rec, 180),
        actual_overtime_work: work_at(rec, 192),
        remaining_duration: dur(78),
        remaining_cost: money_at(rec, 240),
        remaining_work: work_at(rec, 186),
        remaining_overtime_cost: money_at(rec, 216),
        remaining_overtime_work: work_at(rec, 198),
        constraint_type: u16_at(rec, 88).filter(|&v| v <= 7),
        constraint_date: date(120),
        level_assignments: bit(19, 0x10),
        leveling_can_split: bit(19, 0x08),
        leveling_delay: i32_at(rec, 90).map(|v| {
            // Fixed 8-hour days here, whatever the project's calendar says.
            let u = TimeUnit::from_code(u16_at(rec, 94).unwrap_or(0), default_units);
            Duration::from_tenths(f64::from(v) / 3.0, u, &TimeFactors::default())
        }),
        preleveled_start: date(144),
        preleveled_finish: date(148),
        hyperlink: ext
            .item(key::HYPERLINK, var)
            .and_then(|b| crate::read::tasks::hyperlink(&b))
            .map(|mut h| {
                h.screen_tip = None; // Project 98 has no screen tips
                h
            })
            .filter(|h| {
                [&h.text, &h.address, &h.sub_address]
                    .iter()
                    .any(|s| s.as_deref().is_some_and(|s| !s.is_empty()))
            }),
        notes: notes(rec, &ext, var),
        hide_bar: bit(16, 0x01),
        rollup: bit(15, 0x04),
        marked: bit(13, 0x02),
        expanded: true,
        ..Task::default()
    };
    let _ = ext.get(key::RECURRING); // recurrence patterns are not modelled
    let baseline = Baseline {
        number: 0,
        start: date(112),
        finish: date(116),
        duration: dur(82),
        work: work_at(rec, 174),
        cost: money_at(rec, 246),
        fixed_cost: None,
    };
    // The baseline work is always stored here, so the variance always exists.
    t.work_variance = Some(t.work.unwrap_or(0.0) - baseline.work.unwrap_or(0.0));
    if !baseline.is_empty() {
        t.baselines.push(baseline);
    }
    t.custom = custom_values(rec, &ext, var, factors, default_units);
    t
}

/// Notes: 8-bit RTF in the extended data; long records may instead point
/// (@362) at an item whose word at 8 references the text. That second path
/// also finds unrelated bytes, so only text that looks like RTF is kept.
fn notes(rec: &[u8], ext: &ExtendedData, var: &FixDeferFix) -> Option<String> {
    let text = ext.ansi(key::NOTES, var).or_else(|| {
        if rec.len() != TASK_SIZE_LONG {
            return None;
        }
        let item = var.item_ref(i32_at(rec, 362)?)?;
        if item.len() < 12 {
            return None;
        }
        let inner = var.item_ref(i32_at(&item, 8)?)?;
        ansi_at(&inner, 0).filter(|s| s.contains('{'))
    })?;
    Some(crate::read::rtf_to_text(&text)).filter(|s| !s.is_empty())
}

/// Custom values of the extended data, and Flag1..20: bit n of the 24-bit
/// value `[268..271] & [303..306]` is Flag n.
fn custom_values(
    rec: &[u8],
    ext: &ExtendedData,
    var: &FixDeferFix,
    factors: &TimeFactors,
    default_units: TimeUnit,
) -> Vec<CustomValue> {
    let mut out = Vec::new();
    for fam in fields::TASK_CUSTOM {
        for (n, &index) in (1u32..).zip(fam.indexes) {
            let value = if fam.kind == CustomKind::Flag {
                let byte = (n / 8) as usize;
                let mask = 1u8 << (n % 8);
                let a = u8_at(rec, 268 + byte).unwrap_or(0);
                let b = u8_at(rec, 303 + byte).unwrap_or(0);
                (a & b & mask != 0).then_some(FieldValue::Flag(true))
            } else {
                let Some((k, units_key)) = custom_key(fam.kind, n) else {
                    continue;
                };
                ext_value(fam.kind, k, units_key, ext, var, factors, default_units)
            };
            if let Some(value) = value {
                out.push(CustomValue {
                    field_id: TASK | index,
                    value,
                    value_guid: None,
                    value_id: None,
                });
            }
        }
    }
    out.sort_by_key(|v| v.field_id);
    out
}

/// One custom value of extended data; zero numbers, costs and durations
/// and empty texts count as unset.
pub(super) fn ext_value(
    kind: CustomKind,
    k: u32,
    units_key: Option<u32>,
    ext: &ExtendedData,
    var: &FixDeferFix,
    factors: &TimeFactors,
    default_units: TimeUnit,
) -> Option<FieldValue> {
    match kind {
        CustomKind::Text => ext.string(k, var).map(FieldValue::Text),
        CustomKind::Start | CustomKind::Finish | CustomKind::Date => {
            ext.timestamp(k).map(FieldValue::Date)
        }
        CustomKind::Number => ext.f64(k).filter(|&v| v != 0.0).map(FieldValue::Number),
        CustomKind::Cost => ext
            .u48(k)
            .filter(|&v| v != 0)
            .map(|v| FieldValue::Cost(v as f64 / 100.0)),
        CustomKind::Duration => {
            let v = ext.i32(k).filter(|&v| v != 0 && v != -1)?;
            let code = units_key.and_then(|u| ext.u16(u)).unwrap_or(0);
            let units = TimeUnit::from_code(code, default_units);
            Some(FieldValue::Duration(Duration::from_tenths(
                f64::from(v),
                units,
                factors,
            )))
        }
        CustomKind::Flag | CustomKind::OutlineCode => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::blocks::tests::{ext, push_item, utf16};
    use super::*;

    #[test]
    fn custom_keys_follow_the_project98_numbering() {
        assert_eq!(custom_key(CustomKind::Text, 1), Some((106, None)));
        assert_eq!(custom_key(CustomKind::Text, 10), Some((115, None)));
        assert_eq!(custom_key(CustomKind::Text, 11), Some((184, None)));
        assert_eq!(custom_key(CustomKind::Text, 30), Some((203, None)));
        assert_eq!(custom_key(CustomKind::Text, 31), None);
        assert_eq!(custom_key(CustomKind::Start, 2), Some((118, None)));
        assert_eq!(custom_key(CustomKind::Finish, 10), Some((135, None)));
        assert_eq!(custom_key(CustomKind::Number, 20), Some((213, None)));
        assert_eq!(custom_key(CustomKind::Duration, 3), Some((151, Some(152))));
        assert_eq!(custom_key(CustomKind::Date, 10), Some((183, None)));
        assert_eq!(custom_key(CustomKind::Cost, 1), Some((237, None)));
        assert_eq!(custom_key(CustomKind::Flag, 1), None);
        assert_eq!(custom_key(CustomKind::Cost, 0), None);
    }

    #[test]
    fn deletion_flags() {
        assert!(is_deleted(0x0001));
        assert!(is_deleted(0x0002));
        assert!(!is_deleted(0x0031));
        assert!(!is_deleted(0x203D));
        assert!(!is_deleted(0x0041));
        assert!(!is_deleted(0x0914));
        assert!(!is_deleted(0));
    }

    /// A 316-byte task record with a name, two dates, work and a flag.
    fn record(var: &mut Vec<u8>) -> Vec<u8> {
        let mut r = vec![0u8; TASK_SIZE];
        r[0..4].copy_from_slice(&7i32.to_le_bytes());
        r[4..8].copy_from_slice(&3i32.to_le_bytes());
        r[12] = 0x01; // milestone
        r[48..50].copy_from_slice(&2u16.to_le_bytes());
        r[68..72].copy_from_slice(&4800i32.to_le_bytes());
        r[72..74].copy_from_slice(&7u16.to_le_bytes());
        r[96..100].copy_from_slice(&[0xC0, 0x12, 0xA6, 0x31]);
        r[128..130].copy_from_slice(&4u16.to_le_bytes());
        r[130..132].copy_from_slice(&50u16.to_le_bytes());
        // 6,000,000 thousandths of a minute = 100 h
        r[168..174].copy_from_slice(&6_000_000u64.to_le_bytes()[..6]);
        // Flag3 = bit 3, set in both masks
        r[268] = 0x08;
        r[303] = 0xFF;
        let name = push_item(var, &utf16("Dig"));
        r[264..268].copy_from_slice(&name.to_le_bytes());
        let text = push_item(var, &utf16("T1"));
        let notes = push_item(var, b"{\\rtf1 Hello}\0");
        let blob = ext(&[
            (106, &text.to_le_bytes()),
            (247, &notes.to_le_bytes()),
            (138, &1.5f64.to_le_bytes()),
            (147, &9600i32.to_le_bytes()),
            (148, &5u16.to_le_bytes()),
        ]);
        let e = push_item(var, &blob);
        r[312..316].copy_from_slice(&e.to_le_bytes());
        r
    }

    #[test]
    fn a_record_decodes_to_a_task() {
        let mut var = vec![0u8; 4];
        let r = record(&mut var);
        let var = FixDeferFix::new(var);
        let f = TimeFactors::default();
        let t = decode(&r, 7, &var, &f, TimeUnit::Days);
        assert_eq!((t.uid, t.id), (7, 3));
        assert_eq!(t.name.as_deref(), Some("Dig"));
        assert_eq!(t.outline_level, Some(2));
        assert!(t.milestone && !t.marked);
        assert_eq!(
            t.duration.map(|d| (d.value, d.units)),
            Some((1.0, TimeUnit::Days))
        );
        assert_eq!(
            t.start.map(|d| d.to_string()).as_deref(),
            Some("2018-10-18T08:00:00")
        );
        assert_eq!(t.priority, Some(500));
        assert_eq!(t.percent_complete, Some(50.0));
        assert_eq!(t.work, Some(100.0));
        assert_eq!(t.notes.as_deref(), Some("Hello"));
        let find = |id: u32| {
            t.custom
                .iter()
                .find(|v| v.field_id == TASK | id)
                .map(|v| &v.value)
        };
        assert_eq!(find(51), Some(&FieldValue::Text("T1".into())));
        assert_eq!(find(88), Some(&FieldValue::Number(1.5)));
        assert_eq!(find(74), Some(&FieldValue::Flag(true)));
        assert_eq!(find(73), None);
        match find(103) {
            Some(FieldValue::Duration(d)) => {
                assert_eq!((d.value, d.units), (16.0, TimeUnit::Hours))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn truncated_records_do_not_panic() {
        let mut var = vec![0u8; 4];
        let r = record(&mut var);
        let var = FixDeferFix::new(var);
        let t = decode(&r[..100], 7, &var, &TimeFactors::default(), TimeUnit::Days);
        assert_eq!(t.name, None);
        assert!(t.custom.is_empty());
    }
}
