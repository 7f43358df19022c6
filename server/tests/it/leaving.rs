//! Leaving Baedal for good (회원탈퇴): refused while an order is under way and for partners;
//! otherwise the account keeps nothing personal, every session ends, and the orders stay as
//! transaction records that know only the neighbourhood they went to.

use crate::common::*;
use crate::phones::{app_with_stand_in, kakao_tells_of, MINJI_PHONE};
use app::ordering::{OrderId, OrderStatus};
use app::platform::error::AccountProblem;
use app::platform::privacy::neighbourhood;
use app::platform::{AppError, CurrentUser};

async fn leave(browser: &Browser, password: &str) -> Result<(), AppError> {
    browser
        .call("leave_baedal", &[("current_password", password)])
        .await
}

async fn who(browser: &Browser) -> Option<String> {
    let user: Option<CurrentUser> = browser.call("session_user", &[]).await.expect("who");
    user.map(|u| u.email)
}

/// The demo gimbap order of `customer`, cooked, picked up and delivered.
async fn delivered_order(app: &TestApp, customer: &Browser) -> OrderId {
    let (order, _owner) = cooked_order(app, customer).await;
    let rider = app.logged_in(RIDER).await;
    let id = order.0.to_string();
    eventually("the delivery opens", || async {
        rider
            .call::<()>("claim_delivery", &[("order_id", &id)])
            .await
            .ok()
    })
    .await;
    for step in ["pick_up", "deliver"] {
        rider
            .call::<OrderStatus>(step, &[("order_id", &id)])
            .await
            .expect(step);
    }
    tracked(customer, order, OrderStatus::Delivered).await;
    order
}

async fn count_of(app: &TestApp, sql: &'static str, account: uuid::Uuid) -> i64 {
    sqlx::query_scalar(sql)
        .bind(account)
        .fetch_one(&app.pool)
        .await
        .expect(sql)
}

/// The account's email and how many addresses it keeps.
async fn email_and_addresses(app: &TestApp, email: &str) -> (String, i64) {
    sqlx::query_as(
        "SELECT a.email, (SELECT count(*) FROM platform.customer_addresses c
                          WHERE c.account_id = a.account_id)
         FROM platform.accounts a WHERE a.email = $1",
    )
    .bind(email)
    .fetch_one(&app.pool)
    .await
    .expect("the account is there")
}

