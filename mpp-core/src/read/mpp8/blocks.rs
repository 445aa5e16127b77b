//! The two record stores of Project 98 files and the key/value blob kept in
//! them.
//!
//! * `FixFix   0`: consecutive fixed-size records, with no index; the record
//!   size is not stored, so callers guess it and check the remainder.
//! * `FixDeferFix   0`: variable-length items, each a chain of chunks. A
//!   record points at an item with a reference `r`, the byte offset being
//!   `-1 - r`. At the offset: `i32 next` (-1 = last chunk), `i32 size`, then
//!   28 data bytes; every further chunk, at `next`, is `i32 next` plus 32 data
//!   bytes. A single-chunk item must fit its 28 bytes.
//! * Extended data: a `FixDeferFix` item holding `{u32 size, u32 key, value}`
//!   entries; string values are again references into `FixDeferFix`.
// Sizes and offsets here come from the file: overflow must be checked.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

use std::collections::{HashMap, HashSet};

use crate::bytes::{ansi_at, f64_at, i32_at, slice, u16_at, u48_at, utf16_at};
use crate::model::DateTime;

/// Data bytes in the first chunk of a `FixDeferFix` item.
const FIRST_CHUNK: usize = 28;
/// Data bytes in every later chunk.
const NEXT_CHUNK: usize = 32;

/// Fixed-size records of a `FixFix   0` stream.
#[derive(Debug, Default)]
pub struct FixFix {
    data: Vec<u8>,
    size: usize,
}

impl FixFix {
    /// Cuts `data` into `size`-byte records; a trailing partial record is ignored.
    pub fn new(data: Vec<u8>, size: usize) -> FixFix {
        FixFix {
            data,
            size: size.max(1),
        }
    }

    /// Bytes left over after the last whole record: non-zero means the
    /// guessed record size is probably wrong.
    pub fn remainder(&self) -> usize {
        self.data.len().checked_rem(self.size).unwrap_or(0)
    }

    pub fn stream_len(&self) -> usize {
        self.data.len()
    }

    pub fn records(&self) -> impl Iterator<Item = &[u8]> {
        self.data.chunks_exact(self.size)
    }

    /// Takes the stream back, to re-cut it with another size.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}

/// The variable-length items of a `FixDeferFix   0` stream.
#[derive(Debug, Default)]
pub struct FixDeferFix {
    data: Vec<u8>,
}

impl FixDeferFix {
    pub fn new(data: Vec<u8>) -> FixDeferFix {
        FixDeferFix { data }
    }

    /// The item a record reference points at (`-1 - reference` is its offset).
    pub fn item_ref(&self, reference: i32) -> Option<Vec<u8>> {
        let offset = (-1i64).checked_sub(i64::from(reference))?;
        self.item(usize::try_from(offset).ok()?)
    }

    /// The item starting at byte `offset`, its chunks joined. `None` for an
    /// offset outside the stream, an implausible size, a chunk chain that
    /// loops or leaves the stream, or an item cut short.
    pub fn item(&self, offset: usize) -> Option<Vec<u8>> {
        let len = self.data.len();
        if offset == 0 || offset >= len {
            return None;
        }
        let mut next = i32_at(&self.data, offset)?;
        let size = usize::try_from(i32_at(&self.data, offset.checked_add(4)?)?).ok()?;
        if size == 0 || size >= len || (next == -1 && size > FIRST_CHUNK) {
            return None;
        }
        let mut out = Vec::with_capacity(size);
        let mut pos = offset.checked_add(8)?;
        let mut chunk = FIRST_CHUNK;
        // Chunk headers already visited: a revisit means a cycle.
        let mut seen = HashSet::new();
        seen.insert(offset);
        while next != -1 && out.len() < size {
            let take = chunk.min(size.saturating_sub(out.len()));
            out.extend_from_slice(slice(&self.data, pos, take)?);
            let at = usize::try_from(next).ok()?;
            if at >= len || !seen.insert(at) {
                return None;
            }
            next = i32_at(&self.data, at)?;
            pos = at.checked_add(4)?;
            chunk = NEXT_CHUNK;
        }
        let rest = size.saturating_sub(out.len());
        out.extend_from_slice(slice(&self.data, pos, rest)?);
        Some(out)
    }

    /// A UTF-16 string item (to its first NUL).
    pub fn string(&self, reference: i32) -> Option<String> {
        utf16_at(&self.item_ref(reference)?, 0)
    }

    /// An 8-bit (Windows-1252) string item, such as RTF notes.
    pub fn ansi(&self, reference: i32) -> Option<String> {
        ansi_at(&self.item_ref(reference)?, 0)
    }
}

/// A decoded extended-data item: key to raw value bytes.
#[derive(Debug, Default)]
pub struct ExtendedData {
    items: HashMap<u32, Vec<u8>>,
}

impl ExtendedData {
    /// The extended data a record reference points at (empty when absent).
    pub fn read(store: &FixDeferFix, reference: i32) -> ExtendedData {
        store
            .item_ref(reference)
            .map(|b| ExtendedData::parse(&b))
            .unwrap_or_default()
    }

