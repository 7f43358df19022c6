//! The `payment` schema: payments and refunds.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::ordering::OrderId;
use crate::platform::money::Won;

/// Records an approved payment; false if the order was already paid (never charge twice).
pub async fn record_payment(
    db: impl PgExecutor<'_>,
    order_id: OrderId,
    amount: Won,
    payment_key: Option<&str>,
) -> sqlx::Result<bool> {
    let recorded =
        record_payments(db, &[(order_id, amount, payment_key.map(str::to_owned))]).await?;
    Ok(recorded == 1)
}

/// Records approved payments `(order, amount, the provider's key)` in one statement, skipping
/// orders already paid; returns how many were new.
pub async fn record_payments(
    db: impl PgExecutor<'_>,
    payments: &[(OrderId, Won, Option<String>)],
) -> sqlx::Result<u64> {
    if payments.is_empty() {
        return Ok(0);
    }
    let order_ids: Vec<Uuid> = payments.iter().map(|(o, _, _)| o.0).collect();
    let amounts: Vec<i64> = payments.iter().map(|(_, a, _)| a.0).collect();
    let keys: Vec<Option<&str>> = payments.iter().map(|(_, _, k)| k.as_deref()).collect();
    let inserted = sqlx::query(
        "INSERT INTO payment.payments (order_id, amount_krw, status, payment_key)
         SELECT o, a, 'APPROVED', k FROM unnest($1::uuid[], $2::bigint[], $3::text[]) AS p(o, a, k)
         ON CONFLICT (order_id) DO NOTHING",
    )
    .bind(&order_ids)
    .bind(&amounts)
    .bind(&keys)
    .execute(db)
    .await?
    .rows_affected();
    Ok(inserted)
}

/// Asks for the order's payment back, once: returns the amount if a refund is now pending, or
/// `None` if there is nothing to refund (never paid, or a refund already asked for).
pub async fn request_refund(
    db: impl PgExecutor<'_>,
    order_id: OrderId,
    reason: &str,
) -> sqlx::Result<Option<Won>> {
    // The refund row's primary key is the order: a second refund of the same order cannot exist.
    let amount: Option<i64> = sqlx::query_scalar(
        "INSERT INTO payment.refunds (order_id, amount_krw, reason, status)
         SELECT order_id, amount_krw, $2, 'PENDING' FROM payment.payments
         WHERE order_id = $1 AND status = 'APPROVED'
         ON CONFLICT (order_id) DO NOTHING
         RETURNING amount_krw",
    )
    .bind(order_id.0)
    .bind(reason)
    .fetch_optional(db)
    .await?;
    Ok(amount.map(Won))
}

/// A refund the provider has not confirmed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRefund {
    /// The provider's key for the payment; `None` for payments taken before the provider was
    /// used, which have nothing to give back there.
    pub payment_key: Option<String>,
    pub amount: Won,
    pub reason: String,
}

/// The order's refund, if it is still waiting for the provider.
pub async fn pending_refund(
    db: impl PgExecutor<'_>,
    order_id: OrderId,
) -> sqlx::Result<Option<PendingRefund>> {
    let row: Option<(Option<String>, i64, String)> = sqlx::query_as(
        "SELECT p.payment_key, r.amount_krw, r.reason
         FROM payment.refunds r JOIN payment.payments p USING (order_id)
         WHERE r.order_id = $1 AND r.status = 'PENDING'",
    )
    .bind(order_id.0)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(payment_key, amount, reason)| PendingRefund {
        payment_key,
        amount: Won(amount),
        reason,
    }))
}

/// Marks the refund done once the provider has paid it; false if it was already done.
pub async fn complete_refund(db: impl PgExecutor<'_>, order_id: OrderId) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "WITH refund AS (
             UPDATE payment.refunds SET status = 'DONE', refunded_at = clock_timestamp()
             WHERE order_id = $1 AND status = 'PENDING'
             RETURNING order_id
         )
         UPDATE payment.payments p SET status = 'REFUNDED', refunded_at = clock_timestamp()
         FROM refund WHERE p.order_id = refund.order_id",
    )
    .bind(order_id.0)
    .execute(db)
    .await?
    .rows_affected();
    Ok(done == 1)
}
