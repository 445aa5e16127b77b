//! The MSPDI reader on arbitrary bytes; whatever it accepts must write,
//! read back and write again to the same document.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = mpp_core::ReadOptions::default();
    let Ok(project) = mpp_xml::read_bytes(data, &opts) else { return };
    let write = |p: &mpp_core::Project| {
        let mut out = Vec::new();
        mpp_xml::write(p, &mut out, &mpp_xml::WriteOptions::default()).unwrap();
        out
    };
    let first = write(&project);
    let again = mpp_xml::read_bytes(&first, &opts).expect("our own output reads");
    assert!(write(&again) == first, "write/read/write is not byte-stable");
});
