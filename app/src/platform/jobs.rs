//! Queuing jobs, reaching the server's state from inside one, and running a job's many outside
//! calls a few at a time: what the jobs of every context need from the job queue.

use chrono::{DateTime, Utc};
use graphile_worker::{TaskHandler, WorkerContext};
use serde::Serialize;
use sqlx::PgExecutor;

use super::state::AppState;

/// Queues `job` in the caller's transaction. `job_key` keeps at most one pending job per key
/// (a second add replaces the first); `run_at` delays it.
pub async fn enqueue<T: TaskHandler + Serialize>(
    db: impl PgExecutor<'_>,
    job: &T,
    job_key: Option<String>,
    run_at: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    let payload = serde_json::to_value(job).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query("SELECT graphile_worker.add_job($1, $2::json, run_at => $3, job_key => $4)")
        .bind(T::IDENTIFIER)
        .bind(payload)
        .bind(run_at)
        .bind(job_key)
        .execute(db)
        .await?;
    Ok(())
}

/// The server's state, which the worker carries as an extension.
pub fn app_state(ctx: &WorkerContext) -> Result<AppState, String> {
    ctx.get_ext::<AppState>()
        .cloned()
        .ok_or_else(|| "AppState is not registered with the worker".to_owned())
}

/// Runs `attempt` on every item, at most `in_flight` at once, and gathers what the attempts hand
/// back (the items a job must try again, say). A job that calls the outside world for many
/// orders keeps a bounded number of calls open instead of one at a time or all at once.
pub async fn each_at_most<T, R, F, Fut>(items: Vec<T>, in_flight: usize, attempt: F) -> Vec<R>
where
    F: FnMut(T) -> Fut,
    Fut: std::future::Future<Output = Option<R>>,
{
    use futures::StreamExt;

    futures::stream::iter(items)
        .map(attempt)
        .buffer_unordered(in_flight)
        .filter_map(std::future::ready)
        .collect()
        .await
}
