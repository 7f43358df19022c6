//! The axum application: pages, server functions, static files, sessions.

use app::platform::{session_store::PgSessionStore, state::AppState};
use app::{shell, App};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

/// How long a session lasts without being used.
const SESSION_IDLE_DAYS: i64 = 14;

/// Builds the whole HTTP application around `state`.
pub fn app(leptos_options: LeptosOptions, state: AppState, secure_cookies: bool) -> Router {
    let routes = generate_route_list(App);
    let sessions = SessionManagerLayer::new(PgSessionStore::new(state.pool.clone()))
        .with_name("baedal_session")
        .with_secure(secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(
            SESSION_IDLE_DAYS,
        )));

    Router::new()
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            move || provide_context(state.clone()),
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(sessions)
        .with_state(leptos_options)
}
