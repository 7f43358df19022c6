//! Measures PlaceOrder end to end on this machine and compares it with PostgreSQL's own ceiling.
//!
//! `cargo bench -p server --bench place_order [-- --clients 16 --seconds 15 --statements 20]`
//!
//! 1. pgbench runs the same domain SQL as PlaceOrder's transaction (order, lines, OrderPlaced)
//!    with the same number of clients: the database's ceiling for this write.
//! 2. The real server (HTTP, sessions, server functions, dispatcher, job workers) runs in this
//!    process; each client logs in and places orders over HTTP as fast as it can.
//!
//! It prints throughput, p50/p99 latency, the time from commit to the tracking read model showing
//! the order, and the backlog of undispatched events and queued jobs sampled during the run.

mod support;

use support::{backlog_now, pgbench, statements, Fixture};

use anyhow::{bail, Context, Result};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

use app::platform::events::Consumer;
use app::platform::{consumers, state::AppState};
use server::database::{self, PrivateCluster};

struct Options {
    clients: usize,
    seconds: u64,
    /// `--consumers paused`: hold every consumer during the load, to see PlaceOrder alone;
    /// they are resumed afterwards and the drain time shows what they then owe.
    consumers_paused: bool,
    /// `--statements N`: load pg_stat_statements and print the N statements that took the most
    /// database time during the load and the drain.
    statements: Option<i64>,
}

fn options() -> Result<Options> {
    let mut options = Options {
        clients: 16,
        seconds: 15,
        consumers_paused: false,
        statements: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        // `cargo bench` passes --bench to every benchmark binary.
        if arg == "--bench" {
            continue;
        }
        let value = args
            .next()
            .with_context(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--clients" => options.clients = value.parse()?,
            "--seconds" => options.seconds = value.parse()?,
            "--consumers" => options.consumers_paused = value == "paused",
            "--statements" => options.statements = Some(value.parse()?),
            other => bail!(
                "unknown option {other}; use --clients N --seconds S --consumers running|paused --statements N"
            ),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> Result<()> {
    let options = options()?;
    let mut cluster = support::fresh_cluster("bench")?;
    if options.statements.is_some() {
        cluster = statements::collecting(cluster, "bench").await?;
    }
    let outcome = run(&cluster, &options).await;
    cluster.stop()?;
    outcome
}

async fn run(cluster: &PrivateCluster, options: &Options) -> Result<()> {
    let url = cluster.url(database::DATABASE_NAME);
    let pool = database::connect_and_migrate(&url, 40).await?;
    server::demo::load_if_empty(&pool).await?;
    let fixture = Fixture::load(&pool).await?;

    println!(
        "Baedal PlaceOrder benchmark: {} clients, {} s each phase",
        options.clients, options.seconds
    );
    let ceiling = pgbench::place_order_writes(cluster, &fixture, options.clients, options.seconds)?;
    println!("pgbench, same domain SQL:       {ceiling:>8.0} tx/s");
    pgbench::forget_its_rows(&pool).await?;

    // The provider is the simulator at full speed, over real HTTP, in this process.
    let (_, payments) = support::payments().await?;
    let state = AppState::new(
        pool.clone(),
        Some("baedal-demo".into()),
        payments,
        app::contexts::HOOKS,
    );
    let background = server::workers::start(state.clone(), server::config::Role::All).await?;
    let base = support::serve(state).await?;
    if options.statements.is_some() {
        statements::forget_so_far(&pool).await?;
    }

    if options.consumers_paused {
        for consumer in Consumer::ALL {
            consumers::pause(&pool, consumer).await?;
        }
        println!("(consumers paused during the load)");
    }
    let backlog = Arc::new(Mutex::new(Vec::new()));
    let sampler = tokio::spawn(sample_backlog(pool.clone(), backlog.clone()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let mut clients = Vec::new();
    for _ in 0..options.clients {
        clients.push(support::customer(&base).await?);
    }
    let (latencies, errors) =
        support::place_orders_until(&base, clients, &fixture.order_json(), deadline).await?;
    let elapsed = started.elapsed().as_secs_f64();
    let placed = latencies.len();
    let (p50, p99) = support::p50_p99(latencies).context("no order was placed")?;
    let rate = placed as f64 / elapsed;
    println!(
        "PlaceOrder over HTTP:            {rate:>8.0} orders/s  ({:.0}% of pgbench), {errors} errors",
        100.0 * rate / ceiling
    );
    println!("PlaceOrder latency:              p50 {p50:>6.1} ms   p99 {p99:>6.1} ms");

    // Load is over; how long until every event is dispatched and every job has run?
    let drain_started = Instant::now();
    if options.consumers_paused {
        for consumer in Consumer::ALL {
            consumers::resume(&pool, consumer).await?;
        }
    }
    if !support::until_backlog_empty(&pool, Duration::from_secs(300)).await? {
        println!("consumers did not catch up within 5 minutes");
    }
    let drain = drain_started.elapsed();
    sampler.abort();
    let samples = backlog.lock().await;
    let max_events = samples.iter().map(|s| s.0).max().unwrap_or(0);
    let max_jobs = samples.iter().map(|s| s.1).max().unwrap_or(0);
    let last = samples.last().copied().unwrap_or((0, 0));
    println!(
        "backlog during load (max):       {max_events} undispatched events, {max_jobs} queued jobs; at the end {} and {}",
        last.0, last.1
    );
    println!(
        "drained after load stopped in:   {:.1} s",
        drain.as_secs_f64()
    );

    let lag: (Option<f64>, Option<f64>, i64) = sqlx::query_as(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM created_at - placed_at)),
                percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM created_at - placed_at)),
                count(*)
         FROM tracking.order_views",
    )
    .fetch_one(&pool)
    .await?;
    let paid: i64 = sqlx::query_scalar("SELECT count(*) FROM payment.payments")
        .fetch_one(&pool)
        .await?;
    println!(
        "commit → tracking read model:    p50 {:>6.1} ms   p99 {:>6.1} ms  ({} of {placed} orders visible, {paid} paid)",
        lag.0.unwrap_or(f64::NAN) * 1e3,
        lag.1.unwrap_or(f64::NAN) * 1e3,
        lag.2
    );
    drop(samples);
    if let Some(limit) = options.statements {
        println!("statements by database time (load and drain):");
        for line in statements::costliest(&pool, limit).await? {
            println!("  {line}");
        }
    }
    background.stop().await;
    pool.close().await;
    Ok(())
}

async fn sample_backlog(pool: PgPool, samples: Arc<Mutex<Vec<(i64, i64)>>>) {
    loop {
        if let Ok(sample) = backlog_now(&pool).await {
            samples.lock().await.push(sample);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
