//! The process map card: the worker's SVG shown inline, with sliders for the activities and
//! paths shown (debounced, re-rendered in the worker), the view (frequency / mean / median /
//! total), zoom and pan on the SVG's viewBox (wheel, drag, +/−/fit), click-to-filter on an
//! activity or a path, and SVG/PNG export. The sliders live in the recipe's `map` step.

use super::ProcessCtx;
use crate::components::download;
use crate::latest::Latest;
use crate::protocol::ErrorDto;
use crate::worker_client::process::{self as worker, DrawnMap};
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::map::{MapOptions, MapView, NodeKind, ProcessMap};
use spur_core::recipe::Op;
use spur_core::toolkit::filter::Filter;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Slider moves closer together than this are sent as one request.
const DEBOUNCE: Duration = Duration::from_millis(180);
const ZOOM_STEP: f64 = 1.25;
/// The id of the recipe step holding the map's sliders.
const MAP_STEP: &str = "map";

/// A viewBox: x, y, width, height in SVG units.
#[derive(Clone, Copy, PartialEq, Debug)]
struct ViewBox(f64, f64, f64, f64);

/// A drag in progress: where it started (client px) and the viewBox then.
#[derive(Clone, Copy)]
struct Drag {
    x: f64,
    y: f64,
    start: ViewBox,
    moved: bool,
}

