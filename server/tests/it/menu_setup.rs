//! The owner's menu and hours editing, seen through what customers can then see and order.

use crate::common::*;
use app::ordering::PlaceRefusal;
use app::platform::error::{Limit, Missing};
use app::platform::money::Won;
use app::platform::text::{Field, TextProblem};
use app::platform::{AppError, Role};
use app::store::editing::EditProblem;
use app::store::hours::{DayForm, HoursProblem, ShownHours};
use app::store::{MenuItem, StoreMenu, StoreSetup};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

async fn customer_menu(app: &TestApp, store: Uuid) -> StoreMenu {
    app.browser()
        .call("store_menu", &[("store_id", &store.to_string())])
        .await
        .expect("store menu")
}

fn dish<'a>(menu: &'a StoreMenu, name: &str) -> &'a MenuItem {
    menu.items
        .iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("{name} is on the menu"))
}

async fn menu_rows(pool: &PgPool) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM store.menu_items), (SELECT count(*) FROM store.menu_option_groups),
                (SELECT count(*) FROM store.menu_options)",
    )
    .fetch_one(pool)
    .await
    .expect("counts")
}

async fn order_one(
    app: &TestApp,
    customer: &Browser,
    store: Uuid,
    item: Uuid,
    options: &[Uuid],
) -> Result<Uuid, AppError> {
    let order = json!({ "order": {
        "store_id": store,
        "address_id": home_of(&app.pool, CUSTOMER).await,
        "lines": [{ "item_id": item, "quantity": 3, "option_ids": options }],
    }});
    customer.call_json("place_order", &order).await
}

#[tokio::test]
async fn a_dish_the_owner_adds_is_on_sale_at_its_price() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let owner = app.logged_in(OWNER).await;
    let customer = app.logged_in(CUSTOMER).await;
    let store = store_id(&app.pool, GIMBAP).await;

    let item: Uuid = owner
        .call(
            "add_menu_item",
            &[
                ("store_id", &store.to_string()),
                ("name", " 참치김밥 "),
                ("category", "김밥"),
                ("description", "참치와 마요네즈"),
                ("price_krw", "4500"),
            ],
        )
        .await
        .expect("dish added");
    let menu = customer_menu(&app, store).await;
    let tuna = dish(&menu, "참치김밥");
    assert_eq!(
        (tuna.item_id, tuna.price.0, tuna.sold_out),
        (item, 4500, false)
    );
    assert_eq!(tuna.description, "참치와 마요네즈");
    assert_eq!(
        menu.items.last().map(|i| i.item_id),
        Some(item),
        "new dishes go last"
    );

    // A new price is what the next order pays.
    owner
        .call::<()>(
            "edit_menu_item",
            &[
                ("item_id", &item.to_string()),
                ("name", "참치김밥"),
                ("category", "김밥"),
                ("description", "참치 듬뿍"),
                ("price_krw", "5000"),
            ],
        )
        .await
        .expect("dish edited");
    assert_eq!(
        dish(&customer_menu(&app, store).await, "참치김밥").price.0,
        5000
    );
    let order = order_one(&app, &customer, store, item, &[])
        .await
        .expect("order placed");
    let total: i64 =
        sqlx::query_scalar("SELECT total_krw FROM ordering.orders WHERE order_id = $1")
            .bind(order)
            .fetch_one(&app.pool)
            .await
            .expect("order row");
    assert_eq!(total, 3 * 5000 + 2500, "three dishes and the delivery fee");

    // Sold out: shown greyed, refused at checkout; back on sale: orderable again.
    owner
        .call::<()>(
            "set_item_sold_out",
            &[("item_id", &item.to_string()), ("sold_out", "true")],
        )
        .await
        .expect("marked sold out");
    assert!(dish(&customer_menu(&app, store).await, "참치김밥").sold_out);
    let refused = order_one(&app, &customer, store, item, &[]).await;
    assert!(matches!(refused, Err(AppError::Cart(_))), "{refused:?}");
    owner
        .call::<()>(
            "set_item_sold_out",
            &[("item_id", &item.to_string()), ("sold_out", "false")],
        )
        .await
        .expect("back on sale");
    order_one(&app, &customer, store, item, &[])
        .await
        .expect("orderable again");
    app.shutdown().await;
}

