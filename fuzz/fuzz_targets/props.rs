//! Property blocks (MPP9+ and Props8 layouts) and typed reads of their values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpp_core::raw::props::Props;

fuzz_target!(|data: &[u8]| {
    for p in [
        Props::parse(data),
        Props::parse8(data),
        Props::parse_block(data),
    ] {
        let _ = (
            p.string(0x0240_0008),
            p.guid(0x0240_0029),
            p.timestamp(0x0240_0002),
        );
        let _ = (p.f64(0x0240_0004), p.i32(0x0240_0005), p.bool(0x0240_0006));
    }
});