#[tokio::test]
async fn nobody_leaves_while_an_order_is_under_way_and_partners_leave_through_support() {
    let app = TestApp::with_demo(demo_database().await).await;
    let minji = app.logged_in(CUSTOMER).await;
    let order = place(&app, &minji).await;
    tracked(&minji, order, OrderStatus::Paid).await;
    let before = email_and_addresses(&app, CUSTOMER).await;

    assert_eq!(
        leave(&minji, "not-my-password").await,
        Err(AppError::Account(AccountProblem::CurrentPasswordWrong))
    );
    assert_eq!(
        leave(&minji, DEMO_PASSWORD).await,
        Err(AppError::Account(AccountProblem::OrderUnderWay))
    );
    assert_eq!(who(&minji).await.as_deref(), Some(CUSTOMER), "still here");
    let after = email_and_addresses(&app, CUSTOMER).await;
    assert_eq!(after, before, "a refusal changes nothing");

    for partner in [OWNER, RIDER, OPERATOR] {
        let browser = app.logged_in(partner).await;
        assert_eq!(
            leave(&browser, DEMO_PASSWORD).await,
            Err(AppError::Account(AccountProblem::LeaveThroughSupport)),
            "{partner}"
        );
        assert_eq!(who(&browser).await.as_deref(), Some(partner));
    }
    assert_eq!(
        leave(&app.browser(), DEMO_PASSWORD).await,
        Err(AppError::NotLoggedIn)
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_customer_who_leaves_keeps_nothing_personal_and_her_orders_stay_as_records() {
    let (app, inbox) = app_with_stand_in().await;
    let minji = app.logged_in(CUSTOMER).await;
    let account = account_of(&app.pool, CUSTOMER).await.0;
    let tablet = session_cookie(&app, CUSTOMER).await;
    let mut tablet_socket = socket::connect(&app.base, Some(&tablet))
        .await
        .expect("the tablet's socket opens");
    let home: String =
        sqlx::query_scalar("SELECT line FROM platform.customer_addresses WHERE address_id = $1")
            .bind(home_of(&app.pool, CUSTOMER).await)
            .fetch_one(&app.pool)
            .await
            .expect("her home");
    let order = delivered_order(&app, &minji).await;
    kakao_tells_of(&inbox, MINJI_PHONE, order).await;

    leave(&minji, DEMO_PASSWORD).await.expect("she leaves");

    assert_eq!(who(&minji).await, None);
    assert_eq!(
        socket::close_code(&mut tablet_socket).await,
        Some(app::platform::live::SESSION_ENDED_CLOSE_CODE)
    );
    assert_eq!(
        socket::connect(&app.base, Some(&tablet)).await.err(),
        Some(401)
    );
    let old: Result<CurrentUser, AppError> = app
        .browser()
        .call("login", &[("email", CUSTOMER), ("password", DEMO_PASSWORD)])
        .await;
    assert_eq!(old, Err(AppError::BadCredentials));

    let (email, name, phone, withdrawn): (String, String, Option<String>, bool) = sqlx::query_as(
        "SELECT email, display_name, phone, withdrawn_at IS NOT NULL
             FROM platform.accounts WHERE account_id = $1",
    )
    .bind(account)
    .fetch_one(&app.pool)
    .await
    .expect("the row stays for the orders");
    assert!(!email.contains("minji"), "{email}");
    assert!(!name.contains("민지"), "{name}");
    assert_eq!((phone, withdrawn), (None, true));
    for (what, sql) in [
        (
            "addresses",
            "SELECT count(*) FROM platform.customer_addresses WHERE account_id = $1",
        ),
        (
            "consents",
            "SELECT count(*) FROM platform.consents WHERE account_id = $1",
        ),
        (
            "known browsers",
            "SELECT count(*) FROM platform.known_devices WHERE account_id = $1",
        ),
        (
            "sessions",
            "SELECT count(*) FROM platform.sessions WHERE data->>'account_id' = $1::text",
        ),
        (
            "inbox",
            "SELECT count(*) FROM notification.inbox WHERE recipient_id = $1",
        ),
        (
            "KakaoTalk messages",
            "SELECT count(*) FROM notification.kakao_messages WHERE recipient_id = $1",
        ),
    ] {
        assert_eq!(count_of(&app, sql, account).await, 0, "{what} are erased");
    }

    // The order stays, with what was bought and paid, and only the neighbourhood of the door.
    let area = neighbourhood(&home);
    assert!(!area.is_empty() && area.len() < home.len(), "{home}");
    let (address, lat, lng, total, status): (String, f64, f64, i64, String) = sqlx::query_as(
        "SELECT delivery_address, delivery_lat, delivery_lng, total_krw, status
         FROM ordering.orders WHERE order_id = $1",
    )
    .bind(order.0)
    .fetch_one(&app.pool)
    .await
    .expect("the order stays");
    assert_eq!(address, area);
    assert_eq!(
        ((lat * 100.0).round() / 100.0, (lng * 100.0).round() / 100.0),
        (lat, lng)
    );
    assert!(total > 0);
    assert_eq!(status, "DELIVERED");
    let (snapshot_address, snapshot_note): (String, String) = sqlx::query_as(
        "SELECT payload->'OrderPlaced'->>'delivery_address',
                payload->'OrderPlaced'->>'rider_note'
         FROM events.log WHERE order_id = $1 AND event_type = 'OrderPlaced'",
    )
    .bind(order.0)
    .fetch_one(&app.pool)
    .await
    .expect("the order's snapshot");
    assert_eq!(
        (snapshot_address.as_str(), snapshot_note.as_str()),
        (area.as_str(), "")
    );
    let view_address: String = sqlx::query_scalar(
        "SELECT view->>'delivery_address' FROM tracking.order_views WHERE order_id = $1",
    )
    .bind(order.0)
    .fetch_one(&app.pool)
    .await
    .expect("the order's view");
    assert_eq!(view_address, area);

    // The email is free for a new account.
    let again: CurrentUser = app
        .browser()
        .call(
            "sign_up",
            &[
                ("email", CUSTOMER),
                ("display_name", "민지"),
                ("password", "a fresh start in seongsu"),
                ("over_14", "yes"),
                ("terms", "yes"),
                ("privacy", "yes"),
            ],
        )
        .await
        .expect("signed up again");
    assert_ne!(again.account_id.0, account);
    app.shutdown().await;
}
