//! The browser end of the live link: one websocket per tab, reconnecting with backoff.

use chrono::{DateTime, Utc};
use futures::channel::{mpsc, oneshot};
use futures::future::{self, Either};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message, State, WebSocketError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::time::Duration;

use super::{ClientMessage, LinkState, ServerMessage, Topic};

/// The first wait before reconnecting; it doubles on each failure up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(15);

/// Who follows what, and the way to the running socket.
pub struct Link {
    shared: Rc<RefCell<Shared>>,
}

struct Shared {
    set_state: WriteSignal<LinkState>,
    followers: HashMap<Topic, Vec<(u64, RwSignal<u64>)>>,
    next_token: u64,
    /// Messages for the open socket; `None` while disconnected (following resumes on connect).
    outbox: Option<mpsc::UnboundedSender<ClientMessage>>,
    started: bool,
    /// When the server rendered this page.
    rendered_at: Option<DateTime<Utc>>,
    /// Topics first followed while the page was hydrating, not yet asked for: their screens
    /// show what the server read at `rendered_at`.
    shown_since_render: HashSet<Topic>,
}

impl Shared {
    fn bump(&self, topic: &Topic) {
        for (_, changes) in self.followers.get(topic).into_iter().flatten() {
            changes.update(|n| *n += 1);
        }
    }

    fn bump_all(&self) {
        for changes in self.followers.values().flatten().map(|(_, c)| c) {
            changes.update(|n| *n += 1);
        }
    }

    /// How to ask for `topic`: since the render for a screen drawn by it (once), plainly after.
    fn follow_message(&mut self, topic: Topic) -> ClientMessage {
        match (self.rendered_at, self.shown_since_render.remove(&topic)) {
            (Some(since), true) => ClientMessage::FollowSince(topic, since),
            _ => ClientMessage::Follow(topic),
        }
    }

    fn send(&self, message: ClientMessage) {
        if let Some(outbox) = &self.outbox {
            let _ = outbox.unbounded_send(message);
        }
    }
}

impl Link {
    pub fn new(set_state: WriteSignal<LinkState>, rendered_at: Option<DateTime<Utc>>) -> Link {
        Link {
            shared: Rc::new(RefCell::new(Shared {
                set_state,
                followers: HashMap::new(),
                next_token: 0,
                outbox: None,
                started: false,
                rendered_at,
                shown_since_render: HashSet::new(),
            })),
        }
    }

    /// Registers a follower of `topic`; the socket opens on the first one.
    pub fn follow(&self, topic: Topic, changes: RwSignal<u64>) -> u64 {
        let mut shared = self.shared.borrow_mut();
        let token = shared.next_token;
        shared.next_token += 1;
        let followers = shared.followers.entry(topic).or_default();
        followers.push((token, changes));
        if followers.len() == 1 {
            if !crate::platform::first_frame::page_hydrated_untracked() {
                shared.shown_since_render.insert(topic);
            }
            if shared.outbox.is_some() {
                let follow = shared.follow_message(topic);
                shared.send(follow);
            }
        }
        if !shared.started {
            shared.started = true;
            spawn_local(run(Rc::clone(&self.shared)));
        }
        token
    }

    /// Forgets one follower; the server stops sending the topic when none is left.
    pub fn unfollow(&self, topic: Topic, token: u64) {
        let mut shared = self.shared.borrow_mut();
        let Some(followers) = shared.followers.get_mut(&topic) else {
            return;
        };
        followers.retain(|(t, _)| *t != token);
        if followers.is_empty() {
            shared.followers.remove(&topic);
            shared.shown_since_render.remove(&topic);
            shared.send(ClientMessage::Unfollow(topic));
        }
    }
}

enum Input {
    FromServer(Option<Result<Message, gloo_net::websocket::WebSocketError>>),
    ToServer(ClientMessage),
}

