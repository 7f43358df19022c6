//! The axum application: pages, server functions, static files, sessions.

use std::time::Instant;

use crate::api_edge;
use crate::client_errors::{self, ClientErrorLog};
use crate::draining::{self, Draining};
use crate::security::{self, AllowedOrigins};
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

/// The session cookie's name; `api_edge` counts calls per session by it.
pub const SESSION_COOKIE: &str = "baedal_session";

/// How this deployment is reached: over TLS (secure cookies, HSTS) or plain HTTP (the demo and
/// tests on localhost), and which other origins may send it commands.
#[derive(Debug, Clone, Default)]
pub struct Deployment {
    pub tls: bool,
    pub allowed_origins: AllowedOrigins,
    /// Set on SIGTERM: `/health` fails and connections close (see `draining`).
    pub draining: Draining,
}

/// Builds the whole HTTP application around `state`.
pub fn app(mut leptos_options: LeptosOptions, state: AppState, deployment: &Deployment) -> Router {
    let assets = BuildAssets::read(&leptos_options);
    // Pages name the bundle's files as this build wrote them, whoever started the binary.
    leptos_options.hash_files = assets.hashed;
    tracing::info!(hashed = assets.hashed, files = ?assets.first_load, "serving this build's bundle");
    let routes = generate_route_list(App);
    let sessions = SessionManagerLayer::new(PgSessionStore::new(state.pool.clone()))
        .with_name(SESSION_COOKIE)
        .with_secure(deployment.tls)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        // The longest idle time of any role; `auth` ends a shorter-lived role's session itself.
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            auth::SessionLifetime::of(app::platform::Role::Customer)
                .idle
                .num_seconds(),
        )));

    let pkg_path = format!("/{}", leptos_options.site_pkg_dir);
    let pkg = assets.pkg_service(&leptos_options);
    let bundle = assets.bundle();
    let router = Router::new()
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
                move || {
                    provide_context(state.clone());
                    security::page_policy();
                }
            },
            {
                let options = leptos_options.clone();
                let bundle = bundle.clone();
                move || shell(options.clone(), bundle.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler_with_context(
            security::page_policy,
            move |options| shell(options, bundle.clone()),
        ))
        .layer(site::revalidate_layer())
        .layer(middleware::from_fn(security::name_page_nonce))
        // Inside the compression layer: it reads refusals before they are compressed.
        .layer(middleware::from_fn_with_state(
            state.throttles.clone(),
            api_edge::guard,
        ))
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
        // Outside the session layer: a request from another site is refused before its session
        // is even read.
        .layer(middleware::from_fn_with_state(
            deployment.allowed_origins.clone(),
            security::refuse_other_sites,
        ))
        .with_state(leptos_options);
    security::with_headers(router, deployment.tls)
        .route(
            "/health",
            get(draining::health).with_state(deployment.draining.clone()),
        )
        .layer(middleware::from_fn_with_state(
            deployment.draining.clone(),
            draining::close_connections,
        ))
}

/// The largest message a browser may send on `/ws`: a follow or an unfollow is a few dozen bytes.
const MAX_SOCKET_MESSAGE_BYTES: usize = 4 * 1024;

/// What a socket reads into at once: anything a browser may send fits twice.
const SOCKET_READ_BUFFER_BYTES: usize = 2 * MAX_SOCKET_MESSAGE_BYTES;

/// `/ws`: live updates for the logged-in account of this session.
async fn live_socket(
    upgrade: WebSocketUpgrade,
    session: Session,
    Extension(state): Extension<AppState>,
) -> Response {
    match (
        auth::user_of_session(&session, &state.pool).await,
        session.id(),
    ) {
        (Ok(Some(user)), Some(session_id)) => {
            let hub = state.live.clone();
            let pool = state.pool.clone();
            upgrade
                .max_message_size(MAX_SOCKET_MESSAGE_BYTES)
                .max_frame_size(MAX_SOCKET_MESSAGE_BYTES)
                // The library's default reserves 128 KiB per socket for reading, which is
                // nearly all that an idle socket costs; a follow is a few dozen bytes.
                .read_buffer_size(SOCKET_READ_BUFFER_BYTES)
                .on_upgrade(move |socket| hub.serve(socket, user, session_id, pool))
        }
        (Err(error), _) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
        _ => (StatusCode::UNAUTHORIZED, "Log in to follow live updates.").into_response(),
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
