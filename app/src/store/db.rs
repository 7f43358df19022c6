//! The `store` schema: stores, opening hours, menus.

use sqlx::{PgConnection, PgExecutor};
use std::collections::HashMap;
use uuid::Uuid;

use super::editing::{Dish, GroupRule};
use super::hours::DayHours;
use super::readiness::{DeliveryTerms, Readiness};
use super::{MenuItem, MenuOption, OptionGroup, StoreId, StoreRecord};
use crate::ordering::OrderStatus;
use crate::platform::money::Won;
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
    /// Whether its owner has taken it live: a store made from an owner's application is not
    /// live until it has what a customer needs.
    pub live: bool,
    /// Whether an operator has suspended it.
    pub suspended: bool,
}

impl StoreRow {
    /// Whether customers find it and may order from it: live and not suspended.
    pub fn listed(&self) -> bool {
        self.live && !self.suspended
    }
}

/// The largest delivery radius a store may set (enforced by the schema too), in metres.
pub const MAX_RADIUS_M: f64 = 10_000.0;

/// Stores whose location lies within the largest possible radius of `around`, nearest first and
/// at most `limit` of them. A coarse box on indexed columns; the caller measures exact distances.
pub async fn stores_near(
    db: impl PgExecutor<'_>,
    around: Position,
    limit: i64,
) -> sqlx::Result<Vec<StoreRow>> {
    let square = around.bounding_box(MAX_RADIUS_M);
    // Planar distance on the box is enough to order by; it keeps the nearest `limit`.
    sqlx::query_as(
        "SELECT store_id, owner_id, name, category, address, lat, lng, delivery_radius_m,
                minimum_order_krw, delivery_fee_krw, prep_minutes, accepting_orders,
                live_since IS NOT NULL AS live, suspended_at IS NOT NULL AS suspended
         FROM store.stores
         WHERE lat BETWEEN $1 AND $2 AND lng BETWEEN $3 AND $4
           AND live_since IS NOT NULL AND suspended_at IS NULL
         ORDER BY (lat - $5) ^ 2 + ((lng - $6) * $7) ^ 2
         LIMIT $8",
    )
    .bind(square.min_lat)
    .bind(square.max_lat)
    .bind(square.min_lng)
    .bind(square.max_lng)
    .bind(around.lat)
    .bind(around.lng)
    .bind(around.lat.to_radians().cos())
    .bind(limit)
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
                minimum_order_krw, delivery_fee_krw, prep_minutes, accepting_orders,
                live_since IS NOT NULL AS live, suspended_at IS NOT NULL AS suspended
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

/// Inserts a live store with its weekly hours (the demo's stores).
pub async fn insert_store(
    db: &mut PgConnection,
    store: &NewStore<'_>,
    week: &[DayHours],
) -> sqlx::Result<StoreId> {
    let store_id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO store.stores (store_id, owner_id, name, category, description, address, lat, lng,
             delivery_radius_m, minimum_order_krw, delivery_fee_krw, prep_minutes, accepting_orders,
             live_since, terms_set_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now(), now())",
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

/// The store an approved owner's application asked for, inside the caller's transaction: its
/// name, kind of food, phone and found address from the application, not live and not taking orders, with
/// the delivery terms every new store starts from until its owner sets them.
pub async fn insert_unlisted_store(
    db: &mut PgConnection,
    owner: AccountId,
    name: &str,
    category: &str,
    phone: &str,
    address: &str,
    at: Position,
) -> sqlx::Result<StoreId> {
    let store_id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO store.stores (store_id, owner_id, name, category, address, lat, lng, phone,
             delivery_radius_m, minimum_order_krw, delivery_fee_krw, prep_minutes, accepting_orders)
         VALUES ($1, $2, $3, $8, $4, $5, $6, $7, 2000, 0, 3000, 20, false)",
    )
    .bind(store_id)
    .bind(owner.0)
    .bind(name)
    .bind(address)
    .bind(at.lat)
    .bind(at.lng)
    .bind(phone)
    .bind(category)
    .execute(&mut *db)
    .await?;
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

/// One store by id.
pub async fn store_by_id(
    db: impl PgExecutor<'_>,
    store: StoreId,
) -> sqlx::Result<Option<StoreRow>> {
    sqlx::query_as(
        "SELECT store_id, owner_id, name, category, address, lat, lng, delivery_radius_m,
                minimum_order_krw, delivery_fee_krw, prep_minutes, accepting_orders,
                live_since IS NOT NULL AS live, suspended_at IS NOT NULL AS suspended
         FROM store.stores WHERE store_id = $1",
    )
    .bind(store.0)
    .fetch_optional(db)
    .await
}

/// Moves a store: its address as riders read it and its point, from which distances are measured.
pub async fn move_store(
    db: impl PgExecutor<'_>,
    store: StoreId,
    address: &str,
    at: Position,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE store.stores SET address = $2, lat = $3, lng = $4 WHERE store_id = $1")
        .bind(store.0)
        .bind(address)
        .bind(at.lat)
        .bind(at.lng)
        .execute(db)
        .await?;
    Ok(())
}

/// The store and its opening hours in one read.
pub async fn store_with_hours(
    db: impl PgExecutor<'_>,
    store: StoreId,
) -> sqlx::Result<Option<(StoreRow, Vec<DayHours>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        store: StoreRow,
        weekdays: Vec<i16>,
        opens: Vec<i16>,
        closes: Vec<i16>,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT s.store_id, s.owner_id, s.name, s.category, s.address, s.lat, s.lng,
                s.delivery_radius_m, s.minimum_order_krw, s.delivery_fee_krw, s.prep_minutes,
                s.accepting_orders, s.live_since IS NOT NULL AS live,
                s.suspended_at IS NOT NULL AS suspended,
                array_remove(array_agg(h.weekday), NULL) AS weekdays,
                array_remove(array_agg(h.opens_min), NULL) AS opens,
                array_remove(array_agg(h.closes_min), NULL) AS closes
         FROM store.stores s LEFT JOIN store.opening_hours h USING (store_id)
         WHERE s.store_id = $1
         GROUP BY s.store_id",
    )
    .bind(store.0)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| {
        let week = (row.weekdays.iter().zip(&row.opens).zip(&row.closes))
            .map(|((&weekday, &opens), &closes)| DayHours {
                weekday: weekday as u8,
                opens: opens as u16,
                closes: closes as u16,
            })
            .collect();
        (row.store, week)
    }))
}

