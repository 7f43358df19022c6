//! The delivery consumer: cooked food becomes a delivery open to riders near the store.

use std::collections::HashMap;

use sqlx::PgConnection;

use crate::ordering::machine::OrderEvent;
use crate::ordering::OrderId;
use crate::platform::consumers::ConsumeError;
use crate::platform::event_log;
use crate::platform::events::{Event, StoredEvent};
use crate::platform::privacy;
use crate::platform::AccountId;

/// The delivery's status and rider after these events; `None` before the food is cooked.
pub fn delivery_status(events: &[StoredEvent]) -> Option<(&'static str, Option<AccountId>)> {
    let mut state: Option<(&'static str, Option<AccountId>)> = None;
    for stored in events {
        let Event::Order(event) = &stored.event else {
            continue;
        };
        state = match (state, event) {
            (_, OrderEvent::CookFinished | OrderEvent::DeliveryRetried) => Some(("OPEN", None)),
            (None, _) => None,
            (Some(_), OrderEvent::RiderAssigned { rider_id }) => {
                Some(("ASSIGNED", Some(*rider_id)))
            }
            (Some((_, rider)), OrderEvent::Picked) => Some(("PICKED_UP", rider)),
            (Some((_, rider)), OrderEvent::Delivered) => Some(("DELIVERED", rider)),
            (Some((_, rider)), OrderEvent::OrderCompleted) => Some(("COMPLETED", rider)),
            (Some((_, rider)), OrderEvent::DeliveryFailed { .. }) => Some(("FAILED", rider)),
            (Some((_, rider)), OrderEvent::OrderCancelled { .. }) => Some(("CANCELLED", rider)),
            (current, _) => current,
        };
    }
    state
}

/// Applies a batch to `delivery.deliveries` event by event (what a delivery does next depends on
/// which event it sees); returns whether it appended DeliveryRequested.
pub async fn apply(tx: &mut PgConnection, events: &[&StoredEvent]) -> Result<bool, ConsumeError> {
    let histories: HashMap<OrderId, Vec<StoredEvent>> =
        event_log::histories_of(&mut *tx, &event_log::orders_of(events))
            .await?
            .into_iter()
            .map(|history| (history[0].order_id, history))
            .collect();
    let mut opened = false;
    for event in events {
        let history = histories
            .get(&event.order_id)
            .map_or(&[][..], Vec::as_slice);
        opened |= apply_one(&mut *tx, event, history).await?;
    }
    Ok(opened)
}

/// Applies one event given its order's whole history.
async fn apply_one(
    tx: &mut PgConnection,
    event: &StoredEvent,
    history: &[StoredEvent],
) -> Result<bool, ConsumeError> {
    let Some((status, rider)) = delivery_status(history) else {
        // Cancelled before cooking: there is no delivery to cancel.
        return Ok(false);
    };
    let placed = event_log::placed_in(history)
        .ok_or_else(|| ConsumeError::Failed("the order has no OrderPlaced event".into()))?;
    // A failed delivery keeps the door: the operator may send the rider out again.
    let over = matches!(status, "DELIVERED" | "COMPLETED" | "CANCELLED");
    let (dropoff_address, rider_note) =
        privacy::kept_for_partners(&placed.delivery_address, &placed.rider_note, over);
    let dropoff = match over {
        true => privacy::vicinity(placed.dropoff),
        false => placed.dropoff,
    };
    sqlx::query(
        "INSERT INTO delivery.deliveries
             (order_id, store_id, store_name, status, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng,
              rider_id, store_address, dropoff_address, rider_note)
         VALUES ($1, $2, $9, $3, $4, $5, $6, $7, $8, $10, $11, $12)
         ON CONFLICT (order_id) DO UPDATE
             SET status = EXCLUDED.status, rider_id = EXCLUDED.rider_id,
                 dropoff_lat = EXCLUDED.dropoff_lat, dropoff_lng = EXCLUDED.dropoff_lng,
                 dropoff_address = EXCLUDED.dropoff_address, rider_note = EXCLUDED.rider_note,
                 updated_at = clock_timestamp()",
    )
    .bind(event.order_id.0)
    .bind(placed.store_id.0)
    .bind(status)
    .bind(placed.pickup.lat)
    .bind(placed.pickup.lng)
    .bind(dropoff.lat)
    .bind(dropoff.lng)
    .bind(rider.map(|r| r.0))
    .bind(&placed.store_name)
    .bind(&placed.store_address)
    .bind(&dropoff_address)
    .bind(&rider_note)
    .execute(&mut *tx)
    .await?;
    let opened = matches!(
        event.event,
        Event::Order(OrderEvent::CookFinished | OrderEvent::DeliveryRetried)
    ) && status == "OPEN";
    if opened {
        event_log::append(
            &mut *tx,
            event.order_id,
            &Event::DeliveryRequested {
                pickup: placed.pickup,
            },
            "delivery",
        )
        .await?;
    }
    Ok(opened)
}
