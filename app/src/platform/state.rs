//! What the server hands every server function and job: the pool and the settings they need.

use leptos::prelude::use_context;
use sqlx::PgPool;
use std::sync::Arc;
use tokio::sync::Notify;

use super::AppError;

/// Shared server state, provided to server functions through Leptos context and to jobs as an
/// extension of the worker.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: PgPool,
    /// The demo accounts' password, when the server runs with demo data; `None` in production.
    pub demo_password: Option<String>,
    /// How long a store has to accept a paid order before it expires and is refunded.
    pub acceptance_window: chrono::Duration,
    /// How long a deferred payment may keep retrying before the order is cancelled.
    pub pay_later_window: chrono::Duration,
    /// The payment provider, behind its circuit breaker.
    pub payments: crate::payment::gateway::PaymentGateway,
    /// The geocoding provider, when configured: without it address search is off and says so.
    pub geocoder: Option<crate::places::geocoder::Geocoder>,
    /// KakaoTalk AlimTalk, when configured; the in-app inbox works either way.
    pub kakao: Option<crate::notification::kakao::KakaoChannel>,
    /// In the demo, what its KakaoTalk stand-in received, shown on the demo's KakaoTalk page.
    pub kakao_stand_in: Option<crate::notification::kakao::StandInInbox>,
    /// Wakes this process's dispatcher the moment a command commits events.
    pub dispatcher_wake: Arc<Notify>,
    /// Fans changes out to this process's websockets.
    pub live: super::live::hub::LiveHub,
    /// How fast one client may log in and call server functions.
    pub throttles: super::throttle::Throttles,
    /// Whether cookies this server sets are sent over TLS only (every deployment but the demo and
    /// the tests on plain HTTP).
    pub secure_cookies: bool,
    /// What the contexts do for the platform's machinery.
    pub contexts: ContextHooks,
}

/// What the contexts do for the platform's machinery, handed in by the server (`app::contexts`):
/// the platform runs consumers and erases accounts without naming a context.
#[derive(Clone, Copy, Debug)]
pub struct ContextHooks {
    /// Each consumer's batch, applied by its context.
    pub consumer: fn(super::events::Consumer) -> super::consumers::ApplyBatch,
    /// What each context does, in order, when a customer leaves: refuse (an order under way) or
    /// forget what it keeps of them, all inside the leaving transaction.
    pub forget_customer: &'static [super::account::ForgetCustomer],
}

impl AppState {
    /// State with the default acceptance window of five minutes and pay-later window of ten.
    pub fn new(
        pool: PgPool,
        demo_password: Option<String>,
        payments: crate::payment::gateway::PaymentGateway,
        contexts: ContextHooks,
    ) -> AppState {
        AppState {
            pool,
            demo_password,
            acceptance_window: chrono::Duration::minutes(5),
            pay_later_window: chrono::Duration::minutes(10),
            payments,
            geocoder: None,
            kakao: None,
            kakao_stand_in: None,
            dispatcher_wake: Arc::new(Notify::new()),
            live: super::live::hub::LiveHub::new(),
            throttles: super::throttle::Throttles::default(),
            secure_cookies: false,
            contexts,
        }
    }

    /// The state provided by the server; missing only if the router was wired wrongly.
    pub fn get() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the server function context");
            AppError::Internal
        })
    }

    /// Tells the dispatcher new events are committed, so they reach consumers without waiting
    /// for its poll. In-process only: a NOTIFY here would cost every command a global lock.
    pub fn wake_dispatcher(&self) {
        self.dispatcher_wake.notify_one();
    }
}
