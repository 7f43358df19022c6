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

/// The KakaoTalk messages the demo's stand-in received for `phone`, newest first, so a person
/// trying the demo can read the code sent to their phone. `None` on a server that sends through
/// a real KakaoTalk or sends none: nobody reads other people's messages there.
#[server(endpoint = "demo_kakao_messages")]
pub async fn demo_kakao_messages(
    phone: String,
) -> Result<Option<Vec<super::DeliveredMessage>>, AppError> {
    use crate::platform::{phone::MobileNumber, state::AppState};
    let phone = MobileNumber::parse(&phone)?;
    let state = AppState::get()?;
    let Some(stand_in) = state.kakao_stand_in.as_ref() else {
        return Ok(None);
    };
    Ok(Some(stand_in.sent_to(phone.digits())))
}
