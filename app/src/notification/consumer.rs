//! The notification consumer: each status change goes to the inbox of every party it concerns.

use std::collections::{BTreeMap, HashMap};

use sqlx::PgConnection;

use super::{db, kakao, order_number};
use crate::ordering::machine::OrderEvent;
use crate::ordering::OrderId;
use crate::platform::consumers::ConsumeError;
use crate::platform::event_log;
use crate::platform::events::{Event, OrderPlaced, StoredEvent};
use crate::platform::jobs;
use crate::platform::state::AppState;
use crate::platform::AccountId;

/// Who hears of an event: the customer, the store's owner, or riders near the pickup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    Customer,
    Store,
    NearbyRiders,
}

/// The message for `audience` about `event`, if that audience hears of it.
fn message(event: &Event, audience: Audience, number: &str) -> Option<String> {
    use Audience::*;
    use OrderEvent as E;
    let text = match (event, audience) {
        (Event::OrderPlaced(_), Customer) => {
            format!("Order {number} is placed. We are taking payment.")
        }
        (Event::Order(E::Paid { .. }), Customer) => {
            format!("Order {number} is paid and sent to the store.")
        }
        (Event::Order(E::Paid { .. }), Store) => format!("New order {number}. Accept it soon."),
        (Event::Order(E::PaymentDeferred { .. }), Customer) => format!(
            "Payment for order {number} is busy. We will try again shortly; you can also pay now."
        ),
        (Event::Order(E::OrderAccepted { prep_minutes, .. }), Customer) => format!(
            "The store accepted order {number}. It will be ready in about {prep_minutes} minutes."
        ),
        (Event::Order(E::OrderRejected { reason }), Customer) => format!(
            "The store could not take order {number}: {}. You will be refunded.",
            reason.as_str()
        ),
        (Event::Order(E::OrderExpired), Customer) => {
            format!("The store did not answer order {number} in time. You will be refunded.")
        }
        (Event::Order(E::OrderExpired), Store) => {
            format!("Order {number} expired before it was accepted.")
        }
        (Event::Order(E::CookStarted), Customer) => format!("Order {number} is being cooked."),
        (Event::Order(E::CookFinished), Customer) => {
            format!("Order {number} is ready and waiting for a rider.")
        }
        (Event::DeliveryRequested { .. }, NearbyRiders) => {
            format!("A delivery near you is ready: order {number}.")
        }
        (Event::Order(E::RiderAssigned { .. }), Customer) => {
            format!("A rider is on the way to the store for order {number}.")
        }
        (Event::Order(E::RiderAssigned { .. }), Store) => {
            format!("A rider is coming to pick up order {number}.")
        }
        (Event::Order(E::Picked), Customer) => format!("Order {number} is on its way to you."),
        (Event::Order(E::Delivered), Customer) => {
            format!("Order {number} was delivered. Enjoy your meal!")
        }
        (Event::Order(E::DeliveryFailed { reason }), Customer) => format!(
            "Delivery of order {number} failed: {}. We will sort it out.",
            reason.as_str()
        ),
        (Event::Order(E::OrderCompleted), Customer) => format!("Order {number} is complete."),
        (Event::Order(E::OrderCancelled { .. }), Customer) => {
            format!("Order {number} is cancelled.")
        }
        (Event::Order(E::OrderCancelled { .. }), Store) => {
            format!("Order {number} was cancelled. Do not cook it.")
        }
        (Event::PaymentCancelled { amount }, Customer) => {
            format!("{amount} for order {number} was refunded.")
        }
        _ => return None,
    };
    Some(text)
}

/// The KakaoTalk template for `audience` about `event`. Riders near a pickup hear of new
/// deliveries in the app only: a broadcast to every nearby rider is not a status message.
fn kakao_template(event: &Event, audience: Audience) -> Option<&'static str> {
    use Audience::*;
    use OrderEvent as E;
    Some(match (event, audience) {
        (Event::OrderPlaced(_), Customer) => "BAEDAL_ORDER_PLACED",
        (Event::Order(E::Paid { .. }), Customer) => "BAEDAL_PAID",
        (Event::Order(E::Paid { .. }), Store) => "BAEDAL_STORE_NEW_ORDER",
        (Event::Order(E::PaymentDeferred { .. }), Customer) => "BAEDAL_PAYMENT_DEFERRED",
        (Event::Order(E::OrderAccepted { .. }), Customer) => "BAEDAL_ACCEPTED",
        (Event::Order(E::OrderRejected { .. }), Customer) => "BAEDAL_REJECTED",
        (Event::Order(E::OrderExpired), Customer) => "BAEDAL_EXPIRED",
        (Event::Order(E::OrderExpired), Store) => "BAEDAL_STORE_EXPIRED",
        (Event::Order(E::CookStarted), Customer) => "BAEDAL_COOKING",
        (Event::Order(E::CookFinished), Customer) => "BAEDAL_COOKED",
        (Event::Order(E::RiderAssigned { .. }), Customer) => "BAEDAL_RIDER_ASSIGNED",
        (Event::Order(E::RiderAssigned { .. }), Store) => "BAEDAL_STORE_RIDER_COMING",
        (Event::Order(E::Picked), Customer) => "BAEDAL_PICKED_UP",
        (Event::Order(E::Delivered), Customer) => "BAEDAL_DELIVERED",
        (Event::Order(E::DeliveryFailed { .. }), Customer) => "BAEDAL_DELIVERY_FAILED",
        (Event::Order(E::OrderCompleted), Customer) => "BAEDAL_COMPLETED",
        (Event::Order(E::OrderCancelled { .. }), Customer) => "BAEDAL_CANCELLED",
        (Event::Order(E::OrderCancelled { .. }), Store) => "BAEDAL_STORE_CANCELLED",
        (Event::PaymentCancelled { .. }, Customer) => "BAEDAL_REFUNDED",
        _ => return None,
    })
}

