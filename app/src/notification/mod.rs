//! Notifications: the in-app inbox of every party an order change concerns.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod consumer;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod kakao;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ordering::OrderId;

/// One message in someone's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub notification_id: Uuid,
    pub order_id: OrderId,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// The short number people read an order by: the first eight hex digits of its id.
pub fn order_number(order_id: OrderId) -> String {
    order_id.0.simple().to_string()[..8].to_uppercase()
}
