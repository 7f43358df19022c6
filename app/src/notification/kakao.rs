//! The KakaoTalk channel: AlimTalk messages over Kakao's business-message HTTP API (sender key,
//! template code, recipient phone, template variables). Each message is its own job, retried
//! with backoff, and recorded per (event, recipient) so it is sent at most once.

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

use graphile_worker::{IntoTaskHandlerResult, TaskHandler, WorkerContext};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::platform::AccountId;

/// Where AlimTalk requests go and who sends them; from configuration.
#[derive(Debug, Clone)]
pub struct KakaoSettings {
    /// The business-message endpoint, e.g. `https://…/v2/sender/send`.
    pub url: String,
    /// The KakaoTalk channel's sender key.
    pub sender_key: String,
    /// Sent as the `Authorization` header.
    pub api_key: String,
    /// Longest wait for one send; a message not answered in time is tried again later.
    pub timeout: Duration,
}

/// The channel: an HTTP client for the configured endpoint.
#[derive(Debug, Clone)]
pub struct KakaoChannel {
    http: reqwest::Client,
    settings: KakaoSettings,
}

/// A Korean AlimTalk template: its code (as registered with Kakao) and its text, in which
/// `#{주문번호}` stands for the order number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    pub code: &'static str,
    pub text: &'static str,
}

/// The Korean texts of our templates, as registered with Kakao, by code.
static TEMPLATES: LazyLock<BTreeMap<String, String>> = LazyLock::new(|| {
    serde_json::from_str(include_str!("kakao-templates.json")).unwrap_or_default()
});

/// The registered template with this code.
pub fn template(code: &'static str) -> Option<Template> {
    TEMPLATES.get(code).map(|text| Template {
        code,
        text: text.as_str(),
    })
}

impl Template {
    /// The template's text with its variables filled in, in one pass over the template: a value
    /// is never read again, so a reason that says `#{주문번호}` is printed as typed. A variable the
    /// template names but nobody gave stays as written.
    pub fn render(&self, variables: &BTreeMap<&'static str, String>) -> String {
        let mut rendered = String::with_capacity(self.text.len());
        let mut rest = self.text;
        while let Some(start) = rest.find("#{") {
            rendered.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find('}') {
                Some(end) => {
                    let name = &after[..end];
                    match variables.get(name) {
                        Some(value) => rendered.push_str(value),
                        None => rendered.push_str(&rest[start..start + 2 + end + 1]),
                    }
                    rest = &after[end + 1..];
                }
                None => {
                    rendered.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        rendered.push_str(rest);
        rendered
    }
}

impl KakaoChannel {
    pub fn new(settings: KakaoSettings) -> Result<KakaoChannel, String> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .build()
            .map_err(|e| format!("building the KakaoTalk client: {e}"))?;
        Ok(KakaoChannel { http, settings })
    }

    /// Sends one message; `request_id` lets the receiving side recognise a repeat.
    async fn send(&self, message: &PendingMessage) -> Result<(), String> {
        let response = self
            .http
            .post(&self.settings.url)
            .header("Authorization", &self.settings.api_key)
            .json(&json!({
                "senderKey": self.settings.sender_key,
                "templateCode": message.template_code,
                "requestId": message.request_id(),
                "recipientList": [{
                    "recipientNo": message.phone,
                    "content": message.content,
                    "templateParameter": message.variables,
                }],
            }))
            .send()
            .await
            .map_err(|e| format!("KakaoTalk unreachable: {e}"))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(format!("KakaoTalk answered {}", response.status()))
        }
    }
}

/// One message waiting in `notification.kakao_messages`.
#[derive(Debug, Clone)]
struct PendingMessage {
    event_id: Uuid,
    recipient_id: Uuid,
    template_code: String,
    phone: String,
    content: String,
    variables: serde_json::Value,
}

impl PendingMessage {
    fn request_id(&self) -> String {
        format!("{}:{}", self.event_id, self.recipient_id)
    }
}

/// Records the message for `recipient` (if they have a phone) and says whether it is new, in
/// which case the caller queues [`SendKakao`]. Once per (event, recipient).
pub async fn record(
    db: impl PgExecutor<'_>,
    event_id: Uuid,
    recipient: AccountId,
    template: Template,
    variables: &BTreeMap<&'static str, String>,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO notification.kakao_messages
             (event_id, recipient_id, template_code, phone, content, variables)
         SELECT $1, a.account_id, $3, a.phone, $4, $5
         FROM platform.accounts a WHERE a.account_id = $2 AND a.phone IS NOT NULL
         ON CONFLICT (event_id, recipient_id) DO NOTHING",
    )
    .bind(event_id)
    .bind(recipient.0)
    .bind(template.code)
    .bind(template.render(variables))
    .bind(json!(variables))
    .execute(db)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// The job: send one recorded message, unless it has been sent already.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendKakao {
    pub event_id: Uuid,
    pub recipient_id: Uuid,
}

