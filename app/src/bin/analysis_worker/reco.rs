//! The Recommendations screen's side of its worker: hold the clickstream and the model just
//! trained, and call spur-core the way `spur reco generate|evaluate|train|recommend` do.
//!
//! The screen has a worker of its own (`worker_client::Lane::Reco`) that keeps the clickstream
//! file as its source 0 (`sources.rs`, so the Load screen's preview and column mapping work on
//! it unchanged) and the model ([`use_model`]). Reading the clicks and training run on a
//! second instance (`Lane::RecoTrain`) given a copy of the file, so Cancel, which must
//! terminate a synchronous run, costs neither the shop nor the last model. "Try a session" scores
//! with the model decoded from the artifact bytes the screen downloads and ships, so what the
//! screen shows is what the CLI and the edge answer for that artifact.

use crate::sources;
use spur_app::protocol::reco::{
    ClicksRead, ItemChip, Neighbours, RecoStage, RecoTrainRequest, RecoTrained, Tried, TrySession,
    CURVE_MAX_K, SHOWN_ITEMS,
};
use spur_app::protocol::{ErrorDto, FromWorker, JobId};
use spur_core::chart::curves;
use spur_core::import::timestamp::TimestampFormat;
use spur_core::import::{ImportOptions, Mapping};
use spur_core::model::Header;
use spur_core::reco::clicks::{ClickColumns, ClickLog};
use spur_core::reco::evaluate::{self, EvalProgress};
use spur_core::reco::generate::{shop, ShopOptions};
use spur_core::reco::recommend::{recommend, BusinessRules, Request, MAX_K};
use spur_core::reco::train::TrainOptions;
use spur_core::reco::tune::Control;
use spur_core::reco::{artifact, RecoError, RecoModel};
use std::cell::{Cell, RefCell};

