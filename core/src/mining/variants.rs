//! Variants: each distinct activity sequence of a case, with its count and cases.

use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// One variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub activities: Vec<String>,
    pub count: u64,
    /// Case ids, in log order.
    pub cases: Vec<String>,
}

/// All variants, by count descending, then activity sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variants {
    pub variants: Vec<Variant>,
}

/// Group cases by activity sequence. A case's sequence is a slice of the activity column, so
/// grouping hashes slices in place (no per-case allocation).
pub fn variants(log: &EventLog) -> Variants {
    let mut index: hashbrown::HashMap<&[u32], usize> = hashbrown::HashMap::new();
    let mut groups: Vec<(&[u32], Vec<u32>)> = Vec::new();
    for case in 0..log.num_cases() as u32 {
        let seq = log.case_activities(case);
        let slot = *index.entry(seq).or_insert_with(|| {
            groups.push((seq, Vec::new()));
            groups.len() - 1
        });
        groups[slot].1.push(case);
    }
    let mut variants: Vec<Variant> = groups
        .into_iter()
        .map(|(seq, cases)| Variant {
            activities: seq
                .iter()
                .map(|&a| log.activities().resolve(a).to_string())
                .collect(),
            count: cases.len() as u64,
            cases: cases
                .iter()
                .map(|&c| log.case_ids().resolve(c).to_string())
                .collect(),
        })
        .collect();
    variants.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.activities.cmp(&b.activities))
    });
    Variants { variants }
}
