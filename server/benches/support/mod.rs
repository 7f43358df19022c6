//! What both benchmarks need: a fresh PostgreSQL of their own, the payment provider, and the
//! real server in this process.

use std::path::PathBuf;

use anyhow::Result;
use leptos::config::LeptosOptions;

use app::payment::gateway::{GatewaySettings, PaymentGateway};
use app::platform::state::AppState;
use server::database::PrivateCluster;

/// A new, empty cluster under `.baedal/<name>`; what an earlier run left there is removed.
pub fn fresh_cluster(name: &str) -> Result<PrivateCluster> {
    let dir = cluster_dir(name);
    if dir.exists() {
        if let Ok(old) = PrivateCluster::start(&dir, None) {
            let _ = old.stop();
        }
        std::fs::remove_dir_all(&dir)?;
    }
    PrivateCluster::start(&dir, None)
}

/// Where the cluster `name` keeps its data.
pub fn cluster_dir(name: &str) -> PathBuf {
    // cargo runs benchmarks from the package directory; keep the cluster beside the others.
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.baedal")).join(name)
}

/// The payment simulator at full speed in this process, and a client for it with the default
/// timeout and breaker; returns the simulator's address too, for its switches and ledger.
pub async fn payments() -> Result<(String, PaymentGateway)> {
    let provider = server::payment_gateway_sim::start_in_process(Default::default()).await?;
    let gateway =
        PaymentGateway::new(&GatewaySettings::new(provider.clone())).map_err(anyhow::Error::msg)?;
    Ok((provider, gateway))
}

/// Serves the app on a free local port; returns its base address.
pub async fn serve(mut state: AppState) -> Result<String> {
    // A load generator is a runaway tab by design: lift the per-session call limit.
    state.throttles =
        app::platform::throttle::Throttles::new(app::platform::throttle::ThrottleLimits {
            calls_per_session_per_second: 1_000_000,
            calls_per_session_burst: 1_000_000,
            ..Default::default()
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let leptos = LeptosOptions::builder()
        .output_name("baedal")
        .site_addr(addr)
        .build();
    let router = server::routes::app(leptos, state, &Default::default());
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(format!("http://{addr}"))
}

/// An HTTP client logged in as the demo customer minji.
pub async fn customer(base: &str) -> Result<reqwest::Client> {
    let http = reqwest::Client::builder().cookie_store(true).build()?;
    http.post(format!("{base}/api/login"))
        .form(&[("email", "minji@baedal.test"), ("password", "baedal-demo")])
        .send()
        .await?
        .error_for_status()?;
    Ok(http)
}

/// The median and 99th percentile of `samples`, or `None` when there are none.
pub fn p50_p99(mut samples: Vec<f64>) -> Option<(f64, f64)> {
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    (!samples.is_empty()).then(|| (at(0.5), at(0.99)))
}
