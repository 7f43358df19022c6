//! The `notification` schema: the in-app inbox.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::{InboxText, Notification};
use crate::ordering::OrderId;
use crate::platform::AccountId;

/// One message for one person's inbox about one event.
#[derive(Debug, Clone)]
pub struct InboxMessage {
    pub event_id: Uuid,
    /// None for a message about an application.
    pub order_id: Option<OrderId>,
    pub recipient: AccountId,
    pub text: InboxText,
    /// The sentence in English, kept for operators and for readers of the raw table.
    pub english: String,
}

/// Puts each message in its recipient's inbox, once per (event, recipient), in one statement.
pub async fn deliver(db: impl PgExecutor<'_>, messages: &[InboxMessage]) -> sqlx::Result<()> {
    if messages.is_empty() {
        return Ok(());
    }
    let recipients: Vec<Uuid> = messages.iter().map(|m| m.recipient.0).collect();
    let order_ids: Vec<Option<Uuid>> = messages.iter().map(|m| m.order_id.map(|o| o.0)).collect();
    let event_ids: Vec<Uuid> = messages.iter().map(|m| m.event_id).collect();
    let english: Vec<&str> = messages.iter().map(|m| m.english.as_str()).collect();
    let texts: Vec<sqlx::types::Json<&InboxText>> = messages
        .iter()
        .map(|m| sqlx::types::Json(&m.text))
        .collect();
    sqlx::query(
        "INSERT INTO notification.inbox
             (notification_id, recipient_id, order_id, event_id, message, text)
         SELECT gen_random_uuid(), r, o, e, m, x
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::jsonb[])
             AS t(r, o, e, m, x)
         ON CONFLICT (event_id, recipient_id) DO NOTHING",
    )
    .bind(&recipients)
    .bind(&order_ids)
    .bind(&event_ids)
    .bind(&english)
    .bind(&texts)
    .execute(db)
    .await?;
    Ok(())
}

/// A page of a person's notifications, newest first: those created before `before`, or the
/// newest. A cursor that is not one of the person's own notifications pages nothing.
pub async fn inbox(
    db: impl PgExecutor<'_>,
    recipient: AccountId,
    before: Option<Uuid>,
    limit: i64,
) -> sqlx::Result<Vec<Notification>> {
    type Row = (
        Uuid,
        Option<Uuid>,
        Option<sqlx::types::Json<InboxText>>,
        String,
        chrono::DateTime<chrono::Utc>,
        bool,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT notification_id, order_id, text, message, created_at, read_at IS NOT NULL
         FROM notification.inbox
         WHERE recipient_id = $1
           AND ($2::uuid IS NULL OR (created_at, notification_id) < (
                SELECT created_at, notification_id FROM notification.inbox
                WHERE notification_id = $2 AND recipient_id = $1))
         ORDER BY created_at DESC, notification_id DESC LIMIT $3",
    )
    .bind(recipient.0)
    .bind(before)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(notification_id, order_id, text, message, created_at, read)| Notification {
                notification_id,
                order_id: order_id.map(OrderId),
                text: text.map(|json| json.0),
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

/// Forgets everything sent to a person who is leaving: their inbox and the KakaoTalk messages
/// sent to their phone (with its number), inside the caller's transaction.
pub async fn forget_recipient(
    conn: &mut sqlx::PgConnection,
    recipient: AccountId,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM notification.inbox WHERE recipient_id = $1")
        .bind(recipient.0)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM notification.kakao_messages WHERE recipient_id = $1")
        .bind(recipient.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
