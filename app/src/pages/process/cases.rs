//! The cases card: every case of the filtered log in a virtually scrolled table, and one case's
//! timeline.
//!
//! 13,000 cases must scroll without freezing the page, so the DOM holds only the rows on screen
//! (plus a few above and below): a fixed-height scroller (`#cases-scroll`) contains a spacer as
//! tall as all rows, and the visible slice is drawn at its offset. Rows come from the worker a
//! page at a time as compact bytes (sorted and searched there, by core); pages are cached, fetched
//! after scrolling settles, and replies to an older query or an older filtering are dropped.
//! Clicking a row opens the case: core's timeline SVG and the event list with every attribute.

use super::ProcessCtx;
use crate::latest::Latest;
use crate::protocol::ErrorDto;
use crate::worker_client::cases::{self as worker, Page};
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::cases::{CaseDetail, CaseQuery, CaseRow, CaseSort};
use spur_core::import::timestamp::format_iso;
use spur_core::map::svg::esc;
use spur_core::map::{format_count, human_duration};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// Height of one row in px (the CSS of `#cases-scroll tr` says the same).
const ROW_H: f64 = 30.0;
/// Height of the scroller in px (CSS: `#cases-scroll`).
const VIEW_H: f64 = 420.0;
/// Rows per page asked of the worker.
const PAGE: u32 = 100;
/// Rows drawn above and below the visible ones.
const OVERSCAN: u32 = 8;
/// Pages kept; the ones farthest from the view are dropped first.
const MAX_PAGES: usize = 40;
/// Scroll positions closer together than this ask the worker once.
const SCROLL_DEBOUNCE: Duration = Duration::from_millis(40);
const SEARCH_DEBOUNCE: Duration = Duration::from_millis(200);

/// The column headers: sort key, label, whether the first click sorts descending.
const COLUMNS: [(CaseSort, &str, bool); 6] = [
    (CaseSort::Id, "case", false),
    (CaseSort::Events, "events", true),
    (CaseSort::Start, "start", false),
    (CaseSort::End, "end", false),
    (CaseSort::Duration, "duration", true),
    (CaseSort::Variant, "variant", false),
];

