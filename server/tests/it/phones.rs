//! Proving a phone with a code sent over KakaoTalk: the code comes from the KakaoTalk stand-in
//! as a person's phone would show it (never from the database, which keeps only its hash), lives
//! five minutes and five tries, is rationed per minute and per day, and until a number is proven
//! no KakaoTalk message goes to it.

use crate::common::*;
use app::notification::kakao::StandInInbox;
use app::platform::error::AccountProblem;
use app::platform::phone::{MobileNumber, PhoneState};
use app::platform::AppError;

const NEW_PHONE: &str = "010-5555-0101";
const NEW_PHONE_DIGITS: &str = "01055550101";
/// Minji's demo phone.
pub(crate) const MINJI_PHONE: &str = "01012345601";
/// The owner of the all-day gimbap shop's demo phone.
pub(crate) const OWNER_PHONE: &str = "01022220001";

/// A server whose KakaoTalk messages go to a stand-in, and the stand-in's record.
pub(crate) async fn app_with_stand_in() -> (TestApp, StandInInbox) {
    let (url, inbox) = server::kakao_sim::start_in_process()
        .await
        .expect("the KakaoTalk stand-in starts");
    (TestApp::with_kakao(demo_database().await, url).await, inbox)
}

/// A new customer, signed up and logged in.
pub(crate) async fn new_customer(app: &TestApp, email: &str) -> Browser {
    let browser = app.browser();
    browser
        .call::<serde_json::Value>(
            "sign_up",
            &[
                ("email", email),
                ("display_name", "김하나"),
                ("password", "seongsu river walk"),
                ("over_14", "yes"),
                ("terms", "yes"),
                ("privacy", "yes"),
            ],
        )
        .await
        .expect("sign up");
    browser
}

/// The code in the newest code message the stand-in received for `phone`.
pub(crate) fn code_sent_to(inbox: &StandInInbox, phone: &str) -> String {
    let message = inbox
        .sent_to(phone)
        .into_iter()
        .find(|m| m.template_code == "BAEDAL_PHONE_CODE")
        .unwrap_or_else(|| panic!("no code reached {phone}"));
    let start = message
        .content
        .find("인증번호 [")
        .expect("a code in brackets")
        + "인증번호 [".len();
    let code: String = message.content[start..].chars().take(6).collect();
    assert!(
        code.bytes().all(|b| b.is_ascii_digit()),
        "{}",
        message.content
    );
    code
}

/// Waits until `phone`'s KakaoTalk has a message about `order`.
pub(crate) async fn kakao_tells_of(
    inbox: &StandInInbox,
    phone: &str,
    order: app::ordering::OrderId,
) {
    let number = order.number();
    eventually(
        &format!("{phone}'s KakaoTalk has order {number}"),
        || async {
            inbox
                .sent_to(phone)
                .iter()
                .any(|m| m.content.contains(&number))
                .then_some(())
        },
    )
    .await;
}

async fn send_code(browser: &Browser, phone: &str) -> Result<(), AppError> {
    browser.call("send_phone_code", &[("phone", phone)]).await
}

async fn prove(browser: &Browser, code: &str) -> Result<MobileNumber, AppError> {
    browser.call("prove_phone", &[("code", code)]).await
}

pub(crate) async fn phone_state(browser: &Browser) -> PhoneState {
    browser.call("my_phone", &[]).await.expect("my_phone")
}

/// Lets the minute between two codes of every account pass.
async fn a_minute_passes(app: &TestApp) {
    sqlx::query("UPDATE platform.phone_code_sends SET sent_at = sent_at - interval '61 seconds'")
        .execute(&app.pool)
        .await
        .expect("age the sends");
}

/// Any digit but the one given: a code that is surely wrong.
pub(crate) fn wrong(code: &str) -> String {
    code.chars()
        .map(|c| if c == '1' { '2' } else { '1' })
        .collect()
}

