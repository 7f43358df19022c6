//! Why a store cannot take an order as it stands: checked on the server before anything is
//! written, and worded in the customer's language on the page.

use serde::{Deserialize, Serialize};

use crate::i18n::{td_string, Locale};
use crate::platform::geo::format_distance;
use crate::platform::money::Won;
use crate::store::hours::ShownHours;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PlaceRefusal {
    /// The owner switched the store off.
    NotTakingOrders { store: String },
    Closed {
        store: String,
        hours_today: ShownHours,
    },
    /// The address is not one the customer keeps.
    NoSuchAddress,
    OutsideRadius {
        store: String,
        radius_m: f64,
        address: String,
        distance_m: f64,
    },
    BelowMinimum {
        store: String,
        minimum: Won,
        missing: Won,
    },
}

impl PlaceRefusal {
    /// The sentence for the customer, in `locale`.
    pub fn in_language(&self, locale: Locale) -> String {
        match self {
            PlaceRefusal::NotTakingOrders { store } => {
                td_string!(locale, error.store_not_taking_orders, store = store.clone())
            }
            PlaceRefusal::Closed { store, hours_today } => td_string!(
                locale,
                error.store_closed,
                store = store.clone(),
                hours = hours_today.in_language(locale)
            ),
            PlaceRefusal::NoSuchAddress => {
                td_string!(locale, error.choose_saved_address).to_owned()
            }
            PlaceRefusal::OutsideRadius {
                store,
                radius_m,
                address,
                distance_m,
            } => td_string!(
                locale,
                error.outside_radius,
                store = store.clone(),
                radius = format_distance(*radius_m),
                address = address.clone(),
                distance = format_distance(*distance_m)
            ),
            PlaceRefusal::BelowMinimum {
                store,
                minimum,
                missing,
            } => td_string!(
                locale,
                error.below_minimum,
                store = store.clone(),
                minimum = *minimum,
                missing = *missing
            ),
        }
    }
}

impl std::fmt::Display for PlaceRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.in_language(Locale::en))
    }
}
