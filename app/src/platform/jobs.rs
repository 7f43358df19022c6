//! Queuing jobs and reaching the server's state from inside one: the two things every job of
//! every context needs from the job queue.

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
