//! The browser entry point: hydrates the server-rendered page into the live app.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    app::platform::crash::watch_for_panics();
    leptos::mount::hydrate_body(app::App);
}
