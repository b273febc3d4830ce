//! The worker side of the Load screen: the files the user dropped (or the laundry demo made) are
//! kept here, numbered, between preview and import.
//!
//! Why the bytes stay in the worker: the UI transfers each file once (zero-copy) and then only
//! sends indices and options, so re-sniffing after every edit of the mapping costs no transfer,
//! the main thread never holds a file's bytes, and "Merge and import" reads sources already
//! here. Cancelling an import or a merge keeps them (`importing` and `merging` read in slices);
//! a Cancel that must restart the worker (an object-centric log) forgets them, and the UI then
//! asks for the files again. Every decision (sniffing, reading,
//! which column a secondary's case is, merging, exporting) is core's; this file only drives it.

use crate::process;
use js_sys::{ArrayBuffer, Uint8Array};
use spur_app::protocol::sources::{Preview, SourceFormat, SourceInfo};
use spur_app::protocol::{ErrorDto, FromWorker, JobId, ToWorker};
use spur_core::export::{self, ExportFormat};
use spur_core::import::{csv, ImportOptions};
use spur_core::log::EventLog;
use spur_core::open::{self, LogFormat, LogReport};
use spur_core::sim::laundry;
use spur_core::toolkit::merge::{sources as merge_sources, MergeOptions};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};

/// Lines of the import report shown per source.
pub(crate) const NOTES_PER_SOURCE: usize = 5;

struct Source {
    name: String,
    format: SourceFormat,
    bytes: Vec<u8>,
}

thread_local! {
    static SOURCES: RefCell<Vec<Source>> = const { RefCell::new(Vec::new()) };
}

type Reply = (FromWorker, Option<ArrayBuffer>);

/// Answer one Load-screen request (the imports are [`crate::importing`]'s, the merges
/// [`crate::merging`]'s).
pub fn handle(request: ToWorker, payload: JsValue) -> Reply {
    let bytes = || match payload.dyn_ref::<ArrayBuffer>() {
        Some(buf) => Uint8Array::new(buf).to_vec(),
        None => Vec::new(),
    };
    match request {
        ToWorker::SourcesClear { job } => {
            SOURCES.with(|s| s.borrow_mut().clear());
            (listed(job, Vec::new(), None), None)
        }
        ToWorker::SourceAdd { job, name } => {
            let bytes = bytes();
            let format = format_of(&name, &bytes);
            let options = ImportOptions::default();
            let info = SOURCES.with(|s| {
                let mut s = s.borrow_mut();
                let index = s.len();
                let info = info(index, &name, format, &bytes, options, "");
                s.push(Source {
                    name,
                    format,
                    bytes,
                });
                info
            });
            (listed(job, vec![info], None), None)
        }
        ToWorker::SourcesLaundry { job } => (laundry_demo(job), None),
        ToWorker::SourcePreview {
            job,
            index,
            options,
            entity,
        } => {
            let reply = with_source(job, index, |src| FromWorker::SourcePreviewed {
                job,
                index,
                preview: preview(
                    src.format,
                    &src.bytes,
                    &merge_sources::source_options(index, &options, &entity),
                )
                .unwrap_or_else(|| {
                    Preview::Failed(error("no_preview", "only CSV sources are previewed".into()))
                }),
            });
            (reply, None)
        }
        ToWorker::SourceBytes { job, index } => SOURCES.with(|s| match s.borrow().get(index) {
            Some(src) => (
                FromWorker::Bytes {
                    job,
                    name: src.name.clone(),
                },
                Some(Uint8Array::from(src.bytes.as_slice()).buffer()),
            ),
            None => (no_source(job, index), None),
        }),
        ToWorker::ExportCsv { job } => {
            match process::with_base(|log| export::export(log, ExportFormat::Csv)) {
                Some(Ok(csv)) => (
                    FromWorker::Bytes {
                        job,
                        name: "merged.csv".into(),
                    },
                    Some(Uint8Array::from(csv.as_slice()).buffer()),
                ),
                Some(Err(e)) => (failed(job, "export_failed", e.to_string()), None),
                None => (process::no_log(job), None),
            }
        }
        _ => (
            failed(
                0,
                "protocol",
                "this request is not a Load-screen request".into(),
            ),
            None,
        ),
    }
}

