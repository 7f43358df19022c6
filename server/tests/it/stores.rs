//! The customer's store list, the owner's stores and switch, riders and the operator's counts.

use crate::common::*;
use app::delivery::RiderDuty;
use app::ops::PlatformCounts;
use app::platform::error::{Missing, Problem};
use app::platform::{AppError, Role};
use app::store::hours::ShownHours;
use app::store::{OwnedStore, StoreCard};

const SEONGSU_STATION: (&str, &str) = ("37.5446", "127.0557");

async fn stores_near(browser: &Browser, (lat, lng): (&str, &str)) -> Vec<StoreCard> {
    browser
        .call("nearby_stores", &[("lat", lat), ("lng", lng)])
        .await
        .expect("store list")
}

#[tokio::test]
async fn stores_deliver_only_within_their_radius() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let cards = stores_near(&app.browser(), SEONGSU_STATION).await;
    let names: Vec<&str> = cards.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cards.len(), 8, "{names:?}");
    assert!(!names.contains(&"강남 스시 오마카세"), "Gangnam is too far");
    assert!(cards.iter().all(|c| c.distance_m <= 3_500.0));

    // Open stores first, each group nearest first.
    let first_closed = cards
        .iter()
        .position(|c| !c.open_now)
        .unwrap_or(cards.len());
    assert!(cards[first_closed..].iter().all(|c| !c.open_now));
    for group in [&cards[..first_closed], &cards[first_closed..]] {
        assert!(group.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
    }

    let gimbap = cards
        .iter()
        .find(|c| c.name == "서울숲 24시 김밥")
        .expect("listed");
    assert!(gimbap.open_now, "open all day");
    assert_eq!(gimbap.hours_today, ShownHours::AllDay);
    assert_eq!(gimbap.delivery_fee.to_string(), "₩2,500");
    let switched_off = cards
        .iter()
        .find(|c| c.name == "왕십리 족발보쌈")
        .expect("listed");
    assert!(!switched_off.open_now, "its owner switched it off");
}

#[tokio::test]
async fn coordinates_off_the_map_get_a_clear_error() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let refused = app
        .browser()
        .call::<Vec<StoreCard>>("nearby_stores", &[("lat", "123.0"), ("lng", "127.0")])
        .await;
    assert_eq!(
        refused,
        Err(AppError::Invalid(Problem::StoreLocationOffMap))
    );
}

#[tokio::test]
async fn owner_sees_only_their_stores() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let owner = app.logged_in(OWNER).await;
    let stores: Vec<OwnedStore> = owner.call("my_stores", &[]).await.expect("my stores");
    let names: Vec<&str> = stores.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, vec!["서울숲 24시 김밥", "성수 할매떡볶이"]);
    let tteokbokki = &stores[1];
    assert_eq!((tteokbokki.menu_items, tteokbokki.sold_out_items), (5, 1));
}

#[tokio::test]
async fn the_open_switch_takes_a_store_off_the_customers_list() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let owner = app.logged_in(OWNER).await;
    let stores: Vec<OwnedStore> = owner.call("my_stores", &[]).await.expect("my stores");
    let gimbap = stores
        .iter()
        .find(|s| s.name == "서울숲 24시 김밥")
        .expect("owned");
    let id = gimbap.store_id.0.to_string();

    owner
        .call::<()>("set_store_open", &[("store_id", &id), ("open", "false")])
        .await
        .expect("switch off");
    let cards = stores_near(&app.browser(), SEONGSU_STATION).await;
    let listed = cards
        .iter()
        .find(|c| c.name == "서울숲 24시 김밥")
        .expect("listed");
    assert!(!listed.open_now);

    owner
        .call::<()>("set_store_open", &[("store_id", &id), ("open", "true")])
        .await
        .expect("switch on");
    let cards = stores_near(&app.browser(), SEONGSU_STATION).await;
    let listed = cards
        .iter()
        .find(|c| c.name == "서울숲 24시 김밥")
        .expect("listed");
    assert!(listed.open_now);
}

#[tokio::test]
async fn another_owner_cannot_switch_a_store_and_nothing_changes() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let owner = app.logged_in(OWNER).await;
    let stores: Vec<OwnedStore> = owner.call("my_stores", &[]).await.expect("my stores");
    let id = stores[0].store_id.0.to_string();

    let intruder = app.logged_in(OTHER_OWNER).await;
    let refused = intruder
        .call::<()>("set_store_open", &[("store_id", &id), ("open", "false")])
        .await;
    assert_eq!(refused, Err(AppError::NotFound(Missing::NotYourStore)));
    let customer = app.logged_in(CUSTOMER).await;
    assert_eq!(
        customer
            .call::<()>("set_store_open", &[("store_id", &id), ("open", "false")])
            .await,
        Err(AppError::WrongRole(Role::Owner))
    );
    let still_open: bool =
        sqlx::query_scalar("SELECT accepting_orders FROM store.stores WHERE store_id = $1::uuid")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .expect("store");
    assert!(still_open);
}

#[tokio::test]
async fn rider_goes_off_and_on_duty() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let rider = app.logged_in(RIDER).await;
    let duty: RiderDuty = rider.call("my_duty", &[]).await.expect("status");
    assert!(duty.on_duty);
    assert!(duty.position.is_some());

    rider
        .call::<()>("set_duty", &[("on_duty", "false")])
        .await
        .expect("off duty");
    let duty: RiderDuty = rider.call("my_duty", &[]).await.expect("status");
    assert!(!duty.on_duty);
}

#[tokio::test]
async fn operator_counts_what_is_in_the_database() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let operator = app.logged_in(OPERATOR).await;
    let counts: PlatformCounts = operator.call("ops_counts", &[]).await.expect("counts");
    assert_eq!(counts.stores, 9);
    assert_eq!(counts.stores_accepting_orders, 8);
    assert_eq!(counts.riders_on_duty, 2);
    assert_eq!(counts.menu_items, 36);
    assert!(counts.orders.is_empty());
    assert!(counts.accounts.contains(&(Role::Rider, 5)));
}

#[tokio::test]
async fn the_store_list_is_rendered_on_the_server() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let html = app.browser().page("/").await;
    assert!(html.contains("서울숲 24시 김밥"), "{html}");
    assert!(!html.contains("강남 스시 오마카세"));
}
