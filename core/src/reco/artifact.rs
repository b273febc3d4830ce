//! The `reco` artifact body: the model in a compact, validated wire form inside the common
//! model envelope (`crate::model`: magic, version, kind, SHA-256).
//!
//! Compact: sessions are sorted item sets stored as deltas (postcard varints, mostly one
//! byte), rule weights are one byte (the level `q` of `q / 255` of the item's strongest rule),
//! out-of-stock items are deltas. Decoding checks every count, code, length and number before
//! it is used (checked arithmetic; no allocation sized from an unchecked length beyond what the
//! envelope's size limit allows), so hostile bytes give an error, never a panic.

use super::model::{Parts, RecoModel, RecoParams};
use super::rules::Rules;
use super::train::MAX_ITEMS;
use super::tune::Score;
use super::vsknn::SessionIndex;
use crate::model::{self, ArtifactError, Header, ModelKind};
use serde::{Deserialize, Serialize};

/// Longest item id or category name, in bytes.
pub const MAX_NAME_BYTES: usize = 256;
/// Most indexed sessions and rules per item an artifact may hold.
pub const MAX_SESSIONS: usize = 5_000_000;
pub const MAX_RULES_PER_ITEM: usize = 1000;

#[derive(Serialize, Deserialize)]
struct Wire {
    items: Vec<String>,
    categories: Vec<String>,
    item_category: Vec<u32>,
    out_of_stock: Vec<u32>,
    item_events: Vec<u32>,
    train_sessions: u64,
    session_lens: Vec<u32>,
    session_items: Vec<u32>,
    rule_counts: Vec<u32>,
    rule_targets: Vec<u32>,
    rule_levels: Vec<u8>,
    params: RecoParams,
    validation: Option<Score>,
}

/// The postcard body of `model`.
pub fn body(m: &RecoModel) -> Vec<u8> {
    let mut out_of_stock = Vec::new();
    let mut last = 0u32;
    for (i, _) in m.out_of_stock.iter().enumerate().filter(|x| *x.1) {
        out_of_stock.push(i as u32 - last);
        last = i as u32;
    }
    let mut session_lens = Vec::with_capacity(m.sessions.len());
    let mut session_items = Vec::new();
    for s in m.sessions.iter() {
        session_lens.push(s.len() as u32);
        let mut prev = 0;
        for (j, &i) in s.iter().enumerate() {
            session_items.push(if j == 0 { i } else { i - prev });
            prev = i;
        }
    }
    let n = m.items.len();
    let rule_counts = (0..n)
        .map(|a| m.rules.offsets[a + 1] - m.rules.offsets[a])
        .collect();
    let wire = Wire {
        items: m.items.clone(),
        categories: m.categories.clone(),
        item_category: m.item_category.clone(),
        out_of_stock,
        item_events: m.item_events.clone(),
        train_sessions: m.train_sessions,
        session_lens,
        session_items,
        rule_counts,
        rule_targets: m.rules.targets.clone(),
        rule_levels: m
            .rules
            .weights
            .iter()
            .map(|&w| (w * 255.0).round().clamp(1.0, 255.0) as u8)
            .collect(),
        params: m.params,
        validation: m.validation,
    };
    postcard::to_allocvec(&wire).unwrap_or_default()
}

/// Encode `model` as a `reco` artifact stamped `created_at_ms`.
pub fn encode(m: &RecoModel, created_at_ms: i64) -> Vec<u8> {
    let summary = serde_json::to_vec(&m.summary()).unwrap_or_default();
    model::encode_parts(ModelKind::Recommender, created_at_ms, &summary, &body(m))
}

/// Check and decode an artifact that must hold a `reco` model.
pub fn decode(bytes: &[u8]) -> Result<(Header, RecoModel), ArtifactError> {
    let header = model::read_header(bytes)?;
    if header.kind != ModelKind::Recommender {
        return Err(ArtifactError::WrongKind {
            expected: ModelKind::Recommender,
            found: header.kind,
        });
    }
    match model::decode(bytes)? {
        model::Artifact {
            header,
            model: model::Model::Reco(m),
        } => Ok((header, *m)),
        other => Err(ArtifactError::WrongKind {
            expected: ModelKind::Recommender,
            found: other.header.kind,
        }),
    }
}

fn corrupt(reason: impl Into<String>) -> ArtifactError {
    ArtifactError::Corrupt {
        part: "reco model",
        reason: reason.into(),
    }
}

fn finite_nonneg(name: &str, x: f64) -> Result<(), ArtifactError> {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        Err(corrupt(format!(
            "{name} = {x} is not a finite non-negative number"
        )))
    }
}

fn check_params(p: &RecoParams, v: &Option<Score>) -> Result<(), ArtifactError> {
    let range = |name: &str, x: u32, lo: u32, hi: u32| {
        if (lo..=hi).contains(&x) {
            Ok(())
        } else {
            Err(corrupt(format!("{name} = {x} is outside {lo}..={hi}")))
        }
    };
    range("vsknn.k", p.vsknn.k, 1, 10_000)?;
    range("vsknn.sample_size", p.vsknn.sample_size, 1, 1_000_000)?;
    range("rules.steps", p.rules.steps, 1, 1000)?;
    range("rules.keep", p.rules.keep, 1, MAX_RULES_PER_ITEM as u32)?;
    range("max_sessions", p.max_sessions, 1, MAX_SESSIONS as u32)?;
    finite_nonneg("vsknn.idf_weighting", p.vsknn.idf_weighting)?;
    let b = &p.blend;
    for (name, x) in [
        ("blend.knn", b.knn),
        ("blend.rules", b.rules),
        ("blend.repeat", b.repeat),
        ("blend.pop", b.pop),
    ] {
        finite_nonneg(name, x)?;
    }
    if let Some(s) = v {
        finite_nonneg("validation.hr", s.hr)?;
        finite_nonneg("validation.mrr", s.mrr)?;
    }
    Ok(())
}

