//! The tracking consumer: every event refolds the order's view from the log.

use sqlx::PgConnection;

use crate::platform::consumers::ConsumeError;
use crate::platform::event_log;
use crate::platform::events::StoredEvent;

/// Refolds the order's whole history; whatever order jobs run in, the newest fold wins.
pub async fn apply(tx: &mut PgConnection, event: &StoredEvent) -> Result<bool, ConsumeError> {
    let history = event_log::events_of_order(&mut *tx, event.order_id).await?;
    if let Some(view) = super::project(&history) {
        super::db::upsert(&mut *tx, &view).await?;
    }
    Ok(false)
}
