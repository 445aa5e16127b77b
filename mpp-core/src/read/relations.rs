//! Predecessor links (`TBkndCons`): 20-byte records at the meta offsets.

use std::collections::HashSet;

use crate::bytes::{i32_at, u16_at, u32_at};
use crate::container::{Container, FileFormat};
use crate::error::Result;
use crate::model::{Project, Relation, RelationType, TimeUnit};
use crate::raw::fixed::{unmask, FixedData, FixedMeta};

use super::mpp14::Ctx;

pub fn read(c: &mut Container<'_>, ctx: &Ctx, project: &mut Project) -> Result<()> {
    let dir = format!("{}/TBkndCons", ctx.dir);
    let meta = FixedMeta::parse(&c.stream_or_empty(&format!("{dir}/FixedMeta"))?, 10);
    ctx.check_entities("relations", meta.len())?;
    let mut raw = c.stream_or_empty(&format!("{dir}/FixedData"))?;
    unmask(&mut raw, ctx.mask);
    let data = FixedData::at_meta_offsets(&meta, meta.header_count, raw, 20);
    // Project 2013 swapped the lag and its units.
    let new_layout = ctx.format == FileFormat::Mpp14 && ctx.is_2013_plus();
    let uids: HashSet<i32> = project
        .tasks
        .iter()
        .filter(|t| !t.is_null)
        .map(|t| t.uid)
        .collect();
    let default_units = ctx.default_units;
    let mut links: Vec<(i32, Relation)> = Vec::new();
    for i in 0..data.len() {
        let deleted = meta
            .record(i)
            .and_then(|m| u16_at(m, 0))
            .is_none_or(|f| f != 0);
        let Some(rec) = data.item(i).filter(|r| r.len() >= 14) else {
            continue;
        };
        if deleted {
            continue;
        }
        let (Some(uid), Some(pred), Some(succ), Some(kind)) = (
            u32_at(rec, 0),
            i32_at(rec, 4),
            i32_at(rec, 8),
            u16_at(rec, 12),
        ) else {
            continue;
        };
        let (lag, units) = if new_layout {
            (i32_at(rec, 14), u16_at(rec, 18))
        } else {
            (i32_at(rec, 16), u16_at(rec, 14))
        };
        if pred == succ || pred == 0 || succ == 0 || !uids.contains(&pred) || !uids.contains(&succ)
        {
            continue;
        }
        let lag_tenths = lag.unwrap_or(0);
        links.push((
            succ,
            Relation {
                uid: i32::try_from(uid).ok(),
                predecessor_uid: pred,
                kind: RelationType::from_code(kind),
                lag_tenths,
                lag_units: units.map_or(default_units, |u| TimeUnit::from_code(u, default_units)),
            },
        ));
    }
    // A summary task cannot precede its own descendants.
    let outline: std::collections::HashMap<i32, String> = project
        .tasks
        .iter()
        .filter_map(|t| Some((t.uid, t.outline_number.clone()?)))
        .collect();
    for (succ, rel) in links {
        if let (Some(so), Some(po)) = (outline.get(&succ), outline.get(&rel.predecessor_uid)) {
            if so.starts_with(&format!("{po}.")) {
                continue;
            }
        }
        if let Some(t) = project.tasks.iter_mut().find(|t| t.uid == succ) {
            let dup = t.predecessors.iter().any(|r| {
                r.predecessor_uid == rel.predecessor_uid
                    && r.kind == rel.kind
                    && r.lag_tenths == rel.lag_tenths
            });
            if !dup {
                t.predecessors.push(rel);
            }
        }
    }
    Ok(())
}
