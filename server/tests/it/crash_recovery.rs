//! A job worker killed with SIGKILL while it holds jobs: the jobs are run again by another
//! process within seconds, each message sent once, whether the other process was already
//! running (the heartbeat sweep) or starts on the same host after the crash (its start-up
//! release).
//!
//! The jobs held are KakaoTalk sends, against an endpoint that keeps every request waiting until
//! told otherwise: the killed worker is caught in the middle of its calls.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::processes::Deployment;
use crate::common::*;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use server::recovery::{HEARTBEAT_EVERY, STALE_AFTER, SWEEP_EVERY};
use sqlx::PgPool;

/// A KakaoTalk endpoint that, while `holding`, never answers; afterwards it answers every
/// request. It notes the request id of each.
#[derive(Clone, Default)]
struct StallingKakao {
    holding: Arc<AtomicBool>,
    held: Arc<Mutex<Vec<String>>>,
    answered: Arc<Mutex<Vec<String>>>,
}

impl StallingKakao {
    async fn start(&self) -> String {
        async fn send(State(kakao): State<StallingKakao>, Json(body): Json<Value>) -> Json<Value> {
            let request_id = body["requestId"].as_str().unwrap_or_default().to_owned();
            if kakao.holding.load(Ordering::SeqCst) {
                kakao.held.lock().expect("lock").push(request_id.clone());
                std::future::pending::<()>().await;
            }
            kakao.answered.lock().expect("lock").push(request_id);
            Json(json!({ "code": "OK" }))
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("free port");
        let url = format!("http://{}/send", listener.local_addr().expect("addr"));
        let router = Router::new()
            .route("/send", post(send))
            .with_state(self.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        url
    }

    fn held(&self) -> Vec<String> {
        self.held.lock().expect("lock").clone()
    }

    fn answered(&self) -> Vec<String> {
        self.answered.lock().expect("lock").clone()
    }
}

/// Job workers of the test's database that send KakaoTalk messages to `kakao_url`.
fn job_workers(app: &TestApp, kakao_url: &str) -> Deployment {
    Deployment {
        kakao_url: Some(kakao_url.to_owned()),
        ..Deployment::new(&app.pool, &app.provider.base)
    }
}

async fn live_workers(pool: &PgPool) -> i64 {
    // The table appears when the first worker installs the job queue.
    sqlx::query_scalar("SELECT count(*) FROM graphile_worker._private_workers")
        .fetch_one(pool)
        .await
        .unwrap_or(0)
}

async fn send_jobs_locked(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM graphile_worker.jobs
         WHERE task_identifier = 'send_kakao' AND locked_by IS NOT NULL",
    )
    .fetch_one(pool)
    .await
    .expect("jobs")
}

/// (messages recorded, sent, attempts in all) for the order.
async fn messages(pool: &PgPool, order: app::ordering::OrderId) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE k.status = 'SENT'), coalesce(sum(k.attempts), 0)
         FROM notification.kakao_messages k JOIN events.log e USING (event_id)
         WHERE e.order_id = $1",
    )
    .bind(order.0)
    .fetch_one(pool)
    .await
    .expect("messages")
}

/// Places an order through the web process and waits until worker A is stuck sending its
/// three messages (placed, and paid to the customer and the owner).
async fn order_held_by_a_worker(
    app: &TestApp,
    kakao: &StallingKakao,
) -> (app::ordering::OrderId, Vec<String>) {
    let customer = app.logged_in(CUSTOMER).await;
    let order = place(app, &customer).await;
    let held = eventually_within(
        Duration::from_secs(60),
        "the worker is stuck in three KakaoTalk calls",
        || async {
            let held = kakao.held();
            (held.len() == 3).then_some(held)
        },
    )
    .await;
    assert_eq!(
        send_jobs_locked(&app.pool).await,
        3,
        "the worker holds the jobs"
    );
    (order, held)
}

