//! The highest steady order rate the saga keeps up with, with the workers in their own process,
//! as a fraction of what PostgreSQL alone does with PlaceOrder's writes.
//!
//! `cargo bench -p server --bench saga_rate -- [--web 1] [--workers 1] [--apart 1]
//!  [--clients 16] [--seconds 10] [--step 5] [--max 60] [--statements 0] [--ceiling 0]`
//!
//! 1. pgbench runs PlaceOrder's domain SQL (order, lines, OrderPlaced) with `--clients` clients
//!    for `--seconds`: the database's ceiling for the write every order starts with.
//! 2. `--web` web processes and `--workers` worker processes start on that database (`--apart 0`:
//!    one `--role all` process instead, the layout the earlier figures were taken on). Customers
//!    place orders over HTTP at a steady rate, `--step`, 2×`--step`, … percent of the ceiling, each
//!    rate for `--seconds`, while the worker runs what follows every order: the payment at the
//!    provider (the simulator, over HTTP), the Paid event, the tracking read model, the kitchen's
//!    copy and the notifications.
//! 3. A rate is kept up with when nearly every order it offered was placed, the tracking read
//!    model showed the orders within 100 ms (p99, from the order's commit to its row, PostgreSQL's
//!    clock) and the backlog emptied within a second of the rate stopping. The sweep stops after
//!    two rates in a row that were not, or at `--max` percent.
//!
//! `--ceiling N` skips pgbench and takes N tx/s as the ceiling, so that two trees compared side
//! by side are offered the same rates (pgbench's figure moves by a third between runs here).
//!
//! It prints one line per rate and the highest rate kept up with, against the ceiling; with
//! `--statements N`, also the N statements that took the most database time during the sweep.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
use sqlx::PgPool;
use tokio::sync::Semaphore;

use support::fleet::{Actor, Fleet};
use support::{backlog_now, pgbench, statements, Fixture};

/// What "kept up" allows: the read model's p99 lag, the time the backlog may take to empty once
/// the rate stops, and the share of offered orders that must have been placed.
const READ_MODEL_P99_MS: f64 = 100.0;
const DRAIN_LIMIT: Duration = Duration::from_secs(1);
const PLACED_SHARE: f64 = 0.95;
/// Orders in flight at once; an order due while this many wait is counted as not offered, so
/// that a server falling behind shows as a shortfall instead of an ever longer queue here.
const MAX_IN_FLIGHT: usize = 256;
/// Orders offered before the sweep, not reported.
const WARM_UP_SECONDS: u64 = 3;
/// The app allows a session 20 calls a second; each session is offered at most this many.
const ORDERS_PER_SESSION_PER_SECOND: f64 = 15.0;

struct Options {
    web: u64,
    workers: u64,
    apart: bool,
    clients: u64,
    seconds: u64,
    step_percent: u64,
    max_percent: u64,
    /// How many of the costliest statements to print; 0 leaves pg_stat_statements off.
    statements: u64,
    /// pgbench's tx/s given instead of measured; 0 measures it.
    ceiling: u64,
}

impl Options {
    fn from_args() -> Result<Options> {
        let [(_, web), (_, workers), (_, apart), (_, clients), (_, seconds), (_, step), (_, max), (_, statements), (_, ceiling)] =
            support::whole_number_flags([
                ("web", 1),
                ("workers", 1),
                ("apart", 1),
                ("clients", 16),
                ("seconds", 10),
                ("step", 5),
                ("max", 60),
                ("statements", 0),
                ("ceiling", 0),
            ])?;
        anyhow::ensure!(
            web >= 1 && step >= 1 && seconds >= 1,
            "--web, --step and --seconds must be at least 1"
        );
        Ok(Options {
            web,
            workers,
            apart: apart != 0,
            clients,
            seconds,
            step_percent: step,
            max_percent: max,
            statements,
            ceiling,
        })
    }

    /// The processes to start: web and worker apart, or one that does both.
    fn roles(&self) -> Vec<&'static str> {
        if !self.apart {
            return vec!["all"];
        }
        let web = std::iter::repeat_n("web", self.web as usize);
        web.chain(std::iter::repeat_n("worker", self.workers as usize))
            .collect()
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let options = Options::from_args()?;
    let mut cluster = support::fresh_cluster("saga-rate")?;
    if options.statements > 0 {
        cluster = statements::collecting(cluster, "saga-rate").await?;
    }
    let outcome = run(&cluster, &options).await;
    cluster.stop()?;
    outcome
}

