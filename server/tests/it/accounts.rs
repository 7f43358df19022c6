//! Logging in and out, sessions, and who may see what — through the real HTTP server.

use crate::common::*;
use app::platform::error::{Limit, Problem};
use app::platform::{AppError, CurrentUser, Role};
use sqlx::PgPool;

// An empty database of its own (not the demo template): the first load is what it checks.
#[sqlx::test(migrator = "server::database::MIGRATOR")]
async fn demo_data_loads_once_with_every_role(pool: PgPool) {
    assert!(server::demo::load_if_empty(&pool)
        .await
        .expect("first load"));
    assert!(!server::demo::load_if_empty(&pool)
        .await
        .expect("second load"));

    let roles: Vec<(String, i64)> =
        sqlx::query_as("SELECT role, count(*) FROM platform.accounts GROUP BY role ORDER BY role")
            .fetch_all(&pool)
            .await
            .expect("count");
    assert_eq!(
        roles,
        vec![
            ("customer".to_owned(), 3),
            ("operator".to_owned(), 1),
            ("owner".to_owned(), 3),
            ("rider".to_owned(), 5)
        ]
    );
    let stores: i64 = sqlx::query_scalar("SELECT count(*) FROM store.stores")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(stores, 9);
    let hashes: Vec<String> = sqlx::query_scalar("SELECT password_hash FROM platform.accounts")
        .fetch_all(&pool)
        .await
        .expect("hashes");
    assert!(hashes.iter().all(|h| h.starts_with("$argon2id$")));
    let distinct: std::collections::HashSet<_> = hashes.iter().collect();
    assert_eq!(distinct.len(), hashes.len(), "every hash has its own salt");
}

#[sqlx::test(migrator = "server::database::MIGRATOR")]
async fn demo_logins_are_listed_only_for_a_database_of_demo_accounts(pool: PgPool) {
    let first = server::demo::prepare(&pool).await.expect("first run");
    assert_eq!(
        first.as_deref(),
        Some("baedal-demo"),
        "the run that loads the demo lists it"
    );
    let again = server::demo::prepare(&pool).await.expect("second run");
    assert_eq!(
        again.as_deref(),
        Some("baedal-demo"),
        "a later demo run on its data too"
    );

    // Someone who signs up on the demo comes after its accounts: still a demo.
    sqlx::query(
        "INSERT INTO platform.accounts (account_id, email, display_name, role, password_hash)
         VALUES (gen_random_uuid(), 'signed.up@example.com', 'Signed Up', 'customer', 'x')",
    )
    .execute(&pool)
    .await
    .expect("a signed-up account");
    let after_sign_up = server::demo::prepare(&pool).await.expect("a later run");
    assert_eq!(after_sign_up.as_deref(), Some("baedal-demo"));

    // A database that had a real account before the demo's never lists logins.
    sqlx::query("UPDATE platform.accounts SET created_at = '2020-01-01' WHERE email = 'signed.up@example.com'")
        .execute(&pool)
        .await
        .expect("an account from before the demo");
    let mistaken = server::demo::prepare(&pool)
        .await
        .expect("demo switched on by mistake");
    assert_eq!(
        mistaken, None,
        "a database with real accounts never lists logins"
    );
}

// A real database, started with the demo switched on by mistake: it is not empty, so nothing
// is loaded, and nobody is listed.
#[sqlx::test(migrator = "server::database::MIGRATOR")]
async fn a_database_of_real_accounts_lists_no_demo_logins(pool: PgPool) {
    sqlx::query(
        "INSERT INTO platform.accounts (account_id, email, display_name, role, password_hash)
         VALUES (gen_random_uuid(), 'real.person@example.com', 'Real Person', 'customer', 'x')",
    )
    .execute(&pool)
    .await
    .expect("a real account");
    let mistaken = server::demo::prepare(&pool)
        .await
        .expect("demo switched on by mistake");
    assert_eq!(mistaken, None);
    let loaded: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.accounts")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(loaded, 1, "no demo account was added");
}

#[tokio::test]
async fn login_starts_a_session_that_names_the_user() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let browser = app.browser();
    let anonymous: Option<CurrentUser> = browser.call("session_user", &[]).await.expect("call");
    assert_eq!(anonymous, None);

    let user: CurrentUser = browser
        .call(
            "login",
            &[("email", "MINJI@baedal.test"), ("password", DEMO_PASSWORD)],
        )
        .await
        .expect("login");
    assert_eq!(user.role, Role::Customer);
    assert_eq!(user.display_name, "김민지");

    let me: Option<CurrentUser> = browser.call("session_user", &[]).await.expect("call");
    assert_eq!(me, Some(user));
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.sessions")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(stored, 1, "the session lives in PostgreSQL");
}

