//! Stores: where they are, whom they deliver to, when they are open, and their menus.

pub mod api;
pub mod editing;
pub mod hours;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod consumer;
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
    /// Today's hours, worded by the page in the reader's language.
    pub hours_today: hours::ShownHours,
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

/// Where an order stands as the kitchen sees it, from the moment it is paid to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KitchenStatus {
    New,
    Accepted,
    Cooking,
    Ready,
    RiderAssigned,
    PickedUp,
    Delivered,
    DeliveryFailed,
    Completed,
    Rejected,
    Expired,
    Cancelled,
}

impl KitchenStatus {
    pub const ALL: [KitchenStatus; 12] = [
        KitchenStatus::New,
        KitchenStatus::Accepted,
        KitchenStatus::Cooking,
        KitchenStatus::Ready,
        KitchenStatus::RiderAssigned,
        KitchenStatus::PickedUp,
        KitchenStatus::Delivered,
        KitchenStatus::DeliveryFailed,
        KitchenStatus::Completed,
        KitchenStatus::Rejected,
        KitchenStatus::Expired,
        KitchenStatus::Cancelled,
    ];

    /// The name stored in `store.store_orders.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            KitchenStatus::New => "NEW",
            KitchenStatus::Accepted => "ACCEPTED",
            KitchenStatus::Cooking => "COOKING",
            KitchenStatus::Ready => "READY",
            KitchenStatus::RiderAssigned => "RIDER_ASSIGNED",
            KitchenStatus::PickedUp => "PICKED_UP",
            KitchenStatus::Delivered => "DELIVERED",
            KitchenStatus::DeliveryFailed => "DELIVERY_FAILED",
            KitchenStatus::Completed => "COMPLETED",
            KitchenStatus::Rejected => "REJECTED",
            KitchenStatus::Expired => "EXPIRED",
            KitchenStatus::Cancelled => "CANCELLED",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<KitchenStatus> {
        KitchenStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == value)
    }

    /// Whether the kitchen is done with the order: it left the board for the day's list.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            KitchenStatus::Delivered
                | KitchenStatus::DeliveryFailed
                | KitchenStatus::Completed
                | KitchenStatus::Rejected
                | KitchenStatus::Expired
                | KitchenStatus::Cancelled
        )
    }
}

/// An order as the kitchen sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KitchenOrder {
    pub order_id: crate::ordering::OrderId,
    pub store_id: StoreId,
    pub status: KitchenStatus,
    /// Why it ended as it did, when someone said: a failed delivery's, a rejection's or a
    /// cancellation's reason.
    pub outcome_reason: Option<String>,
    pub lines: Vec<crate::platform::events::OrderLine>,
    pub total: Won,
    pub accept_by: Option<chrono::DateTime<chrono::Utc>>,
    pub received_at: chrono::DateTime<chrono::Utc>,
    /// When the order reached its current status.
    pub status_since: chrono::DateTime<chrono::Utc>,
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
    /// One entry per weekday, Monday first; closed days are closed in the form.
    pub week: Vec<hours::DayForm>,
    pub items: Vec<MenuItem>,
}
