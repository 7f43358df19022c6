//! PlaceOrder: read the store, its hours, the customer's address and the dishes asked for, decide
//! with [`decide_placement`] (a pure function: every refusal is a table row in its tests), then
//! write the order, its lines and OrderPlaced in one transaction. Payment follows from the event.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::cart::{items_total, price_cart, CartLine};
use super::{db, OrderId, PlaceOrderRequest, PlaceRefusal};
use crate::platform::error::Missing;
use crate::platform::events::{Event, OrderPlaced};
use crate::platform::geo::Position;
use crate::platform::money::Won;
use crate::platform::{event_log, state::AppState, AccountId, AppError, CurrentUser, SavedAddress};
use crate::store::hours::{self, DayHours};
use crate::store::{self, MenuItem, StoreId, StoreRow};

/// Everything PlaceOrder reads before it decides.
#[derive(Debug, Clone)]
pub struct PlacementFacts {
    /// The store with its week of opening hours; `None` when there is no such store.
    pub store: Option<(StoreRow, Vec<DayHours>)>,
    /// The customer's address the order goes to; `None` when it is not one of theirs.
    pub address: Option<SavedAddress>,
    /// The store's dishes among those asked for.
    pub menu: Vec<MenuItem>,
}

/// Places `request` for `customer`; returns the new order's id.
pub async fn place(
    state: &AppState,
    customer: &CurrentUser,
    request: &PlaceOrderRequest,
) -> Result<OrderId, AppError> {
    let pool = &state.pool;
    let item_ids: Vec<Uuid> = request.lines.iter().map(|l| l.item_id).collect();
    let facts = PlacementFacts {
        store: store::store_with_hours(pool, request.store_id).await?,
        address: crate::platform::address_of(pool, customer.account_id, request.address_id).await?,
        menu: store::menu_items(pool, request.store_id, &item_ids).await?,
    };
    let placed = decide_placement(facts, &request.lines, customer.account_id, Utc::now())?;
    let order_id = OrderId(Uuid::new_v4());
    let mut tx = pool.begin().await?;
    db::insert(&mut tx, order_id, &placed).await?;
    event_log::append(
        &mut tx,
        order_id,
        &Event::OrderPlaced(Box::new(placed)),
        &format!("customer:{}", customer.account_id.0),
    )
    .await?;
    tx.commit().await?;
    state.wake_dispatcher();
    tracing::info!(order_id = %order_id.0, "order placed");
    Ok(order_id)
}

/// Whether the store takes this cart to this address now, and the order priced if it does. The
/// checks run in the order a customer would want to hear them: the store, its switch, its hours,
/// the address, the distance, each dish, the minimum.
pub fn decide_placement(
    facts: PlacementFacts,
    cart: &[CartLine],
    customer: AccountId,
    now: DateTime<Utc>,
) -> Result<OrderPlaced, AppError> {
    // A store not live, or suspended, takes no orders, whatever its owner's switch says.
    let (store, week) = facts
        .store
        .filter(|(store, _)| store.listed())
        .ok_or(AppError::NotFound(Missing::Store))?;
    if !store.accepting_orders {
        return Err(AppError::Place(PlaceRefusal::NotTakingOrders {
            store: store.name,
        }));
    }
    if !hours::is_open_at(&week, now) {
        return Err(AppError::Place(PlaceRefusal::Closed {
            store: store.name,
            hours_today: hours::label_for_today(&week, now),
        }));
    }
    let address = facts
        .address
        .ok_or(AppError::Place(PlaceRefusal::NoSuchAddress))?;
    let pickup = Position {
        lat: store.lat,
        lng: store.lng,
    };
    let distance = pickup.distance_m(address.position);
    if distance > f64::from(store.delivery_radius_m) {
        return Err(AppError::Place(PlaceRefusal::OutsideRadius {
            store: store.name,
            radius_m: f64::from(store.delivery_radius_m),
            address: address.label,
            distance_m: distance,
        }));
    }
    let lines = price_cart(&facts.menu, cart).map_err(AppError::Cart)?;
    let items_total = items_total(&lines);
    let minimum = Won(store.minimum_order_krw);
    if items_total < minimum {
        return Err(AppError::Place(PlaceRefusal::BelowMinimum {
            store: store.name,
            minimum,
            missing: Won(minimum.0 - items_total.0),
        }));
    }
    let delivery_fee = Won(store.delivery_fee_krw);
    Ok(OrderPlaced {
        customer_id: customer,
        store_id: StoreId(store.store_id),
        store_name: store.name,
        store_owner_id: AccountId(store.owner_id),
        store_address: store.address,
        pickup,
        delivery_address: address.for_rider(),
        rider_note: address.rider_note,
        dropoff: address.position,
        lines,
        items_total,
        delivery_fee,
        total: items_total + delivery_fee,
    })
}

#[cfg(test)]
mod tests;
