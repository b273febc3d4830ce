//! `POST /recommend` with a `session_id`: the clicks and basket the session's events object
//! holds (what `POST /events` stored), combined with those in the body, so a shop that streams
//! its events need not resend them. Pure: the route asks its [`super::Host`] for the object's
//! feature bytes and hands the answer here.
//!
//! The rule (README, ARCHITECTURE):
//! - **Stored clicks** are the object's recent accepted events that carry an `item`, oldest
//!   first (by event time, then id). The object keeps the last
//!   [`crate::stream::session_features::MAX_CLICKS`] of the last 30 minutes of event time.
//! - **Clicks** = stored clicks, then the body's clicks: the body is taken as newer (clicks not
//!   yet sent to `/events`), so a shop sending both gets both, in that order. Past
//!   [`MAX_CLICKS`] the oldest *stored* clicks are dropped; the body's are always kept (the
//!   parser already bounds them to [`MAX_CLICKS`]).
//! - **Basket** = the body's basket, then each stored item whose event type puts it in the
//!   basket ([`is_basket_type`]: `cart`, `buy`, …) not already in it, up to [`MAX_CLICKS`].
//! - An **unknown session** (its object never accepted an event) is not an error: it adds
//!   nothing and `session.found` is false; the answer is then the body's alone (with no clicks,
//!   the popularity fallback and its `degraded` flag, as for any empty session).
//! - An **unreachable object** is not an error either: the body's clicks alone, `session.error`
//!   says why (and the worker logs it); never a 5xx for a valid body.

use crate::reco::clicks::is_basket_type;
use crate::reco::recommend::MAX_CLICKS;
use crate::stream::session_features::FeatureView;
use serde::{Deserialize, Serialize};

/// Where a `/recommend` answer's session data came from (its `session` field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionSource {
    pub id: String,
    /// Whether the session's object had accepted any event.
    pub found: bool,
    /// Clicks taken from the object (before the body's).
    pub clicks_from_store: usize,
    /// Basket items taken from the object (after the body's).
    pub basket_from_store: usize,
    /// Why the object's features could not be read (then nothing came from the store).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The clicks and basket to score, and their provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Combined {
    pub clicks: Vec<String>,
    pub basket: Vec<String>,
    pub source: SessionSource,
}

/// Combine what the object answered (`Err`: it could not be reached) with the body's lists.
pub fn combine(
    id: &str,
    stored: Result<Vec<u8>, String>,
    body_clicks: &[String],
    body_basket: &[String],
) -> Combined {
    let mut source = SessionSource {
        id: id.to_string(),
        found: false,
        clicks_from_store: 0,
        basket_from_store: 0,
        error: None,
    };
    let view = stored.and_then(|bytes| {
        serde_json::from_slice::<FeatureView>(&bytes)
            .map_err(|e| format!("unreadable features of session object: {e}"))
    });
    let view = match view {
        Ok(v) => v,
        Err(e) => {
            source.error = Some(e);
            return Combined {
                clicks: body_clicks.to_vec(),
                basket: body_basket.to_vec(),
                source,
            };
        }
    };
    source.found = view.events > 0 || !view.clicks.is_empty();
    let items: Vec<(&str, bool)> = view
        .clicks
        .iter()
        .filter_map(|c| {
            let item = c.item.as_deref().filter(|i| !i.is_empty())?;
            Some((item, c.kind.as_deref().is_some_and(is_basket_type)))
        })
        .collect();
    let room = MAX_CLICKS.saturating_sub(body_clicks.len());
    let kept = &items[items.len().saturating_sub(room)..];
    let mut clicks: Vec<String> = kept.iter().map(|(i, _)| i.to_string()).collect();
    source.clicks_from_store = clicks.len();
    clicks.extend(body_clicks.iter().cloned());
    let mut basket = body_basket.to_vec();
    for (item, _) in items.iter().filter(|(_, in_basket)| *in_basket) {
        if basket.len() >= MAX_CLICKS {
            break;
        }
        if !basket.iter().any(|b| b == item) {
            basket.push(item.to_string());
            source.basket_from_store += 1;
        }
    }
    Combined {
        clicks,
        basket,
        source,
    }
}
