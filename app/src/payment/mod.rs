//! Payment: taking the customer's money when an order is placed, and returning it when the order
//! is rejected, expires or is cancelled after payment.

pub mod api;
#[cfg(feature = "ssr")]
pub mod consumer;
#[cfg(feature = "ssr")]
mod db;
#[cfg(feature = "ssr")]
pub mod gateway;
#[cfg(feature = "ssr")]
pub mod jobs;

use serde::{Deserialize, Serialize};

use crate::i18n::{td_string, Locale};

/// Why the customer's "pay now" took no money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentRefusal {
    /// The provider is still not answering; the retries go on.
    StillBusy,
    /// The order was paid or has ended meanwhile.
    NoLongerNeedsPaying,
    NotWaitingForPayment,
}

impl PaymentRefusal {
    pub fn in_language(self, locale: Locale) -> String {
        match self {
            PaymentRefusal::StillBusy => td_string!(locale, error.payment_still_busy),
            PaymentRefusal::NoLongerNeedsPaying => {
                td_string!(locale, error.payment_not_needed)
            }
            PaymentRefusal::NotWaitingForPayment => {
                td_string!(locale, error.payment_not_waiting)
            }
        }
        .to_owned()
    }
}

/// The payment provider's circuit breaker as the operator sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakerView {
    /// `closed` (calls go through), `open` (calls fail at once) or `half-open` (trial calls).
    pub state: String,
    /// Calls and failures in the breaker's current window.
    pub calls: u32,
    pub failures: u32,
    pub failure_rate: f64,
    pub seconds_in_state: u64,
}
