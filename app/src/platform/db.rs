//! The `platform` schema: accounts and customers' saved addresses.

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::phone::{CodePurpose, MobileNumber, CODES_PER_ACCOUNT_PER_DAY, CODES_PER_PHONE_PER_DAY};
use super::phone::{CODE_LIVES_MINUTES, CODE_TRIES, RESEND_AFTER_SECONDS};
use super::sign_up::{Consent, CONSENT_WORDING};
use super::{geo::Position, AccountId, CurrentUser, DemoAccount, Role, SavedAddress};

/// An account with its password hash; never leaves the server.
pub struct AccountWithPassword {
    pub user: CurrentUser,
    pub password_hash: String,
    /// Whether an operator has suspended it: the right password then gets a sentence, not a
    /// session.
    pub suspended: bool,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    account_id: Uuid,
    email: String,
    display_name: String,
    role: String,
    password_hash: String,
    suspended: bool,
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
            suspended: self.suspended,
        })
    }
}

/// Finds an account by email, ignoring case.
pub async fn account_by_email(
    db: impl PgExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<AccountWithPassword>> {
    let row: Option<AccountRow> = sqlx::query_as(
        "SELECT account_id, email, display_name, role, password_hash,
                suspended_at IS NOT NULL AS suspended
         FROM platform.accounts WHERE lower(email) = lower($1) AND withdrawn_at IS NULL",
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

/// Finds an account by id, unless it has left or is suspended.
pub async fn account_by_id(
    db: impl PgExecutor<'_>,
    account_id: AccountId,
) -> sqlx::Result<Option<CurrentUser>> {
    let row: Option<AccountRow> = sqlx::query_as(
        "SELECT account_id, email, display_name, role, password_hash,
                suspended_at IS NOT NULL AS suspended
         FROM platform.accounts
         WHERE account_id = $1 AND withdrawn_at IS NULL AND suspended_at IS NULL",
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
    /// A phone already proven elsewhere (the demo's accounts, which the demo's KakaoTalk
    /// stand-in receives for); an account made here proves its phone with a code.
    pub phone: Option<&'a MobileNumber>,
    pub role: Role,
    pub password_hash: &'a str,
}

/// Inserts an account and returns its id.
pub async fn insert_account(
    db: impl PgExecutor<'_>,
    account: &NewAccount<'_>,
) -> sqlx::Result<AccountId> {
    let id: Uuid = sqlx::query_scalar(
        "INSERT INTO platform.accounts
             (account_id, email, display_name, phone, phone_proven_at, role, password_hash)
         VALUES ($1, $2, $3, $4, CASE WHEN $4 IS NOT NULL THEN clock_timestamp() END, $5, $6)
         RETURNING account_id",
    )
    .bind(Uuid::new_v4())
    .bind(account.email)
    .bind(account.display_name)
    .bind(account.phone.map(MobileNumber::digits))
    .bind(account.role.as_str())
    .bind(account.password_hash)
    .fetch_one(db)
    .await?;
    Ok(AccountId(id))
}

/// Creates an account (a customer, or an owner or rider about to apply) with the consents it
/// gave, in one transaction; `None` when the email (in any case) already has an account of any
/// role.
pub async fn create_account(
    pool: &PgPool,
    role: Role,
    email: &str,
    display_name: &str,
    password_hash: &str,
    consents: &[Consent],
) -> sqlx::Result<Option<CurrentUser>> {
    let mut tx = pool.begin().await?;
    let created: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO platform.accounts (account_id, email, display_name, role, password_hash)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING account_id",
    )
    .bind(Uuid::new_v4())
    .bind(email)
    .bind(display_name)
    .bind(role.as_str())
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
        role,
    }))
}

/// Records `consent` as given now (again, if it was withdrawn), with today's wording.
pub async fn give_consent(
    db: impl PgExecutor<'_>,
    account: AccountId,
    consent: Consent,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO platform.consents (account_id, consent, wording) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, consent) DO UPDATE
           SET wording = EXCLUDED.wording, given_at = clock_timestamp(), withdrawn_at = NULL",
    )
    .bind(account.0)
    .bind(consent.as_str())
    .bind(CONSENT_WORDING)
    .execute(db)
    .await?;
    Ok(())
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
           AND withdrawn_at IS NULL
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

