//! BPMN 2.0 XML reader, following pm4py's importer for what it keeps: every element inside a
//! `process` whose local name ends in `task` is a task (its `name` the activity), start and end
//! events, exclusive/parallel/inclusive gateways, other flow nodes as [`BpmnKind::Other`], and
//! `sequenceFlow`s by `sourceRef`/`targetRef`; diagram interchange, message flows and
//! associations are ignored. Unlike pm4py, a document that is not XML, a flow naming an unknown
//! node, duplicate ids, a process without a start or an end event, sub-processes and documents
//! past [`BpmnLimits`] are refused with an error naming the line.

use super::bpmn::{Bpmn, BpmnFlow, BpmnKind, BpmnNode, GatewayDirection};
use crate::import::lines::Lines;
use hashbrown::HashMap;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Size limits for reading: past them the diagram is refused, not half-read.
#[derive(Debug, Clone, Copy)]
pub struct BpmnLimits {
    pub max_bytes: usize,
    pub max_nodes: usize,
    pub max_flows: usize,
}

impl Default for BpmnLimits {
    fn default() -> Self {
        BpmnLimits {
            max_bytes: 64 << 20,
            max_nodes: 20_000,
            max_flows: 100_000,
        }
    }
}

/// Why a BPMN document was refused, with the 1-based line where it was noticed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("BPMN line {line}: {message}")]
pub struct BpmnError {
    pub line: usize,
    pub message: String,
}

struct PendingFlow {
    id: String,
    source: String,
    target: String,
    line: usize,
}

fn kind_of(local: &str) -> Option<BpmnKind> {
    let lower = local.to_ascii_lowercase();
    Some(match lower.as_str() {
        "startevent" => BpmnKind::StartEvent,
        "endevent" => BpmnKind::EndEvent,
        "exclusivegateway" => BpmnKind::ExclusiveGateway,
        "parallelgateway" => BpmnKind::ParallelGateway,
        "inclusivegateway" => BpmnKind::InclusiveGateway,
        "intermediatecatchevent"
        | "intermediatethrowevent"
        | "boundaryevent"
        | "eventbasedgateway"
        | "complexgateway"
        | "callactivity" => BpmnKind::Other(local.to_string()),
        l if l.ends_with("task") => BpmnKind::Task,
        _ => return None,
    })
}

