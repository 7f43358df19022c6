//! The order saga end to end: server functions → event log → dispatcher → job queue →
//! consumers → read model, on a real PostgreSQL, with every compensation and race.

use crate::common::*;
use app::delivery::RiderRefusal;
use app::ordering::machine::{Refusal, Verb};
use app::ordering::PlaceRefusal;
use app::ordering::{OrderId, OrderStatus};
use app::platform::error::Missing;
use app::platform::events::{Consumer, Consumption, EventHistory};
use app::platform::AppError;
use app::store::KitchenOrder;
use app::tracking::OrderView;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

fn id_arg(order: OrderId) -> String {
    order.0.to_string()
}

async fn owner_does(
    owner: &Browser,
    endpoint: &str,
    order: OrderId,
) -> Result<OrderStatus, AppError> {
    owner.call(endpoint, &[("order_id", &id_arg(order))]).await
}

async fn accept(owner: &Browser, order: OrderId) -> Result<OrderStatus, AppError> {
    owner
        .call(
            "accept_order",
            &[("order_id", &id_arg(order)), ("prep_minutes", "15")],
        )
        .await
}

/// Waits until the rider's list shows the order's delivery.
async fn open_for(rider: &Browser, order: OrderId) {
    eventually("the delivery is open to the rider", || async {
        let open: Vec<app::delivery::OpenDelivery> =
            rider.call("open_deliveries", &[]).await.ok()?;
        open.iter().any(|d| d.order_id == order).then_some(())
    })
    .await
}

/// Waits until every consumer has applied every event of the order; returns the history.
async fn all_applied(app: &TestApp, order: OrderId) -> Vec<EventHistory> {
    let operator = app.logged_in(OPERATOR).await;
    eventually("every consumer has applied every event", || async {
        let history: Vec<EventHistory> = operator
            .call("consumption_history", &[("order_id", &id_arg(order))])
            .await
            .ok()?;
        history
            .iter()
            .all(|e| {
                e.consumers
                    .iter()
                    .all(|(_, s)| matches!(s, Consumption::Done { .. }))
            })
            .then_some(history)
    })
    .await
}

/// An order paid, rejected by the store and refunded, with every consumer done with it.
async fn rejected_and_refunded(app: &TestApp) -> OrderId {
    let customer = app.logged_in(CUSTOMER).await;
    let order = place(app, &customer).await;
    tracked(&customer, order, OrderStatus::Paid).await;
    let owner = app.logged_in(OWNER).await;
    owner
        .call::<OrderStatus>(
            "reject_order",
            &[("order_id", &id_arg(order)), ("reason", "Closing early")],
        )
        .await
        .expect("rejected");
    // The refund ends the saga with PaymentCancelled; once the customer's screen shows it, that
    // event is in the log, so waiting for every consumer covers the whole saga.
    eventually("the refund reaches the customer's screen", || async {
        let view: OrderView = customer
            .call("order_status", &[("order_id", &id_arg(order))])
            .await
            .ok()?;
        view.refunded.is_some().then_some(())
    })
    .await;
    all_applied(app, order).await;
    order
}

