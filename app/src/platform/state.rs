//! What the server hands every server function: the pool and the settings they need.

use leptos::prelude::use_context;
use sqlx::PgPool;

use super::AppError;

/// Shared server state, provided to server functions through Leptos context.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: PgPool,
    /// The demo accounts' password, when the server runs with demo data; `None` in production.
    pub demo_password: Option<String>,
}

impl AppState {
    /// The state provided by the server; missing only if the router was wired wrongly.
    pub fn get() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the server function context");
            AppError::Internal
        })
    }
}
