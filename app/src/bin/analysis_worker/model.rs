//! The worker side of the process screen's Model card (issue 14): discover a model on the current
//! (filtered) view and check the view against an uploaded model. Core does all of it, exactly as
//! `spur discover` and `spur conformance` call it, so the card's numbers equal the CLI's; this
//! module only reads the uploaded bytes, picks the reader and reports which part is running.

use super::process::{failed, with_view};
use js_sys::{ArrayBuffer, Uint8Array};
use spur_app::protocol::model::{DiscoveredModel, ModelReply, ModelRequest};
use spur_app::protocol::{FromWorker, JobId};
use spur_core::conformance::{
    alignment_fitness, etc_precision, token_replay_fitness, ConformanceReport, Method,
    DEFAULT_ALIGNMENT_BUDGET,
};
use spur_core::discovery::{
    bpmn_to_net, discover_tree, read_bpmn, read_pnml, render_bpmn_svg, tree_to_bpmn, tree_to_net,
    write_bpmn, write_pnml, BpmnLimits, DiscoveryReport, InductiveOptions, PetriNet, PnmlLimits,
};
use wasm_bindgen::{JsCast, JsValue};

/// Answer one Model-card request; `progress` posts an intermediate message.
pub fn handle(
    job: JobId,
    request: ModelRequest,
    payload: JsValue,
    progress: &dyn Fn(FromWorker),
) -> (FromWorker, Option<ArrayBuffer>) {
    let reply = match request {
        ModelRequest::Discover { noise } => discover(job, noise),
        ModelRequest::Check { name, method } => {
            let bytes = match payload.dyn_ref::<ArrayBuffer>() {
                Some(buf) => Uint8Array::new(buf).to_vec(),
                None => Vec::new(),
            };
            check(job, &name, &bytes, method, progress)
        }
    };
    (reply, None)
}

fn no_log(job: JobId) -> FromWorker {
    failed(job, "no_log", "no log is loaded: load a file first".into())
}

fn discover(job: JobId, noise: f64) -> FromWorker {
    if !(0.0..1.0).contains(&noise) {
        return failed(
            job,
            "bad_noise",
            format!("the noise threshold is in [0, 1), got {noise}: pick one of the listed values"),
        );
    }
    with_view(|log| {
        let tree = discover_tree(log, InductiveOptions { noise });
        let net = tree_to_net(&tree);
        let bpmn = tree_to_bpmn(&tree);
        let size = net.size();
        let model = DiscoveredModel {
            report: DiscoveryReport {
                tree: tree.to_string(),
                places: size.places,
                transitions: size.transitions,
                visible_transitions: size.visible_transitions,
                arcs: size.arcs,
            },
            svg: render_bpmn_svg(&bpmn),
            pnml: write_pnml(&net),
            bpmn: write_bpmn(&bpmn),
        };
        FromWorker::Model {
            job,
            reply: ModelReply::Discovered {
                model: Box::new(model),
            },
        }
    })
    .unwrap_or_else(|| no_log(job))
}

/// Read the uploaded model: BPMN when the file says so by its name or its root element, PNML
/// otherwise (as `spur conformance` decides by the extension). Errors name the file and line.
fn read_model(name: &str, bytes: &[u8]) -> Result<PetriNet, String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(format!(
            "{name}: not UTF-8 text: choose a PNML or BPMN file (XML)"
        ));
    };
    let is_bpmn = name.to_ascii_lowercase().ends_with(".bpmn")
        || (!text.contains("<pnml") && text.contains("definitions"));
    let read = if is_bpmn {
        read_bpmn(text, &BpmnLimits::default())
            .map(|b| bpmn_to_net(&b))
            .map_err(|e| e.to_string())
    } else {
        read_pnml(text, &PnmlLimits::default()).map_err(|e| e.to_string())
    };
    read.map_err(|e| format!("{name}: {e}; choose a PNML or BPMN 2.0 file"))
}

fn check(
    job: JobId,
    name: &str,
    bytes: &[u8],
    method: Method,
    progress: &dyn Fn(FromWorker),
) -> FromWorker {
    let net = match read_model(name, bytes) {
        Ok(net) => net,
        Err(message) => return failed(job, "bad_model", message),
    };
    let total = match method {
        Method::Tbr => 2,
        Method::Alignments => 1,
        Method::Both => 3,
    };
    let step = |done: u64| progress(FromWorker::Progress { job, done, total });
    with_view(|log| {
        // The parts `spur conformance` runs, in its order; a progress message before each so
        // the card can say which one is running (alignments are the long one).
        step(0);
        let mut tbr = None;
        if method != Method::Alignments {
            let fitness = token_replay_fitness(log, &net);
            step(1);
            let precision = etc_precision(log, &net);
            step(2);
            tbr = Some((fitness, precision));
        }
        let alignments =
            (method != Method::Tbr).then(|| alignment_fitness(log, &net, DEFAULT_ALIGNMENT_BUDGET));
        let report = ConformanceReport::from_parts(log, tbr, alignments);
        FromWorker::Model {
            job,
            reply: ModelReply::Checked {
                report: Box::new(report),
            },
        }
    })
    .unwrap_or_else(|| no_log(job))
}