#[tokio::test]
async fn an_order_goes_from_placed_to_completed() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let (order, owner) = cooked_order(&app, &customer).await;

    let rider = app.logged_in(RIDER).await;
    open_for(&rider, order).await;
    rider
        .call::<()>("claim_delivery", &[("order_id", &id_arg(order))])
        .await
        .expect("claimed");
    for step in ["pick_up", "deliver", "confirm_delivery"] {
        owner_does(&rider, step, order).await.expect(step);
    }

    let view = tracked(&customer, order, OrderStatus::Completed).await;
    let steps: Vec<&str> = view.timeline.iter().map(|s| s.event.as_str()).collect();
    for expected in [
        "OrderPlaced",
        "Paid",
        "OrderAccepted",
        "CookStarted",
        "CookFinished",
        "RiderAssigned",
        "Picked",
        "Delivered",
        "OrderCompleted",
    ] {
        assert!(
            steps.contains(&expected),
            "{expected} missing from {steps:?}"
        );
    }
    assert_eq!(
        view.total.to_string(),
        "₩12,500",
        "₩10,000 of gimbap and ₩2,500 delivery"
    );
    assert_eq!(view.prep_minutes, Some(15));
    assert!(view.eta > view.ready_by, "the ride comes after cooking");

    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM payment.payments WHERE order_id = $1 AND status = 'APPROVED'",
            order
        )
        .await,
        1
    );
    // The owner's board follows the order to its end: off the board, done today, completed.
    eventually("the kitchen shows the order completed", || async {
        let kitchen: Vec<KitchenOrder> = owner.call("kitchen_orders", &[]).await.ok()?;
        let copy = kitchen.into_iter().find(|o| o.order_id == order)?;
        (copy.status == OrderStatus::Completed).then_some(())
    })
    .await;
    // The rider's confirm completes the order; the rider's list shows it as completed.
    let delivery = eventually("the delivery is marked completed", || async {
        let status: String =
            sqlx::query_scalar("SELECT status FROM delivery.deliveries WHERE order_id = $1")
                .bind(order.0)
                .fetch_one(&app.pool)
                .await
                .ok()?;
        (status == "COMPLETED").then_some(status)
    })
    .await;
    assert_eq!(delivery, "COMPLETED");
    let notices = eventually("the customer heard of every step", || async {
        let messages: Vec<String> = sqlx::query_scalar(
            "SELECT message FROM notification.inbox n JOIN platform.accounts a ON a.account_id = n.recipient_id
             WHERE n.order_id = $1 AND a.email = $2",
        )
        .bind(order.0)
        .bind(CUSTOMER)
        .fetch_all(&app.pool)
        .await
        .ok()?;
        (messages.len() >= 9).then_some(messages)
    })
    .await;
    assert!(
        notices.iter().any(|m| m.contains("Enjoy your meal")),
        "{notices:?}"
    );
    let store_heard: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notification.inbox n JOIN platform.accounts a ON a.account_id = n.recipient_id
         WHERE n.order_id = $1 AND a.email = $2 AND n.message LIKE 'New order%'",
    )
    .bind(order.0)
    .bind(OWNER)
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(store_heard, 1);

    let history = all_applied(&app, order).await;
    assert!(history.len() >= 10, "{} events", history.len());
    app.shutdown().await;
}

/// Kitchens of the days before the store consumer followed orders to their end held PICKED_UP
/// for every delivered order. The migration that fixed it replays the log; here the same
/// statement mends such a row.
#[tokio::test]
async fn replaying_the_log_mends_a_kitchen_left_on_picked_up() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let (order, owner) = cooked_order(&app, &customer).await;
    let rider = app.logged_in(RIDER).await;
    open_for(&rider, order).await;
    rider
        .call::<()>("claim_delivery", &[("order_id", &id_arg(order))])
        .await
        .expect("claimed");
    for step in ["pick_up", "deliver", "confirm_delivery"] {
        owner_does(&rider, step, order).await.expect(step);
    }
    let steps_before = tracked(&customer, order, OrderStatus::Completed)
        .await
        .timeline
        .len();
    all_applied(&app, order).await;
    const MESSAGES: &str = "SELECT count(*) FROM notification.inbox WHERE order_id = $1";
    let messages_before = count(&app.pool, MESSAGES, order).await;

    // As the old consumer left it: on its way, and the later events never applied by it.
    sqlx::query("UPDATE store.store_orders SET status = 'PICKED_UP' WHERE order_id = $1")
        .bind(order.0)
        .execute(&app.pool)
        .await
        .expect("the old kitchen row");
    sqlx::query(
        "DELETE FROM events.consumed c USING events.log l
         WHERE c.event_id = l.event_id AND c.consumer = 'store' AND l.order_id = $1
           AND l.event_type IN ('Delivered', 'OrderCompleted')",
    )
    .bind(order.0)
    .execute(&app.pool)
    .await
    .expect("the old consumer's record");

    let migration =
        include_str!("../../../migrations/20261205000015_kitchen_follows_to_the_end.sql");
    let replay = migration
        .split("UPDATE events.log SET dispatched_at = NULL")
        .nth(1)
        .expect("the migration replays the log");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE events.log SET dispatched_at = NULL{replay}"
    )))
    .execute(&app.pool)
    .await
    .expect("the replay");

    eventually("the kitchen shows the order completed again", || async {
        let kitchen: Vec<KitchenOrder> = owner.call("kitchen_orders", &[]).await.ok()?;
        let copy = kitchen.into_iter().find(|o| o.order_id == order)?;
        (copy.status == OrderStatus::Completed).then_some(())
    })
    .await;
    // Every other consumer had applied the replayed event and skipped it.
    all_applied(&app, order).await;
    let tracking = tracked(&customer, order, OrderStatus::Completed).await;
    assert_eq!(tracking.timeline.len(), steps_before, "no step twice");
    assert_eq!(
        count(&app.pool, MESSAGES, order).await,
        messages_before,
        "no message twice"
    );
    app.shutdown().await;
}
#[tokio::test]
async fn a_rejected_order_is_refunded_exactly_once() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let order = place(&app, &customer).await;
    tracked(&customer, order, OrderStatus::Paid).await;
    let owner = app.logged_in(OWNER).await;
    let status: OrderStatus = owner
        .call(
            "reject_order",
            &[("order_id", &id_arg(order)), ("reason", "재료 소진")],
        )
        .await
        .expect("rejected");
    assert_eq!(status, OrderStatus::Rejected);

    let view = eventually("the refund shows", || async {
        let view: OrderView = customer
            .call("order_status", &[("order_id", &id_arg(order))])
            .await
            .ok()?;
        view.refunded.is_some().then_some(view)
    })
    .await;
    assert_eq!(view.refunded, Some(view.total));
    assert_eq!(view.reason.as_deref(), Some("재료 소진"));
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM payment.refunds WHERE order_id = $1",
            order
        )
        .await,
        1
    );
    assert_eq!(
        count(&app.pool, "SELECT count(*) FROM events.log WHERE order_id = $1 AND event_type = 'PaymentCancelled'", order).await,
        1
    );
    app.shutdown().await;
}

