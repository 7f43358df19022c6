//! Demo data: stores with Korean menus around Seongsu-dong, and accounts for every role.
//! Loaded only into an empty database, in one transaction.

use anyhow::{anyhow, Context, Result};
use serde::Deserialize;
use sqlx::PgPool;
use std::collections::HashMap;

use app::delivery;
use app::platform::phone::MobileNumber;
use app::platform::{self, auth::hash_password, geo::Position, AccountId, Role};
use app::store::{self, hours};

const SEONGSU: &str = include_str!("../demo/seongsu.json");

#[derive(Deserialize)]
struct DemoSet {
    password: String,
    accounts: Vec<DemoAccount>,
    addresses: Vec<DemoAddress>,
    riders: Vec<DemoRider>,
    stores: Vec<DemoStore>,
}

#[derive(Deserialize)]
struct DemoAccount {
    key: String,
    email: String,
    name: String,
    phone: Option<String>,
    role: String,
}

#[derive(Deserialize)]
struct DemoAddress {
    account: String,
    label: String,
    line: String,
    #[serde(default)]
    building: Option<String>,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    rider_note: String,
    lat: f64,
    lng: f64,
}

#[derive(Deserialize)]
struct DemoRider {
    account: String,
    on_duty: bool,
    lat: Option<f64>,
    lng: Option<f64>,
    range_m: i32,
}

#[derive(Deserialize)]
struct DemoStore {
    owner: String,
    name: String,
    category: String,
    description: String,
    address: String,
    lat: f64,
    lng: f64,
    radius_m: i32,
    minimum_order: i64,
    delivery_fee: i64,
    prep_minutes: i32,
    accepting_orders: bool,
    hours: String,
    menu: Vec<DemoItem>,
}

#[derive(Deserialize)]
struct DemoItem {
    category: String,
    name: String,
    description: String,
    price: i64,
    #[serde(default)]
    sold_out: bool,
    #[serde(default)]
    options: Vec<DemoOptionGroup>,
}

#[derive(Deserialize)]
struct DemoOptionGroup {
    group: String,
    min: i16,
    max: i16,
    choices: Vec<(String, i64)>,
}

/// Loads the demo set into an empty database and says whether the login page may list the demo
/// accounts and their shared password: only when the demo set's accounts are the database's
/// first (loaded now or by an earlier demo run). People who signed up on the demo since come
/// after them and change nothing; a database that had anyone else's account before, started
/// with the demo switched on by mistake, lists nobody.
pub async fn prepare(pool: &PgPool) -> Result<Option<String>> {
    let loaded = load_if_empty(pool).await?;
    let demo = parse()?;
    let emails: Vec<&str> = demo.accounts.iter().map(|a| a.email.as_str()).collect();
    let older_than_demo: Option<i64> = sqlx::query_scalar(
        "SELECT count(*) FROM platform.accounts
         WHERE email <> ALL($1)
           AND created_at <= (SELECT min(created_at) FROM platform.accounts WHERE email = ANY($1))
         HAVING EXISTS (SELECT 1 FROM platform.accounts WHERE email = ANY($1))",
    )
    .bind(&emails)
    .fetch_optional(pool)
    .await?;
    if older_than_demo != Some(0) {
        tracing::warn!(
            "the database holds accounts from before the demo's, or none of the demo's: \
             demo data not loaded, demo logins not listed"
        );
        return Ok(None);
    }
    if loaded {
        tracing::info!("demo data loaded into the empty database");
    }
    Ok(Some(demo.password))
}

fn parse() -> Result<DemoSet> {
    serde_json::from_str(SEONGSU).context("demo/seongsu.json is malformed")
}

