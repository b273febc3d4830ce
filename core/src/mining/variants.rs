//! Variants: each distinct activity sequence of a case, with its count and cases.

use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// One variant: an activity sequence and the cases that follow it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// Activity codes: indices into [`Variants::activities`] (= the log's activity codes).
    pub activities: Vec<u32>,
    pub count: u64,
    /// Case codes of the log, in log order (names: `log.case_ids().resolve(code)`).
    pub cases: Vec<u32>,
}

/// All variants, by count descending, then activity sequence (by name).
///
/// Sequences are kept as activity codes with one name table, so computing variants allocates
/// per variant, not per activity occurrence; [`Variants::names`] spells one out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variants {
    /// Activity names by code.
    pub activities: Vec<String>,
    pub variants: Vec<Variant>,
}

impl Variants {
    /// The activity names of variant `v`.
    pub fn names<'a>(&'a self, v: &Variant) -> Vec<&'a str> {
        v.activities
            .iter()
            .map(|&a| self.activities.get(a as usize).map_or("", String::as_str))
            .collect()
    }
}

/// Group cases by activity sequence. A case's sequence is a slice of the activity column, so
/// grouping hashes slices in place (no per-case allocation), and the groups are sorted on
/// activity ranks, not strings.
pub fn variants(log: &EventLog) -> Variants {
    let variants = grouped(log, true)
        .into_iter()
        .map(|(seq, count, cases)| Variant {
            activities: seq.to_vec(),
            count,
            cases,
        })
        .collect();
    Variants {
        activities: log.activities().iter().map(str::to_string).collect(),
        variants,
    }
}

/// Variants without their case lists: `(activities, count)`, in [`variants`] order.
pub fn variant_counts(log: &EventLog) -> Vec<(Vec<String>, u64)> {
    let names: Vec<&str> = log.activities().iter().collect();
    grouped(log, false)
        .into_iter()
        .map(|(seq, count, _)| {
            (
                seq.iter().map(|&a| names[a as usize].to_string()).collect(),
                count,
            )
        })
        .collect()
}

/// `(sequence, count, cases)` sorted by count descending, then sequence by activity name.
fn grouped(log: &EventLog, with_cases: bool) -> Vec<(&[u32], u64, Vec<u32>)> {
    let mut index: hashbrown::HashMap<&[u32], usize> = hashbrown::HashMap::new();
    let mut groups: Vec<(&[u32], u64, Vec<u32>)> = Vec::new();
    for case in 0..log.num_cases() as u32 {
        let seq = log.case_activities(case);
        let slot = *index.entry(seq).or_insert_with(|| {
            groups.push((seq, 0, Vec::new()));
            groups.len() - 1
        });
        let g = &mut groups[slot];
        g.1 += 1;
        if with_cases {
            g.2.push(case);
        }
    }
    // rank[code] = position of the activity's name in name order.
    let mut by_name: Vec<u32> = (0..log.activities().len() as u32).collect();
    by_name.sort_by(|&a, &b| log.activities().resolve(a).cmp(log.activities().resolve(b)));
    let mut rank = vec![0u32; by_name.len()];
    for (r, &code) in by_name.iter().enumerate() {
        rank[code as usize] = r as u32;
    }
    groups.sort_by(|a, b| {
        b.1.cmp(&a.1).then_with(|| {
            a.0.iter()
                .map(|&x| rank[x as usize])
                .cmp(b.0.iter().map(|&x| rank[x as usize]))
        })
    });
    groups
}