#[derive(sqlx::FromRow)]
struct MenuRow {
    item_id: Uuid,
    item_category: String,
    item_name: String,
    item_description: String,
    price_krw: i64,
    item_sold_out: bool,
    group_id: Option<Uuid>,
    group_name: Option<String>,
    min_select: Option<i16>,
    max_select: Option<i16>,
    option_id: Option<Uuid>,
    option_name: Option<String>,
    price_delta_krw: Option<i64>,
    option_sold_out: Option<bool>,
}

/// The items of `store` among `items` (others are ignored), with their option groups.
pub async fn menu_items(
    db: impl PgExecutor<'_>,
    store: StoreId,
    items: &[Uuid],
) -> sqlx::Result<Vec<MenuItem>> {
    menu(db, store, Some(items)).await
}

/// The whole menu of `store`, in the order the owner arranged it.
pub async fn menu_of_store(db: impl PgExecutor<'_>, store: StoreId) -> sqlx::Result<Vec<MenuItem>> {
    menu(db, store, None).await
}

/// The menu of `store`, limited to `items` when given.
async fn menu(
    db: impl PgExecutor<'_>,
    store: StoreId,
    items: Option<&[Uuid]>,
) -> sqlx::Result<Vec<MenuItem>> {
    let rows: Vec<MenuRow> = sqlx::query_as(
        "SELECT i.item_id, i.category AS item_category, i.name AS item_name,
                i.description AS item_description, i.price_krw, i.sold_out AS item_sold_out,
                g.group_id, g.name AS group_name, g.min_select, g.max_select,
                o.option_id, o.name AS option_name, o.price_delta_krw, o.sold_out AS option_sold_out
         FROM store.menu_items i
         LEFT JOIN store.menu_option_groups g ON g.item_id = i.item_id
         LEFT JOIN store.menu_options o ON o.group_id = g.group_id
         WHERE i.store_id = $1 AND ($2::uuid[] IS NULL OR i.item_id = ANY($2))
         ORDER BY i.position, g.position, o.position",
    )
    .bind(store.0)
    .bind(items)
    .fetch_all(db)
    .await?;
    let mut menu: Vec<MenuItem> = Vec::new();
    for row in rows {
        if menu.last().is_none_or(|item| item.item_id != row.item_id) {
            menu.push(MenuItem {
                item_id: row.item_id,
                category: row.item_category.clone(),
                name: row.item_name.clone(),
                description: row.item_description.clone(),
                price: Won(row.price_krw),
                sold_out: row.item_sold_out,
                groups: Vec::new(),
            });
        }
        let Some(item) = menu.last_mut() else {
            continue;
        };
        let Some(group_id) = row.group_id else {
            continue;
        };
        if item.groups.last().is_none_or(|g| g.group_id != group_id) {
            item.groups.push(OptionGroup {
                group_id,
                name: row.group_name.clone().unwrap_or_default(),
                min: row.min_select.unwrap_or(0) as u8,
                max: row.max_select.unwrap_or(1) as u8,
                options: Vec::new(),
            });
        }
        let (Some(group), Some(option_id)) = (item.groups.last_mut(), row.option_id) else {
            continue;
        };
        group.options.push(MenuOption {
            option_id,
            name: row.option_name.unwrap_or_default(),
            price_delta: Won(row.price_delta_krw.unwrap_or(0)),
            sold_out: row.option_sold_out.unwrap_or(false),
        });
    }
    Ok(menu)
}

