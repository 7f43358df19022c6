//! The rider's outbox: Picked up, Delivered, a reported failure and a shared position, tapped in a
//! lift or a basement, are kept on the phone (IndexedDB, through `public/outbox.js`) and sent in
//! the order they were tapped once the connection returns, also after the app was closed. Each
//! tap carries a key, so a tap sent twice (the answer was lost on the way back) still counts once
//! (`receipt`).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::DeliveryStatus;
use crate::ordering::machine::{decide_for, Command, OrderEvent, Party, Reason, Standing};
use crate::ordering::OrderId;
use crate::platform::AppError;

/// What the rider tapped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum RiderTap {
    PickUp { order_id: OrderId },
    Deliver { order_id: OrderId },
    ReportFailure { order_id: OrderId, reason: String },
    Position { lat: f64, lng: f64 },
}

impl RiderTap {
    /// Where a delivery in `status` stands once this tap has been taken. A tap moves only the
    /// step it was made on, so applying one the server already shows changes nothing.
    fn advance(&self, order_id: OrderId, status: DeliveryStatus) -> DeliveryStatus {
        let command = match self {
            _ if self.order_id() != Some(order_id) => return status,
            RiderTap::PickUp { .. } => Command::PickUp,
            RiderTap::Deliver { .. } => Command::Deliver,
            RiderTap::ReportFailure { reason, .. } => match Reason::new(reason) {
                Ok(reason) => Command::ReportFailure { reason },
                Err(_) => return status,
            },
            RiderTap::Position { .. } => return status,
        };
        // The same rule the server will apply to the tap; no rider step has a deadline.
        let standing = Standing::without_deadlines(status.order_status());
        decide_for(Party::Rider, standing, &command, chrono::Utc::now())
            .ok()
            .and_then(|events| events.last().map(OrderEvent::resulting_status))
            .and_then(DeliveryStatus::of_order)
            .unwrap_or(status)
    }

    fn order_id(&self) -> Option<OrderId> {
        match self {
            RiderTap::PickUp { order_id }
            | RiderTap::Deliver { order_id }
            | RiderTap::ReportFailure { order_id, .. } => Some(*order_id),
            RiderTap::Position { .. } => None,
        }
    }
}

/// A tap waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedTap {
    /// Its place in the queue (IndexedDB's key).
    pub seq: u32,
    /// Sent with the tap; the server answers a repeat of it as it answered the first.
    pub key: Uuid,
    /// Whose tap it is: another rider logged in on this phone does not send it.
    pub rider: Uuid,
    pub tap: RiderTap,
}

/// The rider screen's outbox: what waits to be sent, and how the server answered the last tap.
#[derive(Clone, Copy)]
pub struct Outbox {
    pub queued: RwSignal<Vec<QueuedTap>>,
    /// The last tap the server answered, and its answer (a refusal: the order was cancelled
    /// meanwhile, say).
    pub last_answer: RwSignal<Option<(RiderTap, Result<(), AppError>)>>,
    /// Every tap the server took on this screen: until the list is read again it still shows
    /// the step before, and a button from that step must not come back for a moment.
    taken: RwSignal<Vec<RiderTap>>,
    /// Grows whenever the server answered a tap: the screen's lists read again.
    pub answered: RwSignal<usize>,
    rider: Uuid,
    /// Whether a round of sending is under way (the browser's only).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    sending: StoredValue<bool>,
}

impl Outbox {
    /// The outbox of `rider`; in the browser it loads what an earlier visit left and sends it.
    pub fn new(rider: Uuid) -> Outbox {
        let outbox = Outbox {
            queued: RwSignal::new(Vec::new()),
            last_answer: RwSignal::new(None),
            taken: RwSignal::new(Vec::new()),
            answered: RwSignal::new(0),
            rider,
            sending: StoredValue::new(false),
        };
        #[cfg(feature = "hydrate")]
        browser::start(outbox);
        outbox
    }

    /// Where a delivery stands with the taps the server took since the list was read, and
    /// once its queued taps are sent.
    pub fn shown_status(&self, order_id: OrderId, status: DeliveryStatus) -> DeliveryStatus {
        let taken = self.taken.with(|taken| {
            taken
                .iter()
                .fold(status, |status, tap| tap.advance(order_id, status))
        });
        self.queued.with(|queued| {
            queued
                .iter()
                .filter(|q| q.rider == self.rider)
                .fold(taken, |status, q| q.tap.advance(order_id, status))
        })
    }

