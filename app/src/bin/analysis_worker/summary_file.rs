//! A log summary file opened in place of a log (issue 18): `spur stats … --summary-out S.json`,
//! written in memory or by an SQL engine over a dataset too large for a browser tab. It holds
//! the map, the variants and the statistics but no events, so only those three panes answer;
//! everything that needs the events (cases, filters, models, recipes) says so through
//! [`super::process::no_log`]. Opening a summary closes the open log and opening a log closes
//! the summary: one current "log" at a time.

use super::process::{failed, TIME_BUCKETS};
use js_sys::{ArrayBuffer, Uint8Array};
use spur_app::protocol::{Charts, FromWorker, JobId, VariantList, VariantRow};
use spur_core::chart;
use spur_core::map::{layout_map, render_svg, LayoutOptions, MapOptions, SvgOptions};
use spur_core::mining::summary_file::LogSummary;
use spur_core::summary::{ActivityCount, Summary};
use std::cell::RefCell;

thread_local! {
    static SUMMARY: RefCell<Option<LogSummary>> = const { RefCell::new(None) };
}

/// Is a summary file the current "log"?
pub fn is_open() -> bool {
    SUMMARY.with(|s| s.borrow().is_some())
}

/// Forget the summary (a log was installed).
pub fn close() {
    SUMMARY.with(|s| *s.borrow_mut() = None);
}

/// Read the summary file `name` and make it current; the reply the UI gets for an import.
pub fn open(job: JobId, name: &str, bytes: &[u8]) -> FromWorker {
    match LogSummary::from_bytes(bytes) {
        Ok(summary) => {
            let reply = FromWorker::Imported {
                job,
                summary: Summary {
                    events: summary.events,
                    cases: summary.cases,
                    activities: summary
                        .activities
                        .iter()
                        .map(|(name, count)| ActivityCount {
                            name: name.clone(),
                            count: *count,
                        })
                        .collect(),
                },
                notes: vec![format!(
                    "{name} is a log summary: the map, variants and statistics are drawn from it; \
                     cases, filters and models need the log itself"
                )],
                report: None,
                summary_file: true,
            };
            super::process::uninstall();
            SUMMARY.with(|s| *s.borrow_mut() = Some(summary));
            reply
        }
        Err(e) => failed(job, "summary", format!("{name}: {e}")),
    }
}

/// Answer a map request from the summary; `None`: no summary is open. `options: None` is the
/// readable first map, as for a log.
pub fn map(
    job: JobId,
    options: Option<&MapOptions>,
    view: spur_core::map::MapView,
) -> Option<(FromWorker, Option<ArrayBuffer>)> {
    SUMMARY.with(|s| {
        let s = s.borrow();
        let summary = s.as_ref()?;
        let (map, readable) =
            match options {
                None => {
                    let (map, readable) = summary.readable_map();
                    (map, Some(readable))
                }
                Some(o) if o.activity_share < 1.0 => return Some((
                    failed(
                        job,
                        "summary_activities",
                        "a log summary holds the map of every activity; hiding activities needs \
                         the events: open the log itself"
                            .into(),
                    ),
                    None,
                )),
                Some(o) => (summary.process_map(o.path_share), None),
            };
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
            readable,
        };
        Some((reply, Some(buf)))
    })
}

/// The `top` most frequent variants; `None`: no summary is open.
pub fn variants(job: JobId, top: usize) -> Option<FromWorker> {
    SUMMARY.with(|s| {
        let s = s.borrow();
        let summary = s.as_ref()?;
        let (activities, coded) = summary.coded_variants();
        let cases = summary.cases.max(1) as f64;
        let list = VariantList {
            total_variants: coded.len() as u64,
            total_cases: summary.cases,
            variants: coded
                .into_iter()
                .take(top)
                .map(|(sequence, count)| VariantRow {
                    sequence,
                    count,
                    share: count as f64 / cases,
                })
                .collect(),
            activities,
        };
        Some(FromWorker::VariantsListed { job, list })
    })
}

/// The statistics charts; `None`: no summary is open.
pub fn charts(job: JobId) -> Option<FromWorker> {
    SUMMARY.with(|s| {
        let s = s.borrow();
        let summary = s.as_ref()?;
        let durations = &summary.case_durations;
        let charts = Charts {
            events_over_time: summary.events_over_time.as_ref().map(|series| {
                chart::events_over_time("Events over time", &chart::rebucket(series, TIME_BUCKETS))
            }),
            case_durations: chart::binned_duration_histogram(
                "Case durations",
                durations.histogram.as_ref(),
            ),
            activities: chart::bar_chart("Activity frequencies", &summary.activities),
            median_case_s: durations.summary.as_ref().map(|s| s.median),
            mean_case_s: durations.summary.as_ref().map(|s| s.mean),
        };
        Some(FromWorker::Charted { job, charts })
    })
}
