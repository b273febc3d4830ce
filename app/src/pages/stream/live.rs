//! The live half of the Stream screen: progress and counters, the two modes with their
//! latency (the toggle picks the one the map, chart and download show), the current window's
//! map and the events-per-window chart — all as the worker computed them.

use super::Shown;
use crate::protocol::stream::{ModeView, StreamUpdate};
use leptos::prelude::*;
use spur_core::stream::replay::ReplayMode;

fn latency(m: &ModeView) -> String {
    match m.latency_mean_ms {
        Some(mean) => format!(
            "latency mean {} ms, max {} ms",
            (mean * 10.0).round() / 10.0,
            m.latency_max_ms
        ),
        None => "no event answered yet".into(),
    }
}

#[component]
pub fn LiveView(shown: Shown, switch: impl Fn(ReplayMode) + Copy + 'static) -> impl IntoView {
    let u = move |f: fn(&StreamUpdate) -> String| {
        move || shown.update.with(|u| u.as_ref().map(f).unwrap_or_default())
    };
    // The counters of the mode shown.
    let m = move |f: fn(&ModeView) -> String| {
        move || {
            shown.update.with(|u| {
                let want = shown.show.get();
                u.as_ref()
                    .and_then(|u| u.modes.iter().find(|m| m.mode == want))
                    .map(f)
                    .unwrap_or_default()
            })
        }
    };
    let mode = move |which: ReplayMode, id: &'static str, label: &'static str| {
        let lat = move || {
            shown.update.with(|u| {
                u.as_ref()
                    .and_then(|u| u.modes.iter().find(|m| m.mode == which))
                    .map(|m| {
                        let pending = if which == ReplayMode::MicroBatch {
                            format!(", {} waiting in the open batch", m.pending)
                        } else {
                            String::new()
                        };
                        format!("{}; {} emissions{pending}", latency(m), m.emits)
                    })
                    .unwrap_or_default()
            })
        };
        view! {
            <label class="stream-mode">
                <input type="radio" name="stream-mode" id=id
                    prop:checked=move || shown.show.get() == which
                    on:change=move |_| switch(which) />
                <strong>{label}</strong>
                " — "
                <span id=format!("{id}-latency")>{lat}</span>
            </label>
        }
    };
    view! {
        <section class="card" id="stream-live">
            <h2>"Live"</h2>
            <p class="status" id="stream-progress">
                "row " <span id="stream-position">{u(|u| u.position.to_string())}</span>
                " of " <span id="stream-total">{u(|u| u.total.to_string())}</span>
                ", replay clock " <span id="stream-clock">{u(|u| u.now.clone())}</span>
                ", watermark " <span id="stream-watermark">{m(|m| m.watermark.clone())}</span>
                <span id="stream-state">{u(|u| if u.finished { " — finished".into() } else { String::new() })}</span>
            </p>
            <div class="stream-modes">
                {mode(ReplayMode::PerEvent, "stream-mode-event", "per event")}
                {mode(ReplayMode::MicroBatch, "stream-mode-batch", "micro-batch")}
            </div>
            <dl class="stream-counters">
                <dt>"events"</dt><dd id="stream-events">{m(|m| m.events.to_string())}</dd>
                <dt>"duplicates"</dt><dd id="stream-duplicates">{m(|m| m.duplicates.to_string())}</dd>
                <dt>"conflicts"</dt><dd id="stream-conflicts">{m(|m| m.conflicts.to_string())}</dd>
                <dt>"late"</dt><dd id="stream-late">{m(|m| m.late.to_string())}</dd>
                <dt>"late, accepted"</dt><dd id="stream-late-accepted">{m(|m| m.late_accepted.to_string())}</dd>
                <dt>"windows"</dt><dd id="stream-windows">{m(|m| m.windows.to_string())}</dd>
                <dt>"updates"</dt><dd id="stream-updates">{m(|m| m.updates.to_string())}</dd>
                <dt>"rows rejected"</dt><dd id="stream-rejected">{u(|u| u.rejected.to_string())}</dd>
            </dl>
            <p class="hint">"The same windows from the command line: "
                <code id="stream-cli">{u(|u| u.cli.clone())}</code></p>
        </section>
        <section class="card" id="stream-window">
            <h2>"Current window"</h2>
            <p class="status" id="stream-window-span">
                {u(|u| match &u.window {
                    Some(w) => format!("{w}: {} events over {} keys", u.window_count, u.window_keys),
                    None => String::new(),
                })}
            </p>
            {move || shown.map_note.get().map(|n| view! { <p class="hint" id="stream-map-note">{n}</p> })}
            <div class="stream-map" id="stream-map" inner_html=move || shown.map_svg.get()></div>
        </section>
        <section class="card" id="stream-chart-card">
            <h2>"Window aggregates"</h2>
            <div class="chart" id="stream-chart" inner_html=move || shown.chart_svg.get()></div>
        </section>
    }
}
