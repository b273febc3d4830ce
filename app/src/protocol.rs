//! The only serialized boundary between the UI thread and the analysis worker.
//!
//! A message is a JS array `[header, payload?]`: `header` is the JSON of [`ToWorker`] or
//! [`FromWorker`]; `payload` is an `ArrayBuffer` that is *transferred*, never copied or
//! JSON-encoded, so a 100 MB log crosses the boundary in constant time. Core's internal types
//! never cross it: only core's serde result structs do.

pub mod activities;
pub mod cases;
pub mod leads;
pub mod model;
pub mod ocel;
pub mod reco;
pub mod sources;
pub mod stream;

use activities::{ActivitiesMined, ActivitiesRequest};
use leads::{LeadTable, LeadsScored, LeadsTrainRequest, LeadsTrained};
use reco::{ClicksRead, Neighbours, RecoStage, RecoTrainRequest, RecoTrained, Tried, TrySession};
use serde::{Deserialize, Serialize};
use sources::{MergeDone, Preview, SourceInfo, SourceSpec};
use spur_core::cases::{CaseDetail, CaseSort};
use spur_core::import::ImportOptions;
use spur_core::map::{MapOptions, MapView, ProcessMap, Readable};
use spur_core::open::LogReport;
use spur_core::recipe::Recipe;
use spur_core::reco::ClickColumns;
use spur_core::summary::Summary;
use spur_core::toolkit::merge::MergeOptions;

