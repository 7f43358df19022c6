//! The pay-later load check: many customers order while the payment provider is overloaded for a
//! while; nothing may be lost, refused or charged twice.
//!
//! `cargo bench -p server --bench pay_later_load [-- --clients 200 --seconds 30 --overload 10]`
//! (`--rate 300` spreads that many orders a second over the customers instead of each ordering
//! again as soon as it can, to see latencies below the machine's ceiling.)
//!
//! The real server runs in this process on its own PostgreSQL; the provider is the simulator over
//! HTTP. Customers place orders for `--seconds`; the middle `--overload` seconds the simulator is
//! overloaded (2-second answers, every other call refused). Afterwards the run waits until every
//! order is paid or cancelled, then prints orders accepted, deferred, paid, errors, lost and double
//! charges (from the simulator's own ledger), and with the breaker closed vs open: PlaceOrder's
//! latency and the time until the customer learns the payment's outcome (paid, or pay later).

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use tokio::sync::Mutex;

use app::platform::state::AppState;
use server::database::{self, PrivateCluster};

struct Options {
    clients: usize,
    seconds: u64,
    overload: u64,
    /// Orders per second from all customers together; none: each orders again at once.
    rate: Option<f64>,
}

fn options() -> Result<Options> {
    let mut options = Options {
        clients: 200,
        seconds: 30,
        overload: 10,
        rate: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--bench" {
            continue;
        }
        let value = args
            .next()
            .with_context(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--clients" => options.clients = value.parse()?,
            "--seconds" => options.seconds = value.parse()?,
            "--overload" => options.overload = value.parse()?,
            "--rate" => options.rate = Some(value.parse()?),
            other => bail!(
                "unknown option {other}; use --clients N --seconds S --overload S [--rate ORDERS_PER_S]"
            ),
        }
    }
    if options.overload >= options.seconds {
        bail!("--overload must be shorter than --seconds");
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> Result<()> {
    let options = options()?;
    let cluster = support::fresh_cluster("bench-pay")?;
    let outcome = run(&cluster, &options).await;
    cluster.stop()?;
    outcome
}

/// A placed order: when it was sent and how long PlaceOrder took.
struct Placed {
    sent_at: DateTime<Utc>,
    latency: Duration,
}

async fn run(cluster: &PrivateCluster, options: &Options) -> Result<()> {
    let pool = database::connect_and_migrate(&cluster.url(database::DATABASE_NAME), 40).await?;
    server::demo::load_if_empty(&pool).await?;

    let (provider, payments) = support::payments().await?;
    let gateway = payments.clone();
    let state = AppState::new(
        pool.clone(),
        Some("baedal-demo".into()),
        payments,
        app::contexts::HOOKS,
    );
    let background = server::workers::start(state.clone(), server::config::Role::All).await?;
    let base = support::serve(state).await?;
    let order = order_json(&pool).await?;

    println!(
        "Baedal pay-later load check: {} customers for {} s, provider overloaded for {} s in the middle",
        options.clients, options.seconds, options.overload
    );
    if let Some(rate) = options.rate {
        println!("customers order {rate} times a second together");
    }
    // The breaker's state, sampled; its changes tell afterwards whether it was open at any moment.
    let breaker_changes = Arc::new(std::sync::Mutex::new(Vec::<BreakerChange>::new()));
    let sampler = {
        let breaker_changes = breaker_changes.clone();
        let gateway = gateway.clone();
        tokio::spawn(async move {
            let mut was_open = false;
            loop {
                let open = gateway.breaker().await.state == "open";
                if open != was_open {
                    was_open = open;
                    let at = Utc::now();
                    breaker_changes
                        .lock()
                        .expect("sampler")
                        .push(BreakerChange { at, open });
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let control = reqwest::Client::new();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let placed = Arc::new(Mutex::new(Vec::<Placed>::new()));
    let mut clients = Vec::new();
    for _ in 0..options.clients {
        let http = support::customer(&base).await?;
        let (base, body, placed) = (base.clone(), order.clone(), placed.clone());
        // With a rate, each customer orders on a steady beat of its own share of it.
        let mut beat = options.rate.map(|rate| {
            let mut beat =
                tokio::time::interval(Duration::from_secs_f64(options.clients as f64 / rate));
            beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            beat
        });
        clients.push(tokio::spawn(async move {
            let mut errors = 0usize;
            while Instant::now() < deadline {
                if let Some(beat) = beat.as_mut() {
                    beat.tick().await;
                }
                let (sent, sent_at) = (Instant::now(), Utc::now());
                let ok = http
                    .post(format!("{base}/api/place_order"))
                    .json(&body)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if ok {
                    placed.lock().await.push(Placed {
                        sent_at,
                        latency: sent.elapsed(),
                    });
                } else {
                    errors += 1;
                }
            }
            errors
        }));
    }
    let quiet = (options.seconds - options.overload) / 2;
    tokio::time::sleep_until((started + Duration::from_secs(quiet)).into()).await;
    switch(&control, &provider, json!({ "overloaded": true })).await?;
    tokio::time::sleep_until((started + Duration::from_secs(quiet + options.overload)).into())
        .await;
    switch(&control, &provider, json!({})).await?;
    let mut errors = 0;
    for client in clients {
        errors += client.await?;
    }
    let load_time = started.elapsed();

    // Wait until no order is still waiting to pay (the queue's backoff decides how long).
    let settle_started = Instant::now();
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM ordering.orders WHERE status IN ('PLACED', 'PAYMENT_DEFERRED')",
        )
        .fetch_one(&pool)
        .await?;
        if waiting == 0 || settle_started.elapsed() > Duration::from_secs(600) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let settle = settle_started.elapsed();
    sampler.abort();

    let placed = placed.lock().await;
    let (orders, paid, cancelled, waiting, deferred): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT count(*),
                count(*) FILTER (WHERE status NOT IN ('PLACED', 'PAYMENT_DEFERRED', 'CANCELLED')),
                count(*) FILTER (WHERE status = 'CANCELLED'),
                count(*) FILTER (WHERE status IN ('PLACED', 'PAYMENT_DEFERRED')),
                (SELECT count(DISTINCT order_id) FROM events.log WHERE event_type = 'PaymentDeferred')
         FROM ordering.orders",
    )
    .fetch_one(&pool)
    .await?;
    let ledger: Value = control
        .get(format!("{provider}/ledger"))
        .send()
        .await?
        .json()
        .await?;
    let mut approvals: HashMap<String, usize> = HashMap::new();
    for approval in ledger["approvals"].as_array().into_iter().flatten() {
        let order = approval["order_id"].as_str().unwrap_or_default().to_owned();
        *approvals.entry(order).or_default() += 1;
    }
    let double_charges = approvals.values().filter(|n| **n > 1).count();
    let paid_at_provider = approvals.len();
    let recorded_payments: i64 = sqlx::query_scalar("SELECT count(*) FROM payment.payments")
        .fetch_one(&pool)
        .await?;

    println!(
        "orders accepted:    {} in {:.1} s ({:.0}/s), {errors} errors",
        placed.len(),
        load_time.as_secs_f64(),
        placed.len() as f64 / load_time.as_secs_f64()
    );
    println!("orders deferred:    {deferred} (paid later or cancelled)");
    println!(
        "orders paid:        {paid} of {orders}; cancelled {cancelled}; still waiting {waiting} (lost) after {:.1} s of settling",
        settle.as_secs_f64()
    );
    println!(
        "provider approvals: {paid_at_provider} orders charged, {double_charges} charged twice; {recorded_payments} payments recorded"
    );
    let breaker_changes = breaker_changes.lock().expect("sampler").clone();
    let open_for: f64 = breaker_changes
        .iter()
        .zip(breaker_changes.iter().skip(1))
        .filter(|(change, _)| change.open)
        .map(|(opened, closed)| (closed.at - opened.at).as_seconds_f64())
        .sum();
    println!(
        "breaker:            opened {} times, open {open_for:.1} s in all",
        breaker_changes.iter().filter(|c| c.open).count()
    );
    let latencies: Vec<(DateTime<Utc>, f64)> = placed
        .iter()
        .map(|p| (p.sent_at, p.latency.as_secs_f64() * 1e3))
        .collect();
    print_by_breaker("PlaceOrder", &latencies, &breaker_changes);
    // What the customer waits for after ordering: paid, or told to pay later.
    let answered: Vec<(DateTime<Utc>, f64)> = sqlx::query_as(
        "SELECT o.placed_at, extract(epoch FROM min(l.occurred_at) - o.placed_at)::float8 * 1e3
         FROM ordering.orders o JOIN events.log l USING (order_id)
         WHERE l.event_type IN ('Paid', 'PaymentDeferred')
         GROUP BY o.order_id, o.placed_at",
    )
    .fetch_all(&pool)
    .await?;
    print_by_breaker("placed → paid or deferred", &answered, &breaker_changes);
    let to_paid: (Option<f64>, Option<f64>) = sqlx::query_as(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM p.approved_at - o.placed_at)),
                percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM p.approved_at - o.placed_at))
         FROM payment.payments p JOIN ordering.orders o USING (order_id)",
    )
    .fetch_one(&pool)
    .await?;
    println!(
        "placed → paid:      p50 {:>7.1} ms   p99 {:>7.1} ms",
        to_paid.0.unwrap_or(f64::NAN) * 1e3,
        to_paid.1.unwrap_or(f64::NAN) * 1e3
    );
    drop(placed);
    background.stop().await;
    pool.close().await;
    Ok(())
}

