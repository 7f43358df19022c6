//! A rider's tap takes effect once, however often the phone sends it. The phone's queue of
//! offline taps (`outbox`) sends each with a key; the first answer to a key is kept in the same
//! transaction as the change it made, and every repeat gets that answer.

use uuid::Uuid;

use crate::ordering::commands::{self, CommandError};
use crate::ordering::machine::{Actor, Command};
use crate::ordering::{OrderId, OrderStatus};
use crate::platform::{state::AppState, AccountId, AppError};

/// Runs `command` for the assigned rider, once per `request_key`.
#[tracing::instrument(skip(state, command), fields(order_id = %order_id.0, command = command.verb().as_str()))]
pub async fn run_once(
    state: &AppState,
    rider: AccountId,
    order_id: OrderId,
    command: &Command,
    request_key: Option<Uuid>,
) -> Result<OrderStatus, AppError> {
    let actor = Actor::Rider(rider);
    let Some(key) = request_key else {
        return Ok(commands::execute(state, order_id, &actor, command)
            .await?
            .status);
    };
    const ATTEMPTS: usize = 3;
    for _ in 0..ATTEMPTS {
        let mut tx = state.pool.begin().await?;
        if let Some((first_order, first_command, answer)) =
            super::db::reserve_receipt(&mut tx, rider, key).await?
        {
            if first_order != order_id.0 || first_command != command.verb().as_str() {
                return Err(AppError::Rider(super::RiderRefusal::TapReused));
            }
            tracing::info!(%key, "a repeated tap got its first answer");
            return serde_json::from_value::<Result<OrderStatus, AppError>>(answer).unwrap_or_else(
                |error| {
                    tracing::error!(%error, %key, "a stored answer could not be read");
                    Err(AppError::Internal)
                },
            );
        }
        let answer = match commands::execute_in(&mut tx, order_id, &actor, command).await {
            Ok(order) => Ok(order.status),
            Err(CommandError::Conflict) => continue,
            Err(CommandError::Db(error)) => return Err(error.into()),
            Err(refused_or_unknown) => Err(AppError::from(refused_or_unknown)),
        };
        let stored = serde_json::to_value(&answer).map_err(|error| {
            tracing::error!(%error, "an answer could not be stored");
            AppError::Internal
        })?;
        super::db::save_receipt(
            &mut tx,
            rider,
            key,
            order_id.0,
            command.verb().as_str(),
            &stored,
        )
        .await?;
        tx.commit().await?;
        match &answer {
            Ok(status) => {
                state.wake_dispatcher();
                tracing::info!(status = status.as_str(), "order changed");
            }
            Err(refusal) => tracing::info!(%refusal, "command refused"),
        }
        return answer;
    }
    Err(AppError::Busy)
}