/// Whether a code may be sent now, as counted by [`count_code_send`].
pub enum CodeSendsToday {
    /// Counted: the code may go out.
    Counted,
    /// The account asked for a code of this purpose less than a minute ago.
    WaitSeconds(u64),
    /// The phone or the account has had all the codes a day allows.
    CapReached,
    /// The account's phone is this number, proven already.
    AlreadyProven,
}

/// Counts a code about to be sent to `phone` for `account`, unless the resend wait or a daily
/// cap forbids it. The account's row is locked, and the phone's own lock taken, so requests
/// sent at once are counted one after the other.
pub async fn count_code_send(
    db: &PgPool,
    account: AccountId,
    phone: &MobileNumber,
    purpose: CodePurpose,
) -> sqlx::Result<CodeSendsToday> {
    let mut tx = db.begin().await?;
    let current: Option<(Option<String>, bool)> = sqlx::query_as(
        "SELECT phone, phone_proven_at IS NOT NULL FROM platform.accounts
         WHERE account_id = $1 FOR UPDATE",
    )
    .bind(account.0)
    .fetch_optional(&mut *tx)
    .await?;
    if let (CodePurpose::ProvePhone, Some((Some(current), true))) = (purpose, &current) {
        if current == phone.digits() {
            return Ok(CodeSendsToday::AlreadyProven);
        }
    }
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('phone code ' || $1))")
        .bind(phone.digits())
        .execute(&mut *tx)
        .await?;
    let (since_last, to_phone, by_account): (Option<f64>, i64, i64) = sqlx::query_as(
        "SELECT (SELECT extract(epoch FROM clock_timestamp() - max(sent_at))::float8
                 FROM platform.phone_code_sends WHERE account_id = $1 AND purpose = $3),
                (SELECT count(*) FROM platform.phone_code_sends
                 WHERE phone = $2 AND sent_at > now() - interval '1 day'),
                (SELECT count(*) FROM platform.phone_code_sends
                 WHERE account_id = $1 AND sent_at > now() - interval '1 day')",
    )
    .bind(account.0)
    .bind(phone.digits())
    .bind(purpose.as_str())
    .fetch_one(&mut *tx)
    .await?;
    if let Some(since_last) = since_last {
        let wait = RESEND_AFTER_SECONDS as f64 - since_last;
        if wait > 0.0 {
            return Ok(CodeSendsToday::WaitSeconds(wait.ceil() as u64));
        }
    }
    if to_phone >= CODES_PER_PHONE_PER_DAY || by_account >= CODES_PER_ACCOUNT_PER_DAY {
        return Ok(CodeSendsToday::CapReached);
    }
    sqlx::query(
        "INSERT INTO platform.phone_code_sends (account_id, phone, purpose) VALUES ($1, $2, $3)",
    )
    .bind(account.0)
    .bind(phone.digits())
    .bind(purpose.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(CodeSendsToday::Counted)
}

