//! PlaceOrder: validate the cart against the store and price it on the server, then write the
//! order, its lines and OrderPlaced in one transaction. Payment follows from the event.

use chrono::Utc;
use uuid::Uuid;

use super::cart::{items_total, price_cart};
use super::{db, OrderId, PlaceOrderRequest, PlaceRefusal};
use crate::platform::events::{Event, OrderPlaced};
use crate::platform::geo::Position;
use crate::platform::money::Won;
use crate::platform::{event_log, state::AppState, AppError, CurrentUser};
use crate::store::{self, hours, StoreId};

/// Places `request` for `customer`; returns the new order's id.
pub async fn place(
    state: &AppState,
    customer: &CurrentUser,
    request: &PlaceOrderRequest,
) -> Result<OrderId, AppError> {
    let pool = &state.pool;
    // A store not live, or suspended, takes no orders, whatever its owner's switch says.
    let (store, week) = store::db::store_with_hours(pool, request.store_id)
        .await?
        .filter(|(store, _)| store.listed())
        .ok_or(AppError::NotFound(crate::platform::error::Missing::Store))?;
    let now = Utc::now();
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
    let address = crate::platform::db::address_of(pool, customer.account_id, request.address_id)
        .await?
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
    let item_ids: Vec<Uuid> = request.lines.iter().map(|l| l.item_id).collect();
    let menu = store::db::menu_items(pool, request.store_id, &item_ids).await?;
    let lines = price_cart(&menu, &request.lines).map_err(AppError::Cart)?;
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
    let placed = OrderPlaced {
        customer_id: customer.account_id,
        store_id: StoreId(store.store_id),
        store_name: store.name,
        store_owner_id: crate::platform::AccountId(store.owner_id),
        store_address: store.address,
        pickup,
        delivery_address: address.for_rider(),
        rider_note: address.rider_note,
        dropoff: address.position,
        lines,
        items_total,
        delivery_fee,
        total: items_total + delivery_fee,
    };
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
