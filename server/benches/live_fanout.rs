//! Live fan-out: how long after a command the last of many open sockets hears of it, and what an
//! open socket costs the server.
//!
//! `cargo bench -p server --bench live_fanout -- [--riders 2000] [--rounds 30]`
//!
//! The deployment of issue 16 as separate processes on a fresh PostgreSQL: two `--role web`
//! servers and a `--role worker`. `--riders` riders, on duty at the store, each log in and open
//! one `/ws` socket following the riders' topic, half on each web process. Then, round by round,
//! a customer orders, the owner accepts and cooks, and two commands are timed:
//! - the owner's "finished cooking", which opens a delivery every rider in range must hear of;
//! - one rider's claim of it, which every rider in range hears of too (it left their list).
//!
//! Each command's time runs from its answer (the command has committed by then) to each socket's
//! message. The path measured is the product's whole: the event dispatched to the delivery
//! consumer by the worker, its read model written and announced with NOTIFY, each web process's
//! listener reading who may hear of it, and every socket sent its line. The load generator and
//! its 2,000 sockets share the machine's cores with the three processes and PostgreSQL.

mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures::{stream, SinkExt, StreamExt, TryStreamExt};
use sqlx::PgPool;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};
use uuid::Uuid;

use app::ordering::{OrderId, OrderStatus};
use app::platform::geo::Position;
use app::platform::live::{ClientMessage, ServerMessage, Topic};
use app::platform::{AccountId, NewAccount, Role};
use app::store::KitchenOrder;
use support::fleet::{answer, Actor, Fleet};

const PASSWORD: &str = "baedal-demo";
const CUSTOMER: &str = "minji@baedal.test";
const OWNER: &str = "owner.halmae@baedal.test";
/// How long a round waits for every socket to hear of a command before counting the rest missing.
const HEARING_LIMIT: Duration = Duration::from_secs(10);
/// Logins and socket openings in flight at once: enough to keep both web processes busy without
/// queueing thousands of password checks behind each other.
const OPENING_AT_ONCE: usize = 8;

struct Options {
    riders: usize,
    rounds: usize,
}

impl Options {
    fn from_args() -> Result<Options> {
        let [(_, riders), (_, rounds)] =
            support::whole_number_flags([("riders", 2000), ("rounds", 30)])?;
        let (riders, rounds) = (usize::try_from(riders)?, usize::try_from(rounds)?);
        if riders < 2 || rounds == 0 || rounds > riders {
            bail!("--riders must be at least 2 and --rounds between 1 and --riders (each round's claim takes a rider)");
        }
        Ok(Options { riders, rounds })
    }
}

fn main() -> Result<()> {
    let options = Options::from_args()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(&options))
}

async fn run(options: &Options) -> Result<()> {
    let cluster = support::fresh_cluster("live-fanout")?;
    let database_url = cluster.url("baedal");
    let pool = server::database::connect_and_migrate(&database_url, 4).await?;
    server::demo::load_if_empty(&pool).await?;
    let fixture = support::Fixture::load(&pool).await?;
    let riders = add_riders(&pool, fixture.store_id, options.riders).await?;
    let (payment_url, _) = support::payments().await?;
    let mut fleet = Fleet::two_web_one_worker(
        database_url,
        support::cluster_dir("live-fanout").join("logs"),
        vec![
            ("BAEDAL_PAYMENT_URL", payment_url),
            ("BAEDAL_LOGINS_PER_ACCOUNT", "1000000".into()),
            ("BAEDAL_LOGINS_PER_ADDRESS", "1000000".into()),
        ],
    )?;
    fleet.start_all().await?;
    let outcome = measure(options, &fleet, &fixture, &riders).await;
    if outcome.is_ok() {
        print_stages(&pool).await?;
    }
    fleet.kill_all().await?;
    cluster.stop()?;
    outcome
}

