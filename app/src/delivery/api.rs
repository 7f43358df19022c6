//! Server functions of the delivery context.

use leptos::prelude::*;

use super::RiderDuty;
use crate::platform::AppError;

/// The calling rider's duty status and position.
#[server(endpoint = "my_duty")]
pub async fn my_duty() -> Result<RiderDuty, AppError> {
    use crate::platform::{auth, state::AppState, Role};

    let rider = auth::require(Role::Rider).await?;
    let state = AppState::get()?;
    super::db::rider_status(&state.pool, rider.account_id)
        .await?
        .ok_or_else(no_rider_profile)
}

/// Goes on or off duty.
#[server(endpoint = "set_duty")]
pub async fn set_duty(on_duty: bool) -> Result<(), AppError> {
    use crate::platform::{auth, state::AppState, Role};

    let rider = auth::require(Role::Rider).await?;
    let state = AppState::get()?;
    if !super::db::set_on_duty(&state.pool, rider.account_id, on_duty).await? {
        return Err(no_rider_profile());
    }
    tracing::info!(rider_id = %rider.account_id.0, on_duty, "rider duty changed");
    Ok(())
}

/// A rider account without a rider record: an operator has to finish setting it up.
#[cfg(feature = "ssr")]
fn no_rider_profile() -> AppError {
    AppError::NotFound("Your rider profile is missing. Ask an operator to set it up.".into())
}
