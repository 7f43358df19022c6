//! What every context uses: accounts and sessions, errors, money and distance, shared UI.

pub mod account;
pub mod account_pages;
pub mod administration;
pub mod api;
pub mod clock;
pub mod crash;
pub mod error;
pub mod events;
pub mod first_frame;
pub mod geo;
pub mod language;
pub mod live;
pub mod money;
pub mod pages;
pub mod password_reset;
pub mod phone;
pub mod session;
pub mod sign_up;
pub mod text;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod consumers;
#[cfg(feature = "ssr")]
mod db;
/// What others may read and write of platform's tables; the rest of `db` is platform's own.
#[cfg(feature = "ssr")]
pub use db::{
    address_of, addresses_of, count_accounts_by_role, forget_old_codes, give_consent, has_accounts,
    insert_account, insert_address, phone_of, NewAccount, NewAddress,
};
#[cfg(feature = "ssr")]
pub mod dispatcher;
#[cfg(feature = "ssr")]
pub mod event_log;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod privacy;
#[cfg(feature = "ssr")]
pub mod session_store;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod throttle;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use error::AppError;

/// Identifies an account of any role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountId(pub Uuid);

/// The one role an account has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Customer,
    Owner,
    Rider,
    Operator,
}

impl Role {
    /// Every role, in the order the login page lists them.
    pub const ALL: [Role; 4] = [Role::Customer, Role::Owner, Role::Rider, Role::Operator];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Owner => "owner",
            Role::Rider => "rider",
            Role::Operator => "operator",
        }
    }

    /// Parses the database name of a role.
    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// Where this role lands after logging in.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Customer => "/",
            Role::Owner => "/store",
            Role::Rider => "/rider",
            Role::Operator => "/ops",
        }
    }

    /// How the UI names the role.
    pub fn label(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Owner => "store owner",
            Role::Rider => "rider",
            Role::Operator => "operator",
        }
    }
}

/// The logged-in caller, as the server knows them from the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub account_id: AccountId,
    pub display_name: String,
    pub email: String,
    pub role: Role,
}

/// A demo account shown on the login page when demo data is loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoAccount {
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// The demo accounts and the one password they share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoLogins {
    pub password: String,
    pub accounts: Vec<DemoAccount>,
}

/// A saved delivery address of a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedAddress {
    pub address_id: Uuid,
    pub label: String,
    /// The address as the geocoding provider writes it: the road-name address, else the lot
    /// number. Addresses saved before the provider keep the line their customer typed.
    pub line: String,
    /// The building's name, when the provider or the customer gave one.
    pub building: Option<String>,
    /// Building, floor and flat (동/호): what the provider cannot know.
    pub unit: String,
    pub rider_note: String,
    pub position: geo::Position,
}

impl SavedAddress {
    /// What a rider reads to find the door: "서울 성동구 왕십리로 16 (트리마제), 101동 1203호".
    pub fn for_rider(&self) -> String {
        let mut text = self.line.clone();
        if let Some(building) = &self.building {
            text.push_str(&format!(" ({building})"));
        }
        if !self.unit.is_empty() {
            text.push_str(&format!(", {}", self.unit));
        }
        text
    }
}
