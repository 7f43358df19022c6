//! Sessions and passwords on the server. The caller's identity comes only from the session cookie.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use tower_sessions::Session;

use super::error::AccountProblem;
use super::first_frame::{self, PageCaller};
use super::sign_up::{self, NewAccount};
use super::{db, state::AppState, AccountId, AppError, CurrentUser, Role};

/// The key of the account a session belongs to; `db` names it in SQL, where its index serves.
const ACCOUNT_KEY: &str = "account_id";
/// When this session logged in, and when it was last used (Unix seconds).
pub(crate) const LOGGED_IN_AT: &str = "logged_in_at";
pub(crate) const LAST_SEEN: &str = "last_seen";
/// The browser that logged in, as its owner would name it ("Chrome · Android").
pub(crate) const DEVICE: &str = "device";
/// A used session's "last seen" is written at most this often, not on every request.
const REFRESH_AFTER_SECONDS: i64 = 5 * 60;

/// How long a session of each role lives: unused for `idle`, or `absolute` after logging in,
/// whichever comes first. An operator's session can pause consumers and cancel deliveries, so it
/// lives shorter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionLifetime {
    pub idle: chrono::Duration,
    pub absolute: chrono::Duration,
}

impl SessionLifetime {
    pub fn of(role: Role) -> SessionLifetime {
        match role {
            Role::Operator => SessionLifetime {
                idle: chrono::Duration::minutes(30),
                absolute: chrono::Duration::hours(12),
            },
            Role::Customer | Role::Owner | Role::Rider => SessionLifetime {
                idle: chrono::Duration::hours(2),
                absolute: chrono::Duration::days(7),
            },
        }
    }

    /// Whether a session that logged in and was last used at these times has ended by `now`.
    pub fn has_ended(&self, logged_in_at: i64, last_seen: i64, now: i64) -> bool {
        now - last_seen > self.idle.num_seconds()
            || now - logged_in_at > self.absolute.num_seconds()
    }
}

/// Hashes a password with Argon2id and a fresh salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| {
            tracing::error!(%error, "password hashing failed");
            AppError::Internal
        })
}

pub(crate) fn password_matches(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "no session layer on this request");
        AppError::Internal
    })
}

/// The id of the caller's session, if it has one in the store.
pub async fn session_id() -> Result<Option<String>, AppError> {
    Ok(session().await?.id().map(|id| id.to_string()))
}

fn session_error(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(%error, "session store failed");
    AppError::Internal
}

/// Checks the credentials and binds the account to a fresh session id. The caller's address has
/// already been admitted by the login throttle; the account's limit is counted here, where the
/// browser's cookie says whether it has logged into this account before. The password check
/// waits for a free slot off the async workers (`throttle::Throttles::password_check`).
pub async fn log_in(email: &str, password: &str) -> Result<CurrentUser, AppError> {
    let state = AppState::get()?;
    let account_refusal = state.throttles.admit_account(email).err();
    let account = db::account_by_email(&state.pool, email).await?;
    let device = KnownDevice::from_request().await;
    // Whether the browser is known matters only while strangers are held back (the account is
    // tried too often, or failed logins flood the site); otherwise no login pays for the lookup.
    let mut known_device = None;
    if account_refusal.is_some() || state.throttles.on_alarm() {
        if let (Some(account), Some(device)) = (&account, &device) {
            let token_hash = device.token_hash();
            let known = db::device_is_known(
                &state.pool,
                &token_hash,
                account.user.account_id,
                chrono::Duration::days(DEVICE_KNOWN_FOR_DAYS),
            )
            .await?;
            known_device = known.then_some(token_hash);
        }
    }
    match (account_refusal, known_device) {
        (Some(refusal), None) => return Err(refusal),
        (Some(_), Some(token_hash)) => state.throttles.admit_known_browser(email, token_hash)?,
        (None, _) => {}
    }
    if known_device.is_none() {
        state.throttles.admit_unknown_device()?;
    }
    let password = password.to_owned();
    let stored_hash = account
        .as_ref()
        .map(|account| account.password_hash.clone());
    let matches = state
        .throttles
        .password_check(move || match stored_hash {
            Some(stored_hash) => password_matches(&password, &stored_hash),
            // Hash anyway so that a wrong email takes as long as a wrong password.
            None => {
                let _ = hash_password(&password);
                false
            }
        })
        .await?;
    let Some(account) = account.filter(|_| matches) else {
        state.throttles.count_failed_login();
        return Err(AppError::BadCredentials);
    };
    // Said only to whoever knows the password, so it tells a stranger nothing.
    if account.suspended {
        tracing::info!(account_id = %account.user.account_id.0, "login refused: the account is suspended");
        return Err(AccountProblem::Suspended.into());
    }
    begin_session(&state, &account.user, device).await?;
    tracing::info!(account_id = %account.user.account_id.0, role = account.user.role.as_str(), "logged in");
    Ok(account.user)
}

