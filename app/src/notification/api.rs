//! The caller's notification inbox.

use leptos::prelude::*;

use super::Notification;
use crate::platform::AppError;

/// The caller's newest notifications.
#[server(endpoint = "my_notifications")]
pub async fn my_notifications() -> Result<Vec<Notification>, AppError> {
    use crate::platform::{auth, state::AppState};
    let user = auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let state = AppState::get()?;
    Ok(super::db::inbox(&state.pool, user.account_id, 50).await?)
}

/// Marks every notification of the caller as read.
#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    use crate::platform::{auth, state::AppState};
    let user = auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let state = AppState::get()?;
    Ok(super::db::mark_all_read(&state.pool, user.account_id).await?)
}
