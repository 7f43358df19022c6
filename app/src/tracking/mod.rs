//! Tracking: the customer's order-status read model (CQRS), built only from events.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod consumer;
#[cfg(feature = "ssr")]
mod db;
/// What others may read and write of tracking's tables; the rest of `db` is tracking's own.
#[cfg(feature = "ssr")]
pub use db::forget_customers_door;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::ordering::machine::{CancelReason, Order, OrderEvent};
use crate::ordering::{OrderId, OrderStatus};
use crate::platform::events::{Event, OrderLine, StoredEvent};
use crate::platform::money::Won;
use crate::platform::AccountId;
use crate::store::StoreId;

/// How fast a rider is assumed to travel, for the ETA: 15 km/h in city traffic.
const RIDER_METRES_PER_MINUTE: f64 = 250.0;

/// Everything the customer's tracking screen shows about one order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderView {
    pub order_id: OrderId,
    pub customer_id: AccountId,
    pub store_id: StoreId,
    pub store_name: String,
    pub status: OrderStatus,
    pub lines: Vec<OrderLine>,
    pub items_total: Won,
    pub delivery_fee: Won,
    pub total: Won,
    pub delivery_address: String,
    pub placed_at: DateTime<Utc>,
    /// Each step the order took, with when.
    pub timeline: Vec<TimelineStep>,
    pub accept_by: Option<DateTime<Utc>>,
    pub prep_minutes: Option<u16>,
    pub ready_by: Option<DateTime<Utc>>,
    /// When the food should reach the customer: ready-by plus the ride.
    pub eta: Option<DateTime<Utc>>,
    /// Why it was cancelled, rejected or failed, in the words given.
    pub reason: Option<String>,
    pub refunded: Option<Won>,
    /// The last log position folded in.
    pub last_seq: i64,
}

/// One step of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineStep {
    pub event: String,
    pub at: DateTime<Utc>,
}

/// Folds an order's events, in log order, into its view. `None` until OrderPlaced is among them.
pub fn project(events: &[StoredEvent]) -> Option<OrderView> {
    let mut sorted: Vec<&StoredEvent> = events.iter().collect();
    sorted.sort_by_key(|e| e.seq);
    let (first, rest) = sorted.split_first()?;
    let Event::OrderPlaced(placed) = &first.event else {
        return None;
    };
    let ride_minutes = placed.pickup.distance_m(placed.dropoff) / RIDER_METRES_PER_MINUTE;
    let mut order = Order {
        order_id: first.order_id,
        customer_id: placed.customer_id,
        store_id: placed.store_id,
        status: OrderStatus::Placed,
        accept_by: None,
        pay_by: None,
        ready_by: None,
        rider_id: None,
    };
    let mut view = OrderView {
        order_id: first.order_id,
        customer_id: placed.customer_id,
        store_id: placed.store_id,
        store_name: placed.store_name.clone(),
        status: OrderStatus::Placed,
        lines: placed.lines.clone(),
        items_total: placed.items_total,
        delivery_fee: placed.delivery_fee,
        total: placed.total,
        delivery_address: placed.delivery_address.clone(),
        placed_at: first.occurred_at,
        timeline: vec![TimelineStep {
            event: "OrderPlaced".into(),
            at: first.occurred_at,
        }],
        accept_by: None,
        prep_minutes: None,
        ready_by: None,
        eta: None,
        reason: None,
        refunded: None,
        last_seq: first.seq,
    };
    for stored in rest {
        view.last_seq = stored.seq;
        view.timeline.push(TimelineStep {
            event: stored.event.name().into(),
            at: stored.occurred_at,
        });
        match &stored.event {
            Event::Order(event) => {
                order.apply(event);
                match event {
                    OrderEvent::OrderAccepted { prep_minutes, .. } => {
                        view.prep_minutes = Some(*prep_minutes)
                    }
                    OrderEvent::OrderRejected { reason }
                    | OrderEvent::DeliveryFailed { reason } => {
                        view.reason = Some(reason.as_str().to_owned())
                    }
                    OrderEvent::OrderCancelled { reason, .. } => {
                        view.reason = Some(match reason {
                            CancelReason::Customer(r) | CancelReason::Operator(r) => {
                                r.as_str().to_owned()
                            }
                            CancelReason::PaymentTimeout => {
                                "Payment did not go through in time".into()
                            }
                        })
                    }
                    _ => {}
                }
            }
            Event::PaymentCancelled { amount } => view.refunded = Some(*amount),
            Event::OrderPlaced(_) | Event::DeliveryRequested { .. } => {}
        }
    }
    view.status = order.status;
    view.accept_by = order.accept_by;
    view.ready_by = order.ready_by;
    view.eta = order
        .ready_by
        .map(|ready| ready + Duration::minutes(ride_minutes.ceil() as i64));
    Some(view)
}
