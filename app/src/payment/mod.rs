//! Payment: taking the customer's money when an order is placed, and returning it when the order
//! is rejected, expires or is cancelled after payment.

#[cfg(feature = "ssr")]
pub mod consumer;
#[cfg(feature = "ssr")]
pub mod db;
