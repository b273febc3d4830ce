//! V-SKNN, the vector-multiplication session kNN of session-rec (`algorithms/knn/vsknn.py`,
//! Ludewig & Jannach 2018), ported with its semantics:
//! - candidate neighbours: every indexed session sharing an item with the current session, of
//!   which the `sample_size` most recent are kept ("recent" sampling);
//! - similarity: the current session's items get a position weight (`weighting`, default
//!   `div`: i / n for the i-th of n clicks, a repeated item keeps its last position); the
//!   similarity to a neighbour is the sum of the weights of the shared items divided by the
//!   number of distinct current items;
//! - the `k` most similar neighbours score their items with `similarity × decay`, where decay
//!   (`weighting_score`, default `div`: 1 / step) depends on how far back the most recent
//!   shared click is, times `1 + idf × idf_weighting` (idf = ln(sessions / item events)).
//!
//! Ties (equal similarity) go to the more recent session, so the result is deterministic.

use serde::{Deserialize, Serialize};

/// The decay functions of session-rec (`linear`, `same`, `div`, `log`, `quadratic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decay {
    Linear,
    Same,
    Div,
    Log,
    Quadratic,
}

impl Decay {
    /// Weight of the `i`-th (1-based) of `n` clicks (session-rec's `weighting`).
    pub fn position(self, i: usize, n: usize) -> f64 {
        let (fi, fnn) = (i as f64, n as f64);
        match self {
            Decay::Linear if i <= 10 => 1.0 - 0.1 * (fnn - fi),
            Decay::Linear => 0.0,
            Decay::Same => 1.0,
            Decay::Div => fi / fnn,
            Decay::Log => 1.0 / libm::log10((fnn - fi) + 1.7),
            Decay::Quadratic => (fi / fnn) * (fi / fnn),
        }
    }

    /// Decay of a neighbour matched `step` clicks back (session-rec's `weighting_score`).
    pub fn step(self, step: usize) -> f64 {
        let s = step as f64;
        match self {
            Decay::Linear if step <= 100 => 1.0 - 0.1 * s,
            Decay::Linear => 0.0,
            Decay::Same => 1.0,
            Decay::Div => 1.0 / s,
            Decay::Log => 1.0 / libm::log10(s + 1.7),
            Decay::Quadratic => 1.0 / (s * s),
        }
    }
}

/// V-SKNN parameters (session-rec's names).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VsknnParams {
    pub k: u32,
    pub sample_size: u32,
    pub weighting: Decay,
    pub weighting_score: Decay,
    /// 0 = no IDF weighting.
    pub idf_weighting: f64,
}

impl Default for VsknnParams {
    fn default() -> Self {
        VsknnParams {
            k: 100,
            sample_size: 500,
            weighting: Decay::Div,
            weighting_score: Decay::Div,
            idf_weighting: 1.0,
        }
    }
}

/// Past sessions as item sets (sorted, distinct), oldest first, with the inverted index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionIndex {
    offsets: Vec<u32>,
    items: Vec<u32>,
    post_offsets: Vec<u32>,
    postings: Vec<u32>,
}

