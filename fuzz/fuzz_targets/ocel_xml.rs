//! Any bytes given to the OCEL XML reader give a log and a report, or a located error,
//! never a panic. The name picks nothing but tie-breaks: the reader is chosen by the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = spur_core::ocel::import::import_ocel("fuzz.xmlocel", data);
});
