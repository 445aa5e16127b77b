//! The whole read and write path on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(project) = mpp_core::read_slice(data) {
        let _ = mpp_xml::write(&project, std::io::sink(), &mpp_xml::WriteOptions::default());
    }
});
