//! Save bytes the worker produced (a model artifact, a ranked CSV) as a file on the user's
//! machine: a Blob URL and a temporary `<a download>`; nothing goes over the network.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Offer `bytes` as a download named `name`.
pub fn save(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    save_blob(name, mime, bytes).map_err(|e| format!("cannot save {name}: {e:?}"))
}

fn save_blob(name: &str, mime: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // Revoke later: the browser reads the Blob after this click handler returns.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000)?;
    Ok(())
}
