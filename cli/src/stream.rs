//! `spur stream LOG …`: replay a file as a stream (its row order is the arrival order) through
//! spur-core's event-time operator (`spur_core::stream`) and print each emitted window, late
//! event and conflict as it happens, then a summary. Checkpoints (`--checkpoint FILE --every N`)
//! make a killed run resumable: the next run restores the operator and replays the rows since.

use crate::exit::{Failure, Outcome};
use anyhow::Context;
use spur_core::import::timestamp::format_iso;
use spur_core::import::ImportOptions;
use spur_core::stream::arrival;
use spur_core::stream::csv_events::{read_csv_events, CsvEventSpec, Rejection};
use spur_core::stream::jsonl;
use spur_core::stream::spec::{parse_aggs, parse_duration, parse_mode, parse_window, AggList};
use spur_core::stream::{AggValue, Emit, Event, Mode, Operator, Output, Runner, StreamConfig};
use std::fmt::Write as _;

/// `spur stream LOG`: event-time windows over a file read as a stream.
#[derive(clap::Args, Debug)]
#[command(
    long_about = "Event-time windows over a CSV read in row order (= arrival order); a log with no row \
order of its own (XES, XES.gz, Parquet, Arrow) is replayed in event-time order; its columns have \
pm4py's names, which are then the defaults of --key, --time and --activity. Times: ISO 8601 or \
epoch seconds/milliseconds. Prints one line per emitted window (revision 0 when it closes, +1 per \
update from allowed-late events), per late event and per conflict, then a summary. The arrival \
clock (for micro-batches and --idle) is the largest event time read so far."
)]
pub struct StreamArgs {
    /// The log read as a stream.
    #[arg(value_name = "LOG")]
    pub path: String,
    /// The key column (windows are per key).
    #[arg(long, value_name = "COL")]
    pub key: Option<String>,
    /// The event-time column.
    #[arg(long, value_name = "COL")]
    pub time: Option<String>,
    /// The event id column: repeated ids count once (a different payload is a conflict; the
    /// first wins).
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,
    /// The source column.
    #[arg(long, value_name = "COL")]
    pub source: Option<String>,
    /// tumbling:10m[+OFFSET] | sliding:10m/1m | session:30m.
    #[arg(long, value_name = "WINDOW")]
    pub window: Option<String>,
    /// count,sum:COL,min:COL,max:COL,mean:COL,distinct:COL,approx_distinct:COL,topk:COL:5,dfg[:COL]
    /// (default count).
    #[arg(long, value_name = "AGGS")]
    pub agg: Option<String>,
    /// The column a bare `dfg` reads (default `activity`).
    #[arg(long, value_name = "COL")]
    pub activity: Option<String>,
    /// Bounded out-of-orderness of the watermark, e.g. 30s.
    #[arg(long, value_name = "DUR")]
    pub out_of_order: Option<String>,
    /// Allowed lateness after a window closes, e.g. 5m.
    #[arg(long, value_name = "DUR")]
    pub lateness: Option<String>,
    /// Close a key's windows after this much arrival time without events.
    #[arg(long, value_name = "DUR")]
    pub idle: Option<String>,
    /// How long ids are remembered for de-duplication.
    #[arg(long, value_name = "DUR")]
    pub dedup_horizon: Option<String>,
    /// event | micro-batch:1s.
    #[arg(long, value_name = "MODE")]
    pub mode: Option<String>,
    /// Write a checkpoint every --every rows; if FILE exists, resume from it.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<String>,
    /// Rows between checkpoints.
    #[arg(long, value_name = "N")]
    pub every: Option<String>,
    /// Stop after N rows (to test resuming).
    #[arg(long, value_name = "N", hide = true)]
    pub stop_after: Option<String>,
    /// Print JSON lines.
    #[arg(long)]
    pub json: bool,
}

