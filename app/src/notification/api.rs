//! The caller's notification inbox.

use leptos::prelude::*;
use uuid::Uuid;

use super::Notification;
use crate::platform::AppError;

/// How many notifications one page of the inbox holds.
pub const NOTIFICATIONS_PER_PAGE: usize = 50;

/// A page of the caller's notifications, newest first: the newest, or those before `before`.
#[server(endpoint = "my_notifications")]
pub async fn my_notifications(before: Option<Uuid>) -> Result<Vec<Notification>, AppError> {
    use crate::platform::{auth, state::AppState};
    let user = auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let state = AppState::get()?;
    let limit = NOTIFICATIONS_PER_PAGE as i64;
    Ok(super::db::inbox(&state.pool, user.account_id, before, limit).await?)
}

/// Marks every notification of the caller as read.
#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    use crate::platform::{auth, state::AppState};
    let user = auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let state = AppState::get()?;
    Ok(super::db::mark_all_read(&state.pool, user.account_id).await?)
}
