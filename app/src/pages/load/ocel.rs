//! An object-centric log on the Load screen (issue 17): its overview (core's `OcelOverview`),
//! the object types to pick, the object-centric map of the picked types (drawn by core in the
//! worker, an edge colour per type) and, per type, "Flatten on it" to continue on the process
//! screen with one case per object of that type.

use crate::components::download;
use crate::protocol::ErrorDto;
use crate::worker_client::ocel::{self as worker, Opened};
use leptos::prelude::*;
use spur_core::map::overlay::{OcMeasure, OverlayOptions};
use spur_core::map::{format_count, human_duration};

/// Types drawn at first: the most frequent ones, so the first picture stays readable.
const FIRST_TYPES: usize = 4;

#[component]
pub fn OcelView(
    opened: Opened,
    /// Called with the object type to flatten on.
    on_flatten: Callback<String>,
) -> impl IntoView {
    let Opened {
        name,
        overview,
        read_ms,
        overview_ms,
        memory_bytes,
    } = opened;
    let all: Vec<String> = overview
        .object_types
        .iter()
        .map(|(t, _)| t.clone())
        .collect();
    let chosen = RwSignal::new(all.iter().take(FIRST_TYPES).cloned().collect::<Vec<_>>());
    let measure = RwSignal::new(OcMeasure::EventCouples);
    let order = all.clone();
    let map = LocalResource::new(move || {
        // Keep the overview's order whatever order the boxes were ticked in.
        let picked = chosen.get();
        let types: Vec<String> = order
            .iter()
            .filter(|t| picked.contains(t))
            .cloned()
            .collect();
        let options = OverlayOptions {
            types,
            measure: measure.get(),
            ..OverlayOptions::default()
        };
        async move {
            if options.types.is_empty() {
                return Err(ErrorDto {
                    code: "no_types".into(),
                    message: "tick at least one object type to draw its paths".into(),
                });
            }
            worker::map(options).await
        }
    });
    // Read in place: a clone of the reply would copy the whole SVG for every swatch.
    let color_of = move |t: &str| -> Option<String> {
        map.with(|r| {
            r.as_ref()?
                .as_ref()
                .ok()?
                .types
                .iter()
                .find(|d| d.object_type == t)
                .map(|d| d.color.clone())
        })
    };

    let lifecycles = overview.lifecycles.clone();
    let type_rows = overview
        .object_types
        .iter()
        .map(|(t, n)| {
            let life = lifecycles.iter().find(|l| &l.object_type == t).cloned();
            let (t1, t2, t3, t4) = (t.clone(), t.clone(), t.clone(), t.clone());
            let swatch = move || {
                let c = color_of(&t3).unwrap_or_else(|| "#d5dbe1".into());
                format!("background:{c}")
            };
            view! {
                <tr class="ocel-type-row" data-type=t.clone()>
                    <td>
                        <label class="ocel-type">
                            <input type="checkbox" class="ocel-type-check" data-type=t.clone()
                                prop:checked=move || chosen.with(|c| c.contains(&t1))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|x| x != &t2);
                                        if on {
                                            c.push(t2.clone());
                                        }
                                    });
                                } />
                            <span class="swatch" style=swatch></span>
                            {t.clone()}
                        </label>
                    </td>
                    <td class="n">{format_count(*n)}</td>
                    <td class="n">{life.as_ref().map(|l| format!("{:.1}", l.mean_events)).unwrap_or_default()}</td>
                    <td class="n">{life.as_ref().map(|l| human_duration(l.median_seconds)).unwrap_or_default()}</td>
                    <td>
                        <button class="ocel-flatten secondary" data-type=t.clone()
                            title=format!("one case per {t} object; every event that touches it")
                            on:click=move |_| on_flatten.run(t4.clone())>
                            {format!("Flatten on {t} →")}
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let max_events = overview
        .event_types
        .first()
        .map(|(_, n)| *n)
        .unwrap_or(1)
        .max(1);
    let event_rows = overview
        .event_types
        .iter()
        .map(|(a, n)| {
            let width = format!("width:{:.1}%", 100.0 * *n as f64 / max_events as f64);
            view! {
                <tr><td>{a.clone()}</td><td class="n">{format_count(*n)}</td>
                    <td style="width:40%"><div class="bar" style=width></div></td></tr>
            }
        })
        .collect_view();
    let interactions = overview
        .interactions
        .iter()
        .take(8)
        .map(|i| {
            view! {
                <li>{format!("{} – {}: {} shared events, {} object relations", i.a, i.b, format_count(i.events), format_count(i.o2o))}</li>
            }
        })
        .collect_view();
    let per_event = overview
        .objects_per_event
        .iter()
        .map(|(objects, events)| {
            format!(
                "{} event{} with {objects} object{}",
                format_count(*events),
                if *events == 1 { "" } else { "s" },
                if *objects == 1 { "" } else { "s" }
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let issues = (overview.issue_count > 0).then(|| {
        let lines = overview
            .issues
            .iter()
            .map(|l| view! { <li>{l.clone()}</li> })
            .collect_view();
        view! {
            <div class="notes" id="ocel-issues">
                <p>{format!("{} events, objects or relations were dropped or repaired:", overview.issue_count)}</p>
                <ul>{lines}</ul>
            </div>
        }
    });
    let download = move |_| {
        if let Some(Ok(d)) = map.get() {
            if let Err(e) = download::save_text("object-centric-map.svg", &d.svg, "image/svg+xml") {
                web_sys::console::error_1(&e.into());
            }
        }
    };

    view! {
        <section class="card" id="ocel" data-format=format!("{:?}", overview.format).to_lowercase()
            data-read-ms=format!("{read_ms:.0}") data-overview-ms=format!("{overview_ms:.0}")
            data-memory-bytes=memory_bytes.to_string()>
            <h2>{format!("{name} · {}", overview.format.label())}</h2>
            <div class="counts">
                <div class="count"><b id="ocel-events">{overview.events}</b><span>"events"</span></div>
                <div class="count"><b id="ocel-objects">{overview.objects}</b><span>"objects"</span></div>
                <div class="count"><b id="ocel-e2o">{overview.e2o}</b><span>"event–object relations"</span></div>
                <div class="count"><b id="ocel-o2o">{overview.o2o}</b><span>"object–object relations"</span></div>
            </div>
            {issues}
            <p class="status" id="ocel-timing">{format!("Read in {:.2} s, overview in {:.2} s, in this browser.", read_ms / 1000.0, overview_ms / 1000.0)}</p>
            <p class="status">"An object-centric log: each event may touch several objects. Pick the object types to draw; flatten on one type to analyse it as an ordinary process (one case per object)."</p>
            <div class="ocel-tables">
                <table id="ocel-object-types">
                    <thead><tr><th>"object type"</th><th class="n">"objects"</th><th class="n">"events / object"</th><th class="n">"median lifetime"</th><th></th></tr></thead>
                    <tbody>{type_rows}</tbody>
                </table>
                <table id="ocel-event-types">
                    <thead><tr><th>"event type"</th><th class="n">"events"</th><th></th></tr></thead>
                    <tbody>{event_rows}</tbody>
                </table>
            </div>
            <p class="status" id="ocel-objects-per-event">{format!("Objects per event: {per_event}")}</p>
            {(!overview.interactions.is_empty()).then(|| view! {
                <details id="ocel-interactions"><summary>"Which object types meet"</summary><ul>{interactions}</ul></details>
            })}
        </section>
        <section class="card" id="ocel-map-card">
            <h2>"Object-centric map"</h2>
            <div class="toolbar">
                <label>"Label paths with "
                    <select id="ocel-measure" on:change=move |ev| {
                        if let Some(m) = OcMeasure::parse(&event_target_value(&ev)) {
                            measure.set(m);
                        }
                    }>
                        <option value="event_couples" selected>"event couples"</option>
                        <option value="unique_objects">"unique objects"</option>
                        <option value="total_objects">"total objects"</option>
                    </select>
                </label>
                <button id="ocel-map-download" on:click=download>"Download SVG"</button>
            </div>
            {move || match map.get() {
                None => view! { <p class="status" id="ocel-map-status">"drawing the map…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="status" id="ocel-map-status" data-code=e.code.clone()>{e.message.clone()}</p> }.into_any(),
                Some(Ok(d)) => {
                    let cut: Vec<String> = d.types.iter()
                        .filter(|t| t.edges_drawn < t.edges_total)
                        .map(|t| format!("{}: {} of {} paths", t.object_type, t.edges_drawn, t.edges_total))
                        .collect();
                    let status = format!(
                        "{} activities · {} object types{}",
                        d.activities,
                        d.types.len(),
                        if cut.is_empty() { String::new() } else { format!(" · strongest paths only ({})", cut.join(", ")) }
                    );
                    let shown: Vec<String> = d.types.iter().map(|t| t.object_type.clone()).collect();
                    view! {
                        <p class="status" id="ocel-map-status">{status}</p>
                        <div class="ocel-map-box" id="ocel-map" data-types=shown.join(",") data-map-ms=format!("{:.0}", d.map_ms) inner_html=d.svg.clone()></div>
                    }.into_any()
                }
            }}
        </section>
    }
}
