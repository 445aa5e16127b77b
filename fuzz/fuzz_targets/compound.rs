//! The compound-file container: open, then find and copy every stream a
//! project reader asks for (regular and mini streams, nested storages).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mpp_core::compound::Compound;

const PATHS: &[&str] = &[
    "\u{1}CompObj",
    "   114/Props14",
    "   114/TBkndTask/FixedData",
    "   114/TBkndTask/Var2Data",
    "   19/Props",
    "   1/FixDeferFix   0",
    "Missing/Stream",
];

fuzz_target!(|data: &[u8]| {
    let Ok(file) = Compound::open(data) else { return };
    let mut out = Vec::new();
    for path in PATHS {
        if let Some(stream) = file.stream(path) {
            if file.read(&stream, &mut out).is_ok() {
                // A successful read yields exactly the declared size.
                assert_eq!(out.len() as u64, stream.size());
            }
        }
    }
});
