//! Bounds-checked little-endian reads over byte slices.
//!
//! Every accessor returns `None` when the requested range is not inside the
//! slice, so no read driven by file content can panic.
// Sizes and offsets here come from the file: overflow must be checked.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

/// The `len` bytes at `off`, if they exist.
#[inline]
pub fn slice(data: &[u8], off: usize, len: usize) -> Option<&[u8]> {
    data.get(off..off.checked_add(len)?)
}

#[inline]
fn array<const N: usize>(data: &[u8], off: usize) -> Option<[u8; N]> {
    slice(data, off, N)?.try_into().ok()
}

#[inline]
pub fn u8_at(data: &[u8], off: usize) -> Option<u8> {
    data.get(off).copied()
}

#[inline]
pub fn u16_at(data: &[u8], off: usize) -> Option<u16> {
    array(data, off).map(u16::from_le_bytes)
}

#[inline]
pub fn i16_at(data: &[u8], off: usize) -> Option<i16> {
    array(data, off).map(i16::from_le_bytes)
}

#[inline]
pub fn u32_at(data: &[u8], off: usize) -> Option<u32> {
    array(data, off).map(u32::from_le_bytes)
}

#[inline]
pub fn i32_at(data: &[u8], off: usize) -> Option<i32> {
    array(data, off).map(i32::from_le_bytes)
}

#[inline]
pub fn i64_at(data: &[u8], off: usize) -> Option<i64> {
    array(data, off).map(i64::from_le_bytes)
}

/// An IEEE double; NaN reads as absent because Project never means it.
#[inline]
pub fn f64_at(data: &[u8], off: usize) -> Option<f64> {
    array(data, off)
        .map(f64::from_le_bytes)
        .filter(|v: &f64| !v.is_nan())
}

/// An unsigned integer of 6 bytes (MPP8 money and work).
#[inline]
pub fn u48_at(data: &[u8], off: usize) -> Option<u64> {
    let b: [u8; 6] = array(data, off)?;
    let mut full = [0u8; 8];
    full[..6].copy_from_slice(&b);
    Some(u64::from_le_bytes(full))
}

/// String limits of the read in progress: (longest string, characters
/// left in the whole read's budget).
#[derive(Clone, Copy)]
struct Limits {
    max: usize,
    budget: usize,
}

thread_local! {
    /// Set for the duration of one read; unlimited outside a read.
    static LIMITS: std::cell::Cell<Limits> = const {
        std::cell::Cell::new(Limits { max: usize::MAX, budget: usize::MAX })
    };
}

/// Restores the previous string limits when the read that set them ends.
pub(crate) struct StringLimit(Limits);

impl StringLimit {
    /// Every string is cut at `max_chars`, and all strings of the read
    /// together at `budget` characters: many records pointing at one long
    /// unterminated run must not turn a small file into hours of decoding.
    pub(crate) fn set(max_chars: usize, budget: usize) -> StringLimit {
        StringLimit(LIMITS.with(|m| {
            m.replace(Limits {
                max: max_chars,
                budget,
            })
        }))
    }
}

impl Drop for StringLimit {
    fn drop(&mut self) {
        LIMITS.with(|m| m.set(self.0));
    }
}

/// The length the next string may have.
fn max_string() -> usize {
    LIMITS.with(|m| {
        let l = m.get();
        l.max.min(l.budget)
    })
}

/// Charges a decoded string to the read's budget.
fn spend(chars: usize) {
    LIMITS.with(|m| {
        let mut l = m.get();
        l.budget = l.budget.saturating_sub(chars);
        m.set(l);
    });
}

/// UTF-16LE text from `off` up to the first aligned NUL or the end of the
/// slice, cut at the read's string limit (in code units).
pub fn utf16_at(data: &[u8], off: usize) -> Option<String> {
    let rest = data.get(off..)?;
    let units = rest
        .chunks_exact(2)
        .filter_map(|c| <[u8; 2]>::try_from(c).ok().map(u16::from_le_bytes))
        .take_while(|&u| u != 0)
        .take(max_string());
    let mut n = 0usize;
    let text = char::decode_utf16(units.inspect(|_| n = n.saturating_add(1)))
        .map(|r| r.unwrap_or('\u{FFFD}'))
        .collect();
    spend(n);
    Some(text)
}

