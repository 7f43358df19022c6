//! The `ordering` schema: orders and their lines.

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

/// The order and the version it was read at.
pub async fn load(
    db: impl PgExecutor<'_>,
    order_id: OrderId,
) -> sqlx::Result<Option<(Order, i32)>> {
    let row: Option<OrderRow> = sqlx::query_as(
        "SELECT order_id, customer_id, store_id, status, version, accept_by, pay_by, ready_by, rider_id
         FROM ordering.orders WHERE order_id = $1",
    )
    .bind(order_id.0)
    .fetch_optional(db)
    .await?;
    let Some((
        order_id,
        customer_id,
        store_id,
        status,
        version,
        accept_by,
        pay_by,
        ready_by,
        rider_id,
    )) = row
    else {
        return Ok(None);
    };
    let status = OrderStatus::parse(&status)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown order status {status}").into()))?;
    Ok(Some((
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
    )))
}

/// Writes the order as decided, if nobody changed it since `version`. Returns false if they did.
pub async fn save(
    conn: &mut PgConnection,
    order: &Order,
    version: i32,
    events: &[OrderEvent],
) -> sqlx::Result<bool> {
    let mut prep_minutes = None;
    let mut cancel_reason = None;
    let mut reject_reason = None;
    let mut failure_reason = None;
    for event in events {
        match event {
            OrderEvent::OrderAccepted {
                prep_minutes: m, ..
            } => prep_minutes = Some(i32::from(*m)),
            OrderEvent::OrderCancelled { reason, .. } => {
                cancel_reason = Some(match reason {
                    CancelReason::Customer(r) | CancelReason::Operator(r) => r.as_str().to_owned(),
                    CancelReason::PaymentTimeout => "PAYMENT_TIMEOUT".to_owned(),
                })
            }
            OrderEvent::OrderRejected { reason } => {
                reject_reason = Some(reason.as_str().to_owned())
            }
            OrderEvent::DeliveryFailed { reason } => {
                failure_reason = Some(reason.as_str().to_owned())
            }
            _ => {}
        }
    }
    let updated = sqlx::query(
        "UPDATE ordering.orders SET
             status = $3, accept_by = $4, pay_by = $5, ready_by = $6, rider_id = $7,
             prep_minutes = coalesce($8, prep_minutes),
             cancel_reason = coalesce($9, cancel_reason),
             reject_reason = coalesce($10, reject_reason),
             failure_reason = coalesce($11, failure_reason),
             version = version + 1, updated_at = now()
         WHERE order_id = $1 AND version = $2",
    )
    .bind(order.order_id.0)
    .bind(version)
    .bind(order.status.as_str())
    .bind(order.accept_by)
    .bind(order.pay_by)
    .bind(order.ready_by)
    .bind(order.rider_id.map(|r| r.0))
    .bind(prep_minutes)
    .bind(cancel_reason)
    .bind(reject_reason)
    .bind(failure_reason)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(updated == 1)
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
