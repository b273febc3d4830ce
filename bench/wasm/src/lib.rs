//! Raw wasm exports for `bench/wasm/run.mjs`: the host copies a log's bytes into linear memory
//! (`alloc`), calls `import_log`, then times each statistics step (`step`). Same spur-core code
//! as the native `spur bench-log`, so the timings give the wasm32/native ratio.

use spur_core::conformance::{
    alignment_fitness, etc_precision, token_replay_fitness, DEFAULT_ALIGNMENT_BUDGET,
};
use spur_core::discovery::{discover_tree, read_model, InductiveOptions, PetriNet};
use spur_core::import::{import_bytes, ImportOptions};
use spur_core::log::EventLog;
use spur_core::mining;
use std::cell::RefCell;

thread_local! {
    static LOG: RefCell<Option<EventLog>> = const { RefCell::new(None) };
    static NET: RefCell<Option<PetriNet>> = const { RefCell::new(None) };
}

/// Process-model steps timed by `run.mjs --model` and the native `model-native` binary, the
/// same code on both targets: `IM` (inductive miner, noise 0, then the tree's net), `TBR` (token
/// replay fitness), `PRECISION` (ETConformance), `ALIGNMENTS` (log fitness). Returns a figure of
/// the result so that nothing is optimised away.
pub fn model_step(log: &EventLog, net: &PetriNet, which: u32) -> f64 {
    match which {
        0 => {
            let tree = discover_tree(log, InductiveOptions { noise: 0.0 });
            spur_core::discovery::tree_to_net(&tree).transitions.len() as f64
        }
        1 => token_replay_fitness(log, net).log_fitness,
        2 => etc_precision(log, net),
        _ => alignment_fitness(log, net, DEFAULT_ALIGNMENT_BUDGET).log_fitness,
    }
}

/// Names of `model_step`'s steps, in order.
pub const MODEL_STEPS: [&str; 4] = ["inductive_miner", "token_replay", "precision", "alignments"];

/// Import a log from its bytes and a model from its file's text (the name picks PNML or BPMN).
pub fn load(
    name: &str,
    bytes: &[u8],
    model_name: &str,
    model: &str,
) -> Result<(EventLog, PetriNet), String> {
    let (log, _) =
        import_bytes(name, bytes, &ImportOptions::default()).map_err(|e| e.to_string())?;
    let net = read_model(model_name, model)
        .map_err(|e| e.to_string())?
        .net;
    Ok((log, net))
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

/// Read the PNML (or BPMN when `kind` is 1) text at `ptr` for `model`. Returns the number of
/// transitions, or -1 when the model is refused.
///
/// # Safety
/// `ptr` must come from `alloc(len)` with all `len` bytes written.
#[no_mangle]
pub unsafe extern "C" fn load_model(ptr: *mut u8, len: usize, kind: u32) -> f64 {
    // SAFETY: the host contract above: `ptr` is an `alloc(len)` block it filled.
    let bytes = unsafe { Vec::from_raw_parts(ptr, len, len) };
    let Ok(text) = String::from_utf8(bytes) else {
        return -1.0;
    };
    let name = if kind == 1 {
        "model.bpmn"
    } else {
        "model.pnml"
    };
    match read_model(name, &text) {
        Ok(m) => {
            let n = m.net.transitions.len() as f64;
            NET.with(|cell| *cell.borrow_mut() = Some(m.net));
            n
        }
        Err(_) => -1.0,
    }
}

/// Run `model_step(which)` on the imported log and model; -1 without both.
#[no_mangle]
pub extern "C" fn model(which: u32) -> f64 {
    LOG.with(|l| {
        NET.with(|n| match (l.borrow().as_ref(), n.borrow().as_ref()) {
            (Some(log), Some(net)) => model_step(log, net, which),
            _ => -1.0,
        })
    })
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
