//! A synthetic shop for tests and the demo: a catalog (category, price, stock), customers with
//! preferred categories, and sessions with planted structure:
//! - browsing paths: fixed ordered walks of 5 items inside a category; every item lies on
//!   several paths, so the last click alone is ambiguous and the session so far tells which
//!   path the customer is on (what V-SKNN and the rules should recover);
//! - re-clicks of an earlier item (the repeat signal) and noise clicks on popular items;
//! - customers pick paths in their preferred categories most of the time.
//!
//! Deterministic for a seed. Times are epoch seconds over 30 days from 2024-01-01.

use crate::leads::rng::Rng;
use std::fmt::Write as _;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShopOptions {
    pub sessions: usize,
    pub items: usize,
    pub seed: u64,
}

impl Default for ShopOptions {
    fn default() -> Self {
        ShopOptions {
            sessions: 20_000,
            items: 1000,
            seed: 1,
        }
    }
}

/// The generated files.
#[derive(Debug, Clone, PartialEq)]
pub struct Shop {
    /// `session_id,customer,item_id,timestamp,event_type,category,price,in_stock`.
    pub clicks_csv: String,
    /// `item_id,category,price,in_stock`.
    pub catalog_csv: String,
    /// One `{"customer_id", "preferred_categories"}` per line.
    pub profiles_ndjson: String,
    /// The planted paths, JSON `{"paths": [[item, …], …]}`.
    pub truth_json: String,
    pub clicks: usize,
}

const PATH_LEN: usize = 5;
const START_S: i64 = 1_704_067_200; // 2024-01-01T00:00:00Z
const SPAN_S: i64 = 30 * 86_400;

/// Item name of code `i`.
pub fn item_name(i: usize) -> String {
    format!("P{i:05}")
}

/// Generate a shop.
pub fn shop(o: &ShopOptions) -> Shop {
    let mut rng = Rng::new(o.seed);
    let n_items = o.items.max(50);
    let n_cats = (n_items / 100).clamp(5, 200);
    let category: Vec<usize> = (0..n_items).map(|i| i % n_cats).collect();
    let price: Vec<f64> = (0..n_items)
        .map(|_| (5.0 + rng.f64() * 195.0).round())
        .collect();
    let in_stock: Vec<bool> = (0..n_items).map(|_| !rng.chance(0.03)).collect();
    // Paths: within one category; every item on ~3 paths.
    let by_cat: Vec<Vec<usize>> = (0..n_cats)
        .map(|c| (0..n_items).filter(|&i| category[i] == c).collect())
        .collect();
    let n_paths = n_items * 3 / PATH_LEN;
    let mut paths: Vec<Vec<usize>> = Vec::with_capacity(n_paths);
    for p in 0..n_paths {
        let members = &by_cat[p % n_cats];
        let mut path = Vec::with_capacity(PATH_LEN);
        while path.len() < PATH_LEN.min(members.len()) {
            let i = members[rng.below(members.len())];
            if !path.contains(&i) {
                path.push(i);
            }
        }
        paths.push(path);
    }
    let paths_of_cat: Vec<Vec<usize>> = (0..n_cats)
        .map(|c| (0..n_paths).filter(|&p| p % n_cats == c).collect())
        .collect();
    // Path popularity: Zipf-like weights.
    let path_w: Vec<f64> = (0..n_paths)
        .map(|p| 1.0 / (1.0 + p as f64).powf(0.6))
        .collect();
    let item_w: Vec<f64> = (0..n_items)
        .map(|i| 1.0 / (1.0 + i as f64).powf(0.9))
        .collect();
    let n_customers = (o.sessions / 4).max(1);
    let prefs: Vec<Vec<usize>> = (0..n_customers)
        .map(|_| {
            let a = rng.below(n_cats);
            let b = rng.below(n_cats);
            if a == b {
                vec![a]
            } else {
                vec![a, b]
            }
        })
        .collect();
    let mut clicks_csv =
        String::from("session_id,customer,item_id,timestamp,event_type,category,price,in_stock\n");
    let mut clicks = 0;
    for s in 0..o.sessions {
        let cust = rng.below(n_customers);
        let start = START_S + (s as i64 * SPAN_S) / o.sessions.max(1) as i64;
        let path = if rng.chance(0.7) {
            let c = prefs[cust][rng.below(prefs[cust].len())];
            let ps = &paths_of_cat[c];
            if ps.is_empty() {
                rng.weighted(&path_w)
            } else {
                let w: Vec<f64> = ps.iter().map(|&p| path_w[p]).collect();
                ps[rng.weighted(&w)]
            }
        } else {
            rng.weighted(&path_w)
        };
        let from = rng.below(2);
        let len = 2 + rng.below(PATH_LEN - 1);
        let mut seq: Vec<usize> = Vec::new();
        for &i in paths[path].iter().skip(from).take(len) {
            if rng.chance(0.1) {
                seq.push(rng.weighted(&item_w));
            }
            if seq.len() >= 2 && rng.chance(0.12) {
                let back = seq[rng.below(seq.len())];
                seq.push(back);
            }
            seq.push(i);
        }
        let mut t = start;
        for (j, &i) in seq.iter().enumerate() {
            let kind = if j + 1 == seq.len() && rng.chance(0.3) {
                "cart"
            } else {
                "view"
            };
            let _ = writeln!(
                clicks_csv,
                "S{s:07},C{cust:06},{},{t},{kind},cat-{:03},{},{}",
                item_name(i),
                category[i],
                price[i],
                in_stock[i]
            );
            t += 20 + rng.below(100) as i64;
            clicks += 1;
        }
    }
    let mut catalog_csv = String::from("item_id,category,price,in_stock\n");
    for i in 0..n_items {
        let _ = writeln!(
            catalog_csv,
            "{},cat-{:03},{},{}",
            item_name(i),
            category[i],
            price[i],
            in_stock[i]
        );
    }
    let mut profiles_ndjson = String::new();
    for (c, p) in prefs.iter().enumerate() {
        let cats: Vec<String> = p.iter().map(|c| format!("cat-{c:03}")).collect();
        let line =
            serde_json::json!({"customer_id": format!("C{c:06}"), "preferred_categories": cats});
        let _ = writeln!(profiles_ndjson, "{line}");
    }
    let truth: Vec<Vec<String>> = paths
        .iter()
        .map(|p| p.iter().map(|&i| item_name(i)).collect())
        .collect();
    Shop {
        clicks_csv,
        catalog_csv,
        profiles_ndjson,
        truth_json: serde_json::json!({ "paths": truth }).to_string(),
        clicks,
    }
}
