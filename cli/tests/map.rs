//! Transcript tests of `spur map`: the SVG file it writes (one element per node and path), the
//! JSON shape, the sliders and the usage errors of the real binary.

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
        (vec!["map"], "map takes exactly one LOG (got 0)"),
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
