//! Any bytes given to the CSV importer (pushed in two chunks, split where the first byte says)
//! give a log and a report, or a located error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spur_core::import::{ImportOptions, Importer};

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let at = (split as usize * rest.len()) / 255;
    let mut importer = Importer::new("fuzz.csv", &ImportOptions::default());
    importer.push(&rest[..at]);
    importer.push(&rest[at..]);
    let _ = importer.finish();
});