/// Forgets sends older than the day the caps count, codes that can no longer be typed and reset
/// steps their own codes opened that can no longer be used (run by the housekeeping loop, not by
/// each send).
pub async fn forget_old_codes(db: &PgPool) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM platform.phone_code_sends WHERE sent_at < now() - interval '1 day'")
        .execute(db)
        .await?;
    sqlx::query("DELETE FROM platform.phone_codes WHERE expires_at < now()")
        .execute(db)
        .await?;
    // Steps an operator opened stay as the record of who opened them.
    sqlx::query(
        "DELETE FROM platform.password_resets WHERE issued_by IS NULL AND expires_at < now()",
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Keeps the hash of the code just sent to `phone`, replacing any earlier code of the account.
pub async fn keep_code(
    db: impl PgExecutor<'_>,
    account: AccountId,
    purpose: CodePurpose,
    phone: &MobileNumber,
    code_hash: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO platform.phone_codes
             (account_id, phone, code_hash, sent_at, expires_at, purpose)
         VALUES ($1, $2, $3, clock_timestamp(), clock_timestamp() + make_interval(mins => $4), $5)
         ON CONFLICT (account_id, purpose) DO UPDATE
         SET phone = EXCLUDED.phone, code_hash = EXCLUDED.code_hash, sent_at = EXCLUDED.sent_at,
             expires_at = EXCLUDED.expires_at, tries = 0",
    )
    .bind(account.0)
    .bind(phone.digits())
    .bind(code_hash)
    .bind(CODE_LIVES_MINUTES as i32)
    .bind(purpose.as_str())
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets the account's waiting code (one that never reached the phone).
pub async fn forget_code(
    db: impl PgExecutor<'_>,
    account: AccountId,
    purpose: CodePurpose,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM platform.phone_codes WHERE account_id = $1 AND purpose = $2")
        .bind(account.0)
        .bind(purpose.as_str())
        .execute(db)
        .await?;
    Ok(())
}

/// One try at the account's waiting code, as [`take_code_try`] counts it.
pub enum CodeTry {
    NoCode,
    Expired,
    TriesUsed,
    /// The try is counted; `tries_left` are left after it.
    Try {
        phone: MobileNumber,
        code_hash: String,
        tries_left: i32,
    },
}

/// Counts a try at the account's waiting code, if it is still alive and has tries left.
pub async fn take_code_try(
    db: &PgPool,
    account: AccountId,
    purpose: CodePurpose,
) -> sqlx::Result<CodeTry> {
    let taken: Option<(String, String, i32)> = sqlx::query_as(
        "UPDATE platform.phone_codes SET tries = tries + 1
         WHERE account_id = $1 AND purpose = $3 AND tries < $2
           AND expires_at > clock_timestamp()
         RETURNING phone, code_hash, $2 - tries",
    )
    .bind(account.0)
    .bind(CODE_TRIES)
    .bind(purpose.as_str())
    .fetch_optional(db)
    .await?;
    if let Some((phone, code_hash, tries_left)) = taken {
        return Ok(CodeTry::Try {
            phone: MobileNumber::stored(phone),
            code_hash,
            tries_left,
        });
    }
    let waiting: Option<bool> = sqlx::query_scalar(
        "SELECT expires_at <= clock_timestamp() FROM platform.phone_codes
         WHERE account_id = $1 AND purpose = $2",
    )
    .bind(account.0)
    .bind(purpose.as_str())
    .fetch_optional(db)
    .await?;
    Ok(match waiting {
        None => CodeTry::NoCode,
        Some(true) => CodeTry::Expired,
        Some(false) => CodeTry::TriesUsed,
    })
}

/// Makes the number the code with this hash was sent to the account's proven phone, and
/// forgets the code; `false` when the account waits for that code no longer.
pub async fn prove_phone(db: &PgPool, account: AccountId, code_hash: &str) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let phone: Option<String> = sqlx::query_scalar(
        "DELETE FROM platform.phone_codes
         WHERE account_id = $1 AND purpose = 'prove_phone' AND code_hash = $2
         RETURNING phone",
    )
    .bind(account.0)
    .bind(code_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(phone) = phone else {
        return Ok(false);
    };
    sqlx::query(
        "UPDATE platform.accounts SET phone = $2, phone_proven_at = clock_timestamp()
         WHERE account_id = $1",
    )
    .bind(account.0)
    .bind(phone)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// An account's phone as [`phone_of`] reads it.
pub struct PhoneOf {
    pub phone: Option<MobileNumber>,
    pub proven: bool,
    /// The number a live code waits for.
    pub waiting_for_code: Option<MobileNumber>,
    /// Whether the account wants KakaoTalk messages about its orders.
    pub kakao_wanted: bool,
}

#[derive(sqlx::FromRow)]
struct PhoneRow {
    phone: Option<String>,
    proven: bool,
    waiting: Option<String>,
    kakao_wanted: bool,
}

/// The account's phone, whether it is proven, the number a live code waits for, and whether it
/// wants KakaoTalk messages.
pub async fn phone_of(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<PhoneOf> {
    let row: Option<PhoneRow> = sqlx::query_as(
        "SELECT a.phone, a.phone_proven_at IS NOT NULL AS proven, c.phone AS waiting,
                a.kakao_wanted
         FROM platform.accounts a
         LEFT JOIN platform.phone_codes c ON c.account_id = a.account_id
             AND c.purpose = 'prove_phone' AND c.expires_at > clock_timestamp() AND c.tries < $2
         WHERE a.account_id = $1",
    )
    .bind(account.0)
    .bind(CODE_TRIES)
    .fetch_optional(db)
    .await?;
    Ok(match row {
        Some(row) => PhoneOf {
            phone: row.phone.map(MobileNumber::stored),
            proven: row.proven,
            waiting_for_code: row.waiting.map(MobileNumber::stored),
            kakao_wanted: row.kakao_wanted,
        },
        None => PhoneOf {
            phone: None,
            proven: false,
            waiting_for_code: None,
            kakao_wanted: false,
        },
    })
}

/// Opens a reset step for `account` whose token hashes to `token_hash`, if the account still
/// waits for the reset code with this hash: the code is spent in the same transaction, so one
/// code opens one step.
pub async fn open_reset_with_code(
    db: &PgPool,
    account: AccountId,
    code_hash: &str,
    token_hash: &[u8; 32],
    lives: chrono::Duration,
) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    let spent = sqlx::query(
        "DELETE FROM platform.phone_codes
         WHERE account_id = $1 AND purpose = 'reset_password' AND code_hash = $2",
    )
    .bind(account.0)
    .bind(code_hash)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if spent == 0 {
        return Ok(false);
    }
    insert_reset(&mut *tx, account, None, token_hash, lives).await?;
    tx.commit().await?;
    Ok(true)
}

/// Records a reset step for `account` that `issued_by` (an operator) opened, or the account's own
/// code when `None`.
pub async fn insert_reset(
    db: impl PgExecutor<'_>,
    account: AccountId,
    issued_by: Option<AccountId>,
    token_hash: &[u8; 32],
    lives: chrono::Duration,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO platform.password_resets (token_hash, account_id, issued_by, expires_at)
         VALUES ($1, $2, $3, clock_timestamp() + $4)",
    )
    .bind(&token_hash[..])
    .bind(account.0)
    .bind(issued_by.map(|operator| operator.0))
    .bind(lives)
    .execute(db)
    .await?;
    Ok(())
}

/// The account an unused, unexpired reset step belongs to, with its email and name (which the
/// password may not be made of).
pub async fn account_of_reset(
    db: impl PgExecutor<'_>,
    token_hash: &[u8; 32],
) -> sqlx::Result<Option<CurrentUser>> {
    let row: Option<AccountRow> = sqlx::query_as(
        "SELECT a.account_id, a.email, a.display_name, a.role, a.password_hash,
                a.suspended_at IS NOT NULL AS suspended
         FROM platform.password_resets r JOIN platform.accounts a USING (account_id)
         WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > clock_timestamp()
           AND a.suspended_at IS NULL AND a.withdrawn_at IS NULL",
    )
    .bind(&token_hash[..])
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(AccountRow::into_account).map(|a| a.user))
}

