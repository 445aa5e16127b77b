//! One `TBknd*` storage (fixed, fixed2 and var data plus its field map) and
//! typed access to the fields of one record.

use crate::bytes::{f64_at, guid_at, i32_at, slice, u16_at, utf16_at};
use crate::container::Container;
use crate::error::Result;
use crate::model::{DateTime, Duration, Guid, TimeFactors, TimeUnit};
use crate::raw::field_map::{FieldMap, Location};
use crate::raw::fixed::{unmask, FixedData, FixedMeta};
use crate::raw::var::{VarData, VarMetaKind};

/// The streams of one entity storage.
pub struct Block {
    pub meta: FixedMeta,
    pub data: FixedData,
    pub meta2: FixedMeta,
    pub data2: FixedData,
    pub var: VarData,
}

/// How to cut the fixed streams of a block.
pub struct BlockSpec<'s> {
    pub dir: &'s str,
    pub meta_size: usize,
    /// Candidate `Fixed2Meta` item sizes (empty = no second block).
    pub meta2_sizes: &'s [usize],
    pub max_item: Option<usize>,
    pub max_item2: Option<usize>,
    /// XOR mask for `FixedData`/`Fixed2Data` (0 = none).
    pub mask: u8,
    pub var_kind: VarMetaKind,
}

impl Block {
    pub fn read(c: &mut Container<'_>, spec: &BlockSpec<'_>) -> Result<Block> {
        let dir = spec.dir;
        let meta = FixedMeta::parse(
            &c.stream_or_empty(&format!("{dir}/FixedMeta"))?,
            spec.meta_size,
        );
        let mut raw = c.stream_or_empty(&format!("{dir}/FixedData"))?;
        unmask(&mut raw, spec.mask);
        let data = FixedData::by_meta(&meta, raw, spec.max_item);
        let (meta2, data2) = if spec.meta2_sizes.is_empty() {
            (FixedMeta::parse(&[], 1), FixedData::default())
        } else {
            let m2 = FixedMeta::parse_guess(
                &c.stream_or_empty(&format!("{dir}/Fixed2Meta"))?,
                spec.meta2_sizes,
                meta.len(),
            );
            let mut raw2 = c.stream_or_empty(&format!("{dir}/Fixed2Data"))?;
            unmask(&mut raw2, spec.mask);
            let d2 = FixedData::by_meta(&m2, raw2, spec.max_item2);
            (m2, d2)
        };
        let var = VarData::parse(
            &c.stream_or_empty(&format!("{dir}/VarMeta"))?,
            c.stream_or_empty(&format!("{dir}/Var2Data"))?,
            spec.var_kind,
        );
        Ok(Block {
            meta,
            data,
            meta2,
            data2,
            var,
        })
    }
}

/// Typed reads of one record's fields through a field map.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    pub class: u32,
    pub map: &'a FieldMap,
    pub fixed: [&'a [u8]; 2],
    pub var: &'a VarData,
    pub uid: i32,
}

impl<'a> Fields<'a> {
    /// The bytes of field `index` (of this class): the fixed slot, or the var item.
    pub fn raw(&self, index: u32) -> Option<&'a [u8]> {
        match self.map.get(self.class | index)? {
            Location::Fixed {
                block,
                offset,
                size,
            } => {
                let rec = *self.fixed.get(usize::from(block))?;
                let size = if size == 0 {
                    rec.len().checked_sub(offset)?
                } else {
                    size
                };
                slice(rec, offset, size)
            }
            Location::Var { key } => self.var.get(self.uid, key),
            Location::MetaBit => None,
        }
    }

    pub fn is_mapped(&self, index: u32) -> bool {
        self.map.get(self.class | index).is_some()
    }

    pub fn i32(&self, index: u32) -> Option<i32> {
        let v = self.raw(index)?;
        i32_at(v, 0).or_else(|| u16_at(v, 0).map(i32::from))
    }

    pub fn u16(&self, index: u32) -> Option<u16> {
        u16_at(self.raw(index)?, 0)
    }

    pub fn f64(&self, index: u32) -> Option<f64> {
        f64_at(self.raw(index)?, 0)
    }

    pub fn string(&self, index: u32) -> Option<String> {
        utf16_at(self.raw(index)?, 0).filter(|s| !s.is_empty())
    }

    pub fn date(&self, index: u32) -> Option<DateTime> {
        DateTime::from_timestamp(self.raw(index)?, 0)
    }

    pub fn guid(&self, index: u32) -> Option<Guid> {
        guid_at(self.raw(index)?, 0)
    }

    /// Work: f64 thousandths of a minute, in hours (under a minute = 0).
    pub fn work(&self, index: u32) -> Option<f64> {
        let v = self.f64(index)?;
        Some(if v.abs() < 1000.0 { 0.0 } else { v / 60_000.0 })
    }

    /// Money: f64 hundredths, in currency units.
    pub fn cost(&self, index: u32) -> Option<f64> {
        let v = self.f64(index)?;
        Some(if v.abs() < 0.1 { 0.0 } else { v / 100.0 })
    }

    /// Units: f64 hundredths of a percent, as a fraction (1.0 = 100 %).
    pub fn units(&self, index: u32) -> Option<f64> {
        Some(self.f64(index)? / 10_000.0)
    }

    /// A percentage stored as u16 0..100; other values are absent.
    pub fn percent(&self, index: u32) -> Option<f64> {
        let v = self.u16(index)?;
        (v <= 100).then_some(f64::from(v))
    }

    /// A duration: i32 tenths of a minute (-1 = none) shown in `units`.
    pub fn duration(&self, index: u32, units: TimeUnit, f: &TimeFactors) -> Option<Duration> {
        let v = self.i32(index)?;
        (v != -1).then(|| Duration::from_tenths(f64::from(v), units, f))
    }

    /// A unit code field resolved against the project default.
    pub fn time_unit(&self, index: u32, default: TimeUnit) -> Option<TimeUnit> {
        self.u16(index).map(|c| TimeUnit::from_code(c, default))
    }
}
