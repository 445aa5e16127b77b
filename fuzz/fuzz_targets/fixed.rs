//! FixedMeta/FixedData: input = u32 length of the meta part, meta, data.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpp_core::raw::fixed::{FixedData, FixedMeta};

fuzz_target!(|input: &[u8]| {
    let (meta, data) = split(input);
    for size in [10usize, 34, 47] {
        let m = FixedMeta::parse(meta, size);
        for i in 0..m.len() {
            let _ = (m.record(i), m.offset(i));
        }
        let d = FixedData::by_meta(&m, data.to_vec(), Some(300));
        for i in 0..d.len() {
            let _ = d.item(i);
        }
        let _ = d.index_of_offset(data.len() / 2);
        let _ = FixedData::at_meta_offsets(&m, usize::MAX, data.to_vec(), size);
    }
    let _ = FixedMeta::parse_guess(meta, &[9, 92, 93, 94], 3);
    let _ = FixedData::strided(data.to_vec(), 12);
});

fn split(input: &[u8]) -> (&[u8], &[u8]) {
    let n = input
        .get(..4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let rest = input.get(4..).unwrap_or_default();
    rest.split_at((n as usize).min(rest.len()))
}
