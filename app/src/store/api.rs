//! Server functions of the store context.

use leptos::prelude::*;

use super::{OwnedStore, StoreCard, StoreDistance, StoreId};
#[cfg(feature = "ssr")]
use crate::platform::error::{Limit, Missing};
use crate::platform::AppError;

/// The most stores the home screen lists: the nearest ones that deliver there.
pub const NEARBY_STORES_SHOWN: usize = 100;

/// Stores that deliver to (lat, lng), nearest first; open ones before closed ones.
#[server(endpoint = "nearby_stores")]
pub async fn nearby_stores(lat: f64, lng: f64) -> Result<Vec<StoreCard>, AppError> {
    use super::{db, hours};
    use crate::platform::{geo::Position, money::Won, state::AppState};

    let around = Position::new(lat, lng).ok_or(AppError::Invalid(
        crate::platform::error::Problem::StoreLocationOffMap,
    ))?;
    let state = AppState::get()?;
    let now = chrono::Utc::now();
    // Stores farther than the shown ones may still reach here with a larger radius: read a few
    // times as many as are shown, then keep those that deliver.
    let candidates = db::stores_near(&state.pool, around, 5 * NEARBY_STORES_SHOWN as i64).await?;
    let ids: Vec<_> = candidates.iter().map(|s| s.store_id).collect();
    let week_of = db::hours_of(&state.pool, &ids).await?;

    let mut cards: Vec<StoreCard> = candidates
        .into_iter()
        .filter_map(|store| {
            let distance_m = around.distance_m(Position {
                lat: store.lat,
                lng: store.lng,
            });
            if distance_m > f64::from(store.delivery_radius_m) {
                return None;
            }
            let week = week_of
                .get(&store.store_id)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            Some(StoreCard {
                store_id: StoreId(store.store_id),
                name: store.name,
                category: store.category,
                distance_m,
                delivery_fee: Won(store.delivery_fee_krw),
                minimum_order: Won(store.minimum_order_krw),
                prep_minutes: store.prep_minutes as u16,
                open_now: store.accepting_orders && hours::is_open_at(week, now),
                hours_today: hours::label_for_today(week, now),
            })
        })
        .collect();
    cards.sort_by(|a, b| {
        b.open_now
            .cmp(&a.open_now)
            .then(a.distance_m.total_cmp(&b.distance_m))
    });
    cards.truncate(NEARBY_STORES_SHOWN);
    Ok(cards)
}

/// How far (lat, lng) lies from a store and whether the store delivers there: what a customer
/// sees before saving an address.
#[server(endpoint = "store_reach")]
pub async fn store_reach(store_id: StoreId, lat: f64, lng: f64) -> Result<StoreDistance, AppError> {
    use crate::platform::{error::Problem, geo::Position, state::AppState};
    let at = Position::new(lat, lng).ok_or(AppError::Invalid(Problem::AddressOffMap))?;
    let state = AppState::get()?;
    let store = super::db::store_by_id(&state.pool, store_id)
        .await?
        .filter(|store| store.listed())
        .ok_or(AppError::NotFound(Missing::Store))?;
    Ok(StoreDistance {
        name: store.name,
        distance_m: at.distance_m(Position {
            lat: store.lat,
            lng: store.lng,
        }),
        delivery_radius_m: store.delivery_radius_m.max(0) as u32,
    })
}

/// The caller's stores, for the owner dashboard.
#[server(endpoint = "my_stores")]
pub async fn my_stores() -> Result<Vec<OwnedStore>, AppError> {
    use super::{db, hours};
    use crate::platform::{auth, money::Won, state::AppState, Role};

    let owner = auth::require(Role::Owner).await?;
    let state = AppState::get()?;
    let now = chrono::Utc::now();
    let stores = db::stores_of_owner(&state.pool, owner.account_id).await?;
    let ids: Vec<_> = stores.iter().map(|s| s.store_id).collect();
    let week_of = db::hours_of(&state.pool, &ids).await?;
    let menu_of = db::menu_counts(&state.pool, &ids).await?;
    Ok(stores
        .into_iter()
        .map(|store| {
            let listed = store.listed();
            let week = week_of
                .get(&store.store_id)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let (menu_items, sold_out_items) =
                menu_of.get(&store.store_id).copied().unwrap_or((0, 0));
            OwnedStore {
                store_id: StoreId(store.store_id),
                name: store.name,
                category: store.category,
                address: store.address,
                live: store.live,
                suspended: store.suspended,
                accepting_orders: store.accepting_orders,
                open_now: listed && store.accepting_orders && hours::is_open_at(week, now),
                hours_today: hours::label_for_today(week, now),
                delivery_radius_m: store.delivery_radius_m as u32,
                minimum_order: Won(store.minimum_order_krw),
                delivery_fee: Won(store.delivery_fee_krw),
                menu_items,
                sold_out_items,
            }
        })
        .collect())
}

