//! The `events` schema: appending to the event log and reading it back.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::events::{Consumer, Event, OrderPlaced, StoredEvent};
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

/// Appends each `(order, event)` to the log in one statement, in the given order, inside the
/// caller's transaction.
pub async fn append_many(
    conn: &mut PgConnection,
    events: &[(OrderId, Event)],
    actor: &str,
) -> sqlx::Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let event_ids: Vec<Uuid> = events.iter().map(|_| Uuid::new_v4()).collect();
    let order_ids: Vec<Uuid> = events.iter().map(|(order_id, _)| order_id.0).collect();
    let names: Vec<&str> = events.iter().map(|(_, event)| event.name()).collect();
    let payloads = events
        .iter()
        .map(|(_, event)| serde_json::to_string(event))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    // WITH ORDINALITY keeps the log's sequence in the order the events were decided.
    sqlx::query(
        "INSERT INTO events.log (event_id, order_id, event_type, payload, actor)
         SELECT e, o, t, p::jsonb, $5
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) WITH ORDINALITY
             AS x(e, o, t, p, n)
         ORDER BY n",
    )
    .bind(&event_ids)
    .bind(&order_ids)
    .bind(&names)
    .bind(&payloads)
    .bind(actor)
    .execute(conn)
    .await?;
    Ok(())
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
    Ok(histories_of(db, &[order_id])
        .await?
        .pop()
        .unwrap_or_default())
}

/// Every event of each of these orders: one history per order, each in log order.
pub async fn histories_of(
    db: impl PgExecutor<'_>,
    order_ids: &[OrderId],
) -> sqlx::Result<Vec<Vec<StoredEvent>>> {
    let ids: Vec<Uuid> = order_ids.iter().map(|o| o.0).collect();
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT seq, event_id, order_id, payload, actor, occurred_at FROM events.log
         WHERE order_id = ANY($1) ORDER BY order_id, seq",
    )
    .bind(&ids)
    .fetch_all(db)
    .await?;
    let mut histories: Vec<Vec<StoredEvent>> = Vec::with_capacity(ids.len());
    for row in rows {
        let event = decode(row)?;
        match histories.last_mut() {
            Some(history) if history[0].order_id == event.order_id => history.push(event),
            _ => histories.push(vec![event]),
        }
    }
    Ok(histories)
}

/// The orders these events are about, each once, in the order first seen.
pub fn orders_of(events: &[&StoredEvent]) -> Vec<OrderId> {
    let mut seen = std::collections::HashSet::new();
    events
        .iter()
        .map(|event| event.order_id)
        .filter(|order_id| seen.insert(*order_id))
        .collect()
}

/// The snapshots taken when each of these orders was placed.
pub async fn placed_snapshots_of(
    db: impl PgExecutor<'_>,
    order_ids: &[OrderId],
) -> sqlx::Result<Vec<(OrderId, OrderPlaced)>> {
    let ids: Vec<Uuid> = order_ids.iter().map(|o| o.0).collect();
    let rows: Vec<(Uuid, serde_json::Value)> = sqlx::query_as(
        "SELECT order_id, payload FROM events.log
         WHERE order_id = ANY($1) AND event_type = 'OrderPlaced'",
    )
    .bind(&ids)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(
            |(order_id, payload)| match serde_json::from_value(payload) {
                Ok(Event::OrderPlaced(placed)) => Ok((OrderId(order_id), *placed)),
                Ok(other) => Err(sqlx::Error::Decode(
                    format!("an OrderPlaced row holds {}", other.name()).into(),
                )),
                Err(e) => Err(sqlx::Error::Decode(Box::new(e))),
            },
        )
        .collect()
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

/// The orders whose events a screen shows, for [`applied_since`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrdersShown {
    One(OrderId),
    OfCustomer(AccountId),
    OfStore(StoreId),
    All,
}

/// Whether `consumer` applied an event of the orders `shown` names after `since`: whether a screen
/// that read the consumer's model at `since` may show less than it now holds.
pub async fn applied_since(
    db: impl PgExecutor<'_>,
    consumer: Consumer,
    since: DateTime<Utc>,
    shown: OrdersShown,
) -> sqlx::Result<bool> {
    let (order, customer, store) = match shown {
        OrdersShown::One(order) => (Some(order.0), None, None),
        OrdersShown::OfCustomer(customer) => (None, Some(customer.0), None),
        OrdersShown::OfStore(store) => (None, None, Some(store.0)),
        OrdersShown::All => (None, None, None),
    };
    sqlx::query_scalar(
        "SELECT EXISTS (
             SELECT 1
             FROM events.consumed c
             JOIN events.log l ON l.event_id = c.event_id
             JOIN events.log p ON p.order_id = l.order_id AND p.event_type = 'OrderPlaced'
             WHERE c.consumed_at > $2 AND c.consumer = $1
               AND ($3::uuid IS NULL OR l.order_id = $3)
               AND ($4::uuid IS NULL OR (p.payload->'OrderPlaced'->>'customer_id')::uuid = $4)
               AND ($5::uuid IS NULL OR (p.payload->'OrderPlaced'->>'store_id')::uuid = $5))",
    )
    .bind(consumer.name())
    .bind(since)
    .bind(order)
    .bind(customer)
    .bind(store)
    .fetch_one(db)
    .await
}

/// Rewrites the OrderPlaced snapshots of these orders, whose customer is leaving, to keep only
/// the neighbourhood and the vicinity of the door ([`super::privacy::forget_the_door`]), inside
/// the caller's transaction. The log is otherwise never rewritten: this is the one thing a
/// person may take out of it.
pub async fn forget_customers_door(
    conn: &mut PgConnection,
    orders: &[OrderId],
) -> sqlx::Result<()> {
    let ids: Vec<Uuid> = orders.iter().map(|order| order.0).collect();
    let rows: Vec<(i64, serde_json::Value)> = sqlx::query_as(
        "SELECT seq, payload FROM events.log
         WHERE order_id = ANY($1) AND event_type = 'OrderPlaced' FOR UPDATE",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let mut seqs = Vec::with_capacity(rows.len());
    let mut payloads = Vec::with_capacity(rows.len());
    for (seq, payload) in rows {
        let mut event: Event =
            serde_json::from_value(payload).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        if let Event::OrderPlaced(placed) = &mut event {
            super::privacy::forget_the_door(placed);
        }
        seqs.push(seq);
        payloads.push(serde_json::to_string(&event).map_err(|e| sqlx::Error::Encode(Box::new(e)))?);
    }
    sqlx::query(
        "UPDATE events.log l SET payload = x.payload::jsonb
         FROM unnest($1::bigint[], $2::text[]) AS x(seq, payload)
         WHERE l.seq = x.seq",
    )
    .bind(&seqs)
    .bind(&payloads)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
