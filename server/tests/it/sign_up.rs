//! Becoming a customer: the sign-up form through the real HTTP server, what it keeps, what it
//! refuses, and how fast one may try.

use crate::common::*;
use app::platform::error::AccountProblem;
use app::platform::text::{Field, TextProblem};
use app::platform::{AppError, CurrentUser, Role};
use reqwest::StatusCode;

const NEW_EMAIL: &str = "hana.kim@example.com";
const NEW_PASSWORD: &str = "seongsu river walk";

/// A form's fields, as a browser sends them.
type Fields<'a> = Vec<(&'a str, &'a str)>;

/// A complete sign-up form, the optional consent left unticked (its field absent, as a browser
/// sends an unticked box).
fn form<'a>(email: &'a str, password: &'a str) -> Fields<'a> {
    vec![
        ("email", email),
        ("display_name", "김하나"),
        ("password", password),
        ("over_14", "yes"),
        ("terms", "yes"),
        ("privacy", "yes"),
    ]
}

async fn accounts(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM platform.accounts")
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_new_customer_signs_up_and_is_logged_in_with_the_consents_given() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let browser = app.browser();
    let mut fields = form(" Hana.Kim@example.com ", NEW_PASSWORD);
    fields.push(("marketing", "yes"));
    let user: CurrentUser = browser.call("sign_up", &fields).await.expect("sign up");
    assert_eq!(user.role, Role::Customer);
    assert_eq!(user.display_name, "김하나");
    assert_eq!(user.email, "Hana.Kim@example.com", "kept as typed, trimmed");

    let me: Option<CurrentUser> = browser.call("session_user", &[]).await.expect("call");
    assert_eq!(me, Some(user.clone()), "logged in at once");

    let (role, hash): (String, String) =
        sqlx::query_as("SELECT role, password_hash FROM platform.accounts WHERE account_id = $1")
            .bind(user.account_id.0)
            .fetch_one(&app.pool)
            .await
            .expect("the account");
    assert_eq!(role, "customer");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(NEW_PASSWORD));
    let consents: Vec<(String, String)> = sqlx::query_as(
        "SELECT consent, wording FROM platform.consents WHERE account_id = $1 ORDER BY consent",
    )
    .bind(user.account_id.0)
    .fetch_all(&app.pool)
    .await
    .expect("consents");
    let given: Vec<&str> = consents.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(given, ["age_14", "marketing", "privacy", "terms"]);
    assert!(consents.iter().all(|(_, wording)| wording == "2026-12"));

    // The demo's login page lists its own accounts, never a person who signed up.
    let listed: Option<serde_json::Value> =
        app.browser().call("demo_logins", &[]).await.expect("call");
    let listed = listed.expect("a demo database").to_string();
    assert!(listed.contains(CUSTOMER), "{listed}");
    assert!(!listed.to_lowercase().contains("hana.kim"), "{listed}");

    // The account is a real one: out and back in, in any case.
    browser.call::<()>("logout", &[]).await.expect("logout");
    let again: CurrentUser = browser
        .call(
            "login",
            &[
                ("email", "hana.kim@EXAMPLE.com"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await
        .expect("login with the new password");
    assert_eq!(again, user);
}

#[tokio::test]
async fn the_optional_consent_refused_never_blocks_sign_up() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let user: CurrentUser = app
        .browser()
        .call("sign_up", &form(NEW_EMAIL, NEW_PASSWORD))
        .await
        .expect("sign up without marketing");
    let marketing: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.consents WHERE account_id = $1 AND consent = 'marketing'",
    )
    .bind(user.account_id.0)
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(marketing, 0);
}

