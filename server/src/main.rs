//! Runs Baedal: starts or connects to PostgreSQL, migrates, optionally loads demo data, serves.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

use anyhow::{Context, Result};
use leptos::prelude::get_configuration;
use tracing_subscriber::EnvFilter;

use app::notification::kakao::KakaoChannel;
use app::payment::gateway::{GatewaySettings, PaymentGateway};
use app::places::geocoder::{Geocoder, GeocoderSettings};
use app::platform::state::AppState;
use server::config::{flag_value, Config, Role};
use server::{database, demo, routes, workers};

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn")),
        )
        .init();
    let config = Config::from_env();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("create-operator") {
        return create_operator(&config, &args[1..]).await;
    }
    let role = config.role.clone().map_err(anyhow::Error::msg)?;
    // A job worker serves no pages, so it needs no site configuration.
    let leptos_options = match role.serves_http() {
        true => Some(
            get_configuration(None)
                .context("reading the Leptos configuration")?
                .leptos_options,
        ),
        false => None,
    };

    let (cluster, url) = database_of(&config)?;
    let served = run(&config, role, leptos_options, &url).await;
    if let Some(cluster) = cluster {
        if let Err(error) = cluster.stop() {
            tracing::error!(%error, "could not stop the private PostgreSQL");
        }
    }
    served
}

