//! Saving what the app drew: a text or a data URL handed to the browser as a download.

use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

fn fail(what: &str, e: wasm_bindgen::JsValue) -> String {
    format!("{what}: {e:?}")
}

/// A Blob of `text` with the MIME type `mime`.
pub fn text_blob(text: &str, mime: &str) -> Result<Blob, String> {
    let props = BlobPropertyBag::new();
    props.set_type(mime);
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    Blob::new_with_str_sequence_and_options(&parts, &props)
        .map_err(|e| fail("cannot make a file", e))
}

/// Offer `url` as a download called `file_name`.
pub fn save_url(file_name: &str, url: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| fail("cannot save", e))?
        .unchecked_into();
    a.set_href(url);
    a.set_download(file_name);
    a.click();
    Ok(())
}

/// Offer `text` as a download called `file_name`.
pub fn save_text(file_name: &str, text: &str, mime: &str) -> Result<(), String> {
    let blob = text_blob(text, mime)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|e| fail("cannot save", e))?;
    let result = save_url(file_name, &url);
    // The download starts after the click returns: free the URL a little later.
    leptos::prelude::set_timeout(
        move || {
            let _ = Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    result
}
