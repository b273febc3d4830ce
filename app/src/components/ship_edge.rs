//! "Ship to edge": PUT a model artifact the worker just made to the edge's `/admin/model`, then
//! show the model the edge serves (from `GET /health`). Shared by the Recommendations and Leads
//! screens. The edge URL and admin token live in signals of this tab only ([`EdgeTarget`],
//! shared by both screens); the token is never written to storage, a cookie or the URL.
//!
//! What the answers mean and what to tell the user is core's (`spur_core::edge::ship`); this
//! file only makes the two `fetch`es.

use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::edge::ship::{self, ShipError};
use spur_core::import::timestamp::format_iso;
use spur_core::model::ModelKind;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where to ship, kept for the tab's lifetime only (provided once by the app).
#[derive(Clone, Copy)]
pub struct EdgeTarget {
    pub url: RwSignal<String>,
    pub token: RwSignal<String>,
}

impl EdgeTarget {
    pub fn new() -> Self {
        EdgeTarget {
            url: RwSignal::new("http://127.0.0.1:8787".into()),
            token: RwSignal::new(String::new()),
        }
    }
}

impl Default for EdgeTarget {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Shipped {
    Idle,
    Working(String),
    Done {
        served: Option<ship::Served>,
        status: String,
    },
    Failed(ShipError),
}

fn js_text(e: &wasm_bindgen::JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// `fetch(url, {method, headers, body})`: `Ok((status, body))` when the page may read an answer,
/// `Err(why)` when the browser refused or the network failed (the two look alike to a page).
async fn fetch(
    url: &str,
    method: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
) -> Result<(u16, Vec<u8>), String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_mode(web_sys::RequestMode::Cors);
    if let Some(t) = token {
        let headers = web_sys::Headers::new().map_err(|e| js_text(&e))?;
        headers
            .set("authorization", &format!("Bearer {t}"))
            .map_err(|e| js_text(&e))?;
        headers
            .set("content-type", "application/octet-stream")
            .map_err(|e| js_text(&e))?;
        init.set_headers(&headers);
    }
    if let Some(b) = body {
        init.set_body(&js_sys::Uint8Array::from(b));
    }
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(|e| js_text(&e))?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|e| js_text(&e))?
        .unchecked_into();
    let buf = JsFuture::from(resp.array_buffer().map_err(|e| js_text(&e))?)
        .await
        .map_err(|e| js_text(&e))?;
    Ok((resp.status(), js_sys::Uint8Array::new(&buf).to_vec()))
}

fn page_origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// Ship `artifact` and read back what the edge serves.
async fn ship_now(base: String, token: String, artifact: Vec<u8>, kind: ModelKind) -> Shipped {
    let put = fetch(
        &format!("{base}/admin/model"),
        "PUT",
        Some(&token),
        Some(&artifact),
    )
    .await;
    let health = format!("{base}/health");
    let status = match put {
        Err(_) => {
            let up = matches!(fetch(&health, "GET", None, None).await, Ok((200, _)));
            return Shipped::Failed(ship::unreachable(&base, &page_origin(), up));
        }
        Ok((s, body)) if !(200..300).contains(&s) => {
            return Shipped::Failed(ship::refused(s, &body));
        }
        Ok((s, body)) => {
            let said: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            format!(
                "{s} {}",
                said.get("status").and_then(|v| v.as_str()).unwrap_or("ok")
            )
        }
    };
    match fetch(&health, "GET", None, None).await {
        Ok((200, body)) => Shipped::Done {
            served: ship::served(&body, kind),
            status,
        },
        Ok((s, _)) => Shipped::Failed(ShipError {
            code: "health_failed".into(),
            message: format!(
                "the model was accepted ({status}) but GET /health answered {s}; open {health} to check"
            ),
        }),
        Err(e) => Shipped::Failed(ShipError {
            code: "health_failed".into(),
            message: format!("the model was accepted ({status}) but GET /health failed: {e}"),
        }),
    }
}

/// The form and result of shipping one model. `id` prefixes the element ids (`{id}-url`,
/// `{id}-token`, `{id}-button`, `{id}-result`, `{id}-error`); `artifact` gives the bytes to
/// ship and `sha256` their digest (to compare with what the edge then serves).
#[component]
pub fn ShipToEdge(
    id: &'static str,
    kind: ModelKind,
    sha256: String,
    artifact: Callback<(), Option<Vec<u8>>>,
) -> impl IntoView {
    let target = use_context::<EdgeTarget>().unwrap_or_default();
    let state = RwSignal::new(Shipped::Idle);
    let ship_click = move |_| {
        let base = match ship::base_url(&target.url.get_untracked()) {
            Ok(b) => b,
            Err(message) => {
                state.set(Shipped::Failed(ShipError {
                    code: "bad_url".into(),
                    message,
                }));
                return;
            }
        };
        let token = target.token.get_untracked().trim().to_string();
        if token.is_empty() {
            state.set(Shipped::Failed(ShipError {
                code: "no_token".into(),
                message: "enter the edge's admin token (its ADMIN_TOKEN secret) first".into(),
            }));
            return;
        }
        let Some(bytes) = artifact.run(()) else {
            state.set(Shipped::Failed(ShipError {
                code: "no_model".into(),
                message: "no model to ship: train one first".into(),
            }));
            return;
        };
        state.set(Shipped::Working(format!(
            "shipping {} bytes to {base}/admin/model…",
            bytes.len()
        )));
        spawn_local(async move { state.set(ship_now(base, token, bytes, kind).await) });
    };
    let ours = sha256.clone();
    view! {
        <div class="ship" id=id>
            <h3>"Ship to edge"</h3>
            <p class="status">
                "PUT this artifact to your Spur edge's /admin/model; it serves it at once. "
                "The token stays in this tab's memory only (never stored); the edge must list this page's origin in ALLOWED_ORIGINS."
            </p>
            <div class="form">
                <label>"Edge URL "
                    <input id=format!("{id}-url") size="32" prop:value=move || target.url.get()
                        on:input=move |ev| target.url.set(event_target_value(&ev)) />
                </label>
                <label>"Admin token "
                    <input id=format!("{id}-token") type="password" autocomplete="off" size="24"
                        prop:value=move || target.token.get()
                        on:input=move |ev| target.token.set(event_target_value(&ev)) />
                </label>
                <button id=format!("{id}-button") class="primary"
                    disabled=move || matches!(state.get(), Shipped::Working(_))
                    on:click=ship_click>"Ship to edge"</button>
            </div>
            {move || match state.get() {
                Shipped::Idle => ().into_any(),
                Shipped::Working(what) => view! { <p class="status">{what}</p> }.into_any(),
                Shipped::Failed(e) => view! {
                    <p class="error" id=format!("{id}-error") data-code=e.code.clone()>{e.message.clone()}</p>
                }.into_any(),
                Shipped::Done { served: Some(s), status } => {
                    let same = s.sha256 == ours;
                    view! {
                        <p class="ok" id=format!("{id}-result") data-sha256=s.sha256.clone() data-same=same.to_string()>
                            {format!(
                                "Accepted ({status}). The edge now serves the {} model sha256 {}, created {}{}",
                                s.kind, s.sha256, format_iso(s.created_at_ms),
                                if same { " — this model." } else { " — not this one (a newer model is in service)." }
                            )}
                        </p>
                    }.into_any()
                }
                Shipped::Done { served: None, status } => view! {
                    <p class="error" id=format!("{id}-error") data-code="not_served">
                        {format!("Accepted ({status}), but /health lists no {} model in service yet; check again in a few seconds.", kind.name())}
                    </p>
                }.into_any(),
            }}
        </div>
    }
}
