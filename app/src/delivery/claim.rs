//! ClaimDelivery: the rider must be on duty, in range of the store and free; the order must be
//! cooked and unclaimed. The transaction writes only the order and its event: the order's
//! version decides between riders racing for the same delivery, and a unique index on the
//! orders a rider carries between one rider's claims of two deliveries.

use super::{db, RiderRefusal};
use crate::ordering::commands::{carries_another_delivery, execute_in, CommandError};
use crate::ordering::machine::{Actor, Command};
use crate::ordering::OrderId;
use crate::platform::error::Missing;
use crate::platform::geo::Position;
use crate::platform::{state::AppState, AccountId, AppError};

/// Claims `order_id`'s delivery for `rider`.
#[tracing::instrument(skip(state), fields(order_id = %order_id.0, rider_id = %rider.0))]
pub async fn claim(state: &AppState, rider: AccountId, order_id: OrderId) -> Result<(), AppError> {
    // The rider's duty, position and range and the delivery's pickup are read once, outside the
    // command's transaction: nothing is locked, and a retry after a conflict changes none of them.
    let me = db::claiming_rider(&state.pool, rider)
        .await?
        .ok_or(AppError::NotFound(Missing::RiderProfile))?;
    if !me.on_duty {
        return Err(AppError::Rider(RiderRefusal::OffDuty));
    }
    let Some(here) = me.position() else {
        return Err(AppError::Rider(RiderRefusal::SharePosition));
    };
    let delivery = db::delivery(&state.pool, order_id.0)
        .await?
        .ok_or(AppError::NotFound(Missing::DeliveryNotOpen))?;
    let pickup = Position {
        lat: delivery.pickup_lat,
        lng: delivery.pickup_lng,
    };
    let distance = here.distance_m(pickup);
    if distance > f64::from(me.range_m) {
        return Err(AppError::Rider(RiderRefusal::BeyondRange {
            store: delivery.store_name,
            distance_m: distance,
            range_m: f64::from(me.range_m),
        }));
    }
    const ATTEMPTS: usize = 3;
    for _ in 0..ATTEMPTS {
        let mut tx = state.pool.begin().await?;
        match execute_in(
            &mut tx,
            order_id,
            &Actor::Rider(rider),
            &Command::ClaimDelivery,
        )
        .await
        {
            Ok(_) => {
                tx.commit().await?;
                state.wake_dispatcher();
                tracing::info!("delivery claimed");
                return Ok(());
            }
            Err(CommandError::Conflict) => continue,
            Err(refused) if carries_another_delivery(&refused) => {
                return Err(AppError::Rider(RiderRefusal::FinishCurrentDelivery))
            }
            Err(other) => return Err(other.into()),
        }
    }
    Err(AppError::Busy)
}
