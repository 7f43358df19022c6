//! The KakaoTalk channel: AlimTalk messages over Kakao's business-message HTTP API (sender key,
//! template code, recipient phone, template variables). Each message is its own job, retried
//! with backoff, and recorded per (event, recipient) so it is sent at most once.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex};
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
    async fn send(
        &self,
        request_id: &str,
        phone: &str,
        template_code: &str,
        content: &str,
        variables: &serde_json::Value,
    ) -> Result<(), String> {
        let response = self
            .http
            .post(&self.settings.url)
            .header("Authorization", &self.settings.api_key)
            .json(&json!({
                "senderKey": self.settings.sender_key,
                "templateCode": template_code,
                "requestId": request_id,
                "recipientList": [{
                    "recipientNo": phone,
                    "content": content,
                    "templateParameter": variables,
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

    /// Sends a message that is not about an order (a phone's code) while the person waits,
    /// once: it is never stored, so a code exists only in the message and as a hash.
    pub async fn send_now(&self, phone: &str, message: &OneOffMessage) -> Result<(), String> {
        self.send(
            &Uuid::new_v4().to_string(),
            phone,
            message.template.code,
            &message.content,
            &message.variables,
        )
        .await
    }
}

/// A message sent while the person waits, outside the order messages' queue.
#[derive(Debug, Clone)]
pub struct OneOffMessage {
    template: Template,
    content: String,
    variables: serde_json::Value,
}

/// The code that proves a phone, registered with Kakao as a security template (its text is
/// hidden from the chat list and from the lock screen).
const PHONE_CODE: Template = Template {
    code: "BAEDAL_PHONE_CODE",
    text: "[배달] 인증번호 [#{인증번호}]를 입력해 주세요. 5분 동안 쓸 수 있어요. \
           배달은 인증번호를 묻지 않아요. 누구에게도 알려주지 마세요.",
};

/// The message that carries a phone's code.
pub fn phone_code_message(code: &str) -> OneOffMessage {
    let variables = BTreeMap::from([("인증번호", code.to_owned())]);
    OneOffMessage {
        template: PHONE_CODE,
        content: PHONE_CODE.render(&variables),
        variables: json!(variables),
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

/// Records the message for `recipient` (if they have a proven phone and have not turned KakaoTalk
/// messages off) and queues its [`SendKakao`], inside the caller's transaction. Once per (event,
/// recipient): a message recorded already is neither recorded nor queued again. A phone nobody
/// has proven gets nothing: the inbox has the message either way.
pub async fn record_and_queue(
    conn: &mut sqlx::PgConnection,
    event_id: Uuid,
    recipient: AccountId,
    template: Template,
    variables: &BTreeMap<&'static str, String>,
) -> sqlx::Result<()> {
    if record(&mut *conn, event_id, recipient, template, variables).await? {
        let job = SendKakao {
            event_id,
            recipient_id: recipient.0,
        };
        let key = format!("kakao:{event_id}:{}", recipient.0);
        crate::platform::jobs::enqueue(&mut *conn, &job, Some(key), None).await?;
    }
    Ok(())
}

/// Records the message and says whether it is new.
async fn record(
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
         FROM platform.accounts a
         WHERE a.account_id = $2 AND a.phone IS NOT NULL AND a.phone_proven_at IS NOT NULL
           AND a.kakao_wanted
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
        let outcome = channel
            .send(
                &message.request_id(),
                &message.phone,
                &message.template_code,
                &message.content,
                &message.variables,
            )
            .await;
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

/// What the demo's KakaoTalk stand-in received, so the demo's KakaoTalk page can show a person
/// the messages sent to their phone as their KakaoTalk would. Only the newest are kept.
#[derive(Debug, Clone, Default)]
pub struct StandInInbox(Arc<Mutex<VecDeque<super::DeliveredMessage>>>);

impl StandInInbox {
    /// How many messages the stand-in keeps, all phones together.
    const KEEPS: usize = 1000;
    /// How many messages to one phone the page shows.
    pub const SHOWS: usize = 30;

    pub fn keep(&self, message: super::DeliveredMessage) {
        let mut messages = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if messages.len() == Self::KEEPS {
            messages.pop_front();
        }
        messages.push_back(message);
    }

    /// The newest messages sent to `phone` (digits only), newest first.
    pub fn sent_to(&self, phone: &str) -> Vec<super::DeliveredMessage> {
        let messages = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        messages
            .iter()
            .rev()
            .filter(|m| m.phone == phone)
            .take(Self::SHOWS)
            .cloned()
            .collect()
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
    fn the_phone_code_message_carries_the_code() {
        let message = phone_code_message("042917");
        assert!(message.content.contains("[042917]"), "{}", message.content);
        assert!(!message.content.contains("#{"), "{}", message.content);
        assert_eq!(message.variables, json!({ "인증번호": "042917" }));
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