#[tokio::test]
async fn option_groups_and_choices_shape_what_customers_pick() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let owner = app.logged_in(OWNER).await;
    let customer = app.logged_in(CUSTOMER).await;
    let store = store_id(&app.pool, GIMBAP).await;
    let item = item(&app.pool, GIMBAP, "원조김밥").await;

    let group: Uuid = owner
        .call(
            "add_option_group",
            &[
                ("item_id", &item.to_string()),
                ("name", "밥 양"),
                ("min_select", "1"),
                ("max_select", "1"),
            ],
        )
        .await
        .expect("group added");
    let normal = add_option(&owner, group, "보통", "0").await;
    let more = add_option(&owner, group, "곱빼기", "500").await;
    owner
        .call::<()>(
            "edit_menu_option",
            &[
                ("option_id", &more.to_string()),
                ("name", "곱빼기"),
                ("price_delta_krw", "1000"),
            ],
        )
        .await
        .expect("option edited");

    let menu = customer_menu(&app, store).await;
    let rice = dish(&menu, "원조김밥")
        .groups
        .iter()
        .find(|g| g.group_id == group)
        .expect("group shown");
    assert_eq!((rice.min, rice.max), (1, 1));
    let names: Vec<(&str, i64)> = rice
        .options
        .iter()
        .map(|o| (o.name.as_str(), o.price_delta.0))
        .collect();
    assert_eq!(names, vec![("보통", 0), ("곱빼기", 1000)]);

    // The group is required now: an order without a choice is refused, with one it is priced.
    assert!(matches!(
        order_one(&app, &customer, store, item, &[]).await,
        Err(AppError::Cart(_))
    ));
    let order = order_one(&app, &customer, store, item, &[more])
        .await
        .expect("order placed");
    let total: i64 =
        sqlx::query_scalar("SELECT total_krw FROM ordering.orders WHERE order_id = $1")
            .bind(order)
            .fetch_one(&app.pool)
            .await
            .expect("order row");
    assert_eq!(total, 3 * (3500 + 1000) + 2500);

    owner
        .call::<()>(
            "set_option_sold_out",
            &[("option_id", &more.to_string()), ("sold_out", "true")],
        )
        .await
        .expect("option sold out");
    assert!(matches!(
        order_one(&app, &customer, store, item, &[more]).await,
        Err(AppError::Cart(_))
    ));
    order_one(&app, &customer, store, item, &[normal])
        .await
        .expect("the other choice still sells");
    app.shutdown().await;
}

#[tokio::test]
async fn bad_edits_and_outsiders_change_nothing() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let owner = app.logged_in(OWNER).await;
    let other_owner = app.logged_in(OTHER_OWNER).await;
    let customer = app.logged_in(CUSTOMER).await;
    let store = store_id(&app.pool, GIMBAP).await;
    let item = item(&app.pool, GIMBAP, "원조김밥").await.to_string();
    let before = menu_rows(&app.pool).await;
    let menu_before = customer_menu(&app, store).await;

    assert_eq!(
        add_dish(&owner, store, "참치김밥", "-100").await,
        Err(AppError::Edit(EditProblem::NegativePrice {
            field: Field::Price
        }))
    );
    assert_eq!(
        add_dish(&owner, store, "  ", "4000").await,
        Err(AppError::Edit(EditProblem::Text(TextProblem::Missing {
            label: Field::DishName
        })))
    );
    assert_eq!(
        add_dish(&owner, store, "참치김밥", "5000000").await,
        Err(AppError::Edit(EditProblem::PriceAboveMost {
            field: Field::Price,
            most: Won(1_000_000)
        }))
    );
    assert_eq!(
        add_dish(&other_owner, store, "참치김밥", "4000").await,
        Err(AppError::NotFound(Missing::NotYourStore))
    );
    assert_eq!(
        add_dish(&customer, store, "참치김밥", "4000").await,
        Err(AppError::WrongRole(Role::Owner))
    );
    let not_yours = Err(AppError::NotFound(Missing::NotYourDish));
    assert_eq!(
        other_owner
            .call::<serde_json::Value>(
                "set_item_sold_out",
                &[("item_id", &item), ("sold_out", "true")]
            )
            .await,
        not_yours
    );
    assert_eq!(
        other_owner
            .call::<serde_json::Value>(
                "add_option_group",
                &[
                    ("item_id", &item),
                    ("name", "맵기"),
                    ("min_select", "0"),
                    ("max_select", "1")
                ],
            )
            .await,
        not_yours
    );
    assert!(matches!(
        owner
            .call::<serde_json::Value>(
                "add_option_group",
                &[
                    ("item_id", &item),
                    ("name", "맵기"),
                    ("min_select", "2"),
                    ("max_select", "1")
                ],
            )
            .await,
        Err(AppError::Edit(EditProblem::LeastChoicesOutOfRange))
    ));
    assert_eq!(
        owner
            .call::<serde_json::Value>("store_setup", &[("store_id", &store.to_string())])
            .await
            .map(|_| ()),
        Ok(())
    );
    assert_eq!(
        other_owner
            .call::<StoreSetup>("store_setup", &[("store_id", &store.to_string())])
            .await
            .map(|_| ()),
        Err(AppError::NotFound(Missing::NotYourStore))
    );

    assert_eq!(menu_rows(&app.pool).await, before, "no row was written");
    assert_eq!(
        customer_menu(&app, store).await,
        menu_before,
        "the menu is as it was"
    );
    app.shutdown().await;
}

