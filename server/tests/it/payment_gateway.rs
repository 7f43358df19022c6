//! The payment context's gateway client against the real simulator process: idempotent approvals
//! and refunds, and a circuit breaker that opens on an overloaded provider and closes again once it
//! recovers.

use std::time::{Duration, Instant};

use crate::common::simulator::Simulator;
use app::ordering::OrderId;
use app::payment::gateway::{GatewayError, GatewaySettings, PaymentGateway};
use app::platform::money::Won;
use serde_json::json;
use uuid::Uuid;

/// The default breaker, with a shorter timeout so a slow provider costs the test less.
fn settings(sim: &Simulator) -> GatewaySettings {
    GatewaySettings {
        timeout: Duration::from_millis(300),
        ..GatewaySettings::new(sim.base.clone())
    }
}

/// A breaker scaled down so a test sees it open and close within a second or two.
fn quick_breaker(sim: &Simulator) -> GatewaySettings {
    GatewaySettings {
        window: Duration::from_secs(2),
        minimum_calls: 4,
        open_for: Duration::from_millis(800),
        trial_calls: 2,
        ..settings(sim)
    }
}

fn new_order() -> OrderId {
    OrderId(Uuid::new_v4())
}

#[tokio::test]
async fn approving_twice_for_one_order_charges_once() {
    let sim = Simulator::start(&[]);
    let gateway = PaymentGateway::new(&settings(&sim)).expect("a client");
    let order = new_order();

    let first = gateway.approve(order, Won(18_000)).await.expect("approved");
    assert_eq!(
        (first.status.as_str(), first.total_amount),
        ("DONE", 18_000)
    );
    let again = gateway.approve(order, Won(18_000)).await.expect("approved");
    assert_eq!(again.payment_key, first.payment_key);
    assert_eq!(sim.approvals_of(&order.0.to_string()).await, 1);

    let found = gateway.find(order).await.expect("answered");
    assert_eq!(found.map(|p| p.payment_key), Some(first.payment_key));
    assert_eq!(gateway.find(new_order()).await, Ok(None));
}

#[tokio::test]
async fn a_timed_out_approval_that_went_through_is_not_charged_again() {
    let sim = Simulator::start(&["--latency-ms", "500"]);
    let gateway = PaymentGateway::new(&settings(&sim)).expect("a client");
    let order = new_order();

    let timed_out = gateway.approve(order, Won(9_000)).await;
    assert_eq!(timed_out, Err(GatewayError::Busy("timed out".into())));

    // The provider finishes the approval after we stopped waiting.
    sim.switch(json!({})).await;
    while sim.approvals_of(&order.0.to_string()).await == 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let retried = gateway.approve(order, Won(9_000)).await.expect("approved");
    assert_eq!(retried.status, "DONE");
    assert_eq!(sim.approvals_of(&order.0.to_string()).await, 1);
}

#[tokio::test]
async fn a_refund_that_fails_twice_is_paid_once_when_retried() {
    let sim = Simulator::start(&[]);
    let gateway = PaymentGateway::new(&settings(&sim)).expect("a client");
    let order = new_order();
    let payment = gateway.approve(order, Won(15_000)).await.expect("approved");

    sim.switch(json!({ "fail_next": 2 })).await;
    for _ in 0..2 {
        let failed = gateway
            .refund(order, &payment.payment_key, Won(15_000), "OrderRejected")
            .await;
        assert!(matches!(failed, Err(GatewayError::Busy(_))), "{failed:?}");
    }
    let refunded = gateway
        .refund(order, &payment.payment_key, Won(15_000), "OrderRejected")
        .await
        .expect("refunded");
    assert_eq!(
        (refunded.status.as_str(), refunded.balance_amount),
        ("CANCELED", 0)
    );
    let replayed = gateway
        .refund(order, &payment.payment_key, Won(15_000), "OrderRejected")
        .await
        .expect("the same answer");
    assert_eq!(replayed, refunded);
    assert_eq!(sim.refunds_of(&order.0.to_string()).await, 1);

    // A refund the provider refuses is a healthy answer, not a busy provider.
    let refused = gateway
        .refund(new_order(), "sim_unknown", Won(1_000), "OrderRejected")
        .await;
    assert!(
        matches!(&refused, Err(GatewayError::Refused { code, .. }) if code == "NOT_FOUND_PAYMENT"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn the_breaker_opens_on_an_overloaded_provider_and_closes_when_it_recovers() {
    let sim = Simulator::start(&[]);
    let gateway = PaymentGateway::new(&quick_breaker(&sim)).expect("a client");
    assert_eq!(gateway.breaker().await.state, "closed");

    sim.switch(json!({ "overloaded": true })).await;
    for _ in 0..3 {
        let busy = gateway.approve(new_order(), Won(10_000)).await;
        assert_eq!(busy, Err(GatewayError::Busy("timed out".into())));
    }
    // Three timeouts: not yet enough calls for a verdict.
    let breaker = gateway.breaker().await;
    assert_eq!(breaker.state, "closed");
    assert_eq!((breaker.calls, breaker.failures), (3, 3));
    let busy = gateway.approve(new_order(), Won(10_000)).await;
    assert_eq!(busy, Err(GatewayError::Busy("timed out".into())));
    assert_eq!(gateway.breaker().await.state, "open");

    // Open: no call reaches the provider, and the answer is immediate.
    let calls_before = sim.calls().await;
    let started = Instant::now();
    let refused = gateway.approve(new_order(), Won(10_000)).await;
    assert_eq!(
        refused,
        Err(GatewayError::Busy(
            "circuit open after repeated failures".into()
        ))
    );
    assert!(started.elapsed() < Duration::from_millis(100));
    assert_eq!(sim.calls().await, calls_before);

    // The provider recovers; after the open period, trial calls succeed and close the breaker.
    sim.switch(json!({})).await;
    tokio::time::sleep(Duration::from_millis(900)).await;
    for _ in 0..2 {
        gateway
            .approve(new_order(), Won(10_000))
            .await
            .expect("approved");
    }
    assert_eq!(gateway.breaker().await.state, "closed");
}

#[tokio::test]
async fn the_breaker_forgets_old_good_calls_and_still_opens_when_the_provider_stops_answering() {
    let sim = Simulator::start(&[]);
    let gateway = PaymentGateway::new(&quick_breaker(&sim)).expect("a client");
    for _ in 0..20 {
        gateway
            .approve(new_order(), Won(10_000))
            .await
            .expect("approved");
    }
    // The good calls leave the window; four timeouts are then all it has seen.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    sim.switch(json!({ "overloaded": true })).await;
    for _ in 0..4 {
        let busy = gateway.approve(new_order(), Won(10_000)).await;
        assert_eq!(busy, Err(GatewayError::Busy("timed out".into())));
    }
    assert_eq!(gateway.breaker().await.state, "open");
}
