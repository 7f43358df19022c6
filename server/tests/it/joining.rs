//! Joining as a store owner or a rider: the application through the real HTTP server, the
//! operator's review, what each decision sets going, and what is refused on the way.

use crate::common::*;
use crate::phones::{app_with_stand_in, code_sent_to};
use app::notification::kakao::StandInInbox;
use app::notification::{AppliedAs, InboxText, Notification};
use app::onboarding::{
    Application, ApplicationDetails, ApplicationForReview, ApplicationProblem, ApplicationStatus,
    Decision, Vehicle,
};
use app::platform::error::{AccountProblem, Missing};
use app::platform::{AppError, CurrentUser, Role};
use app::store::{OwnedStore, StoreCard};

/// An address the geocoding simulator knows.
pub(crate) const STORE_ADDRESS: &str = "서울 성동구 왕십리로 16";

/// Signs up someone joining as `joining_as` (`owner`, `rider`), and proves `phone` with the code
/// KakaoTalk brings.
pub(crate) async fn applicant(
    app: &TestApp,
    inbox: &StandInInbox,
    email: &str,
    joining_as: &str,
    phone: &str,
) -> Browser {
    let browser = app.browser();
    let user: CurrentUser = browser
        .call(
            "sign_up",
            &[
                ("email", email),
                ("display_name", "새 파트너"),
                ("password", "seongsu river walk"),
                ("over_14", "yes"),
                ("terms", "yes"),
                ("privacy", "yes"),
                ("joining_as", joining_as),
            ],
        )
        .await
        .expect("sign up");
    assert_eq!(user.role.as_str(), joining_as);
    browser
        .call::<()>("send_phone_code", &[("phone", phone)])
        .await
        .expect("code sent");
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let code = code_sent_to(inbox, &digits);
    browser
        .call::<serde_json::Value>("prove_phone", &[("code", &code)])
        .await
        .expect("phone proven");
    browser
}

fn rider_form(consent: bool) -> Vec<(&'static str, &'static str)> {
    let mut form = vec![("vehicle", "motorbike"), ("area", STORE_ADDRESS)];
    if consent {
        form.push(("location_consent", "yes"));
    }
    form
}

pub(crate) fn owner_form(
    business_number: &'static str,
    store_name: &'static str,
) -> Vec<(&'static str, &'static str)> {
    vec![
        ("business_name", "성수 분식 주식회사"),
        ("business_number", business_number),
        ("store_name", store_name),
        ("store_category", "분식"),
        ("store_phone", "02-466-1234"),
        ("store_address", STORE_ADDRESS),
    ]
}

async fn queue(operator: &Browser) -> Vec<ApplicationForReview> {
    operator
        .call("application_queue", &[])
        .await
        .expect("the queue")
}

pub(crate) async fn decide(
    operator: &Browser,
    application: &Application,
    decision: &str,
    message: &str,
) -> Result<(), AppError> {
    operator
        .call(
            "decide_application",
            &[
                ("application_id", &application.application_id.0.to_string()),
                ("decision", decision),
                ("message", message),
            ],
        )
        .await
}

async fn mine(browser: &Browser) -> Option<Application> {
    browser
        .call("my_application", &[])
        .await
        .expect("my application")
}

async fn inbox_of(browser: &Browser) -> Vec<Notification> {
    browser.call("my_notifications", &[]).await.expect("inbox")
}

/// Waits until `phone`'s KakaoTalk has a message of `template`.
async fn kakao_brings(inbox: &StandInInbox, phone: &str, template: &str) -> String {
    eventually(&format!("{phone}'s KakaoTalk has {template}"), || async {
        inbox
            .sent_to(phone)
            .into_iter()
            .find(|m| m.template_code == template)
            .map(|m| m.content)
    })
    .await
}

