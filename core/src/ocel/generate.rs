//! A synthetic order-to-delivery OCEL (orders, items, packages) with planted waiting times,
//! for tests, demos and the import benchmarks (about 11 events per order: 100,000 orders make
//! a log of over a million events).
//!
//! Per order: `place order` (the order and its 1–6 items), `pick item` per item, `confirm
//! order`, items packed three to a package (`create package` with its items, `send package`,
//! `deliver package`), and `pay order`. Planted, and recorded in [`OrdersTruth`]:
//! - a full package (three items) waits a day longer between `create package` and `send
//!   package` than a smaller one;
//! - business orders wait about twelve days longer between `confirm order` and `pay order`.
//!
//! Deterministic: the seed and the start time are arguments (core reads no clock or entropy).

use super::{OcelBuilder, OcelLog};
use crate::leads::rng::Rng;
use crate::log::Value;
use serde::{Deserialize, Serialize};

const HOUR: f64 = 3_600_000.0;
const DAY: f64 = 24.0 * HOUR;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrdersConfig {
    pub orders: u32,
    pub seed: u64,
    /// Time of the first order, ms UTC.
    pub start_ms: i64,
    /// Nonzero: every id is prefixed `c{chunk}-`, so logs generated separately (with different
    /// seeds) concatenate into one larger log without sharing an id (the scale benchmark's
    /// 100M events are ten such chunks: one OCEL file of that size would not fit in memory).
    pub chunk: u32,
}

impl Default for OrdersConfig {
    fn default() -> Self {
        OrdersConfig {
            orders: 1000,
            seed: 17,
            start_ms: 1_735_689_600_000, // 2025-01-01T00:00:00Z
            chunk: 0,
        }
    }
}

/// The planted waiting times, to check that analyses recover them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrdersTruth {
    /// Extra wait before `send package` for a package of three items, in hours.
    pub full_package_extra_send_wait_hours: f64,
    /// Extra wait before `pay order` for a business order, in hours.
    pub business_extra_payment_wait_hours: f64,
    pub orders: u64,
    pub items: u64,
    pub packages: u64,
}

fn exp(rng: &mut Rng, mean: f64) -> f64 {
    -mean * (1.0 - rng.f64()).max(1e-12).ln()
}

