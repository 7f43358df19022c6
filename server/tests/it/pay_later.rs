//! Payment through the provider (the simulator process): orders are taken while it is overloaded
//! and paid once it recovers, never twice; an unpaid order is cancelled when its pay-later window
//! ends; a refund that fails is retried until the provider pays it, once.

use std::time::Duration;

use crate::common::*;
use app::ordering::{OrderId, OrderStatus};
use app::payment::{BreakerView, PaymentRefusal};
use app::platform::error::Missing;
use app::tracking::OrderView;
use serde_json::json;

/// Long enough for the queue's backoff (e, e², e³ seconds) to reach a third attempt.
const RETRIES: Duration = Duration::from_secs(40);

async fn status_of(customer: &Browser, order: OrderId) -> Option<OrderStatus> {
    let view: OrderView = customer
        .call("order_status", &[("order_id", &order.0.to_string())])
        .await
        .ok()?;
    Some(view.status)
}

/// Waits until the order's refund is recorded as paid by the provider.
async fn refund_paid(app: &TestApp, order: OrderId) {
    eventually_within(RETRIES, "the refund is paid", || async {
        let done = count(
            &app.pool,
            "SELECT count(*) FROM payment.refunds WHERE order_id = $1 AND status = 'DONE'",
            order,
        )
        .await;
        (done == 1).then_some(())
    })
    .await;
}

#[tokio::test]
async fn orders_placed_while_the_provider_is_overloaded_are_paid_once_when_it_recovers() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let operator = app.logged_in(OPERATOR).await;
    app.provider.switch(json!({ "overloaded": true })).await;

    let mut orders = Vec::new();
    for _ in 0..3 {
        orders.push(place(&app, &customer).await);
    }
    for &order in &orders {
        tracked(&customer, order, OrderStatus::PaymentDeferred).await;
        assert_eq!(
            count(
                &app.pool,
                "SELECT count(*) FROM store.store_orders WHERE order_id = $1",
                order
            )
            .await,
            0,
            "the store hears of an order only once it is paid"
        );
    }
    eventually("the breaker opens", || async {
        let breaker: BreakerView = operator.call("payment_breaker", &[]).await.ok()?;
        (breaker.state == "open").then_some(())
    })
    .await;

    app.provider.switch(json!({})).await;
    for &order in &orders {
        eventually_within(RETRIES, "the deferred order is paid", || async {
            let paid = count(
                &app.pool,
                "SELECT count(*) FROM store.store_orders WHERE order_id = $1",
                order,
            )
            .await;
            (paid == 1).then_some(())
        })
        .await;
        // The store and the customer's view are separate consumers: the view may come a moment
        // later.
        tracked(&customer, order, OrderStatus::Paid).await;
        // Some approvals went through after the client had timed out; retries reused their key.
        assert_eq!(app.provider.approvals_of(&order.0.to_string()).await, 1);
    }
    // Calls go through again: closed, or half-open while its trial calls are still counted.
    let breaker: BreakerView = operator
        .call("payment_breaker", &[])
        .await
        .expect("breaker");
    assert_ne!(breaker.state, "open");
    app.shutdown().await;
}