/// Identifies one request so that replies can be matched and stale ones ignored.
pub type JobId = u32;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWorker {
    /// Generate the synthetic CRM (`leads::generate`), keep it as the current lead table and
    /// inspect it. No payload.
    LeadsDemo { job: JobId, rows: usize, seed: u64 },
    /// Keep the lead table CSV in the transferred payload as the current table and inspect it.
    LeadsOpen { job: JobId, name: String },
    /// Inspect the current lead table again with `outcome` as the outcome column.
    LeadsInspect { job: JobId, outcome: String },
    /// Evaluate on held-out leads and train the model on the current table; replies with the
    /// model artifact as the payload and reports progress.
    LeadsTrain {
        job: JobId,
        request: LeadsTrainRequest,
    },
    /// Score the CSV in the payload with the last trained model; replies with the ranked CSV as
    /// the payload.
    LeadsScore { job: JobId, name: String },
    /// The current lead table's bytes (payload of [`FromWorker::Bytes`]), to mine an activity
    /// log against it in the Leads screen's activity worker, or to train in its training one.
    LeadsTableBytes { job: JobId },
    /// On the Leads screen's training worker: keep the table in the payload (the main worker's,
    /// not inspected again) and train as `LeadsTrain` does. Cancel terminates that worker only.
    LeadsTrainTable {
        job: JobId,
        name: String,
        request: LeadsTrainRequest,
    },
    /// Score with the model artifact in the payload from now on (one the training worker made).
    /// Reply: [`FromWorker::ModelKept`].
    LeadsUseModel { job: JobId },

    // --- sales activities (issue 19), on the Leads screen's activity worker
    // (`worker_client::Lane::Activities`; its activity log is that worker's source 0, so the
    // Load screen's `SourcesClear`/`SourceAdd`/`SourcePreview`/`SourceBytes` serve it too).
    /// Generate the synthetic CRM's activity log (`leads::generate::activity_csv`, the log
    /// `spur leads generate --activity` writes for the same rows and seed) and keep it as the
    /// only source. Reply: [`FromWorker::SourcesListed`].
    ActivitiesDemo { job: JobId, rows: usize, seed: u64 },
    /// Read source 0 with `request.options` and mine it against the lead table CSV in the
    /// payload (`leads::activities::mine_with_progress`). Import progress as for `Import`, then
    /// [`FromWorker::ActivitiesProgress`]; reply: [`FromWorker::ActivitiesMined`].
    ActivitiesMine {
        job: JobId,
        request: ActivitiesRequest,
    },
    /// On the main worker: open the activity log in the payload (any format, read with
    /// `options`) as the process screen's current log, each case carrying the case attribute
    /// [`activities::OUTCOME_ATTRIBUTE`] (`won`/`lost`) from the kept lead table's `outcome`
    /// column joined by `id`. Reply: [`FromWorker::Imported`].
    ActivitiesOpen {
        job: JobId,
        name: String,
        options: ImportOptions,
        outcome: String,
        id: String,
    },

    // --- Process analysis (issue 6). The worker keeps the imported log (and its filtered view)
    // as its current log, so later requests carry only their options, never the file again.
    /// Import the log in the payload (any format) as the current log, clearing the filters;
    /// [`FromWorker::ImportProgress`] is posted while it runs.
    Import { job: JobId, name: String },
    /// Stop the running `Import` or `SourceImport` (read in slices between which the worker
    /// looks at its messages): that job fails with code `cancelled`, and the current log, its
    /// filters and the kept sources stay as they were. Reply: [`FromWorker::ImportCancelled`].
    CancelImport { job: JobId },
    /// The process map of the filtered log; the SVG comes back as the payload (UTF-8 bytes).
    /// `options`: the recipe's `map` step; `None` (the analyst has not moved a slider): the
    /// readable map core chooses (`spur_core::map::readable`), as `spur map` opens.
    /// `deviations`: draw the last conformance check's deviations on it.
    Map {
        job: JobId,
        options: Option<MapOptions>,
        view: MapView,
        #[serde(default)]
        deviations: bool,
    },
    /// The `top` most frequent variants of the filtered log.
    Variants { job: JobId, top: usize },
    /// The statistics charts of the filtered log.
    Charts { job: JobId },

    // --- recipe (issue 6 notebook): replay the process screen's recipe on the current log.
    /// Replay `recipe` on the imported log (`spur_core::recipe::replay_view`); the log after its
    /// enabled filters becomes the view the map, variants and charts use.
    Replay { job: JobId, recipe: Recipe },

    // --- sources (Load screen): files kept in the worker, previewed, imported or merged.
    /// Forget the kept sources. Reply: [`FromWorker::SourcesListed`] (empty).
    SourcesClear { job: JobId },
    /// Keep the file in the payload as the next source. Reply: [`FromWorker::SourcesListed`]
    /// with that one source (its CSV preview under the default options).
    SourceAdd { job: JobId, name: String },
    /// Generate the laundry scenario and keep its three CSVs as the sources (replacing any),
    /// with the mapping and merge options of `scripts/demo.sh`. Reply: `SourcesListed`.
    SourcesLaundry { job: JobId },
    /// Preview source `index` read with `options` (as source `index` of a merge on `entity`
    /// when `entity` is not empty). Reply: [`FromWorker::SourcePreviewed`].
    SourcePreview {
        job: JobId,
        index: usize,
        options: ImportOptions,
        entity: String,
    },
    /// Import source `index` with `options` as the current log. Progress as for `Import`;
    /// reply: [`FromWorker::Imported`].
    SourceImport {
        job: JobId,
        index: usize,
        options: ImportOptions,
    },
    /// Import every listed source with its options and merge them (the first is the primary)
    /// into the current log. Progress as for `Import`; reply: [`FromWorker::Merged`].
    SourcesMerge {
        job: JobId,
        sources: Vec<SourceSpec>,
        merge: MergeOptions,
    },
    /// The bytes of source `index` (payload of [`FromWorker::Bytes`]).
    SourceBytes { job: JobId, index: usize },
    /// The current (unfiltered) log as CSV, written by core's exporter (payload of `Bytes`).
    ExportCsv { job: JobId },

    // --- cases (issue 6): the filtered log's cases table, a page at a time, and one case.
    /// Rows `offset..offset + limit` (at most [`cases::MAX_PAGE_ROWS`]) of the cases table
    /// ordered by `sort` and kept by `search` (case id contains it, any case); the rows come
    /// back as the payload, the bytes of a [`spur_core::cases::CasePage`].
    CasePage {
        job: JobId,
        sort: CaseSort,
        descending: bool,
        search: String,
        offset: u32,
        limit: u32,
    },
    /// Case `case` (its id) of the filtered log in full; its timeline SVG comes back as the
    /// payload (UTF-8 bytes).
    CaseDetail { job: JobId, case: String },

    // --- stream replay (issue 13): see [`stream`].
    Stream {
        job: JobId,
        request: stream::StreamRequest,
    },
    // --- object-centric logs (issue 17): see [`ocel`].
    Ocel {
        job: JobId,
        request: ocel::OcelRequest,
    },
    // --- the process screen's Model card (issue 14): see [`model`].
    Model {
        job: JobId,
        request: model::ModelRequest,
    },
    // --- recommendations (issue 12). The Recommendations screen has its own worker, which
    // keeps the clickstream file as its source 0 (so the Load screen's `SourcesClear`/
    // `SourceAdd`/`SourcePreview` serve it too) and the model; reading and training run on a
    // training worker given a copy of that file, so Cancel terminates only the latter.
    /// Generate the synthetic shop (`spur_core::reco::generate`) and keep its clicks CSV as the
    /// only source, pre-mapped. Reply: [`FromWorker::SourcesListed`].
    RecoDemo {
        job: JobId,
        sessions: usize,
        items: usize,
        seed: u64,
    },
    /// Read source 0 with `options` and the shop columns as the current clickstream. Reply:
    /// [`FromWorker::RecoRead`]; import progress as for `Import`.
    RecoRead {
        job: JobId,
        options: ImportOptions,
        columns: ClickColumns,
    },
    /// Evaluate (time split) and train the model to ship; [`FromWorker::RecoProgress`] while
    /// it runs. Reply: [`FromWorker::RecoTrained`], the artifact as the payload.
    RecoTrain {
        job: JobId,
        request: RecoTrainRequest,
    },
    /// The trained model's neighbours of `item`. Reply: [`FromWorker::RecoNeighbours`].
    RecoNeighbours { job: JobId, item: String },
    /// Recommend for a session with the trained model. Reply: [`FromWorker::RecoTried`].
    RecoTry { job: JobId, session: TrySession },
    /// Answer neighbours and sessions with the artifact in the payload from now on (one the
    /// screen's training worker made). Reply: [`FromWorker::ModelKept`].
    RecoUseModel { job: JobId },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's wasm is loaded and its message handler installed; earlier messages would
    /// have been dropped, so the client queues until it sees this.
    Ready,
    Progress {
        job: JobId,
        done: u64,
        total: u64,
    },
    Failed {
        job: JobId,
        error: ErrorDto,
    },
    LeadsInspected {
        job: JobId,
        table: LeadTable,
    },
    /// Payload: the model artifact (`.spur`).
    LeadsTrained {
        job: JobId,
        trained: Box<LeadsTrained>,
    },
    /// Payload: the ranked CSV, as `spur leads score` prints it.
    LeadsScored {
        job: JobId,
        scored: LeadsScored,
    },
    /// How far mining the activity log got: `done` in 0..=1, `step` core's step name.
    ActivitiesProgress {
        job: JobId,
        done: f64,
        step: String,
    },
    ActivitiesMined {
        job: JobId,
        mined: Box<ActivitiesMined>,
    },

    // --- Process analysis (issue 6), replies to the requests of the same group.
    ImportProgress {
        job: JobId,
        bytes: u64,
        total_bytes: u64,
        events: u64,
    },
    /// `running`: an import was stopped (else none was running: it had ended already).
    ImportCancelled {
        job: JobId,
        running: bool,
    },
    Imported {
        job: JobId,
        summary: Summary,
        /// Rejected/repaired rows and skipped columns, one line per kind (first lines located):
        /// core's `LogReport::notes`, the text the Load screen shows.
        notes: Vec<String>,
        /// What opening the log read (format, counts, issues, the CSV plan), as core reports it
        /// for every shell; `None` for a log flattened from an object-centric one.
        #[serde(default)]
        report: Option<LogReport>,
        /// The file is a log summary (issue 18): only the map, variants and statistics answer.
        #[serde(default)]
        summary_file: bool,
    },
    Mapped {
        job: JobId,
        map: ProcessMap,
        /// The drawing's size in SVG units (its viewBox).
        width: f64,
        height: f64,
        /// The slider positions core chose and what they hide, when the request asked for the
        /// readable map (`options: None`).
        #[serde(default)]
        readable: Option<Readable>,
    },
    VariantsListed {
        job: JobId,
        list: VariantList,
    },
    Charted {
        job: JobId,
        charts: Charts,
    },

    // --- recipe: replies to `Replay`.
    /// The counts after the recipe's filters. Payload: every step's result, the JSON of
    /// `spur_core::recipe::Replay` as `spur run --json` prints it (UTF-8; a payload because
    /// its outputs are read back by kind, which a tagged header cannot carry).
    Replayed {
        job: JobId,
        counts: LogCounts,
    },
    /// The replay stopped at a step (`step`: its id, when the error names one); the worker's
    /// view stays that of the last good replay.
    ReplayFailed {
        job: JobId,
        step: Option<String>,
        error: ErrorDto,
    },

    // --- sources (Load screen)
    SourcesListed {
        job: JobId,
        sources: Vec<SourceInfo>,
        /// Merge options that go with these sources (the laundry demo's), if any.
        merge: Option<MergeOptions>,
    },
    SourcePreviewed {
        job: JobId,
        index: usize,
        preview: Preview,
    },
    Merged {
        job: JobId,
        summary: Summary,
        done: MergeDone,
    },
    /// Payload: the file's bytes.
    Bytes {
        job: JobId,
        name: String,
    },

    // --- cases (issue 6), replies to the requests of the same group.
    /// Payload: the page's rows. `total`: the cases the search keeps (the table's length).
    CasePaged {
        job: JobId,
        total: u32,
        offset: u32,
    },
    /// Payload: the case's timeline SVG.
    CaseDetailed {
        job: JobId,
        detail: CaseDetail,
    },

    // --- stream replay (issue 13), the reply to `Stream`.
    Streamed {
        job: JobId,
        reply: stream::StreamReply,
    },
    // --- object-centric logs (issue 17), the reply to `Ocel` (except `Flatten`: `Imported`).
    Ocel {
        job: JobId,
        reply: ocel::OcelReply,
    },
    // --- the Model card (issue 14), the reply to `Model`.
    Model {
        job: JobId,
        reply: model::ModelReply,
    },
    // --- recommendations (issue 12)
    RecoRead {
        job: JobId,
        clicks: ClicksRead,
    },
    RecoProgress {
        job: JobId,
        stage: RecoStage,
        done: u64,
        total: u64,
    },
    /// Payload: the model artifact (`.spur`).
    RecoTrained {
        job: JobId,
        trained: Box<RecoTrained>,
    },
    RecoNeighbours {
        job: JobId,
        neighbours: Neighbours,
    },
    RecoTried {
        job: JobId,
        tried: Tried,
    },
    /// The model artifact of `LeadsUseModel` / `RecoUseModel` is decoded and kept.
    ModelKept {
        job: JobId,
    },
}

