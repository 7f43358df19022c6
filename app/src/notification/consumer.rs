//! The notification consumer: each status change goes to the inbox of every party it concerns.

use std::collections::{BTreeMap, HashMap};

use sqlx::PgConnection;

use super::{db, kakao, InboxText};
use crate::i18n::Locale;
use crate::ordering::machine::OrderEvent;
use crate::ordering::OrderId;
use crate::platform::consumers::ConsumeError;
use crate::platform::event_log;
use crate::platform::events::{Event, OrderPlaced, StoredEvent};
use crate::platform::state::AppState;
use crate::platform::AccountId;

/// Who hears of an event: the customer, the store's owner, or riders near the pickup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    Customer,
    Store,
    NearbyRiders,
}

/// What `audience` is told about `event`, if that audience hears of it.
fn message(event: &Event, audience: Audience) -> Option<InboxText> {
    use Audience::*;
    use OrderEvent as E;
    Some(match (event, audience) {
        (Event::OrderPlaced(_), Customer) => InboxText::Placed,
        (Event::Order(E::Paid { .. }), Customer) => InboxText::Paid,
        (Event::Order(E::Paid { .. }), Store) => InboxText::NewOrderForStore,
        (Event::Order(E::PaymentDeferred { .. }), Customer) => InboxText::PaymentDeferred,
        (Event::Order(E::OrderAccepted { prep_minutes, .. }), Customer) => InboxText::Accepted {
            prep_minutes: *prep_minutes,
        },
        (Event::Order(E::OrderRejected { reason }), Customer) => InboxText::Rejected {
            reason: reason.as_str().to_owned(),
        },
        (Event::Order(E::OrderExpired), Customer) => InboxText::Expired,
        (Event::Order(E::OrderExpired), Store) => InboxText::ExpiredForStore,
        (Event::Order(E::CookStarted), Customer) => InboxText::Cooking,
        (Event::Order(E::CookFinished), Customer) => InboxText::Cooked,
        (Event::DeliveryRequested { .. }, NearbyRiders) => InboxText::DeliveryNearby,
        (Event::Order(E::RiderAssigned { .. }), Customer) => InboxText::RiderAssigned,
        (Event::Order(E::RiderAssigned { .. }), Store) => InboxText::RiderComingToStore,
        (Event::Order(E::Picked), Customer) => InboxText::PickedUp,
        (Event::Order(E::Delivered), Customer) => InboxText::Delivered,
        (Event::Order(E::DeliveryFailed { reason }), Customer) => InboxText::DeliveryFailed {
            reason: reason.as_str().to_owned(),
        },
        (Event::Order(E::OrderCompleted), Customer) => InboxText::Completed,
        (Event::Order(E::OrderCancelled { .. }), Customer) => InboxText::Cancelled,
        (Event::Order(E::OrderCancelled { .. }), Store) => InboxText::CancelledForStore,
        (Event::PaymentCancelled { amount }, Customer) => InboxText::Refunded { amount: *amount },
        _ => return None,
    })
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
        let number = event.order_id.number();
        for audience in [Audience::Customer, Audience::Store, Audience::NearbyRiders] {
            let Some(text) = message(&event.event, audience) else {
                continue;
            };
            let recipients: Vec<AccountId> = match audience {
                Audience::Customer => vec![placed.customer_id],
                Audience::Store => vec![placed.store_owner_id],
                Audience::NearbyRiders => {
                    crate::delivery::riders_on_duty_near(&mut *tx, placed.pickup).await?
                }
            };
            let template = kakao_template(&event.event, audience).and_then(kakao::template);
            if let (Some(template), Some(_)) = (template, &state.kakao) {
                let variables = kakao_variables(&event.event, placed, &number);
                for &recipient in &recipients {
                    kakao::record_and_queue(
                        &mut *tx,
                        event.event_id,
                        recipient,
                        template,
                        &variables,
                    )
                    .await?;
                }
            }
            let english = text.in_language(Locale::en, &number);
            inbox.extend(recipients.into_iter().map(|recipient| db::InboxMessage {
                event_id: event.event_id,
                order_id: Some(event.order_id),
                recipient,
                text: text.clone(),
                english: english.clone(),
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
