//! `VarMeta` / `Var2Data`: variable-length values keyed by (unique id, key).
// Sizes and offsets here come from the file: overflow must be checked.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

use crate::bytes::{f64_at, i16_at, i32_at, slice, u16_at, u32_at, u8_at, utf16_at};
use crate::model::DateTime;

/// Variable data of one block: for each unique id, its keys and value bytes.
#[derive(Debug, Default, Clone)]
pub struct VarData {
    data: Vec<u8>,
    /// (uid, key, offset of the size prefix in `data`), sorted by (uid, key)
    /// with one entry per pair: a binary search is cheaper than nested maps.
    index: Vec<(i32, u16, usize)>,
    /// The uid looked up last, its index range and a 256-bit summary of its
    /// keys (bit `key % 256`): decoders probe many keys of one record in a
    /// row, most of them absent, so most probes end at one bit test.
    last: std::cell::Cell<LastUid>,
}

#[derive(Debug, Clone, Copy, Default)]
struct LastUid {
    uid: i32,
    start: usize,
    end: usize,
    keys: [u64; 4],
}

fn key_bit(key: u16) -> (usize, u64) {
    (usize::from((key >> 6) & 3), 1u64 << (key & 63))
}

/// Which `VarMeta` layout a format uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarMetaKind {
    /// MPP12/MPP14: 12-byte entries (u32 uid, u32 offset, u16 key).
    V12,
    /// MPP9: 8-byte entries (24-bit uid, u8 key, u32 offset).
    V9,
}

impl VarData {
    pub fn parse(meta: &[u8], data: Vec<u8>, kind: VarMetaKind) -> VarData {
        let magic = u32_at(meta, 0);
        let mut index: Vec<(i32, u16, usize)> = Vec::new();
        if magic == Some(0xFADF_ADBA) || (kind == VarMetaKind::V12 && magic == Some(0)) {
            let count = u32_at(meta, 8)
                .and_then(|c| usize::try_from(c).ok())
                .unwrap_or(0);
            let entry = match kind {
                VarMetaKind::V12 => 12,
                VarMetaKind::V9 => 8,
            };
            let max = meta
                .len()
                .saturating_sub(24)
                .checked_div(entry)
                .unwrap_or(0);
            for i in 0..count.min(max) {
                let off = i.saturating_mul(entry).saturating_add(24);
                let parsed = match kind {
                    VarMetaKind::V12 => (|| {
                        Some((
                            i32_at(meta, off)?,
                            u32_at(meta, off.saturating_add(4))?,
                            u16_at(meta, off.saturating_add(8))?,
                        ))
                    })(),
                    VarMetaKind::V9 => (|| {
                        let uid = u32_at(meta, off)? & 0x00FF_FFFF;
                        Some((
                            i32::try_from(uid).ok()?,
                            u32_at(meta, off.saturating_add(4))?,
                            u16::from(u8_at(meta, off.saturating_add(3))?),
                        ))
                    })(),
                };
                let Some((uid, offset, key)) = parsed else {
                    break;
                };
                let Ok(offset) = usize::try_from(offset) else {
                    continue;
                };
                if offset < data.len() {
                    index.push((uid, key, offset));
                }
            }
        }
        // A repeated (uid, key) keeps its last entry: sort stably, then keep
        // the last of each run.
        index.sort_by_key(|&(uid, key, _)| (uid, key));
        index.reverse();
        index.dedup_by_key(|&mut (uid, key, _)| (uid, key));
        index.reverse();
        VarData {
            data,
            index,
            last: std::cell::Cell::new(LastUid::default()),
        }
    }

    /// The index range of one uid and the summary of its keys.
    fn lookup(&self, uid: i32) -> LastUid {
        let last = self.last.get();
        if last.uid == uid && last.start < last.end {
            return last;
        }
        let start = self.index.partition_point(|e| e.0 < uid);
        let rest = self.index.get(start..).unwrap_or_default();
        let len = rest.partition_point(|e| e.0 == uid);
        let mut keys = [0u64; 4];
        for e in rest.get(..len).unwrap_or_default() {
            let (word, bit) = key_bit(e.1);
            if let Some(w) = keys.get_mut(word) {
                *w |= bit;
            }
        }
        let found = LastUid {
            uid,
            start,
            end: start.saturating_add(len),
            keys,
        };
        self.last.set(found);
        found
    }

    /// The index entries of one uid.
    fn entries(&self, uid: i32) -> &[(i32, u16, usize)] {
        let l = self.lookup(uid);
        self.index.get(l.start..l.end).unwrap_or_default()
    }

