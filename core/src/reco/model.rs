//! The trained recommender: item dictionary and facts, the V-SKNN session index, sequential
//! rules (weights quantised to 1/255 of each item's strongest rule, exactly as the artifact
//! stores them, so a decoded model scores exactly like the trained one) and parameters.

use super::blend::BlendWeights;
use super::rules::{RuleParams, Rules};
use super::vsknn::{idf, SessionIndex, VsknnParams};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Everything the model was trained with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RecoParams {
    pub vsknn: VsknnParams,
    pub rules: RuleParams,
    pub blend: BlendWeights,
    /// Most recent sessions kept in the index (bounds the artifact).
    pub max_sessions: u32,
}

impl Default for RecoParams {
    fn default() -> Self {
        RecoParams {
            vsknn: VsknnParams::default(),
            rules: RuleParams::default(),
            blend: BlendWeights::default(),
            max_sessions: 300_000,
        }
    }
}

/// The training summary stored in the artifact header (readable without the body).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoSummary {
    pub items: u64,
    pub sessions: u64,
    pub clicks: u64,
    pub indexed_sessions: u64,
    pub rules: u64,
    pub params: RecoParams,
    /// HR@k / MRR@k on the validation split the blend was tuned on, when it was.
    pub validation: Option<super::tune::Score>,
}

/// A trained recommender.
#[derive(Debug, Clone, PartialEq)]
pub struct RecoModel {
    pub items: Vec<String>,
    pub categories: Vec<String>,
    /// Category of each item: 0 = none, `c + 1` = `categories[c]`.
    pub item_category: Vec<u32>,
    /// Items the log last saw out of stock.
    pub out_of_stock: Vec<bool>,
    /// Events per item in training (popularity; IDF).
    pub item_events: Vec<u32>,
    /// Sessions counted for IDF (all training sessions, not only the indexed ones).
    pub train_sessions: u64,
    pub sessions: SessionIndex,
    pub rules: Rules,
    pub params: RecoParams,
    pub validation: Option<super::tune::Score>,
    // Derived on assembly:
    pub idf: Vec<f64>,
    /// Items by popularity, most popular first (ties: lower code first).
    pub popular: Vec<u32>,
    index: HashMap<String, u32>,
}

/// The stored parts of a model (what the artifact carries).
#[derive(Debug, Clone, PartialEq)]
pub struct Parts {
    pub items: Vec<String>,
    pub categories: Vec<String>,
    pub item_category: Vec<u32>,
    pub out_of_stock: Vec<bool>,
    pub item_events: Vec<u32>,
    pub train_sessions: u64,
    pub sessions: SessionIndex,
    pub rules: Rules,
    pub params: RecoParams,
    pub validation: Option<super::tune::Score>,
}

impl RecoModel {
    /// Build the derived tables (IDF, popularity order, name lookup).
    pub fn assemble(p: Parts) -> RecoModel {
        let idf = idf(&p.item_events, p.train_sessions as usize);
        let mut popular: Vec<u32> = (0..p.items.len() as u32).collect();
        popular.sort_by(|&a, &b| {
            p.item_events[b as usize]
                .cmp(&p.item_events[a as usize])
                .then(a.cmp(&b))
        });
        let index = p
            .items
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i as u32))
            .collect();
        RecoModel {
            items: p.items,
            categories: p.categories,
            item_category: p.item_category,
            out_of_stock: p.out_of_stock,
            item_events: p.item_events,
            train_sessions: p.train_sessions,
            sessions: p.sessions,
            rules: p.rules,
            params: p.params,
            validation: p.validation,
            idf,
            popular,
            index,
        }
    }

    /// The code of an item name.
    pub fn item(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    /// The name of an item code.
    pub fn name(&self, item: u32) -> &str {
        self.items.get(item as usize).map_or("", String::as_str)
    }

    /// The category name of an item, if it has one.
    pub fn category(&self, item: u32) -> Option<&str> {
        let c = *self.item_category.get(item as usize)?;
        c.checked_sub(1)
            .and_then(|c| self.categories.get(c as usize))
            .map(String::as_str)
    }

    /// The summary stored in the artifact header.
    pub fn summary(&self) -> RecoSummary {
        RecoSummary {
            items: self.items.len() as u64,
            sessions: self.train_sessions,
            clicks: self.item_events.iter().map(|&c| c as u64).sum(),
            indexed_sessions: self.sessions.len() as u64,
            rules: self.rules.targets.len() as u64,
            params: self.params,
            validation: self.validation,
        }
    }

    /// The strongest sequential rules of an item: (item, weight in (0, 1]), for "inspect an
    /// item's neighbours".
    pub fn neighbours(&self, item: u32) -> Vec<(u32, f32)> {
        self.rules.of(item).collect()
    }
}

/// Quantise rule weights to `q / 255` of each item's strongest rule (q in 1..=255).
pub fn quantise(rules: &mut Rules) {
    for a in 0..rules.offsets.len().saturating_sub(1) {
        let (s, e) = (rules.offsets[a] as usize, rules.offsets[a + 1] as usize);
        let max = rules.weights[s..e].iter().copied().fold(0.0f32, f32::max);
        for w in &mut rules.weights[s..e] {
            *w = quant_level(*w, max) as f32 / 255.0;
        }
    }
}

/// The level (1..=255) of `w` relative to `max`.
pub fn quant_level(w: f32, max: f32) -> u8 {
    if max > 0.0 && w.is_finite() {
        (w / max * 255.0).round().clamp(1.0, 255.0) as u8
    } else {
        1
    }
}
