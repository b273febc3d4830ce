//! Any bytes given to the XES importer (pushed in two chunks, split where the first byte says)
//! give a log and a report, or a located error, never a panic. Gzip is detected by its magic,
//! so this covers XES.gz too.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spur_core::import::{Format, ImportOptions, Importer};

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let at = (split as usize * rest.len()) / 255;
    let options = ImportOptions {
        format: Some(Format::Xes),
        ..Default::default()
    };
    let mut importer = Importer::new("fuzz.xes", &options);
    importer.push(&rest[..at]);
    importer.push(&rest[at..]);
    let _ = importer.finish();
    let _ = spur_core::import::import_bytes("fuzz.xes.gz", rest, &ImportOptions::default());
});