/// What the owner's kitchens show: every order still on the board, and the orders finished
/// since `day_started` (the day's list), newest first.
pub async fn kitchen_orders(
    db: impl PgExecutor<'_>,
    owner: AccountId,
    day_started: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<Vec<super::KitchenOrder>> {
    type Row = (
        Uuid,
        Uuid,
        String,
        Option<String>,
        sqlx::types::Json<Vec<crate::platform::events::OrderLine>>,
        i64,
        Option<chrono::DateTime<chrono::Utc>>,
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
        String,
        String,
    );
    let finished: Vec<&str> = OrderStatus::ALL
        .into_iter()
        .filter(|status| super::done_for_the_kitchen(*status))
        .map(OrderStatus::as_str)
        .collect();
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT o.order_id, o.store_id, o.status, o.outcome_reason, o.lines, o.total_krw,
                o.accept_by, o.received_at, o.status_since, o.delivery_address, o.rider_note
         FROM store.store_orders o JOIN store.stores s ON s.store_id = o.store_id
         WHERE s.owner_id = $1 AND (o.status <> ALL($2) OR o.status_since >= $3)
         ORDER BY o.received_at DESC LIMIT 200",
    )
    .bind(owner.0)
    .bind(&finished)
    .bind(day_started)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(
            |(
                order_id,
                store_id,
                status,
                outcome_reason,
                lines,
                total,
                accept_by,
                received_at,
                status_since,
                delivery_address,
                rider_note,
            )| {
                Ok(super::KitchenOrder {
                    order_id: crate::ordering::OrderId(order_id),
                    store_id: StoreId(store_id),
                    status: OrderStatus::parse(&status).ok_or_else(|| {
                        sqlx::Error::Decode(format!("unknown kitchen status {status:?}").into())
                    })?,
                    outcome_reason,
                    lines: lines.0,
                    total: Won(total),
                    accept_by,
                    received_at,
                    status_since,
                    delivery_address,
                    rider_note,
                })
            },
        )
        .collect()
}

/// Adds a dish at the end of the menu of `store`, if `owner` owns it.
pub async fn add_menu_item(
    db: impl PgExecutor<'_>,
    owner: AccountId,
    store: StoreId,
    dish: &Dish,
    most: i64,
) -> sqlx::Result<Added> {
    let row = sqlx::query_as(
        "WITH parent AS (
             SELECT s.store_id,
                    (SELECT count(*) FROM store.menu_items WHERE store_id = s.store_id) AS held,
                    (SELECT coalesce(max(position) + 1, 0) FROM store.menu_items
                     WHERE store_id = s.store_id) AS next_position
             FROM store.stores s WHERE s.store_id = $1 AND s.owner_id = $2),
         added AS (
             INSERT INTO store.menu_items
                 (item_id, store_id, category, name, description, price_krw, position)
             SELECT $3, store_id, $4, $5, $6, $7, next_position FROM parent WHERE held < $8
             RETURNING item_id)
         SELECT (SELECT held FROM parent), (SELECT item_id FROM added)",
    )
    .bind(store.0)
    .bind(owner.0)
    .bind(Uuid::new_v4())
    .bind(&dish.category)
    .bind(&dish.name)
    .bind(&dish.description)
    .bind(dish.price.0)
    .bind(most)
    .fetch_one(db)
    .await?;
    Ok(Added::from_row(row))
}

