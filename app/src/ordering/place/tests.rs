//! PlaceOrder's decision as a table: each way an order is refused, the first refusal when several
//! apply, and what an accepted order is priced at.

use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

use super::{decide_placement, PlacementFacts};
use crate::ordering::cart::{CartLine, CartProblem};
use crate::ordering::PlaceRefusal;
use crate::platform::error::Missing;
use crate::platform::events::OrderPlaced;
use crate::platform::geo::Position;
use crate::platform::money::Won;
use crate::platform::{AccountId, AppError, SavedAddress};
use crate::store::hours::{DayHours, ShownHours, DAY_MINUTES};
use crate::store::{MenuItem, StoreRow};

const GIMBAP: u128 = 11;
const RAMYEON: u128 = 12;
const TTEOKBOKKI: u128 = 13;
const NOT_ON_THE_MENU: u128 = 99;

const STORE_AT: Position = Position {
    lat: 37.5445,
    lng: 127.0557,
};

/// Monday 7 December 2026, 12:00 in Seoul.
fn monday_noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 3, 0, 0).unwrap()
}

fn store() -> StoreRow {
    StoreRow {
        store_id: Uuid::from_u128(1),
        owner_id: Uuid::from_u128(2),
        name: "서울숲 24시 김밥".into(),
        category: "분식".into(),
        address: "서울 성동구 뚝섬로 1".into(),
        lat: STORE_AT.lat,
        lng: STORE_AT.lng,
        delivery_radius_m: 2_000,
        minimum_order_krw: 12_000,
        delivery_fee_krw: 3_000,
        prep_minutes: 15,
        accepting_orders: true,
        live: true,
        suspended: false,
    }
}

fn open_all_week() -> Vec<DayHours> {
    (0..7)
        .map(|weekday| DayHours {
            weekday,
            opens: 0,
            closes: DAY_MINUTES,
        })
        .collect()
}

fn dish(id: u128, name: &str, price: i64, sold_out: bool) -> MenuItem {
    MenuItem {
        item_id: Uuid::from_u128(id),
        category: "분식".into(),
        name: name.into(),
        description: String::new(),
        price: Won(price),
        sold_out,
        groups: Vec::new(),
    }
}

/// The customer's address, `north_m` metres north of the store.
fn home(north_m: f64) -> SavedAddress {
    SavedAddress {
        address_id: Uuid::from_u128(9),
        label: "집".into(),
        line: "서울 성동구 왕십리로 16".into(),
        building: Some("트리마제".into()),
        unit: "101동 1203호".into(),
        rider_note: "문 앞에 놓아 주세요".into(),
        position: Position {
            lat: STORE_AT.lat + north_m / 111_195.0,
            lng: STORE_AT.lng,
        },
    }
}

fn cart(lines: &[(u128, i32)]) -> Vec<CartLine> {
    lines
        .iter()
        .map(|&(item, quantity)| CartLine {
            item_id: Uuid::from_u128(item),
            quantity,
            option_ids: Vec::new(),
        })
        .collect()
}

/// Two gimbap (16,000 won, above the 12,000 minimum) to an address 800 m away, at noon on a day
/// the store is open, after `change` has spoiled what the row is about.
fn decided(
    change: impl FnOnce(&mut PlacementFacts, &mut Vec<CartLine>),
) -> Result<OrderPlaced, AppError> {
    let mut facts = PlacementFacts {
        store: Some((store(), open_all_week())),
        address: Some(home(800.0)),
        menu: vec![
            dish(GIMBAP, "참치김밥", 8_000, false),
            dish(RAMYEON, "라면", 5_000, false),
            dish(TTEOKBOKKI, "떡볶이", 6_000, true),
        ],
    };
    let mut lines = cart(&[(GIMBAP, 2)]);
    change(&mut facts, &mut lines);
    decide_placement(facts, &lines, AccountId(Uuid::from_u128(7)), monday_noon())
}

fn store_of(facts: &mut PlacementFacts) -> &mut StoreRow {
    &mut facts.store.as_mut().expect("a store").0
}

/// Open on Mondays only in the evening.
fn evenings_on_monday(facts: &mut PlacementFacts) {
    facts.store.as_mut().expect("a store").1 = vec![DayHours {
        weekday: 0,
        opens: 17 * 60,
        closes: 22 * 60,
    }];
}

