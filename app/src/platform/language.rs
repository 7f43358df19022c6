//! The language a person chose, kept in a cookie so the server renders their next page in it.
//!
//! The server reads and writes the cookie through leptos_i18n. The browser only ever writes it,
//! when the switch is pressed: leptos_i18n's own cookie handling also read `document.cookie`
//! while the page hydrated, a synchronous round trip to Chromium's network process that took up
//! to 42 ms of the hydration task while the screen's chunks were loading (BENCHMARKS.md, "Where
//! the main thread goes"). Hydration takes the language from `<html lang>`, which the server set.

use crate::i18n::Locale;
use leptos_i18n::context::CookieOptions;

/// The cookie's name: leptos_i18n's default, so choices made before this module keep working.
/// `public/offline.js` reads it by this name too, to word the offline page in the same language.
pub const LANGUAGE_COOKIE: &str = "i18n_pref_locale";

/// A choice is kept for a year, on every path: one cookie for the whole site, so a choice made
/// on a menu also holds on the home.
const KEPT_FOR_SECONDS: i64 = 365 * 24 * 60 * 60;

/// The cookie as the server writes it.
pub fn server_cookie_options() -> CookieOptions<Locale> {
    CookieOptions::<Locale>::default()
        .path("/".to_string())
        .max_age(KEPT_FOR_SECONDS * 1000) // leptos_use counts milliseconds
}

/// Keeps the language just chosen in the browser, for the server's next render.
pub fn remember_in_browser(locale: Locale) {
    #[cfg(feature = "hydrate")]
    {
        use leptos_i18n::Locale as _;
        use wasm_bindgen::JsCast;
        let document = leptos::prelude::document().unchecked_into::<web_sys::HtmlDocument>();
        let cookie = format!(
            "{LANGUAGE_COOKIE}={}; path=/; max-age={KEPT_FOR_SECONDS}",
            locale.as_str()
        );
        let _ = document.set_cookie(&cookie);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = locale;
}
