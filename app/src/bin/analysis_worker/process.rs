//! The worker side of the process-analysis screens (issue 6): the imported log lives here, in a
//! thread-local, so that the map, variants and charts are computed from it without the UI
//! sending the file again. Each request is answered by core; only small serde structs (and the
//! map's SVG as a transferred UTF-8 buffer) go back.

use js_sys::{ArrayBuffer, Uint8Array};
use spur_app::protocol::{
    Charts, ErrorDto, FromWorker, JobId, LogCounts, ToWorker, VariantList, VariantRow,
};
use spur_core::import::{ImportOptions, Importer};
use spur_core::log::EventLog;
use spur_core::map::{layout_map, process_map, render_svg, LayoutOptions, SvgOptions};
use spur_core::summary::{ActivityCount, Summary};
use spur_core::toolkit::filter::{self, Filter};
use spur_core::{arrow, chart, mining};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};

/// The imported log and the filtered view every analysis works on.
struct Session {
    base: EventLog,
    /// `None`: no filter, the view is `base`.
    filtered: Option<EventLog>,
}

impl Session {
    fn view(&self) -> &EventLog {
        self.filtered.as_ref().unwrap_or(&self.base)
    }
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// `f` of the current (filtered) view, `None` when no log is loaded: how the other request
/// modules (`cases`) read the log without owning it.
pub(crate) fn with_view<R>(f: impl FnOnce(&EventLog) -> R) -> Option<R> {
    SESSION.with(|s| s.borrow().as_ref().map(|session| f(session.view())))
}

/// Bytes pushed into the importer between two progress messages.
const CHUNK: usize = 1 << 20;
/// Buckets of the events-over-time chart.
const TIME_BUCKETS: usize = 120;
const DAY_MS: i64 = 86_400_000;

/// Answer one process-analysis request; `progress` posts an intermediate message.
pub fn handle(
    request: ToWorker,
    payload: JsValue,
    progress: &dyn Fn(FromWorker),
) -> (FromWorker, Option<ArrayBuffer>) {
    match request {
        ToWorker::Import { job, name } => {
            let bytes = match payload.dyn_into::<ArrayBuffer>() {
                Ok(buf) => Uint8Array::new(&buf).to_vec(),
                Err(_) => Vec::new(),
            };
            (import(job, &name, &bytes, progress), None)
        }
        ToWorker::SetFilters { job, filters } => (set_filters(job, filters), None),
        ToWorker::Map { job, options, view } => with_log(job, |log| {
            let map = process_map(log, &options);
            let layout = layout_map(&map, &LayoutOptions::default());
            let svg = render_svg(
                &map,
                &layout,
                &SvgOptions {
                    view,
                    hide_edge_labels: false,
                },
            );
            let buf = Uint8Array::from(svg.as_bytes()).buffer();
            let reply = FromWorker::Mapped {
                job,
                map,
                width: layout.width,
                height: layout.height,
            };
            (reply, Some(buf))
        }),
        ToWorker::Variants { job, top } => with_log(job, |log| {
            let list = variant_list(log, top);
            (FromWorker::VariantsListed { job, list }, None)
        }),
        ToWorker::Charts { job } => with_log(job, |log| {
            (
                FromWorker::Charted {
                    job,
                    charts: charts(log),
                },
                None,
            )
        }),
        other => (
            failed(
                other_job(&other),
                "protocol",
                "this request is not a process-analysis request".into(),
            ),
            None,
        ),
    }
}

fn other_job(request: &ToWorker) -> JobId {
    match request {
        ToWorker::Summarize { job, .. } => *job,
        _ => 0,
    }
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

fn with_log(
    job: JobId,
    f: impl FnOnce(&EventLog) -> (FromWorker, Option<ArrayBuffer>),
) -> (FromWorker, Option<ArrayBuffer>) {
    SESSION.with(|s| match s.borrow().as_ref() {
        Some(session) => f(session.view()),
        None => (
            failed(job, "no_log", "no log is loaded: load a file first".into()),
            None,
        ),
    })
}

fn import(job: JobId, name: &str, bytes: &[u8], progress: &dyn Fn(FromWorker)) -> FromWorker {
    let total_bytes = bytes.len() as u64;
    let options = ImportOptions::default();
    let head = &bytes[..bytes.len().min(16)];
    let read = match arrow::table_format(name, head) {
        Some(format) => arrow::read_table(format, bytes, &options.mapping)
            .map(|(log, report)| {
                let mut notes = Vec::new();
                if report.rejected > 0 {
                    let first = report.rejected_rows.first().map(|r| {
                        format!(
                            " (first: row {}, column `{}`: {})",
                            r.row, r.column, r.reason
                        )
                    });
                    notes.push(format!(
                        "{} rows rejected{}",
                        report.rejected,
                        first.unwrap_or_default()
                    ));
                }
                for (column, ty) in &report.skipped_columns {
                    notes.push(format!("column `{column}` ({ty}) skipped"));
                }
                (log, notes)
            })
            .map_err(|e| (e.code(), e.to_string())),
        None => {
            let mut importer = Importer::new(name, &options);
            for chunk in bytes.chunks(CHUNK) {
                let p = importer.push(chunk);
                progress(FromWorker::ImportProgress {
                    job,
                    bytes: p.bytes,
                    total_bytes,
                    events: p.events,
                });
                if p.failed {
                    break;
                }
            }
            importer
                .finish()
                .map(|(log, report)| {
                    let mut notes = Vec::new();
                    if report.rejected > 0 || report.repaired > 0 {
                        notes.push(format!(
                            "{} rows rejected, {} repaired",
                            report.rejected, report.repaired
                        ));
                        for issue in report.issues.iter().take(5) {
                            notes.push(format!("line {}: {}", issue.line, issue.message));
                        }
                    }
                    (log, notes)
                })
                .map_err(|e| (e.code(), e.to_string()))
        }
    };
    match read {
        Ok((log, notes)) => {
            progress(FromWorker::ImportProgress {
                job,
                bytes: total_bytes,
                total_bytes,
                events: log.num_events() as u64,
            });
            let summary = summary(&log);
            SESSION.with(|s| {
                *s.borrow_mut() = Some(Session {
                    base: log,
                    filtered: None,
                })
            });
            FromWorker::Imported {
                job,
                summary,
                notes,
            }
        }
        Err((code, message)) => failed(job, code, format!("{name}: {message}")),
    }
}

fn summary(log: &EventLog) -> Summary {
    Summary {
        events: log.num_events() as u64,
        cases: log.num_cases() as u64,
        activities: mining::activity_counts(log)
            .into_iter()
            .map(|(name, count)| ActivityCount { name, count })
            .collect(),
    }
}

fn set_filters(job: JobId, filters: Vec<Filter>) -> FromWorker {
    SESSION.with(|s| {
        let mut slot = s.borrow_mut();
        let Some(session) = slot.as_mut() else {
            return failed(job, "no_log", "no log is loaded: load a file first".into());
        };
        let steps = if filters.is_empty() {
            session.filtered = None;
            Vec::new()
        } else {
            match filter::apply_all(&session.base, &filters) {
                Ok((log, steps)) => {
                    session.filtered = Some(log);
                    steps
                }
                Err(e) => return failed(job, "bad_filter", e.to_string()),
            }
        };
        let view = session.view();
        FromWorker::FiltersSet {
            job,
            counts: LogCounts {
                cases: view.num_cases() as u64,
                events: view.num_events() as u64,
                cases_total: session.base.num_cases() as u64,
                events_total: session.base.num_events() as u64,
            },
            steps,
        }
    })
}

fn variant_list(log: &EventLog, top: usize) -> VariantList {
    let all = mining::variants(log);
    let cases = log.num_cases().max(1) as f64;
    VariantList {
        total_variants: all.variants.len() as u64,
        total_cases: log.num_cases() as u64,
        variants: all
            .variants
            .iter()
            .take(top)
            .map(|v| VariantRow {
                sequence: v.activities.clone(),
                count: v.count,
                share: v.count as f64 / cases,
            })
            .collect(),
        activities: all.activities,
    }
}

fn charts(log: &EventLog) -> Charts {
    let durations = mining::case_durations(log);
    let seconds: Vec<f64> = durations.per_case.iter().flatten().copied().collect();
    let activities = mining::activity_counts(log);
    Charts {
        events_over_time: mining::events_over_time(log, DAY_MS).map(|series| {
            chart::events_over_time("Events over time", &chart::rebucket(&series, TIME_BUCKETS))
        }),
        case_durations: chart::duration_histogram("Case durations", &seconds, 40),
        activities: chart::bar_chart("Activity frequencies", &activities),
        median_case_s: durations.summary.as_ref().map(|s| s.median),
        mean_case_s: durations.summary.as_ref().map(|s| s.mean),
    }
}
