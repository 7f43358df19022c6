//! One's own account after joining: changing the password, the browsers that are logged in and
//! logging them all out, whether KakaoTalk messages come at all, forgetting a saved address, and
//! leaving Baedal for good (회원탈퇴).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A browser logged into the account, as the account page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoggedInSession {
    /// "Chrome · Android", from the browser's own description when it logged in; empty when it
    /// said nothing we recognise.
    pub device: String,
    pub logged_in_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// The browser that asked for the list.
    pub this_browser: bool,
}

/// What changing the password did besides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChanged {
    /// The other browsers that were logged in and no longer are.
    pub other_sessions_ended: usize,
}

/// The browser and the system a `User-Agent` header names, as "Chrome · Android", so a person
/// can tell their sessions apart. Only names a person knows; anything else is left out.
pub fn device_of(user_agent: &str) -> String {
    let has = |needle: &str| user_agent.contains(needle);
    // In-app browsers and browsers built on Chrome name Chrome (and Safari) too: the more
    // particular name is tried first.
    let browser = [
        ("KAKAOTALK", "KakaoTalk"),
        ("NAVER(inapp", "NAVER"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Whale/", "Whale"),
        ("Edg", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
    ]
    .into_iter()
    .find(|(needle, _)| has(needle))
    .map(|(_, name)| name)
    .or_else(|| (has("Safari/") && has("Version/")).then_some("Safari"));
    let system = [
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Android", "Android"),
        ("Windows", "Windows"),
        ("CrOS", "ChromeOS"),
        ("Macintosh", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(needle, _)| has(needle))
    .map(|(_, name)| name);
    [browser, system]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(feature = "ssr")]
pub use server::*;

/// What one context does when a customer leaves, inside the leaving transaction: refuse (an order
/// still under way) or forget what it keeps of them. Registered by the server
/// (`state::ContextHooks`).
#[cfg(feature = "ssr")]
pub type ForgetCustomer = for<'a> fn(
    &'a mut sqlx::PgConnection,
    super::AccountId,
)
    -> futures::future::BoxFuture<'a, Result<(), super::AppError>>;

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::platform::auth::{self, hash_password, password_matches, SessionLifetime};
    use crate::platform::db;
    use crate::platform::error::{AccountProblem, Missing};
    use crate::platform::sign_up::{check_password_length, is_guessable};
    use crate::platform::state::AppState;
    use crate::platform::{AppError, CurrentUser, Role};

    /// Sets a new password for `user`, who proves it is them with the current one, and ends
    /// every other session of the account (closing this instance's sockets of them at once).
    /// The browser that asked stays logged in.
    pub async fn change_password(
        state: &AppState,
        user: &CurrentUser,
        current: String,
        new: String,
    ) -> Result<PasswordChanged, AppError> {
        check_password_length(&new)?;
        confirm_own_password(state, user, current.clone()).await?;
        if new == current {
            return Err(AccountProblem::PasswordUnchanged.into());
        }
        let (email, name) = (user.email.clone(), user.display_name.clone());
        let password_hash = state
            .throttles
            .password_check(move || {
                if is_guessable(&new, &email, &name) {
                    return Err(AppError::Account(AccountProblem::PasswordGuessable));
                }
                hash_password(&new)
            })
            .await??;
        let this_session = auth::session_id().await?;
        let ended = db::change_password(
            &state.pool,
            user.account_id,
            &password_hash,
            this_session.as_deref(),
        )
        .await?;
        state.live.sessions_ended(&ended);
        tracing::info!(
            account_id = %user.account_id.0,
            sessions_ended = ended.len(),
            "password changed"
        );
        Ok(PasswordChanged {
            other_sessions_ended: ended.len(),
        })
    }

    /// Checks that `typed` is `user`'s password, before a change only its owner may make. A
    /// thief holding a session must not get more guesses at the password than a stranger: the
    /// tries count under a growing limit of their own, and the compare runs on the password
    /// threads.
    async fn confirm_own_password(
        state: &AppState,
        user: &CurrentUser,
        typed: String,
    ) -> Result<(), AppError> {
        state.throttles.admit_own_password(user.account_id)?;
        let stored = db::password_hash_of(&state.pool, user.account_id)
            .await?
            .ok_or(AppError::NotLoggedIn)?;
        let right = state
            .throttles
            .password_check(move || password_matches(&typed, &stored))
            .await?;
        match right {
            true => Ok(()),
            false => Err(AccountProblem::CurrentPasswordWrong.into()),
        }
    }

    /// Ends every session of `user`, this browser's too, and closes their sockets on this
    /// instance (others close theirs at their next session check).
    pub async fn log_out_everywhere(state: &AppState, user: &CurrentUser) -> Result<(), AppError> {
        let ended = db::end_sessions_of(&state.pool, user.account_id).await?;
        state.live.sessions_ended(&ended);
        // The session row is gone; this also drops the browser's cookie.
        auth::log_out().await?;
        tracing::info!(
            account_id = %user.account_id.0,
            sessions_ended = ended.len(),
            "logged out everywhere"
        );
        Ok(())
    }

    /// The sessions of `user` that are still alive, the one asking first, then the most recently
    /// used.
    pub async fn sessions_of(
        state: &AppState,
        user: &CurrentUser,
    ) -> Result<Vec<LoggedInSession>, AppError> {
        let this_session = auth::session_id().await?;
        let lifetime = SessionLifetime::of(user.role);
        let now = Utc::now().timestamp();
        let at = |seconds: i64| DateTime::from_timestamp(seconds, 0).unwrap_or_default();
        let mut sessions: Vec<LoggedInSession> = db::sessions_of(&state.pool, user.account_id)
            .await?
            .into_iter()
            .filter(|s| !lifetime.has_ended(s.logged_in_at, s.last_seen, now))
            .map(|s| LoggedInSession {
                this_browser: this_session.as_deref() == Some(s.id.as_str()),
                device: s.device,
                logged_in_at: at(s.logged_in_at),
                last_seen: at(s.last_seen),
            })
            .collect();
        sessions.sort_by_key(|s| (!s.this_browser, std::cmp::Reverse(s.last_seen)));
        Ok(sessions)
    }

    /// Turns KakaoTalk messages about orders on or off for `user`; answers how it is now.
    pub async fn set_kakao_wanted(
        state: &AppState,
        user: &CurrentUser,
        wanted: bool,
    ) -> Result<bool, AppError> {
        db::set_kakao_wanted(&state.pool, user.account_id, wanted).await?;
        tracing::info!(account_id = %user.account_id.0, wanted, "KakaoTalk messages switched");
        Ok(wanted)
    }

    /// Takes `user`, a customer who proves it is them with their password, out of Baedal for
    /// good, unless an order of theirs is still under way. In one transaction their orders (and
    /// the order's snapshot in the log, and its view) keep only the neighbourhood of the door,
    /// their inbox and KakaoTalk messages go, and the account is erased but for its id; every
    /// session ends. The orders stay as the transaction records the law asks for (README,
    /// "What is kept").
    pub async fn leave(
        state: &AppState,
        user: &CurrentUser,
        password: String,
    ) -> Result<(), AppError> {
        if user.role != Role::Customer {
            return Err(AccountProblem::LeaveThroughSupport.into());
        }
        confirm_own_password(state, user, password).await?;
        let customer = user.account_id;
        let mut tx = state.pool.begin().await?;
        if !db::lock_account(&mut tx, customer).await? {
            return Err(AppError::NotLoggedIn);
        }
        for forget in state.contexts.forget_customer {
            forget(&mut tx, customer).await?;
        }
        let ended = db::erase_account(&mut tx, customer).await?;
        tx.commit().await?;
        state.live.sessions_ended(&ended);
        // The session row is gone already; this drops the browser's cookie too.
        auth::log_out().await?;
        tracing::info!(account_id = %customer.0, "left Baedal");
        Ok(())
    }

    /// Forgets one of the customer's saved addresses. Orders already placed keep their own copy.
    pub async fn forget_address(
        state: &AppState,
        user: &CurrentUser,
        address_id: uuid::Uuid,
    ) -> Result<(), AppError> {
        match db::delete_address(&state.pool, user.account_id, address_id).await? {
            true => Ok(()),
            false => Err(AppError::NotFound(Missing::Address)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_is_named_as_its_owner_knows_it() {
        let cases = [
            (
                "Mozilla/5.0 (Linux; Android 14; SM-S921N) AppleWebKit/537.36 (KHTML, like Gecko) \
                 SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
                "Samsung Internet · Android",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari · iPhone",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.8.5",
                "KakaoTalk · iPhone",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like \
                 Gecko) Chrome/126.0.0.0 Whale/3.27.254.15 Safari/537.36",
                "Whale · Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like \
                 Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
                "Edge · Windows",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like \
                 Gecko) Chrome/126.0.0.0 Safari/537.36",
                "Chrome · macOS",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                "Firefox · Linux",
            ),
            ("curl/8.5.0", ""),
            ("", ""),
        ];
        for (user_agent, named) in cases {
            assert_eq!(device_of(user_agent), named, "{user_agent}");
        }
    }
}