    fn find(&self, uid: i32, key: u16) -> Option<usize> {
        let l = self.lookup(uid);
        let (word, bit) = key_bit(key);
        if l.keys.get(word).is_none_or(|w| w & bit == 0) {
            return None;
        }
        let entries = self.index.get(l.start..l.end).unwrap_or_default();
        let i = entries.binary_search_by_key(&key, |e| e.1).ok()?;
        entries.get(i).map(|e| e.2)
    }

    /// Unique ids that have any variable data, ascending.
    pub fn uids(&self) -> impl Iterator<Item = i32> + '_ {
        let mut last = None;
        self.index
            .iter()
            .map(|e| e.0)
            .filter(move |&uid| last.replace(uid) != Some(uid))
    }

    pub fn contains(&self, uid: i32) -> bool {
        !self.entries(uid).is_empty()
    }

    pub fn has(&self, uid: i32, key: u16) -> bool {
        self.find(uid, key).is_some()
    }

    pub fn keys(&self, uid: i32) -> impl Iterator<Item = u16> + '_ {
        self.entries(uid).iter().map(|e| e.1)
    }

    /// The value bytes of (uid, key): after the u32 size prefix, bounded by the stream.
    pub fn get(&self, uid: i32, key: u16) -> Option<&[u8]> {
        let off = self.find(uid, key)?;
        let size = usize::try_from(u32_at(&self.data, off)?).ok()?;
        slice(&self.data, off.checked_add(4)?, size)
    }

    pub fn string(&self, uid: i32, key: u16) -> Option<String> {
        utf16_at(self.get(uid, key)?, 0)
    }

    pub fn i16(&self, uid: i32, key: u16) -> Option<i16> {
        i16_at(self.get(uid, key)?, 0)
    }

    pub fn u16(&self, uid: i32, key: u16) -> Option<u16> {
        u16_at(self.get(uid, key)?, 0)
    }

    pub fn i32(&self, uid: i32, key: u16) -> Option<i32> {
        i32_at(self.get(uid, key)?, 0)
    }

    pub fn f64(&self, uid: i32, key: u16) -> Option<f64> {
        f64_at(self.get(uid, key)?, 0)
    }

    pub fn timestamp(&self, uid: i32, key: u16) -> Option<DateTime> {
        DateTime::from_timestamp(self.get(uid, key)?, 0)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds VarMeta12 + Var2Data from (uid, key, value) triples.
    pub fn build12(items: &[(i32, u16, &[u8])]) -> (Vec<u8>, Vec<u8>) {
        let mut data = Vec::new();
        let mut meta = Vec::new();
        meta.extend_from_slice(&0xFADF_ADBAu32.to_le_bytes());
        meta.extend_from_slice(&0u32.to_le_bytes());
        meta.extend_from_slice(&(items.len() as u32).to_le_bytes());
        meta.extend_from_slice(&[0u8; 8]);
        let mut entries = Vec::new();
        for (uid, key, value) in items {
            entries.extend_from_slice(&uid.to_le_bytes());
            entries.extend_from_slice(&(data.len() as u32).to_le_bytes());
            entries.extend_from_slice(&key.to_le_bytes());
            entries.extend_from_slice(&0x0B40u16.to_le_bytes());
            data.extend_from_slice(&(value.len() as u32).to_le_bytes());
            data.extend_from_slice(value);
        }
        meta.extend_from_slice(&(data.len() as u32).to_le_bytes());
        meta.extend_from_slice(&entries);
        (meta, data)
    }

    #[test]
    fn looks_up_values_by_uid_and_key() {
        let (m, d) = build12(&[
            (5, 14, &[b'H', 0, b'i', 0]),
            (5, 7, &9i32.to_le_bytes()),
            (2, 14, &[]),
        ]);
        let v = VarData::parse(&m, d, VarMetaKind::V12);
        assert_eq!(v.string(5, 14).as_deref(), Some("Hi"));
        assert_eq!(v.i32(5, 7), Some(9));
        assert_eq!(v.i32(2, 14), None);
        assert_eq!(v.uids().collect::<Vec<_>>(), vec![2, 5]);
    }

    #[test]
    fn sizes_past_the_end_are_absent() {
        let (m, mut d) = build12(&[(1, 1, &[1, 2, 3, 4])]);
        d[0] = 0xFF; // size claims 255 bytes
        let v = VarData::parse(&m, d, VarMetaKind::V12);
        assert_eq!(v.get(1, 1), None);
        // a count larger than the entries present stops at the stream end
        let (mut m, d) = build12(&[(1, 1, &[1])]);
        m[8] = 0xFF;
        m[9] = 0xFF;
        assert_eq!(
            VarData::parse(&m, d, VarMetaKind::V12).get(1, 1),
            Some(&[1u8][..])
        );
    }
}
