//! The one error type every server function returns. It crosses the wire as JSON, so the browser
//! gets the same typed value the server produced and words it in the reader's language; the
//! English wording (`Display`) is what logs and API callers read.

use serde::{Deserialize, Serialize};
use server_fn::{codec::JsonEncoding, error::FromServerFnError};
use std::fmt;

use super::pages::role_label;
use super::text::TextProblem;
use super::Role;
use crate::delivery::RiderRefusal;
use crate::i18n::{td_string, Locale};
use crate::onboarding::ApplicationProblem;
use crate::ordering::cart::CartProblem;
use crate::ordering::machine::Refusal;
use crate::ordering::PlaceRefusal;
use crate::payment::PaymentRefusal;
use crate::places::SearchRefusal;
use crate::store::editing::EditProblem;
use crate::store::readiness::StoreProblem;

/// Why a request did not succeed, worded for the person who made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AppError {
    NotLoggedIn,
    WrongRole(Role),
    BadCredentials,
    /// What the caller sent cannot be used as it is, for a reason of the platform's own.
    Invalid(Problem),
    /// A typed field is empty, too long, or holds what nobody types.
    Text(TextProblem),
    /// The owner's menu edit does not hold together.
    Edit(EditProblem),
    /// A store's setup, going live or suspension that cannot be done as asked.
    Store(StoreProblem),
    /// The store cannot take this order as it stands.
    Place(PlaceRefusal),
    /// A rider's request that does not fit where the rider is or what they are doing.
    Rider(RiderRefusal),
    /// Payment cannot be taken for this order now.
    Payment(PaymentRefusal),
    /// An address search or lookup found no place, or the provider did not answer.
    Search(SearchRefusal),
    NotFound(Missing),
    /// A sign-up (or later an account change) that cannot be taken as it is.
    Account(AccountProblem),
    /// An owner's or rider's application, or an operator's decision on one, that cannot be
    /// taken as it is.
    Application(ApplicationProblem),
    /// The state machine refused the command; the refusal says why.
    Refused(Refusal),
    /// A cart the store cannot sell as it is.
    Cart(CartProblem),
    /// The request itself could not be read: not text, a field missing or of the wrong kind.
    /// A page of ours never sends such a request.
    Malformed(Unreadable),
    /// Something one account or store keeps has reached its most (addresses, dishes, options):
    /// the sentence says which, so the person can remove one first.
    LimitReached(Limit),
    TooLarge,
    /// Too many attempts in a short time; the caller may try again after this many seconds.
    Throttled(u64),
    /// The site is seeing a flood of failed logins, and this browser has never logged into the
    /// account it names: it may try again after this many seconds, or log in from a browser it
    /// has used before.
    LoginsUnderAttack(u64),
    /// A command or socket sent from another site (cross-site request forgery, or a page of
    /// another site embedding ours).
    OtherSite,
    Busy,
    Internal,
    Transport(String),
}

/// A refusal of the platform's own: logins, addresses, a store's place, the operator's tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    LoginFieldsMissing,
    AddressOffMap,
    StoreLocationOffMap,
    DrillFailuresOutOfRange,
    UnknownConsumer { name: String },
}

/// Why an account cannot be created as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountProblem {
    EmailMalformed,
    /// Said the same whatever the other account is (customer, owner, rider or operator).
    EmailTaken,
    PasswordTooShort {
        least: usize,
    },
    PasswordTooLong {
        most: usize,
    },
    /// Common, a pattern, or made of the person's own email or name.
    PasswordGuessable,
    UnderFourteen,
    TermsNotAccepted,
    PrivacyNotAccepted,
    /// Not a Korean mobile number, which is what KakaoTalk messages reach.
    PhoneMalformed,
    PhoneAlreadyProven,
    /// This server sends no KakaoTalk messages, so no code can reach a phone.
    KakaoOff,
    /// KakaoTalk did not take the code's message.
    KakaoUnreachable,
    /// The phone or the account has had every code a day allows.
    CodesForTodayUsed,
    CodeMalformed,
    NoCodeSent,
    CodeExpired,
    CodeTriesUsed,
    CodeWrong {
        tries_left: i32,
    },
    /// A reset code that opens no step: the same sentence whether the email has no account, no
    /// code was sent, it expired, its tries are used or it is wrong.
    ResetCodeWrong,
    /// A reset link that was used, has expired, or never was one of ours.
    ResetLinkDead,
    /// An operator asked for a reset link for an email without an account.
    NoAccountWithEmail,
    /// An operator asked for a reset link for another operator.
    OperatorResetRefused,
    /// The current password, asked before changing it or leaving, is not the account's.
    CurrentPasswordWrong,
    /// The new password is the one the account has.
    PasswordUnchanged,
    /// A customer cannot leave while one of their orders is under way.
    OrderUnderWay,
    /// Owners, riders and operators leave through support, which hands over their store or
    /// their deliveries first.
    LeaveThroughSupport,
    /// An operator has suspended the account; said only after the right password.
    Suspended,
    /// An operator's account is not suspended from the console.
    OperatorSuspendRefused,
    /// The sign-up form named a role nobody signs up as (only customers, owners and riders do).
    JoiningAsUnknown,
}