fn week(open: bool, opens: &str, closes: &str) -> Vec<DayForm> {
    (0..7)
        .map(|weekday| DayForm {
            weekday,
            open,
            opens: opens.into(),
            closes: closes.into(),
        })
        .collect()
}

#[tokio::test]
async fn opening_hours_decide_whether_customers_can_order() {
    let pool = demo_database().await;
    let app = TestApp::with_demo(pool).await;
    let owner = app.logged_in(OWNER).await;
    let other_owner = app.logged_in(OTHER_OWNER).await;
    let customer = app.logged_in(CUSTOMER).await;
    let store = store_id(&app.pool, GIMBAP).await;
    set_hours(&owner, store, week(false, "", ""))
        .await
        .expect("closed all week");
    let menu = customer_menu(&app, store).await;
    assert!(!menu.open_now);
    assert_eq!(menu.hours_today, ShownHours::Closed);
    let refused = customer
        .call_json::<Uuid>("place_order", &gimbap_order(&app, CUSTOMER).await)
        .await;
    assert!(
        matches!(
            &refused,
            Err(AppError::Place(PlaceRefusal::Closed {
                hours_today: ShownHours::Closed,
                ..
            }))
        ),
        "{refused:?}"
    );
    let setup: StoreSetup = owner
        .call("store_setup", &[("store_id", &store.to_string())])
        .await
        .expect("setup");
    assert!(
        setup.week.iter().all(|d| !d.open),
        "the form shows every day closed"
    );

    // Bad times and other owners change nothing.
    assert!(matches!(
        set_hours(&owner, store, week(true, "25:00", "22:00")).await,
        Err(AppError::Edit(EditProblem::Hours(HoursProblem::NotATime {
            closing: false,
            ..
        })))
    ));
    assert_eq!(
        set_hours(&other_owner, store, week(true, "00:00", "00:00")).await,
        Err(AppError::NotFound(Missing::NotYourStore))
    );
    assert!(!customer_menu(&app, store).await.open_now);

    set_hours(&owner, store, week(true, "00:00", "00:00"))
        .await
        .expect("open all day");
    let menu = customer_menu(&app, store).await;
    assert!(menu.open_now);
    assert_eq!(menu.hours_today, ShownHours::AllDay);
    customer
        .call_json::<Uuid>("place_order", &gimbap_order(&app, CUSTOMER).await)
        .await
        .expect("orders are taken again");
    app.shutdown().await;
}

/// Adds a dish called `name` in the 김밥 section to `store` through the owner's form.
async fn add_dish(
    browser: &Browser,
    store: Uuid,
    name: &str,
    price: &str,
) -> Result<serde_json::Value, AppError> {
    let store = store.to_string();
    browser
        .call(
            "add_menu_item",
            &[
                ("store_id", store.as_str()),
                ("name", name),
                ("category", "김밥"),
                ("description", ""),
                ("price_krw", price),
            ],
        )
        .await
}

