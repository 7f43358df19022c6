//! Proving a phone: a KakaoTalk message carries a six-digit code to the number, and typing the
//! code back shows the number is the person's own. Until then no KakaoTalk message goes to it
//! (`notification::kakao::record_and_queue` asks for a proven phone), so a number typed by mistake, or
//! someone else's, never receives our messages.

use serde::{Deserialize, Serialize};

use super::error::AccountProblem;

/// How long a code can be typed after it was sent.
pub const CODE_LIVES_MINUTES: i64 = 5;
/// How many codes may be typed against one sent code, right or wrong.
pub const CODE_TRIES: i32 = 5;
/// How long after one code the next may be asked for.
pub const RESEND_AFTER_SECONDS: i64 = 60;
/// Codes one phone receives in a day, whichever accounts ask: nobody can flood a stranger's
/// phone by naming it from many accounts.
pub const CODES_PER_PHONE_PER_DAY: i64 = 5;
/// Codes one account asks for in a day, whichever phones it names.
pub const CODES_PER_ACCOUNT_PER_DAY: i64 = 10;

/// Longest phone number as typed, with spaces, hyphens and a country code.
const MAX_TYPED_CHARS: usize = 30;

/// A Korean mobile number, kept as digits only (`01012345678`): KakaoTalk AlimTalk reaches
/// mobiles, and the country's mobile prefixes are 010 and the older 011, 016 to 019.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MobileNumber(String);

impl MobileNumber {
    /// The number as a person types it: with spaces, hyphens, dots or parentheses, and with
    /// `+82` (or `82`) in place of the leading zero.
    pub fn parse(typed: &str) -> Result<MobileNumber, AccountProblem> {
        if typed.chars().count() > MAX_TYPED_CHARS {
            return Err(AccountProblem::PhoneMalformed);
        }
        let kept: String = typed
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}'))
            .collect();
        let national = match kept.strip_prefix("+82").or_else(|| kept.strip_prefix("82")) {
            Some(rest) => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
            None => kept,
        };
        let digits_only = national.bytes().all(|b| b.is_ascii_digit());
        let well_formed = digits_only
            && match national.get(..3) {
                Some("010") => national.len() == 11,
                Some("011" | "016" | "017" | "018" | "019") => matches!(national.len(), 10 | 11),
                _ => false,
            };
        match well_formed {
            true => Ok(MobileNumber(national)),
            false => Err(AccountProblem::PhoneMalformed),
        }
    }

    /// A number as the database keeps it, which was checked when it was stored.
    pub fn stored(digits: String) -> MobileNumber {
        MobileNumber(digits)
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    /// Written the way Koreans write it: `010-1234-5678`, `011-123-4567`.
    pub fn shown(&self) -> String {
        let (prefix, rest) = self.0.split_at(3);
        let (middle, last) = rest.split_at(rest.len() - 4);
        format!("{prefix}-{middle}-{last}")
    }
}

/// What a code sent to a phone is for. An account may wait for one code of each kind at once:
/// proving a new number while logged in, and setting a new password after forgetting the old.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePurpose {
    ProvePhone,
    ResetPassword,
}

impl CodePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            CodePurpose::ProvePhone => "prove_phone",
            CodePurpose::ResetPassword => "reset_password",
        }
    }
}

/// A code as typed: six digits, spaces around or between them allowed.
pub fn checked_code(typed: &str) -> Result<String, AccountProblem> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    match digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
        true => Ok(digits),
        false => Err(AccountProblem::CodeMalformed),
    }
}

