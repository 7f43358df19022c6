//! Delivery: riders, their duty and position, and the deliveries they carry.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod claim;
#[cfg(feature = "ssr")]
pub mod consumer;
#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};

use crate::platform::geo::Position;

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
