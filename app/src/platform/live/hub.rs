//! The server end of live updates. A consumer that keeps a screen's read model announces, with one
//! NOTIFY per batch, which log positions it has applied; each process listens once and fans the
//! changes out to the sockets following them, after checking each follow against the account.
//!
//! The announcement comes from the consumers rather than the dispatcher because a screen re-reads
//! its read model when told: told at dispatch time, it would read the model before the change.

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

use tower_sessions::session::Id as SessionId;

use super::{ClientMessage, LiveChange, ServerMessage, Topic};
use crate::platform::events::{Consumer, Event};
use crate::platform::{event_log, AppError, CurrentUser, Role};

/// The channel read-model consumers announce on.
pub const CHANNEL: &str = "baedal_live";

/// Changes waiting for slow sockets before they are told to re-read instead.
const BACKLOG: usize = 4096;

/// How often an open socket checks that its session still lives (logged out on another
/// instance, or past its lifetime). A logout on this instance closes its sockets at once.
const SESSION_CHECK: Duration = Duration::from_secs(30);

/// The most topics one socket follows: a screen follows a handful; more is a runaway client.
pub const MAX_FOLLOWED: usize = 64;

/// The close code of every socket when its process stops (1012, "service restart"): the page
/// reconnects, to another instance or to this one once it is back.
pub const RESTARTING_CLOSE_CODE: u16 = 1012;

/// What a consumer announces: its read model now reflects the events between `from` and `to`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ViewChanged {
    pub consumer: Consumer,
    pub from: i64,
    pub to: i64,
}

/// Whether screens read what this consumer writes.
pub fn feeds_screens(consumer: Consumer) -> bool {
    matches!(
        consumer,
        Consumer::Tracking | Consumer::Store | Consumer::Delivery | Consumer::Notification
    )
}

/// Announces, inside the consumer's transaction, that it applied events up to these positions.
/// Sent at commit, so listeners never hear of a change they cannot read yet.
pub async fn announce(
    tx: &mut PgConnection,
    consumer: Consumer,
    from: i64,
    to: i64,
) -> sqlx::Result<()> {
    let note = serde_json::to_string(&ViewChanged { consumer, from, to })
        .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(note)
        .execute(tx)
        .await?;
    Ok(())
}

/// What the listener passes to this process's sockets.
#[derive(Debug)]
enum Broadcast {
    /// A note's changes by topic: each socket looks up the few topics it follows rather than
    /// reading the whole batch (a delivery's inbox line to two thousand riders is two thousand
    /// changes, and a process may hold thousands of sockets).
    Changes(HashMap<Topic, Vec<Addressed>>),
    /// The listener lost its connection for a while: changes may be missing.
    Resync,
    /// This process is stopping: every socket closes so that its page reconnects elsewhere.
    Restarting,
}

/// A change and, when the topic alone does not say, the accounts that may hear of it.
#[derive(Debug)]
struct Addressed {
    topic: Topic,
    /// The change as its socket line, written once for every socket that hears of it: a
    /// delivery opening near two thousand riders is one JSON text, not two thousand.
    line: Utf8Bytes,
    /// `None`: everyone following the topic. Riders following deliveries hear only of those in
    /// their range and of their own; every socket asks, so the question is a lookup.
    only: Option<HashSet<crate::platform::AccountId>>,
}

impl Addressed {
    fn new(change: LiveChange, only: Option<HashSet<crate::platform::AccountId>>) -> Addressed {
        Addressed {
            topic: change.topic,
            line: line(&ServerMessage::Changed(change))
                .expect("a live change is plain data and always encodes"),
            only,
        }
    }

    fn is_for(&self, account: crate::platform::AccountId) -> bool {
        self.only
            .as_ref()
            .is_none_or(|accounts| accounts.contains(&account))
    }
}

/// This process's fan-out of changes to its sockets.
#[derive(Clone, Debug)]
pub struct LiveHub {
    changes: broadcast::Sender<Arc<Broadcast>>,
    /// Sessions that logged out in this process; their sockets close.
    ended_sessions: broadcast::Sender<SessionId>,
}

impl Default for LiveHub {
    fn default() -> Self {
        LiveHub::new()
    }
}

impl LiveHub {
    pub fn new() -> LiveHub {
        LiveHub {
            changes: broadcast::channel(BACKLOG).0,
            ended_sessions: broadcast::channel(BACKLOG).0,
        }
    }

