//! The `tracking` schema: one row per order with its whole view as JSON.

use sqlx::{types::Json, PgExecutor};

use super::OrderView;
use crate::ordering::OrderId;
use crate::platform::AccountId;

/// Writes the view unless a view folded from later events is already there.
pub async fn upsert(db: impl PgExecutor<'_>, view: &OrderView) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO tracking.order_views (order_id, customer_id, store_id, view, status, last_seq, placed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (order_id) DO UPDATE
             SET view = EXCLUDED.view, status = EXCLUDED.status, last_seq = EXCLUDED.last_seq,
                 updated_at = clock_timestamp()
             WHERE tracking.order_views.last_seq < EXCLUDED.last_seq",
    )
    .bind(view.order_id.0)
    .bind(view.customer_id.0)
    .bind(view.store_id.0)
    .bind(Json(view))
    .bind(view.status.as_str())
    .bind(view.last_seq)
    .bind(view.placed_at)
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

/// A customer's orders, newest first.
pub async fn views_of_customer(
    db: impl PgExecutor<'_>,
    customer: AccountId,
    limit: i64,
) -> sqlx::Result<Vec<OrderView>> {
    let rows: Vec<Json<OrderView>> = sqlx::query_scalar(
        "SELECT view FROM tracking.order_views WHERE customer_id = $1
         ORDER BY placed_at DESC LIMIT $2",
    )
    .bind(customer.0)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|Json(view)| view).collect())
}
