//! Baselines of the evaluation: item-to-item kNN (session-rec's `iknn.py`: cosine-like
//! similarity of the last click to other items over the sessions they share,
//! `co(i, j) / (n_i^α · n_j^(1-α) + λ)`, α = 0.5, λ = 20) and popularity.

use super::vsknn::SessionIndex;
use std::collections::HashMap;

const ALPHA: f64 = 0.5;
const LAMBDA: f64 = 20.0;

/// Item-kNN over an index of training sessions, with a per-item cache of its top list.
pub struct ItemKnn<'a> {
    index: &'a SessionIndex,
    cache: HashMap<u32, Vec<u32>>,
    k: usize,
}

impl<'a> ItemKnn<'a> {
    pub fn new(index: &'a SessionIndex, k: usize) -> Self {
        ItemKnn {
            index,
            cache: HashMap::new(),
            k,
        }
    }

    /// The top-k items for a session whose last click is `last` (the item itself excluded).
    pub fn top(&mut self, last: u32) -> &[u32] {
        let (index, k) = (self.index, self.k);
        self.cache.entry(last).or_insert_with(|| {
            let mut co: HashMap<u32, u32> = HashMap::new();
            for &s in index.sessions_of(last) {
                for &j in index.session(s as usize) {
                    if j != last {
                        *co.entry(j).or_insert(0) += 1;
                    }
                }
            }
            let ni = index.sessions_of(last).len() as f64;
            let mut v: Vec<(u32, f64)> = co
                .into_iter()
                .map(|(j, c)| {
                    let nj = index.sessions_of(j).len() as f64;
                    (
                        j,
                        c as f64 / (libm::pow(ni, ALPHA) * libm::pow(nj, 1.0 - ALPHA) + LAMBDA),
                    )
                })
                .collect();
            v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.truncate(k);
            v.into_iter().map(|x| x.0).collect()
        })
    }
}