/// Cases and events of the whole log and of its filtered view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LogCounts {
    pub cases: u64,
    pub events: u64,
    pub cases_total: u64,
    pub events_total: u64,
}

/// The most frequent variants; sequences are indices into `activities`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct VariantList {
    pub activities: Vec<String>,
    pub variants: Vec<VariantRow>,
    pub total_variants: u64,
    pub total_cases: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct VariantRow {
    pub sequence: Vec<u32>,
    pub count: u64,
    /// `count` over all cases of the filtered log.
    pub share: f64,
}

/// Statistics charts, each a small standalone SVG drawn by `spur_core::chart` in the worker.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Charts {
    pub events_over_time: Option<String>,
    pub case_durations: String,
    pub activities: String,
    pub median_case_s: Option<f64>,
    pub mean_case_s: Option<f64>,
}

/// An error as the UI shows it: a stable code and a sentence that says what to do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDto {
    pub code: String,
    pub message: String,
}

impl ToWorker {
    /// Every request carries its job id, so any reply to it — even "not a request this worker
    /// handles" — reaches exactly the call that sent it.
    pub fn job(&self) -> JobId {
        match self {
            ToWorker::LeadsDemo { job, .. }
            | ToWorker::LeadsOpen { job, .. }
            | ToWorker::LeadsInspect { job, .. }
            | ToWorker::LeadsTrain { job, .. }
            | ToWorker::LeadsScore { job, .. }
            | ToWorker::LeadsTableBytes { job, .. }
            | ToWorker::LeadsTrainTable { job, .. }
            | ToWorker::LeadsUseModel { job }
            | ToWorker::ActivitiesDemo { job, .. }
            | ToWorker::ActivitiesMine { job, .. }
            | ToWorker::ActivitiesOpen { job, .. }
            | ToWorker::Import { job, .. }
            | ToWorker::CancelImport { job }
            | ToWorker::Map { job, .. }
            | ToWorker::Variants { job, .. }
            | ToWorker::Charts { job, .. }
            | ToWorker::Replay { job, .. }
            | ToWorker::SourcesClear { job, .. }
            | ToWorker::SourceAdd { job, .. }
            | ToWorker::SourcesLaundry { job, .. }
            | ToWorker::SourcePreview { job, .. }
            | ToWorker::SourceImport { job, .. }
            | ToWorker::SourcesMerge { job, .. }
            | ToWorker::SourceBytes { job, .. }
            | ToWorker::ExportCsv { job, .. }
            | ToWorker::CasePage { job, .. }
            | ToWorker::CaseDetail { job, .. }
            | ToWorker::Stream { job, .. }
            | ToWorker::Ocel { job, .. }
            | ToWorker::Model { job, .. }
            | ToWorker::RecoDemo { job, .. }
            | ToWorker::RecoRead { job, .. }
            | ToWorker::RecoTrain { job, .. }
            | ToWorker::RecoNeighbours { job, .. }
            | ToWorker::RecoTry { job, .. }
            | ToWorker::RecoUseModel { job } => *job,
        }
    }
}

