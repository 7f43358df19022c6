//! A store made from an approved application goes live only when it has what a customer needs;
//! an operator may suspend a store and lift the suspension.

use crate::common::*;
use crate::joining::{applicant, decide, owner_form, STORE_ADDRESS};
use crate::phones::app_with_stand_in;
use app::notification::kakao::StandInInbox;
use app::onboarding::Application;
use app::platform::error::Missing;
use app::platform::AppError;
use app::store::hours::DayForm;
use app::store::readiness::{ReadinessItem, StoreProblem, Term};
use app::store::{OwnedStore, StoreCard, StoreRecord, StoreSetup};
use serde_json::json;
use uuid::Uuid;

/// A new owner whom an operator approved, and the store approval made.
async fn approved_owner(
    app: &TestApp,
    inbox: &StandInInbox,
    email: &str,
    phone: &str,
) -> (Browser, Uuid) {
    let owner = applicant(app, inbox, email, "owner", phone).await;
    let sent: Application = owner
        .call("apply_as_owner", &owner_form("220-81-62517", "성수 분식"))
        .await
        .expect("applied");
    decide(&app.logged_in(OPERATOR).await, &sent, "approved", "")
        .await
        .expect("approved");
    let stores: Vec<OwnedStore> = owner.call("my_stores", &[]).await.expect("stores");
    (owner, stores[0].store_id.0)
}

async fn go_live(owner: &Browser, store: Uuid) -> Result<(), AppError> {
    owner
        .call("take_store_live", &[("store_id", &store.to_string())])
        .await
}

async fn terms(owner: &Browser, store: Uuid, radius_m: &str) -> Result<(), AppError> {
    owner
        .call(
            "set_store_terms",
            &[
                ("store_id", &store.to_string()),
                ("radius_m", radius_m),
                ("minimum_order_krw", "12000"),
                ("delivery_fee_krw", "2500"),
                ("prep_minutes", "20"),
            ],
        )
        .await
}

/// The stores a customer near (lat, lng) is offered.
async fn listed_near(app: &TestApp, at: (f64, f64)) -> Vec<Uuid> {
    let cards: Vec<StoreCard> = app
        .browser()
        .call(
            "nearby_stores",
            &[("lat", &at.0.to_string()), ("lng", &at.1.to_string())],
        )
        .await
        .expect("nearby stores");
    cards.into_iter().map(|card| card.store_id.0).collect()
}

async fn point_of(app: &TestApp, store: Uuid) -> (f64, f64) {
    sqlx::query_as("SELECT lat, lng FROM store.stores WHERE store_id = $1")
        .bind(store)
        .fetch_one(&app.pool)
        .await
        .expect("the store's point")
}

#[tokio::test]
async fn a_new_store_goes_live_only_once_it_has_everything_a_customer_needs() {
    let (app, inbox) = app_with_stand_in().await;
    let (owner, store) =
        approved_owner(&app, &inbox, "live.owner@example.com", "010-5555-0301").await;
    let id = store.to_string();
    let at = point_of(&app, store).await;

    assert_eq!(
        owner
            .call::<()>("set_store_open", &[("store_id", &id), ("open", "true")])
            .await,
        Err(AppError::Store(StoreProblem::NotLiveYet)),
        "the switch waits until the store is live"
    );
    // The application brought its place and phone; hours, a dish and the terms are missing.
    assert_eq!(
        go_live(&owner, store).await,
        Err(AppError::Store(StoreProblem::NotReady {
            missing: vec![
                ReadinessItem::Hours,
                ReadinessItem::Dish,
                ReadinessItem::Terms
            ]
        }))
    );
    let setup: StoreSetup = owner
        .call("store_setup", &[("store_id", &id)])
        .await
        .expect("setup");
    assert_eq!(setup.address, STORE_ADDRESS);
    assert_eq!(setup.phone.as_deref(), Some("024661234"));
    assert_eq!(
        setup.readiness.missing(),
        [
            ReadinessItem::Hours,
            ReadinessItem::Dish,
            ReadinessItem::Terms
        ]
    );
    assert_eq!(setup.live_since, None);

    let (least, most) = Term::Radius.limits();
    assert_eq!(
        terms(&owner, store, "50").await,
        Err(AppError::Store(StoreProblem::TermOutOfRange {
            term: Term::Radius,
            least,
            most
        }))
    );
    terms(&owner, store, "2500").await.expect("terms set");
    let week: Vec<DayForm> = (0..7)
        .map(|weekday| DayForm {
            weekday,
            open: true,
            opens: "00:00".into(),
            closes: "00:00".into(),
        })
        .collect();
    owner
        .call_json::<()>(
            "set_opening_hours",
            &json!({ "store_id": store, "week": week }),
        )
        .await
        .expect("hours set");
    assert_eq!(
        go_live(&owner, store).await,
        Err(AppError::Store(StoreProblem::NotReady {
            missing: vec![ReadinessItem::Dish]
        }))
    );
    assert!(!listed_near(&app, at).await.contains(&store));
    owner
        .call::<serde_json::Value>(
            "add_menu_item",
            &[
                ("store_id", &id),
                ("name", "떡볶이"),
                ("category", "분식"),
                ("description", ""),
                ("price_krw", "14000"),
            ],
        )
        .await
        .expect("a dish");
    // Another owner cannot take it live.
    assert_eq!(
        go_live(&app.logged_in(OTHER_OWNER).await, store).await,
        Err(AppError::NotFound(Missing::NotYourStore))
    );
    go_live(&owner, store).await.expect("live");
    assert_eq!(
        go_live(&owner, store).await,
        Err(AppError::Store(StoreProblem::AlreadyLive))
    );
    assert!(
        listed_near(&app, at).await.contains(&store),
        "customers see it"
    );
    let mine: Vec<OwnedStore> = owner.call("my_stores", &[]).await.expect("stores");
    assert!(mine[0].live && mine[0].accepting_orders && mine[0].open_now);
    let (radius, minimum, fee): (i32, i64, i64) = sqlx::query_as(
        "SELECT delivery_radius_m, minimum_order_krw, delivery_fee_krw
         FROM store.stores WHERE store_id = $1",
    )
    .bind(store)
    .fetch_one(&app.pool)
    .await
    .expect("terms");
    assert_eq!((radius, minimum, fee), (2500, 12000, 2500));
    // The switch works as for any store now.
    owner
        .call::<()>("set_store_open", &[("store_id", &id), ("open", "false")])
        .await
        .expect("closed by the owner");
    assert_eq!(
        owner
            .call::<String>(
                "set_store_phone",
                &[("store_id", &id), ("phone", "466-1234")]
            )
            .await,
        Err(AppError::Store(
            app::store::readiness::StoreProblem::PhoneMalformed
        ))
    );
}