/// Changes a dish of one of `owner`'s stores. Returns whether there was such a dish.
pub async fn edit_menu_item(
    db: impl PgExecutor<'_>,
    owner: AccountId,
    item: Uuid,
    dish: &Dish,
) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "UPDATE store.menu_items i SET category = $3, name = $4, description = $5, price_krw = $6
         FROM store.stores s
         WHERE i.item_id = $1 AND s.store_id = i.store_id AND s.owner_id = $2",
    )
    .bind(item)
    .bind(owner.0)
    .bind(&dish.category)
    .bind(&dish.name)
    .bind(&dish.description)
    .bind(dish.price.0)
    .execute(db)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Marks a dish of one of `owner`'s stores sold out or back. Returns whether there was such a dish.
pub async fn set_item_sold_out(
    db: impl PgExecutor<'_>,
    owner: AccountId,
    item: Uuid,
    sold_out: bool,
) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "UPDATE store.menu_items i SET sold_out = $3
         FROM store.stores s
         WHERE i.item_id = $1 AND s.store_id = i.store_id AND s.owner_id = $2",
    )
    .bind(item)
    .bind(owner.0)
    .bind(sold_out)
    .execute(db)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Adds an option group at the end of a dish of one of `owner`'s stores.
pub async fn add_option_group(
    db: impl PgExecutor<'_>,
    owner: AccountId,
    item: Uuid,
    rule: &GroupRule,
    most: i64,
) -> sqlx::Result<Added> {
    let row = sqlx::query_as(
        "WITH parent AS (
             SELECT i.item_id,
                    (SELECT count(*) FROM store.menu_option_groups WHERE item_id = i.item_id) AS held,
                    (SELECT coalesce(max(position) + 1, 0) FROM store.menu_option_groups
                     WHERE item_id = i.item_id) AS next_position
             FROM store.menu_items i JOIN store.stores s ON s.store_id = i.store_id
             WHERE i.item_id = $1 AND s.owner_id = $2),
         added AS (
             INSERT INTO store.menu_option_groups
                 (group_id, item_id, name, min_select, max_select, position)
             SELECT $3, item_id, $4, $5, $6, next_position FROM parent WHERE held < $7
             RETURNING group_id)
         SELECT (SELECT held FROM parent), (SELECT group_id FROM added)",
    )
    .bind(item)
    .bind(owner.0)
    .bind(Uuid::new_v4())
    .bind(&rule.name)
    .bind(rule.min)
    .bind(rule.max)
    .bind(most)
    .fetch_one(db)
    .await?;
    Ok(Added::from_row(row))
}

/// Adds an option at the end of a group of one of `owner`'s dishes.
pub async fn add_menu_option(
    db: impl PgExecutor<'_>,
    owner: AccountId,
    group: Uuid,
    name: &str,
    price_delta: Won,
    most: i64,
) -> sqlx::Result<Added> {
    let row = sqlx::query_as(
        "WITH parent AS (
             SELECT g.group_id,
                    (SELECT count(*) FROM store.menu_options WHERE group_id = g.group_id) AS held,
                    (SELECT coalesce(max(position) + 1, 0) FROM store.menu_options
                     WHERE group_id = g.group_id) AS next_position
             FROM store.menu_option_groups g
             JOIN store.menu_items i ON i.item_id = g.item_id
             JOIN store.stores s ON s.store_id = i.store_id
             WHERE g.group_id = $1 AND s.owner_id = $2),
         added AS (
             INSERT INTO store.menu_options (option_id, group_id, name, price_delta_krw, position)
             SELECT $3, group_id, $4, $5, next_position FROM parent WHERE held < $6
             RETURNING option_id)
         SELECT (SELECT held FROM parent), (SELECT option_id FROM added)",
    )
    .bind(group)
    .bind(owner.0)
    .bind(Uuid::new_v4())
    .bind(name)
    .bind(price_delta.0)
    .bind(most)
    .fetch_one(db)
    .await?;
    Ok(Added::from_row(row))
}

/// What adding to a menu did. The cap is counted in the same statement as the insert, so adds
/// racing each other can pass it by the few that raced; it bounds a menu's size, not its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    New(Uuid),
    /// The store, dish or group is not the owner's (or does not exist).
    NotYours,
    /// It already holds the most it may.
    Full,
}

impl Added {
    fn from_row((held, added): (Option<i64>, Option<Uuid>)) -> Added {
        match (held, added) {
            (_, Some(id)) => Added::New(id),
            (None, None) => Added::NotYours,
            (Some(_), None) => Added::Full,
        }
    }
}

