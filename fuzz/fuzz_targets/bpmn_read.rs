//! Any text given to the BPMN reader gives a diagram or a located error, never a panic; a
//! diagram it accepts converts to a Petri net, and writes out (laid out) and reads back to the
//! same nodes and flows.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spur_core::discovery::{bpmn_to_net, read_bpmn, write_bpmn, BpmnLimits};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let limits = BpmnLimits { max_nodes: 2_000, max_flows: 20_000, ..BpmnLimits::default() };
    if let Ok(b) = read_bpmn(text, &limits) {
        let _ = bpmn_to_net(&b);
        let back = read_bpmn(&write_bpmn(&b), &BpmnLimits::default()).expect("written BPMN reads back");
        assert_eq!((back.nodes, back.flows), (b.nodes, b.flows));
    }
});
