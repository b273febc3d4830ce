//! Zoom and pan for an SVG drawn by core (the process map, the model pictures): wheel towards
//! the cursor, drag to pan, +/−/fit buttons and the keys `+`, `-`, `f` (or `0`) on the focused
//! canvas. The geometry is core's `chart::view_box` (tested natively); this module only wires
//! it to DOM events and the `viewBox` attribute, so the drawing is never recomputed.

use leptos::html::Div;
use leptos::prelude::*;
use spur_core::chart::view_box::{ViewBox, ZOOM_STEP};

/// A drag in progress: where it started (client px) and the view then.
#[derive(Clone, Copy)]
struct Drag {
    x: f64,
    y: f64,
    start: ViewBox,
    moved: bool,
}

/// The zoom state of one canvas (`Copy`: every field is a reactive handle).
#[derive(Clone, Copy)]
pub struct Zoom {
    canvas: NodeRef<Div>,
    view: RwSignal<ViewBox>,
    /// The drawing's own size in SVG units, what "fit" shows.
    size: StoredValue<(f64, f64)>,
    drag: StoredValue<Option<Drag>>,
    /// Whether the last mouse-up ended a drag (its click must not act).
    dragged: StoredValue<bool>,
}

impl Zoom {
    /// Zoom state for `canvas`; the view is written to its first `<svg>` child on every change.
    pub fn new(canvas: NodeRef<Div>) -> Self {
        let zoom = Zoom {
            canvas,
            view: RwSignal::new(ViewBox::fit(1.0, 1.0)),
            size: StoredValue::new((1.0, 1.0)),
            drag: StoredValue::new(None),
            dragged: StoredValue::new(false),
        };
        Effect::new(move |_| {
            let vb = zoom.view.get();
            if let Some(svg) = canvas.get().and_then(|div| div.first_element_child()) {
                let _ = svg.set_attribute("viewBox", &vb.attribute());
            }
        });
        zoom
    }

    /// Put `svg` (a document from core with `width` and `height`) into the canvas, scaled to the
    /// canvas, and fit it. Returns the drawing's size.
    pub fn show(&self, svg: &str) -> Option<(f64, f64)> {
        let div = self.canvas.get_untracked()?;
        div.set_inner_html(svg);
        let el = div.first_element_child()?;
        let side = |name| {
            el.get_attribute(name)
                .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
                .unwrap_or(1.0)
        };
        let size = (side("width"), side("height"));
        let _ = el.set_attribute("width", "100%");
        let _ = el.set_attribute("height", "100%");
        let _ = el.set_attribute("preserveAspectRatio", "xMidYMid meet");
        self.size.set_value(size);
        self.fit();
        Some(size)
    }

    pub fn fit(&self) {
        let (w, h) = self.size.get_value();
        self.view.set(ViewBox::fit(w, h));
    }

    /// Zoom around the centre (`factor` > 1 shows more).
    pub fn zoom(&self, factor: f64) {
        self.view.update(|v| *v = v.zoom_center(factor));
    }

    /// The view's zoom as a percentage of "fit", for a label.
    pub fn percent(&self) -> f64 {
        let (w, _) = self.size.get_value();
        self.view.get().zoom_percent(w)
    }

    /// Client px → SVG units for the canvas as laid out now.
    fn placement(&self) -> Option<spur_core::chart::view_box::Placement> {
        let r = self.canvas.get_untracked()?.get_bounding_client_rect();
        Some(
            self.view
                .get_untracked()
                .placement(r.left(), r.top(), r.width(), r.height()),
        )
    }

    pub fn wheel(&self, ev: web_sys::WheelEvent) {
        ev.prevent_default();
        let Some(p) = self.placement() else { return };
        let f = if ev.delta_y() > 0.0 {
            ZOOM_STEP
        } else {
            1.0 / ZOOM_STEP
        };
        self.view.update(|v| {
            let (px, py) = v.to_svg(&p, f64::from(ev.client_x()), f64::from(ev.client_y()));
            *v = v.zoom_at(px, py, f);
        });
    }

