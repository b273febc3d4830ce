//! A replay session: a CSV event log fed to the stream operator as a live stream, driven by a
//! replay clock a shell advances (the browser's Stream screen; its worker only translates).
//!
//! Why here and not in the shell: what arrives when, what each mode emits, its latency and the
//! JSON-lines transcript are decisions, and they must be the CLI's. Arrival order is file order
//! and the arrival clock is the CLI's (`spur stream`: the largest event time read so far), so
//! the transcript of a replay run to its end is byte for byte what `spur stream --json` prints
//! with [`ReplaySetup::cli_args`], whatever speed, pauses and steps the user chose in between.
//!
//! Both modes run side by side over the same rows (two [`Runner`]s), so the screen can show each
//! mode's latency live and switch between them without restarting; a micro-batch closes when
//! the replay clock passes its boundary (the emission the next arrival would have triggered,
//! only earlier: same content).

use super::csv_events::{read_csv_events, CsvEventSpec};
use super::event::{Event, Stats};
use super::finals::FinalWindows;
use super::jsonl;
use super::runner::{Emit, Mode, Runner};
use super::spec::{parse_aggs, parse_duration, parse_window};
use super::window::WindowSpec;
use super::{Operator, StreamConfig};
use serde::{Deserialize, Serialize};

/// The replay's settings, in the text forms of `spur stream`'s flags (empty = flag absent).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ReplaySetup {
    /// `--key`, `--time`, `--id` (empty: no de-duplication), `--activity` columns.
    pub key: String,
    pub time: String,
    pub id: String,
    pub activity: String,
    /// `--window`, e.g. `tumbling:10m`, `sliding:10m/1m`, `session:30m`.
    pub window: String,
    /// `--agg`, e.g. `count,dfg`.
    pub aggs: String,
    /// `--out-of-order`, `--lateness` (durations such as `30s`).
    pub out_of_order: String,
    pub lateness: String,
    /// The micro-batch interval (`--mode micro-batch:INTERVAL`).
    pub batch: String,
}

impl ReplaySetup {
    /// The `spur stream` arguments (after `LOG`) that print this replay's transcript in `mode`.
    pub fn cli_args(&self, mode: ReplayMode) -> Vec<String> {
        let mut a = Vec::new();
        let mut flag = |name: &str, v: &str| {
            if !v.trim().is_empty() {
                a.push(name.to_string());
                a.push(v.trim().to_string());
            }
        };
        flag("--key", &self.key);
        flag("--time", &self.time);
        flag("--id", &self.id);
        flag("--activity", &self.activity);
        flag("--window", &self.window);
        flag("--agg", &self.aggs);
        flag("--out-of-order", &self.out_of_order);
        flag("--lateness", &self.lateness);
        match mode {
            ReplayMode::PerEvent => flag("--mode", "event"),
            ReplayMode::MicroBatch => flag("--mode", &format!("micro-batch:{}", self.batch.trim())),
        }
        a.push("--json".into());
        a
    }
}

/// Which of the two side-by-side runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplayMode {
    #[default]
    PerEvent,
    MicroBatch,
}

/// Arrival → emit latency on the simulated clock, over every event a mode answered.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Latency {
    pub events: u64,
    pub total_ms: f64,
    pub max_ms: i64,
}

impl Latency {
    pub fn mean_ms(&self) -> Option<f64> {
        (self.events > 0).then(|| self.total_ms / self.events as f64)
    }
}

/// One mode's run: its runner, what it emitted (transcript and final windows) and its latency.
#[derive(Debug, Clone)]
pub struct Lane {
    runner: Runner,
    transcript: String,
    pub finals: FinalWindows,
    pub latency: Latency,
    /// Emissions (polls that produced output or answered arrivals).
    pub emits: u64,
}

impl Lane {
    fn record(&mut self, e: &Emit, labels: &[String]) {
        self.emits += 1;
        for a in &e.arrivals {
            let d = e.at.saturating_sub(*a).max(0);
            self.latency.events += 1;
            self.latency.total_ms += d as f64;
            self.latency.max_ms = self.latency.max_ms.max(d);
        }
        jsonl::write_output(&e.output, labels, &mut self.transcript);
        for w in &e.output.windows {
            self.finals.apply(w);
        }
    }