impl From<AccountProblem> for AppError {
    fn from(problem: AccountProblem) -> Self {
        AppError::Account(problem)
    }
}

impl AccountProblem {
    pub fn in_language(self, locale: Locale) -> String {
        match self {
            AccountProblem::EmailMalformed => td_string!(locale, error.email_malformed).to_owned(),
            AccountProblem::EmailTaken => td_string!(locale, error.email_taken).to_owned(),
            AccountProblem::PasswordTooShort { least } => {
                td_string!(locale, error.password_too_short, least)
            }
            AccountProblem::PasswordTooLong { most } => {
                td_string!(locale, error.password_too_long, most)
            }
            AccountProblem::PasswordGuessable => {
                td_string!(locale, error.password_guessable).to_owned()
            }
            AccountProblem::UnderFourteen => td_string!(locale, error.under_fourteen).to_owned(),
            AccountProblem::TermsNotAccepted => {
                td_string!(locale, error.terms_not_accepted).to_owned()
            }
            AccountProblem::PrivacyNotAccepted => {
                td_string!(locale, error.privacy_not_accepted).to_owned()
            }
            AccountProblem::PhoneMalformed => td_string!(locale, error.phone_malformed).to_owned(),
            AccountProblem::PhoneAlreadyProven => {
                td_string!(locale, error.phone_already_proven).to_owned()
            }
            AccountProblem::KakaoOff => td_string!(locale, error.kakao_off).to_owned(),
            AccountProblem::KakaoUnreachable => {
                td_string!(locale, error.kakao_unreachable).to_owned()
            }
            AccountProblem::CodesForTodayUsed => {
                td_string!(locale, error.codes_for_today_used).to_owned()
            }
            AccountProblem::CodeMalformed => td_string!(locale, error.code_malformed).to_owned(),
            AccountProblem::NoCodeSent => td_string!(locale, error.no_code_sent).to_owned(),
            AccountProblem::CodeExpired => td_string!(locale, error.code_expired).to_owned(),
            AccountProblem::CodeTriesUsed => td_string!(locale, error.code_tries_used).to_owned(),
            AccountProblem::CodeWrong { tries_left: 0 } => {
                td_string!(locale, error.code_wrong_last).to_owned()
            }
            AccountProblem::CodeWrong { tries_left } => {
                td_string!(locale, error.code_wrong, tries_left)
            }
            AccountProblem::ResetCodeWrong => td_string!(locale, error.reset_code_wrong).to_owned(),
            AccountProblem::ResetLinkDead => td_string!(locale, error.reset_link_dead).to_owned(),
            AccountProblem::NoAccountWithEmail => {
                td_string!(locale, error.no_account_with_email).to_owned()
            }
            AccountProblem::OperatorResetRefused => {
                td_string!(locale, error.operator_reset_refused).to_owned()
            }
            AccountProblem::CurrentPasswordWrong => {
                td_string!(locale, error.current_password_wrong).to_owned()
            }
            AccountProblem::PasswordUnchanged => {
                td_string!(locale, error.password_unchanged).to_owned()
            }
            AccountProblem::OrderUnderWay => td_string!(locale, error.order_under_way).to_owned(),
            AccountProblem::LeaveThroughSupport => {
                td_string!(locale, error.leave_through_support).to_owned()
            }
            AccountProblem::Suspended => td_string!(locale, error.suspended).to_owned(),
            AccountProblem::OperatorSuspendRefused => {
                td_string!(locale, error.operator_suspend_refused).to_owned()
            }
            AccountProblem::JoiningAsUnknown => {
                td_string!(locale, error.joining_as_unknown).to_owned()
            }
        }
    }
}