/// Generate the log and its truth.
pub fn generate_orders(cfg: &OrdersConfig) -> (OcelLog, OrdersTruth) {
    let mut rng = Rng::new(cfg.seed);
    let prefix = if cfg.chunk == 0 {
        String::new()
    } else {
        format!("c{}-", cfg.chunk)
    };
    let mut b = OcelBuilder::new();
    let [order_t, item_t, package_t] = ["order", "item", "package"].map(|t| b.object_type_code(t));
    let [place, pick, confirm, create, send, deliver, pay] = [
        "place order",
        "pick item",
        "confirm order",
        "create package",
        "send package",
        "deliver package",
        "pay order",
    ]
    .map(|a| b.event_type_code(a));
    let q_none = b.qualifier_code("");
    let q_contains = b.qualifier_code("contains");
    let products = [
        "book", "lamp", "chair", "phone", "mug", "shirt", "desk", "cable",
    ];
    let (mut items, mut packages, mut events) = (0u64, 0u64, 0u64);
    let mut t0 = cfg.start_ms as f64;
    let mut event = |b: &mut OcelBuilder, ty: u32, at: f64, objects: &[u32]| -> usize {
        events += 1;
        let id = format!("{prefix}e{events}");
        let e = b.add_event(&id, ty, at as i64).unwrap_or(0);
        for &o in objects {
            b.add_e2o(e, o, q_none);
        }
        e
    };
    for n in 0..cfg.orders {
        t0 += exp(&mut rng, 5.0 * 60_000.0);
        let business = rng.chance(0.3);
        let order = b
            .add_object(&format!("{prefix}o{}", n + 1), order_t)
            .unwrap_or(0);
        let segment = if business { "business" } else { "retail" };
        b.add_object_attr(order, "segment", 0, Value::Str(segment));
        b.add_object_attr(order, "status", 0, Value::Str("placed"));
        let k = 1 + rng.below(6);
        let mut its = Vec::with_capacity(k);
        for _ in 0..k {
            items += 1;
            let it = b
                .add_object(&format!("{prefix}i{items}"), item_t)
                .unwrap_or(0);
            b.add_object_attr(
                it,
                "product",
                0,
                Value::Str(products[rng.below(products.len())]),
            );
            b.add_object_attr(it, "weight", 0, Value::Int(1 + rng.below(20) as i64));
            b.add_o2o(order, it, q_contains);
            its.push(it);
        }
        let mut placed = vec![order];
        placed.extend(&its);
        let e = event(&mut b, place, t0, &placed);
        b.set_event_attr(e, "price", Value::Float((10 + rng.below(490)) as f64));
        let confirmed = t0 + exp(&mut rng, HOUR);
        let mut picked = Vec::with_capacity(k);
        for &it in &its {
            let at = t0 + exp(&mut rng, 2.0 * HOUR);
            let e = event(&mut b, pick, at, &[it]);
            let picker = format!("picker {}", 1 + rng.below(20));
            b.set_event_attr(e, "resource", Value::Str(&picker));
            picked.push(at);
        }
        event(&mut b, confirm, confirmed, &[order]);
        for (chunk, times) in its.chunks(3).zip(picked.chunks(3)) {
            packages += 1;
            let p = b
                .add_object(&format!("{prefix}p{packages}"), package_t)
                .unwrap_or(0);
            for &it in chunk {
                b.add_o2o(p, it, q_contains);
            }
            let ready = times.iter().copied().fold(t0, f64::max) + exp(&mut rng, 0.5 * HOUR);
            let mut packed = vec![p];
            packed.extend(chunk);
            event(&mut b, create, ready, &packed);
            let extra = if chunk.len() == 3 { DAY } else { 0.0 };
            let sent = ready + exp(&mut rng, 4.0 * HOUR) + extra;
            event(&mut b, send, sent, &[p]);
            event(&mut b, deliver, sent + exp(&mut rng, DAY), &[p]);
        }
        let wait = if business { 14.0 * DAY } else { 2.0 * DAY };
        let paid = confirmed + wait * (0.5 + rng.f64());
        event(&mut b, pay, paid, &[order]);
        b.add_object_attr(order, "status", paid as i64, Value::Str("paid"));
    }
    let (log, _) = b.finish();
    let truth = OrdersTruth {
        full_package_extra_send_wait_hours: 24.0,
        business_extra_payment_wait_hours: 12.0 * 24.0,
        orders: u64::from(cfg.orders),
        items,
        packages,
    };
    (log, truth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocel::objects::edge_waits;

    #[test]
    fn chunks_share_no_id() {
        let chunk = |chunk, seed| {
            generate_orders(&OrdersConfig {
                orders: 30,
                seed,
                chunk,
                ..OrdersConfig::default()
            })
            .0
        };
        let (a, b) = (chunk(1, 1), chunk(2, 2));
        for log in [&a, &b] {
            assert!(log.object_ids().iter().all(|id| id.starts_with('c')));
        }
        assert!(a
            .object_ids()
            .iter()
            .all(|id| b.object_ids().lookup(id).is_none()));
        assert!(a
            .event_ids()
            .iter()
            .all(|id| b.event_ids().lookup(id).is_none()));
        // Chunk 0 is the unprefixed log the other tests and goldens know.
        assert_eq!(
            chunk(0, 17),
            generate_orders(&OrdersConfig {
                orders: 30,
                ..OrdersConfig::default()
            })
            .0
        );
        assert_eq!(chunk(0, 17).object_ids().get(0), Some("o1"));
    }

    #[test]
    fn deterministic_and_the_planted_waits_show() {
        let cfg = OrdersConfig {
            orders: 400,
            ..OrdersConfig::default()
        };
        let (a, truth) = generate_orders(&cfg);
        assert_eq!(a, generate_orders(&cfg).0);
        assert_eq!(
            a.num_objects() as u64,
            truth.orders + truth.items + truth.packages
        );
        assert!(a.num_events() > 400 * 8);
        // The package wait before sending: full packages (3 items) vs the others.
        let waits = edge_waits(&a, "package", "create package", "send package");
        let (mut full, mut small) = (Vec::new(), Vec::new());
        for (object, hours) in waits {
            let items = a.o2o().0.iter().filter(|&&s| s == object).count();
            if items == 3 {
                full.push(hours)
            } else {
                small.push(hours)
            }
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let gap = mean(&full) - mean(&small);
        assert!(
            (gap - truth.full_package_extra_send_wait_hours).abs() < 3.0,
            "gap {gap}"
        );
    }
}
