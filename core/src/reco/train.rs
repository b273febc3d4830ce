//! Training: items and facts from the clicks, the session index (most recent sessions), the
//! sequential rules, then (optionally) the blend and V-SKNN neighbourhood tuned on the last
//! sessions of the training data, and a final fit on all of it.

use super::clicks::ClickLog;
use super::model::{quantise, Parts, RecoModel, RecoParams};
use super::rules::Rules;
use super::tune::{self, Control, Score, TuneProgress};
use super::vsknn::SessionIndex;
use super::RecoError;
use serde::{Deserialize, Serialize};

/// How to train.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainOptions {
    /// Seed for sampling the validation sessions.
    pub seed: u64,
    pub params: RecoParams,
    /// Tune the blend and the V-SKNN neighbourhood on a validation split (else use `params`).
    pub tune: bool,
    /// Share of the training sessions (the most recent) used for validation.
    pub validation_share: f64,
    /// At most this many validation positions (sampled with `seed`).
    pub max_validation_positions: usize,
    /// The k of HR@k / MRR@k that tuning maximises.
    pub k: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            seed: 0,
            params: RecoParams::default(),
            tune: true,
            validation_share: 0.1,
            max_validation_positions: 4000,
            k: 20,
        }
    }
}

/// Hard limits of a model (they also bound what the artifact decoder accepts).
pub const MAX_ITEMS: usize = 2_000_000;

/// Fit a model on every session of `log` with `params` (no tuning).
pub fn fit(
    log: &ClickLog,
    params: RecoParams,
    validation: Option<Score>,
) -> Result<RecoModel, RecoError> {
    let mut events = vec![0u32; log.items.len()];
    for s in &log.sessions {
        for &c in &s.clicks {
            if let Some(e) = events.get_mut(c as usize) {
                *e = e.saturating_add(1);
            }
        }
    }
    // Keep the items that were clicked, in the log's order.
    let mut code = vec![u32::MAX; log.items.len()];
    let mut items = Vec::new();
    let mut item_events = Vec::new();
    for (i, &e) in events.iter().enumerate() {
        if e > 0 {
            code[i] = items.len() as u32;
            items.push(log.items[i].clone());
            item_events.push(e);
        }
    }
    if items.is_empty() {
        return Err(RecoError::NoSessions { min: 1 });
    }
    if items.len() > MAX_ITEMS {
        return Err(RecoError::Limit {
            what: "the number of items",
            got: items.len(),
            limit: MAX_ITEMS,
        });
    }
    // The artifact refuses longer names; say so here, where the user can fix the data.
    let limit = super::artifact::MAX_NAME_BYTES;
    if let Some(bad) = items.iter().find(|s| s.is_empty() || s.len() > limit) {
        return Err(RecoError::Invalid {
            field: "item id".into(),
            reason: format!(
                "{:?}… is {} bytes; item ids must be 1 to {limit} bytes",
                bad.chars().take(40).collect::<String>(),
                bad.len()
            ),
        });
    }
    if params.max_sessions as usize > super::artifact::MAX_SESSIONS {
        return Err(RecoError::Limit {
            what: "max_sessions",
            got: params.max_sessions as usize,
            limit: super::artifact::MAX_SESSIONS,
        });
    }
    let mut categories: Vec<String> = Vec::new();
    let mut cat_index: std::collections::HashMap<String, u32> = Default::default();
    let mut item_category = vec![0u32; items.len()];
    let mut out_of_stock = vec![false; items.len()];
    for (i, &c) in code.iter().enumerate() {
        if c == u32::MAX {
            continue;
        }
        let Some(info) = log.info.get(i) else {
            continue;
        };
        // A category name the artifact cannot carry is left out (the item keeps no category).
        if let Some(cat) = info
            .category
            .as_ref()
            .filter(|c| !c.is_empty() && c.len() <= limit)
        {
            let n = categories.len() as u32;
            let id = *cat_index.entry(cat.clone()).or_insert_with(|| {
                categories.push(cat.clone());
                n
            });
            item_category[c as usize] = id + 1;
        }
        out_of_stock[c as usize] = info.in_stock == Some(false);
    }
    let sessions: Vec<Vec<u32>> = log
        .sessions
        .iter()
        .map(|s| {
            s.clicks
                .iter()
                .filter_map(|&c| code.get(c as usize).copied().filter(|&c| c != u32::MAX))
                .collect()
        })
        .filter(|s: &Vec<u32>| !s.is_empty())
        .collect();
    let keep_from = sessions
        .len()
        .saturating_sub(params.max_sessions.max(1) as usize);
    let index = SessionIndex::build(sessions[keep_from..].iter().map(Vec::as_slice), items.len());
    let mut rules = Rules::mine(
        sessions.iter().map(Vec::as_slice),
        items.len(),
        &params.rules,
    );
    quantise(&mut rules);
    Ok(RecoModel::assemble(Parts {
        items,
        categories,
        item_category,
        out_of_stock,
        item_events,
        train_sessions: sessions.len() as u64,
        sessions: index,
        rules,
        params,
        validation,
    }))
}

/// Train: tune on the most recent `validation_share` of the sessions (when `options.tune` and
/// there are enough), then fit on all sessions with the chosen parameters. `progress` is
/// called as tuning goes; returning [`Control::Stop`] cancels ([`RecoError::Cancelled`]).
pub fn train(
    log: &ClickLog,
    options: &TrainOptions,
    progress: &mut dyn FnMut(&TuneProgress) -> Control,
) -> Result<RecoModel, RecoError> {
    let n = log.sessions.len();
    let n_val = ((n as f64) * options.validation_share.clamp(0.0, 0.5)).round() as usize;
    if !options.tune || n_val < 5 || n - n_val < 5 {
        return fit(log, options.params, None);
    }
    let mut head = log.clone();
    let tail = head.sessions.split_off(n - n_val);
    let mut model = fit(&head, options.params, None)?;
    let validation: Vec<Vec<u32>> = tail
        .iter()
        .map(|s| {
            s.clicks
                .iter()
                .filter_map(|&c| log.items.get(c as usize).and_then(|n| model.item(n)))
                .collect::<Vec<u32>>()
        })
        .filter(|s| s.len() >= 2)
        .collect();
    let (params, score) = tune::tune(
        &mut model,
        &validation,
        options.k.max(1),
        options.max_validation_positions,
        options.seed,
        progress,
    )?;
    drop(model);
    fit(log, params, score)
}
