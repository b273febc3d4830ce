//! The process map card: the worker's SVG shown inline, with sliders for the activities and
//! paths shown (debounced, re-rendered in the worker), the view (frequency / mean / median /
//! total), zoom and pan (`components::zoom`: wheel, drag, +/−/fit and keys), click-to-filter on an
//! activity or a path, and SVG/PNG export.
//!
//! Until the analyst moves a slider the map is the readable one core chooses
//! (`spur_core::map::readable`: every activity, at most about 2 paths per node, each activity's
//! strongest paths kept), chosen again whenever the filtered log changes, and the card says what
//! it hides. A slider move writes the recipe's `map` step with both shares exactly (the untouched
//! slider keeps core's share, not its rounded percentage), so `spur run` replays the map shown;
//! "readable" deletes the step again.

use super::ProcessCtx;
use crate::components::download;
use crate::components::zoom::Zoom;
use crate::latest::Latest;
use crate::protocol::ErrorDto;
use crate::worker_client::process::{self as worker, DrawnMap};
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::chart::view_box::ZOOM_STEP;
use spur_core::map::{MapOptions, MapView, NodeKind, ProcessMap};
use spur_core::recipe::Op;
use spur_core::toolkit::filter::Filter;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Slider moves closer together than this are sent as one request.
const DEBOUNCE: Duration = Duration::from_millis(180);
/// The id of the recipe step holding the map's sliders.
const MAP_STEP: &str = "map";

