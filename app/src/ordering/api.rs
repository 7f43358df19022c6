//! The customer's commands on orders.

use leptos::prelude::*;
use server_fn::codec::Json;

use super::{OrderId, OrderStatus, PlaceOrderRequest};
use crate::platform::AppError;

/// Places an order; the server validates and prices it. Returns the new order's id.
#[server(endpoint = "place_order", input = Json)]
pub async fn place_order(order: PlaceOrderRequest) -> Result<OrderId, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let customer = auth::require(Role::Customer).await?;
    let state = AppState::get()?;
    super::place::place(&state, &customer, &order).await
}

/// Cancels one of the caller's orders before cooking starts, with a reason.
#[server(endpoint = "cancel_order")]
pub async fn cancel_order(order_id: OrderId, reason: String) -> Result<OrderStatus, AppError> {
    use super::machine::{Actor, Command, Reason};
    use crate::platform::{auth, state::AppState, Role};
    let customer = auth::require(Role::Customer).await?;
    let reason = Reason::new(&reason).map_err(AppError::Refused)?;
    let state = AppState::get()?;
    let order = super::commands::execute(
        &state,
        order_id,
        &Actor::Customer(customer.account_id),
        &Command::CancelOrder { reason },
    )
    .await?;
    Ok(order.status)
}

/// The customer confirms they received the food, completing the order.
#[server(endpoint = "confirm_receipt")]
pub async fn confirm_receipt(order_id: OrderId) -> Result<OrderStatus, AppError> {
    use super::machine::{Actor, Command};
    use crate::platform::{auth, state::AppState, Role};
    let customer = auth::require(Role::Customer).await?;
    let state = AppState::get()?;
    let order = super::commands::execute(
        &state,
        order_id,
        &Actor::Customer(customer.account_id),
        &Command::ConfirmDelivery,
    )
    .await?;
    Ok(order.status)
}
