//! Places: the geocoding adapter against the simulator (the provider's shape and quirks), and the
//! search and "use my location" server functions as a person's browser calls them.

use std::time::Duration;

use crate::common::*;
use app::places::geocoder::{GeocodeError, Geocoder, GeocoderSettings};
use app::places::{Place, PlaceMatches, SearchRefusal};
use app::platform::error::{Problem, Unreadable};
use app::platform::geo::Position;
use app::platform::text::{Field, TextProblem};
use app::platform::{AppError, SavedAddress};
use server::geocoder_sim::{start_in_process, Switches, TestControls};

const KEY: &str = "adapter-test-key";

async fn simulator() -> String {
    start_in_process(KEY, Switches::default(), TestControls::Served)
        .await
        .expect("the simulator starts")
}

fn adapter(base: &str, key: &str) -> Geocoder {
    Geocoder::new(GeocoderSettings {
        timeout: Duration::from_millis(500),
        ..GeocoderSettings::new(base, key)
    })
    .expect("a client")
}

async fn switch(base: &str, switches: Switches) {
    let answer = reqwest::Client::new()
        .put(format!("{base}/control"))
        .json(&switches)
        .send()
        .await
        .expect("the simulator answers");
    assert!(answer.status().is_success());
}

/// A provider that answers every call with a 500.
fn failing() -> Switches {
    Switches {
        failing: true,
        ..Default::default()
    }
}

fn seongsu() -> Position {
    Position::new(37.5446, 127.0557).expect("on the map")
}

#[tokio::test]
async fn a_typed_road_address_finds_its_building_and_both_address_forms() {
    let base = simulator().await;
    let found = adapter(&base, KEY)
        .address_search("성수이로 113", 1)
        .await
        .expect("an answer");
    assert_eq!(
        found.places,
        vec![Place {
            road_address: Some("서울 성동구 성수이로 113".into()),
            lot_address: "서울 성동구 성수동2가 280-3".into(),
            building: Some("성수 SK V1 타워".into()),
            position: Position {
                lat: 37.543,
                lng: 127.0565
            },
        }]
    );
    assert!(!found.more);
}

#[tokio::test]
async fn a_lot_number_without_a_road_address_is_still_a_place() {
    let base = simulator().await;
    let found = adapter(&base, KEY)
        .address_search("성수동2가 333-3", 1)
        .await
        .expect("an answer");
    let plot = found
        .places
        .iter()
        .find(|place| place.lot_address == "서울 성동구 성수동2가 333-3")
        .expect("the plot");
    assert_eq!(plot.road_address, None);
    assert_eq!(plot.address(), "서울 성동구 성수동2가 333-3");
}

#[tokio::test]
async fn many_matches_page_until_the_provider_says_the_end() {
    let base = simulator().await;
    let geocoder = adapter(&base, KEY);
    let first = geocoder.address_search("성수동", 1).await.expect("page 1");
    assert_eq!(first.places.len(), 10, "a full page");
    assert!(first.more, "the neighbourhood has more than ten addresses");
    let second = geocoder.address_search("성수동", 2).await.expect("page 2");
    assert!(!second.more, "the second page is the last");
    assert!(second
        .places
        .iter()
        .all(|place| !first.places.contains(place)));
}

#[tokio::test]
async fn a_building_name_finds_the_place_nearest_first() {
    let base = simulator().await;
    let geocoder = adapter(&base, KEY);
    let found = geocoder
        .search("트리마제", Some(seongsu()), 1)
        .await
        .expect("an answer");
    let tower = found.places.first().expect("a match");
    assert_eq!(tower.building.as_deref(), Some("트리마제"));
    assert_eq!(
        tower.road_address.as_deref(),
        Some("서울 성동구 왕십리로 16")
    );

    let stations = geocoder
        .keyword_search("역", Some(seongsu()), 1)
        .await
        .expect("an answer");
    let names: Vec<_> = stations
        .places
        .iter()
        .filter_map(|place| place.building.as_deref())
        .collect();
    assert_eq!(
        names.first(),
        Some(&"성수역"),
        "the nearest station first: {names:?}"
    );
    assert!(names.contains(&"뚝섬역"), "{names:?}");
}