async fn run(cluster: &server::database::PrivateCluster, options: &Options) -> Result<()> {
    let database_url = cluster.url(server::database::DATABASE_NAME);
    let pool = server::database::connect_and_migrate(&database_url, 4).await?;
    server::demo::load_if_empty(&pool).await?;
    let fixture = Fixture::load(&pool).await?;

    let ceiling = if options.ceiling > 0 {
        options.ceiling as f64
    } else {
        let measured = pgbench::place_order_writes(
            cluster,
            &fixture,
            options.clients as usize,
            options.seconds,
        )?;
        pgbench::forget_its_rows(&pool).await?;
        measured
    };

    let (payment_url, _) = support::payments().await?;
    let logs = support::cluster_dir("saga-rate").join("logs");
    let roles = options.roles();
    let mut fleet = Fleet::of(
        database_url,
        logs,
        vec![
            ("BAEDAL_PAYMENT_URL", payment_url),
            ("BAEDAL_LOGINS_PER_ACCOUNT", "100000".into()),
            ("BAEDAL_LOGINS_PER_ADDRESS", "100000".into()),
        ],
        &roles,
    )?;
    fleet.start_all().await?;
    let bases = fleet.bases();
    println!(
        "Baedal saga rate: processes {}; pgbench {} clients; {} s per rate",
        roles.join(" + "),
        options.clients,
        options.seconds
    );
    let measured_or_given = if options.ceiling > 0 {
        "given"
    } else {
        "measured"
    };
    println!("pgbench, PlaceOrder's domain SQL: {ceiling:.0} tx/s ({measured_or_given})");

    let highest_rate = ceiling * options.max_percent as f64 / 100.0;
    let sessions = log_in_sessions(
        &bases,
        (highest_rate / ORDERS_PER_SESSION_PER_SECOND).ceil(),
    )
    .await?;
    let order = serde_json::to_string(&fixture.order_json())?;
    // The processes open their pools' connections and warm their caches on the first orders;
    // a few seconds at the first rate keep that out of the first line.
    let first_rate = ceiling * options.step_percent as f64 / 100.0;
    one_rate(
        &pool,
        &sessions,
        &bases,
        &order,
        first_rate,
        WARM_UP_SECONDS,
    )
    .await?;
    if options.statements > 0 {
        statements::forget_so_far(&pool).await?;
    }

    println!();
    println!(
        "{:>6} {:>8} {:>8} {:>7} {:>15} {:>17} {:>17} {:>14} {:>7}",
        "% pgb",
        "offered",
        "placed/s",
        "failed",
        "place p50/p99",
        "visible p50/p99",
        "paid p50/p99",
        "backlog max",
        "drain"
    );
    let mut kept_up_with: Option<f64> = None;
    let mut misses_in_a_row = 0;
    let mut placed_in_all = 0;
    let mut percent = options.step_percent;
    while percent <= options.max_percent && misses_in_a_row < 2 {
        let rate = ceiling * percent as f64 / 100.0;
        let step = one_rate(&pool, &sessions, &bases, &order, rate, options.seconds).await?;
        let kept_up = step.kept_up();
        placed_in_all += step.placed;
        println!(
            "{percent:>5}% {rate:>8.0} {:>8.0} {:>7} {:>15} {:>17} {:>17} {:>14} {:>6.1}s{}",
            step.placed_per_second(),
            step.failed + step.not_offered,
            pair(step.place_ms),
            pair(step.visible_ms),
            pair(step.paid_ms),
            format!("{} ev, {} jobs", step.backlog_max.0, step.backlog_max.1),
            step.drain.as_secs_f64(),
            if kept_up { "" } else { "  not kept up" }
        );
        if kept_up {
            kept_up_with = Some(step.placed_per_second());
            misses_in_a_row = 0;
        } else {
            misses_in_a_row += 1;
        }
        percent += options.step_percent;
    }
    println!();
    match kept_up_with {
        Some(rate) => println!(
            "highest rate kept up with: {rate:.0} orders/s = {:.0}% of pgbench (read model p99 ≤ {READ_MODEL_P99_MS} ms, backlog empty within {} s)",
            100.0 * rate / ceiling,
            DRAIN_LIMIT.as_secs()
        ),
        None => println!("no rate was kept up with; the logs are under .baedal/saga-rate/logs"),
    }
    if options.statements > 0 {
        println!();
        println!("statements by database time over the sweep ({placed_in_all} orders placed):");
        for line in statements::costliest(&pool, options.statements as i64).await? {
            println!("  {line}");
        }
    }
    fleet.kill_all().await?;
    pool.close().await;
    Ok(())
}

/// Logs the demo customer in `count` times, so that no session is offered more orders a second
/// than the app allows one.
async fn log_in_sessions(bases: &[String], count: f64) -> Result<Vec<reqwest::Client>> {
    let count = (count as usize).max(1);
    futures::stream::iter(0..count)
        .map(|n| Actor::log_in("minji@baedal.test", "baedal-demo", bases.to_vec(), n as u64))
        .buffered(4)
        .map_ok(|actor| actor.http)
        .try_collect()
        .await
}

