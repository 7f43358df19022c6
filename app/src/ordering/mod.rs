//! Ordering: the order aggregate, its state machine, and the customer's pages.

pub mod api;
pub mod cart;
pub mod machine;
pub mod pages;
pub mod saved_cart;

#[cfg(feature = "ssr")]
pub mod commands;
#[cfg(feature = "ssr")]
pub mod consumer;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod place;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Identifies an order; the correlation key of every event, job and notification about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrderId(pub Uuid);

/// Where an order is in its lifecycle (PRODUCT.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    Placed,
    PaymentDeferred,
    Paid,
    Accepted,
    Cooking,
    Cooked,
    RiderAssigned,
    PickedUp,
    Delivered,
    DeliveryFailed,
    Completed,
    Rejected,
    Expired,
    Cancelled,
}

impl OrderStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [OrderStatus; 14] = [
        OrderStatus::Placed,
        OrderStatus::PaymentDeferred,
        OrderStatus::Paid,
        OrderStatus::Accepted,
        OrderStatus::Cooking,
        OrderStatus::Cooked,
        OrderStatus::RiderAssigned,
        OrderStatus::PickedUp,
        OrderStatus::Delivered,
        OrderStatus::DeliveryFailed,
        OrderStatus::Completed,
        OrderStatus::Rejected,
        OrderStatus::Expired,
        OrderStatus::Cancelled,
    ];

    /// The name used in the database, logs and the operator page.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Placed => "PLACED",
            OrderStatus::PaymentDeferred => "PAYMENT_DEFERRED",
            OrderStatus::Paid => "PAID",
            OrderStatus::Accepted => "ACCEPTED",
            OrderStatus::Cooking => "COOKING",
            OrderStatus::Cooked => "COOKED",
            OrderStatus::RiderAssigned => "RIDER_ASSIGNED",
            OrderStatus::PickedUp => "PICKED_UP",
            OrderStatus::Delivered => "DELIVERED",
            OrderStatus::DeliveryFailed => "DELIVERY_FAILED",
            OrderStatus::Completed => "COMPLETED",
            OrderStatus::Rejected => "REJECTED",
            OrderStatus::Expired => "EXPIRED",
            OrderStatus::Cancelled => "CANCELLED",
        }
    }

    /// Parses the stored name of a status.
    pub fn parse(value: &str) -> Option<OrderStatus> {
        OrderStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }

    /// How a sentence describes an order in this status: "This order is {describe}".
    pub fn describe(self) -> &'static str {
        match self {
            OrderStatus::Placed => "waiting for payment",
            OrderStatus::PaymentDeferred => "waiting for a delayed payment",
            OrderStatus::Paid => "waiting for the store to accept it",
            OrderStatus::Accepted => "accepted and waiting to be cooked",
            OrderStatus::Cooking => "being cooked",
            OrderStatus::Cooked => "cooked and waiting for a rider",
            OrderStatus::RiderAssigned => "assigned to a rider",
            OrderStatus::PickedUp => "on its way",
            OrderStatus::Delivered => "delivered",
            OrderStatus::DeliveryFailed => "a failed delivery",
            OrderStatus::Completed => "completed",
            OrderStatus::Rejected => "rejected by the store",
            OrderStatus::Expired => "expired",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the order's story has ended; nothing can change it any more.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            OrderStatus::Completed
                | OrderStatus::Rejected
                | OrderStatus::Expired
                | OrderStatus::Cancelled
        )
    }

    /// Whether the customer's money has been taken and not yet returned in this status.
    pub fn money_taken(self) -> bool {
        matches!(
            self,
            OrderStatus::Paid
                | OrderStatus::Accepted
                | OrderStatus::Cooking
                | OrderStatus::Cooked
                | OrderStatus::RiderAssigned
                | OrderStatus::PickedUp
                | OrderStatus::Delivered
                | OrderStatus::DeliveryFailed
        )
    }
}

/// What the customer's checkout sends: prices and totals are the server's business.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceOrderRequest {
    pub store_id: crate::store::StoreId,
    pub address_id: Uuid,
    pub lines: Vec<cart::CartLine>,
}
