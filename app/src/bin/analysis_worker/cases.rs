//! The worker side of the cases table (issue 6): the table of the current filtered view and the
//! ordering of the last query are kept here, so scrolling asks only for a page — sorted and
//! searched once, then sliced — and the rows go back as compact bytes
//! ([`spur_core::cases::CasePage`]), never JSON. The log itself is read through
//! [`super::process::with_view`]; the cache is keyed by the view's content fingerprint, so any
//! change of filters (or a new import) rebuilds it.

use super::process;
use js_sys::{ArrayBuffer, Uint8Array};
use spur_app::protocol::cases::MAX_PAGE_ROWS;
use spur_app::protocol::{ErrorDto, FromWorker, JobId};
use spur_core::cases::{fingerprint, CaseDetail, CaseQuery, CaseSort, CaseTable};
use spur_core::chart::timeline::case_timeline;
use spur_core::log::EventLog;
use std::cell::RefCell;

/// The cases table of one view and the ordering of the last query over it.
struct Cache {
    fingerprint: u64,
    table: CaseTable,
    order: Option<(CaseQuery, Vec<u32>)>,
}

thread_local! {
    static CACHE: RefCell<Option<Cache>> = const { RefCell::new(None) };
}

type Reply = (FromWorker, Option<ArrayBuffer>);

fn failed(job: JobId, code: &str, message: String) -> Reply {
    let error = ErrorDto {
        code: code.into(),
        message,
    };
    (FromWorker::Failed { job, error }, None)
}

fn no_log(job: JobId) -> Reply {
    (super::process::no_log(job), None)
}

/// Run `f` with the view and its (cached) table.
fn with_table(log: &EventLog, f: impl FnOnce(&mut Cache) -> Reply) -> Reply {
    let print = fingerprint(log);
    CACHE.with(|slot| {
        let mut slot = slot.borrow_mut();
        let fresh = slot.as_ref().is_some_and(|c| c.fingerprint == print);
        if !fresh {
            *slot = Some(Cache {
                fingerprint: print,
                table: CaseTable::new(log),
                order: None,
            });
        }
        match slot.as_mut() {
            Some(cache) => f(cache),
            None => failed(0, "internal", "the cases table is missing".into()),
        }
    })
}

/// One page of the cases table, its rows as the payload.
pub fn page(
    job: JobId,
    sort: CaseSort,
    descending: bool,
    search: String,
    offset: u32,
    limit: u32,
) -> Reply {
    let query = CaseQuery {
        sort,
        descending,
        search,
    };
    process::with_view(|log| {
        with_table(log, |cache| {
            if cache.order.as_ref().is_none_or(|(q, _)| *q != query) {
                let order = cache.table.order(log, &query);
                cache.order = Some((query, order));
            }
            let Some((_, order)) = cache.order.as_ref() else {
                return failed(job, "internal", "the cases ordering is missing".into());
            };
            let limit = limit.min(MAX_PAGE_ROWS) as usize;
            let page = cache.table.page(log, order, offset as usize, limit);
            let bytes = page.encode();
            let reply = FromWorker::CasePaged {
                job,
                total: order.len() as u32,
                offset,
            };
            (reply, Some(Uint8Array::from(bytes.as_slice()).buffer()))
        })
    })
    .unwrap_or_else(|| no_log(job))
}

/// Case `case` in full, its timeline SVG as the payload.
pub fn detail(job: JobId, case: &str) -> Reply {
    process::with_view(|log| {
        with_table(log, |cache| match CaseDetail::of(log, &cache.table, case) {
            Some(detail) => {
                let svg = case_timeline(&detail);
                let buf = Uint8Array::from(svg.as_bytes()).buffer();
                (FromWorker::CaseDetailed { job, detail }, Some(buf))
            }
            None => failed(
                job,
                "no_case",
                format!(
                    "case `{case}` is not in the filtered log (a filter removed it): remove \
                     filters or pick another case"
                ),
            ),
        })
    })
    .unwrap_or_else(|| no_log(job))
}
