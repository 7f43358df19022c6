//! The `platform` schema: accounts and customers' saved addresses.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::sign_up::{Consent, CONSENT_WORDING};
use super::{geo::Position, AccountId, CurrentUser, DemoAccount, Role, SavedAddress};

/// An account with its password hash; never leaves the server.
pub struct AccountWithPassword {
    pub user: CurrentUser,
    pub password_hash: String,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    account_id: Uuid,
    email: String,
    display_name: String,
    role: String,
    password_hash: String,
}

impl AccountRow {
    fn into_account(self) -> Option<AccountWithPassword> {
        let role = Role::parse(&self.role)?;
        Some(AccountWithPassword {
            user: CurrentUser {
                account_id: AccountId(self.account_id),
                display_name: self.display_name,
                email: self.email,
                role,
            },
            password_hash: self.password_hash,
        })
    }
}

/// Finds an account by email, ignoring case.
pub async fn account_by_email(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<AccountWithPassword>> {
    let row: Option<AccountRow> = sqlx::query_as(
        "SELECT account_id, email, display_name, role, password_hash
         FROM platform.accounts WHERE lower(email) = lower($1)",
    )
    .bind(email)
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(AccountRow::into_account))
}

/// Whether the browser whose token hashes to `token_hash` has logged into `account_id` within
/// the last `known_for`.
pub async fn device_is_known(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    account_id: AccountId,
    known_for: chrono::Duration,
) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM platform.known_devices
         WHERE token_hash = $1 AND account_id = $2 AND last_used_at > clock_timestamp() - $3)",
    )
    .bind(token_hash)
    .bind(account_id.0)
    .bind(known_for)
    .fetch_one(db)
    .await
}

/// Records that the browser whose token hashes to `token_hash` has just logged into
/// `account_id`.
pub async fn remember_device(
    db: impl PgExecutor<'_>,
    token_hash: &[u8],
    account_id: AccountId,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO platform.known_devices (token_hash, account_id) VALUES ($1, $2)
         ON CONFLICT (token_hash, account_id) DO UPDATE SET last_used_at = clock_timestamp()",
    )
    .bind(token_hash)
    .bind(account_id.0)
    .execute(db)
    .await?;
    Ok(())
}

/// Finds an account by id.
pub async fn account_by_id(
    db: impl PgExecutor<'_>,
    account_id: AccountId,
) -> sqlx::Result<Option<CurrentUser>> {
    let row: Option<AccountRow> = sqlx::query_as(
        "SELECT account_id, email, display_name, role, password_hash
         FROM platform.accounts WHERE account_id = $1",
    )
    .bind(account_id.0)
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(AccountRow::into_account).map(|a| a.user))
}

/// A new account to store.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub phone: Option<&'a str>,
    pub role: Role,
    pub password_hash: &'a str,
}

/// Inserts an account and returns its id.
pub async fn insert_account(
    db: impl PgExecutor<'_>,
    account: &NewAccount<'_>,
) -> sqlx::Result<AccountId> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO platform.accounts (account_id, email, display_name, phone, role, password_hash)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING account_id",
    )
    .bind(Uuid::new_v4())
    .bind(account.email)
    .bind(account.display_name)
    .bind(account.phone)
    .bind(account.role.as_str())
    .bind(account.password_hash)
    .fetch_one(db)
    .await?;
    Ok(AccountId(id))
}

/// Creates a customer account with the consents it gave, in one transaction; `None` when the
/// email (in any case) already has an account of any role.
pub async fn create_customer(
    pool: &PgPool,
    email: &str,
    display_name: &str,
    password_hash: &str,
    consents: &[Consent],
) -> sqlx::Result<Option<CurrentUser>> {
    let mut tx = pool.begin().await?;
    let created: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO platform.accounts (account_id, email, display_name, role, password_hash)
         VALUES ($1, $2, $3, 'customer', $4)
         ON CONFLICT DO NOTHING RETURNING account_id",
    )
    .bind(Uuid::new_v4())
    .bind(email)
    .bind(display_name)
    .bind(password_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(account_id) = created else {
        return Ok(None);
    };
    let names: Vec<&str> = consents.iter().map(|c| c.as_str()).collect();
    sqlx::query(
        "INSERT INTO platform.consents (account_id, consent, wording)
         SELECT $1, consent, $3 FROM unnest($2::text[]) AS consent",
    )
    .bind(account_id)
    .bind(&names)
    .bind(CONSENT_WORDING)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(CurrentUser {
        account_id: AccountId(account_id),
        display_name: display_name.to_owned(),
        email: email.to_owned(),
        role: Role::Customer,
    }))
}

