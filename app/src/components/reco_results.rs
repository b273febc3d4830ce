//! A trained recommender on the Recommendations screen: the held-out figures and the HR@k /
//! MRR@k chart against the baselines (drawn by core in the worker), the artifact (download,
//! Ship to edge), an item's neighbours, and "try a session": click items to build a session or
//! basket and see the recommendations and their reasons, scored in the worker by the model the
//! artifact decodes to.

use crate::components::ship_edge::ShipToEdge;
use crate::download;
use crate::latest::Latest;
use crate::protocol::reco::{Neighbours, RecoTrained, Tried, TrySession};
use crate::protocol::ErrorDto;
use crate::worker_client::reco as worker;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::model::ModelKind;
use spur_core::text::pct;

/// A trained model as the screen keeps it: what the worker reported and the artifact it wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainedModel {
    pub result: RecoTrained,
    pub artifact: Vec<u8>,
    /// The clickstream's name (for the download's file name).
    pub name: String,
}

/// Recommendations asked for per tried session.
const TRY_K: usize = 10;

#[component]
pub fn RecoResults(trained: TrainedModel, on_error: Callback<ErrorDto>) -> impl IntoView {
    let r = trained.result.clone();
    let e = &r.evaluation;
    let k = e.k;
    let artifact = StoredValue::new(trained.artifact.clone());
    let file_name = {
        let stem = trained
            .name
            .strip_suffix(".csv")
            .unwrap_or(&trained.name)
            .to_string();
        format!("{stem}-reco.spur")
    };
    let download_model = move |_| {
        let bytes = artifact.get_value();
        if let Err(message) = download::save(&file_name, "application/octet-stream", &bytes) {
            on_error.run(ErrorDto {
                code: "download_failed".into(),
                message,
            });
        }
    };

    // --- try a session
    let session = RwSignal::new(Vec::<String>::new());
    let basket = RwSignal::new(Vec::<String>::new());
    let to_basket = RwSignal::new(false);
    let tried = RwSignal::new(None::<Tried>);
    let asked = Latest::new();
    let ask = move || {
        let s = TrySession {
            clicks: session.get_untracked(),
            basket: basket.get_untracked(),
            k: TRY_K,
        };
        let g = asked.next();
        spawn_local(async move {
            let result = worker::try_session(s).await;
            if !g.is_current() {
                return;
            }
            match result {
                Ok(t) => tried.set(Some(t)),
                Err(e) => on_error.run(e),
            }
        });
    };
    let click = move |item: String| {
        if to_basket.get_untracked() {
            basket.update(|b| {
                if !b.contains(&item) {
                    b.push(item)
                }
            });
        } else {
            session.update(|s| s.push(item));
        }
        ask();
    };
    let clear = move |_| {
        session.set(Vec::new());
        basket.set(Vec::new());
        tried.set(None);
    };

    // --- neighbours
    let nb_item = RwSignal::new(
        r.popular
            .first()
            .map(|c| c.item.clone())
            .unwrap_or_default(),
    );
    let nb = RwSignal::new(None::<Neighbours>);
    let show_nb = move || {
        let item = nb_item.get_untracked();
        spawn_local(async move {
            match worker::neighbours(item).await {
                Ok(n) => nb.set(Some(n)),
                Err(e) => on_error.run(e),
            }
        });
    };

    let chips = r
        .popular
        .iter()
        .map(|c| {
            let item = c.item.clone();
            let title = format!(
                "{} · {} clicks{}",
                c.item,
                c.events,
                c.category
                    .as_ref()
                    .map(|c| format!(" · {c}"))
                    .unwrap_or_default()
            );
            view! {
                <button class="chip reco-item" data-item=c.item.clone() title=title
                    on:click=move |_| click(item.clone())>{c.item.clone()}</button>
            }
        })
        .collect_view();
    let row = |name: &'static str, hr: f64, mrr: f64, id: &'static str| {
        view! {
            <tr data-series=name>
                <td>{name}</td>
                <td class="n" id=format!("{id}-hr") data-value=hr.to_string()>{pct(hr)}</td>
                <td class="n" id=format!("{id}-mrr") data-value=mrr.to_string()>{format!("{mrr:.4}")}</td>
            </tr>
        }
    };
    let sha = r.sha256.clone();
    view! {
        <section class="card" id="reco-results">
            <h2>"Next-item accuracy"</h2>
            <p class="status" id="reco-eval-counts">
                {format!("{} training sessions, {} test sessions, {} next-item positions; item coverage {}, popularity bias {:.3}.",
                    e.train_sessions, e.test_sessions, e.test_positions, pct(e.spur.coverage), e.spur.popularity_bias)}
            </p>
            <table id="reco-figures">
                <thead><tr><th></th><th class="n">{format!("HR@{k}")}</th><th class="n">{format!("MRR@{k}")}</th></tr></thead>
                <tbody>
                    {row("Spur", e.spur.hr, e.spur.mrr, "reco-spur")}
                    {row("item-kNN", e.baselines.item_knn.hr, e.baselines.item_knn.mrr, "reco-iknn")}
                    {row("popular", e.baselines.pop.hr, e.baselines.pop.mrr, "reco-pop")}
                </tbody>
            </table>
            <div class="chart" id="reco-chart" inner_html=r.chart_svg.clone()></div>
            <p class="status" id="reco-train-time" data-train-ms=r.train_ms.to_string() data-evaluate-ms=r.evaluate_ms.to_string()>
                {format!("In this browser's worker: evaluation {:.2} s, training the shipped model on all {} sessions {:.2} s (blend knn {} rules {} repeat {} pop {}).",
                    r.evaluate_ms / 1000.0, r.summary.sessions, r.train_ms / 1000.0,
                    r.summary.params.blend.knn, r.summary.params.blend.rules, r.summary.params.blend.repeat, r.summary.params.blend.pop)}
            </p>
        </section>
        <section class="card" id="reco-model" data-sha256=sha.clone()>
            <h2>"The model"</h2>
            <p class="status" id="reco-sha">
                {format!("{} items, {} indexed sessions, {} rules; the artifact is {} bytes, sha256 {} — what `spur reco train` writes and the edge's PUT /admin/model accepts.",
                    r.summary.items, r.summary.indexed_sessions, r.summary.rules, r.artifact_bytes, sha)}
            </p>
            <div class="actions">
                <button id="reco-download" on:click=download_model>"Download model (.spur)"</button>
            </div>
            <ShipToEdge id="reco-ship" kind=ModelKind::Recommender sha256=sha.clone()
                artifact=Callback::new(move |()| Some(artifact.get_value())) />
        </section>
        <section class="card" id="reco-try">
            <h2>"Try a session"</h2>
            <p class="status">"Click items to build a session (or tick the box to put them in the basket); the recommendations below come from the model just trained, scored in the worker as the edge would."</p>
            <div class="chips" id="reco-items">{chips}</div>
            <div class="actions">
                <label><input type="checkbox" id="reco-basket-mode" prop:checked=move || to_basket.get()
                    on:change=move |ev| to_basket.set(event_target_checked(&ev)) />" add to the basket instead"</label>
                <button id="reco-clear" class="link" on:click=clear>"Clear the session"</button>
            </div>
            <p class="status" id="reco-session" data-clicks=move || session.get().join(",") data-basket=move || basket.get().join(",")>
                {move || format!("session: {}", if session.with(Vec::is_empty) { "(empty)".into() } else { session.get().join(" → ") })}
                {move || (!basket.with(Vec::is_empty)).then(|| format!(" · basket: {}", basket.get().join(", ")))}
            </p>
            {move || tried.get().map(|t| {
                let degraded = t.recommendations.degraded.clone();
                view! {
                    {degraded.map(|d| view! { <p class="warning" id="reco-degraded">{format!("{d}: none of the clicks is known to the model, so these are popular items")}</p> })}
                    <table id="reco-recs" data-sha256=t.sha256.clone()>
                        <thead><tr><th>"#"</th><th>"item"</th><th class="n">"score"</th><th>"why"</th></tr></thead>
                        <tbody>
                            {t.recommendations.items.iter().enumerate().map(|(i, rec)| {
                                let item = rec.item.clone();
                                view! {
                                    <tr data-item=rec.item.clone() data-score=rec.score.to_string()>
                                        <td>{i + 1}</td>
                                        <td><button class="link" on:click=move |_| click(item.clone())>{rec.item.clone()}</button></td>
                                        <td class="n">{format!("{:.4}", rec.score)}</td>
                                        <td>{rec.reason.clone()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="status">{format!("scored in {:.0} µs by the artifact sha256 {}…", t.micros, t.sha256.get(..12).unwrap_or_default())}</p>
                }
            })}
        </section>
        <section class="card" id="reco-neighbours">
            <h2>"An item's neighbours"</h2>
            <p class="status">"The items most often viewed within a few clicks after it (the model's sequential rules, strongest first)."</p>
            <div class="form">
                <label>"Item "
                    <input id="reco-nb-item" size="16" prop:value=move || nb_item.get()
                        on:input=move |ev| nb_item.set(event_target_value(&ev)) />
                </label>
                <button id="reco-nb-show" on:click=move |_| show_nb()>"Show neighbours"</button>
            </div>
            {move || nb.get().map(|n| if !n.found {
                view! { <p class="warning" id="reco-nb-missing">{format!("`{}` is not an item of the model; items are case-sensitive ids such as the buttons above show", n.item)}</p> }.into_any()
            } else {
                view! {
                    <table id="reco-nb-table" data-item=n.item.clone()>
                        <caption>{format!("after {}{}", n.item, n.category.map(|c| format!(" ({c})")).unwrap_or_default())}</caption>
                        <thead><tr><th>"item"</th><th class="n">"weight"</th><th>"category"</th></tr></thead>
                        <tbody>
                            {n.neighbours.iter().map(|(item, w, cat)| view! {
                                <tr data-item=item.clone() data-weight=w.to_string()>
                                    <td>{item.clone()}</td>
                                    <td class="n">{format!("{w:.3}")}</td>
                                    <td>{cat.clone().unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            })}
        </section>
    }
}
