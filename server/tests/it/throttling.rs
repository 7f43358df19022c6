//! Login floods and runaway tabs are slowed down at the door, with a sentence and `Retry-After`,
//! under the limits a public deployment has.

use crate::common::*;
use app::platform::throttle::ThrottleLimits;
use app::platform::AppError;
use reqwest::StatusCode;

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

/// The seconds a 429 says to wait (`Retry-After`) and the refusal it carries.
async fn too_many(answer: reqwest::Response) -> (u64, AppError) {
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = answer
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .expect("a Retry-After in seconds");
    (wait, answer.json().await.expect("a refusal"))
}

#[tokio::test]
async fn an_account_tried_too_often_is_throttled_with_a_time_to_wait() {
    let pool = demo_database().await;
    let app = TestApp::with_production_limits(pool).await;
    // Minji's phone logged in yesterday.
    let phone = app.browser();
    assert_eq!(
        try_login(&phone, CUSTOMER, DEMO_PASSWORD).await.status(),
        StatusCode::OK
    );
    phone.call::<()>("logout", &[]).await.expect("logout");
    let attacker = app.browser();
    // With the phone's login, five attempts on the account this minute.
    for attempt in 1..=4 {
        let answer = try_login(&attacker, CUSTOMER, "guess").await;
        assert_eq!(
            answer.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let answer = try_login(&attacker, CUSTOMER, "guess").await;
    let (wait, error) = too_many(answer).await;
    assert!((1..=12).contains(&wait), "wait {wait}");
    assert_eq!(error, AppError::Throttled(wait));
    assert_eq!(
        error.to_string(),
        format!("Too many attempts. Wait {wait} seconds and try again.")
    );

    // While throttled, even the right password waits on a browser new to the account: the limit
    // is on trying, not on failing.
    let new_laptop = app.browser();
    let answer = try_login(&new_laptop, CUSTOMER, DEMO_PASSWORD).await;
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    // Other accounts are not held up by this one (until the address limit).
    let answer = try_login(&new_laptop, OWNER, DEMO_PASSWORD).await;
    assert_eq!(answer.status(), StatusCode::OK);

    // The stranger cannot keep Minji out: her phone has a limit of its own, a typo included.
    let answer = try_login(&phone, CUSTOMER, "a typo").await;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let answer = try_login(&phone, CUSTOMER, DEMO_PASSWORD).await;
    assert_eq!(answer.status(), StatusCode::OK);
    phone.call::<()>("logout", &[]).await.expect("logout");
    // ... and that limit is the phone's own: guessing on it is throttled like anyone's.
    for _ in 0..4 {
        try_login(&phone, CUSTOMER, "guess").await;
    }
    let (wait, error) = too_many(try_login(&phone, CUSTOMER, "guess").await).await;
    assert_eq!(error, AppError::Throttled(wait));
    app.shutdown().await;
}

#[tokio::test]
async fn one_address_guessing_many_accounts_is_throttled() {
    let pool = demo_database().await;
    let app = TestApp::with_production_limits(pool).await;
    let per_minute = u64::from(ThrottleLimits::default().logins_per_address_per_minute);
    let attacker = app.browser();
    let started = std::time::Instant::now();
    let mut refused_as_wrong: u64 = 0;
    // Guess on new accounts until the address is held back. The allowance refills as time goes
    // by (one try every 60 / per_minute seconds), which a slow machine's logins give it time for.
    loop {
        let email = format!("guess{refused_as_wrong}@baedal.test");
        let status = try_login(&attacker, &email, "guess").await.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        refused_as_wrong += 1;
        assert!(refused_as_wrong <= 10 * per_minute, "never throttled");
    }
    let refilled = started.elapsed().as_secs() * per_minute / 60;
    assert!(
        (per_minute..=per_minute + refilled).contains(&refused_as_wrong),
        "{refused_as_wrong} guesses answered before the throttle, {per_minute} a minute, \
         {refilled} refilled"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_flood_of_failed_logins_holds_back_new_browsers_and_lets_known_ones_in() {
    let pool = demo_database().await;
    let app = TestApp::with_limits(
        pool.clone(),
        ThrottleLimits {
            failed_logins_per_minute_before_alarm: 3,
            unknown_device_checks_per_minute_on_alarm: 1,
            ..ThrottleLimits::default()
        },
    )
    .await;
    // Minji's phone has logged in before; logging out does not make it a stranger.
    let phone = app.browser();
    let answer = try_login(&phone, CUSTOMER, DEMO_PASSWORD).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let cookie = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("baedal_device="))
        .expect("a known-device cookie")
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=15552000"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    // The database keeps a hash of the token, never the token.
    let token = cookie["baedal_device=".len()..]
        .split(';')
        .next()
        .expect("a token");
    let tokens_kept: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.known_devices WHERE token_hash = convert_to($1, 'UTF8')",
    )
    .bind(token)
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(tokens_kept, 0);
    phone.call::<()>("logout", &[]).await.expect("logout");

    // A flood spread over many accounts: four wrong passwords where the site allows three a
    // minute puts it on alarm; the one unknown browser a minute it still checks is the attacker's.
    let attacker = app.browser();
    for n in 0..5 {
        let answer = try_login(&attacker, &format!("guess{n}@baedal.test"), "guess").await;
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "guess {n}");
    }

    // A new laptop with the right password is told to wait, or to use a browser it knows.
    let laptop = app.browser();
    let answer = try_login(&laptop, CUSTOMER, DEMO_PASSWORD).await;
    let (wait, error) = too_many(answer).await;
    assert!((1..=60).contains(&wait), "wait {wait}");
    assert_eq!(error, AppError::LoginsUnderAttack(wait));
    assert!(
        error
            .to_string()
            .contains("log in from one you have used for Baedal before"),
        "{error}"
    );

    // The phone is known to Minji's account: checked at once, and in.
    let answer = try_login(&phone, CUSTOMER, DEMO_PASSWORD).await;
    assert_eq!(answer.status(), StatusCode::OK);
    // Known to that account only: for Junho's it is a new browser like any other.
    let answer = try_login(&phone, OTHER_CUSTOMER, DEMO_PASSWORD).await;
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    app.shutdown().await;
}

#[tokio::test]
async fn a_runaway_tab_is_slowed_down_and_other_sessions_are_not() {
    let pool = demo_database().await;
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
