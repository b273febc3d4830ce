//! The cases table (issue 6): one row per case of a log — its events, first and last timestamp,
//! duration and variant rank — sorted and searched here, so the browser's worker, the CLI and
//! the tests order 13,000 cases the same way; plus one case's events for its timeline.
//!
//! The table is columnar (one `Vec` per column, indexed by case code) because the browser asks
//! for it a page at a time: the worker keeps the table and the current ordering and sends only
//! the visible rows, encoded by [`page`] as a compact binary payload.
//!
//! Semantics: start and end are the first and the last *timed* event of the case in log order,
//! and the duration is end − start, as `mining::case_durations` (pm4py) computes it. The variant
//! rank is the position of the case's activity sequence in `mining::variants` (1 = most
//! frequent). Case ids sort naturally (`case 9` before `case 10`); cases without timestamps
//! sort last in both directions; ties keep log order.

pub mod page;

use crate::log::EventLog;
use crate::mining;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

pub use page::{CasePage, CaseRow, PageError};

/// The columns of the cases table, each indexed by case code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseTable {
    pub events: Vec<u32>,
    /// First timed event, ms UTC.
    pub start_ms: Vec<Option<i64>>,
    /// Last timed event, ms UTC.
    pub end_ms: Vec<Option<i64>>,
    /// 1-based rank of the case's variant (1 = the most frequent sequence).
    pub variant: Vec<u32>,
}

/// A column to sort the cases table by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseSort {
    /// Case id, natural order.
    #[default]
    Id,
    Events,
    Start,
    End,
    Duration,
    Variant,
}

impl CaseSort {
    /// Every sort key, in column order.
    pub const ALL: [CaseSort; 6] = [
        CaseSort::Id,
        CaseSort::Events,
        CaseSort::Start,
        CaseSort::End,
        CaseSort::Duration,
        CaseSort::Variant,
    ];

    /// The key's name (`id`, `events`, …), as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            CaseSort::Id => "id",
            CaseSort::Events => "events",
            CaseSort::Start => "start",
            CaseSort::End => "end",
            CaseSort::Duration => "duration",
            CaseSort::Variant => "variant",
        }
    }
}

/// Which cases to list and in what order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct CaseQuery {
    pub sort: CaseSort,
    pub descending: bool,
    /// Keep the cases whose id contains this text, ignoring case (empty: all cases).
    pub search: String,
}

impl CaseTable {
    /// The table of `log`: one pass over the events plus `mining::variants`.
    pub fn new(log: &EventLog) -> CaseTable {
        let n = log.num_cases();
        let mut events = Vec::with_capacity(n);
        let mut start_ms = Vec::with_capacity(n);
        let mut end_ms = Vec::with_capacity(n);
        for w in log.case_starts().windows(2) {
            let range = w[0] as usize..w[1] as usize;
            events.push(w[1] - w[0]);
            let (first, last) = match log.timestamps() {
                Some((ts, valid)) => {
                    let mut timed = range.filter(|&i| valid.get(i));
                    let first = timed.next();
                    let last = timed.next_back().or(first);
                    (first.map(|i| ts[i]), last.map(|i| ts[i]))
                }
                None => (None, None),
            };
            start_ms.push(first);
            end_ms.push(last);
        }
        let mut variant = vec![0u32; n];
        for (rank, v) in mining::variants(log).variants.iter().enumerate() {
            for &case in &v.cases {
                if let Some(slot) = variant.get_mut(case as usize) {
                    *slot = rank as u32 + 1;
                }
            }
        }
        CaseTable {
            events,
            start_ms,
            end_ms,
            variant,
        }
    }

    /// Number of cases.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True for a log without cases.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Duration of case `case` in ms (`None` without timestamps).
    pub fn duration_ms(&self, case: usize) -> Option<i64> {
        self.end_ms
            .get(case)
            .copied()??
            .checked_sub(self.start_ms.get(case).copied()??)
    }

    /// The case codes `query` keeps, in its order. `log` must be the log of this table.
    pub fn order(&self, log: &EventLog, query: &CaseQuery) -> Vec<u32> {
        let ids = log.case_ids();
        let needle = query.search.trim().to_lowercase();
        let mut codes: Vec<u32> = (0..self.len() as u32)
            .filter(|&c| needle.is_empty() || contains_ignore_case(ids.resolve(c), &needle))
            .collect();
        let key = |c: u32| -> Option<i64> {
            let c = c as usize;
            match query.sort {
                CaseSort::Id => Some(0),
                CaseSort::Events => Some(i64::from(self.events[c])),
                CaseSort::Start => self.start_ms[c],
                CaseSort::End => self.end_ms[c],
                CaseSort::Duration => self.duration_ms(c),
                CaseSort::Variant => Some(i64::from(self.variant[c])),
            }
        };
        let direct = |o: Ordering| if query.descending { o.reverse() } else { o };
        codes.sort_by(|&a, &b| {
            let primary = if query.sort == CaseSort::Id {
                direct(natural_cmp(ids.resolve(a), ids.resolve(b)))
            } else {
                match (key(a), key(b)) {
                    (Some(x), Some(y)) => direct(x.cmp(&y)),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                }
            };
            primary.then(a.cmp(&b))
        });
        codes
    }