/// Changes an option's name, extra price or sold-out flag, if `owner` sells it.
pub async fn edit_menu_option(
    db: impl PgExecutor<'_>,
    owner: AccountId,
    option: Uuid,
    change: OptionChange<'_>,
) -> sqlx::Result<bool> {
    let (name, price_delta, sold_out) = match change {
        OptionChange::Details { name, price_delta } => (Some(name), Some(price_delta.0), None),
        OptionChange::SoldOut(sold_out) => (None, None, Some(sold_out)),
    };
    let updated = sqlx::query(
        "UPDATE store.menu_options o
         SET name = coalesce($3, o.name),
             price_delta_krw = coalesce($4, o.price_delta_krw),
             sold_out = coalesce($5, o.sold_out)
         FROM store.menu_option_groups g, store.menu_items i, store.stores s
         WHERE o.option_id = $1 AND g.group_id = o.group_id AND i.item_id = g.item_id
           AND s.store_id = i.store_id AND s.owner_id = $2",
    )
    .bind(option)
    .bind(owner.0)
    .bind(name)
    .bind(price_delta)
    .bind(sold_out)
    .execute(db)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// One change to an option.
pub enum OptionChange<'a> {
    Details { name: &'a str, price_delta: Won },
    SoldOut(bool),
}

/// Replaces the week's hours of `store`, if `owner` owns it. Returns whether it did.
pub async fn set_hours(
    db: &mut PgConnection,
    owner: AccountId,
    store: StoreId,
    week: &[DayHours],
) -> sqlx::Result<bool> {
    let owned: Option<Uuid> = sqlx::query_scalar(
        "SELECT store_id FROM store.stores WHERE store_id = $1 AND owner_id = $2 FOR UPDATE",
    )
    .bind(store.0)
    .bind(owner.0)
    .fetch_optional(&mut *db)
    .await?;
    if owned.is_none() {
        return Ok(false);
    }
    sqlx::query("DELETE FROM store.opening_hours WHERE store_id = $1")
        .bind(store.0)
        .execute(&mut *db)
        .await?;
    let weekdays: Vec<i16> = week.iter().map(|d| i16::from(d.weekday)).collect();
    let opens: Vec<i16> = week.iter().map(|d| d.opens as i16).collect();
    let closes: Vec<i16> = week.iter().map(|d| d.closes as i16).collect();
    sqlx::query(
        "INSERT INTO store.opening_hours (store_id, weekday, opens_min, closes_min)
         SELECT $1, * FROM unnest($2::smallint[], $3::smallint[], $4::smallint[])",
    )
    .bind(store.0)
    .bind(weekdays)
    .bind(opens)
    .bind(closes)
    .execute(&mut *db)
    .await?;
    Ok(true)
}

/// A store's phone, where it stands, and what it has of what it needs to go live.
pub struct Standing {
    pub phone: Option<String>,
    pub live_since: Option<chrono::DateTime<chrono::Utc>>,
    pub suspended_because: Option<String>,
    pub readiness: Readiness,
}

#[derive(sqlx::FromRow)]
struct StandingRow {
    phone: Option<String>,
    live_since: Option<chrono::DateTime<chrono::Utc>>,
    suspended_reason: Option<String>,
    has_hours: bool,
    has_dish: bool,
    terms_set: bool,
}

/// Reads the store's standing and its go-live checklist in one query; `None` for no such store.
pub async fn standing_of(
    db: impl PgExecutor<'_>,
    store: StoreId,
) -> sqlx::Result<Option<Standing>> {
    let row: Option<StandingRow> = sqlx::query_as(
        "SELECT s.phone, s.live_since, s.suspended_reason,
                EXISTS (SELECT 1 FROM store.opening_hours h WHERE h.store_id = s.store_id)
                    AS has_hours,
                EXISTS (SELECT 1 FROM store.menu_items i WHERE i.store_id = s.store_id)
                    AS has_dish,
                s.terms_set_at IS NOT NULL AS terms_set
         FROM store.stores s WHERE s.store_id = $1",
    )
    .bind(store.0)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| Standing {
        readiness: Readiness {
            // Every store has a point from a found address: the application's, or the owner's
            // move.
            place: true,
            phone: row.phone.is_some(),
            hours: row.has_hours,
            dish: row.has_dish,
            terms: row.terms_set,
        },
        phone: row.phone,
        live_since: row.live_since,
        suspended_because: row.suspended_reason,
    }))
}