/// Sets the password of the account a live reset step belongs to, in one transaction: the step
/// is used up with every other open step and reset code of the account, and every session of
/// the account is deleted. Returns the ended sessions' ids (to close their sockets), or `None`
/// when the step was used or expired meanwhile.
pub async fn finish_reset(
    db: &PgPool,
    token_hash: &[u8; 32],
    account: AccountId,
    password_hash: &str,
) -> sqlx::Result<Option<Vec<String>>> {
    let mut tx = db.begin().await?;
    let used = sqlx::query(
        "UPDATE platform.password_resets SET used_at = clock_timestamp()
         WHERE token_hash = $1 AND account_id = $2 AND used_at IS NULL
           AND expires_at > clock_timestamp()",
    )
    .bind(&token_hash[..])
    .bind(account.0)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if used == 0 {
        return Ok(None);
    }
    let ended = set_password_hash(&mut tx, account, password_hash, None).await?;
    tx.commit().await?;
    Ok(Some(ended))
}

/// Sets the account's password with what a new password means, inside the caller's
/// transaction: open reset steps and reset codes are used up, and every session of the account
/// but `keep` is deleted. Returns the ended sessions' ids (to close their sockets).
async fn set_password_hash(
    conn: &mut sqlx::PgConnection,
    account: AccountId,
    password_hash: &str,
    keep: Option<&str>,
) -> sqlx::Result<Vec<String>> {
    sqlx::query("UPDATE platform.accounts SET password_hash = $2 WHERE account_id = $1")
        .bind(account.0)
        .bind(password_hash)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE platform.password_resets SET used_at = clock_timestamp()
         WHERE account_id = $1 AND used_at IS NULL",
    )
    .bind(account.0)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM platform.phone_codes WHERE account_id = $1 AND purpose = 'reset_password'",
    )
    .bind(account.0)
    .execute(&mut *conn)
    .await?;
    end_sessions_but(&mut *conn, account, keep).await
}