#[tokio::test]
async fn wrong_password_is_refused_and_starts_no_session() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let browser = app.browser();
    let refused = browser
        .call::<CurrentUser>("login", &[("email", CUSTOMER), ("password", "guess")])
        .await;
    assert_eq!(refused, Err(AppError::BadCredentials));
    let unknown = browser
        .call::<CurrentUser>(
            "login",
            &[("email", "nobody@baedal.test"), ("password", "guess")],
        )
        .await;
    assert_eq!(
        unknown,
        Err(AppError::BadCredentials),
        "same answer for an unknown email"
    );
    let empty = browser
        .call::<CurrentUser>("login", &[("email", " "), ("password", "")])
        .await;
    assert_eq!(empty, Err(AppError::Invalid(Problem::LoginFieldsMissing)));

    let me: Option<CurrentUser> = browser.call("session_user", &[]).await.expect("call");
    assert_eq!(me, None);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.sessions")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let browser = app.logged_in(CUSTOMER).await;
    browser.call::<()>("logout", &[]).await.expect("logout");
    let me: Option<CurrentUser> = browser.call("session_user", &[]).await.expect("call");
    assert_eq!(me, None);
}

#[tokio::test]
async fn each_role_reaches_only_its_own_functions() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;

    let anonymous = app.browser();
    assert_eq!(
        anonymous.call::<serde_json::Value>("my_stores", &[]).await,
        Err(AppError::NotLoggedIn)
    );

    let customer = app.logged_in(CUSTOMER).await;
    assert_eq!(
        customer.call::<serde_json::Value>("my_stores", &[]).await,
        Err(AppError::WrongRole(Role::Owner))
    );
    assert_eq!(
        customer.call::<serde_json::Value>("my_duty", &[]).await,
        Err(AppError::WrongRole(Role::Rider))
    );
    assert_eq!(
        customer.call::<serde_json::Value>("ops_counts", &[]).await,
        Err(AppError::WrongRole(Role::Operator))
    );

    let rider = app.logged_in(RIDER).await;
    assert_eq!(
        rider.call::<serde_json::Value>("ops_counts", &[]).await,
        Err(AppError::WrongRole(Role::Operator))
    );
}

#[tokio::test]
async fn the_login_page_lists_demo_accounts_rendered_on_the_server() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let browser = app.browser();
    let html = browser.page("/login").await;
    assert!(html.contains(r#"<html lang="ko""#), "{html}");
    assert!(html.contains("체험용 계정"), "{html}");
    assert!(html.contains(OPERATOR));
    assert!(html.contains(DEMO_PASSWORD));

    // The server renders the language the browser asks for, before any script runs.
    let html = browser.page_in("/login", "en-US,en;q=0.9").await;
    assert!(html.contains(r#"<html lang="en""#), "{html}");
    assert!(html.contains("Demo accounts"), "{html}");
}

/// A page rendered for one visitor must never lend its caller to another request. Pages read
/// their caller before rendering (`first_frame::PageCaller`); a server function running on the
/// same thread meanwhile must still find its own caller, not that page's.
#[tokio::test]
async fn a_page_rendered_for_someone_else_never_answers_for_a_server_function() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let rider = app.logged_in(RIDER).await;
    let customer = app.logged_in(CUSTOMER).await;
    let visitor = app.browser();
    let mut pages = Vec::new();
    for _ in 0..60 {
        let (visitor, customer) = (visitor.clone(), customer.clone());
        pages.push(tokio::spawn(async move {
            visitor.page("/").await;
            customer.page("/orders").await;
        }));
    }
    let mut answers = Vec::new();
    for _ in 0..60 {
        let rider = rider.clone();
        answers.push(tokio::spawn(async move {
            rider.call::<app::delivery::RiderDuty>("my_duty", &[]).await
        }));
    }
    for page in pages {
        page.await.expect("a page renders");
    }
    let mut wrong = Vec::new();
    for answer in answers {
        if let Err(error) = answer.await.expect("a call returns") {
            wrong.push(error);
        }
    }
    assert_eq!(wrong, Vec::<AppError>::new(), "the rider's own calls");
    app.shutdown().await;
}

#[tokio::test]
async fn a_customer_keeps_at_most_twenty_addresses() {
    let pool = demo_database().await;
    use app::platform::api::MAX_SAVED_ADDRESSES;
    use app::platform::SavedAddress;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let saved: Vec<SavedAddress> = customer.call("my_addresses", &[]).await.expect("addresses");
    for n in saved.len()..MAX_SAVED_ADDRESSES {
        customer
            .call::<SavedAddress>(
                "add_address",
                &[
                    ("label", &format!("곳 {n}")),
                    ("address", "서울 성동구 성수이로 78"),
                    ("building", ""),
                    ("unit", ""),
                    ("rider_note", ""),
                ],
            )
            .await
            .expect("an address within the cap");
    }
    let one_more = customer
        .call::<SavedAddress>(
            "add_address",
            &[
                ("label", "하나 더"),
                ("address", "서울 성동구 성수이로 78"),
                ("building", ""),
                ("unit", ""),
                ("rider_note", ""),
            ],
        )
        .await;
    assert_eq!(
        one_more,
        Err(AppError::LimitReached(Limit::Addresses {
            most: MAX_SAVED_ADDRESSES as i64
        }))
    );
    let kept: Vec<SavedAddress> = customer.call("my_addresses", &[]).await.expect("addresses");
    assert_eq!(kept.len(), MAX_SAVED_ADDRESSES);
    app.shutdown().await;
}
