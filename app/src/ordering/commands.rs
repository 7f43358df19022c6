//! Running commands on orders: load, decide with the state machine, write the order and its
//! events in one transaction. Optimistic concurrency on `version`: when two people act at once,
//! the second write finds the version moved, decides again on the fresh order, and is refused
//! with the reason (e.g. another rider claimed first).

use std::collections::HashMap;

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
            CommandError::NotFound => AppError::NotFound(crate::platform::error::Missing::Order),
            CommandError::Conflict => AppError::Busy,
            CommandError::Db(e) => e.into(),
        }
    }
}

/// Whether a ClaimDelivery failed because the rider already carries another order: the
/// `orders_one_active_delivery_per_rider` index, which holds however many claims race.
pub fn carries_another_delivery(error: &CommandError) -> bool {
    match error {
        CommandError::Db(sqlx::Error::Database(refused)) => {
            refused.constraint() == Some("orders_one_active_delivery_per_rider")
        }
        _ => false,
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
    execute_many_in(conn, &[order_id], actor, command)
        .await?
        .pop()
        .map_or(Err(CommandError::NotFound), |(_, outcome)| outcome)
}

/// Decides and applies the same `command` to each order inside the caller's transaction, with one
/// read and one write for all of them; the caller commits. Each order gets its own outcome, as
/// [`execute_in`] would give it; `Conflict` ones were changed meanwhile and were not written.
pub async fn execute_many_in(
    conn: &mut PgConnection,
    order_ids: &[OrderId],
    actor: &Actor,
    command: &Command,
) -> sqlx::Result<Vec<(OrderId, Result<Order, CommandError>)>> {
    let now = Utc::now();
    let mut loaded: HashMap<OrderId, (Order, i32)> = db::load_many(&mut *conn, order_ids)
        .await?
        .into_iter()
        .map(|(order, version)| (order.order_id, (order, version)))
        .collect();
    let mut outcomes = Vec::with_capacity(order_ids.len());
    let mut decided = Vec::new();
    for &order_id in order_ids {
        let Some((mut order, version)) = loaded.remove(&order_id) else {
            outcomes.push((order_id, Err(CommandError::NotFound)));
            continue;
        };
        match decide(&order, actor, command, now) {
            Ok(events) => {
                for event in &events {
                    order.apply(event);
                }
                decided.push((order, version, events));
            }
            Err(refusal) => outcomes.push((order_id, Err(CommandError::Refused(refusal)))),
        }
    }
    let saved = db::save_many(
        &mut *conn,
        &decided
            .iter()
            .map(|(order, version, events)| db::Decided {
                order,
                version: *version,
                events,
            })
            .collect::<Vec<_>>(),
    )
    .await?;
    let mut appended = Vec::new();
    for (order, _, events) in decided {
        let order_id = order.order_id;
        if saved.contains(&order_id) {
            appended.extend(events.into_iter().map(|e| (order_id, Event::Order(e))));
            outcomes.push((order_id, Ok(order)));
        } else {
            outcomes.push((order_id, Err(CommandError::Conflict)));
        }
    }
    event_log::append_many(&mut *conn, &appended, &actor.label()).await?;
    Ok(outcomes)
}

/// Runs `command` in its own transaction, retrying on a concurrent change, and wakes the
/// dispatcher. The order's id is on the span, so one grep follows it through the saga.
#[tracing::instrument(skip(state, actor, command), fields(order_id = %order_id.0, command = command.verb().as_str()))]
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
