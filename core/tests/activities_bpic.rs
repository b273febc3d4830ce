//! Sales-activity mining on a real log: BPIC2012 loan applications, "won" = approved. The
//! approval's own activities must come out as outcome markers, and the whole analysis must stay
//! fast (the time is printed, not asserted: performance is benchmarked, not asserted).

mod support;

use spur_core::import::{import_bytes, ImportOptions};
use spur_core::leads::activities::{mine, ActivityOptions};

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
    assert!(markers.contains(&"A_APPROVED"), "{markers:?}");
    assert_eq!(f.join.analysed as usize, log.num_cases());
}