#[tokio::test]
async fn an_order_the_store_ignores_expires_and_is_refunded() {
    let pool = demo_database().await;
    let app = TestApp::with_acceptance_window(pool, chrono::Duration::seconds(1)).await;
    let customer = app.logged_in(CUSTOMER).await;
    let order = place(&app, &customer).await;
    let view = tracked(&customer, order, OrderStatus::Expired).await;
    assert!(view.timeline.iter().any(|s| s.event == "OrderExpired"));
    eventually("the expired order is refunded", || async {
        (count(
            &app.pool,
            "SELECT count(*) FROM payment.refunds WHERE order_id = $1 AND status = 'DONE'",
            order,
        )
        .await
            == 1)
            .then_some(())
    })
    .await;
    let owner = app.logged_in(OWNER).await;
    assert_eq!(
        accept(&owner, order).await,
        Err(AppError::Refused(Refusal::Closed(OrderStatus::Expired)))
    );
    app.shutdown().await;
}

#[tokio::test]
async fn cancelling_before_cooking_refunds_and_clears_the_kitchen() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let order = place(&app, &customer).await;
    tracked(&customer, order, OrderStatus::Paid).await;
    let owner = app.logged_in(OWNER).await;
    accept(&owner, order).await.expect("accepted");

    let status: OrderStatus = customer
        .call(
            "cancel_order",
            &[("order_id", &id_arg(order)), ("reason", "Ordered twice")],
        )
        .await
        .expect("cancelled");
    assert_eq!(status, OrderStatus::Cancelled);
    eventually(
        "the kitchen's copy is cancelled and the money returned",
        || async {
            let kitchen: String =
                sqlx::query_scalar("SELECT status FROM store.store_orders WHERE order_id = $1")
                    .bind(order.0)
                    .fetch_one(&app.pool)
                    .await
                    .ok()?;
            let refunds = count(
                &app.pool,
                "SELECT count(*) FROM payment.refunds WHERE order_id = $1 AND status = 'DONE'",
                order,
            )
            .await;
            (kitchen == "CANCELLED" && refunds == 1).then_some(())
        },
    )
    .await;
    app.shutdown().await;
}