#[tokio::test]
async fn reverse_geocoding_names_the_address_where_the_phone_is() {
    let base = simulator().await;
    let geocoder = adapter(&base, KEY);
    let here = Position::new(37.5431, 127.0566).expect("on the map");
    let place = geocoder
        .address_at(here)
        .await
        .expect("an answer")
        .expect("an address here");
    assert_eq!(
        place.road_address.as_deref(),
        Some("서울 성동구 성수이로 113")
    );
    assert_eq!(place.position, here, "the point is where the phone is");
    let sea = Position::new(35.0, 125.0).expect("on the map");
    assert_eq!(geocoder.address_at(sea).await, Ok(None));
}

#[tokio::test]
async fn a_wrong_key_a_failing_provider_garbage_and_a_slow_answer_are_told_apart() {
    let base = simulator().await;
    assert_eq!(
        adapter(&base, "wrong").address_search("성수이로", 1).await,
        Err(GeocodeError::Unauthorized)
    );
    let geocoder = adapter(&base, KEY);
    switch(&base, failing()).await;
    assert_eq!(
        geocoder.address_search("왕십리로", 1).await,
        Err(GeocodeError::Status(500))
    );
    switch(
        &base,
        Switches {
            garbage: true,
            ..Default::default()
        },
    )
    .await;
    assert!(matches!(
        geocoder.address_search("뚝섬로", 1).await,
        Err(GeocodeError::Unreadable(_))
    ));
    switch(
        &base,
        Switches {
            latency_ms: 1_500,
            ..Default::default()
        },
    )
    .await;
    assert!(matches!(
        geocoder.address_search("연무장길", 1).await,
        Err(GeocodeError::Unreachable(_))
    ));
}

#[tokio::test]
async fn a_question_asked_again_is_answered_from_the_cache() {
    let base = simulator().await;
    let geocoder = adapter(&base, KEY);
    let first = geocoder
        .address_search("서울숲2길", 1)
        .await
        .expect("an answer");
    switch(&base, failing()).await;
    assert_eq!(
        geocoder.address_search("서울숲2길", 1).await,
        Ok(first),
        "the same question within minutes costs no call"
    );
}

#[tokio::test]
async fn a_customer_finds_an_address_by_typing_a_building() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let found: PlaceMatches = customer
        .call(
            "search_places",
            &[("query", " 갤러리아포레 "), ("page", "1")],
        )
        .await
        .expect("matches");
    let forest = found.places.first().expect("a match");
    assert_eq!(forest.building.as_deref(), Some("갤러리아포레"));
    assert_eq!(
        forest.road_address.as_deref(),
        Some("서울 성동구 서울숲2길 32-14")
    );

    let nothing: PlaceMatches = customer
        .call("search_places", &[("query", "없는건물이름"), ("page", "1")])
        .await
        .expect("an empty answer");
    assert!(nothing.places.is_empty());

    let here: Place = customer
        .call("place_at", &[("lat", "37.5474"), ("lng", "127.0474")])
        .await
        .expect("an address");
    assert_eq!(here.building.as_deref(), Some("뚝섬역"));
    app.shutdown().await;
}

