//! The Leads screen's sales-activity side of the worker (issue 19), the way `spur leads
//! activities` does it: the activity log is this worker's source 0 (`sources.rs`, so the Load
//! screen's preview and mapping serve it), read by core's one entry (`open`), joined to the lead
//! table the request carries, and mined with `leads::activities::mine_with_progress`, whose
//! progress is posted as it goes. The screen runs this on a worker of its own
//! (`Lane::Activities`), so Cancel (terminating a synchronous run) costs nothing else.
//!
//! [`open_in_process`] runs on the main worker: the activity log becomes the process screen's
//! log with the lead outcome as a case attribute, which its filters and comparison use.

use crate::{leads, process, sources};
use spur_app::protocol::activities::{ActivitiesMined, ActivitiesRequest, OUTCOME_ATTRIBUTE};
use spur_app::protocol::{ErrorDto, FromWorker, JobId};
use spur_core::chart::funnel::funnel_chart;
use spur_core::chart::win_rates::finding_chart;
use spur_core::import::ImportOptions;
use spur_core::leads::activities::{self, ActivityOptions};
use spur_core::leads::generate;
use spur_core::open;
use spur_core::text::pct;

/// Rejected lead-table rows listed by line (the count covers them all).
const SHOWN_REJECTED: usize = 5;
/// Least time between two mining progress messages, ms.
const PROGRESS_EVERY_MS: f64 = 50.0;

fn error(code: &str, message: String) -> ErrorDto {
    ErrorDto {
        code: code.into(),
        message,
    }
}

/// "Use the demo activity log": the synthetic CRM's activities for the demo leads of the same
/// rows and seed, exactly what `spur leads generate --rows N --seed S --activity FILE` writes.
pub fn demo(job: JobId, rows: usize, seed: u64) -> FromWorker {
    let csv = generate::activity_csv(&generate::leads(rows, seed), seed);
    let name = format!("demo-activities-{rows}-seed{seed}.csv");
    let info = sources::keep_only(&name, csv.into_bytes(), ImportOptions::default());
    FromWorker::SourcesListed {
        job,
        sources: vec![info],
        merge: None,
    }
}

/// Read source 0 and mine it against the lead table in `table` as `request` says.
pub fn mine(
    job: JobId,
    request: &ActivitiesRequest,
    table: &[u8],
    now_ms: &dyn Fn() -> f64,
    post: &dyn Fn(FromWorker),
) -> FromWorker {
    match mine_now(job, request, table, now_ms, post) {
        Ok(mined) => FromWorker::ActivitiesMined {
            job,
            mined: Box::new(mined),
        },
        Err(error) => FromWorker::Failed { job, error },
    }
}

fn mine_now(
    job: JobId,
    request: &ActivitiesRequest,
    table: &[u8],
    now_ms: &dyn Fn() -> f64,
    post: &dyn Fn(FromWorker),
) -> Result<ActivitiesMined, ErrorDto> {
    let leads_name = &request.leads_name;
    if table.is_empty() {
        return Err(error(
            "no_table",
            "no lead table loaded: use the demo leads or choose a lead table first".into(),
        ));
    }
    let leads = activities::outcomes_from_csv(table, &request.id, &request.outcome)
        .map_err(|e| error("bad_table", format!("{leads_name}: {e}")))?;
    let (name, log, notes) = sources::read_source(job, 0, &request.options, post)?;
    let opts = ActivityOptions {
        stages: request.stages.clone(),
        tz_offset_minutes: request.tz_offset_minutes,
        ..ActivityOptions::default()
    };
    let started = now_ms();
    let mut last = f64::NEG_INFINITY;
    let mut progress = |done: f64, step: &str| {
        let t = now_ms();
        if t - last >= PROGRESS_EVERY_MS || done >= 1.0 {
            last = t;
            post(FromWorker::ActivitiesProgress {
                job,
                done,
                step: step.to_string(),
            });
        }
    };
    let found = activities::mine_with_progress(&log, &leads.outcomes, &opts, &mut progress)
        .map_err(|e| error("not_mined", e.to_string()))?;
    let seconds = (now_ms() - started) / 1000.0;
    // The title `spur leads activities -o FUNNEL.svg` gives it.
    let title = format!(
        "Funnel: {} leads, win rate {}",
        found.join.analysed,
        pct(found.win_rate)
    );
    let funnel_svg = funnel_chart(&title, &found.funnel.stages);
    let finding_svgs = found
        .findings
        .iter()
        .map(|f| finding_chart(f, &found.features))
        .collect();
    let first_leads_rejected = leads
        .rejected
        .iter()
        .take(SHOWN_REJECTED)
        .map(|r| {
            let column = r
                .column
                .as_deref()
                .map(|c| format!(", column `{c}`"))
                .unwrap_or_default();
            format!("line {}{column}: {}", r.line, r.reason)
        })
        .collect();
    Ok(ActivitiesMined {
        name,
        funnel_svg,
        finding_svgs,
        notes,
        leads_rejected: leads.rejected.len(),
        first_leads_rejected,
        seconds,
        findings: found,
    })
}

/// On the main worker: `bytes` (the activity log) read with `options` as the current process
/// log, each case's [`OUTCOME_ATTRIBUTE`] set from the kept lead table.
pub fn open_in_process(
    job: JobId,
    name: &str,
    bytes: &[u8],
    options: &ImportOptions,
    outcome: &str,
    id: &str,
) -> FromWorker {
    let result = leads::table_bytes(|table| {
        activities::outcomes_from_csv(table, id, outcome)
            .map_err(|e| error("bad_table", format!("lead table: {e}")))
    })
    .and_then(|r| r);
    let leads = match result {
        Ok(l) => l,
        Err(error) => return FromWorker::Failed { job, error },
    };
    match open::open_log(name, bytes, options) {
        Ok((log, report)) => {
            let log = activities::with_outcome_attribute(log, &leads.outcomes, OUTCOME_ATTRIBUTE);
            FromWorker::Imported {
                job,
                summary: process::install(log),
                notes: report.notes(sources::NOTES_PER_SOURCE),
                report: Some(report),
                summary_file: false,
            }
        }
        Err(e) => FromWorker::Failed {
            job,
            error: error(e.code(), format!("{name}: {e}")),
        },
    }
}
