//! Baedal: one Leptos application for customers, store owners, riders and operators.
//!
//! Each folder is a bounded context (see ARCHITECTURE.md). The types in each `mod.rs` compile for
//! the browser and the server; everything behind `feature = "ssr"` is server-only.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]
// Release builds keep every view's full type (debug builds erase them), and the deeper pages
// (kitchen board, menu editor) exceed the default limit of 128.
#![recursion_limit = "256"]

#[cfg(feature = "ssr")]
pub mod contexts;
pub mod delivery;
pub mod layout;
pub mod notification;
pub mod onboarding;
pub mod ops;
pub mod ordering;
pub mod payment;
pub mod places;
pub mod platform;
pub mod routes;
pub mod store;
pub mod tracking;

// The typed `i18n` module that build.rs generates from `locales/*.json`: `Locale`, `use_i18n`,
// `I18nContextProvider` and one key per sentence, checked at compile time.
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};

use layout::Layout;
use platform::pages::{LoginPage, NotFound};

/// The browser app's two files as this build named them (content-hashed in a release); the
/// server reads the names from the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// `/pkg/…js`, the JavaScript that loads the WebAssembly.
    pub js: String,
    /// `/pkg/…wasm`.
    pub wasm: String,
}

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions, bundle: Bundle) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0b7570" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icon-192.png" />
                // Installs the service worker (offline page, cached bundle); needs no wasm.
                <script src="/pwa.js" defer></script>
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <StartAfterFirstPaint bundle />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Starts the app after the page has painted, instead of Leptos' `<HydrationScripts>`, whose
/// preload hints had the bundle arrive before the first paint on a fast link, which Lighthouse's
/// phone simulation then charged to that paint (3.6 s for a page painted at 0.2 s). Links and
/// forms work before it runs (README, "A first screen arrives whole").
#[component]
fn StartAfterFirstPaint(bundle: Bundle) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let start = format!(
        "{}({:?}, {:?});",
        include_str!("start_bundle.js").trim_end(),
        bundle.js,
        bundle.wasm
    );
    view! { <script type="module" nonce=nonce>{start}</script> }
}

/// The application: session-aware layout and one route per role.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    platform::session::provide_session_context();
    platform::live::provide_live_link();
    ordering::saved_cart::provide_cart();

    view! {
        <Title text="Baedal" />
        // The language comes from the cookie the switch sets, else the browser's own list. Only
        // the server reads that cookie (`platform::language`).
        <i18n::I18nContextProvider
            enable_cookie=cfg!(feature = "ssr")
            cookie_name=platform::language::LANGUAGE_COOKIE
            cookie_options=platform::language::server_cookie_options()
        >
        <Router>
            <routes::PrefetchLikelyNext />
            <Layout>
                <Routes fallback=NotFound>
                    // `SsrMode::Async` on the screens people open first: the page arrives whole,
                    // so a phone paints their content before the WebAssembly has downloaded
                    // (README, "A first screen arrives whole"). Every screen but the customer's
                    // home and the login page is a chunk of its own, fetched when first visited
                    // (`routes`).
                    <Route path=path!("") view=ordering::pages::CustomerHome ssr=SsrMode::Async />
                    <Route path=path!("/stores/:id") view={Lazy::<routes::StoreMenu>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cart") view={Lazy::<routes::Cart>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/orders") view={Lazy::<routes::MyOrders>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/orders/:id") view={Lazy::<routes::TrackOrder>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/inbox") view={Lazy::<routes::Inbox>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/signup") view={Lazy::<routes::SignUp>::new()} />
                    <Route path=path!("/account") view={Lazy::<routes::Account>::new()} />
                    <Route path=path!("/forgot") view={Lazy::<routes::Forgot>::new()} />
                    <Route path=path!("/reset") view={Lazy::<routes::Reset>::new()} />
                    <Route path=path!("/goodbye") view={Lazy::<routes::Goodbye>::new()} />
                    <Route path=path!("/demo/kakao") view={Lazy::<routes::DemoKakao>::new()} />
                    <Route path=path!("/store") view={Lazy::<routes::Kitchen>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/store/:id/setup") view={Lazy::<routes::StoreSetup>::new()} />
                    <Route path=path!("/rider") view={Lazy::<routes::Rider>::new()} />
                    <Route path=path!("/ops") view={Lazy::<routes::Ops>::new()} />
                    <Route path=path!("/ops/applications") view={Lazy::<routes::Applications>::new()} />
                    <Route path=path!("/partner/apply") view={Lazy::<routes::OwnerApply>::new()} />
                    <Route path=path!("/rider/apply") view={Lazy::<routes::RiderApply>::new()} />
                </Routes>
            </Layout>
        </Router>
        </i18n::I18nContextProvider>
    }
}
