//! Ordering's own timers. When orders are paid, a delayed job waits for their acceptance
//! deadlines; those the store has not accepted by then expire (and the payment consumer refunds
//! them).

use graphile_worker::{IntoTaskHandlerResult, TaskHandler, WorkerContext};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use super::commands;
use super::machine::{Actor, Command, OrderEvent, Refusal};
use super::OrderId;
use crate::platform::consumers::ConsumeError;
use crate::platform::events::{Event, StoredEvent};
use crate::platform::jobs;
use crate::platform::state::AppState;
use crate::platform::AppError;

/// Expiry checks one job runs at once.
const EXPIRIES_IN_FLIGHT: usize = 4;

/// On Paid: one delayed job for the batch's paid orders, due at the latest of their deadlines.
///
/// One job per batch instead of one per order: adding a job is the dearest statement a consumer
/// runs. The orders of a batch were paid moments apart, so none expires early and the others
/// expire at most that spread late.
pub async fn apply(tx: &mut PgConnection, events: &[&StoredEvent]) -> Result<bool, ConsumeError> {
    let mut order_ids = Vec::new();
    let mut due = None;
    for event in events {
        if let Event::Order(OrderEvent::Paid { accept_by }) = &event.event {
            order_ids.push(event.order_id);
            due = due.max(Some(*accept_by));
        }
    }
    if let Some(due) = due {
        jobs::enqueue(&mut *tx, &ExpireOrders { order_ids }, None, Some(due)).await?;
    }
    Ok(false)
}

/// The delayed job: expire the orders still waiting for their store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExpireOrders {
    pub order_ids: Vec<OrderId>,
}

impl TaskHandler for ExpireOrders {
    const IDENTIFIER: &'static str = "expire_orders";

    async fn run(self, ctx: WorkerContext) -> impl IntoTaskHandlerResult {
        let state = jobs::app_state(&ctx)?;
        let state = &state;
        let unsettled =
            jobs::each_at_most(self.order_ids, EXPIRIES_IN_FLIGHT, |order_id| async move {
                expire(state, order_id).await.err()
            })
            .await;
        match unsettled.first() {
            // The whole job runs again later; the orders already expired are refused then.
            Some(first) => Err(format!(
                "{} orders not expired yet: {first}",
                unsettled.len()
            )),
            None => Ok(()),
        }
    }
}

/// Expires one order if the store still has not accepted it.
async fn expire(state: &AppState, order_id: OrderId) -> Result<(), String> {
    match commands::execute(state, order_id, &Actor::Scheduler, &Command::ExpireOrder).await {
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