/// What one rate did.
struct Step {
    offered: usize,
    seconds: f64,
    placed: usize,
    failed: usize,
    not_offered: usize,
    place_ms: Option<(f64, f64)>,
    /// From the order's commit to its row in the tracking read model.
    visible_ms: Option<(f64, f64)>,
    /// From the order's commit to the read model showing it paid.
    paid_ms: Option<(f64, f64)>,
    /// The most undispatched events and due jobs seen at once while the rate ran.
    backlog_max: (i64, i64),
    /// How long after the rate stopped the backlog took to empty.
    drain: Duration,
}

impl Step {
    fn placed_per_second(&self) -> f64 {
        self.placed as f64 / self.seconds
    }

    fn kept_up(&self) -> bool {
        self.placed as f64 >= PLACED_SHARE * self.offered as f64
            && self
                .visible_ms
                .is_some_and(|(_, p99)| p99 <= READ_MODEL_P99_MS)
            && self.drain <= DRAIN_LIMIT
    }
}

fn pair(figures: Option<(f64, f64)>) -> String {
    match figures {
        Some((p50, p99)) => format!("{p50:.0}/{p99:.0} ms"),
        None => "-".into(),
    }
}

/// Offers `rate` orders a second for `seconds`, each due at its own moment whatever became of
/// those before it, spread over the sessions and the web processes; then waits for the backlog
/// to empty and reads the read model's lag for the orders placed.
async fn one_rate(
    pool: &PgPool,
    sessions: &[reqwest::Client],
    bases: &[String],
    order: &str,
    rate: f64,
    seconds: u64,
) -> Result<Step> {
    let from: DateTime<Utc> = sqlx::query_scalar("SELECT clock_timestamp()")
        .fetch_one(pool)
        .await?;
    let sampling_on = Arc::new(AtomicBool::new(true));
    let sampling = tokio::spawn(sample_backlog(pool.clone(), sampling_on.clone()));
    let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let offered = (rate * seconds as f64) as usize;
    let started = Instant::now();
    let mut running = tokio::task::JoinSet::new();
    let mut not_offered = 0;
    for n in 0..offered {
        let due = started + Duration::from_secs_f64(n as f64 / rate);
        tokio::time::sleep_until(due.into()).await;
        let Ok(permit) = in_flight.clone().try_acquire_owned() else {
            not_offered += 1;
            continue;
        };
        let request = sessions[n % sessions.len()]
            .post(format!("{}/api/place_order", bases[n % bases.len()]))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(order.to_owned());
        running.spawn(async move {
            let sent = Instant::now();
            let placed = request
                .send()
                .await
                .is_ok_and(|response| response.status().is_success());
            drop(permit);
            placed.then(|| sent.elapsed().as_secs_f64() * 1e3)
        });
    }
    let mut latencies = Vec::new();
    let mut failed = 0;
    while let Some(answer) = running.join_next().await {
        match answer? {
            Some(ms) => latencies.push(ms),
            None => failed += 1,
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    sampling_on.store(false, Ordering::Relaxed);
    let backlog_max = sampling.await??;

    let drain_started = Instant::now();
    support::until_backlog_empty(pool, Duration::from_secs(120)).await?;
    let drain = drain_started.elapsed();

    let lags: Vec<(f64, Option<f64>)> = sqlx::query_as(
        "SELECT extract(epoch FROM created_at - placed_at)::float8 * 1000,
                CASE WHEN status = 'PAID'
                     THEN extract(epoch FROM updated_at - placed_at)::float8 * 1000 END
         FROM tracking.order_views WHERE placed_at >= $1",
    )
    .bind(from)
    .fetch_all(pool)
    .await
    .context("reading the read model's lag")?;
    let visible = lags.iter().map(|(visible, _)| *visible).collect();
    let paid = lags.iter().filter_map(|(_, paid)| *paid).collect();
    Ok(Step {
        offered,
        seconds: elapsed,
        placed: latencies.len(),
        failed,
        not_offered,
        place_ms: support::p50_p99(latencies),
        visible_ms: support::p50_p99(visible),
        paid_ms: support::p50_p99(paid),
        backlog_max,
        drain,
    })
}

/// The most undispatched events and due jobs seen at once, sampled every 100 ms until
/// `running` turns false.
async fn sample_backlog(pool: PgPool, running: Arc<AtomicBool>) -> Result<(i64, i64)> {
    let mut most = (0, 0);
    while running.load(Ordering::Relaxed) {
        let (events, jobs) = backlog_now(&pool).await?;
        most = (most.0.max(events), most.1.max(jobs));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(most)
}
