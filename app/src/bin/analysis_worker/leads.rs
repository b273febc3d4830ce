//! The Leads screen's side of the worker: hold the current lead table and the last trained
//! model, and call spur-core the way `spur leads evaluate|train|score` does.
//!
//! The table's bytes stay here between messages (the UI sends them once), so choosing columns
//! costs no copies. Training runs on another instance of this worker (the Leads screen's
//! training worker, given a copy of the table by [`train_table`]) so that Cancel can terminate
//! it; the model it makes comes back here by [`use_model`], and the table, the previous model
//! and the screen's choices survive a cancelled run. Replies carry the model artifact and the ranked CSV as bytes that
//! the driver transfers as `ArrayBuffer`s.

use spur_app::protocol::leads::{
    LeadTable, LeadsScored, LeadsTrainRequest, LeadsTrained, SHOWN_REJECTED, SHOWN_SCORES,
    TRAIN_STAGES,
};
use spur_app::protocol::{ErrorDto, FromWorker, JobId};
use spur_core::leads::evaluate::{self, EvalConfig};
use spur_core::leads::leaks::{self, LeakConfig};
use spur_core::leads::ranking::{self, LeadModel, TrainConfig};
use spur_core::leads::score_table::{self, ScoredTable};
use spur_core::leads::table::{self, ColumnKind, Import, ImportConfig, Rejected, TableError};
use spur_core::leads::{csv, generate};
use spur_core::model;
use std::cell::RefCell;

/// A reply and the bytes to transfer with it.
pub type Reply = (FromWorker, Option<Vec<u8>>);