/// Replaces the store's week of opening hours.
async fn set_hours(browser: &Browser, store: Uuid, week: Vec<DayForm>) -> Result<(), AppError> {
    browser
        .call_json(
            "set_opening_hours",
            &json!({ "store_id": store, "week": week }),
        )
        .await
}

/// Adds a choice to an option group through the owner's form.
async fn add_option(owner: &Browser, group: Uuid, name: &str, extra_price: &str) -> Uuid {
    let group = group.to_string();
    owner
        .call(
            "add_menu_option",
            &[
                ("group_id", group.as_str()),
                ("name", name),
                ("price_delta_krw", extra_price),
            ],
        )
        .await
        .expect("option added")
}

#[tokio::test]
async fn a_menu_a_dish_and_a_group_stop_growing_at_their_caps() {
    let pool = demo_database().await;
    use app::store::editing::{MAX_DISHES, MAX_GROUPS_PER_DISH, MAX_OPTIONS_PER_GROUP};
    let app = TestApp::with_demo(pool).await;
    let owner = app.logged_in(OWNER).await;
    let store = store_id(&app.pool, GIMBAP).await;
    let add_dish = |name: String| {
        let owner = &owner;
        async move {
            owner
                .call::<Uuid>(
                    "add_menu_item",
                    &[
                        ("store_id", &store.to_string()),
                        ("name", &name),
                        ("category", "김밥"),
                        ("description", ""),
                        ("price_krw", "4000"),
                    ],
                )
                .await
        }
    };
    // Fill the menu to one short of the cap in the database, then add the last one as the owner.
    sqlx::query(
        "INSERT INTO store.menu_items (item_id, store_id, category, name, description, price_krw, position)
         SELECT gen_random_uuid(), $1, '김밥', 'filler ' || n, '', 4000, 1000 + n
         FROM generate_series(1, $2 - 1 - (SELECT count(*) FROM store.menu_items WHERE store_id = $1)) n",
    )
    .bind(store)
    .bind(MAX_DISHES)
    .execute(&app.pool)
    .await
    .expect("filled");
    let last = add_dish("마지막 김밥".into())
        .await
        .expect("the last dish fits");
    let before = menu_rows(&app.pool).await;
    let refused = add_dish("하나 더".into()).await;
    assert_eq!(
        refused,
        Err(AppError::LimitReached(Limit::Dishes { most: MAX_DISHES }))
    );
    assert_eq!(menu_rows(&app.pool).await, before, "nothing was added");

    let add_group = |n: i64| {
        let owner = &owner;
        async move {
            owner
                .call::<Uuid>(
                    "add_option_group",
                    &[
                        ("item_id", &last.to_string()),
                        ("name", &format!("group {n}")),
                        ("min_select", "0"),
                        ("max_select", "1"),
                    ],
                )
                .await
        }
    };
    let mut group = None;
    for n in 0..MAX_GROUPS_PER_DISH {
        group = Some(add_group(n).await.expect("a group within the cap"));
    }
    assert_eq!(
        add_group(99).await,
        Err(AppError::LimitReached(Limit::OptionGroups {
            most: MAX_GROUPS_PER_DISH
        }))
    );

    let group = group.expect("a group").to_string();
    for n in 0..MAX_OPTIONS_PER_GROUP {
        owner
            .call::<Uuid>(
                "add_menu_option",
                &[
                    ("group_id", &group),
                    ("name", &format!("choice {n}")),
                    ("price_delta_krw", "0"),
                ],
            )
            .await
            .expect("a choice within the cap");
    }
    let one_more = owner
        .call::<Uuid>(
            "add_menu_option",
            &[
                ("group_id", &group),
                ("name", "one more"),
                ("price_delta_krw", "0"),
            ],
        )
        .await;
    assert_eq!(
        one_more,
        Err(AppError::LimitReached(Limit::Choices {
            most: MAX_OPTIONS_PER_GROUP
        }))
    );

    // Another owner's dish is still "not yours", not "full".
    let other = app.logged_in(OTHER_OWNER).await;
    let theirs = other
        .call::<Uuid>(
            "add_option_group",
            &[
                ("item_id", &last.to_string()),
                ("name", "x"),
                ("min_select", "0"),
                ("max_select", "1"),
            ],
        )
        .await;
    assert!(matches!(theirs, Err(AppError::NotFound(_))), "{theirs:?}");
    app.shutdown().await;
}