/// Loads the demo set unless the database already has accounts. Returns whether it loaded.
pub async fn load_if_empty(pool: &PgPool) -> Result<bool> {
    let demo = parse()?;
    let mut tx = pool.begin().await?;
    // Two servers starting at once on one empty database must not both load.
    sqlx::query("LOCK TABLE platform.accounts IN EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    if platform::has_accounts(&mut *tx).await? {
        return Ok(false);
    }

    let mut ids: HashMap<&str, AccountId> = HashMap::new();
    for account in &demo.accounts {
        let role = Role::parse(&account.role).ok_or_else(|| {
            anyhow!(
                "demo account {} has unknown role {}",
                account.key,
                account.role
            )
        })?;
        let password_hash =
            hash_password(&demo.password).map_err(|e| anyhow!("hashing a password: {e}"))?;
        let phone = account
            .phone
            .as_deref()
            .map(MobileNumber::parse)
            .transpose()
            .map_err(|_| anyhow!("demo account {} has a malformed phone", account.key))?;
        let id = platform::insert_account(
            &mut *tx,
            &platform::NewAccount {
                email: &account.email,
                display_name: &account.name,
                phone: phone.as_ref(),
                role,
                password_hash: &password_hash,
            },
        )
        .await?;
        ids.insert(&account.key, id);
    }
    let account = |key: &str| {
        ids.get(key)
            .copied()
            .ok_or_else(|| anyhow!("demo data refers to unknown account {key}"))
    };

    for address in &demo.addresses {
        let position = position(address.lat, address.lng)?;
        platform::insert_address(
            &mut tx,
            account(&address.account)?,
            platform::NewAddress {
                label: &address.label,
                line: &address.line,
                lot_address: None,
                building: address.building.as_deref(),
                unit: &address.unit,
                rider_note: &address.rider_note,
                position,
            },
            platform::api::MAX_SAVED_ADDRESSES as i64,
        )
        .await?
        .ok_or_else(|| anyhow!("demo data gives {} too many addresses", address.account))?;
    }

    for rider in &demo.riders {
        let position = match (rider.lat, rider.lng) {
            (Some(lat), Some(lng)) => Some(position(lat, lng)?),
            _ => None,
        };
        delivery::upsert_rider(
            &mut *tx,
            account(&rider.account)?,
            rider.on_duty,
            position,
            rider.range_m,
        )
        .await?;
    }

    for demo_store in &demo.stores {
        let week = hours::every_day(&demo_store.hours)
            .ok_or_else(|| anyhow!("{}: bad hours {}", demo_store.name, demo_store.hours))?;
        let store_id = store::insert_store(
            &mut tx,
            &store::NewStore {
                owner: account(&demo_store.owner)?,
                name: &demo_store.name,
                category: &demo_store.category,
                description: &demo_store.description,
                address: &demo_store.address,
                position: position(demo_store.lat, demo_store.lng)?,
                delivery_radius_m: demo_store.radius_m,
                minimum_order_krw: demo_store.minimum_order,
                delivery_fee_krw: demo_store.delivery_fee,
                prep_minutes: demo_store.prep_minutes,
                accepting_orders: demo_store.accepting_orders,
            },
            &week,
        )
        .await?;
        for (position, item) in demo_store.menu.iter().enumerate() {
            let option_groups = item
                .options
                .iter()
                .map(|group| store::NewOptionGroup {
                    name: &group.group,
                    min_select: group.min,
                    max_select: group.max,
                    choices: group
                        .choices
                        .iter()
                        .map(|(name, delta)| (name.as_str(), *delta))
                        .collect(),
                })
                .collect();
            store::insert_menu_item(
                &mut tx,
                store_id,
                position as i32,
                &store::NewMenuItem {
                    category: &item.category,
                    name: &item.name,
                    description: &item.description,
                    price_krw: item.price,
                    sold_out: item.sold_out,
                    option_groups,
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    tracing::info!(
        accounts = demo.accounts.len(),
        stores = demo.stores.len(),
        "demo data loaded"
    );
    Ok(true)
}

fn position(lat: f64, lng: f64) -> Result<Position> {
    Position::new(lat, lng).ok_or_else(|| anyhow!("demo coordinate ({lat}, {lng}) is off the map"))
}
