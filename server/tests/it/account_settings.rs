//! One's own account after joining: a password change asks the current password and logs out
//! every other browser; the account lists the browsers logged in and can log them all out;
//! KakaoTalk messages about orders can be turned off (the inbox keeps them); a customer forgets
//! a saved address of theirs, and only of theirs.

use crate::common::*;
use crate::phones::{app_with_stand_in, kakao_tells_of, phone_state, MINJI_PHONE, OWNER_PHONE};
use app::platform::account::{LoggedInSession, PasswordChanged};
use app::platform::error::{AccountProblem, Missing};
use app::platform::{AppError, CurrentUser, SavedAddress};

const NEW_PASSWORD: &str = "persimmons in the autumn sun";
const PHONE_BROWSER: &str = "Mozilla/5.0 (Linux; Android 14; SM-S921N) AppleWebKit/537.36 \
    (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36";
const LAPTOP_BROWSER: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) \
    AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

async fn change(browser: &Browser, current: &str, new: &str) -> Result<PasswordChanged, AppError> {
    browser
        .call(
            "change_password",
            &[("current_password", current), ("new_password", new)],
        )
        .await
}

async fn who(browser: &Browser) -> Option<String> {
    let user: Option<CurrentUser> = browser.call("session_user", &[]).await.expect("who");
    user.map(|u| u.email)
}

/// A browser that names itself as `user_agent`, logged in as `email`.
async fn logged_in_as_browser(app: &TestApp, email: &str, user_agent: &str) -> Browser {
    let browser = Browser {
        base: app.base.clone(),
        http: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(user_agent)
            .build()
            .expect("http client"),
    };
    browser
        .call::<serde_json::Value>("login", &[("email", email), ("password", DEMO_PASSWORD)])
        .await
        .expect("demo login works");
    browser
}

#[tokio::test]
async fn a_new_password_needs_the_current_one_and_logs_out_the_other_browsers() {
    let app = TestApp::with_demo(demo_database().await).await;
    let phone = app.logged_in(CUSTOMER).await;
    let laptop = session_cookie(&app, CUSTOMER).await;
    let mut laptop_socket = socket::connect(&app.base, Some(&laptop))
        .await
        .expect("the laptop's socket opens");
    let someone_else = app.logged_in(OTHER_CUSTOMER).await;

    assert_eq!(
        change(&phone, "not-my-password", NEW_PASSWORD).await,
        Err(AppError::Account(AccountProblem::CurrentPasswordWrong))
    );
    assert_eq!(
        change(&phone, DEMO_PASSWORD, DEMO_PASSWORD).await,
        Err(AppError::Account(AccountProblem::PasswordUnchanged))
    );
    assert_eq!(
        change(&phone, DEMO_PASSWORD, "short").await,
        Err(AppError::Account(AccountProblem::PasswordTooShort {
            least: 8
        }))
    );
    assert_eq!(
        change(&phone, DEMO_PASSWORD, "minji@baedal.test").await,
        Err(AppError::Account(AccountProblem::PasswordGuessable))
    );
    assert_eq!(
        change(&app.browser(), DEMO_PASSWORD, NEW_PASSWORD).await,
        Err(AppError::NotLoggedIn)
    );
    // Nothing refused changed anything: the old password still logs in.
    app.logged_in(CUSTOMER).await;

    let changed = change(&phone, DEMO_PASSWORD, NEW_PASSWORD)
        .await
        .expect("changed");
    // The laptop's session and the one the check above opened.
    assert_eq!(changed.other_sessions_ended, 2);
    assert_eq!(
        who(&phone).await.as_deref(),
        Some(CUSTOMER),
        "still logged in here"
    );
    assert_eq!(
        socket::close_code(&mut laptop_socket).await,
        Some(app::platform::live::SESSION_ENDED_CLOSE_CODE)
    );
    assert_eq!(
        socket::connect(&app.base, Some(&laptop)).await.err(),
        Some(401),
        "the laptop's session has ended"
    );
    assert_eq!(
        who(&someone_else).await.as_deref(),
        Some(OTHER_CUSTOMER),
        "another account's sessions are left alone"
    );
    let old: Result<CurrentUser, AppError> = app
        .browser()
        .call("login", &[("email", CUSTOMER), ("password", DEMO_PASSWORD)])
        .await;
    assert_eq!(old, Err(AppError::BadCredentials));
    let new: CurrentUser = app
        .browser()
        .call("login", &[("email", CUSTOMER), ("password", NEW_PASSWORD)])
        .await
        .expect("the new password logs in");
    assert_eq!(new.email, CUSTOMER);
    app.shutdown().await;
}

