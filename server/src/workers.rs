//! Background work of a server process: the event dispatcher, the job workers that run the
//! consumers and timers, and the listener that feeds live screens; which of them a process runs
//! follows its [`Role`]. Any number of processes may run them against one database.

use anyhow::{Context, Result};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use app::notification::kakao::SendKakao;
use app::ordering::consumer::ExpireOrders;
use app::payment::jobs::{ChargeOrders, ClosePaymentWindow, RefundPayment};
use app::platform::{
    consumers::ConsumeEvents, dispatcher, session_store::PgSessionStore, state::AppState,
};
use graphile_worker::{WorkerOptions, WorkerShutdown, WorkerStart};

use crate::config::Role;
use crate::recovery;

/// Jobs run at once per process; consumers spend most of their time waiting on PostgreSQL.
const CONCURRENCY: usize = 4;

/// The running dispatcher and worker; stop them with [`Background::stop`].
pub struct Background {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Starts what `role` runs in this process: for jobs, installs the job queue's schema (first
/// run), releases the jobs of this host's dead workers and starts the worker and the
/// dispatcher; for web, the listener that feeds live screens.
pub async fn start(state: AppState, role: Role) -> Result<Background> {
    let (stop, stopped) = watch::channel(false);
    let mut tasks = Vec::new();
    if role.runs_jobs() {
        tasks.push(start_jobs(&state, stopped.clone()).await?);
        tasks.push(tokio::spawn(dispatcher::listen_for_appends(
            state.pool.clone(),
            state.dispatcher_wake.clone(),
            stop.subscribe(),
        )));
        tasks.push(tokio::spawn(dispatcher::run(
            state.pool.clone(),
            state.dispatcher_wake.clone(),
            stopped,
        )));
    }
    if role.serves_http() {
        tasks.push(tokio::spawn(
            state
                .live
                .clone()
                .listen(state.pool.clone(), stop.subscribe()),
        ));
    }
    tasks.push(tokio::spawn(housekeeping(
        state.clone(),
        role,
        stop.subscribe(),
    )));
    Ok(Background { stop, tasks })
}

async fn start_jobs(
    state: &AppState,
    mut stopped: watch::Receiver<bool>,
) -> Result<JoinHandle<()>> {
    let this_process = recovery::ThisProcess::read();
    let remembered = (state.pool.clone(), this_process.clone());
    let forgotten = state.pool.clone();
    let worker = WorkerOptions::default()
        .concurrency(CONCURRENCY)
        .schema("graphile_worker")
        .pg_pool(state.pool.clone())
        .define_job::<ConsumeEvents>()
        .define_job::<ExpireOrders>()
        .define_job::<ChargeOrders>()
        .define_job::<RefundPayment>()
        .define_job::<ClosePaymentWindow>()
        .define_job::<SendKakao>()
        .add_extension(state.clone())
        .worker_recovery(recovery::worker_recovery())
        .on(WorkerStart, move |started| {
            let (pool, this_process) = remembered.clone();
            async move {
                let Some(this_process) = this_process else {
                    return;
                };
                if let Err(error) =
                    recovery::remember(&pool, &started.worker_id, &this_process).await
                {
                    tracing::warn!(%error, "could not record this job worker");
                }
            }
        })
        .on(WorkerShutdown, move |ended| {
            let pool = forgotten.clone();
            async move {
                if let Err(error) = recovery::forget(&pool, &ended.worker_id).await {
                    tracing::warn!(%error, "could not forget this job worker");
                }
            }
        })
        .listen_os_shutdown_signals(false)
        .shutdown_signal(async move {
            let _ = stopped.changed().await;
        })
        .init()
        .await
        .context("starting the job worker")?;
    if let Some(this_process) = &this_process {
        let released = recovery::release_jobs_of_gone_neighbours(&state.pool, this_process)
            .await
            .context("releasing the jobs of this host's stopped workers")?;
        if released.workers > 0 {
            tracing::warn!(
                workers = released.workers,
                jobs = released.jobs,
                "released the jobs of job workers that ran on this host and are gone"
            );
        }
    }
    Ok(tokio::spawn(async move {
        if let Err(error) = worker.run().await {
            tracing::error!(?error, "job worker stopped with an error");
        }
    }))
}

/// Every minute: a web process drops the throttles' memory of clients back at their full
/// allowance; a job process deletes sessions past their expiry and the records of swept job
/// workers, and phone codes past their use (any number of processes may; the deletes are
/// idempotent).
async fn housekeeping(state: AppState, role: Role, mut stop: watch::Receiver<bool>) {
    use tower_sessions::session_store::ExpiredDeletion;
    let sessions = PgSessionStore::new(state.pool.clone());
    let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = every_minute.tick() => {
                if role.serves_http() {
                    state.throttles.forget_quiet_clients();
                }
                if !role.runs_jobs() {
                    continue;
                }
                if let Err(error) = sessions.delete_expired().await {
                    tracing::warn!(%error, "could not delete expired sessions");
                }
                if let Err(error) = recovery::forget_swept_workers(&state.pool).await {
                    tracing::warn!(%error, "could not forget swept job workers");
                }
                if let Err(error) = app::platform::forget_old_codes(&state.pool).await {
                    tracing::warn!(%error, "could not forget old phone codes");
                }
            }
            _ = stop.changed() => return,
        }
    }
}

impl Background {
    /// Asks every task to stop and waits until they have.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