#[tokio::test]
async fn a_form_that_does_not_hold_together_is_refused_with_a_sentence_and_creates_nothing() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let browser = app.browser();
    let before = accounts(&app).await;
    let without = |field: &str| -> Fields<'static> {
        form(NEW_EMAIL, NEW_PASSWORD)
            .into_iter()
            .filter(|(name, _)| *name != field)
            .collect()
    };
    let cases: Vec<(&str, Fields, AppError)> = vec![
        (
            "an email without a domain",
            form("hana.kim@", NEW_PASSWORD),
            AppError::Account(AccountProblem::EmailMalformed),
        ),
        (
            "a password of 7 characters",
            form(NEW_EMAIL, "abc1234"),
            AppError::Account(AccountProblem::PasswordTooShort { least: 8 }),
        ),
        (
            "a common password",
            form(NEW_EMAIL, "password1"),
            AppError::Account(AccountProblem::PasswordGuessable),
        ),
        (
            "a password made of the email",
            form(NEW_EMAIL, "hanakim2026"),
            AppError::Account(AccountProblem::PasswordGuessable),
        ),
        (
            "no age confirmation",
            without("over_14"),
            AppError::Account(AccountProblem::UnderFourteen),
        ),
        (
            "the terms refused",
            without("terms"),
            AppError::Account(AccountProblem::TermsNotAccepted),
        ),
        (
            "the privacy notice refused",
            without("privacy"),
            AppError::Account(AccountProblem::PrivacyNotAccepted),
        ),
    ];
    for (what, fields, expected) in cases {
        let refused = browser.call::<CurrentUser>("sign_up", &fields).await;
        assert_eq!(refused, Err(expected), "{what}");
    }
    let blank_name: Fields = form(NEW_EMAIL, NEW_PASSWORD)
        .into_iter()
        .map(|(k, v)| {
            if k == "display_name" {
                (k, "  ")
            } else {
                (k, v)
            }
        })
        .collect();
    assert_eq!(
        browser.call::<CurrentUser>("sign_up", &blank_name).await,
        Err(AppError::Text(TextProblem::Missing {
            label: Field::DisplayName
        }))
    );
    let refused = browser
        .http
        .post(format!("{}/api/sign_up", app.base))
        .header("Accept", "application/json")
        .form(&form(NEW_EMAIL, "abc"))
        .send()
        .await
        .expect("answer");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let sentence = AppError::Account(AccountProblem::PasswordTooShort { least: 8 }).to_string();
    assert!(sentence.contains("at least 8 characters"), "{sentence}");

    assert_eq!(accounts(&app).await, before, "nothing was created");
    let me: Option<CurrentUser> = browser.call("session_user", &[]).await.expect("call");
    assert_eq!(me, None, "nobody is logged in");
}

#[tokio::test]
async fn an_email_with_an_account_of_any_role_gets_the_same_sentence() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let before = accounts(&app).await;
    for taken in [CUSTOMER, "OWNER.HALMAE@baedal.test", RIDER, OPERATOR] {
        let refused = app
            .browser()
            .call::<CurrentUser>("sign_up", &form(taken, NEW_PASSWORD))
            .await;
        assert_eq!(
            refused,
            Err(AppError::Account(AccountProblem::EmailTaken)),
            "{taken}"
        );
    }
    assert_eq!(accounts(&app).await, before);
    let sentence = AppError::Account(AccountProblem::EmailTaken).to_string();
    for role in ["owner", "rider", "operator", "store"] {
        assert!(!sentence.contains(role), "{sentence}");
    }
}

#[tokio::test]
async fn signing_up_again_and_again_with_one_email_is_throttled_and_never_locks_its_owner_out() {
    let pool = demo_database().await;
    let app = TestApp::with_production_limits(pool).await;
    let prober = app.browser();
    // Five tries a minute on one email, as for logins on one account.
    for attempt in 1..=5 {
        let refused = prober
            .call::<CurrentUser>("sign_up", &form(OWNER, NEW_PASSWORD))
            .await;
        assert_eq!(
            refused,
            Err(AppError::Account(AccountProblem::EmailTaken)),
            "attempt {attempt}"
        );
    }
    let throttled = prober
        .call::<CurrentUser>("sign_up", &form(OWNER, NEW_PASSWORD))
        .await;
    assert!(
        matches!(throttled, Err(AppError::Throttled(wait)) if (1..=12).contains(&wait)),
        "{throttled:?}"
    );
    // The owner, on a browser new to the account, still logs in at once.
    let owner: CurrentUser = app
        .browser()
        .call("login", &[("email", OWNER), ("password", DEMO_PASSWORD)])
        .await
        .expect("the owner's login is not held back");
    assert_eq!(owner.role, Role::Owner);
    // Other emails are not held up by this one.
    prober
        .call::<CurrentUser>("sign_up", &form(NEW_EMAIL, NEW_PASSWORD))
        .await
        .expect("another email signs up");
}
