//! The recipe's home in the browser: an IndexedDB database (`spur`, store `recipes`) keyed by
//! recipe name, plus the autosaved last recipe under [`LAST`], so that after a reload the
//! analyst re-opens the log and gets the notebook back.
//!
//! Values are the recipe JSON (`Recipe::to_json`), read back with `Recipe::from_json`, so a
//! stored recipe is exactly an exported file. Plain web-sys: each request becomes a future.

use js_sys::{Function, Promise};
use spur_core::recipe::Recipe;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

const DB: &str = "spur";
const STORE: &str = "recipes";
/// The key of the autosaved recipe (not a name a user can type: it starts with a NUL).
pub const LAST: &str = "\u{0}last";

fn js_error(what: &str, e: JsValue) -> String {
    let detail = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"));
    format!("{what}: {detail}")
}

/// Wait for `request` to succeed (its result) or fail.
async fn done(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let ok = request.clone();
        let on_ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &ok.result().unwrap_or(JsValue::UNDEFINED));
        });
        let bad = request.clone();
        let on_bad = Closure::once_into_js(move |_: web_sys::Event| {
            let error = bad
                .error()
                .ok()
                .flatten()
                .map(JsValue::from)
                .unwrap_or_else(|| JsValue::from_str("request failed"));
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(on_ok.unchecked_ref()));
        request.set_onerror(Some(on_bad.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

async fn open() -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()
        .map_err(|e| js_error("browser storage is not available", e))?
        .ok_or("browser storage (IndexedDB) is not available")?;
    let request: IdbOpenDbRequest = factory
        .open_with_u32(DB, 1)
        .map_err(|e| js_error("cannot open the recipe store", e))?;
    let upgrade = request.clone();
    let on_upgrade = Closure::once_into_js(move |_: web_sys::Event| {
        if let Ok(db) = upgrade.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
            if !db.object_store_names().contains(STORE) {
                let _ = db.create_object_store(STORE);
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    let db = done(&request)
        .await
        .map_err(|e| js_error("cannot open the recipe store", e))?;
    db.dyn_into::<IdbDatabase>()
        .map_err(|e| js_error("cannot open the recipe store", e))
}

async fn store(mode: IdbTransactionMode) -> Result<(IdbDatabase, IdbObjectStore), String> {
    let db = open().await?;
    let tx = db
        .transaction_with_str_and_mode(STORE, mode)
        .map_err(|e| js_error("cannot use the recipe store", e))?;
    let store = tx
        .object_store(STORE)
        .map_err(|e| js_error("cannot use the recipe store", e))?;
    Ok((db, store))
}

/// Save `recipe` under `key` (its name, or [`LAST`]).
pub async fn save(key: &str, recipe: &Recipe) -> Result<(), String> {
    let (db, store) = store(IdbTransactionMode::Readwrite).await?;
    let request = store
        .put_with_key(
            &JsValue::from_str(&recipe.to_json()),
            &JsValue::from_str(key),
        )
        .map_err(|e| js_error("cannot save the recipe", e))?;
    let result = done(&request).await;
    db.close();
    result
        .map(|_| ())
        .map_err(|e| js_error("cannot save the recipe", e))
}

/// The recipe stored under `key`, if any (a stored text that no longer reads is an error).
pub async fn load(key: &str) -> Result<Option<Recipe>, String> {
    let (db, store) = store(IdbTransactionMode::Readonly).await?;
    let request = store
        .get(&JsValue::from_str(key))
        .map_err(|e| js_error("cannot read the recipe", e))?;
    let value = done(&request).await;
    db.close();
    let value = value.map_err(|e| js_error("cannot read the recipe", e))?;
    match value.as_string() {
        None => Ok(None),
        Some(text) => Recipe::from_json(&text)
            .map(Some)
            .map_err(|e| format!("the stored recipe `{}` is damaged: {e}", shown(key))),
    }
}

/// Delete the recipe stored under `key`.
pub async fn delete(key: &str) -> Result<(), String> {
    let (db, store) = store(IdbTransactionMode::Readwrite).await?;
    let request = store
        .delete(&JsValue::from_str(key))
        .map_err(|e| js_error("cannot delete the recipe", e))?;
    let result = done(&request).await;
    db.close();
    result
        .map(|_| ())
        .map_err(|e| js_error("cannot delete the recipe", e))
}

/// The names of the saved recipes, sorted (the autosave excluded).
pub async fn names() -> Result<Vec<String>, String> {
    let (db, store) = store(IdbTransactionMode::Readonly).await?;
    let request = store
        .get_all_keys()
        .map_err(|e| js_error("cannot list the recipes", e))?;
    let keys = done(&request).await;
    db.close();
    let keys = keys.map_err(|e| js_error("cannot list the recipes", e))?;
    let mut names: Vec<String> = js_sys::Array::from(&keys)
        .iter()
        .filter_map(|k| k.as_string())
        .filter(|k| k != LAST)
        .collect();
    names.sort();
    Ok(names)
}

fn shown(key: &str) -> &str {
    if key == LAST {
        "last recipe"
    } else {
        key
    }
}
