//! Server functions for logging in and out and for the caller's own account.

use leptos::prelude::*;

use super::{AppError, CurrentUser, DemoLogins, SavedAddress};

/// Logs in with email and password and starts a session, then goes to `next` (the page that
/// asked for a login) or the role's home.
#[server(endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<CurrentUser, AppError> {
    /// Longest email or password we accept; anything longer is a mistake or an attack.
    const MAX_CREDENTIAL_LEN: usize = 200;

    let email = email.trim();
    if email.is_empty() || password.is_empty() {
        return Err(AppError::Invalid(super::error::Problem::LoginFieldsMissing));
    }
    if email.len() > MAX_CREDENTIAL_LEN || password.len() > MAX_CREDENTIAL_LEN {
        return Err(AppError::BadCredentials);
    }
    let state = super::state::AppState::get()?;
    let address = client_address(&state.throttles).await;
    state.throttles.admit_address(address)?;
    let user = super::auth::log_in(email, &password).await?;
    super::session::go_on_after_login(next.as_deref(), user.role);
    Ok(user)
}

pub use sign_up_form::*;

// Each field of the sign-up form is an argument of its own; the allowance is on the module
// because the browser's copy of the function, which the macro writes, does not carry attributes.
#[allow(clippy::too_many_arguments)]
mod sign_up_form {
    use super::*;

    /// Creates an account, logs it in, and goes to `next` (where the person was going, the cart
    /// say) or the store list. A checkbox left unticked is not sent at all, so each consent is
    /// given when its field is present. `joining_as` (`owner`, `rider`) makes the account of
    /// someone about to apply to sell or ride; a customer otherwise.
    #[server(endpoint = "sign_up")]
    pub async fn sign_up(
        email: String,
        display_name: String,
        password: String,
        over_14: Option<String>,
        terms: Option<String>,
        privacy: Option<String>,
        marketing: Option<String>,
        next: Option<String>,
        joining_as: Option<String>,
    ) -> Result<CurrentUser, AppError> {
        let new = crate::platform::sign_up::SignUpForm {
            email,
            display_name,
            password,
            over_14: over_14.is_some(),
            terms: terms.is_some(),
            privacy: privacy.is_some(),
            marketing: marketing.is_some(),
            joining_as,
        }
        .check()?;
        let state = crate::platform::state::AppState::get()?;
        let address = client_address(&state.throttles).await;
        state.throttles.admit_address(address)?;
        let user = crate::platform::auth::sign_up(new).await?;
        crate::platform::session::go_on_after_login(next.as_deref(), user.role);
        Ok(user)
    }
}

/// The address the request came from (past trusted proxies), when the server was started with
/// connection info.
#[cfg(feature = "ssr")]
async fn client_address(throttles: &super::throttle::Throttles) -> Option<std::net::IpAddr> {
    use axum::extract::ConnectInfo;
    let ConnectInfo(peer) = leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>()
        .await
        .ok()?;
    let headers = leptos_axum::extract::<axum::http::HeaderMap>().await.ok();
    let forwarded_for = headers
        .as_ref()
        .and_then(|h| h.get("x-forwarded-for"))
        .and_then(|v| v.to_str().ok());
    Some(throttles.client_address(peer.ip(), forwarded_for))
}

/// Ends the caller's session.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    super::auth::log_out().await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Who is logged in, if anyone.
#[server(endpoint = "session_user")]
pub async fn session_user() -> Result<Option<CurrentUser>, AppError> {
    super::auth::current().await
}

/// The demo accounts, listed on the login page only when the server runs with demo data.
#[server(endpoint = "demo_logins")]
pub async fn list_demo_logins() -> Result<Option<DemoLogins>, AppError> {
    let state = super::state::AppState::get()?;
    let Some(password) = state.demo_password.clone() else {
        return Ok(None);
    };
    let accounts = super::db::demo_accounts(&state.pool).await?;
    Ok(Some(DemoLogins { password, accounts }))
}

/// The logged-in customer's saved delivery addresses; empty for anyone else.
#[server(endpoint = "my_addresses")]
pub async fn my_addresses() -> Result<Vec<SavedAddress>, AppError> {
    let Some(user) = super::auth::current().await? else {
        return Ok(Vec::new());
    };
    let state = super::state::AppState::get()?;
    Ok(super::db::addresses_of(&state.pool, user.account_id).await?)
}

/// The most delivery addresses one customer keeps.
pub const MAX_SAVED_ADDRESSES: usize = 20;

/// The caller's phone: the number, whether it is proven, and a code that may be waiting.
#[server(endpoint = "my_phone")]
pub async fn my_phone() -> Result<super::phone::PhoneState, AppError> {
    let user = super::auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let state = super::state::AppState::get()?;
    super::phone::phone_state(&state, user.account_id).await
}

