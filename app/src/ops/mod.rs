//! Operations: what the operator watches.

pub mod api;
pub mod pages;

use serde::{Deserialize, Serialize};

use crate::ordering::OrderStatus;
use crate::platform::Role;

/// Counts across the platform for the operator's overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformCounts {
    pub accounts: Vec<(Role, i64)>,
    pub stores: i64,
    pub stores_accepting_orders: i64,
    pub menu_items: i64,
    pub riders_on_duty: i64,
    pub orders: Vec<(OrderStatus, i64)>,
}