impl SessionIndex {
    /// Index `sessions` (oldest first) over `n_items` items; item codes must be below it.
    pub fn build<'a>(sessions: impl IntoIterator<Item = &'a [u32]>, n_items: usize) -> Self {
        let mut offsets = vec![0u32];
        let mut items = Vec::new();
        let mut buf = Vec::new();
        for s in sessions {
            buf.clear();
            buf.extend(s.iter().copied().filter(|&i| (i as usize) < n_items));
            buf.sort_unstable();
            buf.dedup();
            if buf.is_empty() {
                continue;
            }
            items.extend_from_slice(&buf);
            offsets.push(items.len() as u32);
        }
        let mut counts = vec![0u32; n_items + 1];
        for &i in &items {
            counts[i as usize + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let post_offsets = counts.clone();
        let mut fill = counts;
        let mut postings = vec![0u32; items.len()];
        for s in 0..offsets.len() - 1 {
            for &i in &items[offsets[s] as usize..offsets[s + 1] as usize] {
                postings[fill[i as usize] as usize] = s as u32;
                fill[i as usize] += 1;
            }
        }
        SessionIndex {
            offsets,
            items,
            post_offsets,
            postings,
        }
    }

    /// Number of indexed sessions.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Items of session `s` (sorted).
    pub fn session(&self, s: usize) -> &[u32] {
        match (self.offsets.get(s), self.offsets.get(s + 1)) {
            (Some(&a), Some(&b)) => self.items.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Sessions containing `item`, oldest first.
    pub fn sessions_of(&self, item: u32) -> &[u32] {
        let i = item as usize;
        match (self.post_offsets.get(i), self.post_offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => self.postings.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Every session's item set, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        (0..self.len()).map(|s| self.session(s))
    }

    /// The `k` nearest neighbours of a session (`clicks` in order): (session, similarity),
    /// most similar first.
    pub fn neighbours(&self, clicks: &[u32], p: &VsknnParams) -> Vec<(u32, f64)> {
        let n = clicks.len();
        if n == 0 {
            return Vec::new();
        }
        // Position weights, a repeated item keeps its last position (dict overwrite).
        let mut pos: Vec<(u32, f64)> = Vec::with_capacity(n);
        for (i, &item) in clicks.iter().enumerate() {
            let w = p.weighting.position(i + 1, n);
            match pos.iter_mut().find(|(x, _)| *x == item) {
                Some(slot) => slot.1 = w,
                None => pos.push((item, w)),
            }
        }
        pos.sort_unstable_by_key(|&(x, _)| x);
        let distinct = pos.len() as f64;
        // The `sample_size` most recent sessions among those sharing an item.
        let cap = p.sample_size.max(1) as usize;
        let mut cand: Vec<u32> = Vec::new();
        for &(item, _) in &pos {
            let post = self.sessions_of(item);
            cand.extend_from_slice(&post[post.len().saturating_sub(cap)..]);
        }
        cand.sort_unstable_by(|a, b| b.cmp(a));
        cand.dedup();
        cand.truncate(cap);
        let mut out: Vec<(u32, f64)> = Vec::with_capacity(cand.len());
        for s in cand {
            let mut sum = 0.0;
            for &(item, w) in &pos {
                if self.session(s as usize).binary_search(&item).is_ok() {
                    sum += w;
                }
            }
            let sim = sum / distinct;
            if sim > 0.0 {
                out.push((s, sim));
            }
        }
        // Most similar first; equal similarity: the more recent session (candidates are
        // already newest first and the sort is stable).
        out.sort_by(|a, b| b.1.total_cmp(&a.1));
        out.truncate(p.k as usize);
        out
    }

    /// V-SKNN item scores for a session, sorted by item code; `idf[item]` as in session-rec.
    pub fn score(&self, clicks: &[u32], idf: &[f64], p: &VsknnParams) -> Vec<(u32, f64)> {
        let neighbours = self.neighbours(clicks, p);
        let mut acc: Vec<(u32, f64)> = Vec::new();
        for (s, sim) in neighbours {
            let items = self.session(s as usize);
            let step = clicks
                .iter()
                .rev()
                .position(|c| items.binary_search(c).is_ok())
                .map_or(1, |p| p + 1);
            let decay = p.weighting_score.step(step);
            for &item in items {
                let mut v = sim;
                if p.idf_weighting != 0.0 {
                    v += v * idf.get(item as usize).copied().unwrap_or(0.0) * p.idf_weighting;
                }
                acc.push((item, v * decay));
            }
        }
        merge_sum(acc)
    }
}

/// Sum the values of equal keys; sorted by key. Summation follows input order (deterministic).
pub fn merge_sum(mut acc: Vec<(u32, f64)>) -> Vec<(u32, f64)> {
    acc.sort_by_key(|&(k, _)| k); // stable: equal keys keep their order
    let mut out: Vec<(u32, f64)> = Vec::with_capacity(acc.len());
    for (k, v) in acc {
        match out.last_mut() {
            Some(last) if last.0 == k => last.1 += v,
            _ => out.push((k, v)),
        }
    }
    out
}

/// session-rec's idf: ln(number of sessions / events of the item); 0 for unseen items.
pub fn idf(item_events: &[u32], sessions: usize) -> Vec<f64> {
    item_events
        .iter()
        .map(|&c| {
            if c == 0 {
                0.0
            } else {
                libm::log(sessions as f64 / c as f64)
            }
        })
        .collect()
}