/// What the caller asked for that does not exist, or is not theirs to see (the two are told the
/// same way, so nobody learns what exists by guessing ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Missing {
    Order,
    NotYourOrder,
    Store,
    NotYourStore,
    NotYourDish,
    RiderProfile,
    DeliveryNotOpen,
    NotFollowable,
    /// A saved address that is not among the caller's (or was removed already).
    Address,
    /// An account an operator named that does not exist, or has left.
    Account,
    /// An application an operator named that does not exist.
    Application,
}

/// The most of something one account or store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Limit {
    Addresses { most: i64 },
    Dishes { most: i64 },
    OptionGroups { most: i64 },
    Choices { most: i64 },
}

/// Why the request itself could not be read. Field names are the request's own (`email`), so
/// they stay as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unreadable {
    /// The framework's decoder refused the arguments; serde's wording names the field.
    Arguments {
        detail: String,
    },
    MissingField {
        field: String,
    },
    ContentType {
        sent: Option<String>,
    },
    FieldNameNotText,
    NotJson {
        detail: String,
    },
    ControlCharacter {
        field: String,
    },
    NotUtf8 {
        field: String,
    },
}

impl AppError {
    /// The sentence for the person who made the request, in `locale`.
    pub fn in_language(&self, locale: Locale) -> String {
        match self {
            AppError::NotLoggedIn => td_string!(locale, error.not_logged_in).to_owned(),
            AppError::WrongRole(role) => {
                td_string!(locale, error.wrong_role, role = role_label(locale, *role))
            }
            AppError::BadCredentials => td_string!(locale, error.bad_credentials).to_owned(),
            AppError::Invalid(problem) => problem.in_language(locale),
            AppError::Text(problem) => problem.in_language(locale),
            AppError::Edit(problem) => problem.in_language(locale),
            AppError::Store(problem) => problem.in_language(locale),
            AppError::Place(refusal) => refusal.in_language(locale),
            AppError::Rider(refusal) => refusal.in_language(locale),
            AppError::Payment(refusal) => refusal.in_language(locale),
            AppError::Search(refusal) => refusal.in_language(locale).to_owned(),
            AppError::NotFound(missing) => missing.in_language(locale).to_owned(),
            AppError::Account(problem) => problem.in_language(locale),
            AppError::Application(problem) => problem.in_language(locale).to_owned(),
            AppError::Refused(refusal) => refusal.in_language(locale),
            AppError::Cart(problem) => problem.in_language(locale),
            AppError::Malformed(unreadable) => unreadable.in_language(locale),
            AppError::LimitReached(limit) => limit.in_language(locale),
            AppError::TooLarge => td_string!(locale, error.too_large).to_owned(),
            AppError::Throttled(seconds) => {
                td_string!(locale, error.throttled, seconds = *seconds)
            }
            AppError::LoginsUnderAttack(seconds) => {
                td_string!(locale, error.logins_under_attack, seconds = *seconds)
            }
            AppError::OtherSite => td_string!(locale, error.other_site).to_owned(),
            AppError::Busy => td_string!(locale, error.busy).to_owned(),
            AppError::Internal => td_string!(locale, error.internal).to_owned(),
            AppError::Transport(detail) => {
                td_string!(locale, error.transport, detail = detail.clone())
            }
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.in_language(Locale::en))
    }
}

impl std::error::Error for AppError {}

impl Problem {
    pub fn in_language(&self, locale: Locale) -> String {
        match self {
            Problem::LoginFieldsMissing => {
                td_string!(locale, error.login_fields_missing).to_owned()
            }
            Problem::AddressOffMap => td_string!(locale, error.address_off_map).to_owned(),
            Problem::StoreLocationOffMap => {
                td_string!(locale, error.store_location_off_map).to_owned()
            }
            Problem::DrillFailuresOutOfRange => {
                td_string!(locale, error.drill_failures_out_of_range).to_owned()
            }
            Problem::UnknownConsumer { name } => {
                td_string!(locale, error.unknown_consumer, name = name.clone())
            }
        }
    }
}

