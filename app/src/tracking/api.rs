//! The customer's order queries: answered from the read model only.

use leptos::prelude::*;

use super::OrderView;
use crate::ordering::OrderId;
use crate::platform::AppError;

/// How many orders one page of "My orders" holds.
pub const ORDERS_PER_PAGE: usize = 50;

/// A page of the caller's orders, newest first: the newest, or those placed before `before`.
#[server(endpoint = "my_orders")]
pub async fn my_orders(before: Option<OrderId>) -> Result<Vec<OrderView>, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let customer = auth::require(Role::Customer).await?;
    let state = AppState::get()?;
    let limit = ORDERS_PER_PAGE as i64;
    Ok(super::db::views_of_customer(&state.pool, customer.account_id, before, limit).await?)
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
        _ => Err(AppError::NotFound(crate::platform::error::Missing::Order)),
    }
}