#[tokio::test]
async fn cancelling_after_cooking_started_is_refused_and_changes_nothing() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let order = place(&app, &customer).await;
    tracked(&customer, order, OrderStatus::Paid).await;
    let owner = app.logged_in(OWNER).await;
    accept(&owner, order).await.expect("accepted");
    owner_does(&owner, "start_cook", order)
        .await
        .expect("cooking");

    let events_before = count(
        &app.pool,
        "SELECT count(*) FROM events.log WHERE order_id = $1",
        order,
    )
    .await;
    let refused = customer
        .call::<OrderStatus>(
            "cancel_order",
            &[("order_id", &id_arg(order)), ("reason", "Too slow")],
        )
        .await;
    assert_eq!(refused, Err(AppError::Refused(Refusal::CookingStarted)));
    assert_eq!(
        refused.expect_err("refused").to_string(),
        "Cooking has started, so the order can no longer be cancelled."
    );
    let events_after = count(
        &app.pool,
        "SELECT count(*) FROM events.log WHERE order_id = $1",
        order,
    )
    .await;
    assert_eq!(events_before, events_after);
    let status: String =
        sqlx::query_scalar("SELECT status FROM ordering.orders WHERE order_id = $1")
            .bind(order.0)
            .fetch_one(&app.pool)
            .await
            .expect("order");
    assert_eq!(status, "COOKING");
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM payment.refunds WHERE order_id = $1",
            order
        )
        .await,
        0
    );
    app.shutdown().await;
}

#[tokio::test]
async fn two_riders_claiming_at_once_end_with_one_winner() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let (order, _) = cooked_order(&app, &customer).await;
    let first = app.logged_in(RIDER).await;
    let second = app.logged_in(OTHER_RIDER).await;
    open_for(&first, order).await;
    open_for(&second, order).await;

    let arg = id_arg(order);
    let claim = [("order_id", arg.as_str())];
    let (a, b) = tokio::join!(
        first.call::<()>("claim_delivery", &claim),
        second.call::<()>("claim_delivery", &claim),
    );
    let outcomes = [a, b];
    let winners = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(winners, 1, "{outcomes:?}");
    let loser = outcomes
        .into_iter()
        .find_map(Result::err)
        .expect("one loser");
    assert_eq!(loser, AppError::Refused(Refusal::AlreadyClaimed));

    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM events.log WHERE order_id = $1 AND event_type = 'RiderAssigned'",
            order
        )
        .await,
        1
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_rider_carries_one_delivery_at_a_time_however_fast_the_taps() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let (first, _) = cooked_order(&app, &customer).await;
    let (second, _) = cooked_order(&app, &customer).await;
    let rider = app.logged_in(RIDER).await;
    open_for(&rider, first).await;
    open_for(&rider, second).await;

    // Two claims at once, as two fingers on two cards would send them.
    let (first_arg, second_arg) = (id_arg(first), id_arg(second));
    let (claim_first, claim_second) = (
        [("order_id", first_arg.as_str())],
        [("order_id", second_arg.as_str())],
    );
    let (a, b) = tokio::join!(
        rider.call::<()>("claim_delivery", &claim_first),
        rider.call::<()>("claim_delivery", &claim_second),
    );
    let (carried, left) = match (a, b) {
        (Ok(()), Err(refused)) => ((first, first_arg), (second, refused)),
        (Err(refused), Ok(())) => ((second, second_arg), (first, refused)),
        both => panic!("one claim wins, one is refused: {both:?}"),
    };
    let (left, refused) = left;
    assert_eq!(
        refused,
        AppError::Rider(RiderRefusal::FinishCurrentDelivery)
    );
    let again = rider
        .call::<()>("claim_delivery", &[("order_id", &id_arg(left))])
        .await;
    assert_eq!(
        again,
        Err(AppError::Rider(RiderRefusal::FinishCurrentDelivery))
    );
    let assigned = |order| {
        count(
            &app.pool,
            "SELECT count(*) FROM events.log WHERE order_id = $1 AND event_type = 'RiderAssigned'",
            order,
        )
    };
    assert_eq!(assigned(carried.0).await, 1);
    assert_eq!(assigned(left).await, 0, "the refused claim wrote nothing");

    // The refused delivery is still there for another rider.
    let other = app.logged_in(OTHER_RIDER).await;
    open_for(&other, left).await;
    other
        .call::<()>("claim_delivery", &[("order_id", &id_arg(left))])
        .await
        .expect("another rider takes the one left");

    // Delivered, the rider is free for the next one.
    for step in ["pick_up", "deliver"] {
        rider
            .call::<OrderStatus>(step, &[("order_id", carried.1.as_str())])
            .await
            .unwrap_or_else(|e| panic!("{step}: {e}"));
    }
    let (next, _) = cooked_order(&app, &customer).await;
    open_for(&rider, next).await;
    rider
        .call::<()>("claim_delivery", &[("order_id", &id_arg(next))])
        .await
        .expect("free again after delivering");
    app.shutdown().await;
}

