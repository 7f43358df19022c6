//! The `payment` schema: payments and refunds.

use sqlx::PgExecutor;

use crate::ordering::OrderId;
use crate::platform::money::Won;

/// Records an approved payment; false if the order was already paid (never charge twice).
pub async fn record_payment(
    db: impl PgExecutor<'_>,
    order_id: OrderId,
    amount: Won,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO payment.payments (order_id, amount_krw, status) VALUES ($1, $2, 'APPROVED')
         ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(order_id.0)
    .bind(amount.0)
    .execute(db)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// Refunds the order's payment once; returns the amount refunded now, or `None` if there was
/// nothing to refund (never paid, or already refunded).
pub async fn refund(
    db: impl PgExecutor<'_>,
    order_id: OrderId,
    reason: &str,
) -> sqlx::Result<Option<Won>> {
    // The refund row's primary key is the order: a second refund of the same order cannot exist.
    let amount: Option<i64> = sqlx::query_scalar(
        "WITH refund AS (
             INSERT INTO payment.refunds (order_id, amount_krw, reason)
             SELECT order_id, amount_krw, $2 FROM payment.payments
             WHERE order_id = $1 AND status = 'APPROVED'
             ON CONFLICT (order_id) DO NOTHING
             RETURNING order_id, amount_krw
         )
         UPDATE payment.payments p SET status = 'REFUNDED', refunded_at = clock_timestamp()
         FROM refund WHERE p.order_id = refund.order_id
         RETURNING refund.amount_krw",
    )
    .bind(order_id.0)
    .bind(reason)
    .fetch_optional(db)
    .await?;
    Ok(amount.map(Won))
}
