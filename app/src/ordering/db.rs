//! The `ordering` schema: orders and their lines.

use sqlx::PgExecutor;

use super::OrderStatus;

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