async fn run(
    config: &Config,
    role: Role,
    leptos_options: Option<leptos::config::LeptosOptions>,
    url: &str,
) -> Result<()> {
    let pool = database::connect_and_migrate(url, pool_size(role)).await?;
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
    let mut state = AppState::new(pool.clone(), demo_password, payments, app::contexts::HOOKS);
    state.acceptance_window = config.acceptance_window;
    state.pay_later_window = config.pay_later_window;
    let trusted_proxies = config.trusted_proxies.clone().map_err(anyhow::Error::msg)?;
    state.throttles = app::platform::throttle::Throttles::new(config.throttle_limits)
        .trusting(app::platform::throttle::TrustedProxies(trusted_proxies));
    state.secure_cookies = config.tls;
    state.geocoder = geocoder(config).await?;
    if let Some(settings) = &config.kakao {
        state.kakao = Some(KakaoChannel::new(settings.clone()).map_err(anyhow::Error::msg)?);
        tracing::info!(url = %settings.url, "KakaoTalk messages are on");
    } else if config.demo {
        // Messages, phone codes among them, go to a stand-in whose page shows each phone's.
        let (url, inbox) = server::kakao_sim::start_in_process()
            .await
            .context("starting the built-in KakaoTalk stand-in")?;
        state.kakao = Some(
            KakaoChannel::new(app::notification::kakao::KakaoSettings {
                url,
                sender_key: "demo-sender-key".to_owned(),
                api_key: "demo-api-key".to_owned(),
                timeout: std::time::Duration::from_secs(5),
            })
            .map_err(anyhow::Error::msg)?,
        );
        state.kakao_stand_in = Some(inbox);
        tracing::info!(
            "KakaoTalk messages go to the built-in stand-in, shown at /demo/kakao \
             (set BAEDAL_KAKAO_URL for KakaoTalk itself)"
        );
    }
    for name in &config.paused_consumers {
        let consumer = app::platform::events::Consumer::parse(name).with_context(|| {
            format!("BAEDAL_PAUSED_CONSUMERS names an unknown consumer {name:?}")
        })?;
        app::platform::consumers::pause(&pool, consumer).await?;
    }
    let background = workers::start(state.clone(), role).await?;
    let Some(leptos_options) = leptos_options else {
        tracing::info!("Baedal's job worker is running (role worker: it serves nothing)");
        shutdown_signal().await;
        background.stop().await;
        pool.close().await;
        return Ok(());
    };
    let addr = leptos_options.site_addr;
    let deployment = routes::Deployment {
        tls: config.tls,
        allowed_origins: server::security::AllowedOrigins(config.allowed_origins.clone()),
        draining: Default::default(),
    };
    let draining = deployment.draining.clone();
    let hub = state.live.clone();
    let app = routes::app(leptos_options, state, &deployment);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    tracing::info!("Baedal is listening on http://{addr}");
    // On SIGTERM: drain (the proxy is told to look elsewhere, connections close after their
    // response, sockets are told to reconnect), then stop taking connections and let the
    // commands in flight finish for up to SHUTDOWN_GRACE, then stop the background work, whose
    // jobs in flight finish or go back to the queue.
    let (stopping, mut stopping_seen) = tokio::sync::watch::channel(false);
    let drain = config.drain;
    let signal = async move {
        shutdown_signal().await;
        draining.start();
        hub.close_all_for_restart();
        tracing::info!(seconds = drain.as_secs(), "draining before the shutdown");
        tokio::time::sleep(drain).await;
        let _ = stopping.send(true);
    };
    let serving = axum::serve(
        listener,
        // Connection info gives the login throttle each client's address.
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(signal);
    let grace_over = async move {
        let _ = stopping_seen.wait_for(|stopping| *stopping).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        served = serving => served.context("serving HTTP")?,
        _ = grace_over => tracing::warn!(
            "requests still running {} s after the shutdown signal were cut off",
            SHUTDOWN_GRACE.as_secs()
        ),
    }
    background.stop().await;
    pool.close().await;
    Ok(())
}

/// `server create-operator --email <email> [--name <name>]`: creates an operator account on the
/// database the server uses and prints the one-time link (24 hours) that sets its password. A
/// new deployment's first operator comes from here; the demo keeps its own.
async fn create_operator(config: &Config, args: &[String]) -> Result<()> {
    let Some(email) = flag_value(args, "--email") else {
        anyhow::bail!("usage: server create-operator --email <email> [--name <name>]");
    };
    let name = flag_value(args, "--name")
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
    let (cluster, url) = database_of(config)?;
    let created = async {
        let pool = database::connect_and_migrate(&url, 2).await?;
        let token = app::platform::administration::create_operator(&pool, &email, &name).await;
        pool.close().await;
        token.map_err(|error| anyhow::anyhow!("{email}: {error}"))
    }
    .await;
    if let Some(cluster) = cluster.filter(|cluster| cluster.launched_here()) {
        cluster.stop()?;
    }
    println!(
        "Operator {email} created. Open this link within {} hours to set its password:\n{}{}",
        app::platform::password_reset::LINK_HOURS,
        config.public_url,
        created?.page()
    );
    Ok(())
}

/// The database to use: `DATABASE_URL`'s, or the private cluster's (started unless it runs
/// already), with the cluster to stop afterwards.
fn database_of(config: &Config) -> Result<(Option<database::PrivateCluster>, String)> {
    match &config.database_url {
        Some(url) => Ok((None, url.clone())),
        None => {
            let cluster =
                database::PrivateCluster::start(&config.data_dir, config.pg_bin_dir.as_deref())?;
            let url = cluster.url(database::DATABASE_NAME);
            Ok((Some(cluster), url))
        }
    }
}

/// How long a stopping web process lets the commands in flight finish.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// Connections a process keeps to PostgreSQL: a web process's requests each hold one for a
/// command; a worker's jobs, dispatcher and recovery need few. README's deployment section adds
/// them up against `max_connections`.
fn pool_size(role: Role) -> u32 {
    match role {
        Role::Web => 20,
        Role::Worker => 10,
        Role::All => 20,
    }
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

/// The geocoding provider: the configured one, the built-in simulator in the demo, else none
/// (address search says it is off; "use my location" needs it too, so both are off).
async fn geocoder(config: &server::config::Config) -> Result<Option<Geocoder>> {
    let settings = match (&config.geocoder_url, &config.geocoder_key) {
        (Some(url), Some(key)) => GeocoderSettings::new(url.clone(), key.clone()),
        (Some(_), None) => anyhow::bail!(
            "BAEDAL_GEOCODER_URL is set without BAEDAL_GEOCODER_KEY, the provider's REST API key"
        ),
        (None, _) if config.demo => {
            let key = uuid::Uuid::new_v4().to_string();
            let url = server::geocoder_sim::start_in_process(
                &key,
                Default::default(),
                server::geocoder_sim::TestControls::Absent,
            )
            .await
            .context("starting the built-in geocoding simulator")?;
            tracing::info!(%url, "address search goes to the built-in simulator (Seongsu-dong only)");
            GeocoderSettings::new(url, key)
        }
        (None, _) => {
            tracing::warn!("BAEDAL_GEOCODER_URL is not set: address search is off");
            return Ok(None);
        }
    };
    Ok(Some(Geocoder::new(settings).map_err(anyhow::Error::msg)?))
}