/// Creates the customer account `new` asks for and logs it in. The caller's address has already
/// been admitted by the login throttle; the email's own sign-up limit is counted here. The
/// password is judged and hashed on the password checkers, off the async workers, like a login's.
pub async fn sign_up(new: NewAccount) -> Result<CurrentUser, AppError> {
    let state = AppState::get()?;
    state.throttles.admit_sign_up(&new.email)?;
    let NewAccount {
        role,
        email,
        display_name,
        password,
        consents,
    } = new;
    let (own_email, own_name) = (email.clone(), display_name.clone());
    let password_hash = state
        .throttles
        .password_check(move || {
            if sign_up::is_guessable(&password, &own_email, &own_name) {
                return Err(AppError::Account(AccountProblem::PasswordGuessable));
            }
            hash_password(&password)
        })
        .await??;
    let user = db::create_account(
        &state.pool,
        role,
        &email,
        &display_name,
        &password_hash,
        &consents,
    )
    .await?
    .ok_or(AppError::Account(AccountProblem::EmailTaken))?;
    begin_session(&state, &user, KnownDevice::from_request().await).await?;
    tracing::info!(account_id = %user.account_id.0, "signed up");
    Ok(user)
}

/// Logs in the browser that has just set the account's new password through a reset step.
pub async fn log_in_after_reset(state: &AppState, user: &CurrentUser) -> Result<(), AppError> {
    begin_session(state, user, KnownDevice::from_request().await).await?;
    tracing::info!(account_id = %user.account_id.0, "logged in with a new password");
    Ok(())
}

/// Binds `user` to a fresh session id and marks the browser as one that has logged into it.
async fn begin_session(
    state: &AppState,
    user: &CurrentUser,
    device: Option<KnownDevice>,
) -> Result<(), AppError> {
    let device = device.unwrap_or_else(KnownDevice::new);
    db::remember_device(&state.pool, &device.token_hash(), user.account_id).await?;
    device.keep_in_browser(state.secure_cookies);
    let session = session().await?;
    // A new id on login stops session fixation.
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(ACCOUNT_KEY, user.account_id)
        .await
        .map_err(session_error)?;
    let now = chrono::Utc::now().timestamp();
    session
        .insert(LOGGED_IN_AT, now)
        .await
        .map_err(session_error)?;
    session
        .insert(LAST_SEEN, now)
        .await
        .map_err(session_error)?;
    session
        .insert(DEVICE, device_of_request().await)
        .await
        .map_err(session_error)?;
    Ok(())
}

/// The browser making the request, as [`super::account::device_of`] names it.
async fn device_of_request() -> String {
    let headers = leptos_axum::extract::<axum::http::HeaderMap>().await.ok();
    headers
        .as_ref()
        .and_then(|h| h.get(axum::http::header::USER_AGENT))
        .and_then(|v| v.to_str().ok())
        .map(super::account::device_of)
        .unwrap_or_default()
}

/// The cookie that marks a browser that has logged in before, kept across logouts. It opens
/// nothing by itself: it only spares its holder the rationing of logins while failed logins
/// flood the site (`throttle::Throttles::admit_unknown_device`).
const DEVICE_COOKIE: &str = "baedal_device";
/// How long a browser stays known after it last logged in: the cookie's lifetime, and how far
/// back the database's record counts.
const DEVICE_KNOWN_FOR_DAYS: i64 = 180;

/// A browser's known-device token: 122 random bits, as 32 hex digits.
struct KnownDevice(String);

impl KnownDevice {
    fn new() -> KnownDevice {
        KnownDevice(uuid::Uuid::new_v4().simple().to_string())
    }

    /// The token the request's cookie holds, if it holds one of ours.
    async fn from_request() -> Option<KnownDevice> {
        let headers = leptos_axum::extract::<axum::http::HeaderMap>().await.ok()?;
        headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(tower_sessions::cookie::Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|cookie| cookie.name() == DEVICE_COOKIE)
            .map(|cookie| cookie.value().to_owned())
            .filter(|token| token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(KnownDevice)
    }

    /// What the database keeps instead of the token.
    fn token_hash(&self) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(self.0.as_bytes()).into()
    }

