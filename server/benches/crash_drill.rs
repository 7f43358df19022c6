//! The crash drill: the whole saga under load across two web processes and a worker while the
//! drill kills one of them with SIGKILL at random moments and restarts it, and restarts
//! PostgreSQL once. Afterwards it checks with SQL, against the payment provider's ledger and
//! against what the KakaoTalk endpoint received, that nothing was lost or done twice.
//!
//! `cargo bench -p server --bench crash_drill -- [--seed N] [--seconds N]`
//!
//! The seed fixes what each actor does and when the kills fall; the interleaving with the
//! processes' own timing differs between runs, which is the point of running it more than once.
//! Exits non-zero when a check fails.

mod support;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use axum::{extract::State, routing::post, Json, Router};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

use support::fleet::{Actor, Fleet};

use app::delivery::{DeliveryStatus, OpenDelivery, RiderDelivery};
use app::ordering::{OrderId, OrderStatus};
use app::store::KitchenOrder;
use app::tracking::OrderView;

const CUSTOMERS: [&str; 3] = [
    "minji@baedal.test",
    "junho@baedal.test",
    "seoyeon@baedal.test",
];
const OWNER: &str = "owner.halmae@baedal.test";
const RIDERS: [&str; 3] = [
    "rider.dohyun@baedal.test",
    "rider.jiwoo@baedal.test",
    "rider.yuna@baedal.test",
];
const PASSWORD: &str = "baedal-demo";
/// Short, so that the orders the owner lets lie expire (and are refunded) during the run.
const ACCEPTANCE_SECONDS: u64 = 15;
/// How long the drill waits, after the load stops, for the queue to empty.
const SETTLE_LIMIT: Duration = Duration::from_secs(180);

struct Options {
    seed: u64,
    seconds: u64,
}

impl Options {
    fn from_args() -> Result<Options> {
        let [(_, seed), (_, seconds)] =
            support::whole_number_flags([("seed", 7), ("seconds", 200)])?;
        Ok(Options { seed, seconds })
    }
}

fn main() -> Result<()> {
    let options = Options::from_args()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let failures = runtime.block_on(run(&options))?;
    if failures > 0 {
        bail!("{failures} check(s) failed; the processes' logs are under .baedal/crash-drill/logs");
    }
    Ok(())
}

/// A KakaoTalk endpoint that answers every send and remembers each request id it was sent.
#[derive(Clone, Default)]
struct CountingKakao {
    received: Arc<Mutex<HashMap<String, u32>>>,
}