#[derive(Default)]
struct State {
    table: Option<(String, Vec<u8>)>,
    model: Option<LeadModel>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Outcome column names tried first when the user has not chosen one.
const OUTCOME_NAMES: [&str; 10] = [
    "won",
    "win",
    "outcome",
    "converted",
    "is_won",
    "deal_won",
    "closed_won",
    "success",
    "target",
    "label",
];
/// Words that mark a numeric column as the deal value.
const VALUE_WORDS: [&str; 4] = ["value", "amount", "revenue", "deal_size"];

fn failed(job: JobId, error: ErrorDto) -> Reply {
    (FromWorker::Failed { job, error }, None)
}

fn located(name: &str, e: &TableError) -> ErrorDto {
    let mut message = format!("{name}: {e}");
    if let TableError::NoRows { first: Some(r), .. } = e {
        message.push_str(&format!("; first: {}", describe(r)));
    }
    ErrorDto {
        code: e.code().into(),
        message,
    }
}

fn describe(r: &Rejected) -> String {
    let column = r
        .column
        .as_deref()
        .map(|c| format!(", column `{c}`"))
        .unwrap_or_default();
    format!("line {}{column}: {}", r.line, r.reason)
}

/// "Use demo leads": the synthetic CRM with planted effects, as the CLI's `leads generate` writes.
pub fn demo(job: JobId, rows: usize, seed: u64) -> Reply {
    let bytes = generate::leads_csv(&generate::leads(rows, seed)).into_bytes();
    open(job, format!("demo-leads-{rows}-seed{seed}.csv"), bytes)
}

/// A table the user picked: keep it and propose outcome, value and exclusions.
pub fn open(job: JobId, name: String, bytes: Vec<u8>) -> Reply {
    let reply = match propose(&name, &bytes) {
        Ok(table) => {
            STATE.with(|s| {
                let mut s = s.borrow_mut();
                s.table = Some((name, bytes));
            });
            FromWorker::LeadsInspected { job, table }
        }
        Err(error) => FromWorker::Failed { job, error },
    };
    (reply, None)
}

/// The user chose another outcome column: import the kept table with it.
pub fn inspect(job: JobId, outcome: String) -> Reply {
    let result = STATE.with(|s| match &s.borrow().table {
        Some((name, bytes)) => {
            let value = value_column(name, bytes, &outcome)?;
            inspect_with(name, bytes, &outcome, value)
        }
        None => Err(no_table()),
    });
    match result {
        Ok(table) => (FromWorker::LeadsInspected { job, table }, None),
        Err(e) => failed(job, e),
    }
}

fn no_table() -> ErrorDto {
    ErrorDto {
        code: "no_table".into(),
        message: "no lead table loaded: use the demo leads or choose a CSV file first".into(),
    }
}

/// Outcome: a conventionally named column, else the first column that reads as won/lost.
fn propose(name: &str, bytes: &[u8]) -> Result<LeadTable, ErrorDto> {
    let header = csv::parse(bytes)
        .map_err(|e| located(name, &TableError::Csv(e)))?
        .header;
    let mut candidates: Vec<&String> = OUTCOME_NAMES
        .iter()
        .filter_map(|want| header.iter().find(|h| h.eq_ignore_ascii_case(want)))
        .collect();
    let rest: Vec<&String> = header.iter().filter(|h| !candidates.contains(h)).collect();
    candidates.extend(rest);
    let mut first_error = None;
    for outcome in candidates {
        match value_column(name, bytes, outcome)
            .and_then(|value| inspect_with(name, bytes, outcome, value))
        {
            Ok(table) if table.rejected <= table.rows => return Ok(table),
            Ok(_) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| ErrorDto {
        code: "no_outcome".into(),
        message: format!(
            "{name}: no column reads as a won/lost outcome (true/false, 1/0, yes/no, won/lost)"
        ),
    }))
}

/// A numeric column named like a deal value, found by importing with `outcome` alone.
fn value_column(name: &str, bytes: &[u8], outcome: &str) -> Result<Option<String>, ErrorDto> {
    let imp = import(name, bytes, &ImportConfig::new(outcome))?;
    Ok(imp
        .columns
        .iter()
        .find(|c| {
            let lower = c.name.to_ascii_lowercase();
            c.kind == ColumnKind::Numeric && VALUE_WORDS.iter().any(|w| lower.contains(w))
        })
        .map(|c| c.name.clone()))
}

fn import(name: &str, bytes: &[u8], config: &ImportConfig) -> Result<Import, ErrorDto> {
    table::import_csv(bytes, config).map_err(|e| located(name, &e))
}

fn inspect_with(
    name: &str,
    bytes: &[u8],
    outcome: &str,
    value: Option<String>,
) -> Result<LeadTable, ErrorDto> {
    let mut config = ImportConfig::new(outcome);
    config.value = value.clone();
    let imp = import(name, bytes, &config)?;
    let prior = TrainConfig::default().tree.prior_strength;
    Ok(LeadTable {
        name: name.to_string(),
        rows: imp.dataset.rows(),
        suspected_leaks: leaks::detect(&imp.dataset, &LeakConfig::default(), prior)
            .into_iter()
            .map(|l| l.column)
            .collect(),
        columns: imp.columns,
        outcome: outcome.to_string(),
        value,
        rejected: imp.rejected.len(),
        first_rejected: imp.rejected.into_iter().take(SHOWN_REJECTED).collect(),
    })
}

/// `spur leads evaluate` then `spur leads train` on the kept table, reporting each stage.
pub fn train(
    job: JobId,
    request: &LeadsTrainRequest,
    now_ms: &dyn Fn() -> f64,
    progress: &dyn Fn(u64, u64),
) -> Reply {
    let result = STATE.with(|s| {
        let s = s.borrow();
        let (name, bytes) = s.table.as_ref().ok_or_else(no_table)?;
        let mut config = ImportConfig::new(&request.outcome);
        config.value = request.value.clone();
        config.exclude = request.exclude.clone();
        progress(0, TRAIN_STAGES);
        import(name, bytes, &config)
    });
    let imp = match result {
        Ok(imp) => imp,
        Err(e) => return failed(job, e),
    };
    progress(1, TRAIN_STAGES);
    let mut eval_config = EvalConfig {
        seed: request.seed,
        train: TrainConfig::default(),
        ..EvalConfig::default()
    };
    eval_config.train.leaks.include = request.include.clone();
    let t0 = now_ms();
    let evaluation = evaluate::evaluate(&imp.dataset, &eval_config);
    let t1 = now_ms();
    progress(2, TRAIN_STAGES);
    let m = ranking::train(&imp.dataset, &eval_config.train);
    let t2 = now_ms();
    progress(3, TRAIN_STAGES);
    let bytes = model::encode_leads(&m, t2 as i64);
    let sha256 = match model::read_header(&bytes) {
        Ok(h) => h.sha256,
        Err(e) => {
            return failed(
                job,
                ErrorDto {
                    code: e.code().into(),
                    message: format!("the new model artifact does not read back: {e}"),
                },
            )
        }
    };
    let trained = LeadsTrained {
        evaluation,
        segments: evaluate::segments(&m),
        training_rows: m.training_rows,
        rejected: imp.rejected.len(),
        artifact_bytes: bytes.len(),
        sha256,
        evaluate_seconds: (t1 - t0) / 1000.0,
        train_seconds: (t2 - t1) / 1000.0,
    };
    STATE.with(|s| s.borrow_mut().model = Some(m));
    progress(TRAIN_STAGES, TRAIN_STAGES);
    (
        FromWorker::LeadsTrained {
            job,
            trained: Box::new(trained),
        },
        Some(bytes),
    )
}

/// On the training worker: keep `bytes` as the table (the main worker inspected it already)
/// and [`train`] on it.
pub fn train_table(
    job: JobId,
    name: String,
    bytes: Vec<u8>,
    request: &LeadsTrainRequest,
    now_ms: &dyn Fn() -> f64,
    progress: &dyn Fn(u64, u64),
) -> Reply {
    STATE.with(|s| s.borrow_mut().table = Some((name, bytes)));
    train(job, request, now_ms, progress)
}

/// Score with the model of the artifact `bytes` (the training worker's) from now on.
pub fn use_model(job: JobId, bytes: &[u8]) -> Reply {
    match model::decode_leads(bytes) {
        Ok((_, m)) => {
            STATE.with(|s| s.borrow_mut().model = Some(m));
            (FromWorker::ModelKept { job }, None)
        }
        Err(e) => failed(
            job,
            ErrorDto {
                code: e.code().into(),
                message: format!("the trained model does not read back: {e}; train again"),
            },
        ),
    }
}

/// `spur leads score MODEL NEW_LEADS`: rank the CSV's leads with the last trained model.
pub fn score(job: JobId, name: String, bytes: &[u8]) -> Reply {
    let scored = STATE.with(|s| {
        let s = s.borrow();
        let m = s.model.as_ref().ok_or_else(|| ErrorDto {
            code: "no_model".into(),
            message: "no model trained yet: train one, then score new leads".into(),
        })?;
        score_csv(m, &name, bytes)
    });
    match scored {
        Ok((scored, csv)) => (FromWorker::LeadsScored { job, scored }, Some(csv)),
        Err(e) => failed(job, e),
    }
}

fn score_csv(m: &LeadModel, name: &str, bytes: &[u8]) -> Result<(LeadsScored, Vec<u8>), ErrorDto> {
    let ScoredTable {
        scores: scored,
        order,
        skipped,
    } = score_table::score_csv(m, bytes).map_err(|e| located(name, &TableError::Csv(e)))?;
    let csv = score_table::ranked_csv(&scored, &order).into_bytes();
    let top = order
        .iter()
        .take(SHOWN_SCORES)
        .map(|&i| scored[i].clone())
        .collect();
    Ok((
        LeadsScored {
            name: name.to_string(),
            rows: scored.len(),
            top,
            skipped: skipped.len(),
            first_skipped: skipped.into_iter().take(SHOWN_REJECTED).collect(),
        },
        csv,
    ))
}

/// `f` of the kept lead table's bytes, or the "no table" error.
pub fn table_bytes<R>(f: impl FnOnce(&[u8]) -> R) -> Result<R, ErrorDto> {
    STATE.with(|s| match &s.borrow().table {
        Some((_, bytes)) => Ok(f(bytes)),
        None => Err(no_table()),
    })
}

/// The kept lead table's bytes, to mine an activity log against it on the activity worker.
pub fn bytes_reply(job: JobId) -> Reply {
    STATE.with(|s| match &s.borrow().table {
        Some((name, bytes)) => (
            FromWorker::Bytes {
                job,
                name: name.clone(),
            },
            Some(bytes.clone()),
        ),
        None => failed(job, no_table()),
    })
}
