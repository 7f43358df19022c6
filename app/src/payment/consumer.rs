//! The payment consumer: on OrderPlaced, queue the charge; on rejection, expiry or a paid
//! cancellation, queue the refund. The provider is called from those jobs, never while a
//! consumer's transaction is open.

use sqlx::PgConnection;

use super::jobs::{queue_refund, ChargeOrder};
use crate::ordering::machine::OrderEvent;
use crate::platform::consumers::ConsumeError;
use crate::platform::events::{Event, StoredEvent};
use crate::platform::jobs;

/// Applies one event; returns whether it appended events (it never does: its jobs do).
pub async fn apply(tx: &mut PgConnection, event: &StoredEvent) -> Result<bool, ConsumeError> {
    match &event.event {
        Event::OrderPlaced(placed) => {
            let charge = ChargeOrder {
                order_id: event.order_id,
                amount: placed.total,
            };
            let key = format!("charge:{}", event.order_id.0);
            jobs::enqueue(&mut *tx, &charge, Some(key), None).await?;
            Ok(false)
        }
        Event::Order(
            reason_event @ (OrderEvent::OrderRejected { .. }
            | OrderEvent::OrderExpired
            | OrderEvent::OrderCancelled { refund: true, .. }),
        ) => {
            queue_refund(tx, event.order_id, reason_event.name()).await?;
            Ok(false)
        }
        _ => Ok(false),
    }
}
