//! The worker side of the Stream replay screen (issue 13): a thin driver around
//! `spur_core::stream::replay` (what arrives when, both modes, the transcript) and
//! `spur_core::stream::live` (the current window's map, the counts chart).
//!
//! The replay reads the loaded file itself, in its row order: the imported `EventLog` is sorted
//! by case, which would turn file order into wild disorder. So the Load screen's import tells
//! this module where that file is ([`remember`]): the bytes of a plain import (kept here, which
//! costs nothing more: they were about to be dropped), or the index of a kept source. A log with
//! no row order of its own (XES, Parquet, merged sources) is replayed in event-time order from
//! the loaded log, as `spur stream` does with such a file ([`arrange`]).

use crate::sources::with_source_bytes;
use js_sys::{ArrayBuffer, Uint8Array};
use spur_app::protocol::sources::SourceFormat;
use spur_app::protocol::stream::{
    ModeView, StreamReply, StreamRequest, StreamSource, StreamStep, StreamUpdate,
};
use spur_app::protocol::{ErrorDto, FromWorker, JobId};
use spur_core::import::timestamp::format_iso;
use spur_core::import::{csv, ImportOptions};
use spur_core::stream::replay::{Replay, ReplayMode, ReplaySetup};
use spur_core::stream::{arrival, live};
use std::cell::RefCell;

/// Rows fed per request at most, so one tick stays short even at ×10,000 on a dense log.
const MAX_ROWS_PER_STEP: usize = 50_000;
/// Columns in the counts chart.
const CHART_SPANS: usize = 60;

/// Where the loaded log's file is.
pub enum Origin {
    None,
    Bytes {
        name: String,
        format: SourceFormat,
        bytes: Vec<u8>,
        options: ImportOptions,
    },
    Source {
        index: usize,
        options: ImportOptions,
    },
    Merged,
    /// A log with no row order of its own, as CSV bytes in event-time order ([`arrange`]).
    Arranged {
        name: String,
        bytes: Vec<u8>,
    },
}

struct Session {
    replay: Replay,
    setup: ReplaySetup,
    name: String,
    /// What the last update sent, so unchanged drawings are not sent again.
    last_map: String,
    last_chart: String,
}

