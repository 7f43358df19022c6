//! The login-flood check: does a flood of wrong-password logins slow down people ordering?
//!
//! `cargo bench -p server --bench login_flood [-- --clients 16 --seconds 30 --rate 300]`
//!
//! The real server (production login limits) runs in this process on its own PostgreSQL. Sixteen
//! customers place orders over HTTP as fast as they can, first in quiet, then while an attacker
//! sends `--rate` wrong-password logins a second. The attacker is the hard kind: every attempt
//! names a new account and comes from a new address (through a proxy the server trusts, so the
//! per-address limit sees each address once), so no limiter stops it and every attempt asks
//! for a password check. What protects the orders: checks run on threads of their own at a
//! lower priority, at most one per core but one; a login that cannot get a check within 3 s is
//! told to come back (429); and once failed logins flood the site, browsers that never logged
//! into the account they name get a small budget of checks (429 beyond it). It prints
//! PlaceOrder's p50/p99 in both phases, their ratio (goal: p99 within 1.5× of the quiet run), how
//! the attacker's logins were answered, and how two people fared who logged in mid-flood: one on
//! a browser that had logged in before, one on a new one.

mod support;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use tokio::sync::Mutex;

use app::platform::state::AppState;
use app::platform::throttle::{ThrottleLimits, Throttles, TrustedProxies};
use server::database;
use support::Fixture;

struct Options {
    clients: usize,
    seconds: u64,
    rate: u32,
}

