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
    let (stores, stores_accepting_orders, menu_items) = crate::store::counts(&pool).await?;
    Ok(PlatformCounts {
        accounts: crate::platform::count_accounts_by_role(&pool).await?,
        stores,
        stores_accepting_orders,
        menu_items,
        riders_on_duty: crate::delivery::count_on_duty(&pool).await?,
        orders: crate::ordering::count_by_status(&pool).await?,
    })
}

/// Every consumer with whether it is paused, for the operator's switches.
#[server(endpoint = "consumer_states")]
pub async fn consumer_states() -> Result<Vec<(crate::platform::events::Consumer, bool)>, AppError> {
    use crate::platform::{auth, consumers, events::Consumer, state::AppState, Role};
    auth::require(Role::Operator).await?;
    let paused = consumers::paused(&AppState::get()?.pool).await?;
    Ok(Consumer::ALL
        .into_iter()
        .map(|consumer| (consumer, paused.contains(&consumer)))
        .collect())
}

/// Pauses a consumer: the "store system down" drill. Orders keep being taken.
#[server(endpoint = "pause_consumer")]
pub async fn pause_consumer(consumer: String) -> Result<(), AppError> {
    use crate::platform::{auth, consumers, state::AppState, Role};
    auth::require(Role::Operator).await?;
    let consumer = parse_consumer(&consumer)?;
    Ok(consumers::pause(&AppState::get()?.pool, consumer).await?)
}

/// Resumes a consumer; the events it missed are queued at once. Returns how many.
#[server(endpoint = "resume_consumer")]
pub async fn resume_consumer(consumer: String) -> Result<usize, AppError> {
    use crate::platform::{auth, consumers, state::AppState, Role};
    auth::require(Role::Operator).await?;
    let consumer = parse_consumer(&consumer)?;
    Ok(consumers::resume(&AppState::get()?.pool, consumer).await?)
}

/// Makes a consumer fail its next `failures` events, to watch the retries work.
#[server(endpoint = "fault_drill")]
pub async fn fault_drill(consumer: String, failures: i32) -> Result<(), AppError> {
    use crate::platform::{auth, consumers, state::AppState, Role};
    auth::require(Role::Operator).await?;
    let consumer = parse_consumer(&consumer)?;
    if !(0..=100).contains(&failures) {
        return Err(AppError::Invalid(
            crate::platform::error::Problem::DrillFailuresOutOfRange,
        ));
    }
    Ok(consumers::set_fault_drill(&AppState::get()?.pool, consumer, failures).await?)
}

/// The newest events with each consumer's progress (done, pending, retrying, failed).
#[server(endpoint = "consumption_history")]
pub async fn consumption_history(
    order_id: Option<crate::ordering::OrderId>,
) -> Result<Vec<crate::platform::events::EventHistory>, AppError> {
    use crate::platform::{auth, consumers, state::AppState, Role};
    auth::require(Role::Operator).await?;
    Ok(consumers::history(&AppState::get()?.pool, order_id, 200).await?)
}

/// The operator decides a failed delivery: send it back to riders.
#[server(endpoint = "retry_delivery")]
pub async fn retry_delivery(
    order_id: crate::ordering::OrderId,
) -> Result<crate::ordering::OrderStatus, AppError> {
    use crate::ordering::machine::{Actor, Command};
    use crate::platform::{auth, state::AppState, Role};
    auth::require(Role::Operator).await?;
    let state = AppState::get()?;
    let order = crate::ordering::commands::execute(
        &state,
        order_id,
        &Actor::Operator,
        &Command::RetryDelivery,
    )
    .await?;
    Ok(order.status)
}

/// The operator decides a failed delivery: cancel and refund.
#[server(endpoint = "cancel_failed_delivery")]
pub async fn cancel_failed_delivery(
    order_id: crate::ordering::OrderId,
    reason: String,
) -> Result<crate::ordering::OrderStatus, AppError> {
    use crate::ordering::machine::{Actor, Command, Reason};
    use crate::platform::{auth, state::AppState, Role};
    auth::require(Role::Operator).await?;
    let reason = Reason::new(&reason).map_err(AppError::Refused)?;
    let state = AppState::get()?;
    let order = crate::ordering::commands::execute(
        &state,
        order_id,
        &Actor::Operator,
        &Command::CancelOrder { reason },
    )
    .await?;
    Ok(order.status)
}

