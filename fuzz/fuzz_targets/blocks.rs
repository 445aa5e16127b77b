//! The raw block decoders on arbitrary bytes: the first byte picks the decoder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpp_core::raw::field_map::{FieldMap, VarKeyRule};
use mpp_core::raw::fixed::{FixedData, FixedMeta};
use mpp_core::raw::props::Props;
use mpp_core::raw::var::{VarData, VarMetaKind};

fuzz_target!(|input: &[u8]| {
    let Some((&which, data)) = input.split_first() else { return };
    match which % 5 {
        0 => {
            let p = Props::parse(data);
            let _ = (p.string(0x0240_0008), p.guid(0x0240_0029), p.timestamp(0x0240_0002));
        }
        1 => {
            let _ = Props::parse8(data);
        }
        2 => {
            let m = FieldMap::parse(data, VarKeyRule::FieldIndex, |_| None);
            let _ = (m.block_size(0), m.block_size(1));
        }
        3 => {
            let half = data.len() / 2;
            let (meta, rest) = data.split_at(half);
            let m = FixedMeta::parse(meta, 47);
            let d = FixedData::by_meta(&m, rest.to_vec(), Some(300));
            for i in 0..d.len() {
                let _ = d.item(i);
            }
            let _ = FixedMeta::parse_guess(meta, &[92, 93, 94], d.len());
        }
        _ => {
            let half = data.len() / 2;
            let (meta, rest) = data.split_at(half);
            for kind in [VarMetaKind::V12, VarMetaKind::V9] {
                let v = VarData::parse(meta, rest.to_vec(), kind);
                let uids: Vec<i32> = v.uids().take(64).collect();
                for uid in uids {
                    let _ = (v.string(uid, 14), v.f64(uid, 5), v.timestamp(uid, 35));
                }
            }
        }
    }
});
