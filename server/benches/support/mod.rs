//! What the benchmarks share: a fresh PostgreSQL of their own, the payment provider, the real
//! server in this process, or the deployment's processes apart ([`fleet`]).

// Each benchmark uses its own part of this module.
#![allow(dead_code)]

pub mod fleet;
pub mod pgbench;
pub mod statements;

use std::path::PathBuf;

use anyhow::Result;
use leptos::config::LeptosOptions;

use app::payment::gateway::{GatewaySettings, PaymentGateway};
use app::platform::state::AppState;
use server::database::PrivateCluster;
use sqlx::PgPool;
use uuid::Uuid;

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
    let provider = server::payment_gateway_sim::start_in_process(
        Default::default(),
        server::payment_gateway_sim::TestControls::Served,
    )
    .await?;
    let gateway =
        PaymentGateway::new(&GatewaySettings::new(provider.clone())).map_err(anyhow::Error::msg)?;
    Ok((provider, gateway))
}

/// Serves the app on a free local port; returns its base address.
pub async fn serve(mut state: AppState) -> Result<String> {
    // A load generator is a runaway tab by design, and its clients all log in as one customer:
    // lift the per-session call limit and the login limits.
    state.throttles =
        app::platform::throttle::Throttles::new(app::platform::throttle::ThrottleLimits {
            calls_per_session_per_second: 1_000_000,
            calls_per_session_burst: 1_000_000,
            logins_per_account_per_minute: 1_000_000,
            logins_per_address_per_minute: 1_000_000,
            ..Default::default()
        });
    serve_with_its_limits(state).await
}

/// Serves the app on a free local port with the throttles `state` already has, knowing each
/// client's address; returns its base address.
pub async fn serve_with_its_limits(state: AppState) -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let leptos = LeptosOptions::builder()
        .output_name("baedal")
        .site_addr(addr)
        .build();
    let router = server::routes::app(leptos, state, &Default::default());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
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

/// The benchmark's `--name N` arguments, each a whole number, starting from `defaults`; any other
/// argument is refused with the list of those it takes.
pub fn whole_number_flags<const N: usize>(
    mut defaults: [(&'static str, u64); N],
) -> anyhow::Result<[(&'static str, u64); N]> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        // cargo bench passes --bench to every harness-less benchmark.
        if arg == "--bench" {
            continue;
        }
        let Some((_, value)) = defaults
            .iter_mut()
            .find(|(name, _)| arg == format!("--{name}"))
        else {
            let known: Vec<String> = defaults
                .iter()
                .map(|(name, _)| format!("--{name} N"))
                .collect();
            anyhow::bail!("unknown argument {arg}; use {}", known.join(" "));
        };
        *value = args
            .next()
            .ok_or_else(|| anyhow::anyhow!("{arg} needs a number after it"))?
            .parse()
            .map_err(|_| anyhow::anyhow!("{arg} takes a whole number"))?;
    }
    Ok(defaults)
}

/// The median and 99th percentile of `samples`, or `None` when there are none.
pub fn p50_p99(mut samples: Vec<f64>) -> Option<(f64, f64)> {
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    (!samples.is_empty()).then(|| (at(0.5), at(0.99)))
}

/// The demo ids an order needs.
pub struct Fixture {
    pub store_id: Uuid,
    pub customer_id: Uuid,
    pub address_id: Uuid,
    pub item_id: Uuid,
    pub owner_id: Uuid,
}

impl Fixture {
    pub async fn load(pool: &PgPool) -> Result<Fixture> {
        let (store_id, owner_id): (Uuid, Uuid) = sqlx::query_as(
            "SELECT store_id, owner_id FROM store.stores WHERE name = '서울숲 24시 김밥'",
        )
        .fetch_one(pool)
        .await?;
        let item_id = sqlx::query_scalar(
            "SELECT item_id FROM store.menu_items WHERE store_id = $1 AND name = '돈까스김밥'",
        )
        .bind(store_id)
        .fetch_one(pool)
        .await?;
        let (customer_id, address_id): (Uuid, Uuid) = sqlx::query_as(
            "SELECT a.account_id, a.address_id FROM platform.customer_addresses a
             JOIN platform.accounts p USING (account_id) WHERE p.email = 'minji@baedal.test'
             ORDER BY a.created_at LIMIT 1",
        )
        .fetch_one(pool)
        .await?;
        Ok(Fixture {
            store_id,
            customer_id,
            address_id,
            item_id,
            owner_id,
        })
    }

    pub fn order_json(&self) -> serde_json::Value {
        serde_json::json!({ "order": {
            "store_id": self.store_id,
            "address_id": self.address_id,
            "lines": [{ "item_id": self.item_id, "quantity": 2 }],
        }})
    }
}

/// Each client places `order` over HTTP as fast as it can until `deadline`; returns the
/// latencies in milliseconds of the orders placed, and how many attempts failed.
pub async fn place_orders_until(
    base: &str,
    clients: Vec<reqwest::Client>,
    order: &serde_json::Value,
    deadline: std::time::Instant,
) -> Result<(Vec<f64>, usize)> {
    let mut running = Vec::new();
    for http in clients {
        let (body, url) = (order.clone(), format!("{base}/api/place_order"));
        running.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            while std::time::Instant::now() < deadline {
                let sent = std::time::Instant::now();
                let placed = http
                    .post(&url)
                    .json(&body)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if placed {
                    latencies.push(sent.elapsed().as_secs_f64() * 1e3);
                } else {
                    errors += 1;
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for client in running {
        let (mine, failed) = client.await?;
        latencies.extend(mine);
        errors += failed;
    }
    Ok((latencies, errors))
}

/// Events not yet dispatched, and jobs due but not run: what the consumers owe right now.
pub async fn backlog_now(pool: &PgPool) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT count(*) FROM events.log WHERE dispatched_at IS NULL),
                (SELECT count(*) FROM graphile_worker._private_jobs WHERE run_at <= now())",
    )
    .fetch_one(pool)
    .await?)
}

/// Waits until no event waits for dispatch and no job is due, looking every 50 ms; `false` when
/// that took longer than `limit`.
pub async fn until_backlog_empty(pool: &PgPool, limit: std::time::Duration) -> Result<bool> {
    let started = std::time::Instant::now();
    while backlog_now(pool).await? != (0, 0) {
        if started.elapsed() > limit {
            return Ok(false);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Ok(true)
}
