//! A KakaoTalk stand-in: receives AlimTalk sends as the business-message API takes them
//! (`POST /v2/sender/send`, a sender key, a template code and a list of recipients) and keeps
//! what each phone was sent. The demo runs one inside the server when no KakaoTalk endpoint is
//! configured, so a person trying the demo can read their phone's code on the demo's KakaoTalk
//! page; tests read codes from it the same way, never from the database.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use app::notification::kakao::StandInInbox;
use app::notification::DeliveredMessage;

/// The send request, as far as the stand-in reads it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SendRequest {
    sender_key: String,
    template_code: String,
    recipient_list: Vec<Recipient>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    recipient_no: String,
    content: String,
}

/// The stand-in's routes, keeping what they receive in `inbox`.
pub fn router(inbox: StandInInbox) -> Router {
    Router::new()
        .route("/v2/sender/send", post(send))
        .with_state(inbox)
}

/// Starts a stand-in inside this process on a free local port; returns its send endpoint's
/// address and what it receives.
pub async fn start_in_process() -> std::io::Result<(String, StandInInbox)> {
    let inbox = StandInInbox::default();
    let base =
        crate::simulators::serve_in_process("KakaoTalk stand-in", router(inbox.clone())).await?;
    Ok((format!("{base}/v2/sender/send"), inbox))
}

async fn send(
    State(inbox): State<StandInInbox>,
    headers: HeaderMap,
    Json(request): Json<Value>,
) -> (StatusCode, Json<Value>) {
    // As at the provider: no key, no message.
    if headers.get("authorization").is_none_or(|v| v.is_empty()) {
        return refuse(StatusCode::UNAUTHORIZED, "no API key");
    }
    let request: SendRequest = match serde_json::from_value(request) {
        Ok(request) => request,
        Err(error) => return refuse(StatusCode::BAD_REQUEST, &error.to_string()),
    };
    if request.sender_key.is_empty() || request.template_code.is_empty() {
        return refuse(StatusCode::BAD_REQUEST, "no sender key or template code");
    }
    for recipient in request.recipient_list {
        inbox.keep(DeliveredMessage {
            phone: recipient.recipient_no,
            template_code: request.template_code.clone(),
            content: recipient.content,
            received_at: chrono::Utc::now(),
        });
    }
    (StatusCode::OK, Json(json!({ "code": "OK" })))
}

fn refuse(status: StatusCode, why: &str) -> (StatusCode, Json<Value>) {
    (status, Json(json!({ "code": "REFUSED", "message": why })))
}