thread_local! {
    static ORIGIN: RefCell<Origin> = const { RefCell::new(Origin::None) };
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// A log was imported from `origin`; a running replay of the previous log ends.
pub fn remember(origin: Origin) {
    ORIGIN.with(|o| *o.borrow_mut() = origin);
    SESSION.with(|s| *s.borrow_mut() = None);
}

fn failed(job: JobId, code: &str, message: String) -> FromWorker {
    FromWorker::Failed {
        job,
        error: ErrorDto {
            code: code.into(),
            message,
        },
    }
}

/// Call `f` with the loaded file's name, bytes and import options, or say why there is none.
fn with_file<R>(f: impl FnOnce(&str, &[u8], &ImportOptions) -> R) -> Result<R, String> {
    arrange()?;
    ORIGIN.with(|o| match &*o.borrow() {
        Origin::None => Err("no log is loaded: load a log on the Process screen first".into()),
        Origin::Bytes {
            name,
            bytes,
            options,
            ..
        } => Ok(f(name, bytes, options)),
        Origin::Arranged { name, bytes } => Ok(f(name, bytes, &ImportOptions::default())),
        Origin::Source { index, options } => {
            with_source_bytes(*index, |name, _, bytes| Ok(f(name, bytes, options)))
                .unwrap_or_else(|| Err("the loaded file is no longer kept: load it again".into()))
        }
        Origin::Merged => Err("the merged log could not be put in event-time order".into()),
    })
}

/// A loaded log with no row order of its own (not CSV, or merged) becomes, once, CSV bytes in
/// event-time order from the log the Process screen holds; the CLI replays such files the same
/// way (`spur_core::stream::arrival`).
fn arrange() -> Result<(), String> {
    let name = ORIGIN.with(|o| match &*o.borrow() {
        Origin::Merged => Some("merged log".to_string()),
        Origin::Bytes { name, format, .. } if *format != SourceFormat::Csv => Some(name.clone()),
        Origin::Source { index, .. } => with_source_bytes(*index, |name, format, _| {
            (format != SourceFormat::Csv).then(|| name.to_string())
        })
        .flatten(),
        _ => None,
    });
    let Some(name) = name else {
        return Ok(());
    };
    let bytes = crate::process::with_base(arrival::in_event_time_order)
        .ok_or("no log is loaded: load a log on the Process screen first")?;
    ORIGIN.with(|o| *o.borrow_mut() = Origin::Arranged { name, bytes });
    Ok(())
}

/// Answer one Stream-screen request.
pub fn handle(job: JobId, request: StreamRequest) -> (FromWorker, Option<ArrayBuffer>) {
    let reply = |reply| FromWorker::Streamed { job, reply };
    match request {
        StreamRequest::Open => match with_file(open) {
            Ok(Ok(source)) => (
                reply(StreamReply::Opened {
                    source: Box::new(source),
                }),
                None,
            ),
            Ok(Err(e)) | Err(e) => (failed(job, "no_stream", e), None),
        },
        StreamRequest::Start { setup } => {
            let made = with_file(|name, bytes, _| {
                Replay::new(bytes, &setup).map(|replay| Session {
                    replay,
                    setup: setup.clone(),
                    name: name.to_string(),
                    last_map: String::new(),
                    last_chart: String::new(),
                })
            });
            match made {
                Ok(Ok(session)) => {
                    let update = SESSION.with(|s| {
                        let mut s = s.borrow_mut();
                        let session = s.insert(session);
                        describe(session, ReplayMode::PerEvent)
                    });
                    (
                        reply(StreamReply::Updated {
                            update: Box::new(update),
                        }),
                        None,
                    )
                }
                Ok(Err(e)) => (failed(job, "bad_setup", e), None),
                Err(e) => (failed(job, "no_stream", e), None),
            }
        }
        StreamRequest::Advance { step, show } => with_session(job, |s| {
            match step {
                StreamStep::Clock { ms } => {
                    let ms = if ms.is_finite() {
                        ms.max(0.0) as i64
                    } else {
                        0
                    };
                    s.replay.advance(ms, MAX_ROWS_PER_STEP);
                }
                StreamStep::Event => s.replay.step_event(),
                StreamStep::Batch => s.replay.step_batch(),
                StreamStep::End => s.replay.run_to_end(),
            }
            let update = describe(s, show);
            (
                reply(StreamReply::Updated {
                    update: Box::new(update),
                }),
                None,
            )
        }),
        StreamRequest::Download { mode } => with_session(job, |s| {
            let text = s.replay.lane(mode).transcript();
            let suffix = match mode {
                ReplayMode::PerEvent => "event",
                ReplayMode::MicroBatch => "micro-batch",
            };
            let stem = s.name.rsplit_once('.').map_or(s.name.as_str(), |p| p.0);
            (
                reply(StreamReply::Download {
                    name: format!("{stem}-windows-{suffix}.jsonl"),
                }),
                Some(Uint8Array::from(text.as_bytes()).buffer()),
            )
        }),
    }
}

fn with_session(
    job: JobId,
    f: impl FnOnce(&mut Session) -> (FromWorker, Option<ArrayBuffer>),
) -> (FromWorker, Option<ArrayBuffer>) {
    SESSION.with(|s| match s.borrow_mut().as_mut() {
        Some(session) => f(session),
        None => (
            failed(
                job,
                "no_replay",
                "no replay is running: press Start first".into(),
            ),
            None,
        ),
    })
}

/// The loaded file's columns and the default settings.
fn open(name: &str, bytes: &[u8], options: &ImportOptions) -> Result<StreamSource, String> {
    let preview = csv::sniff_with(bytes, options).map_err(|e| format!("{name}: {e}"))?;
    let mapping = preview.dialect.resolved_mapping();
    let columns: Vec<String> = preview
        .dialect
        .columns
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let id = columns
        .iter()
        .find(|c| {
            let l = c.to_ascii_lowercase().replace([' ', '-'], "_");
            matches!(l.as_str(), "id" | "event_id" | "eventid" | "event:id")
        })
        .cloned()
        .unwrap_or_default();
    let arranged = ORIGIN.with(|o| matches!(&*o.borrow(), Origin::Arranged { .. }));
    let pick = |mapped: Option<String>, named: &str| match arranged {
        true => named.to_string(),
        false => mapped.unwrap_or_default(),
    };
    Ok(StreamSource {
        name: name.to_string(),
        note: arranged.then(|| arrival::note(name)),
        setup: ReplaySetup {
            key: pick(mapping.case, arrival::KEY),
            time: pick(mapping.timestamp, arrival::TIME),
            id,
            activity: pick(mapping.activity, arrival::ACTIVITY),
            window: "tumbling:1h".into(),
            aggs: "count,dfg".into(),
            out_of_order: "1m".into(),
            lateness: "10m".into(),
            batch: "1m".into(),
        },
        columns,
    })
}

fn mode_view(replay: &Replay, mode: ReplayMode) -> ModeView {
    let lane = replay.lane(mode);
    let st = lane.stats();
    let wm = lane.watermark();
    ModeView {
        mode,
        events: st.events,
        duplicates: st.duplicates,
        conflicts: st.conflicts,
        late: st.late,
        late_accepted: st.late_accepted,
        windows: st.windows,
        updates: st.updates,
        emits: lane.emits,
        pending: lane.pending() as u64,
        latency_mean_ms: lane.latency.mean_ms(),
        latency_max_ms: lane.latency.max_ms,
        watermark: match wm {
            i64::MIN => "none yet".into(),
            i64::MAX => "end of input".into(),
            wm => format_iso(wm),
        },
    }
}

/// The update the screen draws, as `show` sees the replay.
fn describe(s: &mut Session, show: ReplayMode) -> StreamUpdate {
    let r = &s.replay;
    let lane = r.lane(show);
    let span = live::current_span(&lane.finals);
    let mut u = StreamUpdate {
        position: r.position() as u64,
        total: r.total() as u64,
        now: format_iso(r.now()),
        finished: r.is_finished(),
        rejected: r.rejected(),
        modes: vec![
            mode_view(r, ReplayMode::PerEvent),
            mode_view(r, ReplayMode::MicroBatch),
        ],
        cli: cli_line(&s.name, &s.setup, show),
        ..StreamUpdate::default()
    };
    let mut map = String::new();
    match span {
        None => u.map_note = Some("no window has been emitted yet".into()),
        Some(span) => {
            u.window = Some(format!("[{}, {})", format_iso(span.0), format_iso(span.1)));
            for w in live::span_windows(&lane.finals, span, r.window()) {
                u.window_keys += 1;
                u.window_count += w.count;
            }
            match live::span_dfg(&lane.finals, span, r.window()) {
                None => {
                    u.map_note = Some("add `dfg` to the aggregates to draw the window's map".into())
                }
                Some(pairs) if pairs.is_empty() => {
                    u.map_note = Some("no directly-follows pair in this window".into())
                }
                Some(pairs) => map = live::dfg_svg(&pairs).0,
            }
        }
    }
    if map != s.last_map {
        s.last_map.clone_from(&map);
        if !map.is_empty() {
            u.map_svg = Some(map);
        }
    }
    let chart = live::count_chart(&live::count_series(&lane.finals, CHART_SPANS));
    if chart != s.last_chart {
        s.last_chart.clone_from(&chart);
        u.chart_svg = Some(chart);
    }
    u
}

/// `spur stream FILE ARGS…`, quoted for a POSIX shell where needed.
fn cli_line(name: &str, setup: &ReplaySetup, mode: ReplayMode) -> String {
    let quote = |a: &str| {
        if !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.,:/+=@".contains(c))
        {
            a.to_string()
        } else {
            format!("'{}'", a.replace('\'', r"'\''"))
        }
    };
    let mut line = format!("spur stream {}", quote(name));
    for a in setup.cli_args(mode) {
        line.push(' ');
        line.push_str(&quote(&a));
    }
    line
}
