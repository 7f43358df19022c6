//! The site on the open internet: requests from other sites refused, the headers every response
//! carries, and sessions that end.

use crate::common::*;
use app::platform::AppError;
use reqwest::StatusCode;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

async fn add_address(
    browser: &Browser,
    origin: Option<&str>,
    fetch_site: Option<&str>,
) -> reqwest::Response {
    let mut request = browser
        .http
        .post(format!("{}/api/add_address", browser.base))
        .header("Accept", "application/json")
        .form(&[
            ("label", "회사"),
            ("address", "서울 성동구 성수이로 78"),
            ("building", ""),
            ("unit", "3층"),
            ("rider_note", ""),
        ]);
    if let Some(origin) = origin {
        request = request.header("Origin", origin);
    }
    if let Some(site) = fetch_site {
        request = request.header("Sec-Fetch-Site", site);
    }
    request.send().await.expect("the server answers")
}

async fn addresses(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM platform.customer_addresses")
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_command_from_another_site_is_refused_and_the_sites_own_works() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let before = addresses(&app).await;

    for (origin, site) in [
        (Some("https://evil.example"), None),
        (Some("https://shop.baedal.test"), None),
        (Some("null"), None),
        (None, Some("cross-site")),
        (None, Some("same-site")),
    ] {
        let answer = add_address(&customer, origin, site).await;
        assert_eq!(
            answer.status(),
            StatusCode::FORBIDDEN,
            "{origin:?} {site:?}"
        );
        let error: AppError = answer.json().await.expect("a refusal");
        assert_eq!(error, AppError::OtherSite);
    }
    assert_eq!(addresses(&app).await, before, "nothing was written");

    let own = app.base.clone();
    let answer = add_address(&customer, Some(&own), Some("same-origin")).await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(addresses(&app).await, before + 1);
    app.shutdown().await;
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open_socket(app: &TestApp, cookie: &str, origin: &str) -> Result<Socket, u16> {
    let mut request = format!("{}/ws", app.base.replace("http://", "ws://"))
        .into_client_request()
        .expect("websocket request");
    request
        .headers_mut()
        .insert("Cookie", cookie.parse().expect("header value"));
    request
        .headers_mut()
        .insert("Origin", origin.parse().expect("header value"));
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(error) => panic!("unexpected websocket failure: {error}"),
    }
}

#[tokio::test]
async fn a_live_socket_from_another_site_is_refused() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let cookie = session_cookie(&app, CUSTOMER).await;
    assert_eq!(
        open_socket(&app, &cookie, "https://evil.example")
            .await
            .err(),
        Some(403)
    );
    assert!(open_socket(&app, &cookie, &app.base).await.is_ok());
    app.shutdown().await;
}

#[tokio::test]
async fn logging_out_closes_the_sessions_live_sockets() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let cookie = session_cookie(&app, OWNER).await;
    let mut socket = open_socket(&app, &cookie, &app.base)
        .await
        .expect("connects");
    let logout = reqwest::Client::new()
        .post(format!("{}/api/logout", app.base))
        .header("Accept", "application/json")
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("logout");
    assert!(logout.status().is_success() || logout.status().is_redirection());
    let closed = socket::close_code(&mut socket).await;
    assert_eq!(closed, Some(app::platform::live::SESSION_ENDED_CLOSE_CODE));
    assert_eq!(open_socket(&app, &cookie, &app.base).await.err(), Some(401));
    app.shutdown().await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let http = reqwest::Client::new();
    for path in ["/", "/login", "/manifest.webmanifest", "/no-such-page"] {
        let response = http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("answers");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("{path} lacks {name}"))
                .to_owned()
        };
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("referrer-policy"), "strict-origin-when-cross-origin");
        assert!(header("permissions-policy").contains("geolocation=(self)"));
        let policy = header("content-security-policy");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert!(response
            .headers()
            .get("strict-transport-security")
            .is_none());
    }
    let api = app.browser();
    let answer = api
        .http
        .post(format!("{}/api/session_user", app.base))
        .send()
        .await
        .expect("answers");
    assert_eq!(answer.headers()["x-content-type-options"], "nosniff");
    app.shutdown().await;
}