    /// Whether taps on this delivery are still on the phone.
    pub fn waiting(&self, order_id: OrderId) -> bool {
        self.queued.with(|queued| {
            queued
                .iter()
                .any(|q| q.rider == self.rider && q.tap.order_id() == Some(order_id))
        })
    }

    /// How many of this rider's taps wait to be sent.
    pub fn waiting_count(&self) -> usize {
        self.queued
            .with(|queued| queued.iter().filter(|q| q.rider == self.rider).count())
    }

    /// Queues `tap` and sends the queue. Only the newest position is worth sending.
    pub fn tap(&self, tap: RiderTap) {
        #[cfg(feature = "hydrate")]
        {
            let outbox = *self;
            leptos::task::spawn_local(async move { browser::queue_and_send(outbox, tap).await });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = tap;
    }
}

/// Sends one queued tap. `Transport` means it did not reach the server or its answer did not
/// come back.
#[cfg(feature = "hydrate")]
async fn send(queued: &QueuedTap) -> Result<(), AppError> {
    use super::api::{deliver, pick_up, report_failure, set_position};
    let key = Some(queued.key);
    match queued.tap.clone() {
        RiderTap::PickUp { order_id } => pick_up(order_id, key).await.map(drop),
        RiderTap::Deliver { order_id } => deliver(order_id, key).await.map(drop),
        RiderTap::ReportFailure { order_id, reason } => {
            report_failure(order_id, reason, key).await.map(drop)
        }
        RiderTap::Position { lat, lng } => set_position(lat, lng).await,
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;

    use super::{send, Outbox, QueuedTap, RiderTap};
    use crate::platform::AppError;

    #[wasm_bindgen(raw_module = "/outbox.js")]
    extern "C" {
        #[wasm_bindgen(catch)]
        async fn enqueue(json: String) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch)]
        async fn pending() -> Result<JsValue, JsValue>;
        #[wasm_bindgen(catch)]
        async fn remove(seq: u32) -> Result<JsValue, JsValue>;
    }

