//! The recipe bar at the head of the notebook: the recipe's name, the saved recipes (IndexedDB,
//! autosaved as you work), restoring the last recipe after a reload, and the files — export and
//! import the recipe JSON (the file `spur run` replays) and download the results as
//! `spur run --json` prints them.

use super::store::{self, LAST};
use super::ProcessCtx;
use crate::components::download;
use crate::latest::Latest;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::recipe::{Op, Recipe};
use std::time::Duration;
use wasm_bindgen_futures::JsFuture;

/// Edits closer together than this are saved once.
const SAVE_DELAY: Duration = Duration::from_millis(400);

/// Does the recipe hold anything beyond the import mapping?
fn has_work(recipe: &Recipe) -> bool {
    recipe
        .steps
        .iter()
        .any(|s| !matches!(s.op, Op::Import { .. }))
}

/// A file name from the recipe's name.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-').to_lowercase();
    if stem.is_empty() {
        "recipe".into()
    } else {
        stem
    }
}

#[component]
pub fn RecipeBar() -> impl IntoView {
    let ctx = expect_context::<ProcessCtx>();
    let names = RwSignal::new(Vec::<String>::new());
    let chosen = RwSignal::new(String::new());
    let offer = RwSignal::new(None::<Recipe>);
    let error = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);

    let refresh = move || {
        spawn_local(async move {
            match store::names().await {
                Ok(list) => {
                    if !list.contains(&chosen.get_untracked()) {
                        chosen.set(list.first().cloned().unwrap_or_default());
                    }
                    names.set(list);
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    // Before anything is autosaved: the last recipe of an earlier visit, offered for restore.
    spawn_local(async move {
        match store::load(LAST).await {
            Ok(Some(last)) if has_work(&last) && last != ctx.recipe.get_untracked() => {
                offer.set(Some(last))
            }
            Ok(_) => {}
            Err(e) => error.set(Some(e)),
        }
    });
    refresh();

    // Autosave every change (not the recipe the page starts with), debounced.
    let generation = Latest::new();
    Effect::new(move |first: Option<()>| {
        let recipe = ctx.recipe.get();
        if first.is_none() {
            return;
        }
        let n = generation.next();
        set_timeout(
            move || {
                if !n.is_current() {
                    return;
                }
                spawn_local(async move {
                    let mut saved = store::save(LAST, &recipe).await;
                    let name = recipe.name.trim().to_string();
                    if saved.is_ok() && !name.is_empty() {
                        saved = store::save(&name, &recipe).await;
                    }
                    match saved {
                        Ok(()) => {
                            if !name.is_empty() && !names.with_untracked(|l| l.contains(&name)) {
                                refresh();
                            }
                        }
                        Err(e) => error.set(Some(e)),
                    }
                });
            },
            SAVE_DELAY,
        );
    });

    let restore = move |_| {
        if let Some(r) = offer.get_untracked() {
            ctx.recipe.set(r);
            offer.set(None);
            note.set(Some("restored the last recipe".into()));
        }
    };
    let open_saved = move |_| {
        let name = chosen.get_untracked();
        if name.is_empty() {
            return;
        }
        spawn_local(async move {
            match store::load(&name).await {
                Ok(Some(r)) => {
                    error.set(None);
                    ctx.recipe.set(r);
                    offer.set(None);
                    note.set(Some(format!("opened `{name}`")));
                }
                Ok(None) => error.set(Some(format!("no saved recipe `{name}`"))),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let delete_saved = move |_| {
        let name = chosen.get_untracked();
        if name.is_empty() {
            return;
        }
        spawn_local(async move {
            match store::delete(&name).await {
                Ok(()) => note.set(Some(format!("deleted `{name}` from the saved recipes"))),
                Err(e) => error.set(Some(e)),
            }
            refresh();
        });
    };
    let export = move |_| {
        let (name, json) = ctx.recipe.with_untracked(|r| (r.name.clone(), r.to_json()));
        let file = format!("{}.recipe.json", file_stem(&name));
        if let Err(e) = download::save_text(&file, &json, "application/json") {
            error.set(Some(e));
        }
    };
    let export_results = move |_| {
        let Some(replay) = ctx.replay.get_untracked() else {
            error.set(Some("no results yet: wait for the recipe to run".into()));
            return;
        };
        let result = serde_json::to_string_pretty(&replay)
            .map_err(|e| format!("cannot write the results: {e}"))
            .and_then(|json| {
                let name = ctx.recipe.with_untracked(|r| file_stem(&r.name));
                download::save_text(&format!("{name}.results.json"), &json, "application/json")
            });
        if let Err(e) = result {
            error.set(Some(e));
        }
    };
    let import = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|list| list.get(0)) else {
            return;
        };
        input.set_value("");
        let name = file.name();
        spawn_local(async move {
            let text = match JsFuture::from(file.text()).await {
                Ok(t) => t.as_string().unwrap_or_default(),
                Err(e) => {
                    error.set(Some(format!("cannot read {name}: {e:?}")));
                    return;
                }
            };
            match Recipe::from_json(&text) {
                Ok(r) => {
                    error.set(None);
                    offer.set(None);
                    ctx.recipe.set(r);
                    note.set(Some(format!("imported {name}; replayed on this log")));
                }
                Err(e) => error.set(Some(format!(
                    "{name}: {e}. Fix the file (or export a recipe from here); the current recipe is unchanged."
                ))),
            }
        });
    };

    view! {
        <div class="recipe-bar">
            {move || offer.get().map(|r| {
                let what = if r.name.is_empty() { "your last recipe".to_string() } else { format!("“{}”", r.name) };
                let steps = r.steps.len();
                view! {
                    <div class="restore" id="recipe-offer">
                        <span>{format!("Restore {what} ({steps} steps) from your last visit?")}</span>
                        <button id="recipe-restore" on:click=restore>"Restore"</button>
                        <button class="link" id="recipe-offer-dismiss" on:click=move |_| offer.set(None)>"dismiss"</button>
                    </div>
                }
            })}
            <label class="recipe-name">"Name "
                <input id="recipe-name" type="text" placeholder="name it to keep it in Saved recipes"
                    prop:value=move || ctx.recipe.with(|r| r.name.clone())
                    on:change=move |ev| {
                        let name = event_target_value(&ev);
                        ctx.recipe.update(|r| r.name = name.trim().to_string());
                    } />
            </label>
            <div class="recipe-saved">
                <label>"Saved recipes "
                    <select id="recipe-saved" prop:value=move || chosen.get()
                        on:change=move |ev| chosen.set(event_target_value(&ev))>
                        {move || names.get().into_iter().map(|n| view! {
                            <option value=n.clone() selected=n == chosen.get_untracked()>{n.clone()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button id="recipe-open" disabled=move || names.with(Vec::is_empty) on:click=open_saved>"Open"</button>
                <button id="recipe-delete" class="link" disabled=move || names.with(Vec::is_empty) on:click=delete_saved>"delete"</button>
            </div>
            <div class="recipe-files">
                <button id="recipe-export" on:click=export>"Export recipe"</button>
                <label class="file">"Import recipe…"
                    <input id="recipe-import" type="file" accept=".json,application/json" on:change=import />
                </label>
                <button id="results-export" disabled=move || ctx.replay.with(Option::is_none)
                    on:click=export_results>"Download results (JSON)"</button>
            </div>
            {move || note.get().map(|n| view! { <p class="status" id="recipe-note">{n}</p> })}
            {move || error.get().map(|e| view! {
                <p class="error" id="recipe-error">{e}
                    <button class="link" on:click=move |_| error.set(None)>"dismiss"</button></p>
            })}
        </div>
    }
}
