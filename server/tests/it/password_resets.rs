//! The way back in after a forgotten password: a code sent by KakaoTalk to the account's proven
//! phone opens a short step in which a new password is set, which ends every session of the
//! account and closes its sockets; an operator opens the step as a link for an account without
//! a proven phone. No answer tells whether an email has an account.

use crate::common::*;
use crate::phones::{app_with_stand_in, code_sent_to, new_customer, wrong, MINJI_PHONE};
use app::notification::kakao::StandInInbox;
use app::platform::error::AccountProblem;
use app::platform::password_reset::ResetCodeAsked;
use app::platform::{AppError, CurrentUser};

const NEW_PASSWORD: &str = "cherry blossoms by the han";

async fn ask(browser: &Browser, email: &str) -> Result<ResetCodeAsked, AppError> {
    browser.call("ask_reset_code", &[("email", email)]).await
}

async fn open(browser: &Browser, email: &str, code: &str) -> Result<String, AppError> {
    browser
        .call("open_reset", &[("email", email), ("code", code)])
        .await
}

async fn set_password(
    browser: &Browser,
    page: &str,
    password: &str,
) -> Result<CurrentUser, AppError> {
    let token = page.strip_prefix("/reset?token=").expect("a reset page");
    browser
        .call(
            "set_new_password",
            &[("token", token), ("password", password)],
        )
        .await
}

async fn log_in(app: &TestApp, email: &str, password: &str) -> Result<CurrentUser, AppError> {
    app.browser()
        .call("login", &[("email", email), ("password", password)])
        .await
}

/// How many code messages `phone` has received.
fn codes_received(inbox: &StandInInbox, phone: &str) -> usize {
    inbox
        .sent_to(phone)
        .iter()
        .filter(|m| m.template_code == "BAEDAL_PHONE_CODE")
        .count()
}

/// The code of the next code message `phone` receives after the `before`th.
async fn next_code(inbox: &StandInInbox, phone: &str, before: usize) -> String {
    eventually("the reset code reaches the phone", || async {
        (codes_received(inbox, phone) > before).then_some(())
    })
    .await;
    code_sent_to(inbox, phone)
}

