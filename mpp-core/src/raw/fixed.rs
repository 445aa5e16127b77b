//! `FixedMeta` / `FixedData` (and the `Fixed2*` pair): fixed-size records.
// Sizes and offsets here come from the file: overflow must be checked.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

use crate::bytes::{slice, u32_at};

const MAGIC: u32 = 0xFADF_ADBA;

/// One metadata record per item of the matching `FixedData` stream.
#[derive(Debug, Clone)]
pub struct FixedMeta {
    /// The item count the header claims.
    pub header_count: usize,
    item_size: usize,
    records: Vec<u8>,
}

impl FixedMeta {
    /// Parses a meta stream whose records are `item_size` bytes. A stream
    /// without the magic number yields no records.
    pub fn parse(data: &[u8], item_size: usize) -> FixedMeta {
        let ok = u32_at(data, 0) == Some(MAGIC) && item_size > 0;
        let header_count = if ok {
            u32_at(data, 8)
                .and_then(|c| usize::try_from(c).ok())
                .unwrap_or(0)
        } else {
            0
        };
        let records = if ok {
            data.get(16..).unwrap_or_default().to_vec()
        } else {
            Vec::new()
        };
        FixedMeta {
            header_count,
            item_size: item_size.max(1),
            records,
        }
    }

    /// Parses a meta stream whose item size is one of `candidates`, chosen as
    /// the one whose record count matches `expected` (the primary block's
    /// count); else the one that divides the stream and covers the most.
    pub fn parse_guess(data: &[u8], candidates: &[usize], expected: usize) -> FixedMeta {
        let avail = data.len().saturating_sub(16);
        let mut best: Option<usize> = None;
        for &size in candidates {
            if avail.checked_rem(size).is_none_or(|r| r != 0) {
                continue;
            }
            if avail.checked_div(size) == Some(expected) {
                best = Some(size);
                break;
            }
            if best.is_none() {
                best = Some(size);
            }
        }
        let size = best.or_else(|| candidates.first().copied()).unwrap_or(1);
        FixedMeta::parse(data, size)
    }

    /// Number of whole records present in the stream.
    pub fn len(&self) -> usize {
        self.records.len().checked_div(self.item_size).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn item_size(&self) -> usize {
        self.item_size
    }

    /// Record `i`, if present.
    pub fn record(&self, i: usize) -> Option<&[u8]> {
        slice(
            &self.records,
            i.checked_mul(self.item_size)?,
            self.item_size,
        )
    }

    /// The `FixedData` offset stored in record `i`.
    pub fn offset(&self, i: usize) -> Option<u32> {
        u32_at(self.record(i)?, 4)
    }
}

/// The data items of a `FixedData` stream, cut by their meta offsets.
#[derive(Debug, Clone, Default)]
pub struct FixedData {
    items: Vec<Option<(usize, usize)>>,
    data: Vec<u8>,
}

impl FixedData {
    /// Item `i` runs from its meta offset to the next item's offset (or the
    /// end of the stream), clamped to `max_size` when given.
    pub fn by_meta(meta: &FixedMeta, data: Vec<u8>, max_size: Option<usize>) -> FixedData {
        let n = meta.len();
        let mut items = Vec::with_capacity(n.min(data.len().saturating_add(1)));
        for i in 0..n {
            let Some(start) = meta.offset(i).and_then(|o| usize::try_from(o).ok()) else {
                items.push(None);
                continue;
            };
            if start >= data.len() {
                items.push(None);
                continue;
            }
            let remaining = data.len().saturating_sub(start);
            let next = meta
                .offset(i.saturating_add(1))
                .and_then(|o| usize::try_from(o).ok())
                .filter(|&o| o > start && o <= data.len());
            let mut size = match next {
                Some(end) if i.saturating_add(1) < n => end.saturating_sub(start),
                _ => remaining,
            };
            if let Some(max) = max_size {
                size = size.min(max);
            }
            items.push(Some((start, size.min(remaining))));
        }
        FixedData { items, data }
    }