#[tokio::test]
async fn a_rider_tap_sent_again_with_its_key_gets_the_first_answer_and_counts_once() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let (order, _) = cooked_order(&app, &customer).await;
    let rider = app.logged_in(RIDER).await;
    open_for(&rider, order).await;
    let arg = id_arg(order);
    rider
        .call::<()>("claim_delivery", &[("order_id", &arg)])
        .await
        .expect("claimed");

    // The phone's outbox sends a tap until it hears back: twice at once, and once more later.
    let key = Uuid::new_v4().to_string();
    let tap = [("order_id", arg.as_str()), ("request_key", key.as_str())];
    let (first, second) = tokio::join!(
        rider.call::<OrderStatus>("pick_up", &tap),
        rider.call::<OrderStatus>("pick_up", &tap),
    );
    let again = rider.call::<OrderStatus>("pick_up", &tap).await;
    for answer in [first, second, again] {
        assert_eq!(answer, Ok(OrderStatus::PickedUp));
    }
    // Without a key the same step is a new command, and the state machine refuses it.
    let without_key = owner_does(&rider, "pick_up", order).await;
    assert!(
        matches!(
            without_key,
            Err(AppError::Refused(Refusal::NotNow {
                status: OrderStatus::PickedUp,
                ..
            }))
        ),
        "{without_key:?}"
    );
    // A key belongs to one step: reusing it for another is refused and changes nothing.
    let reused = rider
        .call::<OrderStatus>("deliver", &tap)
        .await
        .expect_err("a key of another step");
    assert_eq!(reused, AppError::Rider(RiderRefusal::TapReused));
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM events.log WHERE order_id = $1 AND event_type = 'Picked'",
            order
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app.pool,
            "SELECT count(*) FROM events.log WHERE order_id = $1 AND event_type = 'Delivered'",
            order
        )
        .await,
        0
    );

    // Another rider cannot replay this rider's key: keys are per rider.
    let other = app.logged_in(OTHER_RIDER).await;
    assert!(other.call::<OrderStatus>("pick_up", &tap).await.is_err());
    app.shutdown().await;
}

#[tokio::test]
async fn a_cancel_racing_a_cook_start_has_one_winner() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let order = place(&app, &customer).await;
    tracked(&customer, order, OrderStatus::Paid).await;
    let owner = app.logged_in(OWNER).await;
    accept(&owner, order).await.expect("accepted");

    let arg = id_arg(order);
    let cancel_args = [("order_id", arg.as_str()), ("reason", "Changed my mind")];
    let cook_args = [("order_id", arg.as_str())];
    let (cancel, cook) = tokio::join!(
        customer.call::<OrderStatus>("cancel_order", &cancel_args),
        owner.call::<OrderStatus>("start_cook", &cook_args),
    );
    let status: String =
        sqlx::query_scalar("SELECT status FROM ordering.orders WHERE order_id = $1")
            .bind(order.0)
            .fetch_one(&app.pool)
            .await
            .expect("order");
    match (cancel, cook) {
        (
            Ok(OrderStatus::Cancelled),
            Err(AppError::Refused(Refusal::Closed(OrderStatus::Cancelled))),
        ) => {
            assert_eq!(status, "CANCELLED")
        }
        (Err(AppError::Refused(Refusal::CookingStarted)), Ok(OrderStatus::Cooking)) => {
            assert_eq!(status, "COOKING")
        }
        other => panic!("expected exactly one winner, got {other:?}"),
    }
    app.shutdown().await;
}