struct Args {
    path: String,
    spec: CsvEventSpec,
    labels: Vec<String>,
    config: StreamConfig,
    mode: Mode,
    checkpoint: Option<(String, u64)>,
    stop_after: Option<u64>,
    json: bool,
}

fn parse_args(a: StreamArgs) -> Result<Args, String> {
    let mut opts: std::collections::BTreeMap<&str, String> = Default::default();
    for (k, v) in [
        ("--key", a.key),
        ("--time", a.time),
        ("--id", a.id),
        ("--source", a.source),
        ("--window", a.window),
        ("--agg", a.agg),
        ("--activity", a.activity),
        ("--out-of-order", a.out_of_order),
        ("--lateness", a.lateness),
        ("--idle", a.idle),
        ("--dedup-horizon", a.dedup_horizon),
        ("--mode", a.mode),
        ("--checkpoint", a.checkpoint),
        ("--every", a.every),
        ("--stop-after", a.stop_after),
    ] {
        if let Some(v) = v {
            opts.insert(k, v);
        }
    }
    let (json, path) = (a.json, &a.path);
    // A log replayed in event-time order has pm4py's column names: they are the defaults.
    if !arrival::has_row_order(path, &file_head(path)) {
        for (k, v) in [
            ("--key", arrival::KEY),
            ("--time", arrival::TIME),
            ("--activity", arrival::ACTIVITY),
        ] {
            opts.entry(k).or_insert_with(|| v.into());
        }
    }
    let need = |k: &str| {
        opts.get(k)
            .cloned()
            .ok_or_else(|| format!("{k} is required"))
    };
    let window = parse_window(&need("--window")?)?;
    let activity = opts
        .get("--activity")
        .cloned()
        .unwrap_or_else(|| "activity".into());
    let AggList {
        labels,
        fields,
        aggs,
    } = parse_aggs(opts.get("--agg").map_or("count", String::as_str), &activity)?;
    let dur = |k: &str| {
        opts.get(k)
            .map(|v| parse_duration(v).map_err(|e| format!("{k}: {e}")))
            .transpose()
    };
    let mut config = StreamConfig::new(window, fields.clone(), aggs);
    config.out_of_orderness = dur("--out-of-order")?.unwrap_or(0);
    config.lateness = dur("--lateness")?.unwrap_or(0);
    config.idle_timeout = dur("--idle")?;
    config.dedup_horizon = dur("--dedup-horizon")?;
    config.validate()?;
    let mode = parse_mode(opts.get("--mode").map_or("event", String::as_str))?;
    let num = |k: &str| {
        opts.get(k)
            .map(|v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(format!("{k} takes a positive number, got `{v}`"))
            })
            .transpose()
    };
    let checkpoint = match (opts.get("--checkpoint"), num("--every")?) {
        (Some(f), Some(n)) => Some((f.clone(), n)),
        (None, None) => None,
        _ => return Err("--checkpoint FILE and --every N go together".into()),
    };
    Ok(Args {
        path: path.clone(),
        spec: CsvEventSpec {
            key: need("--key")?,
            time: need("--time")?,
            id: opts.get("--id").cloned(),
            source: opts.get("--source").cloned(),
            fields,
            max_record_bytes: 0,
        },
        labels,
        config,
        mode,
        checkpoint,
        stop_after: num("--stop-after")?,
        json,
    })
}

/// What a checkpoint file holds besides the operator: where the replay resumes.
struct Resume {
    rows: u64,
    clock: i64,
    rejected: u64,
}

const CKPT_MAGIC: &[u8; 8] = b"SPURCKPT";

fn write_checkpoint(path: &str, r: &Resume, op: &Operator) -> anyhow::Result<()> {
    let mut b = Vec::new();
    b.extend_from_slice(CKPT_MAGIC);
    b.extend_from_slice(&r.rows.to_le_bytes());
    b.extend_from_slice(&r.clock.to_le_bytes());
    b.extend_from_slice(&r.rejected.to_le_bytes());
    b.extend_from_slice(&op.snapshot());
    let tmp = format!("{path}.tmp");
    std::fs::write(&tmp, &b).with_context(|| format!("cannot write {tmp}"))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {path}"))?;
    Ok(())
}

