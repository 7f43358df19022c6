//! The `ordering` schema: orders and their lines.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

use super::machine::{CancelReason, Order, OrderEvent};
use super::{OrderId, OrderStatus};
use crate::platform::events::OrderPlaced;
use crate::platform::money::Won;
use crate::platform::AccountId;
use crate::store::StoreId;

type OrderRow = (
    Uuid,
    Uuid,
    Uuid,
    String,
    i32,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<Uuid>,
);

fn decode(row: OrderRow) -> sqlx::Result<(Order, i32)> {
    let (order_id, customer_id, store_id, status, version, accept_by, pay_by, ready_by, rider_id) =
        row;
    let status = OrderStatus::parse(&status)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown order status {status}").into()))?;
    Ok((
        Order {
            order_id: OrderId(order_id),
            customer_id: AccountId(customer_id),
            store_id: StoreId(store_id),
            status,
            accept_by,
            pay_by,
            ready_by,
            rider_id: rider_id.map(AccountId),
        },
        version,
    ))
}

/// The order and the version it was read at.
pub async fn load(
    db: impl PgExecutor<'_>,
    order_id: OrderId,
) -> sqlx::Result<Option<(Order, i32)>> {
    Ok(load_many(db, &[order_id]).await?.pop())
}

/// Those of these orders that exist, each with the version it was read at.
pub async fn load_many(
    db: impl PgExecutor<'_>,
    order_ids: &[OrderId],
) -> sqlx::Result<Vec<(Order, i32)>> {
    let ids: Vec<Uuid> = order_ids.iter().map(|o| o.0).collect();
    let rows: Vec<OrderRow> = sqlx::query_as(
        "SELECT order_id, customer_id, store_id, status, version, accept_by, pay_by, ready_by,
                rider_id
         FROM ordering.orders WHERE order_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(db)
    .await?;
    rows.into_iter().map(decode).collect()
}

/// An order as decided, with the version it was read at and the events that decided it.
pub struct Decided<'a> {
    pub order: &'a Order,
    pub version: i32,
    pub events: &'a [OrderEvent],
}

/// The reasons and prep time the events carry, for their columns.
#[derive(Default)]
struct Details {
    prep_minutes: Option<i32>,
    cancel_reason: Option<String>,
    reject_reason: Option<String>,
    failure_reason: Option<String>,
}

fn details(events: &[OrderEvent]) -> Details {
    let mut details = Details::default();
    for event in events {
        match event {
            OrderEvent::OrderAccepted {
                prep_minutes: m, ..
            } => details.prep_minutes = Some(i32::from(*m)),
            OrderEvent::OrderCancelled { reason, .. } => {
                details.cancel_reason = Some(match reason {
                    CancelReason::Customer(r) | CancelReason::Operator(r) => r.as_str().to_owned(),
                    CancelReason::PaymentTimeout => "PAYMENT_TIMEOUT".to_owned(),
                })
            }
            OrderEvent::OrderRejected { reason } => {
                details.reject_reason = Some(reason.as_str().to_owned())
            }
            OrderEvent::DeliveryFailed { reason } => {
                details.failure_reason = Some(reason.as_str().to_owned())
            }
            _ => {}
        }
    }
    details
}