/// Turns a store's open/closed switch; only its owner may.
#[server(endpoint = "set_store_open")]
pub async fn set_store_open(store_id: StoreId, open: bool) -> Result<(), AppError> {
    use crate::platform::{auth, state::AppState, Role};

    let owner = auth::require(Role::Owner).await?;
    let state = AppState::get()?;
    let store = owned_store(&state, &owner, store_id).await?;
    if !store.live {
        return Err(super::readiness::StoreProblem::NotLiveYet.into());
    }
    if !super::db::set_accepting_orders(&state.pool, owner.account_id, store_id, open).await? {
        return Err(not_your_store());
    }
    tracing::info!(store_id = %store_id.0, open, "store switch changed");
    Ok(())
}

/// The order as the owner may act on it: only orders of the owner's own stores.
#[cfg(feature = "ssr")]
async fn as_owner_of(
    state: &crate::platform::state::AppState,
    owner: &crate::platform::CurrentUser,
    order_id: crate::ordering::OrderId,
) -> Result<crate::ordering::machine::Actor, AppError> {
    use crate::ordering::machine::{Actor, Refusal};
    let (order, _) = crate::ordering::load(&state.pool, order_id)
        .await?
        .ok_or(AppError::NotFound(Missing::Order))?;
    let store = super::db::store_by_id(&state.pool, order.store_id).await?;
    match store {
        Some(store) if store.owner_id == owner.account_id.0 => Ok(Actor::StoreOwner {
            store_id: order.store_id,
        }),
        _ => Err(AppError::Refused(Refusal::NotYourOrder)),
    }
}

/// Runs an owner's command on an order of one of their stores.
#[cfg(feature = "ssr")]
async fn owner_command(
    order_id: crate::ordering::OrderId,
    command: crate::ordering::machine::Command,
) -> Result<crate::ordering::OrderStatus, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let state = AppState::get()?;
    let actor = as_owner_of(&state, &owner, order_id).await?;
    let order = crate::ordering::commands::execute(&state, order_id, &actor, &command).await?;
    Ok(order.status)
}

/// Accepts a paid order, promising it ready in `prep_minutes`.
#[server(endpoint = "accept_order")]
pub async fn accept_order(
    order_id: crate::ordering::OrderId,
    prep_minutes: u16,
) -> Result<crate::ordering::OrderStatus, AppError> {
    use crate::ordering::machine::{Command, PrepMinutes};
    let prep = PrepMinutes::new(prep_minutes).map_err(AppError::Refused)?;
    owner_command(order_id, Command::AcceptOrder { prep }).await
}

/// Rejects a paid order with a reason; the customer is refunded.
#[server(endpoint = "reject_order")]
pub async fn reject_order(
    order_id: crate::ordering::OrderId,
    reason: String,
) -> Result<crate::ordering::OrderStatus, AppError> {
    use crate::ordering::machine::{Command, Reason};
    let reason = Reason::new(&reason).map_err(AppError::Refused)?;
    owner_command(order_id, Command::RejectOrder { reason }).await
}

/// Records that cooking started; from now on the customer cannot cancel.
#[server(endpoint = "start_cook")]
pub async fn start_cook(
    order_id: crate::ordering::OrderId,
) -> Result<crate::ordering::OrderStatus, AppError> {
    owner_command(order_id, crate::ordering::machine::Command::StartCook).await
}

