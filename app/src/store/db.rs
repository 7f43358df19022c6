//! The `store` schema: stores, opening hours, menus.

use sqlx::{PgConnection, PgExecutor};
use std::collections::HashMap;
use uuid::Uuid;

use super::hours::DayHours;
use super::StoreId;
use crate::platform::{geo::Position, AccountId};

/// A store row with what the lists need.
#[derive(sqlx::FromRow, Debug, Clone)]
pub struct StoreRow {
    pub store_id: Uuid,
    pub owner_id: Uuid,
    pub name: String,
    pub category: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub delivery_radius_m: i32,
    pub minimum_order_krw: i64,
    pub delivery_fee_krw: i64,
    pub prep_minutes: i32,
    pub accepting_orders: bool,
}

/// The largest delivery radius a store may set (enforced by the schema too), in metres.
pub const MAX_RADIUS_M: f64 = 10_000.0;

/// Stores whose location lies within the largest possible radius of `around`.
/// A coarse box on indexed columns; the caller measures exact distances.
pub async fn stores_near(db: impl PgExecutor<'_>, around: Position) -> sqlx::Result<Vec<StoreRow>> {
    // One degree of latitude is ~111 km everywhere; a degree of longitude shrinks with cos(lat).
    let dlat = MAX_RADIUS_M / 111_000.0;
    let dlng = dlat / around.lat.to_radians().cos().max(0.01);
    sqlx::query_as(
        "SELECT store_id, owner_id, name, category, address, lat, lng, delivery_radius_m,
                minimum_order_krw, delivery_fee_krw, prep_minutes, accepting_orders
         FROM store.stores
         WHERE lat BETWEEN $1 AND $2 AND lng BETWEEN $3 AND $4",
    )
    .bind(around.lat - dlat)
    .bind(around.lat + dlat)
    .bind(around.lng - dlng)
    .bind(around.lng + dlng)
    .fetch_all(db)
    .await
}

/// The stores an owner runs, by name.
pub async fn stores_of_owner(
    db: impl PgExecutor<'_>,
    owner: AccountId,
) -> sqlx::Result<Vec<StoreRow>> {
    sqlx::query_as(
        "SELECT store_id, owner_id, name, category, address, lat, lng, delivery_radius_m,
                minimum_order_krw, delivery_fee_krw, prep_minutes, accepting_orders
         FROM store.stores WHERE owner_id = $1 ORDER BY name",
    )
    .bind(owner.0)
    .fetch_all(db)
    .await
}

/// Opening hours for each of `stores`.
pub async fn hours_of(
    db: impl PgExecutor<'_>,
    stores: &[Uuid],
) -> sqlx::Result<HashMap<Uuid, Vec<DayHours>>> {
    let rows: Vec<(Uuid, i16, i16, i16)> = sqlx::query_as(
        "SELECT store_id, weekday, opens_min, closes_min FROM store.opening_hours
         WHERE store_id = ANY($1)",
    )
    .bind(stores)
    .fetch_all(db)
    .await?;
    let mut by_store: HashMap<Uuid, Vec<DayHours>> = HashMap::new();
    for (store_id, weekday, opens, closes) in rows {
        by_store.entry(store_id).or_default().push(DayHours {
            weekday: weekday as u8,
            opens: opens as u16,
            closes: closes as u16,
        });
    }
    Ok(by_store)
}

/// Menu size and sold-out count per store.
pub async fn menu_counts(
    db: impl PgExecutor<'_>,
    stores: &[Uuid],
) -> sqlx::Result<HashMap<Uuid, (i64, i64)>> {
    let rows: Vec<(Uuid, i64, i64)> = sqlx::query_as(
        "SELECT store_id, count(*), count(*) FILTER (WHERE sold_out) FROM store.menu_items
         WHERE store_id = ANY($1) GROUP BY store_id",
    )
    .bind(stores)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(store, items, sold_out)| (store, (items, sold_out)))
        .collect())
}

/// Flips the open/closed switch of a store, only if `owner` owns it. Returns whether it did.
pub async fn set_accepting_orders(
    db: impl PgExecutor<'_>,
    owner: AccountId,
    store: StoreId,
    accepting: bool,
) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "UPDATE store.stores SET accepting_orders = $3 WHERE store_id = $1 AND owner_id = $2",
    )
    .bind(store.0)
    .bind(owner.0)
    .bind(accepting)
    .execute(db)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Store-wide counts for the operator: (stores, accepting orders, menu items).
