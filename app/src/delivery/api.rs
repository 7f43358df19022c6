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
    AppError::NotFound(crate::platform::error::Missing::RiderProfile)
}

/// The most open deliveries a rider's list shows: the nearest ones.
pub const OPEN_DELIVERIES_SHOWN: usize = 50;

/// Deliveries open within the calling rider's range, nearest first. The server picks them: a
/// rider never learns of orders outside the range.
#[server(endpoint = "open_deliveries")]
pub async fn open_deliveries() -> Result<Vec<super::OpenDelivery>, AppError> {
    use crate::ordering::OrderId;
    use crate::platform::{auth, geo::Position, state::AppState, Role};

    let rider = auth::require(Role::Rider).await?;
    let state = AppState::get()?;
    let me = super::db::rider_status(&state.pool, rider.account_id)
        .await?
        .ok_or_else(no_rider_profile)?;
    let (true, Some(here)) = (me.on_duty, me.position) else {
        return Ok(Vec::new());
    };
    let candidates = super::db::open_deliveries_near(
        &state.pool,
        here,
        me.range_m,
        OPEN_DELIVERIES_SHOWN as i64,
    )
    .await?;
    let mut open: Vec<super::OpenDelivery> = candidates
        .into_iter()
        .filter_map(|d| {
            let pickup = Position {
                lat: d.pickup_lat,
                lng: d.pickup_lng,
            };
            let dropoff = Position {
                lat: d.dropoff_lat,
                lng: d.dropoff_lng,
            };
            let distance_m = here.distance_m(pickup);
            (distance_m <= f64::from(me.range_m)).then(|| super::OpenDelivery {
                order_id: OrderId(d.order_id),
                store_name: d.store_name,
                distance_m,
                ride_m: pickup.distance_m(dropoff),
            })
        })
        .collect();
    open.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
    Ok(open)
}

/// Claims an open delivery. The first rider wins; the others are told it is taken.
#[server(endpoint = "claim_delivery")]
pub async fn claim_delivery(order_id: crate::ordering::OrderId) -> Result<(), AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let rider = auth::require(Role::Rider).await?;
    let state = AppState::get()?;
    super::claim::claim(&state, rider.account_id, order_id).await
}

/// Runs a command of the assigned rider. With a `request_key` (the phone's queue of offline taps
/// sends one), a repeat of the same key gets the first answer again instead of running twice.
#[cfg(feature = "ssr")]
async fn rider_command(
    order_id: crate::ordering::OrderId,
    command: crate::ordering::machine::Command,
    request_key: Option<uuid::Uuid>,
) -> Result<crate::ordering::OrderStatus, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let rider = auth::require(Role::Rider).await?;
    let state = AppState::get()?;
    super::receipt::run_once(&state, rider.account_id, order_id, &command, request_key).await
}

/// The rider has the food.
#[server(endpoint = "pick_up")]
pub async fn pick_up(
    order_id: crate::ordering::OrderId,
    request_key: Option<uuid::Uuid>,
) -> Result<crate::ordering::OrderStatus, AppError> {
    rider_command(
        order_id,
        crate::ordering::machine::Command::PickUp,
        request_key,
    )
    .await
}

/// The rider handed the food over.
#[server(endpoint = "deliver")]
pub async fn deliver(
    order_id: crate::ordering::OrderId,
    request_key: Option<uuid::Uuid>,
) -> Result<crate::ordering::OrderStatus, AppError> {
    rider_command(
        order_id,
        crate::ordering::machine::Command::Deliver,
        request_key,
    )
    .await
}

/// The delivery could not be made, and why.
#[server(endpoint = "report_failure")]
pub async fn report_failure(
    order_id: crate::ordering::OrderId,
    reason: String,
    request_key: Option<uuid::Uuid>,
) -> Result<crate::ordering::OrderStatus, AppError> {
    use crate::ordering::machine::{Command, Reason};
    let reason = Reason::new(&reason).map_err(AppError::Refused)?;
    rider_command(order_id, Command::ReportFailure { reason }, request_key).await
}

/// The delivery-confirm button (brief, item 11): completes the whole transaction.
#[server(endpoint = "confirm_delivery")]
pub async fn confirm_delivery(
    order_id: crate::ordering::OrderId,
) -> Result<crate::ordering::OrderStatus, AppError> {
    rider_command(
        order_id,
        crate::ordering::machine::Command::ConfirmDelivery,
        None,
    )
    .await
}

/// The calling rider's deliveries: those still to finish, then the finished ones.
#[server(endpoint = "my_deliveries")]
pub async fn my_deliveries() -> Result<Vec<super::RiderDelivery>, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let rider = auth::require(Role::Rider).await?;
    let state = AppState::get()?;
    Ok(super::db::deliveries_of_rider(&state.pool, rider.account_id, 30).await?)
}

/// Where the rider is now, from the phone's location or typed in. A position farther from the
/// last one than a scooter could have gone meanwhile is refused: it would show the rider
/// deliveries across the city.
#[server(endpoint = "set_position")]
pub async fn set_position(lat: f64, lng: f64) -> Result<(), AppError> {
    use crate::platform::{auth, geo, state::AppState, Role};
    let rider = auth::require(Role::Rider).await?;
    let at =
        geo::Position::new(lat, lng).ok_or(AppError::Rider(super::RiderRefusal::PositionOffMap))?;
    let state = AppState::get()?;
    let mut tx = state.pool.begin().await?;
    let last = super::db::lock_last_position(&mut tx, rider.account_id)
        .await?
        .ok_or_else(no_rider_profile)?;
    if let Some((from, age_s)) = last {
        if !geo::plausible_move(from, at, age_s) {
            return Err(AppError::Rider(super::RiderRefusal::ImplausibleJump {
                distance_m: from.distance_m(at),
                seconds: age_s.max(0.0).round() as u64,
            }));
        }
    }
    super::db::set_position(&mut *tx, rider.account_id, at).await?;
    tx.commit().await?;
    Ok(())
}
