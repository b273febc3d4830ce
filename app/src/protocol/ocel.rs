//! Protocol types of object-centric logs (issue 17) on the Load screen: an OCEL file dropped
//! there (or the orders demo) is imported in the worker and kept as its current OCEL; the UI
//! gets core's [`OcelOverview`], asks for the object-centric map of the types it picked, and
//! flattens on one type to continue on the process screen.

use serde::{Deserialize, Serialize};
use spur_core::map::overlay::{OverlayOptions, OverlayType};
use spur_core::ocel::overview::OcelOverview;

/// Requests about the worker's current OCEL.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum OcelRequest {
    /// Import kept source `index` (an OCEL file) as the current OCEL; import progress as for
    /// `Import` (events read; the byte position is not known inside the readers).
    Open { index: usize },
    /// Generate the synthetic orders/items/packages log (`spur ocel generate`) as the current
    /// OCEL.
    Demo { orders: u32, seed: u64 },
    /// The object-centric map of the current OCEL; the SVG comes back as the payload.
    Map { options: OverlayOptions },
    /// Flatten the current OCEL on `object_type` (pm4py's `ocel_flattening`) and make the
    /// result the process screen's log. Reply: `Imported`.
    Flatten { object_type: String },
}

/// Replies to [`OcelRequest`]s (other than `Flatten`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OcelReply {
    Opened {
        name: String,
        overview: Box<OcelOverview>,
        /// Worker wall time of the import (or generation) alone, and of the overview.
        read_ms: f64,
        overview_ms: f64,
        /// The worker's wasm linear memory after the import (it never shrinks: the peak so far).
        memory_bytes: u64,
    },
    /// Payload: the SVG (UTF-8).
    Mapped {
        /// Worker wall time of the OC-DFG (first map only; later maps reuse it) and drawing.
        map_ms: f64,
        types: Vec<OverlayType>,
        activities: usize,
        width: f64,
        height: f64,
    },
}