fn read_checkpoint(bytes: &[u8]) -> Result<(Resume, Operator), String> {
    let word = |i: usize| -> Option<[u8; 8]> { bytes.get(8 + 8 * i..16 + 8 * i)?.try_into().ok() };
    let (Some(rows), Some(clock), Some(rejected)) = (word(0), word(1), word(2)) else {
        return Err("not a spur stream checkpoint".into());
    };
    if &bytes[..8] != CKPT_MAGIC {
        return Err("not a spur stream checkpoint".into());
    }
    let op = Operator::restore(&bytes[32..]).map_err(|e| e.to_string())?;
    Ok((
        Resume {
            rows: u64::from_le_bytes(rows),
            clock: i64::from_le_bytes(clock),
            rejected: u64::from_le_bytes(rejected),
        },
        op,
    ))
}

fn agg_text(v: &AggValue) -> String {
    match v {
        AggValue::Count(n) => n.to_string(),
        AggValue::Number(Some(x)) => x.to_string(),
        AggValue::Number(None) => "-".into(),
        AggValue::TopK(l) => l
            .iter()
            .map(|(v, c)| format!("{v}×{c}"))
            .collect::<Vec<_>>()
            .join(" "),
        AggValue::Dfg(l) => l
            .iter()
            .map(|(a, b, c)| format!("{a}->{b}×{c}"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Print one poll's output as JSON lines (core's formatter, shared with the browser's replay
/// screen) or text.
fn print_output(out: &Output, labels: &[String], json: bool, buf: &mut String) {
    if json {
        jsonl::write_output(out, labels, buf);
        return;
    }
    for l in &out.late {
        let _ = writeln!(
            buf,
            "late {} {} at {}: {}",
            l.key,
            l.id.as_deref().unwrap_or("-"),
            format_iso(l.time),
            l.reason.as_str()
        );
    }
    for c in &out.conflicts {
        let _ = writeln!(
            buf,
            "conflict {} {} at {}: same id, other content (first kept)",
            c.key,
            c.id,
            format_iso(c.time)
        );
    }
    for w in &out.windows {
        let mut line = format!(
            "{} [{}, {}) rev {}: count={}",
            w.key,
            format_iso(w.start),
            format_iso(w.end),
            w.revision,
            w.count
        );
        for (label, v) in labels.iter().zip(&w.aggs) {
            if label != "count" {
                let _ = write!(line, " {label}={}", agg_text(v));
            }
        }
        let _ = writeln!(buf, "{line}");
    }
}

/// The first bytes of `path` for format detection (empty if unreadable: reading it later says why).
fn file_head(path: &str) -> Vec<u8> {
    use std::io::Read as _;
    let mut head = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(4096).read_to_end(&mut head);
    }
    head
}

pub fn run(args: StreamArgs) -> Outcome {
    let a = parse_args(args).map_err(Failure::usage)?;
    let mut bytes = std::fs::read(&a.path).with_context(|| format!("cannot read {}", a.path))?;
    if !arrival::has_row_order(&a.path, &bytes[..bytes.len().min(4096)]) {
        match crate::convert::read_log(&a.path, &bytes, &ImportOptions::default()) {
            Ok(read) => {
                for n in &read.notes {
                    eprintln!("spur: {}: {n}", a.path);
                }
                eprintln!("spur: {}", arrival::note(&a.path));
                bytes = arrival::in_event_time_order(&read.log);
            }
            Err(e) => {
                return Err(Failure::refused(format!("{}: {e}", a.path)));
            }
        }
    }
    let mut resume = Resume {
        rows: 0,
        clock: i64::MIN,
        rejected: 0,
    };
    let mut op = Operator::new(a.config.clone()).map_err(anyhow::Error::msg)?;
    if let Some((file, _)) = &a.checkpoint {
        if let Ok(ck) = std::fs::read(file) {
            match read_checkpoint(&ck) {
                Ok((r, restored)) if restored.config() == &a.config => {
                    resume = r;
                    op = restored;
                }
                Ok(_) => {
                    return Err(Failure::refused(format!(
                        "{file}: the checkpoint was made with other settings"
                    )));
                }
                Err(e) => {
                    return Err(Failure::refused(format!("{file}: {e}")));
                }
            }
        }
    }
    let mut runner = Runner::new(op, a.mode).map_err(anyhow::Error::msg)?;
    let mut out = String::new();
    let stdout = std::io::stdout();
    let flush = |buf: &mut String| {
        use std::io::Write as _;
        let _ = stdout.lock().write_all(buf.as_bytes());
        buf.clear();
    };
    let mut row = 0u64;
    let mut stopped = false;
    let mut ckpt_due = false;
    let mut failure: Option<anyhow::Error> = None;
    let read = read_csv_events(&bytes, &a.spec, |r: Result<(u64, Event), Rejection>| {
        if stopped || failure.is_some() {
            return;
        }
        row += 1;
        if row <= resume.rows {
            return;
        }
        if a.stop_after.is_some_and(|n| row > n) {
            stopped = true;
            return;
        }
        let mut emitted: Option<Emit> = None;
        match r {
            Ok((_, ev)) => {
                resume.clock = resume.clock.max(ev.time);
                emitted = runner.offer(resume.clock, ev);
            }
            Err(rej) => {
                resume.rejected += 1;
                if a.json {
                    jsonl::write_rejected(rej.line, rej.field.as_deref(), &rej.reason, &mut out);
                } else {
                    let _ = writeln!(
                        out,
                        "rejected line {}{}: {}",
                        rej.line,
                        rej.field.map(|f| format!(", {f}")).unwrap_or_default(),
                        rej.reason
                    );
                }
            }
        }
        if let Some(e) = &emitted {
            print_output(&e.output, &a.labels, a.json, &mut out);
        }
        if out.len() > 1 << 16 {
            flush(&mut out);
        }
        if let Some((file, every)) = &a.checkpoint {
            ckpt_due |= row.is_multiple_of(*every);
            // Per event: every row is in the operator. Micro-batch: only right after a batch
            // closed, when the one pending event is this row (it is replayed on resume).
            let position = match a.mode {
                Mode::PerEvent => Some(row),
                Mode::MicroBatch { .. } if emitted.is_some() && runner.pending() == 1 => {
                    Some(row - 1)
                }
                Mode::MicroBatch { .. } => None,
            };
            if let (true, Some(rows)) = (ckpt_due, position) {
                let r = Resume {
                    rows,
                    clock: resume.clock,
                    rejected: resume.rejected,
                };
                if let Err(e) = write_checkpoint(file, &r, &runner.op) {
                    failure = Some(e);
                }
                ckpt_due = false;
            }
        }
    });
    if let Some(e) = failure {
        return Err(e.into());
    }
    if let Err(e) = read {
        flush(&mut out);
        return Err(Failure::refused(format!("{}: {e}", a.path)));
    }
    if stopped {
        flush(&mut out);
        return Ok(());
    }
    for e in runner.finish() {
        print_output(&e.output, &a.labels, a.json, &mut out);
    }
    let s = runner.op.stats();
    if a.json {
        jsonl::write_summary(&s, resume.rejected, &mut out);
    } else {
        let _ = writeln!(
            out,
            "summary: {} events, {} duplicates ({} conflicts), {} late, {} windows, {} updates, {} rows rejected",
            s.events, s.duplicates, s.conflicts, s.late, s.windows, s.updates, resume.rejected
        );
    }
    flush(&mut out);
    Ok(())
}