#[cfg(feature = "ssr")]
fn parse_consumer(name: &str) -> Result<crate::platform::events::Consumer, AppError> {
    crate::platform::events::Consumer::parse(name).ok_or_else(|| {
        AppError::Invalid(crate::platform::error::Problem::UnknownConsumer {
            name: name.to_owned(),
        })
    })
}

/// Issues a one-time link that sets a new password for the account with `email`, for a person
/// without a proven phone who asked support. The link's row keeps which operator issued it.
/// Answers the link's page.
#[server(endpoint = "issue_reset_link")]
pub async fn issue_reset_link(email: String) -> Result<String, AppError> {
    use crate::platform::{auth, password_reset, state::AppState, Role};
    let operator = auth::require(Role::Operator).await?;
    let state = AppState::get()?;
    Ok(
        password_reset::issue_link(&state, operator.account_id, &email)
            .await?
            .page(),
    )
}

/// The accounts whose email contains `query`, or whose phone it is; operators only.
#[server(endpoint = "find_accounts")]
pub async fn find_accounts(
    query: String,
) -> Result<Vec<crate::platform::administration::AccountRecord>, AppError> {
    use crate::platform::{administration, auth, state::AppState, Role};
    auth::require(Role::Operator).await?;
    administration::find(&AppState::get()?, &query).await
}

/// Suspends an account with a reason: its sessions end and its logins are refused until an
/// operator reinstates it. Never an operator's account.
#[server(endpoint = "suspend_account")]
pub async fn suspend_account(
    account_id: crate::platform::AccountId,
    reason: String,
) -> Result<(), AppError> {
    use crate::platform::{administration, auth, state::AppState, Role};
    let operator = auth::require(Role::Operator).await?;
    administration::suspend(&AppState::get()?, &operator, account_id, &reason).await
}

/// Lifts an account's suspension.
#[server(endpoint = "reinstate_account")]
pub async fn reinstate_account(account_id: crate::platform::AccountId) -> Result<(), AppError> {
    use crate::platform::{administration, auth, state::AppState, Role};
    let operator = auth::require(Role::Operator).await?;
    administration::reinstate(&AppState::get()?, &operator, account_id).await
}

/// The most stores one search lists.
pub const STORES_FOUND: i64 = 20;

/// The stores whose name contains `query`; operators only.
#[server(endpoint = "find_stores")]
pub async fn find_stores(query: String) -> Result<Vec<crate::store::StoreRecord>, AppError> {
    use crate::platform::text::{Field, TextRule};
    use crate::platform::{auth, state::AppState, Role};
    auth::require(Role::Operator).await?;
    let query = TextRule::line(Field::SearchQuery, 100).check(&query)?;
    Ok(crate::store::find_stores(&AppState::get()?.pool, &query, STORES_FOUND).await?)
}

/// Suspends a store with a reason: it leaves the customers' lists and takes no new orders, while
/// the orders under way finish.
#[server(endpoint = "suspend_store")]
pub async fn suspend_store(
    store_id: crate::store::StoreId,
    reason: String,
) -> Result<(), AppError> {
    use crate::platform::error::Missing;
    use crate::platform::text::{Field, TextRule};
    use crate::platform::{auth, state::AppState, Role};
    use crate::store::readiness::StoreProblem;
    let operator = auth::require(Role::Operator).await?;
    let reason = TextRule::line(Field::Reason, 200).check(&reason)?;
    let state = AppState::get()?;
    match crate::store::suspend(&state.pool, store_id, &reason, operator.account_id).await? {
        Some(true) => {
            tracing::info!(store_id = %store_id.0, operator = %operator.account_id.0, "store suspended");
            Ok(())
        }
        Some(false) => Err(StoreProblem::Suspended.into()),
        None => Err(AppError::NotFound(Missing::Store)),
    }
}

/// Lifts a store's suspension: customers see it again (if it is live) and may order.
#[server(endpoint = "lift_store_suspension")]
pub async fn lift_store_suspension(store_id: crate::store::StoreId) -> Result<(), AppError> {
    use crate::platform::error::Missing;
    use crate::platform::{auth, state::AppState, Role};
    use crate::store::readiness::StoreProblem;
    let operator = auth::require(Role::Operator).await?;
    let state = AppState::get()?;
    match crate::store::lift_suspension(&state.pool, store_id).await? {
        Some(true) => {
            tracing::info!(store_id = %store_id.0, operator = %operator.account_id.0, "store suspension lifted");
            Ok(())
        }
        Some(false) => Err(StoreProblem::NotSuspended.into()),
        None => Err(AppError::NotFound(Missing::Store)),
    }
}
