//! Messages of the Stream replay screen (issue 13): the worker replays the loaded log through
//! core's stream operator (`spur_core::stream::replay`) and answers each request with a compact
//! [`StreamUpdate`]. The UI paces the replay (at most one request in flight, one per ~100 ms),
//! so the worker never floods the page.

use serde::{Deserialize, Serialize};
use spur_core::stream::replay::{ReplayMode, ReplaySetup};

/// A Stream-screen request (inside [`super::ToWorker::Stream`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StreamRequest {
    /// Which log would be replayed, its columns and default settings.
    Open,
    /// (Re)start the replay of the loaded log with `setup`, at its first row.
    Start { setup: ReplaySetup },
    /// Move the replay on and describe it as `show` sees it.
    Advance { step: StreamStep, show: ReplayMode },
    /// The JSON lines `mode` emitted so far (payload, UTF-8), as `spur stream --json` prints.
    Download { mode: ReplayMode },
}

/// How far a request moves the replay.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum StreamStep {
    /// Log time, in ms (wall time × speed); 0 only redraws.
    Clock { ms: f64 },
    /// One row.
    Event,
    /// Until the micro-batch mode closes a batch.
    Batch,
    /// Everything left.
    End,
}

/// A Stream-screen reply (inside [`super::FromWorker::Streamed`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StreamReply {
    Opened {
        source: Box<StreamSource>,
    },
    Updated {
        update: Box<StreamUpdate>,
    },
    /// Payload: the JSON lines.
    Download {
        name: String,
    },
}

/// The log a replay reads: a CSV file in its row order, or any other loaded log in event-time
/// order (`spur_core::stream::arrival`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamSource {
    pub name: String,
    pub columns: Vec<String>,
    /// How the rows were put in arrival order when the log has no row order of its own.
    #[serde(default)]
    pub note: Option<String>,
    /// Defaults: the import's case, timestamp and activity columns, an id column if one is
    /// named like one.
    pub setup: ReplaySetup,
}

/// One mode's counters and latency (arrival → emit on the simulated clock).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ModeView {
    pub mode: ReplayMode,
    pub events: u64,
    pub duplicates: u64,
    pub conflicts: u64,
    pub late: u64,
    pub late_accepted: u64,
    pub windows: u64,
    pub updates: u64,
    pub emits: u64,
    pub pending: u64,
    pub latency_mean_ms: Option<f64>,
    pub latency_max_ms: i64,
    /// ISO 8601, `none yet` before the first event, `end of input` once every window fired.
    pub watermark: String,
}

/// The replay as the screen shows it. SVGs are `None` when unchanged since the last update.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StreamUpdate {
    pub position: u64,
    pub total: u64,
    /// The replay clock (log time), ISO 8601.
    pub now: String,
    pub finished: bool,
    pub rejected: u64,
    /// Per event first, then micro-batch.
    pub modes: Vec<ModeView>,
    /// The current window, `[start, end)` in ISO 8601, of the mode shown.
    pub window: Option<String>,
    /// Keys summed into the current window's picture.
    pub window_keys: u64,
    pub window_count: u64,
    pub map_svg: Option<String>,
    /// Why there is no map (no `dfg` aggregate, no window yet).
    pub map_note: Option<String>,
    pub chart_svg: Option<String>,
    /// The `spur stream` command that prints what the shown mode emits.
    pub cli: String,
}
