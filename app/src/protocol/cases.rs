//! The cases table's wire contract: how many rows one page may carry. The rows themselves are
//! never JSON: they travel as the bytes of [`spur_core::cases::CasePage`] (a transferred
//! `ArrayBuffer`), and one case's timeline as UTF-8 SVG bytes.

/// Most rows the worker puts in one page, whatever the request asks (a page is ~30 bytes a row
/// plus the ids, so this bounds a reply to a few tens of kilobytes).
pub const MAX_PAGE_ROWS: u32 = 1000;