/// Records that the food is ready; riders nearby can now claim the delivery.
#[server(endpoint = "finish_cook")]
pub async fn finish_cook(
    order_id: crate::ordering::OrderId,
) -> Result<crate::ordering::OrderStatus, AppError> {
    owner_command(order_id, crate::ordering::machine::Command::FinishCook).await
}

/// The owner's kitchen boards: orders still in hand and the ones finished this working day.
#[server(endpoint = "kitchen_orders")]
pub async fn kitchen_orders() -> Result<Vec<super::KitchenOrder>, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let state = AppState::get()?;
    let day_started = super::hours::working_day_start(chrono::Utc::now());
    Ok(super::db::kitchen_orders(&state.pool, owner.account_id, day_started).await?)
}

/// A store's facts and menu, for the customer's store page.
#[server(endpoint = "store_menu")]
pub async fn store_menu(store_id: StoreId) -> Result<super::StoreMenu, AppError> {
    use super::{db, hours};
    use crate::platform::{money::Won, state::AppState};
    let state = AppState::get()?;
    let (store, week) = db::store_with_hours(&state.pool, store_id)
        .await?
        .filter(|(store, _)| store.listed())
        .ok_or(AppError::NotFound(Missing::Store))?;
    let items = db::menu_of_store(&state.pool, store_id).await?;
    let now = chrono::Utc::now();
    Ok(super::StoreMenu {
        store_id,
        name: store.name,
        category: store.category,
        address: store.address,
        delivery_fee: Won(store.delivery_fee_krw),
        minimum_order: Won(store.minimum_order_krw),
        prep_minutes: store.prep_minutes as u16,
        open_now: store.accepting_orders && hours::is_open_at(&week, now),
        hours_today: hours::label_for_today(&week, now),
        items,
    })
}

/// A store's hours and whole menu as its owner edits them; only the owner may read this.
#[server(endpoint = "store_setup")]
pub async fn store_setup(store_id: StoreId) -> Result<super::StoreSetup, AppError> {
    use super::{db, hours::DayForm};
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let state = AppState::get()?;
    let (store, week) = db::store_with_hours(&state.pool, store_id)
        .await?
        .filter(|(store, _)| store.owner_id == owner.account_id.0)
        .ok_or_else(not_your_store)?;
    let standing = db::standing_of(&state.pool, store_id)
        .await?
        .ok_or_else(not_your_store)?;
    Ok(super::StoreSetup {
        store_id,
        name: store.name,
        address: store.address,
        week: (0..7)
            .map(|weekday| {
                let hours = week.iter().find(|d| d.weekday == weekday).copied();
                DayForm::from_hours(weekday, hours)
            })
            .collect(),
        items: db::menu_of_store(&state.pool, store_id).await?,
        phone: standing.phone,
        terms: super::readiness::DeliveryTerms {
            radius_m: store.delivery_radius_m as u32,
            minimum_order_krw: store.minimum_order_krw,
            delivery_fee_krw: store.delivery_fee_krw,
            prep_minutes: store.prep_minutes as u16,
        },
        readiness: standing.readiness,
        live_since: standing.live_since,
        suspended_because: standing.suspended_because,
    })
}

/// Sets a store's delivery radius, minimum order, delivery fee and preparation time, each within
/// the platform's limits; the owner's confirmation of them is one item of the go-live checklist.
#[server(endpoint = "set_store_terms")]
pub async fn set_store_terms(
    store_id: StoreId,
    radius_m: u32,
    minimum_order_krw: i64,
    delivery_fee_krw: i64,
    prep_minutes: u16,
) -> Result<(), AppError> {
    use super::readiness::DeliveryTerms;
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let terms = DeliveryTerms {
        radius_m,
        minimum_order_krw,
        delivery_fee_krw,
        prep_minutes,
    }
    .check()?;
    let state = AppState::get()?;
    if !super::db::set_terms(&state.pool, owner.account_id, store_id, terms).await? {
        return Err(not_your_store());
    }
    Ok(())
}