#[tokio::test]
async fn a_pages_policy_lets_exactly_its_own_inline_scripts_run() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    // Once (stop 50, the whole suite under way) a page here never finished: a bounded wait
    // fails the test with the page's name instead of holding the suite until CI gives up.
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("a client");
    // A page streamed out of order, and one rendered whole (`SsrMode::Async`).
    for path in ["/login", "/"] {
        let page = format!("{}{path}", app.base);
        let response = http
            .get(&page)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path} did not answer: {e}"));
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .expect("ascii")
            .to_owned();
        let html = response
            .text()
            .await
            .unwrap_or_else(|e| panic!("{path} did not finish: {e}"));
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("the page's policy names a nonce");
        let inline_scripts: Vec<&str> = html
            .split("<script")
            .skip(1)
            .filter(|tag| !tag.split('>').next().unwrap_or("").contains("src="))
            // An empty script never runs, so the browser never checks it against the policy
            // (Leptos ends its stream with one).
            .filter(|tag| {
                !tag.split_once('>')
                    .is_some_and(|(_, body)| body.starts_with("</script>"))
            })
            .collect();
        assert!(
            !inline_scripts.is_empty(),
            "{path} hydrates with inline scripts"
        );
        for tag in inline_scripts {
            let opening = tag.split('>').next().unwrap_or("");
            assert!(
                opening.contains(&format!("nonce=\"{nonce}\"")),
                "an inline script of {path} without this render's nonce: <script{opening}>"
            );
        }
        // Another render has another nonce.
        let again = http
            .get(&page)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path} did not answer again: {e}"));
        assert!(!again.headers()["content-security-policy"]
            .to_str()
            .expect("ascii")
            .contains(nonce));
    }
    app.shutdown().await;
}

/// Moves a session's clock: its login and last use, `ago` seconds back.
async fn age_session(app: &TestApp, logged_in_ago: i64, last_seen_ago: i64) {
    let now = chrono::Utc::now().timestamp();
    sqlx::query(
        "UPDATE platform.sessions
         SET data = data || jsonb_build_object('logged_in_at', $1::bigint, 'last_seen', $2::bigint)
         WHERE data ? 'account_id'",
    )
    .bind(now - logged_in_ago)
    .bind(now - last_seen_ago)
    .execute(&app.pool)
    .await
    .expect("aged");
}

async fn who(browser: &Browser) -> Option<serde_json::Value> {
    browser
        .call::<Option<serde_json::Value>>("session_user", &[])
        .await
        .expect("answers")
}

const HOUR: i64 = 3600;

#[tokio::test]
async fn a_session_ends_after_two_idle_hours() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    age_session(&app, 3 * HOUR, 2 * HOUR - 60).await;
    assert!(who(&customer).await.is_some(), "used within two hours");
    age_session(&app, 3 * HOUR, 2 * HOUR + 60).await;
    assert!(who(&customer).await.is_none(), "idle for over two hours");
    assert_eq!(
        customer.call::<serde_json::Value>("my_orders", &[]).await,
        Err(AppError::NotLoggedIn)
    );
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.sessions")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(left, 0, "the ended session is deleted");
    app.shutdown().await;
}

#[tokio::test]
async fn a_session_in_use_still_ends_seven_days_after_login() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    age_session(&app, 7 * 24 * HOUR - 60, 60).await;
    assert!(who(&customer).await.is_some());
    age_session(&app, 7 * 24 * HOUR + 60, 60).await;
    assert!(who(&customer).await.is_none());
    app.shutdown().await;
}

#[tokio::test]
async fn an_operator_session_ends_sooner() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let operator = app.logged_in(OPERATOR).await;
    age_session(&app, 40 * 60, 40 * 60).await;
    assert!(
        who(&operator).await.is_none(),
        "an operator idle for 40 minutes"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn using_a_session_moves_its_last_use_on() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    age_session(&app, HOUR, HOUR).await;
    assert!(who(&customer).await.is_some());
    let last_seen: i64 =
        sqlx::query_scalar("SELECT (data->>'last_seen')::bigint FROM platform.sessions")
            .fetch_one(&app.pool)
            .await
            .expect("last seen");
    assert!(
        chrono::Utc::now().timestamp() - last_seen < 60,
        "the session's last use is now"
    );
    app.shutdown().await;
}
