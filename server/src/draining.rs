//! How a web process leaves a rolling restart without failing a request.
//!
//! On SIGTERM the process first drains: `/health` answers 503 so the proxy in front stops
//! sending it new requests, every response says `Connection: close` so that no client keeps a
//! connection it might send on just as the process closes it, and live sockets are told to
//! reconnect. Only after the drain does the process stop taking connections and let the
//! requests in flight finish.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// Whether this process is draining; shared by the routes and `main`.
#[derive(Debug, Clone, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    pub fn start(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_on(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// `GET /health`: 200 while the process takes requests, 503 once it drains.
pub async fn health(State(draining): State<Draining>) -> (StatusCode, &'static str) {
    match draining.is_on() {
        false => (StatusCode::OK, "ok"),
        true => (
            StatusCode::SERVICE_UNAVAILABLE,
            "draining: this instance is stopping",
        ),
    }
}

/// While draining, every response ends its connection.
pub async fn close_connections(
    State(draining): State<Draining>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if draining.is_on() {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}