#[test]
fn every_refusal_comes_with_what_the_customer_needs_to_know() {
    let closed = PlaceRefusal::Closed {
        store: "서울숲 24시 김밥".into(),
        hours_today: ShownHours::Between {
            opens: 17 * 60,
            closes: 22 * 60,
        },
    };
    let rows: Vec<(&str, Result<OrderPlaced, AppError>, AppError)> = vec![
        (
            "no such store",
            decided(|f, _| f.store = None),
            AppError::NotFound(Missing::Store),
        ),
        (
            "a store not live yet",
            decided(|f, _| store_of(f).live = false),
            AppError::NotFound(Missing::Store),
        ),
        (
            "a suspended store",
            decided(|f, _| store_of(f).suspended = true),
            AppError::NotFound(Missing::Store),
        ),
        (
            "switched off by its owner",
            decided(|f, _| store_of(f).accepting_orders = false),
            AppError::Place(PlaceRefusal::NotTakingOrders {
                store: "서울숲 24시 김밥".into(),
            }),
        ),
        (
            "closed now, with today's hours",
            decided(|f, _| evenings_on_monday(f)),
            AppError::Place(closed.clone()),
        ),
        (
            "an address that is not the customer's",
            decided(|f, _| f.address = None),
            AppError::Place(PlaceRefusal::NoSuchAddress),
        ),
        (
            "an empty cart",
            decided(|_, lines| lines.clear()),
            AppError::Cart(CartProblem::Empty),
        ),
        (
            "a dish the store does not sell",
            decided(|_, lines| *lines = cart(&[(NOT_ON_THE_MENU, 1)])),
            AppError::Cart(CartProblem::UnknownItem),
        ),
        (
            "a sold-out dish, named",
            decided(|_, lines| *lines = cart(&[(GIMBAP, 2), (TTEOKBOKKI, 1)])),
            AppError::Cart(CartProblem::SoldOut {
                item: "떡볶이".into(),
            }),
        ),
        (
            "below the minimum, with the amount missing",
            decided(|_, lines| *lines = cart(&[(RAMYEON, 1)])),
            AppError::Place(PlaceRefusal::BelowMinimum {
                store: "서울숲 24시 김밥".into(),
                minimum: Won(12_000),
                missing: Won(7_000),
            }),
        ),
        // When several things are wrong, the customer hears the first one that matters.
        (
            "switched off and closed: the switch",
            decided(|f, _| {
                evenings_on_monday(f);
                store_of(f).accepting_orders = false;
            }),
            AppError::Place(PlaceRefusal::NotTakingOrders {
                store: "서울숲 24시 김밥".into(),
            }),
        ),
        (
            "closed and too far: the hours",
            decided(|f, _| {
                evenings_on_monday(f);
                f.address = Some(home(5_000.0));
            }),
            AppError::Place(closed),
        ),
        (
            "too far with a sold-out dish: the distance",
            decided(|f, lines| {
                f.address = Some(home(2_500.0));
                *lines = cart(&[(TTEOKBOKKI, 3)]);
            }),
            AppError::Place(PlaceRefusal::OutsideRadius {
                store: "서울숲 24시 김밥".into(),
                radius_m: 2_000.0,
                address: "집".into(),
                distance_m: 2_500.0,
            }),
        ),
        (
            "a sold-out dish below the minimum: the dish",
            decided(|_, lines| *lines = cart(&[(TTEOKBOKKI, 1)])),
            AppError::Cart(CartProblem::SoldOut {
                item: "떡볶이".into(),
            }),
        ),
    ];
    for (case, outcome, refusal) in rows {
        match (outcome, refusal) {
            // Distances are measured on the globe: compare them to the metre.
            (
                Err(AppError::Place(PlaceRefusal::OutsideRadius { distance_m, .. })),
                AppError::Place(PlaceRefusal::OutsideRadius {
                    distance_m: expected,
                    ..
                }),
            ) => assert!(
                (distance_m - expected).abs() < 1.0,
                "{case}: {distance_m} m"
            ),
            (outcome, refusal) => assert_eq!(outcome, Err(refusal), "{case}"),
        }
    }
}

#[test]
fn an_order_the_store_takes_is_priced_on_the_server_and_carries_what_the_rider_reads() {
    let placed = decided(|_, lines| *lines = cart(&[(GIMBAP, 2), (RAMYEON, 1)])).expect("placed");
    assert_eq!(placed.items_total, Won(21_000));
    assert_eq!(placed.delivery_fee, Won(3_000));
    assert_eq!(placed.total, Won(24_000));
    assert_eq!(
        placed
            .lines
            .iter()
            .map(|line| (line.name.as_str(), line.quantity, line.line_total))
            .collect::<Vec<_>>(),
        [("참치김밥", 2, Won(16_000)), ("라면", 1, Won(5_000))]
    );
    assert_eq!(
        placed.delivery_address,
        "서울 성동구 왕십리로 16 (트리마제), 101동 1203호"
    );
    assert_eq!(placed.rider_note, "문 앞에 놓아 주세요");
    assert_eq!(placed.store_owner_id, AccountId(Uuid::from_u128(2)));
    assert_eq!(placed.pickup, STORE_AT);
}

#[test]
fn an_address_on_the_edge_of_the_radius_is_served() {
    assert!(decided(|f, _| f.address = Some(home(1_990.0))).is_ok());
    assert!(decided(|f, _| f.address = Some(home(2_010.0))).is_err());
}
