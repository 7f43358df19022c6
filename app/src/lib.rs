//! Baedal: one Leptos application for customers, store owners, riders and operators.
//!
//! Each folder is a bounded context (see ARCHITECTURE.md). The types in each `mod.rs` compile for
//! the browser and the server; everything behind `feature = "ssr"` is server-only.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]
// Release builds keep every view's full type (debug builds erase them), and the deeper pages
// (kitchen board, menu editor) exceed the default limit of 128.
#![recursion_limit = "256"]

pub mod delivery;
pub mod notification;
pub mod onboarding;
pub mod ops;
pub mod ordering;
pub mod payment;
pub mod places;
pub mod platform;
pub mod store;
pub mod tracking;

// The typed `i18n` module that build.rs generates from `locales/*.json`: `Locale`, `use_i18n`,
// `I18nContextProvider` and one key per sentence, checked at compile time.
include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use platform::pages::{Layout, LoginPage, NotFound};

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
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
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
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
        // The language comes from the cookie the switch sets, else the browser's own list.
        <i18n::I18nContextProvider>
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    // `SsrMode::Async` on the screens people open first: the page arrives whole,
                    // so a phone paints their content before the WebAssembly has downloaded
                    // (README, "A first screen arrives whole").
                    <Route path=path!("") view=ordering::pages::CustomerHome ssr=SsrMode::Async />
                    <Route path=path!("/stores/:id") view=ordering::pages::StorePage ssr=SsrMode::Async />
                    <Route path=path!("/cart") view=ordering::pages::CartPage ssr=SsrMode::Async />
                    <Route path=path!("/orders") view=tracking::pages::MyOrdersPage ssr=SsrMode::Async />
                    <Route path=path!("/orders/:id") view=tracking::pages::TrackOrderPage ssr=SsrMode::Async />
                    <Route path=path!("/inbox") view=notification::pages::InboxPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/signup") view=platform::account_pages::SignUpPage />
                    <Route path=path!("/account") view=platform::account_pages::AccountPage />
                    <Route path=path!("/forgot") view=platform::account_pages::ForgotPage />
                    <Route path=path!("/reset") view=platform::account_pages::ResetPage />
                    <Route path=path!("/goodbye") view=platform::account_pages::GoodbyePage />
                    <Route path=path!("/demo/kakao") view=platform::account_pages::DemoKakaoPage />
                    <Route path=path!("/store") view=store::pages::OwnerHome ssr=SsrMode::Async />
                    <Route path=path!("/store/:id/setup") view=store::pages::StoreSetupPage />
                    <Route path=path!("/rider") view=delivery::pages::RiderHome />
                    <Route path=path!("/ops") view=ops::pages::OpsHome />
                    <Route
                        path=path!("/ops/applications")
                        view=onboarding::pages::ApplicationsReviewPage
                    />
                    <Route path=path!("/partner/apply") view=onboarding::pages::OwnerApplyPage />
                    <Route path=path!("/rider/apply") view=onboarding::pages::RiderApplyPage />
                </Routes>
            </Layout>
        </Router>
        </i18n::I18nContextProvider>
    }
}