impl Missing {
    pub fn in_language(self, locale: Locale) -> &'static str {
        match self {
            Missing::Order => td_string!(locale, error.missing_order),
            Missing::NotYourOrder => td_string!(locale, error.missing_not_your_order),
            Missing::Store => td_string!(locale, error.missing_store),
            Missing::NotYourStore => td_string!(locale, error.missing_not_your_store),
            Missing::NotYourDish => td_string!(locale, error.missing_not_your_dish),
            Missing::RiderProfile => td_string!(locale, error.missing_rider_profile),
            Missing::DeliveryNotOpen => td_string!(locale, error.missing_delivery_not_open),
            Missing::NotFollowable => td_string!(locale, error.missing_not_followable),
            Missing::Address => td_string!(locale, error.missing_address),
            Missing::Account => td_string!(locale, error.missing_account),
            Missing::Application => td_string!(locale, error.missing_application),
        }
    }
}

impl Limit {
    pub fn in_language(self, locale: Locale) -> String {
        match self {
            Limit::Addresses { most } => td_string!(locale, error.limit_addresses, most),
            Limit::Dishes { most } => td_string!(locale, error.limit_dishes, most),
            Limit::OptionGroups { most } => td_string!(locale, error.limit_option_groups, most),
            Limit::Choices { most } => td_string!(locale, error.limit_choices, most),
        }
    }
}