impl FromWorker {
    pub fn job(&self) -> Option<JobId> {
        match self {
            FromWorker::Ready => None,
            FromWorker::Progress { job, .. }
            | FromWorker::Failed { job, .. }
            | FromWorker::LeadsInspected { job, .. }
            | FromWorker::LeadsTrained { job, .. }
            | FromWorker::LeadsScored { job, .. }
            | FromWorker::ActivitiesProgress { job, .. }
            | FromWorker::ActivitiesMined { job, .. } => Some(*job),
            FromWorker::ImportProgress { job, .. }
            | FromWorker::ImportCancelled { job, .. }
            | FromWorker::Imported { job, .. }
            | FromWorker::Mapped { job, .. }
            | FromWorker::VariantsListed { job, .. }
            | FromWorker::Charted { job, .. } => Some(*job),
            // --- recipe
            FromWorker::Replayed { job, .. } | FromWorker::ReplayFailed { job, .. } => Some(*job),
            // --- sources
            FromWorker::SourcesListed { job, .. }
            | FromWorker::SourcePreviewed { job, .. }
            | FromWorker::Merged { job, .. }
            | FromWorker::Bytes { job, .. } => Some(*job),
            // --- cases
            FromWorker::CasePaged { job, .. } | FromWorker::CaseDetailed { job, .. } => Some(*job),
            // --- stream replay
            FromWorker::Streamed { job, .. } => Some(*job),
            FromWorker::Ocel { job, .. } | FromWorker::Model { job, .. } => Some(*job),
            // --- recommendations
            FromWorker::RecoRead { job, .. }
            | FromWorker::RecoProgress { job, .. }
            | FromWorker::RecoTrained { job, .. }
            | FromWorker::RecoNeighbours { job, .. }
            | FromWorker::RecoTried { job, .. }
            | FromWorker::ModelKept { job } => Some(*job),
        }
    }
}
