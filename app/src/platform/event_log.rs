//! The `events` schema: appending to the event log and reading it back.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::events::{Event, OrderPlaced, StoredEvent};
use super::AccountId;
use crate::ordering::OrderId;
use crate::store::StoreId;

/// Appends `event` about `order_id` to the log, inside the caller's transaction.
pub async fn append(
    conn: &mut PgConnection,
    order_id: OrderId,
    event: &Event,
    actor: &str,
) -> sqlx::Result<Uuid> {
    let event_id = Uuid::new_v4();
    let payload = serde_json::to_value(event).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO events.log (event_id, order_id, event_type, payload, actor)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(event_id)
    .bind(order_id.0)
    .bind(event.name())
    .bind(payload)
    .bind(actor)
    .execute(conn)
    .await?;
    Ok(event_id)
}

type EventRow = (i64, Uuid, Uuid, serde_json::Value, String, DateTime<Utc>);

fn decode(row: EventRow) -> sqlx::Result<StoredEvent> {
    let (seq, event_id, order_id, payload, actor, occurred_at) = row;
    let event = serde_json::from_value(payload).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(StoredEvent {
        seq,
        event_id,
        order_id: OrderId(order_id),
        event,
        actor,
        occurred_at,
    })
}

/// The events with these ids, in log order.
pub async fn load(db: impl PgExecutor<'_>, event_ids: &[Uuid]) -> sqlx::Result<Vec<StoredEvent>> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT seq, event_id, order_id, payload, actor, occurred_at FROM events.log
         WHERE event_id = ANY($1) ORDER BY seq",
    )
    .bind(event_ids)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(decode).collect()
}

/// Every event of one order, in log order.
pub async fn events_of_order(
    db: impl PgExecutor<'_>,
    order_id: OrderId,
) -> sqlx::Result<Vec<StoredEvent>> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT seq, event_id, order_id, payload, actor, occurred_at FROM events.log
         WHERE order_id = $1 ORDER BY seq",
    )
    .bind(order_id.0)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(decode).collect()
}

/// The snapshot taken when the order was placed.
pub async fn order_placed(
    db: impl PgExecutor<'_>,
    order_id: OrderId,
) -> sqlx::Result<Option<OrderPlaced>> {
    let payload: Option<serde_json::Value> = sqlx::query_scalar(
        "SELECT payload FROM events.log WHERE order_id = $1 AND event_type = 'OrderPlaced'",
    )
    .bind(order_id.0)
    .fetch_optional(db)
    .await?;
    match payload.map(serde_json::from_value::<Event>) {
        Some(Ok(Event::OrderPlaced(placed))) => Ok(Some(*placed)),
        Some(Err(e)) => Err(sqlx::Error::Decode(Box::new(e))),
        _ => Ok(None),
    }
}

/// The OrderPlaced snapshot within an order's history, when the history is already loaded.
pub fn placed_in(history: &[StoredEvent]) -> Option<&OrderPlaced> {
    history.iter().find_map(|stored| match &stored.event {
        Event::OrderPlaced(placed) => Some(placed.as_ref()),
        _ => None,
    })
}

/// An event with the parties its order concerns, as live updates need it.
#[derive(Debug, Clone)]
pub struct LoggedChange {
    pub event_id: Uuid,
    pub order_id: OrderId,
    pub event: Event,
    pub customer_id: AccountId,
    pub store_id: StoreId,
}

/// The events named `event_types` between two log positions, with their order's customer and store.
pub async fn changes_between(
    db: impl PgExecutor<'_>,
    from: i64,
    to: i64,
    event_types: &[&str],
) -> sqlx::Result<Vec<LoggedChange>> {
    let rows: Vec<(Uuid, Uuid, serde_json::Value, Uuid, Uuid)> = sqlx::query_as(
        "SELECT l.event_id, l.order_id, l.payload,
                (p.payload->'OrderPlaced'->>'customer_id')::uuid,
                (p.payload->'OrderPlaced'->>'store_id')::uuid
         FROM events.log l
         JOIN events.log p ON p.order_id = l.order_id AND p.event_type = 'OrderPlaced'
         WHERE l.seq BETWEEN $1 AND $2 AND l.event_type = ANY($3)
         ORDER BY l.seq",
    )
    .bind(from)
    .bind(to)
    .bind(event_types)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|(event_id, order_id, payload, customer_id, store_id)| {
            Ok(LoggedChange {
                event_id,
                order_id: OrderId(order_id),
                event: serde_json::from_value(payload)
                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
                customer_id: AccountId(customer_id),
                store_id: StoreId(store_id),
            })
        })
        .collect()
}
