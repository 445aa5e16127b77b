//! VarMeta/Var2Data: input = u32 length of the meta part, meta, data.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpp_core::raw::var::{VarData, VarMetaKind};

fuzz_target!(|input: &[u8]| {
    let (meta, data) = split(input);
    for kind in [VarMetaKind::V12, VarMetaKind::V9] {
        let v = VarData::parse(meta, data.to_vec(), kind);
        let uids: Vec<i32> = v.uids().take(256).collect();
        for uid in uids {
            let keys: Vec<u16> = v.keys(uid).take(64).collect();
            for key in keys {
                let _ = (v.string(uid, key), v.f64(uid, key), v.timestamp(uid, key));
                let _ = (v.i16(uid, key), v.i32(uid, key), v.get(uid, key));
            }
        }
    }
});

fn split(input: &[u8]) -> (&[u8], &[u8]) {
    let n = input
        .get(..4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let rest = input.get(4..).unwrap_or_default();
    rest.split_at((n as usize).min(rest.len()))
}