/// Deletes every session of `account` and returns their ids.
pub async fn end_sessions_of(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Vec<String>> {
    end_sessions_but(db, account, None).await
}

/// Deletes every session of `account` but `keep` and returns their ids.
async fn end_sessions_but(
    db: impl PgExecutor<'_>,
    account: AccountId,
    keep: Option<&str>,
) -> sqlx::Result<Vec<String>> {
    // The account's key is written out, not bound, so that the index on it serves the query.
    sqlx::query_scalar(
        "DELETE FROM platform.sessions
         WHERE data->>'account_id' = $1 AND id IS DISTINCT FROM $2 RETURNING id",
    )
    .bind(account.0.to_string())
    .bind(keep)
    .fetch_all(db)
    .await
}

/// The account's password hash, to check the current password before a change.
pub async fn password_hash_of(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT password_hash FROM platform.accounts WHERE account_id = $1")
        .bind(account.0)
        .fetch_optional(db)
        .await
}

/// Sets the account's password in one transaction with what a new password means (see
/// [`set_password_hash`]); every session but `keep` ends.
pub async fn change_password(
    db: &PgPool,
    account: AccountId,
    password_hash: &str,
    keep: Option<&str>,
) -> sqlx::Result<Vec<String>> {
    let mut tx = db.begin().await?;
    let ended = set_password_hash(&mut tx, account, password_hash, keep).await?;
    tx.commit().await?;
    Ok(ended)
}

/// A stored session of an account, as far as its owner may see it.
pub struct SessionRow {
    pub id: String,
    pub device: String,
    pub logged_in_at: i64,
    pub last_seen: i64,
}

#[derive(sqlx::FromRow)]
struct StoredSession {
    id: String,
    device: Option<String>,
    logged_in_at: Option<i64>,
    last_seen: Option<i64>,
}

/// The account's sessions that the store has not expired; their lifetimes are the caller's to
/// judge.
pub async fn sessions_of(
    db: impl PgExecutor<'_>,
    account: AccountId,
) -> sqlx::Result<Vec<SessionRow>> {
    use super::auth::{DEVICE, LAST_SEEN, LOGGED_IN_AT};
    // The account's key is written out, not bound, so that the index on it serves the query.
    let rows: Vec<StoredSession> = sqlx::query_as(
        "SELECT id, data->>$2 AS device, (data->>$3)::bigint AS logged_in_at,
                (data->>$4)::bigint AS last_seen
         FROM platform.sessions WHERE data->>'account_id' = $1 AND expires_at > now()",
    )
    .bind(account.0.to_string())
    .bind(DEVICE)
    .bind(LOGGED_IN_AT)
    .bind(LAST_SEEN)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            // A session from before login times were kept counts as long ended.
            let logged_in_at = row.logged_in_at.unwrap_or(0);
            SessionRow {
                id: row.id,
                device: row.device.unwrap_or_default(),
                logged_in_at,
                last_seen: row.last_seen.unwrap_or(logged_in_at),
            }
        })
        .collect())
}

