//! Every integration test of the server, in one test binary: each of these modules was once a
//! binary of its own, and each linked the whole application again.

mod common;

mod account_settings;
mod accounts;
mod administration;
mod crash_recovery;
mod going_live;
mod hostile;
mod joining;
mod kakao;
mod leaving;
mod live;
mod menu_setup;
mod paging;
mod password_resets;
mod pay_later;
mod payment_gateway;
mod payment_gateway_sim;
mod phones;
mod places;
mod private_cluster;
mod rider_range;
mod saga;
mod security;
mod sign_up;
mod stores;
mod throttling;
mod two_instances;
