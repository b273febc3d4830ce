//! Transcript tests of `spur discover` and `spur conformance`: a model discovered from a log,
//! written as PNML, BPMN or its SVG picture, and the log checked against it; the recipe steps `discover` and
//! `conformance` replayed by `spur run` print exactly the same JSON.

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
    // -o MODEL.svg draws the BPMN diagram: a task per activity, the ∧ split and join.
    let svg = dir.join("model.svg");
    let (code, _, stderr) = spur_parts(&[
        "discover",
        log.to_str().unwrap(),
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let drawn = std::fs::read_to_string(&svg).unwrap();
    assert!(drawn.starts_with("<svg"), "{drawn}");
    for a in ["a", "b", "c"] {
        assert_eq!(drawn.matches(&format!("data-activity=\"{a}\"")).count(), 1);
    }
    assert_eq!(drawn.matches("data-kind=\"and\"").count(), 2);
    // IMd, from the DFG alone, finds the same tree here; it takes no noise.
    let (code, stdout, _) = spur_parts(&["discover", log.to_str().unwrap(), "--variant", "imd"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("->( 'a', +( 'b', 'c' ) )\n"), "{stdout}");
    let (code, _, _) = spur_parts(&[
        "discover",
        log.to_str().unwrap(),
        "--variant",
        "imd",
        "--noise",
        "0.2",
    ]);
    assert_eq!(code, 2);
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

#[test]
fn recipe_steps_replay_to_the_numbers_of_the_commands() {
    let dir = std::env::temp_dir().join(format!("spur-discover-recipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("log.csv");
    // Mostly a → (b ∥ c) → d, some cases loop on b, one skips d, one has a stray x: IMf (0.2)
    // keeps the main behaviour, so conformance finds deviations.
    let traces = [
        "a b c d",
        "a c b d",
        "a b c d",
        "a c b d",
        "a b c d",
        "a b b c d",
        "a b c",
        "a x b c d",
        "a c b d",
        "a b c d",
    ];
    let mut csv = String::from("case,activity,time\n");
    for (c, t) in traces.iter().enumerate() {
        for (i, a) in t.split(' ').enumerate() {
            csv.push_str(&format!("{c},{a},2024-01-01T00:00:{i:02}\n"));
        }
    }
    std::fs::write(&log, csv).unwrap();
    let (log_s, pnml) = (
        log.to_str().unwrap(),
        dir.join("model.pnml").to_string_lossy().into_owned(),
    );
    let run = |args: &[&str]| {
        let (code, stdout, stderr) = spur_parts(args);
        assert_eq!((code, stderr.as_str()), (0, ""), "{args:?}");
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap()
    };
    let discovered = run(&["discover", log_s, "--noise", "0.2", "-o", &pnml, "--json"]);
    let checked = run(&["conformance", log_s, &pnml, "--json"]);
    assert!(checked["edge_deviations"]
        .as_array()
        .is_some_and(|e| !e.is_empty()));
    let recipe = serde_json::json!({
        "version": 1,
        "steps": [
            {"id": "model", "kind": "discover", "noise": 0.2},
            {"id": "check", "kind": "conformance", "model": std::fs::read_to_string(&pnml).unwrap()},
            {"id": "tbr", "kind": "conformance", "method": "tbr", "model": std::fs::read_to_string(&pnml).unwrap()}
        ]
    });
    let recipe_path = dir.join("recipe.json");
    std::fs::write(&recipe_path, recipe.to_string()).unwrap();
    let replay = run(&["run", recipe_path.to_str().unwrap(), log_s, "--json"]);
    assert_eq!(replay["steps"][0]["output"], discovered);
    assert_eq!(replay["steps"][1]["output"], checked);
    let tbr_only = run(&["conformance", log_s, &pnml, "--method", "tbr", "--json"]);
    assert_eq!(replay["steps"][2]["output"], tbr_only);
    // A BPMN model inline works the same way.
    let bpmn = dir.join("model.bpmn").to_string_lossy().into_owned();
    run(&["discover", log_s, "--noise", "0.2", "-o", &bpmn, "--json"]);
    let checked_bpmn = run(&["conformance", log_s, &bpmn, "--json"]);
    let recipe = serde_json::json!({"version": 1, "steps": [
        {"id": "check", "kind": "conformance", "model": std::fs::read_to_string(&bpmn).unwrap()}]});
    std::fs::write(&recipe_path, recipe.to_string()).unwrap();
    let replay = run(&["run", recipe_path.to_str().unwrap(), log_s, "--json"]);
    assert_eq!(replay["steps"][0]["output"], checked_bpmn);
    // A model that is not PNML stops the replay at that step, located.
    let bad = serde_json::json!({"version": 1, "steps": [
        {"id": "check", "kind": "conformance", "model": "<pnml><net id='n'>"}]});
    std::fs::write(&recipe_path, bad.to_string()).unwrap();
    let (code, _, stderr) = spur_parts(&["run", recipe_path.to_str().unwrap(), log_s]);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("recipe step 0 (`check`, conformance): model: PNML line 1"),
        "{stderr}"
    );
    // The fitness step keeps exactly the cases `conformance` says do not fit.
    let unfit = checked["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["fitness"].as_f64().is_none_or(|f| f < 1.0))
        .count();
    assert!(unfit > 0);
    let recipe = serde_json::json!({"version": 1, "steps": [
        {"id": "unfit", "kind": "fitness", "model": std::fs::read_to_string(&pnml).unwrap()}]});
    std::fs::write(&recipe_path, recipe.to_string()).unwrap();
    let replay = run(&["run", recipe_path.to_str().unwrap(), log_s, "--json"]);
    assert_eq!(replay["steps"][0]["cases"], unfit);
    // The pictures mark what the JSON reports: one marked task per deviating activity the
    // model has, one marked path per deviating edge of the log.
    let (model_svg, map_svg) = (dir.join("dev.svg"), dir.join("map.svg"));
    let (code, _, stderr) = spur_parts(&[
        "conformance",
        log_s,
        &pnml,
        "-o",
        model_svg.to_str().unwrap(),
        "--map",
        map_svg.to_str().unwrap(),
    ]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let model_svg = std::fs::read_to_string(&model_svg).unwrap();
    let map_svg = std::fs::read_to_string(&map_svg).unwrap();
    let deviating = checked["deviations"].as_array().unwrap();
    for d in deviating {
        let a = d["activity"].as_str().unwrap();
        let marked = format!(
            "data-activity=\"{a}\" data-log-moves=\"{}\" data-model-moves=\"{}\"",
            d["log_moves"], d["model_moves"]
        );
        let drawn = model_svg.contains(&format!("data-activity=\"{a}\""));
        assert_eq!(model_svg.contains(&marked), drawn, "{a}");
        if !drawn {
            let note = format!("Not in the model (events out of place): {a} (");
            assert!(model_svg.contains(&note), "{a}");
        }
    }
    let edges = checked["edge_deviations"].as_array().unwrap().len();
    assert_eq!(
        map_svg.matches("data-model-moves").count(),
        edges + deviating.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
