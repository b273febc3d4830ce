//! The Stream replay screen (issue 13): the loaded log replayed as a live stream through core's
//! event-time operator in the worker — file order is arrival order (event-time order for a log
//! with no row order of its own: `spur_core::stream::arrival`) — with speed, pause and
//! steps, the window settings, and both execution modes side by side.
//!
//! This screen holds settings and the latest [`StreamUpdate`] only. It paces the replay: while
//! playing it asks the worker every ~100 ms to move the replay clock by (wall time elapsed ×
//! speed), and never has two requests in flight, so the worker answers at most ~10 times a
//! second and the page never waits on it.

mod live;

use crate::latest::Latest;
use crate::protocol::stream::{StreamSource, StreamStep, StreamUpdate};
use crate::worker_client::stream as worker;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::stream::replay::{ReplayMode, ReplaySetup};

/// Pause between two clock requests while playing.
const TICK_MS: i32 = 100;
/// The speeds offered: log milliseconds per wall millisecond.
const SPEEDS: [u32; 5] = [1, 10, 100, 1_000, 10_000];

/// The settings form, one signal per field.
#[derive(Clone, Copy)]
struct Form {
    key: RwSignal<String>,
    time: RwSignal<String>,
    id: RwSignal<String>,
    activity: RwSignal<String>,
    kind: RwSignal<String>,
    size: RwSignal<String>,
    slide: RwSignal<String>,
    aggs: RwSignal<String>,
    out_of_order: RwSignal<String>,
    lateness: RwSignal<String>,
    batch: RwSignal<String>,
}

impl Form {
    fn new() -> Form {
        let s = |v: &str| RwSignal::new(v.to_string());
        Form {
            key: s(""),
            time: s(""),
            id: s(""),
            activity: s(""),
            kind: s("tumbling"),
            size: s("1h"),
            slide: s("15m"),
            aggs: s("count,dfg"),
            out_of_order: s("1m"),
            lateness: s("10m"),
            batch: s("1m"),
        }
    }

    /// Fill the form from the worker's defaults for the loaded log.
    fn fill(&self, d: &ReplaySetup) {
        self.key.set(d.key.clone());
        self.time.set(d.time.clone());
        self.id.set(d.id.clone());
        self.activity.set(d.activity.clone());
        let (kind, size) = d.window.split_once(':').unwrap_or(("tumbling", "1h"));
        self.kind.set(kind.to_string());
        self.size.set(size.to_string());
        self.aggs.set(d.aggs.clone());
        self.out_of_order.set(d.out_of_order.clone());
        self.lateness.set(d.lateness.clone());
        self.batch.set(d.batch.clone());
    }

    /// The setup in `spur stream`'s text forms (the window as `KIND:SIZE[/SLIDE]`).
    fn setup(&self) -> ReplaySetup {
        let g = |s: RwSignal<String>| s.get_untracked().trim().to_string();
        let window = match g(self.kind).as_str() {
            "sliding" => format!("sliding:{}/{}", g(self.size), g(self.slide)),
            kind => format!("{kind}:{}", g(self.size)),
        };
        ReplaySetup {
            key: g(self.key),
            time: g(self.time),
            id: g(self.id),
            activity: g(self.activity),
            window,
            aggs: g(self.aggs),
            out_of_order: g(self.out_of_order),
            lateness: g(self.lateness),
            batch: g(self.batch),
        }
    }
}

/// What the live part of the screen draws.
#[derive(Clone, Copy)]
pub struct Shown {
    pub update: RwSignal<Option<StreamUpdate>>,
    pub map_svg: RwSignal<String>,
    pub map_note: RwSignal<Option<String>>,
    pub chart_svg: RwSignal<String>,
    pub show: RwSignal<ReplayMode>,
}

impl Shown {
    /// Forget the previous replay (another log was opened: its counters no longer apply).
    fn clear(&self) {
        self.update.set(None);
        self.map_svg.set(String::new());
        self.map_note.set(None);
        self.chart_svg.set(String::new());
    }

