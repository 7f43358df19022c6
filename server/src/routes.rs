//! The axum application: pages, server functions, static files, sessions.

use app::platform::{auth, session_store::PgSessionStore, state::AppState};
use app::{shell, App};
use axum::extract::ws::WebSocketUpgrade;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_sessions::{cookie::SameSite, Expiry, Session, SessionManagerLayer};

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
        .route("/ws", get(live_socket))
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(Extension(state))
        .layer(sessions)
        .with_state(leptos_options)
}

/// `/ws`: live updates for the logged-in account of this session.
async fn live_socket(
    upgrade: WebSocketUpgrade,
    session: Session,
    Extension(state): Extension<AppState>,
) -> Response {
    match auth::user_of_session(&session, &state.pool).await {
        Ok(Some(user)) => {
            let hub = state.live.clone();
            let pool = state.pool.clone();
            upgrade.on_upgrade(move |socket| hub.serve(socket, user, pool))
        }
        Ok(None) => (StatusCode::UNAUTHORIZED, "Log in to follow live updates.").into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}
