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

use support::Fixture;

use anyhow::{bail, Context, Result};
use sqlx::PgPool;
use std::process::Command;
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
        cluster = with_statement_stats(cluster, "bench").await?;
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
    let ceiling = pgbench(cluster, &fixture, options)?;
    println!("pgbench, same domain SQL:       {ceiling:>8.0} tx/s");
    // pgbench's rows would otherwise sit in the event log in front of the real orders.
    sqlx::query("DELETE FROM events.log WHERE actor = 'bench'")
        .execute(&pool)
        .await?;
    sqlx::query(
        "DELETE FROM ordering.order_lines l USING ordering.orders o
         WHERE l.order_id = o.order_id AND o.delivery_address = 'bench'",
    )
    .execute(&pool)
    .await?;
    sqlx::query("DELETE FROM ordering.orders WHERE delivery_address = 'bench'")
        .execute(&pool)
        .await?;
    sqlx::query("VACUUM ANALYZE").execute(&pool).await?;

    // The provider is the simulator at full speed, over real HTTP, in this process.
    let (_, payments) = support::payments().await?;
    let state = AppState::new(pool.clone(), Some("baedal-demo".into()), payments);
    let background = server::workers::start(state.clone(), server::config::Role::All).await?;
    let base = support::serve(state).await?;
    if options.statements.is_some() {
        reset_statement_stats(&pool).await?;
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
    loop {
        let (undispatched, jobs) = backlog_now(&pool).await?;
        if undispatched == 0 && jobs == 0 {
            break;
        }
        if drain_started.elapsed() > Duration::from_secs(300) {
            println!("consumers did not catch up within 5 minutes");
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
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
        for line in top_statements(&pool, limit).await? {
            println!("  {line}");
        }
    }
    background.stop().await;
    pool.close().await;
    Ok(())
}

/// PlaceOrder's transaction in plain SQL, for pgbench: the order, its lines, OrderPlaced.
fn pgbench_script(f: &Fixture) -> String {
    format!(
        "\\set n random(1, 1000000000)
BEGIN;
INSERT INTO ordering.orders (order_id, customer_id, store_id, status, delivery_address,
    delivery_lat, delivery_lng, items_total_krw, delivery_fee_krw, total_krw)
VALUES (md5(:n::text || clock_timestamp()::text)::uuid, '{c}', '{s}', 'PLACED', 'bench', 37.54, 127.05, 10000, 2500, 12500)
RETURNING order_id \\gset
INSERT INTO ordering.order_lines (order_id, line_no, item_id, item_name, unit_price_krw, quantity, options, line_total_krw)
SELECT ':order_id'::uuid, * FROM unnest(ARRAY[1,2]::smallint[], ARRAY['{i}','{i}']::uuid[], ARRAY['a','b']::text[],
    ARRAY[5000,5000]::bigint[], ARRAY[1,1]::int[], ARRAY['[]','[]']::jsonb[], ARRAY[5000,5000]::bigint[]);
INSERT INTO events.log (event_id, order_id, event_type, payload, actor)
VALUES (gen_random_uuid(), ':order_id'::uuid, 'BenchOrderPlaced', '{{\"owner\": \"{o}\"}}', 'bench');
COMMIT;
",
        c = f.customer_id,
        s = f.store_id,
        i = f.item_id,
        o = f.owner_id
    )
}

/// Runs pgbench with the same clients and duration; returns its tx/s.
fn pgbench(cluster: &PrivateCluster, fixture: &Fixture, options: &Options) -> Result<f64> {
    let script = std::env::temp_dir().join(format!("baedal-bench-{}.sql", std::process::id()));
    std::fs::write(&script, pgbench_script(fixture))?;
    let bin = std::fs::read_dir("/usr/lib/postgresql")?
        .flatten()
        .map(|e| e.path().join("bin/pgbench"))
        .find(|p| p.exists())
        .context("pgbench not found under /usr/lib/postgresql")?;
    let url = cluster.url(database::DATABASE_NAME);
    let output = Command::new(bin)
        .args(["-n", "-c", &options.clients.to_string(), "-j", "2", "-T"])
        .arg(options.seconds.to_string())
        .arg("-f")
        .arg(&script)
        .arg(&url)
        .output()?;
    let _ = std::fs::remove_file(&script);
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "pgbench failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    text.lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .context("pgbench printed no tps line")
}

async fn backlog_now(pool: &PgPool) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT (SELECT count(*) FROM events.log WHERE dispatched_at IS NULL),
                (SELECT count(*) FROM graphile_worker._private_jobs WHERE run_at <= now())",
    )
    .fetch_one(pool)
    .await?)
}

async fn sample_backlog(pool: PgPool, samples: Arc<Mutex<Vec<(i64, i64)>>>) {
    loop {
        if let Ok(sample) = backlog_now(&pool).await {
            samples.lock().await.push(sample);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Restarts the cluster `name` with pg_stat_statements loaded, so that a run can tell which
/// statements took the database's time (see [`top_statements`]).
async fn with_statement_stats(cluster: PrivateCluster, name: &str) -> Result<PrivateCluster> {
    let admin = PgPool::connect(&cluster.url("postgres")).await?;
    sqlx::query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
        .execute(&admin)
        .await?;
    admin.close().await;
    cluster.stop()?;
    PrivateCluster::start(&support::cluster_dir(name), None)
}

/// Forgets the statement figures gathered so far (the setup's), in a database of a cluster
/// started by [`with_statement_stats`].
async fn reset_statement_stats(pool: &PgPool) -> Result<()> {
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .execute(pool)
        .await?;
    sqlx::query("SELECT pg_stat_statements_reset()")
        .execute(pool)
        .await?;
    Ok(())
}

/// The `limit` statements that took the most execution time since the last reset, one line each:
/// calls, total time, and the statement's start.
async fn top_statements(pool: &PgPool, limit: i64) -> Result<Vec<String>> {
    let rows: Vec<(i64, f64, String)> = sqlx::query_as(
        "SELECT calls, total_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'), 90)
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(calls, ms, statement)| format!("{calls:>8} calls {ms:>8.0} ms  {statement}"))
        .collect())
}