async fn measure(
    options: &Options,
    fleet: &Fleet,
    fixture: &support::Fixture,
    riders: &[String],
) -> Result<()> {
    let bases = fleet.bases();
    println!(
        "live fan-out: {} riders, one socket each, on two web processes ({}) and a worker",
        riders.len(),
        bases.join(", ")
    );

    let started = Instant::now();
    let cookies: Vec<String> = stream::iter(riders.iter().enumerate())
        .map(|(n, email)| session_cookie(&bases[n % 2], email))
        .buffered(OPENING_AT_ONCE)
        .try_collect()
        .await?;
    println!(
        "  {} riders logged in in {:.1} s",
        cookies.len(),
        started.elapsed().as_secs_f64()
    );

    let memory_before = [fleet.resident_kib(0)?, fleet.resident_kib(1)?];
    let started = Instant::now();
    let sockets: Vec<Socket> = stream::iter(cookies.iter().enumerate())
        .map(|(n, cookie)| follow_deliveries(&bases[n % 2], cookie))
        .buffered(OPENING_AT_ONCE)
        .try_collect()
        .await?;
    println!(
        "  {} sockets following the riders' topic in {:.1} s",
        sockets.len(),
        started.elapsed().as_secs_f64()
    );
    let heard = Heard::default();
    for socket in sockets {
        tokio::spawn(listen(socket, heard.clone()));
    }
    // Let the sockets' first buffers and the processes' allocators settle before reading memory.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let memory_after = [fleet.resident_kib(0)?, fleet.resident_kib(1)?];

    let mut customer = Actor::log_in(CUSTOMER, PASSWORD, bases.clone(), 1).await?;
    let mut owner = Actor::log_in(OWNER, PASSWORD, bases.clone(), 2).await?;
    let mut samples = Samples::default();
    for round in 0..options.rounds {
        let order_id: OrderId = customer.json("place_order", &fixture.order_json()).await?;
        let id = order_id.0.to_string();
        wait_until_paid(&mut owner, order_id).await?;
        owner
            .form::<OrderStatus>("accept_order", &[("order_id", &id), ("prep_minutes", "10")])
            .await?;
        owner
            .form::<OrderStatus>("start_cook", &[("order_id", &id)])
            .await?;

        let cooked: OrderStatus = owner.form("finish_cook", &[("order_id", &id)]).await?;
        let answered = Instant::now();
        if cooked != OrderStatus::Cooked {
            bail!("finishing the cooking left the order {cooked:?}");
        }
        samples.add(
            "CookFinished",
            answered,
            heard.wait_for(order_id, "CookFinished", riders.len()).await,
        );

        // Each round's claim is a different rider's: a rider carries one delivery at a time.
        let claimer = &cookies[round];
        let claimed = reqwest::Client::new()
            .post(format!("{}/api/claim_delivery", bases[round % 2]))
            .header("Cookie", claimer)
            .header("Accept", "application/json")
            .form(&[("order_id", &id)])
            .send()
            .await?;
        answer::<serde_json::Value>(claimed)
            .await
            .context("claiming the delivery")?;
        let answered = Instant::now();
        samples.add(
            "RiderAssigned",
            answered,
            heard
                .wait_for(order_id, "RiderAssigned", riders.len())
                .await,
        );
    }

    samples.print(riders.len());
    println!(
        "  resyncs {}, sockets closed by the server {}",
        heard.resyncs.load(Ordering::Relaxed),
        heard.closed.load(Ordering::Relaxed)
    );
    println!("\n| web process | sockets | resident before | resident with sockets | per socket |");
    println!("|---|---|---|---|---|");
    for process in 0..2 {
        let sockets = riders.len().div_ceil(2) - process * (riders.len() % 2);
        let grown = memory_after[process].saturating_sub(memory_before[process]);
        println!(
            "| {} | {sockets} | {:.1} MiB | {:.1} MiB | {:.1} KiB |",
            ["A", "B"][process],
            memory_before[process] as f64 / 1024.0,
            memory_after[process] as f64 / 1024.0,
            grown as f64 / sockets as f64
        );
    }
    Ok(())
}

/// Adds `count` riders on duty at the store, reaching it; returns their emails. They share the
/// demo password, hashed once: the password is not what this measures.
async fn add_riders(pool: &PgPool, store: Uuid, count: usize) -> Result<Vec<String>> {
    let (lat, lng): (f64, f64) =
        sqlx::query_as("SELECT lat, lng FROM store.stores WHERE store_id = $1")
            .bind(store)
            .fetch_one(pool)
            .await?;
    let at = Position::new(lat, lng).context("the store's position is on the map")?;
    let hash = app::platform::auth::hash_password(PASSWORD).map_err(anyhow::Error::msg)?;
    let mut tx = pool.begin().await?;
    let mut emails = Vec::with_capacity(count);
    for n in 0..count {
        let email = format!("fanout.rider{n}@baedal.test");
        let rider: AccountId = app::platform::insert_account(
            &mut *tx,
            &NewAccount {
                email: &email,
                display_name: &format!("Rider {n}"),
                phone: None,
                role: Role::Rider,
                password_hash: &hash,
            },
        )
        .await?;
        app::delivery::upsert_rider(&mut *tx, rider, true, Some(at), 3_000).await?;
        emails.push(email);
    }
    tx.commit().await?;
    Ok(emails)
}