#[tokio::test]
async fn running_a_consumer_twice_changes_nothing() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let order = rejected_and_refunded(&app).await;

    let snapshot = |pool: PgPool| async move {
        sqlx::query_scalar::<_, String>(
            "SELECT concat_ws('|',
                (SELECT count(*) FROM events.log WHERE order_id = $1),
                (SELECT count(*) FROM payment.payments WHERE order_id = $1),
                (SELECT count(*) FROM payment.refunds WHERE order_id = $1),
                (SELECT count(*) FROM notification.inbox WHERE order_id = $1),
                (SELECT status FROM store.store_orders WHERE order_id = $1),
                (SELECT view::text FROM tracking.order_views WHERE order_id = $1))",
        )
        .bind(order.0)
        .fetch_one(&pool)
        .await
        .expect("snapshot")
    };
    let before = snapshot(app.pool.clone()).await;
    let events = app::platform::event_log::events_of_order(&app.pool, order)
        .await
        .expect("events");
    for consumer in Consumer::ALL {
        for event in events.iter().filter(|e| consumer.wants(e.event.name())) {
            app::platform::consumers::apply_once(&app.state, consumer, event)
                .await
                .expect("a second run succeeds");
        }
    }
    assert_eq!(before, snapshot(app.pool.clone()).await);
    app.shutdown().await;
}

#[tokio::test]
async fn a_whole_history_in_one_batch_builds_what_its_events_built_one_by_one() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let order = rejected_and_refunded(&app).await;

    let read_models = |pool: PgPool| async move {
        sqlx::query_scalar::<_, String>(
            "SELECT concat_ws('|',
                (SELECT status FROM store.store_orders WHERE order_id = $1),
                (SELECT view::text FROM tracking.order_views WHERE order_id = $1),
                (SELECT string_agg(recipient_id || ':' || message, ',' ORDER BY message, recipient_id)
                 FROM notification.inbox WHERE order_id = $1))",
        )
        .bind(order.0)
        .fetch_one(&pool)
        .await
        .expect("read models")
    };
    let built_as_it_happened = read_models(app.pool.clone()).await;
    let events = app::platform::event_log::events_of_order(&app.pool, order)
        .await
        .expect("events");
    assert!(events.len() >= 4, "placed, paid, rejected and refunded");

    // Forget what the read-model consumers made of the order, then hand each of them the whole
    // history as one batch, as the dispatcher does under load.
    let rebuilt = [Consumer::Store, Consumer::Tracking, Consumer::Notification];
    let mut tx = app.pool.begin().await.expect("begin");
    for sql in [
        "DELETE FROM store.store_orders WHERE order_id = $1",
        "DELETE FROM tracking.order_views WHERE order_id = $1",
        "DELETE FROM notification.inbox WHERE order_id = $1",
        "DELETE FROM events.consumed WHERE consumer IN ('store', 'tracking', 'notification')
           AND event_id IN (SELECT event_id FROM events.log WHERE order_id = $1)",
    ] {
        sqlx::query(sql)
            .bind(order.0)
            .execute(&mut *tx)
            .await
            .expect("forget");
    }
    for consumer in rebuilt {
        let wanted: Vec<Uuid> = events
            .iter()
            .filter(|e| consumer.wants(e.event.name()))
            .map(|e| e.event_id)
            .collect();
        assert!(wanted.len() > 1, "{} gets a batch", consumer.name());
        app::platform::consumers::enqueue(&mut *tx, consumer, &wanted, false)
            .await
            .expect("queued");
    }
    tx.commit().await.expect("commit");

    let pool = app.pool.clone();
    eventually("the batches rebuild the read models", || {
        let pool = pool.clone();
        let expected = built_as_it_happened.clone();
        async move { (read_models(pool).await == expected).then_some(()) }
    })
    .await;
    app.shutdown().await;
}

