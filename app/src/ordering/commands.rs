//! Running commands on orders: load, decide with the state machine, write the order and its
//! events in one transaction. Optimistic concurrency on `version`: when two people act at once,
//! the second write finds the version moved, decides again on the fresh order, and is refused
//! with the reason (e.g. another rider claimed first).

use chrono::Utc;
use sqlx::PgConnection;

use super::db;
use super::machine::{decide, Actor, Command, Order, Refusal};
use super::OrderId;
use crate::platform::events::Event;
use crate::platform::{event_log, state::AppState, AppError};

/// Why a command did not change the order.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Refused(Refusal),
    #[error("order not found")]
    NotFound,
    #[error("the order changed while deciding")]
    Conflict,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<CommandError> for AppError {
    fn from(error: CommandError) -> Self {
        match error {
            CommandError::Refused(refusal) => AppError::Refused(refusal),
            CommandError::NotFound => AppError::NotFound("That order does not exist.".into()),
            CommandError::Conflict => AppError::Busy,
            CommandError::Db(e) => e.into(),
        }
    }
}

/// Decides and applies `command` inside the caller's transaction; the caller commits.
/// `Conflict` means someone else changed the order first: start a new transaction and retry.
pub async fn execute_in(
    conn: &mut PgConnection,
    order_id: OrderId,
    actor: &Actor,
    command: &Command,
) -> Result<Order, CommandError> {
    let (mut order, version) = db::load(&mut *conn, order_id)
        .await?
        .ok_or(CommandError::NotFound)?;
    let events = decide(&order, actor, command, Utc::now()).map_err(CommandError::Refused)?;
    for event in &events {
        order.apply(event);
    }
    if !db::save(&mut *conn, &order, version, &events).await? {
        return Err(CommandError::Conflict);
    }
    let actor_label = actor.label();
    for event in events {
        event_log::append(&mut *conn, order_id, &Event::Order(event), &actor_label).await?;
    }
    Ok(order)
}

/// Runs `command` in its own transaction, retrying on a concurrent change, and wakes the
/// dispatcher. The order's id is on the span, so one grep follows it through the saga.
#[tracing::instrument(skip(state, actor, command), fields(order_id = %order_id.0, command = command.verb()))]
pub async fn execute(
    state: &AppState,
    order_id: OrderId,
    actor: &Actor,
    command: &Command,
) -> Result<Order, AppError> {
    const ATTEMPTS: usize = 3;
    for _ in 0..ATTEMPTS {
        let mut tx = state.pool.begin().await?;
        match execute_in(&mut tx, order_id, actor, command).await {
            Ok(order) => {
                tx.commit().await?;
                state.wake_dispatcher();
                tracing::info!(status = order.status.as_str(), "order changed");
                return Ok(order);
            }
            Err(CommandError::Conflict) => continue,
            Err(CommandError::Refused(refusal)) => {
                tracing::info!(%refusal, "command refused");
                return Err(AppError::Refused(refusal));
            }
            Err(other) => return Err(other.into()),
        }
    }
    Err(AppError::Busy)
}