impl CountingKakao {
    async fn start(&self) -> Result<String> {
        async fn send(State(kakao): State<CountingKakao>, Json(body): Json<Value>) -> Json<Value> {
            let request_id = body["requestId"].as_str().unwrap_or_default().to_owned();
            *kakao
                .received
                .lock()
                .expect("lock")
                .entry(request_id)
                .or_default() += 1;
            Json(json!({ "code": "0000", "message": "accepted" }))
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/alimtalk", listener.local_addr()?);
        let router = Router::new()
            .route("/alimtalk", post(send))
            .with_state(self.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Ok(url)
    }
}

/// What the actors did, counted as they went.
#[derive(Default)]
struct Tally {
    told_placed: Mutex<Vec<Uuid>>,
    commands_done: AtomicU64,
    commands_failed: AtomicU64,
}

impl Tally {
    fn count<T>(&self, result: &Result<T>) {
        match result {
            Ok(_) => self.commands_done.fetch_add(1, Ordering::Relaxed),
            Err(error) => {
                let failed = self.commands_failed.fetch_add(1, Ordering::Relaxed);
                // A few refusals in the report tell a drill whose load never got through
                // from one that merely met killed processes.
                if failed < 3 {
                    println!("  a failed command: {error:#}");
                }
                failed
            }
        };
    }
}

async fn customer(mut me: Actor, order: Value, running: Arc<AtomicBool>, tally: Arc<Tally>) {
    while running.load(Ordering::Relaxed) {
        let placed: Result<OrderId> = me.json("place_order", &order).await;
        tally.count(&placed);
        if let Ok(order_id) = placed {
            tally.told_placed.lock().expect("lock").push(order_id.0);
            if me.rng.random_bool(0.1) {
                let id = order_id.0.to_string();
                let cancelled: Result<OrderStatus> = me
                    .form(
                        "cancel_order",
                        &[("order_id", &id), ("reason", "Changed my mind")],
                    )
                    .await;
                tally.count(&cancelled);
            }
        }
        if let Ok(orders) = me.form::<Vec<OrderView>>("my_orders", &[]).await {
            for delivered in orders.iter().filter(|o| o.status == OrderStatus::Delivered) {
                let id = delivered.order_id.0.to_string();
                let confirmed: Result<OrderStatus> =
                    me.form("confirm_receipt", &[("order_id", &id)]).await;
                tally.count(&confirmed);
            }
        }
        me.pause(300..900).await;
    }
}

async fn owner(mut me: Actor, running: Arc<AtomicBool>, tally: Arc<Tally>) {
    while running.load(Ordering::Relaxed) {
        let Ok(kitchen) = me.form::<Vec<KitchenOrder>>("kitchen_orders", &[]).await else {
            me.pause(200..500).await;
            continue;
        };
        for order in kitchen {
            let id = order.order_id.0.to_string();
            // One order in twenty is left to expire, decided by its id so that every look at
            // the kitchen agrees.
            let ignored = order.order_id.0.as_u128() % 20 == 0;
            let done: Result<OrderStatus> = match order.status {
                OrderStatus::Paid if ignored => continue,
                OrderStatus::Paid if me.rng.random_bool(0.08) => {
                    me.form(
                        "reject_order",
                        &[("order_id", &id), ("reason", "Out of rice")],
                    )
                    .await
                }
                OrderStatus::Paid => {
                    me.form("accept_order", &[("order_id", &id), ("prep_minutes", "10")])
                        .await
                }
                OrderStatus::Accepted => me.form("start_cook", &[("order_id", &id)]).await,
                OrderStatus::Cooking => me.form("finish_cook", &[("order_id", &id)]).await,
                _ => continue,
            };
            tally.count(&done);
        }
        me.pause(200..600).await;
    }
}

async fn rider(mut me: Actor, running: Arc<AtomicBool>, tally: Arc<Tally>) {
    while running.load(Ordering::Relaxed) {
        if let Ok(open) = me.form::<Vec<OpenDelivery>>("open_deliveries", &[]).await {
            if let Some(delivery) = open.first() {
                let id = delivery.order_id.0.to_string();
                let claimed: Result<()> = me.form("claim_delivery", &[("order_id", &id)]).await;
                tally.count(&claimed);
            }
        }
        if let Ok(mine) = me.form::<Vec<RiderDelivery>>("my_deliveries", &[]).await {
            for delivery in mine {
                let step = match delivery.status {
                    DeliveryStatus::Assigned => "pick_up",
                    DeliveryStatus::PickedUp => "deliver",
                    _ => continue,
                };
                let id = delivery.order_id.0.to_string();
                // A tap carries its key, as the rider's screen sends it, so that a tap sent
                // again after a dropped answer counts once.
                let key = Uuid::new_v4().to_string();
                let done: Result<OrderStatus> = me
                    .form(step, &[("order_id", &id), ("request_key", &key)])
                    .await;
                tally.count(&done);
            }
        }
        me.pause(300..800).await;
    }
}

/// The longest any job has been locked, in seconds, sampled while the drill runs.
async fn watch_locks(pool: PgPool, running: Arc<AtomicBool>, longest: Arc<Mutex<f64>>) {
    while running.load(Ordering::Relaxed) {
        let age: Result<Option<f64>, _> = sqlx::query_scalar(
            "SELECT max(extract(epoch FROM now() - locked_at))::float8
             FROM graphile_worker.jobs WHERE locked_at IS NOT NULL",
        )
        .fetch_one(&pool)
        .await;
        if let Ok(Some(age)) = age {
            let mut longest = longest.lock().expect("lock");
            *longest = longest.max(age);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn order_for(pool: &PgPool, email: &str) -> Result<Value> {
    let fixture = support::Fixture::load(pool).await?;
    let address_id: Uuid = sqlx::query_scalar(
        "SELECT a.address_id FROM platform.customer_addresses a
         JOIN platform.accounts p USING (account_id) WHERE p.email = $1
         ORDER BY a.created_at LIMIT 1",
    )
    .bind(email)
    .fetch_one(pool)
    .await?;
    Ok(json!({ "order": {
        "store_id": fixture.store_id,
        "address_id": address_id,
        // Two 돈까스김밥 (₩5,000 each) clear the store's ₩8,000 minimum order.
        "lines": [{ "item_id": fixture.item_id, "quantity": 2 }],
    }}))
}

async fn run(options: &Options) -> Result<usize> {
    let cluster = support::fresh_cluster("crash-drill")?;
    let logs = support::cluster_dir("crash-drill").join("logs");
    std::fs::create_dir_all(&logs)?;
    let database_url = cluster.url("baedal");
    let pool = server::database::connect_and_migrate(&database_url, 4).await?;
    server::demo::load_if_empty(&pool).await?;
    let (payment_url, _) = support::payments().await?;
    let kakao = CountingKakao::default();
    let kakao_url = kakao.start().await?;

    let mut fleet = Fleet::two_web_one_worker(
        database_url,
        logs,
        vec![
            ("BAEDAL_PAYMENT_URL", payment_url.clone()),
            ("BAEDAL_KAKAO_URL", kakao_url),
            ("BAEDAL_KAKAO_SENDER_KEY", "drill-sender-key".into()),
            ("BAEDAL_KAKAO_API_KEY", "drill-api-key".into()),
            ("BAEDAL_ACCEPTANCE_SECONDS", ACCEPTANCE_SECONDS.to_string()),
            ("BAEDAL_LOGINS_PER_ACCOUNT", "10000".into()),
            ("BAEDAL_LOGINS_PER_ADDRESS", "10000".into()),
        ],
    )?;
    fleet.start_all().await?;
    let bases = fleet.bases();
    println!(
        "crash drill: seed {}, {} s of load on two web processes ({}) and a worker",
        options.seed,
        options.seconds,
        bases.join(", ")
    );

    let running = Arc::new(AtomicBool::new(true));
    let tally = Arc::new(Tally::default());
    let longest_lock = Arc::new(Mutex::new(0.0f64));
    let mut actors = Vec::new();
    for (n, email) in CUSTOMERS.iter().enumerate() {
        let me = Actor::log_in(email, PASSWORD, bases.clone(), options.seed + n as u64).await?;
        let order = order_for(&pool, email).await?;
        actors.push(tokio::spawn(customer(
            me,
            order,
            running.clone(),
            tally.clone(),
        )));
    }
    let me = Actor::log_in(OWNER, PASSWORD, bases.clone(), options.seed + 10).await?;
    actors.push(tokio::spawn(owner(me, running.clone(), tally.clone())));
    for (n, email) in RIDERS.iter().enumerate() {
        let me =
            Actor::log_in(email, PASSWORD, bases.clone(), options.seed + 20 + n as u64).await?;
        actors.push(tokio::spawn(rider(me, running.clone(), tally.clone())));
    }
    let watcher = tokio::spawn(watch_locks(
        pool.clone(),
        running.clone(),
        longest_lock.clone(),
    ));

    // The kills: one every 6 to 18 s, of a process picked by the seed, down for up to 3 s;
    // PostgreSQL restarted once, half way.
    let mut schedule = StdRng::seed_from_u64(options.seed);
    let started = Instant::now();
    let length = Duration::from_secs(options.seconds);
    let mut kills: BTreeMap<&'static str, u32> = BTreeMap::new();
    let mut database_restarted = false;
    loop {
        let next = Duration::from_millis(schedule.random_range(6_000..18_000));
        if started.elapsed() + next >= length {
            break;
        }
        tokio::time::sleep(next).await;
        if !database_restarted && started.elapsed() >= length / 2 {
            let cluster_dir = cluster.data_dir().to_owned();
            println!(
                "  {:>5.1} s  PostgreSQL restarted (pg_ctl restart -m fast, {})",
                started.elapsed().as_secs_f64(),
                cluster_dir.display()
            );
            tokio::task::block_in_place(|| cluster.restart_fast())?;
            database_restarted = true;
            continue;
        }
        let victim = schedule.random_range(0..fleet.processes.len());
        let down = Duration::from_millis(schedule.random_range(200..3_000));
        fleet.kill(victim).await?;
        let name = match victim {
            0 => "web A",
            1 => "web B",
            _ => "worker",
        };
        *kills.entry(name).or_default() += 1;
        println!(
            "  {:>5.1} s  kill -9 {name}, down {:.1} s",
            started.elapsed().as_secs_f64(),
            down.as_secs_f64()
        );
        tokio::time::sleep(down).await;
        fleet.start(victim).await?;
    }
    tokio::time::sleep(length.saturating_sub(started.elapsed())).await;
    running.store(false, Ordering::Relaxed);
    for actor in actors {
        actor.await?;
    }
    watcher.await?;

    let settled = settle(&pool).await?;
    let kakao_received = kakao.received.lock().expect("lock").clone();
    let longest_lock = *longest_lock.lock().expect("lock");
    let failures = report(
        &pool,
        &payment_url,
        &tally,
        &kakao_received,
        Report {
            kills,
            database_restarted,
            settled,
            longest_lock,
        },
    )
    .await?;
    fleet.kill_all().await?;
    cluster.stop()?;
    Ok(failures)
}

/// Waits until every event is dispatched and the job queue is empty (orders left unaccepted
/// expire within the acceptance window); returns how long that took, or `None` past the limit.
async fn settle(pool: &PgPool) -> Result<Option<Duration>> {
    let started = Instant::now();
    while started.elapsed() < SETTLE_LIMIT {
        let (undispatched, jobs): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM events.log WHERE dispatched_at IS NULL),
                    (SELECT count(*) FROM graphile_worker.jobs)",
        )
        .fetch_one(pool)
        .await?;
        if undispatched == 0 && jobs == 0 {
            return Ok(Some(started.elapsed()));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Ok(None)
}

struct Report {
    kills: BTreeMap<&'static str, u32>,
    database_restarted: bool,
    settled: Option<Duration>,
    longest_lock: f64,
}

/// The status each event leaves an order in, as the state machine says.
const STATUS_AFTER: &str = "CASE l.event_type
    WHEN 'Paid' THEN 'PAID' WHEN 'PaymentDeferred' THEN 'PAYMENT_DEFERRED'
    WHEN 'OrderAccepted' THEN 'ACCEPTED' WHEN 'OrderRejected' THEN 'REJECTED'
    WHEN 'OrderExpired' THEN 'EXPIRED' WHEN 'CookStarted' THEN 'COOKING'
    WHEN 'CookFinished' THEN 'COOKED' WHEN 'DeliveryRetried' THEN 'COOKED'
    WHEN 'RiderAssigned' THEN 'RIDER_ASSIGNED' WHEN 'Picked' THEN 'PICKED_UP'
    WHEN 'Delivered' THEN 'DELIVERED' WHEN 'DeliveryFailed' THEN 'DELIVERY_FAILED'
    WHEN 'OrderCompleted' THEN 'COMPLETED' WHEN 'OrderCancelled' THEN 'CANCELLED'
    ELSE 'PLACED' END";

/// One count from the drill's own fixed queries (one of them built with `format!` from a
/// constant, hence the assertion that the text is safe).
async fn count(pool: &PgPool, sql: &str) -> Result<i64> {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .with_context(|| sql.to_owned())
}

async fn report(
    pool: &PgPool,
    payment_url: &str,
    tally: &Tally,
    kakao_received: &HashMap<String, u32>,
    run: Report,
) -> Result<usize> {
    let told: Vec<Uuid> = tally.told_placed.lock().expect("lock").clone();
    let statuses: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, count(*) FROM ordering.orders GROUP BY status ORDER BY count(*) DESC",
    )
    .fetch_all(pool)
    .await?;
    let kills: Vec<String> = run.kills.iter().map(|(p, n)| format!("{p} ×{n}")).collect();
    println!();
    println!(
        "kills: {} ({}); PostgreSQL restarted: {}",
        run.kills.values().sum::<u32>(),
        kills.join(", "),
        if run.database_restarted { "once" } else { "no" }
    );
    println!(
        "commands answered: {} done, {} failed or refused (calls to a killed process among them)",
        tally.commands_done.load(Ordering::Relaxed),
        tally.commands_failed.load(Ordering::Relaxed)
    );
    let statuses: Vec<String> = statuses.iter().map(|(s, n)| format!("{s} {n}")).collect();
    println!(
        "orders: {} placed as told; {}",
        told.len(),
        statuses.join(", ")
    );
    println!(
        "longest time a job stayed locked: {:.1} s",
        run.longest_lock
    );
    match run.settled {
        Some(took) => println!(
            "queue empty {:.1} s after the load stopped",
            took.as_secs_f64()
        ),
        None => println!(
            "queue NOT empty {} s after the load stopped",
            SETTLE_LIMIT.as_secs()
        ),
    }

    let missing: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM unnest($1::uuid[]) AS t(order_id)
         WHERE NOT EXISTS (SELECT 1 FROM ordering.orders o WHERE o.order_id = t.order_id)",
    )
    .bind(&told)
    .fetch_one(pool)
    .await?;
    let unexplained = count(
        pool,
        &format!(
            "WITH last AS (
                SELECT DISTINCT ON (order_id) order_id, event_type FROM events.log
                WHERE event_type NOT IN ('OrderPlaced', 'DeliveryRequested', 'PaymentCancelled')
                ORDER BY order_id, seq DESC)
             SELECT count(*) FROM ordering.orders o LEFT JOIN last l USING (order_id)
             WHERE o.status <> {STATUS_AFTER}
                OR NOT EXISTS (SELECT 1 FROM events.log p
                               WHERE p.order_id = o.order_id AND p.event_type = 'OrderPlaced')"
        ),
    )
    .await?;
    // Every consumer that took events of a kind took every event of that kind (each event
    // once per consumer is the primary key of events.consumed).
    let unconsumed = count(
        pool,
        "WITH takers AS (
            SELECT DISTINCT l.event_type, c.consumer
            FROM events.consumed c JOIN events.log l USING (event_id))
         SELECT count(*) FROM events.log l JOIN takers t USING (event_type)
         WHERE NOT EXISTS (SELECT 1 FROM events.consumed c
                           WHERE c.event_id = l.event_id AND c.consumer = t.consumer)",
    )
    .await?;
    let stale_views = count(
        pool,
        "SELECT count(*) FROM ordering.orders o
         LEFT JOIN tracking.order_views v USING (order_id)
         WHERE v.status IS DISTINCT FROM o.status",
    )
    .await?;

    let ledger: Value = reqwest::get(format!("{payment_url}/ledger"))
        .await?
        .json()
        .await?;
    let per_order = |kind: &str| -> HashMap<Uuid, usize> {
        let mut counts = HashMap::new();
        for entry in ledger[kind].as_array().into_iter().flatten() {
            if let Some(id) = entry["order_id"].as_str().and_then(|s| s.parse().ok()) {
                *counts.entry(id).or_default() += 1;
            }
        }
        counts
    };
    let (charges, refunds) = (per_order("approvals"), per_order("refunds"));
    let paid: Vec<Uuid> =
        sqlx::query_scalar("SELECT DISTINCT order_id FROM events.log WHERE event_type = 'Paid'")
            .fetch_all(pool)
            .await?;
    let owed_refund: Vec<Uuid> = sqlx::query_scalar(
        "SELECT order_id FROM ordering.orders o
         WHERE status IN ('REJECTED', 'EXPIRED', 'CANCELLED')
           AND EXISTS (SELECT 1 FROM events.log l
                       WHERE l.order_id = o.order_id AND l.event_type = 'Paid')",
    )
    .fetch_all(pool)
    .await?;
    let charged_wrong = paid.iter().filter(|o| charges.get(o) != Some(&1)).count()
        + charges.keys().filter(|o| !paid.contains(o)).count();
    let refunded_wrong = owed_refund
        .iter()
        .filter(|o| refunds.get(o) != Some(&1))
        .count()
        + refunds.keys().filter(|o| !owed_refund.contains(o)).count();
    let recorded_refunds = count(pool, "SELECT count(*) FROM payment.refunds").await?;

    let messages: Vec<(Uuid, Uuid, String)> =
        sqlx::query_as("SELECT event_id, recipient_id, status FROM notification.kakao_messages")
            .fetch_all(pool)
            .await?;
    let unsent = messages
        .iter()
        .filter(|(event, recipient, status)| {
            status != "SENT" || !kakao_received.contains_key(&format!("{event}:{recipient}"))
        })
        .count();
    let unknown_sends = kakao_received.len().saturating_sub(messages.len() - unsent);
    let resent = kakao_received.values().filter(|n| **n > 1).count();
    let failed_jobs = count(
        pool,
        "SELECT count(*) FROM graphile_worker.jobs WHERE attempts >= max_attempts",
    )
    .await?;
    let jobs_left = count(pool, "SELECT count(*) FROM graphile_worker.jobs").await?;

    println!(
        "money: {} charges for {} paid orders; {} refunds at the provider ({} recorded) for {} \
         compensated paid orders",
        charges.values().sum::<usize>(),
        paid.len(),
        refunds.values().sum::<usize>(),
        recorded_refunds,
        owed_refund.len()
    );
    println!(
        "KakaoTalk: {} messages, {} sends received, {} request ids sent more than once \
         (a worker killed between sending and recording; the provider keeps one per id)",
        messages.len(),
        kakao_received.values().sum::<u32>(),
        resent
    );
    println!();
    let checks: [(&str, i64); 9] = [
        (
            "orders the customer was told were placed but do not exist",
            missing,
        ),
        (
            "orders whose status their events do not explain",
            unexplained,
        ),
        ("(event, consumer) pairs not applied", unconsumed),
        (
            "orders whose read model disagrees with the order",
            stale_views,
        ),
        (
            "paid orders not charged exactly once, or charges without a paid order",
            charged_wrong as i64,
        ),
        (
            "compensated paid orders not refunded exactly once, or refunds owed to nobody",
            refunded_wrong as i64,
        ),
        (
            "KakaoTalk messages not sent, or sends of no recorded message",
            (unsent + unknown_sends) as i64,
        ),
        ("jobs failed for good", failed_jobs),
        ("jobs left in the queue", jobs_left),
    ];
    let mut failures = 0;
    for (what, found) in checks {
        let verdict = if found == 0 { "ok  " } else { "FAIL" };
        failures += usize::from(found != 0);
        println!("  {verdict} {found:>4}  {what}");
    }
    Ok(failures)
}