    /// Rows `offset..offset + limit` of `order` (case codes of `log`) as a page.
    pub fn page(&self, log: &EventLog, order: &[u32], offset: usize, limit: usize) -> CasePage {
        let rows = order
            .iter()
            .skip(offset)
            .take(limit)
            .map(|&c| {
                let i = c as usize;
                CaseRow {
                    id: log.case_ids().resolve(c).to_string(),
                    events: self.events[i],
                    start_ms: self.start_ms[i],
                    end_ms: self.end_ms[i],
                    variant: self.variant[i],
                }
            })
            .collect();
        CasePage { rows }
    }
}

/// Does `hay` contain `needle_lower` (already lower-case), ignoring case?
fn contains_ignore_case(hay: &str, needle_lower: &str) -> bool {
    if hay.is_ascii() && needle_lower.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle_lower.as_bytes());
        return n.len() <= h.len()
            && h.windows(n.len())
                .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b));
    }
    hay.to_lowercase().contains(needle_lower)
}

/// Natural order: runs of ASCII digits compare as numbers (`a9` < `a10`; ids equal up to
/// leading zeros fall back to byte order), everything else by character.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let (si, sj) = (i, j);
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let (da, db) = (trim_zeros(&a[si..i]), trim_zeros(&b[sj..j]));
            let o = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
            if o != Ordering::Equal {
                return o;
            }
        } else {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
    }
    // Equal up to leading zeros: the plain byte order decides (`a09` < `a9`), so the order is
    // total and consistent.
    (a.len() - i).cmp(&(b.len() - j)).then_with(|| a.cmp(b))
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let k = digits.iter().take_while(|&&d| d == b'0').count();
    &digits[k..]
}

/// One case in full: its attributes and its events, for the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub id: String,
    /// 1-based variant rank.
    pub variant: u32,
    /// Case attributes with a value, as text.
    pub attributes: Vec<(String, String)>,
    pub events: Vec<CaseEvent>,
}

/// One event of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub activity: String,
    pub timestamp_ms: Option<i64>,
    pub resource: Option<String>,
    /// The other event attributes with a value, as text (timestamps in ISO 8601).
    pub attributes: Vec<(String, String)>,
}

impl CaseDetail {
    /// Case `id` of `log` (whose table is `table`); `None` when the log has no such case.
    pub fn of(log: &EventLog, table: &CaseTable, id: &str) -> Option<CaseDetail> {
        let case = log.case_ids().lookup(id)?;
        let attributes = log
            .case_attributes()
            .iter()
            .filter_map(|col| Some((col.name().to_string(), col.get(case as usize)?.to_string())))
            .collect();
        let events = log
            .case_events(case)
            .map(|i| CaseEvent {
                activity: log
                    .activities()
                    .resolve(log.activity_codes()[i])
                    .to_string(),
                timestamp_ms: log.timestamp(i),
                resource: log
                    .resource_codes()
                    .get(i)
                    .and_then(|&r| log.resources().get(r))
                    .map(str::to_string),
                attributes: log
                    .event_attributes()
                    .iter()
                    .filter_map(|col| Some((col.name().to_string(), col.get(i)?.to_string())))
                    .collect(),
            })
            .collect();
        Some(CaseDetail {
            id: id.to_string(),
            variant: table.variant.get(case as usize).copied().unwrap_or(0),
            attributes,
            events,
        })
    }
}

/// A fingerprint of a log's content (case boundaries, activities, timestamps and case ids), so
/// a shell can keep a [`CaseTable`] and reuse it while the log it was built from is unchanged.
pub fn fingerprint(log: &EventLog) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(0x5eed_ca5e).build_hasher();
    h.write_usize(log.num_events());
    h.write_usize(log.num_cases());
    for &s in log.case_starts() {
        h.write_u32(s);
    }
    for &a in log.activity_codes() {
        h.write_u32(a);
    }
    if let Some((ts, _)) = log.timestamps() {
        for &t in ts {
            h.write_i64(t);
        }
    }
    for id in log.case_ids().iter() {
        h.write(id.as_bytes());
        h.write_u8(0);
    }
    for a in log.activities().iter() {
        h.write(a.as_bytes());
        h.write_u8(0);
    }
    h.finish()
}

#[cfg(test)]
mod tests;