/// A delivery address about to be saved.
#[derive(Debug, Clone, Copy)]
pub struct NewAddress<'a> {
    pub label: &'a str,
    pub line: &'a str,
    pub lot_address: Option<&'a str>,
    pub building: Option<&'a str>,
    pub unit: &'a str,
    pub rider_note: &'a str,
    pub position: Position,
}

/// Saves a delivery address for a customer, inside the caller's transaction, unless the customer
/// already keeps `most` of them (then `None`).
pub async fn insert_address(
    tx: &mut sqlx::PgConnection,
    account_id: AccountId,
    address: NewAddress<'_>,
    most: i64,
) -> sqlx::Result<Option<Uuid>> {
    // The account's row is the lock: two saves at once are counted one after the other.
    sqlx::query("SELECT 1 FROM platform.accounts WHERE account_id = $1 FOR UPDATE")
        .bind(account_id.0)
        .execute(&mut *tx)
        .await?;
    let saved: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.customer_addresses WHERE account_id = $1",
    )
    .bind(account_id.0)
    .fetch_one(&mut *tx)
    .await?;
    if saved >= most {
        return Ok(None);
    }
    let address_id = sqlx::query_scalar(
        "INSERT INTO platform.customer_addresses
             (address_id, account_id, label, line, lot_address, building, unit, rider_note, lat, lng)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING address_id",
    )
    .bind(Uuid::new_v4())
    .bind(account_id.0)
    .bind(address.label)
    .bind(address.line)
    .bind(address.lot_address)
    .bind(address.building)
    .bind(address.unit)
    .bind(address.rider_note)
    .bind(address.position.lat)
    .bind(address.position.lng)
    .fetch_one(&mut *tx)
    .await?;
    Ok(Some(address_id))
}

type AddressRow = (
    Uuid,
    String,
    String,
    Option<String>,
    String,
    String,
    f64,
    f64,
);

fn saved_address(
    (address_id, label, line, building, unit, rider_note, lat, lng): AddressRow,
) -> SavedAddress {
    SavedAddress {
        address_id,
        label,
        line,
        building,
        unit,
        rider_note,
        position: Position { lat, lng },
    }
}

/// A customer's saved addresses, oldest first (the first is their usual one).
pub async fn addresses_of(
    db: impl PgExecutor<'_>,
    account_id: AccountId,
) -> sqlx::Result<Vec<SavedAddress>> {
    let rows: Vec<AddressRow> = sqlx::query_as(
        "SELECT address_id, label, line, building, unit, rider_note, lat, lng
         FROM platform.customer_addresses
         WHERE account_id = $1 ORDER BY created_at, label",
    )
    .bind(account_id.0)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(saved_address).collect())
}

/// The demo's accounts, for the login page; only called when the server runs with demo data.
pub async fn demo_accounts(db: &PgPool) -> sqlx::Result<Vec<DemoAccount>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        // The demo's accounts were loaded together, first; anyone who signed up since is a
        // person whose email is nobody else's business.
        "SELECT email, display_name, role FROM platform.accounts
         WHERE created_at = (SELECT min(created_at) FROM platform.accounts)
         ORDER BY array_position(ARRAY['customer','owner','rider','operator'], role), email",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(email, display_name, role)| {
            Some(DemoAccount {
                email,
                display_name,
                role: Role::parse(&role)?,
            })
        })
        .collect())
}

/// Whether any account exists yet: demo data loads only into an empty database.
pub async fn has_accounts(db: impl PgExecutor<'_>) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM platform.accounts)")
        .fetch_one(db)
        .await
}

/// Number of accounts per role, for the operator.
pub async fn count_accounts_by_role(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(Role, i64)>> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT role, count(*) FROM platform.accounts GROUP BY role")
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(role, n)| Some((Role::parse(&role)?, n)))
        .collect())
}

/// One of a customer's saved addresses; `None` if it is not theirs.
pub async fn address_of(
    db: impl PgExecutor<'_>,
    account_id: AccountId,
    address_id: Uuid,
) -> sqlx::Result<Option<SavedAddress>> {
    let row: Option<AddressRow> = sqlx::query_as(
        "SELECT address_id, label, line, building, unit, rider_note, lat, lng
         FROM platform.customer_addresses
         WHERE account_id = $1 AND address_id = $2",
    )
    .bind(account_id.0)
    .bind(address_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(saved_address))
}
