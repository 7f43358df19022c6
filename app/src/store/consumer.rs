//! The store's consumer: paid orders reach the kitchen; later events keep the kitchen's copy current.

use sqlx::PgConnection;

use crate::ordering::machine::OrderEvent;
use crate::platform::consumers::ConsumeError;
use crate::platform::event_log;
use crate::platform::events::{Event, StoredEvent};

/// The kitchen's status of an order after these events, if it has reached the kitchen at all.
/// Folding the whole log makes the result the same whatever order the jobs ran in.
pub fn kitchen_status(events: &[StoredEvent]) -> Option<&'static str> {
    let mut status = None;
    for stored in events {
        let Event::Order(event) = &stored.event else {
            continue;
        };
        status = match (status, event) {
            (_, OrderEvent::Paid { .. }) => Some("NEW"),
            (None, _) => None,
            (Some(_), OrderEvent::OrderAccepted { .. }) => Some("ACCEPTED"),
            (Some(_), OrderEvent::OrderRejected { .. }) => Some("REJECTED"),
            (Some(_), OrderEvent::OrderExpired) => Some("EXPIRED"),
            (Some(_), OrderEvent::CookStarted) => Some("COOKING"),
            (Some(_), OrderEvent::CookFinished | OrderEvent::DeliveryRetried) => Some("READY"),
            (Some(_), OrderEvent::RiderAssigned { .. }) => Some("RIDER_ASSIGNED"),
            (Some(_), OrderEvent::Picked) => Some("PICKED_UP"),
            (Some(_), OrderEvent::OrderCancelled { .. }) => Some("CANCELLED"),
            (current, _) => current,
        };
    }
    status
}

/// Applies one event to `store.store_orders`.
pub async fn apply(tx: &mut PgConnection, event: &StoredEvent) -> Result<bool, ConsumeError> {
    let history = event_log::events_of_order(&mut *tx, event.order_id).await?;
    let Some(status) = kitchen_status(&history) else {
        return Ok(false);
    };
    let placed = event_log::placed_in(&history)
        .ok_or_else(|| ConsumeError::Failed("the order has no OrderPlaced event".into()))?;
    let accept_by = history.iter().find_map(|e| match &e.event {
        Event::Order(OrderEvent::Paid { accept_by }) => Some(*accept_by),
        _ => None,
    });
    let lines =
        serde_json::to_value(&placed.lines).map_err(|e| ConsumeError::Failed(e.to_string()))?;
    sqlx::query(
        "INSERT INTO store.store_orders (order_id, store_id, status, lines, total_krw, accept_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, updated_at = clock_timestamp()",
    )
    .bind(event.order_id.0)
    .bind(placed.store_id.0)
    .bind(status)
    .bind(lines)
    .bind(placed.total.0)
    .bind(accept_by)
    .execute(&mut *tx)
    .await?;
    Ok(false)
}
