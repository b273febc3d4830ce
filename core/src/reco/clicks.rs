//! Clicks from an event log: sessions of item codes, ordered by when they ended, plus what the
//! log says about each item (category, price, stock) and each session (customer).

use super::RecoError;
use crate::log::{EventLog, Value};
use std::collections::HashMap;

/// Which event-attribute columns carry the optional shop fields (session, item and time are
/// the log's case, activity and timestamp). A named column that is absent is an error; the
/// defaults are used only when present. An empty name turns the field off (the default-named
/// column is then not read either), for a screen where the user chose "(none)".
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ClickColumns {
    pub customer: Option<String>,
    pub event_type: Option<String>,
    pub category: Option<String>,
    pub price: Option<String>,
    pub in_stock: Option<String>,
}

/// What the log says about an item (its last value wins).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemInfo {
    pub category: Option<String>,
    pub price: Option<f64>,
    pub in_stock: Option<bool>,
}

/// One session: its clicks in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: String,
    pub clicks: Vec<u32>,
    /// Last click's time, ms UTC (the session's position in the log when there is no time).
    pub end_ms: i64,
    pub customer: Option<String>,
    /// Items put in the basket (`cart`/`buy` events, when the log has an event type).
    pub basket: Vec<u32>,
}

/// Whether an event of this type puts its item in the basket (`cart`, `buy`, `purchase`,
/// `add_to_cart`, any case): training and the edge's stored sessions read baskets alike.
pub fn is_basket_type(kind: &str) -> bool {
    ["cart", "buy", "purchase", "add_to_cart"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(kind))
}

/// A clickstream: item dictionary, item facts, sessions ordered by end time (ties: log order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClickLog {
    pub items: Vec<String>,
    pub info: Vec<ItemInfo>,
    pub sessions: Vec<Session>,
    /// True when the log had timestamps (`end_ms` is then a time).
    pub timed: bool,
    index: HashMap<String, u32>,
}

fn resolve_column<'a>(
    log: &'a EventLog,
    role: &'static str,
    named: &Option<String>,
    default: &str,
) -> Result<Option<&'a crate::log::Column>, RecoError> {
    match named {
        Some(n) if n.is_empty() => Ok(None),
        Some(n) => log
            .event_attribute(n)
            .or_else(|| log.case_attribute(n))
            .map(Some)
            .ok_or(RecoError::MissingColumn {
                role,
                column: n.clone(),
            }),
        None => Ok(log
            .event_attribute(default)
            .or_else(|| log.case_attribute(default))),
    }
}

fn text(v: Value<'_>) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        other => other.to_string(),
    }
}

impl ClickLog {
    /// The code of `item`, if the log has it.
    pub fn item(&self, item: &str) -> Option<u32> {
        self.index.get(item).copied()
    }

    /// Number of clicks in all sessions.
    pub fn clicks(&self) -> usize {
        self.sessions.iter().map(|s| s.clicks.len()).sum()
    }