#[component]
pub fn CasesCard() -> impl IntoView {
    let ctx = expect_context::<ProcessCtx>();
    let query = RwSignal::new(CaseQuery::default());
    let total = RwSignal::new(None::<u32>);
    let pages = StoredValue::new(HashMap::<u32, Vec<CaseRow>>::new());
    let in_flight = StoredValue::new(HashSet::<u32>::new());
    let pages_rev = RwSignal::new(0u32);
    // Bumped for each new query or filtering; replies of an older generation are dropped.
    let generation = Latest::new();
    let scroll_top = RwSignal::new(0.0f64);
    let error = RwSignal::new(None::<ErrorDto>);
    let selected = RwSignal::new(None::<String>);
    let scroller = NodeRef::<Div>::new();
    let scroll_tick = Latest::new();
    let search_tick = Latest::new();

    // Rows [first, last) drawn: the visible ones plus the overscan.
    let range = Memo::new(move |_| {
        let total = total.get().unwrap_or(0);
        let top = scroll_top.get().max(0.0);
        let first = ((top / ROW_H).floor() as u32).saturating_sub(OVERSCAN);
        let last = (((top + VIEW_H) / ROW_H).ceil() as u32 + OVERSCAN).min(total);
        (first.min(last), last)
    });

    // Ask the worker for the pages of rows [first, last) that are neither cached nor coming.
    let fetch = move |first: u32, last: u32| {
        let q = query.get_untracked();
        let gen = generation.current();
        let wanted = first / PAGE..=last.saturating_sub(1).max(first) / PAGE;
        for p in wanted {
            let cached = pages.with_value(|m| m.contains_key(&p));
            if cached || in_flight.with_value(|s| s.contains(&p)) {
                continue;
            }
            in_flight.update_value(|s| {
                s.insert(p);
            });
            let q = q.clone();
            spawn_local(async move {
                let result = worker::page(&q, p * PAGE, PAGE).await;
                if !gen.is_current() {
                    return;
                }
                in_flight.update_value(|s| {
                    s.remove(&p);
                });
                match result {
                    Ok(Page { total: n, page, .. }) => {
                        error.set(None);
                        pages.update_value(|m| {
                            m.insert(p, page.rows);
                            evict(m, p);
                        });
                        if total.get_untracked() != Some(n) {
                            total.set(Some(n));
                        }
                        pages_rev.update(|r| *r += 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };

    // A new filtering or a new query: forget the pages, go to the top, ask again.
    Effect::new(move |_| {
        let revision = ctx.revision.get();
        query.track();
        if revision == 0 {
            return;
        }
        generation.invalidate();
        pages.update_value(HashMap::clear);
        in_flight.update_value(HashSet::clear);
        if let Some(div) = scroller.get_untracked() {
            div.set_scroll_top(0);
        }
        scroll_top.set(0.0);
        pages_rev.update(|r| *r += 1);
        fetch(0, (VIEW_H / ROW_H) as u32 + OVERSCAN);
    });

    let on_scroll = move |_| {
        let Some(div) = scroller.get_untracked() else {
            return;
        };
        scroll_top.set(f64::from(div.scroll_top()));
        let n = scroll_tick.next();
        set_timeout(
            move || {
                if n.is_current() {
                    let (first, last) = range.get_untracked();
                    fetch(first, last);
                }
            },
            SCROLL_DEBOUNCE,
        );
    };

    let on_search = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let n = search_tick.next();
        set_timeout(
            move || {
                if n.is_current() && query.with_untracked(|q| q.search != text) {
                    query.update(|q| q.search = text);
                }
            },
            SEARCH_DEBOUNCE,
        );
    };

    let headers = COLUMNS
        .iter()
        .map(|&(key, label, desc_first)| {
            let aria = move || {
                query.with(|q| match (q.sort == key, q.descending) {
                    (true, true) => "descending",
                    (true, false) => "ascending",
                    _ => "none",
                })
            };
            let arrow = move || match aria() {
                "descending" => " ▼",
                "ascending" => " ▲",
                _ => "",
            };
            let click = move |_| {
                query.update(|q| {
                    if q.sort == key {
                        q.descending = !q.descending;
                    } else {
                        q.sort = key;
                        q.descending = desc_first;
                    }
                })
            };
            view! {
                <th id=format!("cases-sort-{}", key.name()) class=format!("sortable col-{}", key.name())
                    aria-sort=aria title="sort by this column" on:click=click>
                    {label}{arrow}
                </th>
            }
        })
        .collect_view();

    // The visible slice as one HTML string (escaped by core's `esc`): a scroll step replaces
    // ~30 rows at once without building a view tree per cell; clicks are delegated to the body.
    let rows = move || {
        pages_rev.track();
        let (first, last) = range.get();
        let chosen = selected.get();
        let mut html = String::new();
        for i in first..last {
            let row = pages.with_value(|m| {
                m.get(&(i / PAGE))
                    .and_then(|rows| rows.get((i % PAGE) as usize))
                    .cloned()
            });
            match row {
                Some(r) => {
                    let id = esc(&r.id);
                    let _ = write!(
                        html,
                        r#"<tr class="case-row{sel}" data-case="{id}" data-index="{i}" data-events="{ev}" tabindex="0"><td class="col-id" title="{id}">{id}</td><td class="n">{ev}</td><td class="n">{start}</td><td class="n">{end}</td><td class="n">{dur}</td><td class="n">#{variant}</td></tr>"#,
                        sel = if chosen.as_deref() == Some(r.id.as_str()) {
                            " selected"
                        } else {
                            ""
                        },
                        ev = r.events,
                        start = r.start_ms.map(minute).unwrap_or_default(),
                        end = r.end_ms.map(minute).unwrap_or_default(),
                        dur = r
                            .duration_ms()
                            .map(|ms| human_duration(ms as f64 / 1000.0))
                            .unwrap_or_default(),
                        variant = r.variant,
                    );
                }
                None => {
                    let _ = write!(
                        html,
                        r#"<tr class="case-row loading" data-index="{i}"><td colspan="6">…</td></tr>"#
                    );
                }
            }
        }
        html
    };
    let open_row = move |target: Option<web_sys::EventTarget>| {
        let row = target
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("tr.case-row[data-case]").ok().flatten());
        if let Some(id) = row.and_then(|r| r.get_attribute("data-case")) {
            selected.set(Some(id));
        }
    };
    let on_row_click = move |ev: leptos::ev::MouseEvent| open_row(ev.target());
    let on_row_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            open_row(ev.target());
        }
    };
    let spacer_style = move || format!("height:{}px", f64::from(total.get().unwrap_or(0)) * ROW_H);
    let slice_style = move || {
        format!(
            "transform:translateY({}px)",
            f64::from(range.get().0) * ROW_H
        )
    };
    let info = move || {
        total.get().map(|n| {
            let search = query.with(|q| q.search.trim().to_string());
            let what = if search.is_empty() {
                String::new()
            } else {
                format!(" whose id contains “{search}”")
            };
            view! { <b id="cases-total">{n}</b>{format!(" case{}{what}", if n == 1 { "" } else { "s" })}" · click a row for its timeline" }
        })
    };
    let colgroup = || {
        view! {
            <colgroup>
                <col class="col-id" /><col class="col-events" /><col class="col-start" />
                <col class="col-end" /><col class="col-duration" /><col class="col-variant" />
            </colgroup>
        }
    };

    view! {
        <section class="card" id="cases">
            <h2>"Cases"</h2>
            <div class="cases-controls">
                <input id="cases-search" type="search" placeholder="search case id…"
                    aria-label="search case id" on:input=on_search />
                <span class="status" id="cases-info">{info}</span>
            </div>
            {move || error.get().map(|e| view! { <p class="error" id="cases-error">{e.message}</p> })}
            <div class="cases-head">
                <table class="cases">{colgroup()}<thead><tr>{headers}</tr></thead></table>
            </div>
            <div id="cases-scroll" node_ref=scroller on:scroll=on_scroll>
                <div class="cases-spacer" style=spacer_style>
                    <table class="cases" style=slice_style>{colgroup()}<tbody inner_html=rows on:click=on_row_click on:keydown=on_row_key></tbody></table>
                </div>
            </div>
            <CaseTimeline selected=selected />
        </section>
    }
}

/// Keep at most [`MAX_PAGES`] pages: drop those farthest from page `near`.
fn evict(pages: &mut HashMap<u32, Vec<CaseRow>>, near: u32) {
    while pages.len() > MAX_PAGES {
        let far = pages.keys().copied().max_by_key(|&p| p.abs_diff(near));
        match far {
            Some(p) => pages.remove(&p),
            None => break,
        };
    }
}

/// `2011-10-01 11:08` (UTC).
fn minute(ms: i64) -> String {
    format_iso(ms)
        .replacen('T', " ", 1)
        .chars()
        .take(16)
        .collect()
}

/// The panel of the selected case: its timeline SVG and its events with their attributes.
#[component]
fn CaseTimeline(selected: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = expect_context::<ProcessCtx>();
    let shown = RwSignal::new(None::<(CaseDetail, String)>);
    let error = RwSignal::new(None::<ErrorDto>);
    let requested = Latest::new();
    let canvas = NodeRef::<Div>::new();
    Effect::new(move |_| {
        let revision = ctx.revision.get();
        let n = requested.next();
        let Some(case) = selected.get() else {
            shown.set(None);
            return;
        };
        if revision == 0 {
            return;
        }
        // Another case: never show the previous one's timeline under this one's title.
        if shown.with_untracked(|s| s.as_ref().is_some_and(|(d, _)| d.id != case)) {
            shown.set(None);
        }
        spawn_local(async move {
            let result = worker::detail(case).await;
            if !n.is_current() {
                return;
            }
            match result {
                Ok(d) => {
                    error.set(None);
                    shown.set(Some(d));
                }
                Err(e) => {
                    shown.set(None);
                    error.set(Some(e));
                }
            }
        });
    });
    Effect::new(move |_| {
        let Some(div) = canvas.get() else { return };
        shown.with(|s| div.set_inner_html(s.as_ref().map_or("", |(_, svg)| svg.as_str())));
    });
    let events = move || {
        shown.with(|s| {
            s.as_ref().map(|(d, _)| {
                let attrs = d
                    .attributes
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join(" · ");
                let mut rows = String::new();
                for (i, e) in d.events.iter().enumerate() {
                    let wait = i
                        .checked_sub(1)
                        .and_then(|p| e.timestamp_ms?.checked_sub(d.events[p].timestamp_ms?))
                        .map(|ms| format!("+{}", human_duration(ms as f64 / 1000.0)))
                        .unwrap_or_default();
                    let other = e
                        .attributes
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let when = e
                        .timestamp_ms
                        .map(|t| format_iso(t).replacen('T', " ", 1).trim_end_matches('Z').to_string())
                        .unwrap_or_default();
                    let _ = write!(
                        rows,
                        r#"<tr class="case-event" data-activity="{a}"><td class="n">{n}</td><td class="n">{when}</td><td class="n">{wait}</td><td>{a}</td><td>{r}</td><td class="attrs">{o}</td></tr>"#,
                        n = i + 1,
                        a = esc(&e.activity),
                        r = esc(e.resource.as_deref().unwrap_or("")),
                        o = esc(&other),
                    );
                }
                view! {
                    <p class="status">{format!("{} events · variant #{}", format_count(d.events.len() as u64), d.variant)}
                        {(!attrs.is_empty()).then(|| format!(" · {attrs}"))}</p>
                    <div class="case-events-wrap">
                        <table class="case-events">
                            <thead><tr><th>"#"</th><th>"time (UTC)"</th><th>"wait"</th><th>"activity"</th><th>"resource"</th><th>"attributes"</th></tr></thead>
                            <tbody inner_html=rows></tbody>
                        </table>
                    </div>
                }
            })
        })
    };
    view! {
        <Show when=move || selected.with(Option::is_some)>
            <div id="case-timeline" data-case=move || selected.get().unwrap_or_default()>
                <div class="case-timeline-head">
                    <h3>{move || format!("Case {}", selected.get().unwrap_or_default())}</h3>
                    <button id="case-timeline-close" title="close the timeline" on:click=move |_| selected.set(None)>"×"</button>
                </div>
                {move || error.get().map(|e| view! { <p class="error" id="case-timeline-error">{e.message}</p> })}
                <div class="timeline-svg" node_ref=canvas></div>
                {events}
            </div>
        </Show>
    }
}
