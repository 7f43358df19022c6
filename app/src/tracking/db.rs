//! The `tracking` schema: one row per order with its whole view as JSON.

use chrono::{DateTime, Utc};
use sqlx::{types::Json, PgExecutor};
use uuid::Uuid;

use super::OrderView;
use crate::ordering::OrderId;
use crate::platform::AccountId;

/// Writes the views, each unless a view folded from later events is already there.
pub async fn upsert_all(db: impl PgExecutor<'_>, views: &[OrderView]) -> sqlx::Result<()> {
    if views.is_empty() {
        return Ok(());
    }
    let order_ids: Vec<Uuid> = views.iter().map(|v| v.order_id.0).collect();
    let customer_ids: Vec<Uuid> = views.iter().map(|v| v.customer_id.0).collect();
    let store_ids: Vec<Uuid> = views.iter().map(|v| v.store_id.0).collect();
    let documents = views
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let statuses: Vec<&str> = views.iter().map(|v| v.status.as_str()).collect();
    let last_seqs: Vec<i64> = views.iter().map(|v| v.last_seq).collect();
    let placed_ats: Vec<DateTime<Utc>> = views.iter().map(|v| v.placed_at).collect();
    sqlx::query(
        "INSERT INTO tracking.order_views (order_id, customer_id, store_id, view, status, last_seq, placed_at)
         SELECT o, c, s, v::jsonb, st, seq, p
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::bigint[],
                     $7::timestamptz[]) AS t(o, c, s, v, st, seq, p)
         ON CONFLICT (order_id) DO UPDATE
             SET view = EXCLUDED.view, status = EXCLUDED.status, last_seq = EXCLUDED.last_seq,
                 updated_at = clock_timestamp()
             WHERE tracking.order_views.last_seq < EXCLUDED.last_seq",
    )
    .bind(&order_ids)
    .bind(&customer_ids)
    .bind(&store_ids)
    .bind(&documents)
    .bind(&statuses)
    .bind(&last_seqs)
    .bind(&placed_ats)
    .execute(db)
    .await?;
    Ok(())
}

/// One order's view.
pub async fn view(db: impl PgExecutor<'_>, order_id: OrderId) -> sqlx::Result<Option<OrderView>> {
    let row: Option<Json<OrderView>> =
        sqlx::query_scalar("SELECT view FROM tracking.order_views WHERE order_id = $1")
            .bind(order_id.0)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|Json(view)| view))
}

/// A page of a customer's orders, newest first: those placed before `before`, or the newest.
/// A cursor that is not one of the customer's own orders pages nothing.
pub async fn views_of_customer(
    db: impl PgExecutor<'_>,
    customer: AccountId,
    before: Option<OrderId>,
    limit: i64,
) -> sqlx::Result<Vec<OrderView>> {
    let rows: Vec<Json<OrderView>> = sqlx::query_scalar(
        "SELECT view FROM tracking.order_views
         WHERE customer_id = $1
           AND ($2::uuid IS NULL OR (placed_at, order_id) < (
                SELECT placed_at, order_id FROM tracking.order_views
                WHERE order_id = $2 AND customer_id = $1))
         ORDER BY placed_at DESC, order_id DESC LIMIT $3",
    )
    .bind(customer.0)
    .bind(before.map(|o| o.0))
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|Json(view)| view).collect())
}

/// Keeps only the neighbourhood of the door in the views of a customer who is leaving, inside
/// the caller's transaction.
pub async fn forget_customers_door(
    conn: &mut sqlx::PgConnection,
    customer: AccountId,
) -> sqlx::Result<()> {
    let views: Vec<Json<OrderView>> = sqlx::query_scalar(
        "SELECT view FROM tracking.order_views WHERE customer_id = $1 FOR UPDATE",
    )
    .bind(customer.0)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<Uuid> = views.iter().map(|Json(view)| view.order_id.0).collect();
    let documents = views
        .into_iter()
        .map(|Json(mut view)| {
            view.delivery_address = crate::platform::privacy::neighbourhood(&view.delivery_address);
            serde_json::to_string(&view)
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "UPDATE tracking.order_views v SET view = x.view::jsonb
         FROM unnest($1::uuid[], $2::text[]) AS x(id, view)
         WHERE v.order_id = x.id",
    )
    .bind(&ids)
    .bind(&documents)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