/// Writes each order as decided, in one statement, if nobody changed it since its version.
/// Returns the orders written; the others were changed meanwhile.
pub async fn save_many(
    conn: &mut PgConnection,
    decided: &[Decided<'_>],
) -> sqlx::Result<HashSet<OrderId>> {
    if decided.is_empty() {
        return Ok(HashSet::new());
    }
    let mut columns = SaveColumns::default();
    for one in decided {
        let order = one.order;
        let details = details(one.events);
        columns.order_ids.push(order.order_id.0);
        columns.versions.push(one.version);
        columns.statuses.push(order.status.as_str());
        columns.accept_bys.push(order.accept_by);
        columns.pay_bys.push(order.pay_by);
        columns.ready_bys.push(order.ready_by);
        columns.rider_ids.push(order.rider_id.map(|r| r.0));
        columns.prep_minutes.push(details.prep_minutes);
        columns.cancel_reasons.push(details.cancel_reason);
        columns.reject_reasons.push(details.reject_reason);
        columns.failure_reasons.push(details.failure_reason);
    }
    let saved: Vec<Uuid> = sqlx::query_scalar(
        "UPDATE ordering.orders o SET
             status = d.status, accept_by = d.accept_by, pay_by = d.pay_by,
             ready_by = d.ready_by, rider_id = d.rider_id,
             prep_minutes = coalesce(d.prep_minutes, o.prep_minutes),
             cancel_reason = coalesce(d.cancel_reason, o.cancel_reason),
             reject_reason = coalesce(d.reject_reason, o.reject_reason),
             failure_reason = coalesce(d.failure_reason, o.failure_reason),
             version = o.version + 1, updated_at = now()
         FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::timestamptz[],
                     $6::timestamptz[], $7::uuid[], $8::int[], $9::text[], $10::text[], $11::text[])
             AS d(order_id, version, status, accept_by, pay_by, ready_by, rider_id, prep_minutes,
                  cancel_reason, reject_reason, failure_reason)
         WHERE o.order_id = ANY($1) AND o.order_id = d.order_id AND o.version = d.version
         RETURNING o.order_id",
    )
    .bind(&columns.order_ids)
    .bind(&columns.versions)
    .bind(&columns.statuses)
    .bind(&columns.accept_bys)
    .bind(&columns.pay_bys)
    .bind(&columns.ready_bys)
    .bind(&columns.rider_ids)
    .bind(&columns.prep_minutes)
    .bind(&columns.cancel_reasons)
    .bind(&columns.reject_reasons)
    .bind(&columns.failure_reasons)
    .fetch_all(conn)
    .await?;
    Ok(saved.into_iter().map(OrderId).collect())
}

/// Decided orders column by column, for one `unnest` update.
#[derive(Default)]
struct SaveColumns {
    order_ids: Vec<Uuid>,
    versions: Vec<i32>,
    statuses: Vec<&'static str>,
    accept_bys: Vec<Option<DateTime<Utc>>>,
    pay_bys: Vec<Option<DateTime<Utc>>>,
    ready_bys: Vec<Option<DateTime<Utc>>>,
    rider_ids: Vec<Option<Uuid>>,
    prep_minutes: Vec<Option<i32>>,
    cancel_reasons: Vec<Option<String>>,
    reject_reasons: Vec<Option<String>>,
    failure_reasons: Vec<Option<String>>,
}

/// Inserts a new order in PLACED with its lines.
pub async fn insert(
    conn: &mut PgConnection,
    order_id: OrderId,
    placed: &OrderPlaced,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO ordering.orders (order_id, customer_id, store_id, status, delivery_address,
             delivery_lat, delivery_lng, items_total_krw, delivery_fee_krw, total_krw)
         VALUES ($1, $2, $3, 'PLACED', $4, $5, $6, $7, $8, $9)",
    )
    .bind(order_id.0)
    .bind(placed.customer_id.0)
    .bind(placed.store_id.0)
    .bind(&placed.delivery_address)
    .bind(placed.dropoff.lat)
    .bind(placed.dropoff.lng)
    .bind(placed.items_total.0)
    .bind(placed.delivery_fee.0)
    .bind(placed.total.0)
    .execute(&mut *conn)
    .await?;
    // One statement for all lines: a PlaceOrder transaction stays at three round trips.
    let line_nos: Vec<i16> = (1..=placed.lines.len() as i16).collect();
    let item_ids: Vec<Uuid> = placed.lines.iter().map(|l| l.item_id).collect();
    let names: Vec<&str> = placed.lines.iter().map(|l| l.name.as_str()).collect();
    let unit_prices: Vec<i64> = placed.lines.iter().map(|l| l.unit_price.0).collect();
    let quantities: Vec<i32> = placed.lines.iter().map(|l| i32::from(l.quantity)).collect();
    let options = placed
        .lines
        .iter()
        .map(|l| serde_json::to_value(&l.options))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let totals: Vec<i64> = placed.lines.iter().map(|l| l.line_total.0).collect();
    sqlx::query(
        "INSERT INTO ordering.order_lines
             (order_id, line_no, item_id, item_name, unit_price_krw, quantity, options, line_total_krw)
         SELECT $1, * FROM unnest($2::smallint[], $3::uuid[], $4::text[], $5::bigint[],
                                  $6::int[], $7::jsonb[], $8::bigint[])",
    )
    .bind(order_id.0)
    .bind(&line_nos)
    .bind(&item_ids)
    .bind(&names)
    .bind(&unit_prices)
    .bind(&quantities)
    .bind(&options)
    .bind(&totals)
    .execute(conn)
    .await?;
    Ok(())
}