    pub fn down(&self, ev: web_sys::MouseEvent) {
        if ev.button() != 0 {
            return;
        }
        self.drag.set_value(Some(Drag {
            x: f64::from(ev.client_x()),
            y: f64::from(ev.client_y()),
            start: self.view.get_untracked(),
            moved: false,
        }));
    }

    pub fn moved(&self, ev: web_sys::MouseEvent) {
        let Some(mut d) = self.drag.get_value() else {
            return;
        };
        let (dx, dy) = (
            f64::from(ev.client_x()) - d.x,
            f64::from(ev.client_y()) - d.y,
        );
        // A few px of jitter is still a click.
        if !d.moved && dx.abs() + dy.abs() < 4.0 {
            return;
        }
        d.moved = true;
        self.drag.set_value(Some(d));
        if let Some(p) = self.placement() {
            self.view.set(d.start.dragged(dx, dy, p.units_per_px));
        }
    }

    pub fn up(&self) {
        if let Some(d) = self.drag.get_value() {
            self.dragged.set_value(d.moved);
        }
        self.drag.set_value(None);
    }

    /// Whether a click is a real click (not the end of a drag); resets the drag flag.
    pub fn is_click(&self) -> bool {
        !std::mem::replace(&mut *self.dragged.write_value(), false)
    }

    /// `+`/`=` zoom in, `-` out, `f`/`0` fit.
    pub fn key(&self, ev: web_sys::KeyboardEvent) {
        let done = match ev.key().as_str() {
            "+" | "=" => {
                self.zoom(1.0 / ZOOM_STEP);
                true
            }
            "-" | "_" => {
                self.zoom(ZOOM_STEP);
                true
            }
            "f" | "F" | "0" => {
                self.fit();
                true
            }
            _ => false,
        };
        if done {
            ev.prevent_default();
        }
    }
}

/// A drawing from core shown at most `max_height` px tall, zoomable: `id` names the canvas
/// (its buttons are `{id}-zoom-in`, `{id}-zoom-out`, `{id}-fit`).
#[component]
pub fn ZoomSvg(
    id: &'static str,
    svg: String,
    #[prop(default = 420.0)] max_height: f64,
) -> impl IntoView {
    let canvas = NodeRef::<Div>::new();
    let zoom = Zoom::new(canvas);
    let svg = StoredValue::new(svg);
    Effect::new(move |_| {
        let Some(div) = canvas.get() else { return };
        if let Some((w, h)) = svg.with_value(|s| zoom.show(s)) {
            // The height the drawing takes when fitted to the canvas's width (never enlarged),
            // at most `max_height`: no empty band above and below a wide model.
            let width = f64::from(div.client_width());
            let shrink = if width > 0.0 {
                (width / w).min(1.0)
            } else {
                1.0
            };
            let height = (h * shrink).clamp(60.0, max_height.max(60.0));
            let _ = div.set_attribute("style", &format!("height: {height:.0}px"));
        }
    });
    view! {
        <div class="zoom-svg">
            <span class="zoom">
                <button id=format!("{id}-zoom-in") title="zoom in (+)" on:click=move |_| zoom.zoom(1.0 / ZOOM_STEP)>"+"</button>
                <button id=format!("{id}-zoom-out") title="zoom out (−)" on:click=move |_| zoom.zoom(ZOOM_STEP)>"−"</button>
                <button id=format!("{id}-fit") title="fit (f)" on:click=move |_| zoom.fit()>"fit"</button>
                <span class="zoom-level">{move || format!("{:.0} %", zoom.percent())}</span>
            </span>
            <div class="model-svg zoom-canvas" id=id node_ref=canvas tabindex="0"
                on:wheel=move |ev| zoom.wheel(ev) on:mousedown=move |ev| zoom.down(ev)
                on:mousemove=move |ev| zoom.moved(ev) on:mouseup=move |_| zoom.up()
                on:mouseleave=move |_| zoom.up() on:keydown=move |ev| zoom.key(ev)></div>
        </div>
    }
}
