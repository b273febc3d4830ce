//! Typed calls for the cases table (issue 6): a page of rows, decoded from the compact bytes the
//! worker transfers (`spur_core::cases::CasePage`), and one case with its timeline SVG.

use super::{client, unexpected};
use crate::protocol::{ErrorDto, FromWorker, ToWorker};
use js_sys::{ArrayBuffer, Uint8Array};
use spur_core::cases::{CaseDetail, CasePage, CaseQuery};
use wasm_bindgen::{JsCast, JsValue};

/// A page of the cases table: `rows` start at row `offset` of `total` rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub total: u32,
    pub offset: u32,
    pub page: CasePage,
}

fn bytes(payload: &JsValue) -> Vec<u8> {
    payload
        .dyn_ref::<ArrayBuffer>()
        .map(|b| Uint8Array::new(b).to_vec())
        .unwrap_or_default()
}

/// Rows `offset..offset + limit` of the filtered log's cases under `query`.
pub async fn page(query: &CaseQuery, offset: u32, limit: u32) -> Result<Page, ErrorDto> {
    let (sort, descending, search) = (query.sort, query.descending, query.search.clone());
    let (reply, payload) = client()?
        .call_with(
            |job| ToWorker::CasePage {
                job,
                sort,
                descending,
                search,
                offset,
                limit,
            },
            None,
            None,
        )
        .await?;
    match reply {
        FromWorker::CasePaged { total, offset, .. } => {
            let page = CasePage::decode(&bytes(&payload)).map_err(|e| ErrorDto {
                code: "protocol".into(),
                message: format!("the worker sent a broken page of cases ({e}); reload the page"),
            })?;
            Ok(Page {
                total,
                offset,
                page,
            })
        }
        other => Err(unexpected(other)),
    }
}

/// Case `case` of the filtered log and its timeline SVG.
pub async fn detail(case: String) -> Result<(CaseDetail, String), ErrorDto> {
    let (reply, payload) = client()?
        .call_with(|job| ToWorker::CaseDetail { job, case }, None, None)
        .await?;
    match reply {
        FromWorker::CaseDetailed { detail, .. } => {
            let svg = String::from_utf8_lossy(&bytes(&payload)).into_owned();
            Ok((detail, svg))
        }
        other => Err(unexpected(other)),
    }
}