    fn apply(&self, mut u: StreamUpdate) {
        if let Some(svg) = u.map_svg.take() {
            self.map_svg.set(svg);
        }
        if u.map_note.is_some() {
            self.map_svg.set(String::new());
        }
        self.map_note.set(u.map_note.take());
        if let Some(svg) = u.chart_svg.take() {
            self.chart_svg.set(svg);
        }
        self.update.set(Some(u));
    }
}

/// Resolve after `ms` milliseconds (a `setTimeout` promise).
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[component]
pub fn StreamPage() -> impl IntoView {
    let form = Form::new();
    let source = RwSignal::new(None::<StreamSource>);
    let shown = Shown {
        update: RwSignal::new(None),
        map_svg: RwSignal::new(String::new()),
        map_note: RwSignal::new(None),
        chart_svg: RwSignal::new(String::new()),
        show: RwSignal::new(ReplayMode::PerEvent),
    };
    let error = RwSignal::new(None::<String>);
    let playing = RwSignal::new(false);
    let speed = RwSignal::new(1_000u32);
    // A request is in flight: buttons wait (one request at a time keeps updates in order).
    let busy = RwSignal::new(false);
    // Bumped to stop a play loop.
    let generation = Latest::new();

    let stop = move || {
        generation.invalidate();
        playing.set(false);
    };
    let open = move |_| {
        error.set(None);
        spawn_local(async move {
            match worker::open().await {
                Ok(s) => {
                    stop();
                    shown.clear();
                    form.fill(&s.setup);
                    source.set(Some(s));
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let play = move || {
        let g = generation.next();
        playing.set(true);
        spawn_local(async move {
            let mut last = js_sys::Date::now();
            loop {
                sleep(TICK_MS).await;
                if !g.is_current() {
                    return;
                }
                let now = js_sys::Date::now();
                let ms = (now - last) * f64::from(speed.get_untracked());
                last = now;
                busy.set(true);
                let result =
                    worker::advance(StreamStep::Clock { ms }, shown.show.get_untracked()).await;
                busy.set(false);
                if !g.is_current() {
                    return;
                }
                match result {
                    Ok(u) => {
                        let done = u.finished;
                        shown.apply(u);
                        if done {
                            playing.set(false);
                            return;
                        }
                    }
                    Err(e) => {
                        error.set(Some(e.message));
                        playing.set(false);
                        return;
                    }
                }
            }
        });
    };
    let start = move |_| {
        stop();
        error.set(None);
        busy.set(true);
        let setup = form.setup();
        spawn_local(async move {
            let result = worker::start(setup).await;
            busy.set(false);
            match result {
                Ok(u) => {
                    shown.show.set(ReplayMode::PerEvent);
                    shown.map_svg.set(String::new());
                    shown.chart_svg.set(String::new());
                    shown.apply(u);
                    play();
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    // One request outside the play loop (a step, a redraw after a mode switch).
    let step = move |s: StreamStep| {
        stop();
        busy.set(true);
        spawn_local(async move {
            let result = worker::advance(s, shown.show.get_untracked()).await;
            busy.set(false);
            match result {
                Ok(u) => shown.apply(u),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let switch = move |m: ReplayMode| {
        shown.show.set(m);
        if !playing.get_untracked() {
            step(StreamStep::Clock { ms: 0.0 });
        }
    };
    let download = move |_| {
        let mode = shown.show.get_untracked();
        spawn_local(async move {
            match worker::download(mode).await {
                Ok((name, bytes)) => {
                    if let Err(e) = crate::download::save(&name, "application/x-ndjson", &bytes) {
                        error.set(Some(e));
                    }
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };

    let started = move || shown.update.with(Option::is_some);
    let finished = move || {
        shown
            .update
            .with(|u| u.as_ref().is_some_and(|u| u.finished))
    };
    let text = move |label: &'static str, id: &'static str, sig: RwSignal<String>| {
        view! {
            <label>
                {label}
                <input id=id type="text" size="10" prop:value=move || sig.get()
                    on:input=move |ev| sig.set(event_target_value(&ev)) />
            </label>
        }
    };
    let columns =
        move || source.with(|s| s.as_ref().map(|s| s.columns.join(", ")).unwrap_or_default());

    view! {
        <section class="card" id="stream-setup">
            <h2>"Stream replay"</h2>
            <p class="hint">
                "Replays the loaded log as a live stream: a CSV file's rows arrive in file order (any "
                "other log's events in event-time order), and "
                "spur-core's event-time operator (the one `spur stream` runs) windows them in the "
                "worker, per event and in micro-batches side by side."
            </p>
            <button id="stream-open" on:click=open>"Use the loaded log"</button>
            {move || error.get().map(|e| view! { <p class="error" id="stream-error">{e}</p> })}
            <Show when=move || source.with(Option::is_some)>
                <p class="status" id="stream-source">
                    {move || source.with(|s| s.as_ref().map(|s| s.name.clone()).unwrap_or_default())}
                    " — columns: " {columns}
                </p>
                {move || source.with(|s| s.as_ref().and_then(|s| s.note.clone()))
                    .map(|n| view! { <p class="hint" id="stream-order-note">{n}</p> })}
                <div class="stream-form">
                    {text("key ", "stream-key", form.key)}
                    {text("time ", "stream-time", form.time)}
                    {text("id ", "stream-id", form.id)}
                    {text("activity ", "stream-activity", form.activity)}
                    <label>
                        "window "
                        <select id="stream-window-kind"
                            on:change=move |ev| form.kind.set(event_target_value(&ev))>
                            {["tumbling", "sliding", "session"].map(|k| view! {
                                <option value=k selected=move || form.kind.get() == k>{k}</option>
                            })}
                        </select>
                    </label>
                    {text("size / gap ", "stream-window-size", form.size)}
                    <Show when=move || form.kind.get() == "sliding">
                        {text("slide ", "stream-window-slide", form.slide)}
                    </Show>
                    {text("aggregates ", "stream-aggs", form.aggs)}
                    {text("out-of-order ", "stream-out-of-order", form.out_of_order)}
                    {text("lateness ", "stream-lateness", form.lateness)}
                    {text("batch interval ", "stream-batch", form.batch)}
                </div>
                <div class="stream-controls">
                    <button id="stream-start" on:click=start>"Start"</button>
                    <button id="stream-pause" disabled=move || !started() || finished()
                        on:click=move |_| if playing.get_untracked() { stop() } else { play() }>
                        {move || if playing.get() { "Pause" } else { "Resume" }}
                    </button>
                    <button id="stream-step-event" disabled=move || !started() || finished() || busy.get()
                        on:click=move |_| step(StreamStep::Event)>"Step: one event"</button>
                    <button id="stream-step-batch" disabled=move || !started() || finished() || busy.get()
                        on:click=move |_| step(StreamStep::Batch)>"Step: one batch"</button>
                    <button id="stream-end" disabled=move || !started() || finished() || busy.get()
                        on:click=move |_| step(StreamStep::End)>"To the end"</button>
                    <label>
                        "speed "
                        <select id="stream-speed"
                            on:change=move |ev| {
                                if let Ok(v) = event_target_value(&ev).parse() { speed.set(v) }
                            }>
                            {SPEEDS.iter().map(|s| view! {
                                <option value=s.to_string() selected=move || speed.get() == *s>{format!("×{s}")}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <button id="stream-download" disabled=move || !started()
                        on:click=download>"Download windows (JSON lines)"</button>
                </div>
            </Show>
        </section>
        <Show when=started>
            <live::LiveView shown switch />
        </Show>
    }
}