#[tokio::test]
async fn a_new_rider_applies_and_rides_only_once_an_operator_approves() {
    let (app, inbox) = app_with_stand_in().await;
    let rider = app.browser();
    rider
        .call::<CurrentUser>(
            "sign_up",
            &[
                ("email", "seojin.rider@example.com"),
                ("display_name", "서진"),
                ("password", "seongsu river walk"),
                ("over_14", "yes"),
                ("terms", "yes"),
                ("privacy", "yes"),
                ("joining_as", "rider"),
            ],
        )
        .await
        .expect("a rider's account");
    // Without a proven phone the application is refused, and nothing is stored.
    assert_eq!(
        rider
            .call::<Application>("apply_as_rider", &rider_form(true))
            .await,
        Err(AppError::Application(ApplicationProblem::PhoneNotProven))
    );
    assert_eq!(mine(&rider).await, None);
    rider
        .call::<()>("send_phone_code", &[("phone", "010-5555-0201")])
        .await
        .expect("code sent");
    let code = code_sent_to(&inbox, "01055550201");
    rider
        .call::<serde_json::Value>("prove_phone", &[("code", &code)])
        .await
        .expect("proven");

    assert_eq!(
        rider
            .call::<Application>("apply_as_rider", &rider_form(false))
            .await,
        Err(AppError::Application(
            ApplicationProblem::LocationConsentMissing
        ))
    );
    let sent: Application = rider
        .call("apply_as_rider", &rider_form(true))
        .await
        .expect("applied");
    assert_eq!(sent.status, ApplicationStatus::Submitted);
    let ApplicationDetails::Rider(details) = &sent.details else {
        panic!("a rider's application: {sent:?}");
    };
    assert_eq!(details.vehicle, Vehicle::Motorbike);
    assert_eq!(details.area, STORE_ADDRESS);
    let consented: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM platform.consents c JOIN platform.accounts a USING (account_id)
         WHERE a.email = 'seojin.rider@example.com' AND c.consent = 'location_on_duty'
           AND c.withdrawn_at IS NULL",
    )
    .fetch_one(&app.pool)
    .await
    .expect("count");
    assert_eq!(consented, 1, "the consent is recorded with the application");
    assert_eq!(
        rider
            .call::<Application>("apply_as_rider", &rider_form(true))
            .await,
        Err(AppError::Application(
            ApplicationProblem::AlreadyUnderReview
        ))
    );

    // Not approved: the server refuses duty, deliveries and positions.
    assert_eq!(
        rider.call::<()>("set_duty", &[("on_duty", "true")]).await,
        Err(AppError::NotFound(Missing::RiderProfile))
    );
    assert_eq!(
        rider
            .call::<()>("set_position", &[("lat", "37.5446"), ("lng", "127.0557")])
            .await,
        Err(AppError::NotFound(Missing::RiderProfile))
    );
    assert_eq!(
        rider
            .call::<Vec<serde_json::Value>>("open_deliveries", &[])
            .await,
        Err(AppError::NotFound(Missing::RiderProfile))
    );

    let operator = app.logged_in(OPERATOR).await;
    let waiting = queue(&operator).await;
    let item = waiting
        .iter()
        .find(|item| item.application.application_id == sent.application_id)
        .expect("in the queue");
    assert_eq!(item.applicant_email, "seojin.rider@example.com");
    assert_eq!(item.applicant_phone.as_deref(), Some("01055550201"));
    decide(&operator, &sent, "approved", "")
        .await
        .expect("approved");

    let now = mine(&rider).await.expect("the application");
    assert_eq!(now.status, ApplicationStatus::Approved);
    assert_eq!(now.decisions.len(), 1);
    assert_eq!(now.decisions[0].decision, Decision::Approve);
    assert!(
        inbox_of(&rider).await.iter().any(|n| n.order_id.is_none()
            && n.text
                == Some(InboxText::ApplicationApproved {
                    kind: AppliedAs::Rider
                })),
        "the inbox tells of the approval"
    );
    kakao_brings(&inbox, "01055550201", "BAEDAL_RIDER_APPROVED").await;
    assert!(!queue(&operator)
        .await
        .iter()
        .any(|item| item.application.application_id == sent.application_id));

    rider
        .call::<()>("set_duty", &[("on_duty", "true")])
        .await
        .expect("on duty once approved");
    rider
        .call::<()>("set_position", &[("lat", "37.5446"), ("lng", "127.0557")])
        .await
        .expect("positions once approved");
    assert_eq!(
        rider
            .call::<Application>("apply_as_rider", &rider_form(true))
            .await,
        Err(AppError::Application(ApplicationProblem::AlreadyApproved))
    );
    // A second decision on a decided application changes nothing.
    assert_eq!(
        decide(&operator, &sent, "rejected", "late second thoughts").await,
        Err(AppError::Application(ApplicationProblem::NotAwaitingReview))
    );
    assert_eq!(
        mine(&rider).await.map(|a| a.status),
        Some(ApplicationStatus::Approved)
    );
}