#[tokio::test]
async fn a_suspended_store_leaves_the_lists_takes_no_new_orders_and_finishes_those_under_way() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let gimbap = store_id(&app.pool, GIMBAP).await;
    let at = point_of(&app, gimbap).await;
    let customer = app.logged_in(CUSTOMER).await;
    let under_way = place(&app, &customer).await;
    tracked(&customer, under_way, app::ordering::OrderStatus::Paid).await;

    let operator = app.logged_in(OPERATOR).await;
    let found: Vec<StoreRecord> = operator
        .call("find_stores", &[("query", "24시 김밥")])
        .await
        .expect("found");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].store_id.0, gimbap);
    assert_eq!(found[0].owner_email, OWNER);
    let id = gimbap.to_string();
    operator
        .call::<()>(
            "suspend_store",
            &[("store_id", &id), ("reason", "위생 점검 중")],
        )
        .await
        .expect("suspended");
    assert_eq!(
        operator
            .call::<()>("suspend_store", &[("store_id", &id), ("reason", "again")])
            .await,
        Err(AppError::Store(StoreProblem::Suspended))
    );

    assert!(!listed_near(&app, at).await.contains(&gimbap));
    assert_eq!(
        customer
            .call::<serde_json::Value>("store_menu", &[("store_id", &id)])
            .await,
        Err(AppError::NotFound(Missing::Store))
    );
    let order = gimbap_order(&app, CUSTOMER).await;
    assert_eq!(
        customer
            .call_json::<app::ordering::OrderId>("place_order", &order)
            .await,
        Err(AppError::NotFound(Missing::Store))
    );
    // The order placed before the suspension is cooked and goes on.
    cook(&app, &customer, under_way).await;
    let owner = app.logged_in(OWNER).await;
    let setup: StoreSetup = owner
        .call("store_setup", &[("store_id", &id)])
        .await
        .expect("the owner's setup");
    assert_eq!(setup.suspended_because.as_deref(), Some("위생 점검 중"));

    operator
        .call::<()>("lift_store_suspension", &[("store_id", &id)])
        .await
        .expect("lifted");
    assert_eq!(
        operator
            .call::<()>("lift_store_suspension", &[("store_id", &id)])
            .await,
        Err(AppError::Store(StoreProblem::NotSuspended))
    );
    assert_eq!(
        operator
            .call::<()>(
                "lift_store_suspension",
                &[("store_id", &Uuid::new_v4().to_string())]
            )
            .await,
        Err(AppError::NotFound(Missing::Store))
    );
    assert!(listed_near(&app, at).await.contains(&gimbap));
    customer
        .call_json::<app::ordering::OrderId>("place_order", &order)
        .await
        .expect("orders again");
}