/// The session cookie (`name=value`) of a fresh login as `email` on the server at `base`. A
/// login told to come back (every password check busy for too long) comes back when told.
async fn session_cookie(base: &str, email: &str) -> Result<String> {
    let login = || {
        reqwest::Client::new()
            .post(format!("{base}/api/login"))
            .header("Accept", "application/json")
            .form(&[("email", email), ("password", PASSWORD)])
            .send()
    };
    let mut response = login().await?;
    for _ in 0..10 {
        if response.status() != reqwest::StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        let wait = response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok()?.parse().ok())
            .unwrap_or(1);
        tokio::time::sleep(Duration::from_secs(wait)).await;
        response = login().await?;
    }
    let response = response
        .error_for_status()
        .with_context(|| format!("logging in {email}"))?;
    let session = format!("{}=", server::routes::SESSION_COOKIE);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&session))
        .context("the login set no session cookie")?;
    Ok(cookie.split(';').next().unwrap_or_default().to_owned())
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/ws` with `cookie` and follows the riders' topic, as the rider's screen does; returns
/// once the server has said it follows.
async fn follow_deliveries(base: &str, cookie: &str) -> Result<Socket> {
    let mut request = format!("{}/ws", base.replace("http://", "ws://")).into_client_request()?;
    request.headers_mut().insert("Cookie", cookie.parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let follow = serde_json::to_string(&ClientMessage::Follow(Topic::Deliveries))?;
    socket.send(Message::text(follow)).await?;
    loop {
        let frame = tokio::time::timeout(HEARING_LIMIT, socket.next())
            .await
            .context("no answer to the follow within the limit")?
            .context("the socket closed before following")??;
        if let Message::Text(text) = frame {
            match serde_json::from_str(text.as_str())? {
                ServerMessage::Following(Topic::Deliveries) => return Ok(socket),
                other => bail!("the server answered the follow with {other:?}"),
            }
        }
    }
}

/// When the sockets heard of each (order, event name), one moment per socket.
type Arrivals = HashMap<(OrderId, String), Vec<Instant>>;

/// What the sockets heard, and what else they were told.
#[derive(Clone, Default)]
struct Heard {
    at: Arc<Mutex<Arrivals>>,
    resyncs: Arc<AtomicU64>,
    closed: Arc<AtomicU64>,
}

impl Heard {
    /// The moments the sockets heard of `event` on `order`, once `sockets` have or the limit
    /// has passed. While waiting it only counts, under the lock the sockets write through, so
    /// that the watching does not hold back what it watches.
    async fn wait_for(&self, order: OrderId, event: &str, sockets: usize) -> Vec<Instant> {
        let key = (order, event.to_owned());
        let started = Instant::now();
        loop {
            let done = {
                let mut at = self.at.lock().expect("lock");
                let heard = at.get(&key).map_or(0, Vec::len);
                (heard >= sockets || started.elapsed() > HEARING_LIMIT)
                    .then(|| at.remove(&key).unwrap_or_default())
            };
            if let Some(heard) = done {
                return heard;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// Reads one socket until it closes, noting when each change arrives.
async fn listen(mut socket: Socket, heard: Heard) {
    while let Some(Ok(frame)) = socket.next().await {
        let arrived = Instant::now();
        let Message::Text(text) = frame else {
            if matches!(frame, Message::Close(_)) {
                heard.closed.fetch_add(1, Ordering::Relaxed);
            }
            continue;
        };
        match serde_json::from_str::<ServerMessage>(text.as_str()) {
            Ok(ServerMessage::Changed(change)) => heard
                .at
                .lock()
                .expect("lock")
                .entry((change.order_id, change.event))
                .or_default()
                .push(arrived),
            Ok(ServerMessage::Resync) => {
                heard.resyncs.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }
}

/// The delays measured for one kind of command, in milliseconds after its answer.
struct Kind {
    name: &'static str,
    commands: usize,
    /// Each message's.
    each: Vec<f64>,
    /// Each command's last message's.
    last: Vec<f64>,
}

/// Per kind of command, in the order first timed.
#[derive(Default)]
struct Samples {
    kinds: Vec<Kind>,
}

impl Samples {
    fn add(&mut self, name: &'static str, answered: Instant, heard: Vec<Instant>) {
        let index = match self.kinds.iter().position(|kind| kind.name == name) {
            Some(index) => index,
            None => {
                self.kinds.push(Kind {
                    name,
                    commands: 0,
                    each: Vec::new(),
                    last: Vec::new(),
                });
                self.kinds.len() - 1
            }
        };
        let Kind {
            each,
            last,
            commands,
            ..
        } = &mut self.kinds[index];
        // A message can in principle overtake the command's answer; it counts as no delay.
        let delays = heard
            .iter()
            .map(|at| at.saturating_duration_since(answered).as_secs_f64() * 1e3);
        each.extend(delays.clone());
        last.push(delays.fold(0.0, f64::max));
        *commands += 1;
    }

    fn print(&self, sockets: usize) {
        println!("\n| command | commands | messages (of expected) | each message p50 / p99 ms | last socket p50 / p99 / max ms |");
        println!("|---|---|---|---|---|");
        for Kind {
            name,
            commands,
            each,
            last,
        } in &self.kinds
        {
            let (each_p50, each_p99) = support::p50_p99(each.clone()).unwrap_or_default();
            let (last_p50, last_p99) = support::p50_p99(last.clone()).unwrap_or_default();
            let max = last.iter().copied().fold(0.0, f64::max);
            println!(
                "| {name} | {commands} | {} of {} | {each_p50:.1} / {each_p99:.1} | {last_p50:.1} / {last_p99:.1} / {max:.1} |",
                each.len(),
                commands * sockets,
            );
        }
    }
}

/// Where a timed command's time went before the web processes heard of it: from the event's
/// append to its dispatch to the job queue, and from there to the delivery consumer's commit
/// (which announces it), as PostgreSQL's clock saw them.
async fn print_stages(pool: &PgPool) -> Result<()> {
    let stages: Vec<(String, f64, f64, f64, f64)> = sqlx::query_as(
        "WITH stage AS (
             SELECT l.event_type,
                    extract(epoch FROM l.dispatched_at - l.occurred_at)::float8 * 1000 AS dispatched,
                    extract(epoch FROM c.consumed_at - l.dispatched_at)::float8 * 1000 AS applied
             FROM events.log l
             JOIN events.consumed c ON c.event_id = l.event_id AND c.consumer = $1
             WHERE l.event_type IN ('CookFinished', 'RiderAssigned'))
         SELECT event_type,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY dispatched),
                percentile_cont(0.99) WITHIN GROUP (ORDER BY dispatched),
                percentile_cont(0.5) WITHIN GROUP (ORDER BY applied),
                percentile_cont(0.99) WITHIN GROUP (ORDER BY applied)
         FROM stage GROUP BY event_type ORDER BY event_type",
    )
    .bind(app::platform::events::Consumer::Delivery.name())
    .fetch_all(pool)
    .await?;
    println!("\n| event | appended → dispatched p50 / p99 ms | dispatched → applied by the delivery consumer p50 / p99 ms |");
    println!("|---|---|---|");
    for (event, dispatched_p50, dispatched_p99, applied_p50, applied_p99) in stages {
        println!(
            "| {event} | {dispatched_p50:.1} / {dispatched_p99:.1} | {applied_p50:.1} / {applied_p99:.1} |"
        );
    }
    Ok(())
}

/// Waits until the owner's kitchen shows the order paid (the worker charged it).
async fn wait_until_paid(owner: &mut Actor, order: OrderId) -> Result<()> {
    let started = Instant::now();
    loop {
        let kitchen: Vec<KitchenOrder> = owner.form("kitchen_orders", &[]).await?;
        if kitchen
            .iter()
            .any(|o| o.order_id == order && o.status == OrderStatus::Paid)
        {
            return Ok(());
        }
        if started.elapsed() > HEARING_LIMIT {
            bail!("order {} was not paid within the limit", order.0);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
