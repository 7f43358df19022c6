//! The customer's cart and chosen address, kept in the browser's local storage so they survive a
//! reload. The server never trusts it: PlaceOrder prices the lines again from the menu.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::cart::CartLine;
use crate::store::StoreId;

/// What the customer is about to order, from one store.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedCart {
    pub store: Option<(StoreId, String)>,
    pub lines: Vec<CartLine>,
    /// The saved address chosen on the store list; checkout starts with it.
    pub address_id: Option<Uuid>,
}

impl SavedCart {
    /// How many dishes, counting quantities.
    pub fn count(&self) -> i32 {
        self.lines.iter().map(|line| line.quantity).sum()
    }

    /// Adds a line; a line from another store starts a new cart (one order, one store).
    pub fn add(&mut self, store_id: StoreId, store_name: &str, line: CartLine) {
        if self.store.as_ref().map(|(id, _)| *id) != Some(store_id) {
            self.lines.clear();
            self.store = Some((store_id, store_name.to_owned()));
        }
        match self
            .lines
            .iter_mut()
            .find(|l| l.item_id == line.item_id && l.option_ids == line.option_ids)
        {
            Some(same) => same.quantity += line.quantity,
            None => self.lines.push(line),
        }
    }

    /// Changes a line's quantity; zero removes it, and an empty cart forgets its store.
    pub fn set_quantity(&mut self, index: usize, quantity: i32) {
        if quantity <= 0 {
            if index < self.lines.len() {
                self.lines.remove(index);
            }
        } else if let Some(line) = self.lines.get_mut(index) {
            line.quantity = quantity;
        }
        if self.lines.is_empty() {
            self.store = None;
        }
    }

    /// After the order is placed: nothing left to order.
    pub fn clear(&mut self) {
        self.lines.clear();
        self.store = None;
    }
}

/// The cart shared by every customer page.
#[derive(Clone, Copy)]
pub struct CartContext(pub RwSignal<SavedCart>);

#[cfg(feature = "hydrate")]
const STORAGE_KEY: &str = "baedal.cart";

/// Creates the cart once, at the top of the app. The server renders an empty cart; the browser
/// fills it from local storage right after hydration and saves every change.
pub fn provide_cart() {
    let cart = RwSignal::new(SavedCart::default());
    #[cfg(feature = "hydrate")]
    {
        // The server rendered the page with no cart: it is read once the page is hydrated.
        Effect::new(move |_| {
            if !crate::platform::first_frame::page_hydrated() {
                return;
            }
            if let Some(saved) = storage()
                .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
                .and_then(|text| serde_json::from_str::<SavedCart>(&text).ok())
            {
                cart.set(saved);
            }
        });
        Effect::watch(
            move || cart.get(),
            |saved, _, _| {
                if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(saved)) {
                    let _ = storage.set_item(STORAGE_KEY, &text);
                }
            },
            false,
        );
    }
    provide_context(CartContext(cart));
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The cart; panics only if the app shell forgot to provide it.
pub fn use_cart() -> RwSignal<SavedCart> {
    expect_context::<CartContext>().0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(item: u128, quantity: i32) -> CartLine {
        CartLine {
            item_id: Uuid::from_u128(item),
            quantity,
            option_ids: Vec::new(),
        }
    }

    #[test]
    fn the_same_dish_twice_is_one_line() {
        let store = StoreId(Uuid::from_u128(1));
        let mut cart = SavedCart::default();
        cart.add(store, "Halmae", line(7, 1));
        cart.add(store, "Halmae", line(7, 2));
        assert_eq!(cart.lines, vec![line(7, 3)]);
        assert_eq!(cart.count(), 3);
    }

    #[test]
    fn another_store_starts_a_new_cart() {
        let mut cart = SavedCart::default();
        cart.add(StoreId(Uuid::from_u128(1)), "Halmae", line(7, 1));
        cart.add(StoreId(Uuid::from_u128(2)), "Gimbap", line(9, 1));
        assert_eq!(cart.lines, vec![line(9, 1)]);
        assert_eq!(cart.store.map(|(_, name)| name), Some("Gimbap".to_owned()));
    }

    #[test]
    fn quantity_zero_removes_the_line_and_an_empty_cart_forgets_the_store() {
        let mut cart = SavedCart::default();
        cart.add(StoreId(Uuid::from_u128(1)), "Halmae", line(7, 2));
        cart.set_quantity(0, 0);
        assert!(cart.lines.is_empty());
        assert_eq!(cart.store, None);
    }
}