/// 8-bit (Windows-1252) text from `off` up to the first NUL or the end of
/// the slice, cut at the read's string limit.
pub fn ansi_at(data: &[u8], off: usize) -> Option<String> {
    let rest = data.get(off..)?;
    let text: String = rest
        .iter()
        .take_while(|&&b| b != 0)
        .take(max_string())
        .map(|&b| cp1252(b))
        .collect();
    spend(text.chars().count());
    Some(text)
}

/// Windows-1252 to Unicode; the 0x80..0x9F block differs from Latin-1.
pub fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{8D}',
        '\u{017D}', '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}',
        '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}',
        '\u{9D}', '\u{017E}', '\u{0178}',
    ];
    match b {
        0x80..=0x9F => HIGH
            .get(usize::from(b.wrapping_sub(0x80)))
            .copied()
            .unwrap_or('\u{FFFD}'),
        _ => char::from(b),
    }
}

/// A 16-byte Windows GUID; all zeros means "none".
pub fn guid_at(data: &[u8], off: usize) -> Option<crate::model::Guid> {
    let b: [u8; 16] = array(data, off)?;
    if b.iter().all(|&x| x == 0) {
        return None;
    }
    Some(crate::model::Guid(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_cut_per_string_and_per_read() {
        let text: Vec<u8> = "abcdefghij".bytes().flat_map(|b| [b, 0]).collect();
        {
            let _limit = StringLimit::set(8, 20);
            assert_eq!(utf16_at(&text, 0).as_deref(), Some("abcdefgh"));
            assert_eq!(ansi_at(b"klmnopqrstuv", 0).as_deref(), Some("klmnopqr"));
            // 16 of the 20 spent: the next string gets the 4 left, then nothing.
            assert_eq!(utf16_at(&text, 0).as_deref(), Some("abcd"));
            assert_eq!(utf16_at(&text, 0).as_deref(), Some(""));
        }
        // Outside a read nothing is cut.
        assert_eq!(utf16_at(&text, 0).as_deref(), Some("abcdefghij"));
    }

    #[test]
    fn reads_are_little_endian_and_bounded() {
        let d = [0x01, 0x02, 0x03, 0x04, 0x05];
        assert_eq!(u16_at(&d, 0), Some(0x0201));
        assert_eq!(u32_at(&d, 1), Some(0x0504_0302));
        assert_eq!(u32_at(&d, 2), None);
        assert_eq!(u16_at(&d, usize::MAX), None);
        assert_eq!(slice(&d, usize::MAX, 2), None);
        assert_eq!(u48_at(&[1, 0, 0, 0, 0, 1], 0), Some(0x0100_0000_0001));
    }

    #[test]
    fn nan_is_absent() {
        assert_eq!(f64_at(&f64::NAN.to_le_bytes(), 0), None);
        assert_eq!(f64_at(&2.5f64.to_le_bytes(), 0), Some(2.5));
    }

    #[test]
    fn strings_stop_at_nul() {
        let d = [b'A', 0, b'b', 0, 0, 0, b'C', 0];
        assert_eq!(utf16_at(&d, 0).as_deref(), Some("Ab"));
        assert_eq!(utf16_at(&d, 6).as_deref(), Some("C"));
        // an odd trailing byte is ignored, not read past
        assert_eq!(utf16_at(&[b'x', 0, b'y'], 0).as_deref(), Some("x"));
        assert_eq!(ansi_at(b"caf\xe9\0zz", 0).as_deref(), Some("caf\u{e9}"));
        assert_eq!(ansi_at(b"\x80", 0).as_deref(), Some("\u{20AC}"));
    }
}
