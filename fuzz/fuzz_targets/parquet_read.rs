//! Any bytes given to the Parquet reader give a log or an error, never a panic that escapes.
//!
//! spur-core contains panics raised *inside the parquet/arrow crates* on corrupt page data (see
//! `core/src/arrow/parquet.rs`). libfuzzer's panic hook aborts on every panic, caught or not, so
//! this target installs a hook that lets those contained ones pass and still aborts on any panic
//! raised elsewhere — in Spur's own code, which is the bug this target hunts.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::Once;

static HOOK: Once = Once::new();

fn inside_dependency(file: &str) -> bool {
    ["/parquet-", "/arrow-"].iter().any(|crate_dir| file.contains(crate_dir))
}

fuzz_target!(|data: &[u8]| {
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let contained = info.location().is_some_and(|l| inside_dependency(l.file()));
            if !contained {
                eprintln!("{info}");
                std::process::abort();
            }
        }));
    });
    let _ = spur_core::arrow::parquet::read(data, &Default::default());
});
