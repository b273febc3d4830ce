//! Any bytes given to the OCEL SQLite reader (the SQLite magic is put in front when missing,
//! so the fuzzer explores pages, b-trees and records rather than the header check) give a log
//! or a located error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    const MAGIC: &[u8] = b"SQLite format 3\0";
    let mut bytes = Vec::with_capacity(data.len() + MAGIC.len());
    if !data.starts_with(MAGIC) {
        bytes.extend_from_slice(MAGIC);
    }
    bytes.extend_from_slice(data);
    let _ = spur_core::ocel::import::import_ocel("fuzz.sqlite", &bytes);
    let _ = spur_core::ocel::sqlite::file::SqliteFile::open(&bytes).map(|db| {
        for t in db.tables() {
            let _ = db.scan(t, &mut |_, _| Ok(()));
        }
    });
});