fn error(code: &str, message: String) -> ErrorDto {
    ErrorDto {
        code: code.into(),
        message,
    }
}

fn failed(job: JobId, code: &str, message: String) -> FromWorker {
    FromWorker::Failed {
        job,
        error: error(code, message),
    }
}

pub(crate) fn no_source(job: JobId, index: usize) -> FromWorker {
    failed(
        job,
        "no_source",
        format!("source {index} is not loaded (the worker was restarted?): choose the files again"),
    )
}

fn listed(job: JobId, sources: Vec<SourceInfo>, merge: Option<MergeOptions>) -> FromWorker {
    FromWorker::SourcesListed {
        job,
        sources,
        merge,
    }
}

/// Source `index`'s name, format and bytes, for the stream replay (which reads the file itself,
/// in its row order).
pub fn with_source_bytes<R>(
    index: usize,
    f: impl FnOnce(&str, SourceFormat, &[u8]) -> R,
) -> Option<R> {
    SOURCES.with(|s| {
        s.borrow()
            .get(index)
            .map(|src| f(&src.name, src.format, &src.bytes))
    })
}

fn with_source(job: JobId, index: usize, f: impl FnOnce(&Source) -> FromWorker) -> FromWorker {
    SOURCES.with(|s| match s.borrow().get(index) {
        Some(src) => f(src),
        None => no_source(job, index),
    })
}

/// Which reader a file goes to: OCEL by core's OCEL detection (never for a name that says XES),
/// else core's one detection (`open::detect`), named in the protocol's terms.
pub(crate) fn format_of(name: &str, bytes: &[u8]) -> SourceFormat {
    let head = &bytes[..bytes.len().min(512)];
    let lower = name.to_ascii_lowercase();
    let xes = lower.ends_with(".xes") || lower.ends_with(".xes.gz");
    if spur_core::mining::LogSummary::sniff(head) {
        return SourceFormat::Summary;
    }
    if !xes && spur_core::ocel::import::detect(name, bytes).is_some() {
        return SourceFormat::Ocel;
    }
    match open::detect(name, head) {
        LogFormat::Parquet => SourceFormat::Parquet,
        LogFormat::ArrowIpc => SourceFormat::ArrowIpc,
        LogFormat::Csv => SourceFormat::Csv,
        LogFormat::Xes => SourceFormat::Xes,
        LogFormat::XesGz => SourceFormat::XesGz,
        LogFormat::CsvGz => SourceFormat::CsvGz,
    }
}

fn preview(format: SourceFormat, bytes: &[u8], options: &ImportOptions) -> Option<Preview> {
    (format == SourceFormat::Csv).then(|| match csv::sniff_with(bytes, options) {
        Ok(p) => Preview::Ok(p),
        Err(e) => Preview::Failed(error(e.code(), e.to_string())),
    })
}

fn info(
    index: usize,
    name: &str,
    format: SourceFormat,
    bytes: &[u8],
    options: ImportOptions,
    entity: &str,
) -> SourceInfo {
    let effective = merge_sources::source_options(index, &options, entity);
    SourceInfo {
        index,
        name: name.to_string(),
        format,
        bytes: bytes.len() as u64,
        label: merge_sources::source_name(name).to_string(),
        preview: preview(format, bytes, &effective),
        options,
    }
}

