//! Data-driven tests of activity mining: small logs and lead tables in, the join report, the
//! buckets and the findings out; and the planted effects of the synthetic CRM recovered.

use super::*;
use crate::import::{import_bytes, ImportOptions};
use crate::leads::generate;

fn log(csv: &str) -> EventLog {
    import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default())
        .expect("valid")
        .0
}

#[test]
fn generator_smoke() {
    let leads = generate::leads(20_000, 11);
    let log = log(&generate::activity_csv(&leads, 11));
    let outcomes: Vec<(String, bool)> = leads.iter().map(|l| (l.id.clone(), l.won)).collect();
    let t = std::time::Instant::now();
    let f = mine(&log, &outcomes, &ActivityOptions::default()).expect("mines");
    eprintln!("{:?}", t.elapsed());
    for x in &f.findings {
        eprintln!("{}", x.text);
    }
    for x in &f.features {
        eprintln!(
            "{} {:.3} {:.2e} {} {:?}",
            x.name,
            x.effect,
            x.p_value,
            x.informative,
            x.buckets
                .iter()
                .map(|b| (
                    b.label.as_str(),
                    b.leads,
                    (b.win_rate * 1000.0).round() / 10.0
                ))
                .collect::<Vec<_>>()
        );
    }
}
