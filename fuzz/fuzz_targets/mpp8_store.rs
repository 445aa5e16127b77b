//! MPP8 FixDeferFix chunk chains and the extended data they hold.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    std::hint::black_box(mpp_core::read::hooks::mpp8_store(data));
});
