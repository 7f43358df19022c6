//! The one error type every server function returns. It crosses the wire as JSON, so the browser
//! gets the same typed value the server produced and shows its sentence to the user.

use serde::{Deserialize, Serialize};
use server_fn::{codec::JsonEncoding, error::FromServerFnError};

use super::Role;

/// Why a request did not succeed, worded for the person who made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please log in to continue.")]
    NotLoggedIn,
    #[error("This page is for {} accounts. Log in with one to continue.", .0.label())]
    WrongRole(Role),
    #[error("That email and password do not match an account. Check both and try again.")]
    BadCredentials,
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    /// The state machine refused the command; the refusal says why.
    #[error("{0}")]
    Refused(crate::ordering::machine::Refusal),
    /// A cart the store cannot sell as it is.
    #[error("{0}")]
    Cart(crate::ordering::cart::CartProblem),
    /// The request itself could not be read: not text, a field missing or of the wrong kind.
    /// The sentence names the field; a page of ours never sends such a request.
    #[error("{0}")]
    Malformed(String),
    /// Something one account or store keeps has reached its most (addresses, dishes, options):
    /// the sentence says which, so the person can remove one first.
    #[error("{0}")]
    LimitReached(String),
    #[error(
        "That is more than Baedal takes in one request. Shorten what you typed and try again."
    )]
    TooLarge,
    /// Too many attempts in a short time; the caller may try again after this many seconds.
    #[error("Too many attempts. Wait {0} seconds and try again.")]
    Throttled(u64),
    /// A command or socket sent from another site (cross-site request forgery, or a page of
    /// another site embedding ours).
    #[error("This request came from another site, so Baedal refused it. Open Baedal itself and try again.")]
    OtherSite,
    #[error("Many people are changing this order at once. Please try again.")]
    Busy,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    #[error("Baedal could not be reached ({0}). Check your connection and try again.")]
    Transport(String),
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
            AppError::Malformed(unreadable(&detail))
        }
        Framework::MissingArg(field) => AppError::Malformed(format!(
            "This request lacks its `{field}` field. Reload the page and try again."
        )),
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

/// A decoding failure in a sentence; serde's own wording names the field (`missing field
/// `email``, `invalid digit found in string`), so it is kept inside the parentheses.
#[cfg(feature = "ssr")]
fn unreadable(detail: &str) -> String {
    let detail = detail
        .trim_start_matches("error deserializing server function arguments: ")
        .trim();
    format!("This request could not be read ({detail}). Reload the page and try again.")
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status that tells a client and a proxy what kind of refusal this is; the body
    /// carries the sentence either way.
    pub fn http_status(&self) -> axum::http::StatusCode {
        use crate::ordering::machine::Refusal;
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
            AppError::Invalid(_) | AppError::Cart(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Malformed(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds after which trying again may succeed, for a `Retry-After` header.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::Throttled(seconds) => Some(*seconds),
            AppError::Busy => Some(1),
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
        use crate::ordering::machine::Refusal;
        let cases = [
            (AppError::NotLoggedIn, 401),
            (AppError::BadCredentials, 401),
            (AppError::WrongRole(Role::Owner), 403),
            (AppError::Refused(Refusal::NotYourOrder), 403),
            (AppError::Refused(Refusal::AlreadyClaimed), 409),
            (AppError::Refused(Refusal::CookingStarted), 409),
            (AppError::Refused(Refusal::ReasonTooLong), 422),
            (AppError::NotFound("no such order".into()), 404),
            (AppError::Invalid("bad label".into()), 422),
            (AppError::LimitReached("20 addresses".into()), 409),
            (AppError::Malformed("not text".into()), 400),
            (AppError::TooLarge, 413),
            (AppError::Throttled(12), 429),
            (AppError::OtherSite, 403),
            (AppError::Busy, 503),
            (AppError::Internal, 500),
        ];
        for (error, status) in cases {
            assert_eq!(error.http_status().as_u16(), status, "{error:?}");
        }
        assert_eq!(AppError::Throttled(12).retry_after(), Some(12));
        assert_eq!(AppError::Invalid("x".into()).retry_after(), None);
    }
}
