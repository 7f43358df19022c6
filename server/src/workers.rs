//! Background work of a server process: the event dispatcher, the job workers that run the
//! consumers and timers, and the listener that feeds live screens. Any number of processes may run them against one database.

use anyhow::{Context, Result};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use app::notification::kakao::SendKakao;
use app::ordering::consumer::ExpireOrders;
use app::payment::jobs::{ChargeOrders, ClosePaymentWindow, RefundPayment};
use app::platform::{consumers::ConsumeEvents, dispatcher, state::AppState};
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
    Ok(Background {
        stop,
        tasks: vec![worker_task, dispatcher_task, listener_task],
    })
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