#[tokio::test]
async fn a_new_customer_proves_a_phone_with_the_code_kakaotalk_brought() {
    let (app, inbox) = app_with_stand_in().await;
    let hana = new_customer(&app, "hana@example.com").await;
    let before = phone_state(&hana).await;
    assert_eq!(before.phone, None);
    assert!(!before.proven && before.kakao_on);

    send_code(&hana, NEW_PHONE).await.expect("code sent");
    let code = code_sent_to(&inbox, NEW_PHONE_DIGITS);
    let waiting = phone_state(&hana).await;
    assert_eq!(
        waiting.waiting_for_code.map(|n| n.shown()).as_deref(),
        Some(NEW_PHONE)
    );
    assert_eq!(
        waiting.phone, None,
        "the number is the account's once proven"
    );

    let stored: String = sqlx::query_scalar("SELECT code_hash FROM platform.phone_codes")
        .fetch_one(&app.pool)
        .await
        .expect("the waiting code");
    assert!(stored.starts_with("$argon2id$"), "only a hash is kept");
    assert!(!stored.contains(&code));

    assert_eq!(
        prove(&hana, &wrong(&code)).await,
        Err(AppError::Account(AccountProblem::CodeWrong {
            tries_left: 4
        }))
    );
    let spaced = format!("{} {}", &code[..3], &code[3..]);
    let proven = prove(&hana, &spaced).await.expect("the right code");
    assert_eq!(proven.digits(), NEW_PHONE_DIGITS);
    let after = phone_state(&hana).await;
    assert_eq!(after.phone.map(|n| n.shown()).as_deref(), Some(NEW_PHONE));
    assert!(after.proven);
    assert_eq!(after.waiting_for_code, None);
    assert_eq!(
        prove(&hana, &code).await,
        Err(AppError::Account(AccountProblem::NoCodeSent)),
        "a code proves once"
    );
    a_minute_passes(&app).await;
    assert_eq!(
        send_code(&hana, "+82 10 5555 0101").await,
        Err(AppError::Account(AccountProblem::PhoneAlreadyProven))
    );
    app.shutdown().await;
}

#[tokio::test]
async fn an_unproven_phone_gets_no_order_messages_until_it_is_proven() {
    let (app, inbox) = app_with_stand_in().await;
    // Minji's number was stored before phones were proven.
    sqlx::query("UPDATE platform.accounts SET phone_proven_at = NULL WHERE email = $1")
        .bind(CUSTOMER)
        .execute(&app.pool)
        .await
        .expect("unprove");
    let minji = app.logged_in(CUSTOMER).await;
    let state = phone_state(&minji).await;
    assert_eq!(
        state.phone.as_ref().map(MobileNumber::digits),
        Some(MINJI_PHONE)
    );
    assert!(!state.proven);

    let first = place(&app, &minji).await;
    eventually("the owner's KakaoTalk has the new order", || async {
        (!inbox.sent_to(OWNER_PHONE).is_empty()).then_some(())
    })
    .await;
    eventually("Minji's inbox has the payment", || async {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM notification.inbox WHERE order_id = $1 AND text = '\"Paid\"'",
        )
        .bind(first.0)
        .fetch_one(&app.pool)
        .await
        .expect("count");
        (n > 0).then_some(())
    })
    .await;
    let kept_for_minji: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notification.kakao_messages k
         JOIN platform.accounts a ON a.account_id = k.recipient_id WHERE a.email = $1",
    )
    .bind(CUSTOMER)
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(
        kept_for_minji, 0,
        "no KakaoTalk message is even queued for her"
    );
    assert!(
        inbox.sent_to(MINJI_PHONE).is_empty(),
        "an unproven phone received {:?}",
        inbox.sent_to(MINJI_PHONE)
    );

    send_code(&minji, "010-1234-5601").await.expect("code sent");
    prove(&minji, &code_sent_to(&inbox, MINJI_PHONE))
        .await
        .expect("proven");
    let second = place(&app, &minji).await;
    kakao_tells_of(&inbox, MINJI_PHONE, second).await;
    app.shutdown().await;
}

#[tokio::test]
async fn a_code_dies_after_five_wrong_tries_and_after_five_minutes() {
    let (app, inbox) = app_with_stand_in().await;
    let hana = new_customer(&app, "hana@example.com").await;
    send_code(&hana, NEW_PHONE).await.expect("code sent");
    let code = code_sent_to(&inbox, NEW_PHONE_DIGITS);
    for tries_left in (0..5).rev() {
        assert_eq!(
            prove(&hana, &wrong(&code)).await,
            Err(AppError::Account(AccountProblem::CodeWrong { tries_left }))
        );
    }
    assert_eq!(
        prove(&hana, &code).await,
        Err(AppError::Account(AccountProblem::CodeTriesUsed)),
        "five wrong tries end the code, even for the right one"
    );

    a_minute_passes(&app).await;
    send_code(&hana, NEW_PHONE).await.expect("a new code");
    let code = code_sent_to(&inbox, NEW_PHONE_DIGITS);
    sqlx::query(
        "UPDATE platform.phone_codes SET expires_at = clock_timestamp() - interval '1 second'",
    )
    .execute(&app.pool)
    .await
    .expect("five minutes pass");
    assert_eq!(
        prove(&hana, &code).await,
        Err(AppError::Account(AccountProblem::CodeExpired))
    );
    assert_eq!(phone_state(&hana).await.phone, None, "nothing proven");
    app.shutdown().await;
}

