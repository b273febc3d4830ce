//! The worker side of the process-analysis screens (issue 6): the imported log lives here, in a
//! thread-local, so that the map, variants and charts are computed from it without the UI
//! sending the file again. Each request is answered by core; only small serde structs (and the
//! map's SVG as a transferred UTF-8 buffer) go back. Imports and merges (`sources.rs`) put
//! their log here with [`install`].

use js_sys::{ArrayBuffer, Uint8Array};
use spur_app::protocol::{Charts, ErrorDto, FromWorker, JobId, ToWorker, VariantList, VariantRow};
use spur_core::log::EventLog;
use spur_core::map::{
    layout_map, process_map, readable_map, render_svg, render_svg_marked, LayoutOptions, SvgOptions,
};
use spur_core::summary::{ActivityCount, Summary};
use spur_core::{chart, mining};
use std::cell::RefCell;
use wasm_bindgen::JsValue;

use super::summary_file;

/// The imported log and the filtered view every analysis works on.
pub struct Session {
    pub base: EventLog,
    /// `None`: no filter, the view is `base`.
    pub filtered: Option<EventLog>,
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

/// Buckets of the events-over-time chart.
pub(crate) const TIME_BUCKETS: usize = 120;
const DAY_MS: i64 = 86_400_000;

/// Answer one process-analysis request; `progress` posts an intermediate message.
pub fn handle(
    request: ToWorker,
    _payload: JsValue,
    _progress: &dyn Fn(FromWorker),
) -> (FromWorker, Option<ArrayBuffer>) {
    match request {
        // A summary file answers the three panes it holds (`summary_file.rs`).
        ToWorker::Map {
            job, options, view, ..
        } if summary_file::is_open() => {
            summary_file::map(job, options.as_ref(), view).unwrap_or_else(|| (no_log(job), None))
        }
        ToWorker::Variants { job, top } if summary_file::is_open() => (
            summary_file::variants(job, top).unwrap_or_else(|| no_log(job)),
            None,
        ),
        ToWorker::Charts { job } if summary_file::is_open() => (
            summary_file::charts(job).unwrap_or_else(|| no_log(job)),
            None,
        ),
        ToWorker::Map {
            job,
            options,
            view,
            deviations,
        } => with_log(job, |log| {
            // No slider moved yet: core picks the readable first map.
            let (map, readable) = match options {
                Some(options) => (process_map(log, &options), None),
                None => {
                    let (map, readable) = readable_map(log);
                    (map, Some(readable))
                }
            };
            let layout = layout_map(&map, &LayoutOptions::default());
            let opts = SvgOptions {
                view,
                hide_edge_labels: false,
            };
            let svg = super::model::with_marks(|marks| match marks {
                Some(marks) if deviations => render_svg_marked(&map, &layout, &opts, marks),
                _ => render_svg(&map, &layout, &opts),
            });
            let buf = Uint8Array::from(svg.as_bytes()).buffer();
            let reply = FromWorker::Mapped {
                job,
                map,
                width: layout.width,
                height: layout.height,
                readable,
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
                other.job(),
                "protocol",
                "this request is not a process-analysis request".into(),
            ),
            None,
        ),
    }
}

/// Run `f` on the current session, if a log is imported.
pub fn with_session<R>(f: impl FnOnce(&mut Session) -> R) -> Option<R> {
    SESSION.with(|s| s.borrow_mut().as_mut().map(f))
}

pub fn failed(job: JobId, code: &str, message: String) -> FromWorker {
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
        None => (no_log(job), None),
    })
}

/// The answer to a request that needs the events when there are none: nothing is open, or a
/// log summary file is (it holds the map, variants and statistics only).
pub fn no_log(job: JobId) -> FromWorker {
    let message = if summary_file::is_open() {
        "the open file is a log summary (no events): cases, filters, models and recipes need \
         the log itself: open the log (or the Parquet dataset) it summarises"
    } else {
        "no log is loaded: load a file first"
    };
    failed(job, "no_log", message.into())
}

/// Make `log` the current log, unfiltered, and return its summary (imports and merges end here,
/// see `sources.rs`).
pub fn install(log: EventLog) -> Summary {
    summary_file::close();
    let summary = summary(&log);
    SESSION.with(|s| {
        *s.borrow_mut() = Some(Session {
            base: log,
            filtered: None,
        })
    });
    summary
}

/// Close the current log (a summary file was opened in its place).
pub fn uninstall() {
    SESSION.with(|s| *s.borrow_mut() = None);
}

/// `f` of the current log before any filter; `None` when no log is loaded.
pub fn with_base<R>(f: impl FnOnce(&EventLog) -> R) -> Option<R> {
    SESSION.with(|s| s.borrow().as_ref().map(|session| f(&session.base)))
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