#[tokio::test]
async fn bad_searches_get_a_sentence_and_the_provider_is_not_asked() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let search = |query: String, page: &'static str| {
        let customer = &customer;
        async move {
            customer
                .call::<PlaceMatches>("search_places", &[("query", &query), ("page", page)])
                .await
        }
    };
    assert_eq!(
        search("   ".into(), "1").await,
        Err(AppError::Text(TextProblem::Missing {
            label: Field::SearchQuery
        }))
    );
    assert_eq!(
        search("가".repeat(201), "1").await,
        Err(AppError::Text(TextProblem::TooLong {
            label: Field::SearchQuery,
            max_chars: 100
        }))
    );
    assert_eq!(
        search("성수\u{1b}[31m".into(), "1").await,
        Err(AppError::Malformed(Unreadable::ControlCharacter {
            field: "query".into()
        }))
    );
    assert_eq!(
        search("성수".into(), "0").await,
        Err(AppError::Search(SearchRefusal::PageOutOfRange))
    );
    assert_eq!(
        app.browser()
            .call::<PlaceMatches>("search_places", &[("query", "성수"), ("page", "1")])
            .await,
        Err(AppError::NotLoggedIn)
    );
    assert_eq!(
        customer
            .call::<Place>("place_at", &[("lat", "35.68"), ("lng", "139.76")])
            .await,
        Err(AppError::Search(SearchRefusal::OutsideKorea)),
        "Tokyo"
    );
    assert_eq!(
        customer
            .call::<Place>("place_at", &[("lat", "91"), ("lng", "127")])
            .await,
        Err(AppError::Invalid(Problem::AddressOffMap))
    );
    assert_eq!(
        customer
            .call::<Place>("place_at", &[("lat", "35.0"), ("lng", "125.0")])
            .await,
        Err(AppError::Search(SearchRefusal::NothingHere)),
        "the sea off Jeolla"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn a_provider_that_is_down_is_told_in_a_sentence_and_saved_addresses_still_work() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    switch(&app.geocoder, failing()).await;
    let refused = customer
        .call::<PlaceMatches>("search_places", &[("query", "아차산로"), ("page", "1")])
        .await;
    assert_eq!(refused, Err(AppError::Search(SearchRefusal::NotAnswering)));
    let sentence = refused.expect_err("refused").to_string();
    assert!(sentence.contains("not answering"), "{sentence}");
    let saved: Vec<app::platform::SavedAddress> = customer
        .call("my_addresses", &[])
        .await
        .expect("saved addresses");
    assert!(!saved.is_empty(), "the customer's own addresses still load");
    app.shutdown().await;
}

/// Saves `place` for the customer as the address page does, with a unit and a note.
async fn save(
    customer: &Browser,
    place: &Place,
    unit: &str,
    note: &str,
) -> Result<SavedAddress, AppError> {
    customer
        .call(
            "add_address",
            &[
                ("label", "본가"),
                ("address", place.address()),
                ("building", place.building.as_deref().unwrap_or("")),
                ("unit", unit),
                ("rider_note", note),
            ],
        )
        .await
}