/// Number of orders in each status, for the operator.
pub async fn count_by_status(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(OrderStatus, i64)>> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, count(*) FROM ordering.orders GROUP BY status")
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(status, n)| Some((OrderStatus::parse(&status)?, n)))
        .collect())
}

/// What the customer owes for the order, as priced when it was placed.
pub async fn total(db: impl PgExecutor<'_>, order_id: OrderId) -> sqlx::Result<Option<Won>> {
    let total: Option<i64> =
        sqlx::query_scalar("SELECT total_krw FROM ordering.orders WHERE order_id = $1")
            .bind(order_id.0)
            .fetch_optional(db)
            .await?;
    Ok(total.map(Won))
}

/// How many of the customer's orders are still under way ([`OrderStatus::under_way`]).
pub async fn orders_under_way(db: impl PgExecutor<'_>, customer: AccountId) -> sqlx::Result<i64> {
    let under_way: Vec<&str> = OrderStatus::ALL
        .into_iter()
        .filter(|status| status.under_way())
        .map(OrderStatus::as_str)
        .collect();
    sqlx::query_scalar(
        "SELECT count(*) FROM ordering.orders WHERE customer_id = $1 AND status = ANY($2)",
    )
    .bind(customer.0)
    .bind(&under_way)
    .fetch_one(db)
    .await
}

/// Keeps only the neighbourhood and the vicinity of the door on every order of a customer who
/// is leaving, inside the caller's transaction; returns the orders, whose other copies the
/// caller thins the same way.
pub async fn forget_customers_door(
    conn: &mut PgConnection,
    customer: AccountId,
) -> sqlx::Result<Vec<OrderId>> {
    use crate::platform::geo::Position;
    use crate::platform::privacy::{neighbourhood, vicinity};
    let rows: Vec<(Uuid, String, f64, f64)> = sqlx::query_as(
        "SELECT order_id, delivery_address, delivery_lat, delivery_lng FROM ordering.orders
         WHERE customer_id = $1 FOR UPDATE",
    )
    .bind(customer.0)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.0).collect();
    let addresses: Vec<String> = rows.iter().map(|row| neighbourhood(&row.1)).collect();
    let near: Vec<Position> = rows
        .iter()
        .map(|&(_, _, lat, lng)| vicinity(Position { lat, lng }))
        .collect();
    let lats: Vec<f64> = near.iter().map(|p| p.lat).collect();
    let lngs: Vec<f64> = near.iter().map(|p| p.lng).collect();
    sqlx::query(
        "UPDATE ordering.orders o
         SET delivery_address = x.address, delivery_lat = x.lat, delivery_lng = x.lng
         FROM unnest($1::uuid[], $2::text[], $3::float8[], $4::float8[]) AS x(id, address, lat, lng)
         WHERE o.order_id = x.id",
    )
    .bind(&ids)
    .bind(&addresses)
    .bind(&lats)
    .bind(&lngs)
    .execute(&mut *conn)
    .await?;
    Ok(ids.into_iter().map(OrderId).collect())
}
