//! `Props` streams: a key/value store of project settings and field maps.
// Sizes and offsets here come from the file: overflow must be checked.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

use std::collections::HashMap;

use crate::bytes::{f64_at, i32_at, u16_at, u32_at, u8_at, utf16_at};
use crate::model::{DateTime, Guid};

/// Decoded `Props` stream: 32-bit keys to raw values.
#[derive(Debug, Default, Clone)]
pub struct Props {
    /// The stream, copied once; values are ranges of it (no copy per item).
    data: Vec<u8>,
    items: HashMap<u32, (usize, usize)>,
}

impl Props {
    /// Parses the MPP9/12/14 layout: a 16-byte header (item count at 12),
    /// then `u32 size, u32 key, u32 unused, value`, values 2-byte aligned.
    /// A malformed tail ends the walk; what was read so far is kept.
    pub fn parse(data: &[u8]) -> Props {
        let mut items = HashMap::new();
        let count = u16_at(data, 12).unwrap_or(0);
        let mut off = 16usize;
        for _ in 0..count {
            let (Some(size), Some(key)) = (u32_at(data, off), u32_at(data, off.saturating_add(4)))
            else {
                break;
            };
            let Ok(size) = usize::try_from(size) else {
                break;
            };
            let start = off.saturating_add(12);
            let Some(end) = size.checked_add(start).filter(|&end| end <= data.len()) else {
                break;
            };
            if size == 0 {
                break;
            }
            items.insert(key, (start, end));
            off = start.saturating_add(size).saturating_add(size & 1);
        }
        Props {
            data: data.to_vec(),
            items,
        }
    }

    /// Parses the Project 98 layout (`Props8`), whose item header carries a
    /// type hint in the key's third byte.
    pub fn parse8(data: &[u8]) -> Props {
        let mut items = HashMap::new();
        let count = u16_at(data, 12).unwrap_or(0);
        let mut off = 16usize;
        for _ in 0..count {
            let (Some(a1), Some(key), Some(a5)) = (
                u32_at(data, off),
                u32_at(data, off.saturating_add(4)),
                u32_at(data, off.saturating_add(8)),
            ) else {
                break;
            };
            // The third key byte is a type hint: 64 = the size is in the
            // first word. A last word of 65536 means a 4-byte value whatever
            // the hint (checked on the project Props of the corpus files).
            let hint = (key >> 16) & 0xFF;
            let size = if a5 == 65536 {
                4
            } else if hint == 64 {
                a1
            } else {
                a5
            };
            let Ok(size) = usize::try_from(size) else {
                break;
            };
            if size == 0 {
                break;
            }
            let start = off.saturating_add(12);
            let Some(end) = size.checked_add(start).filter(|&end| end <= data.len()) else {
                break;
            };
            items.insert(key, (start, end));
            off = start.saturating_add(size).saturating_add(size & 1);
        }
        Props {
            data: data.to_vec(),
            items,
        }
    }

    /// Parses a props *block* (MPP9 enterprise data): `u32 size, u32 count`,
    /// then `count` pairs `u32 key, u32 offset`; each value runs from its
    /// offset to the next larger one (the last to `size`).
    pub fn parse_block(data: &[u8]) -> Props {
        let size = u32_at(data, 0)
            .and_then(|s| usize::try_from(s).ok())
            .unwrap_or(0);
        let end = size.min(data.len());
        let count = u32_at(data, 4)
            .and_then(|c| usize::try_from(c).ok())
            .unwrap_or(0);
        let count = count.min(data.len().saturating_sub(8) >> 3);
        let mut entries: Vec<(usize, u32)> = (0..count)
            .filter_map(|i| {
                let key = u32_at(data, i.checked_mul(8)?.checked_add(8)?)?;
                let off =
                    usize::try_from(u32_at(data, i.checked_mul(8)?.checked_add(12)?)?).ok()?;
                Some((off, key))
            })
            .collect();
        entries.sort_unstable();
        let mut items = HashMap::new();
        for (i, &(start, key)) in entries.iter().enumerate() {
            let stop = entries
                .get(i.saturating_add(1))
                .map_or(end, |&(o, _)| o)
                .min(end);
            if data.get(start..stop).is_some() {
                items.insert(key, (start, stop));
            }
        }
        Props {
            data: data.to_vec(),
            items,
        }
    }

    pub fn get(&self, key: u32) -> Option<&[u8]> {
        let &(start, end) = self.items.get(&key)?;
        self.data.get(start..end)
    }

    pub fn contains(&self, key: u32) -> bool {
        self.items.contains_key(&key)
    }

    pub fn byte(&self, key: u32) -> Option<u8> {
        u8_at(self.get(key)?, 0)
    }

    pub fn u16(&self, key: u32) -> Option<u16> {
        u16_at(self.get(key)?, 0)
    }

    pub fn bool(&self, key: u32) -> Option<bool> {
        self.get(key)
            .map(|v| u16_at(v, 0).map(u32::from).or(u8_at(v, 0).map(u32::from)) != Some(0))
    }

