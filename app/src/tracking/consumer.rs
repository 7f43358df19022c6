//! The tracking consumer: each event refolds its order's view from the log.

use sqlx::PgConnection;

use crate::platform::consumers::ConsumeError;
use crate::platform::event_log;
use crate::platform::events::StoredEvent;

/// Refolds the whole history of every order in the batch and writes the views in one statement.
/// Whatever order jobs run in, the newest fold wins; an order's several events in one batch
/// cost one fold.
pub async fn apply(tx: &mut PgConnection, events: &[&StoredEvent]) -> Result<bool, ConsumeError> {
    let histories = event_log::histories_of(&mut *tx, &event_log::orders_of(events)).await?;
    let views: Vec<_> = histories
        .iter()
        .filter_map(|history| super::project(history))
        .collect();
    super::db::upsert_all(&mut *tx, &views).await?;
    Ok(false)
}
