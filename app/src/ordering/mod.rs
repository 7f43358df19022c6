//! Ordering: the order aggregate, its state machine, and the customer's pages.

pub mod api;
pub mod cart;
pub mod machine;
pub mod pages;
mod refusal;
pub mod saved_cart;

#[cfg(feature = "ssr")]
pub mod commands;
#[cfg(feature = "ssr")]
pub mod consumer;
#[cfg(feature = "ssr")]
mod db;
/// What others may read and write of ordering's tables; the rest of `db` is ordering's own.
#[cfg(feature = "ssr")]
pub use db::{count_by_status, load, load_many, total};
#[cfg(feature = "ssr")]
pub mod place;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use refusal::PlaceRefusal;

use crate::i18n::{td_string, Locale};

/// Identifies an order; the correlation key of every event, job and notification about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrderId(pub Uuid);

impl OrderId {
    /// The short number people read an order by: the first eight hex digits of its id.
    pub fn number(self) -> String {
        self.0.simple().to_string()[..8].to_uppercase()
    }
}

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

    /// How people read a status on its own: "Being cooked", "조리 중".
    pub fn label_in_language(self, locale: Locale) -> &'static str {
        match self {
            OrderStatus::Placed => td_string!(locale, status.placed),
            OrderStatus::PaymentDeferred => td_string!(locale, status.payment_deferred),
            OrderStatus::Paid => td_string!(locale, status.paid),
            OrderStatus::Accepted => td_string!(locale, status.accepted),
            OrderStatus::Cooking => td_string!(locale, status.cooking),
            OrderStatus::Cooked => td_string!(locale, status.cooked),
            OrderStatus::RiderAssigned => td_string!(locale, status.rider_assigned),
            OrderStatus::PickedUp => td_string!(locale, status.picked_up),
            OrderStatus::Delivered => td_string!(locale, status.delivered),
            OrderStatus::DeliveryFailed => td_string!(locale, status.delivery_failed),
            OrderStatus::Completed => td_string!(locale, status.completed),
            OrderStatus::Rejected => td_string!(locale, status.rejected),
            OrderStatus::Expired => td_string!(locale, status.expired),
            OrderStatus::Cancelled => td_string!(locale, status.cancelled),
        }
    }

    /// The status inside a sentence ("This order is {…}"): "being cooked", "조리 중".
    pub fn phrase_in_language(self, locale: Locale) -> &'static str {
        match self {
            OrderStatus::Placed => td_string!(locale, status_phrase.placed),
            OrderStatus::PaymentDeferred => td_string!(locale, status_phrase.payment_deferred),
            OrderStatus::Paid => td_string!(locale, status_phrase.paid),
            OrderStatus::Accepted => td_string!(locale, status_phrase.accepted),
            OrderStatus::Cooking => td_string!(locale, status_phrase.cooking),
            OrderStatus::Cooked => td_string!(locale, status_phrase.cooked),
            OrderStatus::RiderAssigned => td_string!(locale, status_phrase.rider_assigned),
            OrderStatus::PickedUp => td_string!(locale, status_phrase.picked_up),
            OrderStatus::Delivered => td_string!(locale, status_phrase.delivered),
            OrderStatus::DeliveryFailed => td_string!(locale, status_phrase.delivery_failed),
            OrderStatus::Completed => td_string!(locale, status_phrase.completed),
            OrderStatus::Rejected => td_string!(locale, status_phrase.rejected),
            OrderStatus::Expired => td_string!(locale, status_phrase.expired),
            OrderStatus::Cancelled => td_string!(locale, status_phrase.cancelled),
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

    /// Whether the order is still under way for its customer: neither over nor delivered. A
    /// customer cannot leave Baedal while one is.
    pub fn under_way(self) -> bool {
        !(self.is_closed() || self == OrderStatus::Delivered)
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

/// A customer leaving Baedal, inside the leaving transaction: refused while an order of theirs
/// is under way; otherwise their orders, and the orders' snapshots in the event log, keep only
/// the neighbourhood and the vicinity of the door.
#[cfg(feature = "ssr")]
pub async fn forget_customer(
    conn: &mut sqlx::PgConnection,
    customer: crate::platform::AccountId,
) -> Result<(), crate::platform::AppError> {
    use crate::platform::error::AccountProblem;
    if db::orders_under_way(&mut *conn, customer).await? > 0 {
        return Err(AccountProblem::OrderUnderWay.into());
    }
    let orders = db::forget_customers_door(&mut *conn, customer).await?;
    crate::platform::event_log::forget_customers_door(&mut *conn, &orders).await?;
    Ok(())
}
