//! What an operator computes: windows, fields, aggregates, watermark and dedup settings.

use super::agg::AggSpec;
use super::window::{WindowSpec, MAX_SPAN};
use serde::{Deserialize, Serialize};

/// Operator settings; all durations in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamConfig {
    pub window: WindowSpec,
    /// Names of the event fields the aggregates read ([`super::Event::values`] order).
    pub fields: Vec<String>,
    pub aggs: Vec<AggSpec>,
    /// Bounded out-of-orderness: the watermark trails the largest event time by this.
    pub out_of_orderness: i64,
    /// Allowed lateness: a fired window keeps accepting events (and re-emits) this long.
    pub lateness: i64,
    /// A source silent this long (processing time) stops holding the watermark back.
    pub idle_timeout: Option<i64>,
    /// How long ids are remembered behind the watermark; at least (and by default)
    /// `max(out_of_orderness, window reach) + lateness`, see [`StreamConfig::horizon`].
    pub dedup_horizon: Option<i64>,
    /// Most ids remembered at once (the oldest are evicted first, see `dedup.rs`).
    pub max_dedup_entries: usize,
}

impl StreamConfig {
    /// A configuration with defaults: no delay, no lateness, no idleness, 10M ids.
    pub fn new(window: WindowSpec, fields: Vec<String>, aggs: Vec<AggSpec>) -> Self {
        StreamConfig {
            window,
            fields,
            aggs,
            out_of_orderness: 0,
            lateness: 0,
            idle_timeout: None,
            dedup_horizon: None,
            max_dedup_entries: 10_000_000,
        }
    }

    /// The dedup horizon in force. Never below `out_of_orderness + lateness` (the issue's
    /// minimum) nor below `reach + lateness`: for tumbling and sliding windows an event older
    /// than that is late in every window anyway, so remembering ids that long makes
    /// de-duplication exact without refusing anything Flink would count.
    pub fn horizon(&self) -> i64 {
        let floor = self.out_of_orderness.max(self.window.reach()) + self.lateness;
        self.dedup_horizon.unwrap_or(0).max(floor)
    }

    /// Refuse settings that cannot work, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        self.window.validate()?;
        for (name, v) in [
            ("out-of-orderness", self.out_of_orderness),
            ("lateness", self.lateness),
        ] {
            if !(0..=MAX_SPAN).contains(&v) {
                return Err(format!(
                    "{name} must be between 0 and {MAX_SPAN} ms, not {v}"
                ));
            }
        }
        if self
            .idle_timeout
            .is_some_and(|i| !(1..=MAX_SPAN).contains(&i))
        {
            return Err("the idle timeout must be between 1 ms and 2^40 ms".into());
        }
        if self
            .dedup_horizon
            .is_some_and(|h| !(0..=4 * MAX_SPAN).contains(&h))
        {
            return Err("the dedup horizon must be between 0 and 2^42 ms".into());
        }
        if self.max_dedup_entries == 0 {
            return Err("the dedup table must hold at least one id".into());
        }
        if self.aggs.len() > 64 {
            return Err("at most 64 aggregates".into());
        }
        for a in &self.aggs {
            if let Some(f) = a.max_field() {
                if f >= self.fields.len() {
                    return Err(format!(
                        "aggregate {a:?} reads field {f}, but only {} fields are declared",
                        self.fields.len()
                    ));
                }
            }
            if let AggSpec::TopK { k, .. } = a {
                if !(1..=10_000).contains(k) {
                    return Err(format!("top-k needs 1 <= k <= 10000, not {k}"));
                }
            }
        }
        Ok(())
    }
}