/// Sets the phone customers and riders call the store on.
#[server(endpoint = "set_store_phone")]
pub async fn set_store_phone(store_id: StoreId, phone: String) -> Result<String, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let phone = super::phone::store_phone(&phone)?;
    let state = AppState::get()?;
    if !super::db::set_phone(&state.pool, owner.account_id, store_id, &phone).await? {
        return Err(not_your_store());
    }
    Ok(phone)
}

/// Takes a store live, open for orders, once it has everything on its checklist; refused with the
/// missing items named otherwise.
#[server(endpoint = "take_store_live")]
pub async fn take_store_live(store_id: StoreId) -> Result<(), AppError> {
    use super::readiness::StoreProblem;
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let state = AppState::get()?;
    let store = owned_store(&state, &owner, store_id).await?;
    if store.live {
        return Err(StoreProblem::AlreadyLive.into());
    }
    let missing = super::db::standing_of(&state.pool, store_id)
        .await?
        .ok_or_else(not_your_store)?
        .readiness
        .missing();
    if !missing.is_empty() {
        return Err(StoreProblem::NotReady { missing }.into());
    }
    if !super::db::take_live(&state.pool, store_id).await? {
        return Err(StoreProblem::AlreadyLive.into());
    }
    tracing::info!(store_id = %store_id.0, "store went live");
    Ok(())
}

/// The store, if `owner` owns it.
#[cfg(feature = "ssr")]
async fn owned_store(
    state: &crate::platform::state::AppState,
    owner: &crate::platform::CurrentUser,
    store_id: StoreId,
) -> Result<super::db::StoreRow, AppError> {
    super::db::store_by_id(&state.pool, store_id)
        .await?
        .filter(|store| store.owner_id == owner.account_id.0)
        .ok_or_else(not_your_store)
}

/// Moves a store to an address the provider offered (the owner searched for it); the point comes
/// from the provider, never from the page. Returns the address as saved.
#[server(endpoint = "set_store_place")]
pub async fn set_store_place(store_id: StoreId, address: String) -> Result<String, AppError> {
    use crate::platform::text::{Field, TextRule};
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let address = TextRule::line(Field::Address, 200).check(&address)?;
    let state = AppState::get()?;
    owned_store(&state, &owner, store_id).await?;
    let place = crate::places::api::confirmed_place(&address).await?;
    super::db::move_store(&state.pool, store_id, place.address(), place.position).await?;
    Ok(place.address().to_owned())
}

#[cfg(feature = "ssr")]
fn not_your_store() -> AppError {
    AppError::NotFound(Missing::NotYourStore)
}

#[cfg(feature = "ssr")]
fn not_your_dish() -> AppError {
    AppError::NotFound(Missing::NotYourDish)
}

#[cfg(feature = "ssr")]
fn refused_edit(problem: super::editing::EditProblem) -> AppError {
    AppError::Edit(problem)
}

/// Replaces a store's weekly opening hours.
#[server(endpoint = "set_opening_hours", input = server_fn::codec::Json)]
pub async fn set_opening_hours(
    store_id: StoreId,
    week: Vec<super::hours::DayForm>,
) -> Result<(), AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let hours = super::hours::week_from_form(&week)
        .map_err(|problem| AppError::Edit(super::editing::EditProblem::Hours(problem)))?;
    let state = AppState::get()?;
    let mut tx = state.pool.begin().await?;
    if !super::db::set_hours(&mut tx, owner.account_id, store_id, &hours).await? {
        return Err(not_your_store());
    }
    tx.commit().await?;
    tracing::info!(store_id = %store_id.0, days = hours.len(), "opening hours changed");
    Ok(())
}

/// Adds a dish to the end of a store's menu.
#[server(endpoint = "add_menu_item")]
pub async fn add_menu_item(
    store_id: StoreId,
    name: String,
    category: String,
    description: String,
    price_krw: i64,
) -> Result<uuid::Uuid, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let dish =
        super::editing::dish(&name, &category, &description, price_krw).map_err(refused_edit)?;
    let state = AppState::get()?;
    use super::editing::MAX_DISHES;
    match super::db::add_menu_item(&state.pool, owner.account_id, store_id, &dish, MAX_DISHES)
        .await?
    {
        super::db::Added::New(id) => Ok(id),
        super::db::Added::NotYours => Err(not_your_store()),
        super::db::Added::Full => Err(AppError::LimitReached(Limit::Dishes { most: MAX_DISHES })),
    }
}

