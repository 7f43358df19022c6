//! The `/ws` live link: only logged-in accounts connect, each follow is checked against the
//! account, and a change reaches the follower once its read model shows it.

use crate::common::socket::{self, next, send, Socket};
use crate::common::*;
use app::ordering::{OrderId, OrderStatus};
use app::platform::live::{ClientMessage, ServerMessage, Topic};
use app::store::StoreId;
use uuid::Uuid;

async fn connect(app: &TestApp, cookie: Option<&str>) -> Result<Socket, u16> {
    socket::connect(&app.base, cookie).await
}

async fn gimbap_order(app: &TestApp) -> OrderId {
    place(app, &app.logged_in(CUSTOMER).await).await
}

/// A socket of the demo customer, following their own orders; returns it with that topic.
async fn customer_following_own_orders(app: &TestApp) -> (Socket, Topic) {
    let me: Uuid = sqlx::query_scalar("SELECT account_id FROM platform.accounts WHERE email = $1")
        .bind(CUSTOMER)
        .fetch_one(&app.pool)
        .await
        .expect("demo customer");
    let me = Topic::Account(app::platform::AccountId(me));
    let cookie = session_cookie(app, CUSTOMER).await;
    let mut socket = connect(app, Some(&cookie)).await.expect("connects");
    send(&mut socket, ClientMessage::Follow(me)).await;
    assert_eq!(next(&mut socket).await, ServerMessage::Following(me));
    (socket, me)
}

#[tokio::test]
async fn a_visitor_without_a_session_cannot_connect() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    assert_eq!(connect(&app, None).await.err(), Some(401));
    app.shutdown().await;
}

