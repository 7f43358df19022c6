//! The axum application: pages, server functions, static files, sessions.

use std::time::Instant;

use crate::client_errors::{self, ClientErrorLog};
use crate::site::{self, BuildAssets};
use app::platform::{
    auth, crash, first_frame::PageCaller, session_store::PgSessionStore, state::AppState,
};
use app::{shell, App};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_sessions::{cookie::SameSite, Expiry, Session, SessionManagerLayer};

/// How long a session lasts without being used.
const SESSION_IDLE_DAYS: i64 = 14;

/// Builds the whole HTTP application around `state`.
pub fn app(mut leptos_options: LeptosOptions, state: AppState, secure_cookies: bool) -> Router {
    let assets = BuildAssets::read(&leptos_options);
    // Pages name the bundle's files as this build wrote them, whoever started the binary.
    leptos_options.hash_files = assets.hashed;
    tracing::info!(hashed = assets.hashed, files = ?assets.first_load, "serving this build's bundle");
    let routes = generate_route_list(App);
    let sessions = SessionManagerLayer::new(PgSessionStore::new(state.pool.clone()))
        .with_name("baedal_session")
        .with_secure(secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(
            SESSION_IDLE_DAYS,
        )));

    let pkg_path = format!("/{}", leptos_options.site_pkg_dir);
    let pkg = assets.pkg_service(&leptos_options);
    Router::new()
        .route("/ws", get(live_socket))
        .route("/sw.js", assets.service_worker())
        .route(
            crash::REPORT_PATH,
            post(client_errors::receive)
                .with_state(ClientErrorLog::new(Instant::now()))
                .layer(DefaultBodyLimit::max(crash::MAX_REPORT_BYTES)),
        )
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
        .layer(site::revalidate_layer())
        // Pages, server functions and the small static files, compressed as they go out (a
        // middling level: these are made per request). Added before `/pkg`, whose files the
        // release build compresses ahead of time at the highest level.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .nest_service(&pkg_path, pkg)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            find_page_caller,
        ))
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

/// Finds who is asking for a page before the page renders, so that the server renders the page
/// for them in one pass and hands the same answer to the browser (`platform::first_frame`).
/// Server functions, the socket and static files find the caller themselves, or need none.
async fn find_page_caller(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    if is_page_request(&request) {
        let caller = match auth::user_of_session(&session, &state.pool).await {
            Ok(user) => user,
            Err(error) => {
                tracing::error!(%error, "could not read the session of a page request");
                None
            }
        };
        request.extensions_mut().insert(PageCaller(caller));
    }
    next.run(request).await
}

fn is_page_request(request: &Request) -> bool {
    let path = request.uri().path();
    let is_file = path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'));
    request.method() == Method::GET
        && !is_file
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && path != "/ws"
}
