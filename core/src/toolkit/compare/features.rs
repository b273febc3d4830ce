//! Per-case features of the two groups, counted on codes: what `compare` tests.
//!
//! A categorical feature becomes per-value case counts for A and B (plus the cases without any
//! value); a numeric one becomes two sorted samples. Event attributes are aggregated per case:
//! a categorical value counts once for every case that contains it at least once (so a case may
//! count under several values), a numeric attribute contributes the mean of the case's values.
//! Each pass walks only the events of cases in A or B, with a per-value "last case seen" stamp,
//! and allocates no string per event.

use super::Groups;
use crate::log::{EventLog, Interner, Validity};

/// Value labels of a categorical feature, by code.
#[derive(Clone, Copy)]
pub(super) enum Labels<'a> {
    Dict(&'a Interner),
    Bool,
}

impl Labels<'_> {
    pub(super) fn get(&self, code: u32) -> &str {
        match self {
            Labels::Dict(d) => d.get(code).unwrap_or(""),
            Labels::Bool => {
                if code == 1 {
                    "true"
                } else {
                    "false"
                }
            }
        }
    }
}

/// Cases per value in A and B, and cases without a value.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Counts {
    pub a: Vec<u64>,
    pub b: Vec<u64>,
    pub missing_a: u64,
    pub missing_b: u64,
    /// Cases holding at least one value flagged in `rare` (only when a rare mask was given).
    pub rare_a: u64,
    pub rare_b: u64,
}

impl Counts {
    fn new(n_values: usize) -> Counts {
        Counts {
            a: vec![0; n_values],
            b: vec![0; n_values],
            ..Counts::default()
        }
    }

    fn add(&mut self, member: u8, code: Option<u32>) {
        match code {
            Some(v) => {
                if member & 1 != 0 {
                    self.a[v as usize] += 1;
                }
                if member & 2 != 0 {
                    self.b[v as usize] += 1;
                }
            }
            None => {
                self.missing_a += u64::from(member & 1);
                self.missing_b += u64::from(member >> 1 & 1);
            }
        }
    }
}

/// One value per case (`None` = missing); `code` must be below `n_values`.
pub(super) fn count_cases(
    groups: &Groups,
    n_values: usize,
    code: impl Fn(usize) -> Option<u32>,
) -> Counts {
    let mut counts = Counts::new(n_values);
    for (c, &m) in groups.member.iter().enumerate() {
        if m != 0 {
            counts.add(m, code(c).filter(|&v| (v as usize) < n_values));
        }
    }
    counts
}

/// Values per event: a case counts once under each value it contains. With `rare`, also
/// counts the cases holding at least one rare value.
pub(super) fn count_events(
    log: &EventLog,
    groups: &Groups,
    n_values: usize,
    code: impl Fn(usize) -> Option<u32>,
    rare: Option<&[bool]>,
) -> Counts {
    let mut counts = Counts::new(n_values);
    let mut stamp = vec![u32::MAX; n_values];
    for (c, &m) in groups.member.iter().enumerate() {
        if m == 0 {
            continue;
        }
        let mut any = false;
        let mut any_rare = false;
        for i in log.case_events(c as u32) {
            let Some(v) = code(i).filter(|&v| (v as usize) < n_values) else {
                continue;
            };
            any = true;
            if stamp[v as usize] != c as u32 {
                stamp[v as usize] = c as u32;
                counts.add(m, Some(v));
                any_rare |= rare.is_some_and(|r| r[v as usize]);
            }
        }
        if !any {
            counts.add(m, None);
        }
        if any_rare {
            counts.rare_a += u64::from(m & 1);
            counts.rare_b += u64::from(m >> 1 & 1);
        }
    }
    counts
}

/// A numeric feature: sorted finite values per group, and cases without one.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Samples {
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    pub missing_a: u64,
    pub missing_b: u64,
}

impl Samples {
    fn add(&mut self, member: u8, value: Option<f64>) {
        match value.filter(|v| v.is_finite()) {
            Some(v) => {
                if member & 1 != 0 {
                    self.a.push(v);
                }
                if member & 2 != 0 {
                    self.b.push(v);
                }
            }
            None => {
                self.missing_a += u64::from(member & 1);
                self.missing_b += u64::from(member >> 1 & 1);
            }
        }
    }

    fn sorted(mut self) -> Samples {
        self.a.sort_unstable_by(f64::total_cmp);
        self.b.sort_unstable_by(f64::total_cmp);
        self
    }
}

/// One numeric value per case.
pub(super) fn sample_cases(groups: &Groups, value: impl Fn(usize) -> Option<f64>) -> Samples {
    let mut s = Samples::default();
    for (c, &m) in groups.member.iter().enumerate() {
        if m != 0 {
            s.add(m, value(c));
        }
    }
    s.sorted()
}

/// The mean of a case's event values.
pub(super) fn sample_event_means(
    log: &EventLog,
    groups: &Groups,
    value: impl Fn(usize) -> Option<f64>,
) -> Samples {
    let mut s = Samples::default();
    for (c, &m) in groups.member.iter().enumerate() {
        if m == 0 {
            continue;
        }
        let (mut sum, mut n) = (0.0, 0u32);
        for i in log.case_events(c as u32) {
            if let Some(v) = value(i).filter(|v| v.is_finite()) {
                sum += v;
                n += 1;
            }
        }
        s.add(m, (n > 0).then(|| sum / f64::from(n)));
    }
    s.sorted()
}

/// Per case: (number of distinct activities, and per activity the cases containing it in A and
/// B), one pass over the events of grouped cases.
pub(super) fn activity_presence(log: &EventLog, groups: &Groups) -> (Vec<Option<f64>>, Counts) {
    let n = log.activities().len();
    let mut counts = Counts::new(n);
    let mut stamp = vec![u32::MAX; n];
    let mut distinct = vec![None; groups.member.len()];
    let acts = log.activity_codes();
    for (c, &m) in groups.member.iter().enumerate() {
        if m == 0 {
            continue;
        }
        let mut k = 0u32;
        for i in log.case_events(c as u32) {
            let a = acts[i];
            if stamp[a as usize] != c as u32 {
                stamp[a as usize] = c as u32;
                k += 1;
                counts.add(m, Some(a));
            }
        }
        distinct[c] = Some(f64::from(k));
    }
    (distinct, counts)
}

/// A value getter for a validity-masked slice.
pub(super) fn valid<'a, T: Copy>(
    values: &'a [T],
    validity: &'a Validity,
) -> impl Fn(usize) -> Option<T> + 'a {
    move |i| {
        if validity.get(i) {
            values.get(i).copied()
        } else {
            None
        }
    }
}
