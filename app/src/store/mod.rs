//! Stores: where they are, whom they deliver to, when they are open, and their menus.

pub mod api;
pub mod editing;
pub mod hours;
pub mod pages;
pub mod phone;
pub mod readiness;

#[cfg(feature = "ssr")]
pub mod consumer;
#[cfg(feature = "ssr")]
mod db;
/// What others may read and write of store's tables; the rest of `db` is store's own.
#[cfg(feature = "ssr")]
pub use db::{
    counts, find_stores, insert_menu_item, insert_store, insert_unlisted_store, lift_suspension,
    menu_items, store_by_id, store_with_hours, suspend, NewMenuItem, NewOptionGroup, NewStore,
    StoreRow,
};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ordering::OrderStatus;
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
    /// Today's hours, worded by the page in the reader's language.
    pub hours_today: hours::ShownHours,
}

/// How far a point lies from a store, and whether the store delivers there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreDistance {
    pub name: String,
    pub distance_m: f64,
    pub delivery_radius_m: u32,
}

impl StoreDistance {
    pub fn delivers(&self) -> bool {
        self.distance_m <= f64::from(self.delivery_radius_m)
    }
}

/// A store as its owner's dashboard shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnedStore {
    pub store_id: StoreId,
    pub name: String,
    pub category: String,
    pub address: String,
    /// Whether the owner has taken it live; until then customers do not see it.
    pub live: bool,
    /// Whether an operator has suspended it.
    pub suspended: bool,
    /// The owner's open/closed switch.
    pub accepting_orders: bool,
    /// Switch on and inside today's hours.
    pub open_now: bool,
    pub hours_today: hours::ShownHours,
    pub delivery_radius_m: u32,
    pub minimum_order: Won,
    pub delivery_fee: Won,
    pub menu_items: i64,
    pub sold_out_items: i64,
}

/// A menu item with its option groups, as ordering and the menu page need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MenuItem {
    pub item_id: Uuid,
    /// The menu section, e.g. "분식".
    pub category: String,
    pub name: String,
    pub description: String,
    pub price: Won,
    pub sold_out: bool,
    pub groups: Vec<OptionGroup>,
}

/// A group of options such as "Size": the customer picks between `min` and `max` of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionGroup {
    pub group_id: Uuid,
    pub name: String,
    pub min: u8,
    pub max: u8,
    pub options: Vec<MenuOption>,
}

/// One choice in an option group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MenuOption {
    pub option_id: Uuid,
    pub name: String,
    pub price_delta: Won,
    pub sold_out: bool,
}

/// Whether the kitchen is done with an order in `status`: it leaves the board for the day's
/// list. Delivered counts as done here though the customer has yet to confirm it.
pub fn done_for_the_kitchen(status: OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::Delivered
            | OrderStatus::DeliveryFailed
            | OrderStatus::Completed
            | OrderStatus::Rejected
            | OrderStatus::Expired
            | OrderStatus::Cancelled
    )
}

/// An order as the kitchen sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KitchenOrder {
    pub order_id: crate::ordering::OrderId,
    pub store_id: StoreId,
    /// The order's status from the moment it was paid: the kitchen's copy starts at `Paid`.
    pub status: OrderStatus,
    /// Why it ended as it did, when someone said: a failed delivery's, a rejection's or a
    /// cancellation's reason.
    pub outcome_reason: Option<String>,
    pub lines: Vec<crate::platform::events::OrderLine>,
    pub total: Won,
    pub accept_by: Option<chrono::DateTime<chrono::Utc>>,
    pub received_at: chrono::DateTime<chrono::Utc>,
    /// When the order reached its current status.
    pub status_since: chrono::DateTime<chrono::Utc>,
    /// Where the order goes, as the rider reads it, and the customer's note.
    pub delivery_address: String,
    pub rider_note: String,
}

/// A store's page as customers see it: the facts and the whole menu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreMenu {
    pub store_id: StoreId,
    pub name: String,
    pub category: String,
    pub address: String,
    pub delivery_fee: Won,
    pub minimum_order: Won,
    pub prep_minutes: u16,
    pub open_now: bool,
    pub hours_today: hours::ShownHours,
    pub items: Vec<MenuItem>,
}

/// Everything the owner edits about one store: the week's hours and the whole menu.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreSetup {
    pub store_id: StoreId,
    pub name: String,
    /// Where riders pick up, as the geocoding provider writes it.
    pub address: String,
    /// One entry per weekday, Monday first; closed days are closed in the form.
    pub week: Vec<hours::DayForm>,
    pub items: Vec<MenuItem>,
    /// Digits only.
    pub phone: Option<String>,
    pub terms: readiness::DeliveryTerms,
    pub readiness: readiness::Readiness,
    /// When the owner took it live, if they have.
    pub live_since: Option<chrono::DateTime<chrono::Utc>>,
    /// The operator's reason, while the store is suspended.
    pub suspended_because: Option<String>,
}

/// A store as the operators' search finds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreRecord {
    pub store_id: StoreId,
    pub name: String,
    pub address: String,
    pub owner_email: String,
    pub live: bool,
    /// The operator's reason, while the store is suspended.
    pub suspended_because: Option<String>,
}