#[tokio::test]
async fn a_code_on_the_proven_phone_sets_a_new_password_and_ends_every_session() {
    let (app, inbox) = app_with_stand_in().await;
    // Minji is logged in on her tablet, whose kitchen-style live screen stays open.
    let tablet = session_cookie(&app, CUSTOMER).await;
    let mut socket = socket::connect(&app.base, Some(&tablet))
        .await
        .expect("the tablet's socket opens");

    let phone = app.browser();
    ask(&phone, CUSTOMER).await.expect("asked");
    let code = next_code(&inbox, MINJI_PHONE, 0).await;
    let message = inbox.sent_to(MINJI_PHONE).remove(0);
    assert!(message.content.contains(&code), "{}", message.content);

    assert_eq!(
        open(&phone, CUSTOMER, &wrong(&code)).await,
        Err(AppError::Account(AccountProblem::ResetCodeWrong))
    );
    let page = open(&phone, CUSTOMER, &code).await.expect("the step opens");
    assert_eq!(
        open(&phone, CUSTOMER, &code).await,
        Err(AppError::Account(AccountProblem::ResetCodeWrong)),
        "a code opens one step"
    );

    assert_eq!(
        set_password(&phone, &page, "short").await,
        Err(AppError::Account(AccountProblem::PasswordTooShort {
            least: 8
        }))
    );
    assert_eq!(
        set_password(&phone, &page, "minji@baedal.test").await,
        Err(AppError::Account(AccountProblem::PasswordGuessable))
    );
    let back_in = set_password(&phone, &page, NEW_PASSWORD)
        .await
        .expect("the new password is set");
    assert_eq!(back_in.email, CUSTOMER);
    let me: Option<CurrentUser> = phone.call("session_user", &[]).await.expect("who");
    assert_eq!(
        me.map(|u| u.email).as_deref(),
        Some(CUSTOMER),
        "logged in here"
    );

    let closed = socket::close_code(&mut socket).await;
    assert_eq!(closed, Some(app::platform::live::SESSION_ENDED_CLOSE_CODE));
    assert_eq!(
        socket::connect(&app.base, Some(&tablet)).await.err(),
        Some(401),
        "the tablet's session has ended"
    );
    assert_eq!(
        log_in(&app, CUSTOMER, DEMO_PASSWORD).await,
        Err(AppError::BadCredentials)
    );
    log_in(&app, CUSTOMER, NEW_PASSWORD)
        .await
        .expect("the new password logs in");
    assert_eq!(
        set_password(&app.browser(), &page, "another long password").await,
        Err(AppError::Account(AccountProblem::ResetLinkDead)),
        "a step works once"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn no_answer_tells_whether_an_email_has_an_account() {
    let (app, inbox) = app_with_stand_in().await;
    let stranger = app.browser();
    // An account without a phone, one with a proven phone, and an email with no account: the
    // same answer.
    new_customer(&app, "hana@example.com").await;
    let answers = [
        ask(&stranger, "hana@example.com").await,
        ask(&stranger, CUSTOMER).await,
        ask(&stranger, "nobody@example.com").await,
    ];
    assert!(answers[0].is_ok(), "{answers:?}");
    assert!(
        answers.iter().all(|answer| *answer == answers[0]),
        "{answers:?}"
    );
    let code = next_code(&inbox, MINJI_PHONE, 0).await;
    let hana_codes: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.phone_codes c JOIN platform.accounts a USING (account_id)
         WHERE a.email = 'hana@example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(hana_codes, 0, "no phone, no code");

    // Any code for an email without an account, for an account without a code, or a wrong one:
    // one refusal.
    for (email, typed) in [
        ("nobody@example.com", code.as_str()),
        ("hana@example.com", code.as_str()),
        (CUSTOMER, wrong(&code).as_str()),
    ] {
        assert_eq!(
            open(&stranger, email, typed).await,
            Err(AppError::Account(AccountProblem::ResetCodeWrong)),
            "{email}"
        );
    }
    assert_eq!(
        open(&stranger, "not an email", &code).await,
        Err(AppError::Account(AccountProblem::EmailMalformed))
    );
    assert_eq!(
        open(&stranger, CUSTOMER, "12345").await,
        Err(AppError::Account(AccountProblem::CodeMalformed))
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_reset_code_lives_five_tries() {
    let (app, inbox) = app_with_stand_in().await;
    let stranger = app.browser();
    ask(&stranger, CUSTOMER).await.expect("asked");
    let code = next_code(&inbox, MINJI_PHONE, 0).await;
    for _ in 0..5 {
        assert_eq!(
            open(&stranger, CUSTOMER, &wrong(&code)).await,
            Err(AppError::Account(AccountProblem::ResetCodeWrong))
        );
    }
    assert_eq!(
        open(&stranger, CUSTOMER, &code).await,
        Err(AppError::Account(AccountProblem::ResetCodeWrong)),
        "the right code after five wrong ones opens nothing"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn an_operator_issues_a_one_time_link_for_an_account_without_a_phone() {
    let (app, _inbox) = app_with_stand_in().await;
    let hana = new_customer(&app, "hana@example.com").await;
    let operator = app.logged_in(OPERATOR).await;
    let page: String = operator
        .call("issue_reset_link", &[("email", "HANA@example.com")])
        .await
        .expect("a link");
    let issued_by: String = sqlx::query_scalar(
        "SELECT o.email FROM platform.password_resets r
         JOIN platform.accounts o ON o.account_id = r.issued_by",
    )
    .fetch_one(&app.pool)
    .await
    .expect("the link's record");
    assert_eq!(issued_by, OPERATOR, "who issued it is kept");

    assert_eq!(
        operator
            .call::<String>("issue_reset_link", &[("email", "nobody@example.com")])
            .await,
        Err(AppError::Account(AccountProblem::NoAccountWithEmail))
    );
    assert_eq!(
        operator
            .call::<String>("issue_reset_link", &[("email", OPERATOR)])
            .await,
        Err(AppError::Account(AccountProblem::OperatorResetRefused)),
        "an operator cannot take over an operator"
    );

    set_password(&app.browser(), &page, NEW_PASSWORD)
        .await
        .expect("the link sets a password");
    let me: Option<CurrentUser> = hana.call("session_user", &[]).await.expect("who");
    assert_eq!(me, None, "Hana's earlier session has ended");
    log_in(&app, "hana@example.com", NEW_PASSWORD)
        .await
        .expect("the new password logs in");

    // A link past its day opens nothing.
    let late: String = operator
        .call("issue_reset_link", &[("email", "hana@example.com")])
        .await
        .expect("a second link");
    sqlx::query("UPDATE platform.password_resets SET expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .expect("age the links");
    assert_eq!(
        set_password(&app.browser(), &late, "yet another long password").await,
        Err(AppError::Account(AccountProblem::ResetLinkDead))
    );
    app.shutdown().await;
}
