//! Two web processes and one job worker on one database act as one product: a customer on
//! instance A, the owner on instance B and a rider on A drive an order from placed to completed,
//! and each sees every step live through the socket of their own instance, which hears of it
//! through that instance's own listener.

use crate::common::processes::{Deployment, ServerProcess};
use crate::common::socket::{connect, next, send, until_status, Socket};
use crate::common::*;
use app::ordering::{OrderId, OrderStatus};
use app::platform::live::{ClientMessage, ServerMessage, Topic};
use app::store::StoreId;
use sqlx::{Connection, PgPool};

async fn following(base: &str, email: &str, topic: Topic) -> Socket {
    let cookie = session_cookie_at(base, email).await;
    let mut socket = connect(base, Some(&cookie)).await.expect("connects");
    send(&mut socket, ClientMessage::Follow(topic)).await;
    assert_eq!(next(&mut socket).await, ServerMessage::Following(topic));
    socket
}

fn id(order: OrderId) -> String {
    order.0.to_string()
}

#[tokio::test]
async fn an_order_moves_across_two_web_instances_and_a_worker() {
    let pool = demo_database().await;
    server::demo::load_if_empty(&pool)
        .await
        .expect("demo data loads");
    let provider = simulator::Simulator::start(&[]);
    let deployment = Deployment::new(&pool, &provider.base);
    let mut worker = deployment.worker();
    let mut a = deployment.web().await;
    let mut b = deployment.web().await;

    let customer_id = account_of(&pool, CUSTOMER).await;
    let gimbap = StoreId(store_id(&pool, GIMBAP).await);
    let mut customer_screen = following(a.base(), CUSTOMER, Topic::Account(customer_id)).await;
    let mut kitchen_screen = following(b.base(), OWNER, Topic::Store(gimbap)).await;
    let mut rider_screen = following(a.base(), RIDER, Topic::Deliveries).await;

    let customer = a.logged_in(CUSTOMER).await;
    let owner = b.logged_in(OWNER).await;
    let rider = a.logged_in(RIDER).await;
    let order = json_order(&pool).await;
    let placed: OrderId = customer
        .call_json("place_order", &order)
        .await
        .expect("placed on A");
    until_status(&mut customer_screen, placed, OrderStatus::Paid).await;
    until_status(&mut kitchen_screen, placed, OrderStatus::Paid).await;

    let accepted: OrderStatus = owner
        .call(
            "accept_order",
            &[("order_id", &id(placed)), ("prep_minutes", "15")],
        )
        .await
        .expect("accepted on B");
    assert_eq!(accepted, OrderStatus::Accepted);
    until_status(&mut customer_screen, placed, OrderStatus::Accepted).await;
    for (step, status) in [
        ("start_cook", OrderStatus::Cooking),
        ("finish_cook", OrderStatus::Cooked),
    ] {
        let now: OrderStatus = owner
            .call(step, &[("order_id", &id(placed))])
            .await
            .unwrap_or_else(|e| panic!("{step} on B: {e}"));
        assert_eq!(now, status);
        until_status(&mut customer_screen, placed, status).await;
    }
    // The delivery opens on the riders' screen of instance A.
    loop {
        match next(&mut rider_screen).await {
            ServerMessage::Changed(change) if change.order_id == placed => break,
            ServerMessage::Changed(_) | ServerMessage::Resync => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
    rider
        .call::<()>("claim_delivery", &[("order_id", &id(placed))])
        .await
        .expect("claimed on A");
    // A second claim, on the other instance, meets the same rule.
    let late = b.logged_in(OTHER_RIDER).await;
    assert!(late
        .call::<()>("claim_delivery", &[("order_id", &id(placed))])
        .await
        .is_err());
    until_status(&mut customer_screen, placed, OrderStatus::RiderAssigned).await;
    for step in ["pick_up", "deliver", "confirm_delivery"] {
        rider
            .call::<OrderStatus>(step, &[("order_id", &id(placed))])
            .await
            .unwrap_or_else(|e| panic!("{step} on A: {e}"));
    }
    until_status(&mut kitchen_screen, placed, OrderStatus::PickedUp).await;
    until_status(&mut customer_screen, placed, OrderStatus::Completed).await;

    // Either instance answers the same for the same order.
    let on_b = b.logged_in(CUSTOMER).await;
    let seen_on_a = tracked(&customer, placed, OrderStatus::Completed).await;
    let seen_on_b = tracked(&on_b, placed, OrderStatus::Completed).await;
    assert_eq!(
        serde_json::to_value(&seen_on_a).expect("a view"),
        serde_json::to_value(&seen_on_b).expect("a view")
    );
    assert_eq!(provider.approvals_of(&id(placed)).await, 1, "charged once");

    for process in [&mut a, &mut b, &mut worker] {
        process.kill().await;
    }
}

async fn json_order(pool: &PgPool) -> serde_json::Value {
    serde_json::json!({ "order": {
        "store_id": store_id(pool, GIMBAP).await,
        "address_id": home_of(pool, CUSTOMER).await,
        "lines": [{ "item_id": item(pool, GIMBAP, "돈까스김밥").await, "quantity": 2 }],
    }})
}

/// Sends SIGTERM, as a process manager does to stop one instance of a rolling restart.
fn terminate(process: &ServerProcess) {
    let pid = process.child.id().expect("still running");
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
}

#[tokio::test]
async fn stopping_one_of_two_web_instances_fails_no_request() {
    let pool = demo_database().await;
    server::demo::load_if_empty(&pool)
        .await
        .expect("demo data loads");
    let provider = simulator::Simulator::start(&[]);
    let deployment = Deployment::new(&pool, &provider.base);
    let _worker = deployment.worker();
    let mut a = deployment.web().await;
    let b = deployment.web().await;
    let customer_id = account_of(&pool, CUSTOMER).await;
    let mut socket_on_a = following(a.base(), CUSTOMER, Topic::Account(customer_id)).await;
    let on_a = a.logged_in(CUSTOMER).await;
    let on_b = Browser {
        base: b.base().to_owned(),
        ..on_a.clone()
    };
    let order = json_order(&pool).await;

    // Orders keep coming for four seconds while A stops (it drains for two). They go to A until
    // the proxy sees A's health check fail, then to B, as a proxy sends them; one that finds
    // A's port closed goes to B too. Every one of them must be placed.
    let proxy_sees_a_draining = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let orders = 40;
    let mut placing = Vec::new();
    for n in 0..orders {
        let (on_a, on_b, order) = (on_a.clone(), on_b.clone(), order.clone());
        let a_draining = proxy_sees_a_draining.clone();
        placing.push(tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(100 * n)).await;
            if a_draining.load(std::sync::atomic::Ordering::SeqCst) {
                return on_b.call_json("place_order", &order).await;
            }
            match on_a.try_call_json::<OrderId>("place_order", &order).await {
                Some(answer) => answer,
                None => on_b.call_json("place_order", &order).await,
            }
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    terminate(&a);
    let health = format!("{}/health", a.base());
    eventually("A tells the proxy it is draining", || async {
        let status = reqwest::get(&health).await.ok()?.status();
        (status == reqwest::StatusCode::SERVICE_UNAVAILABLE).then_some(())
    })
    .await;
    // A proxy that has seen that sends A nothing new; what A already took, it finishes.
    proxy_sees_a_draining.store(true, std::sync::atomic::Ordering::SeqCst);

    // The socket is told to reconnect, with the restart close code.
    let closed = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        use futures::StreamExt;
        use tokio_tungstenite::tungstenite::Message;
        loop {
            match socket_on_a.next().await {
                Some(Ok(Message::Close(Some(frame)))) => return u16::from(frame.code),
                Some(Ok(_)) => continue,
                other => panic!("the socket ended without a close frame: {other:?}"),
            }
        }
    })
    .await
    .expect("a close frame within ten seconds");
    assert_eq!(closed, app::platform::live::hub::RESTARTING_CLOSE_CODE);

    let mut placed = Vec::new();
    for task in placing {
        placed.push(task.await.expect("task").expect("every order is placed"));
    }
    let status = tokio::time::timeout(std::time::Duration::from_secs(15), a.child.wait())
        .await
        .expect("A stops within its grace period")
        .expect("exit status");
    assert!(status.success(), "A stopped cleanly: {status}");
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM ordering.orders WHERE order_id = ANY($1)")
            .bind(placed.iter().map(|o| o.0).collect::<Vec<_>>())
            .fetch_one(&pool)
            .await
            .expect("orders");
    assert_eq!(stored, orders as i64, "every answered order exists");
    let b_health = reqwest::get(format!("{}/health", b.base()))
        .await
        .expect("B answers");
    assert_eq!(b_health.status(), reqwest::StatusCode::OK);
}

/// The dispatcher of a worker hears of events that another process appended as soon as they are
/// committed, rather than at its next look: the append itself wakes it.
#[tokio::test]
async fn events_appended_by_another_process_wake_the_dispatcher() {
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::sync::{watch, Notify};

    let pool = demo_database().await;
    let wake = Arc::new(Notify::new());
    let (stop, stopped) = watch::channel(false);
    let listening = tokio::spawn(app::platform::dispatcher::listen_for_appends(
        pool.clone(),
        wake.clone(),
        stopped,
    ));
    tokio::time::timeout(Duration::from_secs(10), wake.notified())
        .await
        .expect("the listener wakes the dispatcher once it listens");

    // A web process's command appends on a connection of its own.
    let mut elsewhere = sqlx::PgConnection::connect(&url_of(&pool))
        .await
        .expect("a second connection");
    sqlx::query(
        "INSERT INTO events.log (event_id, order_id, event_type, payload, actor)
         VALUES (gen_random_uuid(), gen_random_uuid(), 'CookStarted', '{}', 'owner')",
    )
    .execute(&mut elsewhere)
    .await
    .expect("an event appended");
    tokio::time::timeout(Duration::from_secs(10), wake.notified())
        .await
        .expect("the append's commit wakes the dispatcher");

    stop.send(true).expect("the listener is running");
    listening.await.expect("the listener stops");
}
