//! Running consumers: one job applies a batch of events for one consumer in one transaction that
//! also records each `(consumer, event_id)`, so a rerun changes nothing. If the batch fails, its
//! events are applied one by one and a failing event retries alone.

use std::collections::HashSet;

use graphile_worker::{IntoTaskHandlerResult, TaskHandler, WorkerContext};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgExecutor, PgPool};
use tracing::Instrument;
use uuid::Uuid;

use super::event_log;
use super::events::{Consumer, StoredEvent};
use super::live;
use super::state::AppState;

/// One consumer's way to apply a batch of fresh events inside the runner's transaction; `true` if
/// it appended events. Each context writes its own (`<context>::consumer::apply`), and the server
/// hands the runner the table (`app::contexts`), so the runner names no context.
pub type ApplyBatch = for<'a> fn(
    &'a mut PgConnection,
    &'a AppState,
    &'a [&'a StoredEvent],
) -> futures::future::BoxFuture<'a, Result<bool, ConsumeError>>;

/// Why a consumer could not apply an event; the queue retries it.
#[derive(Debug, thiserror::Error)]
pub enum ConsumeError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Failed(String),
}

/// The job: apply `event_ids` for `consumer`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConsumeEvents {
    pub consumer: Consumer,
    pub event_ids: Vec<Uuid>,
}

impl TaskHandler for ConsumeEvents {
    const IDENTIFIER: &'static str = "consume_events";

    async fn run(self, ctx: WorkerContext) -> impl IntoTaskHandlerResult {
        let state = super::jobs::app_state(&ctx)?;
        self.apply(&state).await.map_err(|e| e.to_string())
    }
}

impl ConsumeEvents {
    async fn apply(&self, state: &AppState) -> Result<(), ConsumeError> {
        let events = event_log::load(&state.pool, &self.event_ids).await?;
        let alone = self.event_ids.len() == 1;
        if !alone {
            // The fast path: the whole batch in one transaction. If any event fails, nothing of
            // the batch is kept and the events are applied one by one below, isolating the bad one.
            match apply_batch(state, self.consumer, &events).await {
                Ok(()) => return Ok(()),
                Err(error) => tracing::info!(
                    consumer = self.consumer.name(),
                    %error,
                    "batch failed; applying its events one by one"
                ),
            }
        }
        for event in &events {
            if let Err(error) = apply_once(state, self.consumer, event).await {
                tracing::warn!(
                    consumer = self.consumer.name(),
                    order_id = %event.order_id.0,
                    event_id = %event.event_id,
                    %error,
                    "consumer failed; it will be retried"
                );
                if alone {
                    return Err(error);
                }
                // One bad event must not hold up the rest of the batch: it retries on its own.
                enqueue(&state.pool, self.consumer, &[event.event_id], true).await?;
            }
        }
        Ok(())
    }
}

/// Applies events in one transaction, skipping those this consumer has already applied: each
/// `(consumer, event_id)` row is written with the effect, so a rerun changes nothing.
async fn apply_batch(
    state: &AppState,
    consumer: Consumer,
    events: &[StoredEvent],
) -> Result<(), ConsumeError> {
    if take_drill_failure(&state.pool, consumer).await? {
        return Err(ConsumeError::Failed("drill: injected failure".into()));
    }
    let ids: Vec<Uuid> = events.iter().map(|e| e.event_id).collect();
    let mut tx = state.pool.begin().await?;
    let fresh_ids: HashSet<Uuid> = sqlx::query_scalar(
        "INSERT INTO events.consumed (consumer, event_id) SELECT $1, unnest($2::uuid[])
         ON CONFLICT DO NOTHING RETURNING event_id",
    )
    .bind(consumer.name())
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .collect();
    let fresh: Vec<&StoredEvent> = events
        .iter()
        .filter(|e| fresh_ids.contains(&e.event_id))
        .collect();
    let applied_seqs = fresh.iter().fold((i64::MAX, i64::MIN), |(low, high), e| {
        (low.min(e.seq), high.max(e.seq))
    });
    let emitted = dispatch_to_context(&mut tx, state, consumer, &fresh).await?;
    if applied_seqs.0 <= applied_seqs.1 && live::hub::feeds_screens(consumer) {
        live::hub::announce(&mut tx, consumer, applied_seqs.0, applied_seqs.1).await?;
    }
    tx.commit().await?;
    if emitted {
        state.wake_dispatcher();
    }
    Ok(())
}

