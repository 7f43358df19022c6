//! Live updates: which changes a screen may follow, and what the `/ws` socket says about them.
//!
//! A screen follows topics; when the read model behind a topic changes, the server sends the ids
//! and the new status (never personal data) and the screen re-reads what it shows. After a
//! reconnect every followed topic counts as changed, so nothing missed stays missed. The first
//! connection of a page asks instead whether anything changed since the server rendered it, so
//! that a page just loaded is not read, and drawn, a second time for nothing.

#[cfg(feature = "hydrate")]
mod client;
#[cfg(feature = "ssr")]
pub mod hub;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "hydrate")]
use super::session::use_session;
use super::AccountId;
use crate::ordering::{OrderId, OrderStatus};
use crate::store::StoreId;

/// The close code a socket gets when its session ends (logged out elsewhere, a password change,
/// an operator's suspension): the page does not reconnect, it shows the person logged out.
pub const SESSION_ENDED_CLOSE_CODE: u16 = 4001;

/// Something a screen can follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Topic {
    /// One order, as its customer's tracking screen shows it.
    Order(OrderId),
    /// What concerns one account: its orders' statuses and its inbox.
    Account(AccountId),
    /// The kitchen of one store: its orders arriving and moving.
    Store(StoreId),
    /// Deliveries opening, being claimed and moving: what riders see.
    Deliveries,
}

/// What the browser sends on the socket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ClientMessage {
    Follow(Topic),
    /// Follow a topic whose screen shows what the server read at this time (the page's render):
    /// the answer says whether it must be read again.
    FollowSince(Topic, DateTime<Utc>),
    Unfollow(Topic),
}

/// What the server sends on the socket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ServerMessage {
    /// Something the topic shows has changed.
    Changed(LiveChange),
    /// The server checked the topic; changes will follow. Whatever it shows may have changed
    /// before then, so the screen reads it again.
    Following(Topic),
    /// Following, and nothing the topic shows has changed since the time the screen gave.
    FollowingUnchanged(Topic),
    /// The account may not follow this topic; the sentence says why.
    Refused { topic: Topic, reason: String },
    /// This socket fell behind and changes were dropped: re-read everything.
    Resync,
}

/// One change, as a screen learns of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveChange {
    pub topic: Topic,
    pub order_id: OrderId,
    /// The event's name, e.g. "OrderAccepted".
    pub event: String,
    /// The order's status right after the event, for events that change it.
    pub status: Option<OrderStatus>,
}

/// The state of this tab's connection, for the indicator in the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Nothing is followed, so no socket is open.
    Idle,
    Connecting,
    Live,
    /// The socket dropped; it comes back by itself.
    Reconnecting,
    /// The server closed the socket because the session ended: nothing reconnects until the
    /// person logs in again.
    SessionEnded,
}

/// The tab's live link: one socket shared by every screen on the page.
#[derive(Clone, Copy)]
pub struct LiveLink {
    pub state: ReadSignal<LinkState>,
    #[cfg(feature = "hydrate")]
    inner: StoredValue<client::Link, LocalStorage>,
}

/// Creates the live link once, at the top of the app. The socket opens when a screen first
/// follows a topic.
pub fn provide_live_link() {
    let (state, _set_state) = signal(LinkState::Idle);
    #[cfg(feature = "hydrate")]
    let link = LiveLink {
        state,
        inner: StoredValue::new_local(client::Link::new(
            _set_state,
            use_context::<super::first_frame::FirstFrame>().map(|frame| frame.rendered_at),
        )),
    };
    #[cfg(not(feature = "hydrate"))]
    let link = LiveLink { state };
    provide_context(link);
}

/// The live link; panics only if the app shell forgot to provide it.
pub fn use_live_link() -> LiveLink {
    expect_context::<LiveLink>()
}

/// Follows `topic` while the calling component lives. The returned number grows on every change
/// to the topic and after every reconnect: put it among a resource's inputs to re-read on change.
pub fn follow(topic: Topic) -> Signal<u64> {
    let changes = RwSignal::new(0u64);
    #[cfg(feature = "hydrate")]
    {
        let link = use_live_link();
        let token = link.inner.with_value(|l| l.follow(topic, changes));
        let stop = move || link.inner.with_value(|l| l.unfollow(topic, token));
        on_cleanup(stop);
        // A follow is its person's and ends with their session, also when the screen that made
        // it is never told it is gone: a screen hydrated asynchronously (every first load, since
        // screens are split into chunks) hands its cleanups to the owner above it, because
        // reactive_graph 0.2.16 runs a reactive view's first, async render outside the view's
        // own owner (`RenderEffect::new_with_async_value`). The header drawn for someone who
        // then logged out would otherwise keep following, and knock on the socket, refused.
        let user = use_session().user;
        let account = move || user.with(|user| user.as_ref().map(|user| user.account_id));
        let follower = untrack(account);
        Effect::new(move |_| {
            if account() != follower {
                stop();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = topic;
    changes.into()
}

/// A small "live / reconnecting" badge for the header. The server draws it too, and it keeps one
/// width whatever it says: a badge that appeared, or grew, once the socket opened would reflow
/// the header (it wraps on a phone) and push the whole page down under the reader's thumb.
#[component]
pub fn LiveIndicator() -> impl IntoView {
    use crate::i18n::{t, t_string, use_i18n};
    let link = use_live_link();
    let i18n = use_i18n();
    let state = move || match link.state.get() {
        // Before the browser app runs there is no socket yet; it opens one as soon as it starts.
        LinkState::Idle | LinkState::Connecting | LinkState::SessionEnded => {
            (t_string!(i18n, live.connecting), "live-dot connecting")
        }
        LinkState::Live => (t_string!(i18n, live.live), "live-dot live"),
        LinkState::Reconnecting => (t_string!(i18n, live.reconnecting), "live-dot reconnecting"),
    };
    view! {
        <span
            class=move || state().1
            title=move || state().0
            role="status"
            data-testid="live-state"
        >
            <span class="live-words">
                <span>{move || state().0}</span>
                // Every word it may show, unseen, so that it is as wide as the longest.
                <span class="live-sizer" aria-hidden="true">
                    <span>{t!(i18n, live.connecting)}</span>
                    <span>{t!(i18n, live.live)}</span>
                    <span>{t!(i18n, live.reconnecting)}</span>
                </span>
            </span>
        </span>
    }
}