/// Turns the account's KakaoTalk messages about orders on or off.
pub async fn set_kakao_wanted(
    db: impl PgExecutor<'_>,
    account: AccountId,
    wanted: bool,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE platform.accounts SET kakao_wanted = $2 WHERE account_id = $1")
        .bind(account.0)
        .bind(wanted)
        .execute(db)
        .await?;
    Ok(())
}

/// Deletes one of the customer's saved addresses; `false` if it is not theirs (or gone).
pub async fn delete_address(
    db: impl PgExecutor<'_>,
    account: AccountId,
    address_id: Uuid,
) -> sqlx::Result<bool> {
    let deleted = sqlx::query(
        "DELETE FROM platform.customer_addresses WHERE account_id = $1 AND address_id = $2",
    )
    .bind(account.0)
    .bind(address_id)
    .execute(db)
    .await?
    .rows_affected();
    Ok(deleted == 1)
}

/// Locks the account for a change that must see it as it is, unless it has left already
/// (then `false`).
pub async fn lock_account(conn: &mut sqlx::PgConnection, account: AccountId) -> sqlx::Result<bool> {
    let found: Option<i32> = sqlx::query_scalar(
        "SELECT 1 FROM platform.accounts WHERE account_id = $1 AND withdrawn_at IS NULL FOR UPDATE",
    )
    .bind(account.0)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

/// Erases what the platform keeps of a person who is leaving, inside the caller's transaction:
/// the row stays, disabled, so that orders keep a valid reference, but its email, name, phone
/// and password go, with its addresses, consents, known browsers, codes and sessions. Steps an
/// operator opened stay (used up) as the record of who opened them. Returns the ended sessions'
/// ids (to close their sockets).
pub async fn erase_account(
    conn: &mut sqlx::PgConnection,
    account: AccountId,
) -> sqlx::Result<Vec<String>> {
    sqlx::query(
        "WITH addresses AS (DELETE FROM platform.customer_addresses WHERE account_id = $1),
              consents AS (DELETE FROM platform.consents WHERE account_id = $1),
              devices AS (DELETE FROM platform.known_devices WHERE account_id = $1),
              codes AS (DELETE FROM platform.phone_codes WHERE account_id = $1),
              sends AS (DELETE FROM platform.phone_code_sends WHERE account_id = $1),
              own_steps AS (DELETE FROM platform.password_resets
                            WHERE account_id = $1 AND issued_by IS NULL)
         UPDATE platform.password_resets SET used_at = coalesce(used_at, clock_timestamp())
         WHERE account_id = $1 AND issued_by IS NOT NULL",
    )
    .bind(account.0)
    .execute(&mut *conn)
    .await?;
    // The email is freed for a new account; the placeholder keeps the column's rules. A password
    // hash of '!' is no Argon2 hash, so no password ever matches it.
    sqlx::query(
        "UPDATE platform.accounts
         SET email = 'withdrawn-' || account_id || '@baedal.invalid', display_name = '-',
             phone = NULL, phone_proven_at = NULL, password_hash = '!', kakao_wanted = false,
             withdrawn_at = clock_timestamp()
         WHERE account_id = $1",
    )
    .bind(account.0)
    .execute(&mut *conn)
    .await?;
    end_sessions_of(&mut *conn, account).await
}

/// Creates an operator account without a usable password (its first one is set through a reset
/// step), inside the caller's transaction; `None` when the email already has an account.
pub async fn insert_operator(
    conn: &mut sqlx::PgConnection,
    email: &str,
    display_name: &str,
) -> sqlx::Result<Option<AccountId>> {
    let created: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO platform.accounts (account_id, email, display_name, role, password_hash)
         VALUES ($1, $2, $3, 'operator', '!')
         ON CONFLICT DO NOTHING RETURNING account_id",
    )
    .bind(Uuid::new_v4())
    .bind(email)
    .bind(display_name)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(created.map(AccountId))
}