/// Sets the delivery terms of `store` (checked by the caller) and marks them confirmed, if
/// `owner` owns it. Returns whether it did.
pub async fn set_terms(
    db: impl PgExecutor<'_>,
    owner: AccountId,
    store: StoreId,
    terms: DeliveryTerms,
) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "UPDATE store.stores
         SET delivery_radius_m = $3, minimum_order_krw = $4, delivery_fee_krw = $5,
             prep_minutes = $6, terms_set_at = now()
         WHERE store_id = $1 AND owner_id = $2",
    )
    .bind(store.0)
    .bind(owner.0)
    .bind(terms.radius_m as i32)
    .bind(terms.minimum_order_krw)
    .bind(terms.delivery_fee_krw)
    .bind(i32::from(terms.prep_minutes))
    .execute(db)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Sets the phone of `store` (digits, checked by the caller), if `owner` owns it. Returns whether
/// it did.
pub async fn set_phone(
    db: impl PgExecutor<'_>,
    owner: AccountId,
    store: StoreId,
    phone: &str,
) -> sqlx::Result<bool> {
    let updated =
        sqlx::query("UPDATE store.stores SET phone = $3 WHERE store_id = $1 AND owner_id = $2")
            .bind(store.0)
            .bind(owner.0)
            .bind(phone)
            .execute(db)
            .await?
            .rows_affected();
    Ok(updated == 1)
}

/// Takes the store live and opens it for orders; false if it was live already.
pub async fn take_live(db: impl PgExecutor<'_>, store: StoreId) -> sqlx::Result<bool> {
    let updated = sqlx::query(
        "UPDATE store.stores SET live_since = now(), accepting_orders = true
         WHERE store_id = $1 AND live_since IS NULL",
    )
    .bind(store.0)
    .execute(db)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Stores whose name contains `query` (any case), for the operators, by name; at most `limit`.
pub async fn find_stores(
    db: impl PgExecutor<'_>,
    query: &str,
    limit: i64,
) -> sqlx::Result<Vec<StoreRecord>> {
    let rows: Vec<(Uuid, String, String, String, bool, Option<String>)> = sqlx::query_as(
        "SELECT s.store_id, s.name, s.address, a.email, s.live_since IS NOT NULL,
                s.suspended_reason
         FROM store.stores s JOIN platform.accounts a ON a.account_id = s.owner_id
         WHERE strpos(lower(s.name), lower($1)) > 0
         ORDER BY s.name, s.store_id LIMIT $2",
    )
    .bind(query)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(store_id, name, address, owner_email, live, suspended_because)| StoreRecord {
                store_id: StoreId(store_id),
                name,
                address,
                owner_email,
                live,
                suspended_because,
            },
        )
        .collect())
}

/// Suspends the store for `reason`: `None` if there is no such store, `Some(false)` if it was
/// suspended already.
pub async fn suspend(
    db: impl PgExecutor<'_>,
    store: StoreId,
    reason: &str,
    operator: AccountId,
) -> sqlx::Result<Option<bool>> {
    let row: Option<bool> = sqlx::query_scalar(
        "WITH target AS (SELECT store_id, suspended_at IS NULL AS free FROM store.stores
                         WHERE store_id = $1 FOR UPDATE),
              changed AS (UPDATE store.stores s
                          SET suspended_at = now(), suspended_reason = $2, suspended_by = $3
                          FROM target t WHERE s.store_id = t.store_id AND t.free
                          RETURNING s.store_id)
         SELECT EXISTS (SELECT 1 FROM changed) FROM target",
    )
    .bind(store.0)
    .bind(reason)
    .bind(operator.0)
    .fetch_optional(db)
    .await?;
    Ok(row)
}

/// Lifts the store's suspension: `None` if there is no such store, `Some(false)` if it was not
/// suspended.
pub async fn lift_suspension(
    db: impl PgExecutor<'_>,
    store: StoreId,
) -> sqlx::Result<Option<bool>> {
    let row: Option<bool> = sqlx::query_scalar(
        "WITH target AS (SELECT store_id, suspended_at IS NOT NULL AS held FROM store.stores
                         WHERE store_id = $1 FOR UPDATE),
              changed AS (UPDATE store.stores s
                          SET suspended_at = NULL, suspended_reason = NULL, suspended_by = NULL
                          FROM target t WHERE s.store_id = t.store_id AND t.held
                          RETURNING s.store_id)
         SELECT EXISTS (SELECT 1 FROM changed) FROM target",
    )
    .bind(store.0)
    .fetch_optional(db)
    .await?;
    Ok(row)
}