/// The breaker opened or closed (half-open counts as closed: calls go through) at `at`.
#[derive(Clone, Copy)]
struct BreakerChange {
    at: DateTime<Utc>,
    open: bool,
}

fn breaker_was_open(changes: &[BreakerChange], at: DateTime<Utc>) -> bool {
    changes
        .iter()
        .rev()
        .find(|change| change.at <= at)
        .is_some_and(|change| change.open)
}

/// Prints p50 and p99 of `samples` (when, milliseconds) taken while the breaker was closed and
/// while it was open.
fn print_by_breaker(what: &str, samples: &[(DateTime<Utc>, f64)], changes: &[BreakerChange]) {
    for (label, open) in [("closed", false), ("open", true)] {
        let mine: Vec<f64> = samples
            .iter()
            .filter(|(at, _)| breaker_was_open(changes, *at) == open)
            .map(|(_, ms)| *ms)
            .collect();
        let count = mine.len();
        match support::p50_p99(mine) {
            Some((p50, p99)) => println!(
                "{what}, breaker {label:<6}: p50 {p50:>7.1} ms   p99 {p99:>7.1} ms   ({count} orders)"
            ),
            None => println!("{what}, breaker {label:<6}: no orders"),
        }
    }
}

async fn switch(http: &reqwest::Client, provider: &str, switches: Value) -> Result<()> {
    http.put(format!("{provider}/control"))
        .json(&switches)
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

/// Two pork-cutlet gimbap from the all-day gimbap shop to minji's first address.
async fn order_json(pool: &sqlx::PgPool) -> Result<Value> {
    let (store_id, item_id): (uuid::Uuid, uuid::Uuid) = sqlx::query_as(
        "SELECT s.store_id, i.item_id FROM store.stores s JOIN store.menu_items i USING (store_id)
         WHERE s.name = '서울숲 24시 김밥' AND i.name = '돈까스김밥'",
    )
    .fetch_one(pool)
    .await?;
    let address_id: uuid::Uuid = sqlx::query_scalar(
        "SELECT a.address_id FROM platform.customer_addresses a
         JOIN platform.accounts p USING (account_id) WHERE p.email = 'minji@baedal.test'
         ORDER BY a.created_at LIMIT 1",
    )
    .fetch_one(pool)
    .await?;
    Ok(json!({ "order": {
        "store_id": store_id,
        "address_id": address_id,
        "lines": [{ "item_id": item_id, "quantity": 2 }],
    }}))
}