impl TaskHandler for SendKakao {
    const IDENTIFIER: &'static str = "send_kakao";

    async fn run(self, ctx: WorkerContext) -> impl IntoTaskHandlerResult {
        let state = crate::platform::jobs::app_state(&ctx)?;
        let Some(channel) = state.kakao.as_ref() else {
            return Err("KakaoTalk is not configured in this process".to_owned());
        };
        let row: Option<(String, String, String, serde_json::Value)> = sqlx::query_as(
            "SELECT template_code, phone, content, variables FROM notification.kakao_messages
             WHERE event_id = $1 AND recipient_id = $2 AND status = 'PENDING'",
        )
        .bind(self.event_id)
        .bind(self.recipient_id)
        .fetch_optional(&state.pool)
        .await
        .map_err(|e| e.to_string())?;
        let Some((template_code, phone, content, variables)) = row else {
            return Ok(());
        };
        let message = PendingMessage {
            event_id: self.event_id,
            recipient_id: self.recipient_id,
            template_code,
            phone,
            content,
            variables,
        };
        let outcome = channel.send(&message).await;
        sqlx::query(
            "UPDATE notification.kakao_messages
             SET attempts = attempts + 1,
                 status = CASE WHEN $3 THEN 'SENT' ELSE status END,
                 sent_at = CASE WHEN $3 THEN clock_timestamp() END,
                 last_error = $4
             WHERE event_id = $1 AND recipient_id = $2",
        )
        .bind(self.event_id)
        .bind(self.recipient_id)
        .bind(outcome.is_ok())
        .bind(outcome.as_ref().err())
        .execute(&state.pool)
        .await
        .map_err(|e| e.to_string())?;
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_has_korean_text() {
        assert!(TEMPLATES.len() >= 15);
        for (code, text) in TEMPLATES.iter() {
            assert!(code.starts_with("BAEDAL_"), "{code}");
            assert!(text.contains("#{주문번호}"), "{code} names no order");
        }
    }

    #[test]
    fn a_template_fills_in_its_variables() {
        let template = Template {
            code: "BAEDAL_PAID",
            text: "주문 #{주문번호} 결제가 완료되어 #{가게}에 전달됐어요.",
        };
        let variables = BTreeMap::from([
            ("주문번호", "1A2B3C4D".to_owned()),
            ("가게", "서울숲 24시 김밥".to_owned()),
        ]);
        assert_eq!(
            template.render(&variables),
            "주문 1A2B3C4D 결제가 완료되어 서울숲 24시 김밥에 전달됐어요."
        );
    }

    #[test]
    fn a_value_that_looks_like_a_variable_is_printed_as_typed() {
        let template = Template {
            code: "BAEDAL_CANCELLED",
            text: "주문 #{주문번호}이 취소됐어요. 사유: #{사유} #{없는변수} #{닫히지 않음",
        };
        let variables = BTreeMap::from([
            ("주문번호", "1A2B3C4D".to_owned()),
            ("사유", "#{주문번호} 말고 #{가게}".to_owned()),
            ("가게", "김밥집".to_owned()),
        ]);
        assert_eq!(
            template.render(&variables),
            "주문 1A2B3C4D이 취소됐어요. 사유: #{주문번호} 말고 #{가게} #{없는변수} #{닫히지 않음"
        );
    }
}