async fn saved_addresses(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM platform.customer_addresses")
        .fetch_one(&app.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_picked_building_is_saved_as_the_provider_knows_it_and_the_rider_reads_its_unit_and_note()
{
    let pool = demo_database().await;
    use app::delivery::{DeliveryStatus, RiderDelivery};
    use app::ordering::{OrderId, OrderStatus};
    use serde_json::json;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let found: PlaceMatches = customer
        .call("search_places", &[("query", "트리마제"), ("page", "1")])
        .await
        .expect("matches");
    let trimage = found.places.first().expect("a match").clone();
    let saved = save(
        &customer,
        &trimage,
        " 101동 1203호 ",
        "경비실에 맡겨 주세요",
    )
    .await
    .expect("saved");
    assert_eq!(saved.line, "서울 성동구 왕십리로 16");
    assert_eq!(saved.building.as_deref(), Some("트리마제"));
    assert_eq!(saved.unit, "101동 1203호", "trimmed");
    assert_eq!(saved.position, trimage.position, "the provider's point");
    assert_eq!(
        saved.for_rider(),
        "서울 성동구 왕십리로 16 (트리마제), 101동 1203호"
    );
    let listed: Vec<SavedAddress> = customer.call("my_addresses", &[]).await.expect("list");
    assert!(listed.contains(&saved), "{listed:?}");

    let order: OrderId = customer
        .call_json(
            "place_order",
            &json!({ "order": {
                "store_id": store_id(&app.pool, GIMBAP).await,
                "address_id": saved.address_id,
                "lines": [{ "item_id": item(&app.pool, GIMBAP, "돈까스김밥").await, "quantity": 2 }],
            }}),
        )
        .await
        .expect("ordered to the new address");
    let owner = cook(&app, &customer, order).await;
    let id = order.0.to_string();
    let kitchen: Vec<app::store::KitchenOrder> =
        owner.call("kitchen_orders", &[]).await.expect("the board");
    let cooked = kitchen
        .iter()
        .find(|k| k.order_id == order)
        .expect("on the board");
    assert_eq!(
        (cooked.delivery_address.as_str(), cooked.rider_note.as_str()),
        (
            "서울 성동구 왕십리로 16 (트리마제), 101동 1203호",
            "경비실에 맡겨 주세요"
        ),
        "the kitchen reads the address and note too"
    );
    let rider = app.logged_in(RIDER).await;
    eventually("the delivery opens", || async {
        rider
            .call::<()>("claim_delivery", &[("order_id", &id)])
            .await
            .ok()
    })
    .await;
    // The rider's list follows the claim through the delivery consumer.
    let delivery = eventually("the claim reaches the rider's list", || async {
        let mine: Vec<RiderDelivery> = rider.call("my_deliveries", &[]).await.ok()?;
        mine.into_iter().find(|d| d.order_id == order)
    })
    .await;
    assert_eq!(
        delivery.dropoff_address,
        "서울 성동구 왕십리로 16 (트리마제), 101동 1203호"
    );
    assert_eq!(delivery.rider_note, "경비실에 맡겨 주세요");

    // Once the food is handed over, the store and the rider keep only the neighbourhood.
    for step in ["pick_up", "deliver"] {
        rider
            .call::<OrderStatus>(step, &[("order_id", &id)])
            .await
            .expect(step);
    }
    let history = eventually("the delivery is over in the rider's history", || async {
        let mine: Vec<RiderDelivery> = rider.call("my_deliveries", &[]).await.ok()?;
        mine.into_iter()
            .find(|d| d.order_id == order && d.status == DeliveryStatus::Delivered)
    })
    .await;
    assert_eq!(
        (
            history.dropoff_address.as_str(),
            history.rider_note.as_str()
        ),
        ("서울 성동구", ""),
        "the rider's history keeps the neighbourhood only"
    );
    let (lat, lng): (f64, f64) = sqlx::query_as(
        "SELECT dropoff_lat, dropoff_lng FROM delivery.deliveries WHERE order_id = $1",
    )
    .bind(order.0)
    .fetch_one(&app.pool)
    .await
    .expect("the rider's copy");
    assert_eq!(
        ((lat * 100.0).round() / 100.0, (lng * 100.0).round() / 100.0),
        (lat, lng),
        "and only the vicinity of the door"
    );
    let kitchen = eventually("the kitchen sees the order delivered", || async {
        let board: Vec<app::store::KitchenOrder> = owner.call("kitchen_orders", &[]).await.ok()?;
        board
            .into_iter()
            .find(|k| k.order_id == order && k.status == OrderStatus::Delivered)
    })
    .await;
    assert_eq!(
        (
            kitchen.delivery_address.as_str(),
            kitchen.rider_note.as_str()
        ),
        ("서울 성동구", ""),
        "the kitchen's day list keeps the neighbourhood only"
    );
    let kept: String =
        sqlx::query_scalar("SELECT delivery_address FROM ordering.orders WHERE order_id = $1")
            .bind(order.0)
            .fetch_one(&app.pool)
            .await
            .expect("the order");
    assert_eq!(
        kept, "서울 성동구 왕십리로 16 (트리마제), 101동 1203호",
        "the customer's own order keeps the whole address"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn an_address_the_provider_does_not_know_or_cannot_check_is_not_saved() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let before = saved_addresses(&app).await;
    let invented = Place {
        road_address: Some("서울 성동구 없는길 999".into()),
        lot_address: "서울 성동구 성수동9가 999".into(),
        building: Some("상상의 건물".into()),
        position: seongsu(),
    };
    assert_eq!(
        save(&customer, &invented, "", "").await,
        Err(AppError::Search(SearchRefusal::AddressUnknown))
    );
    let found: PlaceMatches = customer
        .call("search_places", &[("query", "갤러리아포레"), ("page", "1")])
        .await
        .expect("matches");
    let forest = found.places.first().expect("a match").clone();
    assert_eq!(
        save(&customer, &forest, &"층".repeat(41), "").await,
        Err(AppError::Text(TextProblem::TooLong {
            label: Field::Unit,
            max_chars: 40
        }))
    );
    assert_eq!(
        save(&customer, &forest, "", "벨\u{7}").await,
        Err(AppError::Malformed(Unreadable::ControlCharacter {
            field: "rider_note".into()
        }))
    );
    switch(&app.geocoder, failing()).await;
    assert_eq!(
        save(&customer, &forest, "", "").await,
        Err(AppError::Search(SearchRefusal::NotAnswering)),
        "the provider is down: nothing is saved unchecked"
    );
    assert_eq!(
        app.browser()
            .call::<SavedAddress>(
                "add_address",
                &[
                    ("label", "집"),
                    ("address", forest.address()),
                    ("building", ""),
                    ("unit", ""),
                    ("rider_note", "")
                ]
            )
            .await,
        Err(AppError::NotLoggedIn)
    );
    assert_eq!(saved_addresses(&app).await, before, "nothing was saved");
    app.shutdown().await;
}

#[tokio::test]
async fn a_place_is_measured_against_the_store_before_it_is_saved() {
    let pool = demo_database().await;
    use app::store::StoreDistance;
    let app = TestApp::with_demo(pool).await;
    let gimbap = store_id(&app.pool, GIMBAP).await.to_string();
    let reach = |lat: &'static str, lng: &'static str| {
        let (app, gimbap) = (&app, gimbap.clone());
        async move {
            app.browser()
                .call::<StoreDistance>(
                    "store_reach",
                    &[("store_id", &gimbap), ("lat", lat), ("lng", lng)],
                )
                .await
                .expect("measured")
        }
    };
    let trimage = reach("37.5418", "127.0420").await;
    assert_eq!(trimage.name, GIMBAP);
    assert!(trimage.delivers(), "{trimage:?}");
    assert!((300.0..600.0).contains(&trimage.distance_m), "{trimage:?}");
    let gangnam = reach("37.4979", "127.0276").await;
    assert!(!gangnam.delivers(), "{gangnam:?}");
    app.shutdown().await;
}

/// The store's address and latitude as its table holds them.
async fn where_the_store_is(app: &TestApp, store: &str) -> (String, f64) {
    sqlx::query_as("SELECT address, lat FROM store.stores WHERE store_id = $1::uuid")
        .bind(store)
        .fetch_one(&app.pool)
        .await
        .expect("the store")
}

#[tokio::test]
async fn an_owner_moves_their_store_by_searching_its_address_and_no_one_else_can() {
    let pool = demo_database().await;
    use app::store::StoreDistance;
    let app = TestApp::with_demo(pool).await;
    let gimbap = store_id(&app.pool, GIMBAP).await.to_string();
    let owner = app.logged_in(OWNER).await;
    let moved: String = owner
        .call(
            "set_store_place",
            &[
                ("store_id", &gimbap),
                ("address", "서울 성동구 왕십리로 16"),
            ],
        )
        .await
        .expect("moved");
    assert_eq!(moved, "서울 성동구 왕십리로 16");
    let reach: StoreDistance = owner
        .call(
            "store_reach",
            &[
                ("store_id", &gimbap),
                ("lat", "37.5418"),
                ("lng", "127.0420"),
            ],
        )
        .await
        .expect("measured");
    assert!(
        reach.distance_m < 1.0,
        "the provider's point of 트리마제: {reach:?}"
    );

    let (address, lat) = where_the_store_is(&app, &gimbap).await;
    assert_eq!(
        (address.as_str(), lat),
        ("서울 성동구 왕십리로 16", 37.5418)
    );
    assert_eq!(
        owner
            .call::<String>(
                "set_store_place",
                &[("store_id", &gimbap), ("address", "서울 성동구 없는길 999")],
            )
            .await,
        Err(AppError::Search(SearchRefusal::AddressUnknown))
    );
    let other_owner = app.logged_in("owner.ttukseom@baedal.test").await;
    assert_eq!(
        other_owner
            .call::<String>(
                "set_store_place",
                &[("store_id", &gimbap), ("address", "서울 성동구 뚝섬로 400")],
            )
            .await,
        Err(AppError::NotFound(
            app::platform::error::Missing::NotYourStore
        ))
    );
    let (address, lat) = where_the_store_is(&app, &gimbap).await;
    assert_eq!(
        (address.as_str(), lat),
        ("서울 성동구 왕십리로 16", 37.5418),
        "unchanged"
    );
    app.shutdown().await;
}

/// Saves the phone's position with a typed address, as the page does without address search.
async fn save_located(
    customer: &Browser,
    line: &str,
    lat: &str,
    lng: &str,
) -> Result<SavedAddress, AppError> {
    customer
        .call(
            "add_located_address",
            &[
                ("label", "여기"),
                ("line", line),
                ("lat", lat),
                ("lng", lng),
                ("unit", "2층"),
                ("rider_note", ""),
            ],
        )
        .await
}

#[tokio::test]
async fn without_a_provider_search_is_off_and_the_phones_location_still_saves_an_address() {
    let pool = demo_database().await;
    let app = TestApp::without_geocoder(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    assert_eq!(
        customer
            .call::<PlaceMatches>("search_places", &[("query", "성수이로"), ("page", "1")])
            .await,
        Err(AppError::Search(SearchRefusal::SearchOff))
    );
    assert_eq!(
        customer
            .call::<Place>("place_at", &[("lat", "37.5446"), ("lng", "127.0557")])
            .await,
        Err(AppError::Search(SearchRefusal::SearchOff))
    );
    let before = saved_addresses(&app).await;
    assert_eq!(
        save_located(&customer, "서울 성동구 성수이로 7", "35.68", "139.76").await,
        Err(AppError::Search(SearchRefusal::OutsideKorea)),
        "Tokyo"
    );
    assert_eq!(
        save_located(&customer, "  ", "37.5446", "127.0557").await,
        Err(AppError::Text(TextProblem::Missing {
            label: Field::Address
        }))
    );
    assert_eq!(saved_addresses(&app).await, before, "nothing saved");
    let saved = save_located(&customer, " 서울 성동구 성수이로 7 ", "37.5446", "127.0557")
        .await
        .expect("saved");
    assert_eq!(saved.for_rider(), "서울 성동구 성수이로 7, 2층");
    assert_eq!(saved.position, seongsu());
    let listed: Vec<SavedAddress> = customer.call("my_addresses", &[]).await.expect("list");
    assert!(listed.contains(&saved));
    app.shutdown().await;
}

#[tokio::test]
async fn with_a_provider_a_typed_address_and_a_point_are_not_taken() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let customer = app.logged_in(CUSTOMER).await;
    let before = saved_addresses(&app).await;
    assert_eq!(
        save_located(&customer, "서울 성동구 성수이로 7", "37.5446", "127.0557").await,
        Err(AppError::Search(SearchRefusal::SearchIsOn))
    );
    assert_eq!(saved_addresses(&app).await, before);
    app.shutdown().await;
}