    /// Walks `{u32 size, u32 key, value}` entries; a malformed tail ends the
    /// walk and what was read so far is kept.
    pub fn parse(data: &[u8]) -> ExtendedData {
        let mut items = HashMap::new();
        let mut off = 0usize;
        while let (Some(size), Some(key)) = (i32_at(data, off), i32_at(data, off.saturating_add(4)))
        {
            let Ok(size) = usize::try_from(size) else {
                break;
            };
            let Some(value) = slice(data, off.saturating_add(8), size) else {
                break;
            };
            items.insert(key as u32, value.to_vec());
            off = off.saturating_add(8).saturating_add(size);
        }
        ExtendedData { items }
    }

    pub fn get(&self, key: u32) -> Option<&[u8]> {
        self.items.get(&key).map(Vec::as_slice)
    }

    pub fn i32(&self, key: u32) -> Option<i32> {
        i32_at(self.get(key)?, 0)
    }

    pub fn u16(&self, key: u32) -> Option<u16> {
        u16_at(self.get(key)?, 0)
    }

    pub fn f64(&self, key: u32) -> Option<f64> {
        f64_at(self.get(key)?, 0)
    }

    /// A 6-byte unsigned integer (money in cents).
    pub fn u48(&self, key: u32) -> Option<u64> {
        u48_at(self.get(key)?, 0)
    }

    pub fn timestamp(&self, key: u32) -> Option<DateTime> {
        DateTime::from_timestamp(self.get(key)?, 0)
    }

    /// A string held in `store`, referenced by this entry.
    pub fn string(&self, key: u32, store: &FixDeferFix) -> Option<String> {
        store.string(self.i32(key)?).filter(|s| !s.is_empty())
    }

    /// An 8-bit string held in `store`, referenced by this entry.
    pub fn ansi(&self, key: u32, store: &FixDeferFix) -> Option<String> {
        store.ansi(self.i32(key)?)
    }

    /// The raw item in `store` referenced by this entry.
    pub fn item(&self, key: u32, store: &FixDeferFix) -> Option<Vec<u8>> {
        store.item_ref(self.i32(key)?)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Appends one chained item at the end of `buf` (chunks contiguous) and
    /// returns the reference a record would store for it.
    pub fn push_item(buf: &mut Vec<u8>, value: &[u8]) -> i32 {
        let start = buf.len();
        let first = value.len().min(FIRST_CHUNK);
        let chunks_after = (value.len() - first).div_ceil(NEXT_CHUNK);
        let next_of = |k: usize| -> i32 {
            // chunk k header sits at start + 36 * k (8 + 28 = 36 = 4 + 32)
            if k > chunks_after {
                -1
            } else {
                (start + 36 * k) as i32
            }
        };
        buf.extend_from_slice(&next_of(1).to_le_bytes());
        buf.extend_from_slice(&(value.len() as i32).to_le_bytes());
        let mut chunk = value[..first].to_vec();
        chunk.resize(FIRST_CHUNK, 0);
        buf.extend_from_slice(&chunk);
        let mut rest = &value[first..];
        for k in 1..=chunks_after {
            buf.extend_from_slice(&next_of(k + 1).to_le_bytes());
            let n = rest.len().min(NEXT_CHUNK);
            let mut chunk = rest[..n].to_vec();
            chunk.resize(NEXT_CHUNK, 0);
            buf.extend_from_slice(&chunk);
            rest = &rest[n..];
        }
        -1 - start as i32
    }

    pub fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .chain([0, 0])
            .collect()
    }

    pub fn ext(entries: &[(u32, &[u8])]) -> Vec<u8> {
        let mut v = Vec::new();
        for (key, value) in entries {
            v.extend_from_slice(&(value.len() as u32).to_le_bytes());
            v.extend_from_slice(&key.to_le_bytes());
            v.extend_from_slice(value);
        }
        v
    }

    #[test]
    fn fixfix_cuts_records_and_reports_the_remainder() {
        let f = FixFix::new((0u8..10).collect(), 4);
        assert_eq!(f.remainder(), 2);
        assert_eq!(f.stream_len(), 10);
        let recs: Vec<&[u8]> = f.records().collect();
        assert_eq!(recs, [&[0u8, 1, 2, 3][..], &[4, 5, 6, 7][..]]);
        let g = FixFix::new(f.into_data(), 5);
        assert_eq!((g.records().count(), g.remainder()), (2, 0));
        // a zero size cannot divide by zero
        assert_eq!(FixFix::new(vec![1, 2], 0).records().count(), 2);
    }