/// The values a template's `#{…}` variables take for this event.
fn kakao_variables(
    event: &Event,
    placed: &OrderPlaced,
    number: &str,
) -> BTreeMap<&'static str, String> {
    use OrderEvent as E;
    let mut variables = BTreeMap::from([
        ("주문번호", number.to_owned()),
        ("가게", placed.store_name.clone()),
    ]);
    match event {
        Event::Order(E::OrderAccepted { prep_minutes, .. }) => {
            variables.insert("준비시간", prep_minutes.to_string());
        }
        Event::Order(E::OrderRejected { reason } | E::DeliveryFailed { reason }) => {
            variables.insert("사유", reason.as_str().to_owned());
        }
        Event::PaymentCancelled { amount } => {
            variables.insert("금액", amount.to_string());
        }
        _ => {}
    }
    variables
}

/// Applies a batch: one inbox row per (event, recipient), all written in one statement, and a
/// KakaoTalk message per recipient with a phone when the channel is configured.
pub async fn apply(
    tx: &mut PgConnection,
    state: &AppState,
    events: &[&StoredEvent],
) -> Result<bool, ConsumeError> {
    let snapshots = placed_snapshots(&mut *tx, events).await?;
    let mut inbox = Vec::new();
    for event in events {
        let placed = snapshots
            .get(&event.order_id)
            .ok_or_else(|| ConsumeError::Failed("the order has no OrderPlaced event".into()))?;
        let number = order_number(event.order_id);
        for audience in [Audience::Customer, Audience::Store, Audience::NearbyRiders] {
            let Some(text) = message(&event.event, audience, &number) else {
                continue;
            };
            let recipients: Vec<AccountId> = match audience {
                Audience::Customer => vec![placed.customer_id],
                Audience::Store => vec![placed.store_owner_id],
                Audience::NearbyRiders => {
                    crate::delivery::db::riders_on_duty_near(&mut *tx, placed.pickup).await?
                }
            };
            let template = kakao_template(&event.event, audience).and_then(kakao::template);
            if let (Some(template), Some(_)) = (template, &state.kakao) {
                let variables = kakao_variables(&event.event, placed, &number);
                for &recipient in &recipients {
                    if kakao::record(&mut *tx, event.event_id, recipient, template, &variables)
                        .await?
                    {
                        let job = kakao::SendKakao {
                            event_id: event.event_id,
                            recipient_id: recipient.0,
                        };
                        let key = format!("kakao:{}:{}", event.event_id, recipient.0);
                        jobs::enqueue(&mut *tx, &job, Some(key), None).await?;
                    }
                }
            }
            inbox.extend(recipients.into_iter().map(|recipient| db::InboxMessage {
                event_id: event.event_id,
                order_id: event.order_id,
                recipient,
                text: text.clone(),
            }));
        }
    }
    db::deliver(&mut *tx, &inbox).await?;
    Ok(false)
}

/// The OrderPlaced snapshot of every order in the batch: from the batch where it is there, the
/// rest from the log in one query.
async fn placed_snapshots(
    tx: &mut PgConnection,
    events: &[&StoredEvent],
) -> sqlx::Result<HashMap<OrderId, OrderPlaced>> {
    let mut snapshots: HashMap<OrderId, OrderPlaced> = events
        .iter()
        .filter_map(|event| match &event.event {
            Event::OrderPlaced(placed) => Some((event.order_id, (**placed).clone())),
            _ => None,
        })
        .collect();
    let missing: Vec<OrderId> = event_log::orders_of(events)
        .into_iter()
        .filter(|order_id| !snapshots.contains_key(order_id))
        .collect();
    if !missing.is_empty() {
        snapshots.extend(event_log::placed_snapshots_of(&mut *tx, &missing).await?);
    }
    Ok(snapshots)
}
