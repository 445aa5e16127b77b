//! Assignment timephased-work blobs: remaining (key 49), actual (key 50) and
//! work outside working time (key 87), decoded from the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    std::hint::black_box(mpp_core::read::hooks::timephased(data));
});
