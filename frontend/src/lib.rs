//! The browser entry point: hydrates the server-rendered page into the live app.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