fn options() -> Result<Options> {
    let mut options = Options {
        clients: 16,
        seconds: 30,
        rate: 300,
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
            "--rate" => options.rate = value.parse()?,
            other => bail!("unknown option {other}; use --clients N --seconds S --rate R"),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> Result<()> {
    let options = options()?;
    let cluster = support::fresh_cluster("bench-flood")?;
    let outcome = run(&cluster.url(database::DATABASE_NAME), &options).await;
    cluster.stop()?;
    outcome
}

async fn run(url: &str, options: &Options) -> Result<()> {
    let pool = database::connect_and_migrate(url, 40).await?;
    server::demo::load_if_empty(&pool).await?;
    let order = Fixture::load(&pool).await?.order_json();
    let (_, payments) = support::payments().await?;
    let mut state = AppState::new(
        pool.clone(),
        Some("baedal-demo".into()),
        payments,
        app::contexts::HOOKS,
    );
    // Production login limits; only the customers' own call limit is lifted, since sixteen
    // load-generating clients share one session.
    state.throttles = Throttles::new(ThrottleLimits {
        calls_per_session_per_second: 1_000_000,
        calls_per_session_burst: 1_000_000,
        ..ThrottleLimits::default()
    })
    .trusting(TrustedProxies(vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]));
    let background = server::workers::start(state.clone(), server::config::Role::All).await?;
    let base = support::serve_with_its_limits(state).await?;
    // One login for all sixteen: the per-account limit allows five a minute.
    let customer = support::customer(&base).await?;

    println!(
        "Baedal login-flood check: {} customers ordering, {} s a phase, {} wrong logins/s in the second; {} password check(s) at once",
        options.clients,
        options.seconds,
        options.rate,
        Throttles::password_checks()
    );
    let quiet = ordering(&base, &customer, &order, options).await?;
    quiet.print("quiet");

    // Minji's phone: a browser that has logged into her account before the flood.
    let usual_browser = support::customer(&base).await?;
    let attack = tokio::spawn(flood(
        base.clone(),
        options.rate,
        Duration::from_secs(options.seconds),
    ));
    let people = tokio::spawn(logging_in_mid_flood(
        base.clone(),
        usual_browser,
        Duration::from_secs(options.seconds) / 2,
    ));
    let flooded = ordering(&base, &customer, &order, options).await?;
    let answers = attack.await??;
    let people = people.await??;
    flooded.print("under flood");
    println!(
        "p99 under flood / quiet:         {:.2}×  (goal ≤ 1.50×); p50 {:.2}×",
        flooded.p99 / quiet.p99,
        flooded.p50 / quiet.p50
    );
    answers.print(options.seconds);
    println!("mid-flood, {people}");

    background.stop().await;
    pool.close().await;
    Ok(())
}

/// PlaceOrder latencies of one phase.
struct Phase {
    placed: usize,
    errors: usize,
    p50: f64,
    p99: f64,
    seconds: f64,
}

impl Phase {
    fn print(&self, name: &str) {
        println!(
            "PlaceOrder, {name:<12}        p50 {:>6.1} ms   p99 {:>6.1} ms   {:>5.0} orders/s, {} errors",
            self.p50,
            self.p99,
            self.placed as f64 / self.seconds,
            self.errors
        );
    }
}

/// Sixteen customers placing orders for one phase.
async fn ordering(
    base: &str,
    customer: &reqwest::Client,
    order: &serde_json::Value,
    options: &Options,
) -> Result<Phase> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let clients = vec![customer.clone(); options.clients];
    let (latencies, errors) = support::place_orders_until(base, clients, order, deadline).await?;
    let placed = latencies.len();
    let (p50, p99) = support::p50_p99(latencies).context("no order was placed")?;
    Ok(Phase {
        placed,
        errors,
        p50,
        p99,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// How the attacker's logins were answered.
#[derive(Default)]
struct Answers {
    sent: u32,
    wrong_password: u32,
    throttled: u32,
    other: u32,
    latencies_ms: Vec<f64>,
}

impl Answers {
    fn print(&self, seconds: u64) {
        let (p50, p99) =
            support::p50_p99(self.latencies_ms.clone()).unwrap_or((f64::NAN, f64::NAN));
        println!(
            "attacker: {} logins ({:.0}/s): {} checked and refused (401), {} told to come back (429), {} other; answered in p50 {p50:.0} ms, p99 {p99:.0} ms",
            self.sent,
            f64::from(self.sent) / seconds as f64,
            self.wrong_password,
            self.throttled,
            self.other
        );
    }
}

/// Two people log in half way through the flood: Minji on the browser she used before, Junho on a
/// new one. Says how each was answered and how fast.
async fn logging_in_mid_flood(
    base: String,
    usual_browser: reqwest::Client,
    after: Duration,
) -> Result<String> {
    tokio::time::sleep(after).await;
    let login = |http: reqwest::Client, email: &'static str| {
        let url = format!("{base}/api/login");
        async move {
            let sent = Instant::now();
            let answer = http
                .post(url)
                .form(&[("email", email), ("password", "baedal-demo")])
                .send()
                .await?;
            let retry_after = answer
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(|seconds| format!(", come back in {seconds} s"))
                .unwrap_or_default();
            anyhow::Ok(format!(
                "{}{retry_after} in {:.0} ms",
                answer.status().as_u16(),
                sent.elapsed().as_secs_f64() * 1e3
            ))
        }
    };
    let usual = login(usual_browser, "minji@baedal.test").await?;
    let new_browser = reqwest::Client::builder().cookie_store(true).build()?;
    let new = login(new_browser, "junho@baedal.test").await?;
    Ok(format!(
        "a browser that logged in before: {usual}; a new browser: {new}"
    ))
}

/// Sends `rate` wrong-password logins a second for `length`, each from a new address for a new
/// account, without waiting for answers (a flood does not wait).
async fn flood(base: String, rate: u32, length: Duration) -> Result<Answers> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .build()?;
    let answers = Arc::new(Mutex::new(Answers::default()));
    let attempt = Arc::new(AtomicU32::new(0));
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let started = Instant::now();
    let mut attempts = Vec::new();
    while started.elapsed() < length {
        tick.tick().await;
        let n = attempt.fetch_add(1, Ordering::Relaxed);
        // 198.18.0.0/15 is set aside for benchmarks: 131,072 addresses, one per attempt.
        let address = Ipv4Addr::from(u32::from(Ipv4Addr::new(198, 18, 0, 0)) + n % 131_072);
        let (http, answers, url) = (http.clone(), answers.clone(), format!("{base}/api/login"));
        attempts.push(tokio::spawn(async move {
            let sent = Instant::now();
            let email = format!("guess{n}@flood.test");
            let status = http
                .post(&url)
                .header("x-forwarded-for", address.to_string())
                .form(&[("email", email.as_str()), ("password", "hunter2")])
                .send()
                .await
                .map(|r| r.status().as_u16());
            let mut answers = answers.lock().await;
            answers.sent += 1;
            answers
                .latencies_ms
                .push(sent.elapsed().as_secs_f64() * 1e3);
            match status {
                Ok(401) => answers.wrong_password += 1,
                Ok(429) => answers.throttled += 1,
                _ => answers.other += 1,
            }
        }));
    }
    for attempt in attempts {
        attempt.await?;
    }
    let answers = std::mem::take(&mut *answers.lock().await);
    Ok(answers)
}
