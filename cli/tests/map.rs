//! Transcript tests of `spur map`: the SVG file it writes (one element per node and path), the
//! JSON shape, the sliders, the readable default on a spaghetti log and the usage errors of the
//! real binary.

mod support;
use support::{scratch, spur};

#[test]
fn svg_file_of_a_small_log() {
    let out = scratch("small.svg");
    let out_s = out.to_str().expect("utf-8 temp path");
    let r = spur(&["map", "tests/data/small.csv", "-o", out_s]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(
        r.stdout,
        format!("{out_s}: 3 of 3 activities, 5 of 5 paths, 5 layers\n")
    );
    let svg = std::fs::read_to_string(&out).expect("svg written");
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    // start, register, check, decide, end; start→register→check→decide→end, register→decide.
    assert_eq!(svg.matches("<g class=\"node ").count(), 5);
    assert_eq!(svg.matches(" data-from=\"").count(), 5);
    assert_eq!(svg.matches("<g ").count(), svg.matches("</g>").count());
    assert!(svg.contains(r#"data-activity="register" data-count="3""#));
}

#[test]
fn json_and_sliders() {
    let r = spur(&[
        "map",
        "tests/data/small.csv",
        "--json",
        "--paths",
        "0",
        "--view",
        "mean",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let edges = v["map"]["edges"].as_array().expect("edges");
    let routes = v["layout"]["edges"].as_array().expect("routes");
    assert_eq!(edges.len(), routes.len());
    // The weak register→decide path goes; every activity keeps an in and an out path.
    assert_eq!(
        (v["map"]["paths_shown"].as_u64(), edges.len()),
        (Some(4), 4)
    );
    assert_eq!(v["map"]["nodes"][1]["label"], "decide");
    assert!(edges[0].get("mean_s").is_some() && edges[0].get("count").is_some());

    let few = spur(&["map", "tests/data/small.csv", "--activities", "0.1"]);
    assert_eq!(few.code, 0);
    assert_eq!(few.stdout.matches(" data-activity=\"").count(), 1);
}

#[test]
fn usage_errors() {
    for (args, msg) in [
        (
            vec!["map", "tests/data/small.csv", "--paths", "2"],
            "--paths takes a share between 0 and 1, got `2`",
        ),
        (
            vec!["map", "tests/data/small.csv", "--view", "fast"],
            "--view takes frequency, mean, median or total, got `fast`",
        ),
        (
            vec!["map"],
            "required arguments were not provided:\n  <LOG>",
        ),
    ] {
        let r = spur(&args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains(msg), "{args:?}: {}", r.stderr);
    }
    let bad = scratch("bad.csv");
    std::fs::write(&bad, "a,b\n").expect("write");
    let r = spur(&["map", bad.to_str().expect("utf-8")]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}

/// With no shares, a spaghetti log (45 activities, > 1,000 paths) opens readable: every
/// activity, at most 2.5 paths per node, stderr says what is hidden; `--paths 1` shows all.
#[test]
fn spaghetti_opens_readable_and_paths_1_shows_all() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut csv = String::from("case,activity,timestamp\n");
    for case in 0..1500u64 {
        let mut a = next(45);
        for step in 0..(8 + next(23)) {
            let t = 1_704_067_200 + case * 86_400 + step * 600;
            csv.push_str(&format!("c{case},act {a:02},{t}\n"));
            // Half the steps follow a backbone, the rest jump (skewed to low numbers).
            a = if next(2) == 0 {
                (a + 1) % 45
            } else {
                let bound = next(45) + 1;
                next(bound)
            };
        }
    }
    let log = scratch("spaghetti.csv");
    std::fs::write(&log, csv).expect("write");
    let log_s = log.to_str().expect("utf-8");

    let r = spur(&["map", log_s, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let map = &v["map"];
    let (nodes, edges) = (
        map["nodes"].as_array().expect("nodes").len(),
        map["edges"].as_array().expect("edges").len(),
    );
    let total = map["paths_total"].as_u64().expect("total");
    assert!(total >= 1000, "{total}");
    assert_eq!(map["activities_shown"], 45);
    assert_eq!(map["activities_total"], 45);
    assert!(
        edges as f64 <= 2.5 * nodes as f64,
        "{edges} edges, {nodes} nodes"
    );
    assert_eq!(v["readable"]["paths_shown"].as_u64(), Some(edges as u64));
    assert_eq!(v["readable"]["options"]["activity_share"], 1.0);
    let sentence = v["readable"]["sentence"].as_str().expect("sentence");
    assert!(
        sentence.ends_with(" paths — drag to show more"),
        "{sentence}"
    );
    assert!(
        r.stderr
            .starts_with(&format!("spur map: showing {edges} of ")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--paths 1 shows all"), "{}", r.stderr);

    let r = spur(&["map", log_s, "--json", "--paths", "1"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(v["map"]["paths_shown"].as_u64(), Some(total));
    assert!(v.get("readable").is_none());
}
