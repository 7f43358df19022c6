//! Server functions of the operator console.

use leptos::prelude::*;

use super::PlatformCounts;
use crate::platform::AppError;

/// Platform-wide counts; operators only.
#[server(endpoint = "ops_counts")]
pub async fn ops_counts() -> Result<PlatformCounts, AppError> {
    use crate::platform::{auth, state::AppState, Role};

    auth::require(Role::Operator).await?;
    let pool = AppState::get()?.pool;
    let (stores, stores_accepting_orders, menu_items) = crate::store::db::counts(&pool).await?;
    Ok(PlatformCounts {
        accounts: crate::platform::db::count_accounts_by_role(&pool).await?,
        stores,
        stores_accepting_orders,
        menu_items,
        riders_on_duty: crate::delivery::db::count_on_duty(&pool).await?,
        orders: crate::ordering::db::count_by_status(&pool).await?,
    })
}