impl Unreadable {
    pub fn in_language(&self, locale: Locale) -> String {
        match self {
            Unreadable::Arguments { detail } => {
                td_string!(locale, error.unreadable, detail = detail.clone())
            }
            Unreadable::MissingField { field } => {
                td_string!(locale, error.missing_field, field = field.clone())
            }
            Unreadable::ContentType { sent } => match sent {
                Some(sent) => td_string!(locale, error.content_type, sent = sent.clone()),
                None => td_string!(locale, error.no_content_type).to_owned(),
            },
            Unreadable::FieldNameNotText => {
                td_string!(locale, error.field_name_not_text).to_owned()
            }
            Unreadable::NotJson { detail } => {
                td_string!(locale, error.not_json, detail = detail.clone())
            }
            Unreadable::ControlCharacter { field } => {
                td_string!(locale, error.control_character, field = field.clone())
            }
            Unreadable::NotUtf8 { field } => {
                td_string!(locale, error.not_utf8, field = field.clone())
            }
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        framework_error(value)
    }
}

/// On the server these mean the arguments could not be decoded: the caller's fault, told in a
/// sentence rather than in the framework's words. Any other framework failure is ours.
#[cfg(feature = "ssr")]
fn framework_error(value: server_fn::error::ServerFnErrorErr) -> AppError {
    use server_fn::error::ServerFnErrorErr as Framework;
    match value {
        Framework::Args(detail) | Framework::Deserialization(detail) => {
            AppError::Malformed(Unreadable::Arguments {
                detail: detail
                    .trim_start_matches("error deserializing server function arguments: ")
                    .trim()
                    .to_owned(),
            })
        }
        Framework::MissingArg(field) => AppError::Malformed(Unreadable::MissingField { field }),
        other => {
            tracing::error!(error = %other, "server function failed in the framework");
            AppError::Internal
        }
    }
}

/// In the browser, a framework failure means the server could not be reached or understood.
#[cfg(not(feature = "ssr"))]
fn framework_error(value: server_fn::error::ServerFnErrorErr) -> AppError {
    AppError::Transport(value.to_string())
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status that tells a client and a proxy what kind of refusal this is; the body
    /// carries the sentence either way.
    pub fn http_status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            AppError::NotLoggedIn | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
            AppError::WrongRole(_) | AppError::OtherSite => StatusCode::FORBIDDEN,
            AppError::Refused(
                Refusal::NotYourRole { .. } | Refusal::NotYourOrder | Refusal::NotYourDelivery,
            ) => StatusCode::FORBIDDEN,
            AppError::Refused(
                Refusal::PrepTimeOutOfRange
                | Refusal::ReasonMissing
                | Refusal::ReasonTooLong
                | Refusal::ReasonNotText,
            ) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Refused(_) | AppError::LimitReached(_) => StatusCode::CONFLICT,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Account(
                AccountProblem::EmailTaken
                | AccountProblem::PhoneAlreadyProven
                | AccountProblem::OrderUnderWay,
            ) => StatusCode::CONFLICT,
            AppError::Account(
                AccountProblem::LeaveThroughSupport
                | AccountProblem::Suspended
                | AccountProblem::OperatorSuspendRefused,
            ) => StatusCode::FORBIDDEN,
            AppError::Account(AccountProblem::KakaoOff | AccountProblem::KakaoUnreachable) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Account(AccountProblem::CodesForTodayUsed) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Account(AccountProblem::NoAccountWithEmail) => StatusCode::NOT_FOUND,
            AppError::Account(AccountProblem::ResetLinkDead) => StatusCode::GONE,
            AppError::Account(AccountProblem::OperatorResetRefused) => StatusCode::FORBIDDEN,
            AppError::Account(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Store(problem) if problem.is_conflict() => StatusCode::CONFLICT,
            AppError::Store(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Application(problem) if problem.is_conflict() => StatusCode::CONFLICT,
            AppError::Application(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Invalid(_)
            | AppError::Text(_)
            | AppError::Edit(_)
            | AppError::Place(_)
            | AppError::Rider(_)
            | AppError::Cart(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Payment(PaymentRefusal::StillBusy) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Payment(_) => StatusCode::CONFLICT,
            AppError::Search(SearchRefusal::SearchOff | SearchRefusal::NotAnswering) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Search(SearchRefusal::NothingHere) => StatusCode::NOT_FOUND,
            AppError::Search(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Malformed(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Throttled(_) | AppError::LoginsUnderAttack(_) => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds after which trying again may succeed, for a `Retry-After` header.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::Throttled(seconds) | AppError::LoginsUnderAttack(seconds) => Some(*seconds),
            AppError::Busy => Some(1),
            AppError::Payment(PaymentRefusal::StillBusy) => Some(60),
            AppError::Search(SearchRefusal::NotAnswering) => Some(5),
            AppError::Account(AccountProblem::KakaoUnreachable) => Some(60),
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use server_fn::error::ServerFnErrorErr;

    #[test]
    fn undecodable_arguments_are_the_callers_fault_and_name_the_field() {
        let error = AppError::from_server_fn_error(ServerFnErrorErr::Args(
            "error deserializing server function arguments: missing field `email`".into(),
        ));
        assert_eq!(
            error.to_string(),
            "This request could not be read (missing field `email`). Reload the page and try again."
        );
        assert_eq!(error.http_status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn framework_faults_on_the_server_say_nothing_internal() {
        let error = AppError::from_server_fn_error(ServerFnErrorErr::Registration(
            "no handler for /api/x".into(),
        ));
        assert_eq!(error, AppError::Internal);
        assert_eq!(error.http_status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn each_refusal_has_the_status_a_proxy_understands() {
        let cases = [
            (AppError::NotLoggedIn, 401),
            (AppError::BadCredentials, 401),
            (AppError::WrongRole(Role::Owner), 403),
            (AppError::Refused(Refusal::NotYourOrder), 403),
            (AppError::Refused(Refusal::AlreadyClaimed), 409),
            (AppError::Refused(Refusal::CookingStarted), 409),
            (AppError::Refused(Refusal::ReasonTooLong), 422),
            (AppError::NotFound(Missing::Order), 404),
            (AppError::Invalid(Problem::AddressOffMap), 422),
            (AppError::Place(PlaceRefusal::NoSuchAddress), 422),
            (AppError::Rider(RiderRefusal::OffDuty), 422),
            (AppError::Payment(PaymentRefusal::NotWaitingForPayment), 409),
            (AppError::LimitReached(Limit::Addresses { most: 20 }), 409),
            (AppError::Search(SearchRefusal::NotAnswering), 503),
            (AppError::Search(SearchRefusal::OutsideKorea), 422),
            (
                AppError::Malformed(Unreadable::NotUtf8 {
                    field: "reason".into(),
                }),
                400,
            ),
            (AppError::TooLarge, 413),
            (AppError::Throttled(12), 429),
            (AppError::LoginsUnderAttack(12), 429),
            (AppError::OtherSite, 403),
            (AppError::Busy, 503),
            (AppError::Internal, 500),
        ];
        for (error, status) in cases {
            assert_eq!(error.http_status().as_u16(), status, "{error:?}");
        }
        assert_eq!(AppError::Throttled(12).retry_after(), Some(12));
        assert_eq!(
            AppError::Invalid(Problem::AddressOffMap).retry_after(),
            None
        );
    }
}
