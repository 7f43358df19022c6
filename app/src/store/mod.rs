//! Stores: where they are, whom they deliver to, when they are open, and their menus.

pub mod api;
pub mod hours;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::platform::money::Won;

/// Identifies a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StoreId(pub Uuid);

/// A store as the customer's store list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreCard {
    pub store_id: StoreId,
    pub name: String,
    pub category: String,
    pub distance_m: f64,
    pub delivery_fee: Won,
    pub minimum_order: Won,
    pub prep_minutes: u16,
    pub open_now: bool,
    /// Today's hours as shown to people, e.g. "10:00–22:00" or "Open 24 hours".
    pub hours_today: String,
}

/// A store as its owner's dashboard shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnedStore {
    pub store_id: StoreId,
    pub name: String,
    pub category: String,
    pub address: String,
    /// The owner's open/closed switch.
    pub accepting_orders: bool,
    /// Switch on and inside today's hours.
    pub open_now: bool,
    pub hours_today: String,
    pub delivery_radius_m: u32,
    pub minimum_order: Won,
    pub delivery_fee: Won,
    pub menu_items: i64,
    pub sold_out_items: i64,
}