#[tokio::test]
async fn an_owner_changes_what_the_reviewer_asks_and_gets_a_store_customers_cannot_see_yet() {
    let (app, inbox) = app_with_stand_in().await;
    let owner = applicant(
        &app,
        &inbox,
        "new.owner@example.com",
        "owner",
        "010-5555-0202",
    )
    .await;

    // One digit typed wrong: refused by the check digit, nothing stored.
    assert_eq!(
        owner
            .call::<Application>("apply_as_owner", &owner_form("220-81-62518", "성수 분식"))
            .await,
        Err(AppError::Application(
            ApplicationProblem::BusinessNumberCheckDigit
        ))
    );
    assert_eq!(mine(&owner).await, None);
    let sent: Application = owner
        .call("apply_as_owner", &owner_form("220-81-62517", "성수 분식"))
        .await
        .expect("applied");
    let ApplicationDetails::Owner(details) = &sent.details else {
        panic!("an owner's application: {sent:?}");
    };
    assert_eq!(details.business_number.digits(), "2208162517");
    assert_eq!(details.store_phone, "024661234");

    let operator = app.logged_in(OPERATOR).await;
    assert_eq!(
        decide(&operator, &sent, "changes_asked", "  ").await,
        Err(AppError::Application(ApplicationProblem::MessageMissing)),
        "asking for changes says which"
    );
    decide(
        &operator,
        &sent,
        "changes_asked",
        "가게 이름을 간판과 같게 적어 주세요.",
    )
    .await
    .expect("changes asked");
    let asked = mine(&owner).await.expect("the application");
    assert_eq!(asked.status, ApplicationStatus::ChangesAsked);
    assert_eq!(
        asked.last_decision().map(|d| d.message.as_str()),
        Some("가게 이름을 간판과 같게 적어 주세요.")
    );
    kakao_brings(&inbox, "01055550202", "BAEDAL_APPLICATION_CHANGES").await;
    assert!(!queue(&operator)
        .await
        .iter()
        .any(|item| item.application.application_id == sent.application_id));

    let resent: Application = owner
        .call(
            "apply_as_owner",
            &owner_form("2208162517", "성수 분식 본점"),
        )
        .await
        .expect("sent again");
    assert_eq!(resent.application_id, sent.application_id, "the same one");
    assert_eq!(resent.status, ApplicationStatus::Submitted);
    assert!(resent.submitted_at > sent.submitted_at, "back in the queue");
    decide(&operator, &resent, "approved", "")
        .await
        .expect("approved");
    kakao_brings(&inbox, "01055550202", "BAEDAL_OWNER_APPROVED").await;

    let stores: Vec<OwnedStore> = owner.call("my_stores", &[]).await.expect("stores");
    assert_eq!(stores.len(), 1);
    assert_eq!(stores[0].name, "성수 분식 본점");
    assert_eq!(stores[0].category, "분식");
    assert_eq!(stores[0].address, STORE_ADDRESS);
    // Not live: customers near it do not see it, nor its page.
    let (lat, lng): (f64, f64) =
        sqlx::query_as("SELECT lat, lng FROM store.stores WHERE store_id = $1")
            .bind(stores[0].store_id.0)
            .fetch_one(&app.pool)
            .await
            .expect("the store's point");
    let customer = app.logged_in(CUSTOMER).await;
    let near: Vec<StoreCard> = customer
        .call(
            "nearby_stores",
            &[("lat", &lat.to_string()), ("lng", &lng.to_string())],
        )
        .await
        .expect("nearby stores");
    assert!(!near.iter().any(|card| card.store_id == stores[0].store_id));
    assert!(!near.is_empty(), "the demo's live stores nearby are listed");
    assert_eq!(
        customer
            .call::<serde_json::Value>(
                "store_menu",
                &[("store_id", &stores[0].store_id.0.to_string())]
            )
            .await,
        Err(AppError::NotFound(Missing::Store))
    );

    // An approved owner may apply for another store.
    let second: Application = owner
        .call(
            "apply_as_owner",
            &owner_form("2208162517", "성수 분식 2호점"),
        )
        .await
        .expect("a second store");
    assert_ne!(second.application_id, sent.application_id);
    let decided_by: uuid::Uuid = sqlx::query_scalar(
        "SELECT decided_by FROM onboarding.decisions
         WHERE application_id = $1 AND decision = 'approved'",
    )
    .bind(sent.application_id.0)
    .fetch_one(&app.pool)
    .await
    .expect("the decision is recorded");
    assert_eq!(decided_by, account_of(&app.pool, OPERATOR).await.0);
}

