//! The payment consumer: charge on OrderPlaced; refund on rejection, expiry or a paid cancellation.

use chrono::Utc;
use sqlx::PgConnection;

use super::db;
use crate::ordering::commands::{execute_in, CommandError};
use crate::ordering::machine::{Actor, Command, OrderEvent};
use crate::platform::consumers::ConsumeError;
use crate::platform::event_log;
use crate::platform::events::{Event, StoredEvent};
use crate::platform::state::AppState;

/// Applies one event; returns whether it appended events.
pub async fn apply(
    tx: &mut PgConnection,
    state: &AppState,
    event: &StoredEvent,
) -> Result<bool, ConsumeError> {
    match &event.event {
        Event::OrderPlaced(placed) => {
            // Payment in this version approves at once; marking the order paid and recording the
            // payment share one transaction, so an order cancelled meanwhile is never charged.
            let command = Command::ApprovePayment {
                accept_by: Utc::now() + state.acceptance_window,
            };
            match execute_in(&mut *tx, event.order_id, &Actor::Payment, &command).await {
                Ok(_) => {
                    db::record_payment(&mut *tx, event.order_id, placed.total).await?;
                    tracing::info!(amount = %placed.total, "payment approved");
                    Ok(true)
                }
                Err(CommandError::Refused(refusal)) => {
                    tracing::info!(%refusal, "order no longer payable; nothing charged");
                    Ok(false)
                }
                Err(CommandError::Conflict) => Err(ConsumeError::Failed(
                    "the order changed while paying; retrying".into(),
                )),
                Err(CommandError::NotFound) => {
                    Err(ConsumeError::Failed("the order does not exist".into()))
                }
                Err(CommandError::Db(e)) => Err(e.into()),
            }
        }
        Event::Order(
            reason_event @ (OrderEvent::OrderRejected { .. }
            | OrderEvent::OrderExpired
            | OrderEvent::OrderCancelled { refund: true, .. }),
        ) => {
            let Some(amount) = db::refund(&mut *tx, event.order_id, reason_event.name()).await?
            else {
                return Ok(false);
            };
            event_log::append(
                &mut *tx,
                event.order_id,
                &Event::PaymentCancelled { amount },
                "payment",
            )
            .await?;
            tracing::info!(%amount, "payment refunded");
            Ok(true)
        }
        _ => Ok(false),
    }
}
