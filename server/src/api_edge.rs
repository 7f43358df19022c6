//! The one door every server-function call comes through.
//!
//! Before a server function decodes its arguments, the request must be a form or JSON of at most
//! [`MAX_BODY_BYTES`], and every field must be text a person could type: valid UTF-8 once
//! percent-decoded (server_fn would decode it lossily and store `��`), holding no control
//! characters but line breaks and tabs (single-line fields refuse those themselves, see
//! `app::platform::text`). A refusal here names the field and changes nothing.
//!
//! After the server function answers, a refusal gets the HTTP status its kind calls for
//! (`AppError::http_status`): server_fn answers every error with 500.

use std::borrow::Cow;
use std::net::SocketAddr;

use crate::routes::SESSION_COOKIE;
use app::platform::error::Unreadable;
use app::platform::{text, throttle::Throttles, AppError};
use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, COOKIE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode;
use server_fn::error::SERVER_FN_ERROR_HEADER;

/// Where server functions live.
pub const API_PREFIX: &str = "/api/";

/// The largest request body a server function takes. The biggest honest one, a full week of
/// opening hours or a long cart, is a few KiB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The largest refusal body read back to set its status; refusals are one sentence.
const MAX_REFUSAL_BYTES: usize = 16 * 1024;

/// Checks every `/api/` request before it reaches its server function, and gives every refusal
/// its status on the way out.
pub async fn guard(State(throttles): State<Throttles>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with(API_PREFIX) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
    if let Some(caller) = caller_key(&request, &throttles) {
        if let Err(error) = throttles.admit_call(&caller) {
            tracing::info!(%path, %error, "call throttled");
            return refusal(&error);
        }
    }
    let request = match checked(request).await {
        Ok(request) => request,
        Err(error) => {
            tracing::info!(%path, %error, "request refused at the API edge");
            return refusal(&error);
        }
    };
    with_refusal_status(next.run(request).await).await
}

/// Whom the per-session call limit counts this request against: its session, or without one its
/// address (when the server knows addresses).
fn caller_key(request: &Request, throttles: &Throttles) -> Option<String> {
    let session = request
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .find_map(|cookie| {
            cookie
                .trim()
                .strip_prefix(SESSION_COOKIE)?
                .strip_prefix('=')
        });
    match session {
        Some(id) => Some(format!("session {id}")),
        None => request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| {
                let forwarded_for = request
                    .headers()
                    .get("x-forwarded-for")
                    .and_then(|v| v.to_str().ok());
                let client = throttles.client_address(peer.ip(), forwarded_for);
                format!("address {client}")
            }),
    }
}

/// The request with its body read and checked, ready to be decoded by its server function.
async fn checked(request: Request) -> Result<Request, AppError> {
    let (parts, body) = request.into_parts();
    let declared_length = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok());
    if declared_length.is_some_and(|length| length > MAX_BODY_BYTES) {
        return Err(AppError::TooLarge);
    }
    // Also a body without a declared length may not run past the limit. (A connection that
    // breaks mid-body lands here too; nobody is left to read that answer.)
    let body = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| AppError::TooLarge)?;
    let media_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    match media_type.as_deref() {
        Some("application/x-www-form-urlencoded") => check_form(&body)?,
        Some("application/json") => check_json(&body)?,
        None if body.is_empty() => {}
        other => {
            return Err(AppError::Malformed(Unreadable::ContentType {
                sent: other.map(str::to_owned),
            }))
        }
    }
    Ok(Request::from_parts(parts, Body::from(body)))
}

/// Every name and value of a form body must decode to text a person could type.
fn check_form(body: &[u8]) -> Result<(), AppError> {
    for pair in body
        .split(|byte| *byte == b'&')
        .filter(|pair| !pair.is_empty())
    {
        let (raw_name, raw_value) = match pair.iter().position(|byte| *byte == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &b""[..]),
        };
        let name = form_decoded(raw_name)
            .ok()
            .filter(|name| name.chars().all(|c| !c.is_control()))
            .ok_or(AppError::Malformed(Unreadable::FieldNameNotText))?;
        let value = form_decoded(raw_value).map_err(|_| not_text(&name))?;
        check_text(&name, &value)?;
    }
    Ok(())
}

/// A form name or value with `+` as a space and `%XX` escapes decoded, if the bytes are UTF-8.
fn form_decoded(raw: &[u8]) -> Result<String, std::str::Utf8Error> {
    let spaced: Cow<[u8]> = if raw.contains(&b'+') {
        Cow::Owned(
            raw.iter()
                .map(|byte| if *byte == b'+' { b' ' } else { *byte })
                .collect(),
        )
    } else {
        Cow::Borrowed(raw)
    };
    percent_decode(&spaced)
        .decode_utf8()
        .map(|text| text.into_owned())
}

