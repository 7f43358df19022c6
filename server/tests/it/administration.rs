//! Account administration: the first operator comes from `server create-operator` with a link
//! that sets its password; an operator finds accounts by email or phone, suspends one (its
//! sessions end, its logins get a sentence) and reinstates it.

use crate::common::*;
use app::platform::administration::AccountRecord;
use app::platform::error::{AccountProblem, Missing};
use app::platform::{AppError, CurrentUser, Role};

async fn find(ops: &Browser, query: &str) -> Result<Vec<AccountRecord>, AppError> {
    ops.call("find_accounts", &[("query", query)]).await
}

async fn suspend(ops: &Browser, account: &AccountRecord, reason: &str) -> Result<(), AppError> {
    ops.call(
        "suspend_account",
        &[
            ("account_id", &account.account_id.0.to_string()),
            ("reason", reason),
        ],
    )
    .await
}

async fn log_in(app: &TestApp, email: &str, password: &str) -> Result<CurrentUser, AppError> {
    app.browser()
        .call("login", &[("email", email), ("password", password)])
        .await
}

#[tokio::test]
async fn an_operator_finds_an_account_and_suspends_it_until_reinstated() {
    let app = TestApp::with_demo(demo_database().await).await;
    let ops = app.logged_in(OPERATOR).await;
    let tablet = session_cookie(&app, CUSTOMER).await;
    let mut tablet_socket = socket::connect(&app.base, Some(&tablet))
        .await
        .expect("Minji's socket opens");

    let by_email = find(&ops, "MINJI@baedal").await.expect("found");
    assert_eq!(
        by_email
            .iter()
            .map(|a| a.email.as_str())
            .collect::<Vec<_>>(),
        [CUSTOMER]
    );
    let minji = &by_email[0];
    assert_eq!(minji.role, Role::Customer);
    assert_eq!(
        (minji.phone.as_deref(), minji.phone_proven),
        (Some("010-1234-5601"), true)
    );
    assert_eq!(minji.suspension, None);
    assert_eq!(find(&ops, "010 1234 5601").await.expect("found"), by_email);
    assert_eq!(find(&ops, "nobody-here").await, Ok(Vec::new()));
    let riders = find(&ops, "rider.").await.expect("found");
    assert!(riders.len() >= 4 && riders.iter().all(|a| a.role == Role::Rider));

    assert!(matches!(
        suspend(&ops, minji, "  ").await,
        Err(AppError::Text(_))
    ));
    suspend(&ops, minji, "chargebacks under review")
        .await
        .expect("suspended");
    assert_eq!(
        socket::close_code(&mut tablet_socket).await,
        Some(app::platform::live::SESSION_ENDED_CLOSE_CODE)
    );
    assert_eq!(
        socket::connect(&app.base, Some(&tablet)).await.err(),
        Some(401),
        "her session has ended"
    );
    assert_eq!(
        log_in(&app, CUSTOMER, DEMO_PASSWORD).await,
        Err(AppError::Account(AccountProblem::Suspended)),
        "the right password gets the sentence"
    );
    assert_eq!(
        log_in(&app, CUSTOMER, "not-her-password").await,
        Err(AppError::BadCredentials),
        "a stranger learns nothing"
    );
    let found = find(&ops, CUSTOMER).await.expect("found");
    let suspension = found[0].suspension.as_ref().expect("suspended");
    assert_eq!(
        (suspension.reason.as_str(), suspension.by.as_str()),
        ("chargebacks under review", OPERATOR)
    );

    let operator = find(&ops, OPERATOR).await.expect("found").remove(0);
    assert_eq!(
        suspend(&ops, &operator, "one operator against another").await,
        Err(AppError::Account(AccountProblem::OperatorSuspendRefused))
    );
    assert_eq!(
        ops.call::<()>(
            "reinstate_account",
            &[("account_id", &uuid::Uuid::new_v4().to_string())]
        )
        .await,
        Err(AppError::NotFound(Missing::Account))
    );

    ops.call::<()>(
        "reinstate_account",
        &[("account_id", &minji.account_id.0.to_string())],
    )
    .await
    .expect("reinstated");
    log_in(&app, CUSTOMER, DEMO_PASSWORD)
        .await
        .expect("she logs in again");
    assert_eq!(
        find(&ops, CUSTOMER).await.expect("found")[0].suspension,
        None
    );
    app.shutdown().await;
}

/// Runs `server create-operator` on the test's database.
async fn create_operator(pool: &sqlx::PgPool, args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("create-operator")
        .args(args)
        .env("DATABASE_URL", url_of(pool))
        .env("BAEDAL_PUBLIC_URL", "https://baedal.example")
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("the server binary runs")
}

#[tokio::test]
async fn the_first_operator_comes_from_the_command_line_and_sets_a_password_by_its_link() {
    let app = TestApp::with_demo(demo_database().await).await;
    let created = create_operator(&app.pool, &["--email", "first.ops@baedal.test"]).await;
    let printed = String::from_utf8_lossy(&created.stdout);
    assert!(
        created.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let link = printed
        .split_whitespace()
        .find(|word| word.starts_with("https://baedal.example/reset?token="))
        .unwrap_or_else(|| panic!("no link in {printed:?}"));
    let token = link.rsplit('=').next().expect("a token");

    // No password works before the link is used.
    assert_eq!(
        log_in(&app, "first.ops@baedal.test", "").await,
        Err(AppError::Invalid(
            app::platform::error::Problem::LoginFieldsMissing
        ))
    );
    assert_eq!(
        log_in(&app, "first.ops@baedal.test", "!").await,
        Err(AppError::BadCredentials)
    );
    let browser = app.browser();
    let me: CurrentUser = browser
        .call(
            "set_new_password",
            &[
                ("token", token),
                ("password", "lanterns over cheonggyecheon"),
            ],
        )
        .await
        .expect("the first password is set");
    assert_eq!(
        (me.email.as_str(), me.role),
        ("first.ops@baedal.test", Role::Operator)
    );
    let counts: serde_json::Value = browser.call("ops_counts", &[]).await.expect("the console");
    assert!(counts.get("accounts").is_some());

    let again = create_operator(&app.pool, &["--email=first.ops@baedal.test"]).await;
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already has a Baedal account"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let without_email = create_operator(&app.pool, &[]).await;
    assert!(!without_email.status.success());
    assert!(String::from_utf8_lossy(&without_email.stderr).contains("usage"));
    app.shutdown().await;
}
