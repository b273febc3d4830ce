//! PNML reader and writer: hostile documents give a located error or a bounded refusal
//! (`test_data/pnml/err/*.pnml`, each with the expected message in the `.txt` beside it), and
//! nets Spur writes read back to the same net.

use spur_core::discovery::{read_pnml, tree_to_net, write_pnml, PnmlLimits, ProcessTree};
use std::fmt::Write as _;
use std::path::PathBuf;

#[test]
fn hostile_pnml_is_refused_with_a_located_error() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data/pnml/err");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("test_data/pnml/err")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pnml"))
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        let want =
            std::fs::read_to_string(f.with_extension("txt")).expect("expectation beside the file");
        match read_pnml(&text, &PnmlLimits::default()) {
            Ok(net) => failures.push(format!(
                "{}: accepted ({} places)",
                f.display(),
                net.places.len()
            )),
            Err(e) if e.to_string().contains(want.trim()) => {}
            Err(e) => failures.push(format!(
                "{}: got `{e}`, want `{}`",
                f.display(),
                want.trim()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_hundred_thousand_transitions_are_refused_at_the_limit() {
    let mut doc = String::from("<pnml><net id=\"n\"><page id=\"p\">\n");
    for i in 0..100_000 {
        let _ = writeln!(doc, "<transition id=\"t{i}\"/>");
    }
    doc.push_str("</page></net></pnml>\n");
    let e = read_pnml(&doc, &PnmlLimits::default()).unwrap_err();
    assert!(e.message.contains("more than 20000 transitions"), "{e}");
    assert_eq!(e.line, 20_002);
}

#[test]
fn missing_final_marking_is_guessed_as_pm4py_does() {
    let doc = "<pnml><net id=\"n\"><page id=\"p\">
<place id=\"i\"><initialMarking><text>1</text></initialMarking></place>
<place id=\"o\"/>
<transition id=\"t\"><name><text>a &amp; b</text></name></transition>
<arc id=\"1\" source=\"i\" target=\"t\"/><arc id=\"2\" source=\"t\" target=\"o\"/>
</page></net></pnml>";
    let net = read_pnml(doc, &PnmlLimits::default()).unwrap();
    assert_eq!(net.initial_marking, vec![(0, 1)]);
    assert_eq!(net.final_marking, vec![(1, 1)]);
    assert_eq!(net.transitions[0].label.as_deref(), Some("a & b"));
}

#[test]
fn written_nets_read_back_equal() {
    for tree in [
        "->( 'a', X( 'b', tau ), *( 'c', 'd' ), +( 'e', 'f <&> \"g\"' ) )",
        "O( 'a', 'b' )",
        "*( tau, X( 'a', 'b' ) )",
    ] {
        let net = tree_to_net(&ProcessTree::parse(tree).unwrap());
        let back = read_pnml(&write_pnml(&net), &PnmlLimits::default()).unwrap();
        assert_eq!(back.size(), net.size(), "{tree}");
        assert_eq!(back.places, net.places, "{tree}");
        assert_eq!(
            back.transitions
                .iter()
                .map(|t| &t.label)
                .collect::<Vec<_>>(),
            net.transitions.iter().map(|t| &t.label).collect::<Vec<_>>()
        );
        assert_eq!(back.arcs, net.arcs, "{tree}");
        assert_eq!(
            (back.initial_marking, back.final_marking),
            (net.initial_marking, net.final_marking)
        );
    }
}
