//! Server functions of payment: the customer's "pay now" and the operator's view of the breaker.

use leptos::prelude::*;

use super::BreakerView;
use crate::ordering::OrderId;
use crate::platform::AppError;

/// Tries a deferred payment again at once, for the customer whose order it is.
#[server(endpoint = "pay_now")]
pub async fn pay_now(order_id: OrderId) -> Result<(), AppError> {
    use crate::ordering::{load, OrderStatus};
    use crate::platform::{auth, error::Missing, state::AppState, Role};
    let customer = auth::require(Role::Customer).await?;
    let state = AppState::get()?;
    let not_yours = || AppError::NotFound(Missing::NotYourOrder);
    let (order, _) = load(&state.pool, order_id).await?.ok_or_else(not_yours)?;
    if order.customer_id != customer.account_id {
        return Err(not_yours());
    }
    if order.status != OrderStatus::PaymentDeferred {
        return Err(AppError::Payment(
            super::PaymentRefusal::NotWaitingForPayment,
        ));
    }
    super::jobs::pay_now(&state, order_id).await
}

/// The payment provider's circuit breaker: state and recent counts; operators only.
#[server(endpoint = "payment_breaker")]
pub async fn payment_breaker() -> Result<BreakerView, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    auth::require(Role::Operator).await?;
    Ok(AppState::get()?.payments.breaker().await)
}
