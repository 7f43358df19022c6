//! Delivery: riders, their duty and position, and the deliveries they carry.

pub mod api;
pub mod pages;
mod refusal;

#[cfg(feature = "ssr")]
pub mod claim;
#[cfg(feature = "ssr")]
pub mod consumer;
#[cfg(feature = "ssr")]
mod db;
/// What others may read and write of delivery's tables; the rest of `db` is delivery's own.
#[cfg(feature = "ssr")]
pub use db::{
    audience_of_deliveries, count_on_duty, enrol_rider, riders_on_duty_near, upsert_rider,
};
#[cfg(feature = "ssr")]
mod receipt;

pub mod outbox;

use serde::{Deserialize, Serialize};

use crate::ordering::OrderStatus;
use crate::platform::geo::Position;

pub use refusal::RiderRefusal;

/// A rider's own status, as their screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiderDuty {
    pub on_duty: bool,
    /// Last known position; `None` until the rider shares one.
    pub position: Option<Position>,
    /// How far from their position the rider will travel to a store, in metres.
    pub range_m: u32,
}

/// A delivery open to the rider, as their list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenDelivery {
    pub order_id: crate::ordering::OrderId,
    pub store_name: String,
    /// From the rider to the store.
    pub distance_m: f64,
    /// From the store to the customer.
    pub ride_m: f64,
}

/// Where a claimed delivery is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryStatus {
    Open,
    Assigned,
    PickedUp,
    Delivered,
    Completed,
    Failed,
    Cancelled,
}

impl DeliveryStatus {
    const ALL: [DeliveryStatus; 7] = [
        DeliveryStatus::Open,
        DeliveryStatus::Assigned,
        DeliveryStatus::PickedUp,
        DeliveryStatus::Delivered,
        DeliveryStatus::Completed,
        DeliveryStatus::Failed,
        DeliveryStatus::Cancelled,
    ];

    /// The name stored in `delivery.deliveries`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Open => "OPEN",
            DeliveryStatus::Assigned => "ASSIGNED",
            DeliveryStatus::PickedUp => "PICKED_UP",
            DeliveryStatus::Delivered => "DELIVERED",
            DeliveryStatus::Completed => "COMPLETED",
            DeliveryStatus::Failed => "FAILED",
            DeliveryStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(value: &str) -> Option<DeliveryStatus> {
        DeliveryStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
    }

    /// The order's status while its delivery is in this one.
    pub fn order_status(self) -> OrderStatus {
        match self {
            DeliveryStatus::Open => OrderStatus::Cooked,
            DeliveryStatus::Assigned => OrderStatus::RiderAssigned,
            DeliveryStatus::PickedUp => OrderStatus::PickedUp,
            DeliveryStatus::Delivered => OrderStatus::Delivered,
            DeliveryStatus::Completed => OrderStatus::Completed,
            DeliveryStatus::Failed => OrderStatus::DeliveryFailed,
            DeliveryStatus::Cancelled => OrderStatus::Cancelled,
        }
    }

    /// The delivery's status once its order reaches `status`; `None` for the statuses an order
    /// passes before its delivery opens, or ends in without one (rejected, expired).
    pub fn of_order(status: OrderStatus) -> Option<DeliveryStatus> {
        DeliveryStatus::ALL
            .into_iter()
            .find(|delivery| delivery.order_status() == status)
    }

    /// Whether the rider still has something to do.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            DeliveryStatus::Assigned | DeliveryStatus::PickedUp | DeliveryStatus::Delivered
        )
    }
}

/// A delivery a rider claimed, as the rider's screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiderDelivery {
    pub order_id: crate::ordering::OrderId,
    pub store_name: String,
    pub store_address: String,
    pub dropoff_address: String,
    /// The customer's note for the rider; empty when they left none.
    pub rider_note: String,
    pub status: DeliveryStatus,
    pub ride_m: f64,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