#[tokio::test]
async fn the_account_lists_its_browsers_and_logs_them_all_out_at_once() {
    let app = TestApp::with_demo(demo_database().await).await;
    let laptop = logged_in_as_browser(&app, CUSTOMER, LAPTOP_BROWSER).await;
    let phone = logged_in_as_browser(&app, CUSTOMER, PHONE_BROWSER).await;
    let someone_else = app.logged_in(OTHER_CUSTOMER).await;

    let listed: Vec<LoggedInSession> = phone.call("my_sessions", &[]).await.expect("listed");
    let devices: Vec<(&str, bool)> = listed
        .iter()
        .map(|s| (s.device.as_str(), s.this_browser))
        .collect();
    assert_eq!(
        devices,
        [
            ("Samsung Internet · Android", true),
            ("Chrome · macOS", false)
        ],
        "this browser first, each named, and nobody else's"
    );
    assert!(listed.iter().all(|s| s.last_seen >= s.logged_in_at));

    phone
        .call::<()>("log_out_everywhere", &[])
        .await
        .expect("logged out everywhere");
    assert_eq!(who(&phone).await, None);
    assert_eq!(who(&laptop).await, None);
    assert_eq!(
        laptop
            .call::<Vec<LoggedInSession>>("my_sessions", &[])
            .await,
        Err(AppError::NotLoggedIn)
    );
    assert_eq!(who(&someone_else).await.as_deref(), Some(OTHER_CUSTOMER));
    app.shutdown().await;
}

#[tokio::test]
async fn kakaotalk_messages_turned_off_leave_only_the_inbox() {
    let (app, inbox) = app_with_stand_in().await;
    let minji = app.logged_in(CUSTOMER).await;
    assert!(phone_state(&minji).await.messages_wanted, "on by default");
    let now: bool = minji
        .call("set_kakao_messages", &[("on", "false")])
        .await
        .expect("turned off");
    assert!(!now);
    let state = phone_state(&minji).await;
    assert!(!state.messages_wanted);
    assert!(state.proven, "her phone stays proven");

    let order = place(&app, &minji).await;
    kakao_tells_of(&inbox, OWNER_PHONE, order).await;
    eventually("Minji's inbox has the payment", || async {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM notification.inbox WHERE order_id = $1 AND text = '\"Paid\"'",
        )
        .bind(order.0)
        .fetch_one(&app.pool)
        .await
        .expect("count");
        (n > 0).then_some(())
    })
    .await;
    assert!(
        inbox.sent_to(MINJI_PHONE).is_empty(),
        "KakaoTalk turned off received {:?}",
        inbox.sent_to(MINJI_PHONE)
    );

    minji
        .call::<bool>("set_kakao_messages", &[("on", "true")])
        .await
        .expect("turned on");
    let second = place(&app, &minji).await;
    kakao_tells_of(&inbox, MINJI_PHONE, second).await;
    app.shutdown().await;
}

#[tokio::test]
async fn a_customer_forgets_a_saved_address_of_theirs_and_only_of_theirs() {
    let app = TestApp::with_demo(demo_database().await).await;
    let minji = app.logged_in(CUSTOMER).await;
    let junho = app.logged_in(OTHER_CUSTOMER).await;
    let hers: Vec<SavedAddress> = minji.call("my_addresses", &[]).await.expect("hers");
    let his: Vec<SavedAddress> = junho.call("my_addresses", &[]).await.expect("his");
    assert!(
        !hers.is_empty() && !his.is_empty(),
        "the demo saves addresses"
    );

    let his_first = his[0].address_id.to_string();
    assert_eq!(
        minji
            .call::<()>("forget_address", &[("address_id", &his_first)])
            .await,
        Err(AppError::NotFound(Missing::Address))
    );
    let his_after: Vec<SavedAddress> = junho.call("my_addresses", &[]).await.expect("his");
    assert_eq!(his_after, his, "another customer's address stays");

    let her_first = hers[0].address_id.to_string();
    minji
        .call::<()>("forget_address", &[("address_id", &her_first)])
        .await
        .expect("forgotten");
    let hers_after: Vec<SavedAddress> = minji.call("my_addresses", &[]).await.expect("hers");
    assert_eq!(hers_after, hers[1..], "the rest stay, in order");
    assert_eq!(
        minji
            .call::<()>("forget_address", &[("address_id", &her_first)])
            .await,
        Err(AppError::NotFound(Missing::Address)),
        "forgotten once"
    );
    app.shutdown().await;
}
