//! Entry point of the UI bundle: set the panic hook, mount the app.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(spur_app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("spur-app is a browser app: build it with `trunk build` (see README.md)");
}