fn check_names(what: &str, names: &[String]) -> Result<(), ArtifactError> {
    for (i, s) in names.iter().enumerate() {
        if s.is_empty() || s.len() > MAX_NAME_BYTES {
            return Err(corrupt(format!(
                "{what} {i} is {} bytes (1 to {MAX_NAME_BYTES} allowed)",
                s.len()
            )));
        }
    }
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort_unstable();
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(corrupt(format!("{what} {:?} appears twice", w[0])));
    }
    Ok(())
}

/// Decode and validate a `reco` body.
pub fn decode_body(bytes: &[u8]) -> Result<RecoModel, ArtifactError> {
    let w: Wire = postcard::from_bytes(bytes).map_err(|e| ArtifactError::Corrupt {
        part: "body",
        reason: e.to_string(),
    })?;
    let n = w.items.len();
    if n == 0 || n > MAX_ITEMS {
        return Err(corrupt(format!("{n} items (1 to {MAX_ITEMS} allowed)")));
    }
    check_names("item", &w.items)?;
    check_names("category", &w.categories)?;
    check_params(&w.params, &w.validation)?;
    for (what, len) in [
        ("item_category", w.item_category.len()),
        ("item_events", w.item_events.len()),
        ("rule_counts", w.rule_counts.len()),
    ] {
        if len != n {
            return Err(corrupt(format!("{len} {what} entries for {n} items")));
        }
    }
    if let Some(c) = w
        .item_category
        .iter()
        .find(|&&c| c as usize > w.categories.len())
    {
        return Err(corrupt(format!(
            "category {c} of {} categories",
            w.categories.len()
        )));
    }
    if w.train_sessions == 0 || w.train_sessions > u32::MAX as u64 {
        return Err(corrupt(format!("{} training sessions", w.train_sessions)));
    }
    let mut out_of_stock = vec![false; n];
    let mut at: Option<u32> = None;
    for &d in &w.out_of_stock {
        let i = match at {
            None => Some(d),
            Some(a) if d > 0 => a.checked_add(d),
            Some(_) => None,
        }
        .filter(|&i| (i as usize) < n)
        .ok_or_else(|| corrupt("out-of-stock list is not ascending item codes"))?;
        out_of_stock[i as usize] = true;
        at = Some(i);
    }
    // Sessions: lengths ≥ 1 summing to the items; each session strictly ascending codes < n.
    if w.session_lens.len() > MAX_SESSIONS {
        return Err(corrupt(format!(
            "{} sessions (at most {MAX_SESSIONS})",
            w.session_lens.len()
        )));
    }
    let total = w
        .session_lens
        .iter()
        .try_fold(0usize, |a, &l| a.checked_add(l as usize))
        .filter(|&t| t == w.session_items.len())
        .ok_or_else(|| corrupt("session lengths do not add up to the session items"))?;
    let mut flat = Vec::with_capacity(total);
    let mut sessions: Vec<std::ops::Range<usize>> = Vec::with_capacity(w.session_lens.len());
    let mut pos = 0usize;
    for (s, &len) in w.session_lens.iter().enumerate() {
        if len == 0 {
            return Err(corrupt(format!("session {s} is empty")));
        }
        let start = flat.len();
        let mut prev: Option<u32> = None;
        for &d in &w.session_items[pos..pos + len as usize] {
            let i = match prev {
                None => Some(d),
                Some(p) if d > 0 => p.checked_add(d),
                Some(_) => None,
            }
            .filter(|&i| (i as usize) < n)
            .ok_or_else(|| corrupt(format!("session {s} has an invalid item")))?;
            flat.push(i);
            prev = Some(i);
        }
        pos += len as usize;
        sessions.push(start..flat.len());
    }
    let index = SessionIndex::build(sessions.into_iter().map(|r| &flat[r]), n);
    // Rules.
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0u32);
    let mut sum = 0usize;
    for (a, &c) in w.rule_counts.iter().enumerate() {
        if c as usize > MAX_RULES_PER_ITEM {
            return Err(corrupt(format!("item {a} has {c} rules")));
        }
        sum += c as usize; // ≤ n × 1000 < 2^64
        offsets.push(u32::try_from(sum).map_err(|_| corrupt("too many rules"))?);
    }
    if sum != w.rule_targets.len() || sum != w.rule_levels.len() {
        return Err(corrupt("rule counts do not match the rules"));
    }
    if w.rule_targets.iter().any(|&t| t as usize >= n) {
        return Err(corrupt("a rule points at an unknown item"));
    }
    if w.rule_levels.contains(&0) {
        return Err(corrupt("a rule has weight level 0"));
    }
    let rules = Rules {
        offsets,
        targets: w.rule_targets,
        weights: w.rule_levels.iter().map(|&q| q as f32 / 255.0).collect(),
    };
    Ok(RecoModel::assemble(Parts {
        items: w.items,
        categories: w.categories,
        item_category: w.item_category,
        out_of_stock,
        item_events: w.item_events,
        train_sessions: w.train_sessions,
        sessions: index,
        rules,
        params: w.params,
        validation: w.validation,
    }))
}