    /// The JSON lines emitted so far (with the summary line once the replay finished).
    pub fn transcript(&self) -> &str {
        &self.transcript
    }

    pub fn stats(&self) -> Stats {
        self.runner.op.stats()
    }

    pub fn watermark(&self) -> i64 {
        self.runner.op.watermark()
    }

    /// Events waiting in the open micro-batch.
    pub fn pending(&self) -> usize {
        self.runner.pending()
    }
}

enum Row {
    Event(Event),
    Rejected {
        line: u64,
        field: Option<String>,
        reason: String,
    },
}

/// A log being replayed; see the module documentation.
pub struct Replay {
    rows: Vec<Row>,
    pos: usize,
    /// The arrival clock: the largest event time fed so far (`i64::MIN` before the first).
    clock: i64,
    /// The replay clock, in log time; rows arriving at or before it have been fed.
    now: i64,
    window: WindowSpec,
    labels: Vec<String>,
    lanes: [Lane; 2],
    rejected: u64,
    finished: bool,
}

impl Replay {
    /// Read `bytes` (CSV, rows in arrival order) under `setup`. Errors name the setting or
    /// the input problem and what to change.
    pub fn new(bytes: &[u8], setup: &ReplaySetup) -> Result<Replay, String> {
        let need = |name: &str, v: &str| {
            let v = v.trim();
            if v.is_empty() {
                Err(format!("{name} is required"))
            } else {
                Ok(v.to_string())
            }
        };
        let window = parse_window(&need("window", &setup.window)?)?;
        let activity = match setup.activity.trim() {
            "" => "activity",
            a => a,
        };
        let aggs_text = match setup.aggs.trim() {
            "" => "count",
            a => a,
        };
        let list = parse_aggs(aggs_text, activity)?;
        let dur = |name: &str, v: &str| match v.trim() {
            "" => Ok(0),
            v => parse_duration(v).map_err(|e| format!("{name}: {e}")),
        };
        let mut config = StreamConfig::new(window, list.fields.clone(), list.aggs);
        config.out_of_orderness = dur("out-of-order", &setup.out_of_order)?;
        config.lateness = dur("lateness", &setup.lateness)?;
        config.validate()?;
        let interval = dur("batch interval", &setup.batch)?;
        let spec = CsvEventSpec {
            key: need("the key column", &setup.key)?,
            time: need("the time column", &setup.time)?,
            id: Some(setup.id.trim().to_string()).filter(|s| !s.is_empty()),
            source: None,
            fields: list.fields,
            max_record_bytes: 0,
        };
        let mut rows = Vec::new();
        read_csv_events(bytes, &spec, |r| {
            rows.push(match r {
                Ok((_, ev)) => Row::Event(ev),
                Err(rej) => Row::Rejected {
                    line: rej.line,
                    field: rej.field,
                    reason: rej.reason,
                },
            })
        })
        .map_err(|e| e.to_string())?;
        let lane = |mode| -> Result<Lane, String> {
            Ok(Lane {
                runner: Runner::new(Operator::new(config.clone())?, mode)?,
                transcript: String::new(),
                finals: FinalWindows::default(),
                latency: Latency::default(),
                emits: 0,
            })
        };
        let first = rows.iter().find_map(|r| match r {
            Row::Event(e) => Some(e.time),
            Row::Rejected { .. } => None,
        });
        Ok(Replay {
            rows,
            pos: 0,
            clock: i64::MIN,
            now: first.map_or(0, |t| t.saturating_sub(1)),
            window,
            labels: list.labels,
            lanes: [lane(Mode::PerEvent)?, lane(Mode::MicroBatch { interval })?],
            rejected: 0,
            finished: false,
        })
    }

    /// Rows in the file (events and rejected rows).
    pub fn total(&self) -> usize {
        self.rows.len()
    }

    /// Rows fed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The replay clock (log time, ms UTC).
    pub fn now(&self) -> i64 {
        self.now
    }

    pub fn rejected(&self) -> u64 {
        self.rejected
    }

