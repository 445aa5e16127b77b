//! Field maps in both var-key layouts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpp_core::raw::field_map::{FieldMap, VarKeyRule};

fuzz_target!(|data: &[u8]| {
    for rule in [VarKeyRule::FieldIndex, VarKeyRule::EntryByte] {
        let m = FieldMap::parse(data, rule, |f| u16::try_from(f & 0xFF).ok());
        let ids: Vec<u32> = m.field_ids().take(4096).collect();
        for id in ids {
            let _ = m.get(id);
        }
        let _ = (m.block_size(0), m.block_size(1), m.block_size(7));
    }
});
