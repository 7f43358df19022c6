//! Account administration: the first operator, created from the command line with a link that
//! sets its password, and the operator console's accounts view (find by email or phone, suspend
//! with a reason, reinstate). Operators never see a password or a code: only whether a phone is
//! proven.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{AccountId, Role};

/// The most accounts one search shows: enough to pick from, never the whole table.
pub const MOST_FOUND: i64 = 20;

/// An account as the operator console shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRecord {
    pub account_id: AccountId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The phone as written ("010-1234-5601"), proven or not.
    pub phone: Option<String>,
    pub phone_proven: bool,
    pub joined_at: DateTime<Utc>,
    pub suspension: Option<Suspension>,
}

/// Why and since when an account is suspended, and by which operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suspension {
    pub at: DateTime<Utc>,
    pub reason: String,
    /// The operator's email.
    pub by: String,
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::platform::db::{self, SuspendOutcome};
    use crate::platform::error::{AccountProblem, Missing};
    use crate::platform::password_reset::{ResetToken, LINK_HOURS};
    use crate::platform::phone::MobileNumber;
    use crate::platform::sign_up::checked_email;
    use crate::platform::state::AppState;
    use crate::platform::text::{Field, TextRule};
    use crate::platform::{AppError, CurrentUser};

    /// Creates an operator account with `email` and no password yet, and opens the one-time
    /// step (24 hours) in which its first password is set. For `server create-operator`: the
    /// first operator of a new deployment cannot come from the console.
    pub async fn create_operator(
        pool: &sqlx::PgPool,
        email: &str,
        display_name: &str,
    ) -> Result<ResetToken, AppError> {
        let email = checked_email(email)?;
        let display_name = TextRule::line(Field::DisplayName, 50).check(display_name)?;
        let mut tx = pool.begin().await?;
        let account = db::insert_operator(&mut tx, &email, &display_name)
            .await?
            .ok_or(AccountProblem::EmailTaken)?;
        let token = ResetToken::new();
        db::insert_reset(
            &mut *tx,
            account,
            None,
            &token.hash(),
            chrono::Duration::hours(LINK_HOURS),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(account_id = %account.0, "operator created from the command line");
        Ok(token)
    }

    /// The accounts whose email contains `query`, or whose phone it is.
    pub async fn find(state: &AppState, query: &str) -> Result<Vec<AccountRecord>, AppError> {
        let query = TextRule::line(Field::SearchQuery, 100).check(query)?;
        let phone = MobileNumber::parse(&query).ok();
        Ok(db::find_accounts(&state.pool, &query, phone.as_ref(), MOST_FOUND).await?)
    }

    /// Suspends `account` with `reason`: its sessions end at once (sockets on this instance
    /// close now, elsewhere at their next session check) and its logins are refused.
    pub async fn suspend(
        state: &AppState,
        operator: &CurrentUser,
        account: AccountId,
        reason: &str,
    ) -> Result<(), AppError> {
        let reason = TextRule::line(Field::Reason, 200).check(reason)?;
        match db::suspend_account(&state.pool, account, operator.account_id, &reason).await? {
            SuspendOutcome::Suspended(ended) => {
                state.live.sessions_ended(&ended);
                tracing::info!(
                    account_id = %account.0,
                    operator = %operator.account_id.0,
                    sessions_ended = ended.len(),
                    "account suspended"
                );
                Ok(())
            }
            SuspendOutcome::NoSuchAccount => Err(AppError::NotFound(Missing::Account)),
            SuspendOutcome::Operator => Err(AccountProblem::OperatorSuspendRefused.into()),
        }
    }

    /// Lifts the suspension of `account`; it logs in again with its password.
    pub async fn reinstate(
        state: &AppState,
        operator: &CurrentUser,
        account: AccountId,
    ) -> Result<(), AppError> {
        match db::reinstate_account(&state.pool, account).await? {
            true => {
                tracing::info!(
                    account_id = %account.0,
                    operator = %operator.account_id.0,
                    "account reinstated"
                );
                Ok(())
            }
            false => Err(AppError::NotFound(Missing::Account)),
        }
    }
}