#[component]
pub fn MapCard() -> impl IntoView {
    let ctx = expect_context::<ProcessCtx>();
    // Exact shares in `0..=1`; the sliders show them as whole percentages.
    let activities = RwSignal::new(1.0f64);
    let paths = RwSignal::new(1.0f64);
    let view_kind = RwSignal::new(MapView::Frequency);
    let drawn = RwSignal::new(None::<DrawnMap>);
    let error = RwSignal::new(None::<ErrorDto>);
    let busy = RwSignal::new(false);
    let canvas = NodeRef::<Div>::new();
    let zoom = Zoom::new(canvas);
    let requested = Latest::new();
    let debounce = Latest::new();
    // A slider moved and its step is not saved yet: a readable reply must not move it back.
    let moving = StoredValue::new(false);

    // The sliders are the recipe's enabled `map` step, so an exported recipe replays the map
    // shown; no such step: the readable map.
    let options = Memo::new(move |_| {
        ctx.recipe.with(|r| {
            r.steps
                .iter()
                .filter(|s| s.enabled && s.id == MAP_STEP)
                .find_map(|s| match &s.op {
                    Op::Map { options } => Some(*options),
                    _ => None,
                })
        })
    });
    // A restored or imported recipe moves the sliders.
    Effect::new(move |_| {
        if let Some(o) = options.get() {
            activities.set(o.activity_share);
            paths.set(o.path_share);
        }
    });

    // Ask the worker for the map when the filtered log, the sliders or the view change.
    Effect::new(move |_| {
        let revision = ctx.revision.get();
        let options = options.get();
        let view = view_kind.get();
        let deviations = ctx.deviations.get();
        if revision == 0 {
            return;
        }
        let n = requested.next();
        busy.set(true);
        spawn_local(async move {
            let result = worker::map(options, view, deviations).await;
            if !n.is_current() {
                return;
            }
            busy.set(false);
            match result {
                Ok(d) => {
                    error.set(None);
                    if let Some(r) = d.readable.as_ref().filter(|_| !moving.get_value()) {
                        activities.set(r.options.activity_share);
                        paths.set(r.options.path_share);
                    }
                    drawn.set(Some(d));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });

    // Put a new drawing into the page and fit it.
    Effect::new(move |_| {
        let Some(div) = canvas.get() else { return };
        drawn.with(|d| {
            let Some(d) = d else { return };
            zoom.show(&d.svg);
            let _ = div.set_attribute("data-generation", &requested.current().number().to_string());
        });
    });
    let on_click = move |ev: web_sys::MouseEvent| {
        // A summary file has no events to filter.
        if !zoom.is_click() || ctx.summary_file {
            return;
        }
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let filter = drawn.with_untracked(|d| d.as_ref().and_then(|d| filter_for(&target, &d.map)));
        if let Some(f) = filter {
            ctx.add(f);
        }
    };

    let save_step = move || {
        moving.set_value(false);
        ctx.upsert(
            MAP_STEP,
            Op::Map {
                options: MapOptions {
                    activity_share: activities.get_untracked(),
                    path_share: paths.get_untracked(),
                },
            },
        )
    };
    let slider = move |signal: RwSignal<f64>, value: u32| {
        moving.set_value(true);
        signal.set(f64::from(value.min(100)) / 100.0);
        let n = debounce.next();
        set_timeout(
            move || {
                if n.is_current() {
                    save_step();
                }
            },
            DEBOUNCE,
        );
    };
    let on_activities = move |ev: leptos::ev::Event| {
        slider(activities, event_target_value(&ev).parse().unwrap_or(100))
    };
    let on_paths =
        move |ev: leptos::ev::Event| slider(paths, event_target_value(&ev).parse().unwrap_or(100));
    // The measure is not part of the map step: changing it keeps the readable choice.
    let on_view = move |ev: leptos::ev::Event| {
        if let Some(v) = MapView::parse(&event_target_value(&ev)) {
            view_kind.set(v);
        }
    };
    let readable_again = move |_| {
        debounce.next();
        moving.set_value(false);
        ctx.remove(MAP_STEP);
    };
    let export_svg = move |_| {
        if let Some(svg) = drawn.with_untracked(|d| d.as_ref().map(|d| d.svg.clone())) {
            if let Err(e) = download::save_text("process-map.svg", &svg, "image/svg+xml") {
                error.set(Some(export_error(e)));
            }
        }
    };
    let export_png = move |_| {
        let Some(d) = drawn.get_untracked() else {
            return;
        };
        spawn_local(async move {
            if let Err(e) = save_png(&d).await {
                error.set(Some(export_error(e)));
            }
        });
    };

    let info = move || {
        drawn.with(|d| {
            d.as_ref().map(|d| {
                let m = &d.map;
                let activities = format!(
                    "{} of {} activities",
                    m.activities_shown, m.activities_total
                );
                match &d.readable {
                    Some(r) if r.paths_shown < r.paths_total => view! {
                        {activities}" · "
                        <span id="map-readable-note" data-paths-shown=r.paths_shown.to_string()
                            data-paths-total=r.paths_total.to_string()>
                            "simplified for readability: "{r.sentence.clone()}" (Paths slider)"
                        </span>
                    }
                    .into_any(),
                    _ => format!("{activities}, {} of {} paths", m.paths_shown, m.paths_total)
                        .into_any(),
                }
            })
        })
    };
    view! {
        <section class="card map-card" id="map">
            <div class="map-controls">
                <h2>"Process map"</h2>
                <label title="share of the activities shown, most frequent first">"Activities "<input id="map-activities" type="range" min="1" max="100" disabled=ctx.summary_file prop:value=move || percent(activities.get()).to_string() on:input=on_activities />
                    <span>{move || format!("{}%", percent(activities.get()))}</span></label>
                <label title="share of the paths shown, most frequent first (every activity keeps its strongest paths)">"Paths "<input id="map-paths" type="range" min="0" max="100" prop:value=move || percent(paths.get()).to_string() on:input=on_paths />
                    <span>{move || format!("{}%", percent(paths.get()))}</span></label>
                {move || options.get().is_some().then(|| view! {
                    <button id="map-readable" class="link" title="back to the simplified map Spur chooses for this log" on:click=readable_again>"readable"</button>
                })}
                <label>"Show "<select id="map-view" on:change=on_view>
                    <option value="frequency">"frequency"</option>
                    <option value="mean">"mean duration"</option>
                    <option value="median">"median duration"</option>
                    <option value="total">"total duration"</option>
                </select></label>
                <span class="zoom">
                    <button id="map-zoom-in" title="zoom in (+)" on:click=move |_| zoom.zoom(1.0 / ZOOM_STEP)>"+"</button>
                    <button id="map-zoom-out" title="zoom out (−)" on:click=move |_| zoom.zoom(ZOOM_STEP)>"−"</button>
                    <button id="map-fit" title="fit the map (f)" on:click=move |_| zoom.fit()>"fit"</button>
                    <span class="zoom-level" id="map-zoom-level">{move || format!("{:.0} %", zoom.percent())}</span>
                </span>
                <span class="export">
                    <button id="map-export-svg" title="save the map as SVG" on:click=export_svg>"SVG"</button>
                    <button id="map-export-png" title="save the map as PNG" on:click=export_png>"PNG"</button>
                </span>
            </div>
            <p class="status" id="map-info">{info}{move || busy.get().then_some(" · computing…")}</p>
            {move || error.get().map(|e| view! { <p class="error" id="map-error">{e.message}</p> })}
            <div class="map-canvas" id="map-canvas" node_ref=canvas tabindex="0"
                on:wheel=move |ev| zoom.wheel(ev) on:mousedown=move |ev| zoom.down(ev)
                on:mousemove=move |ev| zoom.moved(ev) on:mouseup=move |_| zoom.up()
                on:mouseleave=move |_| zoom.up() on:keydown=move |ev| zoom.key(ev)
                on:click=on_click></div>
        </section>
    }
}

/// A share in `0..=1` as a whole percentage for the sliders.
fn percent(share: f64) -> u32 {
    if share.is_nan() {
        100
    } else {
        (share.clamp(0.0, 1.0) * 100.0).round() as u32
    }
}

fn export_error(message: String) -> ErrorDto {
    ErrorDto {
        code: "export_failed".into(),
        message,
    }
}

/// The filter a click on `target` asks for: an activity node keeps the cases with that activity,
/// a path keeps the cases taking it (start/end paths: cases starting/ending with the activity).
fn filter_for(target: &web_sys::Element, map: &ProcessMap) -> Option<Filter> {
    if let Some(node) = target.closest("[data-activity]").ok().flatten() {
        let name = node.get_attribute("data-activity")?;
        return Some(Filter::HasActivity {
            activities: vec![name],
            keep: true,
        });
    }
    let edge = target.closest("g.edge").ok().flatten()?;
    let node = |attr: &str| {
        let id = edge.get_attribute(attr)?;
        map.nodes.iter().find(|n| n.id == id)
    };
    let (from, to) = (node("data-from")?, node("data-to")?);
    match (from.kind, to.kind) {
        (NodeKind::Activity, NodeKind::Activity) => Some(Filter::DirectlyFollows {
            from: from.label.clone(),
            to: to.label.clone(),
            keep: true,
        }),
        (NodeKind::Start, NodeKind::Activity) => Some(Filter::StartActivities {
            activities: vec![to.label.clone()],
            keep: true,
        }),
        (NodeKind::Activity, NodeKind::End) => Some(Filter::EndActivities {
            activities: vec![from.label.clone()],
            keep: true,
        }),
        _ => None,
    }
}

/// Draw the SVG onto a canvas at twice its size and save it as PNG.
async fn save_png(d: &DrawnMap) -> Result<(), String> {
    fn js(what: &'static str) -> impl Fn(wasm_bindgen::JsValue) -> String {
        move |e| format!("{what}: {e:?}")
    }
    let blob = download::text_blob(&d.svg, "image/svg+xml")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js("cannot export"))?;
    let img = web_sys::HtmlImageElement::new().map_err(js("cannot export"))?;
    img.set_src(&url);
    let decoded = JsFuture::from(img.decode()).await;
    let _ = web_sys::Url::revoke_object_url(&url);
    decoded.map_err(js("cannot draw the map"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(js("cannot export"))?
        .unchecked_into();
    let ratio = 2.0;
    canvas.set_width((d.width * ratio).ceil() as u32);
    canvas.set_height((d.height * ratio).ceil() as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(js("cannot export"))?
        .ok_or("no 2d canvas")?
        .unchecked_into();
    ctx.scale(ratio, ratio).map_err(js("cannot export"))?;
    ctx.draw_image_with_html_image_element(&img, 0.0, 0.0)
        .map_err(js("cannot draw the map"))?;
    let data = canvas
        .to_data_url_with_type("image/png")
        .map_err(js("cannot export"))?;
    download::save_url("process-map.png", &data)
}
