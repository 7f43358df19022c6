//! Delivery: riders, their duty and position, and the deliveries they carry.

pub mod api;
pub mod pages;

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
