//! Background work of a server process: the event dispatcher, the job workers that run the
//! consumers and timers, and the listener that feeds live screens. Any number of processes may run them against one database.

use anyhow::{Context, Result};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use app::notification::kakao::SendKakao;
use app::ordering::consumer::ExpireOrders;
use app::payment::jobs::{ChargeOrders, ClosePaymentWindow, RefundPayment};
use app::platform::{
    consumers::ConsumeEvents, dispatcher, session_store::PgSessionStore, state::AppState,
};
use graphile_worker::WorkerOptions;

/// Jobs run at once per process; consumers spend most of their time waiting on PostgreSQL.
const CONCURRENCY: usize = 4;

/// The running dispatcher and worker; stop them with [`Background::stop`].
pub struct Background {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Installs the job queue's schema (first run), then starts the worker and the dispatcher.
pub async fn start(state: AppState) -> Result<Background> {
    let (stop, stopped) = watch::channel(false);
    let mut worker_stop = stopped.clone();
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
        .listen_os_shutdown_signals(false)
        .shutdown_signal(async move {
            let _ = worker_stop.changed().await;
        })
        .init()
        .await
        .context("starting the job worker")?;
    let worker_task = tokio::spawn(async move {
        if let Err(error) = worker.run().await {
            tracing::error!(?error, "job worker stopped with an error");
        }
    });
    let dispatcher_task = tokio::spawn(dispatcher::run(
        state.pool.clone(),
        state.dispatcher_wake.clone(),
        stopped,
    ));
    let listener_task = tokio::spawn(
        state
            .live
            .clone()
            .listen(state.pool.clone(), stop.subscribe()),
    );
    let housekeeping_task = tokio::spawn(housekeeping(state.clone(), stop.subscribe()));
    Ok(Background {
        stop,
        tasks: vec![
            worker_task,
            dispatcher_task,
            listener_task,
            housekeeping_task,
        ],
    })
}

/// Every minute: drops the throttles' memory of clients back at their full allowance, and
/// deletes sessions past their expiry (any process may; the delete is idempotent).
async fn housekeeping(state: AppState, mut stop: watch::Receiver<bool>) {
    use tower_sessions::session_store::ExpiredDeletion;
    let sessions = PgSessionStore::new(state.pool.clone());
    let mut every_minute = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = every_minute.tick() => {
                state.throttles.forget_quiet_clients();
                if let Err(error) = sessions.delete_expired().await {
                    tracing::warn!(%error, "could not delete expired sessions");
                }
            }
            _ = stop.changed() => return,
        }
    }
}

impl Background {
    /// Asks both to stop and waits until they have.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
