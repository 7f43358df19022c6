//! The customer's order queries: answered from the read model only.

use leptos::prelude::*;

use super::OrderView;
use crate::ordering::OrderId;
use crate::platform::AppError;

/// The caller's orders, newest first.
#[server(endpoint = "my_orders")]
pub async fn my_orders() -> Result<Vec<OrderView>, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let customer = auth::require(Role::Customer).await?;
    let state = AppState::get()?;
    Ok(super::db::views_of_customer(&state.pool, customer.account_id, 50).await?)
}

/// One of the caller's orders as the tracking screen shows it.
#[server(endpoint = "order_status")]
pub async fn order_status(order_id: OrderId) -> Result<OrderView, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let customer = auth::require(Role::Customer).await?;
    let state = AppState::get()?;
    match super::db::view(&state.pool, order_id).await? {
        Some(view) if view.customer_id == customer.account_id => Ok(view),
        // Someone else's order looks exactly like a missing one.
        _ => Err(AppError::NotFound("That order does not exist.".into())),
    }
}
