//! Scoring with business rules: the blend ranks candidates, then items in the basket and out
//! of stock are dropped, at most N per category are kept, the profile's categories are
//! boosted, and each item gets a short reason. Unknown clicks are ignored; a session the
//! model does not know is answered from popularity and flagged `degraded: "unknown_items"`.

use super::blend::{self, Candidate};
use super::model::RecoModel;
use super::profile::CustomerProfile;
use serde::{Deserialize, Serialize};

/// Largest k and longest click list a request may carry.
pub const MAX_K: usize = 100;
pub const MAX_CLICKS: usize = 200;

/// Business rules applied at scoring time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BusinessRules {
    /// Drop items already in the basket.
    pub drop_basket: bool,
    /// Items not to offer (besides those the model saw out of stock, when `model_stock`).
    pub out_of_stock: Vec<String>,
    /// Also drop the items the training log last saw out of stock.
    pub model_stock: bool,
    /// At most this many items per category (`None`: no cap).
    pub max_per_category: Option<usize>,
    /// Multiply the score of items in the profile's preferred categories by `1 + boost`.
    pub category_boost: f64,
}

impl Default for BusinessRules {
    fn default() -> Self {
        BusinessRules {
            drop_basket: true,
            out_of_stock: Vec::new(),
            model_stock: true,
            max_per_category: None,
            category_boost: 0.2,
        }
    }
}

/// A scoring request (already validated for size by the adapter; longer lists are cut).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Request {
    pub clicks: Vec<String>,
    pub basket: Vec<String>,
    pub k: usize,
    pub profile: Option<CustomerProfile>,
    pub rules: BusinessRules,
}

/// One recommended item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub item: String,
    pub score: f64,
    pub reason: String,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendations {
    pub items: Vec<Recommendation>,
    /// `Some("unknown_items")` when no click was known to the model (answered by popularity).
    pub degraded: Option<String>,
    /// Whether a profile was used.
    pub profile: bool,
}

fn reason(
    model: &RecoModel,
    c: &Candidate,
    w: &blend::BlendWeights,
    preferred: bool,
    degraded: bool,
) -> String {
    let parts = [
        (w.rules * c.rules, 0),
        (w.knn * c.knn, 1),
        (w.repeat * c.repeat, 2),
        (w.pop * c.pop, 3),
    ];
    let (top, which) = parts
        .iter()
        .copied()
        .fold((0.0, 4), |a, b| if b.0 > a.0 { b } else { a });
    if top <= 0.0 || (degraded && which == 3) {
        return if preferred {
            "popular in your category".into()
        } else {
            "fallback: popular".into()
        };
    }
    match which {
        0 => match c.rule_from {
            Some(from) => format!("often viewed after {}", model.name(from)),
            None => "often viewed next".into(),
        },
        1 => "viewed in similar sessions".into(),
        2 => "you viewed it earlier".into(),
        _ if preferred => "popular in your category".into(),
        _ => "popular".into(),
    }
}

/// Recommend for `req` with `model`.
pub fn recommend(model: &RecoModel, req: &Request) -> Recommendations {
    let k = req.k.clamp(1, MAX_K);
    let clicks: Vec<u32> = req
        .clicks
        .iter()
        .take(MAX_CLICKS)
        .filter_map(|c| model.item(c))
        .collect();
    let basket: Vec<u32> = req
        .basket
        .iter()
        .take(MAX_CLICKS)
        .filter_map(|c| model.item(c))
        .collect();
    let mut blocked = vec![false; model.items.len()];
    if req.rules.model_stock {
        for (b, &o) in blocked.iter_mut().zip(&model.out_of_stock) {
            *b |= o;
        }
    }
    for o in req.rules.out_of_stock.iter().take(10_000) {
        if let Some(i) = model.item(o) {
            blocked[i as usize] = true;
        }
    }
    if req.rules.drop_basket {
        for &b in &basket {
            blocked[b as usize] = true;
        }
    }
    let preferred_cats: Vec<u32> = req
        .profile
        .iter()
        .flat_map(|p| p.preferred_categories.iter())
        .filter_map(|c| model.categories.iter().position(|x| x == c))
        .map(|c| c as u32 + 1)
        .collect();
    let preferred = |i: u32| {
        model
            .item_category
            .get(i as usize)
            .is_some_and(|c| *c != 0 && preferred_cats.contains(c))
    };
    let w = model.params.blend;
    let boost = if req.rules.category_boost.is_finite() {
        req.rules.category_boost.max(0.0)
    } else {
        0.0
    };
    let extra = k + basket.len() + req.rules.out_of_stock.len().min(1000);
    let mut cands = blend::candidates(model, &clicks, extra);
    // Popular items of the preferred categories join too (for "popular in your category").
    if !preferred_cats.is_empty() {
        let more: Vec<u32> = model
            .popular
            .iter()
            .copied()
            .filter(|&i| preferred(i))
            .take(k)
            .filter(|i| cands.binary_search_by_key(i, |c| c.item).is_err())
            .collect();
        let max_pop = model
            .popular
            .first()
            .map_or(1, |&i| model.item_events[i as usize]) as f64;
        for i in more {
            cands.push(Candidate {
                item: i,
                knn: 0.0,
                rules: 0.0,
                repeat: 0.0,
                pop: model.item_events[i as usize] as f64 / max_pop,
                rule_from: None,
            });
        }
    }
    let mut scored: Vec<(f64, bool, Candidate)> = cands
        .into_iter()
        .filter(|c| !blocked[c.item as usize])
        .map(|c| {
            let p = preferred(c.item);
            let s = c.score(&w) * if p { 1.0 + boost } else { 1.0 };
            (s, p, c)
        })
        .collect();
    // A session the model does not know: the profile's categories first.
    let profile_first = clicks.is_empty();
    scored.sort_by(|a, b| {
        let pref = if profile_first {
            b.1.cmp(&a.1)
        } else {
            std::cmp::Ordering::Equal
        };
        pref.then(b.0.total_cmp(&a.0))
            .then(b.1.cmp(&a.1))
            .then(b.2.pop.total_cmp(&a.2.pop))
            .then(a.2.item.cmp(&b.2.item))
    });
    let mut per_cat: std::collections::HashMap<u32, usize> = Default::default();
    let mut items = Vec::with_capacity(k);
    let mut taken = Vec::with_capacity(k);
    let fill = model.popular.iter().map(|&i| {
        let p = preferred(i);
        (
            0.0,
            p,
            Candidate {
                item: i,
                knn: 0.0,
                rules: 0.0,
                repeat: 0.0,
                pop: 0.0,
                rule_from: None,
            },
        )
    });
    for (score, p, c) in scored.into_iter().chain(fill) {
        if items.len() == k {
            break;
        }
        if blocked[c.item as usize] || taken.contains(&c.item) {
            continue;
        }
        if let Some(max) = req.rules.max_per_category {
            let cat = model.item_category[c.item as usize];
            if cat != 0 {
                let n = per_cat.entry(cat).or_insert(0);
                if *n >= max {
                    continue;
                }
                *n += 1;
            }
        }
        taken.push(c.item);
        items.push(Recommendation {
            item: model.name(c.item).to_string(),
            score,
            reason: reason(model, &c, &w, p, clicks.is_empty()),
        });
    }
    Recommendations {
        items,
        degraded: clicks.is_empty().then(|| "unknown_items".to_string()),
        profile: req.profile.is_some(),
    }
}