#[tokio::test]
async fn a_consumer_that_fails_twice_then_succeeds_applies_once() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let operator = app.logged_in(OPERATOR).await;
    operator
        .call::<()>(
            "fault_drill",
            &[("consumer", "notification"), ("failures", "2")],
        )
        .await
        .expect("drill set");
    let customer = app.logged_in(CUSTOMER).await;
    let order = place(&app, &customer).await;
    // Ordering does not wait for notifications: the order is paid while they fail.
    tracked(&customer, order, OrderStatus::Paid).await;

    eventually(
        "the failing notifications are retried until delivered",
        || async {
            let left: i32 = sqlx::query_scalar(
                "SELECT failures_left FROM events.fault_drills WHERE consumer = 'notification'",
            )
            .fetch_one(&app.pool)
            .await
            .ok()?;
            let sent = count(
                &app.pool,
                "SELECT count(*) FROM notification.inbox WHERE order_id = $1",
                order,
            )
            .await;
            // OrderPlaced to the customer; Paid to the customer and to the store.
            (left == 0 && sent == 3).then_some(())
        },
    )
    .await;
    let placed_notices = count(
        &app.pool,
        "SELECT count(*) FROM notification.inbox n JOIN events.log l USING (event_id)
         WHERE n.order_id = $1 AND l.event_type = 'OrderPlaced'",
        order,
    )
    .await;
    assert_eq!(
        placed_notices, 1,
        "delivered exactly once despite the failures"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn outsiders_are_refused_on_every_command_and_nothing_changes() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let (order, _) = cooked_order(&app, &customer).await;
    // The delivery consumer appends DeliveryRequested; wait for it before taking the snapshot.
    let open_for_rider = app.logged_in(RIDER).await;
    open_for(&open_for_rider, order).await;
    let arg = id_arg(order);
    let version = |pool: PgPool| async move {
        sqlx::query_as::<_, (String, i32)>(
            "SELECT status, version FROM ordering.orders WHERE order_id = $1",
        )
        .bind(order.0)
        .fetch_one(&pool)
        .await
        .expect("order")
    };
    let before = version(app.pool.clone()).await;
    let events_before = count(
        &app.pool,
        "SELECT count(*) FROM events.log WHERE order_id = $1",
        order,
    )
    .await;

    let stranger = app.logged_in(OTHER_CUSTOMER).await;
    assert_eq!(
        stranger
            .call::<OrderStatus>("cancel_order", &[("order_id", &arg), ("reason", "mine")])
            .await,
        Err(AppError::Refused(Refusal::NotYourOrder))
    );
    assert_eq!(
        stranger
            .call::<OrderView>("order_status", &[("order_id", &arg)])
            .await,
        Err(AppError::NotFound(Missing::Order))
    );
    let other_owner = app.logged_in(OTHER_OWNER).await;
    for step in ["start_cook", "finish_cook"] {
        assert_eq!(
            owner_does(&other_owner, step, order).await,
            Err(AppError::Refused(Refusal::NotYourOrder)),
            "{step}"
        );
    }
    assert_eq!(
        customer
            .call::<OrderStatus>("finish_cook", &[("order_id", &arg)])
            .await,
        Err(AppError::WrongRole(app::platform::Role::Owner))
    );
    let off_duty = app.logged_in(OFF_DUTY_RIDER).await;
    assert_eq!(
        off_duty
            .call::<()>("claim_delivery", &[("order_id", &arg)])
            .await,
        Err(AppError::Rider(RiderRefusal::OffDuty))
    );
    // A rider on duty in Gangnam, six kilometres from the store.
    move_rider_to_gangnam(&app.pool, OTHER_RIDER).await;
    let far_rider = app.logged_in(OTHER_RIDER).await;
    let refused = far_rider
        .call::<()>("claim_delivery", &[("order_id", &arg)])
        .await;
    assert!(
        matches!(&refused, Err(AppError::Rider(RiderRefusal::BeyondRange { distance_m, range_m, .. })) if distance_m > range_m),
        "{refused:?}"
    );
    let unassigned = app.logged_in(RIDER).await;
    assert_eq!(
        owner_does(&unassigned, "pick_up", order).await,
        Err(AppError::Refused(Refusal::NotNow {
            verb: Verb::PickUp,
            status: OrderStatus::Cooked
        }))
    );

    assert_eq!(before, version(app.pool.clone()).await);
    assert_eq!(
        events_before,
        count(
            &app.pool,
            "SELECT count(*) FROM events.log WHERE order_id = $1",
            order
        )
        .await
    );
    app.shutdown().await;
}

