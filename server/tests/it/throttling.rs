//! Login floods and runaway tabs are slowed down at the door, with a sentence and `Retry-After`,
//! under the limits a public deployment has.

use crate::common::*;
use app::platform::AppError;
use reqwest::StatusCode;
use sqlx::PgPool;

async fn try_login(browser: &Browser, email: &str, password: &str) -> reqwest::Response {
    browser
        .http
        .post(format!("{}/api/login", browser.base))
        .header("Accept", "application/json")
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("the server answers")
}

#[sqlx::test(migrator = "server::database::MIGRATOR")]
async fn an_account_tried_too_often_is_throttled_with_a_time_to_wait(pool: PgPool) {
    let app = TestApp::with_production_limits(pool).await;
    let attacker = app.browser();
    for attempt in 1..=5 {
        let answer = try_login(&attacker, CUSTOMER, "guess").await;
        assert_eq!(
            answer.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let answer = try_login(&attacker, CUSTOMER, "guess").await;
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = answer
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .expect("a Retry-After in seconds");
    assert!((1..=12).contains(&wait), "wait {wait}");
    let error: AppError = answer.json().await.expect("a refusal");
    assert_eq!(error, AppError::Throttled(wait));
    assert_eq!(
        error.to_string(),
        format!("Too many attempts. Wait {wait} seconds and try again.")
    );

    // While throttled, even the right password waits: the limit is on trying, not on failing.
    let owner_of_account = app.browser();
    let answer = try_login(&owner_of_account, CUSTOMER, DEMO_PASSWORD).await;
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    // Other accounts are not held up by this one (until the address limit).
    let answer = try_login(&owner_of_account, OWNER, DEMO_PASSWORD).await;
    assert_eq!(answer.status(), StatusCode::OK);
    app.shutdown().await;
}

#[sqlx::test(migrator = "server::database::MIGRATOR")]
async fn one_address_guessing_many_accounts_is_throttled(pool: PgPool) {
    let app = TestApp::with_production_limits(pool).await;
    let attacker = app.browser();
    let mut statuses = Vec::new();
    for n in 0..25 {
        let email = format!("guess{n}@baedal.test");
        statuses.push(try_login(&attacker, &email, "guess").await.status());
    }
    assert!(
        statuses[..20]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    assert!(
        statuses[20..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    app.shutdown().await;
}

#[sqlx::test(migrator = "server::database::MIGRATOR")]
async fn a_runaway_tab_is_slowed_down_and_other_sessions_are_not(pool: PgPool) {
    let app = TestApp::with_production_limits(pool).await;
    let runaway = app.logged_in(CUSTOMER).await;
    // Three hundred calls at once, as a tab stuck in a loop would fire them.
    let calls = (0..300).map(|_| {
        runaway
            .http
            .post(format!("{}/api/my_orders", runaway.base))
            .header("Accept", "application/json")
            .send()
    });
    let mut throttled = 0;
    for answer in futures::future::join_all(calls).await {
        let answer = answer.expect("the server answers");
        if answer.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(answer.headers().contains_key("retry-after"));
            throttled += 1;
        } else {
            assert_eq!(answer.status(), StatusCode::OK);
        }
    }
    // The session's burst is a hundred calls; most of the rest wait.
    assert!(
        throttled >= 100,
        "only {throttled} of 300 calls at once were slowed down"
    );
    let neighbour = app.logged_in(OTHER_CUSTOMER).await;
    let orders: Result<Vec<serde_json::Value>, AppError> = neighbour.call("my_orders", &[]).await;
    assert!(orders.is_ok(), "{orders:?}");
    app.shutdown().await;
}
