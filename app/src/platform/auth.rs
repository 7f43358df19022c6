//! Sessions and passwords on the server. The caller's identity comes only from the session cookie.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use tower_sessions::Session;

use super::first_frame::{self, PageCaller};
use super::{db, state::AppState, AccountId, AppError, CurrentUser, Role};

const ACCOUNT_KEY: &str = "account_id";

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

fn password_matches(password: &str, stored_hash: &str) -> bool {
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

fn session_error(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(%error, "session store failed");
    AppError::Internal
}

/// Checks the credentials and binds the account to a fresh session id.
pub async fn log_in(email: &str, password: &str) -> Result<CurrentUser, AppError> {
    let state = AppState::get()?;
    let Some(account) = db::account_by_email(&state.pool, email).await? else {
        // Hash anyway so that a wrong email takes as long as a wrong password.
        let _ = hash_password(password);
        return Err(AppError::BadCredentials);
    };
    if !password_matches(password, &account.password_hash) {
        return Err(AppError::BadCredentials);
    }
    let session = session().await?;
    // A new id on login stops session fixation.
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(ACCOUNT_KEY, account.user.account_id)
        .await
        .map_err(session_error)?;
    tracing::info!(account_id = %account.user.account_id.0, role = account.user.role.as_str(), "logged in");
    Ok(account.user)
}

/// Forgets the session entirely.
pub async fn log_out() -> Result<(), AppError> {
    session().await?.flush().await.map_err(session_error)
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

/// The account a session belongs to, outside server functions (the websocket handshake).
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
    Ok(db::account_by_id(pool, account_id).await?)
}

/// The caller, who must be logged in with `role`.
pub async fn require(role: Role) -> Result<CurrentUser, AppError> {
    match current().await? {
        Some(user) if user.role == role => Ok(user),
        Some(_) => Err(AppError::WrongRole(role)),
        None => Err(AppError::NotLoggedIn),
    }
}