/// What the account page shows about the caller's phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhoneState {
    /// The number KakaoTalk messages go to, once proven; an older unproven number otherwise.
    pub phone: Option<MobileNumber>,
    pub proven: bool,
    /// The number a code was sent to and may still be typed for.
    pub waiting_for_code: Option<MobileNumber>,
    /// Whether the person wants KakaoTalk messages about their orders (they can turn them off).
    pub messages_wanted: bool,
    /// Whether this server sends KakaoTalk messages at all.
    pub kakao_on: bool,
    /// Whether the demo's KakaoTalk stand-in receives the messages (and a page shows them).
    pub kakao_stand_in: bool,
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::notification::kakao;
    use crate::platform::auth::{hash_password, password_matches};
    use crate::platform::db::{self, CodeSendsToday, CodeTry};
    use crate::platform::state::AppState;
    use crate::platform::{AccountId, AppError};

    /// A fresh six-digit code, every value equally likely.
    fn fresh_code() -> String {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        // The largest multiple of a million below 2^32: values above it would favour low codes.
        const FAIR_BELOW: u32 = 4_294_000_000;
        loop {
            let drawn = OsRng.next_u32();
            if drawn < FAIR_BELOW {
                return format!("{:06}", drawn % 1_000_000);
            }
        }
    }

    /// Sends a new code to `phone` for `account` to type back, within the resend wait and the
    /// daily caps (which count both purposes together). The send is counted before it goes out,
    /// so a failing KakaoTalk does not lift the caps; a code that did not go out is forgotten.
    pub async fn send_code(
        state: &AppState,
        account: AccountId,
        phone: MobileNumber,
        purpose: CodePurpose,
    ) -> Result<(), AppError> {
        let Some(channel) = state.kakao.as_ref() else {
            return Err(AccountProblem::KakaoOff.into());
        };
        match db::count_code_send(&state.pool, account, &phone, purpose).await? {
            CodeSendsToday::AlreadyProven => return Err(AccountProblem::PhoneAlreadyProven.into()),
            CodeSendsToday::WaitSeconds(seconds) => return Err(AppError::Throttled(seconds)),
            CodeSendsToday::CapReached => return Err(AccountProblem::CodesForTodayUsed.into()),
            CodeSendsToday::Counted => {}
        }
        let code = fresh_code();
        let hashed = code.clone();
        let code_hash = state
            .throttles
            .password_check(move || hash_password(&hashed))
            .await??;
        db::keep_code(&state.pool, account, purpose, &phone, &code_hash).await?;
        let message = kakao::phone_code_message(&code);
        if let Err(error) = channel.send_now(phone.digits(), &message).await {
            tracing::warn!(%error, "a phone code did not go out");
            db::forget_code(&state.pool, account, purpose).await?;
            return Err(AccountProblem::KakaoUnreachable.into());
        }
        tracing::info!(account_id = %account.0, purpose = purpose.as_str(), "phone code sent");
        Ok(())
    }

    /// Checks a typed code against the one sent; the right one makes its number the account's
    /// proven phone. Each try is counted before the code is compared, so two tries sent at
    /// once cannot both slip past the last one.
    pub async fn prove(
        state: &AppState,
        account: AccountId,
        typed: String,
    ) -> Result<MobileNumber, AppError> {
        let code = checked_code(&typed)?;
        let (phone, code_hash, tries_left) =
            match db::take_code_try(&state.pool, account, CodePurpose::ProvePhone).await? {
                CodeTry::NoCode => return Err(AccountProblem::NoCodeSent.into()),
                CodeTry::Expired => return Err(AccountProblem::CodeExpired.into()),
                CodeTry::TriesUsed => return Err(AccountProblem::CodeTriesUsed.into()),
                CodeTry::Try {
                    phone,
                    code_hash,
                    tries_left,
                } => (phone, code_hash, tries_left),
            };
        let stored = code_hash.clone();
        let right = state
            .throttles
            .password_check(move || password_matches(&code, &stored))
            .await?;
        if !right {
            return Err(AccountProblem::CodeWrong { tries_left }.into());
        }
        match db::prove_phone(&state.pool, account, &code_hash).await? {
            true => {
                tracing::info!(account_id = %account.0, "phone proven");
                Ok(phone)
            }
            // A newer code replaced this one while it was being compared.
            false => Err(AccountProblem::NoCodeSent.into()),
        }
    }

    /// The caller's phone as the account page shows it.
    pub async fn phone_state(state: &AppState, account: AccountId) -> Result<PhoneState, AppError> {
        let found = db::phone_of(&state.pool, account).await?;
        Ok(PhoneState {
            phone: found.phone,
            proven: found.proven,
            waiting_for_code: found.waiting_for_code,
            messages_wanted: found.kakao_wanted,
            kakao_on: state.kakao.is_some(),
            kakao_stand_in: state.kakao_stand_in.is_some(),
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn codes_are_six_digits_and_vary() {
            let codes: std::collections::HashSet<String> = (0..50).map(|_| fresh_code()).collect();
            assert!(codes.iter().all(|c| checked_code(c).as_deref() == Ok(c)));
            assert!(
                codes.len() > 45,
                "50 codes gave only {} different",
                codes.len()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mobile_number_is_read_however_it_is_typed() {
        for typed in [
            "010-1234-5678",
            "01012345678",
            "010 1234 5678",
            "+82 10-1234-5678",
            "+82 010 1234 5678",
            "821012345678",
            "(010) 1234.5678",
        ] {
            let number = MobileNumber::parse(typed).expect(typed);
            assert_eq!(number.digits(), "01012345678", "{typed}");
            assert_eq!(number.shown(), "010-1234-5678", "{typed}");
        }
        assert_eq!(
            MobileNumber::parse("011-123-4567").map(|n| n.shown()),
            Ok("011-123-4567".to_owned())
        );
    }

    #[test]
    fn what_is_not_a_korean_mobile_is_refused() {
        for typed in [
            "",
            "010-1234-567",
            "010-1234-56789",
            "02-123-4567",
            "070-1234-5678",
            "010-1234-567a",
            "+1 415 555 0100",
            "０１０-1234-5678",
            "010-1234-5678 010-1234-5678 010",
        ] {
            assert_eq!(
                MobileNumber::parse(typed),
                Err(AccountProblem::PhoneMalformed),
                "{typed}"
            );
        }
    }

    #[test]
    fn a_code_is_six_digits() {
        assert_eq!(checked_code(" 123 456 "), Ok("123456".to_owned()));
        assert_eq!(checked_code("012345"), Ok("012345".to_owned()));
        for typed in ["12345", "1234567", "12345a", "١٢٣٤٥٦", ""] {
            assert_eq!(
                checked_code(typed),
                Err(AccountProblem::CodeMalformed),
                "{typed}"
            );
        }
    }
}
