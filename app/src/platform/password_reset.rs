//! A way back in: a person who forgot their password proves they hold the account's phone with
//! a code sent to it over KakaoTalk, which opens a short step in which they set a new password.
//! An account without a proven phone asks support, and an operator opens the step for it as a
//! one-time link. The new password ends every session of the account.
//!
//! Nothing here tells whether an email has an account: asking for a code gets the same answer
//! either way (the code goes out after the answer), and a code that does not open a step is
//! refused with one sentence whatever the reason.

use serde::{Deserialize, Serialize};

/// How long a step opened by a code may be used.
pub const CODE_STEP_MINUTES: i64 = 15;
/// How long a link an operator issued may be used: long enough for support to reach the person.
pub const LINK_HOURS: i64 = 24;

/// What asking for a code answers, whoever the email belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResetCodeAsked {
    /// Whether the demo's KakaoTalk stand-in receives the code (and a page shows it).
    pub kakao_stand_in: bool,
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::platform::auth::{hash_password, password_matches};
    use crate::platform::db::{self, CodeTry};
    use crate::platform::error::AccountProblem;
    use crate::platform::phone::{self, checked_code, CodePurpose};
    use crate::platform::sign_up::{check_password_length, checked_email, is_guessable};
    use crate::platform::state::AppState;
    use crate::platform::{AccountId, AppError, CurrentUser, Role};

    /// A reset step's token: 256 random bits as 64 hex digits, in the link and never stored.
    pub struct ResetToken(String);

    impl ResetToken {
        pub(crate) fn new() -> ResetToken {
            use argon2::password_hash::rand_core::{OsRng, RngCore};
            let mut bytes = [0u8; 32];
            OsRng.fill_bytes(&mut bytes);
            ResetToken(bytes.iter().map(|b| format!("{b:02x}")).collect())
        }

        /// A token as the link carries it; anything else cannot be one of ours.
        pub fn parse(typed: &str) -> Option<ResetToken> {
            let ours = typed.len() == 64 && typed.bytes().all(|b| b.is_ascii_hexdigit());
            ours.then(|| ResetToken(typed.to_ascii_lowercase()))
        }

        /// What the database keeps instead of the token.
        pub(crate) fn hash(&self) -> [u8; 32] {
            use sha2::Digest;
            sha2::Sha256::digest(self.0.as_bytes()).into()
        }

        /// The page where the step is taken.
        pub fn page(&self) -> String {
            format!("/reset?token={}", self.0)
        }
    }

    /// Sends a reset code to the proven phone of the account with `email`, if there is one.
    /// Answers at once and the same way whether or not there is: the code goes out afterwards,
    /// so neither the answer nor its timing tells.
    pub async fn ask_for_code(state: &AppState, email: &str) -> Result<ResetCodeAsked, AppError> {
        let email = checked_email(email)?;
        if state.kakao.is_none() {
            return Err(AccountProblem::KakaoOff.into());
        }
        state.throttles.admit_reset(&email)?;
        let sender = state.clone();
        tokio::spawn(async move {
            if let Err(error) = send_code_to_owner(&sender, &email).await {
                tracing::info!(%error, "no reset code went out");
            }
        });
        Ok(ResetCodeAsked {
            kakao_stand_in: state.kakao_stand_in.is_some(),
        })
    }

    async fn send_code_to_owner(state: &AppState, email: &str) -> Result<(), AppError> {
        let Some(account) = db::account_by_email(&state.pool, email).await? else {
            return Ok(());
        };
        let account = account.user.account_id;
        let found = db::phone_of(&state.pool, account).await?;
        match found.phone.filter(|_| found.proven) {
            Some(phone) => {
                phone::send_code(state, account, phone, CodePurpose::ResetPassword).await
            }
            None => {
                tracing::info!(account_id = %account.0, "reset asked for an account without a proven phone");
                Ok(())
            }
        }
    }

    /// Opens a reset step with the code sent to the phone of the account with `email`. Every
    /// failure (no such account, no code, expired, tries used, wrong) is the same refusal, after
    /// the same password-thread work, so it tells nothing about the email.
    pub async fn open_step_with_code(
        state: &AppState,
        email: &str,
        typed_code: &str,
    ) -> Result<ResetToken, AppError> {
        let email = checked_email(email)?;
        let code = checked_code(typed_code)?;
        let refused = || AppError::from(AccountProblem::ResetCodeWrong);
        let account = db::account_by_email(&state.pool, &email)
            .await?
            .map(|account| account.user.account_id);
        let waiting = match account {
            Some(account) => {
                match db::take_code_try(&state.pool, account, CodePurpose::ResetPassword).await? {
                    CodeTry::Try { code_hash, .. } => Some((account, code_hash)),
                    CodeTry::NoCode | CodeTry::Expired | CodeTry::TriesUsed => None,
                }
            }
            None => None,
        };
        let stored = waiting.as_ref().map(|(_, code_hash)| code_hash.clone());
        let right = state
            .throttles
            .password_check(move || match stored {
                Some(stored) => password_matches(&code, &stored),
                // The same work as a compare, so that no answer comes sooner than another.
                None => {
                    let _ = hash_password(&code);
                    false
                }
            })
            .await?;
        let Some((account, code_hash)) = waiting.filter(|_| right) else {
            return Err(refused());
        };
        let token = ResetToken::new();
        let lives = chrono::Duration::minutes(CODE_STEP_MINUTES);
        match db::open_reset_with_code(&state.pool, account, &code_hash, &token.hash(), lives)
            .await?
        {
            true => {
                tracing::info!(account_id = %account.0, "reset step opened by a phone code");
                Ok(token)
            }
            // A newer code replaced this one while it was being compared.
            false => Err(refused()),
        }
    }

    /// Opens a reset step for the account with `email` as a link `operator` hands over, for an
    /// account that has no proven phone to receive a code. Never for an operator's account: one
    /// operator cannot take over another.
    pub async fn issue_link(
        state: &AppState,
        operator: AccountId,
        email: &str,
    ) -> Result<ResetToken, AppError> {
        let email = checked_email(email)?;
        let account = db::account_by_email(&state.pool, &email)
            .await?
            .ok_or(AccountProblem::NoAccountWithEmail)?
            .user;
        if account.role == Role::Operator {
            return Err(AccountProblem::OperatorResetRefused.into());
        }
        let token = ResetToken::new();
        let lives = chrono::Duration::hours(LINK_HOURS);
        db::insert_reset(
            &state.pool,
            account.account_id,
            Some(operator),
            &token.hash(),
            lives,
        )
        .await?;
        tracing::info!(
            account_id = %account.account_id.0,
            operator = %operator.0,
            "reset link issued by an operator"
        );
        Ok(token)
    }

    /// Sets a new password through a live step and ends every session of the account (closing
    /// this instance's sockets of them at once; other instances close theirs at their next
    /// session check). Returns the account, for the caller to log in.
    pub async fn set_new_password(
        state: &AppState,
        token: &str,
        password: String,
    ) -> Result<CurrentUser, AppError> {
        let dead = || AppError::from(AccountProblem::ResetLinkDead);
        let token = ResetToken::parse(token).ok_or_else(dead)?;
        check_password_length(&password)?;
        let token_hash = token.hash();
        let account = db::account_of_reset(&state.pool, &token_hash)
            .await?
            .ok_or_else(dead)?;
        let (own_email, own_name) = (account.email.clone(), account.display_name.clone());
        let password_hash = state
            .throttles
            .password_check(move || {
                if is_guessable(&password, &own_email, &own_name) {
                    return Err(AppError::Account(AccountProblem::PasswordGuessable));
                }
                hash_password(&password)
            })
            .await??;
        let ended = db::finish_reset(&state.pool, &token_hash, account.account_id, &password_hash)
            .await?
            .ok_or_else(dead)?;
        state.live.sessions_ended(&ended);
        tracing::info!(
            account_id = %account.account_id.0,
            sessions_ended = ended.len(),
            "password set through a reset step"
        );
        Ok(account)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn tokens_are_long_random_and_read_back_only_as_given() {
            let token = ResetToken::new();
            assert_eq!(token.0.len(), 64);
            assert_ne!(token.0, ResetToken::new().0);
            let read = ResetToken::parse(&token.0).expect("its own form");
            assert_eq!(read.hash(), token.hash());
            assert!(token.page().starts_with("/reset?token="));
            for typed in ["", "abc", &token.0[..63], &format!("{}g", &token.0[..63])] {
                assert!(ResetToken::parse(typed).is_none(), "{typed}");
            }
        }
    }
}