pub async fn counts(db: impl PgExecutor<'_>) -> sqlx::Result<(i64, i64, i64)> {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM store.stores),
                (SELECT count(*) FROM store.stores WHERE accepting_orders),
                (SELECT count(*) FROM store.menu_items)",
    )
    .fetch_one(db)
    .await
}

/// A new store to insert.
pub struct NewStore<'a> {
    pub owner: AccountId,
    pub name: &'a str,
    pub category: &'a str,
    pub description: &'a str,
    pub address: &'a str,
    pub position: Position,
    pub delivery_radius_m: i32,
    pub minimum_order_krw: i64,
    pub delivery_fee_krw: i64,
    pub prep_minutes: i32,
    pub accepting_orders: bool,
}

/// Inserts a store with its weekly hours.
pub async fn insert_store(
    db: &mut PgConnection,
    store: &NewStore<'_>,
    week: &[DayHours],
) -> sqlx::Result<StoreId> {
    let store_id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO store.stores (store_id, owner_id, name, category, description, address, lat, lng,
             delivery_radius_m, minimum_order_krw, delivery_fee_krw, prep_minutes, accepting_orders)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(store_id)
    .bind(store.owner.0)
    .bind(store.name)
    .bind(store.category)
    .bind(store.description)
    .bind(store.address)
    .bind(store.position.lat)
    .bind(store.position.lng)
    .bind(store.delivery_radius_m)
    .bind(store.minimum_order_krw)
    .bind(store.delivery_fee_krw)
    .bind(store.prep_minutes)
    .bind(store.accepting_orders)
    .execute(&mut *db)
    .await?;
    for day in week {
        sqlx::query(
            "INSERT INTO store.opening_hours (store_id, weekday, opens_min, closes_min)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(store_id)
        .bind(day.weekday as i16)
        .bind(day.opens as i16)
        .bind(day.closes as i16)
        .execute(&mut *db)
        .await?;
    }
    Ok(StoreId(store_id))
}

/// A menu item to insert, with its option groups: (group name, min, max, [(choice, price delta)]).
pub struct NewMenuItem<'a> {
    pub category: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub price_krw: i64,
    pub sold_out: bool,
    pub option_groups: Vec<NewOptionGroup<'a>>,
}

/// A group of options such as "Size" or "Spiciness".
pub struct NewOptionGroup<'a> {
    pub name: &'a str,
    pub min_select: i16,
    pub max_select: i16,
    pub choices: Vec<(&'a str, i64)>,
}

/// Inserts a menu item and its options at `position` in the store's menu.
pub async fn insert_menu_item(
    db: &mut PgConnection,
    store: StoreId,
    position: i32,
    item: &NewMenuItem<'_>,
) -> sqlx::Result<Uuid> {
    let item_id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO store.menu_items (item_id, store_id, category, name, description, price_krw, sold_out, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(item_id)
    .bind(store.0)
    .bind(item.category)
    .bind(item.name)
    .bind(item.description)
    .bind(item.price_krw)
    .bind(item.sold_out)
    .bind(position)
    .execute(&mut *db)
    .await?;
    for (group_position, group) in item.option_groups.iter().enumerate() {
        let group_id = Uuid::new_v4();
        sqlx::query(
            "INSERT INTO store.menu_option_groups (group_id, item_id, name, min_select, max_select, position)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(group_id)
        .bind(item_id)
        .bind(group.name)
        .bind(group.min_select)
        .bind(group.max_select)
        .bind(group_position as i32)
        .execute(&mut *db)
        .await?;
        for (choice_position, (name, delta)) in group.choices.iter().enumerate() {
            sqlx::query(
                "INSERT INTO store.menu_options (option_id, group_id, name, price_delta_krw, position)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(Uuid::new_v4())
            .bind(group_id)
            .bind(*name)
            .bind(*delta)
            .bind(choice_position as i32)
            .execute(&mut *db)
            .await?;
        }
    }
    Ok(item_id)
}