/// After recovery: each message sent once, by one answered request, with one attempt (the
/// killed worker's call never finished, so it is neither a send nor a failure).
async fn each_message_sent_once(
    app: &TestApp,
    kakao: &StallingKakao,
    order: app::ordering::OrderId,
    held: &[String],
) {
    assert_eq!(messages(&app.pool, order).await, (3, 3, 3));
    let mut answered = kakao.answered();
    answered.sort();
    let mut expected = held.to_vec();
    expected.sort();
    assert_eq!(answered, expected, "each held message answered once");
    // A job records its message as sent before the queue marks the job done, so the queue may
    // lag the message by a moment; it must then hold nothing, locked or waiting to retry.
    eventually_within(
        Duration::from_secs(10),
        "no send job left, locked or to retry",
        || async {
            let left: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = 'send_kakao'",
            )
            .fetch_one(&app.pool)
            .await
            .ok()?;
            (left == 0).then_some(())
        },
    )
    .await;
    assert_eq!(
        messages(&app.pool, order).await,
        (3, 3, 3),
        "no message sent again"
    );
}

#[tokio::test]
async fn a_running_worker_takes_over_the_jobs_of_one_that_was_killed() {
    let pool = demo_database().await;
    let kakao = StallingKakao::default();
    kakao.holding.store(true, Ordering::SeqCst);
    let url = kakao.start().await;
    let app = TestApp::web_only(pool).await;
    let workers = job_workers(&app, &url);
    let mut first = workers.worker();
    eventually("the first worker beats", || async {
        (live_workers(&app.pool).await == 1).then_some(())
    })
    .await;
    let (order, held) = order_held_by_a_worker(&app, &kakao).await;

    let mut second = workers.worker();
    eventually("the second worker beats", || async {
        (live_workers(&app.pool).await == 2).then_some(())
    })
    .await;
    kakao.holding.store(false, Ordering::SeqCst);
    first.kill().await;
    let killed = Instant::now();

    // Silence for STALE_AFTER, then the next sweep: well inside half a minute.
    let bound = STALE_AFTER + SWEEP_EVERY + HEARTBEAT_EVERY;
    assert!(bound <= Duration::from_secs(30));
    eventually_within(bound, "the second worker sends the messages", || async {
        let (_, sent, _) = messages(&app.pool, order).await;
        (sent == 3).then_some(())
    })
    .await;
    eprintln!(
        "the killed worker's jobs were done {:.1} s after the kill",
        killed.elapsed().as_secs_f64()
    );
    each_message_sent_once(&app, &kakao, order, &held).await;
    assert_eq!(
        live_workers(&app.pool).await,
        1,
        "the dead worker was swept"
    );

    second.kill().await;
    app.shutdown().await;
}

#[tokio::test]
async fn a_worker_restarted_on_the_same_host_releases_its_predecessors_jobs_at_once() {
    let pool = demo_database().await;
    let kakao = StallingKakao::default();
    kakao.holding.store(true, Ordering::SeqCst);
    let url = kakao.start().await;
    let app = TestApp::web_only(pool).await;
    let workers = job_workers(&app, &url);
    let mut crashed = workers.worker();
    let (order, held) = order_held_by_a_worker(&app, &kakao).await;
    crashed.kill().await;
    let last_heartbeat: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT max(last_heartbeat_at) FROM graphile_worker._private_workers")
            .fetch_one(&app.pool)
            .await
            .expect("the crashed worker's heartbeat");

    kakao.holding.store(false, Ordering::SeqCst);
    let mut restarted = workers.worker();
    eventually_within(
        STALE_AFTER,
        "the restarted worker sends the messages",
        || async {
            let (_, sent, _) = messages(&app.pool, order).await;
            (sent == 3).then_some(())
        },
    )
    .await;
    // Sent before the crashed worker's heartbeat had even gone stale: not by the sweep.
    let last_sent: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "SELECT max(k.sent_at) FROM notification.kakao_messages k
         JOIN events.log e USING (event_id) WHERE e.order_id = $1",
    )
    .bind(order.0)
    .fetch_one(&app.pool)
    .await
    .expect("sent times");
    let stale_at =
        last_heartbeat + chrono::Duration::from_std(STALE_AFTER).expect("a short duration");
    assert!(
        last_sent < stale_at,
        "sent at {last_sent}, the crashed worker went stale only at {stale_at}"
    );
    each_message_sent_once(&app, &kakao, order, &held).await;
    let remembered: i64 = sqlx::query_scalar("SELECT count(*) FROM runtime.job_workers")
        .fetch_one(&app.pool)
        .await
        .expect("workers");
    assert_eq!(remembered, 1, "only the restarted worker is remembered");

    restarted.kill().await;
    app.shutdown().await;
}
