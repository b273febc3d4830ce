//! Any text given to the PNML reader gives a net or a located error, never a panic; a net it
//! accepts writes out and reads back to the same size.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spur_core::discovery::{read_pnml, write_pnml, PnmlLimits};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = PnmlLimits { max_places: 2_000, max_transitions: 2_000, max_arcs: 20_000, ..PnmlLimits::default() };
    if let Ok(net) = read_pnml(text, &limits) {
        let back = read_pnml(&write_pnml(&net), &PnmlLimits::default()).expect("written PNML reads back");
        assert_eq!(back.size(), net.size());
    }
});
