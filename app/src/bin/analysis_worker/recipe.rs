//! The worker side of the process screen's recipe: replay it on the imported log with core's
//! [`replay_view`] (the very function `spur run` uses) and keep the log after its enabled
//! filters as the session's view, so the map, variants and charts show what the recipe selects.

use super::process::{failed, with_session};
use js_sys::{ArrayBuffer, Uint8Array};
use spur_app::protocol::{ErrorDto, FromWorker, JobId, LogCounts};
use spur_core::recipe::{replay_view, Recipe, RecipeError};
use std::borrow::Cow;

/// Replay `recipe`; the reply's payload is the replay's JSON. On failure the view of the last
/// good replay stays.
pub fn replay(job: JobId, recipe: &Recipe) -> (FromWorker, Option<ArrayBuffer>) {
    let reply = with_session(|session| {
        let (replay, view) = match replay_view(recipe, &session.base) {
            Ok(done) => done,
            Err(e) => {
                let reply = FromWorker::ReplayFailed {
                    job,
                    step: failing_step(&e),
                    error: ErrorDto {
                        code: "recipe".into(),
                        message: e.to_string(),
                    },
                };
                return (reply, None);
            }
        };
        let filtered = match view {
            Cow::Owned(log) => Some(log),
            Cow::Borrowed(_) => None,
        };
        session.filtered = filtered;
        let view = session.filtered.as_ref().unwrap_or(&session.base);
        let counts = LogCounts {
            cases: view.num_cases() as u64,
            events: view.num_events() as u64,
            cases_total: session.base.num_cases() as u64,
            events_total: session.base.num_events() as u64,
        };
        match serde_json::to_vec(&replay) {
            Ok(json) => (
                FromWorker::Replayed { job, counts },
                Some(Uint8Array::from(json.as_slice()).buffer()),
            ),
            Err(e) => (
                failed(job, "internal", format!("cannot encode the replay: {e}")),
                None,
            ),
        }
    });
    reply.unwrap_or_else(|| (super::process::no_log(job), None))
}

/// The id of the step an error names.
fn failing_step(e: &RecipeError) -> Option<String> {
    match e {
        RecipeError::Step { id, .. } | RecipeError::Structure { id, .. } => Some(id.clone()),
        _ => None,
    }
}