/// Every string of a JSON body (keys too) must be text a person could type. The parser itself
/// refuses bytes that are not UTF-8; `\u0000` escapes decode to NUL and are caught here.
fn check_json(body: &[u8]) -> Result<(), AppError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|error| {
        AppError::Malformed(Unreadable::NotJson {
            detail: error.to_string(),
        })
    })?;
    check_json_value("", &value)
}

fn check_json_value(path: &str, value: &serde_json::Value) -> Result<(), AppError> {
    use serde_json::Value;
    match value {
        Value::String(text) => check_text(path, text),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(at, item)| check_json_value(&format!("{path}[{at}]"), item)),
        Value::Object(fields) => fields.iter().try_for_each(|(name, item)| {
            let path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            check_text(&path, name)?;
            check_json_value(&path, item)
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

fn check_text(field: &str, value: &str) -> Result<(), AppError> {
    if value.chars().all(|c| text::allowed(c, true)) {
        Ok(())
    } else {
        Err(AppError::Malformed(Unreadable::ControlCharacter {
            field: field.to_owned(),
        }))
    }
}

fn not_text(field: &str) -> AppError {
    AppError::Malformed(Unreadable::NotUtf8 {
        field: field.to_owned(),
    })
}

/// The answer to a request refused here: the same shape as a server function's own refusal, so
/// the page shows its sentence.
fn refusal(error: &AppError) -> Response {
    let body = serde_json::to_vec(error).unwrap_or_default();
    let mut response = (error.http_status(), body).into_response();
    mark_as_refusal(&mut response, error);
    response
}

fn mark_as_refusal(response: &mut Response, error: &AppError) {
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(SERVER_FN_ERROR_HEADER, HeaderValue::from_static("edge"));
    if let Some(seconds) = error.retry_after() {
        headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
}

/// A server function's refusal (always 500 from server_fn) with the status its kind calls for.
async fn with_refusal_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes: Bytes = match to_bytes(body, MAX_REFUSAL_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, "could not read a server function's refusal");
            return refusal(&AppError::Internal);
        }
    };
    match serde_json::from_slice::<AppError>(&bytes) {
        Ok(error) => {
            parts.status = error.http_status();
            if let Some(seconds) = error.retry_after() {
                parts
                    .headers
                    .insert(RETRY_AFTER, HeaderValue::from(seconds));
            }
        }
        Err(error) => {
            tracing::error!(%error, "a server function refused with a body that is not an AppError")
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal_of(result: Result<(), AppError>) -> String {
        match result {
            Err(error @ AppError::Malformed(_)) => error.to_string(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_form_of_typed_text_passes() {
        assert_eq!(
            check_form(b"name=%EB%9D%BC%EB%B3%B6%EC%9D%B4&price_krw=6000"),
            Ok(())
        );
        assert_eq!(check_form(b"description=a%0Ab%09c&x=&y"), Ok(()));
        assert_eq!(check_form(b""), Ok(()));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_naming_the_field() {
        let sentence = refusal_of(check_form(b"order_id=1&reason=%FF%FE"));
        assert!(sentence.contains("`reason`"), "{sentence}");
        assert!(sentence.contains("not valid text"), "{sentence}");
    }

    #[test]
    fn nul_and_other_control_characters_are_refused_naming_the_field() {
        for body in [&b"label=a%00b"[..], b"label=a%1B%5B31m", b"label=%C2%85"] {
            let sentence = refusal_of(check_form(body));
            assert!(sentence.contains("`label`"), "{sentence}");
        }
    }

    #[test]
    fn a_plus_is_a_space_and_an_escaped_plus_is_a_plus() {
        assert_eq!(form_decoded(b"a+b%2Bc").unwrap(), "a b+c");
    }

    #[test]
    fn json_strings_and_keys_are_checked_with_their_path() {
        assert_eq!(
            check_json(br#"{"order":{"lines":[{"item_id":"x","quantity":2}]}}"#),
            Ok(())
        );
        let sentence = refusal_of(check_json(br#"{"order":{"lines":[{"note":"a\u0000"}]}}"#));
        assert!(sentence.contains("`order.lines[0].note`"), "{sentence}");
        let sentence = refusal_of(check_json(b"{\"name\":\"\xFF\"}"));
        assert!(sentence.contains("not valid JSON"), "{sentence}");
    }
}