/// Generate the laundry scenario (default config, as `spur simulate laundry`) and keep its three
/// CSVs as the sources, pre-mapped as `scripts/demo.sh` merges them.
fn laundry_demo(job: JobId) -> FromWorker {
    let data = laundry::generate(&laundry::LaundryConfig::default());
    let mut infos = Vec::new();
    let mut kept = Vec::new();
    for (k, ((name, bytes), (_, roles))) in data
        .files()
        .into_iter()
        .zip(laundry::MERGE_SOURCES)
        .enumerate()
    {
        let mut options = ImportOptions::default();
        match merge_sources::parse_roles(roles) {
            Ok(r) => merge_sources::apply_roles(&mut options.mapping, &r),
            Err(e) => return failed(job, "internal", format!("{name}: {e}")),
        }
        infos.push(info(
            k,
            name,
            SourceFormat::Csv,
            bytes,
            options,
            laundry::MERGE_ENTITY,
        ));
        kept.push(Source {
            name: name.to_string(),
            format: SourceFormat::Csv,
            bytes: bytes.to_vec(),
        });
    }
    SOURCES.with(|s| *s.borrow_mut() = kept);
    listed(
        job,
        infos,
        Some(MergeOptions {
            entity: laundry::MERGE_ENTITY.into(),
            closes: vec![laundry::MERGE_CLOSES.into()],
        }),
    )
}

/// Why a file cannot be read as an event log to merge or use (an object-centric log, a log
/// summary), if it cannot.
pub(crate) fn refusal(name: &str, format: SourceFormat) -> Option<ErrorDto> {
    match format {
        SourceFormat::Ocel => Some(error(
            "ocel_source",
            format!(
                "{name} is an object-centric log (OCEL): open it alone (not merged with other \
                 files), then flatten it on an object type"
            ),
        )),
        SourceFormat::Summary => Some(error(
            "summary_source",
            format!(
                "{name} is a log summary (no events): open it alone; merging needs the logs \
                 themselves"
            ),
        )),
        _ => None,
    }
}

/// Bytes done before this source and the total of the whole job, for progress.
#[derive(Clone, Copy)]
struct Span {
    before: u64,
    total: u64,
    events_before: u64,
}

/// Read one source with `options` through core's one entry; progress covers `span`. Errors
/// name the file.
fn read(
    job: JobId,
    name: &str,
    format: SourceFormat,
    bytes: &[u8],
    options: &ImportOptions,
    span: Span,
    progress: &dyn Fn(FromWorker),
) -> Result<(EventLog, LogReport), ErrorDto> {
    let report = |bytes: u64, events: u64| {
        progress(FromWorker::ImportProgress {
            job,
            bytes: span.before + bytes,
            total_bytes: span.total,
            events: span.events_before + events,
        })
    };
    if let Some(refused) = refusal(name, format) {
        return Err(refused);
    }
    let mut on_chunk = |p: spur_core::import::Progress| report(p.bytes, p.events);
    match open::open_log_with(name, bytes, options, &mut on_chunk) {
        Ok((log, read)) => {
            report(bytes.len() as u64, log.num_events() as u64);
            Ok((log, read))
        }
        Err(e) => Err(error(e.code(), format!("{name}: {e}"))),
    }
}

// --- for the Recommendations screen (`reco.rs`), whose worker keeps its clickstream as source 0.

/// Keep `bytes` as the only source, to be read with `options`; its info and preview.
pub fn keep_only(name: &str, bytes: Vec<u8>, options: ImportOptions) -> SourceInfo {
    let format = format_of(name, &bytes);
    let info = info(0, name, format, &bytes, options, "");
    SOURCES.with(|s| {
        *s.borrow_mut() = vec![Source {
            name: name.to_string(),
            format,
            bytes,
        }]
    });
    info
}

/// Read source `index` with `options` as a log (import progress to `progress`); the file's
/// name, the log and the import notes.
pub fn read_source(
    job: JobId,
    index: usize,
    options: &ImportOptions,
    progress: &dyn Fn(FromWorker),
) -> Result<(String, EventLog, Vec<String>), ErrorDto> {
    SOURCES.with(|s| {
        let s = s.borrow();
        let src = s.get(index).ok_or_else(|| {
            error(
                "no_source",
                format!("no file is loaded in this worker (source {index}; was it restarted?): open the demo or choose the file again"),
            )
        })?;
        let span = Span {
            before: 0,
            total: src.bytes.len() as u64,
            events_before: 0,
        };
        let (log, report) = read(
            job, &src.name, src.format, &src.bytes, options, span, progress,
        )?;
        Ok((src.name.clone(), log, report.notes(NOTES_PER_SOURCE)))
    })
}