    #[derive(serde::Serialize)]
    struct NewTap<'a> {
        rider: uuid::Uuid,
        tap: &'a RiderTap,
    }

    /// Loads the queue an earlier visit left, sends it, and sends again whenever the phone
    /// comes back online.
    pub fn start(outbox: Outbox) {
        leptos::task::spawn_local(async move {
            match pending().await.ok().and_then(|json| json.as_string()) {
                Some(json) => match serde_json::from_str::<Vec<QueuedTap>>(&json) {
                    // A tap made while this was loading is already among them, or comes after.
                    Ok(mut stored) => outbox.queued.update(|queued| {
                        for tap in queued.drain(..) {
                            if !stored.iter().any(|s| s.seq == tap.seq) {
                                stored.push(tap);
                            }
                        }
                        *queued = stored;
                    }),
                    Err(error) => leptos::logging::warn!("the rider outbox is unreadable: {error}"),
                },
                None => leptos::logging::warn!("the rider outbox could not be opened"),
            }
            send_all(outbox).await;
        });
        let online = window_event_listener(leptos::ev::online, move |_| {
            leptos::task::spawn_local(send_all(outbox));
        });
        on_cleanup(move || online.remove());
    }

    pub async fn queue_and_send(outbox: Outbox, tap: RiderTap) {
        if matches!(tap, RiderTap::Position { .. }) {
            let older: Vec<u32> = outbox.queued.with_untracked(|queued| {
                queued
                    .iter()
                    .filter(|q| {
                        q.rider == outbox.rider && matches!(q.tap, RiderTap::Position { .. })
                    })
                    .map(|q| q.seq)
                    .collect()
            });
            for seq in older {
                forget(outbox, seq).await;
            }
        }
        let new = NewTap {
            rider: outbox.rider,
            tap: &tap,
        };
        let stored = match serde_json::to_string(&new) {
            Ok(json) => enqueue(json).await.ok().and_then(|json| json.as_string()),
            Err(_) => None,
        };
        match stored.and_then(|json| serde_json::from_str::<QueuedTap>(&json).ok()) {
            Some(queued) => outbox.queued.update(|q| q.push(queued)),
            None => {
                // No IndexedDB (a private window, say): send now, as a form would.
                let direct = QueuedTap {
                    seq: 0,
                    key: uuid::Uuid::nil(),
                    rider: outbox.rider,
                    tap,
                };
                let answer = send(&direct).await;
                answered(outbox, direct.tap, answer);
                return;
            }
        }
        send_all(outbox).await;
    }

    /// Sends this rider's queue in order, stopping at the first tap that does not get through.
    async fn send_all(outbox: Outbox) {
        if outbox.sending.get_value() {
            return;
        }
        outbox.sending.set_value(true);
        while let Some(next) = outbox
            .queued
            .with_untracked(|queued| queued.iter().find(|q| q.rider == outbox.rider).cloned())
        {
            match send(&next).await {
                // Not through, or not now: it stays queued for the next `online` or start.
                Err(AppError::Transport(_) | AppError::Internal | AppError::Busy) => break,
                answer => {
                    forget(outbox, next.seq).await;
                    answered(outbox, next.tap, answer);
                }
            }
        }
        outbox.sending.set_value(false);
    }

    fn answered(outbox: Outbox, tap: RiderTap, answer: Result<(), AppError>) {
        if answer.is_ok() {
            outbox.taken.update(|taken| taken.push(tap.clone()));
        }
        outbox.last_answer.set(Some((tap, answer)));
        outbox.answered.update(|n| *n += 1);
    }

    async fn forget(outbox: Outbox, seq: u32) {
        if remove(seq).await.is_err() {
            leptos::logging::warn!("a sent tap could not be removed from the rider outbox");
        }
        outbox
            .queued
            .update(|q| q.retain(|queued| queued.seq != seq));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeliveryStatus::*;

    fn order(n: u128) -> OrderId {
        OrderId(Uuid::from_u128(n))
    }

    #[test]
    fn a_tap_moves_only_its_own_step_of_its_own_delivery() {
        let this = order(1);
        let failure = RiderTap::ReportFailure {
            order_id: this,
            reason: "Nobody at the door".into(),
        };
        let cases = [
            (RiderTap::PickUp { order_id: this }, Assigned, PickedUp),
            (RiderTap::PickUp { order_id: this }, PickedUp, PickedUp),
            (RiderTap::PickUp { order_id: this }, Delivered, Delivered),
            (RiderTap::Deliver { order_id: this }, PickedUp, Delivered),
            (RiderTap::Deliver { order_id: this }, Assigned, Assigned),
            (RiderTap::Deliver { order_id: this }, Cancelled, Cancelled),
            (failure.clone(), Assigned, Assigned),
            (failure.clone(), PickedUp, Failed),
            (failure, Delivered, Delivered),
            // The server refuses a failure without a reason, so the screen does not show one.
            (
                RiderTap::ReportFailure {
                    order_id: this,
                    reason: "  ".into(),
                },
                PickedUp,
                PickedUp,
            ),
            (RiderTap::PickUp { order_id: order(2) }, Assigned, Assigned),
            (
                RiderTap::Position {
                    lat: 37.5,
                    lng: 127.0,
                },
                Assigned,
                Assigned,
            ),
        ];
        for (tap, before, after) in cases {
            assert_eq!(tap.advance(this, before), after, "{tap:?} on {before:?}");
        }
    }

    #[test]
    fn queued_taps_show_the_step_they_lead_to_and_a_stale_list_does_not_go_back() {
        let owner = leptos::prelude::Owner::new();
        owner.set();
        let rider = Uuid::from_u128(7);
        let outbox = Outbox::new(rider);
        let this = order(1);
        let queued = |seq, tap| QueuedTap {
            seq,
            key: Uuid::from_u128(u128::from(seq)),
            rider,
            tap,
        };
        outbox.queued.set(vec![
            queued(1, RiderTap::PickUp { order_id: this }),
            queued(2, RiderTap::Deliver { order_id: this }),
        ]);
        assert_eq!(outbox.shown_status(this, Assigned), Delivered);
        assert!(outbox.waiting(this));
        assert_eq!(outbox.waiting_count(), 2);

        // The pick-up was taken; the list read before it still says Assigned.
        outbox
            .queued
            .set(vec![queued(2, RiderTap::Deliver { order_id: this })]);
        outbox.taken.set(vec![RiderTap::PickUp { order_id: this }]);
        assert_eq!(outbox.shown_status(this, Assigned), Delivered);
        outbox.queued.set(Vec::new());
        assert_eq!(outbox.shown_status(this, Assigned), PickedUp);
        assert!(!outbox.waiting(this));

        // Another rider's taps left on this phone are not this rider's.
        outbox.queued.set(vec![QueuedTap {
            rider: Uuid::from_u128(8),
            ..queued(3, RiderTap::Deliver { order_id: this })
        }]);
        assert_eq!(outbox.shown_status(this, PickedUp), PickedUp);
        assert_eq!(outbox.waiting_count(), 0);
    }
}
