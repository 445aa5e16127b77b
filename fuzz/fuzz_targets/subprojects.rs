//! The subproject table (project Props `024000A2`), MPP9/12/14 layouts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    std::hint::black_box(mpp_core::read::hooks::subprojects(data));
});
