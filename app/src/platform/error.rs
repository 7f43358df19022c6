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
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}