#[derive(Default)]
struct State {
    clicks: Option<(String, ClickLog)>,
    /// The model as the last artifact decodes, with its header.
    model: Option<(Header, RecoModel)>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Strongest neighbours listed per item.
const SHOWN_NEIGHBOURS: usize = 20;
/// Share of the sessions tested when the log has no timestamps (the last ones in file order).
const UNTIMED_TEST_SHARE: f64 = 0.1;
/// Least time between two progress messages, ms (a message per callback would flood the UI).
const PROGRESS_EVERY_MS: f64 = 100.0;

fn error(code: &str, message: String) -> ErrorDto {
    ErrorDto {
        code: code.into(),
        message,
    }
}

fn failed(job: JobId, e: ErrorDto) -> FromWorker {
    FromWorker::Failed { job, error: e }
}

fn reco_error(what: &str, e: &RecoError) -> ErrorDto {
    let advice = match e {
        RecoError::MissingColumn { .. } => "; pick the column again under \"Shop columns\"",
        RecoError::NoSessions { .. } => {
            "; check that the session column groups clicks (a session needs at least two)"
        }
        RecoError::NoTimestamps => "; map a time column, or the test split uses file order",
        _ => "",
    };
    error(e.code(), format!("{what}: {e}{advice}"))
}

fn no_clicks() -> ErrorDto {
    error(
        "no_clicks",
        "no clickstream read yet: open the demo shop or choose a file, then read its clicks".into(),
    )
}

fn no_model() -> ErrorDto {
    error("no_model", "no model trained yet: train one first".into())
}

/// The demo shop's clicks CSV mapping: session, item and epoch-second time, the shop columns
/// kept as event attributes (so detection never takes one for a role).
pub fn demo_options() -> ImportOptions {
    let mut mapping = Mapping {
        case: Some("session_id".into()),
        activity: Some("item_id".into()),
        timestamp: Some("timestamp".into()),
        event_attributes: ["customer", "event_type", "category", "price", "in_stock"]
            .map(String::from)
            .to_vec(),
        ..Mapping::default()
    };
    mapping
        .timestamp_formats
        .insert("timestamp".into(), TimestampFormat::EpochSeconds);
    ImportOptions {
        mapping,
        ..ImportOptions::default()
    }
}

/// "Open the demo shop": `spur reco generate --sessions N --items M --seed S`'s clicks.csv,
/// kept as the only source with its mapping.
pub fn demo(job: JobId, sessions: usize, items: usize, seed: u64) -> FromWorker {
    let s = shop(&ShopOptions {
        sessions,
        items,
        seed,
    });
    let name = format!("demo-shop-{sessions}-seed{seed}-clicks.csv");
    let info = sources::keep_only(&name, s.clicks_csv.into_bytes(), demo_options());
    STATE.with(|st| *st.borrow_mut() = State::default());
    FromWorker::SourcesListed {
        job,
        sources: vec![info],
        merge: None,
    }
}

/// Read source 0 with the chosen mapping and shop columns as the clickstream.
pub fn read(
    job: JobId,
    options: &ImportOptions,
    columns: &ClickColumns,
    progress: &dyn Fn(FromWorker),
) -> FromWorker {
    let (name, log, notes) = match sources::read_source(job, 0, options, progress) {
        Ok(x) => x,
        Err(e) => return failed(job, e),
    };
    let clicks = match ClickLog::from_event_log(&log, columns) {
        Ok(c) => c,
        Err(e) => return failed(job, reco_error(&name, &e)),
    };
    drop(log);
    let ends = clicks.sessions.iter().map(|s| s.end_ms);
    let days = match (ends.clone().min(), ends.max()) {
        (Some(a), Some(b)) if clicks.timed => (b - a) as f64 / 86_400_000.0,
        _ => 0.0,
    };
    let read = ClicksRead {
        name: name.clone(),
        sessions: clicks.sessions.len() as u64,
        clicks: clicks.clicks() as u64,
        items: clicks.items.len() as u64,
        timed: clicks.timed,
        days,
        with_customer: clicks
            .sessions
            .iter()
            .filter(|s| s.customer.is_some())
            .count() as u64,
        with_category: clicks.info.iter().filter(|i| i.category.is_some()).count() as u64,
        notes,
    };
    STATE.with(|st| {
        let mut st = st.borrow_mut();
        st.clicks = Some((name, clicks));
        st.model = None;
    });
    FromWorker::RecoRead { job, clicks: read }
}

/// Test sessions: the last `days` days when the log is timed, else the last tenth in file order.
fn split(log: &ClickLog, days: f64) -> Result<(ClickLog, ClickLog), RecoError> {
    if log.timed {
        return log.split_last_days(days);
    }
    let n = log.sessions.len();
    let cut = n - ((n as f64 * UNTIMED_TEST_SHARE).round() as usize).min(n);
    let mut train = log.clone();
    let mut test = log.clone();
    train.sessions.truncate(cut);
    test.sessions.drain(..cut);
    Ok((train, test))
}

/// Evaluate on a time split (HR@k / MRR@k curves against the baselines), then train the model
/// to ship on every session and encode it. `progress` gets throttled `RecoProgress` messages.
pub fn train(
    job: JobId,
    request: &RecoTrainRequest,
    now_ms: &dyn Fn() -> f64,
    progress: &dyn Fn(FromWorker),
) -> (FromWorker, Option<Vec<u8>>) {
    let last = Cell::new(f64::NEG_INFINITY);
    let report = |stage: RecoStage, done: u64, total: u64, force: bool| {
        let t = now_ms();
        if force || t - last.get() >= PROGRESS_EVERY_MS {
            last.set(t);
            progress(FromWorker::RecoProgress {
                job,
                stage,
                done,
                total,
            });
        }
    };
    let k = request.k.clamp(1, CURVE_MAX_K);
    let options = TrainOptions {
        seed: request.seed,
        k,
        ..TrainOptions::default()
    };
    let result = STATE.with(|st| {
        let st = st.borrow();
        let (name, log) = st.clicks.as_ref().ok_or_else(no_clicks)?;
        report(RecoStage::Tuning, 0, 1, true);
        let (train_log, test_log) =
            split(log, request.test_days).map_err(|e| reco_error(name, &e))?;
        let t0 = now_ms();
        let (evaluation, curve, _) =
            evaluate::evaluate(&train_log, &test_log, &options, k, CURVE_MAX_K, &mut |p| {
                match p {
                    EvalProgress::Training(t) => report(RecoStage::Tuning, t.done, t.total, false),
                    EvalProgress::Testing { done, total } => {
                        report(RecoStage::Testing, *done, *total, false)
                    }
                }
                Control::Continue
            })
            .map_err(|e| reco_error(&format!("{name} (evaluation)"), &e))?;
        drop((train_log, test_log));
        let t1 = now_ms();
        report(RecoStage::Training, 0, 1, true);
        let model = spur_core::reco::train(log, &options, &mut |p| {
            report(RecoStage::Training, p.done, p.total, false);
            Control::Continue
        })
        .map_err(|e| reco_error(&format!("{name} (training)"), &e))?;
        let t2 = now_ms();
        report(RecoStage::Writing, 0, 1, true);
        // The artifact's version stamp: wall-clock epoch ms (models only move forward on the edge).
        let created_at_ms = js_sys::Date::now() as i64;
        let bytes = artifact::encode(&model, created_at_ms);
        drop(model);
        let (header, decoded) = artifact::decode(&bytes).map_err(|e| {
            error(
                e.code(),
                format!("the new model artifact does not read back: {e}"),
            )
        })?;
        let title = if log.timed {
            format!(
                "Next-item accuracy, sessions of the last {} day(s)",
                request.test_days
            )
        } else {
            "Next-item accuracy, the last tenth of the sessions".to_string()
        };
        let trained = RecoTrained {
            chart_svg: curves::hit_rate_chart(&title, &curve, k as u32),
            evaluation,
            summary: decoded.summary(),
            sha256: header.sha256.clone(),
            artifact_bytes: bytes.len(),
            created_at_ms,
            evaluate_ms: t1 - t0,
            train_ms: t2 - t1,
            popular: decoded
                .popular
                .iter()
                .take(SHOWN_ITEMS)
                .map(|&i| ItemChip {
                    item: decoded.name(i).to_string(),
                    category: decoded.category(i).map(str::to_string),
                    events: decoded.item_events[i as usize],
                })
                .collect(),
        };
        Ok((trained, bytes, header, decoded))
    });
    match result {
        Ok((trained, bytes, header, decoded)) => {
            STATE.with(|st| st.borrow_mut().model = Some((header, decoded)));
            (
                FromWorker::RecoTrained {
                    job,
                    trained: Box::new(trained),
                },
                Some(bytes),
            )
        }
        Err(e) => (failed(job, e), None),
    }
}

/// Answer neighbours and sessions with the model of the artifact `bytes` (the training
/// worker's) from now on.
pub fn use_model(job: JobId, bytes: &[u8]) -> FromWorker {
    match artifact::decode(bytes) {
        Ok((header, decoded)) => {
            STATE.with(|st| st.borrow_mut().model = Some((header, decoded)));
            FromWorker::ModelKept { job }
        }
        Err(e) => failed(
            job,
            error(
                e.code(),
                format!("the trained model does not read back: {e}; train again"),
            ),
        ),
    }
}

/// The strongest sequential-rule neighbours of `item` in the trained model.
pub fn neighbours(job: JobId, item: &str) -> FromWorker {
    let found = STATE.with(|st| {
        let st = st.borrow();
        let (_, m) = st.model.as_ref().ok_or_else(no_model)?;
        let item = item.trim();
        let Some(code) = m.item(item) else {
            return Ok(Neighbours {
                item: item.to_string(),
                category: None,
                found: false,
                neighbours: Vec::new(),
            });
        };
        let mut list = m.neighbours(code);
        list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(Neighbours {
            item: item.to_string(),
            category: m.category(code).map(str::to_string),
            found: true,
            neighbours: list
                .into_iter()
                .take(SHOWN_NEIGHBOURS)
                .map(|(n, w)| (m.name(n).to_string(), w, m.category(n).map(str::to_string)))
                .collect(),
        })
    });
    match found {
        Ok(neighbours) => FromWorker::RecoNeighbours { job, neighbours },
        Err(e) => failed(job, e),
    }
}

/// Recommend for a session with the default business rules (what `spur reco recommend`
/// applies without flags and `/recommend` without a profile).
pub fn try_session(job: JobId, session: TrySession, now_ms: &dyn Fn() -> f64) -> FromWorker {
    let tried = STATE.with(|st| {
        let st = st.borrow();
        let (header, m) = st.model.as_ref().ok_or_else(no_model)?;
        let req = Request {
            clicks: session.clicks,
            basket: session.basket,
            k: session.k.clamp(1, MAX_K),
            profile: None,
            rules: BusinessRules::default(),
        };
        let t = now_ms();
        let recommendations = recommend(m, &req);
        Ok(Tried {
            recommendations,
            sha256: header.sha256.clone(),
            micros: (now_ms() - t) * 1000.0,
        })
    });
    match tried {
        Ok(tried) => FromWorker::RecoTried { job, tried },
        Err(e) => failed(job, e),
    }
}