    pub fn i32(&self, key: u32) -> Option<i32> {
        i32_at(self.get(key)?, 0)
    }

    pub fn f64(&self, key: u32) -> Option<f64> {
        f64_at(self.get(key)?, 0)
    }

    /// UTF-16 text; an empty string reads as absent.
    pub fn string(&self, key: u32) -> Option<String> {
        utf16_at(self.get(key)?, 0).filter(|s| !s.is_empty())
    }

    pub fn timestamp(&self, key: u32) -> Option<DateTime> {
        DateTime::from_timestamp(self.get(key)?, 0)
    }

    /// A GUID: 16 raw bytes, or (MPP9) a `{...}` UTF-16 string.
    pub fn guid(&self, key: u32) -> Option<Guid> {
        let v = self.get(key)?;
        if v.len() > 16 {
            if let Some(g) = utf16_at(v, 0).and_then(|s| Guid::parse(&s)) {
                return Some(g);
            }
        }
        crate::bytes::guid_at(v, 0)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a Props stream from (key, value) pairs, as Project lays it out.
    pub fn build(items: &[(u32, &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (key, value) in items {
            body.extend_from_slice(&(value.len() as u32).to_le_bytes());
            body.extend_from_slice(&key.to_le_bytes());
            body.extend_from_slice(&0u32.to_le_bytes());
            body.extend_from_slice(value);
            if value.len() % 2 == 1 {
                body.push(0);
            }
        }
        let mut out = Vec::new();
        let size = (body.len() + 12) as u32;
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(items.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    #[test]
    fn reads_typed_values_and_alignment() {
        let name: Vec<u8> = "Std"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .chain([0, 0])
            .collect();
        let data = build(&[
            (1, &[7]),
            (2, &480i32.to_le_bytes()),
            (3, &name),
            (4, &2.5f64.to_le_bytes()),
        ]);
        let p = Props::parse(&data);
        assert_eq!(p.byte(1), Some(7));
        assert_eq!(p.i32(2), Some(480));
        assert_eq!(p.string(3).as_deref(), Some("Std"));
        assert_eq!(p.f64(4), Some(2.5));
        assert_eq!(p.get(5), None);
    }

    #[test]
    fn blocks_cut_values_between_offsets() {
        let mut d = Vec::new();
        d.extend_from_slice(&28u32.to_le_bytes());
        d.extend_from_slice(&2u32.to_le_bytes());
        d.extend_from_slice(&7u32.to_le_bytes());
        d.extend_from_slice(&24u32.to_le_bytes());
        d.extend_from_slice(&5u32.to_le_bytes());
        d.extend_from_slice(&26u32.to_le_bytes());
        d.extend_from_slice(&[1, 2, 3, 4]);
        let p = Props::parse_block(&d);
        assert_eq!(p.get(7), Some(&[1u8, 2][..]));
        assert_eq!(p.get(5), Some(&[3u8, 4][..]));
        // a huge count is bounded by the bytes present
        d[4] = 0xFF;
        d[5] = 0xFF;
        let _ = Props::parse_block(&d);
    }

    #[test]
    fn props8_sizes_follow_the_hint_and_the_65536_marker() {
        let mut d = vec![0u8; 16];
        d[12] = 3;
        // key hint 0x40 with last word 65536: a 4-byte value, not `a1` bytes
        for w in [96u32, 0x0240_03E8, 65536] {
            d.extend_from_slice(&w.to_le_bytes());
        }
        d.extend_from_slice(&7u32.to_le_bytes());
        // hint 0x40: the size is the first word (odd: one pad byte follows)
        for w in [3u32, 0x0240_0008, 0] {
            d.extend_from_slice(&w.to_le_bytes());
        }
        d.extend_from_slice(&[1, 2, 3, 0]);
        // other hints: the size is the last word
        for w in [0u32, 0x0200_0001, 2] {
            d.extend_from_slice(&w.to_le_bytes());
        }
        d.extend_from_slice(&[9, 8]);
        let p = Props::parse8(&d);
        assert_eq!(p.i32(0x0240_03E8), Some(7));
        assert_eq!(p.get(0x0240_0008), Some(&[1u8, 2, 3][..]));
        assert_eq!(p.get(0x0200_0001), Some(&[9u8, 8][..]));
        // a zero size stops the walk
        let mut z = d.clone();
        z[12] = 4;
        z.extend_from_slice(&[0u8; 12]);
        assert_eq!(Props::parse8(&z).get(0x0200_0001), Some(&[9u8, 8][..]));
    }

    #[test]
    fn truncated_stream_keeps_what_was_read() {
        let mut data = build(&[(1, &[1, 2]), (2, &[3, 4, 5, 6])]);
        data.truncate(data.len() - 2);
        let p = Props::parse(&data);
        assert_eq!(p.get(1), Some(&[1u8, 2][..]));
        assert_eq!(p.get(2), None);
        // an absurd count cannot run past the data
        let mut data = build(&[(1, &[1, 2])]);
        data[12] = 0xFF;
        data[13] = 0xFF;
        assert_eq!(Props::parse(&data).get(1), Some(&[1u8, 2][..]));
    }
}
