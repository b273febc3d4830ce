//! An activity sequence drawn as a row of chevrons, one colour per activity name, so the same
//! activity has the same colour in the variants card and in every recipe step.

use leptos::prelude::*;

/// The chevrons of `names`, in order.
pub fn chevrons(names: Vec<String>) -> impl IntoView {
    let items = names
        .into_iter()
        .map(|name| {
            let style = format!("background:hsl({},50%,42%)", hue(&name));
            view! { <span class="chevron" style=style title=name.clone()>{name.clone()}</span> }
        })
        .collect_view();
    view! { <div class="chevrons">{items}</div> }
}

/// A stable, well-spread hue per name (FNV-1a hash, golden angle).
pub fn hue(name: &str) -> u32 {
    let h = name.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    ((f64::from(h % 4096) * 137.508) % 360.0) as u32
}
