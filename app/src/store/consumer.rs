//! The store's consumer: paid orders reach the kitchen; later events keep the kitchen's copy current.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::ordering::machine::OrderEvent;
use crate::platform::consumers::ConsumeError;
use crate::platform::event_log;
use crate::platform::events::{Event, StoredEvent};

/// The kitchen's status of an order after these events, if it has reached the kitchen at all.
/// Folding the whole log makes the result the same whatever order the jobs ran in.
pub fn kitchen_status(events: &[StoredEvent]) -> Option<&'static str> {
    let mut status = None;
    for stored in events {
        let Event::Order(event) = &stored.event else {
            continue;
        };
        status = match (status, event) {
            (_, OrderEvent::Paid { .. }) => Some("NEW"),
            (None, _) => None,
            (Some(_), OrderEvent::OrderAccepted { .. }) => Some("ACCEPTED"),
            (Some(_), OrderEvent::OrderRejected { .. }) => Some("REJECTED"),
            (Some(_), OrderEvent::OrderExpired) => Some("EXPIRED"),
            (Some(_), OrderEvent::CookStarted) => Some("COOKING"),
            (Some(_), OrderEvent::CookFinished | OrderEvent::DeliveryRetried) => Some("READY"),
            (Some(_), OrderEvent::RiderAssigned { .. }) => Some("RIDER_ASSIGNED"),
            (Some(_), OrderEvent::Picked) => Some("PICKED_UP"),
            (Some(_), OrderEvent::OrderCancelled { .. }) => Some("CANCELLED"),
            (current, _) => current,
        };
    }
    status
}

/// Brings `store.store_orders` up to date with every order in the batch, in one statement.
pub async fn apply(tx: &mut PgConnection, events: &[&StoredEvent]) -> Result<bool, ConsumeError> {
    let histories = event_log::histories_of(&mut *tx, &event_log::orders_of(events)).await?;
    let mut rows = KitchenRows::default();
    for history in &histories {
        let Some(status) = kitchen_status(history) else {
            continue;
        };
        let placed = event_log::placed_in(history)
            .ok_or_else(|| ConsumeError::Failed("the order has no OrderPlaced event".into()))?;
        let accept_by = history.iter().find_map(|e| match &e.event {
            Event::Order(OrderEvent::Paid { accept_by }) => Some(*accept_by),
            _ => None,
        });
        rows.order_ids.push(history[0].order_id.0);
        rows.store_ids.push(placed.store_id.0);
        rows.statuses.push(status);
        rows.lines.push(
            serde_json::to_string(&placed.lines)
                .map_err(|e| ConsumeError::Failed(e.to_string()))?,
        );
        rows.totals.push(placed.total.0);
        rows.accept_bys.push(accept_by);
    }
    if rows.order_ids.is_empty() {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO store.store_orders (order_id, store_id, status, lines, total_krw, accept_by)
         SELECT o, s, st, l::jsonb, t, a
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::timestamptz[])
             AS r(o, s, st, l, t, a)
         ON CONFLICT (order_id) DO UPDATE SET status = EXCLUDED.status, updated_at = clock_timestamp()",
    )
    .bind(&rows.order_ids)
    .bind(&rows.store_ids)
    .bind(&rows.statuses)
    .bind(&rows.lines)
    .bind(&rows.totals)
    .bind(&rows.accept_bys)
    .execute(&mut *tx)
    .await?;
    Ok(false)
}

/// The kitchen's copies of a batch's orders, column by column for one `unnest` insert.
#[derive(Default)]
struct KitchenRows {
    order_ids: Vec<Uuid>,
    store_ids: Vec<Uuid>,
    statuses: Vec<&'static str>,
    lines: Vec<String>,
    totals: Vec<i64>,
    accept_bys: Vec<Option<DateTime<Utc>>>,
}