#[derive(sqlx::FromRow)]
struct FoundAccount {
    account_id: Uuid,
    email: String,
    display_name: String,
    role: String,
    phone: Option<String>,
    phone_proven: bool,
    created_at: chrono::DateTime<chrono::Utc>,
    suspended_at: Option<chrono::DateTime<chrono::Utc>>,
    suspended_reason: Option<String>,
    suspended_by: Option<String>,
}

/// Accounts whose email contains `text` (in any case) or whose phone is `phone`, by email; at
/// most `most`. Accounts that have left are not found.
pub async fn find_accounts(
    db: impl PgExecutor<'_>,
    text: &str,
    phone: Option<&MobileNumber>,
    most: i64,
) -> sqlx::Result<Vec<super::administration::AccountRecord>> {
    use super::administration::{AccountRecord, Suspension};
    let rows: Vec<FoundAccount> = sqlx::query_as(
        "SELECT a.account_id, a.email, a.display_name, a.role, a.phone,
                a.phone_proven_at IS NOT NULL AS phone_proven, a.created_at,
                a.suspended_at, a.suspended_reason, s.email AS suspended_by
         FROM platform.accounts a LEFT JOIN platform.accounts s ON s.account_id = a.suspended_by
         WHERE a.withdrawn_at IS NULL
           AND (strpos(lower(a.email), lower($1)) > 0 OR a.phone = $2)
         ORDER BY a.email LIMIT $3",
    )
    .bind(text)
    .bind(phone.map(MobileNumber::digits))
    .bind(most)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let suspension = match (row.suspended_at, row.suspended_reason) {
                (Some(at), Some(reason)) => Some(Suspension {
                    at,
                    reason,
                    by: row.suspended_by.unwrap_or_default(),
                }),
                _ => None,
            };
            Some(AccountRecord {
                account_id: AccountId(row.account_id),
                email: row.email,
                display_name: row.display_name,
                role: Role::parse(&row.role)?,
                phone: row.phone.map(|digits| MobileNumber::stored(digits).shown()),
                phone_proven: row.phone_proven,
                joined_at: row.created_at,
                suspension,
            })
        })
        .collect())
}

/// What suspending an account came to.
pub enum SuspendOutcome {
    /// Suspended; these sessions ended (to close their sockets).
    Suspended(Vec<String>),
    NoSuchAccount,
    /// Operators are not suspended from the console.
    Operator,
}

/// Suspends `account` on `operator`'s word, with the reason, and ends its sessions, in one
/// transaction. Suspending again replaces the reason.
pub async fn suspend_account(
    db: &PgPool,
    account: AccountId,
    operator: AccountId,
    reason: &str,
) -> sqlx::Result<SuspendOutcome> {
    let mut tx = db.begin().await?;
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM platform.accounts
         WHERE account_id = $1 AND withdrawn_at IS NULL FOR UPDATE",
    )
    .bind(account.0)
    .fetch_optional(&mut *tx)
    .await?;
    match role.as_deref().and_then(Role::parse) {
        None => return Ok(SuspendOutcome::NoSuchAccount),
        Some(Role::Operator) => return Ok(SuspendOutcome::Operator),
        Some(_) => {}
    }
    sqlx::query(
        "UPDATE platform.accounts
         SET suspended_at = clock_timestamp(), suspended_reason = $2, suspended_by = $3
         WHERE account_id = $1",
    )
    .bind(account.0)
    .bind(reason)
    .bind(operator.0)
    .execute(&mut *tx)
    .await?;
    let ended = end_sessions_of(&mut *tx, account).await?;
    tx.commit().await?;
    Ok(SuspendOutcome::Suspended(ended))
}

/// Lifts the suspension of `account`; `false` if there is no such account (or it has left).
pub async fn reinstate_account(db: impl PgExecutor<'_>, account: AccountId) -> sqlx::Result<bool> {
    let found = sqlx::query(
        "UPDATE platform.accounts
         SET suspended_at = NULL, suspended_reason = NULL, suspended_by = NULL
         WHERE account_id = $1 AND withdrawn_at IS NULL",
    )
    .bind(account.0)
    .execute(db)
    .await?
    .rows_affected();
    Ok(found == 1)
}