#[tokio::test]
async fn a_new_code_replaces_the_old_one() {
    let (app, inbox) = app_with_stand_in().await;
    let hana = new_customer(&app, "hana@example.com").await;
    send_code(&hana, NEW_PHONE).await.expect("code sent");
    let old = code_sent_to(&inbox, NEW_PHONE_DIGITS);
    a_minute_passes(&app).await;
    send_code(&hana, "010-5555-0202")
        .await
        .expect("a code to another number");
    let new = code_sent_to(&inbox, "01055550202");
    if old != new {
        assert_eq!(
            prove(&hana, &old).await,
            Err(AppError::Account(AccountProblem::CodeWrong {
                tries_left: 4
            })),
            "the first code no longer proves anything"
        );
    }
    let proven = prove(&hana, &new).await.expect("the newest code");
    assert_eq!(proven.digits(), "01055550202");
    app.shutdown().await;
}

#[tokio::test]
async fn codes_are_rationed_per_minute_and_per_day_for_each_phone_and_account() {
    let (app, inbox) = app_with_stand_in().await;
    let hana = new_customer(&app, "hana@example.com").await;
    send_code(&hana, NEW_PHONE).await.expect("first code");
    match send_code(&hana, NEW_PHONE).await {
        Err(AppError::Throttled(seconds)) => assert!((1..=60).contains(&seconds), "{seconds}"),
        other => panic!("a second code within the minute: {other:?}"),
    }
    for _ in 1..5 {
        a_minute_passes(&app).await;
        send_code(&hana, NEW_PHONE)
            .await
            .expect("another code, a minute later");
    }
    a_minute_passes(&app).await;
    assert_eq!(
        send_code(&hana, NEW_PHONE).await,
        Err(AppError::Account(AccountProblem::CodesForTodayUsed)),
        "five codes a day to one phone"
    );
    let other = new_customer(&app, "other@example.com").await;
    assert_eq!(
        send_code(&other, NEW_PHONE).await,
        Err(AppError::Account(AccountProblem::CodesForTodayUsed)),
        "whichever account names the phone"
    );
    assert_eq!(
        inbox
            .sent_to(NEW_PHONE_DIGITS)
            .iter()
            .filter(|m| m.template_code == "BAEDAL_PHONE_CODE")
            .count(),
        5
    );
    // Hana may still prove another number, up to ten codes a day in all.
    for n in 0..5 {
        a_minute_passes(&app).await;
        send_code(&hana, &format!("010-5555-030{n}"))
            .await
            .expect("a code to another number");
    }
    a_minute_passes(&app).await;
    assert_eq!(
        send_code(&hana, "010-5555-0400").await,
        Err(AppError::Account(AccountProblem::CodesForTodayUsed)),
        "ten codes a day for one account"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn what_cannot_be_a_phone_or_a_code_is_refused_and_sends_nothing() {
    let (app, inbox) = app_with_stand_in().await;
    let hana = new_customer(&app, "hana@example.com").await;
    for typed in ["02-123-4567", "010-1234", "phone", ""] {
        assert_eq!(
            send_code(&hana, typed).await,
            Err(AppError::Account(AccountProblem::PhoneMalformed)),
            "{typed:?}"
        );
    }
    assert_eq!(
        prove(&hana, "12345").await,
        Err(AppError::Account(AccountProblem::CodeMalformed))
    );
    assert_eq!(
        prove(&hana, "123456").await,
        Err(AppError::Account(AccountProblem::NoCodeSent))
    );
    assert_eq!(
        send_code(&app.browser(), NEW_PHONE).await,
        Err(AppError::NotLoggedIn)
    );
    assert!(inbox.sent_to(NEW_PHONE_DIGITS).is_empty());
    let sends: i64 = sqlx::query_scalar("SELECT count(*) FROM platform.phone_code_sends")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(sends, 0);
    app.shutdown().await;
}

#[tokio::test]
async fn without_kakaotalk_a_phone_cannot_be_proven_and_the_person_is_told_why() {
    let app = TestApp::with_demo(demo_database().await).await;
    let hana = new_customer(&app, "hana@example.com").await;
    assert!(!phone_state(&hana).await.kakao_on);
    assert_eq!(
        send_code(&hana, NEW_PHONE).await,
        Err(AppError::Account(AccountProblem::KakaoOff))
    );
    app.shutdown().await;

    // KakaoTalk configured but not answering: the code is forgotten, the person told to retry.
    let app = TestApp::with_kakao(
        demo_database().await,
        "http://127.0.0.1:9/v2/sender/send".to_owned(),
    )
    .await;
    let hana = new_customer(&app, "hana@example.com").await;
    assert_eq!(
        send_code(&hana, NEW_PHONE).await,
        Err(AppError::Account(AccountProblem::KakaoUnreachable))
    );
    assert_eq!(phone_state(&hana).await.waiting_for_code, None);
    app.shutdown().await;
}
