//! Sequential rules (session-rec's `sr.py`, Kamehkhosh et al. 2017): every time B is clicked
//! within `steps` clicks after A in a session, the rule A → B gains `decay(distance)` (default
//! `div`: 1 / distance); each item keeps its `keep` strongest rules. Scoring reads the rules of
//! the session's recent clicks.

use super::vsknn::Decay;
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

/// Sequential-rule parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RuleParams {
    pub steps: u32,
    pub weighting: Decay,
    /// Rules kept per item (session-rec's `pruning` ≥ 1).
    pub keep: u32,
}

impl Default for RuleParams {
    fn default() -> Self {
        RuleParams {
            steps: 10,
            weighting: Decay::Div,
            keep: 20,
        }
    }
}

/// Rules per item: `targets`/`weights` of item `a` are `offsets[a]..offsets[a+1]`, strongest
/// first (ties: lower item code first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub offsets: Vec<u32>,
    pub targets: Vec<u32>,
    pub weights: Vec<f32>,
}

impl Rules {
    /// Mine rules from sessions (clicks in order) over `n_items` items.
    pub fn mine<'a>(
        sessions: impl IntoIterator<Item = &'a [u32]>,
        n_items: usize,
        p: &RuleParams,
    ) -> Rules {
        let mut acc: HashMap<u64, f64> = HashMap::new();
        let steps = p.steps.max(1) as usize;
        for s in sessions {
            for j in 1..s.len() {
                let next = s[j];
                for i in 1..=steps.min(j) {
                    let prev = s[j - i];
                    *acc.entry((prev as u64) << 32 | next as u64).or_insert(0.0) +=
                        p.weighting.step(i);
                }
            }
        }
        let mut all: Vec<(u32, u32, f64)> = acc
            .into_iter()
            .map(|(k, w)| ((k >> 32) as u32, k as u32, w))
            .filter(|&(a, b, _)| (a as usize) < n_items && (b as usize) < n_items)
            .collect();
        all.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.2.total_cmp(&x.2)).then(x.1.cmp(&y.1)));
        let keep = p.keep.max(1) as usize;
        let mut rules = Rules {
            offsets: Vec::with_capacity(n_items + 1),
            ..Rules::default()
        };
        rules.offsets.push(0);
        let mut at = 0;
        for a in 0..n_items as u32 {
            let mut kept = 0;
            while at < all.len() && all[at].0 == a {
                if kept < keep {
                    rules.targets.push(all[at].1);
                    rules.weights.push(all[at].2 as f32);
                    kept += 1;
                }
                at += 1;
            }
            rules.offsets.push(rules.targets.len() as u32);
        }
        rules
    }

    /// The rules of `item`: (target, weight), strongest first.
    pub fn of(&self, item: u32) -> impl Iterator<Item = (u32, f32)> + '_ {
        let i = item as usize;
        let (a, b) = match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) if a <= b => (a as usize, b as usize),
            _ => (0, 0),
        };
        let t = self.targets.get(a..b).unwrap_or(&[]);
        let w = self.weights.get(a..b).unwrap_or(&[]);
        t.iter().copied().zip(w.iter().copied())
    }
}