    /// Closes every socket of this process with [`RESTARTING_CLOSE_CODE`] (on shutdown).
    pub fn close_all_for_restart(&self) {
        let _ = self.changes.send(Arc::new(Broadcast::Restarting));
    }

    /// Listens on PostgreSQL until `stop` turns true, reconnecting if the connection drops.
    pub async fn listen(self, pool: PgPool, mut stop: watch::Receiver<bool>) {
        loop {
            let listened = tokio::select! {
                result = self.listen_once(&pool) => result,
                _ = stop.changed() => return,
            };
            match listened {
                Ok(()) => tracing::warn!("live listener lost its connection; reconnecting"),
                Err(error) => tracing::warn!(%error, "live listener failed; reconnecting"),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = stop.changed() => return,
            }
        }
    }

    async fn listen_once(&self, pool: &PgPool) -> sqlx::Result<()> {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        // Sockets may have missed changes while no listener was listening; from here on none
        // are missed, so this is the moment to have them read afresh.
        let _ = self.changes.send(Arc::new(Broadcast::Resync));
        // `try_recv`, not `recv`: `recv` reconnects by itself and drops what was sent meanwhile
        // without a word, and then no socket would be told to resync.
        while let Some(notification) = listener.try_recv().await? {
            let Ok(note) = serde_json::from_str::<ViewChanged>(notification.payload()) else {
                tracing::warn!(payload = notification.payload(), "unreadable live note");
                continue;
            };
            // A process with no sockets open has nobody to tell: skip the lookups.
            if self.changes.receiver_count() == 0 {
                continue;
            }
            let changes = changes_in(pool, note).await?;
            if !changes.is_empty() {
                let mut by_topic: HashMap<Topic, Vec<Addressed>> = HashMap::new();
                for addressed in changes {
                    by_topic.entry(addressed.topic).or_default().push(addressed);
                }
                let _ = self.changes.send(Arc::new(Broadcast::Changes(by_topic)));
            }
        }
        // The connection dropped; `listen` reconnects and has every socket resync.
        Ok(())
    }

    /// Closes this process's sockets of a session that just logged out.
    pub fn session_ended(&self, session: SessionId) {
        let _ = self.ended_sessions.send(session);
    }

    /// Closes this process's sockets of sessions just deleted from the store, by their stored
    /// ids (a new password, a suspension, leaving); other processes close theirs at their next
    /// session check.
    pub fn sessions_ended(&self, stored_ids: &[String]) {
        for id in stored_ids.iter().filter_map(|id| id.parse().ok()) {
            self.session_ended(id);
        }
    }

