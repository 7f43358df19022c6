//! Ordering's own timers. When an order is paid, a delayed job waits for the acceptance deadline;
//! if the store has not accepted by then, the order expires (and the payment consumer refunds it).

use graphile_worker::{IntoTaskHandlerResult, TaskHandler, WorkerContext};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use super::commands;
use super::machine::{Actor, Command, OrderEvent, Refusal};
use super::OrderId;
use crate::platform::consumers::ConsumeError;
use crate::platform::events::{Event, StoredEvent};
use crate::platform::jobs;
use crate::platform::AppError;

/// On Paid: schedule the expiry check for the acceptance deadline.
pub async fn apply(tx: &mut PgConnection, event: &StoredEvent) -> Result<bool, ConsumeError> {
    if let Event::Order(OrderEvent::Paid { accept_by }) = &event.event {
        let job = ExpireOrder {
            order_id: event.order_id,
        };
        let key = format!("expire:{}", event.order_id.0);
        jobs::enqueue(&mut *tx, &job, Some(key), Some(*accept_by)).await?;
    }
    Ok(false)
}

/// The delayed job: expire the order if it is still waiting for the store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExpireOrder {
    pub order_id: OrderId,
}

impl TaskHandler for ExpireOrder {
    const IDENTIFIER: &'static str = "expire_order";

    async fn run(self, ctx: WorkerContext) -> impl IntoTaskHandlerResult {
        let state = jobs::app_state(&ctx)?;
        match commands::execute(
            &state,
            self.order_id,
            &Actor::Scheduler,
            &Command::ExpireOrder,
        )
        .await
        {
            Ok(_) => Ok(()),
            // A job that runs a little early (clocks differ) tries again later.
            Err(AppError::Refused(Refusal::TooEarly)) => {
                Err("the deadline has not passed yet".to_owned())
            }
            // Accepted, rejected or cancelled meanwhile: nothing to expire.
            Err(AppError::Refused(_)) => Ok(()),
            Err(error) => Err(error.to_string()),
        }
    }
}
