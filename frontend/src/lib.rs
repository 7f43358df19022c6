//! The browser entry point: hydrates the server-rendered page into the live app.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]
// Release builds keep the app's full view type, which the hydrating future nests once more.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    app::platform::crash::watch_for_panics();
    // Hydrates like `leptos::mount::hydrate_lazy`, waiting for the current screen's chunk
    // (`app::routes`), and then tells the app that the page is live. `hydrate_from_async` sets
    // up Leptos' executor on its first line, so the task starts on wasm-bindgen's own.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        let page = leptos::mount::hydrate_from_async(body, app::App).await;
        page.forget();
        app::platform::first_frame::finish_hydration();
    });
}