/// Keeps a socket open for as long as something on the page follows a topic. Once nothing does
/// (the person logged out, whose sockets the server closes, or left every live screen), it does
/// not reconnect: knocking with no session would only be refused, again and again. The next
/// follower starts it again.
async fn run(shared: Rc<RefCell<Shared>>) {
    let mut backoff = FIRST_BACKOFF;
    let mut first = true;
    loop {
        {
            let mut shared = shared.borrow_mut();
            if shared.followers.is_empty() {
                shared.started = false;
                shared.set_state.set(LinkState::Idle);
                return;
            }
        }
        let state = if first {
            LinkState::Connecting
        } else {
            LinkState::Reconnecting
        };
        shared.borrow().set_state.set(state);
        match connect_once(&shared).await {
            Some(Ended::Dropped { was_live: true }) => backoff = FIRST_BACKOFF,
            Some(Ended::Dropped { was_live: false }) | None => {}
            Some(Ended::SessionEnded) => {
                // Knocking again with the same cookie would only be refused (401), again and
                // again; the session context shows the person logged out.
                let mut shared = shared.borrow_mut();
                shared.outbox = None;
                shared.started = false;
                shared.set_state.set(LinkState::SessionEnded);
                return;
            }
        }
        first = false;
        shared.borrow_mut().outbox = None;
        shared.borrow().set_state.set(LinkState::Reconnecting);
        sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// How a connection ended.
enum Ended {
    /// It dropped (network, server restart); `was_live` if the server had answered a follow.
    Dropped { was_live: bool },
    /// The server closed it because the session ended.
    SessionEnded,
}

/// One connection, until it drops; `None` if it could not even be opened.
async fn connect_once(shared: &Rc<RefCell<Shared>>) -> Option<Ended> {
    let mut socket = WebSocket::open(&socket_url()?).ok()?;
    let (outbox, mut inbox) = mpsc::unbounded();
    // A screen drawn by the server's render counts as unchanged only if the server says so;
    // after a reconnect, or for a screen drawn later, it is read again regardless.
    let follows: Vec<ClientMessage> = {
        let mut shared = shared.borrow_mut();
        shared.outbox = Some(outbox);
        let topics: Vec<Topic> = shared.followers.keys().copied().collect();
        topics
            .into_iter()
            .map(|topic| shared.follow_message(topic))
            .collect()
    };
    for follow in follows {
        if !send(&mut socket, &follow).await {
            return Some(Ended::Dropped { was_live: false });
        }
    }
    let mut was_live = false;
    loop {
        // The socket is not split, so that a message is only ever written to an open socket.
        let input = match future::select(socket.next(), inbox.next()).await {
            Either::Left((from_server, _)) => Input::FromServer(from_server),
            Either::Right((Some(message), _)) => Input::ToServer(message),
            // Nobody can send any more: this connection is being replaced.
            Either::Right((None, _)) => break,
        };
        match input {
            Input::ToServer(message) => {
                if !send(&mut socket, &message).await {
                    break;
                }
            }
            Input::FromServer(Some(Ok(Message::Text(text)))) => {
                let Ok(message) = serde_json::from_str::<ServerMessage>(&text) else {
                    continue;
                };
                let shared = shared.borrow();
                // Whatever happened while we were not following is read afresh now.
                let read_again = matches!(message, ServerMessage::Following(_));
                match message {
                    ServerMessage::Changed(change) => shared.bump(&change.topic),
                    ServerMessage::Following(topic) | ServerMessage::FollowingUnchanged(topic) => {
                        if !was_live {
                            was_live = true;
                            shared.set_state.set(LinkState::Live);
                        }
                        if read_again {
                            shared.bump(&topic);
                        }
                    }
                    ServerMessage::Refused { topic, reason } => {
                        leptos::logging::warn!("live updates refused for {topic:?}: {reason}");
                    }
                    ServerMessage::Resync => shared.bump_all(),
                }
            }
            Input::FromServer(Some(Ok(Message::Bytes(_)))) => {}
            Input::FromServer(Some(Err(WebSocketError::ConnectionClose(close))))
                if close.code == super::SESSION_ENDED_CLOSE_CODE =>
            {
                return Some(Ended::SessionEnded);
            }
            Input::FromServer(Some(Err(_)) | None) => break,
        }
    }
    Some(Ended::Dropped { was_live })
}

/// Writes `message` to the socket, unless the socket is closing or closed (the server ended the
/// session, say, just as the page stopped following a topic): writing to it then is an error the
/// browser reports, and the next connection follows afresh anyway. False if it was not sent.
async fn send(socket: &mut WebSocket, message: &ClientMessage) -> bool {
    if matches!(socket.state(), State::Closing | State::Closed) {
        return false;
    }
    let Ok(text) = serde_json::to_string(message) else {
        return true;
    };
    socket.send(Message::Text(text)).await.is_ok()
}

/// `ws://` or `wss://` to this page's host.
fn socket_url() -> Option<String> {
    let location = window().location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/ws", location.host().ok()?))
}

async fn sleep(duration: Duration) {
    let (done, wait) = oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        duration,
    );
    let _ = wait.await;
}