    /// Sets (or renews) the cookie on the response.
    fn keep_in_browser(&self, secure: bool) {
        use tower_sessions::cookie::{Cookie, SameSite};
        let cookie = Cookie::build((DEVICE_COOKIE, self.0.clone()))
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .max_age(time::Duration::days(DEVICE_KNOWN_FOR_DAYS))
            .build();
        let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
            tracing::error!("no response options: the known-device cookie is not set");
            return;
        };
        match axum::http::HeaderValue::from_str(&cookie.to_string()) {
            Ok(value) => response.append_header(axum::http::header::SET_COOKIE, value),
            Err(error) => tracing::error!(%error, "known-device cookie not set"),
        }
    }
}

/// Forgets the session entirely, and closes its live sockets on this instance (others notice
/// at their next session check).
pub async fn log_out() -> Result<(), AppError> {
    let session = session().await?;
    let id = session.id();
    session.flush().await.map_err(session_error)?;
    if let Some(id) = id {
        AppState::get()?.live.session_ended(id);
    }
    Ok(())
}

/// The logged-in account, read fresh from the database so a removed account stops working at once.
/// While a page renders, that read was already made for the page (`first_frame::PageCaller`),
/// and the page's server functions share it instead of reading the session again each.
pub async fn current() -> Result<Option<CurrentUser>, AppError> {
    if let Some(PageCaller(caller)) = first_frame::page_caller() {
        return Ok(caller);
    }
    let session = session().await?;
    let state = AppState::get()?;
    user_of_session(&session, &state.pool).await
}

/// The account a session belongs to, outside server functions (the websocket handshake). A
/// session past its idle or absolute lifetime is ended here and answers `None`; a session in use
/// has its "last seen" moved on (at most every few minutes), which also moves its expiry.
pub async fn user_of_session(
    session: &Session,
    pool: &sqlx::PgPool,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(account_id) = session
        .get::<AccountId>(ACCOUNT_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    // A session from before lifetimes were kept has no login time: it counts as long ended.
    let logged_in_at: i64 = session
        .get(LOGGED_IN_AT)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    let last_seen: i64 = session
        .get(LAST_SEEN)
        .await
        .map_err(session_error)?
        .unwrap_or(logged_in_at);
    let Some(user) = db::account_by_id(pool, account_id).await? else {
        return Ok(None);
    };
    let now = chrono::Utc::now().timestamp();
    if SessionLifetime::of(user.role).has_ended(logged_in_at, last_seen, now) {
        tracing::info!(account_id = %account_id.0, "session ended by its lifetime");
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    }
    if now - last_seen > REFRESH_AFTER_SECONDS {
        session
            .insert(LAST_SEEN, now)
            .await
            .map_err(session_error)?;
    }
    Ok(Some(user))
}

/// The caller, who must be logged in with `role`.
pub async fn require(role: Role) -> Result<CurrentUser, AppError> {
    match current().await? {
        Some(user) if user.role == role => Ok(user),
        Some(_) => Err(AppError::WrongRole(role)),
        None => Err(AppError::NotLoggedIn),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3600;

    #[test]
    fn a_customer_session_ends_after_two_idle_hours_or_seven_days() {
        let lifetime = SessionLifetime::of(Role::Customer);
        let login = 1_000_000;
        assert!(!lifetime.has_ended(login, login, login + 2 * HOUR));
        assert!(lifetime.has_ended(login, login, login + 2 * HOUR + 1));
        // Used every hour, it still ends a week after logging in.
        let day7 = login + 7 * 24 * HOUR;
        assert!(!lifetime.has_ended(login, day7 - HOUR, day7));
        assert!(lifetime.has_ended(login, day7, day7 + 1));
    }

    #[test]
    fn an_operator_session_lives_shorter() {
        let lifetime = SessionLifetime::of(Role::Operator);
        let login = 1_000_000;
        assert!(lifetime.has_ended(login, login, login + 31 * 60));
        assert!(lifetime.has_ended(login, login + 11 * HOUR, login + 12 * HOUR + 1));
        assert!(!SessionLifetime::of(Role::Rider).has_ended(login, login, login + 31 * 60));
    }
}