    /// Serves one socket of `user`, opened with `session`, until it closes or the session ends.
    /// While it is open the session counts as in use: a kitchen tablet that only watches stays
    /// logged in (up to the session's absolute lifetime).
    pub async fn serve(
        self,
        mut socket: WebSocket,
        user: CurrentUser,
        session: SessionId,
        pool: PgPool,
    ) {
        let mut changes = self.changes.subscribe();
        let mut ended_sessions = self.ended_sessions.subscribe();
        // Each socket checks at its own moment in the period: sockets opened together (a
        // process's every socket reconnecting after a restart) would otherwise all ask the
        // database at once, every period, and hold back the changes sent meanwhile.
        let spread = {
            use argon2::password_hash::rand_core::{OsRng, RngCore};
            SESSION_CHECK.mul_f64(f64::from(OsRng.next_u32()) / f64::from(u32::MAX))
        };
        let mut session_check =
            tokio::time::interval_at(tokio::time::Instant::now() + spread, SESSION_CHECK);
        let mut followed: HashSet<Topic> = HashSet::new();
        loop {
            let reply: Vec<Utf8Bytes> = tokio::select! {
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Text(text))) => {
                        match serde_json::from_str::<ClientMessage>(text.as_str()) {
                            Ok(message) => handle(&pool, &user, &mut followed, message)
                                .await
                                .and_then(|answer| line(&answer))
                                .into_iter()
                                .collect(),
                            Err(_) => Vec::new(),
                        }
                    }
                    Some(Ok(_)) => Vec::new(),
                    Some(Err(_)) | None => return,
                },
                batch = changes.recv() => match batch {
                    Ok(broadcast) => match broadcast.as_ref() {
                        Broadcast::Resync => line(&ServerMessage::Resync).into_iter().collect(),
                        Broadcast::Restarting => {
                            return close(socket, RESTARTING_CLOSE_CODE, "The server is restarting; reconnecting.").await
                        }
                        Broadcast::Changes(by_topic) => followed
                            .iter()
                            .filter_map(|topic| by_topic.get(topic))
                            .flatten()
                            .filter(|addressed| addressed.is_for(user.account_id))
                            .map(|addressed| addressed.line.clone())
                            .collect(),
                    },
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        line(&ServerMessage::Resync).into_iter().collect()
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                ended = ended_sessions.recv() => match ended {
                    Ok(ended) if ended == session => return close_for_ended_session(socket).await,
                    _ => Vec::new(),
                },
                _ = session_check.tick() => {
                    if !still_signed_in(&pool, session, &user).await {
                        return close_for_ended_session(socket).await;
                    }
                    Vec::new()
                }
            };
            for text in reply {
                if socket.send(Message::Text(text)).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// `message` as a socket line.
fn line(message: &ServerMessage) -> Option<Utf8Bytes> {
    serde_json::to_string(message).ok().map(Utf8Bytes::from)
}

/// Whether the socket's session still belongs to `user` and has not outlived itself; if so, its
/// use is recorded.
async fn still_signed_in(pool: &PgPool, session: SessionId, user: &CurrentUser) -> bool {
    let store = Arc::new(crate::platform::session_store::PgSessionStore::new(
        pool.clone(),
    ));
    let fresh = tower_sessions::Session::new(Some(session), store, None);
    match crate::platform::auth::user_of_session(&fresh, pool).await {
        Ok(Some(now)) if now.account_id == user.account_id => {
            if let Err(error) = fresh.save().await {
                tracing::warn!(%error, "could not record a live socket's use of its session");
            }
            true
        }
        Ok(_) => false,
        // The database is away for a moment: keep the socket; the next check decides.
        Err(_) => true,
    }
}

async fn close_for_ended_session(socket: WebSocket) {
    close(
        socket,
        super::SESSION_ENDED_CLOSE_CODE,
        "Your session ended. Log in again.",
    )
    .await
}

async fn close(mut socket: WebSocket, code: u16, reason: &'static str) {
    use axum::extract::ws::CloseFrame;
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

async fn handle(
    pool: &PgPool,
    user: &CurrentUser,
    followed: &mut HashSet<Topic>,
    message: ClientMessage,
) -> Option<ServerMessage> {
    match message {
        ClientMessage::Follow(topic) | ClientMessage::FollowSince(topic, _)
            if followed.len() >= MAX_FOLLOWED && !followed.contains(&topic) =>
        {
            Some(ServerMessage::Refused {
                topic,
                reason: format!(
                    "One screen follows at most {MAX_FOLLOWED} things at once. Reload the page."
                ),
            })
        }
        ClientMessage::Follow(topic) | ClientMessage::FollowSince(topic, _) => {
            if let Err(error) = may_follow(pool, user, topic).await {
                return Some(ServerMessage::Refused {
                    topic,
                    reason: error.to_string(),
                });
            }
            followed.insert(topic);
            Some(match message {
                ClientMessage::FollowSince(_, since)
                    if !changed_since(pool, topic, since).await =>
                {
                    ServerMessage::FollowingUnchanged(topic)
                }
                _ => ServerMessage::Following(topic),
            })
        }
        ClientMessage::Unfollow(topic) => {
            followed.remove(&topic);
            None
        }
    }
}

/// How much earlier than the time a page gives its render the question reaches back: a consumer
/// stamps what it applied before its transaction commits, and the web server's clock and the
/// database's may differ by a little. An application in that margin counts as unseen.
pub const RENDER_MARGIN: chrono::TimeDelta = chrono::TimeDelta::seconds(10);

/// Whether what `topic` shows may have changed after `since`: some consumer that feeds it applied
/// an event of its orders. When the question cannot be answered, it may have.
async fn changed_since(pool: &PgPool, topic: Topic, since: DateTime<Utc>) -> bool {
    use event_log::OrdersShown;
    let feeds: &[(Consumer, OrdersShown)] = match topic {
        Topic::Order(order) => &[(Consumer::Tracking, OrdersShown::One(order))],
        // The account's orders, and its inbox (addressed by recipient, which the log does not say).
        Topic::Account(account) => &[
            (Consumer::Tracking, OrdersShown::OfCustomer(account)),
            (Consumer::Notification, OrdersShown::All),
        ],
        Topic::Store(store) => &[(Consumer::Store, OrdersShown::OfStore(store))],
        Topic::Deliveries => &[(Consumer::Delivery, OrdersShown::All)],
    };
    let since = since - RENDER_MARGIN;
    for &(consumer, shown) in feeds {
        match event_log::applied_since(pool, consumer, since, shown).await {
            Ok(false) => continue,
            Ok(true) | Err(_) => return true,
        }
    }
    false
}

/// Whether `user` may see changes to `topic`: the same rules as the pages' queries.
pub async fn may_follow(pool: &PgPool, user: &CurrentUser, topic: Topic) -> Result<(), AppError> {
    let not_yours = || AppError::NotFound(crate::platform::error::Missing::NotFollowable);
    match topic {
        Topic::Account(account) if account == user.account_id => Ok(()),
        Topic::Account(_) => Err(not_yours()),
        Topic::Order(order_id) => {
            let order = crate::ordering::load(pool, order_id).await?;
            match (user.role, order) {
                (Role::Operator, Some(_)) => Ok(()),
                (Role::Customer, Some((order, _))) if order.customer_id == user.account_id => {
                    Ok(())
                }
                _ => Err(not_yours()),
            }
        }
        Topic::Store(store_id) => {
            let store = crate::store::store_by_id(pool, store_id).await?;
            match store {
                Some(store) if user.role == Role::Owner && store.owner_id == user.account_id.0 => {
                    Ok(())
                }
                _ => Err(not_yours()),
            }
        }
        Topic::Deliveries if user.role == Role::Rider => Ok(()),
        Topic::Deliveries => Err(AppError::WrongRole(Role::Rider)),
    }
}

/// The changes a note announces, one per topic that shows them.
async fn changes_in(pool: &PgPool, note: ViewChanged) -> sqlx::Result<Vec<Addressed>> {
    let logged =
        event_log::changes_between(pool, note.from, note.to, note.consumer.wanted()).await?;
    let live_change = |topic, entry: &event_log::LoggedChange| LiveChange {
        topic,
        order_id: entry.order_id,
        event: entry.event.name().to_owned(),
        status: match &entry.event {
            Event::OrderPlaced(_) => Some(crate::ordering::OrderStatus::Placed),
            Event::Order(event) => Some(event.resulting_status()),
            Event::DeliveryRequested { .. } | Event::PaymentCancelled { .. } => None,
        },
    };
    let change =
        |topic, entry: &event_log::LoggedChange| Addressed::new(live_change(topic, entry), None);
    let mut changes = Vec::new();
    match note.consumer {
        Consumer::Tracking => {
            for entry in &logged {
                changes.push(change(Topic::Order(entry.order_id), entry));
                changes.push(change(Topic::Account(entry.customer_id), entry));
            }
        }
        Consumer::Store => {
            for entry in &logged {
                changes.push(change(Topic::Store(entry.store_id), entry));
            }
        }
        Consumer::Delivery => {
            let ids: Vec<uuid::Uuid> = logged.iter().map(|entry| entry.order_id.0).collect();
            let audiences = crate::delivery::audience_of_deliveries(pool, &ids).await?;
            for entry in &logged {
                let audience = audiences.get(&entry.order_id.0).cloned();
                changes.push(Addressed::new(
                    live_change(Topic::Deliveries, entry),
                    Some(audience.unwrap_or_default()),
                ));
            }
        }
        Consumer::Notification => {
            let by_id: std::collections::HashMap<uuid::Uuid, &event_log::LoggedChange> =
                logged.iter().map(|entry| (entry.event_id, entry)).collect();
            let ids: Vec<uuid::Uuid> = by_id.keys().copied().collect();
            let recipients = crate::notification::recipients_of(pool, &ids).await?;
            for (event_id, recipient) in recipients {
                if let Some(entry) = by_id.get(&event_id) {
                    changes.push(change(Topic::Account(recipient), entry));
                }
            }
        }
        Consumer::Payment | Consumer::Deadlines => {}
    }
    Ok(changes)
}