    /// True once every row was fed and both modes flushed and fired every window.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    pub fn window(&self) -> &WindowSpec {
        &self.window
    }

    /// Aggregate labels as written in the setup (`count`, `dfg`, …).
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    pub fn lane(&self, mode: ReplayMode) -> &Lane {
        match mode {
            ReplayMode::PerEvent => &self.lanes[0],
            ReplayMode::MicroBatch => &self.lanes[1],
        }
    }

    /// When the next row arrives (rows that cannot become events arrive at once).
    fn next_arrival(&self) -> Option<i64> {
        match self.rows.get(self.pos)? {
            Row::Event(e) => Some(self.clock.max(e.time)),
            Row::Rejected { .. } => Some(self.clock.max(self.now)),
        }
    }

    /// Feed the next row to both modes.
    fn feed(&mut self) {
        let Some(row) = self.rows.get(self.pos) else {
            return;
        };
        self.pos += 1;
        match row {
            Row::Event(ev) => {
                self.clock = self.clock.max(ev.time);
                self.now = self.now.max(self.clock);
                for lane in &mut self.lanes {
                    if let Some(e) = lane.runner.offer(self.clock, ev.clone()) {
                        lane.record(&e, &self.labels);
                    }
                }
            }
            Row::Rejected {
                line,
                field,
                reason,
            } => {
                self.rejected += 1;
                for lane in &mut self.lanes {
                    jsonl::write_rejected(*line, field.as_deref(), reason, &mut lane.transcript);
                }
            }
        }
    }

    /// Close the micro-batch whose boundary the replay clock passed.
    fn close_due_batch(&mut self) {
        let lane = &mut self.lanes[1];
        if lane.runner.boundary().is_some_and(|b| b <= self.now) {
            if let Some(e) = lane.runner.flush() {
                lane.record(&e, &self.labels);
            }
        }
    }

    /// End of input: flush, fire every window, write the summary lines.
    fn finish(&mut self) {
        if self.finished || self.pos < self.rows.len() {
            return;
        }
        for lane in &mut self.lanes {
            for e in lane.runner.finish() {
                lane.record(&e, &self.labels);
            }
            let stats = lane.runner.op.stats();
            jsonl::write_summary(&stats, self.rejected, &mut lane.transcript);
        }
        // The clock stops at the last arrival: a tick's remainder runs past the input.
        if self.clock != i64::MIN {
            self.now = self.clock;
        }
        self.finished = true;
    }

    /// Move the replay clock `by_ms` of log time forward, feeding every row that arrived by
    /// then (at most `max_rows`, so one call stays short; the clock then stops at the last
    /// row fed). Returns the rows fed.
    pub fn advance(&mut self, by_ms: i64, max_rows: usize) -> usize {
        if self.finished {
            return 0;
        }
        let target = self.now.saturating_add(by_ms.max(0));
        let mut fed = 0;
        while fed < max_rows {
            match self.next_arrival() {
                Some(a) if a <= target => {
                    self.now = self.now.max(a);
                    self.feed();
                    fed += 1;
                }
                _ => {
                    self.now = target;
                    break;
                }
            }
        }
        self.close_due_batch();
        self.finish();
        fed
    }

    /// Feed exactly one row (the clock jumps to its arrival).
    pub fn step_event(&mut self) {
        if let Some(a) = self.next_arrival() {
            self.now = self.now.max(a);
            self.feed();
        }
        self.finish();
    }

    /// Feed rows until the micro-batch mode closes a batch (or the input ends).
    pub fn step_batch(&mut self) {
        let before = self.lanes[1].emits;
        while self.lanes[1].emits == before && self.pos < self.rows.len() {
            if let Some(a) = self.next_arrival() {
                self.now = self.now.max(a);
            }
            self.feed();
        }
        self.finish();
    }

    /// Feed everything that is left and finish.
    pub fn run_to_end(&mut self) {
        while self.pos < self.rows.len() {
            if let Some(a) = self.next_arrival() {
                self.now = self.now.max(a);
            }
            self.feed();
        }
        self.finish();
    }
}

#[cfg(test)]
mod tests;
