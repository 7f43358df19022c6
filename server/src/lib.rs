//! The Baedal server: configuration, database start-up, demo data and the axum application.

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod api_edge;
pub mod client_errors;
pub mod config;
pub mod database;
pub mod demo;
pub mod draining;
pub mod geocoder_sim;
pub mod kakao_sim;
pub mod payment_gateway_sim;
pub mod recovery;
pub mod routes;
pub mod security;
pub mod simulators;
pub mod site;
pub mod workers;