#[tokio::test]
async fn malformed_orders_get_a_clear_error_and_write_nothing() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let good = gimbap_order(&app, CUSTOMER).await;
    let with_lines = |lines: serde_json::Value| {
        let mut order = good.clone();
        order["order"]["lines"] = lines;
        order
    };
    let gimbap = item(&app.pool, GIMBAP, "돈까스김밥").await;
    let cases = [
        (
            with_lines(json!([{ "item_id": gimbap, "quantity": -2 }])),
            "A quantity of -2 is not possible: choose between 1 and 99.",
        ),
        (
            with_lines(json!([{ "item_id": Uuid::new_v4(), "quantity": 1 }])),
            "Something in your cart is no longer on this store's menu. Remove it and try again.",
        ),
        (
            with_lines(json!([])),
            "Your cart is empty. Add something from the menu first.",
        ),
        (
            with_lines(
                json!([{ "item_id": item(&app.pool, GIMBAP, "원조김밥").await, "quantity": 1 }]),
            ),
            "The minimum order at 서울숲 24시 김밥 is ₩8,000. Add ₩4,500 more.",
        ),
        (
            with_lines(
                json!([{ "item_id": item(&app.pool, "성수 할매떡볶이", "참치김밥").await, "quantity": 2 }]),
            ),
            "Something in your cart is no longer on this store's menu. Remove it and try again.",
        ),
    ];
    for (order, message) in cases {
        let refused = customer.call_json::<OrderId>("place_order", &order).await;
        assert_eq!(refused.map_err(|e| e.to_string()), Err(message.to_owned()));
    }
    let mut someone_elses_address = good.clone();
    someone_elses_address["order"]["address_id"] = json!(home_of(&app.pool, OTHER_CUSTOMER).await);
    assert_eq!(
        customer
            .call_json::<OrderId>("place_order", &someone_elses_address)
            .await,
        Err(AppError::Place(PlaceRefusal::NoSuchAddress))
    );
    let closed = json!({ "order": {
        "store_id": store_id(&app.pool, "왕십리 족발보쌈").await,
        "address_id": home_of(&app.pool, CUSTOMER).await,
        "lines": [{ "item_id": item(&app.pool, "왕십리 족발보쌈", "앞다리 족발 중").await, "quantity": 1 }],
    }});
    assert_eq!(
        customer.call_json::<OrderId>("place_order", &closed).await,
        Err(AppError::Place(PlaceRefusal::NotTakingOrders {
            store: "왕십리 족발보쌈".into()
        }))
    );

    let orders: i64 = sqlx::query_scalar("SELECT count(*) FROM ordering.orders")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events.log")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!((orders, events), (0, 0));

    // Over-long reasons are refused on the server too.
    let order = place(&app, &customer).await;
    let essay = "긴 이유 ".repeat(60);
    assert_eq!(
        customer
            .call::<OrderStatus>(
                "cancel_order",
                &[("order_id", &id_arg(order)), ("reason", &essay)]
            )
            .await,
        Err(AppError::Refused(Refusal::ReasonTooLong))
    );
    app.shutdown().await;
}

#[tokio::test]
async fn orders_are_taken_while_the_store_system_is_down() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let operator = app.logged_in(OPERATOR).await;
    operator
        .call::<()>("pause_consumer", &[("consumer", "store")])
        .await
        .expect("paused");
    let customer = app.logged_in(CUSTOMER).await;
    let mut orders = Vec::new();
    for _ in 0..3 {
        let order = place(&app, &customer).await;
        tracked(&customer, order, OrderStatus::Paid).await;
        orders.push(order);
    }
    let owner = app.logged_in(OWNER).await;
    let kitchen: Vec<app::store::KitchenOrder> =
        owner.call("kitchen_orders", &[]).await.expect("kitchen");
    assert!(kitchen.is_empty(), "the store system is down: {kitchen:?}");
    let history: Vec<EventHistory> = operator
        .call("consumption_history", &[("order_id", &id_arg(orders[0]))])
        .await
        .expect("history");
    let paid = history
        .iter()
        .find(|e| e.event_type == "Paid")
        .expect("Paid event");
    assert!(paid
        .consumers
        .contains(&(Consumer::Store, Consumption::Paused)));

    let missed: usize = operator
        .call("resume_consumer", &[("consumer", "store")])
        .await
        .expect("resumed");
    assert_eq!(missed, 3, "three Paid events waited for the store");
    let kitchen = eventually("every order reaches the kitchen", || async {
        let kitchen: Vec<app::store::KitchenOrder> =
            owner.call("kitchen_orders", &[]).await.ok()?;
        (kitchen.len() == 3).then_some(kitchen)
    })
    .await;
    for order in &orders {
        assert_eq!(kitchen.iter().filter(|k| k.order_id == *order).count(), 1);
    }
    assert!(kitchen.iter().all(|k| k.status == OrderStatus::Paid));
    app.shutdown().await;
}