#[component]
pub fn MapCard() -> impl IntoView {
    let ctx = expect_context::<ProcessCtx>();
    let activities = RwSignal::new(100u32);
    let paths = RwSignal::new(100u32);
    let view_kind = RwSignal::new(MapView::Frequency);
    let drawn = RwSignal::new(None::<DrawnMap>);
    let error = RwSignal::new(None::<ErrorDto>);
    let busy = RwSignal::new(false);
    let vb = RwSignal::new(ViewBox(0.0, 0.0, 1.0, 1.0));
    let canvas = NodeRef::<Div>::new();
    let requested = Latest::new();
    let debounce = Latest::new();
    let drag = StoredValue::new(None::<Drag>);
    let clicked_after_drag = StoredValue::new(false);

    // The sliders are the recipe's `map` step, so an exported recipe replays the map shown.
    let options = Memo::new(move |_| {
        ctx.recipe.with(|r| {
            r.steps
                .iter()
                .find(|s| s.id == MAP_STEP)
                .and_then(|s| match &s.op {
                    Op::Map { options } => Some(*options),
                    _ => None,
                })
                .unwrap_or_default()
        })
    });
    // A restored or imported recipe moves the sliders.
    Effect::new(move |_| {
        let o = options.get();
        activities.set(percent(o.activity_share));
        paths.set(percent(o.path_share));
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
            div.set_inner_html(&d.svg);
            if let Some(svg) = div.first_element_child() {
                let _ = svg.set_attribute("width", "100%");
                let _ = svg.set_attribute("height", "100%");
            }
            let _ = div.set_attribute("data-generation", &requested.current().number().to_string());
            vb.set(ViewBox(0.0, 0.0, d.width.max(1.0), d.height.max(1.0)));
        });
    });
    // Zoom and pan move the viewBox only; the drawing is not recomputed.
    Effect::new(move |_| {
        let ViewBox(x, y, w, h) = vb.get();
        if let Some(svg) = canvas.get().and_then(|div| div.first_element_child()) {
            let _ = svg.set_attribute("viewBox", &format!("{x} {y} {w} {h}"));
        }
    });

    let fit = move |_| {
        drawn.with_untracked(|d| {
            if let Some(d) = d {
                vb.set(ViewBox(0.0, 0.0, d.width.max(1.0), d.height.max(1.0)));
            }
        })
    };
    let zoom_center = move |f: f64| {
        vb.update(|ViewBox(x, y, w, h)| {
            let (cx, cy) = (*x + *w / 2.0, *y + *h / 2.0);
            *w *= f;
            *h *= f;
            *x = cx - *w / 2.0;
            *y = cy - *h / 2.0;
        })
    };

    // Client px → SVG units (the SVG is drawn with xMidYMid meet).
    let scale = move || {
        let Some(div) = canvas.get_untracked() else {
            return (1.0, 0.0, 0.0);
        };
        let r = div.get_bounding_client_rect();
        let ViewBox(_, _, w, h) = vb.get_untracked();
        let s = (w / r.width().max(1.0)).max(h / r.height().max(1.0));
        let ox = (r.width() - w / s) / 2.0;
        let oy = (r.height() - h / s) / 2.0;
        (s, r.left() + ox, r.top() + oy)
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let (s, left, top) = scale();
        let f = if ev.delta_y() > 0.0 {
            ZOOM_STEP
        } else {
            1.0 / ZOOM_STEP
        };
        vb.update(|ViewBox(x, y, w, h)| {
            let px = *x + (f64::from(ev.client_x()) - left) * s;
            let py = *y + (f64::from(ev.client_y()) - top) * s;
            *x = px - (px - *x) * f;
            *y = py - (py - *y) * f;
            *w *= f;
            *h *= f;
        });
    };
    let on_down = move |ev: web_sys::MouseEvent| {
        if ev.button() != 0 {
            return;
        }
        drag.set_value(Some(Drag {
            x: f64::from(ev.client_x()),
            y: f64::from(ev.client_y()),
            start: vb.get_untracked(),
            moved: false,
        }));
    };
    let on_move = move |ev: web_sys::MouseEvent| {
        let Some(mut d) = drag.get_value() else {
            return;
        };
        let (dx, dy) = (
            f64::from(ev.client_x()) - d.x,
            f64::from(ev.client_y()) - d.y,
        );
        if !d.moved && dx.abs() + dy.abs() < 4.0 {
            return;
        }
        d.moved = true;
        drag.set_value(Some(d));
        let (s, ..) = scale();
        let ViewBox(x, y, w, h) = d.start;
        vb.set(ViewBox(x - dx * s, y - dy * s, w, h));
    };
    let on_up = move |_| {
        if let Some(d) = drag.get_value() {
            clicked_after_drag.set_value(d.moved);
        }
        drag.set_value(None);
    };
    let on_click = move |ev: web_sys::MouseEvent| {
        if clicked_after_drag.get_value() {
            clicked_after_drag.set_value(false);
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
        ctx.upsert(
            MAP_STEP,
            Op::Map {
                options: MapOptions {
                    activity_share: f64::from(activities.get_untracked()) / 100.0,
                    path_share: f64::from(paths.get_untracked()) / 100.0,
                },
            },
        )
    };
    let slider = move |signal: RwSignal<u32>, value: u32| {
        signal.set(value);
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
    let on_view = move |ev: leptos::ev::Event| {
        if let Some(v) = MapView::parse(&event_target_value(&ev)) {
            view_kind.set(v);
            save_step();
        }
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
                format!(
                    "{} of {} activities, {} of {} paths",
                    d.map.activities_shown,
                    d.map.activities_total,
                    d.map.paths_shown,
                    d.map.paths_total
                )
            })
        })
    };
    view! {
        <section class="card map-card" id="map">
            <h2>"Process map"</h2>
            <div class="map-controls">
                <label>"Activities "<input id="map-activities" type="range" min="1" max="100" prop:value=move || activities.get().to_string() on:input=on_activities />
                    <span>{move || format!("{}%", activities.get())}</span></label>
                <label>"Paths "<input id="map-paths" type="range" min="0" max="100" prop:value=move || paths.get().to_string() on:input=on_paths />
                    <span>{move || format!("{}%", paths.get())}</span></label>
                <label>"Show "<select id="map-view" on:change=on_view>
                    <option value="frequency">"frequency"</option>
                    <option value="mean">"mean duration"</option>
                    <option value="median">"median duration"</option>
                    <option value="total">"total duration"</option>
                </select></label>
                <span class="zoom">
                    <button id="map-zoom-in" title="zoom in" on:click=move |_| zoom_center(1.0 / ZOOM_STEP)>"+"</button>
                    <button id="map-zoom-out" title="zoom out" on:click=move |_| zoom_center(ZOOM_STEP)>"−"</button>
                    <button id="map-fit" title="fit the map" on:click=fit>"fit"</button>
                </span>
                <span class="export">
                    <button id="map-export-svg" on:click=export_svg>"Export SVG"</button>
                    <button id="map-export-png" on:click=export_png>"Export PNG"</button>
                </span>
            </div>
            <p class="status" id="map-info">{info}{move || busy.get().then_some(" · computing…")}</p>
            {move || error.get().map(|e| view! { <p class="error" id="map-error">{e.message}</p> })}
            <div class="map-canvas" id="map-canvas" node_ref=canvas
                on:wheel=on_wheel on:mousedown=on_down on:mousemove=on_move
                on:mouseup=on_up on:mouseleave=on_up on:click=on_click></div>
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
