//! Field maps: where each field of an entity class lives in the fixed and
//! variable data. Stored in the project `Props`, so the layout of MPP9/12/14
//! records is self-describing.
// Sizes and offsets here come from the file: overflow must be checked.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

use std::collections::HashMap;

use crate::bytes::{u16_at, u32_at, u8_at};

/// Where a field's value is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In fixed data: block 0 = `FixedData`, 1 = `Fixed2Data`.
    Fixed {
        block: u8,
        offset: usize,
        size: usize,
    },
    /// In var data under this key.
    Var { key: u16 },
    /// A bit in a meta record (position not described by the map).
    MetaBit,
}

/// The field map of one entity class.
#[derive(Debug, Clone, Default)]
pub struct FieldMap {
    /// Fields of the map's main class (`dense_class`, the class of its first
    /// entry), indexed by field index: record decoders probe hundreds of
    /// fields per record, and an array slot is much cheaper than hashing.
    dense: Vec<Option<Location>>,
    dense_class: u32,
    /// Any other field (another class, or an index past `DENSE_LIMIT`).
    others: HashMap<u32, Location>,
    /// Largest `offset + size` in each fixed block: the real record sizes.
    block_size: [usize; 2],
}

/// Field indexes below this are kept in the dense table (Project's indexes
/// stay well under it; larger ones still resolve through the hash map).
const DENSE_LIMIT: u32 = 4096;

/// How var-data keys are derived from map entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKeyRule {
    /// MPP9: byte 6 of the entry.
    EntryByte,
    /// MPP12/14: the low 16 bits of the field id.
    FieldIndex,
}

impl FieldMap {
    /// Parses 28-byte entries. `substitute` may replace a field's var key
    /// (MPP14 stores some assignment custom fields under other keys).
    pub fn parse(
        data: &[u8],
        rule: VarKeyRule,
        substitute: impl Fn(u32) -> Option<u16>,
    ) -> FieldMap {
        let mut map = FieldMap::default();
        if let Some(first) = u32_at(data, 12) {
            map.dense_class = first & 0xFFFF_0000;
        }
        let mut block = 0usize;
        let mut last_offset: Option<usize> = None;
        for entry in data.chunks_exact(28) {
            let (Some(offset), Some(field), Some(category), Some(size)) = (
                u16_at(entry, 4),
                u32_at(entry, 12),
                u16_at(entry, 20),
                u16_at(entry, 22),
            ) else {
                continue;
            };
            let loc = if category == 0x0B || category == 0x64 {
                Location::MetaBit
            } else if offset != 0xFFFF {
                let offset = usize::from(offset);
                if last_offset.is_some_and(|last| offset < last) {
                    block = block.saturating_add(1);
                }
                last_offset = Some(offset);
                let size = usize::from(size);
                if let Some(b) = map.block_size.get_mut(block) {
                    *b = (*b).max(offset.saturating_add(size));
                }
                match u8::try_from(block) {
                    Ok(block) if block < 2 => Location::Fixed {
                        block,
                        offset,
                        size,
                    },
                    _ => continue,
                }
            } else {
                let key = substitute(field).unwrap_or(match rule {
                    VarKeyRule::EntryByte => u16::from(u8_at(entry, 6).unwrap_or(0)),
                    VarKeyRule::FieldIndex => (field & 0xFFFF) as u16,
                });
                if key == 0 {
                    continue;
                }
                Location::Var { key }
            };
            map.insert(field, loc);
        }
        map
    }

    /// Adds a field unless it is already mapped (the first entry wins).
    fn insert(&mut self, field: u32, loc: Location) {
        let index = field & 0xFFFF;
        if field & 0xFFFF_0000 == self.dense_class && index < DENSE_LIMIT {
            let i = index as usize;
            if self.dense.len() <= i {
                self.dense.resize(i.saturating_add(1), None);
            }
            if let Some(slot @ None) = self.dense.get_mut(i) {
                *slot = Some(loc);
            }
        } else {
            self.others.entry(field).or_insert(loc);
        }
    }

    pub fn get(&self, field: u32) -> Option<Location> {
        let index = field & 0xFFFF;
        if field & 0xFFFF_0000 == self.dense_class && index < DENSE_LIMIT {
            return self.dense.get(index as usize).copied().flatten();
        }
        self.others.get(&field).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.others.is_empty() && self.dense.iter().all(Option::is_none)
    }

    /// The record size of fixed block 0 or 1 implied by the map.
    pub fn block_size(&self, block: usize) -> usize {
        self.block_size.get(block).copied().unwrap_or(0)
    }

    /// All mapped field ids.
    pub fn field_ids(&self) -> impl Iterator<Item = u32> + '_ {
        let class = self.dense_class;
        (0u32..)
            .zip(&self.dense)
            .filter(|(_, loc)| loc.is_some())
            .map(move |(i, _)| class | i)
            .chain(self.others.keys().copied())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// One 28-byte field map entry.
    pub fn entry(field: u32, offset: u16, var_key: u8, category: u16, size: u16) -> [u8; 28] {
        let mut e = [0u8; 28];
        e[4..6].copy_from_slice(&offset.to_le_bytes());
        e[6] = var_key;
        e[12..16].copy_from_slice(&field.to_le_bytes());
        e[20..22].copy_from_slice(&category.to_le_bytes());
        e[22..24].copy_from_slice(&size.to_le_bytes());
        e
    }

    #[test]
    fn blocks_advance_when_offsets_restart() {
        let data: Vec<u8> = [
            entry(0x0B40_0056, 0, 0, 3, 4),
            entry(0x0B40_0017, 4, 0, 3, 4),
            entry(0x0B40_000E, 0xFFFF, 11, 8, 0),
            entry(0x0B40_0477, 0, 0, 0x48, 16),
            entry(0x0B40_0048, 0xFFFF, 0, 0x0B, 0),
        ]
        .concat();
        let m = FieldMap::parse(&data, VarKeyRule::FieldIndex, |_| None);
        assert_eq!(
            m.get(0x0B40_0017),
            Some(Location::Fixed {
                block: 0,
                offset: 4,
                size: 4
            })
        );
        assert_eq!(
            m.get(0x0B40_0477),
            Some(Location::Fixed {
                block: 1,
                offset: 0,
                size: 16
            })
        );
        assert_eq!(m.get(0x0B40_000E), Some(Location::Var { key: 14 }));
        assert_eq!(m.get(0x0B40_0048), Some(Location::MetaBit));
        assert_eq!((m.block_size(0), m.block_size(1)), (8, 16));
        // Another class and a repeated field (the first entry wins).
        let more: Vec<u8> = [
            data.clone(),
            entry(0x0C40_0001, 8, 0, 3, 4).to_vec(),
            entry(0x0B40_0017, 0xFFFF, 3, 8, 0).to_vec(),
        ]
        .concat();
        let m2 = FieldMap::parse(&more, VarKeyRule::FieldIndex, |_| None);
        assert_eq!(
            m2.get(0x0C40_0001),
            Some(Location::Fixed {
                block: 1,
                offset: 8,
                size: 4
            })
        );
        assert_eq!(m2.get(0x0B40_0017), m.get(0x0B40_0017));
        assert_eq!(m2.field_ids().count(), 6);
        let m9 = FieldMap::parse(&data, VarKeyRule::EntryByte, |_| None);
        assert_eq!(m9.get(0x0B40_000E), Some(Location::Var { key: 11 }));
    }
}