/// Read a BPMN 2.0 document.
pub fn read_bpmn(text: &str, limits: &BpmnLimits) -> Result<Bpmn, BpmnError> {
    if text.len() > limits.max_bytes {
        return Err(BpmnError {
            line: 0,
            message: format!(
                "document is {} bytes, above the limit of {}",
                text.len(),
                limits.max_bytes
            ),
        });
    }
    let mut lines = Lines::new(text.as_bytes());
    let mut line_at = |pos: u64| lines.at(pos) as usize;
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut bpmn = Bpmn::default();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut flows: Vec<PendingFlow> = Vec::new();
    let mut flow_ids: hashbrown::HashSet<String> = hashbrown::HashSet::new();
    let mut in_process = 0usize;
    let mut saw_process = false;
    loop {
        let pos = reader.buffer_position();
        let ev = reader.read_event().map_err(|e| BpmnError {
            line: line_at(reader.error_position()),
            message: format!("not well-formed XML: {e}"),
        })?;
        let line = line_at(pos);
        let err = |message: String| BpmnError { line, message };
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = local(e);
                if stack.is_empty() && name != "definitions" {
                    return Err(err(format!(
                        "root element is <{name}>, not <definitions>: not a BPMN document"
                    )));
                }
                if name == "process" {
                    saw_process = true;
                    if bpmn.process_id.is_empty() {
                        bpmn.process_id = attr(e, "id").map_err(&err)?.unwrap_or_default();
                    }
                }
                if in_process > 0 {
                    if name.eq_ignore_ascii_case("subprocess")
                        || name.eq_ignore_ascii_case("adhocsubprocess")
                        || name.eq_ignore_ascii_case("transaction")
                    {
                        return Err(err(format!(
                            "<{name}> is not supported: flatten sub-processes first"
                        )));
                    }
                    if name == "sequenceFlow" {
                        let id = attr(e, "id")
                            .map_err(&err)?
                            .ok_or_else(|| err("sequence flow without an id".into()))?;
                        let source = attr(e, "sourceRef").map_err(&err)?.ok_or_else(|| {
                            err(format!("sequence flow '{id}' without a sourceRef"))
                        })?;
                        let target = attr(e, "targetRef").map_err(&err)?.ok_or_else(|| {
                            err(format!("sequence flow '{id}' without a targetRef"))
                        })?;
                        if flows.len() >= limits.max_flows {
                            return Err(err(format!(
                                "more than {} sequence flows: refused",
                                limits.max_flows
                            )));
                        }
                        if ids.contains_key(&id) || !flow_ids.insert(id.clone()) {
                            return Err(err(format!("duplicate id '{id}'")));
                        }
                        flows.push(PendingFlow {
                            id,
                            source,
                            target,
                            line,
                        });
                    } else if let Some(kind) = kind_of(&name) {
                        let id = attr(e, "id")
                            .map_err(&err)?
                            .ok_or_else(|| err(format!("<{name}> without an id")))?;
                        if bpmn.nodes.len() >= limits.max_nodes {
                            return Err(err(format!(
                                "more than {} nodes: refused",
                                limits.max_nodes
                            )));
                        }
                        if ids.contains_key(&id) || flow_ids.contains(&id) {
                            return Err(err(format!("duplicate id '{id}'")));
                        }
                        let direction = match attr(e, "gatewayDirection").map_err(&err)?.as_deref()
                        {
                            Some("Diverging") => GatewayDirection::Diverging,
                            Some("Converging") => GatewayDirection::Converging,
                            _ => GatewayDirection::Unspecified,
                        };
                        // pm4py drops line breaks from names.
                        let name = attr(e, "name")
                            .map_err(&err)?
                            .unwrap_or_default()
                            .replace(['\r', '\n'], "");
                        ids.insert(id.clone(), bpmn.nodes.len());
                        bpmn.nodes.push(BpmnNode {
                            id,
                            name,
                            kind,
                            direction,
                        });
                    }
                }
                if !empty {
                    if name == "process" {
                        in_process += 1;
                    }
                    stack.push(name);
                    if stack.len() > 64 {
                        return Err(err("elements nested more than 64 deep".into()));
                    }
                }
            }
            Event::End(_) => {
                let Some(name) = stack.pop() else {
                    return Err(err("closing tag without an opening one".into()));
                };
                if name == "process" {
                    in_process = in_process.saturating_sub(1);
                }
            }
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(err(format!(
                        "not well-formed XML: the document ends inside <{open}>"
                    )));
                }
                break;
            }
            _ => {}
        }
    }
    if bpmn.nodes.is_empty() && !saw_process {
        return Err(BpmnError {
            line: 1,
            message: "no <process> element: nothing to convert".into(),
        });
    }
    for f in flows {
        let resolve = |r: &str, side: &str| {
            ids.get(r).copied().ok_or_else(|| BpmnError {
                line: f.line,
                message: format!(
                    "sequence flow '{}' has {side} '{r}', which is no node of the process",
                    f.id
                ),
            })
        };
        let source = resolve(&f.source, "sourceRef")?;
        let target = resolve(&f.target, "targetRef")?;
        bpmn.flows.push(BpmnFlow {
            id: f.id,
            source,
            target,
        });
    }
    for (kind, what) in [
        (BpmnKind::StartEvent, "start event"),
        (BpmnKind::EndEvent, "end event"),
    ] {
        if !bpmn.nodes.iter().any(|n| n.kind == kind) {
            return Err(BpmnError {
                line: 1,
                message: format!(
                    "the process has no {what}: cases could not {}",
                    if kind == BpmnKind::StartEvent {
                        "begin"
                    } else {
                        "end"
                    }
                ),
            });
        }
    }
    Ok(bpmn)
}

fn local(e: &BytesStart<'_>) -> String {
    let n = e.local_name();
    let s: &str = n.as_ref();
    s.to_string()
}

/// An attribute's value; one that is present but malformed (a bad entity) is an error, not
/// silently absent.
fn attr(e: &BytesStart<'_>, key: &str) -> Result<Option<String>, String> {
    let Some(a) = e.try_get_attribute(key).map_err(|x| x.to_string())? else {
        return Ok(None);
    };
    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .map(|v| Some(v.into_owned()))
        .map_err(|x| format!("attribute {key}: {x}"))
}
