//! BPMN 2.0 XML writer with diagram interchange (`bpmndi` shapes and edges from
//! [`super::bpmn_layout`]), so bpmn.io, Camunda Modeler and `pm4py.read_bpmn` open the file laid
//! out. Nodes list their `incoming`/`outgoing` flows, as modelers expect.

use super::bpmn::{Bpmn, BpmnKind, GatewayDirection};
use super::bpmn_layout::layout;
use std::fmt::Write as _;

fn element(kind: &BpmnKind) -> &str {
    match kind {
        BpmnKind::StartEvent => "startEvent",
        BpmnKind::EndEvent => "endEvent",
        BpmnKind::Task => "task",
        BpmnKind::ExclusiveGateway => "exclusiveGateway",
        BpmnKind::ParallelGateway => "parallelGateway",
        BpmnKind::InclusiveGateway => "inclusiveGateway",
        BpmnKind::Other(name) => name,
    }
}

/// Write the diagram as BPMN 2.0 XML with a computed layout.
pub fn write_bpmn(b: &Bpmn) -> String {
    // Tabs and line breaks as references: a reader normalizes literal ones in attributes.
    let esc = |s: &str| {
        quick_xml::escape::escape(s)
            .replace('\t', "&#9;")
            .replace('\n', "&#10;")
            .replace('\r', "&#13;")
    };
    let lay = layout(b);
    let process = if b.process_id.is_empty() {
        "process"
    } else {
        &b.process_id
    };
    let mut o = String::new();
    o.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str("<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" xmlns:di=\"http://www.omg.org/spec/DD/20100524/DI\" id=\"definitions\" targetNamespace=\"http://bpmn.io/schema/bpmn\" exporter=\"spur\">\n");
    let _ = writeln!(
        o,
        "  <bpmn:process id=\"{}\" isExecutable=\"false\">",
        esc(process)
    );
    for (i, n) in b.nodes.iter().enumerate() {
        let tag = element(&n.kind);
        let _ = write!(o, "    <bpmn:{tag} id=\"{}\"", esc(&n.id));
        if !n.name.is_empty() {
            let _ = write!(o, " name=\"{}\"", esc(&n.name));
        }
        match n.direction {
            GatewayDirection::Diverging => o.push_str(" gatewayDirection=\"Diverging\""),
            GatewayDirection::Converging => o.push_str(" gatewayDirection=\"Converging\""),
            GatewayDirection::Unspecified => {}
        }
        o.push_str(">\n");
        for f in b.flows.iter().filter(|f| f.target == i) {
            let _ = writeln!(o, "      <bpmn:incoming>{}</bpmn:incoming>", esc(&f.id));
        }
        for f in b.flows.iter().filter(|f| f.source == i) {
            let _ = writeln!(o, "      <bpmn:outgoing>{}</bpmn:outgoing>", esc(&f.id));
        }
        let _ = writeln!(o, "    </bpmn:{tag}>");
    }
    for f in &b.flows {
        let _ = writeln!(
            o,
            "    <bpmn:sequenceFlow id=\"{}\" sourceRef=\"{}\" targetRef=\"{}\"/>",
            esc(&f.id),
            esc(&b.nodes[f.source].id),
            esc(&b.nodes[f.target].id)
        );
    }
    o.push_str("  </bpmn:process>\n");
    let _ = writeln!(
        o,
        "  <bpmndi:BPMNDiagram id=\"diagram\">\n    <bpmndi:BPMNPlane id=\"plane\" bpmnElement=\"{}\">",
        esc(process)
    );
    for (n, r) in b.nodes.iter().zip(&lay.nodes) {
        let _ = writeln!(
            o,
            "      <bpmndi:BPMNShape id=\"{0}_di\" bpmnElement=\"{0}\">\n        <dc:Bounds x=\"{1}\" y=\"{2}\" width=\"{3}\" height=\"{4}\"/>\n      </bpmndi:BPMNShape>",
            esc(&n.id),
            r.x,
            r.y,
            r.width,
            r.height
        );
    }
    for (f, points) in b.flows.iter().zip(&lay.flows) {
        let _ = writeln!(
            o,
            "      <bpmndi:BPMNEdge id=\"{0}_di\" bpmnElement=\"{0}\">",
            esc(&f.id)
        );
        for (x, y) in points {
            let _ = writeln!(o, "        <di:waypoint x=\"{x}\" y=\"{y}\"/>");
        }
        o.push_str("      </bpmndi:BPMNEdge>\n");
    }
    o.push_str("    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n");
    o
}
