//! What the providers' simulators (payment, geocoding) share: whether tests may drive them, and
//! how one is served on its own or inside another process.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use axum::Router;

/// Whether a simulator serves its test endpoints (`/control` for its switches, and whatever it
/// lets tests read). Tests and load checks drive it through them; the demo's simulators have
/// none, so nothing that reaches them can turn failures on or read what they recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestControls {
    Served,
    Absent,
}

/// Serves `routes` on 127.0.0.1:`port` as a process of its own, logging to stderr, and prints
/// `listening on http://ADDRESS` once it accepts connections (tests and scripts read that line
/// to learn the port; port 0 picks a free one).
pub async fn serve_standalone(port: u16, routes: Router) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .with_context(|| format!("listening on port {port}"))?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, routes).await?;
    Ok(())
}

/// Serves `routes` inside this process on a free local port; returns its base address.
pub async fn serve_in_process(what: &'static str, routes: Router) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, routes).await {
            tracing::error!(%error, "the {what} stopped");
        }
    });
    Ok(address)
}
