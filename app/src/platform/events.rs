//! The events of the order saga as they sit in the event log. Names match PRODUCT.md §3.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{geo::Position, money::Won, AccountId};
use crate::ordering::machine::OrderEvent;
use crate::ordering::OrderId;
use crate::store::StoreId;

/// Every event any context appends to the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Event {
    /// A customer placed an order. Carries the snapshot every consumer needs.
    OrderPlaced(Box<OrderPlaced>),
    /// A change of the order's status, decided by the state machine.
    Order(OrderEvent),
    /// The delivery context opened the delivery to riders near the store.
    DeliveryRequested { pickup: Position },
    /// The payment context returned the customer's money.
    PaymentCancelled { amount: Won },
}

impl Event {
    /// The event's name in the log, the job queue and the operator page.
    pub fn name(&self) -> &'static str {
        match self {
            Event::OrderPlaced(_) => "OrderPlaced",
            Event::Order(event) => event.name(),
            Event::DeliveryRequested { .. } => "DeliveryRequested",
            Event::PaymentCancelled { .. } => "PaymentCancelled",
        }
    }
}

/// What a customer ordered, where from, where to, and what it costs — fixed at the moment of order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderPlaced {
    pub customer_id: AccountId,
    pub store_id: StoreId,
    pub store_name: String,
    pub store_owner_id: AccountId,
    /// Where the rider picks the food up. Orders placed before it was recorded have none.
    #[serde(default)]
    pub store_address: String,
    pub pickup: Position,
    /// The address, building and unit, as the rider reads them.
    pub delivery_address: String,
    /// The customer's note for the rider. Orders placed before it was recorded have none.
    #[serde(default)]
    pub rider_note: String,
    pub dropoff: Position,
    pub lines: Vec<OrderLine>,
    pub items_total: Won,
    pub delivery_fee: Won,
    pub total: Won,
}

/// One line of an order, priced by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    pub item_id: Uuid,
    pub name: String,
    pub quantity: u8,
    pub unit_price: Won,
    pub options: Vec<ChosenOption>,
    pub line_total: Won,
}

impl OrderLine {
    /// The chosen options as a person reads them: "떡, 만두".
    pub fn options_summary(&self) -> String {
        self.options
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An option the customer chose for a line, with what it added to the price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChosenOption {
    pub group: String,
    pub name: String,
    pub price_delta: Won,
}

/// An event as stored, with its place in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    pub seq: i64,
    pub event_id: Uuid,
    pub order_id: OrderId,
    pub event: Event,
    pub actor: String,
    pub occurred_at: DateTime<Utc>,
}

/// Every event name the log can hold.
pub const EVENT_NAMES: [&str; 18] = [
    "OrderPlaced",
    "Paid",
    "PaymentDeferred",
    "OrderAccepted",
    "OrderRejected",
    "OrderExpired",
    "CookStarted",
    "CookFinished",
    "DeliveryRetried",
    "DeliveryRequested",
    "RiderAssigned",
    "Picked",
    "Delivered",
    "DeliveryFailed",
    "OrderCompleted",
    "OrderCancelled",
    "PaymentCancelled",
    "PaymentFailed",
];

/// The consumers (policies) of PRODUCT.md §3, each applying the events it cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Consumer {
    Store,
    Payment,
    Delivery,
    Tracking,
    Notification,
    /// Ordering's own timers: the acceptance deadline.
    Deadlines,
}

impl Consumer {
    pub const ALL: [Consumer; 6] = [
        Consumer::Store,
        Consumer::Payment,
        Consumer::Delivery,
        Consumer::Tracking,
        Consumer::Notification,
        Consumer::Deadlines,
    ];

    /// The consumer's name in the database, logs and the operator page.
    pub fn name(self) -> &'static str {
        match self {
            Consumer::Store => "store",
            Consumer::Payment => "payment",
            Consumer::Delivery => "delivery",
            Consumer::Tracking => "tracking",
            Consumer::Notification => "notification",
            Consumer::Deadlines => "deadlines",
        }
    }

    /// Parses a consumer's name.
    pub fn parse(name: &str) -> Option<Consumer> {
        Consumer::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The events this consumer applies.
    pub fn wanted(self) -> &'static [&'static str] {
        match self {
            Consumer::Store => &[
                "Paid",
                "OrderAccepted",
                "OrderRejected",
                "OrderExpired",
                "CookStarted",
                "CookFinished",
                "RiderAssigned",
                "Picked",
                "Delivered",
                "DeliveryFailed",
                "DeliveryRetried",
                "OrderCompleted",
                "OrderCancelled",
            ],
            Consumer::Payment => &[
                "OrderPlaced",
                "PaymentDeferred",
                "OrderRejected",
                "OrderExpired",
                "OrderCancelled",
            ],
            Consumer::Delivery => &[
                "CookFinished",
                "DeliveryRetried",
                "RiderAssigned",
                "Picked",
                "Delivered",
                "DeliveryFailed",
                "OrderCompleted",
                "OrderCancelled",
            ],
            Consumer::Tracking => &EVENT_NAMES,
            Consumer::Notification => &[
                "OrderPlaced",
                "Paid",
                "PaymentDeferred",
                "OrderAccepted",
                "OrderRejected",
                "OrderExpired",
                "CookStarted",
                "CookFinished",
                "DeliveryRequested",
                "RiderAssigned",
                "Picked",
                "Delivered",
                "DeliveryFailed",
                "OrderCompleted",
                "OrderCancelled",
                "PaymentCancelled",
            ],
            Consumer::Deadlines => &["Paid"],
        }
    }

    /// Whether this consumer applies events named `event_name`.
    pub fn wants(self, event_name: &str) -> bool {
        self.wanted().contains(&event_name)
    }
}

/// Where one consumer is with one event: the sample's per-event consumption history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Consumption {
    Done {
        at: DateTime<Utc>,
    },
    /// Queued and not yet run (or held while the consumer is paused).
    Pending,
    Paused,
    Retrying {
        attempts: i16,
        last_error: Option<String>,
        next_at: DateTime<Utc>,
    },
    /// Gave up after its last attempt; the operator can retry it.
    Failed {
        attempts: i16,
        last_error: Option<String>,
    },
}

/// One event with each interested consumer's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventHistory {
    pub seq: i64,
    pub event_id: Uuid,
    pub order_id: OrderId,
    pub event_type: String,
    pub occurred_at: DateTime<Utc>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub consumers: Vec<(Consumer, Consumption)>,
}