/// Applies one event once: a second run finds the `(consumer, event_id)` row and does nothing.
pub async fn apply_once(
    state: &AppState,
    consumer: Consumer,
    event: &StoredEvent,
) -> Result<(), ConsumeError> {
    apply_batch(state, consumer, std::slice::from_ref(event)).await
}

/// Runs the context's consumer over the fresh events; returns whether it appended events.
/// Each context takes the batch whole, so its reads and writes are one statement per batch
/// rather than per event.
async fn dispatch_to_context(
    tx: &mut PgConnection,
    state: &AppState,
    consumer: Consumer,
    events: &[&StoredEvent],
) -> Result<bool, ConsumeError> {
    if events.is_empty() {
        return Ok(false);
    }
    let span = tracing::info_span!("consume", consumer = consumer.name(), events = events.len());
    (state.contexts.consumer)(consumer)(tx, state, events)
        .instrument(span)
        .await
}

/// Whether a fault drill makes this attempt fail (and counts it).
async fn take_drill_failure(pool: &PgPool, consumer: Consumer) -> sqlx::Result<bool> {
    let left: Option<i32> = sqlx::query_scalar(
        "UPDATE events.fault_drills SET failures_left = failures_left - 1
         WHERE consumer = $1 AND failures_left > 0 RETURNING failures_left",
    )
    .bind(consumer.name())
    .fetch_optional(pool)
    .await?;
    Ok(left.is_some())
}

/// Makes `consumer` fail its next `failures` events (an operator drill; 0 ends it).
pub async fn set_fault_drill(
    db: impl PgExecutor<'_>,
    consumer: Consumer,
    failures: i32,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO events.fault_drills (consumer, failures_left) VALUES ($1, $2)
         ON CONFLICT (consumer) DO UPDATE SET failures_left = EXCLUDED.failures_left",
    )
    .bind(consumer.name())
    .bind(failures.max(0))
    .execute(db)
    .await?;
    Ok(())
}

/// Queues a job applying `event_ids` for `consumer`. A lone retry carries a job key, so the same
/// event is never queued twice for the same consumer.
pub async fn enqueue(
    db: impl PgExecutor<'_>,
    consumer: Consumer,
    event_ids: &[Uuid],
    keyed: bool,
) -> sqlx::Result<()> {
    let job = ConsumeEvents {
        consumer,
        event_ids: event_ids.to_vec(),
    };
    let key = keyed.then(|| retry_key(consumer, event_ids[0]));
    super::jobs::enqueue(db, &job, key, None).await
}

/// The job key of a single event retried for one consumer.
pub fn retry_key(consumer: Consumer, event_id: Uuid) -> String {
    format!("{}:{event_id}", consumer.name())
}

/// Pauses a consumer: its events wait (the "store system down" drill). Ordering is unaffected.
pub async fn pause(db: impl PgExecutor<'_>, consumer: Consumer) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO events.paused_consumers (consumer) VALUES ($1) ON CONFLICT DO NOTHING",
    )
    .bind(consumer.name())
    .execute(db)
    .await?;
    tracing::warn!(consumer = consumer.name(), "consumer paused");
    Ok(())
}

/// Resumes a consumer and queues every event it missed while paused.
pub async fn resume(pool: &PgPool, consumer: Consumer) -> sqlx::Result<usize> {
    let mut tx = pool.begin().await?;
    // Deleting waits for any dispatcher holding the row FOR SHARE, so after this statement every
    // dispatch that skipped this consumer has committed and is visible to the scan below.
    let paused_at: Option<chrono::DateTime<chrono::Utc>> = sqlx::query_scalar(
        "DELETE FROM events.paused_consumers WHERE consumer = $1 RETURNING paused_at",
    )
    .bind(consumer.name())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(paused_at) = paused_at else {
        return Ok(0);
    };
    let wanted: Vec<&str> = consumer.wanted().to_vec();
    let missed: Vec<Uuid> = sqlx::query_scalar(
        "SELECT l.event_id FROM events.log l
         WHERE l.dispatched_at >= $1 - interval '1 minute' AND l.event_type = ANY($2)
           AND NOT EXISTS (SELECT 1 FROM events.consumed c
                           WHERE c.consumer = $3 AND c.event_id = l.event_id)
         ORDER BY l.seq",
    )
    .bind(paused_at)
    .bind(&wanted)
    .bind(consumer.name())
    .fetch_all(&mut *tx)
    .await?;
    for batch in missed.chunks(super::dispatcher::BATCH_SIZE) {
        enqueue(&mut *tx, consumer, batch, false).await?;
    }
    tx.commit().await?;
    tracing::info!(
        consumer = consumer.name(),
        missed = missed.len(),
        "consumer resumed"
    );
    Ok(missed.len())
}

