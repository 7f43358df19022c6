//! Moves committed events to their consumers. Commands only append to the log; this task claims
//! undispatched events in batches and, in one transaction, queues one job per interested consumer
//! per batch and marks the events dispatched. Live screens hear from the consumers that keep their
//! read models (see `live::hub`), once those have applied the events. Any number of
//! dispatchers may run: `SKIP LOCKED` gives each its own events.

use serde_json::json;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use uuid::Uuid;

use super::consumers::ConsumeEvents;
use super::events::Consumer;
use graphile_worker::TaskHandler;

/// Events per batch: large enough to share the queue's cost, small enough for one NOTIFY payload.
pub const BATCH_SIZE: usize = 500;
/// After a partial batch, how long to let the next one gather.
const COALESCE: Duration = Duration::from_millis(50);
/// How often a dispatcher looks for events committed by other processes when it hears nothing
/// from them (its listener reconnecting, or a notification lost with its connection).
const POLL: Duration = Duration::from_millis(50);

/// The channel every append of events notifies at commit (a trigger on `events.log`).
pub const APPENDED_CHANNEL: &str = "baedal_events";

/// Wakes this process's dispatcher whenever any process commits events, until `stop` turns true;
/// reconnects if its connection drops. Without it a worker's dispatcher would find the events
/// that web processes append only at its next poll, a wait every live screen would show.
pub async fn listen_for_appends(pool: PgPool, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    loop {
        let listened = tokio::select! {
            result = hear_appends(&pool, &wake) => result,
            _ = stop.changed() => return,
        };
        if let Err(error) = listened {
            tracing::warn!(%error, "the dispatcher's listener failed; reconnecting");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
    }
}

async fn hear_appends(pool: &PgPool, wake: &Notify) -> sqlx::Result<()> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(APPENDED_CHANNEL).await?;
    // Whatever was appended while nobody listened is found now rather than at the next poll.
    wake.notify_one();
    // `try_recv`: `recv` would reconnect by itself and lose what was sent meanwhile unseen.
    while listener.try_recv().await?.is_some() {
        wake.notify_one();
    }
    Ok(())
}

/// Runs until `stop` turns true: dispatches whenever woken, or every [`POLL`].
pub async fn run(pool: PgPool, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    loop {
        match dispatch_once(&pool).await {
            Ok(n) if n == BATCH_SIZE => continue,
            Ok(n) if n > 0 => {
                // Under load, let events gather for a moment: fewer, fuller batches mean fewer
                // jobs, and the job queue is the costlier part. A quiet system never waits here.
                tokio::time::sleep(COALESCE).await;
                continue;
            }
            Ok(_) => {}
            Err(error) => {
                tracing::error!(%error, "dispatcher failed; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return;
        }
    }
}

/// Dispatches one batch; returns how many events it moved.
pub async fn dispatch_once(pool: &PgPool) -> sqlx::Result<usize> {
    let mut tx = pool.begin().await?;
    let batch: Vec<(i64, Uuid, String)> = sqlx::query_as(
        "SELECT seq, event_id, event_type FROM events.log WHERE dispatched_at IS NULL
         ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
    )
    .bind(BATCH_SIZE as i64)
    .fetch_all(&mut *tx)
    .await?;
    if batch.is_empty() {
        return Ok(0);
    }
    // FOR SHARE makes a concurrent resume wait until this batch is committed (see `resume`).
    let paused: Vec<String> =
        sqlx::query_scalar("SELECT consumer FROM events.paused_consumers FOR SHARE")
            .fetch_all(&mut *tx)
            .await?;
    let mut identifiers = Vec::new();
    let mut payloads = Vec::new();
    for consumer in Consumer::ALL {
        if paused.iter().any(|p| p == consumer.name()) {
            continue;
        }
        let event_ids: Vec<Uuid> = batch
            .iter()
            .filter(|(_, _, event_type)| consumer.wants(event_type))
            .map(|(_, event_id, _)| *event_id)
            .collect();
        if event_ids.is_empty() {
            continue;
        }
        identifiers.push(ConsumeEvents::IDENTIFIER);
        payloads.push(json!(ConsumeEvents {
            consumer,
            event_ids
        }));
    }
    if !identifiers.is_empty() {
        sqlx::query(
            "SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
                 SELECT ROW(t.identifier, t.payload, NULL, NULL, NULL, NULL, NULL, NULL)
                        ::graphile_worker.job_spec
                 FROM unnest($1::text[], $2::json[]) AS t(identifier, payload)))",
        )
        .bind(&identifiers)
        .bind(&payloads)
        .execute(&mut *tx)
        .await?;
    }
    let seqs: Vec<i64> = batch.iter().map(|(seq, _, _)| *seq).collect();
    sqlx::query("UPDATE events.log SET dispatched_at = clock_timestamp() WHERE seq = ANY($1)")
        .bind(&seqs)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(batch.len())
}
