//! Runs Baedal: starts or connects to PostgreSQL, migrates, optionally loads demo data, serves.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{Context, Result};
use leptos::prelude::get_configuration;
use tracing_subscriber::EnvFilter;

use app::notification::kakao::KakaoChannel;
use app::payment::gateway::{GatewaySettings, PaymentGateway};
use app::platform::state::AppState;
use server::{config::Config, database, demo, routes, workers};

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn")),
        )
        .init();
    let config = Config::from_env();
    let leptos_options = get_configuration(None)
        .context("reading the Leptos configuration")?
        .leptos_options;

    let cluster = match &config.database_url {
        Some(_) => None,
        None => Some(database::PrivateCluster::start(
            &config.data_dir,
            config.pg_bin_dir.as_deref(),
        )?),
    };
    let url = match (&config.database_url, &cluster) {
        (Some(url), _) => url.clone(),
        (None, Some(cluster)) => cluster.url(database::DATABASE_NAME),
        (None, None) => unreachable!("a cluster is started whenever DATABASE_URL is unset"),
    };
    let served = serve(&config, leptos_options, &url).await;
    if let Some(cluster) = cluster {
        if let Err(error) = cluster.stop() {
            tracing::error!(%error, "could not stop the private PostgreSQL");
        }
    }
    served
}

async fn serve(
    config: &Config,
    leptos_options: leptos::config::LeptosOptions,
    url: &str,
) -> Result<()> {
    let pool = database::connect_and_migrate(url, 20).await?;
    let demo_password = if config.demo {
        demo::prepare(&pool).await?
    } else {
        None
    };
    let payment_url = match &config.payment_url {
        Some(url) => url.clone(),
        // Outside the demo, charges must never be approved by a stand-in.
        None if !config.demo => anyhow::bail!(
            "BAEDAL_PAYMENT_URL is not set: set it to the payment provider's address \
             (the built-in simulator runs only with BAEDAL_DEMO=1)"
        ),
        None => {
            let url = server::payment_gateway_sim::start_in_process(
                Default::default(),
                server::payment_gateway_sim::TestControls::Absent,
            )
            .await
            .context("starting the built-in payment simulator")?;
            tracing::info!(
                %url,
                "payments go to the built-in simulator (set BAEDAL_PAYMENT_URL for a real provider)"
            );
            url
        }
    };
    let payments = PaymentGateway::new(&GatewaySettings {
        timeout: config.payment_timeout,
        ..GatewaySettings::new(payment_url)
    })
    .map_err(anyhow::Error::msg)?;
    let mut state = AppState::new(pool.clone(), demo_password, payments);
    state.acceptance_window = config.acceptance_window;
    state.pay_later_window = config.pay_later_window;
    let trusted_proxies = config.trusted_proxies.clone().map_err(anyhow::Error::msg)?;
    state.throttles = app::platform::throttle::Throttles::new(config.throttle_limits)
        .trusting(app::platform::throttle::TrustedProxies(trusted_proxies));
    if let Some(settings) = &config.kakao {
        state.kakao = Some(KakaoChannel::new(settings.clone()).map_err(anyhow::Error::msg)?);
        tracing::info!(url = %settings.url, "KakaoTalk messages are on");
    }
    for name in &config.paused_consumers {
        let consumer = app::platform::events::Consumer::parse(name).with_context(|| {
            format!("BAEDAL_PAUSED_CONSUMERS names an unknown consumer {name:?}")
        })?;
        app::platform::consumers::pause(&pool, consumer).await?;
    }
    let background = workers::start(state.clone()).await?;
    let addr = leptos_options.site_addr;
    let deployment = routes::Deployment {
        tls: config.tls,
        allowed_origins: server::security::AllowedOrigins(config.allowed_origins.clone()),
    };
    let app = routes::app(leptos_options, state, &deployment);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    tracing::info!("Baedal is listening on http://{addr}");
    // Connection info gives the login throttle each client's address.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving HTTP")?;
    background.stop().await;
    pool.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