/// Sends a six-digit code over KakaoTalk to `phone`, which the caller types back to prove the
/// number is theirs.
#[server(endpoint = "send_phone_code")]
pub async fn send_phone_code(phone: String) -> Result<(), AppError> {
    let phone = super::phone::MobileNumber::parse(&phone)?;
    let user = super::auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let state = super::state::AppState::get()?;
    super::phone::send_code(
        &state,
        user.account_id,
        phone,
        super::phone::CodePurpose::ProvePhone,
    )
    .await
}

/// Proves the caller's phone with the code sent to it; the number then receives KakaoTalk
/// messages.
#[server(endpoint = "prove_phone")]
pub async fn prove_phone(code: String) -> Result<super::phone::MobileNumber, AppError> {
    let user = super::auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let state = super::state::AppState::get()?;
    super::phone::prove(&state, user.account_id, code).await
}

/// Sends a code for a new password by KakaoTalk to the proven phone of the account with `email`,
/// if there is one; answers the same either way.
#[server(endpoint = "ask_reset_code")]
pub async fn ask_reset_code(
    email: String,
) -> Result<super::password_reset::ResetCodeAsked, AppError> {
    let state = super::state::AppState::get()?;
    let address = client_address(&state.throttles).await;
    state.throttles.admit_address(address)?;
    super::password_reset::ask_for_code(&state, &email).await
}

/// Opens the step in which a new password is set, with the code sent to the account's phone,
/// and goes there. Answers the step's page.
#[server(endpoint = "open_reset")]
pub async fn open_reset(email: String, code: String) -> Result<String, AppError> {
    let state = super::state::AppState::get()?;
    let address = client_address(&state.throttles).await;
    state.throttles.admit_address(address)?;
    let page = super::password_reset::open_step_with_code(&state, &email, &code)
        .await?
        .page();
    leptos_axum::redirect(&page);
    Ok(page)
}

/// Sets a new password through the step `token` opened, ends every session of the account,
/// logs this browser in and goes to the role's home.
#[server(endpoint = "set_new_password")]
pub async fn set_new_password(token: String, password: String) -> Result<CurrentUser, AppError> {
    let state = super::state::AppState::get()?;
    let address = client_address(&state.throttles).await;
    state.throttles.admit_address(address)?;
    let user = super::password_reset::set_new_password(&state, &token, password).await?;
    super::auth::log_in_after_reset(&state, &user).await?;
    super::session::go_on_after_login(None, user.role);
    Ok(user)
}

/// Changes the caller's password, asking the current one, and logs out every other browser of
/// the account; this one stays logged in.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<super::account::PasswordChanged, AppError> {
    let user = super::auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let state = super::state::AppState::get()?;
    super::account::change_password(&state, &user, current_password, new_password).await
}

/// The browsers logged into the caller's account, this one first.
#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<super::account::LoggedInSession>, AppError> {
    let user = super::auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let state = super::state::AppState::get()?;
    super::account::sessions_of(&state, &user).await
}

/// Logs the caller's account out of every browser, this one included, and goes to the login.
#[server(endpoint = "log_out_everywhere")]
pub async fn log_out_everywhere() -> Result<(), AppError> {
    let user = super::auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let state = super::state::AppState::get()?;
    super::account::log_out_everywhere(&state, &user).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Turns KakaoTalk messages about the caller's orders on or off; the inbox keeps them all.
#[server(endpoint = "set_kakao_messages")]
pub async fn set_kakao_messages(on: bool) -> Result<bool, AppError> {
    let user = super::auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let state = super::state::AppState::get()?;
    super::account::set_kakao_wanted(&state, &user, on).await
}

/// Forgets one of the customer's saved delivery addresses.
#[server(endpoint = "forget_address")]
pub async fn forget_address(address_id: uuid::Uuid) -> Result<(), AppError> {
    let user = super::auth::require(super::Role::Customer).await?;
    let state = super::state::AppState::get()?;
    super::account::forget_address(&state, &user, address_id).await
}

/// Leaves Baedal for good (회원탈퇴), asking the password: refused while an order is under way;
/// otherwise the account's personal data is erased, every session ends, and the browser goes to
/// the page that says what was kept.
#[server(endpoint = "leave_baedal")]
pub async fn leave_baedal(current_password: String) -> Result<(), AppError> {
    let user = super::auth::current().await?.ok_or(AppError::NotLoggedIn)?;
    let state = super::state::AppState::get()?;
    super::account::leave(&state, &user, current_password).await?;
    leptos_axum::redirect("/goodbye");
    Ok(())
}
