//! Calendar data blobs: weeks, exceptions, recurrences, work weeks (MPP8 to MPP14).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    std::hint::black_box(mpp_core::read::hooks::calendar(data));
});