    #[test]
    fn short_and_chained_items_are_joined() {
        let mut buf = vec![0u8; 4];
        let short = push_item(&mut buf, b"hello");
        let long_value: Vec<u8> = (0u8..100).collect();
        let long = push_item(&mut buf, &long_value);
        let s = FixDeferFix::new(buf);
        assert_eq!(s.item_ref(short).as_deref(), Some(&b"hello"[..]));
        assert_eq!(s.item_ref(long), Some(long_value));
        // reference -1 = offset 0, which is never an item
        assert_eq!(s.item_ref(-1), None);
        assert_eq!(s.item_ref(i32::MIN), None);
        assert_eq!(s.item_ref(5), None);
    }

    #[test]
    fn strings_come_through_references() {
        let mut buf = vec![0u8; 4];
        let name = push_item(&mut buf, &utf16("Task A"));
        let notes = push_item(&mut buf, b"{\\rtf1 x}\0");
        let s = FixDeferFix::new(buf);
        assert_eq!(s.string(name).as_deref(), Some("Task A"));
        assert_eq!(s.ansi(notes).as_deref(), Some("{\\rtf1 x}"));
    }

    #[test]
    fn single_chunk_items_must_fit() {
        // next = -1 but size 40 > 28: invalid
        let mut buf = vec![0u8; 4];
        buf.extend_from_slice(&(-1i32).to_le_bytes());
        buf.extend_from_slice(&40i32.to_le_bytes());
        buf.extend_from_slice(&[7u8; 40]);
        assert_eq!(FixDeferFix::new(buf).item(4), None);
    }

    #[test]
    fn cyclic_chains_are_refused() {
        // chunk at 4 points to 40, which points back to 4
        let mut buf = vec![0u8; 4];
        buf.extend_from_slice(&40i32.to_le_bytes());
        buf.extend_from_slice(&1000i32.to_le_bytes());
        buf.extend_from_slice(&[1u8; 28]);
        buf.extend_from_slice(&4i32.to_le_bytes());
        buf.extend_from_slice(&[2u8; 32]);
        buf.resize(2000, 0);
        assert_eq!(FixDeferFix::new(buf.clone()).item(4), None);
        // a chunk pointing at itself
        buf[40..44].copy_from_slice(&40i32.to_le_bytes());
        assert_eq!(FixDeferFix::new(buf).item(4), None);
    }

    #[test]
    fn truncated_items_are_refused() {
        let mut buf = vec![0u8; 4];
        let r = push_item(&mut buf, &[9u8; 70]);
        buf.truncate(buf.len() - 30);
        let s = FixDeferFix::new(buf);
        assert_eq!(s.item_ref(r), None);
        // next pointer beyond the stream
        let mut buf = vec![0u8; 4];
        buf.extend_from_slice(&5000i32.to_le_bytes());
        buf.extend_from_slice(&40i32.to_le_bytes());
        buf.extend_from_slice(&[0u8; 28]);
        assert_eq!(FixDeferFix::new(buf).item(4), None);
        // size field cut off
        assert_eq!(FixDeferFix::new(vec![0, 0, 0, 0, 0xFF, 0xFF]).item(4), None);
    }

    #[test]
    fn extended_data_reads_typed_entries() {
        let mut buf = vec![0u8; 4];
        let text = push_item(&mut buf, &utf16("Alpha"));
        let blob = ext(&[
            (106, &text.to_le_bytes()),
            (137, &2.5f64.to_le_bytes()),
            (237, &[0x10, 0x27, 0, 0, 0, 0]),
            (148, &9u16.to_le_bytes()),
            (174, &[0xC0, 0x12, 0xA6, 0x31]),
        ]);
        let r = push_item(&mut buf, &blob);
        let s = FixDeferFix::new(buf);
        let e = ExtendedData::read(&s, r);
        assert_eq!(e.string(106, &s).as_deref(), Some("Alpha"));
        assert_eq!(e.f64(137), Some(2.5));
        assert_eq!(e.u48(237), Some(10_000));
        assert_eq!(e.u16(148), Some(9));
        assert_eq!(
            e.timestamp(174).map(|d| d.to_string()).as_deref(),
            Some("2018-10-18T08:00:00")
        );
        assert_eq!(e.get(999), None);
        assert_eq!(ExtendedData::read(&s, -1).get(106), None);
    }

    #[test]
    fn extended_data_stops_at_a_bad_entry() {
        let mut blob = ext(&[(1, &[1, 2]), (2, &[3, 4, 5, 6])]);
        blob.truncate(blob.len() - 1);
        let e = ExtendedData::parse(&blob);
        assert_eq!(e.get(1), Some(&[1u8, 2][..]));
        assert_eq!(e.get(2), None);
        // a negative size ends the walk
        let mut blob = ext(&[(1, &[1, 2])]);
        blob.extend_from_slice(&(-5i32).to_le_bytes());
        blob.extend_from_slice(&2u32.to_le_bytes());
        let e = ExtendedData::parse(&blob);
        assert_eq!(e.get(1), Some(&[1u8, 2][..]));
        assert_eq!(e.get(2), None);
    }
}
