//! Raw wasm exports for `bench/wasm/run.mjs`: the host copies a log's bytes into linear memory
//! (`alloc`), calls `import_log`, then times each statistics step (`step`). Same spur-core code
//! as the native `spur bench-log`, so the timings give the wasm32/native ratio.

use spur_core::import::{import_bytes, ImportOptions};
use spur_core::log::EventLog;
use spur_core::mining;
use std::cell::RefCell;

thread_local! {
    static LOG: RefCell<Option<EventLog>> = const { RefCell::new(None) };
}

/// Reserve `len` bytes for the host to fill; pass the pointer to `import_log`.
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len);
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Import the `len` bytes at `ptr` (taking ownership). `kind`: 0 = CSV, 1 = XES, 2 = XES.gz.
/// Returns the number of events, or -1 when the input is refused.
///
/// # Safety
/// `ptr` must come from `alloc(len)` with all `len` bytes written.
#[no_mangle]
pub unsafe extern "C" fn import_log(ptr: *mut u8, len: usize, kind: u32) -> f64 {
    // SAFETY: the host contract above: `ptr` is an `alloc(len)` block it filled.
    let bytes = unsafe { Vec::from_raw_parts(ptr, len, len) };
    let name = match kind {
        0 => "log.csv",
        1 => "log.xes",
        _ => "log.xes.gz",
    };
    LOG.with(|l| l.borrow_mut().take());
    match import_bytes(name, &bytes, &ImportOptions::default()) {
        Ok((log, _)) => {
            let n = log.num_events() as f64;
            LOG.with(|l| *l.borrow_mut() = Some(log));
            n
        }
        Err(_) => -1.0,
    }
}

/// Number of cases of the imported log.
#[no_mangle]
pub extern "C" fn cases() -> f64 {
    LOG.with(|l| {
        l.borrow()
            .as_ref()
            .map_or(-1.0, |log| log.num_cases() as f64)
    })
}

/// Heap bytes held by the imported log.
#[no_mangle]
pub extern "C" fn heap_bytes() -> f64 {
    LOG.with(|l| {
        l.borrow()
            .as_ref()
            .map_or(-1.0, |log| log.heap_bytes() as f64)
    })
}

/// Run one statistic on the imported log: 0 dfg, 1 performance dfg, 2 variants,
/// 3 case durations. Returns a small checksum (so nothing is optimised away), -1 without a log.
#[no_mangle]
pub extern "C" fn step(which: u32) -> f64 {
    LOG.with(|l| {
        let l = l.borrow();
        let Some(log) = l.as_ref() else { return -1.0 };
        match which {
            0 => mining::dfg(log).edges.len() as f64,
            1 => mining::dfg_performance(log).edges.len() as f64,
            2 => mining::variants(log).variants.len() as f64,
            _ => mining::case_durations(log).summary.map_or(0.0, |s| s.mean),
        }
    })
}