#[tokio::test]
async fn a_rejection_says_why_and_the_applicant_may_apply_again() {
    let (app, inbox) = app_with_stand_in().await;
    let rider = applicant(&app, &inbox, "r@example.com", "rider", "010-5555-0203").await;
    let sent: Application = rider
        .call("apply_as_rider", &rider_form(true))
        .await
        .expect("applied");
    let operator = app.logged_in(OPERATOR).await;
    assert_eq!(
        decide(&operator, &sent, "rejected", "").await,
        Err(AppError::Application(ApplicationProblem::MessageMissing))
    );
    assert_eq!(
        decide(&operator, &sent, "maybe", "x").await,
        Err(AppError::Application(ApplicationProblem::DecisionUnknown))
    );
    decide(&operator, &sent, "rejected", "운전면허를 확인할 수 없어요.")
        .await
        .expect("rejected");
    let rejected = mine(&rider).await.expect("the application");
    assert_eq!(rejected.status, ApplicationStatus::Rejected);
    let content = kakao_brings(&inbox, "01055550203", "BAEDAL_APPLICATION_REJECTED").await;
    assert!(
        content.contains("운전면허를 확인할 수 없어요."),
        "{content}"
    );
    assert_eq!(
        rider.call::<()>("set_duty", &[("on_duty", "true")]).await,
        Err(AppError::NotFound(Missing::RiderProfile))
    );
    let again: Application = rider
        .call("apply_as_rider", &rider_form(true))
        .await
        .expect("a new application");
    assert_ne!(again.application_id, sent.application_id);
    assert_eq!(again.status, ApplicationStatus::Submitted);
}

#[tokio::test]
async fn only_owners_and_riders_apply_each_for_their_own_role_and_only_operators_decide() {
    let (app, inbox) = app_with_stand_in().await;
    let owner = applicant(&app, &inbox, "o@example.com", "owner", "010-5555-0204").await;
    assert_eq!(
        owner
            .call::<Application>("apply_as_rider", &rider_form(true))
            .await,
        Err(AppError::WrongRole(Role::Rider))
    );
    let customer = app.logged_in(CUSTOMER).await;
    assert_eq!(
        customer
            .call::<Application>("apply_as_owner", &owner_form("2208162517", "x"))
            .await,
        Err(AppError::WrongRole(Role::Owner))
    );
    assert_eq!(
        customer
            .call::<Option<Application>>("my_application", &[])
            .await,
        Err(AppError::WrongRole(Role::Owner))
    );
    let sent: Application = owner
        .call("apply_as_owner", &owner_form("2208162517", "성수 분식"))
        .await
        .expect("applied");
    for someone in [&owner, &customer, &app.logged_in(RIDER).await] {
        assert_eq!(
            someone
                .call::<Vec<ApplicationForReview>>("application_queue", &[])
                .await,
            Err(AppError::WrongRole(Role::Operator))
        );
        assert_eq!(
            decide(someone, &sent, "approved", "").await,
            Err(AppError::WrongRole(Role::Operator))
        );
    }
    assert_eq!(
        mine(&owner).await.map(|a| a.status),
        Some(ApplicationStatus::Submitted)
    );
    let unknown = Application {
        application_id: app::onboarding::ApplicationId(uuid::Uuid::new_v4()),
        ..sent
    };
    assert_eq!(
        decide(&app.logged_in(OPERATOR).await, &unknown, "approved", "").await,
        Err(AppError::NotFound(Missing::Application))
    );
    // Nobody signs up as an operator.
    assert_eq!(
        app.browser()
            .call::<CurrentUser>(
                "sign_up",
                &[
                    ("email", "boss@example.com"),
                    ("display_name", "boss"),
                    ("password", "seongsu river walk"),
                    ("over_14", "yes"),
                    ("terms", "yes"),
                    ("privacy", "yes"),
                    ("joining_as", "operator"),
                ],
            )
            .await,
        Err(AppError::Account(AccountProblem::JoiningAsUnknown))
    );
}
