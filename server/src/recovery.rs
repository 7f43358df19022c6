//! Jobs held by a process that died run again within seconds.
//!
//! graphile_worker locks a job to the worker that took it and, left alone, frees a dead worker's
//! locks only after four hours: an order whose payment job was taken by a process that was then
//! killed would wait that long. Two things shorten it:
//!
//! - every worker beats a heartbeat into `graphile_worker._private_workers` and sweeps for
//!   workers whose heartbeat stopped (graphile_worker's own recovery, switched on here), so any
//!   live process frees a dead one's jobs at most [`STALE_AFTER`] + [`SWEEP_EVERY`] after it died;
//! - a process starting on a host frees at once the jobs of the workers that ran on that host
//!   and are gone (the usual restart after a crash or an OOM kill), which it can tell from
//!   `runtime.job_workers` and `/proc`.
//!
//! Both give the jobs back with their attempt not counted: a crash is not the job's failure.
//! Everything else a process claims is claimed inside a transaction (the dispatcher's events
//! under `FOR UPDATE SKIP LOCKED`, a KakaoTalk message or a charge only inside its job), so
//! PostgreSQL releases it when the connection drops; `idle_in_transaction_session_timeout` on
//! every connection bounds the case where a host vanishes without closing its sockets.

use std::time::Duration;

use graphile_worker::WorkerRecoveryConfig;
use sqlx::PgPool;

/// How often a worker says it is alive.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);
/// How often a worker looks for dead ones.
pub const SWEEP_EVERY: Duration = Duration::from_secs(5);
/// Silence after which a worker counts as dead. Four missed heartbeats: a worker that is merely
/// slow (a long pause, a busy database) keeps its jobs.
pub const STALE_AFTER: Duration = Duration::from_secs(20);

/// graphile_worker's dead-worker recovery, with our timings; recovered jobs may run at once.
pub fn worker_recovery() -> WorkerRecoveryConfig {
    WorkerRecoveryConfig::default()
        .heartbeat_interval(HEARTBEAT_EVERY)
        .sweep_interval(SWEEP_EVERY)
        .sweep_threshold(STALE_AFTER)
        .recovery_delay(Duration::ZERO)
}

/// This process, as another process on the same host can recognise it later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThisProcess {
    pub host: String,
    pub boot_id: String,
    pub pid: u32,
    pub start_ticks: i64,
}

impl ThisProcess {
    /// Read from `/proc`; `None` where there is no `/proc` (then only the heartbeat sweep
    /// recovers jobs).
    pub fn read() -> Option<ThisProcess> {
        let pid = std::process::id();
        Some(ThisProcess {
            host: read_trimmed("/proc/sys/kernel/hostname")?,
            boot_id: read_trimmed("/proc/sys/kernel/random/boot_id")?,
            pid,
            start_ticks: start_ticks(pid)?,
        })
    }

    /// Whether the process `worker` was is still running on this host.
    fn still_running(&self, worker: &ThisProcess) -> bool {
        worker.boot_id == self.boot_id && start_ticks(worker.pid) == Some(worker.start_ticks)
    }
}

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

/// The 22nd field of `/proc/<pid>/stat`: when the process started, in ticks since boot. The
/// command name (field 2) may hold spaces and parentheses, so fields are counted after its `)`.
fn start_ticks(pid: u32) -> Option<i64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    after_name.split_whitespace().nth(19)?.parse().ok()
}

/// Records that `worker_id` runs in this process (called when the worker starts).
pub async fn remember(pool: &PgPool, worker_id: &str, this: &ThisProcess) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO runtime.job_workers (worker_id, host, boot_id, pid, start_ticks)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (worker_id) DO NOTHING",
    )
    .bind(worker_id)
    .bind(&this.host)
    .bind(&this.boot_id)
    .bind(i64::from(this.pid))
    .bind(this.start_ticks)
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets a worker that stopped cleanly (its jobs were finished or handed back).
pub async fn forget(pool: &PgPool, worker_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM runtime.job_workers WHERE worker_id = $1")
        .bind(worker_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// What [`release_jobs_of_gone_neighbours`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Released {
    pub workers: usize,
    pub jobs: i32,
}

/// Gives back, at once, the jobs locked by workers that ran on this host and are no longer
/// running. Workers of other hosts are left to the heartbeat sweep: from here nobody can tell
/// whether they are alive.
pub async fn release_jobs_of_gone_neighbours(
    pool: &PgPool,
    this: &ThisProcess,
) -> sqlx::Result<Released> {
    let neighbours: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT worker_id, boot_id, pid::bigint, start_ticks FROM runtime.job_workers
         WHERE host = $1",
    )
    .bind(&this.host)
    .fetch_all(pool)
    .await?;
    let gone: Vec<String> = neighbours
        .into_iter()
        .filter(|(_, boot_id, pid, start_ticks)| {
            let worker = ThisProcess {
                host: this.host.clone(),
                boot_id: boot_id.clone(),
                pid: u32::try_from(*pid).unwrap_or(0),
                start_ticks: *start_ticks,
            };
            !this.still_running(&worker)
        })
        .map(|(worker_id, ..)| worker_id)
        .collect();
    if gone.is_empty() {
        return Ok(Released::default());
    }
    let mut tx = pool.begin().await?;
    let jobs: i32 = sqlx::query_scalar(
        "SELECT graphile_worker.recover_dead_worker_jobs($1, interval '0 seconds')",
    )
    .bind(&gone)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("SELECT graphile_worker.worker_deregister(id) FROM unnest($1::text[]) AS id")
        .bind(&gone)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM runtime.job_workers WHERE worker_id = ANY($1)")
        .bind(&gone)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Released {
        workers: gone.len(),
        jobs,
    })
}

/// Drops the records of workers that the heartbeat sweep has already recovered, on any host.
pub async fn forget_swept_workers(pool: &PgPool) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM runtime.job_workers w
         WHERE w.started_at < now() - interval '1 minute'
           AND NOT EXISTS (SELECT 1 FROM graphile_worker._private_workers p WHERE p.id = w.worker_id)",
    )
    .execute(pool)
    .await?
    .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_running_and_a_made_up_one_is_not() {
        let this = ThisProcess::read().expect("a Linux /proc");
        assert!(this.still_running(&this));
        let restarted = ThisProcess {
            start_ticks: this.start_ticks + 1,
            ..this.clone()
        };
        assert!(
            !this.still_running(&restarted),
            "a reused pid is not the worker"
        );
        let earlier_boot = ThisProcess {
            boot_id: "another-boot".to_owned(),
            ..this.clone()
        };
        assert!(!this.still_running(&earlier_boot));
    }
}