#[tokio::test]
async fn a_charge_job_pays_what_it_can_and_retries_the_rest_once() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let operator = app.logged_in(OPERATOR).await;
    let customer = app.logged_in(CUSTOMER).await;
    // Held back while they are placed, the three orders reach payment together: one charge job.
    operator
        .call::<()>("pause_consumer", &[("consumer", "payment")])
        .await
        .expect("paused");
    let mut orders = Vec::new();
    for _ in 0..3 {
        let order = place(&app, &customer).await;
        tracked(&customer, order, OrderStatus::Placed).await;
        orders.push(order);
    }
    app.provider.switch(json!({ "fail_next": 1 })).await;
    let missed: usize = operator
        .call("resume_consumer", &[("consumer", "payment")])
        .await
        .expect("resumed");
    assert_eq!(missed, 3, "three OrderPlaced events waited for payment");

    for &order in &orders {
        eventually_within(RETRIES, "the order is paid", || async {
            (status_of(&customer, order).await == Some(OrderStatus::Paid)).then_some(())
        })
        .await;
        assert_eq!(app.provider.approvals_of(&order.0.to_string()).await, 1);
    }
    let deferred: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events.log WHERE event_type = 'PaymentDeferred'")
            .fetch_one(&app.pool)
            .await
            .expect("count");
    assert_eq!(
        deferred, 1,
        "only the order whose call failed waited; the others were paid at once"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn an_order_still_unpaid_when_its_window_ends_is_cancelled() {
    let pool = demo_database().await;
    let app = TestApp::with_windows(
        pool,
        chrono::Duration::minutes(5),
        chrono::Duration::seconds(2),
    )
    .await;
    let customer = app.logged_in(CUSTOMER).await;
    app.provider.switch(json!({ "failure_rate": 1.0 })).await;

    let order = place(&app, &customer).await;
    tracked(&customer, order, OrderStatus::PaymentDeferred).await;
    tracked(&customer, order, OrderStatus::Cancelled).await;
    app.provider.switch(json!({})).await;
    assert_eq!(app.provider.approvals_of(&order.0.to_string()).await, 0);
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM payment.payments WHERE order_id = $1",
            order
        )
        .await,
        0
    );
    // Paying now is refused with a sentence, and changes nothing.
    let refused = customer
        .call::<()>("pay_now", &[("order_id", &order.0.to_string())])
        .await;
    assert_eq!(
        refused,
        Err(app::platform::AppError::Payment(
            PaymentRefusal::NotWaitingForPayment
        ))
    );
    assert_eq!(
        status_of(&customer, order).await,
        Some(OrderStatus::Cancelled)
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_customer_pays_a_deferred_order_at_once_with_pay_now() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let other = app.logged_in(OTHER_CUSTOMER).await;
    app.provider.switch(json!({ "failure_rate": 1.0 })).await;
    let order = place(&app, &customer).await;
    tracked(&customer, order, OrderStatus::PaymentDeferred).await;

    let id = order.0.to_string();
    assert_eq!(
        other.call::<()>("pay_now", &[("order_id", &id)]).await,
        Err(app::platform::AppError::NotFound(Missing::NotYourOrder))
    );
    app.provider.switch(json!({})).await;
    // The breaker may still be open from the failures; pay-now answers in a sentence until the
    // provider is let through again.
    eventually("pay now succeeds", || async {
        customer
            .call::<()>("pay_now", &[("order_id", &id)])
            .await
            .ok()
    })
    .await;
    tracked(&customer, order, OrderStatus::Paid).await;
    assert_eq!(app.provider.approvals_of(&id).await, 1);
    app.shutdown().await;
}

#[tokio::test]
async fn a_refund_that_fails_twice_is_paid_once_when_the_provider_answers() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let owner = app.logged_in(OWNER).await;
    let order = place(&app, &customer).await;
    tracked(&customer, order, OrderStatus::Paid).await;

    app.provider.switch(json!({ "fail_next": 2 })).await;
    owner
        .call::<OrderStatus>(
            "reject_order",
            &[("order_id", &order.0.to_string()), ("reason", "재료 소진")],
        )
        .await
        .expect("rejected");
    refund_paid(&app, order).await;
    assert_eq!(app.provider.refunds_of(&order.0.to_string()).await, 1);
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM events.log WHERE order_id = $1 AND event_type = 'PaymentCancelled'",
            order
        )
        .await,
        1
    );
    app.shutdown().await;
}

/// An approval is recorded before the order moves to PAID, in a transaction of its own. A process
/// killed between the two leaves the payment recorded and the order still waiting; if the customer
/// cancels meanwhile, the next attempt finds the order ended and gives the money back, once.
#[tokio::test]
async fn an_approval_cut_off_before_the_order_was_paid_is_refunded_once_it_was_cancelled() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    app.provider.switch(json!({ "failure_rate": 1.0 })).await;
    let order = place(&app, &customer).await;
    tracked(&customer, order, OrderStatus::PaymentDeferred).await;
    app.provider.switch(json!({})).await;

    // What the first of the approval's transactions leaves behind when the process dies after it.
    let amount = app::ordering::total(&app.pool, order)
        .await
        .expect("read")
        .expect("a total");
    let taken = app
        .state
        .payments
        .approve(order, amount)
        .await
        .expect("approved");
    sqlx::query(
        "INSERT INTO payment.payments (order_id, amount_krw, status, payment_key)
         VALUES ($1, $2, 'APPROVED', $3)",
    )
    .bind(order.0)
    .bind(amount.0)
    .bind(&taken.payment_key)
    .execute(&app.pool)
    .await
    .expect("recorded");
    customer
        .call::<OrderStatus>(
            "cancel_order",
            &[("order_id", &order.0.to_string()), ("reason", "변심")],
        )
        .await
        .expect("cancelled while waiting for payment");

    // The charge job runs again, as the queue would after the kill.
    for _ in 0..2 {
        let outcome = app::payment::jobs::charge(&app.state, order, amount).await;
        assert!(
            matches!(outcome, Ok(app::payment::jobs::ChargeOutcome::NotPayable)),
            "{outcome:?}"
        );
    }
    refund_paid(&app, order).await;
    let id = order.0.to_string();
    assert_eq!(app.provider.approvals_of(&id).await, 1);
    assert_eq!(app.provider.refunds_of(&id).await, 1);
    tracked(&customer, order, OrderStatus::Cancelled).await;
    app.shutdown().await;
}
