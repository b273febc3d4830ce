//! The variants card: the most frequent activity sequences of the filtered log, with their case
//! count and share, each sequence drawn as a row of chevrons (one colour per activity name, as
//! in the recipe's variants steps).

use super::ProcessCtx;
use crate::components::views::chevrons::chevrons;
use crate::latest::Latest;
use crate::protocol::{ErrorDto, VariantList};
use crate::worker_client::process as worker;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Variants listed.
const TOP: usize = 25;

#[component]
pub fn VariantsCard() -> impl IntoView {
    let ctx = expect_context::<ProcessCtx>();
    let list = RwSignal::new(None::<VariantList>);
    let error = RwSignal::new(None::<ErrorDto>);
    let requested = Latest::new();
    Effect::new(move |_| {
        if ctx.revision.get() == 0 {
            return;
        }
        let n = requested.next();
        spawn_local(async move {
            let result = worker::variants(TOP).await;
            if !n.is_current() {
                return;
            }
            match result {
                Ok(l) => {
                    error.set(None);
                    list.set(Some(l));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let rows = move || {
        list.get().map(|l| {
            let heading = format!(
                "top {} of {} variants · {} cases",
                l.variants.len(),
                l.total_variants,
                l.total_cases
            );
            let rows = l
                .variants
                .iter()
                .enumerate()
                .map(|(rank, v)| {
                    let chevrons = chevrons(
                        v.sequence
                            .iter()
                            .map(|&a| l.activities.get(a as usize).cloned().unwrap_or_default())
                            .collect(),
                    );
                    view! {
                        <tr class="variant" data-count=v.count data-rank=rank + 1>
                            <td class="n">{rank + 1}</td>
                            <td class="n">{v.count}</td>
                            <td class="n">{format!("{:.1}%", 100.0 * v.share)}</td>
                            <td class="n">{v.sequence.len()}</td>
                            <td>{chevrons}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <p class="status" id="variants-info">{heading}</p>
                <table class="variants">
                    <thead><tr><th>"#"</th><th class="n">"cases"</th><th class="n">"share"</th><th class="n">"events"</th><th>"sequence"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        })
    };
    view! {
        <section class="card" id="variants">
            <h2>"Variants"</h2>
            {move || error.get().map(|e| view! { <p class="error">{e.message}</p> })}
            {rows}
        </section>
    }
}
