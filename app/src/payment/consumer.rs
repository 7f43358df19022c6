//! The payment consumer: on OrderPlaced, queue the charge; on PaymentDeferred, the job that
//! closes the pay-later window; on rejection, expiry or a paid cancellation, queue the refund.
//! The provider is called from those jobs, never while a consumer's transaction is open.

use sqlx::PgConnection;

use super::jobs::{queue_refund, queue_window_close, Charge, ChargeOrders};
use crate::ordering::machine::OrderEvent;
use crate::platform::consumers::ConsumeError;
use crate::platform::events::{Event, StoredEvent};
use crate::platform::jobs;

/// Applies a batch of events; returns whether it appended events (it never does: its jobs do).
///
/// The batch's new orders go into one charge job: the queue drains a few hundred jobs a second,
/// fewer than customers place orders at the lunch peak, so one job per order would leave orders
/// waiting minutes to be paid.
pub async fn apply(tx: &mut PgConnection, events: &[&StoredEvent]) -> Result<bool, ConsumeError> {
    let mut charges = Vec::new();
    for event in events {
        match &event.event {
            Event::OrderPlaced(placed) => charges.push(Charge {
                order_id: event.order_id,
                amount: placed.total,
            }),
            Event::Order(OrderEvent::PaymentDeferred { pay_by }) => {
                queue_window_close(tx, event.order_id, *pay_by).await?;
            }
            Event::Order(
                reason_event @ (OrderEvent::OrderRejected { .. }
                | OrderEvent::OrderExpired
                | OrderEvent::OrderCancelled { refund: true, .. }),
            ) => {
                queue_refund(tx, event.order_id, reason_event.name()).await?;
            }
            _ => {}
        }
    }
    if !charges.is_empty() {
        jobs::enqueue(&mut *tx, &ChargeOrders { charges }, None, None).await?;
    }
    Ok(false)
}