    /// Item `i` is `size` bytes at its meta offset (clamped to the stream).
    pub fn at_meta_offsets(
        meta: &FixedMeta,
        count: usize,
        data: Vec<u8>,
        size: usize,
    ) -> FixedData {
        let mut items = Vec::with_capacity(count.min(meta.len()));
        for i in 0..count.min(meta.len()) {
            let item = meta
                .offset(i)
                .and_then(|o| usize::try_from(o).ok())
                .filter(|&o| o < data.len())
                .map(|o| (o, size.min(data.len().saturating_sub(o))));
            items.push(item);
        }
        FixedData { items, data }
    }

    /// Consecutive records of `size` bytes, regardless of any meta.
    pub fn strided(data: Vec<u8>, size: usize) -> FixedData {
        let size = size.max(1);
        let items = (0..data.len().checked_div(size).unwrap_or(0))
            .map(|i| Some((i.saturating_mul(size), size)))
            .collect();
        FixedData { items, data }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn item(&self, i: usize) -> Option<&[u8]> {
        let (start, size) = (*self.items.get(i)?)?;
        slice(&self.data, start, size)
    }

    /// The index of the item starting exactly at byte `offset`.
    pub fn index_of_offset(&self, offset: usize) -> Option<usize> {
        self.items
            .binary_search_by_key(&offset, |it| it.map_or(usize::MAX, |(s, _)| s))
            .ok()
            .or_else(|| {
                self.items
                    .iter()
                    .position(|it| it.map(|(s, _)| s) == Some(offset))
            })
    }
}

/// XORs a stream in place with the obfuscation mask of password-flagged files.
pub fn unmask(data: &mut [u8], mask: u8) {
    if mask != 0 {
        data.iter_mut().for_each(|b| *b ^= mask);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A meta stream with the given (flags, offset) records padded to `size`.
    pub fn meta(records: &[(u32, u32)], size: usize) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&MAGIC.to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&(records.len() as u32).to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        for (flags, off) in records {
            let mut r = vec![0u8; size];
            r[..4].copy_from_slice(&flags.to_le_bytes());
            r[4..8].copy_from_slice(&off.to_le_bytes());
            v.extend_from_slice(&r);
        }
        v
    }

    #[test]
    fn items_are_cut_between_offsets() {
        let m = FixedMeta::parse(&meta(&[(0, 0), (0, 4), (0, 10)], 10), 10);
        assert_eq!(m.len(), 3);
        let d = FixedData::by_meta(&m, (0u8..16).collect(), None);
        assert_eq!(d.item(0), Some(&[0u8, 1, 2, 3][..]));
        assert_eq!(d.item(1).map(<[u8]>::len), Some(6));
        assert_eq!(d.item(2).map(<[u8]>::len), Some(6));
        assert_eq!(d.item(3), None);
        assert_eq!(d.index_of_offset(10), Some(2));
        let d = FixedData::by_meta(&m, (0u8..16).collect(), Some(5));
        assert_eq!(d.item(1).map(<[u8]>::len), Some(5));
    }

    #[test]
    fn bad_offsets_and_magic_are_contained() {
        let m = FixedMeta::parse(&meta(&[(0, 0), (0, 0xFFFF_FFF0)], 8), 8);
        let d = FixedData::by_meta(&m, vec![1, 2, 3], None);
        assert_eq!(d.item(0), Some(&[1u8, 2, 3][..]));
        assert_eq!(d.item(1), None);
        let mut bad = meta(&[(0, 0)], 8);
        bad[0] = 0;
        assert!(FixedMeta::parse(&bad, 8).is_empty());
    }

    #[test]
    fn guesses_item_size_from_counts() {
        let data = meta(&[(0, 0), (0, 1), (0, 2)], 93);
        assert_eq!(
            FixedMeta::parse_guess(&data, &[92, 93, 94], 3).item_size(),
            93
        );
    }
}
