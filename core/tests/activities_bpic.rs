//! Sales-activity mining on a real log used as a funnel: BPIC2012 loan applications, "won" =
//! approved. The approval's own activities must come out as outcome markers, the funnel stages
//! must follow the application's order, the raw "has `O_SENT_BACK`" effect (a stage) must not
//! be ranked as an action, and the top findings must be stage-conditional. The time is printed,
//! not asserted: performance is benchmarked, not asserted.

mod support;

use spur_core::import::{import_bytes, ImportOptions};
use spur_core::leads::activities::{mine, ActivityOptions, FindingKind, Verdict};

#[test]
fn bpic2012_approval_markers_and_timing() {
    let Some(dir) = support::shared_data("activities_bpic") else {
        return;
    };
    let path = dir.join("eventlogs/bpic2012.xes.gz");
    let bytes = std::fs::read(&path).expect("bpic2012 readable");
    let (log, _) =
        import_bytes("bpic2012.xes.gz", &bytes, &ImportOptions::default()).expect("imports");
    let approved = log.activities().lookup("A_APPROVED").expect("A_APPROVED");
    let outcomes: Vec<(String, bool)> = (0..log.num_cases() as u32)
        .map(|c| {
            let id = log.case_ids().resolve(c).to_string();
            (id, log.case_activities(c).contains(&approved))
        })
        .collect();
    let t = std::time::Instant::now();
    let f = mine(&log, &outcomes, &ActivityOptions::default()).expect("mines");
    eprintln!("activities::mine on BPIC2012: {:?}", t.elapsed());
    let markers: Vec<&str> = f
        .outcome_markers
        .iter()
        .map(|m| m.activity.as_str())
        .collect();
    eprintln!("markers: {markers:?}");
    for x in &f.findings {
        eprintln!("- {}", x.text);
    }
    for m in [
        "A_ACTIVATED",
        "A_APPROVED",
        "A_CANCELLED",
        "A_DECLINED",
        "A_REGISTERED",
        "O_ACCEPTED",
    ] {
        assert!(markers.contains(&m), "{m} not in {markers:?}");
    }
    assert_eq!(f.join.analysed as usize, log.num_cases());
    // The funnel: in the application's order, no marker, fewer leads at every stage and a
    // higher win rate at the last than at the first.
    let stages: Vec<&str> = f
        .funnel
        .stages
        .iter()
        .map(|s| s.activity.as_str())
        .collect();
    eprintln!("stages: {stages:?}");
    let order: Vec<&str> = stages
        .iter()
        .copied()
        .filter(|s| ["A_PREACCEPTED", "A_ACCEPTED", "A_FINALIZED"].contains(s))
        .collect();
    assert_eq!(order, ["A_PREACCEPTED", "A_ACCEPTED", "A_FINALIZED"]);
    assert!(stages.iter().all(|s| !markers.contains(s)));
    let reached: Vec<u64> = f.funnel.stages.iter().map(|s| s.reached).collect();
    assert!(reached.windows(2).all(|w| w[0] >= w[1]), "{reached:?}");
    let (first, last) = (&f.funnel.stages[0], &f.funnel.stages[stages.len() - 1]);
    assert!(last.won_rate > 2.0 * first.won_rate);
    let funnel = &f.findings[markers.len()];
    assert_eq!(funnel.kind, FindingKind::Stage);
    assert!(
        funnel.text.contains("of lost leads never got past `"),
        "{}",
        funnel.text
    );
    // The raw finding "leads with O_SENT_BACK were won 69 % vs 0 %" is a stage effect.
    let sent_back = f.features.iter().find(|x| x.name == "has O_SENT_BACK");
    assert_eq!(sent_back.map(|x| x.verdict), Some(Verdict::Stage));
    // The top findings after the funnel are actions adjusted for the stage, and no action is a
    // milestone's presence or count.
    let next: Vec<_> = f.findings[markers.len() + 1..].iter().take(3).collect();
    for x in &next {
        assert_eq!(x.kind, FindingKind::Action, "{}", x.text);
        assert_eq!(x.adjusted_for, ["stage"]);
        let a = x.adjusted.as_ref().expect("adjusted");
        assert!(!a.strata.is_empty() && a.p_value < 0.05);
        assert!(x.text.starts_with("Among leads "), "{}", x.text);
    }
    for x in f.features.iter().filter(|x| x.verdict == Verdict::Action) {
        assert!(!(x.milestone && (x.name.starts_with("has ") || x.name.starts_with("count of "))));
    }
}
