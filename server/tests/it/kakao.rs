//! KakaoTalk AlimTalk messages against a local HTTP endpoint that records what it receives and
//! can be told to fail: every status change reaches each party with a phone exactly once, even
//! when the endpoint is down for a while.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::*;
use app::ordering::OrderStatus;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use sqlx::PgPool;

/// One request as received: its `Authorization` header and JSON body.
type Received = (Option<String>, Value);

/// What the endpoint was sent, and how many requests it should still refuse.
#[derive(Clone, Default)]
struct Recorder {
    received: Arc<Mutex<Vec<Received>>>,
    refuse_next: Arc<AtomicU32>,
}

impl Recorder {
    async fn start(&self) -> String {
        async fn send(
            State(recorder): State<Recorder>,
            headers: HeaderMap,
            Json(body): Json<Value>,
        ) -> (StatusCode, Json<Value>) {
            let refuse = recorder
                .refuse_next
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if refuse {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Json(json!({ "code": "DOWN" })),
                );
            }
            let auth = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            recorder.received.lock().expect("lock").push((auth, body));
            (StatusCode::OK, Json(json!({ "code": "OK" })))
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("free port");
        let url = format!(
            "http://{}/v2/sender/send",
            listener.local_addr().expect("addr")
        );
        let router = Router::new()
            .route("/v2/sender/send", post(send))
            .with_state(self.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        url
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

async fn sent_count(pool: &PgPool, order: app::ordering::OrderId) -> (i64, i64) {
    sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE k.status = 'SENT')
         FROM notification.kakao_messages k JOIN events.log e USING (event_id)
         WHERE e.order_id = $1",
    )
    .bind(order.0)
    .fetch_one(pool)
    .await
    .expect("counts")
}

#[tokio::test]
async fn each_status_change_reaches_each_party_once_even_after_the_endpoint_was_down() {
    let pool = demo_database().await;
    let recorder = Recorder::default();
    let url = recorder.start().await;
    recorder.refuse_next.store(3, Ordering::SeqCst);
    let app = TestApp::with_kakao(pool, url).await;
    let customer = app.logged_in(CUSTOMER).await;
    let owner = app.logged_in(OWNER).await;

    let order = place(&app, &customer).await;
    eventually("the store has the order", || async {
        let n = count(
            &app.pool,
            "SELECT count(*) FROM store.store_orders WHERE order_id = $1",
            order,
        )
        .await;
        (n == 1).then_some(())
    })
    .await;
    let accepted: OrderStatus = owner
        .call(
            "accept_order",
            &[("order_id", &order.0.to_string()), ("prep_minutes", "15")],
        )
        .await
        .expect("accepted");
    assert_eq!(accepted, OrderStatus::Accepted);

    // Placed → customer; Paid → customer and owner; Accepted → customer.
    let (recorded, sent) =
        eventually_within(Duration::from_secs(40), "every message is sent", || async {
            let (recorded, sent) = sent_count(&app.pool, order).await;
            (recorded == 4 && sent == 4).then_some((recorded, sent))
        })
        .await;
    assert_eq!((recorded, sent), (4, 4));

    let received = recorder.received();
    assert_eq!(received.len(), 4, "one request per message: {received:#?}");
    let mut request_ids: Vec<&str> = received
        .iter()
        .map(|(_, body)| body["requestId"].as_str().expect("a request id"))
        .collect();
    request_ids.sort();
    request_ids.dedup();
    assert_eq!(request_ids.len(), 4);

    let number = order.number();
    let mut templates: Vec<(String, String)> = received
        .iter()
        .map(|(auth, body)| {
            assert_eq!(auth.as_deref(), Some("test-api-key"));
            assert_eq!(body["senderKey"], "test-sender-key");
            let recipient = &body["recipientList"][0];
            let content = recipient["content"].as_str().expect("content");
            assert!(content.contains(&number), "{content}");
            assert_eq!(recipient["templateParameter"]["주문번호"], number.as_str());
            (
                body["templateCode"].as_str().expect("code").to_owned(),
                recipient["recipientNo"].as_str().expect("phone").to_owned(),
            )
        })
        .collect();
    templates.sort();
    let owner_phone: String =
        sqlx::query_scalar("SELECT phone FROM platform.accounts WHERE email = $1")
            .bind(OWNER)
            .fetch_one(&app.pool)
            .await
            .expect("owner's phone");
    assert_eq!(
        templates,
        vec![
            ("BAEDAL_ACCEPTED".to_owned(), "01012345601".to_owned()),
            ("BAEDAL_ORDER_PLACED".to_owned(), "01012345601".to_owned()),
            ("BAEDAL_PAID".to_owned(), "01012345601".to_owned()),
            ("BAEDAL_STORE_NEW_ORDER".to_owned(), owner_phone),
        ]
    );
    let accepted_text = received
        .iter()
        .find(|(_, body)| body["templateCode"] == "BAEDAL_ACCEPTED")
        .map(|(_, body)| body["recipientList"][0]["content"].clone())
        .expect("the acceptance message");
    assert_eq!(
        accepted_text,
        format!("[배달] 서울숲 24시 김밥에서 주문 {number}을(를) 접수했어요. 약 15분 뒤 준비돼요.")
    );
    app.shutdown().await;
}

#[tokio::test]
async fn without_a_configured_endpoint_only_the_inbox_is_used() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let order = place(&app, &customer).await;
    eventually("the customer's inbox has the payment", || async {
        let n = count(
            &app.pool,
            "SELECT count(*) FROM notification.inbox WHERE order_id = $1",
            order,
        )
        .await;
        (n >= 2).then_some(())
    })
    .await;
    assert_eq!(sent_count(&app.pool, order).await, (0, 0));
    app.shutdown().await;
}