    /// Read sessions from `log` (case = session, activity = item).
    pub fn from_event_log(log: &EventLog, cols: &ClickColumns) -> Result<ClickLog, RecoError> {
        // Event attributes are per event; case attributes per case. Both are looked up by name.
        let customer = resolve_column(log, "customer", &cols.customer, "customer")?;
        let event_type = resolve_column(log, "event type", &cols.event_type, "event_type")?;
        let category = resolve_column(log, "category", &cols.category, "category")?;
        let price = resolve_column(log, "price", &cols.price, "price")?;
        let in_stock = resolve_column(log, "in stock", &cols.in_stock, "in_stock")?;
        let is_case_col = |c: Option<&crate::log::Column>| {
            c.is_some_and(|c| log.case_attributes().iter().any(|k| std::ptr::eq(k, c)))
        };
        let customer_is_case = is_case_col(customer);
        let n_acts = log.activities().len();
        let items: Vec<String> = (0..n_acts as u32)
            .map(|a| log.activities().resolve(a).to_string())
            .collect();
        let mut info = vec![ItemInfo::default(); n_acts];
        let mut sessions = Vec::with_capacity(log.num_cases());
        for case in 0..log.num_cases() as u32 {
            let range = log.case_events(case);
            if range.is_empty() {
                continue;
            }
            let mut clicks = Vec::with_capacity(range.len());
            let mut basket = Vec::new();
            let mut end_ms = None;
            let mut cust = None;
            for i in range.clone() {
                let item = log.activity_codes()[i];
                let kind = event_type.and_then(|c| c.get(i)).map(text);
                let in_basket = kind.as_deref().is_some_and(is_basket_type);
                if in_basket && !basket.contains(&item) {
                    basket.push(item);
                }
                clicks.push(item);
                if let Some(t) = log.timestamp(i) {
                    end_ms = Some(end_ms.map_or(t, |e: i64| e.max(t)));
                }
                let slot = &mut info[item as usize];
                if let Some(v) = category.and_then(|c| c.get(i)) {
                    slot.category = Some(text(v));
                }
                if let Some(v) = price.and_then(|c| c.get(i)) {
                    slot.price = match v {
                        Value::Int(x) => Some(x as f64),
                        Value::Float(x) if x.is_finite() => Some(x),
                        Value::Str(s) => s.trim().parse().ok().filter(|x: &f64| x.is_finite()),
                        _ => None,
                    };
                }
                if let Some(v) = in_stock.and_then(|c| c.get(i)) {
                    slot.in_stock = match v {
                        Value::Bool(b) => Some(b),
                        Value::Int(x) => Some(x != 0),
                        Value::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
                            "true" | "yes" | "1" | "y" => Some(true),
                            "false" | "no" | "0" | "n" => Some(false),
                            _ => None,
                        },
                        _ => None,
                    };
                }
                if !customer_is_case && cust.is_none() {
                    cust = customer.and_then(|c| c.get(i)).map(text);
                }
            }
            if customer_is_case {
                cust = customer.and_then(|c| c.get(case as usize)).map(text);
            }
            sessions.push(Session {
                id: log.case_ids().resolve(case).to_string(),
                clicks,
                end_ms: end_ms.unwrap_or(case as i64),
                customer: cust.filter(|c| !c.is_empty()),
                basket,
            });
        }
        let timed = log.has_timestamps();
        if timed {
            // Stable: ties keep the log's case order.
            sessions.sort_by_key(|s| s.end_ms);
        }
        let index = items
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i as u32))
            .collect();
        Ok(ClickLog {
            items,
            info,
            sessions,
            timed,
            index,
        })
    }

    /// Build from plain sessions of item names (tests, generators); `end_ms` = position.
    pub fn from_sessions<S: AsRef<str>>(sessions: &[Vec<S>]) -> ClickLog {
        let mut log = ClickLog::default();
        for (n, s) in sessions.iter().enumerate() {
            let clicks = s.iter().map(|i| log.intern(i.as_ref())).collect();
            log.sessions.push(Session {
                id: n.to_string(),
                clicks,
                end_ms: n as i64,
                customer: None,
                basket: Vec::new(),
            });
        }
        log
    }

    fn intern(&mut self, item: &str) -> u32 {
        if let Some(&c) = self.index.get(item) {
            return c;
        }
        let c = self.items.len() as u32;
        self.items.push(item.to_string());
        self.info.push(ItemInfo::default());
        self.index.insert(item.to_string(), c);
        c
    }

    /// Split by time as session-rec does: sessions that end within the last `days` days of the
    /// log are the test set, the others the training set. Both keep this log's item codes.
    pub fn split_last_days(&self, days: f64) -> Result<(ClickLog, ClickLog), RecoError> {
        if !self.timed {
            return Err(RecoError::NoTimestamps);
        }
        if !(days.is_finite() && days > 0.0) {
            return Err(RecoError::Invalid {
                field: "test days".into(),
                reason: format!("{days} is not a positive number"),
            });
        }
        let max = self.sessions.iter().map(|s| s.end_ms).max().unwrap_or(0);
        let cut = max.saturating_sub((days * 86_400_000.0) as i64);
        let mut train = self.clone();
        let mut test = self.clone();
        train.sessions.retain(|s| s.end_ms < cut);
        test.sessions.retain(|s| s.end_ms >= cut);
        Ok((train, test))
    }
}
