//! Transcript tests of `spur discover` and `spur conformance`: a model discovered from a log,
//! written as PNML, and the log checked against it.

mod support;
use support::spur_parts;

#[test]
fn discover_then_conformance_fits_perfectly() {
    let dir = std::env::temp_dir().join(format!("spur-discover-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("log.csv");
    std::fs::write(
        &log,
        "case,activity,time\n1,a,2024-01-01T00:00:00\n1,b,2024-01-01T01:00:00\n1,c,2024-01-01T02:00:00\n\
         2,a,2024-01-01T00:00:00\n2,c,2024-01-01T01:00:00\n2,b,2024-01-01T02:00:00\n",
    )
    .unwrap();
    let pnml = dir.join("model.pnml");
    let (code, stdout, stderr) = spur_parts(&[
        "discover",
        log.to_str().unwrap(),
        "-o",
        pnml.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["tree"], "->( 'a', +( 'b', 'c' ) )");
    assert_eq!(
        (
            v["places"].as_u64(),
            v["transitions"].as_u64(),
            v["visible_transitions"].as_u64(),
            v["arcs"].as_u64()
        ),
        (Some(6), Some(4), Some(3), Some(10))
    );
    let (code, stdout, stderr) = spur_parts(&[
        "conformance",
        log.to_str().unwrap(),
        pnml.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["tbr"]["log_fitness"], 1.0);
    assert_eq!(v["alignments"]["percentage_of_fitting_traces"], 100.0);
    assert_eq!(v["alignments"]["exhausted"], 0);
    assert_eq!(v["cases"].as_array().map(Vec::len), Some(2));
    // A model that is not PNML is refused with the line.
    std::fs::write(&pnml, "<pnml><net id='n'><page id='p'>\n<arc id='x' source='a' target='b'/>\n</page></net></pnml>").unwrap();
    let (code, _, stderr) =
        spur_parts(&["conformance", log.to_str().unwrap(), pnml.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("PNML line 2: arc 'x'"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn discover_to_bpmn_then_conformance_on_the_bpmn() {
    let dir = std::env::temp_dir().join(format!("spur-discover-bpmn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("log.csv");
    std::fs::write(
        &log,
        "case,activity,time\n1,a,2024-01-01T00:00:00\n1,b,2024-01-01T01:00:00\n1,c,2024-01-01T02:00:00\n\
         2,a,2024-01-01T00:00:00\n2,c,2024-01-01T01:00:00\n2,b,2024-01-01T02:00:00\n",
    )
    .unwrap();
    let checked = dir.join("checked.csv");
    let mut text = std::fs::read_to_string(&log).unwrap();
    text.push_str("3,a,2024-01-01T00:00:00\n3,c,2024-01-01T01:00:00\n");
    std::fs::write(&checked, text).unwrap();
    let bpmn = dir.join("model.bpmn");
    let (code, _, stderr) = spur_parts(&[
        "discover",
        log.to_str().unwrap(),
        "-o",
        bpmn.to_str().unwrap(),
    ]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let xml = std::fs::read_to_string(&bpmn).unwrap();
    assert!(xml.contains("<bpmn:parallelGateway") && xml.contains("<bpmndi:BPMNShape"));
    let (code, stdout, stderr) = spur_parts(&[
        "conformance",
        checked.to_str().unwrap(),
        bpmn.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // Case 3 lacks b: one model move on b in the alignments.
    assert_eq!(
        v["alignments"]["percentage_of_fitting_traces"]
            .as_f64()
            .map(|p| (p * 1e6).round()),
        Some(66666667.0)
    );
    assert_eq!(v["deviations"][0]["activity"], "b");
    assert_eq!(v["deviations"][0]["model_moves"], 1);
    // ... on one directly-follows edge of case 3 (a → c or c → end: both are optimal).
    let edges = v["edge_deviations"].as_array().unwrap();
    assert_eq!(edges.len(), 1, "{edges:?}");
    assert_eq!(
        (
            edges[0]["log_moves"].as_u64(),
            edges[0]["model_moves"].as_u64()
        ),
        (Some(0), Some(1))
    );
    // Hostile BPMN is refused with the line.
    std::fs::write(&bpmn, "<definitions><process id='p'>\n<startEvent id='s'/><endEvent id='e'/>\n<sequenceFlow id='f' sourceRef='s' targetRef='x'/>\n</process></definitions>").unwrap();
    let (code, _, stderr) =
        spur_parts(&["conformance", log.to_str().unwrap(), bpmn.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("BPMN line 3: sequence flow 'f'"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