/// Consumers paused right now.
pub async fn paused(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Consumer>> {
    let names: Vec<String> = sqlx::query_scalar("SELECT consumer FROM events.paused_consumers")
        .fetch_all(db)
        .await?;
    Ok(names.iter().filter_map(|n| Consumer::parse(n)).collect())
}

/// The newest `limit` events (or one order's) with each consumer's progress on each.
pub async fn history(
    pool: &PgPool,
    order: Option<crate::ordering::OrderId>,
    limit: i64,
) -> sqlx::Result<Vec<super::events::EventHistory>> {
    use super::events::{Consumption, EventHistory};
    use chrono::{DateTime, Utc};
    use std::collections::HashMap;

    type LogRow = (
        i64,
        Uuid,
        Uuid,
        String,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
    );
    let events: Vec<LogRow> = sqlx::query_as(
        "SELECT seq, event_id, order_id, event_type, occurred_at, dispatched_at FROM events.log
         WHERE $1::uuid IS NULL OR order_id = $1 ORDER BY seq DESC LIMIT $2",
    )
    .bind(order.map(|o| o.0))
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let ids: Vec<Uuid> = events.iter().map(|e| e.1).collect();
    let done: Vec<(String, Uuid, DateTime<Utc>)> = sqlx::query_as(
        "SELECT consumer, event_id, consumed_at FROM events.consumed
         WHERE consumer = ANY($2) AND event_id = ANY($1)",
    )
    .bind(&ids)
    .bind(Consumer::ALL.map(Consumer::name).as_slice())
    .fetch_all(pool)
    .await?;
    let done: HashMap<(String, Uuid), DateTime<Utc>> =
        done.into_iter().map(|(c, e, at)| ((c, e), at)).collect();
    let keys: Vec<String> = events
        .iter()
        .flat_map(|e| Consumer::ALL.map(|c| retry_key(c, e.1)))
        .collect();
    type JobRow = (String, i16, i16, Option<String>, DateTime<Utc>);
    let jobs: Vec<JobRow> = sqlx::query_as(
        "SELECT key, attempts, max_attempts, last_error, run_at FROM graphile_worker._private_jobs
         WHERE key = ANY($1)",
    )
    .bind(&keys)
    .fetch_all(pool)
    .await?;
    let jobs: HashMap<String, JobRow> = jobs.into_iter().map(|j| (j.0.clone(), j)).collect();
    let paused = paused(pool).await?;

    Ok(events
        .into_iter()
        .map(
            |(seq, event_id, order_id, event_type, occurred_at, dispatched_at)| {
                let consumers = Consumer::ALL
                    .into_iter()
                    .filter(|c| c.wants(&event_type))
                    .map(|c| {
                        let state = if let Some(at) = done.get(&(c.name().to_owned(), event_id)) {
                            Consumption::Done { at: *at }
                        } else if let Some((_, attempts, max, last_error, run_at)) =
                            jobs.get(&retry_key(c, event_id))
                        {
                            if attempts >= max {
                                Consumption::Failed {
                                    attempts: *attempts,
                                    last_error: last_error.clone(),
                                }
                            } else {
                                Consumption::Retrying {
                                    attempts: *attempts,
                                    last_error: last_error.clone(),
                                    next_at: *run_at,
                                }
                            }
                        } else if paused.contains(&c) {
                            Consumption::Paused
                        } else {
                            Consumption::Pending
                        };
                        (c, state)
                    })
                    .collect();
                EventHistory {
                    seq,
                    event_id,
                    order_id: crate::ordering::OrderId(order_id),
                    event_type,
                    occurred_at,
                    dispatched_at,
                    consumers,
                }
            },
        )
        .collect())
}
