//! The payment-gateway simulator, run as its own process and driven over HTTP as the payment
//! client will drive it: idempotent approvals and refunds, run-time switches, and a ledger that
//! tells whether money moved exactly once.

use std::time::Duration;

use crate::common::simulator::Simulator;

use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn a_repeated_idempotency_key_replays_the_approval_and_charges_once() {
    let sim = Simulator::start(&[]);
    let (status, first) = sim.confirm("pay:order-1", "order-1", 12_000).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["status"], "DONE");
    assert_eq!(first["totalAmount"], 12_000);

    let (status, again) = sim.confirm("pay:order-1", "order-1", 12_000).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["paymentKey"], first["paymentKey"]);
    assert_eq!(sim.approvals_of("order-1").await, 1);

    // A new key is a new charge, as at a real provider: only the client's keys prevent it.
    let (status, second) = sim.confirm("pay:order-1:again", "order-1", 12_000).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(second["paymentKey"], first["paymentKey"]);
    assert_eq!(sim.approvals_of("order-1").await, 2);
}

#[tokio::test]
async fn an_approval_that_outlives_the_callers_timeout_still_goes_through() {
    let sim = Simulator::start(&["--latency-ms", "400"]);
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .expect("a client");
    let timed_out = impatient
        .post(format!("{}/v1/payments/confirm", sim.base))
        .header("Idempotency-Key", "pay:order-2")
        .json(&json!({ "orderId": "order-2", "amount": 9_000 }))
        .send()
        .await;
    assert!(timed_out.expect_err("the caller gives up").is_timeout());

    // The provider finishes the work anyway; a query shows the money was taken.
    let found = loop {
        let response = sim
            .http
            .get(format!("{}/v1/payments/orders/order-2", sim.base))
            .send()
            .await
            .expect("the simulator answers");
        if response.status() == StatusCode::OK {
            break response.json::<Value>().await.expect("JSON");
        }
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    };
    assert_eq!(found["status"], "DONE");

    // Retrying with the same key returns that approval instead of charging again.
    let (status, retried) = sim.confirm("pay:order-2", "order-2", 9_000).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(retried["paymentKey"], found["paymentKey"]);
    assert_eq!(sim.approvals_of("order-2").await, 1);
}

#[tokio::test]
async fn a_refund_is_paid_once_whatever_the_retries() {
    let sim = Simulator::start(&[]);
    let (_, payment) = sim.confirm("pay:order-3", "order-3", 15_000).await;
    let payment_key = payment["paymentKey"].as_str().expect("a payment key");

    sim.switch(json!({ "fail_next": 2 })).await;
    for _ in 0..2 {
        let (status, failed) = sim.cancel("refund:order-3", payment_key).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(failed["code"], "FAILED_INTERNAL_SYSTEM_PROCESSING");
    }
    let (status, refunded) = sim.cancel("refund:order-3", payment_key).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(refunded["status"], "CANCELED");
    let (status, replayed) = sim.cancel("refund:order-3", payment_key).await;
    assert_eq!((status, &replayed), (StatusCode::OK, &refunded));

    let (status, refused) = sim.cancel("refund:order-3:other", payment_key).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(refused["code"], "ALREADY_CANCELED_PAYMENT");

    let ledger = sim.ledger().await;
    let refunds = ledger["refunds"].as_array().expect("a list");
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0]["amount"], 15_000);
}

#[tokio::test]
async fn switches_change_behaviour_at_start_up_and_at_run_time() {
    let failing = Simulator::start(&["--failure-rate", "1"]);
    let (status, body) = failing.confirm("pay:order-4", "order-4", 5_000).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["code"], "FAILED_INTERNAL_SYSTEM_PROCESSING");
    assert_eq!(failing.approvals_of("order-4").await, 0);

    failing.switch(json!({ "overloaded": true })).await;
    let started = std::time::Instant::now();
    let (first, _) = failing.confirm("pay:order-5", "order-5", 5_000).await;
    let (second, _) = failing.confirm("pay:order-5b", "order-5b", 5_000).await;
    // Overloaded: every call is slow, and every other one is refused as overloaded.
    assert!(started.elapsed() >= Duration::from_secs(4));
    let mut statuses = [first, second];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::SERVICE_UNAVAILABLE]);
    let approved = failing.approvals_of("order-5").await + failing.approvals_of("order-5b").await;
    assert_eq!(approved, 1);

    failing.switch(json!({})).await;
    let (status, _) = failing.confirm("pay:order-6", "order-6", 5_000).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn bad_requests_are_refused_with_a_reason_and_move_no_money() {
    let sim = Simulator::start(&[]);
    let response = sim
        .http
        .post(format!("{}/v1/payments/confirm", sim.base))
        .json(&json!({ "orderId": "order-7", "amount": 5_000 }))
        .send()
        .await
        .expect("the simulator answers");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["message"], "An Idempotency-Key header is required.");

    let (status, _) = sim.confirm("pay:order-7", "order-7", -5).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = sim.cancel("refund:nothing", "sim_unknown").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "NOT_FOUND_PAYMENT");
    assert_eq!(sim.ledger().await["approvals"], json!([]));
}

#[tokio::test]
async fn a_duplicate_sent_while_the_first_is_in_flight_is_told_to_wait() {
    let sim = Simulator::start(&["--latency-ms", "300"]);
    let (first, second) = tokio::join!(
        sim.confirm("pay:order-8", "order-8", 7_000),
        sim.confirm("pay:order-8", "order-8", 7_000),
    );
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    assert_eq!(sim.approvals_of("order-8").await, 1);
}
