//! The `notification` schema: the in-app inbox.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::Notification;
use crate::ordering::OrderId;
use crate::platform::AccountId;

/// Puts `message` in each recipient's inbox, once per (event, recipient).
pub async fn deliver(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    order_id: OrderId,
    recipients: &[AccountId],
    message: &str,
) -> sqlx::Result<()> {
    let ids: Vec<Uuid> = recipients.iter().map(|r| r.0).collect();
    sqlx::query(
        "INSERT INTO notification.inbox (notification_id, recipient_id, order_id, event_id, message)
         SELECT gen_random_uuid(), r, $2, $3, $4 FROM unnest($1::uuid[]) AS r
         ON CONFLICT (event_id, recipient_id) DO NOTHING",
    )
    .bind(&ids)
    .bind(order_id.0)
    .bind(event_id)
    .bind(message)
    .execute(db)
    .await?;
    Ok(())
}

/// A person's newest notifications.
pub async fn inbox(
    db: impl PgExecutor<'_>,
    recipient: AccountId,
    limit: i64,
) -> sqlx::Result<Vec<Notification>> {
    let rows: Vec<(Uuid, Uuid, String, chrono::DateTime<chrono::Utc>, bool)> = sqlx::query_as(
        "SELECT notification_id, order_id, message, created_at, read_at IS NOT NULL
         FROM notification.inbox WHERE recipient_id = $1 ORDER BY created_at DESC LIMIT $2",
    )
    .bind(recipient.0)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(notification_id, order_id, message, created_at, read)| Notification {
                notification_id,
                order_id: OrderId(order_id),
                message,
                created_at,
                read,
            },
        )
        .collect())
}

/// Marks all of a person's notifications read.
pub async fn mark_all_read(db: impl PgExecutor<'_>, recipient: AccountId) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE notification.inbox SET read_at = clock_timestamp()
         WHERE recipient_id = $1 AND read_at IS NULL",
    )
    .bind(recipient.0)
    .execute(db)
    .await?;
    Ok(())
}

/// Who received a notification for each of these events.
pub async fn recipients_of(
    db: impl PgExecutor<'_>,
    event_ids: &[Uuid],
) -> sqlx::Result<Vec<(Uuid, AccountId)>> {
    let rows: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT event_id, recipient_id FROM notification.inbox WHERE event_id = ANY($1)",
    )
    .bind(event_ids)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(event_id, recipient)| (event_id, AccountId(recipient)))
        .collect())
}
