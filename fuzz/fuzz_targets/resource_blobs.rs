//! Resource cost-rate tables, availability tables and MPP9 enterprise data.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    std::hint::black_box(mpp_core::read::hooks::resource_blobs(data));
});