/// Changes a dish's name, section, description and price.
#[server(endpoint = "edit_menu_item")]
pub async fn edit_menu_item(
    item_id: uuid::Uuid,
    name: String,
    category: String,
    description: String,
    price_krw: i64,
) -> Result<(), AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let dish =
        super::editing::dish(&name, &category, &description, price_krw).map_err(refused_edit)?;
    let state = AppState::get()?;
    if !super::db::edit_menu_item(&state.pool, owner.account_id, item_id, &dish).await? {
        return Err(not_your_dish());
    }
    Ok(())
}

/// Marks a dish sold out, or back on sale.
#[server(endpoint = "set_item_sold_out")]
pub async fn set_item_sold_out(item_id: uuid::Uuid, sold_out: bool) -> Result<(), AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let state = AppState::get()?;
    if !super::db::set_item_sold_out(&state.pool, owner.account_id, item_id, sold_out).await? {
        return Err(not_your_dish());
    }
    Ok(())
}

/// Adds an option group (such as "Size") to a dish.
#[server(endpoint = "add_option_group")]
pub async fn add_option_group(
    item_id: uuid::Uuid,
    name: String,
    min_select: i16,
    max_select: i16,
) -> Result<uuid::Uuid, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let rule = super::editing::option_group(&name, min_select, max_select).map_err(refused_edit)?;
    let state = AppState::get()?;
    use super::editing::MAX_GROUPS_PER_DISH;
    let most = MAX_GROUPS_PER_DISH;
    match super::db::add_option_group(&state.pool, owner.account_id, item_id, &rule, most).await? {
        super::db::Added::New(id) => Ok(id),
        super::db::Added::NotYours => Err(not_your_dish()),
        super::db::Added::Full => Err(AppError::LimitReached(Limit::OptionGroups { most })),
    }
}

/// Adds a choice to an option group.
#[server(endpoint = "add_menu_option")]
pub async fn add_menu_option(
    group_id: uuid::Uuid,
    name: String,
    price_delta_krw: i64,
) -> Result<uuid::Uuid, AppError> {
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let (name, delta) = super::editing::option(&name, price_delta_krw).map_err(refused_edit)?;
    let state = AppState::get()?;
    use super::editing::MAX_OPTIONS_PER_GROUP;
    let most = MAX_OPTIONS_PER_GROUP;
    match super::db::add_menu_option(&state.pool, owner.account_id, group_id, &name, delta, most)
        .await?
    {
        super::db::Added::New(id) => Ok(id),
        super::db::Added::NotYours => Err(not_your_dish()),
        super::db::Added::Full => Err(AppError::LimitReached(Limit::Choices { most })),
    }
}

/// Changes a choice's name and extra price.
#[server(endpoint = "edit_menu_option")]
pub async fn edit_menu_option(
    option_id: uuid::Uuid,
    name: String,
    price_delta_krw: i64,
) -> Result<(), AppError> {
    use super::db::OptionChange;
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let (name, price_delta) =
        super::editing::option(&name, price_delta_krw).map_err(refused_edit)?;
    let state = AppState::get()?;
    let change = OptionChange::Details {
        name: &name,
        price_delta,
    };
    if !super::db::edit_menu_option(&state.pool, owner.account_id, option_id, change).await? {
        return Err(not_your_dish());
    }
    Ok(())
}

/// Marks a choice sold out, or back on sale.
#[server(endpoint = "set_option_sold_out")]
pub async fn set_option_sold_out(option_id: uuid::Uuid, sold_out: bool) -> Result<(), AppError> {
    use super::db::OptionChange;
    use crate::platform::{auth, state::AppState, Role};
    let owner = auth::require(Role::Owner).await?;
    let state = AppState::get()?;
    let change = OptionChange::SoldOut(sold_out);
    if !super::db::edit_menu_option(&state.pool, owner.account_id, option_id, change).await? {
        return Err(not_your_dish());
    }
    Ok(())
}