#[tokio::test]
async fn the_customer_follows_their_orders_and_sees_one_paid() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let (mut socket, me) = customer_following_own_orders(&app).await;

    let order = gimbap_order(&app).await;
    // Every change names the order and its status; payment brings it to Paid.
    loop {
        match next(&mut socket).await {
            ServerMessage::Changed(change) => {
                assert_eq!(change.topic, me);
                assert_eq!(change.order_id, order);
                if change.status == Some(OrderStatus::Paid) {
                    break;
                }
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    // The page re-reads its read model on a change. The account topic hears from the inbox as
    // well as from the tracking view, each once its own consumer has applied the event, so the
    // view may follow a moment after the first message.
    let customer = app.logged_in(CUSTOMER).await;
    tracked(&customer, order, OrderStatus::Paid).await;
    // The order itself may be followed by its customer.
    send(&mut socket, ClientMessage::Follow(Topic::Order(order))).await;
    loop {
        match next(&mut socket).await {
            ServerMessage::Following(topic) => {
                assert_eq!(topic, Topic::Order(order));
                break;
            }
            ServerMessage::Changed(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
    app.shutdown().await;
}

/// The last time the kitchen's and the tracking screen's consumers applied one of `order`'s events,
/// once both have applied its payment.
async fn screens_applied_payment(app: &TestApp, order: OrderId) -> chrono::DateTime<chrono::Utc> {
    eventually(
        "the kitchen and the tracking screen show the payment",
        || async {
            sqlx::query_scalar::<_, Option<chrono::DateTime<chrono::Utc>>>(
                "SELECT max(c.consumed_at) FROM events.consumed c
             JOIN events.log l ON l.event_id = c.event_id
             WHERE l.order_id = $1 AND c.consumer IN ('store', 'tracking')
             HAVING count(*) FILTER (WHERE l.event_type = 'Paid') = 2",
            )
            .bind(order.0)
            .fetch_optional(&app.pool)
            .await
            .expect("reads the consumed events")
            .flatten()
        },
    )
    .await
}

#[tokio::test]
async fn a_page_is_sent_to_read_again_only_what_changed_after_its_render() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let before_the_order = chrono::Utc::now();
    let order = gimbap_order(&app).await;
    let applied = screens_applied_payment(&app, order).await;
    // A page rendered after that, by more than the margin that covers commits and clocks.
    let rendered_later =
        applied + app::platform::live::hub::RENDER_MARGIN + chrono::TimeDelta::milliseconds(1);
    let gimbap = Topic::Store(StoreId(store_id(&app.pool, GIMBAP).await));
    let tracking = Topic::Order(order);

    // The kitchen and the tracking page, each rendered before the order and after it.
    for (email, topic) in [(OWNER, gimbap), (CUSTOMER, tracking)] {
        let cookie = session_cookie(&app, email).await;
        let mut socket = connect(&app, Some(&cookie)).await.expect("connects");
        for (since, answer) in [
            (before_the_order, ServerMessage::Following(topic)),
            (rendered_later, ServerMessage::FollowingUnchanged(topic)),
        ] {
            send(&mut socket, ClientMessage::FollowSince(topic, since)).await;
            assert_eq!(next(&mut socket).await, answer, "{email} since {since}");
        }
    }

    // Another customer's order is still refused, whatever time the page gives.
    let other = session_cookie(&app, OTHER_CUSTOMER).await;
    let mut stranger = connect(&app, Some(&other)).await.expect("connects");
    send(
        &mut stranger,
        ClientMessage::FollowSince(tracking, rendered_later),
    )
    .await;
    assert!(matches!(
        next(&mut stranger).await,
        ServerMessage::Refused { topic, .. } if topic == tracking
    ));
    app.shutdown().await;
}

#[tokio::test]
async fn following_what_is_not_yours_is_refused() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let order = gimbap_order(&app).await;

    let other_customer = session_cookie(&app, OTHER_CUSTOMER).await;
    let mut socket = connect(&app, Some(&other_customer))
        .await
        .expect("connects");
    send(&mut socket, ClientMessage::Follow(Topic::Order(order))).await;
    assert!(matches!(
        next(&mut socket).await,
        ServerMessage::Refused { topic: Topic::Order(o), .. } if o == order
    ));
    send(&mut socket, ClientMessage::Follow(Topic::Deliveries)).await;
    assert!(matches!(
        next(&mut socket).await,
        ServerMessage::Refused {
            topic: Topic::Deliveries,
            ..
        }
    ));

    // An owner may follow their own store's kitchen, not another owner's.
    let gimbap = store_id(&app.pool, GIMBAP).await;
    let other_owner = session_cookie(&app, OTHER_OWNER).await;
    let mut socket = connect(&app, Some(&other_owner)).await.expect("connects");
    send(
        &mut socket,
        ClientMessage::Follow(Topic::Store(StoreId(gimbap))),
    )
    .await;
    assert!(matches!(
        next(&mut socket).await,
        ServerMessage::Refused { .. }
    ));
    let owner = session_cookie(&app, OWNER).await;
    let mut socket = connect(&app, Some(&owner)).await.expect("connects");
    send(
        &mut socket,
        ClientMessage::Follow(Topic::Store(StoreId(gimbap))),
    )
    .await;
    assert_eq!(
        next(&mut socket).await,
        ServerMessage::Following(Topic::Store(StoreId(gimbap)))
    );
    app.shutdown().await;
}

#[tokio::test]
async fn when_the_listener_loses_postgresql_sockets_resync_and_changes_flow_again() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let (mut socket, _) = customer_following_own_orders(&app).await;

    // The live listener's connection ends, as it does when PostgreSQL restarts.
    let ended: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()
           AND query LIKE '%' || $1 || '%'",
    )
    .bind(app::platform::live::hub::CHANNEL)
    .fetch_all(&app.pool)
    .await
    .expect("terminate");
    assert_eq!(ended, [true], "one listener connection");
    // Whatever it missed, the socket is told to read afresh once it listens again ...
    assert_eq!(next(&mut socket).await, ServerMessage::Resync);
    // ... and later changes reach it as before.
    let order = gimbap_order(&app).await;
    loop {
        match next(&mut socket).await {
            ServerMessage::Changed(change) if change.order_id == order => {
                if change.status == Some(OrderStatus::Paid) {
                    break;
                }
            }
            ServerMessage::Resync => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
    app.shutdown().await;
}

#[tokio::test]
async fn riders_hear_only_of_deliveries_in_their_range() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    move_rider_to_gangnam(&app.pool, OTHER_RIDER).await;
    let mut sockets = Vec::new();
    for rider in [RIDER, OTHER_RIDER] {
        let cookie = session_cookie(&app, rider).await;
        let mut socket = connect(&app, Some(&cookie)).await.expect("connects");
        send(&mut socket, ClientMessage::Follow(Topic::Deliveries)).await;
        assert_eq!(
            next(&mut socket).await,
            ServerMessage::Following(Topic::Deliveries)
        );
        sockets.push(socket);
    }
    let [mut near, mut far] = <[Socket; 2]>::try_from(sockets).expect("two sockets");

    let customer = app.logged_in(CUSTOMER).await;
    let (order, _owner) = cooked_order(&app, &customer).await;
    loop {
        if let ServerMessage::Changed(change) = next(&mut near).await {
            if change.order_id == order {
                break;
            }
        }
    }
    // Both sockets were handed the same batch at the same moment; the far one dropped it.
    // A second of silence after the near one heard is far more than fan-out takes.
    let heard = tokio::time::timeout(std::time::Duration::from_secs(1), async {
        loop {
            if let ServerMessage::Changed(change) = next(&mut far).await {
                if change.order_id == order {
                    return change;
                }
            }
        }
    })
    .await;
    assert!(
        heard.is_err(),
        "the rider in Gangnam heard of it: {heard:?}"
    );
    app.shutdown().await;
}
